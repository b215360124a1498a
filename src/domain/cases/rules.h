/*
 * cases/rules.h: the pure rules of a partnership case's life (shared/DESIGN.md sections 2,
 * 4, 7 and 8): review scheduling and escalation, action plan checks and status moves,
 * case assessment changes, closure. Everything here is a function of its arguments, so
 * tests can freeze time; the case service (cases.h) applies the rules and stores results.
 * Knows nothing of storage or HTTP. Thread-safe: no state.
 */
#ifndef FC_DOMAIN_CASES_RULES_H
#define FC_DOMAIN_CASES_RULES_H

#include <stdbool.h>
#include <stddef.h>

#include "domain/cases/catalogue.h"
#include "store/model.h"
#include "util/err.h"

#define CASES_REVIEW_DEFAULT_DAYS 28 /* DESIGN section 2: "e.g. every 28 days" */
#define CASES_REVIEW_MIN_DAYS 7
#define CASES_REVIEW_MAX_DAYS 91
#define CASES_DAY_S 86400

/* ---- reviews ---------------------------------------------------------------------- */

enum cases_review_state {
    CASES_REVIEW_NOT_DUE, /* more than CASES_REVIEW_SOON_DAYS away */
    CASES_REVIEW_DUE_SOON,
    CASES_REVIEW_OVERDUE,
};
#define CASES_REVIEW_SOON_DAYS 3

/* The next review's due time: `from` (opening or the last review) plus the interval. */
fc_time_t cases_review_next_due(fc_time_t from, int interval_days);
enum cases_review_state cases_review_state_at(fc_time_t due_at, fc_time_t now);
/* Checks an interval in days (CASES_REVIEW_MIN_DAYS..CASES_REVIEW_MAX_DAYS). */
int cases_review_interval_check(int interval_days, struct fc_err *err);

/* A user who might receive an escalation. */
struct cases_staff {
    fc_id_t user_id;
    fc_id_t org_id;
    enum user_role role;
    const char *team; /* NULL if none */
    bool is_disabled;
};

/*
 * Whether a case's review is overdue and not yet escalated for this due date: escalate
 * once per missed due date (a new date, after a review, can escalate again).
 */
bool cases_review_needs_escalation(bool is_open, fc_time_t due_at, fc_time_t now,
                                   fc_time_t escalated_for_due_at);

/*
 * The lead officer's supervisor: an enabled supervisor of the lead organisation in the
 * lead officer's team, else any enabled supervisor of the organisation (lowest id, so the
 * choice is stable), never the lead officer themself. 0 when there is none.
 */
fc_id_t cases_supervisor_pick(const struct cases_staff *lead, const struct cases_staff *staff,
                              size_t n);

/* ---- action plan ------------------------------------------------------------------ */

enum cases_action_status {
    CASES_ACTION_PLANNED,
    CASES_ACTION_IN_PROGRESS,
    CASES_ACTION_DONE,
    CASES_ACTION_CANCELLED,
};

const char *cases_action_status_name(enum cases_action_status s);
bool cases_action_status_parse(const char *s, enum cases_action_status *out);
/* planned -> in_progress | done | cancelled; in_progress -> done | cancelled. */
bool cases_action_transition_ok(enum cases_action_status from, enum cases_action_status to);
/* An open action past its due time. */
bool cases_action_is_overdue(enum cases_action_status s, fc_time_t due_at, fc_time_t now);

/* An action already on the case, for prerequisite checks. */
struct cases_action_brief {
    enum cases_intervention intervention;
    enum cases_action_status status;
    fc_id_t subject_person_id;
};

struct cases_action_check_input {
    enum cases_intervention intervention;
    const char *title;          /* required for a free action, else optional */
    enum org_kind owner_org_kind;
    fc_id_t subject_person_id;  /* the perpetrator it is aimed at; 0 if none */
    int subject_age_years;      /* -1 when unknown */
    fc_time_t due_at;           /* 0: the catalogue default from now */
    fc_time_t now;
};

/*
 * Checks a new action against the catalogue: the owner's organisation may take it, the
 * subject is old enough when the age is known, its prerequisite (for the same subject,
 * when one is named) is done, a free action has a title, and the due time is not in the
 * past. Sets *due_out to the due time to store.
 */
int cases_action_check(const struct cases_action_check_input *in,
                       const struct cases_action_brief *existing, size_t n_existing,
                       fc_time_t *due_out, struct fc_err *err);

/* ---- case status, assessment and closure ------------------------------------------ */

enum cases_origin {
    CASES_ORIGIN_INCIDENT,
    CASES_ORIGIN_TRIGGER,
    CASES_ORIGIN_REFERRAL,
    CASES_ORIGIN_MANUAL,
};
const char *cases_origin_name(enum cases_origin o);
bool cases_origin_parse(const char *s, enum cases_origin *out);

enum cases_risk { CASES_RISK_STANDARD, CASES_RISK_MEDIUM, CASES_RISK_HIGH };
const char *cases_risk_name(enum cases_risk r);
bool cases_risk_parse(const char *s, enum cases_risk *out);

/*
 * A case assessment may raise the risk level freely; lowering it needs a supervisor and
 * a reason (DESIGN section 1: "lower a risk level: supervisor, reason required").
 */
int cases_risk_change_check(enum cases_risk from, enum cases_risk to, enum user_role role,
                            const char *reason, struct fc_err *err);

/* Closure outcomes: "resolved", "partly_resolved", "not_resolved", "transferred",
 * "no_further_action". A reason (1..2000 bytes) is required. */
int cases_closure_check(const char *outcome, const char *reason, struct fc_err *err);

/* Party roles on a case: "victim", "perpetrator", "witness", "other". */
bool cases_party_role_is_valid(const char *role);

/* Information-sharing basis: non-empty, at most 200 bytes (e.g. "Crime and Disorder Act
 * 1998 s115" or a local agreement reference). */
int cases_sharing_basis_check(const char *basis, struct fc_err *err);

#endif
