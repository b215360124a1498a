/* http/html.c: see html.h. */
#include "http/html.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

const char HTML_OMIT[] = "";

void html_init(struct html *h, struct arena *a, size_t max_bytes)
{
    memset(h, 0, sizeof(*h));
    h->arena = a;
    h->max_bytes = max_bytes;
    err_clear(&h->err);
}

bool html_ok(const struct html *h)
{
    return h->err.status == FC_OK;
}

const struct fc_err *html_error(const struct html *h)
{
    return &h->err;
}

static void fail(struct html *h, enum fc_status status, const char *field, const char *msg)
{
    if (html_ok(h))
        err_set(&h->err, status, field, "%s", msg);
}

/* Makes room for n more bytes plus a NUL; false (and failed) if it cannot. */
static bool reserve(struct html *h, size_t n)
{
    if (!html_ok(h))
        return false;
    if (n > SIZE_MAX / 4 - h->len - 1) {
        fail(h, FC_ENOMEM, "", "page too large");
        return false;
    }
    size_t need = h->len + n + 1;
    if (h->max_bytes != 0 && need > h->max_bytes + 1) {
        fail(h, FC_ENOMEM, "", "page over its size limit");
        return false;
    }
    if (need <= h->cap)
        return true;
    size_t cap = h->cap ? h->cap : 1024;
    while (cap < need)
        cap *= 2;
    /* The old buffer stays in the arena until the request ends: at most the final size. */
    char *nb = arena_alloc(h->arena, cap);
    if (nb == NULL) {
        fail(h, FC_ENOMEM, "", "out of memory building a page");
        return false;
    }
    if (h->len > 0 && h->buf != NULL)
        memcpy(nb, h->buf, h->len);
    h->buf = nb;
    h->cap = cap;
    return true;
}

static void put(struct html *h, const char *s, size_t n)
{
    if (!reserve(h, n))
        return;
    memcpy(h->buf + h->len, s, n);
    h->len += n;
    h->buf[h->len] = '\0';
}

void html_raw(struct html *h, const char *markup)
{
    if (markup != NULL)
        put(h, markup, strlen(markup));
}

void html_textn(struct html *h, const char *text, size_t n)
{
    if (text == NULL)
        return;
    size_t start = 0;
    for (size_t i = 0; i < n; i++) {
        const char *rep;
        switch (text[i]) {
        case '&':
            rep = "&amp;";
            break;
        case '<':
            rep = "&lt;";
            break;
        case '>':
            rep = "&gt;";
            break;
        case '"':
            rep = "&quot;";
            break;
        case '\'':
            rep = "&#39;";
            break;
        case '\0':
            rep = ""; /* a NUL inside a counted string: drop it */
            break;
        default:
            continue;
        }
        put(h, text + start, i - start);
        put(h, rep, strlen(rep));
        start = i + 1;
    }
    put(h, text + start, n - start);
}

void html_text(struct html *h, const char *text)
{
    if (text != NULL)
        html_textn(h, text, strlen(text));
}

void html_textf(struct html *h, const char *fmt, ...)
{
    if (!html_ok(h))
        return;
    char small[256];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(small, sizeof(small), fmt, ap);
    va_end(ap);
    if (n < 0) {
        fail(h, FC_EINTERNAL, "", "bad format");
        return;
    }
    if ((size_t)n < sizeof(small)) {
        html_textn(h, small, (size_t)n);
        return;
    }
    char *big = arena_alloc(h->arena, (size_t)n + 1);
    if (big == NULL) {
        fail(h, FC_ENOMEM, "", "out of memory building a page");
        return;
    }
    va_start(ap, fmt);
    vsnprintf(big, (size_t)n + 1, fmt, ap);
    va_end(ap);
    html_textn(h, big, (size_t)n);
}

static bool is_lower_alpha(char c)
{
    return c >= 'a' && c <= 'z';
}

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static bool tag_name_ok(const char *tag)
{
    if (tag == NULL || !is_lower_alpha(tag[0]))
        return false;
    for (const char *p = tag + 1; *p; p++) {
        if (!is_lower_alpha(*p) && !is_digit(*p))
            return false;
    }
    return strlen(tag) <= 16;
}

/* Lower-case letters, digits, '-', ':' and '.' (hx-*, aria-*, data-*, x-on:keydown.enter);
 * never an event handler, inline style or srcdoc. */
static bool attr_name_ok(const char *name)
{
    if (name == NULL || !is_lower_alpha(name[0]) || strlen(name) > 40)
        return false;
    for (const char *p = name + 1; *p; p++) {
        if (!is_lower_alpha(*p) && !is_digit(*p) && *p != '-' && *p != ':' && *p != '.')
            return false;
    }
    if (strncmp(name, "on", 2) == 0 || strcmp(name, "style") == 0 || strcmp(name, "srcdoc") == 0 ||
        strcmp(name, "x-html") == 0)
        return false;
    return true;
}

static bool attr_is_url(const char *name)
{
    static const char *const url_attrs[] = { "href",      "src",     "action", "formaction",
                                             "hx-get",    "hx-post", "hx-put", "hx-patch",
                                             "hx-delete", "poster",  "cite",   NULL };
    for (const char *const *a = url_attrs; *a; a++) {
        if (strcmp(*a, name) == 0)
            return true;
    }
    return false;
}

bool html_url_is_safe(const char *url)
{
    if (url == NULL)
        return false;
    if (url[0] == '\0')
        return true;
    /* Browsers strip leading spaces and controls before reading a scheme: refuse them. */
    if ((unsigned char)url[0] <= 0x20)
        return false;
    size_t scheme_len = strcspn(url, ":/?#");
    if (url[scheme_len] != ':')
        return true; /* relative: path, query or fragment comes first */
    static const char *const schemes[] = { "http", "https", "mailto", "tel", NULL };
    for (const char *const *s = schemes; *s; s++) {
        if (strlen(*s) == scheme_len && strncasecmp(url, *s, scheme_len) == 0)
            return true;
    }
    return false;
}

void html_attr(struct html *h, const char *name, const char *value)
{
    if (!html_ok(h))
        return;
    if (!attr_name_ok(name)) {
        fail(h, FC_EINTERNAL, "", "refused an attribute name");
        return;
    }
    if (value == HTML_OMIT)
        return;
    if (value == NULL) {
        fail(h, FC_EINTERNAL, "", "attribute without a value");
        return;
    }
    if (attr_is_url(name) && !html_url_is_safe(value))
        value = "#";
    put(h, " ", 1);
    html_raw(h, name);
    put(h, "=\"", 2);
    html_text(h, value);
    put(h, "\"", 1);
}

void html_attrs_v(struct html *h, va_list ap)
{
    for (;;) {
        const char *name = va_arg(ap, const char *);
        if (name == NULL)
            break;
        const char *value = va_arg(ap, const char *);
        html_attr(h, name, value);
    }
}

void html_tag_start(struct html *h, const char *tag)
{
    if (!html_ok(h))
        return;
    if (!tag_name_ok(tag)) {
        fail(h, FC_EINTERNAL, "", "refused a tag name");
        return;
    }
    put(h, "<", 1);
    html_raw(h, tag);
}

void html_tag_end(struct html *h)
{
    put(h, ">", 1);
}

static void open_tag(struct html *h, const char *tag, va_list ap)
{
    html_tag_start(h, tag);
    html_attrs_v(h, ap);
    html_tag_end(h);
}

void html_open(struct html *h, const char *tag, ...)
{
    va_list ap;
    va_start(ap, tag);
    open_tag(h, tag, ap);
    va_end(ap);
}

void html_void(struct html *h, const char *tag, ...)
{
    va_list ap;
    va_start(ap, tag);
    open_tag(h, tag, ap);
    va_end(ap);
}

void html_close(struct html *h, const char *tag)
{
    if (!html_ok(h))
        return;
    if (!tag_name_ok(tag)) {
        fail(h, FC_EINTERNAL, "", "refused a tag name");
        return;
    }
    put(h, "</", 2);
    html_raw(h, tag);
    put(h, ">", 1);
}

void html_elem(struct html *h, const char *tag, const char *text, ...)
{
    va_list ap;
    va_start(ap, text);
    open_tag(h, tag, ap);
    va_end(ap);
    html_text(h, text);
    html_close(h, tag);
}

const char *html_finish(struct html *h, size_t *len_out)
{
    if (!html_ok(h)) {
        if (len_out)
            *len_out = 0;
        return NULL;
    }
    if (h->buf == NULL && !reserve(h, 0))
        return NULL;
    if (len_out)
        *len_out = h->len;
    return h->buf;
}
