/*
 * api/ui_form.h: HTML form bodies (application/x-www-form-urlencoded) and query strings.
 *
 * htmx posts the call screen's fields as a form, not JSON. This decodes such a body into
 * name/value pairs in the request arena: '+' is a space, %XX a byte; a malformed escape, a
 * NUL byte or invalid UTF-8 is refused with the field named. A repeated name keeps its
 * first value. Thread-safe: no state.
 */
#ifndef FC_API_UI_FORM_H
#define FC_API_UI_FORM_H

#include <stddef.h>

#include "util/arena.h"
#include "util/err.h"

#define UI_FORM_MAX_FIELDS 64

struct ui_form {
    size_t n;
    const char *names[UI_FORM_MAX_FIELDS];
    const char *values[UI_FORM_MAX_FIELDS];
};

/* Decodes body (len bytes). FC_EINVAL for more than UI_FORM_MAX_FIELDS fields or bad
 * encoding. */
int ui_form_parse(struct arena *a, const char *body, size_t len, struct ui_form *out,
                  struct fc_err *err);

/* The value of a field, or NULL. Matches the ui_form_get_fn shape (ctx is the form). */
const char *ui_form_get(void *form, const char *name);

#endif
