/*
 * api/ui_cases.c: the case page: what the case is about, the people and incidents the
 * viewer's organisation may see (police-only incidents are counted, never shown, to a
 * partner), the action plan, reviews, sharing and the timeline filtered for the viewer.
 * cases_view_load() has already applied the sharing rules and audited the read. Viewers
 * who may contribute get two plain forms (they work without JavaScript): add an action
 * from the intervention catalogue, and record a review.
 */
#include "api/ui_screens.h"

#include <stdio.h>
#include <string.h>

#include "domain/access/access.h"
#include "domain/cases/catalogue.h"
#include "domain/cases/cases.h"

static void when(char *buf, size_t n, fc_time_t t)
{
    if (t == 0)
        snprintf(buf, n, "—");
    else
        ui_time_format(buf, n, t);
}

static void th_row(struct html *h, const char *const *cols, size_t n)
{
    html_open(h, "thead", NULL);
    html_open(h, "tr", NULL);
    for (size_t i = 0; i < n; i++)
        html_elem(h, "th", cols[i], "scope", "col", NULL);
    html_close(h, "tr");
    html_close(h, "thead");
}

static const char *form_value(const struct ui_case_form *f, const char *which, const char *v)
{
    return f != NULL && f->which != NULL && strcmp(f->which, which) == 0 ? v : NULL;
}

static void form_error(struct html *h, const struct ui_case_form *f, const char *which)
{
    if (f == NULL || f->error == NULL || f->which == NULL || strcmp(f->which, which) != 0)
        return;
    html_open(h, "div", "class", "notice notice--error", "role", "alert", "data-testid",
              "case-form-error", NULL);
    html_text(h, "Not saved: ");
    html_text(h, f->error);
    html_close(h, "div");
}

static void action_form(struct html *h, const struct ui_page *page, const struct cases_view *v,
                        const struct ui_case_form *f)
{
    char action[64];
    snprintf(action, sizeof(action), "/cases/%lld/actions", (long long)v->c.id);
    html_elem(h, "h3", "Add an action", "id", "h-add-action", NULL);
    form_error(h, f, "action");
    html_open(h, "form", "method", "post", "action", action, "class", "case-form",
              "aria-labelledby", "h-add-action", "data-testid", "add-action", NULL);
    ui_csrf_field(h, page->csrf);
    const char *cur = form_value(f, "action", f ? f->intervention : NULL);
    html_open(h, "div", "class", "field", NULL);
    html_elem(h, "label", "Intervention", "for", "f-intervention", NULL);
    html_elem(h, "span", "Who may take each one, and in what order, is checked when you add it",
              "class", "hint", NULL);
    html_open(h, "select", "id", "f-intervention", "name", "intervention", NULL);
    for (int i = 0; i < CASES_IV_COUNT; i++) {
        const struct cases_intervention_info *iv = cases_catalogue_get((enum cases_intervention)i);
        bool sel = cur != NULL && strcmp(cur, iv->code) == 0;
        html_elem(h, "option", iv->label, "value", iv->code, "selected", sel ? "" : HTML_OMIT,
                  NULL);
    }
    html_close(h, "select");
    html_close(h, "div");
    ui_text_field(h, "text", "title", "What will be done", form_value(f, "action", f ? f->title : NULL),
                  "Needed for a free action; otherwise the intervention's name is used", NULL,
                  "autocomplete", "off", NULL);
    ui_text_field(h, "date", "due", "Due by", form_value(f, "action", f ? f->due : NULL),
                  "Leave blank for the usual time for this intervention", NULL, NULL);
    html_elem(h, "button", "Add action", "type", "submit", NULL);
    html_close(h, "form");
}

static void review_form(struct html *h, const struct ui_page *page, const struct cases_view *v,
                        const struct ui_case_form *f)
{
    char action[64];
    snprintf(action, sizeof(action), "/cases/%lld/reviews", (long long)v->c.id);
    html_elem(h, "h3", "Record a review", "id", "h-add-review", NULL);
    form_error(h, f, "review");
    html_open(h, "form", "method", "post", "action", action, "class", "case-form",
              "aria-labelledby", "h-add-review", "data-testid", "add-review", NULL);
    ui_csrf_field(h, page->csrf);
    html_open(h, "div", "class", "field", NULL);
    html_elem(h, "label", "What the review found and decided", "for", "f-summary", NULL);
    const char *sum = form_value(f, "review", f ? f->summary : NULL);
    html_elem(h, "textarea", sum ? sum : "", "id", "f-summary", "name", "summary", "rows", "3",
              NULL);
    html_close(h, "div");
    html_elem(h, "button", "Record review", "type", "submit", NULL);
    html_close(h, "form");
}

void ui_case_render(struct html *h, const struct ui_page *page, const struct cases_view *v,
                    const struct ui_case_form *form)
{
    char buf[64];
    ui_page_begin(h, page);

    html_open(h, "section", "class", "panel", "aria-labelledby", "h-case", NULL);
    html_elem(h, "h2", "The case", "id", "h-case", NULL);
    html_open(h, "dl", "class", "facts", NULL);
    html_elem(h, "dt", "Reference", NULL);
    html_elem(h, "dd", v->c.ref, NULL);
    html_elem(h, "dt", "Led by", NULL);
    html_open(h, "dd", NULL);
    html_text(h, v->lead_org_name);
    if (v->lead_user_name) {
        html_text(h, " (");
        html_text(h, v->lead_user_name);
        html_text(h, ")");
    }
    html_close(h, "dd");
    html_elem(h, "dt", "Your access", NULL);
    html_elem(h, "dd", access_level_name(v->level), "data-testid", "case-access", NULL);
    html_elem(h, "dt", "Status", NULL);
    html_elem(h, "dd", v->c.status, NULL);
    html_elem(h, "dt", "Risk", NULL);
    html_elem(h, "dd", v->c.risk_level ? v->c.risk_level : "not assessed", NULL);
    html_elem(h, "dt", "Area", NULL);
    html_elem(h, "dd", v->c.area_name ? v->c.area_name : "—", NULL);
    html_elem(h, "dt", "Information sharing basis", NULL);
    html_elem(h, "dd", v->c.sharing_basis ? v->c.sharing_basis : "—", NULL);
    when(buf, sizeof(buf), v->c.next_review_due);
    html_elem(h, "dt", "Next review", NULL);
    html_elem(h, "dd", buf, NULL);
    html_close(h, "dl");
    html_close(h, "section");

    html_open(h, "section", "class", "panel", "aria-labelledby", "h-people", NULL);
    html_elem(h, "h2", "People", "id", "h-people", NULL);
    html_open(h, "ul", NULL);
    for (size_t i = 0; i < v->n_persons; i++) {
        const struct cases_person_view *p = &v->persons[i];
        html_open(h, "li", NULL);
        html_text(h, p->name);
        html_text(h, " (");
        html_text(h, p->role);
        html_text(h, ")");
        if (p->n_flags) {
            html_text(h, " ");
            ui_badge(h, "danger", "vulnerable");
        }
        html_close(h, "li");
    }
    html_close(h, "ul");
    html_close(h, "section");

    html_open(h, "section", "class", "panel", "aria-labelledby", "h-inc", NULL);
    html_elem(h, "h2", "Incidents", "id", "h-inc", NULL);
    if (v->n_incidents_withheld) {
        html_open(h, "p", "class", "notice", "data-testid", "withheld", NULL);
        html_textf(h, "%zu police-only incident%s on this case %s not shown to your organisation.",
                   v->n_incidents_withheld, v->n_incidents_withheld == 1 ? "" : "s",
                   v->n_incidents_withheld == 1 ? "is" : "are");
        html_close(h, "p");
    }
    html_open(h, "ul", NULL);
    for (size_t i = 0; i < v->n_incidents; i++) {
        const struct cases_incident_view *in = &v->incidents[i];
        when(buf, sizeof(buf), in->occurred_at);
        html_open(h, "li", NULL);
        html_textf(h, "%s: %s, %s (%s)", buf, in->category, in->incident_type, in->status);
        if (in->location) {
            html_text(h, " at ");
            html_text(h, in->location);
        }
        if (in->description) {
            html_text(h, ". ");
            html_text(h, in->description);
        }
        html_close(h, "li");
    }
    html_close(h, "ul");
    html_close(h, "section");

    html_open(h, "section", "class", "panel", "aria-labelledby", "h-plan", NULL);
    html_elem(h, "h2", "Action plan", "id", "h-plan", NULL);
    static const char *const plan_cols[] = { "Action", "Intervention", "Due", "Status" };
    html_open(h, "div", "class", "table-wrap", NULL);
    html_open(h, "table", "data-testid", "actions", NULL);
    th_row(h, plan_cols, 4);
    html_open(h, "tbody", NULL);
    for (size_t i = 0; i < v->n_actions; i++) {
        when(buf, sizeof(buf), v->actions[i].due_at);
        html_open(h, "tr", NULL);
        html_elem(h, "td", v->actions[i].title, NULL);
        html_elem(h, "td", v->actions[i].intervention, NULL);
        html_elem(h, "td", buf, NULL);
        html_elem(h, "td", v->actions[i].status, NULL);
        html_close(h, "tr");
    }
    html_close(h, "tbody");
    html_close(h, "table");
    html_close(h, "div");
    if (v->level >= ACCESS_CONTRIBUTE && v->c.closed_at == 0)
        action_form(h, page, v, form);
    html_close(h, "section");

    html_open(h, "section", "class", "panel", "aria-labelledby", "h-reviews", NULL);
    html_elem(h, "h2", "Reviews", "id", "h-reviews", NULL);
    if (v->n_reviews == 0)
        html_elem(h, "p", "No reviews held yet.", NULL);
    html_open(h, "ul", NULL);
    for (size_t i = 0; i < v->n_reviews; i++) {
        when(buf, sizeof(buf), v->reviews[i].held_at);
        html_open(h, "li", NULL);
        html_text(h, buf);
        html_text(h, ": ");
        html_text(h, v->reviews[i].summary);
        html_close(h, "li");
    }
    html_close(h, "ul");
    if (v->level >= ACCESS_CONTRIBUTE && v->c.closed_at == 0)
        review_form(h, page, v, form);
    html_elem(h, "h3", "Shared with", NULL);
    html_open(h, "ul", NULL);
    for (size_t i = 0; i < v->n_shares; i++) {
        html_open(h, "li", NULL);
        html_textf(h, "organisation %lld: %s%s", (long long)v->shares[i].org_id,
                   v->shares[i].level, v->shares[i].revoked_at ? " (revoked)" : "");
        html_close(h, "li");
    }
    html_close(h, "ul");
    html_close(h, "section");

    html_open(h, "section", "class", "panel", "aria-labelledby", "h-time", NULL);
    html_elem(h, "h2", "Timeline", "id", "h-time", NULL);
    html_open(h, "ol", "class", "timeline", NULL);
    for (size_t i = 0; i < v->n_timeline; i++) {
        when(buf, sizeof(buf), v->timeline[i].at);
        html_open(h, "li", NULL);
        html_elem(h, "strong", buf, NULL);
        html_text(h, " ");
        html_text(h, v->timeline[i].summary);
        html_close(h, "li");
    }
    html_close(h, "ol");
    html_close(h, "section");
    ui_page_end(h);
}
