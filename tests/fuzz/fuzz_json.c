/*
 * tests/fuzz/fuzz_json.c: JSON request bodies, decoded as the server does before any handler
 * (http/server.c http_req_json: UTF-8 check, nesting limit, jansson with duplicate keys
 * rejected) and checked against field tables (api/input.c) shaped like POST
 * /api/v1/contacts and its nested caller details.
 *
 * Properties: the depth count is monotone in its limit; a body that passes the checks has
 * only known members of the right types, strings within their character limits, valid
 * UTF-8 without NUL and enumerated values from their list; a rejected body names a field
 * with a printable path and a message that never echoes the input.
 */
#include <jansson.h>

#include "api/input.h"
#include "fuzz.h"
#include "http/http.h"
#include "util/utf8.h"

static const char *const channels[] = { "phone", "online", "open311", "partner_referral", NULL };

static const struct api_field contact_fields[] = {
    { "channel", API_STRING, true, 20, channels },
    { "received_at", API_STRING, false, 40, NULL },
    { "caller_person_id", API_INTEGER, false, 0, NULL },
    { "score", API_NUMBER, false, 0, NULL },
    { "is_anonymous", API_BOOLEAN, false, 0, NULL },
    { "details", API_OBJECT, false, 0, NULL },
    { "tags", API_ARRAY, false, 5, NULL },
    { "purpose", API_STRING, false, 0, NULL },
    API_FIELDS_END,
};

static const struct api_field details_fields[] = {
    { "forename", API_STRING, false, 100, NULL },
    { "surname", API_STRING, true, 100, NULL },
    { "phone", API_STRING, false, 40, NULL },
    API_FIELDS_END,
};

static const struct api_field *field_find(const struct api_field *fields, const char *name)
{
    for (const struct api_field *f = fields; f->name; f++)
        if (strcmp(f->name, name) == 0)
            return f;
    return NULL;
}

static void check_accepted(const json_t *obj, const struct api_field *fields)
{
    const char *key;
    json_t *v;
    json_object_foreach((json_t *)obj, key, v) {
        const struct api_field *f = field_find(fields, key);
        FUZZ_CHECK(f != NULL); /* unknown members are refused */
        if (json_is_null(v))
            continue;
        if (f->type == API_STRING) {
            FUZZ_CHECK(json_is_string(v));
            const char *s = json_string_value(v);
            size_t len = json_string_length(v);
            FUZZ_CHECK(memchr(s, '\0', len) == NULL && utf8_is_valid(s, len, NULL));
            FUZZ_CHECK(utf8_length(s, len) <= (f->max ? f->max : HTTP_MAX_FIELD_CHARS));
            if (f->one_of) {
                int found = 0;
                for (const char *const *o = f->one_of; *o; o++)
                    found |= strcmp(*o, s) == 0;
                FUZZ_CHECK(found);
            }
            FUZZ_CHECK(api_input_str(obj, key) == s);
        } else if (f->type == API_ARRAY) {
            FUZZ_CHECK(json_is_array(v) && json_array_size(v) <= (f->max ? f->max : 50));
        }
    }
    for (const struct api_field *f = fields; f->name; f++) {
        json_t *m = json_object_get(obj, f->name);
        if (f->is_required)
            FUZZ_CHECK(m != NULL && !json_is_null(m));
    }
}

static void check_rejected(const struct fc_err *err)
{
    FUZZ_CHECK(err->status == FC_EINVAL);
    FUZZ_CHECK(fuzz_terminated(err->field, sizeof err->field));
    FUZZ_CHECK(fuzz_terminated(err->msg, sizeof err->msg) && err->msg[0] != '\0');
    for (const char *p = err->msg; *p; p++) /* the message is ours, in plain ASCII */
        FUZZ_CHECK((unsigned char)*p >= 0x20 && (unsigned char)*p < 0x7f);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *body = (const char *)data;
    size_t d1 = http_json_depth(body, size, 4), d2 = http_json_depth(body, size, 64);
    FUZZ_CHECK(d1 <= d2);
    if (d2 <= 4)
        FUZZ_CHECK(d1 == d2);
    if (!utf8_is_valid(body, size, NULL))
        return 0; /* the server answers 400 before parsing */
    if (http_json_depth(body, size, HTTP_MAX_JSON_DEPTH) > HTTP_MAX_JSON_DEPTH)
        return 0; /* 400: nested too deeply */
    json_error_t jerr;
    json_t *doc = json_loadb(body, size, JSON_REJECT_DUPLICATES, &jerr);
    if (doc == NULL)
        return 0;
    struct fc_err err;
    err_clear(&err);
    if (api_input_check(doc, "", contact_fields, &err) == FC_OK) {
        FUZZ_CHECK(json_is_object(doc));
        check_accepted(doc, contact_fields);
        json_t *details = json_object_get(doc, "details");
        if (json_is_object(details)) {
            err_clear(&err);
            if (api_input_check(details, "details", details_fields, &err) == FC_OK)
                check_accepted(details, details_fields);
            else
                check_rejected(&err);
        }
        (void)api_input_int(doc, "caller_person_id", -1);
        (void)api_input_bool(doc, "is_anonymous", false);
    } else {
        check_rejected(&err);
    }
    json_decref(doc);
    return 0;
}
