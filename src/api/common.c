/* api/common.c: helpers every resource handler shares. See api.h. */
#include <stdarg.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include "api/api.h"
#include "store/store.h"
#include "util/timeutil.h"
#include "util/utf8.h"

#define PURPOSE_MAX_CHARS 200

struct access_viewer api_viewer(const struct http_req *req)
{
    struct access_viewer v;
    v.user_id = req->auth.user.id;
    v.org_id = req->auth.user.org_id;
    v.org_kind = req->auth.org.kind;
    v.role = req->auth.user.role;
    return v;
}

int api_purpose(struct http_req *req, const json_t *body, const char **out)
{
    const char *p = http_req_header(req, "X-Purpose");
    const char *field = "X-Purpose";
    *out = NULL;
    if (p == NULL && body != NULL) {
        json_t *v = json_object_get(body, "purpose");
        if (v != NULL && !json_is_null(v)) {
            if (!json_is_string(v))
                return err_set(&req->err, FC_EINVAL, "purpose", "must be a string");
            p = json_string_value(v);
            field = "purpose";
        }
    }
    if (p == NULL)
        return FC_OK;
    size_t len = strlen(p);
    if (!utf8_is_valid(p, len, NULL)) {
        req->problem_status = 400;
        return err_set(&req->err, FC_EINVAL, field, "not valid UTF-8");
    }
    if (utf8_length(p, len) > PURPOSE_MAX_CHARS)
        return err_set(&req->err, FC_EINVAL, field, "longer than %d characters",
                       PURPOSE_MAX_CHARS);
    while (*p == ' ')
        p++;
    *out = *p != '\0' ? p : NULL;
    return FC_OK;
}

/*
 * The purpose of a read: stated, or implied by the reader's live contact (X-Contact-Id or
 * ?contact_id naming their own contact received within the window). A read outside a live
 * contact with no stated purpose is refused.
 */
int api_read_purpose(struct http_req *req, const struct contact *contact, const char **out)
{
    struct access_viewer v = api_viewer(req);
    int rc = api_purpose(req, NULL, out);
    if (rc != FC_OK || *out != NULL)
        return rc;
    if (contact != NULL &&
        access_contact_is_live(&v, contact->handler_user_id, contact->received_at, req->now)) {
        *out = arena_sprintf(req->arena, "live contact %lld", (long long)contact->id);
        return FC_OK;
    }
    const char *cid = http_req_header(req, "X-Contact-Id");
    if (cid == NULL)
        cid = http_req_query(req, "contact_id");
    if (cid != NULL) {
        char *end;
        long long id = strtoll(cid, &end, 10);
        struct contact c;
        struct fc_err e;
        if (*end == '\0' && id > 0 &&
            req->app->store->ops->contact_get(req->app->store, id, req->arena, &c, &e) == FC_OK &&
            access_contact_is_live(&v, c.handler_user_id, c.received_at, req->now)) {
            *out = arena_sprintf(req->arena, "live contact %lld", id);
            return FC_OK;
        }
        return err_set(&req->err, FC_EINVAL, "X-Contact-Id",
                       "not one of your live contacts: state a purpose in X-Purpose instead");
    }
    return err_set(&req->err, FC_EINVAL, "X-Purpose",
                   "a purpose is required to read a person's record outside a live contact");
}

int api_audit(struct http_req *req, enum audit_action action, const char *object_type,
              fc_id_t object_id, const char *purpose, const char *detail)
{
    struct audit_event ev;
    struct fc_err e;
    memset(&ev, 0, sizeof(ev));
    ev.at = req->now;
    ev.actor_user_id = req->auth.user.id;
    ev.action = action;
    ev.object_type = (char *)object_type;
    ev.object_id = object_id;
    ev.purpose = (char *)(purpose ? purpose : "");
    ev.detail = (char *)(detail ? detail : "");
    int rc = req->app->store->ops->audit_append(req->app->store, &ev, &e);
    if (rc != FC_OK)
        return api_store_failed(req, rc, &e);
    return FC_OK;
}

const char *api_time(struct http_req *req, fc_time_t t)
{
    char buf[32];
    if (t == 0)
        return NULL;
    time_format_utc(t, buf, sizeof(buf));
    return arena_strdup(req->arena, buf);
}

int api_time_parse(struct http_req *req, const json_t *obj, const char *path, const char *key,
                   fc_time_t fallback, fc_time_t *out)
{
    const char *s = json_string_value(json_object_get(obj, key));
    int64_t t;
    int off;
    if (s == NULL) {
        *out = fallback;
        return FC_OK;
    }
    if (!time_parse_iso8601(s, &t, &off)) {
        char f[64];
        snprintf(f, sizeof(f), "%s%s%s", path ? path : "", path && path[0] ? "." : "", key);
        return err_set(&req->err, FC_EINVAL, f,
                       "must be an ISO 8601 time such as 2026-03-02T21:14:07Z");
    }
    *out = t;
    return FC_OK;
}

const char *api_path(struct http_req *req, const char *fmt, ...)
{
    static const char fallback[] = "";
    char buf[64];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    const char *s = arena_strdup(req->arena, buf);
    return s != NULL ? s : fallback;
}

char *api_strdup(struct http_req *req, const char *s)
{
    return arena_strdup(req->arena, s);
}

int api_page(struct http_req *req, size_t *limit, size_t *offset)
{
    long l, o;
    int rc = http_req_query_long(req, "limit", 1, 100, 20, &l);
    if (rc == FC_OK)
        rc = http_req_query_long(req, "offset", 0, 1000000, 0, &o);
    if (rc != FC_OK)
        return rc;
    *limit = (size_t)l;
    *offset = (size_t)o;
    return FC_OK;
}

int api_store_failed(struct http_req *req, int rc, const struct fc_err *e)
{
    req->err = *e;
    req->err.status = rc;
    return rc;
}
