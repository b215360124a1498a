/*
 * intake/history.h: repeat and vulnerable labels from stored history (DESIGN.md section 5).
 *
 * Owns definitions/v1: repeat victim (>= 1 earlier contact by the same caller within
 * 365 x 24 h), persistent (>= 3), high-volume (>= 10), repeat location (>= 2 earlier
 * incidents at the same UPRN, normalised address or within 50 m), repeat perpetrator
 * (suspect in >= 2 incidents), and vulnerable (a flag in force at the contact time, a
 * medium or high assessment in the last 12 months, or vulnerability recorded now). The
 * caller gathers the history from the store; these functions only count, so the counts
 * behind every label can be shown and stored as they were shown. Pure, thread-safe.
 */
#ifndef FC_DOMAIN_INTAKE_HISTORY_H
#define FC_DOMAIN_INTAKE_HISTORY_H

#include <stdbool.h>
#include <stddef.h>

#include "domain/risk/risk.h"
#include "store/model.h"
#include "util/err.h"

#define HISTORY_MAX_FLAG_KINDS 8

struct definitions_config {
    char version[24];
    int window_days;
    int repeat_victim_min, persistent_min, high_volume_min;
    int repeat_location_min;
    double location_radius_m;
    int repeat_perpetrator_min;
    int assessment_window_days;
    size_t n_flag_kinds; /* 0: a flag of any kind makes a person vulnerable */
    char flag_kinds[HISTORY_MAX_FLAG_KINDS][32];
};

/* A place: any of UPRN, normalised address key or coordinates (NaN when unknown). */
struct history_place {
    const char *uprn;
    const char *location_key;
    double lat, lon;
};

struct history_incident {
    fc_time_t at;
    struct history_place place;
};

struct history_flag {
    const char *kind;
    fc_time_t flagged_at;
    fc_time_t withdrawn_at; /* 0 while in force */
};

struct history_assessment {
    enum risk_level level;
    fc_time_t at;
};

/* What the contact is counted against. Arrays are borrowed for the call. */
struct history_input {
    fc_time_t now; /* the contact's received_at */
    const fc_time_t *caller_contacts; /* the caller's earlier contacts (any time) */
    size_t n_caller_contacts;
    const fc_time_t *victim_incidents; /* incidents naming the caller as victim */
    size_t n_victim_incidents;
    struct history_place place; /* this contact's location */
    const struct history_incident *place_incidents; /* candidate earlier incidents nearby */
    size_t n_place_incidents;
    size_t n_suspects;
    const fc_time_t *const *suspect_incidents; /* per suspect: incident times */
    const size_t *n_suspect_incidents;
    const struct history_flag *flags; /* the caller's flags, in force or not */
    size_t n_flags;
    const struct history_assessment *assessments; /* the caller's earlier assessments */
    size_t n_assessments;
    bool vulnerable_answered; /* the handler recorded vulnerability on this contact */
};

struct history_labels {
    int prior_calls_12m;
    int prior_calls_ever;
    bool is_repeat_victim, is_persistent, is_high_volume;
    int victim_incidents_12m;
    int location_incidents_12m;
    bool is_repeat_location;
    int suspect_incidents_max; /* the most incidents any one suspect has in the window */
    bool is_repeat_perpetrator;
    int flags_in_force;
    bool has_recent_assessment; /* medium or high within the assessment window */
    bool is_vulnerable;
    bool vulnerable_by_flag, vulnerable_by_assessment, vulnerable_by_answer;
};

int definitions_config_load(const char *version, struct definitions_config *out,
                            struct fc_err *err);

/* Counts the labels; out is fully written. */
void history_labels_compute(const struct definitions_config *cfg, const struct history_input *in,
                            struct history_labels *out);

/* Is a flag in force at t (flagged_at <= t, not withdrawn by t)? The review date is
 * informational and ignored (as in the benchmark). */
bool history_flag_in_force(const struct history_flag *f, fc_time_t t);

/* Great-circle distance in metres (haversine, mean Earth radius 6,371,008.8 m). */
double history_distance_m(double lat1, double lon1, double lat2, double lon2);

/* Do two places match: same UPRN, same normalised key, or within radius_m? */
bool history_place_matches(const struct history_place *a, const struct history_place *b,
                           double radius_m);

#endif
