/*
 * api/persons.c: /api/v1/persons: create, read, append identifiers, search, flags, and
 * (supervisors) merge and un-merge.
 *
 * A person is the union of every identifier ever recorded for them (DESIGN section 2), so
 * "update" appends identifier rows and never overwrites one. Identifiers are normalised
 * at ingest with the matcher's normalisers (E.164 phones, unit postcodes, name and address
 * keys) and, after the store commits, added to the in-memory person index. Every read or
 * change writes an audit event; a read outside the reader's live contact needs a stated
 * purpose (X-Purpose header or "purpose" member).
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "api/api.h"
#include "api/input.h"
#include "domain/match/match.h"
#include "domain/match/norm.h"
#include "store/store.h"
#include "util/log.h"

#define PERSON_MAX_IDENTIFIERS 20

static const char *const sources[] = { "manual", "contact", "flag", "import",
                                       "open311", "referral", NULL };
static const char *const phone_kinds[] = { "mobile", "landline", "unknown", NULL };

static const struct api_field person_fields[] = {
    { "names", API_ARRAY, false, PERSON_MAX_IDENTIFIERS, NULL },
    { "dobs", API_ARRAY, false, PERSON_MAX_IDENTIFIERS, NULL },
    { "phones", API_ARRAY, false, PERSON_MAX_IDENTIFIERS, NULL },
    { "emails", API_ARRAY, false, PERSON_MAX_IDENTIFIERS, NULL },
    { "addresses", API_ARRAY, false, PERSON_MAX_IDENTIFIERS, NULL },
    { "source", API_STRING, false, 20, sources },
    { "source_id", API_INTEGER, false, 0, NULL },
    { "purpose", API_STRING, false, 200, NULL },
    API_FIELDS_END,
};
static const struct api_field name_fields[] = {
    { "forename", API_STRING, false, 100, NULL },
    { "middles", API_STRING, false, 100, NULL },
    { "surname", API_STRING, false, 100, NULL },
    { "raw", API_STRING, false, 300, NULL },
    API_FIELDS_END,
};
static const struct api_field dob_fields[] = {
    { "date", API_STRING, true, 40, NULL },
    API_FIELDS_END,
};
static const struct api_field phone_fields[] = {
    { "number", API_STRING, true, 40, NULL },
    { "kind", API_STRING, false, 10, phone_kinds },
    API_FIELDS_END,
};
static const struct api_field email_fields[] = {
    { "address", API_STRING, true, 254, NULL },
    API_FIELDS_END,
};
static const struct api_field address_fields[] = {
    { "raw", API_STRING, false, 300, NULL },
    { "flat", API_STRING, false, 40, NULL },
    { "number", API_STRING, false, 20, NULL },
    { "building", API_STRING, false, 100, NULL },
    { "street", API_STRING, false, 100, NULL },
    { "town", API_STRING, false, 100, NULL },
    { "postcode", API_STRING, false, 10, NULL },
    { "uprn", API_STRING, false, 12, NULL },
    API_FIELDS_END,
};

static char *dup_or_null(struct http_req *req, const json_t *o, const char *key)
{
    const char *s = api_input_str(o, key);
    return s != NULL && s[0] != '\0' ? api_strdup(req, s) : NULL;
}

static int check_items(struct http_req *req, const json_t *arr, const char *name,
                       const struct api_field *fields)
{
    size_t i;
    json_t *item;
    char path[48];
    json_array_foreach(arr, i, item) {
        snprintf(path, sizeof(path), "%s[%zu]", name, i);
        int rc = api_input_check(item, path, fields, &req->err);
        if (rc != FC_OK)
            return rc;
    }
    return FC_OK;
}

static int parse_names(struct http_req *req, const json_t *arr, struct provenance prov,
                       struct person *p)
{
    size_t i;
    json_t *o;
    p->n_names = json_array_size(arr);
    p->names = arena_alloc(req->arena, (p->n_names + 1) * sizeof(*p->names));
    if (p->names == NULL)
        return err_set(&req->err, FC_ENOMEM, "", "out of memory");
    json_array_foreach(arr, i, o) {
        struct person_name *n = &p->names[i];
        n->forename = dup_or_null(req, o, "forename");
        n->middles = dup_or_null(req, o, "middles");
        n->surname = dup_or_null(req, o, "surname");
        n->raw = dup_or_null(req, o, "raw");
        if (n->forename == NULL && n->surname == NULL && n->raw == NULL)
            return err_set(&req->err, FC_EINVAL,
                           api_path(req, "names[%zu]", i),
                           "give a forename, a surname or the name as said (raw)");
        if (n->raw == NULL)
            n->raw = arena_sprintf(req->arena, "%s%s%s%s%s", n->forename ? n->forename : "",
                                   n->middles ? " " : "", n->middles ? n->middles : "",
                                   n->surname && n->forename ? " " : "",
                                   n->surname ? n->surname : "");
        char keys[512];
        if (n->forename != NULL || n->surname != NULL)
            match_name_keys(n->forename, n->surname, keys, sizeof(keys));
        else
            match_name_keys(NULL, n->raw, keys, sizeof(keys));
        n->keys = api_strdup(req, keys);
        n->prov = prov;
    }
    return FC_OK;
}

static int parse_dobs(struct http_req *req, const json_t *arr, struct provenance prov,
                      struct person *p)
{
    size_t i;
    json_t *o;
    int year = 1970 + (int)(req->now / 31556952);
    p->n_dobs = json_array_size(arr);
    p->dobs = arena_alloc(req->arena, (p->n_dobs + 1) * sizeof(*p->dobs));
    if (p->dobs == NULL)
        return err_set(&req->err, FC_ENOMEM, "", "out of memory");
    json_array_foreach(arr, i, o) {
        struct person_dob *d = &p->dobs[i];
        const char *raw = api_input_str(o, "date");
        int32_t packed = 0;
        enum dob_status st = dob_parse(raw, year, &packed);
        const char *field = api_path(req, "dobs[%zu].date", i);
        if (st == DOB_MISSING)
            return err_set(&req->err, FC_EINVAL, field,
                           "not a date: use YYYY-MM-DD or DD/MM/YYYY");
        d->raw = api_strdup(req, raw);
        d->precision = DOB_FULL;
        if (st == DOB_PLACEHOLDER) {
            d->is_placeholder = true;
            snprintf(d->date, sizeof(d->date), "1900-01-01");
        } else {
            unsigned y = (unsigned)(packed / 10000) % 10000u;
            unsigned m = (unsigned)(packed / 100) % 100u, dd = (unsigned)packed % 100u;
            snprintf(d->date, sizeof(d->date), "%04u-%02u-%02u", y, m, dd);
            if (y > (unsigned)year)
                return err_set(&req->err, FC_EINVAL, field,
                               "must not be in the future");
        }
        d->prov = prov;
    }
    return FC_OK;
}

static int parse_phones(struct http_req *req, const json_t *arr, struct provenance prov,
                        struct person *p)
{
    size_t i;
    json_t *o;
    p->n_phones = json_array_size(arr);
    p->phones = arena_alloc(req->arena, (p->n_phones + 1) * sizeof(*p->phones));
    if (p->phones == NULL)
        return err_set(&req->err, FC_ENOMEM, "", "out of memory");
    json_array_foreach(arr, i, o) {
        struct person_phone *ph = &p->phones[i];
        char e164[24];
        ph->raw = api_strdup(req, api_input_str(o, "number"));
        ph->e164 = phone_normalise(ph->raw, e164, sizeof(e164)) ? api_strdup(req, e164) : NULL;
        const char *kind = api_input_str(o, "kind");
        if (kind == NULL)
            kind = ph->e164 == NULL ? "unknown" : phone_is_mobile(ph->e164) ? "mobile" : "landline";
        ph->kind = api_strdup(req, kind);
        ph->prov = prov;
    }
    return FC_OK;
}

static int parse_emails(struct http_req *req, const json_t *arr, struct provenance prov,
                        struct person *p)
{
    size_t i;
    json_t *o;
    p->n_emails = json_array_size(arr);
    p->emails = arena_alloc(req->arena, (p->n_emails + 1) * sizeof(*p->emails));
    if (p->emails == NULL)
        return err_set(&req->err, FC_ENOMEM, "", "out of memory");
    json_array_foreach(arr, i, o) {
        struct person_email *em = &p->emails[i];
        char norm[300];
        em->raw = api_strdup(req, api_input_str(o, "address"));
        if (!email_normalise(em->raw, norm, sizeof(norm)))
            return err_set(&req->err, FC_EINVAL,
                           api_path(req, "emails[%zu].address", i),
                           "not an email address");
        em->norm = api_strdup(req, norm);
        em->prov = prov;
    }
    return FC_OK;
}

static int parse_addresses(struct http_req *req, const json_t *arr, struct provenance prov,
                           struct person *p)
{
    size_t i;
    json_t *o;
    p->n_addresses = json_array_size(arr);
    p->addresses = arena_alloc(req->arena, (p->n_addresses + 1) * sizeof(*p->addresses));
    if (p->addresses == NULL)
        return err_set(&req->err, FC_ENOMEM, "", "out of memory");
    json_array_foreach(arr, i, o) {
        struct person_address *ad = &p->addresses[i];
        ad->raw = dup_or_null(req, o, "raw");
        ad->flat = dup_or_null(req, o, "flat");
        ad->number = dup_or_null(req, o, "number");
        ad->building = dup_or_null(req, o, "building");
        ad->street = dup_or_null(req, o, "street");
        ad->town = dup_or_null(req, o, "town");
        ad->uprn = dup_or_null(req, o, "uprn");
        ad->lat = NAN;
        ad->lon = NAN;
        const char *pc = api_input_str(o, "postcode");
        if (pc != NULL && pc[0] != '\0') {
            struct postcode parsed;
            if (postcode_parse(pc, &parsed) != POSTCODE_UNIT)
                return err_set(&req->err, FC_EINVAL,
                               api_path(req, "addresses[%zu].postcode", i),
                               "must be a full UK postcode such as LE1 6ZG");
            ad->postcode = api_strdup(req, parsed.unit);
            double lat, lon;
            if (postcode_coords(parsed.unit, &lat, &lon)) {
                ad->lat = lat;
                ad->lon = lon;
            }
        }
        if (ad->uprn != NULL && strspn(ad->uprn, "0123456789") != strlen(ad->uprn))
            return err_set(&req->err, FC_EINVAL,
                           api_path(req, "addresses[%zu].uprn", i),
                           "must be 1 to 12 digits");
        if (ad->raw == NULL && ad->street == NULL && ad->postcode == NULL && ad->uprn == NULL)
            return err_set(&req->err, FC_EINVAL,
                           api_path(req, "addresses[%zu]", i),
                           "give the address as said (raw), a street, a postcode or a UPRN");
        if (ad->raw == NULL)
            ad->raw = arena_sprintf(req->arena, "%s%s%s%s%s", ad->number ? ad->number : "",
                                    ad->number ? " " : "", ad->street ? ad->street : "",
                                    ad->postcode ? ", " : "", ad->postcode ? ad->postcode : "");
        char keys[512];
        match_address_keys(ad->raw, ad->postcode, keys, sizeof(keys));
        ad->keys = api_strdup(req, keys);
        ad->prov = prov;
    }
    return FC_OK;
}

/* Validates the whole body and fills p (identifiers only); writes nothing. */
static int parse_person(struct http_req *req, const json_t *in, struct person *p)
{
    static const struct {
        const char *name;
        const struct api_field *fields;
    } lists[] = {
        { "names", name_fields },     { "dobs", dob_fields },
        { "phones", phone_fields },   { "emails", email_fields },
        { "addresses", address_fields },
    };
    struct provenance prov;
    int rc = api_input_check(in, "", person_fields, &req->err);
    for (size_t i = 0; rc == FC_OK && i < sizeof(lists) / sizeof(lists[0]); i++) {
        json_t *arr = json_object_get(in, lists[i].name);
        if (json_is_array(arr))
            rc = check_items(req, arr, lists[i].name, lists[i].fields);
    }
    if (rc != FC_OK)
        return rc;
    memset(&prov, 0, sizeof(prov));
    const char *src = api_input_str(in, "source");
    prov.source = api_strdup(req, src ? src : "manual");
    prov.source_id = (fc_id_t)api_input_int(in, "source_id", 0);
    prov.recorded_at = req->now;
    rc = parse_names(req, json_object_get(in, "names"), prov, p);
    if (rc == FC_OK)
        rc = parse_dobs(req, json_object_get(in, "dobs"), prov, p);
    if (rc == FC_OK)
        rc = parse_phones(req, json_object_get(in, "phones"), prov, p);
    if (rc == FC_OK)
        rc = parse_emails(req, json_object_get(in, "emails"), prov, p);
    if (rc == FC_OK)
        rc = parse_addresses(req, json_object_get(in, "addresses"), prov, p);
    if (rc == FC_OK && p->n_names + p->n_dobs + p->n_phones + p->n_emails + p->n_addresses == 0)
        rc = err_set(&req->err, FC_EINVAL, "names",
                     "give at least one identifier (a name, date of birth, phone, email or "
                     "address)");
    return rc;
}

/* Adds the new identifiers to the person index, one match_record per row position. */
static void index_identifiers(struct http_req *req, fc_id_t id, const struct person *p)
{
    struct match_service *svc = req->app->match;
    size_t n = p->n_names;
    struct fc_err e;
    if (svc == NULL)
        return;
    if (p->n_dobs > n)
        n = p->n_dobs;
    if (p->n_phones > n)
        n = p->n_phones;
    if (p->n_emails > n)
        n = p->n_emails;
    if (p->n_addresses > n)
        n = p->n_addresses;
    for (size_t i = 0; i < n; i++) {
        struct match_record r;
        memset(&r, 0, sizeof(r));
        if (i < p->n_names) {
            r.forename = p->names[i].forename;
            r.surname = p->names[i].surname;
            r.full_name = p->names[i].raw;
        }
        if (i < p->n_dobs && !p->dobs[i].is_placeholder)
            r.dob = p->dobs[i].date;
        if (i < p->n_phones)
            r.phone = p->phones[i].raw;
        if (i < p->n_emails)
            r.email = p->emails[i].raw;
        if (i < p->n_addresses) {
            r.address = p->addresses[i].raw;
            r.postcode = p->addresses[i].postcode;
        }
        if (match_person_add(svc, id, &r, req->now, &e) != FC_OK)
            log_emit(LOG_WARN, "persons.index_failed", "req=%s person=%lld msg=\"%s\"",
                     req->request_id, (long long)id, e.msg);
    }
}

static json_t *prov_json(struct http_req *req, json_t *o, const struct provenance *pv)
{
    json_object_set_new(o, "source", json_string(pv->source ? pv->source : "manual"));
    if (pv->source_id != 0)
        json_object_set_new(o, "source_id", json_integer(pv->source_id));
    json_object_set_new(o, "recorded_at", json_string(api_time(req, pv->recorded_at)));
    return o;
}

/* The person as JSON, every identifier with its source and time. */
static json_t *person_json(struct http_req *req, const struct person *p)
{
    json_t *names = json_array(), *dobs = json_array(), *phones = json_array();
    json_t *emails = json_array(), *addrs = json_array();
    for (size_t i = 0; i < p->n_names; i++) {
        const struct person_name *n = &p->names[i];
        json_array_append_new(names, prov_json(req, json_pack("{s:I, s:s?, s:s?, s:s?, s:s?}",
                                                              "id", (json_int_t)n->id, "raw",
                                                              n->raw, "forename", n->forename,
                                                              "middles", n->middles, "surname",
                                                              n->surname),
                                               &n->prov));
    }
    for (size_t i = 0; i < p->n_dobs; i++) {
        const struct person_dob *d = &p->dobs[i];
        json_array_append_new(dobs, prov_json(req, json_pack("{s:I, s:s, s:s?, s:s, s:b}", "id",
                                                             (json_int_t)d->id, "date", d->date,
                                                             "raw", d->raw, "precision",
                                                             model_dob_precision_name(d->precision),
                                                             "is_placeholder", d->is_placeholder),
                                              &d->prov));
    }
    for (size_t i = 0; i < p->n_phones; i++) {
        const struct person_phone *ph = &p->phones[i];
        json_array_append_new(phones, prov_json(req, json_pack("{s:I, s:s?, s:s?, s:s?}", "id",
                                                               (json_int_t)ph->id, "number",
                                                               ph->raw, "e164", ph->e164, "kind",
                                                               ph->kind),
                                                &ph->prov));
    }
    for (size_t i = 0; i < p->n_emails; i++) {
        const struct person_email *em = &p->emails[i];
        json_array_append_new(emails, prov_json(req, json_pack("{s:I, s:s?, s:s?}", "id",
                                                               (json_int_t)em->id, "address",
                                                               em->raw, "normalised", em->norm),
                                                &em->prov));
    }
    for (size_t i = 0; i < p->n_addresses; i++) {
        const struct person_address *ad = &p->addresses[i];
        json_t *o = json_pack("{s:I, s:s?, s:s?, s:s?, s:s?, s:s?, s:s?, s:s?, s:s?}", "id",
                              (json_int_t)ad->id, "raw", ad->raw, "flat", ad->flat, "number",
                              ad->number, "building", ad->building, "street", ad->street,
                              "town", ad->town, "postcode", ad->postcode, "uprn", ad->uprn);
        if (!isnan(ad->lat) && !isnan(ad->lon)) {
            json_object_set_new(o, "lat", json_real(ad->lat));
            json_object_set_new(o, "lon", json_real(ad->lon));
        }
        json_array_append_new(addrs, prov_json(req, o, &ad->prov));
    }
    json_t *o = json_pack("{s:I, s:s}", "id", (json_int_t)p->id, "created_at",
                          api_time(req, p->created_at));
    if (p->merged_into != 0)
        json_object_set_new(o, "merged_into", json_integer(p->merged_into));
    json_object_set_new(o, "names", names);
    json_object_set_new(o, "dobs", dobs);
    json_object_set_new(o, "phones", phones);
    json_object_set_new(o, "emails", emails);
    json_object_set_new(o, "addresses", addrs);
    return o;
}

int api_persons_create(struct http_req *req, struct http_resp *resp)
{
    struct store *st = req->app->store;
    struct person p;
    json_t *in;
    const char *purpose;
    fc_id_t id = 0;
    struct fc_err e;
    int rc;

    memset(&p, 0, sizeof(p));
    rc = http_req_json(req, &in);
    if (rc == FC_OK)
        rc = api_purpose(req, in, &purpose);
    if (rc == FC_OK)
        rc = parse_person(req, in, &p);
    if (rc != FC_OK)
        return rc;
    p.created_at = req->now;
    rc = st->ops->txn_begin(st, &e);
    if (rc != FC_OK)
        return api_store_failed(req, rc, &e);
    rc = st->ops->person_insert(st, &p, &id, &e);
    if (rc != FC_OK) {
        api_store_failed(req, rc, &e);
        goto out;
    }
    rc = api_audit(req, AUDIT_COLLECT, "person", id, purpose ? purpose : "record a person",
                   "created");
    if (rc != FC_OK)
        goto out;
    rc = st->ops->txn_commit(st, &e);
    if (rc != FC_OK)
        return api_store_failed(req, rc, &e);
    index_identifiers(req, id, &p);
    struct person got;
    rc = st->ops->person_get(st, id, req->arena, &got, &e);
    if (rc != FC_OK)
        return api_store_failed(req, rc, &e);
    http_resp_header(req, resp, "Location", arena_sprintf(req->arena, "/api/v1/persons/%lld",
                                                          (long long)id));
    return http_resp_json(req, resp, 201, person_json(req, &got));
out:
    st->ops->txn_rollback(st);
    return rc;
}

int api_persons_get(struct http_req *req, struct http_resp *resp)
{
    struct store *st = req->app->store;
    struct person p;
    struct fc_err e;
    const char *purpose;
    fc_id_t id;
    int rc = http_req_param_id(req, "id", &id);
    if (rc == FC_OK)
        rc = api_read_purpose(req, NULL, &purpose);
    if (rc != FC_OK)
        return rc;
    rc = st->ops->person_get(st, id, req->arena, &p, &e);
    if (rc != FC_OK)
        return api_store_failed(req, rc, &e);
    rc = api_person_check_visible(req, id);
    if (rc == FC_OK)
        rc = api_audit(req, AUDIT_CONSULT, "person", id, purpose, "viewed");
    if (rc != FC_OK)
        return rc;
    return http_resp_json(req, resp, 200, person_json(req, &p));
}

int api_persons_update(struct http_req *req, struct http_resp *resp)
{
    struct store *st = req->app->store;
    struct person p, got;
    json_t *in;
    const char *purpose;
    struct fc_err e;
    fc_id_t id;

    memset(&p, 0, sizeof(p));
    int rc = http_req_param_id(req, "id", &id);
    if (rc == FC_OK)
        rc = http_req_json(req, &in);
    if (rc == FC_OK)
        rc = api_purpose(req, in, &purpose);
    if (rc == FC_OK)
        rc = parse_person(req, in, &p);
    if (rc != FC_OK)
        return rc;
    rc = st->ops->person_get(st, id, req->arena, &got, &e);
    if (rc != FC_OK)
        return api_store_failed(req, rc, &e);
    if (got.merged_into != 0)
        return err_set(&req->err, FC_ECONFLICT, "id",
                       "this person was merged into person %lld: append there",
                       (long long)got.merged_into);
    rc = api_person_check_visible(req, id);
    if (rc != FC_OK)
        return rc;
    p.id = id;
    rc = st->ops->txn_begin(st, &e);
    if (rc != FC_OK)
        return api_store_failed(req, rc, &e);
    rc = st->ops->person_add_identifiers(st, &p, &e);
    if (rc != FC_OK) {
        api_store_failed(req, rc, &e);
        goto out;
    }
    rc = api_audit(req, AUDIT_ALTER, "person", id, purpose ? purpose : "append identifiers",
                   "identifiers appended");
    if (rc != FC_OK)
        goto out;
    rc = st->ops->txn_commit(st, &e);
    if (rc != FC_OK)
        return api_store_failed(req, rc, &e);
    index_identifiers(req, id, &p);
    rc = st->ops->person_get(st, id, req->arena, &got, &e);
    if (rc != FC_OK)
        return api_store_failed(req, rc, &e);
    return http_resp_json(req, resp, 200, person_json(req, &got));
out:
    st->ops->txn_rollback(st);
    return rc;
}

int api_persons_search(struct http_req *req, struct http_resp *resp)
{
    struct store *st = req->app->store;
    struct person_query q;
    struct fc_err e;
    const char *purpose;
    fc_id_t *ids;
    size_t n;
    char e164[24];
    int rc;

    memset(&q, 0, sizeof(q));
    rc = api_page(req, &q.limit, &q.offset);
    if (rc == FC_OK)
        rc = api_read_purpose(req, NULL, &purpose);
    if (rc != FC_OK)
        return rc;
    q.surname = http_req_query(req, "surname");
    const char *phone = http_req_query(req, "phone");
    const char *postcode = http_req_query(req, "postcode");
    if (phone != NULL) {
        if (!phone_normalise(phone, e164, sizeof(e164)))
            return err_set(&req->err, FC_EINVAL, "phone", "not a UK phone number");
        q.phone_e164 = e164;
    }
    struct postcode pc;
    if (postcode != NULL) {
        if (postcode_parse(postcode, &pc) != POSTCODE_UNIT)
            return err_set(&req->err, FC_EINVAL, "postcode",
                           "must be a full UK postcode such as LE1 6ZG");
        q.postcode = pc.unit;
    }
    if (q.surname == NULL && q.phone_e164 == NULL && q.postcode == NULL)
        return err_set(&req->err, FC_EINVAL, "surname",
                       "give at least one of surname, phone or postcode");
    rc = st->ops->person_search(st, &q, req->arena, &ids, &n, &e);
    if (rc != FC_OK)
        return api_store_failed(req, rc, &e);
    json_t *items = json_array();
    for (size_t i = 0; i < n; i++) {
        struct person p;
        size_t links;
        struct access_viewer v = api_viewer(req);
        rc = api_person_own_links(req, ids[i], &links);
        if (rc != FC_OK)
            goto fail;
        if (!access_person_visible(&v, access_person_is_own(&v, links), ACCESS_NONE))
            continue;
        rc = st->ops->person_get(st, ids[i], req->arena, &p, &e);
        if (rc != FC_OK) {
            api_store_failed(req, rc, &e);
            goto fail;
        }
        rc = api_audit(req, AUDIT_CONSULT, "person", ids[i], purpose, "search result");
        if (rc != FC_OK)
            goto fail;
        json_array_append_new(items, person_json(req, &p));
    }
    return http_resp_json(req, resp, 200,
                          json_pack("{s:o, s:I, s:I}", "items", items, "limit",
                                    (json_int_t)q.limit, "offset", (json_int_t)q.offset));
fail:
    json_decref(items);
    return rc;
}

int api_persons_flags(struct http_req *req, struct http_resp *resp)
{
    struct store *st = req->app->store;
    struct person p;
    struct flag *fs;
    size_t n;
    struct fc_err e;
    const char *purpose;
    fc_id_t id;
    int rc = http_req_param_id(req, "id", &id);
    if (rc == FC_OK)
        rc = api_read_purpose(req, NULL, &purpose);
    if (rc != FC_OK)
        return rc;
    rc = st->ops->person_get(st, id, req->arena, &p, &e);
    if (rc != FC_OK)
        return api_store_failed(req, rc, &e);
    rc = api_person_check_visible(req, id);
    if (rc != FC_OK)
        return rc;
    rc = st->ops->flag_list_for_person(st, id, req->arena, &fs, &n, &e);
    if (rc != FC_OK)
        return api_store_failed(req, rc, &e);
    rc = api_audit(req, AUDIT_CONSULT, "person", id, purpose, "flags viewed");
    if (rc != FC_OK)
        return rc;
    json_t *items = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(items, api_flag_json(req, &fs[i]));
    return http_resp_json(req, resp, 200, json_pack("{s:I, s:o}", "person_id", (json_int_t)id,
                                                    "items", items));
}

/* ---- merge and un-merge (supervisors) ---- */

static const struct api_field merge_fields[] = {
    { "into", API_INTEGER, true, 0, NULL },
    { "reason", API_STRING, true, 1000, NULL },
    { "purpose", API_STRING, false, 200, NULL },
    API_FIELDS_END,
};
static const struct api_field unmerge_fields[] = {
    { "reason", API_STRING, true, 1000, NULL },
    { "purpose", API_STRING, false, 200, NULL },
    API_FIELDS_END,
};

/* The reason a supervisor gives: required, and not only spaces. */
static int merge_reason(struct http_req *req, const json_t *in, const char **out)
{
    const char *r = api_input_str(in, "reason");
    while (r != NULL && (*r == ' ' || *r == '\t'))
        r++;
    if (r == NULL || *r == '\0')
        return err_set(&req->err, FC_EINVAL, "reason", "say why (it goes in the audit trail)");
    *out = api_input_str(in, "reason");
    return FC_OK;
}

/*
 * POST /api/v1/persons/{id}/merge {"into", "reason"}: the person {id} is the same as
 * {into}. Nothing moves: {id} keeps every identifier and contact and points at {into},
 * which the history counts follow; the index finds {into} by {id}'s values from now on.
 */
int api_persons_merge(struct http_req *req, struct http_resp *resp)
{
    struct store *st = req->app->store;
    struct person from, into;
    json_t *in;
    const char *reason = NULL;
    struct fc_err e;
    fc_id_t id;
    int rc = http_req_param_id(req, "id", &id);
    if (rc == FC_OK)
        rc = http_req_json(req, &in);
    if (rc == FC_OK)
        rc = api_input_check(in, "", merge_fields, &req->err);
    if (rc == FC_OK)
        rc = merge_reason(req, in, &reason);
    if (rc != FC_OK)
        return rc;
    fc_id_t into_id = (fc_id_t)api_input_int(in, "into", 0);
    if (into_id == id)
        return err_set(&req->err, FC_EINVAL, "into", "a person cannot be merged into itself");
    rc = st->ops->person_get(st, id, req->arena, &from, &e);
    if (rc != FC_OK)
        return api_store_failed(req, rc, &e);
    if (from.merged_into != 0)
        return err_set(&req->err, FC_ECONFLICT, "id", "this person is already merged into %lld",
                       (long long)from.merged_into);
    rc = into_id > 0 ? st->ops->person_get(st, into_id, req->arena, &into, &e) : FC_ENOTFOUND;
    if (rc == FC_ENOTFOUND)
        return err_set(&req->err, FC_EINVAL, "into", "no such person");
    if (rc != FC_OK)
        return api_store_failed(req, rc, &e);
    if (into.merged_into != 0)
        return err_set(&req->err, FC_EINVAL, "into",
                       "that person is itself merged into %lld: merge into that one",
                       (long long)into.merged_into);
    rc = st->ops->txn_begin(st, &e);
    if (rc != FC_OK)
        return api_store_failed(req, rc, &e);
    rc = st->ops->person_set_merged(st, id, into_id, &e);
    if (rc != FC_OK) {
        api_store_failed(req, rc, &e);
        goto out;
    }
    rc = api_audit(req, AUDIT_ALTER, "person", id, reason,
                   arena_sprintf(req->arena, "merged into person %lld", (long long)into_id));
    if (rc == FC_OK)
        rc = api_audit(req, AUDIT_ALTER, "person", into_id, reason,
                       arena_sprintf(req->arena, "person %lld merged into this one", (long long)id));
    if (rc != FC_OK)
        goto out;
    rc = st->ops->txn_commit(st, &e);
    if (rc != FC_OK)
        return api_store_failed(req, rc, &e);
    if (req->app->match != NULL && match_person_merge(req->app->match, id, into_id, &e) != FC_OK)
        log_emit(LOG_WARN, "persons.index_failed", "req=%s person=%lld msg=\"%s\"",
                 req->request_id, (long long)id, e.msg);
    log_emit(LOG_INFO, "persons.merged", "req=%s from=%lld into=%lld", req->request_id,
             (long long)id, (long long)into_id);
    from.merged_into = into_id;
    return http_resp_json(req, resp, 200, person_json(req, &from));
out:
    st->ops->txn_rollback(st);
    return rc;
}

/*
 * POST /api/v1/persons/{id}/unmerge {"reason"}: undoes a merge. Nothing was moved, so
 * nothing is lost: {id}'s identifiers, contacts, flags and incidents are its own again and
 * the index finds both persons, each by its own values only.
 */
int api_persons_unmerge(struct http_req *req, struct http_resp *resp)
{
    struct store *st = req->app->store;
    struct person from, into;
    json_t *in;
    const char *reason = NULL;
    struct fc_err e;
    fc_id_t id;
    int rc = http_req_param_id(req, "id", &id);
    if (rc == FC_OK)
        rc = http_req_json(req, &in);
    if (rc == FC_OK)
        rc = api_input_check(in, "", unmerge_fields, &req->err);
    if (rc == FC_OK)
        rc = merge_reason(req, in, &reason);
    if (rc != FC_OK)
        return rc;
    rc = st->ops->person_get(st, id, req->arena, &from, &e);
    if (rc != FC_OK)
        return api_store_failed(req, rc, &e);
    fc_id_t into_id = from.merged_into;
    if (into_id == 0)
        return err_set(&req->err, FC_ECONFLICT, "id", "this person is not merged into another");
    rc = st->ops->txn_begin(st, &e);
    if (rc != FC_OK)
        return api_store_failed(req, rc, &e);
    rc = st->ops->person_set_merged(st, id, 0, &e);
    if (rc != FC_OK) {
        api_store_failed(req, rc, &e);
        goto out;
    }
    rc = api_audit(req, AUDIT_ALTER, "person", id, reason,
                   arena_sprintf(req->arena, "un-merged from person %lld", (long long)into_id));
    if (rc == FC_OK)
        rc = api_audit(req, AUDIT_ALTER, "person", into_id, reason,
                       arena_sprintf(req->arena, "person %lld un-merged from this one",
                                     (long long)id));
    if (rc != FC_OK)
        goto out;
    rc = st->ops->txn_commit(st, &e);
    if (rc != FC_OK)
        return api_store_failed(req, rc, &e);
    /* both as stored now, every identifier row, to rebuild their index entries */
    rc = st->ops->person_get(st, id, req->arena, &from, &e);
    if (rc == FC_OK)
        rc = st->ops->person_get(st, into_id, req->arena, &into, &e);
    if (rc == FC_OK && req->app->match != NULL)
        rc = match_person_unmerge(req->app->match, &from, &into, &e);
    if (rc != FC_OK)
        log_emit(LOG_WARN, "persons.index_failed", "req=%s person=%lld msg=\"%s\"",
                 req->request_id, (long long)id, e.msg);
    log_emit(LOG_INFO, "persons.unmerged", "req=%s person=%lld from=%lld", req->request_id,
             (long long)id, (long long)into_id);
    return http_resp_json(req, resp, 200, person_json(req, &from));
out:
    st->ops->txn_rollback(st);
    return rc;
}
