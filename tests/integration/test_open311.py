"""Open311 GeoReport v2 (issue 9 part 1): a client discovers the services, posts a noise
report with an API key and reads back its status, every response validated against the
JSON Schemas in shared/data/open311/schema (jsonschema_lite.py), and every XML response
checked well-formed and, converted by the Spark convention, against the same schemas.

Also: the report goes through the intake path (a contact on channel open311, the reporter
matched as a person, so a person known from a phone call and flagged vulnerable is
recognised), updates and closure flow back as status and servicerequestupdates, public
reads carry no personal data, and bad input gets Open311 errors and writes nothing.
"""

import json
import os
import sys
import time
import unittest
import urllib.parse
import xml.etree.ElementTree as ET

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import fcharness  # noqa: E402
import jsonschema_lite  # noqa: E402

SHARED = os.environ.get("FC_SHARED_DATA",
                        os.path.join(os.path.dirname(__file__), "..", "..", "..", "shared",
                                     "data"))
SCHEMAS = os.path.join(SHARED, "open311", "schema")
BASE = "/open311/v2"

# XML elements whose children form a list (Spark convention: they become JSON arrays).
CONTAINERS = {"services", "attributes", "values", "endpoints", "formats", "service_requests",
              "service_request_updates", "errors", "groups"}

# What the reporter gives; none of it may appear in a public read.
REPORTER = {"first_name": "Marjorie", "last_name": "Quelch", "email": "mq@example.invalid",
            "phone": "07700 900461"}
SECRET_TEXT = "The music at number 14 goes on past 2am"


def spark(elem):
    """An XML element as JSON by the Spark convention (root handled by the caller)."""
    children = list(elem)
    if elem.tag in CONTAINERS:
        return [spark(c) for c in children]
    if not children:
        return elem.text or ""
    return {c.tag: spark(c) for c in children}


def parse_xml(test, r, root):
    test.assertTrue(r.header("Content-Type").startswith("text/xml"), r.header("Content-Type"))
    test.assertTrue(r.body.startswith(b'<?xml version="1.0" encoding="utf-8"?>'), r.text[:80])
    doc = ET.fromstring(r.body)  # raises on a document that is not well-formed
    test.assertEqual(doc.tag, root)
    if root in CONTAINERS:
        return [spark(c) for c in doc]
    return {c.tag: spark(c) for c in doc}


class Open311Test(fcharness.ServerTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.schemas = jsonschema_lite.Registry.load_dir(SCHEMAS)
        out = cls.srv.run_cli("open311-key", "add", "--db", cls.srv.db_path, "--org",
                              fcharness.COUNCIL, "--label", "FixMyStreet test").stdout
        cls.key = out.strip().splitlines()[-1]
        out = cls.srv.run_cli("open311-key", "add", "--db", cls.srv.db_path, "--org",
                              fcharness.FORCE, "--label", "force web form").stdout
        cls.force_key = out.strip().splitlines()[-1]
        cls.partner = cls.srv.login("partner")

    # ---- helpers ----

    def valid(self, doc, schema):
        errors = self.schemas.validate(doc, schema)
        self.assertEqual(errors, [], "%s: %s\n%s" % (schema, errors, json.dumps(doc)[:800]))

    def get(self, path, schema, root, status=200):
        """GETs path as .json and .xml; both validate and say the same. Returns the JSON."""
        rj = self.srv.request("GET", BASE + path.replace("{fmt}", "json"))
        self.assertEqual(rj.status, status, rj.text)
        self.assertTrue(rj.header("Content-Type").startswith("application/json"))
        doc = rj.json()
        self.valid(doc, schema)
        rx = self.srv.request("GET", BASE + path.replace("{fmt}", "xml"))
        self.assertEqual(rx.status, status, rx.text)
        xdoc = parse_xml(self, rx, root)
        self.valid(xdoc, schema)
        return doc, xdoc

    def post(self, fields, fmt="json"):
        body = urllib.parse.urlencode(fields).encode()
        return self.srv.request("POST", BASE + "/requests." + fmt, raw=body, headers={
            "Content-Type": "application/x-www-form-urlencoded; charset=utf-8"})

    def noise(self, **extra):
        f = {"api_key": self.key, "service_code": "ASB_NOISE", "lat": "52.634900",
             "long": "-1.131000", "address_string": "14 Granby Street, Leicester LE1 6EJ",
             "description": SECRET_TEXT, "attribute[NOISE_SOURCE]": "MUSIC",
             "attribute[NOISE_TIME]": "NIGHT"}
        f.update(REPORTER)
        f.update(extra)
        return f

    def assertOpen311Error(self, r, status, field_word, fmt="json"):
        self.assertEqual(r.status, status, r.text)
        if fmt == "json":
            doc = r.json()
        else:
            doc = parse_xml(self, r, "errors")
        self.valid(doc, "errors.schema.json")
        self.assertEqual(str(doc[0]["code"]), str(status))
        self.assertIn(field_word, doc[0]["description"])
        return doc

    def counts(self):
        return tuple(self.srv.count(t) for t in ("contact", "incident", "person",
                                                 "open311_request"))

    # ---- discovery and services ----

    def test_discovery_and_services_validate_in_both_formats(self):
        disc, xdisc = self.get("/discovery.{fmt}", "discovery.schema.json", "discovery")
        self.assertEqual(disc["endpoints"][0]["specification"],
                         "http://wiki.open311.org/GeoReport_v2")
        self.assertIn("text/xml", disc["endpoints"][0]["formats"])
        self.assertEqual(xdisc["endpoints"][0]["formats"], disc["endpoints"][0]["formats"])
        services, xservices = self.get("/services.{fmt}", "services.schema.json", "services")
        codes = [s["service_code"] for s in services]
        self.assertIn("ASB_NOISE", codes)
        self.assertEqual([s["service_code"] for s in xservices], codes)
        for s in services:
            d, xd = self.get("/services/%s.{fmt}" % s["service_code"],
                             "service-definition.schema.json", "service_definition")
            self.assertEqual(d["service_code"], s["service_code"])
            self.assertEqual(len(xd["attributes"]), len(d["attributes"]))
            self.assertEqual(s["metadata"], "true" if d["attributes"] else "false")
        noise, _ = self.get("/services/ASB_NOISE.{fmt}", "service-definition.schema.json",
                            "service_definition")
        by_code = {a["code"]: a for a in noise["attributes"]}
        self.assertEqual(by_code["NOISE_SOURCE"]["required"], "true")
        self.assertIn("MUSIC", [v["key"] for v in by_code["NOISE_SOURCE"]["values"]])
        self.assertEqual(by_code["SAFETY_NOTE"]["variable"], "false")
        self.assertEqual([a["order"] for a in noise["attributes"]],
                         list(range(1, len(noise["attributes"]) + 1)))
        self.assertIn("VEHICLE_REG", [a["code"] for a in self.get(
            "/services/ASB_VEHICLE.{fmt}", "service-definition.schema.json",
            "service_definition")[0]["attributes"]])

    # ---- posting, reading back, intake ----

    def test_noise_report_is_taken_like_a_call_and_read_back(self):
        r = self.post(self.noise())
        self.assertEqual(r.status, 200, r.text)
        doc = r.json()
        self.valid(doc, "post-service-request-response.schema.json")
        rid = doc[0]["service_request_id"]

        # the intake path: a contact on channel open311 with its labels, the incident
        conn = self.srv.db()
        try:
            row = conn.execute(
                "SELECT c.channel, c.caller_person_id, c.incident_id, c.match_snapshot, "
                "i.category, i.incident_type, i.status, i.org_id, o.name "
                "FROM open311_request r JOIN contact c ON c.id = r.contact_id "
                "JOIN incident i ON i.id = r.incident_id JOIN organisation o ON o.id = i.org_id "
                "WHERE r.id = ?", (int(rid),)).fetchone()
            labels = conn.execute("SELECT count(*) FROM contact_labels l JOIN open311_request r "
                                  "ON r.contact_id = l.contact_id WHERE r.id = ?",
                                  (int(rid),)).fetchone()[0]
        finally:
            conn.close()
        self.assertEqual(row["channel"], "open311")
        self.assertIsNotNone(row["caller_person_id"])
        self.assertEqual((row["category"], row["incident_type"], row["status"]),
                         ("nuisance", "noise", "open"))
        self.assertEqual(row["name"], fcharness.COUNCIL)
        self.assertEqual(labels, 1)
        self.assertEqual(json.loads(row["match_snapshot"])["decided_by"], "automatic")

        # read back: public, by id and in the list; nothing personal
        one, xone = self.get("/requests/%s.{fmt}" % rid, "service-requests.schema.json",
                             "service_requests")
        self.assertEqual(len(one), 1)
        self.assertEqual(one[0]["service_request_id"], rid)
        self.assertEqual(one[0]["status"], "open")
        self.assertEqual(xone[0]["status"], "open")
        self.assertEqual(one[0]["service_code"], "ASB_NOISE")
        listed, _ = self.get("/requests.{fmt}?service_code=ASB_NOISE", "service-requests.schema.json",
                             "service_requests")
        self.assertIn(rid, [x["service_request_id"] for x in listed])
        for path in ("/requests/%s.json" % rid, "/requests/%s.xml" % rid, "/requests.json",
                     "/requests.xml"):
            text = self.srv.request("GET", BASE + path).text
            for secret in list(REPORTER.values()) + [SECRET_TEXT, "Granby Street", "LE1 6EJ",
                                                     "900461"]:
                self.assertNotIn(secret, text, path)
        self.assertEqual(one[0]["zipcode"], "LE1")
        # the owning organisation's key gives its own request in full
        mine = self.srv.request("GET", BASE + "/requests/%s.json?api_key=%s" % (rid, self.key))
        self.valid(mine.json(), "service-requests.schema.json")
        self.assertEqual(mine.json()[0]["description"], SECRET_TEXT)
        self.assertEqual(mine.json()[0]["zipcode"], "LE1 6EJ")
        # another organisation's key does not
        other = self.srv.request("GET", BASE + "/requests/%s.json?api_key=%s"
                                 % (rid, self.force_key))
        self.assertNotIn(SECRET_TEXT, other.text)

    def test_xml_post_and_category_from_the_reporters_answer(self):
        f = self.noise(**{"attribute[AFFECTS]": "HOUSEHOLD", "first_name": "Xavier",
                          "attribute[report_url]": "https://fms.example.invalid/report/9",
                          "last_name": "Mlpost", "phone": "07700 900777",
                          "email": "xm@example.invalid"})
        r = self.post(f, fmt="xml")
        self.assertEqual(r.status, 200, r.text)
        doc = parse_xml(self, r, "service_requests")
        self.valid(doc, "post-service-request-response.schema.json")
        conn = self.srv.db()
        try:
            cat, raw = conn.execute(
                "SELECT i.category, c.raw_details FROM open311_request r JOIN incident i "
                "ON i.id = r.incident_id JOIN contact c ON c.id = r.contact_id WHERE r.id = ?",
                (int(doc[0]["service_request_id"]),)).fetchone()
        finally:
            conn.close()
        self.assertEqual(cat, "personal")
        # a client's own attribute (lower case) is kept with the details, not refused
        self.assertEqual(json.loads(raw)["client_attributes"],
                         {"report_url": "https://fms.example.invalid/report/9"})
        self.assertEqual(json.loads(raw)["attributes"]["AFFECTS"], "HOUSEHOLD")

    def test_a_known_vulnerable_caller_is_recognised_through_open311(self):
        handler = self.srv.login("handler")
        officer = self.srv.login("officer")
        r = handler.post("/api/v1/persons", {
            "names": [{"forename": "Winifred", "surname": "Oakenshaw"}],
            "phones": [{"number": "07700 900318"}]})
        self.assertEqual(r.status, 201, r.text)
        pid = r.json()["id"]
        r = officer.post("/api/v1/flags", {"person_id": pid, "kind": "vulnerable",
                                           "reason": "lives alone", "review_date": "2030-01-31"})
        self.assertEqual(r.status, 201, r.text)
        ids = []
        for i in range(2):
            if i:
                time.sleep(1.1)  # prior contacts are those received in an earlier second
            r = self.post(self.noise(first_name="Winifred", last_name="Oakenshaw",
                                     phone="07700900318", email=""))
            self.assertEqual(r.status, 200, r.text)
            ids.append(int(r.json()[0]["service_request_id"]))
        conn = self.srv.db()
        try:
            rows = conn.execute(
                "SELECT c.caller_person_id, l.is_vulnerable, l.prior_calls_12m, l.flags_in_force "
                "FROM open311_request r JOIN contact c ON c.id = r.contact_id "
                "JOIN contact_labels l ON l.contact_id = c.id WHERE r.id IN (?, ?) ORDER BY r.id",
                ids).fetchall()
        finally:
            conn.close()
        self.assertEqual([x["caller_person_id"] for x in rows], [pid, pid])
        self.assertEqual([x["is_vulnerable"] for x in rows], [1, 1])
        self.assertGreaterEqual(rows[0]["flags_in_force"], 1)
        # the second report counts the first: a repeat reporter, whatever the channel
        self.assertEqual(rows[1]["prior_calls_12m"], rows[0]["prior_calls_12m"] + 1)

    def test_updates_and_closure_flow_back(self):
        r = self.post(self.noise(first_name="Ulrika", last_name="Pdates", phone="07700900901",
                                 email="up@example.invalid"))
        self.assertEqual(r.status, 200, r.text)
        rid = r.json()[0]["service_request_id"]
        conn = self.srv.db()
        try:
            iid = conn.execute("SELECT incident_id FROM open311_request WHERE id = ?",
                               (int(rid),)).fetchone()[0]
        finally:
            conn.close()
        r = self.partner.post("/api/v1/incidents/%d/updates" % iid,
                              {"kind": "scheduled", "channel": "email",
                               "summary": "An officer visited the street."},
                              purpose="victim update")
        self.assertEqual(r.status, 201, r.text)
        r = self.partner.post("/api/v1/incidents/%d/close" % iid,
                              {"closure_code": "resolved_action_taken",
                               "outcome": "Noise abatement notice served."},
                              purpose="closing the report")
        self.assertEqual(r.status, 200, r.text)

        q = "?api_key=%s&start_date=2000-01-01T00:00:00Z&end_date=2000-02-01T00:00:00Z" % self.key
        r = self.srv.request("GET", BASE + "/servicerequestupdates.json" + q)
        self.assertEqual(r.status, 200, r.text)
        self.assertEqual(r.json(), [])  # outside the window
        ups, xups = self.get("/servicerequestupdates.{fmt}?api_key=%s" % self.key,
                             "service-request-updates.schema.json", "service_request_updates")
        mine = [u for u in ups if u["service_request_id"] == rid]
        self.assertEqual([u["status"] for u in mine], ["in_progress", "closed"])
        self.assertEqual(mine[0]["description"], "An officer visited the street.")
        self.assertEqual(mine[1]["description"], "Noise abatement notice served.")
        self.assertEqual(len({u["update_id"] for u in ups}), len(ups))
        self.assertEqual([u["update_id"] for u in xups], [u["update_id"] for u in ups])
        # the force's key sees none of the council's updates
        theirs = self.srv.request("GET", BASE + "/servicerequestupdates.json?api_key=%s"
                                  % self.force_key).json()
        self.assertNotIn(rid, [u["service_request_id"] for u in theirs])
        # status reads back closed, in the list filtered by status too
        one, _ = self.get("/requests/%s.{fmt}" % rid, "service-requests.schema.json",
                          "service_requests")
        self.assertEqual(one[0]["status"], "closed")
        self.assertGreaterEqual(one[0]["updated_datetime"], one[0]["requested_datetime"])
        closed, _ = self.get("/requests.{fmt}?status=closed", "service-requests.schema.json",
                             "service_requests")
        self.assertIn(rid, [x["service_request_id"] for x in closed])
        still_open, _ = self.get("/requests.{fmt}?status=open", "service-requests.schema.json",
                                 "service_requests")
        self.assertNotIn(rid, [x["service_request_id"] for x in still_open])
        # the updates feed needs a key
        self.assertOpen311Error(self.srv.request("GET", BASE + "/servicerequestupdates.xml"),
                                403, "api_key", fmt="xml")

    def test_a_comment_from_the_client_is_a_further_contact_once(self):
        r = self.post(self.noise(first_name="Cora", last_name="Mments", phone="07700900444",
                                 email="cm@example.invalid"))
        rid = r.json()[0]["service_request_id"]
        before = self.counts()
        form = {"api_key": self.key, "service_request_id": rid, "update_id": "fms-77",
                "status": "OPEN", "updated_datetime": "2026-03-02T21:14:07Z",
                "description": "Still going on tonight.", "first_name": "Cora",
                "last_name": "Mments", "email": "cm@example.invalid"}

        def send(fields, fmt="json"):
            return self.srv.request("POST", BASE + "/servicerequestupdates." + fmt,
                                    raw=urllib.parse.urlencode(fields).encode(), headers={
                                        "Content-Type": "application/x-www-form-urlencoded"})
        r = send(form)
        self.assertEqual(r.status, 200, r.text)
        self.valid(r.json(), "post-service-request-update-response.schema.json")
        first = r.json()[0]["update_id"]
        r = send(form, fmt="xml")  # the same update again: the same id, nothing written
        self.assertEqual(r.status, 200, r.text)
        doc = parse_xml(self, r, "service_request_updates")
        self.valid(doc, "post-service-request-update-response.schema.json")
        self.assertEqual(doc[0]["update_id"], first)
        after = self.counts()
        self.assertEqual(after[0], before[0] + 1)  # one more contact
        self.assertEqual(after[1:], before[1:])    # no incident, person or request
        conn = self.srv.db()
        try:
            rows = conn.execute(
                "SELECT c.channel, c.caller_person_id FROM contact c JOIN open311_request r "
                "ON r.incident_id = c.incident_id WHERE r.id = ? ORDER BY c.id",
                (int(rid),)).fetchall()
        finally:
            conn.close()
        self.assertEqual(len(rows), 2)
        self.assertEqual({x["channel"] for x in rows}, {"open311"})
        self.assertEqual(rows[0]["caller_person_id"], rows[1]["caller_person_id"])
        # errors: another organisation's request, a bad status, a missing field, no key
        other = dict(form, api_key=self.force_key, update_id="fms-78")
        self.assertOpen311Error(send(other), 404, "service_request_id")
        self.assertOpen311Error(send(dict(form, status="MAYBE", update_id="fms-79")), 400,
                                "status")
        self.assertOpen311Error(send({k: v for k, v in form.items()
                                      if k != "updated_datetime"}), 400, "updated_datetime")
        self.assertOpen311Error(send({k: v for k, v in form.items() if k != "api_key"}, "xml"),
                                403, "api_key", fmt="xml")
        self.assertEqual(self.counts(), after)

    # ---- errors ----

    def test_bad_input_gets_open311_errors_and_writes_nothing(self):
        before = self.counts()
        cases = [
            (self.noise(api_key="not-a-key"), 403, "api_key"),
            ({k: v for k, v in self.noise().items() if k != "api_key"}, 403, "api_key"),
            (self.noise(service_code="ASB_NOPE"), 400, "service_code"),
            ({k: v for k, v in self.noise().items() if k != "service_code"}, 400,
             "service_code"),
            ({k: v for k, v in self.noise().items() if k != "attribute[NOISE_SOURCE]"}, 400,
             "attribute[NOISE_SOURCE]"),
            (self.noise(**{"attribute[NOISE_SOURCE]": "BAGPIPES"}), 400,
             "attribute[NOISE_SOURCE]"),
            (self.noise(**{"attribute[SHOE_SIZE]": "9"}), 400, "attribute[SHOE_SIZE]"),
            (self.noise(**{"attribute[STARTED]": "yesterday"}), 400, "attribute[STARTED]"),
            (self.noise(lat="91.5"), 400, "lat"),
            (self.noise(long=""), 400, "long"),
            ({k: v for k, v in self.noise().items()
              if k not in ("lat", "long", "address_string")}, 400, "address_string"),
            (self.noise(phone="not a phone"), 400, "phone"),
            (self.noise(email="nobody"), 400, "email"),
            (self.noise(description="x" * 4001), 400, "description"),
        ]
        for fields, status, word in cases:
            for fmt in ("json", "xml"):
                r = self.post(fields, fmt=fmt)
                self.assertOpen311Error(r, status, word, fmt=fmt)
        # not a form
        r = self.srv.request("POST", BASE + "/requests.json", raw=b'{"service_code":"x"}',
                             headers={"Content-Type": "application/json"})
        self.assertOpen311Error(r, 400, "Content-Type")
        self.assertEqual(self.counts(), before)
        # unknown resources and methods, before any handler: still Open311 errors
        self.assertOpen311Error(self.srv.request("GET", BASE + "/services/NOPE.json"), 404,
                                "service_code")
        self.assertOpen311Error(self.srv.request("GET", BASE + "/requests/999999.xml"), 404,
                                "service_request_id", fmt="xml")
        self.assertOpen311Error(self.srv.request("GET", BASE + "/requests/abc.json"), 404,
                                "service_request_id")
        self.assertEqual(self.srv.request("GET", BASE + "/nothing.xml").status, 404)
        parse_xml(self, self.srv.request("GET", BASE + "/nothing.xml"), "errors")
        r = self.srv.request("DELETE", BASE + "/services.json")
        self.assertEqual(r.status, 405, r.text)
        self.valid(r.json(), "errors.schema.json")

    def test_request_list_filters(self):
        r = self.post(self.noise(first_name="Fil", last_name="Ters", phone="07700900222",
                                 email="ft@example.invalid"))
        rid = r.json()[0]["service_request_id"]
        got, _ = self.get("/requests.{fmt}?service_request_id=%s,999999" % rid,
                          "service-requests.schema.json", "service_requests")
        self.assertEqual([x["service_request_id"] for x in got], [rid])
        none, _ = self.get("/requests.{fmt}?service_code=ASB_GRAFFITI,ASB_FLYTIP",
                           "service-requests.schema.json", "service_requests")
        self.assertNotIn(rid, [x["service_request_id"] for x in none])
        old, _ = self.get("/requests.{fmt}?start_date=2001-01-01T00:00:00Z"
                          "&end_date=2001-03-01T00:00:00%2B01:00",
                          "service-requests.schema.json", "service_requests")
        self.assertEqual(old, [])
        for query, word in (("start_date=2001-01-01T00:00:00Z&end_date=2001-06-01T00:00:00Z",
                             "90 days"),
                            ("start_date=yesterday", "start_date"),
                            ("status=pending", "status"),
                            ("service_request_id=abc", "service_request_id")):
            self.assertOpen311Error(self.srv.request("GET", BASE + "/requests.json?" + query),
                                    400, word)

    def test_a_revoked_key_is_refused(self):
        out = self.srv.run_cli("open311-key", "add", "--db", self.srv.db_path, "--org",
                               fcharness.COUNCIL, "--label", "to revoke").stdout
        key = out.strip().splitlines()[-1]
        kid = out.split()[2]
        r = self.post(self.noise(api_key=key, first_name="Rev", last_name="Oked",
                                 phone="07700900333", email="ro@example.invalid"))
        self.assertEqual(r.status, 200, r.text)
        listed = self.srv.run_cli("open311-key", "list", "--db", self.srv.db_path).stdout
        self.assertIn("to revoke", listed)
        self.assertNotIn(key, listed)  # only the hash is stored
        self.srv.run_cli("open311-key", "revoke", "--db", self.srv.db_path, "--id", kid)
        self.assertOpen311Error(self.post(self.noise(api_key=key)), 403, "api_key")
        conn = self.srv.db()
        try:
            self.assertEqual(conn.execute("SELECT count(*) FROM open311_key WHERE key_hash = ?",
                                          (key.encode(),)).fetchone()[0], 0)
        finally:
            conn.close()


if __name__ == "__main__":
    fcharness.main()
