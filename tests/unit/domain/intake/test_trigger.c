/* Unit tests for intake/trigger: trigger/v1, 2014 Act s.104 (shared/DESIGN.md section 7). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "domain/intake/trigger.h"
#include "util/timeutil.h"

static struct trigger_config cfg;

static int setup(void **state)
{
    (void)state;
    struct fc_err err;
    return trigger_config_load("trigger/v1", &cfg, &err) == FC_OK ? 0 : -1;
}

static int64_t t(const char *iso)
{
    int64_t v;
    int off;
    assert_true(time_parse_iso8601(iso, &v, &off));
    return v;
}

static void test_trigger_window_is_six_calendar_months(void **state)
{
    (void)state;
    assert_int_equal(trigger_window_start(&cfg, t("2026-11-29T10:00:00Z")),
                     t("2026-05-29T10:00:00Z"));
    assert_int_equal(trigger_window_start(&cfg, t("2026-08-31T10:00:00Z")),
                     t("2026-02-28T10:00:00Z"));
    assert_int_equal(trigger_window_start(&cfg, t("2026-03-15T00:00:00Z")),
                     t("2025-09-15T00:00:00Z"));
}

static void test_trigger_second_report_prompts_third_is_eligible(void **state)
{
    (void)state;
    const char *key = "12 ash road";
    struct trigger_complaint earlier[] = {
        { 7, key, t("2026-09-01T10:00:00Z"), 0, false },
        { 7, key, t("2026-10-01T10:00:00Z"), 0, false },
        { 7, key, t("2026-01-01T10:00:00Z"), 0, false }, /* outside six months */
    };
    struct trigger_complaint now = { 7, key, t("2026-11-01T10:00:00Z"), 0, false };
    struct trigger_status st;
    trigger_evaluate(&cfg, &now, earlier, 1, &st);
    assert_int_equal(st.applicant_count, 2);
    assert_true(st.should_prompt);
    assert_false(st.is_eligible);
    trigger_evaluate(&cfg, &now, earlier, 3, &st);
    assert_int_equal(st.applicant_count, 3);
    assert_true(st.is_eligible);
    assert_false(st.should_prompt);
    assert_string_equal(st.basis, "applicant");
    trigger_evaluate(&cfg, &now, earlier + 2, 1, &st);
    assert_int_equal(st.applicant_count, 1);
    assert_false(st.should_prompt);
}

static void test_trigger_five_people_about_one_problem(void **state)
{
    (void)state;
    const char *key = "park lane play area";
    struct trigger_complaint earlier[] = {
        { 2, key, t("2026-10-01T10:00:00Z"), 0, false },
        { 3, key, t("2026-10-02T10:00:00Z"), 0, false },
        { 3, key, t("2026-10-03T10:00:00Z"), 0, false }, /* same person again */
        { 4, key, t("2026-10-04T10:00:00Z"), 0, false },
        { 9, "elsewhere", t("2026-10-04T10:00:00Z"), 0, false },
        { 5, key, t("2026-10-05T10:00:00Z"), 0, false },
    };
    struct trigger_complaint now = { 1, key, t("2026-11-01T10:00:00Z"), 0, false };
    struct trigger_status st;
    trigger_evaluate(&cfg, &now, earlier, 5, &st);
    assert_int_equal(st.problem_people, 4);
    assert_false(st.is_eligible);
    trigger_evaluate(&cfg, &now, earlier, 6, &st);
    assert_int_equal(st.problem_people, 5);
    assert_true(st.is_eligible);
    assert_string_equal(st.basis, "problem");
}

static void test_trigger_late_complaint_does_not_qualify(void **state)
{
    (void)state;
    struct trigger_complaint earlier[] = {
        { 7, NULL, t("2026-10-01T10:00:00Z"), t("2026-08-01T10:00:00Z"), false },
        { 7, NULL, t("2026-10-02T10:00:00Z"), t("2026-09-20T10:00:00Z"), false },
    };
    struct trigger_complaint now = { 7, NULL, t("2026-11-01T10:00:00Z"), 0, false };
    struct trigger_status st;
    trigger_evaluate(&cfg, &now, earlier, 2, &st);
    assert_int_equal(st.applicant_count, 2);
    assert_false(st.is_eligible);
}

static void test_trigger_anonymous_complaints_never_count_per_person(void **state)
{
    (void)state;
    struct trigger_complaint earlier[] = {
        { 0, NULL, t("2026-10-01T10:00:00Z"), 0, false },
        { 0, NULL, t("2026-10-02T10:00:00Z"), 0, false },
    };
    struct trigger_complaint now = { 0, NULL, t("2026-11-01T10:00:00Z"), 0, false };
    struct trigger_status st;
    trigger_evaluate(&cfg, &now, earlier, 2, &st);
    assert_int_equal(st.applicant_count, 1);
    assert_false(st.is_eligible);
}

static void test_trigger_steps_run_in_working_days(void **state)
{
    (void)state;
    struct trigger_step_due due[TRIGGER_MAX_STEPS];
    fc_time_t done[TRIGGER_MAX_STEPS] = { 0 };
    fc_time_t applied = t("2026-11-27T10:00:00Z"); /* a Friday */
    assert_int_equal(trigger_steps_plan(&cfg, applied, done, due), 4);
    assert_string_equal(due[0].id, "acknowledge");
    assert_int_equal(due[0].due_at, t("2026-12-04T23:59:59Z"));
    assert_string_equal(due[1].id, "threshold_decision");
    assert_int_equal(due[1].due_at, t("2026-12-11T23:59:59Z"));
    assert_int_equal(due[2].due_at, 0); /* review waits for the decision */
    done[1] = t("2026-12-10T15:00:00Z");
    trigger_steps_plan(&cfg, applied, done, due);
    /* 20 working days from 10 Dec skips 25, 28 Dec and 1 Jan */
    assert_int_equal(due[2].due_at, t("2027-01-12T23:59:59Z"));
    assert_int_equal(due[3].due_at, 0);
    done[2] = t("2027-01-08T12:00:00Z");
    trigger_steps_plan(&cfg, applied, done, due);
    assert_int_equal(due[3].due_at, t("2027-01-15T23:59:59Z"));
    assert_int_equal(trigger_step_index(&cfg, "outcome_letter"), 3);
    assert_int_equal(trigger_step_index(&cfg, "appeal"), -1);
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_trigger_window_is_six_calendar_months),
        cmocka_unit_test(test_trigger_second_report_prompts_third_is_eligible),
        cmocka_unit_test(test_trigger_five_people_about_one_problem),
        cmocka_unit_test(test_trigger_late_complaint_does_not_qualify),
        cmocka_unit_test(test_trigger_anonymous_complaints_never_count_per_person),
        cmocka_unit_test(test_trigger_steps_run_in_working_days),
    };
    if (argc > 1)
        cmocka_set_test_filter(argv[1]);
    return cmocka_run_group_tests_name("domain/intake/trigger", tests, setup, NULL);
}
