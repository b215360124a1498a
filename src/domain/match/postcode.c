/* domain/match/postcode.c: UK postcodes (unit, sector, district, area) and coordinates. */
#include "domain/match/norm.h"

#include <ctype.h>
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "util/assets.h"

/* Outward code: A9, A99, AA9, AA99, A9A, AA9A. */
static bool outward_valid(const char *o, size_t n)
{
    if (n < 2 || n > 4 || !isalpha((unsigned char)o[0]))
        return false;
    size_t i = 1;
    if (isalpha((unsigned char)o[1]))
        i = 2;
    if (i >= n || !isdigit((unsigned char)o[i]))
        return false;
    i++;
    if (i < n && !isalnum((unsigned char)o[i]))
        return false;
    if (i < n)
        i++;
    return i == n;
}

static char fix_digit(char c)
{
    if (c == 'O')
        return '0';
    if (c == 'I' || c == 'L')
        return '1';
    if (c == 'S')
        return '5';
    return c;
}

static char fix_letter(char c)
{
    if (c == '0')
        return 'O';
    if (c == '1')
        return 'I';
    if (c == '5')
        return 'S';
    return c;
}

enum postcode_level postcode_parse(const char *raw, struct postcode *out)
{
    char c[16];
    size_t n = 0;
    memset(out, 0, sizeof *out);
    for (const unsigned char *p = (const unsigned char *)(raw ? raw : ""); *p; p++) {
        if (isalnum(*p)) {
            if (n + 1 >= sizeof c)
                return POSTCODE_NONE;
            c[n++] = (char)toupper(*p);
        } else if (!isspace(*p)) {
            return POSTCODE_NONE;
        }
    }
    c[n] = '\0';
    if (n == 0)
        return POSTCODE_NONE;
    size_t area_len = isalpha((unsigned char)c[1]) ? 2 : 1;
    if (n >= 5) {
        size_t ol = n - 3;
        char in[4] = { fix_digit(c[ol]), fix_letter(c[ol + 1]), fix_letter(c[ol + 2]), 0 };
        if (outward_valid(c, ol) && isdigit((unsigned char)in[0]) &&
            isalpha((unsigned char)in[1]) && isalpha((unsigned char)in[2])) {
            memcpy(out->district, c, ol);
            out->district[ol] = '\0';
            memcpy(out->area, c, area_len);
            out->area[area_len] = '\0';
            memcpy(out->sector, c, ol);
            out->sector[ol] = ' ';
            out->sector[ol + 1] = in[0];
            out->sector[ol + 2] = '\0';
            memcpy(out->unit, out->sector, ol + 2);
            out->unit[ol + 2] = in[1];
            out->unit[ol + 3] = in[2];
            out->unit[ol + 4] = '\0';
            out->level = POSTCODE_UNIT;
            return out->level;
        }
        if (n >= 5 && n <= 6) { /* outward code and the sector digit only: "LE2 6" */
            size_t o2 = n - 1;
            if (outward_valid(c, o2) && isdigit((unsigned char)c[o2])) {
                memcpy(out->district, c, o2);
                out->district[o2] = '\0';
                memcpy(out->area, c, area_len);
                out->area[area_len] = '\0';
                memcpy(out->sector, c, o2);
                out->sector[o2] = ' ';
                out->sector[o2 + 1] = c[o2];
                out->sector[o2 + 2] = '\0';
                out->level = POSTCODE_SECTOR;
                return out->level;
            }
        }
    }
    if (outward_valid(c, n)) {
        memcpy(out->district, c, n + 1);
        memcpy(out->area, c, area_len);
        out->area[area_len] = '\0';
        out->level = POSTCODE_DISTRICT;
        return out->level;
    }
    if (n <= 2 && isalpha((unsigned char)c[0]) && (n == 1 || isalpha((unsigned char)c[1]))) {
        memcpy(out->area, c, n + 1);
        out->level = POSTCODE_AREA;
        return out->level;
    }
    return POSTCODE_NONE;
}

/* ---- the embedded LE coordinates table: sorted by postcode for binary search ---- */

struct pc_row {
    char unit[9];
    float lat, lon;
};

static pthread_once_t pc_once = PTHREAD_ONCE_INIT;
static struct pc_row *pc_rows;
static size_t pc_n;

static int pc_cmp(const void *a, const void *b)
{
    return strcmp(((const struct pc_row *)a)->unit, ((const struct pc_row *)b)->unit);
}

static void pc_load(void)
{
    const struct asset *a = assets_find("data/geo/le_postcodes.csv");
    if (!a)
        return;
    size_t cap = 0;
    for (const unsigned char *p = a->start; p < a->end; p++)
        cap += *p == '\n';
    pc_rows = calloc(cap + 1, sizeof *pc_rows);
    if (!pc_rows)
        return;
    const char *p = (const char *)a->start, *end = (const char *)a->end;
    const char *nl = memchr(p, '\n', (size_t)(end - p)); /* header */
    p = nl ? nl + 1 : end;
    while (p < end) {
        nl = memchr(p, '\n', (size_t)(end - p));
        const char *le = nl ? nl : end;
        const char *c1 = memchr(p, ',', (size_t)(le - p));
        if (c1 && c1 - p < 9) {
            struct pc_row *r = &pc_rows[pc_n];
            memcpy(r->unit, p, (size_t)(c1 - p));
            r->unit[c1 - p] = '\0';
            char *e;
            r->lat = strtof(c1 + 1, &e);
            if (*e == ',') {
                r->lon = strtof(e + 1, NULL);
                pc_n++;
            }
        }
        p = le + 1;
    }
    qsort(pc_rows, pc_n, sizeof *pc_rows, pc_cmp);
}

bool postcode_coords(const char *unit, double *lat, double *lon)
{
    pthread_once(&pc_once, pc_load);
    struct pc_row key = { 0 };
    if (!unit || strlen(unit) >= sizeof key.unit || pc_n == 0)
        return false;
    strcpy(key.unit, unit);
    const struct pc_row *r = bsearch(&key, pc_rows, pc_n, sizeof *pc_rows, pc_cmp);
    if (!r)
        return false;
    *lat = r->lat;
    *lon = r->lon;
    return true;
}

double geo_distance_m(double lat1, double lon1, double lat2, double lon2)
{
    const double rad = M_PI / 180.0;
    double dlat = (lat2 - lat1) * rad, dlon = (lon2 - lon1) * rad;
    double h = sin(dlat / 2) * sin(dlat / 2) +
               cos(lat1 * rad) * cos(lat2 * rad) * sin(dlon / 2) * sin(dlon / 2);
    return 2.0 * 6371000.0 * asin(sqrt(h));
}
