/*
 * bench/wtable.h: weighted tables read from the embedded CSVs (names with their
 * frequencies, streets with their postcodes), for the benchmarks' generated people.
 */
#ifndef FC_BENCH_WTABLE_H
#define FC_BENCH_WTABLE_H

#include <stddef.h>

struct wtable {
    char **s;     /* the name column */
    double *cum;  /* cumulative weights */
    char **extra; /* another column (street: postcode), NULL when not asked for */
    size_t n;
};

/* Reads embedded asset `path` (a CSV with a header row): column name_col, weighted by
 * weight_col (-1: all alike), with extra_col beside it (-1: none). Exits if it is missing. */
void wtable_load(struct wtable *t, const char *path, int name_col, int weight_col, int extra_col);
/* The row a uniform draw u in [0, 1) picks, by weight. */
size_t wtable_pick_at(const struct wtable *t, double u);
void wtable_free(struct wtable *t);

#endif
