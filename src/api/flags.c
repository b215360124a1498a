/*
 * api/flags.c: /api/v1/flags: raise a flag on a person, read it, change or withdraw it;
 * and the JSON of a flag for every resource that shows one.
 *
 * Flags are in force from flagged_at until withdrawn; a withdrawn flag stays in history.
 * The reason is sensitive (DPA 2018 Schedule 8): domain/access decides who sees it, and
 * who may raise or withdraw which flags. A flag is part of the person's record, so every
 * read or change is audited against the person as well as the flag.
 */
#include <string.h>

#include "api/api.h"
#include "api/input.h"
#include "store/store.h"
#include "util/timeutil.h"

static const char *const kinds[] = { "vulnerable", "hate_target", "officer_safety",
                                     "domestic_abuse", "mental_health", "safeguarding",
                                     "other", NULL };

static const struct api_field create_fields[] = {
    { "person_id", API_INTEGER, true, 0, NULL },
    { "kind", API_STRING, true, 32, kinds },
    { "agency", API_STRING, false, 200, NULL },
    { "reason", API_STRING, false, 2000, NULL },
    { "flagged_at", API_STRING, false, 40, NULL },
    { "review_date", API_STRING, false, 10, NULL },
    { "sharing_basis", API_STRING, false, 200, NULL },
    { "external_ref", API_STRING, false, 64, NULL },
    { "purpose", API_STRING, false, 200, NULL },
    API_FIELDS_END,
};
static const struct api_field update_fields[] = {
    { "reason", API_STRING, false, 2000, NULL },
    { "review_date", API_STRING, false, 10, NULL },
    { "sharing_basis", API_STRING, false, 200, NULL },
    { "withdrawn", API_BOOLEAN, false, 0, NULL },
    { "purpose", API_STRING, false, 200, NULL },
    API_FIELDS_END,
};

json_t *api_flag_json(struct http_req *req, const struct flag *f)
{
    struct access_viewer v = api_viewer(req);
    json_t *o = json_pack("{s:I, s:I, s:s, s:s, s:s, s:s?, s:b, s:s?, s:s?}", "id",
                          (json_int_t)f->id, "person_id", (json_int_t)f->person_id, "kind",
                          f->kind, "agency", f->agency, "flagged_at",
                          api_time(req, f->flagged_at), "review_date", f->review_date,
                          "is_in_force", f->withdrawn_at == 0 || f->withdrawn_at > req->now,
                          "withdrawn_at", api_time(req, f->withdrawn_at), "sharing_basis",
                          f->sharing_basis);
    json_object_set_new(o, "org_id", f->org_id ? json_integer(f->org_id) : json_null());
    if (access_flag_reason_visible(&v, f->org_id))
        json_object_set_new(o, "reason", f->reason ? json_string(f->reason) : json_null());
    return o;
}

static int check_review_date(struct http_req *req, const char *d)
{
    int y, m, day;
    char tail;
    if (d == NULL)
        return FC_OK;
    if (strlen(d) != 10 || sscanf(d, "%4d-%2d-%2d%c", &y, &m, &day, &tail) != 3 ||
        d[4] != '-' || d[7] != '-' || !time_date_is_valid(y, m, day))
        return err_set(&req->err, FC_EINVAL, "review_date", "must be a date as YYYY-MM-DD");
    return FC_OK;
}

/* The organisation kind of a flag's raiser (police for external agencies' flags). */
static int flag_org_kind(struct http_req *req, fc_id_t org_id, enum org_kind *out)
{
    struct organisation org;
    struct fc_err e;
    *out = ORG_OTHER;
    if (org_id == 0)
        return FC_OK;
    int rc = req->app->store->ops->org_get(req->app->store, org_id, req->arena, &org, &e);
    if (rc != FC_OK)
        return api_store_failed(req, rc, &e);
    *out = org.kind;
    return FC_OK;
}

int api_flags_create(struct http_req *req, struct http_resp *resp)
{
    struct store *st = req->app->store;
    struct access_viewer v = api_viewer(req);
    struct flag f;
    struct person p;
    json_t *in;
    const char *purpose;
    struct fc_err e;
    fc_id_t id;
    int rc;

    memset(&f, 0, sizeof(f));
    rc = http_req_json(req, &in);
    if (rc == FC_OK)
        rc = api_purpose(req, in, &purpose);
    if (rc == FC_OK)
        rc = api_input_check(in, "", create_fields, &req->err);
    if (rc == FC_OK)
        rc = check_review_date(req, api_input_str(in, "review_date"));
    if (rc == FC_OK)
        rc = api_time_parse(req, in, "", "flagged_at", req->now, &f.flagged_at);
    if (rc != FC_OK)
        return rc;
    if (f.flagged_at > req->now + 300)
        return err_set(&req->err, FC_EINVAL, "flagged_at", "must not be in the future");
    f.person_id = (fc_id_t)api_input_int(in, "person_id", 0);
    rc = f.person_id > 0 ? st->ops->person_get(st, f.person_id, req->arena, &p, &e)
                         : FC_ENOTFOUND;
    if (rc == FC_ENOTFOUND)
        return err_set(&req->err, FC_EINVAL, "person_id", "no such person");
    if (rc != FC_OK)
        return api_store_failed(req, rc, &e);
    rc = api_person_check_visible(req, f.person_id);
    if (rc != FC_OK) {
        strcpy(req->err.field, "person_id");
        return rc;
    }
    f.org_id = v.org_id;
    if (!access_can_change_flag(&v, f.org_id, v.org_kind))
        return err_set(&req->err, FC_EDENIED, "kind", "your role may not raise flags");
    f.kind = api_strdup(req, api_input_str(in, "kind"));
    const char *agency = api_input_str(in, "agency");
    f.agency = api_strdup(req, agency && agency[0] ? agency : req->auth.org.name);
    f.reason = api_strdup(req, api_input_str(in, "reason"));
    f.review_date = api_strdup(req, api_input_str(in, "review_date"));
    f.sharing_basis = api_strdup(req, api_input_str(in, "sharing_basis"));
    f.external_ref = api_strdup(req, api_input_str(in, "external_ref"));
    f.match_probability = 1.0;

    rc = st->ops->txn_begin(st, &e);
    if (rc != FC_OK)
        return api_store_failed(req, rc, &e);
    rc = st->ops->flag_insert(st, &f, &id, &e);
    if (rc != FC_OK) {
        api_store_failed(req, rc, &e);
        goto out;
    }
    f.id = id;
    rc = api_audit(req, AUDIT_COLLECT, "flag", id, purpose ? purpose : "raise a flag", f.kind);
    if (rc == FC_OK)
        rc = api_audit(req, AUDIT_ALTER, "person", f.person_id, purpose ? purpose : "raise a flag",
                       arena_sprintf(req->arena, "flag %lld raised", (long long)id));
    if (rc != FC_OK)
        goto out;
    rc = st->ops->txn_commit(st, &e);
    if (rc != FC_OK)
        return api_store_failed(req, rc, &e);
    http_resp_header(req, resp, "Location",
                     arena_sprintf(req->arena, "/api/v1/flags/%lld", (long long)id));
    return http_resp_json(req, resp, 201, api_flag_json(req, &f));
out:
    st->ops->txn_rollback(st);
    return rc;
}

int api_flags_get(struct http_req *req, struct http_resp *resp)
{
    struct store *st = req->app->store;
    struct flag f;
    struct fc_err e;
    const char *purpose;
    fc_id_t id;
    int rc = http_req_param_id(req, "id", &id);
    if (rc == FC_OK)
        rc = api_read_purpose(req, NULL, &purpose);
    if (rc != FC_OK)
        return rc;
    rc = st->ops->flag_get(st, id, req->arena, &f, &e);
    if (rc != FC_OK)
        return api_store_failed(req, rc, &e);
    rc = api_person_check_visible(req, f.person_id);
    if (rc != FC_OK)
        return rc;
    rc = st->ops->txn_begin(st, &e);
    if (rc != FC_OK)
        return api_store_failed(req, rc, &e);
    rc = api_audit(req, AUDIT_CONSULT, "flag", id, purpose, "viewed");
    if (rc == FC_OK)
        rc = api_audit(req, AUDIT_CONSULT, "person", f.person_id, purpose,
                       arena_sprintf(req->arena, "flag %lld viewed", (long long)id));
    if (rc != FC_OK) {
        st->ops->txn_rollback(st);
        return rc;
    }
    rc = st->ops->txn_commit(st, &e);
    if (rc != FC_OK)
        return api_store_failed(req, rc, &e);
    return http_resp_json(req, resp, 200, api_flag_json(req, &f));
}

int api_flags_update(struct http_req *req, struct http_resp *resp)
{
    struct store *st = req->app->store;
    struct access_viewer v = api_viewer(req);
    struct flag f;
    json_t *in;
    const char *purpose;
    struct fc_err e;
    enum org_kind kind;
    fc_id_t id;
    char detail[120] = "";

    int rc = http_req_param_id(req, "id", &id);
    if (rc == FC_OK)
        rc = http_req_json(req, &in);
    if (rc == FC_OK)
        rc = api_purpose(req, in, &purpose);
    if (rc == FC_OK)
        rc = api_input_check(in, "", update_fields, &req->err);
    if (rc == FC_OK)
        rc = check_review_date(req, api_input_str(in, "review_date"));
    if (rc != FC_OK)
        return rc;
    if (json_object_size(in) == 0 ||
        (json_object_size(in) == 1 && json_object_get(in, "purpose") != NULL))
        return err_set(&req->err, FC_EINVAL, "reason",
                       "give at least one of reason, review_date, sharing_basis or withdrawn");
    rc = st->ops->flag_get(st, id, req->arena, &f, &e);
    if (rc != FC_OK)
        return api_store_failed(req, rc, &e);
    rc = flag_org_kind(req, f.org_id, &kind);
    if (rc != FC_OK)
        return rc;
    if (!access_can_change_flag(&v, f.org_id, kind))
        return err_set(&req->err, FC_EDENIED, "id", "you may not change this flag");
    if (f.withdrawn_at != 0)
        return err_set(&req->err, FC_ECONFLICT, "withdrawn", "this flag is already withdrawn");
    if (api_input_str(in, "reason") != NULL) {
        f.reason = api_strdup(req, api_input_str(in, "reason"));
        strcat(detail, "reason ");
    }
    if (api_input_str(in, "review_date") != NULL) {
        f.review_date = api_strdup(req, api_input_str(in, "review_date"));
        strcat(detail, "review_date ");
    }
    if (api_input_str(in, "sharing_basis") != NULL) {
        f.sharing_basis = api_strdup(req, api_input_str(in, "sharing_basis"));
        strcat(detail, "sharing_basis ");
    }
    if (api_input_bool(in, "withdrawn", false)) {
        f.withdrawn_at = req->now > f.flagged_at ? req->now : f.flagged_at;
        strcat(detail, "withdrawn ");
    }
    rc = st->ops->txn_begin(st, &e);
    if (rc != FC_OK)
        return api_store_failed(req, rc, &e);
    rc = st->ops->flag_update(st, &f, &e);
    if (rc != FC_OK) {
        api_store_failed(req, rc, &e);
        goto out;
    }
    rc = api_audit(req, AUDIT_ALTER, "flag", id, purpose ? purpose : "change a flag", detail);
    if (rc == FC_OK)
        rc = api_audit(req, AUDIT_ALTER, "person", f.person_id,
                       purpose ? purpose : "change a flag",
                       arena_sprintf(req->arena, "flag %lld: %s", (long long)id, detail));
    if (rc != FC_OK)
        goto out;
    rc = st->ops->txn_commit(st, &e);
    if (rc != FC_OK)
        return api_store_failed(req, rc, &e);
    return http_resp_json(req, resp, 200, api_flag_json(req, &f));
out:
    st->ops->txn_rollback(st);
    return rc;
}
