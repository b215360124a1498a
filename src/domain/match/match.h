/*
 * domain/match/match.h: real-time person matching, the service the call handler's lookup,
 * the replay/dedupe commands and the HTTP layer (POST /api/v1/lookup) call.
 *
 * A match_service owns an in-memory candidate index of every person (every name, date of
 * birth, phone, email and address each person has ever had) and a Fellegi-Sunter model
 * with Splink-style comparison levels. match_lookup() normalises what the handler has typed
 * so far, gathers candidates through several blocking keys (capped on huge blocks, plus a
 * fuzzy-name key for first-letter typos), scores each against every value the person ever
 * had and returns them ranked, each with a probability, a band and per-field log2 weights
 * with plain-words reasons. match_person_add() records a person's identifiers after the
 * store has committed them; match_service_load() builds the index from the store at start.
 *
 * Threads: one service is shared by all workers. Lookups take a read lock and run
 * concurrently; match_person_add / _merge / _unmerge take the write lock briefly (the
 * store is never called under it). The model is immutable after create.
 */
#ifndef FC_DOMAIN_MATCH_MATCH_H
#define FC_DOMAIN_MATCH_MATCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "store/model.h"
#include "util/arena.h"
#include "util/err.h"

struct match_service;
struct store;

/* What is known of a person as typed: any field may be NULL or "". `full_name` is used when
 * forename and surname are both empty ("SURNAME, Forename Middle" or "Forename Surname"). */
struct match_record {
    const char *forename;
    const char *surname;
    const char *full_name;
    const char *dob;
    const char *phone;
    const char *email;
    const char *address;
    const char *postcode;
    const char *reference; /* another identifier, e.g. an NHS or agency number */
};

enum match_band {
    MATCH_BAND_NONE,     /* not shown as a match */
    MATCH_BAND_POSSIBLE, /* "possible — confirm with the caller" */
    MATCH_BAND_SAME,     /* "same person", auto-suggested */
};

enum match_field {
    MATCH_FIELD_FORENAME,
    MATCH_FIELD_SURNAME,
    MATCH_FIELD_DOB,
    MATCH_FIELD_PHONE,
    MATCH_FIELD_EMAIL,
    MATCH_FIELD_ADDRESS,
    MATCH_FIELD_REFERENCE,
    MATCH_FIELD_COUNT
};

/* One field's contribution: the comparison level reached and its log2 Bayes factor. */
struct match_field_weight {
    enum match_field field;
    const char *level;  /* Splink-style level label, e.g. "exact", "nickname", "jw>=0.92" */
    double weight;      /* log2(m/u), after term-frequency adjustment; 0 when null */
    char reason[64];    /* plain words: "same date of birth", "nickname of robert" */
};

struct match_candidate {
    fc_id_t person_id;
    double weight;      /* total match weight (prior included), log2 odds */
    double probability; /* 2^w / (1 + 2^w) */
    enum match_band band;
    struct match_field_weight fields[MATCH_FIELD_COUNT];
    uint32_t slot_; /* internal to the index; not for callers */
};

struct match_result {
    size_t n; /* candidates, best first */
    struct match_candidate *cands;
    size_t n_blocked; /* candidates scored, before ranking */
};

struct match_options {
    double same_threshold;     /* probability for MATCH_BAND_SAME (default 0.9) */
    double possible_threshold; /* probability for MATCH_BAND_POSSIBLE (default 0.2) */
    size_t max_results;        /* candidates returned (default 5) */
    size_t block_cap;          /* most recent persons taken from one blocking key (256) */
};

/* Creates an empty service with the built-in model (or the model at `model_path`, a
 * Splink-compatible JSON file written by `firstcontact train`, when not NULL). */
int match_service_create(const struct match_options *opt, const char *model_path,
                         struct match_service **out, struct fc_err *err);
void match_service_free(struct match_service *svc);

/* Builds the index from every (unmerged) person in the store. */
int match_service_load(struct match_service *svc, struct store *st, struct fc_err *err);

/* Ranks the persons that may be the one described by `q`. Results live in `a`. `now` is the
 * time of the lookup (used by the explanation, e.g. "phone seen in 2024"). */
int match_lookup(struct match_service *svc, const struct match_record *q, fc_time_t now,
                 struct arena *a, struct match_result *out, struct fc_err *err);

/* Records identifiers `r`, seen at `at`, for person `person_id` (new or existing). Call after
 * the store has committed them. */
int match_person_add(struct match_service *svc, fc_id_t person_id, const struct match_record *r,
                     fc_time_t at, struct fc_err *err);

/* Adds a whole stored person (every identifier row) to the index. */
int match_person_add_stored(struct match_service *svc, const struct person *p,
                            struct fc_err *err);

/* Moves every identifier of `from` onto `into` (supervisor merge); `from` stops matching. */
int match_person_merge(struct match_service *svc, fc_id_t from, fc_id_t into,
                       struct fc_err *err);

/* Undoes a merge (supervisor un-merge): `into` keeps only its own stored identifiers and
 * `from` matches again with all of its own. Both are the persons as stored (every
 * identifier row). */
int match_person_unmerge(struct match_service *svc, const struct person *from,
                         const struct person *into, struct fc_err *err);

/* Forgets every identifier of a person anonymised by retention: it is never a candidate
 * again. A person the index does not hold is not an error. */
int match_person_forget(struct match_service *svc, fc_id_t person_id, struct fc_err *err);

/* Persons, distinct index keys and approximate bytes held. */
void match_service_stats(struct match_service *svc, size_t *persons, size_t *keys,
                         size_t *bytes);

/* Short names for bands and fields ("same", "possible", "none"; "forename", ...). */
const char *match_band_name(enum match_band b);
const char *match_field_name(enum match_field f);

/* Fills the normalised-keys text kept on identifier rows (person_name.keys,
 * person_address.keys) so the store holds what the matcher derived: e.g.
 * {"fore":"robert","sur":["smith"],"dm":["RPRT","SM0"]}. */
void match_name_keys(const char *forename, const char *surname, char *out, size_t cap);
void match_address_keys(const char *address, const char *postcode, char *out, size_t cap);

#endif
