/*
 * store/pg/pg_unsupported.h: the ops-table entries for operations the PostgreSQL backend
 * does not implement yet (pg_unsupported.c). Threads: stateless.
 */
#ifndef FC_STORE_PG_UNSUPPORTED_H
#define FC_STORE_PG_UNSUPPORTED_H

#include "store/store.h"

int pg_unsupported_backup(struct store *s, const char *dest_path, struct fc_err *err);
int pg_unsupported_restore(struct store *s, const char *src_path, struct fc_err *err);


#define PG_UNSUPPORTED_OPS \
    .backup = pg_unsupported_backup, \
    .restore = pg_unsupported_restore

#endif
