/*
 * intake/report.c: a report from a channel without a call handler (Open311, web), taken
 * the way a call is: the reporter matched as a person, the contact with its snapshot and
 * labels, the incident. See intake.h.
 */
#include "domain/intake/intake.h"

#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "domain/match/record.h"

const char *intake_match_decision_name(enum intake_match_decision d)
{
    switch (d) {
    case INTAKE_ANONYMOUS:
        return "anonymous";
    case INTAKE_MATCHED:
        return "matched";
    case INTAKE_NEW_PERSON:
        return "new_person";
    case INTAKE_UNCERTAIN:
        return "uncertain";
    }
    return "uncertain";
}

enum intake_match_decision intake_match_decide(const struct match_candidate *cands, size_t n)
{
    if (n == 0 || cands[0].band == MATCH_BAND_NONE)
        return INTAKE_NEW_PERSON;
    if (cands[0].band == MATCH_BAND_SAME && (n == 1 || cands[1].band == MATCH_BAND_NONE))
        return INTAKE_MATCHED;
    return INTAKE_UNCERTAIN;
}

static bool given(const char *s)
{
    return s != NULL && s[0] != '\0';
}

static bool has_reporter(const struct match_record *r)
{
    return given(r->forename) || given(r->surname) || given(r->full_name) || given(r->email) ||
           given(r->phone) || given(r->dob);
}

/* The automated decision and what it was based on: the contact's match snapshot. */
static char *snapshot_json(const struct match_result *res, enum intake_match_decision d,
                           fc_id_t chosen, struct arena *a)
{
    json_t *cands = json_array();
    for (size_t i = 0; res != NULL && i < res->n; i++) {
        const struct match_candidate *c = &res->cands[i];
        json_t *reasons = json_array();
        for (int f = 0; f < MATCH_FIELD_COUNT; f++) {
            if (c->fields[f].reason[0] != '\0')
                json_array_append_new(reasons, json_string(c->fields[f].reason));
        }
        json_array_append_new(cands, json_pack("{s:I, s:f, s:s, s:o}", "person_id",
                                               (json_int_t)c->person_id, "probability",
                                               c->probability, "band",
                                               match_band_name(c->band), "reasons", reasons));
    }
    json_t *root = json_pack("{s:s, s:s, s:s, s:o, s:o}", "model", "match/v1", "decided_by",
                             "automatic", "decision", intake_match_decision_name(d),
                             "chosen_person_id", chosen ? json_integer(chosen) : json_null(),
                             "candidates", cands);
    char *text = root ? json_dumps(root, JSON_COMPACT) : NULL;
    json_decref(root);
    char *out = text ? arena_strdup(a, text) : NULL;
    free(text);
    return out;
}

int intake_report_take(struct store *s, const struct intake_rules *r, struct match_service *m,
                       const struct intake_actor *who, const struct intake_report *in,
                       struct arena *a, struct intake_report_result *out, struct fc_err *err)
{
    memset(out, 0, sizeof(*out));
    if (in->incident_id == 0 && (in->incident_type == NULL || in->incident_type[0] == '\0'))
        return err_set(err, FC_EINVAL, "incident_type", "is required");
    if (in->org_id == 0)
        return err_set(err, FC_EINVAL, "org_id", "is required");

    struct match_result res = { 0 };
    const struct match_record *rep = &in->reporter;
    out->decision = INTAKE_ANONYMOUS;
    if (has_reporter(rep)) {
        if (m == NULL)
            return err_set(err, FC_EUNAVAIL, "", "the match service is not running");
        int rc = match_lookup(m, rep, who->now, a, &res, err);
        if (rc != FC_OK)
            return rc;
        out->decision = intake_match_decide(res.cands, res.n);
        if (res.n > 0)
            out->probability = res.cands[0].probability;
    }
    /* everything the rows need is ready: from here on, one transaction */
    int rc = store_txn_begin(s, err);
    if (rc != FC_OK)
        return rc;
    struct person p;
    if (out->decision == INTAKE_NEW_PERSON || out->decision == INTAKE_UNCERTAIN) {
        rc = match_record_to_person(rep, "contact", 0, who->now, a, &p, err);
        if (rc == FC_OK) {
            p.created_at = who->now;
            rc = store_person_insert(s, &p, &out->person_id, err);
        }
        if (rc != FC_OK)
            goto fail;
    } else if (out->decision == INTAKE_MATCHED) {
        out->person_id = res.cands[0].person_id;
    }

    struct contact c = { .channel = in->channel,
                         .received_at = who->now,
                         .handler_user_id = who->user_id,
                         .org_id = in->org_id,
                         .caller_person_id = out->person_id,
                         .raw_details = (char *)in->raw_details,
                         .match_snapshot =
                             out->decision == INTAKE_ANONYMOUS
                                 ? NULL
                                 : snapshot_json(&res, out->decision, out->person_id, a) };
    rc = store_contact_insert(s, &c, &out->contact_id, err);
    if (rc != FC_OK)
        goto fail;
    if (out->decision == INTAKE_MATCHED) {
        /* what the reporter gave this time is appended to the person, sourced to the contact */
        rc = match_record_to_person(rep, "contact", out->contact_id, who->now, a, &p, err);
        if (rc == FC_OK && p.n_names + p.n_dobs + p.n_phones + p.n_emails + p.n_addresses > 0) {
            p.id = out->person_id;
            rc = store_person_add_identifiers(s, &p, err);
        }
        if (rc != FC_OK)
            goto fail;
    }

    struct incident_person victim = { .person_id = out->person_id, .role = ROLE_IN_VICTIM };
    struct incident inc = {
        .org_id = in->org_id,
        .category = in->category,
        .incident_type = (char *)in->incident_type,
        .description = (char *)in->description,
        .location_raw = (char *)in->location_raw,
        .location_postcode = (char *)in->location_postcode,
        .lat = in->lat,
        .lon = in->lon,
        .status = INCIDENT_OPEN,
        .occurred_at = who->now,
        .created_at = who->now,
        .n_persons = out->person_id ? 1 : 0,
        .persons = out->person_id ? &victim : NULL,
    };
    if (in->incident_id != 0)
        out->incident_id = in->incident_id; /* a further contact about a known incident */
    else
        rc = store_incident_insert(s, &inc, &out->incident_id, err);
    if (rc == FC_OK)
        rc = store_contact_set_incident(s, out->contact_id, out->incident_id, err);
    if (rc != FC_OK)
        goto fail;
    struct audit_event ev = { .at = who->now,
                              .actor_user_id = who->user_id,
                              .action = AUDIT_COLLECT,
                              .object_type = "contact",
                              .object_id = out->contact_id,
                              .purpose = (char *)(in->purpose ? in->purpose : "ASB report"),
                              .detail = (char *)intake_match_decision_name(out->decision) };
    rc = store_audit_append(s, &ev, err);
    if (rc != FC_OK)
        goto fail;
    /* the labels a handler would have been shown, stored on the contact as evidence */
    rc = intake_contact_labels(s, r, who, out->contact_id, false, a, &out->labels, err);
    if (rc != FC_OK)
        goto fail;
    return store_txn_commit(s, err);
fail:
    store_txn_rollback(s);
    return rc;
}

int intake_report_index(struct match_service *m, const struct intake_report *in,
                        const struct intake_report_result *res, fc_time_t now,
                        struct fc_err *err)
{
    if (m == NULL || res->person_id == 0)
        return FC_OK;
    return match_person_add(m, res->person_id, &in->reporter, now, err);
}
