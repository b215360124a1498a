/*
 * intake/intake.h: the call-handling workflow over the store (issue 4).
 *
 * What happens on an ASB contact after the caller is matched: the repeat and vulnerable
 * labels are counted and stored on the contact as shown; screening, the full assessment
 * and overrides are recorded (append-only) and set the incident's risk level; the grade is
 * suggested and set; tasks with SLA due times go to the neighbourhood team that owns the
 * location; Community Trigger applications get their statutory steps; victim updates are
 * planned and recorded; closing queues the victim for the satisfaction survey. Every
 * change writes its audit event in the same transaction.
 *
 * Validation happens before a transaction opens, so bad input writes nothing. Functions
 * take the store, the rules (read-only, shared) and the acting user; results are allocated
 * in the caller's arena. Thread-safe as the store is: no state of its own.
 */
#ifndef FC_DOMAIN_INTAKE_INTAKE_H
#define FC_DOMAIN_INTAKE_INTAKE_H

#include <stdbool.h>
#include <stddef.h>

#include "domain/intake/rules.h"
#include "domain/match/match.h"
#include "store/store.h"
#include "util/arena.h"
#include "util/err.h"

struct intake_actor {
    fc_id_t user_id;
    enum user_role role;
    fc_time_t now; /* the clock, injected so tests can freeze it */
};

/* Copies the team map into the store (team, team_area) so queues join to it. */
int intake_teams_sync(struct store *s, const struct intake_rules *r, struct fc_err *err);

/* The team that owns an incident's area: from its LSOA, else the default team. */
const char *intake_team_for(const struct intake_rules *r, const struct incident *inc);

/* Fills what the incident's location says but the incident does not yet hold (blank or NaN
 * fields only): the matcher's normalised address key, the postcode point and the LSOA.
 * Returns whether anything changed. Strings live in `a`. */
bool intake_incident_locate(struct arena *a, struct incident *inc);

/* Where a call is about, counted before anything is saved (definitions/v1 repeat location). */
struct intake_place_count {
    bool is_known;     /* the place gave an address key or a point to count against */
    int incidents_12m; /* earlier incidents at the same address key or within the radius */
    bool is_repeat;    /* incidents_12m reached the definitions' repeat-location minimum */
};

/*
 * Counts the incidents recorded in the definitions' window before `now` at the place a
 * handler has typed (address text and/or postcode; the postcode gives the point), the
 * same way the contact's labels will count it once saved. An empty place is not known.
 */
int intake_place_count(struct store *s, const struct intake_rules *r, const char *location,
                       const char *postcode, fc_time_t now, struct arena *a,
                       struct intake_place_count *out, struct fc_err *err);

/* The person's latest risk assessment (screening, full or override; the newest by time,
 * then by id). *found is false when the person has none. */
int intake_last_risk(struct store *s, fc_id_t person_id, struct arena *a,
                     struct risk_assessment_rec *out, bool *found, struct fc_err *err);

/*
 * Counts the caller's repeat and vulnerable labels at the contact's received time and the
 * Community Trigger position, and stores them on the contact. Idempotent: once stored, the
 * stored labels are returned unchanged (they are the evidence of what was shown).
 * `vulnerable_answered` records vulnerability the handler noted on this contact.
 */
int intake_contact_labels(struct store *s, const struct intake_rules *r,
                          const struct intake_actor *who, fc_id_t contact_id,
                          bool vulnerable_answered, struct arena *a,
                          struct contact_labels_rec *out, struct fc_err *err);

struct intake_risk_outcome {
    fc_id_t assessment_id;
    struct risk_result result;
    enum risk_level level; /* the incident's level afterwards */
    size_t n_tasks;        /* tasks raised */
    bool regraded;         /* the grade was raised to the risk floor */
};

/* Screening at first contact (DESIGN 4.2) on an incident, for the contact's caller. */
int intake_screen(struct store *s, const struct intake_rules *r, const struct intake_actor *who,
                  fc_id_t incident_id, fc_id_t contact_id, const struct risk_answers *ans,
                  struct intake_risk_outcome *out, struct fc_err *err);

/* The full assessment (DESIGN 4.3) by a neighbourhood officer. */
int intake_assess_full(struct store *s, const struct intake_rules *r,
                       const struct intake_actor *who, fc_id_t incident_id,
                       const struct risk_answers *ans, struct intake_risk_outcome *out,
                       struct fc_err *err);

/* Overrides the incident's risk level (DESIGN 4.3 overrides); audited with the reason. */
int intake_risk_override(struct store *s, const struct intake_rules *r,
                         const struct intake_actor *who, fc_id_t incident_id,
                         enum risk_level level, const char *reason,
                         struct intake_risk_outcome *out, struct fc_err *err);

struct intake_grade_outcome {
    struct grading_suggestion suggestion;
    enum grade grade;
    bool is_override;
    size_t n_tasks;
};

/* Suggests a grade from the category, risk and the handler's answers; when `requested` is
 * not NULL sets it instead (an override needs `reason`). */
int intake_grade(struct store *s, const struct intake_rules *r, const struct intake_actor *who,
                 fc_id_t incident_id, const char *const *answers, size_t n_answers,
                 const enum grade *requested, const char *reason,
                 struct intake_grade_outcome *out, struct fc_err *err);

/* A team's queue: "open" (all open), "due" (open, due within `within_s`), "overdue". */
int intake_tasks_queue(struct store *s, const char *team_id, const char *which,
                       fc_time_t now, long within_s, struct arena *a, struct task_rec **out,
                       size_t *n, struct fc_err *err);

/* Marks a task done (or cancelled) with an outcome. */
int intake_task_complete(struct store *s, const struct intake_actor *who, fc_id_t task_id,
                         bool is_cancel, const char *outcome, struct fc_err *err);

/* Marks overdue open reviews escalated and audits each; *out_n = how many. */
int intake_reviews_escalate(struct store *s, const struct intake_rules *r,
                            const struct intake_actor *who, size_t *out_n, struct fc_err *err);

/* The Community Trigger position for a contact's caller and location, now. */
int intake_trigger_check(struct store *s, const struct intake_rules *r, fc_id_t contact_id,
                         struct trigger_status *out, struct fc_err *err);

struct intake_trigger_application {
    fc_id_t applicant_person_id;
    fc_id_t incident_id;
    fc_id_t contact_id;
    const char *channel;
    bool is_third_party;
    bool has_victim_consent;
};

/* Logs an application with its counted basis and statutory steps. */
int intake_trigger_open(struct store *s, const struct intake_rules *r,
                        const struct intake_actor *who,
                        const struct intake_trigger_application *app, fc_id_t *out,
                        struct fc_err *err);

/* Completes a step; for "threshold_decision" `is_met` says the decision; later steps get
 * their due times. Only supervisors and partner officers decide and run reviews. */
int intake_trigger_step_done(struct store *s, const struct intake_rules *r,
                             const struct intake_actor *who, fc_id_t trigger_id,
                             const char *step, bool is_met, const char *note,
                             struct fc_err *err);

/* Agrees a victim update plan (frequency 0 and channel NULL take the defaults). */
int intake_update_plan_set(struct store *s, const struct intake_rules *r,
                           const struct intake_actor *who, fc_id_t incident_id,
                           fc_id_t person_id, int frequency_wd, const char *channel,
                           fc_id_t *out, struct fc_err *err);

/* Records an update sent ("scheduled" or "key_event"); a key event also raises a
 * victim_update task due within 1 or 5 working days. */
int intake_update_record(struct store *s, const struct intake_rules *r,
                         const struct intake_actor *who, fc_id_t incident_id, const char *kind,
                         const char *event, const char *channel, const char *summary,
                         fc_id_t *out, struct fc_err *err);

/* Raises a victim_update task for every plan whose next update falls due before
 * now + within_s (the reminder officers see in their team queue); *out_n = tasks raised. */
int intake_updates_remind(struct store *s, const struct intake_rules *r,
                          const struct intake_actor *who, long within_s, size_t *out_n,
                          struct fc_err *err);

/* A key event (arrest, charge, ...) happened: raises a victim_update task due within 1
 * working day for enhanced victims, 5 for others (Victims' Code). */
int intake_key_event(struct store *s, const struct intake_rules *r,
                     const struct intake_actor *who, fc_id_t incident_id, const char *event,
                     struct fc_err *err);

struct intake_closure {
    const char *closure_code;
    const char *outcome;
    fc_id_t case_id;
    const char *update_summary; /* the closure update; NULL: the outcome */
    const char *update_channel; /* NULL: the plan's channel */
};

/* Closes an incident: closure record, closure update, cancels open tasks, queues the
 * victim (or caller) for the satisfaction survey. */
int intake_incident_close(struct store *s, const struct intake_rules *r,
                          const struct intake_actor *who, fc_id_t incident_id,
                          const struct intake_closure *c, struct fc_err *err);

/* ---- a report from any channel, taken like a call (report.c) ----
 * A web or Open311 report has no handler to confirm who is reporting, so the match
 * service decides: the best candidate when it is in the "same person" band and nobody
 * else is even possible; a new person when nobody is possible; otherwise (uncertain) a new
 * person too, with the candidates kept in the contact's match snapshot for a supervisor to
 * merge, never silently onto the wrong person. Then, as for a call: the contact (the
 * reporter's details as given, the snapshot), the incident naming the reporter as victim,
 * the repeat and vulnerable labels stored on the contact, audit events. */

enum intake_match_decision {
    INTAKE_ANONYMOUS,  /* no name, email or phone given */
    INTAKE_MATCHED,    /* onto an existing person */
    INTAKE_NEW_PERSON, /* nobody plausible */
    INTAKE_UNCERTAIN,  /* a new person; the candidates are in the snapshot */
};
const char *intake_match_decision_name(enum intake_match_decision d);
/* The rule above, over ranked candidates (best first). */
enum intake_match_decision intake_match_decide(const struct match_candidate *cands, size_t n);

struct intake_report {
    enum contact_channel channel;
    fc_id_t org_id;              /* the organisation taking the report */
    struct match_record reporter; /* as given; nothing given: anonymous */
    const char *raw_details;     /* JSON text: the details as given */
    enum nsir_category category;
    const char *incident_type;
    const char *description;
    const char *location_raw, *location_postcode;
    double lat, lon; /* NaN when unknown */
    const char *purpose; /* the audit purpose, e.g. "ASB report received by Open311" */
    fc_id_t incident_id; /* non-zero: a further contact about this incident, none created */
};

struct intake_report_result {
    enum intake_match_decision decision;
    fc_id_t person_id; /* 0 when anonymous */
    double probability; /* of the best candidate; 0 when none */
    fc_id_t contact_id, incident_id;
    struct contact_labels_rec labels;
};

/*
 * Takes the report in one (nested) store transaction. The caller commits its own outer
 * transaction, if any, then calls intake_report_index so the match index learns the
 * reporter's identifiers only once they are durable.
 */
int intake_report_take(struct store *s, const struct intake_rules *r, struct match_service *m,
                       const struct intake_actor *who, const struct intake_report *in,
                       struct arena *a, struct intake_report_result *out, struct fc_err *err);
int intake_report_index(struct match_service *m, const struct intake_report *in,
                        const struct intake_report_result *res, fc_time_t now,
                        struct fc_err *err);

#endif
