/* Unit tests for cases/rules and cases/catalogue: reviews, escalation, action plan. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "domain/cases/catalogue.h"
#include "domain/cases/rules.h"

#define NOW 1800000000
#define DAY CASES_DAY_S

static void test_review_default_is_28_days(void **state)
{
    (void)state;
    assert_int_equal(cases_review_next_due(NOW, 0), NOW + 28 * DAY);
    assert_int_equal(cases_review_next_due(NOW, 14), NOW + 14 * DAY);
}

static void test_review_state_moves_to_overdue_after_due(void **state)
{
    (void)state;
    fc_time_t due = NOW + 28 * DAY;
    assert_int_equal(cases_review_state_at(due, NOW), CASES_REVIEW_NOT_DUE);
    assert_int_equal(cases_review_state_at(due, due - 2 * DAY), CASES_REVIEW_DUE_SOON);
    assert_int_equal(cases_review_state_at(due, due), CASES_REVIEW_DUE_SOON);
    assert_int_equal(cases_review_state_at(due, due + 1), CASES_REVIEW_OVERDUE);
}

static void test_review_interval_bounds(void **state)
{
    (void)state;
    struct fc_err err = { 0 };
    assert_int_equal(cases_review_interval_check(28, &err), FC_OK);
    assert_int_equal(cases_review_interval_check(3, &err), FC_EINVAL);
    assert_string_equal(err.field, "review_interval_days");
    assert_int_equal(cases_review_interval_check(365, &err), FC_EINVAL);
}

static void test_review_escalates_once_per_missed_due_date(void **state)
{
    (void)state;
    fc_time_t due = NOW - DAY;
    assert_true(cases_review_needs_escalation(true, due, NOW, 0));
    assert_false(cases_review_needs_escalation(true, due, NOW, due));     /* already done */
    assert_true(cases_review_needs_escalation(true, due, NOW, due - 28 * DAY)); /* older */
    assert_false(cases_review_needs_escalation(false, due, NOW, 0));     /* closed case */
    assert_false(cases_review_needs_escalation(true, NOW + DAY, NOW, 0)); /* not yet due */
}

static void test_supervisor_pick_prefers_team_then_org(void **state)
{
    (void)state;
    struct cases_staff lead = { 10, 1, ROLE_OFFICER, "Charnwood NPT", false };
    struct cases_staff staff[] = {
        { 5, 2, ROLE_SUPERVISOR, "Charnwood NPT", false },  /* other org */
        { 7, 1, ROLE_SUPERVISOR, "City Centre NPT", false },
        { 9, 1, ROLE_SUPERVISOR, "Charnwood NPT", true },   /* disabled */
        { 12, 1, ROLE_SUPERVISOR, "Charnwood NPT", false },
        { 11, 1, ROLE_OFFICER, "Charnwood NPT", false },
    };
    assert_int_equal(cases_supervisor_pick(&lead, staff, 5), 12);
    assert_int_equal(cases_supervisor_pick(&lead, staff, 3), 7); /* no team supervisor */
    assert_int_equal(cases_supervisor_pick(&lead, staff, 1), 0);
}

static void test_supervisor_pick_never_the_lead_themself(void **state)
{
    (void)state;
    struct cases_staff lead = { 12, 1, ROLE_SUPERVISOR, "Charnwood NPT", false };
    struct cases_staff staff[] = { { 12, 1, ROLE_SUPERVISOR, "Charnwood NPT", false } };
    assert_int_equal(cases_supervisor_pick(&lead, staff, 1), 0);
}

static void test_catalogue_has_every_listed_intervention(void **state)
{
    (void)state;
    static const char *const codes[] = { "warning_letter", "abc", "mediation", "cpw", "cpn",
                                         "civil_injunction", "cbo", "closure_notice",
                                         "closure_order", "support_referral", "free" };
    for (size_t i = 0; i < sizeof(codes) / sizeof(codes[0]); i++) {
        const struct cases_intervention_info *info = cases_catalogue_find(codes[i]);
        assert_non_null(info);
        assert_ptr_equal(cases_catalogue_get(info->id), info);
        assert_true(info->default_due_days > 0);
    }
    assert_null(cases_catalogue_find("asbo")); /* repealed by the 2014 Act */
    assert_string_equal(cases_catalogue_find("cpn")->label, "Community Protection Notice");
}

static struct cases_action_check_input action(enum cases_intervention iv, enum org_kind kind)
{
    struct cases_action_check_input in = { .intervention = iv, .owner_org_kind = kind,
                                           .subject_age_years = -1, .now = NOW };
    return in;
}

static void test_action_default_due_from_catalogue(void **state)
{
    (void)state;
    struct fc_err err = { 0 };
    struct cases_action_check_input in = action(CASES_IV_WARNING_LETTER, ORG_DISTRICT_COUNCIL);
    fc_time_t due = 0;
    assert_int_equal(cases_action_check(&in, NULL, 0, &due, &err), FC_OK);
    assert_int_equal(due, NOW + 7 * DAY);
}

static void test_action_cpn_needs_completed_cpw_for_same_subject(void **state)
{
    (void)state;
    struct fc_err err = { 0 };
    fc_time_t due;
    struct cases_action_check_input in = action(CASES_IV_CPN, ORG_FORCE);
    in.subject_person_id = 42;
    struct cases_action_brief planned = { CASES_IV_CPW, CASES_ACTION_PLANNED, 42 };
    struct cases_action_brief other = { CASES_IV_CPW, CASES_ACTION_DONE, 43 };
    struct cases_action_brief done = { CASES_IV_CPW, CASES_ACTION_DONE, 42 };
    assert_int_equal(cases_action_check(&in, NULL, 0, &due, &err), FC_EINVAL);
    assert_string_equal(err.field, "intervention");
    assert_int_equal(cases_action_check(&in, &planned, 1, &due, &err), FC_EINVAL);
    assert_int_equal(cases_action_check(&in, &other, 1, &due, &err), FC_EINVAL);
    assert_int_equal(cases_action_check(&in, &done, 1, &due, &err), FC_OK);
}

static void test_action_closure_order_needs_notice(void **state)
{
    (void)state;
    struct fc_err err = { 0 };
    fc_time_t due;
    struct cases_action_check_input in = action(CASES_IV_CLOSURE_ORDER, ORG_CITY_COUNCIL);
    struct cases_action_brief notice = { CASES_IV_CLOSURE_NOTICE, CASES_ACTION_DONE, 0 };
    assert_int_equal(cases_action_check(&in, NULL, 0, &due, &err), FC_EINVAL);
    assert_int_equal(cases_action_check(&in, &notice, 1, &due, &err), FC_OK);
}

static void test_action_issuer_and_age_rules(void **state)
{
    (void)state;
    struct fc_err err = { 0 };
    fc_time_t due;
    struct cases_action_check_input in = action(CASES_IV_CLOSURE_NOTICE, ORG_HOUSING_PROVIDER);
    assert_int_equal(cases_action_check(&in, NULL, 0, &due, &err), FC_EINVAL);
    assert_string_equal(err.field, "owner_org_id");
    in = action(CASES_IV_CPW, ORG_FORCE);
    in.subject_age_years = 15;
    assert_int_equal(cases_action_check(&in, NULL, 0, &due, &err), FC_EINVAL);
    assert_string_equal(err.field, "subject_person_id");
    in.subject_age_years = 16;
    assert_int_equal(cases_action_check(&in, NULL, 0, &due, &err), FC_OK);
    in = action(CASES_IV_SUPPORT_REFERRAL, ORG_HEALTH);
    assert_int_equal(cases_action_check(&in, NULL, 0, &due, &err), FC_OK);
}

static void test_action_free_needs_title_and_future_due(void **state)
{
    (void)state;
    struct fc_err err = { 0 };
    fc_time_t due;
    struct cases_action_check_input in = action(CASES_IV_FREE, ORG_FORCE);
    assert_int_equal(cases_action_check(&in, NULL, 0, &due, &err), FC_EINVAL);
    assert_string_equal(err.field, "title");
    in.title = "Install CCTV at the shop front";
    in.due_at = NOW - 3 * DAY;
    assert_int_equal(cases_action_check(&in, NULL, 0, &due, &err), FC_EINVAL);
    assert_string_equal(err.field, "due_at");
    in.due_at = NOW + 3 * DAY;
    assert_int_equal(cases_action_check(&in, NULL, 0, &due, &err), FC_OK);
    assert_int_equal(due, NOW + 3 * DAY);
}

static void test_action_status_moves(void **state)
{
    (void)state;
    assert_true(cases_action_transition_ok(CASES_ACTION_PLANNED, CASES_ACTION_IN_PROGRESS));
    assert_true(cases_action_transition_ok(CASES_ACTION_IN_PROGRESS, CASES_ACTION_DONE));
    assert_false(cases_action_transition_ok(CASES_ACTION_DONE, CASES_ACTION_PLANNED));
    assert_false(cases_action_transition_ok(CASES_ACTION_CANCELLED, CASES_ACTION_DONE));
    assert_false(cases_action_transition_ok(CASES_ACTION_IN_PROGRESS, CASES_ACTION_PLANNED));
    assert_true(cases_action_is_overdue(CASES_ACTION_PLANNED, NOW - 1, NOW));
    assert_false(cases_action_is_overdue(CASES_ACTION_DONE, NOW - 1, NOW));
    assert_false(cases_action_is_overdue(CASES_ACTION_IN_PROGRESS, NOW + 1, NOW));
    enum cases_action_status st;
    assert_true(cases_action_status_parse("in_progress", &st));
    assert_int_equal(st, CASES_ACTION_IN_PROGRESS);
    assert_false(cases_action_status_parse("finished", &st));
}

static void test_risk_lowering_needs_supervisor_and_reason(void **state)
{
    (void)state;
    struct fc_err err = { 0 };
    assert_int_equal(
        cases_risk_change_check(CASES_RISK_STANDARD, CASES_RISK_HIGH, ROLE_OFFICER, NULL, &err),
        FC_OK);
    assert_int_equal(
        cases_risk_change_check(CASES_RISK_HIGH, CASES_RISK_MEDIUM, ROLE_OFFICER, "x", &err),
        FC_EDENIED);
    assert_int_equal(
        cases_risk_change_check(CASES_RISK_HIGH, CASES_RISK_MEDIUM, ROLE_SUPERVISOR, "", &err),
        FC_EINVAL);
    assert_string_equal(err.field, "reason");
    assert_int_equal(cases_risk_change_check(CASES_RISK_HIGH, CASES_RISK_MEDIUM, ROLE_SUPERVISOR,
                                             "perpetrator rehoused", &err),
                     FC_OK);
}

static void test_closure_needs_known_outcome_and_reason(void **state)
{
    (void)state;
    struct fc_err err = { 0 };
    assert_int_equal(cases_closure_check("fixed", "done", &err), FC_EINVAL);
    assert_string_equal(err.field, "outcome");
    assert_int_equal(cases_closure_check("resolved", "", &err), FC_EINVAL);
    assert_string_equal(err.field, "reason");
    assert_int_equal(cases_closure_check("resolved", "No reports for 3 months", &err), FC_OK);
}

static void test_sharing_basis_required(void **state)
{
    (void)state;
    struct fc_err err = { 0 };
    assert_int_equal(cases_sharing_basis_check(NULL, &err), FC_EINVAL);
    assert_string_equal(err.field, "sharing_basis");
    assert_int_equal(cases_sharing_basis_check("Crime and Disorder Act 1998 s115", &err), FC_OK);
    assert_true(cases_party_role_is_valid("perpetrator"));
    assert_false(cases_party_role_is_valid("suspect"));
    enum cases_origin o;
    assert_true(cases_origin_parse("community_trigger", &o));
    assert_int_equal(o, CASES_ORIGIN_TRIGGER);
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_review_default_is_28_days),
        cmocka_unit_test(test_review_state_moves_to_overdue_after_due),
        cmocka_unit_test(test_review_interval_bounds),
        cmocka_unit_test(test_review_escalates_once_per_missed_due_date),
        cmocka_unit_test(test_supervisor_pick_prefers_team_then_org),
        cmocka_unit_test(test_supervisor_pick_never_the_lead_themself),
        cmocka_unit_test(test_catalogue_has_every_listed_intervention),
        cmocka_unit_test(test_action_default_due_from_catalogue),
        cmocka_unit_test(test_action_cpn_needs_completed_cpw_for_same_subject),
        cmocka_unit_test(test_action_closure_order_needs_notice),
        cmocka_unit_test(test_action_issuer_and_age_rules),
        cmocka_unit_test(test_action_free_needs_title_and_future_due),
        cmocka_unit_test(test_action_status_moves),
        cmocka_unit_test(test_risk_lowering_needs_supervisor_and_reason),
        cmocka_unit_test(test_closure_needs_known_outcome_and_reason),
        cmocka_unit_test(test_sharing_basis_required),
    };
    if (argc > 1)
        cmocka_set_test_filter(argv[1]);
    return cmocka_run_group_tests_name("cases/rules", tests, NULL, NULL);
}
