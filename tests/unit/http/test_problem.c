/* Unit tests for http/problem: status mapping and RFC 9457 documents. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <jansson.h>
#include <string.h>

#include "http/http.h"

static void test_problem_status_mapping(void **state)
{
    (void)state;
    assert_int_equal(http_status_of(FC_EINVAL), 422);
    assert_int_equal(http_status_of(FC_ENOTFOUND), 404);
    assert_int_equal(http_status_of(FC_ECONFLICT), 409);
    assert_int_equal(http_status_of(FC_EDENIED), 403);
    assert_int_equal(http_status_of(FC_EUNAVAIL), 503);
    assert_int_equal(http_status_of(FC_EAUTH), 401);
    assert_int_equal(http_status_of(FC_EINTERNAL), 500);
}

static void test_problem_document_names_field_and_detail(void **state)
{
    (void)state;
    struct arena a;
    struct fc_err err;
    size_t len = 0;
    arena_init(&a, 0);
    err_set(&err, FC_EINVAL, "names[0].surname", "longer than %d characters", 100);
    char *doc = http_problem_render(&a, 422, &err, "abc123", &len);
    assert_non_null(doc);
    assert_int_equal(strlen(doc), len);
    json_t *j = json_loads(doc, 0, NULL);
    assert_non_null(j);
    assert_string_equal(json_string_value(json_object_get(j, "type")), "/problems/validation");
    assert_string_equal(json_string_value(json_object_get(j, "title")), "Unprocessable Content");
    assert_int_equal(json_integer_value(json_object_get(j, "status")), 422);
    assert_string_equal(json_string_value(json_object_get(j, "detail")),
                        "longer than 100 characters");
    assert_string_equal(json_string_value(json_object_get(j, "field")), "names[0].surname");
    assert_string_equal(json_string_value(json_object_get(j, "request_id")), "abc123");
    json_decref(j);
    arena_free(&a);
}

static void test_problem_without_field_omits_it(void **state)
{
    (void)state;
    struct arena a;
    struct fc_err err;
    size_t len;
    arena_init(&a, 0);
    err_clear(&err);
    char *doc = http_problem_render(&a, 404, &err, NULL, &len);
    json_t *j = json_loads(doc, 0, NULL);
    assert_non_null(j);
    assert_null(json_object_get(j, "field"));
    assert_null(json_object_get(j, "request_id"));
    assert_string_equal(json_string_value(json_object_get(j, "detail")), "Not Found");
    json_decref(j);
    arena_free(&a);
}

static void test_problem_escapes_quotes_in_detail(void **state)
{
    (void)state;
    struct arena a;
    struct fc_err err;
    size_t len;
    arena_init(&a, 0);
    err_set(&err, FC_EINVAL, "a\"b", "bad \"value\" \\ here");
    char *doc = http_problem_render(&a, 400, &err, "r", &len);
    json_t *j = json_loads(doc, 0, NULL);
    assert_non_null(j);
    assert_string_equal(json_string_value(json_object_get(j, "field")), "a\"b");
    assert_string_equal(json_string_value(json_object_get(j, "title")), "Bad Request");
    json_decref(j);
    arena_free(&a);
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_problem_status_mapping),
        cmocka_unit_test(test_problem_document_names_field_and_detail),
        cmocka_unit_test(test_problem_without_field_omits_it),
        cmocka_unit_test(test_problem_escapes_quotes_in_detail),
    };
    if (argc > 1)
        cmocka_set_test_filter(argv[1]);
    return cmocka_run_group_tests_name("http/problem", tests, NULL, NULL);
}
