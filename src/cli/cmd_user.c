/*
 * cli/cmd_user.c: `firstcontact user add` and `user passwd`: accounts with argon2id
 * password hashes (libsodium crypto_pwhash_str, interactive limits); `user totp-enable`
 * and `user totp-disable`: the optional TOTP second factor of supervisors and admins.
 */
#include <getopt.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "domain/access/access.h"
#include "util/timeutil.h"
#include "util/totp.h"

#define PASSWORD_MIN_CHARS 10

static const char usage[] =
    "usage: firstcontact user add --org NAME --username NAME --role ROLE [options]\n"
    "       firstcontact user passwd --username NAME [options]\n"
    "       firstcontact user totp-enable USERNAME [options]\n"
    "       firstcontact user totp-disable USERNAME [options]\n\n"
    "Adds a user (or sets a user's password). The password comes from $FC_PASSWORD, or the\n"
    "first line of standard input with --password-stdin, or else a prompt on the terminal.\n"
    "It is stored only as an argon2id hash and must be at least 10 characters.\n"
    "totp-enable gives a supervisor or admin a new TOTP secret (RFC 6238, 6 digits, 30 s)\n"
    "and prints the otpauth:// URI for an authenticator app; sign-in then needs the code.\n\n"
    "options:\n"
    "  --org NAME          the user's organisation (must exist unless --create-org)\n"
    "  --create-org KIND   create the organisation if missing (force, district_council,\n"
    "                      city_council, county_council, unitary, housing_provider, health)\n"
    "  --username NAME     login name\n"
    "  --role ROLE         call_handler, officer, supervisor, partner_officer, analyst, admin\n"
    "  --team TEAM         neighbourhood team or queue\n"
    "  --display-name TXT  name shown in the interface\n"
    "  --password-stdin    read the password from standard input\n" CLI_COMMON_HELP;

struct user_args {
    const char *org, *create_org, *username, *role, *team, *display_name;
    bool password_stdin;
};

/* Gets the password and hashes it into hash (crypto_pwhash_STRBYTES). */
static int password_hash(bool from_stdin, char hash[crypto_pwhash_STRBYTES], struct fc_err *err)
{
    char pw[256];
    const char *env = getenv("FC_PASSWORD");
    int rc = FC_OK;
    if (env != NULL && env[0] != '\0' && !from_stdin)
        snprintf(pw, sizeof(pw), "%s", env);
    else
        rc = cli_password_read(from_stdin, pw, sizeof(pw), err);
    if (rc == FC_OK && !from_stdin && (env == NULL || env[0] == '\0') && isatty(STDIN_FILENO)) {
        char again[256];
        fprintf(stderr, "again, ");
        rc = cli_password_read(false, again, sizeof(again), err);
        if (rc == FC_OK && strcmp(pw, again) != 0)
            rc = err_set(err, FC_EINVAL, "password", "the two passwords differ");
        sodium_memzero(again, sizeof(again));
    }
    if (rc == FC_OK && strlen(pw) < PASSWORD_MIN_CHARS)
        rc = err_set(err, FC_EINVAL, "password", "password must be at least %d characters",
                     PASSWORD_MIN_CHARS);
    if (rc == FC_OK && crypto_pwhash_str_alg(
                           hash, pw, strlen(pw), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                           crypto_pwhash_MEMLIMIT_INTERACTIVE, crypto_pwhash_ALG_ARGON2ID13) != 0)
        rc = err_set(err, FC_ENOMEM, "password", "out of memory hashing the password");
    sodium_memzero(pw, sizeof(pw));
    return rc;
}

static int user_add(struct store *s, const struct user_args *ua, struct fc_err *err)
{
    struct arena a;
    struct organisation org;
    struct user u = { 0 };
    char hash[crypto_pwhash_STRBYTES];
    fc_id_t id = 0;
    if (ua->org == NULL || ua->username == NULL || ua->role == NULL)
        return err_set(err, FC_EINVAL, "", "--org, --username and --role are required");
    if (!model_user_role_parse(ua->role, &u.role))
        return err_set(err, FC_EINVAL, "role",
                       "role must be call_handler, officer, supervisor, partner_officer, "
                       "analyst or admin");
    enum org_kind kind = ORG_FORCE;
    if (ua->create_org && !model_org_kind_parse(ua->create_org, &kind))
        return err_set(err, FC_EINVAL, "create-org", "unknown organisation kind");
    int rc = password_hash(ua->password_stdin, hash, err);
    if (rc != FC_OK)
        return rc;
    arena_init(&a, 0);
    rc = store_txn_begin(s, err);
    if (rc != FC_OK)
        goto out;
    rc = store_org_get_by_name(s, ua->org, &a, &org, err);
    if (rc == FC_ENOTFOUND && ua->create_org) {
        struct organisation o = { .kind = kind, .name = (char *)ua->org };
        rc = store_org_insert(s, &o, &org.id, err);
    } else if (rc == FC_ENOTFOUND) {
        rc = err_set(err, FC_EINVAL, "org",
                     "organisation not found (give --create-org KIND to create it)");
    }
    if (rc != FC_OK)
        goto out;
    u.org_id = org.id;
    u.username = (char *)ua->username;
    u.display_name = (char *)ua->display_name;
    u.team = (char *)ua->team;
    u.password_hash = hash;
    u.created_at = time_now();
    rc = store_user_insert(s, &u, &id, err);
    if (rc != FC_OK)
        goto out;
    struct audit_event ev = { .action = AUDIT_CONFIG,
                              .object_type = "user",
                              .object_id = id,
                              .purpose = "user administration",
                              .detail = "user add (CLI)" };
    rc = store_audit_append(s, &ev, err);
    if (rc == FC_OK)
        rc = store_txn_commit(s, err);
out:
    if (rc != FC_OK)
        store_txn_rollback(s);
    else
        printf("user %s added (id %lld, role %s)\n", ua->username, (long long)id, ua->role);
    sodium_memzero(hash, sizeof(hash));
    arena_free(&a);
    return rc;
}

static int user_passwd(struct store *s, const struct user_args *ua, struct fc_err *err)
{
    struct arena a;
    struct user u;
    char hash[crypto_pwhash_STRBYTES];
    if (ua->username == NULL)
        return err_set(err, FC_EINVAL, "username", "--username is required");
    arena_init(&a, 0);
    int rc = store_user_get_by_name(s, ua->username, &a, &u, err);
    if (rc == FC_OK)
        rc = password_hash(ua->password_stdin, hash, err);
    if (rc == FC_OK)
        rc = store_txn_begin(s, err);
    if (rc != FC_OK)
        goto out;
    u.password_hash = hash;
    rc = store_user_update(s, &u, err);
    struct audit_event ev = { .action = AUDIT_CONFIG,
                              .object_type = "user",
                              .object_id = u.id,
                              .purpose = "user administration",
                              .detail = "password set (CLI)" };
    if (rc == FC_OK)
        rc = store_audit_append(s, &ev, err);
    if (rc == FC_OK)
        rc = store_txn_commit(s, err);
    else
        store_txn_rollback(s);
    if (rc == FC_OK)
        printf("password set for %s\n", ua->username);
out:
    sodium_memzero(hash, sizeof(hash));
    arena_free(&a);
    return rc;
}

static int user_totp(struct store *s, const char *username, bool enable, struct fc_err *err)
{
    struct arena a;
    struct user u;
    char secret[TOTP_SECRET_CHARS + 1] = "";
    char uri[512];
    if (username == NULL)
        return err_set(err, FC_EINVAL, "username", "give the username");
    arena_init(&a, 0);
    int rc = store_user_get_by_name(s, username, &a, &u, err);
    if (rc == FC_OK && enable && !access_can_use_totp(u.role))
        rc = err_set(err, FC_EINVAL, "role",
                     "the TOTP second factor is for supervisors and admins; this user is %s",
                     model_user_role_name(u.role));
    if (rc == FC_OK && enable) {
        totp_secret_new(secret);
        if (!totp_uri("FirstContact", u.username, secret, uri, sizeof(uri)))
            rc = err_set(err, FC_EINVAL, "username", "too long for an otpauth URI");
    }
    if (rc == FC_OK)
        rc = store_txn_begin(s, err);
    if (rc != FC_OK)
        goto out;
    u.mfa_secret = enable ? secret : NULL;
    rc = store_user_update(s, &u, err);
    struct audit_event ev = { .action = AUDIT_CONFIG,
                              .object_type = "user",
                              .object_id = u.id,
                              .purpose = "user administration",
                              .detail = enable ? "totp enabled (CLI)" : "totp disabled (CLI)" };
    if (rc == FC_OK)
        rc = store_audit_append(s, &ev, err);
    if (rc == FC_OK)
        rc = store_txn_commit(s, err);
    else
        store_txn_rollback(s);
    if (rc == FC_OK && enable)
        printf("TOTP enabled for %s. Add it to an authenticator app (as a QR code of this URI,\n"
               "or by typing the secret), then sign in with the code it shows:\n%s\n"
               "secret: %s\n",
               username, uri, secret);
    else if (rc == FC_OK)
        printf("TOTP disabled for %s\n", username);
out:
    sodium_memzero(secret, sizeof(secret));
    sodium_memzero(uri, sizeof(uri));
    arena_free(&a);
    return rc;
}

int cmd_user(int argc, char **argv)
{
    static const struct option opts[] = {
        CLI_COMMON_OPTIONS,
        { "org", 1, NULL, 'o' },
        { "create-org", 1, NULL, 'k' },
        { "username", 1, NULL, 'u' },
        { "role", 1, NULL, 'r' },
        { "team", 1, NULL, 't' },
        { "display-name", 1, NULL, 'n' },
        { "password-stdin", 0, NULL, 'p' },
        { 0, 0, 0, 0 },
    };
    struct cli_common co = { 0 };
    struct user_args ua = { 0 };
    struct fc_err err = { 0 };
    int opt;
    optind = 1;
    while ((opt = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (opt) {
        case 'h':
            fputs(usage, stdout);
            return 0;
        case 'o':
            ua.org = optarg;
            break;
        case 'k':
            ua.create_org = optarg;
            break;
        case 'u':
            ua.username = optarg;
            break;
        case 'r':
            ua.role = optarg;
            break;
        case 't':
            ua.team = optarg;
            break;
        case 'n':
            ua.display_name = optarg;
            break;
        case 'p':
            ua.password_stdin = true;
            break;
        default:
            if (!cli_common_take(&co, opt, optarg)) {
                fputs(usage, stderr);
                return 2;
            }
        }
    }
    const char *verb = optind < argc ? argv[optind] : "";
    bool is_totp = strcmp(verb, "totp-enable") == 0 || strcmp(verb, "totp-disable") == 0;
    if (is_totp && optind == argc - 2)
        ua.username = argv[optind + 1];
    else if (optind != argc - 1 ||
             (strcmp(verb, "add") != 0 && strcmp(verb, "passwd") != 0 && !is_totp)) {
        fputs(usage, stderr);
        return 2;
    }
    if (sodium_init() < 0) {
        fprintf(stderr, "firstcontact user: libsodium failed to initialise\n");
        return 1;
    }
    struct config cfg;
    if (cli_config_load(&co, &cfg, &err) != FC_OK)
        return cli_fail("user", &err);
    struct store *s = NULL;
    int rc = cli_open_store(&cfg, &s, &err);
    if (rc == FC_OK)
        rc = is_totp ? user_totp(s, ua.username, strcmp(verb, "totp-enable") == 0, &err)
             : strcmp(verb, "add") == 0 ? user_add(s, &ua, &err)
                                        : user_passwd(s, &ua, &err);
    store_close(s);
    config_free(&cfg);
    return rc == FC_OK ? 0 : cli_fail("user", &err);
}
