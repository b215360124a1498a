/*
 * Contract tests for the several-nodes section of the store: the change feed, job claims
 * and shared sign-in failures. A second handle on the same store plays a second node.
 * The change feed is real on both backends (on SQLite the second handle stands for the
 * command line writing beside a running server). On PostgreSQL the rest is real too; a
 * SQLite store serves one node, so every claim is granted and nothing else is shared, and
 * these cases check exactly that.
 */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <time.h>

#include <cmocka.h> /* after the headers it needs */

#include "store/store.h"
#include "store_fixture.h"

#define FIX(state) ((struct store_fixture *)*(state))

static bool is_pg(const struct store *s)
{
    return strcmp(s->ops->name, "pg") == 0;
}

static struct store *second_node(const struct store_fixture *f)
{
    struct store *s = NULL;
    struct fc_err err = { 0 };
    assert_int_equal(store_open(f->url, &s, &err), FC_OK);
    return s;
}

static fc_id_t add_person(struct store *s, const char *surname)
{
    struct person_name nm = { .forename = "Ada", .surname = (char *)surname,
                              .prov = { .source = "manual" } };
    struct person p = { .names = &nm, .n_names = 1 };
    struct fc_err err = { 0 };
    fc_id_t id = 0;
    assert_int_equal(store_person_insert(s, &p, &id, &err), FC_OK);
    return id;
}

struct seen {
    struct store_change c[16];
    size_t n;
    int stop_at; /* 1-based change that answers non-zero; 0: none */
};

static int collect(void *ctx, const struct store_change *c)
{
    struct seen *s = ctx;
    if (s->stop_at > 0 && (int)s->n + 1 == s->stop_at)
        return 7;
    if (s->n < 16)
        s->c[s->n++] = *c;
    return 0;
}

static void test_change_feed_records_person_writes_in_commit_order(void **state)
{
    struct store *a = FIX(state)->store;
    struct store *b = second_node(FIX(state));
    struct fc_err err = { 0 };
    int64_t head = -1, cursor;
    bool gap = true;
    assert_int_equal(store_changes_head(a, &head, &err), FC_OK);
    assert_int_equal(head, 0);
    fc_id_t p1 = add_person(a, "Lovelace");
    fc_id_t p2 = add_person(a, "Byron");
    struct person_name nm = { .surname = "King", .prov = { .source = "manual" } };
    struct person more = { .id = p1, .names = &nm, .n_names = 1 };
    assert_int_equal(store_person_add_identifiers(a, &more, &err), FC_OK);
    assert_int_equal(store_person_set_merged(a, p2, p1, &err), FC_OK);
    assert_int_equal(store_person_set_merged(a, p2, 0, &err), FC_OK); /* and un-merged */
    /* a write rolled back leaves no change behind */
    assert_int_equal(store_txn_begin(a, &err), FC_OK);
    add_person(a, "Rolledback");
    store_txn_rollback(a);

    struct seen own = { 0 }, other = { 0 };
    cursor = head;
    assert_int_equal(store_changes_since(a, &cursor, collect, &own, &gap, &err), FC_OK);
    assert_false(gap);
    cursor = head;
    assert_int_equal(store_changes_since(b, &cursor, collect, &other, &gap, &err), FC_OK);
    assert_int_equal(other.n, 5);
    assert_int_equal(other.c[0].kind, STORE_CHANGE_PERSON);
    assert_int_equal(other.c[0].person_id, p1);
    assert_int_equal(other.c[1].person_id, p2);
    assert_int_equal(other.c[2].kind, STORE_CHANGE_PERSON);
    assert_int_equal(other.c[2].person_id, p1);
    assert_int_equal(other.c[3].kind, STORE_CHANGE_MERGE);
    assert_int_equal(other.c[3].person_id, p2);
    assert_int_equal(other.c[3].other_id, p1);
    assert_int_equal(other.c[4].kind, STORE_CHANGE_UNMERGE);
    assert_int_equal(other.c[4].person_id, p2);
    assert_int_equal(other.c[4].other_id, p1); /* whom it was merged into */
    for (size_t i = 0; i < 5; i++) {
        assert_false(other.c[i].is_own);
        assert_true(own.c[i].is_own);
        assert_true(i == 0 || other.c[i].seq > other.c[i - 1].seq);
    }
    assert_int_equal(cursor, other.c[4].seq);
    int64_t h2;
    assert_int_equal(store_changes_head(b, &h2, &err), FC_OK);
    assert_int_equal(h2, cursor);
    /* a callback that refuses stops the read; the cursor stays before that change */
    struct seen stop = { .stop_at = 2 };
    cursor = head;
    assert_int_equal(store_changes_since(b, &cursor, collect, &stop, &gap, &err), 7);
    assert_int_equal(stop.n, 1);
    assert_int_equal(cursor, other.c[0].seq);
    store_close(b);
}

struct waiter {
    struct store *s;
    int rc;
    bool woken;
    double waited_s;
};

static double now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static void *wait_thread(void *arg)
{
    struct waiter *w = arg;
    struct fc_err err = { 0 };
    bool dummy;
    /* the first call starts listening; drain whatever is pending */
    w->rc = store_changes_wait(w->s, 0, &dummy, &err);
    double t0 = now_s();
    if (w->rc == FC_OK)
        w->rc = store_changes_wait(w->s, 3000, &w->woken, &err);
    w->waited_s = now_s() - t0;
    return NULL;
}

static void test_changes_wait_wakes_on_a_commit_elsewhere(void **state)
{
    struct store *a = FIX(state)->store;
    struct store *b = second_node(FIX(state));
    struct waiter w = { .s = b };
    pthread_t t;
    if (!is_pg(a)) {
        struct fc_err err = { 0 };
        double t0 = now_s();
        assert_int_equal(store_changes_wait(b, 50, &w.woken, &err), FC_OK);
        assert_false(w.woken);
        assert_true(now_s() - t0 >= 0.04); /* it waited: a caller's loop never spins */
        store_close(b);
        return;
    }
    assert_int_equal(pthread_create(&t, NULL, wait_thread, &w), 0);
    struct timespec pause = { .tv_sec = 0, .tv_nsec = 300 * 1000000L };
    nanosleep(&pause, NULL);
    add_person(a, "Notified");
    pthread_join(t, NULL);
    assert_int_equal(w.rc, FC_OK);
    assert_true(w.woken);
    assert_true(w.waited_s < 2.5);
    store_close(b); /* closes the waiter thread's connection too */
}

static void test_changes_purge_keeps_the_newest_and_reports_a_gap(void **state)
{
    struct store *a = FIX(state)->store;
    struct fc_err err = { 0 };
    int64_t head = 0, cursor;
    size_t n = 99;
    bool gap = false;
    assert_int_equal(store_changes_head(a, &head, &err), FC_OK);
    add_person(a, "One");
    add_person(a, "Two");
    fc_id_t p3 = add_person(a, "Three");
    assert_int_equal(store_changes_purge(a, (fc_time_t)time(NULL) + 60, &n, &err), FC_OK);
    struct seen s = { 0 };
    cursor = head;
    assert_int_equal(store_changes_since(a, &cursor, collect, &s, &gap, &err), FC_OK);
    assert_int_equal(n, 2);
    assert_true(gap); /* the reader missed two changes: it must rebuild */
    assert_int_equal(s.n, 1);
    assert_int_equal(s.c[0].person_id, p3);
    /* a reader already past the purge sees no gap; the head never goes back */
    int64_t h2;
    assert_int_equal(store_changes_head(a, &h2, &err), FC_OK);
    assert_int_equal(h2, s.c[0].seq);
    assert_int_equal(store_changes_purge(a, (fc_time_t)time(NULL) + 60, &n, &err), FC_OK);
    assert_int_equal(n, 0);
    s.n = 0;
    cursor = h2;
    assert_int_equal(store_changes_since(a, &cursor, collect, &s, &gap, &err), FC_OK);
    assert_false(gap);
}

static void test_job_claim_runs_once_per_interval_across_nodes(void **state)
{
    struct store *a = FIX(state)->store;
    struct store *b = second_node(FIX(state));
    struct fc_err err = { 0 };
    fc_time_t t = 1800000000;
    bool got_a = false, got_b = true;
    assert_int_equal(store_job_try_begin(a, "nightly", t, 60, &got_a, &err), FC_OK);
    assert_true(got_a);
    assert_int_equal(store_job_try_begin(b, "nightly", t + 120, 60, &got_b, &err), FC_OK);
    if (!is_pg(a)) {
        assert_true(got_b); /* one node: always granted */
    } else {
        assert_false(got_b); /* A still runs it, however long */
        assert_int_equal(store_job_end(a, "nightly", t + 1, &err), FC_OK);
        assert_int_equal(store_job_try_begin(b, "nightly", t + 30, 60, &got_b, &err), FC_OK);
        assert_false(got_b); /* ran within the interval */
        assert_int_equal(store_job_try_begin(b, "other", t + 30, 60, &got_b, &err), FC_OK);
        assert_true(got_b); /* jobs are claimed one by one */
        assert_int_equal(store_job_end(b, "other", t + 31, &err), FC_OK);
        assert_int_equal(store_job_try_begin(b, "nightly", t + 60, 60, &got_b, &err), FC_OK);
        assert_true(got_b);
        assert_int_equal(store_job_try_begin(a, "nightly", t + 200, 60, &got_a, &err), FC_OK);
        assert_false(got_a);
    }
    assert_int_equal(store_job_end(b, "nightly", t + 61, &err), FC_OK);
    assert_int_equal(store_job_try_begin(a, "", t, 60, &got_a, &err), FC_EINVAL);
    assert_string_equal(err.field, "name");
    assert_false(got_a);
    assert_int_equal(store_job_try_begin(a, "x", t, -1, &got_a, &err), FC_EINVAL);
    assert_string_equal(err.field, "interval_s");
    store_close(b);
}

static void test_login_failures_are_shared_and_expire(void **state)
{
    struct store *a = FIX(state)->store;
    struct store *b = second_node(FIX(state));
    struct fc_err err = { 0 };
    unsigned char k1[32], k2[32];
    memset(k1, 0x11, sizeof(k1));
    memset(k2, 0x22, sizeof(k2));
    struct login_failures f;
    fc_time_t t = 1800000000;
    for (int i = 0; i < 3; i++)
        assert_int_equal(store_login_failure_add(a, k1, t + i, 900, &f, &err), FC_OK);
    assert_int_equal(store_login_failure_get(b, k1, &f, &err), FC_OK);
    if (!is_pg(a)) {
        assert_int_equal(f.failures, 0);
        store_close(b);
        return;
    }
    assert_int_equal(f.failures, 3);
    assert_int_equal(f.first_at, t);
    assert_int_equal(f.last_at, t + 2);
    assert_int_equal(store_login_failure_get(b, k2, &f, &err), FC_OK);
    assert_int_equal(f.failures, 0);
    /* a failure long after the last one starts a new streak */
    assert_int_equal(store_login_failure_add(b, k1, t + 2 + 901, 900, &f, &err), FC_OK);
    assert_int_equal(f.failures, 1);
    assert_int_equal(f.first_at, t + 903);
    assert_int_equal(store_login_failure_clear(a, k1, &err), FC_OK);
    assert_int_equal(store_login_failure_get(b, k1, &f, &err), FC_OK);
    assert_int_equal(f.failures, 0);
    store_close(b);
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_change_feed_records_person_writes_in_commit_order,
                                        fixture_setup, fixture_teardown),
        cmocka_unit_test_setup_teardown(test_changes_wait_wakes_on_a_commit_elsewhere,
                                        fixture_setup, fixture_teardown),
        cmocka_unit_test_setup_teardown(test_changes_purge_keeps_the_newest_and_reports_a_gap,
                                        fixture_setup, fixture_teardown),
        cmocka_unit_test_setup_teardown(test_job_claim_runs_once_per_interval_across_nodes,
                                        fixture_setup, fixture_teardown),
        cmocka_unit_test_setup_teardown(test_login_failures_are_shared_and_expire,
                                        fixture_setup, fixture_teardown),
    };
    if (argc > 1)
        cmocka_set_test_filter(argv[1]);
    return cmocka_run_group_tests_name("store/nodes", tests, NULL, NULL);
}
