/*
 * store/sqlite/store_sqlite.c: connection handling, pragmas, migrations, transactions.
 * Entity operations live beside it in sqlite_<entity>.c and share sqlite_internal.h.
 */
#include "store/sqlite/store_sqlite.h"

#include <pthread.h>
#include <sodium.h>
#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/sqlite/sqlite_cases.h"
#include "store/sqlite/sqlite_intake.h"
#include "store/sqlite/sqlite_internal.h"
#include "store/sqlite/sqlite_open311.h"
#include "util/assets.h"
#include "util/log.h"

static void conn_destroy(void *p)
{
    struct sqlite_conn *c = p;
    if (c == NULL)
        return;
    if (c->txn_depth > 0 && !sqlite3_get_autocommit(c->db))
        sqlite3_exec(c->db, "ROLLBACK", NULL, NULL, NULL);
    sqlite_writer_release(c);
    sqlite_conn_finalize(c);
    sqlite3_close_v2(c->db);
    free(c);
}

/*
 * Thread-exit destructor: a thread that ends gives its connection back, so servers that
 * start a thread per request do not pile up open connections. The store's list holds the
 * rest until store_close.
 */
static void conn_release(void *p)
{
    struct sqlite_conn *c = p;
    if (c == NULL)
        return;
    struct sqlite_store *ss = c->owner;
    pthread_mutex_lock(&ss->conns_lock);
    for (struct sqlite_conn **pp = &ss->all_conns; *pp != NULL; pp = &(*pp)->next_all) {
        if (*pp == c) {
            *pp = c->next_all;
            break;
        }
    }
    pthread_mutex_unlock(&ss->conns_lock);
    conn_destroy(c);
}

static int conn_open(struct sqlite_store *ss, struct sqlite_conn **out, struct fc_err *err)
{
    struct sqlite_conn *c = calloc(1, sizeof(*c));
    if (c == NULL)
        return err_set(err, FC_ENOMEM, "", "out of memory opening the database");
    int rc = sqlite3_open_v2(
        ss->path, &c->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL);
    if (rc != SQLITE_OK) {
        err_set(err, FC_EUNAVAIL, "store", "cannot open database: %s", sqlite3_errstr(rc));
        sqlite3_close_v2(c->db);
        free(c);
        return FC_EUNAVAIL;
    }
    sqlite3_extended_result_codes(c->db, 1);
    sqlite3_busy_timeout(c->db, SQLITE_BUSY_TIMEOUT_MS);
    static const char *pragmas = "PRAGMA journal_mode=WAL;"
                                 "PRAGMA synchronous=FULL;"
                                 "PRAGMA foreign_keys=ON;"
                                 "PRAGMA temp_store=MEMORY;";
    rc = sqlite3_exec(c->db, pragmas, NULL, NULL, NULL);
    if (rc != SQLITE_OK) {
        err_set(err, FC_EUNAVAIL, "store", "cannot configure database: %s", sqlite3_errmsg(c->db));
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

#define MIGRATIONS_PREFIX "src/store/sqlite/migrations/"

int sqlite_latest_version(void)
{
    size_t plen = strlen(MIGRATIONS_PREFIX);
    int latest = 0;
    for (const struct asset *a = fc_assets; a->path; a++) {
        if (strncmp(a->path, MIGRATIONS_PREFIX, plen) == 0 &&
            (int)strtol(a->path + plen, NULL, 10) > latest)
            latest = (int)strtol(a->path + plen, NULL, 10);
    }
    return latest;
}

static const struct asset *migration_find(int version)
{
    size_t plen = strlen(MIGRATIONS_PREFIX);
    for (const struct asset *a = fc_assets; a->path; a++) {
        if (strncmp(a->path, MIGRATIONS_PREFIX, plen) == 0 &&
            (int)strtol(a->path + plen, NULL, 10) == version)
            return a;
    }
    return NULL;
}

/*
 * Applies migration `next` unless the schema is already there. The version is read again
 * under the write lock, so two processes migrating at once apply each step once.
 */
static int migrate_step(struct sqlite_conn *c, int next, const struct asset *m, bool *applied,
                        struct fc_err *err)
{
    char *msg = NULL;
    int version = 0;
    *applied = false;
    int rc = sqlite_writer_acquire(c, err);
    if (rc != FC_OK)
        return rc;
    if (sqlite3_exec(c->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK) {
        rc = sqlite_status(c->db, sqlite3_extended_errcode(c->db), "migrate", err);
        sqlite_writer_release(c);
        return rc;
    }
    rc = sqlite_user_version(c->db, &version, err);
    if (rc != FC_OK || version >= next)
        goto out;
    char *sql;
    if (asprintf(&sql, "%s\n;PRAGMA user_version=%d;", (const char *)m->start, next) < 0) {
        rc = err_set(err, FC_ENOMEM, "", "out of memory migrating");
        goto out;
    }
    int src = sqlite3_exec(c->db, sql, NULL, NULL, &msg);
    free(sql);
    if (src != SQLITE_OK) {
        rc = err_set(err, FC_EINTERNAL, "store", "migration %d failed: %s", next,
                     msg ? msg : sqlite3_errstr(src));
        sqlite3_free(msg);
        goto out;
    }
    *applied = true;
out:
    if (rc == FC_OK && sqlite3_exec(c->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
        rc = sqlite_status(c->db, sqlite3_extended_errcode(c->db), "migrate", err);
    if (rc != FC_OK && !sqlite3_get_autocommit(c->db))
        sqlite3_exec(c->db, "ROLLBACK", NULL, NULL, NULL);
    sqlite_writer_release(c);
    return rc;
}

int store_sqlite_migrate_to(struct store *s, int target, int *out_version, struct fc_err *err)
{
    struct sqlite_conn *c;
    int rc = sqlite_conn_of(s, &c, err);
    if (rc != FC_OK)
        return rc;
    if (c->txn_depth != 0)
        return err_set(err, FC_EINTERNAL, "", "migrate called inside a transaction");
    int version = 0;
    rc = sqlite_user_version(c->db, &version, err);
    if (rc != FC_OK)
        return rc;
    if (version > sqlite_latest_version())
        return err_set(err, FC_EUNAVAIL, "store",
                       "database schema %d is newer than this program (%d)", version,
                       sqlite_latest_version());
    for (int next = version + 1; target <= 0 || next <= target; next++) {
        const struct asset *m = migration_find(next);
        if (m == NULL)
            break;
        bool applied;
        rc = migrate_step(c, next, m, &applied, err);
        if (rc != FC_OK)
            return rc;
        if (applied)
            log_emit(LOG_INFO, "store.migrate", "backend=sqlite version=%d", next);
        version = next;
    }
    if (out_version)
        *out_version = version;
    return FC_OK;
}

static int sqlite_migrate(struct store *s, int *out_version, struct fc_err *err)
{
    return store_sqlite_migrate_to(s, 0, out_version, err);
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

static int sqlite_txn_begin(struct store *s, struct fc_err *err)
{
    struct sqlite_conn *c;
    int rc = sqlite_conn_of(s, &c, err);
    return rc == FC_OK ? sqlite_tx_begin(c, err) : rc;
}

static int sqlite_txn_commit(struct store *s, struct fc_err *err)
{
    struct sqlite_conn *c;
    int rc = sqlite_conn_of(s, &c, err);
    if (rc != FC_OK)
        return rc;
    if (c->txn_depth == 0)
        return err_set(err, FC_EINTERNAL, "", "commit without a transaction");
    return sqlite_tx_end(c, FC_OK, err);
}

static void sqlite_txn_rollback(struct store *s)
{
    struct sqlite_conn *c;
    if (sqlite_conn_of(s, &c, NULL) != FC_OK || c->txn_depth == 0)
        return;
    sqlite_tx_end(c, FC_EINTERNAL, NULL);
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
    pthread_setspecific(ss->conn_key, NULL);
    pthread_key_delete(ss->conn_key);
    pthread_mutex_destroy(&ss->conns_lock);
    pthread_mutex_destroy(&ss->writer_lock);
    pthread_mutex_destroy(&ss->audit_lock);
    pthread_cond_destroy(&ss->audit_cond);
    free(ss->path);
    free(ss);
}

/* Entity operations are defined in sqlite_<entity>.c and declared in sqlite_internal.h. */
static const struct store_ops sqlite_ops = {
    .name = "sqlite",
    .migrate = sqlite_migrate,
    .schema_version = sqlite_schema_version,
    .backup = sqlite_backup,
    .restore = sqlite_restore,
    .check = sqlite_check,
    .close = sqlite_close,
    .txn_begin = sqlite_txn_begin,
    .txn_commit = sqlite_txn_commit,
    .txn_rollback = sqlite_txn_rollback,
    .org_insert = sqlite_org_insert,
    .org_get = sqlite_org_get,
    .org_get_by_name = sqlite_org_get_by_name,
    .org_list = sqlite_org_list,
    .user_insert = sqlite_user_insert,
    .user_get = sqlite_user_get,
    .user_get_by_name = sqlite_user_get_by_name,
    .user_update = sqlite_user_update,
    .user_list = sqlite_user_list,
    .session_insert = sqlite_session_insert,
    .session_get = sqlite_session_get,
    .session_touch = sqlite_session_touch,
    .session_delete = sqlite_session_delete,
    .session_purge = sqlite_session_purge,
    .person_insert = sqlite_person_insert,
    .person_add_identifiers = sqlite_person_add_identifiers,
    .person_get = sqlite_person_get,
    .person_search = sqlite_person_search,
    .person_scan = sqlite_person_scan,
    .person_scan_all = sqlite_person_scan_all,
    .person_set_merged = sqlite_person_set_merged,
    .contact_insert = sqlite_contact_insert,
    .contact_get = sqlite_contact_get,
    .contact_search = sqlite_contact_search,
    .contact_count = sqlite_contact_count,
    .contact_set_incident = sqlite_contact_set_incident,
    .contact_set_caller = sqlite_contact_set_caller,
    .contact_scan = sqlite_contact_scan,
    .incident_insert = sqlite_incident_insert,
    .incident_update = sqlite_incident_update,
    .incident_get = sqlite_incident_get,
    .incident_search = sqlite_incident_search,
    .flag_insert = sqlite_flag_insert,
    .flag_get = sqlite_flag_get,
    .flag_update = sqlite_flag_update,
    .flag_list_for_person = sqlite_flag_list_for_person,
    .flag_scan = sqlite_flag_scan,
    .audit_append = sqlite_audit_append,
    .audit_append_batch = sqlite_audit_append_batch,
    .audit_list = sqlite_audit_list,
    .audit_verify = sqlite_audit_verify,
    /* call handling: sqlite_intake.c */
    SQLITE_INTAKE_OPS,
    /* partnership cases: sqlite_cases.c */
    SQLITE_CASES_OPS,
    /* reports, surveys and police.uk (sqlite_reports.c) */
    .policeuk_upsert = sqlite_policeuk_upsert,
    .policeuk_upsert_many = sqlite_policeuk_upsert_many,
    .policeuk_counts = sqlite_policeuk_counts,
    .report_incident_counts = sqlite_report_incident_counts,
    .report_contact_counts = sqlite_report_contact_counts,
    .report_first_contact = sqlite_report_first_contact,
    .report_tasks = sqlite_report_tasks,
    .report_triggers = sqlite_report_triggers,
    .report_satisfaction = sqlite_report_satisfaction,
    .report_survey_rates = sqlite_report_survey_rates,
    .survey_get = sqlite_survey_get,
    .survey_set_status = sqlite_survey_set_status,
    .survey_person_recent = sqlite_survey_person_recent,
    .survey_token_insert = sqlite_survey_token_insert,
    .survey_token_use = sqlite_survey_token_use,
    .survey_token_peek = sqlite_survey_token_peek,
    .survey_response_insert = sqlite_survey_response_insert,
    /* security and data protection (sqlite_security.c) */
    .break_glass_insert = sqlite_break_glass_insert,
    .break_glass_active = sqlite_break_glass_active,
    .break_glass_list = sqlite_break_glass_list,
    .user_totp_step_use = sqlite_user_totp_step_use,
    .retention_persons_due = sqlite_retention_persons_due,
    .retention_person_anonymise = sqlite_retention_person_anonymise,
    .retention_incidents_due = sqlite_retention_incidents_due,
    .retention_incident_anonymise = sqlite_retention_incident_anonymise,
    /* whole-store copy (sqlite_copy.c) */
    .table_list = sqlite_table_list,
    .rows_each = sqlite_rows_each,
    .rows_count = sqlite_rows_count,
    .rows_put = sqlite_rows_put,
    .row_set = sqlite_row_set,
    .ids_reset = sqlite_ids_reset,
    /* Open311 (sqlite_open311.c) */
    SQLITE_OPEN311_OPS,
    /* several nodes: one node, nothing shared (sqlite_nodes.c) */
    .changes_head = sqlite_changes_head,
    .changes_since = sqlite_changes_since,
    .changes_wait = sqlite_changes_wait,
    .changes_purge = sqlite_changes_purge,
    .job_try_begin = sqlite_job_try_begin,
    .job_end = sqlite_job_end,
    .login_failure_add = sqlite_login_failure_add,
    .login_failure_get = sqlite_login_failure_get,
    .login_failure_clear = sqlite_login_failure_clear,
};

int store_sqlite_open(const char *path, struct store **out, struct fc_err *err)
{
    struct sqlite_store *ss = calloc(1, sizeof(*ss));
    if (ss == NULL)
        return err_set(err, FC_ENOMEM, "", "out of memory");
    ss->path = strdup(path);
    /* a thread's connection closes when the thread ends (conn_release) or at store_close */
    pthread_key_create(&ss->conn_key, conn_release);
    pthread_mutex_init(&ss->conns_lock, NULL);
    pthread_mutex_init(&ss->writer_lock, NULL);
    pthread_mutex_init(&ss->audit_lock, NULL);
    pthread_cond_init(&ss->audit_cond, NULL);
    ss->audit_tail = &ss->audit_queue;
    randombytes_buf(&ss->node_tag, sizeof(ss->node_tag));
    ss->node_tag &= INT64_MAX; /* positive */
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
