/*
 * store/pg/store_pg.c: connections, parameters, error mapping, migrations and
 * transactions for the PostgreSQL backend. Entity operations live in pg_<entity>.c; the
 * operations not written for PostgreSQL yet are in pg_unsupported.c.
 */
#include "store/pg/store_pg.h"

#include <inttypes.h>
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "store/pg/pg_cases.h"
#include "store/pg/pg_intake.h"
#include "store/pg/pg_internal.h"
#include "store/pg/pg_open311.h"
#include "store/pg/pg_security.h"
#include "store/pg/pg_unsupported.h"
#include "util/assets.h"
#include "util/log.h"

/* ---- parameters and columns ---- */

void pg_param_text(struct pg_params *p, const char *s)
{
    p->v[p->n++] = s;
}

void pg_param_int(struct pg_params *p, int64_t v)
{
    snprintf(p->buf[p->n], sizeof(p->buf[0]), "%" PRId64, v);
    p->v[p->n] = p->buf[p->n];
    p->n++;
}

void pg_param_id(struct pg_params *p, fc_id_t id)
{
    if (id == 0)
        p->v[p->n++] = NULL;
    else
        pg_param_int(p, id);
}

void pg_param_double(struct pg_params *p, double v)
{
    if (isnan(v)) {
        p->v[p->n++] = NULL;
        return;
    }
    snprintf(p->buf[p->n], sizeof(p->buf[0]), "%.17g", v);
    p->v[p->n] = p->buf[p->n];
    p->n++;
}

void pg_param_bytea(struct pg_params *p, const unsigned char *b, size_t n)
{
    static const char hex[] = "0123456789abcdef";
    char *o = p->buf[p->n];
    *o++ = '\\';
    *o++ = 'x';
    for (size_t i = 0; i < n && i < 32; i++) {
        *o++ = hex[b[i] >> 4];
        *o++ = hex[b[i] & 15];
    }
    *o = '\0';
    p->v[p->n] = p->buf[p->n];
    p->n++;
}

char *pg_col_text(const PGresult *r, int row, int col, struct arena *a)
{
    if (PQgetisnull(r, row, col))
        return NULL;
    return arena_strdup(a, PQgetvalue(r, row, col));
}

int64_t pg_col_int(const PGresult *r, int row, int col)
{
    if (PQgetisnull(r, row, col))
        return 0;
    return strtoll(PQgetvalue(r, row, col), NULL, 10);
}

bool pg_col_null(const PGresult *r, int row, int col)
{
    return PQgetisnull(r, row, col) != 0;
}

double pg_col_double(const PGresult *r, int row, int col)
{
    if (PQgetisnull(r, row, col))
        return NAN;
    return strtod(PQgetvalue(r, row, col), NULL);
}

void *pg_grow(struct arena *a, void *arr, size_t elem, size_t n, size_t *cap)
{
    if (n < *cap)
        return arr;
    size_t ncap = *cap ? *cap * 2 : 8;
    void *p = arena_alloc(a, ncap * elem);
    if (p == NULL)
        return NULL;
    if (arr != NULL && n > 0)
        memcpy(p, arr, n * elem);
    *cap = ncap;
    return p;
}

/* ---- errors ---- */

/* Copies the first "(col" of a detail like "Key (name)=(...) already exists." into field. */
static void detail_column(const char *detail, char *field, size_t len)
{
    field[0] = '\0';
    const char *p = detail ? strstr(detail, "Key (") : NULL;
    if (p == NULL)
        return;
    p += 5;
    size_t n = strcspn(p, ",)");
    if (n >= len)
        n = len - 1;
    memcpy(field, p, n);
    field[n] = '\0';
}

static void copy_field(const char *src, char *field, size_t len)
{
    snprintf(field, len, "%s", src ? src : "");
}

int pg_status(struct pg_conn *c, const PGresult *r, const char *what, struct fc_err *err)
{
    char field[64];
    if (c->db == NULL || PQstatus(c->db) != CONNECTION_OK)
        return err_set(err, FC_EUNAVAIL, "store", "%s: database connection lost", what);
    if (r == NULL)
        return err_set(err, FC_EUNAVAIL, "store", "%s: no answer from the database", what);
    ExecStatusType es = PQresultStatus(r);
    if (es == PGRES_COMMAND_OK || es == PGRES_TUPLES_OK)
        return FC_OK;
    const char *state = PQresultErrorField(r, PG_DIAG_SQLSTATE);
    const char *msg = PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY);
    if (state == NULL)
        return err_set(err, FC_EUNAVAIL, "store", "%s: database error", what);
    if (strcmp(state, "23505") == 0) { /* unique_violation */
        detail_column(PQresultErrorField(r, PG_DIAG_MESSAGE_DETAIL), field, sizeof(field));
        return err_set(err, FC_ECONFLICT, field, "%s: %s already exists", what,
                       field[0] ? field : "the record");
    }
    if (strcmp(state, "23502") == 0) { /* not_null_violation */
        copy_field(PQresultErrorField(r, PG_DIAG_COLUMN_NAME), field, sizeof(field));
        return err_set(err, FC_EINVAL, field, "%s: %s is required", what, field);
    }
    if (strcmp(state, "23514") == 0) { /* check_violation: constraints are named by column */
        copy_field(PQresultErrorField(r, PG_DIAG_CONSTRAINT_NAME), field, sizeof(field));
        return err_set(err, FC_EINVAL, field, "%s: %s is not a valid value", what, field);
    }
    if (strcmp(state, "23503") == 0) { /* foreign_key_violation */
        detail_column(PQresultErrorField(r, PG_DIAG_MESSAGE_DETAIL), field, sizeof(field));
        return err_set(err, FC_EINVAL, field, "%s: %s refers to a record that does not exist",
                       what, field[0] ? field : "a reference");
    }
    if (strncmp(state, "23", 2) == 0)
        return err_set(err, FC_EINVAL, "", "%s: %s", what, msg ? msg : "constraint violated");
    if (strcmp(state, "P0001") == 0) /* our triggers RAISE naming the column or table */
        return err_set(err, FC_ECONFLICT, "", "%s: %s", what, msg ? msg : "refused");
    if (strcmp(state, "22P02") == 0 || strcmp(state, "22007") == 0 ||
        strcmp(state, "22008") == 0 || strcmp(state, "22003") == 0)
        return err_set(err, FC_EINVAL, "", "%s: a value is not valid (%s)", what, state);
    if (strcmp(state, "40001") == 0 || strcmp(state, "40P01") == 0 ||
        strcmp(state, "55P03") == 0 || strncmp(state, "08", 2) == 0 ||
        strncmp(state, "53", 2) == 0 || strncmp(state, "57", 2) == 0 ||
        strcmp(state, "25006") == 0)
        return err_set(err, FC_EUNAVAIL, "", "%s: database busy or unavailable (%s)", what,
                       state);
    return err_set(err, FC_EINTERNAL, "", "%s: database error %s", what, state);
}

/* ---- connections ---- */

static void conn_destroy(struct pg_conn *c)
{
    if (c == NULL)
        return;
    PQfinish(c->db);
    free(c);
}

static void conn_release(void *p)
{
    struct pg_conn *c = p;
    if (c == NULL)
        return;
    struct pg_store *ps = c->owner;
    pthread_mutex_lock(&ps->conns_lock);
    for (struct pg_conn **pp = &ps->all_conns; *pp != NULL; pp = &(*pp)->next_all) {
        if (*pp == c) {
            *pp = c->next_all;
            break;
        }
    }
    pthread_mutex_unlock(&ps->conns_lock);
    conn_destroy(c);
}

static void notice_quiet(void *arg, const char *message)
{
    (void)arg;
    (void)message; /* "schema already exists, skipping" and the like */
}

/* Session settings every connection needs, again after a reconnect. */
static int conn_setup(struct pg_conn *c, struct fc_err *err)
{
    struct pg_store *ps = c->owner;
    PQsetNoticeProcessor(c->db, notice_quiet, NULL);
    int rc = pg_exec_simple(c, "SET client_encoding = 'UTF8'; SET TIME ZONE 'UTC'", "connect",
                            err);
    if (rc == FC_OK && ps->schema != NULL) {
        char *q = PQescapeIdentifier(c->db, ps->schema, strlen(ps->schema));
        char sql[256];
        if (q == NULL) {
            rc = err_set(err, FC_EINVAL, "fc_schema", "schema name is not valid");
        } else {
            snprintf(sql, sizeof(sql), "CREATE SCHEMA IF NOT EXISTS %s; SET search_path TO %s",
                     q, q);
            PQfreemem(q);
            rc = pg_exec_simple(c, sql, "schema", err);
        }
    }
    return rc;
}

static int conn_open(struct pg_store *ps, struct pg_conn **out, struct fc_err *err)
{
    struct pg_conn *c = calloc(1, sizeof(*c));
    if (c == NULL)
        return err_set(err, FC_ENOMEM, "", "out of memory opening the database");
    c->owner = ps;
    c->db = PQconnectdb(ps->conninfo);
    if (c->db == NULL || PQstatus(c->db) != CONNECTION_OK) {
        /* libpq's message may name host and user, never personal data; keep the first line */
        const char *m = c->db ? PQerrorMessage(c->db) : "out of memory";
        int n = (int)strcspn(m, "\n");
        err_set(err, FC_EUNAVAIL, "store", "cannot connect to PostgreSQL: %.*s", n, m);
        conn_destroy(c);
        return FC_EUNAVAIL;
    }
    int rc = conn_setup(c, err);
    if (rc != FC_OK) {
        conn_destroy(c);
        return rc;
    }
    *out = c;
    return FC_OK;
}

/*
 * Re-opens a dropped connection (only outside a transaction: nothing is lost) and applies
 * the session settings again. Prepared statements and LISTEN are gone with the old session.
 */
int pg_conn_reset(struct pg_conn *c, struct fc_err *err)
{
    PQreset(c->db);
    memset(c->prepared, 0, sizeof(c->prepared));
    c->listening = false;
    if (PQstatus(c->db) != CONNECTION_OK)
        return err_set(err, FC_EUNAVAIL, "store", "database connection lost");
    return conn_setup(c, err);
}

int pg_conn_of(struct store *s, struct pg_conn **out, struct fc_err *err)
{
    struct pg_store *ps = (struct pg_store *)s;
    struct pg_conn *c = pthread_getspecific(ps->conn_key);
    if (c != NULL && PQstatus(c->db) != CONNECTION_OK && c->txn_depth == 0)
        pg_conn_reset(c, NULL); /* a dropped connection outside a transaction: reconnect */
    if (c == NULL) {
        int rc = conn_open(ps, &c, err);
        if (rc != FC_OK)
            return rc;
        pthread_setspecific(ps->conn_key, c);
        pthread_mutex_lock(&ps->conns_lock);
        c->next_all = ps->all_conns;
        ps->all_conns = c;
        pthread_mutex_unlock(&ps->conns_lock);
    }
    *out = c;
    return FC_OK;
}

int pg_exec_simple(struct pg_conn *c, const char *sql, const char *what, struct fc_err *err)
{
    PGresult *r = PQexec(c->db, sql);
    int rc = pg_status(c, r, what, err);
    PQclear(r);
    return rc;
}

static int exec_prepared(struct pg_conn *c, enum pg_slot slot, const char *sql,
                         const struct pg_params *p, const char *what, PGresult **res,
                         bool may_retry, struct fc_err *err)
{
    char name[16];
    snprintf(name, sizeof(name), "fc%d", (int)slot);
    *res = NULL;
    PGresult *r = NULL;
    if (!c->prepared[slot]) {
        r = PQprepare(c->db, name, sql, 0, NULL);
        if (PQresultStatus(r) == PGRES_COMMAND_OK) {
            c->prepared[slot] = true;
            PQclear(r);
            r = NULL;
        }
    }
    if (c->prepared[slot])
        r = PQexecPrepared(c->db, name, p ? p->n : 0, p ? p->v : NULL, NULL, NULL, 0);
    if (may_retry && PQstatus(c->db) == CONNECTION_BAD && c->txn_depth == 0) {
        /* the server dropped the connection (restart, failover, terminated backend) while
         * no transaction was open, so nothing is lost: reconnect and run it once more */
        PQclear(r);
        int rc = pg_conn_reset(c, err);
        return rc == FC_OK ? exec_prepared(c, slot, sql, p, what, res, false, err) : rc;
    }
    int rc = pg_status(c, r, what, err);
    if (rc != FC_OK) {
        PQclear(r);
        return rc;
    }
    *res = r;
    return FC_OK;
}

int pg_exec(struct pg_conn *c, enum pg_slot slot, const char *sql, const struct pg_params *p,
            const char *what, PGresult **res, struct fc_err *err)
{
    return exec_prepared(c, slot, sql, p, what, res, true, err);
}

int pg_seq_bump(struct pg_conn *c, const char *table, fc_id_t id, struct fc_err *err)
{
    char sql[200], idbuf[24];
    const char *v[1] = { idbuf };
    snprintf(idbuf, sizeof(idbuf), "%lld", (long long)id);
    snprintf(sql, sizeof(sql),
             "SELECT setval(pg_get_serial_sequence('%s', 'id'), greatest($1::bigint, "
             "(SELECT last_value FROM %s_id_seq)))",
             table, table);
    PGresult *r = PQexecParams(c->db, sql, 1, NULL, v, NULL, NULL, 0);
    int rc = pg_status(c, r, table, err);
    PQclear(r);
    return rc;
}

int pg_read_begin(struct pg_conn *c, bool *own, struct fc_err *err)
{
    *own = c->txn_depth == 0;
    if (!*own)
        return FC_OK;
    int rc = pg_exec_simple(c, "BEGIN ISOLATION LEVEL REPEATABLE READ", "begin read", err);
    if (rc == FC_OK)
        c->txn_depth++;
    else
        *own = false;
    return rc;
}

void pg_read_end(struct pg_conn *c, bool own)
{
    if (!own)
        return;
    pg_tx_end(c, FC_OK, NULL);
}

/* ---- transactions ---- */

int pg_tx_begin(struct pg_conn *c, struct fc_err *err)
{
    char sql[48];
    if (c->txn_depth == 0)
        snprintf(sql, sizeof(sql), "BEGIN");
    else
        snprintf(sql, sizeof(sql), "SAVEPOINT fc_sp%d", c->txn_depth);
    int rc = pg_exec_simple(c, sql, "begin", err);
    if (rc == FC_OK)
        c->txn_depth++;
    return rc;
}

int pg_tx_end(struct pg_conn *c, int status, struct fc_err *err)
{
    char sql[96];
    if (c->txn_depth == 0)
        return status;
    c->txn_depth--;
    int depth = c->txn_depth;
    if (status == FC_OK) {
        if (depth == 0)
            snprintf(sql, sizeof(sql), "COMMIT");
        else
            snprintf(sql, sizeof(sql), "RELEASE SAVEPOINT fc_sp%d", depth);
        PGresult *r = PQexec(c->db, sql);
        int rc = pg_status(c, r, "commit", err);
        /* COMMIT of a failed transaction answers ROLLBACK without an error */
        if (rc == FC_OK && depth == 0 && strcmp(PQcmdStatus(r), "ROLLBACK") == 0)
            rc = err_set(err, FC_EINTERNAL, "", "commit: the transaction had failed");
        PQclear(r);
        if (rc == FC_OK)
            return FC_OK;
        status = rc;
    }
    if (depth == 0)
        snprintf(sql, sizeof(sql), "ROLLBACK");
    else
        snprintf(sql, sizeof(sql), "ROLLBACK TO SAVEPOINT fc_sp%d; RELEASE SAVEPOINT fc_sp%d",
                 depth, depth);
    PGresult *r = PQexec(c->db, sql);
    PQclear(r);
    return status;
}

static int pg_txn_begin(struct store *s, struct fc_err *err)
{
    struct pg_conn *c;
    int rc = pg_conn_of(s, &c, err);
    return rc == FC_OK ? pg_tx_begin(c, err) : rc;
}

static int pg_txn_commit(struct store *s, struct fc_err *err)
{
    struct pg_conn *c;
    int rc = pg_conn_of(s, &c, err);
    if (rc != FC_OK)
        return rc;
    if (c->txn_depth == 0)
        return err_set(err, FC_EINTERNAL, "", "commit without a transaction");
    return pg_tx_end(c, FC_OK, err);
}

static void pg_txn_rollback(struct store *s)
{
    struct pg_conn *c;
    if (pg_conn_of(s, &c, NULL) != FC_OK || c->txn_depth == 0)
        return;
    pg_tx_end(c, FC_EINTERNAL, NULL);
}

/* ---- migrations ---- */

#define MIGRATIONS_PREFIX "src/store/pg/migrations/"
#define MIGRATE_LOCK_KEY "7468323601" /* advisory lock id for migrations */

static const struct asset *migration_find(int version)
{
    size_t plen = strlen(MIGRATIONS_PREFIX);
    for (const struct asset *a = fc_assets; a->path; a++) {
        if (strncmp(a->path, MIGRATIONS_PREFIX, plen) == 0 && atoi(a->path + plen) == version)
            return a;
    }
    return NULL;
}

static int latest_version(void)
{
    size_t plen = strlen(MIGRATIONS_PREFIX);
    int latest = 0;
    for (const struct asset *a = fc_assets; a->path; a++) {
        if (strncmp(a->path, MIGRATIONS_PREFIX, plen) == 0 && atoi(a->path + plen) > latest)
            latest = atoi(a->path + plen);
    }
    return latest;
}

/*
 * The lowest embedded migration not yet applied, 0 when all are. Numbers are assigned per
 * module and may leave gaps (a later module can land before an earlier one): each step is
 * recorded in schema_version on its own, so a step that arrives after a higher one is
 * still applied.
 */
static int next_pending(struct pg_conn *c, int *out, struct fc_err *err)
{
    *out = 0;
    PGresult *r = PQexec(c->db, "SELECT version FROM schema_version");
    int rc = pg_status(c, r, "read schema version", err);
    if (rc != FC_OK) {
        PQclear(r);
        return rc;
    }
    int n = PQntuples(r);
    for (int v = 1; v <= latest_version() && *out == 0; v++) {
        if (migration_find(v) == NULL)
            continue;
        bool applied = false;
        for (int i = 0; i < n && !applied; i++)
            applied = pg_col_int(r, i, 0) == v;
        if (!applied)
            *out = v;
    }
    PQclear(r);
    return FC_OK;
}

static int read_version(struct pg_conn *c, int *out, struct fc_err *err)
{
    *out = 0;
    PGresult *r = PQexec(c->db, "SELECT coalesce(max(version), 0) FROM schema_version");
    if (PQresultStatus(r) == PGRES_TUPLES_OK) {
        *out = (int)pg_col_int(r, 0, 0);
        PQclear(r);
        return FC_OK;
    }
    const char *state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL;
    int rc = state && strcmp(state, "42P01") == 0 ? FC_OK /* no table yet: version 0 */
                                                  : pg_status(c, r, "read schema version", err);
    PQclear(r);
    return rc;
}

static int pg_migrate(struct store *s, int *out_version, struct fc_err *err)
{
    struct pg_conn *c;
    int rc = pg_conn_of(s, &c, err);
    if (rc != FC_OK)
        return rc;
    if (c->txn_depth != 0)
        return err_set(err, FC_EINTERNAL, "", "migrate called inside a transaction");
    int version = 0, next = 0;
    /* one transaction per step, each under the advisory lock (released at commit) */
    for (;;) {
        rc = pg_exec_simple(c, "BEGIN; SELECT pg_advisory_xact_lock(" MIGRATE_LOCK_KEY ")",
                            "migrate", err);
        if (rc == FC_OK)
            rc = pg_exec_simple(c,
                                "CREATE TABLE IF NOT EXISTS schema_version (version integer "
                                "PRIMARY KEY, applied_at bigint NOT NULL)",
                                "migrate", err);
        if (rc == FC_OK)
            rc = read_version(c, &version, err);
        if (rc == FC_OK && version > latest_version())
            rc = err_set(err, FC_EUNAVAIL, "store",
                         "database schema %d is newer than this program (%d)", version,
                         latest_version());
        if (rc == FC_OK)
            rc = next_pending(c, &next, err);
        const struct asset *m = rc == FC_OK && next > 0 ? migration_find(next) : NULL;
        if (rc != FC_OK || m == NULL) {
            pg_exec_simple(c, rc == FC_OK ? "COMMIT" : "ROLLBACK", "migrate", NULL);
            break;
        }
        {
            PGresult *r = PQexec(c->db, (const char *)m->start); /* *end is a NUL */
            if (PQresultStatus(r) != PGRES_COMMAND_OK && PQresultStatus(r) != PGRES_TUPLES_OK) {
                const char *msg = r ? PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY) : NULL;
                rc = err_set(err, FC_EINTERNAL, "store", "migration %d failed: %s", next,
                             msg ? msg : "no answer");
            }
            PQclear(r);
        }
        if (rc == FC_OK) {
            char ins[160];
            snprintf(ins, sizeof(ins),
                     "INSERT INTO schema_version (version, applied_at) VALUES (%d, "
                     "extract(epoch FROM now())::bigint); COMMIT",
                     next);
            rc = pg_exec_simple(c, ins, "migrate", err);
        }
        if (rc != FC_OK) {
            pg_exec_simple(c, "ROLLBACK", "migrate", NULL);
            break;
        }
        log_emit(LOG_INFO, "store.migrate", "backend=pg version=%d", next);
    }
    if (rc == FC_OK && out_version)
        *out_version = version;
    return rc;
}

static int pg_schema_version(struct store *s, int *out, struct fc_err *err)
{
    struct pg_conn *c;
    int rc = pg_conn_of(s, &c, err);
    return rc == FC_OK ? read_version(c, out, err) : rc;
}

static int pg_check(struct store *s, struct fc_err *err)
{
    struct pg_conn *c;
    int rc = pg_conn_of(s, &c, err);
    int version = 0;
    if (rc == FC_OK)
        rc = read_version(c, &version, err);
    int pending = 0;
    if (rc == FC_OK && version > 0)
        rc = next_pending(c, &pending, err);
    if (rc == FC_OK && (version == 0 || version > latest_version() || pending != 0))
        rc = err_set(err, FC_EUNAVAIL, "store", "schema version %d, this program needs %d",
                     version, latest_version());
    return rc;
}

static void pg_close(struct store *s)
{
    struct pg_store *ps = (struct pg_store *)s;
    struct pg_conn *c = ps->all_conns;
    while (c != NULL) {
        struct pg_conn *next = c->next_all;
        conn_destroy(c);
        c = next;
    }
    pthread_setspecific(ps->conn_key, NULL);
    pthread_key_delete(ps->conn_key);
    pthread_mutex_destroy(&ps->conns_lock);
    free(ps->conninfo);
    free(ps->schema);
    free(ps);
}

static const struct store_ops pg_ops = {
    .name = "pg",
    .migrate = pg_migrate,
    .schema_version = pg_schema_version,
    .check = pg_check,
    .close = pg_close,
    .txn_begin = pg_txn_begin,
    .txn_commit = pg_txn_commit,
    .txn_rollback = pg_txn_rollback,
    .org_insert = pg_org_insert,
    .org_get = pg_org_get,
    .org_get_by_name = pg_org_get_by_name,
    .org_list = pg_org_list,
    .user_insert = pg_user_insert,
    .user_get = pg_user_get,
    .user_get_by_name = pg_user_get_by_name,
    .user_update = pg_user_update,
    .user_list = pg_user_list,
    .session_insert = pg_session_insert,
    .session_get = pg_session_get,
    .session_touch = pg_session_touch,
    .session_delete = pg_session_delete,
    .session_purge = pg_session_purge,
    .person_insert = pg_person_insert,
    .person_add_identifiers = pg_person_add_identifiers,
    .person_get = pg_person_get,
    .person_search = pg_person_search,
    .person_scan = pg_person_scan,
    .person_scan_all = pg_person_scan_all,
    .person_set_merged = pg_person_set_merged,
    .contact_insert = pg_contact_insert,
    .contact_get = pg_contact_get,
    .contact_search = pg_contact_search,
    .contact_count = pg_contact_count,
    .contact_set_incident = pg_contact_set_incident,
    .contact_set_caller = pg_contact_set_caller,
    .contact_scan = pg_contact_scan,
    .audit_append = pg_audit_append,
    .audit_append_batch = pg_audit_append_batch,
    .audit_list = pg_audit_list,
    .audit_verify = pg_audit_verify,
    .incident_insert = pg_incident_insert,
    .incident_update = pg_incident_update,
    .incident_get = pg_incident_get,
    .incident_search = pg_incident_search,
    .flag_insert = pg_flag_insert,
    .flag_get = pg_flag_get,
    .flag_update = pg_flag_update,
    .flag_list_for_person = pg_flag_list_for_person,
    .flag_scan = pg_flag_scan,
    /* partnership cases (pg_cases.c) */
    PG_CASES_OPS,
    /* reports, surveys and police.uk (pg_reports.c) */
    .policeuk_upsert = pg_policeuk_upsert,
    .policeuk_upsert_many = pg_policeuk_upsert_many,
    .policeuk_counts = pg_policeuk_counts,
    .report_incident_counts = pg_report_incident_counts,
    .report_contact_counts = pg_report_contact_counts,
    .report_first_contact = pg_report_first_contact,
    .report_tasks = pg_report_tasks,
    .report_triggers = pg_report_triggers,
    .report_satisfaction = pg_report_satisfaction,
    .report_survey_rates = pg_report_survey_rates,
    .survey_get = pg_survey_get,
    .survey_set_status = pg_survey_set_status,
    .survey_person_recent = pg_survey_person_recent,
    .survey_token_insert = pg_survey_token_insert,
    .survey_token_use = pg_survey_token_use,
    .survey_token_peek = pg_survey_token_peek,
    .survey_response_insert = pg_survey_response_insert,
    /* whole-store copy (pg_copy.c) */
    .table_list = pg_table_list,
    .rows_each = pg_rows_each,
    .rows_count = pg_rows_count,
    .rows_put = pg_rows_put,
    .row_set = pg_row_set,
    .ids_reset = pg_ids_reset,
    /* call handling: pg_intake.c */
    PG_INTAKE_OPS,
    /* Open311 (pg_open311.c) */
    PG_OPEN311_OPS,
    /* security and data protection (pg_security.c) */
    PG_SECURITY_OPS,
    /* several nodes (pg_nodes.c) */
    .changes_head = pg_changes_head,
    .changes_since = pg_changes_since,
    .changes_wait = pg_changes_wait,
    .changes_purge = pg_changes_purge,
    .job_try_begin = pg_job_try_begin,
    .job_end = pg_job_end,
    .login_failure_add = pg_login_failure_add,
    .login_failure_get = pg_login_failure_get,
    .login_failure_clear = pg_login_failure_clear,
    /* not written for PostgreSQL yet: each answers FC_EINTERNAL saying so */
    PG_UNSUPPORTED_OPS,
};

/*
 * Splits off our own fc_schema parameter (libpq would refuse it); the rest of the URL is
 * passed to libpq unchanged.
 */
static int url_split(const char *url, char **conninfo, char **schema, struct fc_err *err)
{
    *schema = NULL;
    *conninfo = strdup(url);
    if (*conninfo == NULL)
        return err_set(err, FC_ENOMEM, "", "out of memory");
    char *q = strchr(*conninfo, '?');
    if (q == NULL)
        return FC_OK;
    char *p = q + 1;
    while (*p) {
        size_t n = strcspn(p, "&");
        if (strncmp(p, "fc_schema=", 10) == 0) {
            free(*schema);
            *schema = strndup(p + 10, n - 10);
            if (*schema == NULL || (*schema)[0] == '\0' || strlen(*schema) > 63)
                return err_set(err, FC_EINVAL, "fc_schema", "schema name must be 1-63 characters");
            memmove(p, p + n + (p[n] == '&'), strlen(p + n + (p[n] == '&')) + 1);
            continue;
        }
        p += n + (p[n] == '&');
    }
    size_t len = strlen(*conninfo);
    while (len > 0 && ((*conninfo)[len - 1] == '&' || (*conninfo)[len - 1] == '?'))
        (*conninfo)[--len] = '\0';
    return FC_OK;
}

/*
 * Every member of store_ops after `name` is a function pointer; an op added to store.h
 * without a PostgreSQL entry (here or in pg_unsupported.h) would be NULL and crash its
 * caller, so opening refuses instead, naming the slot. Reads the table's bytes only.
 */
static int ops_complete(struct fc_err *err)
{
    const unsigned char *b = (const unsigned char *)&pg_ops;
    size_t step = sizeof(pg_ops.migrate);
    size_t first = offsetof(struct store_ops, migrate);
    for (size_t off = first; off + step <= sizeof(pg_ops); off += step) {
        bool set = false;
        for (size_t k = 0; k < step; k++)
            set = set || b[off + k] != 0;
        if (!set)
            return err_set(err, FC_EINTERNAL, "store",
                           "store operation %zu has no PostgreSQL entry", (off - first) / step);
    }
    return FC_OK;
}

int store_pg_open(const char *url, struct store **out, struct fc_err *err)
{
    *out = NULL;
    if (ops_complete(err) != FC_OK)
        return FC_EINTERNAL;
    struct pg_store *ps = calloc(1, sizeof(*ps));
    if (ps == NULL)
        return err_set(err, FC_ENOMEM, "", "out of memory");
    pthread_key_create(&ps->conn_key, conn_release);
    pthread_mutex_init(&ps->conns_lock, NULL);
    ps->base.ops = &pg_ops;
    if (sodium_init() < 0) {
        free(ps);
        return err_set(err, FC_EINTERNAL, "", "libsodium failed to start");
    }
    randombytes_buf(&ps->node_tag, sizeof(ps->node_tag));
    ps->node_tag &= INT64_MAX; /* a positive bigint */
    int rc = url_split(url, &ps->conninfo, &ps->schema, err);
    struct pg_conn *c;
    if (rc == FC_OK)
        rc = pg_conn_of(&ps->base, &c, err);
    if (rc != FC_OK) {
        pg_close(&ps->base);
        return rc;
    }
    *out = &ps->base;
    return FC_OK;
}
