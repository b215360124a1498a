/*
 * util/csv.h: an RFC 4180 CSV reader and a guarded writer.
 *
 * The reader takes a whole buffer (a file read into memory or an embedded asset) and hands
 * out one record at a time; fields point into a per-reader buffer valid until the next
 * call. It tracks the physical line number so errors can name it. The writer quotes as
 * needed and, for exports opened by people in spreadsheets, neutralises formula injection
 * (a leading =, +, -, @, tab or CR gets a leading apostrophe).
 * Not thread-safe: one reader per thread.
 */
#ifndef FC_UTIL_CSV_H
#define FC_UTIL_CSV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "util/err.h"

#define CSV_MAX_FIELDS 256

struct csv_reader {
    const char *p, *end;
    size_t line;        /* physical line where the current record starts (1-based) */
    size_t next_line;
    char *buf;          /* unescaped field bytes */
    size_t buf_cap;
    size_t n_fields;
    char *fields[CSV_MAX_FIELDS];
    size_t max_field_bytes; /* 0 = no limit */
};

/* Starts reading `len` bytes at `data`; a leading UTF-8 BOM is skipped. */
void csv_reader_init(struct csv_reader *r, const char *data, size_t len);
void csv_reader_free(struct csv_reader *r);
/*
 * Reads the next record. Returns 1 with fields set, 0 at end of input, or a negative
 * fc_status on malformed input (err names the line).
 */
int csv_read(struct csv_reader *r, struct fc_err *err);
/* Index of a header field by name in the current record, or -1. */
int csv_field_index(const struct csv_reader *r, const char *name);

/* Reads a whole file into a NUL-terminated malloc'd buffer. */
int csv_file_slurp(const char *path, char **out, size_t *len, struct fc_err *err);

/* Writes one field (quoted when needed); guard_formula for spreadsheets. */
void csv_write_field(FILE *f, const char *s, bool guard_formula);

#endif
