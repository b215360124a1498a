/*
 * domain/match/phonetic.c: Double Metaphone, written from Lawrence Philips' published
 * algorithm ("The Double Metaphone Search Algorithm", C/C++ Users Journal, June 2000).
 * Codes are cut at DMETAPHONE_LEN characters, as in the original.
 */
#include "domain/match/norm.h"

#include <ctype.h>
#include <stdarg.h>
#include <string.h>

struct dm {
    char w[72];   /* upper-case word, padded with NULs for look-ahead */
    int len, last;
    char p[16], a[16];
    int np, na;
};

static char at(const struct dm *d, int i)
{
    return (i < 0 || i >= d->len) ? '\0' : d->w[i];
}

static bool is_vowel(const struct dm *d, int i)
{
    char c = at(d, i);
    return c && strchr("AEIOUY", c) != NULL;
}

static bool slavo_germanic(const struct dm *d)
{
    return strchr(d->w, 'W') || strchr(d->w, 'K') || strstr(d->w, "CZ") || strstr(d->w, "WITZ");
}

/* True when the substring at [start, start+len) equals one of the NULL-ended options. */
static bool string_at(const struct dm *d, int start, int len, ...)
{
    if (start < 0 || start + len > d->len)
        return false;
    va_list ap;
    va_start(ap, len);
    const char *opt;
    bool hit = false;
    while ((opt = va_arg(ap, const char *)) != NULL) {
        if ((int)strlen(opt) == len && memcmp(d->w + start, opt, (size_t)len) == 0) {
            hit = true;
            break;
        }
    }
    va_end(ap);
    return hit;
}

static void add2(struct dm *d, const char *main, const char *alt)
{
    for (const char *s = main; *s && d->np < 15; s++)
        d->p[d->np++] = *s;
    for (const char *s = alt; *s && d->na < 15; s++)
        d->a[d->na++] = *s;
}

static void add(struct dm *d, const char *s)
{
    add2(d, s, s);
}

void dmetaphone(const char *word, char *primary, char *alternate)
{
    struct dm d;
    memset(&d, 0, sizeof d);
    for (const char *s = word; *s && d.len < 64; s++)
        if (isalpha((unsigned char)*s))
            d.w[d.len++] = (char)toupper((unsigned char)*s);
    d.last = d.len - 1;
    int cur = 0;

    if (string_at(&d, 0, 2, "GN", "KN", "PN", "WR", "PS", NULL))
        cur++;
    if (at(&d, 0) == 'X') { /* Xavier */
        add(&d, "S");
        cur++;
    }

    while ((d.np < DMETAPHONE_LEN || d.na < DMETAPHONE_LEN) && cur < d.len) {
        char c = d.w[cur];
        switch (c) {
        case 'A': case 'E': case 'I': case 'O': case 'U': case 'Y':
            if (cur == 0)
                add(&d, "A");
            cur++;
            break;
        case 'B':
            add(&d, "P");
            cur += at(&d, cur + 1) == 'B' ? 2 : 1;
            break;
        case 'C':
            if (cur > 1 && !is_vowel(&d, cur - 2) && string_at(&d, cur - 1, 3, "ACH", NULL) &&
                at(&d, cur + 2) != 'I' &&
                (at(&d, cur + 2) != 'E' || string_at(&d, cur - 2, 6, "BACHER", "MACHER", NULL))) {
                add(&d, "K");
                cur += 2;
                break;
            }
            if (cur == 0 && string_at(&d, cur, 6, "CAESAR", NULL)) {
                add(&d, "S");
                cur += 2;
                break;
            }
            if (string_at(&d, cur, 4, "CHIA", NULL)) {
                add(&d, "K");
                cur += 2;
                break;
            }
            if (string_at(&d, cur, 2, "CH", NULL)) {
                if (cur > 0 && string_at(&d, cur, 4, "CHAE", NULL)) {
                    add2(&d, "K", "X");
                    cur += 2;
                    break;
                }
                if (cur == 0 &&
                    (string_at(&d, cur + 1, 5, "HARAC", "HARIS", NULL) ||
                     string_at(&d, cur + 1, 3, "HOR", "HYM", "HIA", "HEM", NULL)) &&
                    !string_at(&d, 0, 5, "CHORE", NULL)) {
                    add(&d, "K");
                    cur += 2;
                    break;
                }
                if (string_at(&d, 0, 4, "VAN ", "VON ", NULL) || string_at(&d, 0, 3, "SCH", NULL) ||
                    string_at(&d, cur - 2, 6, "ORCHES", "ARCHIT", "ORCHID", NULL) ||
                    (at(&d, cur + 2) && strchr("TS", at(&d, cur + 2))) ||
                    (((at(&d, cur - 1) && strchr("AOUE", at(&d, cur - 1))) || cur == 0) &&
                     (!at(&d, cur + 2) || strchr("LRNMBHFVW ", at(&d, cur + 2))))) {
                    add(&d, "K");
                } else if (cur > 0) {
                    if (string_at(&d, 0, 2, "MC", NULL))
                        add(&d, "K");
                    else
                        add2(&d, "X", "K");
                } else {
                    add(&d, "X");
                }
                cur += 2;
                break;
            }
            if (string_at(&d, cur, 2, "CZ", NULL) && !string_at(&d, cur - 2, 4, "WICZ", NULL)) {
                add2(&d, "S", "X");
                cur += 2;
                break;
            }
            if (string_at(&d, cur + 1, 3, "CIA", NULL)) {
                add(&d, "X");
                cur += 3;
                break;
            }
            if (string_at(&d, cur, 2, "CC", NULL) && !(cur == 1 && at(&d, 0) == 'M')) {
                if (at(&d, cur + 2) && strchr("IEH", at(&d, cur + 2)) &&
                    !string_at(&d, cur + 2, 2, "HU", NULL)) {
                    if ((cur == 1 && at(&d, cur - 1) == 'A') ||
                        string_at(&d, cur - 1, 5, "UCCEE", "UCCES", NULL))
                        add(&d, "KS");
                    else
                        add(&d, "X");
                    cur += 3;
                    break;
                }
                add(&d, "K");
                cur += 2;
                break;
            }
            if (string_at(&d, cur, 2, "CK", "CG", "CQ", NULL)) {
                add(&d, "K");
                cur += 2;
                break;
            }
            if (string_at(&d, cur, 2, "CI", "CE", "CY", NULL)) {
                if (string_at(&d, cur, 3, "CIO", "CIE", "CIA", NULL))
                    add2(&d, "S", "X");
                else
                    add(&d, "S");
                cur += 2;
                break;
            }
            add(&d, "K");
            if (string_at(&d, cur + 1, 2, " C", " Q", " G", NULL))
                cur += 3;
            else if (at(&d, cur + 1) && strchr("CKQ", at(&d, cur + 1)) &&
                     !string_at(&d, cur + 1, 2, "CE", "CI", NULL))
                cur += 2;
            else
                cur += 1;
            break;
        case 'D':
            if (string_at(&d, cur, 2, "DG", NULL)) {
                if (at(&d, cur + 2) && strchr("IEY", at(&d, cur + 2))) {
                    add(&d, "J");
                    cur += 3;
                } else {
                    add(&d, "TK");
                    cur += 2;
                }
                break;
            }
            add(&d, "T");
            cur += string_at(&d, cur, 2, "DT", "DD", NULL) ? 2 : 1;
            break;
        case 'F':
            add(&d, "F");
            cur += at(&d, cur + 1) == 'F' ? 2 : 1;
            break;
        case 'G':
            if (at(&d, cur + 1) == 'H') {
                if (cur > 0 && !is_vowel(&d, cur - 1)) {
                    add(&d, "K");
                    cur += 2;
                    break;
                }
                if (cur < 3 && cur == 0) {
                    if (at(&d, cur + 2) == 'I')
                        add(&d, "J");
                    else
                        add(&d, "K");
                    cur += 2;
                    break;
                }
                if ((cur > 1 && at(&d, cur - 2) && strchr("BHD", at(&d, cur - 2))) ||
                    (cur > 2 && at(&d, cur - 3) && strchr("BHD", at(&d, cur - 3))) ||
                    (cur > 3 && at(&d, cur - 4) && strchr("BH", at(&d, cur - 4)))) {
                    cur += 2;
                    break;
                }
                if (cur > 2 && at(&d, cur - 1) == 'U' && at(&d, cur - 3) &&
                    strchr("CGLRT", at(&d, cur - 3))) {
                    add(&d, "F");
                } else if (cur > 0 && at(&d, cur - 1) != 'I') {
                    add(&d, "K");
                }
                cur += 2;
                break;
            }
            if (at(&d, cur + 1) == 'N') {
                if (cur == 1 && is_vowel(&d, 0) && !slavo_germanic(&d)) {
                    add2(&d, "KN", "N");
                } else if (!string_at(&d, cur + 2, 2, "EY", NULL) && at(&d, cur + 1) != 'Y' &&
                           !slavo_germanic(&d)) {
                    add2(&d, "N", "KN");
                } else {
                    add(&d, "KN");
                }
                cur += 2;
                break;
            }
            if (string_at(&d, cur + 1, 2, "LI", NULL) && !slavo_germanic(&d)) {
                add2(&d, "KL", "L");
                cur += 2;
                break;
            }
            if (cur == 0 && (at(&d, cur + 1) == 'Y' ||
                             string_at(&d, cur + 1, 2, "ES", "EP", "EB", "EL", "EY", "IB", "IL",
                                       "IN", "IE", "EI", "ER", NULL))) {
                add2(&d, "K", "J");
                cur += 2;
                break;
            }
            if ((string_at(&d, cur + 1, 2, "ER", NULL) || at(&d, cur + 1) == 'Y') &&
                !string_at(&d, 0, 6, "DANGER", "RANGER", "MANGER", NULL) &&
                !(at(&d, cur - 1) && strchr("EI", at(&d, cur - 1))) &&
                !string_at(&d, cur - 1, 3, "RGY", "OGY", NULL)) {
                add2(&d, "K", "J");
                cur += 2;
                break;
            }
            if ((at(&d, cur + 1) && strchr("EIY", at(&d, cur + 1))) ||
                string_at(&d, cur - 1, 4, "AGGI", "OGGI", NULL)) {
                if (string_at(&d, 0, 4, "VAN ", "VON ", NULL) || string_at(&d, 0, 3, "SCH", NULL) ||
                    string_at(&d, cur + 1, 2, "ET", NULL))
                    add(&d, "K");
                else if (string_at(&d, cur + 1, 4, "IER ", NULL))
                    add(&d, "J");
                else
                    add2(&d, "J", "K");
                cur += 2;
                break;
            }
            add(&d, "K");
            cur += at(&d, cur + 1) == 'G' ? 2 : 1;
            break;
        case 'H':
            if ((cur == 0 || is_vowel(&d, cur - 1)) && is_vowel(&d, cur + 1)) {
                add(&d, "H");
                cur += 2;
            } else {
                cur += 1;
            }
            break;
        case 'J':
            if (string_at(&d, cur, 4, "JOSE", NULL) || string_at(&d, 0, 4, "SAN ", NULL)) {
                if ((cur == 0 && cur + 4 >= d.len) || string_at(&d, 0, 4, "SAN ", NULL))
                    add(&d, "H");
                else
                    add2(&d, "J", "H");
                cur += 1;
                break;
            }
            if (cur == 0 && !string_at(&d, cur, 4, "JOSE", NULL)) {
                add2(&d, "J", "A");
            } else if (is_vowel(&d, cur - 1) && !slavo_germanic(&d) &&
                       (at(&d, cur + 1) == 'A' || at(&d, cur + 1) == 'O')) {
                add2(&d, "J", "H");
            } else if (cur == d.last) {
                add2(&d, "J", "");
            } else if (!(at(&d, cur + 1) && strchr("LTKSNMBZ", at(&d, cur + 1))) &&
                       !(at(&d, cur - 1) && strchr("SKL", at(&d, cur - 1)))) {
                add(&d, "J");
            }
            cur += at(&d, cur + 1) == 'J' ? 2 : 1;
            break;
        case 'K':
            add(&d, "K");
            cur += at(&d, cur + 1) == 'K' ? 2 : 1;
            break;
        case 'L':
            if (at(&d, cur + 1) == 'L') {
                if ((cur == d.len - 3 && string_at(&d, cur - 1, 4, "ILLO", "ILLA", "ALLE", NULL)) ||
                    ((string_at(&d, d.last - 1, 2, "AS", "OS", NULL) ||
                      (at(&d, d.last) && strchr("AO", at(&d, d.last)))) &&
                     string_at(&d, cur - 1, 4, "ALLE", NULL))) {
                    add2(&d, "L", "");
                    cur += 2;
                    break;
                }
                cur += 2;
            } else {
                cur += 1;
            }
            add(&d, "L");
            break;
        case 'M':
            add(&d, "M");
            if ((string_at(&d, cur - 1, 3, "UMB", NULL) &&
                 (cur + 1 == d.last || string_at(&d, cur + 2, 2, "ER", NULL))) ||
                at(&d, cur + 1) == 'M')
                cur += 2;
            else
                cur += 1;
            break;
        case 'N':
            add(&d, "N");
            cur += at(&d, cur + 1) == 'N' ? 2 : 1;
            break;
        case 'P':
            if (at(&d, cur + 1) == 'H') {
                add(&d, "F");
                cur += 2;
                break;
            }
            add(&d, "P");
            cur += (at(&d, cur + 1) == 'P' || at(&d, cur + 1) == 'B') ? 2 : 1;
            break;
        case 'Q':
            add(&d, "K");
            cur += at(&d, cur + 1) == 'Q' ? 2 : 1;
            break;
        case 'R':
            if (cur == d.last && !slavo_germanic(&d) && string_at(&d, cur - 2, 2, "IE", NULL) &&
                !string_at(&d, cur - 4, 2, "ME", "MA", NULL))
                add2(&d, "", "R");
            else
                add(&d, "R");
            cur += at(&d, cur + 1) == 'R' ? 2 : 1;
            break;
        case 'S':
            if (string_at(&d, cur - 1, 3, "ISL", "YSL", NULL)) {
                cur += 1;
                break;
            }
            if (cur == 0 && string_at(&d, cur, 5, "SUGAR", NULL)) {
                add2(&d, "X", "S");
                cur += 1;
                break;
            }
            if (string_at(&d, cur, 2, "SH", NULL)) {
                if (string_at(&d, cur + 1, 4, "HEIM", "HOEK", "HOLM", "HOLZ", NULL))
                    add(&d, "S");
                else
                    add(&d, "X");
                cur += 2;
                break;
            }
            if (string_at(&d, cur, 3, "SIO", "SIA", NULL) || string_at(&d, cur, 4, "SIAN", NULL)) {
                if (!slavo_germanic(&d))
                    add2(&d, "S", "X");
                else
                    add(&d, "S");
                cur += 3;
                break;
            }
            if ((cur == 0 && at(&d, cur + 1) && strchr("MNLW", at(&d, cur + 1))) ||
                at(&d, cur + 1) == 'Z') {
                add2(&d, "S", "X");
                cur += at(&d, cur + 1) == 'Z' ? 2 : 1;
                break;
            }
            if (string_at(&d, cur, 2, "SC", NULL)) {
                if (at(&d, cur + 2) == 'H') {
                    if (string_at(&d, cur + 3, 2, "OO", "ER", "EN", "UY", "ED", "EM", NULL)) {
                        if (string_at(&d, cur + 3, 2, "ER", "EN", NULL))
                            add2(&d, "X", "SK");
                        else
                            add(&d, "SK");
                    } else if (cur == 0 && !is_vowel(&d, 3) && at(&d, 3) != 'W') {
                        add2(&d, "X", "S");
                    } else {
                        add(&d, "X");
                    }
                    cur += 3;
                    break;
                }
                if (at(&d, cur + 2) && strchr("IEY", at(&d, cur + 2))) {
                    add(&d, "S");
                    cur += 3;
                    break;
                }
                add(&d, "SK");
                cur += 3;
                break;
            }
            if (cur == d.last && string_at(&d, cur - 2, 2, "AI", "OI", NULL))
                add2(&d, "", "S");
            else
                add(&d, "S");
            cur += (at(&d, cur + 1) == 'S' || at(&d, cur + 1) == 'Z') ? 2 : 1;
            break;
        case 'T':
            if (string_at(&d, cur, 4, "TION", NULL) || string_at(&d, cur, 3, "TIA", "TCH", NULL)) {
                add(&d, "X");
                cur += 3;
                break;
            }
            if (string_at(&d, cur, 2, "TH", NULL) || string_at(&d, cur, 3, "TTH", NULL)) {
                if (string_at(&d, cur + 2, 2, "OM", "AM", NULL) ||
                    string_at(&d, 0, 4, "VAN ", "VON ", NULL) || string_at(&d, 0, 3, "SCH", NULL))
                    add(&d, "T");
                else
                    add2(&d, "0", "T");
                cur += 2;
                break;
            }
            add(&d, "T");
            cur += (at(&d, cur + 1) == 'T' || at(&d, cur + 1) == 'D') ? 2 : 1;
            break;
        case 'V':
            add(&d, "F");
            cur += at(&d, cur + 1) == 'V' ? 2 : 1;
            break;
        case 'W':
            if (string_at(&d, cur, 2, "WR", NULL)) {
                add(&d, "R");
                cur += 2;
                break;
            }
            if (cur == 0 && (is_vowel(&d, cur + 1) || string_at(&d, cur, 2, "WH", NULL))) {
                if (is_vowel(&d, cur + 1))
                    add2(&d, "A", "F");
                else
                    add(&d, "A");
            }
            if ((cur == d.last && is_vowel(&d, cur - 1)) ||
                string_at(&d, cur - 1, 5, "EWSKI", "EWSKY", "OWSKI", "OWSKY", NULL) ||
                string_at(&d, 0, 3, "SCH", NULL)) {
                add2(&d, "", "F");
                cur += 1;
                break;
            }
            if (string_at(&d, cur, 4, "WICZ", "WITZ", NULL)) {
                add2(&d, "TS", "FX");
                cur += 4;
                break;
            }
            cur += 1;
            break;
        case 'X':
            if (!(cur == d.last && (string_at(&d, cur - 3, 3, "IAU", "EAU", NULL) ||
                                    string_at(&d, cur - 2, 2, "AU", "OU", NULL))))
                add(&d, "KS");
            cur += (at(&d, cur + 1) == 'C' || at(&d, cur + 1) == 'X') ? 2 : 1;
            break;
        case 'Z':
            if (at(&d, cur + 1) == 'H') {
                add(&d, "J");
                cur += 2;
                break;
            }
            if (string_at(&d, cur + 1, 2, "ZO", "ZI", "ZA", NULL) ||
                (slavo_germanic(&d) && cur > 0 && at(&d, cur - 1) != 'T'))
                add2(&d, "S", "TS");
            else
                add(&d, "S");
            cur += at(&d, cur + 1) == 'Z' ? 2 : 1;
            break;
        default:
            cur += 1;
            break;
        }
    }
    if (d.np > DMETAPHONE_LEN)
        d.np = DMETAPHONE_LEN;
    if (d.na > DMETAPHONE_LEN)
        d.na = DMETAPHONE_LEN;
    memcpy(primary, d.p, (size_t)d.np);
    primary[d.np] = '\0';
    memcpy(alternate, d.a, (size_t)d.na);
    alternate[d.na] = '\0';
}
