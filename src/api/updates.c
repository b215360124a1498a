/* api/updates.c: victim update plans, updates, key events, reminders; closing incidents. */
#include <string.h>

#include "api/api.h"
#include "api/call_handling.h"
#include "api/input.h"
#include "domain/intake/intake.h"

static const struct api_field plan_fields[] = {
    { "frequency_working_days", API_INTEGER, false, 0, NULL },
    { "channel", API_STRING, false, 16, NULL },
    { "person_id", API_INTEGER, false, 0, NULL },
    API_FIELDS_END,
};

static json_t *plan_json(struct http_req *req, const struct update_plan_rec *p)
{
    return json_pack("{s:I, s:I, s:s, s:i, s:s, s:b, s:s?, s:s?}", "id", (json_int_t)p->id,
                     "incident_id", (json_int_t)p->incident_id, "version", p->version,
                     "frequency_working_days", p->frequency_wd, "channel", p->channel,
                     "is_enhanced", p->is_enhanced, "agreed_at", api_time(req, p->agreed_at),
                     "next_due_at", api_time(req, p->next_due_at));
}

/* POST /api/v1/incidents/{id}/update-plan */
int api_updates_plan(struct http_req *req, struct http_resp *resp)
{
    const struct intake_rules *r;
    json_t *body;
    fc_id_t iid, id = 0;
    int rc = api_ch_rules(req, &r);
    if (rc == FC_OK)
        rc = http_req_json(req, &body);
    if (rc == FC_OK)
        rc = api_input_check(body, "", plan_fields, &req->err);
    if (rc == FC_OK)
        rc = api_ch_incident(req, "id", &iid);
    if (rc != FC_OK)
        return rc;
    long long freq = api_input_int(body, "frequency_working_days", 0);
    if (freq < 0 || freq > 60)
        return err_set(&req->err, FC_EINVAL, "frequency_working_days", "must be 1 to 60");
    struct intake_actor who;
    api_ch_actor(req, &who);
    rc = intake_update_plan_set(req->app->store, r, &who, iid,
                                api_input_int(body, "person_id", 0), (int)freq,
                                api_input_str(body, "channel"), &id, &req->err);
    if (rc != FC_OK)
        return rc;
    struct update_plan_rec p;
    struct fc_err e = { 0 };
    rc = store_update_plan_current(req->app->store, iid, req->arena, &p, &e);
    if (rc != FC_OK)
        return api_store_failed(req, rc, &e);
    return http_resp_json(req, resp, 201, plan_json(req, &p));
}

static const char *const kinds[] = { "scheduled", "key_event", NULL };
static const struct api_field update_fields[] = {
    { "kind", API_STRING, true, 16, kinds },
    { "event", API_STRING, false, 40, NULL },
    { "channel", API_STRING, false, 16, NULL },
    { "summary", API_STRING, true, 2000, NULL },
    API_FIELDS_END,
};

/* POST /api/v1/incidents/{id}/updates: an update sent to the victim. */
int api_updates_record(struct http_req *req, struct http_resp *resp)
{
    const struct intake_rules *r;
    json_t *body;
    fc_id_t iid, id = 0;
    int rc = api_ch_rules(req, &r);
    if (rc == FC_OK)
        rc = http_req_json(req, &body);
    if (rc == FC_OK)
        rc = api_input_check(body, "", update_fields, &req->err);
    if (rc == FC_OK)
        rc = api_ch_incident(req, "id", &iid);
    if (rc != FC_OK)
        return rc;
    struct intake_actor who;
    api_ch_actor(req, &who);
    rc = intake_update_record(req->app->store, r, &who, iid, api_input_str(body, "kind"),
                              api_input_str(body, "event"), api_input_str(body, "channel"),
                              api_input_str(body, "summary"), &id, &req->err);
    if (rc != FC_OK)
        return rc;
    return http_resp_json(req, resp, 201, json_pack("{s:I}", "id", (json_int_t)id));
}

/* GET /api/v1/incidents/{id}/updates: the plan in force and every update sent. */
int api_updates_list(struct http_req *req, struct http_resp *resp)
{
    fc_id_t iid;
    struct victim_update_rec *us;
    size_t n;
    struct update_plan_rec p;
    struct fc_err e = { 0 };
    int rc = api_ch_incident(req, "id", &iid);
    if (rc == FC_OK)
        rc = api_audit_read(req, "incident", iid, "victim updates viewed");
    if (rc != FC_OK)
        return rc;
    json_t *plan = json_null();
    rc = store_update_plan_current(req->app->store, iid, req->arena, &p, &e);
    if (rc == FC_OK)
        plan = plan_json(req, &p);
    else if (rc != FC_ENOTFOUND)
        return api_store_failed(req, rc, &e);
    rc = store_victim_update_list(req->app->store, iid, req->arena, &us, &n, &e);
    if (rc != FC_OK) {
        json_decref(plan);
        return api_store_failed(req, rc, &e);
    }
    json_t *arr = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(arr, json_pack("{s:I, s:s, s:s?, s:s, s:s?, s:s?, s:s?}", "id",
                                             (json_int_t)us[i].id, "kind", us[i].kind, "event",
                                             us[i].event, "channel", us[i].channel, "summary",
                                             us[i].summary, "due_at",
                                             api_time(req, us[i].due_at), "sent_at",
                                             api_time(req, us[i].sent_at)));
    return http_resp_json(req, resp, 200, json_pack("{s:o, s:o}", "plan", plan, "updates", arr));
}

static const struct api_field event_fields[] = {
    { "event", API_STRING, true, 40, NULL },
    API_FIELDS_END,
};

/* POST /api/v1/incidents/{id}/key-events: {"event": "arrest"} raises an update task. */
int api_updates_key_event(struct http_req *req, struct http_resp *resp)
{
    const struct intake_rules *r;
    json_t *body;
    fc_id_t iid;
    int rc = api_ch_rules(req, &r);
    if (rc == FC_OK)
        rc = http_req_json(req, &body);
    if (rc == FC_OK)
        rc = api_input_check(body, "", event_fields, &req->err);
    if (rc == FC_OK)
        rc = api_ch_incident(req, "id", &iid);
    if (rc != FC_OK)
        return rc;
    struct intake_actor who;
    api_ch_actor(req, &who);
    rc = intake_key_event(req->app->store, r, &who, iid, api_input_str(body, "event"),
                          &req->err);
    if (rc != FC_OK)
        return rc;
    return http_resp_json(req, resp, 201, json_pack("{s:s}", "event", api_input_str(body, "event")));
}

/* POST /api/v1/victim-updates/reminders: raises tasks for updates falling due in 24 h. */
int api_updates_remind(struct http_req *req, struct http_resp *resp)
{
    const struct intake_rules *r;
    size_t n = 0;
    int rc = api_ch_rules(req, &r);
    if (rc != FC_OK)
        return rc;
    struct intake_actor who;
    api_ch_actor(req, &who);
    rc = intake_updates_remind(req->app->store, r, &who, 24L * 3600, &n, &req->err);
    if (rc != FC_OK)
        return rc;
    return http_resp_json(req, resp, 200, json_pack("{s:I}", "tasks_raised", (json_int_t)n));
}

static const struct api_field close_fields[] = {
    { "closure_code", API_STRING, true, 32, NULL },
    { "outcome", API_STRING, true, 2000, NULL },
    { "case_id", API_INTEGER, false, 0, NULL },
    { "update_summary", API_STRING, false, 2000, NULL },
    { "update_channel", API_STRING, false, 16, NULL },
    API_FIELDS_END,
};

/* POST /api/v1/incidents/{id}/close */
int api_incidents_close(struct http_req *req, struct http_resp *resp)
{
    const struct intake_rules *r;
    json_t *body;
    fc_id_t iid;
    int rc = api_ch_rules(req, &r);
    if (rc == FC_OK)
        rc = http_req_json(req, &body);
    if (rc == FC_OK)
        rc = api_input_check(body, "", close_fields, &req->err);
    if (rc == FC_OK)
        rc = api_ch_incident(req, "id", &iid);
    if (rc != FC_OK)
        return rc;
    struct intake_closure c = { .closure_code = api_input_str(body, "closure_code"),
                                .outcome = api_input_str(body, "outcome"),
                                .case_id = api_input_int(body, "case_id", 0),
                                .update_summary = api_input_str(body, "update_summary"),
                                .update_channel = api_input_str(body, "update_channel") };
    struct intake_actor who;
    api_ch_actor(req, &who);
    rc = intake_incident_close(req->app->store, r, &who, iid, &c, &req->err);
    if (rc != FC_OK)
        return rc;
    struct incident_closure_rec cl;
    struct fc_err e = { 0 };
    rc = store_incident_closure_get(req->app->store, iid, req->arena, &cl, &e);
    if (rc != FC_OK)
        return api_store_failed(req, rc, &e);
    return http_resp_json(req, resp, 200,
                          json_pack("{s:I, s:s, s:s, s:I, s:s?, s:s}", "incident_id",
                                    (json_int_t)iid, "closure_code", cl.closure_code, "outcome",
                                    cl.outcome, "case_id", (json_int_t)cl.case_id, "closed_at",
                                    api_time(req, cl.closed_at), "status", "closed"));
}
