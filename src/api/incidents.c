/*
 * api/incidents.c: /api/v1/incidents: record an ASB incident, read it, correct what was
 * recorded (category, type, description, place, time), and search.
 *
 * The NSIR category and the FirstContact type are both stored (DESIGN section 3: the
 * category judges impact and is not a function of the type). Status, grade and risk level
 * change only through their own routes (close, grade, screening, assessment,
 * risk-override), which apply the call-handling rules and keep their records; PATCH
 * refuses them, naming the route. An incident belongs to the organisation that recorded it; police-only
 * incidents never reach a partner.
 */
#include <limits.h>
#include <math.h>
#include <string.h>

#include "api/api.h"
#include "api/input.h"
#include "domain/intake/intake.h"
#include "domain/match/norm.h"
#include "store/store.h"
#include "util/timeutil.h"

static const char *const categories[] = { "personal", "nuisance", "environmental", NULL };
static const char *const types[] = {
    "rowdy_inconsiderate_behaviour", "neighbour_dispute", "noise", "vehicle_nuisance",
    "littering_fly_tipping", "graffiti_criminal_damage", "street_drinking_drugs",
    "intimidation_harassment", "hate_motivated", NULL,
};
static const char *const grades[] = { "emergency", "priority", "scheduled",
                                      "resolved_first_contact", NULL };
static const char *const risks[] = { "standard", "medium", "high", NULL };
static const char *const statuses[] = { "open", "closed", NULL };
static const char *const person_roles[] = { "caller", "victim", "witness", "suspect", NULL };

static const struct api_field create_fields[] = {
    { "category", API_STRING, true, 20, categories },
    { "incident_type", API_STRING, true, 64, types },
    { "description", API_STRING, false, 4000, NULL },
    { "location_raw", API_STRING, false, 300, NULL },
    { "location_postcode", API_STRING, false, 10, NULL },
    { "occurred_at", API_STRING, false, 40, NULL },
    { "grade", API_STRING, false, 30, grades },
    { "risk_level", API_STRING, false, 10, risks },
    { "is_police_only", API_BOOLEAN, false, 0, NULL },
    { "persons", API_ARRAY, false, 20, NULL },
    { "contact_id", API_INTEGER, false, 0, NULL },
    { "purpose", API_STRING, false, 200, NULL },
    API_FIELDS_END,
};
static const struct api_field link_fields[] = {
    { "person_id", API_INTEGER, true, 0, NULL },
    { "role", API_STRING, true, 10, person_roles },
    { "is_hate_strand", API_BOOLEAN, false, 0, NULL },
    API_FIELDS_END,
};
/* PATCH corrects what was recorded; the workflow fields have routes of their own. */
static const struct api_field update_fields[] = {
    { "category", API_STRING, false, 20, categories },
    { "incident_type", API_STRING, false, 64, types },
    { "description", API_STRING, false, 4000, NULL },
    { "location_raw", API_STRING, false, 300, NULL },
    { "location_postcode", API_STRING, false, 10, NULL },
    { "occurred_at", API_STRING, false, 40, NULL },
    { "reason", API_STRING, false, 1000, NULL },
    { "purpose", API_STRING, false, 200, NULL },
    API_FIELDS_END,
};
static const struct {
    const char *field;
    const char *route;
} workflow_fields[] = {
    { "status", "close it with POST /api/v1/incidents/{id}/close" },
    { "closure_code", "close it with POST /api/v1/incidents/{id}/close" },
    { "outcome", "close it with POST /api/v1/incidents/{id}/close" },
    { "grade", "grade it with POST /api/v1/incidents/{id}/grade" },
    { "risk_level",
      "screen or assess it (POST /api/v1/incidents/{id}/screening or /assessment) or use "
      "POST /api/v1/incidents/{id}/risk-override" },
};

static json_t *incident_json(struct http_req *req, const struct incident *inc)
{
    struct access_viewer v = api_viewer(req);
    unsigned fields = access_fields(&v, inc->org_id, ACCESS_NONE);
    json_t *persons = json_array();
    for (size_t i = 0; i < inc->n_persons; i++)
        json_array_append_new(persons,
                              json_pack("{s:I, s:s, s:b}", "person_id",
                                        (json_int_t)inc->persons[i].person_id, "role",
                                        model_person_role_name(inc->persons[i].role),
                                        "is_hate_strand", inc->persons[i].is_hate_strand));
    json_t *o = json_pack(
        "{s:I, s:I, s:s, s:s, s:s, s:s?, s:s?, s:b, s:s?, s:s?, s:s?, s:s?, s:s?, s:s?}", "id",
        (json_int_t)inc->id, "org_id", (json_int_t)inc->org_id, "category",
        model_nsir_category_name(inc->category), "incident_type", inc->incident_type, "status",
        model_incident_status_name(inc->status), "grade", inc->grade, "risk_level",
        inc->risk_level, "is_police_only", inc->is_police_only, "occurred_at",
        api_time(req, inc->occurred_at), "created_at", api_time(req, inc->created_at),
        "closed_at", api_time(req, inc->closed_at), "closure_code", inc->closure_code,
        "outcome", inc->outcome, "lsoa_code", inc->lsoa_code);
    if (fields & ACCESS_FIELD_DESCRIPTION)
        json_object_set_new(o, "description", inc->description ? json_string(inc->description)
                                                               : json_null());
    if (fields & ACCESS_FIELD_EXACT_LOCATION) {
        json_object_set_new(o, "location_raw",
                            inc->location_raw ? json_string(inc->location_raw) : json_null());
        if (!isnan(inc->lat) && !isnan(inc->lon)) {
            json_object_set_new(o, "lat", json_real(inc->lat));
            json_object_set_new(o, "lon", json_real(inc->lon));
        }
    }
    json_object_set_new(o, "location_postcode", inc->location_postcode
                                                    ? json_string(inc->location_postcode)
                                                    : json_null());
    json_object_set_new(o, "persons", persons);
    return o;
}

static int load_visible(struct http_req *req, fc_id_t id, struct incident *out)
{
    struct fc_err e;
    struct access_viewer v = api_viewer(req);
    int rc = req->app->store->ops->incident_get(req->app->store, id, req->arena, out, &e);
    if (rc != FC_OK)
        return api_store_failed(req, rc, &e);
    if (!access_incident_visible(&v, out->org_id, out->is_police_only, ACCESS_NONE) &&
        !access_incident_visible(&v, out->org_id, out->is_police_only,
                                 api_break_glass_level(req, "incident", id)))
        return err_set(&req->err, FC_EDENIED, "id",
                       "this incident is not your organisation's and is not shared with it");
    return FC_OK;
}

static int parse_links(struct http_req *req, const json_t *arr, struct incident *inc)
{
    struct store *st = req->app->store;
    size_t i;
    json_t *o;
    struct fc_err e;
    inc->n_persons = json_array_size(arr);
    inc->persons = arena_alloc(req->arena, (inc->n_persons + 1) * sizeof(*inc->persons));
    if (inc->persons == NULL)
        return err_set(&req->err, FC_ENOMEM, "", "out of memory");
    json_array_foreach(arr, i, o) {
        int rc = api_input_check(o, api_path(req, "persons[%zu]", i), link_fields, &req->err);
        if (rc != FC_OK)
            return rc;
        struct incident_person *ip = &inc->persons[i];
        ip->person_id = (fc_id_t)api_input_int(o, "person_id", 0);
        model_person_role_parse(api_input_str(o, "role"), &ip->role);
        ip->is_hate_strand = api_input_bool(o, "is_hate_strand", false);
        struct person p;
        rc = ip->person_id > 0 ? st->ops->person_get(st, ip->person_id, req->arena, &p, &e)
                               : FC_ENOTFOUND;
        if (rc == FC_ENOTFOUND)
            return err_set(&req->err, FC_EINVAL, api_path(req, "persons[%zu].person_id", i),
                           "no such person");
        if (rc != FC_OK)
            return api_store_failed(req, rc, &e);
        rc = api_person_check_visible(req, ip->person_id);
        if (rc != FC_OK) {
            snprintf(req->err.field, sizeof(req->err.field), "persons[%zu].person_id", i);
            return rc;
        }
        for (size_t k = 0; k < i; k++) {
            if (inc->persons[k].person_id == ip->person_id && inc->persons[k].role == ip->role)
                return err_set(&req->err, FC_EINVAL, api_path(req, "persons[%zu]", i),
                               "the same person and role are given twice");
        }
    }
    return FC_OK;
}

int api_incidents_create(struct http_req *req, struct http_resp *resp)
{
    struct store *st = req->app->store;
    struct access_viewer v = api_viewer(req);
    struct incident inc;
    json_t *in;
    const char *purpose;
    struct fc_err e;
    fc_id_t id, contact_id;
    struct contact c;
    int rc;

    memset(&inc, 0, sizeof(inc));
    rc = http_req_json(req, &in);
    if (rc == FC_OK)
        rc = api_purpose(req, in, &purpose);
    if (rc == FC_OK)
        rc = api_input_check(in, "", create_fields, &req->err);
    if (rc != FC_OK)
        return rc;
    model_nsir_category_parse(api_input_str(in, "category"), &inc.category);
    inc.incident_type = api_strdup(req, api_input_str(in, "incident_type"));
    inc.description = api_strdup(req, api_input_str(in, "description"));
    inc.location_raw = api_strdup(req, api_input_str(in, "location_raw"));
    inc.lat = NAN;
    inc.lon = NAN;
    const char *pc = api_input_str(in, "location_postcode");
    if (pc != NULL && pc[0] != '\0') {
        struct postcode parsed;
        if (postcode_parse(pc, &parsed) != POSTCODE_UNIT)
            return err_set(&req->err, FC_EINVAL, "location_postcode",
                           "must be a full UK postcode such as LE1 6ZG");
        inc.location_postcode = api_strdup(req, parsed.unit);
        double lat, lon;
        if (postcode_coords(parsed.unit, &lat, &lon)) {
            inc.lat = lat;
            inc.lon = lon;
        }
    }
    rc = api_time_parse(req, in, "", "occurred_at", 0, &inc.occurred_at);
    if (rc != FC_OK)
        return rc;
    if (inc.occurred_at > req->now + 300)
        return err_set(&req->err, FC_EINVAL, "occurred_at", "must not be in the future");
    inc.grade = api_strdup(req, api_input_str(in, "grade"));
    if (inc.grade != NULL && !access_can_grade(&v))
        return err_set(&req->err, FC_EDENIED, "grade", "your role may not grade incidents");
    inc.risk_level = api_strdup(req, api_input_str(in, "risk_level"));
    inc.is_police_only = api_input_bool(in, "is_police_only", false);
    if (inc.is_police_only && !access_org_is_police(v.org_kind))
        return err_set(&req->err, FC_EINVAL, "is_police_only",
                       "only the force may record a police-only incident");
    json_t *links = json_object_get(in, "persons");
    if (json_is_array(links)) {
        rc = parse_links(req, links, &inc);
        if (rc != FC_OK)
            return rc;
    }
    contact_id = (fc_id_t)api_input_int(in, "contact_id", 0);
    if (contact_id != 0) {
        rc = contact_id > 0 ? st->ops->contact_get(st, contact_id, req->arena, &c, &e)
                            : FC_ENOTFOUND;
        if (rc == FC_ENOTFOUND)
            return err_set(&req->err, FC_EINVAL, "contact_id", "no such contact");
        if (rc != FC_OK)
            return api_store_failed(req, rc, &e);
        if (c.org_id != v.org_id)
            return err_set(&req->err, FC_EDENIED, "contact_id",
                           "this contact belongs to another organisation");
        if (c.incident_id != 0)
            return err_set(&req->err, FC_ECONFLICT, "contact_id",
                           "this contact is already linked to incident %lld",
                           (long long)c.incident_id);
    }
    inc.org_id = v.org_id;
    inc.status = INCIDENT_OPEN;
    inc.created_at = req->now;

    rc = st->ops->txn_begin(st, &e);
    if (rc != FC_OK)
        return api_store_failed(req, rc, &e);
    rc = st->ops->incident_insert(st, &inc, &id, &e);
    if (rc == FC_OK && contact_id != 0)
        rc = st->ops->contact_set_incident(st, contact_id, id, &e);
    if (rc != FC_OK) {
        api_store_failed(req, rc, &e);
        goto out;
    }
    inc.id = id;
    rc = api_audit(req, AUDIT_COLLECT, "incident", id, purpose ? purpose : "record an incident",
                   "created");
    for (size_t i = 0; rc == FC_OK && i < inc.n_persons; i++)
        rc = api_audit(req, AUDIT_COLLECT, "person", inc.persons[i].person_id,
                       purpose ? purpose : "record an incident",
                       arena_sprintf(req->arena, "%s on incident %lld",
                                     model_person_role_name(inc.persons[i].role), (long long)id));
    if (rc != FC_OK)
        goto out;
    rc = st->ops->txn_commit(st, &e);
    if (rc != FC_OK)
        return api_store_failed(req, rc, &e);
    http_resp_header(req, resp, "Location",
                     arena_sprintf(req->arena, "/api/v1/incidents/%lld", (long long)id));
    return http_resp_json(req, resp, 201, incident_json(req, &inc));
out:
    st->ops->txn_rollback(st);
    return rc;
}

int api_incidents_get(struct http_req *req, struct http_resp *resp)
{
    struct incident inc;
    const char *purpose;
    fc_id_t id;
    int rc = http_req_param_id(req, "id", &id);
    if (rc == FC_OK)
        rc = api_purpose(req, NULL, &purpose);
    if (rc == FC_OK)
        rc = load_visible(req, id, &inc);
    if (rc == FC_OK)
        rc = api_audit(req, AUDIT_CONSULT, "incident", id, purpose ? purpose : "view incident",
                       "viewed");
    if (rc != FC_OK)
        return rc;
    return http_resp_json(req, resp, 200, incident_json(req, &inc));
}

int api_incidents_update(struct http_req *req, struct http_resp *resp)
{
    struct store *st = req->app->store;
    struct access_viewer v = api_viewer(req);
    struct incident inc;
    json_t *in;
    const char *purpose;
    struct fc_err e;
    fc_id_t id;
    char detail[200] = "";

    int rc = http_req_param_id(req, "id", &id);
    if (rc == FC_OK)
        rc = http_req_json(req, &in);
    if (rc != FC_OK)
        return rc;
    for (size_t i = 0; i < sizeof(workflow_fields) / sizeof(workflow_fields[0]); i++) {
        if (json_is_object(in) && json_object_get(in, workflow_fields[i].field) != NULL)
            return err_set(&req->err, FC_EINVAL, workflow_fields[i].field,
                           "cannot be changed here: %s", workflow_fields[i].route);
    }
    rc = api_purpose(req, in, &purpose);
    if (rc == FC_OK)
        rc = api_input_check(in, "", update_fields, &req->err);
    if (rc == FC_OK)
        rc = load_visible(req, id, &inc);
    if (rc != FC_OK)
        return rc;
    if (inc.org_id != v.org_id)
        return err_set(&req->err, FC_EDENIED, "id",
                       "only the organisation that recorded the incident may change it");
    static const char *const editable[] = { "category",          "incident_type",
                                            "description",       "location_raw",
                                            "location_postcode", "occurred_at" };
    for (size_t i = 0; i < sizeof(editable) / sizeof(editable[0]); i++) {
        if (json_object_get(in, editable[i]) == NULL)
            continue;
        size_t used = strlen(detail);
        snprintf(detail + used, sizeof(detail) - used, "%s%s", used ? "," : "", editable[i]);
    }
    if (detail[0] == '\0')
        return err_set(&req->err, FC_EINVAL, "description",
                       "give at least one of category, incident_type, description, "
                       "location_raw, location_postcode or occurred_at");
    const char *cat = api_input_str(in, "category");
    if (cat != NULL)
        model_nsir_category_parse(cat, &inc.category);
    if (api_input_str(in, "incident_type") != NULL)
        inc.incident_type = api_strdup(req, api_input_str(in, "incident_type"));
    if (json_object_get(in, "description") != NULL)
        inc.description = api_strdup(req, api_input_str(in, "description"));
    if (json_object_get(in, "occurred_at") != NULL) {
        rc = api_time_parse(req, in, "", "occurred_at", 0, &inc.occurred_at);
        if (rc != FC_OK)
            return rc;
        if (inc.occurred_at > req->now + 300)
            return err_set(&req->err, FC_EINVAL, "occurred_at", "must not be in the future");
    }
    bool moved = false;
    if (json_object_get(in, "location_raw") != NULL) {
        inc.location_raw = api_strdup(req, api_input_str(in, "location_raw"));
        moved = true;
    }
    if (json_object_get(in, "location_postcode") != NULL) {
        const char *pc = api_input_str(in, "location_postcode");
        inc.location_postcode = NULL;
        if (pc != NULL && pc[0] != '\0') {
            struct postcode parsed;
            if (postcode_parse(pc, &parsed) != POSTCODE_UNIT)
                return err_set(&req->err, FC_EINVAL, "location_postcode",
                               "must be a full UK postcode such as LE1 6ZG");
            inc.location_postcode = api_strdup(req, parsed.unit);
        }
        moved = true;
    }
    if (moved) {
        /* the place was wrong: what was derived from it is worked out again */
        inc.location_key = NULL;
        inc.lsoa_code = NULL;
        inc.lat = NAN;
        inc.lon = NAN;
        double lat, lon;
        if (inc.location_postcode != NULL && postcode_coords(inc.location_postcode, &lat, &lon)) {
            inc.lat = lat;
            inc.lon = lon;
        }
        intake_incident_locate(req->arena, &inc);
    }

    rc = st->ops->txn_begin(st, &e);
    if (rc != FC_OK)
        return api_store_failed(req, rc, &e);
    rc = st->ops->incident_update(st, &inc, &e);
    if (rc != FC_OK) {
        api_store_failed(req, rc, &e);
        goto out;
    }
    /* the reason is the justification of the change: it goes in as the purpose */
    const char *reason = api_input_str(in, "reason");
    rc = api_audit(req, AUDIT_ALTER, "incident", id,
                   reason ? reason : purpose ? purpose : "correct incident",
                   arena_sprintf(req->arena, "corrected %s", detail));
    if (rc != FC_OK)
        goto out;
    rc = st->ops->txn_commit(st, &e);
    if (rc != FC_OK)
        return api_store_failed(req, rc, &e);
    return http_resp_json(req, resp, 200, incident_json(req, &inc));
out:
    st->ops->txn_rollback(st);
    return rc;
}

int api_incidents_search(struct http_req *req, struct http_resp *resp)
{
    struct store *st = req->app->store;
    struct access_viewer v = api_viewer(req);
    struct incident_query q;
    struct incident *found;
    size_t n;
    struct fc_err e;
    const char *purpose;
    long person;
    int rc;

    memset(&q, 0, sizeof(q));
    rc = api_page(req, &q.limit, &q.offset);
    if (rc == FC_OK)
        rc = http_req_query_long(req, "person_id", 1, LONG_MAX, 0, &person);
    if (rc == FC_OK && person != 0) /* a person's incident history is their record */
        rc = api_read_purpose(req, NULL, &purpose);
    else if (rc == FC_OK)
        rc = api_purpose(req, NULL, &purpose);
    if (rc != FC_OK)
        return rc;
    q.person_id = person;
    q.status = http_req_query(req, "status");
    q.category = http_req_query(req, "category");
    q.incident_type = http_req_query(req, "incident_type");
    const struct {
        const char *name;
        const char *value;
        const char *const *allowed;
    } enums[] = { { "status", q.status, statuses },
                  { "category", q.category, categories },
                  { "incident_type", q.incident_type, types } };
    for (size_t i = 0; i < sizeof(enums) / sizeof(enums[0]); i++) {
        if (enums[i].value == NULL)
            continue;
        bool ok = false;
        for (const char *const *a = enums[i].allowed; *a && !ok; a++)
            ok = strcmp(*a, enums[i].value) == 0;
        if (!ok) {
            req->problem_status = 400;
            return err_set(&req->err, FC_EINVAL, enums[i].name, "not a known value");
        }
    }
    /* only the viewer's own organisation's incidents are listed; shared ones come via cases */
    q.org_id = v.org_id;
    rc = st->ops->incident_search(st, &q, req->arena, &found, &n, &e);
    if (rc != FC_OK)
        return api_store_failed(req, rc, &e);
    json_t *items = json_array();
    for (size_t i = 0; i < n; i++) {
        if (!access_incident_visible(&v, found[i].org_id, found[i].is_police_only, ACCESS_NONE))
            continue;
        /* every incident shown is a consultation of it, as a search result */
        rc = api_audit(req, AUDIT_CONSULT, "incident", found[i].id,
                       purpose ? purpose : "incident search", "search result");
        if (rc != FC_OK) {
            json_decref(items);
            return rc;
        }
        json_array_append_new(items, incident_json(req, &found[i]));
    }
    if (q.person_id != 0) {
        rc = api_audit(req, AUDIT_CONSULT, "person", q.person_id,
                       purpose ? purpose : "incidents of a person", "incident search");
        if (rc != FC_OK) {
            json_decref(items);
            return rc;
        }
    }
    return http_resp_json(req, resp, 200,
                          json_pack("{s:o, s:I, s:I}", "items", items, "limit",
                                    (json_int_t)q.limit, "offset", (json_int_t)q.offset));
}
