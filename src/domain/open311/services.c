/*
 * open311/services.c: the Open311 service catalogue and the check of posted attributes.
 * The catalogue is data (data/open311/services.json), parsed and checked once; the
 * strings point into the parsed document, which the catalogue keeps.
 */
#include "domain/open311/open311.h"

#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/assets.h"
#include "util/log.h"
#include "util/timeutil.h"
#include "util/utf8.h"

#define ATTR_STRING_MAX 200
#define ATTR_TEXT_MAX   4000

static const char *const incident_types[] = {
    "rowdy_inconsiderate_behaviour", "neighbour_dispute",     "noise",
    "vehicle_nuisance",              "littering_fly_tipping", "graffiti_criminal_damage",
    "street_drinking_drugs",         "intimidation_harassment", "hate_motivated",
};

static const char *const datatypes[] = { "string", "number", "datetime", "text",
                                         "singlevaluelist", "multivaluelist" };

static bool in_list(const char *s, const char *const *list, size_t n)
{
    for (size_t i = 0; s != NULL && i < n; i++) {
        if (strcmp(s, list[i]) == 0)
            return true;
    }
    return false;
}

static bool is_code(const char *s)
{
    if (s == NULL || s[0] == '\0' || strlen(s) > 40)
        return false;
    for (const char *c = s; *c; c++) {
        if (!((*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9') || *c == '_'))
            return false;
    }
    return true;
}

static bool is_list(const char *datatype)
{
    return strcmp(datatype, "singlevaluelist") == 0 || strcmp(datatype, "multivaluelist") == 0;
}

static const char *str(json_t *o, const char *k)
{
    return json_string_value(json_object_get(o, k));
}

struct owned {
    json_t *doc;
    struct open311_service *services;
    size_t n_services;
};

void open311_catalogue_free(struct open311_catalogue *c)
{
    if (c == NULL)
        return;
    struct owned *o = c->owner_;
    if (o != NULL) {
        for (size_t i = 0; i < o->n_services; i++) {
            struct open311_service *s = &o->services[i];
            for (size_t j = 0; j < s->n_attributes; j++)
                free((void *)s->attributes[j].values);
            free((void *)s->attributes);
            free((void *)s->category_map);
        }
        free(o->services);
        json_decref(o->doc);
        free(o);
    }
    free(c);
}

static int parse_values(json_t *arr, const char *field, struct open311_value **out, size_t *n,
                        struct fc_err *err)
{
    *out = NULL;
    *n = 0;
    if (arr == NULL)
        return FC_OK;
    if (!json_is_array(arr) || json_array_size(arr) == 0)
        return err_set(err, FC_EINVAL, field, "must be a non-empty array");
    struct open311_value *v = calloc(json_array_size(arr), sizeof(*v));
    if (v == NULL)
        return err_set(err, FC_ENOMEM, field, "out of memory");
    *out = v;
    size_t i;
    json_t *x;
    json_array_foreach(arr, i, x)
    {
        v[i].key = str(x, "key");
        v[i].name = str(x, "name");
        if (v[i].key == NULL || v[i].key[0] == '\0' || v[i].name == NULL)
            return err_set(err, FC_EINVAL, field, "value %zu needs a key and a name", i + 1);
        for (size_t j = 0; j < i; j++) {
            if (strcmp(v[j].key, v[i].key) == 0)
                return err_set(err, FC_EINVAL, field, "key %s is listed twice", v[i].key);
        }
        (*n)++;
    }
    return FC_OK;
}

static int parse_attributes(json_t *arr, struct open311_service *svc, struct fc_err *err)
{
    if (arr == NULL)
        return FC_OK;
    if (!json_is_array(arr))
        return err_set(err, FC_EINVAL, svc->code, "attributes must be an array");
    struct open311_attribute *at = calloc(json_array_size(arr) + 1, sizeof(*at));
    if (at == NULL)
        return err_set(err, FC_ENOMEM, svc->code, "out of memory");
    svc->attributes = at;
    size_t i;
    json_t *x;
    json_array_foreach(arr, i, x)
    {
        struct open311_attribute *a = &at[i];
        json_t *var = json_object_get(x, "variable");
        a->code = str(x, "code");
        a->datatype = str(x, "datatype");
        a->description = str(x, "description");
        a->datatype_description = str(x, "datatype_description");
        a->is_variable = var == NULL || json_is_true(var);
        a->is_required = json_is_true(json_object_get(x, "required"));
        a->order = (int)i + 1;
        svc->n_attributes = i + 1;
        if (!is_code(a->code))
            return err_set(err, FC_EINVAL, svc->code, "attribute %zu: code must be [A-Z0-9_]+",
                           i + 1);
        for (size_t j = 0; j < i; j++) {
            if (strcmp(at[j].code, a->code) == 0)
                return err_set(err, FC_EINVAL, svc->code, "attribute %s is listed twice",
                               a->code);
        }
        if (!in_list(a->datatype, datatypes, sizeof(datatypes) / sizeof(*datatypes)))
            return err_set(err, FC_EINVAL, svc->code, "attribute %s: unknown datatype", a->code);
        if (a->description == NULL || a->description[0] == '\0')
            return err_set(err, FC_EINVAL, svc->code, "attribute %s: description is required",
                           a->code);
        struct open311_value *vals;
        int rc = parse_values(json_object_get(x, "values"), a->code, &vals, &a->n_values, err);
        a->values = vals;
        if (rc != FC_OK)
            return rc;
        if (is_list(a->datatype) != (a->n_values > 0))
            return err_set(err, FC_EINVAL, svc->code,
                           "attribute %s: list datatypes need values, others have none",
                           a->code);
        if (!a->is_variable && a->is_required)
            return err_set(err, FC_EINVAL, svc->code,
                           "attribute %s: a notice (variable false) cannot be required",
                           a->code);
    }
    return FC_OK;
}

static int parse_category_map(json_t *cm, struct open311_service *svc, struct fc_err *err)
{
    if (cm == NULL)
        return FC_OK;
    svc->category_attribute = str(cm, "code");
    json_t *map = json_object_get(cm, "map");
    const struct open311_attribute *at = NULL;
    for (size_t i = 0; svc->category_attribute && i < svc->n_attributes; i++) {
        if (svc->attributes[i].code != NULL &&
            strcmp(svc->attributes[i].code, svc->category_attribute) == 0)
            at = &svc->attributes[i];
    }
    if (at == NULL || strcmp(at->datatype, "singlevaluelist") != 0 || !json_is_object(map))
        return err_set(err, FC_EINVAL, svc->code,
                       "category_attribute must name a singlevaluelist attribute and map it");
    struct open311_value *v = calloc(at->n_values ? at->n_values : 1, sizeof(*v));
    if (v == NULL)
        return err_set(err, FC_ENOMEM, svc->code, "out of memory");
    svc->category_map = v;
    for (size_t i = 0; i < at->n_values; i++) {
        const char *cat = json_string_value(json_object_get(map, at->values[i].key));
        enum nsir_category c;
        if (cat == NULL || !model_nsir_category_parse(cat, &c))
            return err_set(err, FC_EINVAL, svc->code,
                           "category_attribute: key %s needs a category (personal, nuisance, "
                           "environmental)",
                           at->values[i].key);
        v[i].key = at->values[i].key;
        v[i].name = cat;
        svc->n_category_map = i + 1;
    }
    return FC_OK;
}

int open311_catalogue_parse(const char *text, size_t len, struct open311_catalogue **out,
                            struct fc_err *err)
{
    json_error_t jerr;
    *out = NULL;
    struct open311_catalogue *c = calloc(1, sizeof(*c));
    struct owned *o = calloc(1, sizeof(*o));
    if (c == NULL || o == NULL) {
        free(c);
        free(o);
        return err_set(err, FC_ENOMEM, "", "out of memory");
    }
    c->owner_ = o;
    int rc = FC_OK;
    o->doc = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr);
    if (o->doc == NULL) {
        rc = err_set(err, FC_EINVAL, "services", "not JSON (line %d): %s", jerr.line, jerr.text);
        goto out;
    }
    c->version = str(o->doc, "version");
    json_t *arr = json_object_get(o->doc, "services");
    if (c->version == NULL || !json_is_array(arr) || json_array_size(arr) == 0) {
        rc = err_set(err, FC_EINVAL, "services", "needs a version and a non-empty services array");
        goto out;
    }
    o->services = calloc(json_array_size(arr), sizeof(*o->services));
    if (o->services == NULL) {
        rc = err_set(err, FC_ENOMEM, "", "out of memory");
        goto out;
    }
    size_t i;
    json_t *x;
    json_array_foreach(arr, i, x)
    {
        struct open311_service *s = &o->services[i];
        o->n_services = i + 1;
        s->code = str(x, "code");
        s->name = str(x, "name");
        s->description = str(x, "description");
        s->group = str(x, "group");
        s->keywords = str(x, "keywords");
        s->incident_type = str(x, "incident_type");
        if (!is_code(s->code)) {
            rc = err_set(err, FC_EINVAL, "services", "service %zu: code must be [A-Z0-9_]+", i + 1);
            goto out;
        }
        for (size_t j = 0; j < i; j++) {
            if (strcmp(o->services[j].code, s->code) == 0) {
                rc = err_set(err, FC_EINVAL, s->code, "service code is listed twice");
                goto out;
            }
        }
        if (s->name == NULL || s->name[0] == '\0') {
            rc = err_set(err, FC_EINVAL, s->code, "name is required");
            goto out;
        }
        if (!model_nsir_category_parse(str(x, "category"), &s->category)) {
            rc = err_set(err, FC_EINVAL, s->code,
                         "category must be personal, nuisance or environmental");
            goto out;
        }
        if (!in_list(s->incident_type, incident_types,
                     sizeof(incident_types) / sizeof(*incident_types))) {
            rc = err_set(err, FC_EINVAL, s->code, "incident_type is not a FirstContact type");
            goto out;
        }
        rc = parse_attributes(json_object_get(x, "attributes"), s, err);
        if (rc == FC_OK)
            rc = parse_category_map(json_object_get(x, "category_attribute"), s, err);
        if (rc != FC_OK)
            goto out;
    }
    c->services = o->services;
    c->n_services = o->n_services;
out:
    if (rc != FC_OK) {
        open311_catalogue_free(c);
        return rc;
    }
    *out = c;
    return FC_OK;
}

static pthread_once_t shared_once = PTHREAD_ONCE_INIT;
static struct open311_catalogue *shared_cat;
static struct fc_err shared_err;

static void shared_load(void)
{
    const struct asset *a = assets_find("data/open311/services.json");
    if (a == NULL) {
        err_set(&shared_err, FC_EINTERNAL, "services", "data/open311/services.json is missing");
    } else if (open311_catalogue_parse((const char *)a->start, asset_size(a), &shared_cat,
                                       &shared_err) == FC_OK) {
        return;
    }
    log_emit(LOG_ERROR, "open311.catalogue_failed", "field=%s msg=\"%s\"", shared_err.field,
             shared_err.msg);
}

const struct open311_catalogue *open311_catalogue_shared(struct fc_err *err)
{
    pthread_once(&shared_once, shared_load);
    if (shared_cat == NULL && err != NULL)
        *err = shared_err;
    return shared_cat;
}

const struct open311_service *open311_service_find(const struct open311_catalogue *c,
                                                   const char *code)
{
    for (size_t i = 0; c != NULL && code != NULL && i < c->n_services; i++) {
        if (strcmp(c->services[i].code, code) == 0)
            return &c->services[i];
    }
    return NULL;
}

static const struct open311_attribute *attr_find(const struct open311_service *svc,
                                                 const char *code)
{
    for (size_t i = 0; i < svc->n_attributes; i++) {
        if (strcmp(svc->attributes[i].code, code) == 0)
            return &svc->attributes[i];
    }
    return NULL;
}

static bool value_listed(const struct open311_attribute *at, const char *v)
{
    for (size_t i = 0; i < at->n_values; i++) {
        if (strcmp(at->values[i].key, v) == 0)
            return true;
    }
    return false;
}

static bool is_number(const char *s)
{
    char *end;
    errno = 0;
    double d = strtod(s, &end);
    return s[0] != '\0' && *end == '\0' && errno == 0 && isfinite(d);
}

static int value_check(const struct open311_attribute *at, const char *v, const char *field,
                       struct fc_err *err)
{
    size_t chars = utf8_length(v, strlen(v));
    if (strcmp(at->datatype, "number") == 0 && !is_number(v))
        return err_set(err, FC_EINVAL, field, "must be a number");
    if (strcmp(at->datatype, "datetime") == 0) {
        int64_t t;
        int off;
        if (!time_parse_iso8601(v, &t, &off))
            return err_set(err, FC_EINVAL, field,
                           "must be a date and time like 2025-01-06T21:40:00Z");
    }
    if (is_list(at->datatype) && !value_listed(at, v))
        return err_set(err, FC_EINVAL, field, "is not one of the listed keys");
    size_t max = strcmp(at->datatype, "text") == 0 ? ATTR_TEXT_MAX : ATTR_STRING_MAX;
    if (chars > max)
        return err_set(err, FC_EINVAL, field, "is longer than %zu characters", max);
    return FC_OK;
}

int open311_attributes_check(const struct open311_service *svc,
                             const struct open311_attr_value *vals, size_t n, struct arena *a,
                             enum nsir_category *category, char **json_out, struct fc_err *err)
{
    int rc = FC_OK;
    json_t *obj = json_object();
    *category = svc->category;
    if (json_out != NULL)
        *json_out = NULL;
    if (obj == NULL)
        return err_set(err, FC_ENOMEM, "", "out of memory");
    for (size_t i = 0; i < n; i++) {
        char field[64];
        snprintf(field, sizeof(field), "attribute[%.40s]", vals[i].code);
        const struct open311_attribute *at = attr_find(svc, vals[i].code);
        if (at == NULL || !at->is_variable) {
            rc = err_set(err, FC_EINVAL, field, "is not an attribute of service %s", svc->code);
            goto out;
        }
        bool multi = strcmp(at->datatype, "multivaluelist") == 0;
        json_t *prev = json_object_get(obj, at->code);
        if (prev != NULL && !multi) {
            rc = err_set(err, FC_EINVAL, field, "is given more than once");
            goto out;
        }
        if (vals[i].value == NULL || vals[i].value[0] == '\0')
            continue; /* an empty argument means the same as an absent one */
        rc = value_check(at, vals[i].value, field, err);
        if (rc != FC_OK)
            goto out;
        if (multi) {
            if (prev == NULL) {
                prev = json_array();
                json_object_set_new(obj, at->code, prev);
            }
            json_array_append_new(prev, json_string(vals[i].value));
        } else {
            json_object_set_new(obj, at->code, json_string(vals[i].value));
        }
    }
    for (size_t i = 0; i < svc->n_attributes; i++) {
        const struct open311_attribute *at = &svc->attributes[i];
        if (at->is_required && json_object_get(obj, at->code) == NULL) {
            rc = err_set(err, FC_EINVAL, "", "is required for service %s", svc->code);
            snprintf(err->field, sizeof(err->field), "attribute[%.40s]", at->code);
            goto out;
        }
    }
    if (svc->category_attribute != NULL) {
        const char *v = json_string_value(json_object_get(obj, svc->category_attribute));
        for (size_t i = 0; v != NULL && i < svc->n_category_map; i++) {
            if (strcmp(svc->category_map[i].key, v) == 0)
                model_nsir_category_parse(svc->category_map[i].name, category);
        }
    }
    if (json_out != NULL) {
        char *text = json_dumps(obj, JSON_COMPACT | JSON_SORT_KEYS);
        *json_out = text ? arena_strdup(a, text) : NULL;
        free(text);
        if (*json_out == NULL)
            rc = err_set(err, FC_ENOMEM, "", "out of memory");
    }
out:
    json_decref(obj);
    return rc;
}
