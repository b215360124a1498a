/* Unit tests for intake/tasks, intake/updates and intake/teams: follow-through rules. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "domain/intake/rules.h"
#include "util/timeutil.h"

static struct intake_rules *rules;

static int setup(void **state)
{
    (void)state;
    struct fc_err err;
    return intake_rules_load(&rules, &err) == FC_OK ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    intake_rules_free(rules);
    return 0;
}

static int64_t t(const char *iso)
{
    int64_t v;
    int off;
    assert_true(time_parse_iso8601(iso, &v, &off));
    return v;
}

static const struct task_plan *find(const struct task_plan *p, size_t n, const char *kind,
                                    const char *rank)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(p[i].kind, kind) == 0 && strcmp(p[i].rank, rank) == 0)
            return &p[i];
    return NULL;
}

static void test_tasks_not_low_risk_repeat_contact(void **state)
{
    (void)state;
    fc_time_t at = t("2026-11-02T09:00:00Z");
    struct tasks_input in = { .at = at, .needs_full = true, .is_repeat = true, .has_grade = true,
                              .grade = GRADE_SCHEDULED };
    struct task_plan p[TASKS_MAX_PLANNED];
    size_t n = tasks_plan_contact(&rules->tasks, &rules->risk, &rules->grading, &in, p,
                                  TASKS_MAX_PLANNED);
    assert_int_equal(n, 3);
    const struct task_plan *full = find(p, n, "full_assessment", "");
    assert_non_null(full);
    assert_int_equal(full->due_at, at + 24 * 3600);
    const struct task_plan *visit = find(p, n, "visit", "");
    assert_non_null(visit);
    assert_int_equal(visit->due_at, at + 48 * 3600);
    const struct task_plan *review = find(p, n, "review", "supervisor");
    assert_non_null(review);
    assert_string_equal(review->reason, "repeat contact: supervisor review");
    assert_null(find(p, n, "partner_referral", ""));
}

static void test_tasks_first_time_low_risk_gets_only_its_grade(void **state)
{
    (void)state;
    fc_time_t at = t("2026-11-02T09:00:00Z");
    struct tasks_input in = { .at = at, .has_grade = true, .grade = GRADE_RESOLVED_FIRST_CONTACT };
    struct task_plan p[TASKS_MAX_PLANNED];
    size_t n = tasks_plan_contact(&rules->tasks, &rules->risk, &rules->grading, &in, p,
                                  TASKS_MAX_PLANNED);
    assert_int_equal(n, 1);
    assert_string_equal(p[0].kind, "call_back");
    assert_int_equal(p[0].due_at, at + 24 * 3600);
    in.has_case = true;
    n = tasks_plan_contact(&rules->tasks, &rules->risk, &rules->grading, &in, p,
                           TASKS_MAX_PLANNED);
    assert_int_equal(n, 2);
    assert_non_null(find(p, n, "partner_referral", ""));
}

static void test_tasks_high_assessment_contact_plan_and_reviews(void **state)
{
    (void)state;
    fc_time_t at = t("2026-11-03T09:00:00Z");
    struct tasks_input in = { .at = at, .has_level = true, .level = RISK_HIGH };
    struct task_plan p[TASKS_MAX_PLANNED];
    size_t n = tasks_plan_assessment(&rules->tasks, &rules->risk, &in, p, TASKS_MAX_PLANNED);
    assert_int_equal(n, 6);
    assert_int_equal(find(p, n, "call_back", "")->due_at, at + 24 * 3600);
    assert_int_equal(find(p, n, "action_plan", "")->due_at, at + 72 * 3600);
    assert_int_equal(find(p, n, "review", "supervisor")->due_at, at + 24 * 3600);
    assert_int_equal(find(p, n, "review", "sergeant")->due_at, at + 14 * 86400);
    assert_int_equal(find(p, n, "review", "inspector")->due_at, at + 28 * 86400);
    assert_int_equal(find(p, n, "review", "chief_inspector")->due_at, at + 56 * 86400);
    in.level = RISK_MEDIUM;
    n = tasks_plan_assessment(&rules->tasks, &rules->risk, &in, p, TASKS_MAX_PLANNED);
    assert_int_equal(n, 3);
    assert_int_equal(find(p, n, "call_back", "")->due_at, at + 72 * 3600);
    assert_null(find(p, n, "review", "supervisor"));
    in.level = RISK_STANDARD;
    assert_int_equal(tasks_plan_assessment(&rules->tasks, &rules->risk, &in, p,
                                           TASKS_MAX_PLANNED),
                     0);
    assert_true(tasks_is_overdue(at, true, at + 1));
    assert_false(tasks_is_overdue(at, false, at + 1));
    assert_false(tasks_is_overdue(at, true, at));
}

static void test_updates_enhanced_victims(void **state)
{
    (void)state;
    const struct updates_config *u = &rules->updates;
    struct updates_victim v = { 0 };
    assert_false(updates_is_enhanced(u, &v));
    v.prior_contacts_12m = 3;
    assert_true(updates_is_enhanced(u, &v));
    struct updates_victim medium = { .has_level = true, .level = RISK_MEDIUM };
    assert_true(updates_is_enhanced(u, &medium));
    struct updates_victim flag = { .flag_in_force = true };
    assert_true(updates_is_enhanced(u, &flag));
    struct updates_victim hate = { .is_hate = true };
    assert_true(updates_is_enhanced(u, &hate));
}

static void test_updates_due_times(void **state)
{
    (void)state;
    const struct updates_config *u = &rules->updates;
    fc_time_t event = t("2026-11-27T16:00:00Z"); /* Friday */
    assert_int_equal(updates_key_event_due(u, true, event), t("2026-11-30T23:59:59Z"));
    assert_int_equal(updates_key_event_due(u, false, event), t("2026-12-04T23:59:59Z"));
    int freq = 0;
    const char *channel = NULL;
    struct fc_err err;
    assert_int_equal(updates_plan_validate(u, &freq, &channel, &err), FC_OK);
    assert_int_equal(freq, 10);
    assert_string_equal(channel, "phone");
    assert_int_equal(updates_next_due(freq, event), t("2026-12-11T23:59:59Z"));
    channel = "pigeon";
    assert_int_equal(updates_plan_validate(u, &freq, &channel, &err), FC_EINVAL);
    assert_string_equal(err.field, "channel");
    freq = 61;
    channel = "email";
    assert_int_equal(updates_plan_validate(u, &freq, &channel, &err), FC_EINVAL);
    assert_string_equal(err.field, "frequency_working_days");
    assert_true(updates_closure_code_known(u, "case_opened"));
    assert_false(updates_closure_code_known(u, "lost"));
}

static void test_teams_map_lsoa_to_district_team(void **state)
{
    (void)state;
    assert_int_equal(rules->teams.n, 634);
    const struct team_area *a = teams_map_lookup(&rules->teams, "E01013600");
    assert_non_null(a);
    assert_string_equal(a->team_id, "npt_leicester");
    assert_string_equal(a->district, "Leicester");
    assert_null(teams_map_lookup(&rules->teams, "E99999999"));
    assert_null(teams_map_lookup(&rules->teams, NULL));
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_tasks_not_low_risk_repeat_contact),
        cmocka_unit_test(test_tasks_first_time_low_risk_gets_only_its_grade),
        cmocka_unit_test(test_tasks_high_assessment_contact_plan_and_reviews),
        cmocka_unit_test(test_updates_enhanced_victims),
        cmocka_unit_test(test_updates_due_times),
        cmocka_unit_test(test_teams_map_lsoa_to_district_team),
    };
    if (argc > 1)
        cmocka_set_test_filter(argv[1]);
    return cmocka_run_group_tests_name("domain/intake/followup", tests, setup, teardown);
}
