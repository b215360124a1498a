/*
 * store/sqlite/sqlite_internal.h: what the SQLite backend's files share. Not for callers
 * outside src/store/sqlite.
 *
 * DESIGN: every statement has a fixed slot (enum sqlite_slot) and is prepared once per
 * connection, on first use, then reset and reused. Connections are per thread, so a slot
 * is never used by two threads at once. Transactions nest through txn_depth: the outermost
 * level is BEGIN IMMEDIATE (so a writer takes SQLite's write lock up front and never
 * deadlocks on upgrade), inner levels are SAVEPOINTs.
 *
 * Writers queue on the store's writer_lock before SQLite's write lock: SQLite allows one
 * writer at a time anyway, and a writer that finds the database locked sleeps in its busy
 * handler on a back-off schedule (up to 100 ms a sleep) instead of waking when the lock
 * is free, which gave the long latency tail under HTTP load. The mutex is taken by the
 * outermost sqlite_tx_begin and by single writes outside a transaction, and held until
 * the COMMIT or ROLLBACK, never across a return to the caller otherwise. Readers take no
 * lock (WAL: they read a snapshot while the writer writes). Other processes on the same
 * file (the CLI beside a server) still meet SQLite's own lock and busy timeout.
 */
#ifndef FC_STORE_SQLITE_INTERNAL_H
#define FC_STORE_SQLITE_INTERNAL_H

#include <pthread.h>
#include <sqlite3.h>

#include "store/store.h"

#define SQLITE_MAX_STMTS 128
#define SQLITE_CACHED_BUCKETS 64
struct sqlite_cached;
/* How long a writer waits for another (SQLite's busy timeout and the writer mutex). */
#define SQLITE_BUSY_TIMEOUT_MS 10000

/* One slot per cached statement; each sqlite_<entity>.c uses its own range. */
enum sqlite_slot {
    SLOT_EXISTS_ORG,
    SLOT_EXISTS_USER,
    SLOT_EXISTS_PERSON,
    SLOT_EXISTS_INCIDENT,
    /* sqlite_org.c */
    SLOT_ORG_INSERT,
    SLOT_ORG_GET,
    SLOT_ORG_GET_BY_NAME,
    SLOT_ORG_LIST,
    /* sqlite_user.c */
    SLOT_USER_INSERT,
    SLOT_USER_GET,
    SLOT_USER_GET_BY_NAME,
    SLOT_USER_UPDATE,
    SLOT_USER_LIST,
    /* sqlite_session.c */
    SLOT_SESSION_INSERT,
    SLOT_SESSION_GET,
    SLOT_SESSION_TOUCH,
    SLOT_SESSION_DELETE,
    SLOT_SESSION_PURGE,
    /* sqlite_person.c */
    SLOT_PERSON_INSERT,
    SLOT_PERSON_GET,
    SLOT_PERSON_SET_MERGED,
    SLOT_NAME_INSERT,
    SLOT_DOB_INSERT,
    SLOT_PHONE_INSERT,
    SLOT_EMAIL_INSERT,
    SLOT_ADDRESS_INSERT,
    SLOT_NAME_LIST,
    SLOT_DOB_LIST,
    SLOT_PHONE_LIST,
    SLOT_EMAIL_LIST,
    SLOT_ADDRESS_LIST,
    SLOT_PERSON_SEARCH,
    SLOT_SCAN_PERSON,
    SLOT_SCAN_PERSON_ALL,
    SLOT_SCAN_NAME,
    SLOT_SCAN_DOB,
    SLOT_SCAN_PHONE,
    SLOT_SCAN_EMAIL,
    SLOT_SCAN_ADDRESS,
    /* sqlite_contact.c */
    SLOT_CONTACT_INSERT,
    SLOT_CONTACT_GET,
    SLOT_CONTACT_SEARCH,
    SLOT_CONTACT_COUNT,
    SLOT_CONTACT_SET_INCIDENT,
    SLOT_CONTACT_SET_CALLER,
    SLOT_CONTACT_SCAN,
    /* sqlite_incident.c */
    SLOT_INCIDENT_INSERT,
    SLOT_INCIDENT_UPDATE,
    SLOT_INCIDENT_GET,
    SLOT_INCIDENT_SEARCH,
    SLOT_INCIDENT_SEARCH_PERSON,
    SLOT_INCIDENT_PERSON_INSERT,
    SLOT_INCIDENT_PERSON_DELETE,
    SLOT_INCIDENT_PERSON_LIST,
    /* sqlite_flag.c */
    SLOT_FLAG_INSERT,
    SLOT_FLAG_GET,
    SLOT_FLAG_UPDATE,
    SLOT_FLAG_LIST_FOR_PERSON,
    SLOT_FLAG_SCAN,
    /* sqlite_audit.c */
    SLOT_AUDIT_LAST,
    SLOT_AUDIT_INSERT,
    SLOT_AUDIT_LIST,
    SLOT_AUDIT_WALK,
    /* sqlite_reports.c */
    SLOT_SURVEY_GET,
    SLOT_SURVEY_SET_STATUS,
    SLOT_SURVEY_PERSON_RECENT,
    SLOT_SURVEY_TOKEN_INSERT,
    SLOT_SURVEY_TOKEN_PEEK,
    SLOT_SURVEY_TOKEN_USE,
    SLOT_SURVEY_RESPONSE_INSERT,
    SLOT_POLICEUK_INSERT,
    SLOT_POLICEUK_UPDATE,
    /* sqlite_nodes.c */
    SLOT_FEED_APPEND,
    SLOT_FEED_HEAD,
    SLOT_FEED_PURGED,
    SLOT_FEED_SINCE,
    SLOT_FEED_PURGE_MARK,
    SLOT_FEED_PURGE,
    SLOT_COUNT
};
_Static_assert(SLOT_COUNT <= SQLITE_MAX_STMTS, "raise SQLITE_MAX_STMTS");

struct sqlite_store;
struct audit_waiter; /* sqlite_audit.c */

/* One per thread: the connection and its cache of prepared statements. */
struct sqlite_conn {
    sqlite3 *db;
    struct sqlite_store *owner;
    struct sqlite_conn *next_all;          /* every connection, for close */
    int txn_depth;                         /* 0 outside a transaction */
    bool writer_held;                      /* this thread holds owner->writer_lock */
    sqlite3_stmt *stmts[SQLITE_MAX_STMTS]; /* indexed by enum sqlite_slot */
    struct sqlite_cached *cached[SQLITE_CACHED_BUCKETS]; /* sqlite_prep_cached, by address */
};

struct sqlite_store {
    struct store base; /* first member */
    char *path;
    pthread_key_t conn_key;
    pthread_mutex_t conns_lock; /* guards all_conns */
    struct sqlite_conn *all_conns;
    pthread_mutex_t writer_lock; /* one writing transaction at a time (see DESIGN above) */
    /* group commit of audit appends (sqlite_audit.c): the queue and whether a leader runs */
    pthread_mutex_t audit_lock;
    pthread_cond_t audit_cond;
    struct audit_waiter *audit_queue, **audit_tail;
    bool audit_leader;
    int64_t node_tag; /* random, positive: this handle's origin in the change feed */
};

/* The calling thread's connection, opened on first use. */
int sqlite_conn_get(struct sqlite_store *ss, struct sqlite_conn **out, struct fc_err *err);
static inline int sqlite_conn_of(struct store *s, struct sqlite_conn **out, struct fc_err *err)
{
    return sqlite_conn_get((struct sqlite_store *)s, out, err);
}
/* Finalizes the connection's cached statements. */
void sqlite_conn_finalize(struct sqlite_conn *c);

/*
 * The statement in `slot`, prepared from `sql` on first use, reset and with bindings
 * cleared. Borrowed: valid until the connection closes.
 */
int sqlite_stmt(struct sqlite_conn *c, enum sqlite_slot slot, const char *sql, sqlite3_stmt **out,
                struct fc_err *err);

/*
 * Maps an SQLite result code to an fc_status and message ("what" says which operation).
 * Constraint failures name the column in err->field: NOT NULL, CHECK (constraints are
 * named after their column), UNIQUE and PRIMARY KEY. Full, read-only, busy -> FC_EUNAVAIL.
 */
int sqlite_status(sqlite3 *db, int rc, const char *what, struct fc_err *err);
/* Steps a write statement to completion and maps its result. */
int sqlite_exec_stmt(struct sqlite_conn *c, sqlite3_stmt *st, const char *what, struct fc_err *err);

/* A reference an insert makes: the column, the table it points to (by slot) and the id. */
struct sqlite_ref {
    const char *field;
    enum sqlite_slot exists_slot; /* SLOT_EXISTS_* */
    fc_id_t id;                   /* 0: NULL, not checked */
};
/*
 * After a FOREIGN KEY failure, finds which reference points nowhere and reports it as
 * FC_EINVAL naming the column (SQLite's own message does not say which).
 */
int sqlite_ref_explain(struct sqlite_conn *c, const struct sqlite_ref *refs, size_t n,
                       const char *what, struct fc_err *err);

/*
 * The store's writer mutex for c's thread: waits up to the busy timeout, then fails with
 * FC_EUNAVAIL ("database busy"). sqlite_writer_release does nothing when not held.
 */
int sqlite_writer_acquire(struct sqlite_conn *c, struct fc_err *err);
void sqlite_writer_release(struct sqlite_conn *c);

/* Nested transactions on the thread's connection (see DESIGN above). */
int sqlite_tx_begin(struct sqlite_conn *c, struct fc_err *err);
/* Ends the innermost level: commits (releases) when rc is FC_OK, else rolls it back.
 * Returns rc, or the commit's failure. */
int sqlite_tx_end(struct sqlite_conn *c, int rc, struct fc_err *err);

/*
 * A read snapshot for ops that run several SELECTs: opens a deferred transaction when
 * none is open (counted in txn_depth, so ops called meanwhile nest as savepoints).
 * *own says whether sqlite_read_end must close it.
 */
int sqlite_read_begin(struct sqlite_conn *c, bool *own, struct fc_err *err);
void sqlite_read_end(struct sqlite_conn *c, bool own);

int sqlite_user_version(sqlite3 *db, int *out, struct fc_err *err);
/* The highest migration number embedded in this binary. */
int sqlite_latest_version(void);

/* Binding helpers: NULL strings, 0 ids / times and NaN coordinates bind as SQL NULL. */
int sqlite_bind_text(sqlite3_stmt *st, int i, const char *v);
int sqlite_bind_id(sqlite3_stmt *st, int i, fc_id_t v);
int sqlite_bind_double(sqlite3_stmt *st, int i, double v);

/*
 * Statements named by their SQL text rather than a slot (the call-handling, case, Open311
 * and security paths): prepared on a connection's first use and kept, keyed by the text's
 * address and checked against the text itself, so SQL built in a buffer is safe too. A
 * statement already running (the same SQL nested in its own loop) gets a second copy. The
 * caller gives the statement back with sqlite_stmt_done (never sqlite3_finalize), or hands
 * it to sqlite_finish.
 */
int sqlite_prep_cached(struct store *s, const char *sql, sqlite3 **db, sqlite3_stmt **st,
                       struct fc_err *err);
/* Resets a statement from sqlite_prep_cached and clears its bindings, ready for reuse. */
void sqlite_stmt_done(sqlite3_stmt *st);
/* Binds a copy of v (SQLITE_TRANSIENT), or NULL when v is NULL. */
int sqlite_bind_text_copy(sqlite3_stmt *st, int i, const char *v);
/* Steps a write to completion, gives it back (sqlite_stmt_done) and maps the result ("what" names it). */
int sqlite_finish(sqlite3 *db, sqlite3_stmt *st, const char *what, struct fc_err *err);

/* Column helpers: copies into the arena; NULL stays NULL (or 0, NaN). */
char *sqlite_col_text(sqlite3_stmt *st, int i, struct arena *a);
fc_id_t sqlite_col_id(sqlite3_stmt *st, int i);
double sqlite_col_double(sqlite3_stmt *st, int i);

/* Grows arr (of n elements of `size` bytes, capacity *cap) in the arena; NULL when out of
 * memory. Arena memory is not freed piecemeal, so the old array is simply abandoned. */
void *sqlite_grow(struct arena *a, void *arr, size_t size, size_t n, size_t *cap);

/* Entity operations, defined in sqlite_<entity>.c and put in the ops table. */
int sqlite_org_insert(struct store *s, const struct organisation *o, fc_id_t *out,
                      struct fc_err *err);
int sqlite_org_get(struct store *s, fc_id_t id, struct arena *a, struct organisation *out,
                   struct fc_err *err);
int sqlite_org_get_by_name(struct store *s, const char *name, struct arena *a,
                           struct organisation *out, struct fc_err *err);
int sqlite_org_list(struct store *s, struct arena *a, struct organisation **out, size_t *n,
                    struct fc_err *err);
int sqlite_user_insert(struct store *s, const struct user *u, fc_id_t *out, struct fc_err *err);
int sqlite_user_get(struct store *s, fc_id_t id, struct arena *a, struct user *out,
                    struct fc_err *err);
int sqlite_user_get_by_name(struct store *s, const char *username, struct arena *a,
                            struct user *out, struct fc_err *err);
int sqlite_user_update(struct store *s, const struct user *u, struct fc_err *err);
int sqlite_user_list(struct store *s, struct arena *a, struct user **out, size_t *n,
                     struct fc_err *err);
int sqlite_session_insert(struct store *s, const struct session *se, struct fc_err *err);
int sqlite_session_get(struct store *s, const unsigned char token_hash[32], struct session *out,
                       struct fc_err *err);
int sqlite_session_touch(struct store *s, const unsigned char token_hash[32], fc_time_t now,
                         struct fc_err *err);
int sqlite_session_delete(struct store *s, const unsigned char token_hash[32], struct fc_err *err);
int sqlite_session_purge(struct store *s, fc_time_t now, size_t *out_n, struct fc_err *err);
int sqlite_person_insert(struct store *s, const struct person *p, fc_id_t *out, struct fc_err *err);
int sqlite_person_add_identifiers(struct store *s, const struct person *p, struct fc_err *err);
int sqlite_person_get(struct store *s, fc_id_t id, struct arena *a, struct person *out,
                      struct fc_err *err);
int sqlite_person_search(struct store *s, const struct person_query *q, struct arena *a,
                         fc_id_t **out, size_t *n, struct fc_err *err);
int sqlite_person_scan(struct store *s, store_person_cb cb, void *ctx, struct fc_err *err);
int sqlite_person_scan_all(struct store *s, store_person_cb cb, void *ctx, struct fc_err *err);
int sqlite_person_set_merged(struct store *s, fc_id_t from, fc_id_t into, struct fc_err *err);
int sqlite_contact_insert(struct store *s, const struct contact *c, fc_id_t *out,
                          struct fc_err *err);
int sqlite_contact_get(struct store *s, fc_id_t id, struct arena *a, struct contact *out,
                       struct fc_err *err);
int sqlite_contact_search(struct store *s, const struct contact_query *q, struct arena *a,
                          struct contact **out, size_t *n, struct fc_err *err);
int sqlite_contact_count(struct store *s, const struct contact_query *q, size_t *out,
                         struct fc_err *err);
int sqlite_contact_set_incident(struct store *s, fc_id_t contact_id, fc_id_t incident_id,
                                struct fc_err *err);
int sqlite_contact_set_caller(struct store *s, fc_id_t contact_id, fc_id_t caller_person_id,
                              const char *match_snapshot, struct fc_err *err);
int sqlite_contact_scan(struct store *s, store_contact_cb cb, void *ctx, struct fc_err *err);
int sqlite_incident_insert(struct store *s, const struct incident *i, fc_id_t *out,
                           struct fc_err *err);
int sqlite_incident_update(struct store *s, const struct incident *i, struct fc_err *err);
int sqlite_incident_get(struct store *s, fc_id_t id, struct arena *a, struct incident *out,
                        struct fc_err *err);
int sqlite_incident_search(struct store *s, const struct incident_query *q, struct arena *a,
                           struct incident **out, size_t *n, struct fc_err *err);
int sqlite_flag_insert(struct store *s, const struct flag *f, fc_id_t *out, struct fc_err *err);
int sqlite_flag_get(struct store *s, fc_id_t id, struct arena *a, struct flag *out,
                    struct fc_err *err);
int sqlite_flag_update(struct store *s, const struct flag *f, struct fc_err *err);
int sqlite_flag_list_for_person(struct store *s, fc_id_t person_id, struct arena *a,
                                struct flag **out, size_t *n, struct fc_err *err);
int sqlite_flag_scan(struct store *s, store_flag_cb cb, void *ctx, struct fc_err *err);
int sqlite_audit_append(struct store *s, struct audit_event *ev, struct fc_err *err);
int sqlite_audit_append_batch(struct store *s, struct audit_event *evs, size_t n,
                              struct fc_err *err);
int sqlite_audit_list(struct store *s, const char *object_type, fc_id_t object_id,
                      fc_id_t actor_user_id, struct arena *a, struct audit_event **out, size_t *n,
                      struct fc_err *err);
int sqlite_audit_verify(struct store *s, int64_t *out_bad_seq, int64_t *out_count,
                        struct fc_err *err);
int sqlite_backup(struct store *s, const char *dest_path, struct fc_err *err);
int sqlite_restore(struct store *s, const char *src_path, struct fc_err *err);
int sqlite_check(struct store *s, struct fc_err *err);

/* sqlite_reports.c: reports, surveys and police.uk */
int sqlite_policeuk_upsert(struct store *s, const struct policeuk_record *r,
                           enum policeuk_change *out_change, struct fc_err *err);
int sqlite_policeuk_upsert_many(struct store *s, const struct policeuk_record *recs, size_t n,
                                enum policeuk_change *out_changes, size_t *out_failed,
                                struct fc_err *err);
int sqlite_policeuk_counts(struct store *s, const struct report_filter *f, const char *crime_type,
                           struct arena *a, struct report_count **out, size_t *n,
                           struct fc_err *err);
int sqlite_report_incident_counts(struct store *s, const struct report_filter *f,
                                  struct arena *a, struct report_count **out, size_t *n,
                                  struct fc_err *err);
int sqlite_report_contact_counts(struct store *s, const struct report_filter *f, struct arena *a,
                                 struct report_count **out, size_t *n, struct fc_err *err);
int sqlite_report_first_contact(struct store *s, const struct report_filter *f, struct arena *a,
                                struct report_fc_count **out, size_t *n, struct fc_err *err);
int sqlite_report_tasks(struct store *s, const struct report_filter *f, fc_time_t now,
                        struct arena *a, struct report_task_count **out, size_t *n,
                        struct fc_err *err);
int sqlite_report_triggers(struct store *s, const struct report_filter *f, struct arena *a,
                           struct report_count **out, size_t *n, struct fc_err *err);
int sqlite_report_satisfaction(struct store *s, const struct report_filter *f, struct arena *a,
                               struct report_sat_count **out, size_t *n, struct fc_err *err);
int sqlite_report_survey_rates(struct store *s, const struct report_filter *f, struct arena *a,
                               struct survey_rates **out, size_t *n, struct fc_err *err);
int sqlite_survey_get(struct store *s, fc_id_t id, struct arena *a, struct survey_queue_rec *out,
                      struct fc_err *err);
int sqlite_survey_set_status(struct store *s, fc_id_t id, const char *status, struct fc_err *err);
int sqlite_survey_person_recent(struct store *s, fc_id_t person_id, fc_time_t since,
                                fc_id_t exclude_id, int64_t *out, struct fc_err *err);
int sqlite_survey_token_insert(struct store *s, const unsigned char token_hash[32],
                               fc_id_t queue_id, fc_time_t created_at, fc_time_t expires_at,
                               struct fc_err *err);
int sqlite_survey_token_use(struct store *s, const unsigned char token_hash[32], fc_time_t now,
                            fc_id_t *out_queue_id, struct fc_err *err);
int sqlite_survey_token_peek(struct store *s, const unsigned char token_hash[32], fc_time_t now,
                             fc_id_t *out_queue_id, struct fc_err *err);
int sqlite_survey_response_insert(struct store *s, const struct survey_answers *r, fc_id_t *out,
                                  struct fc_err *err);

/* security and data protection (sqlite_security.c, migration 0007) */
int sqlite_break_glass_insert(struct store *s, const struct break_glass_rec *g, fc_id_t *out,
                              struct fc_err *err);
int sqlite_break_glass_active(struct store *s, fc_id_t user_id, const char *object_type,
                              fc_id_t object_id, fc_time_t now, fc_time_t *out_expires,
                              struct fc_err *err);
int sqlite_break_glass_list(struct store *s, fc_time_t from, fc_time_t to, struct arena *a,
                            struct break_glass_rec **out, size_t *n, struct fc_err *err);
int sqlite_user_totp_step_use(struct store *s, fc_id_t user_id, int64_t step, struct fc_err *err);
int sqlite_retention_persons_due(struct store *s, fc_time_t before, struct arena *a,
                                 fc_id_t **out, size_t *n, struct fc_err *err);
int sqlite_retention_person_anonymise(struct store *s, fc_id_t person_id, fc_time_t at,
                                      struct retention_person_counts *out, struct fc_err *err);
int sqlite_retention_incidents_due(struct store *s, fc_time_t before, struct arena *a,
                                   fc_id_t **out, size_t *n, struct fc_err *err);
int sqlite_retention_incident_anonymise(struct store *s, fc_id_t incident_id, fc_time_t at,
                                        struct fc_err *err);
/* Whole-store copy (sqlite_copy.c). */
int sqlite_table_list(struct store *s, struct arena *a, struct store_table **out, size_t *n,
                      struct fc_err *err);
int sqlite_rows_each(struct store *s, const struct store_table *t, store_row_cb cb, void *ctx,
                     struct fc_err *err);
int sqlite_rows_count(struct store *s, const char *table, int64_t *out, struct fc_err *err);
int sqlite_rows_put(struct store *s, const struct store_table *t, const char *const *vals,
                    size_t n, struct fc_err *err);
int sqlite_row_set(struct store *s, const struct store_table *t, const char *key,
                   const char *col, const char *val, struct fc_err *err);
int sqlite_ids_reset(struct store *s, struct fc_err *err);
/* several nodes (sqlite_nodes.c): one node, nothing shared */
/* Appends a change (kind "person", "merge" or "unmerge") inside the caller's transaction. */
int sqlite_feed_append(struct sqlite_conn *c, const char *kind, fc_id_t person_id,
                       fc_id_t other_id, struct fc_err *err);
int sqlite_changes_head(struct store *s, int64_t *out, struct fc_err *err);
int sqlite_changes_since(struct store *s, int64_t *cursor, store_change_cb cb, void *ctx,
                         bool *gap, struct fc_err *err);
int sqlite_changes_wait(struct store *s, int timeout_ms, bool *woken, struct fc_err *err);
int sqlite_changes_purge(struct store *s, fc_time_t before, size_t *out_n, struct fc_err *err);
int sqlite_job_try_begin(struct store *s, const char *name, fc_time_t now, int64_t interval_s,
                         bool *claimed, struct fc_err *err);
int sqlite_job_end(struct store *s, const char *name, fc_time_t now, struct fc_err *err);
int sqlite_login_failure_add(struct store *s, const unsigned char key[32], fc_time_t now,
                             int64_t window_s, struct login_failures *out, struct fc_err *err);
int sqlite_login_failure_get(struct store *s, const unsigned char key[32],
                             struct login_failures *out, struct fc_err *err);
int sqlite_login_failure_clear(struct store *s, const unsigned char key[32], struct fc_err *err);

#endif
