/*
 * http/handlers.h: the handlers the http layer owns itself: sign-in and sessions
 * (auth.c), health and readiness, the OpenAPI document and embedded static files
 * (static.c). Resource handlers live in src/api (api/api.h). Thread rules as http.h.
 */
#ifndef FC_HTTP_HANDLERS_H
#define FC_HTTP_HANDLERS_H

#include "http/http.h"

int http_auth_login(struct http_req *req, struct http_resp *resp);
int http_auth_logout(struct http_req *req, struct http_resp *resp);
int http_auth_me(struct http_req *req, struct http_resp *resp);

int http_healthz(struct http_req *req, struct http_resp *resp);
int http_readyz(struct http_req *req, struct http_resp *resp);
int http_openapi(struct http_req *req, struct http_resp *resp);
int http_static_file(struct http_req *req, struct http_resp *resp);

/* The Content-Type for a file name by its extension ("application/octet-stream" if unknown). */
const char *http_content_type_of(const char *path);

#endif
