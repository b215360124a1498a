/* Unit tests for risk/risk: risk/v1 worked examples from shared/DESIGN.md sections 4.2-4.4. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "domain/risk/risk.h"

static struct risk_config cfg;

static int setup(void **state)
{
    (void)state;
    struct fc_err err;
    return risk_config_load("risk/v1", &cfg, &err) == FC_OK ? 0 : -1;
}

/* Builds answers from "ID=value" strings. */
static void answers(const char *stage, struct risk_answers *a, const char *const *kv, size_t n)
{
    memset(a, 0, sizeof(*a));
    for (size_t i = 0; i < n; i++) {
        char id[16];
        const char *eq = strchr(kv[i], '=');
        assert_non_null(eq);
        memcpy(id, kv[i], (size_t)(eq - kv[i]));
        id[eq - kv[i]] = '\0';
        struct fc_err err;
        assert_int_equal(risk_answers_add(&cfg, stage, a, id, eq + 1, &err), FC_OK);
    }
}

#define ANSWERS(stage, a, ...)                                                                  \
    do {                                                                                       \
        static const char *const kv_[] = { __VA_ARGS__ };                                      \
        answers(stage, a, kv_, sizeof(kv_) / sizeof(kv_[0]));                                  \
    } while (0)

static bool fired(const struct risk_result *r, const char *id)
{
    for (size_t i = 0; i < r->n_fired; i++)
        if (strcmp(r->fired[i].id, id) == 0)
            return true;
    return false;
}

static void test_risk_config_has_design_questions_and_max_54(void **state)
{
    (void)state;
    assert_string_equal(cfg.version, "risk/v1");
    assert_int_equal(cfg.n_screening, 7);
    assert_string_equal(cfg.screening[0].id, "S1");
    assert_string_equal(cfg.screening[6].id, "S7");
    assert_string_equal(cfg.items[0].id, "F1");
    assert_string_equal(cfg.items[16].id, "F17");
    /* every item yes, F6 daily, X1 at 3+ prior contacts, X2 a flag: the maximum is 54 */
    struct risk_answers a = { 0 };
    struct fc_err err;
    for (size_t i = 0; i < cfg.n_items; i++)
        assert_int_equal(risk_answers_add(&cfg, "full", &a, cfg.items[i].id,
                                          cfg.items[i].n_choices ? "daily" : "yes", &err),
                         FC_OK);
    struct risk_facts f = { .prior_contacts_12m = 3, .flag_in_force = true };
    struct risk_result r;
    risk_assess_full(&cfg, &a, &f, &r);
    assert_int_equal(r.score, 54);
    assert_int_equal(r.level, RISK_HIGH);
}

static void test_risk_screen_all_clear_is_standard(void **state)
{
    (void)state;
    struct risk_answers a;
    ANSWERS("screening", &a, "S1=no", "S2=no", "S3=no", "S4=no", "S5=no", "S6=yes", "S7=no");
    struct risk_facts f = { 0 };
    struct risk_result r;
    risk_screen(&cfg, &a, &f, &r);
    assert_false(r.needs_full);
    assert_int_equal(r.level, RISK_STANDARD);
    assert_int_equal(r.n_fired, 0);
}

static void test_risk_screen_harm_needs_full_without_floor(void **state)
{
    (void)state;
    struct risk_answers a;
    ANSWERS("screening", &a, "S6=yes", "S7=yes");
    struct risk_facts f = { 0 };
    struct risk_result r;
    risk_screen(&cfg, &a, &f, &r);
    assert_true(r.needs_full);
    assert_int_equal(r.level, RISK_STANDARD);
}

static void test_risk_screen_targeted_needs_vulnerability_too(void **state)
{
    (void)state;
    struct risk_answers a;
    struct risk_facts f = { 0 };
    struct risk_result r;
    ANSWERS("screening", &a, "S3=yes", "S4=no", "S6=yes");
    risk_screen(&cfg, &a, &f, &r);
    assert_false(r.needs_full);
    ANSWERS("screening", &a, "S3=yes", "S4=yes", "S6=yes");
    risk_screen(&cfg, &a, &f, &r);
    assert_true(r.needs_full);
}

static void test_risk_screen_prior_contact_or_flag_is_not_low_risk(void **state)
{
    (void)state;
    struct risk_answers a;
    ANSWERS("screening", &a, "S6=yes");
    struct risk_result r;
    struct risk_facts prior = { .prior_contacts_12m = 1 };
    risk_screen(&cfg, &a, &prior, &r);
    assert_true(r.needs_full);
    assert_int_equal(r.level, RISK_STANDARD);
    struct risk_facts flag = { .flag_in_force = true };
    risk_screen(&cfg, &a, &flag, &r);
    assert_true(r.needs_full);
    assert_true(fired(&r, "vulnerability_flag"));
    assert_int_equal(r.level, RISK_MEDIUM);
    assert_true(r.actions & RISK_ACT_SHOW_FLAG);
}

static void test_risk_screen_hate_by_repeat_caller_floors_high(void **state)
{
    (void)state;
    struct risk_answers a;
    ANSWERS("screening", &a, "S5=yes", "S6=yes");
    struct risk_result r;
    struct risk_facts first = { 0 };
    risk_screen(&cfg, &a, &first, &r);
    assert_true(fired(&r, "hate"));
    assert_int_equal(r.level, RISK_MEDIUM);
    assert_true(r.actions & RISK_ACT_HATE_CRIME_CHECK);
    struct risk_facts repeat = { .prior_contacts_12m = 1 };
    risk_screen(&cfg, &a, &repeat, &r);
    assert_int_equal(r.level, RISK_HIGH);
}

static void test_risk_screen_persistent_offers_trigger(void **state)
{
    (void)state;
    struct risk_answers a;
    ANSWERS("screening", &a, "S6=yes");
    struct risk_result r;
    struct risk_facts two = { .prior_contacts_12m = 2 };
    risk_screen(&cfg, &a, &two, &r);
    assert_false(fired(&r, "persistent"));
    struct risk_facts three = { .prior_contacts_12m = 3 };
    risk_screen(&cfg, &a, &three, &r);
    assert_true(fired(&r, "persistent"));
    assert_true(r.actions & RISK_ACT_OFFER_TRIGGER);
    assert_int_equal(r.level, RISK_MEDIUM);
}

static void test_risk_full_thresholds_11_12_21_22(void **state)
{
    (void)state;
    struct risk_answers a;
    struct risk_facts f = { 0 };
    struct risk_result r;
    ANSWERS("full", &a, "F1=yes", "F3=yes", "F4=yes", "F5=yes", "F16=yes", "F17=yes");
    risk_assess_full(&cfg, &a, &f, &r);
    assert_int_equal(r.score, 11);
    assert_int_equal(r.level, RISK_STANDARD);
    ANSWERS("full", &a, "F1=yes", "F3=yes", "F4=yes", "F5=yes", "F13=yes", "F17=yes");
    risk_assess_full(&cfg, &a, &f, &r);
    assert_int_equal(r.score, 12);
    assert_int_equal(r.level, RISK_MEDIUM);
    ANSWERS("full", &a, "F1=yes", "F3=yes", "F4=yes", "F5=yes", "F7=yes", "F8=yes", "F12=yes",
            "F13=yes", "F14=yes");
    risk_assess_full(&cfg, &a, &f, &r);
    assert_int_equal(r.score, 21);
    assert_int_equal(r.level, RISK_MEDIUM);
    ANSWERS("full", &a, "F1=yes", "F3=yes", "F4=yes", "F5=yes", "F7=yes", "F8=yes", "F12=yes",
            "F13=yes", "F14=yes", "F16=yes");
    risk_assess_full(&cfg, &a, &f, &r);
    assert_int_equal(r.score, 22);
    assert_int_equal(r.scored_level, RISK_HIGH);
    assert_int_equal(r.n_fired, 0);
}

static void test_risk_full_system_items_x1_x2(void **state)
{
    (void)state;
    struct risk_answers a;
    ANSWERS("full", &a, "F6=weekly");
    struct risk_result r;
    struct risk_facts one = { .prior_contacts_12m = 1 };
    risk_assess_full(&cfg, &a, &one, &r);
    assert_int_equal(r.score, 2 + 2);
    assert_int_equal(r.item_points[cfg.n_items], 2);
    struct risk_facts three_flag = { .prior_contacts_12m = 3, .flag_in_force = true };
    risk_assess_full(&cfg, &a, &three_flag, &r);
    assert_int_equal(r.item_points[cfg.n_items], 4);
    assert_int_equal(r.item_points[cfg.n_items + 1], 4);
    assert_int_equal(r.score, 2 + 4 + 4);
    /* 10 points is standard by score; the flag and persistence floor it at medium */
    assert_int_equal(r.scored_level, RISK_STANDARD);
    assert_int_equal(r.level, RISK_MEDIUM);
}

static void test_risk_full_self_harm_floors_high(void **state)
{
    (void)state;
    struct risk_answers a;
    ANSWERS("full", &a, "F15=yes");
    struct risk_facts f = { 0 };
    struct risk_result r;
    risk_assess_full(&cfg, &a, &f, &r);
    assert_int_equal(r.score, 5);
    assert_int_equal(r.scored_level, RISK_STANDARD);
    assert_int_equal(r.level, RISK_HIGH);
    assert_true(r.actions & RISK_ACT_SAFEGUARDING);
    assert_true(r.actions & RISK_ACT_GRADE_PRIORITY);
}

static void test_risk_full_fear_and_harm_likely(void **state)
{
    (void)state;
    struct risk_answers a;
    struct risk_facts f = { 0 };
    struct risk_result r;
    ANSWERS("full", &a, "F9=yes", "F10=yes");
    risk_assess_full(&cfg, &a, &f, &r);
    assert_int_equal(r.score, 6);
    assert_true(fired(&r, "fear"));
    assert_int_equal(r.level, RISK_MEDIUM);
    ANSWERS("full", &a, "F9=yes", "F10=no");
    risk_assess_full(&cfg, &a, &f, &r);
    assert_false(fired(&r, "fear"));
    ANSWERS("full", &a, "F9=yes", "F10=yes", "harm_likely=yes");
    risk_assess_full(&cfg, &a, &f, &r);
    assert_int_equal(r.level, RISK_HIGH);
}

static void test_risk_full_hate_with_threats_is_high(void **state)
{
    (void)state;
    struct risk_answers a;
    struct risk_facts f = { 0 };
    struct risk_result r;
    ANSWERS("full", &a, "F2=yes");
    risk_assess_full(&cfg, &a, &f, &r);
    assert_int_equal(r.level, RISK_MEDIUM);
    ANSWERS("full", &a, "F2=yes", "F11=yes");
    risk_assess_full(&cfg, &a, &f, &r);
    assert_int_equal(r.score, 9);
    assert_int_equal(r.level, RISK_HIGH);
}

static void test_risk_answers_reject_unknown_and_bad_values(void **state)
{
    (void)state;
    struct risk_answers a = { 0 };
    struct fc_err err;
    assert_int_equal(risk_answers_add(&cfg, "screening", &a, "S9", "yes", &err), FC_EINVAL);
    assert_string_equal(err.field, "answers.S9");
    assert_int_equal(risk_answers_add(&cfg, "screening", &a, "F1", "yes", &err), FC_EINVAL);
    assert_int_equal(risk_answers_add(&cfg, "full", &a, "F6", "hourly", &err), FC_EINVAL);
    assert_string_equal(err.field, "answers.F6");
    assert_int_equal(risk_answers_add(&cfg, "full", &a, "F1", "maybe", &err), FC_EINVAL);
    assert_int_equal(risk_answers_add(&cfg, "full", &a, "F1", "yes", &err), FC_OK);
    assert_int_equal(risk_answers_add(&cfg, "full", &a, "F1", "no", &err), FC_EINVAL);
    assert_int_equal(a.n, 1);
}

static void test_risk_override_rules(void **state)
{
    (void)state;
    struct fc_err err;
    assert_int_equal(risk_override_check(RISK_STANDARD, RISK_MEDIUM, RISK_STANDARD,
                                         ROLE_CALL_HANDLER, "caller in tears", &err),
                     FC_OK);
    assert_int_equal(risk_override_check(RISK_STANDARD, RISK_MEDIUM, RISK_STANDARD,
                                         ROLE_CALL_HANDLER, "  ", &err),
                     FC_EINVAL);
    assert_string_equal(err.field, "reason");
    assert_int_equal(risk_override_check(RISK_HIGH, RISK_MEDIUM, RISK_STANDARD, ROLE_OFFICER,
                                         "threat withdrawn", &err),
                     FC_EDENIED);
    assert_int_equal(risk_override_check(RISK_HIGH, RISK_MEDIUM, RISK_STANDARD,
                                         ROLE_SUPERVISOR, "threat withdrawn", &err),
                     FC_OK);
    /* raising to medium when an escalation floors at high still cancels the escalation */
    assert_int_equal(risk_override_check(RISK_STANDARD, RISK_MEDIUM, RISK_HIGH, ROLE_OFFICER,
                                         "partial", &err),
                     FC_EDENIED);
    assert_int_equal(risk_override_check(RISK_STANDARD, RISK_HIGH, RISK_STANDARD, ROLE_ANALYST,
                                         "why", &err),
                     FC_EDENIED);
    assert_int_equal(risk_override_check(RISK_STANDARD, (enum risk_level)7,
                                         RISK_STANDARD, ROLE_SUPERVISOR, "x", &err),
                     FC_EINVAL);
}

static void test_risk_reviews_follow_cadence(void **state)
{
    (void)state;
    struct risk_review_due due[RISK_MAX_REVIEWS];
    fc_time_t t0 = 1790000000;
    size_t n = risk_reviews_plan(&cfg, RISK_HIGH, t0, due, RISK_MAX_REVIEWS);
    assert_int_equal(n, 3);
    assert_string_equal(due[0].rank, "sergeant");
    assert_int_equal(due[0].due_at, t0 + 14 * 86400);
    assert_string_equal(due[1].rank, "inspector");
    assert_int_equal(due[1].due_at, t0 + 28 * 86400);
    assert_string_equal(due[2].rank, "chief_inspector");
    assert_int_equal(due[2].due_at, t0 + 56 * 86400);
    n = risk_reviews_plan(&cfg, RISK_MEDIUM, t0, due, RISK_MAX_REVIEWS);
    assert_int_equal(n, 2);
    assert_int_equal(due[1].due_at, t0 + 56 * 86400);
    assert_int_equal(risk_reviews_plan(&cfg, RISK_STANDARD, t0, due, RISK_MAX_REVIEWS), 0);
    assert_true(cfg.response[RISK_HIGH].needs_spoc);
    assert_true(cfg.response[RISK_MEDIUM].needs_spoc);
    assert_false(cfg.response[RISK_STANDARD].needs_spoc);
}

static void test_risk_unknown_version_is_not_found(void **state)
{
    (void)state;
    struct risk_config other;
    struct fc_err err;
    assert_int_equal(risk_config_load("risk/v99", &other, &err), FC_ENOTFOUND);
    assert_int_equal(risk_config_load("riskv1", &other, &err), FC_EINVAL);
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_risk_config_has_design_questions_and_max_54),
        cmocka_unit_test(test_risk_screen_all_clear_is_standard),
        cmocka_unit_test(test_risk_screen_harm_needs_full_without_floor),
        cmocka_unit_test(test_risk_screen_targeted_needs_vulnerability_too),
        cmocka_unit_test(test_risk_screen_prior_contact_or_flag_is_not_low_risk),
        cmocka_unit_test(test_risk_screen_hate_by_repeat_caller_floors_high),
        cmocka_unit_test(test_risk_screen_persistent_offers_trigger),
        cmocka_unit_test(test_risk_full_thresholds_11_12_21_22),
        cmocka_unit_test(test_risk_full_system_items_x1_x2),
        cmocka_unit_test(test_risk_full_self_harm_floors_high),
        cmocka_unit_test(test_risk_full_fear_and_harm_likely),
        cmocka_unit_test(test_risk_full_hate_with_threats_is_high),
        cmocka_unit_test(test_risk_answers_reject_unknown_and_bad_values),
        cmocka_unit_test(test_risk_override_rules),
        cmocka_unit_test(test_risk_reviews_follow_cadence),
        cmocka_unit_test(test_risk_unknown_version_is_not_found),
    };
    if (argc > 1)
        cmocka_set_test_filter(argv[1]);
    return cmocka_run_group_tests_name("domain/risk", tests, setup, NULL);
}
