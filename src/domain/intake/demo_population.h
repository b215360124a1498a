/*
 * intake/demo_population.h: a background population of invented callers for
 * `firstcontact demo`, so the call handler's screen has history to find.
 *
 * People are drawn from the embedded name and street tables (real Leicestershire streets
 * and postcodes, invented house numbers, phones and dates of birth). Each person has made
 * one to several earlier ASB calls over the last fifteen months; a few are persistent
 * callers. Calls go through the store and the intake labels, so counts, repeat flags and
 * audit rows are real. Deterministic for a given seed. Not thread-safe: call from one thread.
 */
#ifndef FC_DOMAIN_INTAKE_DEMO_POPULATION_H
#define FC_DOMAIN_INTAKE_DEMO_POPULATION_H

#include <stddef.h>
#include <stdint.h>

#include "domain/match/match.h"
#include "store/store.h"

struct intake_demo_population {
    size_t n_persons;  /* how many people to invent */
    uint64_t seed;     /* PRNG seed; the same seed gives the same people */
    fc_id_t force_id;  /* the organisation taking the calls */
    fc_id_t handler_user_id;
};

struct intake_demo_population_counts {
    size_t persons;
    size_t calls;
};

/* Invents the people and their earlier calls as of `now`; `m` (may be NULL) learns them. */
int intake_demo_population_seed(struct store *s, struct match_service *m,
                                const struct intake_demo_population *opt, fc_time_t now,
                                struct intake_demo_population_counts *out, struct fc_err *err);

#endif
