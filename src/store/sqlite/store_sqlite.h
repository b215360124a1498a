/*
 * store/sqlite/store_sqlite.h: the embedded SQLite backend of the store interface.
 *
 * WAL journal, synchronous=FULL, foreign keys on, a busy timeout, prepared statements
 * only. Each thread gets its own connection (thread-local, opened on first use); writes
 * serialise on SQLite's single writer lock. Migrations are the embedded files
 * src/store/sqlite/migrations/NNNN_name.sql, applied in order, each in one transaction.
 */
#ifndef FC_STORE_SQLITE_H
#define FC_STORE_SQLITE_H

#include "store/store.h"

/* Opens (creating if needed) the database file at path. Does not migrate. */
int store_sqlite_open(const char *path, struct store **out, struct fc_err *err);

/*
 * Applies the embedded migrations up to and including `target` (0: all). For tests that
 * upgrade from each earlier version; the store op `migrate` is the normal way in.
 */
int store_sqlite_migrate_to(struct store *s, int target, int *out_version, struct fc_err *err);

#endif
