/* Unit tests for util/xml: the Spark-convention XML writer. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "util/xml.h"

#define DECL "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"

static char *render(struct arena *a, const char *json, const char *root)
{
    json_t *doc = json_loads(json, JSON_DECODE_ANY, NULL);
    assert_non_null(doc);
    size_t len = 0;
    char *out = xml_spark_render(doc, root, NULL, a, &len);
    if (out != NULL)
        assert_int_equal(len, strlen(out));
    json_decref(doc);
    return out;
}

static void test_xml_array_root_items_are_singular(void **state)
{
    (void)state;
    struct arena a;
    arena_init(&a, 0);
    assert_string_equal(render(&a, "[{\"service_code\":\"A\"},{\"service_code\":\"B\"}]",
                               "services"),
                        DECL "<services><service><service_code>A</service_code></service>"
                             "<service><service_code>B</service_code></service></services>\n");
    assert_string_equal(render(&a, "[{\"service_request_id\":\"7\"}]", "service_requests"),
                        DECL "<service_requests><request><service_request_id>7"
                             "</service_request_id></request></service_requests>\n");
    assert_string_equal(render(&a, "[{\"update_id\":\"u1\"}]", "service_request_updates"),
                        DECL "<service_request_updates><request_update><update_id>u1</update_id>"
                             "</request_update></service_request_updates>\n");
    assert_string_equal(render(&a, "[]", "errors"), DECL "<errors></errors>\n");
    arena_free(&a);
}

static void test_xml_nested_lists_nulls_numbers_booleans(void **state)
{
    (void)state;
    struct arena a;
    arena_init(&a, 0);
    assert_string_equal(
        render(&a,
               "{\"service_code\":\"N\",\"attributes\":[{\"order\":1,\"values\":[{\"key\":\"K\","
               "\"name\":\"n\"}]}],\"x\":null,\"t\":true,\"f\":false,\"r\":0.5,"
               "\"media_url\":[\"u1\",\"u2\"]}",
               "service_definition"),
        DECL "<service_definition><service_code>N</service_code><attributes><attribute>"
             "<order>1</order><values><value><key>K</key><name>n</name></value></values>"
             "</attribute></attributes><x/><t>true</t><f>false</f><r>0.5</r>"
             "<media_url><media_url>u1</media_url><media_url>u2</media_url></media_url>"
             "</service_definition>\n");
    arena_free(&a);
}

static void test_xml_text_is_escaped(void **state)
{
    (void)state;
    struct arena a;
    arena_init(&a, 0);
    assert_string_equal(render(&a, "{\"d\":\"a<b & \\\"c\\\" 'd' >e\\r\\nf\\u0001g\"}", "doc"),
                        DECL "<doc><d>a&lt;b &amp; &quot;c&quot; &apos;d&apos; &gt;e&#13;\n"
                             "f\xEF\xBF\xBDg</d></doc>\n");
    /* UTF-8 passes through untouched */
    assert_string_equal(render(&a, "{\"d\":\"caf\\u00e9 \\u2013 \\ud83d\\ude00\"}", "doc"),
                        DECL "<doc><d>caf\xC3\xA9 \xE2\x80\x93 \xF0\x9F\x98\x80</d></doc>\n");
    arena_free(&a);
}

static void test_xml_refuses_bad_names_and_scalars(void **state)
{
    (void)state;
    struct arena a;
    arena_init(&a, 0);
    assert_null(render(&a, "{\"a b\":1}", "doc"));
    assert_null(render(&a, "{\"1st\":1}", "doc"));
    assert_null(render(&a, "{\"<x>\":1}", "doc"));
    assert_null(render(&a, "{\"a\":1}", "xml-root"));
    assert_null(render(&a, "\"just text\"", "doc"));
    assert_true(xml_name_is_valid("service_request_id"));
    assert_false(xml_name_is_valid(""));
    assert_false(xml_name_is_valid("XmlThing"));
    char buf[32];
    assert_string_equal(xml_item_name("attributes", buf, sizeof(buf)), "attribute");
    assert_string_equal(xml_item_name("media_url", buf, sizeof(buf)), "media_url");
    arena_free(&a);
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_xml_array_root_items_are_singular),
        cmocka_unit_test(test_xml_nested_lists_nulls_numbers_booleans),
        cmocka_unit_test(test_xml_text_is_escaped),
        cmocka_unit_test(test_xml_refuses_bad_names_and_scalars),
    };
    if (argc > 1)
        cmocka_set_test_filter(argv[1]);
    return cmocka_run_group_tests_name("util/xml", tests, NULL, NULL);
}
