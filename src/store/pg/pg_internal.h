/*
 * store/pg/pg_internal.h: what the PostgreSQL backend's files share: the per-thread
 * connection, prepared-statement slots, parameter helpers and error mapping.
 * Threads: a pg_conn belongs to the thread that opened it; nothing here is shared.
 */
#ifndef FC_STORE_PG_INTERNAL_H
#define FC_STORE_PG_INTERNAL_H

#include <libpq-fe.h>
#include <pthread.h>
#include <stdbool.h>

#include "store/store.h"

enum pg_slot {
    PG_ORG_INSERT, PG_ORG_GET, PG_ORG_GET_BY_NAME, PG_ORG_LIST,
    PG_USER_INSERT, PG_USER_GET, PG_USER_GET_BY_NAME, PG_USER_UPDATE, PG_USER_LIST,
    PG_SESSION_INSERT, PG_SESSION_GET, PG_SESSION_TOUCH, PG_SESSION_DELETE, PG_SESSION_PURGE,
    PG_PERSON_INSERT, PG_PERSON_GET, PG_PERSON_SEARCH, PG_PERSON_SET_MERGED,
    PG_NAME_INSERT, PG_DOB_INSERT, PG_PHONE_INSERT, PG_EMAIL_INSERT, PG_ADDRESS_INSERT,
    PG_NAME_LIST, PG_DOB_LIST, PG_PHONE_LIST, PG_EMAIL_LIST, PG_ADDRESS_LIST,
    PG_CONTACT_INSERT, PG_CONTACT_GET, PG_CONTACT_SEARCH, PG_CONTACT_COUNT,
    PG_CONTACT_SET_INCIDENT, PG_CONTACT_SET_CALLER,
    PG_AUDIT_LAST, PG_AUDIT_TAIL, PG_AUDIT_INSERT, PG_AUDIT_LIST,
    PG_INCIDENT_INSERT, PG_INCIDENT_UPDATE, PG_INCIDENT_GET, PG_INCIDENT_SEARCH,
    PG_INCIDENT_SEARCH_PERSON,
    PG_INCIDENT_PERSON_INSERT, PG_INCIDENT_PERSON_DELETE, PG_INCIDENT_PERSON_LIST,
    PG_FLAG_INSERT, PG_FLAG_GET, PG_FLAG_UPDATE, PG_FLAG_LIST,
    /* partnership cases (pg_cases.c) */
    PG_CASE_INSERT, PG_CASE_GET, PG_CASE_UPDATE, PG_CASE_SEARCH, PG_CASE_IDS_INVOLVING,
    PG_CASE_SHARE_INSERT, PG_CASE_SHARE_REVOKE, PG_CASE_SHARE_LIST,
    PG_CASE_PARTY_INSERT, PG_CASE_PARTY_LIST, PG_CASE_INCIDENT_LINK, PG_CASE_INCIDENT_LIST,
    PG_CASE_LOCATION_INSERT, PG_CASE_LOCATION_LIST,
    PG_CASE_ACTION_INSERT, PG_CASE_ACTION_GET, PG_CASE_ACTION_UPDATE, PG_CASE_ACTION_SEARCH,
    PG_CASE_REVIEW_INSERT, PG_CASE_REVIEW_LIST, PG_CASE_ESCALATION_INSERT,
    PG_CASE_ESCALATION_LAST, PG_CASE_ENTRY_APPEND, PG_CASE_ENTRY_LIST,
    PG_FLAG_REVIEW_INSERT, PG_FLAG_REVIEW_GET, PG_FLAG_REVIEW_LIST, PG_FLAG_REVIEW_DECIDE,
    PG_CASE_SURVEY_QUEUE,
    /* call handling (pg_intake.c) */
    PG_TEAM_AREA_DELETE, PG_TEAM_UPSERT, PG_TEAM_AREA_INSERT, PG_RISK_INSERT, PG_RISK_LIST,
    PG_RISK_LIST_PERSON, PG_RISK_LIST_ALL,
    PG_GRADE_INSERT, PG_GRADE_LIST, PG_LABELS_INSERT, PG_LABELS_GET, PG_TASK_INSERT,
    PG_TASK_GET, PG_TASK_SEARCH, PG_TASK_CLOSE, PG_TASK_ESCALATE, PG_TRIGGER_INSERT,
    PG_TRIGGER_STEP_INSERT, PG_TRIGGER_GET, PG_TRIGGER_STEPS, PG_TRIGGER_LIST,
    PG_TRIGGER_LIST_STEPS, PG_TRIGGER_SET_STATUS, PG_TRIGGER_STEP_SET, PG_PLAN_INSERT,
    PG_PLAN_CURRENT, PG_PLAN_SET_NEXT_DUE, PG_PLAN_DUE, PG_VUPDATE_INSERT, PG_VUPDATE_LIST,
    PG_CLOSURE_INSERT, PG_CLOSURE_GET, PG_SURVEYQ_INSERT, PG_SURVEYQ_LIST, PG_HIST_CONTACTS,
    PG_HIST_INCIDENTS, PG_HIST_PLACES, PG_HIST_COMPLAINTS,
    /* reports, surveys and police.uk (pg_reports.c) */
    PG_SURVEY_GET, PG_SURVEY_SET_STATUS, PG_SURVEY_PERSON_RECENT, PG_SURVEY_TOKEN_INSERT,
    PG_SURVEY_TOKEN_PEEK, PG_SURVEY_TOKEN_USE, PG_SURVEY_RESPONSE_INSERT, PG_POLICEUK_UPSERT,
    /* several nodes (pg_nodes.c) */
    PG_FEED_APPEND, PG_FEED_SINCE, PG_FEED_HEAD, PG_JOB_CLAIM, PG_JOB_END, PG_LOGIN_FAIL_ADD,
    PG_LOGIN_FAIL_GET, PG_LOGIN_FAIL_CLEAR,
    PG_SLOT_COUNT
};

struct pg_store;

struct pg_conn {
    PGconn *db;
    struct pg_store *owner;
    int txn_depth;
    bool prepared[PG_SLOT_COUNT];
    bool listening; /* LISTEN fc_change issued on this connection (pg_nodes.c) */
    struct pg_conn *next_all;
};

struct pg_store {
    struct store base; /* first: a struct store * is a struct pg_store * */
    char *conninfo;    /* the URL without fc_schema */
    char *schema;      /* NULL: the connection's default search_path */
    pthread_key_t conn_key;
    pthread_mutex_t conns_lock;
    struct pg_conn *all_conns;
    int64_t node_tag; /* random, per open store: marks this node's rows in change_feed */
};

/* Parameters are passed as text; a NULL value is SQL NULL. */
#define PG_MAX_PARAMS 24
struct pg_params {
    int n;
    const char *v[PG_MAX_PARAMS];
    char buf[PG_MAX_PARAMS][72]; /* numbers and short bytea are formatted in place */
};

void pg_param_text(struct pg_params *p, const char *s);
void pg_param_int(struct pg_params *p, int64_t v);
void pg_param_id(struct pg_params *p, fc_id_t id); /* 0: NULL (the database assigns one) */
void pg_param_double(struct pg_params *p, double v); /* NaN: NULL */
void pg_param_bytea(struct pg_params *p, const unsigned char *b, size_t n); /* hex, n <= 32 */

int pg_conn_of(struct store *s, struct pg_conn **out, struct fc_err *err);
/* Reconnects a dropped connection outside a transaction and applies the session settings. */
int pg_conn_reset(struct pg_conn *c, struct fc_err *err);

/*
 * Runs prepared statement `slot` (preparing `sql` on first use on this connection).
 * *res gets the result on FC_OK (PQclear it); on failure the error is mapped, named `what`.
 */
int pg_exec(struct pg_conn *c, enum pg_slot slot, const char *sql, const struct pg_params *p,
            const char *what, PGresult **res, struct fc_err *err);
/* Runs plain SQL without parameters (transactions, migrations). */
int pg_exec_simple(struct pg_conn *c, const char *sql, const char *what, struct fc_err *err);
/* Maps a failed result to an fc_status. */
int pg_status(struct pg_conn *c, const PGresult *r, const char *what, struct fc_err *err);

/* Column helpers: NULL stays NULL; text is copied into the arena. */
char *pg_col_text(const PGresult *r, int row, int col, struct arena *a);
int64_t pg_col_int(const PGresult *r, int row, int col);
bool pg_col_null(const PGresult *r, int row, int col);
double pg_col_double(const PGresult *r, int row, int col); /* NULL: NaN */
/* Arena array growth by doubling (the old block stays in the arena). */
void *pg_grow(struct arena *a, void *arr, size_t elem, size_t n, size_t *cap);

/* Moves a table's id sequence past an id a caller chose, so later inserts never reuse it. */
int pg_seq_bump(struct pg_conn *c, const char *table, fc_id_t id, struct fc_err *err);

/* A read that sees one snapshot: opens a REPEATABLE READ transaction unless in one. */
int pg_read_begin(struct pg_conn *c, bool *own, struct fc_err *err);
void pg_read_end(struct pg_conn *c, bool own);

/* Nested transactions: the first begin is BEGIN, inner ones SAVEPOINTs. */
int pg_tx_begin(struct pg_conn *c, struct fc_err *err);
int pg_tx_end(struct pg_conn *c, int status, struct fc_err *err); /* commits on FC_OK */

/* Entity operations (pg_org.c). */
int pg_org_insert(struct store *s, const struct organisation *o, fc_id_t *out, struct fc_err *err);
int pg_org_get(struct store *s, fc_id_t id, struct arena *a, struct organisation *out,
               struct fc_err *err);
int pg_org_get_by_name(struct store *s, const char *name, struct arena *a,
                       struct organisation *out, struct fc_err *err);
int pg_org_list(struct store *s, struct arena *a, struct organisation **out, size_t *n,
                struct fc_err *err);
int pg_user_insert(struct store *s, const struct user *u, fc_id_t *out, struct fc_err *err);
int pg_user_get(struct store *s, fc_id_t id, struct arena *a, struct user *out,
                struct fc_err *err);
int pg_user_get_by_name(struct store *s, const char *username, struct arena *a, struct user *out,
                        struct fc_err *err);
int pg_user_update(struct store *s, const struct user *u, struct fc_err *err);
int pg_user_list(struct store *s, struct arena *a, struct user **out, size_t *n,
                 struct fc_err *err);
int pg_session_insert(struct store *s, const struct session *se, struct fc_err *err);
int pg_session_get(struct store *s, const unsigned char token_hash[32], struct session *out,
                   struct fc_err *err);
int pg_session_touch(struct store *s, const unsigned char token_hash[32], fc_time_t now,
                     struct fc_err *err);
int pg_session_delete(struct store *s, const unsigned char token_hash[32], struct fc_err *err);
int pg_session_purge(struct store *s, fc_time_t now, size_t *out_n, struct fc_err *err);

int pg_person_insert(struct store *s, const struct person *p, fc_id_t *out, struct fc_err *err);
int pg_person_add_identifiers(struct store *s, const struct person *p, struct fc_err *err);
int pg_person_get(struct store *s, fc_id_t id, struct arena *a, struct person *out,
                  struct fc_err *err);
int pg_person_search(struct store *s, const struct person_query *q, struct arena *a,
                     fc_id_t **out, size_t *n, struct fc_err *err);
int pg_person_scan(struct store *s, store_person_cb cb, void *ctx, struct fc_err *err);
int pg_person_scan_all(struct store *s, store_person_cb cb, void *ctx, struct fc_err *err);
int pg_person_set_merged(struct store *s, fc_id_t from, fc_id_t into, struct fc_err *err);

int pg_contact_insert(struct store *s, const struct contact *ct, fc_id_t *out, struct fc_err *err);
int pg_contact_get(struct store *s, fc_id_t id, struct arena *a, struct contact *out,
                   struct fc_err *err);
int pg_contact_search(struct store *s, const struct contact_query *q, struct arena *a,
                      struct contact **out, size_t *n, struct fc_err *err);
int pg_contact_count(struct store *s, const struct contact_query *q, size_t *out,
                     struct fc_err *err);
int pg_contact_set_incident(struct store *s, fc_id_t contact_id, fc_id_t incident_id,
                            struct fc_err *err);
int pg_contact_set_caller(struct store *s, fc_id_t contact_id, fc_id_t caller_person_id,
                          const char *match_snapshot, struct fc_err *err);
int pg_contact_scan(struct store *s, store_contact_cb cb, void *ctx, struct fc_err *err);

int pg_audit_append(struct store *s, struct audit_event *ev, struct fc_err *err);
int pg_audit_append_batch(struct store *s, struct audit_event *evs, size_t n, struct fc_err *err);
int pg_audit_list(struct store *s, const char *object_type, fc_id_t object_id,
                  fc_id_t actor_user_id, struct arena *a, struct audit_event **out, size_t *n,
                  struct fc_err *err);
int pg_audit_verify(struct store *s, int64_t *out_bad_seq, int64_t *out_count,
                    struct fc_err *err);

int pg_incident_insert(struct store *s, const struct incident *i, fc_id_t *out,
                       struct fc_err *err);
int pg_incident_update(struct store *s, const struct incident *i, struct fc_err *err);
int pg_incident_get(struct store *s, fc_id_t id, struct arena *a, struct incident *out,
                    struct fc_err *err);
int pg_incident_search(struct store *s, const struct incident_query *q, struct arena *a,
                       struct incident **out, size_t *n, struct fc_err *err);

int pg_flag_insert(struct store *s, const struct flag *f, fc_id_t *out, struct fc_err *err);
int pg_flag_get(struct store *s, fc_id_t id, struct arena *a, struct flag *out,
                struct fc_err *err);
int pg_flag_update(struct store *s, const struct flag *f, struct fc_err *err);
int pg_flag_list_for_person(struct store *s, fc_id_t person_id, struct arena *a,
                            struct flag **out, size_t *n, struct fc_err *err);
int pg_flag_scan(struct store *s, store_flag_cb cb, void *ctx, struct fc_err *err);

/* Reports, surveys and police.uk (pg_reports.c). */
int pg_policeuk_upsert(struct store *s, const struct policeuk_record *rec,
                       enum policeuk_change *out_change, struct fc_err *err);
int pg_policeuk_upsert_many(struct store *s, const struct policeuk_record *recs, size_t n,
                            enum policeuk_change *out_changes, size_t *out_failed,
                            struct fc_err *err);
int pg_policeuk_counts(struct store *s, const struct report_filter *f, const char *crime_type,
                       struct arena *a, struct report_count **out, size_t *n, struct fc_err *err);
int pg_report_incident_counts(struct store *s, const struct report_filter *f, struct arena *a,
                              struct report_count **out, size_t *n, struct fc_err *err);
int pg_report_contact_counts(struct store *s, const struct report_filter *f, struct arena *a,
                             struct report_count **out, size_t *n, struct fc_err *err);
int pg_report_first_contact(struct store *s, const struct report_filter *f, struct arena *a,
                            struct report_fc_count **out, size_t *n, struct fc_err *err);
int pg_report_tasks(struct store *s, const struct report_filter *f, fc_time_t now,
                    struct arena *a, struct report_task_count **out, size_t *n,
                    struct fc_err *err);
int pg_report_triggers(struct store *s, const struct report_filter *f, struct arena *a,
                       struct report_count **out, size_t *n, struct fc_err *err);
int pg_report_satisfaction(struct store *s, const struct report_filter *f, struct arena *a,
                           struct report_sat_count **out, size_t *n, struct fc_err *err);
int pg_report_survey_rates(struct store *s, const struct report_filter *f, struct arena *a,
                           struct survey_rates **out, size_t *n, struct fc_err *err);
int pg_survey_get(struct store *s, fc_id_t id, struct arena *a, struct survey_queue_rec *out,
                  struct fc_err *err);
int pg_survey_set_status(struct store *s, fc_id_t id, const char *status, struct fc_err *err);
int pg_survey_person_recent(struct store *s, fc_id_t person_id, fc_time_t since,
                            fc_id_t exclude_id, int64_t *out, struct fc_err *err);
int pg_survey_token_insert(struct store *s, const unsigned char token_hash[32], fc_id_t queue_id,
                           fc_time_t created_at, fc_time_t expires_at, struct fc_err *err);
int pg_survey_token_use(struct store *s, const unsigned char token_hash[32], fc_time_t now,
                        fc_id_t *out_queue_id, struct fc_err *err);
int pg_survey_token_peek(struct store *s, const unsigned char token_hash[32], fc_time_t now,
                         fc_id_t *out_queue_id, struct fc_err *err);
int pg_survey_response_insert(struct store *s, const struct survey_answers *ans, fc_id_t *out,
                              struct fc_err *err);

/* Whole-store copy (pg_copy.c). */
int pg_table_list(struct store *s, struct arena *a, struct store_table **out, size_t *n,
                  struct fc_err *err);
int pg_rows_each(struct store *s, const struct store_table *t, store_row_cb cb, void *ctx,
                 struct fc_err *err);
int pg_rows_count(struct store *s, const char *table, int64_t *out, struct fc_err *err);
int pg_rows_put(struct store *s, const struct store_table *t, const char *const *vals, size_t n,
                struct fc_err *err);
int pg_row_set(struct store *s, const struct store_table *t, const char *key, const char *col,
               const char *val, struct fc_err *err);
int pg_ids_reset(struct store *s, struct fc_err *err);
/* Several nodes (pg_nodes.c). The audit chain's advisory lock also orders the change feed,
 * so one lock covers both and they never wait on each other in opposite orders. */
#define PG_CHAIN_LOCK_KEY "7468323602"
/* Appends a change (kind "person", "merge" or "unmerge") inside the caller's transaction and
 * announces it with NOTIFY at commit. */
int pg_feed_append(struct pg_conn *c, const char *kind, fc_id_t person_id, fc_id_t other_id,
                   struct fc_err *err);
int pg_changes_head(struct store *s, int64_t *out, struct fc_err *err);
int pg_changes_since(struct store *s, int64_t *cursor, store_change_cb cb, void *ctx, bool *gap,
                     struct fc_err *err);
int pg_changes_wait(struct store *s, int timeout_ms, bool *woken, struct fc_err *err);
int pg_changes_purge(struct store *s, fc_time_t before, size_t *out_n, struct fc_err *err);
int pg_job_try_begin(struct store *s, const char *name, fc_time_t now, int64_t interval_s,
                     bool *claimed, struct fc_err *err);
int pg_job_end(struct store *s, const char *name, fc_time_t now, struct fc_err *err);
int pg_login_failure_add(struct store *s, const unsigned char key[32], fc_time_t now,
                         int64_t window_s, struct login_failures *out, struct fc_err *err);
int pg_login_failure_get(struct store *s, const unsigned char key[32],
                         struct login_failures *out, struct fc_err *err);
int pg_login_failure_clear(struct store *s, const unsigned char key[32], struct fc_err *err);

#endif
