"""Create, read, update and search persons, contacts, incidents and flags; lookup; audit.

Every read or change of a person's record must leave an audit event with who, what, when
and the stated purpose (issue 2 part 6).
"""

import unittest

import fcharness


def audit_rows(srv, object_type, object_id):
    conn = srv.db()
    try:
        return [dict(r) for r in conn.execute(
            "SELECT actor_user_id, action, purpose, detail FROM audit_event "
            "WHERE object_type = ? AND object_id = ? ORDER BY seq", (object_type, object_id))]
    finally:
        conn.close()


class RecordsTest(fcharness.ServerTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.handler = cls.srv.login("handler")
        cls.officer = cls.srv.login("officer")
        cls.supervisor = cls.srv.login("supervisor")
        cls.partner = cls.srv.login("partner")

    def new_person(self, surname="Shergill", forename="Ravinder", **extra):
        body = {"names": [{"forename": forename, "surname": surname}],
                "dobs": [{"date": "14/07/1980"}],
                "phones": [{"number": "07700 900123"}],
                "addresses": [{"raw": "12 London Road, Leicester", "postcode": "le1 6zg"}]}
        body.update(extra)
        r = self.handler.post("/api/v1/persons", body, purpose="caller on the line")
        self.assertEqual(r.status, 201, r.text)
        return r.json()

    def test_person_create_normalises_and_audits(self):
        p = self.new_person()
        self.assertEqual(p["names"][0]["surname"], "Shergill")
        self.assertEqual(p["dobs"][0]["date"], "1980-07-14")
        self.assertEqual(p["phones"][0]["e164"], "+447700900123")
        self.assertEqual(p["addresses"][0]["postcode"], "LE1 6ZG")
        self.assertEqual(p["names"][0]["source"], "manual")
        rows = audit_rows(self.srv, "person", p["id"])
        self.assertEqual(rows[0]["action"], "collect")
        self.assertEqual(rows[0]["purpose"], "caller on the line")
        self.assertEqual(rows[0]["actor_user_id"], self.handler.user["id"])

    def test_person_read_needs_a_purpose_and_is_audited(self):
        p = self.new_person(surname="Purposeful")
        r = self.handler.get("/api/v1/persons/%d" % p["id"])
        self.assertProblem(r, 422, "X-Purpose")
        r = self.handler.get("/api/v1/persons/%d" % p["id"], purpose="repeat caller check")
        self.assertEqual(r.status, 200, r.text)
        self.assertEqual(r.json()["id"], p["id"])
        rows = audit_rows(self.srv, "person", p["id"])
        self.assertEqual(rows[-1]["action"], "consult")
        self.assertEqual(rows[-1]["purpose"], "repeat caller check")
        self.assertProblem(self.handler.get("/api/v1/persons/999999", purpose="x"), 404)
        self.assertProblem(self.handler.get("/api/v1/persons/abc", purpose="x"), 404, "id")

    def test_live_contact_stands_in_for_a_purpose(self):
        p = self.new_person(surname="Livecontact")
        c = self.handler.post("/api/v1/contacts", {"channel": "phone", "caller_person_id": p["id"]})
        self.assertEqual(c.status, 201, c.text)
        cid = c.json()["id"]
        r = self.handler.get("/api/v1/persons/%d" % p["id"], headers={"X-Contact-Id": str(cid)})
        self.assertEqual(r.status, 200, r.text)
        self.assertEqual(audit_rows(self.srv, "person", p["id"])[-1]["purpose"],
                         "live contact %d" % cid)
        # another user's contact is not their live contact
        r = self.officer.get("/api/v1/persons/%d" % p["id"], headers={"X-Contact-Id": str(cid)})
        self.assertProblem(r, 422, "X-Contact-Id")

    def test_person_update_appends_identifiers(self):
        p = self.new_person(surname="Appendix")
        r = self.officer.patch("/api/v1/persons/%d" % p["id"],
                               {"names": [{"forename": "Ravi", "surname": "Appendix-Smith"}],
                                "phones": [{"number": "0116 496 0123"}]},
                               purpose="caller gave a new number")
        self.assertEqual(r.status, 200, r.text)
        got = r.json()
        self.assertEqual(len(got["names"]), 2)
        self.assertEqual(len(got["phones"]), 2)
        self.assertEqual(got["names"][0]["surname"], "Appendix")  # never overwritten
        self.assertEqual(audit_rows(self.srv, "person", p["id"])[-1]["action"], "alter")

    def test_person_search_by_surname_phone_postcode(self):
        p = self.new_person(surname="Searchable", phones=[{"number": "07700 900999"}])
        for q in ("surname=searchable", "phone=07700900999", "phone=%2B447700900999"):
            r = self.handler.get("/api/v1/persons?" + q, purpose="search test")
            self.assertEqual(r.status, 200, r.text)
            self.assertIn(p["id"], [x["id"] for x in r.json()["items"]], q)
        r = self.handler.get("/api/v1/persons?postcode=LE16ZG&limit=100", purpose="search test")
        self.assertIn(p["id"], [x["id"] for x in r.json()["items"]])
        self.assertProblem(self.handler.get("/api/v1/persons", purpose="x"), 422, "surname")
        self.assertProblem(self.handler.get("/api/v1/persons?postcode=ZZ", purpose="x"), 422, "postcode")
        self.assertProblem(self.handler.get("/api/v1/persons?surname=x&limit=0", purpose="x"), 400, "limit")

    def test_contact_create_get_search(self):
        p = self.new_person(surname="Contacted")
        r = self.handler.post("/api/v1/contacts", {
            "channel": "phone", "received_at": "2026-03-02T21:14:07+00:00",
            "caller_person_id": p["id"],
            "details": {"surname": "Contacted", "phone": "07700 900123", "notes": "noise again"}})
        self.assertEqual(r.status, 201, r.text)
        c = r.json()
        self.assertEqual(c["handler_user_id"], self.handler.user["id"])
        self.assertEqual(c["details"]["notes"], "noise again")
        self.assertEqual(c["received_at"], "2026-03-02T21:14:07Z")
        got = self.handler.get("/api/v1/contacts/%d" % c["id"], purpose="review")
        self.assertEqual(got.status, 200, got.text)
        found = self.handler.get("/api/v1/contacts?caller_person_id=%d" % p["id"], purpose="history")
        self.assertEqual([x["id"] for x in found.json()["items"]], [c["id"]])
        # a partner organisation does not see the force's contact
        self.assertProblem(self.partner.get("/api/v1/contacts/%d" % c["id"], purpose="x"), 403)
        self.assertProblem(self.handler.post("/api/v1/contacts", {"channel": "fax"}), 422, "channel")
        self.assertProblem(self.handler.post("/api/v1/contacts",
                                             {"channel": "phone", "caller_person_id": 987654}),
                           422, "caller_person_id")

    def test_merge_then_unmerge_gives_each_person_back_their_own_history(self):
        a = self.new_person(surname="Mergewell", forename="Theodore",
                            dobs=[{"date": "01/04/1975"}], phones=[{"number": "07700 900701"}],
                            addresses=[{"raw": "3 Fosse Road, Leicester", "postcode": "LE3 5AA"}])
        b = self.new_person(surname="Bramblecot", forename="Winifred",
                            dobs=[{"date": "22/11/1958"}], phones=[{"number": "07700 900702"}],
                            addresses=[{"raw": "9 Aylestone Road, Leicester",
                                        "postcode": "LE2 7AA"}])
        c = self.new_person(surname="Thirdparty", forename="Cyril",
                            dobs=[{"date": "02/02/1990"}], phones=[{"number": "07700 900703"}])
        for pid, n in ((a["id"], 2), (b["id"], 1)):
            for _ in range(n):
                r = self.handler.post("/api/v1/contacts", {"channel": "phone",
                                                           "caller_person_id": pid})
                self.assertEqual(r.status, 201, r.text)
        r = self.officer.post("/api/v1/flags", {
            "person_id": b["id"], "kind": "vulnerable", "agency": "Leicestershire Police",
            "reason": "lives alone", "sharing_basis": "s115"}, purpose="safeguarding")
        self.assertEqual(r.status, 201, r.text)
        a_look = {"forename": "Theodore", "surname": "Mergewell", "dob": "01/04/1975",
                  "phone": "07700900701", "purpose": "merge test"}
        b_look = {"forename": "Winifred", "surname": "Bramblecot", "dob": "22/11/1958",
                  "phone": "07700900702", "purpose": "merge test"}

        def shown(look):
            r = self.supervisor.post("/api/v1/lookup", look)
            self.assertEqual(r.status, 200, r.text)
            return {c["person_id"]: c for c in r.json()["candidates"]}

        url = "/api/v1/persons/%d/merge" % b["id"]
        # supervisors only, with a reason, into another person who exists and is not merged
        self.assertProblem(self.handler.post(url, {"into": a["id"], "reason": "same"}), 403)
        self.assertProblem(self.officer.post(url, {"into": a["id"], "reason": "same"}), 403)
        self.assertProblem(self.supervisor.post(url, {"into": a["id"], "reason": "  "}),
                           422, "reason")
        self.assertProblem(self.supervisor.post(url, {"into": b["id"], "reason": "x"}),
                           422, "into")
        self.assertProblem(self.supervisor.post(url, {"into": 987654, "reason": "x"}),
                           422, "into")
        self.assertProblem(self.supervisor.post("/api/v1/persons/987654/merge",
                                                {"into": a["id"], "reason": "x"}), 404)
        r = self.supervisor.post(url, {"into": a["id"], "reason": "same caller, two records"})
        self.assertEqual(r.status, 200, r.text)
        self.assertEqual(r.json()["merged_into"], a["id"])
        self.assertProblem(self.supervisor.post(url, {"into": a["id"], "reason": "again"}), 409)
        # no chains: a person others are merged into is not merged itself
        self.assertProblem(self.supervisor.post("/api/v1/persons/%d/merge" % a["id"],
                                                {"into": c["id"], "reason": "x"}), 422, "id")
        self.assertProblem(self.supervisor.post("/api/v1/persons/%d/merge" % c["id"],
                                                {"into": b["id"], "reason": "x"}), 422, "into")
        # merged: B's details find A, which carries both histories
        found = shown(b_look)
        self.assertIn(a["id"], found)
        self.assertNotIn(b["id"], found)
        self.assertEqual(found[a["id"]]["history"]["contacts_total"], 3)

        unmerge = "/api/v1/persons/%d/unmerge" % b["id"]
        self.assertProblem(self.handler.post(unmerge, {"reason": "x"}), 403)
        self.assertProblem(self.supervisor.post(unmerge, {}), 422, "reason")
        self.assertProblem(self.supervisor.post("/api/v1/persons/%d/unmerge" % a["id"],
                                                {"reason": "x"}), 409)
        r = self.supervisor.post(unmerge, {"reason": "different people: dates of birth differ"})
        self.assertEqual(r.status, 200, r.text)
        self.assertNotIn("merged_into", r.json())
        # nothing lost: B has every identifier, contact and flag it had, A only its own
        self.assertEqual([n["surname"] for n in r.json()["names"]], ["Bramblecot"])
        self.assertEqual([p["number"] for p in r.json()["phones"]], ["07700 900702"])
        found = shown(b_look)
        self.assertIn(b["id"], found)
        self.assertNotIn(a["id"], found)
        self.assertEqual(found[b["id"]]["history"]["contacts_total"], 1)
        self.assertEqual([f["kind"] for f in found[b["id"]]["history"]["flags"]], ["vulnerable"])
        found = shown(a_look)
        self.assertIn(a["id"], found)
        self.assertNotIn(b["id"], found)
        self.assertEqual(found[a["id"]]["history"]["contacts_total"], 2)
        self.assertEqual(found[a["id"]]["history"]["flags"], [])
        self.assertEqual(self.supervisor.get("/api/v1/contacts?caller_person_id=%d" % b["id"],
                                             purpose="merge test").json()["items"].__len__(), 1)
        # audited on both persons, with the reasons
        for pid in (a["id"], b["id"]):
            rows = [r for r in audit_rows(self.srv, "person", pid) if r["action"] == "alter"
                    and ("merge" in r["detail"])]
            self.assertEqual([r["purpose"] for r in rows],
                             ["same caller, two records",
                              "different people: dates of birth differ"], rows)
            self.assertTrue(all(r["actor_user_id"] == self.supervisor.user["id"] for r in rows))

    def test_incident_create_update_search(self):
        p = self.new_person(surname="Victimson")
        r = self.handler.post("/api/v1/incidents", {
            "category": "personal", "incident_type": "intimidation_harassment",
            "description": "youths banging on the door", "location_postcode": "LE1 6ZG",
            "grade": "priority", "risk_level": "medium",
            "persons": [{"person_id": p["id"], "role": "victim"}]})
        self.assertEqual(r.status, 201, r.text)
        inc = r.json()
        self.assertEqual(inc["status"], "open")
        self.assertEqual(inc["persons"][0]["role"], "victim")
        iid = inc["id"]
        # PATCH corrects the record; status, grade and risk go through their own routes
        for field, value, route in (("status", "closed", "/close"), ("grade", "emergency", "/grade"),
                                    ("risk_level", "standard", "risk-override"),
                                    ("outcome", "advice given", "/close"),
                                    ("closure_code", "resolved_action_taken", "/close")):
            r = self.supervisor.patch("/api/v1/incidents/%d" % iid, {field: value})
            self.assertProblem(r, 422, field)
            self.assertIn(route, r.json()["detail"])
        r = self.handler.patch("/api/v1/incidents/%d" % iid,
                               {"status": "closed", "description": "also changed?"})
        self.assertProblem(r, 422, "status")
        self.assertEqual(self.handler.get("/api/v1/incidents/%d" % iid).json()["description"],
                         "youths banging on the door")
        self.assertProblem(self.handler.patch("/api/v1/incidents/%d" % iid, {}), 422)
        self.assertProblem(self.handler.patch("/api/v1/incidents/%d" % iid,
                                              {"location_postcode": "LE1"}),
                           422, "location_postcode")
        r = self.handler.patch("/api/v1/incidents/%d" % iid,
                               {"description": "youths kicking the door", "location_raw":
                                "2 Granby Street, Leicester", "location_postcode": "le1 6zg",
                                "reason": "caller corrected the address"})
        self.assertEqual(r.status, 200, r.text)
        self.assertEqual(r.json()["description"], "youths kicking the door")
        self.assertEqual(r.json()["location_raw"], "2 Granby Street, Leicester")
        self.assertEqual(r.json()["location_postcode"], "LE1 6ZG")
        self.assertEqual(r.json()["status"], "open")
        self.assertEqual(r.json()["grade"], "priority")
        self.assertEqual(r.json()["risk_level"], "medium")
        # the place is worked out again from the corrected address
        self.assertEqual(self.srv.count("incident", "id = ? AND location_key LIKE ?",
                                        (iid, "%granby%")), 1)
        # the partner cannot correct the force's incident
        self.assertProblem(self.partner.patch("/api/v1/incidents/%d" % iid,
                                              {"description": "x"}), 403)
        # the proper routes: an officer does not grade; closing goes through /close
        self.assertProblem(self.officer.post("/api/v1/incidents/%d/grade" % iid, {}), 403)
        r = self.officer.post("/api/v1/incidents/%d/close" % iid,
                              {"closure_code": "resolved_action_taken", "outcome": "advice given"})
        self.assertEqual(r.status, 200, r.text)
        self.assertEqual(r.json()["status"], "closed")
        got = self.officer.get("/api/v1/incidents/%d" % iid)
        self.assertEqual(got.json()["status"], "closed")
        found = self.handler.get("/api/v1/incidents?person_id=%d" % p["id"], purpose="history")
        self.assertEqual([x["id"] for x in found.json()["items"]], [iid])
        self.assertProblem(self.handler.get("/api/v1/incidents?status=maybe"), 400, "status")
        # the council does not see the force's incident
        self.assertProblem(self.partner.get("/api/v1/incidents/%d" % iid), 403)
        self.assertEqual(audit_rows(self.srv, "incident", iid)[-1]["action"], "consult")

    def test_flag_create_read_withdraw(self):
        p = self.new_person(surname="Flagged")
        r = self.officer.post("/api/v1/flags", {"person_id": p["id"], "kind": "vulnerable",
                                                "reason": "lives alone, dementia",
                                                "review_date": "2027-01-31"})
        self.assertEqual(r.status, 201, r.text)
        f = r.json()
        self.assertTrue(f["is_in_force"])
        self.assertEqual(f["reason"], "lives alone, dementia")
        # a call handler sees the flag but not its reason
        seen = self.handler.get("/api/v1/flags/%d" % f["id"], purpose="caller on the line")
        self.assertEqual(seen.status, 200, seen.text)
        self.assertNotIn("reason", seen.json())
        listed = self.handler.get("/api/v1/persons/%d/flags" % p["id"], purpose="caller on the line")
        self.assertEqual([x["id"] for x in listed.json()["items"]], [f["id"]])
        # the council may not withdraw the force's flag
        self.assertProblem(self.partner.patch("/api/v1/flags/%d" % f["id"], {"withdrawn": True}), 403)
        r = self.officer.patch("/api/v1/flags/%d" % f["id"], {"withdrawn": True}, purpose="reviewed")
        self.assertEqual(r.status, 200, r.text)
        self.assertFalse(r.json()["is_in_force"])
        self.assertProblem(self.officer.patch("/api/v1/flags/%d" % f["id"], {"withdrawn": True}), 409)
        self.assertProblem(self.officer.post("/api/v1/flags", {"person_id": p["id"], "kind": "vulnerable",
                                                              "review_date": "2027-02-30"}),
                           422, "review_date")
        actions = [r["action"] for r in audit_rows(self.srv, "person", p["id"])]
        self.assertIn("alter", actions)
        self.assertIn("consult", actions)

    def test_partner_sees_only_its_own_records(self):
        force_person = self.new_person(surname="Forceonly")
        self.assertProblem(self.partner.get("/api/v1/persons/%d" % force_person["id"],
                                            purpose="curious"), 403, "id")
        r = self.partner.get("/api/v1/persons?surname=Forceonly", purpose="curious")
        self.assertEqual(r.json()["items"], [])
        # nor can it attach itself to the force's person through a contact or a flag
        self.assertProblem(self.partner.post("/api/v1/contacts", {
            "channel": "partner_referral", "caller_person_id": force_person["id"]}),
            403, "caller_person_id")
        self.assertProblem(self.partner.post("/api/v1/flags", {
            "person_id": force_person["id"], "kind": "vulnerable"}), 403, "person_id")
        # a person the council recorded is the council's
        r = self.partner.post("/api/v1/persons", {"names": [{"forename": "Cora", "surname": "Councilrec"}]})
        self.assertEqual(r.status, 201, r.text)
        own = r.json()["id"]
        self.assertEqual(self.partner.get("/api/v1/persons/%d" % own, purpose="tenancy case").status, 200)
        f = self.partner.post("/api/v1/flags", {"person_id": own, "kind": "vulnerable",
                                                "reason": "tenancy support plan"})
        self.assertEqual(f.status, 201, f.text)
        # the force sees the council's flag and, as police officers, its reason
        seen = self.officer.get("/api/v1/flags/%d" % f.json()["id"], purpose="joint case")
        self.assertEqual(seen.json()["reason"], "tenancy support plan")
        # the force's officer may not withdraw the council's flag
        self.assertProblem(self.officer.patch("/api/v1/flags/%d" % f.json()["id"], {"withdrawn": True}), 403)

    def test_lookup_ranks_and_explains(self):
        p = self.new_person(surname="Mistry", forename="Anjali",
                            phones=[{"number": "07700 900555"}])
        self.officer.post("/api/v1/flags", {"person_id": p["id"], "kind": "vulnerable"})
        c = self.handler.post("/api/v1/contacts", {"channel": "phone"}).json()
        r = self.handler.post("/api/v1/lookup", {"forename": "Anjli", "surname": "Mistry",
                                                 "phone": "07700900555", "contact_id": c["id"]})
        self.assertEqual(r.status, 200, r.text)
        cands = r.json()["candidates"]
        self.assertEqual(cands[0]["person_id"], p["id"])
        self.assertEqual(cands[0]["band"], "same")
        self.assertGreater(cands[0]["probability"], 0.9)
        fields = {f["field"]: f for f in cands[0]["fields"]}
        self.assertIn("phone", fields)
        self.assertGreater(fields["phone"]["weight"], 0)
        self.assertEqual(cands[0]["history"]["flags"][0]["kind"], "vulnerable")
        self.assertEqual(audit_rows(self.srv, "person", p["id"])[-1]["purpose"],
                         "live contact %d" % c["id"])
        # persons that do not match are not shown (nor audited)
        self.assertTrue(all(c["band"] in ("same", "possible") for c in cands))
        before = self.srv.count("audit_event")
        r = self.handler.post("/api/v1/lookup", {"surname": "Zzyzxnomatch", "contact_id": c["id"]})
        self.assertEqual(r.status, 200, r.text)
        self.assertEqual(r.json()["candidates"], [])
        self.assertEqual(self.srv.count("audit_event"), before)
        # outside a live contact a purpose is required
        self.assertProblem(self.officer.post("/api/v1/lookup", {"surname": "Mistry"}), 422, "X-Purpose")
        self.assertProblem(self.handler.post("/api/v1/lookup", {}), 422, "surname")


if __name__ == "__main__":
    fcharness.main()
