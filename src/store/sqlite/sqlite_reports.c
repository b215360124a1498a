/*
 * store/sqlite/sqlite_reports.c: report aggregates, survey records and police.uk rows.
 *
 * DESIGN: every report is one GROUP BY query whose period and group keys are SQL
 * expressions picked from fixed tables by enum (never built from input), so the store
 * returns counts and the report domain does the statistics. First-contact identification
 * compares what the handler was shown (contact_labels, written at the time) with what is
 * known now: an earlier contact by the same person within 365 days (the caller's person, or
 * the person it was later merged into) or a flag in force at the contact time.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "store/sqlite/sqlite_internal.h"

#define YEAR_S "31536000" /* 365 x 24 h: DESIGN.md section 5 */

/* ---- group key expressions ---- */

/* Period key of a time column `t`. */
static const char *period_sql(enum report_period p, char *buf, size_t cap, const char *t)
{
    switch (p) {
    case REPORT_PERIOD_ALL:
        snprintf(buf, cap, "''");
        return buf;
    case REPORT_PERIOD_MONTH:
        snprintf(buf, cap, "strftime('%%Y-%%m', %s, 'unixepoch')", t);
        return buf;
    case REPORT_PERIOD_QUARTER:
        snprintf(buf, cap,
                 "(strftime('%%Y', %s, 'unixepoch') || '-Q' || "
                 "((CAST(strftime('%%m', %s, 'unixepoch') AS INTEGER) + 2) / 3))",
                 t, t);
        return buf;
    case REPORT_PERIOD_YEAR:
        snprintf(buf, cap, "strftime('%%Y', %s, 'unixepoch')", t);
        return buf;
    }
    return NULL;
}

/*
 * Group key for a dimension. Aliases: i = incident, c = contact (may be absent: has_contact
 * false), l = contact_labels, `local` = the contact's local time expression.
 */
static const char *dim_sql(enum report_dim d, bool has_contact, const char *local_t)
{
    static _Thread_local char buf[256];
    switch (d) {
    case REPORT_DIM_NONE:
        return "''";
    case REPORT_DIM_LSOA:
        return "coalesce(i.lsoa_code, '')";
    case REPORT_DIM_CATEGORY:
        return "coalesce(i.category, '')";
    case REPORT_DIM_TYPE:
        return "coalesce(i.incident_type, '')";
    case REPORT_DIM_RISK:
        return "coalesce(i.risk_level, '')";
    case REPORT_DIM_LOCATION:
        return "coalesce(i.location_key, '')";
    case REPORT_DIM_CHANNEL:
        return has_contact ? "coalesce(c.channel, '')" : NULL;
    case REPORT_DIM_REPEAT:
        return has_contact ? "CASE WHEN l.is_repeat_victim = 1 THEN 'yes' ELSE 'no' END" : NULL;
    case REPORT_DIM_VULNERABLE:
        return has_contact ? "CASE WHEN l.is_vulnerable = 1 THEN 'yes' ELSE 'no' END" : NULL;
    case REPORT_DIM_HOUR:
        snprintf(buf, sizeof(buf), "strftime('%%H', %s, 'unixepoch')", local_t);
        return buf;
    case REPORT_DIM_DOW:
        snprintf(buf, sizeof(buf), "strftime('%%w', %s, 'unixepoch')", local_t);
        return buf;
    case REPORT_DIM_KIND:
        return NULL;
    }
    return NULL;
}

static int dim_unsupported(struct fc_err *err)
{
    return err_set(err, FC_EINVAL, "by", "this report cannot be broken down that way");
}

/* Binds ?1 = from, ?2 = to (NULL when 0) and ?3 = org_id (NULL when 0). */
static void bind_window(sqlite3_stmt *st, const struct report_filter *f)
{
    sqlite_bind_id(st, 1, f->from);
    sqlite_bind_id(st, 2, f->to);
    sqlite_bind_id(st, 3, f->org_id);
}

static int prepare(struct sqlite_conn *c, const char *sql, sqlite3_stmt **st, struct fc_err *err)
{
    int rc = sqlite3_prepare_v2(c->db, sql, -1, st, NULL);
    return sqlite_status(c->db, rc, "report query", err);
}

/* Runs a (period, group, n) query into report_count rows. */
static int run_counts(struct store *s, const char *sql, const struct report_filter *f,
                      const char *extra_text, struct arena *a, struct report_count **out, size_t *n,
                      struct fc_err *err)
{
    struct sqlite_conn *c;
    sqlite3_stmt *st = NULL;
    struct report_count *arr = NULL;
    size_t cap = 0;
    *n = 0;
    int rc = sqlite_conn_of(s, &c, err);
    if (rc == FC_OK)
        rc = prepare(c, sql, &st, err);
    if (rc != FC_OK)
        return rc;
    bind_window(st, f);
    if (extra_text)
        sqlite3_bind_text(st, 4, extra_text, -1, SQLITE_STATIC);
    int src;
    while ((src = sqlite3_step(st)) == SQLITE_ROW) {
        arr = sqlite_grow(a, arr, sizeof(*arr), *n, &cap);
        if (!arr) {
            rc = err_set(err, FC_ENOMEM, "", "out of memory reading a report");
            goto out;
        }
        struct report_count *r = &arr[(*n)++];
        r->period = sqlite_col_text(st, 0, a);
        r->group = sqlite_col_text(st, 1, a);
        r->n = sqlite3_column_int64(st, 2);
        if (!r->period || !r->group) {
            rc = err_set(err, FC_ENOMEM, "", "out of memory reading a report");
            goto out;
        }
    }
    rc = sqlite_status(c->db, src, "report query", err);
out:
    sqlite3_finalize(st);
    *out = arr;
    return rc;
}

#define WINDOW(t) " (?1 IS NULL OR " t " >= ?1) AND (?2 IS NULL OR " t " < ?2) "

int sqlite_report_incident_counts(struct store *s, const struct report_filter *f, struct arena *a,
                                  struct report_count **out, size_t *n, struct fc_err *err)
{
    char per[256], sql[2048];
    const char *dim = dim_sql(f->dim, false, "i.created_at");
    if (!dim || !period_sql(f->period, per, sizeof(per), "i.created_at"))
        return dim_unsupported(err);
    snprintf(sql, sizeof(sql),
             "SELECT %s AS p, %s AS g, count(*) FROM incident i WHERE" WINDOW(
                 "i.created_at") "AND (?3 IS NULL OR i.org_id = ?3) GROUP BY p, g ORDER BY p, g",
             per, dim);
    return run_counts(s, sql, f, NULL, a, out, n, err);
}

int sqlite_report_contact_counts(struct store *s, const struct report_filter *f, struct arena *a,
                                 struct report_count **out, size_t *n, struct fc_err *err)
{
    char per[256], sql[2048];
    const char *local = "(c.received_at + 60 * c.received_offset_min)";
    const char *dim = dim_sql(f->dim, true, local);
    if (!dim || !period_sql(f->period, per, sizeof(per), "c.received_at"))
        return dim_unsupported(err);
    snprintf(sql, sizeof(sql),
             "SELECT %s AS p, %s AS g, count(*) FROM contact c "
             "LEFT JOIN incident i ON i.id = c.incident_id "
             "LEFT JOIN contact_labels l ON l.contact_id = c.id WHERE" WINDOW(
                 "c.received_at") "AND (?3 IS NULL OR c.org_id = ?3) GROUP BY p, g ORDER BY p, g",
             per, dim);
    return run_counts(s, sql, f, NULL, a, out, n, err);
}

int sqlite_report_triggers(struct store *s, const struct report_filter *f, struct arena *a,
                           struct report_count **out, size_t *n, struct fc_err *err)
{
    char per[256], sql[1024];
    if (!period_sql(f->period, per, sizeof(per), "t.applied_at"))
        return dim_unsupported(err);
    snprintf(sql, sizeof(sql),
             "SELECT %s AS p, t.status || '/' || coalesce(t.outcome, '') AS g, count(*) "
             "FROM community_trigger t LEFT JOIN incident i ON i.id = t.incident_id "
             "WHERE" WINDOW("t.applied_at") "AND (?3 IS NULL OR i.org_id = ?3) "
                                            "GROUP BY p, g ORDER BY p, g",
             per);
    return run_counts(s, sql, f, NULL, a, out, n, err);
}

int sqlite_policeuk_counts(struct store *s, const struct report_filter *f, const char *crime_type,
                           struct arena *a, struct report_count **out, size_t *n,
                           struct fc_err *err)
{
    const char *per;
    switch (f->period) {
    case REPORT_PERIOD_ALL:
        per = "''";
        break;
    case REPORT_PERIOD_MONTH:
        per = "r.month";
        break;
    case REPORT_PERIOD_QUARTER:
        per =
            "(substr(r.month, 1, 4) || '-Q' || ((CAST(substr(r.month, 6, 2) AS INTEGER) + 2) / 3))";
        break;
    case REPORT_PERIOD_YEAR:
        per = "substr(r.month, 1, 4)";
        break;
    default:
        return dim_unsupported(err);
    }
    const char *dim;
    if (f->dim == REPORT_DIM_NONE)
        dim = "''";
    else if (f->dim == REPORT_DIM_LSOA)
        dim = "coalesce(r.lsoa_code, '')";
    else if (f->dim == REPORT_DIM_LOCATION)
        dim = "coalesce(r.location, '')";
    else
        return dim_unsupported(err);
    char sql[1024];
    /* months compare as text: ?1 and ?2 are turned into "YYYY-MM" in SQL */
    snprintf(sql, sizeof(sql),
             "SELECT %s AS p, %s AS g, count(*) FROM policeuk_record r "
             "WHERE (?1 IS NULL OR r.month >= strftime('%%Y-%%m', ?1, 'unixepoch')) "
             "AND (?2 IS NULL OR r.month < strftime('%%Y-%%m', ?2, 'unixepoch')) "
             "AND (?4 IS NULL OR r.crime_type = ?4) "
             "GROUP BY p, g ORDER BY p, g",
             per, dim);
    return run_counts(s, sql, f, crime_type, a, out, n, err);
}

/* ---- first contact ---- */

int sqlite_report_first_contact(struct store *s, const struct report_filter *f, struct arena *a,
                                struct report_fc_count **out, size_t *n, struct fc_err *err)
{
    char per[256];
    const char *local = "(c.received_at + 60 * c.received_offset_min)";
    const char *dim = dim_sql(f->dim, true, local);
    if (!dim || !period_sql(f->period, per, sizeof(per), "c.received_at"))
        return dim_unsupported(err);
    /*
     * x: the window's contacts with the caller's person as it is now (rid: the person a
     * duplicate was merged into). y: one row per contact with the facts, MATERIALIZED so
     * each correlated EXISTS runs once per contact, not once per aggregate that uses it.
     * Every EXISTS is an index seek (contact_caller_received, flag_person,
     * person_merged_into, risk_assessment_contact), so a month costs a month's contacts.
     */
    char sql[6144];
    snprintf(
        sql, sizeof(sql),
        "WITH x AS (SELECT c.*, coalesce(pp.merged_into, pp.id) AS rid FROM contact c"
        " LEFT JOIN person pp ON pp.id = c.caller_person_id"
        " WHERE" WINDOW(
            "c.received_at") "AND (?3 IS NULL OR c.org_id = ?3)),"
                             "y AS MATERIALIZED (SELECT c.id, c.incident_id,"
                             " (c.rid IS NOT NULL AND (EXISTS (SELECT 1 FROM contact c2"
                             "   WHERE c2.caller_person_id = c.rid AND c2.received_at < "
                             "c.received_at"
                             "   AND c2.received_at >= c.received_at - " YEAR_S ")"
                             "  OR EXISTS (SELECT 1 FROM person q JOIN contact c2 ON "
                             "c2.caller_person_id = q.id"
                             "   WHERE q.merged_into = c.rid AND c2.received_at < c.received_at"
                             "   AND c2.received_at >= c.received_at - " YEAR_S "))) AS rep,"
                             " (c.rid IS NOT NULL AND (EXISTS (SELECT 1 FROM flag fl WHERE "
                             "fl.person_id = c.rid"
                             "   AND fl.flagged_at <= c.received_at"
                             "   AND (fl.withdrawn_at IS NULL OR fl.withdrawn_at > c.received_at))"
                             "  OR EXISTS (SELECT 1 FROM person q JOIN flag fl ON fl.person_id = "
                             "q.id"
                             "   WHERE q.merged_into = c.rid AND fl.flagged_at <= c.received_at"
                             "   AND (fl.withdrawn_at IS NULL OR fl.withdrawn_at > "
                             "c.received_at)))) AS vul,"
                             " coalesce(l.is_repeat_victim, 0) AS rep_f, coalesce(l.is_vulnerable, "
                             "0) AS vul_f,"
                             " EXISTS (SELECT 1 FROM risk_assessment ra WHERE ra.contact_id = "
                             "c.id) AS screened,"
                             " %s AS p, %s AS g"
                             " FROM x AS c LEFT JOIN contact_labels l ON l.contact_id = c.id"
                             " LEFT JOIN incident i ON i.id = c.incident_id)"
                             "SELECT p, g, count(*), sum(rep), sum(rep AND rep_f), sum(vul), "
                             "sum(vul AND vul_f),"
                             " sum(rep OR vul), sum((rep OR vul) AND (rep_f OR vul_f)),"
                             " sum((rep_f OR vul_f) AND NOT (rep OR vul)),"
                             " sum(incident_id IS NOT NULL), sum(incident_id IS NOT NULL AND "
                             "screened)"
                             " FROM y GROUP BY p, g ORDER BY p, g",
        per, dim);
    struct sqlite_conn *c;
    sqlite3_stmt *st = NULL;
    struct report_fc_count *arr = NULL;
    size_t cap = 0;
    *n = 0;
    int rc = sqlite_conn_of(s, &c, err);
    if (rc == FC_OK)
        rc = prepare(c, sql, &st, err);
    if (rc != FC_OK)
        return rc;
    bind_window(st, f);
    int src;
    while ((src = sqlite3_step(st)) == SQLITE_ROW) {
        arr = sqlite_grow(a, arr, sizeof(*arr), *n, &cap);
        if (!arr) {
            rc = err_set(err, FC_ENOMEM, "", "out of memory reading a report");
            goto out;
        }
        struct report_fc_count *r = &arr[(*n)++];
        r->period = sqlite_col_text(st, 0, a);
        r->group = sqlite_col_text(st, 1, a);
        r->contacts = sqlite3_column_int64(st, 2);
        r->repeat_later = sqlite3_column_int64(st, 3);
        r->repeat_flagged = sqlite3_column_int64(st, 4);
        r->vulnerable_later = sqlite3_column_int64(st, 5);
        r->vulnerable_flagged = sqlite3_column_int64(st, 6);
        r->either_later = sqlite3_column_int64(st, 7);
        r->either_flagged = sqlite3_column_int64(st, 8);
        r->flagged_not_later = sqlite3_column_int64(st, 9);
        r->incidents = sqlite3_column_int64(st, 10);
        r->screened_at_contact = sqlite3_column_int64(st, 11);
        if (!r->period || !r->group) {
            rc = err_set(err, FC_ENOMEM, "", "out of memory reading a report");
            goto out;
        }
    }
    rc = sqlite_status(c->db, src, "report query", err);
out:
    sqlite3_finalize(st);
    *out = arr;
    return rc;
}

/* ---- tasks ---- */

int sqlite_report_tasks(struct store *s, const struct report_filter *f, fc_time_t now,
                        struct arena *a, struct report_task_count **out, size_t *n,
                        struct fc_err *err)
{
    char per[256], sql[2048];
    if (!period_sql(f->period, per, sizeof(per), "t.due_at"))
        return dim_unsupported(err);
    snprintf(sql, sizeof(sql),
             "SELECT %s AS p, t.kind AS g, count(*),"
             " sum(t.status = 'done' AND t.completed_at <= t.due_at),"
             " sum(t.status = 'done' AND t.completed_at > t.due_at),"
             " sum(t.status = 'open' AND t.due_at < ?4), sum(t.status = 'open' AND t.due_at >= ?4)"
             " FROM task t LEFT JOIN incident i ON i.id = t.incident_id"
             " WHERE t.status <> 'cancelled' AND" WINDOW(
                 "t.due_at") "AND (?3 IS NULL OR i.org_id = ?3) GROUP BY p, g ORDER BY p, g",
             per);
    struct sqlite_conn *c;
    sqlite3_stmt *st = NULL;
    struct report_task_count *arr = NULL;
    size_t cap = 0;
    *n = 0;
    int rc = sqlite_conn_of(s, &c, err);
    if (rc == FC_OK)
        rc = prepare(c, sql, &st, err);
    if (rc != FC_OK)
        return rc;
    bind_window(st, f);
    sqlite3_bind_int64(st, 4, now);
    int src;
    while ((src = sqlite3_step(st)) == SQLITE_ROW) {
        arr = sqlite_grow(a, arr, sizeof(*arr), *n, &cap);
        if (!arr) {
            rc = err_set(err, FC_ENOMEM, "", "out of memory reading a report");
            goto out;
        }
        struct report_task_count *r = &arr[(*n)++];
        r->period = sqlite_col_text(st, 0, a);
        r->group = sqlite_col_text(st, 1, a);
        r->due = sqlite3_column_int64(st, 2);
        r->done_on_time = sqlite3_column_int64(st, 3);
        r->done_late = sqlite3_column_int64(st, 4);
        r->open_overdue = sqlite3_column_int64(st, 5);
        r->open_in_time = sqlite3_column_int64(st, 6);
    }
    rc = sqlite_status(c->db, src, "report query", err);
out:
    sqlite3_finalize(st);
    *out = arr;
    return rc;
}

/* ---- satisfaction and survey rates ---- */

int sqlite_report_satisfaction(struct store *s, const struct report_filter *f, struct arena *a,
                               struct report_sat_count **out, size_t *n, struct fc_err *err)
{
    char per[256], sql[3072];
    const char *local = "r.responded_at";
    const char *dim = dim_sql(f->dim, true, local);
    if (!dim || !period_sql(f->period, per, sizeof(per), "r.responded_at"))
        return dim_unsupported(err);
    /* Q1-Q5: satisfied = 1..3 (completely, very, fairly) over valid 1..7; Q6 stopped = yes
     * over yes/reduced/no; Q7 action = yes over yes/no. Don't know (0) is excluded. */
    snprintf(sql, sizeof(sql),
             "SELECT %s AS p, %s AS g,"
             " sum(r.q1 BETWEEN 1 AND 3), sum(r.q1 BETWEEN 1 AND 7),"
             " sum(r.q2 BETWEEN 1 AND 3), sum(r.q2 BETWEEN 1 AND 7),"
             " sum(r.q3 BETWEEN 1 AND 3), sum(r.q3 BETWEEN 1 AND 7),"
             " sum(r.q4 BETWEEN 1 AND 3), sum(r.q4 BETWEEN 1 AND 7),"
             " sum(r.q5 BETWEEN 1 AND 3), sum(r.q5 BETWEEN 1 AND 7),"
             " sum(r.q6 = 'yes'), sum(r.q6 <> 'dont_know'),"
             " sum(r.q7 = 'yes'), sum(r.q7 <> 'dont_know')"
             " FROM survey_response r JOIN survey_queue q ON q.id = r.queue_id"
             " LEFT JOIN incident i ON i.id = q.incident_id"
             " LEFT JOIN contact c ON c.id = q.contact_id"
             " LEFT JOIN contact_labels l ON l.contact_id = q.contact_id"
             " WHERE" WINDOW("r.responded_at") "AND (?3 IS NULL OR i.org_id = ?3)"
                                               " GROUP BY p, g ORDER BY p, g",
             per, dim);
    struct sqlite_conn *c;
    sqlite3_stmt *st = NULL;
    struct report_sat_count *arr = NULL;
    size_t cap = 0;
    *n = 0;
    int rc = sqlite_conn_of(s, &c, err);
    if (rc == FC_OK)
        rc = prepare(c, sql, &st, err);
    if (rc != FC_OK)
        return rc;
    bind_window(st, f);
    int src;
    while ((src = sqlite3_step(st)) == SQLITE_ROW) {
        char *p = sqlite_col_text(st, 0, a), *g = sqlite_col_text(st, 1, a);
        if (!p || !g) {
            rc = err_set(err, FC_ENOMEM, "", "out of memory reading a report");
            goto out;
        }
        for (int q = 0; q < 7; q++) {
            arr = sqlite_grow(a, arr, sizeof(*arr), *n, &cap);
            if (!arr) {
                rc = err_set(err, FC_ENOMEM, "", "out of memory reading a report");
                goto out;
            }
            struct report_sat_count *r = &arr[(*n)++];
            r->period = p;
            r->group = g;
            r->question = q + 1;
            r->x = sqlite3_column_int64(st, 2 + 2 * q);
            r->n = sqlite3_column_int64(st, 3 + 2 * q);
        }
    }
    rc = sqlite_status(c->db, src, "report query", err);
out:
    sqlite3_finalize(st);
    *out = arr;
    return rc;
}

int sqlite_report_survey_rates(struct store *s, const struct report_filter *f, struct arena *a,
                               struct survey_rates **out, size_t *n, struct fc_err *err)
{
    char per[256], sql[1536];
    if (!period_sql(f->period, per, sizeof(per), "q.queued_at"))
        return dim_unsupported(err);
    snprintf(sql, sizeof(sql),
             "SELECT %s AS p, count(*), sum(q.status = 'invited'), sum(q.status = 'responded'),"
             " sum(q.status = 'declined'), sum(q.status = 'not_eligible')"
             " FROM survey_queue q LEFT JOIN incident i ON i.id = q.incident_id"
             " WHERE" WINDOW("q.queued_at") "AND (?3 IS NULL OR i.org_id = ?3)"
                                            " GROUP BY p ORDER BY p",
             per);
    struct sqlite_conn *c;
    sqlite3_stmt *st = NULL;
    struct survey_rates *arr = NULL;
    size_t cap = 0;
    *n = 0;
    int rc = sqlite_conn_of(s, &c, err);
    if (rc == FC_OK)
        rc = prepare(c, sql, &st, err);
    if (rc != FC_OK)
        return rc;
    bind_window(st, f);
    int src;
    while ((src = sqlite3_step(st)) == SQLITE_ROW) {
        arr = sqlite_grow(a, arr, sizeof(*arr), *n, &cap);
        if (!arr) {
            rc = err_set(err, FC_ENOMEM, "", "out of memory reading a report");
            goto out;
        }
        struct survey_rates *r = &arr[(*n)++];
        r->period = sqlite_col_text(st, 0, a);
        r->queued = sqlite3_column_int64(st, 1);
        r->invited = sqlite3_column_int64(st, 2);
        r->responded = sqlite3_column_int64(st, 3);
        r->declined = sqlite3_column_int64(st, 4);
        r->not_eligible = sqlite3_column_int64(st, 5);
        if (!r->period) {
            rc = err_set(err, FC_ENOMEM, "", "out of memory reading a report");
            goto out;
        }
    }
    rc = sqlite_status(c->db, src, "report query", err);
out:
    sqlite3_finalize(st);
    *out = arr;
    return rc;
}

/* ---- survey records ---- */

#define SURVEY_COLS "id, incident_id, person_id, contact_id, reason, status, queued_at"

static int survey_row(sqlite3_stmt *st, struct arena *a, struct survey_queue_rec *it,
                      struct fc_err *err)
{
    memset(it, 0, sizeof(*it));
    it->id = sqlite_col_id(st, 0);
    it->incident_id = sqlite_col_id(st, 1);
    it->person_id = sqlite_col_id(st, 2);
    it->contact_id = sqlite_col_id(st, 3);
    it->reason = sqlite_col_text(st, 4, a);
    it->status = sqlite_col_text(st, 5, a);
    it->queued_at = sqlite3_column_int64(st, 6);
    if (!it->reason || !it->status)
        return err_set(err, FC_ENOMEM, "", "out of memory reading a survey");
    return FC_OK;
}

int sqlite_survey_get(struct store *s, fc_id_t id, struct arena *a, struct survey_queue_rec *out,
                      struct fc_err *err)
{
    struct sqlite_conn *c;
    sqlite3_stmt *st = NULL;
    int rc = sqlite_conn_of(s, &c, err);
    if (rc == FC_OK)
        rc = sqlite_stmt(c, SLOT_SURVEY_GET,
                         "SELECT " SURVEY_COLS " FROM survey_queue WHERE id = ?1", &st, err);
    if (rc != FC_OK)
        return rc;
    sqlite3_bind_int64(st, 1, id);
    /* every single-row read resets its statement: a pending one would keep this thread's
     * connection on an old WAL snapshot, blind to other threads' commits */
    int src = sqlite3_step(st);
    if (src == SQLITE_ROW)
        rc = survey_row(st, a, out, err);
    else if (src == SQLITE_DONE)
        rc = err_set(err, FC_ENOTFOUND, "id", "no such survey");
    else
        rc = sqlite_status(c->db, src, "survey get", err);
    sqlite3_reset(st);
    return rc;
}

int sqlite_survey_set_status(struct store *s, fc_id_t id, const char *status, struct fc_err *err)
{
    struct sqlite_conn *c;
    sqlite3_stmt *st = NULL;
    int rc = sqlite_conn_of(s, &c, err);
    if (rc == FC_OK)
        rc = sqlite_stmt(c, SLOT_SURVEY_SET_STATUS,
                         "UPDATE survey_queue SET status = ?2 WHERE id = ?1", &st, err);
    if (rc != FC_OK)
        return rc;
    sqlite3_bind_int64(st, 1, id);
    sqlite_bind_text(st, 2, status);
    rc = sqlite_exec_stmt(c, st, "survey status", err);
    if (rc == FC_OK && sqlite3_changes(c->db) == 0)
        return err_set(err, FC_ENOTFOUND, "id", "no such survey");
    return rc;
}

int sqlite_survey_person_recent(struct store *s, fc_id_t person_id, fc_time_t since,
                                fc_id_t exclude_id, int64_t *out, struct fc_err *err)
{
    struct sqlite_conn *c;
    sqlite3_stmt *st = NULL;
    int rc = sqlite_conn_of(s, &c, err);
    if (rc == FC_OK)
        rc = sqlite_stmt(c, SLOT_SURVEY_PERSON_RECENT,
                         /* the person, whom they were merged into, and whoever was
                          * merged into them: an IN list, so the person index is used
                          * (`+` keeps the planner off the status index) */
                         "SELECT count(*) FROM survey_queue q WHERE q.person_id IN"
                         " (SELECT ?1 UNION SELECT merged_into FROM person WHERE id = ?1"
                         "  AND merged_into IS NOT NULL"
                         "  UNION SELECT id FROM person WHERE merged_into = ?1)"
                         " AND +q.status IN ('invited', 'responded', 'declined')"
                         " AND +q.queued_at >= ?2 AND q.id IS NOT ?3",
                         &st, err);
    if (rc != FC_OK)
        return rc;
    sqlite3_bind_int64(st, 1, person_id);
    sqlite3_bind_int64(st, 2, since);
    sqlite_bind_id(st, 3, exclude_id);
    int src = sqlite3_step(st);
    *out = src == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
    rc = src == SQLITE_ROW ? FC_OK : sqlite_status(c->db, src, "survey history", err);
    sqlite3_reset(st);
    return rc;
}

int sqlite_survey_token_insert(struct store *s, const unsigned char token_hash[32],
                               fc_id_t queue_id, fc_time_t created_at, fc_time_t expires_at,
                               struct fc_err *err)
{
    struct sqlite_conn *c;
    sqlite3_stmt *st = NULL;
    int rc = sqlite_conn_of(s, &c, err);
    if (rc == FC_OK)
        rc = sqlite_stmt(c, SLOT_SURVEY_TOKEN_INSERT,
                         "INSERT INTO survey_token (token_hash, queue_id, created_at, expires_at)"
                         " VALUES (?1, ?2, ?3, ?4)",
                         &st, err);
    if (rc != FC_OK)
        return rc;
    sqlite3_bind_blob(st, 1, token_hash, 32, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, queue_id);
    sqlite3_bind_int64(st, 3, created_at);
    sqlite3_bind_int64(st, 4, expires_at);
    return sqlite_exec_stmt(c, st, "survey token", err);
}

static int token_find(struct sqlite_conn *c, const unsigned char token_hash[32], fc_time_t now,
                      fc_id_t *out, struct fc_err *err)
{
    sqlite3_stmt *st = NULL;
    int rc = sqlite_stmt(c, SLOT_SURVEY_TOKEN_PEEK,
                         "SELECT queue_id FROM survey_token WHERE token_hash = ?1"
                         " AND used_at IS NULL AND expires_at > ?2",
                         &st, err);
    if (rc != FC_OK)
        return rc;
    sqlite3_bind_blob(st, 1, token_hash, 32, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, now);
    int src = sqlite3_step(st);
    if (src == SQLITE_ROW) {
        *out = sqlite3_column_int64(st, 0);
        rc = FC_OK;
    } else if (src == SQLITE_DONE) {
        rc = err_set(err, FC_ENOTFOUND, "token", "this survey link is not valid or has expired");
    } else {
        rc = sqlite_status(c->db, src, "survey token", err);
    }
    sqlite3_reset(st);
    return rc;
}

int sqlite_survey_token_peek(struct store *s, const unsigned char token_hash[32], fc_time_t now,
                             fc_id_t *out_queue_id, struct fc_err *err)
{
    struct sqlite_conn *c;
    int rc = sqlite_conn_of(s, &c, err);
    return rc == FC_OK ? token_find(c, token_hash, now, out_queue_id, err) : rc;
}

int sqlite_survey_token_use(struct store *s, const unsigned char token_hash[32], fc_time_t now,
                            fc_id_t *out_queue_id, struct fc_err *err)
{
    struct sqlite_conn *c;
    sqlite3_stmt *st = NULL;
    int rc = sqlite_conn_of(s, &c, err);
    if (rc != FC_OK)
        return rc;
    rc = sqlite_stmt(c, SLOT_SURVEY_TOKEN_USE,
                     "UPDATE survey_token SET used_at = ?2 WHERE token_hash = ?1"
                     " AND used_at IS NULL AND expires_at > ?2",
                     &st, err);
    if (rc != FC_OK)
        return rc;
    sqlite3_bind_blob(st, 1, token_hash, 32, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, now);
    /* the guarded UPDATE is the single use: two racing answers cannot both change the row */
    rc = token_find(c, token_hash, now, out_queue_id, err);
    if (rc != FC_OK)
        return rc;
    rc = sqlite_exec_stmt(c, st, "survey token", err);
    if (rc == FC_OK && sqlite3_changes(c->db) == 0)
        return err_set(err, FC_ENOTFOUND, "token", "this survey link is not valid or has expired");
    return rc;
}

int sqlite_survey_response_insert(struct store *s, const struct survey_answers *r, fc_id_t *out,
                                  struct fc_err *err)
{
    struct sqlite_conn *c;
    sqlite3_stmt *st = NULL;
    int rc = sqlite_conn_of(s, &c, err);
    if (rc == FC_OK)
        rc = sqlite_stmt(c, SLOT_SURVEY_RESPONSE_INSERT,
                         "INSERT INTO survey_response (queue_id, instrument, channel, q1, q2, q3,"
                         " q4, q5, q6, q7, recorded_by, responded_at)"
                         " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
                         &st, err);
    if (rc != FC_OK)
        return rc;
    sqlite3_bind_int64(st, 1, r->queue_id);
    sqlite_bind_text(st, 2, r->instrument);
    sqlite_bind_text(st, 3, r->channel);
    for (int i = 0; i < 5; i++)
        sqlite3_bind_int(st, 4 + i, r->q[i]);
    sqlite_bind_text(st, 9, r->q6);
    sqlite_bind_text(st, 10, r->q7);
    sqlite_bind_id(st, 11, r->recorded_by);
    sqlite3_bind_int64(st, 12, r->responded_at);
    rc = sqlite_exec_stmt(c, st, "survey response", err);
    if (rc == FC_OK && out)
        *out = sqlite3_last_insert_rowid(c->db);
    return rc;
}

/* ---- police.uk ---- */

int sqlite_policeuk_upsert(struct store *s, const struct policeuk_record *r,
                           enum policeuk_change *out_change, struct fc_err *err)
{
    struct sqlite_conn *c;
    sqlite3_stmt *ins, *upd;
    int rc = sqlite_conn_of(s, &c, err);
    if (rc == FC_OK)
        rc = sqlite_stmt(c, SLOT_POLICEUK_INSERT,
                         "INSERT INTO policeuk_record (natural_key, crime_id, month, reported_by,"
                         " falls_within, lat, lon, location, lsoa_code, lsoa_name, crime_type,"
                         " last_outcome, context, source_file, imported_at) VALUES (?1, ?2, ?3, ?4,"
                         " ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)"
                         " ON CONFLICT (natural_key) DO NOTHING",
                         &ins, err);
    if (rc == FC_OK)
        rc = sqlite_stmt(c, SLOT_POLICEUK_UPDATE,
                         "UPDATE policeuk_record SET crime_id = ?2, month = ?3, reported_by = ?4,"
                         " falls_within = ?5, lat = ?6, lon = ?7, location = ?8, lsoa_code = ?9,"
                         " lsoa_name = ?10, crime_type = ?11, last_outcome = ?12, context = ?13,"
                         " source_file = ?14, imported_at = ?15 WHERE natural_key = ?1 AND ("
                         " crime_id IS NOT ?2 OR month IS NOT ?3 OR reported_by IS NOT ?4 OR"
                         " falls_within IS NOT ?5 OR lat IS NOT ?6 OR lon IS NOT ?7 OR"
                         " location IS NOT ?8 OR lsoa_code IS NOT ?9 OR lsoa_name IS NOT ?10 OR"
                         " crime_type IS NOT ?11 OR last_outcome IS NOT ?12 OR context IS NOT ?13)",
                         &upd, err);
    if (rc != FC_OK)
        return rc;
    sqlite3_stmt *sts[2] = { ins, upd };
    for (int k = 0; k < 2; k++) {
        sqlite3_stmt *st = sts[k];
        /* empty strings are stored as NULL so "no outcome" reads the same from any file */
        const char *txt[] = { r->natural_key, r->crime_id, r->month, r->reported_by,
                              r->falls_within };
        for (int i = 0; i < 5; i++)
            sqlite_bind_text(st, i + 1, txt[i] && txt[i][0] ? txt[i] : NULL);
        sqlite_bind_double(st, 6, r->lat);
        sqlite_bind_double(st, 7, r->lon);
        const char *txt2[] = { r->location,     r->lsoa_code, r->lsoa_name,  r->crime_type,
                               r->last_outcome, r->context,   r->source_file };
        for (int i = 0; i < 7; i++)
            sqlite_bind_text(st, i + 8, txt2[i] && txt2[i][0] ? txt2[i] : NULL);
        sqlite3_bind_int64(st, 15, r->imported_at);
        rc = sqlite_exec_stmt(c, st, "policeuk_record", err);
        if (rc != FC_OK)
            return rc;
        if (sqlite3_changes(c->db) > 0) {
            *out_change = k == 0 ? POLICEUK_INSERTED : POLICEUK_UPDATED;
            return FC_OK;
        }
    }
    *out_change = POLICEUK_UNCHANGED;
    return FC_OK;
}

int sqlite_policeuk_upsert_many(struct store *s, const struct policeuk_record *recs, size_t n,
                                enum policeuk_change *out_changes, size_t *out_failed,
                                struct fc_err *err)
{
    struct sqlite_conn *c;
    *out_failed = 0;
    int rc = sqlite_conn_of(s, &c, err);
    if (rc == FC_OK)
        rc = sqlite_tx_begin(c, err);
    if (rc != FC_OK)
        return rc;
    for (size_t i = 0; rc == FC_OK && i < n; i++) {
        rc = sqlite_policeuk_upsert(s, &recs[i], &out_changes[i], err);
        if (rc != FC_OK)
            *out_failed = i;
    }
    return sqlite_tx_end(c, rc, err);
}
