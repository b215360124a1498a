/* Unit tests for intake/history: definitions/v1 (shared/DESIGN.md section 5). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>

#include "domain/intake/history.h"

static struct definitions_config cfg;
static const fc_time_t now = 1795000000; /* 2026-11-18 */
#define DAY 86400

static int setup(void **state)
{
    (void)state;
    struct fc_err err;
    return definitions_config_load("definitions/v1", &cfg, &err) == FC_OK ? 0 : -1;
}

static void test_history_repeat_victim_window_is_365_days(void **state)
{
    (void)state;
    fc_time_t calls[] = { now - 365 * DAY, now - 365 * DAY - 1, now + 10 };
    struct history_input in = { .now = now, .caller_contacts = calls, .n_caller_contacts = 1 };
    struct history_labels l;
    history_labels_compute(&cfg, &in, &l);
    assert_int_equal(l.prior_calls_12m, 1);
    assert_true(l.is_repeat_victim);
    in.caller_contacts = calls + 1;
    history_labels_compute(&cfg, &in, &l);
    assert_int_equal(l.prior_calls_12m, 0);
    assert_int_equal(l.prior_calls_ever, 1);
    assert_false(l.is_repeat_victim);
    in.caller_contacts = calls + 2; /* a later contact is never "prior" */
    history_labels_compute(&cfg, &in, &l);
    assert_int_equal(l.prior_calls_ever, 0);
}

static void test_history_persistent_and_high_volume(void **state)
{
    (void)state;
    fc_time_t calls[10];
    for (int i = 0; i < 10; i++)
        calls[i] = now - (i + 1) * 20 * DAY;
    struct history_input in = { .now = now, .caller_contacts = calls, .n_caller_contacts = 2 };
    struct history_labels l;
    history_labels_compute(&cfg, &in, &l);
    assert_false(l.is_persistent);
    in.n_caller_contacts = 3;
    history_labels_compute(&cfg, &in, &l);
    assert_true(l.is_persistent);
    assert_false(l.is_high_volume);
    in.n_caller_contacts = 10;
    history_labels_compute(&cfg, &in, &l);
    assert_true(l.is_high_volume);
}

static void test_history_distance_is_haversine(void **state)
{
    (void)state;
    /* 0.001 degree of latitude is about 111.2 m */
    double d = history_distance_m(52.6369, -1.1398, 52.6379, -1.1398);
    assert_true(fabs(d - 111.2) < 0.5);
    assert_true(history_distance_m(52.6369, -1.1398, 52.6369, -1.1398) < 1e-6);
}

static void test_history_repeat_location_by_key_uprn_or_50m(void **state)
{
    (void)state;
    struct history_incident inc[] = {
        { now - 10 * DAY, { NULL, "12 ash road le1 1aa", NAN, NAN } },
        { now - 20 * DAY, { "100030000001", NULL, NAN, NAN } },
        { now - 30 * DAY, { NULL, NULL, 52.63730, -1.1398 } },  /* ~44 m north */
        { now - 40 * DAY, { NULL, NULL, 52.63750, -1.1398 } },  /* ~67 m north */
        { now - 400 * DAY, { NULL, "12 ash road le1 1aa", NAN, NAN } }, /* too old */
    };
    struct history_input in = {
        .now = now,
        .place = { "100030000001", "12 ash road le1 1aa", 52.6369, -1.1398 },
        .place_incidents = inc,
        .n_place_incidents = 5,
    };
    struct history_labels l;
    history_labels_compute(&cfg, &in, &l);
    assert_int_equal(l.location_incidents_12m, 3);
    assert_true(l.is_repeat_location);
    in.n_place_incidents = 1;
    history_labels_compute(&cfg, &in, &l);
    assert_false(l.is_repeat_location);
}

static void test_history_repeat_perpetrator(void **state)
{
    (void)state;
    fc_time_t s1[] = { now, now - 100 * DAY };
    fc_time_t s2[] = { now, now - 500 * DAY };
    const fc_time_t *const per[] = { s2, s1 };
    size_t counts[] = { 2, 2 };
    struct history_input in = { .now = now, .n_suspects = 1, .suspect_incidents = per,
                                .n_suspect_incidents = counts };
    struct history_labels l;
    history_labels_compute(&cfg, &in, &l);
    assert_int_equal(l.suspect_incidents_max, 1);
    assert_false(l.is_repeat_perpetrator);
    in.n_suspects = 2;
    history_labels_compute(&cfg, &in, &l);
    assert_int_equal(l.suspect_incidents_max, 2);
    assert_true(l.is_repeat_perpetrator);
}

static void test_history_flag_in_force_at_contact_time(void **state)
{
    (void)state;
    struct history_flag later = { "vulnerable", now + 1, 0 };
    struct history_flag withdrawn = { "vulnerable", now - 50 * DAY, now - DAY };
    struct history_flag withdrawn_later = { "vulnerable", now - 50 * DAY, now + DAY };
    struct history_flag exact = { "vulnerable", now, 0 };
    assert_false(history_flag_in_force(&later, now));
    assert_false(history_flag_in_force(&withdrawn, now));
    assert_true(history_flag_in_force(&withdrawn_later, now));
    assert_true(history_flag_in_force(&exact, now));
    struct history_flag flags[] = { later, withdrawn };
    struct history_input in = { .now = now, .flags = flags, .n_flags = 2 };
    struct history_labels l;
    history_labels_compute(&cfg, &in, &l);
    assert_false(l.is_vulnerable);
    flags[1] = exact;
    history_labels_compute(&cfg, &in, &l);
    assert_true(l.is_vulnerable);
    assert_true(l.vulnerable_by_flag);
    assert_int_equal(l.flags_in_force, 1);
}

static void test_history_vulnerable_by_assessment_or_answer(void **state)
{
    (void)state;
    struct history_assessment as[] = { { RISK_STANDARD, now - 10 * DAY },
                                       { RISK_HIGH, now - 400 * DAY } };
    struct history_input in = { .now = now, .assessments = as, .n_assessments = 2 };
    struct history_labels l;
    history_labels_compute(&cfg, &in, &l);
    assert_false(l.is_vulnerable);
    as[0].level = RISK_MEDIUM;
    history_labels_compute(&cfg, &in, &l);
    assert_true(l.vulnerable_by_assessment);
    in.n_assessments = 0;
    in.vulnerable_answered = true;
    history_labels_compute(&cfg, &in, &l);
    assert_true(l.is_vulnerable);
    assert_true(l.vulnerable_by_answer);
    assert_false(l.vulnerable_by_assessment);
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_history_repeat_victim_window_is_365_days),
        cmocka_unit_test(test_history_persistent_and_high_volume),
        cmocka_unit_test(test_history_distance_is_haversine),
        cmocka_unit_test(test_history_repeat_location_by_key_uprn_or_50m),
        cmocka_unit_test(test_history_repeat_perpetrator),
        cmocka_unit_test(test_history_flag_in_force_at_contact_time),
        cmocka_unit_test(test_history_vulnerable_by_assessment_or_answer),
    };
    if (argc > 1)
        cmocka_set_test_filter(argv[1]);
    return cmocka_run_group_tests_name("domain/intake/history", tests, setup, NULL);
}
