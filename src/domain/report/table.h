/*
 * report/table.h: a report as a typed table, and its renderings (JSON, CSV, XLSX).
 *
 * Every report is built as one table of typed cells (text, integer, share, nothing), so the
 * dashboard, the API downloads and the PDF pack show the same figures. A share is always in
 * a row that also carries its n; suppressed cells are NULL, never a number. CSV text cells
 * go through the formula-injection guard (util/csv.h); XLSX writes text as strings, so a
 * leading "=" is never a formula there either.
 * Memory: a table and its strings live in the arena given to report_table_init.
 * Not thread-safe: one table per request.
 */
#ifndef FC_DOMAIN_REPORT_TABLE_H
#define FC_DOMAIN_REPORT_TABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "util/arena.h"
#include "util/err.h"

enum report_kind { REPORT_TEXT, REPORT_INT, REPORT_SHARE, REPORT_REAL };

struct report_col {
    const char *key;   /* JSON member and CSV header: "lsoa_code" */
    const char *label; /* for people: "LSOA" */
    enum report_kind kind;
};

struct report_cell {
    bool is_null;
    const char *s;
    int64_t i;
    double d; /* REPORT_SHARE: a share in [0, 1]; REPORT_REAL: any number */
};

struct report_table {
    struct arena *a;
    const char *name;  /* "satisfaction" */
    const char *title; /* "Victim satisfaction (survey/v1)" */
    const char *notes; /* method, suppression rule, sources and attribution */
    size_t n_cols;
    const struct report_col *cols;
    size_t n_rows, cap_rows;
    struct report_cell *cells; /* row-major, n_rows * n_cols */
};

/* Starts an empty table; cols must outlive it (usually a static array). */
void report_table_init(struct report_table *t, struct arena *a, const char *name,
                       const char *title, const struct report_col *cols, size_t n_cols);
/* Appends a row of NULL cells and returns it (n_cols cells), or NULL when out of memory. */
struct report_cell *report_table_row(struct report_table *t);
/* Cell setters; text is copied into the table's arena. */
void report_cell_text(struct report_table *t, struct report_cell *c, const char *s);
void report_cell_int(struct report_cell *c, int64_t v);
void report_cell_share(struct report_cell *c, double v); /* NaN stays NULL */
void report_cell_real(struct report_cell *c, double v);  /* NaN stays NULL */
/* The cell of row r, column key; NULL if no such column. */
const struct report_cell *report_table_cell(const struct report_table *t, size_t r,
                                            const char *key);

/* {"report", "title", "notes", "columns": [{key, label, type}], "rows": [{key: value}]}. */
int report_render_json(const struct report_table *t, char **out, size_t *len, struct fc_err *err);
/* Header of column keys, then rows; shares as decimals to 4 places. */
int report_render_csv(const struct report_table *t, FILE *f, struct fc_err *err);
/* One worksheet named after the report, labels as headers, notes below. *out is malloc'd. */
int report_render_xlsx(const struct report_table *t, char **out, size_t *len, struct fc_err *err);
/* A cell as people read it: "62.1%", "1,234", "" for NULL. Buffer of at least 32 bytes. */
void report_cell_format(const struct report_col *col, const struct report_cell *c, char *buf,
                        size_t cap);

#endif
