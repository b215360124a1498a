/* domain/match/dob.c: dates of birth as typed, in their many formats; placeholders. */
#include "domain/match/norm.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util/timeutil.h"

static int month_from_name(const char *s, size_t len)
{
    static const char *const names[] = { "jan", "feb", "mar", "apr", "may", "jun",
                                         "jul", "aug", "sep", "oct", "nov", "dec" };
    if (len < 3)
        return 0;
    for (int i = 0; i < 12; i++)
        if (strncasecmp(s, names[i], 3) == 0)
            return i + 1;
    return 0;
}

enum dob_status dob_parse(const char *raw, int ref_year, int32_t *out)
{
    long part[3];
    size_t plen[3];
    int month_word = 0, np = 0;
    const char *p = raw ? raw : "";
    *out = 0;
    while (*p && np < 4) {
        while (*p && !isalnum((unsigned char)*p))
            p++;
        if (!*p)
            break;
        const char *s = p;
        if (isdigit((unsigned char)*p)) {
            while (isdigit((unsigned char)*p))
                p++;
            if (np >= 3)
                return DOB_MISSING;
            plen[np] = (size_t)(p - s);
            if (plen[np] > 8) /* no date part is longer; also keeps strtol in range */
                return DOB_MISSING;
            part[np++] = strtol(s, NULL, 10);
        } else {
            while (isalpha((unsigned char)*p))
                p++;
            int m = month_from_name(s, (size_t)(p - s));
            if (!m || month_word || np >= 3)
                return DOB_MISSING;
            month_word = 1;
            plen[np] = 2;
            part[np++] = m;
        }
    }
    long y, m, d;
    if (np == 1 && plen[0] == 8) { /* YYYYMMDD or DDMMYYYY */
        long v = part[0];
        if (v / 10000 >= 1800) {
            y = v / 10000;
            m = v / 100 % 100;
            d = v % 100;
        } else {
            d = v / 1000000;
            m = v / 10000 % 100;
            y = v % 10000;
        }
    } else if (np == 3 && plen[0] == 4) {
        y = part[0];
        m = part[1];
        d = part[2];
    } else if (np == 3) {
        d = part[0];
        m = part[1];
        y = part[2];
        if (plen[2] <= 2) {
            long c = (long)(ref_year / 100) * 100 + y;
            y = c > ref_year ? c - 100 : c;
        } else if (plen[2] != 4) {
            return DOB_MISSING;
        }
        if (m > 12 && d <= 12 && !month_word) { /* MM/DD/YYYY */
            long t = m;
            m = d;
            d = t;
        }
    } else {
        return DOB_MISSING;
    }
    if (!time_date_is_valid((int)y, (int)m, (int)d))
        return DOB_MISSING;
    if (y < 1901 || (y == 1901 && m == 1 && d == 1) || y > ref_year ||
        (m == 1 && d == 1 && y % 100 == 0) || (y == 1111 && m == 11 && d == 11))
        return DOB_PLACEHOLDER;
    *out = (int32_t)(y * 10000 + m * 100 + d);
    return DOB_OK;
}
