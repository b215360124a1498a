/*
 * tests/fuzz/fuzz_time.c: ISO 8601 parsing (util/timeutil), used for every time in a request.
 *
 * Accepted values must be real instants: the UTC seconds format back to a string that
 * parses to the same instant with offset zero, the offset is within +-14:00, and the date
 * lies in years 1-9999 (allowing for the offset).
 */
#include "fuzz.h"
#include "util/timeutil.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *s = fuzz_cstr(data, size);
    int64_t utc = 0;
    int offset = 12345;
    if (time_parse_iso8601(s, &utc, &offset)) {
        FUZZ_CHECK(offset >= -14 * 60 && offset <= 14 * 60);
        /* 0001-01-01T00:00:00-14:00 .. 9999-12-31T23:59:60+14:00 */
        FUZZ_CHECK(utc >= time_days_from_civil(1, 1, 1) * 86400 - (int64_t)14 * 3600);
        FUZZ_CHECK(utc <= time_days_from_civil(9999, 12, 31) * 86400 + 86400 + (int64_t)14 * 3600);
        if (utc >= 0 && utc < time_days_from_civil(9999, 1, 1) * 86400) {
            char buf[32];
            int64_t again = -1;
            int off2 = -1;
            time_format_utc(utc, buf, sizeof buf);
            FUZZ_CHECK(time_parse_iso8601(buf, &again, &off2));
            FUZZ_CHECK(again == utc && off2 == 0);
        }
        /* The offset is optional to the caller. */
        int64_t utc2 = 0;
        FUZZ_CHECK(time_parse_iso8601(s, &utc2, NULL) && utc2 == utc);
    }
    free(s);
    if (size >= 3) { /* dates: validity must agree with days_from_civil's inverse */
        int y = 1 + (data[0] | data[1] << 8) % 9999, m = data[2] % 14, d = data[2] / 14 + 1;
        if (time_date_is_valid(y, m, d) && time_date_is_valid(y, m, d + 1))
            FUZZ_CHECK(time_days_from_civil(y, m, d + 1) == time_days_from_civil(y, m, d) + 1);
    }
    return 0;
}
