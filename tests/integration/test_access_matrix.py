"""Access matrix: every route x every role x own and other organisation.

The routes and the roles each allows come from the live server's /api/v1/openapi.json
(`x-roles`, generated from the route table, which test_openapi.py ties to routes.c), so a
new route is covered the day it lands. For every operation:
- without a session a protected route answers 401 (a public one never does);
- every role the route does not list answers 403, whatever record it names;
- every role it lists gets past the role rule (never 401 or 403) on a record that does not
  exist, so the role table, not an accident of the handler, decides.
Then record-level sharing, own versus other organisation: a person and a police-only
incident recorded by the force are readable by force roles and refused (403 or 404) to a
council partner officer, and the administrator, who may not read people's records, is
refused too. Break the glass and the audit reports carry the roles issue 8 gives them
(test_security.py covers their record-level rules).
"""

import os
import re
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import fcharness  # noqa: E402

ROLES = {  # user name in fcharness.DEFAULT_USERS -> role
    "handler": "call_handler",
    "officer": "officer",
    "supervisor": "supervisor",
    "analyst": "analyst",
    "admin": "admin",
    "partner": "partner_officer",
}
MISSING_ID = "987654321"
SRC = os.environ.get("FC_SOURCE_DIR", os.path.join(os.path.dirname(__file__), "..", ".."))

# Routes outside the OpenAPI document that are public on purpose. Open311 GeoReport v2
# (docs/open311.md): the spec's reads are public and return no personal data; posting and
# the updates feed need an Open311 api_key, checked by the handler (403, Open311 format).
OPEN311_PUBLIC = {
    ("GET", "/open311/v2/discovery.json"), ("GET", "/open311/v2/discovery.xml"),
    ("GET", "/open311/v2/services.json"), ("GET", "/open311/v2/services.xml"),
    ("GET", "/open311/v2/services/{file}"),
    ("POST", "/open311/v2/requests.json"), ("POST", "/open311/v2/requests.xml"),
    ("GET", "/open311/v2/requests.json"), ("GET", "/open311/v2/requests.xml"),
    ("GET", "/open311/v2/requests/{file}"),
    ("GET", "/open311/v2/servicerequestupdates.json"),
    ("GET", "/open311/v2/servicerequestupdates.xml"),
    ("POST", "/open311/v2/servicerequestupdates.json"),
    ("POST", "/open311/v2/servicerequestupdates.xml"),
}
OPEN311_NEEDS_KEY = {("POST", "/open311/v2/requests.json"), ("POST", "/open311/v2/requests.xml"),
                     ("GET", "/open311/v2/servicerequestupdates.json"),
                     ("GET", "/open311/v2/servicerequestupdates.xml"),
                     ("POST", "/open311/v2/servicerequestupdates.json"),
                     ("POST", "/open311/v2/servicerequestupdates.xml")}


def concrete(path):
    return (path.replace("{id}", MISSING_ID).replace("{path}", "css/app.css")
            .replace("{name}", "demand").replace("{token}", "x" * 43)
            .replace("{kind}", "demand"))


class AccessMatrixTest(fcharness.ServerTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.sessions = {u: cls.srv.login(u) for u in ROLES}
        doc = cls.srv.request("GET", "/api/v1/openapi.json").json()
        cls.ops = []
        for path, item in doc["paths"].items():
            for method, op in item.items():
                if method in ("get", "post", "patch", "put", "delete"):
                    cls.ops.append((method.upper(), path, set(op.get("x-roles", []))))
        if len(cls.ops) < 20:
            raise AssertionError("too few operations in the OpenAPI document")

    def call(self, user, method, path):
        s = self.sessions[user]
        body = {} if method in ("POST", "PATCH", "PUT") else None
        return s.request(method, path, body=body, purpose="access matrix test")

    def test_every_route_refuses_the_roles_it_does_not_list(self):
        checked = 0
        wrong = []
        for method, path, roles in self.ops:
            if method == "POST" and path in ("/api/v1/login", "/api/v1/logout"):
                continue  # signing in or out changes the session under test
            url = concrete(path)
            anon = self.srv.request(method, url, body={} if method != "GET" else None)
            if roles:
                self.assertEqual(anon.status, 401, "%s %s without a session: %r"
                                 % (method, url, anon))
            else:
                self.assertNotEqual(anon.status, 401, "%s %s is public" % (method, url))
            for user, role in ROLES.items():
                if not roles:
                    continue
                r = self.call(user, method, url)
                checked += 1
                if role in roles and r.status in (401, 403):
                    wrong.append("%s %s as %s (listed) -> %r" % (method, url, role, r))
                elif role not in roles and r.status != 403:
                    wrong.append("%s %s as %s (not listed) -> %r" % (method, url, role, r))
        self.assertEqual(wrong, [], "\n".join(wrong))
        self.assertGreater(checked, 100)
        print("access matrix: %d operations, %d role checks" % (len(self.ops), checked),
              flush=True)

    def test_security_routes_are_in_the_matrix(self):
        """Break the glass and the audit reports are covered, with the roles issue 8 sets:
        only supervisors break the glass; supervisors and admins read the reports."""
        got = {(m, p): r for m, p, r in self.ops}
        self.assertEqual(got[("POST", "/api/v1/break-glass")], {"supervisor"})
        for path in ("/api/v1/break-glass", "/api/v1/persons/{id}/audit",
                     "/api/v1/users/{id}/audit"):
            self.assertEqual(got[("GET", path)], {"supervisor", "admin"}, path)
        # a force supervisor never needs the glass for a force person (409, nothing written)
        r = self.sessions["handler"].post("/api/v1/persons",
                                          {"names": [{"surname": "Matrixglass"}]})
        self.assertEqual(r.status, 201, r.text)
        r = self.sessions["supervisor"].post("/api/v1/break-glass", {
            "object_type": "person", "object_id": r.json()["id"],
            "reason": "access matrix: no override is needed here"})
        self.assertEqual(r.status, 409, r.text)

    def test_other_organisation_cannot_read_force_records(self):
        handler = self.sessions["handler"]
        r = handler.post("/api/v1/persons",
                         {"names": [{"forename": "Matrix", "surname": "Owncheck"}],
                          "phones": [{"number": "07700 900555"}]})
        self.assertEqual(r.status, 201, r.text)
        pid = r.json()["id"]
        r = handler.post("/api/v1/incidents",
                         {"category": "personal", "incident_type": "intimidation_harassment",
                          "description": "access matrix check", "is_police_only": True,
                          "persons": [{"person_id": pid, "role": "victim"}]})
        self.assertEqual(r.status, 201, r.text)
        iid = r.json()["id"]
        person_url = "/api/v1/persons/%d" % pid
        incident_url = "/api/v1/incidents/%d" % iid
        for user in ("handler", "officer", "supervisor"):
            for url in (person_url, incident_url):
                r = self.call(user, "GET", url)
                self.assertEqual(r.status, 200, "%s %s: %r" % (user, url, r))
        for user in ("partner", "admin", "analyst"):
            for url in (person_url, incident_url):
                r = self.call(user, "GET", url)
                self.assertIn(r.status, (403, 404), "%s %s: %r" % (user, url, r))
                self.assertNotIn("Owncheck", r.text)
                self.assertNotIn("access matrix check", r.text)
        # A partner's search does not find the force's person either.
        r = self.call("partner", "GET", "/api/v1/persons?surname=Owncheck")
        self.assertNotIn("Owncheck", r.text)
        # Nor do the flags or contacts of that person leak through the nested routes.
        r = self.call("partner", "GET", person_url + "/flags")
        self.assertIn(r.status, (403, 404), r.text)

    def test_open311_routes_are_the_deliberately_public_ones(self):
        with open(os.path.join(SRC, "src", "http", "routes.c")) as f:
            rows = re.findall(r'\{\s*"(GET|POST|PATCH|PUT|DELETE)",\s*"(/open311/[^"]+)",\s*(\w+),'
                              r'\s*(\w+),', f.read())
        found = {(m, p) for m, p, _h, _r in rows}
        self.assertEqual(found, OPEN311_PUBLIC, "an Open311 route was added or removed: "
                         "list it here (and in docs/open311.md) on purpose")
        for method, pattern, _handler, roles in rows:
            self.assertEqual(roles, "HTTP_ROLES_PUBLIC", pattern)
            url = pattern.replace("{file}", "ASB_NOISE.json" if "services" in pattern
                                  else MISSING_ID + ".json")
            raw = b"service_code=ASB_NOISE" if method == "POST" else None
            r = self.srv.request(method, url, raw=raw, headers={
                "Content-Type": "application/x-www-form-urlencoded"})
            self.assertNotEqual(r.status, 401, url)
            self.assertFalse(r.header("Content-Type").startswith("application/problem+json"),
                             "%s %s answers problem+json, not Open311: %r" % (method, url, r))
            if (method, pattern) in OPEN311_NEEDS_KEY:
                self.assertEqual(r.status, 403, "%s %s without api_key: %r" % (method, url, r))
            elif pattern.endswith("{file}") and "requests" in pattern:
                self.assertEqual(r.status, 404, "%s %s: %r" % (method, url, r))
            else:
                self.assertEqual(r.status, 200, "%s %s: %r" % (method, url, r))
            # a session changes nothing: these routes look at the api_key only
            r2 = self.sessions["admin"].request(method, url, raw=raw, headers={
                "Content-Type": "application/x-www-form-urlencoded"})
            self.assertEqual(r2.status, r.status, url)


if __name__ == "__main__":
    fcharness.main()
