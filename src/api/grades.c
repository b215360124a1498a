/* api/grades.c: suggesting, setting and listing an incident's response grade. */
#include <string.h>

#include "api/api.h"
#include "api/call_handling.h"
#include "api/input.h"
#include "domain/intake/intake.h"

static const char *const grade_names[] = { "emergency", "priority", "scheduled",
                                           "resolved_first_contact", NULL };
static const struct api_field grade_fields[] = {
    { "answers", API_ARRAY, false, 8, NULL },
    { "grade", API_STRING, false, 32, grade_names },
    { "reason", API_STRING, false, 500, NULL },
    API_FIELDS_END,
};

/* POST /api/v1/incidents/{id}/grade: {"answers": ["safety_concern"], "grade"?, "reason"?} */
int api_grades_set(struct http_req *req, struct http_resp *resp)
{
    const struct intake_rules *r;
    json_t *body;
    fc_id_t iid;
    const char *answers[GRADING_MAX_ANSWERS];
    size_t n = 0;
    enum grade requested;
    bool has_requested = false;
    int rc = api_ch_rules(req, &r);
    if (rc == FC_OK)
        rc = http_req_json(req, &body);
    if (rc == FC_OK)
        rc = api_input_check(body, "", grade_fields, &req->err);
    if (rc != FC_OK)
        return rc;
    json_t *arr = json_object_get(body, "answers");
    for (size_t i = 0; json_is_array(arr) && i < json_array_size(arr); i++) {
        const char *a = json_string_value(json_array_get(arr, i));
        if (a == NULL || n >= GRADING_MAX_ANSWERS) {
            char field[24];
            snprintf(field, sizeof(field), "answers[%zu]", i);
            return err_set(&req->err, FC_EINVAL, field, "must be a grading answer");
        }
        answers[n++] = a;
    }
    if (api_input_str(body, "grade") != NULL)
        has_requested = grading_grade_parse(api_input_str(body, "grade"), &requested);
    rc = api_ch_incident(req, "id", &iid);
    if (rc != FC_OK)
        return rc;
    struct intake_actor who;
    struct intake_grade_outcome o;
    api_ch_actor(req, &who);
    rc = intake_grade(req->app->store, r, &who, iid, answers, n,
                      has_requested ? &requested : NULL, api_input_str(body, "reason"), &o,
                      &req->err);
    if (rc != FC_OK)
        return rc;
    return http_resp_json(req, resp, 201,
                          json_pack("{s:s, s:s, s:s, s:s, s:b, s:s, s:I}", "version",
                                    r->grading.version, "suggested",
                                    grading_grade_name(o.suggestion.grade), "floor",
                                    grading_grade_name(o.suggestion.floor), "grade",
                                    grading_grade_name(o.grade), "is_override", o.is_override,
                                    "why", o.suggestion.why, "tasks_raised",
                                    (json_int_t)o.n_tasks));
}

/* GET /api/v1/incidents/{id}/grades: every grading decision, oldest first. */
int api_grades_list(struct http_req *req, struct http_resp *resp)
{
    fc_id_t iid;
    struct grade_rec *gs;
    size_t n;
    struct fc_err e = { 0 };
    int rc = api_ch_incident(req, "id", &iid);
    if (rc != FC_OK)
        return rc;
    rc = store_grade_list(req->app->store, iid, req->arena, &gs, &n, &e);
    if (rc != FC_OK)
        return api_store_failed(req, rc, &e);
    rc = api_audit_read(req, "incident", iid, "grades viewed");
    if (rc != FC_OK)
        return rc;
    json_t *arr = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(arr, json_pack("{s:I, s:s, s:s, s:s, s:s, s:s?, s:b, s:I, s:s?}",
                                             "id", (json_int_t)gs[i].id, "version",
                                             gs[i].version, "suggested", gs[i].suggested, "floor",
                                             gs[i].floor, "grade", gs[i].grade, "reason",
                                             gs[i].reason, "is_override", gs[i].is_override,
                                             "user_id", (json_int_t)gs[i].user_id, "graded_at",
                                             api_time(req, gs[i].graded_at)));
    return http_resp_json(req, resp, 200, json_pack("{s:o}", "grades", arr));
}
