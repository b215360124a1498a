/* api/ui_form.c: see ui_form.h. */
#include "api/ui_form.h"

#include <stdbool.h>
#include <string.h>

static int hex_value(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Well-formed UTF-8 without overlongs or surrogates. */
static bool utf8_ok(const unsigned char *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        unsigned char c = s[i];
        size_t extra;
        unsigned min;
        unsigned cp;
        if (c < 0x80) {
            i++;
            continue;
        } else if ((c & 0xe0) == 0xc0) {
            extra = 1;
            min = 0x80;
            cp = c & 0x1f;
        } else if ((c & 0xf0) == 0xe0) {
            extra = 2;
            min = 0x800;
            cp = c & 0x0f;
        } else if ((c & 0xf8) == 0xf0) {
            extra = 3;
            min = 0x10000;
            cp = c & 0x07;
        } else {
            return false;
        }
        for (size_t k = 1; k <= extra; k++) {
            if (i + k >= n || (s[i + k] & 0xc0) != 0x80)
                return false;
            cp = (cp << 6) | (s[i + k] & 0x3f);
        }
        if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
            return false;
        i += extra + 1;
    }
    return true;
}

/* Decodes s[0..n) into a new arena string; NULL on a bad escape, NUL or bad UTF-8. */
static char *decode(struct arena *a, const char *s, size_t n)
{
    char *out = arena_alloc(a, n + 1);
    if (out == NULL)
        return NULL;
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (c == '+') {
            out[o++] = ' ';
        } else if (c == '%') {
            if (i + 2 >= n)
                return NULL;
            int hi = hex_value(s[i + 1]), lo = hex_value(s[i + 2]);
            if (hi < 0 || lo < 0)
                return NULL;
            char b = (char)(hi * 16 + lo);
            if (b == '\0')
                return NULL;
            out[o++] = b;
            i += 2;
        } else {
            out[o++] = c;
        }
    }
    out[o] = '\0';
    return utf8_ok((const unsigned char *)out, o) ? out : NULL;
}

int ui_form_parse(struct arena *a, const char *body, size_t len, struct ui_form *out,
                  struct fc_err *err)
{
    memset(out, 0, sizeof(*out));
    size_t i = 0;
    while (i < len) {
        size_t end = i;
        while (end < len && body[end] != '&')
            end++;
        if (end > i) {
            const char *eq = memchr(body + i, '=', end - i);
            size_t name_len = eq ? (size_t)(eq - (body + i)) : end - i;
            char *name = decode(a, body + i, name_len);
            if (name == NULL)
                return err_set(err, FC_EINVAL, "form", "a field name is not valid UTF-8 text");
            char *value = eq ? decode(a, eq + 1, (size_t)(body + end - eq - 1))
                             : arena_strdup(a, "");
            if (value == NULL)
                return err_set(err, FC_EINVAL, name[0] && strlen(name) < 60 ? name : "form",
                               "is not valid UTF-8 text");
            if (ui_form_get(out, name) == NULL) {
                if (out->n == UI_FORM_MAX_FIELDS)
                    return err_set(err, FC_EINVAL, "form", "more than %d fields",
                                   UI_FORM_MAX_FIELDS);
                out->names[out->n] = name;
                out->values[out->n] = value;
                out->n++;
            }
        }
        i = end + 1;
    }
    return FC_OK;
}

const char *ui_form_get(void *form, const char *name)
{
    const struct ui_form *f = form;
    for (size_t i = 0; i < f->n; i++) {
        if (strcmp(f->names[i], name) == 0)
            return f->values[i];
    }
    return NULL;
}
