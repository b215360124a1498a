/*
 * store/pg/pg_intake.h: the PostgreSQL side of the store's call-handling section (risk
 * assessments, grades, contact labels, tasks, Community Trigger, victim updates, closures,
 * survey queue, history queries); tables from pg/migrations/0003. Not for callers outside
 * src/store/pg; PG_INTAKE_OPS fills the ops table in store_pg.c. Threads: each call uses
 * the calling thread's connection (pg_internal.h).
 */
#ifndef FC_STORE_PG_INTAKE_H
#define FC_STORE_PG_INTAKE_H

#include "store/store.h"

int pg_team_area_replace(struct store *s, const char *version, const char *const *lsoa,
                         const char *const *team_id, const char *const *team_name,
                         const char *const *district, size_t n, struct fc_err *err);
int pg_risk_assessment_insert(struct store *s, const struct risk_assessment_rec *r, fc_id_t *out,
                              struct fc_err *err);
int pg_risk_assessment_list(struct store *s, fc_id_t incident_id, fc_id_t person_id,
                            struct arena *a, struct risk_assessment_rec **out, size_t *n,
                            struct fc_err *err);
int pg_grade_insert(struct store *s, const struct grade_rec *g, fc_id_t *out, struct fc_err *err);
int pg_grade_list(struct store *s, fc_id_t incident_id, struct arena *a, struct grade_rec **out,
                  size_t *n, struct fc_err *err);
int pg_contact_labels_insert(struct store *s, const struct contact_labels_rec *l,
                             struct fc_err *err);
int pg_contact_labels_get(struct store *s, fc_id_t contact_id, struct arena *a,
                          struct contact_labels_rec *out, struct fc_err *err);
int pg_task_insert(struct store *s, const struct task_rec *t, fc_id_t *out, struct fc_err *err);
int pg_task_get(struct store *s, fc_id_t id, struct arena *a, struct task_rec *out,
                struct fc_err *err);
int pg_task_search(struct store *s, const struct task_query *q, struct arena *a,
                   struct task_rec **out, size_t *n, struct fc_err *err);
int pg_task_close(struct store *s, fc_id_t id, const char *status, fc_id_t by, fc_time_t at,
                  const char *outcome, struct fc_err *err);
int pg_task_set_escalated(struct store *s, fc_id_t id, fc_time_t at, struct fc_err *err);
int pg_trigger_insert(struct store *s, const struct community_trigger_rec *t, fc_id_t *out,
                      struct fc_err *err);
int pg_trigger_get(struct store *s, fc_id_t id, struct arena *a, struct community_trigger_rec *out,
                   struct fc_err *err);
int pg_trigger_list_for_person(struct store *s, fc_id_t person_id, struct arena *a,
                               struct community_trigger_rec **out, size_t *n, struct fc_err *err);
int pg_trigger_set_status(struct store *s, fc_id_t id, const char *status,
                          const char *decision_reason, const char *outcome, struct fc_err *err);
int pg_trigger_step_set(struct store *s, fc_id_t trigger_id, const char *step, fc_time_t due_at,
                        fc_time_t done_at, fc_id_t done_by, const char *note, struct fc_err *err);
int pg_update_plan_insert(struct store *s, const struct update_plan_rec *p, fc_id_t *out,
                          struct fc_err *err);
int pg_update_plan_current(struct store *s, fc_id_t incident_id, struct arena *a,
                           struct update_plan_rec *out, struct fc_err *err);
int pg_update_plan_set_next_due(struct store *s, fc_id_t plan_id, fc_time_t next_due_at,
                                struct fc_err *err);
int pg_update_plan_due(struct store *s, fc_time_t before, struct arena *a,
                       struct update_plan_rec **out, size_t *n, struct fc_err *err);
int pg_victim_update_insert(struct store *s, const struct victim_update_rec *u, fc_id_t *out,
                            struct fc_err *err);
int pg_victim_update_list(struct store *s, fc_id_t incident_id, struct arena *a,
                          struct victim_update_rec **out, size_t *n, struct fc_err *err);
int pg_incident_closure_insert(struct store *s, const struct incident_closure_rec *c,
                               struct fc_err *err);
int pg_incident_closure_get(struct store *s, fc_id_t incident_id, struct arena *a,
                            struct incident_closure_rec *out, struct fc_err *err);
int pg_survey_queue_insert(struct store *s, const struct survey_queue_rec *q, fc_id_t *out,
                           struct fc_err *err);
int pg_survey_queue_list(struct store *s, const char *status, struct arena *a,
                         struct survey_queue_rec **out, size_t *n, struct fc_err *err);
int pg_history_caller_contacts(struct store *s, fc_id_t person_id, fc_time_t from, fc_time_t to,
                               fc_id_t exclude_contact, struct arena *a, fc_time_t **out, size_t *n,
                               struct fc_err *err);
int pg_history_person_incidents(struct store *s, fc_id_t person_id, const char *role,
                                fc_time_t from, fc_time_t to, struct arena *a, fc_time_t **out,
                                size_t *n, struct fc_err *err);
int pg_history_place_incidents(struct store *s, const char *location_key, double lat_min,
                               double lat_max, double lon_min, double lon_max, fc_time_t from,
                               fc_time_t to, fc_id_t exclude_incident, struct arena *a,
                               struct history_place_row **out, size_t *n, struct fc_err *err);
int pg_history_complaints(struct store *s, fc_id_t person_id, const char *problem_key,
                          fc_time_t from, fc_time_t to, fc_id_t exclude_contact, struct arena *a,
                          struct history_complaint_row **out, size_t *n, struct fc_err *err);

#define PG_INTAKE_OPS                                                                              \
    .team_area_replace = pg_team_area_replace,                                                     \
    .risk_assessment_insert = pg_risk_assessment_insert,                                           \
    .risk_assessment_list = pg_risk_assessment_list, .grade_insert = pg_grade_insert,              \
    .grade_list = pg_grade_list, .contact_labels_insert = pg_contact_labels_insert,                \
    .contact_labels_get = pg_contact_labels_get, .task_insert = pg_task_insert,                    \
    .task_get = pg_task_get, .task_search = pg_task_search, .task_close = pg_task_close,           \
    .task_set_escalated = pg_task_set_escalated, .trigger_insert = pg_trigger_insert,              \
    .trigger_get = pg_trigger_get, .trigger_list_for_person = pg_trigger_list_for_person,          \
    .trigger_set_status = pg_trigger_set_status, .trigger_step_set = pg_trigger_step_set,          \
    .update_plan_insert = pg_update_plan_insert, .update_plan_current = pg_update_plan_current,    \
    .update_plan_set_next_due = pg_update_plan_set_next_due,                                       \
    .update_plan_due = pg_update_plan_due, .victim_update_insert = pg_victim_update_insert,        \
    .victim_update_list = pg_victim_update_list,                                                   \
    .incident_closure_insert = pg_incident_closure_insert,                                         \
    .incident_closure_get = pg_incident_closure_get,                                               \
    .survey_queue_insert = pg_survey_queue_insert, .survey_queue_list = pg_survey_queue_list,      \
    .history_caller_contacts = pg_history_caller_contacts,                                         \
    .history_person_incidents = pg_history_person_incidents,                                       \
    .history_place_incidents = pg_history_place_incidents,                                         \
    .history_complaints = pg_history_complaints

#endif
