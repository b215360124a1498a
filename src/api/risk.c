/* api/risk.c: screening, full assessment, overrides and the assessment history. */
#include <string.h>

#include "api/api.h"
#include "api/call_handling.h"
#include "api/input.h"
#include "domain/intake/intake.h"

/* Reads {"S1": "yes", "F6": "daily", "S6": false, ...} into answers for `stage`. */
static int answers_parse(struct http_req *req, const struct intake_rules *r, const char *stage,
                         const json_t *obj, struct risk_answers *out)
{
    memset(out, 0, sizeof(*out));
    if (!json_is_object(obj))
        return err_set(&req->err, FC_EINVAL, "answers", "must be an object of answers");
    const char *key;
    json_t *v;
    json_object_foreach((json_t *)obj, key, v)
    {
        const char *value = json_is_true(v)    ? "yes"
                            : json_is_false(v) ? "no"
                                               : json_string_value(v);
        if (value == NULL) {
            char field[40];
            snprintf(field, sizeof(field), "answers.%.24s", key);
            return err_set(&req->err, FC_EINVAL, field, "must be yes, no or a listed choice");
        }
        int rc = risk_answers_add(&r->risk, stage, out, key, value, &req->err);
        if (rc != FC_OK)
            return rc;
    }
    return FC_OK;
}

static json_t *fired_json(const struct risk_result *res)
{
    json_t *arr = json_array();
    for (size_t i = 0; i < res->n_fired; i++) {
        json_t *acts = json_array();
        for (unsigned bit = 1; bit <= RISK_ACT_GRADE_PRIORITY; bit <<= 1)
            if (res->fired[i].actions & bit)
                json_array_append_new(acts, json_string(risk_action_name(bit)));
        json_array_append_new(arr, json_pack("{s:s, s:s, s:o}", "id", res->fired[i].id, "floor",
                                             risk_level_name(res->fired[i].floor), "actions",
                                             acts));
    }
    return arr;
}

static json_t *outcome_json(const struct intake_rules *r, const char *stage,
                            const struct intake_risk_outcome *o)
{
    json_t *j = json_pack("{s:I, s:s, s:s, s:s, s:o, s:I, s:b}", "assessment_id",
                          (json_int_t)o->assessment_id, "version", r->risk.version, "stage", stage,
                          "level", risk_level_name(o->level), "escalations",
                          fired_json(&o->result), "tasks_raised", (json_int_t)o->n_tasks,
                          "regraded", o->regraded);
    if (strcmp(stage, "screening") == 0) {
        json_object_set_new(j, "outcome",
                            json_string(o->result.needs_full ? "not_low_risk" : "standard"));
    } else if (strcmp(stage, "full") == 0) {
        json_t *items = json_object();
        for (size_t i = 0; i < r->risk.n_items; i++)
            json_object_set_new(items, r->risk.items[i].id,
                                json_integer(o->result.item_points[i]));
        json_object_set_new(items, "X1", json_integer(o->result.item_points[r->risk.n_items]));
        json_object_set_new(items, "X2",
                            json_integer(o->result.item_points[r->risk.n_items + 1]));
        json_object_set_new(j, "score", json_integer(o->result.score));
        json_object_set_new(j, "scored_level",
                            json_string(risk_level_name(o->result.scored_level)));
        json_object_set_new(j, "points", items);
    }
    return j;
}

static const struct api_field screen_fields[] = {
    { "contact_id", API_INTEGER, false, 0, NULL },
    { "answers", API_OBJECT, true, 0, NULL },
    API_FIELDS_END,
};

/* POST /api/v1/incidents/{id}/screening */
int api_risk_screen(struct http_req *req, struct http_resp *resp)
{
    const struct intake_rules *r;
    json_t *body = NULL;
    fc_id_t iid;
    struct risk_answers ans;
    int rc = api_ch_rules(req, &r);
    if (rc == FC_OK)
        rc = http_req_json(req, &body);
    if (rc == FC_OK)
        rc = api_input_check(body, "", screen_fields, &req->err);
    if (rc == FC_OK)
        rc = answers_parse(req, r, "screening", json_object_get(body, "answers"), &ans);
    if (rc == FC_OK)
        rc = api_ch_incident(req, "id", &iid);
    if (rc != FC_OK)
        return rc;
    struct intake_actor who;
    struct intake_risk_outcome o;
    api_ch_actor(req, &who);
    rc = intake_screen(req->app->store, r, &who, iid, api_input_int(body, "contact_id", 0), &ans,
                       &o, &req->err);
    if (rc != FC_OK)
        return rc;
    return http_resp_json(req, resp, 201, outcome_json(r, "screening", &o));
}

static const struct api_field assess_fields[] = {
    { "answers", API_OBJECT, true, 0, NULL },
    API_FIELDS_END,
};

/* POST /api/v1/incidents/{id}/assessment */
int api_risk_assess(struct http_req *req, struct http_resp *resp)
{
    const struct intake_rules *r;
    json_t *body = NULL;
    fc_id_t iid;
    struct risk_answers ans;
    int rc = api_ch_rules(req, &r);
    if (rc == FC_OK)
        rc = http_req_json(req, &body);
    if (rc == FC_OK)
        rc = api_input_check(body, "", assess_fields, &req->err);
    if (rc == FC_OK)
        rc = answers_parse(req, r, "full", json_object_get(body, "answers"), &ans);
    if (rc == FC_OK)
        rc = api_ch_incident(req, "id", &iid);
    if (rc != FC_OK)
        return rc;
    struct intake_actor who;
    struct intake_risk_outcome o;
    api_ch_actor(req, &who);
    rc = intake_assess_full(req->app->store, r, &who, iid, &ans, &o, &req->err);
    if (rc != FC_OK)
        return rc;
    return http_resp_json(req, resp, 201, outcome_json(r, "full", &o));
}

static const char *const levels[] = { "standard", "medium", "high", NULL };
static const struct api_field override_fields[] = {
    { "level", API_STRING, true, 16, levels },
    { "reason", API_STRING, true, 500, NULL },
    API_FIELDS_END,
};

/* POST /api/v1/incidents/{id}/risk-override */
int api_risk_override(struct http_req *req, struct http_resp *resp)
{
    const struct intake_rules *r;
    json_t *body = NULL;
    fc_id_t iid;
    enum risk_level level = RISK_STANDARD;
    int rc = api_ch_rules(req, &r);
    if (rc == FC_OK)
        rc = http_req_json(req, &body);
    if (rc == FC_OK)
        rc = api_input_check(body, "", override_fields, &req->err);
    if (rc == FC_OK && !risk_level_parse(api_input_str(body, "level"), &level))
        rc = err_set(&req->err, FC_EINVAL, "level", "must be standard, medium or high");
    if (rc == FC_OK)
        rc = api_ch_incident(req, "id", &iid);
    if (rc != FC_OK)
        return rc;
    struct intake_actor who;
    struct intake_risk_outcome o;
    api_ch_actor(req, &who);
    rc = intake_risk_override(req->app->store, r, &who, iid, level,
                              api_input_str(body, "reason"), &o, &req->err);
    if (rc != FC_OK)
        return rc;
    return http_resp_json(req, resp, 201, outcome_json(r, "override", &o));
}

/* GET /api/v1/incidents/{id}/risk: every assessment, oldest first. */
int api_risk_list(struct http_req *req, struct http_resp *resp)
{
    fc_id_t iid;
    struct risk_assessment_rec *ras;
    size_t n;
    struct fc_err e = { 0 };
    int rc = api_ch_incident(req, "id", &iid);
    if (rc != FC_OK)
        return rc;
    rc = store_risk_assessment_list(req->app->store, iid, 0, req->arena, &ras, &n, &e);
    if (rc != FC_OK)
        return api_store_failed(req, rc, &e);
    rc = api_audit_read(req, "incident", iid, "risk assessments viewed");
    if (rc != FC_OK)
        return rc;
    json_t *arr = json_array();
    for (size_t i = 0; i < n; i++) {
        json_t *answers = json_loads(ras[i].answers ? ras[i].answers : "{}", 0, NULL);
        json_t *esc = json_loads(ras[i].escalations ? ras[i].escalations : "[]", 0, NULL);
        json_array_append_new(
            arr, json_pack("{s:I, s:s, s:s, s:o, s:i, s:o, s:s?, s:s?, s:s, s:s?, s:I, s:I, "
                           "s:s?, s:s?}",
                           "id", (json_int_t)ras[i].id, "version", ras[i].version, "stage",
                           ras[i].stage, "answers", answers ? answers : json_object(), "score",
                           ras[i].score, "escalations", esc ? esc : json_array(), "outcome",
                           ras[i].outcome, "scored_level", ras[i].scored_level, "level",
                           ras[i].final_level, "reason", ras[i].reason, "supersedes_id",
                           (json_int_t)ras[i].supersedes_id, "assessor_user_id",
                           (json_int_t)ras[i].assessor_user_id, "assessed_at",
                           api_time(req, ras[i].assessed_at), "next_review_due",
                           api_time(req, ras[i].next_review_due)));
    }
    return http_resp_json(req, resp, 200, json_pack("{s:o}", "assessments", arr));
}

static json_t *questions_json(const struct risk_question *qs, size_t n)
{
    json_t *arr = json_array();
    for (size_t i = 0; i < n; i++) {
        json_t *q = json_pack("{s:s, s:s}", "id", qs[i].id, "text", qs[i].text);
        if (qs[i].n_choices > 0) {
            json_t *ch = json_object();
            for (size_t k = 0; k < qs[i].n_choices; k++)
                json_object_set_new(ch, qs[i].choices[k].value,
                                    json_integer(qs[i].choices[k].points));
            json_object_set_new(q, "choices", ch);
        } else {
            json_object_set_new(q, "points", json_integer(qs[i].points));
        }
        json_array_append_new(arr, q);
    }
    return arr;
}

/* GET /api/v1/risk/questions: the questionnaire in force. */
int api_risk_questions(struct http_req *req, struct http_resp *resp)
{
    const struct intake_rules *r;
    int rc = api_ch_rules(req, &r);
    if (rc != FC_OK)
        return rc;
    return http_resp_json(
        req, resp, 200,
        json_pack("{s:s, s:o, s:o, s:i, s:i}", "version", r->risk.version, "screening",
                  questions_json(r->risk.screening, r->risk.n_screening), "full",
                  questions_json(r->risk.items, r->risk.n_items), "medium_min",
                  r->risk.medium_min, "high_min", r->risk.high_min));
}
