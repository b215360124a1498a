/* Unit tests for http/ratelimit: lockout after the threshold, backoff, reset, window. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>

#include "http/ratelimit.h"

static void test_ratelimit_locks_after_threshold_with_backoff(void **state)
{
    (void)state;
    struct http_ratelimit *rl = http_ratelimit_create(3, 10, 80, 600);
    assert_non_null(rl);
    fc_time_t t = 1000;
    assert_int_equal(http_ratelimit_fail(rl, "u:alice", t), 0);
    assert_int_equal(http_ratelimit_fail(rl, "u:alice", t), 0);
    assert_int_equal(http_ratelimit_check(rl, "u:alice", t), 0);
    assert_int_equal(http_ratelimit_fail(rl, "u:alice", t), 10);
    assert_int_equal(http_ratelimit_check(rl, "u:alice", t), 10);
    assert_int_equal(http_ratelimit_check(rl, "u:alice", t + 4), 6);
    assert_int_equal(http_ratelimit_check(rl, "u:bob", t), 0); /* other keys unaffected */
    assert_int_equal(http_ratelimit_fail(rl, "u:alice", t + 10), 20);
    assert_int_equal(http_ratelimit_fail(rl, "u:alice", t + 30), 40);
    assert_int_equal(http_ratelimit_fail(rl, "u:alice", t + 70), 80);
    assert_int_equal(http_ratelimit_fail(rl, "u:alice", t + 150), 80); /* capped */
    http_ratelimit_free(rl);
}

static void test_ratelimit_reset_forgets_failures(void **state)
{
    (void)state;
    struct http_ratelimit *rl = http_ratelimit_create(2, 5, 60, 600);
    http_ratelimit_fail(rl, "ip:127.0.0.1", 0);
    http_ratelimit_fail(rl, "ip:127.0.0.1", 0);
    assert_true(http_ratelimit_check(rl, "ip:127.0.0.1", 1) > 0);
    http_ratelimit_reset(rl, "ip:127.0.0.1");
    assert_int_equal(http_ratelimit_check(rl, "ip:127.0.0.1", 1), 0);
    assert_int_equal(http_ratelimit_fail(rl, "ip:127.0.0.1", 1), 0);
    http_ratelimit_free(rl);
}

static void test_ratelimit_old_failures_expire_after_window(void **state)
{
    (void)state;
    struct http_ratelimit *rl = http_ratelimit_create(2, 5, 60, 100);
    http_ratelimit_fail(rl, "u:carol", 0);
    assert_int_equal(http_ratelimit_fail(rl, "u:carol", 500), 0); /* streak restarted */
    assert_int_equal(http_ratelimit_fail(rl, "u:carol", 501), 5);
    http_ratelimit_free(rl);
}

static void test_ratelimit_table_stays_bounded_under_many_keys(void **state)
{
    (void)state;
    struct http_ratelimit *rl = http_ratelimit_create(1, 5, 60, 600);
    char key[32];
    for (int i = 0; i < 20000; i++) {
        snprintf(key, sizeof(key), "ip:10.0.%d.%d", i / 256, i % 256);
        http_ratelimit_fail(rl, key, i);
    }
    /* the most recent key is still tracked; the table did not grow (fixed size) */
    assert_true(http_ratelimit_check(rl, key, 19999) > 0);
    http_ratelimit_free(rl);
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ratelimit_locks_after_threshold_with_backoff),
        cmocka_unit_test(test_ratelimit_reset_forgets_failures),
        cmocka_unit_test(test_ratelimit_old_failures_expire_after_window),
        cmocka_unit_test(test_ratelimit_table_stays_bounded_under_many_keys),
    };
    if (argc > 1)
        cmocka_set_test_filter(argv[1]);
    return cmocka_run_group_tests_name("http/ratelimit", tests, NULL, NULL);
}
