/* report/stats.c: Wilson intervals, benchmark comparison and the two-group z-test. */
#include "domain/report/stats.h"

#include <assert.h>
#include <math.h>

void report_wilson(int64_t x, int64_t n, double z, double *lo, double *hi)
{
    assert(x >= 0 && x <= n);
    if (n <= 0) {
        *lo = NAN;
        *hi = NAN;
        return;
    }
    double nd = (double)n;
    double p = (double)x / nd;
    double z2 = z * z;
    double denom = 1.0 + z2 / nd;
    double centre = (p + z2 / (2.0 * nd)) / denom;
    double half = z * sqrt(p * (1.0 - p) / nd + z2 / (4.0 * nd * nd)) / denom;
    double l = centre - half, h = centre + half;
    *lo = l < 0.0 ? 0.0 : l; /* rounding can leave -1e-17 at x == 0 */
    *hi = h > 1.0 ? 1.0 : h;
}

void report_prop_make(int64_t x, int64_t n, struct report_prop *out)
{
    out->x = x;
    out->n = n;
    out->p = n > 0 ? (double)x / (double)n : NAN;
    report_wilson(x, n, REPORT_Z95, &out->lo, &out->hi);
    out->is_suppressed = n < REPORT_MIN_CELL_N;
}

enum report_verdict report_benchmark_compare(const struct report_prop *p, double b)
{
    if (p->is_suppressed || p->n <= 0 || isnan(b))
        return REPORT_VERDICT_NONE;
    if (p->lo > b)
        return REPORT_VERDICT_HIGHER;
    if (p->hi < b)
        return REPORT_VERDICT_LOWER;
    return REPORT_VERDICT_IN_LINE;
}

double report_two_group_z(int64_t x1, int64_t n1, int64_t x2, int64_t n2)
{
    if (n1 <= 0 || n2 <= 0)
        return NAN;
    double pooled = (double)(x1 + x2) / (double)(n1 + n2);
    double se = sqrt(pooled * (1.0 - pooled) * (1.0 / (double)n1 + 1.0 / (double)n2));
    if (se == 0.0)
        return 0.0;
    return ((double)x1 / (double)n1 - (double)x2 / (double)n2) / se;
}

enum report_verdict report_two_group_compare(const struct report_prop *g1,
                                             const struct report_prop *g2, double *out_z)
{
    double z = report_two_group_z(g1->x, g1->n, g2->x, g2->n);
    if (out_z)
        *out_z = z;
    if (g1->is_suppressed || g2->is_suppressed || isnan(z))
        return REPORT_VERDICT_NONE;
    if (z > REPORT_Z95)
        return REPORT_VERDICT_HIGHER;
    if (z < -REPORT_Z95)
        return REPORT_VERDICT_LOWER;
    return REPORT_VERDICT_IN_LINE;
}

const char *report_verdict_text(enum report_verdict v)
{
    switch (v) {
    case REPORT_VERDICT_LOWER:
        return "lower than";
    case REPORT_VERDICT_IN_LINE:
        return "in line with";
    case REPORT_VERDICT_HIGHER:
        return "higher than";
    case REPORT_VERDICT_NONE:
        break;
    }
    return "";
}
