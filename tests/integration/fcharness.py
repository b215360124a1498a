"""Test harness: a real `firstcontact serve` on an ephemeral port over a temporary store.

Python standard library only. Typical use:

    import fcharness

    with fcharness.Server() as srv:
        s = srv.login("handler")             # a Session with a Bearer token
        r = s.post("/api/v1/persons", {...})  # a Response: .status, .headers, .json()
        assert r.status == 201, r.text

On start the harness creates a temporary directory, runs `FC_BIN migrate` and
`FC_BIN user add` for each user, starts `FC_BIN serve --listen 127.0.0.1:0`, reads the
port from its `listening on http://HOST:PORT` line and waits for /healthz. On exit it
sends SIGTERM and fails unless the server exits 0 within the timeout. The server's log
(stderr) is kept in srv.log_text() for tests that check what is (not) logged.

Environment: FC_BIN (the binary; required), FC_KEEP_TMP=1 keeps the directory.
"""

import http.client
import json
import os
import shutil
import signal
import sqlite3
import subprocess
import tempfile
import time
import unittest

PASSWORD = "correct horse battery staple"
FORCE = "Leicestershire Police"
COUNCIL = "Leicester City Council"

# name: (organisation, organisation kind, role)
DEFAULT_USERS = {
    "handler": (FORCE, "force", "call_handler"),
    "officer": (FORCE, "force", "officer"),
    "supervisor": (FORCE, "force", "supervisor"),
    "analyst": (FORCE, "force", "analyst"),
    "admin": (FORCE, "force", "admin"),
    "partner": (COUNCIL, "city_council", "partner_officer"),
}


class Response:
    def __init__(self, status, headers, body):
        self.status = status
        self.headers = headers  # dict, lower-case names
        self.body = body        # bytes

    @property
    def text(self):
        return self.body.decode("utf-8", "replace")

    def json(self):
        return json.loads(self.body.decode("utf-8"))

    def header(self, name):
        return self.headers.get(name.lower())

    def __repr__(self):
        return "<Response %d %s>" % (self.status, self.text[:300])


class Server:
    def __init__(self, users=None, settings=None, bin_path=None, timeout_s=20):
        self.bin = bin_path or os.environ.get("FC_BIN")
        if not self.bin:
            raise RuntimeError("FC_BIN must name the firstcontact binary")
        self.users = DEFAULT_USERS if users is None else users
        self.settings = settings or {}
        self.timeout_s = timeout_s
        self.tmp = None
        self.proc = None
        self.port = None
        self.exit_code = None

    # ---- lifecycle ----

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, exc_type, exc, tb):
        self.stop(check=exc_type is None)

    @property
    def db_path(self):
        return os.path.join(self.tmp, "fc.db")

    def run_cli(self, *args, stdin=None, check=True):
        """Runs a firstcontact subcommand against this server's store."""
        cmd = [self.bin] + list(args)
        p = subprocess.run(cmd, input=stdin, capture_output=True, text=True,
                           timeout=self.timeout_s * 3)
        if check and p.returncode != 0:
            raise RuntimeError("%s failed (%d): %s" % (" ".join(args), p.returncode, p.stderr))
        return p

    def add_user(self, username, org, org_kind, role, password=PASSWORD):
        self.run_cli("user", "add", "--db", self.db_path, "--org", org, "--create-org",
                     org_kind, "--username", username, "--role", role, "--password-stdin",
                     stdin=password + "\n")

    def start(self):
        self.tmp = tempfile.mkdtemp(prefix="fc-it-")
        self.run_cli("migrate", "--db", self.db_path)
        for name, (org, kind, role) in self.users.items():
            self.add_user(name, org, kind, role)
        self._spawn()

    def _spawn(self):
        args = [self.bin, "serve", "--db", self.db_path, "--listen", "127.0.0.1:0"]
        for k, v in self.settings.items():
            args += ["--set", "%s=%s" % (k, v)]
        self._out = open(os.path.join(self.tmp, "serve.out"), "w+")
        self._err = open(os.path.join(self.tmp, "serve.log"), "a+")
        self.proc = subprocess.Popen(args, stdout=self._out, stderr=self._err)
        self.port = self._read_port()
        self._wait_healthy()

    def _read_port(self):
        deadline = time.monotonic() + self.timeout_s
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError("server exited (%d) before listening:\n%s"
                                   % (self.proc.returncode, self.log_text()))
            with open(self._out.name) as f:
                for line in f:
                    if line.startswith("listening on http://"):
                        return int(line.strip().rsplit(":", 1)[1])
            time.sleep(0.02)
        raise RuntimeError("no `listening on` line within %ds" % self.timeout_s)

    def _wait_healthy(self):
        deadline = time.monotonic() + self.timeout_s
        while time.monotonic() < deadline:
            try:
                if self.request("GET", "/healthz").status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.05)
        raise RuntimeError("/healthz did not answer within %ds" % self.timeout_s)

    def terminate(self):
        """Sends SIGTERM and waits; returns the exit status."""
        self.proc.send_signal(signal.SIGTERM)
        self.exit_code = self.proc.wait(timeout=self.timeout_s)
        return self.exit_code

    def restart(self):
        """Stops with SIGTERM (checking a clean exit) and starts again on the same store."""
        code = self.terminate()
        if code != 0:
            raise AssertionError("server exited %d on SIGTERM:\n%s" % (code, self.log_text()))
        self._out.close()
        self._err.close()
        self._spawn()

    def stop(self, check=True):
        try:
            if self.proc is not None and self.proc.poll() is None:
                code = self.terminate()
                if check and code != 0:
                    raise AssertionError("server exited %d on SIGTERM:\n%s"
                                         % (code, self.log_text()))
            elif self.proc is not None and check and self.proc.returncode != 0:
                raise AssertionError("server had exited %d:\n%s"
                                     % (self.proc.returncode, self.log_text()))
        finally:
            if self.proc is not None and self.proc.poll() is None:
                self.proc.kill()
                self.proc.wait()
            for f in (getattr(self, "_out", None), getattr(self, "_err", None)):
                if f is not None:
                    f.close()
            if self.tmp and not os.environ.get("FC_KEEP_TMP"):
                shutil.rmtree(self.tmp, ignore_errors=True)

    def log_text(self):
        try:
            with open(os.path.join(self.tmp, "serve.log"), errors="replace") as f:
                return f.read()
        except OSError:
            return ""

    # ---- HTTP ----

    def connection(self):
        return http.client.HTTPConnection("127.0.0.1", self.port, timeout=self.timeout_s)

    def request(self, method, path, body=None, headers=None, token=None, raw=None):
        """One request on a fresh connection. body is JSON-encoded; raw is sent as is."""
        hdrs = dict(headers or {})
        data = raw
        if body is not None:
            data = json.dumps(body).encode("utf-8")
            hdrs.setdefault("Content-Type", "application/json")
        elif raw is not None:
            hdrs.setdefault("Content-Type", "application/json")
        if token is not None:
            hdrs["Authorization"] = "Bearer " + token
        conn = self.connection()
        try:
            try:
                conn.request(method, path, body=data, headers=hdrs)
            except (BrokenPipeError, ConnectionResetError):
                # The server answered before reading the whole body (413) and closed; the
                # answer is still waiting in the socket.
                pass
            r = conn.getresponse()
            out = Response(r.status, {k.lower(): v for k, v in r.getheaders()}, r.read())
        finally:
            conn.close()
        return out

    def login(self, username, password=PASSWORD):
        r = self.request("POST", "/api/v1/login", {"username": username, "password": password})
        if r.status != 200:
            raise AssertionError("login %s failed: %r" % (username, r))
        return Session(self, r)

    # ---- the store, read directly (for checking what was or was not written) ----

    def db(self):
        conn = sqlite3.connect(self.db_path, timeout=10)
        conn.row_factory = sqlite3.Row
        return conn

    def count(self, table, where="1=1", params=()):
        conn = self.db()
        try:
            return conn.execute("SELECT count(*) FROM %s WHERE %s" % (table, where),
                                params).fetchone()[0]
        finally:
            conn.close()

    def execute(self, sql, params=()):
        """Runs one statement on the store (tests use it to age sessions, for example)."""
        conn = self.db()
        try:
            with conn:
                conn.execute(sql, params)
        finally:
            conn.close()


class Session:
    """A signed-in user: Bearer token by default; cookie=True sends the cookie instead."""

    def __init__(self, server, login_response):
        self.server = server
        doc = login_response.json()
        self.token = doc["token"]
        self.csrf = doc["csrf_token"]
        self.user = doc["user"]
        cookie = login_response.header("Set-Cookie") or ""
        self.cookie = cookie.split(";", 1)[0]

    def request(self, method, path, body=None, headers=None, raw=None, cookie=False,
                csrf=True, purpose=None):
        hdrs = dict(headers or {})
        if purpose is not None:
            hdrs["X-Purpose"] = purpose
        if cookie:
            hdrs["Cookie"] = self.cookie
            if csrf:
                hdrs["X-CSRF-Token"] = self.csrf
            return self.server.request(method, path, body=body, headers=hdrs, raw=raw)
        return self.server.request(method, path, body=body, headers=hdrs, raw=raw,
                                   token=self.token)

    def get(self, path, **kw):
        return self.request("GET", path, **kw)

    def post(self, path, body=None, **kw):
        return self.request("POST", path, body=body, **kw)

    def patch(self, path, body=None, **kw):
        return self.request("PATCH", path, body=body, **kw)


class ServerTestCase(unittest.TestCase):
    """One server for the whole class: cls.srv, and sessions via cls.srv.login()."""

    users = None
    settings = None

    @classmethod
    def setUpClass(cls):
        cls.srv = Server(users=cls.users, settings=cls.settings)
        cls.srv.start()

    @classmethod
    def tearDownClass(cls):
        cls.srv.stop()

    def assertProblem(self, r, status, field=None):
        """r is an RFC 9457 problem with this status (and field, when given)."""
        self.assertEqual(r.status, status, r.text)
        self.assertTrue(r.header("Content-Type").startswith("application/problem+json"),
                        r.header("Content-Type"))
        doc = r.json()
        for k in ("type", "title", "status", "detail"):
            self.assertIn(k, doc)
        self.assertEqual(doc["status"], status)
        if field is not None:
            self.assertEqual(doc.get("field"), field, r.text)
        return doc


def main():
    unittest.main(verbosity=2)
