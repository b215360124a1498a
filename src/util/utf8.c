/* util/utf8.c: see utf8.h. Table-free decoder after the Unicode Standard, table 3-7. */
#include "util/utf8.h"

bool utf8_is_valid(const char *str, size_t len, size_t *bad_offset)
{
    const unsigned char *s = (const unsigned char *)str;
    size_t i = 0;

    while (i < len) {
        unsigned char c = s[i];
        size_t need;
        unsigned char lo = 0x80, hi = 0xBF; /* allowed range of the second byte */

        if (c == 0x00)
            goto bad;
        if (c < 0x80) {
            i++;
            continue;
        }
        if (c >= 0xC2 && c <= 0xDF) {
            need = 1;
        } else if (c == 0xE0) {
            need = 2;
            lo = 0xA0; /* no overlong 3-byte forms */
        } else if (c == 0xED) {
            need = 2;
            hi = 0x9F; /* no surrogates */
        } else if (c >= 0xE1 && c <= 0xEF) {
            need = 2;
        } else if (c == 0xF0) {
            need = 3;
            lo = 0x90; /* no overlong 4-byte forms */
        } else if (c >= 0xF1 && c <= 0xF3) {
            need = 3;
        } else if (c == 0xF4) {
            need = 3;
            hi = 0x8F; /* nothing above U+10FFFF */
        } else {
            goto bad; /* continuation byte, 0xC0/0xC1 or 0xF5..0xFF */
        }
        if (len - i <= need)
            goto bad;
        if (s[i + 1] < lo || s[i + 1] > hi)
            goto bad;
        for (size_t k = 2; k <= need; k++) {
            if ((s[i + k] & 0xC0) != 0x80)
                goto bad;
        }
        i += need + 1;
    }
    return true;
bad:
    if (bad_offset != NULL)
        *bad_offset = i;
    return false;
}

size_t utf8_length(const char *str, size_t len)
{
    const unsigned char *s = (const unsigned char *)str;
    size_t n = 0;
    for (size_t i = 0; i < len; i++) {
        if ((s[i] & 0xC0) != 0x80)
            n++;
    }
    return n;
}
