/*
 * store/sqlite/sqlite_cases.c: partnership cases on SQLite (migration 0004).
 *
 * DESIGN: statements come from sqlite_prep_cached and are given back before return. Optional
 * filters are written as "(?n IS NULL OR col = ?n)" so each query is one fixed statement.
 * Ids and times of 0 are stored as NULL.
 */
#include <math.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

#include "store/sqlite/sqlite_cases.h"
#include "store/sqlite/sqlite_internal.h"

#define LIST_MAX 10000 /* most rows one list call returns */

/* Steps a write that must change exactly one row; FC_ENOTFOUND (or `none`) otherwise. */
static int finish_one(sqlite3 *db, sqlite3_stmt *st, const char *what, enum fc_status none,
                      struct fc_err *err)
{
    int rc = sqlite_finish(db, st, what, err);
    if (rc != FC_OK)
        return rc;
    if (sqlite3_changes(db) != 1)
        return err_set(err, none, "", "%s: %s", what,
                       none == FC_ECONFLICT ? "changed by someone else or already decided"
                                            : "not found");
    return FC_OK;
}

/* Growable array of rows in the arena. */
struct rows {
    struct arena *a;
    void *items;
    size_t n, cap, size;
};

static void *rows_next(struct rows *r, struct fc_err *err)
{
    if (r->n == r->cap) {
        if (r->n >= LIST_MAX) {
            err_set(err, FC_EINVAL, "limit", "more than %d rows; narrow the query", LIST_MAX);
            return NULL;
        }
        size_t cap = r->cap ? r->cap * 2 : 16;
        void *p = arena_alloc(r->a, cap * r->size);
        if (p == NULL) {
            err_set(err, FC_ENOMEM, "", "out of memory listing cases");
            return NULL;
        }
        if (r->n)
            memcpy(p, r->items, r->n * r->size);
        r->items = p;
        r->cap = cap;
    }
    return (char *)r->items + r->n++ * r->size;
}

typedef void (*row_reader)(struct arena *a, sqlite3_stmt *st, void *out);

/* Reads every row of a query into an arena array, finalizing the statement. */
static int read_rows(sqlite3 *db, sqlite3_stmt *st, struct arena *a, size_t size, row_reader read,
                     void **out, size_t *n, const char *what, struct fc_err *err)
{
    struct rows r = { .a = a, .size = size };
    int rc;
    int status = FC_OK;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        void *row = rows_next(&r, err);
        if (row == NULL) {
            status = err->status;
            break;
        }
        read(a, st, row);
    }
    if (status == FC_OK && rc != SQLITE_DONE)
        status = sqlite_status(db, rc, what, err);
    sqlite_stmt_done(st);
    *out = r.items;
    *n = status == FC_OK ? r.n : 0;
    return status;
}

/* Reads exactly one row; FC_ENOTFOUND when there is none. */
static int read_one(sqlite3 *db, sqlite3_stmt *st, struct arena *a, row_reader read, void *out,
                    const char *what, struct fc_err *err)
{
    int rc = sqlite3_step(st);
    int status = FC_OK;
    if (rc == SQLITE_ROW)
        read(a, st, out);
    else if (rc == SQLITE_DONE)
        status = err_set(err, FC_ENOTFOUND, "id", "%s: not found", what);
    else
        status = sqlite_status(db, rc, what, err);
    sqlite_stmt_done(st);
    return status;
}

/* ---- cases ----------------------------------------------------------------------- */

#define CASE_COLS                                                                                  \
    "c.id, c.ref, c.title, c.lead_org_id, c.lead_user_id, c.status, c.origin, c.origin_id, "       \
    "c.risk_level, c.area_code, c.area_name, c.sharing_basis, c.sharing_agreement_ref, "           \
    "c.review_interval_days, c.next_review_due, c.trigger_applied_at, c.opened_at, "               \
    "c.opened_by, c.closed_at, c.closure_outcome, c.closure_reason, c.version"

static void read_case(struct arena *a, sqlite3_stmt *st, void *out)
{
    struct asb_case *c = out;
    c->id = sqlite_col_id(st, 0);
    c->ref = sqlite_col_text(st, 1, a);
    c->title = sqlite_col_text(st, 2, a);
    c->lead_org_id = sqlite_col_id(st, 3);
    c->lead_user_id = sqlite_col_id(st, 4);
    c->status = sqlite_col_text(st, 5, a);
    c->origin = sqlite_col_text(st, 6, a);
    c->origin_id = sqlite_col_id(st, 7);
    c->risk_level = sqlite_col_text(st, 8, a);
    c->area_code = sqlite_col_text(st, 9, a);
    c->area_name = sqlite_col_text(st, 10, a);
    c->sharing_basis = sqlite_col_text(st, 11, a);
    c->sharing_agreement_ref = sqlite_col_text(st, 12, a);
    c->review_interval_days = sqlite3_column_int(st, 13);
    c->next_review_due = sqlite_col_id(st, 14);
    c->trigger_applied_at = sqlite_col_id(st, 15);
    c->opened_at = sqlite_col_id(st, 16);
    c->opened_by = sqlite_col_id(st, 17);
    c->closed_at = sqlite_col_id(st, 18);
    c->closure_outcome = sqlite_col_text(st, 19, a);
    c->closure_reason = sqlite_col_text(st, 20, a);
    c->version = sqlite3_column_int(st, 21);
}

static int case_insert_rows(struct store *s, const struct asb_case *c, fc_id_t *out,
                            struct fc_err *err)
{
    sqlite3 *db;
    sqlite3_stmt *st = NULL;
    int rc = sqlite_prep_cached(
        s,
        "INSERT INTO asb_case (ref, title, lead_org_id, lead_user_id, status, origin, "
        "origin_id, risk_level, area_code, area_name, sharing_basis, "
        "sharing_agreement_ref, review_interval_days, next_review_due, "
        "trigger_applied_at, opened_at, opened_by, closed_at, closure_outcome, "
        "closure_reason) VALUES (coalesce(?1, 'new-' || hex(randomblob(8))), ?2, ?3, "
        "?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20)",
        &db, &st, err);
    if (rc != FC_OK)
        return rc;
    sqlite_bind_text_copy(st, 1, c->ref);
    sqlite_bind_text_copy(st, 2, c->title);
    sqlite_bind_id(st, 3, c->lead_org_id);
    sqlite_bind_id(st, 4, c->lead_user_id);
    sqlite_bind_text_copy(st, 5, c->status);
    sqlite_bind_text_copy(st, 6, c->origin);
    sqlite_bind_id(st, 7, c->origin_id);
    sqlite_bind_text_copy(st, 8, c->risk_level);
    sqlite_bind_text_copy(st, 9, c->area_code);
    sqlite_bind_text_copy(st, 10, c->area_name);
    sqlite_bind_text_copy(st, 11, c->sharing_basis);
    sqlite_bind_text_copy(st, 12, c->sharing_agreement_ref);
    sqlite3_bind_int(st, 13, c->review_interval_days);
    sqlite_bind_id(st, 14, c->next_review_due);
    sqlite_bind_id(st, 15, c->trigger_applied_at);
    sqlite3_bind_int64(st, 16, c->opened_at);
    sqlite_bind_id(st, 17, c->opened_by);
    sqlite_bind_id(st, 18, c->closed_at);
    sqlite_bind_text_copy(st, 19, c->closure_outcome);
    sqlite_bind_text_copy(st, 20, c->closure_reason);
    rc = sqlite_finish(db, st, "insert case", err);
    if (rc != FC_OK)
        return rc;
    fc_id_t id = sqlite3_last_insert_rowid(db);
    if (c->ref == NULL) {
        rc = sqlite_prep_cached(s,
                                "UPDATE asb_case SET ref = printf('CASE-%s-%06d', "
                                "strftime('%Y', opened_at, 'unixepoch'), id) WHERE id = ?1",
                                &db, &st, err);
        if (rc != FC_OK)
            return rc;
        sqlite3_bind_int64(st, 1, id);
        rc = sqlite_finish(db, st, "number case", err);
        if (rc != FC_OK)
            return rc;
    }
    *out = id;
    return FC_OK;
}

/* The insert and its numbering are one unit, inside the caller's transaction or its own. */
int sqlite_case_insert(struct store *s, const struct asb_case *c, fc_id_t *out, struct fc_err *err)
{
    struct sqlite_conn *conn;
    int rc = sqlite_conn_of(s, &conn, err);
    if (rc == FC_OK)
        rc = sqlite_tx_begin(conn, err);
    if (rc != FC_OK)
        return rc;
    rc = case_insert_rows(s, c, out, err);
    return sqlite_tx_end(conn, rc, err);
}

int sqlite_case_get(struct store *s, fc_id_t id, struct arena *a, struct asb_case *out,
                    struct fc_err *err)
{
    sqlite3 *db;
    sqlite3_stmt *st = NULL;
    int rc = sqlite_prep_cached(s, "SELECT " CASE_COLS " FROM asb_case c WHERE c.id = ?1", &db, &st,
                                err);
    if (rc != FC_OK)
        return rc;
    sqlite3_bind_int64(st, 1, id);
    return read_one(db, st, a, read_case, out, "case", err);
}

int sqlite_case_update(struct store *s, const struct asb_case *c, struct fc_err *err)
{
    sqlite3 *db;
    sqlite3_stmt *st = NULL;
    int rc = sqlite_prep_cached(
        s,
        "UPDATE asb_case SET title = ?2, lead_org_id = ?3, lead_user_id = ?4, "
        "status = ?5, risk_level = ?6, area_code = ?7, area_name = ?8, "
        "sharing_basis = ?9, sharing_agreement_ref = ?10, review_interval_days = ?11, "
        "next_review_due = ?12, closed_at = ?13, closure_outcome = ?14, "
        "closure_reason = ?15, version = version + 1 WHERE id = ?1 AND version = ?16",
        &db, &st, err);
    if (rc != FC_OK)
        return rc;
    sqlite3_bind_int64(st, 1, c->id);
    sqlite_bind_text_copy(st, 2, c->title);
    sqlite_bind_id(st, 3, c->lead_org_id);
    sqlite_bind_id(st, 4, c->lead_user_id);
    sqlite_bind_text_copy(st, 5, c->status);
    sqlite_bind_text_copy(st, 6, c->risk_level);
    sqlite_bind_text_copy(st, 7, c->area_code);
    sqlite_bind_text_copy(st, 8, c->area_name);
    sqlite_bind_text_copy(st, 9, c->sharing_basis);
    sqlite_bind_text_copy(st, 10, c->sharing_agreement_ref);
    sqlite3_bind_int(st, 11, c->review_interval_days);
    sqlite_bind_id(st, 12, c->next_review_due);
    sqlite_bind_id(st, 13, c->closed_at);
    sqlite_bind_text_copy(st, 14, c->closure_outcome);
    sqlite_bind_text_copy(st, 15, c->closure_reason);
    sqlite3_bind_int(st, 16, c->version);
    return finish_one(db, st, "update case", FC_ECONFLICT, err);
}

int sqlite_case_search(struct store *s, const struct case_query *q, struct arena *a,
                       struct asb_case **out, size_t *n, struct fc_err *err)
{
    sqlite3 *db;
    sqlite3_stmt *st = NULL;
    int rc = sqlite_prep_cached(
        s,
        "SELECT " CASE_COLS " FROM asb_case c WHERE (?1 IS NULL OR c.lead_user_id = ?1) "
        "AND (?2 IS NULL OR c.lead_org_id = ?2 OR EXISTS (SELECT 1 FROM case_share sh "
        "WHERE sh.case_id = c.id AND sh.org_id = ?2 AND sh.revoked_at IS NULL AND "
        "(sh.expires_at IS NULL OR sh.expires_at > ?8))) "
        "AND (?3 IS NULL OR c.lead_org_id = ?3) AND (?4 IS NULL OR c.status = ?4) "
        "AND (?5 IS NULL OR c.area_code = ?5) AND (?6 IS NULL OR c.origin = ?6) "
        "AND (?7 IS NULL OR (c.status = 'open' AND c.next_review_due < ?7)) "
        "ORDER BY c.opened_at DESC, c.id DESC LIMIT ?9 OFFSET ?10",
        &db, &st, err);
    if (rc != FC_OK)
        return rc;
    sqlite_bind_id(st, 1, q->lead_user_id);
    sqlite_bind_id(st, 2, q->visible_to_org_id);
    sqlite_bind_id(st, 3, q->lead_org_id);
    sqlite_bind_text_copy(st, 4, q->status);
    sqlite_bind_text_copy(st, 5, q->area_code);
    sqlite_bind_text_copy(st, 6, q->origin);
    sqlite_bind_id(st, 7, q->review_due_before);
    sqlite3_bind_int64(st, 8, q->now);
    sqlite3_bind_int64(st, 9, q->limit ? (int64_t)q->limit : 100);
    sqlite3_bind_int64(st, 10, (int64_t)q->offset);
    return read_rows(db, st, a, sizeof(**out), read_case, (void **)out, n, "search cases", err);
}

static void read_id(struct arena *a, sqlite3_stmt *st, void *out)
{
    (void)a;
    *(fc_id_t *)out = sqlite_col_id(st, 0);
}

int sqlite_case_ids_involving(struct store *s, fc_id_t person_id, fc_id_t incident_id,
                              struct arena *a, fc_id_t **out, size_t *n, struct fc_err *err)
{
    sqlite3 *db;
    sqlite3_stmt *st = NULL;
    int rc =
        sqlite_prep_cached(s,
                           "SELECT case_id FROM case_party WHERE person_id = ?1 UNION "
                           "SELECT case_id FROM case_incident WHERE incident_id = ?2 ORDER BY 1",
                           &db, &st, err);
    if (rc != FC_OK)
        return rc;
    sqlite3_bind_int64(st, 1, person_id);
    sqlite3_bind_int64(st, 2, incident_id);
    return read_rows(db, st, a, sizeof(**out), read_id, (void **)out, n, "cases involving", err);
}

/* ---- shares ----------------------------------------------------------------------- */

int sqlite_case_share_insert(struct store *s, const struct case_share *sh, fc_id_t *out,
                             struct fc_err *err)
{
    sqlite3 *db;
    sqlite3_stmt *st = NULL;
    int rc = sqlite_prep_cached(
        s,
        "INSERT INTO case_share (case_id, org_id, level, granted_by, granted_at, "
        "expires_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        &db, &st, err);
    if (rc != FC_OK)
        return rc;
    sqlite3_bind_int64(st, 1, sh->case_id);
    sqlite3_bind_int64(st, 2, sh->org_id);
    sqlite_bind_text_copy(st, 3, sh->level);
    sqlite_bind_id(st, 4, sh->granted_by);
    sqlite3_bind_int64(st, 5, sh->granted_at);
    sqlite_bind_id(st, 6, sh->expires_at);
    rc = sqlite_finish(db, st, "share case", err);
    if (rc == FC_OK)
        *out = sqlite3_last_insert_rowid(db);
    return rc;
}

int sqlite_case_share_revoke(struct store *s, fc_id_t share_id, fc_id_t by, fc_time_t at,
                             struct fc_err *err)
{
    sqlite3 *db;
    sqlite3_stmt *st = NULL;
    int rc = sqlite_prep_cached(s,
                                "UPDATE case_share SET revoked_at = ?2, revoked_by = ?3 "
                                "WHERE id = ?1 AND revoked_at IS NULL",
                                &db, &st, err);
    if (rc != FC_OK)
        return rc;
    sqlite3_bind_int64(st, 1, share_id);
    sqlite3_bind_int64(st, 2, at);
    sqlite_bind_id(st, 3, by);
    return finish_one(db, st, "revoke share", FC_ENOTFOUND, err);
}

static void read_share(struct arena *a, sqlite3_stmt *st, void *out)
{
    struct case_share *sh = out;
    sh->id = sqlite_col_id(st, 0);
    sh->case_id = sqlite_col_id(st, 1);
    sh->org_id = sqlite_col_id(st, 2);
    sh->level = sqlite_col_text(st, 3, a);
    sh->granted_by = sqlite_col_id(st, 4);
    sh->granted_at = sqlite_col_id(st, 5);
    sh->expires_at = sqlite_col_id(st, 6);
    sh->revoked_at = sqlite_col_id(st, 7);
    sh->revoked_by = sqlite_col_id(st, 8);
}

int sqlite_case_share_list(struct store *s, fc_id_t case_id, struct arena *a,
                           struct case_share **out, size_t *n, struct fc_err *err)
{
    sqlite3 *db;
    sqlite3_stmt *st = NULL;
    int rc =
        sqlite_prep_cached(s,
                           "SELECT id, case_id, org_id, level, granted_by, granted_at, expires_at, "
                           "revoked_at, revoked_by FROM case_share WHERE case_id = ?1 ORDER BY id",
                           &db, &st, err);
    if (rc != FC_OK)
        return rc;
    sqlite3_bind_int64(st, 1, case_id);
    return read_rows(db, st, a, sizeof(**out), read_share, (void **)out, n, "list shares", err);
}

/* ---- parties, incidents, locations ------------------------------------------------ */

int sqlite_case_party_insert(struct store *s, const struct case_party *p, fc_id_t *out,
                             struct fc_err *err)
{
    sqlite3 *db;
    sqlite3_stmt *st = NULL;
    int rc =
        sqlite_prep_cached(s,
                           "INSERT INTO case_party (case_id, person_id, role, match_probability, "
                           "added_by, added_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                           &db, &st, err);
    if (rc != FC_OK)
        return rc;
    sqlite3_bind_int64(st, 1, p->case_id);
    sqlite3_bind_int64(st, 2, p->person_id);
    sqlite_bind_text_copy(st, 3, p->role);
    sqlite3_bind_double(st, 4, p->match_probability);
    sqlite_bind_id(st, 5, p->added_by);
    sqlite3_bind_int64(st, 6, p->added_at);
    rc = sqlite_finish(db, st, "add person to case", err);
    if (rc == FC_OK)
        *out = sqlite3_last_insert_rowid(db);
    return rc;
}

static void read_party(struct arena *a, sqlite3_stmt *st, void *out)
{
    struct case_party *p = out;
    p->id = sqlite_col_id(st, 0);
    p->case_id = sqlite_col_id(st, 1);
    p->person_id = sqlite_col_id(st, 2);
    p->role = sqlite_col_text(st, 3, a);
    p->match_probability = sqlite3_column_double(st, 4);
    p->added_by = sqlite_col_id(st, 5);
    p->added_at = sqlite_col_id(st, 6);
}

int sqlite_case_party_list(struct store *s, fc_id_t case_id, struct arena *a,
                           struct case_party **out, size_t *n, struct fc_err *err)
{
    sqlite3 *db;
    sqlite3_stmt *st = NULL;
    int rc = sqlite_prep_cached(
        s,
        "SELECT id, case_id, person_id, role, match_probability, added_by, added_at "
        "FROM case_party WHERE case_id = ?1 ORDER BY id",
        &db, &st, err);
    if (rc != FC_OK)
        return rc;
    sqlite3_bind_int64(st, 1, case_id);
    return read_rows(db, st, a, sizeof(**out), read_party, (void **)out, n, "list persons", err);
}

int sqlite_case_incident_link(struct store *s, fc_id_t case_id, fc_id_t incident_id, fc_id_t by,
                              fc_time_t at, struct fc_err *err)
{
    sqlite3 *db;
    sqlite3_stmt *st = NULL;
    int rc =
        sqlite_prep_cached(s,
                           "INSERT INTO case_incident (case_id, incident_id, linked_by, linked_at) "
                           "VALUES (?1, ?2, ?3, ?4)",
                           &db, &st, err);
    if (rc != FC_OK)
        return rc;
    sqlite3_bind_int64(st, 1, case_id);
    sqlite3_bind_int64(st, 2, incident_id);
    sqlite_bind_id(st, 3, by);
    sqlite3_bind_int64(st, 4, at);
    return sqlite_finish(db, st, "link incident", err);
}

int sqlite_case_incident_list(struct store *s, fc_id_t case_id, struct arena *a, fc_id_t **out,
                              size_t *n, struct fc_err *err)
{
    sqlite3 *db;
    sqlite3_stmt *st = NULL;
    int rc = sqlite_prep_cached(s,
                                "SELECT incident_id FROM case_incident WHERE case_id = ?1 "
                                "ORDER BY linked_at, incident_id",
                                &db, &st, err);
    if (rc != FC_OK)
        return rc;
    sqlite3_bind_int64(st, 1, case_id);
    return read_rows(db, st, a, sizeof(**out), read_id, (void **)out, n, "list incidents", err);
}

int sqlite_case_location_insert(struct store *s, const struct case_location *l, fc_id_t *out,
                                struct fc_err *err)
{
    sqlite3 *db;
    sqlite3_stmt *st = NULL;
    int rc =
        sqlite_prep_cached(s,
                           "INSERT INTO case_location (case_id, raw, postcode, uprn, lat, lon, "
                           "added_by, added_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                           &db, &st, err);
    if (rc != FC_OK)
        return rc;
    sqlite3_bind_int64(st, 1, l->case_id);
    sqlite_bind_text_copy(st, 2, l->raw);
    sqlite_bind_text_copy(st, 3, l->postcode);
    sqlite_bind_text_copy(st, 4, l->uprn);
    sqlite_bind_double(st, 5, l->lat);
    sqlite_bind_double(st, 6, l->lon);
    sqlite_bind_id(st, 7, l->added_by);
    sqlite3_bind_int64(st, 8, l->added_at);
    rc = sqlite_finish(db, st, "add location", err);
    if (rc == FC_OK)
        *out = sqlite3_last_insert_rowid(db);
    return rc;
}

static void read_location(struct arena *a, sqlite3_stmt *st, void *out)
{
    struct case_location *l = out;
    l->id = sqlite_col_id(st, 0);
    l->case_id = sqlite_col_id(st, 1);
    l->raw = sqlite_col_text(st, 2, a);
    l->postcode = sqlite_col_text(st, 3, a);
    l->uprn = sqlite_col_text(st, 4, a);
    l->lat = sqlite_col_double(st, 5);
    l->lon = sqlite_col_double(st, 6);
    l->added_by = sqlite_col_id(st, 7);
    l->added_at = sqlite_col_id(st, 8);
}

int sqlite_case_location_list(struct store *s, fc_id_t case_id, struct arena *a,
                              struct case_location **out, size_t *n, struct fc_err *err)
{
    sqlite3 *db;
    sqlite3_stmt *st = NULL;
    int rc =
        sqlite_prep_cached(s,
                           "SELECT id, case_id, raw, postcode, uprn, lat, lon, added_by, added_at "
                           "FROM case_location WHERE case_id = ?1 ORDER BY id",
                           &db, &st, err);
    if (rc != FC_OK)
        return rc;
    sqlite3_bind_int64(st, 1, case_id);
    return read_rows(db, st, a, sizeof(**out), read_location, (void **)out, n, "list locations",
                     err);
}

/* ---- action plan ------------------------------------------------------------------ */

#define ACTION_COLS                                                                                \
    "x.id, x.case_id, x.intervention, x.title, x.owner_user_id, x.owner_org_id, "                  \
    "x.subject_person_id, x.due_at, x.status, x.outcome, x.created_by, x.created_at, "             \
    "x.updated_at, x.completed_at"

static void read_action(struct arena *a, sqlite3_stmt *st, void *out)
{
    struct case_action *x = out;
    x->id = sqlite_col_id(st, 0);
    x->case_id = sqlite_col_id(st, 1);
    x->intervention = sqlite_col_text(st, 2, a);
    x->title = sqlite_col_text(st, 3, a);
    x->owner_user_id = sqlite_col_id(st, 4);
    x->owner_org_id = sqlite_col_id(st, 5);
    x->subject_person_id = sqlite_col_id(st, 6);
    x->due_at = sqlite_col_id(st, 7);
    x->status = sqlite_col_text(st, 8, a);
    x->outcome = sqlite_col_text(st, 9, a);
    x->created_by = sqlite_col_id(st, 10);
    x->created_at = sqlite_col_id(st, 11);
    x->updated_at = sqlite_col_id(st, 12);
    x->completed_at = sqlite_col_id(st, 13);
}

int sqlite_case_action_insert(struct store *s, const struct case_action *ac, fc_id_t *out,
                              struct fc_err *err)
{
    sqlite3 *db;
    sqlite3_stmt *st = NULL;
    int rc =
        sqlite_prep_cached(s,
                           "INSERT INTO case_action (case_id, intervention, title, owner_user_id, "
                           "owner_org_id, subject_person_id, due_at, status, outcome, created_by, "
                           "created_at, updated_at, completed_at) "
                           "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?11, ?12)",
                           &db, &st, err);
    if (rc != FC_OK)
        return rc;
    sqlite3_bind_int64(st, 1, ac->case_id);
    sqlite_bind_text_copy(st, 2, ac->intervention);
    sqlite_bind_text_copy(st, 3, ac->title);
    sqlite_bind_id(st, 4, ac->owner_user_id);
    sqlite_bind_id(st, 5, ac->owner_org_id);
    sqlite_bind_id(st, 6, ac->subject_person_id);
    sqlite3_bind_int64(st, 7, ac->due_at);
    sqlite_bind_text_copy(st, 8, ac->status);
    sqlite_bind_text_copy(st, 9, ac->outcome);
    sqlite_bind_id(st, 10, ac->created_by);
    sqlite3_bind_int64(st, 11, ac->created_at);
    sqlite_bind_id(st, 12, ac->completed_at);
    rc = sqlite_finish(db, st, "add action", err);
    if (rc == FC_OK)
        *out = sqlite3_last_insert_rowid(db);
    return rc;
}

int sqlite_case_action_get(struct store *s, fc_id_t id, struct arena *a, struct case_action *out,
                           struct fc_err *err)
{
    sqlite3 *db;
    sqlite3_stmt *st = NULL;
    int rc = sqlite_prep_cached(s, "SELECT " ACTION_COLS " FROM case_action x WHERE x.id = ?1", &db,
                                &st, err);
    if (rc != FC_OK)
        return rc;
    sqlite3_bind_int64(st, 1, id);
    return read_one(db, st, a, read_action, out, "action", err);
}

int sqlite_case_action_update(struct store *s, const struct case_action *ac, struct fc_err *err)
{
    sqlite3 *db;
    sqlite3_stmt *st = NULL;
    int rc =
        sqlite_prep_cached(s,
                           "UPDATE case_action SET status = ?2, outcome = ?3, owner_user_id = ?4, "
                           "owner_org_id = ?5, due_at = ?6, updated_at = ?7, completed_at = ?8 "
                           "WHERE id = ?1",
                           &db, &st, err);
    if (rc != FC_OK)
        return rc;
    sqlite3_bind_int64(st, 1, ac->id);
    sqlite_bind_text_copy(st, 2, ac->status);
    sqlite_bind_text_copy(st, 3, ac->outcome);
    sqlite_bind_id(st, 4, ac->owner_user_id);
    sqlite_bind_id(st, 5, ac->owner_org_id);
    sqlite3_bind_int64(st, 6, ac->due_at);
    sqlite3_bind_int64(st, 7, ac->updated_at);
    sqlite_bind_id(st, 8, ac->completed_at);
    return finish_one(db, st, "update action", FC_ENOTFOUND, err);
}

int sqlite_case_action_search(struct store *s, const struct case_action_query *q, struct arena *a,
                              struct case_action **out, size_t *n, struct fc_err *err)
{
    sqlite3 *db;
    sqlite3_stmt *st = NULL;
    int rc = sqlite_prep_cached(
        s,
        "SELECT " ACTION_COLS " FROM case_action x JOIN asb_case c ON c.id = x.case_id "
        "WHERE (?1 IS NULL OR x.case_id = ?1) AND (?2 IS NULL OR x.owner_user_id = ?2) "
        "AND (?3 IS NULL OR c.lead_org_id = ?3 OR EXISTS (SELECT 1 FROM case_share sh "
        "WHERE sh.case_id = c.id AND sh.org_id = ?3 AND sh.revoked_at IS NULL AND "
        "(sh.expires_at IS NULL OR sh.expires_at > ?5))) "
        "AND (?4 IS NULL OR (x.status IN ('planned', 'in_progress') AND x.due_at < ?4 "
        "AND c.status = 'open')) ORDER BY x.due_at, x.id LIMIT ?6 OFFSET ?7",
        &db, &st, err);
    if (rc != FC_OK)
        return rc;
    sqlite_bind_id(st, 1, q->case_id);
    sqlite_bind_id(st, 2, q->owner_user_id);
    sqlite_bind_id(st, 3, q->visible_to_org_id);
    sqlite_bind_id(st, 4, q->overdue_at);
    sqlite3_bind_int64(st, 5, q->now);
    sqlite3_bind_int64(st, 6, q->limit ? (int64_t)q->limit : 1000);
    sqlite3_bind_int64(st, 7, (int64_t)q->offset);
    return read_rows(db, st, a, sizeof(**out), read_action, (void **)out, n, "search actions", err);
}

/* ---- reviews and escalations ------------------------------------------------------ */

int sqlite_case_review_insert(struct store *s, const struct case_review *r, fc_id_t *out,
                              struct fc_err *err)
{
    sqlite3 *db;
    sqlite3_stmt *st = NULL;
    int rc =
        sqlite_prep_cached(s,
                           "INSERT INTO case_review (case_id, due_at, held_at, held_by, summary, "
                           "next_due_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                           &db, &st, err);
    if (rc != FC_OK)
        return rc;
    sqlite3_bind_int64(st, 1, r->case_id);
    sqlite_bind_id(st, 2, r->due_at);
    sqlite3_bind_int64(st, 3, r->held_at);
    sqlite_bind_id(st, 4, r->held_by);
    sqlite_bind_text_copy(st, 5, r->summary);
    sqlite_bind_id(st, 6, r->next_due_at);
    rc = sqlite_finish(db, st, "record review", err);
    if (rc == FC_OK)
        *out = sqlite3_last_insert_rowid(db);
    return rc;
}

static void read_review(struct arena *a, sqlite3_stmt *st, void *out)
{
    struct case_review *r = out;
    r->id = sqlite_col_id(st, 0);
    r->case_id = sqlite_col_id(st, 1);
    r->due_at = sqlite_col_id(st, 2);
    r->held_at = sqlite_col_id(st, 3);
    r->held_by = sqlite_col_id(st, 4);
    r->summary = sqlite_col_text(st, 5, a);
    r->next_due_at = sqlite_col_id(st, 6);
}

int sqlite_case_review_list(struct store *s, fc_id_t case_id, struct arena *a,
                            struct case_review **out, size_t *n, struct fc_err *err)
{
    sqlite3 *db;
    sqlite3_stmt *st = NULL;
    int rc =
        sqlite_prep_cached(s,
                           "SELECT id, case_id, due_at, held_at, held_by, summary, next_due_at "
                           "FROM case_review WHERE case_id = ?1 ORDER BY held_at, id",
                           &db, &st, err);
    if (rc != FC_OK)
        return rc;
    sqlite3_bind_int64(st, 1, case_id);
    return read_rows(db, st, a, sizeof(**out), read_review, (void **)out, n, "list reviews", err);
}

int sqlite_case_escalation_insert(struct store *s, const struct case_escalation *e,
                                  struct fc_err *err)
{
    sqlite3 *db;
    sqlite3_stmt *st = NULL;
    int rc = sqlite_prep_cached(
        s,
        "INSERT INTO case_escalation (case_id, due_at, escalated_to, escalated_at) "
        "VALUES (?1, ?2, ?3, ?4)",
        &db, &st, err);
    if (rc != FC_OK)
        return rc;
    sqlite3_bind_int64(st, 1, e->case_id);
    sqlite3_bind_int64(st, 2, e->due_at);
    sqlite_bind_id(st, 3, e->escalated_to);
    sqlite3_bind_int64(st, 4, e->escalated_at);
    return sqlite_finish(db, st, "escalate review", err);
}

int sqlite_case_escalation_last(struct store *s, fc_id_t case_id, fc_time_t *out,
                                struct fc_err *err)
{
    sqlite3 *db;
    sqlite3_stmt *st = NULL;
    int rc = sqlite_prep_cached(s, "SELECT max(due_at) FROM case_escalation WHERE case_id = ?1",
                                &db, &st, err);
    if (rc != FC_OK)
        return rc;
    sqlite3_bind_int64(st, 1, case_id);
    rc = sqlite3_step(st);
    *out = rc == SQLITE_ROW ? sqlite_col_id(st, 0) : 0;
    int status = rc == SQLITE_ROW ? FC_OK : sqlite_status(db, rc, "last escalation", err);
    sqlite_stmt_done(st);
    return status;
}

/* ---- timeline --------------------------------------------------------------------- */

int sqlite_case_entry_append(struct store *s, const struct case_entry *e, fc_id_t *out,
                             struct fc_err *err)
{
    sqlite3 *db;
    sqlite3_stmt *st = NULL;
    int rc = sqlite_prep_cached(
        s,
        "INSERT INTO case_entry (case_id, at, actor_user_id, actor_org_id, kind, "
        "summary, body, is_police_only) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        &db, &st, err);
    if (rc != FC_OK)
        return rc;
    sqlite3_bind_int64(st, 1, e->case_id);
    sqlite3_bind_int64(st, 2, e->at);
    sqlite_bind_id(st, 3, e->actor_user_id);
    sqlite_bind_id(st, 4, e->actor_org_id);
    sqlite_bind_text_copy(st, 5, e->kind);
    sqlite_bind_text_copy(st, 6, e->summary);
    sqlite_bind_text_copy(st, 7, e->body);
    sqlite3_bind_int(st, 8, e->is_police_only ? 1 : 0);
    rc = sqlite_finish(db, st, "append to timeline", err);
    if (rc == FC_OK && out != NULL)
        *out = sqlite3_last_insert_rowid(db);
    return rc;
}

static void read_entry(struct arena *a, sqlite3_stmt *st, void *out)
{
    struct case_entry *e = out;
    e->id = sqlite_col_id(st, 0);
    e->case_id = sqlite_col_id(st, 1);
    e->at = sqlite_col_id(st, 2);
    e->actor_user_id = sqlite_col_id(st, 3);
    e->actor_org_id = sqlite_col_id(st, 4);
    e->kind = sqlite_col_text(st, 5, a);
    e->summary = sqlite_col_text(st, 6, a);
    e->body = sqlite_col_text(st, 7, a);
    e->is_police_only = sqlite3_column_int(st, 8) != 0;
}

int sqlite_case_entry_list(struct store *s, fc_id_t case_id, const char *kind, struct arena *a,
                           struct case_entry **out, size_t *n, struct fc_err *err)
{
    sqlite3 *db;
    sqlite3_stmt *st = NULL;
    int rc = sqlite_prep_cached(
        s,
        "SELECT id, case_id, at, actor_user_id, actor_org_id, kind, summary, body, "
        "is_police_only FROM case_entry WHERE case_id = ?1 "
        "AND (?2 IS NULL OR kind = ?2) ORDER BY at, id",
        &db, &st, err);
    if (rc != FC_OK)
        return rc;
    sqlite3_bind_int64(st, 1, case_id);
    sqlite_bind_text_copy(st, 2, kind);
    return read_rows(db, st, a, sizeof(**out), read_entry, (void **)out, n, "list timeline", err);
}

/* ---- partner flag review queue ---------------------------------------------------- */

#define FLAG_REVIEW_COLS                                                                           \
    "id, org_id, submitted_by, external_ref, agency, kind, reason, flagged_at, "                   \
    "review_date, sharing_basis, raw_details, candidates, best_person_id, "                        \
    "best_probability, status, decided_by, decided_at, person_id, flag_id, created_at"

static void read_flag_review(struct arena *a, sqlite3_stmt *st, void *out)
{
    struct flag_review *r = out;
    r->id = sqlite_col_id(st, 0);
    r->org_id = sqlite_col_id(st, 1);
    r->submitted_by = sqlite_col_id(st, 2);
    r->external_ref = sqlite_col_text(st, 3, a);
    r->agency = sqlite_col_text(st, 4, a);
    r->kind = sqlite_col_text(st, 5, a);
    r->reason = sqlite_col_text(st, 6, a);
    r->flagged_at = sqlite_col_id(st, 7);
    r->review_date = sqlite_col_text(st, 8, a);
    r->sharing_basis = sqlite_col_text(st, 9, a);
    r->raw_details = sqlite_col_text(st, 10, a);
    r->candidates = sqlite_col_text(st, 11, a);
    r->best_person_id = sqlite_col_id(st, 12);
    r->best_probability = sqlite3_column_double(st, 13);
    r->status = sqlite_col_text(st, 14, a);
    r->decided_by = sqlite_col_id(st, 15);
    r->decided_at = sqlite_col_id(st, 16);
    r->person_id = sqlite_col_id(st, 17);
    r->flag_id = sqlite_col_id(st, 18);
    r->created_at = sqlite_col_id(st, 19);
}

int sqlite_flag_review_insert(struct store *s, const struct flag_review *r, fc_id_t *out,
                              struct fc_err *err)
{
    sqlite3 *db;
    sqlite3_stmt *st = NULL;
    int rc = sqlite_prep_cached(
        s,
        "INSERT INTO flag_review (org_id, submitted_by, external_ref, agency, kind, "
        "reason, flagged_at, review_date, sharing_basis, raw_details, candidates, "
        "best_person_id, best_probability, status, created_at) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, 'pending', ?14)",
        &db, &st, err);
    if (rc != FC_OK)
        return rc;
    sqlite3_bind_int64(st, 1, r->org_id);
    sqlite_bind_id(st, 2, r->submitted_by);
    sqlite_bind_text_copy(st, 3, r->external_ref);
    sqlite_bind_text_copy(st, 4, r->agency);
    sqlite_bind_text_copy(st, 5, r->kind);
    sqlite_bind_text_copy(st, 6, r->reason);
    sqlite3_bind_int64(st, 7, r->flagged_at);
    sqlite_bind_text_copy(st, 8, r->review_date);
    sqlite_bind_text_copy(st, 9, r->sharing_basis);
    sqlite_bind_text_copy(st, 10, r->raw_details);
    sqlite_bind_text_copy(st, 11, r->candidates);
    sqlite_bind_id(st, 12, r->best_person_id);
    sqlite3_bind_double(st, 13, r->best_probability);
    sqlite3_bind_int64(st, 14, r->created_at);
    rc = sqlite_finish(db, st, "queue flag for review", err);
    if (rc == FC_OK)
        *out = sqlite3_last_insert_rowid(db);
    return rc;
}

int sqlite_flag_review_get(struct store *s, fc_id_t id, struct arena *a, struct flag_review *out,
                           struct fc_err *err)
{
    sqlite3 *db;
    sqlite3_stmt *st = NULL;
    int rc = sqlite_prep_cached(s, "SELECT " FLAG_REVIEW_COLS " FROM flag_review WHERE id = ?1",
                                &db, &st, err);
    if (rc != FC_OK)
        return rc;
    sqlite3_bind_int64(st, 1, id);
    return read_one(db, st, a, read_flag_review, out, "flag review", err);
}

int sqlite_flag_review_list(struct store *s, fc_id_t org_id, const char *status, struct arena *a,
                            struct flag_review **out, size_t *n, struct fc_err *err)
{
    sqlite3 *db;
    sqlite3_stmt *st = NULL;
    int rc = sqlite_prep_cached(s,
                                "SELECT " FLAG_REVIEW_COLS
                                " FROM flag_review WHERE (?1 IS NULL OR org_id = ?1) "
                                "AND (?2 IS NULL OR status = ?2) ORDER BY created_at, id",
                                &db, &st, err);
    if (rc != FC_OK)
        return rc;
    sqlite_bind_id(st, 1, org_id);
    sqlite_bind_text_copy(st, 2, status);
    return read_rows(db, st, a, sizeof(**out), read_flag_review, (void **)out, n,
                     "list flag reviews", err);
}

int sqlite_flag_review_decide(struct store *s, fc_id_t id, const char *status, fc_id_t by,
                              fc_time_t at, fc_id_t person_id, fc_id_t flag_id, struct fc_err *err)
{
    sqlite3 *db;
    sqlite3_stmt *st = NULL;
    int rc =
        sqlite_prep_cached(s,
                           "UPDATE flag_review SET status = ?2, decided_by = ?3, decided_at = ?4, "
                           "person_id = ?5, flag_id = ?6 WHERE id = ?1 AND status = 'pending'",
                           &db, &st, err);
    if (rc != FC_OK)
        return rc;
    sqlite3_bind_int64(st, 1, id);
    sqlite_bind_text_copy(st, 2, status);
    sqlite_bind_id(st, 3, by);
    sqlite3_bind_int64(st, 4, at);
    sqlite_bind_id(st, 5, person_id);
    sqlite_bind_id(st, 6, flag_id);
    return finish_one(db, st, "decide flag review", FC_ECONFLICT, err);
}

int sqlite_case_survey_queue(struct store *s, fc_id_t case_id, fc_id_t incident_id,
                             fc_id_t person_id, fc_time_t at, struct fc_err *err)
{
    sqlite3 *db;
    sqlite3_stmt *st = NULL;
    int rc = sqlite_prep_cached(
        s,
        "INSERT INTO survey_queue (incident_id, person_id, reason, status, queued_at, "
        "case_id) VALUES (?1, ?2, 'case_closed', 'queued', ?3, ?4) "
        "ON CONFLICT DO NOTHING",
        &db, &st, err);
    if (rc != FC_OK)
        return rc;
    sqlite3_bind_int64(st, 1, incident_id);
    sqlite_bind_id(st, 2, person_id);
    sqlite3_bind_int64(st, 3, at);
    sqlite3_bind_int64(st, 4, case_id);
    return sqlite_finish(db, st, "queue survey", err);
}
