/* store/sqlite/sqlite_flag.c: flags on persons (vulnerable, hate_target, ...). */
#include <math.h>
#include <string.h>

#include "store/sqlite/sqlite_internal.h"

#define FLAG_COLS                                                                                  \
    "id, person_id, kind, agency, org_id, reason, flagged_at, review_date, withdrawn_at, "         \
    "sharing_basis, external_ref, raw_details, match_probability"

static void flag_bind(sqlite3_stmt *st, const struct flag *f)
{
    sqlite_bind_id(st, 1, f->id);
    sqlite_bind_id(st, 2, f->person_id);
    sqlite_bind_text(st, 3, f->kind);
    sqlite_bind_text(st, 4, f->agency);
    sqlite_bind_id(st, 5, f->org_id);
    sqlite_bind_text(st, 6, f->reason);
    sqlite3_bind_int64(st, 7, f->flagged_at);
    sqlite_bind_text(st, 8, f->review_date);
    sqlite_bind_id(st, 9, f->withdrawn_at);
    sqlite_bind_text(st, 10, f->sharing_basis);
    sqlite_bind_text(st, 11, f->external_ref);
    sqlite_bind_text(st, 12, f->raw_details);
    /* NaN means "not given": a flag raised by hand is certain */
    sqlite3_bind_double(st, 13, isnan(f->match_probability) ? 1.0 : f->match_probability);
}

int sqlite_flag_insert(struct store *s, const struct flag *f, fc_id_t *out, struct fc_err *err)
{
    struct sqlite_conn *c;
    sqlite3_stmt *st = NULL;
    int rc = sqlite_conn_of(s, &c, err);
    if (rc == FC_OK)
        rc = sqlite_stmt(c, SLOT_FLAG_INSERT,
                         "INSERT INTO flag (" FLAG_COLS ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, "
                         "?8, ?9, ?10, ?11, ?12, ?13)",
                         &st, err);
    if (rc != FC_OK)
        return rc;
    flag_bind(st, f);
    rc = sqlite_exec_stmt(c, st, "flag", err);
    if (rc == FC_EINVAL && err && err->field[0] == '\0') {
        const struct sqlite_ref refs[] = { { "person_id", SLOT_EXISTS_PERSON, f->person_id },
                                           { "org_id", SLOT_EXISTS_ORG, f->org_id } };
        rc = sqlite_ref_explain(c, refs, 2, "flag", err);
    }
    if (rc == FC_OK && out)
        *out = sqlite3_last_insert_rowid(c->db);
    return rc;
}

static int flag_row(sqlite3_stmt *st, struct arena *a, struct flag *f, struct fc_err *err)
{
    memset(f, 0, sizeof(*f));
    f->id = sqlite_col_id(st, 0);
    f->person_id = sqlite_col_id(st, 1);
    f->kind = sqlite_col_text(st, 2, a);
    f->agency = sqlite_col_text(st, 3, a);
    f->org_id = sqlite_col_id(st, 4);
    f->reason = sqlite_col_text(st, 5, a);
    f->flagged_at = sqlite3_column_int64(st, 6);
    f->review_date = sqlite_col_text(st, 7, a);
    f->withdrawn_at = sqlite3_column_int64(st, 8);
    f->sharing_basis = sqlite_col_text(st, 9, a);
    f->external_ref = sqlite_col_text(st, 10, a);
    f->raw_details = sqlite_col_text(st, 11, a);
    f->match_probability = sqlite3_column_double(st, 12);
    if (f->kind == NULL || f->agency == NULL)
        return err_set(err, FC_ENOMEM, "", "out of memory reading a flag");
    return FC_OK;
}

int sqlite_flag_get(struct store *s, fc_id_t id, struct arena *a, struct flag *out,
                    struct fc_err *err)
{
    struct sqlite_conn *c;
    sqlite3_stmt *st = NULL;
    int rc = sqlite_conn_of(s, &c, err);
    if (rc == FC_OK)
        rc =
            sqlite_stmt(c, SLOT_FLAG_GET, "SELECT " FLAG_COLS " FROM flag WHERE id = ?1", &st, err);
    if (rc != FC_OK)
        return rc;
    sqlite3_bind_int64(st, 1, id);
    int src = sqlite3_step(st);
    if (src == SQLITE_ROW)
        rc = flag_row(st, a, out, err);
    else if (src == SQLITE_DONE)
        rc = err_set(err, FC_ENOTFOUND, "id", "flag not found");
    else
        rc = sqlite_status(c->db, src, "flag", err);
    sqlite3_reset(st);
    return rc;
}

int sqlite_flag_update(struct store *s, const struct flag *f, struct fc_err *err)
{
    struct sqlite_conn *c;
    sqlite3_stmt *st = NULL;
    int rc = sqlite_conn_of(s, &c, err);
    if (rc == FC_OK)
        rc = sqlite_stmt(c, SLOT_FLAG_UPDATE,
                         "UPDATE flag SET reason = ?6, review_date = ?8, withdrawn_at = ?9, "
                         "sharing_basis = ?10 WHERE id = ?1",
                         &st, err);
    if (rc != FC_OK)
        return rc;
    flag_bind(st, f); /* binds every column; the statement uses the mutable ones */
    rc = sqlite_exec_stmt(c, st, "flag", err);
    if (rc == FC_OK && sqlite3_changes(c->db) == 0)
        rc = err_set(err, FC_ENOTFOUND, "id", "flag not found");
    return rc;
}

static int flag_collect(struct sqlite_conn *c, sqlite3_stmt *st, struct arena *a, struct flag **out,
                        size_t *n, struct fc_err *err)
{
    size_t cap = 0;
    struct flag *arr = NULL;
    int rc = FC_OK, src;
    while ((src = sqlite3_step(st)) == SQLITE_ROW) {
        arr = sqlite_grow(a, arr, sizeof(*arr), *n, &cap);
        if (arr == NULL) {
            rc = err_set(err, FC_ENOMEM, "", "out of memory listing flags");
            break;
        }
        rc = flag_row(st, a, &arr[*n], err);
        if (rc != FC_OK)
            break;
        (*n)++;
    }
    if (rc == FC_OK && src != SQLITE_DONE)
        rc = sqlite_status(c->db, src, "flag list", err);
    sqlite3_reset(st);
    if (rc != FC_OK) {
        *n = 0;
        return rc;
    }
    *out = arr;
    return FC_OK;
}

int sqlite_flag_list_for_person(struct store *s, fc_id_t person_id, struct arena *a,
                                struct flag **out, size_t *n, struct fc_err *err)
{
    struct sqlite_conn *c;
    sqlite3_stmt *st = NULL;
    *out = NULL;
    *n = 0;
    int rc = sqlite_conn_of(s, &c, err);
    if (rc == FC_OK)
        rc = sqlite_stmt(c, SLOT_FLAG_LIST_FOR_PERSON,
                         "SELECT " FLAG_COLS " FROM flag WHERE person_id = ?1 "
                         "ORDER BY flagged_at, id",
                         &st, err);
    if (rc != FC_OK)
        return rc;
    sqlite3_bind_int64(st, 1, person_id);
    return flag_collect(c, st, a, out, n, err);
}

int sqlite_flag_scan(struct store *s, store_flag_cb cb, void *ctx, struct fc_err *err)
{
    struct sqlite_conn *c;
    sqlite3_stmt *st = NULL;
    struct arena a;
    bool own;
    int rc = sqlite_conn_of(s, &c, err);
    if (rc == FC_OK)
        rc = sqlite_read_begin(c, &own, err);
    if (rc != FC_OK)
        return rc;
    arena_init(&a, 0);
    rc = sqlite_stmt(c, SLOT_FLAG_SCAN, "SELECT " FLAG_COLS " FROM flag ORDER BY id", &st, err);
    if (rc != FC_OK)
        goto out;
    int src;
    while ((src = sqlite3_step(st)) == SQLITE_ROW) {
        struct flag f;
        arena_free(&a);
        rc = flag_row(st, &a, &f, err);
        if (rc == FC_OK)
            rc = cb(ctx, &f);
        if (rc != FC_OK)
            break;
    }
    if (rc == FC_OK && src != SQLITE_DONE)
        rc = sqlite_status(c->db, src, "flag scan", err);
    sqlite3_reset(st);
out:
    arena_free(&a);
    sqlite_read_end(c, own);
    return rc;
}
