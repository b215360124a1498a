/*
 * store/pg/pg_intake.c: call-handling records on PostgreSQL (migration 0003), the same
 * operations and answers as sqlite_intake.c.
 *
 * Statements are prepared once per connection and take their values as parameters. A
 * write inside a caller's transaction runs under its own savepoint, so a refused row (an
 * open task of that kind already exists, a survey already queued) leaves the caller's
 * transaction usable, as a failed statement does on SQLite; outside a transaction each
 * write commits on its own (READ COMMITTED). Reads of more than one statement (a trigger
 * with its steps) see one snapshot (REPEATABLE READ). Rows are copied into the caller's
 * arena.
 */
#include "store/pg/pg_intake.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "store/pg/pg_internal.h"

/* ---- helpers ---- */

/* Reads one result row into a record; oom is set when the arena runs out. */
struct rd {
    const PGresult *r;
    int row;
    struct arena *a;
    bool oom;
};

static char *rd_text(struct rd *d, int col)
{
    if (PQgetisnull(d->r, d->row, col))
        return NULL;
    char *s = arena_strdup(d->a, PQgetvalue(d->r, d->row, col));
    if (s == NULL)
        d->oom = true;
    return s;
}

static int64_t rd_int(const struct rd *d, int col)
{
    return pg_col_int(d->r, d->row, col);
}

typedef void (*row_fn)(struct rd *d, void *out);

/* Copies every row of r into an arena array (an empty result gives NULL, 0). */
static int read_rows(const PGresult *r, size_t elem, row_fn row, struct arena *a, void **out,
                     size_t *n, const char *what, struct fc_err *err)
{
    *out = NULL;
    *n = 0;
    int rows = PQntuples(r);
    if (rows == 0)
        return FC_OK;
    char *arr = arena_alloc(a, (size_t)rows * elem);
    if (arr == NULL)
        return err_set(err, FC_ENOMEM, "", "%s: out of memory reading rows", what);
    memset(arr, 0, (size_t)rows * elem);
    struct rd d = { .r = r, .a = a };
    for (int i = 0; i < rows; i++) {
        d.row = i;
        row(&d, arr + (size_t)i * elem);
    }
    if (d.oom)
        return err_set(err, FC_ENOMEM, "", "%s: out of memory reading rows", what);
    *out = arr;
    *n = (size_t)rows;
    return FC_OK;
}

/* Runs a read and copies its rows (see read_rows). */
static int query_rows(struct store *s, enum pg_slot slot, const char *sql,
                      const struct pg_params *p, size_t elem, row_fn row, struct arena *a,
                      void **out, size_t *n, const char *what, struct fc_err *err)
{
    struct pg_conn *c;
    PGresult *r = NULL;
    *out = NULL;
    *n = 0;
    int rc = pg_conn_of(s, &c, err);
    if (rc == FC_OK)
        rc = pg_exec(c, slot, sql, p, what, &r, err);
    if (rc == FC_OK)
        rc = read_rows(r, elem, row, a, out, n, what, err);
    PQclear(r);
    return rc;
}

/* Runs a read expected to find one row; FC_ENOTFOUND naming "id" when it finds none. */
static int query_one(struct store *s, enum pg_slot slot, const char *sql, const struct pg_params *p,
                     row_fn row, struct arena *a, void *out, const char *what, struct fc_err *err)
{
    struct pg_conn *c;
    PGresult *r = NULL;
    int rc = pg_conn_of(s, &c, err);
    if (rc == FC_OK)
        rc = pg_exec(c, slot, sql, p, what, &r, err);
    if (rc == FC_OK && PQntuples(r) == 0)
        rc = err_set(err, FC_ENOTFOUND, "id", "%s: not found", what);
    if (rc == FC_OK) {
        struct rd d = { .r = r, .row = 0, .a = a };
        row(&d, out);
        if (d.oom)
            rc = err_set(err, FC_ENOMEM, "", "%s: out of memory reading a row", what);
    }
    PQclear(r);
    return rc;
}

/*
 * Runs one write. Inside a transaction it runs under a savepoint, so a refused row leaves
 * the transaction usable. *res (when res != NULL) gets the result on FC_OK.
 */
static int write_exec(struct pg_conn *c, enum pg_slot slot, const char *sql,
                      const struct pg_params *p, const char *what, PGresult **res,
                      struct fc_err *err)
{
    PGresult *r = NULL;
    if (res != NULL)
        *res = NULL;
    bool guard = c->txn_depth > 0;
    int rc = guard ? pg_tx_begin(c, err) : FC_OK;
    if (rc != FC_OK)
        return rc;
    rc = pg_exec(c, slot, sql, p, what, &r, err);
    if (guard)
        rc = pg_tx_end(c, rc, err);
    if (rc == FC_OK && res != NULL)
        *res = r;
    else
        PQclear(r);
    return rc;
}

/* A write on this thread's connection returning an id in column 0 (out may be NULL). */
static int write_id(struct store *s, enum pg_slot slot, const char *sql, const struct pg_params *p,
                    const char *what, fc_id_t *out, struct fc_err *err)
{
    struct pg_conn *c;
    PGresult *r = NULL;
    int rc = pg_conn_of(s, &c, err);
    if (rc == FC_OK)
        rc = write_exec(c, slot, sql, p, what, &r, err);
    if (rc == FC_OK && out != NULL)
        *out = PQntuples(r) > 0 ? pg_col_int(r, 0, 0) : 0;
    PQclear(r);
    return rc;
}

/* A write that must change exactly one row, or FC_ENOTFOUND naming "id". */
static int write_one(struct store *s, enum pg_slot slot, const char *sql, const struct pg_params *p,
                     const char *what, struct fc_err *err)
{
    struct pg_conn *c;
    PGresult *r = NULL;
    int rc = pg_conn_of(s, &c, err);
    if (rc == FC_OK)
        rc = write_exec(c, slot, sql, p, what, &r, err);
    if (rc == FC_OK && strcmp(PQcmdTuples(r), "0") == 0)
        rc = err_set(err, FC_ENOTFOUND, "id", "%s: no such record", what);
    PQclear(r);
    return rc;
}

static void param_bool(struct pg_params *p, bool v)
{
    pg_param_int(p, v ? 1 : 0);
}

/* ---- teams ---- */

int pg_team_area_replace(struct store *s, const char *version, const char *const *lsoa,
                         const char *const *team_id, const char *const *team_name,
                         const char *const *district, size_t n, struct fc_err *err)
{
    struct pg_conn *c;
    PGresult *r = NULL;
    int rc = pg_conn_of(s, &c, err);
    if (rc == FC_OK)
        rc = pg_tx_begin(c, err);
    if (rc != FC_OK)
        return rc;
    /* two nodes replacing the map at once: one waits for the other, then replaces it whole */
    rc = pg_exec_simple(c, "LOCK TABLE team_area IN SHARE ROW EXCLUSIVE MODE", "team_area replace",
                        err);
    if (rc == FC_OK)
        rc = pg_exec(c, PG_TEAM_AREA_DELETE, "DELETE FROM team_area", NULL, "team_area replace", &r,
                     err);
    PQclear(r);
    for (size_t i = 0; rc == FC_OK && i < n; i++) {
        /* each team is written once, before its first area, named by its last row (as
         * SQLite's upsert per row leaves it) */
        bool first = true;
        size_t last = i;
        for (size_t j = 0; j < n && team_id[i] != NULL; j++) {
            if (j == i || team_id[j] == NULL || strcmp(team_id[i], team_id[j]) != 0)
                continue;
            if (j < i)
                first = false;
            else
                last = j;
            if (!first)
                break;
        }
        struct pg_params p = { 0 };
        if (first) {
            pg_param_text(&p, team_id[i]);
            pg_param_text(&p, team_name[last]);
            pg_param_text(&p, district[last]);
            rc = pg_exec(c, PG_TEAM_UPSERT,
                         "INSERT INTO team (id, name, district) VALUES ($1, $2, $3) "
                         "ON CONFLICT (id) DO UPDATE SET name = excluded.name, "
                         "district = excluded.district",
                         &p, "team upsert", &r, err);
            PQclear(r);
            if (rc != FC_OK)
                break;
        }
        p.n = 0;
        pg_param_text(&p, lsoa[i]);
        pg_param_text(&p, team_id[i]);
        pg_param_text(&p, version);
        rc = pg_exec(c, PG_TEAM_AREA_INSERT,
                     "INSERT INTO team_area (lsoa_code, team_id, version) VALUES ($1, $2, $3)", &p,
                     "team_area insert", &r, err);
        PQclear(r);
    }
    return pg_tx_end(c, rc, err);
}

/* ---- risk assessments ---- */

#define RISK_COLS                                                                                  \
    "id, incident_id, person_id, contact_id, version, stage, answers, score, escalations, "        \
    "outcome, scored_level, final_level, reason, supersedes_id, assessor_user_id, "                \
    "assessed_at, next_review_due"

static void risk_row(struct rd *d, void *out)
{
    struct risk_assessment_rec *r = out;
    r->id = rd_int(d, 0);
    r->incident_id = rd_int(d, 1);
    r->person_id = rd_int(d, 2);
    r->contact_id = rd_int(d, 3);
    r->version = rd_text(d, 4);
    r->stage = rd_text(d, 5);
    r->answers = rd_text(d, 6);
    r->score = (int)rd_int(d, 7);
    r->escalations = rd_text(d, 8);
    r->outcome = rd_text(d, 9);
    r->scored_level = rd_text(d, 10);
    r->final_level = rd_text(d, 11);
    r->reason = rd_text(d, 12);
    r->supersedes_id = rd_int(d, 13);
    r->assessor_user_id = rd_int(d, 14);
    r->assessed_at = rd_int(d, 15);
    r->next_review_due = rd_int(d, 16);
}

int pg_risk_assessment_insert(struct store *s, const struct risk_assessment_rec *r, fc_id_t *out,
                              struct fc_err *err)
{
    struct pg_params p = { 0 };
    pg_param_id(&p, r->incident_id);
    pg_param_id(&p, r->person_id);
    pg_param_id(&p, r->contact_id);
    pg_param_text(&p, r->version);
    pg_param_text(&p, r->stage);
    pg_param_text(&p, r->answers ? r->answers : "{}");
    pg_param_int(&p, r->score);
    pg_param_text(&p, r->escalations ? r->escalations : "[]");
    pg_param_text(&p, r->outcome);
    pg_param_text(&p, r->scored_level);
    pg_param_text(&p, r->final_level);
    pg_param_text(&p, r->reason);
    pg_param_id(&p, r->supersedes_id);
    pg_param_id(&p, r->assessor_user_id);
    pg_param_int(&p, r->assessed_at);
    pg_param_id(&p, r->next_review_due);
    return write_id(s, PG_RISK_INSERT,
                    "INSERT INTO risk_assessment (incident_id, person_id, contact_id, version, "
                    "stage, answers, score, escalations, outcome, scored_level, final_level, "
                    "reason, supersedes_id, assessor_user_id, assessed_at, next_review_due) "
                    "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, "
                    "$16) RETURNING id",
                    &p, "risk_assessment insert", out, err);
}

int pg_risk_assessment_list(struct store *s, fc_id_t incident_id, fc_id_t person_id,
                            struct arena *a, struct risk_assessment_rec **out, size_t *n,
                            struct fc_err *err)
{
    struct pg_params p = { 0 };
    pg_param_id(&p, incident_id);
    pg_param_id(&p, person_id);
    /* one statement per way in, each on its own index (see the SQLite store) */
    if (person_id != 0)
        return query_rows(s, PG_RISK_LIST_PERSON,
                          "SELECT " RISK_COLS " FROM risk_assessment WHERE person_id = $2::bigint "
                          "AND ($1::bigint IS NULL OR incident_id = $1::bigint) ORDER BY id",
                          &p, sizeof(**out), risk_row, a, (void **)out, n, "risk_assessment list",
                          err);
    if (incident_id != 0)
        return query_rows(
            s, PG_RISK_LIST,
            "SELECT " RISK_COLS " FROM risk_assessment WHERE incident_id = $1::bigint "
            "AND $2::bigint IS NULL ORDER BY id",
            &p, sizeof(**out), risk_row, a, (void **)out, n, "risk_assessment list", err);
    return query_rows(s, PG_RISK_LIST_ALL,
                      "SELECT " RISK_COLS " FROM risk_assessment "
                      "WHERE $1::bigint IS NULL AND $2::bigint IS NULL ORDER BY id",
                      &p, sizeof(**out), risk_row, a, (void **)out, n, "risk_assessment list", err);
}

/* ---- grades ---- */

static void grade_row(struct rd *d, void *out)
{
    struct grade_rec *g = out;
    g->id = rd_int(d, 0);
    g->incident_id = rd_int(d, 1);
    g->version = rd_text(d, 2);
    g->suggested = rd_text(d, 3);
    g->floor = rd_text(d, 4);
    g->grade = rd_text(d, 5);
    g->reason = rd_text(d, 6);
    g->is_override = rd_int(d, 7) != 0;
    g->user_id = rd_int(d, 8);
    g->graded_at = rd_int(d, 9);
}

int pg_grade_insert(struct store *s, const struct grade_rec *g, fc_id_t *out, struct fc_err *err)
{
    struct pg_params p = { 0 };
    pg_param_id(&p, g->incident_id);
    pg_param_text(&p, g->version);
    pg_param_text(&p, g->suggested);
    pg_param_text(&p, g->floor);
    pg_param_text(&p, g->grade);
    pg_param_text(&p, g->reason);
    param_bool(&p, g->is_override);
    pg_param_id(&p, g->user_id);
    pg_param_int(&p, g->graded_at);
    return write_id(s, PG_GRADE_INSERT,
                    "INSERT INTO incident_grade (incident_id, version, suggested, floor, grade, "
                    "reason, is_override, user_id, graded_at) "
                    "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
                    &p, "incident_grade insert", out, err);
}

int pg_grade_list(struct store *s, fc_id_t incident_id, struct arena *a, struct grade_rec **out,
                  size_t *n, struct fc_err *err)
{
    struct pg_params p = { 0 };
    pg_param_int(&p, incident_id);
    return query_rows(s, PG_GRADE_LIST,
                      "SELECT id, incident_id, version, suggested, floor, grade, reason, "
                      "is_override, user_id, graded_at FROM incident_grade "
                      "WHERE incident_id = $1 ORDER BY id",
                      &p, sizeof(**out), grade_row, a, (void **)out, n, "incident_grade list", err);
}

/* ---- contact labels ---- */

static void labels_row(struct rd *d, void *out)
{
    struct contact_labels_rec *l = out;
    l->contact_id = rd_int(d, 0);
    l->version = rd_text(d, 1);
    l->prior_calls_12m = (int)rd_int(d, 2);
    l->prior_calls_ever = (int)rd_int(d, 3);
    l->is_repeat_victim = rd_int(d, 4) != 0;
    l->is_persistent = rd_int(d, 5) != 0;
    l->is_high_volume = rd_int(d, 6) != 0;
    l->victim_incidents_12m = (int)rd_int(d, 7);
    l->location_incidents_12m = (int)rd_int(d, 8);
    l->is_repeat_location = rd_int(d, 9) != 0;
    l->suspect_incidents_max = (int)rd_int(d, 10);
    l->is_repeat_perpetrator = rd_int(d, 11) != 0;
    l->flags_in_force = (int)rd_int(d, 12);
    l->is_vulnerable = rd_int(d, 13) != 0;
    l->vulnerable_basis = rd_text(d, 14);
    l->flags_shown = rd_text(d, 15);
    l->trigger_count = (int)rd_int(d, 16);
    l->trigger_prompted = rd_int(d, 17) != 0;
    l->trigger_eligible = rd_int(d, 18) != 0;
    l->shown_at = rd_int(d, 19);
}

int pg_contact_labels_insert(struct store *s, const struct contact_labels_rec *l,
                             struct fc_err *err)
{
    struct pg_params p = { 0 };
    pg_param_int(&p, l->contact_id);
    pg_param_text(&p, l->version);
    pg_param_int(&p, l->prior_calls_12m);
    pg_param_int(&p, l->prior_calls_ever);
    param_bool(&p, l->is_repeat_victim);
    param_bool(&p, l->is_persistent);
    param_bool(&p, l->is_high_volume);
    pg_param_int(&p, l->victim_incidents_12m);
    pg_param_int(&p, l->location_incidents_12m);
    param_bool(&p, l->is_repeat_location);
    pg_param_int(&p, l->suspect_incidents_max);
    param_bool(&p, l->is_repeat_perpetrator);
    pg_param_int(&p, l->flags_in_force);
    param_bool(&p, l->is_vulnerable);
    pg_param_text(&p, l->vulnerable_basis ? l->vulnerable_basis : "");
    pg_param_text(&p, l->flags_shown ? l->flags_shown : "[]");
    pg_param_int(&p, l->trigger_count);
    param_bool(&p, l->trigger_prompted);
    param_bool(&p, l->trigger_eligible);
    pg_param_int(&p, l->shown_at);
    return write_id(s, PG_LABELS_INSERT,
                    "INSERT INTO contact_labels (contact_id, version, prior_calls_12m, "
                    "prior_calls_ever, is_repeat_victim, is_persistent, is_high_volume, "
                    "victim_incidents_12m, location_incidents_12m, is_repeat_location, "
                    "suspect_incidents_max, is_repeat_perpetrator, flags_in_force, is_vulnerable, "
                    "vulnerable_basis, flags_shown, trigger_count, trigger_prompted, "
                    "trigger_eligible, shown_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, "
                    "$11, $12, $13, $14, $15, $16, $17, $18, $19, $20)",
                    &p, "contact_labels insert", NULL, err);
}

int pg_contact_labels_get(struct store *s, fc_id_t contact_id, struct arena *a,
                          struct contact_labels_rec *out, struct fc_err *err)
{
    struct pg_params p = { 0 };
    pg_param_int(&p, contact_id);
    return query_one(s, PG_LABELS_GET,
                     "SELECT contact_id, version, prior_calls_12m, prior_calls_ever, "
                     "is_repeat_victim, is_persistent, is_high_volume, victim_incidents_12m, "
                     "location_incidents_12m, is_repeat_location, suspect_incidents_max, "
                     "is_repeat_perpetrator, flags_in_force, is_vulnerable, vulnerable_basis, "
                     "flags_shown, trigger_count, trigger_prompted, trigger_eligible, shown_at "
                     "FROM contact_labels WHERE contact_id = $1",
                     &p, labels_row, a, out, "contact_labels", err);
}

/* ---- tasks ---- */

#define TASK_COLS                                                                                  \
    "id, incident_id, case_id, contact_id, kind, rank, team_id, assignee_user_id, reason, "        \
    "status, due_at, created_at, completed_at, completed_by, outcome, escalated_at"

static void task_row(struct rd *d, void *out)
{
    struct task_rec *t = out;
    t->id = rd_int(d, 0);
    t->incident_id = rd_int(d, 1);
    t->case_id = rd_int(d, 2);
    t->contact_id = rd_int(d, 3);
    t->kind = rd_text(d, 4);
    t->rank = rd_text(d, 5);
    t->team_id = rd_text(d, 6);
    t->assignee_user_id = rd_int(d, 7);
    t->reason = rd_text(d, 8);
    t->status = rd_text(d, 9);
    t->due_at = rd_int(d, 10);
    t->created_at = rd_int(d, 11);
    t->completed_at = rd_int(d, 12);
    t->completed_by = rd_int(d, 13);
    t->outcome = rd_text(d, 14);
    t->escalated_at = rd_int(d, 15);
}

int pg_task_insert(struct store *s, const struct task_rec *t, fc_id_t *out, struct fc_err *err)
{
    struct pg_params p = { 0 };
    pg_param_id(&p, t->incident_id);
    pg_param_id(&p, t->case_id);
    pg_param_id(&p, t->contact_id);
    pg_param_text(&p, t->kind);
    pg_param_text(&p, t->rank ? t->rank : "");
    pg_param_text(&p, t->team_id);
    pg_param_id(&p, t->assignee_user_id);
    pg_param_text(&p, t->reason);
    pg_param_int(&p, t->due_at);
    pg_param_int(&p, t->created_at);
    return write_id(s, PG_TASK_INSERT,
                    "INSERT INTO task (incident_id, case_id, contact_id, kind, rank, team_id, "
                    "assignee_user_id, reason, status, due_at, created_at) "
                    "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'open', $9, $10) RETURNING id",
                    &p, "task insert", out, err);
}

int pg_task_get(struct store *s, fc_id_t id, struct arena *a, struct task_rec *out,
                struct fc_err *err)
{
    struct pg_params p = { 0 };
    pg_param_int(&p, id);
    return query_one(s, PG_TASK_GET, "SELECT " TASK_COLS " FROM task WHERE id = $1", &p, task_row,
                     a, out, "task", err);
}

int pg_task_search(struct store *s, const struct task_query *q, struct arena *a,
                   struct task_rec **out, size_t *n, struct fc_err *err)
{
    struct pg_params p = { 0 };
    pg_param_text(&p, q->team_id);
    pg_param_text(&p, q->status);
    pg_param_id(&p, q->incident_id);
    pg_param_id(&p, q->due_before);
    pg_param_int(&p, q->limit ? (int64_t)q->limit : 1000);
    pg_param_int(&p, (int64_t)q->offset);
    return query_rows(s, PG_TASK_SEARCH,
                      "SELECT " TASK_COLS " FROM task "
                      "WHERE ($1::text IS NULL OR team_id = $1::text) "
                      "AND ($2::text IS NULL OR status = $2::text) "
                      "AND ($3::bigint IS NULL OR incident_id = $3::bigint) "
                      "AND ($4::bigint IS NULL OR due_at < $4::bigint) "
                      "ORDER BY due_at, id LIMIT $5::bigint OFFSET $6::bigint",
                      &p, sizeof(**out), task_row, a, (void **)out, n, "task search", err);
}

int pg_task_close(struct store *s, fc_id_t id, const char *status, fc_id_t by, fc_time_t at,
                  const char *outcome, struct fc_err *err)
{
    struct pg_conn *c;
    PGresult *r = NULL;
    struct pg_params p = { 0 };
    pg_param_int(&p, id);
    pg_param_text(&p, status);
    pg_param_int(&p, at);
    pg_param_id(&p, by);
    pg_param_text(&p, outcome);
    int rc = pg_conn_of(s, &c, err);
    if (rc == FC_OK)
        rc = write_exec(c, PG_TASK_CLOSE,
                        "UPDATE task SET status = $2, completed_at = $3, completed_by = $4, "
                        "outcome = $5 WHERE id = $1 AND status = 'open'",
                        &p, "task close", &r, err);
    /* a close racing another close: the row lock makes the second see status <> 'open' */
    if (rc == FC_OK && strcmp(PQcmdTuples(r), "0") == 0)
        rc = err_set(err, FC_ECONFLICT, "id", "task is not open");
    PQclear(r);
    return rc;
}

int pg_task_set_escalated(struct store *s, fc_id_t id, fc_time_t at, struct fc_err *err)
{
    struct pg_params p = { 0 };
    pg_param_int(&p, id);
    pg_param_int(&p, at);
    return write_id(s, PG_TASK_ESCALATE,
                    "UPDATE task SET escalated_at = $2 WHERE id = $1 AND escalated_at IS NULL", &p,
                    "task escalate", NULL, err);
}

/* ---- Community Trigger ---- */

#define TRIGGER_COLS                                                                               \
    "id, version, applicant_person_id, incident_id, contact_id, problem_key, channel, "            \
    "is_third_party, has_victim_consent, status, basis, applicant_count, problem_people, "         \
    "applied_at, decision_reason, outcome, created_by"
#define STEP_COLS "trigger_id, step, due_at, done_at, done_by, note"

static void trigger_row(struct rd *d, void *out)
{
    struct community_trigger_rec *t = out;
    t->id = rd_int(d, 0);
    t->version = rd_text(d, 1);
    t->applicant_person_id = rd_int(d, 2);
    t->incident_id = rd_int(d, 3);
    t->contact_id = rd_int(d, 4);
    t->problem_key = rd_text(d, 5);
    t->channel = rd_text(d, 6);
    t->is_third_party = rd_int(d, 7) != 0;
    t->has_victim_consent = rd_int(d, 8) != 0;
    t->status = rd_text(d, 9);
    t->basis = rd_text(d, 10);
    t->applicant_count = (int)rd_int(d, 11);
    t->problem_people = (int)rd_int(d, 12);
    t->applied_at = rd_int(d, 13);
    t->decision_reason = rd_text(d, 14);
    t->outcome = rd_text(d, 15);
    t->created_by = rd_int(d, 16);
}

int pg_trigger_insert(struct store *s, const struct community_trigger_rec *t, fc_id_t *out,
                      struct fc_err *err)
{
    struct pg_conn *c;
    PGresult *r = NULL;
    fc_id_t id = 0;
    int rc = pg_conn_of(s, &c, err);
    if (rc == FC_OK)
        rc = pg_tx_begin(c, err);
    if (rc != FC_OK)
        return rc;
    struct pg_params p = { 0 };
    pg_param_text(&p, t->version);
    pg_param_id(&p, t->applicant_person_id);
    pg_param_id(&p, t->incident_id);
    pg_param_id(&p, t->contact_id);
    pg_param_text(&p, t->problem_key);
    pg_param_text(&p, t->channel);
    param_bool(&p, t->is_third_party);
    param_bool(&p, t->has_victim_consent);
    pg_param_text(&p, t->status ? t->status : "open");
    pg_param_text(&p, t->basis);
    pg_param_int(&p, t->applicant_count);
    pg_param_int(&p, t->problem_people);
    pg_param_int(&p, t->applied_at);
    pg_param_text(&p, t->decision_reason);
    pg_param_text(&p, t->outcome);
    pg_param_id(&p, t->created_by);
    rc = pg_exec(c, PG_TRIGGER_INSERT,
                 "INSERT INTO community_trigger (version, applicant_person_id, incident_id, "
                 "contact_id, problem_key, channel, is_third_party, has_victim_consent, status, "
                 "basis, applicant_count, problem_people, applied_at, decision_reason, outcome, "
                 "created_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, "
                 "$14, $15, $16) RETURNING id",
                 &p, "community_trigger insert", &r, err);
    if (rc == FC_OK)
        id = pg_col_int(r, 0, 0);
    PQclear(r);
    for (size_t i = 0; rc == FC_OK && i < t->n_steps; i++) {
        const struct trigger_step_rec *st = &t->steps[i];
        p.n = 0;
        pg_param_int(&p, id);
        pg_param_text(&p, st->step);
        pg_param_int(&p, (int64_t)i);
        pg_param_id(&p, st->due_at);
        pg_param_id(&p, st->done_at);
        pg_param_id(&p, st->done_by);
        pg_param_text(&p, st->note);
        rc = pg_exec(c, PG_TRIGGER_STEP_INSERT,
                     "INSERT INTO community_trigger_step (trigger_id, step, seq, due_at, done_at, "
                     "done_by, note) VALUES ($1, $2, $3, $4, $5, $6, $7)",
                     &p, "community_trigger_step insert", &r, err);
        PQclear(r);
    }
    rc = pg_tx_end(c, rc, err);
    if (rc == FC_OK && out != NULL)
        *out = id;
    return rc;
}

/*
 * Hands the step rows in r (ordered by trigger, then seq; trigger_id first) to the
 * triggers ts[0..n), each getting its own arena array.
 */
static int steps_attach(const PGresult *r, struct arena *a, struct community_trigger_rec *ts,
                        size_t n, struct fc_err *err)
{
    int rows = PQntuples(r);
    struct rd d = { .r = r, .a = a };
    for (size_t k = 0; k < n; k++) {
        ts[k].steps = NULL;
        ts[k].n_steps = 0;
    }
    for (int i = 0; i < rows;) {
        fc_id_t tid = pg_col_int(r, i, 0);
        int j = i;
        while (j < rows && pg_col_int(r, j, 0) == tid)
            j++;
        struct community_trigger_rec *t = NULL;
        for (size_t k = 0; t == NULL && k < n; k++)
            t = ts[k].id == tid ? &ts[k] : NULL;
        if (t != NULL) {
            t->steps = arena_alloc(a, (size_t)(j - i) * sizeof(*t->steps));
            if (t->steps == NULL)
                return err_set(err, FC_ENOMEM, "", "out of memory reading trigger steps");
            for (int m = i; m < j; m++) {
                struct trigger_step_rec *st = &t->steps[m - i];
                d.row = m;
                st->step = rd_text(&d, 1);
                st->due_at = rd_int(&d, 2);
                st->done_at = rd_int(&d, 3);
                st->done_by = rd_int(&d, 4);
                st->note = rd_text(&d, 5);
            }
            t->n_steps = (size_t)(j - i);
        }
        i = j;
    }
    if (d.oom)
        return err_set(err, FC_ENOMEM, "", "out of memory reading trigger steps");
    return FC_OK;
}

int pg_trigger_get(struct store *s, fc_id_t id, struct arena *a, struct community_trigger_rec *out,
                   struct fc_err *err)
{
    struct pg_conn *c;
    PGresult *r = NULL;
    bool own = false;
    memset(out, 0, sizeof(*out));
    int rc = pg_conn_of(s, &c, err);
    if (rc == FC_OK)
        rc = pg_read_begin(c, &own, err);
    if (rc != FC_OK)
        return rc;
    struct pg_params p = { 0 };
    pg_param_int(&p, id);
    rc =
        query_one(s, PG_TRIGGER_GET, "SELECT " TRIGGER_COLS " FROM community_trigger WHERE id = $1",
                  &p, trigger_row, a, out, "community_trigger", err);
    if (rc == FC_OK)
        rc = pg_exec(c, PG_TRIGGER_STEPS,
                     "SELECT " STEP_COLS " FROM community_trigger_step WHERE trigger_id = $1 "
                     "ORDER BY seq",
                     &p, "community_trigger_step list", &r, err);
    if (rc == FC_OK)
        rc = steps_attach(r, a, out, 1, err);
    PQclear(r);
    pg_read_end(c, own);
    return rc;
}

int pg_trigger_list_for_person(struct store *s, fc_id_t person_id, struct arena *a,
                               struct community_trigger_rec **out, size_t *n, struct fc_err *err)
{
    struct pg_conn *c;
    PGresult *r = NULL;
    bool own = false;
    *out = NULL;
    *n = 0;
    int rc = pg_conn_of(s, &c, err);
    if (rc == FC_OK)
        rc = pg_read_begin(c, &own, err);
    if (rc != FC_OK)
        return rc;
    struct pg_params p = { 0 };
    pg_param_int(&p, person_id);
    rc = query_rows(s, PG_TRIGGER_LIST,
                    "SELECT " TRIGGER_COLS " FROM community_trigger "
                    "WHERE applicant_person_id = $1 ORDER BY applied_at DESC, id DESC",
                    &p, sizeof(**out), trigger_row, a, (void **)out, n, "community_trigger list",
                    err);
    if (rc == FC_OK && *n > 0)
        rc = pg_exec(c, PG_TRIGGER_LIST_STEPS,
                     "SELECT " STEP_COLS " FROM community_trigger_step WHERE trigger_id IN "
                     "(SELECT id FROM community_trigger WHERE applicant_person_id = $1) "
                     "ORDER BY trigger_id, seq",
                     &p, "community_trigger_step list", &r, err);
    if (rc == FC_OK && *n > 0)
        rc = steps_attach(r, a, *out, *n, err);
    PQclear(r);
    pg_read_end(c, own);
    if (rc != FC_OK) {
        *out = NULL;
        *n = 0;
    }
    return rc;
}

int pg_trigger_set_status(struct store *s, fc_id_t id, const char *status,
                          const char *decision_reason, const char *outcome, struct fc_err *err)
{
    struct pg_params p = { 0 };
    pg_param_int(&p, id);
    pg_param_text(&p, status);
    pg_param_text(&p, decision_reason);
    pg_param_text(&p, outcome);
    return write_one(s, PG_TRIGGER_SET_STATUS,
                     "UPDATE community_trigger SET status = $2, "
                     "decision_reason = coalesce($3, decision_reason), "
                     "outcome = coalesce($4, outcome) WHERE id = $1",
                     &p, "community_trigger status", err);
}

int pg_trigger_step_set(struct store *s, fc_id_t trigger_id, const char *step, fc_time_t due_at,
                        fc_time_t done_at, fc_id_t done_by, const char *note, struct fc_err *err)
{
    struct pg_params p = { 0 };
    pg_param_int(&p, trigger_id);
    pg_param_text(&p, step);
    pg_param_id(&p, due_at);
    pg_param_id(&p, done_at);
    pg_param_id(&p, done_by);
    pg_param_text(&p, note);
    return write_one(s, PG_TRIGGER_STEP_SET,
                     "UPDATE community_trigger_step SET due_at = coalesce($3, due_at), "
                     "done_at = coalesce($4, done_at), done_by = coalesce($5, done_by), "
                     "note = coalesce($6, note) WHERE trigger_id = $1 AND step = $2",
                     &p, "community_trigger_step", err);
}

/* ---- victim updates ---- */

#define PLAN_COLS                                                                                  \
    "id, incident_id, person_id, version, frequency_wd, channel, is_enhanced, agreed_at, "         \
    "agreed_by, next_due_at"

static void plan_row(struct rd *d, void *out)
{
    struct update_plan_rec *p = out;
    p->id = rd_int(d, 0);
    p->incident_id = rd_int(d, 1);
    p->person_id = rd_int(d, 2);
    p->version = rd_text(d, 3);
    p->frequency_wd = (int)rd_int(d, 4);
    p->channel = rd_text(d, 5);
    p->is_enhanced = rd_int(d, 6) != 0;
    p->agreed_at = rd_int(d, 7);
    p->agreed_by = rd_int(d, 8);
    p->next_due_at = rd_int(d, 9);
}

int pg_update_plan_insert(struct store *s, const struct update_plan_rec *pl, fc_id_t *out,
                          struct fc_err *err)
{
    struct pg_params p = { 0 };
    pg_param_id(&p, pl->incident_id);
    pg_param_id(&p, pl->person_id);
    pg_param_text(&p, pl->version);
    pg_param_int(&p, pl->frequency_wd);
    pg_param_text(&p, pl->channel);
    param_bool(&p, pl->is_enhanced);
    pg_param_int(&p, pl->agreed_at);
    pg_param_id(&p, pl->agreed_by);
    pg_param_id(&p, pl->next_due_at);
    return write_id(s, PG_PLAN_INSERT,
                    "INSERT INTO victim_update_plan (incident_id, person_id, version, "
                    "frequency_wd, channel, is_enhanced, agreed_at, agreed_by, next_due_at) "
                    "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
                    &p, "victim_update_plan insert", out, err);
}

int pg_update_plan_current(struct store *s, fc_id_t incident_id, struct arena *a,
                           struct update_plan_rec *out, struct fc_err *err)
{
    struct pg_params p = { 0 };
    pg_param_int(&p, incident_id);
    return query_one(s, PG_PLAN_CURRENT,
                     "SELECT " PLAN_COLS " FROM victim_update_plan WHERE incident_id = $1 "
                     "ORDER BY id DESC LIMIT 1",
                     &p, plan_row, a, out, "victim_update_plan", err);
}

int pg_update_plan_set_next_due(struct store *s, fc_id_t plan_id, fc_time_t next_due_at,
                                struct fc_err *err)
{
    struct pg_params p = { 0 };
    pg_param_int(&p, plan_id);
    pg_param_id(&p, next_due_at);
    return write_one(s, PG_PLAN_SET_NEXT_DUE,
                     "UPDATE victim_update_plan SET next_due_at = $2 WHERE id = $1", &p,
                     "victim_update_plan next due", err);
}

int pg_update_plan_due(struct store *s, fc_time_t before, struct arena *a,
                       struct update_plan_rec **out, size_t *n, struct fc_err *err)
{
    struct pg_params p = { 0 };
    pg_param_int(&p, before);
    /* only the plan in force for each incident */
    return query_rows(s, PG_PLAN_DUE,
                      "SELECT " PLAN_COLS " FROM victim_update_plan p WHERE next_due_at IS NOT "
                      "NULL AND next_due_at < $1 AND id = (SELECT max(id) FROM "
                      "victim_update_plan q WHERE q.incident_id = p.incident_id) "
                      "ORDER BY next_due_at, id",
                      &p, sizeof(**out), plan_row, a, (void **)out, n, "update plans due", err);
}

static void update_row(struct rd *d, void *out)
{
    struct victim_update_rec *u = out;
    u->id = rd_int(d, 0);
    u->plan_id = rd_int(d, 1);
    u->incident_id = rd_int(d, 2);
    u->kind = rd_text(d, 3);
    u->event = rd_text(d, 4);
    u->channel = rd_text(d, 5);
    u->summary = rd_text(d, 6);
    u->due_at = rd_int(d, 7);
    u->sent_at = rd_int(d, 8);
    u->sent_by = rd_int(d, 9);
}

int pg_victim_update_insert(struct store *s, const struct victim_update_rec *u, fc_id_t *out,
                            struct fc_err *err)
{
    struct pg_params p = { 0 };
    pg_param_id(&p, u->plan_id);
    pg_param_id(&p, u->incident_id);
    pg_param_text(&p, u->kind);
    pg_param_text(&p, u->event);
    pg_param_text(&p, u->channel);
    pg_param_text(&p, u->summary);
    pg_param_id(&p, u->due_at);
    pg_param_int(&p, u->sent_at);
    pg_param_id(&p, u->sent_by);
    return write_id(s, PG_VUPDATE_INSERT,
                    "INSERT INTO victim_update (plan_id, incident_id, kind, event, channel, "
                    "summary, due_at, sent_at, sent_by) "
                    "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
                    &p, "victim_update insert", out, err);
}

int pg_victim_update_list(struct store *s, fc_id_t incident_id, struct arena *a,
                          struct victim_update_rec **out, size_t *n, struct fc_err *err)
{
    struct pg_params p = { 0 };
    pg_param_int(&p, incident_id);
    return query_rows(s, PG_VUPDATE_LIST,
                      "SELECT id, plan_id, incident_id, kind, event, channel, summary, due_at, "
                      "sent_at, sent_by FROM victim_update WHERE incident_id = $1 "
                      "ORDER BY sent_at, id",
                      &p, sizeof(**out), update_row, a, (void **)out, n, "victim_update list", err);
}

/* ---- closure and survey queue ---- */

static void closure_row(struct rd *d, void *out)
{
    struct incident_closure_rec *c = out;
    c->incident_id = rd_int(d, 0);
    c->closure_code = rd_text(d, 1);
    c->outcome = rd_text(d, 2);
    c->case_id = rd_int(d, 3);
    c->closed_by = rd_int(d, 4);
    c->closed_at = rd_int(d, 5);
}

int pg_incident_closure_insert(struct store *s, const struct incident_closure_rec *cl,
                               struct fc_err *err)
{
    struct pg_params p = { 0 };
    pg_param_int(&p, cl->incident_id);
    pg_param_text(&p, cl->closure_code);
    pg_param_text(&p, cl->outcome);
    pg_param_id(&p, cl->case_id);
    pg_param_id(&p, cl->closed_by);
    pg_param_int(&p, cl->closed_at);
    return write_id(s, PG_CLOSURE_INSERT,
                    "INSERT INTO incident_closure (incident_id, closure_code, outcome, case_id, "
                    "closed_by, closed_at) VALUES ($1, $2, $3, $4, $5, $6)",
                    &p, "incident_closure insert", NULL, err);
}

int pg_incident_closure_get(struct store *s, fc_id_t incident_id, struct arena *a,
                            struct incident_closure_rec *out, struct fc_err *err)
{
    struct pg_params p = { 0 };
    pg_param_int(&p, incident_id);
    return query_one(s, PG_CLOSURE_GET,
                     "SELECT incident_id, closure_code, outcome, case_id, closed_by, closed_at "
                     "FROM incident_closure WHERE incident_id = $1",
                     &p, closure_row, a, out, "incident_closure", err);
}

static void survey_row(struct rd *d, void *out)
{
    struct survey_queue_rec *q = out;
    q->id = rd_int(d, 0);
    q->incident_id = rd_int(d, 1);
    q->person_id = rd_int(d, 2);
    q->contact_id = rd_int(d, 3);
    q->reason = rd_text(d, 4);
    q->status = rd_text(d, 5);
    q->queued_at = rd_int(d, 6);
}

int pg_survey_queue_insert(struct store *s, const struct survey_queue_rec *q, fc_id_t *out,
                           struct fc_err *err)
{
    struct pg_params p = { 0 };
    pg_param_id(&p, q->incident_id);
    pg_param_id(&p, q->person_id);
    pg_param_id(&p, q->contact_id);
    pg_param_text(&p, q->reason);
    pg_param_text(&p, q->status ? q->status : "queued");
    pg_param_int(&p, q->queued_at);
    return write_id(s, PG_SURVEYQ_INSERT,
                    "INSERT INTO survey_queue (incident_id, person_id, contact_id, reason, status, "
                    "queued_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
                    &p, "survey_queue insert", out, err);
}

int pg_survey_queue_list(struct store *s, const char *status, struct arena *a,
                         struct survey_queue_rec **out, size_t *n, struct fc_err *err)
{
    struct pg_params p = { 0 };
    pg_param_text(&p, status);
    return query_rows(s, PG_SURVEYQ_LIST,
                      "SELECT id, incident_id, person_id, contact_id, reason, status, queued_at "
                      "FROM survey_queue WHERE ($1::text IS NULL OR status = $1::text) "
                      "ORDER BY queued_at, id",
                      &p, sizeof(**out), survey_row, a, (void **)out, n, "survey_queue list", err);
}

/* ---- history ---- */

static void time_row(struct rd *d, void *out)
{
    *(fc_time_t *)out = rd_int(d, 0);
}

int pg_history_caller_contacts(struct store *s, fc_id_t person_id, fc_time_t from, fc_time_t to,
                               fc_id_t exclude_contact, struct arena *a, fc_time_t **out, size_t *n,
                               struct fc_err *err)
{
    struct pg_params p = { 0 };
    pg_param_int(&p, person_id);
    pg_param_int(&p, from);
    pg_param_int(&p, to);
    pg_param_id(&p, exclude_contact);
    /* merged persons count as the person they were merged into */
    return query_rows(s, PG_HIST_CONTACTS,
                      "SELECT c.received_at FROM contact c JOIN person p ON p.id = "
                      "c.caller_person_id WHERE (p.id = $1 OR p.merged_into = $1) "
                      "AND c.received_at >= $2 AND c.received_at < $3 "
                      "AND c.id IS DISTINCT FROM $4::bigint ORDER BY c.received_at",
                      &p, sizeof(**out), time_row, a, (void **)out, n, "history contacts", err);
}

static void created_row(struct rd *d, void *out)
{
    *(fc_time_t *)out = rd_int(d, 1);
}

int pg_history_person_incidents(struct store *s, fc_id_t person_id, const char *role,
                                fc_time_t from, fc_time_t to, struct arena *a, fc_time_t **out,
                                size_t *n, struct fc_err *err)
{
    struct pg_params p = { 0 };
    pg_param_int(&p, person_id);
    pg_param_text(&p, role);
    pg_param_int(&p, from);
    pg_param_int(&p, to);
    /* one row per incident, however many of the person's records it names */
    return query_rows(s, PG_HIST_INCIDENTS,
                      "SELECT DISTINCT i.id, i.created_at FROM incident i "
                      "JOIN incident_person ip ON ip.incident_id = i.id "
                      "JOIN person p ON p.id = ip.person_id "
                      "WHERE (p.id = $1 OR p.merged_into = $1) AND ip.role = $2 "
                      "AND i.created_at >= $3 AND i.created_at < $4 ORDER BY i.created_at",
                      &p, sizeof(**out), created_row, a, (void **)out, n, "history incidents", err);
}

static void place_row(struct rd *d, void *out)
{
    struct history_place_row *r = out;
    r->incident_id = rd_int(d, 0);
    r->at = rd_int(d, 1);
    r->location_key = rd_text(d, 2);
    r->uprn = NULL;
    r->lat = pg_col_double(d->r, d->row, 3);
    r->lon = pg_col_double(d->r, d->row, 4);
}

int pg_history_place_incidents(struct store *s, const char *location_key, double lat_min,
                               double lat_max, double lon_min, double lon_max, fc_time_t from,
                               fc_time_t to, fc_id_t exclude_incident, struct arena *a,
                               struct history_place_row **out, size_t *n, struct fc_err *err)
{
    bool has_box = !isnan(lat_min) && !isnan(lat_max) && !isnan(lon_min) && !isnan(lon_max);
    struct pg_params p = { 0 };
    pg_param_int(&p, from);
    pg_param_int(&p, to);
    pg_param_id(&p, exclude_incident);
    pg_param_text(&p, location_key != NULL && location_key[0] ? location_key : NULL);
    pg_param_double(&p, has_box ? lat_min : NAN);
    pg_param_double(&p, has_box ? lat_max : NAN);
    pg_param_double(&p, has_box ? lon_min : NAN);
    pg_param_double(&p, has_box ? lon_max : NAN);
    return query_rows(s, PG_HIST_PLACES,
                      /* two searches, each on its own index: the place key, and the box
                       * by latitude band (migration 0009; see the SQLite store) */
                      "SELECT id, created_at, location_key, lat, lon FROM incident "
                      "WHERE $4::text IS NOT NULL AND location_key = $4::text "
                      "AND created_at >= $1 AND created_at < $2 "
                      "AND id IS DISTINCT FROM $3::bigint "
                      "UNION SELECT id, created_at, location_key, lat, lon FROM incident "
                      "WHERE $5::float8 IS NOT NULL AND trunc(lat * 1000)::bigint = ANY (ARRAY("
                      "SELECT generate_series(trunc($5::float8 * 1000)::bigint, "
                      "trunc($6::float8 * 1000)::bigint))) "
                      "AND lat BETWEEN $5::float8 AND $6::float8 "
                      "AND lon BETWEEN $7::float8 AND $8::float8 "
                      "AND created_at >= $1 AND created_at < $2 "
                      "AND id IS DISTINCT FROM $3::bigint ORDER BY created_at, id",
                      &p, sizeof(**out), place_row, a, (void **)out, n, "history places", err);
}

static void complaint_row(struct rd *d, void *out)
{
    struct history_complaint_row *r = out;
    r->contact_id = rd_int(d, 0);
    r->person_id = rd_int(d, 1);
    r->problem_key = rd_text(d, 2);
    r->at = rd_int(d, 3);
    r->behaviour_at = rd_int(d, 4);
    r->is_hate = rd_int(d, 5) != 0;
}

#define COMPLAINT_IS_HATE                                                                          \
    "(i.incident_type = 'hate_motivated' OR EXISTS (SELECT 1 FROM incident_person ip "             \
    "WHERE ip.incident_id = i.id AND ip.is_hate_strand = 1))::int"

int pg_history_complaints(struct store *s, fc_id_t person_id, const char *problem_key,
                          fc_time_t from, fc_time_t to, fc_id_t exclude_contact, struct arena *a,
                          struct history_complaint_row **out, size_t *n, struct fc_err *err)
{
    struct pg_params p = { 0 };
    pg_param_int(&p, from);
    pg_param_int(&p, to);
    pg_param_id(&p, exclude_contact);
    pg_param_id(&p, person_id);
    pg_param_text(&p, problem_key != NULL && problem_key[0] ? problem_key : NULL);
    return query_rows(
        s, PG_HIST_COMPLAINTS,
        /* the person's contacts and the problem's, each through its own index */
        "SELECT c.id, coalesce(p.merged_into, c.caller_person_id), i.location_key, "
        "c.received_at, i.occurred_at, " COMPLAINT_IS_HATE
        " FROM contact c LEFT JOIN incident i ON i.id = c.incident_id "
        "LEFT JOIN person p ON p.id = c.caller_person_id "
        "WHERE $4::bigint IS NOT NULL AND c.caller_person_id IN "
        "(SELECT $4::bigint UNION SELECT id FROM person WHERE merged_into = $4::bigint) "
        "AND c.received_at >= $1 AND c.received_at < $2 "
        "AND c.id IS DISTINCT FROM $3::bigint "
        "UNION SELECT c.id, coalesce(p.merged_into, c.caller_person_id), i.location_key, "
        "c.received_at, i.occurred_at, " COMPLAINT_IS_HATE
        " FROM incident i JOIN contact c ON c.incident_id = i.id "
        "LEFT JOIN person p ON p.id = c.caller_person_id "
        "WHERE $5::text IS NOT NULL AND i.location_key = $5::text "
        "AND c.received_at >= $1 AND c.received_at < $2 "
        "AND c.id IS DISTINCT FROM $3::bigint ORDER BY 4, 1",
        &p, sizeof(**out), complaint_row, a, (void **)out, n, "history complaints", err);
}
