/*
 * cli/cmd_open311_key.c: `firstcontact open311-key add | list | revoke`: API keys for the
 * Open311 clients (FixMyStreet and other council front ends) that post reports. A key
 * belongs to one organisation; it is printed once, when added, and only its hash is kept.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "domain/open311/open311.h"
#include "util/timeutil.h"

static const char usage[] =
    "usage: firstcontact open311-key add --org NAME [--label TEXT] [options]\n"
    "       firstcontact open311-key list [--org NAME] [options]\n"
    "       firstcontact open311-key revoke --id ID [options]\n\n"
    "Issues, lists or revokes the API keys Open311 clients post reports with. Reports\n"
    "posted with a key are taken for the key's organisation. `add` prints the key once:\n"
    "only its hash is stored, so a lost key is revoked and a new one issued.\n\n"
    "options:\n"
    "  --org NAME          the organisation (must exist)\n"
    "  --label TEXT        what the key is for, e.g. \"FixMyStreet (Leicester)\"\n"
    "  --id ID             the key to revoke (see list)\n" CLI_COMMON_HELP;

struct key_args {
    const char *org, *label, *id;
};

static int org_id_of(struct store *s, const char *name, struct arena *a, fc_id_t *out,
                     struct fc_err *err)
{
    struct organisation org;
    int rc = store_org_get_by_name(s, name, a, &org, err);
    if (rc == FC_ENOTFOUND)
        return err_set(err, FC_EINVAL, "org", "organisation not found");
    if (rc == FC_OK)
        *out = org.id;
    return rc;
}

static int key_add(struct store *s, const struct key_args *ka, struct fc_err *err)
{
    struct arena a;
    char key[OPEN311_KEY_CHARS + 1];
    fc_id_t org_id = 0, id = 0;
    if (ka->org == NULL)
        return err_set(err, FC_EINVAL, "org", "--org is required");
    arena_init(&a, 0);
    int rc = org_id_of(s, ka->org, &a, &org_id, err);
    if (rc == FC_OK)
        rc = open311_key_issue(s, org_id, ka->label ? ka->label : ka->org, time_now(), key,
                               &id, err);
    if (rc == FC_OK) {
        printf("open311 key %lld for %s (shown once, keep it safe):\n%s\n", (long long)id,
               ka->org, key);
        memset(key, 0, sizeof(key));
    }
    arena_free(&a);
    return rc;
}

static int key_list(struct store *s, const struct key_args *ka, struct fc_err *err)
{
    struct arena a;
    struct open311_key_rec *keys;
    size_t n;
    fc_id_t org_id = 0;
    arena_init(&a, 0);
    int rc = ka->org ? org_id_of(s, ka->org, &a, &org_id, err) : FC_OK;
    if (rc == FC_OK)
        rc = store_open311_key_list(s, org_id, &a, &keys, &n, err);
    if (rc == FC_OK) {
        printf("id,org_id,label,created_at,revoked_at\n");
        for (size_t i = 0; i < n; i++) {
            char created[32], revoked[32] = "";
            time_format_utc(keys[i].created_at, created, sizeof(created));
            if (keys[i].revoked_at != 0)
                time_format_utc(keys[i].revoked_at, revoked, sizeof(revoked));
            printf("%lld,%lld,\"%s\",%s,%s\n", (long long)keys[i].id,
                   (long long)keys[i].org_id, keys[i].label, created, revoked);
        }
    }
    arena_free(&a);
    return rc;
}

static int key_revoke(struct store *s, const struct key_args *ka, struct fc_err *err)
{
    char *end = NULL;
    long long id = ka->id ? strtoll(ka->id, &end, 10) : 0;
    if (ka->id == NULL || end == NULL || *end != '\0' || id <= 0)
        return err_set(err, FC_EINVAL, "id", "--id must be a key id (see list)");
    int rc = open311_key_revoke(s, (fc_id_t)id, time_now(), err);
    if (rc == FC_OK)
        printf("open311 key %lld revoked\n", id);
    return rc;
}

int cmd_open311_key(int argc, char **argv)
{
    static const struct option opts[] = {
        CLI_COMMON_OPTIONS,
        { "org", 1, NULL, 'o' },
        { "label", 1, NULL, 'l' },
        { "id", 1, NULL, 'i' },
        { 0, 0, 0, 0 },
    };
    struct cli_common co = { 0 };
    struct key_args ka = { 0 };
    struct fc_err err = { 0 };
    int opt;
    optind = 1;
    while ((opt = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (opt) {
        case 'h':
            fputs(usage, stdout);
            return 0;
        case 'o':
            ka.org = optarg;
            break;
        case 'l':
            ka.label = optarg;
            break;
        case 'i':
            ka.id = optarg;
            break;
        default:
            if (!cli_common_take(&co, opt, optarg)) {
                fputs(usage, stderr);
                return 2;
            }
        }
    }
    const char *sub = optind == argc - 1 ? argv[optind] : "";
    if (strcmp(sub, "add") != 0 && strcmp(sub, "list") != 0 && strcmp(sub, "revoke") != 0) {
        fputs(usage, stderr);
        return 2;
    }
    struct config cfg;
    if (cli_config_load(&co, &cfg, &err) != FC_OK)
        return cli_fail("open311-key", &err);
    struct store *s = NULL;
    int rc = cli_open_store(&cfg, &s, &err);
    if (rc == FC_OK)
        rc = strcmp(sub, "add") == 0    ? key_add(s, &ka, &err)
             : strcmp(sub, "list") == 0 ? key_list(s, &ka, &err)
                                        : key_revoke(s, &ka, &err);
    store_close(s);
    config_free(&cfg);
    return rc == FC_OK ? 0 : cli_fail("open311-key", &err);
}
