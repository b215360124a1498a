/*
 * http/auth.c: POST /api/v1/login, POST /api/v1/logout, GET /api/v1/me.
 *
 * Sign-in checks the password with libsodium's argon2id verifier, counts failures per
 * username and per client address (http/ratelimit.h) and locks with backoff; while locked
 * the password is not even checked. An unknown username costs the same argon2id work as a
 * wrong password and gets the same answer, so neither timing nor text reveals which
 * accounts exist. Each sign-in starts a new session (the old one the client held, if any,
 * is deleted: rotation), and is audited as "login".
 *
 * A user with a TOTP secret (user totp-enable) must also send "totp", the six-digit code of
 * the current 30-second step or one either side (RFC 6238 section 5.2). A code is good
 * once: the store keeps the last step used and refuses it or an older one. A wrong or
 * replayed code counts as a failed sign-in for the lockout; a missing one is only told.
 */
#include <sodium.h>
#include <string.h>

#include "api/input.h"
#include "http/handlers.h"
#include "http/ratelimit.h"
#include "http/session.h"
#include "store/store.h"
#include "util/log.h"
#include "util/timeutil.h"
#include "util/totp.h"

static const struct api_field login_fields[] = {
    { "username", API_STRING, true, 100, NULL },
    { "password", API_STRING, true, 1000, NULL },
    { "totp", API_STRING, false, 10, NULL },
    API_FIELDS_END,
};

static json_t *user_json(const struct http_auth *a, const struct user *u,
                         const struct organisation *org)
{
    (void)a;
    return json_pack("{s:I, s:s, s:s?, s:s, s:I, s:s?, s:s?}", "id", (json_int_t)u->id,
                     "username", u->username, "display_name", u->display_name, "role",
                     model_user_role_name(u->role), "org_id", (json_int_t)u->org_id, "org_name",
                     org ? org->name : NULL, "team", u->team);
}

static void audit_login(struct http_req *req, fc_id_t user_id, const char *detail)
{
    struct audit_event ev;
    struct fc_err e;
    memset(&ev, 0, sizeof(ev));
    ev.at = req->now;
    ev.actor_user_id = user_id;
    ev.action = AUDIT_LOGIN;
    ev.object_type = "user";
    ev.object_id = user_id;
    ev.purpose = "sign-in";
    ev.detail = (char *)detail;
    if (req->app->store->ops->audit_append(req->app->store, &ev, &e) != FC_OK)
        log_emit(LOG_ERROR, "auth.audit_failed", "req=%s user=%lld msg=\"%s\"", req->request_id,
                 (long long)user_id, e.msg);
}

/*
 * Failures per username are also counted in the store, so a lockout started on one node
 * holds on every node sharing it (a single-node store keeps nothing: the limiter above is
 * the whole story there). The key is a hash of the username, never the name.
 */
static void shared_key(const char *username, unsigned char key[32])
{
    crypto_generichash_state st;
    crypto_generichash_init(&st, NULL, 0, 32);
    crypto_generichash_update(&st, (const unsigned char *)"fc.login:", 9);
    crypto_generichash_update(&st, (const unsigned char *)username, strlen(username));
    crypto_generichash_final(&st, key, 32);
}

static unsigned shared_left(struct http_req *req, const unsigned char key[32])
{
    struct store *st = req->app->store;
    struct login_failures f;
    struct fc_err e;
    if (store_login_failure_get(st, key, &f, &e) != FC_OK) {
        log_emit(LOG_WARN, "auth.shared_lock_unread", "req=%s status=%s", req->request_id,
                 err_status_name(e.status));
        return 0; /* the node's own limiter still holds */
    }
    return http_ratelimit_left(req->app->limit_user, f.failures, f.last_at, req->now);
}

static unsigned shared_fail(struct http_req *req, const unsigned char key[32])
{
    struct store *st = req->app->store;
    struct login_failures f;
    struct fc_err e;
    if (store_login_failure_add(st, key, req->now,
                                http_ratelimit_window_s(req->app->limit_user), &f,
                                &e) != FC_OK) {
        log_emit(LOG_WARN, "auth.shared_lock_unwritten", "req=%s status=%s", req->request_id,
                 err_status_name(e.status));
        return 0;
    }
    return http_ratelimit_left(req->app->limit_user, f.failures, f.last_at, req->now);
}

static int locked(struct http_req *req, unsigned secs)
{
    req->problem_status = 429;
    req->retry_after_s = secs;
    return err_set(&req->err, FC_EDENIED, "",
                   "too many failed sign-ins: try again in %u seconds", secs);
}

/* Checks the TOTP code of a user whose password was right (see the header comment). */
static int second_factor(struct http_req *req, const struct user *u, const char *code,
                         const char *user_key, const char *ip_key)
{
    struct fc_err e;
    int64_t step = 0;
    if (code == NULL || code[0] == '\0') {
        req->problem_status = 401;
        return err_set(&req->err, FC_EAUTH, "totp",
                       "this account needs the one-time code from its authenticator app");
    }
    bool ok = totp_verify(u->mfa_secret, code, req->now, 1, &step);
    int rc = ok ? req->app->store->ops->user_totp_step_use(req->app->store, u->id, step, &e)
                : FC_EAUTH;
    if (rc == FC_OK)
        return FC_OK;
    if (rc != FC_EAUTH && rc != FC_ECONFLICT) {
        req->err = e;
        return rc;
    }
    http_ratelimit_fail(req->app->limit_user, user_key, req->now);
    http_ratelimit_fail(req->app->limit_ip, ip_key, req->now);
    audit_login(req, u->id, rc == FC_ECONFLICT ? "failed: one-time code reused"
                                               : "failed: one-time code wrong");
    log_emit(LOG_INFO, "auth.totp_failed", "req=%s user=%lld", req->request_id, (long long)u->id);
    req->problem_status = 401;
    return err_set(&req->err, FC_EAUTH, "totp",
                   rc == FC_ECONFLICT ? "this one-time code was already used: wait for the next"
                                      : "the one-time code is wrong");
}

int http_auth_login(struct http_req *req, struct http_resp *resp)
{
    struct store *st = req->app->store;
    json_t *in;
    struct user u;
    struct fc_err e;
    char user_key[128], ip_key[80];
    int rc;

    rc = http_req_json(req, &in);
    if (rc != FC_OK)
        return rc;
    rc = api_input_check(in, "", login_fields, &req->err);
    if (rc != FC_OK)
        return rc;
    const char *username = api_input_str(in, "username");
    const char *password = api_input_str(in, "password");

    snprintf(user_key, sizeof(user_key), "u:%s", username);
    snprintf(ip_key, sizeof(ip_key), "ip:%s", req->client_ip);
    unsigned char shared[32];
    shared_key(username, shared);
    unsigned wait_u = http_ratelimit_check(req->app->limit_user, user_key, req->now);
    unsigned wait_shared = shared_left(req, shared);
    unsigned wait_ip = http_ratelimit_check(req->app->limit_ip, ip_key, req->now);
    if (wait_shared > wait_u)
        wait_u = wait_shared;
    if (wait_u > 0 || wait_ip > 0) {
        log_emit(LOG_WARN, "auth.locked", "req=%s", req->request_id);
        return locked(req, wait_u > wait_ip ? wait_u : wait_ip);
    }

    rc = st->ops->user_get_by_name(st, username, req->arena, &u, &e);
    if (rc != FC_OK && rc != FC_ENOTFOUND) {
        req->err = e;
        return rc;
    }
    bool is_known = rc == FC_OK && !u.is_disabled && u.password_hash != NULL;
    const char *hash = is_known ? u.password_hash : req->app->dummy_hash;
    bool is_ok = crypto_pwhash_str_verify(hash, password, strlen(password)) == 0 && is_known;
    if (!is_ok) {
        unsigned lock_u = http_ratelimit_fail(req->app->limit_user, user_key, req->now);
        unsigned lock_shared = shared_fail(req, shared);
        if (lock_shared > lock_u)
            lock_u = lock_shared;
        unsigned lock_ip = http_ratelimit_fail(req->app->limit_ip, ip_key, req->now);
        if (rc == FC_OK)
            audit_login(req, u.id, "failed");
        log_emit(LOG_INFO, "auth.login_failed", "req=%s locked_s=%u", req->request_id,
                 lock_u > lock_ip ? lock_u : lock_ip);
        return err_set(&req->err, FC_EAUTH, "", "username or password is wrong");
    }
    if (u.mfa_secret != NULL && u.mfa_secret[0] != '\0') {
        rc = second_factor(req, &u, api_input_str(in, "totp"), user_key, ip_key);
        if (rc != FC_OK)
            return rc;
    }
    http_ratelimit_reset(req->app->limit_user, user_key);
    if (store_login_failure_clear(st, shared, &e) != FC_OK)
        log_emit(LOG_WARN, "auth.shared_lock_uncleared", "req=%s status=%s", req->request_id,
                 err_status_name(e.status));

    /* Rotation: the session the client arrived with (if any) ends here. */
    bool was_cookie;
    const char *old = http_session_token_of(req, &was_cookie);
    if (old != NULL && strlen(old) == HTTP_TOKEN_CHARS) {
        unsigned char old_hash[32];
        http_session_token_hash(old, old_hash);
        st->ops->session_delete(st, old_hash, &e); /* absent is fine */
    }

    char token[HTTP_TOKEN_CHARS + 1];
    struct session se;
    rc = http_session_start(req, &u, token, &se);
    if (rc != FC_OK)
        return rc;
    audit_login(req, u.id, "ok");
    struct organisation org;
    bool has_org = st->ops->org_get(st, u.org_id, req->arena, &org, &e) == FC_OK;
    char expires[32];
    time_format_utc(se.expires_at, expires, sizeof(expires));
    log_emit(LOG_INFO, "auth.login", "req=%s user=%lld", req->request_id, (long long)u.id);

    long max_age = (long)(se.expires_at - req->now);
    http_resp_header(req, resp, "Set-Cookie", http_session_cookie(req, token, max_age));
    json_t *body = json_pack("{s:s, s:s, s:s, s:i, s:s, s:o}", "token", token, "token_type",
                             "Bearer", "expires_at", expires, "idle_timeout_s",
                             req->app->opt.session_idle_min * 60, "csrf_token", se.csrf, "user",
                             user_json(&req->auth, &u, has_org ? &org : NULL));
    sodium_memzero(token, sizeof(token));
    return http_resp_json(req, resp, 200, body);
}

int http_auth_logout(struct http_req *req, struct http_resp *resp)
{
    struct fc_err e;
    int rc = req->app->store->ops->session_delete(req->app->store,
                                                  req->auth.session.token_hash, &e);
    if (rc != FC_OK && rc != FC_ENOTFOUND) {
        req->err = e;
        return rc;
    }
    log_emit(LOG_INFO, "auth.logout", "req=%s user=%lld", req->request_id,
             (long long)req->auth.user.id);
    http_resp_header(req, resp, "Set-Cookie", http_session_cookie(req, NULL, 0));
    resp->status = 204;
    resp->content_type = NULL;
    resp->body = "";
    resp->body_len = 0;
    return FC_OK;
}

int http_auth_me(struct http_req *req, struct http_resp *resp)
{
    char expires[32];
    time_format_utc(req->auth.session.expires_at, expires, sizeof(expires));
    json_t *body = json_pack("{s:o, s:s, s:s, s:i}", "user",
                             user_json(&req->auth, &req->auth.user, &req->auth.org),
                             "csrf_token", req->auth.session.csrf, "expires_at", expires,
                             "idle_timeout_s", req->app->opt.session_idle_min * 60);
    return http_resp_json(req, resp, 200, body);
}
