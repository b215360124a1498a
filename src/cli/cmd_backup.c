/* cli/cmd_backup.c: `firstcontact backup DEST`: a consistent copy while the server runs. */
#include <getopt.h>
#include <stdio.h>

#include "cli/cli.h"

static const char usage[] =
    "usage: firstcontact backup [options] DEST\n\n"
    "Writes a consistent copy of the whole store to DEST (SQLite online backup API), while\n"
    "the server keeps serving. The copy is checked and appears at DEST only when complete.\n"
    "Restore it with `firstcontact restore DEST`.\n\n"
    "options:\n" CLI_COMMON_HELP;

int cmd_backup(int argc, char **argv)
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
    const char *dest = argv[optind];
    struct config cfg;
    if (cli_config_load(&co, &cfg, &err) != FC_OK)
        return cli_fail("backup", &err);
    struct store *s = NULL;
    int rc = cli_open_store(&cfg, &s, &err);
    if (rc == FC_OK)
        rc = store_backup(s, dest, &err);
    if (rc == FC_OK) {
        /* a backup discloses every record: it is audited like an export */
        struct audit_event ev = { .action = AUDIT_EXPORT,
                                  .object_type = "store",
                                  .purpose = "backup",
                                  .detail = "firstcontact backup" };
        rc = store_audit_append(s, &ev, &err);
    }
    if (rc == FC_OK)
        printf("backup written to %s\n", dest);
    store_close(s);
    config_free(&cfg);
    return rc == FC_OK ? 0 : cli_fail("backup", &err);
}
