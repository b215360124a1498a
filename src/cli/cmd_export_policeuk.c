/*
 * cli/cmd_export_policeuk.c: `firstcontact export-policeuk --month YYYY-MM`: FirstContact's
 * own ASB incidents in data.police.uk's street-level layout, anonymised as police.uk does:
 * month only, locations snapped to police.uk's street points, no personal data.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "domain/policeuk/policeuk.h"
#include "util/timeutil.h"

static const char usage[] =
    "usage: firstcontact export-policeuk --month YYYY-MM [--out FILE] [options]\n\n"
    "Writes the month's incidents as anonymised police.uk street-level ASB rows (to stdout\n"
    "unless --out is given).\n\n"
    "options:\n"
    "  --month YYYY-MM    the month the incidents were recorded in\n"
    "  --out FILE         write here instead of stdout\n" CLI_COMMON_HELP;

static bool month_range(const char *s, int64_t *from, int64_t *to)
{
    int y, m;
    char tail;
    if (!s || strlen(s) != 7 || sscanf(s, "%4d-%2d%c", &y, &m, &tail) != 2 || m < 1 || m > 12)
        return false;
    *from = time_days_from_civil(y, m, 1) * 86400;
    *to = time_days_from_civil(m == 12 ? y + 1 : y, m == 12 ? 1 : m + 1, 1) * 86400;
    return true;
}

int cmd_export_policeuk(int argc, char **argv)
{
    static const struct option opts[] = { { "month", 1, NULL, 'm' }, { "out", 1, NULL, 'o' },
                                          CLI_COMMON_OPTIONS, { 0, 0, 0, 0 } };
    struct cli_common co = { 0 };
    struct fc_err err = { 0 };
    const char *month = NULL, *out = NULL;
    int opt;
    optind = 1;
    while ((opt = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        if (opt == 'h') {
            fputs(usage, stdout);
            return 0;
        }
        if (opt == 'm')
            month = optarg;
        else if (opt == 'o')
            out = optarg;
        else if (!cli_common_take(&co, opt, optarg)) {
            fputs(usage, stderr);
            return 2;
        }
    }
    int64_t from, to;
    if (optind != argc || !month_range(month, &from, &to)) {
        fputs(usage, stderr);
        return 2;
    }
    struct config cfg;
    if (cli_config_load(&co, &cfg, &err) != FC_OK)
        return cli_fail("export-policeuk", &err);
    struct store *s = NULL;
    int rc = cli_open_store(&cfg, &s, &err);
    FILE *f = stdout;
    if (rc == FC_OK && out) {
        f = fopen(out, "w");
        if (!f)
            rc = err_set(&err, FC_EUNAVAIL, "out", "cannot create the output file");
    }
    size_t rows = 0;
    if (rc == FC_OK)
        rc = policeuk_export(s, from, to, f, &rows, &err);
    if (f && f != stdout && fclose(f) != 0 && rc == FC_OK)
        rc = err_set(&err, FC_EUNAVAIL, "out", "cannot write the output file");
    if (rc == FC_OK)
        fprintf(stderr, "exported %zu incidents for %s\n", rows, month);
    store_close(s);
    config_free(&cfg);
    return rc == FC_OK ? 0 : cli_fail("export-policeuk", &err);
}
