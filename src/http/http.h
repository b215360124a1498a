/*
 * http/http.h: the request, response and route types that handlers see.
 *
 * The server (server.c) turns each libmicrohttpd request into a `struct http_req`, finds
 * its route in the one route table (routes.c), checks the session and the route's roles,
 * and calls the handler. Handlers (src/api, http/auth.c) never see libmicrohttpd: they read
 * the request through this header, fill a `struct http_resp`, and return an fc_status;
 * on failure req->err says which field and what is wrong and the server answers with
 * RFC 9457 problem+json. Everything a handler allocates lives in req->arena, freed when
 * the request ends.
 *
 * Threads: a request and its arena belong to the worker thread that runs it. The shared
 * `struct http_app` (store, match service, options, login limiter) is safe for concurrent
 * use: the options are immutable after start, the others lock internally.
 */
#ifndef FC_HTTP_HTTP_H
#define FC_HTTP_HTTP_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "store/model.h"
#include "util/arena.h"
#include "util/err.h"

struct store;
struct match_service;
struct http_ratelimit;

/* Limits on what a client may send (issue 2, part 5). */
#define HTTP_MAX_BODY_BYTES  (1u << 20) /* 1 MiB */
#define HTTP_MAX_JSON_DEPTH  16
#define HTTP_MAX_ARRAY_ITEMS 50
#define HTTP_MAX_FIELD_CHARS 2000   /* default for a free-text field, in code points */
#define HTTP_MAX_QUERY_CHARS 200    /* a query-string value */
#define HTTP_MAX_PARAMS      4

/* Server options; immutable once the server has started. */
struct http_options {
    const char *host;          /* "127.0.0.1" */
    uint16_t port;             /* 0: ephemeral */
    unsigned threads;          /* worker pool size */
    size_t max_body_bytes;     /* HTTP_MAX_BODY_BYTES unless set */
    int session_idle_min;      /* idle expiry */
    int session_max_hours;     /* absolute expiry */
    bool is_tls;               /* cookies get Secure; HSTS is sent (TLS ends at a proxy) */
    bool trust_proxy;          /* the client address comes from X-Real-IP (set by nginx) */
    unsigned shutdown_grace_ms; /* how long SIGTERM waits for requests in flight */
    /* The hotspot map's tile layer (config tile_url, tile_attribution): NULL or "" draws
     * no tiles, the default, since control rooms and CI have no internet. */
    const char *tile_url;
    const char *tile_attribution;
};

/* What the server shares with every handler. */
struct http_app {
    struct store *store;
    struct match_service *match; /* may be NULL: /api/v1/lookup answers 503 */
    struct http_options opt;
    struct http_ratelimit *limit_user; /* failed sign-ins per username */
    struct http_ratelimit *limit_ip;   /* failed sign-ins per client address */
    char *dummy_hash; /* an argon2id hash verified for unknown users, so timing says nothing */
};

/* Who made the request, once the session checked out. */
struct http_auth {
    bool is_authenticated;
    bool is_cookie;       /* the token came from the cookie (CSRF applies) */
    struct user user;
    struct organisation org;
    struct session session;
};

struct http_param {
    const char *name; /* points into the route pattern, just after '{' ("*" for {*}) */
    size_t name_len;  /* 2 for {id} */
    const char *value;
};

struct http_req {
    struct arena *arena;
    struct http_app *app;
    void *conn;              /* the server's connection handle; opaque to handlers */
    const char *method;      /* "GET", "POST", ... */
    const char *path;        /* decoded path, without the query */
    const char *route;       /* the matched pattern, for logs */
    const char *request_id;  /* from X-Request-Id if well-formed, else generated */
    const char *client_ip;
    const char *body;        /* NUL-terminated, valid UTF-8 (checked before dispatch) */
    size_t body_len;
    size_t n_params;
    struct http_param params[HTTP_MAX_PARAMS];
    struct http_auth auth;
    fc_time_t now;
    int problem_status;      /* overrides the status mapped from err (e.g. 400, 413, 429) */
    unsigned retry_after_s;  /* with 429 / 503 */
    json_t *owned_json;      /* the parsed body, released when the request ends */
    struct fc_err err;
};

#define HTTP_MAX_RESP_HEADERS 8

struct http_resp {
    int status;
    const char *content_type;
    const char *body;
    size_t body_len;
    bool is_cacheable;       /* static assets: may be cached; everything else: no-store */
    size_t n_headers;
    struct {
        const char *name;
        const char *value;
    } headers[HTTP_MAX_RESP_HEADERS];
};

/* A handler: fills resp and returns FC_OK, or returns a status with req->err set. */
typedef int (*http_handler_fn)(struct http_req *req, struct http_resp *resp);

/* Role bits for the route table: HTTP_ROLE(ROLE_OFFICER) | ... */
#define HTTP_ROLE(r)      (1u << (r))
#define HTTP_ROLES_ANY    ((1u << ROLE_COUNT) - 1)
#define HTTP_ROLES_PUBLIC 0u /* no session needed */

struct http_route {
    const char *method;
    const char *pattern; /* "/api/v1/persons/{id}"; a last segment "{*}" takes the rest */
    http_handler_fn handler;
    unsigned roles;      /* HTTP_ROLES_PUBLIC or a mask of HTTP_ROLE() bits */
    const char *summary; /* one line, as in docs/api.md and the OpenAPI document */
};

/* The route table (routes.c), ended by an entry with method == NULL. */
extern const struct http_route http_routes[];

/* ---- request helpers (server.c) ---- */

/* A request header, or NULL. Borrowed for the request's lifetime. */
const char *http_req_header(const struct http_req *req, const char *name);
/* A decoded query-string argument, or NULL. Values were checked for UTF-8 and length. */
const char *http_req_query(const struct http_req *req, const char *name);
/* A path parameter by name ({id}), or NULL. */
const char *http_req_param(const struct http_req *req, const char *name);
/* The {name} parameter as a positive id; FC_ENOTFOUND naming it when malformed. */
int http_req_param_id(struct http_req *req, const char *name, fc_id_t *out);
/* A query argument as an integer in [min, max]; absent gives fallback. */
int http_req_query_long(struct http_req *req, const char *name, long min, long max,
                        long fallback, long *out);

/*
 * Parses the body as a JSON object: the Content-Type must be application/json, the
 * nesting at most HTTP_MAX_JSON_DEPTH. On failure sets req->err (400) and returns it.
 * *out is owned by the request (freed at its end); do not json_decref it.
 */
int http_req_json(struct http_req *req, json_t **out);

/*
 * A field of an application/x-www-form-urlencoded body (HTML forms), percent-decoded into
 * the arena, or NULL when absent or the body is not a form. The first occurrence wins.
 */
const char *http_req_form(struct http_req *req, const char *name);

/* ---- limits (server.c), exposed for tests ---- */

/* Deepest nesting of [ and { outside JSON strings; stops counting once past `limit`. */
size_t http_json_depth(const char *s, size_t len, size_t limit);
/* Whether a client's X-Request-Id may be kept: 1 to 64 of A-Z a-z 0-9 . _ - */
bool http_request_id_is_safe(const char *s);

/* ---- response helpers (server.c) ---- */

/* Renders `body` (a new reference, which this steals) as the JSON response. */
int http_resp_json(struct http_req *req, struct http_resp *resp, int status, json_t *body);
/* Adds a response header (name and value must outlive the request: literals or arena). */
int http_resp_header(struct http_req *req, struct http_resp *resp, const char *name,
                     const char *value);

/* ---- error mapping (problem.c) ---- */

/* The HTTP status for an fc_status (FC_EINVAL 422, FC_EAUTH 401, ...). */
int http_status_of(enum fc_status status);
/* The reason phrase for a status code ("Unprocessable Content"). */
const char *http_status_title(int status);
/*
 * Renders an RFC 9457 problem document into the arena:
 * {"type","title","status","detail","field","request_id"}. *len gets its length.
 * Returns NULL only when the arena is exhausted.
 */
char *http_problem_render(struct arena *a, int status, const struct fc_err *err,
                          const char *request_id, size_t *len);

/* ---- routing (router.c) ---- */

enum http_match {
    HTTP_MATCH_FOUND,
    HTTP_MATCH_NO_PATH,    /* 404 */
    HTTP_MATCH_NO_METHOD,  /* 405: the path exists for other methods */
};

/*
 * Finds the route for method and path in `routes` (ended by method == NULL). On
 * HTTP_MATCH_FOUND, *out is the route and params[] (at most HTTP_MAX_PARAMS) point into
 * `scratch`, which must hold at least strlen(path) + 1 bytes and outlive their use.
 * HEAD matches GET routes.
 */
enum http_match http_router_match(const struct http_route *routes, const char *method,
                                  const char *path, char *scratch,
                                  const struct http_route **out, struct http_param *params,
                                  size_t *n_params);

/* True when the role may use the route (public routes: everyone). */
bool http_route_allows(const struct http_route *route, enum user_role role);

#endif
