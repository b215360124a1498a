/* Unit tests for util/csv and util/timeutil. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "util/csv.h"
#include "util/timeutil.h"

static void test_csv_quoted_fields_with_commas_and_newlines(void **state)
{
    (void)state;
    const char *in = "a,b,c\n1,\"x, y\",\"say \"\"hi\"\"\nthere\"\r\n2,,\n";
    struct csv_reader r;
    struct fc_err err;
    csv_reader_init(&r, in, strlen(in));
    assert_int_equal(csv_read(&r, &err), 1);
    assert_int_equal(r.n_fields, 3);
    assert_int_equal(csv_field_index(&r, "c"), 2);
    assert_int_equal(csv_read(&r, &err), 1);
    assert_int_equal(r.line, 2);
    assert_string_equal(r.fields[1], "x, y");
    assert_string_equal(r.fields[2], "say \"hi\"\nthere");
    assert_int_equal(csv_read(&r, &err), 1);
    assert_int_equal(r.line, 4);
    assert_string_equal(r.fields[1], "");
    assert_int_equal(r.n_fields, 3);
    assert_int_equal(csv_read(&r, &err), 0);
    csv_reader_free(&r);
}

static void test_csv_unterminated_quote_names_line(void **state)
{
    (void)state;
    const char *in = "a\nok\n\"broken\n";
    struct csv_reader r;
    struct fc_err err;
    csv_reader_init(&r, in, strlen(in));
    assert_int_equal(csv_read(&r, &err), 1);
    assert_int_equal(csv_read(&r, &err), 1);
    assert_int_equal(csv_read(&r, &err), FC_EINVAL);
    assert_non_null(strstr(err.msg, "line 3"));
    csv_reader_free(&r);
}

static void test_csv_writer_guards_formulas(void **state)
{
    (void)state;
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    csv_write_field(f, "=HYPERLINK(\"x\")", true);
    fputc(',', f);
    csv_write_field(f, "plain", true);
    fclose(f);
    assert_string_equal(buf, "\"'=HYPERLINK(\"\"x\"\")\",plain");
    free(buf);
}

static void test_time_parse_iso8601_with_offsets(void **state)
{
    (void)state;
    int64_t t;
    int off;
    assert_true(time_parse_iso8601("2024-07-14T21:03:11+01:00", &t, &off));
    assert_int_equal(off, 60);
    assert_int_equal(t, 1720987391); /* 2024-07-14T20:03:11Z */
    assert_true(time_parse_iso8601("1970-01-01T00:00:00Z", &t, &off));
    assert_int_equal(t, 0);
    assert_false(time_parse_iso8601("2024-02-30T00:00:00Z", &t, &off));
    assert_false(time_parse_iso8601("2024-07-14T21:03:11", &t, &off));
    assert_false(time_parse_iso8601("2024-07-14T21:03:11+01:00junk", &t, &off));
    assert_true(time_parse_iso8601("2024-07-14T21:03:11+14:00", &t, &off));
    assert_false(time_parse_iso8601("2024-07-14T21:03:11-14:30", &t, &off)); /* fuzz_time */
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_csv_quoted_fields_with_commas_and_newlines),
        cmocka_unit_test(test_csv_unterminated_quote_names_line),
        cmocka_unit_test(test_csv_writer_guards_formulas),
        cmocka_unit_test(test_time_parse_iso8601_with_offsets),
    };
    if (argc > 1)
        cmocka_set_test_filter(argv[1]);
    return cmocka_run_group_tests_name("util/csv", tests, NULL, NULL);
}
