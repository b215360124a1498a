/*
 * cli/cmd_demo.c: `firstcontact demo`: loads demonstration data into a store.
 *
 * Organisations (the force, two councils, a housing provider), one login per role, a
 * background population of invented callers with earlier calls, the call-handling paths
 * (first-time caller, vulnerable repeat victim, Community Trigger) and live partnership
 * cases across two councils. Prints the logins. Running it twice adds no duplicates of
 * the named demo people, cases or users.
 */
#include <getopt.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "domain/cases/demo.h"
#include "domain/intake/demo.h"
#include "domain/intake/demo_population.h"
#include "domain/survey/demo.h"
#include "util/timeutil.h"

#define DEMO_PASSWORD "firstcontact-demo"

static const char *role_names[ROLE_COUNT] = { "call_handler", "officer", "supervisor",
                                              "partner_officer", "analyst", "admin" };

static void demo_usage(FILE *f)
{
    fprintf(f, "usage: firstcontact demo [options]\n\n"
               "Loads demonstration data: organisations, a login per role, invented callers\n"
               "with earlier calls, every call-handling path and live partnership cases.\n"
               "Every demo login's password is '" DEMO_PASSWORD "'.\n\n"
               "options:\n"
               "  --persons N        background callers to invent (default 400)\n"
               "  --seed N           random seed (default 2026)\n" CLI_COMMON_HELP);
}

static int org_find_or_add(struct store *s, enum org_kind kind, const char *name,
                           struct arena *a, fc_id_t *out, struct fc_err *err)
{
    struct organisation o;
    int rc = store_org_get_by_name(s, name, a, &o, err);
    if (rc == FC_OK) {
        *out = o.id;
        return FC_OK;
    }
    if (rc != FC_ENOTFOUND)
        return rc;
    struct organisation n = { .kind = kind, .name = (char *)name };
    return store_org_insert(s, &n, out, err);
}

static int user_find_or_add(struct store *s, fc_id_t org, enum user_role role,
                            const char *username, const char *display, struct arena *a,
                            fc_id_t *out, struct fc_err *err)
{
    struct user u;
    int rc = store_user_get_by_name(s, username, a, &u, err);
    if (rc == FC_OK) {
        *out = u.id;
        return FC_OK;
    }
    if (rc != FC_ENOTFOUND)
        return rc;
    struct user n = { .org_id = org, .username = (char *)username,
                      .display_name = (char *)display, .role = role,
                      .team = "Leicester City NPT", .created_at = time_now() };
    return store_user_insert(s, &n, out, err);
}

/* Gives every demo user without a password the demo password, and prints the logins. */
static int logins_set_and_print(struct store *s, struct arena *a, struct fc_err *err)
{
    struct user *users = NULL;
    size_t n = 0;
    char hash[crypto_pwhash_STRBYTES];
    int rc = store_user_list(s, a, &users, &n, err);
    if (rc == FC_OK && crypto_pwhash_str_alg(hash, DEMO_PASSWORD, strlen(DEMO_PASSWORD),
                                             crypto_pwhash_OPSLIMIT_INTERACTIVE,
                                             crypto_pwhash_MEMLIMIT_INTERACTIVE,
                                             crypto_pwhash_ALG_ARGON2ID13) != 0)
        rc = err_set(err, FC_ENOMEM, "password", "out of memory hashing the demo password");
    printf("\nDemo logins (password '%s' for each):\n", DEMO_PASSWORD);
    for (size_t i = 0; rc == FC_OK && i < n; i++) {
        struct user *u = &users[i];
        if (strstr(u->username, ".demo") == NULL)
            continue;
        if (u->password_hash == NULL || u->password_hash[0] == '\0') {
            u->password_hash = hash;
            rc = store_user_update(s, u, err);
        }
        struct organisation o = { 0 };
        if (rc == FC_OK)
            rc = store_org_get(s, u->org_id, a, &o, err);
        if (rc == FC_OK)
            printf("  %-20s %-16s %s\n", u->username, role_names[u->role], o.name);
    }
    sodium_memzero(hash, sizeof(hash));
    return rc;
}

int cmd_demo(int argc, char **argv)
{
    static const struct option longopts[] = { { "persons", 1, NULL, 'n' },
                                               { "seed", 1, NULL, 'r' },
                                               CLI_COMMON_OPTIONS,
                                               { NULL, 0, NULL, 0 } };
    struct cli_common co = { 0 };
    size_t n_persons = 400;
    unsigned long long seed = 2026;
    int opt;
    optind = 1;
    while ((opt = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
        char *end = NULL;
        if (opt == 'h') {
            demo_usage(stdout);
            return 0;
        } else if (opt == 'n') {
            n_persons = strtoul(optarg, &end, 10);
            if (*end != '\0' || n_persons > 1000000) {
                fprintf(stderr, "firstcontact demo: --persons must be a number up to 1000000\n");
                return 2;
            }
        } else if (opt == 'r') {
            seed = strtoull(optarg, &end, 10);
            if (*end != '\0') {
                fprintf(stderr, "firstcontact demo: --seed must be a number\n");
                return 2;
            }
        } else if (!cli_common_take(&co, opt, optarg)) {
            demo_usage(stderr);
            return 2;
        }
    }
    if (optind < argc) {
        fprintf(stderr, "firstcontact demo: unexpected argument '%s'\n", argv[optind]);
        return 2;
    }
    if (sodium_init() < 0) {
        fprintf(stderr, "firstcontact demo: libsodium failed to start\n");
        return 1;
    }
    struct config cfg;
    struct store *s = NULL;
    struct fc_err err = { 0 };
    struct arena a;
    arena_init(&a, 0);
    fc_id_t force = 0, charnwood = 0, city = 0, handler = 0, id = 0;
    fc_time_t now = time_now();
    int rc = cli_config_load(&co, &cfg, &err);
    if (rc != FC_OK)
        return cli_fail("demo", &err);
    rc = cli_open_store(&cfg, &s, &err);
    if (rc == FC_OK)
        rc = org_find_or_add(s, ORG_FORCE, "Leicestershire Police", &a, &force, &err);
    if (rc == FC_OK)
        rc = org_find_or_add(s, ORG_DISTRICT_COUNCIL, "Charnwood Borough Council", &a,
                             &charnwood, &err);
    if (rc == FC_OK)
        rc = org_find_or_add(s, ORG_CITY_COUNCIL, "Leicester City Council", &a, &city, &err);
    if (rc == FC_OK)
        rc = user_find_or_add(s, force, ROLE_CALL_HANDLER, "handler.demo", "Jo Handler", &a,
                              &handler, &err);
    if (rc == FC_OK)
        rc = user_find_or_add(s, force, ROLE_ANALYST, "analyst.demo", "Sam Analyst", &a, &id,
                              &err);
    if (rc == FC_OK)
        rc = user_find_or_add(s, force, ROLE_ADMIN, "admin.demo", "Alex Admin", &a, &id, &err);

    struct intake_demo_population pop = { .n_persons = n_persons, .seed = seed,
                                          .force_id = force, .handler_user_id = handler };
    struct intake_demo_population_counts pc = { 0 };
    struct intake_demo_counts ic = { 0 };
    struct cases_demo_counts cc = { 0 };
    if (rc == FC_OK)
        rc = intake_demo_population_seed(s, NULL, &pop, now, &pc, &err);
    if (rc == FC_OK)
        rc = intake_demo_seed(s, NULL, now, &ic, &err);
    if (rc == FC_OK)
        rc = cases_demo_seed(s, NULL, now, &cc, &err);
    /* satisfaction survey answers for the dashboard (domain/survey/demo.c) */
    struct survey_demo_counts sc = { 0 };
    if (rc == FC_OK)
        rc = survey_demo_seed(s, now, (unsigned)seed, &sc, &err);
    if (rc == FC_OK)
        printf("demo: %zu invented callers with %zu earlier calls; %zu call-handling calls; "
               "%zu partnership cases\n",
               pc.persons, pc.calls, ic.calls_created, cc.cases_created + cc.cases_existing);
    if (rc == FC_OK)
        printf("demo: %zu surveys queued: %zu answered, %zu declined, %zu not eligible\n",
               sc.queued, sc.answered, sc.declined, sc.not_eligible);
    if (rc == FC_OK)
        rc = logins_set_and_print(s, &a, &err);
    if (rc == FC_OK)
        printf("\nTry the call screen as handler.demo; search for 'Ravinder Shergill' (a\n"
               "vulnerable repeat victim) typed as 'Ravindr Shergil', or 'Dennis Hartwell'.\n");
    arena_free(&a);
    store_close(s);
    config_free(&cfg);
    return rc == FC_OK ? 0 : cli_fail("demo", &err);
}
