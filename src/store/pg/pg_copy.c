/*
 * store/pg/pg_copy.c: the whole-store copy operations (store.h, "whole-store copy") on
 * PostgreSQL: the schema read from pg_catalog (the store's own schema only), rows in the
 * canonical text form read through a cursor, and bulk inserts through COPY FROM STDIN.
 *
 * Table and column names come from the catalog and are quoted with PQescapeIdentifier;
 * no caller text becomes SQL. Text keys sort COLLATE "C" (byte-wise, as SQLite's BINARY).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/pg/pg_internal.h"

#define SCHEMA_OID "(SELECT oid FROM pg_namespace WHERE nspname = current_schema())"

/* A growable byte buffer (malloc). */
struct buf {
    char *p;
    size_t len, cap;
    bool failed;
};

static void buf_add(struct buf *b, const char *s, size_t n)
{
    if (b->failed)
        return;
    if (b->len + n + 1 > b->cap) {
        size_t ncap = b->cap ? b->cap * 2 : 4096;
        while (ncap < b->len + n + 1)
            ncap *= 2;
        char *np = realloc(b->p, ncap);
        if (np == NULL) {
            b->failed = true;
            return;
        }
        b->p = np;
        b->cap = ncap;
    }
    memcpy(b->p + b->len, s, n);
    b->len += n;
    b->p[b->len] = '\0';
}

static void buf_str(struct buf *b, const char *s)
{
    buf_add(b, s, strlen(s));
}

static void buf_ident(struct buf *b, PGconn *db, const char *name)
{
    char *q = PQescapeIdentifier(db, name, strlen(name));
    if (q == NULL) {
        b->failed = true;
        return;
    }
    buf_str(b, q);
    PQfreemem(q);
}

static int oom(struct fc_err *err)
{
    return err_set(err, FC_ENOMEM, "", "out of memory copying the store");
}

static enum store_col_type col_type(const char *t)
{
    if (strcmp(t, "bigint") == 0 || strcmp(t, "integer") == 0 || strcmp(t, "smallint") == 0)
        return STORE_COL_INT;
    if (strcmp(t, "double precision") == 0 || strcmp(t, "real") == 0 ||
        strcmp(t, "numeric") == 0)
        return STORE_COL_REAL;
    if (strcmp(t, "bytea") == 0)
        return STORE_COL_BLOB;
    return STORE_COL_TEXT;
}

int pg_table_list(struct store *s, struct arena *a, struct store_table **out, size_t *n,
                  struct fc_err *err)
{
    struct pg_conn *c;
    PGresult *r = NULL, *rr = NULL;
    *out = NULL;
    *n = 0;
    int rc = pg_conn_of(s, &c, err);
    if (rc != FC_OK)
        return rc;
    r = PQexec(c->db,
               "SELECT c.relname, a.attname, format_type(a.atttypid, NULL),"
               " coalesce((SELECT array_position(k.conkey, a.attnum) FROM pg_constraint k"
               "  WHERE k.conrelid = c.oid AND k.contype = 'p'), 0),"
               " EXISTS (SELECT 1 FROM pg_constraint f WHERE f.conrelid = c.oid"
               "  AND f.confrelid = c.oid AND f.contype = 'f' AND a.attnum = ANY (f.conkey))"
               " FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid"
               " WHERE c.relnamespace = " SCHEMA_OID " AND c.relkind IN ('r', 'p')"
               " AND a.attnum > 0 AND NOT a.attisdropped"
               /* not data: the schema's own and what running nodes share (migration 0008) */
               " AND c.relname NOT IN ('meta', 'schema_version', 'change_feed',"
               " 'change_feed_purged', 'job_run', 'login_failure')"
               " ORDER BY c.relname COLLATE \"C\", a.attnum");
    rc = pg_status(c, r, "store copy", err);
    if (rc == FC_OK) {
        rr = PQexec(c->db,
                    "SELECT DISTINCT c.relname, p.relname FROM pg_constraint f"
                    " JOIN pg_class c ON c.oid = f.conrelid JOIN pg_class p ON p.oid = f.confrelid"
                    " WHERE f.contype = 'f' AND f.conrelid <> f.confrelid"
                    " AND c.relnamespace = " SCHEMA_OID);
        rc = pg_status(c, rr, "store copy", err);
    }
    int rows = rc == FC_OK ? PQntuples(r) : 0;
    struct store_table *arr = NULL;
    size_t cap = 0, ncols_cap = 0;
    for (int i = 0; rc == FC_OK && i < rows; i++) {
        const char *tn = PQgetvalue(r, i, 0);
        if (*n == 0 || strcmp(arr[*n - 1].name, tn) != 0) {
            arr = pg_grow(a, arr, sizeof(*arr), *n, &cap);
            if (arr == NULL) {
                rc = oom(err);
                break;
            }
            memset(&arr[*n], 0, sizeof(arr[*n]));
            arr[*n].name = arena_strdup(a, tn);
            if (arr[*n].name == NULL) {
                rc = oom(err);
                break;
            }
            (*n)++;
            ncols_cap = 0;
        }
        struct store_table *t = &arr[*n - 1];
        t->cols = pg_grow(a, t->cols, sizeof(*t->cols), t->n_cols, &ncols_cap);
        if (t->cols == NULL) {
            rc = oom(err);
            break;
        }
        struct store_column *col = &t->cols[t->n_cols++];
        col->name = arena_strdup(a, PQgetvalue(r, i, 1));
        col->type = col_type(PQgetvalue(r, i, 2));
        col->key_pos = (int)pg_col_int(r, i, 3);
        col->is_self_ref = strcmp(PQgetvalue(r, i, 4), "t") == 0;
        if (col->name == NULL)
            rc = oom(err);
    }
    int nrefs = rc == FC_OK ? PQntuples(rr) : 0;
    for (int i = 0; rc == FC_OK && i < nrefs; i++) {
        for (size_t k = 0; k < *n; k++) {
            struct store_table *t = &arr[k];
            if (strcmp(t->name, PQgetvalue(rr, i, 0)) != 0)
                continue;
            char **nr = arena_alloc(a, (t->n_refs + 1) * sizeof(*nr));
            if (nr == NULL || (nr[t->n_refs] = arena_strdup(a, PQgetvalue(rr, i, 1))) == NULL) {
                rc = oom(err);
                break;
            }
            if (t->n_refs)
                memcpy(nr, t->refs, t->n_refs * sizeof(*nr));
            t->refs = nr;
            t->n_refs++;
        }
    }
    PQclear(r);
    PQclear(rr);
    if (rc == FC_OK)
        *out = arr;
    else
        *n = 0;
    return rc;
}

int pg_rows_each(struct store *s, const struct store_table *t, store_row_cb cb, void *ctx,
                 struct fc_err *err)
{
    struct pg_conn *c;
    int rc = pg_conn_of(s, &c, err);
    if (rc != FC_OK)
        return rc;
    struct buf q = { 0 };
    buf_str(&q, "DECLARE fc_copy_rows NO SCROLL CURSOR FOR SELECT ");
    for (size_t i = 0; i < t->n_cols; i++) {
        if (i)
            buf_str(&q, ", ");
        buf_ident(&q, c->db, t->cols[i].name);
    }
    buf_str(&q, " FROM ");
    buf_ident(&q, c->db, t->name);
    bool first = true;
    for (int k = 1; k <= (int)t->n_cols; k++) {
        for (size_t i = 0; i < t->n_cols; i++) {
            if (t->cols[i].key_pos != k)
                continue;
            buf_str(&q, first ? " ORDER BY " : ", ");
            buf_ident(&q, c->db, t->cols[i].name);
            if (t->cols[i].type == STORE_COL_TEXT)
                buf_str(&q, " COLLATE \"C\"");
            first = false;
        }
    }
    const char **vals = calloc(t->n_cols ? t->n_cols : 1, sizeof(*vals));
    char(*nums)[32] = calloc(t->n_cols ? t->n_cols : 1, sizeof(*nums));
    if (q.failed || vals == NULL || nums == NULL) {
        free(q.p);
        free(vals);
        free(nums);
        return oom(err);
    }
    bool own;
    rc = pg_read_begin(c, &own, err);
    if (rc == FC_OK)
        rc = pg_exec_simple(c, q.p, t->name, err);
    bool more = rc == FC_OK;
    while (rc == FC_OK && more) {
        PGresult *r = PQexec(c->db, "FETCH 1000 FROM fc_copy_rows");
        rc = pg_status(c, r, t->name, err);
        int rows = rc == FC_OK ? PQntuples(r) : 0;
        more = rows > 0;
        for (int i = 0; rc == FC_OK && i < rows; i++) {
            for (size_t k = 0; k < t->n_cols; k++) {
                int ck = (int)k;
                if (PQgetisnull(r, i, ck)) {
                    vals[k] = NULL;
                    continue;
                }
                const char *v = PQgetvalue(r, i, ck);
                if (t->cols[k].type == STORE_COL_REAL) {
                    snprintf(nums[k], sizeof(nums[k]), "%.17g", strtod(v, NULL));
                    v = nums[k];
                } else if (t->cols[k].type == STORE_COL_BLOB && v[0] == '\\' && v[1] == 'x') {
                    v += 2;
                }
                vals[k] = v;
            }
            rc = cb(ctx, vals);
        }
        PQclear(r);
    }
    if (PQtransactionStatus(c->db) == PQTRANS_INTRANS)
        pg_exec_simple(c, "CLOSE fc_copy_rows", t->name, NULL);
    if (own)
        pg_tx_end(c, FC_OK, NULL);
    free(q.p);
    free(vals);
    free(nums);
    return rc;
}

int pg_rows_count(struct store *s, const char *table, int64_t *out, struct fc_err *err)
{
    struct pg_conn *c;
    *out = 0;
    int rc = pg_conn_of(s, &c, err);
    if (rc != FC_OK)
        return rc;
    struct buf q = { 0 };
    buf_str(&q, "SELECT count(*) FROM ");
    buf_ident(&q, c->db, table);
    if (q.failed) {
        free(q.p);
        return oom(err);
    }
    PGresult *r = PQexec(c->db, q.p);
    rc = pg_status(c, r, table, err);
    if (rc == FC_OK)
        *out = pg_col_int(r, 0, 0);
    PQclear(r);
    free(q.p);
    return rc;
}

/* Appends one value in COPY text format. */
static void copy_value(struct buf *b, const struct store_column *col, const char *v)
{
    if (v == NULL) {
        buf_add(b, "\\N", 2);
        return;
    }
    if (col->type == STORE_COL_BLOB)
        buf_add(b, "\\\\x", 3); /* bytea hex input "\x...", its backslash escaped */
    const char *run = v;
    for (const char *p = v; *p; p++) {
        const char *esc = NULL;
        switch (*p) {
        case '\\':
            esc = "\\\\";
            break;
        case '\t':
            esc = "\\t";
            break;
        case '\n':
            esc = "\\n";
            break;
        case '\r':
            esc = "\\r";
            break;
        default:
            continue;
        }
        buf_add(b, run, (size_t)(p - run));
        buf_add(b, esc, 2);
        run = p + 1;
    }
    buf_str(b, run);
}

int pg_rows_put(struct store *s, const struct store_table *t, const char *const *vals, size_t n,
                struct fc_err *err)
{
    struct pg_conn *c;
    int rc = pg_conn_of(s, &c, err);
    if (rc != FC_OK)
        return rc;
    if (n == 0)
        return FC_OK;
    struct buf q = { 0 }, data = { 0 };
    buf_str(&q, "COPY ");
    buf_ident(&q, c->db, t->name);
    buf_str(&q, " (");
    for (size_t i = 0; i < t->n_cols; i++) {
        if (i)
            buf_str(&q, ", ");
        buf_ident(&q, c->db, t->cols[i].name);
    }
    buf_str(&q, ") FROM STDIN");
    for (size_t r = 0; r < n; r++) {
        for (size_t i = 0; i < t->n_cols; i++) {
            if (i)
                buf_add(&data, "\t", 1);
            copy_value(&data, &t->cols[i], vals[r * t->n_cols + i]);
        }
        buf_add(&data, "\n", 1);
    }
    if (q.failed || data.failed) {
        free(q.p);
        free(data.p);
        return oom(err);
    }
    rc = pg_tx_begin(c, err);
    if (rc == FC_OK) {
        PGresult *r = PQexec(c->db, q.p);
        if (PQresultStatus(r) != PGRES_COPY_IN)
            rc = pg_status(c, r, t->name, err);
        PQclear(r);
        if (rc == FC_OK) {
            /* an error here shows in the COPY's result below */
            if (PQputCopyData(c->db, data.p, (int)data.len) != 1)
                PQputCopyEnd(c->db, "client failed to send");
            else
                PQputCopyEnd(c->db, NULL);
            while ((r = PQgetResult(c->db)) != NULL) {
                int rc2 = pg_status(c, r, t->name, err);
                if (rc == FC_OK)
                    rc = rc2;
                PQclear(r);
            }
        }
        rc = pg_tx_end(c, rc, err);
    }
    free(q.p);
    free(data.p);
    return rc;
}

int pg_row_set(struct store *s, const struct store_table *t, const char *key, const char *col,
               const char *val, struct fc_err *err)
{
    const struct store_column *kc = NULL, *vc = NULL;
    for (size_t i = 0; i < t->n_cols; i++) {
        if (t->cols[i].key_pos == 1)
            kc = &t->cols[i];
        if (strcmp(t->cols[i].name, col) == 0)
            vc = &t->cols[i];
    }
    if (kc == NULL || vc == NULL || kc->type == STORE_COL_BLOB || vc->type == STORE_COL_BLOB)
        return err_set(err, FC_EINVAL, "column", "%s: no such column or no key", t->name);
    struct pg_conn *c;
    int rc = pg_conn_of(s, &c, err);
    if (rc != FC_OK)
        return rc;
    struct buf q = { 0 };
    buf_str(&q, "UPDATE ");
    buf_ident(&q, c->db, t->name);
    buf_str(&q, " SET ");
    buf_ident(&q, c->db, vc->name);
    buf_str(&q, " = $1 WHERE ");
    buf_ident(&q, c->db, kc->name);
    buf_str(&q, " = $2");
    if (q.failed) {
        free(q.p);
        return oom(err);
    }
    const char *v[2] = { val, key };
    PGresult *r = PQexecParams(c->db, q.p, 2, NULL, v, NULL, NULL, 0);
    rc = pg_status(c, r, t->name, err);
    if (rc == FC_OK && strcmp(PQcmdTuples(r), "0") == 0)
        rc = err_set(err, FC_ENOTFOUND, kc->name, "%s: no row with that key", t->name);
    PQclear(r);
    free(q.p);
    return rc;
}

int pg_ids_reset(struct store *s, struct fc_err *err)
{
    struct pg_conn *c;
    int rc = pg_conn_of(s, &c, err);
    if (rc != FC_OK)
        return rc;
    PGresult *r = PQexec(c->db,
                         "SELECT c.relname, a.attname, q.seq FROM pg_class c"
                         " JOIN pg_attribute a ON a.attrelid = c.oid,"
                         " LATERAL pg_get_serial_sequence(quote_ident(c.relname), a.attname)"
                         " AS q(seq)"
                         " WHERE c.relnamespace = " SCHEMA_OID " AND c.relkind = 'r'"
                         " AND a.attnum > 0 AND NOT a.attisdropped AND q.seq IS NOT NULL");
    rc = pg_status(c, r, "ids reset", err);
    int rows = rc == FC_OK ? PQntuples(r) : 0;
    for (int i = 0; rc == FC_OK && i < rows; i++) {
        struct buf q = { 0 };
        buf_str(&q, "SELECT setval($1, coalesce((SELECT max(");
        buf_ident(&q, c->db, PQgetvalue(r, i, 1));
        buf_str(&q, ") FROM ");
        buf_ident(&q, c->db, PQgetvalue(r, i, 0));
        buf_str(&q, "), 0) + 1, false)");
        if (q.failed) {
            free(q.p);
            rc = oom(err);
            break;
        }
        const char *v[1] = { PQgetvalue(r, i, 2) };
        PGresult *r2 = PQexecParams(c->db, q.p, 1, NULL, v, NULL, NULL, 0);
        rc = pg_status(c, r2, PQgetvalue(r, i, 0), err);
        PQclear(r2);
        free(q.p);
    }
    PQclear(r);
    return rc;
}
