/* Unit tests for the request limits in http/server.c and content types in http/static.c. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "http/handlers.h"
#include "http/http.h"

static size_t depth(const char *s)
{
    return http_json_depth(s, strlen(s), 100);
}

static void test_limits_json_depth_counts_nesting(void **state)
{
    (void)state;
    assert_int_equal(depth("{}"), 1);
    assert_int_equal(depth("{\"a\":[1,{\"b\":[]}]}"), 4);
    assert_int_equal(depth("[[],[],[]]"), 2);
    assert_int_equal(depth("\"no nesting\""), 0);
}

static void test_limits_json_depth_ignores_brackets_in_strings(void **state)
{
    (void)state;
    assert_int_equal(depth("{\"a\":\"[[[[{{{{\"}"), 1);
    assert_int_equal(depth("{\"a\":\"\\\"[[[\"}"), 1); /* escaped quote stays in the string */
}

static void test_limits_json_depth_stops_past_limit(void **state)
{
    (void)state;
    char deep[20001];
    memset(deep, '[', 20000);
    deep[20000] = '\0';
    assert_int_equal(http_json_depth(deep, 20000, 16), 17);
}

static void test_limits_request_id_must_be_short_and_plain(void **state)
{
    (void)state;
    assert_true(http_request_id_is_safe("9f2c41d07a3b5e11"));
    assert_true(http_request_id_is_safe("trace-1.a_b"));
    assert_false(http_request_id_is_safe(""));
    assert_false(http_request_id_is_safe("has space"));
    assert_false(http_request_id_is_safe("new\nline"));
    assert_false(http_request_id_is_safe("quote\"d"));
    char long_id[66];
    memset(long_id, 'a', 65);
    long_id[65] = '\0';
    assert_false(http_request_id_is_safe(long_id));
    long_id[64] = '\0';
    assert_true(http_request_id_is_safe(long_id));
}

static void test_limits_content_type_by_extension(void **state)
{
    (void)state;
    assert_string_equal(http_content_type_of("web/static/css/app.css"), "text/css; charset=utf-8");
    assert_string_equal(http_content_type_of("a/b.js"), "text/javascript; charset=utf-8");
    assert_string_equal(http_content_type_of("x.png"), "image/png");
    assert_string_equal(http_content_type_of("x"), "application/octet-stream");
    assert_string_equal(http_content_type_of("x.exe"), "application/octet-stream");
}

static void test_limits_are_as_documented(void **state)
{
    (void)state;
    /* docs/api.md states these; change both together */
    assert_int_equal(HTTP_MAX_BODY_BYTES, 1048576);
    assert_int_equal(HTTP_MAX_JSON_DEPTH, 16);
    assert_int_equal(HTTP_MAX_QUERY_CHARS, 200);
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_limits_json_depth_counts_nesting),
        cmocka_unit_test(test_limits_json_depth_ignores_brackets_in_strings),
        cmocka_unit_test(test_limits_json_depth_stops_past_limit),
        cmocka_unit_test(test_limits_request_id_must_be_short_and_plain),
        cmocka_unit_test(test_limits_content_type_by_extension),
        cmocka_unit_test(test_limits_are_as_documented),
    };
    if (argc > 1)
        cmocka_set_test_filter(argv[1]);
    return cmocka_run_group_tests_name("http/limits", tests, NULL, NULL);
}
