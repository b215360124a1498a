/*
 * http/routes.c: the route table. Every route, its handler and the roles that may use it.
 *
 * This table is the contract: docs/api.md follows it line by line, and a test checks it
 * against the OpenAPI document (data/api/openapi.json) both ways. Roles follow DESIGN.md
 * section 1: admins hold no personal records; analysts see aggregates only; call handlers
 * may not raise or withdraw flags. Record-level rules (whose records, which fields) are
 * decided in domain/access by the handlers.
 *
 * HTML pages of the browser UI go in this table too, with patterns outside /api/ (they are
 * not part of the OpenAPI document). A browser that asks for such a page without a session
 * is redirected to /login (303) instead of getting a 401 problem.
 */
#include "api/api.h"
#include "api/call_handling.h"
#include "api/open311.h"
#include "http/handlers.h"

#define R_CH  HTTP_ROLE(ROLE_CALL_HANDLER)
#define R_OF  HTTP_ROLE(ROLE_OFFICER)
#define R_SU  HTTP_ROLE(ROLE_SUPERVISOR)
#define R_PO  HTTP_ROLE(ROLE_PARTNER_OFFICER)

/* Staff who work with people's records. */
#define R_RECORDS (R_CH | R_OF | R_SU | R_PO)
/* Staff who may raise, change or withdraw flags. */
#define R_FLAGGERS (R_OF | R_SU | R_PO)
/* Call handling (DESIGN.md section 1): who completes a full risk assessment, who grades,
 * who runs supervision. The services check the finer rules (who may lower a level). */
#define R_ASSESSORS   (R_OF | R_SU | R_PO)
#define R_GRADERS     (R_CH | R_SU)
#define R_SUPERVISORS R_SU
/* Reports (aggregates): own organisation for officers and partners, all for the others. */
#define R_REPORTS (R_OF | R_SU | R_PO | HTTP_ROLE(ROLE_ANALYST))
/* Staff who run the satisfaction survey by phone call-back. */
#define R_SURVEYORS (R_CH | R_OF | R_SU)
/* Audit reports (who looked at whom, break-the-glass events): supervisors and admins. */
#define R_AUDITORS (R_SU | HTTP_ROLE(ROLE_ADMIN))

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
    { "POST", "/api/v1/persons/{id}/merge", api_persons_merge, R_SUPERVISORS,
      "merge a person into another found to be the same (supervisors)" },
    { "POST", "/api/v1/persons/{id}/unmerge", api_persons_unmerge, R_SUPERVISORS,
      "undo a merge: the person and everything recorded for it are its own again" },

    { "POST", "/api/v1/contacts", api_contacts_create, R_RECORDS, "record a contact" },
    { "GET", "/api/v1/contacts", api_contacts_search, R_RECORDS,
      "search contacts by caller, incident or time" },
    { "GET", "/api/v1/contacts/{id}", api_contacts_get, R_RECORDS, "a contact" },

    { "POST", "/api/v1/incidents", api_incidents_create, R_RECORDS, "record an ASB incident" },
    { "GET", "/api/v1/incidents", api_incidents_search, R_RECORDS,
      "search incidents by person, status, category, type or time" },
    { "GET", "/api/v1/incidents/{id}", api_incidents_get, R_RECORDS, "an incident" },
    { "PATCH", "/api/v1/incidents/{id}", api_incidents_update, R_RECORDS,
      "correct an incident's category, type, description, place or time" },

    { "POST", "/api/v1/flags", api_flags_create, R_FLAGGERS, "raise a flag on a person" },
    { "GET", "/api/v1/flags/{id}", api_flags_get, R_RECORDS, "a flag" },
    { "PATCH", "/api/v1/flags/{id}", api_flags_update, R_FLAGGERS,
      "change a flag's reason, review date or sharing basis, or withdraw it" },

    /* ---- partnership cases (api/cases.c); sharing rules are applied by domain/cases ---- */
    { "POST", "/api/v1/cases", api_cases_create, R_RECORDS,
      "open a case (from an incident, a Community Trigger, a referral or by hand)" },
    { "GET", "/api/v1/cases", api_cases_list, R_RECORDS,
      "list cases: mine, my organisation's, overdue reviews, by area, Community Triggers" },
    { "GET", "/api/v1/cases/{id}", api_cases_get, R_RECORDS,
      "a case as the viewer may see it, with its action plan and timeline" },
    { "GET", "/api/v1/cases/{id}/summary.pdf", api_cases_pdf, R_RECORDS,
      "the case summary PDF for a case conference" },
    { "POST", "/api/v1/cases/{id}/shares", api_cases_share, R_RECORDS,
      "share a case with an organisation (view, contribute, co_own)" },
    { "DELETE", "/api/v1/cases/{id}/shares/{org_id}", api_cases_unshare, R_RECORDS,
      "withdraw an organisation's share of a case" },
    { "POST", "/api/v1/cases/{id}/persons", api_cases_add_person, R_RECORDS,
      "add a victim, perpetrator or witness, by id or matched by details" },
    { "POST", "/api/v1/cases/{id}/incidents", api_cases_link_incident, R_RECORDS,
      "link an incident to a case" },
    { "POST", "/api/v1/cases/{id}/locations", api_cases_add_location, R_RECORDS,
      "add a location to a case" },
    { "POST", "/api/v1/cases/{id}/assessments", api_cases_assess, R_RECORDS,
      "record a case risk and vulnerability assessment" },
    { "POST", "/api/v1/cases/{id}/actions", api_cases_add_action, R_RECORDS,
      "add an action from the intervention catalogue, or a free action" },
    { "POST", "/api/v1/cases/{id}/reviews", api_cases_review, R_RECORDS,
      "record a case review and schedule the next" },
    { "POST", "/api/v1/cases/{id}/conferences", api_cases_conference, R_RECORDS,
      "record a case conference: attendees, decisions, minutes" },
    { "POST", "/api/v1/cases/{id}/contacts", api_cases_contact, R_RECORDS,
      "log a contact with or update to a victim" },
    { "POST", "/api/v1/cases/{id}/notes", api_cases_note, R_RECORDS, "add a note to a case" },
    { "POST", "/api/v1/cases/{id}/trigger-steps", api_cases_trigger_step, R_RECORDS,
      "record a Community Trigger step as done" },
    { "POST", "/api/v1/cases/{id}/close", api_cases_close, R_RECORDS,
      "close a case with an outcome and reason" },
    { "GET", "/api/v1/case-actions", api_case_actions_overdue, R_RECORDS,
      "overdue actions on cases shared with my organisation" },
    { "PATCH", "/api/v1/case-actions/{id}", api_case_actions_update, R_RECORDS,
      "move an action on (in_progress, done, cancelled)" },
    { "POST", "/api/v1/case-reviews/escalate", api_case_reviews_escalate, R_SUPERVISORS,
      "escalate overdue case reviews to the lead officer's supervisor (supervisors)" },
    { "POST", "/api/v1/partner-flags", api_partner_flags_create, R_FLAGGERS,
      "a partner's flag on a person, matched like a call or queued for review" },
    { "POST", "/api/v1/partner-flags/import", api_partner_flags_import, R_FLAGGERS,
      "import partner flags as CSV (partner_flags.csv layout)" },
    { "GET", "/api/v1/partner-flags/reviews", api_partner_flags_reviews, R_FLAGGERS,
      "partner flags waiting for a person to confirm the match" },
    { "POST", "/api/v1/partner-flags/reviews/{id}/confirm", api_partner_flags_confirm,
      R_FLAGGERS, "confirm a queued flag onto a candidate person" },
    { "POST", "/api/v1/partner-flags/reviews/{id}/reject", api_partner_flags_reject, R_FLAGGERS,
      "reject a queued flag's match: the flag goes onto a new person" },
    /* ---- call handling (issue 4): api/call_handling.h ---- */
    { "GET", "/api/v1/risk/questions", api_risk_questions, R_RECORDS,
      "the risk questionnaire in force (screening and full assessment)" },
    { "GET", "/api/v1/contacts/{id}/labels", api_labels_get, R_RECORDS,
      "repeat, vulnerable and Community Trigger labels shown for a contact's caller" },
    { "POST", "/api/v1/incidents/{id}/screening", api_risk_screen, R_RECORDS,
      "record risk screening at first contact" },
    { "POST", "/api/v1/incidents/{id}/assessment", api_risk_assess, R_ASSESSORS,
      "record the full risk assessment" },
    { "POST", "/api/v1/incidents/{id}/risk-override", api_risk_override, R_RECORDS,
      "raise or (supervisors) lower an incident's risk level, with a reason" },
    { "GET", "/api/v1/incidents/{id}/risk", api_risk_list, R_RECORDS,
      "every risk assessment and override of an incident" },
    { "POST", "/api/v1/incidents/{id}/grade", api_grades_set, R_GRADERS,
      "suggest and set the response grade (an override needs a reason)" },
    { "GET", "/api/v1/incidents/{id}/grades", api_grades_list, R_RECORDS,
      "every grading decision on an incident" },
    { "GET", "/api/v1/incidents/{id}/tasks", api_tasks_for_incident, R_RECORDS,
      "the follow-up tasks of an incident" },
    { "GET", "/api/v1/teams/{team}/tasks", api_tasks_queue, R_RECORDS,
      "a team's queue: open, due or overdue tasks" },
    { "POST", "/api/v1/tasks/{id}/complete", api_tasks_complete, R_RECORDS,
      "complete (or, supervisors, cancel) a task with its outcome" },
    { "POST", "/api/v1/tasks/escalations", api_tasks_escalate, R_SUPERVISORS,
      "escalate overdue supervisory reviews" },
    { "POST", "/api/v1/community-triggers", api_triggers_create, R_RECORDS,
      "log a Community Trigger (ASB case review) application" },
    { "GET", "/api/v1/community-triggers/{id}", api_triggers_get, R_RECORDS,
      "a Community Trigger application with its statutory steps" },
    { "POST", "/api/v1/community-triggers/{id}/steps/{step}", api_triggers_step, R_RECORDS,
      "complete a case review step (decision and review: supervisors, co-ordinators)" },
    { "POST", "/api/v1/incidents/{id}/update-plan", api_updates_plan, R_RECORDS,
      "agree how and how often the victim is updated" },
    { "POST", "/api/v1/incidents/{id}/updates", api_updates_record, R_RECORDS,
      "record an update sent to the victim" },
    { "GET", "/api/v1/incidents/{id}/updates", api_updates_list, R_RECORDS,
      "the victim update plan and every update sent" },
    { "POST", "/api/v1/incidents/{id}/key-events", api_updates_key_event, R_RECORDS,
      "record a key event, raising a victim update task" },
    { "POST", "/api/v1/victim-updates/reminders", api_updates_remind, R_SUPERVISORS,
      "raise tasks for victim updates falling due" },
    { "POST", "/api/v1/incidents/{id}/close", api_incidents_close, R_RECORDS,
      "close an incident: closure code, outcome, closure update, survey queue" },

    /* ---- reports and the satisfaction survey (api/reports.c, api/surveys.c) ---- */
    { "GET", "/api/v1/reports", api_reports_list, R_REPORTS, "the reports there are" },
    { "GET", "/api/v1/reports/{name}", api_reports_get, R_REPORTS,
      "a report as JSON, CSV or XLSX, or the monthly PDF pack" },

    { "GET", "/api/v1/surveys", api_surveys_list, R_SURVEYORS,
      "the satisfaction survey queue" },
    { "POST", "/api/v1/surveys/screen", api_surveys_screen, R_SURVEYORS,
      "mark queued victims surveyed within the period as not eligible" },
    { "POST", "/api/v1/surveys/{id}/link", api_surveys_link, R_SURVEYORS,
      "make a one-time web link for a queued survey" },
    { "POST", "/api/v1/surveys/{id}/answers", api_surveys_answer, R_SURVEYORS,
      "record answers taken by phone call-back" },
    { "POST", "/api/v1/surveys/{id}/decline", api_surveys_decline, R_SURVEYORS,
      "record that the victim declined the survey" },
    { "GET", "/api/v1/survey/{token}", api_survey_form, HTTP_ROLES_PUBLIC,
      "the survey's questions, for a valid one-time link" },
    { "POST", "/api/v1/survey/{token}", api_survey_submit, HTTP_ROLES_PUBLIC,
      "answer the survey through a one-time link" },

    /* ---- security and data protection (issue 8; api/audit.c) ---- */
    { "POST", "/api/v1/break-glass", api_break_glass_create, R_SUPERVISORS,
      "break the glass: a supervisor opens one refused record for an hour, with a reason" },
    { "GET", "/api/v1/break-glass", api_break_glass_list, R_AUDITORS,
      "every break-the-glass override: who, which record, when and why" },
    { "GET", "/api/v1/persons/{id}/audit", api_persons_audit, R_AUDITORS,
      "who looked at this person: every audited view, search, export and change" },
    { "GET", "/api/v1/users/{id}/audit", api_users_audit, R_AUDITORS,
      "whose records this user looked at, and everything else they did" },

    /* ---- Open311 GeoReport v2 (api/open311.c, docs/open311.md) ----
     * Public as the spec's GETs are: no personal data is ever returned, and posting and the
     * updates feed check the client's api_key themselves (403 in Open311's format). A
     * {file} is "CODE.json" or "CODE.xml". */
    { "GET", "/open311/v2/discovery.json", api_open311_discovery, HTTP_ROLES_PUBLIC,
      "Open311 service discovery" },
    { "GET", "/open311/v2/discovery.xml", api_open311_discovery, HTTP_ROLES_PUBLIC,
      "Open311 service discovery" },
    { "GET", "/open311/v2/services.json", api_open311_services, HTTP_ROLES_PUBLIC,
      "Open311 service list" },
    { "GET", "/open311/v2/services.xml", api_open311_services, HTTP_ROLES_PUBLIC,
      "Open311 service list" },
    { "GET", "/open311/v2/services/{file}", api_open311_service_definition, HTTP_ROLES_PUBLIC,
      "Open311 service definition with its attributes" },
    { "POST", "/open311/v2/requests.json", api_open311_requests_create, HTTP_ROLES_PUBLIC,
      "post an Open311 service request (api_key)" },
    { "POST", "/open311/v2/requests.xml", api_open311_requests_create, HTTP_ROLES_PUBLIC,
      "post an Open311 service request (api_key)" },
    { "GET", "/open311/v2/requests.json", api_open311_requests_list, HTTP_ROLES_PUBLIC,
      "Open311 service requests, without personal data" },
    { "GET", "/open311/v2/requests.xml", api_open311_requests_list, HTTP_ROLES_PUBLIC,
      "Open311 service requests, without personal data" },
    { "GET", "/open311/v2/requests/{file}", api_open311_request_get, HTTP_ROLES_PUBLIC,
      "one Open311 service request, without personal data" },
    { "GET", "/open311/v2/servicerequestupdates.json", api_open311_updates_list,
      HTTP_ROLES_PUBLIC, "updates on the api_key's own service requests" },
    { "GET", "/open311/v2/servicerequestupdates.xml", api_open311_updates_list,
      HTTP_ROLES_PUBLIC, "updates on the api_key's own service requests" },
    { "POST", "/open311/v2/servicerequestupdates.json", api_open311_updates_create,
      HTTP_ROLES_PUBLIC, "a comment on the api_key's own service request (api_key)" },
    { "POST", "/open311/v2/servicerequestupdates.xml", api_open311_updates_create,
      HTTP_ROLES_PUBLIC, "a comment on the api_key's own service request (api_key)" },

    { NULL, NULL, NULL, 0, NULL },
};
