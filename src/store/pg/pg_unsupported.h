/*
 * store/pg/pg_unsupported.h: the ops-table entries for operations the PostgreSQL backend
 * does not implement yet (pg_unsupported.c). Threads: stateless.
 */
#ifndef FC_STORE_PG_UNSUPPORTED_H
#define FC_STORE_PG_UNSUPPORTED_H

#include "store/store.h"

int pg_unsupported_backup(struct store *s, const char *dest_path, struct fc_err *err);
int pg_unsupported_restore(struct store *s, const char *src_path, struct fc_err *err);
int pg_unsupported_policeuk_upsert(struct store *s, const struct policeuk_record *r, enum policeuk_change *out_change, struct fc_err *err);
int pg_unsupported_policeuk_counts(struct store *s, const struct report_filter *f, const char *crime_type, struct arena *a, struct report_count **out, size_t *n, struct fc_err *err);
int pg_unsupported_report_incident_counts(struct store *s, const struct report_filter *f, struct arena *a, struct report_count **out, size_t *n, struct fc_err *err);
int pg_unsupported_report_contact_counts(struct store *s, const struct report_filter *f, struct arena *a, struct report_count **out, size_t *n, struct fc_err *err);
int pg_unsupported_report_first_contact(struct store *s, const struct report_filter *f, struct arena *a, struct report_fc_count **out, size_t *n, struct fc_err *err);
int pg_unsupported_report_tasks(struct store *s, const struct report_filter *f, fc_time_t now, struct arena *a, struct report_task_count **out, size_t *n, struct fc_err *err);
int pg_unsupported_report_triggers(struct store *s, const struct report_filter *f, struct arena *a, struct report_count **out, size_t *n, struct fc_err *err);
int pg_unsupported_report_satisfaction(struct store *s, const struct report_filter *f, struct arena *a, struct report_sat_count **out, size_t *n, struct fc_err *err);
int pg_unsupported_report_survey_rates(struct store *s, const struct report_filter *f, struct arena *a, struct survey_rates **out, size_t *n, struct fc_err *err);
int pg_unsupported_survey_get(struct store *s, fc_id_t id, struct arena *a, struct survey_queue_rec *out, struct fc_err *err);
int pg_unsupported_survey_set_status(struct store *s, fc_id_t id, const char *status, struct fc_err *err);
int pg_unsupported_survey_person_recent(struct store *s, fc_id_t person_id, fc_time_t since, fc_id_t exclude_id, int64_t *out, struct fc_err *err);
int pg_unsupported_survey_token_insert(struct store *s, const unsigned char token_hash[32], fc_id_t queue_id, fc_time_t created_at, fc_time_t expires_at, struct fc_err *err);
int pg_unsupported_survey_token_use(struct store *s, const unsigned char token_hash[32], fc_time_t now, fc_id_t *out_queue_id, struct fc_err *err);
int pg_unsupported_survey_token_peek(struct store *s, const unsigned char token_hash[32], fc_time_t now, fc_id_t *out_queue_id, struct fc_err *err);
int pg_unsupported_survey_response_insert(struct store *s, const struct survey_answers *r, fc_id_t *out, struct fc_err *err);

/* security and data protection (migration 0007) */
int pg_unsupported_break_glass_insert(struct store *s, const struct break_glass_rec *g, fc_id_t *out, struct fc_err *err);
int pg_unsupported_break_glass_active(struct store *s, fc_id_t user_id, const char *object_type, fc_id_t object_id, fc_time_t now, fc_time_t *out_expires, struct fc_err *err);
int pg_unsupported_break_glass_list(struct store *s, fc_time_t from, fc_time_t to, struct arena *a, struct break_glass_rec **out, size_t *n, struct fc_err *err);
int pg_unsupported_user_totp_step_use(struct store *s, fc_id_t user_id, int64_t step, struct fc_err *err);
int pg_unsupported_retention_persons_due(struct store *s, fc_time_t before, struct arena *a, fc_id_t **out, size_t *n, struct fc_err *err);
int pg_unsupported_retention_person_anonymise(struct store *s, fc_id_t person_id, fc_time_t at, struct retention_person_counts *out, struct fc_err *err);
int pg_unsupported_retention_incidents_due(struct store *s, fc_time_t before, struct arena *a, fc_id_t **out, size_t *n, struct fc_err *err);
int pg_unsupported_retention_incident_anonymise(struct store *s, fc_id_t incident_id, fc_time_t at, struct fc_err *err);

#define PG_UNSUPPORTED_OPS \
    .backup = pg_unsupported_backup, \
    .restore = pg_unsupported_restore, \
    .policeuk_upsert = pg_unsupported_policeuk_upsert, \
    .policeuk_counts = pg_unsupported_policeuk_counts, \
    .report_incident_counts = pg_unsupported_report_incident_counts, \
    .report_contact_counts = pg_unsupported_report_contact_counts, \
    .report_first_contact = pg_unsupported_report_first_contact, \
    .report_tasks = pg_unsupported_report_tasks, \
    .report_triggers = pg_unsupported_report_triggers, \
    .report_satisfaction = pg_unsupported_report_satisfaction, \
    .report_survey_rates = pg_unsupported_report_survey_rates, \
    .survey_get = pg_unsupported_survey_get, \
    .survey_set_status = pg_unsupported_survey_set_status, \
    .survey_person_recent = pg_unsupported_survey_person_recent, \
    .survey_token_insert = pg_unsupported_survey_token_insert, \
    .survey_token_use = pg_unsupported_survey_token_use, \
    .survey_token_peek = pg_unsupported_survey_token_peek, \
    .survey_response_insert = pg_unsupported_survey_response_insert, \
    .break_glass_insert = pg_unsupported_break_glass_insert, \
    .break_glass_active = pg_unsupported_break_glass_active, \
    .break_glass_list = pg_unsupported_break_glass_list, \
    .user_totp_step_use = pg_unsupported_user_totp_step_use, \
    .retention_persons_due = pg_unsupported_retention_persons_due, \
    .retention_person_anonymise = pg_unsupported_retention_person_anonymise, \
    .retention_incidents_due = pg_unsupported_retention_incidents_due, \
    .retention_incident_anonymise = pg_unsupported_retention_incident_anonymise

#endif
