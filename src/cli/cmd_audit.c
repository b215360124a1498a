/* cli/cmd_audit.c: `firstcontact audit verify`: check the audit trail's hash chain. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"

static const char usage[] =
    "usage: firstcontact audit verify [options]\n\n"
    "Walks the audit trail from its first event and recomputes every hash. Exits 0 and\n"
    "prints the count when the chain is whole; exits 1 naming the first broken event.\n\n"
    "options:\n" CLI_COMMON_HELP;

int cmd_audit(int argc, char **argv)
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
    if (optind != argc - 1 || strcmp(argv[optind], "verify") != 0) {
        fputs(usage, stderr);
        return 2;
    }
    struct config cfg;
    if (cli_config_load(&co, &cfg, &err) != FC_OK)
        return cli_fail("audit", &err);
    struct store *s = NULL;
    int64_t bad = 0, count = 0;
    int rc = cli_open_store(&cfg, &s, &err);
    if (rc == FC_OK)
        rc = store_audit_verify(s, &bad, &count, &err);
    store_close(s);
    config_free(&cfg);
    if (rc != FC_OK)
        return cli_fail("audit", &err);
    if (bad != 0) {
        fprintf(stderr,
                "firstcontact audit: chain broken at event %lld (%lld events before it "
                "check out)\n",
                (long long)bad, (long long)count);
        return 1;
    }
    printf("audit chain ok: %lld events\n", (long long)count);
    return 0;
}
