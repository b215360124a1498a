/* api/input.c: see input.h. */
#include "api/input.h"

#include <stdio.h>
#include <string.h>

#include "http/http.h"
#include "util/utf8.h"

static const char *type_name(enum api_type t)
{
    switch (t) {
    case API_STRING:
        return "a string";
    case API_INTEGER:
        return "an integer";
    case API_NUMBER:
        return "a number";
    case API_BOOLEAN:
        return "true or false";
    case API_OBJECT:
        return "an object";
    case API_ARRAY:
        return "an array";
    }
    return "a value";
}

static bool type_ok(const json_t *v, enum api_type t)
{
    switch (t) {
    case API_STRING:
        return json_is_string(v);
    case API_INTEGER:
        return json_is_integer(v);
    case API_NUMBER:
        return json_is_number(v);
    case API_BOOLEAN:
        return json_is_boolean(v);
    case API_OBJECT:
        return json_is_object(v);
    case API_ARRAY:
        return json_is_array(v);
    }
    return false;
}

static void field_path(char *out, size_t cap, const char *path, const char *name)
{
    if (path == NULL || path[0] == '\0')
        snprintf(out, cap, "%s", name);
    else
        snprintf(out, cap, "%s.%s", path, name);
}

/* Names a key for an error without echoing arbitrary input: printable ASCII, cut short. */
static void safe_key(char *out, size_t cap, const char *key)
{
    size_t j = 0;
    for (size_t i = 0; key[i] != '\0' && j + 1 < cap && i < 40; i++) {
        unsigned char c = (unsigned char)key[i];
        out[j++] = (c >= 0x21 && c < 0x7f) ? (char)c : '?';
    }
    out[j] = '\0';
}

static int check_one(const json_t *v, const char *fpath, const struct api_field *f,
                     struct fc_err *err)
{
    if (!type_ok(v, f->type))
        return err_set(err, FC_EINVAL, fpath, "must be %s", type_name(f->type));
    if (f->type == API_STRING) {
        const char *s = json_string_value(v);
        size_t len = json_string_length(v);
        size_t max = f->max ? f->max : HTTP_MAX_FIELD_CHARS;
        if (memchr(s, '\0', len) != NULL || !utf8_is_valid(s, len, NULL))
            return err_set(err, FC_EINVAL, fpath, "must be UTF-8 text without NUL characters");
        if (utf8_length(s, len) > max)
            return err_set(err, FC_EINVAL, fpath, "longer than %zu characters", max);
        if (f->is_required && len == 0)
            return err_set(err, FC_EINVAL, fpath, "must not be empty");
        if (f->one_of != NULL) {
            for (const char *const *o = f->one_of; *o != NULL; o++) {
                if (strcmp(*o, s) == 0)
                    return FC_OK;
            }
            char list[120] = "";
            for (const char *const *o = f->one_of; *o != NULL; o++) {
                size_t used = strlen(list);
                snprintf(list + used, sizeof(list) - used, "%s%s", used ? ", " : "", *o);
            }
            return err_set(err, FC_EINVAL, fpath, "must be one of: %s", list);
        }
    } else if (f->type == API_ARRAY) {
        size_t max = f->max ? f->max : HTTP_MAX_ARRAY_ITEMS;
        if (json_array_size(v) > max)
            return err_set(err, FC_EINVAL, fpath, "has more than %zu items", max);
    }
    return FC_OK;
}

int api_input_check(const json_t *obj, const char *path, const struct api_field *fields,
                    struct fc_err *err)
{
    char fpath[64];
    const char *key;
    json_t *v;

    if (!json_is_object(obj))
        return err_set(err, FC_EINVAL, path ? path : "", "must be an object");
    json_object_foreach((json_t *)obj, key, v) {
        const struct api_field *f = fields;
        while (f->name != NULL && strcmp(f->name, key) != 0)
            f++;
        if (f->name == NULL) {
            char k[48];
            safe_key(k, sizeof(k), key);
            field_path(fpath, sizeof(fpath), path, k);
            return err_set(err, FC_EINVAL, fpath, "unknown field");
        }
    }
    for (const struct api_field *f = fields; f->name != NULL; f++) {
        v = json_object_get(obj, f->name);
        field_path(fpath, sizeof(fpath), path, f->name);
        if (v == NULL || json_is_null(v)) {
            if (f->is_required)
                return err_set(err, FC_EINVAL, fpath, "is required");
            continue;
        }
        int rc = check_one(v, fpath, f, err);
        if (rc != FC_OK)
            return rc;
    }
    return FC_OK;
}

const char *api_input_str(const json_t *obj, const char *key)
{
    json_t *v = json_object_get(obj, key);
    return json_is_string(v) ? json_string_value(v) : NULL;
}

long long api_input_int(const json_t *obj, const char *key, long long fallback)
{
    json_t *v = json_object_get(obj, key);
    return json_is_integer(v) ? (long long)json_integer_value(v) : fallback;
}

bool api_input_bool(const json_t *obj, const char *key, bool fallback)
{
    json_t *v = json_object_get(obj, key);
    return json_is_boolean(v) ? json_is_true(v) : fallback;
}
