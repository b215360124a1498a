/*
 * api/input.h: checking a JSON request body against a field table before anything is
 * written.
 *
 * A resource declares its fields once (name, type, required, maximum length, allowed
 * values); api_input_check() rejects unknown fields, wrong types, missing required fields,
 * overlong strings (counted in characters), oversized arrays and values outside an
 * enumeration, naming the field by its JSON path ("names[0].surname"). JSON null counts as
 * absent. Knows nothing of HTTP or storage. Pure and thread-safe.
 */
#ifndef FC_API_INPUT_H
#define FC_API_INPUT_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "util/err.h"

enum api_type { API_STRING, API_INTEGER, API_NUMBER, API_BOOLEAN, API_OBJECT, API_ARRAY };

struct api_field {
    const char *name;
    enum api_type type;
    bool is_required;
    size_t max;                /* strings: characters (0: 2000); arrays: items (0: 50) */
    const char *const *one_of; /* strings only: allowed values, NULL-ended; NULL: any */
};

/* Ends a field table. */
#define API_FIELDS_END { NULL, API_STRING, false, 0, NULL }

/*
 * Checks that `obj` is an object whose members all appear in `fields` with the right
 * types and limits. `path` prefixes field names in errors ("" at the top level).
 * FC_EINVAL with err->field set on the first problem.
 */
int api_input_check(const json_t *obj, const char *path, const struct api_field *fields,
                    struct fc_err *err);

/* A member as a string, or NULL when absent or null (call after api_input_check). */
const char *api_input_str(const json_t *obj, const char *key);
/* A member as an integer, or fallback. */
long long api_input_int(const json_t *obj, const char *key, long long fallback);
/* A member as a boolean, or fallback. */
bool api_input_bool(const json_t *obj, const char *key, bool fallback);

#endif
