/* Unit tests for police.uk import and export through a real (SQLite) store. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h> /* after the headers it needs */

#include "domain/policeuk/policeuk.h"
#include "store/store.h"
#include "unit/store/store_fixture.h"
#include "util/csv.h"

#define STORE(state) (((struct store_fixture *)*(state))->store)
#define DIR(state) (((struct store_fixture *)*(state))->dir)

static void shared_path(char *out, size_t cap, const char *rel)
{
    const char *root = getenv("FC_SHARED_DATA");
    snprintf(out, cap, "%s/police-uk/%s", root ? root : "../shared/data", rel);
}

static int64_t count_rows(struct store *s, const char *crime_type)
{
    struct arena a;
    arena_init(&a, 0);
    struct report_filter f = { .period = REPORT_PERIOD_ALL, .dim = REPORT_DIM_NONE };
    struct report_count *rows;
    size_t n;
    struct fc_err err;
    assert_int_equal(STORE_CALL(s, policeuk_counts, &f, crime_type, &a, &rows, &n, &err), FC_OK);
    int64_t total = n ? rows[0].n : 0;
    arena_free(&a);
    return total;
}

static void test_import_is_idempotent_on_a_real_file(void **state)
{
    struct store *s = STORE(state);
    char path[1024];
    shared_path(path, sizeof(path), "leicestershire/2023-01-leicestershire-street.csv.gz");
    struct policeuk_import_stats st = { 0 };
    struct fc_err err;
    if (policeuk_import_file(s, path, 1700000000, NULL, NULL, &st, &err) != FC_OK)
        fail_msg("import: %s", err.msg);
    assert_int_equal(st.rows, 8676);
    assert_int_equal(st.inserted, 8676);
    assert_int_equal(st.asb_rows, 471);
    assert_int_equal(count_rows(s, NULL), 8676);
    assert_int_equal(count_rows(s, POLICEUK_ASB), 471);

    struct policeuk_import_stats again = { 0 };
    assert_int_equal(policeuk_import_file(s, path, 1700000999, NULL, NULL, &again, &err), FC_OK);
    assert_int_equal(again.rows, 8676);
    assert_int_equal(again.inserted, 0);
    assert_int_equal(again.updated, 0);
    assert_int_equal(again.unchanged, 8676);
    assert_int_equal(count_rows(s, NULL), 8676);
}

static void test_import_of_a_bad_file_writes_nothing(void **state)
{
    struct store *s = STORE(state);
    char path[600];
    snprintf(path, sizeof(path), "%s/bad.csv", DIR(state));
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    policeuk_write_header(f);
    fputs(",2024-01,Leicestershire Police,Leicestershire Police,-1.1,52.6,On or near X,E01,"
          "Y,Anti-social behaviour,,\n",
          f);
    fputs(",2024-01,Leicestershire Police,Leicestershire Police,-1.1,north,On or near X,E01,"
          "Y,Anti-social behaviour,,\n",
          f);
    fclose(f);
    struct policeuk_import_stats st = { 0 };
    struct fc_err err;
    assert_int_equal(policeuk_import_file(s, path, 1700000000, NULL, NULL, &st, &err), FC_EINVAL);
    assert_string_equal(err.field, "Latitude");
    assert_non_null(strstr(err.msg, "line 3"));
    assert_int_equal(st.rows, 0);
    assert_int_equal(count_rows(s, NULL), 0);
}

/* Own incidents out in police.uk's layout, and back in through the importer. */
static void test_export_round_trips_through_import(void **state)
{
    struct store *s = STORE(state);
    struct fc_err err;
    struct organisation o = { .kind = ORG_FORCE, .name = "Leicestershire Police" };
    fc_id_t org;
    assert_int_equal(store_org_insert(s, &o, &org, &err), FC_OK);
    /* two incidents in March 2024 near police.uk points, one placed by postcode, one in
     * April (outside the window) */
    struct {
        double lat, lon;
        const char *postcode;
        fc_time_t at;
    } in[] = {
        { 52.823285 + 0.0002, -1.336256, NULL, 1710504000 },
        { 52.823285, -1.336256 + 0.0003, NULL, 1710590400 },
        { NAN, NAN, "LE1 1AD", 1710676800 },
        { 52.63552, -1.12904, NULL, 1712000000 },
    };
    for (size_t i = 0; i < 4; i++) {
        struct incident inc = { .org_id = org, .category = NSIR_NUISANCE, .incident_type = "noise",
                                .description = "music at night, caller Jane Doe 07700900123",
                                .location_postcode = (char *)in[i].postcode,
                                .lat = in[i].lat, .lon = in[i].lon, .status = INCIDENT_OPEN,
                                .created_at = in[i].at };
        assert_int_equal(STORE_CALL(s, incident_insert, &inc, NULL, &err), FC_OK);
    }
    char path[600];
    snprintf(path, sizeof(path), "%s/2024-03-export-street.csv", DIR(state));
    FILE *f = fopen(path, "w");
    size_t rows = 0;
    /* [2024-03-01, 2024-04-01) */
    assert_int_equal(policeuk_export(s, 1709251200, 1711929600, f, &rows, &err), FC_OK);
    fclose(f);
    assert_int_equal(rows, 3);
    char *data;
    size_t len;
    assert_int_equal(csv_file_slurp(path, &data, &len, &err), FC_OK);
    assert_null(strstr(data, "Jane"));
    assert_null(strstr(data, "0770"));
    assert_null(strstr(data, "LE1 1AD"));
    assert_null(strstr(data, "noise"));
    free(data);

    struct policeuk_import_stats st = { 0 };
    assert_int_equal(policeuk_import_file(s, path, 1712000000, NULL, NULL, &st, &err), FC_OK);
    assert_int_equal(st.rows, 3);
    /* the two Castle Donington incidents snap to one police.uk point: identical rows, kept */
    assert_int_equal(st.inserted, 3);
    struct arena a;
    arena_init(&a, 0);
    struct report_filter fl = { .period = REPORT_PERIOD_MONTH, .dim = REPORT_DIM_LSOA };
    struct report_count *cnt;
    size_t n;
    assert_int_equal(STORE_CALL(s, policeuk_counts, &fl, POLICEUK_ASB, &a, &cnt, &n, &err), FC_OK);
    int64_t at_point = 0, total = 0;
    for (size_t i = 0; i < n; i++) {
        assert_string_equal(cnt[i].period, "2024-03");
        total += cnt[i].n;
        if (strcmp(cnt[i].group, "E01025927") == 0)
            at_point = cnt[i].n;
    }
    assert_int_equal(total, 3);
    assert_int_equal(at_point, 2);
    arena_free(&a);
    /* exporting again and re-importing changes nothing */
    f = fopen(path, "w");
    assert_int_equal(policeuk_export(s, 1709251200, 1711929600, f, &rows, &err), FC_OK);
    fclose(f);
    struct policeuk_import_stats again = { 0 };
    assert_int_equal(policeuk_import_file(s, path, 1712000001, NULL, NULL, &again, &err), FC_OK);
    assert_int_equal(again.unchanged, 3);
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_import_is_idempotent_on_a_real_file, fixture_setup,
                                        fixture_teardown),
        cmocka_unit_test_setup_teardown(test_import_of_a_bad_file_writes_nothing, fixture_setup,
                                        fixture_teardown),
        cmocka_unit_test_setup_teardown(test_export_round_trips_through_import, fixture_setup,
                                        fixture_teardown),
    };
    if (argc > 1)
        cmocka_set_test_filter(argv[1]);
    return cmocka_run_group_tests_name("policeuk/store", tests, NULL, NULL);
}
