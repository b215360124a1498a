/* store/pg/pg_flag.c: flags (vulnerability and other markers) on PostgreSQL. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "store/pg/pg_internal.h"

#define FLAG_COLS                                                                                  \
    "id, person_id, kind, agency, org_id, reason, flagged_at, review_date, withdrawn_at, "         \
    "sharing_basis, external_ref, raw_details, match_probability"

static void flag_params(struct pg_params *p, const struct flag *f)
{
    pg_param_id(p, f->id);
    pg_param_id(p, f->person_id);
    pg_param_text(p, f->kind);
    pg_param_text(p, f->agency);
    pg_param_id(p, f->org_id);
    pg_param_text(p, f->reason);
    pg_param_int(p, f->flagged_at);
    pg_param_text(p, f->review_date);
    pg_param_id(p, f->withdrawn_at);
    pg_param_text(p, f->sharing_basis);
    pg_param_text(p, f->external_ref);
    pg_param_text(p, f->raw_details);
    /* NaN means "not given": a flag raised by hand is certain */
    pg_param_double(p, isnan(f->match_probability) ? 1.0 : f->match_probability);
}

int pg_flag_insert(struct store *s, const struct flag *f, fc_id_t *out, struct fc_err *err)
{
    struct pg_conn *c;
    PGresult *r = NULL;
    int rc = pg_conn_of(s, &c, err);
    if (rc != FC_OK)
        return rc;
    struct pg_params p = { 0 };
    flag_params(&p, f);
    rc = pg_exec(c, PG_FLAG_INSERT,
                 "INSERT INTO flag (" FLAG_COLS ") VALUES "
                 "(coalesce($1::bigint, nextval('flag_id_seq')), $2, $3, $4, $5, $6, $7, $8, $9, "
                 "$10, $11, $12, $13) RETURNING id",
                 &p, "flag", &r, err);
    if (rc == FC_OK && f->id != 0)
        rc = pg_seq_bump(c, "flag", f->id, err);
    if (rc == FC_OK && out)
        *out = pg_col_int(r, 0, 0);
    PQclear(r);
    return rc;
}

static int flag_row(const PGresult *r, int i, struct arena *a, struct flag *f,
                    struct fc_err *err)
{
    memset(f, 0, sizeof(*f));
    f->id = pg_col_int(r, i, 0);
    f->person_id = pg_col_int(r, i, 1);
    f->kind = pg_col_text(r, i, 2, a);
    f->agency = pg_col_text(r, i, 3, a);
    f->org_id = pg_col_int(r, i, 4);
    f->reason = pg_col_text(r, i, 5, a);
    f->flagged_at = pg_col_int(r, i, 6);
    f->review_date = pg_col_text(r, i, 7, a);
    f->withdrawn_at = pg_col_int(r, i, 8);
    f->sharing_basis = pg_col_text(r, i, 9, a);
    f->external_ref = pg_col_text(r, i, 10, a);
    f->raw_details = pg_col_text(r, i, 11, a);
    f->match_probability = pg_col_double(r, i, 12);
    if (f->kind == NULL || f->agency == NULL)
        return err_set(err, FC_ENOMEM, "", "out of memory reading a flag");
    return FC_OK;
}

static int flag_rows(const PGresult *r, struct arena *a, struct flag *out, int rows,
                     struct fc_err *err)
{
    int rc = FC_OK;
    for (int i = 0; rc == FC_OK && i < rows; i++)
        rc = flag_row(r, i, a, &out[i], err);
    return rc;
}

int pg_flag_get(struct store *s, fc_id_t id, struct arena *a, struct flag *out,
                struct fc_err *err)
{
    struct pg_conn *c;
    PGresult *r = NULL;
    int rc = pg_conn_of(s, &c, err);
    if (rc != FC_OK)
        return rc;
    struct pg_params p = { 0 };
    pg_param_int(&p, id);
    rc = pg_exec(c, PG_FLAG_GET, "SELECT " FLAG_COLS " FROM flag WHERE id = $1", &p, "flag", &r,
                 err);
    if (rc == FC_OK && PQntuples(r) == 0)
        rc = err_set(err, FC_ENOTFOUND, "id", "flag not found");
    if (rc == FC_OK)
        rc = flag_rows(r, a, out, 1, err);
    PQclear(r);
    return rc;
}

int pg_flag_update(struct store *s, const struct flag *f, struct fc_err *err)
{
    struct pg_conn *c;
    PGresult *r = NULL;
    int rc = pg_conn_of(s, &c, err);
    if (rc != FC_OK)
        return rc;
    struct pg_params p = { 0 };
    pg_param_int(&p, f->id);
    pg_param_text(&p, f->reason);
    pg_param_text(&p, f->review_date);
    pg_param_id(&p, f->withdrawn_at);
    pg_param_text(&p, f->sharing_basis);
    rc = pg_exec(c, PG_FLAG_UPDATE,
                 "UPDATE flag SET reason = $2, review_date = $3, withdrawn_at = $4, "
                 "sharing_basis = $5 WHERE id = $1",
                 &p, "flag", &r, err);
    if (rc == FC_OK && strcmp(PQcmdTuples(r), "0") == 0)
        rc = err_set(err, FC_ENOTFOUND, "id", "flag not found");
    PQclear(r);
    return rc;
}

int pg_flag_list_for_person(struct store *s, fc_id_t person_id, struct arena *a,
                            struct flag **out, size_t *n, struct fc_err *err)
{
    struct pg_conn *c;
    PGresult *r = NULL;
    *out = NULL;
    *n = 0;
    int rc = pg_conn_of(s, &c, err);
    if (rc != FC_OK)
        return rc;
    struct pg_params p = { 0 };
    pg_param_int(&p, person_id);
    rc = pg_exec(c, PG_FLAG_LIST,
                 "SELECT " FLAG_COLS " FROM flag WHERE person_id = $1 ORDER BY flagged_at, id", &p,
                 "flag list", &r, err);
    if (rc != FC_OK)
        return rc;
    int rows = PQntuples(r);
    struct flag *arr = arena_alloc(a, (size_t)(rows ? rows : 1) * sizeof(*arr));
    if (arr == NULL)
        rc = err_set(err, FC_ENOMEM, "", "out of memory listing flags");
    else
        rc = flag_rows(r, a, arr, rows, err);
    PQclear(r);
    if (rc == FC_OK) {
        *out = arr;
        *n = (size_t)rows;
    }
    return rc;
}

int pg_flag_scan(struct store *s, store_flag_cb cb, void *ctx, struct fc_err *err)
{
    struct pg_conn *c;
    struct arena a;
    int rc = pg_conn_of(s, &c, err);
    if (rc != FC_OK)
        return rc;
    bool own;
    rc = pg_read_begin(c, &own, err);
    if (rc != FC_OK)
        return rc;
    rc = pg_exec_simple(c,
                        "DECLARE fc_scan_flag NO SCROLL CURSOR FOR SELECT " FLAG_COLS
                        " FROM flag ORDER BY id",
                        "flag scan", err);
    arena_init(&a, 0);
    bool more = rc == FC_OK;
    while (rc == FC_OK && more) {
        PGresult *r = PQexec(c->db, "FETCH 500 FROM fc_scan_flag");
        rc = pg_status(c, r, "flag scan", err);
        int rows = rc == FC_OK ? PQntuples(r) : 0;
        more = rows > 0;
        for (int i = 0; rc == FC_OK && i < rows; i++) {
            struct flag f;
            arena_free(&a);
            rc = flag_row(r, i, &a, &f, err);
            if (rc == FC_OK)
                rc = cb(ctx, &f);
        }
        PQclear(r);
    }
    if (PQtransactionStatus(c->db) == PQTRANS_INTRANS)
        pg_exec_simple(c, "CLOSE fc_scan_flag", "flag scan", NULL);
    if (own)
        pg_tx_end(c, FC_OK, NULL);
    arena_free(&a);
    return rc;
}
