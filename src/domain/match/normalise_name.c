/* domain/match/normalise_name.c: names to lower-case ASCII tokens (ICU transliteration). */
#include "domain/match/norm.h"

#include <ctype.h>
#include <pthread.h>
#include <string.h>
#include <unicode/ustring.h>
#include <unicode/utrans.h>

static pthread_once_t translit_once = PTHREAD_ONCE_INIT;
static pthread_mutex_t translit_lock = PTHREAD_MUTEX_INITIALIZER;
static UTransliterator *translit; /* guarded by translit_lock; NULL if ICU lacks the rules */

static void translit_init(void)
{
    static const char rules[] = "Any-Latin; Latin-ASCII";
    UChar id[64];
    UErrorCode st = U_ZERO_ERROR;
    u_uastrcpy(id, rules);
    translit = utrans_openU(id, -1, UTRANS_FORWARD, NULL, 0, NULL, &st);
    if (U_FAILURE(st))
        translit = NULL;
}

/* Transliterates UTF-8 `in` into ASCII `out`; falls back to dropping non-ASCII bytes. */
static void to_ascii(const char *in, char *out, size_t cap)
{
    UChar buf[512];
    int32_t len = 0;
    UErrorCode st = U_ZERO_ERROR;
    pthread_once(&translit_once, translit_init);
    u_strFromUTF8Lenient(buf, (int32_t)(sizeof buf / sizeof buf[0]) - 1, &len, in, -1, &st);
    if (U_FAILURE(st) || !translit || len >= (int32_t)(sizeof buf / sizeof buf[0]) - 1)
        goto fallback;
    buf[len] = 0;
    int32_t limit = len;
    pthread_mutex_lock(&translit_lock);
    utrans_transUChars(translit, buf, &len, (int32_t)(sizeof buf / sizeof buf[0]) - 1, 0,
                       &limit, &st);
    pthread_mutex_unlock(&translit_lock);
    if (U_FAILURE(st))
        goto fallback;
    buf[limit] = 0;
    int32_t outlen = 0;
    st = U_ZERO_ERROR;
    u_strToUTF8(out, (int32_t)cap - 1, &outlen, buf, limit, &st);
    if (U_FAILURE(st) || outlen >= (int32_t)cap)
        goto fallback;
    out[outlen] = '\0';
    return;
fallback: {
    size_t j = 0;
    for (const unsigned char *p = (const unsigned char *)in; *p && j + 1 < cap; p++)
        if (*p < 0x80)
            out[j++] = (char)*p;
    out[j] = '\0';
}
}

size_t name_fold(const char *in, char *out, size_t cap)
{
    char tmp[512];
    const char *src = in ? in : "";
    bool ascii = true;
    for (const unsigned char *p = (const unsigned char *)src; *p; p++)
        if (*p >= 0x80) {
            ascii = false;
            break;
        }
    if (!ascii) {
        to_ascii(src, tmp, sizeof tmp);
        src = tmp;
    }
    size_t j = 0;
    bool space = true; /* suppress leading spaces */
    for (const unsigned char *p = (const unsigned char *)src; *p && j + 1 < cap; p++) {
        if (isalpha(*p)) {
            out[j++] = (char)tolower(*p);
            space = false;
        } else if (*p == '\'' || *p == '`') {
            continue; /* O'Neil -> oneil */
        } else if (!space) {
            out[j++] = ' ';
            space = true;
        }
    }
    while (j > 0 && out[j - 1] == ' ')
        j--;
    if (cap > 0)
        out[j] = '\0';
    return j;
}

bool name_is_title(const char *t)
{
    static const char *const titles[] = { "mr", "mrs", "ms", "miss", "mx", "dr", "prof",
                                          "sir", "dame", "lady", "lord", "rev", "revd",
                                          "fr", "master", "madam", "mister", NULL };
    for (size_t i = 0; titles[i]; i++)
        if (strcmp(t, titles[i]) == 0)
            return true;
    return false;
}

/* Splits folded text into tokens, dropping titles and name suffixes. */
static size_t tokenise(const char *folded, char toks[][NAME_TOKEN_LEN], size_t max)
{
    static const char *const suffixes[] = { "jr", "jnr", "snr", "sr", "ii", "iii", NULL };
    size_t n = 0;
    const char *p = folded;
    while (*p && n < max) {
        while (*p == ' ')
            p++;
        const char *s = p;
        while (*p && *p != ' ')
            p++;
        size_t len = (size_t)(p - s);
        if (len == 0)
            break;
        if (len >= NAME_TOKEN_LEN)
            len = NAME_TOKEN_LEN - 1;
        char tok[NAME_TOKEN_LEN];
        memcpy(tok, s, len);
        tok[len] = '\0';
        bool skip = name_is_title(tok);
        for (size_t i = 0; !skip && suffixes[i]; i++)
            skip = strcmp(tok, suffixes[i]) == 0;
        if (!skip)
            memcpy(toks[n++], tok, len + 1);
    }
    return n;
}

void name_normalise(const char *forename, const char *surname, struct name_norm *out)
{
    char buf[256];
    char toks[NAME_MAX_TOKENS][NAME_TOKEN_LEN];
    memset(out, 0, sizeof *out);
    name_fold(forename, buf, sizeof buf);
    size_t n = tokenise(buf, toks, NAME_MAX_TOKENS);
    if (n > 0)
        memcpy(out->fore, toks[0], NAME_TOKEN_LEN);
    for (size_t i = 1; i < n; i++)
        memcpy(out->middles[out->n_middles++], toks[i], NAME_TOKEN_LEN);
    name_fold(surname, buf, sizeof buf);
    n = tokenise(buf, toks, NAME_MAX_TOKENS);
    for (size_t i = 0; i < n; i++)
        memcpy(out->surs[out->n_surs++], toks[i], NAME_TOKEN_LEN);
    if (!out->fore[0] && out->n_surs > 1) { /* whole name typed in the surname field */
        memcpy(out->fore, out->surs[0], NAME_TOKEN_LEN);
        memmove(out->surs[0], out->surs[1], (out->n_surs - 1) * NAME_TOKEN_LEN);
        out->n_surs--;
    }
}

void name_normalise_full(const char *full, struct name_norm *out)
{
    const char *comma = full ? strchr(full, ',') : NULL;
    if (comma) {
        char sur[256];
        size_t len = (size_t)(comma - full);
        if (len >= sizeof sur)
            len = sizeof sur - 1;
        memcpy(sur, full, len);
        sur[len] = '\0';
        name_normalise(comma + 1, sur, out);
        return;
    }
    char buf[256];
    char toks[NAME_MAX_TOKENS][NAME_TOKEN_LEN];
    memset(out, 0, sizeof *out);
    name_fold(full, buf, sizeof buf);
    size_t n = tokenise(buf, toks, NAME_MAX_TOKENS);
    if (n == 0)
        return;
    if (n == 1) {
        memcpy(out->surs[out->n_surs++], toks[0], NAME_TOKEN_LEN);
        return;
    }
    memcpy(out->fore, toks[0], NAME_TOKEN_LEN);
    for (size_t i = 1; i + 1 < n; i++)
        memcpy(out->middles[out->n_middles++], toks[i], NAME_TOKEN_LEN);
    memcpy(out->surs[out->n_surs++], toks[n - 1], NAME_TOKEN_LEN);
}

bool email_normalise(const char *raw, char *out, size_t cap)
{
    size_t j = 0;
    bool at = false;
    for (const unsigned char *p = (const unsigned char *)(raw ? raw : ""); *p && j + 1 < cap;
         p++) {
        if (isspace(*p))
            continue;
        if (*p == '@')
            at = true;
        out[j++] = (char)tolower(*p);
    }
    out[j] = '\0';
    if (!at || j < 3) {
        out[0] = '\0';
        return false;
    }
    return true;
}
