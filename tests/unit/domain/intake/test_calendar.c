/* Unit tests for intake/calendar: London time and English working days. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "domain/intake/calendar.h"
#include "util/timeutil.h"

static int64_t t(const char *iso)
{
    int64_t v;
    int off;
    assert_true(time_parse_iso8601(iso, &v, &off));
    return v;
}

static int64_t day(int y, int m, int d)
{
    return time_days_from_civil(y, m, d);
}

static void test_calendar_bst_starts_and_ends_at_0100_utc(void **state)
{
    (void)state;
    assert_int_equal(calendar_london_offset_min(t("2026-03-29T00:59:59Z")), 0);
    assert_int_equal(calendar_london_offset_min(t("2026-03-29T01:00:00Z")), 60);
    assert_int_equal(calendar_london_offset_min(t("2026-10-25T00:59:59Z")), 60);
    assert_int_equal(calendar_london_offset_min(t("2026-10-25T01:00:00Z")), 0);
    assert_int_equal(calendar_london_offset_min(t("2027-01-15T12:00:00Z")), 0);
    /* 23:30 UTC on 30 June is already 1 July in London */
    assert_int_equal(calendar_london_day(t("2026-06-30T23:30:00Z")), day(2026, 7, 1));
    assert_int_equal(calendar_london_midnight_utc(day(2026, 7, 1)), t("2026-06-30T23:00:00Z"));
    assert_int_equal(calendar_london_midnight_utc(day(2026, 12, 1)), t("2026-12-01T00:00:00Z"));
}

static void test_calendar_bank_holidays_and_weekends(void **state)
{
    (void)state;
    assert_true(calendar_is_bank_holiday(day(2026, 12, 28))); /* Boxing Day substitute */
    assert_true(calendar_is_bank_holiday(day(2026, 4, 3)));   /* Good Friday */
    assert_false(calendar_is_working_day(day(2026, 11, 28))); /* Saturday */
    assert_false(calendar_is_working_day(day(2026, 11, 29))); /* Sunday */
    assert_true(calendar_is_working_day(day(2026, 11, 30)));
    assert_false(calendar_is_working_day(day(2022, 9, 19))); /* state funeral */
}

static void test_calendar_add_working_days(void **state)
{
    (void)state;
    /* Friday 27 Nov 2026 + 5 working days = Friday 4 Dec */
    assert_int_equal(calendar_add_working_days(day(2026, 11, 27), 5), day(2026, 12, 4));
    /* Wednesday 23 Dec 2026: 24th, then 25th and 28th are bank holidays, so 29th */
    assert_int_equal(calendar_add_working_days(day(2026, 12, 23), 1), day(2026, 12, 24));
    assert_int_equal(calendar_add_working_days(day(2026, 12, 23), 2), day(2026, 12, 29));
    /* Easter 2026: Thursday 2 April + 1 skips Good Friday, the weekend and Easter Monday */
    assert_int_equal(calendar_add_working_days(day(2026, 4, 2), 1), day(2026, 4, 7));
    assert_int_equal(calendar_add_working_days(day(2026, 4, 2), 0), day(2026, 4, 2));
}

static void test_calendar_deadline_ends_the_london_day(void **state)
{
    (void)state;
    assert_int_equal(calendar_working_deadline(t("2026-11-27T14:00:00Z"), 5),
                     t("2026-12-04T23:59:59Z"));
    /* in summer the London day ends at 22:59:59 UTC */
    assert_int_equal(calendar_working_deadline(t("2026-07-01T10:00:00Z"), 5),
                     t("2026-07-08T22:59:59Z"));
    /* 23:30 UTC on Friday 3 July is Saturday in London: the clock starts from Saturday */
    assert_int_equal(calendar_working_deadline(t("2026-07-03T23:30:00Z"), 1),
                     t("2026-07-06T22:59:59Z"));
}

static void test_calendar_working_days_between(void **state)
{
    (void)state;
    assert_int_equal(calendar_working_days_between(t("2026-12-23T09:00:00Z"),
                                                   t("2027-01-05T09:00:00Z")),
                     6); /* 24, 29, 30, 31 Dec, 4, 5 Jan */
    assert_int_equal(calendar_working_days_between(t("2026-11-30T09:00:00Z"),
                                                   t("2026-11-30T18:00:00Z")),
                     0);
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_calendar_bst_starts_and_ends_at_0100_utc),
        cmocka_unit_test(test_calendar_bank_holidays_and_weekends),
        cmocka_unit_test(test_calendar_add_working_days),
        cmocka_unit_test(test_calendar_deadline_ends_the_london_day),
        cmocka_unit_test(test_calendar_working_days_between),
    };
    if (argc > 1)
        cmocka_set_test_filter(argv[1]);
    return cmocka_run_group_tests_name("domain/intake/calendar", tests, NULL, NULL);
}
