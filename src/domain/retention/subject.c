/* retention/subject.c: see subject.h. */
#include "domain/retention/subject.h"

#include <math.h>
#include <string.h>

#include "util/timeutil.h"

static json_t *jtime(fc_time_t t)
{
    char buf[32];
    if (t == 0)
        return json_null();
    time_format_utc(t, buf, sizeof(buf));
    return json_string(buf);
}

static json_t *jstr(const char *s)
{
    return s != NULL ? json_string(s) : json_null();
}

/* JSON text stored in a column, parsed; the raw text if it does not parse. */
static json_t *jtext(const char *s)
{
    if (s == NULL)
        return json_null();
    json_t *v = json_loads(s, JSON_DECODE_ANY, NULL);
    return v != NULL ? v : json_string(s);
}

static json_t *prov(json_t *o, const struct provenance *p)
{
    json_object_set_new(o, "source", jstr(p->source));
    json_object_set_new(o, "recorded_at", jtime(p->recorded_at));
    return o;
}

static void add_identifiers(json_t *doc, const struct person *p)
{
    json_t *names = json_object_get(doc, "names"), *dobs = json_object_get(doc, "dates_of_birth");
    json_t *phones = json_object_get(doc, "phones"), *emails = json_object_get(doc, "emails");
    json_t *addrs = json_object_get(doc, "addresses");
    for (size_t i = 0; i < p->n_names; i++)
        json_array_append_new(names, prov(json_pack("{s:I, s:o, s:o, s:o, s:o}", "person_id",
                                                    (json_int_t)p->id, "as_given",
                                                    jstr(p->names[i].raw), "forename",
                                                    jstr(p->names[i].forename), "middles",
                                                    jstr(p->names[i].middles), "surname",
                                                    jstr(p->names[i].surname)),
                                          &p->names[i].prov));
    for (size_t i = 0; i < p->n_dobs; i++)
        json_array_append_new(dobs, prov(json_pack("{s:I, s:s, s:o}", "person_id",
                                                   (json_int_t)p->id, "date", p->dobs[i].date,
                                                   "as_given", jstr(p->dobs[i].raw)),
                                         &p->dobs[i].prov));
    for (size_t i = 0; i < p->n_phones; i++)
        json_array_append_new(phones, prov(json_pack("{s:I, s:o, s:o}", "person_id",
                                                     (json_int_t)p->id, "number",
                                                     jstr(p->phones[i].raw), "e164",
                                                     jstr(p->phones[i].e164)),
                                           &p->phones[i].prov));
    for (size_t i = 0; i < p->n_emails; i++)
        json_array_append_new(emails, prov(json_pack("{s:I, s:o}", "person_id", (json_int_t)p->id,
                                                     "address", jstr(p->emails[i].raw)),
                                           &p->emails[i].prov));
    for (size_t i = 0; i < p->n_addresses; i++) {
        const struct person_address *ad = &p->addresses[i];
        json_array_append_new(addrs, prov(json_pack("{s:I, s:o, s:o, s:o}", "person_id",
                                                    (json_int_t)p->id, "address", jstr(ad->raw),
                                                    "postcode", jstr(ad->postcode), "uprn",
                                                    jstr(ad->uprn)),
                                          &ad->prov));
    }
}

struct merged_ctx {
    fc_id_t into;
    fc_id_t ids[64];
    size_t n;
};

static int find_merged(void *vctx, const struct person *p)
{
    struct merged_ctx *ctx = vctx;
    if (p->merged_into == ctx->into && ctx->n < sizeof(ctx->ids) / sizeof(ctx->ids[0]))
        ctx->ids[ctx->n++] = p->id;
    return 0;
}

static const char *org_name(struct store *s, fc_id_t id, struct arena *a)
{
    struct organisation o;
    struct fc_err e;
    if (id == 0 || store_org_get(s, id, a, &o, &e) != FC_OK)
        return NULL;
    return o.name;
}

static int add_contacts(struct store *s, json_t *doc, fc_id_t pid, struct arena *a,
                        struct fc_err *err)
{
    struct contact_query q = { .caller_person_id = pid };
    struct contact *cs;
    size_t n;
    int rc = store_contact_search(s, &q, a, &cs, &n, err);
    if (rc != FC_OK)
        return rc;
    json_t *arr = json_object_get(doc, "contacts");
    for (size_t i = 0; i < n; i++)
        json_array_append_new(arr, json_pack("{s:I, s:s, s:o, s:o, s:o, s:o}", "id",
                                             (json_int_t)cs[i].id, "channel",
                                             model_channel_name(cs[i].channel), "received_at",
                                             jtime(cs[i].received_at), "organisation",
                                             jstr(org_name(s, cs[i].org_id, a)), "incident_id",
                                             cs[i].incident_id ? json_integer(cs[i].incident_id)
                                                               : json_null(),
                                             "details_given", jtext(cs[i].raw_details)));
    return FC_OK;
}

static int add_incidents(struct store *s, json_t *doc, fc_id_t pid, struct arena *a,
                         struct fc_err *err)
{
    struct incident_query q = { .person_id = pid };
    struct incident *is;
    size_t n;
    int rc = store_incident_search(s, &q, a, &is, &n, err);
    if (rc != FC_OK)
        return rc;
    json_t *arr = json_object_get(doc, "incidents");
    for (size_t i = 0; i < n; i++) {
        const struct incident *inc = &is[i];
        json_t *roles = json_array();
        size_t others = 0;
        for (size_t k = 0; k < inc->n_persons; k++) {
            if (inc->persons[k].person_id == pid)
                json_array_append_new(roles, json_string(model_person_role_name(
                                                 inc->persons[k].role)));
            else
                others++;
        }
        json_array_append_new(
            arr, json_pack("{s:I, s:o, s:s, s:s, s:o, s:o, s:o, s:s, s:o, s:o, s:o, s:o, s:b, "
                           "s:o, s:I}",
                           "id", (json_int_t)inc->id, "organisation",
                           jstr(org_name(s, inc->org_id, a)), "category",
                           model_nsir_category_name(inc->category), "type", inc->incident_type,
                           "description", jstr(inc->description), "location",
                           jstr(inc->location_raw), "postcode", jstr(inc->location_postcode),
                           "status", model_incident_status_name(inc->status), "created_at",
                           jtime(inc->created_at), "closed_at", jtime(inc->closed_at),
                           "outcome", jstr(inc->outcome), "risk_level", jstr(inc->risk_level),
                           "is_police_only", inc->is_police_only, "your_roles", roles,
                           "other_persons_withheld", (json_int_t)others));
    }
    return FC_OK;
}

static int add_flags_and_risk(struct store *s, json_t *doc, fc_id_t pid, struct arena *a,
                              struct fc_err *err)
{
    struct flag *fs;
    size_t n;
    int rc = store_flag_list_for_person(s, pid, a, &fs, &n, err);
    if (rc != FC_OK)
        return rc;
    json_t *arr = json_object_get(doc, "flags");
    for (size_t i = 0; i < n; i++)
        json_array_append_new(arr, json_pack("{s:I, s:s, s:s, s:o, s:o, s:o, s:o, s:o}", "id",
                                             (json_int_t)fs[i].id, "kind", fs[i].kind, "agency",
                                             fs[i].agency, "reason", jstr(fs[i].reason),
                                             "flagged_at", jtime(fs[i].flagged_at),
                                             "review_date", jstr(fs[i].review_date),
                                             "withdrawn_at", jtime(fs[i].withdrawn_at),
                                             "sharing_basis", jstr(fs[i].sharing_basis)));
    struct risk_assessment_rec *rs;
    rc = store_risk_assessment_list(s, 0, pid, a, &rs, &n, err);
    if (rc != FC_OK)
        return rc;
    arr = json_object_get(doc, "risk_assessments");
    for (size_t i = 0; i < n; i++)
        json_array_append_new(arr, json_pack("{s:I, s:I, s:s, s:o, s:o, s:o, s:o, s:o}", "id",
                                             (json_int_t)rs[i].id, "incident_id",
                                             (json_int_t)rs[i].incident_id, "stage", rs[i].stage,
                                             "answers", jtext(rs[i].answers), "level",
                                             jstr(rs[i].final_level), "reason",
                                             jstr(rs[i].reason), "assessed_at",
                                             jtime(rs[i].assessed_at), "next_review_due",
                                             jtime(rs[i].next_review_due)));
    struct community_trigger_rec *ts;
    rc = store_trigger_list_for_person(s, pid, a, &ts, &n, err);
    if (rc != FC_OK)
        return rc;
    arr = json_object_get(doc, "community_triggers");
    for (size_t i = 0; i < n; i++)
        json_array_append_new(arr, json_pack("{s:I, s:s, s:o, s:o, s:o}", "id",
                                             (json_int_t)ts[i].id, "status", ts[i].status,
                                             "applied_at", jtime(ts[i].applied_at),
                                             "decision_reason", jstr(ts[i].decision_reason),
                                             "outcome", jstr(ts[i].outcome)));
    return FC_OK;
}

static int add_cases(struct store *s, json_t *doc, fc_id_t pid, struct arena *a,
                     struct fc_err *err)
{
    fc_id_t *ids;
    size_t n;
    int rc = STORE_CALL(s, case_ids_involving, pid, 0, a, &ids, &n, err);
    if (rc != FC_OK)
        return rc;
    json_t *arr = json_object_get(doc, "cases");
    for (size_t i = 0; i < n; i++) {
        struct asb_case c;
        struct case_party *ps;
        size_t np;
        rc = STORE_CALL(s, case_get, ids[i], a, &c, err);
        if (rc == FC_OK)
            rc = STORE_CALL(s, case_party_list, ids[i], a, &ps, &np, err);
        if (rc != FC_OK)
            return rc;
        json_t *roles = json_array();
        for (size_t k = 0; k < np; k++) {
            if (ps[k].person_id == pid)
                json_array_append_new(roles, json_string(ps[k].role));
        }
        json_array_append_new(arr, json_pack("{s:I, s:s, s:s, s:o, s:s, s:o, s:o, s:o, s:o}",
                                             "id", (json_int_t)c.id, "ref", c.ref, "title",
                                             c.title, "lead_organisation",
                                             jstr(org_name(s, c.lead_org_id, a)), "status",
                                             c.status, "opened_at", jtime(c.opened_at),
                                             "closed_at", jtime(c.closed_at), "outcome",
                                             jstr(c.closure_outcome), "your_roles", roles));
    }
    return FC_OK;
}

static int add_audit(struct store *s, json_t *doc, fc_id_t pid, struct arena *a,
                     struct fc_err *err)
{
    struct audit_event *evs;
    size_t n;
    int rc = store_audit_list(s, "person", pid, 0, a, &evs, &n, err);
    if (rc != FC_OK)
        return rc;
    json_t *arr = json_object_get(doc, "record_access");
    for (size_t i = 0; i < n; i++) {
        struct user u;
        struct fc_err e;
        const char *org = NULL;
        if (evs[i].actor_user_id != 0 && store_user_get(s, evs[i].actor_user_id, a, &u, &e) == FC_OK)
            org = org_name(s, u.org_id, a);
        json_array_append_new(arr, json_pack("{s:o, s:s, s:o, s:o}", "at", jtime(evs[i].at),
                                             "action", model_audit_action_name(evs[i].action),
                                             "organisation",
                                             evs[i].actor_user_id ? jstr(org)
                                                                  : json_string("system"),
                                             "purpose", jstr(evs[i].purpose)));
    }
    return FC_OK;
}

int subject_export_build(struct store *s, fc_id_t person_id, fc_time_t now, struct arena *a,
                         json_t **out, struct fc_err *err)
{
    struct person p;
    *out = NULL;
    int rc = store_person_get(s, person_id, a, &p, err);
    if (rc == FC_ENOTFOUND)
        return err_set(err, FC_ENOTFOUND, "person_id", "no person with this id");
    if (rc != FC_OK)
        return rc;
    json_t *doc = json_pack(
        "{s:s, s:I, s:o, s:o, s:s, s:[], s:[], s:[], s:[], s:[], s:[], s:[], s:[], s:[], "
        "s:[], s:[], s:[]}",
        "document", "subject access export", "person_id", (json_int_t)person_id, "generated_at",
        jtime(now), "created_at", jtime(p.created_at), "note",
        "Review before disclosure: free text (incident descriptions, flag reasons, details "
        "given) may name third parties or be exempt under DPA 2018 s.45(4). Other persons "
        "named on incidents are withheld.",
        "merged_person_ids", "names", "dates_of_birth", "phones", "emails", "addresses",
        "contacts", "incidents", "flags", "risk_assessments", "community_triggers", "cases");
    if (doc == NULL)
        return err_set(err, FC_ENOMEM, "", "out of memory building the export");
    json_object_set_new(doc, "record_access", json_array());
    if (p.merged_into != 0)
        json_object_set_new(doc, "merged_into", json_integer(p.merged_into));
    add_identifiers(doc, &p);
    /* persons merged into this one are the same person: their records are theirs too */
    struct merged_ctx mctx = { .into = person_id };
    rc = store_person_scan_all(s, find_merged, &mctx, err);
    fc_id_t group[65];
    size_t n_group = 0;
    group[n_group++] = person_id;
    for (size_t i = 0; rc == FC_OK && i < mctx.n; i++) {
        struct person m;
        rc = store_person_get(s, mctx.ids[i], a, &m, err);
        if (rc == FC_OK) {
            json_array_append_new(json_object_get(doc, "merged_person_ids"),
                                  json_integer(m.id));
            add_identifiers(doc, &m);
            group[n_group++] = m.id;
        }
    }
    for (size_t i = 0; rc == FC_OK && i < n_group; i++) {
        rc = add_contacts(s, doc, group[i], a, err);
        if (rc == FC_OK)
            rc = add_incidents(s, doc, group[i], a, err);
        if (rc == FC_OK)
            rc = add_flags_and_risk(s, doc, group[i], a, err);
        if (rc == FC_OK)
            rc = add_cases(s, doc, group[i], a, err);
        if (rc == FC_OK)
            rc = add_audit(s, doc, group[i], a, err);
    }
    if (rc != FC_OK) {
        json_decref(doc);
        return rc;
    }
    *out = doc;
    return FC_OK;
}
