/*
 * api/open311.c: Open311 GeoReport v2 over HTTP (see open311.h). Parses paths, query
 * strings and form bodies, calls domain/open311, and renders one JSON tree either as JSON
 * or, by the Spark convention, as XML.
 */
#include "api/open311.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "api/api.h"
#include "api/ui_form.h"
#include "domain/intake/intake.h"
#include "domain/open311/open311.h"
#include "util/timeutil.h"
#include "util/utf8.h"
#include "util/xml.h"

#define SPEC_TOKEN     "http://wiki.open311.org/GeoReport_v2"
#define MAX_SPAN_S     (90L * 86400)
#define MAX_REQUESTS   1000
#define MAX_LIST_ITEMS 100

enum fmt { FMT_XML, FMT_JSON };

bool api_open311_is_path(const char *path)
{
    return path != NULL && strncmp(path, "/open311/", 9) == 0;
}

static bool ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && strcmp(s + n - m, suffix) == 0;
}

/* The format a path asks for; XML (which the spec requires) when it names neither. */
static enum fmt path_format(const char *path)
{
    return path != NULL && ends_with(path, ".json") ? FMT_JSON : FMT_XML;
}

/* Splits "ID.json" / "ID.xml" into the ID; NULL when the suffix is neither. */
static char *strip_format(struct arena *a, const char *file)
{
    if (file == NULL)
        return NULL;
    size_t n = strlen(file);
    if (ends_with(file, ".json") && n > 5)
        return arena_strndup(a, file, n - 5);
    if (ends_with(file, ".xml") && n > 4)
        return arena_strndup(a, file, n - 4);
    return NULL;
}

/* Renders `doc` (stolen) in the path's format under the XML root `root`. */
static int send_doc(struct http_req *req, struct http_resp *resp, int status, json_t *doc,
                    const char *root)
{
    if (doc == NULL)
        return err_set(&req->err, FC_ENOMEM, "", "out of memory rendering the response");
    if (path_format(req->path) == FMT_JSON) {
        int rc = http_resp_json(req, resp, status, doc);
        if (rc == FC_OK)
            resp->content_type = "application/json; charset=utf-8";
        return rc;
    }
    size_t len = 0;
    char *xml = xml_spark_render(doc, root, NULL, req->arena, &len);
    json_decref(doc);
    if (xml == NULL)
        return err_set(&req->err, FC_EINTERNAL, "", "response could not be rendered as XML");
    resp->status = status;
    resp->content_type = "text/xml; charset=utf-8";
    resp->body = xml;
    resp->body_len = len;
    return FC_OK;
}

int api_open311_error_render(struct http_req *req, struct http_resp *resp, int status)
{
    int code = status;
    if (status == 401)
        code = 403;
    else if (status >= 400 && status < 500 && status != 403 && status != 404 && status != 405 &&
             status != 413 && status != 429)
        code = 400;
    const struct fc_err *e = &req->err;
    const char *msg = e->msg[0] ? e->msg : "the request failed";
    const char *desc = e->field[0] ? arena_sprintf(req->arena, "%s: %s", e->field, msg)
                                   : arena_strdup(req->arena, msg);
    json_t *doc = json_pack("[{s:i, s:s}]", "code", code, "description", desc ? desc : msg);
    struct fc_err keep = req->err;
    int rc = send_doc(req, resp, code, doc, "errors");
    req->err = keep;
    return rc;
}

/* An Open311 client error: status 400 (or 403, 404) naming the field. */
static int bad(struct http_req *req, int status, const char *field, const char *msg)
{
    req->problem_status = status;
    return err_set(&req->err, status == 404 ? FC_ENOTFOUND : FC_EINVAL, field, "%s", msg);
}

static const char *q(struct http_req *req, const char *name)
{
    const char *v = http_req_query(req, name);
    return v != NULL && v[0] != '\0' ? v : NULL; /* an empty argument means an absent one */
}

static const char *time_text(struct http_req *req, fc_time_t t)
{
    char buf[32];
    if (t == 0)
        return NULL;
    time_format_utc(t, buf, sizeof(buf));
    return arena_strdup(req->arena, buf);
}

/* The base URL clients append method paths to, from the Host header when it is sane. */
static const char *base_url(struct http_req *req)
{
    const char *host = http_req_header(req, "Host");
    bool ok = host != NULL && host[0] != '\0' && strlen(host) < 200;
    for (const char *c = host; ok && *c; c++) {
        ok = (*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9') ||
             *c == '.' || *c == '-' || *c == ':' || *c == '[' || *c == ']';
    }
    if (!ok)
        return "/open311/v2";
    return arena_sprintf(req->arena, "%s://%s/open311/v2",
                         req->app->opt.is_tls ? "https" : "http", host);
}

static int catalogue(struct http_req *req, const struct open311_catalogue **out)
{
    *out = open311_catalogue_shared(&req->err);
    if (*out == NULL)
        return err_set(&req->err, FC_EINTERNAL, "", "the Open311 service catalogue is not loaded");
    return FC_OK;
}

/* GET /open311/v2/discovery.{fmt} */
int api_open311_discovery(struct http_req *req, struct http_resp *resp)
{
    const struct open311_catalogue *cat;
    int rc = catalogue(req, &cat);
    if (rc != FC_OK)
        return rc;
    json_t *doc = json_pack(
        "{s:s, s:s, s:s, s:[{s:s, s:s, s:s, s:s, s:[s, s]}]}", "changeset", cat->version,
        "contact", "Ask the organisation that issued your API key (its FirstContact administrator).",
        "key_service",
        "API keys are issued per organisation by a FirstContact administrator "
        "(firstcontact open311-key add --org NAME); reading services and requests needs none.",
        "endpoints", "specification", SPEC_TOKEN, "url", base_url(req), "changeset",
        cat->version, "type", "production", "formats", "text/xml", "application/json");
    return send_doc(req, resp, 200, doc, "discovery");
}

/* GET /open311/v2/services.{fmt} */
int api_open311_services(struct http_req *req, struct http_resp *resp)
{
    const struct open311_catalogue *cat;
    int rc = catalogue(req, &cat);
    if (rc != FC_OK)
        return rc;
    json_t *arr = json_array();
    for (size_t i = 0; arr != NULL && i < cat->n_services; i++) {
        const struct open311_service *s = &cat->services[i];
        json_array_append_new(
            arr, json_pack("{s:s, s:s, s:s?, s:s, s:s, s:s?, s:s?}", "service_code", s->code,
                           "service_name", s->name, "description", s->description, "metadata",
                           s->n_attributes > 0 ? "true" : "false", "type", "realtime",
                           "keywords", s->keywords, "group", s->group));
    }
    return send_doc(req, resp, 200, arr, "services");
}

/* GET /open311/v2/services/{code}.{fmt} */
int api_open311_service_definition(struct http_req *req, struct http_resp *resp)
{
    const struct open311_catalogue *cat;
    int rc = catalogue(req, &cat);
    if (rc != FC_OK)
        return rc;
    char *code = strip_format(req->arena, http_req_param(req, "file"));
    const struct open311_service *s = open311_service_find(cat, code);
    if (s == NULL)
        return bad(req, 404, "service_code", "no such service");
    json_t *attrs = json_array();
    for (size_t i = 0; attrs != NULL && i < s->n_attributes; i++) {
        const struct open311_attribute *at = &s->attributes[i];
        json_t *o = json_pack("{s:s, s:s, s:s, s:s, s:s, s:i, s:s}", "variable",
                              at->is_variable ? "true" : "false", "code", at->code, "datatype",
                              at->datatype, "required", at->is_required ? "true" : "false",
                              "datatype_description",
                              at->datatype_description ? at->datatype_description : "", "order",
                              at->order, "description", at->description);
        if (o != NULL && at->n_values > 0) {
            json_t *vals = json_array();
            for (size_t j = 0; j < at->n_values; j++)
                json_array_append_new(vals, json_pack("{s:s, s:s}", "key", at->values[j].key,
                                                      "name", at->values[j].name));
            json_object_set_new(o, "values", vals);
        }
        json_array_append_new(attrs, o);
    }
    return send_doc(req, resp, 200,
                    json_pack("{s:s, s:o}", "service_code", s->code, "attributes", attrs),
                    "service_definition");
}

/* ---- posting ---- */

static bool is_known_field(const char *name)
{
    static const char *const known[] = {
        "api_key",    "jurisdiction_id", "service_code", "lat",         "long",
        "address_string", "address_id",  "email",        "device_id",   "deviceid",
        "account_id", "first_name",      "last_name",    "phone",       "description",
        "media_url",
    };
    for (size_t i = 0; i < sizeof(known) / sizeof(*known); i++) {
        if (strcmp(name, known[i]) == 0)
            return true;
    }
    return false;
}

/* "attribute[CODE]" or "attribute[CODE][]" -> CODE in the arena; NULL otherwise. */
static char *attribute_code(struct arena *a, const char *name)
{
    if (strncmp(name, "attribute[", 10) != 0)
        return NULL;
    const char *start = name + 10;
    const char *close = strchr(start, ']');
    if (close == NULL || close == start)
        return NULL;
    if (close[1] != '\0' && strcmp(close + 1, "[]") != 0)
        return NULL;
    return arena_strndup(a, start, (size_t)(close - start));
}

/* Our attribute codes are upper case ([A-Z0-9_]); one with a lower-case letter is the
 * client's own (FixMyStreet sends uprn, report_url, fixmystreet_id, ...). */
static bool is_client_code(const char *code)
{
    for (const char *c = code; *c; c++) {
        if (*c >= 'a' && *c <= 'z')
            return true;
    }
    return false;
}

static const char *form_value(const struct ui_form *f, const char *name)
{
    for (size_t i = 0; i < f->n; i++) {
        if (strcmp(f->names[i], name) == 0)
            return f->values[i][0] != '\0' ? f->values[i] : NULL;
    }
    return NULL;
}

static int form_read(struct http_req *req, struct ui_form *f)
{
    const char *ct = http_req_header(req, "Content-Type");
    if (ct == NULL || strncasecmp(ct, "application/x-www-form-urlencoded", 33) != 0)
        return bad(req, 400, "Content-Type",
                   "send the form as application/x-www-form-urlencoded");
    int rc = ui_form_parse(req->arena, req->body, req->body_len, f, &req->err);
    if (rc != FC_OK)
        req->problem_status = 400;
    return rc;
}

/* The client a key belongs to: 403 in the Open311 format when missing or unknown. */
static int client_of(struct http_req *req, const char *key, struct open311_client *out)
{
    int rc = open311_key_check(req->app->store, key, out, &req->err);
    if (rc == FC_EAUTH)
        req->problem_status = 403;
    return rc;
}

/* A field repeated when the spec allows one (only attributes and media_url may repeat). */
static int check_repeats(struct http_req *req, const struct ui_form *f)
{
    for (size_t i = 0; i < f->n; i++) {
        if (!is_known_field(f->names[i]) || strcmp(f->names[i], "media_url") == 0)
            continue;
        for (size_t j = 0; j < i; j++) {
            if (strcmp(f->names[j], f->names[i]) == 0)
                return bad(req, 400, f->names[i], "is given more than once");
        }
    }
    return FC_OK;
}

static int check_jurisdiction(struct http_req *req, const char *jid,
                              const struct open311_client *c)
{
    struct organisation org;
    struct fc_err e = { 0 };
    if (jid == NULL)
        return FC_OK;
    int rc = store_org_get(req->app->store, c->org_id, req->arena, &org, &e);
    if (rc != FC_OK)
        return api_store_failed(req, rc, &e);
    if (org.open311_jurisdiction != NULL && org.open311_jurisdiction[0] != '\0' &&
        strcmp(org.open311_jurisdiction, jid) != 0)
        return bad(req, 400, "jurisdiction_id", "is not the jurisdiction this api_key posts to");
    return FC_OK;
}

/* POST /open311/v2/requests.{fmt} */
int api_open311_requests_create(struct http_req *req, struct http_resp *resp)
{
    struct ui_form f;
    struct open311_client client;
    const struct intake_rules *rules = intake_rules_shared(&req->err);
    if (rules == NULL)
        return err_set(&req->err, FC_EINTERNAL, "", "call-handling rules are not loaded");
    int rc = form_read(req, &f);
    if (rc == FC_OK) /* in the form, as the spec has it, or in the query string */
        rc = client_of(req, form_value(&f, "api_key") ? form_value(&f, "api_key")
                                                      : q(req, "api_key"),
                       &client);
    if (rc == FC_OK)
        rc = check_repeats(req, &f);
    if (rc == FC_OK)
        rc = check_jurisdiction(req, form_value(&f, "jurisdiction_id"), &client);
    if (rc != FC_OK)
        return rc;

    struct open311_attr_value *attrs = arena_alloc(req->arena, (f.n + 1) * sizeof(*attrs));
    struct open311_attr_value *extras = arena_alloc(req->arena, (f.n + 1) * sizeof(*extras));
    if (attrs == NULL || extras == NULL)
        return err_set(&req->err, FC_ENOMEM, "", "out of memory");
    size_t n_attrs = 0, n_extras = 0;
    for (size_t i = 0; i < f.n; i++) {
        char *code = attribute_code(req->arena, f.names[i]);
        if (code != NULL && is_client_code(code)) {
            extras[n_extras].code = code;
            extras[n_extras].value = f.values[i];
            n_extras++;
        } else if (code != NULL) {
            attrs[n_attrs].code = code;
            attrs[n_attrs].value = f.values[i];
            n_attrs++;
        } else if (strncmp(f.names[i], "attribute", 9) == 0) {
            return bad(req, 400, f.names[i], "an attribute is sent as attribute[CODE]=value");
        }
    }
    struct open311_submission in = {
        .service_code = form_value(&f, "service_code"),
        .lat = form_value(&f, "lat"),
        .lon = form_value(&f, "long"),
        .address_string = form_value(&f, "address_string"),
        .address_id = form_value(&f, "address_id"),
        .email = form_value(&f, "email"),
        .first_name = form_value(&f, "first_name"),
        .last_name = form_value(&f, "last_name"),
        .phone = form_value(&f, "phone"),
        .description = form_value(&f, "description"),
        .media_url = form_value(&f, "media_url"),
        .device_id = form_value(&f, "device_id") ? form_value(&f, "device_id")
                                                 : form_value(&f, "deviceid"),
        .account_id = form_value(&f, "account_id"),
        .attributes = attrs,
        .n_attributes = n_attrs,
        .client_attributes = extras,
        .n_client_attributes = n_extras,
    };
    struct open311_submitted out;
    rc = open311_request_submit(req->app->store, rules, req->app->match, &client, &in, req->now,
                                req->arena, &out, &req->err);
    if (rc == FC_EINVAL)
        req->problem_status = 400;
    if (rc != FC_OK)
        return rc;
    const char *id = arena_sprintf(req->arena, "%lld", (long long)out.request_id);
    const char *notice =
        arena_sprintf(req->arena, "Thank you. Your report is reference %s.", id ? id : "");
    json_t *doc = json_pack("[{s:s, s:s, s:n}]", "service_request_id", id ? id : "",
                            "service_notice", notice ? notice : "", "account_id");
    return send_doc(req, resp, 200, doc, "service_requests");
}

/* ---- reading ---- */

static int parse_time_arg(struct http_req *req, const char *name, fc_time_t *out)
{
    const char *v = q(req, name);
    int64_t t;
    int off;
    if (v == NULL)
        return FC_OK;
    if (!time_parse_iso8601(v, &t, &off))
        return bad(req, 400, name, "must be a W3C date and time like 2025-01-06T21:40:00Z");
    *out = t;
    return FC_OK;
}

/* start_date and end_date: default the 90 days to now; a longer span is refused. */
static int window(struct http_req *req, fc_time_t *from, fc_time_t *to)
{
    *from = 0;
    *to = 0;
    int rc = parse_time_arg(req, "start_date", from);
    if (rc == FC_OK)
        rc = parse_time_arg(req, "end_date", to);
    if (rc != FC_OK)
        return rc;
    if (*to == 0)
        *to = *from != 0 && *from + MAX_SPAN_S < req->now ? *from + MAX_SPAN_S : req->now;
    if (*from == 0)
        *from = *to - MAX_SPAN_S;
    if (*from > *to)
        return bad(req, 400, "end_date", "is before start_date");
    if (*to - *from > MAX_SPAN_S)
        return bad(req, 400, "end_date", "start_date to end_date may span at most 90 days");
    return FC_OK;
}

/* Splits a comma list into at most MAX_LIST_ITEMS non-empty items. */
static int split_list(struct http_req *req, const char *name, const char *v, const char ***out,
                      size_t *n)
{
    *out = NULL;
    *n = 0;
    if (v == NULL)
        return FC_OK;
    const char **items = arena_alloc(req->arena, MAX_LIST_ITEMS * sizeof(*items));
    if (items == NULL)
        return err_set(&req->err, FC_ENOMEM, "", "out of memory");
    const char *p = v;
    while (*p != '\0') {
        const char *comma = strchr(p, ',');
        size_t len = comma ? (size_t)(comma - p) : strlen(p);
        while (len > 0 && *p == ' ') {
            p++;
            len--;
        }
        while (len > 0 && p[len - 1] == ' ')
            len--;
        if (len > 0) {
            if (*n >= MAX_LIST_ITEMS)
                return bad(req, 400, name, "lists at most 100 items");
            items[(*n)++] = arena_strndup(req->arena, p, len);
        }
        if (comma == NULL)
            break;
        p = comma + 1;
    }
    *out = items;
    return FC_OK;
}

static json_t *request_json(struct http_req *req, const struct open311_request_view *v)
{
    json_t *o = json_pack(
        "{s:s, s:s, s:s?, s:s?, s:s, s:s?, s:s?, s:n, s:s, s:s?, s:n, s:s?, s:n, s:s?}",
        "service_request_id", arena_sprintf(req->arena, "%lld", (long long)v->id), "status",
        v->status, "status_notes", v->status_notes, "service_name", v->service_name,
        "service_code", v->service_code, "description", v->description, "agency_responsible",
        v->agency_responsible, "service_notice", "requested_datetime",
        time_text(req, v->requested_at), "updated_datetime", time_text(req, v->updated_at),
        "expected_datetime", "address", v->address, "address_id", "zipcode", v->zipcode);
    if (o == NULL)
        return NULL;
    if (!isnan(v->lat) && !isnan(v->lon)) {
        /* decimal strings, as the XML twin has them: six places, about 10 cm */
        json_object_set_new(o, "lat", json_string(arena_sprintf(req->arena, "%.6f", v->lat)));
        json_object_set_new(o, "long", json_string(arena_sprintf(req->arena, "%.6f", v->lon)));
    } else {
        json_object_set_new(o, "lat", json_null());
        json_object_set_new(o, "long", json_null());
    }
    json_object_set_new(o, "media_url", v->media_url ? json_string(v->media_url) : json_null());
    return o;
}

/* The reader: a valid api_key gives its organisation's own requests in full. */
static int reader_of(struct http_req *req, struct open311_client *c, bool *has)
{
    const char *key = q(req, "api_key");
    *has = false;
    if (key == NULL)
        return FC_OK;
    int rc = client_of(req, key, c);
    *has = rc == FC_OK;
    return rc;
}

static int send_requests(struct http_req *req, struct http_resp *resp,
                         const struct open311_client *reader,
                         const struct open311_request_filter *f, bool is_one)
{
    struct open311_request_view *views;
    size_t n;
    int rc = open311_requests_list(req->app->store, reader, f, req->arena, &views, &n, &req->err);
    if (rc != FC_OK)
        return rc;
    if (is_one && n == 0)
        return bad(req, 404, "service_request_id", "no such service request");
    json_t *arr = json_array();
    for (size_t i = 0; arr != NULL && i < n; i++)
        json_array_append_new(arr, request_json(req, &views[i]));
    return send_doc(req, resp, 200, arr, "service_requests");
}

static int parse_ids(struct http_req *req, const char *name, const char *const *items, size_t n,
                     fc_id_t **out)
{
    *out = arena_alloc(req->arena, (n + 1) * sizeof(**out));
    if (*out == NULL)
        return err_set(&req->err, FC_ENOMEM, "", "out of memory");
    for (size_t i = 0; i < n; i++) {
        char *end;
        errno = 0;
        long long v = strtoll(items[i], &end, 10);
        if (items[i][0] < '0' || items[i][0] > '9' || *end != '\0' || errno != 0 || v <= 0)
            return bad(req, 400, name, "must list service request ids (digits)");
        (*out)[i] = (fc_id_t)v;
    }
    return FC_OK;
}

/* GET /open311/v2/requests.{fmt} */
int api_open311_requests_list(struct http_req *req, struct http_resp *resp)
{
    struct open311_client reader;
    bool has_reader;
    struct open311_request_filter f = { .limit = MAX_REQUESTS };
    const char **ids = NULL, **codes = NULL, **statuses = NULL;
    size_t n_ids = 0, n_statuses = 0;
    int rc = reader_of(req, &reader, &has_reader);
    if (rc == FC_OK)
        rc = split_list(req, "service_request_id", q(req, "service_request_id"), &ids, &n_ids);
    if (rc == FC_OK && n_ids > 0) {
        fc_id_t *idv;
        rc = parse_ids(req, "service_request_id", ids, n_ids, &idv);
        f.ids = idv;
        f.n_ids = n_ids;
    } else if (rc == FC_OK) {
        rc = split_list(req, "service_code", q(req, "service_code"), &codes, &f.n_codes);
        f.codes = codes;
        if (rc == FC_OK)
            rc = split_list(req, "status", q(req, "status"), &statuses, &n_statuses);
        bool open = false, closed = false;
        for (size_t i = 0; rc == FC_OK && i < n_statuses; i++) {
            if (strcmp(statuses[i], "open") == 0)
                open = true;
            else if (strcmp(statuses[i], "closed") == 0)
                closed = true;
            else
                rc = bad(req, 400, "status", "must be open, closed or both");
        }
        f.status = open && !closed ? "open" : closed && !open ? "closed" : NULL;
        if (rc == FC_OK)
            rc = window(req, &f.from, &f.to);
    }
    if (rc != FC_OK)
        return rc;
    return send_requests(req, resp, has_reader ? &reader : NULL, &f, false);
}

/* GET /open311/v2/requests/{id}.{fmt} */
int api_open311_request_get(struct http_req *req, struct http_resp *resp)
{
    struct open311_client reader;
    bool has_reader;
    int rc = reader_of(req, &reader, &has_reader);
    if (rc != FC_OK)
        return rc;
    const char *id = strip_format(req->arena, http_req_param(req, "file"));
    char *end = NULL;
    long long v = id ? strtoll(id, &end, 10) : 0;
    if (id == NULL || id[0] < '0' || id[0] > '9' || end == NULL || *end != '\0' || v <= 0)
        return bad(req, 404, "service_request_id", "no such service request");
    fc_id_t one = (fc_id_t)v;
    struct open311_request_filter f = { .ids = &one, .n_ids = 1, .limit = 1 };
    return send_requests(req, resp, has_reader ? &reader : NULL, &f, true);
}

/* GET /open311/v2/servicerequestupdates.{fmt}: the updates on the key's own requests. */
int api_open311_updates_list(struct http_req *req, struct http_resp *resp)
{
    struct open311_client client;
    fc_time_t from, to;
    int rc = client_of(req, q(req, "api_key"), &client);
    if (rc == FC_OK)
        rc = window(req, &from, &to);
    if (rc != FC_OK)
        return rc;
    struct open311_update_view *ups;
    size_t n;
    rc = open311_updates_list(req->app->store, &client, from, to, MAX_REQUESTS, req->arena, &ups,
                              &n, &req->err);
    if (rc != FC_OK)
        return rc;
    json_t *arr = json_array();
    for (size_t i = 0; arr != NULL && i < n; i++) {
        json_array_append_new(
            arr, json_pack("{s:s, s:s, s:s, s:s, s:s?, s:s}", "update_id", ups[i].update_id,
                           "service_request_id",
                           arena_sprintf(req->arena, "%lld", (long long)ups[i].request_id),
                           "status", ups[i].status, "updated_datetime",
                           time_text(req, ups[i].at), "description", ups[i].description,
                           "media_url", ""));
    }
    return send_doc(req, resp, 200, arr, "service_request_updates");
}

/* POST /open311/v2/servicerequestupdates.{fmt}: a comment made on the client's side. */
int api_open311_updates_create(struct http_req *req, struct http_resp *resp)
{
    struct ui_form f;
    struct open311_client client;
    const struct intake_rules *rules = intake_rules_shared(&req->err);
    if (rules == NULL)
        return err_set(&req->err, FC_EINTERNAL, "", "call-handling rules are not loaded");
    int rc = form_read(req, &f);
    if (rc == FC_OK)
        rc = client_of(req, form_value(&f, "api_key") ? form_value(&f, "api_key")
                                                      : q(req, "api_key"),
                       &client);
    if (rc == FC_OK)
        rc = check_jurisdiction(req, form_value(&f, "jurisdiction_id"), &client);
    if (rc != FC_OK)
        return rc;
    struct open311_comment in = {
        .service_request_id = form_value(&f, "service_request_id"),
        .update_id = form_value(&f, "update_id") ? form_value(&f, "update_id")
                                                 : form_value(&f, "update_id_ext"),
        .status = form_value(&f, "status"),
        .updated_datetime = form_value(&f, "updated_datetime"),
        .description = form_value(&f, "description"),
        .email = form_value(&f, "email"),
        .first_name = form_value(&f, "first_name"),
        .last_name = form_value(&f, "last_name"),
        .phone = form_value(&f, "phone"),
        .media_url = form_value(&f, "media_url"),
    };
    const char *id;
    rc = open311_comment_submit(req->app->store, rules, req->app->match, &client, &in, req->now,
                                req->arena, &id, &req->err);
    if (rc == FC_EINVAL)
        req->problem_status = 400;
    else if (rc == FC_ENOTFOUND)
        req->problem_status = 404;
    if (rc != FC_OK)
        return rc;
    return send_doc(req, resp, 200, json_pack("[{s:s}]", "update_id", id),
                    "service_request_updates");
}
