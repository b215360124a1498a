/*
 * api/reports.c: /api/v1/reports: every performance report as JSON, CSV or XLSX, and the
 * monthly PDF pack.
 *
 * Reports are aggregates: no person's record is read, so no consultation is audited; a
 * download (CSV, XLSX, PDF) is audited as an export. Officers and partner officers see
 * their own organisation's figures; supervisors and analysts see all. Repeat locations
 * name addresses, so analysts (aggregates only, DESIGN.md section 1) may not have them.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "domain/report/pack.h"
#include "domain/report/report.h"

int api_reports_list(struct http_req *req, struct http_resp *resp)
{
    json_t *arr = json_array();
    for (size_t i = 0; report_names[i]; i++)
        json_array_append_new(arr, json_pack("{s:s, s:s}", "name", report_names[i], "href",
                                             api_path(req, "/api/v1/reports/%s",
                                                      report_names[i])));
    json_array_append_new(arr, json_pack("{s:s, s:s}", "name", "pack", "href",
                                         "/api/v1/reports/pack?month=YYYY-MM"));
    return http_resp_json(req, resp, 200, json_pack("{s:o}", "reports", arr));
}

/* Hands a malloc'd buffer to the response by copying it into the request's arena. */
static int send_bytes(struct http_req *req, struct http_resp *resp, char *buf, size_t len,
                      const char *type, const char *filename)
{
    char *body = arena_alloc(req->arena, len + 1);
    if (!body) {
        free(buf);
        return err_set(&req->err, FC_ENOMEM, "", "the report is too large to send");
    }
    memcpy(body, buf, len);
    free(buf);
    resp->status = 200;
    resp->content_type = type;
    resp->body = body;
    resp->body_len = len;
    return http_resp_header(req, resp, "Content-Disposition",
                            api_path(req, "attachment; filename=\"%s\"", filename));
}

static bool sees_all(const struct http_req *req)
{
    return req->auth.user.role == ROLE_SUPERVISOR || req->auth.user.role == ROLE_ANALYST;
}

static int pack(struct http_req *req, struct http_resp *resp)
{
    const char *month = http_req_query(req, "month");
    if (!month)
        return err_set(&req->err, FC_EINVAL, "month", "month is required (YYYY-MM)");
    char *buf = NULL;
    size_t len = 0;
    struct fc_err e;
    fc_id_t org = sees_all(req) ? 0 : req->auth.user.org_id;
    int rc = report_pack_pdf(req->app->store, month, org, req->now, &buf, &len, &e);
    if (rc != FC_OK)
        return api_store_failed(req, rc, &e);
    rc = api_audit(req, AUDIT_EXPORT, "report", 0, "monthly performance pack", "pack");
    if (rc != FC_OK) {
        free(buf);
        return rc;
    }
    return send_bytes(req, resp, buf, len, "application/pdf",
                      api_path(req, "firstcontact-pack-%.7s.pdf", month));
}

int api_reports_get(struct http_req *req, struct http_resp *resp)
{
    const char *name = http_req_param(req, "name");
    if (name && strcmp(name, "pack") == 0)
        return pack(req, resp);
    const char *format = http_req_query(req, "format");
    if (!format)
        format = "json";
    if (strcmp(format, "json") != 0 && strcmp(format, "csv") != 0 &&
        strcmp(format, "xlsx") != 0)
        return err_set(&req->err, FC_EINVAL, "format", "format must be json, csv or xlsx");
    struct report_request rq;
    int rc = report_request_parse(name, http_req_query(req, "period"), http_req_query(req, "by"),
                                  http_req_query(req, "from"), http_req_query(req, "to"),
                                  http_req_query(req, "benchmark"), &rq, &req->err);
    if (rc != FC_OK)
        return rc;
    if (strcmp(rq.name, "repeat_locations") == 0 && req->auth.user.role == ROLE_ANALYST)
        return err_set(&req->err, FC_EDENIED, "report",
                       "repeat locations name addresses; analysts see aggregates only");
    rq.now = req->now;
    rq.org_id = sees_all(req) ? 0 : req->auth.user.org_id;
    struct report_table t;
    struct fc_err e;
    rc = report_build(req->app->store, &rq, req->arena, &t, &e);
    if (rc != FC_OK)
        return api_store_failed(req, rc, &e);
    char *buf = NULL;
    size_t len = 0;
    if (strcmp(format, "json") == 0) {
        rc = report_render_json(&t, &buf, &len, &req->err);
        if (rc != FC_OK)
            return rc;
        json_error_t jerr;
        json_t *doc = json_loadb(buf, len, 0, &jerr);
        free(buf);
        if (!doc)
            return err_set(&req->err, FC_EINTERNAL, "", "report JSON did not parse");
        return http_resp_json(req, resp, 200, doc);
    }
    rc = api_audit(req, AUDIT_EXPORT, "report", 0, "report download", rq.name);
    if (rc != FC_OK)
        return rc;
    if (strcmp(format, "xlsx") == 0) {
        rc = report_render_xlsx(&t, &buf, &len, &req->err);
        if (rc != FC_OK)
            return rc;
        return send_bytes(req, resp, buf, len,
                          "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                          api_path(req, "%s.xlsx", rq.name));
    }
    FILE *f = open_memstream(&buf, &len);
    if (!f)
        return err_set(&req->err, FC_ENOMEM, "", "out of memory rendering the CSV");
    rc = report_render_csv(&t, f, &req->err);
    fclose(f);
    if (rc != FC_OK) {
        free(buf);
        return rc;
    }
    return send_bytes(req, resp, buf, len, "text/csv; charset=utf-8",
                      api_path(req, "%s.csv", rq.name));
}
