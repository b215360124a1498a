/*
 * domain/match/record.h: between the matcher and the store. Turns identifiers as typed into
 * the identifier rows of a struct person (raw, normalised values and the matcher's keys),
 * and reads the history a call handler sees beside a candidate (contacts in the last 12
 * months, flags in force). Stateless; thread-safe with one store connection per thread.
 */
#ifndef FC_DOMAIN_MATCH_RECORD_H
#define FC_DOMAIN_MATCH_RECORD_H

#include "domain/match/match.h"
#include "store/model.h"
#include "util/arena.h"
#include "util/err.h"

struct store;

/* Fills `out` (allocated in `a`) with one identifier row per field present in `r`, each with
 * provenance (`source`: "contact", "flag", ...). out->id is 0: set it before
 * store_person_add_identifiers. */
int match_record_to_person(const struct match_record *r, const char *source, fc_id_t source_id,
                           fc_time_t at, struct arena *a, struct person *out,
                           struct fc_err *err);

#define MATCH_HISTORY_MAX 50

/* What the handler sees beside a candidate person. */
struct match_history {
    size_t n_contacts_12m;  /* contacts received in the 365 days before `now` */
    size_t n_shown;         /* of which the first n_shown are in contacts_12m */
    struct contact contacts_12m[MATCH_HISTORY_MAX]; /* dates, channels (categories via incident) */
    size_t n_flags;
    struct flag flags[MATCH_HISTORY_MAX]; /* flags in force at `now` */
    bool vulnerable;        /* a "vulnerable" flag is in force */
};

/* Reads a person's history at time `now` from the store; strings live in `a`. */
int match_history_get(struct store *st, fc_id_t person_id, fc_time_t now, struct arena *a,
                      struct match_history *out, struct fc_err *err);

#endif
