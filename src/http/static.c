/*
 * http/static.c: /healthz, /readyz, the OpenAPI document and embedded static files.
 *
 * Static files are compiled into the binary (util/assets.h) from web/static/, so the
 * server reads no files at run time and a path can only ever name an embedded asset:
 * "..", empty segments and hidden names are refused before the lookup.
 */
#include <string.h>

#include "http/handlers.h"
#include "store/store.h"
#include "util/assets.h"

int http_healthz(struct http_req *req, struct http_resp *resp)
{
    return http_resp_json(req, resp, 200, json_pack("{s:s}", "status", "ok"));
}

int http_readyz(struct http_req *req, struct http_resp *resp)
{
    struct fc_err e;
    int rc = req->app->store->ops->check(req->app->store, &e);
    if (rc != FC_OK) {
        req->problem_status = 503;
        return err_set(&req->err, FC_EUNAVAIL, "store", "store is not ready: %s", e.msg);
    }
    return http_resp_json(req, resp, 200,
                          json_pack("{s:s, s:s}", "status", "ready", "store",
                                    req->app->store->ops->name));
}

int http_openapi(struct http_req *req, struct http_resp *resp)
{
    const struct asset *a = assets_find("data/api/openapi.json");
    if (a == NULL)
        return err_set(&req->err, FC_EINTERNAL, "", "the OpenAPI document is not embedded");
    resp->status = 200;
    resp->content_type = "application/json";
    resp->body = (const char *)a->start;
    resp->body_len = asset_size(a);
    return FC_OK;
}

static const struct {
    const char *ext;
    const char *type;
} types[] = {
    { ".css", "text/css; charset=utf-8" },
    { ".js", "text/javascript; charset=utf-8" },
    { ".mjs", "text/javascript; charset=utf-8" },
    { ".json", "application/json" },
    { ".geojson", "application/geo+json" },
    { ".svg", "image/svg+xml" },
    { ".png", "image/png" },
    { ".ico", "image/x-icon" },
    { ".woff2", "font/woff2" },
    { ".html", "text/html; charset=utf-8" },
    { ".txt", "text/plain; charset=utf-8" },
    { ".md", "text/plain; charset=utf-8" },
};

const char *http_content_type_of(const char *path)
{
    const char *dot = strrchr(path, '.');
    if (dot != NULL) {
        for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
            if (strcmp(dot, types[i].ext) == 0)
                return types[i].type;
        }
    }
    return "application/octet-stream";
}

static bool path_is_safe(const char *p)
{
    if (p == NULL || *p == '\0' || *p == '/')
        return false;
    for (const char *seg = p; seg != NULL; seg = strchr(seg, '/') ? strchr(seg, '/') + 1 : NULL) {
        if (seg[0] == '/' || seg[0] == '\0' || seg[0] == '.')
            return false; /* empty segment, "..", hidden file */
    }
    return strchr(p, '\\') == NULL;
}

int http_static_file(struct http_req *req, struct http_resp *resp)
{
    const char *rest = http_req_param(req, "*");
    if (!path_is_safe(rest))
        return err_set(&req->err, FC_ENOTFOUND, "path", "no such file");
    const char *full = arena_sprintf(req->arena, "web/static/%s", rest);
    const struct asset *a = full ? assets_find(full) : NULL;
    if (a == NULL)
        return err_set(&req->err, FC_ENOTFOUND, "path", "no such file");
    resp->status = 200;
    resp->content_type = http_content_type_of(full);
    resp->body = (const char *)a->start;
    resp->body_len = asset_size(a);
    resp->is_cacheable = true;
    return FC_OK;
}
