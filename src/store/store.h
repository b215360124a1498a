/*
 * store/store.h: the one storage interface. No SQL crosses this line.
 *
 * A backend embeds `struct store` as its first member and provides a static
 * `struct store_ops`. Callers use the store_*() wrappers below, never ops directly, so a
 * fake or failing store (tests) and the PostgreSQL backend slot in without touching them.
 *
 * Threads: one `struct store` is shared by every thread; the backend gives each thread its
 * own connection. A transaction belongs to the thread that began it; calls made outside a
 * transaction run in one of their own. Every multi-row change happens in one transaction.
 * Memory: whatever a call returns is allocated in the caller's arena.
 * Errors: FC_EINVAL for constraint violations (err->field names the column),
 * FC_ENOTFOUND, FC_ECONFLICT for duplicates, FC_EUNAVAIL for busy, full or read-only.
 */
#ifndef FC_STORE_STORE_H
#define FC_STORE_STORE_H

#include "store/model.h"
#include "store/model_intake.h"
#include "store/model_cases.h"
#include "util/arena.h"
#include "util/err.h"

struct store;

/*
 * Search filters; NULL / 0 fields are ignored. Results are newest first, at most `limit`
 * (0: no limit; the API always sets one).
 */
struct person_query {
    const char *surname; /* matches a stored surname, case-insensitive, exact */
    const char *phone_e164;
    const char *postcode;
    size_t limit, offset;
};

struct incident_query {
    fc_id_t person_id;
    fc_id_t org_id;
    const char *status; /* "open" / "closed" */
    const char *category;
    const char *incident_type;
    const char *lsoa_code;
    const char *location_key; /* repeat-location counting */
    fc_time_t from, to;       /* created_at in [from, to) */
    size_t limit, offset;
};

struct contact_query {
    fc_id_t caller_person_id;
    fc_id_t incident_id;
    fc_time_t from, to;
    size_t limit, offset;
};

/* Callback for store_person_scan: one whole person (merged persons are skipped). */
typedef int (*store_person_cb)(void *ctx, const struct person *p);
/* Callback for store_contact_scan / store_flag_scan. */
typedef int (*store_contact_cb)(void *ctx, const struct contact *c);
typedef int (*store_flag_cb)(void *ctx, const struct flag *f);

/* ---- reports, surveys and police.uk open data (sqlite_reports.c, migration 0005) ----
 * Aggregates are computed in the store, as SQL GROUP BY; the report domain turns counts
 * into shares, intervals and verdicts. Group keys come back as text ("2024-03", "2024-Q1",
 * "E01025631", "personal", "14"); a NULL group is returned as "". */

/* A data.police.uk street-level row (src/domain/policeuk). */
struct policeuk_record {
    const char *natural_key;
    const char *crime_id; /* NULL or "" for ASB rows */
    const char *month;    /* "YYYY-MM" */
    const char *reported_by, *falls_within;
    double lat, lon;      /* NaN for "No Location" */
    const char *location, *lsoa_code, *lsoa_name, *crime_type, *last_outcome, *context;
    const char *source_file; /* base name of the file it came from */
    fc_time_t imported_at;
};

enum policeuk_change { POLICEUK_UNCHANGED, POLICEUK_INSERTED, POLICEUK_UPDATED };

enum report_period { REPORT_PERIOD_ALL, REPORT_PERIOD_MONTH, REPORT_PERIOD_QUARTER,
                     REPORT_PERIOD_YEAR };

/* What a count is broken down by, besides the period. Not every report knows every one. */
enum report_dim {
    REPORT_DIM_NONE,
    REPORT_DIM_LSOA,       /* incident LSOA (the domain rolls LSOAs up to districts) */
    REPORT_DIM_CATEGORY,   /* NSIR category */
    REPORT_DIM_TYPE,       /* incident type */
    REPORT_DIM_RISK,       /* incident risk level */
    REPORT_DIM_CHANNEL,    /* contact channel */
    REPORT_DIM_REPEAT,     /* caller was a repeat victim when shown: "yes" / "no" */
    REPORT_DIM_VULNERABLE, /* caller was vulnerable when shown: "yes" / "no" */
    REPORT_DIM_HOUR,       /* hour of day, contact's local time, "00".."23" */
    REPORT_DIM_DOW,        /* day of week, local time, "0" Sunday .. "6" */
    REPORT_DIM_LOCATION,   /* normalised incident location key (repeat locations) */
    REPORT_DIM_KIND,       /* task kind, trigger status */
};

struct report_filter {
    fc_time_t from, to; /* [from, to); 0: unbounded */
    enum report_period period;
    enum report_dim dim;
    fc_id_t org_id;     /* 0: every organisation */
};

struct report_count {
    char *period, *group;
    int64_t n;
};

/* First-contact identification for one period and group (DESIGN.md sections 5 and 9). */
struct report_fc_count {
    char *period, *group;
    int64_t contacts;
    int64_t repeat_later, repeat_flagged;         /* repeat as later known; of them flagged then */
    int64_t vulnerable_later, vulnerable_flagged; /* vulnerable (flag in force) as later known */
    int64_t either_later, either_flagged;         /* repeat or vulnerable */
    int64_t flagged_not_later;                    /* flagged then, not borne out (over-flagging) */
    int64_t incidents, screened_at_contact;       /* incidents; of them risk-screened in the call */
};

/* Satisfaction for one period, group and question: x satisfied of n valid answers. */
struct report_sat_count {
    char *period, *group;
    int question; /* 1..7 */
    int64_t x, n;
};

struct report_task_count {
    char *period, *group;
    int64_t due, done_on_time, done_late, open_overdue, open_in_time;
};

struct survey_answers {
    fc_id_t queue_id;
    const char *instrument; /* "survey/v1" */
    const char *channel;    /* "phone" / "web" */
    int q[5];               /* Q1..Q5: 1..7, 0 don't know / refused */
    const char *q6, *q7;
    fc_id_t recorded_by;    /* 0 for a web response */
    fc_time_t responded_at;
};

struct survey_rates {
    char *period;
    int64_t queued;      /* every queue row, whatever became of it */
    int64_t invited;     /* asked (web link sent or called back), no answer yet */
    int64_t responded, declined;
    int64_t not_eligible; /* surveyed within the configured period already */
};

/* ---- Open311 GeoReport v2 (sqlite_open311.c, migration 0006) ----
 * A posting client's API key (only its BLAKE2b-256 hash), the request a posted report
 * became (its contact and incident), and what flows back: the incident's status and the
 * victim updates sent on it. */
struct open311_key_rec {
    fc_id_t id;
    fc_id_t org_id;
    char *label;
    unsigned char key_hash[32];
    fc_time_t created_at;
    fc_time_t revoked_at; /* 0 while in use */
};

struct open311_request_rec {
    fc_id_t id; /* the service_request_id */
    fc_id_t org_id, key_id, contact_id, incident_id;
    char *service_code;
    char *address;  /* address_string as posted */
    char *address_id;
    char *postcode; /* normalised, when one was found in the location */
    double lat, lon; /* as posted; NaN when not */
    char *media_url;
    char *attributes; /* JSON text */
    fc_time_t requested_at;
    /* read back, not written: from the incident and its victim updates */
    char *status;      /* "open" / "closed" */
    char *description; /* the incident's */
    fc_time_t updated_at; /* the latest of requested, closed and victim update times */
    char *org_name;
};

struct open311_request_query {
    const fc_id_t *ids; /* when n_ids > 0 only these, whatever else is set */
    size_t n_ids;
    const char *const *codes;
    size_t n_codes;
    const char *status;  /* NULL: both */
    fc_time_t from, to;  /* requested_at in [from, to]; 0: unbounded */
    size_t limit;
};

/* Something that happened on a request's incident: a victim update, or the closing of an
 * incident closed without one. */
struct open311_event_rec {
    fc_id_t request_id;
    fc_id_t source_id; /* victim_update id, or the incident id for a bare closure */
    char *kind;        /* "scheduled", "key_event", "closure" (victim updates); "closed" */
    char *event;       /* key events: "arrest", ... */
    char *summary;
    fc_time_t at;
};

/* ---- security and data protection (issue 8; sqlite_security.c, migration 0007) ---- */

/* A supervisor's time-limited override of a sharing refusal on one record. */
struct break_glass_rec {
    fc_id_t id;
    fc_id_t user_id;
    const char *object_type; /* "person", "incident" or "case" */
    fc_id_t object_id;
    const char *reason;      /* stated, 1..500 characters */
    fc_time_t granted_at, expires_at;
};

/* What anonymising one person removed (retention). */
struct retention_person_counts {
    size_t persons;     /* the person and any merged into them */
    size_t identifiers; /* name, date of birth, phone, email and address rows deleted */
    size_t contacts;    /* contacts they made whose caller details were cleared */
    size_t flags;       /* withdrawn flags whose reason and agency details were cleared */
};

/* ---- whole-store copy (sqlite_copy.c, pg_copy.c; store_copy.h drives them) ----
 * A backend describes its own data tables and reads and writes their rows in one
 * canonical text form, so a store can be copied into a store of another backend and both
 * sides checksummed alike. Schema bookkeeping (meta, schema_version) is not a data table.
 * Canonical values: NULL pointer for SQL NULL; integers in decimal; reals as "%.17g";
 * blobs as lower-case hex; text as stored (UTF-8). */
enum store_col_type { STORE_COL_INT, STORE_COL_REAL, STORE_COL_TEXT, STORE_COL_BLOB };

struct store_column {
    char *name;
    enum store_col_type type;
    int key_pos;      /* 1-based position in the primary key, 0 if not part of it */
    bool is_self_ref; /* a foreign key to its own table (person.merged_into) */
};

struct store_table {
    char *name;
    struct store_column *cols;
    size_t n_cols;
    char **refs; /* the other tables it references (foreign keys), without duplicates */
    size_t n_refs;
};

/* One row of rows_each: t->n_cols canonical values in the order of t's columns. */
typedef int (*store_row_cb)(void *ctx, const char *const *vals);

/* ---- several nodes: the change feed (see changes_since) and shared sign-in failures ---- */
enum store_change_kind {
    STORE_CHANGE_PERSON, /* a person was inserted or given identifiers: re-read it */
    STORE_CHANGE_MERGE,   /* person_id merged into other_id */
    STORE_CHANGE_UNMERGE, /* person_id no longer merged into other_id (0: not known) */
};

struct store_change {
    int64_t seq;
    enum store_change_kind kind;
    fc_id_t person_id, other_id;
    bool is_own; /* written through this same store handle (this node) */
    fc_time_t at;
};

typedef int (*store_change_cb)(void *ctx, const struct store_change *c);

struct login_failures {
    int64_t failures;
    fc_time_t first_at, last_at;
};

struct store_ops {
    const char *name; /* "sqlite" or "pg", for logs */

    /* schema and lifecycle */
    int (*migrate)(struct store *s, int *out_version, struct fc_err *err);
    int (*schema_version)(struct store *s, int *out, struct fc_err *err);
    /* Writes a consistent copy of the whole store to dest_path while others keep serving. */
    int (*backup)(struct store *s, const char *dest_path, struct fc_err *err);
    /*
     * Replaces the whole store with the backup at src_path after checking the backup's
     * integrity and schema version; checks the result. Run it with the server stopped.
     */
    int (*restore)(struct store *s, const char *src_path, struct fc_err *err);
    int (*check)(struct store *s, struct fc_err *err); /* integrity / readiness */
    void (*close)(struct store *s);

    /*
     * Transactions, per thread. They nest: an inner begin/commit is a savepoint, and an
     * inner rollback undoes only the inner part. Every op that writes several rows opens
     * its own (nested) transaction, so it is atomic inside or outside the caller's one.
     */
    int (*txn_begin)(struct store *s, struct fc_err *err);
    int (*txn_commit)(struct store *s, struct fc_err *err); /* on failure it rolls back */
    void (*txn_rollback)(struct store *s);                  /* no-op outside a transaction */

    /*
     * Inserts honour a non-zero id in the record (imports keep their ids; FC_ECONFLICT if
     * taken) and otherwise assign one; *out gets the id.
     */

    /* organisations and users */
    int (*org_insert)(struct store *s, const struct organisation *o, fc_id_t *out,
                      struct fc_err *err);
    int (*org_get)(struct store *s, fc_id_t id, struct arena *a, struct organisation *out,
                   struct fc_err *err);
    int (*org_get_by_name)(struct store *s, const char *name, struct arena *a,
                           struct organisation *out, struct fc_err *err);
    int (*org_list)(struct store *s, struct arena *a, struct organisation **out, size_t *n,
                    struct fc_err *err);
    int (*user_insert)(struct store *s, const struct user *u, fc_id_t *out, struct fc_err *err);
    int (*user_get)(struct store *s, fc_id_t id, struct arena *a, struct user *out,
                    struct fc_err *err);
    int (*user_get_by_name)(struct store *s, const char *username, struct arena *a,
                            struct user *out, struct fc_err *err);
    /* Rewrites the user's mutable fields (all but id, username and created_at). */
    int (*user_update)(struct store *s, const struct user *u, struct fc_err *err);
    int (*user_list)(struct store *s, struct arena *a, struct user **out, size_t *n,
                     struct fc_err *err);

    /* sessions (token hashes only) */
    int (*session_insert)(struct store *s, const struct session *se, struct fc_err *err);
    int (*session_get)(struct store *s, const unsigned char token_hash[32], struct session *out,
                       struct fc_err *err);
    int (*session_touch)(struct store *s, const unsigned char token_hash[32], fc_time_t now,
                         struct fc_err *err);
    int (*session_delete)(struct store *s, const unsigned char token_hash[32], struct fc_err *err);
    /* Deletes sessions with expires_at <= now; *out_n (may be NULL) gets how many. */
    int (*session_purge)(struct store *s, fc_time_t now, size_t *out_n, struct fc_err *err);

    /* persons: a person row plus identifier rows, which are appended, never overwritten */
    int (*person_insert)(struct store *s, const struct person *p, fc_id_t *out, struct fc_err *err);
    /* Appends the identifiers in `p` (its id names the person) to an existing person. */
    int (*person_add_identifiers)(struct store *s, const struct person *p, struct fc_err *err);
    int (*person_get)(struct store *s, fc_id_t id, struct arena *a, struct person *out,
                      struct fc_err *err);
    int (*person_search)(struct store *s, const struct person_query *q, struct arena *a,
                         fc_id_t **out, size_t *n, struct fc_err *err);
    /*
     * Calls cb for every person not merged into another, in id order; a non-zero return
     * from cb stops the scan and is returned. The person is valid during the call only.
     * cb may call other ops but must not start another scan. The scan reads one snapshot;
     * a write from cb may fail with FC_EUNAVAIL if another writer commits meanwhile.
     */
    int (*person_scan)(struct store *s, store_person_cb cb, void *ctx, struct fc_err *err);
    /* As person_scan, but persons merged into another are included (exports, audits). */
    int (*person_scan_all)(struct store *s, store_person_cb cb, void *ctx, struct fc_err *err);
    /* Marks `from` merged into `into` (merge) or clears it (unmerge, into = 0). */
    int (*person_set_merged)(struct store *s, fc_id_t from, fc_id_t into, struct fc_err *err);

    /* contacts */
    int (*contact_insert)(struct store *s, const struct contact *c, fc_id_t *out,
                          struct fc_err *err);
    int (*contact_get)(struct store *s, fc_id_t id, struct arena *a, struct contact *out,
                       struct fc_err *err);
    int (*contact_search)(struct store *s, const struct contact_query *q, struct arena *a,
                          struct contact **out, size_t *n, struct fc_err *err);
    /* How many contacts the query matches (limit and offset ignored). */
    int (*contact_count)(struct store *s, const struct contact_query *q, size_t *out,
                         struct fc_err *err);
    int (*contact_set_incident)(struct store *s, fc_id_t contact_id, fc_id_t incident_id,
                                struct fc_err *err);
    /* Records the caller and snapshot once chosen; a snapshot, once set, never changes. */
    int (*contact_set_caller)(struct store *s, fc_id_t contact_id, fc_id_t caller_person_id,
                              const char *match_snapshot, struct fc_err *err);
    int (*contact_scan)(struct store *s, store_contact_cb cb, void *ctx, struct fc_err *err);

    /* incidents; insert and update write the incident_person links too (update replaces) */
    int (*incident_insert)(struct store *s, const struct incident *i, fc_id_t *out,
                           struct fc_err *err);
    int (*incident_update)(struct store *s, const struct incident *i, struct fc_err *err);
    int (*incident_get)(struct store *s, fc_id_t id, struct arena *a, struct incident *out,
                        struct fc_err *err);
    int (*incident_search)(struct store *s, const struct incident_query *q, struct arena *a,
                           struct incident **out, size_t *n, struct fc_err *err);

    /* flags */
    int (*flag_insert)(struct store *s, const struct flag *f, fc_id_t *out, struct fc_err *err);
    int (*flag_get)(struct store *s, fc_id_t id, struct arena *a, struct flag *out,
                    struct fc_err *err);
    /* Rewrites reason, review_date, withdrawn_at, sharing_basis; person and kind are fixed. */
    int (*flag_update)(struct store *s, const struct flag *f, struct fc_err *err);
    int (*flag_list_for_person)(struct store *s, fc_id_t person_id, struct arena *a,
                                struct flag **out, size_t *n, struct fc_err *err);
    int (*flag_scan)(struct store *s, store_flag_cb cb, void *ctx, struct fc_err *err);

    /* audit: append-only; the backend fills seq, prev_hash and hash (BLAKE2b-256) */
    int (*audit_append)(struct store *s, struct audit_event *ev, struct fc_err *err);
    /*
     * Appends n events, all or none, durable on return (or with the caller's transaction).
     * Outside a transaction a backend may commit several threads' appends together (group
     * commit).
     */
    int (*audit_append_batch)(struct store *s, struct audit_event *evs, size_t n,
                              struct fc_err *err);
    int (*audit_list)(struct store *s, const char *object_type, fc_id_t object_id,
                      fc_id_t actor_user_id, struct arena *a, struct audit_event **out, size_t *n,
                      struct fc_err *err);
    /*
     * Walks the whole chain: *out_bad_seq = 0 when every hash checks out, else the first
     * seq whose row, link or place in the sequence is wrong; *out_count = rows checked.
     */
    int (*audit_verify)(struct store *s, int64_t *out_bad_seq, int64_t *out_count,
                        struct fc_err *err);

    /* ---- call handling (issue 4): risk, grades, labels, tasks, Community Trigger,
     * victim updates, closure, survey queue. Records are appended; only a task's status,
     * a trigger's status and steps, and an update plan's next due time change. ---- */
    int (*team_area_replace)(struct store *s, const char *version, const char *const *lsoa,
                             const char *const *team_id, const char *const *team_name,
                             const char *const *district, size_t n, struct fc_err *err);
    int (*risk_assessment_insert)(struct store *s, const struct risk_assessment_rec *r,
                                  fc_id_t *out, struct fc_err *err);
    /* By incident (person_id 0) or by person (incident_id 0), oldest first. */
    int (*risk_assessment_list)(struct store *s, fc_id_t incident_id, fc_id_t person_id,
                                struct arena *a, struct risk_assessment_rec **out, size_t *n,
                                struct fc_err *err);
    int (*grade_insert)(struct store *s, const struct grade_rec *g, fc_id_t *out,
                        struct fc_err *err);
    int (*grade_list)(struct store *s, fc_id_t incident_id, struct arena *a,
                      struct grade_rec **out, size_t *n, struct fc_err *err);
    int (*contact_labels_insert)(struct store *s, const struct contact_labels_rec *l,
                                 struct fc_err *err);
    int (*contact_labels_get)(struct store *s, fc_id_t contact_id, struct arena *a,
                              struct contact_labels_rec *out, struct fc_err *err);
    /* FC_ECONFLICT when an open task of that kind and rank exists for the incident. */
    int (*task_insert)(struct store *s, const struct task_rec *t, fc_id_t *out,
                       struct fc_err *err);
    int (*task_get)(struct store *s, fc_id_t id, struct arena *a, struct task_rec *out,
                    struct fc_err *err);
    /* Ordered by due_at, then id. */
    int (*task_search)(struct store *s, const struct task_query *q, struct arena *a,
                       struct task_rec **out, size_t *n, struct fc_err *err);
    /* Closes an open task as "done" or "cancelled"; FC_ECONFLICT if it is not open. */
    int (*task_close)(struct store *s, fc_id_t id, const char *status, fc_id_t by,
                      fc_time_t at, const char *outcome, struct fc_err *err);
    int (*task_set_escalated)(struct store *s, fc_id_t id, fc_time_t at, struct fc_err *err);
    int (*trigger_insert)(struct store *s, const struct community_trigger_rec *t, fc_id_t *out,
                          struct fc_err *err);
    int (*trigger_get)(struct store *s, fc_id_t id, struct arena *a,
                       struct community_trigger_rec *out, struct fc_err *err);
    int (*trigger_list_for_person)(struct store *s, fc_id_t person_id, struct arena *a,
                                   struct community_trigger_rec **out, size_t *n,
                                   struct fc_err *err);
    int (*trigger_set_status)(struct store *s, fc_id_t id, const char *status,
                              const char *decision_reason, const char *outcome,
                              struct fc_err *err);
    /* Sets one step's due time and, when done_at != 0, its completion. */
    int (*trigger_step_set)(struct store *s, fc_id_t trigger_id, const char *step,
                            fc_time_t due_at, fc_time_t done_at, fc_id_t done_by,
                            const char *note, struct fc_err *err);
    int (*update_plan_insert)(struct store *s, const struct update_plan_rec *p, fc_id_t *out,
                              struct fc_err *err);
    /* The plan in force (the newest) for an incident. */
    int (*update_plan_current)(struct store *s, fc_id_t incident_id, struct arena *a,
                               struct update_plan_rec *out, struct fc_err *err);
    int (*update_plan_set_next_due)(struct store *s, fc_id_t plan_id, fc_time_t next_due_at,
                                    struct fc_err *err);
    /* Plans whose next update is due before `before`, oldest first. */
    int (*update_plan_due)(struct store *s, fc_time_t before, struct arena *a,
                           struct update_plan_rec **out, size_t *n, struct fc_err *err);
    int (*victim_update_insert)(struct store *s, const struct victim_update_rec *u,
                                fc_id_t *out, struct fc_err *err);
    int (*victim_update_list)(struct store *s, fc_id_t incident_id, struct arena *a,
                              struct victim_update_rec **out, size_t *n, struct fc_err *err);
    int (*incident_closure_insert)(struct store *s, const struct incident_closure_rec *c,
                                   struct fc_err *err);
    int (*incident_closure_get)(struct store *s, fc_id_t incident_id, struct arena *a,
                                struct incident_closure_rec *out, struct fc_err *err);
    int (*survey_queue_insert)(struct store *s, const struct survey_queue_rec *q, fc_id_t *out,
                               struct fc_err *err);
    int (*survey_queue_list)(struct store *s, const char *status, struct arena *a,
                             struct survey_queue_rec **out, size_t *n, struct fc_err *err);
    /* History for the repeat rules, over [from, to). */
    int (*history_caller_contacts)(struct store *s, fc_id_t person_id, fc_time_t from,
                                   fc_time_t to, fc_id_t exclude_contact, struct arena *a,
                                   fc_time_t **out, size_t *n, struct fc_err *err);
    /* Incidents naming the person in `role` ("victim", "suspect"), by created_at. */
    int (*history_person_incidents)(struct store *s, fc_id_t person_id, const char *role,
                                    fc_time_t from, fc_time_t to, struct arena *a,
                                    fc_time_t **out, size_t *n, struct fc_err *err);
    /* Incidents with the same location key or inside the lat/lon box (NaN: key only). */
    int (*history_place_incidents)(struct store *s, const char *location_key, double lat_min,
                                   double lat_max, double lon_min, double lon_max,
                                   fc_time_t from, fc_time_t to, fc_id_t exclude_incident,
                                   struct arena *a, struct history_place_row **out, size_t *n,
                                   struct fc_err *err);
    /* Contacts by the person, or about incidents with the problem key (NULL: none). */
    int (*history_complaints)(struct store *s, fc_id_t person_id, const char *problem_key,
                              fc_time_t from, fc_time_t to, fc_id_t exclude_contact,
                              struct arena *a, struct history_complaint_row **out, size_t *n,
                              struct fc_err *err);

    /* ---- cases (issue 6): partnership case management; sqlite_cases.c, migration 0004.
     * A case row changes only through case_update (optimistic: FC_ECONFLICT on a stale
     * version); the timeline (case_entry) and reviews are append-only; shares are revoked,
     * not deleted; an action's status moves forward. Every change has a timeline row. ---- */
    /* Inserts the case; a NULL ref gets "CASE-<year>-<id>". Sets *out to the id. */
    int (*case_insert)(struct store *s, const struct asb_case *c, fc_id_t *out,
                       struct fc_err *err);
    int (*case_get)(struct store *s, fc_id_t id, struct arena *a, struct asb_case *out,
                    struct fc_err *err);
    /* Writes title, lead, status, risk, area, sharing, review and closure fields when
     * c->version matches the stored one; bumps the version. */
    int (*case_update)(struct store *s, const struct asb_case *c, struct fc_err *err);
    int (*case_search)(struct store *s, const struct case_query *q, struct arena *a,
                       struct asb_case **out, size_t *n, struct fc_err *err);
    /* Cases a person is a party to, or an incident is linked to (either id 0). */
    int (*case_ids_involving)(struct store *s, fc_id_t person_id, fc_id_t incident_id,
                              struct arena *a, fc_id_t **out, size_t *n, struct fc_err *err);
    /* FC_ECONFLICT if the organisation already has a live share on the case. */
    int (*case_share_insert)(struct store *s, const struct case_share *sh, fc_id_t *out,
                             struct fc_err *err);
    int (*case_share_revoke)(struct store *s, fc_id_t share_id, fc_id_t by, fc_time_t at,
                             struct fc_err *err);
    /* Every share of a case (revoked ones too), oldest first. */
    int (*case_share_list)(struct store *s, fc_id_t case_id, struct arena *a,
                           struct case_share **out, size_t *n, struct fc_err *err);
    int (*case_party_insert)(struct store *s, const struct case_party *p, fc_id_t *out,
                             struct fc_err *err);
    int (*case_party_list)(struct store *s, fc_id_t case_id, struct arena *a,
                           struct case_party **out, size_t *n, struct fc_err *err);
    int (*case_incident_link)(struct store *s, fc_id_t case_id, fc_id_t incident_id,
                              fc_id_t by, fc_time_t at, struct fc_err *err);
    int (*case_incident_list)(struct store *s, fc_id_t case_id, struct arena *a, fc_id_t **out,
                              size_t *n, struct fc_err *err);
    int (*case_location_insert)(struct store *s, const struct case_location *l, fc_id_t *out,
                                struct fc_err *err);
    int (*case_location_list)(struct store *s, fc_id_t case_id, struct arena *a,
                              struct case_location **out, size_t *n, struct fc_err *err);
    int (*case_action_insert)(struct store *s, const struct case_action *ac, fc_id_t *out,
                              struct fc_err *err);
    int (*case_action_get)(struct store *s, fc_id_t id, struct arena *a,
                           struct case_action *out, struct fc_err *err);
    /* Sets status, outcome, owner, due, updated_at and completed_at. */
    int (*case_action_update)(struct store *s, const struct case_action *ac,
                              struct fc_err *err);
    /* Ordered by due time, then id. */
    int (*case_action_search)(struct store *s, const struct case_action_query *q,
                              struct arena *a, struct case_action **out, size_t *n,
                              struct fc_err *err);
    int (*case_review_insert)(struct store *s, const struct case_review *r, fc_id_t *out,
                              struct fc_err *err);
    int (*case_review_list)(struct store *s, fc_id_t case_id, struct arena *a,
                            struct case_review **out, size_t *n, struct fc_err *err);
    /* FC_ECONFLICT if this due time was already escalated. */
    int (*case_escalation_insert)(struct store *s, const struct case_escalation *e,
                                  struct fc_err *err);
    /* The latest escalated due time of a case, 0 if none. */
    int (*case_escalation_last)(struct store *s, fc_id_t case_id, fc_time_t *out,
                                struct fc_err *err);
    int (*case_entry_append)(struct store *s, const struct case_entry *e, fc_id_t *out,
                             struct fc_err *err);
    /* The timeline, oldest first; kind NULL for every kind. */
    int (*case_entry_list)(struct store *s, fc_id_t case_id, const char *kind,
                           struct arena *a, struct case_entry **out, size_t *n,
                           struct fc_err *err);
    int (*flag_review_insert)(struct store *s, const struct flag_review *r, fc_id_t *out,
                              struct fc_err *err);
    int (*flag_review_get)(struct store *s, fc_id_t id, struct arena *a,
                           struct flag_review *out, struct fc_err *err);
    /* Reviews of an organisation (0: all) with a status (NULL: any), oldest first. */
    int (*flag_review_list)(struct store *s, fc_id_t org_id, const char *status,
                            struct arena *a, struct flag_review **out, size_t *n,
                            struct fc_err *err);
    /* Records the decision on a pending review; FC_ECONFLICT if already decided. */
    int (*flag_review_decide)(struct store *s, fc_id_t id, const char *status, fc_id_t by,
                              fc_time_t at, fc_id_t person_id, fc_id_t flag_id,
                              struct fc_err *err);
    /* Queues a victim of a closed case for the satisfaction survey (survey_queue). */
    int (*case_survey_queue)(struct store *s, fc_id_t case_id, fc_id_t incident_id,
                             fc_id_t person_id, fc_time_t at, struct fc_err *err);
    /* ---- end of cases ---- */
    /* ---- reports, surveys and police.uk (sqlite_reports.c) ---- */
    /* Inserts or updates a police.uk row by natural key; *out_change says which. */
    int (*policeuk_upsert)(struct store *s, const struct policeuk_record *r,
                           enum policeuk_change *out_change, struct fc_err *err);
    /* n upserts in order, as n policeuk_upsert calls in one (nested) transaction, sent
     * together where the backend can (a PostgreSQL pipeline). out_changes[i] says what
     * row i did; on failure nothing of the batch stays and *out_failed is the refused row. */
    int (*policeuk_upsert_many)(struct store *s, const struct policeuk_record *recs, size_t n,
                                enum policeuk_change *out_changes, size_t *out_failed,
                                struct fc_err *err);
    /* police.uk rows of one crime type (NULL: all) per period and LSOA or NONE. Months are
     * compared as text with filter from/to turned into "YYYY-MM". */
    int (*policeuk_counts)(struct store *s, const struct report_filter *f, const char *crime_type,
                           struct arena *a, struct report_count **out, size_t *n,
                           struct fc_err *err);
    /* Incidents created in the window, by period and dim. */
    int (*report_incident_counts)(struct store *s, const struct report_filter *f,
                                  struct arena *a, struct report_count **out, size_t *n,
                                  struct fc_err *err);
    /* Contacts received in the window, by period and dim. */
    int (*report_contact_counts)(struct store *s, const struct report_filter *f, struct arena *a,
                                 struct report_count **out, size_t *n, struct fc_err *err);
    /* First-contact identification, recomputed from everything stored now. */
    int (*report_first_contact)(struct store *s, const struct report_filter *f, struct arena *a,
                                struct report_fc_count **out, size_t *n, struct fc_err *err);
    /* Tasks due in the window by period and kind (dim is ignored); `now` decides overdue. */
    int (*report_tasks)(struct store *s, const struct report_filter *f, fc_time_t now,
                        struct arena *a, struct report_task_count **out, size_t *n,
                        struct fc_err *err);
    /* Community Trigger applications in the window by period and "status/outcome". */
    int (*report_triggers)(struct store *s, const struct report_filter *f, struct arena *a,
                           struct report_count **out, size_t *n, struct fc_err *err);
    /* Survey answers given in the window: satisfied counts per period, group and question. */
    int (*report_satisfaction)(struct store *s, const struct report_filter *f, struct arena *a,
                               struct report_sat_count **out, size_t *n, struct fc_err *err);
    /* Survey queue outcomes by the period of queueing. */
    int (*report_survey_rates)(struct store *s, const struct report_filter *f, struct arena *a,
                               struct survey_rates **out, size_t *n, struct fc_err *err);

    /* Survey queue rows (survey_queue_insert and _list are the call-handling ops above);
     * status: queued, invited, responded, declined, not_eligible. */
    int (*survey_get)(struct store *s, fc_id_t id, struct arena *a, struct survey_queue_rec *out,
                      struct fc_err *err);
    int (*survey_set_status)(struct store *s, fc_id_t id, const char *status, struct fc_err *err);
    /* How many of the person's surveys (merges followed) were invited, answered or declined
     * since `since`, not counting queue row `exclude_id`. */
    int (*survey_person_recent)(struct store *s, fc_id_t person_id, fc_time_t since,
                                fc_id_t exclude_id, int64_t *out, struct fc_err *err);
    int (*survey_token_insert)(struct store *s, const unsigned char token_hash[32],
                               fc_id_t queue_id, fc_time_t created_at, fc_time_t expires_at,
                               struct fc_err *err);
    /* Marks an unused, unexpired token used and gives its queue row; FC_ENOTFOUND when the
     * token is unknown, used or expired (one answer, so a link cannot be probed). */
    int (*survey_token_use)(struct store *s, const unsigned char token_hash[32], fc_time_t now,
                            fc_id_t *out_queue_id, struct fc_err *err);
    /* Looks a token up without using it (to show the form). Same errors as use. */
    int (*survey_token_peek)(struct store *s, const unsigned char token_hash[32], fc_time_t now,
                             fc_id_t *out_queue_id, struct fc_err *err);
    int (*survey_response_insert)(struct store *s, const struct survey_answers *r, fc_id_t *out,
                                  struct fc_err *err);
    /* ---- security and data protection (sqlite_security.c, migration 0007) ---- */
    int (*break_glass_insert)(struct store *s, const struct break_glass_rec *g, fc_id_t *out,
                              struct fc_err *err);
    /* The latest expiry of the user's grants on the record still in force at `now`, or 0. */
    int (*break_glass_active)(struct store *s, fc_id_t user_id, const char *object_type,
                              fc_id_t object_id, fc_time_t now, fc_time_t *out_expires,
                              struct fc_err *err);
    /* Grants made in [from, to) (0: unbounded), newest first. */
    int (*break_glass_list)(struct store *s, fc_time_t from, fc_time_t to, struct arena *a,
                            struct break_glass_rec **out, size_t *n, struct fc_err *err);
    /* Records TOTP time step `step` as used by the user; FC_ECONFLICT when that step or a
     * later one was already used (a code is good once). */
    int (*user_totp_step_use)(struct store *s, fc_id_t user_id, int64_t step,
                              struct fc_err *err);
    /*
     * Persons due for anonymisation: not merged into another, not yet anonymised, whose last
     * activity (the person, any identifier, a contact they made, an incident naming them, a
     * flag on them, a case they are a party to, counting persons merged into them) was
     * before `before`, and who have no flag in force, open incident or open case. Id order.
     */
    int (*retention_persons_due)(struct store *s, fc_time_t before, struct arena *a,
                                 fc_id_t **out, size_t *n, struct fc_err *err);
    /* Deletes the person's identifiers (and those of persons merged into them), clears the
     * caller details and match snapshot of their contacts and the reason and agency
     * details of their withdrawn flags, and marks them anonymised at `at`. */
    int (*retention_person_anonymise)(struct store *s, fc_id_t person_id, fc_time_t at,
                                      struct retention_person_counts *out, struct fc_err *err);
    /* Closed incidents, closed before `before`, not anonymised, on no open case. Id order. */
    int (*retention_incidents_due)(struct store *s, fc_time_t before, struct arena *a,
                                   fc_id_t **out, size_t *n, struct fc_err *err);
    /* Clears an incident's description and exact location (the LSOA, category, type and
     * dates stay for statistics) and marks it anonymised at `at`. */
    int (*retention_incident_anonymise)(struct store *s, fc_id_t incident_id, fc_time_t at,
                                        struct fc_err *err);
    /* ---- whole-store copy (see store_table above) ---- */
    /* The data tables with their columns (in stored order), keys and references. */
    int (*table_list)(struct store *s, struct arena *a, struct store_table **out, size_t *n,
                      struct fc_err *err);
    /* Every row of table t->name, the columns t names in t's order, ordered by primary
     * key (text and blobs byte-wise). Runs in one snapshot; a non-zero cb return stops it
     * and is returned. */
    int (*rows_each)(struct store *s, const struct store_table *t, store_row_cb cb, void *ctx,
                     struct fc_err *err);
    int (*rows_count)(struct store *s, const char *table, int64_t *out, struct fc_err *err);
    /* Inserts n rows (n x t->n_cols canonical values, row after row) into t->name as
     * given, ids included, in one (nested) transaction. */
    int (*rows_put)(struct store *s, const struct store_table *t, const char *const *vals,
                    size_t n, struct fc_err *err);
    /* Sets column col of the row whose single-column key is key to val (canonical). */
    int (*row_set)(struct store *s, const struct store_table *t, const char *key,
                   const char *col, const char *val, struct fc_err *err);
    /* After rows were put with their ids: the next id of every table follows its largest. */
    int (*ids_reset)(struct store *s, struct fc_err *err);

    /* ---- Open311 (sqlite_open311.c) ---- */
    int (*open311_key_insert)(struct store *s, const struct open311_key_rec *k, fc_id_t *out,
                              struct fc_err *err);
    /* The key with this hash, revoked or not; FC_ENOTFOUND when none. */
    int (*open311_key_get_by_hash)(struct store *s, const unsigned char key_hash[32],
                                   struct arena *a, struct open311_key_rec *out,
                                   struct fc_err *err);
    /* Every key of an organisation (0: all), oldest first. */
    int (*open311_key_list)(struct store *s, fc_id_t org_id, struct arena *a,
                            struct open311_key_rec **out, size_t *n, struct fc_err *err);
    /* FC_ENOTFOUND when no such key is in use. */
    int (*open311_key_revoke)(struct store *s, fc_id_t id, fc_time_t at, struct fc_err *err);
    int (*open311_request_insert)(struct store *s, const struct open311_request_rec *r,
                                  fc_id_t *out, struct fc_err *err);
    /* Requests with their status, newest first, at most q->limit. */
    int (*open311_request_search)(struct store *s, const struct open311_request_query *q,
                                  struct arena *a, struct open311_request_rec **out, size_t *n,
                                  struct fc_err *err);
    /* Events on an organisation's requests with `at` in [from, to], oldest first. */
    int (*open311_event_list)(struct store *s, fc_id_t org_id, fc_time_t from, fc_time_t to,
                              size_t limit, struct arena *a, struct open311_event_rec **out,
                              size_t *n, struct fc_err *err);
    /* ---- several nodes on one database (store/pg/pg_nodes.c, migration 0008). A SQLite
     * store serves one node: its feed is always empty, every job claim is granted and
     * sign-in failures are not shared (the HTTP layer's own limiter is enough). ---- */
    /* The newest change's seq, 0 when there is none. */
    int (*changes_head)(struct store *s, int64_t *out, struct fc_err *err);
    /*
     * Calls cb for every change after *cursor, oldest first, advancing *cursor past each
     * one cb accepts (returns 0); a non-zero return stops and is returned. *gap is set when
     * changes after *cursor were purged before being read (the reader must rebuild).
     */
    int (*changes_since)(struct store *s, int64_t *cursor, store_change_cb cb, void *ctx,
                         bool *gap, struct fc_err *err);
    /* Waits up to timeout_ms for a change to be committed anywhere; *woken says whether
     * one was announced. FC_EUNAVAIL when the connection is lost (call again to reconnect). */
    int (*changes_wait)(struct store *s, int timeout_ms, bool *woken, struct fc_err *err);
    /* Deletes changes recorded before `before`, always keeping the newest. */
    int (*changes_purge)(struct store *s, fc_time_t before, size_t *out_n, struct fc_err *err);
    /*
     * Claims one run of scheduled job `name` (1-64 characters): *claimed is true when no
     * other node holds the job now and none started it within interval_s before `now`.
     * A claimed run must be ended with job_end on the same thread.
     */
    int (*job_try_begin)(struct store *s, const char *name, fc_time_t now, int64_t interval_s,
                         bool *claimed, struct fc_err *err);
    int (*job_end)(struct store *s, const char *name, fc_time_t now, struct fc_err *err);
    /*
     * Sign-in failures shared by every node, per key (a hash: never a username). add counts
     * one failure at `now`, starting a new streak when the last one is more than window_s
     * old, and gives the state after it; get gives it (zeros when none); clear forgets it.
     */
    int (*login_failure_add)(struct store *s, const unsigned char key[32], fc_time_t now,
                             int64_t window_s, struct login_failures *out, struct fc_err *err);
    int (*login_failure_get)(struct store *s, const unsigned char key[32],
                             struct login_failures *out, struct fc_err *err);
    int (*login_failure_clear)(struct store *s, const unsigned char key[32], struct fc_err *err);
};

struct store {
    const struct store_ops *ops; /* first member: backends embed struct store */
};

/*
 * Opens a store from a URL: "sqlite:PATH" or a plain path for SQLite, "postgresql://..."
 * for PostgreSQL. Does not migrate. Free with store_close().
 */
int store_open(const char *url, struct store **out, struct fc_err *err);
void store_close(struct store *s); /* NULL-safe */

/* Calls an op by name: STORE_CALL(s, person_get, id, a, &p, err). Prefer the wrappers. */
#define STORE_CALL(s, op, ...) ((s)->ops->op((s), __VA_ARGS__))

/* Thin wrappers, one per op, so callers read as store_person_get(s, ...). */
static inline int store_migrate(struct store *s, int *out_version, struct fc_err *err)
{
    return s->ops->migrate(s, out_version, err);
}
static inline int store_schema_version(struct store *s, int *out, struct fc_err *err)
{
    return s->ops->schema_version(s, out, err);
}
static inline int store_backup(struct store *s, const char *dest_path, struct fc_err *err)
{
    return s->ops->backup(s, dest_path, err);
}
static inline int store_restore(struct store *s, const char *src_path, struct fc_err *err)
{
    return s->ops->restore(s, src_path, err);
}
static inline int store_check(struct store *s, struct fc_err *err)
{
    return s->ops->check(s, err);
}
static inline int store_txn_begin(struct store *s, struct fc_err *err)
{
    return s->ops->txn_begin(s, err);
}
static inline int store_txn_commit(struct store *s, struct fc_err *err)
{
    return s->ops->txn_commit(s, err);
}
static inline void store_txn_rollback(struct store *s)
{
    s->ops->txn_rollback(s);
}
static inline int store_org_insert(struct store *s, const struct organisation *o, fc_id_t *out,
                                   struct fc_err *err)
{
    return s->ops->org_insert(s, o, out, err);
}
static inline int store_org_get(struct store *s, fc_id_t id, struct arena *a,
                                struct organisation *out, struct fc_err *err)
{
    return s->ops->org_get(s, id, a, out, err);
}
static inline int store_org_get_by_name(struct store *s, const char *name, struct arena *a,
                                        struct organisation *out, struct fc_err *err)
{
    return s->ops->org_get_by_name(s, name, a, out, err);
}
static inline int store_org_list(struct store *s, struct arena *a, struct organisation **out,
                                 size_t *n, struct fc_err *err)
{
    return s->ops->org_list(s, a, out, n, err);
}
static inline int store_user_insert(struct store *s, const struct user *u, fc_id_t *out,
                                    struct fc_err *err)
{
    return s->ops->user_insert(s, u, out, err);
}
static inline int store_user_get(struct store *s, fc_id_t id, struct arena *a, struct user *out,
                                 struct fc_err *err)
{
    return s->ops->user_get(s, id, a, out, err);
}
static inline int store_user_get_by_name(struct store *s, const char *username, struct arena *a,
                                         struct user *out, struct fc_err *err)
{
    return s->ops->user_get_by_name(s, username, a, out, err);
}
static inline int store_user_update(struct store *s, const struct user *u, struct fc_err *err)
{
    return s->ops->user_update(s, u, err);
}
static inline int store_user_list(struct store *s, struct arena *a, struct user **out, size_t *n,
                                  struct fc_err *err)
{
    return s->ops->user_list(s, a, out, n, err);
}
static inline int store_session_insert(struct store *s, const struct session *se,
                                       struct fc_err *err)
{
    return s->ops->session_insert(s, se, err);
}
static inline int store_session_get(struct store *s, const unsigned char token_hash[32],
                                    struct session *out, struct fc_err *err)
{
    return s->ops->session_get(s, token_hash, out, err);
}
static inline int store_session_touch(struct store *s, const unsigned char token_hash[32],
                                      fc_time_t now, struct fc_err *err)
{
    return s->ops->session_touch(s, token_hash, now, err);
}
static inline int store_session_delete(struct store *s, const unsigned char token_hash[32],
                                       struct fc_err *err)
{
    return s->ops->session_delete(s, token_hash, err);
}
static inline int store_session_purge(struct store *s, fc_time_t now, size_t *out_n,
                                      struct fc_err *err)
{
    return s->ops->session_purge(s, now, out_n, err);
}
static inline int store_person_insert(struct store *s, const struct person *p, fc_id_t *out,
                                      struct fc_err *err)
{
    return s->ops->person_insert(s, p, out, err);
}
static inline int store_person_add_identifiers(struct store *s, const struct person *p,
                                               struct fc_err *err)
{
    return s->ops->person_add_identifiers(s, p, err);
}
static inline int store_person_get(struct store *s, fc_id_t id, struct arena *a, struct person *out,
                                   struct fc_err *err)
{
    return s->ops->person_get(s, id, a, out, err);
}
static inline int store_person_search(struct store *s, const struct person_query *q,
                                      struct arena *a, fc_id_t **out, size_t *n, struct fc_err *err)
{
    return s->ops->person_search(s, q, a, out, n, err);
}
static inline int store_person_scan(struct store *s, store_person_cb cb, void *ctx,
                                    struct fc_err *err)
{
    return s->ops->person_scan(s, cb, ctx, err);
}
static inline int store_person_scan_all(struct store *s, store_person_cb cb, void *ctx,
                                        struct fc_err *err)
{
    return s->ops->person_scan_all(s, cb, ctx, err);
}
static inline int store_person_set_merged(struct store *s, fc_id_t from, fc_id_t into,
                                          struct fc_err *err)
{
    return s->ops->person_set_merged(s, from, into, err);
}
static inline int store_contact_insert(struct store *s, const struct contact *c, fc_id_t *out,
                                       struct fc_err *err)
{
    return s->ops->contact_insert(s, c, out, err);
}
static inline int store_contact_get(struct store *s, fc_id_t id, struct arena *a,
                                    struct contact *out, struct fc_err *err)
{
    return s->ops->contact_get(s, id, a, out, err);
}
static inline int store_contact_search(struct store *s, const struct contact_query *q,
                                       struct arena *a, struct contact **out, size_t *n,
                                       struct fc_err *err)
{
    return s->ops->contact_search(s, q, a, out, n, err);
}
static inline int store_contact_count(struct store *s, const struct contact_query *q, size_t *out,
                                      struct fc_err *err)
{
    return s->ops->contact_count(s, q, out, err);
}
static inline int store_contact_set_incident(struct store *s, fc_id_t contact_id,
                                             fc_id_t incident_id, struct fc_err *err)
{
    return s->ops->contact_set_incident(s, contact_id, incident_id, err);
}
static inline int store_contact_set_caller(struct store *s, fc_id_t contact_id,
                                           fc_id_t caller_person_id, const char *match_snapshot,
                                           struct fc_err *err)
{
    return s->ops->contact_set_caller(s, contact_id, caller_person_id, match_snapshot, err);
}
static inline int store_contact_scan(struct store *s, store_contact_cb cb, void *ctx,
                                     struct fc_err *err)
{
    return s->ops->contact_scan(s, cb, ctx, err);
}
static inline int store_incident_insert(struct store *s, const struct incident *i, fc_id_t *out,
                                        struct fc_err *err)
{
    return s->ops->incident_insert(s, i, out, err);
}
static inline int store_incident_update(struct store *s, const struct incident *i,
                                        struct fc_err *err)
{
    return s->ops->incident_update(s, i, err);
}
static inline int store_incident_get(struct store *s, fc_id_t id, struct arena *a,
                                     struct incident *out, struct fc_err *err)
{
    return s->ops->incident_get(s, id, a, out, err);
}
static inline int store_incident_search(struct store *s, const struct incident_query *q,
                                        struct arena *a, struct incident **out, size_t *n,
                                        struct fc_err *err)
{
    return s->ops->incident_search(s, q, a, out, n, err);
}
static inline int store_flag_insert(struct store *s, const struct flag *f, fc_id_t *out,
                                    struct fc_err *err)
{
    return s->ops->flag_insert(s, f, out, err);
}
static inline int store_flag_get(struct store *s, fc_id_t id, struct arena *a, struct flag *out,
                                 struct fc_err *err)
{
    return s->ops->flag_get(s, id, a, out, err);
}
static inline int store_flag_update(struct store *s, const struct flag *f, struct fc_err *err)
{
    return s->ops->flag_update(s, f, err);
}
static inline int store_flag_list_for_person(struct store *s, fc_id_t person_id, struct arena *a,
                                             struct flag **out, size_t *n, struct fc_err *err)
{
    return s->ops->flag_list_for_person(s, person_id, a, out, n, err);
}
static inline int store_flag_scan(struct store *s, store_flag_cb cb, void *ctx, struct fc_err *err)
{
    return s->ops->flag_scan(s, cb, ctx, err);
}
static inline int store_audit_append(struct store *s, struct audit_event *ev, struct fc_err *err)
{
    return s->ops->audit_append(s, ev, err);
}
static inline int store_audit_append_batch(struct store *s, struct audit_event *evs, size_t n,
                                           struct fc_err *err)
{
    return s->ops->audit_append_batch(s, evs, n, err);
}
static inline int store_audit_list(struct store *s, const char *object_type, fc_id_t object_id,
                                   fc_id_t actor_user_id, struct arena *a, struct audit_event **out,
                                   size_t *n, struct fc_err *err)
{
    return s->ops->audit_list(s, object_type, object_id, actor_user_id, a, out, n, err);
}
static inline int store_audit_verify(struct store *s, int64_t *out_bad_seq, int64_t *out_count,
                                     struct fc_err *err)
{
    return s->ops->audit_verify(s, out_bad_seq, out_count, err);
}


/* ---- call handling wrappers ---- */
static inline int store_team_area_replace(struct store *s, const char *version,
                                          const char *const *lsoa, const char *const *team_id,
                                          const char *const *team_name,
                                          const char *const *district, size_t n,
                                          struct fc_err *err)
{
    return STORE_CALL(s, team_area_replace, version, lsoa, team_id, team_name, district, n, err);
}
static inline int store_risk_assessment_insert(struct store *s,
                                               const struct risk_assessment_rec *r, fc_id_t *out,
                                               struct fc_err *err)
{
    return STORE_CALL(s, risk_assessment_insert, r, out, err);
}
static inline int store_risk_assessment_list(struct store *s, fc_id_t incident_id,
                                             fc_id_t person_id, struct arena *a,
                                             struct risk_assessment_rec **out, size_t *n,
                                             struct fc_err *err)
{
    return STORE_CALL(s, risk_assessment_list, incident_id, person_id, a, out, n, err);
}
static inline int store_grade_insert(struct store *s, const struct grade_rec *g, fc_id_t *out,
                                     struct fc_err *err)
{
    return STORE_CALL(s, grade_insert, g, out, err);
}
static inline int store_grade_list(struct store *s, fc_id_t incident_id, struct arena *a,
                                   struct grade_rec **out, size_t *n, struct fc_err *err)
{
    return STORE_CALL(s, grade_list, incident_id, a, out, n, err);
}
static inline int store_contact_labels_insert(struct store *s, const struct contact_labels_rec *l,
                                              struct fc_err *err)
{
    return STORE_CALL(s, contact_labels_insert, l, err);
}
static inline int store_contact_labels_get(struct store *s, fc_id_t contact_id, struct arena *a,
                                           struct contact_labels_rec *out, struct fc_err *err)
{
    return STORE_CALL(s, contact_labels_get, contact_id, a, out, err);
}
static inline int store_task_insert(struct store *s, const struct task_rec *t, fc_id_t *out,
                                    struct fc_err *err)
{
    return STORE_CALL(s, task_insert, t, out, err);
}
static inline int store_task_get(struct store *s, fc_id_t id, struct arena *a,
                                 struct task_rec *out, struct fc_err *err)
{
    return STORE_CALL(s, task_get, id, a, out, err);
}
static inline int store_task_search(struct store *s, const struct task_query *q, struct arena *a,
                                    struct task_rec **out, size_t *n, struct fc_err *err)
{
    return STORE_CALL(s, task_search, q, a, out, n, err);
}
static inline int store_task_close(struct store *s, fc_id_t id, const char *status, fc_id_t by,
                                   fc_time_t at, const char *outcome, struct fc_err *err)
{
    return STORE_CALL(s, task_close, id, status, by, at, outcome, err);
}
static inline int store_task_set_escalated(struct store *s, fc_id_t id, fc_time_t at,
                                           struct fc_err *err)
{
    return STORE_CALL(s, task_set_escalated, id, at, err);
}
static inline int store_trigger_insert(struct store *s, const struct community_trigger_rec *t,
                                       fc_id_t *out, struct fc_err *err)
{
    return STORE_CALL(s, trigger_insert, t, out, err);
}
static inline int store_trigger_get(struct store *s, fc_id_t id, struct arena *a,
                                    struct community_trigger_rec *out, struct fc_err *err)
{
    return STORE_CALL(s, trigger_get, id, a, out, err);
}
static inline int store_trigger_list_for_person(struct store *s, fc_id_t person_id,
                                                struct arena *a,
                                                struct community_trigger_rec **out, size_t *n,
                                                struct fc_err *err)
{
    return STORE_CALL(s, trigger_list_for_person, person_id, a, out, n, err);
}
static inline int store_trigger_set_status(struct store *s, fc_id_t id, const char *status,
                                           const char *decision_reason, const char *outcome,
                                           struct fc_err *err)
{
    return STORE_CALL(s, trigger_set_status, id, status, decision_reason, outcome, err);
}
static inline int store_trigger_step_set(struct store *s, fc_id_t trigger_id, const char *step,
                                         fc_time_t due_at, fc_time_t done_at, fc_id_t done_by,
                                         const char *note, struct fc_err *err)
{
    return STORE_CALL(s, trigger_step_set, trigger_id, step, due_at, done_at, done_by, note, err);
}
static inline int store_update_plan_insert(struct store *s, const struct update_plan_rec *p,
                                           fc_id_t *out, struct fc_err *err)
{
    return STORE_CALL(s, update_plan_insert, p, out, err);
}
static inline int store_update_plan_current(struct store *s, fc_id_t incident_id,
                                            struct arena *a, struct update_plan_rec *out,
                                            struct fc_err *err)
{
    return STORE_CALL(s, update_plan_current, incident_id, a, out, err);
}
static inline int store_update_plan_set_next_due(struct store *s, fc_id_t plan_id,
                                                 fc_time_t next_due_at, struct fc_err *err)
{
    return STORE_CALL(s, update_plan_set_next_due, plan_id, next_due_at, err);
}
static inline int store_update_plan_due(struct store *s, fc_time_t before, struct arena *a,
                                        struct update_plan_rec **out, size_t *n,
                                        struct fc_err *err)
{
    return STORE_CALL(s, update_plan_due, before, a, out, n, err);
}
static inline int store_victim_update_insert(struct store *s, const struct victim_update_rec *u,
                                             fc_id_t *out, struct fc_err *err)
{
    return STORE_CALL(s, victim_update_insert, u, out, err);
}
static inline int store_victim_update_list(struct store *s, fc_id_t incident_id, struct arena *a,
                                           struct victim_update_rec **out, size_t *n,
                                           struct fc_err *err)
{
    return STORE_CALL(s, victim_update_list, incident_id, a, out, n, err);
}
static inline int store_incident_closure_insert(struct store *s,
                                                const struct incident_closure_rec *c,
                                                struct fc_err *err)
{
    return STORE_CALL(s, incident_closure_insert, c, err);
}
static inline int store_incident_closure_get(struct store *s, fc_id_t incident_id,
                                             struct arena *a, struct incident_closure_rec *out,
                                             struct fc_err *err)
{
    return STORE_CALL(s, incident_closure_get, incident_id, a, out, err);
}
static inline int store_survey_queue_insert(struct store *s, const struct survey_queue_rec *q,
                                            fc_id_t *out, struct fc_err *err)
{
    return STORE_CALL(s, survey_queue_insert, q, out, err);
}
static inline int store_survey_queue_list(struct store *s, const char *status, struct arena *a,
                                          struct survey_queue_rec **out, size_t *n,
                                          struct fc_err *err)
{
    return STORE_CALL(s, survey_queue_list, status, a, out, n, err);
}
static inline int store_history_caller_contacts(struct store *s, fc_id_t person_id,
                                                fc_time_t from, fc_time_t to,
                                                fc_id_t exclude_contact, struct arena *a,
                                                fc_time_t **out, size_t *n, struct fc_err *err)
{
    return STORE_CALL(s, history_caller_contacts, person_id, from, to, exclude_contact, a, out, n,
                      err);
}
static inline int store_history_person_incidents(struct store *s, fc_id_t person_id,
                                                 const char *role, fc_time_t from, fc_time_t to,
                                                 struct arena *a, fc_time_t **out, size_t *n,
                                                 struct fc_err *err)
{
    return STORE_CALL(s, history_person_incidents, person_id, role, from, to, a, out, n, err);
}
static inline int store_history_place_incidents(struct store *s, const char *location_key,
                                                double lat_min, double lat_max, double lon_min,
                                                double lon_max, fc_time_t from, fc_time_t to,
                                                fc_id_t exclude_incident, struct arena *a,
                                                struct history_place_row **out, size_t *n,
                                                struct fc_err *err)
{
    return STORE_CALL(s, history_place_incidents, location_key, lat_min, lat_max, lon_min,
                      lon_max, from, to, exclude_incident, a, out, n, err);
}
static inline int store_history_complaints(struct store *s, fc_id_t person_id,
                                           const char *problem_key, fc_time_t from, fc_time_t to,
                                           fc_id_t exclude_contact, struct arena *a,
                                           struct history_complaint_row **out, size_t *n,
                                           struct fc_err *err)
{
    return STORE_CALL(s, history_complaints, person_id, problem_key, from, to, exclude_contact, a,
                      out, n, err);
}

/* ---- security and data protection wrappers ---- */
static inline int store_break_glass_insert(struct store *s, const struct break_glass_rec *g,
                                           fc_id_t *out, struct fc_err *err)
{
    return STORE_CALL(s, break_glass_insert, g, out, err);
}
static inline int store_break_glass_active(struct store *s, fc_id_t user_id,
                                           const char *object_type, fc_id_t object_id,
                                           fc_time_t now, fc_time_t *out_expires,
                                           struct fc_err *err)
{
    return STORE_CALL(s, break_glass_active, user_id, object_type, object_id, now, out_expires,
                      err);
}
static inline int store_break_glass_list(struct store *s, fc_time_t from, fc_time_t to,
                                         struct arena *a, struct break_glass_rec **out, size_t *n,
                                         struct fc_err *err)
{
    return STORE_CALL(s, break_glass_list, from, to, a, out, n, err);
}
static inline int store_user_totp_step_use(struct store *s, fc_id_t user_id, int64_t step,
                                           struct fc_err *err)
{
    return STORE_CALL(s, user_totp_step_use, user_id, step, err);
}
static inline int store_retention_persons_due(struct store *s, fc_time_t before, struct arena *a,
                                              fc_id_t **out, size_t *n, struct fc_err *err)
{
    return STORE_CALL(s, retention_persons_due, before, a, out, n, err);
}
static inline int store_retention_person_anonymise(struct store *s, fc_id_t person_id,
                                                   fc_time_t at,
                                                   struct retention_person_counts *out,
                                                   struct fc_err *err)
{
    return STORE_CALL(s, retention_person_anonymise, person_id, at, out, err);
}
static inline int store_retention_incidents_due(struct store *s, fc_time_t before,
                                                struct arena *a, fc_id_t **out, size_t *n,
                                                struct fc_err *err)
{
    return STORE_CALL(s, retention_incidents_due, before, a, out, n, err);
}
static inline int store_retention_incident_anonymise(struct store *s, fc_id_t incident_id,
                                                     fc_time_t at, struct fc_err *err)
{
    return STORE_CALL(s, retention_incident_anonymise, incident_id, at, err);
}

/* ---- Open311 wrappers ---- */
static inline int store_open311_key_insert(struct store *s, const struct open311_key_rec *k,
                                           fc_id_t *out, struct fc_err *err)
{
    return STORE_CALL(s, open311_key_insert, k, out, err);
}
static inline int store_open311_key_get_by_hash(struct store *s,
                                                const unsigned char key_hash[32],
                                                struct arena *a, struct open311_key_rec *out,
                                                struct fc_err *err)
{
    return STORE_CALL(s, open311_key_get_by_hash, key_hash, a, out, err);
}
static inline int store_open311_key_list(struct store *s, fc_id_t org_id, struct arena *a,
                                         struct open311_key_rec **out, size_t *n,
                                         struct fc_err *err)
{
    return STORE_CALL(s, open311_key_list, org_id, a, out, n, err);
}
static inline int store_open311_key_revoke(struct store *s, fc_id_t id, fc_time_t at,
                                           struct fc_err *err)
{
    return STORE_CALL(s, open311_key_revoke, id, at, err);
}
static inline int store_open311_request_insert(struct store *s,
                                               const struct open311_request_rec *r,
                                               fc_id_t *out, struct fc_err *err)
{
    return STORE_CALL(s, open311_request_insert, r, out, err);
}
static inline int store_open311_request_search(struct store *s,
                                               const struct open311_request_query *q,
                                               struct arena *a,
                                               struct open311_request_rec **out, size_t *n,
                                               struct fc_err *err)
{
    return STORE_CALL(s, open311_request_search, q, a, out, n, err);
}
static inline int store_open311_event_list(struct store *s, fc_id_t org_id, fc_time_t from,
                                           fc_time_t to, size_t limit, struct arena *a,
                                           struct open311_event_rec **out, size_t *n,
                                           struct fc_err *err)
{
    return STORE_CALL(s, open311_event_list, org_id, from, to, limit, a, out, n, err);
}

/* ---- several nodes wrappers ---- */
static inline int store_changes_head(struct store *s, int64_t *out, struct fc_err *err)
{
    return STORE_CALL(s, changes_head, out, err);
}
static inline int store_changes_since(struct store *s, int64_t *cursor, store_change_cb cb,
                                      void *ctx, bool *gap, struct fc_err *err)
{
    return STORE_CALL(s, changes_since, cursor, cb, ctx, gap, err);
}
static inline int store_changes_wait(struct store *s, int timeout_ms, bool *woken,
                                     struct fc_err *err)
{
    return STORE_CALL(s, changes_wait, timeout_ms, woken, err);
}
static inline int store_changes_purge(struct store *s, fc_time_t before, size_t *out_n,
                                      struct fc_err *err)
{
    return STORE_CALL(s, changes_purge, before, out_n, err);
}
static inline int store_job_try_begin(struct store *s, const char *name, fc_time_t now,
                                      int64_t interval_s, bool *claimed, struct fc_err *err)
{
    return STORE_CALL(s, job_try_begin, name, now, interval_s, claimed, err);
}
static inline int store_job_end(struct store *s, const char *name, fc_time_t now,
                                struct fc_err *err)
{
    return STORE_CALL(s, job_end, name, now, err);
}
static inline int store_login_failure_add(struct store *s, const unsigned char key[32],
                                          fc_time_t now, int64_t window_s,
                                          struct login_failures *out, struct fc_err *err)
{
    return STORE_CALL(s, login_failure_add, key, now, window_s, out, err);
}
static inline int store_login_failure_get(struct store *s, const unsigned char key[32],
                                          struct login_failures *out, struct fc_err *err)
{
    return STORE_CALL(s, login_failure_get, key, out, err);
}
static inline int store_login_failure_clear(struct store *s, const unsigned char key[32],
                                            struct fc_err *err)
{
    return STORE_CALL(s, login_failure_clear, key, err);
}

#endif
