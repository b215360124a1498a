/*
 * util/config.h: configuration as string key/value pairs from four layers.
 *
 * Precedence, lowest to highest: built-in defaults, an INI file, environment variables,
 * command-line flags. A value set from a higher layer is never replaced by a lower one,
 * whatever the order of loading. Top-level keys must be known (the table in config.c:
 * db, listen, log_level, session_idle_min, session_max_hours, tile_url, ...); "store" is
 * another name for "db". Modules extend the configuration with their own INI sections:
 * a key under [match] is "match.key" and needs no registration. Environment variables are
 * FC_<KEY> for top-level keys (FC_DB, FC_LOG_LEVEL) and FC_<SECTION>__<KEY> for sectioned
 * ones (FC_MATCH__THRESHOLD); other FC_* variables are left alone.
 * Not thread-safe while loading; read-only (and so shareable) afterwards.
 */
#ifndef FC_UTIL_CONFIG_H
#define FC_UTIL_CONFIG_H

#include <stddef.h>

#include "util/err.h"

enum config_source { CONFIG_DEFAULT, CONFIG_FILE, CONFIG_ENV, CONFIG_FLAG };

struct config_entry {
    char *key;
    char *value;
    enum config_source source;
};

struct config {
    struct config_entry *entries;
    size_t n, cap;
};

/* A known top-level key, its default and a line of help. */
struct config_key {
    const char *key;
    const char *default_value; /* NULL: unset unless configured */
    const char *help;
};

/* The known top-level keys, ended by a NULL key. */
extern const struct config_key config_keys[];

/* Fills c with the defaults. Free with config_free. */
int config_init(struct config *c, struct fc_err *err);
void config_free(struct config *c); /* NULL-safe */

/*
 * Sets key to value from `source` unless the key already has a value from a higher source.
 * Unknown top-level keys are FC_EINVAL (field = the key).
 */
int config_set(struct config *c, const char *key, const char *value, enum config_source source,
               struct fc_err *err);
/* Parses "key=value" (as given to --set) and sets it from CONFIG_FLAG. */
int config_set_pair(struct config *c, const char *pair, struct fc_err *err);

/* Reads an INI file: "key = value" lines, [section] headers, ; or # comments. Errors name
 * the line. */
int config_load_file(struct config *c, const char *path, struct fc_err *err);
/* Parses INI text already in memory; `name` is used in error messages. */
int config_load_ini(struct config *c, const char *text, const char *name, struct fc_err *err);
/* Reads FC_* variables from envp (NULL-terminated "NAME=value" strings, like environ). */
int config_load_env(struct config *c, char *const *envp, struct fc_err *err);

/* The value, or NULL when unset. Borrowed: valid until the key is set again or c is freed. */
const char *config_get(const struct config *c, const char *key);
/* Where the current value came from; CONFIG_DEFAULT when unset. */
enum config_source config_source_of(const struct config *c, const char *key);
/* The value as an integer in [min, max]; a missing value gives `fallback`. */
int config_get_long(const struct config *c, const char *key, long min, long max, long fallback,
                    long *out, struct fc_err *err);

#endif
