/*
 * domain/match/train.h: estimating the matcher's model from the store's own records, the
 * way Splink does: λ from deterministic rules, u from random pairs, m by
 * expectation-maximisation over pairs found by several blocking rules.
 * Single-threaded; uses no shared state.
 */
#ifndef FC_DOMAIN_MATCH_TRAIN_H
#define FC_DOMAIN_MATCH_TRAIN_H

#include <stddef.h>

#include "domain/match/match.h"

struct match_train_report {
    size_t records;
    size_t u_pairs;         /* random pairs sampled for u */
    size_t blocked_pairs;   /* candidate pairs from the blocking keys */
    size_t rule_pairs;      /* pairs the deterministic rules call matches */
    double lambda;          /* probability two random records match */
    int em_iterations[2];   /* per EM session (blocked on date of birth; on full name) */
};

/* Trains on `n` records and writes the Splink-compatible model JSON to out_path. */
int match_train(const struct match_record *recs, size_t n, unsigned seed, const char *out_path,
                struct match_train_report *rep, struct fc_err *err);

#endif
