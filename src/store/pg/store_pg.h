/*
 * store/pg/store_pg.h: the PostgreSQL backend of store.h (libpq).
 *
 * Owns one libpq connection per thread (thread-local, opened on first use and closed when
 * the thread ends or at store_close): that set of connections is the pool. Statements are
 * prepared once per connection. Transactions nest with SAVEPOINTs, as in the SQLite backend.
 * Migrations are src/store/pg/migrations/NNNN_name.sql, embedded, applied under an advisory
 * lock so several nodes starting at once apply each step once.
 * URL: postgresql://user@host:port/db[?libpq params][&fc_schema=name]. fc_schema (not a
 * libpq parameter; stripped before connecting) keeps the store in its own schema, created
 * when missing: several stores, or test cases, can share one database.
 */
#ifndef FC_STORE_PG_STORE_PG_H
#define FC_STORE_PG_STORE_PG_H

#include "store/store.h"

int store_pg_open(const char *url, struct store **out, struct fc_err *err);

#endif
