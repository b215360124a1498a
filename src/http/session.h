/*
 * http/session.h: session tokens, the session check on every request, and CSRF.
 *
 * A token is 32 random bytes (libsodium) in base64url, 43 characters. The client holds it
 * as a Bearer token or in the HttpOnly, SameSite=Strict cookie `fc_session`; the store
 * holds only its BLAKE2b-256 hash, so a copy of the database signs no one in. Sessions end
 * at logout, after `session_idle_min` without use, or `session_max_hours` after sign-in,
 * whichever is first. Requests authenticated by the cookie must repeat the session's CSRF
 * token in X-CSRF-Token (or, for HTML forms, the csrf_token field) for every unsafe method; Bearer requests need not (a browser never
 * sends the header by itself). Thread-safe: state is in the store.
 */
#ifndef FC_HTTP_SESSION_H
#define FC_HTTP_SESSION_H

#include "http/http.h"

#define HTTP_SESSION_COOKIE  "fc_session"
#define HTTP_TOKEN_CHARS     43
#define HTTP_CSRF_HEADER     "X-CSRF-Token"
#define HTTP_CSRF_FIELD      "csrf_token" /* the same token as an HTML form field */

/* BLAKE2b-256 of the token text. */
void http_session_token_hash(const char *token, unsigned char out[32]);

/* A fresh random token (HTTP_TOKEN_CHARS + NUL). */
void http_session_token_new(char out[HTTP_TOKEN_CHARS + 1]);

/* The token the request carries (Bearer header first, then the cookie), or NULL. */
const char *http_session_token_of(const struct http_req *req, bool *is_cookie);

/*
 * Creates a session for user u, writes its hash to the store and gives the token in
 * token_out and the record in *out.
 */
int http_session_start(struct http_req *req, const struct user *u,
                       char token_out[HTTP_TOKEN_CHARS + 1], struct session *out);

/* Checks the request's session and fills req->auth; FC_EAUTH (401) when absent or expired. */
int http_session_authenticate(struct http_req *req);

/* For cookie-authenticated unsafe methods: the X-CSRF-Token header must match. */
int http_session_check_csrf(struct http_req *req);

/* The Set-Cookie value that carries (or, with token NULL, clears) the session cookie. */
const char *http_session_cookie(struct http_req *req, const char *token, long max_age_s);

#endif
