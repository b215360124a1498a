/*
 * risk/risk.h: the two-step ASB risk assessment (shared/DESIGN.md section 4).
 *
 * Owns the versioned questionnaire (risk/v1: screening S1-S7 and its outcome rule, the
 * scored full assessment F1-F17 with system items X1 and X2, thresholds, automatic
 * escalation floors, response and review cadence) and the pure functions that apply it:
 * screening, full scoring, overrides and the supervisory review schedule. A questionnaire
 * is loaded once and read-only afterwards; every function is pure given a const config, so
 * all are thread-safe. Knows nothing of storage or HTTP.
 */
#ifndef FC_DOMAIN_RISK_RISK_H
#define FC_DOMAIN_RISK_RISK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "store/model.h"
#include "util/err.h"

enum risk_level { RISK_STANDARD = 0, RISK_MEDIUM = 1, RISK_HIGH = 2 };

#define RISK_MAX_QUESTIONS   24
#define RISK_MAX_CHOICES     4
#define RISK_MAX_CONDS       6
#define RISK_MAX_TERMS       3
#define RISK_MAX_ESCALATIONS 8
#define RISK_MAX_REVIEWS     4
#define RISK_MAX_ANSWERS     32
#define RISK_ID_LEN          16

/* Actions an escalation asks for, beyond its floor. */
enum risk_action {
    RISK_ACT_NOTIFY_SUPERVISOR = 1u << 0,
    RISK_ACT_HATE_CRIME_CHECK = 1u << 1,
    RISK_ACT_SHOW_FLAG = 1u << 2,
    RISK_ACT_OFFER_TRIGGER = 1u << 3,
    RISK_ACT_REGRADE = 1u << 4,
    RISK_ACT_SAFEGUARDING = 1u << 5,
    RISK_ACT_GRADE_PRIORITY = 1u << 6,
};

struct risk_question {
    char id[RISK_ID_LEN];
    char text[160];
    int points;       /* for a yes; unused when n_choices > 0 */
    size_t n_choices; /* 0: a yes/no question */
    struct {
        char value[RISK_ID_LEN];
        int points;
    } choices[RISK_MAX_CHOICES];
};

/* A conjunction: every term's fact must have the given value. */
struct risk_cond {
    size_t n_terms;
    struct {
        char id[RISK_ID_LEN];
        char value[RISK_ID_LEN];
    } terms[RISK_MAX_TERMS];
};

struct risk_escalation {
    char id[24];
    size_t n_when, n_high_when;
    struct risk_cond when[RISK_MAX_CONDS];      /* fires if any holds */
    struct risk_cond high_when[RISK_MAX_CONDS]; /* then floor is high if any holds */
    enum risk_level floor;
    unsigned actions; /* enum risk_action bits */
};

struct risk_response {
    int first_contact_hours; /* neighbourhood team's first contact; 0 = as graded */
    bool needs_spoc;
    int action_plan_hours; /* 0 = none */
    size_t n_reviews;
    struct {
        char rank[24];
        int days;
    } reviews[RISK_MAX_REVIEWS];
};

struct risk_config {
    char version[24];
    size_t n_screening, n_items, n_screen_conds, n_escalations, n_prior_steps;
    struct risk_question screening[RISK_MAX_QUESTIONS];
    struct risk_question items[RISK_MAX_QUESTIONS];
    struct risk_cond screen_full_if[RISK_MAX_CONDS * 2];
    struct {
        int min, points;
    } prior_steps[4]; /* X1, highest first */
    int flag_points;  /* X2 */
    int medium_min, high_min;
    int persistent_min; /* prior contacts that make a caller persistent */
    struct risk_escalation escalations[RISK_MAX_ESCALATIONS];
    int full_assessment_hours;
    struct risk_response response[3]; /* by enum risk_level */
};

/* Answers as given: question id -> "yes", "no" or a choice value. */
struct risk_answers {
    size_t n;
    struct {
        char id[RISK_ID_LEN];
        char value[RISK_ID_LEN];
    } a[RISK_MAX_ANSWERS];
};

/* What the system adds, unasked (DESIGN 4.2). */
struct risk_facts {
    int prior_contacts_12m;
    bool flag_in_force;
    bool is_repeat_location;
};

struct risk_fired {
    char id[24];
    enum risk_level floor;
    unsigned actions;
};

struct risk_result {
    bool needs_full;       /* screening: "not low risk" */
    int score;             /* full: total points; screening: 0 */
    int item_points[RISK_MAX_QUESTIONS + 2]; /* full: per item, then X1, X2 */
    enum risk_level scored_level; /* from thresholds (full) or standard (screening) */
    enum risk_level level;        /* after escalation floors */
    size_t n_fired;
    struct risk_fired fired[RISK_MAX_ESCALATIONS];
    unsigned actions; /* union of fired actions */
};

/* Loads a questionnaire version ("risk/v1"). */
int risk_config_load(const char *version, struct risk_config *out, struct fc_err *err);

/* Adds one answer, checking the id is a question of `stage` ("screening" or "full") and
 * the value one it allows. FC_EINVAL names "answers.<id>". */
int risk_answers_add(const struct risk_config *cfg, const char *stage, struct risk_answers *ans,
                     const char *id, const char *value, struct fc_err *err);

/* Screening (DESIGN 4.2): needs_full when the outcome rule or any escalation fires;
 * level is the floor the fired escalations set (standard when none). */
void risk_screen(const struct risk_config *cfg, const struct risk_answers *ans,
                 const struct risk_facts *facts, struct risk_result *out);

/* Full assessment (DESIGN 4.3): scores items, X1 and X2, maps the score through the
 * thresholds, then applies escalation floors; the higher level wins. */
void risk_assess_full(const struct risk_config *cfg, const struct risk_answers *ans,
                      const struct risk_facts *facts, struct risk_result *out);

/*
 * May `role` move a level from `current` to `requested`? Anyone who may assess may raise a
 * level; only a supervisor may lower one or cancel an escalation (lowering below `floor`,
 * the escalations' floor, is cancelling). The reason is mandatory either way.
 * FC_EINVAL (field "reason") without a reason, FC_EDENIED when the role may not.
 */
int risk_override_check(enum risk_level current, enum risk_level requested,
                        enum risk_level floor, enum user_role role, const char *reason,
                        struct fc_err *err);

/* Supervisory reviews for a level, due from assessed_at; returns how many (<= max). */
struct risk_review_due {
    char rank[24];
    fc_time_t due_at;
};
size_t risk_reviews_plan(const struct risk_config *cfg, enum risk_level level,
                         fc_time_t assessed_at, struct risk_review_due *out, size_t max);

const char *risk_level_name(enum risk_level level);
/* Parses "standard", "medium" or "high"; false otherwise. */
bool risk_level_parse(const char *s, enum risk_level *out);
/* The name of one action bit ("notify_supervisor", ...). */
const char *risk_action_name(unsigned action_bit);

#endif
