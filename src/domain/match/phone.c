/* domain/match/phone.c: UK phone numbers to E.164; withheld and placeholders become none. */
#include "domain/match/norm.h"

#include <ctype.h>
#include <string.h>

bool phone_normalise(const char *raw, char *out, size_t cap)
{
    char dig[32] = { 0 };
    size_t n = 0;
    bool plus = false;
    if (cap < 16)
        return false;
    out[0] = '\0';
    if (!raw)
        return false;
    for (const unsigned char *p = (const unsigned char *)raw; *p; p++) {
        if (isdigit(*p)) {
            if (n + 1 >= sizeof dig)
                return false;
            dig[n++] = (char)*p;
        } else if (*p == '+' && n == 0) {
            plus = true;
        } else if (isalpha(*p)) {
            return false; /* "withheld", "unknown", "ext" ... */
        }
    }
    dig[n] = '\0';
    const char *nat; /* national significant number, without the trunk 0 */
    if (plus || (n > 2 && dig[0] == '0' && dig[1] == '0')) {
        const char *d = dig + ((!plus && dig[0] == '0') ? 2 : 0);
        if (strncmp(d, "44", 2) != 0)
            return false; /* foreign numbers are not normalised */
        nat = d + 2;
        if (*nat == '0') /* +44 (0)116 ... */
            nat++;
    } else if (n == 12 && strncmp(dig, "44", 2) == 0) {
        nat = dig + 2;
        if (*nat == '0') /* 44 0116 ...: the trunk 0 is never part of E.164 */
            nat++;
    } else if (dig[0] == '0') {
        nat = dig + 1;
    } else if (n == 10 && (dig[0] == '7' || dig[0] == '1' || dig[0] == '2')) {
        nat = dig; /* trunk 0 dropped when typed */
    } else {
        return false;
    }
    size_t ln = strlen(nat);
    if (*nat == '0') /* no national significant number starts with 0 */
        return false;
    if (ln < 9 || ln > 10)
        return false;
    bool nonzero = false;
    for (const char *p = nat; *p; p++)
        if (*p != '0')
            nonzero = true;
    if (!nonzero)
        return false;
    /* placeholders such as 07000000000 or 01111111111: one repeated digit after the first */
    bool same = true;
    for (const char *p = nat + 2; *p; p++)
        if (*p != nat[1])
            same = false;
    if (same)
        return false;
    out[0] = '+';
    out[1] = '4';
    out[2] = '4';
    memcpy(out + 3, nat, ln + 1);
    return true;
}

bool phone_is_mobile(const char *e164)
{
    return e164 && strncmp(e164, "+447", 4) == 0;
}
