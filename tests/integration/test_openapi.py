"""The OpenAPI document and the route table agree, both ways (issue 2 part 5).

Reads the route table from src/http/routes.c, the document from data/api/openapi.json
and the document the server serves; checks that every route is documented with the same
roles, that every documented operation is a route, and that the live server answers each
documented operation (never 404 or 405 for the path itself).
"""

import json
import os
import re
import unittest

import fcharness

SRC = os.environ.get("FC_SOURCE_DIR", os.path.join(os.path.dirname(__file__), "..", ".."))

ROLE_SETS = {
    "HTTP_ROLES_PUBLIC": [],
    "HTTP_ROLES_ANY": ["call_handler", "officer", "supervisor", "partner_officer", "analyst", "admin"],
    "R_RECORDS": ["call_handler", "officer", "supervisor", "partner_officer"],
    "R_FLAGGERS": ["officer", "supervisor", "partner_officer"],
    "R_ASSESSORS": ["officer", "supervisor", "partner_officer"],
    "R_GRADERS": ["call_handler", "supervisor"],
    "R_SUPERVISORS": ["supervisor"],
    "R_REPORTS": ["officer", "supervisor", "partner_officer", "analyst"],
    "R_SURVEYORS": ["call_handler", "officer", "supervisor"],
    "R_AUDITORS": ["supervisor", "admin"],
}


def read_text(*parts):
    with open(os.path.join(SRC, *parts)) as f:
        return f.read()


def is_api(pattern):
    """The JSON API, health and static files; HTML pages of the UI are not documented."""
    return pattern.startswith("/api/") or pattern in ("/healthz", "/readyz", "/static/{*}")


def route_table():
    text = read_text("src", "http", "routes.c")
    rows = re.findall(r'\{\s*"(GET|POST|PATCH|PUT|DELETE)",\s*"([^"]+)",\s*(\w+),\s*(\w+),', text)
    if len(rows) < 10:
        raise AssertionError("could not read the route table (%d rows)" % len(rows))
    out = {}
    for method, pattern, _handler, roles in rows:
        if not is_api(pattern):
            continue
        path = pattern.replace("{*}", "{path}")
        if roles not in ROLE_SETS:
            raise AssertionError("unknown role set %s for %s %s" % (roles, method, pattern))
        out[(method.lower(), path)] = sorted(ROLE_SETS[roles])
    return out


def document_operations(doc):
    out = {}
    for path, item in doc["paths"].items():
        for method, op in item.items():
            if method in ("get", "post", "patch", "put", "delete"):
                out[(method, path)] = sorted(op.get("x-roles", []))
    return out


class OpenApiTest(fcharness.ServerTestCase):
    users = {"handler": fcharness.DEFAULT_USERS["handler"]}

    def setUp(self):
        with open(os.path.join(SRC, "data", "api", "openapi.json")) as f:
            self.doc = json.load(f)

    def test_document_is_openapi_3_1(self):
        self.assertEqual(self.doc["openapi"], "3.1.0")
        self.assertIn("title", self.doc["info"])
        for (method, path), _ in document_operations(self.doc).items():
            op = self.doc["paths"][path][method]
            self.assertTrue(op.get("summary"), (method, path))
            self.assertTrue(op.get("responses"), (method, path))

    def test_every_route_is_documented_with_its_roles(self):
        documented = document_operations(self.doc)
        for key, roles in route_table().items():
            self.assertIn(key, documented, "route %s %s is missing from openapi.json" % key)
            self.assertEqual(documented[key], roles, "roles differ for %s %s" % key)

    def test_every_documented_operation_is_a_route(self):
        routes = route_table()
        for key in document_operations(self.doc):
            self.assertIn(key, routes, "openapi.json documents %s %s, which is no route" % key)

    def test_summaries_match_the_route_table(self):
        text = read_text("src", "http", "routes.c")
        for method, pattern, summary in re.findall(
                r'\{\s*"(GET|POST|PATCH|PUT|DELETE)",\s*"([^"]+)",\s*\w+,\s*\w+,\s*"((?:[^"]|"\s*")*)"',
                text):
            summary = re.sub(r'"\s*"', "", summary)
            if not is_api(pattern):
                continue
            op = self.doc["paths"][pattern.replace("{*}", "{path}")][method.lower()]
            self.assertEqual(op["summary"], summary, (method, pattern))

    def test_server_serves_the_same_document(self):
        r = self.srv.request("GET", "/api/v1/openapi.json")
        self.assertEqual(r.status, 200)
        self.assertEqual(r.header("Content-Type"), "application/json")
        self.assertEqual(r.json(), self.doc)

    def test_live_server_answers_every_documented_operation(self):
        for (method, path), roles in document_operations(self.doc).items():
            concrete = (path.replace("{id}", "1").replace("{path}", "css/app.css")
                        .replace("{name}", "demand").replace("{token}", "x" * 43))
            r = self.srv.request(method.upper(), concrete)
            self.assertNotIn(r.status, (404, 405) if "{" not in path else (405,),
                             "%s %s -> %r" % (method, concrete, r))
            if roles:  # protected: without a session it must be 401
                self.assertEqual(r.status, 401, "%s %s -> %r" % (method, concrete, r))


if __name__ == "__main__":
    fcharness.main()
