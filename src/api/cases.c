/*
 * api/cases.c: /api/v1/cases, /api/v1/case-actions, /api/v1/case-reviews and
 * /api/v1/partner-flags: partnership case management over HTTP.
 *
 * Parse and check the request, call the cases service (domain/cases), render. The service
 * applies domain/access on every call, writes each change with its timeline row and audit
 * event, and filters what a viewer sees of a case; this file never decides sharing.
 */
#include <math.h>
#include <string.h>

#include "api/api.h"
#include "api/input.h"
#include "domain/cases/cases.h"
#include "domain/cases/partner.h"
#include "domain/cases/pdf.h"
#include "store/store.h"

static int failed(struct http_req *req, int rc, const struct fc_err *e)
{
    return api_store_failed(req, rc, e);
}

static json_t *jtime(struct http_req *req, fc_time_t t)
{
    const char *s = api_time(req, t);
    return s ? json_string(s) : json_null();
}

static json_t *jstr(const char *s)
{
    return s ? json_string(s) : json_null();
}

static json_t *case_json(struct http_req *req, const struct asb_case *c)
{
    json_t *o = json_pack("{s:I, s:s, s:s, s:I, s:I, s:s, s:s, s:s, s:o, s:o, s:s, s:o, s:i}",
                          "id", (json_int_t)c->id, "ref", c->ref, "title", c->title,
                          "lead_org_id", (json_int_t)c->lead_org_id, "lead_user_id",
                          (json_int_t)c->lead_user_id, "status", c->status, "origin", c->origin,
                          "risk_level", c->risk_level, "area_code", jstr(c->area_code),
                          "area_name", jstr(c->area_name), "sharing_basis", c->sharing_basis,
                          "sharing_agreement_ref", jstr(c->sharing_agreement_ref),
                          "review_interval_days", c->review_interval_days);
    json_object_set_new(o, "origin_id", c->origin_id ? json_integer(c->origin_id) : json_null());
    json_object_set_new(o, "opened_at", jtime(req, c->opened_at));
    json_object_set_new(o, "next_review_due", jtime(req, c->next_review_due));
    json_object_set_new(o, "is_review_overdue",
                        json_boolean(strcmp(c->status, "open") == 0 && c->next_review_due &&
                                     req->now > c->next_review_due));
    json_object_set_new(o, "trigger_applied_at", jtime(req, c->trigger_applied_at));
    json_object_set_new(o, "closed_at", jtime(req, c->closed_at));
    json_object_set_new(o, "closure_outcome", jstr(c->closure_outcome));
    json_object_set_new(o, "closure_reason", jstr(c->closure_reason));
    return o;
}

static json_t *action_json(struct http_req *req, const struct case_action *x)
{
    json_t *o = json_pack("{s:I, s:I, s:s, s:s, s:I, s:s, s:o}", "id", (json_int_t)x->id,
                          "case_id", (json_int_t)x->case_id, "intervention", x->intervention,
                          "title", x->title, "owner_org_id", (json_int_t)x->owner_org_id,
                          "status", x->status, "outcome", jstr(x->outcome));
    json_object_set_new(o, "owner_user_id",
                        x->owner_user_id ? json_integer(x->owner_user_id) : json_null());
    json_object_set_new(o, "subject_person_id",
                        x->subject_person_id ? json_integer(x->subject_person_id) : json_null());
    json_object_set_new(o, "due_at", jtime(req, x->due_at));
    json_object_set_new(o, "is_overdue",
                        json_boolean((strcmp(x->status, "planned") == 0 ||
                                      strcmp(x->status, "in_progress") == 0) &&
                                     req->now > x->due_at));
    json_object_set_new(o, "completed_at", jtime(req, x->completed_at));
    return o;
}

static json_t *view_json(struct http_req *req, const struct cases_view *v)
{
    json_t *o = case_json(req, &v->c);
    json_object_set_new(o, "access", json_string(access_level_name(v->level)));
    json_object_set_new(o, "lead_org_name", jstr(v->lead_org_name));
    json_object_set_new(o, "lead_user_name", jstr(v->lead_user_name));
    json_t *shares = json_array();
    for (size_t i = 0; i < v->n_shares; i++) {
        const struct case_share *s = &v->shares[i];
        if (s->revoked_at != 0)
            continue;
        json_t *sj = json_pack("{s:I, s:s}", "org_id", (json_int_t)s->org_id, "level", s->level);
        json_object_set_new(sj, "granted_at", jtime(req, s->granted_at));
        json_object_set_new(sj, "expires_at", jtime(req, s->expires_at));
        json_array_append_new(shares, sj);
    }
    json_object_set_new(o, "shares", shares);
    json_t *persons = json_array();
    for (size_t i = 0; i < v->n_persons; i++) {
        const struct cases_person_view *p = &v->persons[i];
        json_t *pj = json_pack("{s:I, s:s, s:s, s:f, s:b}", "person_id", (json_int_t)p->person_id,
                               "role", p->role, "name", p->name, "match_probability",
                               p->match_probability, "is_flagged", p->n_flags > 0);
        if (p->dob)
            json_object_set_new(pj, "dob", json_string(p->dob));
        if (p->phone)
            json_object_set_new(pj, "phone", json_string(p->phone));
        if (p->address)
            json_object_set_new(pj, "address", json_string(p->address));
        json_array_append_new(persons, pj);
    }
    json_object_set_new(o, "persons", persons);
    json_t *incidents = json_array();
    for (size_t i = 0; i < v->n_incidents; i++) {
        const struct cases_incident_view *in = &v->incidents[i];
        json_t *ij = json_pack("{s:I, s:I, s:s, s:s, s:s, s:o, s:o}", "id", (json_int_t)in->id,
                               "org_id", (json_int_t)in->org_id, "category", in->category,
                               "incident_type", in->incident_type, "status", in->status,
                               "risk_level", jstr(in->risk_level), "location",
                               jstr(in->location));
        json_object_set_new(ij, "occurred_at", jtime(req, in->occurred_at));
        if (in->description)
            json_object_set_new(ij, "description", json_string(in->description));
        if (in->assessment_level)
            json_object_set_new(ij, "assessment",
                                json_pack("{s:s, s:s}", "stage", in->assessment_stage,
                                          "level", in->assessment_level));
        json_array_append_new(incidents, ij);
    }
    json_object_set_new(o, "incidents", incidents);
    json_object_set_new(o, "incidents_withheld", json_integer((json_int_t)v->n_incidents_withheld));
    json_t *locations = json_array();
    for (size_t i = 0; i < v->n_locations; i++)
        json_array_append_new(locations,
                              json_pack("{s:I, s:s, s:o}", "id", (json_int_t)v->locations[i].id,
                                        "raw", v->locations[i].raw, "postcode",
                                        jstr(v->locations[i].postcode)));
    json_object_set_new(o, "locations", locations);
    json_t *actions = json_array();
    for (size_t i = 0; i < v->n_actions; i++)
        json_array_append_new(actions, action_json(req, &v->actions[i]));
    json_object_set_new(o, "actions", actions);
    json_t *reviews = json_array();
    for (size_t i = 0; i < v->n_reviews; i++) {
        const struct case_review *r = &v->reviews[i];
        json_t *rj = json_pack("{s:I, s:s}", "held_by", (json_int_t)r->held_by, "summary",
                               r->summary);
        json_object_set_new(rj, "held_at", jtime(req, r->held_at));
        json_object_set_new(rj, "due_at", jtime(req, r->due_at));
        json_array_append_new(reviews, rj);
    }
    json_object_set_new(o, "reviews", reviews);
    json_t *steps = json_array();
    for (size_t i = 0; i < v->n_trigger_steps; i++) {
        json_t *sj = json_pack("{s:s}", "step", v->trigger_steps[i].id);
        json_object_set_new(sj, "due_at", jtime(req, v->trigger_steps[i].due_at));
        json_object_set_new(sj, "done_at", jtime(req, v->trigger_steps[i].done_at));
        json_array_append_new(steps, sj);
    }
    json_object_set_new(o, "trigger_steps", steps);
    json_t *timeline = json_array();
    for (size_t i = 0; i < v->n_timeline; i++) {
        const struct case_entry *e = &v->timeline[i];
        json_t *ej = json_pack("{s:I, s:s, s:s, s:b}", "id", (json_int_t)e->id, "kind", e->kind,
                               "summary", e->summary, "is_police_only", e->is_police_only);
        json_object_set_new(ej, "at", jtime(req, e->at));
        json_object_set_new(ej, "actor_user_id",
                            e->actor_user_id ? json_integer(e->actor_user_id) : json_null());
        json_object_set_new(ej, "actor_org_id",
                            e->actor_org_id ? json_integer(e->actor_org_id) : json_null());
        json_t *body = e->body ? json_loads(e->body, 0, NULL) : NULL;
        json_object_set_new(ej, "detail", body ? body : json_null());
        json_array_append_new(timeline, ej);
    }
    json_object_set_new(o, "timeline", timeline);
    return o;
}

/* ---- /api/v1/cases ---------------------------------------------------------------- */

static const char *const origins[] = { "incident", "community_trigger", "partner_referral",
                                       "manual", NULL };
static const char *const risks[] = { "standard", "medium", "high", NULL };

static const struct api_field open_fields[] = {
    { "title", API_STRING, true, 200, NULL },
    { "origin", API_STRING, true, 32, origins },
    { "origin_id", API_INTEGER, false, 0, NULL },
    { "trigger_applied_at", API_STRING, false, 40, NULL },
    { "lead_user_id", API_INTEGER, false, 0, NULL },
    { "risk_level", API_STRING, false, 16, risks },
    { "area_code", API_STRING, false, 16, NULL },
    { "area_name", API_STRING, false, 100, NULL },
    { "sharing_basis", API_STRING, true, 200, NULL },
    { "sharing_agreement_ref", API_STRING, false, 100, NULL },
    { "review_interval_days", API_INTEGER, false, 0, NULL },
    API_FIELDS_END,
};

/* The case id of the path, and the body checked against `fields` (NULL: no body). */
static int case_request(struct http_req *req, const struct api_field *fields, fc_id_t *id,
                        json_t **in)
{
    int rc = http_req_param_id(req, "id", id);
    if (rc == FC_OK && fields != NULL)
        rc = http_req_json(req, in);
    if (rc == FC_OK && fields != NULL)
        rc = api_input_check(*in, "", fields, &req->err);
    return rc;
}

/* Answers with the case as the viewer now sees it (201 after a creation). */
static int respond_case(struct http_req *req, struct http_resp *resp, fc_id_t id, int status,
                        const char *purpose)
{
    struct access_viewer v = api_viewer(req);
    struct cases_view cv;
    struct fc_err e;
    int rc = cases_view_load(req->app->store, &v, id, purpose, req->now, req->arena, &cv, &e);
    if (rc != FC_OK)
        return failed(req, rc, &e);
    if (status == 201)
        http_resp_header(req, resp, "Location",
                         arena_sprintf(req->arena, "/api/v1/cases/%lld", (long long)id));
    return http_resp_json(req, resp, status, view_json(req, &cv));
}

int api_cases_create(struct http_req *req, struct http_resp *resp)
{
    struct access_viewer v = api_viewer(req);
    json_t *in;
    struct fc_err e;
    int rc = http_req_json(req, &in);
    if (rc == FC_OK)
        rc = api_input_check(in, "", open_fields, &req->err);
    struct cases_open_input ci = { 0 };
    if (rc == FC_OK)
        rc = api_time_parse(req, in, "", "trigger_applied_at", 0, &ci.trigger_applied_at);
    if (rc != FC_OK)
        return rc;
    ci.title = api_input_str(in, "title");
    ci.origin = api_input_str(in, "origin");
    ci.origin_id = (fc_id_t)api_input_int(in, "origin_id", 0);
    ci.lead_user_id = (fc_id_t)api_input_int(in, "lead_user_id", 0);
    ci.risk_level = api_input_str(in, "risk_level");
    ci.area_code = api_input_str(in, "area_code");
    ci.area_name = api_input_str(in, "area_name");
    ci.sharing_basis = api_input_str(in, "sharing_basis");
    ci.sharing_agreement_ref = api_input_str(in, "sharing_agreement_ref");
    ci.review_interval_days = (int)api_input_int(in, "review_interval_days", 0);
    fc_id_t id;
    rc = cases_open(req->app->store, &v, &ci, req->now, &id, &e);
    if (rc != FC_OK)
        return failed(req, rc, &e);
    return respond_case(req, resp, id, 201, "case management");
}

int api_cases_get(struct http_req *req, struct http_resp *resp)
{
    fc_id_t id;
    const char *purpose;
    int rc = case_request(req, NULL, &id, NULL);
    if (rc == FC_OK)
        rc = api_purpose(req, NULL, &purpose);
    if (rc != FC_OK)
        return rc;
    return respond_case(req, resp, id, 200, purpose ? purpose : "case management");
}

int api_cases_pdf(struct http_req *req, struct http_resp *resp)
{
    struct access_viewer v = api_viewer(req);
    fc_id_t id;
    const char *purpose;
    struct cases_view cv;
    struct fc_err e;
    int rc = case_request(req, NULL, &id, NULL);
    if (rc == FC_OK)
        rc = api_purpose(req, NULL, &purpose);
    if (rc != FC_OK)
        return rc;
    rc = cases_view_load(req->app->store, &v, id, purpose ? purpose : "case conference",
                         req->now, req->arena, &cv, &e);
    unsigned char *pdf = NULL;
    size_t len = 0;
    if (rc == FC_OK)
        rc = cases_pdf_render(req->app->store, &cv, req->now, req->arena, &pdf, &len, &e);
    if (rc != FC_OK)
        return failed(req, rc, &e);
    resp->status = 200;
    resp->content_type = "application/pdf";
    resp->body = (const char *)pdf;
    resp->body_len = len;
    http_resp_header(req, resp, "Content-Disposition",
                     arena_sprintf(req->arena, "attachment; filename=\"%s.pdf\"", cv.c.ref));
    return FC_OK;
}

int api_cases_list(struct http_req *req, struct http_resp *resp)
{
    static const struct {
        const char *name;
        enum cases_list_kind kind;
    } lists[] = {
        { "mine", CASES_LIST_MINE },
        { "org", CASES_LIST_ORG },
        { "overdue_reviews", CASES_LIST_OVERDUE_REVIEWS },
        { "area", CASES_LIST_AREA },
        { "trigger", CASES_LIST_TRIGGER },
    };
    struct access_viewer v = api_viewer(req);
    const char *name = http_req_query(req, "list");
    const char *status = http_req_query(req, "status");
    enum cases_list_kind kind = CASES_LIST_ORG;
    bool is_known = name == NULL;
    for (size_t i = 0; name != NULL && i < sizeof(lists) / sizeof(lists[0]); i++) {
        if (strcmp(name, lists[i].name) == 0) {
            kind = lists[i].kind;
            is_known = true;
        }
    }
    if (!is_known)
        return err_set(&req->err, FC_EINVAL, "list",
                       "must be mine, org, overdue_reviews, area or trigger");
    if (status != NULL && strcmp(status, "open") != 0 && strcmp(status, "closed") != 0)
        return err_set(&req->err, FC_EINVAL, "status", "must be open or closed");
    struct asb_case *cs = NULL;
    size_t n = 0;
    struct fc_err e;
    int rc = cases_list(req->app->store, &v, kind, http_req_query(req, "area"), status, req->now,
                        req->arena, &cs, &n, &e);
    if (rc != FC_OK)
        return failed(req, rc, &e);
    json_t *arr = json_array();
    for (size_t i = 0; i < n; i++) {
        json_t *cj = case_json(req, &cs[i]);
        if (kind == CASES_LIST_TRIGGER) {
            struct cases_trigger_step steps[6];
            size_t ns = 0;
            if (cases_trigger_plan(req->app->store, &cs[i], req->arena, steps, 6, &ns, &e) ==
                FC_OK) {
                json_t *sa = json_array();
                for (size_t k = 0; k < ns; k++) {
                    json_t *sj = json_pack("{s:s}", "step", steps[k].id);
                    json_object_set_new(sj, "due_at", jtime(req, steps[k].due_at));
                    json_object_set_new(sj, "done_at", jtime(req, steps[k].done_at));
                    json_object_set_new(sj, "is_overdue",
                                        json_boolean(steps[k].done_at == 0 && steps[k].due_at &&
                                                     req->now > steps[k].due_at));
                    json_array_append_new(sa, sj);
                }
                json_object_set_new(cj, "trigger_steps", sa);
            }
        }
        json_array_append_new(arr, cj);
    }
    return http_resp_json(req, resp, 200, json_pack("{s:o}", "cases", arr));
}

static const char *const levels[] = { "view", "contribute", "co_own", NULL };
static const struct api_field share_fields[] = {
    { "org_id", API_INTEGER, true, 0, NULL },
    { "level", API_STRING, true, 16, levels },
    { "expires_at", API_STRING, false, 40, NULL },
    API_FIELDS_END,
};

int api_cases_share(struct http_req *req, struct http_resp *resp)
{
    struct access_viewer v = api_viewer(req);
    fc_id_t id;
    json_t *in;
    fc_time_t expires = 0;
    struct fc_err e;
    int rc = case_request(req, share_fields, &id, &in);
    if (rc == FC_OK)
        rc = api_time_parse(req, in, "", "expires_at", 0, &expires);
    if (rc != FC_OK)
        return rc;
    rc = cases_share(req->app->store, &v, id, (fc_id_t)api_input_int(in, "org_id", 0),
                     api_input_str(in, "level"), expires, req->now, &e);
    if (rc != FC_OK)
        return failed(req, rc, &e);
    return respond_case(req, resp, id, 200, "case management");
}

int api_cases_unshare(struct http_req *req, struct http_resp *resp)
{
    struct access_viewer v = api_viewer(req);
    fc_id_t id, org_id;
    struct fc_err e;
    int rc = case_request(req, NULL, &id, NULL);
    if (rc == FC_OK)
        rc = http_req_param_id(req, "org_id", &org_id);
    if (rc != FC_OK)
        return rc;
    rc = cases_share_revoke(req->app->store, &v, id, org_id, req->now, &e);
    if (rc != FC_OK)
        return failed(req, rc, &e);
    return respond_case(req, resp, id, 200, "case management");
}

static const char *const roles[] = { "victim", "perpetrator", "witness", "other", NULL };
static const struct api_field party_fields[] = {
    { "person_id", API_INTEGER, false, 0, NULL },
    { "role", API_STRING, true, 16, roles },
    { "match_probability", API_NUMBER, false, 0, NULL },
    { "person", API_OBJECT, false, 0, NULL },
    API_FIELDS_END,
};
static const struct api_field person_fields[] = {
    { "forename", API_STRING, false, 100, NULL }, { "surname", API_STRING, false, 100, NULL },
    { "name", API_STRING, false, 200, NULL },     { "dob", API_STRING, false, 20, NULL },
    { "phone", API_STRING, false, 40, NULL },     { "email", API_STRING, false, 200, NULL },
    { "address", API_STRING, false, 300, NULL },  { "postcode", API_STRING, false, 10, NULL },
    API_FIELDS_END,
};

static struct match_record record_of(const json_t *p)
{
    return (struct match_record){ .forename = api_input_str(p, "forename"),
                                  .surname = api_input_str(p, "surname"),
                                  .full_name = api_input_str(p, "name"),
                                  .dob = api_input_str(p, "dob"),
                                  .phone = api_input_str(p, "phone"),
                                  .email = api_input_str(p, "email"),
                                  .address = api_input_str(p, "address"),
                                  .postcode = api_input_str(p, "postcode") };
}

static json_t *candidates_json(const struct match_result *m)
{
    json_t *arr = json_array();
    for (size_t i = 0; i < m->n; i++)
        json_array_append_new(arr, json_pack("{s:I, s:f, s:s}", "person_id",
                                             (json_int_t)m->cands[i].person_id, "probability",
                                             m->cands[i].probability, "band",
                                             match_band_name(m->cands[i].band)));
    return arr;
}

int api_cases_add_person(struct http_req *req, struct http_resp *resp)
{
    struct access_viewer v = api_viewer(req);
    fc_id_t id;
    json_t *in;
    struct fc_err e;
    int rc = case_request(req, party_fields, &id, &in);
    json_t *pj = rc == FC_OK ? json_object_get(in, "person") : NULL;
    if (rc == FC_OK && pj != NULL && !json_is_null(pj))
        rc = api_input_check(pj, "person", person_fields, &req->err);
    if (rc != FC_OK)
        return rc;
    const char *role = api_input_str(in, "role");
    fc_id_t person_id = (fc_id_t)api_input_int(in, "person_id", 0);
    if (person_id != 0) {
        json_t *pr = json_object_get(in, "match_probability");
        double p = pr && json_is_number(pr) ? json_number_value(pr) : 1.0;
        rc = cases_party_add(req->app->store, &v, id, person_id, role, p, req->now, &e);
        if (rc != FC_OK)
            return failed(req, rc, &e);
        return respond_case(req, resp, id, 200, "case management");
    }
    if (pj == NULL || json_is_null(pj))
        return err_set(&req->err, FC_EINVAL, "person_id", "give person_id or person details");
    if (req->app->match == NULL)
        return err_set(&req->err, FC_EUNAVAIL, "", "person matching is not available");
    struct match_record r = record_of(pj);
    struct partner_result res;
    struct match_result cands = { 0 };
    rc = partner_party_add_matched(req->app->store, req->app->match, &v, id, role, &r, req->now,
                                   req->arena, &res, &cands, &e);
    if (rc == FC_ECONFLICT && strcmp(e.field, "person") == 0) {
        /* uncertain: nothing written; the officer picks one and posts its person_id */
        return http_resp_json(req, resp, 409,
                              json_pack("{s:s, s:o}", "detail", e.msg, "candidates",
                                        candidates_json(&cands)));
    }
    if (rc != FC_OK)
        return failed(req, rc, &e);
    return respond_case(req, resp, id, 200, "case management");
}

static const struct api_field incident_fields[] = {
    { "incident_id", API_INTEGER, true, 0, NULL },
    API_FIELDS_END,
};

int api_cases_link_incident(struct http_req *req, struct http_resp *resp)
{
    struct access_viewer v = api_viewer(req);
    fc_id_t id;
    json_t *in;
    struct fc_err e;
    int rc = case_request(req, incident_fields, &id, &in);
    if (rc != FC_OK)
        return rc;
    rc = cases_incident_link(req->app->store, &v, id,
                             (fc_id_t)api_input_int(in, "incident_id", 0), req->now, &e);
    if (rc != FC_OK)
        return failed(req, rc, &e);
    return respond_case(req, resp, id, 200, "case management");
}

static const struct api_field location_fields[] = {
    { "raw", API_STRING, true, 300, NULL },
    { "postcode", API_STRING, false, 10, NULL },
    { "uprn", API_STRING, false, 12, NULL },
    { "lat", API_NUMBER, false, 0, NULL },
    { "lon", API_NUMBER, false, 0, NULL },
    API_FIELDS_END,
};

int api_cases_add_location(struct http_req *req, struct http_resp *resp)
{
    struct access_viewer v = api_viewer(req);
    fc_id_t id;
    json_t *in;
    struct fc_err e;
    int rc = case_request(req, location_fields, &id, &in);
    if (rc != FC_OK)
        return rc;
    json_t *lat = json_object_get(in, "lat"), *lon = json_object_get(in, "lon");
    struct case_location l = { .raw = (char *)api_input_str(in, "raw"),
                               .postcode = (char *)api_input_str(in, "postcode"),
                               .uprn = (char *)api_input_str(in, "uprn"),
                               .lat = json_is_number(lat) ? json_number_value(lat) : NAN,
                               .lon = json_is_number(lon) ? json_number_value(lon) : NAN };
    rc = cases_location_add(req->app->store, &v, id, &l, req->now, &e);
    if (rc != FC_OK)
        return failed(req, rc, &e);
    return respond_case(req, resp, id, 200, "case management");
}

static const char **string_list(struct http_req *req, const json_t *arr, size_t *n)
{
    *n = json_array_size(arr);
    const char **out = arena_alloc(req->arena, (*n + 1) * sizeof(*out));
    for (size_t i = 0; out != NULL && i < *n; i++)
        out[i] = json_string_value(json_array_get(arr, i));
    return out;
}

/* Checks every member of an array is a string, naming the first that is not. */
static int strings_check(struct http_req *req, const json_t *in, const char *key)
{
    json_t *arr = json_object_get(in, key);
    size_t i;
    json_t *x;
    json_array_foreach(arr, i, x)
    {
        if (!json_is_string(x))
            return err_set(&req->err, FC_EINVAL, api_path(req, "%s[%zu]", key, i),
                           "must be a string");
    }
    return FC_OK;
}

static const struct api_field assess_fields[] = {
    { "risk_level", API_STRING, true, 16, risks },
    { "vulnerabilities", API_ARRAY, false, 20, NULL },
    { "harm", API_STRING, false, 2000, NULL },
    { "reason", API_STRING, false, 2000, NULL },
    API_FIELDS_END,
};

int api_cases_assess(struct http_req *req, struct http_resp *resp)
{
    struct access_viewer v = api_viewer(req);
    fc_id_t id;
    json_t *in;
    struct fc_err e;
    int rc = case_request(req, assess_fields, &id, &in);
    if (rc == FC_OK)
        rc = strings_check(req, in, "vulnerabilities");
    if (rc != FC_OK)
        return rc;
    struct cases_assessment_input ai = { .risk_level = api_input_str(in, "risk_level"),
                                         .harm = api_input_str(in, "harm"),
                                         .reason = api_input_str(in, "reason") };
    ai.vulnerabilities = string_list(req, json_object_get(in, "vulnerabilities"),
                                     &ai.n_vulnerabilities);
    rc = cases_assess(req->app->store, &v, id, &ai, req->now, &e);
    if (rc != FC_OK)
        return failed(req, rc, &e);
    return respond_case(req, resp, id, 200, "case management");
}

static const char *const interventions[] = { "warning_letter", "abc", "mediation", "cpw", "cpn",
                                             "civil_injunction", "cbo", "closure_notice",
                                             "closure_order", "support_referral", "free", NULL };
static const struct api_field action_fields[] = {
    { "intervention", API_STRING, true, 32, interventions },
    { "title", API_STRING, false, 200, NULL },
    { "owner_user_id", API_INTEGER, false, 0, NULL },
    { "subject_person_id", API_INTEGER, false, 0, NULL },
    { "subject_age_years", API_INTEGER, false, 0, NULL },
    { "due_at", API_STRING, false, 40, NULL },
    API_FIELDS_END,
};

int api_cases_add_action(struct http_req *req, struct http_resp *resp)
{
    struct access_viewer v = api_viewer(req);
    fc_id_t id;
    json_t *in;
    struct fc_err e;
    struct cases_action_input ai = { 0 };
    int rc = case_request(req, action_fields, &id, &in);
    if (rc == FC_OK)
        rc = api_time_parse(req, in, "", "due_at", 0, &ai.due_at);
    if (rc != FC_OK)
        return rc;
    ai.intervention = api_input_str(in, "intervention");
    ai.title = api_input_str(in, "title");
    ai.owner_user_id = (fc_id_t)api_input_int(in, "owner_user_id", 0);
    ai.subject_person_id = (fc_id_t)api_input_int(in, "subject_person_id", 0);
    ai.subject_age_years = (int)api_input_int(in, "subject_age_years", -1);
    fc_id_t action_id;
    rc = cases_action_add(req->app->store, &v, id, &ai, req->now, &action_id, &e);
    if (rc != FC_OK)
        return failed(req, rc, &e);
    struct case_action x;
    rc = req->app->store->ops->case_action_get(req->app->store, action_id, req->arena, &x, &e);
    if (rc != FC_OK)
        return failed(req, rc, &e);
    http_resp_header(req, resp, "Location",
                     arena_sprintf(req->arena, "/api/v1/case-actions/%lld", (long long)action_id));
    return http_resp_json(req, resp, 201, action_json(req, &x));
}

static const char *const statuses[] = { "planned", "in_progress", "done", "cancelled", NULL };
static const struct api_field action_update_fields[] = {
    { "status", API_STRING, true, 16, statuses },
    { "outcome", API_STRING, false, 2000, NULL },
    API_FIELDS_END,
};

int api_case_actions_update(struct http_req *req, struct http_resp *resp)
{
    struct access_viewer v = api_viewer(req);
    fc_id_t id;
    json_t *in;
    struct fc_err e;
    int rc = case_request(req, action_update_fields, &id, &in);
    if (rc != FC_OK)
        return rc;
    rc = cases_action_set_status(req->app->store, &v, id, api_input_str(in, "status"),
                                 api_input_str(in, "outcome"), req->now, &e);
    struct case_action x;
    if (rc == FC_OK)
        rc = req->app->store->ops->case_action_get(req->app->store, id, req->arena, &x, &e);
    if (rc != FC_OK)
        return failed(req, rc, &e);
    return http_resp_json(req, resp, 200, action_json(req, &x));
}

int api_case_actions_overdue(struct http_req *req, struct http_resp *resp)
{
    struct access_viewer v = api_viewer(req);
    struct case_action *xs = NULL;
    size_t n = 0;
    struct fc_err e;
    int rc = cases_actions_overdue(req->app->store, &v, req->now, req->arena, &xs, &n, &e);
    if (rc != FC_OK)
        return failed(req, rc, &e);
    json_t *arr = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(arr, action_json(req, &xs[i]));
    return http_resp_json(req, resp, 200, json_pack("{s:o}", "actions", arr));
}

static const struct api_field review_fields[] = {
    { "summary", API_STRING, true, 4000, NULL },
    API_FIELDS_END,
};

int api_cases_review(struct http_req *req, struct http_resp *resp)
{
    struct access_viewer v = api_viewer(req);
    fc_id_t id;
    json_t *in;
    struct fc_err e;
    int rc = case_request(req, review_fields, &id, &in);
    if (rc != FC_OK)
        return rc;
    rc = cases_review_record(req->app->store, &v, id, api_input_str(in, "summary"), req->now,
                             &e);
    if (rc != FC_OK)
        return failed(req, rc, &e);
    return respond_case(req, resp, id, 200, "case management");
}

int api_case_reviews_escalate(struct http_req *req, struct http_resp *resp)
{
    struct access_viewer v = api_viewer(req);
    if (v.role != ROLE_SUPERVISOR)
        return err_set(&req->err, FC_EDENIED, "", "only a supervisor runs escalations by hand");
    size_t n = 0;
    struct fc_err e;
    int rc = cases_review_escalate_due(req->app->store, req->now, &n, &e);
    if (rc != FC_OK)
        return failed(req, rc, &e);
    return http_resp_json(req, resp, 200, json_pack("{s:I}", "escalated", (json_int_t)n));
}

static const char *const conf_kinds[] = { "asbrac", "jag", "case_conference", NULL };
static const struct api_field conference_fields[] = {
    { "kind", API_STRING, false, 16, conf_kinds },
    { "held_at", API_STRING, false, 40, NULL },
    { "attendees", API_ARRAY, true, 50, NULL },
    { "decisions", API_ARRAY, false, 50, NULL },
    { "minutes", API_STRING, true, 20000, NULL },
    API_FIELDS_END,
};

int api_cases_conference(struct http_req *req, struct http_resp *resp)
{
    struct access_viewer v = api_viewer(req);
    fc_id_t id;
    json_t *in;
    struct fc_err e;
    struct cases_conference_input ci = { 0 };
    int rc = case_request(req, conference_fields, &id, &in);
    if (rc == FC_OK)
        rc = strings_check(req, in, "attendees");
    if (rc == FC_OK)
        rc = strings_check(req, in, "decisions");
    if (rc == FC_OK)
        rc = api_time_parse(req, in, "", "held_at", req->now, &ci.held_at);
    if (rc != FC_OK)
        return rc;
    ci.kind = api_input_str(in, "kind");
    ci.minutes = api_input_str(in, "minutes");
    ci.attendees = string_list(req, json_object_get(in, "attendees"), &ci.n_attendees);
    ci.decisions = string_list(req, json_object_get(in, "decisions"), &ci.n_decisions);
    rc = cases_conference_record(req->app->store, &v, id, &ci, req->now, &e);
    if (rc != FC_OK)
        return failed(req, rc, &e);
    return respond_case(req, resp, id, 200, "case management");
}

static const char *const channels[] = { "phone", "visit", "email", "letter", "text", NULL };
static const struct api_field contact_fields[] = {
    { "person_id", API_INTEGER, false, 0, NULL },
    { "channel", API_STRING, true, 16, channels },
    { "summary", API_STRING, true, 4000, NULL },
    { "is_police_only", API_BOOLEAN, false, 0, NULL },
    API_FIELDS_END,
};

int api_cases_contact(struct http_req *req, struct http_resp *resp)
{
    struct access_viewer v = api_viewer(req);
    fc_id_t id;
    json_t *in;
    struct fc_err e;
    int rc = case_request(req, contact_fields, &id, &in);
    if (rc != FC_OK)
        return rc;
    rc = cases_contact_log(req->app->store, &v, id, (fc_id_t)api_input_int(in, "person_id", 0),
                           api_input_str(in, "channel"), api_input_str(in, "summary"),
                           api_input_bool(in, "is_police_only", false), req->now, &e);
    if (rc != FC_OK)
        return failed(req, rc, &e);
    return respond_case(req, resp, id, 200, "case management");
}

static const struct api_field note_fields[] = {
    { "text", API_STRING, true, 4000, NULL },
    { "is_police_only", API_BOOLEAN, false, 0, NULL },
    API_FIELDS_END,
};

int api_cases_note(struct http_req *req, struct http_resp *resp)
{
    struct access_viewer v = api_viewer(req);
    fc_id_t id;
    json_t *in;
    struct fc_err e;
    int rc = case_request(req, note_fields, &id, &in);
    if (rc != FC_OK)
        return rc;
    rc = cases_note_add(req->app->store, &v, id, api_input_str(in, "text"),
                        api_input_bool(in, "is_police_only", false), req->now, &e);
    if (rc != FC_OK)
        return failed(req, rc, &e);
    return respond_case(req, resp, id, 200, "case management");
}

static const struct api_field step_fields[] = {
    { "step", API_STRING, true, 24, NULL },
    { "done_at", API_STRING, false, 40, NULL },
    API_FIELDS_END,
};

int api_cases_trigger_step(struct http_req *req, struct http_resp *resp)
{
    struct access_viewer v = api_viewer(req);
    fc_id_t id;
    json_t *in;
    struct fc_err e;
    fc_time_t done_at = 0;
    int rc = case_request(req, step_fields, &id, &in);
    if (rc == FC_OK)
        rc = api_time_parse(req, in, "", "done_at", req->now, &done_at);
    if (rc != FC_OK)
        return rc;
    rc = cases_trigger_step_done(req->app->store, &v, id, api_input_str(in, "step"), done_at,
                                 req->now, &e);
    if (rc != FC_OK)
        return failed(req, rc, &e);
    return respond_case(req, resp, id, 200, "case management");
}

static const char *const outcomes[] = { "resolved", "partly_resolved", "not_resolved",
                                        "transferred", "no_further_action", NULL };
static const struct api_field close_fields[] = {
    { "outcome", API_STRING, true, 32, outcomes },
    { "reason", API_STRING, true, 2000, NULL },
    API_FIELDS_END,
};

int api_cases_close(struct http_req *req, struct http_resp *resp)
{
    struct access_viewer v = api_viewer(req);
    fc_id_t id;
    json_t *in;
    struct fc_err e;
    int rc = case_request(req, close_fields, &id, &in);
    if (rc != FC_OK)
        return rc;
    rc = cases_close(req->app->store, &v, id, api_input_str(in, "outcome"),
                     api_input_str(in, "reason"), req->now, &e);
    if (rc != FC_OK)
        return failed(req, rc, &e);
    return respond_case(req, resp, id, 200, "case management");
}

/* ---- /api/v1/partner-flags -------------------------------------------------------- */

static const struct api_field flag_fields[] = {
    { "external_ref", API_STRING, false, 64, NULL },
    { "agency", API_STRING, false, 200, NULL },
    { "kind", API_STRING, false, 32, NULL },
    { "reason", API_STRING, false, 2000, NULL },
    { "review_date", API_STRING, false, 10, NULL },
    { "sharing_basis", API_STRING, false, 200, NULL },
    { "flagged_at", API_STRING, false, 40, NULL },
    { "person", API_OBJECT, true, 0, NULL },
    API_FIELDS_END,
};

static json_t *result_json(const struct partner_result *r)
{
    json_t *o = json_pack("{s:s, s:f}", "decision", partner_decision_name(r->decision),
                          "probability", r->probability);
    json_object_set_new(o, "person_id", r->person_id ? json_integer(r->person_id) : json_null());
    json_object_set_new(o, "flag_id", r->flag_id ? json_integer(r->flag_id) : json_null());
    json_object_set_new(o, "review_id", r->review_id ? json_integer(r->review_id) : json_null());
    return o;
}

int api_partner_flags_create(struct http_req *req, struct http_resp *resp)
{
    struct access_viewer v = api_viewer(req);
    json_t *in;
    struct fc_err e;
    struct partner_flag_input fi = { 0 };
    int rc = http_req_json(req, &in);
    if (rc == FC_OK)
        rc = api_input_check(in, "", flag_fields, &req->err);
    if (rc == FC_OK)
        rc = api_input_check(json_object_get(in, "person"), "person", person_fields, &req->err);
    if (rc == FC_OK)
        rc = api_time_parse(req, in, "", "flagged_at", req->now, &fi.flagged_at);
    if (rc != FC_OK)
        return rc;
    if (req->app->match == NULL)
        return err_set(&req->err, FC_EUNAVAIL, "", "person matching is not available");
    const char *agency = api_input_str(in, "agency");
    fi.external_ref = api_input_str(in, "external_ref");
    fi.agency = agency && agency[0] ? agency : req->auth.org.name;
    fi.kind = api_input_str(in, "kind");
    fi.reason = api_input_str(in, "reason");
    fi.review_date = api_input_str(in, "review_date");
    fi.sharing_basis = api_input_str(in, "sharing_basis");
    fi.person = record_of(json_object_get(in, "person"));
    struct partner_result r;
    rc = partner_flag_submit(req->app->store, req->app->match, &v, &fi, req->now, &r, &e);
    if (rc != FC_OK)
        return failed(req, rc, &e);
    return http_resp_json(req, resp, r.decision == PARTNER_QUEUED ? 202 : 201, result_json(&r));
}

int api_partner_flags_import(struct http_req *req, struct http_resp *resp)
{
    struct access_viewer v = api_viewer(req);
    const char *ct = http_req_header(req, "Content-Type");
    if (ct == NULL || strncmp(ct, "text/csv", 8) != 0) {
        req->problem_status = 415;
        return err_set(&req->err, FC_EINVAL, "Content-Type", "must be text/csv");
    }
    if (req->app->match == NULL)
        return err_set(&req->err, FC_EUNAVAIL, "", "person matching is not available");
    const char *basis = http_req_query(req, "sharing_basis");
    struct partner_import_counts c;
    struct fc_err e;
    int rc = partner_flags_import_csv(req->app->store, req->app->match, &v, req->body,
                                      req->body_len, basis, req->now, &c, &e);
    if (rc != FC_OK)
        return failed(req, rc, &e);
    return http_resp_json(req, resp, 200,
                          json_pack("{s:I, s:I, s:I, s:I, s:I}", "rows", (json_int_t)c.rows,
                                    "matched", (json_int_t)c.matched, "new_persons",
                                    (json_int_t)c.new_persons, "queued", (json_int_t)c.queued,
                                    "duplicates", (json_int_t)c.duplicates));
}

int api_partner_flags_reviews(struct http_req *req, struct http_resp *resp)
{
    struct access_viewer v = api_viewer(req);
    struct flag_review *rs = NULL;
    size_t n = 0;
    struct fc_err e;
    const char *status = http_req_query(req, "status");
    if (status == NULL)
        status = "pending";
    bool is_police_supervisor = access_org_is_police(v.org_kind) && v.role == ROLE_SUPERVISOR;
    int rc = req->app->store->ops->flag_review_list(
        req->app->store, is_police_supervisor ? 0 : v.org_id, status, req->arena, &rs, &n, &e);
    if (rc != FC_OK)
        return failed(req, rc, &e);
    json_t *arr = json_array();
    for (size_t i = 0; i < n; i++) {
        const struct flag_review *r = &rs[i];
        json_t *details = json_loads(r->raw_details, 0, NULL);
        json_t *cands = r->candidates ? json_loads(r->candidates, 0, NULL) : NULL;
        json_t *o = json_pack("{s:I, s:I, s:s, s:s, s:s, s:o, s:o, s:o}", "id", (json_int_t)r->id,
                              "org_id", (json_int_t)r->org_id, "agency", r->agency, "kind",
                              r->kind, "status", r->status, "external_ref",
                              jstr(r->external_ref), "person",
                              details ? details : json_null(), "candidates",
                              cands ? cands : json_array());
        json_object_set_new(o, "flagged_at", jtime(req, r->flagged_at));
        json_array_append_new(arr, o);
    }
    return http_resp_json(req, resp, 200, json_pack("{s:o}", "reviews", arr));
}

static const struct api_field confirm_fields[] = {
    { "person_id", API_INTEGER, false, 0, NULL },
    API_FIELDS_END,
};

int api_partner_flags_confirm(struct http_req *req, struct http_resp *resp)
{
    struct access_viewer v = api_viewer(req);
    fc_id_t id;
    json_t *in = NULL;
    struct fc_err e;
    int rc = http_req_param_id(req, "id", &id);
    if (rc == FC_OK && req->body_len > 0) {
        rc = http_req_json(req, &in);
        if (rc == FC_OK)
            rc = api_input_check(in, "", confirm_fields, &req->err);
    }
    if (rc != FC_OK)
        return rc;
    if (req->app->match == NULL)
        return err_set(&req->err, FC_EUNAVAIL, "", "person matching is not available");
    struct partner_result r;
    rc = partner_review_confirm(req->app->store, req->app->match, &v, id,
                                in ? (fc_id_t)api_input_int(in, "person_id", 0) : 0, req->now,
                                &r, &e);
    if (rc != FC_OK)
        return failed(req, rc, &e);
    return http_resp_json(req, resp, 200, result_json(&r));
}

int api_partner_flags_reject(struct http_req *req, struct http_resp *resp)
{
    struct access_viewer v = api_viewer(req);
    fc_id_t id;
    struct fc_err e;
    int rc = http_req_param_id(req, "id", &id);
    if (rc != FC_OK)
        return rc;
    if (req->app->match == NULL)
        return err_set(&req->err, FC_EUNAVAIL, "", "person matching is not available");
    struct partner_result r;
    rc = partner_review_reject(req->app->store, req->app->match, &v, id, req->now, &r, &e);
    if (rc != FC_OK)
        return failed(req, rc, &e);
    return http_resp_json(req, resp, 200, result_json(&r));
}
