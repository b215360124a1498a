/* cli/main.c: entry point; dispatches to the subcommand named by argv[1]. */
#include "cli/cli.h"

#include <stdio.h>
#include <string.h>

#define FC_VERSION "0.1.0"

static int cmd_version(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    printf("firstcontact %s\n", FC_VERSION);
    return 0;
}

/* matching (cmd_replay.c, cmd_dedupe.c, cmd_train.c) */
int cmd_replay(int argc, char **argv);
int cmd_dedupe(int argc, char **argv);
int cmd_train(int argc, char **argv);

/* server (cmd_serve.c) */
int cmd_serve(int argc, char **argv);

/* One line per subcommand; each is defined in its cmd_<name>.c. */
const struct cli_command cli_commands[] = {
    { "version", cmd_version, "print the version" },
    { "serve", cmd_serve, "run the HTTP server (web UI and JSON API)" },
    { "replay", cmd_replay, "replay calls and partner flags, deciding repeat and vulnerable" },
    { "dedupe", cmd_dedupe, "cluster a file of person records (legacy data migration)" },
    { "train", cmd_train, "estimate the matching model (EM) and write it as JSON" },
    /* store commands (cmd_migrate.c, cmd_user.c, cmd_backup.c, ...; declared in cli.h) */
    { "demo", cmd_demo, "load demonstration data and print the demo logins" },
    { "migrate", cmd_migrate, "create or upgrade the store's schema" },
    { "user", cmd_user, "add a user or set a password (user add, user passwd)" },
    { "import", cmd_import, "load one entity from CSV, all or nothing" },
    { "export", cmd_export, "write one entity as CSV" },
    { "backup", cmd_backup, "copy the whole store while the server runs" },
    { "restore", cmd_restore, "replace the store with a backup" },
    { "audit", cmd_audit, "check the audit trail's hash chain (audit verify)" },
    { "retention", cmd_retention, "anonymise what is past its retention period (retention run)" },
    { "migrate-store", cmd_migrate_store, "copy a whole store to another (SQLite to PostgreSQL)" },
    /* reports and open data (cmd_report.c, cmd_import_policeuk.c, cmd_export_policeuk.c) */
    { "report", cmd_report, "write a report (JSON, CSV, XLSX) or the monthly PDF pack" },
    { "import-policeuk", cmd_import_policeuk, "load data.police.uk street-level CSV files" },
    { "export-policeuk", cmd_export_policeuk, "write own ASB incidents as police.uk CSV" },
    /* Open311 (cmd_open311_key.c) */
    { "open311-key", cmd_open311_key, "issue, list or revoke Open311 client API keys" },
    { NULL, NULL, NULL },
};

static void usage(FILE *f)
{
    fprintf(f, "usage: firstcontact <command> [options]\n\n"
               "FirstContact identifies repeat and vulnerable ASB victims at first contact.\n\n"
               "commands:\n");
    for (const struct cli_command *c = cli_commands; c->name; c++)
        fprintf(f, "  %-16s %s\n", c->name, c->summary);
    fprintf(f, "\nRun `firstcontact <command> --help` for a command's options.\n");
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return 2;
    }
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
        strcmp(argv[1], "help") == 0) {
        usage(stdout);
        return 0;
    }
    for (const struct cli_command *c = cli_commands; c->name; c++) {
        if (strcmp(c->name, argv[1]) == 0)
            return c->fn(argc - 1, argv + 1);
    }
    fprintf(stderr, "firstcontact: unknown command '%s'\n", argv[1]);
    usage(stderr);
    return 2;
}
