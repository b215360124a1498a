"""Retention and subject access (issue 8 part 7).

Records are made through the API and then aged in the store, so each person sits on one
side of one rule. `retention run --dry-run` lists exactly the persons and incidents due
and writes nothing; `retention run` anonymises exactly those (identifiers deleted, details
given on contacts and withdrawn flags' reasons cleared, rows kept so counts still add up),
audits each, leaves everyone else alone, is idempotent, and `audit verify` still passes.
`export --subject` holds the person's data and the audit of who looked at them, leaves
other persons out, and is itself audited.
"""

import json
import os
import sys
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import fcharness  # noqa: E402

YEAR = 365 * 86400
IDENTIFIER_TABLES = ("person_name", "person_dob", "person_phone", "person_email",
                     "person_address")


class RetentionTest(fcharness.ServerTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.h = cls.srv.login("handler")
        cls.o = cls.srv.login("officer")
        cls.old = int(time.time()) - 8 * YEAR
        cls.recent = int(time.time()) - 1 * YEAR
        cls.p = {}
        for key in ("lapsed", "recent_contact", "flag_in_force", "withdrawn_flag",
                    "open_incident", "fresh"):
            r = cls.h.post("/api/v1/persons", {
                "names": [{"forename": "Ret", "surname": "Subject" + key.replace("_", "")}],
                "dobs": [{"date": "1970-01-01"}], "phones": [{"number": "07700 900777"}],
                "addresses": [{"raw": "1 High Street", "postcode": "LE1 6ZG"}]})
            assert r.status == 201, r.text
            cls.p[key] = r.json()["id"]
        for key in ("lapsed", "recent_contact"):
            r = cls.h.post("/api/v1/contacts", {"channel": "phone", "caller_person_id": cls.p[key],
                                                "details": {"notes": "noise from next door"}})
            assert r.status == 201, r.text
        r = cls.h.post("/api/v1/contacts", {"channel": "phone",
                                            "caller_person_id": cls.p["recent_contact"]})
        assert r.status == 201, r.text
        cls.recent_contact_id = r.json()["id"]
        for key, review in (("flag_in_force", "2020-01-31"), ("withdrawn_flag", None)):
            body = {"person_id": cls.p[key], "kind": "vulnerable", "reason": "lives alone"}
            if review:
                body["review_date"] = review
            r = cls.o.post("/api/v1/flags", body)
            assert r.status == 201, r.text
            if key == "withdrawn_flag":
                cls.withdrawn_flag = r.json()["id"]
            else:
                cls.review_flag = r.json()["id"]
        cls.incidents = {}
        for key, pid in (("old_closed", cls.p["lapsed"]), ("recent_closed", cls.p["fresh"]),
                         ("open", cls.p["open_incident"])):
            r = cls.h.post("/api/v1/incidents", {
                "category": "nuisance", "incident_type": "noise",
                "description": "loud music " + key, "location_raw": "3 High Street",
                "location_postcode": "LE1 6ZG",
                "persons": [{"person_id": pid, "role": "victim"}]})
            assert r.status == 201, r.text
            cls.incidents[key] = r.json()["id"]
        for key in ("old_closed", "recent_closed"):
            r = cls.o.post("/api/v1/incidents/%d/close" % cls.incidents[key],
                           {"closure_code": "resolved_action_taken", "outcome": "advice given"})
            assert r.status == 200, r.text
        # age everything except the "fresh" person; then bring back what must be recent
        ids = [v for k, v in cls.p.items() if k != "fresh"]
        marks = ",".join("?" * len(ids))
        cls.srv.execute("UPDATE person SET created_at = ? WHERE id IN (%s)" % marks,
                        [cls.old] + ids)
        for t in IDENTIFIER_TABLES:
            cls.srv.execute("UPDATE %s SET recorded_at = ? WHERE person_id IN (%s)" % (t, marks),
                            [cls.old] + ids)
        cls.srv.execute("UPDATE contact SET received_at = ?, created_at = ?", (cls.old, cls.old))
        cls.srv.execute("UPDATE contact SET received_at = ? WHERE id = ?",
                        (cls.recent, cls.recent_contact_id))
        cls.srv.execute("UPDATE flag SET flagged_at = ?", (cls.old,))
        cls.srv.execute("UPDATE flag SET withdrawn_at = ? WHERE id = ?",
                        (cls.old + 86400, cls.withdrawn_flag))
        cls.srv.execute("UPDATE incident SET created_at = ?", (cls.old,))
        cls.srv.execute("UPDATE incident SET closed_at = ? WHERE id = ?",
                        (cls.old + 86400, cls.incidents["old_closed"]))
        cls.srv.execute("UPDATE incident SET created_at = ?, closed_at = ? WHERE id = ?",
                        (cls.recent, cls.recent, cls.incidents["recent_closed"]))

    def cli(self, *args, check=True):
        return self.srv.run_cli(*args, "--db", self.srv.db_path, check=check)

    def identifiers(self, pid):
        return sum(self.srv.count(t, "person_id = ?", (pid,)) for t in IDENTIFIER_TABLES)

    def snapshot(self):
        conn = self.srv.db()
        try:
            out = {}
            for t in IDENTIFIER_TABLES + ("person", "contact", "flag", "incident",
                                          "incident_person"):
                out[t] = [tuple(r) for r in conn.execute("SELECT * FROM %s ORDER BY 1" % t)]
            out["audit"] = conn.execute("SELECT count(*) FROM audit_event").fetchone()[0]
            return out
        finally:
            conn.close()

    def test_1_dry_run_lists_exactly_what_is_due_and_writes_nothing(self):
        before = self.snapshot()
        out = self.cli("retention", "run", "--dry-run").stdout
        self.assertIn("dry run", out)
        self.assertIn("due for anonymisation: 2 (ids %d, %d)"
                      % (self.p["lapsed"], self.p["withdrawn_flag"]), out)
        self.assertIn("due for anonymisation: 1 (ids %d)" % self.incidents["old_closed"], out)
        self.assertIn("due for review: 1 (ids %d)" % self.review_flag, out)
        self.assertEqual(self.snapshot(), before)

    def lookup_ids(self, key):
        r = self.h.post("/api/v1/lookup", {"forename": "Ret", "surname": "Subject" +
                                           key.replace("_", ""), "dob": "1970-01-01"},
                        purpose="retention check")
        self.assertEqual(r.status, 200, r.text)
        return [c["person_id"] for c in r.json()["candidates"]]

    def test_2_run_anonymises_exactly_what_is_due(self):
        contacts = self.srv.count("contact")
        persons = self.srv.count("person")
        self.assertIn(self.p["lapsed"], self.lookup_ids("lapsed"))
        out = self.cli("retention", "run").stdout
        self.assertIn("anonymised: 2 (ids %d, %d)"
                      % (self.p["lapsed"], self.p["withdrawn_flag"]), out)
        due = (self.p["lapsed"], self.p["withdrawn_flag"])
        for key, pid in self.p.items():
            if pid in due:
                self.assertEqual(self.identifiers(pid), 0, key)
                self.assertEqual(self.srv.count("person", "id = ? AND anonymised_at IS NOT NULL",
                                                (pid,)), 1)
            else:
                self.assertEqual(self.identifiers(pid), 4, key)
                self.assertEqual(self.srv.count("person", "id = ? AND anonymised_at IS NULL",
                                                (pid,)), 1)
        # rows stay for statistics; only the lapsed person's contact lost its details
        self.assertEqual(self.srv.count("contact"), contacts)
        self.assertEqual(self.srv.count("person"), persons)
        self.assertEqual(self.srv.count("contact", "anonymised_at IS NOT NULL"), 1)
        self.assertEqual(self.srv.count("contact", "caller_person_id = ? AND raw_details IS NULL",
                                        (self.p["lapsed"],)), 1)
        self.assertEqual(self.srv.count("contact", "caller_person_id = ? AND raw_details IS "
                                        "NOT NULL", (self.p["recent_contact"],)), 1)
        self.assertEqual(self.srv.count("flag", "id = ? AND reason IS NULL",
                                        (self.withdrawn_flag,)), 1)
        self.assertEqual(self.srv.count("flag", "id = ? AND reason = 'lives alone'",
                                        (self.review_flag,)), 1)
        # only the incident closed long ago lost its free text; counts are unchanged
        for key, iid in self.incidents.items():
            n = self.srv.count("incident", "id = ? AND description IS NULL AND location_raw "
                               "IS NULL AND category = 'nuisance'", (iid,))
            self.assertEqual(n, 1 if key == "old_closed" else 0, key)
        self.assertEqual(self.srv.count("incident_person"), 3)
        # audited, without the erased content
        conn = self.srv.db()
        try:
            rows = conn.execute("SELECT object_type, object_id, detail FROM audit_event "
                                "WHERE action = 'erase' ORDER BY seq").fetchall()
        finally:
            conn.close()
        self.assertEqual([(r[0], r[1]) for r in rows],
                         [("person", self.p["lapsed"]), ("person", self.p["withdrawn_flag"]),
                          ("incident", self.incidents["old_closed"]), ("retention", None)])
        self.assertNotIn("Subject", " ".join(r[2] for r in rows))
        self.assertIn("audit chain ok", self.cli("audit", "verify").stdout)
        # the server still reads an anonymised person (no identifiers left)
        r = self.h.get("/api/v1/persons/%d" % self.p["lapsed"], purpose="retention check")
        self.assertEqual(r.status, 200, r.text)
        self.assertEqual(r.json()["names"], [])
        # the running server follows the command line's change feed: the anonymised person
        # leaves its match index (polled every second), everyone else stays
        deadline = time.time() + 10
        while self.p["lapsed"] in self.lookup_ids("lapsed") and time.time() < deadline:
            time.sleep(0.2)
        self.assertNotIn(self.p["lapsed"], self.lookup_ids("lapsed"))
        self.assertIn(self.p["fresh"], self.lookup_ids("fresh"))
        # a second run finds nothing more
        again = self.cli("retention", "run").stdout
        self.assertIn("anonymised: 0\n", again)
        self.assertIn("audit chain ok", self.cli("audit", "verify").stdout)

    def test_3_bad_configuration_is_refused(self):
        p = self.cli("retention", "run", "--set", "retention.person_years=0", check=False)
        self.assertEqual(p.returncode, 1)
        self.assertIn("retention.person_years", p.stderr)
        p = self.cli("retention", "go", check=False)
        self.assertEqual(p.returncode, 2)

    def test_4_subject_access_export(self):
        pid = self.p["recent_contact"]
        r = self.o.get("/api/v1/persons/%d" % pid, purpose="subject access test view")
        self.assertEqual(r.status, 200)
        exports = self.srv.count("audit_event", "action = 'export' AND object_id = ?", (pid,))
        out = os.path.join(self.srv.tmp, "subject.json")
        self.cli("export", "--subject", str(pid), "--out", out, "--purpose", "SAR 2026/17")
        with open(out) as f:
            doc = json.load(f)
        self.assertEqual(doc["person_id"], pid)
        self.assertEqual(doc["names"][0]["surname"].lower(), "subjectrecentcontact")
        self.assertEqual(doc["phones"][0]["e164"], "+447700900777")
        self.assertEqual(doc["addresses"][0]["postcode"], "LE1 6ZG")
        self.assertEqual(len(doc["contacts"]), 2)
        self.assertIn("noise from next door", json.dumps(doc["contacts"]))
        purposes = [e["purpose"] for e in doc["record_access"]]
        self.assertIn("subject access test view", purposes)
        self.assertEqual(doc["record_access"][0]["organisation"], fcharness.FORCE)
        # another person's data is not in it
        self.assertNotIn("Subjectlapsed", json.dumps(doc))
        self.assertEqual(self.srv.count("audit_event", "action = 'export' AND object_id = ? "
                                        "AND purpose = 'SAR 2026/17'", (pid,)), exports + 1)
        # incidents: the subject's own role, others withheld
        doc2 = json.loads(self.cli("export", "--subject", str(self.p["open_incident"])).stdout)
        self.assertEqual(len(doc2["incidents"]), 1)
        self.assertEqual(doc2["incidents"][0]["your_roles"], ["victim"])
        doc3 = json.loads(self.cli("export", "--subject", str(self.p["flag_in_force"])).stdout)
        self.assertEqual([f["kind"] for f in doc3["flags"]], ["vulnerable"])
        p = self.cli("export", "--subject", "987654321", check=False)
        self.assertEqual(p.returncode, 1)
        self.assertEqual(p.stdout, "")
        self.assertEqual(self.srv.count("audit_event", "object_id = 987654321"), 0)


if __name__ == "__main__":
    fcharness.main()
