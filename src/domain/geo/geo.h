/*
 * geo/geo.h: where a point or a postcode lies: LSOA, district, nearest postcode and street.
 *
 * Owns the embedded geography of the Leicestershire force area: the 634 LSOA 2021
 * boundaries (web/static/geo/lsoa_boundaries.geojson, the same asset the hotspot map
 * draws), the postcode points (data/geo/le_postcodes.csv and
 * data/geo/leics_other_postcodes.csv) and police.uk's anonymous street points
 * (data/geo/le_street_points.csv, with police.uk's LSOA of each point). A postcode's LSOA is the polygon that contains its
 * point: an approximation for aggregation, never an official ONS assignment (see
 * data/geo/README.md). Used by hotspots, the police.uk export and neighbourhood team
 * assignment. Knows nothing of storage or HTTP.
 * Thread-safe: the tables are loaded once, on first use, and read-only afterwards; every
 * pointer returned stays valid for the life of the process.
 */
#ifndef FC_DOMAIN_GEO_GEO_H
#define FC_DOMAIN_GEO_GEO_H

#include <stdbool.h>
#include <stddef.h>

/* A point just outside every generalised polygon (vertices are about 200 m apart) is given
 * the nearest LSOA when its boundary is at most this far away. */
#define GEO_LSOA_EDGE_TOLERANCE_M 250.0

struct geo_lsoa {
    const char *code;     /* ONS LSOA21CD, e.g. "E01025631" */
    const char *name;     /* e.g. "Blaby 002A" */
    const char *district; /* LAD 2024 name */
    const char *district_code;
    double centroid_lat, centroid_lon; /* area centroid of the polygon's vertices' ring */
};

struct geo_postcode {
    char postcode[9]; /* normalised unit, "LE1 1AA" */
    double lat, lon;
    const char *district;       /* ONS district name of the postcode */
    const struct geo_lsoa *lsoa; /* NULL when outside the force area's LSOAs */
};

struct geo_street_point {
    const char *street; /* as police.uk names it, e.g. "Narborough Road" */
    double lat, lon;    /* police.uk's anonymous map point on the street */
    const char *lsoa_code; /* the LSOA police.uk gives for the point */
    const char *lsoa_name;
};

/* False when the embedded tables are missing or unreadable (logged once). */
bool geo_ready(void);

/* Number of LSOAs and the i-th one (in file order). */
size_t geo_lsoa_count(void);
const struct geo_lsoa *geo_lsoa_get(size_t i);
/* The LSOA with this code, or NULL. */
const struct geo_lsoa *geo_lsoa_find(const char *code);
/* The LSOA containing the WGS84 point (or within GEO_LSOA_EDGE_TOLERANCE_M of it), or NULL
 * outside the force area. */
const struct geo_lsoa *geo_lsoa_at(double lat, double lon);

/* Looks a postcode up as typed ("le11aa", "LE1 1AA"); false when unknown or invalid. */
bool geo_postcode_lookup(const char *raw, struct geo_postcode *out);
/* The postcode point nearest to a WGS84 point within max_m metres; false if none. */
bool geo_postcode_nearest(double lat, double lon, double max_m, struct geo_postcode *out);
/* The police.uk street point nearest to a WGS84 point within max_m metres; false if none. */
bool geo_street_nearest(double lat, double lon, double max_m, struct geo_street_point *out);

#endif
