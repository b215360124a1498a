/*
 * cli/cmd_report.c: `firstcontact report NAME` writes one report as JSON, CSV or XLSX;
 * `firstcontact report pack --month YYYY-MM` writes the monthly performance pack (PDF).
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "domain/report/pack.h"
#include "domain/report/report.h"
#include "util/timeutil.h"

static const char usage[] =
    "usage: firstcontact report NAME [options]\n"
    "       firstcontact report pack --month YYYY-MM --out FILE.pdf [options]\n\n"
    "NAME: satisfaction, first_contact, demand, hotspots, repeat_locations, tasks, triggers,\n"
    "survey_rates.\n\n"
    "options:\n"
    "  --format F         json (default), csv or xlsx\n"
    "  --period P         all, month (default), quarter or year\n"
    "  --by D             none, area, lsoa, category, type, risk, channel, repeat,\n"
    "                     vulnerable, hour or dow\n"
    "  --from DATE        first day (YYYY-MM-DD), --to DATE the day after the last\n"
    "  --benchmark B      a published figure to compare with (0.74 or 74%)\n"
    "  --month YYYY-MM    the pack's month\n"
    "  --out FILE         write here instead of stdout\n" CLI_COMMON_HELP;

static int write_all(const char *path, const char *buf, size_t len, struct fc_err *err)
{
    FILE *f = path ? fopen(path, "wb") : stdout;
    if (!f)
        return err_set(err, FC_EUNAVAIL, "out", "cannot create the output file");
    size_t put = fwrite(buf, 1, len, f);
    int bad = put != len;
    if (f != stdout)
        bad |= fclose(f) != 0;
    else
        bad |= fflush(f) != 0;
    return bad ? err_set(err, FC_EUNAVAIL, "out", "cannot write the output") : FC_OK;
}

int cmd_report(int argc, char **argv)
{
    static const struct option opts[] = {
        { "format", 1, NULL, 'f' }, { "period", 1, NULL, 'p' },    { "by", 1, NULL, 'b' },
        { "from", 1, NULL, 'F' },   { "to", 1, NULL, 'T' },        { "benchmark", 1, NULL, 'B' },
        { "month", 1, NULL, 'm' },  { "out", 1, NULL, 'o' },       CLI_COMMON_OPTIONS,
        { 0, 0, 0, 0 },
    };
    struct cli_common co = { 0 };
    struct fc_err err = { 0 };
    const char *format = "json", *period = NULL, *by = NULL, *from = NULL, *to = NULL,
               *bench = NULL, *month = NULL, *out = NULL;
    int opt;
    optind = 1;
    while ((opt = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (opt) {
        case 'h':
            fputs(usage, stdout);
            return 0;
        case 'f':
            format = optarg;
            break;
        case 'p':
            period = optarg;
            break;
        case 'b':
            by = optarg;
            break;
        case 'F':
            from = optarg;
            break;
        case 'T':
            to = optarg;
            break;
        case 'B':
            bench = optarg;
            break;
        case 'm':
            month = optarg;
            break;
        case 'o':
            out = optarg;
            break;
        default:
            if (!cli_common_take(&co, opt, optarg)) {
                fputs(usage, stderr);
                return 2;
            }
        }
    }
    if (optind + 1 != argc || (strcmp(format, "json") != 0 && strcmp(format, "csv") != 0 &&
                               strcmp(format, "xlsx") != 0)) {
        fputs(usage, stderr);
        return 2;
    }
    const char *name = argv[optind];
    bool is_pack = strcmp(name, "pack") == 0;
    struct report_request rq;
    if (!is_pack && report_request_parse(name, period, by, from, to, bench, &rq, &err) != FC_OK)
        return cli_fail("report", &err);
    struct config cfg;
    if (cli_config_load(&co, &cfg, &err) != FC_OK)
        return cli_fail("report", &err);
    struct store *s = NULL;
    int rc = cli_open_store(&cfg, &s, &err);
    char *buf = NULL;
    size_t len = 0;
    struct arena a;
    arena_init(&a, 0);
    if (rc == FC_OK && is_pack) {
        rc = report_pack_pdf(s, month, 0, time_now(), &buf, &len, &err);
    } else if (rc == FC_OK) {
        struct report_table t;
        rc = report_build(s, &rq, &a, &t, &err);
        if (rc == FC_OK && strcmp(format, "json") == 0) {
            rc = report_render_json(&t, &buf, &len, &err);
        } else if (rc == FC_OK && strcmp(format, "xlsx") == 0) {
            rc = report_render_xlsx(&t, &buf, &len, &err);
        } else if (rc == FC_OK) {
            FILE *mf = open_memstream(&buf, &len);
            if (!mf)
                rc = err_set(&err, FC_ENOMEM, "", "out of memory");
            else {
                rc = report_render_csv(&t, mf, &err);
                fclose(mf);
            }
        }
    }
    if (rc == FC_OK)
        rc = write_all(out, buf, len, &err);
    free(buf);
    arena_free(&a);
    store_close(s);
    config_free(&cfg);
    return rc == FC_OK ? 0 : cli_fail("report", &err);
}
