/*
 * api/ui_data.h: gathers what a screen shows from the domain services and the store, for
 * the renderers in ui_screens.h. Role and sharing rules are applied here, before anything
 * reaches a renderer (a flag's reason only for roles that may read it).
 *
 * Memory: every result lives in the caller's arena. Thread-safe: the services are shared
 * and read-only here (the match service takes its own read lock).
 */
#ifndef FC_API_UI_DATA_H
#define FC_API_UI_DATA_H

#include <stdbool.h>
#include <stddef.h>

#include "api/ui_screens.h"
#include "domain/intake/history.h"
#include "domain/intake/intake.h"
#include "domain/intake/rules.h"
#include "domain/intake/trigger.h"
#include "store/model.h"
#include "util/arena.h"
#include "util/err.h"

struct store;
struct match_service;
struct match_record;

/* The services a screen may call; owned by the server, borrowed here. */
struct ui_services {
    struct store *store;
    struct match_service *match;
    const struct intake_rules *rules; /* risk, grading, definitions, trigger, tasks */
};

/* Who is looking. */
struct ui_viewer {
    fc_id_t user_id;
    fc_id_t org_id;
    enum user_role role;
};

/* One person as the call screen and the person page summarise them. */
struct ui_person_summary {
    struct person person;
    const char *name, *dob, *address; /* latest recorded */
    struct history_labels labels;     /* counted with definitions/v1 at `now` */
    struct trigger_status trigger;    /* Community Trigger, counting a complaint now */
    struct ui_flag *flags;            /* in force at `now` */
    size_t n_flags;
    struct incident *incidents; /* incidents naming the person, newest first */
    size_t n_incidents;
    size_t open_incidents;
    const char *last_risk; /* level of the latest risk assessment (else of a rated incident) */
};

/* May this viewer read the reason of this flag? */
bool ui_flag_reason_visible(const struct ui_viewer *v, const struct flag *f);

/* Reads and counts one person's history as of `now`. FC_ENOTFOUND if there is none. */
int ui_person_summary(const struct ui_services *svc, const struct ui_viewer *viewer,
                      fc_id_t person_id, fc_time_t now, struct arena *a,
                      struct ui_person_summary *out, struct fc_err *err);

/* Where the call is about, as typed so far; both may be NULL or "" (then each candidate's
 * own latest address is the place: a blank location means the caller's address). */
struct ui_place {
    const char *location;
    const char *postcode;
};

/* The candidate panel for what has been typed so far (an empty query gives has_query
 * false and no candidates), with the repeat-location count for `place` (may be NULL). */
int ui_call_lookup_build(const struct ui_services *svc, const struct ui_viewer *viewer,
                         const struct match_record *q, const struct ui_place *place,
                         fc_time_t now, struct arena *a, struct ui_lookup_view *out,
                         struct fc_err *err);

/* The repeat-location count for a call about `place`, or when none is typed, about the
 * person's latest address (person may be NULL: then only a typed place counts). */
int ui_place_count(const struct ui_services *svc, const struct ui_place *place,
                   const struct person *person, fc_time_t now, struct arena *a,
                   struct intake_place_count *out, bool *typed, struct fc_err *err);

/* One page of incidents for the list's filters, newest first; *has_more when another page
 * follows. */
int ui_incidents_list_build(const struct ui_services *svc, const struct ui_incident_filter *f,
                            size_t page_size, struct arena *a, struct incident **out, size_t *n,
                            bool *has_more, struct fc_err *err);

/* The person page: records this view in the audit trail (consult), then reads the person's
 * summary (into *sum, which the view points into), history and who viewed the record. */
int ui_person_page_build(const struct ui_services *svc, const struct ui_viewer *viewer,
                         fc_id_t person_id, fc_time_t now, struct arena *a,
                         struct ui_person_view *out, struct ui_person_summary *sum,
                         struct fc_err *err);

/* What "Save incident" created. */
struct ui_call_result {
    fc_id_t person_id, contact_id, incident_id;
    bool needs_full;        /* screening: not low risk */
    const char *grade;      /* as recorded */
    const char *risk_level; /* as recorded */
};

/*
 * Saves a call from the call screen's form: validates every field first (FC_EINVAL names
 * the form field), then records the caller, the contact with the match snapshot of what
 * the handler was shown, and the graded, screened incident in one transaction, and adds
 * the typed identifiers to the match index after the commit.
 */
int ui_call_submit(const struct ui_services *svc, const struct ui_viewer *viewer,
                   ui_form_get_fn get, void *ctx, fc_time_t now, struct arena *a,
                   struct ui_call_result *out, struct fc_err *err);

#endif
