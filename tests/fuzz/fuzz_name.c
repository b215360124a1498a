/*
 * tests/fuzz/fuzz_name.c: name and email normalisers and the string comparisons
 * (domain/match: name_fold, name_normalise, name_normalise_full, dmetaphone, jaro_winkler,
 * edit_distance, nickname tables, email_normalise).
 *
 * The input is "forename<TAB>surname" (either may be missing) in any bytes. Properties:
 * folding gives lower-case ASCII letters and single inner spaces, fits the buffer and is
 * idempotent; tokens are non-empty letters that fit NAME_TOKEN_LEN; phonetic codes fit;
 * similarities lie in [0,1] and are symmetric where the definition is; email keys re-fold
 * to themselves.
 */
#include <stdbool.h>

#include "domain/match/norm.h"
#include "fuzz.h"

static void check_folded(const char *s, size_t len, size_t cap)
{
    FUZZ_CHECK(len < (cap ? cap : 1));
    FUZZ_CHECK(strlen(s) == len);
    for (size_t i = 0; i < len; i++) {
        FUZZ_CHECK((s[i] >= 'a' && s[i] <= 'z') || s[i] == ' ');
        if (s[i] == ' ')
            FUZZ_CHECK(i > 0 && i + 1 < len && s[i + 1] != ' ');
    }
}

static void check_token(const char *t)
{
    FUZZ_CHECK(fuzz_terminated(t, NAME_TOKEN_LEN));
    FUZZ_CHECK(t[0] != '\0');
    for (const char *p = t; *p; p++)
        FUZZ_CHECK(*p >= 'a' && *p <= 'z');
    FUZZ_CHECK(!name_is_title(t));
    char primary[DMETAPHONE_LEN + 1], alternate[DMETAPHONE_LEN + 1];
    dmetaphone(t, primary, alternate);
    FUZZ_CHECK(strlen(primary) <= DMETAPHONE_LEN && strlen(alternate) <= DMETAPHONE_LEN);
    char formal[NAME_TOKEN_LEN];
    if (nickname_formal(t, formal, sizeof formal))
        FUZZ_CHECK(fuzz_terminated(formal, sizeof formal));
}

static void check_norm(const struct name_norm *n)
{
    FUZZ_CHECK(n->n_middles <= NAME_MAX_TOKENS && n->n_surs <= NAME_MAX_TOKENS);
    if (n->fore[0])
        check_token(n->fore);
    for (size_t i = 0; i < n->n_middles; i++)
        check_token(n->middles[i]);
    for (size_t i = 0; i < n->n_surs; i++)
        check_token(n->surs[i]);
}

static void check_similarity(const char *a, const char *b)
{
    double jw = jaro_winkler(a, b), j1 = jaro(a, b), j2 = jaro(b, a);
    FUZZ_CHECK(jw >= 0.0 && jw <= 1.0 + 1e-9);
    FUZZ_CHECK(j1 >= 0.0 && j1 <= 1.0 + 1e-9);
    FUZZ_CHECK(j1 - j2 < 1e-9 && j2 - j1 < 1e-9);
    if (a[0])
        FUZZ_CHECK(jaro_winkler(a, a) > 1.0 - 1e-9);
    for (int cap = 0; cap <= 3; cap++) {
        int d1 = edit_distance(a, b, cap), d2 = edit_distance(b, a, cap);
        FUZZ_CHECK(d1 == d2);
        FUZZ_CHECK(d1 >= 0 && d1 <= cap + 1);
        if (strlen(a) <= 64)
            FUZZ_CHECK(edit_distance(a, a, cap) == 0);
        if (d1 == 0)
            FUZZ_CHECK(strcmp(a, b) == 0 || strlen(a) > 64 || strlen(b) > 64);
    }
    enum name_relation r1 = nickname_relation(a, b), r2 = nickname_relation(b, a);
    FUZZ_CHECK(r1 == NAME_REL_NONE || r1 == NAME_REL_SPELLING || r1 == NAME_REL_NICKNAME);
    FUZZ_CHECK((r1 == NAME_REL_NONE) == (r2 == NAME_REL_NONE));
    FUZZ_CHECK(surname_variant(a, b) == surname_variant(b, a));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *s = fuzz_cstr(data, size);
    char *sur;
    static const size_t caps[] = { 0, 1, 2, 8, 32, 256 };

    for (size_t i = 0; i < sizeof caps / sizeof caps[0]; i++) {
        char out[256], again[256];
        size_t len = name_fold(s, out, caps[i]);
        if (caps[i] == 0)
            continue;
        check_folded(out, len, caps[i]);
        size_t len2 = name_fold(out, again, caps[i]);
        FUZZ_CHECK(len2 == len && strcmp(out, again) == 0);
    }

    struct name_norm full;
    name_normalise_full(s, &full);
    check_norm(&full);

    char email[128], email2[128];
    if (email_normalise(s, email, sizeof email)) {
        FUZZ_CHECK(strchr(email, '@') != NULL);
        FUZZ_CHECK(email_normalise(email, email2, sizeof email2) && strcmp(email, email2) == 0);
    } else {
        FUZZ_CHECK(email[0] == '\0');
    }

    fuzz_split(s, '\t', &sur);
    struct name_norm n;
    name_normalise(s, sur, &n);
    check_norm(&n);
    check_similarity(n.fore, n.n_surs ? n.surs[0] : "");
    check_similarity(s, sur); /* raw bytes too: callers compare stored keys as given */
    free(s);
    return 0;
}
