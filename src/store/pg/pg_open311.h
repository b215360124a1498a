/*
 * store/pg/pg_open311.h: the PostgreSQL side of the store's Open311 section (migration
 * 0006). Not for callers outside src/store/pg; PG_OPEN311_OPS fills the ops table in
 * store_pg.c. Threads: as every pg_* op, on the calling thread's connection.
 */
#ifndef FC_STORE_PG_OPEN311_H
#define FC_STORE_PG_OPEN311_H

#include "store/store.h"

int pg_open311_key_insert(struct store *s, const struct open311_key_rec *k, fc_id_t *out,
                          struct fc_err *err);
int pg_open311_key_get_by_hash(struct store *s, const unsigned char key_hash[32],
                               struct arena *a, struct open311_key_rec *out, struct fc_err *err);
int pg_open311_key_list(struct store *s, fc_id_t org_id, struct arena *a,
                        struct open311_key_rec **out, size_t *n, struct fc_err *err);
int pg_open311_key_revoke(struct store *s, fc_id_t id, fc_time_t at, struct fc_err *err);
int pg_open311_request_insert(struct store *s, const struct open311_request_rec *r,
                              fc_id_t *out, struct fc_err *err);
int pg_open311_request_search(struct store *s, const struct open311_request_query *q,
                              struct arena *a, struct open311_request_rec **out, size_t *n,
                              struct fc_err *err);
int pg_open311_event_list(struct store *s, fc_id_t org_id, fc_time_t from, fc_time_t to,
                          size_t limit, struct arena *a, struct open311_event_rec **out,
                          size_t *n, struct fc_err *err);

#define PG_OPEN311_OPS                                                                             \
    .open311_key_insert = pg_open311_key_insert,                                                   \
    .open311_key_get_by_hash = pg_open311_key_get_by_hash,                                         \
    .open311_key_list = pg_open311_key_list, .open311_key_revoke = pg_open311_key_revoke,          \
    .open311_request_insert = pg_open311_request_insert,                                           \
    .open311_request_search = pg_open311_request_search,                                           \
    .open311_event_list = pg_open311_event_list

#endif
