/* api/triggers.c: Community Trigger (ASB case review) applications and their steps. */
#include <string.h>

#include "api/api.h"
#include "api/call_handling.h"
#include "api/input.h"
#include "domain/intake/intake.h"

static json_t *trigger_json(struct http_req *req, const struct community_trigger_rec *t)
{
    json_t *steps = json_array();
    for (size_t i = 0; i < t->n_steps; i++) {
        const struct trigger_step_rec *s = &t->steps[i];
        bool is_overdue = s->done_at == 0 && s->due_at != 0 && s->due_at < req->now;
        json_array_append_new(steps, json_pack("{s:s, s:s?, s:s?, s:b, s:s?}", "step", s->step,
                                               "due_at", api_time(req, s->due_at), "done_at",
                                               api_time(req, s->done_at), "is_overdue",
                                               is_overdue, "note", s->note));
    }
    return json_pack("{s:I, s:s, s:I, s:I, s:I, s:s, s:b, s:b, s:s, s:s?, s:i, s:i, s:s?, s:s?, "
                     "s:s?, s:o}",
                     "id", (json_int_t)t->id, "version", t->version, "applicant_person_id",
                     (json_int_t)t->applicant_person_id, "incident_id",
                     (json_int_t)t->incident_id, "contact_id", (json_int_t)t->contact_id,
                     "channel", t->channel, "is_third_party", t->is_third_party,
                     "has_victim_consent", t->has_victim_consent, "status", t->status, "basis",
                     t->basis, "applicant_count", t->applicant_count, "problem_people",
                     t->problem_people, "applied_at", api_time(req, t->applied_at),
                     "decision_reason", t->decision_reason, "outcome", t->outcome, "steps",
                     steps);
}

static int trigger_visible(struct http_req *req, fc_id_t id, struct community_trigger_rec *out)
{
    struct fc_err e = { 0 };
    int rc = store_trigger_get(req->app->store, id, req->arena, out, &e);
    if (rc != FC_OK)
        return api_store_failed(req, rc, &e);
    if (out->incident_id != 0 && api_ch_incident_check(req, out->incident_id) != FC_OK)
        return err_set(&req->err, FC_ENOTFOUND, "id", "no such Community Trigger");
    return FC_OK;
}

static const char *const channels[] = { "phone",  "online", "open311",   "partner_referral",
                                        "letter", "email",  "in_person", NULL };
static const struct api_field create_fields[] = {
    { "applicant_person_id", API_INTEGER, false, 0, NULL },
    { "incident_id", API_INTEGER, false, 0, NULL },
    { "contact_id", API_INTEGER, false, 0, NULL },
    { "channel", API_STRING, true, 32, channels },
    { "is_third_party", API_BOOLEAN, false, 0, NULL },
    { "has_victim_consent", API_BOOLEAN, false, 0, NULL },
    API_FIELDS_END,
};

/* POST /api/v1/community-triggers */
int api_triggers_create(struct http_req *req, struct http_resp *resp)
{
    const struct intake_rules *r;
    json_t *body;
    int rc = api_ch_rules(req, &r);
    if (rc == FC_OK)
        rc = http_req_json(req, &body);
    if (rc == FC_OK)
        rc = api_input_check(body, "", create_fields, &req->err);
    if (rc != FC_OK)
        return rc;
    struct intake_trigger_application app = {
        .applicant_person_id = api_input_int(body, "applicant_person_id", 0),
        .incident_id = api_input_int(body, "incident_id", 0),
        .contact_id = api_input_int(body, "contact_id", 0),
        .channel = api_input_str(body, "channel"),
        .is_third_party = api_input_bool(body, "is_third_party", false),
        .has_victim_consent = api_input_bool(body, "has_victim_consent", false),
    };
    if (app.applicant_person_id < 0 || app.incident_id < 0 || app.contact_id < 0)
        return err_set(&req->err, FC_EINVAL, "incident_id", "ids must be positive");
    if (app.incident_id != 0 && api_ch_incident_check(req, app.incident_id) != FC_OK)
        return err_set(&req->err, FC_EINVAL, "incident_id", "no such incident");
    struct intake_actor who;
    fc_id_t id = 0;
    api_ch_actor(req, &who);
    rc = intake_trigger_open(req->app->store, r, &who, &app, &id, &req->err);
    if (rc != FC_OK)
        return rc;
    struct community_trigger_rec t;
    rc = trigger_visible(req, id, &t);
    if (rc != FC_OK)
        return rc;
    return http_resp_json(req, resp, 201, trigger_json(req, &t));
}

/* GET /api/v1/community-triggers/{id} */
int api_triggers_get(struct http_req *req, struct http_resp *resp)
{
    fc_id_t id;
    struct community_trigger_rec t;
    int rc = http_req_param_id(req, "id", &id);
    if (rc == FC_OK)
        rc = trigger_visible(req, id, &t);
    if (rc == FC_OK)
        rc = api_audit_read(req, "community_trigger", id, "viewed");
    if (rc != FC_OK)
        return rc;
    return http_resp_json(req, resp, 200, trigger_json(req, &t));
}

static const struct api_field step_fields[] = {
    { "is_met", API_BOOLEAN, false, 0, NULL },
    { "note", API_STRING, false, 2000, NULL },
    API_FIELDS_END,
};

/* POST /api/v1/community-triggers/{id}/steps/{step}: {"is_met"?: true, "note"?: "..."} */
int api_triggers_step(struct http_req *req, struct http_resp *resp)
{
    const struct intake_rules *r;
    json_t *body;
    fc_id_t id;
    struct community_trigger_rec t;
    int rc = api_ch_rules(req, &r);
    if (rc == FC_OK)
        rc = http_req_json(req, &body);
    if (rc == FC_OK)
        rc = api_input_check(body, "", step_fields, &req->err);
    if (rc == FC_OK)
        rc = http_req_param_id(req, "id", &id);
    if (rc == FC_OK)
        rc = trigger_visible(req, id, &t);
    if (rc != FC_OK)
        return rc;
    struct intake_actor who;
    api_ch_actor(req, &who);
    rc = intake_trigger_step_done(req->app->store, r, &who, id, http_req_param(req, "step"),
                                  api_input_bool(body, "is_met", false),
                                  api_input_str(body, "note"), &req->err);
    if (rc == FC_OK)
        rc = trigger_visible(req, id, &t);
    if (rc != FC_OK)
        return rc;
    return http_resp_json(req, resp, 200, trigger_json(req, &t));
}
