/* domain/match/address.c: address first lines to (flat, number, building, street tokens). */
#include "domain/match/norm.h"

#include <ctype.h>
#include <pthread.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include "util/assets.h"

/* abbreviation -> canonical form, from the embedded libpostal dictionaries */
struct abbr {
    char abbr[24];
    char canon[24];
};

static pthread_once_t abbr_once = PTHREAD_ONCE_INIT;
static struct abbr *abbrs;
static size_t n_abbrs;

static int abbr_cmp(const void *a, const void *b)
{
    return strcmp(((const struct abbr *)a)->abbr, ((const struct abbr *)b)->abbr);
}

static void abbr_load_file(const char *path, size_t *cap)
{
    const struct asset *a = assets_find(path);
    if (!a)
        return;
    const char *p = (const char *)a->start, *end = (const char *)a->end;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *le = nl ? nl : end;
        char canon[24] = "";
        bool first = true;
        const char *s = p;
        while (s < le) {
            const char *bar = memchr(s, '|', (size_t)(le - s));
            const char *fe = bar ? bar : le;
            size_t len = (size_t)(fe - s);
            bool single_word = memchr(s, ' ', len) == NULL;
            if (len > 0 && len < 24 && single_word) {
                if (first) {
                    memcpy(canon, s, len);
                    canon[len] = '\0';
                } else if (canon[0]) {
                    if (n_abbrs == *cap) {
                        *cap = *cap ? *cap * 2 : 512;
                        struct abbr *nb = realloc(abbrs, *cap * sizeof *abbrs);
                        if (!nb)
                            return;
                        abbrs = nb;
                    }
                    memcpy(abbrs[n_abbrs].abbr, s, len);
                    abbrs[n_abbrs].abbr[len] = '\0';
                    strcpy(abbrs[n_abbrs].canon, canon);
                    n_abbrs++;
                }
            }
            first = false;
            s = fe + 1;
        }
        p = le + 1;
    }
}

static void abbr_load(void)
{
    size_t cap = 0;
    abbr_load_file("data/address/street_types.txt", &cap);
    abbr_load_file("data/address/directionals.txt", &cap);
    abbr_load_file("data/address/unit_types_numbered.txt", &cap);
    if (abbrs == NULL) {
        n_abbrs = 0;
        return;
    }
    qsort(abbrs, n_abbrs, sizeof *abbrs, abbr_cmp);
    /* keep the first of duplicate abbreviations */
    size_t j = 0;
    for (size_t i = 0; i < n_abbrs; i++)
        if (j == 0 || strcmp(abbrs[j - 1].abbr, abbrs[i].abbr) != 0)
            abbrs[j++] = abbrs[i];
    n_abbrs = j;
}

const char *address_expand(const char *token, bool is_last)
{
    if (strcmp(token, "st") == 0) /* "St Peters Road" vs "Glebe St" */
        return is_last ? "street" : "saint";
    pthread_once(&abbr_once, abbr_load);
    struct abbr key;
    if (strlen(token) >= sizeof key.abbr || n_abbrs == 0)
        return token;
    strcpy(key.abbr, token);
    const struct abbr *r = bsearch(&key, abbrs, n_abbrs, sizeof *abbrs, abbr_cmp);
    return r ? r->canon : token;
}

static void copy_str(char *dst, size_t cap, const char *src)
{
    size_t n = strlen(src);
    if (n >= cap)
        n = cap - 1;
    memcpy(dst, src, n);
    dst[n] = '\0';
}

/* A key cut at its buffer's end may stop on the space before a token: drop it. */
static void trim_right(char *s)
{
    size_t n = strlen(s);
    while (n > 0 && s[n - 1] == ' ')
        s[--n] = '\0';
}

static bool is_unit_word(const char *t)
{
    static const char *const w[] = { "flat", "flt", "apartment", "apt", "apartments", "unit",
                                     "room", "maisonette", NULL };
    for (size_t i = 0; w[i]; i++)
        if (strcmp(t, w[i]) == 0)
            return true;
    return false;
}

static bool is_numberish(const char *t)
{
    if (!isdigit((unsigned char)t[0]))
        return false;
    size_t i = 0;
    while (isdigit((unsigned char)t[i]))
        i++;
    return t[i] == '\0' || (isalpha((unsigned char)t[i]) && t[i + 1] == '\0');
}

#define ADDR_TOK 24

void address_parse(const char *raw, struct address_norm *out)
{
    char toks[32][ADDR_TOK];
    int part[32]; /* comma-separated part index of each token */
    size_t n = 0;
    int pi = 0;
    char folded[512];
    memset(out, 0, sizeof *out);
    /* fold, keeping digits, '/' and ',' as structure */
    size_t j = 0;
    for (const unsigned char *p = (const unsigned char *)(raw ? raw : "");
         *p && j + 1 < sizeof folded; p++) {
        if (*p >= 0x80)
            continue;
        if (isalnum(*p))
            folded[j++] = (char)tolower(*p);
        else if (*p == ',' || *p == '/')
            folded[j++] = (char)*p;
        else if (*p == '\'' || *p == '.')
            continue;
        else
            folded[j++] = ' ';
    }
    folded[j] = '\0';
    const char *p = folded;
    char slash_flat[ADDR_TOK] = "";
    while (*p && n < 32) {
        if (*p == ',') {
            pi++;
            p++;
            continue;
        }
        if (*p == ' ') {
            p++;
            continue;
        }
        const char *s = p;
        while (*p && *p != ' ' && *p != ',' && *p != '/')
            p++;
        size_t len = (size_t)(p - s);
        if (len >= ADDR_TOK)
            len = ADDR_TOK - 1;
        if (*p == '/') { /* "2/14": flat 2 at number 14 */
            memcpy(slash_flat, s, len);
            slash_flat[len] = '\0';
            p++;
            continue;
        }
        memcpy(toks[n], s, len);
        toks[n][len] = '\0';
        part[n] = pi;
        n++;
    }
    if (slash_flat[0])
        copy_str(out->flat, sizeof out->flat, slash_flat);
    size_t i = 0;
    int street_part = -1;
    size_t street_start = 0;
    for (i = 0; i < n; i++) {
        if (is_unit_word(toks[i]) && i + 1 < n) {
            copy_str(out->flat, sizeof out->flat, toks[i + 1]);
            i++;
            continue;
        }
        if (is_numberish(toks[i])) {
            if (out->number[0] && !out->flat[0] && street_part < 0) {
                /* "2, 14 London Road": the first number was the flat */
                copy_str(out->flat, sizeof out->flat, out->number);
            }
            copy_str(out->number, sizeof out->number, toks[i]);
            if (i + 1 < n && !is_numberish(toks[i + 1]) && !is_unit_word(toks[i + 1])) {
                street_start = i + 1;
                street_part = part[i + 1];
                break;
            }
            continue;
        }
        break; /* a word before any number: house name or street */
    }
    if (street_part < 0) {
        /* no number before the street: "Rose Cottage, Park Close" or "Park Close" */
        size_t k = i;
        if (k < n) {
            int first_part = part[k];
            size_t e = k;
            while (e < n && part[e] == first_part)
                e++;
            if (e < n && !is_numberish(toks[e])) {
                /* first part is a building name when another part follows */
                size_t bl = 0;
                for (size_t t = k; t < e && bl + 1 < sizeof out->building; t++)
                    bl += (size_t)snprintf(out->building + bl, sizeof out->building - bl,
                                           "%s%s", bl ? " " : "", toks[t]);
                street_start = e;
            } else {
                street_start = k;
            }
            street_part = part[street_start < n ? street_start : k];
            /* "14 London Road, Flat 2" handled below; a number after the name */
            if (street_start < n && is_numberish(toks[street_start]) && !out->number[0]) {
                copy_str(out->number, sizeof out->number, toks[street_start]);
                street_start++;
            }
        }
    }
    size_t e = street_start;
    while (e < n && part[e] == street_part && !is_unit_word(toks[e]))
        e++;
    for (size_t t = street_start; t < e && out->n_street < ADDR_MAX_TOKENS; t++) {
        const char *x = address_expand(toks[t], t + 1 == e);
        copy_str(out->street[out->n_street++], sizeof out->street[0], x);
    }
    /* a flat given after the street: "14 London Road, Flat 2" */
    for (size_t t = e; t + 1 < n; t++)
        if (is_unit_word(toks[t]) && !out->flat[0])
            copy_str(out->flat, sizeof out->flat, toks[t + 1]);
    size_t kl = 0;
    for (size_t t = 0; t < out->n_street && kl + 1 < sizeof out->street_key; t++)
        kl += (size_t)snprintf(out->street_key + kl, sizeof out->street_key - kl, "%s%s",
                               kl ? " " : "", out->street[t]);
    if (kl >= sizeof out->street_key)
        out->street_key[sizeof out->street_key - 1] = '\0';
    trim_right(out->street_key);
    trim_right(out->building);
}
