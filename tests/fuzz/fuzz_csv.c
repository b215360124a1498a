/*
 * tests/fuzz/fuzz_csv.c: the CSV reader (util/csv), as used by `import`.
 *
 * The first byte picks a field-size limit; the rest is the file. Every record read is
 * written back with csv_write_field and read again: the fields must survive the round
 * trip unchanged, and with the formula guard on, a field that a spreadsheet would run as a
 * formula (leading =, +, -, @, tab, CR) must come back with a leading apostrophe.
 */
#include <stdbool.h>

#include "fuzz.h"
#include "util/csv.h"

static bool is_formula_start(char c)
{
    return c == '=' || c == '+' || c == '-' || c == '@' || c == '\t' || c == '\r';
}

static void check_round_trip(const struct csv_reader *r, bool guard)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    FUZZ_CHECK(f != NULL);
    for (size_t i = 0; i < r->n_fields; i++) {
        if (i)
            fputc(',', f);
        csv_write_field(f, r->fields[i], guard);
    }
    fputs("\r\n", f);
    fclose(f);

    struct csv_reader back;
    struct fc_err err;
    csv_reader_init(&back, buf, len);
    int rc = csv_read(&back, &err);
    /* A lone leading BOM in field 0 is skipped by the reader: not a round-trip case. */
    if (len >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0)
        goto out;
    FUZZ_CHECK(rc == 1);
    FUZZ_CHECK(back.n_fields == r->n_fields);
    for (size_t i = 0; i < r->n_fields; i++) {
        const char *want = r->fields[i];
        const char *got = back.fields[i];
        if (guard && is_formula_start(want[0])) {
            FUZZ_CHECK(got[0] == '\'');
            got++;
        }
        FUZZ_CHECK(strcmp(want, got) == 0);
    }
    FUZZ_CHECK(csv_read(&back, &err) == 0); /* exactly one record */
out:
    csv_reader_free(&back);
    free(buf);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    static const size_t limits[] = { 0, 1, 16, 255, 4096 };
    size_t limit = limits[data[0] % (sizeof limits / sizeof limits[0])];
    bool guard = (data[0] & 0x80) != 0;
    struct csv_reader r;
    struct fc_err err;
    csv_reader_init(&r, (const char *)data + 1, size - 1);
    r.max_field_bytes = limit;
    size_t prev_line = 0;
    for (int n = 0; n < 100000; n++) {
        err_clear(&err);
        int rc = csv_read(&r, &err);
        if (rc <= 0) {
            if (rc < 0) {
                FUZZ_CHECK(err.status == rc);
                FUZZ_CHECK(fuzz_terminated(err.msg, sizeof err.msg));
                FUZZ_CHECK(strncmp(err.msg, "line ", 5) == 0); /* names the line */
            }
            break;
        }
        FUZZ_CHECK(r.n_fields >= 1 && r.n_fields <= CSV_MAX_FIELDS);
        FUZZ_CHECK(r.line > prev_line);
        prev_line = r.line;
        for (size_t i = 0; i < r.n_fields; i++)
            FUZZ_CHECK(limit == 0 || strlen(r.fields[i]) <= limit);
        if (csv_field_index(&r, r.fields[0]) != -1)
            FUZZ_CHECK(csv_field_index(&r, r.fields[0]) == 0);
        check_round_trip(&r, guard);
    }
    csv_reader_free(&r);
    return 0;
}
