/* cli/cmd_migrate.c: `firstcontact migrate`: create or upgrade the store's schema. */
#include <getopt.h>
#include <stdio.h>

#include "cli/cli.h"

static const char usage[] = "usage: firstcontact migrate [options]\n\n"
                            "Creates the store if needed and applies every schema migration\n"
                            "it lacks. Safe to run again: an up-to-date store is left alone.\n\n"
                            "options:\n" CLI_COMMON_HELP;

int cmd_migrate(int argc, char **argv)
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
    if (optind != argc) {
        fputs(usage, stderr);
        return 2;
    }
    struct config cfg;
    if (cli_config_load(&co, &cfg, &err) != FC_OK)
        return cli_fail("migrate", &err);
    struct store *s = NULL;
    int version = 0;
    int rc = store_open(config_get(&cfg, "db"), &s, &err);
    if (rc == FC_OK)
        rc = store_migrate(s, &version, &err);
    if (rc == FC_OK)
        printf("schema version %d\n", version);
    store_close(s);
    config_free(&cfg);
    return rc == FC_OK ? 0 : cli_fail("migrate", &err);
}
