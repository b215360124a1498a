/*
 * tests/fuzz/fuzz_phone.c: UK phone normalisation to E.164 (domain/match/phone.c).
 *
 * A number that normalises is "+44" and 9 or 10 digits, and normalising it again gives the
 * same key (the index stores keys and compares keys with keys). Rejected input leaves "".
 */
#include <stdbool.h>

#include "domain/match/norm.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *s = fuzz_cstr(data, size);
    char out[32], again[32];
    memset(out, 'x', sizeof out);
    if (phone_normalise(s, out, sizeof out)) {
        size_t len = strlen(out);
        FUZZ_CHECK(len == 12 || len == 13);
        FUZZ_CHECK(strncmp(out, "+44", 3) == 0);
        for (size_t i = 1; i < len; i++)
            FUZZ_CHECK(out[i] >= '0' && out[i] <= '9');
        FUZZ_CHECK(out[3] != '0');
        FUZZ_CHECK(phone_normalise(out, again, sizeof again) && strcmp(out, again) == 0);
        FUZZ_CHECK(phone_is_mobile(out) == (out[3] == '7'));
    } else {
        FUZZ_CHECK(out[0] == '\0');
    }
    char tiny[8];
    FUZZ_CHECK(!phone_normalise(s, tiny, sizeof tiny)); /* too small a buffer is refused */
    free(s);
    return 0;
}
