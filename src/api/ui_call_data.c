/*
 * api/ui_call_data.c: fills the call screen's candidate panel from the services.
 *
 * For what the handler has typed so far: match_lookup() ranks persons; for each shown
 * candidate the person's identifiers, earlier contacts, flags and incidents are read from
 * the store and counted with definitions/v1 (intake/history.h), so the banners show the
 * same counts the incident will record. A flag's reason is shown only to roles that may
 * read it (DESIGN.md section 1: officers and supervisors; a partner only its own flags).
 * Everything returned lives in the request arena.
 */
#include "api/ui_data.h"

#include <math.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "domain/access/access.h"
#include "domain/intake/history.h"
#include "domain/match/match.h"
#include "store/store.h"

#define LOOKUP_MAX_CONTACTS  500
#define LOOKUP_MAX_INCIDENTS 200

static bool record_is_empty(const struct match_record *q)
{
    const char *f[] = { q->forename, q->surname, q->full_name, q->dob,
                        q->phone,    q->email,   q->address,   q->postcode };
    for (size_t i = 0; i < sizeof(f) / sizeof(f[0]); i++) {
        if (f[i] && f[i][0])
            return false;
    }
    return true;
}

/* The most recently recorded of a person's values: the one the handler will recognise. */
static const char *latest_name(const struct person *p)
{
    const struct person_name *best = NULL;
    for (size_t i = 0; i < p->n_names; i++) {
        if (best == NULL || p->names[i].prov.recorded_at >= best->prov.recorded_at)
            best = &p->names[i];
    }
    return best ? best->raw : "(no name recorded)";
}

static const char *latest_dob(const struct person *p)
{
    const struct person_dob *best = NULL;
    for (size_t i = 0; i < p->n_dobs; i++) {
        if (p->dobs[i].is_placeholder)
            continue;
        if (best == NULL || p->dobs[i].prov.recorded_at >= best->prov.recorded_at)
            best = &p->dobs[i];
    }
    return best ? best->date : NULL;
}

static const struct person_address *latest_address(const struct person *p)
{
    const struct person_address *best = NULL;
    for (size_t i = 0; i < p->n_addresses; i++) {
        if (best == NULL || p->addresses[i].prov.recorded_at >= best->prov.recorded_at)
            best = &p->addresses[i];
    }
    return best;
}

static bool place_is_typed(const struct ui_place *place)
{
    return place != NULL && ((place->location && place->location[0]) ||
                             (place->postcode && place->postcode[0]));
}

int ui_place_count(const struct ui_services *svc, const struct ui_place *place,
                   const struct person *person, fc_time_t now, struct arena *a,
                   struct intake_place_count *out, bool *typed, struct fc_err *err)
{
    memset(out, 0, sizeof(*out));
    *typed = place_is_typed(place);
    if (*typed)
        return intake_place_count(svc->store, svc->rules, place->location, place->postcode, now,
                                  a, out, err);
    const struct person_address *ad = person ? latest_address(person) : NULL;
    if (ad == NULL)
        return FC_OK;
    return intake_place_count(svc->store, svc->rules, ad->raw, ad->postcode, now, a, out, err);
}

bool ui_flag_reason_visible(const struct ui_viewer *v, const struct flag *f)
{
    switch (v->role) {
    case ROLE_OFFICER:
    case ROLE_SUPERVISOR:
        return true;
    case ROLE_PARTNER_OFFICER:
        return f->org_id != 0 && f->org_id == v->org_id;
    default:
        return false;
    }
}

int ui_person_summary(const struct ui_services *svc, const struct ui_viewer *viewer,
                      fc_id_t person_id, fc_time_t now, struct arena *a,
                      struct ui_person_summary *out, struct fc_err *err)
{
    memset(out, 0, sizeof(*out));
    int rc = store_person_get(svc->store, person_id, a, &out->person, err);
    if (rc != FC_OK)
        return rc;

    struct contact_query cq = { .caller_person_id = person_id, .limit = LOOKUP_MAX_CONTACTS };
    struct contact *contacts = NULL;
    size_t n_contacts = 0;
    rc = store_contact_search(svc->store, &cq, a, &contacts, &n_contacts, err);
    if (rc != FC_OK)
        return rc;
    fc_time_t *times = arena_alloc(a, sizeof(*times) * (n_contacts + 1));
    if (times == NULL)
        return err_set(err, FC_ENOMEM, "", "out of memory");
    size_t n_times = 0;
    for (size_t i = 0; i < n_contacts; i++) {
        if (contacts[i].received_at < now)
            times[n_times++] = contacts[i].received_at;
    }

    struct flag *flags = NULL;
    size_t n_flags = 0;
    rc = store_flag_list_for_person(svc->store, person_id, a, &flags, &n_flags, err);
    if (rc != FC_OK)
        return rc;
    struct history_flag *hflags = arena_alloc(a, sizeof(*hflags) * (n_flags + 1));
    out->flags = arena_alloc(a, sizeof(*out->flags) * (n_flags + 1));
    if (hflags == NULL || out->flags == NULL)
        return err_set(err, FC_ENOMEM, "", "out of memory");
    for (size_t i = 0; i < n_flags; i++) {
        hflags[i] = (struct history_flag){ .kind = flags[i].kind,
                                           .flagged_at = flags[i].flagged_at,
                                           .withdrawn_at = flags[i].withdrawn_at };
        if (!history_flag_in_force(&hflags[i], now))
            continue;
        out->flags[out->n_flags++] = (struct ui_flag){
            .kind = flags[i].kind,
            .agency = flags[i].agency,
            .reason = ui_flag_reason_visible(viewer, &flags[i]) ? flags[i].reason : NULL,
            .flagged_at = flags[i].flagged_at,
        };
    }

    struct incident_query iq = { .person_id = person_id, .limit = LOOKUP_MAX_INCIDENTS };
    rc = store_incident_search(svc->store, &iq, a, &out->incidents, &out->n_incidents, err);
    if (rc != FC_OK)
        return rc;
    struct history_assessment *assess = arena_alloc(a, sizeof(*assess) * (out->n_incidents + 1));
    if (assess == NULL)
        return err_set(err, FC_ENOMEM, "", "out of memory");
    size_t n_assess = 0;
    fc_time_t last_risk_at = 0;
    for (size_t i = 0; i < out->n_incidents; i++) {
        const struct incident *inc = &out->incidents[i];
        if (inc->status == INCIDENT_OPEN)
            out->open_incidents++;
        enum risk_level lvl;
        if (inc->risk_level && risk_level_parse(inc->risk_level, &lvl)) {
            assess[n_assess++] = (struct history_assessment){ .level = lvl, .at = inc->created_at };
            if (inc->created_at >= last_risk_at) {
                last_risk_at = inc->created_at;
                out->last_risk = inc->risk_level;
            }
        }
    }

    struct history_input in = {
        .now = now,
        .caller_contacts = times,
        .n_caller_contacts = n_times,
        .place = { .lat = NAN, .lon = NAN },
        .flags = hflags,
        .n_flags = n_flags,
        .assessments = assess,
        .n_assessments = n_assess,
    };
    history_labels_compute(&svc->rules->definitions, &in, &out->labels);

    /* The Community Trigger counts this call as the current complaint. */
    struct trigger_complaint *earlier = arena_alloc(a, sizeof(*earlier) * (n_times + 1));
    if (earlier == NULL)
        return err_set(err, FC_ENOMEM, "", "out of memory");
    for (size_t i = 0; i < n_times; i++)
        earlier[i] = (struct trigger_complaint){ .person_id = person_id, .at = times[i] };
    struct trigger_complaint current = { .person_id = person_id, .at = now };
    trigger_evaluate(&svc->rules->trigger, &current, earlier, n_times, &out->trigger);
    out->name = latest_name(&out->person);
    out->dob = latest_dob(&out->person);
    const struct person_address *ad = latest_address(&out->person);
    out->address = ad ? ad->raw : NULL;
    struct risk_assessment_rec ra;
    bool found = false;
    rc = intake_last_risk(svc->store, person_id, a, &ra, &found, err);
    if (rc != FC_OK)
        return rc;
    if (found)
        out->last_risk = ra.final_level;
    return FC_OK;
}

static const char *band_word(enum match_band b)
{
    return b == MATCH_BAND_SAME ? "same" : "possible";
}

int ui_call_lookup_build(const struct ui_services *svc, const struct ui_viewer *viewer,
                         const struct match_record *q, const struct ui_place *place,
                         fc_time_t now, struct arena *a, struct ui_lookup_view *out,
                         struct fc_err *err)
{
    memset(out, 0, sizeof(*out));
    struct intake_place_count typed_pc = { 0 };
    if (place_is_typed(place)) {
        int prc = intake_place_count(svc->store, svc->rules, place->location, place->postcode,
                                     now, a, &typed_pc, err);
        if (prc != FC_OK)
            return prc;
        out->has_place = typed_pc.is_known;
        out->place_incidents = typed_pc.incidents_12m;
        out->place_is_repeat = typed_pc.is_repeat;
    }
    if (record_is_empty(q))
        return FC_OK;
    out->has_query = true;

    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    struct match_result res;
    int rc = match_lookup(svc->match, q, now, a, &res, err);
    if (rc != FC_OK)
        return rc;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    out->elapsed_ms =
        (double)(t1.tv_sec - t0.tv_sec) * 1e3 + (double)(t1.tv_nsec - t0.tv_nsec) / 1e6;

    struct ui_candidate *cands = arena_alloc(a, sizeof(*cands) * (res.n + 1));
    if (cands == NULL)
        return err_set(err, FC_ENOMEM, "", "out of memory");
    size_t n = 0;
    for (size_t i = 0; i < res.n; i++) {
        const struct match_candidate *mc = &res.cands[i];
        if (mc->band == MATCH_BAND_NONE)
            continue;
        struct ui_person_summary sum;
        rc = ui_person_summary(svc, viewer, mc->person_id, now, a, &sum, err);
        if (rc == FC_ENOTFOUND)
            continue; /* merged or erased since the index was built */
        if (rc != FC_OK)
            return rc;
        struct intake_place_count pc;
        bool typed;
        rc = ui_place_count(svc, place, &sum.person, now, a, &pc, &typed, err);
        if (rc != FC_OK)
            return rc;

        struct ui_reason *reasons = arena_alloc(a, sizeof(*reasons) * MATCH_FIELD_COUNT);
        if (reasons == NULL)
            return err_set(err, FC_ENOMEM, "", "out of memory");
        size_t n_reasons = 0;
        for (int f = 0; f < MATCH_FIELD_COUNT; f++) {
            if (mc->fields[f].reason[0] == '\0' || mc->fields[f].weight == 0.0)
                continue;
            reasons[n_reasons++] = (struct ui_reason){
                .text = mc->fields[f].reason,
                .weight_log2 = mc->fields[f].weight,
            };
        }
        /* strongest evidence first */
        for (size_t x = 1; x < n_reasons; x++) {
            for (size_t y = x; y > 0 && reasons[y].weight_log2 > reasons[y - 1].weight_log2; y--) {
                struct ui_reason t = reasons[y];
                reasons[y] = reasons[y - 1];
                reasons[y - 1] = t;
            }
        }

        struct ui_candidate *c = &cands[n++];
        *c = (struct ui_candidate){
            .person_id = mc->person_id,
            .name = sum.name,
            .dob = sum.dob,
            .address = sum.address,
            .band = band_word(mc->band),
            .probability = mc->probability,
            .reasons = reasons,
            .n_reasons = n_reasons,
            .contacts_12m = sum.labels.prior_calls_12m,
            .contacts_ever = sum.labels.prior_calls_ever,
            .flags = sum.flags,
            .n_flags = sum.n_flags,
            .last_risk = sum.last_risk,
            .location_incidents = pc.incidents_12m,
            .is_repeat_location = pc.is_repeat,
            .location_is_typed = typed,
            .is_trigger = sum.trigger.is_eligible || sum.trigger.should_prompt,
            .trigger_text = arena_sprintf(
                a,
                "%d qualifying complaint%s by this caller, this call "
                "included: %s the ASB case review.",
                sum.trigger.applicant_count, sum.trigger.applicant_count == 1 ? "" : "s",
                sum.trigger.is_eligible ? "threshold met, offer" : "explain"),
            .open_incidents = (int)sum.open_incidents,
        };
    }
    out->candidates = cands;
    out->n = n;
    return FC_OK;
}
