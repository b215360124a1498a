/*
 * api/ui_routes.h: the browser UI's route table (api/ui_routes.c).
 *
 * Kept apart from the JSON API's table (http/routes.c), which the OpenAPI document mirrors:
 * these routes answer HTML for people, not JSON for programs. The server looks a request
 * up in the API table first, then in this one. Read-only; thread-safe.
 */
#ifndef FC_API_UI_ROUTES_H
#define FC_API_UI_ROUTES_H

#include "http/http.h"

/* Pages, fragments and downloads, ended by an entry with method == NULL. */
extern const struct http_route ui_routes[];

#endif
