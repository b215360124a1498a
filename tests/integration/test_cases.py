"""Partnership case management over real HTTP (issue 6, "done when").

A council officer and a police officer co-work a case; the council officer cannot see a
police-only incident or a person outside the cases shared with them; an overdue review is
escalated to the lead officer's supervisor; partner flags are matched or queued for review;
the case summary PDF is rendered and read back with pdftotext.
"""

import os
import shutil
import subprocess
import tempfile
import unittest

import fcharness

FORCE = fcharness.FORCE
CITY = fcharness.COUNCIL
CHARNWOOD = "Charnwood Borough Council"
BASIS = "Crime and Disorder Act 1998 s115"


class CasesTest(fcharness.ServerTestCase):
    users = {
        "officer": (FORCE, "force", "officer"),
        "supervisor": (FORCE, "force", "supervisor"),
        "handler": (FORCE, "force", "call_handler"),
        "council": (CHARNWOOD, "district_council", "partner_officer"),
        "city": (CITY, "city_council", "partner_officer"),
    }

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.pc = cls.srv.login("officer")
        cls.sup = cls.srv.login("supervisor")
        cls.council = cls.srv.login("council")
        cls.city = cls.srv.login("city")
        conn = cls.srv.db()
        try:
            cls.org = {r["name"]: r["id"] for r in conn.execute("SELECT id, name FROM organisation")}
        finally:
            conn.close()

    # ---- helpers ----

    def person(self, fore, sur, dob, phone=None, address=None, postcode=None):
        body = {"names": [{"forename": fore, "surname": sur}], "dobs": [{"date": dob}]}
        if phone:
            body["phones"] = [{"number": phone}]
        if address:
            body["addresses"] = [{"raw": address, "postcode": postcode}]
        r = self.pc.post("/api/v1/persons", body, purpose="test setup")
        self.assertEqual(r.status, 201, r.text)
        return r.json()["id"]

    def incident(self, victim, police_only=False, description="Loud music and threats"):
        r = self.pc.post("/api/v1/incidents", {
            "category": "personal", "incident_type": "neighbour_dispute",
            "description": description, "location_raw": "14 Park Road, Loughborough",
            "location_postcode": "LE11 2HA", "risk_level": "medium",
            "is_police_only": police_only, "persons": [{"person_id": victim, "role": "victim"}]},
            purpose="test setup")
        self.assertEqual(r.status, 201, r.text)
        return r.json()["id"]

    def open_case(self, session=None, **extra):
        body = {"title": "Park Road neighbour dispute", "origin": "manual",
                "sharing_basis": BASIS, "sharing_agreement_ref": "LLR ISA v3",
                "area_code": "E01025900", "area_name": "Loughborough"}
        body.update(extra)
        r = (session or self.pc).post("/api/v1/cases", body)
        self.assertEqual(r.status, 201, r.text)
        return r.json()

    # ---- the "done when" scenarios ----

    def test_council_and_police_co_work_a_case(self):
        victim = self.person("Margaret", "HOLLIS", "1948-03-02")
        perp = self.person("Dean", "CARTER", "1999-07-11")
        inc = self.incident(victim)
        case = self.open_case(origin="incident", origin_id=inc)
        cid = case["id"]
        self.assertEqual(case["access"], "lead")
        self.assertEqual(case["sharing_basis"], BASIS)
        for pid, role in ((victim, "victim"), (perp, "perpetrator")):
            r = self.pc.post("/api/v1/cases/%d/persons" % cid, {"person_id": pid, "role": role})
            self.assertEqual(r.status, 200, r.text)
        # before it is shared the council can neither read nor add to it
        self.assertProblem(self.council.get("/api/v1/cases/%d" % cid), 403)
        r = self.council.post("/api/v1/cases/%d/actions" % cid, {"intervention": "warning_letter"})
        self.assertProblem(r, 403)
        r = self.pc.post("/api/v1/cases/%d/shares" % cid,
                         {"org_id": self.org[CHARNWOOD], "level": "contribute"})
        self.assertEqual(r.status, 200, r.text)
        r = self.council.post("/api/v1/cases/%d/actions" % cid,
                              {"intervention": "warning_letter", "subject_person_id": perp})
        self.assertEqual(r.status, 201, r.text)
        action = r.json()
        self.assertEqual(action["owner_org_id"], self.org[CHARNWOOD])
        r = self.council.post("/api/v1/cases/%d/contacts" % cid, {
            "person_id": victim, "channel": "visit", "summary": "Diary sheets left with victim"})
        self.assertEqual(r.status, 200, r.text)
        r = self.council.patch("/api/v1/case-actions/%d" % action["id"],
                               {"status": "done", "outcome": "Letter delivered"})
        self.assertEqual(r.status, 200, r.text)
        self.assertEqual(r.json()["status"], "done")
        # a Community Protection Notice needs its warning first: refused, naming the field
        r = self.pc.post("/api/v1/cases/%d/actions" % cid,
                         {"intervention": "cpn", "subject_person_id": perp})
        self.assertProblem(r, 422, "intervention")
        # contribute does not manage: the council cannot close or re-share
        r = self.council.post("/api/v1/cases/%d/close" % cid,
                              {"outcome": "resolved", "reason": "quiet"})
        self.assertProblem(r, 403)
        # the police see the council's work on the timeline
        doc = self.pc.get("/api/v1/cases/%d" % cid).json()
        kinds = [(e["kind"], e["actor_org_id"]) for e in doc["timeline"]]
        self.assertIn(("contact", self.org[CHARNWOOD]), kinds)
        self.assertIn(("action", self.org[CHARNWOOD]), kinds)
        self.assertEqual(doc["actions"][0]["status"], "done")
        # both organisations list it
        for s in (self.pc, self.council):
            ids = [c["id"] for c in s.get("/api/v1/cases?list=org").json()["cases"]]
            self.assertIn(cid, ids)
        self.assertNotIn(cid, [c["id"] for c in
                               self.city.get("/api/v1/cases?list=org").json()["cases"]])
        # closing queues the victim for the satisfaction survey
        r = self.pc.post("/api/v1/cases/%d/close" % cid,
                         {"outcome": "resolved", "reason": "No reports for three months"})
        self.assertEqual(r.status, 200, r.text)
        self.assertEqual(self.srv.count("survey_queue", "case_id = ? AND person_id = ?",
                                        (cid, victim)), 1)

    def test_council_cannot_see_police_only_incident_or_unshared_person(self):
        victim = self.person("Aisha", "MOHAMED", "1985-04-04")
        outsider = self.person("Tariq", "AHMED", "1980-01-20")
        open_inc = self.incident(victim, description="Group gathering and shouting")
        secret = self.incident(outsider, police_only=True, description="Intelligence report")
        cid = self.open_case()["id"]
        self.pc.post("/api/v1/cases/%d/persons" % cid, {"person_id": victim, "role": "victim"})
        for inc in (open_inc, secret):
            r = self.pc.post("/api/v1/cases/%d/incidents" % cid, {"incident_id": inc})
            self.assertEqual(r.status, 200, r.text)
        r = self.pc.post("/api/v1/cases/%d/notes" % cid,
                         {"text": "Linked to organised crime", "is_police_only": True})
        self.assertEqual(r.status, 200, r.text)
        self.pc.post("/api/v1/cases/%d/shares" % cid,
                     {"org_id": self.org[CHARNWOOD], "level": "view"})
        disclosed = self.srv.count("audit_event", "action = 'disclose' AND object_type = 'case' "
                                   "AND object_id = ?", (cid,))
        doc = self.council.get("/api/v1/cases/%d" % cid).json()
        self.assertEqual(doc["access"], "view")
        self.assertEqual([i["id"] for i in doc["incidents"]], [open_inc])
        self.assertEqual(doc["incidents_withheld"], 1)
        self.assertNotIn("description", doc["incidents"][0])  # view: summary fields only
        self.assertEqual([p["person_id"] for p in doc["persons"]], [victim])
        self.assertNotIn("dob", doc["persons"][0])
        for e in doc["timeline"]:
            self.assertFalse(e["is_police_only"])
            self.assertNotIn("organised crime", str(e["detail"]))
        # the read was audited as a disclosure to another organisation
        self.assertEqual(self.srv.count("audit_event", "action = 'disclose' AND object_type = "
                                        "'case' AND object_id = ?", (cid,)), disclosed + 1)
        # outside the case: the police-only incident and the other person stay hidden
        self.assertIn(self.council.get("/api/v1/incidents/%d" % secret,
                                       purpose="case work").status, (403, 404))
        self.assertIn(self.council.get("/api/v1/persons/%d" % outsider,
                                       purpose="case work").status, (403, 404))
        # a council the case is not shared with sees nothing of it
        self.assertProblem(self.city.get("/api/v1/cases/%d" % cid), 403)
        # the police see everything, as the lead
        doc = self.pc.get("/api/v1/cases/%d" % cid).json()
        self.assertEqual(len(doc["incidents"]), 2)
        self.assertTrue(any(e["is_police_only"] for e in doc["timeline"]))

    def test_overdue_review_is_escalated_to_the_supervisor(self):
        cid = self.open_case(title="Overdue review case")["id"]
        # the review fell due two days ago
        self.srv.execute("UPDATE asb_case SET next_review_due = strftime('%s','now') - 2*86400 "
                         "WHERE id = ?", (cid,))
        ids = [c["id"] for c in self.pc.get("/api/v1/cases?list=overdue_reviews").json()["cases"]]
        self.assertIn(cid, ids)
        self.assertProblem(self.pc.post("/api/v1/case-reviews/escalate"), 403)
        r = self.sup.post("/api/v1/case-reviews/escalate")
        self.assertEqual(r.status, 200, r.text)
        self.assertGreaterEqual(r.json()["escalated"], 1)
        conn = self.srv.db()
        try:
            row = conn.execute("SELECT escalated_to FROM case_escalation WHERE case_id = ?",
                               (cid,)).fetchone()
        finally:
            conn.close()
        self.assertEqual(row["escalated_to"], self.sup.user["id"])
        doc = self.pc.get("/api/v1/cases/%d" % cid).json()
        self.assertTrue(doc["is_review_overdue"])
        self.assertIn("escalation", [e["kind"] for e in doc["timeline"]])
        # once per missed due date
        self.sup.post("/api/v1/case-reviews/escalate")
        self.assertEqual(self.srv.count("case_escalation", "case_id = ?", (cid,)), 1)
        # holding the review clears it
        r = self.pc.post("/api/v1/cases/%d/reviews" % cid, {"summary": "Reviewed with council"})
        self.assertEqual(r.status, 200, r.text)
        self.assertFalse(r.json()["is_review_overdue"])

    def test_serve_sweeps_overdue_reviews_without_being_asked(self):
        cid = self.open_case(title="Swept review case")["id"]
        self.srv.execute("UPDATE asb_case SET next_review_due = strftime('%s','now') - 86400 "
                         "WHERE id = ?", (cid,))
        # the server sweeps at start and every five minutes; a restart shows it
        self.srv.restart()
        self.assertEqual(self.srv.count("case_escalation", "case_id = ?", (cid,)), 1)
        self.assertRegex(self.srv.log_text(), r"event=jobs\.run job=case_review_escalate \S+ done=1")
        # sessions are stored, so the signed-in users carry on after the restart
        doc = self.pc.get("/api/v1/cases/%d" % cid).json()
        self.assertIn("escalation", [e["kind"] for e in doc["timeline"]])

    def test_partner_flag_matched_or_queued_for_review(self):
        known = self.person("Ravinder", "SHERGILL", "1972-08-16", phone="07839 730245",
                            address="27 Arncliffe Road, Leicester", postcode="LE5 1HA")
        flag = {"external_ref": "F90001", "reason": "mental health", "review_date": "2027-09-01",
                "sharing_basis": "LLR vulnerability ISA",
                "person": {"name": "SHERGILL, Ravinder", "dob": "16/08/1972",
                           "phone": "07839730245", "address": "27 ARNCLIFFE ROAD, LEICESTER",
                           "postcode": "LE5 1HA"}}
        r = self.city.post("/api/v1/partner-flags", flag)
        self.assertEqual(r.status, 201, r.text)
        self.assertEqual(r.json()["decision"], "matched")
        self.assertEqual(r.json()["person_id"], known)
        self.assertProblem(self.city.post("/api/v1/partner-flags", flag), 409, "external_ref")
        # namesakes born the same day: the flag waits for a person to decide
        a = self.person("John", "SMITH", "1960-02-01", phone="07700 900201",
                        address="4 Elm Close, Leicester", postcode="LE3 9AA")
        self.person("John", "SMITH", "1960-02-01", phone="07700 900302",
                    address="81 Oak Street, Hinckley", postcode="LE10 1AB")
        r = self.city.post("/api/v1/partner-flags", {
            "external_ref": "F90002", "reason": "dementia",
            "person": {"forename": "John", "surname": "Smith", "dob": "01/02/1960"}})
        self.assertEqual(r.status, 202, r.text)
        self.assertEqual(r.json()["decision"], "queued")
        review = r.json()["review_id"]
        flags_before = self.srv.count("flag")
        queue = self.city.get("/api/v1/partner-flags/reviews").json()["reviews"]
        self.assertIn(review, [q["id"] for q in queue])
        self.assertGreaterEqual(len([q for q in queue if q["id"] == review][0]["candidates"]), 2)
        self.assertNotIn(review, [q["id"] for q in
                                  self.council.get("/api/v1/partner-flags/reviews").json()["reviews"]])
        self.assertProblem(self.council.post("/api/v1/partner-flags/reviews/%d/confirm" % review,
                                             {"person_id": a}), 403)
        r = self.city.post("/api/v1/partner-flags/reviews/%d/confirm" % review, {"person_id": a})
        self.assertEqual(r.status, 200, r.text)
        self.assertEqual(r.json()["person_id"], a)
        self.assertEqual(self.srv.count("flag"), flags_before + 1)
        self.assertProblem(self.city.post("/api/v1/partner-flags/reviews/%d/reject" % review), 409)

    def test_partner_flags_csv_import(self):
        path = os.path.join(os.environ.get("FC_SHARED_DATA", "../shared/data"), "callgen", "dev",
                            "partner_flags.csv")
        with open(path, encoding="utf-8") as f:
            lines = f.readlines()[:41]
        body = "".join(lines).encode("utf-8")
        r = self.council.request("POST", "/api/v1/partner-flags/import?sharing_basis=ISA", raw=body,
                                 headers={"Content-Type": "text/csv"})
        self.assertEqual(r.status, 200, r.text)
        c = r.json()
        self.assertEqual(c["rows"], 40)
        self.assertEqual(c["matched"] + c["new_persons"] + c["queued"], 40)
        r = self.council.request("POST", "/api/v1/partner-flags/import", raw=body,
                                 headers={"Content-Type": "text/csv"})
        self.assertEqual(r.json()["duplicates"], 40)
        bad = lines[0] + "X1,Charnwood Borough Council,not-a-time,,Amy,ROSS,,,,,,dementia,\n"
        r = self.council.request("POST", "/api/v1/partner-flags/import", raw=bad.encode(),
                                 headers={"Content-Type": "text/csv"})
        self.assertProblem(r, 422, "flagged_at")

    @unittest.skipUnless(shutil.which("pdftotext"), "pdftotext (poppler-utils) is not installed")
    def test_case_summary_pdf_for_a_case_conference(self):
        victim = self.person("Zoë", "WÓJCIK", "1990-05-05")
        cid = self.open_case(title="Elm Close harassment")["id"]
        self.pc.post("/api/v1/cases/%d/persons" % cid, {"person_id": victim, "role": "victim"})
        self.pc.post("/api/v1/cases/%d/shares" % cid,
                     {"org_id": self.org[CHARNWOOD], "level": "co_own"})
        r = self.council.post("/api/v1/cases/%d/actions" % cid, {
            "intervention": "free", "title": "Install CCTV at the shop front"})
        self.assertEqual(r.status, 201, r.text)
        r = self.pc.post("/api/v1/cases/%d/conferences" % cid, {
            "kind": "asbrac", "attendees": ["PC Khan (Leicestershire Police)",
                                            "H Marsh (Charnwood Borough Council)"],
            "decisions": ["Offer mediation to both households"],
            "minutes": "Noise diary reviewed."})
        self.assertEqual(r.status, 200, r.text)
        self.pc.post("/api/v1/cases/%d/notes" % cid, {"text": "Informant says OCG link",
                                                       "is_police_only": True})
        r = self.council.get("/api/v1/cases/%d/summary.pdf" % cid)
        self.assertEqual(r.status, 200, r.text[:200])
        self.assertEqual(r.header("Content-Type"), "application/pdf")
        self.assertTrue(r.body.startswith(b"%PDF-"))
        tmp = tempfile.mkdtemp(prefix="fc-pdf-")
        try:
            pdf = os.path.join(tmp, "case.pdf")
            with open(pdf, "wb") as f:
                f.write(r.body)
            text = subprocess.run(["pdftotext", "-layout", pdf, "-"], capture_output=True,
                                  check=True).stdout.decode("utf-8")
        finally:
            shutil.rmtree(tmp)
        for needle in ("Case summary CASE-", "Elm Close harassment", "Action plan",
                       "Install CCTV at the shop front", "Timeline", BASIS,
                       "Offer mediation to both households", "Zoë WÓJCIK", CHARNWOOD):
            self.assertIn(needle, text)
        self.assertNotIn("OCG", text)  # police-only notes never reach a partner's PDF


if __name__ == "__main__":
    fcharness.main()
