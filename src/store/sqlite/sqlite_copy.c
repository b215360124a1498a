/*
 * store/sqlite/sqlite_copy.c: the whole-store copy operations (store.h, "whole-store
 * copy") on SQLite: the schema read from sqlite_schema and the table pragmas, rows in the
 * canonical text form, and inserts that keep every value as given.
 *
 * Table and column names come from the database's own catalog and are quoted as
 * identifiers; no caller text becomes SQL.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/sqlite/sqlite_internal.h"

#define SQL_MAX 8192

/* Appends printf output to buf (cap SQL_MAX); false when it does not fit. */
static bool sql_add(char *buf, size_t *len, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static bool sql_add(char *buf, size_t *len, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf + *len, SQL_MAX - *len, fmt, ap);
    va_end(ap);
    if (n < 0 || (size_t)n >= SQL_MAX - *len)
        return false;
    *len += (size_t)n;
    return true;
}

/* Appends "name" as a quoted identifier (catalog names never hold a double quote, but a
 * quote would be doubled). */
static bool sql_ident(char *buf, size_t *len, const char *name)
{
    if (!sql_add(buf, len, "\""))
        return false;
    for (const char *p = name; *p; p++) {
        if (!sql_add(buf, len, *p == '"' ? "\"\"" : "%c", *p))
            return false;
    }
    return sql_add(buf, len, "\"");
}

static int too_long(const char *table, struct fc_err *err)
{
    return err_set(err, FC_EINTERNAL, "table", "%s: statement too long", table);
}

static enum store_col_type col_type(const char *decl)
{
    char up[32];
    size_t i = 0;
    for (; decl && decl[i] && i + 1 < sizeof(up); i++)
        up[i] = (char)(decl[i] >= 'a' && decl[i] <= 'z' ? decl[i] - 32 : decl[i]);
    up[i] = '\0';
    if (strstr(up, "INT"))
        return STORE_COL_INT;
    if (strstr(up, "REAL") || strstr(up, "FLOA") || strstr(up, "DOUB"))
        return STORE_COL_REAL;
    if (up[0] == '\0' || strstr(up, "BLOB"))
        return STORE_COL_BLOB;
    return STORE_COL_TEXT;
}

static int prepare(struct sqlite_conn *c, const char *sql, sqlite3_stmt **st, struct fc_err *err)
{
    return sqlite_status(c->db, sqlite3_prepare_v2(c->db, sql, -1, st, NULL), "store copy", err);
}

/* Reads one table's columns and references. */
static int table_read(struct sqlite_conn *c, struct arena *a, struct store_table *t,
                      struct fc_err *err)
{
    sqlite3_stmt *st = NULL;
    size_t cap = 0;
    int rc = prepare(c, "SELECT name, type, pk FROM pragma_table_info(?1) ORDER BY cid", &st, err);
    if (rc != FC_OK)
        return rc;
    sqlite3_bind_text(st, 1, t->name, -1, SQLITE_STATIC);
    int src;
    while ((src = sqlite3_step(st)) == SQLITE_ROW) {
        t->cols = sqlite_grow(a, t->cols, sizeof(*t->cols), t->n_cols, &cap);
        if (t->cols == NULL) {
            sqlite3_finalize(st);
            return err_set(err, FC_ENOMEM, "", "out of memory reading the schema");
        }
        struct store_column *col = &t->cols[t->n_cols++];
        memset(col, 0, sizeof(*col));
        col->name = sqlite_col_text(st, 0, a);
        col->type = col_type((const char *)sqlite3_column_text(st, 1));
        col->key_pos = sqlite3_column_int(st, 2);
        if (col->name == NULL) {
            sqlite3_finalize(st);
            return err_set(err, FC_ENOMEM, "", "out of memory reading the schema");
        }
    }
    rc = sqlite_status(c->db, src, "store copy", err);
    sqlite3_finalize(st);
    if (rc != FC_OK)
        return rc;
    rc = prepare(c, "SELECT DISTINCT \"table\", \"from\" FROM pragma_foreign_key_list(?1)", &st,
                 err);
    if (rc != FC_OK)
        return rc;
    sqlite3_bind_text(st, 1, t->name, -1, SQLITE_STATIC);
    cap = 0;
    while ((src = sqlite3_step(st)) == SQLITE_ROW) {
        const char *ref = (const char *)sqlite3_column_text(st, 0);
        const char *from = (const char *)sqlite3_column_text(st, 1);
        if (ref == NULL || from == NULL)
            continue;
        if (strcmp(ref, t->name) == 0) {
            for (size_t i = 0; i < t->n_cols; i++)
                if (strcmp(t->cols[i].name, from) == 0)
                    t->cols[i].is_self_ref = true;
            continue;
        }
        bool seen = false;
        for (size_t i = 0; i < t->n_refs; i++)
            seen = seen || strcmp(t->refs[i], ref) == 0;
        if (seen)
            continue;
        t->refs = sqlite_grow(a, t->refs, sizeof(*t->refs), t->n_refs, &cap);
        if (t->refs == NULL || (t->refs[t->n_refs] = arena_strdup(a, ref)) == NULL) {
            sqlite3_finalize(st);
            return err_set(err, FC_ENOMEM, "", "out of memory reading the schema");
        }
        t->n_refs++;
    }
    rc = sqlite_status(c->db, src, "store copy", err);
    sqlite3_finalize(st);
    return rc;
}

int sqlite_table_list(struct store *s, struct arena *a, struct store_table **out, size_t *n,
                      struct fc_err *err)
{
    struct sqlite_conn *c;
    sqlite3_stmt *st = NULL;
    struct store_table *arr = NULL;
    size_t cap = 0;
    *out = NULL;
    *n = 0;
    int rc = sqlite_conn_of(s, &c, err);
    if (rc == FC_OK)
        rc = prepare(c,
                     "SELECT name FROM sqlite_schema WHERE type = 'table'"
                     " AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' AND name <> 'meta'"
                     /* not data: what running servers follow (migration 0009) */
                     " AND name NOT IN ('change_feed', 'change_feed_purged') ORDER BY name",
                     &st, err);
    if (rc != FC_OK)
        return rc;
    int src;
    while ((src = sqlite3_step(st)) == SQLITE_ROW) {
        arr = sqlite_grow(a, arr, sizeof(*arr), *n, &cap);
        if (arr == NULL) {
            sqlite3_finalize(st);
            return err_set(err, FC_ENOMEM, "", "out of memory reading the schema");
        }
        memset(&arr[*n], 0, sizeof(arr[*n]));
        arr[*n].name = sqlite_col_text(st, 0, a);
        if (arr[*n].name == NULL) {
            sqlite3_finalize(st);
            return err_set(err, FC_ENOMEM, "", "out of memory reading the schema");
        }
        (*n)++;
    }
    rc = sqlite_status(c->db, src, "store copy", err);
    sqlite3_finalize(st);
    for (size_t i = 0; rc == FC_OK && i < *n; i++)
        rc = table_read(c, a, &arr[i], err);
    if (rc == FC_OK)
        *out = arr;
    else
        *n = 0;
    return rc;
}

/* SELECT the columns of t ORDER BY its key. */
static bool select_sql(const struct store_table *t, char *sql, size_t *len)
{
    bool ok = sql_add(sql, len, "SELECT ");
    for (size_t i = 0; ok && i < t->n_cols; i++)
        ok = (i == 0 || sql_add(sql, len, ", ")) && sql_ident(sql, len, t->cols[i].name);
    ok = ok && sql_add(sql, len, " FROM ") && sql_ident(sql, len, t->name);
    bool first = true;
    for (int k = 1; ok && k <= (int)t->n_cols; k++) {
        for (size_t i = 0; ok && i < t->n_cols; i++) {
            if (t->cols[i].key_pos != k)
                continue;
            ok = sql_add(sql, len, first ? " ORDER BY " : ", ") &&
                 sql_ident(sql, len, t->cols[i].name);
            first = false;
        }
    }
    return ok;
}

int sqlite_rows_each(struct store *s, const struct store_table *t, store_row_cb cb, void *ctx,
                     struct fc_err *err)
{
    struct sqlite_conn *c;
    sqlite3_stmt *st = NULL;
    char sql[SQL_MAX];
    size_t len = 0;
    if (!select_sql(t, sql, &len))
        return too_long(t->name, err);
    int rc = sqlite_conn_of(s, &c, err);
    if (rc != FC_OK)
        return rc;
    bool own;
    rc = sqlite_read_begin(c, &own, err);
    if (rc != FC_OK)
        return rc;
    rc = prepare(c, sql, &st, err);
    const char **vals = calloc(t->n_cols ? t->n_cols : 1, sizeof(*vals));
    char **bufs = calloc(t->n_cols ? t->n_cols : 1, sizeof(*bufs));
    size_t *caps = calloc(t->n_cols ? t->n_cols : 1, sizeof(*caps));
    if (rc == FC_OK && (vals == NULL || bufs == NULL || caps == NULL))
        rc = err_set(err, FC_ENOMEM, "", "out of memory reading rows");
    int src = SQLITE_DONE;
    while (rc == FC_OK && (src = sqlite3_step(st)) == SQLITE_ROW) {
        for (size_t i = 0; rc == FC_OK && i < t->n_cols; i++) {
            int ci = (int)i;
            if (sqlite3_column_type(st, ci) == SQLITE_NULL) {
                vals[i] = NULL;
                continue;
            }
            size_t need = 32;
            if (t->cols[i].type == STORE_COL_BLOB)
                need = 2 * (size_t)sqlite3_column_bytes(st, ci) + 1;
            if (t->cols[i].type == STORE_COL_TEXT) {
                vals[i] = (const char *)sqlite3_column_text(st, ci);
                continue;
            }
            if (need > caps[i]) {
                char *nb = realloc(bufs[i], need);
                if (nb == NULL) {
                    rc = err_set(err, FC_ENOMEM, "", "out of memory reading rows");
                    break;
                }
                bufs[i] = nb;
                caps[i] = need;
            }
            if (t->cols[i].type == STORE_COL_INT) {
                snprintf(bufs[i], caps[i], "%" PRId64, (int64_t)sqlite3_column_int64(st, ci));
            } else if (t->cols[i].type == STORE_COL_REAL) {
                snprintf(bufs[i], caps[i], "%.17g", sqlite3_column_double(st, ci));
            } else {
                static const char hex[] = "0123456789abcdef";
                const unsigned char *b = sqlite3_column_blob(st, ci);
                size_t nb = b != NULL ? (size_t)sqlite3_column_bytes(st, ci) : 0;
                char *o = bufs[i];
                if (o == NULL) { /* caps[i] >= 1 means bufs[i] was allocated above */
                    rc = err_set(err, FC_EINTERNAL, "", "no buffer for a blob column");
                    break;
                }
                for (size_t k = 0; k < nb; k++) {
                    o[2 * k] = hex[b[k] >> 4];
                    o[2 * k + 1] = hex[b[k] & 15];
                }
                o[2 * nb] = '\0';
            }
            vals[i] = bufs[i];
        }
        if (rc == FC_OK)
            rc = cb(ctx, vals);
    }
    if (rc == FC_OK)
        rc = sqlite_status(c->db, src == SQLITE_ROW ? SQLITE_DONE : src, "store copy", err);
    sqlite3_finalize(st);
    sqlite_read_end(c, own);
    for (size_t i = 0; bufs && i < t->n_cols; i++)
        free(bufs[i]);
    free(bufs);
    free(caps);
    free(vals);
    return rc;
}

int sqlite_rows_count(struct store *s, const char *table, int64_t *out, struct fc_err *err)
{
    struct sqlite_conn *c;
    sqlite3_stmt *st = NULL;
    char sql[SQL_MAX];
    size_t len = 0;
    *out = 0;
    if (!sql_add(sql, &len, "SELECT count(*) FROM ") || !sql_ident(sql, &len, table))
        return too_long(table, err);
    int rc = sqlite_conn_of(s, &c, err);
    if (rc == FC_OK)
        rc = prepare(c, sql, &st, err);
    if (rc != FC_OK)
        return rc;
    int src = sqlite3_step(st);
    if (src == SQLITE_ROW)
        *out = sqlite3_column_int64(st, 0);
    rc = sqlite_status(c->db, src == SQLITE_ROW ? SQLITE_DONE : src, "store copy", err);
    sqlite3_finalize(st);
    return rc;
}

static int hexval(char ch)
{
    if (ch >= '0' && ch <= '9')
        return ch - '0';
    if (ch >= 'a' && ch <= 'f')
        return ch - 'a' + 10;
    if (ch >= 'A' && ch <= 'F')
        return ch - 'A' + 10;
    return -1;
}

/* Binds one canonical value by the column's type. */
static int bind_value(sqlite3_stmt *st, int i, const struct store_column *col, const char *v,
                      const char *table, struct fc_err *err)
{
    if (v == NULL)
        return sqlite3_bind_null(st, i) == SQLITE_OK ? FC_OK : FC_EINTERNAL;
    char *end = NULL;
    switch (col->type) {
    case STORE_COL_INT: {
        long long x = strtoll(v, &end, 10);
        if (end == v || *end != '\0')
            return err_set(err, FC_EINVAL, col->name, "%s.%s: not an integer", table, col->name);
        sqlite3_bind_int64(st, i, x);
        return FC_OK;
    }
    case STORE_COL_REAL: {
        double x = strtod(v, &end);
        if (end == v || *end != '\0')
            return err_set(err, FC_EINVAL, col->name, "%s.%s: not a number", table, col->name);
        sqlite3_bind_double(st, i, x);
        return FC_OK;
    }
    case STORE_COL_BLOB: {
        size_t n = strlen(v);
        if (n % 2 != 0)
            return err_set(err, FC_EINVAL, col->name, "%s.%s: not hex", table, col->name);
        unsigned char *b = malloc(n / 2 + 1);
        if (b == NULL)
            return err_set(err, FC_ENOMEM, "", "out of memory writing rows");
        for (size_t k = 0; k < n / 2; k++) {
            int hi = hexval(v[2 * k]), lo = hexval(v[2 * k + 1]);
            if (hi < 0 || lo < 0) {
                free(b);
                return err_set(err, FC_EINVAL, col->name, "%s.%s: not hex", table, col->name);
            }
            b[k] = (unsigned char)(hi * 16 + lo);
        }
        sqlite3_bind_blob(st, i, b, (int)(n / 2), free);
        return FC_OK;
    }
    case STORE_COL_TEXT:
        sqlite3_bind_text(st, i, v, -1, SQLITE_STATIC);
        return FC_OK;
    }
    return err_set(err, FC_EINTERNAL, col->name, "%s.%s: unknown column type", table, col->name);
}

int sqlite_rows_put(struct store *s, const struct store_table *t, const char *const *vals, size_t n,
                    struct fc_err *err)
{
    struct sqlite_conn *c;
    sqlite3_stmt *st = NULL;
    char sql[SQL_MAX];
    size_t len = 0;
    bool ok = sql_add(sql, &len, "INSERT INTO ") && sql_ident(sql, &len, t->name) &&
              sql_add(sql, &len, " (");
    for (size_t i = 0; ok && i < t->n_cols; i++)
        ok = (i == 0 || sql_add(sql, &len, ", ")) && sql_ident(sql, &len, t->cols[i].name);
    ok = ok && sql_add(sql, &len, ") VALUES (");
    for (size_t i = 0; ok && i < t->n_cols; i++)
        ok = sql_add(sql, &len, i == 0 ? "?" : ", ?");
    if (!ok || !sql_add(sql, &len, ")"))
        return too_long(t->name, err);
    int rc = sqlite_conn_of(s, &c, err);
    if (rc != FC_OK)
        return rc;
    rc = sqlite_tx_begin(c, err);
    if (rc != FC_OK)
        return rc;
    rc = prepare(c, sql, &st, err);
    for (size_t r = 0; rc == FC_OK && r < n; r++) {
        sqlite3_reset(st);
        sqlite3_clear_bindings(st);
        for (size_t i = 0; rc == FC_OK && i < t->n_cols; i++)
            rc = bind_value(st, (int)i + 1, &t->cols[i], vals[r * t->n_cols + i], t->name, err);
        if (rc == FC_OK) {
            int src = sqlite3_step(st);
            rc = sqlite_status(c->db, src == SQLITE_ROW ? SQLITE_DONE : src, t->name, err);
        }
    }
    sqlite3_finalize(st);
    return sqlite_tx_end(c, rc, err);
}

int sqlite_row_set(struct store *s, const struct store_table *t, const char *key, const char *col,
                   const char *val, struct fc_err *err)
{
    const struct store_column *kc = NULL, *vc = NULL;
    for (size_t i = 0; i < t->n_cols; i++) {
        if (t->cols[i].key_pos == 1)
            kc = &t->cols[i];
        if (strcmp(t->cols[i].name, col) == 0)
            vc = &t->cols[i];
    }
    if (kc == NULL || vc == NULL)
        return err_set(err, FC_EINVAL, "column", "%s: no such column or no key", t->name);
    char sql[SQL_MAX];
    size_t len = 0;
    if (!sql_add(sql, &len, "UPDATE ") || !sql_ident(sql, &len, t->name) ||
        !sql_add(sql, &len, " SET ") || !sql_ident(sql, &len, vc->name) ||
        !sql_add(sql, &len, " = ?1 WHERE ") || !sql_ident(sql, &len, kc->name) ||
        !sql_add(sql, &len, " = ?2"))
        return too_long(t->name, err);
    struct sqlite_conn *c;
    sqlite3_stmt *st = NULL;
    int rc = sqlite_conn_of(s, &c, err);
    if (rc == FC_OK)
        rc = prepare(c, sql, &st, err);
    if (rc == FC_OK)
        rc = bind_value(st, 1, vc, val, t->name, err);
    if (rc == FC_OK)
        rc = bind_value(st, 2, kc, key, t->name, err);
    if (rc == FC_OK)
        rc = sqlite_status(c->db, sqlite3_step(st), t->name, err);
    if (rc == FC_OK && sqlite3_changes(c->db) == 0)
        rc = err_set(err, FC_ENOTFOUND, kc->name, "%s: no row with that key", t->name);
    sqlite3_finalize(st);
    return rc;
}

int sqlite_ids_reset(struct store *s, struct fc_err *err)
{
    /* an INTEGER PRIMARY KEY takes the largest id + 1 by itself */
    (void)s;
    (void)err;
    return FC_OK;
}
