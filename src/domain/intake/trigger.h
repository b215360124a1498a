/*
 * intake/trigger.h: the Community Trigger (ASB case review), 2014 Act s.104 (DESIGN 7).
 *
 * Owns trigger/v1: qualifying complaints are counted over the last 6 calendar months per
 * applicant and, across people, per ASB problem (a location or problem key). At the
 * second report the handler is prompted to explain the review; at 3 from one applicant, or
 * 5 from different people about the same problem, the threshold is met ("eligible").
 * A case review has four dated steps whose deadlines run in working days: acknowledge 5
 * and decide 10 from the application, hold the review 20 after the decision, send the
 * outcome letter 5 after the review. Pure, thread-safe; the store keeps the records.
 */
#ifndef FC_DOMAIN_INTAKE_TRIGGER_H
#define FC_DOMAIN_INTAKE_TRIGGER_H

#include <stdbool.h>
#include <stddef.h>

#include "store/model.h"
#include "util/err.h"

#define TRIGGER_MAX_STEPS 6

struct trigger_step_rule {
    char id[24];
    int working_days;
    char from[24]; /* "application" or an earlier step's id */
};

struct trigger_config {
    char version[24];
    int window_months;
    int complaint_within_days; /* of the behaviour, for a complaint to qualify */
    int applicant_threshold, distinct_people_threshold, prompt_at;
    bool hate_rule;
    size_t n_steps;
    struct trigger_step_rule steps[TRIGGER_MAX_STEPS];
    char appeal_body[64];
};

/* One earlier complaint (an ASB contact). */
struct trigger_complaint {
    fc_id_t person_id;       /* the complainant; 0 if anonymous (never counted per person) */
    const char *problem_key; /* location or problem key; NULL if none */
    fc_time_t at;            /* when the complaint was made */
    fc_time_t behaviour_at;  /* when the behaviour happened; 0 if unknown */
    bool is_hate;
};

struct trigger_status {
    int applicant_count;      /* qualifying complaints by the applicant, this one included */
    int problem_people;       /* distinct complainants about the problem, this one included */
    bool should_prompt;       /* explain the case review now */
    bool is_eligible;         /* threshold met */
    char basis[32];           /* "applicant", "problem", "hate" or "" */
};

struct trigger_step_due {
    char id[24];
    fc_time_t due_at; /* 0 until the step it runs from is done */
};

int trigger_config_load(const char *version, struct trigger_config *out, struct fc_err *err);

/* Counts the current complaint (`current`) with the earlier ones. */
void trigger_evaluate(const struct trigger_config *cfg, const struct trigger_complaint *current,
                      const struct trigger_complaint *earlier, size_t n,
                      struct trigger_status *out);

/* The window's start: the same instant `window_months` calendar months before now. */
fc_time_t trigger_window_start(const struct trigger_config *cfg, fc_time_t now);

/*
 * Deadlines of every step given what is done so far: done_at[i] is step i's completion
 * time or 0. A step whose start is not done yet has due_at 0. Returns cfg->n_steps.
 */
size_t trigger_steps_plan(const struct trigger_config *cfg, fc_time_t applied_at,
                          const fc_time_t *done_at, struct trigger_step_due *out);

/* Index of a step id, or -1. */
int trigger_step_index(const struct trigger_config *cfg, const char *id);

#endif
