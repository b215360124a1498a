/* Unit tests for geo: LSOA point-in-polygon, postcode lookup, nearest postcode and street. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/geo/geo.h"
#include "util/csv.h"

/* Reads a file from the shared reference data (FC_SHARED_DATA); fails the test if absent. */
static char *shared_file(const char *rel, size_t *len)
{
    const char *root = getenv("FC_SHARED_DATA");
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", root ? root : "../shared/data", rel);
    char *data = NULL;
    struct fc_err err;
    if (csv_file_slurp(path, &data, len, &err) != FC_OK)
        fail_msg("cannot read %s", path);
    return data;
}

static void test_geo_loads_the_634_lsoas(void **state)
{
    (void)state;
    assert_true(geo_ready());
    assert_int_equal(geo_lsoa_count(), 634);
    const struct geo_lsoa *l = geo_lsoa_find("E01013600");
    assert_non_null(l);
    assert_string_equal(l->name, "Leicester 003A");
    assert_string_equal(l->district, "Leicester");
    assert_string_equal(l->district_code, "E06000016");
    assert_null(geo_lsoa_find("E09999999"));
}

/* Our centroids come from the same polygons as lsoa.csv's, computed in degrees instead of
 * British National Grid: they must agree to well under 100 m. */
static void test_geo_centroids_agree_with_published_lsoa_csv(void **state)
{
    (void)state;
    size_t len;
    char *data = shared_file("geography/lsoa.csv", &len);
    struct csv_reader r;
    csv_reader_init(&r, data, len);
    struct fc_err err;
    assert_int_equal(csv_read(&r, &err), 1);
    int rows = 0;
    while (csv_read(&r, &err) == 1) {
        const struct geo_lsoa *l = geo_lsoa_find(r.fields[0]);
        assert_non_null(l);
        double lat = atof(r.fields[3]), lon = atof(r.fields[4]);
        double dy = (lat - l->centroid_lat) * 111195.0;
        double dx = (lon - l->centroid_lon) * 111195.0 * cos(lat * M_PI / 180.0);
        if (sqrt(dx * dx + dy * dy) > 100.0)
            fail_msg("lsoa.csv line %zu: centroid %.0f m away", r.line, sqrt(dx * dx + dy * dy));
        rows++;
    }
    assert_int_equal(rows, 634);
    csv_reader_free(&r);
    free(data);
}

static void test_geo_postcode_lookup_accepts_typed_forms(void **state)
{
    (void)state;
    struct geo_postcode pc;
    assert_true(geo_postcode_lookup("le11aa", &pc));
    assert_string_equal(pc.postcode, "LE1 1AA");
    assert_true(fabs(pc.lat - 52.63211) < 1e-4 && fabs(pc.lon + 1.12500) < 1e-4);
    assert_string_equal(pc.district, "Leicester");
    assert_non_null(pc.lsoa);
    assert_string_equal(pc.lsoa->code, "E01032873");
    /* outside the LE area but inside the force area (Castle Donington / Measham) */
    assert_true(geo_postcode_lookup("DE11 7BS", &pc));
    assert_string_equal(pc.district, "North West Leicestershire");
    assert_false(geo_postcode_lookup("SW1A 1AA", &pc)); /* valid, not in the tables */
    assert_false(geo_postcode_lookup("not a postcode", &pc));
    assert_false(geo_postcode_lookup(NULL, &pc));
}

/* The shared estimate file assigns each postcode an LSOA by the same point-in-polygon test
 * on unrounded coordinates; ours must agree for (almost) every postcode it places. */
static void test_geo_postcode_lsoas_agree_with_shared_estimate(void **state)
{
    (void)state;
    size_t len;
    char *data = shared_file("geography/le_postcodes_lsoa21_estimate.csv", &len);
    struct csv_reader r;
    csv_reader_init(&r, data, len);
    struct fc_err err;
    assert_int_equal(csv_read(&r, &err), 1);
    int placed = 0, agree = 0;
    while (csv_read(&r, &err) == 1) {
        if (strcmp(r.fields[2], "inside") != 0)
            continue;
        struct geo_postcode pc;
        assert_true(geo_postcode_lookup(r.fields[0], &pc));
        placed++;
        agree += pc.lsoa && strcmp(pc.lsoa->code, r.fields[1]) == 0;
    }
    csv_reader_free(&r);
    free(data);
    assert_int_equal(placed, 22624);
    if (agree < placed * 995 / 1000)
        fail_msg("only %d of %d postcodes got the estimated LSOA", agree, placed);
}

static void test_geo_lsoa_at_outside_force_area_is_null(void **state)
{
    (void)state;
    assert_null(geo_lsoa_at(51.5007, -0.1246)); /* Westminster */
    assert_null(geo_lsoa_at(NAN, -1.1));
    const struct geo_lsoa *l = geo_lsoa_find("E01013600");
    assert_ptr_equal(geo_lsoa_at(l->centroid_lat, l->centroid_lon), l);
}

static void test_geo_nearest_postcode_and_street(void **state)
{
    (void)state;
    struct geo_postcode pc;
    /* 10 m north of LE1 1AD's point */
    assert_true(geo_postcode_nearest(52.63552 + 0.00009, -1.12904, 200.0, &pc));
    assert_string_equal(pc.postcode, "LE1 1AD");
    assert_false(geo_postcode_nearest(51.5007, -0.1246, 500.0, &pc));
    struct geo_street_point sp;
    /* police.uk's own point for Ambassador Road, Castle Donington */
    assert_true(geo_street_nearest(52.823285, -1.336256, 100.0, &sp));
    assert_string_equal(sp.street, "Ambassador Road");
    assert_string_equal(sp.lsoa_code, "E01025927");
    assert_false(geo_street_nearest(51.5007, -0.1246, 1000.0, &sp));
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_geo_loads_the_634_lsoas),
        cmocka_unit_test(test_geo_centroids_agree_with_published_lsoa_csv),
        cmocka_unit_test(test_geo_postcode_lookup_accepts_typed_forms),
        cmocka_unit_test(test_geo_postcode_lsoas_agree_with_shared_estimate),
        cmocka_unit_test(test_geo_lsoa_at_outside_force_area_is_null),
        cmocka_unit_test(test_geo_nearest_postcode_and_street),
    };
    if (argc > 1)
        cmocka_set_test_filter(argv[1]);
    return cmocka_run_group_tests_name("geo", tests, NULL, NULL);
}
