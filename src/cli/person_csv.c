/* cli/person_csv.c: person records from CSV with a column mapping. */
#include "cli/person_csv.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/csv.h"

const char *const dd_names[DD_COUNT] = { "id",    "forename", "surname", "name",
                                                "dob",   "phone",    "email",   "address",
                                                "postcode", "reference" };

/* default column names for each field, tried in order */
static const char *const dd_defaults[DD_COUNT][6] = {
    { "record_id", "unique_id", "rec_id", "id", "call_id" },
    { "forename", "first_name", "given_name", NULL },
    { "surname", "last_name", "family_name", NULL },
    { "name", "full_name", NULL },
    { "dob", "date_of_birth", "birth_date", NULL },
    { "phone", "telephone", "phone_number", NULL },
    { "email", "email_address", NULL },
    { "address", "address_1", "street", NULL },
    { "postcode", "post_code", "zip", NULL },
    { "reference", "soc_sec_id", "nhs_number", NULL },
};

void dd_trim(char *s)
{
    size_t n = strlen(s);
    while (n > 0 && isspace((unsigned char)s[n - 1]))
        s[--n] = '\0';
    size_t i = 0;
    while (isspace((unsigned char)s[i]))
        i++;
    if (i)
        memmove(s, s + i, n - i + 1);
}

static int header_index(char **hdr, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(hdr[i], name) == 0)
            return (int)i;
    return -1;
}

int dd_map_parse(struct dd_map *m, const char *arg)
{
    char *copy = strdup(arg), *save = NULL;
    int rc = 0;
    for (char *item = strtok_r(copy, ",", &save); item; item = strtok_r(NULL, ",", &save)) {
        char *eq = strchr(item, '=');
        if (!eq) {
            fprintf(stderr, "dedupe: --map item '%s' is not field=column\n", item);
            rc = -1;
            break;
        }
        *eq = '\0';
        int f = -1;
        for (int i = 0; i < DD_COUNT; i++)
            if (strcmp(item, dd_names[i]) == 0)
                f = i;
        if (f < 0) {
            fprintf(stderr, "dedupe: --map field '%s' is unknown (id, forename, surname, name, "
                            "dob, phone, email, address, postcode, reference)\n", item);
            rc = -1;
            break;
        }
        free(m->spec[f]);
        m->spec[f] = strdup(eq + 1);
    }
    free(copy);
    return rc;
}

/* Resolves the mapping against a header; returns -1 (message printed) on a missing column. */
int dd_map_resolve(struct dd_map *m, char **hdr, size_t n, const char *path)
{
    for (int f = 0; f < DD_COUNT; f++) {
        m->n_cols[f] = 0;
        if (m->spec[f]) {
            char *copy = strdup(m->spec[f]), *save = NULL;
            for (char *c = strtok_r(copy, "+", &save); c && m->n_cols[f] < DD_MAX_JOIN;
                 c = strtok_r(NULL, "+", &save)) {
                int i = header_index(hdr, n, c);
                if (i < 0) {
                    fprintf(stderr, "dedupe: %s has no column '%s' (mapped to %s)\n", path, c,
                            dd_names[f]);
                    free(copy);
                    return -1;
                }
                m->cols[f][m->n_cols[f]++] = i;
            }
            free(copy);
        } else {
            for (int k = 0; dd_defaults[f][k]; k++) {
                int i = header_index(hdr, n, dd_defaults[f][k]);
                if (i >= 0) {
                    m->cols[f][m->n_cols[f]++] = i;
                    break;
                }
            }
        }
    }
    if (m->n_cols[DD_ID] == 0) {
        fprintf(stderr, "dedupe: %s has no record id column (use --map id=COLUMN)\n", path);
        return -1;
    }
    return 0;
}


int dd_file_each(struct dd_map *m, const char *path, dd_record_cb cb, void *ctx)
{
    char *data = NULL;
    size_t len = 0;
    struct fc_err err;
    if (csv_file_slurp(path, &data, &len, &err) != FC_OK) {
        fprintf(stderr, "%s: %s\n", path, err.msg);
        return -1;
    }
    struct csv_reader r;
    csv_reader_init(&r, data, len);
    int rc = csv_read(&r, &err), status = -1;
    char *hdr[CSV_MAX_FIELDS];
    size_t nh = rc == 1 ? r.n_fields : 0;
    for (size_t i = 0; i < nh; i++) {
        hdr[i] = strdup(r.fields[i]);
        dd_trim(hdr[i]);
    }
    if (nh == 0) {
        fprintf(stderr, "%s has no header row\n", path);
        goto out;
    }
    if (dd_map_resolve(m, hdr, nh, path) != 0)
        goto out;
    while ((rc = csv_read(&r, &err)) == 1) {
        if (r.n_fields != nh) {
            fprintf(stderr, "%s line %zu has %zu fields, expected %zu\n", path, r.line,
                    r.n_fields, nh);
            goto out;
        }
        char *vals[DD_COUNT];
        char buf[DD_COUNT][512];
        for (int f = 0; f < DD_COUNT; f++) {
            size_t l = 0;
            buf[f][0] = '\0';
            for (int k = 0; k < m->n_cols[f] && l < sizeof buf[f]; k++)
                l += (size_t)snprintf(buf[f] + l, sizeof buf[f] - l, "%s%s", l ? " " : "",
                                      r.fields[m->cols[f][k]]);
            dd_trim(buf[f]);
            vals[f] = buf[f];
        }
        if (cb(ctx, vals) != 0)
            goto out;
    }
    if (rc < 0) {
        fprintf(stderr, "%s: %s\n", path, err.msg);
        goto out;
    }
    status = 0;
out:
    for (size_t i = 0; i < nh; i++)
        free(hdr[i]);
    csv_reader_free(&r);
    free(data);
    return status;
}
