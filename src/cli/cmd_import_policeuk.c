/*
 * cli/cmd_import_policeuk.c: `firstcontact import-policeuk FILE...`: loads data.police.uk
 * street-level CSV files (plain or .gz). Each file is checked whole before any row of it is
 * written, and written in one transaction; re-importing a file changes nothing.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "cli/cli.h"
#include "domain/policeuk/policeuk.h"
#include "util/timeutil.h"

static const char usage[] =
    "usage: firstcontact import-policeuk [options] FILE...\n\n"
    "Imports data.police.uk street-level crime and ASB files (YYYY-MM-<force>-street.csv,\n"
    "optionally gzip-compressed), keeping month, force, coordinates, LSOA, location and crime\n"
    "type. A file with a bad row is rejected whole. Importing a file again changes nothing.\n"
    "Contains public sector information licensed under the Open Government Licence v3.0.\n\n"
    "options:\n" CLI_COMMON_HELP;

struct progress_ctx {
    struct cli_progress bar;
    char label[80];
};

static void on_progress(void *ctx, size_t done, size_t total)
{
    struct progress_ctx *p = ctx;
    if (p->bar.total != total)
        p->bar.total = total;
    cli_progress_update(&p->bar, done);
}

int cmd_import_policeuk(int argc, char **argv)
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
    if (optind == argc) {
        fputs(usage, stderr);
        return 2;
    }
    struct config cfg;
    if (cli_config_load(&co, &cfg, &err) != FC_OK)
        return cli_fail("import-policeuk", &err);
    struct store *s = NULL;
    int rc = cli_open_store(&cfg, &s, &err);
    struct policeuk_import_stats total = { 0 };
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (int i = optind; rc == FC_OK && i < argc; i++) {
        struct progress_ctx pc;
        const char *base = strrchr(argv[i], '/');
        snprintf(pc.label, sizeof(pc.label), "%.60s", base ? base + 1 : argv[i]);
        cli_progress_start(&pc.bar, pc.label, 0);
        struct policeuk_import_stats st = { 0 };
        rc = policeuk_import_file(s, argv[i], time_now(), on_progress, &pc, &st, &err);
        cli_progress_end(&pc.bar);
        if (rc != FC_OK) {
            char msg[sizeof(err.msg)], field[sizeof(err.field)];
            memcpy(msg, err.msg, sizeof(msg));
            memcpy(field, err.field, sizeof(field));
            err_set(&err, rc, field, "%.60s: %.130s", pc.label, msg);
            break;
        }
        printf("%s: %zu rows (%zu ASB): %zu new, %zu updated, %zu unchanged\n", argv[i], st.rows,
               st.asb_rows, st.inserted, st.updated, st.unchanged);
        total.rows += st.rows;
        total.asb_rows += st.asb_rows;
        total.inserted += st.inserted;
        total.updated += st.updated;
        total.unchanged += st.unchanged;
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
    if (rc == FC_OK)
        printf("total: %d files, %zu rows (%zu ASB): %zu new, %zu updated, %zu unchanged in "
               "%.2f s\n",
               argc - optind, total.rows, total.asb_rows, total.inserted, total.updated,
               total.unchanged, secs);
    store_close(s);
    config_free(&cfg);
    return rc == FC_OK ? 0 : cli_fail("import-policeuk", &err);
}
