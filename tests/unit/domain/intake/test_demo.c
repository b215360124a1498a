/* Tests for intake/demo: every call-handling path is in the demo data, once. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "domain/intake/demo.h"
#include "domain/intake/intake.h"
#include "unit/store/store_fixture.h"
#include "util/timeutil.h"

static int64_t scalar(struct store_fixture *fx, const char *sql)
{
    sqlite3 *db = NULL;
    sqlite3_stmt *st = NULL;
    int64_t v = -1;
    if (sqlite3_open(fx->path, &db) == SQLITE_OK &&
        sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
        v = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    sqlite3_close(db);
    return v;
}

static void test_demo_seeds_every_path_once(void **state)
{
    struct store_fixture *fx = *state;
    if (fx->path[0] == '\0')
        skip();
    struct fc_err err = { 0 };
    int64_t now;
    int off;
    assert_true(time_parse_iso8601("2026-11-25T12:00:00Z", &now, &off));
    struct intake_demo_counts c;
    assert_int_equal(intake_demo_seed(fx->store, NULL, now, &c, &err), FC_OK);
    assert_false(c.was_seeded_before);
    assert_int_equal(c.calls_created, 7);
    /* the first-time caller: standard, closed, queued for the survey */
    assert_int_equal(scalar(fx, "SELECT count(*) FROM incident WHERE status = 'closed' AND "
                                "risk_level = 'standard'"),
                     1);
    assert_int_equal(scalar(fx, "SELECT count(*) FROM survey_queue"), 1);
    /* the repeat vulnerable victim: assessed high, graded priority, an escalated review */
    assert_int_equal(scalar(fx, "SELECT count(*) FROM incident WHERE risk_level = 'high' AND "
                                "grade = 'priority'"),
                     1);
    assert_int_equal(scalar(fx, "SELECT count(*) FROM contact_labels WHERE is_vulnerable = 1 "
                                "AND is_repeat_victim = 1 AND prior_calls_12m = 2"),
                     1);
    assert_true(scalar(fx, "SELECT count(*) FROM task WHERE kind = 'review' AND "
                           "escalated_at IS NOT NULL") >= 1);
    assert_int_equal(scalar(fx, "SELECT count(*) FROM task WHERE kind = 'review' AND "
                                "rank = 'chief_inspector'"),
                     1);
    /* the persistent caller (and the repeat victim, also on a third complaint in six
     * months): Trigger eligible; one application logged and acknowledged */
    assert_int_equal(scalar(fx, "SELECT count(*) FROM contact_labels WHERE trigger_eligible = 1"),
                     2);
    assert_int_equal(scalar(fx, "SELECT count(*) FROM community_trigger WHERE basis = "
                                "'applicant'"),
                     1);
    assert_int_equal(scalar(fx, "SELECT count(*) FROM community_trigger_step WHERE step = "
                                "'acknowledge' AND done_at IS NOT NULL"),
                     1);
    int64_t tasks = scalar(fx, "SELECT count(*) FROM task");
    assert_int_equal(intake_demo_seed(fx->store, NULL, now, &c, &err), FC_OK);
    assert_true(c.was_seeded_before);
    assert_int_equal(c.calls_created, 0);
    assert_int_equal(scalar(fx, "SELECT count(*) FROM task"), tasks);
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_demo_seeds_every_path_once, fixture_setup,
                                        fixture_teardown),
    };
    if (argc > 1)
        cmocka_set_test_filter(argv[1]);
    return cmocka_run_group_tests_name("domain/intake/demo", tests, NULL, NULL);
}
