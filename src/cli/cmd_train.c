/*
 * cli/cmd_train.c: `firstcontact train`: estimates the matching model (m and u of every
 * comparison level, and λ) from person records and writes it as Splink-compatible JSON.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/person_csv.h"
#include "domain/match/train.h"

struct tr_ctx {
    struct match_record *recs;
    char **strings;
    size_t n, cap, n_strings, cap_strings;
};

static const char *keep(struct tr_ctx *c, const char *s)
{
    if (c->n_strings == c->cap_strings) {
        c->cap_strings = c->cap_strings ? c->cap_strings * 2 : 4096;
        char **ns = realloc(c->strings, c->cap_strings * sizeof *ns);
        if (!ns)
            return "";
        c->strings = ns;
    }
    char *d = strdup(s);
    if (!d)
        return "";
    c->strings[c->n_strings++] = d;
    return d;
}

static int collect(void *ctx, char *const v[DD_COUNT])
{
    struct tr_ctx *c = ctx;
    if (c->n == c->cap) {
        c->cap = c->cap ? c->cap * 2 : 4096;
        struct match_record *nr = realloc(c->recs, c->cap * sizeof *nr);
        if (!nr) {
            fprintf(stderr, "train: out of memory\n");
            return -1;
        }
        c->recs = nr;
    }
    c->recs[c->n++] = (struct match_record){
        .forename = keep(c, v[DD_FORE]), .surname = keep(c, v[DD_SUR]),
        .full_name = keep(c, v[DD_NAME]), .dob = keep(c, v[DD_DOB]),
        .phone = keep(c, v[DD_PHONE]),    .email = keep(c, v[DD_EMAIL]),
        .address = keep(c, v[DD_ADDR]),   .postcode = keep(c, v[DD_PC]),
        .reference = keep(c, v[DD_REF]),
    };
    return 0;
}

static void usage(FILE *f)
{
    fprintf(f, "usage: firstcontact train --out model.json [--map field=column,...]\n"
               "                          [--seed N] people.csv [more.csv ...]\n\n"
               "Estimates the matching model from person records (calls.csv works as is):\n"
               "lambda from deterministic rules, u from random pairs, m by EM over pairs\n"
               "blocked on date of birth and on full name. Writes Splink-compatible JSON.\n\n"
               "  --out FILE    where to write the model (required)\n"
               "  --map LIST    column mapping, as for `firstcontact dedupe --help`\n"
               "  --seed N      random seed for the u sample (1)\n");
}

int cmd_train(int argc, char **argv);
int cmd_train(int argc, char **argv)
{
    struct dd_map map;
    memset(&map, 0, sizeof map);
    const char *out = NULL;
    unsigned seed = 1;
    int status = 2, c;
    struct tr_ctx ctx = { 0 };
    static const struct option opts[] = {
        { "out", required_argument, NULL, 'o' },  { "map", required_argument, NULL, 'm' },
        { "seed", required_argument, NULL, 's' }, { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    optind = 1;
    while ((c = getopt_long(argc, argv, "o:m:s:h", opts, NULL)) != -1) {
        switch (c) {
        case 'o':
            out = optarg;
            break;
        case 'm':
            if (dd_map_parse(&map, optarg) != 0)
                goto usage_out;
            break;
        case 's':
            seed = (unsigned)strtoul(optarg, NULL, 10);
            break;
        case 'h':
            usage(stdout);
            status = 0;
            goto done;
        default:
            goto usage_out;
        }
    }
    if (!out || optind >= argc)
        goto usage_out;
    status = 1;
    for (int i = optind; i < argc; i++) {
        if (dd_file_each(&map, argv[i], collect, &ctx) != 0)
            goto done;
    }
    struct match_train_report rep;
    struct fc_err err;
    err_clear(&err);
    if (match_train(ctx.recs, ctx.n, seed, out, &rep, &err) != FC_OK) {
        fprintf(stderr, "train: %s\n", err.msg);
        goto done;
    }
    fprintf(stderr,
            "train: %zu records, %zu random pairs for u, %zu blocked pairs, %zu by the "
            "deterministic rules, lambda %.3g, EM iterations %d + %d; wrote %s\n",
            rep.records, rep.u_pairs, rep.blocked_pairs, rep.rule_pairs, rep.lambda,
            rep.em_iterations[0], rep.em_iterations[1], out);
    status = 0;
    goto done;
usage_out:
    usage(stderr);
    status = 2;
done:
    for (size_t i = 0; i < ctx.n_strings; i++)
        free(ctx.strings[i]);
    free(ctx.strings);
    free(ctx.recs);
    for (int f = 0; f < DD_COUNT; f++)
        free(map.spec[f]);
    return status;
}
