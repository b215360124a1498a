/*
 * store/sqlite/sqlite_intake.c: call-handling records in SQLite (migration 0003).
 *
 * Statements come from sqlite_prep_cached (some run on every lookup), are bound by
 * position, and rows are copied into the caller's arena. Lists grow in a malloc'd vector
 * and are copied into the arena once complete.
 */
#include "store/sqlite/sqlite_intake.h"

#include <math.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

#include "store/sqlite/sqlite_internal.h"

/* ---- helpers ---- */

static int insert_returning_id(sqlite3 *db, sqlite3_stmt *st, const char *what, fc_id_t *out,
                               struct fc_err *err)
{
    int rc = sqlite_finish(db, st, what, err);
    if (rc == FC_OK && out != NULL)
        *out = sqlite3_last_insert_rowid(db);
    return rc;
}

/* Changes exactly one row, or FC_ENOTFOUND. */
static int update_one(sqlite3 *db, sqlite3_stmt *st, const char *what, struct fc_err *err)
{
    int rc = sqlite_finish(db, st, what, err);
    if (rc == FC_OK && sqlite3_changes(db) == 0)
        return err_set(err, FC_ENOTFOUND, "id", "%s: no such record", what);
    return rc;
}

struct vec {
    void *items;
    size_t n, cap, size;
};

static void *vec_push(struct vec *v)
{
    if (v->n == v->cap) {
        size_t cap = v->cap ? v->cap * 2 : 16;
        void *grown = realloc(v->items, cap * v->size);
        if (grown == NULL)
            return NULL;
        v->items = grown;
        v->cap = cap;
    }
    void *p = (char *)v->items + v->n * v->size;
    memset(p, 0, v->size);
    v->n++;
    return p;
}

/* Moves the vector into the arena (an empty list gives NULL, 0). Frees the vector. */
static int vec_to_arena(struct vec *v, struct arena *a, void **out, size_t *n, struct fc_err *err)
{
    *out = NULL;
    *n = 0;
    if (v->n > 0) {
        *out = arena_alloc(a, v->n * v->size);
        if (*out == NULL) {
            free(v->items);
            return err_set(err, FC_ENOMEM, "", "out of memory reading rows");
        }
        memcpy(*out, v->items, v->n * v->size);
        *n = v->n;
    }
    free(v->items);
    return FC_OK;
}

/* Runs a read statement, calling `row` for each result into a pushed element. */
typedef void (*row_fn)(struct arena *a, sqlite3_stmt *st, void *out);

static int read_rows(sqlite3 *db, sqlite3_stmt *st, size_t elem, row_fn row, struct arena *a,
                     void **out, size_t *n, const char *what, struct fc_err *err)
{
    struct vec v = { .size = elem };
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        void *p = vec_push(&v);
        if (p == NULL) {
            sqlite_stmt_done(st);
            free(v.items);
            return err_set(err, FC_ENOMEM, "", "out of memory reading rows");
        }
        row(a, st, p);
    }
    sqlite_stmt_done(st);
    if (rc != SQLITE_DONE) {
        free(v.items);
        return sqlite_status(db, rc, what, err);
    }
    return vec_to_arena(&v, a, out, n, err);
}

static int read_one(sqlite3 *db, sqlite3_stmt *st, row_fn row, struct arena *a, void *out,
                    const char *what, struct fc_err *err)
{
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        row(a, st, out);
        sqlite_stmt_done(st);
        return FC_OK;
    }
    sqlite_stmt_done(st);
    if (rc == SQLITE_DONE)
        return err_set(err, FC_ENOTFOUND, "id", "%s: not found", what);
    return sqlite_status(db, rc, what, err);
}

/* ---- teams ---- */

int sqlite_team_area_replace(struct store *s, const char *version, const char *const *lsoa,
                             const char *const *team_id, const char *const *team_name,
                             const char *const *district, size_t n, struct fc_err *err)
{
    sqlite3 *db;
    sqlite3_stmt *st = NULL;
    struct sqlite_conn *c;
    int rc = sqlite_conn_of(s, &c, err);
    if (rc == FC_OK)
        rc = sqlite_tx_begin(c, err);
    if (rc != FC_OK)
        return rc;
    rc = sqlite_prep_cached(s, "DELETE FROM team_area", &db, &st, err);
    if (rc == FC_OK)
        rc = sqlite_finish(db, st, "team_area replace", err);
    for (size_t i = 0; rc == FC_OK && i < n; i++) {
        rc = sqlite_prep_cached(
            s,
            "INSERT INTO team (id, name, district) VALUES (?1, ?2, ?3) "
            "ON CONFLICT (id) DO UPDATE SET name = excluded.name, district = excluded.district",
            &db, &st, err);
        if (rc != FC_OK)
            break;
        sqlite_bind_text_copy(st, 1, team_id[i]);
        sqlite_bind_text_copy(st, 2, team_name[i]);
        sqlite_bind_text_copy(st, 3, district[i]);
        rc = sqlite_finish(db, st, "team upsert", err);
        if (rc != FC_OK)
            break;
        rc = sqlite_prep_cached(
            s, "INSERT INTO team_area (lsoa_code, team_id, version) VALUES (?1, ?2, ?3)", &db, &st,
            err);
        if (rc != FC_OK)
            break;
        sqlite_bind_text_copy(st, 1, lsoa[i]);
        sqlite_bind_text_copy(st, 2, team_id[i]);
        sqlite_bind_text_copy(st, 3, version);
        rc = sqlite_finish(db, st, "team_area insert", err);
    }
    return sqlite_tx_end(c, rc, err);
}

/* ---- risk assessments ---- */

#define RISK_COLS                                                                                  \
    "id, incident_id, person_id, contact_id, version, stage, answers, score, escalations, "        \
    "outcome, scored_level, final_level, reason, supersedes_id, assessor_user_id, "                \
    "assessed_at, next_review_due"

static void risk_row(struct arena *a, sqlite3_stmt *st, void *out)
{
    struct risk_assessment_rec *r = out;
    r->id = sqlite_col_id(st, 0);
    r->incident_id = sqlite_col_id(st, 1);
    r->person_id = sqlite_col_id(st, 2);
    r->contact_id = sqlite_col_id(st, 3);
    r->version = sqlite_col_text(st, 4, a);
    r->stage = sqlite_col_text(st, 5, a);
    r->answers = sqlite_col_text(st, 6, a);
    r->score = sqlite3_column_int(st, 7);
    r->escalations = sqlite_col_text(st, 8, a);
    r->outcome = sqlite_col_text(st, 9, a);
    r->scored_level = sqlite_col_text(st, 10, a);
    r->final_level = sqlite_col_text(st, 11, a);
    r->reason = sqlite_col_text(st, 12, a);
    r->supersedes_id = sqlite_col_id(st, 13);
    r->assessor_user_id = sqlite_col_id(st, 14);
    r->assessed_at = sqlite_col_id(st, 15);
    r->next_review_due = sqlite_col_id(st, 16);
}

int sqlite_risk_assessment_insert(struct store *s, const struct risk_assessment_rec *r,
                                  fc_id_t *out, struct fc_err *err)
{
    sqlite3 *db;
    sqlite3_stmt *st = NULL;
    int rc = sqlite_prep_cached(
        s,
        "INSERT INTO risk_assessment (incident_id, person_id, contact_id, version, "
        "stage, answers, score, escalations, outcome, scored_level, final_level, "
        "reason, supersedes_id, assessor_user_id, assessed_at, next_review_due) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)",
        &db, &st, err);
    if (rc != FC_OK)
        return rc;
    sqlite_bind_id(st, 1, r->incident_id);
    sqlite_bind_id(st, 2, r->person_id);
    sqlite_bind_id(st, 3, r->contact_id);
    sqlite_bind_text_copy(st, 4, r->version);
    sqlite_bind_text_copy(st, 5, r->stage);
    sqlite_bind_text_copy(st, 6, r->answers ? r->answers : "{}");
    sqlite3_bind_int(st, 7, r->score);
    sqlite_bind_text_copy(st, 8, r->escalations ? r->escalations : "[]");
    sqlite_bind_text_copy(st, 9, r->outcome);
    sqlite_bind_text_copy(st, 10, r->scored_level);
    sqlite_bind_text_copy(st, 11, r->final_level);
    sqlite_bind_text_copy(st, 12, r->reason);
    sqlite_bind_id(st, 13, r->supersedes_id);
    sqlite_bind_id(st, 14, r->assessor_user_id);
    sqlite3_bind_int64(st, 15, r->assessed_at);
    sqlite_bind_id(st, 16, r->next_review_due);
    return insert_returning_id(db, st, "risk_assessment insert", out, err);
}

int sqlite_risk_assessment_list(struct store *s, fc_id_t incident_id, fc_id_t person_id,
                                struct arena *a, struct risk_assessment_rec **out, size_t *n,
                                struct fc_err *err)
{
    sqlite3 *db;
    sqlite3_stmt *st = NULL;
    /* one statement per way in, each on its own index */
    const char *sql =
        person_id != 0     ? "SELECT " RISK_COLS " FROM risk_assessment WHERE person_id = ?2 "
                             "AND (?1 IS NULL OR incident_id = ?1) ORDER BY id"
        : incident_id != 0 ? "SELECT " RISK_COLS " FROM risk_assessment WHERE incident_id = ?1 "
                             "AND ?2 IS NULL ORDER BY id"
                           : "SELECT " RISK_COLS " FROM risk_assessment WHERE ?1 IS NULL "
                             "AND ?2 IS NULL ORDER BY id";
    int rc = sqlite_prep_cached(s, sql, &db, &st, err);
    if (rc != FC_OK)
        return rc;
    sqlite_bind_id(st, 1, incident_id);
    sqlite_bind_id(st, 2, person_id);
    return read_rows(db, st, sizeof(**out), risk_row, a, (void **)out, n, "risk_assessment list",
                     err);
}

/* ---- grades ---- */

static void grade_row(struct arena *a, sqlite3_stmt *st, void *out)
{
    struct grade_rec *g = out;
    g->id = sqlite_col_id(st, 0);
    g->incident_id = sqlite_col_id(st, 1);
    g->version = sqlite_col_text(st, 2, a);
    g->suggested = sqlite_col_text(st, 3, a);
    g->floor = sqlite_col_text(st, 4, a);
    g->grade = sqlite_col_text(st, 5, a);
    g->reason = sqlite_col_text(st, 6, a);
    g->is_override = sqlite3_column_int(st, 7) != 0;
    g->user_id = sqlite_col_id(st, 8);
    g->graded_at = sqlite_col_id(st, 9);
}

int sqlite_grade_insert(struct store *s, const struct grade_rec *g, fc_id_t *out,
                        struct fc_err *err)
{
    sqlite3 *db;
    sqlite3_stmt *st = NULL;
    int rc = sqlite_prep_cached(
        s,
        "INSERT INTO incident_grade (incident_id, version, suggested, floor, grade, "
        "reason, is_override, user_id, graded_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        &db, &st, err);
    if (rc != FC_OK)
        return rc;
    sqlite_bind_id(st, 1, g->incident_id);
    sqlite_bind_text_copy(st, 2, g->version);
    sqlite_bind_text_copy(st, 3, g->suggested);
    sqlite_bind_text_copy(st, 4, g->floor);
    sqlite_bind_text_copy(st, 5, g->grade);
    sqlite_bind_text_copy(st, 6, g->reason);
    sqlite3_bind_int(st, 7, g->is_override);
    sqlite_bind_id(st, 8, g->user_id);
    sqlite3_bind_int64(st, 9, g->graded_at);
    return insert_returning_id(db, st, "incident_grade insert", out, err);
}

int sqlite_grade_list(struct store *s, fc_id_t incident_id, struct arena *a, struct grade_rec **out,
                      size_t *n, struct fc_err *err)
{
    sqlite3 *db;
    sqlite3_stmt *st = NULL;
    int rc = sqlite_prep_cached(
        s,
        "SELECT id, incident_id, version, suggested, floor, grade, reason, is_override, "
        "user_id, graded_at FROM incident_grade WHERE incident_id = ?1 ORDER BY id",
        &db, &st, err);
    if (rc != FC_OK)
        return rc;
    sqlite3_bind_int64(st, 1, incident_id);
    return read_rows(db, st, sizeof(**out), grade_row, a, (void **)out, n, "incident_grade list",
                     err);
}

/* ---- contact labels ---- */

static void labels_row(struct arena *a, sqlite3_stmt *st, void *out)
{
    struct contact_labels_rec *l = out;
    l->contact_id = sqlite_col_id(st, 0);
    l->version = sqlite_col_text(st, 1, a);
    l->prior_calls_12m = sqlite3_column_int(st, 2);
    l->prior_calls_ever = sqlite3_column_int(st, 3);
    l->is_repeat_victim = sqlite3_column_int(st, 4) != 0;
    l->is_persistent = sqlite3_column_int(st, 5) != 0;
    l->is_high_volume = sqlite3_column_int(st, 6) != 0;
    l->victim_incidents_12m = sqlite3_column_int(st, 7);
    l->location_incidents_12m = sqlite3_column_int(st, 8);
    l->is_repeat_location = sqlite3_column_int(st, 9) != 0;
    l->suspect_incidents_max = sqlite3_column_int(st, 10);
    l->is_repeat_perpetrator = sqlite3_column_int(st, 11) != 0;
    l->flags_in_force = sqlite3_column_int(st, 12);
    l->is_vulnerable = sqlite3_column_int(st, 13) != 0;
    l->vulnerable_basis = sqlite_col_text(st, 14, a);
    l->flags_shown = sqlite_col_text(st, 15, a);
    l->trigger_count = sqlite3_column_int(st, 16);
    l->trigger_prompted = sqlite3_column_int(st, 17) != 0;
    l->trigger_eligible = sqlite3_column_int(st, 18) != 0;
    l->shown_at = sqlite_col_id(st, 19);
}

int sqlite_contact_labels_insert(struct store *s, const struct contact_labels_rec *l,
                                 struct fc_err *err)
{
    sqlite3 *db;
    sqlite3_stmt *st = NULL;
    int rc = sqlite_prep_cached(
        s,
        "INSERT INTO contact_labels (contact_id, version, prior_calls_12m, "
        "prior_calls_ever, is_repeat_victim, is_persistent, is_high_volume, "
        "victim_incidents_12m, location_incidents_12m, is_repeat_location, "
        "suspect_incidents_max, is_repeat_perpetrator, flags_in_force, is_vulnerable, "
        "vulnerable_basis, flags_shown, trigger_count, trigger_prompted, "
        "trigger_eligible, shown_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, "
        "?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20)",
        &db, &st, err);
    if (rc != FC_OK)
        return rc;
    sqlite3_bind_int64(st, 1, l->contact_id);
    sqlite_bind_text_copy(st, 2, l->version);
    sqlite3_bind_int(st, 3, l->prior_calls_12m);
    sqlite3_bind_int(st, 4, l->prior_calls_ever);
    sqlite3_bind_int(st, 5, l->is_repeat_victim);
    sqlite3_bind_int(st, 6, l->is_persistent);
    sqlite3_bind_int(st, 7, l->is_high_volume);
    sqlite3_bind_int(st, 8, l->victim_incidents_12m);
    sqlite3_bind_int(st, 9, l->location_incidents_12m);
    sqlite3_bind_int(st, 10, l->is_repeat_location);
    sqlite3_bind_int(st, 11, l->suspect_incidents_max);
    sqlite3_bind_int(st, 12, l->is_repeat_perpetrator);
    sqlite3_bind_int(st, 13, l->flags_in_force);
    sqlite3_bind_int(st, 14, l->is_vulnerable);
    sqlite_bind_text_copy(st, 15, l->vulnerable_basis ? l->vulnerable_basis : "");
    sqlite_bind_text_copy(st, 16, l->flags_shown ? l->flags_shown : "[]");
    sqlite3_bind_int(st, 17, l->trigger_count);
    sqlite3_bind_int(st, 18, l->trigger_prompted);
    sqlite3_bind_int(st, 19, l->trigger_eligible);
    sqlite3_bind_int64(st, 20, l->shown_at);
    return sqlite_finish(db, st, "contact_labels insert", err);
}

int sqlite_contact_labels_get(struct store *s, fc_id_t contact_id, struct arena *a,
                              struct contact_labels_rec *out, struct fc_err *err)
{
    sqlite3 *db;
    sqlite3_stmt *st = NULL;
    int rc = sqlite_prep_cached(
        s,
        "SELECT contact_id, version, prior_calls_12m, prior_calls_ever, "
        "is_repeat_victim, is_persistent, is_high_volume, victim_incidents_12m, "
        "location_incidents_12m, is_repeat_location, suspect_incidents_max, "
        "is_repeat_perpetrator, flags_in_force, is_vulnerable, vulnerable_basis, "
        "flags_shown, trigger_count, trigger_prompted, trigger_eligible, shown_at "
        "FROM contact_labels WHERE contact_id = ?1",
        &db, &st, err);
    if (rc != FC_OK)
        return rc;
    sqlite3_bind_int64(st, 1, contact_id);
    return read_one(db, st, labels_row, a, out, "contact_labels", err);
}

/* ---- tasks ---- */

#define TASK_COLS                                                                                  \
    "id, incident_id, case_id, contact_id, kind, rank, team_id, assignee_user_id, reason, "        \
    "status, due_at, created_at, completed_at, completed_by, outcome, escalated_at"

static void task_row(struct arena *a, sqlite3_stmt *st, void *out)
{
    struct task_rec *t = out;
    t->id = sqlite_col_id(st, 0);
    t->incident_id = sqlite_col_id(st, 1);
    t->case_id = sqlite_col_id(st, 2);
    t->contact_id = sqlite_col_id(st, 3);
    t->kind = sqlite_col_text(st, 4, a);
    t->rank = sqlite_col_text(st, 5, a);
    t->team_id = sqlite_col_text(st, 6, a);
    t->assignee_user_id = sqlite_col_id(st, 7);
    t->reason = sqlite_col_text(st, 8, a);
    t->status = sqlite_col_text(st, 9, a);
    t->due_at = sqlite_col_id(st, 10);
    t->created_at = sqlite_col_id(st, 11);
    t->completed_at = sqlite_col_id(st, 12);
    t->completed_by = sqlite_col_id(st, 13);
    t->outcome = sqlite_col_text(st, 14, a);
    t->escalated_at = sqlite_col_id(st, 15);
}

int sqlite_task_insert(struct store *s, const struct task_rec *t, fc_id_t *out, struct fc_err *err)
{
    sqlite3 *db;
    sqlite3_stmt *st = NULL;
    int rc = sqlite_prep_cached(
        s,
        "INSERT INTO task (incident_id, case_id, contact_id, kind, rank, team_id, "
        "assignee_user_id, reason, status, due_at, created_at) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, 'open', ?9, ?10)",
        &db, &st, err);
    if (rc != FC_OK)
        return rc;
    sqlite_bind_id(st, 1, t->incident_id);
    sqlite_bind_id(st, 2, t->case_id);
    sqlite_bind_id(st, 3, t->contact_id);
    sqlite_bind_text_copy(st, 4, t->kind);
    sqlite_bind_text_copy(st, 5, t->rank ? t->rank : "");
    sqlite_bind_text_copy(st, 6, t->team_id);
    sqlite_bind_id(st, 7, t->assignee_user_id);
    sqlite_bind_text_copy(st, 8, t->reason);
    sqlite3_bind_int64(st, 9, t->due_at);
    sqlite3_bind_int64(st, 10, t->created_at);
    return insert_returning_id(db, st, "task insert", out, err);
}

int sqlite_task_get(struct store *s, fc_id_t id, struct arena *a, struct task_rec *out,
                    struct fc_err *err)
{
    sqlite3 *db;
    sqlite3_stmt *st = NULL;
    int rc = sqlite_prep_cached(s, "SELECT " TASK_COLS " FROM task WHERE id = ?1", &db, &st, err);
    if (rc != FC_OK)
        return rc;
    sqlite3_bind_int64(st, 1, id);
    return read_one(db, st, task_row, a, out, "task", err);
}

int sqlite_task_search(struct store *s, const struct task_query *q, struct arena *a,
                       struct task_rec **out, size_t *n, struct fc_err *err)
{
    sqlite3 *db;
    sqlite3_stmt *st = NULL;
    int rc =
        sqlite_prep_cached(s,
                           "SELECT " TASK_COLS " FROM task WHERE (?1 IS NULL OR team_id = ?1) "
                           "AND (?2 IS NULL OR status = ?2) AND (?3 IS NULL OR incident_id = ?3) "
                           "AND (?4 IS NULL OR due_at < ?4) ORDER BY due_at, id LIMIT ?5 OFFSET ?6",
                           &db, &st, err);
    if (rc != FC_OK)
        return rc;
    sqlite_bind_text_copy(st, 1, q->team_id);
    sqlite_bind_text_copy(st, 2, q->status);
    sqlite_bind_id(st, 3, q->incident_id);
    sqlite_bind_id(st, 4, q->due_before);
    sqlite3_bind_int64(st, 5, q->limit ? (int64_t)q->limit : 1000);
    sqlite3_bind_int64(st, 6, (int64_t)q->offset);
    return read_rows(db, st, sizeof(**out), task_row, a, (void **)out, n, "task search", err);
}

int sqlite_task_close(struct store *s, fc_id_t id, const char *status, fc_id_t by, fc_time_t at,
                      const char *outcome, struct fc_err *err)
{
    sqlite3 *db;
    sqlite3_stmt *st = NULL;
    int rc = sqlite_prep_cached(
        s,
        "UPDATE task SET status = ?2, completed_at = ?3, completed_by = ?4, outcome = ?5 "
        "WHERE id = ?1 AND status = 'open'",
        &db, &st, err);
    if (rc != FC_OK)
        return rc;
    sqlite3_bind_int64(st, 1, id);
    sqlite_bind_text_copy(st, 2, status);
    sqlite3_bind_int64(st, 3, at);
    sqlite_bind_id(st, 4, by);
    sqlite_bind_text_copy(st, 5, outcome);
    rc = sqlite_finish(db, st, "task close", err);
    if (rc == FC_OK && sqlite3_changes(db) == 0)
        return err_set(err, FC_ECONFLICT, "id", "task is not open");
    return rc;
}

int sqlite_task_set_escalated(struct store *s, fc_id_t id, fc_time_t at, struct fc_err *err)
{
    sqlite3 *db;
    sqlite3_stmt *st = NULL;
    int rc = sqlite_prep_cached(
        s, "UPDATE task SET escalated_at = ?2 WHERE id = ?1 AND escalated_at IS NULL", &db, &st,
        err);
    if (rc != FC_OK)
        return rc;
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_int64(st, 2, at);
    return sqlite_finish(db, st, "task escalate", err);
}

/* ---- Community Trigger ---- */

#define TRIGGER_COLS                                                                               \
    "id, version, applicant_person_id, incident_id, contact_id, problem_key, channel, "            \
    "is_third_party, has_victim_consent, status, basis, applicant_count, problem_people, "         \
    "applied_at, decision_reason, outcome, created_by"

static void trigger_row(struct arena *a, sqlite3_stmt *st, void *out)
{
    struct community_trigger_rec *t = out;
    t->id = sqlite_col_id(st, 0);
    t->version = sqlite_col_text(st, 1, a);
    t->applicant_person_id = sqlite_col_id(st, 2);
    t->incident_id = sqlite_col_id(st, 3);
    t->contact_id = sqlite_col_id(st, 4);
    t->problem_key = sqlite_col_text(st, 5, a);
    t->channel = sqlite_col_text(st, 6, a);
    t->is_third_party = sqlite3_column_int(st, 7) != 0;
    t->has_victim_consent = sqlite3_column_int(st, 8) != 0;
    t->status = sqlite_col_text(st, 9, a);
    t->basis = sqlite_col_text(st, 10, a);
    t->applicant_count = sqlite3_column_int(st, 11);
    t->problem_people = sqlite3_column_int(st, 12);
    t->applied_at = sqlite_col_id(st, 13);
    t->decision_reason = sqlite_col_text(st, 14, a);
    t->outcome = sqlite_col_text(st, 15, a);
    t->created_by = sqlite_col_id(st, 16);
}

static void step_row(struct arena *a, sqlite3_stmt *st, void *out)
{
    struct trigger_step_rec *p = out;
    p->step = sqlite_col_text(st, 0, a);
    p->due_at = sqlite_col_id(st, 1);
    p->done_at = sqlite_col_id(st, 2);
    p->done_by = sqlite_col_id(st, 3);
    p->note = sqlite_col_text(st, 4, a);
}

int sqlite_trigger_insert(struct store *s, const struct community_trigger_rec *t, fc_id_t *out,
                          struct fc_err *err)
{
    sqlite3 *db;
    sqlite3_stmt *st = NULL;
    fc_id_t id = 0;
    struct sqlite_conn *c;
    int rc = sqlite_conn_of(s, &c, err);
    if (rc == FC_OK)
        rc = sqlite_tx_begin(c, err);
    if (rc != FC_OK)
        return rc;
    rc = sqlite_prep_cached(
        s,
        "INSERT INTO community_trigger (version, applicant_person_id, incident_id, "
        "contact_id, problem_key, channel, is_third_party, has_victim_consent, status, "
        "basis, applicant_count, problem_people, applied_at, decision_reason, outcome, "
        "created_by) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, "
        "?14, ?15, ?16)",
        &db, &st, err);
    if (rc != FC_OK)
        return sqlite_tx_end(c, rc, err);
    sqlite_bind_text_copy(st, 1, t->version);
    sqlite_bind_id(st, 2, t->applicant_person_id);
    sqlite_bind_id(st, 3, t->incident_id);
    sqlite_bind_id(st, 4, t->contact_id);
    sqlite_bind_text_copy(st, 5, t->problem_key);
    sqlite_bind_text_copy(st, 6, t->channel);
    sqlite3_bind_int(st, 7, t->is_third_party);
    sqlite3_bind_int(st, 8, t->has_victim_consent);
    sqlite_bind_text_copy(st, 9, t->status ? t->status : "open");
    sqlite_bind_text_copy(st, 10, t->basis);
    sqlite3_bind_int(st, 11, t->applicant_count);
    sqlite3_bind_int(st, 12, t->problem_people);
    sqlite3_bind_int64(st, 13, t->applied_at);
    sqlite_bind_text_copy(st, 14, t->decision_reason);
    sqlite_bind_text_copy(st, 15, t->outcome);
    sqlite_bind_id(st, 16, t->created_by);
    rc = insert_returning_id(db, st, "community_trigger insert", &id, err);
    for (size_t i = 0; rc == FC_OK && i < t->n_steps; i++) {
        rc = sqlite_prep_cached(
            s,
            "INSERT INTO community_trigger_step (trigger_id, step, seq, due_at, done_at, "
            "done_by, note) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            &db, &st, err);
        if (rc != FC_OK)
            break;
        const struct trigger_step_rec *p = &t->steps[i];
        sqlite3_bind_int64(st, 1, id);
        sqlite_bind_text_copy(st, 2, p->step);
        sqlite3_bind_int64(st, 3, (int64_t)i);
        sqlite_bind_id(st, 4, p->due_at);
        sqlite_bind_id(st, 5, p->done_at);
        sqlite_bind_id(st, 6, p->done_by);
        sqlite_bind_text_copy(st, 7, p->note);
        rc = sqlite_finish(db, st, "community_trigger_step insert", err);
    }
    rc = sqlite_tx_end(c, rc, err);
    if (rc == FC_OK && out != NULL)
        *out = id;
    return rc;
}

static int trigger_steps_read(struct store *s, struct arena *a, struct community_trigger_rec *t,
                              struct fc_err *err)
{
    sqlite3 *db;
    sqlite3_stmt *st = NULL;
    int rc = sqlite_prep_cached(
        s,
        "SELECT step, due_at, done_at, done_by, note FROM community_trigger_step "
        "WHERE trigger_id = ?1 ORDER BY seq",
        &db, &st, err);
    if (rc != FC_OK)
        return rc;
    sqlite3_bind_int64(st, 1, t->id);
    return read_rows(db, st, sizeof(*t->steps), step_row, a, (void **)&t->steps, &t->n_steps,
                     "community_trigger_step list", err);
}

int sqlite_trigger_get(struct store *s, fc_id_t id, struct arena *a,
                       struct community_trigger_rec *out, struct fc_err *err)
{
    sqlite3 *db;
    sqlite3_stmt *st = NULL;
    memset(out, 0, sizeof(*out));
    int rc = sqlite_prep_cached(s, "SELECT " TRIGGER_COLS " FROM community_trigger WHERE id = ?1",
                                &db, &st, err);
    if (rc != FC_OK)
        return rc;
    sqlite3_bind_int64(st, 1, id);
    rc = read_one(db, st, trigger_row, a, out, "community_trigger", err);
    if (rc == FC_OK)
        rc = trigger_steps_read(s, a, out, err);
    return rc;
}

int sqlite_trigger_list_for_person(struct store *s, fc_id_t person_id, struct arena *a,
                                   struct community_trigger_rec **out, size_t *n,
                                   struct fc_err *err)
{
    sqlite3 *db;
    sqlite3_stmt *st = NULL;
    int rc = sqlite_prep_cached(s,
                                "SELECT " TRIGGER_COLS
                                " FROM community_trigger WHERE applicant_person_id = ?1 "
                                "ORDER BY applied_at DESC, id DESC",
                                &db, &st, err);
    if (rc != FC_OK)
        return rc;
    sqlite3_bind_int64(st, 1, person_id);
    rc = read_rows(db, st, sizeof(**out), trigger_row, a, (void **)out, n, "community_trigger list",
                   err);
    for (size_t i = 0; rc == FC_OK && i < *n; i++)
        rc = trigger_steps_read(s, a, &(*out)[i], err);
    return rc;
}

int sqlite_trigger_set_status(struct store *s, fc_id_t id, const char *status,
                              const char *decision_reason, const char *outcome, struct fc_err *err)
{
    sqlite3 *db;
    sqlite3_stmt *st = NULL;
    int rc = sqlite_prep_cached(
        s,
        "UPDATE community_trigger SET status = ?2, "
        "decision_reason = coalesce(?3, decision_reason), outcome = coalesce(?4, outcome) "
        "WHERE id = ?1",
        &db, &st, err);
    if (rc != FC_OK)
        return rc;
    sqlite3_bind_int64(st, 1, id);
    sqlite_bind_text_copy(st, 2, status);
    sqlite_bind_text_copy(st, 3, decision_reason);
    sqlite_bind_text_copy(st, 4, outcome);
    return update_one(db, st, "community_trigger status", err);
}

int sqlite_trigger_step_set(struct store *s, fc_id_t trigger_id, const char *step, fc_time_t due_at,
                            fc_time_t done_at, fc_id_t done_by, const char *note,
                            struct fc_err *err)
{
    sqlite3 *db;
    sqlite3_stmt *st = NULL;
    int rc = sqlite_prep_cached(s,
                                "UPDATE community_trigger_step SET due_at = coalesce(?3, due_at), "
                                "done_at = coalesce(?4, done_at), done_by = coalesce(?5, done_by), "
                                "note = coalesce(?6, note) WHERE trigger_id = ?1 AND step = ?2",
                                &db, &st, err);
    if (rc != FC_OK)
        return rc;
    sqlite3_bind_int64(st, 1, trigger_id);
    sqlite_bind_text_copy(st, 2, step);
    sqlite_bind_id(st, 3, due_at);
    sqlite_bind_id(st, 4, done_at);
    sqlite_bind_id(st, 5, done_by);
    sqlite_bind_text_copy(st, 6, note);
    return update_one(db, st, "community_trigger_step", err);
}

/* ---- victim updates ---- */

#define PLAN_COLS                                                                                  \
    "id, incident_id, person_id, version, frequency_wd, channel, is_enhanced, agreed_at, "         \
    "agreed_by, next_due_at"

static void plan_row(struct arena *a, sqlite3_stmt *st, void *out)
{
    struct update_plan_rec *p = out;
    p->id = sqlite_col_id(st, 0);
    p->incident_id = sqlite_col_id(st, 1);
    p->person_id = sqlite_col_id(st, 2);
    p->version = sqlite_col_text(st, 3, a);
    p->frequency_wd = sqlite3_column_int(st, 4);
    p->channel = sqlite_col_text(st, 5, a);
    p->is_enhanced = sqlite3_column_int(st, 6) != 0;
    p->agreed_at = sqlite_col_id(st, 7);
    p->agreed_by = sqlite_col_id(st, 8);
    p->next_due_at = sqlite_col_id(st, 9);
}

int sqlite_update_plan_insert(struct store *s, const struct update_plan_rec *p, fc_id_t *out,
                              struct fc_err *err)
{
    sqlite3 *db;
    sqlite3_stmt *st = NULL;
    int rc = sqlite_prep_cached(
        s,
        "INSERT INTO victim_update_plan (incident_id, person_id, version, frequency_wd, "
        "channel, is_enhanced, agreed_at, agreed_by, next_due_at) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        &db, &st, err);
    if (rc != FC_OK)
        return rc;
    sqlite_bind_id(st, 1, p->incident_id);
    sqlite_bind_id(st, 2, p->person_id);
    sqlite_bind_text_copy(st, 3, p->version);
    sqlite3_bind_int(st, 4, p->frequency_wd);
    sqlite_bind_text_copy(st, 5, p->channel);
    sqlite3_bind_int(st, 6, p->is_enhanced);
    sqlite3_bind_int64(st, 7, p->agreed_at);
    sqlite_bind_id(st, 8, p->agreed_by);
    sqlite_bind_id(st, 9, p->next_due_at);
    return insert_returning_id(db, st, "victim_update_plan insert", out, err);
}

int sqlite_update_plan_current(struct store *s, fc_id_t incident_id, struct arena *a,
                               struct update_plan_rec *out, struct fc_err *err)
{
    sqlite3 *db;
    sqlite3_stmt *st = NULL;
    int rc =
        sqlite_prep_cached(s,
                           "SELECT " PLAN_COLS " FROM victim_update_plan WHERE incident_id = ?1 "
                           "ORDER BY id DESC LIMIT 1",
                           &db, &st, err);
    if (rc != FC_OK)
        return rc;
    sqlite3_bind_int64(st, 1, incident_id);
    return read_one(db, st, plan_row, a, out, "victim_update_plan", err);
}

int sqlite_update_plan_set_next_due(struct store *s, fc_id_t plan_id, fc_time_t next_due_at,
                                    struct fc_err *err)
{
    sqlite3 *db;
    sqlite3_stmt *st = NULL;
    int rc = sqlite_prep_cached(s, "UPDATE victim_update_plan SET next_due_at = ?2 WHERE id = ?1",
                                &db, &st, err);
    if (rc != FC_OK)
        return rc;
    sqlite3_bind_int64(st, 1, plan_id);
    sqlite_bind_id(st, 2, next_due_at);
    return update_one(db, st, "victim_update_plan next due", err);
}

int sqlite_update_plan_due(struct store *s, fc_time_t before, struct arena *a,
                           struct update_plan_rec **out, size_t *n, struct fc_err *err)
{
    sqlite3 *db;
    sqlite3_stmt *st = NULL;
    /* only the plan in force for each incident */
    int rc = sqlite_prep_cached(
        s,
        "SELECT " PLAN_COLS " FROM victim_update_plan p WHERE next_due_at IS NOT NULL "
        "AND next_due_at < ?1 AND id = (SELECT max(id) FROM victim_update_plan q "
        "WHERE q.incident_id = p.incident_id) ORDER BY next_due_at, id",
        &db, &st, err);
    if (rc != FC_OK)
        return rc;
    sqlite3_bind_int64(st, 1, before);
    return read_rows(db, st, sizeof(**out), plan_row, a, (void **)out, n, "update plans due", err);
}

static void update_row(struct arena *a, sqlite3_stmt *st, void *out)
{
    struct victim_update_rec *u = out;
    u->id = sqlite_col_id(st, 0);
    u->plan_id = sqlite_col_id(st, 1);
    u->incident_id = sqlite_col_id(st, 2);
    u->kind = sqlite_col_text(st, 3, a);
    u->event = sqlite_col_text(st, 4, a);
    u->channel = sqlite_col_text(st, 5, a);
    u->summary = sqlite_col_text(st, 6, a);
    u->due_at = sqlite_col_id(st, 7);
    u->sent_at = sqlite_col_id(st, 8);
    u->sent_by = sqlite_col_id(st, 9);
}

int sqlite_victim_update_insert(struct store *s, const struct victim_update_rec *u, fc_id_t *out,
                                struct fc_err *err)
{
    sqlite3 *db;
    sqlite3_stmt *st = NULL;
    int rc = sqlite_prep_cached(
        s,
        "INSERT INTO victim_update (plan_id, incident_id, kind, event, channel, "
        "summary, due_at, sent_at, sent_by) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        &db, &st, err);
    if (rc != FC_OK)
        return rc;
    sqlite_bind_id(st, 1, u->plan_id);
    sqlite_bind_id(st, 2, u->incident_id);
    sqlite_bind_text_copy(st, 3, u->kind);
    sqlite_bind_text_copy(st, 4, u->event);
    sqlite_bind_text_copy(st, 5, u->channel);
    sqlite_bind_text_copy(st, 6, u->summary);
    sqlite_bind_id(st, 7, u->due_at);
    sqlite3_bind_int64(st, 8, u->sent_at);
    sqlite_bind_id(st, 9, u->sent_by);
    return insert_returning_id(db, st, "victim_update insert", out, err);
}

int sqlite_victim_update_list(struct store *s, fc_id_t incident_id, struct arena *a,
                              struct victim_update_rec **out, size_t *n, struct fc_err *err)
{
    sqlite3 *db;
    sqlite3_stmt *st = NULL;
    int rc = sqlite_prep_cached(
        s,
        "SELECT id, plan_id, incident_id, kind, event, channel, summary, due_at, "
        "sent_at, sent_by FROM victim_update WHERE incident_id = ?1 ORDER BY sent_at, id",
        &db, &st, err);
    if (rc != FC_OK)
        return rc;
    sqlite3_bind_int64(st, 1, incident_id);
    return read_rows(db, st, sizeof(**out), update_row, a, (void **)out, n, "victim_update list",
                     err);
}

/* ---- closure and survey queue ---- */

static void closure_row(struct arena *a, sqlite3_stmt *st, void *out)
{
    struct incident_closure_rec *c = out;
    c->incident_id = sqlite_col_id(st, 0);
    c->closure_code = sqlite_col_text(st, 1, a);
    c->outcome = sqlite_col_text(st, 2, a);
    c->case_id = sqlite_col_id(st, 3);
    c->closed_by = sqlite_col_id(st, 4);
    c->closed_at = sqlite_col_id(st, 5);
}

int sqlite_incident_closure_insert(struct store *s, const struct incident_closure_rec *c,
                                   struct fc_err *err)
{
    sqlite3 *db;
    sqlite3_stmt *st = NULL;
    int rc = sqlite_prep_cached(
        s,
        "INSERT INTO incident_closure (incident_id, closure_code, outcome, case_id, "
        "closed_by, closed_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        &db, &st, err);
    if (rc != FC_OK)
        return rc;
    sqlite3_bind_int64(st, 1, c->incident_id);
    sqlite_bind_text_copy(st, 2, c->closure_code);
    sqlite_bind_text_copy(st, 3, c->outcome);
    sqlite_bind_id(st, 4, c->case_id);
    sqlite_bind_id(st, 5, c->closed_by);
    sqlite3_bind_int64(st, 6, c->closed_at);
    return sqlite_finish(db, st, "incident_closure insert", err);
}

int sqlite_incident_closure_get(struct store *s, fc_id_t incident_id, struct arena *a,
                                struct incident_closure_rec *out, struct fc_err *err)
{
    sqlite3 *db;
    sqlite3_stmt *st = NULL;
    int rc = sqlite_prep_cached(
        s,
        "SELECT incident_id, closure_code, outcome, case_id, closed_by, closed_at "
        "FROM incident_closure WHERE incident_id = ?1",
        &db, &st, err);
    if (rc != FC_OK)
        return rc;
    sqlite3_bind_int64(st, 1, incident_id);
    return read_one(db, st, closure_row, a, out, "incident_closure", err);
}

static void survey_row(struct arena *a, sqlite3_stmt *st, void *out)
{
    struct survey_queue_rec *q = out;
    q->id = sqlite_col_id(st, 0);
    q->incident_id = sqlite_col_id(st, 1);
    q->person_id = sqlite_col_id(st, 2);
    q->contact_id = sqlite_col_id(st, 3);
    q->reason = sqlite_col_text(st, 4, a);
    q->status = sqlite_col_text(st, 5, a);
    q->queued_at = sqlite_col_id(st, 6);
}

int sqlite_survey_queue_insert(struct store *s, const struct survey_queue_rec *q, fc_id_t *out,
                               struct fc_err *err)
{
    sqlite3 *db;
    sqlite3_stmt *st = NULL;
    int rc = sqlite_prep_cached(
        s,
        "INSERT INTO survey_queue (incident_id, person_id, contact_id, reason, status, "
        "queued_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        &db, &st, err);
    if (rc != FC_OK)
        return rc;
    sqlite_bind_id(st, 1, q->incident_id);
    sqlite_bind_id(st, 2, q->person_id);
    sqlite_bind_id(st, 3, q->contact_id);
    sqlite_bind_text_copy(st, 4, q->reason);
    sqlite_bind_text_copy(st, 5, q->status ? q->status : "queued");
    sqlite3_bind_int64(st, 6, q->queued_at);
    return insert_returning_id(db, st, "survey_queue insert", out, err);
}

int sqlite_survey_queue_list(struct store *s, const char *status, struct arena *a,
                             struct survey_queue_rec **out, size_t *n, struct fc_err *err)
{
    sqlite3 *db;
    sqlite3_stmt *st = NULL;
    int rc = sqlite_prep_cached(
        s,
        "SELECT id, incident_id, person_id, contact_id, reason, status, queued_at "
        "FROM survey_queue WHERE (?1 IS NULL OR status = ?1) ORDER BY queued_at, id",
        &db, &st, err);
    if (rc != FC_OK)
        return rc;
    sqlite_bind_text_copy(st, 1, status);
    return read_rows(db, st, sizeof(**out), survey_row, a, (void **)out, n, "survey_queue list",
                     err);
}

/* ---- history ---- */

static void time_row(struct arena *a, sqlite3_stmt *st, void *out)
{
    (void)a;
    *(fc_time_t *)out = sqlite_col_id(st, 0);
}

int sqlite_history_caller_contacts(struct store *s, fc_id_t person_id, fc_time_t from, fc_time_t to,
                                   fc_id_t exclude_contact, struct arena *a, fc_time_t **out,
                                   size_t *n, struct fc_err *err)
{
    sqlite3 *db;
    sqlite3_stmt *st = NULL;
    /* merged persons count as the person they were merged into */
    int rc = sqlite_prep_cached(
        s,
        "SELECT c.received_at FROM contact c JOIN person p ON p.id = c.caller_person_id "
        "WHERE (p.id = ?1 OR p.merged_into = ?1) AND c.received_at >= ?2 "
        "AND c.received_at < ?3 AND c.id IS NOT ?4 ORDER BY c.received_at",
        &db, &st, err);
    if (rc != FC_OK)
        return rc;
    sqlite3_bind_int64(st, 1, person_id);
    sqlite3_bind_int64(st, 2, from);
    sqlite3_bind_int64(st, 3, to);
    sqlite_bind_id(st, 4, exclude_contact);
    return read_rows(db, st, sizeof(**out), time_row, a, (void **)out, n, "history contacts", err);
}

int sqlite_history_person_incidents(struct store *s, fc_id_t person_id, const char *role,
                                    fc_time_t from, fc_time_t to, struct arena *a, fc_time_t **out,
                                    size_t *n, struct fc_err *err)
{
    sqlite3 *db;
    sqlite3_stmt *st = NULL;
    int rc =
        sqlite_prep_cached(s,
                           "SELECT DISTINCT i.id, i.created_at FROM incident i "
                           "JOIN incident_person ip ON ip.incident_id = i.id "
                           "JOIN person p ON p.id = ip.person_id "
                           "WHERE (p.id = ?1 OR p.merged_into = ?1) AND ip.role = ?2 "
                           "AND i.created_at >= ?3 AND i.created_at < ?4 ORDER BY i.created_at",
                           &db, &st, err);
    if (rc != FC_OK)
        return rc;
    sqlite3_bind_int64(st, 1, person_id);
    sqlite_bind_text_copy(st, 2, role);
    sqlite3_bind_int64(st, 3, from);
    sqlite3_bind_int64(st, 4, to);
    struct vec v = { .size = sizeof(fc_time_t) };
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        fc_time_t *p = vec_push(&v);
        if (p == NULL)
            break;
        *p = sqlite_col_id(st, 1);
    }
    sqlite_stmt_done(st);
    if (rc != SQLITE_DONE) {
        free(v.items);
        return rc == SQLITE_ROW ? err_set(err, FC_ENOMEM, "", "out of memory")
                                : sqlite_status(db, rc, "history incidents", err);
    }
    return vec_to_arena(&v, a, (void **)out, n, err);
}

static void place_row(struct arena *a, sqlite3_stmt *st, void *out)
{
    struct history_place_row *r = out;
    r->incident_id = sqlite_col_id(st, 0);
    r->at = sqlite_col_id(st, 1);
    r->location_key = sqlite_col_text(st, 2, a);
    r->uprn = NULL;
    r->lat = sqlite_col_double(st, 3);
    r->lon = sqlite_col_double(st, 4);
}

int sqlite_history_place_incidents(struct store *s, const char *location_key, double lat_min,
                                   double lat_max, double lon_min, double lon_max, fc_time_t from,
                                   fc_time_t to, fc_id_t exclude_incident, struct arena *a,
                                   struct history_place_row **out, size_t *n, struct fc_err *err)
{
    sqlite3 *db;
    sqlite3_stmt *st = NULL;
    bool has_box = !isnan(lat_min) && !isnan(lat_max) && !isnan(lon_min) && !isnan(lon_max);
    int rc = sqlite_prep_cached(
        s,
        /* two searches, each on its own index: the place key, and the box by latitude
         * band (migration 0008: the bands the box spans, then its longitudes in each);
         * `+created_at` keeps the planner off the time index, which would walk every
         * incident in the window */
        "SELECT id, created_at, location_key, lat, lon FROM incident "
        "WHERE ?4 IS NOT NULL AND location_key = ?4 "
        "AND +created_at >= ?1 AND +created_at < ?2 AND id IS NOT ?3 "
        "UNION SELECT id, created_at, location_key, lat, lon FROM incident "
        "WHERE ?5 IS NOT NULL AND CAST(lat * 1000 AS INTEGER) IN (WITH RECURSIVE "
        "band(b) AS (SELECT ?9 UNION ALL SELECT b + 1 FROM band WHERE b < ?10) "
        "SELECT b FROM band) AND lat BETWEEN ?5 AND ?6 AND lon BETWEEN ?7 AND ?8 "
        "AND +created_at >= ?1 AND +created_at < ?2 AND id IS NOT ?3 ORDER BY created_at",
        &db, &st, err);
    if (rc != FC_OK)
        return rc;
    sqlite3_bind_int64(st, 1, from);
    sqlite3_bind_int64(st, 2, to);
    sqlite_bind_id(st, 3, exclude_incident);
    sqlite_bind_text_copy(st, 4, location_key != NULL && location_key[0] ? location_key : NULL);
    if (has_box) {
        sqlite3_bind_double(st, 5, lat_min);
        sqlite3_bind_double(st, 6, lat_max);
        sqlite3_bind_double(st, 7, lon_min);
        sqlite3_bind_double(st, 8, lon_max);
        /* the bands as the index computes them (CAST truncates toward zero) */
        sqlite3_bind_int64(st, 9, (sqlite3_int64)(lat_min * 1000));
        sqlite3_bind_int64(st, 10, (sqlite3_int64)(lat_max * 1000));
    }
    return read_rows(db, st, sizeof(**out), place_row, a, (void **)out, n, "history places", err);
}

static void complaint_row(struct arena *a, sqlite3_stmt *st, void *out)
{
    struct history_complaint_row *r = out;
    r->contact_id = sqlite_col_id(st, 0);
    r->person_id = sqlite_col_id(st, 1);
    r->problem_key = sqlite_col_text(st, 2, a);
    r->at = sqlite_col_id(st, 3);
    r->behaviour_at = sqlite_col_id(st, 4);
    r->is_hate = sqlite3_column_int(st, 5) != 0;
}

#define COMPLAINT_IS_HATE                                                                          \
    "(i.incident_type = 'hate_motivated' OR EXISTS (SELECT 1 FROM incident_person ip "             \
    "WHERE ip.incident_id = i.id AND ip.is_hate_strand = 1))"

int sqlite_history_complaints(struct store *s, fc_id_t person_id, const char *problem_key,
                              fc_time_t from, fc_time_t to, fc_id_t exclude_contact,
                              struct arena *a, struct history_complaint_row **out, size_t *n,
                              struct fc_err *err)
{
    sqlite3 *db;
    sqlite3_stmt *st = NULL;
    int rc = sqlite_prep_cached(
        s,
        /* the person's contacts (their own and those of persons merged into them) and
         * the problem's, each found through its own index (see history_place_incidents) */
        "SELECT c.id, coalesce(p.merged_into, c.caller_person_id), i.location_key, "
        "c.received_at, i.occurred_at, " COMPLAINT_IS_HATE
        " FROM contact c LEFT JOIN incident i ON i.id = c.incident_id "
        "LEFT JOIN person p ON p.id = c.caller_person_id "
        "WHERE ?4 IS NOT NULL AND c.caller_person_id IN "
        "(SELECT ?4 UNION SELECT id FROM person WHERE merged_into = ?4) "
        "AND c.received_at >= ?1 AND c.received_at < ?2 AND c.id IS NOT ?3 "
        "UNION SELECT c.id, coalesce(p.merged_into, c.caller_person_id), i.location_key, "
        "c.received_at, i.occurred_at, " COMPLAINT_IS_HATE
        " FROM incident i JOIN contact c ON c.incident_id = i.id "
        "LEFT JOIN person p ON p.id = c.caller_person_id "
        "WHERE ?5 IS NOT NULL AND i.location_key = ?5 "
        "AND +c.received_at >= ?1 AND +c.received_at < ?2 AND c.id IS NOT ?3 ORDER BY 4, 1",
        &db, &st, err);
    if (rc != FC_OK)
        return rc;
    sqlite3_bind_int64(st, 1, from);
    sqlite3_bind_int64(st, 2, to);
    sqlite_bind_id(st, 3, exclude_contact);
    sqlite_bind_id(st, 4, person_id);
    sqlite_bind_text_copy(st, 5, problem_key != NULL && problem_key[0] ? problem_key : NULL);
    return read_rows(db, st, sizeof(**out), complaint_row, a, (void **)out, n, "history complaints",
                     err);
}
