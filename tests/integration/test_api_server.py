"""Server lifecycle: health, readiness, static files, logs, graceful shutdown (issue 2 part 5).

On SIGTERM the server must stop accepting, let requests in flight finish (and be
acknowledged only once stored), and exit 0.
"""

import json
import os
import re
import socket
import threading
import time
import unittest

import fcharness


class ServerTest(fcharness.ServerTestCase):
    users = {"handler": fcharness.DEFAULT_USERS["handler"]}

    def test_healthz_and_readyz(self):
        r = self.srv.request("GET", "/healthz")
        self.assertEqual((r.status, r.json()), (200, {"status": "ok"}))
        r = self.srv.request("GET", "/readyz")
        self.assertEqual(r.status, 200, r.text)
        self.assertEqual(r.json()["status"], "ready")

    def test_static_files_are_embedded_and_cacheable(self):
        r = self.srv.request("GET", "/static/css/app.css")
        self.assertEqual(r.status, 200)
        self.assertTrue(r.header("Content-Type").startswith("text/css"))
        with open(os.path.join(os.environ.get("FC_SOURCE_DIR", "../.."), "web", "static", "css",
                               "app.css"), "rb") as f:
            self.assertEqual(r.body, f.read())
        self.assertIn("max-age", r.header("Cache-Control"))
        self.assertEqual(self.srv.request("GET", "/static/nope.css").status, 404)
        self.assertEqual(self.srv.request("GET", "/static/.hidden").status, 404)

    def test_request_log_has_one_line_per_request_without_personal_data(self):
        s = self.srv.login("handler")
        marker = "Zebedee-Quintavalle"
        r = s.post("/api/v1/persons", {"names": [{"forename": "Xanthe", "surname": marker}],
                                       "phones": [{"number": "07700 900321"}]},
                   headers={"X-Request-Id": "log-check-1"})
        self.assertEqual(r.status, 201)
        s.get("/api/v1/persons?surname=" + marker, purpose="log check",
              headers={"X-Request-Id": "log-check-2"})
        time.sleep(0.2)
        log = self.srv.log_text()
        for rid in ("log-check-1", "log-check-2"):
            lines = [l for l in log.splitlines() if "event=http.request" in l and "req=%s " % rid in l]
            self.assertEqual(len(lines), 1, rid)
            self.assertRegex(lines[0], r"status=\d{3} ms=[0-9.]+ user=\d+")
        for secret in (marker, "Xanthe", "07700", "900321", s.token):
            self.assertNotIn(secret, log)


class ShutdownTest(unittest.TestCase):
    def test_sigterm_lets_a_request_in_flight_finish(self):
        srv = fcharness.Server(users={"handler": fcharness.DEFAULT_USERS["handler"]})
        srv.start()
        try:
            s = srv.login("handler")
            body = json.dumps({"names": [{"forename": "Inflight", "surname": "Finisher"}]}).encode()
            sock = socket.create_connection(("127.0.0.1", srv.port), timeout=20)
            head = ("POST /api/v1/persons HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\n"
                    "Content-Type: application/json\r\nContent-Length: %d\r\n"
                    "Connection: close\r\n\r\n" % (s.token, len(body))).encode()
            # send the headers and half the body, then ask the server to stop
            sock.sendall(head + body[:10])
            time.sleep(0.3)
            srv.proc.send_signal(__import__("signal").SIGTERM)
            time.sleep(0.3)
            self.assertIsNone(srv.proc.poll(), "server quit with a request in flight")
            # new connections are refused once it stops accepting
            with self.assertRaises(OSError):
                socket.create_connection(("127.0.0.1", srv.port), timeout=2).close()
            sock.sendall(body[10:])
            data = b""
            while True:
                chunk = sock.recv(65536)
                if not chunk:
                    break
                data += chunk
            sock.close()
            self.assertTrue(data.startswith(b"HTTP/1.1 201"), data[:200])
            self.assertEqual(srv.proc.wait(timeout=20), 0)
            # what was acknowledged is stored
            self.assertEqual(srv.count("person_name", "surname = 'Finisher'"), 1)
        finally:
            srv.stop(check=False)


if __name__ == "__main__":
    fcharness.main()
