/*
 * store/sqlite/sqlite_open311.h: the SQLite side of the store's Open311 section (API keys,
 * service requests and the events that flow back; migration 0006). Not for callers
 * outside src/store/sqlite; SQLITE_OPEN311_OPS fills the ops table in store_sqlite.c.
 */
#ifndef FC_STORE_SQLITE_OPEN311_H
#define FC_STORE_SQLITE_OPEN311_H

#include "store/store.h"

int sqlite_open311_key_insert(struct store *s, const struct open311_key_rec *k, fc_id_t *out,
                              struct fc_err *err);
int sqlite_open311_key_get_by_hash(struct store *s, const unsigned char key_hash[32],
                                   struct arena *a, struct open311_key_rec *out,
                                   struct fc_err *err);
int sqlite_open311_key_list(struct store *s, fc_id_t org_id, struct arena *a,
                            struct open311_key_rec **out, size_t *n, struct fc_err *err);
int sqlite_open311_key_revoke(struct store *s, fc_id_t id, fc_time_t at, struct fc_err *err);
int sqlite_open311_request_insert(struct store *s, const struct open311_request_rec *r,
                                  fc_id_t *out, struct fc_err *err);
int sqlite_open311_request_search(struct store *s, const struct open311_request_query *q,
                                  struct arena *a, struct open311_request_rec **out, size_t *n,
                                  struct fc_err *err);
int sqlite_open311_event_list(struct store *s, fc_id_t org_id, fc_time_t from, fc_time_t to,
                              size_t limit, struct arena *a, struct open311_event_rec **out,
                              size_t *n, struct fc_err *err);

#define SQLITE_OPEN311_OPS                                                                         \
    .open311_key_insert = sqlite_open311_key_insert,                                               \
    .open311_key_get_by_hash = sqlite_open311_key_get_by_hash,                                     \
    .open311_key_list = sqlite_open311_key_list, .open311_key_revoke = sqlite_open311_key_revoke,  \
    .open311_request_insert = sqlite_open311_request_insert,                                       \
    .open311_request_search = sqlite_open311_request_search,                                       \
    .open311_event_list = sqlite_open311_event_list

#endif
