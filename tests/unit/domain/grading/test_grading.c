/* Unit tests for grading/grading: grading/v1 and the rules of shared/DESIGN.md section 6. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "domain/grading/grading.h"

static struct grading_config cfg;

static int setup(void **state)
{
    (void)state;
    struct fc_err err;
    return grading_config_load("grading/v1", &cfg, &err) == FC_OK ? 0 : -1;
}

static enum grade suggest(enum nsir_category c, bool has_risk, enum risk_level level,
                          unsigned actions, const char *answer)
{
    const char *answers[1] = { answer };
    struct grading_input in = { .category = c, .has_risk = has_risk, .risk = level,
                                .risk_actions = actions, .n_answers = answer ? 1 : 0,
                                .answers = answers };
    struct grading_suggestion s;
    struct fc_err err;
    assert_int_equal(grading_suggest(&cfg, &in, &s, &err), FC_OK);
    return s.grade;
}

static void test_grading_category_base(void **state)
{
    (void)state;
    assert_int_equal(suggest(NSIR_NUISANCE, false, RISK_STANDARD, 0, NULL), GRADE_SCHEDULED);
    assert_int_equal(suggest(NSIR_PERSONAL, true, RISK_STANDARD, 0, NULL), GRADE_SCHEDULED);
    assert_int_equal(suggest(NSIR_ENVIRONMENTAL, true, RISK_STANDARD, 0, NULL),
                     GRADE_RESOLVED_FIRST_CONTACT);
}

static void test_grading_risk_raises_grade(void **state)
{
    (void)state;
    assert_int_equal(suggest(NSIR_ENVIRONMENTAL, true, RISK_MEDIUM, 0, NULL), GRADE_SCHEDULED);
    assert_int_equal(suggest(NSIR_ENVIRONMENTAL, true, RISK_HIGH, 0, NULL), GRADE_PRIORITY);
    assert_int_equal(suggest(NSIR_NUISANCE, true, RISK_HIGH, 0, NULL), GRADE_PRIORITY);
    /* F15's escalation asks for at least priority whatever the level */
    assert_int_equal(suggest(NSIR_ENVIRONMENTAL, true, RISK_STANDARD, RISK_ACT_GRADE_PRIORITY,
                             NULL),
                     GRADE_PRIORITY);
}

static void test_grading_risk_never_lowers_an_emergency(void **state)
{
    (void)state;
    assert_int_equal(suggest(NSIR_NUISANCE, true, RISK_STANDARD, 0, "violence_in_progress"),
                     GRADE_EMERGENCY);
    assert_int_equal(suggest(NSIR_PERSONAL, true, RISK_HIGH, 0, "danger_to_life"),
                     GRADE_EMERGENCY);
    assert_int_equal(suggest(NSIR_ENVIRONMENTAL, false, RISK_STANDARD, 0, "safety_concern"),
                     GRADE_PRIORITY);
}

static void test_grading_unknown_answer_is_rejected(void **state)
{
    (void)state;
    const char *answers[2] = { "safety_concern", "aliens" };
    struct grading_input in = { .category = NSIR_NUISANCE, .n_answers = 2, .answers = answers };
    struct grading_suggestion s;
    struct fc_err err;
    assert_int_equal(grading_suggest(&cfg, &in, &s, &err), FC_EINVAL);
    assert_string_equal(err.field, "answers[1]");
}

static void test_grading_override_rules(void **state)
{
    (void)state;
    struct grading_suggestion s = { .grade = GRADE_PRIORITY, .floor = GRADE_PRIORITY };
    struct fc_err err;
    assert_int_equal(grading_override_check(&s, GRADE_PRIORITY, true, ROLE_CALL_HANDLER, NULL,
                                            &err),
                     FC_OK);
    assert_int_equal(grading_override_check(&s, GRADE_EMERGENCY, true, ROLE_CALL_HANDLER, "",
                                            &err),
                     FC_EINVAL);
    assert_string_equal(err.field, "reason");
    assert_int_equal(grading_override_check(&s, GRADE_EMERGENCY, true, ROLE_CALL_HANDLER,
                                            "weapon mentioned", &err),
                     FC_OK);
    assert_int_equal(grading_override_check(&s, GRADE_SCHEDULED, true, ROLE_CALL_HANDLER,
                                            "no units", &err),
                     FC_EDENIED);
    assert_int_equal(grading_override_check(&s, GRADE_SCHEDULED, true, ROLE_SUPERVISOR,
                                            "appointment agreed with victim", &err),
                     FC_OK);
    assert_int_equal(grading_override_check(&s, GRADE_RESOLVED_FIRST_CONTACT, true,
                                            ROLE_SUPERVISOR, "advice only", &err),
                     FC_EINVAL);
    assert_int_equal(grading_override_check(&s, GRADE_PRIORITY, false, ROLE_OFFICER, NULL,
                                            &err),
                     FC_EDENIED);
}

static void test_grading_targets(void **state)
{
    (void)state;
    assert_int_equal(grading_target_seconds(&cfg, GRADE_EMERGENCY, false), 15 * 60);
    assert_int_equal(grading_target_seconds(&cfg, GRADE_EMERGENCY, true), 20 * 60);
    assert_int_equal(grading_target_seconds(&cfg, GRADE_PRIORITY, false), 60 * 60);
    assert_int_equal(grading_target_seconds(&cfg, GRADE_SCHEDULED, false), 48 * 3600);
    assert_int_equal(grading_target_seconds(&cfg, GRADE_RESOLVED_FIRST_CONTACT, false),
                     24 * 3600);
    enum grade g;
    assert_true(grading_grade_parse("resolved_first_contact", &g));
    assert_int_equal(g, GRADE_RESOLVED_FIRST_CONTACT);
    assert_false(grading_grade_parse("urgent", &g));
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_grading_category_base),
        cmocka_unit_test(test_grading_risk_raises_grade),
        cmocka_unit_test(test_grading_risk_never_lowers_an_emergency),
        cmocka_unit_test(test_grading_unknown_answer_is_rejected),
        cmocka_unit_test(test_grading_override_rules),
        cmocka_unit_test(test_grading_targets),
    };
    if (argc > 1)
        cmocka_set_test_filter(argv[1]);
    return cmocka_run_group_tests_name("domain/grading", tests, setup, NULL);
}
