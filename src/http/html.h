/*
 * http/html.h: an HTML builder that escapes by default.
 *
 * Pages and htmx fragments are written through this module only. Text and attribute
 * values are always escaped (& < > " '); markup is written only from tag and attribute
 * names, which must be plain lower-case words, and from html_raw(), which callers use for
 * string literals alone, never for data. URL-bearing attributes (href, src, action,
 * formaction, hx-get/post/put/patch/delete) only accept relative URLs or http(s), mailto
 * and tel; anything else (javascript:, data:) is written as "#". Event-handler attributes
 * (on*) and style= are refused: the Content-Security-Policy forbids them anyway, and
 * refusing them here keeps a page from silently breaking.
 *
 * The buffer lives in the caller's arena (one per request), so nothing is freed piecemeal.
 * The first failure (over max_bytes, out of memory, a bad tag or attribute name) makes the
 * builder sticky-failed: every later call is a no-op and html_finish() returns NULL with
 * the reason in html_error(). Knows nothing of HTTP or the domain.
 * Not thread-safe: one builder per request, on its worker thread.
 */
#ifndef FC_HTTP_HTML_H
#define FC_HTTP_HTML_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

#include "util/arena.h"
#include "util/err.h"

struct html {
    struct arena *arena;
    char *buf;
    size_t len;
    size_t cap;
    size_t max_bytes; /* 0: no limit beyond the arena's */
    struct fc_err err;
};

/* An attribute value that means "leave this attribute out", for conditional attributes:
 *     html_void(h, "input", "type", "checkbox", "checked", on ? "" : HTML_OMIT, NULL); */
extern const char HTML_OMIT[];

/* Starts an empty document in arena a; max_bytes 0 means only the arena limits it. */
void html_init(struct html *h, struct arena *a, size_t max_bytes);

/* Appends trusted markup. Only for string literals written in the source. */
void html_raw(struct html *h, const char *markup);
/* Appends text, escaped. NULL appends nothing. */
void html_text(struct html *h, const char *text);
/* Appends the first n bytes of text, escaped. */
void html_textn(struct html *h, const char *text, size_t n);
/* printf, then escapes the result. */
void html_textf(struct html *h, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/*
 * Opens an element: <tag name="value" ...>. The variadic part is name/value string pairs
 * ended by NULL. A value of "" gives a boolean attribute (name=""); HTML_OMIT skips the
 * pair.
 */
void html_open(struct html *h, const char *tag, ...) __attribute__((sentinel));
/* Same as html_open, for void elements (input, meta, link, br): nothing to close. */
void html_void(struct html *h, const char *tag, ...) __attribute__((sentinel));
/* The same in pieces, for attributes decided at run time:
 *     html_tag_start(h, "input"); html_attr(h, "name", n); html_attrs_v(h, ap); html_tag_end(h);
 * html_attr applies the same checks as html_open (HTML_OMIT skips it). */
void html_tag_start(struct html *h, const char *tag);
void html_attr(struct html *h, const char *name, const char *value);
void html_attrs_v(struct html *h, va_list ap);
void html_tag_end(struct html *h);
/* Closes an element: </tag>. */
void html_close(struct html *h, const char *tag);
/* <tag attrs>escaped text</tag> in one call. */
void html_elem(struct html *h, const char *tag, const char *text, ...) __attribute__((sentinel));

/* Whether an attribute value is acceptable as a URL (see the header comment). */
bool html_url_is_safe(const char *url);

/* True while no call has failed. */
bool html_ok(const struct html *h);
/* The first failure, FC_OK if none. */
const struct fc_err *html_error(const struct html *h);
/* The document (NUL-terminated, in the arena) and its length; NULL after a failure. */
const char *html_finish(struct html *h, size_t *len_out);

#endif
