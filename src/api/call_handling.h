/*
 * api/call_handling.h: the call-handling resources under /api/v1 (issue 4).
 *
 * Risk (screening, full assessment, override, history), grading, the contact's labels and
 * Community Trigger position, team task queues, Community Trigger applications and their
 * steps, victim update plans and updates, key events and closing an incident. Each handler
 * checks the body against a field table, checks the incident is visible to the user's
 * organisation, calls domain/intake (which validates, writes and audits in one
 * transaction) and renders JSON. Thread rules as http/http.h.
 */
#ifndef FC_API_CALL_HANDLING_H
#define FC_API_CALL_HANDLING_H

#include "http/http.h"

/* risk.c */
int api_risk_screen(struct http_req *req, struct http_resp *resp);
int api_risk_assess(struct http_req *req, struct http_resp *resp);
int api_risk_override(struct http_req *req, struct http_resp *resp);
int api_risk_list(struct http_req *req, struct http_resp *resp);
int api_risk_questions(struct http_req *req, struct http_resp *resp);

/* grades.c */
int api_grades_set(struct http_req *req, struct http_resp *resp);
int api_grades_list(struct http_req *req, struct http_resp *resp);

/* labels.c */
int api_labels_get(struct http_req *req, struct http_resp *resp);

/* tasks.c */
int api_tasks_queue(struct http_req *req, struct http_resp *resp);
int api_tasks_for_incident(struct http_req *req, struct http_resp *resp);
int api_tasks_complete(struct http_req *req, struct http_resp *resp);
int api_tasks_escalate(struct http_req *req, struct http_resp *resp);

/* triggers.c */
int api_triggers_create(struct http_req *req, struct http_resp *resp);
int api_triggers_get(struct http_req *req, struct http_resp *resp);
int api_triggers_step(struct http_req *req, struct http_resp *resp);

/* updates.c */
int api_updates_plan(struct http_req *req, struct http_resp *resp);
int api_updates_record(struct http_req *req, struct http_resp *resp);
int api_updates_list(struct http_req *req, struct http_resp *resp);
int api_updates_key_event(struct http_req *req, struct http_resp *resp);
int api_updates_remind(struct http_req *req, struct http_resp *resp);
int api_incidents_close(struct http_req *req, struct http_resp *resp);

/* ---- shared (call_handling.c) ---- */

struct intake_actor;
struct intake_rules;

/* The rules, or FC_EINTERNAL with req->err set. */
int api_ch_rules(struct http_req *req, const struct intake_rules **out);
/* The signed-in user as the acting user, at the request's time. */
void api_ch_actor(const struct http_req *req, struct intake_actor *out);
/* The {id} incident, if it exists and the user's organisation may see it (else 404). */
int api_ch_incident(struct http_req *req, const char *param, fc_id_t *out);
/* FC_OK if the incident exists and the user's organisation may see it (else 404). */
int api_ch_incident_check(struct http_req *req, fc_id_t id);

#endif
