/* policeuk/policeuk_read.c: the street-level CSV reader and its natural keys. */
#include "domain/policeuk/policeuk.h"

#include <ctype.h>
#include <math.h>
#include <sodium.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "util/csv.h"

#define MAX_FILE_BYTES (512u << 20) /* a national month of one force is ~2 MB */
#define MAX_FIELD_BYTES 4096

const char *const policeuk_columns[POLICEUK_N_COLUMNS] = {
    "Crime ID",   "Month",     "Reported by", "Falls within", "Longitude",
    "Latitude",   "Location",  "LSOA code",   "LSOA name",    "Crime type",
    "Last outcome category", "Context",
};

enum { COL_ID, COL_MONTH, COL_BY, COL_WITHIN, COL_LON, COL_LAT, COL_LOCATION, COL_LSOA,
       COL_LSOA_NAME, COL_TYPE, COL_OUTCOME, COL_CONTEXT };

/* Open-addressing count of the base keys seen so far in this file. */
struct key_count {
    char *key;
    unsigned n;
};

struct policeuk_reader {
    char *data;
    size_t len;
    struct csv_reader csv;
    struct key_count *seen;
    size_t seen_cap, seen_n;
};

static uint64_t fnv1a(const char *s)
{
    uint64_t h = 1469598103934665603ull;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ull;
    return h;
}

static int seen_grow(struct policeuk_reader *r)
{
    size_t cap = r->seen_cap ? r->seen_cap * 2 : 4096;
    struct key_count *t = calloc(cap, sizeof(*t));
    if (!t)
        return -1;
    for (size_t i = 0; i < r->seen_cap; i++) {
        if (!r->seen[i].key)
            continue;
        size_t j = fnv1a(r->seen[i].key) & (cap - 1);
        while (t[j].key)
            j = (j + 1) & (cap - 1);
        t[j] = r->seen[i];
    }
    free(r->seen);
    r->seen = t;
    r->seen_cap = cap;
    return 0;
}

/* Returns how many times `key` has now been seen (1 the first time), or 0 out of memory. */
static unsigned seen_bump(struct policeuk_reader *r, const char *key)
{
    if ((r->seen_n + 1) * 2 > r->seen_cap && seen_grow(r) != 0)
        return 0;
    size_t j = fnv1a(key) & (r->seen_cap - 1);
    while (r->seen[j].key) {
        if (strcmp(r->seen[j].key, key) == 0)
            return ++r->seen[j].n;
        j = (j + 1) & (r->seen_cap - 1);
    }
    r->seen[j].key = strdup(key);
    if (!r->seen[j].key)
        return 0;
    r->seen[j].n = 1;
    r->seen_n++;
    return 1;
}

void policeuk_reader_free(struct policeuk_reader *r)
{
    if (!r)
        return;
    csv_reader_free(&r->csv);
    for (size_t i = 0; i < r->seen_cap; i++)
        free(r->seen[i].key);
    free(r->seen);
    free(r->data);
    free(r);
}

static int check_header(struct policeuk_reader *r, struct fc_err *err)
{
    int rc = csv_read(&r->csv, err);
    if (rc < 0)
        return rc;
    if (rc == 0)
        return err_set(err, FC_EINVAL, "header", "empty file: no police.uk header line");
    if (r->csv.n_fields != POLICEUK_N_COLUMNS)
        return err_set(err, FC_EINVAL, "header", "line 1: %zu columns, the police.uk layout has %d",
                       r->csv.n_fields, POLICEUK_N_COLUMNS);
    for (int i = 0; i < POLICEUK_N_COLUMNS; i++) {
        if (strcmp(r->csv.fields[i], policeuk_columns[i]) != 0)
            return err_set(err, FC_EINVAL, "header", "line 1: column %d must be \"%s\"", i + 1,
                           policeuk_columns[i]);
    }
    return FC_OK;
}

static int reader_start(struct policeuk_reader *r, struct policeuk_reader **out,
                        struct fc_err *err)
{
    csv_reader_init(&r->csv, r->data, r->len);
    r->csv.max_field_bytes = MAX_FIELD_BYTES;
    int rc = check_header(r, err);
    if (rc != FC_OK) {
        policeuk_reader_free(r);
        return rc;
    }
    *out = r;
    return FC_OK;
}

int policeuk_reader_open_mem(const char *data, size_t len, struct policeuk_reader **out,
                             struct fc_err *err)
{
    if (sodium_init() < 0)
        return err_set(err, FC_EINTERNAL, "", "libsodium failed to initialise");
    struct policeuk_reader *r = calloc(1, sizeof(*r));
    if (!r || !(r->data = malloc(len + 1))) {
        free(r);
        return err_set(err, FC_ENOMEM, "", "out of memory reading police.uk data");
    }
    memcpy(r->data, data, len);
    r->data[len] = '\0';
    r->len = len;
    return reader_start(r, out, err);
}

int policeuk_reader_open(const char *path, struct policeuk_reader **out, struct fc_err *err)
{
    if (sodium_init() < 0)
        return err_set(err, FC_EINTERNAL, "", "libsodium failed to initialise");
    gzFile gz = gzopen(path, "rb");
    if (!gz)
        return err_set(err, FC_ENOTFOUND, "file", "cannot open input file");
    struct policeuk_reader *r = calloc(1, sizeof(*r));
    size_t cap = 1u << 20;
    int rc = FC_OK;
    if (!r || !(r->data = malloc(cap + 1))) {
        rc = err_set(err, FC_ENOMEM, "", "out of memory reading police.uk data");
        goto fail;
    }
    for (;;) {
        if (cap - r->len < 65536) {
            if (cap >= MAX_FILE_BYTES) {
                rc = err_set(err, FC_EINVAL, "file", "larger than %u MB uncompressed",
                             MAX_FILE_BYTES >> 20);
                goto fail;
            }
            cap *= 2;
            char *nd = realloc(r->data, cap + 1);
            if (!nd) {
                rc = err_set(err, FC_ENOMEM, "", "out of memory reading police.uk data");
                goto fail;
            }
            r->data = nd;
        }
        int got = gzread(gz, r->data + r->len, (unsigned)(cap - r->len));
        if (got < 0) {
            rc = err_set(err, FC_EINVAL, "file", "not a readable gzip or CSV file");
            goto fail;
        }
        if (got == 0)
            break;
        r->len += (size_t)got;
    }
    gzclose(gz);
    r->data[r->len] = '\0';
    return reader_start(r, out, err);
fail:
    gzclose(gz);
    if (r) {
        free(r->data);
        free(r);
    }
    return rc;
}

static bool month_valid(const char *s)
{
    if (strlen(s) != 7 || s[4] != '-')
        return false;
    for (int i = 0; i < 7; i++) {
        if (i != 4 && !isdigit((unsigned char)s[i]))
            return false;
    }
    int m = (s[5] - '0') * 10 + (s[6] - '0');
    return m >= 1 && m <= 12;
}

static bool parse_coord(const char *s, double lo, double hi, double *out)
{
    char *end;
    double v = strtod(s, &end);
    if (end == s || *end != '\0' || !isfinite(v) || v < lo || v > hi)
        return false;
    *out = v;
    return true;
}

/* Base key before the occurrence suffix: the Crime ID, else month:digest of the row. */
static void base_key(const struct csv_reader *c, char *out, size_t cap)
{
    if (c->fields[COL_ID][0] != '\0') {
        snprintf(out, cap, "%s:%s", c->fields[COL_MONTH], c->fields[COL_ID]);
        return;
    }
    crypto_generichash_state st;
    unsigned char h[16];
    crypto_generichash_init(&st, NULL, 0, sizeof(h));
    for (int i = 0; i < POLICEUK_N_COLUMNS; i++) {
        /* the unit separator cannot occur in a field, so ("a,b","c") != ("a","b,c") */
        crypto_generichash_update(&st, (const unsigned char *)c->fields[i], strlen(c->fields[i]));
        crypto_generichash_update(&st, (const unsigned char *)"\x1f", 1);
    }
    crypto_generichash_final(&st, h, sizeof(h));
    char hex[33];
    sodium_bin2hex(hex, sizeof(hex), h, sizeof(h));
    snprintf(out, cap, "%s:row:%s", c->fields[COL_MONTH], hex);
}

int policeuk_reader_next(struct policeuk_reader *r, struct policeuk_row *out, struct fc_err *err)
{
    int rc;
    do {
        rc = csv_read(&r->csv, err);
        if (rc <= 0)
            return rc;
        /* a blank line (e.g. a trailing one) holds a single empty field */
    } while (r->csv.n_fields == 1 && r->csv.fields[0][0] == '\0');
    struct csv_reader *c = &r->csv;
    size_t line = c->line;
    if (c->n_fields != POLICEUK_N_COLUMNS)
        return err_set(err, FC_EINVAL, "", "line %zu: %zu columns, expected %d", line,
                       c->n_fields, POLICEUK_N_COLUMNS);
    memset(out, 0, sizeof(*out));
    out->line = line;
    if (!month_valid(c->fields[COL_MONTH]))
        return err_set(err, FC_EINVAL, "Month", "line %zu: Month must be YYYY-MM", line);
    memcpy(out->month, c->fields[COL_MONTH], 8);
    if (strlen(c->fields[COL_ID]) > 64)
        return err_set(err, FC_EINVAL, "Crime ID", "line %zu: Crime ID is longer than 64 characters", line);
    if (c->fields[COL_TYPE][0] == '\0')
        return err_set(err, FC_EINVAL, "Crime type", "line %zu: Crime type is empty", line);
    if (c->fields[COL_BY][0] == '\0')
        return err_set(err, FC_EINVAL, "Reported by", "line %zu: Reported by is empty", line);
    const char *slon = c->fields[COL_LON], *slat = c->fields[COL_LAT];
    out->lat = out->lon = NAN;
    if (slon[0] != '\0' || slat[0] != '\0') {
        if (!parse_coord(slon, -180.0, 180.0, &out->lon))
            return err_set(err, FC_EINVAL, "Longitude", "line %zu: Longitude is not a number in [-180, 180]", line);
        if (!parse_coord(slat, -90.0, 90.0, &out->lat))
            return err_set(err, FC_EINVAL, "Latitude", "line %zu: Latitude is not a number in [-90, 90]", line);
        out->has_location = true;
    }
    out->crime_id = c->fields[COL_ID];
    out->reported_by = c->fields[COL_BY];
    out->falls_within = c->fields[COL_WITHIN];
    out->location = c->fields[COL_LOCATION];
    out->lsoa_code = c->fields[COL_LSOA];
    out->lsoa_name = c->fields[COL_LSOA_NAME];
    out->crime_type = c->fields[COL_TYPE];
    out->last_outcome = c->fields[COL_OUTCOME];
    out->context = c->fields[COL_CONTEXT];
    char base[POLICEUK_KEY_LEN - 12];
    base_key(c, base, sizeof(base));
    unsigned n = seen_bump(r, base);
    if (n == 0)
        return err_set(err, FC_ENOMEM, "", "line %zu: out of memory", line);
    if (n == 1)
        snprintf(out->natural_key, sizeof(out->natural_key), "%s", base);
    else
        snprintf(out->natural_key, sizeof(out->natural_key), "%s#%u", base, n);
    return 1;
}

void policeuk_reader_progress(const struct policeuk_reader *r, size_t *done, size_t *total)
{
    *done = (size_t)(r->csv.p - r->data);
    *total = r->len;
}
