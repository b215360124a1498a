/*
 * api/contacts.c: /api/v1/contacts: record a contact (one call, form or referral), read
 * it, search contacts.
 *
 * The handler and organisation come from the session, never from the body. The caller's
 * details are kept as typed (raw_details) beside the link to a person. A contact belongs
 * to the organisation that took it; others see it only as domain/access allows. Reading
 * a contact that names a caller is a read of that person's record and is audited.
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "api/input.h"
#include "store/store.h"
#include "util/timeutil.h"

static const char *const channels[] = { "phone", "online", "open311", "partner_referral",
                                        NULL };

static const struct api_field contact_fields[] = {
    { "channel", API_STRING, true, 20, channels },
    { "received_at", API_STRING, false, 40, NULL },
    { "caller_person_id", API_INTEGER, false, 0, NULL },
    { "incident_id", API_INTEGER, false, 0, NULL },
    { "details", API_OBJECT, false, 0, NULL },
    { "purpose", API_STRING, false, 200, NULL },
    API_FIELDS_END,
};

/* The caller's details as typed: what the handler heard, kept verbatim. */
static const struct api_field details_fields[] = {
    { "forename", API_STRING, false, 100, NULL },
    { "surname", API_STRING, false, 100, NULL },
    { "full_name", API_STRING, false, 300, NULL },
    { "dob", API_STRING, false, 40, NULL },
    { "phone", API_STRING, false, 40, NULL },
    { "email", API_STRING, false, 254, NULL },
    { "address", API_STRING, false, 300, NULL },
    { "postcode", API_STRING, false, 10, NULL },
    { "notes", API_STRING, false, 4000, NULL },
    API_FIELDS_END,
};

static json_t *contact_json(struct http_req *req, const struct contact *c)
{
    json_t *o = json_pack("{s:I, s:s, s:s, s:i, s:I, s:I, s:s}", "id", (json_int_t)c->id,
                          "channel", model_channel_name(c->channel), "received_at",
                          api_time(req, c->received_at), "received_offset_min",
                          c->received_offset_min, "handler_user_id",
                          (json_int_t)c->handler_user_id, "org_id", (json_int_t)c->org_id,
                          "created_at", api_time(req, c->created_at));
    json_object_set_new(o, "caller_person_id",
                        c->caller_person_id ? json_integer(c->caller_person_id) : json_null());
    json_object_set_new(o, "incident_id",
                        c->incident_id ? json_integer(c->incident_id) : json_null());
    json_t *details = c->raw_details ? json_loads(c->raw_details, 0, NULL) : NULL;
    json_object_set_new(o, "details", details ? details : json_object());
    json_t *snap = c->match_snapshot ? json_loads(c->match_snapshot, 0, NULL) : NULL;
    if (snap != NULL)
        json_object_set_new(o, "match_snapshot", snap);
    return o;
}

/* FC_OK if the viewer's organisation may see the contact. */
static int check_contact_visible(struct http_req *req, const struct contact *c)
{
    struct access_viewer v = api_viewer(req);
    /* a contact is its organisation's record, like an incident that is not shared */
    if (!access_incident_visible(&v, c->org_id, false, ACCESS_NONE))
        return err_set(&req->err, FC_EDENIED, "id",
                       "this contact belongs to another organisation");
    return FC_OK;
}

int api_contacts_create(struct http_req *req, struct http_resp *resp)
{
    struct store *st = req->app->store;
    struct contact c;
    json_t *in;
    const char *purpose;
    struct fc_err e;
    fc_id_t id;
    int64_t at;
    int offset = 0;
    int rc;

    memset(&c, 0, sizeof(c));
    rc = http_req_json(req, &in);
    if (rc == FC_OK)
        rc = api_purpose(req, in, &purpose);
    if (rc == FC_OK)
        rc = api_input_check(in, "", contact_fields, &req->err);
    json_t *details = json_object_get(in, "details");
    if (rc == FC_OK && json_is_object(details))
        rc = api_input_check(details, "details", details_fields, &req->err);
    if (rc != FC_OK)
        return rc;
    model_channel_parse(api_input_str(in, "channel"), &c.channel);
    const char *received = api_input_str(in, "received_at");
    if (received != NULL) {
        if (!time_parse_iso8601(received, &at, &offset))
            return err_set(&req->err, FC_EINVAL, "received_at",
                           "must be an ISO 8601 time such as 2026-03-02T21:14:07Z");
        if (at > req->now + 300)
            return err_set(&req->err, FC_EINVAL, "received_at", "must not be in the future");
        c.received_at = at;
        c.received_offset_min = offset;
    } else {
        c.received_at = req->now;
    }
    c.caller_person_id = (fc_id_t)api_input_int(in, "caller_person_id", 0);
    c.incident_id = (fc_id_t)api_input_int(in, "incident_id", 0);
    if (c.caller_person_id < 0)
        return err_set(&req->err, FC_EINVAL, "caller_person_id", "must be a positive id");
    if (c.incident_id < 0)
        return err_set(&req->err, FC_EINVAL, "incident_id", "must be a positive id");
    c.handler_user_id = req->auth.user.id;
    c.org_id = req->auth.user.org_id;
    c.created_at = req->now;
    if (json_is_object(details)) {
        char *text = json_dumps(details, JSON_COMPACT | JSON_SORT_KEYS);
        c.raw_details = api_strdup(req, text);
        free(text);
    }
    if (c.caller_person_id != 0) {
        struct person p;
        rc = st->ops->person_get(st, c.caller_person_id, req->arena, &p, &e);
        if (rc == FC_ENOTFOUND)
            return err_set(&req->err, FC_EINVAL, "caller_person_id", "no such person");
        if (rc != FC_OK)
            return api_store_failed(req, rc, &e);
        rc = api_person_check_visible(req, c.caller_person_id);
        if (rc != FC_OK) {
            strcpy(req->err.field, "caller_person_id");
            return rc;
        }
    }
    if (c.incident_id != 0) {
        struct incident inc;
        rc = st->ops->incident_get(st, c.incident_id, req->arena, &inc, &e);
        if (rc == FC_ENOTFOUND)
            return err_set(&req->err, FC_EINVAL, "incident_id", "no such incident");
        if (rc != FC_OK)
            return api_store_failed(req, rc, &e);
        struct access_viewer v = api_viewer(req);
        if (!access_incident_visible(&v, inc.org_id, inc.is_police_only, ACCESS_NONE))
            return err_set(&req->err, FC_EDENIED, "incident_id",
                           "this incident belongs to another organisation");
    }

    rc = st->ops->txn_begin(st, &e);
    if (rc != FC_OK)
        return api_store_failed(req, rc, &e);
    rc = st->ops->contact_insert(st, &c, &id, &e);
    if (rc != FC_OK) {
        api_store_failed(req, rc, &e);
        goto out;
    }
    c.id = id;
    rc = api_audit(req, AUDIT_COLLECT, "contact", id, purpose ? purpose : "record a contact",
                   "created");
    if (rc == FC_OK && c.caller_person_id != 0)
        rc = api_audit(req, AUDIT_COLLECT, "person", c.caller_person_id,
                       purpose ? purpose : "record a contact",
                       arena_sprintf(req->arena, "caller on contact %lld", (long long)id));
    if (rc != FC_OK)
        goto out;
    rc = st->ops->txn_commit(st, &e);
    if (rc != FC_OK)
        return api_store_failed(req, rc, &e);
    http_resp_header(req, resp, "Location",
                     arena_sprintf(req->arena, "/api/v1/contacts/%lld", (long long)id));
    return http_resp_json(req, resp, 201, contact_json(req, &c));
out:
    st->ops->txn_rollback(st);
    return rc;
}

int api_contacts_get(struct http_req *req, struct http_resp *resp)
{
    struct store *st = req->app->store;
    struct contact c;
    struct fc_err e;
    const char *purpose = NULL;
    fc_id_t id;
    int rc = http_req_param_id(req, "id", &id);
    if (rc != FC_OK)
        return rc;
    rc = st->ops->contact_get(st, id, req->arena, &c, &e);
    if (rc != FC_OK)
        return api_store_failed(req, rc, &e);
    rc = check_contact_visible(req, &c);
    if (rc == FC_OK && c.caller_person_id != 0)
        rc = api_read_purpose(req, &c, &purpose);
    else if (rc == FC_OK)
        rc = api_purpose(req, NULL, &purpose);
    if (rc != FC_OK)
        return rc;
    rc = st->ops->txn_begin(st, &e);
    if (rc != FC_OK)
        return api_store_failed(req, rc, &e);
    rc = api_audit(req, AUDIT_CONSULT, "contact", id, purpose ? purpose : "view contact",
                   "viewed");
    if (rc == FC_OK && c.caller_person_id != 0)
        rc = api_audit(req, AUDIT_CONSULT, "person", c.caller_person_id, purpose,
                       arena_sprintf(req->arena, "caller on contact %lld", (long long)id));
    if (rc != FC_OK) {
        st->ops->txn_rollback(st);
        return rc;
    }
    rc = st->ops->txn_commit(st, &e);
    if (rc != FC_OK)
        return api_store_failed(req, rc, &e);
    return http_resp_json(req, resp, 200, contact_json(req, &c));
}

static int query_id(struct http_req *req, const char *name, fc_id_t *out)
{
    long v;
    int rc = http_req_query_long(req, name, 1, LONG_MAX, 0, &v);
    *out = rc == FC_OK ? (fc_id_t)v : 0;
    return rc;
}

static int query_time(struct http_req *req, const char *name, fc_time_t *out)
{
    const char *s = http_req_query(req, name);
    int64_t t;
    int off;
    *out = 0;
    if (s == NULL)
        return FC_OK;
    if (!time_parse_iso8601(s, &t, &off)) {
        req->problem_status = 400;
        return err_set(&req->err, FC_EINVAL, name,
                       "must be an ISO 8601 time such as 2026-03-02T21:14:07Z");
    }
    *out = t;
    return FC_OK;
}

int api_contacts_search(struct http_req *req, struct http_resp *resp)
{
    struct store *st = req->app->store;
    struct contact_query q;
    struct contact *cs;
    size_t n;
    struct fc_err e;
    const char *purpose = NULL;
    int rc;

    memset(&q, 0, sizeof(q));
    rc = api_page(req, &q.limit, &q.offset);
    if (rc == FC_OK)
        rc = query_id(req, "caller_person_id", &q.caller_person_id);
    if (rc == FC_OK)
        rc = query_id(req, "incident_id", &q.incident_id);
    if (rc == FC_OK)
        rc = query_time(req, "from", &q.from);
    if (rc == FC_OK)
        rc = query_time(req, "to", &q.to);
    if (rc != FC_OK)
        return rc;
    /* contacts carry callers' details as typed: a search is a read of their records */
    rc = api_read_purpose(req, NULL, &purpose);
    if (rc != FC_OK)
        return rc;
    rc = st->ops->contact_search(st, &q, req->arena, &cs, &n, &e);
    if (rc != FC_OK)
        return api_store_failed(req, rc, &e);
    struct access_viewer v = api_viewer(req);
    json_t *items = json_array();
    rc = st->ops->txn_begin(st, &e);
    if (rc != FC_OK) {
        json_decref(items);
        return api_store_failed(req, rc, &e);
    }
    for (size_t i = 0; i < n && rc == FC_OK; i++) {
        if (!access_incident_visible(&v, cs[i].org_id, false, ACCESS_NONE))
            continue;
        rc = api_audit(req, AUDIT_CONSULT, "contact", cs[i].id,
                       purpose ? purpose : "search contacts", "search result");
        if (rc == FC_OK && cs[i].caller_person_id != 0)
            rc = api_audit(req, AUDIT_CONSULT, "person", cs[i].caller_person_id,
                           purpose ? purpose : "search contacts", "caller in contact search");
        json_array_append_new(items, contact_json(req, &cs[i]));
    }
    if (rc == FC_OK)
        rc = st->ops->txn_commit(st, &e) == FC_OK ? FC_OK : api_store_failed(req, FC_EUNAVAIL, &e);
    else
        st->ops->txn_rollback(st);
    if (rc != FC_OK) {
        json_decref(items);
        return rc;
    }
    return http_resp_json(req, resp, 200,
                          json_pack("{s:o, s:I, s:I}", "items", items, "limit",
                                    (json_int_t)q.limit, "offset", (json_int_t)q.offset));
}
