/* Unit tests for the survey: links, single use, expiry, phone answers, declines, not twice. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h> /* after the headers it needs */

#include "domain/survey/demo.h"
#include "domain/survey/survey.h"
#include "unit/store/store_fixture.h"

#define FIX(state) ((struct store_fixture *)*(state))
#define T0 1704067200LL /* 2024-01-01 */
#define DAY 86400LL

static struct survey_config cfg;

static void seed(void **state)
{
    const char *sql = "INSERT INTO organisation (id, kind, name, created_at) VALUES (1, 'force',"
                      " 'Leicestershire Police', 0);"
                      "INSERT INTO person (id, created_at) VALUES (1, 0), (2, 0);"
                      "INSERT INTO incident (id, org_id, category, incident_type, status,"
                      " created_at) VALUES (1, 1, 'personal', 'noise', 'open', 0),"
                      " (2, 1, 'personal', 'noise', 'open', 0), (3, 1, 'personal', 'noise',"
                      " 'open', 0), (4, 1, 'personal', 'noise', 'open', 0);";
    assert_int_equal(fixture_raw_sql(FIX(state), sql), 0);
    struct fc_err err;
    assert_int_equal(survey_config_load("survey/v1", &cfg, &err), FC_OK);
    assert_int_equal(cfg.not_again_days, 180);
}

static fc_id_t queue(void **state, fc_id_t incident, fc_id_t person, fc_time_t at)
{
    struct survey_queue_rec q = { .incident_id = incident, .person_id = person,
                                  .reason = "incident_closed", .status = "queued",
                                  .queued_at = at };
    fc_id_t id;
    struct fc_err err;
    assert_int_equal(store_survey_queue_insert(FIX(state)->store, &q, &id, &err), FC_OK);
    return id;
}

static const char *status_of(void **state, fc_id_t id, struct arena *a)
{
    struct survey_queue_rec q;
    struct fc_err err;
    assert_int_equal(STORE_CALL(FIX(state)->store, survey_get, id, a, &q, &err), FC_OK);
    return q.status;
}

static const struct survey_input good = { { 1, 2, 3, 4, 5 }, "reduced", "yes" };

static void test_web_link_is_single_use(void **state)
{
    seed(state);
    struct store *s = FIX(state)->store;
    fc_id_t q = queue(state, 1, 1, T0);
    char token[SURVEY_TOKEN_LEN + 1];
    struct fc_err err;
    assert_int_equal(survey_link_create(s, &cfg, q, T0 + 60, token, &err), FC_OK);
    assert_int_equal(strlen(token), SURVEY_TOKEN_LEN);
    struct arena a;
    arena_init(&a, 0);
    assert_string_equal(status_of(state, q, &a), "invited");
    fc_id_t found = 0;
    assert_int_equal(survey_link_check(s, token, T0 + 120, &found, &err), FC_OK);
    assert_int_equal(found, q);
    fc_id_t resp;
    assert_int_equal(survey_record_web(s, token, &good, T0 + 180, &resp, &err), FC_OK);
    assert_string_equal(status_of(state, q, &a), "responded");
    /* the same link again: refused, and so is a made-up one */
    assert_int_equal(survey_record_web(s, token, &good, T0 + 240, &resp, &err), FC_ENOTFOUND);
    assert_string_equal(err.field, "token");
    token[0] = token[0] == 'A' ? 'B' : 'A';
    assert_int_equal(survey_link_check(s, token, T0 + 240, &found, &err), FC_ENOTFOUND);
    arena_free(&a);
}

static void test_web_link_expires(void **state)
{
    seed(state);
    struct store *s = FIX(state)->store;
    fc_id_t q = queue(state, 1, 1, T0);
    char token[SURVEY_TOKEN_LEN + 1];
    struct fc_err err;
    assert_int_equal(survey_link_create(s, &cfg, q, T0, token, &err), FC_OK);
    fc_id_t resp;
    fc_time_t late = T0 + (fc_time_t)cfg.link_valid_days * DAY + 1;
    assert_int_equal(survey_record_web(s, token, &good, late, &resp, &err), FC_ENOTFOUND);
    /* a bad answer does not use the link up */
    struct survey_input bad = good;
    bad.q[2] = 9;
    assert_int_equal(survey_record_web(s, token, &bad, T0 + 10, &resp, &err), FC_EINVAL);
    assert_string_equal(err.field, "q3");
    assert_int_equal(survey_record_web(s, token, &good, T0 + 20, &resp, &err), FC_OK);
}

static void test_phone_answers_validated_and_recorded_once(void **state)
{
    seed(state);
    struct store *s = FIX(state)->store;
    fc_id_t q = queue(state, 1, 1, T0);
    struct fc_err err;
    fc_id_t resp;
    struct survey_input bad = good;
    strcpy(bad.q6, "maybe");
    assert_int_equal(survey_record_phone(s, &cfg, q, &bad, 0, T0, &resp, &err), FC_EINVAL);
    assert_string_equal(err.field, "q6");
    struct arena a;
    arena_init(&a, 0);
    assert_string_equal(status_of(state, q, &a), "queued"); /* nothing written */
    assert_int_equal(survey_record_phone(s, &cfg, q, &good, 0, T0 + 60, &resp, &err), FC_OK);
    assert_true(resp > 0);
    assert_int_equal(survey_record_phone(s, &cfg, q, &good, 0, T0 + 90, &resp, &err),
                     FC_ECONFLICT);
    assert_int_equal(survey_decline(s, q, &err), FC_ECONFLICT);
    arena_free(&a);
}

static void test_nobody_surveyed_twice_in_the_period(void **state)
{
    seed(state);
    struct store *s = FIX(state)->store;
    struct fc_err err;
    fc_id_t first = queue(state, 1, 1, T0);
    assert_int_equal(survey_decline(s, first, &err), FC_OK); /* a decline counts */
    fc_id_t again = queue(state, 2, 1, T0 + 30 * DAY);   /* same person, 30 days on */
    fc_id_t other = queue(state, 3, 2, T0 + 30 * DAY);   /* someone else */
    size_t eligible = 0, skipped = 0;
    assert_int_equal(survey_queue_screen(s, &cfg, T0 + 31 * DAY, &eligible, &skipped, &err),
                     FC_OK);
    assert_int_equal(eligible, 1);
    assert_int_equal(skipped, 1);
    struct arena a;
    arena_init(&a, 0);
    assert_string_equal(status_of(state, again, &a), "not_eligible");
    assert_string_equal(status_of(state, other, &a), "queued");
    /* after the period the person may be asked again */
    fc_id_t later = queue(state, 4, 1, T0 + 200 * DAY);
    char token[SURVEY_TOKEN_LEN + 1];
    assert_int_equal(survey_link_create(s, &cfg, later, T0 + 200 * DAY, token, &err), FC_OK);
    /* but not while they hold a fresh invitation from within the period */
    assert_int_equal(survey_link_create(s, &cfg, other, T0 + 32 * DAY, token, &err), FC_OK);
    assert_int_equal(survey_record_phone(s, &cfg, again, &good, 0, T0 + 40 * DAY, NULL, &err),
                     FC_ECONFLICT);
    arena_free(&a);
}

/* The demo seeding queues each caller's incident once, answers most and is repeatable. */
static void test_demo_seed_is_consistent_and_repeatable(void **state)
{
    seed(state);
    char sql[256];
    for (int i = 1; i <= 4; i++) {
        snprintf(sql, sizeof(sql),
                 "INSERT INTO contact (id, channel, received_at, org_id, caller_person_id,"
                 " incident_id, created_at) VALUES (%d, 'phone', %lld, 1, %d, %d, 0)",
                 i, T0 + i * 200 * DAY, 1 + i % 2, i);
        assert_int_equal(fixture_raw_sql(FIX(state), sql), 0);
    }
    struct store *s = FIX(state)->store;
    struct survey_demo_counts c;
    struct fc_err err;
    fc_time_t now = T0 + 1000 * DAY;
    assert_int_equal(survey_demo_seed(s, now, 7, &c, &err), FC_OK);
    assert_int_equal(c.queued, 4);
    assert_true(c.answered + c.declined + c.not_eligible <= c.queued);
    assert_true(c.answered > 0);
    struct survey_demo_counts again;
    assert_int_equal(survey_demo_seed(s, now, 7, &again, &err), FC_OK);
    assert_int_equal(again.queued, 0);
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_web_link_is_single_use, fixture_setup,
                                        fixture_teardown),
        cmocka_unit_test_setup_teardown(test_web_link_expires, fixture_setup, fixture_teardown),
        cmocka_unit_test_setup_teardown(test_phone_answers_validated_and_recorded_once,
                                        fixture_setup, fixture_teardown),
        cmocka_unit_test_setup_teardown(test_nobody_surveyed_twice_in_the_period, fixture_setup,
                                        fixture_teardown),
        cmocka_unit_test_setup_teardown(test_demo_seed_is_consistent_and_repeatable,
                                        fixture_setup, fixture_teardown),
    };
    if (argc > 1)
        cmocka_set_test_filter(argv[1]);
    return cmocka_run_group_tests_name("survey", tests, NULL, NULL);
}
