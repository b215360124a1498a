/* http/session.c: see session.h. */
#include "http/session.h"

#include <sodium.h>
#include <string.h>
#include <strings.h>

#include "store/store.h"
#include "util/log.h"

/* Touching the session row costs a durable write; idle expiry is counted in minutes, so
 * one touch a minute keeps it exact enough. */
#define SESSION_TOUCH_EVERY_S 60

void http_session_token_hash(const char *token, unsigned char out[32])
{
    crypto_generichash(out, 32, (const unsigned char *)token, strlen(token), NULL, 0);
}

void http_session_token_new(char out[HTTP_TOKEN_CHARS + 1])
{
    unsigned char raw[32];
    randombytes_buf(raw, sizeof(raw));
    sodium_bin2base64(out, HTTP_TOKEN_CHARS + 1, raw, sizeof(raw),
                      sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    sodium_memzero(raw, sizeof(raw));
}

static bool token_is_well_formed(const char *t, size_t len)
{
    if (len != HTTP_TOKEN_CHARS)
        return false;
    for (size_t i = 0; i < len; i++) {
        char c = t[i];
        if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
              c == '-' || c == '_'))
            return false;
    }
    return true;
}

/* Finds `name=` in a Cookie header and copies its value into the arena. */
static const char *cookie_value(struct arena *a, const char *header, const char *name)
{
    size_t nlen = strlen(name);
    const char *p = header;
    while (p != NULL && *p != '\0') {
        while (*p == ' ' || *p == ';')
            p++;
        const char *end = strchr(p, ';');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        if (len > nlen && strncmp(p, name, nlen) == 0 && p[nlen] == '=')
            return arena_strndup(a, p + nlen + 1, len - nlen - 1);
        p = end;
    }
    return NULL;
}

const char *http_session_token_of(const struct http_req *req, bool *is_cookie)
{
    const char *auth = http_req_header(req, "Authorization");
    *is_cookie = false;
    if (auth != NULL && strncasecmp(auth, "Bearer ", 7) == 0) {
        const char *t = auth + 7;
        while (*t == ' ')
            t++;
        return t;
    }
    const char *cookie = http_req_header(req, "Cookie");
    if (cookie == NULL)
        return NULL;
    const char *t = cookie_value(req->arena, cookie, HTTP_SESSION_COOKIE);
    if (t != NULL)
        *is_cookie = true;
    return t;
}

int http_session_start(struct http_req *req, const struct user *u,
                       char token_out[HTTP_TOKEN_CHARS + 1], struct session *out)
{
    struct http_options *opt = &req->app->opt;
    unsigned char raw[32];

    memset(out, 0, sizeof(*out));
    http_session_token_new(token_out);
    http_session_token_hash(token_out, out->token_hash);
    randombytes_buf(raw, sizeof(raw));
    sodium_bin2base64(out->csrf, sizeof(out->csrf), raw, sizeof(raw),
                      sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    out->user_id = u->id;
    out->created_at = req->now;
    out->last_seen_at = req->now;
    out->expires_at = req->now + (fc_time_t)opt->session_max_hours * 3600;
    return req->app->store->ops->session_insert(req->app->store, out, &req->err);
}

static int deny(struct http_req *req, const char *msg)
{
    return err_set(&req->err, FC_EAUTH, "", "%s", msg);
}

int http_session_authenticate(struct http_req *req)
{
    struct store *st = req->app->store;
    struct http_auth *auth = &req->auth;
    unsigned char hash[32];
    struct fc_err e;
    int rc;

    const char *token = http_session_token_of(req, &auth->is_cookie);
    if (token == NULL || token[0] == '\0')
        return deny(req, "sign-in required: send a Bearer token or the session cookie");
    if (!token_is_well_formed(token, strlen(token)))
        return deny(req, "session is invalid or has expired");
    http_session_token_hash(token, hash);
    rc = st->ops->session_get(st, hash, &auth->session, &e);
    if (rc == FC_ENOTFOUND)
        return deny(req, "session is invalid or has expired");
    if (rc != FC_OK) {
        req->err = e;
        return rc;
    }
    if (sodium_memcmp(hash, auth->session.token_hash, sizeof(hash)) != 0)
        return deny(req, "session is invalid or has expired");
    fc_time_t idle_s = (fc_time_t)req->app->opt.session_idle_min * 60;
    if (req->now >= auth->session.expires_at || req->now - auth->session.last_seen_at >= idle_s) {
        st->ops->session_delete(st, hash, &e);
        log_emit(LOG_INFO, "auth.session_expired", "req=%s user=%lld", req->request_id,
                 (long long)auth->session.user_id);
        return deny(req, "session has expired: sign in again");
    }
    rc = st->ops->user_get(st, auth->session.user_id, req->arena, &auth->user, &e);
    if (rc == FC_ENOTFOUND || (rc == FC_OK && auth->user.is_disabled))
        return deny(req, "session is invalid or has expired");
    if (rc != FC_OK) {
        req->err = e;
        return rc;
    }
    rc = st->ops->org_get(st, auth->user.org_id, req->arena, &auth->org, &e);
    if (rc != FC_OK) {
        req->err = e;
        return rc;
    }
    if (req->now - auth->session.last_seen_at >= SESSION_TOUCH_EVERY_S) {
        rc = st->ops->session_touch(st, hash, req->now, &e);
        if (rc != FC_OK) {
            req->err = e;
            return rc;
        }
    }
    auth->is_authenticated = true;
    return FC_OK;
}

int http_session_check_csrf(struct http_req *req)
{
    const char *m = req->method;
    if (!req->auth.is_cookie || strcmp(m, "GET") == 0 || strcmp(m, "HEAD") == 0 ||
        strcmp(m, "OPTIONS") == 0)
        return FC_OK;
    const char *sent = http_req_header(req, HTTP_CSRF_HEADER);
    if (sent == NULL) /* HTML forms carry it as a hidden field instead */
        sent = http_req_form(req, HTTP_CSRF_FIELD);
    const char *want = req->auth.session.csrf;
    size_t n = strlen(want);
    if (sent == NULL || strlen(sent) != n || n == 0 || sodium_memcmp(sent, want, n) != 0) {
        req->problem_status = 403;
        return err_set(&req->err, FC_EDENIED, HTTP_CSRF_HEADER,
                       "missing or wrong CSRF token: repeat the token from sign-in in the "
                       "X-CSRF-Token header or the csrf_token form field");
    }
    return FC_OK;
}

const char *http_session_cookie(struct http_req *req, const char *token, long max_age_s)
{
    const char *secure = req->app->opt.is_tls ? "; Secure" : "";
    if (token == NULL)
        return arena_sprintf(req->arena,
                             HTTP_SESSION_COOKIE "=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict%s",
                             secure);
    return arena_sprintf(req->arena,
                         HTTP_SESSION_COOKIE "=%s; Path=/; Max-Age=%ld; HttpOnly; SameSite=Strict%s",
                         token, max_age_s, secure);
}
