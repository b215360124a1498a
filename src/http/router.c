/*
 * http/router.c: matches a method and path against the route table.
 *
 * Patterns are literal segments and {name} captures of one whole segment; a last segment
 * "{*}" captures the rest of the path (static files). A linear scan is enough: the table
 * has a few dozen routes and matching is a few string compares per route.
 */
#include <string.h>

#include "http/http.h"

/* Matches one pattern; captures point into scratch (same offsets as in path). */
static bool match_pattern(const char *pattern, const char *path, char *scratch,
                          struct http_param *params, size_t *n_params)
{
    const char *p = pattern;
    const char *s = path;
    size_t n = 0;

    while (*p != '\0' && *s != '\0') {
        if (*p != '/' || *s != '/')
            return false;
        p++;
        s++;
        const char *pend = strchr(p, '/');
        size_t plen = pend ? (size_t)(pend - p) : strlen(p);
        const char *send = strchr(s, '/');
        size_t slen = send ? (size_t)(send - s) : strlen(s);

        if (plen == 3 && memcmp(p, "{*}", 3) == 0 && pend == NULL) {
            if (slen == 0 || n >= HTTP_MAX_PARAMS)
                return false;
            size_t off = (size_t)(s - path);
            strcpy(scratch + off, s);
            params[n].name = "*";
            params[n].name_len = 1;
            params[n].value = scratch + off;
            n++;
            *n_params = n;
            return true;
        }
        if (plen >= 2 && p[0] == '{' && p[plen - 1] == '}') {
            if (slen == 0 || n >= HTTP_MAX_PARAMS)
                return false;
            size_t off = (size_t)(s - path);
            memcpy(scratch + off, s, slen);
            scratch[off + slen] = '\0';
            params[n].name = p + 1;
            params[n].name_len = plen - 2;
            params[n].value = scratch + off;
            n++;
        } else if (plen != slen || memcmp(p, s, plen) != 0) {
            return false;
        }
        p += plen;
        s += slen;
    }
    if (*p != '\0' || *s != '\0')
        return false;
    *n_params = n;
    return true;
}

enum http_match http_router_match(const struct http_route *routes, const char *method,
                                  const char *path, char *scratch,
                                  const struct http_route **out, struct http_param *params,
                                  size_t *n_params)
{
    bool path_known = false;
    const char *want = strcmp(method, "HEAD") == 0 ? "GET" : method;

    *out = NULL;
    *n_params = 0;
    if (path == NULL || path[0] != '/')
        return HTTP_MATCH_NO_PATH;
    for (const struct http_route *r = routes; r->method != NULL; r++) {
        size_t n = 0;
        if (!match_pattern(r->pattern, path, scratch, params, &n))
            continue;
        if (strcmp(r->method, want) != 0) {
            path_known = true;
            continue;
        }
        *out = r;
        *n_params = n;
        return HTTP_MATCH_FOUND;
    }
    return path_known ? HTTP_MATCH_NO_METHOD : HTTP_MATCH_NO_PATH;
}

bool http_route_allows(const struct http_route *route, enum user_role role)
{
    if (route->roles == HTTP_ROLES_PUBLIC)
        return true;
    if ((unsigned)role >= ROLE_COUNT)
        return false;
    return (route->roles & HTTP_ROLE(role)) != 0;
}
