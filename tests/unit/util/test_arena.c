/* Unit tests for util/arena. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "util/arena.h"

static void test_arena_alloc_is_zeroed_and_aligned(void **state)
{
    (void)state;
    struct arena a;
    arena_init(&a, 0);
    for (int i = 1; i < 5000; i += 7) {
        unsigned char *p = arena_alloc(&a, (size_t)i);
        assert_non_null(p);
        assert_int_equal((uintptr_t)p % _Alignof(max_align_t), 0);
        for (int j = 0; j < i; j++)
            assert_int_equal(p[j], 0);
        memset(p, 0xab, (size_t)i);
    }
    arena_free(&a);
}

static void test_arena_limit_refuses_oversized(void **state)
{
    (void)state;
    struct arena a;
    arena_init(&a, 1024);
    assert_non_null(arena_alloc(&a, 512));
    assert_null(arena_alloc(&a, 1024));
    arena_free(&a);
}

static void test_arena_sprintf_formats(void **state)
{
    (void)state;
    struct arena a;
    arena_init(&a, 0);
    assert_string_equal(arena_sprintf(&a, "%s-%d", "row", 42), "row-42");
    assert_string_equal(arena_strndup(&a, "abcdef", 3), "abc");
    arena_free(&a);
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_arena_alloc_is_zeroed_and_aligned),
        cmocka_unit_test(test_arena_limit_refuses_oversized),
        cmocka_unit_test(test_arena_sprintf_formats),
    };
    if (argc > 1)
        cmocka_set_test_filter(argv[1]);
    return cmocka_run_group_tests_name("util/arena", tests, NULL, NULL);
}
