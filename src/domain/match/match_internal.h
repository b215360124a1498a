/*
 * domain/match/match_internal.h: the matcher's internal structures, shared by index.c,
 * score.c and match.c only. Not for other modules.
 *
 * Threads: everything here is guarded by match_service.lock (readers: lookups; writer:
 * additions and merges).
 */
#ifndef FC_DOMAIN_MATCH_INTERNAL_H
#define FC_DOMAIN_MATCH_INTERNAL_H

#include <pthread.h>
#include <stdint.h>

#include "domain/match/match.h"
#include "domain/match/norm.h"

/* A name token of a query with what comparisons need, computed once. */
#define QTOKEN_MAX_REL 32
struct qtoken {
    const char *s;
    uint32_t meta;
    size_t n_rel;
    const char *rel[QTOKEN_MAX_REL]; /* related forenames (nicknames, spellings) */
    enum name_relation rel_kind[QTOKEN_MAX_REL];
};

/* ---- a normalised record (query or identifiers to add) ---- */
struct match_norm {
    struct name_norm name;
    bool has_name;
    uint32_t fore_meta;                     /* Double Metaphone of name.fore, packed */
    uint32_t sur_meta[NAME_MAX_TOKENS];     /* of each surname token */
    struct qtoken q_fore, q_sur0;           /* forename; first surname token as a forename */
    int32_t dob; /* YYYYMMDD, 0 when missing or placeholder */
    uint64_t phone; /* national significant number, 0 when none */
    bool mobile;
    char email[96];
    struct postcode pc;
    struct address_norm addr;
    bool has_addr; /* street or number given */
    uint64_t ref;  /* non-zero when a reference number was given */
    char ref_text[24];
};

void match_norm_record(const struct match_record *r, int ref_year, struct match_norm *out);

/* ---- interned strings with per-role counts (term frequencies) ---- */
enum intern_role { ROLE_FORE, ROLE_SUR, ROLE_OTHER, ROLE_COUNT_ };

struct intern_entry {
    uint32_t off;     /* into pool */
    uint32_t meta;    /* Double Metaphone primary, packed 4 chars */
    uint32_t count[ROLE_COUNT_];
};

struct interner {
    char *pool;
    size_t pool_len, pool_cap;
    struct intern_entry *e;
    uint32_t n, cap;   /* entry 0 is the empty string */
    uint32_t *slots;   /* open addressing, entry ids; 0 = empty */
    uint32_t n_slots;
};

uint32_t intern_get(struct interner *in, const char *s, bool create); /* 0 if absent */
static inline const char *intern_str(const struct interner *in, uint32_t id)
{
    return in->pool + in->e[id].off;
}
uint32_t meta_pack(const char *word);

/* ---- persons: every value they ever had ---- */
enum pval_kind { PV_FORE, PV_MIDDLE, PV_SUR, PV_DOB, PV_PHONE, PV_EMAIL, PV_ADDR, PV_ADDR2, PV_REF };

#define PVAL_YEAR0 2015 /* `year` counts from here, saturating at 15 */

struct pval {              /* 8 bytes: the index holds millions */
    uint32_t a;
    unsigned int b : 24;
    unsigned int kind : 4;
    unsigned int year : 4; /* year last seen - PVAL_YEAR0, for the explanation */
};

struct mperson {
    fc_id_t id;
    struct pval *v;
    uint16_t n, cap;
    bool merged; /* merged into another person */
    bool erased; /* anonymised by retention: its values are gone */
};

/* ---- blocking index: key -> person slots ---- */
#define BLOCK_MULTI 0x80000000u

/* 8 bytes per key: a 32-bit fingerprint of the blocking key (0 = empty; two keys sharing
 * a fingerprint only share candidates, which are scored anyway) and either the one person
 * slot, or BLOCK_MULTI | index of a posting list. */
struct block {
    uint32_t fp;
    uint32_t val;
};

struct plist {
    uint32_t *ids;
    uint32_t n, cap;
};

struct block_index {
    struct block *b;
    size_t n, cap; /* cap a power of two */
    struct plist *lists;
    uint32_t n_lists, cap_lists;
};

struct match_service {
    pthread_rwlock_t lock;
    struct match_options opt;
    struct interner names; /* forenames, surnames, streets, house numbers, postcodes, emails */
    struct mperson *persons;
    uint32_t n_persons, cap_persons;
    struct block_index ix;
    /* person id -> slot */
    fc_id_t *id_keys;
    uint32_t *id_slots;
    size_t id_cap, id_n;
    uint64_t total_fore, total_sur; /* value counts for term frequencies */
    struct match_model *model;
};

/* index.c */
int index_person_slot(struct match_service *s, fc_id_t id, bool create, uint32_t *out);
/* Takes back the term-frequency counts of the distinct names held by `slot` (their values
 * were added again after having been counted once). Caller holds the write lock. */
void index_uncount_names(struct match_service *s, uint32_t slot);
void index_add_norm(struct match_service *s, uint32_t slot, const struct match_norm *n,
                    int year);
/* Collects candidate slots for a query into out (deduplicated), at most max. */
size_t index_candidates(struct match_service *s, const struct match_norm *q, uint32_t *out,
                        size_t max);
void index_free(struct match_service *s);
/* Makes every block that lists slot `from` list `into` instead (merges). */
void index_repoint(struct match_service *s, uint32_t from, uint32_t into);
size_t index_bytes(const struct match_service *s);

/* score.c: the Fellegi-Sunter model */
struct match_model;
struct match_model *model_default(void);
void model_free(struct match_model *m);
int model_load_json(const char *path, struct match_model **out, struct fc_err *err);
int model_save_json(const struct match_model *m, const char *path, struct fc_err *err);
/* Scores a query against one person; fills c (levels and weights, and the reasons in plain
 * words when `explain`); returns the total weight. */
double score_person(const struct match_service *s, const struct match_model *m,
                    const struct match_norm *q, const struct mperson *p,
                    struct match_candidate *c, bool explain);

#endif
