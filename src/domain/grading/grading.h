/*
 * grading/grading.h: response grade suggestion and re-grading (shared/DESIGN.md section 6).
 *
 * Owns grading/v1: the four grades with their attendance targets, the base grade per NSIR
 * category, the handler's answers that make a call an emergency or a priority, and the
 * floor each risk level sets. Risk may raise a grade, never lower it; a high-risk victim
 * is never resolved at first contact. Pure functions over a const config, thread-safe.
 * Knows nothing of storage or HTTP.
 */
#ifndef FC_DOMAIN_GRADING_GRADING_H
#define FC_DOMAIN_GRADING_GRADING_H

#include <stdbool.h>
#include <stddef.h>

#include "domain/risk/risk.h"
#include "store/model.h"
#include "util/err.h"

/* Most urgent first: a smaller value is a higher grade. */
enum grade {
    GRADE_EMERGENCY = 0,
    GRADE_PRIORITY = 1,
    GRADE_SCHEDULED = 2,
    GRADE_RESOLVED_FIRST_CONTACT = 3,
    GRADE_COUNT
};

#define GRADING_MAX_ANSWERS 8

struct grading_config {
    char version[24];
    int target_minutes[GRADE_COUNT];
    int rural_target_minutes[GRADE_COUNT];
    enum grade category_base[3]; /* by enum nsir_category */
    enum grade risk_floor[3];    /* by enum risk_level */
    size_t n_emergency, n_priority;
    char emergency_if[GRADING_MAX_ANSWERS][32];
    char priority_if[GRADING_MAX_ANSWERS][32];
};

struct grading_input {
    enum nsir_category category;
    bool has_risk;           /* false before any screening */
    enum risk_level risk;    /* the current level, floors applied */
    unsigned risk_actions;   /* enum risk_action bits fired (grade_at_least_priority) */
    size_t n_answers;        /* handler's yes answers: "danger_to_life", ... */
    const char *const *answers;
};

struct grading_suggestion {
    enum grade grade;
    enum grade floor; /* the lowest grade the risk allows */
    char why[96];     /* "category nuisance; risk high floor priority" */
};

int grading_config_load(const char *version, struct grading_config *out, struct fc_err *err);

/* FC_EINVAL naming "answers[i]" for an answer the config does not know. */
int grading_suggest(const struct grading_config *cfg, const struct grading_input *in,
                    struct grading_suggestion *out, struct fc_err *err);

/*
 * May `role` set `requested` where `suggestion` was offered? Only call handlers and
 * supervisors grade; a reason is mandatory whenever requested differs from the suggestion;
 * a grade below the risk floor needs a supervisor; a high risk is never resolved at first
 * contact, whoever asks.
 */
int grading_override_check(const struct grading_suggestion *suggestion, enum grade requested,
                           bool is_high_risk, enum user_role role, const char *reason,
                           struct fc_err *err);

/* Seconds from receipt to the grade's attendance target. */
long grading_target_seconds(const struct grading_config *cfg, enum grade g, bool is_rural);

const char *grading_grade_name(enum grade g);
bool grading_grade_parse(const char *s, enum grade *out);

#endif
