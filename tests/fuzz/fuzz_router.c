/*
 * tests/fuzz/fuzz_router.c: routing (http/router.c) over the real route table, and the
 * request-id filter the server applies to X-Request-Id.
 *
 * The first byte picks a method; the rest is the decoded path. Properties: a match has the
 * method asked (HEAD finds GET), at most HTTP_MAX_PARAMS captures, each a non-empty whole
 * segment; putting the captures back into the pattern gives the path exactly (nothing is
 * skipped or invented); a role the route does not list is refused. A request id that is
 * kept holds only characters safe in a log line.
 */
#include "fuzz.h"
#include "http/http.h"

static void check_rebuild(const struct http_route *r, const struct http_param *params, size_t n,
                          const char *path)
{
    char buf[8192];
    size_t j = 0, k = 0;
    for (const char *p = r->pattern; *p && j + 1 < sizeof buf;) {
        if (*p == '{') {
            const char *end = strchr(p, '}');
            FUZZ_CHECK(end != NULL && k < n);
            size_t vl = strlen(params[k].value);
            FUZZ_CHECK(vl > 0);
            if (strcmp(params[k].name, "*") != 0)
                FUZZ_CHECK(strchr(params[k].value, '/') == NULL);
            if (j + vl >= sizeof buf)
                return; /* too long to rebuild here */
            memcpy(buf + j, params[k].value, vl);
            j += vl;
            k++;
            p = end + 1;
        } else {
            buf[j++] = *p++;
        }
    }
    buf[j] = '\0';
    FUZZ_CHECK(k == n);
    FUZZ_CHECK(strcmp(buf, path) == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const methods[] = { "GET", "HEAD", "POST", "PUT", "PATCH", "DELETE",
                                           "OPTIONS", "get", "" };
    if (size < 1 || size > 4096)
        return 0;
    const char *method = methods[data[0] % (sizeof methods / sizeof methods[0])];
    char *path = fuzz_cstr(data + 1, size - 1);
    char *scratch = malloc(strlen(path) + 1);
    FUZZ_CHECK(scratch != NULL);
    const struct http_route *r = NULL;
    struct http_param params[HTTP_MAX_PARAMS];
    size_t n = 99;
    enum http_match m = http_router_match(http_routes, method, path, scratch, &r, params, &n);
    if (m == HTTP_MATCH_FOUND) {
        FUZZ_CHECK(r != NULL && n <= HTTP_MAX_PARAMS);
        FUZZ_CHECK(strcmp(r->method, strcmp(method, "HEAD") == 0 ? "GET" : method) == 0);
        for (size_t i = 0; i < n; i++)
            FUZZ_CHECK(params[i].value >= scratch && params[i].value <= scratch + strlen(path));
        check_rebuild(r, params, n, path);
        for (int role = 0; role < ROLE_COUNT; role++)
            if (r->roles != HTTP_ROLES_PUBLIC && !(r->roles & HTTP_ROLE(role)))
                FUZZ_CHECK(!http_route_allows(r, (enum user_role)role));
        FUZZ_CHECK(!http_route_allows(r, (enum user_role)ROLE_COUNT) ||
                   r->roles == HTTP_ROLES_PUBLIC);
    } else {
        FUZZ_CHECK(r == NULL && n == 0);
        FUZZ_CHECK(m == HTTP_MATCH_NO_PATH || m == HTTP_MATCH_NO_METHOD);
    }
    if (http_request_id_is_safe(path)) {
        size_t len = strlen(path);
        FUZZ_CHECK(len >= 1 && len <= 64);
        for (const char *p = path; *p; p++)
            FUZZ_CHECK((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
                       (*p >= '0' && *p <= '9') || *p == '.' || *p == '_' || *p == '-');
    }
    free(scratch);
    free(path);
    return 0;
}
