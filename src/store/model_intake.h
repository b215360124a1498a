/*
 * store/model_intake.h: the call-handling records (issue 4) as plain C structs.
 *
 * Risk assessments (append-only), grades (append-only), what the handler was shown about a
 * caller (contact labels, immutable), follow-up tasks, Community Trigger case reviews and
 * their statutory steps, victim update plans and updates, incident closures and the
 * satisfaction survey queue. Conventions as in store/model.h: strings are NUL-terminated
 * UTF-8 owned by whoever allocated the struct (usually an arena), NULL means not recorded,
 * times are UTC seconds, ids 0 mean none. Knows nothing of SQL, HTTP or JSON.
 */
#ifndef FC_STORE_MODEL_INTAKE_H
#define FC_STORE_MODEL_INTAKE_H

#include <stdbool.h>
#include <stddef.h>

#include "store/model.h"

/* One screening, full assessment or override; a re-assessment is a new row. */
struct risk_assessment_rec {
    fc_id_t id;
    fc_id_t incident_id;
    fc_id_t person_id;  /* the victim assessed; 0 if anonymous */
    fc_id_t contact_id; /* the contact it was asked on, 0 if none */
    char *version;      /* questionnaire, e.g. "risk/v1" */
    char *stage;        /* "screening", "full" or "override" */
    char *answers;      /* JSON object, question id -> answer, as asked */
    int score;          /* full: total points; else 0 */
    char *escalations;  /* JSON array of fired escalations, as decided */
    char *outcome;      /* screening: "standard" or "not_low_risk"; else NULL */
    char *scored_level; /* level before floors / before the override */
    char *final_level;  /* "standard", "medium" or "high" */
    char *reason;       /* override: mandatory reason */
    fc_id_t supersedes_id; /* override: the assessment it overrides */
    fc_id_t assessor_user_id;
    fc_time_t assessed_at;
    fc_time_t next_review_due; /* 0 when no review is scheduled */
};

/* One grade decision: the suggestion and what was set. Append-only. */
struct grade_rec {
    fc_id_t id;
    fc_id_t incident_id;
    char *version;   /* "grading/v1" */
    char *suggested; /* what the rules suggested */
    char *floor;     /* the lowest grade the risk allowed */
    char *grade;     /* what was set */
    char *reason;    /* mandatory when grade differs from the suggestion */
    bool is_override;
    fc_id_t user_id;
    fc_time_t graded_at;
};

/* What the handler was shown about the caller at first contact, as it was shown. */
struct contact_labels_rec {
    fc_id_t contact_id;
    char *version; /* "definitions/v1" */
    int prior_calls_12m, prior_calls_ever;
    bool is_repeat_victim, is_persistent, is_high_volume;
    int victim_incidents_12m;
    int location_incidents_12m;
    bool is_repeat_location;
    int suspect_incidents_max;
    bool is_repeat_perpetrator;
    int flags_in_force;
    bool is_vulnerable;
    char *vulnerable_basis; /* "flag", "assessment", "answer", comma-separated, or "" */
    char *flags_shown;      /* JSON array: kind, agency, flagged_at of each flag in force */
    int trigger_count;      /* the Community Trigger count shown */
    bool trigger_prompted, trigger_eligible;
    fc_time_t shown_at;
};

struct task_rec {
    fc_id_t id;
    fc_id_t incident_id;
    fc_id_t case_id;    /* a partnership case, 0 if none */
    fc_id_t contact_id;
    char *kind;         /* "full_assessment", "visit", "call_back", "review", ... */
    char *rank;         /* reviews: "supervisor", "sergeant", ...; "" otherwise */
    char *team_id;      /* owning neighbourhood team (queue) */
    fc_id_t assignee_user_id; /* 0: the team's queue */
    char *reason;
    char *status;       /* "open", "done", "cancelled" */
    fc_time_t due_at;
    fc_time_t created_at;
    fc_time_t completed_at;
    fc_id_t completed_by;
    char *outcome;
    fc_time_t escalated_at; /* overdue review escalated; 0 if not */
};

struct task_query {
    const char *team_id;
    const char *status;   /* NULL: any */
    fc_id_t incident_id;
    fc_time_t due_before; /* 0: any */
    size_t limit, offset;
};

struct trigger_step_rec {
    char *step;      /* "acknowledge", "threshold_decision", "review", "outcome_letter" */
    fc_time_t due_at; /* 0 until the step it runs from is done */
    fc_time_t done_at;
    fc_id_t done_by;
    char *note;
};

/* A Community Trigger (ASB case review) application. */
struct community_trigger_rec {
    fc_id_t id;
    char *version;   /* "trigger/v1" */
    fc_id_t applicant_person_id;
    fc_id_t incident_id;
    fc_id_t contact_id;
    char *problem_key;
    char *channel;
    bool is_third_party;
    bool has_victim_consent;
    char *status;    /* "open", "threshold_met", "threshold_not_met", "closed" */
    char *basis;     /* "applicant", "problem", "hate", "discretion" */
    int applicant_count, problem_people;
    fc_time_t applied_at;
    char *decision_reason;
    char *outcome;
    fc_id_t created_by;
    size_t n_steps;
    struct trigger_step_rec *steps;
};

struct update_plan_rec {
    fc_id_t id;
    fc_id_t incident_id;
    fc_id_t person_id;
    char *version;   /* "updates/v1" */
    int frequency_wd;
    char *channel;
    bool is_enhanced;
    fc_time_t agreed_at;
    fc_id_t agreed_by;
    fc_time_t next_due_at; /* 0 once the incident is closed */
};

struct victim_update_rec {
    fc_id_t id;
    fc_id_t plan_id;
    fc_id_t incident_id;
    char *kind;    /* "scheduled", "key_event", "closure" */
    char *event;   /* key events: "arrest", "charge", ...; else NULL */
    char *channel;
    char *summary;
    fc_time_t due_at;
    fc_time_t sent_at;
    fc_id_t sent_by;
};

struct incident_closure_rec {
    fc_id_t incident_id;
    char *closure_code;
    char *outcome;
    fc_id_t case_id;
    fc_id_t closed_by;
    fc_time_t closed_at;
};

struct survey_queue_rec {
    fc_id_t id;
    fc_id_t incident_id;
    fc_id_t person_id;
    fc_id_t contact_id;
    char *reason;  /* "incident_closed" */
    char *status;  /* "queued"; the survey module moves it on */
    fc_time_t queued_at;
};

/* History rows the repeat rules count. */
struct history_place_row {
    fc_id_t incident_id;
    fc_time_t at;
    char *location_key;
    char *uprn;
    double lat, lon; /* NaN when unknown */
};

struct history_complaint_row {
    fc_id_t contact_id;
    fc_id_t person_id; /* caller, 0 if anonymous */
    char *problem_key;
    fc_time_t at;
    fc_time_t behaviour_at;
    bool is_hate;
};

#endif
