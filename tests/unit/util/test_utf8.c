/* Unit tests for util/utf8: strict validation after RFC 3629 / Unicode table 3-7. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "util/utf8.h"

static bool valid(const char *s, size_t len, size_t *bad)
{
    return utf8_is_valid(s, len, bad);
}

static void test_utf8_ascii_and_multibyte_are_valid(void **state)
{
    (void)state;
    const char *ok[] = { "", "Smith", "Zo\xc3\xab", "\xe2\x82\xac", "\xf0\x9f\x98\x80",
                         "\xd7\xa9\xd7\x9c\xd7\x95\xd7\x9d", "\xef\xbb\xbf" "BOM" };
    for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++)
        assert_true(valid(ok[i], strlen(ok[i]), NULL));
}

static void test_utf8_overlong_forms_are_invalid(void **state)
{
    (void)state;
    size_t bad = 99;
    assert_false(valid("\xc0\xaf", 2, &bad)); /* overlong '/' */
    assert_int_equal(bad, 0);
    assert_false(valid("ab\xe0\x80\xaf", 5, &bad));
    assert_int_equal(bad, 2);
    assert_false(valid("\xf0\x80\x80\xaf", 4, NULL));
}

static void test_utf8_surrogates_and_beyond_max_are_invalid(void **state)
{
    (void)state;
    assert_false(valid("\xed\xa0\x80", 3, NULL));      /* U+D800 */
    assert_false(valid("\xf4\x90\x80\x80", 4, NULL));  /* U+110000 */
    assert_false(valid("\xf5\x80\x80\x80", 4, NULL));
    assert_true(valid("\xf4\x8f\xbf\xbf", 4, NULL));   /* U+10FFFF */
}

static void test_utf8_truncated_and_stray_bytes_are_invalid(void **state)
{
    (void)state;
    size_t bad = 0;
    assert_false(valid("abc\xe2\x82", 5, &bad));
    assert_int_equal(bad, 3);
    assert_false(valid("\x80", 1, NULL));
    assert_false(valid("a\xc3" "b", 3, &bad));
    assert_int_equal(bad, 1);
    assert_false(valid("\xff", 1, NULL));
}

static void test_utf8_embedded_nul_is_invalid(void **state)
{
    (void)state;
    size_t bad = 0;
    assert_false(valid("ab\0cd", 5, &bad));
    assert_int_equal(bad, 2);
}

static void test_utf8_length_counts_code_points(void **state)
{
    (void)state;
    assert_int_equal(utf8_length("Zo\xc3\xab", 4), 3);
    assert_int_equal(utf8_length("\xf0\x9f\x98\x80x", 5), 2);
    assert_int_equal(utf8_length("", 0), 0);
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_utf8_ascii_and_multibyte_are_valid),
        cmocka_unit_test(test_utf8_overlong_forms_are_invalid),
        cmocka_unit_test(test_utf8_surrogates_and_beyond_max_are_invalid),
        cmocka_unit_test(test_utf8_truncated_and_stray_bytes_are_invalid),
        cmocka_unit_test(test_utf8_embedded_nul_is_invalid),
        cmocka_unit_test(test_utf8_length_counts_code_points),
    };
    if (argc > 1)
        cmocka_set_test_filter(argv[1]);
    return cmocka_run_group_tests_name("util/utf8", tests, NULL, NULL);
}
