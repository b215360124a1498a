/*
 * api/api.h: the JSON resource handlers under /api/v1 and what they share.
 *
 * One file per resource (persons.c, contacts.c, incidents.c, flags.c, lookup.c). Each
 * handler parses and validates the whole request before it writes anything, asks
 * domain/access whether the signed-in user may see or change the record, calls the store
 * (or a domain service), writes the audit event for every read or change of a person's
 * record, and renders JSON. Thread rules as http/http.h: one request, one worker thread.
 */
#ifndef FC_API_API_H
#define FC_API_API_H

#include <jansson.h>

#include "domain/access/access.h"
#include "http/http.h"

/* persons.c */
int api_persons_create(struct http_req *req, struct http_resp *resp);
int api_persons_get(struct http_req *req, struct http_resp *resp);
int api_persons_update(struct http_req *req, struct http_resp *resp);
int api_persons_search(struct http_req *req, struct http_resp *resp);
int api_persons_flags(struct http_req *req, struct http_resp *resp);
int api_persons_merge(struct http_req *req, struct http_resp *resp);
int api_persons_unmerge(struct http_req *req, struct http_resp *resp);

/* contacts.c */
int api_contacts_create(struct http_req *req, struct http_resp *resp);
int api_contacts_get(struct http_req *req, struct http_resp *resp);
int api_contacts_search(struct http_req *req, struct http_resp *resp);

/* incidents.c */
int api_incidents_create(struct http_req *req, struct http_resp *resp);
int api_incidents_get(struct http_req *req, struct http_resp *resp);
int api_incidents_update(struct http_req *req, struct http_resp *resp);
int api_incidents_search(struct http_req *req, struct http_resp *resp);

/* flags.c */
int api_flags_create(struct http_req *req, struct http_resp *resp);
int api_flags_get(struct http_req *req, struct http_resp *resp);
int api_flags_update(struct http_req *req, struct http_resp *resp);

/* lookup.c */
int api_lookup(struct http_req *req, struct http_resp *resp);

/* cases.c: partnership cases, their action plans and reviews, and partner flags */
int api_cases_create(struct http_req *req, struct http_resp *resp);
int api_cases_list(struct http_req *req, struct http_resp *resp);
int api_cases_get(struct http_req *req, struct http_resp *resp);
int api_cases_pdf(struct http_req *req, struct http_resp *resp);
int api_cases_share(struct http_req *req, struct http_resp *resp);
int api_cases_unshare(struct http_req *req, struct http_resp *resp);
int api_cases_add_person(struct http_req *req, struct http_resp *resp);
int api_cases_link_incident(struct http_req *req, struct http_resp *resp);
int api_cases_add_location(struct http_req *req, struct http_resp *resp);
int api_cases_assess(struct http_req *req, struct http_resp *resp);
int api_cases_add_action(struct http_req *req, struct http_resp *resp);
int api_cases_review(struct http_req *req, struct http_resp *resp);
int api_cases_conference(struct http_req *req, struct http_resp *resp);
int api_cases_contact(struct http_req *req, struct http_resp *resp);
int api_cases_note(struct http_req *req, struct http_resp *resp);
int api_cases_trigger_step(struct http_req *req, struct http_resp *resp);
int api_cases_close(struct http_req *req, struct http_resp *resp);
int api_case_actions_update(struct http_req *req, struct http_resp *resp);
int api_case_actions_overdue(struct http_req *req, struct http_resp *resp);
int api_case_reviews_escalate(struct http_req *req, struct http_resp *resp);
int api_partner_flags_create(struct http_req *req, struct http_resp *resp);
int api_partner_flags_import(struct http_req *req, struct http_resp *resp);
int api_partner_flags_reviews(struct http_req *req, struct http_resp *resp);
int api_partner_flags_confirm(struct http_req *req, struct http_resp *resp);
int api_partner_flags_reject(struct http_req *req, struct http_resp *resp);
/* reports.c */
int api_reports_list(struct http_req *req, struct http_resp *resp);
int api_reports_get(struct http_req *req, struct http_resp *resp);

/* breakglass.c and audit.c: break the glass, the audit reports, subject access (issue 8) */
int api_break_glass_create(struct http_req *req, struct http_resp *resp);
int api_break_glass_list(struct http_req *req, struct http_resp *resp);
int api_persons_audit(struct http_req *req, struct http_resp *resp);
int api_users_audit(struct http_req *req, struct http_resp *resp);

/* surveys.c (api_survey_form and _submit are the public one-time link) */
int api_surveys_list(struct http_req *req, struct http_resp *resp);
int api_surveys_screen(struct http_req *req, struct http_resp *resp);
int api_surveys_link(struct http_req *req, struct http_resp *resp);
int api_surveys_answer(struct http_req *req, struct http_resp *resp);
int api_surveys_decline(struct http_req *req, struct http_resp *resp);
int api_survey_form(struct http_req *req, struct http_resp *resp);
int api_survey_submit(struct http_req *req, struct http_resp *resp);

/* ---- shared helpers (common.c) ---- */

/* The signed-in user as domain/access sees them. */
struct access_viewer api_viewer(const struct http_req *req);

/*
 * The stated purpose: the X-Purpose header, else the body's "purpose" member (body may be
 * NULL). NULL when neither is given. FC_EINVAL naming the field when it is overlong or not
 * text.
 */
int api_purpose(struct http_req *req, const json_t *body, const char **out);

/*
 * The purpose of reading a person's record: stated (api_purpose), or implied when the read
 * happens within the reader's live contact: `contact` (may be NULL), or the contact named
 * by the X-Contact-Id header or ?contact_id. Otherwise FC_EINVAL naming X-Purpose: a read
 * outside a live contact must state its purpose (DESIGN section 11).
 */
int api_read_purpose(struct http_req *req, const struct contact *contact, const char **out);

/* How many of the viewer's organisation's contacts, incidents and flags name the person. */
int api_person_own_links(struct http_req *req, fc_id_t person_id, size_t *out);
/* The level the viewer's break-the-glass grant in force on the record gives (view), or
 * none; a store failure counts as none. */
enum access_level api_break_glass_level(struct http_req *req, const char *object_type,
                                        fc_id_t object_id);
/* FC_OK when domain/access lets the viewer see the person, directly or under a
 * break-the-glass grant in force; FC_EDENIED naming "id" if not. */
int api_person_check_visible(struct http_req *req, fc_id_t person_id);

/* Appends an audit event in the current transaction (or its own). */
int api_audit(struct http_req *req, enum audit_action action, const char *object_type,
              fc_id_t object_id, const char *purpose, const char *detail);

/* Audits a read of a record ("consult") with the purpose stated in X-Purpose, if any. */
int api_audit_read(struct http_req *req, const char *object_type, fc_id_t object_id,
                   const char *detail);

/* Formats UTC seconds as "2026-03-02T21:14:07Z" (NULL for 0) into the arena. */
const char *api_time(struct http_req *req, fc_time_t t);
/* Parses an ISO 8601 time from member `key` of obj; absent gives `fallback`. */
int api_time_parse(struct http_req *req, const json_t *obj, const char *path, const char *key,
                   fc_time_t fallback, fc_time_t *out);

/* A field path for an error, e.g. api_path(req, "names[%zu].surname", i). */
const char *api_path(struct http_req *req, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* A flag as JSON for the viewer: the reason only where domain/access allows (flags.c). */
json_t *api_flag_json(struct http_req *req, const struct flag *f);

/* Copies a borrowed JSON string into the arena (NULL stays NULL). */
char *api_strdup(struct http_req *req, const char *s);

/* Reads ?limit= (1..100, default 20) and ?offset= (default 0). */
int api_page(struct http_req *req, size_t *limit, size_t *offset);

/* Passes a store error up as the request's error and returns its status. */
int api_store_failed(struct http_req *req, int rc, const struct fc_err *e);

#endif
