/* Unit tests for retention: the policy from configuration. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "domain/retention/retention.h"

static void test_defaults_follow_mopi(void **state)
{
    (void)state;
    struct config cfg;
    struct fc_err err = { 0 };
    struct retention_policy pol;
    assert_int_equal(config_init(&cfg, &err), FC_OK);
    assert_int_equal(retention_policy_from_config(&cfg, &pol, &err), FC_OK);
    assert_int_equal(pol.person_years, 6);
    assert_int_equal(pol.incident_years, 6);
    assert_int_equal(pol.flag_review_months, 12);
    config_free(&cfg);
}

static void test_configured_periods_and_bad_values(void **state)
{
    (void)state;
    struct config cfg;
    struct fc_err err = { 0 };
    struct retention_policy pol;
    assert_int_equal(config_init(&cfg, &err), FC_OK);
    assert_int_equal(config_load_ini(&cfg,
                                     "[retention]\nperson_years = 10\nincident_years = 3\n"
                                     "flag_review_months = 6\n",
                                     "test.ini", &err),
                     FC_OK);
    assert_int_equal(retention_policy_from_config(&cfg, &pol, &err), FC_OK);
    assert_int_equal(pol.person_years, 10);
    assert_int_equal(pol.incident_years, 3);
    assert_int_equal(pol.flag_review_months, 6);
    assert_int_equal(config_set_pair(&cfg, "retention.person_years=0", &err), FC_OK);
    assert_int_equal(retention_policy_from_config(&cfg, &pol, &err), FC_EINVAL);
    assert_string_equal(err.field, "retention.person_years");
    config_free(&cfg);
    assert_int_equal(config_init(&cfg, &err), FC_OK);
    assert_int_equal(config_set_pair(&cfg, "retention.flag_review_months=twelve", &err), FC_OK);
    assert_int_equal(retention_policy_from_config(&cfg, &pol, &err), FC_EINVAL);
    assert_string_equal(err.field, "retention.flag_review_months");
    config_free(&cfg);
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_defaults_follow_mopi),
        cmocka_unit_test(test_configured_periods_and_bad_values),
    };
    if (argc > 1)
        cmocka_set_test_filter(argv[1]);
    return cmocka_run_group_tests_name("domain/retention", tests, NULL, NULL);
}
