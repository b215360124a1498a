/*
 * cli/cmd_migrate_store.c: `firstcontact migrate-store --from URL --to URL`: copies a whole
 * store into another (SQLite to PostgreSQL, or any pair), checking counts and checksums.
 */
#include <getopt.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/cli.h"
#include "store/store_copy.h"

static const char usage[] =
    "usage: firstcontact migrate-store --from URL --to URL [options]\n\n"
    "Copies every table of one store into another, e.g. from SQLite to PostgreSQL:\n"
    "  firstcontact migrate-store --from sqlite:/var/lib/firstcontact/fc.db \\\n"
    "      --to postgresql://firstcontact@db/firstcontact\n"
    "The target's schema is created or upgraded first. Tables are copied in dependency\n"
    "order with their ids, the audit chain unchanged, in one transaction on the target;\n"
    "before it commits, each table's row count and SHA-256 checksum must match the\n"
    "source's, or nothing is written. The source is read in one transaction (writers wait\n"
    "until the copy ends; stop the server first). Progress goes to stderr; the figures per\n"
    "table to stdout.\n\n"
    "options:\n"
    "  --from URL          the source store (sqlite:PATH, a path, or postgresql://...)\n"
    "  --to URL            the target store\n"
    "  --allow-non-empty   accept target tables whose rows are the source's first rows\n"
    "                      (a repeated or resumed run) and copy only the rest; a table\n"
    "                      holding anything else is still refused\n"
    "  --batch N           rows per insert batch (default 1000)\n"
    "  --help              this help\n";

struct progress {
    struct cli_progress bar;
    const char *table;
};

static void on_progress(void *ctx, const char *table, size_t i, size_t n, int64_t done,
                        int64_t total, bool is_done)
{
    struct progress *p = ctx;
    if (p->table != table) {
        if (p->table != NULL)
            cli_progress_end(&p->bar);
        static char label[96];
        snprintf(label, sizeof(label), "[%zu/%zu] %s", i + 1, n, table);
        cli_progress_start(&p->bar, label, (size_t)total);
        p->table = table;
    }
    cli_progress_update(&p->bar, (size_t)done);
    if (is_done && !p->bar.is_on)
        fprintf(stderr, "migrate-store: [%zu/%zu] %s: %lld rows\n", i + 1, n, table,
                (long long)done);
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int cmd_migrate_store(int argc, char **argv)
{
    static const struct option opts[] = { { "from", 1, NULL, 'f' },
                                          { "to", 1, NULL, 't' },
                                          { "allow-non-empty", 0, NULL, 'a' },
                                          { "batch", 1, NULL, 'b' },
                                          { "help", 0, NULL, 'h' },
                                          { 0, 0, 0, 0 } };
    const char *from = NULL, *to = NULL;
    struct store_copy_opts o = { 0 };
    struct fc_err err = { 0 };
    int opt;
    optind = 1;
    while ((opt = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (opt) {
        case 'h':
            fputs(usage, stdout);
            return 0;
        case 'f':
            from = optarg;
            break;
        case 't':
            to = optarg;
            break;
        case 'a':
            o.allow_non_empty = true;
            break;
        case 'b': {
            char *end = NULL;
            long v = strtol(optarg, &end, 10);
            if (end == optarg || *end != '\0' || v < 1 || v > 100000) {
                fprintf(stderr, "firstcontact migrate-store: --batch must be 1..100000\n");
                return 2;
            }
            o.batch_rows = (size_t)v;
            break;
        }
        default:
            fputs(usage, stderr);
            return 2;
        }
    }
    if (optind != argc || from == NULL || to == NULL) {
        fputs(usage, stderr);
        return 2;
    }
    if (strcmp(from, to) == 0) {
        fprintf(stderr, "firstcontact migrate-store: --from and --to name the same store\n");
        return 2;
    }
    struct store *src = NULL, *dst = NULL;
    struct arena a;
    arena_init(&a, 0);
    struct store_copy_result res = { 0 };
    int version = 0;
    int rc = store_open(from, &src, &err);
    if (rc == FC_OK)
        rc = store_check(src, &err);
    if (rc == FC_OK)
        rc = store_open(to, &dst, &err);
    if (rc == FC_OK)
        rc = store_migrate(dst, &version, &err);
    if (rc == FC_OK) {
        /* the copy discloses every record: it is audited like an export, in the source
         * (and so, copied, in the target) */
        char detail[64];
        snprintf(detail, sizeof(detail), "firstcontact migrate-store to %s", dst->ops->name);
        struct audit_event ev = { .action = AUDIT_EXPORT,
                                  .object_type = "store",
                                  .purpose = "migrate-store",
                                  .detail = detail };
        rc = store_audit_append(src, &ev, &err);
    }
    double t0 = now_s();
    struct progress pr = { 0 };
    if (rc == FC_OK)
        rc = store_copy(src, dst, &o, on_progress, &pr, &a, &res, &err);
    if (pr.table != NULL)
        cli_progress_end(&pr.bar);
    double secs = now_s() - t0;
    if (rc == FC_OK) {
        for (size_t i = 0; i < res.n_tables; i++) {
            char hex[65];
            sodium_bin2hex(hex, sizeof(hex), res.tables[i].sha256, 32);
            printf("%-24s %10lld rows  sha256 %s", res.tables[i].name,
                   (long long)res.tables[i].rows, hex);
            if (res.tables[i].present > 0)
                printf("  (%lld already there)", (long long)res.tables[i].present);
            putchar('\n');
        }
        printf("copied %lld rows in %zu tables in %.2f s (%.0f rows/s); counts and checksums "
               "match; target schema version %d\n",
               (long long)res.rows, res.n_tables, secs, secs > 0 ? (double)res.rows / secs : 0.0,
               version);
    }
    store_close(dst);
    store_close(src);
    arena_free(&a);
    return rc == FC_OK ? 0 : cli_fail("migrate-store", &err);
}
