/*
 * cli/cmd_dedupe.c: `firstcontact dedupe`: clusters person records from one or more CSV
 * files (a force migrating legacy data, or two systems to link) with the same matcher the
 * call handler uses. Writes record_id,cluster_id to stdout.
 */
#include <ctype.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/person_csv.h"
#include "domain/match/match.h"
#include "util/csv.h"
#include "util/timeutil.h"

/* Output rows and a union-find over cluster ids (clusters join when a record links two). */
struct dd_rows {
    char **ids;
    fc_id_t *cluster;
    size_t n, cap;
    fc_id_t *parent; /* parent[c], indexed by cluster id */
    size_t n_parent;
};

static fc_id_t uf_find(struct dd_rows *r, fc_id_t c)
{
    while ((size_t)c < r->n_parent && r->parent[c] != c) {
        r->parent[c] = r->parent[r->parent[c]];
        c = r->parent[c];
    }
    return c;
}

static int uf_ensure(struct dd_rows *r, fc_id_t c)
{
    if ((size_t)c < r->n_parent)
        return 0;
    size_t nn = (size_t)c * 2 + 16;
    fc_id_t *np = realloc(r->parent, nn * sizeof *np);
    if (!np)
        return -1;
    for (size_t i = r->n_parent; i < nn; i++)
        np[i] = (fc_id_t)i;
    r->parent = np;
    r->n_parent = nn;
    return 0;
}

static void uf_union(struct dd_rows *r, fc_id_t from, fc_id_t into)
{
    if (uf_ensure(r, from) || uf_ensure(r, into))
        return;
    fc_id_t a = uf_find(r, from), b = uf_find(r, into);
    if (a != b)
        r->parent[a] = b;
}

static int rows_add(struct dd_rows *r, const char *id, fc_id_t cluster)
{
    if (r->n == r->cap) {
        size_t nc = r->cap ? r->cap * 2 : 1024;
        char **ni = realloc(r->ids, nc * sizeof *ni);
        if (!ni)
            return -1;
        r->ids = ni;
        fc_id_t *ncl = realloc(r->cluster, nc * sizeof *ncl);
        if (!ncl)
            return -1;
        r->cluster = ncl;
        r->cap = nc;
    }
    r->ids[r->n] = strdup(id);
    r->cluster[r->n++] = cluster;
    return uf_ensure(r, cluster);
}

static void rows_free(struct dd_rows *r)
{
    for (size_t i = 0; i < r->n; i++)
        free(r->ids[i]);
    free(r->ids);
    free(r->cluster);
    free(r->parent);
}

static void usage(FILE *f)
{
    fprintf(f,
            "usage: firstcontact dedupe [--map field=column,...] [--model FILE] [--threshold P]\n"
            "                           people.csv [more.csv ...]\n\n"
            "Clusters person records (from one file, or several to link) and writes\n"
            "record_id,cluster_id to stdout.\n\n"
            "  --map LIST       which columns hold which field, e.g.\n"
            "                   --map id=rec_id,forename=given_name,dob=date_of_birth,\n"
            "                         address=street_number+address_1,reference=soc_sec_id\n"
            "                   fields: id forename surname name dob phone email address\n"
            "                   postcode reference; col+col joins columns with a space.\n"
            "                   Unmapped fields use common column names.\n"
            "  --model FILE     a model written by `firstcontact train` (built-in otherwise)\n"
            "  --threshold P    probability to put a record in an existing cluster (0.5)\n");
}

int cmd_dedupe(int argc, char **argv);
int cmd_dedupe(int argc, char **argv)
{
    struct dd_map map;
    memset(&map, 0, sizeof map);
    const char *model_path = NULL;
    double threshold = 0.5;
    static const struct option opts[] = {
        { "map", required_argument, NULL, 'm' },
        { "threshold", required_argument, NULL, 't' },
        { "model", required_argument, NULL, 'M' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    int c, status = 1;
    optind = 1;
    while ((c = getopt_long(argc, argv, "m:t:h", opts, NULL)) != -1) {
        switch (c) {
        case 'm':
            if (dd_map_parse(&map, optarg) != 0)
                goto out_usage;
            break;
        case 't':
            threshold = strtod(optarg, NULL);
            break;
        case 'M':
            model_path = optarg;
            break;
        case 'h':
            usage(stdout);
            status = 0;
            goto out;
        default:
            goto out_usage;
        }
    }
    if (optind >= argc)
        goto out_usage;
    struct match_service *svc = NULL;
    struct fc_err err;
    err_clear(&err);
    if (match_service_create(NULL, model_path, &svc, &err) != FC_OK) {
        fprintf(stderr, "dedupe: %s\n", err.msg);
        goto out;
    }
    struct arena a;
    arena_init(&a, 0);
    fc_time_t now = time_now();
    fc_id_t next_cluster = 1;
    struct dd_rows out_rows = { 0 };
    for (int fi = optind; fi < argc; fi++) {
        char *data = NULL;
        size_t len = 0;
        if (csv_file_slurp(argv[fi], &data, &len, &err) != FC_OK) {
            fprintf(stderr, "dedupe: %s: %s\n", argv[fi], err.msg);
            goto out_svc;
        }
        struct csv_reader r;
        csv_reader_init(&r, data, len);
        int rc = csv_read(&r, &err);
        char *hdr[CSV_MAX_FIELDS];
        size_t nh = rc == 1 ? r.n_fields : 0;
        for (size_t i = 0; i < nh; i++) {
            hdr[i] = strdup(r.fields[i]);
            dd_trim(hdr[i]);
        }
        bool ok = nh > 0 && dd_map_resolve(&map, hdr, nh, argv[fi]) == 0;
        if (nh == 0)
            fprintf(stderr, "dedupe: %s has no header row\n", argv[fi]);
        while (ok && (rc = csv_read(&r, &err)) == 1) {
            if (r.n_fields != nh) {
                fprintf(stderr, "dedupe: %s line %zu has %zu fields, expected %zu\n", argv[fi],
                        r.line, r.n_fields, nh);
                ok = false;
                break;
            }
            char *val[DD_COUNT];
            for (int f = 0; f < DD_COUNT; f++) {
                size_t l = 0, cap = 1;
                for (int k = 0; k < map.n_cols[f]; k++)
                    cap += strlen(r.fields[map.cols[f][k]]) + 1;
                val[f] = arena_alloc(&a, cap);
                for (int k = 0; k < map.n_cols[f]; k++)
                    l += (size_t)snprintf(val[f] + l, cap - l, "%s%s", l ? " " : "",
                                          r.fields[map.cols[f][k]]);
                dd_trim(val[f]);
            }
            struct match_record rec = { .forename = val[DD_FORE], .surname = val[DD_SUR],
                                        .full_name = val[DD_NAME], .dob = val[DD_DOB],
                                        .phone = val[DD_PHONE], .email = val[DD_EMAIL],
                                        .address = val[DD_ADDR], .postcode = val[DD_PC],
                                        .reference = val[DD_REF] };
            struct match_result res;
            fc_id_t cluster = 0;
            if (match_lookup(svc, &rec, now, &a, &res, &err) == FC_OK && res.n > 0 &&
                res.cands[0].probability >= threshold)
                cluster = res.cands[0].person_id;
            if (!cluster)
                cluster = next_cluster++;
            /* a record that matches two clusters joins them (transitive closure) */
            for (size_t k = 1; k < res.n && cluster == res.cands[0].person_id; k++)
                if (res.cands[k].probability >= threshold &&
                    match_person_merge(svc, res.cands[k].person_id, cluster, &err) == FC_OK)
                    uf_union(&out_rows, res.cands[k].person_id, cluster);
            if (rows_add(&out_rows, val[DD_ID], cluster) != 0) {
                fprintf(stderr, "dedupe: out of memory\n");
                ok = false;
                break;
            }
            if (match_person_add(svc, cluster, &rec, now, &err) != FC_OK &&
                err.status != FC_EINVAL) {
                fprintf(stderr, "dedupe: %s\n", err.msg);
                ok = false;
            }
            arena_free(&a);
        }
        if (rc < 0) {
            fprintf(stderr, "dedupe: %s: %s\n", argv[fi], err.msg);
            ok = false;
        }
        for (size_t i = 0; i < nh; i++)
            free(hdr[i]);
        csv_reader_free(&r);
        free(data);
        if (!ok)
            goto out_svc;
    }
    printf("record_id,cluster_id\n");
    for (size_t i = 0; i < out_rows.n; i++) {
        csv_write_field(stdout, out_rows.ids[i], true);
        printf(",%lld\n", (long long)uf_find(&out_rows, out_rows.cluster[i]));
    }
    status = 0;
out_svc:
    rows_free(&out_rows);
    arena_free(&a);
    match_service_free(svc);
    goto out;
out_usage:
    usage(stderr);
    status = 2;
out:
    for (int f = 0; f < DD_COUNT; f++)
        free(map.spec[f]);
    return status;
}
