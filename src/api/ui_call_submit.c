/*
 * api/ui_call_submit.c: "Save incident" on the call handler's screen.
 *
 * Validates the whole form first (so bad input writes nothing and names its field), then in
 * one store transaction: the caller (a new person, or the confirmed one with the details
 * typed this time appended as new identifier rows), the contact with its match snapshot
 * (what the handler was shown: candidates, probabilities, reasons, counts, flags), the
 * incident naming the caller as victim, and the screening and grading outcome. After the
 * commit the match index learns the new identifiers.
 */
#include "api/ui_data.h"

#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "domain/geo/geo.h"
#include "domain/grading/grading.h"
#include "domain/intake/intake.h"
#include "domain/match/match.h"
#include "domain/match/norm.h"
#include "domain/risk/risk.h"
#include "store/store.h"

#define DESCRIPTION_MAX 4000
#define FIELD_MAX       300

static const char *const incident_types[] = {
    "rowdy_inconsiderate_behaviour",
    "neighbour_dispute",
    "noise",
    "vehicle_nuisance",
    "littering_fly_tipping",
    "graffiti_criminal_damage",
    "street_drinking_drugs",
    "intimidation_harassment",
    "hate_motivated",
    NULL,
};

static const char *field(ui_form_get_fn get, void *ctx, const char *name)
{
    const char *v = get(ctx, name);
    if (v == NULL)
        return NULL;
    while (*v == ' ' || *v == '\t')
        v++;
    return *v ? v : NULL;
}

static bool parse_category(const char *s, enum nsir_category *out)
{
    static const char *const names[] = { "personal", "nuisance", "environmental" };
    for (int i = 0; s && i < 3; i++) {
        if (strcmp(s, names[i]) == 0) {
            *out = (enum nsir_category)i;
            return true;
        }
    }
    return false;
}

static bool known_type(const char *s)
{
    for (const char *const *t = incident_types; s && *t; t++) {
        if (strcmp(*t, s) == 0)
            return true;
    }
    return false;
}

/* Splits "Forename Middle Surname" or "SURNAME, Forename" into raw forename and surname. */
static void split_name(struct arena *a, const char *full, char **fore, char **sur)
{
    const char *comma = strchr(full, ',');
    if (comma) {
        *sur = arena_strndup(a, full, (size_t)(comma - full));
        const char *f = comma + 1;
        while (*f == ' ')
            f++;
        *fore = *f ? arena_strdup(a, f) : NULL;
        return;
    }
    const char *sp = strrchr(full, ' ');
    if (sp == NULL) {
        *fore = NULL;
        *sur = arena_strdup(a, full);
        return;
    }
    *fore = arena_strndup(a, full, (size_t)(sp - full));
    *sur = arena_strdup(a, sp + 1);
}

struct call_input {
    const char *name, *phone, *dob, *address, *postcode, *choice;
    const char *category_s, *type, *description, *location, *location_postcode;
    const char *grade_s, *grade_reason;
    enum nsir_category category;
    fc_id_t person_id; /* 0 for a new person */
    char e164[20];
    char dob_iso[11];
    bool dob_is_placeholder;
    struct postcode pc, loc_pc;
    struct risk_answers answers;
    bool vulnerable_answered; /* S4: someone in the household is disabled or ill */
};

static int check_len(const char *v, const char *name, size_t max, struct fc_err *err)
{
    if (v && strlen(v) > max)
        return err_set(err, FC_EINVAL, name, "is longer than %zu characters", max);
    return FC_OK;
}

static int validate(const struct ui_services *svc, ui_form_get_fn get, void *ctx, fc_time_t now,
                    struct call_input *in, struct fc_err *err)
{
    memset(in, 0, sizeof(*in));
    in->name = field(get, ctx, "name");
    in->phone = field(get, ctx, "phone");
    in->dob = field(get, ctx, "dob");
    in->address = field(get, ctx, "address");
    in->postcode = field(get, ctx, "postcode");
    in->choice = field(get, ctx, "person_choice");
    in->category_s = field(get, ctx, "category");
    in->type = field(get, ctx, "incident_type");
    in->description = field(get, ctx, "description");
    in->location = field(get, ctx, "location");
    in->location_postcode = field(get, ctx, "location_postcode");
    in->grade_s = field(get, ctx, "grade");
    in->grade_reason = field(get, ctx, "grade_reason");

    const char *const texts[][2] = { { "name", in->name },
                                     { "phone", in->phone },
                                     { "dob", in->dob },
                                     { "address", in->address },
                                     { "postcode", in->postcode },
                                     { "location", in->location },
                                     { "location_postcode", in->location_postcode },
                                     { "grade_reason", in->grade_reason } };
    for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
        int rc = check_len(texts[i][1], texts[i][0], FIELD_MAX, err);
        if (rc != FC_OK)
            return rc;
    }
    if (in->choice == NULL)
        return err_set(err, FC_EINVAL, "person_choice",
                       "confirm who is calling: a candidate or New person");
    if (strcmp(in->choice, "new") != 0) {
        char *end = NULL;
        long long id = strtoll(in->choice, &end, 10);
        if (id <= 0 || end == NULL || *end != '\0')
            return err_set(err, FC_EINVAL, "person_choice", "is not a person");
        in->person_id = (fc_id_t)id;
    } else if (in->name == NULL) {
        return err_set(err, FC_EINVAL, "name", "give the caller's name for a new person");
    }
    if (in->phone && !phone_normalise(in->phone, in->e164, sizeof(in->e164)))
        return err_set(err, FC_EINVAL, "phone", "is not a UK phone number");
    if (in->dob) {
        time_t t = (time_t)now;
        struct tm tm;
        gmtime_r(&t, &tm);
        int32_t packed = 0;
        enum dob_status st = dob_parse(in->dob, tm.tm_year + 1900, &packed);
        if (st == DOB_MISSING)
            return err_set(err, FC_EINVAL, "dob", "is not a date (day/month/year)");
        in->dob_is_placeholder = st == DOB_PLACEHOLDER;
        if (st == DOB_OK)
            snprintf(in->dob_iso, sizeof(in->dob_iso), "%04d-%02d-%02d",
                     (int)((unsigned)packed / 10000u % 10000u),
                     (int)((unsigned)packed / 100u % 100u), (int)((unsigned)packed % 100u));
        else
            snprintf(in->dob_iso, sizeof(in->dob_iso), "1900-01-01");
    }
    if (in->postcode && postcode_parse(in->postcode, &in->pc) != POSTCODE_UNIT)
        return err_set(err, FC_EINVAL, "postcode", "is not a full UK postcode");
    if (in->location_postcode &&
        postcode_parse(in->location_postcode, &in->loc_pc) != POSTCODE_UNIT)
        return err_set(err, FC_EINVAL, "location_postcode", "is not a full UK postcode");
    if (!parse_category(in->category_s, &in->category))
        return err_set(err, FC_EINVAL, "category", "choose personal, nuisance or environmental");
    if (!known_type(in->type))
        return err_set(err, FC_EINVAL, "incident_type", "choose the type of ASB");
    if (in->description == NULL)
        return err_set(err, FC_EINVAL, "description", "say what happened");
    int rc = check_len(in->description, "description", DESCRIPTION_MAX, err);
    if (rc != FC_OK)
        return rc;
    for (size_t i = 0; i < svc->rules->risk.n_screening; i++) {
        char name[32];
        snprintf(name, sizeof(name), "answer_%s", svc->rules->risk.screening[i].id);
        const char *v = field(get, ctx, name);
        if (v == NULL)
            return err_set(err, FC_EINVAL, name, "ask question %s",
                           svc->rules->risk.screening[i].id);
        if (strcmp(v, "y") != 0 && strcmp(v, "n") != 0)
            return err_set(err, FC_EINVAL, name, "must be y or n");
        if (strcmp(svc->rules->risk.screening[i].id, "S4") == 0 && v[0] == 'y')
            in->vulnerable_answered = true;
        rc = risk_answers_add(&svc->rules->risk, "screening", &in->answers,
                              svc->rules->risk.screening[i].id, v[0] == 'y' ? "yes" : "no", err);
        if (rc != FC_OK)
            return rc;
    }
    enum grade g;
    if (in->grade_s && !grading_grade_parse(in->grade_s, &g))
        return err_set(err, FC_EINVAL, "grade", "is not a grade");
    return FC_OK;
}

/* The snapshot of what the handler was shown, as JSON text (DESIGN.md section 2). */
static char *snapshot_json(const struct ui_lookup_view *v, fc_id_t chosen, struct arena *a)
{
    json_t *root = json_object();
    json_t *cands = json_array();
    json_object_set_new(root, "model", json_string("match/v1"));
    json_object_set_new(root, "lookup_ms", json_real(v->elapsed_ms));
    json_object_set_new(root, "chosen_person_id", chosen ? json_integer(chosen) : json_null());
    for (size_t i = 0; i < v->n; i++) {
        const struct ui_candidate *c = &v->candidates[i];
        json_t *jc = json_object();
        json_object_set_new(jc, "person_id", json_integer(c->person_id));
        json_object_set_new(jc, "probability", json_real(c->probability));
        json_object_set_new(jc, "band", json_string(c->band));
        json_object_set_new(jc, "contacts_12m", json_integer(c->contacts_12m));
        json_object_set_new(jc, "contacts_ever", json_integer(c->contacts_ever));
        json_object_set_new(jc, "community_trigger", json_boolean(c->is_trigger));
        json_t *reasons = json_array();
        for (size_t r = 0; r < c->n_reasons; r++) {
            json_t *jr = json_object();
            json_object_set_new(jr, "text", json_string(c->reasons[r].text));
            json_object_set_new(jr, "weight_log2", json_real(c->reasons[r].weight_log2));
            json_array_append_new(reasons, jr);
        }
        json_object_set_new(jc, "reasons", reasons);
        json_t *flags = json_array();
        for (size_t f = 0; f < c->n_flags; f++) {
            json_t *jf = json_object();
            json_object_set_new(jf, "kind", json_string(c->flags[f].kind));
            json_object_set_new(jf, "agency",
                                c->flags[f].agency ? json_string(c->flags[f].agency) : json_null());
            json_object_set_new(jf, "flagged_at", json_integer(c->flags[f].flagged_at));
            json_array_append_new(flags, jf);
        }
        json_object_set_new(jc, "flags", flags);
        json_array_append_new(cands, jc);
    }
    json_object_set_new(root, "candidates", cands);
    char *text = json_dumps(root, JSON_COMPACT);
    json_decref(root);
    char *out = arena_strdup(a, text);
    free(text);
    return out;
}

static char *details_json(const struct call_input *in, struct arena *a)
{
    json_t *o = json_object();
    const char *const kv[][2] = { { "name", in->name },
                                  { "phone", in->phone },
                                  { "dob", in->dob },
                                  { "address", in->address },
                                  { "postcode", in->postcode } };
    for (size_t i = 0; i < sizeof(kv) / sizeof(kv[0]); i++) {
        if (kv[i][1])
            json_object_set_new(o, kv[i][0], json_string(kv[i][1]));
    }
    char *text = json_dumps(o, JSON_COMPACT);
    json_decref(o);
    char *out = arena_strdup(a, text);
    free(text);
    return out;
}

/* The typed details as identifier rows, with the matcher's keys. */
static void identifiers(const struct call_input *in, struct provenance prov, struct arena *a,
                        struct person *p)
{
    memset(p, 0, sizeof(*p));
    if (in->name) {
        struct person_name *n = arena_alloc(a, sizeof(*n));
        char keys[512];
        n->raw = arena_strdup(a, in->name);
        split_name(a, in->name, &n->forename, &n->surname);
        match_name_keys(n->forename, n->surname, keys, sizeof(keys));
        n->keys = arena_strdup(a, keys);
        n->prov = prov;
        p->names = n;
        p->n_names = 1;
    }
    if (in->dob) {
        struct person_dob *d = arena_alloc(a, sizeof(*d));
        d->raw = arena_strdup(a, in->dob);
        memcpy(d->date, in->dob_iso, sizeof(d->date));
        d->precision = DOB_FULL;
        d->is_placeholder = in->dob_is_placeholder;
        d->prov = prov;
        p->dobs = d;
        p->n_dobs = 1;
    }
    if (in->phone) {
        struct person_phone *ph = arena_alloc(a, sizeof(*ph));
        ph->raw = arena_strdup(a, in->phone);
        ph->e164 = arena_strdup(a, in->e164);
        ph->kind = phone_is_mobile(in->e164) ? "mobile" : "landline";
        ph->prov = prov;
        p->phones = ph;
        p->n_phones = 1;
    }
    if (in->address || in->postcode) {
        struct person_address *ad = arena_alloc(a, sizeof(*ad));
        char keys[512];
        ad->raw =
            arena_sprintf(a, "%s%s%s", in->address ? in->address : "",
                          in->address && in->postcode ? ", " : "", in->postcode ? in->pc.unit : "");
        ad->postcode = in->postcode ? arena_strdup(a, in->pc.unit) : NULL;
        ad->lat = NAN;
        ad->lon = NAN;
        if (in->postcode)
            postcode_coords(in->pc.unit, &ad->lat, &ad->lon);
        match_address_keys(in->address, ad->postcode, keys, sizeof(keys));
        ad->keys = arena_strdup(a, keys);
        ad->prov = prov;
        p->addresses = ad;
        p->n_addresses = 1;
    }
}

static void record_of(const struct call_input *in, struct match_record *r)
{
    *r = (struct match_record){ .full_name = in->name,
                                .dob = in->dob,
                                .phone = in->phone,
                                .address = in->address,
                                .postcode = in->postcode };
}

/* Risk from the screening answers and the caller's history; the grade suggested from it,
 * or the handler's own with a reason (checked by grading_override_check). */
static int decide(const struct ui_services *svc, const struct ui_viewer *viewer,
                  const struct call_input *in, const struct ui_candidate *chosen,
                  struct risk_result *risk, enum grade *grade, struct fc_err *err)
{
    struct risk_facts facts = { 0 };
    if (chosen) {
        facts.prior_contacts_12m = chosen->contacts_12m;
        facts.flag_in_force = chosen->n_flags > 0;
        facts.is_repeat_location = chosen->is_repeat_location;
    }
    risk_screen(&svc->rules->risk, &in->answers, &facts, risk);
    struct grading_input gin = { .category = in->category,
                                 .has_risk = true,
                                 .risk = risk->level,
                                 .risk_actions = risk->actions };
    struct grading_suggestion sug;
    int rc = grading_suggest(&svc->rules->grading, &gin, &sug, err);
    if (rc != FC_OK)
        return rc;
    *grade = sug.grade;
    if (in->grade_s) {
        enum grade requested;
        grading_grade_parse(in->grade_s, &requested);
        rc = grading_override_check(&sug, requested, risk->level == RISK_HIGH, viewer->role,
                                    in->grade_reason, err);
        if (rc != FC_OK) {
            if (strcmp(err->field, "reason") == 0)
                snprintf(err->field, sizeof(err->field), "grade_reason");
            else
                snprintf(err->field, sizeof(err->field), "grade");
            return rc;
        }
        *grade = requested;
    }
    return FC_OK;
}

int ui_call_submit(const struct ui_services *svc, const struct ui_viewer *viewer,
                   ui_form_get_fn get, void *ctx, fc_time_t now, struct arena *a,
                   struct ui_call_result *out, struct fc_err *err)
{
    memset(out, 0, sizeof(*out));
    struct call_input in;
    int rc = validate(svc, get, ctx, now, &in, err);
    if (rc != FC_OK)
        return rc;

    /* What the handler was shown, recomputed from the same details for the snapshot. */
    struct match_record rec;
    record_of(&in, &rec);
    struct ui_lookup_view shown;
    struct ui_place place = { in.location, in.location_postcode };
    rc = ui_call_lookup_build(svc, viewer, &rec, &place, now, a, &shown, err);
    if (rc != FC_OK)
        return rc;
    const struct ui_candidate *chosen = NULL;
    struct ui_person_summary sum;
    if (in.person_id) {
        for (size_t i = 0; i < shown.n; i++) {
            if (shown.candidates[i].person_id == in.person_id)
                chosen = &shown.candidates[i];
        }
        if (chosen == NULL) {
            rc = ui_person_summary(svc, viewer, in.person_id, now, a, &sum, err);
            if (rc == FC_ENOTFOUND)
                return err_set(err, FC_EINVAL, "person_choice", "is not a person on record");
            if (rc != FC_OK)
                return rc;
            struct intake_place_count pc;
            bool typed;
            rc = ui_place_count(svc, &place, &sum.person, now, a, &pc, &typed, err);
            if (rc != FC_OK)
                return rc;
            struct ui_candidate *c = arena_alloc(a, sizeof(*c));
            if (c == NULL)
                return err_set(err, FC_ENOMEM, "", "out of memory");
            *c = (struct ui_candidate){ .person_id = in.person_id,
                                        .contacts_12m = sum.labels.prior_calls_12m,
                                        .flags = sum.flags,
                                        .n_flags = sum.n_flags,
                                        .is_repeat_location = pc.is_repeat };
            chosen = c;
        }
    }

    struct risk_result risk;
    enum grade grade;
    rc = decide(svc, viewer, &in, chosen, &risk, &grade, err);
    if (rc != FC_OK)
        return rc;

    rc = store_txn_begin(svc->store, err);
    if (rc != FC_OK)
        return rc;
    struct person p;
    if (in.person_id == 0) {
        identifiers(&in, (struct provenance){ "contact", 0, now }, a, &p);
        rc = store_person_insert(svc->store, &p, &out->person_id, err);
        if (rc != FC_OK)
            goto fail;
    } else {
        out->person_id = in.person_id;
    }

    struct contact c = { .channel = CHANNEL_PHONE,
                         .received_at = now,
                         .handler_user_id = viewer->user_id,
                         .org_id = viewer->org_id,
                         .caller_person_id = out->person_id,
                         .raw_details = details_json(&in, a),
                         .match_snapshot = snapshot_json(&shown, in.person_id, a) };
    rc = store_contact_insert(svc->store, &c, &out->contact_id, err);
    if (rc != FC_OK)
        goto fail;
    if (in.person_id != 0) {
        identifiers(&in, (struct provenance){ "contact", out->contact_id, now }, a, &p);
        p.id = in.person_id;
        if (p.n_names + p.n_dobs + p.n_phones + p.n_addresses > 0) {
            rc = store_person_add_identifiers(svc->store, &p, err);
            if (rc != FC_OK)
                goto fail;
        }
    }

    struct incident_person victim = { .person_id = out->person_id, .role = ROLE_IN_VICTIM };
    struct incident inc = {
        .org_id = viewer->org_id,
        .category = in.category,
        .incident_type = (char *)in.type,
        .description = (char *)in.description,
        .location_raw = (char *)(in.location ? in.location : in.address),
        .location_postcode = in.location_postcode ? in.loc_pc.unit
                             : in.postcode        ? in.pc.unit
                                                  : NULL,
        .lat = NAN,
        .lon = NAN,
        .status = INCIDENT_OPEN,
        .is_police_only = false,
        .occurred_at = now,
        .created_at = now,
        .n_persons = 1,
        .persons = &victim,
    };
    struct geo_postcode gp;
    if (inc.location_postcode && geo_postcode_lookup(inc.location_postcode, &gp)) {
        inc.lat = gp.lat;
        inc.lon = gp.lon;
        inc.lsoa_code = gp.lsoa ? (char *)gp.lsoa->code : NULL;
    }
    rc = store_incident_insert(svc->store, &inc, &out->incident_id, err);
    if (rc != FC_OK)
        goto fail;
    rc = store_contact_set_incident(svc->store, out->contact_id, out->incident_id, err);
    if (rc != FC_OK)
        goto fail;
    struct audit_event ev = { .at = now,
                              .actor_user_id = viewer->user_id,
                              .action = AUDIT_COLLECT,
                              .object_type = "contact",
                              .object_id = out->contact_id,
                              .purpose = "ASB contact taken by phone" };
    rc = store_audit_append(svc->store, &ev, err);
    if (rc != FC_OK)
        goto fail;

    /* The call-handling workflow: labels stored as shown, screening, grading, tasks. */
    struct intake_actor who = { .user_id = viewer->user_id, .role = viewer->role, .now = now };
    struct contact_labels_rec labels;
    rc = intake_contact_labels(svc->store, svc->rules, &who, out->contact_id,
                               in.vulnerable_answered, a, &labels, err);
    if (rc != FC_OK)
        goto fail;
    struct intake_risk_outcome ro;
    rc = intake_screen(svc->store, svc->rules, &who, out->incident_id, out->contact_id, &in.answers,
                       &ro, err);
    if (rc != FC_OK)
        goto fail;
    enum grade requested = grade;
    struct intake_grade_outcome go;
    rc = intake_grade(svc->store, svc->rules, &who, out->incident_id, NULL, 0,
                      in.grade_s ? &requested : NULL, in.grade_reason, &go, err);
    if (rc != FC_OK)
        goto fail;
    rc = store_txn_commit(svc->store, err);
    if (rc != FC_OK)
        return rc;

    out->needs_full = ro.result.needs_full;
    out->grade = grading_grade_name(go.grade);
    out->risk_level = risk_level_name(ro.level);
    /* The index learns the identifiers only once they are durable. */
    return match_person_add(svc->match, out->person_id, &rec, now, err);
fail:
    store_txn_rollback(svc->store);
    return rc;
}
