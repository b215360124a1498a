/* api/tasks.c: team queues (due and overdue), an incident's tasks, completing a task. */
#include <string.h>

#include "api/api.h"
#include "api/call_handling.h"
#include "api/input.h"
#include "domain/intake/intake.h"

static json_t *task_json(struct http_req *req, const struct task_rec *t)
{
    bool is_open = strcmp(t->status, "open") == 0;
    return json_pack("{s:I, s:I, s:s, s:s, s:s, s:s?, s:s, s:s?, s:b, s:s?, s:s?, s:s?}", "id",
                     (json_int_t)t->id, "incident_id", (json_int_t)t->incident_id, "kind",
                     t->kind, "rank", t->rank ? t->rank : "", "team_id", t->team_id, "reason",
                     t->reason, "status", t->status, "due_at", api_time(req, t->due_at),
                     "is_overdue", tasks_is_overdue(t->due_at, is_open, req->now), "escalated_at",
                     api_time(req, t->escalated_at), "completed_at",
                     api_time(req, t->completed_at), "outcome", t->outcome);
}

static json_t *tasks_json(struct http_req *req, const struct task_rec *ts, size_t n)
{
    json_t *arr = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(arr, task_json(req, &ts[i]));
    return json_pack("{s:o, s:I}", "tasks", arr, "count", (json_int_t)n);
}

/* GET /api/v1/teams/{team}/tasks?which=open|due|overdue&within_hours=24 */
int api_tasks_queue(struct http_req *req, struct http_resp *resp)
{
    const char *team = http_req_param(req, "team");
    const char *which = http_req_query(req, "which");
    long hours = 24;
    int rc = http_req_query_long(req, "within_hours", 1, 24L * 60, 24, &hours);
    if (rc != FC_OK)
        return rc;
    if (team == NULL || strlen(team) > 48)
        return err_set(&req->err, FC_ENOTFOUND, "team", "no such team");
    struct task_rec *ts;
    size_t n;
    rc = intake_tasks_queue(req->app->store, team, which ? which : "open", req->now, hours * 3600,
                            req->arena, &ts, &n, &req->err);
    if (rc != FC_OK)
        return rc;
    return http_resp_json(req, resp, 200, tasks_json(req, ts, n));
}

/* GET /api/v1/incidents/{id}/tasks */
int api_tasks_for_incident(struct http_req *req, struct http_resp *resp)
{
    fc_id_t iid;
    struct task_rec *ts;
    size_t n;
    struct fc_err e = { 0 };
    int rc = api_ch_incident(req, "id", &iid);
    if (rc != FC_OK)
        return rc;
    struct task_query q = { .incident_id = iid, .limit = 500 };
    rc = store_task_search(req->app->store, &q, req->arena, &ts, &n, &e);
    if (rc != FC_OK)
        return api_store_failed(req, rc, &e);
    rc = api_audit_read(req, "incident", iid, "tasks viewed");
    if (rc != FC_OK)
        return rc;
    return http_resp_json(req, resp, 200, tasks_json(req, ts, n));
}

static const struct api_field complete_fields[] = {
    { "outcome", API_STRING, true, 1000, NULL },
    { "cancel", API_BOOLEAN, false, 0, NULL },
    API_FIELDS_END,
};

/* POST /api/v1/tasks/{id}/complete: {"outcome": "...", "cancel"?: false} */
int api_tasks_complete(struct http_req *req, struct http_resp *resp)
{
    json_t *body;
    fc_id_t id;
    struct task_rec t;
    struct fc_err e = { 0 };
    int rc = http_req_json(req, &body);
    if (rc == FC_OK)
        rc = api_input_check(body, "", complete_fields, &req->err);
    if (rc == FC_OK)
        rc = http_req_param_id(req, "id", &id);
    if (rc != FC_OK)
        return rc;
    rc = store_task_get(req->app->store, id, req->arena, &t, &e);
    if (rc != FC_OK)
        return api_store_failed(req, rc, &e);
    if (t.incident_id != 0 && api_ch_incident_check(req, t.incident_id) != FC_OK)
        return err_set(&req->err, FC_ENOTFOUND, "id", "no such task");
    struct intake_actor who;
    api_ch_actor(req, &who);
    rc = intake_task_complete(req->app->store, &who, id, api_input_bool(body, "cancel", false),
                              api_input_str(body, "outcome"), &req->err);
    if (rc != FC_OK)
        return rc;
    rc = store_task_get(req->app->store, id, req->arena, &t, &e);
    if (rc != FC_OK)
        return api_store_failed(req, rc, &e);
    return http_resp_json(req, resp, 200, task_json(req, &t));
}

/* POST /api/v1/tasks/escalations: marks overdue reviews escalated (supervisors). */
int api_tasks_escalate(struct http_req *req, struct http_resp *resp)
{
    const struct intake_rules *r;
    size_t n = 0;
    int rc = api_ch_rules(req, &r);
    if (rc != FC_OK)
        return rc;
    struct intake_actor who;
    api_ch_actor(req, &who);
    rc = intake_reviews_escalate(req->app->store, r, &who, &n, &req->err);
    if (rc != FC_OK)
        return rc;
    return http_resp_json(req, resp, 200, json_pack("{s:I}", "escalated", (json_int_t)n));
}
