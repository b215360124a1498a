/*
 * api/lookup.c: POST /api/v1/lookup: who might this caller be?
 *
 * Takes whatever the handler has typed so far (any of name, date of birth, phone, email,
 * address, postcode), asks the match service (domain/match) for ranked candidates and
 * adds, for each, what the handler needs at first contact: contacts in the last 12 months
 * and ever, flags in force (the reason only where domain/access allows), open incidents,
 * the level of their latest risk assessment, and whether the place the call is about is a
 * repeat location (definitions/v1: earlier incidents at the same address or within the
 * radius in 12 months): the place typed as `location`/`location_postcode`, else the
 * candidate's own latest address, since a blank location means the caller's address.
 * Only candidates in the "same" or "possible" band are shown (DPA 2018 Part 3 principle 3:
 * what the decision needs). Each one shown is a read of that person's record: it is
 * audited, and a lookup outside the handler's live contact needs a stated purpose
 * (DESIGN section 11). A lookup that shows no one writes nothing.
 */
#include <string.h>

#include "api/api.h"
#include "api/input.h"
#include "domain/match/norm.h"
#include "domain/intake/intake.h"
#include "domain/intake/rules.h"
#include "domain/match/match.h"
#include "store/store.h"

#define LOOKUP_WINDOW_S (365L * 24 * 3600)

static const struct api_field lookup_fields[] = {
    { "forename", API_STRING, false, 100, NULL },
    { "surname", API_STRING, false, 100, NULL },
    { "full_name", API_STRING, false, 300, NULL },
    { "dob", API_STRING, false, 40, NULL },
    { "phone", API_STRING, false, 40, NULL },
    { "email", API_STRING, false, 254, NULL },
    { "address", API_STRING, false, 300, NULL },
    { "postcode", API_STRING, false, 10, NULL },
    { "location", API_STRING, false, 300, NULL },
    { "location_postcode", API_STRING, false, 10, NULL },
    { "contact_id", API_INTEGER, false, 0, NULL },
    { "purpose", API_STRING, false, 200, NULL },
    API_FIELDS_END,
};

static int history_json(struct http_req *req, fc_id_t person_id, json_t **out)
{
    struct store *st = req->app->store;
    struct fc_err e;
    size_t n_12m = 0, n_all = 0, n_flags = 0, n_open = 0;
    struct flag *flags;
    struct incident *incs;
    int rc;

    /* persons merged into this one count as this one */
    fc_time_t *times = NULL;
    rc = store_history_caller_contacts(st, person_id, 0, req->now + 1, 0, req->arena, &times,
                                       &n_all, &e);
    for (size_t i = 0; rc == FC_OK && i < n_all; i++)
        n_12m += times[i] >= req->now - LOOKUP_WINDOW_S;
    if (rc == FC_OK)
        rc = st->ops->flag_list_for_person(st, person_id, req->arena, &flags, &n_flags, &e);
    struct incident_query iq = { .person_id = person_id, .status = "open", .limit = 100 };
    if (rc == FC_OK)
        rc = st->ops->incident_search(st, &iq, req->arena, &incs, &n_open, &e);
    if (rc != FC_OK)
        return api_store_failed(req, rc, &e);
    json_t *in_force = json_array();
    for (size_t i = 0; i < n_flags; i++) {
        const struct flag *f = &flags[i];
        if (f->flagged_at <= req->now && (f->withdrawn_at == 0 || f->withdrawn_at > req->now))
            json_array_append_new(in_force, api_flag_json(req, f));
    }
    struct access_viewer v = api_viewer(req);
    size_t visible_open = 0;
    for (size_t i = 0; i < n_open; i++)
        visible_open +=
            access_incident_visible(&v, incs[i].org_id, incs[i].is_police_only, ACCESS_NONE);
    *out = json_pack("{s:I, s:I, s:b, s:o, s:I}", "contacts_12m", (json_int_t)n_12m,
                     "contacts_total", (json_int_t)n_all, "is_repeat", n_12m > 0, "flags",
                     in_force, "open_incidents", (json_int_t)visible_open);
    return FC_OK;
}

static json_t *place_json(const char *basis, const struct intake_place_count *pc)
{
    if (!pc->is_known)
        return json_null();
    return json_pack("{s:s, s:I, s:b}", "place", basis, "incidents_12m",
                     (json_int_t)pc->incidents_12m, "is_repeat", pc->is_repeat);
}

/* The latest address a person has: where the call is about when no location is typed. */
static const struct person_address *latest_address(const struct person *p)
{
    const struct person_address *best = NULL;
    for (size_t i = 0; i < p->n_addresses; i++) {
        if (best == NULL || p->addresses[i].prov.recorded_at >= best->prov.recorded_at)
            best = &p->addresses[i];
    }
    return best;
}

/* Last risk level and repeat location for one candidate. */
/* `typed` is the typed place's count (counted once per lookup), or NULL to count the
 * candidate's own latest address. */
static int risk_place_json(struct http_req *req, const struct intake_rules *rules,
                           fc_id_t person_id, const struct intake_place_count *typed,
                           json_t **last_risk, json_t **repeat_location)
{
    struct store *st = req->app->store;
    struct fc_err e;
    struct risk_assessment_rec ra;
    bool found;
    *last_risk = NULL;
    *repeat_location = NULL;
    int rc = intake_last_risk(st, person_id, req->arena, &ra, &found, &e);
    if (rc != FC_OK)
        return api_store_failed(req, rc, &e);
    struct intake_place_count pc;
    const char *basis = "location";
    if (typed != NULL) {
        pc = *typed;
    } else {
        struct person p;
        basis = "caller_address";
        rc = st->ops->person_get(st, person_id, req->arena, &p, &e);
        const struct person_address *ad = rc == FC_OK ? latest_address(&p) : NULL;
        memset(&pc, 0, sizeof(pc));
        if (ad != NULL)
            rc = intake_place_count(st, rules, ad->raw, ad->postcode, req->now, req->arena, &pc,
                                    &e);
    }
    if (rc != FC_OK)
        return api_store_failed(req, rc, &e);
    *last_risk = found ? json_pack("{s:s, s:s, s:s?, s:I}", "level", ra.final_level, "stage",
                                   ra.stage, "assessed_at", api_time(req, ra.assessed_at),
                                   "incident_id", (json_int_t)ra.incident_id)
                       : json_null();
    *repeat_location = place_json(basis, &pc);
    return FC_OK;
}

int api_lookup(struct http_req *req, struct http_resp *resp)
{
    struct store *st = req->app->store;
    struct match_record q;
    struct match_result res;
    struct contact c, *live = NULL;
    json_t *in;
    const char *purpose;
    struct fc_err e;
    int rc;

    rc = http_req_json(req, &in);
    if (rc == FC_OK)
        rc = api_input_check(in, "", lookup_fields, &req->err);
    if (rc != FC_OK)
        return rc;
    memset(&q, 0, sizeof(q));
    q.forename = api_input_str(in, "forename");
    q.surname = api_input_str(in, "surname");
    q.full_name = api_input_str(in, "full_name");
    q.dob = api_input_str(in, "dob");
    q.phone = api_input_str(in, "phone");
    q.email = api_input_str(in, "email");
    q.address = api_input_str(in, "address");
    q.postcode = api_input_str(in, "postcode");
    const char *location = api_input_str(in, "location");
    const char *location_pc = api_input_str(in, "location_postcode");
    if (location_pc != NULL && location_pc[0] != '\0') {
        struct postcode parsed;
        if (postcode_parse(location_pc, &parsed) != POSTCODE_UNIT)
            return err_set(&req->err, FC_EINVAL, "location_postcode",
                           "must be a full UK postcode such as LE1 6ZG");
    }
    const char *const given[] = { q.forename, q.surname, q.full_name, q.dob,
                                  q.phone,    q.email,   q.address,   q.postcode };
    bool any = false;
    for (size_t i = 0; i < sizeof(given) / sizeof(given[0]); i++)
        any = any || (given[i] != NULL && given[i][0] != '\0');
    if (!any)
        return err_set(&req->err, FC_EINVAL, "surname",
                       "give at least one of forename, surname, full_name, dob, phone, email, "
                       "address or postcode");
    fc_id_t contact_id = (fc_id_t)api_input_int(in, "contact_id", 0);
    if (contact_id != 0) {
        rc = contact_id > 0 ? st->ops->contact_get(st, contact_id, req->arena, &c, &e)
                            : FC_ENOTFOUND;
        if (rc == FC_ENOTFOUND)
            return err_set(&req->err, FC_EINVAL, "contact_id", "no such contact");
        if (rc != FC_OK)
            return api_store_failed(req, rc, &e);
        live = &c;
    }
    rc = api_purpose(req, in, &purpose);
    if (rc == FC_OK && purpose == NULL)
        rc = api_read_purpose(req, live, &purpose);
    if (rc != FC_OK)
        return rc;
    if (req->app->match == NULL) {
        req->problem_status = 503;
        return err_set(&req->err, FC_EUNAVAIL, "", "the person index is not loaded");
    }
    const struct intake_rules *rules = intake_rules_shared(&req->err);
    if (rules == NULL)
        return req->err.status;
    rc = match_lookup(req->app->match, &q, req->now, req->arena, &res, &req->err);
    if (rc != FC_OK)
        return rc;
    /* the typed place, counted once: it tells the handler about the place, not a person */
    json_t *place = NULL;
    struct intake_place_count typed_pc;
    const struct intake_place_count *typed = NULL;
    if ((location && location[0]) || (location_pc && location_pc[0])) {
        rc = intake_place_count(st, rules, location, location_pc, req->now, req->arena,
                                &typed_pc, &e);
        if (rc != FC_OK)
            return api_store_failed(req, rc, &e);
        typed = &typed_pc;
        place = place_json("location", typed);
    }

    json_t *cands = json_array();
    size_t n_shown = 0;
    for (size_t i = 0; i < res.n; i++)
        n_shown += res.cands[i].band != MATCH_BAND_NONE;
    if (n_shown == 0) /* nothing shown, nothing to audit: no write lock taken */
        return http_resp_json(req, resp, 200,
                              json_pack("{s:o, s:I, s:o*}", "candidates", cands, "scored",
                                        (json_int_t)res.n_blocked, "location", place));
    /* one audit event per person shown, all appended (and committed) together after the
     * reads: the write lock is held only for the append, and concurrent lookups' appends
     * share a commit (store audit_append_batch) */
    struct audit_event *evs = arena_alloc(req->arena, n_shown * sizeof(*evs));
    if (evs == NULL) {
        json_decref(cands);
        json_decref(place);
        return err_set(&req->err, FC_ENOMEM, "", "out of memory");
    }
    size_t n_evs = 0;
    for (size_t i = 0; i < res.n && rc == FC_OK; i++) {
        const struct match_candidate *mc = &res.cands[i];
        if (mc->band == MATCH_BAND_NONE)
            continue; /* not a match: showing it would disclose a record for nothing */
        json_t *fields = json_array();
        for (size_t f = 0; f < MATCH_FIELD_COUNT; f++) {
            const struct match_field_weight *fw = &mc->fields[f];
            if (fw->level == NULL || strcmp(fw->level, "null") == 0)
                continue; /* the field was not given on one side */
            json_array_append_new(fields, json_pack("{s:s, s:s, s:f, s:s}", "field",
                                                    match_field_name(fw->field), "level",
                                                    fw->level, "weight", fw->weight, "reason",
                                                    fw->reason));
        }
        json_t *history = NULL, *last_risk = NULL, *repeat_location = NULL;
        rc = history_json(req, mc->person_id, &history);
        if (rc == FC_OK)
            rc = risk_place_json(req, rules, mc->person_id, typed, &last_risk, &repeat_location);
        evs[n_evs++] = (struct audit_event){
            .at = req->now,
            .actor_user_id = req->auth.user.id,
            .action = AUDIT_CONSULT,
            .object_type = "person",
            .object_id = mc->person_id,
            .purpose = (char *)(purpose ? purpose : ""),
            .detail = arena_sprintf(req->arena, "lookup candidate p=%.3f", mc->probability),
        };
        json_array_append_new(
            cands, json_pack("{s:I, s:f, s:f, s:s, s:o, s:o*, s:o*, s:o*}", "person_id",
                             (json_int_t)mc->person_id, "probability", mc->probability, "weight",
                             mc->weight, "band", match_band_name(mc->band), "fields", fields,
                             "history", history, "last_risk", last_risk, "repeat_location",
                             repeat_location));
    }
    if (rc != FC_OK) {
        json_decref(cands);
        json_decref(place);
        return rc;
    }
    rc = store_audit_append_batch(st, evs, n_evs, &e);
    if (rc != FC_OK) {
        json_decref(cands);
        json_decref(place);
        return api_store_failed(req, rc, &e);
    }
    return http_resp_json(req, resp, 200,
                          json_pack("{s:o, s:I, s:o*}", "candidates", cands, "scored",
                                    (json_int_t)res.n_blocked, "location", place));
}
