/* domain/match/nickname.c: forename nicknames and spelling variants, surname variants. */
#include "domain/match/norm.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "util/assets.h"

struct pair {
    char a[24], b[24];
    enum name_relation kind;
    bool a_is_formal; /* a is the formal name, b its short form (nickname rows) */
};

struct pair_table {
    struct pair *rows;
    size_t n, cap;
};

static pthread_once_t tables_once = PTHREAD_ONCE_INIT;
static struct pair_table forenames, surnames;

static int pair_cmp(const void *x, const void *y)
{
    const struct pair *p = x, *q = y;
    int c = strcmp(p->a, q->a);
    return c ? c : strcmp(p->b, q->b);
}

static void table_add(struct pair_table *t, const char *a, size_t la, const char *b, size_t lb,
                      enum name_relation kind, bool a_formal)
{
    if (la == 0 || lb == 0 || la >= 24 || lb >= 24)
        return;
    if (t->n == t->cap) {
        size_t nc = t->cap ? t->cap * 2 : 4096;
        struct pair *nr = realloc(t->rows, nc * sizeof *nr);
        if (!nr)
            return;
        t->rows = nr;
        t->cap = nc;
    }
    struct pair *r = &t->rows[t->n++];
    memcpy(r->a, a, la);
    r->a[la] = '\0';
    memcpy(r->b, b, lb);
    r->b[lb] = '\0';
    r->kind = kind;
    r->a_is_formal = a_formal;
}

/* Reads "name,variant[,kind]" rows (header skipped); each row is added both ways. */
static void table_load(struct pair_table *t, const char *path, bool has_kind)
{
    const struct asset *as = assets_find(path);
    if (!as)
        return;
    const char *p = (const char *)as->start, *end = (const char *)as->end;
    const char *nl = memchr(p, '\n', (size_t)(end - p));
    p = nl ? nl + 1 : end;
    while (p < end) {
        nl = memchr(p, '\n', (size_t)(end - p));
        const char *le = nl ? nl : end;
        const char *c1 = memchr(p, ',', (size_t)(le - p));
        if (c1) {
            const char *c2 = memchr(c1 + 1, ',', (size_t)(le - c1 - 1));
            const char *be = c2 ? c2 : le;
            enum name_relation kind = NAME_REL_SPELLING;
            if (has_kind && c2 && le - c2 > 4 && strncmp(c2 + 1, "nickname", 8) == 0)
                kind = NAME_REL_NICKNAME;
            size_t la = (size_t)(c1 - p), lb = (size_t)(be - c1 - 1);
            if (!(la == lb && memcmp(p, c1 + 1, la) == 0)) {
                table_add(t, p, la, c1 + 1, lb, kind, true);
                table_add(t, c1 + 1, lb, p, la, kind, false);
            }
        }
        p = le + 1;
    }
}

static void tables_load(void)
{
    table_load(&forenames, "data/names/nicknames.csv", true);
    table_load(&forenames, "data/names/nicknames_community.csv", true);
    table_load(&surnames, "data/names/surname_variants_uk.csv", false);
    if (forenames.rows)
        qsort(forenames.rows, forenames.n, sizeof *forenames.rows, pair_cmp);
    if (surnames.rows)
        qsort(surnames.rows, surnames.n, sizeof *surnames.rows, pair_cmp);
}

/* First row whose a equals name, or NULL; rows with that a follow it contiguously. */
static const struct pair *table_first(const struct pair_table *t, const char *name)
{
    size_t lo = 0, hi = t->n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (strcmp(t->rows[mid].a, name) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < t->n && strcmp(t->rows[lo].a, name) == 0 ? &t->rows[lo] : NULL;
}

static enum name_relation direct(const struct pair_table *t, const char *a, const char *b)
{
    const struct pair *r = table_first(t, a);
    for (; r && r < t->rows + t->n && strcmp(r->a, a) == 0; r++)
        if (strcmp(r->b, b) == 0)
            return r->kind;
    return NAME_REL_NONE;
}

enum name_relation nickname_relation(const char *a, const char *b)
{
    pthread_once(&tables_once, tables_load);
    if (!a[0] || !b[0] || strcmp(a, b) == 0)
        return NAME_REL_NONE;
    enum name_relation k = direct(&forenames, a, b);
    if (k != NAME_REL_NONE)
        return k;
    /* both short forms (or variants) of one formal name: bob ~ rob via robert */
    const struct pair *r = table_first(&forenames, a);
    for (; r && r < forenames.rows + forenames.n && strcmp(r->a, a) == 0; r++) {
        if (r->a_is_formal)
            continue; /* r->b is a short form of a, not a's formal name */
        if (direct(&forenames, r->b, b) != NAME_REL_NONE)
            return NAME_REL_NICKNAME;
    }
    return NAME_REL_NONE;
}

size_t nickname_related(const char *name, const char **out, enum name_relation *kinds,
                        size_t max)
{
    pthread_once(&tables_once, tables_load);
    size_t n = 0;
    const struct pair *end = forenames.rows + forenames.n;
    const struct pair *r = table_first(&forenames, name);
    for (; r && r < end && strcmp(r->a, name) == 0 && n < max; r++) {
        out[n] = r->b;
        kinds[n++] = r->kind;
        if (r->a_is_formal)
            continue;
        /* r->b is a formal name of `name`: its other short forms and variants relate too */
        const struct pair *q = table_first(&forenames, r->b);
        for (; q && q < end && strcmp(q->a, r->b) == 0 && n < max; q++) {
            if (strcmp(q->b, name) == 0)
                continue;
            out[n] = q->b;
            kinds[n++] = NAME_REL_NICKNAME;
        }
    }
    return n;
}

bool nickname_formal(const char *name, char *out, size_t cap)
{
    pthread_once(&tables_once, tables_load);
    const struct pair *r = table_first(&forenames, name);
    for (; r && r < forenames.rows + forenames.n && strcmp(r->a, name) == 0; r++) {
        if (!r->a_is_formal && r->kind == NAME_REL_NICKNAME && strlen(r->b) < cap) {
            strcpy(out, r->b);
            return true;
        }
    }
    return false;
}

bool surname_variant(const char *a, const char *b)
{
    pthread_once(&tables_once, tables_load);
    return direct(&surnames, a, b) != NAME_REL_NONE;
}
