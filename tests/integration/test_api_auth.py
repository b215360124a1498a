"""Sign-in, sessions, roles and CSRF over real HTTP (issue 2 part 6, issue 8 part 3)."""

import time
import unittest

import fcharness
from fcharness import PASSWORD


class AuthTest(fcharness.ServerTestCase):
    def test_login_returns_token_cookie_and_csrf(self):
        r = self.srv.request("POST", "/api/v1/login", {"username": "handler", "password": PASSWORD})
        self.assertEqual(r.status, 200, r.text)
        doc = r.json()
        self.assertEqual(doc["token_type"], "Bearer")
        self.assertEqual(len(doc["token"]), 43)
        self.assertEqual(doc["user"]["role"], "call_handler")
        self.assertNotIn("password_hash", doc["user"])
        cookie = r.header("Set-Cookie")
        self.assertIn("fc_session=" + doc["token"], cookie)
        self.assertIn("HttpOnly", cookie)
        self.assertIn("SameSite=Strict", cookie)
        self.assertNotIn("Secure", cookie)  # no TLS in this test
        # the store keeps only a hash of the token
        conn = self.srv.db()
        try:
            hashes = [bytes(row[0]) for row in conn.execute("SELECT token_hash FROM session")]
        finally:
            conn.close()
        self.assertTrue(hashes)
        self.assertFalse(any(doc["token"].encode() in h for h in hashes))
        me = self.srv.request("GET", "/api/v1/me", token=doc["token"])
        self.assertEqual(me.status, 200, me.text)
        self.assertEqual(me.json()["user"]["username"], "handler")
        self.assertEqual(me.json()["csrf_token"], doc["csrf_token"])

    def test_wrong_password_and_unknown_user_get_the_same_answer(self):
        a = self.srv.request("POST", "/api/v1/login", {"username": "officer", "password": "nope-nope-nope"})
        b = self.srv.request("POST", "/api/v1/login", {"username": "nobody", "password": "nope-nope-nope"})
        self.assertProblem(a, 401)
        self.assertProblem(b, 401)
        self.assertEqual(a.json()["detail"], b.json()["detail"])
        self.assertIn("Bearer", a.header("WWW-Authenticate"))

    def test_login_body_is_validated(self):
        self.assertProblem(self.srv.request("POST", "/api/v1/login", {"username": "handler"}),
                           422, "password")
        self.assertProblem(self.srv.request("POST", "/api/v1/login",
                                            {"username": "handler", "password": PASSWORD, "role": "admin"}),
                           422, "role")
        self.assertProblem(self.srv.request("POST", "/api/v1/login", raw=b"{nope"), 400)

    def test_missing_or_bogus_session_is_401(self):
        self.assertProblem(self.srv.request("GET", "/api/v1/me"), 401)
        self.assertProblem(self.srv.request("GET", "/api/v1/me", token="x" * 43), 401)
        self.assertProblem(self.srv.request("GET", "/api/v1/persons?surname=Smith", token="short"), 401)
        self.assertProblem(self.srv.request("GET", "/api/v1/me",
                                            headers={"Cookie": "fc_session=" + "A" * 43}), 401)

    def test_logout_ends_the_session(self):
        s = self.srv.login("officer")
        self.assertEqual(s.get("/api/v1/me").status, 200)
        r = s.post("/api/v1/logout")
        self.assertEqual(r.status, 204, r.text)
        self.assertIn("Max-Age=0", r.header("Set-Cookie"))
        self.assertProblem(s.get("/api/v1/me"), 401)

    def test_idle_session_expires(self):
        s = self.srv.login("supervisor")
        self.assertEqual(s.get("/api/v1/me").status, 200)
        # age the session past the idle limit (30 minutes by default)
        self.srv.execute("UPDATE session SET last_seen_at = last_seen_at - 3600 WHERE user_id = ?",
                         (s.user["id"],))
        r = s.get("/api/v1/me")
        self.assertProblem(r, 401)
        self.assertIn("expired", r.json()["detail"])
        self.assertEqual(self.srv.count("session", "user_id = ?", (s.user["id"],)), 0)

    def test_absolute_expiry_ends_an_active_session(self):
        s = self.srv.login("analyst")
        now = int(time.time())
        self.srv.execute("UPDATE session SET expires_at = ?, created_at = ? WHERE user_id = ?",
                         (now - 1, now - 100, s.user["id"]))
        self.assertProblem(s.get("/api/v1/me"), 401)

    def test_login_rotates_the_session_the_client_held(self):
        first = self.srv.login("partner")
        r = self.srv.request("POST", "/api/v1/login", {"username": "partner", "password": PASSWORD},
                             headers={"Cookie": first.cookie})
        self.assertEqual(r.status, 200)
        self.assertNotEqual(r.json()["token"], first.token)
        self.assertProblem(first.get("/api/v1/me"), 401)
        self.assertEqual(self.srv.request("GET", "/api/v1/me", token=r.json()["token"]).status, 200)

    def test_wrong_role_is_403(self):
        admin = self.srv.login("admin")
        r = admin.get("/api/v1/persons?surname=Smith", purpose="audit check")
        self.assertProblem(r, 403)
        self.assertIn("admin", r.json()["detail"])
        handler = self.srv.login("handler")
        self.assertProblem(handler.post("/api/v1/flags", {"person_id": 1, "kind": "vulnerable"}), 403)
        analyst = self.srv.login("analyst")
        self.assertProblem(analyst.post("/api/v1/lookup", {"surname": "Smith"}), 403)

    def test_cookie_auth_needs_csrf_token_on_unsafe_methods(self):
        s = self.srv.login("officer")
        before = self.srv.count("person")
        body = {"names": [{"forename": "Ada", "surname": "Csrf"}]}
        r = s.post("/api/v1/persons", body, cookie=True, csrf=False)
        self.assertProblem(r, 403, "X-CSRF-Token")
        r = s.post("/api/v1/persons", body, cookie=True, headers={"X-CSRF-Token": "A" * 43}, csrf=False)
        self.assertProblem(r, 403, "X-CSRF-Token")
        self.assertEqual(self.srv.count("person"), before)
        # reads need none; a correct token lets the write through
        self.assertEqual(s.get("/api/v1/me", cookie=True, csrf=False).status, 200)
        r = s.post("/api/v1/persons", body, cookie=True)
        self.assertEqual(r.status, 201, r.text)
        # Bearer clients need no CSRF token
        self.assertEqual(s.post("/api/v1/persons", body).status, 201)
        # an HTML form may carry it as the csrf_token field: CSRF passes, then the
        # JSON endpoint refuses the form body (415), writing nothing
        form = ("surname=x&csrf_token=" + s.csrf).encode()
        r = s.post("/api/v1/persons", raw=form, cookie=True, csrf=False,
                   headers={"Content-Type": "application/x-www-form-urlencoded"})
        self.assertProblem(r, 415, "Content-Type")
        r = s.post("/api/v1/persons", raw=b"csrf_token=wrong", cookie=True, csrf=False,
                   headers={"Content-Type": "application/x-www-form-urlencoded"})
        self.assertProblem(r, 403, "X-CSRF-Token")

    def test_security_headers_on_every_response(self):
        for r in (self.srv.request("GET", "/healthz"),
                  self.srv.request("GET", "/nope"),
                  self.srv.request("GET", "/api/v1/me"),
                  self.srv.request("GET", "/static/css/app.css")):
            self.assertIn("default-src 'self'", r.header("Content-Security-Policy"))
            self.assertEqual(r.header("X-Content-Type-Options"), "nosniff")
            self.assertEqual(r.header("X-Frame-Options"), "DENY")
            self.assertEqual(r.header("Referrer-Policy"), "no-referrer")
            self.assertTrue(r.header("X-Request-Id"))
        self.assertEqual(self.srv.request("GET", "/api/v1/me").header("Cache-Control"), "no-store")

    def test_request_id_is_echoed_when_well_formed(self):
        r = self.srv.request("GET", "/healthz", headers={"X-Request-Id": "abc-123"})
        self.assertEqual(r.header("X-Request-Id"), "abc-123")
        r = self.srv.request("GET", "/healthz", headers={"X-Request-Id": "bad id\u00e9".encode().decode("latin-1")})
        self.assertNotEqual(r.header("X-Request-Id"), "bad id")


class LockoutTest(fcharness.ServerTestCase):
    users = {"victim": fcharness.DEFAULT_USERS["officer"], "other": fcharness.DEFAULT_USERS["handler"]}

    def test_repeated_failures_lock_the_username_with_backoff(self):
        for _ in range(4):
            self.assertProblem(self.srv.request("POST", "/api/v1/login",
                                                {"username": "victim", "password": "wrong-password"}), 401)
        self.assertProblem(self.srv.request("POST", "/api/v1/login",
                                            {"username": "victim", "password": "wrong-password"}), 401)
        r = self.srv.request("POST", "/api/v1/login", {"username": "victim", "password": PASSWORD})
        self.assertProblem(r, 429)
        self.assertGreater(int(r.header("Retry-After")), 0)
        # another account from the same address is not locked (the address limit is higher)
        self.assertEqual(self.srv.request("POST", "/api/v1/login",
                                          {"username": "other", "password": PASSWORD}).status, 200)
        # failed attempts were audited against the account
        self.assertGreaterEqual(self.srv.count("audit_event", "action = 'login' AND detail = 'failed'"), 5)


class ProxyAddressTest(fcharness.ServerTestCase):
    users = {"real": fcharness.DEFAULT_USERS["officer"]}
    settings = {"trust_proxy": "true"}

    def login_from(self, ip, username, password):
        return self.srv.request("POST", "/api/v1/login", {"username": username, "password": password},
                                headers={"X-Real-IP": ip})

    def test_address_limit_uses_the_proxy_supplied_address(self):
        for i in range(20):  # twenty different unknown usernames from one address
            self.assertProblem(self.login_from("192.0.2.7", "nobody%d" % i, "wrong-password"), 401)
        self.assertProblem(self.login_from("192.0.2.7", "real", PASSWORD), 429)
        # the same proxy, another client address: not locked
        self.assertEqual(self.login_from("198.51.100.9", "real", PASSWORD).status, 200)


if __name__ == "__main__":
    fcharness.main()
