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
