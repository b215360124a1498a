"""Reports and the satisfaction survey over real HTTP (issue 7).

Builds a small store through the API and the store file (closed incidents queued for the
survey), then: answers by phone call-back and by a one-time web link (single use), a
decline, the satisfaction report in JSON, CSV (formula guard) and XLSX, the monthly PDF
pack (text checked with pdftotext), role rules and bad parameters.
"""
import csv
import io
import subprocess
import tempfile
import time
import unittest

import fcharness

ANSWERS = {"q1": 1, "q2": 2, "q3": 3, "q4": 5, "q5": 2, "q6": "reduced", "q7": "yes"}


class ReportsApiTest(fcharness.ServerTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        srv = cls.srv
        now = int(time.time())
        cls.month = time.strftime("%Y-%m", time.gmtime(now))
        # Incidents closed today; their victims queued for the survey (as call handling
        # does at closure). One has a formula-like type, to test the CSV guard.
        conn = srv.db()
        with conn:
            org = conn.execute("SELECT id FROM organisation WHERE name = ?",
                               (fcharness.FORCE,)).fetchone()[0]
            for i in range(1, 5):
                conn.execute("INSERT INTO person (id, created_at) VALUES (?, ?)", (i, now))
                conn.execute(
                    "INSERT INTO incident (id, org_id, category, incident_type, lsoa_code, "
                    "status, created_at, closed_at) VALUES (?, ?, 'personal', ?, 'E01013600', "
                    "'closed', ?, ?)", (i, org, "=cmd()" if i == 1 else "noise", now, now))
                conn.execute(
                    "INSERT INTO survey_queue (id, incident_id, person_id, reason, status, "
                    "queued_at) VALUES (?, ?, ?, 'incident_closed', 'queued', ?)",
                    (i, i, i, now))
        conn.close()

    def test_01_phone_answers_and_validation(self):
        s = self.srv.login("handler")
        r = s.get("/api/v1/surveys")
        self.assertEqual(r.status, 200, r.text)
        self.assertEqual(len(r.json()["surveys"]), 4)
        bad = dict(ANSWERS, q3=9)
        self.assertProblem(s.post("/api/v1/surveys/1/answers", bad), 422, "q3")
        r = s.post("/api/v1/surveys/1/answers", ANSWERS)
        self.assertEqual(r.status, 201, r.text)
        self.assertProblem(s.post("/api/v1/surveys/1/answers", ANSWERS), 409)
        self.assertEqual(self.srv.count("survey_response"), 1)

    def test_02_web_link_is_single_use_and_public(self):
        s = self.srv.login("officer")
        r = s.post("/api/v1/surveys/2/link")
        self.assertEqual(r.status, 201, r.text)
        token = r.json()["token"]
        self.assertEqual(len(token), 43)
        # the token is never stored, only its hash
        conn = self.srv.db()
        stored = [bytes(row[0]) for row in conn.execute("SELECT token_hash FROM survey_token")]
        conn.close()
        self.assertNotIn(token.encode(), stored)
        form = self.srv.request("GET", "/api/v1/survey/" + token)
        self.assertEqual(form.status, 200, form.text)
        self.assertEqual(len(form.json()["questions"]), 7)
        r = self.srv.request("POST", "/api/v1/survey/" + token, ANSWERS)
        self.assertEqual(r.status, 201, r.text)
        again = self.srv.request("POST", "/api/v1/survey/" + token, ANSWERS)
        self.assertEqual(again.status, 404, again.text)
        self.assertEqual(self.srv.request("GET", "/api/v1/survey/" + "A" * 43).status, 404)

    def test_03_decline(self):
        s = self.srv.login("supervisor")
        r = s.post("/api/v1/surveys/3/decline")
        self.assertEqual(r.status, 200, r.text)
        self.assertProblem(s.post("/api/v1/surveys/3/answers", ANSWERS), 409)

    def test_04_reports_json_csv_xlsx(self):
        s = self.srv.login("supervisor")
        r = s.get("/api/v1/reports/satisfaction?period=all")
        self.assertEqual(r.status, 200, r.text)
        doc = r.json()
        q5 = [row for row in doc["rows"] if row["question"] == 5][0]
        self.assertEqual((q5["satisfied"], q5["n"]), (2, 2))
        self.assertIsNone(q5["share"])  # n < 50: suppressed, never a bare percentage
        self.assertEqual(q5["suppressed"], "n < 50")
        r = s.get("/api/v1/reports/survey_rates?period=all")
        rates = r.json()["rows"][0]
        self.assertEqual((rates["queued"], rates["responded"], rates["declined"]), (4, 2, 1))
        r = s.get("/api/v1/reports/demand?period=all&by=type&format=csv")
        self.assertEqual(r.status, 200, r.text)
        self.assertTrue(r.header("Content-Type").startswith("text/csv"))
        self.assertIn("attachment", r.header("Content-Disposition"))
        rows = list(csv.DictReader(io.StringIO(r.text)))
        groups = {row["group"]: row["count"] for row in rows}
        self.assertEqual(groups.get("'=cmd()"), "1", rows)  # formula guard
        r = s.get("/api/v1/reports/hotspots?format=xlsx")
        self.assertEqual(r.status, 200, r.text)
        self.assertEqual(r.body[:4], b"PK\x03\x04")

    def test_05_monthly_pack_pdf(self):
        s = self.srv.login("analyst")
        r = s.get("/api/v1/reports/pack?month=" + self.month)
        self.assertEqual(r.status, 200, r.text)
        self.assertEqual(r.header("Content-Type"), "application/pdf")
        with tempfile.NamedTemporaryFile(suffix=".pdf") as f:
            f.write(r.body)
            f.flush()
            text = subprocess.run(["pdftotext", "-layout", f.name, "-"], capture_output=True,
                                  text=True, check=True).stdout
        self.assertIn("FirstContact monthly performance pack", text)
        self.assertIn("Month: " + self.month, text)
        self.assertIn("Victim satisfaction", text)
        self.assertProblem(s.get("/api/v1/reports/pack?month=2024-13"), 422, "month")

    def test_06_roles_and_bad_parameters(self):
        handler = self.srv.login("handler")
        self.assertEqual(handler.get("/api/v1/reports/demand").status, 403)
        admin = self.srv.login("admin")
        self.assertEqual(admin.get("/api/v1/reports").status, 403)
        analyst = self.srv.login("analyst")
        self.assertEqual(analyst.get("/api/v1/reports").status, 200)
        self.assertProblem(analyst.get("/api/v1/reports/repeat_locations"), 403)
        self.assertEqual(analyst.get("/api/v1/surveys").status, 403)
        self.assertProblem(analyst.get("/api/v1/reports/demand?period=week"), 422, "period")
        self.assertProblem(analyst.get("/api/v1/reports/demand?by=colour"), 422, "by")
        self.assertProblem(analyst.get("/api/v1/reports/demand?format=pdf"), 422, "format")
        self.assertEqual(analyst.get("/api/v1/reports/nothing").status, 404)
        self.assertEqual(self.srv.request("GET", "/api/v1/reports/demand").status, 401)


if __name__ == "__main__":
    fcharness.main()
