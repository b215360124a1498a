/*
 * api/ui_incidents.c: the incidents list (with filters) and the incident page.
 * Renders views only; what a viewer may see is decided before (partners never get a
 * police-only incident in their view).
 */
#include "api/ui_screens.h"

#include <stdio.h>
#include <string.h>

const char *ui_category_name(enum nsir_category c)
{
    switch (c) {
    case NSIR_PERSONAL:
        return "personal";
    case NSIR_NUISANCE:
        return "nuisance";
    case NSIR_ENVIRONMENTAL:
        return "environmental";
    }
    return "unknown";
}

const char *ui_person_role_name(enum person_role r)
{
    switch (r) {
    case ROLE_IN_CALLER:
        return "caller";
    case ROLE_IN_VICTIM:
        return "victim";
    case ROLE_IN_WITNESS:
        return "witness";
    case ROLE_IN_SUSPECT:
        return "suspect";
    }
    return "unknown";
}

/* A risk level as a badge with its word ("high risk"), never a colour alone. */
static void risk_badge(struct html *h, const char *level)
{
    char text[40];
    if (level == NULL) {
        html_text(h, "not screened");
        return;
    }
    snprintf(text, sizeof(text), "%s risk", level);
    ui_badge(h,
             strcmp(level, "high") == 0     ? "high"
             : strcmp(level, "medium") == 0 ? "medium"
                                            : "low",
             text);
}

static void filter_select(struct html *h, const char *name, const char *label,
                          const char *const *values, const char *current)
{
    char id[40];
    snprintf(id, sizeof(id), "filter-%s", name);
    html_open(h, "div", "class", "field", NULL);
    html_elem(h, "label", label, "for", id, NULL);
    html_open(h, "select", "id", id, "name", name, NULL);
    html_elem(h, "option", "Any", "value", "", NULL);
    for (const char *const *v = values; *v; v++) {
        bool is_sel = current && strcmp(current, *v) == 0;
        html_elem(h, "option", *v, "value", *v, "selected", is_sel ? "" : HTML_OMIT, NULL);
    }
    html_close(h, "select");
    html_close(h, "div");
}

static void page_link(struct html *h, const struct ui_incident_filter *f, size_t page,
                      const char *label)
{
    char href[512];
    snprintf(href, sizeof(href), "/incidents?status=%s&category=%s&incident_type=%s&page=%zu",
             f->status ? f->status : "", f->category ? f->category : "",
             f->incident_type ? f->incident_type : "", page);
    html_elem(h, "a", label, "href", href, "class", "button button--secondary", NULL);
}

void ui_incidents_render(struct html *h, const struct ui_page *page,
                         const struct ui_incident_filter *f, const struct incident *rows, size_t n,
                         bool has_more)
{
    static const char *const statuses[] = { "open", "closed", NULL };
    static const char *const cats[] = { "personal", "nuisance", "environmental", NULL };
    static const char *const types[] = { "rowdy_inconsiderate_behaviour",
                                         "neighbour_dispute",
                                         "noise",
                                         "vehicle_nuisance",
                                         "littering_fly_tipping",
                                         "graffiti_criminal_damage",
                                         "street_drinking_drugs",
                                         "intimidation_harassment",
                                         "hate_motivated",
                                         NULL };
    ui_page_begin(h, page);
    html_open(h, "form", "method", "get", "action", "/incidents", "class", "filters panel", "role",
              "search", "aria-label", "Filter incidents", NULL);
    filter_select(h, "status", "Status", statuses, f->status);
    filter_select(h, "category", "Category", cats, f->category);
    filter_select(h, "incident_type", "Type", types, f->incident_type);
    html_elem(h, "button", "Filter", "type", "submit", NULL);
    html_close(h, "form");

    html_open(h, "div", "class", "table-wrap", NULL);
    html_open(h, "table", "data-testid", "incidents", NULL);
    html_elem(h, "caption", n ? "Incidents, newest first" : "No incidents match these filters",
              NULL);
    html_raw(h, "<thead><tr><th scope=\"col\">Incident</th><th scope=\"col\">Received</th>"
                "<th scope=\"col\">Category</th><th scope=\"col\">Type</th>"
                "<th scope=\"col\">Location</th><th scope=\"col\">Grade</th>"
                "<th scope=\"col\">Risk</th><th scope=\"col\">Status</th></tr></thead>");
    html_open(h, "tbody", NULL);
    for (size_t i = 0; i < n; i++) {
        const struct incident *r = &rows[i];
        char href[48], label[32], when[32];
        snprintf(href, sizeof(href), "/incidents/%lld", (long long)r->id);
        snprintf(label, sizeof(label), "#%lld", (long long)r->id);
        ui_time_format(when, sizeof(when), r->created_at);
        html_open(h, "tr", NULL);
        html_open(h, "td", NULL);
        html_elem(h, "a", label, "href", href, NULL);
        html_close(h, "td");
        html_elem(h, "td", when, NULL);
        html_elem(h, "td", ui_category_name(r->category), NULL);
        html_elem(h, "td", r->incident_type, NULL);
        html_elem(h, "td", r->location_raw ? r->location_raw : r->location_postcode, NULL);
        html_elem(h, "td", r->grade, NULL);
        html_open(h, "td", NULL);
        risk_badge(h, r->risk_level);
        html_close(h, "td");
        html_elem(h, "td", r->status == INCIDENT_OPEN ? "open" : "closed", NULL);
        html_close(h, "tr");
    }
    html_close(h, "tbody");
    html_close(h, "table");
    html_close(h, "div");
    html_open(h, "nav", "class", "actions", "aria-label", "Pages", NULL);
    if (f->page > 0)
        page_link(h, f, f->page - 1, "Newer");
    if (has_more)
        page_link(h, f, f->page + 1, "Older");
    html_close(h, "nav");
    ui_page_end(h);
}

void ui_incident_render(struct html *h, const struct ui_page *page,
                        const struct ui_incident_view *v)
{
    const struct incident *inc = v->incident;
    char when[32];
    ui_page_begin(h, page);
    html_open(h, "section", "class", "panel", "aria-labelledby", "h-facts", NULL);
    html_elem(h, "h2", "What happened", "id", "h-facts", NULL);
    html_open(h, "dl", "class", "facts", NULL);
    ui_time_format(when, sizeof(when), inc->created_at);
    html_elem(h, "dt", "Received", NULL);
    html_elem(h, "dd", when, NULL);
    html_elem(h, "dt", "Category", NULL);
    html_elem(h, "dd", ui_category_name(inc->category), "data-testid", "incident-category", NULL);
    html_elem(h, "dt", "Type", NULL);
    html_elem(h, "dd", inc->incident_type, NULL);
    html_elem(h, "dt", "Description", NULL);
    html_elem(h, "dd", inc->description ? inc->description : "—", NULL);
    html_elem(h, "dt", "Location", NULL);
    html_open(h, "dd", NULL);
    html_text(h, inc->location_raw);
    if (inc->location_raw && inc->location_postcode)
        html_text(h, ", ");
    html_text(h, inc->location_postcode);
    if (inc->lsoa_code) {
        html_text(h, " (LSOA ");
        html_text(h, inc->lsoa_code);
        html_text(h, ")");
    }
    html_close(h, "dd");
    html_elem(h, "dt", "Grade", NULL);
    html_elem(h, "dd", inc->grade ? inc->grade : "not graded", "data-testid", "incident-grade",
              NULL);
    html_elem(h, "dt", "Risk", NULL);
    html_open(h, "dd", "data-testid", "incident-risk", NULL);
    risk_badge(h, inc->risk_level);
    if (v->screening_outcome) {
        html_text(h, " · screening: ");
        html_text(h, v->screening_outcome);
    }
    html_close(h, "dd");
    html_elem(h, "dt", "Status", NULL);
    html_elem(h, "dd", inc->status == INCIDENT_OPEN ? "open" : "closed", NULL);
    if (inc->is_police_only) {
        html_elem(h, "dt", "Sharing", NULL);
        html_elem(h, "dd", "Police only: not shown to partner organisations", NULL);
    }
    html_close(h, "dl");
    html_close(h, "section");

    html_open(h, "section", "class", "panel", "aria-labelledby", "h-people", NULL);
    html_elem(h, "h2", "People", "id", "h-people", NULL);
    if (v->n_persons == 0)
        html_elem(h, "p", "No one is named on this incident.", NULL);
    html_open(h, "ul", NULL);
    for (size_t i = 0; i < v->n_persons; i++) {
        char href[48];
        snprintf(href, sizeof(href), "/persons/%lld", (long long)v->persons[i].id);
        html_open(h, "li", NULL);
        html_elem(h, "a", v->persons[i].name, "href", href, NULL);
        html_text(h, " (");
        html_text(h, v->persons[i].role);
        html_text(h, ")");
        html_close(h, "li");
    }
    html_close(h, "ul");
    if (v->shown_at_call) {
        html_elem(h, "h3", "What the call handler was shown", NULL);
        html_elem(h, "p", v->shown_at_call, NULL);
    }
    html_close(h, "section");

    html_open(h, "section", "class", "panel", "aria-labelledby", "h-tasks", NULL);
    html_elem(h, "h2", "Tasks", "id", "h-tasks", NULL);
    if (v->n_tasks == 0) {
        html_elem(h, "p", "No tasks.", NULL);
    } else {
        html_open(h, "table", "data-testid", "tasks", NULL);
        html_raw(h, "<thead><tr><th scope=\"col\">Task</th><th scope=\"col\">For</th>"
                    "<th scope=\"col\">Due</th><th scope=\"col\">Status</th></tr></thead>");
        html_open(h, "tbody", NULL);
        for (size_t i = 0; i < v->n_tasks; i++) {
            ui_time_format(when, sizeof(when), v->tasks[i].due_at);
            html_open(h, "tr", NULL);
            html_elem(h, "td", v->tasks[i].kind, NULL);
            html_elem(h, "td", v->tasks[i].assignee, NULL);
            html_elem(h, "td", when, NULL);
            html_elem(h, "td", v->tasks[i].status, NULL);
            html_close(h, "tr");
        }
        html_close(h, "tbody");
        html_close(h, "table");
    }
    html_close(h, "section");
    ui_page_end(h);
}
