/*
 * store/sqlite/store_sqlite.c: connection handling, pragmas, migrations, transactions.
 * Entity operations live beside it in sqlite_<entity>.c and share sqlite_internal.h.
 */
#include "store/sqlite/store_sqlite.h"

#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/sqlite/sqlite_internal.h"
#include "util/assets.h"
#include "util/log.h"

#define BUSY_TIMEOUT_MS 10000

static void conn_destroy(void *p)
{
    struct sqlite_conn *c = p;
    if (c == NULL)
        return;
    sqlite_conn_finalize(c);
    sqlite3_close_v2(c->db);
    free(c);
}

static int conn_open(struct sqlite_store *ss, struct sqlite_conn **out, struct fc_err *err)
{
    struct sqlite_conn *c = calloc(1, sizeof(*c));
    if (c == NULL)
        return err_set(err, FC_ENOMEM, "", "out of memory opening the database");
    int rc = sqlite3_open_v2(ss->path, &c->db,
                             SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                             NULL);
    if (rc != SQLITE_OK) {
        err_set(err, FC_EUNAVAIL, "store", "cannot open database: %s", sqlite3_errstr(rc));
        sqlite3_close_v2(c->db);
        free(c);
        return FC_EUNAVAIL;
    }
    sqlite3_busy_timeout(c->db, BUSY_TIMEOUT_MS);
    static const char *pragmas = "PRAGMA journal_mode=WAL;"
                                 "PRAGMA synchronous=FULL;"
                                 "PRAGMA foreign_keys=ON;"
                                 "PRAGMA temp_store=MEMORY;";
    rc = sqlite3_exec(c->db, pragmas, NULL, NULL, NULL);
    if (rc != SQLITE_OK) {
        err_set(err, FC_EUNAVAIL, "store", "cannot configure database: %s",
                sqlite3_errmsg(c->db));
        sqlite3_close_v2(c->db);
        free(c);
        return FC_EUNAVAIL;
    }
    c->owner = ss;
    *out = c;
    return FC_OK;
}

int sqlite_conn_get(struct sqlite_store *ss, struct sqlite_conn **out, struct fc_err *err)
{
    struct sqlite_conn *c = pthread_getspecific(ss->conn_key);
    if (c == NULL) {
        int rc = conn_open(ss, &c, err);
        if (rc != FC_OK)
            return rc;
        pthread_setspecific(ss->conn_key, c);
        pthread_mutex_lock(&ss->conns_lock);
        c->next_all = ss->all_conns;
        ss->all_conns = c;
        pthread_mutex_unlock(&ss->conns_lock);
    }
    *out = c;
    return FC_OK;
}

int sqlite_status(sqlite3 *db, int rc, const char *what, struct fc_err *err)
{
    int primary = rc & 0xff;
    switch (primary) {
    case SQLITE_OK:
    case SQLITE_DONE:
    case SQLITE_ROW:
        return FC_OK;
    case SQLITE_CONSTRAINT:
        if (rc == SQLITE_CONSTRAINT_UNIQUE || rc == SQLITE_CONSTRAINT_PRIMARYKEY)
            return err_set(err, FC_ECONFLICT, "", "%s: already exists", what);
        return err_set(err, FC_EINVAL, "", "%s: %s", what, sqlite3_errmsg(db));
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
        return err_set(err, FC_EUNAVAIL, "", "%s: database busy, try again", what);
    case SQLITE_FULL:
        return err_set(err, FC_EUNAVAIL, "", "%s: disk full", what);
    case SQLITE_READONLY:
        return err_set(err, FC_EUNAVAIL, "", "%s: database is read-only", what);
    case SQLITE_IOERR:
    case SQLITE_CANTOPEN:
        return err_set(err, FC_EUNAVAIL, "", "%s: storage error (%s)", what, sqlite3_errstr(rc));
    default:
        return err_set(err, FC_EINTERNAL, "", "%s: %s", what, sqlite3_errmsg(db));
    }
}

/* Applies every embedded migration newer than user_version, each in its own transaction. */
static int sqlite_migrate(struct store *s, int *out_version, struct fc_err *err)
{
    struct sqlite_store *ss = (struct sqlite_store *)s;
    struct sqlite_conn *c;
    int rc = sqlite_conn_get(ss, &c, err);
    if (rc != FC_OK)
        return rc;
    int version = 0;
    rc = sqlite_user_version(c->db, &version, err);
    if (rc != FC_OK)
        return rc;
    const char *prefix = "src/store/sqlite/migrations/";
    size_t plen = strlen(prefix);
    for (int next = version + 1;; next++) {
        const struct asset *found = NULL;
        for (const struct asset *a = fc_assets; a->path; a++) {
            if (strncmp(a->path, prefix, plen) == 0 && atoi(a->path + plen) == next) {
                found = a;
                break;
            }
        }
        if (found == NULL)
            break;
        char *sql;
        if (asprintf(&sql, "BEGIN IMMEDIATE;%s\n;PRAGMA user_version=%d;COMMIT;",
                     (const char *)found->start, next) < 0)
            return err_set(err, FC_ENOMEM, "", "out of memory migrating");
        char *msg = NULL;
        int src = sqlite3_exec(c->db, sql, NULL, NULL, &msg);
        free(sql);
        if (src != SQLITE_OK) {
            err_set(err, FC_EINTERNAL, "store", "migration %d failed: %s", next,
                    msg ? msg : sqlite3_errstr(src));
            sqlite3_free(msg);
            sqlite3_exec(c->db, "ROLLBACK", NULL, NULL, NULL);
            return FC_EINTERNAL;
        }
        log_emit(LOG_INFO, "store.migrate", "backend=sqlite version=%d", next);
        version = next;
    }
    if (out_version)
        *out_version = version;
    return FC_OK;
}

int sqlite_user_version(sqlite3 *db, int *out, struct fc_err *err)
{
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &st, NULL);
    if (rc == SQLITE_OK)
        rc = sqlite3_step(st);
    *out = rc == SQLITE_ROW ? sqlite3_column_int(st, 0) : 0;
    sqlite3_finalize(st);
    return rc == SQLITE_ROW ? FC_OK : sqlite_status(db, rc, "read schema version", err);
}

static int sqlite_schema_version(struct store *s, int *out, struct fc_err *err)
{
    struct sqlite_conn *c;
    int rc = sqlite_conn_get((struct sqlite_store *)s, &c, err);
    if (rc != FC_OK)
        return rc;
    return sqlite_user_version(c->db, out, err);
}

static int txn_exec(struct store *s, const char *sql, struct fc_err *err)
{
    struct sqlite_conn *c;
    int rc = sqlite_conn_get((struct sqlite_store *)s, &c, err);
    if (rc != FC_OK)
        return rc;
    rc = sqlite3_exec(c->db, sql, NULL, NULL, NULL);
    return sqlite_status(c->db, rc, sql, err);
}

static int sqlite_txn_begin(struct store *s, struct fc_err *err)
{
    return txn_exec(s, "BEGIN IMMEDIATE", err);
}

static int sqlite_txn_commit(struct store *s, struct fc_err *err)
{
    int rc = txn_exec(s, "COMMIT", err);
    if (rc != FC_OK)
        sqlite_txn_rollback_impl(s);
    return rc;
}

void sqlite_txn_rollback_impl(struct store *s)
{
    struct sqlite_conn *c;
    if (sqlite_conn_get((struct sqlite_store *)s, &c, NULL) != FC_OK)
        return;
    if (!sqlite3_get_autocommit(c->db))
        sqlite3_exec(c->db, "ROLLBACK", NULL, NULL, NULL);
}

static void sqlite_close(struct store *s)
{
    struct sqlite_store *ss = (struct sqlite_store *)s;
    struct sqlite_conn *c = ss->all_conns;
    while (c != NULL) {
        struct sqlite_conn *next = c->next_all;
        conn_destroy(c);
        c = next;
    }
    pthread_key_delete(ss->conn_key);
    pthread_mutex_destroy(&ss->conns_lock);
    free(ss->path);
    free(ss);
}

static void sqlite_txn_rollback(struct store *s)
{
    sqlite_txn_rollback_impl(s);
}

/* Entity operations are defined in sqlite_<entity>.c and declared in sqlite_internal.h. */
static const struct store_ops sqlite_ops = {
    .name = "sqlite",
    .migrate = sqlite_migrate,
    .schema_version = sqlite_schema_version,
    .close = sqlite_close,
    .txn_begin = sqlite_txn_begin,
    .txn_commit = sqlite_txn_commit,
    .txn_rollback = sqlite_txn_rollback,
};

int store_sqlite_open(const char *path, struct store **out, struct fc_err *err)
{
    struct sqlite_store *ss = calloc(1, sizeof(*ss));
    if (ss == NULL)
        return err_set(err, FC_ENOMEM, "", "out of memory");
    ss->path = strdup(path);
    /* connections are closed by sqlite_close, not at thread exit, so the list stays valid */
    pthread_key_create(&ss->conn_key, NULL);
    pthread_mutex_init(&ss->conns_lock, NULL);
    ss->base.ops = &sqlite_ops;
    struct sqlite_conn *c;
    int rc = sqlite_conn_get(ss, &c, err);
    if (rc != FC_OK) {
        sqlite_close(&ss->base);
        return rc;
    }
    *out = &ss->base;
    return FC_OK;
}
