/* Unit tests for policeuk: reading the published files, natural keys, the anonymised export. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/policeuk/policeuk.h"

#define HEADER                                                                                 \
    "Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,LSOA code,LSOA "     \
    "name,Crime type,Last outcome category,Context\n"

static void shared_path(char *out, size_t cap, const char *rel)
{
    const char *root = getenv("FC_SHARED_DATA");
    snprintf(out, cap, "%s/police-uk/%s", root ? root : "../shared/data", rel);
}

struct file_counts {
    size_t rows, asb, no_location, dup_keys;
};

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void count_file(const char *rel, struct file_counts *out)
{
    char path[1024];
    shared_path(path, sizeof(path), rel);
    struct policeuk_reader *r = NULL;
    struct fc_err err;
    if (policeuk_reader_open(path, &r, &err) != FC_OK)
        fail_msg("%s: %s", rel, err.msg);
    memset(out, 0, sizeof(*out));
    size_t cap = 65536;
    char **keys = calloc(cap, sizeof(char *));
    struct policeuk_row row;
    int rc;
    while ((rc = policeuk_reader_next(r, &row, &err)) == 1) {
        assert_true(out->rows < cap);
        keys[out->rows++] = strdup(row.natural_key);
        out->asb += strcmp(row.crime_type, POLICEUK_ASB) == 0;
        out->no_location += !row.has_location;
        if (!row.has_location)
            assert_string_equal(row.location, "No Location");
    }
    assert_int_equal(rc, 0);
    size_t done, total;
    policeuk_reader_progress(r, &done, &total);
    assert_int_equal(done, total);
    qsort(keys, out->rows, sizeof(char *), cmp_str);
    for (size_t i = 0; i < out->rows; i++) {
        if (i && strcmp(keys[i], keys[i - 1]) == 0)
            out->dup_keys++;
    }
    for (size_t i = 0; i < out->rows; i++)
        free(keys[i]);
    free(keys);
    policeuk_reader_free(r);
}

/* Counts from the shared data's MANIFEST.tsv; the file has CRLF line endings. */
static void test_reader_counts_match_manifest_crlf_file(void **state)
{
    (void)state;
    struct file_counts c;
    count_file("leicestershire/2023-01-leicestershire-street.csv.gz", &c);
    assert_int_equal(c.rows, 8676);
    assert_int_equal(c.asb, 471);
    assert_int_equal(c.no_location, 328);
    assert_int_equal(c.dup_keys, 0); /* duplicates and repeated ids still get distinct keys */
}

/* 2019-02 Leicestershire has quoted locations with commas ("On or near Asda, Thurmaston"). */
static void test_reader_handles_quoted_fields_in_national_month(void **state)
{
    (void)state;
    char path[1024];
    shared_path(path, sizeof(path), "national/2019-02/2019-02-leicestershire-street.csv.gz");
    struct policeuk_reader *r = NULL;
    struct fc_err err;
    assert_int_equal(policeuk_reader_open(path, &r, &err), FC_OK);
    struct policeuk_row row;
    int quoted = 0;
    while (policeuk_reader_next(r, &row, &err) == 1) {
        if (strchr(row.location, ',')) {
            quoted++;
            assert_true(strncmp(row.location, "On or near ", 11) == 0);
        }
        assert_string_equal(row.month, "2019-02");
        assert_string_equal(row.reported_by, "Leicestershire Police");
    }
    policeuk_reader_free(r);
    assert_true(quoted > 0);
}

static void test_reader_identical_rows_get_numbered_keys(void **state)
{
    (void)state;
    const char *csv = HEADER
        ",2019-01,Leicestershire Police,Leicestershire Police,-1.225664,52.616057,On or near Yew "
        "Close,E01025632,Blaby 002B,Anti-social behaviour,,\r\n"
        ",2019-01,Leicestershire Police,Leicestershire Police,-1.225664,52.616057,On or near Yew "
        "Close,E01025632,Blaby 002B,Anti-social behaviour,,\r\n"
        "abc,2019-01,Leicestershire Police,Leicestershire Police,,,No Location,,,Burglary,Under "
        "investigation,\n";
    struct policeuk_reader *r = NULL;
    struct fc_err err;
    assert_int_equal(policeuk_reader_open_mem(csv, strlen(csv), &r, &err), FC_OK);
    struct policeuk_row a, b;
    char ka[POLICEUK_KEY_LEN];
    assert_int_equal(policeuk_reader_next(r, &a, &err), 1);
    strcpy(ka, a.natural_key);
    assert_true(fabs(a.lat - 52.616057) < 1e-9 && fabs(a.lon + 1.225664) < 1e-9);
    assert_int_equal(policeuk_reader_next(r, &b, &err), 1);
    assert_true(strncmp(b.natural_key, ka, strlen(ka)) == 0);
    assert_string_equal(b.natural_key + strlen(ka), "#2");
    assert_int_equal(policeuk_reader_next(r, &b, &err), 1);
    assert_string_equal(b.natural_key, "2019-01:abc");
    assert_false(b.has_location);
    assert_true(isnan(b.lat));
    assert_int_equal(policeuk_reader_next(r, &b, &err), 0);
    policeuk_reader_free(r);
}

static void expect_error(const char *csv, const char *field, const char *msg_part)
{
    struct policeuk_reader *r = NULL;
    struct fc_err err;
    err_clear(&err);
    int rc = policeuk_reader_open_mem(csv, strlen(csv), &r, &err);
    struct policeuk_row row;
    if (rc == FC_OK) {
        while ((rc = policeuk_reader_next(r, &row, &err)) == 1)
            ;
    }
    policeuk_reader_free(r);
    assert_int_equal(rc, FC_EINVAL);
    assert_string_equal(err.field, field);
    if (!strstr(err.msg, msg_part))
        fail_msg("message \"%s\" lacks \"%s\"", err.msg, msg_part);
}

static void test_reader_rejects_bad_input_naming_line_and_column(void **state)
{
    (void)state;
    expect_error("Crime ID,Month\nx,2019-01\n", "header", "columns");
    expect_error("Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,LSOA "
                 "code,LSOA name,Crime type,Outcome,Context\n",
                 "header", "column 11");
    expect_error(HEADER ",2019-13,P,P,,,No Location,,,Drugs,,\n", "Month", "line 2");
    expect_error(HEADER ",2019-01,P,P,-1.2,,No Location,,,Drugs,,\n", "Latitude", "line 2");
    expect_error(HEADER ",2019-01,P,P,west,52.1,On or near X,,,Drugs,,\n", "Longitude",
                 "line 2");
    expect_error(HEADER ",2019-01,P,P,,,No Location,,,,,\n", "Crime type", "line 2");
    expect_error(HEADER ",2019-01,P,P,,,No Location,,,Drugs,,\n,2019-01,P\n", "", "line 3");
}

/* Writes incidents, reads them back with the reader: the export must round-trip. */
static void test_export_anonymises_and_round_trips(void **state)
{
    (void)state;
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    policeuk_write_header(f);
    /* 2024-03-15 12:00 UTC, 30 m off a police.uk street point in Castle Donington */
    struct policeuk_export_incident a = { 1710504000LL, 52.823285 + 0.00027, -1.336256, NULL,
                                          "Leicestershire Police" };
    /* no coordinates: placed by its postcode */
    struct policeuk_export_incident b = { 1710504000LL, NAN, NAN, "LE1 1AD",
                                          "Leicestershire Police" };
    /* cannot be placed at all */
    struct policeuk_export_incident c = { 1709251200LL, NAN, NAN, NULL, "=cmd()" };
    policeuk_write_incident(f, &a);
    policeuk_write_incident(f, &b);
    policeuk_write_incident(f, &c);
    fclose(f);
    assert_null(strstr(buf, "52.823555")); /* the true point never appears */
    assert_null(strstr(buf, "LE1 1AD"));
    struct policeuk_reader *r = NULL;
    struct fc_err err;
    assert_int_equal(policeuk_reader_open_mem(buf, len, &r, &err), FC_OK);
    struct policeuk_row row;
    assert_int_equal(policeuk_reader_next(r, &row, &err), 1);
    assert_string_equal(row.month, "2024-03");
    assert_string_equal(row.crime_id, "");
    assert_string_equal(row.crime_type, POLICEUK_ASB);
    assert_string_equal(row.location, "On or near Ambassador Road");
    assert_string_equal(row.lsoa_code, "E01025927");
    assert_string_equal(row.lsoa_name, "North West Leicestershire 001D");
    assert_true(fabs(row.lat - 52.823285) < 1e-9);
    assert_int_equal(policeuk_reader_next(r, &row, &err), 1);
    assert_true(row.has_location);
    assert_true(strncmp(row.location, "On or near ", 11) == 0);
    assert_true(strncmp(row.lsoa_code, "E01", 3) == 0);
    assert_int_equal(policeuk_reader_next(r, &row, &err), 1);
    assert_string_equal(row.month, "2024-03");
    assert_string_equal(row.location, "No Location");
    assert_string_equal(row.reported_by, "'=cmd()"); /* formula guard */
    assert_int_equal(policeuk_reader_next(r, &row, &err), 0);
    policeuk_reader_free(r);
    free(buf);
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_reader_counts_match_manifest_crlf_file),
        cmocka_unit_test(test_reader_handles_quoted_fields_in_national_month),
        cmocka_unit_test(test_reader_identical_rows_get_numbered_keys),
        cmocka_unit_test(test_reader_rejects_bad_input_naming_line_and_column),
        cmocka_unit_test(test_export_anonymises_and_round_trips),
    };
    if (argc > 1)
        cmocka_set_test_filter(argv[1]);
    return cmocka_run_group_tests_name("policeuk", tests, NULL, NULL);
}
