/* util/xml.c: the Spark-convention XML writer (see xml.h). */
#include "util/xml.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* A growing output buffer; `failed` sticks once anything went wrong. */
struct xbuf {
    char *p;
    size_t len, cap;
    bool failed;
};

static void put(struct xbuf *b, const char *s, size_t n)
{
    if (b->failed)
        return;
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 1024;
        while (cap < b->len + n + 1)
            cap *= 2;
        char *np = realloc(b->p, cap);
        if (np == NULL) {
            b->failed = true;
            return;
        }
        b->p = np;
        b->cap = cap;
    }
    memcpy(b->p + b->len, s, n);
    b->len += n;
    b->p[b->len] = '\0';
}

static void puts_(struct xbuf *b, const char *s)
{
    put(b, s, strlen(s));
}

bool xml_name_is_valid(const char *s)
{
    if (s == NULL || s[0] == '\0')
        return false;
    if (!((s[0] >= 'A' && s[0] <= 'Z') || (s[0] >= 'a' && s[0] <= 'z') || s[0] == '_'))
        return false;
    /* names starting "xml" (any case) are reserved by the XML specification */
    if (strncasecmp(s, "xml", 3) == 0)
        return false;
    for (const char *c = s + 1; *c; c++) {
        if (!((*c >= 'A' && *c <= 'Z') || (*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') ||
              *c == '_' || *c == '.' || *c == '-'))
            return false;
    }
    return true;
}

const char *xml_item_name(const char *key, char *buf, size_t cap)
{
    size_t n = strlen(key);
    if (strcmp(key, "service_requests") == 0)
        snprintf(buf, cap, "request");
    else if (strcmp(key, "service_request_updates") == 0)
        snprintf(buf, cap, "request_update");
    else if (n > 1 && key[n - 1] == 's')
        snprintf(buf, cap, "%.*s", (int)(n - 1), key);
    else
        snprintf(buf, cap, "%s", key);
    return buf;
}

static void put_text(struct xbuf *b, const char *s, size_t n)
{
    size_t run = 0; /* start of the pending run of plain bytes */
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        const char *rep = NULL;
        switch (c) {
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
            rep = "&apos;";
            break;
        case '\r':
            rep = "&#13;";
            break;
        default:
            if (c < 0x20 && c != '\t' && c != '\n')
                rep = "\xEF\xBF\xBD"; /* U+FFFD: XML 1.0 has no way to carry it */
            break;
        }
        if (rep != NULL) {
            put(b, s + run, i - run);
            puts_(b, rep);
            run = i + 1;
        }
    }
    put(b, s + run, n - run);
}

static void open_tag(struct xbuf *b, const char *name)
{
    puts_(b, "<");
    puts_(b, name);
    puts_(b, ">");
}

static void close_tag(struct xbuf *b, const char *name)
{
    puts_(b, "</");
    puts_(b, name);
    puts_(b, ">");
}

static void element(struct xbuf *b, const char *name, const json_t *v, int depth);

static void members(struct xbuf *b, const json_t *obj, int depth)
{
    const char *key;
    json_t *v;
    json_object_foreach((json_t *)obj, key, v)
    {
        element(b, key, v, depth + 1);
    }
}

static void element(struct xbuf *b, const char *name, const json_t *v, int depth)
{
    char num[64];
    if (depth > 32 || !xml_name_is_valid(name)) {
        b->failed = true;
        return;
    }
    switch (json_typeof(v)) {
    case JSON_NULL:
        puts_(b, "<");
        puts_(b, name);
        puts_(b, "/>");
        return;
    case JSON_TRUE:
    case JSON_FALSE:
        open_tag(b, name);
        puts_(b, json_is_true(v) ? "true" : "false");
        close_tag(b, name);
        return;
    case JSON_INTEGER:
        snprintf(num, sizeof(num), "%" JSON_INTEGER_FORMAT, json_integer_value(v));
        open_tag(b, name);
        puts_(b, num);
        close_tag(b, name);
        return;
    case JSON_REAL:
        snprintf(num, sizeof(num), "%.17g", json_real_value(v));
        open_tag(b, name);
        puts_(b, num);
        close_tag(b, name);
        return;
    case JSON_STRING:
        open_tag(b, name);
        put_text(b, json_string_value(v), json_string_length(v));
        close_tag(b, name);
        return;
    case JSON_OBJECT:
        open_tag(b, name);
        members(b, v, depth);
        close_tag(b, name);
        return;
    case JSON_ARRAY: {
        char item[96];
        xml_item_name(name, item, sizeof(item));
        open_tag(b, name);
        size_t i;
        json_t *x;
        json_array_foreach(v, i, x)
        {
            element(b, item, x, depth + 1);
        }
        close_tag(b, name);
        return;
    }
    }
    b->failed = true;
}

char *xml_spark_render(const json_t *doc, const char *root, const char *item, struct arena *a,
                       size_t *len)
{
    struct xbuf b = { 0 };
    char item_buf[96];
    if (doc == NULL || !xml_name_is_valid(root))
        return NULL;
    puts_(&b, "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
    if (json_is_array(doc)) {
        const char *iname = item ? item : xml_item_name(root, item_buf, sizeof(item_buf));
        if (!xml_name_is_valid(iname)) {
            free(b.p);
            return NULL;
        }
        open_tag(&b, root);
        size_t i;
        json_t *x;
        json_array_foreach(doc, i, x)
        {
            element(&b, iname, x, 1);
        }
        close_tag(&b, root);
    } else if (json_is_object(doc)) {
        open_tag(&b, root);
        members(&b, doc, 0);
        close_tag(&b, root);
    } else {
        b.failed = true;
    }
    puts_(&b, "\n");
    char *out = NULL;
    if (!b.failed) {
        out = arena_strndup(a, b.p, b.len);
        if (out != NULL && len != NULL)
            *len = b.len;
    }
    free(b.p);
    return out;
}
