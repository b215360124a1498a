/*
 * api/open311.h: the Open311 GeoReport v2 endpoints under /open311/v2/ (docs/open311.md).
 *
 * Every endpoint answers in the format its path ends with (.xml or .json), the XML being
 * the Spark-convention twin of the JSON (util/xml.h). Failures, including those the server
 * finds before a handler runs (unknown path, wrong method, oversized body), are rendered
 * as Open311 errors (<errors><error><code/><description/></error></errors>, or the JSON
 * array of {code, description}) instead of problem+json: 400 bad input, 403 missing or bad
 * api_key, 404 not found. Routes are public (the spec's GETs are); posting needs an
 * api_key, checked here. Thread-safe: no state of its own.
 */
#ifndef FC_API_OPEN311_H
#define FC_API_OPEN311_H

#include <stdbool.h>

#include "http/http.h"

int api_open311_discovery(struct http_req *req, struct http_resp *resp);
int api_open311_services(struct http_req *req, struct http_resp *resp);
int api_open311_service_definition(struct http_req *req, struct http_resp *resp);
int api_open311_requests_create(struct http_req *req, struct http_resp *resp);
int api_open311_requests_list(struct http_req *req, struct http_resp *resp);
int api_open311_request_get(struct http_req *req, struct http_resp *resp);
int api_open311_updates_list(struct http_req *req, struct http_resp *resp);
int api_open311_updates_create(struct http_req *req, struct http_resp *resp);

/* Whether a path belongs to the Open311 endpoint (its errors are Open311 errors). */
bool api_open311_is_path(const char *path);
/*
 * Renders req->err as an Open311 error document in the path's format and fills resp.
 * `status` is the HTTP status the server chose; it is mapped to the spec's codes (422 and
 * other client errors become 400, 401 becomes 403). Returns FC_OK, or FC_ENOMEM.
 */
int api_open311_error_render(struct http_req *req, struct http_resp *resp, int status);

#endif
