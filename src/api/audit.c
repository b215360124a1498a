/*
 * api/audit.c: break the glass and the audit reports (issue 8, DESIGN section 11).
 *
 *   POST /api/v1/break-glass          a supervisor overrides a sharing refusal on one
 *                                     record, with a stated reason, for a short time
 *   GET  /api/v1/break-glass          every override: who, what, when, why
 *   GET  /api/v1/persons/{id}/audit   who looked at this person
 *   GET  /api/v1/users/{id}/audit     whose records this user looked at
 *
 * The rules (who may break the glass, for how long, which events a report shows) are in
 * domain/access. An override is written with its audit event ("break_glass", the reason as
 * its purpose) in one transaction. Reading a report is itself audited. Reports hold ids,
 * actions and stated purposes, never a person's details, so admins may read them.
 */
#include <stdio.h>
#include <string.h>

#include "api/api.h"
#include "api/input.h"
#include "domain/cases/cases.h"
#include "store/store.h"
#include "util/timeutil.h"

#define REPORT_LIMIT_MAX 1000
#define REPORT_LIMIT_DEFAULT 200

static const char *const bg_objects[] = { "person", "incident", "case", NULL };

static const struct api_field bg_fields[] = {
    { "object_type", API_STRING, true, 10, bg_objects },
    { "object_id", API_INTEGER, true, 0, NULL },
    { "reason", API_STRING, true, ACCESS_BREAK_GLASS_REASON_MAX + 50, NULL },
    API_FIELDS_END,
};

/* A user's name and organisation for a report, looked up once per request. */
struct actor_cache {
    fc_id_t id[64];
    struct user u[64];
    bool found[64];
    size_t n;
};

static const struct user *actor_of(struct http_req *req, struct actor_cache *c, fc_id_t id)
{
    struct fc_err e;
    for (size_t i = 0; i < c->n; i++) {
        if (c->id[i] == id)
            return c->found[i] ? &c->u[i] : NULL;
    }
    struct user u;
    bool found = id != 0 && req->app->store->ops->user_get(req->app->store, id, req->arena, &u,
                                                           &e) == FC_OK;
    if (c->n < sizeof(c->id) / sizeof(c->id[0])) {
        c->id[c->n] = id;
        c->found[c->n] = found;
        if (found)
            c->u[c->n] = u;
        c->n++;
        return found ? &c->u[c->n - 1] : NULL;
    }
    /* cache full: answer from this lookup only (arena memory stays valid for the request) */
    struct user *keep = found ? arena_alloc(req->arena, sizeof(*keep)) : NULL;
    if (keep != NULL)
        *keep = u;
    return keep;
}

/* Why the viewer cannot see the record now: FC_OK when refused (an override may be made),
 * FC_ECONFLICT when they already may, or the lookup's error. */
static int check_refused(struct http_req *req, const char *type, fc_id_t id)
{
    struct store *st = req->app->store;
    struct access_viewer v = api_viewer(req);
    struct fc_err e;
    int rc;
    if (strcmp(type, "person") == 0) {
        struct person p;
        size_t links;
        rc = st->ops->person_get(st, id, req->arena, &p, &e);
        if (rc != FC_OK)
            return api_store_failed(req, rc, &e);
        rc = api_person_own_links(req, id, &links);
        if (rc != FC_OK)
            return rc;
        bool own = access_person_is_own(&v, links);
        if (access_person_visible(&v, own, ACCESS_NONE) ||
            access_person_visible(&v, own, api_break_glass_level(req, "person", id)))
            return err_set(&req->err, FC_ECONFLICT, "object_id",
                           "you may already see this person: no override is needed");
        return FC_OK;
    }
    if (strcmp(type, "incident") == 0) {
        struct incident inc;
        rc = st->ops->incident_get(st, id, req->arena, &inc, &e);
        if (rc != FC_OK)
            return api_store_failed(req, rc, &e);
        if (inc.is_police_only && !access_org_is_police(v.org_kind))
            return err_set(&req->err, FC_EDENIED, "object_id",
                           "a police-only incident never reaches a partner organisation, even "
                           "by breaking the glass");
        if (access_incident_visible(&v, inc.org_id, inc.is_police_only, ACCESS_NONE) ||
            access_incident_visible(&v, inc.org_id, inc.is_police_only,
                                    api_break_glass_level(req, "incident", id)))
            return err_set(&req->err, FC_ECONFLICT, "object_id",
                           "you may already see this incident: no override is needed");
        return FC_OK;
    }
    struct asb_case c;
    enum access_level lvl;
    rc = cases_level(st, &v, id, req->now, req->arena, &c, &lvl, &e);
    if (rc != FC_OK)
        return api_store_failed(req, rc, &e);
    if (lvl != ACCESS_NONE)
        return err_set(&req->err, FC_ECONFLICT, "object_id",
                       "you may already see this case: no override is needed");
    return FC_OK;
}

static json_t *grant_json(struct http_req *req, const struct break_glass_rec *g,
                          const struct user *u)
{
    json_t *o = json_pack("{s:I, s:I, s:s, s:I, s:s, s:s, s:s, s:b}", "id", (json_int_t)g->id,
                          "user_id", (json_int_t)g->user_id, "object_type", g->object_type,
                          "object_id", (json_int_t)g->object_id, "reason", g->reason,
                          "granted_at", api_time(req, g->granted_at), "expires_at",
                          api_time(req, g->expires_at), "in_force",
                          g->granted_at <= req->now && req->now < g->expires_at);
    if (u != NULL) {
        json_object_set_new(o, "username", json_string(u->username));
        json_object_set_new(o, "org_id", json_integer(u->org_id));
        if (u->display_name != NULL)
            json_object_set_new(o, "display_name", json_string(u->display_name));
    }
    return o;
}

int api_break_glass_create(struct http_req *req, struct http_resp *resp)
{
    struct store *st = req->app->store;
    struct access_viewer v = api_viewer(req);
    struct fc_err e;
    json_t *in;
    int rc = http_req_json(req, &in);
    if (rc == FC_OK)
        rc = api_input_check(in, "", bg_fields, &req->err);
    if (rc != FC_OK)
        return rc;
    if (!access_can_break_glass(&v))
        return err_set(&req->err, FC_EDENIED, "", "only a supervisor may break the glass");
    struct break_glass_rec g = { 0 };
    g.user_id = v.user_id;
    g.object_type = api_strdup(req, api_input_str(in, "object_type"));
    g.object_id = (fc_id_t)api_input_int(in, "object_id", 0);
    g.reason = api_strdup(req, api_input_str(in, "reason"));
    g.granted_at = req->now;
    g.expires_at = req->now + (fc_time_t)ACCESS_BREAK_GLASS_S;
    if (g.object_id <= 0)
        return err_set(&req->err, FC_EINVAL, "object_id", "must be a record id (1 or more)");
    if (!access_break_glass_object_is_valid(g.object_type))
        return err_set(&req->err, FC_EINVAL, "object_type", "must be person, incident or case");
    rc = access_break_glass_reason_check(g.reason, &req->err);
    if (rc == FC_OK)
        rc = check_refused(req, g.object_type, g.object_id);
    if (rc != FC_OK)
        return rc;
    rc = st->ops->txn_begin(st, &e);
    if (rc != FC_OK)
        return api_store_failed(req, rc, &e);
    rc = st->ops->break_glass_insert(st, &g, &g.id, &e);
    if (rc != FC_OK) {
        api_store_failed(req, rc, &e);
        goto out;
    }
    rc = api_audit(req, AUDIT_BREAK_GLASS, g.object_type, g.object_id, g.reason,
                   arena_sprintf(req->arena, "break-glass grant %lld for %d minutes",
                                 (long long)g.id, ACCESS_BREAK_GLASS_S / 60));
    if (rc != FC_OK)
        goto out;
    rc = st->ops->txn_commit(st, &e);
    if (rc != FC_OK)
        return api_store_failed(req, rc, &e);
    http_resp_header(req, resp, "Location",
                     arena_sprintf(req->arena, "/api/v1/%ss/%lld", g.object_type,
                                   (long long)g.object_id));
    return http_resp_json(req, resp, 201, grant_json(req, &g, &req->auth.user));
out:
    st->ops->txn_rollback(st);
    return rc;
}

/* Reads ?name= as an ISO 8601 time; absent gives 0. */
static int query_time(struct http_req *req, const char *name, fc_time_t *out)
{
    const char *s = http_req_query(req, name);
    int64_t t;
    int off;
    *out = 0;
    if (s == NULL)
        return FC_OK;
    if (!time_parse_iso8601(s, &t, &off))
        return err_set(&req->err, FC_EINVAL, name,
                       "must be an ISO 8601 time such as 2026-03-02T21:14:07Z");
    *out = t;
    return FC_OK;
}

int api_break_glass_list(struct http_req *req, struct http_resp *resp)
{
    struct store *st = req->app->store;
    struct access_viewer v = api_viewer(req);
    struct break_glass_rec *gs;
    struct actor_cache cache = { 0 };
    struct fc_err e;
    size_t n;
    fc_time_t from, to;
    if (!access_can_read_audit(&v))
        return err_set(&req->err, FC_EDENIED, "", "only supervisors and admins read audit reports");
    int rc = query_time(req, "from", &from);
    if (rc == FC_OK)
        rc = query_time(req, "to", &to);
    if (rc != FC_OK)
        return rc;
    rc = st->ops->break_glass_list(st, from, to, req->arena, &gs, &n, &e);
    if (rc != FC_OK)
        return api_store_failed(req, rc, &e);
    rc = api_audit(req, AUDIT_CONSULT, "break_glass", 0, "break-glass report",
                   "break-glass report viewed");
    if (rc != FC_OK)
        return rc;
    json_t *items = json_array();
    for (size_t i = 0; i < n; i++) {
        const struct user *u = actor_of(req, &cache, gs[i].user_id);
        if (!access_audit_event_visible(&v, u ? u->org_id : 0))
            continue;
        json_array_append_new(items, grant_json(req, &gs[i], u));
    }
    return http_resp_json(req, resp, 200, json_pack("{s:o}", "items", items));
}

static json_t *event_json(struct http_req *req, const struct audit_event *ev,
                          const struct user *u)
{
    json_t *o = json_pack("{s:I, s:s, s:s, s:s, s:s?, s:s?}", "seq", (json_int_t)ev->seq, "at",
                          api_time(req, ev->at), "action", model_audit_action_name(ev->action),
                          "object_type", ev->object_type, "purpose", ev->purpose, "detail",
                          ev->detail);
    json_object_set_new(o, "object_id", ev->object_id ? json_integer(ev->object_id) : json_null());
    json_object_set_new(o, "actor_user_id",
                        ev->actor_user_id ? json_integer(ev->actor_user_id) : json_null());
    if (u != NULL) {
        json_object_set_new(o, "actor_username", json_string(u->username));
        json_object_set_new(o, "actor_org_id", json_integer(u->org_id));
    }
    return o;
}

/*
 * The events of one object (object_type != NULL) or one actor, newest first, as the viewer
 * may see them, paged with ?limit (1..1000, 200) and ?offset. Fills *persons (for an
 * actor's report) with how often each person was looked at.
 */
static int report_events(struct http_req *req, const char *object_type, fc_id_t object_id,
                         fc_id_t actor, json_t **out_items, json_t **out_persons)
{
    struct store *st = req->app->store;
    struct access_viewer v = api_viewer(req);
    struct audit_event *evs;
    struct actor_cache cache = { 0 };
    struct fc_err e;
    size_t n;
    long limit, offset;
    *out_items = NULL;
    if (out_persons != NULL)
        *out_persons = NULL;
    int rc = http_req_query_long(req, "limit", 1, REPORT_LIMIT_MAX, REPORT_LIMIT_DEFAULT, &limit);
    if (rc == FC_OK)
        rc = http_req_query_long(req, "offset", 0, 100000000, 0, &offset);
    if (rc != FC_OK)
        return rc;
    rc = st->ops->audit_list(st, object_type, object_id, actor, req->arena, &evs, &n, &e);
    if (rc != FC_OK)
        return api_store_failed(req, rc, &e);
    json_t *items = json_array();
    json_t *persons = out_persons ? json_object() : NULL;
    long skipped = 0;
    for (size_t k = n; k-- > 0;) {
        const struct audit_event *ev = &evs[k];
        const struct user *u = actor_of(req, &cache, ev->actor_user_id);
        if (!access_audit_event_visible(&v, u ? u->org_id : 0))
            continue;
        if (persons != NULL && strcmp(ev->object_type, "person") == 0 && ev->object_id != 0) {
            char key[32];
            snprintf(key, sizeof(key), "%lld", (long long)ev->object_id);
            json_t *p = json_object_get(persons, key);
            if (p == NULL) {
                p = json_pack("{s:I, s:i, s:s}", "person_id", (json_int_t)ev->object_id,
                              "events", 0, "last_at", api_time(req, ev->at));
                json_object_set_new(persons, key, p);
            }
            json_object_set_new(p, "events",
                                json_integer(json_integer_value(json_object_get(p, "events")) + 1));
        }
        if (skipped < offset) {
            skipped++;
            continue;
        }
        if ((long)json_array_size(items) < limit)
            json_array_append_new(items, event_json(req, ev, u));
    }
    *out_items = items;
    if (out_persons != NULL) {
        json_t *arr = json_array();
        const char *key;
        json_t *val;
        json_object_foreach(persons, key, val) {
            (void)key;
            json_array_append(arr, val);
        }
        json_decref(persons);
        *out_persons = arr;
    }
    return FC_OK;
}

int api_persons_audit(struct http_req *req, struct http_resp *resp)
{
    struct store *st = req->app->store;
    struct access_viewer v = api_viewer(req);
    struct person p;
    struct fc_err e;
    const char *purpose;
    fc_id_t id;
    json_t *items = NULL;
    if (!access_can_read_audit(&v))
        return err_set(&req->err, FC_EDENIED, "", "only supervisors and admins read audit reports");
    int rc = http_req_param_id(req, "id", &id);
    if (rc == FC_OK)
        rc = api_purpose(req, NULL, &purpose);
    if (rc != FC_OK)
        return rc;
    rc = st->ops->person_get(st, id, req->arena, &p, &e);
    if (rc != FC_OK)
        return api_store_failed(req, rc, &e);
    rc = report_events(req, "person", id, 0, &items, NULL);
    if (rc != FC_OK)
        return rc;
    rc = api_audit(req, AUDIT_CONSULT, "person_audit", id, purpose ? purpose : "audit report",
                   "who looked at this person");
    if (rc != FC_OK) {
        json_decref(items);
        return rc;
    }
    return http_resp_json(req, resp, 200, json_pack("{s:I, s:o}", "person_id", (json_int_t)id,
                                                    "items", items));
}

int api_users_audit(struct http_req *req, struct http_resp *resp)
{
    struct store *st = req->app->store;
    struct access_viewer v = api_viewer(req);
    struct user u;
    struct fc_err e;
    const char *purpose;
    fc_id_t id;
    json_t *items = NULL, *persons = NULL;
    if (!access_can_read_audit(&v))
        return err_set(&req->err, FC_EDENIED, "", "only supervisors and admins read audit reports");
    int rc = http_req_param_id(req, "id", &id);
    if (rc == FC_OK)
        rc = api_purpose(req, NULL, &purpose);
    if (rc != FC_OK)
        return rc;
    rc = st->ops->user_get(st, id, req->arena, &u, &e);
    if (rc != FC_OK)
        return api_store_failed(req, rc, &e);
    if (!access_audit_event_visible(&v, u.org_id))
        return err_set(&req->err, FC_EDENIED, "id",
                       "this user is not in your organisation: ask an administrator");
    rc = report_events(req, NULL, 0, id, &items, &persons);
    if (rc != FC_OK)
        return rc;
    rc = api_audit(req, AUDIT_CONSULT, "user_audit", id, purpose ? purpose : "audit report",
                   "whose records this user looked at");
    if (rc != FC_OK) {
        json_decref(items);
        json_decref(persons);
        return rc;
    }
    return http_resp_json(req, resp, 200,
                          json_pack("{s:I, s:s, s:o, s:o}", "user_id", (json_int_t)id, "username",
                                    u.username, "persons", persons, "items", items));
}
