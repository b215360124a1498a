/*
 * geo/geo.c: see geo.h.
 *
 * DESIGN: the LSOA polygons are parsed from GeoJSON once (jansson) into flat vertex arrays
 * with a bounding box each; a lookup tests the boxes, then even-odd ray casting over every
 * ring of the candidate (holes come out right without telling rings apart). Postcode and
 * street points sit in a grid of 0.01-degree cells sorted by cell key, so a nearest search
 * visits only the cells within reach instead of scanning 25,000 points.
 */
#include "domain/geo/geo.h"

#include <jansson.h>
#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/match/norm.h"
#include "util/assets.h"
#include "util/csv.h"
#include "util/log.h"

#define LSOA_ASSET "web/static/geo/lsoa_boundaries.geojson"
#define CELL_DEG 0.01
#define M_PER_DEG_LAT 111195.0 /* 6,371 km * pi / 180 */

struct lsoa_poly {
    struct geo_lsoa pub;
    double min_lat, max_lat, min_lon, max_lon;
    size_t n_rings;
    size_t *ring_start; /* n_rings + 1 offsets into lat/lon */
    double *lat, *lon;
};

struct grid_pt {
    int64_t cell;
    float lat, lon;
    uint32_t idx; /* row in the owning table */
};

struct grid {
    struct grid_pt *pts;
    size_t n;
};

struct pc_row {
    char postcode[9];
    float lat, lon;
    const char *district; /* interned in `strings` */
    const struct geo_lsoa *lsoa;
};

struct street_row {
    char *street;
    double lat, lon; /* police.uk's 6 decimals, written back exactly by the export */
    char *lsoa_code;
    char *lsoa_name;
};

static pthread_once_t geo_once = PTHREAD_ONCE_INIT;
static bool geo_ok;
static struct lsoa_poly *polys;
static size_t n_polys;
static struct pc_row *pcs; /* sorted by postcode */
static size_t n_pcs;
static struct grid pc_grid;
static struct street_row *streets;
static size_t n_streets;
static struct grid street_grid;

static const struct geo_lsoa *lsoa_locate(double lat, double lon);

/* ---- helpers ---- */

static int64_t cell_of(double lat, double lon)
{
    int64_t a = (int64_t)floor(lat / CELL_DEG), b = (int64_t)floor(lon / CELL_DEG);
    return a * 100000 + b;
}

static int grid_pt_cmp(const void *x, const void *y)
{
    const struct grid_pt *a = x, *b = y;
    return (a->cell > b->cell) - (a->cell < b->cell);
}

/* Fast distance for ranking nearby points: equirectangular, good to < 0.1% under 5 km. */
static double near_dist_m(double lat1, double lon1, double lat2, double lon2)
{
    double k = cos((lat1 + lat2) * 0.5 * M_PI / 180.0);
    double dy = (lat2 - lat1) * M_PER_DEG_LAT, dx = (lon2 - lon1) * M_PER_DEG_LAT * k;
    return sqrt(dx * dx + dy * dy);
}

/* Index of the nearest grid point within max_m, or -1. */
static long grid_nearest(const struct grid *g, double lat, double lon, double max_m)
{
    if (g->n == 0)
        return -1;
    int64_t clat = (int64_t)floor(lat / CELL_DEG), clon = (int64_t)floor(lon / CELL_DEG);
    double k = cos(lat * M_PI / 180.0);
    int64_t rlat = (int64_t)ceil(max_m / (CELL_DEG * M_PER_DEG_LAT)) + 1;
    int64_t rlon = (int64_t)ceil(max_m / (CELL_DEG * M_PER_DEG_LAT * (k > 0.1 ? k : 0.1))) + 1;
    if (rlat > 50 || rlon > 50) /* far searches are not what this is for */
        rlat = rlon = 50;
    long best = -1;
    double best_d = max_m;
    for (int64_t a = clat - rlat; a <= clat + rlat; a++) {
        for (int64_t b = clon - rlon; b <= clon + rlon; b++) {
            struct grid_pt key = { .cell = a * 100000 + b };
            /* lower bound of the cell in the sorted array */
            size_t lo = 0, hi = g->n;
            while (lo < hi) {
                size_t mid = (lo + hi) / 2;
                if (g->pts[mid].cell < key.cell)
                    lo = mid + 1;
                else
                    hi = mid;
            }
            for (size_t i = lo; i < g->n && g->pts[i].cell == key.cell; i++) {
                double d = near_dist_m(lat, lon, g->pts[i].lat, g->pts[i].lon);
                if (d <= best_d) {
                    best_d = d;
                    best = (long)g->pts[i].idx;
                }
            }
        }
    }
    return best;
}

static int grid_build(struct grid *g, size_t n)
{
    g->pts = calloc(n ? n : 1, sizeof(*g->pts));
    g->n = 0;
    return g->pts ? 0 : -1;
}

static void grid_add(struct grid *g, double lat, double lon, size_t idx)
{
    struct grid_pt *p = &g->pts[g->n++];
    p->cell = cell_of(lat, lon);
    p->lat = (float)lat;
    p->lon = (float)lon;
    p->idx = (uint32_t)idx;
}

/* ---- LSOA polygons ---- */

static bool ring_contains(const double *lat, const double *lon, size_t n, double y, double x)
{
    bool inside = false;
    for (size_t i = 0, j = n - 1; i < n; j = i++) {
        if ((lat[i] > y) != (lat[j] > y) &&
            x < (lon[j] - lon[i]) * (y - lat[i]) / (lat[j] - lat[i]) + lon[i])
            inside = !inside;
    }
    return inside;
}

static bool poly_contains(const struct lsoa_poly *p, double lat, double lon)
{
    if (lat < p->min_lat || lat > p->max_lat || lon < p->min_lon || lon > p->max_lon)
        return false;
    bool inside = false;
    for (size_t r = 0; r < p->n_rings; r++) {
        size_t s = p->ring_start[r], e = p->ring_start[r + 1];
        if (e - s >= 3 && ring_contains(p->lat + s, p->lon + s, e - s, lat, lon))
            inside = !inside;
    }
    return inside;
}

/* Distance in metres from the point to the polygon's nearest edge. */
static double poly_edge_dist_m(const struct lsoa_poly *p, double lat, double lon)
{
    double k = cos(lat * M_PI / 180.0);
    double best = INFINITY;
    for (size_t r = 0; r < p->n_rings; r++) {
        size_t s = p->ring_start[r], e = p->ring_start[r + 1];
        for (size_t i = s; i + 1 < e; i++) {
            double ax = (p->lon[i] - lon) * k * M_PER_DEG_LAT, ay = (p->lat[i] - lat) * M_PER_DEG_LAT;
            double bx = (p->lon[i + 1] - lon) * k * M_PER_DEG_LAT,
                   by = (p->lat[i + 1] - lat) * M_PER_DEG_LAT;
            double dx = bx - ax, dy = by - ay, len2 = dx * dx + dy * dy;
            double t = len2 > 0 ? -(ax * dx + ay * dy) / len2 : 0;
            t = t < 0 ? 0 : t > 1 ? 1 : t;
            double cx = ax + t * dx, cy = ay + t * dy;
            double d = sqrt(cx * cx + cy * cy);
            if (d < best)
                best = d;
        }
    }
    return best;
}

static char *dup_str(json_t *props, const char *key)
{
    const char *s = json_string_value(json_object_get(props, key));
    return strdup(s ? s : "");
}

/* Appends one GeoJSON linear ring to the polygon's vertex arrays (sized beforehand). */
static void ring_append(struct lsoa_poly *p, json_t *ring, size_t *nv)
{
    size_t i;
    json_t *pt;
    p->ring_start[p->n_rings++] = *nv;
    json_array_foreach(ring, i, pt)
    {
        double lon = json_number_value(json_array_get(pt, 0));
        double lat = json_number_value(json_array_get(pt, 1));
        p->lat[*nv] = lat;
        p->lon[*nv] = lon;
        (*nv)++;
        p->min_lat = fmin(p->min_lat, lat);
        p->max_lat = fmax(p->max_lat, lat);
        p->min_lon = fmin(p->min_lon, lon);
        p->max_lon = fmax(p->max_lon, lon);
    }
    p->ring_start[p->n_rings] = *nv;
}

/* Area centroid of the first (outer) ring by the shoelace formula in degrees. */
static void poly_centroid(struct lsoa_poly *p)
{
    size_t s = p->ring_start[0], e = p->ring_start[1];
    double a2 = 0, cx = 0, cy = 0;
    for (size_t i = s; i + 1 < e; i++) {
        double cross = p->lon[i] * p->lat[i + 1] - p->lon[i + 1] * p->lat[i];
        a2 += cross;
        cx += (p->lon[i] + p->lon[i + 1]) * cross;
        cy += (p->lat[i] + p->lat[i + 1]) * cross;
    }
    if (fabs(a2) < 1e-15) {
        p->pub.centroid_lat = (p->min_lat + p->max_lat) / 2;
        p->pub.centroid_lon = (p->min_lon + p->max_lon) / 2;
        return;
    }
    p->pub.centroid_lat = cy / (3.0 * a2);
    p->pub.centroid_lon = cx / (3.0 * a2);
}

static int load_feature(json_t *feat, struct lsoa_poly *p)
{
    json_t *geom = json_object_get(feat, "geometry");
    json_t *props = json_object_get(feat, "properties");
    const char *type = json_string_value(json_object_get(geom, "type"));
    json_t *coords = json_object_get(geom, "coordinates");
    if (!type || !json_is_array(coords) || !json_is_object(props))
        return -1;
    bool multi = strcmp(type, "MultiPolygon") == 0;
    if (!multi && strcmp(type, "Polygon") != 0)
        return -1;
    size_t n_rings = 0, n_vertices = 0, i, j;
    json_t *poly, *ring;
    json_array_foreach(coords, i, poly)
    {
        json_t *rings = multi ? poly : coords;
        json_array_foreach(rings, j, ring)
        {
            n_rings++;
            n_vertices += json_array_size(ring);
        }
        if (!multi)
            break;
    }
    p->ring_start = calloc(n_rings + 1, sizeof(size_t));
    p->lat = calloc(n_vertices ? n_vertices : 1, sizeof(double));
    p->lon = calloc(n_vertices ? n_vertices : 1, sizeof(double));
    if (!p->ring_start || !p->lat || !p->lon || n_rings == 0)
        return -1;
    p->min_lat = p->min_lon = INFINITY;
    p->max_lat = p->max_lon = -INFINITY;
    size_t nv = 0;
    json_array_foreach(coords, i, poly)
    {
        json_t *rings = multi ? poly : coords;
        json_array_foreach(rings, j, ring)
            ring_append(p, ring, &nv);
        if (!multi)
            break;
    }
    p->pub.code = dup_str(props, "lsoa_code");
    p->pub.name = dup_str(props, "lsoa_name");
    p->pub.district = dup_str(props, "district");
    p->pub.district_code = dup_str(props, "district_code");
    poly_centroid(p);
    return 0;
}

static int load_lsoas(void)
{
    const struct asset *a = assets_find(LSOA_ASSET);
    if (!a)
        return -1;
    json_error_t jerr;
    json_t *root = json_loadb((const char *)a->start, asset_size(a), 0, &jerr);
    json_t *feats = json_object_get(root, "features");
    int rc = -1;
    if (!json_is_array(feats))
        goto out;
    polys = calloc(json_array_size(feats) + 1, sizeof(*polys));
    if (!polys)
        goto out;
    size_t i;
    json_t *f;
    json_array_foreach(feats, i, f)
    {
        if (load_feature(f, &polys[n_polys]) != 0)
            goto out;
        n_polys++;
    }
    rc = 0;
out:
    json_decref(root);
    return rc;
}

/* ---- postcodes and street points ---- */

static const char *intern(const char *s)
{
    /* districts: a handful of distinct names, kept for the life of the process */
    static char *names[64];
    static size_t n;
    for (size_t i = 0; i < n; i++) {
        if (strcmp(names[i], s) == 0)
            return names[i];
    }
    if (n == sizeof(names) / sizeof(names[0]))
        return "";
    names[n] = strdup(s);
    return names[n] ? names[n++] : "";
}

static int pc_cmp(const void *x, const void *y)
{
    return strcmp(((const struct pc_row *)x)->postcode, ((const struct pc_row *)y)->postcode);
}

static size_t count_lines(const struct asset *a)
{
    size_t n = 0;
    for (const unsigned char *p = a->start; p < a->end; p++)
        n += *p == '\n';
    return n + 1;
}

/* Reads postcode,lat,lon,district rows from an embedded CSV into pcs. */
static int load_postcode_file(const char *path)
{
    const struct asset *a = assets_find(path);
    if (!a)
        return -1;
    struct csv_reader r;
    csv_reader_init(&r, (const char *)a->start, asset_size(a));
    struct fc_err err;
    int rc = csv_read(&r, &err); /* header */
    int ipc = csv_field_index(&r, "postcode"), ilat = csv_field_index(&r, "lat"),
        ilon = csv_field_index(&r, "lon"), idist = csv_field_index(&r, "district");
    if (rc != 1 || ipc < 0 || ilat < 0 || ilon < 0 || idist < 0) {
        csv_reader_free(&r);
        return -1;
    }
    while ((rc = csv_read(&r, &err)) == 1) {
        if ((size_t)idist >= r.n_fields || strlen(r.fields[ipc]) >= sizeof(pcs->postcode))
            continue;
        struct pc_row *row = &pcs[n_pcs++];
        strcpy(row->postcode, r.fields[ipc]);
        row->lat = strtof(r.fields[ilat], NULL);
        row->lon = strtof(r.fields[ilon], NULL);
        row->district = intern(r.fields[idist]);
    }
    csv_reader_free(&r);
    return rc < 0 ? -1 : 0;
}

static int load_postcodes(void)
{
    static const char *files[] = { "data/geo/le_postcodes.csv",
                                   "data/geo/leics_other_postcodes.csv" };
    size_t cap = 0;
    for (size_t i = 0; i < 2; i++) {
        const struct asset *a = assets_find(files[i]);
        if (!a)
            return -1;
        cap += count_lines(a);
    }
    pcs = calloc(cap, sizeof(*pcs));
    if (!pcs)
        return -1;
    for (size_t i = 0; i < 2; i++) {
        if (load_postcode_file(files[i]) != 0)
            return -1;
    }
    qsort(pcs, n_pcs, sizeof(*pcs), pc_cmp);
    if (grid_build(&pc_grid, n_pcs) != 0)
        return -1;
    for (size_t i = 0; i < n_pcs; i++) {
        pcs[i].lsoa = lsoa_locate(pcs[i].lat, pcs[i].lon);
        grid_add(&pc_grid, pcs[i].lat, pcs[i].lon, i);
    }
    qsort(pc_grid.pts, pc_grid.n, sizeof(*pc_grid.pts), grid_pt_cmp);
    return 0;
}

static int load_streets(void)
{
    const struct asset *a = assets_find("data/geo/le_street_points.csv");
    if (!a)
        return -1;
    streets = calloc(count_lines(a), sizeof(*streets));
    if (!streets || grid_build(&street_grid, count_lines(a)) != 0)
        return -1;
    struct csv_reader r;
    csv_reader_init(&r, (const char *)a->start, asset_size(a));
    struct fc_err err;
    int rc = csv_read(&r, &err); /* header: street,lat,lon,lsoa_code,lsoa_name */
    while (rc == 1 && (rc = csv_read(&r, &err)) == 1) {
        if (r.n_fields < 5)
            continue;
        struct street_row *s = &streets[n_streets];
        s->street = strdup(r.fields[0]);
        s->lat = strtod(r.fields[1], NULL);
        s->lon = strtod(r.fields[2], NULL);
        s->lsoa_code = strdup(r.fields[3]);
        s->lsoa_name = strdup(r.fields[4]);
        if (!s->street || !s->lsoa_code || !s->lsoa_name)
            break;
        grid_add(&street_grid, s->lat, s->lon, n_streets);
        n_streets++;
    }
    csv_reader_free(&r);
    qsort(street_grid.pts, street_grid.n, sizeof(*street_grid.pts), grid_pt_cmp);
    return rc < 0 ? -1 : 0;
}

static void geo_load(void)
{
    if (load_lsoas() != 0) {
        log_emit(LOG_ERROR, "geo.load", "asset=%s status=unreadable", LSOA_ASSET);
        return;
    }
    geo_ok = true; /* set before the postcodes, whose LSOAs are looked up as they load */
    if (load_postcodes() != 0 || load_streets() != 0) {
        log_emit(LOG_ERROR, "geo.load", "asset=data/geo status=unreadable");
        geo_ok = false;
        return;
    }
    log_emit(LOG_INFO, "geo.load", "lsoas=%zu postcodes=%zu street_points=%zu", n_polys, n_pcs,
             n_streets);
}

static bool ensure_loaded(void)
{
    pthread_once(&geo_once, geo_load);
    return geo_ok;
}

/* ---- public ---- */

bool geo_ready(void)
{
    return ensure_loaded();
}

size_t geo_lsoa_count(void)
{
    return ensure_loaded() ? n_polys : 0;
}

const struct geo_lsoa *geo_lsoa_get(size_t i)
{
    return ensure_loaded() && i < n_polys ? &polys[i].pub : NULL;
}

const struct geo_lsoa *geo_lsoa_find(const char *code)
{
    if (!code || !ensure_loaded())
        return NULL;
    for (size_t i = 0; i < n_polys; i++) {
        if (strcmp(polys[i].pub.code, code) == 0)
            return &polys[i].pub;
    }
    return NULL;
}

/* The LSOA lookup proper; the tables must be loaded (it runs inside geo_load too). */
static const struct geo_lsoa *lsoa_locate(double lat, double lon)
{
    if (isnan(lat) || isnan(lon))
        return NULL;
    for (size_t i = 0; i < n_polys; i++) {
        if (poly_contains(&polys[i], lat, lon))
            return &polys[i].pub;
    }
    /* just outside every polygon: the nearest boundary within the tolerance */
    double tol_deg = GEO_LSOA_EDGE_TOLERANCE_M / M_PER_DEG_LAT * 2.0;
    const struct lsoa_poly *best = NULL;
    double best_d = GEO_LSOA_EDGE_TOLERANCE_M;
    for (size_t i = 0; i < n_polys; i++) {
        const struct lsoa_poly *p = &polys[i];
        if (lat < p->min_lat - tol_deg || lat > p->max_lat + tol_deg ||
            lon < p->min_lon - tol_deg || lon > p->max_lon + tol_deg)
            continue;
        double d = poly_edge_dist_m(p, lat, lon);
        if (d <= best_d) {
            best_d = d;
            best = p;
        }
    }
    return best ? &best->pub : NULL;
}

const struct geo_lsoa *geo_lsoa_at(double lat, double lon)
{
    return ensure_loaded() ? lsoa_locate(lat, lon) : NULL;
}

static void pc_fill(const struct pc_row *r, struct geo_postcode *out)
{
    memcpy(out->postcode, r->postcode, sizeof(out->postcode));
    out->lat = r->lat;
    out->lon = r->lon;
    out->district = r->district;
    out->lsoa = r->lsoa;
}

bool geo_postcode_lookup(const char *raw, struct geo_postcode *out)
{
    struct postcode pc;
    if (!raw || postcode_parse(raw, &pc) != POSTCODE_UNIT || !ensure_loaded())
        return false;
    struct pc_row key;
    memset(&key, 0, sizeof(key));
    snprintf(key.postcode, sizeof(key.postcode), "%s", pc.unit);
    const struct pc_row *r = bsearch(&key, pcs, n_pcs, sizeof(*pcs), pc_cmp);
    if (!r)
        return false;
    pc_fill(r, out);
    return true;
}

bool geo_postcode_nearest(double lat, double lon, double max_m, struct geo_postcode *out)
{
    if (isnan(lat) || isnan(lon) || !ensure_loaded())
        return false;
    long i = grid_nearest(&pc_grid, lat, lon, max_m);
    if (i < 0)
        return false;
    pc_fill(&pcs[i], out);
    return true;
}

bool geo_street_nearest(double lat, double lon, double max_m, struct geo_street_point *out)
{
    if (isnan(lat) || isnan(lon) || !ensure_loaded())
        return false;
    long i = grid_nearest(&street_grid, lat, lon, max_m);
    if (i < 0)
        return false;
    out->street = streets[i].street;
    out->lat = streets[i].lat;
    out->lon = streets[i].lon;
    out->lsoa_code = streets[i].lsoa_code;
    out->lsoa_name = streets[i].lsoa_name;
    return true;
}
