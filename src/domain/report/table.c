/* report/table.c: report tables and their JSON, CSV and XLSX renderings. */
#include "domain/report/table.h"

#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <xlsxwriter.h>

#include "util/csv.h"

void report_table_init(struct report_table *t, struct arena *a, const char *name,
                       const char *title, const struct report_col *cols, size_t n_cols)
{
    memset(t, 0, sizeof(*t));
    t->a = a;
    t->name = name;
    t->title = title;
    t->cols = cols;
    t->n_cols = n_cols;
}

struct report_cell *report_table_row(struct report_table *t)
{
    if (t->n_rows == t->cap_rows) {
        size_t cap = t->cap_rows ? t->cap_rows * 2 : 32;
        struct report_cell *nc = arena_alloc(t->a, cap * t->n_cols * sizeof(*nc));
        if (!nc)
            return NULL;
        if (t->n_rows)
            memcpy(nc, t->cells, t->n_rows * t->n_cols * sizeof(*nc));
        t->cells = nc;
        t->cap_rows = cap;
    }
    struct report_cell *row = &t->cells[t->n_rows * t->n_cols];
    for (size_t i = 0; i < t->n_cols; i++) {
        memset(&row[i], 0, sizeof(row[i]));
        row[i].is_null = true;
    }
    t->n_rows++;
    return row;
}

void report_cell_text(struct report_table *t, struct report_cell *c, const char *s)
{
    c->s = arena_strdup(t->a, s ? s : "");
    c->is_null = c->s == NULL;
}

void report_cell_int(struct report_cell *c, int64_t v)
{
    c->i = v;
    c->is_null = false;
}

void report_cell_share(struct report_cell *c, double v)
{
    c->d = v;
    c->is_null = isnan(v);
}

void report_cell_real(struct report_cell *c, double v)
{
    c->d = v;
    c->is_null = isnan(v);
}

const struct report_cell *report_table_cell(const struct report_table *t, size_t r,
                                            const char *key)
{
    for (size_t c = 0; c < t->n_cols; c++) {
        if (strcmp(t->cols[c].key, key) == 0)
            return &t->cells[r * t->n_cols + c];
    }
    return NULL;
}

static const char *kind_name(enum report_kind k)
{
    switch (k) {
    case REPORT_TEXT:
        return "text";
    case REPORT_INT:
        return "integer";
    case REPORT_SHARE:
        return "share";
    case REPORT_REAL:
        return "number";
    }
    return "text";
}

int report_render_json(const struct report_table *t, char **out, size_t *len, struct fc_err *err)
{
    json_t *root = json_object(), *cols = json_array(), *rows = json_array();
    if (!root || !cols || !rows)
        goto oom;
    json_object_set_new(root, "report", json_string(t->name));
    json_object_set_new(root, "title", json_string(t->title));
    if (t->notes)
        json_object_set_new(root, "notes", json_string(t->notes));
    for (size_t c = 0; c < t->n_cols; c++)
        json_array_append_new(cols, json_pack("{s:s, s:s, s:s}", "key", t->cols[c].key, "label",
                                              t->cols[c].label, "type",
                                              kind_name(t->cols[c].kind)));
    for (size_t r = 0; r < t->n_rows; r++) {
        json_t *row = json_object();
        if (!row)
            goto oom;
        for (size_t c = 0; c < t->n_cols; c++) {
            const struct report_cell *cell = &t->cells[r * t->n_cols + c];
            json_t *v;
            if (cell->is_null)
                v = json_null();
            else if (t->cols[c].kind == REPORT_TEXT)
                v = json_string(cell->s);
            else if (t->cols[c].kind == REPORT_INT)
                v = json_integer(cell->i);
            else
                v = json_real(round(cell->d * 1e6) / 1e6);
            json_object_set_new(row, t->cols[c].key, v);
        }
        json_array_append_new(rows, row);
    }
    json_object_set_new(root, "columns", cols);
    json_object_set_new(root, "rows", rows);
    cols = rows = NULL;
    *out = json_dumps(root, JSON_COMPACT | JSON_PRESERVE_ORDER);
    json_decref(root);
    if (!*out)
        return err_set(err, FC_ENOMEM, "", "out of memory rendering a report");
    *len = strlen(*out);
    return FC_OK;
oom:
    json_decref(root);
    json_decref(cols);
    json_decref(rows);
    return err_set(err, FC_ENOMEM, "", "out of memory rendering a report");
}

int report_render_csv(const struct report_table *t, FILE *f, struct fc_err *err)
{
    for (size_t c = 0; c < t->n_cols; c++) {
        if (c)
            fputc(',', f);
        csv_write_field(f, t->cols[c].key, true);
    }
    fputs("\r\n", f);
    char buf[64];
    for (size_t r = 0; r < t->n_rows; r++) {
        for (size_t c = 0; c < t->n_cols; c++) {
            const struct report_cell *cell = &t->cells[r * t->n_cols + c];
            if (c)
                fputc(',', f);
            if (cell->is_null)
                continue;
            switch (t->cols[c].kind) {
            case REPORT_TEXT:
                csv_write_field(f, cell->s, true);
                break;
            case REPORT_INT:
                fprintf(f, "%lld", (long long)cell->i);
                break;
            case REPORT_SHARE:
            case REPORT_REAL:
                /* numbers are ours, not user text: written unguarded so "-0.5" stays a number */
                snprintf(buf, sizeof(buf), "%.4f", cell->d);
                fputs(buf, f);
                break;
            }
        }
        fputs("\r\n", f);
    }
    if (fflush(f) != 0 || ferror(f))
        return err_set(err, FC_EUNAVAIL, "", "cannot write the CSV");
    return FC_OK;
}

void report_cell_format(const struct report_col *col, const struct report_cell *c, char *buf,
                        size_t cap)
{
    if (c->is_null) {
        snprintf(buf, cap, "%s", "");
        return;
    }
    switch (col->kind) {
    case REPORT_TEXT:
        snprintf(buf, cap, "%s", c->s);
        return;
    case REPORT_INT:
        snprintf(buf, cap, "%lld", (long long)c->i);
        return;
    case REPORT_SHARE:
        snprintf(buf, cap, "%.1f%%", c->d * 100.0);
        return;
    case REPORT_REAL:
        snprintf(buf, cap, "%.2f", c->d);
        return;
    }
}

/* Reads a whole file into a malloc'd buffer. */
static int slurp(const char *path, char **out, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return -1;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *buf = n >= 0 ? malloc((size_t)n + 1) : NULL;
    if (!buf || fread(buf, 1, (size_t)n, f) != (size_t)n) {
        free(buf);
        fclose(f);
        return -1;
    }
    fclose(f);
    *out = buf;
    *len = (size_t)n;
    return 0;
}

int report_render_xlsx(const struct report_table *t, char **out, size_t *len, struct fc_err *err)
{
    /* libxlsxwriter 1.1 writes only to a file: use a private temporary one */
    const char *tmp = getenv("TMPDIR");
    char path[512];
    snprintf(path, sizeof(path), "%s/fc-report-XXXXXX", tmp && tmp[0] ? tmp : "/tmp");
    int fd = mkstemp(path);
    if (fd < 0)
        return err_set(err, FC_EUNAVAIL, "", "cannot create a temporary file for XLSX");
    close(fd);
    int rc = FC_OK;
    lxw_workbook *wb = workbook_new(path);
    if (!wb) {
        unlink(path);
        return err_set(err, FC_ENOMEM, "", "cannot start the XLSX workbook");
    }
    char sheet[32];
    snprintf(sheet, sizeof(sheet), "%.31s", t->name);
    lxw_worksheet *ws = workbook_add_worksheet(wb, sheet);
    lxw_format *bold = workbook_add_format(wb);
    format_set_bold(bold);
    lxw_format *pct = workbook_add_format(wb);
    format_set_num_format(pct, "0.0%");
    worksheet_write_string(ws, 0, 0, t->title, bold);
    for (size_t c = 0; c < t->n_cols; c++) {
        worksheet_write_string(ws, 2, (lxw_col_t)c, t->cols[c].label, bold);
        worksheet_set_column(ws, (lxw_col_t)c, (lxw_col_t)c, c == 0 ? 16 : 12, NULL);
    }
    for (size_t r = 0; r < t->n_rows; r++) {
        lxw_row_t row = (lxw_row_t)(r + 3);
        for (size_t c = 0; c < t->n_cols; c++) {
            const struct report_cell *cell = &t->cells[r * t->n_cols + c];
            if (cell->is_null)
                continue;
            switch (t->cols[c].kind) {
            case REPORT_TEXT:
                /* a string cell, never a formula, whatever the text starts with */
                worksheet_write_string(ws, row, (lxw_col_t)c, cell->s, NULL);
                break;
            case REPORT_INT:
                worksheet_write_number(ws, row, (lxw_col_t)c, (double)cell->i, NULL);
                break;
            case REPORT_SHARE:
                worksheet_write_number(ws, row, (lxw_col_t)c, cell->d, pct);
                break;
            case REPORT_REAL:
                worksheet_write_number(ws, row, (lxw_col_t)c, cell->d, NULL);
                break;
            }
        }
    }
    if (t->notes)
        worksheet_write_string(ws, (lxw_row_t)(t->n_rows + 4), 0, t->notes, NULL);
    lxw_error xe = workbook_close(wb);
    if (xe != LXW_NO_ERROR)
        rc = err_set(err, FC_EUNAVAIL, "", "cannot write the XLSX workbook: %s",
                     lxw_strerror(xe));
    else if (slurp(path, out, len) != 0)
        rc = err_set(err, FC_EUNAVAIL, "", "cannot read back the XLSX workbook");
    unlink(path);
    return rc;
}
