/*
 * cli/cli.h: the `firstcontact` command table and what every subcommand shares.
 *
 * Each subcommand lives in cmd_<name>.c and has the signature of cli_cmd_fn. Only
 * src/cli may end the process; subcommands return an exit status (0 ok, 1 failure,
 * 2 usage). src/cli alone picks the store backend and wires the layers together.
 */
#ifndef FC_CLI_CLI_H
#define FC_CLI_CLI_H

typedef int (*cli_cmd_fn)(int argc, char **argv);

struct cli_command {
    const char *name;
    cli_cmd_fn fn;
    const char *summary;
};

/* The command table, ended by a NULL name (main.c). */
extern const struct cli_command cli_commands[];

/* ---- shared by the store commands (cli_common.c) ---- */

#include <stdbool.h>
#include <stddef.h>

#include "store/store.h"
#include "util/config.h"

/* The long options every store command takes: --db PATH, --config FILE, --set KEY=VALUE. */
#define CLI_COMMON_OPTIONS                                                                         \
    { "db", 1, NULL, 'd' }, { "config", 1, NULL, 'c' }, { "set", 1, NULL, 's' },                   \
    {                                                                                              \
        "help", 0, NULL, 'h'                                                                       \
    }
#define CLI_COMMON_HELP                                                                            \
    "  --db PATH          the store (SQLite file, sqlite:PATH or postgresql://...)\n"              \
    "  --config FILE      INI configuration file (default: $FC_CONFIG)\n"                          \
    "  --set KEY=VALUE    set any configuration key\n"                                             \
    "  --help             this help\n"

/* What the common options collected; pass it to cli_config_load. */
struct cli_common {
    const char *config_path;
    const char *db;
    const char *sets[16];
    size_t n_sets;
};

/* Takes a common option seen by getopt_long (opt 'd', 'c' or 's'); false if not one. */
bool cli_common_take(struct cli_common *co, int opt, const char *arg);
/*
 * Builds the configuration: defaults, then the INI file (--config or $FC_CONFIG), the FC_*
 * environment, and the flags, in increasing precedence. Sets the log level. Free with
 * config_free.
 */
int cli_config_load(const struct cli_common *co, struct config *out, struct fc_err *err);
/* Opens the configured store and brings its schema up to date. */
int cli_open_store(const struct config *cfg, struct store **out, struct fc_err *err);
/* Prints "firstcontact CMD: message (field)" to stderr and returns exit status 1. */
int cli_fail(const char *cmd, const struct fc_err *err);

/* A progress bar on stderr, drawn only when stderr is a terminal. */
struct cli_progress {
    bool is_on;
    const char *label;
    size_t total; /* 0: unknown, show a count */
    int last_shown;
};
void cli_progress_start(struct cli_progress *p, const char *label, size_t total);
void cli_progress_update(struct cli_progress *p, size_t done);
void cli_progress_end(struct cli_progress *p);

/* The store commands, one per cmd_<name>.c. */
int cmd_migrate(int argc, char **argv);
int cmd_migrate_store(int argc, char **argv); /* cmd_migrate_store.c */
int cmd_open311_key(int argc, char **argv); /* cmd_open311_key.c */
int cmd_demo(int argc, char **argv);
int cmd_user(int argc, char **argv);
int cmd_backup(int argc, char **argv);
int cmd_restore(int argc, char **argv);
int cmd_import(int argc, char **argv);
int cmd_export(int argc, char **argv);
int cmd_audit(int argc, char **argv);
int cmd_retention(int argc, char **argv);
/* reports and open data */
int cmd_report(int argc, char **argv);
int cmd_import_policeuk(int argc, char **argv);
int cmd_export_policeuk(int argc, char **argv);

/* Reads a password without echo from the terminal, or one line from stdin. */
int cli_password_read(bool from_stdin, char *buf, size_t len, struct fc_err *err);

#endif
