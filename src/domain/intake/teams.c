/* intake/teams.c: see teams.h. */
#include "domain/intake/teams.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/assets.h"
#include "util/csv.h"

static int cmp_area(const void *a, const void *b)
{
    return strcmp(((const struct team_area *)a)->lsoa_code,
                  ((const struct team_area *)b)->lsoa_code);
}

static int copy_field(char *dst, size_t len, const char *src, size_t line, const char *name,
                      struct fc_err *err)
{
    if (src == NULL || src[0] == '\0' || strlen(src) >= len)
        return err_set(err, FC_EINVAL, name, "line %zu: missing or too long", line);
    memcpy(dst, src, strlen(src) + 1);
    return FC_OK;
}

int teams_map_load(const char *version, struct teams_map *out, struct fc_err *err)
{
    memset(out, 0, sizeof(*out));
    if (version == NULL || strcmp(version, "team_areas/v1") != 0)
        return err_set(err, FC_ENOTFOUND, "version", "no team map of that version");
    const struct asset *a = assets_find("data/config/team_areas_v1.csv");
    if (a == NULL)
        return err_set(err, FC_ENOTFOUND, "version", "team map asset missing");
    snprintf(out->version, sizeof(out->version), "%s", version);
    struct csv_reader r;
    csv_reader_init(&r, (const char *)a->start, asset_size(a));
    int rc = csv_read(&r, err);
    int ic = csv_field_index(&r, "lsoa_code"), id = csv_field_index(&r, "district");
    int it = csv_field_index(&r, "team_id"), in = csv_field_index(&r, "team_name");
    if (rc != 1 || ic < 0 || id < 0 || it < 0 || in < 0) {
        csv_reader_free(&r);
        return err_set(err, FC_EINTERNAL, "team_areas", "bad header");
    }
    size_t cap = 0;
    for (;;) {
        rc = csv_read(&r, err);
        if (rc <= 0)
            break;
        if (r.n_fields < 4) {
            rc = err_set(err, FC_EINTERNAL, "team_areas", "line %zu: short row", r.line);
            break;
        }
        if (out->n == cap) {
            cap = cap ? cap * 2 : 256;
            struct team_area *grown = realloc(out->areas, cap * sizeof(*grown));
            if (grown == NULL) {
                rc = err_set(err, FC_ENOMEM, "", "out of memory loading team map");
                break;
            }
            out->areas = grown;
        }
        struct team_area *t = &out->areas[out->n];
        rc = copy_field(t->lsoa_code, sizeof(t->lsoa_code), r.fields[ic], r.line, "lsoa_code",
                        err);
        if (rc == FC_OK)
            rc = copy_field(t->district, sizeof(t->district), r.fields[id], r.line, "district",
                            err);
        if (rc == FC_OK)
            rc = copy_field(t->team_id, sizeof(t->team_id), r.fields[it], r.line, "team_id",
                            err);
        if (rc == FC_OK)
            rc = copy_field(t->team_name, sizeof(t->team_name), r.fields[in], r.line,
                            "team_name", err);
        if (rc != FC_OK)
            break;
        out->n++;
    }
    csv_reader_free(&r);
    if (rc < 0) {
        teams_map_free(out);
        return rc;
    }
    qsort(out->areas, out->n, sizeof(*out->areas), cmp_area);
    return FC_OK;
}

void teams_map_free(struct teams_map *m)
{
    if (m == NULL)
        return;
    free(m->areas);
    m->areas = NULL;
    m->n = 0;
}

const struct team_area *teams_map_lookup(const struct teams_map *m, const char *lsoa_code)
{
    if (lsoa_code == NULL || m->n == 0)
        return NULL;
    struct team_area key;
    snprintf(key.lsoa_code, sizeof(key.lsoa_code), "%s", lsoa_code);
    if (strlen(lsoa_code) >= sizeof(key.lsoa_code))
        return NULL;
    return bsearch(&key, m->areas, m->n, sizeof(*m->areas), cmp_area);
}
