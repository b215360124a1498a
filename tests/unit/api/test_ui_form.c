/* Unit tests for api/ui_form: urlencoded bodies as htmx sends them, and hostile ones. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h> /* after the headers it needs */

#include "api/ui_form.h"

static void test_ui_form_decodes_plus_and_percent(void **state)
{
    (void)state;
    struct arena a;
    arena_init(&a, 0);
    struct ui_form f;
    struct fc_err err;
    const char *body = "name=Bob+O%27Brien&dob=03%2F02%2F1980&empty=&flag&name=second";
    assert_int_equal(ui_form_parse(&a, body, strlen(body), &f, &err), FC_OK);
    assert_string_equal(ui_form_get(&f, "name"), "Bob O'Brien"); /* first value wins */
    assert_string_equal(ui_form_get(&f, "dob"), "03/02/1980");
    assert_string_equal(ui_form_get(&f, "empty"), "");
    assert_string_equal(ui_form_get(&f, "flag"), "");
    assert_null(ui_form_get(&f, "missing"));
    arena_free(&a);
}

static void test_ui_form_keeps_utf8(void **state)
{
    (void)state;
    struct arena a;
    arena_init(&a, 0);
    struct ui_form f;
    struct fc_err err;
    const char *body = "name=Zo%C3%AB+%C5%81ukasz";
    assert_int_equal(ui_form_parse(&a, body, strlen(body), &f, &err), FC_OK);
    assert_string_equal(ui_form_get(&f, "name"), "Zo\xc3\xab \xc5\x81ukasz");
    arena_free(&a);
}

static void test_ui_form_refuses_bad_escapes_nul_and_bad_utf8(void **state)
{
    (void)state;
    struct arena a;
    arena_init(&a, 0);
    struct ui_form f;
    struct fc_err err;
    const char *bad[] = { "name=%zz", "name=abc%4", "name=a%00b", "name=%C3", "name=%ED%A0%80",
                          "name=%C0%AF" };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        assert_int_equal(ui_form_parse(&a, bad[i], strlen(bad[i]), &f, &err), FC_EINVAL);
        assert_string_equal(err.field, "name");
    }
    arena_free(&a);
}

static void test_ui_form_refuses_too_many_fields(void **state)
{
    (void)state;
    struct arena a;
    arena_init(&a, 0);
    struct ui_form f;
    struct fc_err err;
    char body[4096] = "";
    for (int i = 0; i <= UI_FORM_MAX_FIELDS; i++) {
        char one[16];
        snprintf(one, sizeof(one), "f%d=1&", i);
        strcat(body, one);
    }
    assert_int_equal(ui_form_parse(&a, body, strlen(body), &f, &err), FC_EINVAL);
    assert_string_equal(err.field, "form");
    arena_free(&a);
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ui_form_decodes_plus_and_percent),
        cmocka_unit_test(test_ui_form_keeps_utf8),
        cmocka_unit_test(test_ui_form_refuses_bad_escapes_nul_and_bad_utf8),
        cmocka_unit_test(test_ui_form_refuses_too_many_fields),
    };

    if (argc > 1)
        cmocka_set_test_filter(argv[1]);
    return cmocka_run_group_tests_name("api/ui_form", tests, NULL, NULL);
}
