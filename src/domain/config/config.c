/* domain/config/config.c: see config.h. */
#include "domain/config/config.h"

#include <stdio.h>
#include <string.h>

#include "util/assets.h"

int config_json_load(const char *version, json_t **out, struct fc_err *err)
{
    char path[96];
    const char *slash = version ? strchr(version, '/') : NULL;
    if (slash == NULL || slash == version || slash[1] == '\0' || strlen(version) > 40)
        return err_set(err, FC_EINVAL, "version", "rule set name must look like family/vN");
    snprintf(path, sizeof(path), "data/config/%.*s_%s.json", (int)(slash - version), version,
             slash + 1);
    const struct asset *a = assets_find(path);
    if (a == NULL)
        return err_set(err, FC_ENOTFOUND, "version", "no rule set named %s", version);
    json_error_t jerr;
    json_t *root = json_loadb((const char *)a->start, asset_size(a), 0, &jerr);
    if (root == NULL)
        return err_set(err, FC_EINTERNAL, "version", "%s: bad JSON at line %d: %s", version,
                       jerr.line, jerr.text);
    const char *v = json_string_value(json_object_get(root, "version"));
    if (!json_is_object(root) || v == NULL || strcmp(v, version) != 0) {
        json_decref(root);
        return err_set(err, FC_EINTERNAL, "version", "%s: \"version\" member does not match",
                       version);
    }
    *out = root;
    return FC_OK;
}

static int missing(const char *path, const char *key, const char *what, struct fc_err *err)
{
    char field[64];
    snprintf(field, sizeof(field), "%s.%s", path, key);
    return err_set(err, FC_EINVAL, field, "must be %s", what);
}

int config_json_int(const json_t *obj, const char *path, const char *key, int *out,
                    struct fc_err *err)
{
    json_t *v = json_object_get(obj, key);
    if (!json_is_integer(v) || json_integer_value(v) < -1000000 ||
        json_integer_value(v) > 1000000)
        return missing(path, key, "an integer", err);
    *out = (int)json_integer_value(v);
    return FC_OK;
}

int config_json_bool(const json_t *obj, const char *path, const char *key, bool *out,
                     struct fc_err *err)
{
    json_t *v = json_object_get(obj, key);
    if (!json_is_boolean(v))
        return missing(path, key, "true or false", err);
    *out = json_is_true(v);
    return FC_OK;
}

int config_json_double(const json_t *obj, const char *path, const char *key, double *out,
                       struct fc_err *err)
{
    json_t *v = json_object_get(obj, key);
    if (!json_is_number(v))
        return missing(path, key, "a number", err);
    *out = json_number_value(v);
    return FC_OK;
}

int config_json_str(const json_t *obj, const char *path, const char *key, char *out,
                    size_t out_len, struct fc_err *err)
{
    const char *v = json_string_value(json_object_get(obj, key));
    if (v == NULL)
        return missing(path, key, "a string", err);
    if (strlen(v) >= out_len)
        return missing(path, key, "shorter", err);
    memcpy(out, v, strlen(v) + 1);
    return FC_OK;
}

int config_json_array(const json_t *obj, const char *path, const char *key, json_t **out,
                      struct fc_err *err)
{
    json_t *v = json_object_get(obj, key);
    if (!json_is_array(v))
        return missing(path, key, "an array", err);
    *out = v;
    return FC_OK;
}

int config_json_object(const json_t *obj, const char *path, const char *key, json_t **out,
                       struct fc_err *err)
{
    json_t *v = json_object_get(obj, key);
    if (!json_is_object(v))
        return missing(path, key, "an object", err);
    *out = v;
    return FC_OK;
}

int config_copy(char *dst, size_t len, const char *src, const char *field, struct fc_err *err)
{
    if (src == NULL || strlen(src) >= len)
        return err_set(err, FC_EINVAL, field, "must be a string under %zu bytes", len);
    memcpy(dst, src, strlen(src) + 1);
    return FC_OK;
}
