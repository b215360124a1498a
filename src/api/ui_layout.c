/* api/ui_layout.c: see ui.h. The page shell, role homes and menus, shared widgets. */
#include "api/ui.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "util/timeutil.h"

/*
 * Homes and menus follow DESIGN.md section 1: a call handler starts on a new call; an
 * officer on the incidents of their area; a supervisor and an analyst on the dashboard;
 * a partner officer on the cases shared with their organisation; an admin on users
 * (admins cannot read people's records, so their menu has none).
 */
static const struct ui_nav_item nav_call_handler[] = {
    { "/call", "New call" },
    { "/incidents", "Incidents" },
    { "/persons", "Persons" },
    { NULL, NULL },
};

static const struct ui_nav_item nav_officer[] = {
    { "/incidents", "Incidents" },
    { "/call", "New contact" },
    { "/persons", "Persons" },
    { "/cases", "Cases" },
    { NULL, NULL },
};

static const struct ui_nav_item nav_supervisor[] = {
    { "/dashboard", "Dashboard" }, { "/incidents", "Incidents" }, { "/call", "New contact" },
    { "/persons", "Persons" },     { "/cases", "Cases" },         { NULL, NULL },
};

static const struct ui_nav_item nav_partner[] = {
    { "/cases", "Cases" },
    { NULL, NULL },
};

static const struct ui_nav_item nav_analyst[] = {
    { "/dashboard", "Dashboard" },
    { NULL, NULL },
};

static const struct ui_nav_item nav_admin[] = {
    { "/admin", "Users and settings" },
    { NULL, NULL },
};

static const struct {
    const char *name;
    const char *label;
    const char *home;
    const struct ui_nav_item *nav;
} roles[ROLE_COUNT] = {
    [ROLE_CALL_HANDLER] = { "call_handler", "Call handler", "/call", nav_call_handler },
    [ROLE_OFFICER] = { "officer", "Officer", "/incidents", nav_officer },
    [ROLE_SUPERVISOR] = { "supervisor", "Supervisor", "/dashboard", nav_supervisor },
    [ROLE_PARTNER_OFFICER] = { "partner_officer", "Partner officer", "/cases", nav_partner },
    [ROLE_ANALYST] = { "analyst", "Analyst", "/dashboard", nav_analyst },
    [ROLE_ADMIN] = { "admin", "Administrator", "/admin", nav_admin },
};

static bool role_valid(enum user_role role)
{
    return (int)role >= 0 && role < ROLE_COUNT;
}

const char *ui_role_home(enum user_role role)
{
    return role_valid(role) ? roles[role].home : "/login";
}

const char *ui_role_label(enum user_role role)
{
    return role_valid(role) ? roles[role].label : "Unknown role";
}

const char *ui_role_name(enum user_role role)
{
    return role_valid(role) ? roles[role].name : "unknown";
}

const struct ui_nav_item *ui_role_nav(enum user_role role)
{
    static const struct ui_nav_item none[] = { { NULL, NULL } };
    return role_valid(role) ? roles[role].nav : none;
}

void ui_csrf_field(struct html *h, const char *csrf)
{
    html_void(h, "input", "type", "hidden", "name", UI_CSRF_FIELD, "value", csrf ? csrf : "", NULL);
}

static void write_head(struct html *h, const struct ui_page *page)
{
    html_raw(h, "<!doctype html>\n");
    html_open(h, "html", "lang", "en-GB", NULL);
    html_open(h, "head", NULL);
    html_void(h, "meta", "charset", "utf-8", NULL);
    html_void(h, "meta", "name", "viewport", "content", "width=device-width, initial-scale=1",
              NULL);
    /* htmx must not inject its indicator <style> nor evaluate code: the CSP forbids both. */
    html_void(h, "meta", "name", "htmx-config", "content",
              "{\"includeIndicatorStyles\":false,\"allowEval\":false,\"allowScriptTags\":false,"
              "\"selfRequestsOnly\":true}",
              NULL);
    if (page->csrf)
        html_void(h, "meta", "name", "csrf-token", "content", page->csrf, NULL);
    html_open(h, "title", NULL);
    html_text(h, page->title);
    html_raw(h, " · FirstContact</title>");
    html_void(h, "link", "rel", "stylesheet", "href", "/static/css/app.css", NULL);
    /* without JavaScript the forms post as plain HTML: show what htmx would reveal */
    html_open(h, "noscript", NULL);
    html_void(h, "link", "rel", "stylesheet", "href", "/static/css/nojs.css", NULL);
    html_close(h, "noscript");
    html_void(h, "link", "rel", "icon", "href", "/static/favicon.svg", "type", "image/svg+xml",
              NULL);
    html_elem(h, "script", "", "src", "/static/vendor/htmx/htmx.min.js", "defer", "", NULL);
    html_elem(h, "script", "", "src", "/static/js/app.js", "defer", "", NULL);
    html_elem(h, "script", "", "src", "/static/js/components.js", "defer", "", NULL);
    html_elem(h, "script", "", "src", "/static/vendor/alpinejs/alpine-csp.min.js", "defer", "",
              NULL);
    html_close(h, "head");
}

static void write_header(struct html *h, const struct ui_page *page)
{
    html_open(h, "header", "class", "site-header", NULL);
    html_open(h, "div", "class", "site-header__inner", NULL);
    const char *home = page->user ? ui_role_home(page->user->role) : "/login";
    html_elem(h, "a", "FirstContact", "class", "brand", "href", home, NULL);
    if (page->user != NULL) {
        html_open(h, "nav", "aria-label", "Main", NULL);
        html_open(h, "ul", "class", "nav", NULL);
        for (const struct ui_nav_item *n = ui_role_nav(page->user->role); n->href; n++) {
            bool is_current = page->nav_current && strcmp(page->nav_current, n->href) == 0;
            html_open(h, "li", NULL);
            html_elem(h, "a", n->label, "href", n->href, "aria-current",
                      is_current ? "page" : HTML_OMIT, NULL);
            html_close(h, "li");
        }
        html_close(h, "ul");
        html_close(h, "nav");
        html_open(h, "div", "class", "whoami", NULL);
        html_open(h, "span", "data-testid", "whoami", NULL);
        html_text(h, page->user->display_name ? page->user->display_name : page->user->username);
        html_raw(h, " · ");
        html_text(h, ui_role_label(page->user->role));
        if (page->org_name) {
            html_raw(h, " · ");
            html_text(h, page->org_name);
        }
        html_close(h, "span");
        html_open(h, "form", "method", "post", "action", "/logout", "id", "logout-form", NULL);
        ui_csrf_field(h, page->csrf);
        html_elem(h, "button", "Sign out", "type", "submit", "class", "button", NULL);
        html_close(h, "form");
        html_close(h, "div");
    }
    html_close(h, "div");
    html_close(h, "header");
}

void ui_page_begin(struct html *h, const struct ui_page *page)
{
    write_head(h, page);
    html_open(h, "body", NULL);
    html_elem(h, "a", "Skip to main content", "class", "skip-link", "href", "#main", NULL);
    write_header(h, page);
    html_open(h, "main", "id", "main", "tabindex", "-1", "class",
              page->body_class ? page->body_class : HTML_OMIT, NULL);
    html_elem(h, "div", "", "id", "flash", "class", "notice notice--error", "role", "alert",
              "hidden", "", NULL);
    html_elem(h, "h1", page->title, NULL);
}

void ui_page_end(struct html *h)
{
    html_close(h, "main");
    html_open(h, "footer", "class", "site-footer", NULL);
    html_text(h, "FirstContact. Every view of a person's record is recorded.");
    html_close(h, "footer");
    html_raw(h, "</body>\n</html>\n");
}

void ui_banner(struct html *h, const char *kind, const char *label, const char *text)
{
    char cls[64];
    snprintf(cls, sizeof(cls), "banner banner--%s", kind);
    html_open(h, "div", "class", cls, "data-banner", kind, NULL);
    html_elem(h, "strong", label, "class", "banner__label", NULL);
    html_elem(h, "span", text, "class", "banner__text", NULL);
    html_close(h, "div");
}

void ui_badge(struct html *h, const char *kind, const char *text)
{
    char cls[64];
    snprintf(cls, sizeof(cls), "badge badge--%s", kind);
    html_elem(h, "span", text, "class", cls, NULL);
}

void ui_text_field(struct html *h, const char *type, const char *name, const char *label,
                   const char *value, const char *hint, const char *error, ...)
{
    char id[72], hint_id[80], err_id[80], described[168];
    snprintf(id, sizeof(id), "f-%s", name);
    snprintf(hint_id, sizeof(hint_id), "%s-hint", id);
    snprintf(err_id, sizeof(err_id), "%s-error", id);
    snprintf(described, sizeof(described), "%s%s%s", hint ? hint_id : "", hint && error ? " " : "",
             error ? err_id : "");

    html_open(h, "div", "class", "field", NULL);
    html_elem(h, "label", label, "for", id, NULL);
    if (hint)
        html_elem(h, "span", hint, "class", "hint", "id", hint_id, NULL);
    if (error)
        html_elem(h, "span", error, "class", "field-error", "id", err_id, NULL);
    html_tag_start(h, "input");
    html_attr(h, "type", type);
    html_attr(h, "id", id);
    html_attr(h, "name", name);
    html_attr(h, "value", value ? value : "");
    html_attr(h, "aria-describedby", described[0] ? described : HTML_OMIT);
    html_attr(h, "aria-invalid", error ? "true" : HTML_OMIT);
    va_list ap;
    va_start(ap, error);
    html_attrs_v(h, ap);
    va_end(ap);
    html_tag_end(h);
    html_close(h, "div");
}

/* UK civil time: GMT, or BST (UTC+1) from 01:00 UTC on the last Sunday of March to 01:00
 * UTC on the last Sunday of October (Summer Time Order 2002). */
static int64_t last_sunday_utc(int year, int month, int days_in_month)
{
    int64_t day = time_days_from_civil(year, month, days_in_month);
    /* 1970-01-01 was a Thursday: (day + 4) % 7 == 0 is a Sunday. */
    int64_t wd = ((day + 4) % 7 + 7) % 7;
    return (day - wd) * 86400 + 3600;
}

void ui_time_format(char *out, size_t out_size, fc_time_t t)
{
    time_t tt = (time_t)t;
    struct tm tm;
    gmtime_r(&tt, &tm);
    int year = tm.tm_year + 1900;
    bool bst = t >= last_sunday_utc(year, 3, 31) && t < last_sunday_utc(year, 10, 31);
    if (bst) {
        tt += 3600;
        gmtime_r(&tt, &tm);
    }
    snprintf(out, out_size, "%04d-%02d-%02d %02d:%02d", tm.tm_year + 1900, tm.tm_mon + 1,
             tm.tm_mday, tm.tm_hour, tm.tm_min);
}
