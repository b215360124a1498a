/*
 * api/ui_call.c: the call handler's screen (DESIGN.md Part B "Call flow").
 *
 * One form, in the order the call goes, so Tab walks the call: the caller's details (each
 * keystroke, debounced 120 ms, asks /call/lookup for candidates), who is calling (radio
 * buttons: arrow keys move between candidates, "new person" is last), what happened,
 * the screening questions one by one (each answer posts to /call/screening and the
 * outcome builds up beside them), the grading, and "Save incident". Without JavaScript
 * the same form works as plain posts: "Find caller" (shown only then) posts it to
 * /call/find, which answers the whole screen with the candidates, and saving redirects.
 * Renders views only; the handlers that fill them are in ui_call_routes.c.
 */
#include "api/ui_screens.h"

#include <stdio.h>
#include <string.h>

#include "domain/grading/grading.h"
#include "domain/risk/risk.h"

struct option {
    const char *value;
    const char *label;
};

static const struct option categories[] = {
    { "personal", "Personal: aimed at a person or group" },
    { "nuisance", "Nuisance: affects the community" },
    { "environmental", "Environmental: surroundings, places" },
    { NULL, NULL },
};

static const struct option incident_types[] = {
    { "rowdy_inconsiderate_behaviour", "Rowdy or inconsiderate behaviour" },
    { "neighbour_dispute", "Neighbour dispute" },
    { "noise", "Noise" },
    { "vehicle_nuisance", "Vehicle nuisance" },
    { "littering_fly_tipping", "Littering or fly-tipping" },
    { "graffiti_criminal_damage", "Graffiti or criminal damage" },
    { "street_drinking_drugs", "Street drinking or drugs" },
    { "intimidation_harassment", "Intimidation or harassment" },
    { "hate_motivated", "Hate motivated" },
    { NULL, NULL },
};

static const struct option grades[] = {
    { "", "Use the suggested grade" },
    { "emergency", "Emergency" },
    { "priority", "Priority" },
    { "scheduled", "Scheduled" },
    { "resolved_first_contact", "Resolved at first contact" },
    { NULL, NULL },
};

static const char *grade_label(const char *value)
{
    for (const struct option *o = grades + 1; o->value; o++) {
        if (value && strcmp(o->value, value) == 0)
            return o->label;
    }
    return value;
}

static const char *error_for(const struct ui_call_form *f, const char *field)
{
    if (f == NULL || f->error == NULL || f->error->status == FC_OK)
        return NULL;
    return strcmp(f->error->field, field) == 0 ? f->error->msg : NULL;
}

static void select_field(struct html *h, const char *name, const char *label, const char *hint,
                         const struct option *opts, const char *current, const char *error,
                         bool with_blank)
{
    char id[64];
    snprintf(id, sizeof(id), "f-%s", name);
    html_open(h, "div", "class", "field", NULL);
    html_elem(h, "label", label, "for", id, NULL);
    if (hint)
        html_elem(h, "span", hint, "class", "hint", NULL);
    if (error)
        html_elem(h, "span", error, "class", "field-error", NULL);
    html_open(h, "select", "id", id, "name", name, "aria-invalid", error ? "true" : HTML_OMIT,
              NULL);
    if (with_blank)
        html_elem(h, "option", "Choose…", "value", "", NULL);
    for (const struct option *o = opts; o->value; o++) {
        bool is_sel = current && strcmp(current, o->value) == 0;
        html_elem(h, "option", o->label, "value", o->value, "selected", is_sel ? "" : HTML_OMIT,
                  NULL);
    }
    html_close(h, "select");
    html_close(h, "div");
}

/* A caller field that asks for candidates as the handler types. */
static void lookup_field(struct html *h, const char *type, const char *name, const char *label,
                         const char *value, const char *hint, const char *error,
                         const char *autocomplete, bool is_first)
{
    ui_text_field(h, type, name, label, value, hint, error, "autocomplete", autocomplete, "hx-post",
                  "/call/lookup", "hx-trigger", "keyup changed delay:120ms, change", "hx-target",
                  "#candidates", "hx-include", "#caller-fields, #person-choice, #place-fields", "hx-sync",
                  "#caller-fields:replace", "hx-indicator", "#lookup-status", "autofocus",
                  is_first ? "" : HTML_OMIT, NULL);
}

static void flag_sentence(char *out, size_t n, const struct ui_flag *f)
{
    char when[32];
    ui_time_format(when, sizeof(when), f->flagged_at);
    when[10] = '\0'; /* the date is enough here */
    snprintf(out, n, "%s flag from %s since %s%s%s", f->kind, f->agency ? f->agency : "an agency",
             when, f->reason ? ": " : "", f->reason ? f->reason : "");
}

static void candidate_banners(struct html *h, const struct ui_candidate *c)
{
    char text[600];
    html_open(h, "div", "class", "banners", NULL);
    if (c->contacts_12m >= 1) {
        snprintf(text, sizeof(text), "%d earlier ASB contact%s in the last 12 months (%d in all).",
                 c->contacts_12m, c->contacts_12m == 1 ? "" : "s", c->contacts_ever);
        ui_banner(h, "repeat", "Repeat victim", text);
    }
    for (size_t i = 0; i < c->n_flags; i++) {
        flag_sentence(text, sizeof(text), &c->flags[i]);
        ui_banner(h, "vulnerable",
                  strcmp(c->flags[i].kind, "vulnerable") == 0 ? "Vulnerable" : "Flag", text);
    }
    if (c->last_risk &&
        (strcmp(c->last_risk, "high") == 0 || strcmp(c->last_risk, "medium") == 0)) {
        snprintf(text, sizeof(text), "Last risk assessment: %s.", c->last_risk);
        ui_banner(h, "risk", "Previous risk", text);
    }
    if (c->is_repeat_location && !c->location_is_typed) { /* a typed place has its own */
        snprintf(text, sizeof(text),
                 "%d incident%s at this address in the last 12 months (the caller's address: "
                 "where it happened unless you type another place).",
                 c->location_incidents, c->location_incidents == 1 ? "" : "s");
        ui_banner(h, "location", "Repeat location", text);
    }
    if (c->is_trigger)
        ui_banner(h, "trigger", "Community Trigger",
                  c->trigger_text ? c->trigger_text
                                  : "Complaints have reached the ASB case review threshold.");
    html_close(h, "div");
}

static void candidate_render(struct html *h, const struct ui_candidate *c, bool is_chosen)
{
    char id[40], val[32], pct[16], sr[64];
    snprintf(id, sizeof(id), "cand-%lld", (long long)c->person_id);
    snprintf(val, sizeof(val), "%lld", (long long)c->person_id);
    snprintf(pct, sizeof(pct), "%.0f%%", c->probability * 100.0);

    html_open(h, "li", "class", is_chosen ? "candidate is-chosen" : "candidate", "data-person-id",
              val, "data-band", c->band, NULL);
    candidate_banners(h, c);
    html_open(h, "div", "class", "candidate__head", NULL);
    html_open(h, "label", "class", "choice", "for", id, NULL);
    html_void(h, "input", "type", "radio", "id", id, "name", "person_choice", "value", val, "form",
              "call-form", "checked", is_chosen ? "" : HTML_OMIT, "hx-post", "/call/screening",
              "hx-trigger", "change", "hx-target", "#score", "hx-include", "#call-form", NULL);
    html_open(h, "span", "class", "candidate__name", NULL);
    html_text(h, c->name);
    html_close(h, "span");
    html_close(h, "label");
    bool is_same = strcmp(c->band, "same") == 0;
    snprintf(sr, sizeof(sr), is_same ? "same person (%s)" : "possible match (%s): confirm", pct);
    ui_badge(h, is_same ? "ok" : "warn", sr);
    html_close(h, "div");

    html_open(h, "p", NULL);
    if (c->dob) {
        html_text(h, "Born ");
        html_text(h, c->dob);
    }
    if (c->dob && c->address)
        html_text(h, " · ");
    html_text(h, c->address);
    if (c->open_incidents || c->open_cases)
        html_textf(h, " · %d open incident%s, %d open case%s", c->open_incidents,
                   c->open_incidents == 1 ? "" : "s", c->open_cases, c->open_cases == 1 ? "" : "s");
    html_close(h, "p");

    if (c->n_reasons) {
        html_elem(h, "span", "Why this match:", "class", "visually-hidden", NULL);
        html_open(h, "ul", "class", "candidate__reasons", NULL);
        for (size_t i = 0; i < c->n_reasons; i++) {
            html_open(h, "li", NULL);
            html_text(h, c->reasons[i].text);
            html_close(h, "li");
        }
        html_close(h, "ul");
    }
    html_close(h, "li");
}

void ui_call_candidates_render(struct html *h, const struct ui_lookup_view *v)
{
    html_open(h, "div", "id", "person-choice", NULL);
    if (v->has_place && v->place_is_repeat) {
        char text[160];
        snprintf(text, sizeof(text),
                 "%d incident%s at this address in the last 12 months (where it happened, as "
                 "typed).",
                 v->place_incidents, v->place_incidents == 1 ? "" : "s");
        html_open(h, "div", "class", "banners", "data-testid", "place-banner", NULL);
        ui_banner(h, "location", "Repeat location", text);
        html_close(h, "div");
    }
    if (!v->has_query) {
        html_elem(h, "p",
                  "Type the caller's name, phone, date of birth, address or postcode: "
                  "people already known appear here as you type.",
                  "class", "hint", NULL);
    } else if (v->n == 0) {
        html_elem(h, "p", "No one on record matches these details.", "class", "notice",
                  "data-testid", "no-candidates", NULL);
    } else {
        html_open(h, "p", "class", "hint", NULL);
        html_textf(h, "%zu possible match%s, best first (found in %.1f ms).", v->n,
                   v->n == 1 ? "" : "es", v->elapsed_ms);
        html_close(h, "p");
    }
    html_open(h, "fieldset", NULL);
    html_elem(h, "legend", "Confirm who is calling", NULL);
    if (v->n) {
        html_open(h, "ol", "class", "candidates", NULL);
        for (size_t i = 0; i < v->n; i++)
            candidate_render(h, &v->candidates[i], v->chosen_id == v->candidates[i].person_id);
        html_close(h, "ol");
    }
    html_open(h, "label", "class", "choice", "for", "cand-new", NULL);
    html_void(h, "input", "type", "radio", "id", "cand-new", "name", "person_choice", "value",
              "new", "form", "call-form", "checked", v->chose_new ? "" : HTML_OMIT, "hx-post",
              "/call/screening", "hx-trigger", "change", "hx-target", "#score", "hx-include",
              "#call-form", NULL);
    html_text(h, "New person: none of these");
    html_close(h, "label");
    html_close(h, "fieldset");
    html_close(h, "div");
}

void ui_call_score_render(struct html *h, const struct ui_screening_view *v)
{
    size_t answered = 0;
    for (size_t i = 0; i < v->n_questions; i++)
        answered += v->answers && v->answers[i] ? 1 : 0;
    html_open(h, "div", "class", "score", "data-outcome", v->needs_full ? "full" : "standard",
              NULL);
    html_open(h, "p", NULL);
    html_textf(h, "%zu of %zu questions answered.", answered, v->n_questions);
    html_close(h, "p");
    html_open(h, "p", "class", "score__outcome", NULL);
    if (v->needs_full) {
        ui_badge(h, "high", "Not low risk");
        html_text(h, " A full risk assessment is needed.");
    } else {
        ui_badge(h, "low", "Standard");
        html_text(h, answered < v->n_questions ? " So far nothing calls for a full assessment."
                                               : " No full assessment needed.");
    }
    html_close(h, "p");
    if (v->n_why) {
        html_open(h, "ul", NULL);
        for (size_t i = 0; i < v->n_why; i++)
            html_elem(h, "li", v->why[i], NULL);
        html_close(h, "ul");
    }
    html_open(h, "p", NULL);
    html_textf(h, "Known before asking: %d earlier contact%s in 12 months, %d flag%s in force%s.",
               v->prior_contacts_12m, v->prior_contacts_12m == 1 ? "" : "s", v->flags_in_force,
               v->flags_in_force == 1 ? "" : "s",
               v->is_repeat_location ? ", a repeat location" : "");
    html_close(h, "p");
    if (v->suggested_grade) {
        html_open(h, "p", "data-testid", "suggested-grade", NULL);
        html_text(h, "Suggested grade: ");
        html_elem(h, "strong", grade_label(v->suggested_grade), "data-grade", v->suggested_grade,
                  NULL);
        html_close(h, "p");
    }
    html_close(h, "div");
}

static void screening_questions(struct html *h, const struct ui_screening_view *v)
{
    html_open(h, "div", "id", "screening-questions", "hx-post", "/call/screening", "hx-trigger",
              "change", "hx-target", "#score", "hx-include", "#call-form", NULL);
    bool reveal = true; /* show answered questions and the first unanswered one */
    for (size_t n = 0; n < v->n_questions; n++) {
        const struct ui_question *q = &v->questions[n];
        char ans = v->answers ? v->answers[n] : 0;
        char name[16], yes_id[24], no_id[24];
        snprintf(name, sizeof(name), "answer_%s", q->id);
        snprintf(yes_id, sizeof(yes_id), "q-%s-y", q->id);
        snprintf(no_id, sizeof(no_id), "q-%s-n", q->id);
        html_open(h, "fieldset", "class", "question", "data-question", q->id, "hidden",
                  reveal ? HTML_OMIT : "", "data-answered", ans ? "" : HTML_OMIT, NULL);
        html_open(h, "legend", NULL);
        html_text(h, q->id);
        html_text(h, ". ");
        html_text(h, q->text);
        html_close(h, "legend");
        html_open(h, "div", "class", "choices", NULL);
        html_open(h, "label", "class", "choice", "for", yes_id, NULL);
        html_void(h, "input", "type", "radio", "id", yes_id, "name", name, "value", "y", "checked",
                  ans == 'y' ? "" : HTML_OMIT, NULL);
        html_text(h, "Yes");
        html_close(h, "label");
        html_open(h, "label", "class", "choice", "for", no_id, NULL);
        html_void(h, "input", "type", "radio", "id", no_id, "name", name, "value", "n", "checked",
                  ans == 'n' ? "" : HTML_OMIT, NULL);
        html_text(h, "No");
        html_close(h, "label");
        html_close(h, "div");
        html_close(h, "fieldset");
        if (!ans)
            reveal = false;
    }
    html_close(h, "div");
}

void ui_call_render(struct html *h, const struct ui_page *page, const struct ui_call_form *f,
                    const struct ui_lookup_view *lookup, const struct ui_screening_view *screening)
{
    static const struct ui_lookup_view empty_lookup = { 0 };
    ui_page_begin(h, page);
    html_open(h, "p", "class", "hint", "x-data", "callClock", NULL);
    html_text(h, "Call time ");
    html_elem(h, "span", "0:00", "x-text", "elapsed", "data-testid", "call-clock", NULL);
    html_text(h, ". Keys: Tab moves on, arrow keys choose a candidate or an answer, Enter saves.");
    html_close(h, "p");
    if (f && f->error && f->error->status != FC_OK) {
        html_open(h, "div", "class", "notice notice--error", "role", "alert", NULL);
        html_text(h, "The incident was not saved: ");
        html_text(h, f->error->msg);
        html_close(h, "div");
    }

    /* htmx posts the form (with the CSRF header); on success the server answers with
     * HX-Redirect to the new incident, on a validation error it fills #call-errors and
     * leaves everything typed in place. */
    html_open(h, "form", "id", "call-form", "method", "post", "action", "/call", "class",
              "call-steps", "hx-post", "/call", "hx-swap", "none", "hx-disinherit", "*", NULL);
    html_elem(h, "div", "", "id", "call-errors", "data-focus-on-swap", "", NULL);
    ui_csrf_field(h, page->csrf);
    html_open(h, "div", "class", "call-grid", NULL);

    html_open(h, "section", "class", "panel step", "aria-labelledby", "h-caller", NULL);
    html_elem(h, "h2", "Caller", "id", "h-caller", NULL);
    html_open(h, "div", "id", "caller-fields", NULL);
    lookup_field(h, "text", "name", "Name", f ? f->name : NULL, "As the caller gives it",
                 error_for(f, "name"), "off", true);
    html_open(h, "div", "class", "field-row", NULL);
    lookup_field(h, "tel", "phone", "Phone", f ? f->phone : NULL, NULL, error_for(f, "phone"),
                 "off", false);
    lookup_field(h, "text", "dob", "Date of birth", f ? f->dob : NULL, "For example 14/03/1986",
                 error_for(f, "dob"), "off", false);
    html_close(h, "div");
    lookup_field(h, "text", "address", "Address", f ? f->address : NULL, NULL,
                 error_for(f, "address"), "off", false);
    lookup_field(h, "text", "postcode", "Postcode", f ? f->postcode : NULL, NULL,
                 error_for(f, "postcode"), "off", false);
    html_close(h, "div");
    /* without JavaScript nothing looks up as you type: this posts the form to find them */
    html_open(h, "noscript", NULL);
    html_elem(h, "button", "Find caller", "type", "submit", "formaction", "/call/find",
              "class", "secondary", NULL);
    html_close(h, "noscript");
    html_close(h, "section");

    html_open(h, "section", "class", "panel step", "aria-labelledby", "h-match", NULL);
    html_elem(h, "h2", "Who is calling?", "id", "h-match", NULL);
    html_elem(h, "p", "Looking up…", "id", "lookup-status", "class", "lookup-status htmx-indicator",
              NULL);
    if (error_for(f, "person_choice"))
        html_elem(h, "span", error_for(f, "person_choice"), "class", "field-error", NULL);
    html_open(h, "div", "id", "candidates", "aria-live", "polite", NULL);
    ui_call_candidates_render(h, lookup ? lookup : &empty_lookup);
    html_close(h, "div");
    html_close(h, "section");

    html_open(h, "section", "class", "panel step", "aria-labelledby", "h-what", NULL);
    html_elem(h, "h2", "What happened", "id", "h-what", NULL);
    html_open(h, "div", "class", "field-row", NULL);
    select_field(h, "category", "Category", "Judge the impact (NSIR 2011)", categories,
                 f ? f->category : NULL, error_for(f, "category"), true);
    select_field(h, "incident_type", "Type", NULL, incident_types, f ? f->incident_type : NULL,
                 error_for(f, "incident_type"), true);
    html_close(h, "div");
    html_open(h, "div", "class", "field", NULL);
    html_elem(h, "label", "Description", "for", "f-description", NULL);
    if (error_for(f, "description"))
        html_elem(h, "span", error_for(f, "description"), "class", "field-error", NULL);
    html_elem(h, "textarea", f && f->description ? f->description : "", "id", "f-description",
              "name", "description", "rows", "4", "aria-invalid",
              error_for(f, "description") ? "true" : HTML_OMIT, NULL);
    html_close(h, "div");
    /* the place is counted for a repeat location as it is typed: the candidate panel
     * (and its banners) is asked for again */
    html_open(h, "div", "id", "place-fields", NULL);
    ui_text_field(h, "text", "location", "Where it happened", f ? f->location : NULL,
                  "Leave blank if it is the caller's address", error_for(f, "location"),
                  "autocomplete", "off", "hx-post", "/call/lookup", "hx-trigger",
                  "keyup changed delay:300ms, change", "hx-target", "#candidates", "hx-include",
                  "#caller-fields, #person-choice, #place-fields", "hx-sync",
                  "#caller-fields:replace", NULL);
    ui_text_field(h, "text", "location_postcode", "Postcode where it happened",
                  f ? f->location_postcode : NULL, NULL, error_for(f, "location_postcode"),
                  "autocomplete", "off", "hx-post", "/call/lookup", "hx-trigger",
                  "keyup changed delay:300ms, change", "hx-target", "#candidates", "hx-include",
                  "#caller-fields, #person-choice, #place-fields", "hx-sync",
                  "#caller-fields:replace", NULL);
    html_close(h, "div");
    html_close(h, "section");

    html_open(h, "section", "class", "panel step", "aria-labelledby", "h-screen", NULL);
    html_elem(h, "h2", "Risk screening", "id", "h-screen", NULL);
    html_elem(h, "p", "Ask each question in turn; the outcome builds up as you answer.", "class",
              "hint", NULL);
    if (screening)
        screening_questions(h, screening);
    html_open(h, "div", "id", "score", "aria-live", "polite", NULL);
    if (screening)
        ui_call_score_render(h, screening);
    html_close(h, "div");
    html_close(h, "section");

    html_open(h, "section", "class", "panel step", "id", "grading", "aria-labelledby", "h-grade",
              NULL);
    html_elem(h, "h2", "Grading", "id", "h-grade", NULL);
    select_field(h, "grade", "Response grade", "Risk may raise the suggested grade, never lower it",
                 grades, f ? f->grade : NULL, error_for(f, "grade"), false);
    ui_text_field(h, "text", "grade_reason", "Reason for a different grade",
                  f ? f->grade_reason : NULL, "Needed only if you change the suggested grade",
                  error_for(f, "grade_reason"), "autocomplete", "off", NULL);
    html_open(h, "div", "class", "actions", NULL);
    html_elem(h, "button", "Save incident", "type", "submit", "id", "save-incident", NULL);
    html_close(h, "div");
    html_close(h, "section");

    html_close(h, "div");
    html_close(h, "form");
    ui_page_end(h);
}

struct ui_question_list ui_call_questions(const struct risk_config *risk, struct arena *a)
{
    struct ui_question_list out = { NULL, 0 };
    struct ui_question *qs = arena_alloc(a, sizeof(*qs) * (risk->n_screening + 1));
    if (qs == NULL)
        return out;
    for (size_t i = 0; i < risk->n_screening; i++) {
        qs[i].id = risk->screening[i].id;
        qs[i].text = risk->screening[i].text;
    }
    out.questions = qs;
    out.n = risk->n_screening;
    return out;
}

/* The value of one fact the outcome rules name: a question's answer or a system fact. */
static const char *fact_value(const struct risk_answers *ans, const struct risk_facts *facts,
                              const char *id)
{
    if (strcmp(id, "repeat") == 0)
        return facts->prior_contacts_12m >= 1 ? "yes" : "no";
    if (strcmp(id, "flag_in_force") == 0)
        return facts->flag_in_force ? "yes" : "no";
    if (strcmp(id, "repeat_location") == 0)
        return facts->is_repeat_location ? "yes" : "no";
    for (size_t i = 0; i < ans->n; i++) {
        if (strcmp(ans->a[i].id, id) == 0)
            return ans->a[i].value;
    }
    return NULL;
}

/* One term in plain words: "S7 yes (Is it affecting ...?)", "1 earlier contact in 12
 * months". */
static char *term_words(struct arena *a, const struct risk_config *risk,
                        const struct risk_facts *facts, const char *id, const char *value)
{
    for (size_t i = 0; i < risk->n_screening; i++) {
        if (strcmp(risk->screening[i].id, id) == 0)
            return arena_sprintf(a, "%s %s: %s", id, value, risk->screening[i].text);
    }
    if (strcmp(id, "repeat") == 0)
        return arena_sprintf(a, "%d earlier contact%s in 12 months", facts->prior_contacts_12m,
                             facts->prior_contacts_12m == 1 ? "" : "s");
    if (strcmp(id, "flag_in_force") == 0)
        return arena_strdup(a, "a flag is in force");
    if (strcmp(id, "repeat_location") == 0)
        return arena_strdup(a, "a repeat location");
    return arena_sprintf(a, "%s answered %s", id, value);
}

int ui_call_screening_build(const struct risk_config *risk, const struct grading_config *grading,
                            ui_form_get_fn get, void *ctx, const struct risk_facts *facts,
                            struct arena *a, struct ui_screening_view *out, struct fc_err *err)
{
    memset(out, 0, sizeof(*out));
    struct ui_question_list ql = ui_call_questions(risk, a);
    char *answers = arena_alloc(a, risk->n_screening + 1);
    const char **why = arena_alloc(a, sizeof(*why) * (RISK_MAX_CONDS * 2 + RISK_MAX_ESCALATIONS));
    if (ql.questions == NULL || answers == NULL || why == NULL)
        return err_set(err, FC_ENOMEM, "", "out of memory");

    struct risk_answers ans = { 0 };
    for (size_t i = 0; i < risk->n_screening; i++) {
        char field[32];
        snprintf(field, sizeof(field), "answer_%s", risk->screening[i].id);
        const char *v = get(ctx, field);
        if (v == NULL || v[0] == '\0')
            continue;
        if (strcmp(v, "y") != 0 && strcmp(v, "n") != 0)
            return err_set(err, FC_EINVAL, field, "must be y or n");
        answers[i] = v[0];
        int rc = risk_answers_add(risk, "screening", &ans, risk->screening[i].id,
                                  v[0] == 'y' ? "yes" : "no", err);
        if (rc != FC_OK)
            return rc;
    }

    struct risk_result res;
    risk_screen(risk, &ans, facts, &res);

    size_t n_why = 0;
    for (size_t c = 0; c < risk->n_screen_conds; c++) {
        const struct risk_cond *cond = &risk->screen_full_if[c];
        bool holds = cond->n_terms > 0;
        for (size_t t = 0; t < cond->n_terms && holds; t++) {
            const char *v = fact_value(&ans, facts, cond->terms[t].id);
            holds = v && strcmp(v, cond->terms[t].value) == 0;
        }
        if (!holds)
            continue;
        char *line = arena_strdup(a, "");
        for (size_t t = 0; t < cond->n_terms && line; t++)
            line =
                arena_sprintf(a, "%s%s%s", line, t ? " and " : "",
                              term_words(a, risk, facts, cond->terms[t].id, cond->terms[t].value));
        if (line)
            why[n_why++] = line;
    }
    for (size_t f = 0; f < res.n_fired; f++)
        why[n_why++] = arena_sprintf(a, "escalation \"%s\": risk at least %s", res.fired[f].id,
                                     risk_level_name(res.fired[f].floor));

    out->questions = ql.questions;
    out->n_questions = ql.n;
    out->answers = answers;
    out->prior_contacts_12m = facts->prior_contacts_12m;
    out->flags_in_force = facts->flag_in_force ? 1 : 0;
    out->is_repeat_location = facts->is_repeat_location;
    out->needs_full = res.needs_full;
    out->why = why;
    out->n_why = n_why;

    const char *category = get(ctx, "category");
    static const char *const cat_names[] = { "personal", "nuisance", "environmental" };
    for (int c = 0; category && c < 3; c++) {
        if (strcmp(category, cat_names[c]) != 0)
            continue;
        struct grading_input gin = { .category = (enum nsir_category)c,
                                     .has_risk = true,
                                     .risk = res.level,
                                     .risk_actions = res.actions };
        struct grading_suggestion sug;
        int rc = grading_suggest(grading, &gin, &sug, err);
        if (rc != FC_OK)
            return rc;
        out->suggested_grade = grading_grade_name(sug.grade);
    }
    return FC_OK;
}
