/*
 * api/ui.h: the browser UI's shared pieces: the page shell, each role's home and menu,
 * and the small widgets every screen uses (CSRF field, banners, badges, field errors).
 *
 * Screens live one per file (api/ui_<screen>.c) and write through http/html.h, so every
 * value is escaped. Pages load only same-origin scripts and styles from /static/ (the
 * Content-Security-Policy is default-src 'self': no inline script or style anywhere).
 * Knows nothing of storage; renders what the screen's handler passes in.
 * Thread-safe: no state; the tables are const.
 */
#ifndef FC_API_UI_H
#define FC_API_UI_H

#include <stdbool.h>
#include <stddef.h>

#include "http/html.h"
#include "store/model.h"

/* The form field and htmx header that carry the session's CSRF token. */
#define UI_CSRF_FIELD  "csrf_token"
#define UI_CSRF_HEADER "X-CSRF-Token"

/* Everything the page shell needs to know about the request. */
struct ui_page {
    const char *title;       /* <title> and the page's <h1> */
    const char *nav_current; /* href of the menu item to mark as current, or NULL */
    const struct user *user; /* NULL before sign-in */
    const char *org_name;    /* the user's organisation, shown beside the name; may be NULL */
    const char *csrf;        /* the session's CSRF token; NULL before sign-in */
    const char *body_class;  /* extra class on <main>, or NULL */
};

/* Writes <!doctype html> ... <main> <h1>title</h1>: header, menu for the user's role,
 * sign-out form, skip link, and the flash area htmx errors go to. */
void ui_page_begin(struct html *h, const struct ui_page *page);
/* Closes <main>, writes the footer and ends the document. */
void ui_page_end(struct html *h);

/* The path each role lands on after signing in. */
const char *ui_role_home(enum user_role role);
/* The role's name in plain words ("Call handler"). */
const char *ui_role_label(enum user_role role);
/* The role's stable name ("call_handler"), as in DESIGN.md section 1. */
const char *ui_role_name(enum user_role role);

/* One entry of a role's menu. */
struct ui_nav_item {
    const char *href;
    const char *label;
};
/* The role's menu, ended by an entry with href == NULL. */
const struct ui_nav_item *ui_role_nav(enum user_role role);

/* <input type="hidden" name="csrf_token" value="..."> for every form that changes state. */
void ui_csrf_field(struct html *h, const char *csrf);

/* A banner: a word label (REPEAT VICTIM) and a sentence; kind picks the look
 * ("repeat", "vulnerable", "risk", "location", "trigger"). role="alert" is not used: the
 * banners arrive with the candidate panel, which is a polite live region. */
void ui_banner(struct html *h, const char *kind, const char *label, const char *text);
/* A badge with a word in it; kind: "high", "medium", "low", "info", "danger", "ok". */
void ui_badge(struct html *h, const char *kind, const char *text);
/* A labelled text input with optional hint and error (aria-describedby wired up).
 * extra_attrs: further name/value pairs as in html_open, NULL-ended; pass NULL for none. */
void ui_text_field(struct html *h, const char *type, const char *name, const char *label,
                   const char *value, const char *hint, const char *error, ...)
    __attribute__((sentinel));

/* Formats UTC seconds as Europe/London local time "2026-03-02 21:14" into out. */
void ui_time_format(char *out, size_t out_size, fc_time_t t);

#endif
