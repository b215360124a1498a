/* util/csv.c: see csv.h. */
#include "util/csv.h"

#include <stdlib.h>
#include <string.h>

void csv_reader_init(struct csv_reader *r, const char *data, size_t len)
{
    memset(r, 0, sizeof(*r));
    r->p = data;
    r->end = data + len;
    if (len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0)
        r->p += 3;
    r->next_line = 1;
}

void csv_reader_free(struct csv_reader *r)
{
    free(r->buf);
    r->buf = NULL;
    r->buf_cap = 0;
}

static int buf_reserve(struct csv_reader *r, size_t need)
{
    if (need <= r->buf_cap)
        return 0;
    size_t cap = r->buf_cap ? r->buf_cap : 1024;
    while (cap < need)
        cap *= 2;
    char *nb = realloc(r->buf, cap);
    if (nb == NULL)
        return -1;
    r->buf = nb;
    r->buf_cap = cap;
    return 0;
}

int csv_read(struct csv_reader *r, struct fc_err *err)
{
    if (r->p >= r->end)
        return 0;
    r->line = r->next_line;
    /* worst case the record is the rest of the input, plus a NUL per field */
    size_t rest = (size_t)(r->end - r->p);
    if (buf_reserve(r, rest + CSV_MAX_FIELDS + 1) != 0)
        return err_set(err, FC_ENOMEM, "", "line %zu: out of memory", r->line);
    char *out = r->buf;
    size_t nf = 0;
    const char *p = r->p;
    for (;;) {
        if (nf == CSV_MAX_FIELDS)
            return err_set(err, FC_EINVAL, "", "line %zu: more than %d fields", r->line,
                           CSV_MAX_FIELDS);
        r->fields[nf++] = out;
        char *start = out;
        if (p < r->end && *p == '"') {
            p++;
            for (;;) {
                if (p >= r->end)
                    return err_set(err, FC_EINVAL, "", "line %zu: unterminated quoted field",
                                   r->line);
                if (*p == '"') {
                    if (p + 1 < r->end && p[1] == '"') {
                        *out++ = '"';
                        p += 2;
                        continue;
                    }
                    p++;
                    break;
                }
                if (*p == '\n')
                    r->next_line++;
                *out++ = *p++;
            }
            if (p < r->end && *p != ',' && *p != '\n' && *p != '\r')
                return err_set(err, FC_EINVAL, "", "line %zu: text after a closing quote",
                               r->line);
        } else {
            while (p < r->end && *p != ',' && *p != '\n' && *p != '\r') {
                if (*p == '"')
                    return err_set(err, FC_EINVAL, "", "line %zu: stray quote in a field",
                                   r->line);
                *out++ = *p++;
            }
        }
        if (r->max_field_bytes && (size_t)(out - start) > r->max_field_bytes)
            return err_set(err, FC_EINVAL, "", "line %zu: field %zu is too long", r->line, nf);
        *out++ = '\0';
        if (p < r->end && *p == ',') {
            p++;
            continue;
        }
        if (p < r->end && *p == '\r')
            p++;
        if (p < r->end && *p == '\n')
            p++;
        r->next_line++;
        break;
    }
    r->p = p;
    r->n_fields = nf;
    return 1;
}

int csv_field_index(const struct csv_reader *r, const char *name)
{
    for (size_t i = 0; i < r->n_fields; i++) {
        if (strcmp(r->fields[i], name) == 0)
            return (int)i;
    }
    return -1;
}

int csv_file_slurp(const char *path, char **out, size_t *len, struct fc_err *err)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return err_set(err, FC_ENOTFOUND, "file", "cannot open input file");
    char *data = NULL;
    size_t cap = 0, n = 0;
    for (;;) {
        if (cap - n < 65536) {
            cap = cap ? cap * 2 : 1 << 20;
            char *nd = realloc(data, cap + 1);
            if (nd == NULL) {
                free(data);
                fclose(f);
                return err_set(err, FC_ENOMEM, "file", "out of memory reading input");
            }
            data = nd;
        }
        size_t got = fread(data + n, 1, cap - n, f);
        n += got;
        if (got == 0)
            break;
    }
    bool failed = ferror(f) != 0;
    fclose(f);
    if (failed) {
        free(data);
        return err_set(err, FC_EUNAVAIL, "file", "read error");
    }
    data[n] = '\0';
    *out = data;
    *len = n;
    return FC_OK;
}

void csv_write_field(FILE *f, const char *s, bool guard_formula)
{
    if (s == NULL)
        s = "";
    bool guard = guard_formula && (s[0] == '=' || s[0] == '+' || s[0] == '-' || s[0] == '@' ||
                                   s[0] == '\t' || s[0] == '\r');
    bool quote = guard || strpbrk(s, ",\"\n\r") != NULL;
    if (!quote) {
        fputs(s, f);
        return;
    }
    fputc('"', f);
    if (guard)
        fputc('\'', f);
    for (const char *p = s; *p; p++) {
        if (*p == '"')
            fputc('"', f);
        fputc(*p, f);
    }
    fputc('"', f);
}
