/*
 * store/store_copy.c: whole-store copy between any two stores (store_copy.h).
 *
 * DESIGN: the backends describe their tables and move rows as canonical text; this file
 * orders the tables, matches them by name (columns by name, in the source's order, so
 * both sides hash the same text), batches rows into rows_put, and compares counts and
 * SHA-256 checksums. A canonical row is its values in COPY text form: "\N" for NULL,
 * backslash, tab, newline and carriage return escaped, tab-separated, newline-ended.
 */
#include "store/store_copy.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#define BATCH_DEFAULT 1000

/* ---- canonical rows and checksums ---- */

static void hash_value(crypto_hash_sha256_state *h, const char *v)
{
    if (v == NULL) {
        crypto_hash_sha256_update(h, (const unsigned char *)"\\N", 2);
        return;
    }
    const char *run = v;
    for (const char *p = v; *p; p++) {
        const char *esc;
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
        crypto_hash_sha256_update(h, (const unsigned char *)run, (size_t)(p - run));
        crypto_hash_sha256_update(h, (const unsigned char *)esc, 2);
        run = p + 1;
    }
    crypto_hash_sha256_update(h, (const unsigned char *)run, strlen(run));
}

static void hash_row(crypto_hash_sha256_state *h, const char *const *vals, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (i)
            crypto_hash_sha256_update(h, (const unsigned char *)"\t", 1);
        hash_value(h, vals[i]);
    }
    crypto_hash_sha256_update(h, (const unsigned char *)"\n", 1);
}

#define STOP 1 /* a row callback's "enough", never an fc_status */

struct sum_ctx {
    crypto_hash_sha256_state h;
    size_t n_cols;
    int64_t rows, limit; /* limit < 0: every row */
};

static int sum_row(void *ctx, const char *const *vals)
{
    struct sum_ctx *c = ctx;
    if (c->limit >= 0 && c->rows == c->limit)
        return STOP;
    hash_row(&c->h, vals, c->n_cols);
    c->rows++;
    return FC_OK;
}

/* SHA-256 over the first `limit` rows (< 0: all) in key order. */
static int checksum_rows(struct store *s, const struct store_table *t, int64_t limit,
                         int64_t *out_rows, unsigned char out[32], struct fc_err *err)
{
    struct sum_ctx c = { .n_cols = t->n_cols, .limit = limit };
    crypto_hash_sha256_init(&c.h);
    int rc = STORE_CALL(s, rows_each, t, sum_row, &c, err);
    crypto_hash_sha256_final(&c.h, out);
    *out_rows = c.rows;
    return rc == STOP ? FC_OK : rc;
}

int store_copy_checksum(struct store *s, const struct store_table *t, int64_t *out_rows,
                        unsigned char out[32], struct fc_err *err)
{
    return checksum_rows(s, t, -1, out_rows, out, err);
}

/* ---- tables ---- */

static const struct store_table *table_find(const struct store_table *ts, size_t n,
                                            const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(ts[i].name, name) == 0)
            return &ts[i];
    return NULL;
}

/* Orders tables so that each comes after the tables it references (Kahn, by name). */
static int tables_sort(struct store_table *ts, size_t n, struct arena *a, struct fc_err *err)
{
    struct store_table *sorted = arena_alloc(a, (n ? n : 1) * sizeof(*sorted));
    bool *done = arena_alloc(a, (n ? n : 1) * sizeof(*done));
    if (sorted == NULL || done == NULL)
        return err_set(err, FC_ENOMEM, "", "out of memory ordering tables");
    memset(done, 0, (n ? n : 1) * sizeof(*done));
    for (size_t k = 0; k < n; k++) {
        size_t pick = n;
        for (size_t i = 0; i < n && pick == n; i++) {
            if (done[i])
                continue;
            bool ready = true;
            for (size_t r = 0; r < ts[i].n_refs && ready; r++) {
                for (size_t j = 0; j < n; j++)
                    if (!done[j] && j != i && strcmp(ts[j].name, ts[i].refs[r]) == 0)
                        ready = false;
            }
            if (ready)
                pick = i;
        }
        if (pick == n)
            return err_set(err, FC_EINVAL, "table",
                           "the tables reference each other in a cycle; cannot order the copy");
        sorted[k] = ts[pick];
        done[pick] = true;
    }
    memcpy(ts, sorted, n * sizeof(*ts));
    return FC_OK;
}

/*
 * The target's table with the source table's columns in the source's order (the
 * target's types). Every column must be on both sides.
 */
static int table_match(const struct store_table *st, const struct store_table *dts, size_t dn,
                       struct arena *a, struct store_table *out, struct fc_err *err)
{
    const struct store_table *dt = table_find(dts, dn, st->name);
    if (dt == NULL)
        return err_set(err, FC_EINVAL, "table",
                       "table %s is not in the target store (its schema lacks it: is the "
                       "target's migration for it written?)",
                       st->name);
    if (dt->n_cols != st->n_cols) {
        for (size_t i = 0; i < dt->n_cols; i++) {
            bool found = false;
            for (size_t k = 0; k < st->n_cols; k++)
                found = found || strcmp(st->cols[k].name, dt->cols[i].name) == 0;
            if (!found)
                return err_set(err, FC_EINVAL, "column",
                               "column %s.%s is in the target but not in the source", st->name,
                               dt->cols[i].name);
        }
    }
    *out = *dt;
    out->cols = arena_alloc(a, (st->n_cols ? st->n_cols : 1) * sizeof(*out->cols));
    if (out->cols == NULL)
        return err_set(err, FC_ENOMEM, "", "out of memory matching tables");
    out->n_cols = st->n_cols;
    for (size_t i = 0; i < st->n_cols; i++) {
        const struct store_column *dc = NULL;
        for (size_t k = 0; k < dt->n_cols && dc == NULL; k++)
            if (strcmp(dt->cols[k].name, st->cols[i].name) == 0)
                dc = &dt->cols[k];
        if (dc == NULL)
            return err_set(err, FC_EINVAL, "column",
                           "column %s.%s is not in the target store", st->name,
                           st->cols[i].name);
        out->cols[i] = *dc;
    }
    return FC_OK;
}

/* ---- copying one table ---- */

struct fixup {
    char *key, *col, *val;
};

struct copy_ctx {
    struct store *dst;
    const struct store_table *dt; /* target view, source column order */
    crypto_hash_sha256_state h;
    int64_t rows, total;
    int64_t skip; /* the first rows, already in the target */
    size_t batch_rows;
    struct arena batch; /* values of the rows waiting for rows_put */
    const char **vals;  /* batch_rows x n_cols */
    size_t n_batch;
    int key_col;        /* single integer key column, or -1 */
    struct fixup *fix;  /* forward self-references, set after the table */
    size_t n_fix, cap_fix;
    struct arena *a;
    store_copy_progress_fn progress;
    void *progress_ctx;
    size_t ti, tn;
    struct fc_err *err;
};

static int flush(struct copy_ctx *c)
{
    if (c->n_batch == 0)
        return FC_OK;
    int rc = STORE_CALL(c->dst, rows_put, c->dt, c->vals, c->n_batch, c->err);
    c->n_batch = 0;
    arena_free(&c->batch);
    arena_init(&c->batch, 0);
    if (c->progress)
        c->progress(c->progress_ctx, c->dt->name, c->ti, c->tn, c->rows, c->total, false);
    return rc;
}

static int copy_row(void *ctx, const char *const *vals)
{
    struct copy_ctx *c = ctx;
    size_t nc = c->dt->n_cols;
    hash_row(&c->h, vals, nc);
    c->rows++;
    if (c->rows <= c->skip)
        return FC_OK;
    const char **row = &c->vals[c->n_batch * nc];
    for (size_t i = 0; i < nc; i++) {
        row[i] = NULL;
        if (vals[i] == NULL)
            continue;
        if (c->dt->cols[i].is_self_ref && c->key_col >= 0 && vals[c->key_col] != NULL &&
            strtoll(vals[i], NULL, 10) > strtoll(vals[c->key_col], NULL, 10)) {
            /* a reference to a row not written yet: NULL now, set after the table */
            if (c->n_fix == c->cap_fix) {
                size_t ncap = c->cap_fix ? c->cap_fix * 2 : 16;
                struct fixup *nf = arena_alloc(c->a, ncap * sizeof(*nf));
                if (nf == NULL)
                    return err_set(c->err, FC_ENOMEM, "", "out of memory copying rows");
                if (c->n_fix)
                    memcpy(nf, c->fix, c->n_fix * sizeof(*nf));
                c->fix = nf;
                c->cap_fix = ncap;
            }
            struct fixup *f = &c->fix[c->n_fix++];
            f->key = arena_strdup(c->a, vals[c->key_col]);
            f->col = c->dt->cols[i].name;
            f->val = arena_strdup(c->a, vals[i]);
            if (f->key == NULL || f->val == NULL)
                return err_set(c->err, FC_ENOMEM, "", "out of memory copying rows");
            continue;
        }
        row[i] = arena_strdup(&c->batch, vals[i]);
        if (row[i] == NULL)
            return err_set(c->err, FC_ENOMEM, "", "out of memory copying rows");
    }
    c->n_batch++;
    return c->n_batch == c->batch_rows ? flush(c) : FC_OK;
}

static int copy_table(struct store *src, struct store *dst, const struct store_table *st,
                      const struct store_table *dt, struct copy_ctx *c, unsigned char sum[32])
{
    c->dst = dst;
    c->dt = dt;
    c->rows = 0;
    c->n_batch = 0;
    c->n_fix = 0;
    c->cap_fix = 0;
    c->fix = NULL;
    c->key_col = -1;
    int keys = 0;
    bool self_ref = false;
    for (size_t i = 0; i < dt->n_cols; i++) {
        if (dt->cols[i].key_pos > 0)
            keys++;
        if (dt->cols[i].key_pos == 1 && dt->cols[i].type == STORE_COL_INT)
            c->key_col = (int)i;
        self_ref = self_ref || dt->cols[i].is_self_ref;
    }
    if (self_ref && (keys != 1 || c->key_col < 0))
        return err_set(c->err, FC_EINVAL, "table",
                       "table %s refers to itself without a single integer key", st->name);
    crypto_hash_sha256_init(&c->h);
    c->vals = malloc(c->batch_rows * (dt->n_cols ? dt->n_cols : 1) * sizeof(*c->vals));
    if (c->vals == NULL)
        return err_set(c->err, FC_ENOMEM, "", "out of memory copying rows");
    arena_init(&c->batch, 0);
    int rc = STORE_CALL(src, rows_each, st, copy_row, c, c->err);
    if (rc == FC_OK)
        rc = flush(c);
    arena_free(&c->batch);
    free(c->vals);
    c->vals = NULL;
    for (size_t i = 0; rc == FC_OK && i < c->n_fix; i++)
        rc = STORE_CALL(dst, row_set, dt, c->fix[i].key, c->fix[i].col, c->fix[i].val, c->err);
    crypto_hash_sha256_final(&c->h, sum);
    if (rc == FC_OK && c->progress)
        c->progress(c->progress_ctx, st->name, c->ti, c->tn, c->rows, c->total, true);
    return rc;
}

/* ---- the whole copy ---- */

static void hex32(const unsigned char *b, char out[65])
{
    sodium_bin2hex(out, 65, b, 32);
}

int store_copy(struct store *src, struct store *dst, const struct store_copy_opts *o,
               store_copy_progress_fn progress, void *progress_ctx, struct arena *a,
               struct store_copy_result *out, struct fc_err *err)
{
    struct store_table *sts = NULL, *dts = NULL;
    size_t sn = 0, dn = 0;
    memset(out, 0, sizeof(*out));
    if (sodium_init() < 0)
        return err_set(err, FC_EINTERNAL, "", "libsodium failed to initialise");
    int rc = STORE_CALL(src, table_list, a, &sts, &sn, err);
    if (rc == FC_OK)
        rc = STORE_CALL(dst, table_list, a, &dts, &dn, err);
    if (rc == FC_OK)
        rc = tables_sort(sts, sn, a, err);
    if (rc != FC_OK)
        return rc;
    /* every table on both sides, matched column by column */
    struct store_table *views = arena_alloc(a, (sn ? sn : 1) * sizeof(*views));
    struct store_copy_table *res = arena_alloc(a, (sn ? sn : 1) * sizeof(*res));
    if (views == NULL || res == NULL)
        return err_set(err, FC_ENOMEM, "", "out of memory");
    for (size_t i = 0; i < sn && rc == FC_OK; i++)
        rc = table_match(&sts[i], dts, dn, a, &views[i], err);
    for (size_t i = 0; i < dn && rc == FC_OK; i++)
        if (table_find(sts, sn, dts[i].name) == NULL)
            rc = err_set(err, FC_EINVAL, "table",
                         "table %s is in the target store but not in the source (are both "
                         "at the same schema version?)",
                         dts[i].name);
    if (rc != FC_OK)
        return rc;
    memset(res, 0, (sn ? sn : 1) * sizeof(*res));
    int64_t *src_counts = arena_alloc(a, (sn ? sn : 1) * sizeof(*src_counts));
    if (src_counts == NULL)
        return err_set(err, FC_ENOMEM, "", "out of memory");

    /* the source is read in one transaction: one consistent state of every table */
    rc = store_txn_begin(src, err);
    if (rc != FC_OK)
        return rc;
    rc = store_txn_begin(dst, err);
    if (rc != FC_OK) {
        store_txn_rollback(src);
        return rc;
    }
    for (size_t i = 0; i < sn && rc == FC_OK; i++) {
        int64_t dcount = 0;
        res[i].name = sts[i].name;
        rc = STORE_CALL(src, rows_count, sts[i].name, &src_counts[i], err);
        if (rc == FC_OK)
            rc = STORE_CALL(dst, rows_count, sts[i].name, &dcount, err);
        if (rc != FC_OK || dcount == 0)
            continue;
        if (!o->allow_non_empty) {
            rc = err_set(err, FC_ECONFLICT, "table",
                         "the target store is not empty: table %s has %lld rows", sts[i].name,
                         (long long)dcount);
            break;
        }
        /* resumable: the target's rows must be the source's first ones, in key order */
        unsigned char ssum[32], dsum[32];
        int64_t srows = 0, drows = 0;
        rc = store_copy_checksum(dst, &views[i], &drows, dsum, err);
        if (rc == FC_OK)
            rc = checksum_rows(src, &sts[i], drows, &srows, ssum, err);
        if (rc == FC_OK && (srows != drows || memcmp(ssum, dsum, 32) != 0))
            rc = err_set(err, FC_ECONFLICT, "table",
                         "the target's table %s has rows that are not the source's first %lld",
                         sts[i].name, (long long)drows);
        if (rc == FC_OK)
            res[i].present = drows;
    }

    struct copy_ctx c = { .batch_rows = o->batch_rows ? o->batch_rows : BATCH_DEFAULT,
                          .a = a,
                          .progress = progress,
                          .progress_ctx = progress_ctx,
                          .tn = sn,
                          .err = err };
    for (size_t i = 0; i < sn && rc == FC_OK; i++) {
        c.ti = i;
        c.total = src_counts[i];
        c.skip = res[i].present;
        rc = copy_table(src, dst, &sts[i], &views[i], &c, res[i].sha256);
        res[i].rows = c.rows;
        out->rows += c.rows - res[i].present;
    }
    if (rc == FC_OK)
        rc = STORE_CALL(dst, ids_reset, err);
    /* check the target as it will commit: count and checksum of every table */
    for (size_t i = 0; i < sn && rc == FC_OK; i++) {
        unsigned char dsum[32];
        int64_t drows = 0, dcount = 0;
        rc = STORE_CALL(dst, rows_count, sts[i].name, &dcount, err);
        if (rc == FC_OK)
            rc = store_copy_checksum(dst, &views[i], &drows, dsum, err);
        if (rc != FC_OK)
            break;
        if (dcount != res[i].rows || drows != res[i].rows) {
            rc = err_set(err, FC_EINTERNAL, "table",
                         "table %s: %lld rows in the source, %lld in the target; nothing written",
                         sts[i].name, (long long)res[i].rows, (long long)dcount);
        } else if (memcmp(dsum, res[i].sha256, 32) != 0) {
            char sh[65], dh[65];
            hex32(res[i].sha256, sh);
            hex32(dsum, dh);
            rc = err_set(err, FC_EINTERNAL, "table",
                         "table %s: checksum differs (source %.16s..., target %.16s...); "
                         "nothing written",
                         sts[i].name, sh, dh);
        }
    }
    if (rc == FC_OK)
        rc = store_txn_commit(dst, err);
    else
        store_txn_rollback(dst);
    store_txn_rollback(src); /* read only: nothing to keep */
    if (rc == FC_OK) {
        out->tables = res;
        out->n_tables = sn;
    }
    return rc;
}
