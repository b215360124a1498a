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

#endif
