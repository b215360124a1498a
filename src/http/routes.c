/*
 * http/routes.c: the route table. Every route, its handler and the roles that may use it.
 *
 * This table is the contract: docs/api.md follows it line by line, and a test checks it
 * against the OpenAPI document (data/api/openapi.json) both ways. Roles follow DESIGN.md
 * section 1: admins hold no personal records; analysts see aggregates only; call handlers
 * may not raise or withdraw flags. Record-level rules (whose records, which fields) are
 * decided in domain/access by the handlers.
 */
#include "api/api.h"
#include "http/handlers.h"

#define R_CH  HTTP_ROLE(ROLE_CALL_HANDLER)
#define R_OF  HTTP_ROLE(ROLE_OFFICER)
#define R_SU  HTTP_ROLE(ROLE_SUPERVISOR)
#define R_PO  HTTP_ROLE(ROLE_PARTNER_OFFICER)

/* Staff who work with people's records. */
#define R_RECORDS (R_CH | R_OF | R_SU | R_PO)
/* Staff who may raise, change or withdraw flags. */
#define R_FLAGGERS (R_OF | R_SU | R_PO)

const struct http_route http_routes[] = {
    { "GET", "/healthz", http_healthz, HTTP_ROLES_PUBLIC, "the process is up" },
    { "GET", "/readyz", http_readyz, HTTP_ROLES_PUBLIC, "the store is reachable and migrated" },
    { "GET", "/api/v1/openapi.json", http_openapi, HTTP_ROLES_PUBLIC,
      "this API as an OpenAPI 3.1 document" },
    { "GET", "/static/{*}", http_static_file, HTTP_ROLES_PUBLIC,
      "embedded web assets (CSS, JavaScript, images)" },

    { "POST", "/api/v1/login", http_auth_login, HTTP_ROLES_PUBLIC,
      "sign in: a Bearer token and the session cookie" },
    { "POST", "/api/v1/logout", http_auth_logout, HTTP_ROLES_ANY, "end the session" },
    { "GET", "/api/v1/me", http_auth_me, HTTP_ROLES_ANY,
      "the signed-in user and the session's CSRF token" },

    { "POST", "/api/v1/lookup", api_lookup, R_RECORDS,
      "rank the known persons a caller may be, with reasons and history" },

    { "POST", "/api/v1/persons", api_persons_create, R_RECORDS, "record a new person" },
    { "GET", "/api/v1/persons", api_persons_search, R_RECORDS,
      "search persons by surname, phone or postcode" },
    { "GET", "/api/v1/persons/{id}", api_persons_get, R_RECORDS,
      "a person with every identifier ever recorded" },
    { "PATCH", "/api/v1/persons/{id}", api_persons_update, R_RECORDS,
      "append identifiers to a person" },
    { "GET", "/api/v1/persons/{id}/flags", api_persons_flags, R_RECORDS,
      "the flags on a person" },

    { "POST", "/api/v1/contacts", api_contacts_create, R_RECORDS, "record a contact" },
    { "GET", "/api/v1/contacts", api_contacts_search, R_RECORDS,
      "search contacts by caller, incident or time" },
    { "GET", "/api/v1/contacts/{id}", api_contacts_get, R_RECORDS, "a contact" },

    { "POST", "/api/v1/incidents", api_incidents_create, R_RECORDS, "record an ASB incident" },
    { "GET", "/api/v1/incidents", api_incidents_search, R_RECORDS,
      "search incidents by person, status, category, type or time" },
    { "GET", "/api/v1/incidents/{id}", api_incidents_get, R_RECORDS, "an incident" },
    { "PATCH", "/api/v1/incidents/{id}", api_incidents_update, R_RECORDS,
      "change an incident's status, grade or risk level" },

    { "POST", "/api/v1/flags", api_flags_create, R_FLAGGERS, "raise a flag on a person" },
    { "GET", "/api/v1/flags/{id}", api_flags_get, R_RECORDS, "a flag" },
    { "PATCH", "/api/v1/flags/{id}", api_flags_update, R_FLAGGERS,
      "change a flag's reason, review date or sharing basis, or withdraw it" },

    { NULL, NULL, NULL, 0, NULL },
};
