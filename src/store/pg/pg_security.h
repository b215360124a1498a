/*
 * store/pg/pg_security.h: the PostgreSQL side of the store's security and data-protection
 * section (migration 0007): break-the-glass grants, TOTP steps, retention. Not for callers
 * outside src/store/pg; PG_SECURITY_OPS fills the ops table in store_pg.c. Threads: as
 * every pg_* op, on the calling thread's connection.
 */
#ifndef FC_STORE_PG_SECURITY_H
#define FC_STORE_PG_SECURITY_H

#include "store/store.h"

int pg_break_glass_insert(struct store *s, const struct break_glass_rec *g, fc_id_t *out,
                          struct fc_err *err);
int pg_break_glass_active(struct store *s, fc_id_t user_id, const char *object_type,
                          fc_id_t object_id, fc_time_t now, fc_time_t *out_expires,
                          struct fc_err *err);
int pg_break_glass_list(struct store *s, fc_time_t from, fc_time_t to, struct arena *a,
                        struct break_glass_rec **out, size_t *n, struct fc_err *err);
int pg_user_totp_step_use(struct store *s, fc_id_t user_id, int64_t step, struct fc_err *err);
int pg_retention_persons_due(struct store *s, fc_time_t before, struct arena *a, fc_id_t **out,
                             size_t *n, struct fc_err *err);
int pg_retention_person_anonymise(struct store *s, fc_id_t person_id, fc_time_t at,
                                  struct retention_person_counts *out, struct fc_err *err);
int pg_retention_incidents_due(struct store *s, fc_time_t before, struct arena *a,
                               fc_id_t **out, size_t *n, struct fc_err *err);
int pg_retention_incident_anonymise(struct store *s, fc_id_t incident_id, fc_time_t at,
                                    struct fc_err *err);

#define PG_SECURITY_OPS                                                                            \
    .break_glass_insert = pg_break_glass_insert, .break_glass_active = pg_break_glass_active,      \
    .break_glass_list = pg_break_glass_list, .user_totp_step_use = pg_user_totp_step_use,          \
    .retention_persons_due = pg_retention_persons_due,                                             \
    .retention_person_anonymise = pg_retention_person_anonymise,                                   \
    .retention_incidents_due = pg_retention_incidents_due,                                         \
    .retention_incident_anonymise = pg_retention_incident_anonymise

#endif
