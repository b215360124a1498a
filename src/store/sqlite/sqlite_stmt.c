/*
 * store/sqlite/sqlite_stmt.c: the per-connection prepared statement cache, nested
 * transactions, error mapping and binding helpers shared by the entity files.
 */
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "store/sqlite/sqlite_internal.h"

/* One statement kept by sqlite_prep_cached: a bucket's chain, keyed by the SQL's address. */
struct sqlite_cached {
    const char *key;
    sqlite3_stmt *st;
    struct sqlite_cached *next;
};

void sqlite_conn_finalize(struct sqlite_conn *c)
{
    for (int i = 0; i < SQLITE_MAX_STMTS; i++) {
        sqlite3_finalize(c->stmts[i]);
        c->stmts[i] = NULL;
    }
    for (int b = 0; b < SQLITE_CACHED_BUCKETS; b++) {
        for (struct sqlite_cached *e = c->cached[b], *next; e != NULL; e = next) {
            next = e->next;
            sqlite3_finalize(e->st);
            free(e);
        }
        c->cached[b] = NULL;
    }
}

int sqlite_stmt(struct sqlite_conn *c, enum sqlite_slot slot, const char *sql, sqlite3_stmt **out,
                struct fc_err *err)
{
    sqlite3_stmt *st = c->stmts[slot];
    *out = NULL;
    if (st == NULL) {
        int rc = sqlite3_prepare_v3(c->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL);
        if (rc != SQLITE_OK)
            return sqlite_status(c->db, rc, "prepare statement", err);
        c->stmts[slot] = st;
    } else {
        sqlite3_reset(st);
        sqlite3_clear_bindings(st);
    }
    *out = st;
    return FC_OK;
}

/*
 * SQLite words constraint failures as "<KIND> constraint failed: <detail>" where detail is
 * "table.column[, table.column]" (NOT NULL, UNIQUE, PRIMARY KEY) or the constraint's name
 * (CHECK; ours are named after their column). Copies the first column name into field.
 */
static void constraint_field(const char *msg, char *field, size_t len)
{
    field[0] = '\0';
    const char *p = strstr(msg, "failed: ");
    if (p == NULL)
        return;
    p += 8;
    const char *dot = strchr(p, '.');
    const char *stop = p + strcspn(p, ", ");
    if (dot != NULL && dot < stop)
        p = dot + 1;
    size_t n = strcspn(p, ", ");
    if (n >= len)
        n = len - 1;
    memcpy(field, p, n);
    field[n] = '\0';
}

int sqlite_status(sqlite3 *db, int rc, const char *what, struct fc_err *err)
{
    char field[64];
    const char *msg = db ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
    switch (rc & 0xff) {
    case SQLITE_OK:
    case SQLITE_DONE:
    case SQLITE_ROW:
        return FC_OK;
    case SQLITE_CONSTRAINT:
        switch (rc) {
        case SQLITE_CONSTRAINT_UNIQUE:
        case SQLITE_CONSTRAINT_PRIMARYKEY:
            constraint_field(msg, field, sizeof(field));
            return err_set(err, FC_ECONFLICT, field, "%s: %s already exists", what,
                           field[0] ? field : "the record");
        case SQLITE_CONSTRAINT_NOTNULL:
            constraint_field(msg, field, sizeof(field));
            return err_set(err, FC_EINVAL, field, "%s: %s is required", what, field);
        case SQLITE_CONSTRAINT_CHECK:
            constraint_field(msg, field, sizeof(field));
            return err_set(err, FC_EINVAL, field, "%s: %s is not a valid value", what, field);
        case SQLITE_CONSTRAINT_FOREIGNKEY:
            return err_set(err, FC_EINVAL, "", "%s: refers to a record that does not exist", what);
        case SQLITE_CONSTRAINT_TRIGGER:
            /* our triggers RAISE with a message that names the column or table */
            return err_set(err, FC_ECONFLICT, "", "%s: %s", what, msg);
        default:
            return err_set(err, FC_EINVAL, "", "%s: %s", what, msg);
        }
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
        return err_set(err, FC_EUNAVAIL, "", "%s: database busy, try again", what);
    case SQLITE_FULL:
        return err_set(err, FC_EUNAVAIL, "", "%s: disk full", what);
    case SQLITE_READONLY:
        return err_set(err, FC_EUNAVAIL, "", "%s: database is read-only", what);
    case SQLITE_IOERR:
    case SQLITE_CANTOPEN:
    case SQLITE_PROTOCOL:
        return err_set(err, FC_EUNAVAIL, "", "%s: storage error (%s)", what, sqlite3_errstr(rc));
    case SQLITE_NOMEM:
        return err_set(err, FC_ENOMEM, "", "%s: out of memory", what);
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
        return err_set(err, FC_EUNAVAIL, "", "%s: database file is damaged (%s)", what,
                       sqlite3_errstr(rc));
    case SQLITE_TOOBIG:
        return err_set(err, FC_EINVAL, "", "%s: value too large", what);
    default:
        return err_set(err, FC_EINTERNAL, "", "%s: %s", what, msg);
    }
}

int sqlite_writer_acquire(struct sqlite_conn *c, struct fc_err *err)
{
    if (c->writer_held)
        return FC_OK;
    struct sqlite_store *ss = c->owner;
    int rc = pthread_mutex_trylock(&ss->writer_lock);
    if (rc == EBUSY) {
        struct timespec until;
        clock_gettime(CLOCK_REALTIME, &until);
        until.tv_sec += SQLITE_BUSY_TIMEOUT_MS / 1000;
        until.tv_nsec += (long)(SQLITE_BUSY_TIMEOUT_MS % 1000) * 1000000L;
        if (until.tv_nsec >= 1000000000L) {
            until.tv_sec++;
            until.tv_nsec -= 1000000000L;
        }
        rc = pthread_mutex_timedlock(&ss->writer_lock, &until);
    }
    if (rc != 0)
        return err_set(err, FC_EUNAVAIL, "", "begin transaction: database busy, try again");
    c->writer_held = true;
    return FC_OK;
}

void sqlite_writer_release(struct sqlite_conn *c)
{
    if (!c->writer_held)
        return;
    c->writer_held = false;
    pthread_mutex_unlock(&c->owner->writer_lock);
}

/* A write outside any transaction is a transaction of its own: it queues like one. */
static bool needs_writer(const struct sqlite_conn *c, sqlite3_stmt *st)
{
    return c->txn_depth == 0 && !c->writer_held && !sqlite3_stmt_readonly(st);
}

int sqlite_exec_stmt(struct sqlite_conn *c, sqlite3_stmt *st, const char *what, struct fc_err *err)
{
    bool lock = needs_writer(c, st);
    if (lock) {
        int lrc = sqlite_writer_acquire(c, err);
        if (lrc != FC_OK) {
            sqlite3_reset(st);
            return lrc;
        }
    }
    int rc = sqlite3_step(st);
    int status = rc == SQLITE_DONE || rc == SQLITE_ROW
                     ? FC_OK
                     : sqlite_status(c->db, sqlite3_extended_errcode(c->db), what, err);
    sqlite3_reset(st);
    if (lock)
        sqlite_writer_release(c);
    return status;
}

static bool row_exists(struct sqlite_conn *c, enum sqlite_slot slot, fc_id_t id)
{
    static const char *const sql[] = {
        [SLOT_EXISTS_ORG] = "SELECT 1 FROM organisation WHERE id = ?1",
        [SLOT_EXISTS_USER] = "SELECT 1 FROM app_user WHERE id = ?1",
        [SLOT_EXISTS_PERSON] = "SELECT 1 FROM person WHERE id = ?1",
        [SLOT_EXISTS_INCIDENT] = "SELECT 1 FROM incident WHERE id = ?1",
    };
    sqlite3_stmt *st = NULL;
    if (sqlite_stmt(c, slot, sql[slot], &st, NULL) != FC_OK)
        return true; /* cannot tell; do not blame this reference */
    sqlite3_bind_int64(st, 1, id);
    bool found = sqlite3_step(st) == SQLITE_ROW;
    sqlite3_reset(st);
    return found;
}

int sqlite_ref_explain(struct sqlite_conn *c, const struct sqlite_ref *refs, size_t n,
                       const char *what, struct fc_err *err)
{
    for (size_t i = 0; i < n; i++) {
        if (refs[i].id != 0 && !row_exists(c, refs[i].exists_slot, refs[i].id))
            return err_set(err, FC_EINVAL, refs[i].field, "%s: %s %lld does not exist", what,
                           refs[i].field, (long long)refs[i].id);
    }
    return err_set(err, FC_EINVAL, "", "%s: refers to a record that does not exist", what);
}

static int exec_sql(struct sqlite_conn *c, const char *sql, const char *what, struct fc_err *err)
{
    int rc = sqlite3_exec(c->db, sql, NULL, NULL, NULL);
    if (rc != SQLITE_OK)
        return sqlite_status(c->db, sqlite3_extended_errcode(c->db), what, err);
    return FC_OK;
}

int sqlite_tx_begin(struct sqlite_conn *c, struct fc_err *err)
{
    int rc;
    if (c->txn_depth == 0) {
        rc = sqlite_writer_acquire(c, err);
        if (rc != FC_OK)
            return rc;
        rc = exec_sql(c, "BEGIN IMMEDIATE", "begin transaction", err);
        if (rc != FC_OK)
            sqlite_writer_release(c);
    } else {
        char sql[48];
        snprintf(sql, sizeof(sql), "SAVEPOINT fc_%d", c->txn_depth);
        rc = exec_sql(c, sql, "begin savepoint", err);
    }
    if (rc == FC_OK)
        c->txn_depth++;
    return rc;
}

int sqlite_tx_end(struct sqlite_conn *c, int rc, struct fc_err *err)
{
    if (c->txn_depth <= 0)
        return rc;
    c->txn_depth--;
    char sql[80];
    if (c->txn_depth == 0) {
        if (rc == FC_OK)
            rc = exec_sql(c, "COMMIT", "commit", err);
        if (rc != FC_OK && !sqlite3_get_autocommit(c->db))
            sqlite3_exec(c->db, "ROLLBACK", NULL, NULL, NULL);
        sqlite_writer_release(c);
        return rc;
    }
    if (rc == FC_OK) {
        snprintf(sql, sizeof(sql), "RELEASE fc_%d", c->txn_depth);
        rc = exec_sql(c, sql, "release savepoint", err);
        if (rc == FC_OK)
            return FC_OK;
    }
    snprintf(sql, sizeof(sql), "ROLLBACK TO fc_%d; RELEASE fc_%d", c->txn_depth, c->txn_depth);
    sqlite3_exec(c->db, sql, NULL, NULL, NULL);
    return rc;
}

int sqlite_bind_text(sqlite3_stmt *st, int i, const char *v)
{
    return v ? sqlite3_bind_text(st, i, v, -1, SQLITE_STATIC) : sqlite3_bind_null(st, i);
}

int sqlite_bind_id(sqlite3_stmt *st, int i, fc_id_t v)
{
    return v ? sqlite3_bind_int64(st, i, v) : sqlite3_bind_null(st, i);
}

int sqlite_bind_double(sqlite3_stmt *st, int i, double v)
{
    return isnan(v) ? sqlite3_bind_null(st, i) : sqlite3_bind_double(st, i, v);
}

char *sqlite_col_text(sqlite3_stmt *st, int i, struct arena *a)
{
    if (sqlite3_column_type(st, i) == SQLITE_NULL)
        return NULL;
    const char *t = (const char *)sqlite3_column_text(st, i);
    return arena_strndup(a, t, (size_t)sqlite3_column_bytes(st, i));
}

fc_id_t sqlite_col_id(sqlite3_stmt *st, int i)
{
    return sqlite3_column_int64(st, i);
}

double sqlite_col_double(sqlite3_stmt *st, int i)
{
    return sqlite3_column_type(st, i) == SQLITE_NULL ? NAN : sqlite3_column_double(st, i);
}

void *sqlite_grow(struct arena *a, void *arr, size_t size, size_t n, size_t *cap)
{
    if (n < *cap)
        return arr;
    size_t ncap = *cap ? *cap * 2 : 16;
    void *na = arena_alloc(a, ncap * size);
    if (na == NULL)
        return NULL;
    if (arr)
        memcpy(na, arr, n * size);
    *cap = ncap;
    return na;
}

int sqlite_read_begin(struct sqlite_conn *c, bool *own, struct fc_err *err)
{
    *own = c->txn_depth == 0;
    if (!*own)
        return FC_OK;
    int rc = exec_sql(c, "BEGIN", "begin read", err);
    if (rc == FC_OK)
        c->txn_depth++;
    else
        *own = false;
    return rc;
}

void sqlite_read_end(struct sqlite_conn *c, bool own)
{
    if (!own)
        return;
    c->txn_depth--;
    if (!sqlite3_get_autocommit(c->db) &&
        sqlite3_exec(c->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
        sqlite3_exec(c->db, "ROLLBACK", NULL, NULL, NULL);
}

/*
 * The connection sqlite_prep_cached last handed out on this thread: sqlite_finish gets only
 * the sqlite3 handle, and finds the connection (for the writer mutex) through this.
 */
static _Thread_local struct sqlite_conn *prep_conn;
static _Thread_local sqlite3 *prep_db; /* prep_conn->db, compared without following prep_conn */

int sqlite_prep_cached(struct store *s, const char *sql, sqlite3 **db, sqlite3_stmt **st,
                       struct fc_err *err)
{
    struct sqlite_conn *c;
    *st = NULL;
    int rc = sqlite_conn_get((struct sqlite_store *)s, &c, err);
    if (rc != FC_OK)
        return rc;
    *db = c->db;
    prep_conn = c;
    prep_db = c->db;
    struct sqlite_cached **bucket = &c->cached[((uintptr_t)sql >> 4) % SQLITE_CACHED_BUCKETS];
    struct sqlite_cached *spare = NULL; /* same address, idle, but other text: rebuilt */
    for (struct sqlite_cached *e = *bucket; e != NULL; e = e->next) {
        if (e->key != sql || sqlite3_stmt_busy(e->st))
            continue;
        if (strcmp(sqlite3_sql(e->st), sql) == 0) {
            sqlite3_reset(e->st);
            sqlite3_clear_bindings(e->st);
            *st = e->st;
            return FC_OK;
        }
        spare = e;
    }
    sqlite3_stmt *fresh;
    int src = sqlite3_prepare_v3(c->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &fresh, NULL);
    if (src != SQLITE_OK)
        return sqlite_status(c->db, src, "prepare statement", err);
    if (spare == NULL) {
        spare = calloc(1, sizeof(*spare));
        if (spare == NULL) {
            sqlite3_finalize(fresh);
            return err_set(err, FC_ENOMEM, "", "out of memory preparing a statement");
        }
        spare->key = sql;
        spare->next = *bucket;
        *bucket = spare;
    } else {
        sqlite3_finalize(spare->st);
    }
    spare->st = fresh;
    *st = fresh;
    return FC_OK;
}

void sqlite_stmt_done(sqlite3_stmt *st)
{
    if (st == NULL)
        return;
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
}

int sqlite_bind_text_copy(sqlite3_stmt *st, int i, const char *v)
{
    return v ? sqlite3_bind_text(st, i, v, -1, SQLITE_TRANSIENT) : sqlite3_bind_null(st, i);
}

int sqlite_finish(sqlite3 *db, sqlite3_stmt *st, const char *what, struct fc_err *err)
{
    struct sqlite_conn *c = prep_db == db ? prep_conn : NULL;
    bool lock = c != NULL && needs_writer(c, st);
    if (lock) {
        int lrc = sqlite_writer_acquire(c, err);
        if (lrc != FC_OK) {
            sqlite_stmt_done(st);
            return lrc;
        }
    }
    int rc = sqlite3_step(st);
    int status = sqlite_status(db, rc, what, err); /* DONE and ROW map to FC_OK */
    sqlite_stmt_done(st);
    if (lock)
        sqlite_writer_release(c);
    return status;
}
