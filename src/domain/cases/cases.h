/*
 * cases/cases.h: the partnership case service (shared/DESIGN.md sections 2, 7, 8, 11).
 *
 * Opens cases (from an incident, a Community Trigger, a partner referral or by hand),
 * shares them with other organisations, records who and where is involved, the case
 * assessment, the action plan, reviews, conferences, victim contacts and closure. Every
 * change runs in one store transaction with its timeline row and audit event, after the
 * sharing rules (access.h) allow it; bad input writes nothing. Reading a case filters its
 * incidents, persons, fields and timeline for the viewer and audits the read ("disclose"
 * when it crosses organisations, else "consult").
 *
 * Times come in as `now` so tests can freeze them. Results live in the caller's arena.
 * Knows nothing of SQL or HTTP. Thread-safe: no state of its own; the store is shared.
 */
#ifndef FC_DOMAIN_CASES_CASES_H
#define FC_DOMAIN_CASES_CASES_H

#include <stdbool.h>
#include <stddef.h>

#include "domain/access/access.h"
#include "domain/cases/rules.h"
#include "store/store.h"
#include "util/arena.h"
#include "util/err.h"

struct cases_open_input {
    const char *title;
    const char *origin;           /* "incident", "community_trigger", "partner_referral",
                                     "manual" */
    fc_id_t origin_id;            /* the incident (required for "incident"), trigger or flag */
    fc_time_t trigger_applied_at; /* required for "community_trigger" */
    fc_id_t lead_user_id;         /* 0: the viewer; must belong to the viewer's organisation */
    const char *risk_level;       /* NULL: the incident's, else "standard" */
    const char *area_code;
    const char *area_name;
    const char *sharing_basis; /* required: the legal gateway */
    const char *sharing_agreement_ref;
    int review_interval_days; /* 0: CASES_REVIEW_DEFAULT_DAYS */
};

/* Opens a case led by the viewer's organisation; links the origin incident, if any. */
int cases_open(struct store *s, const struct access_viewer *v, const struct cases_open_input *in,
               fc_time_t now, fc_id_t *out, struct fc_err *err);

/* The viewer's level on a case (ACCESS_NONE when not visible); FC_ENOTFOUND if no case. */
int cases_level(struct store *s, const struct access_viewer *v, fc_id_t case_id, fc_time_t now,
                struct arena *a, struct asb_case *out_case, enum access_level *out,
                struct fc_err *err);

/* Shares the case with another organisation at view, contribute or co_own (co-owners and
 * the lead only). A changed level revokes the old share and grants the new one. */
int cases_share(struct store *s, const struct access_viewer *v, fc_id_t case_id, fc_id_t org_id,
                const char *level, fc_time_t expires_at, fc_time_t now, struct fc_err *err);
int cases_share_revoke(struct store *s, const struct access_viewer *v, fc_id_t case_id,
                       fc_id_t org_id, fc_time_t now, struct fc_err *err);

/* Adds a person (already matched by the caller through the match service, with the
 * probability it gave; 1 when chosen by hand) in a role. */
int cases_party_add(struct store *s, const struct access_viewer *v, fc_id_t case_id,
                    fc_id_t person_id, const char *role, double match_probability, fc_time_t now,
                    struct fc_err *err);
/* Links an incident the viewer can see. */
int cases_incident_link(struct store *s, const struct access_viewer *v, fc_id_t case_id,
                        fc_id_t incident_id, fc_time_t now, struct fc_err *err);
int cases_location_add(struct store *s, const struct access_viewer *v, fc_id_t case_id,
                       const struct case_location *l, fc_time_t now, struct fc_err *err);

/* A fuller case assessment: sets the case's risk level (lowering: supervisor + reason). */
struct cases_assessment_input {
    const char *risk_level;
    const char *const *vulnerabilities; /* e.g. "mental health", "repeat victim" */
    size_t n_vulnerabilities;
    const char *harm;   /* what harm or potential harm, in words */
    const char *reason; /* required to lower the level */
};
int cases_assess(struct store *s, const struct access_viewer *v, fc_id_t case_id,
                 const struct cases_assessment_input *in, fc_time_t now, struct fc_err *err);

struct cases_action_input {
    const char *intervention; /* catalogue code */
    const char *title;        /* NULL: the catalogue label */
    fc_id_t owner_user_id;    /* 0: the viewer */
    fc_id_t owner_org_id;     /* 0: the owner's organisation */
    fc_id_t subject_person_id;
    int subject_age_years;    /* -1 unknown */
    fc_time_t due_at;         /* 0: the catalogue default */
};
int cases_action_add(struct store *s, const struct access_viewer *v, fc_id_t case_id,
                     const struct cases_action_input *in, fc_time_t now, fc_id_t *out,
                     struct fc_err *err);
int cases_action_set_status(struct store *s, const struct access_viewer *v, fc_id_t action_id,
                            const char *status, const char *outcome, fc_time_t now,
                            struct fc_err *err);

/* Records a review held now and schedules the next one. */
int cases_review_record(struct store *s, const struct access_viewer *v, fc_id_t case_id,
                        const char *summary, fc_time_t now, struct fc_err *err);

/*
 * Escalates every open case whose review is overdue at `now` and not yet escalated for
 * that due date to the lead officer's supervisor: an escalation row, a timeline row and
 * an audit event. Run by the scheduler and on demand. *out_n = cases escalated.
 */
int cases_review_escalate_due(struct store *s, fc_time_t now, size_t *out_n,
                              struct fc_err *err);

struct cases_conference_input {
    const char *kind; /* "asbrac", "jag", "case_conference" */
    fc_time_t held_at;
    const char *const *attendees; /* "Name (Organisation)" */
    size_t n_attendees;
    const char *const *decisions;
    size_t n_decisions;
    const char *minutes;
};
int cases_conference_record(struct store *s, const struct access_viewer *v, fc_id_t case_id,
                            const struct cases_conference_input *in, fc_time_t now,
                            struct fc_err *err);

/* A contact with a victim (or an update given): channel "phone", "visit", "email",
 * "letter", "text"; is_police_only hides it from partners. */
int cases_contact_log(struct store *s, const struct access_viewer *v, fc_id_t case_id,
                      fc_id_t person_id, const char *channel, const char *summary,
                      bool is_police_only, fc_time_t now, struct fc_err *err);
int cases_note_add(struct store *s, const struct access_viewer *v, fc_id_t case_id,
                   const char *text, bool is_police_only, fc_time_t now, struct fc_err *err);

/* Records a Community Trigger step done (a trigger/v1 step id: "acknowledge",
 * "threshold_decision", "review", "outcome_letter"). */
int cases_trigger_step_done(struct store *s, const struct access_viewer *v, fc_id_t case_id,
                            const char *step, fc_time_t done_at, fc_time_t now,
                            struct fc_err *err);

/* Closes with an outcome and reason; queues each victim for the satisfaction survey. */
int cases_close(struct store *s, const struct access_viewer *v, fc_id_t case_id,
                const char *outcome, const char *reason, fc_time_t now, struct fc_err *err);

/* ---- reading -------------------------------------------------------------------- */

struct cases_person_view {
    fc_id_t person_id;
    const char *role;
    double match_probability;
    const char *name; /* always: the latest recorded name */
    const char *dob;  /* NULL unless ACCESS_FIELD_DOB */
    const char *phone; /* NULL unless ACCESS_FIELD_CONTACT_DETAILS */
    const char *address; /* NULL unless ACCESS_FIELD_ADDRESS */
    size_t n_flags;      /* vulnerability flags in force */
};

struct cases_incident_view {
    fc_id_t id;
    fc_id_t org_id;
    const char *category;
    const char *incident_type;
    const char *status;
    const char *risk_level;
    fc_time_t occurred_at;
    const char *description; /* NULL unless ACCESS_FIELD_DESCRIPTION */
    const char *location;    /* exact with ACCESS_FIELD_EXACT_LOCATION, else postcode district */
    const char *assessment_stage; /* the latest call-handling risk assessment: "screening", */
    const char *assessment_level; /* "full" or "override", and its final level; NULL if none */
};

struct cases_trigger_step {
    char id[24];
    fc_time_t due_at; /* 0 until the step it runs from is done */
    fc_time_t done_at;
};

struct cases_view {
    struct asb_case c;
    enum access_level level;
    unsigned fields; /* enum access_field on other organisations' records */
    const char *lead_org_name;
    const char *lead_user_name;
    struct case_share *shares;
    size_t n_shares;
    struct cases_person_view *persons;
    size_t n_persons;
    struct cases_incident_view *incidents;
    size_t n_incidents;
    size_t n_incidents_withheld; /* police-only incidents a partner does not see */
    struct case_location *locations;
    size_t n_locations;
    struct case_action *actions;
    size_t n_actions;
    struct case_review *reviews;
    size_t n_reviews;
    struct case_entry *timeline; /* filtered for the viewer */
    size_t n_timeline;
    struct cases_trigger_step trigger_steps[6];
    size_t n_trigger_steps; /* 0 unless the case is a Community Trigger review */
};

/* Loads everything the viewer may see of a case and audits the read with `purpose`. */
int cases_view_load(struct store *s, const struct access_viewer *v, fc_id_t case_id,
                    const char *purpose, fc_time_t now, struct arena *a, struct cases_view *out,
                    struct fc_err *err);

/*
 * Whether the viewer may see a person: through their own organisation's incidents or
 * flags, or a case shared with them. FC_OK with *out set; the caller audits the read.
 */
int cases_person_visible(struct store *s, const struct access_viewer *v, fc_id_t person_id,
                         fc_time_t now, struct arena *a, bool *out, enum access_level *out_level,
                         struct fc_err *err);
/* The same for an incident (police-only ones never to partners). */
int cases_incident_visible(struct store *s, const struct access_viewer *v, fc_id_t incident_id,
                           fc_time_t now, struct arena *a, bool *out,
                           enum access_level *out_level, struct fc_err *err);

enum cases_list_kind {
    CASES_LIST_MINE,            /* led by the viewer */
    CASES_LIST_ORG,             /* led by or shared with the viewer's organisation */
    CASES_LIST_OVERDUE_REVIEWS, /* visible, open, review overdue */
    CASES_LIST_AREA,            /* visible, in one area */
    CASES_LIST_TRIGGER,         /* visible Community Trigger reviews */
};
int cases_list(struct store *s, const struct access_viewer *v, enum cases_list_kind kind,
               const char *area_code, const char *status, fc_time_t now, struct arena *a,
               struct asb_case **out, size_t *n, struct fc_err *err);
/* Open actions past due on cases visible to the viewer's organisation. */
int cases_actions_overdue(struct store *s, const struct access_viewer *v, fc_time_t now,
                          struct arena *a, struct case_action **out, size_t *n,
                          struct fc_err *err);
/* The statutory steps of a Community Trigger review (trigger/v1) for a case. */
int cases_trigger_plan(struct store *s, const struct asb_case *c, struct arena *a,
                       struct cases_trigger_step *out, size_t cap, size_t *n,
                       struct fc_err *err);

/* Builds an access viewer from a stored user. */
int cases_viewer_of(struct store *s, fc_id_t user_id, struct access_viewer *out,
                    struct fc_err *err);

#endif
