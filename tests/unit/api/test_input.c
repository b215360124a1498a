/* Unit tests for api/input: unknown fields, types, required, lengths, enums, arrays. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <jansson.h>
#include <string.h>

#include "api/input.h"

static const char *const colours[] = { "red", "green", NULL };
static const struct api_field fields[] = {
    { "name", API_STRING, true, 5, NULL },
    { "count", API_INTEGER, false, 0, NULL },
    { "colour", API_STRING, false, 10, colours },
    { "tags", API_ARRAY, false, 2, NULL },
    { "on", API_BOOLEAN, false, 0, NULL },
    API_FIELDS_END,
};

static int check(const char *text, struct fc_err *err)
{
    json_t *j = json_loads(text, 0, NULL);
    assert_non_null(j);
    err_clear(err);
    int rc = api_input_check(j, "", fields, err);
    json_decref(j);
    return rc;
}

static void test_input_accepts_valid_object(void **state)
{
    (void)state;
    struct fc_err err;
    assert_int_equal(check("{\"name\":\"Zo\\u00eb\",\"count\":3,\"colour\":\"red\","
                           "\"tags\":[1,2],\"on\":true}",
                           &err),
                     FC_OK);
    assert_int_equal(check("{\"name\":\"abc\",\"count\":null}", &err), FC_OK);
}

static void test_input_unknown_field_is_named(void **state)
{
    (void)state;
    struct fc_err err;
    assert_int_equal(check("{\"name\":\"a\",\"admin\":true}", &err), FC_EINVAL);
    assert_string_equal(err.field, "admin");
    assert_string_equal(err.msg, "unknown field");
}

static void test_input_wrong_type_is_named(void **state)
{
    (void)state;
    struct fc_err err;
    assert_int_equal(check("{\"name\":\"a\",\"count\":\"3\"}", &err), FC_EINVAL);
    assert_string_equal(err.field, "count");
    assert_string_equal(err.msg, "must be an integer");
    assert_int_equal(check("{\"name\":7}", &err), FC_EINVAL);
    assert_string_equal(err.field, "name");
}

static void test_input_missing_or_empty_required_is_named(void **state)
{
    (void)state;
    struct fc_err err;
    assert_int_equal(check("{}", &err), FC_EINVAL);
    assert_string_equal(err.field, "name");
    assert_string_equal(err.msg, "is required");
    assert_int_equal(check("{\"name\":\"\"}", &err), FC_EINVAL);
    assert_string_equal(err.msg, "must not be empty");
}

static void test_input_length_counts_characters_not_bytes(void **state)
{
    (void)state;
    struct fc_err err;
    /* five characters, ten bytes: allowed */
    assert_int_equal(check("{\"name\":\"\\u00eb\\u00eb\\u00eb\\u00eb\\u00eb\"}", &err), FC_OK);
    assert_int_equal(check("{\"name\":\"abcdef\"}", &err), FC_EINVAL);
    assert_string_equal(err.msg, "longer than 5 characters");
}

static void test_input_enum_and_array_limits(void **state)
{
    (void)state;
    struct fc_err err;
    assert_int_equal(check("{\"name\":\"a\",\"colour\":\"blue\"}", &err), FC_EINVAL);
    assert_string_equal(err.field, "colour");
    assert_string_equal(err.msg, "must be one of: red, green");
    assert_int_equal(check("{\"name\":\"a\",\"tags\":[1,2,3]}", &err), FC_EINVAL);
    assert_string_equal(err.msg, "has more than 2 items");
}

static void test_input_nested_path_prefixes_field(void **state)
{
    (void)state;
    struct fc_err err;
    json_t *j = json_loads("{\"name\":\"a\",\"x\":1}", 0, NULL);
    assert_int_equal(api_input_check(j, "names[2]", fields, &err), FC_EINVAL);
    assert_string_equal(err.field, "names[2].x");
    json_decref(j);
}

static void test_input_string_with_nul_is_refused(void **state)
{
    (void)state;
    struct fc_err err;
    json_t *j = json_object();
    json_object_set_new(j, "name", json_stringn("a\0b", 3));
    assert_int_equal(api_input_check(j, "", fields, &err), FC_EINVAL);
    assert_string_equal(err.field, "name");
    json_decref(j);
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_input_accepts_valid_object),
        cmocka_unit_test(test_input_unknown_field_is_named),
        cmocka_unit_test(test_input_wrong_type_is_named),
        cmocka_unit_test(test_input_missing_or_empty_required_is_named),
        cmocka_unit_test(test_input_length_counts_characters_not_bytes),
        cmocka_unit_test(test_input_enum_and_array_limits),
        cmocka_unit_test(test_input_nested_path_prefixes_field),
        cmocka_unit_test(test_input_string_with_nul_is_refused),
    };
    if (argc > 1)
        cmocka_set_test_filter(argv[1]);
    return cmocka_run_group_tests_name("api/input", tests, NULL, NULL);
}
