/*
 * intake/teams.h: which neighbourhood team owns an area (LSOA 2021 code -> team).
 *
 * The map is versioned configuration (data/config/team_areas_v1.csv: lsoa_code, district,
 * team_id, team_name; one team per district, derived from shared/data/geography), loaded
 * once and read-only afterwards, so lookups are thread-safe. Knows nothing of storage.
 */
#ifndef FC_DOMAIN_INTAKE_TEAMS_H
#define FC_DOMAIN_INTAKE_TEAMS_H

#include <stddef.h>

#include "util/err.h"

struct team_area {
    char lsoa_code[12];
    char team_id[48];
    char team_name[80];
    char district[48];
};

struct teams_map {
    char version[24];
    size_t n;
    struct team_area *areas; /* sorted by lsoa_code; owned, free with teams_map_free */
};

/* Loads "team_areas/v1" from data/config/team_areas_v1.csv. */
int teams_map_load(const char *version, struct teams_map *out, struct fc_err *err);
void teams_map_free(struct teams_map *m); /* NULL-safe */

/* The area row for an LSOA code, or NULL when the code is unknown (borrowed from m). */
const struct team_area *teams_map_lookup(const struct teams_map *m, const char *lsoa_code);

#endif
