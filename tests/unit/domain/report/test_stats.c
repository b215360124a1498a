/* Unit tests for report/stats: Wilson intervals, benchmark verdicts, two-group z-test. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/report/stats.h"

static double round4(double v)
{
    return round(v * 10000.0) / 10000.0;
}

static void test_wilson_matches_newcombe_published_values(void **state)
{
    (void)state;
    const char *root = getenv("FC_SOURCE_DIR");
    char path[1024];
    snprintf(path, sizeof path, "%s/tests/unit/domain/report/wilson.tsv", root ? root : ".");
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    char line[256];
    int rows = 0, lineno = 0;
    while (fgets(line, sizeof line, f)) {
        lineno++;
        if (line[0] == '#' || line[0] == '\n')
            continue;
        long long x, n;
        double want_lo, want_hi, lo, hi;
        assert_int_equal(sscanf(line, "%lld\t%lld\t%lf\t%lf", &x, &n, &want_lo, &want_hi), 4);
        report_wilson(x, n, REPORT_Z95, &lo, &hi);
        if (fabs(round4(lo) - want_lo) > 1e-9 || fabs(round4(hi) - want_hi) > 1e-9)
            fail_msg("wilson.tsv line %d: %lld/%lld gave [%.4f, %.4f], want [%.4f, %.4f]",
                     lineno, x, n, lo, hi, want_lo, want_hi);
        rows++;
    }
    fclose(f);
    assert_int_equal(rows, 5);
}

static void test_wilson_of_empty_sample_is_nan(void **state)
{
    (void)state;
    double lo, hi;
    report_wilson(0, 0, REPORT_Z95, &lo, &hi);
    assert_true(isnan(lo) && isnan(hi));
    struct report_prop p;
    report_prop_make(0, 0, &p);
    assert_true(isnan(p.p));
    assert_true(p.is_suppressed);
}

static void test_prop_suppressed_below_fifty(void **state)
{
    (void)state;
    struct report_prop p;
    report_prop_make(30, 49, &p);
    assert_true(p.is_suppressed);
    report_prop_make(30, 50, &p);
    assert_false(p.is_suppressed);
    assert_int_equal(p.x, 30);
    assert_int_equal(p.n, 50);
    assert_true(fabs(p.p - 0.6) < 1e-12);
    assert_true(p.lo < 0.6 && p.hi > 0.6);
}

static void test_benchmark_verdict_uses_interval_rule(void **state)
{
    (void)state;
    struct report_prop p;
    report_prop_make(81, 263, &p); /* [0.2553, 0.3662] */
    assert_int_equal(report_benchmark_compare(&p, 0.25), REPORT_VERDICT_HIGHER);
    assert_int_equal(report_benchmark_compare(&p, 0.2553), REPORT_VERDICT_IN_LINE);
    assert_int_equal(report_benchmark_compare(&p, 0.31), REPORT_VERDICT_IN_LINE);
    assert_int_equal(report_benchmark_compare(&p, 0.37), REPORT_VERDICT_LOWER);
    assert_int_equal(report_benchmark_compare(&p, NAN), REPORT_VERDICT_NONE);
    assert_string_equal(report_verdict_text(REPORT_VERDICT_HIGHER), "higher than");
    report_prop_make(20, 40, &p); /* suppressed: no verdict whatever the benchmark */
    assert_int_equal(report_benchmark_compare(&p, 0.01), REPORT_VERDICT_NONE);
}

/* Hand-worked: 120/200 vs 100/200. pooled p = 0.55; se = sqrt(0.55*0.45*(1/200+1/200))
 * = 0.049749; z = (0.60 - 0.50)/0.049749 = 2.0101 -> higher. 110/200 vs 100/200 gives
 * z = 0.05/0.050 = 1.0050 (pooled 0.525, se 0.049937) -> in line. */
static void test_two_group_z_matches_hand_worked_example(void **state)
{
    (void)state;
    assert_true(fabs(report_two_group_z(120, 200, 100, 200) - 2.0101) < 1e-4);
    assert_true(fabs(report_two_group_z(110, 200, 100, 200) - 1.0013) < 1e-4);
    struct report_prop a, b;
    double z;
    report_prop_make(120, 200, &a);
    report_prop_make(100, 200, &b);
    assert_int_equal(report_two_group_compare(&a, &b, &z), REPORT_VERDICT_HIGHER);
    assert_int_equal(report_two_group_compare(&b, &a, &z), REPORT_VERDICT_LOWER);
    assert_true(z < -2.0);
    report_prop_make(110, 200, &a);
    assert_int_equal(report_two_group_compare(&a, &b, &z), REPORT_VERDICT_IN_LINE);
}

static void test_two_group_degenerate_inputs(void **state)
{
    (void)state;
    assert_true(report_two_group_z(50, 50, 60, 60) == 0.0); /* both all-yes: se = 0 */
    assert_true(isnan(report_two_group_z(1, 0, 2, 10)));
    struct report_prop a, b;
    report_prop_make(10, 20, &a); /* suppressed */
    report_prop_make(100, 200, &b);
    assert_int_equal(report_two_group_compare(&a, &b, NULL), REPORT_VERDICT_NONE);
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_wilson_matches_newcombe_published_values),
        cmocka_unit_test(test_wilson_of_empty_sample_is_nan),
        cmocka_unit_test(test_prop_suppressed_below_fifty),
        cmocka_unit_test(test_benchmark_verdict_uses_interval_rule),
        cmocka_unit_test(test_two_group_z_matches_hand_worked_example),
        cmocka_unit_test(test_two_group_degenerate_inputs),
    };
    if (argc > 1)
        cmocka_set_test_filter(argv[1]);
    return cmocka_run_group_tests_name("report/stats", tests, NULL, NULL);
}
