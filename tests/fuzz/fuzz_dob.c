/*
 * tests/fuzz/fuzz_dob.c: dates of birth as typed (domain/match/dob.c).
 *
 * The first two bytes choose the reference year (1900-2155). A date accepted as DOB_OK is
 * a real calendar date after 1901-01-01 and not after the reference year; anything else
 * leaves *out at 0.
 */
#include "domain/match/norm.h"
#include "fuzz.h"
#include "util/timeutil.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    int ref_year = 1900 + data[0];
    char *s = fuzz_cstr(data + 1, size - 1);
    int32_t out = -1;
    enum dob_status st = dob_parse(s, ref_year, &out);
    FUZZ_CHECK(st == DOB_MISSING || st == DOB_OK || st == DOB_PLACEHOLDER);
    if (st == DOB_OK) {
        int y = out / 10000, m = out / 100 % 100, d = out % 100;
        FUZZ_CHECK(time_date_is_valid(y, m, d));
        FUZZ_CHECK(y >= 1901 && y <= ref_year);
        char iso[16];
        snprintf(iso, sizeof iso, "%04d-%02d-%02d", y, m, d);
        int32_t again = -1;
        FUZZ_CHECK(dob_parse(iso, ref_year, &again) == DOB_OK && again == out);
    } else {
        FUZZ_CHECK(out == 0);
    }
    free(s);
    return 0;
}
