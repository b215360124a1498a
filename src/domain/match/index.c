/*
 * domain/match/index.c: the in-memory candidate index: interned strings with term
 * frequencies, every value each person ever had, and blocking keys -> persons.
 * Callers hold match_service.lock (write for additions, read for candidates).
 */
#include <stdlib.h>
#include <string.h>

#include "domain/match/match_internal.h"

/* ---- hashing ---- */

static uint64_t mix64(uint64_t x)
{
    x ^= x >> 30;
    x *= 0xbf58476d1ce4e5b9ULL;
    x ^= x >> 27;
    x *= 0x94d049bb133111ebULL;
    x ^= x >> 31;
    return x;
}

static uint64_t hash_str(const char *s)
{
    uint64_t h = 0xcbf29ce484222325ULL;
    for (; *s; s++) {
        h ^= (unsigned char)*s;
        h *= 0x100000001b3ULL;
    }
    return h;
}

static uint64_t key3(uint64_t tag, uint64_t a, uint64_t b)
{
    return mix64(tag * 0x9e3779b97f4a7c15ULL ^ mix64(a + 0x632be59bd9b4e019ULL) ^
                 mix64(b) * 31) | 1; /* never 0: 0 marks an empty bucket */
}

/* ---- interner ---- */

uint32_t meta_pack(const char *word)
{
    char p[DMETAPHONE_LEN + 1], a[DMETAPHONE_LEN + 1];
    dmetaphone(word, p, a);
    size_t len = strlen(p);
    uint32_t v = 0;
    /* a code shorter than four letters is padded with zero bytes (it used to take the
     * byte after the terminator, which dmetaphone leaves unwritten: keys then depended
     * on stack garbage, so the same name could block differently from one call to the
     * next) */
    for (size_t i = 0; i < 4; i++)
        v = v << 8 | (i < len ? (unsigned char)p[i] : 0u);
    return v;
}

static bool intern_grow(struct interner *in)
{
    uint32_t ns = in->n_slots ? in->n_slots * 2 : 1024;
    uint32_t *slots = calloc(ns, sizeof *slots);
    if (!slots)
        return false;
    for (uint32_t i = 1; i < in->n; i++) {
        uint64_t h = hash_str(in->pool + in->e[i].off);
        uint32_t j = (uint32_t)h & (ns - 1);
        while (slots[j])
            j = (j + 1) & (ns - 1);
        slots[j] = i;
    }
    free(in->slots);
    in->slots = slots;
    in->n_slots = ns;
    return true;
}

uint32_t intern_get(struct interner *in, const char *s, bool create)
{
    if (!s || !s[0])
        return 0;
    if (in->n == 0) { /* entry 0: the empty string */
        if (!create)
            return 0;
        in->cap = 1024;
        in->e = calloc(in->cap, sizeof *in->e);
        in->pool_cap = 1 << 16;
        in->pool = malloc(in->pool_cap);
        if (!in->e || !in->pool)
            return 0;
        in->pool[0] = '\0';
        in->pool_len = 1;
        in->n = 1;
    }
    if (in->n_slots == 0 && !intern_grow(in))
        return 0;
    uint64_t h = hash_str(s);
    uint32_t j = (uint32_t)h & (in->n_slots - 1);
    while (in->slots[j]) {
        if (strcmp(in->pool + in->e[in->slots[j]].off, s) == 0)
            return in->slots[j];
        j = (j + 1) & (in->n_slots - 1);
    }
    if (!create)
        return 0;
    size_t len = strlen(s) + 1;
    if (in->pool_len + len > in->pool_cap) {
        size_t nc = in->pool_cap * 2;
        while (nc < in->pool_len + len)
            nc *= 2;
        char *np = realloc(in->pool, nc);
        if (!np)
            return 0;
        in->pool = np;
        in->pool_cap = nc;
    }
    if (in->n == in->cap) {
        struct intern_entry *ne = realloc(in->e, (size_t)in->cap * 2 * sizeof *ne);
        if (!ne)
            return 0;
        in->e = ne;
        in->cap *= 2;
    }
    uint32_t id = in->n++;
    memset(&in->e[id], 0, sizeof in->e[id]);
    in->e[id].off = (uint32_t)in->pool_len;
    memcpy(in->pool + in->pool_len, s, len);
    in->pool_len += len;
    bool alpha = s[0] >= 'a' && s[0] <= 'z';
    in->e[id].meta = alpha ? meta_pack(s) : 0;
    if ((uint64_t)in->n * 2 > in->n_slots) {
        if (!intern_grow(in))
            return 0;
    } else {
        in->slots[j] = id;
    }
    return id;
}

/* ---- person slots by id ---- */

static bool id_map_put(struct match_service *s, fc_id_t id, uint32_t slot)
{
    if ((s->id_n + 1) * 2 > s->id_cap) {
        size_t nc = s->id_cap ? s->id_cap * 2 : 1024;
        fc_id_t *nk = calloc(nc, sizeof *nk);
        uint32_t *nv = calloc(nc, sizeof *nv);
        if (!nk || !nv) {
            free(nk);
            free(nv);
            return false;
        }
        for (size_t i = 0; i < s->id_cap; i++) {
            if (!s->id_keys[i])
                continue;
            size_t j = mix64((uint64_t)s->id_keys[i]) & (nc - 1);
            while (nk[j])
                j = (j + 1) & (nc - 1);
            nk[j] = s->id_keys[i];
            nv[j] = s->id_slots[i];
        }
        free(s->id_keys);
        free(s->id_slots);
        s->id_keys = nk;
        s->id_slots = nv;
        s->id_cap = nc;
    }
    size_t j = mix64((uint64_t)id) & (s->id_cap - 1);
    while (s->id_keys[j] && s->id_keys[j] != id)
        j = (j + 1) & (s->id_cap - 1);
    if (!s->id_keys[j])
        s->id_n++;
    s->id_keys[j] = id;
    s->id_slots[j] = slot;
    return true;
}

static bool id_map_get(const struct match_service *s, fc_id_t id, uint32_t *slot)
{
    if (!s->id_cap)
        return false;
    size_t j = mix64((uint64_t)id) & (s->id_cap - 1);
    while (s->id_keys[j]) {
        if (s->id_keys[j] == id) {
            *slot = s->id_slots[j];
            return true;
        }
        j = (j + 1) & (s->id_cap - 1);
    }
    return false;
}

int index_person_slot(struct match_service *s, fc_id_t id, bool create, uint32_t *out)
{
    /* ids given in order (1, 2, 3 ... as a fresh store assigns them) need no map entry */
    if (id > 0 && (uint64_t)id <= s->n_persons && s->persons[id - 1].id == id) {
        *out = (uint32_t)(id - 1);
        return FC_OK;
    }
    if (id_map_get(s, id, out))
        return FC_OK;
    if (!create)
        return FC_ENOTFOUND;
    if (s->n_persons == s->cap_persons) {
        uint32_t nc = s->cap_persons ? s->cap_persons * 2 : 1024;
        struct mperson *np = realloc(s->persons, (size_t)nc * sizeof *np);
        if (!np)
            return FC_ENOMEM;
        s->persons = np;
        s->cap_persons = nc;
    }
    uint32_t slot = s->n_persons++;
    memset(&s->persons[slot], 0, sizeof s->persons[slot]);
    s->persons[slot].id = id;
    if ((uint64_t)id != (uint64_t)slot + 1 && !id_map_put(s, id, slot))
        return FC_ENOMEM;
    *out = slot;
    return FC_OK;
}

/* ---- blocks ---- */

static uint32_t key_fp(uint64_t key)
{
    uint32_t fp = (uint32_t)(key >> 32) ^ (uint32_t)key;
    return fp ? fp : 1;
}

static struct block *block_find(const struct block_index *ix, uint32_t fp)
{
    if (!ix->cap)
        return NULL;
    size_t j = mix64(fp) & (ix->cap - 1);
    while (ix->b[j].fp) {
        if (ix->b[j].fp == fp)
            return &ix->b[j];
        j = (j + 1) & (ix->cap - 1);
    }
    return NULL;
}

static bool block_grow(struct block_index *ix)
{
    size_t nc = ix->cap ? ix->cap * 2 : 4096;
    struct block *nb = calloc(nc, sizeof *nb);
    if (!nb)
        return false;
    for (size_t i = 0; i < ix->cap; i++) {
        if (!ix->b[i].fp)
            continue;
        size_t j = mix64(ix->b[i].fp) & (nc - 1);
        while (nb[j].fp)
            j = (j + 1) & (nc - 1);
        nb[j] = ix->b[i];
    }
    free(ix->b);
    ix->b = nb;
    ix->cap = nc;
    return true;
}

static void block_add(struct block_index *ix, uint64_t key, uint32_t slot)
{
    uint32_t fp = key_fp(key);
    struct block *b = block_find(ix, fp);
    if (!b) {
        if ((ix->n + 1) * 5 > ix->cap * 4 && !block_grow(ix))
            return;
        size_t j = mix64(fp) & (ix->cap - 1);
        while (ix->b[j].fp)
            j = (j + 1) & (ix->cap - 1);
        ix->b[j].fp = fp;
        ix->b[j].val = slot;
        ix->n++;
        return;
    }
    if (!(b->val & BLOCK_MULTI)) {
        if (b->val == slot)
            return;
        if (ix->n_lists == ix->cap_lists) {
            uint32_t nc = ix->cap_lists ? ix->cap_lists * 2 : 1024;
            struct plist *nl = realloc(ix->lists, (size_t)nc * sizeof *nl);
            if (!nl)
                return;
            ix->lists = nl;
            ix->cap_lists = nc;
        }
        struct plist *l = &ix->lists[ix->n_lists];
        l->ids = malloc(2 * sizeof *l->ids);
        if (!l->ids)
            return;
        l->ids[0] = b->val;
        l->n = 1;
        l->cap = 2;
        b->val = BLOCK_MULTI | ix->n_lists++;
    }
    struct plist *l = &ix->lists[b->val & ~BLOCK_MULTI];
    /* the same person is usually the most recent one added */
    for (uint32_t i = l->n > 8 ? l->n - 8 : 0; i < l->n; i++)
        if (l->ids[i] == slot)
            return;
    if (l->n == l->cap) {
        uint32_t nc = l->cap < 2 ? 2 : l->cap < 16 ? l->cap * 2 : l->cap + l->cap / 2;
        uint32_t *ids = realloc(l->ids, (size_t)nc * sizeof *ids);
        if (!ids)
            return;
        l->ids = ids;
        l->cap = nc;
    }
    l->ids[l->n++] = slot;
}

/* The persons of a block: a pointer to one slot or to a posting list. */
static const uint32_t *block_ids(const struct block_index *ix, const struct block *b,
                                 uint32_t *n)
{
    if (!(b->val & BLOCK_MULTI)) {
        *n = 1;
        return &b->val;
    }
    const struct plist *l = &ix->lists[b->val & ~BLOCK_MULTI];
    *n = l->n;
    return l->ids;
}

void index_repoint(struct match_service *s, uint32_t from, uint32_t into)
{
    struct block_index *ix = &s->ix;
    for (size_t i = 0; i < ix->cap; i++)
        if (ix->b[i].fp && !(ix->b[i].val & BLOCK_MULTI) && ix->b[i].val == from)
            ix->b[i].val = into;
    for (uint32_t i = 0; i < ix->n_lists; i++)
        for (uint32_t j = 0; j < ix->lists[i].n; j++)
            if (ix->lists[i].ids[j] == from)
                ix->lists[i].ids[j] = into;
}

/* ---- keys of a normalised record ---- */

enum key_tag { K_PHONE = 1, K_EMAIL, K_DOB, K_NAME, K_FUZZY, K_ADDR_PC, K_ADDR_ST, K_SUR_SECTOR, K_REF };

static uint64_t tail4(const char *s)
{
    size_t l = strlen(s);
    return hash_str(l > 4 ? s + l - 4 : s) ^ (uint64_t)l << 56;
}

/* Writes the blocking keys of n into keys (at most max); `query` adds the swapped-name
 * keys. Names are looked up in the interner (created when adding). */
static size_t record_keys(struct match_service *s, const struct match_norm *n, bool query,
                          uint64_t *keys, size_t max)
{
    (void)s;
    size_t k = 0;
#define PUT(x)                                                                                \
    do {                                                                                      \
        if (k < max)                                                                          \
            keys[k++] = (x);                                                                  \
    } while (0)
    if (n->phone)
        PUT(key3(K_PHONE, n->phone, 0));
    if (n->email[0])
        PUT(key3(K_EMAIL, hash_str(n->email), 0));
    if (n->dob)
        PUT(key3(K_DOB, (uint64_t)n->dob, 0));
    if (n->ref_text[0])
        PUT(key3(K_REF, hash_str(n->ref_text), 0));
    if (n->has_name) {
        /* forename-like tokens: the forename, its formal name, middles (people go by them) */
        const char *fores[NAME_MAX_TOKENS + 2];
        uint64_t fmeta[NAME_MAX_TOKENS + 2]; /* their metaphone codes (match_norm has some) */
        size_t nf = 0;
        char formal[NAME_TOKEN_LEN];
        if (n->name.fore[0]) {
            fmeta[nf] = n->fore_meta;
            fores[nf++] = n->name.fore;
            if (nickname_formal(n->name.fore, formal, sizeof formal)) {
                fmeta[nf] = meta_pack(formal);
                fores[nf++] = formal;
            }
        }
        for (size_t i = 0; i < n->name.n_middles && nf < NAME_MAX_TOKENS; i++) {
            fmeta[nf] = meta_pack(n->name.middles[i]);
            fores[nf++] = n->name.middles[i];
        }
        for (size_t i = 0; i < nf; i++) {
            uint64_t mf = fmeta[i];
            for (size_t j = 0; j < n->name.n_surs; j++) {
                uint64_t ms = n->sur_meta[j];
                PUT(key3(K_NAME, mf, ms));
                if (query)
                    PUT(key3(K_NAME, ms, mf));
                if (i == 0) {
                    PUT(key3(K_FUZZY, mf, tail4(n->name.surs[j])));
                    if (query) /* swapped and with a first-letter typo */
                        PUT(key3(K_FUZZY, ms, tail4(fores[i])));
                }
            }
        }
        if (n->pc.level >= POSTCODE_SECTOR)
            for (size_t j = 0; j < n->name.n_surs; j++)
                PUT(key3(K_SUR_SECTOR, n->sur_meta[j], hash_str(n->pc.sector)));
    }
    if (n->addr.number[0]) {
        if (n->pc.level == POSTCODE_UNIT)
            PUT(key3(K_ADDR_PC, hash_str(n->pc.unit), hash_str(n->addr.number)));
        if (n->addr.street_key[0])
            PUT(key3(K_ADDR_ST, hash_str(n->addr.street_key), hash_str(n->addr.number)));
    }
#undef PUT
    return k;
}

/* ---- adding values ---- */

static unsigned year_code(int year)
{
    return year <= PVAL_YEAR0 ? 0 : year - PVAL_YEAR0 > 15 ? 15 : (unsigned)(year - PVAL_YEAR0);
}

/* Makes room for `extra` more values, allocating exactly (persons are many and small). */
static bool person_reserve(struct mperson *p, size_t extra)
{
    if ((size_t)p->n + extra <= p->cap)
        return true;
    size_t nc = (size_t)p->n + extra;
    if (nc > 65535)
        return false;
    struct pval *nv = realloc(p->v, nc * sizeof *nv);
    if (!nv)
        return false;
    p->v = nv;
    p->cap = (uint16_t)nc;
    return true;
}

static void person_append(struct mperson *p, uint8_t kind, uint32_t a, uint32_t b, int year)
{
    if (p->n == p->cap && !person_reserve(p, p->cap < 8 ? 2 : p->cap / 4))
        return;
    struct pval *v = &p->v[p->n++];
    v->kind = kind & 0xf;
    v->a = a;
    v->b = b & 0xffffff;
    v->year = year_code(year);
}

static void person_put(struct mperson *p, uint8_t kind, uint32_t a, uint32_t b, int year)
{
    for (uint16_t i = 0; i < p->n; i++)
        if (p->v[i].kind == kind && p->v[i].a == a && p->v[i].b == (b & 0xffffff)) {
            if (year_code(year) > p->v[i].year)
                p->v[i].year = year_code(year);
            return;
        }
    person_append(p, kind, a, b, year);
}

static bool person_has(const struct mperson *p, uint8_t kind, uint32_t a)
{
    for (uint16_t i = 0; i < p->n; i++)
        if (p->v[i].kind == kind && p->v[i].a == a)
            return true;
    return false;
}

void index_uncount_names(struct match_service *s, uint32_t slot)
{
    const struct mperson *p = &s->persons[slot];
    for (uint16_t i = 0; i < p->n; i++) {
        uint8_t kind = p->v[i].kind;
        uint32_t id = p->v[i].a;
        if ((kind != PV_FORE && kind != PV_SUR) || id == 0)
            continue;
        bool seen = false;
        for (uint16_t j = 0; j < i && !seen; j++)
            seen = p->v[j].kind == kind && p->v[j].a == id;
        if (seen)
            continue;
        enum intern_role role = kind == PV_FORE ? ROLE_FORE : ROLE_SUR;
        uint64_t *total = kind == PV_FORE ? &s->total_fore : &s->total_sur;
        if (s->names.e[id].count[role] > 0)
            s->names.e[id].count[role]--;
        if (*total > 0)
            (*total)--;
    }
}

void index_add_norm(struct match_service *s, uint32_t slot, const struct match_norm *n,
                    int year)
{
    struct mperson *p = &s->persons[slot];
    person_reserve(p, 8 + n->name.n_middles + n->name.n_surs);
    if (n->has_name) {
        if (n->name.fore[0]) {
            uint32_t id = intern_get(&s->names, n->name.fore, true);
            if (id && !person_has(p, PV_FORE, id)) {
                s->names.e[id].count[ROLE_FORE]++;
                s->total_fore++;
            }
            person_put(p, PV_FORE, id, 0, year);
        }
        for (size_t i = 0; i < n->name.n_middles; i++)
            person_put(p, PV_MIDDLE, intern_get(&s->names, n->name.middles[i], true), 0, year);
        for (size_t i = 0; i < n->name.n_surs; i++) {
            uint32_t id = intern_get(&s->names, n->name.surs[i], true);
            if (id && !person_has(p, PV_SUR, id)) {
                s->names.e[id].count[ROLE_SUR]++;
                s->total_sur++;
            }
            person_put(p, PV_SUR, id, 0, year);
        }
    }
    if (n->dob)
        person_put(p, PV_DOB, (uint32_t)n->dob, 0, year);
    if (n->phone)
        person_put(p, PV_PHONE, (uint32_t)n->phone,
                   (uint32_t)(n->phone >> 32) | (n->mobile ? 0x100u : 0), year);
    if (n->email[0])
        person_put(p, PV_EMAIL, intern_get(&s->names, n->email, true), 0, year);
    if (n->has_addr || n->pc.level >= POSTCODE_DISTRICT) {
        const char *pc = n->pc.level == POSTCODE_UNIT       ? n->pc.unit
                         : n->pc.level == POSTCODE_SECTOR   ? n->pc.sector
                         : n->pc.level == POSTCODE_DISTRICT ? n->pc.district
                                                            : "";
        uint32_t pcid = intern_get(&s->names, pc, true);
        uint32_t stid = intern_get(&s->names, n->addr.street_key, true);
        uint32_t numid = intern_get(&s->names, n->addr.number, true);
        uint32_t flatid = intern_get(&s->names, n->addr.flat, true);
        /* an address is two consecutive values: (postcode, street) then (number, flat) */
        bool dup = false;
        for (uint16_t i = 0; i + 1 < p->n; i++)
            if (p->v[i].kind == PV_ADDR && p->v[i].a == pcid && p->v[i].b == stid &&
                p->v[i + 1].a == numid && p->v[i + 1].b == flatid) {
                dup = true;
                if (year_code(year) > p->v[i].year)
                    p->v[i].year = year_code(year);
            }
        if (!dup) {
            person_append(p, PV_ADDR, pcid, stid, year);
            person_append(p, PV_ADDR2, numid, flatid, year);
        }
    }
    if (n->ref_text[0])
        person_put(p, PV_REF, intern_get(&s->names, n->ref_text, true), 0, year);
    uint64_t keys[64];
    size_t nk = record_keys(s, n, false, keys, 64);
    for (size_t i = 0; i < nk; i++)
        block_add(&s->ix, keys[i], slot);
}

size_t index_candidates(struct match_service *s, const struct match_norm *q, uint32_t *out,
                        size_t max)
{
    uint64_t keys[96];
    size_t nk = record_keys(s, q, true, keys, 96);
    size_t n = 0;
    uint32_t seen[1024];
    memset(seen, 0xff, sizeof seen);
    for (size_t i = 0; i < nk && n < max; i++) {
        const struct block *b = block_find(&s->ix, key_fp(keys[i]));
        if (!b)
            continue;
        uint32_t bn;
        const uint32_t *ids = block_ids(&s->ix, b, &bn);
        uint32_t from = bn > s->opt.block_cap ? bn - (uint32_t)s->opt.block_cap : 0;
        for (uint32_t j = bn; j-- > from && n < max;) {
            uint32_t slot = ids[j];
            uint32_t h = (uint32_t)mix64(slot) & 1023;
            bool dup = false;
            while (seen[h] != 0xffffffffu) {
                if (seen[h] == slot) {
                    dup = true;
                    break;
                }
                h = (h + 1) & 1023;
            }
            if (dup || s->persons[slot].merged || s->persons[slot].erased)
                continue;
            if (n >= 700) /* keep the probe set sparse */
                return n;
            seen[h] = slot;
            out[n++] = slot;
        }
    }
    return n;
}

void index_free(struct match_service *s)
{
    for (uint32_t i = 0; i < s->ix.n_lists; i++)
        free(s->ix.lists[i].ids);
    free(s->ix.lists);
    free(s->ix.b);
    for (uint32_t i = 0; i < s->n_persons; i++)
        free(s->persons[i].v);
    free(s->persons);
    free(s->id_keys);
    free(s->id_slots);
    free(s->names.pool);
    free(s->names.e);
    free(s->names.slots);
}

size_t index_bytes(const struct match_service *s)
{
    size_t b = s->ix.cap * sizeof(struct block) + s->ix.cap_lists * sizeof(struct plist);
    for (uint32_t i = 0; i < s->ix.n_lists; i++)
        b += s->ix.lists[i].cap * sizeof(uint32_t);
    b += (size_t)s->cap_persons * sizeof(struct mperson);
    for (uint32_t i = 0; i < s->n_persons; i++)
        b += (size_t)s->persons[i].cap * sizeof(struct pval);
    b += s->id_cap * (sizeof(fc_id_t) + sizeof(uint32_t));
    b += s->names.pool_cap + (size_t)s->names.cap * sizeof(struct intern_entry) +
         (size_t)s->names.n_slots * sizeof(uint32_t);
    return b;
}
