/*
 * domain/config/config.h: versioned rule configuration embedded under data/config/.
 *
 * A rule set is named "<family>/v<N>" (risk/v1, trigger/v1, ...) and lives in
 * data/config/<family>_v<N>.json, whose "version" member must repeat the name. Records keep
 * the version they were decided with, so an old assessment can always be re-read under its
 * own rules. These helpers read the JSON with field paths in every error ("risk/v1:
 * full.items[3].points"). Knows nothing of storage or HTTP. Thread-safe: no state.
 */
#ifndef FC_DOMAIN_CONFIG_CONFIG_H
#define FC_DOMAIN_CONFIG_CONFIG_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "util/err.h"

/* Loads the embedded rule set `version` ("risk/v1"). *out is a new reference: json_decref it. */
int config_json_load(const char *version, json_t **out, struct fc_err *err);

/* Getters: `obj` must be an object; `path` names it in errors. Missing or mistyped members
 * are FC_EINVAL naming "<path>.<key>". */
int config_json_int(const json_t *obj, const char *path, const char *key, int *out,
                    struct fc_err *err);
int config_json_bool(const json_t *obj, const char *path, const char *key, bool *out,
                     struct fc_err *err);
int config_json_str(const json_t *obj, const char *path, const char *key, char *out,
                    size_t out_len, struct fc_err *err);
int config_json_double(const json_t *obj, const char *path, const char *key, double *out,
                       struct fc_err *err);
/* Member `key` as an array or object (borrowed reference). */
int config_json_array(const json_t *obj, const char *path, const char *key, json_t **out,
                      struct fc_err *err);
int config_json_object(const json_t *obj, const char *path, const char *key, json_t **out,
                       struct fc_err *err);

/* Copies src into a fixed buffer; FC_EINVAL naming `field` if it does not fit. */
int config_copy(char *dst, size_t len, const char *src, const char *field, struct fc_err *err);

#endif
