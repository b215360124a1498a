/*
 * cli/cmd_retention.c: `firstcontact retention run [--dry-run]`: review, retention and
 * disposal (domain/retention). Prints what is due and, unless a dry run, what it
 * anonymised; every anonymisation is audited by the domain.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "domain/retention/retention.h"
#include "util/timeutil.h"

static const char usage[] =
    "usage: firstcontact retention run [--dry-run] [options]\n\n"
    "Anonymises persons with no activity for retention.person_years (default 6) and\n"
    "nothing live (flag in force, open incident or case): their identifiers are deleted and\n"
    "the details they gave on contacts cleared; the rows stay for statistics. Removes the\n"
    "free text and exact location of incidents closed retention.incident_years ago\n"
    "(default 6). Lists flags in force that are due for review (past their review date, or\n"
    "without one and older than retention.flag_review_months, default 12). Each change is\n"
    "audited. --dry-run only lists what is due and writes nothing.\n\n"
    "options:\n"
    "  --dry-run          list what is due; change nothing\n" CLI_COMMON_HELP;

static void print_ids(const char *label, const fc_id_t *ids, size_t n)
{
    printf("%s: %zu", label, n);
    for (size_t i = 0; i < n; i++)
        printf("%s%lld", i == 0 ? " (ids " : ", ", (long long)ids[i]);
    printf("%s\n", n > 0 ? ")" : "");
}

static void print_report(const struct retention_policy *pol, const struct retention_report *r)
{
    char p[32], i[32], f[32];
    time_format_utc(r->person_cutoff, p, sizeof(p));
    time_format_utc(r->incident_cutoff, i, sizeof(i));
    time_format_utc(r->flag_cutoff, f, sizeof(f));
    printf("retention run%s: persons %d years, incidents %d years, flag review %d months\n",
           r->dry_run ? " (dry run: nothing changed)" : "", pol->person_years, pol->incident_years,
           pol->flag_review_months);
    printf("persons with no activity since %s\n", p);
    print_ids(r->dry_run ? "  due for anonymisation" : "  anonymised", r->persons, r->n_persons);
    if (!r->dry_run)
        printf("  removed: %zu identifiers; cleared: %zu contacts, %zu flags; %zu person rows "
               "kept for statistics\n",
               r->removed.identifiers, r->removed.contacts, r->removed.flags,
               r->removed.persons);
    printf("incidents closed before %s\n", i);
    print_ids(r->dry_run ? "  due for anonymisation" : "  anonymised", r->incidents,
              r->n_incidents);
    printf("flags in force past their review date (or, without one, raised before %s)\n", f);
    print_ids("  due for review", r->flags_for_review, r->n_flags_for_review);
}

int cmd_retention(int argc, char **argv)
{
    static const struct option opts[] = {
        CLI_COMMON_OPTIONS,
        { "dry-run", 0, NULL, 'n' },
        { 0, 0, 0, 0 },
    };
    struct cli_common co = { 0 };
    struct fc_err err = { 0 };
    bool dry_run = false;
    int opt;
    optind = 1;
    while ((opt = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        if (opt == 'h') {
            fputs(usage, stdout);
            return 0;
        } else if (opt == 'n') {
            dry_run = true;
        } else if (!cli_common_take(&co, opt, optarg)) {
            fputs(usage, stderr);
            return 2;
        }
    }
    if (optind != argc - 1 || strcmp(argv[optind], "run") != 0) {
        fputs(usage, stderr);
        return 2;
    }
    struct config cfg;
    if (cli_config_load(&co, &cfg, &err) != FC_OK)
        return cli_fail("retention", &err);
    struct retention_policy pol;
    struct retention_report rep;
    struct store *s = NULL;
    struct arena a;
    arena_init(&a, 0);
    int rc = retention_policy_from_config(&cfg, &pol, &err);
    if (rc == FC_OK)
        rc = cli_open_store(&cfg, &s, &err);
    if (rc == FC_OK)
        rc = retention_run(s, &pol, time_now(), dry_run, 0, &a, &rep, &err);
    if (rc == FC_OK)
        print_report(&pol, &rep);
    store_close(s);
    config_free(&cfg);
    arena_free(&a);
    return rc == FC_OK ? 0 : cli_fail("retention", &err);
}
