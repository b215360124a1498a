/*
 * http/server.c: libmicrohttpd glue. See server.h and http.h.
 *
 * DESIGN. libmicrohttpd calls the access handler several times per request: once with the
 * headers, then once per chunk of body, then once more with nothing left to read. The
 * first call allocates the request state (arena, body buffer) and counts the request as
 * in flight; chunks are appended up to the body limit (beyond it they are dropped and the
 * answer is 413); the last call dispatches through the route table. The completion
 * callback frees the state and uncounts the request, which is what graceful shutdown waits
 * for. Every step that can fail answers with problem+json; nothing is written before the
 * request has passed every check.
 */
#include "http/server.h"

#include "api/open311.h"
#include "api/ui_routes.h"

#include <arpa/inet.h>
#include <errno.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <sodium.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "http/ratelimit.h"
#include "http/session.h"
#include "store/store.h"
#include "util/log.h"
#include "util/utf8.h"

#define REQ_ARENA_MAX_BYTES (32u << 20) /* parsed input + rendered output per request */

struct http_server {
    struct MHD_Daemon *daemon;
    struct http_app *app;
    atomic_int in_flight;
    uint16_t port;
};

/* Per-request state, from the first access-handler call to the completion callback. */
struct conn_req {
    struct arena arena;
    char *body;
    size_t len, cap;
    bool is_too_large;
    bool is_answered; /* a response is queued; ignore the rest of the upload */
    struct timespec start;
};

void http_options_default(struct http_options *opt)
{
    memset(opt, 0, sizeof(*opt));
    opt->host = "127.0.0.1";
    opt->port = 8080;
    opt->threads = 4;
    opt->max_body_bytes = HTTP_MAX_BODY_BYTES;
    opt->session_idle_min = 30;
    opt->session_max_hours = 12;
    opt->shutdown_grace_ms = 10000;
}

int http_app_init(struct http_app *app, struct fc_err *err)
{
    if (sodium_init() < 0)
        return err_set(err, FC_EINTERNAL, "", "libsodium failed to initialise");
    /* Five wrong passwords lock a username for 30 s, doubling to 15 min; an address gets
     * twenty before the same backoff, since an office shares one address. */
    app->limit_user = http_ratelimit_create(5, 30, 900, 900);
    app->limit_ip = http_ratelimit_create(20, 30, 900, 900);
    if (app->limit_user == NULL || app->limit_ip == NULL)
        goto nomem;
    /* Verified when the username is unknown, so a wrong username takes as long as a wrong
     * password and the timing does not reveal which accounts exist. */
    char pw[32];
    randombytes_buf(pw, sizeof(pw) - 1);
    for (size_t i = 0; i < sizeof(pw) - 1; i++)
        pw[i] = (char)('a' + ((unsigned char)pw[i] % 26));
    pw[sizeof(pw) - 1] = '\0';
    app->dummy_hash = malloc(crypto_pwhash_STRBYTES);
    if (app->dummy_hash == NULL)
        goto nomem;
    if (crypto_pwhash_str(app->dummy_hash, pw, strlen(pw), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                          crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
        goto nomem;
    return FC_OK;
nomem:
    http_app_cleanup(app);
    return err_set(err, FC_ENOMEM, "", "out of memory preparing the server");
}

void http_app_cleanup(struct http_app *app)
{
    http_ratelimit_free(app->limit_user);
    http_ratelimit_free(app->limit_ip);
    free(app->dummy_hash);
    app->limit_user = NULL;
    app->limit_ip = NULL;
    app->dummy_hash = NULL;
}

/* ---- request helpers ---- */

const char *http_req_header(const struct http_req *req, const char *name)
{
    if (req->conn == NULL)
        return NULL;
    return MHD_lookup_connection_value(req->conn, MHD_HEADER_KIND, name);
}

const char *http_req_query(const struct http_req *req, const char *name)
{
    if (req->conn == NULL)
        return NULL;
    return MHD_lookup_connection_value(req->conn, MHD_GET_ARGUMENT_KIND, name);
}

const char *http_req_param(const struct http_req *req, const char *name)
{
    size_t n = strlen(name);
    for (size_t i = 0; i < req->n_params; i++) {
        if (req->params[i].name_len == n && strncmp(req->params[i].name, name, n) == 0)
            return req->params[i].value;
    }
    return NULL;
}

static bool parse_long(const char *s, long min, long max, long *out)
{
    char *end;
    if (s == NULL || *s == '\0' || (*s != '-' && (*s < '0' || *s > '9')))
        return false;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno != 0 || *end != '\0' || v < min || v > max)
        return false;
    *out = v;
    return true;
}

int http_req_param_id(struct http_req *req, const char *name, fc_id_t *out)
{
    long v;
    if (!parse_long(http_req_param(req, name), 1, INT64_MAX > LONG_MAX ? LONG_MAX : INT64_MAX,
                    &v))
        return err_set(&req->err, FC_ENOTFOUND, name, "no such record: %s must be a positive id",
                       name);
    *out = (fc_id_t)v;
    return FC_OK;
}

int http_req_query_long(struct http_req *req, const char *name, long min, long max,
                        long fallback, long *out)
{
    const char *s = http_req_query(req, name);
    if (s == NULL) {
        *out = fallback;
        return FC_OK;
    }
    if (!parse_long(s, min, max, out)) {
        req->problem_status = 400;
        return err_set(&req->err, FC_EINVAL, name, "must be an integer from %ld to %ld", min,
                       max);
    }
    return FC_OK;
}

size_t http_json_depth(const char *s, size_t len, size_t limit)
{
    size_t depth = 0, max = 0;
    bool in_str = false;
    for (size_t i = 0; i < len; i++) {
        char c = s[i];
        if (in_str) {
            if (c == '\\')
                i++;
            else if (c == '"')
                in_str = false;
        } else if (c == '"') {
            in_str = true;
        } else if (c == '[' || c == '{') {
            if (++depth > max)
                max = depth;
            if (max > limit)
                return max;
        } else if ((c == ']' || c == '}') && depth > 0) {
            depth--;
        }
    }
    return max;
}

int http_req_json(struct http_req *req, json_t **out)
{
    const char *ct = http_req_header(req, "Content-Type");
    json_error_t jerr;

    *out = NULL;
    if (ct == NULL || strncasecmp(ct, "application/json", 16) != 0 ||
        (ct[16] != '\0' && ct[16] != ';' && ct[16] != ' ')) {
        req->problem_status = 415;
        return err_set(&req->err, FC_EINVAL, "Content-Type",
                       "the body must be JSON: send Content-Type: application/json");
    }
    if (req->body_len == 0) {
        req->problem_status = 400;
        return err_set(&req->err, FC_EINVAL, "", "the body is empty: a JSON object is required");
    }
    if (http_json_depth(req->body, req->body_len, HTTP_MAX_JSON_DEPTH) > HTTP_MAX_JSON_DEPTH) {
        req->problem_status = 400;
        return err_set(&req->err, FC_EINVAL, "", "JSON is nested deeper than %d levels",
                       HTTP_MAX_JSON_DEPTH);
    }
    json_t *doc = json_loadb(req->body, req->body_len, JSON_REJECT_DUPLICATES, &jerr);
    if (doc == NULL) {
        req->problem_status = 400;
        /* jerr.text may quote the input, which may be personal data: give the place only */
        return err_set(&req->err, FC_EINVAL, "", "malformed JSON at line %d, column %d",
                       jerr.line, jerr.column);
    }
    req->owned_json = doc;
    if (!json_is_object(doc)) {
        req->problem_status = 400;
        return err_set(&req->err, FC_EINVAL, "", "the body must be a JSON object");
    }
    *out = doc;
    return FC_OK;
}

static int hex_value(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Percent-decodes s[0..n) ('+' is a space) into the arena; NULL if malformed or not UTF-8. */
static char *form_decode(struct arena *a, const char *s, size_t n)
{
    char *out = arena_alloc(a, n + 1);
    size_t j = 0;
    if (out == NULL)
        return NULL;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '+') {
            out[j++] = ' ';
        } else if (s[i] == '%') {
            int hi = i + 2 < n ? hex_value(s[i + 1]) : -1;
            int lo = i + 2 < n ? hex_value(s[i + 2]) : -1;
            if (hi < 0 || lo < 0)
                return NULL;
            out[j++] = (char)(hi * 16 + lo);
            i += 2;
        } else {
            out[j++] = s[i];
        }
    }
    out[j] = '\0';
    if (!utf8_is_valid(out, j, NULL))
        return NULL;
    return out;
}

const char *http_req_form(struct http_req *req, const char *name)
{
    const char *ct = http_req_header(req, "Content-Type");
    size_t nlen = strlen(name);
    if (ct == NULL || strncasecmp(ct, "application/x-www-form-urlencoded", 33) != 0)
        return NULL;
    const char *p = req->body;
    const char *end = req->body + req->body_len;
    while (p < end) {
        const char *amp = memchr(p, '&', (size_t)(end - p));
        const char *stop = amp ? amp : end;
        const char *eq = memchr(p, '=', (size_t)(stop - p));
        const char *kend = eq ? eq : stop;
        char *key = form_decode(req->arena, p, (size_t)(kend - p));
        if (key != NULL && strlen(key) == nlen && memcmp(key, name, nlen) == 0)
            return eq ? form_decode(req->arena, eq + 1, (size_t)(stop - eq - 1))
                      : arena_strdup(req->arena, "");
        p = stop + 1;
    }
    return NULL;
}

int http_resp_json(struct http_req *req, struct http_resp *resp, int status, json_t *body)
{
    if (body == NULL)
        return err_set(&req->err, FC_ENOMEM, "", "out of memory rendering the response");
    char *text = json_dumps(body, JSON_COMPACT | JSON_PRESERVE_ORDER);
    json_decref(body);
    if (text == NULL)
        return err_set(&req->err, FC_EINTERNAL, "", "response could not be rendered");
    size_t len = strlen(text);
    char *copy = arena_strndup(req->arena, text, len);
    free(text);
    if (copy == NULL)
        return err_set(&req->err, FC_ENOMEM, "", "response too large");
    resp->status = status;
    resp->content_type = "application/json";
    resp->body = copy;
    resp->body_len = len;
    return FC_OK;
}

int http_resp_header(struct http_req *req, struct http_resp *resp, const char *name,
                     const char *value)
{
    if (resp->n_headers >= HTTP_MAX_RESP_HEADERS)
        return err_set(&req->err, FC_EINTERNAL, "", "too many response headers");
    resp->headers[resp->n_headers].name = name;
    resp->headers[resp->n_headers].value = value;
    resp->n_headers++;
    return FC_OK;
}

/* ---- dispatch ---- */

bool http_request_id_is_safe(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n > 64)
        return false;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
              c == '-' || c == '_' || c == '.'))
            return false;
    }
    return true;
}

static const char *new_request_id(struct arena *a)
{
    unsigned char raw[8];
    char hex[17];
    randombytes_buf(raw, sizeof(raw));
    sodium_bin2hex(hex, sizeof(hex), raw, sizeof(raw));
    return arena_strdup(a, hex);
}

static const char *client_ip(struct MHD_Connection *c, struct arena *a)
{
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    char buf[INET6_ADDRSTRLEN] = "unknown";
    if (ci != NULL && ci->client_addr != NULL) {
        const struct sockaddr *sa = ci->client_addr;
        if (sa->sa_family == AF_INET)
            inet_ntop(AF_INET, &((const struct sockaddr_in *)(const void *)sa)->sin_addr, buf,
                      sizeof(buf));
        else if (sa->sa_family == AF_INET6)
            inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr, buf,
                      sizeof(buf));
    }
    return arena_strdup(a, buf);
}

struct query_check {
    struct http_req *req;
    int rc;
};

static enum MHD_Result check_query_arg(void *cls, enum MHD_ValueKind kind, const char *key,
                                       const char *value)
{
    struct query_check *qc = cls;
    size_t bad;
    (void)kind;
    if (!utf8_is_valid(key, strlen(key), &bad)) {
        qc->rc = err_set(&qc->req->err, FC_EINVAL, "query", "a query parameter name is not valid UTF-8");
        return MHD_NO;
    }
    if (value == NULL)
        return MHD_YES;
    size_t len = strlen(value);
    const char *field = arena_sprintf(qc->req->arena, "query.%.40s", key);
    if (!utf8_is_valid(value, len, &bad)) {
        qc->rc = err_set(&qc->req->err, FC_EINVAL, field ? field : "query",
                         "not valid UTF-8 (byte %zu)", bad);
        return MHD_NO;
    }
    if (utf8_length(value, len) > HTTP_MAX_QUERY_CHARS) {
        qc->rc = err_set(&qc->req->err, FC_EINVAL, field ? field : "query",
                         "longer than %d characters", HTTP_MAX_QUERY_CHARS);
        return MHD_NO;
    }
    return MHD_YES;
}

static void add_security_headers(struct MHD_Response *r, const struct http_app *app,
                                 const struct http_resp *resp)
{
    MHD_add_response_header(r, "Content-Security-Policy",
                            "default-src 'self'; img-src 'self' data:; object-src 'none'; "
                            "base-uri 'self'; form-action 'self'; frame-ancestors 'none'");
    MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
    MHD_add_response_header(r, "X-Frame-Options", "DENY");
    MHD_add_response_header(r, "Referrer-Policy", "no-referrer");
    MHD_add_response_header(r, "Cross-Origin-Opener-Policy", "same-origin");
    MHD_add_response_header(r, "Cross-Origin-Resource-Policy", "same-origin");
    MHD_add_response_header(r, "Permissions-Policy", "camera=(), microphone=(), geolocation=()");
    if (app->opt.is_tls)
        MHD_add_response_header(r, "Strict-Transport-Security", "max-age=31536000");
    MHD_add_response_header(r, "Cache-Control",
                            resp->is_cacheable ? "public, max-age=3600" : "no-store");
}

/* A browser navigating to a page (not the API, not an htmx fragment request). */
static bool wants_sign_in_page(const struct http_req *req)
{
    const char *accept = http_req_header(req, "Accept");
    return strcmp(req->method, "GET") == 0 && strncmp(req->path, "/api/", 5) != 0 &&
           accept != NULL && strstr(accept, "text/html") != NULL &&
           http_req_header(req, "HX-Request") == NULL;
}

static double elapsed_ms(const struct timespec *start)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)(now.tv_sec - start->tv_sec) * 1e3 +
           (double)(now.tv_nsec - start->tv_nsec) / 1e6;
}

/* Runs the checks and the handler; fills resp or returns a failure with req->err. */
static int route_and_handle(struct http_req *req, struct http_resp *resp, struct conn_req *cr,
                            const char **allow)
{
    struct query_check qc = { req, FC_OK };
    size_t bad;
    int rc;

    if (cr->is_too_large) {
        req->problem_status = 413;
        return err_set(&req->err, FC_EINVAL, "", "the body is larger than %zu bytes",
                       req->app->opt.max_body_bytes);
    }
    if (!utf8_is_valid(req->path, strlen(req->path), &bad)) {
        req->problem_status = 400;
        return err_set(&req->err, FC_EINVAL, "path", "the path is not valid UTF-8");
    }
    MHD_get_connection_values(req->conn, MHD_GET_ARGUMENT_KIND, check_query_arg, &qc);
    if (qc.rc != FC_OK) {
        req->problem_status = 400;
        return qc.rc;
    }
    if (!utf8_is_valid(req->body, req->body_len, &bad)) {
        req->problem_status = 400;
        return err_set(&req->err, FC_EINVAL, "", "the body is not valid UTF-8 (byte %zu)", bad);
    }

    const struct http_route *route;
    char *scratch = arena_alloc(req->arena, strlen(req->path) + 1);
    if (scratch == NULL)
        return err_set(&req->err, FC_ENOMEM, "", "out of memory");
    enum http_match m = http_router_match(http_routes, req->method, req->path, scratch, &route,
                                          req->params, &req->n_params);
    /* Then the browser UI's pages and fragments (api/ui_routes.c). */
    if (m == HTTP_MATCH_NO_PATH)
        m = http_router_match(ui_routes, req->method, req->path, scratch, &route, req->params,
                              &req->n_params);
    if (m == HTTP_MATCH_NO_PATH)
        return err_set(&req->err, FC_ENOTFOUND, "", "no such resource");
    if (m == HTTP_MATCH_NO_METHOD) {
        /* list the methods this path answers */
        char *list = arena_strdup(req->arena, "");
        for (const struct http_route *r = http_routes; r->method != NULL && list; r++) {
            const struct http_route *hit;
            size_t np;
            struct http_param ps[HTTP_MAX_PARAMS];
            const struct http_route one[2] = { *r, { 0 } };
            if (http_router_match(one, r->method, req->path, scratch, &hit, ps, &np) ==
                HTTP_MATCH_FOUND)
                list = arena_sprintf(req->arena, "%s%s%s", list, list[0] ? ", " : "", r->method);
        }
        *allow = list;
        req->problem_status = 405;
        return err_set(&req->err, FC_EINVAL, "", "method not allowed: this path answers %.120s",
                       list ? list : "other methods");
    }
    req->route = route->pattern;
    if (route->roles != HTTP_ROLES_PUBLIC) {
        rc = http_session_authenticate(req);
        if (rc != FC_OK)
            return rc;
        if (!http_route_allows(route, req->auth.user.role)) {
            req->problem_status = 403;
            return err_set(&req->err, FC_EDENIED, "", "role %s may not use %s %s",
                           model_user_role_name(req->auth.user.role), route->method,
                           route->pattern);
        }
        rc = http_session_check_csrf(req);
        if (rc != FC_OK)
            return rc;
    }
    resp->status = 200;
    rc = route->handler(req, resp);
    if (rc == FC_OK && resp->content_type == NULL && resp->status != 204)
        return err_set(&req->err, FC_EINTERNAL, "", "the handler gave no response");
    return rc;
}

static enum MHD_Result dispatch(struct http_server *srv, struct MHD_Connection *c,
                                const char *url, const char *method, struct conn_req *cr)
{
    struct http_req req;
    struct http_resp resp;
    const char *allow = NULL;

    memset(&req, 0, sizeof(req));
    memset(&resp, 0, sizeof(resp));
    req.arena = &cr->arena;
    req.app = srv->app;
    req.conn = c;
    req.method = method;
    req.path = url;
    req.route = "-";
    req.now = (fc_time_t)time(NULL);
    req.body = cr->body != NULL ? cr->body : "";
    req.body_len = cr->len;
    const char *rid = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "X-Request-Id");
    req.request_id = rid != NULL && http_request_id_is_safe(rid) ? arena_strdup(req.arena, rid)
                                                           : new_request_id(req.arena);
    if (req.request_id == NULL)
        req.request_id = "-";
    req.client_ip = client_ip(c, req.arena);
    if (srv->app->opt.trust_proxy) {
        /* behind nginx every peer is the proxy: per-address sign-in limits need the real one */
        const char *real = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "X-Real-IP");
        unsigned char buf[sizeof(struct in6_addr)];
        if (real != NULL && (inet_pton(AF_INET, real, buf) == 1 || inet_pton(AF_INET6, real, buf) == 1))
            req.client_ip = arena_strdup(req.arena, real);
    }

    int rc = route_and_handle(&req, &resp, cr, &allow);
    if (rc != FC_OK) {
        int status = req.problem_status != 0 ? req.problem_status : http_status_of(rc);
        if (status >= 500)
            log_emit(LOG_ERROR, "http.error", "req=%s route=%s status=%d error=%s msg=\"%s\"",
                     req.request_id, req.route, status, err_status_name(rc), req.err.msg);
        memset(&resp, 0, sizeof(resp));
        resp.status = status;
        resp.content_type = "application/problem+json";
        /* Open311 clients get the spec's error document instead (api/open311.h) */
        if (!api_open311_is_path(url) || api_open311_error_render(&req, &resp, status) != FC_OK)
            resp.body = http_problem_render(req.arena, status, &req.err, req.request_id,
                                            &resp.body_len);
        if (resp.body == NULL) {
            resp.body = "{\"title\":\"Internal Server Error\",\"status\":500}";
            resp.body_len = strlen(resp.body);
            resp.status = 500;
        }
        if (status == 401)
            http_resp_header(&req, &resp, "WWW-Authenticate", "Bearer realm=\"firstcontact\"");
        if (status == 401 && wants_sign_in_page(&req)) {
            /* a browser asking for a page is sent to sign in, not shown a problem */
            resp.status = 303;
            http_resp_header(&req, &resp, "Location", "/login");
        }
        if (status == 405 && allow != NULL)
            http_resp_header(&req, &resp, "Allow", allow);
        if (req.retry_after_s > 0)
            http_resp_header(&req, &resp, "Retry-After",
                             arena_sprintf(req.arena, "%u", req.retry_after_s));
    }

    struct MHD_Response *r = MHD_create_response_from_buffer(
        resp.body_len, (void *)(resp.body ? resp.body : ""), MHD_RESPMEM_MUST_COPY);
    enum MHD_Result ok = MHD_NO;
    if (r != NULL) {
        if (resp.content_type != NULL)
            MHD_add_response_header(r, "Content-Type", resp.content_type);
        MHD_add_response_header(r, "X-Request-Id", req.request_id);
        add_security_headers(r, srv->app, &resp);
        for (size_t i = 0; i < resp.n_headers; i++) {
            if (resp.headers[i].value != NULL)
                MHD_add_response_header(r, resp.headers[i].name, resp.headers[i].value);
        }
        ok = MHD_queue_response(c, (unsigned)resp.status, r);
        MHD_destroy_response(r);
    }
    log_emit(LOG_INFO, "http.request", "req=%s method=%s route=%s status=%d ms=%.1f user=%lld",
             req.request_id, method, req.route, resp.status, elapsed_ms(&cr->start),
             (long long)(req.auth.is_authenticated ? req.auth.user.id : 0));
    json_decref(req.owned_json);
    return ok;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
                                  const char *method, const char *version,
                                  const char *upload_data, size_t *upload_size, void **con_cls)
{
    struct http_server *srv = cls;
    struct conn_req *cr = *con_cls;
    (void)version;

    if (cr == NULL) {
        cr = calloc(1, sizeof(*cr));
        if (cr == NULL)
            return MHD_NO;
        arena_init(&cr->arena, REQ_ARENA_MAX_BYTES);
        clock_gettime(CLOCK_MONOTONIC, &cr->start);
        atomic_fetch_add(&srv->in_flight, 1);
        *con_cls = cr;
        const char *cl = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Content-Length");
        unsigned long long declared = cl != NULL ? strtoull(cl, NULL, 10) : 0;
        if (declared > srv->app->opt.max_body_bytes) {
            cr->is_too_large = true;
            if (declared / 16 > srv->app->opt.max_body_bytes) {
                /* Far too big to be worth reading: answer now and let the connection close.
                 * A little too big is read and dropped, so the client sees the answer
                 * rather than a reset. */
                cr->is_answered = true;
                return dispatch(srv, c, url, method, cr);
            }
        }
        return MHD_YES;
    }
    if (*upload_size > 0) {
        size_t n = *upload_size;
        *upload_size = 0;
        if (cr->is_too_large || cr->is_answered)
            return MHD_YES;
        if (n > srv->app->opt.max_body_bytes - cr->len) {
            cr->is_too_large = true;
            free(cr->body);
            cr->body = NULL;
            cr->len = cr->cap = 0;
            return MHD_YES;
        }
        if (cr->len + n + 1 > cr->cap) {
            size_t cap = cr->cap ? cr->cap : 4096;
            while (cap < cr->len + n + 1)
                cap *= 2;
            char *nb = realloc(cr->body, cap);
            if (nb == NULL)
                return MHD_NO;
            cr->body = nb;
            cr->cap = cap;
        }
        memcpy(cr->body + cr->len, upload_data, n);
        cr->len += n;
        cr->body[cr->len] = '\0';
        return MHD_YES;
    }
    if (cr->is_answered)
        return MHD_YES;
    cr->is_answered = true;
    return dispatch(srv, c, url, method, cr);
}

static void on_completed(void *cls, struct MHD_Connection *c, void **con_cls,
                         enum MHD_RequestTerminationCode toe)
{
    struct http_server *srv = cls;
    struct conn_req *cr = *con_cls;
    (void)c;
    (void)toe;
    if (cr == NULL)
        return;
    arena_free(&cr->arena);
    free(cr->body);
    free(cr);
    *con_cls = NULL;
    atomic_fetch_sub(&srv->in_flight, 1);
}

/* fmt comes from libmicrohttpd, not from the client: a printf format of its own. */
__attribute__((format(printf, 2, 0))) static void on_mhd_log(void *cls, const char *fmt,
                                                             va_list ap)
{
    char line[256];
    (void)cls;
    vsnprintf(line, sizeof(line), fmt, ap);
    line[strcspn(line, "\r\n")] = '\0';
    log_emit(LOG_WARN, "http.mhd", "msg=\"%s\"", line);
}

int http_server_start(struct http_app *app, struct http_server **out, struct fc_err *err)
{
    struct sockaddr_in addr;
    struct http_server *srv;

    *out = NULL;
    memset(&addr, 0, sizeof(addr));
    addr.sin_family = AF_INET;
    addr.sin_port = htons(app->opt.port);
    if (inet_pton(AF_INET, app->opt.host, &addr.sin_addr) != 1)
        return err_set(err, FC_EINVAL, "listen", "host must be an IPv4 address such as 127.0.0.1");
    srv = calloc(1, sizeof(*srv));
    if (srv == NULL)
        return err_set(err, FC_ENOMEM, "", "out of memory");
    srv->app = app;
    atomic_init(&srv->in_flight, 0);
    unsigned threads = app->opt.threads > 0 ? app->opt.threads : 1;
    srv->daemon = MHD_start_daemon(
        MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ITC | MHD_USE_ERROR_LOG,
        app->opt.port, NULL, NULL, on_request, srv, MHD_OPTION_SOCK_ADDR,
        (struct sockaddr *)&addr, MHD_OPTION_THREAD_POOL_SIZE, threads,
        MHD_OPTION_NOTIFY_COMPLETED, on_completed, srv, MHD_OPTION_CONNECTION_TIMEOUT,
        (unsigned)30, MHD_OPTION_CONNECTION_LIMIT, (unsigned)1000,
        MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned)0, MHD_OPTION_CONNECTION_MEMORY_LIMIT,
        (size_t)(64 * 1024), MHD_OPTION_EXTERNAL_LOGGER, on_mhd_log, NULL, MHD_OPTION_END);
    if (srv->daemon == NULL) {
        free(srv);
        return err_set(err, FC_EUNAVAIL, "listen",
                       "could not listen on %s:%u (in use, or not permitted)", app->opt.host,
                       (unsigned)app->opt.port);
    }
    const union MHD_DaemonInfo *di = MHD_get_daemon_info(srv->daemon, MHD_DAEMON_INFO_BIND_PORT);
    srv->port = di != NULL ? di->port : app->opt.port;
    *out = srv;
    return FC_OK;
}

uint16_t http_server_port(const struct http_server *srv)
{
    return srv->port;
}

void http_server_stop(struct http_server *srv)
{
    if (srv == NULL)
        return;
    MHD_socket fd = MHD_quiesce_daemon(srv->daemon);
    if (fd != MHD_INVALID_SOCKET)
        close(fd);
    unsigned waited_ms = 0;
    while (atomic_load(&srv->in_flight) > 0 && waited_ms < srv->app->opt.shutdown_grace_ms) {
        struct timespec ts = { 0, 10L * 1000 * 1000 };
        nanosleep(&ts, NULL);
        waited_ms += 10;
    }
    int left = atomic_load(&srv->in_flight);
    if (left > 0)
        log_emit(LOG_WARN, "http.shutdown", "in_flight=%d waited_ms=%u", left, waited_ms);
    MHD_stop_daemon(srv->daemon);
    free(srv);
}
