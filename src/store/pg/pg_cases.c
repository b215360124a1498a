/*
 * store/pg/pg_cases.c: partnership cases on PostgreSQL (migration 0004): the same
 * operations, rows and answers as sqlite_cases.c.
 *
 * DESIGN: every operation is one prepared statement, so each is atomic by itself and none
 * needs a transaction of its own. Optional filters are "($n::type IS NULL OR col = $n)", so
 * each query is one fixed statement. Ids and times of 0 travel as NULL.
 * Concurrency: a case row changes only through case_update, which is optimistic (the
 * version must match; a concurrent writer's commit makes the loser's update touch no row,
 * FC_ECONFLICT). A timeline append first takes the case row's lock (FOR NO KEY UPDATE, which
 * does not block the foreign-key checks of other inserts) and keeps it to the end of the
 * surrounding transaction, so appends to one case serialise across threads and nodes: a
 * case's entry ids follow commit order, and a reader never later finds an entry slipped in
 * before ones it has already seen.
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "store/pg/pg_cases.h"
#include "store/pg/pg_internal.h"

#define LIST_MAX     10000   /* most rows one list call returns, as on SQLite */
#define LIST_MAX_SQL "10001" /* one more, to tell "too many" from "exactly LIST_MAX" */

/* ---- statement helpers ----------------------------------------------------------- */

/* Reads one row into `out`; false when the arena is exhausted. */
typedef bool (*row_reader)(const PGresult *r, int row, struct arena *a, void *out);

/* Copies a text column into the arena; clears *ok when a non-NULL value could not be. */
static char *col_text(const PGresult *r, int row, int col, struct arena *a, bool *ok)
{
    char *s = pg_col_text(r, row, col, a);
    if (s == NULL && !pg_col_null(r, row, col))
        *ok = false;
    return s;
}

/* Runs one prepared statement on the calling thread's connection. */
static int run(struct store *s, enum pg_slot slot, const char *sql, const struct pg_params *p,
               const char *what, PGresult **r, struct fc_err *err)
{
    struct pg_conn *c;
    *r = NULL;
    int rc = pg_conn_of(s, &c, err);
    if (rc != FC_OK)
        return rc;
    return pg_exec(c, slot, sql, p, what, r, err);
}

/* Runs an INSERT ... RETURNING id; *out (may be NULL) gets the id. */
static int insert_id(struct store *s, enum pg_slot slot, const char *sql, const struct pg_params *p,
                     const char *what, fc_id_t *out, struct fc_err *err)
{
    PGresult *r;
    int rc = run(s, slot, sql, p, what, &r, err);
    if (rc == FC_OK && PQntuples(r) != 1)
        rc = err_set(err, FC_EINTERNAL, "", "%s: no id returned", what);
    if (rc == FC_OK && out != NULL)
        *out = pg_col_int(r, 0, 0);
    PQclear(r);
    return rc;
}

/* Runs a write that must change exactly one row; `none` (with SQLite's words) otherwise. */
static int write_one(struct store *s, enum pg_slot slot, const char *sql, const struct pg_params *p,
                     const char *what, enum fc_status none, struct fc_err *err)
{
    PGresult *r;
    int rc = run(s, slot, sql, p, what, &r, err);
    if (rc == FC_OK && strcmp(PQcmdTuples(r), "1") != 0)
        rc = err_set(err, none, "", "%s: %s", what,
                     none == FC_ECONFLICT ? "changed by someone else or already decided"
                                          : "not found");
    PQclear(r);
    return rc;
}

/* Runs a write whose row count does not matter. */
static int write_any(struct store *s, enum pg_slot slot, const char *sql, const struct pg_params *p,
                     const char *what, struct fc_err *err)
{
    PGresult *r;
    int rc = run(s, slot, sql, p, what, &r, err);
    PQclear(r);
    return rc;
}

/* Runs a query and reads every row into an arena array of `size`-byte items. */
static int read_rows(struct store *s, enum pg_slot slot, const char *sql, const struct pg_params *p,
                     struct arena *a, size_t size, row_reader read, void **out, size_t *n,
                     const char *what, struct fc_err *err)
{
    PGresult *r;
    *out = NULL;
    *n = 0;
    int rc = run(s, slot, sql, p, what, &r, err);
    if (rc != FC_OK)
        return rc;
    int rows = PQntuples(r);
    char *items = NULL;
    if (rows > LIST_MAX)
        rc = err_set(err, FC_EINVAL, "limit", "more than %d rows; narrow the query", LIST_MAX);
    else if (rows > 0 && (items = arena_alloc(a, (size_t)rows * size)) == NULL)
        rc = err_set(err, FC_ENOMEM, "", "out of memory: %s", what);
    for (int i = 0; rc == FC_OK && i < rows; i++) {
        if (!read(r, i, a, items + (size_t)i * size))
            rc = err_set(err, FC_ENOMEM, "", "out of memory: %s", what);
    }
    PQclear(r);
    if (rc == FC_OK) {
        *out = items;
        *n = (size_t)rows;
    }
    return rc;
}

/* Runs a query for one row; FC_ENOTFOUND naming "id" when there is none. */
static int read_one(struct store *s, enum pg_slot slot, const char *sql, fc_id_t id,
                    struct arena *a, row_reader read, void *out, const char *what,
                    struct fc_err *err)
{
    PGresult *r;
    struct pg_params p = { 0 };
    pg_param_int(&p, id);
    int rc = run(s, slot, sql, &p, what, &r, err);
    if (rc == FC_OK && PQntuples(r) == 0)
        rc = err_set(err, FC_ENOTFOUND, "id", "%s: not found", what);
    if (rc == FC_OK && !read(r, 0, a, out))
        rc = err_set(err, FC_ENOMEM, "", "out of memory: %s", what);
    PQclear(r);
    return rc;
}

static bool read_id(const PGresult *r, int row, struct arena *a, void *out)
{
    (void)a;
    *(fc_id_t *)out = pg_col_int(r, row, 0);
    return true;
}

/* ---- cases ----------------------------------------------------------------------- */

#define CASE_COLS                                                                                  \
    "c.id, c.ref, c.title, c.lead_org_id, c.lead_user_id, c.status, c.origin, c.origin_id, "       \
    "c.risk_level, c.area_code, c.area_name, c.sharing_basis, c.sharing_agreement_ref, "           \
    "c.review_interval_days, c.next_review_due, c.trigger_applied_at, c.opened_at, "               \
    "c.opened_by, c.closed_at, c.closure_outcome, c.closure_reason, c.version"

static bool read_case(const PGresult *r, int row, struct arena *a, void *out)
{
    struct asb_case *c = out;
    bool ok = true;
    c->id = pg_col_int(r, row, 0);
    c->ref = col_text(r, row, 1, a, &ok);
    c->title = col_text(r, row, 2, a, &ok);
    c->lead_org_id = pg_col_int(r, row, 3);
    c->lead_user_id = pg_col_int(r, row, 4);
    c->status = col_text(r, row, 5, a, &ok);
    c->origin = col_text(r, row, 6, a, &ok);
    c->origin_id = pg_col_int(r, row, 7);
    c->risk_level = col_text(r, row, 8, a, &ok);
    c->area_code = col_text(r, row, 9, a, &ok);
    c->area_name = col_text(r, row, 10, a, &ok);
    c->sharing_basis = col_text(r, row, 11, a, &ok);
    c->sharing_agreement_ref = col_text(r, row, 12, a, &ok);
    c->review_interval_days = (int)pg_col_int(r, row, 13);
    c->next_review_due = pg_col_int(r, row, 14);
    c->trigger_applied_at = pg_col_int(r, row, 15);
    c->opened_at = pg_col_int(r, row, 16);
    c->opened_by = pg_col_int(r, row, 17);
    c->closed_at = pg_col_int(r, row, 18);
    c->closure_outcome = col_text(r, row, 19, a, &ok);
    c->closure_reason = col_text(r, row, 20, a, &ok);
    c->version = (int)pg_col_int(r, row, 21);
    return ok;
}

/*
 * One statement takes the id from the sequence and, for a NULL ref, numbers the case
 * "CASE-<year opened, UTC>-<id, at least six digits>" as the SQLite backend does.
 */
int pg_case_insert(struct store *s, const struct asb_case *c, fc_id_t *out, struct fc_err *err)
{
    struct pg_params p = { 0 };
    pg_param_text(&p, c->ref);
    pg_param_text(&p, c->title);
    pg_param_id(&p, c->lead_org_id);
    pg_param_id(&p, c->lead_user_id);
    pg_param_text(&p, c->status);
    pg_param_text(&p, c->origin);
    pg_param_id(&p, c->origin_id);
    pg_param_text(&p, c->risk_level);
    pg_param_text(&p, c->area_code);
    pg_param_text(&p, c->area_name);
    pg_param_text(&p, c->sharing_basis);
    pg_param_text(&p, c->sharing_agreement_ref);
    pg_param_int(&p, c->review_interval_days);
    pg_param_id(&p, c->next_review_due);
    pg_param_id(&p, c->trigger_applied_at);
    pg_param_int(&p, c->opened_at);
    pg_param_id(&p, c->opened_by);
    pg_param_id(&p, c->closed_at);
    pg_param_text(&p, c->closure_outcome);
    pg_param_text(&p, c->closure_reason);
    return insert_id(
        s, PG_CASE_INSERT,
        "WITH n AS (SELECT nextval('asb_case_id_seq') AS id) "
        "INSERT INTO asb_case (id, ref, title, lead_org_id, lead_user_id, status, origin, "
        "origin_id, risk_level, area_code, area_name, sharing_basis, sharing_agreement_ref, "
        "review_interval_days, next_review_due, trigger_applied_at, opened_at, opened_by, "
        "closed_at, closure_outcome, closure_reason) "
        "SELECT n.id, coalesce($1::text, 'CASE-' || to_char(to_timestamp($16::bigint) AT TIME "
        "ZONE 'UTC', 'YYYY') || '-' || lpad(n.id::text, greatest(6, length(n.id::text)), '0')), "
        "$2::text, $3::bigint, $4::bigint, $5::text, $6::text, $7::bigint, $8::text, $9::text, "
        "$10::text, $11::text, $12::text, $13::integer, $14::bigint, $15::bigint, $16::bigint, "
        "$17::bigint, $18::bigint, $19::text, $20::text FROM n RETURNING id",
        &p, "insert case", out, err);
}

int pg_case_get(struct store *s, fc_id_t id, struct arena *a, struct asb_case *out,
                struct fc_err *err)
{
    return read_one(s, PG_CASE_GET, "SELECT " CASE_COLS " FROM asb_case c WHERE c.id = $1", id, a,
                    read_case, out, "case", err);
}

int pg_case_update(struct store *s, const struct asb_case *c, struct fc_err *err)
{
    struct pg_params p = { 0 };
    pg_param_int(&p, c->id);
    pg_param_text(&p, c->title);
    pg_param_id(&p, c->lead_org_id);
    pg_param_id(&p, c->lead_user_id);
    pg_param_text(&p, c->status);
    pg_param_text(&p, c->risk_level);
    pg_param_text(&p, c->area_code);
    pg_param_text(&p, c->area_name);
    pg_param_text(&p, c->sharing_basis);
    pg_param_text(&p, c->sharing_agreement_ref);
    pg_param_int(&p, c->review_interval_days);
    pg_param_id(&p, c->next_review_due);
    pg_param_id(&p, c->closed_at);
    pg_param_text(&p, c->closure_outcome);
    pg_param_text(&p, c->closure_reason);
    pg_param_int(&p, c->version);
    return write_one(s, PG_CASE_UPDATE,
                     "UPDATE asb_case SET title = $2, lead_org_id = $3, lead_user_id = $4, "
                     "status = $5, risk_level = $6, area_code = $7, area_name = $8, "
                     "sharing_basis = $9, sharing_agreement_ref = $10, "
                     "review_interval_days = $11, next_review_due = $12, closed_at = $13, "
                     "closure_outcome = $14, closure_reason = $15, version = version + 1 "
                     "WHERE id = $1 AND version = $16",
                     &p, "update case", FC_ECONFLICT, err);
}

/* A share "in force" for the visibility filters below: not revoked, not expired at $now. */
#define SHARE_IN_FORCE(org, now)                                                                   \
    "EXISTS (SELECT 1 FROM case_share sh WHERE sh.case_id = c.id AND sh.org_id = " org             \
    " AND sh.revoked_at IS NULL AND (sh.expires_at IS NULL OR sh.expires_at > " now "))"

int pg_case_search(struct store *s, const struct case_query *q, struct arena *a,
                   struct asb_case **out, size_t *n, struct fc_err *err)
{
    struct pg_params p = { 0 };
    pg_param_id(&p, q->lead_user_id);
    pg_param_id(&p, q->visible_to_org_id);
    pg_param_id(&p, q->lead_org_id);
    pg_param_text(&p, q->status);
    pg_param_text(&p, q->area_code);
    pg_param_text(&p, q->origin);
    pg_param_id(&p, q->review_due_before);
    pg_param_int(&p, q->now);
    pg_param_int(&p, q->limit ? (int64_t)q->limit : 100);
    pg_param_int(&p, (int64_t)q->offset);
    return read_rows(s, PG_CASE_SEARCH,
                     "SELECT " CASE_COLS " FROM asb_case c "
                     "WHERE ($1::bigint IS NULL OR c.lead_user_id = $1) "
                     "AND ($2::bigint IS NULL OR c.lead_org_id = $2 OR " SHARE_IN_FORCE(
                         "$2", "$8::bigint") ") "
                                             "AND ($3::bigint IS NULL OR c.lead_org_id = $3) AND "
                                             "($4::text IS NULL OR c.status = $4) "
                                             "AND ($5::text IS NULL OR c.area_code = $5) AND "
                                             "($6::text IS NULL OR c.origin = $6) "
                                             "AND ($7::bigint IS NULL OR (c.status = 'open' AND "
                                             "c.next_review_due < $7)) "
                                             "ORDER BY c.opened_at DESC, c.id DESC LIMIT "
                                             "$9::bigint OFFSET $10::bigint",
                     &p, a, sizeof(**out), read_case, (void **)out, n, "search cases", err);
}

int pg_case_ids_involving(struct store *s, fc_id_t person_id, fc_id_t incident_id, struct arena *a,
                          fc_id_t **out, size_t *n, struct fc_err *err)
{
    struct pg_params p = { 0 };
    pg_param_int(&p, person_id);
    pg_param_int(&p, incident_id);
    return read_rows(s, PG_CASE_IDS_INVOLVING,
                     "SELECT case_id FROM case_party WHERE person_id = $1 UNION "
                     "SELECT case_id FROM case_incident WHERE incident_id = $2 ORDER BY 1 "
                     "LIMIT " LIST_MAX_SQL,
                     &p, a, sizeof(**out), read_id, (void **)out, n, "cases involving", err);
}

/* ---- shares ----------------------------------------------------------------------- */

int pg_case_share_insert(struct store *s, const struct case_share *sh, fc_id_t *out,
                         struct fc_err *err)
{
    struct pg_params p = { 0 };
    pg_param_int(&p, sh->case_id);
    pg_param_int(&p, sh->org_id);
    pg_param_text(&p, sh->level);
    pg_param_id(&p, sh->granted_by);
    pg_param_int(&p, sh->granted_at);
    pg_param_id(&p, sh->expires_at);
    return insert_id(s, PG_CASE_SHARE_INSERT,
                     "INSERT INTO case_share (case_id, org_id, level, granted_by, granted_at, "
                     "expires_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
                     &p, "share case", out, err);
}

int pg_case_share_revoke(struct store *s, fc_id_t share_id, fc_id_t by, fc_time_t at,
                         struct fc_err *err)
{
    struct pg_params p = { 0 };
    pg_param_int(&p, share_id);
    pg_param_int(&p, at);
    pg_param_id(&p, by);
    return write_one(s, PG_CASE_SHARE_REVOKE,
                     "UPDATE case_share SET revoked_at = $2, revoked_by = $3 "
                     "WHERE id = $1 AND revoked_at IS NULL",
                     &p, "revoke share", FC_ENOTFOUND, err);
}

static bool read_share(const PGresult *r, int row, struct arena *a, void *out)
{
    struct case_share *sh = out;
    bool ok = true;
    sh->id = pg_col_int(r, row, 0);
    sh->case_id = pg_col_int(r, row, 1);
    sh->org_id = pg_col_int(r, row, 2);
    sh->level = col_text(r, row, 3, a, &ok);
    sh->granted_by = pg_col_int(r, row, 4);
    sh->granted_at = pg_col_int(r, row, 5);
    sh->expires_at = pg_col_int(r, row, 6);
    sh->revoked_at = pg_col_int(r, row, 7);
    sh->revoked_by = pg_col_int(r, row, 8);
    return ok;
}

int pg_case_share_list(struct store *s, fc_id_t case_id, struct arena *a, struct case_share **out,
                       size_t *n, struct fc_err *err)
{
    struct pg_params p = { 0 };
    pg_param_int(&p, case_id);
    return read_rows(s, PG_CASE_SHARE_LIST,
                     "SELECT id, case_id, org_id, level, granted_by, granted_at, expires_at, "
                     "revoked_at, revoked_by FROM case_share WHERE case_id = $1 ORDER BY id "
                     "LIMIT " LIST_MAX_SQL,
                     &p, a, sizeof(**out), read_share, (void **)out, n, "list shares", err);
}

/* ---- parties, incidents, locations ------------------------------------------------ */

int pg_case_party_insert(struct store *s, const struct case_party *cp, fc_id_t *out,
                         struct fc_err *err)
{
    struct pg_params p = { 0 };
    pg_param_int(&p, cp->case_id);
    pg_param_int(&p, cp->person_id);
    pg_param_text(&p, cp->role);
    pg_param_double(&p, cp->match_probability);
    pg_param_id(&p, cp->added_by);
    pg_param_int(&p, cp->added_at);
    return insert_id(s, PG_CASE_PARTY_INSERT,
                     "INSERT INTO case_party (case_id, person_id, role, match_probability, "
                     "added_by, added_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
                     &p, "add person to case", out, err);
}

static bool read_party(const PGresult *r, int row, struct arena *a, void *out)
{
    struct case_party *cp = out;
    bool ok = true;
    cp->id = pg_col_int(r, row, 0);
    cp->case_id = pg_col_int(r, row, 1);
    cp->person_id = pg_col_int(r, row, 2);
    cp->role = col_text(r, row, 3, a, &ok);
    cp->match_probability = pg_col_double(r, row, 4);
    cp->added_by = pg_col_int(r, row, 5);
    cp->added_at = pg_col_int(r, row, 6);
    return ok;
}

int pg_case_party_list(struct store *s, fc_id_t case_id, struct arena *a, struct case_party **out,
                       size_t *n, struct fc_err *err)
{
    struct pg_params p = { 0 };
    pg_param_int(&p, case_id);
    return read_rows(s, PG_CASE_PARTY_LIST,
                     "SELECT id, case_id, person_id, role, match_probability, added_by, added_at "
                     "FROM case_party WHERE case_id = $1 ORDER BY id LIMIT " LIST_MAX_SQL,
                     &p, a, sizeof(**out), read_party, (void **)out, n, "list persons", err);
}

int pg_case_incident_link(struct store *s, fc_id_t case_id, fc_id_t incident_id, fc_id_t by,
                          fc_time_t at, struct fc_err *err)
{
    struct pg_params p = { 0 };
    pg_param_int(&p, case_id);
    pg_param_int(&p, incident_id);
    pg_param_id(&p, by);
    pg_param_int(&p, at);
    return write_any(s, PG_CASE_INCIDENT_LINK,
                     "INSERT INTO case_incident (case_id, incident_id, linked_by, linked_at) "
                     "VALUES ($1, $2, $3, $4)",
                     &p, "link incident", err);
}

int pg_case_incident_list(struct store *s, fc_id_t case_id, struct arena *a, fc_id_t **out,
                          size_t *n, struct fc_err *err)
{
    struct pg_params p = { 0 };
    pg_param_int(&p, case_id);
    return read_rows(s, PG_CASE_INCIDENT_LIST,
                     "SELECT incident_id FROM case_incident WHERE case_id = $1 "
                     "ORDER BY linked_at, incident_id LIMIT " LIST_MAX_SQL,
                     &p, a, sizeof(**out), read_id, (void **)out, n, "list incidents", err);
}

int pg_case_location_insert(struct store *s, const struct case_location *l, fc_id_t *out,
                            struct fc_err *err)
{
    struct pg_params p = { 0 };
    pg_param_int(&p, l->case_id);
    pg_param_text(&p, l->raw);
    pg_param_text(&p, l->postcode);
    pg_param_text(&p, l->uprn);
    pg_param_double(&p, l->lat);
    pg_param_double(&p, l->lon);
    pg_param_id(&p, l->added_by);
    pg_param_int(&p, l->added_at);
    return insert_id(s, PG_CASE_LOCATION_INSERT,
                     "INSERT INTO case_location (case_id, raw, postcode, uprn, lat, lon, "
                     "added_by, added_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
                     &p, "add location", out, err);
}

static bool read_location(const PGresult *r, int row, struct arena *a, void *out)
{
    struct case_location *l = out;
    bool ok = true;
    l->id = pg_col_int(r, row, 0);
    l->case_id = pg_col_int(r, row, 1);
    l->raw = col_text(r, row, 2, a, &ok);
    l->postcode = col_text(r, row, 3, a, &ok);
    l->uprn = col_text(r, row, 4, a, &ok);
    l->lat = pg_col_double(r, row, 5);
    l->lon = pg_col_double(r, row, 6);
    l->added_by = pg_col_int(r, row, 7);
    l->added_at = pg_col_int(r, row, 8);
    return ok;
}

int pg_case_location_list(struct store *s, fc_id_t case_id, struct arena *a,
                          struct case_location **out, size_t *n, struct fc_err *err)
{
    struct pg_params p = { 0 };
    pg_param_int(&p, case_id);
    return read_rows(s, PG_CASE_LOCATION_LIST,
                     "SELECT id, case_id, raw, postcode, uprn, lat, lon, added_by, added_at "
                     "FROM case_location WHERE case_id = $1 ORDER BY id LIMIT " LIST_MAX_SQL,
                     &p, a, sizeof(**out), read_location, (void **)out, n, "list locations", err);
}

/* ---- action plan ------------------------------------------------------------------ */

#define ACTION_COLS                                                                                \
    "x.id, x.case_id, x.intervention, x.title, x.owner_user_id, x.owner_org_id, "                  \
    "x.subject_person_id, x.due_at, x.status, x.outcome, x.created_by, x.created_at, "             \
    "x.updated_at, x.completed_at"

static bool read_action(const PGresult *r, int row, struct arena *a, void *out)
{
    struct case_action *x = out;
    bool ok = true;
    x->id = pg_col_int(r, row, 0);
    x->case_id = pg_col_int(r, row, 1);
    x->intervention = col_text(r, row, 2, a, &ok);
    x->title = col_text(r, row, 3, a, &ok);
    x->owner_user_id = pg_col_int(r, row, 4);
    x->owner_org_id = pg_col_int(r, row, 5);
    x->subject_person_id = pg_col_int(r, row, 6);
    x->due_at = pg_col_int(r, row, 7);
    x->status = col_text(r, row, 8, a, &ok);
    x->outcome = col_text(r, row, 9, a, &ok);
    x->created_by = pg_col_int(r, row, 10);
    x->created_at = pg_col_int(r, row, 11);
    x->updated_at = pg_col_int(r, row, 12);
    x->completed_at = pg_col_int(r, row, 13);
    return ok;
}

int pg_case_action_insert(struct store *s, const struct case_action *ac, fc_id_t *out,
                          struct fc_err *err)
{
    struct pg_params p = { 0 };
    pg_param_int(&p, ac->case_id);
    pg_param_text(&p, ac->intervention);
    pg_param_text(&p, ac->title);
    pg_param_id(&p, ac->owner_user_id);
    pg_param_id(&p, ac->owner_org_id);
    pg_param_id(&p, ac->subject_person_id);
    pg_param_int(&p, ac->due_at);
    pg_param_text(&p, ac->status);
    pg_param_text(&p, ac->outcome);
    pg_param_id(&p, ac->created_by);
    pg_param_int(&p, ac->created_at);
    pg_param_id(&p, ac->completed_at);
    return insert_id(s, PG_CASE_ACTION_INSERT,
                     "INSERT INTO case_action (case_id, intervention, title, owner_user_id, "
                     "owner_org_id, subject_person_id, due_at, status, outcome, created_by, "
                     "created_at, updated_at, completed_at) "
                     "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11, $12) "
                     "RETURNING id",
                     &p, "add action", out, err);
}

int pg_case_action_get(struct store *s, fc_id_t id, struct arena *a, struct case_action *out,
                       struct fc_err *err)
{
    return read_one(s, PG_CASE_ACTION_GET,
                    "SELECT " ACTION_COLS " FROM case_action x WHERE x.id = $1", id, a, read_action,
                    out, "action", err);
}

int pg_case_action_update(struct store *s, const struct case_action *ac, struct fc_err *err)
{
    struct pg_params p = { 0 };
    pg_param_int(&p, ac->id);
    pg_param_text(&p, ac->status);
    pg_param_text(&p, ac->outcome);
    pg_param_id(&p, ac->owner_user_id);
    pg_param_id(&p, ac->owner_org_id);
    pg_param_int(&p, ac->due_at);
    pg_param_int(&p, ac->updated_at);
    pg_param_id(&p, ac->completed_at);
    return write_one(s, PG_CASE_ACTION_UPDATE,
                     "UPDATE case_action SET status = $2, outcome = $3, owner_user_id = $4, "
                     "owner_org_id = $5, due_at = $6, updated_at = $7, completed_at = $8 "
                     "WHERE id = $1",
                     &p, "update action", FC_ENOTFOUND, err);
}

int pg_case_action_search(struct store *s, const struct case_action_query *q, struct arena *a,
                          struct case_action **out, size_t *n, struct fc_err *err)
{
    struct pg_params p = { 0 };
    pg_param_id(&p, q->case_id);
    pg_param_id(&p, q->owner_user_id);
    pg_param_id(&p, q->visible_to_org_id);
    pg_param_id(&p, q->overdue_at);
    pg_param_int(&p, q->now);
    pg_param_int(&p, q->limit ? (int64_t)q->limit : 1000);
    pg_param_int(&p, (int64_t)q->offset);
    return read_rows(s, PG_CASE_ACTION_SEARCH,
                     "SELECT " ACTION_COLS
                     " FROM case_action x JOIN asb_case c ON c.id = x.case_id "
                     "WHERE ($1::bigint IS NULL OR x.case_id = $1) "
                     "AND ($2::bigint IS NULL OR x.owner_user_id = $2) "
                     "AND ($3::bigint IS NULL OR c.lead_org_id = $3 OR " SHARE_IN_FORCE(
                         "$3", "$5::bigint") ") "
                                             "AND ($4::bigint IS NULL OR (x.status IN ('planned', "
                                             "'in_progress') AND x.due_at < $4 "
                                             "AND c.status = 'open')) ORDER BY x.due_at, x.id "
                                             "LIMIT $6::bigint OFFSET $7::bigint",
                     &p, a, sizeof(**out), read_action, (void **)out, n, "search actions", err);
}

/* ---- reviews and escalations ------------------------------------------------------ */

int pg_case_review_insert(struct store *s, const struct case_review *rv, fc_id_t *out,
                          struct fc_err *err)
{
    struct pg_params p = { 0 };
    pg_param_int(&p, rv->case_id);
    pg_param_id(&p, rv->due_at);
    pg_param_int(&p, rv->held_at);
    pg_param_id(&p, rv->held_by);
    pg_param_text(&p, rv->summary);
    pg_param_id(&p, rv->next_due_at);
    return insert_id(s, PG_CASE_REVIEW_INSERT,
                     "INSERT INTO case_review (case_id, due_at, held_at, held_by, summary, "
                     "next_due_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
                     &p, "record review", out, err);
}

static bool read_review(const PGresult *r, int row, struct arena *a, void *out)
{
    struct case_review *rv = out;
    bool ok = true;
    rv->id = pg_col_int(r, row, 0);
    rv->case_id = pg_col_int(r, row, 1);
    rv->due_at = pg_col_int(r, row, 2);
    rv->held_at = pg_col_int(r, row, 3);
    rv->held_by = pg_col_int(r, row, 4);
    rv->summary = col_text(r, row, 5, a, &ok);
    rv->next_due_at = pg_col_int(r, row, 6);
    return ok;
}

int pg_case_review_list(struct store *s, fc_id_t case_id, struct arena *a, struct case_review **out,
                        size_t *n, struct fc_err *err)
{
    struct pg_params p = { 0 };
    pg_param_int(&p, case_id);
    return read_rows(s, PG_CASE_REVIEW_LIST,
                     "SELECT id, case_id, due_at, held_at, held_by, summary, next_due_at "
                     "FROM case_review WHERE case_id = $1 ORDER BY held_at, id "
                     "LIMIT " LIST_MAX_SQL,
                     &p, a, sizeof(**out), read_review, (void **)out, n, "list reviews", err);
}

int pg_case_escalation_insert(struct store *s, const struct case_escalation *e, struct fc_err *err)
{
    struct pg_params p = { 0 };
    pg_param_int(&p, e->case_id);
    pg_param_int(&p, e->due_at);
    pg_param_id(&p, e->escalated_to);
    pg_param_int(&p, e->escalated_at);
    return write_any(s, PG_CASE_ESCALATION_INSERT,
                     "INSERT INTO case_escalation (case_id, due_at, escalated_to, escalated_at) "
                     "VALUES ($1, $2, $3, $4)",
                     &p, "escalate review", err);
}

int pg_case_escalation_last(struct store *s, fc_id_t case_id, fc_time_t *out, struct fc_err *err)
{
    PGresult *r;
    struct pg_params p = { 0 };
    pg_param_int(&p, case_id);
    *out = 0;
    int rc = run(s, PG_CASE_ESCALATION_LAST,
                 "SELECT max(due_at) FROM case_escalation WHERE case_id = $1", &p,
                 "last escalation", &r, err);
    if (rc == FC_OK && PQntuples(r) == 1)
        *out = pg_col_int(r, 0, 0); /* NULL (none): 0 */
    PQclear(r);
    return rc;
}

/* ---- timeline --------------------------------------------------------------------- */

/*
 * The lock on the case row is taken before the id is drawn (the join runs before the
 * insert's target list, which calls nextval), and referencing l.id keeps the planner from
 * dropping the join. A missing case is left to the foreign key, which names case_id.
 */
int pg_case_entry_append(struct store *s, const struct case_entry *e, fc_id_t *out,
                         struct fc_err *err)
{
    struct pg_params p = { 0 };
    pg_param_int(&p, e->case_id);
    pg_param_int(&p, e->at);
    pg_param_id(&p, e->actor_user_id);
    pg_param_id(&p, e->actor_org_id);
    pg_param_text(&p, e->kind);
    pg_param_text(&p, e->summary);
    pg_param_text(&p, e->body);
    pg_param_int(&p, e->is_police_only ? 1 : 0);
    return insert_id(
        s, PG_CASE_ENTRY_APPEND,
        "INSERT INTO case_entry (case_id, at, actor_user_id, actor_org_id, kind, summary, "
        "body, is_police_only) "
        "SELECT coalesce(l.id, $1::bigint), $2::bigint, $3::bigint, $4::bigint, $5::text, "
        "$6::text, $7::text, $8::integer FROM (SELECT 1) AS one LEFT JOIN "
        "(SELECT id FROM asb_case WHERE id = $1::bigint FOR NO KEY UPDATE) AS l ON true "
        "RETURNING id",
        &p, "append to timeline", out, err);
}

static bool read_entry(const PGresult *r, int row, struct arena *a, void *out)
{
    struct case_entry *e = out;
    bool ok = true;
    e->id = pg_col_int(r, row, 0);
    e->case_id = pg_col_int(r, row, 1);
    e->at = pg_col_int(r, row, 2);
    e->actor_user_id = pg_col_int(r, row, 3);
    e->actor_org_id = pg_col_int(r, row, 4);
    e->kind = col_text(r, row, 5, a, &ok);
    e->summary = col_text(r, row, 6, a, &ok);
    e->body = col_text(r, row, 7, a, &ok);
    e->is_police_only = pg_col_int(r, row, 8) != 0;
    return ok;
}

int pg_case_entry_list(struct store *s, fc_id_t case_id, const char *kind, struct arena *a,
                       struct case_entry **out, size_t *n, struct fc_err *err)
{
    struct pg_params p = { 0 };
    pg_param_int(&p, case_id);
    pg_param_text(&p, kind);
    return read_rows(s, PG_CASE_ENTRY_LIST,
                     "SELECT id, case_id, at, actor_user_id, actor_org_id, kind, summary, body, "
                     "is_police_only FROM case_entry WHERE case_id = $1 "
                     "AND ($2::text IS NULL OR kind = $2) ORDER BY at, id LIMIT " LIST_MAX_SQL,
                     &p, a, sizeof(**out), read_entry, (void **)out, n, "list timeline", err);
}

/* ---- partner flag review queue ---------------------------------------------------- */

#define FLAG_REVIEW_COLS                                                                           \
    "id, org_id, submitted_by, external_ref, agency, kind, reason, flagged_at, "                   \
    "review_date, sharing_basis, raw_details, candidates, best_person_id, "                        \
    "best_probability, status, decided_by, decided_at, person_id, flag_id, created_at"

static bool read_flag_review(const PGresult *r, int row, struct arena *a, void *out)
{
    struct flag_review *fr = out;
    bool ok = true;
    fr->id = pg_col_int(r, row, 0);
    fr->org_id = pg_col_int(r, row, 1);
    fr->submitted_by = pg_col_int(r, row, 2);
    fr->external_ref = col_text(r, row, 3, a, &ok);
    fr->agency = col_text(r, row, 4, a, &ok);
    fr->kind = col_text(r, row, 5, a, &ok);
    fr->reason = col_text(r, row, 6, a, &ok);
    fr->flagged_at = pg_col_int(r, row, 7);
    fr->review_date = col_text(r, row, 8, a, &ok);
    fr->sharing_basis = col_text(r, row, 9, a, &ok);
    fr->raw_details = col_text(r, row, 10, a, &ok);
    fr->candidates = col_text(r, row, 11, a, &ok);
    fr->best_person_id = pg_col_int(r, row, 12);
    /* as SQLite reads it: a missing probability is 0 */
    fr->best_probability = pg_col_null(r, row, 13) ? 0.0 : pg_col_double(r, row, 13);
    fr->status = col_text(r, row, 14, a, &ok);
    fr->decided_by = pg_col_int(r, row, 15);
    fr->decided_at = pg_col_int(r, row, 16);
    fr->person_id = pg_col_int(r, row, 17);
    fr->flag_id = pg_col_int(r, row, 18);
    fr->created_at = pg_col_int(r, row, 19);
    return ok;
}

int pg_flag_review_insert(struct store *s, const struct flag_review *fr, fc_id_t *out,
                          struct fc_err *err)
{
    struct pg_params p = { 0 };
    pg_param_int(&p, fr->org_id);
    pg_param_id(&p, fr->submitted_by);
    pg_param_text(&p, fr->external_ref);
    pg_param_text(&p, fr->agency);
    pg_param_text(&p, fr->kind);
    pg_param_text(&p, fr->reason);
    pg_param_int(&p, fr->flagged_at);
    pg_param_text(&p, fr->review_date);
    pg_param_text(&p, fr->sharing_basis);
    pg_param_text(&p, fr->raw_details);
    pg_param_text(&p, fr->candidates);
    pg_param_id(&p, fr->best_person_id);
    pg_param_double(&p, fr->best_probability);
    pg_param_int(&p, fr->created_at);
    return insert_id(
        s, PG_FLAG_REVIEW_INSERT,
        "INSERT INTO flag_review (org_id, submitted_by, external_ref, agency, kind, reason, "
        "flagged_at, review_date, sharing_basis, raw_details, candidates, best_person_id, "
        "best_probability, status, created_at) "
        "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, 'pending', $14) "
        "RETURNING id",
        &p, "queue flag for review", out, err);
}

int pg_flag_review_get(struct store *s, fc_id_t id, struct arena *a, struct flag_review *out,
                       struct fc_err *err)
{
    return read_one(s, PG_FLAG_REVIEW_GET,
                    "SELECT " FLAG_REVIEW_COLS " FROM flag_review WHERE id = $1", id, a,
                    read_flag_review, out, "flag review", err);
}

int pg_flag_review_list(struct store *s, fc_id_t org_id, const char *status, struct arena *a,
                        struct flag_review **out, size_t *n, struct fc_err *err)
{
    struct pg_params p = { 0 };
    pg_param_id(&p, org_id);
    pg_param_text(&p, status);
    return read_rows(s, PG_FLAG_REVIEW_LIST,
                     "SELECT " FLAG_REVIEW_COLS " FROM flag_review "
                     "WHERE ($1::bigint IS NULL OR org_id = $1) "
                     "AND ($2::text IS NULL OR status = $2) ORDER BY created_at, id "
                     "LIMIT " LIST_MAX_SQL,
                     &p, a, sizeof(**out), read_flag_review, (void **)out, n, "list flag reviews",
                     err);
}

int pg_flag_review_decide(struct store *s, fc_id_t id, const char *status, fc_id_t by, fc_time_t at,
                          fc_id_t person_id, fc_id_t flag_id, struct fc_err *err)
{
    struct pg_params p = { 0 };
    pg_param_int(&p, id);
    pg_param_text(&p, status);
    pg_param_id(&p, by);
    pg_param_int(&p, at);
    pg_param_id(&p, person_id);
    pg_param_id(&p, flag_id);
    return write_one(s, PG_FLAG_REVIEW_DECIDE,
                     "UPDATE flag_review SET status = $2, decided_by = $3, decided_at = $4, "
                     "person_id = $5, flag_id = $6 WHERE id = $1 AND status = 'pending'",
                     &p, "decide flag review", FC_ECONFLICT, err);
}

int pg_case_survey_queue(struct store *s, fc_id_t case_id, fc_id_t incident_id, fc_id_t person_id,
                         fc_time_t at, struct fc_err *err)
{
    struct pg_params p = { 0 };
    pg_param_int(&p, incident_id);
    pg_param_id(&p, person_id);
    pg_param_int(&p, at);
    pg_param_int(&p, case_id);
    return write_any(s, PG_CASE_SURVEY_QUEUE,
                     "INSERT INTO survey_queue (incident_id, person_id, reason, status, "
                     "queued_at, case_id) VALUES ($1, $2, 'case_closed', 'queued', $3, $4) "
                     "ON CONFLICT DO NOTHING",
                     &p, "queue survey", err);
}
