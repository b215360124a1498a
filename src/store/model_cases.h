/*
 * store/model_cases.h: the records of partnership case management (shared/DESIGN.md
 * section 2, "case"): the case, its shares with other organisations, the persons,
 * incidents and locations involved, the action plan, reviews and their escalations, the
 * append-only timeline (which also carries assessments, conferences and contact logs as
 * typed JSON bodies) and the partner-flag review queue. Conventions as in store/model.h:
 * strings are NUL-terminated UTF-8 owned by whoever allocated the struct (usually an
 * arena), NULL means not recorded, times are UTC seconds, ids 0 mean none. Enumerations
 * travel as their stored words ("open", "co_own"); the cases service checks them.
 * Knows nothing of SQL, HTTP or JSON.
 */
#ifndef FC_STORE_MODEL_CASES_H
#define FC_STORE_MODEL_CASES_H

#include <stdbool.h>
#include <stddef.h>

#include "store/model.h"

struct asb_case {
    fc_id_t id;
    char *ref;   /* "CASE-2026-000042", unique */
    char *title;
    fc_id_t lead_org_id;
    fc_id_t lead_user_id;
    char *status;     /* "open", "closed" */
    char *origin;     /* "incident", "community_trigger", "partner_referral", "manual" */
    fc_id_t origin_id; /* the incident, trigger or flag it came from; 0 if none */
    char *risk_level; /* "standard", "medium", "high" */
    char *area_code;  /* LSOA or ward code, for lists by area */
    char *area_name;  /* district or neighbourhood, as people say it */
    char *sharing_basis; /* legal gateway, e.g. "Crime and Disorder Act 1998 s115" */
    char *sharing_agreement_ref; /* local information-sharing agreement, NULL if none */
    int review_interval_days;
    fc_time_t next_review_due; /* 0 when closed */
    fc_time_t trigger_applied_at; /* Community Trigger application, 0 if not a review */
    fc_time_t opened_at;
    fc_id_t opened_by;
    fc_time_t closed_at;
    char *closure_outcome;
    char *closure_reason;
    int version; /* bumped by every update; a stale version is FC_ECONFLICT */
};

struct case_share {
    fc_id_t id;
    fc_id_t case_id;
    fc_id_t org_id;
    char *level; /* "view", "contribute", "co_own" */
    fc_id_t granted_by;
    fc_time_t granted_at;
    fc_time_t expires_at; /* 0: none */
    fc_time_t revoked_at; /* 0: in force */
    fc_id_t revoked_by;
};

struct case_party {
    fc_id_t id;
    fc_id_t case_id;
    fc_id_t person_id;
    char *role; /* "victim", "perpetrator", "witness", "other" */
    double match_probability; /* how sure the person match was; 1 when chosen by hand */
    fc_id_t added_by;
    fc_time_t added_at;
};

struct case_location {
    fc_id_t id;
    fc_id_t case_id;
    char *raw;
    char *postcode;
    char *uprn;
    double lat, lon; /* NaN when unknown */
    fc_id_t added_by;
    fc_time_t added_at;
};

struct case_action {
    fc_id_t id;
    fc_id_t case_id;
    char *intervention; /* catalogue code: "warning_letter", "cpn", ..., "free" */
    char *title;
    fc_id_t owner_user_id;
    fc_id_t owner_org_id;
    fc_id_t subject_person_id; /* 0 if none */
    fc_time_t due_at;
    char *status; /* "planned", "in_progress", "done", "cancelled" */
    char *outcome;
    fc_id_t created_by;
    fc_time_t created_at;
    fc_time_t updated_at;
    fc_time_t completed_at; /* done or cancelled; 0 while open */
};

struct case_review {
    fc_id_t id;
    fc_id_t case_id;
    fc_time_t due_at;  /* the due time this review answered */
    fc_time_t held_at;
    fc_id_t held_by;
    char *summary;
    fc_time_t next_due_at;
};

struct case_escalation {
    fc_id_t case_id;
    fc_time_t due_at; /* the missed review due time; one escalation per due time */
    fc_id_t escalated_to; /* the supervisor, 0 if none could be found */
    fc_time_t escalated_at;
};

/* One timeline row: append-only. Kinds: "opened", "assessment", "party", "incident",
 * "location", "share", "action", "review", "escalation", "conference", "contact", "note",
 * "lead", "trigger" (a Community Trigger step done), "closed", "reopened". */
struct case_entry {
    fc_id_t id;
    fc_id_t case_id;
    fc_time_t at;
    fc_id_t actor_user_id;
    fc_id_t actor_org_id;
    char *kind;
    char *summary; /* one line for people */
    char *body;    /* typed detail (JSON text), NULL if none */
    bool is_police_only;
};

/* A partner's flag whose person match was uncertain, waiting for a person to decide. */
struct flag_review {
    fc_id_t id;
    fc_id_t org_id;       /* the submitting organisation */
    fc_id_t submitted_by;
    char *external_ref;   /* the agency's flag id */
    char *agency;
    char *kind;
    char *reason;
    fc_time_t flagged_at;
    char *review_date;
    char *sharing_basis;
    char *raw_details;    /* the agency's rendering of the person (JSON text) */
    char *candidates;     /* what the matcher proposed (JSON text) */
    fc_id_t best_person_id;
    double best_probability;
    char *status;         /* "pending", "confirmed", "rejected" */
    fc_id_t decided_by;
    fc_time_t decided_at;
    fc_id_t person_id;    /* the person the flag went onto, once decided */
    fc_id_t flag_id;      /* the flag created, once decided */
    fc_time_t created_at;
};

/* Filters for case lists; 0 / NULL fields are ignored. Newest first, at most `limit`. */
struct case_query {
    fc_id_t lead_user_id;
    fc_id_t visible_to_org_id; /* the lead organisation, or a share in force at `now` */
    fc_id_t lead_org_id;
    const char *status;
    const char *area_code;
    const char *origin;
    fc_time_t review_due_before; /* open cases whose next review is due before this */
    fc_time_t now;
    size_t limit, offset;
};

struct case_action_query {
    fc_id_t case_id;
    fc_id_t owner_user_id;
    fc_id_t visible_to_org_id; /* actions on cases the organisation leads or shares */
    fc_time_t overdue_at;      /* open actions due before this */
    fc_time_t now;
    size_t limit, offset;
};

#endif
