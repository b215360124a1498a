/* Unit tests for http/html: escaping by default, refused names, unsafe URLs, limits. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h> /* after the headers it needs */

#include "http/html.h"

struct fixture {
    struct arena arena;
    struct html h;
};

static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof(*f));
    arena_init(&f->arena, 0);
    html_init(&f->h, &f->arena, 0);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    arena_free(&f->arena);
    free(f);
    return 0;
}

static const char *done(struct fixture *f)
{
    const char *s = html_finish(&f->h, NULL);
    assert_non_null(s);
    return s;
}

static void test_html_text_escapes_markup_characters(void **state)
{
    struct fixture *f = *state;
    html_text(&f->h, "<script>alert('x') & \"y\"</script>");
    assert_string_equal(done(f),
                        "&lt;script&gt;alert(&#39;x&#39;) &amp; &quot;y&quot;&lt;/script&gt;");
}

static void test_html_textf_escapes_formatted_text(void **state)
{
    struct fixture *f = *state;
    html_textf(&f->h, "%d contacts for %s", 3, "O'Brien <b>");
    assert_string_equal(done(f), "3 contacts for O&#39;Brien &lt;b&gt;");
}

static void test_html_textf_handles_long_output(void **state)
{
    struct fixture *f = *state;
    char big[2000];
    memset(big, 'a', sizeof(big) - 1);
    big[sizeof(big) - 1] = '\0';
    big[5] = '<';
    html_textf(&f->h, "%s", big);
    size_t len = 0;
    const char *s = html_finish(&f->h, &len);
    assert_non_null(s);
    assert_int_equal(len, sizeof(big) - 1 + 3);
    assert_memory_equal(s, "aaaaa&lt;aa", 11);
}

static void test_html_open_escapes_attribute_values(void **state)
{
    struct fixture *f = *state;
    html_open(&f->h, "input", "name", "q", "value", "\"><img src=x>", NULL);
    assert_string_equal(done(f), "<input name=\"q\" value=\"&quot;&gt;&lt;img src=x&gt;\">");
}

static void test_html_elem_writes_element_with_text(void **state)
{
    struct fixture *f = *state;
    html_elem(&f->h, "p", "Tom & Jerry", "class", "note", NULL);
    assert_string_equal(done(f), "<p class=\"note\">Tom &amp; Jerry</p>");
}

static void test_html_omit_skips_attribute_and_empty_is_boolean(void **state)
{
    struct fixture *f = *state;
    html_void(&f->h, "input", "type", "checkbox", "checked", HTML_OMIT, "required", "", NULL);
    assert_string_equal(done(f), "<input type=\"checkbox\" required=\"\">");
}

static void test_html_refuses_event_handler_attribute(void **state)
{
    struct fixture *f = *state;
    html_open(&f->h, "div", "onclick", "alert(1)", NULL);
    assert_false(html_ok(&f->h));
    assert_null(html_finish(&f->h, NULL));
    assert_int_equal(html_error(&f->h)->status, FC_EINTERNAL);
}

static void test_html_refuses_style_attribute(void **state)
{
    struct fixture *f = *state;
    html_open(&f->h, "div", "style", "color:red", NULL);
    assert_false(html_ok(&f->h));
}

static void test_html_refuses_bad_tag_name(void **state)
{
    struct fixture *f = *state;
    html_open(&f->h, "div><script", NULL);
    assert_false(html_ok(&f->h));
    /* sticky: later calls write nothing */
    html_text(&f->h, "after");
    assert_null(html_finish(&f->h, NULL));
}

static void test_html_refuses_attribute_name_with_markup(void **state)
{
    struct fixture *f = *state;
    html_open(&f->h, "a", "href=\"x\" data-a", "1", NULL);
    assert_false(html_ok(&f->h));
}

static void test_html_javascript_url_becomes_hash(void **state)
{
    struct fixture *f = *state;
    html_elem(&f->h, "a", "x", "href", "JavaScript:alert(1)", NULL);
    html_elem(&f->h, "a", "y", "hx-get", " javascript:alert(1)", NULL);
    assert_string_equal(done(f), "<a href=\"#\">x</a><a hx-get=\"#\">y</a>");
}

static void test_html_url_is_safe_accepts_relative_and_http(void **state)
{
    (void)state;
    assert_true(html_url_is_safe("/persons/12?tab=flags"));
    assert_true(html_url_is_safe("?page=2"));
    assert_true(html_url_is_safe("#main"));
    assert_true(html_url_is_safe("https://tile.example/{z}/{x}/{y}.png"));
    assert_true(html_url_is_safe("persons/12:3"));
    assert_false(html_url_is_safe("data:text/html,<b>"));
    assert_false(html_url_is_safe("vbscript:x"));
    assert_false(html_url_is_safe("java\tscript:x"));
    assert_false(html_url_is_safe(NULL));
}

static void test_html_url_attribute_keeps_query_escaped(void **state)
{
    struct fixture *f = *state;
    html_elem(&f->h, "a", "next", "href", "/incidents?status=open&page=2", NULL);
    assert_string_equal(done(f), "<a href=\"/incidents?status=open&amp;page=2\">next</a>");
}

static void test_html_max_bytes_fails_instead_of_truncating(void **state)
{
    struct fixture *f = *state;
    html_init(&f->h, &f->arena, 16);
    html_raw(&f->h, "0123456789");
    assert_true(html_ok(&f->h));
    html_raw(&f->h, "0123456789");
    assert_false(html_ok(&f->h));
    assert_int_equal(html_error(&f->h)->status, FC_ENOMEM);
    assert_null(html_finish(&f->h, NULL));
}

static void test_html_grows_past_first_chunk(void **state)
{
    struct fixture *f = *state;
    for (int i = 0; i < 1000; i++)
        html_elem(&f->h, "li", "item", NULL);
    size_t len = 0;
    const char *s = html_finish(&f->h, &len);
    assert_non_null(s);
    assert_int_equal(len, 1000 * strlen("<li>item</li>"));
    assert_int_equal(strlen(s), len);
}

static void test_html_empty_document_is_empty_string(void **state)
{
    struct fixture *f = *state;
    size_t len = 99;
    const char *s = html_finish(&f->h, &len);
    assert_non_null(s);
    assert_int_equal(len, 0);
    assert_string_equal(s, "");
}

static void test_html_textn_drops_embedded_nul(void **state)
{
    struct fixture *f = *state;
    html_textn(&f->h, "a\0b<", 4);
    assert_string_equal(done(f), "ab&lt;");
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_html_text_escapes_markup_characters, setup, teardown),
        cmocka_unit_test_setup_teardown(test_html_textf_escapes_formatted_text, setup, teardown),
        cmocka_unit_test_setup_teardown(test_html_textf_handles_long_output, setup, teardown),
        cmocka_unit_test_setup_teardown(test_html_open_escapes_attribute_values, setup, teardown),
        cmocka_unit_test_setup_teardown(test_html_elem_writes_element_with_text, setup, teardown),
        cmocka_unit_test_setup_teardown(test_html_omit_skips_attribute_and_empty_is_boolean, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_html_refuses_event_handler_attribute, setup, teardown),
        cmocka_unit_test_setup_teardown(test_html_refuses_style_attribute, setup, teardown),
        cmocka_unit_test_setup_teardown(test_html_refuses_bad_tag_name, setup, teardown),
        cmocka_unit_test_setup_teardown(test_html_refuses_attribute_name_with_markup, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_html_javascript_url_becomes_hash, setup, teardown),
        cmocka_unit_test(test_html_url_is_safe_accepts_relative_and_http),
        cmocka_unit_test_setup_teardown(test_html_url_attribute_keeps_query_escaped, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_html_max_bytes_fails_instead_of_truncating, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_html_grows_past_first_chunk, setup, teardown),
        cmocka_unit_test_setup_teardown(test_html_empty_document_is_empty_string, setup, teardown),
        cmocka_unit_test_setup_teardown(test_html_textn_drops_embedded_nul, setup, teardown),
    };

    if (argc > 1)
        cmocka_set_test_filter(argv[1]);
    return cmocka_run_group_tests_name("http/html", tests, NULL, NULL);
}
