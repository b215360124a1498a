/*
 * store/sqlite/sqlite_internal.h: what the SQLite backend's files share. Not for callers
 * outside src/store/sqlite.
 */
#ifndef FC_STORE_SQLITE_INTERNAL_H
#define FC_STORE_SQLITE_INTERNAL_H

#include <pthread.h>
#include <sqlite3.h>

#include "store/store.h"

#define SQLITE_MAX_STMTS 128

struct sqlite_store;

/* One per thread: the connection and its cache of prepared statements. */
struct sqlite_conn {
    sqlite3 *db;
    struct sqlite_store *owner;
    struct sqlite_conn *next_all; /* every connection, for close */
    sqlite3_stmt *stmts[SQLITE_MAX_STMTS]; /* indexed by the statement's slot */
};

struct sqlite_store {
    struct store base; /* first member */
    char *path;
    pthread_key_t conn_key;
    pthread_mutex_t conns_lock; /* guards all_conns */
    struct sqlite_conn *all_conns;
};

/* The calling thread's connection, opened on first use. */
int sqlite_conn_get(struct sqlite_store *ss, struct sqlite_conn **out, struct fc_err *err);
/* Finalizes the connection's cached statements. */
void sqlite_conn_finalize(struct sqlite_conn *c);
/* Maps an SQLite result code to an fc_status and message ("what" says which operation). */
int sqlite_status(sqlite3 *db, int rc, const char *what, struct fc_err *err);
int sqlite_user_version(sqlite3 *db, int *out, struct fc_err *err);
void sqlite_txn_rollback_impl(struct store *s);

#endif
