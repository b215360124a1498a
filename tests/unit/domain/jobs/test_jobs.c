/*
 * domain/jobs: a job runs when its turn has come and the store grants the claim, is ended
 * on the store after running (even when it fails), and is not run when another node holds
 * it. The store here is a fake that records claims and can refuse them.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h> /* after the headers it needs */

#include "domain/jobs/jobs.h"
#include "store/store.h"

struct fake {
    struct store base;
    bool grant;
    bool fail_claim;
    int claims, ends;
    int64_t last_interval;
};

static int fake_try_begin(struct store *s, const char *name, fc_time_t now, int64_t interval_s,
                          bool *claimed, struct fc_err *err)
{
    struct fake *f = (struct fake *)s;
    (void)name;
    (void)now;
    f->claims++;
    f->last_interval = interval_s;
    *claimed = false;
    if (f->fail_claim)
        return err_set(err, FC_EUNAVAIL, "store", "down");
    *claimed = f->grant;
    return FC_OK;
}

static int fake_end(struct store *s, const char *name, fc_time_t now, struct fc_err *err)
{
    (void)name;
    (void)now;
    (void)err;
    ((struct fake *)s)->ends++;
    return FC_OK;
}

static const struct store_ops fake_ops = { .name = "fake",
                                           .job_try_begin = fake_try_begin,
                                           .job_end = fake_end };

struct counter {
    int runs;
    int fail;
};

static int count_job(void *ctx, struct store *st, fc_time_t now, size_t *out_done,
                     struct fc_err *err)
{
    struct counter *c = ctx;
    (void)st;
    (void)now;
    c->runs++;
    *out_done = 3;
    if (c->fail)
        return err_set(err, FC_EINTERNAL, "", "job failed");
    return FC_OK;
}

static void test_job_runs_once_per_interval_on_its_node(void **state)
{
    (void)state;
    struct fake f = { .base = { .ops = &fake_ops }, .grant = true };
    struct jobs *j;
    struct fc_err err = { 0 };
    struct counter c = { 0 };
    size_t ran = 9, failed = 9;
    assert_int_equal(jobs_create(&j, &err), FC_OK);
    assert_int_equal(jobs_add(j, "purge", 60, count_job, &c, &err), FC_OK);
    jobs_tick(j, &f.base, 1000, &ran, &failed);
    assert_int_equal(c.runs, 1);
    assert_int_equal(ran, 1);
    assert_int_equal(failed, 0);
    assert_int_equal(f.ends, 1);
    assert_int_equal(f.last_interval, 60);
    jobs_tick(j, &f.base, 1059, &ran, NULL); /* not its turn yet: the store is not asked */
    assert_int_equal(c.runs, 1);
    assert_int_equal(f.claims, 1);
    assert_int_equal(ran, 0);
    jobs_tick(j, &f.base, 1060, &ran, NULL);
    assert_int_equal(c.runs, 2);
    jobs_free(j);
}

static void test_refused_claim_does_not_run_and_looks_again_sooner(void **state)
{
    (void)state;
    struct fake f = { .base = { .ops = &fake_ops }, .grant = false };
    struct jobs *j;
    struct fc_err err = { 0 };
    struct counter c = { 0 };
    assert_int_equal(jobs_create(&j, &err), FC_OK);
    assert_int_equal(jobs_add(j, "sweep", 300, count_job, &c, &err), FC_OK);
    jobs_tick(j, &f.base, 1000, NULL, NULL);
    assert_int_equal(c.runs, 0);
    assert_int_equal(f.ends, 0); /* nothing to end: it was never claimed */
    f.grant = true;
    jobs_tick(j, &f.base, 1074, NULL, NULL); /* a quarter interval later, not before */
    assert_int_equal(c.runs, 0);
    jobs_tick(j, &f.base, 1075, NULL, NULL);
    assert_int_equal(c.runs, 1);
    jobs_free(j);
}

static void test_failing_job_is_ended_and_others_still_run(void **state)
{
    (void)state;
    struct fake f = { .base = { .ops = &fake_ops }, .grant = true };
    struct jobs *j;
    struct fc_err err = { 0 };
    struct counter bad = { .fail = 1 }, good = { 0 };
    size_t ran = 0, failed = 0;
    assert_int_equal(jobs_create(&j, &err), FC_OK);
    assert_int_equal(jobs_add(j, "bad", 10, count_job, &bad, &err), FC_OK);
    assert_int_equal(jobs_add(j, "good", 10, count_job, &good, &err), FC_OK);
    jobs_tick(j, &f.base, 1000, &ran, &failed);
    assert_int_equal(bad.runs + good.runs, 2);
    assert_int_equal(ran, 2);
    assert_int_equal(failed, 1);
    assert_int_equal(f.ends, 2); /* the failed run released its claim too */
    /* the store down: nothing runs, each job is counted as failed and tried again */
    f.fail_claim = true;
    jobs_tick(j, &f.base, 1010, &ran, &failed);
    assert_int_equal(ran, 0);
    assert_int_equal(failed, 2);
    f.fail_claim = false;
    jobs_tick(j, &f.base, 1020, &ran, &failed);
    assert_int_equal(ran, 2);
    jobs_free(j);
}

static void test_registration_checks_name_interval_and_duplicates(void **state)
{
    (void)state;
    struct jobs *j;
    struct fc_err err = { 0 };
    struct counter c = { 0 };
    char long_name[80];
    memset(long_name, 'x', sizeof(long_name) - 1);
    long_name[sizeof(long_name) - 1] = '\0';
    assert_int_equal(jobs_create(&j, &err), FC_OK);
    assert_int_equal(jobs_add(j, "", 10, count_job, &c, &err), FC_EINVAL);
    assert_string_equal(err.field, "name");
    assert_int_equal(jobs_add(j, long_name, 10, count_job, &c, &err), FC_EINVAL);
    assert_int_equal(jobs_add(j, "a", 0, count_job, &c, &err), FC_EINVAL);
    assert_string_equal(err.field, "interval_s");
    assert_int_equal(jobs_add(j, "a", 10, NULL, &c, &err), FC_EINVAL);
    assert_int_equal(jobs_add(j, "a", 10, count_job, &c, &err), FC_OK);
    assert_int_equal(jobs_add(j, "a", 20, count_job, &c, &err), FC_ECONFLICT);
    jobs_free(j);
    jobs_free(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_job_runs_once_per_interval_on_its_node),
        cmocka_unit_test(test_refused_claim_does_not_run_and_looks_again_sooner),
        cmocka_unit_test(test_failing_job_is_ended_and_others_still_run),
        cmocka_unit_test(test_registration_checks_name_interval_and_duplicates),
    };
    return cmocka_run_group_tests_name("domain/jobs", tests, NULL, NULL);
}
