/*
 * store/sqlite/sqlite_cases.c: partnership cases on SQLite (migration 0004).
 *
 * DESIGN: statements are prepared per call and finalized before return; case traffic is
 * a few writes per minute, so the statement cache is kept for the hot call path. Optional
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

static int prep(struct store *s, const char *sql, sqlite3 **db, sqlite3_stmt **st,
                struct fc_err *err)
{
    struct sqlite_conn *c;
    int rc = sqlite_conn_get((struct sqlite_store *)s, &c, err);
    if (rc != FC_OK)
        return rc;
    *db = c->db;
    rc = sqlite3_prepare_v2(c->db, sql, -1, st, NULL);
    if (rc != SQLITE_OK)
        return sqlite_status(c->db, rc, "prepare cases statement", err);
    return FC_OK;
}

static void bind_text(sqlite3_stmt *st, int i, const char *v)
{
    if (v == NULL)
        sqlite3_bind_null(st, i);
    else
        sqlite3_bind_text(st, i, v, -1, SQLITE_TRANSIENT);
}

static void bind_id(sqlite3_stmt *st, int i, int64_t v)
{
    if (v == 0)
        sqlite3_bind_null(st, i);
    else
        sqlite3_bind_int64(st, i, v);
}

static void bind_real(sqlite3_stmt *st, int i, double v)
{
    if (isnan(v))
        sqlite3_bind_null(st, i);
    else
        sqlite3_bind_double(st, i, v);
}

static char *col_text(struct arena *a, sqlite3_stmt *st, int i)
{
    const unsigned char *t = sqlite3_column_text(st, i);
    return t ? arena_strdup(a, (const char *)t) : NULL;
}

static int64_t col_id(sqlite3_stmt *st, int i)
{
    return sqlite3_column_type(st, i) == SQLITE_NULL ? 0 : sqlite3_column_int64(st, i);
}

static double col_real(sqlite3_stmt *st, int i)
{
    return sqlite3_column_type(st, i) == SQLITE_NULL ? NAN : sqlite3_column_double(st, i);
}

/* Steps a write to completion, finalizes it and maps the result. */
static int finish(sqlite3 *db, sqlite3_stmt *st, const char *what, struct fc_err *err)
{
    int rc = sqlite3_step(st);
    int status = rc == SQLITE_DONE ? FC_OK : sqlite_status(db, rc, what, err);
    sqlite3_finalize(st);
    return status;
}

/* Steps a write that must change exactly one row; FC_ENOTFOUND (or `none`) otherwise. */
static int finish_one(sqlite3 *db, sqlite3_stmt *st, const char *what, enum fc_status none,
                      struct fc_err *err)
{
    int rc = finish(db, st, what, err);
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
    sqlite3_finalize(st);
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
    sqlite3_finalize(st);
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
    c->id = col_id(st, 0);
    c->ref = col_text(a, st, 1);
    c->title = col_text(a, st, 2);
    c->lead_org_id = col_id(st, 3);
    c->lead_user_id = col_id(st, 4);
    c->status = col_text(a, st, 5);
    c->origin = col_text(a, st, 6);
    c->origin_id = col_id(st, 7);
    c->risk_level = col_text(a, st, 8);
    c->area_code = col_text(a, st, 9);
    c->area_name = col_text(a, st, 10);
    c->sharing_basis = col_text(a, st, 11);
    c->sharing_agreement_ref = col_text(a, st, 12);
    c->review_interval_days = sqlite3_column_int(st, 13);
    c->next_review_due = col_id(st, 14);
    c->trigger_applied_at = col_id(st, 15);
    c->opened_at = col_id(st, 16);
    c->opened_by = col_id(st, 17);
    c->closed_at = col_id(st, 18);
    c->closure_outcome = col_text(a, st, 19);
    c->closure_reason = col_text(a, st, 20);
    c->version = sqlite3_column_int(st, 21);
}

static int case_insert_rows(struct store *s, const struct asb_case *c, fc_id_t *out,
                            struct fc_err *err)
{
    sqlite3 *db;
    sqlite3_stmt *st = NULL;
    int rc = prep(s,
                  "INSERT INTO asb_case (ref, title, lead_org_id, lead_user_id, status, origin, "
                  "origin_id, risk_level, area_code, area_name, sharing_basis, "
                  "sharing_agreement_ref, review_interval_days, next_review_due, "
                  "trigger_applied_at, opened_at, opened_by, closed_at, closure_outcome, "
                  "closure_reason) VALUES (coalesce(?1, 'new-' || hex(randomblob(8))), ?2, ?3, "
                  "?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20)",
                  &db, &st, err);
    if (rc != FC_OK)
        return rc;
    bind_text(st, 1, c->ref);
    bind_text(st, 2, c->title);
    bind_id(st, 3, c->lead_org_id);
    bind_id(st, 4, c->lead_user_id);
    bind_text(st, 5, c->status);
    bind_text(st, 6, c->origin);
    bind_id(st, 7, c->origin_id);
    bind_text(st, 8, c->risk_level);
    bind_text(st, 9, c->area_code);
    bind_text(st, 10, c->area_name);
    bind_text(st, 11, c->sharing_basis);
    bind_text(st, 12, c->sharing_agreement_ref);
    sqlite3_bind_int(st, 13, c->review_interval_days);
    bind_id(st, 14, c->next_review_due);
    bind_id(st, 15, c->trigger_applied_at);
    sqlite3_bind_int64(st, 16, c->opened_at);
    bind_id(st, 17, c->opened_by);
    bind_id(st, 18, c->closed_at);
    bind_text(st, 19, c->closure_outcome);
    bind_text(st, 20, c->closure_reason);
    rc = finish(db, st, "insert case", err);
    if (rc != FC_OK)
        return rc;
    fc_id_t id = sqlite3_last_insert_rowid(db);
    if (c->ref == NULL) {
        rc = prep(s,
                  "UPDATE asb_case SET ref = printf('CASE-%s-%06d', "
                  "strftime('%Y', opened_at, 'unixepoch'), id) WHERE id = ?1",
                  &db, &st, err);
        if (rc != FC_OK)
            return rc;
        sqlite3_bind_int64(st, 1, id);
        rc = finish(db, st, "number case", err);
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
    int rc = prep(s, "SELECT " CASE_COLS " FROM asb_case c WHERE c.id = ?1", &db, &st, err);
    if (rc != FC_OK)
        return rc;
    sqlite3_bind_int64(st, 1, id);
    return read_one(db, st, a, read_case, out, "case", err);
}

int sqlite_case_update(struct store *s, const struct asb_case *c, struct fc_err *err)
{
    sqlite3 *db;
    sqlite3_stmt *st = NULL;
    int rc = prep(s,
                  "UPDATE asb_case SET title = ?2, lead_org_id = ?3, lead_user_id = ?4, "
                  "status = ?5, risk_level = ?6, area_code = ?7, area_name = ?8, "
                  "sharing_basis = ?9, sharing_agreement_ref = ?10, review_interval_days = ?11, "
                  "next_review_due = ?12, closed_at = ?13, closure_outcome = ?14, "
                  "closure_reason = ?15, version = version + 1 WHERE id = ?1 AND version = ?16",
                  &db, &st, err);
    if (rc != FC_OK)
        return rc;
    sqlite3_bind_int64(st, 1, c->id);
    bind_text(st, 2, c->title);
    bind_id(st, 3, c->lead_org_id);
    bind_id(st, 4, c->lead_user_id);
    bind_text(st, 5, c->status);
    bind_text(st, 6, c->risk_level);
    bind_text(st, 7, c->area_code);
    bind_text(st, 8, c->area_name);
    bind_text(st, 9, c->sharing_basis);
    bind_text(st, 10, c->sharing_agreement_ref);
    sqlite3_bind_int(st, 11, c->review_interval_days);
    bind_id(st, 12, c->next_review_due);
    bind_id(st, 13, c->closed_at);
    bind_text(st, 14, c->closure_outcome);
    bind_text(st, 15, c->closure_reason);
    sqlite3_bind_int(st, 16, c->version);
    return finish_one(db, st, "update case", FC_ECONFLICT, err);
}

int sqlite_case_search(struct store *s, const struct case_query *q, struct arena *a,
                       struct asb_case **out, size_t *n, struct fc_err *err)
{
    sqlite3 *db;
    sqlite3_stmt *st = NULL;
    int rc = prep(s,
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
    bind_id(st, 1, q->lead_user_id);
    bind_id(st, 2, q->visible_to_org_id);
    bind_id(st, 3, q->lead_org_id);
    bind_text(st, 4, q->status);
    bind_text(st, 5, q->area_code);
    bind_text(st, 6, q->origin);
    bind_id(st, 7, q->review_due_before);
    sqlite3_bind_int64(st, 8, q->now);
    sqlite3_bind_int64(st, 9, q->limit ? (int64_t)q->limit : 100);
    sqlite3_bind_int64(st, 10, (int64_t)q->offset);
    return read_rows(db, st, a, sizeof(**out), read_case, (void **)out, n, "search cases", err);
}

static void read_id(struct arena *a, sqlite3_stmt *st, void *out)
{
    (void)a;
    *(fc_id_t *)out = col_id(st, 0);
}

int sqlite_case_ids_involving(struct store *s, fc_id_t person_id, fc_id_t incident_id,
                              struct arena *a, fc_id_t **out, size_t *n, struct fc_err *err)
{
    sqlite3 *db;
    sqlite3_stmt *st = NULL;
    int rc = prep(s,
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
    int rc = prep(s,
                  "INSERT INTO case_share (case_id, org_id, level, granted_by, granted_at, "
                  "expires_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                  &db, &st, err);
    if (rc != FC_OK)
        return rc;
    sqlite3_bind_int64(st, 1, sh->case_id);
    sqlite3_bind_int64(st, 2, sh->org_id);
    bind_text(st, 3, sh->level);
    bind_id(st, 4, sh->granted_by);
    sqlite3_bind_int64(st, 5, sh->granted_at);
    bind_id(st, 6, sh->expires_at);
    rc = finish(db, st, "share case", err);
    if (rc == FC_OK)
        *out = sqlite3_last_insert_rowid(db);
    return rc;
}

int sqlite_case_share_revoke(struct store *s, fc_id_t share_id, fc_id_t by, fc_time_t at,
                             struct fc_err *err)
{
    sqlite3 *db;
    sqlite3_stmt *st = NULL;
    int rc = prep(s,
                  "UPDATE case_share SET revoked_at = ?2, revoked_by = ?3 "
                  "WHERE id = ?1 AND revoked_at IS NULL",
                  &db, &st, err);
    if (rc != FC_OK)
        return rc;
    sqlite3_bind_int64(st, 1, share_id);
    sqlite3_bind_int64(st, 2, at);
    bind_id(st, 3, by);
    return finish_one(db, st, "revoke share", FC_ENOTFOUND, err);
}

static void read_share(struct arena *a, sqlite3_stmt *st, void *out)
{
    struct case_share *sh = out;
    sh->id = col_id(st, 0);
    sh->case_id = col_id(st, 1);
    sh->org_id = col_id(st, 2);
    sh->level = col_text(a, st, 3);
    sh->granted_by = col_id(st, 4);
    sh->granted_at = col_id(st, 5);
    sh->expires_at = col_id(st, 6);
    sh->revoked_at = col_id(st, 7);
    sh->revoked_by = col_id(st, 8);
}

int sqlite_case_share_list(struct store *s, fc_id_t case_id, struct arena *a,
                           struct case_share **out, size_t *n, struct fc_err *err)
{
    sqlite3 *db;
    sqlite3_stmt *st = NULL;
    int rc = prep(s,
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
    int rc = prep(s,
                  "INSERT INTO case_party (case_id, person_id, role, match_probability, "
                  "added_by, added_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                  &db, &st, err);
    if (rc != FC_OK)
        return rc;
    sqlite3_bind_int64(st, 1, p->case_id);
    sqlite3_bind_int64(st, 2, p->person_id);
    bind_text(st, 3, p->role);
    sqlite3_bind_double(st, 4, p->match_probability);
    bind_id(st, 5, p->added_by);
    sqlite3_bind_int64(st, 6, p->added_at);
    rc = finish(db, st, "add person to case", err);
    if (rc == FC_OK)
        *out = sqlite3_last_insert_rowid(db);
    return rc;
}

static void read_party(struct arena *a, sqlite3_stmt *st, void *out)
{
    struct case_party *p = out;
    p->id = col_id(st, 0);
    p->case_id = col_id(st, 1);
    p->person_id = col_id(st, 2);
    p->role = col_text(a, st, 3);
    p->match_probability = sqlite3_column_double(st, 4);
    p->added_by = col_id(st, 5);
    p->added_at = col_id(st, 6);
}

int sqlite_case_party_list(struct store *s, fc_id_t case_id, struct arena *a,
                           struct case_party **out, size_t *n, struct fc_err *err)
{
    sqlite3 *db;
    sqlite3_stmt *st = NULL;
    int rc = prep(s,
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
    int rc = prep(s,
                  "INSERT INTO case_incident (case_id, incident_id, linked_by, linked_at) "
                  "VALUES (?1, ?2, ?3, ?4)",
                  &db, &st, err);
    if (rc != FC_OK)
        return rc;
    sqlite3_bind_int64(st, 1, case_id);
    sqlite3_bind_int64(st, 2, incident_id);
    bind_id(st, 3, by);
    sqlite3_bind_int64(st, 4, at);
    return finish(db, st, "link incident", err);
}

int sqlite_case_incident_list(struct store *s, fc_id_t case_id, struct arena *a, fc_id_t **out,
                              size_t *n, struct fc_err *err)
{
    sqlite3 *db;
    sqlite3_stmt *st = NULL;
    int rc = prep(s,
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
    int rc = prep(s,
                  "INSERT INTO case_location (case_id, raw, postcode, uprn, lat, lon, "
                  "added_by, added_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                  &db, &st, err);
    if (rc != FC_OK)
        return rc;
    sqlite3_bind_int64(st, 1, l->case_id);
    bind_text(st, 2, l->raw);
    bind_text(st, 3, l->postcode);
    bind_text(st, 4, l->uprn);
    bind_real(st, 5, l->lat);
    bind_real(st, 6, l->lon);
    bind_id(st, 7, l->added_by);
    sqlite3_bind_int64(st, 8, l->added_at);
    rc = finish(db, st, "add location", err);
    if (rc == FC_OK)
        *out = sqlite3_last_insert_rowid(db);
    return rc;
}

static void read_location(struct arena *a, sqlite3_stmt *st, void *out)
{
    struct case_location *l = out;
    l->id = col_id(st, 0);
    l->case_id = col_id(st, 1);
    l->raw = col_text(a, st, 2);
    l->postcode = col_text(a, st, 3);
    l->uprn = col_text(a, st, 4);
    l->lat = col_real(st, 5);
    l->lon = col_real(st, 6);
    l->added_by = col_id(st, 7);
    l->added_at = col_id(st, 8);
}

int sqlite_case_location_list(struct store *s, fc_id_t case_id, struct arena *a,
                              struct case_location **out, size_t *n, struct fc_err *err)
{
    sqlite3 *db;
    sqlite3_stmt *st = NULL;
    int rc = prep(s,
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
    x->id = col_id(st, 0);
    x->case_id = col_id(st, 1);
    x->intervention = col_text(a, st, 2);
    x->title = col_text(a, st, 3);
    x->owner_user_id = col_id(st, 4);
    x->owner_org_id = col_id(st, 5);
    x->subject_person_id = col_id(st, 6);
    x->due_at = col_id(st, 7);
    x->status = col_text(a, st, 8);
    x->outcome = col_text(a, st, 9);
    x->created_by = col_id(st, 10);
    x->created_at = col_id(st, 11);
    x->updated_at = col_id(st, 12);
    x->completed_at = col_id(st, 13);
}

int sqlite_case_action_insert(struct store *s, const struct case_action *ac, fc_id_t *out,
                              struct fc_err *err)
{
    sqlite3 *db;
    sqlite3_stmt *st = NULL;
    int rc = prep(s,
                  "INSERT INTO case_action (case_id, intervention, title, owner_user_id, "
                  "owner_org_id, subject_person_id, due_at, status, outcome, created_by, "
                  "created_at, updated_at, completed_at) "
                  "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?11, ?12)",
                  &db, &st, err);
    if (rc != FC_OK)
        return rc;
    sqlite3_bind_int64(st, 1, ac->case_id);
    bind_text(st, 2, ac->intervention);
    bind_text(st, 3, ac->title);
    bind_id(st, 4, ac->owner_user_id);
    bind_id(st, 5, ac->owner_org_id);
    bind_id(st, 6, ac->subject_person_id);
    sqlite3_bind_int64(st, 7, ac->due_at);
    bind_text(st, 8, ac->status);
    bind_text(st, 9, ac->outcome);
    bind_id(st, 10, ac->created_by);
    sqlite3_bind_int64(st, 11, ac->created_at);
    bind_id(st, 12, ac->completed_at);
    rc = finish(db, st, "add action", err);
    if (rc == FC_OK)
        *out = sqlite3_last_insert_rowid(db);
    return rc;
}

int sqlite_case_action_get(struct store *s, fc_id_t id, struct arena *a, struct case_action *out,
                           struct fc_err *err)
{
    sqlite3 *db;
    sqlite3_stmt *st = NULL;
    int rc = prep(s, "SELECT " ACTION_COLS " FROM case_action x WHERE x.id = ?1", &db, &st, err);
    if (rc != FC_OK)
        return rc;
    sqlite3_bind_int64(st, 1, id);
    return read_one(db, st, a, read_action, out, "action", err);
}

int sqlite_case_action_update(struct store *s, const struct case_action *ac, struct fc_err *err)
{
    sqlite3 *db;
    sqlite3_stmt *st = NULL;
    int rc = prep(s,
                  "UPDATE case_action SET status = ?2, outcome = ?3, owner_user_id = ?4, "
                  "owner_org_id = ?5, due_at = ?6, updated_at = ?7, completed_at = ?8 "
                  "WHERE id = ?1",
                  &db, &st, err);
    if (rc != FC_OK)
        return rc;
    sqlite3_bind_int64(st, 1, ac->id);
    bind_text(st, 2, ac->status);
    bind_text(st, 3, ac->outcome);
    bind_id(st, 4, ac->owner_user_id);
    bind_id(st, 5, ac->owner_org_id);
    sqlite3_bind_int64(st, 6, ac->due_at);
    sqlite3_bind_int64(st, 7, ac->updated_at);
    bind_id(st, 8, ac->completed_at);
    return finish_one(db, st, "update action", FC_ENOTFOUND, err);
}

int sqlite_case_action_search(struct store *s, const struct case_action_query *q, struct arena *a,
                              struct case_action **out, size_t *n, struct fc_err *err)
{
    sqlite3 *db;
    sqlite3_stmt *st = NULL;
    int rc = prep(s,
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
    bind_id(st, 1, q->case_id);
    bind_id(st, 2, q->owner_user_id);
    bind_id(st, 3, q->visible_to_org_id);
    bind_id(st, 4, q->overdue_at);
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
    int rc = prep(s,
                  "INSERT INTO case_review (case_id, due_at, held_at, held_by, summary, "
                  "next_due_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                  &db, &st, err);
    if (rc != FC_OK)
        return rc;
    sqlite3_bind_int64(st, 1, r->case_id);
    bind_id(st, 2, r->due_at);
    sqlite3_bind_int64(st, 3, r->held_at);
    bind_id(st, 4, r->held_by);
    bind_text(st, 5, r->summary);
    bind_id(st, 6, r->next_due_at);
    rc = finish(db, st, "record review", err);
    if (rc == FC_OK)
        *out = sqlite3_last_insert_rowid(db);
    return rc;
}

static void read_review(struct arena *a, sqlite3_stmt *st, void *out)
{
    struct case_review *r = out;
    r->id = col_id(st, 0);
    r->case_id = col_id(st, 1);
    r->due_at = col_id(st, 2);
    r->held_at = col_id(st, 3);
    r->held_by = col_id(st, 4);
    r->summary = col_text(a, st, 5);
    r->next_due_at = col_id(st, 6);
}

int sqlite_case_review_list(struct store *s, fc_id_t case_id, struct arena *a,
                            struct case_review **out, size_t *n, struct fc_err *err)
{
    sqlite3 *db;
    sqlite3_stmt *st = NULL;
    int rc = prep(s,
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
    int rc = prep(s,
                  "INSERT INTO case_escalation (case_id, due_at, escalated_to, escalated_at) "
                  "VALUES (?1, ?2, ?3, ?4)",
                  &db, &st, err);
    if (rc != FC_OK)
        return rc;
    sqlite3_bind_int64(st, 1, e->case_id);
    sqlite3_bind_int64(st, 2, e->due_at);
    bind_id(st, 3, e->escalated_to);
    sqlite3_bind_int64(st, 4, e->escalated_at);
    return finish(db, st, "escalate review", err);
}

int sqlite_case_escalation_last(struct store *s, fc_id_t case_id, fc_time_t *out,
                                struct fc_err *err)
{
    sqlite3 *db;
    sqlite3_stmt *st = NULL;
    int rc = prep(s, "SELECT max(due_at) FROM case_escalation WHERE case_id = ?1", &db, &st, err);
    if (rc != FC_OK)
        return rc;
    sqlite3_bind_int64(st, 1, case_id);
    rc = sqlite3_step(st);
    *out = rc == SQLITE_ROW ? col_id(st, 0) : 0;
    int status = rc == SQLITE_ROW ? FC_OK : sqlite_status(db, rc, "last escalation", err);
    sqlite3_finalize(st);
    return status;
}

/* ---- timeline --------------------------------------------------------------------- */

int sqlite_case_entry_append(struct store *s, const struct case_entry *e, fc_id_t *out,
                             struct fc_err *err)
{
    sqlite3 *db;
    sqlite3_stmt *st = NULL;
    int rc = prep(s,
                  "INSERT INTO case_entry (case_id, at, actor_user_id, actor_org_id, kind, "
                  "summary, body, is_police_only) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                  &db, &st, err);
    if (rc != FC_OK)
        return rc;
    sqlite3_bind_int64(st, 1, e->case_id);
    sqlite3_bind_int64(st, 2, e->at);
    bind_id(st, 3, e->actor_user_id);
    bind_id(st, 4, e->actor_org_id);
    bind_text(st, 5, e->kind);
    bind_text(st, 6, e->summary);
    bind_text(st, 7, e->body);
    sqlite3_bind_int(st, 8, e->is_police_only ? 1 : 0);
    rc = finish(db, st, "append to timeline", err);
    if (rc == FC_OK && out != NULL)
        *out = sqlite3_last_insert_rowid(db);
    return rc;
}

static void read_entry(struct arena *a, sqlite3_stmt *st, void *out)
{
    struct case_entry *e = out;
    e->id = col_id(st, 0);
    e->case_id = col_id(st, 1);
    e->at = col_id(st, 2);
    e->actor_user_id = col_id(st, 3);
    e->actor_org_id = col_id(st, 4);
    e->kind = col_text(a, st, 5);
    e->summary = col_text(a, st, 6);
    e->body = col_text(a, st, 7);
    e->is_police_only = sqlite3_column_int(st, 8) != 0;
}

int sqlite_case_entry_list(struct store *s, fc_id_t case_id, const char *kind, struct arena *a,
                           struct case_entry **out, size_t *n, struct fc_err *err)
{
    sqlite3 *db;
    sqlite3_stmt *st = NULL;
    int rc = prep(s,
                  "SELECT id, case_id, at, actor_user_id, actor_org_id, kind, summary, body, "
                  "is_police_only FROM case_entry WHERE case_id = ?1 "
                  "AND (?2 IS NULL OR kind = ?2) ORDER BY at, id",
                  &db, &st, err);
    if (rc != FC_OK)
        return rc;
    sqlite3_bind_int64(st, 1, case_id);
    bind_text(st, 2, kind);
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
    r->id = col_id(st, 0);
    r->org_id = col_id(st, 1);
    r->submitted_by = col_id(st, 2);
    r->external_ref = col_text(a, st, 3);
    r->agency = col_text(a, st, 4);
    r->kind = col_text(a, st, 5);
    r->reason = col_text(a, st, 6);
    r->flagged_at = col_id(st, 7);
    r->review_date = col_text(a, st, 8);
    r->sharing_basis = col_text(a, st, 9);
    r->raw_details = col_text(a, st, 10);
    r->candidates = col_text(a, st, 11);
    r->best_person_id = col_id(st, 12);
    r->best_probability = sqlite3_column_double(st, 13);
    r->status = col_text(a, st, 14);
    r->decided_by = col_id(st, 15);
    r->decided_at = col_id(st, 16);
    r->person_id = col_id(st, 17);
    r->flag_id = col_id(st, 18);
    r->created_at = col_id(st, 19);
}

int sqlite_flag_review_insert(struct store *s, const struct flag_review *r, fc_id_t *out,
                              struct fc_err *err)
{
    sqlite3 *db;
    sqlite3_stmt *st = NULL;
    int rc = prep(s,
                  "INSERT INTO flag_review (org_id, submitted_by, external_ref, agency, kind, "
                  "reason, flagged_at, review_date, sharing_basis, raw_details, candidates, "
                  "best_person_id, best_probability, status, created_at) "
                  "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, 'pending', ?14)",
                  &db, &st, err);
    if (rc != FC_OK)
        return rc;
    sqlite3_bind_int64(st, 1, r->org_id);
    bind_id(st, 2, r->submitted_by);
    bind_text(st, 3, r->external_ref);
    bind_text(st, 4, r->agency);
    bind_text(st, 5, r->kind);
    bind_text(st, 6, r->reason);
    sqlite3_bind_int64(st, 7, r->flagged_at);
    bind_text(st, 8, r->review_date);
    bind_text(st, 9, r->sharing_basis);
    bind_text(st, 10, r->raw_details);
    bind_text(st, 11, r->candidates);
    bind_id(st, 12, r->best_person_id);
    sqlite3_bind_double(st, 13, r->best_probability);
    sqlite3_bind_int64(st, 14, r->created_at);
    rc = finish(db, st, "queue flag for review", err);
    if (rc == FC_OK)
        *out = sqlite3_last_insert_rowid(db);
    return rc;
}

int sqlite_flag_review_get(struct store *s, fc_id_t id, struct arena *a, struct flag_review *out,
                           struct fc_err *err)
{
    sqlite3 *db;
    sqlite3_stmt *st = NULL;
    int rc = prep(s, "SELECT " FLAG_REVIEW_COLS " FROM flag_review WHERE id = ?1", &db, &st, err);
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
    int rc = prep(s,
                  "SELECT " FLAG_REVIEW_COLS " FROM flag_review WHERE (?1 IS NULL OR org_id = ?1) "
                  "AND (?2 IS NULL OR status = ?2) ORDER BY created_at, id",
                  &db, &st, err);
    if (rc != FC_OK)
        return rc;
    bind_id(st, 1, org_id);
    bind_text(st, 2, status);
    return read_rows(db, st, a, sizeof(**out), read_flag_review, (void **)out, n,
                     "list flag reviews", err);
}

int sqlite_flag_review_decide(struct store *s, fc_id_t id, const char *status, fc_id_t by,
                              fc_time_t at, fc_id_t person_id, fc_id_t flag_id, struct fc_err *err)
{
    sqlite3 *db;
    sqlite3_stmt *st = NULL;
    int rc = prep(s,
                  "UPDATE flag_review SET status = ?2, decided_by = ?3, decided_at = ?4, "
                  "person_id = ?5, flag_id = ?6 WHERE id = ?1 AND status = 'pending'",
                  &db, &st, err);
    if (rc != FC_OK)
        return rc;
    sqlite3_bind_int64(st, 1, id);
    bind_text(st, 2, status);
    bind_id(st, 3, by);
    sqlite3_bind_int64(st, 4, at);
    bind_id(st, 5, person_id);
    bind_id(st, 6, flag_id);
    return finish_one(db, st, "decide flag review", FC_ECONFLICT, err);
}

int sqlite_case_survey_queue(struct store *s, fc_id_t case_id, fc_id_t incident_id,
                             fc_id_t person_id, fc_time_t at, struct fc_err *err)
{
    sqlite3 *db;
    sqlite3_stmt *st = NULL;
    int rc = prep(s,
                  "INSERT INTO survey_queue (incident_id, person_id, reason, status, queued_at, "
                  "case_id) VALUES (?1, ?2, 'case_closed', 'queued', ?3, ?4) "
                  "ON CONFLICT DO NOTHING",
                  &db, &st, err);
    if (rc != FC_OK)
        return rc;
    sqlite3_bind_int64(st, 1, incident_id);
    bind_id(st, 2, person_id);
    sqlite3_bind_int64(st, 3, at);
    sqlite3_bind_int64(st, 4, case_id);
    return finish(db, st, "queue survey", err);
}
