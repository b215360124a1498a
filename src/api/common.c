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

/* How many of the viewer's organisation's contacts, incidents and flags name the person. */
int api_person_own_links(struct http_req *req, fc_id_t person_id, size_t *out)
{
    struct store *st = req->app->store;
    struct access_viewer v = api_viewer(req);
    struct fc_err e;
    size_t n = 0, k = 0;
    int rc;

    *out = 0;
    if (access_person_is_own(&v, 0))
        return FC_OK; /* the answer does not depend on links */
    struct incident_query iq = { .person_id = person_id, .org_id = v.org_id, .limit = 1 };
    struct incident *inc;
    rc = st->ops->incident_search(st, &iq, req->arena, &inc, &k, &e);
    if (rc != FC_OK)
        return api_store_failed(req, rc, &e);
    n += k;
    struct contact_query cq = { .caller_person_id = person_id, .limit = 100 };
    struct contact *cs;
    rc = st->ops->contact_search(st, &cq, req->arena, &cs, &k, &e);
    if (rc != FC_OK)
        return api_store_failed(req, rc, &e);
    for (size_t i = 0; i < k; i++)
        n += cs[i].org_id == v.org_id;
    struct flag *fs;
    rc = st->ops->flag_list_for_person(st, person_id, req->arena, &fs, &k, &e);
    if (rc != FC_OK)
        return api_store_failed(req, rc, &e);
    for (size_t i = 0; i < k; i++)
        n += fs[i].org_id == v.org_id;
    if (n == 0) {
        /* a person the organisation itself recorded: the audit trail says who collected it */
        struct audit_event *evs;
        rc = st->ops->audit_list(st, "person", person_id, 0, req->arena, &evs, &k, &e);
        if (rc != FC_OK)
            return api_store_failed(req, rc, &e);
        for (size_t i = 0; i < k && n == 0; i++) {
            struct user u;
            if (evs[i].action != AUDIT_COLLECT || evs[i].actor_user_id == 0)
                continue;
            if (evs[i].actor_user_id == v.user_id) {
                n++;
                continue;
            }
            rc = st->ops->user_get(st, evs[i].actor_user_id, req->arena, &u, &e);
            if (rc == FC_OK && u.org_id == v.org_id)
                n++;
        }
    }
    *out = n;
    return FC_OK;
}

enum access_level api_break_glass_level(struct http_req *req, const char *object_type,
                                        fc_id_t object_id)
{
    struct access_viewer v = api_viewer(req);
    struct fc_err e;
    fc_time_t expires = 0;
    if (!access_can_break_glass(&v))
        return ACCESS_NONE;
    if (req->app->store->ops->break_glass_active(req->app->store, v.user_id, object_type,
                                                 object_id, req->now, &expires, &e) != FC_OK)
        return ACCESS_NONE; /* cannot tell: the refusal stands */
    return access_break_glass_level(&v, expires, req->now);
}

/* FC_OK when the viewer may see the person; FC_EDENIED otherwise. */
int api_person_check_visible(struct http_req *req, fc_id_t person_id)
{
    struct access_viewer v = api_viewer(req);
    size_t n;
    int rc = api_person_own_links(req, person_id, &n);
    if (rc != FC_OK)
        return rc;
    bool own = access_person_is_own(&v, n);
    if (!access_person_visible(&v, own, ACCESS_NONE) &&
        !access_person_visible(&v, own, api_break_glass_level(req, "person", person_id)))
        return err_set(&req->err, FC_EDENIED, "id",
                       "this person is not in your organisation's records or shared with it");
    return FC_OK;
}

int api_audit_read(struct http_req *req, const char *object_type, fc_id_t object_id,
                   const char *detail)
{
    const char *purpose;
    int rc = api_purpose(req, NULL, &purpose);
    if (rc != FC_OK)
        return rc;
    return api_audit(req, AUDIT_CONSULT, object_type, object_id, purpose, detail);
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
