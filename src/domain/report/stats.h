/*
 * report/stats.h: the statistics behind every satisfaction and performance figure.
 *
 * Wilson 95% score intervals for a proportion, the comparison of an interval with a
 * published benchmark figure, the pooled two-proportion z-test, and the small-cell
 * suppression rule, exactly as shared/DESIGN.md section 9 states them. A figure is never
 * shown without its n, so struct report_prop carries x and n beside the estimate.
 * Pure functions; thread-safe; knows nothing of storage or HTTP.
 */
#ifndef FC_DOMAIN_REPORT_STATS_H
#define FC_DOMAIN_REPORT_STATS_H

#include <stdbool.h>
#include <stdint.h>

#define REPORT_Z95 1.96      /* two-sided 95%: DESIGN.md section 9 */
#define REPORT_MIN_CELL_N 50 /* [FC] suppress any cell with n < 50 */

/* How a figure stands against another: a benchmark or a second group. */
enum report_verdict {
    REPORT_VERDICT_NONE,       /* nothing to compare with, or the cell is suppressed */
    REPORT_VERDICT_LOWER,      /* "lower than" */
    REPORT_VERDICT_IN_LINE,    /* "in line with" */
    REPORT_VERDICT_HIGHER,     /* "higher than" */
};

/* One proportion x/n with its Wilson interval. When n < REPORT_MIN_CELL_N the estimate
 * and bounds are still computed but is_suppressed is set and renderers show only n. */
struct report_prop {
    int64_t x, n;
    double p, lo, hi; /* NaN when n == 0 */
    bool is_suppressed;
};

/*
 * Wilson score interval (Wilson 1927; Newcombe 1998 method 3) for x successes in n trials
 * at normal quantile z: centre = (p + z^2/2n)/(1 + z^2/n), half-width =
 * z*sqrt(p(1-p)/n + z^2/4n^2)/(1 + z^2/n). Bounds are clamped to [0, 1]. For n == 0 the
 * bounds are NaN. Requires 0 <= x <= n.
 */
void report_wilson(int64_t x, int64_t n, double z, double *lo, double *hi);

/* Fills out with x, n, p = x/n, the 95% Wilson bounds and the suppression flag. */
void report_prop_make(int64_t x, int64_t n, struct report_prop *out);

/*
 * Against a published figure b (a share in [0, 1]): "higher than" if the lower bound is
 * above b, "lower than" if the upper bound is below b, otherwise "in line with".
 * Suppressed cells and NaN benchmarks give REPORT_VERDICT_NONE.
 */
enum report_verdict report_benchmark_compare(const struct report_prop *p, double b);

/*
 * Pooled two-proportion z statistic: p = (x1+x2)/(n1+n2),
 * z = (x1/n1 - x2/n2) / sqrt(p(1-p)(1/n1 + 1/n2)). Returns 0 when the standard error is
 * zero (both groups all-yes or all-no) and NaN when either n is 0.
 */
double report_two_group_z(int64_t x1, int64_t n1, int64_t x2, int64_t n2);

/*
 * Two-sided test at alpha = 0.05 of group 1 against group 2 (e.g. the force against the
 * rest of England and Wales, which must exclude the force): z > 1.96 "higher than",
 * z < -1.96 "lower than", else "in line with". NONE when either group is suppressed.
 */
enum report_verdict report_two_group_compare(const struct report_prop *g1,
                                             const struct report_prop *g2, double *out_z);

/* "lower than", "in line with", "higher than" or "" for NONE. */
const char *report_verdict_text(enum report_verdict v);

#endif
