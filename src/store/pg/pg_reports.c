/*
 * store/pg/pg_reports.c: report aggregates, survey records and police.uk rows on
 * PostgreSQL, giving the same answers as sqlite_reports.c.
 *
 * DESIGN: as on SQLite, every report is one GROUP BY query whose period and group keys are
 * SQL expressions picked from fixed tables by enum (never built from input). Times are UTC
 * seconds; periods are cut in UTC (the session's time zone is UTC, and the expressions say
 * so anyway), hours and weekdays in the contact's local time. Group keys sort byte-wise
 * (COLLATE "C"), as SQLite's BINARY collation does, so both backends list rows in one order.
 * Booleans are counted with FILTER, where SQLite sums 0/1.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "store/pg/pg_internal.h"

#define YEAR_S "31536000" /* 365 x 24 h: DESIGN.md section 5 */
#define UTC(t) "(to_timestamp(" t ") AT TIME ZONE 'UTC')"

/* ---- group key expressions ---- */

/* Period key of a time column `t`. */
static const char *period_sql(enum report_period p, char *buf, size_t cap, const char *t)
{
    switch (p) {
    case REPORT_PERIOD_ALL:
        snprintf(buf, cap, "''::text");
        return buf;
    case REPORT_PERIOD_MONTH:
        snprintf(buf, cap, "to_char(to_timestamp(%s) AT TIME ZONE 'UTC', 'YYYY-MM')", t);
        return buf;
    case REPORT_PERIOD_QUARTER:
        snprintf(buf, cap, "to_char(to_timestamp(%s) AT TIME ZONE 'UTC', 'YYYY-\"Q\"Q')", t);
        return buf;
    case REPORT_PERIOD_YEAR:
        snprintf(buf, cap, "to_char(to_timestamp(%s) AT TIME ZONE 'UTC', 'YYYY')", t);
        return buf;
    }
    return NULL;
}

/*
 * Group key for a dimension. Aliases: i = incident, c = contact (may be absent: has_contact
 * false), l = contact_labels, local_t = the contact's local time expression.
 */
static const char *dim_sql(enum report_dim d, bool has_contact, const char *local_t, char *buf,
                           size_t cap)
{
    switch (d) {
    case REPORT_DIM_NONE:
        return "''::text";
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
        snprintf(buf, cap, "to_char(to_timestamp(%s) AT TIME ZONE 'UTC', 'HH24')", local_t);
        return buf;
    case REPORT_DIM_DOW: /* 0 Sunday .. 6, as SQLite's %w */
        snprintf(buf, cap, "extract(dow FROM to_timestamp(%s) AT TIME ZONE 'UTC')::int::text",
                 local_t);
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

/* $1 = from, $2 = to (NULL when 0), $3 = org_id (NULL when 0). */
static void window_params(struct pg_params *p, const struct report_filter *f)
{
    pg_param_id(p, f->from);
    pg_param_id(p, f->to);
    pg_param_id(p, f->org_id);
}

#define WINDOW(t)                                                                                  \
    " ($1::bigint IS NULL OR " t " >= $1::bigint) AND ($2::bigint IS NULL OR " t " < $2::bigint) "
#define ORG(col) " ($3::bigint IS NULL OR " col " = $3::bigint) "
#define ORDER_PG " GROUP BY p, g ORDER BY p, g"
/* A group key column: its text sorts byte-wise. */
#define KEY(name) " COLLATE \"C\" AS " name

/* Runs a one-off report query (the SQL depends on the period and dimension). */
static int run_query(struct store *s, const char *sql, const struct pg_params *p, PGresult **res,
                     struct fc_err *err)
{
    struct pg_conn *c;
    *res = NULL;
    int rc = pg_conn_of(s, &c, err);
    if (rc != FC_OK)
        return rc;
    PGresult *r = PQexecParams(c->db, sql, p->n, NULL, p->v, NULL, NULL, 0);
    rc = pg_status(c, r, "report query", err);
    if (rc != FC_OK) {
        PQclear(r);
        return rc;
    }
    *res = r;
    return FC_OK;
}

static int oom(struct fc_err *err)
{
    return err_set(err, FC_ENOMEM, "", "out of memory reading a report");
}

/* Runs a (period, group, n) query into report_count rows. */
static int run_counts(struct store *s, const char *sql, const struct pg_params *p, struct arena *a,
                      struct report_count **out, size_t *n, struct fc_err *err)
{
    PGresult *r;
    *out = NULL;
    *n = 0;
    int rc = run_query(s, sql, p, &r, err);
    if (rc != FC_OK)
        return rc;
    int rows = PQntuples(r);
    struct report_count *arr = arena_alloc(a, (size_t)(rows ? rows : 1) * sizeof(*arr));
    if (arr == NULL)
        rc = oom(err);
    for (int i = 0; rc == FC_OK && i < rows; i++) {
        arr[i].period = pg_col_text(r, i, 0, a);
        arr[i].group = pg_col_text(r, i, 1, a);
        arr[i].n = pg_col_int(r, i, 2);
        if (!arr[i].period || !arr[i].group)
            rc = oom(err);
    }
    PQclear(r);
    if (rc == FC_OK) {
        *out = arr;
        *n = (size_t)rows;
    }
    return rc;
}

int pg_report_incident_counts(struct store *s, const struct report_filter *f, struct arena *a,
                              struct report_count **out, size_t *n, struct fc_err *err)
{
    char per[256], dbuf[256], sql[2048];
    const char *dim = dim_sql(f->dim, false, "i.created_at", dbuf, sizeof(dbuf));
    if (!dim || !period_sql(f->period, per, sizeof(per), "i.created_at"))
        return dim_unsupported(err);
    snprintf(sql, sizeof(sql),
             "SELECT (%s)" KEY("p") ", (%s)" KEY("g") ", count(*) FROM incident i WHERE" WINDOW(
                 "i.created_at") "AND" ORG("i.org_id") ORDER_PG,
             per, dim);
    struct pg_params p = { 0 };
    window_params(&p, f);
    return run_counts(s, sql, &p, a, out, n, err);
}

int pg_report_contact_counts(struct store *s, const struct report_filter *f, struct arena *a,
                             struct report_count **out, size_t *n, struct fc_err *err)
{
    char per[256], dbuf[256], sql[2048];
    const char *local = "(c.received_at + 60 * c.received_offset_min)";
    const char *dim = dim_sql(f->dim, true, local, dbuf, sizeof(dbuf));
    if (!dim || !period_sql(f->period, per, sizeof(per), "c.received_at"))
        return dim_unsupported(err);
    snprintf(sql, sizeof(sql),
             "SELECT (%s)" KEY("p") ", (%s)" KEY(
                 "g") ", count(*) FROM contact c "
                      "LEFT JOIN incident i ON i.id = c.incident_id "
                      "LEFT JOIN contact_labels l ON l.contact_id = c.id WHERE" WINDOW(
                          "c.received_at") "AND" ORG("c.org_id") ORDER_PG,
             per, dim);
    struct pg_params p = { 0 };
    window_params(&p, f);
    return run_counts(s, sql, &p, a, out, n, err);
}

int pg_report_triggers(struct store *s, const struct report_filter *f, struct arena *a,
                       struct report_count **out, size_t *n, struct fc_err *err)
{
    char per[256], sql[1024];
    if (!period_sql(f->period, per, sizeof(per), "t.applied_at"))
        return dim_unsupported(err);
    snprintf(sql, sizeof(sql),
             "SELECT (%s)" KEY("p") ", (t.status || '/' || coalesce(t.outcome, ''))" KEY(
                 "g") ", count(*) "
                      "FROM community_trigger t LEFT JOIN incident i ON i.id = t.incident_id "
                      "WHERE" WINDOW("t.applied_at") "AND" ORG("i.org_id") ORDER_PG,
             per);
    struct pg_params p = { 0 };
    window_params(&p, f);
    return run_counts(s, sql, &p, a, out, n, err);
}

int pg_policeuk_counts(struct store *s, const struct report_filter *f, const char *crime_type,
                       struct arena *a, struct report_count **out, size_t *n, struct fc_err *err)
{
    const char *per;
    switch (f->period) {
    case REPORT_PERIOD_ALL:
        per = "''::text";
        break;
    case REPORT_PERIOD_MONTH:
        per = "r.month";
        break;
    case REPORT_PERIOD_QUARTER:
        per = "(substr(r.month, 1, 4) || '-Q' || ((substr(r.month, 6, 2)::int + 2) / 3))";
        break;
    case REPORT_PERIOD_YEAR:
        per = "substr(r.month, 1, 4)";
        break;
    default:
        return dim_unsupported(err);
    }
    const char *dim;
    if (f->dim == REPORT_DIM_NONE)
        dim = "''::text";
    else if (f->dim == REPORT_DIM_LSOA)
        dim = "coalesce(r.lsoa_code, '')";
    else if (f->dim == REPORT_DIM_LOCATION)
        dim = "coalesce(r.location, '')";
    else
        return dim_unsupported(err);
    char sql[1024];
    /* months compare as text: $1 and $2 are turned into "YYYY-MM" in SQL */
    snprintf(sql, sizeof(sql),
             "SELECT (%s)" KEY("p") ", (%s)" KEY(
                 "g") ", count(*) FROM policeuk_record r WHERE"
                      " ($1::bigint IS NULL OR r.month >= to_char(" UTC(
                          "$1::bigint") ", 'YYYY-MM'))"
                                        " AND ($2::bigint IS NULL OR r.month < to_char(" UTC(
                                            "$2::bigint") ", 'YYYY-MM'))"
                                                          " AND ($3::text IS NULL OR r.crime_type "
                                                          "= $3::text)" ORDER_PG,
             per, dim);
    struct pg_params p = { 0 };
    pg_param_id(&p, f->from);
    pg_param_id(&p, f->to);
    pg_param_text(&p, crime_type);
    return run_counts(s, sql, &p, a, out, n, err);
}

/* ---- first contact ---- */

int pg_report_first_contact(struct store *s, const struct report_filter *f, struct arena *a,
                            struct report_fc_count **out, size_t *n, struct fc_err *err)
{
    char per[256], dbuf[256];
    const char *local = "(c.received_at + 60 * c.received_offset_min)";
    const char *dim = dim_sql(f->dim, true, local, dbuf, sizeof(dbuf));
    *out = NULL;
    *n = 0;
    if (!dim || !period_sql(f->period, per, sizeof(per), "c.received_at"))
        return dim_unsupported(err);
    /*
     * As sqlite_report_first_contact: x is the window's contacts with the caller's person
     * as it is now (rid: the person a duplicate was merged into); y one row per contact
     * with the facts, materialised so each EXISTS runs once per contact.
     */
    char sql[6144];
    snprintf(
        sql, sizeof(sql),
        "WITH x AS (SELECT c.*, coalesce(pp.merged_into, pp.id) AS rid FROM contact c"
        " LEFT JOIN person pp ON pp.id = c.caller_person_id"
        " WHERE" WINDOW("c.received_at") "AND" ORG(
            "c.org_id") "),"
                        "y AS MATERIALIZED (SELECT c.id, c.incident_id,"
                        " (c.rid IS NOT NULL AND (EXISTS (SELECT 1 FROM contact c2"
                        "   WHERE c2.caller_person_id = c.rid AND c2.received_at < c.received_at"
                        "   AND c2.received_at >= c.received_at - " YEAR_S ")"
                        "  OR EXISTS (SELECT 1 FROM person q JOIN contact c2 ON "
                        "c2.caller_person_id = q.id"
                        "   WHERE q.merged_into = c.rid AND c2.received_at < c.received_at"
                        "   AND c2.received_at >= c.received_at - " YEAR_S "))) AS rep,"
                        " (c.rid IS NOT NULL AND (EXISTS (SELECT 1 FROM flag fl WHERE fl.person_id "
                        "= c.rid"
                        "   AND fl.flagged_at <= c.received_at"
                        "   AND (fl.withdrawn_at IS NULL OR fl.withdrawn_at > c.received_at))"
                        "  OR EXISTS (SELECT 1 FROM person q JOIN flag fl ON fl.person_id = q.id"
                        "   WHERE q.merged_into = c.rid AND fl.flagged_at <= c.received_at"
                        "   AND (fl.withdrawn_at IS NULL OR fl.withdrawn_at > c.received_at)))) AS "
                        "vul,"
                        " coalesce(l.is_repeat_victim, 0) <> 0 AS rep_f,"
                        " coalesce(l.is_vulnerable, 0) <> 0 AS vul_f,"
                        " EXISTS (SELECT 1 FROM risk_assessment ra WHERE ra.contact_id = c.id) AS "
                        "screened,"
                        " (%s)" KEY("p") ", (%s)" KEY(
                            "g") " FROM x AS c LEFT JOIN contact_labels l ON l.contact_id = c.id"
                                 " LEFT JOIN incident i ON i.id = c.incident_id)"
                                 "SELECT p, g, count(*), count(*) FILTER (WHERE rep),"
                                 " count(*) FILTER (WHERE rep AND rep_f), count(*) FILTER (WHERE "
                                 "vul),"
                                 " count(*) FILTER (WHERE vul AND vul_f), count(*) FILTER (WHERE "
                                 "rep OR vul),"
                                 " count(*) FILTER (WHERE (rep OR vul) AND (rep_f OR vul_f)),"
                                 " count(*) FILTER (WHERE (rep_f OR vul_f) AND NOT (rep OR vul)),"
                                 " count(incident_id), count(*) FILTER (WHERE incident_id IS NOT "
                                 "NULL AND screened)"
                                 " FROM y" ORDER_PG,
        per, dim);
    struct pg_params p = { 0 };
    window_params(&p, f);
    PGresult *r;
    int rc = run_query(s, sql, &p, &r, err);
    if (rc != FC_OK)
        return rc;
    int rows = PQntuples(r);
    struct report_fc_count *arr = arena_alloc(a, (size_t)(rows ? rows : 1) * sizeof(*arr));
    if (arr == NULL)
        rc = oom(err);
    for (int i = 0; rc == FC_OK && i < rows; i++) {
        struct report_fc_count *o = &arr[i];
        o->period = pg_col_text(r, i, 0, a);
        o->group = pg_col_text(r, i, 1, a);
        o->contacts = pg_col_int(r, i, 2);
        o->repeat_later = pg_col_int(r, i, 3);
        o->repeat_flagged = pg_col_int(r, i, 4);
        o->vulnerable_later = pg_col_int(r, i, 5);
        o->vulnerable_flagged = pg_col_int(r, i, 6);
        o->either_later = pg_col_int(r, i, 7);
        o->either_flagged = pg_col_int(r, i, 8);
        o->flagged_not_later = pg_col_int(r, i, 9);
        o->incidents = pg_col_int(r, i, 10);
        o->screened_at_contact = pg_col_int(r, i, 11);
        if (!o->period || !o->group)
            rc = oom(err);
    }
    PQclear(r);
    if (rc == FC_OK) {
        *out = arr;
        *n = (size_t)rows;
    }
    return rc;
}

/* ---- tasks ---- */

int pg_report_tasks(struct store *s, const struct report_filter *f, fc_time_t now, struct arena *a,
                    struct report_task_count **out, size_t *n, struct fc_err *err)
{
    char per[256], sql[2048];
    *out = NULL;
    *n = 0;
    if (!period_sql(f->period, per, sizeof(per), "t.due_at"))
        return dim_unsupported(err);
    snprintf(sql, sizeof(sql),
             "SELECT (%s)" KEY("p") ", t.kind" KEY(
                 "g") ", count(*),"
                      " count(*) FILTER (WHERE t.status = 'done' AND t.completed_at <= t.due_at),"
                      " count(*) FILTER (WHERE t.status = 'done' AND t.completed_at > t.due_at),"
                      " count(*) FILTER (WHERE t.status = 'open' AND t.due_at < $4::bigint),"
                      " count(*) FILTER (WHERE t.status = 'open' AND t.due_at >= $4::bigint)"
                      " FROM task t LEFT JOIN incident i ON i.id = t.incident_id"
                      " WHERE t.status <> 'cancelled' AND" WINDOW("t.due_at") "AND" ORG("i.org_id")
                          ORDER_PG,
             per);
    struct pg_params p = { 0 };
    window_params(&p, f);
    pg_param_int(&p, now);
    PGresult *r;
    int rc = run_query(s, sql, &p, &r, err);
    if (rc != FC_OK)
        return rc;
    int rows = PQntuples(r);
    struct report_task_count *arr = arena_alloc(a, (size_t)(rows ? rows : 1) * sizeof(*arr));
    if (arr == NULL)
        rc = oom(err);
    for (int i = 0; rc == FC_OK && i < rows; i++) {
        struct report_task_count *o = &arr[i];
        o->period = pg_col_text(r, i, 0, a);
        o->group = pg_col_text(r, i, 1, a);
        o->due = pg_col_int(r, i, 2);
        o->done_on_time = pg_col_int(r, i, 3);
        o->done_late = pg_col_int(r, i, 4);
        o->open_overdue = pg_col_int(r, i, 5);
        o->open_in_time = pg_col_int(r, i, 6);
        if (!o->period || !o->group)
            rc = oom(err);
    }
    PQclear(r);
    if (rc == FC_OK) {
        *out = arr;
        *n = (size_t)rows;
    }
    return rc;
}

/* ---- satisfaction and survey rates ---- */

int pg_report_satisfaction(struct store *s, const struct report_filter *f, struct arena *a,
                           struct report_sat_count **out, size_t *n, struct fc_err *err)
{
    char per[256], dbuf[256], sql[3072];
    const char *dim = dim_sql(f->dim, true, "r.responded_at", dbuf, sizeof(dbuf));
    *out = NULL;
    *n = 0;
    if (!dim || !period_sql(f->period, per, sizeof(per), "r.responded_at"))
        return dim_unsupported(err);
        /* Q1-Q5: satisfied = 1..3 over valid 1..7; Q6 stopped = yes over yes/reduced/no; Q7
         * action = yes over yes/no. Don't know (0) is excluded. */
#define SAT(q)                                                                                     \
    " count(*) FILTER (WHERE r." q " BETWEEN 1 AND 3), count(*) FILTER (WHERE r." q                \
    " BETWEEN 1 AND 7),"
    snprintf(sql, sizeof(sql),
             "SELECT (%s)" KEY("p") ", (%s)" KEY("g") "," SAT("q1") SAT("q2") SAT("q3") SAT("q4")
                 SAT("q5") " count(*) FILTER (WHERE r.q6 = 'yes'), count(*) FILTER (WHERE r.q6 <> "
                           "'dont_know'),"
                           " count(*) FILTER (WHERE r.q7 = 'yes'), count(*) FILTER (WHERE r.q7 <> "
                           "'dont_know')"
                           " FROM survey_response r JOIN survey_queue q ON q.id = r.queue_id"
                           " LEFT JOIN incident i ON i.id = q.incident_id"
                           " LEFT JOIN contact c ON c.id = q.contact_id"
                           " LEFT JOIN contact_labels l ON l.contact_id = q.contact_id"
                           " WHERE" WINDOW("r.responded_at") "AND" ORG("i.org_id") ORDER_PG,
             per, dim);
#undef SAT
    struct pg_params p = { 0 };
    window_params(&p, f);
    PGresult *r;
    int rc = run_query(s, sql, &p, &r, err);
    if (rc != FC_OK)
        return rc;
    int rows = PQntuples(r);
    struct report_sat_count *arr = arena_alloc(a, (size_t)(rows ? rows : 1) * 7 * sizeof(*arr));
    if (arr == NULL)
        rc = oom(err);
    for (int i = 0; rc == FC_OK && i < rows; i++) {
        char *per_s = pg_col_text(r, i, 0, a), *grp = pg_col_text(r, i, 1, a);
        if (!per_s || !grp) {
            rc = oom(err);
            break;
        }
        for (int q = 0; q < 7; q++) {
            struct report_sat_count *o = &arr[i * 7 + q];
            o->period = per_s;
            o->group = grp;
            o->question = q + 1;
            o->x = pg_col_int(r, i, 2 + 2 * q);
            o->n = pg_col_int(r, i, 3 + 2 * q);
        }
    }
    PQclear(r);
    if (rc == FC_OK) {
        *out = arr;
        *n = (size_t)rows * 7;
    }
    return rc;
}

int pg_report_survey_rates(struct store *s, const struct report_filter *f, struct arena *a,
                           struct survey_rates **out, size_t *n, struct fc_err *err)
{
    char per[256], sql[1536];
    *out = NULL;
    *n = 0;
    if (!period_sql(f->period, per, sizeof(per), "q.queued_at"))
        return dim_unsupported(err);
    snprintf(sql, sizeof(sql),
             "SELECT (%s)" KEY(
                 "p") ", count(*), count(*) FILTER (WHERE q.status = 'invited'),"
                      " count(*) FILTER (WHERE q.status = 'responded'),"
                      " count(*) FILTER (WHERE q.status = 'declined'),"
                      " count(*) FILTER (WHERE q.status = 'not_eligible')"
                      " FROM survey_queue q LEFT JOIN incident i ON i.id = q.incident_id"
                      " WHERE" WINDOW("q.queued_at") "AND" ORG("i.org_id") " GROUP BY p ORDER BY p",
             per);
    struct pg_params p = { 0 };
    window_params(&p, f);
    PGresult *r;
    int rc = run_query(s, sql, &p, &r, err);
    if (rc != FC_OK)
        return rc;
    int rows = PQntuples(r);
    struct survey_rates *arr = arena_alloc(a, (size_t)(rows ? rows : 1) * sizeof(*arr));
    if (arr == NULL)
        rc = oom(err);
    for (int i = 0; rc == FC_OK && i < rows; i++) {
        struct survey_rates *o = &arr[i];
        o->period = pg_col_text(r, i, 0, a);
        o->queued = pg_col_int(r, i, 1);
        o->invited = pg_col_int(r, i, 2);
        o->responded = pg_col_int(r, i, 3);
        o->declined = pg_col_int(r, i, 4);
        o->not_eligible = pg_col_int(r, i, 5);
        if (!o->period)
            rc = oom(err);
    }
    PQclear(r);
    if (rc == FC_OK) {
        *out = arr;
        *n = (size_t)rows;
    }
    return rc;
}

/* ---- survey records ---- */

#define SURVEY_COLS "id, incident_id, person_id, contact_id, reason, status, queued_at"

int pg_survey_get(struct store *s, fc_id_t id, struct arena *a, struct survey_queue_rec *out,
                  struct fc_err *err)
{
    struct pg_conn *c;
    PGresult *r = NULL;
    int rc = pg_conn_of(s, &c, err);
    if (rc != FC_OK)
        return rc;
    struct pg_params p = { 0 };
    pg_param_int(&p, id);
    rc = pg_exec(c, PG_SURVEY_GET, "SELECT " SURVEY_COLS " FROM survey_queue WHERE id = $1", &p,
                 "survey", &r, err);
    if (rc == FC_OK && PQntuples(r) == 0)
        rc = err_set(err, FC_ENOTFOUND, "id", "no such survey");
    if (rc == FC_OK) {
        memset(out, 0, sizeof(*out));
        out->id = pg_col_int(r, 0, 0);
        out->incident_id = pg_col_int(r, 0, 1);
        out->person_id = pg_col_int(r, 0, 2);
        out->contact_id = pg_col_int(r, 0, 3);
        out->reason = pg_col_text(r, 0, 4, a);
        out->status = pg_col_text(r, 0, 5, a);
        out->queued_at = pg_col_int(r, 0, 6);
        if (!out->reason || !out->status)
            rc = err_set(err, FC_ENOMEM, "", "out of memory reading a survey");
    }
    PQclear(r);
    return rc;
}

int pg_survey_set_status(struct store *s, fc_id_t id, const char *status, struct fc_err *err)
{
    struct pg_conn *c;
    PGresult *r = NULL;
    int rc = pg_conn_of(s, &c, err);
    if (rc != FC_OK)
        return rc;
    struct pg_params p = { 0 };
    pg_param_int(&p, id);
    pg_param_text(&p, status);
    rc = pg_exec(c, PG_SURVEY_SET_STATUS, "UPDATE survey_queue SET status = $2 WHERE id = $1", &p,
                 "survey status", &r, err);
    if (rc == FC_OK && strcmp(PQcmdTuples(r), "0") == 0)
        rc = err_set(err, FC_ENOTFOUND, "id", "no such survey");
    PQclear(r);
    return rc;
}

int pg_survey_person_recent(struct store *s, fc_id_t person_id, fc_time_t since, fc_id_t exclude_id,
                            int64_t *out, struct fc_err *err)
{
    struct pg_conn *c;
    PGresult *r = NULL;
    *out = 0;
    int rc = pg_conn_of(s, &c, err);
    if (rc != FC_OK)
        return rc;
    struct pg_params p = { 0 };
    pg_param_int(&p, person_id);
    pg_param_int(&p, since);
    pg_param_id(&p, exclude_id);
    rc = pg_exec(c, PG_SURVEY_PERSON_RECENT,
                 /* an IN list, so the person index is used (see the SQLite store) */
                 "SELECT count(*) FROM survey_queue q WHERE q.person_id IN"
                 " (SELECT $1::bigint UNION SELECT merged_into FROM person WHERE id = $1::bigint"
                 "  AND merged_into IS NOT NULL"
                 "  UNION SELECT id FROM person WHERE merged_into = $1::bigint)"
                 " AND q.status IN ('invited', 'responded', 'declined')"
                 " AND q.queued_at >= $2::bigint AND q.id IS DISTINCT FROM $3::bigint",
                 &p, "survey history", &r, err);
    if (rc == FC_OK)
        *out = pg_col_int(r, 0, 0);
    PQclear(r);
    return rc;
}

int pg_survey_token_insert(struct store *s, const unsigned char token_hash[32], fc_id_t queue_id,
                           fc_time_t created_at, fc_time_t expires_at, struct fc_err *err)
{
    struct pg_conn *c;
    PGresult *r = NULL;
    int rc = pg_conn_of(s, &c, err);
    if (rc != FC_OK)
        return rc;
    struct pg_params p = { 0 };
    pg_param_bytea(&p, token_hash, 32);
    pg_param_int(&p, queue_id);
    pg_param_int(&p, created_at);
    pg_param_int(&p, expires_at);
    rc = pg_exec(c, PG_SURVEY_TOKEN_INSERT,
                 "INSERT INTO survey_token (token_hash, queue_id, created_at, expires_at)"
                 " VALUES ($1, $2, $3, $4)",
                 &p, "survey token", &r, err);
    PQclear(r);
    return rc;
}

static int token_not_found(struct fc_err *err)
{
    return err_set(err, FC_ENOTFOUND, "token", "this survey link is not valid or has expired");
}

int pg_survey_token_peek(struct store *s, const unsigned char token_hash[32], fc_time_t now,
                         fc_id_t *out_queue_id, struct fc_err *err)
{
    struct pg_conn *c;
    PGresult *r = NULL;
    int rc = pg_conn_of(s, &c, err);
    if (rc != FC_OK)
        return rc;
    struct pg_params p = { 0 };
    pg_param_bytea(&p, token_hash, 32);
    pg_param_int(&p, now);
    rc = pg_exec(c, PG_SURVEY_TOKEN_PEEK,
                 "SELECT queue_id FROM survey_token WHERE token_hash = $1"
                 " AND used_at IS NULL AND expires_at > $2",
                 &p, "survey token", &r, err);
    if (rc == FC_OK && PQntuples(r) == 0)
        rc = token_not_found(err);
    if (rc == FC_OK)
        *out_queue_id = pg_col_int(r, 0, 0);
    PQclear(r);
    return rc;
}

int pg_survey_token_use(struct store *s, const unsigned char token_hash[32], fc_time_t now,
                        fc_id_t *out_queue_id, struct fc_err *err)
{
    struct pg_conn *c;
    PGresult *r = NULL;
    int rc = pg_conn_of(s, &c, err);
    if (rc != FC_OK)
        return rc;
    struct pg_params p = { 0 };
    pg_param_bytea(&p, token_hash, 32);
    pg_param_int(&p, now);
    /* one guarded UPDATE is the single use: two racing answers cannot both change the row */
    rc = pg_exec(c, PG_SURVEY_TOKEN_USE,
                 "UPDATE survey_token SET used_at = $2 WHERE token_hash = $1"
                 " AND used_at IS NULL AND expires_at > $2 RETURNING queue_id",
                 &p, "survey token", &r, err);
    if (rc == FC_OK && PQntuples(r) == 0)
        rc = token_not_found(err);
    if (rc == FC_OK)
        *out_queue_id = pg_col_int(r, 0, 0);
    PQclear(r);
    return rc;
}

int pg_survey_response_insert(struct store *s, const struct survey_answers *ans, fc_id_t *out,
                              struct fc_err *err)
{
    struct pg_conn *c;
    PGresult *r = NULL;
    int rc = pg_conn_of(s, &c, err);
    if (rc != FC_OK)
        return rc;
    struct pg_params p = { 0 };
    pg_param_int(&p, ans->queue_id);
    pg_param_text(&p, ans->instrument);
    pg_param_text(&p, ans->channel);
    for (int i = 0; i < 5; i++)
        pg_param_int(&p, ans->q[i]);
    pg_param_text(&p, ans->q6);
    pg_param_text(&p, ans->q7);
    pg_param_id(&p, ans->recorded_by);
    pg_param_int(&p, ans->responded_at);
    rc = pg_exec(c, PG_SURVEY_RESPONSE_INSERT,
                 "INSERT INTO survey_response (queue_id, instrument, channel, q1, q2, q3, q4,"
                 " q5, q6, q7, recorded_by, responded_at)"
                 " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id",
                 &p, "survey response", &r, err);
    if (rc == FC_OK && out)
        *out = pg_col_int(r, 0, 0);
    PQclear(r);
    return rc;
}

/* ---- police.uk ---- */

/* Parameters of the upsert; empty strings become NULL so "no outcome" reads the same from
 * any file. */
static void upsert_params(struct pg_params *p, const struct policeuk_record *rec)
{
    p->n = 0;
    const char *txt[] = { rec->natural_key, rec->crime_id, rec->month, rec->reported_by,
                          rec->falls_within };
    for (int i = 0; i < 5; i++)
        pg_param_text(p, txt[i] && txt[i][0] ? txt[i] : NULL);
    pg_param_double(p, rec->lat);
    pg_param_double(p, rec->lon);
    const char *txt2[] = { rec->location,     rec->lsoa_code, rec->lsoa_name,  rec->crime_type,
                           rec->last_outcome, rec->context,   rec->source_file };
    for (int i = 0; i < 7; i++)
        pg_param_text(p, txt2[i] && txt2[i][0] ? txt2[i] : NULL);
    pg_param_int(p, rec->imported_at);
}

/*
 * The upsert inserts, or updates only when a column other than source_file and
 * imported_at differs; xmax = 0 tells a fresh row from an updated one, and no row back
 * means unchanged.
 */
#define DIFF(col) "o." col " IS DISTINCT FROM EXCLUDED." col
static const char upsert_sql[] =
    "INSERT INTO policeuk_record AS o (natural_key, crime_id, month, reported_by,"
    " falls_within, lat, lon, location, lsoa_code, lsoa_name, crime_type,"
    " last_outcome, context, source_file, imported_at) VALUES ($1, $2, $3, $4, $5,"
    " $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)"
    " ON CONFLICT (natural_key) DO UPDATE SET crime_id = EXCLUDED.crime_id,"
    " month = EXCLUDED.month, reported_by = EXCLUDED.reported_by,"
    " falls_within = EXCLUDED.falls_within, lat = EXCLUDED.lat, lon = EXCLUDED.lon,"
    " location = EXCLUDED.location, lsoa_code = EXCLUDED.lsoa_code,"
    " lsoa_name = EXCLUDED.lsoa_name, crime_type = EXCLUDED.crime_type,"
    " last_outcome = EXCLUDED.last_outcome, context = EXCLUDED.context,"
    " source_file = EXCLUDED.source_file, imported_at = EXCLUDED.imported_at"
    " WHERE " DIFF("crime_id") " OR " DIFF("month") " OR " DIFF("reported_by") " OR " DIFF("falls_"
                                                                                           "within") " OR " DIFF("lat") " OR " DIFF("lon") " OR " DIFF(
        "location") " OR " DIFF("lsoa_code") " OR " DIFF("lsoa_name") " OR " DIFF("crime_type") " O"
                                                                                                "R"
                                                                                                " " DIFF("last_outcome") " OR " DIFF("context") " RETURNING (o.xmax = 0) AS inserted";
#undef DIFF

static enum policeuk_change upsert_change(const PGresult *r)
{
    if (PQntuples(r) == 0)
        return POLICEUK_UNCHANGED;
    return strcmp(PQgetvalue(r, 0, 0), "t") == 0 ? POLICEUK_INSERTED : POLICEUK_UPDATED;
}

int pg_policeuk_upsert(struct store *s, const struct policeuk_record *rec,
                       enum policeuk_change *out_change, struct fc_err *err)
{
    struct pg_conn *c;
    PGresult *r = NULL;
    int rc = pg_conn_of(s, &c, err);
    if (rc != FC_OK)
        return rc;
    struct pg_params p = { 0 };
    upsert_params(&p, rec);
    rc = pg_exec(c, PG_POLICEUK_UPSERT, upsert_sql, &p, "policeuk_record", &r, err);
    if (rc == FC_OK)
        *out_change = upsert_change(r);
    PQclear(r);
    return rc;
}

#define PIPELINE_ROWS 256 /* upserts in flight at once: small answers, no send/receive stall */

/* Sends rows [from, to) through the pipeline and reads their answers. */
static int upsert_pipeline(struct pg_conn *c, const struct policeuk_record *recs, size_t from,
                           size_t to, enum policeuk_change *out_changes, size_t *out_failed,
                           struct fc_err *err)
{
    char name[16];
    snprintf(name, sizeof(name), "fc%d", (int)PG_POLICEUK_UPSERT);
    int rc = FC_OK;
    size_t sent = from;
    for (; sent < to; sent++) {
        struct pg_params p = { 0 };
        upsert_params(&p, &recs[sent]);
        if (PQsendQueryPrepared(c->db, name, p.n, p.v, NULL, NULL, 0) != 1)
            break;
    }
    if (PQpipelineSync(c->db) != 1 && sent == from)
        return err_set(err, FC_EUNAVAIL, "store", "policeuk_record: database connection lost");
    /* one result (then NULL) per query sent, then the sync point */
    for (size_t i = from; i < sent; i++) {
        PGresult *r = PQgetResult(c->db);
        ExecStatusType es = r ? PQresultStatus(r) : PGRES_FATAL_ERROR;
        if (rc == FC_OK && es == PGRES_TUPLES_OK) {
            out_changes[i] = upsert_change(r);
        } else if (rc == FC_OK) {
            rc = pg_status(c, r, "policeuk_record", err);
            if (rc == FC_OK) /* aborted without its own error: the connection failed */
                rc = err_set(err, FC_EUNAVAIL, "store", "policeuk_record: pipeline aborted");
            *out_failed = i;
        }
        PQclear(r);
        if (r != NULL)
            PQclear(PQgetResult(c->db)); /* the NULL that ends this query's results */
    }
    PGresult *r;
    while ((r = PQgetResult(c->db)) != NULL) {
        bool sync = PQresultStatus(r) == PGRES_PIPELINE_SYNC;
        PQclear(r);
        if (sync)
            break;
    }
    if (rc == FC_OK && sent < to) {
        *out_failed = sent;
        rc = err_set(err, FC_EUNAVAIL, "store", "policeuk_record: could not send to the database");
    }
    return rc;
}

int pg_policeuk_upsert_many(struct store *s, const struct policeuk_record *recs, size_t n,
                            enum policeuk_change *out_changes, size_t *out_failed,
                            struct fc_err *err)
{
    struct pg_conn *c;
    *out_failed = 0;
    int rc = pg_conn_of(s, &c, err);
    if (rc != FC_OK || n == 0)
        return rc;
    if (!c->prepared[PG_POLICEUK_UPSERT]) {
        char name[16];
        snprintf(name, sizeof(name), "fc%d", (int)PG_POLICEUK_UPSERT);
        PGresult *r = PQprepare(c->db, name, upsert_sql, 0, NULL);
        rc = pg_status(c, r, "policeuk_record", err);
        PQclear(r);
        if (rc != FC_OK)
            return rc;
        c->prepared[PG_POLICEUK_UPSERT] = true;
    }
    rc = pg_tx_begin(c, err); /* a savepoint inside the caller's transaction */
    if (rc != FC_OK)
        return rc;
    if (PQenterPipelineMode(c->db) != 1)
        rc = err_set(err, FC_EUNAVAIL, "store", "policeuk_record: cannot start a pipeline");
    for (size_t from = 0; rc == FC_OK && from < n; from += PIPELINE_ROWS) {
        size_t to = from + PIPELINE_ROWS < n ? from + PIPELINE_ROWS : n;
        rc = upsert_pipeline(c, recs, from, to, out_changes, out_failed, err);
    }
    PQexitPipelineMode(c->db);
    return pg_tx_end(c, rc, err);
}
