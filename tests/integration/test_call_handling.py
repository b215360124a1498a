"""Whole calls through the API (issue 4, "done when"): risk screening and assessment,
grading, tasks for the owning team, the Community Trigger, overrides and their audit,
closing and the survey queue. Runs the real server over a temporary store."""

import datetime
import time
import unittest

import fcharness

ASH_ROAD = ("12 Ash Road, Leicester", "LE1 1AA")


def iso(dt):
    return dt.strftime("%Y-%m-%dT%H:%M:%SZ")


def ago(**kw):
    return datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(**kw)


class CallHandlingTest(fcharness.ServerTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.handler = cls.srv.login("handler")
        cls.officer = cls.srv.login("officer")
        cls.supervisor = cls.srv.login("supervisor")
        cls.partner = cls.srv.login("partner")

    # ---- helpers ----

    def ok(self, r, status=(200, 201)):
        self.assertIn(r.status, status if isinstance(status, tuple) else (status,), r.text)
        return r.json()

    def person(self, forename, surname, phone=None, dob=None):
        body = {"names": [{"forename": forename, "surname": surname}]}
        if phone:
            body["phones"] = [{"number": phone, "kind": "mobile"}]
        if dob:
            body["dobs"] = [{"date": dob}]
        return self.ok(self.handler.post("/api/v1/persons", body), 201)["id"]

    def call(self, person_id, when, category="nuisance", incident_type="noise",
             where=ASH_ROAD, details=None):
        contact = self.ok(self.handler.post("/api/v1/contacts", {
            "channel": "phone", "received_at": iso(when), "caller_person_id": person_id,
            "details": details or {}}), 201)
        incident = self.ok(self.handler.post("/api/v1/incidents", {
            "category": category, "incident_type": incident_type,
            "location_raw": where[0], "location_postcode": where[1],
            "occurred_at": iso(when - datetime.timedelta(hours=1)),
            "persons": [{"person_id": person_id, "role": "victim"}],
            "contact_id": contact["id"]}), 201)
        return contact["id"], incident["id"]

    def tasks(self, incident_id):
        return self.ok(self.handler.get("/api/v1/incidents/%d/tasks" % incident_id))["tasks"]

    def find(self, tasks, kind, rank="", status="open"):
        for t in tasks:
            if t["kind"] == kind and t["rank"] == rank and t["status"] == status:
                return t
        return None

    def audit_rows(self, object_type, object_id):
        conn = self.srv.db()
        try:
            return [dict(r) for r in conn.execute(
                "SELECT actor_user_id, action, purpose, detail FROM audit_event "
                "WHERE object_type = ? AND object_id = ? ORDER BY seq", (object_type, object_id))]
        finally:
            conn.close()

    # ---- the paths ----

    def test_first_time_caller_is_taken_to_a_low_risk_incident(self):
        pid = self.person("Fiona", "Firstcaller")
        cid, iid = self.call(pid, ago(minutes=5))
        labels = self.ok(self.handler.get("/api/v1/contacts/%d/labels" % cid))
        self.assertEqual(labels["prior_calls_12m"], 0)
        self.assertFalse(labels["is_repeat_victim"])
        self.assertFalse(labels["is_vulnerable"])
        screening = self.ok(self.handler.post("/api/v1/incidents/%d/screening" % iid, {
            "contact_id": cid, "answers": {"S1": "no", "S2": "no", "S3": "no", "S4": "no",
                                           "S5": "no", "S6": "yes", "S7": "no"}}), 201)
        self.assertEqual(screening["outcome"], "standard")
        self.assertEqual(screening["level"], "standard")
        grade = self.ok(self.handler.post("/api/v1/incidents/%d/grade" % iid, {}), 201)
        self.assertEqual(grade["grade"], "scheduled")
        self.assertFalse(grade["is_override"])
        incident = self.ok(self.handler.get("/api/v1/incidents/%d" % iid))
        self.assertEqual(incident["risk_level"], "standard")
        self.assertEqual(incident["grade"], "scheduled")
        tasks = self.tasks(iid)
        self.assertEqual([t["kind"] for t in tasks], ["visit"])
        self.assertEqual(tasks[0]["team_id"], "npt_leicester")
        queue = self.ok(self.officer.get("/api/v1/teams/npt_leicester/tasks?which=open"))
        self.assertIn(tasks[0]["id"], [t["id"] for t in queue["tasks"]])

    def test_misspelt_repeat_vulnerable_victim_is_assessed_high_with_reviews(self):
        pid = self.person("Ravinder", "Shergill", "07700 900123", "1971-09-30")
        for days in (75, 30):
            self.call(pid, ago(days=days), "personal", "intimidation_harassment")
        # the council flags them from its own records, matched like a call
        flag = self.ok(self.partner.post("/api/v1/partner-flags", {
            "external_ref": "LCC-ASC-0042", "kind": "vulnerable",
            "reason": "learning disability", "flagged_at": iso(ago(days=100)),
            "sharing_basis": "LLR vulnerability ISA",
            "person": {"name": "SHERGILL, Ravinder", "dob": "30/09/1971",
                       "phone": "07700900123"}}), 201)
        self.assertEqual(flag["person_id"], pid, flag)
        # the caller gives a misspelt name; the lookup still finds them
        look = self.ok(self.handler.post("/api/v1/lookup", {
            "forename": "Ravindar", "surname": "Shergil", "phone": "07700900123",
            "purpose": "ASB call"}))
        self.assertTrue(look["candidates"], look)
        self.assertEqual(look["candidates"][0]["person_id"], pid)
        received = ago(minutes=10)
        cid, iid = self.call(pid, received, "personal", "intimidation_harassment",
                             details={"forename": "Ravindar", "surname": "Shergil"})
        labels = self.ok(self.handler.get("/api/v1/contacts/%d/labels" % cid))
        self.assertEqual(labels["prior_calls_12m"], 2)
        self.assertTrue(labels["is_repeat_victim"])
        self.assertTrue(labels["is_vulnerable"])
        self.assertEqual(labels["vulnerable_basis"], "flag")
        self.assertEqual(labels["flags_shown"][0]["agency"], fcharness.COUNCIL)
        self.assertNotIn("learning disability", str(labels))

        screening = self.ok(self.handler.post("/api/v1/incidents/%d/screening" % iid, {
            "contact_id": cid, "answers": {"S1": "yes", "S3": "yes", "S6": "yes"}}), 201)
        self.assertEqual(screening["outcome"], "not_low_risk")
        self.assertEqual(screening["level"], "medium")
        self.assertIn("vulnerability_flag", [e["id"] for e in screening["escalations"]])
        grade = self.ok(self.handler.post("/api/v1/incidents/%d/grade" % iid, {}), 201)
        self.assertEqual(grade["grade"], "scheduled")
        tasks = self.tasks(iid)
        full = self.find(tasks, "full_assessment")
        self.assertIsNotNone(full, tasks)
        due = datetime.datetime.strptime(full["due_at"], "%Y-%m-%dT%H:%M:%SZ")
        self.assertEqual(due.replace(tzinfo=datetime.timezone.utc) - received.replace(microsecond=0),
                         datetime.timedelta(hours=24))
        self.assertIsNotNone(self.find(tasks, "review", "supervisor"))

        # a call handler does not complete the full assessment; an officer does
        answers = {"F1": "yes", "F3": "yes", "F4": "yes", "F5": "yes", "F6": "daily",
                   "F7": "yes", "F9": "yes", "F12": "yes"}
        self.assertProblem(self.handler.post("/api/v1/incidents/%d/assessment" % iid,
                                             {"answers": answers}), 403)
        self.assertProblem(self.officer.post("/api/v1/incidents/%d/assessment" % iid,
                                             {"answers": {"F99": "yes"}}), 422, "answers.F99")
        full = self.ok(self.officer.post("/api/v1/incidents/%d/assessment" % iid,
                                         {"answers": answers}), 201)
        self.assertEqual(full["score"], 27)  # 21 from the answers, X1 2, X2 4
        self.assertEqual(full["level"], "high")
        self.assertTrue(full["regraded"])
        incident = self.ok(self.handler.get("/api/v1/incidents/%d" % iid))
        self.assertEqual(incident["risk_level"], "high")
        self.assertEqual(incident["grade"], "priority")
        tasks = self.tasks(iid)
        self.assertIsNotNone(self.find(tasks, "full_assessment", status="done"))
        self.assertIsNotNone(self.find(tasks, "call_back"))
        for rank in ("supervisor", "sergeant", "inspector", "chief_inspector"):
            self.assertIsNotNone(self.find(tasks, "review", rank), rank)
        review = self.find(tasks, "review", "supervisor")
        done = self.ok(self.supervisor.post("/api/v1/tasks/%d/complete" % review["id"],
                                            {"outcome": "plan agreed; SPOC assigned"}))
        self.assertEqual(done["status"], "done")
        self.assertProblem(self.supervisor.post("/api/v1/tasks/%d/complete" % review["id"],
                                                {"outcome": "again"}), 409)
        history = self.ok(self.handler.get("/api/v1/incidents/%d/risk" % iid))["assessments"]
        self.assertEqual([a["stage"] for a in history], ["screening", "full"])
        plan = self.ok(self.handler.get("/api/v1/incidents/%d/updates" % iid))["plan"]
        self.assertTrue(plan["is_enhanced"])

    def test_third_complaint_in_six_months_raises_a_community_trigger(self):
        pid = self.person("Tom", "Thrice")
        where = ("5 Birch Road, Leicester", "LE1 1AD")
        self.call(pid, ago(days=90), where=where)
        second, _ = self.call(pid, ago(days=30), where=where)
        third, iid = self.call(pid, ago(minutes=3), where=where)
        labels = self.ok(self.handler.get("/api/v1/contacts/%d/labels" % second))
        self.assertEqual(labels["community_trigger"]["count"], 2)
        self.assertTrue(labels["community_trigger"]["should_prompt"])
        labels = self.ok(self.handler.get("/api/v1/contacts/%d/labels" % third))
        self.assertEqual(labels["community_trigger"]["count"], 3)
        self.assertTrue(labels["community_trigger"]["is_eligible"])
        tr = self.ok(self.handler.post("/api/v1/community-triggers", {
            "contact_id": third, "incident_id": iid, "channel": "phone"}), 201)
        self.assertEqual(tr["basis"], "applicant")
        self.assertEqual(tr["applicant_count"], 3)
        self.assertEqual([s["step"] for s in tr["steps"]],
                         ["acknowledge", "threshold_decision", "review", "outcome_letter"])
        self.assertIsNotNone(tr["steps"][0]["due_at"])
        self.assertIsNone(tr["steps"][2]["due_at"])
        self.assertProblem(self.handler.post(
            "/api/v1/community-triggers/%d/steps/threshold_decision" % tr["id"],
            {"is_met": True, "note": "three complaints"}), 403)
        tr = self.ok(self.supervisor.post(
            "/api/v1/community-triggers/%d/steps/threshold_decision" % tr["id"],
            {"is_met": True, "note": "three qualifying complaints in six months"}))
        self.assertEqual(tr["status"], "threshold_met")
        self.assertIsNotNone(tr["steps"][2]["due_at"])
        self.assertProblem(self.handler.post("/api/v1/community-triggers", {
            "applicant_person_id": pid, "channel": "phone", "is_third_party": True}),
            422, "has_victim_consent")

    def test_lookup_shows_last_risk_and_repeat_location(self):
        birch = ("5 Birch Close, Leicester", "LE1 5AA")
        pid = self.ok(self.handler.post("/api/v1/persons", {
            "names": [{"forename": "Lorna", "surname": "Placewell"}],
            "dobs": [{"date": "1966-02-11"}],
            "addresses": [{"raw": birch[0], "postcode": birch[1]}]}), 201)["id"]
        other = self.person("Lorna", "Placewelling", dob="1980-05-05")
        who = {"forename": "Lorna", "surname": "Placewell", "dob": "11/02/1966",
               "purpose": "ASB call"}

        def candidate(look, person_id):
            for c in look["candidates"]:
                if c["person_id"] == person_id:
                    return c
            self.fail("person %d not among %r" % (person_id, look))

        # before any incident: no risk, one place with nothing recorded
        c = candidate(self.ok(self.handler.post("/api/v1/lookup", who)), pid)
        self.assertIsNone(c["last_risk"])
        self.assertEqual(c["repeat_location"],
                         {"place": "caller_address", "incidents_12m": 0, "is_repeat": False})
        cid, iid = self.call(pid, ago(days=20), "personal", "intimidation_harassment",
                             where=birch)
        self.ok(self.handler.post("/api/v1/incidents/%d/screening" % iid, {
            "contact_id": cid, "answers": {"S5": "yes", "S6": "yes"}}), 201)
        self.call(pid, ago(days=3), where=birch)
        c = candidate(self.ok(self.handler.post("/api/v1/lookup", who)), pid)
        self.assertEqual(c["last_risk"]["level"], "medium")
        self.assertEqual(c["last_risk"]["stage"], "screening")
        self.assertEqual(c["last_risk"]["incident_id"], iid)
        # two earlier incidents at the caller's address: a repeat location (definitions/v1)
        self.assertEqual(c["repeat_location"],
                         {"place": "caller_address", "incidents_12m": 2, "is_repeat": True})
        # the latest assessment wins, an override included
        self.ok(self.handler.post("/api/v1/incidents/%d/risk-override" % iid, {
            "level": "high", "reason": "threats made since"}), 201)
        look = self.ok(self.handler.post("/api/v1/lookup", dict(
            who, location="5 Birch Close", location_postcode="le1 5aa")))
        c = candidate(look, pid)
        self.assertEqual(c["last_risk"]["level"], "high")
        self.assertEqual(c["last_risk"]["stage"], "override")
        # the place typed is counted, for the call and for every candidate
        self.assertEqual(look["location"],
                         {"place": "location", "incidents_12m": 2, "is_repeat": True})
        self.assertEqual(c["repeat_location"]["place"], "location")
        self.assertEqual(c["repeat_location"]["incidents_12m"], 2)
        # somewhere else (about 500 m away, another address): not a repeat location
        look = self.ok(self.handler.post("/api/v1/lookup", dict(
            who, location="40 Elm Street", location_postcode="LE1 5AD")))
        self.assertEqual(look["location"],
                         {"place": "location", "incidents_12m": 0, "is_repeat": False})
        self.assertFalse(candidate(look, pid)["repeat_location"]["is_repeat"])
        # a person with no address and no assessment: nothing to count, nothing to show
        look = self.ok(self.handler.post("/api/v1/lookup", {
            "forename": "Lorna", "surname": "Placewelling", "dob": "05/05/1980",
            "purpose": "ASB call"}))
        c = candidate(look, other)
        self.assertIsNone(c["last_risk"])
        self.assertIsNone(c["repeat_location"])
        self.assertNotIn("location", look)
        # a place that is not a full postcode is refused, naming the field
        self.assertProblem(self.handler.post("/api/v1/lookup", dict(
            who, location_postcode="LE1")), 422, "location_postcode")

    def test_overrides_need_reasons_and_are_audited(self):
        pid = self.person("Olu", "Override")
        cid, iid = self.call(pid, ago(minutes=2), "personal", "hate_motivated")
        s = self.ok(self.handler.post("/api/v1/incidents/%d/screening" % iid, {
            "contact_id": cid, "answers": {"S5": "yes", "S6": "yes"}}), 201)
        self.assertEqual(s["level"], "medium")
        before = self.srv.count("risk_assessment", "incident_id = ?", (iid,))
        self.assertProblem(self.officer.post("/api/v1/incidents/%d/risk-override" % iid, {
            "level": "standard", "reason": "not hate after all"}), 403)
        self.assertProblem(self.supervisor.post("/api/v1/incidents/%d/risk-override" % iid, {
            "level": "standard", "reason": " "}), 422, "reason")
        self.assertEqual(self.srv.count("risk_assessment", "incident_id = ?", (iid,)), before)
        raised = self.ok(self.handler.post("/api/v1/incidents/%d/risk-override" % iid, {
            "level": "high", "reason": "threats to burn the house"}), 201)
        self.assertEqual(raised["level"], "high")
        lowered = self.ok(self.supervisor.post("/api/v1/incidents/%d/risk-override" % iid, {
            "level": "medium", "reason": "threat retracted; reviewed with victim"}), 201)
        rows = self.audit_rows("risk_assessment", lowered["assessment_id"])
        self.assertEqual(len(rows), 1)
        self.assertEqual(rows[0]["action"], "alter")
        self.assertEqual(rows[0]["purpose"], "threat retracted; reviewed with victim")
        self.assertEqual(rows[0]["actor_user_id"], self.supervisor.user["id"])
        # a grade different from the suggestion needs a reason, and is audited with it
        self.assertProblem(self.handler.post("/api/v1/incidents/%d/grade" % iid,
                                             {"grade": "emergency"}), 422, "reason")
        g = self.ok(self.handler.post("/api/v1/incidents/%d/grade" % iid,
                                      {"grade": "emergency", "reason": "weapon seen"}), 201)
        self.assertTrue(g["is_override"])
        self.assertIn("weapon seen", [r["purpose"] for r in self.audit_rows("incident", iid)])
        grades = self.ok(self.handler.get("/api/v1/incidents/%d/grades" % iid))["grades"]
        self.assertEqual(grades[-1]["reason"], "weapon seen")
        # officers do not grade
        self.assertProblem(self.officer.post("/api/v1/incidents/%d/grade" % iid, {}), 403)

    def test_closing_sends_the_closure_update_and_queues_the_survey(self):
        pid = self.person("Clara", "Closer")
        cid, iid = self.call(pid, ago(minutes=1), "environmental", "graffiti_criminal_damage")
        self.ok(self.handler.post("/api/v1/incidents/%d/screening" % iid, {
            "contact_id": cid, "answers": {"S6": "yes", "S7": "no"}}), 201)
        self.ok(self.handler.post("/api/v1/incidents/%d/update-plan" % iid, {
            "frequency_working_days": 5, "channel": "email"}), 201)
        self.assertProblem(self.officer.post("/api/v1/incidents/%d/close" % iid, {
            "closure_code": "lost", "outcome": "x"}), 422, "closure_code")
        closed = self.ok(self.officer.post("/api/v1/incidents/%d/close" % iid, {
            "closure_code": "resolved_action_taken", "outcome": "graffiti removed"}))
        self.assertEqual(closed["status"], "closed")
        self.assertProblem(self.officer.post("/api/v1/incidents/%d/close" % iid, {
            "closure_code": "resolved_action_taken", "outcome": "again"}), 409)
        updates = self.ok(self.handler.get("/api/v1/incidents/%d/updates" % iid))["updates"]
        self.assertEqual(updates[-1]["kind"], "closure")
        self.assertEqual(updates[-1]["channel"], "email")
        self.assertEqual(self.srv.count("survey_queue", "incident_id = ? AND person_id = ?",
                                        (iid, pid)), 1)
        self.assertEqual(self.ok(self.handler.get("/api/v1/incidents/%d" % iid))["status"],
                         "closed")


    def test_the_server_escalates_overdue_reviews_by_itself(self):
        pid = self.person("Sam", "Sweep")
        self.call(pid, ago(days=20))
        cid, iid = self.call(pid, ago(hours=1))
        self.ok(self.handler.post("/api/v1/incidents/%d/screening" % iid, {
            "contact_id": cid, "answers": {"S6": "yes"}}), 201)
        review = self.find(self.tasks(iid), "review", "supervisor")
        self.assertIsNotNone(review)
        self.assertIsNone(review["escalated_at"])
        self.srv.execute("UPDATE task SET due_at = due_at - 2 * 86400 WHERE id = ?",
                         (review["id"],))
        self.srv.restart()  # the sweep runs at start, then every five minutes
        deadline = time.monotonic() + 10  # it runs beside the first requests
        while True:
            review = self.find(self.tasks(iid), "review", "supervisor")
            if review["escalated_at"] or time.monotonic() > deadline:
                break
            time.sleep(0.1)
        self.assertTrue(review["is_overdue"])
        self.assertIsNotNone(review["escalated_at"])
        self.assertIn("overdue supervisor review escalated",
                      [r["detail"] for r in self.audit_rows("task", review["id"])])

if __name__ == "__main__":
    fcharness.main()
