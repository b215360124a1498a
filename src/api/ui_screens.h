/*
 * api/ui_screens.h: the renderers of each screen and fragment, one source file per screen
 * (ui_login.c, ui_call.c, ...). A renderer takes a plain view (what to show, already
 * filtered by role and sharing) and writes HTML; the route handlers beside them fetch the
 * view from the domain services. Keeping the two apart lets unit tests render a screen
 * from a hand-built view.
 * Thread-safe: no state.
 */
#ifndef FC_API_UI_SCREENS_H
#define FC_API_UI_SCREENS_H

#include <stdbool.h>
#include <stddef.h>

#include "api/ui.h"
#include "http/html.h"
#include "store/model.h"

struct risk_config;
struct grading_config;
struct risk_facts;

/* ---- login (ui_login.c) ---- */

/* The sign-in page; username is put back after a failed attempt, error is shown above. */
void ui_login_render(struct html *h, const char *csrf, const char *username, const char *error);

/* ---- call handler's screen (ui_call.c) ---- */

/* One plain-words reason a candidate matched ("same date of birth"), with its weight. */
struct ui_reason {
    const char *text;
    double weight_log2;
};

/* A flag in force, as the viewer may see it: reason is NULL when the role may not read it. */
struct ui_flag {
    const char *kind;   /* "vulnerable", "hate_target", ... */
    const char *agency; /* the organisation that raised it */
    const char *reason;
    fc_time_t flagged_at;
};

/* One candidate person, with what the handler must be told about them. */
struct ui_candidate {
    fc_id_t person_id;
    const char *name;    /* best current name */
    const char *dob;     /* "YYYY-MM-DD" or NULL */
    const char *address; /* latest address, or NULL */
    const char *band;    /* "same" or "possible" (match bands) */
    double probability;  /* 0..1 */
    const struct ui_reason *reasons;
    size_t n_reasons;
    int contacts_12m; /* earlier ASB contacts in the last 12 months */
    int contacts_ever;
    const struct ui_flag *flags;
    size_t n_flags;
    const char *last_risk;  /* latest risk assessment's level ("high", "medium", "standard") */
    int location_incidents; /* earlier incidents where the call is about, in 12 months */
    bool is_repeat_location;
    bool location_is_typed; /* the place counted is the one typed (else their address) */
    bool is_trigger; /* Community Trigger threshold reached */
    const char *trigger_text;
    int open_incidents;
    int open_cases;
};

struct ui_lookup_view {
    const struct ui_candidate *candidates;
    size_t n;
    bool has_query;    /* false: nothing typed yet */
    double elapsed_ms; /* lookup time, shown to the handler */
    fc_id_t chosen_id; /* candidate already chosen, 0 for none */
    bool chose_new;    /* "new person" already chosen */
    bool has_place;    /* a location was typed and could be counted */
    int place_incidents; /* earlier incidents there in 12 months (definitions/v1) */
    bool place_is_repeat;
};

/* The candidate panel fragment: banners, candidates with reasons, and "new person". The
 * radio buttons belong to the form "call-form". */
void ui_call_candidates_render(struct html *h, const struct ui_lookup_view *v);

/* A screening question (DESIGN.md section 4.2). */
struct ui_question {
    const char *id;   /* "S1" */
    const char *text; /* what to ask the caller */
};

/* Answers are 'y', 'n' or 0 (not asked yet). */
struct ui_screening_view {
    const struct ui_question *questions;
    size_t n_questions;
    const char *answers;    /* n_questions entries: 'y', 'n' or 0 */
    int prior_contacts_12m; /* added unasked */
    int flags_in_force;
    bool is_repeat_location;
    bool needs_full;        /* the outcome so far */
    const char *const *why; /* reasons for the outcome, plain words */
    size_t n_why;
    const char *suggested_grade; /* "emergency", "priority", "scheduled", "resolved" */
};

/* The running screening outcome ("score") fragment. */
void ui_call_score_render(struct html *h, const struct ui_screening_view *v);

/* Everything typed on the call screen, to put back after an error. */
struct ui_call_form {
    const char *name, *phone, *dob, *address, *postcode;
    const char *category, *incident_type, *description, *location, *location_postcode;
    const char *grade, *grade_reason;
    const char *answers;        /* as in ui_screening_view */
    const struct fc_err *error; /* the one field in error, or NULL */
};

/* The questions to ask, for rendering (from the risk configuration). */
struct ui_question_list {
    const struct ui_question *questions;
    size_t n;
};

/* The whole call screen. lookup and screening are the current fragments (may be NULL). */
void ui_call_render(struct html *h, const struct ui_page *page, const struct ui_call_form *form,
                    const struct ui_lookup_view *lookup, const struct ui_screening_view *screening);

/* The screening questions of a risk configuration, in asking order, in arena a. */
struct ui_question_list ui_call_questions(const struct risk_config *risk, struct arena *a);

/* Reads one submitted form field by name; NULL when absent. */
typedef const char *(*ui_form_get_fn)(void *ctx, const char *name);

/*
 * Builds the screening view from the submitted form (fields answer_S1.. "y"/"n", category)
 * and what the system knows unasked, using the risk and grading services: the outcome is
 * risk_screen()'s, the reasons are the outcome rules and escalations that fired, and the
 * suggested grade is grading_suggest()'s (NULL until a category is chosen). Questions and
 * answers are allocated in arena a. FC_EINVAL names the field of a bad answer.
 */
int ui_call_screening_build(const struct risk_config *risk, const struct grading_config *grading,
                            ui_form_get_fn get, void *ctx, const struct risk_facts *facts,
                            struct arena *a, struct ui_screening_view *out, struct fc_err *err);

/* ---- incidents (ui_incidents.c) ---- */

/* The list's filters, as submitted (NULL or "" for any). */
struct ui_incident_filter {
    const char *status; /* "open", "closed" */
    const char *category;
    const char *incident_type;
    const char *from, *to; /* "YYYY-MM-DD" */
    size_t page;           /* 0-based */
};

void ui_incidents_render(struct html *h, const struct ui_page *page,
                         const struct ui_incident_filter *filter, const struct incident *rows,
                         size_t n, bool has_more);

/* A person named on an incident, as the viewer may see them. */
struct ui_person_ref {
    fc_id_t id;
    const char *name;
    const char *role; /* "caller", "victim", "witness", "suspect" */
};

/* A task raised for an incident or case. */
struct ui_task {
    const char *kind; /* "visit", "call_back", "review", ... */
    const char *assignee;
    fc_time_t due_at;
    const char *status; /* "open", "done" */
};

struct ui_incident_view {
    const struct incident *incident;
    const struct ui_person_ref *persons;
    size_t n_persons;
    const struct ui_task *tasks;
    size_t n_tasks;
    const char *screening_outcome; /* "needs a full assessment" / "standard", or NULL */
    const char *shown_at_call;     /* what the handler was told, from the match snapshot */
};

void ui_incident_render(struct html *h, const struct ui_page *page,
                        const struct ui_incident_view *v);

/* ---- persons (ui_persons.c) ---- */

/* One entry of "who viewed this record" (the audit trail). */
struct ui_view_event {
    const char *who;
    const char *org;
    const char *action; /* "consult", "disclose", ... */
    const char *purpose;
    fc_time_t at;
};

/* A row of a person's history: an incident they are named on. */
struct ui_history_row {
    fc_id_t incident_id;
    fc_time_t at;
    const char *role;
    const char *category;
    const char *incident_type;
    const char *risk_level;
    const char *status;
};

/* A case the person is in, as sharing allows. */
struct ui_case_ref {
    fc_id_t id;
    const char *title;
    const char *lead_org;
    const char *status;
};

struct ui_person_view {
    const struct person *person;
    const struct ui_flag *flags; /* in force; reason NULL when the role may not read it */
    size_t n_flags;
    const struct ui_history_row *history;
    size_t n_history;
    int contacts_12m;
    const struct ui_case_ref *cases;
    size_t n_cases;
    bool show_views; /* the "who viewed" panel: supervisors only (DESIGN section 3) */
    const struct ui_view_event *views;
    size_t n_views;
};

void ui_person_render(struct html *h, const struct ui_page *page, const struct ui_person_view *v);

/* Search results for the persons list. */
struct ui_person_row {
    fc_id_t id;
    const char *name;
    const char *dob;
    const char *postcode;
    int contacts_12m;
    bool is_flagged;
};

void ui_persons_render(struct html *h, const struct ui_page *page, const char *query,
                       const struct ui_person_row *rows, size_t n);

/* ---- dashboards (ui_dashboard.c) ---- */

/*
 * One report table, with its downloads and, optionally, a chart or the hotspot map drawn
 * from the report's JSON form. Cells are already formatted ("62% (58–66%)"), row-major.
 */
struct ui_table {
    const char *id; /* element id, also names the downloads */
    const char *caption;
    size_t n_cols;
    const char *const *cols;
    size_t n_rows;
    const char *const *cells;
    const char *numeric_cols; /* n_cols chars: 'n' right-aligns a column, anything else not */
    const char *csv_href, *xlsx_href;
    const char *chart_src; /* JSON rows for uPlot, or NULL */
    const char *chart_x, *chart_series, *chart_label;
    const char *map_values; /* JSON rows [{lsoa_code, count}] for the LSOA map, or NULL */
};

struct ui_dashboard_view {
    const char *period; /* "1 March 2026 to 31 March 2026" */
    const struct ui_table *tables;
    size_t n_tables;
    const char *tiles_url; /* map tile URL template; NULL (the default) draws no tiles */
    const char *tiles_attribution;
};

void ui_dashboard_render(struct html *h, const struct ui_page *page,
                         const struct ui_dashboard_view *v);

/* ---- cases (ui_cases.c) ---- */

struct cases_view;
/* A case as cases_view_load() gave it to this viewer. */
/* What was posted from the case page's forms, kept when it was refused. */
struct ui_case_form {
    const char *which; /* "action" or "review": the form the error belongs to */
    const char *error; /* why it was refused, naming the field in words */
    const char *intervention, *title, *due, *summary;
};

/* The case page; forms to add an action and record a review for viewers who may
 * contribute. `form` (may be NULL) keeps a refused post's values and error. */
void ui_case_render(struct html *h, const struct ui_page *page, const struct cases_view *v,
                    const struct ui_case_form *form);

/* Names for stored enums, as the UI says them. */
const char *ui_category_name(enum nsir_category c);
const char *ui_person_role_name(enum person_role r);

#endif
