/* cli/cmd_restore.c: `firstcontact restore BACKUP`: replace the store with a backup. */
#include <getopt.h>
#include <stdio.h>

#include "cli/cli.h"

static const char usage[] =
    "usage: firstcontact restore [options] BACKUP\n\n"
    "Replaces the whole store with BACKUP (made by `firstcontact backup`). The backup is\n"
    "integrity-checked first and the store is left untouched if it fails; afterwards the\n"
    "result is checked and migrated to this version's schema. Stop the server first.\n\n"
    "options:\n" CLI_COMMON_HELP;

int cmd_restore(int argc, char **argv)
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
    if (optind != argc - 1) {
        fputs(usage, stderr);
        return 2;
    }
    struct config cfg;
    if (cli_config_load(&co, &cfg, &err) != FC_OK)
        return cli_fail("restore", &err);
    struct store *s = NULL;
    int version = 0;
    int rc = store_open(config_get(&cfg, "db"), &s, &err);
    if (rc == FC_OK)
        rc = store_restore(s, argv[optind], &err);
    if (rc == FC_OK)
        rc = store_migrate(s, &version, &err);
    if (rc == FC_OK) {
        struct audit_event ev = { .action = AUDIT_CONFIG,
                                  .object_type = "store",
                                  .purpose = "restore",
                                  .detail = "firstcontact restore" };
        rc = store_audit_append(s, &ev, &err);
    }
    if (rc == FC_OK)
        printf("restored; schema version %d\n", version);
    store_close(s);
    config_free(&cfg);
    return rc == FC_OK ? 0 : cli_fail("restore", &err);
}
