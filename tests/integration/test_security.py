"""Break the glass, the audit reports and the TOTP second factor (issue 8).

- Break the glass: a partner supervisor refused a force person may open it for an hour
  with a stated reason; without a reason, with a too short one, or as a call handler or
  partner officer it is refused and nothing is written; a police-only incident stays
  closed; the override is in the break-glass report and the audit trail ("break_glass",
  the reason as purpose) and `audit verify` still passes.
- Who looked at this person / whose records did this user look at: the views appear, the
  reports are restricted to supervisors and admins (supervisors: their organisation's
  users) and reading them is audited.
- TOTP: an account with the second factor on needs the code; a wrong or reused code is
  refused; roles other than supervisor and admin cannot turn it on.
"""

import base64
import hmac
import os
import struct
import sys
import time
import unittest
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import fcharness  # noqa: E402

USERS = dict(fcharness.DEFAULT_USERS)
USERS["csup"] = (fcharness.COUNCIL, "city_council", "supervisor")
USERS["totpsup"] = (fcharness.FORCE, "force", "supervisor")
REASON = "Caller at risk: council needs the record for a safeguarding visit tonight"


def totp(secret_b32, t=None, digits=6):
    key = base64.b32decode(secret_b32 + "=" * (-len(secret_b32) % 8))
    step = int((time.time() if t is None else t) // 30)
    mac = hmac.new(key, struct.pack(">Q", step), "sha1").digest()
    off = mac[-1] & 15
    code = (struct.unpack(">I", mac[off:off + 4])[0] & 0x7FFFFFFF) % (10 ** digits)
    return "%0*d" % (digits, code)


class BreakGlassTest(fcharness.ServerTestCase):
    users = USERS

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.s = {u: cls.srv.login(u) for u in ("handler", "supervisor", "partner", "csup",
                                                "admin")}
        h = cls.s["handler"]
        r = h.post("/api/v1/persons", {"names": [{"forename": "Glass", "surname": "Breakpoint"}],
                                       "phones": [{"number": "07700 900321"}]})
        assert r.status == 201, r.text
        cls.pid = r.json()["id"]
        r = h.post("/api/v1/incidents",
                   {"category": "personal", "incident_type": "intimidation_harassment",
                    "description": "police only detail", "is_police_only": True,
                    "persons": [{"person_id": cls.pid, "role": "victim"}]})
        assert r.status == 201, r.text
        cls.police_only = r.json()["id"]
        r = h.post("/api/v1/incidents",
                   {"category": "nuisance", "incident_type": "noise",
                    "description": "shared-able detail",
                    "persons": [{"person_id": cls.pid, "role": "victim"}]})
        assert r.status == 201, r.text
        cls.incident = r.json()["id"]

    def grant(self, user, object_type, object_id, reason=REASON):
        body = {"object_type": object_type, "object_id": object_id}
        if reason is not None:
            body["reason"] = reason
        return self.s[user].post("/api/v1/break-glass", body)

    def test_1_refusals_write_nothing(self):
        url = "/api/v1/persons/%d" % self.pid
        r = self.s["csup"].get(url, purpose="check")
        self.assertEqual(r.status, 403, r.text)
        before = self.srv.count("break_glass")
        self.assertProblem(self.grant("csup", "person", self.pid, reason=None), 422, "reason")
        self.assertProblem(self.grant("csup", "person", self.pid, reason="   because  "), 422,
                           "reason")
        self.assertProblem(self.grant("csup", "person", self.pid, reason="x" * 501), 422,
                           "reason")
        self.assertEqual(self.grant("partner", "person", self.pid).status, 403)
        self.assertEqual(self.grant("handler", "person", self.pid).status, 403)
        self.assertEqual(self.grant("admin", "person", self.pid).status, 403)
        # the force's supervisor already sees the person: nothing to override
        self.assertProblem(self.grant("supervisor", "person", self.pid), 409, "object_id")
        # a police-only incident never reaches a partner
        self.assertProblem(self.grant("csup", "incident", self.police_only), 403, "object_id")
        self.assertProblem(self.grant("csup", "person", 987654321), 404)
        self.assertEqual(self.srv.count("break_glass"), before)
        self.assertEqual(self.srv.count("audit_event", "action = 'break_glass'"), 0)
        r = self.s["csup"].get(url, purpose="check")
        self.assertEqual(r.status, 403, r.text)

    def test_2_supervisor_breaks_the_glass_with_a_reason(self):
        url = "/api/v1/persons/%d" % self.pid
        r = self.grant("csup", "person", self.pid)
        self.assertEqual(r.status, 201, r.text)
        g = r.json()
        self.assertEqual((g["object_type"], g["object_id"], g["reason"]),
                         ("person", self.pid, REASON))
        self.assertTrue(g["in_force"])
        r = self.s["csup"].get(url, purpose="safeguarding visit")
        self.assertEqual(r.status, 200, r.text)
        self.assertIn("Breakpoint", r.text)
        # the grant is the supervisor's own: the partner officer is still refused
        self.assertEqual(self.s["partner"].get(url, purpose="check").status, 403)
        # a second grant while one is in force is not needed
        self.assertProblem(self.grant("csup", "person", self.pid), 409)
        # incidents too (not police-only)
        iurl = "/api/v1/incidents/%d" % self.incident
        self.assertIn(self.s["csup"].get(iurl, purpose="check").status, (403, 404))
        self.assertEqual(self.grant("csup", "incident", self.incident).status, 201)
        r = self.s["csup"].get(iurl, purpose="safeguarding visit")
        self.assertEqual(r.status, 200, r.text)
        # audit trail: a distinct action with the reason as purpose
        conn = self.srv.db()
        try:
            rows = conn.execute("SELECT object_type, object_id, purpose FROM audit_event "
                                "WHERE action = 'break_glass' ORDER BY seq").fetchall()
        finally:
            conn.close()
        self.assertEqual([tuple(x) for x in rows],
                         [("person", self.pid, REASON), ("incident", self.incident, REASON)])
        # the report: the council supervisor and the admin see it; the force supervisor
        # sees their own organisation's overrides only
        for user in ("csup", "admin"):
            r = self.s[user].get("/api/v1/break-glass")
            self.assertEqual(r.status, 200, r.text)
            got = {(i["object_type"], i["object_id"], i["username"], i["reason"])
                   for i in r.json()["items"]}
            self.assertIn(("person", self.pid, "csup", REASON), got)
            self.assertIn(("incident", self.incident, "csup", REASON), got)
        r = self.s["supervisor"].get("/api/v1/break-glass")
        self.assertEqual(r.status, 200, r.text)
        self.assertEqual(r.json()["items"], [])
        self.assertEqual(self.s["handler"].get("/api/v1/break-glass").status, 403)
        self.assertGreaterEqual(
            self.srv.count("audit_event", "object_type = 'break_glass' AND action = 'consult'"),
            3)
        p = self.srv.run_cli("audit", "verify", "--db", self.srv.db_path)
        self.assertIn("audit chain ok", p.stdout)


class BreakGlassCaseTest(fcharness.ServerTestCase):
    """A case not shared with the council: its supervisor sees the refusal page with the
    break-the-glass form, and after a grant reads the case at view level."""

    users = USERS

    def test_case_refusal_page_and_grant(self):
        off = self.srv.login("officer")
        csup = self.srv.login("csup")
        r = off.post("/api/v1/cases", {
            "title": "Glass Lane dispute", "origin": "manual",
            "sharing_basis": "Crime and Disorder Act 1998 s115", "area_code": "E01025900"})
        self.assertEqual(r.status, 201, r.text)
        cid = r.json()["id"]
        self.assertIn(csup.get("/api/v1/cases/%d" % cid, purpose="x").status, (403, 404))
        page = csup.request("GET", "/cases/%d" % cid, cookie=True)
        self.assertEqual(page.status, 403, page.text)
        self.assertIn('id="break-glass-form"', page.text)
        self.assertIn('data-object-id="%d"' % cid, page.text)
        self.assertNotIn("Glass Lane", page.text)
        # a partner officer gets the plain refusal, without the form
        partner = self.srv.login("partner").request("GET", "/cases/%d" % cid, cookie=True)
        self.assertNotIn("break-glass-form", partner.text)
        # the form's request, as the browser sends it: cookie and CSRF header
        r = csup.request("POST", "/api/v1/break-glass",
                         {"object_type": "case", "object_id": cid, "reason": REASON},
                         cookie=True)
        self.assertEqual(r.status, 201, r.text)
        r = csup.get("/api/v1/cases/%d" % cid, purpose="safeguarding visit")
        self.assertEqual(r.status, 200, r.text)
        self.assertIn("Glass Lane", r.text)
        page = csup.request("GET", "/cases/%d" % cid, cookie=True)
        self.assertEqual(page.status, 200)
        self.assertIn("Glass Lane", page.text)
        # view level only: no changes to the case
        r = csup.post("/api/v1/cases/%d/notes" % cid, {"text": "not allowed"})
        self.assertEqual(r.status, 403, r.text)


class AuditReportTest(fcharness.ServerTestCase):
    users = USERS

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.s = {u: cls.srv.login(u) for u in ("handler", "officer", "supervisor", "csup",
                                                "admin", "partner", "analyst")}
        r = cls.s["handler"].post("/api/v1/persons",
                                  {"names": [{"forename": "Audit", "surname": "Viewedperson"}]})
        assert r.status == 201, r.text
        cls.pid = r.json()["id"]
        cls.handler_id = cls.s["handler"].user["id"]
        cls.officer_id = cls.s["officer"].user["id"]
        url = "/api/v1/persons/%d" % cls.pid
        assert cls.s["officer"].get(url, purpose="follow-up call").status == 200
        assert cls.s["officer"].get(url + "/flags", purpose="follow-up call").status == 200
        assert cls.s["handler"].get("/api/v1/persons?surname=Viewedperson",
                                    purpose="check caller").status == 200

    def test_who_looked_at_this_person(self):
        url = "/api/v1/persons/%d/audit" % self.pid
        r = self.s["supervisor"].get(url, purpose="complaint about access")
        self.assertEqual(r.status, 200, r.text)
        items = r.json()["items"]
        seen = [(i["actor_username"], i["action"], i["purpose"], i["detail"]) for i in items]
        self.assertIn(("officer", "consult", "follow-up call", "viewed"), seen)
        self.assertIn(("officer", "consult", "follow-up call", "flags viewed"), seen)
        self.assertIn(("handler", "consult", "check caller", "search result"), seen)
        self.assertIn(("handler", "collect", "record a person", "created"), seen)
        self.assertEqual(items, sorted(items, key=lambda i: -i["seq"]))  # newest first
        self.assertNotIn("Viewedperson", r.text)  # ids and purposes, no personal details
        self.assertEqual(self.s["admin"].get(url).status, 200)
        for user in ("handler", "officer", "partner", "analyst"):
            self.assertEqual(self.s[user].get(url, purpose="x").status, 403, user)
        # the council supervisor sees only the council's users' events: none here
        r = self.s["csup"].get(url)
        self.assertEqual(r.status, 200, r.text)
        self.assertEqual(r.json()["items"], [])
        self.assertProblem(self.s["supervisor"].get("/api/v1/persons/987654321/audit"), 404)
        # reading the report is itself audited
        n = self.srv.count("audit_event", "object_type = 'person_audit' AND object_id = ?",
                           (self.pid,))
        self.assertGreaterEqual(n, 3)

    def test_whose_records_did_this_user_look_at(self):
        url = "/api/v1/users/%d/audit" % self.officer_id
        r = self.s["supervisor"].get(url, purpose="monthly check")
        self.assertEqual(r.status, 200, r.text)
        doc = r.json()
        self.assertEqual(doc["username"], "officer")
        persons = {p["person_id"]: p["events"] for p in doc["persons"]}
        self.assertEqual(persons.get(self.pid), 2)
        self.assertTrue(all(i["actor_user_id"] == self.officer_id for i in doc["items"]))
        r = self.s["supervisor"].get(url + "?limit=1")
        self.assertEqual(len(r.json()["items"]), 1)
        self.assertEqual(self.s["admin"].get(url).status, 200)
        self.assertEqual(self.s["csup"].get(url).status, 403)  # another organisation's user
        self.assertEqual(self.s["handler"].get(url).status, 403)
        self.assertProblem(self.s["supervisor"].get("/api/v1/users/987654321/audit"), 404)
        self.assertGreaterEqual(
            self.srv.count("audit_event", "object_type = 'user_audit' AND object_id = ?",
                           (self.officer_id,)), 3)


class ReadsAreAuditedTest(fcharness.ServerTestCase):
    """Every read of an incident's records is a consultation in the audit trail."""

    def test_incident_reads_are_audited(self):
        h = self.srv.login("handler")
        r = h.post("/api/v1/incidents", {"category": "nuisance", "incident_type": "noise",
                                         "description": "audited reads"})
        self.assertEqual(r.status, 201, r.text)
        iid = r.json()["id"]
        reads = {
            "/api/v1/incidents/%d/risk" % iid: "risk assessments viewed",
            "/api/v1/incidents/%d/grades" % iid: "grades viewed",
            "/api/v1/incidents/%d/tasks" % iid: "tasks viewed",
            "/api/v1/incidents/%d/updates" % iid: "victim updates viewed",
            "/api/v1/incidents?category=nuisance": "search result",
        }
        for url, detail in reads.items():
            before = self.srv.count("audit_event", "action = 'consult' AND object_type = "
                                    "'incident' AND object_id = ? AND detail = ?",
                                    (iid, detail))
            r = h.get(url, purpose="audit coverage")
            self.assertEqual(r.status, 200, "%s: %r" % (url, r))
            after = self.srv.count("audit_event", "action = 'consult' AND object_type = "
                                   "'incident' AND object_id = ? AND detail = ? AND purpose = "
                                   "'audit coverage'", (iid, detail))
            self.assertEqual(after, before + 1, url)


class TotpTest(fcharness.ServerTestCase):
    users = USERS

    def login(self, code=None):
        body = {"username": "totpsup", "password": fcharness.PASSWORD}
        if code is not None:
            body["totp"] = code
        return self.srv.request("POST", "/api/v1/login", body)

    def test_totp_login(self):
        self.assertEqual(self.login().status, 200)  # not on yet
        p = self.srv.run_cli("user", "totp-enable", "totpsup", "--db", self.srv.db_path)
        uri = [ln for ln in p.stdout.splitlines() if ln.startswith("otpauth://totp/")][0]
        q = urllib.parse.parse_qs(urllib.parse.urlparse(uri).query)
        self.assertEqual((q["algorithm"], q["digits"], q["period"]), (["SHA1"], ["6"], ["30"]))
        secret = q["secret"][0]
        self.assertProblem(self.login(), 401, "totp")
        wrong = "%06d" % ((int(totp(secret)) + 1) % 1000000)
        self.assertProblem(self.login(wrong), 401, "totp")
        self.assertProblem(self.login("12ab56"), 401, "totp")
        code = totp(secret)
        r = self.login(code)
        self.assertEqual(r.status, 200, r.text)
        # the same code again is refused (a code is good once)
        self.assertProblem(self.login(code), 401, "totp")
        # a wrong password with a right code is still a wrong password
        r = self.srv.request("POST", "/api/v1/login",
                             {"username": "totpsup", "password": "wrong password!",
                              "totp": totp(secret, time.time() + 30)})
        self.assertEqual(r.status, 401)
        self.assertNotEqual(r.json().get("field"), "totp")
        # the code of the step after is accepted (one step of drift)
        r = self.login(totp(secret, time.time() + 30))
        self.assertEqual(r.status, 200, r.text)
        self.assertGreaterEqual(
            self.srv.count("audit_event", "action = 'login' AND detail LIKE 'failed: one-time%'"),
            3)
        # turning it off: the password alone works again
        self.srv.run_cli("user", "totp-disable", "totpsup", "--db", self.srv.db_path)
        self.assertEqual(self.login().status, 200)

    def test_only_supervisors_and_admins_turn_it_on(self):
        p = self.srv.run_cli("user", "totp-enable", "handler", "--db", self.srv.db_path,
                             check=False)
        self.assertEqual(p.returncode, 1)
        self.assertIn("supervisors and admins", p.stderr)
        self.assertEqual(self.srv.count("app_user", "username = 'handler' AND mfa_secret "
                                        "IS NOT NULL"), 0)


if __name__ == "__main__":
    fcharness.main()
