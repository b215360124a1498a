/*
 * store/store_copy.h: copies a whole store into another, of any backend, through the
 * store's whole-store copy operations (table_list, rows_each, rows_put, ...; store.h).
 *
 * Tables go in dependency order (a table after every table it references), rows in key
 * order with their ids, the audit chain unchanged; references to a later row of the same
 * table (a person merged into a newer one) are written afterwards. The target is written
 * in one transaction and checked before it commits: per table, the row count and a SHA-256
 * over the canonical text of every row in key order must match the source's; otherwise
 * nothing is written. The source is read in one transaction of its own (on SQLite that
 * holds off writers until the copy ends).
 * Threads: runs on the calling thread; each store uses that thread's connection.
 */
#ifndef FC_STORE_STORE_COPY_H
#define FC_STORE_STORE_COPY_H

#include "store/store.h"

struct store_copy_opts {
    /* false: refuse a target with rows in any data table. true: a target table whose
     * rows are the source's first rows in key order (count and checksum) gets only the
     * rest, so a repeated or resumed copy adds what the source gained since; a table
     * holding anything else is still refused. */
    bool allow_non_empty;
    size_t batch_rows; /* rows per rows_put; 0: 1000 */
};

struct store_copy_table {
    const char *name;
    int64_t rows;
    unsigned char sha256[32];
    int64_t present;  /* of them, already in the target (allow_non_empty), not copied */
};

struct store_copy_result {
    struct store_copy_table *tables; /* in copy order */
    size_t n_tables;
    int64_t rows; /* copied */
};

/* Progress: table i of n (0-based) with `done` of `total` rows so far; is_done once
 * per table, when it is complete. */
typedef void (*store_copy_progress_fn)(void *ctx, const char *table, size_t i, size_t n,
                                       int64_t done, int64_t total, bool is_done);

int store_copy(struct store *src, struct store *dst, const struct store_copy_opts *o,
               store_copy_progress_fn progress, void *progress_ctx, struct arena *a,
               struct store_copy_result *out, struct fc_err *err);

/* SHA-256 over a table's canonical rows in key order (the columns t names, in t's order). */
int store_copy_checksum(struct store *s, const struct store_table *t, int64_t *out_rows,
                        unsigned char out[32], struct fc_err *err);

#endif
