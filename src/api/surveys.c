/*
 * api/surveys.c: /api/v1/surveys (staff: the queue, call-back answers, links, declines) and
 * /api/v1/survey/{token} (public: the one-time web link a victim opens).
 *
 * The link's token is shown once, in the response that creates it; only its hash is
 * stored. A public request learns nothing but whether its token is valid.
 */
#include <string.h>

#include "api/api.h"
#include "api/input.h"
#include "domain/config/config.h"
#include "domain/survey/survey.h"

static const char *const q6_values[] = { "yes", "reduced", "no", "dont_know", NULL };
static const char *const q7_values[] = { "yes", "no", "dont_know", NULL };

static const struct api_field answer_fields[] = {
    { "q1", API_INTEGER, true, 0, NULL },      { "q2", API_INTEGER, true, 0, NULL },
    { "q3", API_INTEGER, true, 0, NULL },      { "q4", API_INTEGER, true, 0, NULL },
    { "q5", API_INTEGER, true, 0, NULL },      { "q6", API_STRING, true, 12, q6_values },
    { "q7", API_STRING, true, 12, q7_values }, API_FIELDS_END,
};

static int load_config(struct http_req *req, struct survey_config *cfg)
{
    struct fc_err e;
    int rc = survey_config_load("survey/v1", cfg, &e);
    return rc == FC_OK ? rc : api_store_failed(req, rc, &e);
}

static int read_answers(struct http_req *req, struct survey_input *in)
{
    json_t *body;
    int rc = http_req_json(req, &body);
    if (rc == FC_OK)
        rc = api_input_check(body, "", answer_fields, &req->err);
    if (rc != FC_OK)
        return rc;
    memset(in, 0, sizeof(*in));
    for (int i = 0; i < 5; i++) {
        char key[3] = { 'q', (char)('1' + i), '\0' };
        long long v = api_input_int(body, key, -1);
        in->q[i] = v < -1 || v > 100 ? -1 : (int)v;
    }
    snprintf(in->q6, sizeof(in->q6), "%s", api_input_str(body, "q6"));
    snprintf(in->q7, sizeof(in->q7), "%s", api_input_str(body, "q7"));
    return survey_input_validate(in, &req->err);
}

int api_surveys_list(struct http_req *req, struct http_resp *resp)
{
    const char *status = http_req_query(req, "status");
    struct survey_queue_rec *rows = NULL;
    size_t n = 0;
    struct fc_err e;
    int rc = store_survey_queue_list(req->app->store, status ? status : "queued", req->arena,
                                     &rows, &n, &e);
    if (rc != FC_OK)
        return api_store_failed(req, rc, &e);
    json_t *arr = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(arr, json_pack("{s:I, s:I, s:I, s:s, s:s, s:s}", "id",
                                             (json_int_t)rows[i].id, "incident_id",
                                             (json_int_t)rows[i].incident_id, "person_id",
                                             (json_int_t)rows[i].person_id, "reason",
                                             rows[i].reason, "status", rows[i].status,
                                             "queued_at", api_time(req, rows[i].queued_at)));
    return http_resp_json(req, resp, 200, json_pack("{s:o}", "surveys", arr));
}

int api_surveys_screen(struct http_req *req, struct http_resp *resp)
{
    struct survey_config cfg;
    int rc = load_config(req, &cfg);
    if (rc != FC_OK)
        return rc;
    size_t eligible = 0, skipped = 0;
    struct fc_err e;
    rc = survey_queue_screen(req->app->store, &cfg, req->now, &eligible, &skipped, &e);
    if (rc != FC_OK)
        return api_store_failed(req, rc, &e);
    return http_resp_json(req, resp, 200,
                          json_pack("{s:I, s:I, s:i}", "eligible", (json_int_t)eligible,
                                    "not_eligible", (json_int_t)skipped, "not_again_days",
                                    cfg.not_again_days));
}

int api_surveys_link(struct http_req *req, struct http_resp *resp)
{
    fc_id_t id;
    struct survey_config cfg;
    int rc = http_req_param_id(req, "id", &id);
    if (rc == FC_OK)
        rc = load_config(req, &cfg);
    if (rc != FC_OK)
        return rc;
    char token[SURVEY_TOKEN_LEN + 1];
    struct fc_err e;
    rc = survey_link_create(req->app->store, &cfg, id, req->now, token, &e);
    if (rc != FC_OK)
        return api_store_failed(req, rc, &e);
    json_t *body = json_pack("{s:I, s:s, s:s, s:s}", "id", (json_int_t)id, "token", token,
                             "href", api_path(req, "/api/v1/survey/%s", token), "expires_at",
                             api_time(req, req->now + (fc_time_t)cfg.link_valid_days * 86400));
    return http_resp_json(req, resp, 201, body);
}

int api_surveys_answer(struct http_req *req, struct http_resp *resp)
{
    fc_id_t id, response_id = 0;
    struct survey_config cfg;
    struct survey_input in;
    int rc = http_req_param_id(req, "id", &id);
    if (rc == FC_OK)
        rc = read_answers(req, &in);
    if (rc == FC_OK)
        rc = load_config(req, &cfg);
    if (rc != FC_OK)
        return rc;
    struct fc_err e;
    rc = survey_record_phone(req->app->store, &cfg, id, &in, req->auth.user.id, req->now,
                             &response_id, &e);
    if (rc != FC_OK)
        return api_store_failed(req, rc, &e);
    return http_resp_json(req, resp, 201,
                          json_pack("{s:I, s:I, s:s}", "id", (json_int_t)id, "response_id",
                                    (json_int_t)response_id, "status", "responded"));
}

int api_surveys_decline(struct http_req *req, struct http_resp *resp)
{
    fc_id_t id;
    int rc = http_req_param_id(req, "id", &id);
    if (rc != FC_OK)
        return rc;
    struct fc_err e;
    rc = survey_decline(req->app->store, id, &e);
    if (rc != FC_OK)
        return api_store_failed(req, rc, &e);
    return http_resp_json(req, resp, 200,
                          json_pack("{s:I, s:s}", "id", (json_int_t)id, "status", "declined"));
}

int api_survey_form(struct http_req *req, struct http_resp *resp)
{
    fc_id_t queue_id;
    struct fc_err e;
    int rc = survey_link_check(req->app->store, http_req_param(req, "token"), req->now,
                               &queue_id, &e);
    if (rc != FC_OK)
        return api_store_failed(req, rc, &e);
    json_t *cfg = NULL;
    rc = config_json_load("survey/v1", &cfg, &e);
    if (rc != FC_OK)
        return api_store_failed(req, rc, &e);
    json_t *body = json_pack("{s:s, s:O, s:O}", "instrument", "survey/v1", "scale",
                             json_object_get(cfg, "scale"), "questions",
                             json_object_get(cfg, "questions"));
    json_decref(cfg);
    return http_resp_json(req, resp, 200, body);
}

int api_survey_submit(struct http_req *req, struct http_resp *resp)
{
    struct survey_input in;
    int rc = read_answers(req, &in);
    if (rc != FC_OK)
        return rc;
    fc_id_t response_id = 0;
    struct fc_err e;
    rc = survey_record_web(req->app->store, http_req_param(req, "token"), &in, req->now,
                           &response_id, &e);
    if (rc != FC_OK)
        return api_store_failed(req, rc, &e);
    return http_resp_json(req, resp, 201, json_pack("{s:s}", "status", "thank you"));
}
