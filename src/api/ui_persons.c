/*
 * api/ui_persons.c: the persons search and the person page (history, flags, cases, and
 * who viewed the record). Renders views only: the handler has already recorded this view
 * in the audit trail and dropped what the viewer's role or sharing does not allow.
 */
#include "api/ui_screens.h"

#include <stdio.h>
#include <string.h>

void ui_persons_render(struct html *h, const struct ui_page *page, const char *query,
                       const struct ui_person_row *rows, size_t n)
{
    ui_page_begin(h, page);
    html_open(h, "form", "method", "get", "action", "/persons", "class", "filters panel", "role",
              "search", "aria-label", "Find a person", NULL);
    ui_text_field(h, "search", "q", "Name, phone or postcode", query, NULL, NULL, "autocomplete",
                  "off", NULL);
    html_elem(h, "button", "Search", "type", "submit", NULL);
    html_close(h, "form");
    if (query == NULL || query[0] == '\0') {
        ui_page_end(h);
        return;
    }
    html_open(h, "div", "class", "table-wrap", NULL);
    html_open(h, "table", "data-testid", "persons", NULL);
    html_elem(h, "caption", n ? "People found, best match first" : "No one found", NULL);
    html_raw(h, "<thead><tr><th scope=\"col\">Name</th><th scope=\"col\">Date of birth</th>"
                "<th scope=\"col\">Postcode</th><th scope=\"col\" class=\"num\">Contacts in 12 "
                "months</th><th scope=\"col\">Flags</th></tr></thead>");
    html_open(h, "tbody", NULL);
    for (size_t i = 0; i < n; i++) {
        char href[48], count[16];
        snprintf(href, sizeof(href), "/persons/%lld", (long long)rows[i].id);
        snprintf(count, sizeof(count), "%d", rows[i].contacts_12m);
        html_open(h, "tr", NULL);
        html_open(h, "td", NULL);
        html_elem(h, "a", rows[i].name, "href", href, NULL);
        html_close(h, "td");
        html_elem(h, "td", rows[i].dob ? rows[i].dob : "—", NULL);
        html_elem(h, "td", rows[i].postcode ? rows[i].postcode : "—", NULL);
        html_elem(h, "td", count, "class", "num", NULL);
        html_open(h, "td", NULL);
        if (rows[i].is_flagged)
            ui_badge(h, "danger", "flagged");
        else
            html_text(h, "none");
        html_close(h, "td");
        html_close(h, "tr");
    }
    html_close(h, "tbody");
    html_close(h, "table");
    html_close(h, "div");
    ui_page_end(h);
}

static void identifiers(struct html *h, const struct person *p)
{
    html_open(h, "dl", "class", "facts", NULL);
    html_elem(h, "dt", "Names", NULL);
    html_open(h, "dd", NULL);
    for (size_t i = 0; i < p->n_names; i++) {
        if (i)
            html_text(h, "; ");
        html_text(h, p->names[i].raw);
    }
    html_close(h, "dd");
    html_elem(h, "dt", "Dates of birth", NULL);
    html_open(h, "dd", NULL);
    for (size_t i = 0; i < p->n_dobs; i++) {
        if (i)
            html_text(h, "; ");
        html_text(h, p->dobs[i].date);
        if (p->dobs[i].is_placeholder)
            html_text(h, " (placeholder, not used for matching)");
    }
    if (p->n_dobs == 0)
        html_text(h, "none recorded");
    html_close(h, "dd");
    html_elem(h, "dt", "Phones", NULL);
    html_open(h, "dd", NULL);
    for (size_t i = 0; i < p->n_phones; i++) {
        if (i)
            html_text(h, "; ");
        html_text(h, p->phones[i].e164 ? p->phones[i].e164 : p->phones[i].raw);
    }
    if (p->n_phones == 0)
        html_text(h, "none recorded");
    html_close(h, "dd");
    html_elem(h, "dt", "Addresses", NULL);
    html_open(h, "dd", NULL);
    for (size_t i = 0; i < p->n_addresses; i++) {
        if (i)
            html_text(h, "; ");
        html_text(h, p->addresses[i].raw);
    }
    if (p->n_addresses == 0)
        html_text(h, "none recorded");
    html_close(h, "dd");
    html_close(h, "dl");
}

/* Who viewed this record (supervisors only: ui_person_view.show_views). */
static void views_panel(struct html *h, const struct ui_person_view *v)
{
    char when[32];
    html_open(h, "section", "class", "panel", "aria-labelledby", "h-views", NULL);
    html_elem(h, "h2", "Who viewed this record", "id", "h-views", NULL);
    html_open(h, "div", "class", "table-wrap", NULL);
    html_open(h, "table", "data-testid", "views", NULL);
    html_raw(h, "<thead><tr><th scope=\"col\">When</th><th scope=\"col\">Who</th>"
                "<th scope=\"col\">Organisation</th><th scope=\"col\">What</th>"
                "<th scope=\"col\">Why</th></tr></thead>");
    html_open(h, "tbody", NULL);
    for (size_t i = 0; i < v->n_views; i++) {
        ui_time_format(when, sizeof(when), v->views[i].at);
        html_open(h, "tr", NULL);
        html_elem(h, "td", when, NULL);
        html_elem(h, "td", v->views[i].who, NULL);
        html_elem(h, "td", v->views[i].org ? v->views[i].org : "—", NULL);
        html_elem(h, "td", v->views[i].action, NULL);
        html_elem(h, "td", v->views[i].purpose ? v->views[i].purpose : "—", NULL);
        html_close(h, "tr");
    }
    html_close(h, "tbody");
    html_close(h, "table");
    html_close(h, "div");
    html_close(h, "section");
}

void ui_person_render(struct html *h, const struct ui_page *page, const struct ui_person_view *v)
{
    char when[32], text[400];
    ui_page_begin(h, page);

    html_open(h, "div", "class", "banners", NULL);
    if (v->contacts_12m >= 1) {
        snprintf(text, sizeof(text), "%d ASB contact%s in the last 12 months.", v->contacts_12m,
                 v->contacts_12m == 1 ? "" : "s");
        ui_banner(h, "repeat", "Repeat victim", text);
    }
    for (size_t i = 0; i < v->n_flags; i++) {
        ui_time_format(when, sizeof(when), v->flags[i].flagged_at);
        when[10] = '\0';
        snprintf(text, sizeof(text), "%s flag from %s since %s%s%s", v->flags[i].kind,
                 v->flags[i].agency ? v->flags[i].agency : "an agency", when,
                 v->flags[i].reason ? ": " : "", v->flags[i].reason ? v->flags[i].reason : "");
        ui_banner(h, "vulnerable", "Flag", text);
    }
    html_close(h, "div");

    html_open(h, "section", "class", "panel", "aria-labelledby", "h-ids", NULL);
    html_elem(h, "h2", "Everything recorded about who they are", "id", "h-ids", NULL);
    identifiers(h, v->person);
    html_close(h, "section");

    html_open(h, "section", "class", "panel", "aria-labelledby", "h-history", NULL);
    html_elem(h, "h2", "History", "id", "h-history", NULL);
    if (v->n_history == 0) {
        html_elem(h, "p", "No incidents you can see.", NULL);
    } else {
        html_open(h, "div", "class", "table-wrap", NULL);
        html_open(h, "table", "data-testid", "history", NULL);
        html_raw(h, "<thead><tr><th scope=\"col\">Incident</th><th scope=\"col\">When</th>"
                    "<th scope=\"col\">Role</th><th scope=\"col\">Category</th>"
                    "<th scope=\"col\">Type</th><th scope=\"col\">Risk</th>"
                    "<th scope=\"col\">Status</th></tr></thead>");
        html_open(h, "tbody", NULL);
        for (size_t i = 0; i < v->n_history; i++) {
            const struct ui_history_row *r = &v->history[i];
            char href[48], label[32];
            snprintf(href, sizeof(href), "/incidents/%lld", (long long)r->incident_id);
            snprintf(label, sizeof(label), "#%lld", (long long)r->incident_id);
            ui_time_format(when, sizeof(when), r->at);
            html_open(h, "tr", NULL);
            html_open(h, "td", NULL);
            html_elem(h, "a", label, "href", href, NULL);
            html_close(h, "td");
            html_elem(h, "td", when, NULL);
            html_elem(h, "td", r->role, NULL);
            html_elem(h, "td", r->category, NULL);
            html_elem(h, "td", r->incident_type, NULL);
            html_elem(h, "td", r->risk_level ? r->risk_level : "not screened", NULL);
            html_elem(h, "td", r->status, NULL);
            html_close(h, "tr");
        }
        html_close(h, "tbody");
        html_close(h, "table");
        html_close(h, "div");
    }
    html_close(h, "section");

    html_open(h, "section", "class", "panel", "aria-labelledby", "h-cases", NULL);
    html_elem(h, "h2", "Cases", "id", "h-cases", NULL);
    if (v->n_cases == 0)
        html_elem(h, "p", "Not in any case you can see.", NULL);
    html_open(h, "ul", NULL);
    for (size_t i = 0; i < v->n_cases; i++) {
        char href[48];
        snprintf(href, sizeof(href), "/cases/%lld", (long long)v->cases[i].id);
        html_open(h, "li", NULL);
        html_elem(h, "a", v->cases[i].title, "href", href, NULL);
        snprintf(text, sizeof(text), " (led by %s, %s)", v->cases[i].lead_org, v->cases[i].status);
        html_text(h, text);
        html_close(h, "li");
    }
    html_close(h, "ul");
    html_close(h, "section");

    if (v->show_views)
        views_panel(h, v);
    ui_page_end(h);
}
