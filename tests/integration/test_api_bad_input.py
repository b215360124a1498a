"""Bad input gets a clear problem naming the field, and writes nothing (issue 2 part 8).

Each case sends one hostile or malformed request and then checks that no row was added to
any person, contact, incident, flag or audit table.
"""

import json
import unittest

import fcharness

TABLES = ("person", "person_name", "person_phone", "person_address", "contact", "incident",
          "flag", "audit_event")


class BadInputTest(fcharness.ServerTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.s = cls.srv.login("officer")
        r = cls.s.post("/api/v1/persons", {"names": [{"forename": "Base", "surname": "Line"}]})
        assert r.status == 201, r.text
        cls.pid = r.json()["id"]

    def counts(self):
        return {t: self.srv.count(t) for t in TABLES}

    def assertWritesNothing(self, send, status, field=None):
        before = self.counts()
        r = send()
        doc = self.assertProblem(r, status, field)
        self.assertEqual(self.counts(), before, "request wrote rows: %r" % r)
        return doc

    def post_raw(self, path, raw, content_type="application/json"):
        return lambda: self.s.post(path, raw=raw, headers={"Content-Type": content_type})

    def test_malformed_json(self):
        doc = self.assertWritesNothing(self.post_raw("/api/v1/persons", b'{"names": [}'), 400)
        self.assertIn("malformed JSON", doc["detail"])
        self.assertWritesNothing(self.post_raw("/api/v1/persons", b'[1, 2]'), 400)
        self.assertWritesNothing(self.post_raw("/api/v1/persons", b''), 400)
        self.assertWritesNothing(self.post_raw("/api/v1/persons", b'{"a":1}{"b":2}'), 400)
        self.assertWritesNothing(self.post_raw("/api/v1/persons", b'{"names":[],"names":[]}'), 400)

    def test_malformed_json_detail_does_not_echo_input(self):
        doc = self.assertWritesNothing(self.post_raw("/api/v1/persons", b'{"names": Shergill}'), 400)
        self.assertNotIn("Shergill", json.dumps(doc))

    def test_wrong_content_type(self):
        self.assertWritesNothing(
            self.post_raw("/api/v1/persons", b'{"names":[{"surname":"X"}]}', "text/plain"),
            415, "Content-Type")

    def test_oversized_body_is_413(self):
        big = json.dumps({"names": [{"surname": "x" * 100}], "purpose": "y" * (2 << 20)}).encode()
        self.assertWritesNothing(self.post_raw("/api/v1/persons", big), 413)
        # the server still serves afterwards
        self.assertEqual(self.srv.request("GET", "/healthz").status, 200)

    def test_too_deep_json(self):
        deep = b'{"names":' + b'[' * 40 + b']' * 40 + b'}'
        doc = self.assertWritesNothing(self.post_raw("/api/v1/persons", deep), 400)
        self.assertIn("nested", doc["detail"])

    def test_wrong_types(self):
        cases = [
            ({"names": "Smith"}, "names"),
            ({"names": [{"surname": 42}]}, "names[0].surname"),
            ({"names": [["Smith"]]}, "names[0]"),
            ({"dobs": [{"date": True}]}, "dobs[0].date"),
            ({"names": [{"surname": "A"}], "source_id": "7"}, "source_id"),
        ]
        for body, field in cases:
            self.assertWritesNothing(lambda: self.s.post("/api/v1/persons", body), 422, field)
        self.assertWritesNothing(lambda: self.s.post("/api/v1/incidents", {
            "category": "nuisance", "incident_type": "noise", "is_police_only": "yes"}),
            422, "is_police_only")

    def test_unknown_fields(self):
        self.assertWritesNothing(lambda: self.s.post(
            "/api/v1/persons", {"names": [{"surname": "A"}], "is_admin": True}), 422, "is_admin")
        self.assertWritesNothing(lambda: self.s.post(
            "/api/v1/persons", {"names": [{"surname": "A", "nickname": "B"}]}), 422,
            "names[0].nickname")
        self.assertWritesNothing(lambda: self.s.post(
            "/api/v1/contacts", {"channel": "phone", "handler_user_id": 99}), 422,
            "handler_user_id")

    def test_missing_required_fields_and_bad_values(self):
        self.assertWritesNothing(lambda: self.s.post("/api/v1/persons", {}), 422, "names")
        self.assertWritesNothing(lambda: self.s.post("/api/v1/incidents", {"category": "nuisance"}),
                                 422, "incident_type")
        self.assertWritesNothing(lambda: self.s.post("/api/v1/incidents", {
            "category": "nuisance", "incident_type": "arson"}), 422, "incident_type")
        self.assertWritesNothing(lambda: self.s.post("/api/v1/persons", {
            "dobs": [{"date": "31/02/1980"}]}), 422, "dobs[0].date")
        self.assertWritesNothing(lambda: self.s.post("/api/v1/persons", {
            "addresses": [{"raw": "1 High St", "postcode": "NOT A POSTCODE"}]}), 422,
            "addresses[0].postcode")
        self.assertWritesNothing(lambda: self.s.post("/api/v1/flags", {
            "person_id": 987654, "kind": "vulnerable"}), 422, "person_id")
        self.assertWritesNothing(lambda: self.s.post("/api/v1/incidents", {
            "category": "nuisance", "incident_type": "noise",
            "persons": [{"person_id": self.pid, "role": "bystander"}]}), 422, "persons[0].role")

    def test_overlong_strings_and_arrays(self):
        self.assertWritesNothing(lambda: self.s.post(
            "/api/v1/persons", {"names": [{"surname": "x" * 101}]}), 422, "names[0].surname")
        # characters, not bytes: 100 two-byte characters are allowed
        r = self.s.post("/api/v1/persons", {"names": [{"surname": "\u00eb" * 100}]})
        self.assertEqual(r.status, 201, r.text)
        self.assertWritesNothing(lambda: self.s.post(
            "/api/v1/persons", {"names": [{"surname": "A"}] * 21}), 422, "names")
        self.assertWritesNothing(lambda: self.s.get(
            "/api/v1/persons?surname=" + "x" * 300, purpose="x"), 400, "query.surname")

    def test_invalid_utf8(self):
        self.assertWritesNothing(self.post_raw(
            "/api/v1/persons", b'{"names":[{"surname":"Sm\xffth"}]}'), 400)
        self.assertWritesNothing(self.post_raw(
            "/api/v1/persons", b'{"names":[{"surname":"\xc0\xafx"}]}'), 400)
        self.assertWritesNothing(lambda: self.s.get(
            "/api/v1/persons?surname=%FF%FE", purpose="x"), 400, "query.surname")
        # an escaped NUL inside a JSON string is refused too
        self.assertWritesNothing(self.post_raw(
            "/api/v1/persons", b'{"names":[{"surname":"A\\u0000B"}]}'), 400)

    def test_sql_metacharacters_are_stored_literally(self):
        nasty = "O'Brien\"; DROP TABLE person; --"
        r = self.s.post("/api/v1/persons", {"names": [{"forename": "Robert'); --", "surname": nasty}]})
        self.assertEqual(r.status, 201, r.text)
        got = self.s.get("/api/v1/persons/%d" % r.json()["id"], purpose="check literal storage")
        self.assertEqual(got.json()["names"][0]["surname"], nasty)
        self.assertEqual(got.json()["names"][0]["forename"], "Robert'); --")
        found = self.s.get("/api/v1/persons?surname=" + "O%27Brien%22%3B%20DROP%20TABLE%20person%3B%20--",
                           purpose="search literal")
        self.assertEqual(found.status, 200, found.text)
        self.assertEqual([p["id"] for p in found.json()["items"]], [r.json()["id"]])
        self.assertGreater(self.srv.count("person"), 0)
        r = self.s.get("/api/v1/persons?surname=%25", purpose="wildcard is not a wildcard")
        self.assertEqual(r.json()["items"], [])

    def test_missing_or_expired_session_and_wrong_role_write_nothing(self):
        body = {"names": [{"surname": "Nosession"}]}
        self.assertWritesNothing(lambda: self.srv.request("POST", "/api/v1/persons", body), 401)
        other = self.srv.login("supervisor")
        self.srv.execute("UPDATE session SET last_seen_at = last_seen_at - 7200 WHERE user_id = ?",
                         (other.user["id"],))
        self.assertWritesNothing(lambda: other.post("/api/v1/persons", body), 401)
        analyst = self.srv.login("analyst")
        self.assertWritesNothing(lambda: analyst.post("/api/v1/persons", body), 403)
        handler = self.srv.login("handler")
        self.assertWritesNothing(lambda: handler.post("/api/v1/flags", {
            "person_id": self.pid, "kind": "vulnerable"}), 403)
        self.assertWritesNothing(lambda: self.s.post("/api/v1/persons", body, cookie=True, csrf=False),
                                 403, "X-CSRF-Token")

    def test_unknown_path_and_method(self):
        self.assertProblem(self.s.get("/api/v1/nothing"), 404)
        r = self.s.request("DELETE", "/api/v1/persons/%d" % self.pid)
        self.assertProblem(r, 405)
        self.assertIn("GET", r.header("Allow"))
        self.assertIn("PATCH", r.header("Allow"))
        self.assertProblem(self.srv.request("GET", "/static/../CMakeLists.txt"), 404)


if __name__ == "__main__":
    fcharness.main()
