/*
 * policeuk/policeuk_write.c: FirstContact's ASB incidents in the police.uk layout.
 *
 * Anonymised the way data.police.uk does it (https://data.police.uk/about/): the date
 * becomes the month, the location becomes the nearest of police.uk's own anonymous street
 * points ("On or near <street>") with that point's LSOA, and nothing about people, free text
 * or outcomes is written. An incident that cannot be placed within 20 km is "No Location".
 */
#include "domain/policeuk/policeuk.h"

#include <math.h>
#include <time.h>

#include "domain/geo/geo.h"
#include "util/csv.h"

void policeuk_write_header(FILE *f)
{
    for (int i = 0; i < POLICEUK_N_COLUMNS; i++) {
        if (i)
            fputc(',', f);
        fputs(policeuk_columns[i], f);
    }
    fputc('\n', f);
}

void policeuk_write_incident(FILE *f, const struct policeuk_export_incident *in)
{
    char month[16];
    time_t t = (time_t)in->recorded_at;
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(month, sizeof(month), "%Y-%m", &tm);

    double lat = in->lat, lon = in->lon;
    if (isnan(lat) || isnan(lon)) {
        struct geo_postcode pc;
        if (in->postcode && geo_postcode_lookup(in->postcode, &pc)) {
            lat = pc.lat;
            lon = pc.lon;
        }
    }
    struct geo_street_point sp;
    bool placed = !isnan(lat) && !isnan(lon) &&
                  geo_street_nearest(lat, lon, POLICEUK_MAX_SNAP_M, &sp);
    const char *by = in->reported_by ? in->reported_by : "";

    fputc(',', f); /* Crime ID: police.uk gives ASB none */
    fputs(month, f);
    fputc(',', f);
    csv_write_field(f, by, true);
    fputc(',', f);
    csv_write_field(f, by, true);
    fputc(',', f);
    if (placed) {
        char loc[300];
        snprintf(loc, sizeof(loc), "On or near %s", sp.street);
        /* numbers are written unguarded: a leading '-' is a longitude, not a formula */
        fprintf(f, "%.6f,%.6f,", sp.lon, sp.lat);
        csv_write_field(f, loc, true);
        fputc(',', f);
        csv_write_field(f, sp.lsoa_code, true);
        fputc(',', f);
        csv_write_field(f, sp.lsoa_name, true);
    } else {
        fputs(",,No Location,,", f);
    }
    fputc(',', f);
    fputs(POLICEUK_ASB, f);
    fputs(",,\n", f);
}
