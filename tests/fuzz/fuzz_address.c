/*
 * tests/fuzz/fuzz_address.c: address line parsing (domain/match/address.c).
 *
 * Every part is NUL-terminated within its field, lower-case ASCII without spaces at the
 * ends, the street key is the street tokens joined by single spaces (or a prefix of that
 * when it had to be cut), and parsing the same text twice gives the same result (the
 * abbreviation table is loaded once and shared between threads).
 */
#include <stdbool.h>

#include "domain/match/norm.h"
#include "fuzz.h"

static void check_text(const char *s, size_t cap)
{
    FUZZ_CHECK(fuzz_terminated(s, cap));
    for (const char *p = s; *p; p++)
        FUZZ_CHECK((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == ' ');
    size_t len = strlen(s);
    if (len)
        FUZZ_CHECK(s[0] != ' ' && s[len - 1] != ' ');
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *s = fuzz_cstr(data, size);
    struct address_norm a, b;
    address_parse(s, &a);
    check_text(a.flat, sizeof a.flat);
    check_text(a.number, sizeof a.number);
    check_text(a.building, sizeof a.building);
    check_text(a.street_key, sizeof a.street_key);
    FUZZ_CHECK(a.n_street <= ADDR_MAX_TOKENS);
    char joined[ADDR_MAX_TOKENS * 25 + 1] = "";
    for (size_t i = 0; i < a.n_street; i++) {
        check_text(a.street[i], sizeof a.street[i]);
        FUZZ_CHECK(a.street[i][0] != '\0' && strchr(a.street[i], ' ') == NULL);
        if (i)
            strcat(joined, " ");
        strcat(joined, a.street[i]);
        FUZZ_CHECK(address_expand(a.street[i], i + 1 == a.n_street) != NULL);
    }
    FUZZ_CHECK(strncmp(joined, a.street_key, strlen(a.street_key)) == 0);
    address_parse(s, &b);
    FUZZ_CHECK(memcmp(&a, &b, sizeof a) == 0);
    free(s);
    return 0;
}
