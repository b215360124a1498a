/*
 * store/pg/pg_unsupported.c: the store operations not written for PostgreSQL yet. Each one
 * answers FC_EINTERNAL naming itself, so a caller sees a clear error rather than a crash,
 * and writes nothing. Delete an entry here when its pg_<entity>.c implementation lands.
 */
#include "store/pg/pg_unsupported.h"

static int unsupported(const char *op, struct fc_err *err)
{
    return err_set(err, FC_EINTERNAL, "store", "%s is not supported by the PostgreSQL store yet", op);
}

int pg_unsupported_backup(struct store *s, const char *dest_path, struct fc_err *err)
{
    (void)s;
    (void)dest_path;
    return unsupported("backup", err);
}

int pg_unsupported_restore(struct store *s, const char *src_path, struct fc_err *err)
{
    (void)s;
    (void)src_path;
    return unsupported("restore", err);
}

int pg_unsupported_policeuk_upsert(struct store *s, const struct policeuk_record *r, enum policeuk_change *out_change, struct fc_err *err)
{
    (void)s;
    (void)r;
    (void)out_change;
    return unsupported("policeuk_upsert", err);
}

int pg_unsupported_policeuk_counts(struct store *s, const struct report_filter *f, const char *crime_type, struct arena *a, struct report_count **out, size_t *n, struct fc_err *err)
{
    (void)s;
    (void)f;
    (void)crime_type;
    (void)a;
    (void)out;
    (void)n;
    return unsupported("policeuk_counts", err);
}

int pg_unsupported_report_incident_counts(struct store *s, const struct report_filter *f, struct arena *a, struct report_count **out, size_t *n, struct fc_err *err)
{
    (void)s;
    (void)f;
    (void)a;
    (void)out;
    (void)n;
    return unsupported("report_incident_counts", err);
}

int pg_unsupported_report_contact_counts(struct store *s, const struct report_filter *f, struct arena *a, struct report_count **out, size_t *n, struct fc_err *err)
{
    (void)s;
    (void)f;
    (void)a;
    (void)out;
    (void)n;
    return unsupported("report_contact_counts", err);
}

int pg_unsupported_report_first_contact(struct store *s, const struct report_filter *f, struct arena *a, struct report_fc_count **out, size_t *n, struct fc_err *err)
{
    (void)s;
    (void)f;
    (void)a;
    (void)out;
    (void)n;
    return unsupported("report_first_contact", err);
}

int pg_unsupported_report_tasks(struct store *s, const struct report_filter *f, fc_time_t now, struct arena *a, struct report_task_count **out, size_t *n, struct fc_err *err)
{
    (void)s;
    (void)f;
    (void)now;
    (void)a;
    (void)out;
    (void)n;
    return unsupported("report_tasks", err);
}

int pg_unsupported_report_triggers(struct store *s, const struct report_filter *f, struct arena *a, struct report_count **out, size_t *n, struct fc_err *err)
{
    (void)s;
    (void)f;
    (void)a;
    (void)out;
    (void)n;
    return unsupported("report_triggers", err);
}

int pg_unsupported_report_satisfaction(struct store *s, const struct report_filter *f, struct arena *a, struct report_sat_count **out, size_t *n, struct fc_err *err)
{
    (void)s;
    (void)f;
    (void)a;
    (void)out;
    (void)n;
    return unsupported("report_satisfaction", err);
}

int pg_unsupported_report_survey_rates(struct store *s, const struct report_filter *f, struct arena *a, struct survey_rates **out, size_t *n, struct fc_err *err)
{
    (void)s;
    (void)f;
    (void)a;
    (void)out;
    (void)n;
    return unsupported("report_survey_rates", err);
}

int pg_unsupported_survey_get(struct store *s, fc_id_t id, struct arena *a, struct survey_queue_rec *out, struct fc_err *err)
{
    (void)s;
    (void)id;
    (void)a;
    (void)out;
    return unsupported("survey_get", err);
}

int pg_unsupported_survey_set_status(struct store *s, fc_id_t id, const char *status, struct fc_err *err)
{
    (void)s;
    (void)id;
    (void)status;
    return unsupported("survey_set_status", err);
}

int pg_unsupported_survey_person_recent(struct store *s, fc_id_t person_id, fc_time_t since, fc_id_t exclude_id, int64_t *out, struct fc_err *err)
{
    (void)s;
    (void)person_id;
    (void)since;
    (void)exclude_id;
    (void)out;
    return unsupported("survey_person_recent", err);
}

int pg_unsupported_survey_token_insert(struct store *s, const unsigned char token_hash[32], fc_id_t queue_id, fc_time_t created_at, fc_time_t expires_at, struct fc_err *err)
{
    (void)s;
    (void)token_hash;
    (void)queue_id;
    (void)created_at;
    (void)expires_at;
    return unsupported("survey_token_insert", err);
}

int pg_unsupported_survey_token_use(struct store *s, const unsigned char token_hash[32], fc_time_t now, fc_id_t *out_queue_id, struct fc_err *err)
{
    (void)s;
    (void)token_hash;
    (void)now;
    (void)out_queue_id;
    return unsupported("survey_token_use", err);
}

int pg_unsupported_survey_token_peek(struct store *s, const unsigned char token_hash[32], fc_time_t now, fc_id_t *out_queue_id, struct fc_err *err)
{
    (void)s;
    (void)token_hash;
    (void)now;
    (void)out_queue_id;
    return unsupported("survey_token_peek", err);
}

int pg_unsupported_survey_response_insert(struct store *s, const struct survey_answers *r, fc_id_t *out, struct fc_err *err)
{
    (void)s;
    (void)r;
    (void)out;
    return unsupported("survey_response_insert", err);
}

/* security and data protection (migration 0007) */

int pg_unsupported_break_glass_insert(struct store *s, const struct break_glass_rec *g, fc_id_t *out, struct fc_err *err)
{
    (void)s;
    (void)g;
    (void)out;
    return unsupported("break_glass_insert", err);
}

int pg_unsupported_break_glass_active(struct store *s, fc_id_t user_id, const char *object_type, fc_id_t object_id, fc_time_t now, fc_time_t *out_expires, struct fc_err *err)
{
    (void)s;
    (void)user_id;
    (void)object_type;
    (void)object_id;
    (void)now;
    (void)out_expires;
    return unsupported("break_glass_active", err);
}

int pg_unsupported_break_glass_list(struct store *s, fc_time_t from, fc_time_t to, struct arena *a, struct break_glass_rec **out, size_t *n, struct fc_err *err)
{
    (void)s;
    (void)from;
    (void)to;
    (void)a;
    (void)out;
    (void)n;
    return unsupported("break_glass_list", err);
}

int pg_unsupported_user_totp_step_use(struct store *s, fc_id_t user_id, int64_t step, struct fc_err *err)
{
    (void)s;
    (void)user_id;
    (void)step;
    return unsupported("user_totp_step_use", err);
}

int pg_unsupported_retention_persons_due(struct store *s, fc_time_t before, struct arena *a, fc_id_t **out, size_t *n, struct fc_err *err)
{
    (void)s;
    (void)before;
    (void)a;
    (void)out;
    (void)n;
    return unsupported("retention_persons_due", err);
}

int pg_unsupported_retention_person_anonymise(struct store *s, fc_id_t person_id, fc_time_t at, struct retention_person_counts *out, struct fc_err *err)
{
    (void)s;
    (void)person_id;
    (void)at;
    (void)out;
    return unsupported("retention_person_anonymise", err);
}

int pg_unsupported_retention_incidents_due(struct store *s, fc_time_t before, struct arena *a, fc_id_t **out, size_t *n, struct fc_err *err)
{
    (void)s;
    (void)before;
    (void)a;
    (void)out;
    (void)n;
    return unsupported("retention_incidents_due", err);
}

int pg_unsupported_retention_incident_anonymise(struct store *s, fc_id_t incident_id, fc_time_t at, struct fc_err *err)
{
    (void)s;
    (void)incident_id;
    (void)at;
    return unsupported("retention_incident_anonymise", err);
}
