/*
 * domain/match/model.h: the Fellegi-Sunter model's parameters (comparison levels with m
 * and u), its Splink-compatible JSON form, and EM training. Internal to domain/match and
 * the commands that train it. A model is immutable once a service uses it.
 */
#ifndef FC_DOMAIN_MATCH_MODEL_H
#define FC_DOMAIN_MATCH_MODEL_H

#include <stdbool.h>
#include <stddef.h>

#include "domain/match/match.h"

#define MODEL_MAX_LEVELS 48

struct model_level {
    enum match_field field;
    char label[40];
    double m, u;
    bool tf; /* term-frequency adjusted exact level */
};

struct match_model {
    double prior_in_index; /* probability that a looked-up person is already known */
    double household_cap;  /* household evidence (surname, address, phone) may lift the odds
                            * at most this many bits above even */
    size_t n_levels;
    struct model_level levels[MODEL_MAX_LEVELS];
};

/* Index of the level with `label` in field f, or -1. */
int model_level_index(const struct match_model *m, enum match_field f, const char *label);

#endif
