/*
 * http/problem.c: fc_status -> HTTP status, and RFC 9457 problem documents.
 *
 * The one table that maps errors to HTTP. The detail is err->msg, which by contract
 * (util/err.h) holds no personal data, so it is safe to return and to log.
 */
#include <stdlib.h>
#include <string.h>

#include "http/http.h"

int http_status_of(enum fc_status status)
{
    switch (status) {
    case FC_OK:
        return 200;
    case FC_EINVAL:
        return 422;
    case FC_ENOTFOUND:
        return 404;
    case FC_ECONFLICT:
        return 409;
    case FC_EDENIED:
        return 403;
    case FC_EUNAVAIL:
    case FC_ENOMEM:
        return 503;
    case FC_EAUTH:
        return 401;
    case FC_EINTERNAL:
        return 500;
    }
    return 500;
}

static const struct {
    int status;
    const char *slug;
    const char *title;
} statuses[] = {
    { 200, "ok", "OK" },
    { 201, "created", "Created" },
    { 204, "no-content", "No Content" },
    { 400, "bad-request", "Bad Request" },
    { 401, "unauthorized", "Unauthorized" },
    { 403, "forbidden", "Forbidden" },
    { 404, "not-found", "Not Found" },
    { 405, "method-not-allowed", "Method Not Allowed" },
    { 409, "conflict", "Conflict" },
    { 411, "length-required", "Length Required" },
    { 413, "content-too-large", "Content Too Large" },
    { 415, "unsupported-media-type", "Unsupported Media Type" },
    { 422, "validation", "Unprocessable Content" },
    { 429, "too-many-requests", "Too Many Requests" },
    { 500, "internal", "Internal Server Error" },
    { 503, "unavailable", "Service Unavailable" },
};

static size_t status_index(int status)
{
    for (size_t i = 0; i < sizeof(statuses) / sizeof(statuses[0]); i++) {
        if (statuses[i].status == status)
            return i;
    }
    return (size_t)-1;
}

const char *http_status_title(int status)
{
    size_t i = status_index(status);
    return i == (size_t)-1 ? "Error" : statuses[i].title;
}

char *http_problem_render(struct arena *a, int status, const struct fc_err *err,
                          const char *request_id, size_t *len)
{
    size_t i = status_index(status);
    const char *slug = i == (size_t)-1 ? "error" : statuses[i].slug;
    json_t *doc = json_object();
    char *out = NULL;

    if (doc == NULL)
        return NULL;
    char *type = arena_sprintf(a, "/problems/%s", slug);
    if (type == NULL)
        goto out;
    const char *detail = err != NULL && err->msg[0] != '\0' ? err->msg : http_status_title(status);
    json_object_set_new(doc, "type", json_string(type));
    json_object_set_new(doc, "title", json_string(http_status_title(status)));
    json_object_set_new(doc, "status", json_integer(status));
    /* json_string rejects invalid UTF-8; messages are ASCII by construction, but be safe */
    json_t *d = json_string(detail);
    json_object_set_new(doc, "detail", d != NULL ? d : json_string("invalid request"));
    if (err != NULL && err->field[0] != '\0') {
        json_t *f = json_string(err->field);
        if (f != NULL)
            json_object_set_new(doc, "field", f);
    }
    if (request_id != NULL)
        json_object_set_new(doc, "request_id", json_string(request_id));
    char *text = json_dumps(doc, JSON_COMPACT | JSON_PRESERVE_ORDER);
    if (text == NULL)
        goto out;
    *len = strlen(text);
    out = arena_strndup(a, text, *len);
    free(text);
out:
    json_decref(doc);
    return out;
}
