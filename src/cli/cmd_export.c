/*
 * cli/cmd_export.c: `firstcontact export ENTITY`: one entity as CSV (cli_entity.h).
 *
 * Text cells go through the formula-injection guard (a leading = + - @ gets an apostrophe)
 * because exports are opened in spreadsheets; numbers and times are written plain. User
 * exports never include password hashes or MFA secrets. Every export is audited.
 */
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/cli_entity.h"
#include "domain/retention/subject.h"
#include "util/csv.h"
#include "util/timeutil.h"

static const char usage[] =
    "usage: firstcontact export [options] ENTITY\n"
    "       firstcontact export --subject PERSON_ID [options]\n\n"
    "Writes every record of ENTITY as CSV to standard output (or --out FILE).\n"
    "ENTITY: " CLI_ENTITIES ".\n"
    "Persons are one row per identifier. User exports hold no password hashes.\n"
    "--subject writes everything held about one person as JSON (subject access, DPA 2018\n"
    "s.45): review it before disclosure, as free text may name third parties.\n\n"
    "options:\n"
    "  --out FILE         write to FILE instead of standard output\n"
    "  --purpose TEXT     the reason for the export, kept in the audit trail\n"
    "  --subject ID       the subject-access export of person ID (JSON)\n" CLI_COMMON_HELP;

struct exporter {
    FILE *f;
    size_t rows;
    struct cli_progress progress;
    bool first; /* no cell written yet on this line */
};

static void cell_text(struct exporter *x, const char *s)
{
    if (!x->first)
        fputc(',', x->f);
    x->first = false;
    csv_write_field(x->f, s, true);
}

static void cell_plain(struct exporter *x, const char *s)
{
    if (!x->first)
        fputc(',', x->f);
    x->first = false;
    fputs(s ? s : "", x->f);
}

static void cell_int(struct exporter *x, long long v, bool zero_is_empty)
{
    char buf[32] = "";
    if (!(zero_is_empty && v == 0))
        snprintf(buf, sizeof(buf), "%lld", v);
    cell_plain(x, buf);
}

static void cell_bool(struct exporter *x, bool v)
{
    cell_plain(x, v ? "1" : "0");
}

static void cell_double(struct exporter *x, double v)
{
    char buf[40] = "";
    if (!isnan(v))
        snprintf(buf, sizeof(buf), "%.7f", v);
    cell_plain(x, buf);
}

static void cell_time(struct exporter *x, fc_time_t t)
{
    char buf[32] = "";
    if (t != 0)
        time_format_utc(t, buf, sizeof(buf));
    cell_plain(x, buf);
}

/* Local time with its offset: "2026-06-01T10:00:00+01:00". */
static void cell_time_offset(struct exporter *x, fc_time_t t, int offset_min)
{
    char buf[40];
    time_format_utc(t + (fc_time_t)offset_min * 60, buf, sizeof(buf));
    size_t n = strlen(buf);
    if (n > 0 && buf[n - 1] == 'Z' && offset_min != 0) {
        int a = offset_min < 0 ? -offset_min : offset_min;
        snprintf(buf + n - 1, sizeof(buf) - (n - 1), "%c%02d:%02d", offset_min < 0 ? '-' : '+',
                 a / 60, a % 60);
    }
    cell_plain(x, buf);
}

static void row_end(struct exporter *x)
{
    fputc('\n', x->f);
    x->first = true;
    x->rows++;
    cli_progress_update(&x->progress, x->rows);
}

static void header(struct exporter *x, const char *columns)
{
    fputs(columns, x->f);
    fputc('\n', x->f);
}

static int export_orgs(struct store *s, struct exporter *x, struct fc_err *err)
{
    struct arena a;
    struct organisation *o;
    size_t n;
    arena_init(&a, 0);
    int rc = store_org_list(s, &a, &o, &n, err);
    for (size_t i = 0; rc == FC_OK && i < n; i++) {
        cell_int(x, o[i].id, false);
        cell_plain(x, model_org_kind_name(o[i].kind));
        cell_text(x, o[i].name);
        cell_text(x, o[i].open311_jurisdiction);
        row_end(x);
    }
    arena_free(&a);
    return rc;
}

static int export_users(struct store *s, struct exporter *x, struct fc_err *err)
{
    struct arena a;
    struct user *u;
    size_t n;
    arena_init(&a, 0);
    int rc = store_user_list(s, &a, &u, &n, err);
    for (size_t i = 0; rc == FC_OK && i < n; i++) {
        cell_int(x, u[i].id, false);
        cell_int(x, u[i].org_id, false);
        cell_text(x, u[i].username);
        cell_text(x, u[i].display_name);
        cell_plain(x, model_user_role_name(u[i].role));
        cell_text(x, u[i].team);
        cell_bool(x, u[i].is_disabled);
        cell_time(x, u[i].created_at);
        row_end(x);
    }
    arena_free(&a);
    return rc;
}

/* The person columns up to kind, then the identifier's own cells. */
static void person_lead(struct exporter *x, const struct person *p, const char *kind)
{
    cell_int(x, p->id, false);
    cell_time(x, p->created_at);
    cell_int(x, p->merged_into, true);
    cell_plain(x, kind);
}

static void blanks(struct exporter *x, int n)
{
    for (int i = 0; i < n; i++)
        cell_plain(x, "");
}

static void prov(struct exporter *x, const struct provenance *pv)
{
    cell_text(x, pv->source);
    cell_int(x, pv->source_id, true);
    cell_time(x, pv->recorded_at);
}

/* Column order after kind: raw forename middles surname date precision is_placeholder e164
 * phone_kind email flat number building street town postcode uprn lat lon valid_from
 * valid_to keys | source source_id recorded_at */
static int person_rows(void *ctx, const struct person *p)
{
    struct exporter *x = ctx;
    for (size_t i = 0; i < p->n_names; i++) {
        const struct person_name *n = &p->names[i];
        person_lead(x, p, "name");
        cell_text(x, n->raw);
        cell_text(x, n->forename);
        cell_text(x, n->middles);
        cell_text(x, n->surname);
        blanks(x, 17);
        cell_text(x, n->keys);
        prov(x, &n->prov);
        row_end(x);
    }
    for (size_t i = 0; i < p->n_dobs; i++) {
        const struct person_dob *d = &p->dobs[i];
        person_lead(x, p, "dob");
        cell_text(x, d->raw);
        blanks(x, 3);
        cell_plain(x, d->date);
        cell_plain(x, model_dob_precision_name(d->precision));
        cell_bool(x, d->is_placeholder);
        blanks(x, 15);
        prov(x, &d->prov);
        row_end(x);
    }
    for (size_t i = 0; i < p->n_phones; i++) {
        const struct person_phone *ph = &p->phones[i];
        person_lead(x, p, "phone");
        cell_text(x, ph->raw);
        blanks(x, 6);
        cell_text(x, ph->e164);
        cell_text(x, ph->kind);
        blanks(x, 13);
        prov(x, &ph->prov);
        row_end(x);
    }
    for (size_t i = 0; i < p->n_emails; i++) {
        const struct person_email *e = &p->emails[i];
        person_lead(x, p, "email");
        cell_text(x, e->raw);
        blanks(x, 8);
        cell_text(x, e->norm);
        blanks(x, 12);
        prov(x, &e->prov);
        row_end(x);
    }
    for (size_t i = 0; i < p->n_addresses; i++) {
        const struct person_address *ad = &p->addresses[i];
        person_lead(x, p, "address");
        cell_text(x, ad->raw);
        blanks(x, 9);
        cell_text(x, ad->flat);
        cell_text(x, ad->number);
        cell_text(x, ad->building);
        cell_text(x, ad->street);
        cell_text(x, ad->town);
        cell_text(x, ad->postcode);
        cell_text(x, ad->uprn);
        cell_double(x, ad->lat);
        cell_double(x, ad->lon);
        cell_time(x, ad->valid_from);
        cell_time(x, ad->valid_to);
        cell_text(x, ad->keys);
        prov(x, &ad->prov);
        row_end(x);
    }
    if (p->n_names + p->n_dobs + p->n_phones + p->n_emails + p->n_addresses == 0) {
        person_lead(x, p, "");
        blanks(x, 25);
        row_end(x);
    }
    return 0;
}

static int export_persons(struct store *s, struct exporter *x, struct fc_err *err)
{
    return store_person_scan_all(s, person_rows, x, err); /* merged persons too */
}

static int contact_row(void *ctx, const struct contact *c)
{
    struct exporter *x = ctx;
    cell_int(x, c->id, false);
    cell_plain(x, model_channel_name(c->channel));
    cell_time_offset(x, c->received_at, c->received_offset_min);
    cell_int(x, c->handler_user_id, true);
    cell_int(x, c->org_id, true);
    cell_int(x, c->caller_person_id, true);
    cell_int(x, c->incident_id, true);
    cell_text(x, c->raw_details);
    cell_text(x, c->match_snapshot);
    cell_time(x, c->created_at);
    row_end(x);
    return 0;
}

static int export_incidents(struct store *s, struct exporter *x, struct fc_err *err)
{
    /* in pages, oldest first, so memory stays bounded however many there are */
    const size_t page = 500;
    struct arena a;
    int rc = FC_OK;
    struct incident_query q = { .limit = page };
    size_t total = 0;
    for (;;) {
        struct incident *in;
        size_t n;
        arena_init(&a, 0);
        rc = store_incident_search(s, &q, &a, &in, &n, err);
        for (size_t k = 0; rc == FC_OK && k < n; k++) {
            const struct incident *i = &in[k];
            cell_int(x, i->id, false);
            cell_int(x, i->org_id, false);
            cell_plain(x, model_nsir_category_name(i->category));
            cell_text(x, i->incident_type);
            cell_text(x, i->description);
            cell_text(x, i->location_raw);
            cell_text(x, i->location_postcode);
            cell_text(x, i->location_key);
            cell_text(x, i->lsoa_code);
            cell_double(x, i->lat);
            cell_double(x, i->lon);
            cell_plain(x, model_incident_status_name(i->status));
            cell_text(x, i->grade);
            cell_text(x, i->risk_level);
            cell_bool(x, i->is_police_only);
            cell_time(x, i->occurred_at);
            cell_time(x, i->created_at);
            cell_time(x, i->closed_at);
            cell_text(x, i->closure_code);
            cell_text(x, i->outcome);
            char links[4096] = "";
            size_t used = 0;
            for (size_t j = 0; j < i->n_persons && used < sizeof(links) - 64; j++)
                used += (size_t)snprintf(links + used, sizeof(links) - used, "%s%lld:%s%s",
                                         j ? ";" : "", (long long)i->persons[j].person_id,
                                         model_person_role_name(i->persons[j].role),
                                         i->persons[j].is_hate_strand ? ":hate" : "");
            cell_plain(x, links);
            row_end(x);
        }
        arena_free(&a);
        total += n;
        if (rc != FC_OK || n < page)
            break;
        q.offset = total;
    }
    return rc;
}

static int flag_row(void *ctx, const struct flag *f)
{
    struct exporter *x = ctx;
    cell_int(x, f->id, false);
    cell_int(x, f->person_id, false);
    cell_text(x, f->kind);
    cell_text(x, f->agency);
    cell_int(x, f->org_id, true);
    cell_text(x, f->reason);
    cell_time(x, f->flagged_at);
    cell_plain(x, f->review_date);
    cell_time(x, f->withdrawn_at);
    cell_text(x, f->sharing_basis);
    cell_text(x, f->external_ref);
    cell_text(x, f->raw_details);
    cell_double(x, f->match_probability);
    row_end(x);
    return 0;
}

static int export_entity(struct store *s, const char *entity, struct exporter *x,
                         struct fc_err *err)
{
    header(x, cli_entity_columns(entity));
    if (strcmp(entity, "organisations") == 0)
        return export_orgs(s, x, err);
    if (strcmp(entity, "users") == 0)
        return export_users(s, x, err);
    if (strcmp(entity, "persons") == 0)
        return export_persons(s, x, err);
    if (strcmp(entity, "contacts") == 0)
        return store_contact_scan(s, contact_row, x, err);
    if (strcmp(entity, "incidents") == 0)
        return export_incidents(s, x, err);
    return store_flag_scan(s, flag_row, x, err);
}

/* The subject-access export: built first, audited, then written (no output unaudited). */
static int export_subject(struct store *s, fc_id_t id, const char *purpose, FILE *f,
                          struct fc_err *err)
{
    struct arena a;
    json_t *doc = NULL;
    arena_init(&a, 0);
    int rc = subject_export_build(s, id, time_now(), &a, &doc, err);
    struct audit_event ev = { .action = AUDIT_EXPORT,
                              .object_type = "person",
                              .object_id = id,
                              .purpose = (char *)purpose,
                              .detail = "subject access export (CLI)" };
    if (rc == FC_OK)
        rc = store_audit_append(s, &ev, err);
    if (rc == FC_OK && (json_dumpf(doc, f, JSON_INDENT(2) | JSON_PRESERVE_ORDER) != 0 ||
                        fputc('\n', f) == EOF))
        rc = err_set(err, FC_EUNAVAIL, "out", "write failed");
    json_decref(doc);
    arena_free(&a);
    return rc;
}

int cmd_export(int argc, char **argv)
{
    static const struct option opts[] = {
        CLI_COMMON_OPTIONS,
        { "out", 1, NULL, 'o' },
        { "purpose", 1, NULL, 'p' },
        { "subject", 1, NULL, 'j' },
        { 0, 0, 0, 0 },
    };
    struct cli_common co = { 0 };
    struct fc_err err = { 0 };
    const char *out_path = NULL, *purpose = "export (CLI)", *subject = NULL;
    int opt;
    optind = 1;
    while ((opt = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        if (opt == 'h') {
            fputs(usage, stdout);
            return 0;
        } else if (opt == 'o') {
            out_path = optarg;
        } else if (opt == 'p') {
            purpose = optarg;
        } else if (opt == 'j') {
            subject = optarg;
        } else if (!cli_common_take(&co, opt, optarg)) {
            fputs(usage, stderr);
            return 2;
        }
    }
    if (subject != NULL && optind == argc) {
        char *end;
        long long id = strtoll(subject, &end, 10);
        if (*end != '\0' || id <= 0) {
            fprintf(stderr, "firstcontact export: --subject must be a person id\n");
            return 2;
        }
        struct config cfg;
        if (cli_config_load(&co, &cfg, &err) != FC_OK)
            return cli_fail("export", &err);
        struct store *s = NULL;
        FILE *f = stdout;
        int rc = cli_open_store(&cfg, &s, &err);
        if (rc == FC_OK && out_path != NULL && (f = fopen(out_path, "w")) == NULL)
            rc = err_set(&err, FC_EINVAL, "out", "cannot create the output file");
        if (rc == FC_OK)
            rc = export_subject(s, (fc_id_t)id,
                                strcmp(purpose, "export (CLI)") == 0 ? "subject access request"
                                                                     : purpose,
                                f, &err);
        if (f != NULL && f != stdout && fclose(f) != 0 && rc == FC_OK)
            rc = err_set(&err, FC_EUNAVAIL, "out", "write failed");
        store_close(s);
        config_free(&cfg);
        return rc == FC_OK ? 0 : cli_fail("export", &err);
    }
    if (optind != argc - 1 || subject != NULL) {
        fputs(usage, stderr);
        return 2;
    }
    const char *entity = argv[optind];
    if (cli_entity_columns(entity) == NULL) {
        fprintf(stderr, "firstcontact export: unknown entity '%s' (one of " CLI_ENTITIES ")\n",
                entity);
        return 2;
    }
    struct config cfg;
    if (cli_config_load(&co, &cfg, &err) != FC_OK)
        return cli_fail("export", &err);
    struct store *s = NULL;
    struct exporter x = { .f = stdout, .first = true };
    int rc = cli_open_store(&cfg, &s, &err);
    if (rc == FC_OK && out_path != NULL) {
        x.f = fopen(out_path, "w");
        if (x.f == NULL)
            rc = err_set(&err, FC_EINVAL, "out", "cannot create the output file");
    }
    if (rc == FC_OK) {
        cli_progress_start(&x.progress, entity, 0);
        /* audited before any row is read, so no export goes unrecorded; the reads then
         * run on their own snapshot and never hold the write lock against the server */
        struct audit_event ev = { .action = AUDIT_EXPORT,
                                  .object_type = (char *)entity,
                                  .purpose = (char *)purpose,
                                  .detail = "export (CLI)" };
        rc = store_audit_append(s, &ev, &err);
        if (rc == FC_OK)
            rc = export_entity(s, entity, &x, &err);
        if (rc == FC_OK && (fflush(x.f) != 0 || ferror(x.f)))
            rc = err_set(&err, FC_EUNAVAIL, "out", "write failed");
        cli_progress_end(&x.progress);
    }
    if (x.f != NULL && x.f != stdout)
        fclose(x.f);
    if (rc == FC_OK && out_path != NULL)
        fprintf(stderr, "exported %zu %s rows to %s\n", x.rows, entity, out_path);
    store_close(s);
    config_free(&cfg);
    return rc == FC_OK ? 0 : cli_fail("export", &err);
}
