/*
 * cli/cmd_import.c: `firstcontact import ENTITY FILE.csv`: load records from CSV.
 *
 * The layouts are those `export` writes (cli_entity.h), so an export imports back. The
 * whole file goes in one transaction: one bad row and nothing is written, and the error
 * names the line and the column. Ids in the file are kept, so references between entity
 * files stay true; an empty id lets the store choose. Import in the order
 * organisations, users, persons, incidents, contacts, flags.
 */
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/cli_entity.h"
#include "util/csv.h"
#include "util/timeutil.h"

#define MAX_COLUMNS 40

static const char usage[] =
    "usage: firstcontact import [options] ENTITY FILE.csv\n\n"
    "Loads FILE.csv (the layout `firstcontact export ENTITY` writes) in one transaction:\n"
    "if any row is bad, nothing is written and the error names its line and column.\n"
    "ENTITY: " CLI_ENTITIES " (import them in that order).\n"
    "Imported users have no password until `firstcontact user passwd` sets one.\n\n"
    "options:\n" CLI_COMMON_HELP;

struct importer {
    struct store *s;
    struct csv_reader r;
    const char *names[MAX_COLUMNS]; /* the entity's columns */
    int idx[MAX_COLUMNS];           /* their positions in the file, -1 if absent */
    size_t n_names;
    char *columns_copy;
    size_t row;     /* data row number, 1-based */
    struct arena a; /* per record (or per person group) */
};

static int column_of(const struct importer *im, const char *name)
{
    for (size_t i = 0; i < im->n_names; i++) {
        if (strcmp(im->names[i], name) == 0)
            return im->idx[i];
    }
    return -1;
}

/* The cell as text, NULL when empty or absent; undoes the export's formula guard. */
static const char *cell(const struct importer *im, const char *name)
{
    int i = column_of(im, name);
    if (i < 0 || (size_t)i >= im->r.n_fields)
        return NULL;
    const char *v = im->r.fields[i];
    if (v[0] == '\0')
        return NULL;
    if (v[0] == '\'' && strchr("=+-@\t\r", v[1]) != NULL && v[1] != '\0')
        return v + 1;
    return v;
}

static char *text(struct importer *im, const char *name)
{
    return arena_strdup(&im->a, cell(im, name));
}

static int id_cell(struct importer *im, const char *name, fc_id_t *out, struct fc_err *err)
{
    const char *v = cell(im, name);
    *out = 0;
    if (v == NULL)
        return FC_OK;
    char *end;
    long long x = strtoll(v, &end, 10);
    if (*end != '\0' || x <= 0)
        return err_set(err, FC_EINVAL, name, "%s must be a positive whole number", name);
    *out = x;
    return FC_OK;
}

static int time_cell(struct importer *im, const char *name, fc_time_t *out, int *offset,
                     struct fc_err *err)
{
    const char *v = cell(im, name);
    int off = 0;
    *out = 0;
    if (v == NULL)
        return FC_OK;
    if (!time_parse_iso8601(v, out, &off))
        return err_set(err, FC_EINVAL, name, "%s must be an ISO 8601 time with Z or an offset",
                       name);
    if (offset)
        *offset = off;
    return FC_OK;
}

static int bool_cell(struct importer *im, const char *name, bool *out, struct fc_err *err)
{
    const char *v = cell(im, name);
    *out = false;
    if (v == NULL || strcmp(v, "0") == 0 || strcmp(v, "false") == 0)
        return FC_OK;
    if (strcmp(v, "1") == 0 || strcmp(v, "true") == 0) {
        *out = true;
        return FC_OK;
    }
    return err_set(err, FC_EINVAL, name, "%s must be 0 or 1", name);
}

static int double_cell(struct importer *im, const char *name, double *out, struct fc_err *err)
{
    const char *v = cell(im, name);
    *out = NAN;
    if (v == NULL)
        return FC_OK;
    char *end;
    double x = strtod(v, &end);
    if (*end != '\0' || isnan(x) || isinf(x))
        return err_set(err, FC_EINVAL, name, "%s must be a number", name);
    *out = x;
    return FC_OK;
}

static int required(struct importer *im, const char *name, struct fc_err *err)
{
    return cell(im, name) ? FC_OK : err_set(err, FC_EINVAL, name, "%s is required", name);
}

/* Checks the header against the entity's columns: unknown columns are refused. */
static int read_header(struct importer *im, const char *entity, struct fc_err *err)
{
    im->columns_copy = strdup(cli_entity_columns(entity));
    if (im->columns_copy == NULL)
        return err_set(err, FC_ENOMEM, "", "out of memory");
    char *save = NULL;
    for (char *t = strtok_r(im->columns_copy, ",", &save); t && im->n_names < MAX_COLUMNS;
         t = strtok_r(NULL, ",", &save)) {
        im->names[im->n_names] = t;
        im->idx[im->n_names++] = -1;
    }
    int rc = csv_read(&im->r, err);
    if (rc < 0)
        return rc;
    if (rc == 0)
        return err_set(err, FC_EINVAL, "header", "the file is empty: expected a header line");
    for (size_t f = 0; f < im->r.n_fields; f++) {
        size_t i;
        for (i = 0; i < im->n_names; i++) {
            if (strcmp(im->names[i], im->r.fields[f]) == 0)
                break;
        }
        if (i == im->n_names)
            return err_set(err, FC_EINVAL, "header", "line 1: unknown column '%.40s' for %s",
                           im->r.fields[f], entity);
        if (im->idx[i] >= 0)
            return err_set(err, FC_EINVAL, "header", "line 1: column '%s' appears twice",
                           im->names[i]);
        im->idx[i] = (int)f;
    }
    return FC_OK;
}

static int import_org(struct importer *im, struct fc_err *err)
{
    struct organisation o = { 0 };
    int rc = id_cell(im, "id", &o.id, err);
    if (rc == FC_OK && !model_org_kind_parse(cell(im, "kind"), &o.kind))
        rc = err_set(err, FC_EINVAL, "kind", "kind is not a known organisation kind");
    if (rc == FC_OK)
        rc = required(im, "name", err);
    if (rc != FC_OK)
        return rc;
    o.name = text(im, "name");
    o.open311_jurisdiction = text(im, "open311_jurisdiction");
    return store_org_insert(im->s, &o, NULL, err);
}

static int import_user(struct importer *im, struct fc_err *err)
{
    struct user u = { 0 };
    int rc = id_cell(im, "id", &u.id, err);
    if (rc == FC_OK)
        rc = id_cell(im, "org_id", &u.org_id, err);
    if (rc == FC_OK)
        rc = required(im, "username", err);
    if (rc == FC_OK && !model_user_role_parse(cell(im, "role"), &u.role))
        rc = err_set(err, FC_EINVAL, "role", "role is not a known role");
    if (rc == FC_OK)
        rc = bool_cell(im, "is_disabled", &u.is_disabled, err);
    if (rc == FC_OK)
        rc = time_cell(im, "created_at", &u.created_at, NULL, err);
    if (rc != FC_OK)
        return rc;
    u.username = text(im, "username");
    u.display_name = text(im, "display_name");
    u.team = text(im, "team");
    return store_user_insert(im->s, &u, NULL, err);
}

/* Persons arrive one row per identifier; rows of one person are gathered, then inserted. */
struct person_group {
    struct person p;
    size_t cap[5];
    size_t *lines[5]; /* the line of each identifier, to name it in errors */
    size_t *rows[5];  /* and its data row */
    size_t first_line, first_row;
    bool is_open;
};

struct merge_link {
    fc_id_t from, into;
    size_t line, row;
};

struct person_import {
    struct person_group g;
    struct merge_link *merges;
    size_t n_merges, cap_merges;
};

static int prov_cells(struct importer *im, struct provenance *pv, struct fc_err *err)
{
    pv->source = text(im, "source");
    int rc = id_cell(im, "source_id", &pv->source_id, err);
    if (rc == FC_OK)
        rc = time_cell(im, "recorded_at", &pv->recorded_at, NULL, err);
    return rc;
}

/* Appends one element to a group array (identifier kind k) and records its line. */
static void *group_push(struct importer *im, struct person_group *g, int k, void *arr, size_t size,
                        size_t n, size_t line)
{
    if (n == g->cap[k]) {
        size_t cap = g->cap[k] ? g->cap[k] * 2 : 4;
        void *na = arena_alloc(&im->a, cap * size);
        size_t *nl = arena_alloc(&im->a, cap * sizeof(size_t));
        size_t *nr = arena_alloc(&im->a, cap * sizeof(size_t));
        if (na == NULL || nl == NULL || nr == NULL)
            return NULL;
        if (n) {
            memcpy(na, arr, n * size);
            memcpy(nl, g->lines[k], n * sizeof(size_t));
            memcpy(nr, g->rows[k], n * sizeof(size_t));
        }
        arr = na;
        g->lines[k] = nl;
        g->rows[k] = nr;
        g->cap[k] = cap;
    }
    g->lines[k][n] = line;
    g->rows[k][n] = im->row;
    return arr;
}

static int person_row(struct importer *im, struct person_group *g, struct fc_err *err)
{
    struct person *p = &g->p;
    const char *kind = cell(im, "kind");
    size_t line = im->r.line;
    int rc = FC_OK;
    if (kind == NULL)
        return FC_OK; /* a person with no identifiers */
    if (strcmp(kind, "name") == 0) {
        p->names = group_push(im, g, 0, p->names, sizeof(*p->names), p->n_names, line);
        if (p->names == NULL)
            return err_set(err, FC_ENOMEM, "", "out of memory");
        struct person_name *n = &p->names[p->n_names++];
        memset(n, 0, sizeof(*n));
        n->raw = text(im, "raw");
        n->forename = text(im, "forename");
        n->middles = text(im, "middles");
        n->surname = text(im, "surname");
        n->keys = text(im, "keys");
        return prov_cells(im, &n->prov, err);
    }
    if (strcmp(kind, "dob") == 0) {
        p->dobs = group_push(im, g, 1, p->dobs, sizeof(*p->dobs), p->n_dobs, line);
        if (p->dobs == NULL)
            return err_set(err, FC_ENOMEM, "", "out of memory");
        struct person_dob *d = &p->dobs[p->n_dobs++];
        memset(d, 0, sizeof(*d));
        d->raw = text(im, "raw");
        const char *date = cell(im, "date");
        if (date == NULL || strlen(date) != 10)
            return err_set(err, FC_EINVAL, "date", "date must be YYYY-MM-DD");
        memcpy(d->date, date, 11);
        if (!model_dob_precision_parse(cell(im, "precision") ? cell(im, "precision") : "full",
                                       &d->precision))
            return err_set(err, FC_EINVAL, "precision",
                           "precision must be full, year_month or "
                           "year");
        rc = bool_cell(im, "is_placeholder", &d->is_placeholder, err);
        return rc == FC_OK ? prov_cells(im, &d->prov, err) : rc;
    }
    if (strcmp(kind, "phone") == 0) {
        p->phones = group_push(im, g, 2, p->phones, sizeof(*p->phones), p->n_phones, line);
        if (p->phones == NULL)
            return err_set(err, FC_ENOMEM, "", "out of memory");
        struct person_phone *ph = &p->phones[p->n_phones++];
        memset(ph, 0, sizeof(*ph));
        ph->raw = text(im, "raw");
        ph->e164 = text(im, "e164");
        ph->kind = text(im, "phone_kind");
        return prov_cells(im, &ph->prov, err);
    }
    if (strcmp(kind, "email") == 0) {
        p->emails = group_push(im, g, 3, p->emails, sizeof(*p->emails), p->n_emails, line);
        if (p->emails == NULL)
            return err_set(err, FC_ENOMEM, "", "out of memory");
        struct person_email *e = &p->emails[p->n_emails++];
        memset(e, 0, sizeof(*e));
        e->raw = text(im, "raw");
        e->norm = text(im, "email");
        return prov_cells(im, &e->prov, err);
    }
    if (strcmp(kind, "address") == 0) {
        p->addresses =
            group_push(im, g, 4, p->addresses, sizeof(*p->addresses), p->n_addresses, line);
        if (p->addresses == NULL)
            return err_set(err, FC_ENOMEM, "", "out of memory");
        struct person_address *ad = &p->addresses[p->n_addresses++];
        memset(ad, 0, sizeof(*ad));
        ad->raw = text(im, "raw");
        ad->flat = text(im, "flat");
        ad->number = text(im, "number");
        ad->building = text(im, "building");
        ad->street = text(im, "street");
        ad->town = text(im, "town");
        ad->postcode = text(im, "postcode");
        ad->uprn = text(im, "uprn");
        ad->keys = text(im, "keys");
        rc = double_cell(im, "lat", &ad->lat, err);
        if (rc == FC_OK)
            rc = double_cell(im, "lon", &ad->lon, err);
        if (rc == FC_OK)
            rc = time_cell(im, "valid_from", &ad->valid_from, NULL, err);
        if (rc == FC_OK)
            rc = time_cell(im, "valid_to", &ad->valid_to, NULL, err);
        return rc == FC_OK ? prov_cells(im, &ad->prov, err) : rc;
    }
    return err_set(err, FC_EINVAL, "kind", "kind must be name, dob, phone, email or address");
}

/* Inserts the gathered person; an identifier's error is reported at its own line. */
static int group_flush(struct importer *im, struct person_group *g, size_t *err_line,
                       size_t *err_row, struct fc_err *err)
{
    if (!g->is_open)
        return FC_OK;
    g->is_open = false;
    int rc = store_person_insert(im->s, &g->p, NULL, err);
    *err_line = g->first_line;
    *err_row = g->first_row;
    if (rc != FC_OK && err) {
        static const char *const kinds[5] = { "names[", "dobs[", "phones[", "emails[",
                                              "addresses[" };
        for (int k = 0; k < 5; k++) {
            size_t len = strlen(kinds[k]);
            if (strncmp(err->field, kinds[k], len) == 0) {
                size_t i = strtoul(err->field + len, NULL, 10);
                if (i < g->cap[k]) {
                    *err_line = g->lines[k][i];
                    *err_row = g->rows[k][i];
                }
                const char *dot = strchr(err->field, '.');
                if (dot)
                    memmove(err->field, dot + 1, strlen(dot));
            }
        }
    }
    memset(g, 0, sizeof(*g));
    arena_free(&im->a);
    return rc;
}

/* Prefixes the error with where it is: "line 8 (row 7): ...". */
static int row_error(size_t line, size_t row, int rc, struct fc_err *err)
{
    if (err) {
        struct fc_err inner = *err;
        err_set(err, rc, inner.field, "line %zu (row %zu): %s", line, row, inner.msg);
    }
    return rc;
}

static int import_persons(struct importer *im, struct cli_progress *pr, const char *data,
                          struct fc_err *err)
{
    struct person_import pi = { 0 };
    struct person_group *g = &pi.g;
    fc_id_t current = -1;
    size_t err_line = 0, err_row = 0;
    int rc;
    while ((rc = csv_read(&im->r, err)) == 1) {
        im->row++;
        fc_id_t pid, merged;
        size_t line = im->r.line;
        rc = id_cell(im, "person_id", &pid, err);
        if (rc == FC_OK)
            rc = id_cell(im, "merged_into", &merged, err);
        if (rc != FC_OK)
            goto bad_row;
        if (!g->is_open || pid == 0 || pid != current) {
            rc = group_flush(im, g, &err_line, &err_row, err);
            if (rc != FC_OK)
                goto out_line;
            g->is_open = true;
            g->first_line = line;
            g->first_row = im->row;
            g->p.id = pid;
            current = pid;
            rc = time_cell(im, "created_at", &g->p.created_at, NULL, err);
            if (rc != FC_OK)
                goto bad_row;
            if (merged != 0) {
                if (pi.n_merges == pi.cap_merges) {
                    size_t cap = pi.cap_merges ? pi.cap_merges * 2 : 16;
                    struct merge_link *nm = realloc(pi.merges, cap * sizeof(*nm));
                    if (nm == NULL) {
                        rc = err_set(err, FC_ENOMEM, "", "out of memory");
                        goto out;
                    }
                    pi.merges = nm;
                    pi.cap_merges = cap;
                }
                pi.merges[pi.n_merges++] = (struct merge_link){ pid, merged, line, im->row };
                if (pid == 0) {
                    rc = err_set(err, FC_EINVAL, "merged_into", "merged_into needs a person_id");
                    goto bad_row;
                }
            }
        }
        rc = person_row(im, g, err);
        if (rc != FC_OK)
            goto bad_row;
        cli_progress_update(pr, (size_t)(im->r.p - data));
    }
    if (rc < 0)
        goto out;
    rc = group_flush(im, g, &err_line, &err_row, err);
    if (rc != FC_OK)
        goto out_line;
    for (size_t i = 0; i < pi.n_merges; i++) {
        rc = store_person_set_merged(im->s, pi.merges[i].from, pi.merges[i].into, err);
        if (rc == FC_OK) {
            /* a merge combines two records (DPA 2018 s.62): one event per merge */
            char detail[64];
            snprintf(detail, sizeof(detail), "merged into person %lld (import)",
                     (long long)pi.merges[i].into);
            struct audit_event ev = { .action = AUDIT_COMBINE,
                                      .object_type = "person",
                                      .object_id = pi.merges[i].from,
                                      .purpose = "import",
                                      .detail = detail };
            rc = store_audit_append(im->s, &ev, err);
        }
        if (rc != FC_OK) {
            err_line = pi.merges[i].line;
            err_row = pi.merges[i].row;
            goto out_line;
        }
    }
    goto out;
bad_row:
    err_line = im->r.line;
    err_row = im->row;
out_line:
    rc = row_error(err_line, err_row, rc, err);
out:
    free(pi.merges);
    arena_free(&im->a);
    return rc;
}

static int import_contact(struct importer *im, struct fc_err *err)
{
    struct contact c = { 0 };
    int rc = id_cell(im, "id", &c.id, err);
    if (rc == FC_OK && !model_channel_parse(cell(im, "channel"), &c.channel))
        rc = err_set(err, FC_EINVAL, "channel",
                     "channel must be phone, online, open311 or partner_referral");
    if (rc == FC_OK)
        rc = required(im, "received_at", err);
    if (rc == FC_OK)
        rc = time_cell(im, "received_at", &c.received_at, &c.received_offset_min, err);
    if (rc == FC_OK)
        rc = id_cell(im, "handler_user_id", &c.handler_user_id, err);
    if (rc == FC_OK)
        rc = id_cell(im, "org_id", &c.org_id, err);
    if (rc == FC_OK)
        rc = id_cell(im, "caller_person_id", &c.caller_person_id, err);
    if (rc == FC_OK)
        rc = id_cell(im, "incident_id", &c.incident_id, err);
    if (rc == FC_OK)
        rc = time_cell(im, "created_at", &c.created_at, NULL, err);
    if (rc != FC_OK)
        return rc;
    c.raw_details = text(im, "raw_details");
    c.match_snapshot = text(im, "match_snapshot");
    return store_contact_insert(im->s, &c, NULL, err);
}

/* "12:victim;13:suspect:hate" */
static int persons_cell(struct importer *im, struct incident *in, struct fc_err *err)
{
    const char *v = cell(im, "persons");
    if (v == NULL)
        return FC_OK;
    size_t n = 1;
    for (const char *p = v; *p; p++)
        n += *p == ';';
    in->persons = arena_alloc(&im->a, n * sizeof(*in->persons));
    char *copy = arena_strdup(&im->a, v);
    if (in->persons == NULL || copy == NULL)
        return err_set(err, FC_ENOMEM, "", "out of memory");
    char *save = NULL;
    for (char *t = strtok_r(copy, ";", &save); t; t = strtok_r(NULL, ";", &save)) {
        struct incident_person *ip = &in->persons[in->n_persons];
        char *role = strchr(t, ':');
        if (role == NULL)
            return err_set(err, FC_EINVAL, "persons", "persons entries are person_id:role");
        *role++ = '\0';
        char *hate = strchr(role, ':');
        if (hate)
            *hate++ = '\0';
        char *end;
        long long id = strtoll(t, &end, 10);
        if (*end != '\0' || id <= 0)
            return err_set(err, FC_EINVAL, "persons", "persons: person_id must be a number");
        if (!model_person_role_parse(role, &ip->role))
            return err_set(err, FC_EINVAL, "persons",
                           "persons: role must be caller, victim, witness or suspect");
        if (hate && strcmp(hate, "hate") != 0)
            return err_set(err, FC_EINVAL, "persons", "persons: only ':hate' may follow a role");
        ip->person_id = id;
        ip->is_hate_strand = hate != NULL;
        in->n_persons++;
    }
    return FC_OK;
}

static int import_incident(struct importer *im, struct fc_err *err)
{
    struct incident in = { 0 };
    int rc = id_cell(im, "id", &in.id, err);
    if (rc == FC_OK)
        rc = id_cell(im, "org_id", &in.org_id, err);
    if (rc == FC_OK && !model_nsir_category_parse(cell(im, "category"), &in.category))
        rc = err_set(err, FC_EINVAL, "category",
                     "category must be personal, nuisance or environmental");
    if (rc == FC_OK && !model_incident_status_parse(cell(im, "status"), &in.status))
        rc = err_set(err, FC_EINVAL, "status", "status must be open or closed");
    if (rc == FC_OK)
        rc = double_cell(im, "lat", &in.lat, err);
    if (rc == FC_OK)
        rc = double_cell(im, "lon", &in.lon, err);
    if (rc == FC_OK)
        rc = bool_cell(im, "is_police_only", &in.is_police_only, err);
    if (rc == FC_OK)
        rc = time_cell(im, "occurred_at", &in.occurred_at, NULL, err);
    if (rc == FC_OK)
        rc = time_cell(im, "created_at", &in.created_at, NULL, err);
    if (rc == FC_OK)
        rc = time_cell(im, "closed_at", &in.closed_at, NULL, err);
    if (rc == FC_OK)
        rc = persons_cell(im, &in, err);
    if (rc != FC_OK)
        return rc;
    in.incident_type = text(im, "incident_type");
    in.description = text(im, "description");
    in.location_raw = text(im, "location_raw");
    in.location_postcode = text(im, "location_postcode");
    in.location_key = text(im, "location_key");
    in.lsoa_code = text(im, "lsoa_code");
    in.grade = text(im, "grade");
    in.risk_level = text(im, "risk_level");
    in.closure_code = text(im, "closure_code");
    in.outcome = text(im, "outcome");
    return store_incident_insert(im->s, &in, NULL, err);
}

static int import_flag(struct importer *im, struct fc_err *err)
{
    struct flag f = { 0 };
    int rc = id_cell(im, "id", &f.id, err);
    if (rc == FC_OK)
        rc = id_cell(im, "person_id", &f.person_id, err);
    if (rc == FC_OK)
        rc = id_cell(im, "org_id", &f.org_id, err);
    if (rc == FC_OK)
        rc = required(im, "flagged_at", err);
    if (rc == FC_OK)
        rc = time_cell(im, "flagged_at", &f.flagged_at, NULL, err);
    if (rc == FC_OK)
        rc = time_cell(im, "withdrawn_at", &f.withdrawn_at, NULL, err);
    if (rc == FC_OK)
        rc = double_cell(im, "match_probability", &f.match_probability, err);
    if (rc != FC_OK)
        return rc;
    f.kind = text(im, "kind");
    f.agency = text(im, "agency");
    f.reason = text(im, "reason");
    f.review_date = text(im, "review_date");
    f.sharing_basis = text(im, "sharing_basis");
    f.external_ref = text(im, "external_ref");
    f.raw_details = text(im, "raw_details");
    return store_flag_insert(im->s, &f, NULL, err);
}

typedef int (*import_row_fn)(struct importer *im, struct fc_err *err);

static int import_rows(struct importer *im, import_row_fn fn, struct cli_progress *pr,
                       const char *data, struct fc_err *err)
{
    int rc;
    while ((rc = csv_read(&im->r, err)) == 1) {
        im->row++;
        rc = fn(im, err);
        arena_free(&im->a);
        if (rc != FC_OK)
            return row_error(im->r.line, im->row, rc, err);
        cli_progress_update(pr, (size_t)(im->r.p - data));
    }
    return rc < 0 ? rc : FC_OK;
}

static int import_file(struct store *s, const char *entity, const char *path, size_t *rows,
                       struct fc_err *err)
{
    char *data = NULL;
    size_t len = 0;
    struct importer im = { .s = s };
    struct cli_progress pr;
    int rc = csv_file_slurp(path, &data, &len, err);
    if (rc != FC_OK)
        return rc;
    csv_reader_init(&im.r, data, len);
    arena_init(&im.a, 0);
    rc = read_header(&im, entity, err);
    if (rc != FC_OK)
        goto out;
    cli_progress_start(&pr, entity, len);
    rc = store_txn_begin(s, err);
    if (rc != FC_OK)
        goto out;
    if (strcmp(entity, "persons") == 0)
        rc = import_persons(&im, &pr, data, err);
    else if (strcmp(entity, "organisations") == 0)
        rc = import_rows(&im, import_org, &pr, data, err);
    else if (strcmp(entity, "users") == 0)
        rc = import_rows(&im, import_user, &pr, data, err);
    else if (strcmp(entity, "contacts") == 0)
        rc = import_rows(&im, import_contact, &pr, data, err);
    else if (strcmp(entity, "incidents") == 0)
        rc = import_rows(&im, import_incident, &pr, data, err);
    else
        rc = import_rows(&im, import_flag, &pr, data, err);
    char detail[64];
    snprintf(detail, sizeof(detail), "import of %zu rows (CLI)", im.row);
    struct audit_event ev = { .action = AUDIT_COLLECT,
                              .object_type = (char *)entity,
                              .purpose = "import",
                              .detail = detail };
    if (rc == FC_OK)
        rc = store_audit_append(s, &ev, err);
    if (rc == FC_OK)
        rc = store_txn_commit(s, err);
    else
        store_txn_rollback(s);
    cli_progress_end(&pr);
    *rows = im.row;
out:
    csv_reader_free(&im.r);
    arena_free(&im.a);
    free(im.columns_copy);
    free(data);
    return rc;
}

int cmd_import(int argc, char **argv)
{
    static const struct option opts[] = { CLI_COMMON_OPTIONS, { 0, 0, 0, 0 } };
    struct cli_common co = { 0 };
    struct fc_err err = { 0 };
    int opt;
    optind = 1;
    while ((opt = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        if (opt == 'h') {
            fputs(usage, stdout);
            return 0;
        }
        if (!cli_common_take(&co, opt, optarg)) {
            fputs(usage, stderr);
            return 2;
        }
    }
    if (optind != argc - 2) {
        fputs(usage, stderr);
        return 2;
    }
    const char *entity = argv[optind], *path = argv[optind + 1];
    if (cli_entity_columns(entity) == NULL) {
        fprintf(stderr, "firstcontact import: unknown entity '%s' (one of " CLI_ENTITIES ")\n",
                entity);
        return 2;
    }
    struct config cfg;
    if (cli_config_load(&co, &cfg, &err) != FC_OK)
        return cli_fail("import", &err);
    struct store *s = NULL;
    size_t rows = 0;
    int rc = cli_open_store(&cfg, &s, &err);
    if (rc == FC_OK)
        rc = import_file(s, entity, path, &rows, &err);
    if (rc == FC_OK)
        printf("imported %zu %s rows\n", rows, entity);
    store_close(s);
    config_free(&cfg);
    if (rc != FC_OK) {
        cli_fail("import", &err);
        fprintf(stderr, "firstcontact import: nothing was imported\n");
        return 1;
    }
    return 0;
}
