/*
 * open311/requests.c: posted reports in, status and updates out (see open311.h). Every
 * field is checked before anything is written; the report then goes through
 * intake_report_take, the path a call takes, so the reporter is matched as a person and
 * the contact carries the same repeat and vulnerable labels a call handler would see.
 */
#include "domain/open311/open311.h"

#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "domain/geo/geo.h"
#include "domain/match/norm.h"
#include "util/timeutil.h"
#include "util/utf8.h"

#define DESCRIPTION_MAX 4000
#define NAME_MAX_CHARS  100
#define TEXT_MAX_CHARS  300
#define URL_MAX_CHARS   2000
#define SNAP_MAX_M      1000.0 /* a public location is the nearest street point this close */

static bool given(const char *s)
{
    return s != NULL && s[0] != '\0';
}

static int check_text(const char *v, const char *field, size_t max, bool multiline,
                      struct fc_err *err)
{
    if (v == NULL)
        return FC_OK;
    if (utf8_length(v, strlen(v)) > max)
        return err_set(err, FC_EINVAL, field, "is longer than %zu characters", max);
    for (const unsigned char *c = (const unsigned char *)v; *c; c++) {
        if (*c < 0x20 && *c != '\t' && !(multiline && (*c == '\n' || *c == '\r')))
            return err_set(err, FC_EINVAL, field, "holds a control character");
        if (*c == 0x7f)
            return err_set(err, FC_EINVAL, field, "holds a control character");
    }
    return FC_OK;
}

static bool parse_coord(const char *s, double min, double max, double *out)
{
    char *end;
    if (s == NULL || !((s[0] >= '0' && s[0] <= '9') || s[0] == '-'))
        return false;
    errno = 0;
    double v = strtod(s, &end);
    if (errno != 0 || *end != '\0' || !isfinite(v) || v < min || v > max)
        return false;
    *out = v;
    return true;
}

/* A full postcode in a typed location: the whole of it, or its last one or two words. */
static bool find_postcode(const char *text, struct postcode *pc)
{
    if (text == NULL)
        return false;
    if (postcode_parse(text, pc) == POSTCODE_UNIT)
        return true;
    char buf[TEXT_MAX_CHARS * 4 + 1];
    snprintf(buf, sizeof(buf), "%s", text);
    for (char *c = buf; *c; c++) {
        if (*c == ',' || *c == '\n' || *c == '\r' || *c == '\t')
            *c = ' ';
    }
    size_t n = strlen(buf);
    while (n > 0 && buf[n - 1] == ' ')
        buf[--n] = '\0';
    char *last = strrchr(buf, ' ');
    if (last == NULL)
        return false;
    if (postcode_parse(last + 1, pc) == POSTCODE_UNIT)
        return true;
    *last = '\0';
    char *prev = strrchr(buf, ' ');
    *last = ' ';
    return postcode_parse(prev ? prev + 1 : buf, pc) == POSTCODE_UNIT;
}

struct checked {
    const struct open311_service *svc;
    enum nsir_category category;
    char *attributes_json;
    double lat, lon;
    bool has_point;
    struct postcode pc;
    bool has_postcode;
};

static int check_submission(const struct open311_catalogue *cat,
                            const struct open311_submission *in, struct arena *a,
                            struct checked *out, struct fc_err *err)
{
    memset(out, 0, sizeof(*out));
    out->lat = NAN;
    out->lon = NAN;
    if (!given(in->service_code))
        return err_set(err, FC_EINVAL, "service_code", "is required");
    out->svc = open311_service_find(cat, in->service_code);
    if (out->svc == NULL)
        return err_set(err, FC_EINVAL, "service_code",
                       "is not a service here: see services.xml for the list");
    if (given(in->lat) != given(in->lon))
        return err_set(err, FC_EINVAL, given(in->lat) ? "long" : "lat",
                       "lat and long are sent together");
    if (given(in->lat)) {
        if (!parse_coord(in->lat, -90, 90, &out->lat))
            return err_set(err, FC_EINVAL, "lat", "must be a WGS84 latitude in decimal degrees");
        if (!parse_coord(in->lon, -180, 180, &out->lon))
            return err_set(err, FC_EINVAL, "long",
                           "must be a WGS84 longitude in decimal degrees");
        out->has_point = true;
    } else if (!given(in->address_string) && !given(in->address_id)) {
        return err_set(err, FC_EINVAL, "address_string",
                       "a location is required: lat and long, address_string or address_id");
    }
    const struct {
        const char *v, *field;
        size_t max;
        bool multiline;
    } texts[] = {
        { in->address_string, "address_string", TEXT_MAX_CHARS, true },
        { in->address_id, "address_id", 100, false },
        { in->email, "email", 254, false },
        { in->first_name, "first_name", NAME_MAX_CHARS, false },
        { in->last_name, "last_name", NAME_MAX_CHARS, false },
        { in->phone, "phone", 40, false },
        { in->description, "description", DESCRIPTION_MAX, true },
        { in->media_url, "media_url", URL_MAX_CHARS, false },
        { in->device_id, "device_id", 200, false },
        { in->account_id, "account_id", 200, false },
    };
    for (size_t i = 0; i < sizeof(texts) / sizeof(*texts); i++) {
        int rc = check_text(texts[i].v, texts[i].field, texts[i].max, texts[i].multiline, err);
        if (rc != FC_OK)
            return rc;
    }
    if (given(in->email) &&
        (strchr(in->email, '@') == NULL || strchr(in->email, ' ') != NULL ||
         in->email[0] == '@' || in->email[strlen(in->email) - 1] == '@'))
        return err_set(err, FC_EINVAL, "email", "is not an email address");
    char e164[24];
    if (given(in->phone) && !phone_normalise(in->phone, e164, sizeof(e164)))
        return err_set(err, FC_EINVAL, "phone", "is not a UK phone number");
    if (given(in->media_url) && strncmp(in->media_url, "https://", 8) != 0 &&
        strncmp(in->media_url, "http://", 7) != 0)
        return err_set(err, FC_EINVAL, "media_url", "must be an http or https URL");
    for (size_t i = 0; i < in->n_client_attributes; i++) {
        const struct open311_attr_value *v = &in->client_attributes[i];
        char field[64];
        snprintf(field, sizeof(field), "attribute[%.40s]", v->code);
        if (strlen(v->code) > 40)
            return err_set(err, FC_EINVAL, field, "the code is longer than 40 characters");
        int rc = check_text(v->value, field, TEXT_MAX_CHARS, false, err);
        if (rc != FC_OK)
            return rc;
    }
    out->has_postcode = find_postcode(in->address_string, &out->pc);
    return open311_attributes_check(out->svc, in->attributes, in->n_attributes, a,
                                    &out->category, &out->attributes_json, err);
}

static void put(json_t *o, const char *k, const char *v)
{
    if (given(v))
        json_object_set_new(o, k, json_string(v));
}

/* The reporter's details as given, kept on the contact (never returned by Open311). */
static char *raw_details(const struct open311_submission *in, const struct checked *c,
                         struct arena *a)
{
    json_t *o = json_object();
    put(o, "service_code", in->service_code);
    put(o, "first_name", in->first_name);
    put(o, "last_name", in->last_name);
    put(o, "email", in->email);
    put(o, "phone", in->phone);
    put(o, "address_string", in->address_string);
    put(o, "address_id", in->address_id);
    put(o, "lat", in->lat);
    put(o, "long", in->lon);
    put(o, "device_id", in->device_id);
    put(o, "account_id", in->account_id);
    put(o, "media_url", in->media_url);
    json_t *attrs = json_loads(c->attributes_json ? c->attributes_json : "{}", 0, NULL);
    json_object_set_new(o, "attributes", attrs ? attrs : json_object());
    if (in->n_client_attributes > 0) {
        json_t *extra = json_object();
        for (size_t i = 0; i < in->n_client_attributes; i++)
            json_object_set_new(extra, in->client_attributes[i].code,
                                json_string(in->client_attributes[i].value
                                                ? in->client_attributes[i].value
                                                : ""));
        json_object_set_new(o, "client_attributes", extra);
    }
    char *text = json_dumps(o, JSON_COMPACT);
    json_decref(o);
    char *out = text ? arena_strdup(a, text) : NULL;
    free(text);
    return out;
}

int open311_request_submit(struct store *s, const struct intake_rules *r,
                           struct match_service *m, const struct open311_client *client,
                           const struct open311_submission *in, fc_time_t now, struct arena *a,
                           struct open311_submitted *out, struct fc_err *err)
{
    memset(out, 0, sizeof(*out));
    const struct open311_catalogue *cat = open311_catalogue_shared(err);
    if (cat == NULL)
        return FC_EINTERNAL;
    struct checked c;
    int rc = check_submission(cat, in, a, &c, err);
    if (rc != FC_OK)
        return rc;
    struct intake_report rep = {
        .channel = CHANNEL_OPEN311,
        .org_id = client->org_id,
        .reporter = { .forename = given(in->first_name) ? in->first_name : NULL,
                      .surname = given(in->last_name) ? in->last_name : NULL,
                      .email = given(in->email) ? in->email : NULL,
                      .phone = given(in->phone) ? in->phone : NULL },
        .raw_details = raw_details(in, &c, a),
        .category = c.category,
        .incident_type = c.svc->incident_type,
        .description = given(in->description) ? in->description : c.svc->name,
        .location_raw = given(in->address_string) ? in->address_string : NULL,
        .location_postcode = c.has_postcode ? c.pc.unit : NULL,
        .lat = c.lat,
        .lon = c.lon,
        .purpose = "ASB report received by Open311",
    };
    if (rep.raw_details == NULL)
        return err_set(err, FC_ENOMEM, "", "out of memory");
    struct intake_actor who = { .user_id = 0, .role = ROLE_CALL_HANDLER, .now = now };
    rc = store_txn_begin(s, err);
    if (rc != FC_OK)
        return rc;
    rc = intake_report_take(s, r, m, &who, &rep, a, &out->intake, err);
    if (rc == FC_OK) {
        struct open311_request_rec row = {
            .org_id = client->org_id,
            .key_id = client->key_id,
            .service_code = (char *)c.svc->code,
            .contact_id = out->intake.contact_id,
            .incident_id = out->intake.incident_id,
            .address = (char *)(given(in->address_string) ? in->address_string : NULL),
            .address_id = (char *)(given(in->address_id) ? in->address_id : NULL),
            .postcode = c.has_postcode ? c.pc.unit : NULL,
            .lat = c.lat,
            .lon = c.lon,
            .media_url = (char *)(given(in->media_url) ? in->media_url : NULL),
            .attributes = c.attributes_json,
            .requested_at = now,
        };
        rc = store_open311_request_insert(s, &row, &out->request_id, err);
    }
    if (rc != FC_OK) {
        store_txn_rollback(s);
        return rc;
    }
    rc = store_txn_commit(s, err);
    if (rc != FC_OK)
        return rc;
    return intake_report_index(m, &rep, &out->intake, now, err);
}

/* What anyone may see of where: the police.uk street point, the postcode district. */
static void public_location(const struct open311_request_rec *r, struct arena *a,
                            struct open311_request_view *v)
{
    double lat = r->lat, lon = r->lon;
    struct geo_postcode gp;
    struct postcode pc;
    v->lat = NAN;
    v->lon = NAN;
    v->address = NULL;
    v->zipcode = NULL;
    if ((isnan(lat) || isnan(lon)) && given(r->postcode) && geo_postcode_lookup(r->postcode, &gp)) {
        lat = gp.lat;
        lon = gp.lon;
    }
    if (!isnan(lat) && !isnan(lon)) {
        struct geo_street_point sp;
        if (geo_street_nearest(lat, lon, SNAP_MAX_M, &sp)) {
            v->lat = sp.lat;
            v->lon = sp.lon;
            v->address = arena_sprintf(a, "On or near %s", sp.street);
        }
        if (!given(r->postcode) && geo_postcode_nearest(lat, lon, SNAP_MAX_M, &gp) &&
            postcode_parse(gp.postcode, &pc) >= POSTCODE_DISTRICT)
            v->zipcode = arena_strdup(a, pc.district);
    }
    if (given(r->postcode) && postcode_parse(r->postcode, &pc) >= POSTCODE_DISTRICT)
        v->zipcode = arena_strdup(a, pc.district);
}

int open311_requests_list(struct store *s, const struct open311_client *reader,
                          const struct open311_request_filter *f, struct arena *a,
                          struct open311_request_view **out, size_t *n, struct fc_err *err)
{
    struct open311_request_rec *rows;
    size_t nr;
    *out = NULL;
    *n = 0;
    const struct open311_catalogue *cat = open311_catalogue_shared(err);
    if (cat == NULL)
        return FC_EINTERNAL;
    struct open311_request_query q = { .ids = f->ids,
                                       .n_ids = f->n_ids,
                                       .codes = f->codes,
                                       .n_codes = f->n_codes,
                                       .status = f->status,
                                       .from = f->from,
                                       .to = f->to,
                                       .limit = f->limit };
    int rc = store_open311_request_search(s, &q, a, &rows, &nr, err);
    if (rc != FC_OK)
        return rc;
    struct open311_request_view *v = arena_alloc(a, (nr + 1) * sizeof(*v));
    if (v == NULL)
        return err_set(err, FC_ENOMEM, "", "out of memory");
    for (size_t i = 0; i < nr; i++) {
        const struct open311_request_rec *r = &rows[i];
        const struct open311_service *svc = open311_service_find(cat, r->service_code);
        bool owner = reader != NULL && reader->org_id == r->org_id;
        v[i] = (struct open311_request_view){
            .id = r->id,
            .service_code = r->service_code,
            .service_name = svc ? svc->name : NULL,
            .status = r->status,
            .agency_responsible = r->org_name,
            .requested_at = r->requested_at,
            .updated_at = r->updated_at,
        };
        if (owner) {
            v[i].description = r->description;
            v[i].address = r->address;
            v[i].zipcode = r->postcode;
            v[i].lat = r->lat;
            v[i].lon = r->lon;
            v[i].media_url = r->media_url;
        } else {
            public_location(r, a, &v[i]);
        }
    }
    *out = v;
    *n = nr;
    return FC_OK;
}

int open311_updates_list(struct store *s, const struct open311_client *client, fc_time_t from,
                         fc_time_t to, size_t limit, struct arena *a,
                         struct open311_update_view **out, size_t *n, struct fc_err *err)
{
    struct open311_event_rec *ev;
    size_t ne;
    *out = NULL;
    *n = 0;
    int rc = store_open311_event_list(s, client->org_id, from, to, limit, a, &ev, &ne, err);
    if (rc != FC_OK)
        return rc;
    struct open311_update_view *v = arena_alloc(a, (ne + 1) * sizeof(*v));
    if (v == NULL)
        return err_set(err, FC_ENOMEM, "", "out of memory");
    for (size_t i = 0; i < ne; i++) {
        const struct open311_event_rec *e = &ev[i];
        bool closing = strcmp(e->kind, "closure") == 0 || strcmp(e->kind, "closed") == 0;
        const char *text = e->summary;
        if (!given(text) && strcmp(e->kind, "key_event") == 0 && given(e->event))
            text = arena_sprintf(a, "Update: %s", e->event);
        if (!given(text))
            text = closing ? "Closed." : "Update sent to the reporter.";
        v[i] = (struct open311_update_view){
            .update_id = arena_sprintf(a, "%s%lld", strcmp(e->kind, "closed") == 0 ? "c" : "u",
                                       (long long)e->source_id),
            .request_id = e->request_id,
            .status = closing ? "closed" : "in_progress",
            .description = text,
            .at = e->at,
        };
    }
    *out = v;
    *n = ne;
    return FC_OK;
}

/* ---- comments from the client (POST servicerequestupdates) ---- */

static const char *const comment_statuses[] = {
    "open", "closed", "fixed", "in_progress", "action_scheduled", "investigating", "duplicate",
    "not_councils_responsibility", "no_further_action", "internal_referral", "reopen",
    "for_triage", "cancelled", "planned", "unchanged",
};

static bool comment_status_known(const char *s)
{
    for (size_t i = 0; i < sizeof(comment_statuses) / sizeof(*comment_statuses); i++) {
        if (strcasecmp(s, comment_statuses[i]) == 0)
            return true;
    }
    return false;
}

/* The contact already made for this client update id on the incident, or 0. */
static int comment_seen(struct store *s, fc_id_t incident_id, const char *update_id,
                        struct arena *a, fc_id_t *out, struct fc_err *err)
{
    struct contact_query q = { .incident_id = incident_id, .limit = 1000 };
    struct contact *cs;
    size_t n;
    *out = 0;
    int rc = store_contact_search(s, &q, a, &cs, &n, err);
    for (size_t i = 0; rc == FC_OK && i < n && *out == 0; i++) {
        json_t *d = cs[i].raw_details ? json_loads(cs[i].raw_details, 0, NULL) : NULL;
        const char *u = json_string_value(json_object_get(d, "update_id"));
        if (cs[i].channel == CHANNEL_OPEN311 && u != NULL && strcmp(u, update_id) == 0)
            *out = cs[i].id;
        json_decref(d);
    }
    return rc;
}

int open311_comment_submit(struct store *s, const struct intake_rules *r,
                           struct match_service *m, const struct open311_client *client,
                           const struct open311_comment *in, fc_time_t now, struct arena *a,
                           const char **id_out, struct fc_err *err)
{
    int64_t at;
    int off;
    char *end = NULL;
    *id_out = NULL;
    long long rid = given(in->service_request_id) ? strtoll(in->service_request_id, &end, 10) : 0;
    if (!given(in->service_request_id))
        return err_set(err, FC_EINVAL, "service_request_id", "is required");
    if (rid <= 0 || end == NULL || *end != '\0' || in->service_request_id[0] < '0' ||
        in->service_request_id[0] > '9')
        return err_set(err, FC_ENOTFOUND, "service_request_id", "no such service request");
    if (!given(in->update_id))
        return err_set(err, FC_EINVAL, "update_id", "is required");
    if (!given(in->status))
        return err_set(err, FC_EINVAL, "status", "is required");
    if (!comment_status_known(in->status))
        return err_set(err, FC_EINVAL, "status", "is not an Open311 update status");
    if (!given(in->updated_datetime))
        return err_set(err, FC_EINVAL, "updated_datetime", "is required");
    if (!time_parse_iso8601(in->updated_datetime, &at, &off))
        return err_set(err, FC_EINVAL, "updated_datetime",
                       "must be a W3C date and time like 2025-01-06T21:40:00Z");
    const struct {
        const char *v, *field;
        size_t max;
        bool multiline;
    } texts[] = {
        { in->update_id, "update_id", 100, false },
        { in->description, "description", DESCRIPTION_MAX, true },
        { in->email, "email", 254, false },
        { in->first_name, "first_name", NAME_MAX_CHARS, false },
        { in->last_name, "last_name", NAME_MAX_CHARS, false },
        { in->phone, "phone", 40, false },
        { in->media_url, "media_url", URL_MAX_CHARS, false },
    };
    for (size_t i = 0; i < sizeof(texts) / sizeof(*texts); i++) {
        int rc = check_text(texts[i].v, texts[i].field, texts[i].max, texts[i].multiline, err);
        if (rc != FC_OK)
            return rc;
    }
    char e164[24];
    if (given(in->phone) && !phone_normalise(in->phone, e164, sizeof(e164)))
        return err_set(err, FC_EINVAL, "phone", "is not a UK phone number");
    if (given(in->email) && (strchr(in->email, '@') == NULL || strchr(in->email, ' ') != NULL))
        return err_set(err, FC_EINVAL, "email", "is not an email address");

    fc_id_t id = (fc_id_t)rid;
    struct open311_request_query q = { .ids = &id, .n_ids = 1, .limit = 1 };
    struct open311_request_rec *rows;
    size_t n;
    int rc = store_open311_request_search(s, &q, a, &rows, &n, err);
    if (rc != FC_OK)
        return rc;
    if (n == 0 || rows[0].org_id != client->org_id) /* another client's request: not ours */
        return err_set(err, FC_ENOTFOUND, "service_request_id", "no such service request");
    fc_id_t seen;
    rc = comment_seen(s, rows[0].incident_id, in->update_id, a, &seen, err);
    if (rc != FC_OK)
        return rc;
    if (seen != 0) {
        *id_out = arena_sprintf(a, "k%lld", (long long)seen);
        return FC_OK;
    }
    json_t *o = json_object();
    put(o, "service_request_id", in->service_request_id);
    put(o, "update_id", in->update_id);
    put(o, "status", in->status);
    put(o, "updated_datetime", in->updated_datetime);
    put(o, "description", in->description);
    put(o, "first_name", in->first_name);
    put(o, "last_name", in->last_name);
    put(o, "email", in->email);
    put(o, "phone", in->phone);
    put(o, "media_url", in->media_url);
    char *text = json_dumps(o, JSON_COMPACT);
    json_decref(o);
    struct intake_report rep = {
        .channel = CHANNEL_OPEN311,
        .org_id = client->org_id,
        .reporter = { .forename = given(in->first_name) ? in->first_name : NULL,
                      .surname = given(in->last_name) && strcmp(in->last_name, "-") != 0
                                     ? in->last_name
                                     : NULL,
                      .email = given(in->email) ? in->email : NULL,
                      .phone = given(in->phone) ? in->phone : NULL },
        .raw_details = text ? arena_strdup(a, text) : NULL,
        .lat = NAN,
        .lon = NAN,
        .purpose = "comment on an ASB report received by Open311",
        .incident_id = rows[0].incident_id,
    };
    free(text);
    if (rep.raw_details == NULL)
        return err_set(err, FC_ENOMEM, "", "out of memory");
    struct intake_actor who = { .user_id = 0, .role = ROLE_CALL_HANDLER, .now = now };
    struct intake_report_result res;
    rc = intake_report_take(s, r, m, &who, &rep, a, &res, err);
    if (rc != FC_OK)
        return rc;
    *id_out = arena_sprintf(a, "k%lld", (long long)res.contact_id);
    return intake_report_index(m, &rep, &res, now, err);
}
