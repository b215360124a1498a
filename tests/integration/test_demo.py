"""`firstcontact demo`: the data a person trying FirstContact meets.

Loads the demo into a fresh store, checks the printed logins work, and that a misspelt
repeat caller flagged vulnerable by a council is found through POST /api/v1/lookup with
the explanation, the prior contacts and the flag.
"""
import os
import re
import tempfile
import unittest

import fcharness

DEMO_PASSWORD = "firstcontact-demo"


class DemoServer(fcharness.Server):
    def start(self):
        self.tmp = tempfile.mkdtemp(prefix="fc-demo-")
        self.run_cli("migrate", "--db", self.db_path)
        self.demo_out = self.run_cli("demo", "--db", self.db_path, "--persons", "80").stdout
        self._spawn()


class DemoTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.srv = DemoServer(users={})
        cls.srv.start()

    @classmethod
    def tearDownClass(cls):
        cls.srv.stop()

    def test_demo_prints_a_login_for_every_role(self):
        roles = set(re.findall(r"^\s+\S+\.demo\s+(\w+)", self.srv.demo_out, re.M))
        self.assertEqual(roles, {"call_handler", "officer", "supervisor", "partner_officer",
                                 "analyst", "admin"})

    def test_demo_logins_work(self):
        for user in ("handler.demo", "sgt.demo", "city.asb.demo", "analyst.demo"):
            r = self.srv.login(user, DEMO_PASSWORD)
            self.assertEqual(r.user["username"], user)

    def test_demo_has_background_callers_with_history(self):
        self.assertGreaterEqual(self.srv.count("person"), 80)
        self.assertGreater(self.srv.count("contact"), 80)

    def test_misspelt_vulnerable_repeat_caller_is_found_with_explanation(self):
        s = self.srv.login("handler.demo", DEMO_PASSWORD)
        r = s.post("/api/v1/lookup", {"forename": "Ravindr", "surname": "Shergil",
                                      "postcode": "le11aa"}, purpose="live call")
        self.assertEqual(r.status, 200, r.text)
        best = r.json()["candidates"][0]
        self.assertEqual(best["band"], "same")
        self.assertGreater(best["probability"], 0.9)
        fields = {f["field"] for f in best["fields"]}
        self.assertTrue({"forename", "surname"} <= fields, fields)
        hist = best["history"]
        self.assertTrue(hist["is_repeat"])
        self.assertGreaterEqual(hist["contacts_12m"], 3)
        self.assertTrue(any(f["kind"] == "vulnerable" and f["agency"] == "Leicester City Council"
                            for f in hist["flags"]))

    def test_running_demo_twice_adds_no_named_duplicates(self):
        before = self.srv.count("app_user")
        self.srv.run_cli("demo", "--db", self.srv.db_path, "--persons", "0")
        self.assertEqual(self.srv.count("app_user"), before)


if __name__ == "__main__":
    fcharness.main()
