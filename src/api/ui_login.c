/* api/ui_login.c: the sign-in page. See ui_screens.h. */
#include "api/ui_screens.h"

void ui_login_render(struct html *h, const char *csrf, const char *username, const char *error)
{
    struct ui_page page = { .title = "Sign in", .csrf = csrf, .body_class = "login" };
    ui_page_begin(h, &page);
    if (error) {
        html_open(h, "div", "class", "notice notice--error", "role", "alert", "id", "login-error",
                  NULL);
        html_text(h, error);
        html_close(h, "div");
    }
    html_open(h, "form", "method", "post", "action", "/login", "class", "panel", "id",
              "login-form", NULL);
    ui_csrf_field(h, csrf);
    ui_text_field(h, "text", "username", "Username", username, NULL, NULL, "autocomplete",
                  "username", "autocapitalize", "none", "spellcheck", "false", "required", "",
                  "autofocus", username && *username ? HTML_OMIT : "", NULL);
    ui_text_field(h, "password", "password", "Password", NULL, NULL, NULL, "autocomplete",
                  "current-password", "required", "", "autofocus",
                  username && *username ? "" : HTML_OMIT, NULL);
    /* only accounts with the TOTP second factor on need it; the others leave it empty */
    ui_text_field(h, "text", "totp", "One-time code (if your account uses one)", NULL, NULL,
                  NULL, "autocomplete", "one-time-code", "inputmode", "numeric", "pattern",
                  "[0-9]{6}", "maxlength", "6", NULL);
    html_open(h, "div", "class", "actions", NULL);
    html_elem(h, "button", "Sign in", "type", "submit", NULL);
    html_close(h, "div");
    html_close(h, "form");
    html_elem(h, "p", "Sessions end after a period without use. Sign out when you leave the desk.",
              "class", "hint", NULL);
    html_elem(h, "script", "", "src", "/static/js/login.js", "defer", "", NULL);
    ui_page_end(h);
}
