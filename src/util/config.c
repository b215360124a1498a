/* util/config.c: see config.h. */
#include "util/config.h"

#include <ctype.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CONFIG_MAX_FILE_BYTES (1u << 20)
#define CONFIG_MAX_KEY        63

const struct config_key config_keys[] = {
    { "db", "firstcontact.db", "store: an SQLite file path, sqlite:PATH or postgresql://..." },
    { "listen", "127.0.0.1:8080", "address and port the HTTP server listens on" },
    { "log_level", "info", "debug, info, warn or error" },
    { "session_idle_min", "30", "minutes of inactivity after which a session ends" },
    { "session_max_hours", "12", "hours after login after which a session ends" },
    { "tile_url", "", "map tile URL template, e.g. https://tile.example/{z}/{x}/{y}.png; "
                      "empty (the default) draws the map without tiles" },
    { "tile_attribution", "", "attribution text for the map tiles" },
    { "workers", "8", "HTTP worker threads" },
    { "max_body_bytes", "1048576", "largest request body accepted" },
    { "cookie_secure", "false", "mark the session cookie Secure (true behind TLS)" },
    { "trust_proxy", "false", "take the client address from X-Real-IP (true behind nginx)" },
    { "data_dir", NULL, "directory for run-time files (exports, backups)" },
    { "job_interval_s", "300", "seconds between runs of each scheduled job (sweeps, purges), "
                               "once across every node" },
    { "retention_every_hours", "0", "run the retention policy ([retention]) from the server "
                                    "every N hours, once across every node; 0: only by "
                                    "`firstcontact retention run`" },
    { "sync_poll_ms", "1000", "on a shared store, how often a node looks for changes other "
                              "nodes made when no notification came" },
    { NULL, NULL, NULL },
};

/* "store" is the name the design uses; "db" the one the CLI flag uses. */
static const char *canonical(const char *key)
{
    return strcmp(key, "store") == 0 ? "db" : key;
}

static bool key_is_known(const char *key)
{
    if (strchr(key, '.') != NULL)
        return true; /* a module's section: module.key */
    for (const struct config_key *k = config_keys; k->key; k++) {
        if (strcmp(k->key, key) == 0)
            return true;
    }
    return false;
}

static bool key_is_well_formed(const char *key)
{
    size_t n = strlen(key);
    if (n == 0 || n > CONFIG_MAX_KEY || key[0] == '.' || key[n - 1] == '.')
        return false;
    for (const char *p = key; *p; p++) {
        if (!(islower((unsigned char)*p) || isdigit((unsigned char)*p) || *p == '_' || *p == '.'))
            return false;
    }
    return true;
}

static struct config_entry *find(const struct config *c, const char *key)
{
    for (size_t i = 0; i < c->n; i++) {
        if (strcmp(c->entries[i].key, key) == 0)
            return &c->entries[i];
    }
    return NULL;
}

int config_init(struct config *c, struct fc_err *err)
{
    memset(c, 0, sizeof(*c));
    for (const struct config_key *k = config_keys; k->key; k++) {
        if (k->default_value == NULL)
            continue;
        int rc = config_set(c, k->key, k->default_value, CONFIG_DEFAULT, err);
        if (rc != FC_OK) {
            config_free(c);
            return rc;
        }
    }
    return FC_OK;
}

void config_free(struct config *c)
{
    if (c == NULL)
        return;
    for (size_t i = 0; i < c->n; i++) {
        free(c->entries[i].key);
        free(c->entries[i].value);
    }
    free(c->entries);
    memset(c, 0, sizeof(*c));
}

int config_set(struct config *c, const char *key, const char *value, enum config_source source,
               struct fc_err *err)
{
    key = canonical(key);
    if (!key_is_well_formed(key))
        return err_set(err, FC_EINVAL, "config", "configuration key '%.64s' is malformed", key);
    if (!key_is_known(key))
        return err_set(err, FC_EINVAL, key, "unknown configuration key '%s'", key);
    struct config_entry *e = find(c, key);
    if (e != NULL && e->source > source)
        return FC_OK; /* a higher layer already set it */
    char *v = strdup(value ? value : "");
    if (v == NULL)
        return err_set(err, FC_ENOMEM, key, "out of memory");
    if (e == NULL) {
        if (c->n == c->cap) {
            size_t cap = c->cap ? c->cap * 2 : 16;
            struct config_entry *ne = realloc(c->entries, cap * sizeof(*ne));
            if (ne == NULL) {
                free(v);
                return err_set(err, FC_ENOMEM, key, "out of memory");
            }
            c->entries = ne;
            c->cap = cap;
        }
        e = &c->entries[c->n];
        e->key = strdup(key);
        if (e->key == NULL) {
            free(v);
            return err_set(err, FC_ENOMEM, key, "out of memory");
        }
        e->value = NULL;
        c->n++;
    }
    free(e->value);
    e->value = v;
    e->source = source;
    return FC_OK;
}

int config_set_pair(struct config *c, const char *pair, struct fc_err *err)
{
    const char *eq = strchr(pair, '=');
    if (eq == NULL || eq == pair)
        return err_set(err, FC_EINVAL, "set", "expected key=value");
    char key[CONFIG_MAX_KEY + 1];
    size_t n = (size_t)(eq - pair);
    if (n > CONFIG_MAX_KEY)
        return err_set(err, FC_EINVAL, "set", "configuration key is too long");
    memcpy(key, pair, n);
    key[n] = '\0';
    return config_set(c, key, eq + 1, CONFIG_FLAG, err);
}

static char *trim(char *s)
{
    while (isspace((unsigned char)*s))
        s++;
    char *e = s + strlen(s);
    while (e > s && isspace((unsigned char)e[-1]))
        *--e = '\0';
    return s;
}

int config_load_ini(struct config *c, const char *text, const char *name, struct fc_err *err)
{
    char section[CONFIG_MAX_KEY + 1] = "";
    char *copy = strdup(text);
    if (copy == NULL)
        return err_set(err, FC_ENOMEM, "config", "out of memory");
    int rc = FC_OK;
    size_t line_no = 0;
    char *save = NULL;
    for (char *line = copy; line != NULL; line = save) {
        line_no++;
        char *nl = strchr(line, '\n');
        save = nl ? nl + 1 : NULL;
        if (nl)
            *nl = '\0';
        char *s = trim(line);
        if (*s == '\0' || *s == ';' || *s == '#')
            continue;
        if (*s == '[') {
            char *close = strchr(s, ']');
            if (close == NULL || close[1] != '\0' || close - s - 1 > CONFIG_MAX_KEY) {
                rc = err_set(err, FC_EINVAL, "config", "%s line %zu: malformed [section]", name,
                             line_no);
                break;
            }
            *close = '\0';
            snprintf(section, sizeof(section), "%s", trim(s + 1));
            continue;
        }
        char *eq = strchr(s, '=');
        if (eq == NULL) {
            rc = err_set(err, FC_EINVAL, "config", "%s line %zu: expected key = value", name,
                         line_no);
            break;
        }
        *eq = '\0';
        char *key = trim(s), *value = trim(eq + 1);
        size_t vlen = strlen(value);
        if (vlen >= 2 && value[0] == '"' && value[vlen - 1] == '"') {
            value[vlen - 1] = '\0';
            value++;
        }
        char full[2 * CONFIG_MAX_KEY + 2];
        if (section[0])
            snprintf(full, sizeof(full), "%s.%s", section, key);
        else
            snprintf(full, sizeof(full), "%s", key);
        rc = config_set(c, full, value, CONFIG_FILE, err);
        if (rc != FC_OK) {
            struct fc_err inner = { 0 };
            if (err != NULL)
                inner = *err;
            err_set(err, rc, inner.field, "%s line %zu: %s", name, line_no, inner.msg);
            break;
        }
    }
    free(copy);
    return rc;
}

int config_load_file(struct config *c, const char *path, struct fc_err *err)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return err_set(err, FC_EINVAL, "config", "cannot read configuration file: %s",
                       strerror(errno));
    char *buf = malloc(CONFIG_MAX_FILE_BYTES + 1);
    if (buf == NULL) {
        fclose(f);
        return err_set(err, FC_ENOMEM, "config", "out of memory");
    }
    size_t n = fread(buf, 1, CONFIG_MAX_FILE_BYTES + 1, f);
    fclose(f);
    int rc;
    if (n > CONFIG_MAX_FILE_BYTES) {
        rc = err_set(err, FC_EINVAL, "config", "configuration file is larger than 1 MiB");
    } else {
        buf[n] = '\0';
        rc = config_load_ini(c, buf, path, err);
    }
    free(buf);
    return rc;
}

int config_load_env(struct config *c, char *const *envp, struct fc_err *err)
{
    for (char *const *e = envp; e && *e; e++) {
        if (strncmp(*e, "FC_", 3) != 0)
            continue;
        const char *eq = strchr(*e, '=');
        if (eq == NULL)
            continue;
        char key[2 * CONFIG_MAX_KEY + 2];
        size_t n = 0;
        bool bad = false;
        for (const char *p = *e + 3; p < eq; p++) {
            if (n + 2 >= sizeof(key)) {
                bad = true;
                break;
            }
            if (p[0] == '_' && p + 1 < eq && p[1] == '_') {
                key[n++] = '.';
                p++;
            } else {
                key[n++] = (char)tolower((unsigned char)*p);
            }
        }
        key[n] = '\0';
        if (bad || n == 0)
            continue;
        /* FC_PASSWORD, FC_BIN and the like are not configuration: take only known keys */
        if (strchr(key, '.') == NULL && !key_is_known(canonical(key)))
            continue;
        int rc = config_set(c, key, eq + 1, CONFIG_ENV, err);
        if (rc != FC_OK)
            return rc;
    }
    return FC_OK;
}

const char *config_get(const struct config *c, const char *key)
{
    const struct config_entry *e = find(c, canonical(key));
    return e ? e->value : NULL;
}

enum config_source config_source_of(const struct config *c, const char *key)
{
    const struct config_entry *e = find(c, canonical(key));
    return e ? e->source : CONFIG_DEFAULT;
}

int config_get_long(const struct config *c, const char *key, long min, long max, long fallback,
                    long *out, struct fc_err *err)
{
    const char *v = config_get(c, key);
    if (v == NULL || *v == '\0') {
        *out = fallback;
        return FC_OK;
    }
    char *end;
    errno = 0;
    long x = strtol(v, &end, 10);
    if (errno != 0 || *end != '\0' || end == v)
        return err_set(err, FC_EINVAL, key, "%s must be a whole number", key);
    if (x < min || x > max)
        return err_set(err, FC_EINVAL, key, "%s must be between %ld and %ld", key, min, max);
    *out = x;
    return FC_OK;
}
