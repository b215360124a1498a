/*
 * tests/fuzz/fuzz_postcode.c: UK postcode parsing (domain/match/postcode.c).
 *
 * The parts are consistent with the level: a unit starts with its sector, a sector with its
 * district, a district with its area; every part is NUL-terminated in its field, upper-case
 * and alphanumeric (a space only between outward and inward code); and parsing the unit
 * again gives the same unit. Coordinates, when known, lie around Leicestershire.
 */
#include "domain/match/norm.h"
#include "fuzz.h"

static void check_part(const char *s, size_t cap, int may_space)
{
    FUZZ_CHECK(fuzz_terminated(s, cap));
    for (const char *p = s; *p; p++)
        FUZZ_CHECK((*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
                   (may_space && *p == ' '));
}

static int starts_with(const char *s, const char *prefix)
{
    return strncmp(s, prefix, strlen(prefix)) == 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *s = fuzz_cstr(data, size);
    struct postcode pc, again;
    enum postcode_level level = postcode_parse(s, &pc);
    FUZZ_CHECK(level == pc.level);
    check_part(pc.unit, sizeof pc.unit, 1);
    check_part(pc.sector, sizeof pc.sector, 1);
    check_part(pc.district, sizeof pc.district, 0);
    check_part(pc.area, sizeof pc.area, 0);
    switch (level) {
    case POSTCODE_UNIT:
        FUZZ_CHECK(starts_with(pc.unit, pc.sector) && strlen(pc.unit) == strlen(pc.sector) + 2);
        FUZZ_CHECK(postcode_parse(pc.unit, &again) == POSTCODE_UNIT);
        FUZZ_CHECK(strcmp(again.unit, pc.unit) == 0);
        double lat, lon;
        if (postcode_coords(pc.unit, &lat, &lon))
            FUZZ_CHECK(lat > 51.5 && lat < 53.5 && lon > -2.5 && lon < 0.5);
        /* fall through */
    case POSTCODE_SECTOR:
        FUZZ_CHECK(starts_with(pc.sector, pc.district));
        FUZZ_CHECK(pc.sector[strlen(pc.district)] == ' ');
        /* fall through */
    case POSTCODE_DISTRICT:
        FUZZ_CHECK(starts_with(pc.district, pc.area) && pc.district[0]);
        /* fall through */
    case POSTCODE_AREA:
        FUZZ_CHECK(pc.area[0] >= 'A' && pc.area[0] <= 'Z' && strlen(pc.area) <= 2);
        break;
    case POSTCODE_NONE:
        FUZZ_CHECK(pc.unit[0] == '\0' && pc.area[0] == '\0');
        break;
    }
    free(s);
    return 0;
}
