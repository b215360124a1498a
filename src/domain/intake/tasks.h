/*
 * intake/tasks.h: which follow-up tasks a contact or an assessment raises, and when due.
 *
 * Owns tasks/v1 and the planning rules of issue 4: a full assessment within the configured
 * time for "not low risk"; attendance by the grade's target; a high-risk victim contacted
 * within 24 h (72 h for medium), an action plan for high risk; a supervisor review of every
 * high-risk or repeat contact; a partner referral where a case exists; the scheduled
 * supervisory reviews of DESIGN 4.4. Planning is pure: the caller stores the plan against
 * the neighbourhood team that owns the location (intake/teams.h). Thread-safe.
 */
#ifndef FC_DOMAIN_INTAKE_TASKS_H
#define FC_DOMAIN_INTAKE_TASKS_H

#include <stdbool.h>
#include <stddef.h>

#include "domain/grading/grading.h"
#include "domain/risk/risk.h"
#include "store/model.h"
#include "util/err.h"

#define TASKS_MAX_PLANNED 12

struct tasks_config {
    char version[24];
    int supervisor_review_hours;
    int partner_referral_hours;
    char default_team[48];
    bool escalate_overdue_reviews;
};

/* Kinds are DESIGN section 2's, plus full_assessment and action_plan. */
struct task_plan {
    char kind[24];   /* "full_assessment", "visit", "call_back", "review", "action_plan",
                        "partner_referral", "victim_update" */
    char rank[24];   /* for reviews: "supervisor", "sergeant", ...; else "" */
    char reason[64]; /* stable, no personal data: "risk high: contact victim within 24 h" */
    fc_time_t due_at;
};

struct tasks_input {
    fc_time_t at;       /* received_at (contact) or assessed_at (assessment) */
    bool needs_full;    /* screening said "not low risk" */
    bool has_level;     /* a full assessment set `level` */
    enum risk_level level;
    bool is_repeat;     /* repeat victim, repeat location or persistent */
    bool has_case;      /* a partnership case exists for the victim or location */
    bool has_grade;
    enum grade grade;
    bool is_rural;
};

int tasks_config_load(const char *version, struct tasks_config *out, struct fc_err *err);

/* Plans the tasks a contact raises at screening and grading; returns how many. */
size_t tasks_plan_contact(const struct tasks_config *tcfg, const struct risk_config *rcfg,
                          const struct grading_config *gcfg, const struct tasks_input *in,
                          struct task_plan *out, size_t max);

/* Plans the tasks a full assessment raises (contact by level, action plan, supervisor
 * review for high risk, the scheduled reviews); returns how many. */
size_t tasks_plan_assessment(const struct tasks_config *tcfg, const struct risk_config *rcfg,
                             const struct tasks_input *in, struct task_plan *out, size_t max);

/* Is a task due at due_at, still open, overdue at now? */
bool tasks_is_overdue(fc_time_t due_at, bool is_open, fc_time_t now);

#endif
