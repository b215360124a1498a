/*
 * cases/view.c: reading cases for a viewer. Everything shown passes through access.h:
 * incidents and persons only through the case, police-only rows never to partners, detail
 * fields by level, and the read is audited ("disclose" across organisations).
 */
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "domain/cases/cases.h"
#include "domain/intake/trigger.h"

static const char *person_name(struct arena *a, const struct person *p)
{
    if (p->n_names == 0)
        return "(no name recorded)";
    const struct person_name *n = &p->names[p->n_names - 1];
    if (n->forename || n->surname)
        return arena_sprintf(a, "%s%s%s", n->forename ? n->forename : "",
                             n->forename && n->surname ? " " : "", n->surname ? n->surname : "");
    return n->raw ? n->raw : "(no name recorded)";
}

/* The outward part of a postcode ("LE11 3AB" -> "LE11"), for a partner at view level. */
static const char *postcode_district(struct arena *a, const char *postcode)
{
    if (postcode == NULL)
        return NULL;
    const char *sp = strchr(postcode, ' ');
    return sp ? arena_strndup(a, postcode, (size_t)(sp - postcode)) : postcode;
}

static size_t flags_in_force(const struct flag *f, size_t n, fc_time_t now)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (f[i].flagged_at <= now && (f[i].withdrawn_at == 0 || f[i].withdrawn_at > now))
            k++;
    return k;
}

static int person_view(struct store *s, const struct access_viewer *v, const struct case_party *cp,
                       unsigned fields, fc_time_t now, struct arena *a,
                       struct cases_person_view *out, struct fc_err *err)
{
    struct person p;
    struct flag *fl = NULL;
    size_t nf = 0;
    int rc = store_person_get(s, cp->person_id, a, &p, err);
    if (rc == FC_OK)
        rc = store_flag_list_for_person(s, cp->person_id, a, &fl, &nf, err);
    if (rc != FC_OK)
        return rc;
    (void)v;
    *out = (struct cases_person_view){ .person_id = cp->person_id,
                                       .role = cp->role,
                                       .match_probability = cp->match_probability,
                                       .name = person_name(a, &p),
                                       .n_flags = flags_in_force(fl, nf, now) };
    if ((fields & ACCESS_FIELD_DOB) && p.n_dobs > 0)
        out->dob = arena_strdup(a, p.dobs[p.n_dobs - 1].date);
    if ((fields & ACCESS_FIELD_CONTACT_DETAILS) && p.n_phones > 0)
        out->phone = p.phones[p.n_phones - 1].e164 ? p.phones[p.n_phones - 1].e164
                                                   : p.phones[p.n_phones - 1].raw;
    if ((fields & ACCESS_FIELD_ADDRESS) && p.n_addresses > 0)
        out->address = p.addresses[p.n_addresses - 1].raw;
    return FC_OK;
}

static void incident_view(const struct incident *i, unsigned fields, struct arena *a,
                          struct cases_incident_view *out)
{
    *out = (struct cases_incident_view){
        .id = i->id,
        .org_id = i->org_id,
        .category = model_nsir_category_name(i->category),
        .incident_type = i->incident_type,
        .status = model_incident_status_name(i->status),
        .risk_level = i->risk_level,
        .occurred_at = i->occurred_at ? i->occurred_at : i->created_at,
    };
    if (fields & ACCESS_FIELD_DESCRIPTION)
        out->description = i->description;
    out->location = (fields & ACCESS_FIELD_EXACT_LOCATION)
                        ? (i->location_raw ? i->location_raw : i->location_postcode)
                        : postcode_district(a, i->location_postcode);
}

int cases_trigger_plan(struct store *s, const struct asb_case *c, struct arena *a,
                       struct cases_trigger_step *out, size_t cap, size_t *n, struct fc_err *err)
{
    *n = 0;
    if (c->trigger_applied_at == 0)
        return FC_OK;
    struct trigger_config cfg;
    int rc = trigger_config_load("trigger/v1", &cfg, err);
    if (rc != FC_OK)
        return rc;
    struct case_entry *es = NULL;
    size_t ne = 0;
    rc = STORE_CALL(s, case_entry_list, c->id, "trigger", a, &es, &ne, err);
    if (rc != FC_OK)
        return rc;
    fc_time_t done_at[TRIGGER_MAX_STEPS] = { 0 };
    for (size_t i = 0; i < ne; i++) {
        json_t *body = json_loads(es[i].body ? es[i].body : "{}", 0, NULL);
        const char *step = json_string_value(json_object_get(body, "step"));
        int k = step ? trigger_step_index(&cfg, step) : -1;
        if (k >= 0 && done_at[k] == 0)
            done_at[k] = (fc_time_t)json_integer_value(json_object_get(body, "done_at"));
        json_decref(body);
    }
    struct trigger_step_due due[TRIGGER_MAX_STEPS];
    size_t ns = trigger_steps_plan(&cfg, c->trigger_applied_at, done_at, due);
    for (size_t i = 0; i < ns && i < cap; i++) {
        snprintf(out[i].id, sizeof(out[i].id), "%.23s", due[i].id);
        out[i].due_at = due[i].due_at;
        out[i].done_at = done_at[i];
        (*n)++;
    }
    return FC_OK;
}

static int view_incidents(struct store *s, const struct access_viewer *v, struct cases_view *out,
                          fc_time_t now, struct arena *a, struct fc_err *err)
{
    fc_id_t *ids = NULL;
    size_t n = 0;
    int rc = STORE_CALL(s, case_incident_list, out->c.id, a, &ids, &n, err);
    if (rc != FC_OK)
        return rc;
    out->incidents = n ? arena_alloc(a, n * sizeof(*out->incidents)) : NULL;
    (void)now;
    for (size_t i = 0; i < n; i++) {
        struct incident inc;
        rc = store_incident_get(s, ids[i], a, &inc, err);
        if (rc != FC_OK)
            return rc;
        if (!access_incident_visible(v, inc.org_id, inc.is_police_only, out->level)) {
            out->n_incidents_withheld++;
            continue;
        }
        unsigned fields = access_fields(v, inc.org_id, out->level);
        struct cases_incident_view *iv = &out->incidents[out->n_incidents++];
        incident_view(&inc, fields, a, iv);
        /* the call-handling assessment (DESIGN section 4) beside the case's own */
        struct risk_assessment_rec *ra = NULL;
        size_t nra = 0;
        rc = store_risk_assessment_list(s, inc.id, 0, a, &ra, &nra, err);
        if (rc != FC_OK)
            return rc;
        if (nra > 0) {
            iv->assessment_stage = ra[nra - 1].stage;
            iv->assessment_level = ra[nra - 1].final_level;
        }
    }
    return FC_OK;
}

static int view_persons(struct store *s, const struct access_viewer *v, struct cases_view *out,
                        fc_time_t now, struct arena *a, struct fc_err *err)
{
    struct case_party *ps = NULL;
    size_t n = 0;
    int rc = STORE_CALL(s, case_party_list, out->c.id, a, &ps, &n, err);
    if (rc != FC_OK)
        return rc;
    out->persons = n ? arena_alloc(a, n * sizeof(*out->persons)) : NULL;
    for (size_t i = 0; i < n && rc == FC_OK; i++)
        rc = person_view(s, v, &ps[i], out->fields, now, a, &out->persons[out->n_persons++], err);
    return rc;
}

static int view_timeline(struct store *s, const struct access_viewer *v, struct cases_view *out,
                         struct arena *a, struct fc_err *err)
{
    struct case_entry *es = NULL;
    size_t n = 0;
    int rc = STORE_CALL(s, case_entry_list, out->c.id, NULL, a, &es, &n, err);
    if (rc != FC_OK)
        return rc;
    out->timeline = es;
    out->n_timeline = 0;
    for (size_t i = 0; i < n; i++)
        if (access_timeline_entry_visible(v, es[i].is_police_only))
            es[out->n_timeline++] = es[i];
    return FC_OK;
}

static int audit_read(struct store *s, const struct access_viewer *v, const struct cases_view *cv,
                      const char *purpose, fc_time_t now, struct arena *a, struct fc_err *err)
{
    bool is_disclosure = access_is_disclosure(v, cv->c.lead_org_id);
    enum audit_action action = is_disclosure ? AUDIT_DISCLOSE : AUDIT_CONSULT;
    char *detail = arena_sprintf(a, "level=%s persons=%zu incidents=%zu withheld=%zu",
                                 access_level_name(cv->level), cv->n_persons, cv->n_incidents,
                                 cv->n_incidents_withheld);
    struct audit_event ev = { .at = now,
                              .actor_user_id = v->user_id,
                              .action = action,
                              .object_type = "case",
                              .object_id = cv->c.id,
                              .purpose = (char *)purpose,
                              .detail = detail };
    /* one transaction for the read's audit events: one durable write, not one per event */
    int rc = store_txn_begin(s, err);
    if (rc != FC_OK)
        return rc;
    rc = store_audit_append(s, &ev, err);
    /* each person shown to another organisation is a disclosure of that person */
    for (size_t i = 0; rc == FC_OK && is_disclosure && i < cv->n_persons; i++) {
        struct audit_event pe = { .at = now,
                                  .actor_user_id = v->user_id,
                                  .action = AUDIT_DISCLOSE,
                                  .object_type = "person",
                                  .object_id = cv->persons[i].person_id,
                                  .purpose = (char *)purpose,
                                  .detail = arena_sprintf(a, "via case %lld org=%lld",
                                                          (long long)cv->c.id,
                                                          (long long)v->org_id) };
        rc = store_audit_append(s, &pe, err);
    }
    if (rc == FC_OK)
        return store_txn_commit(s, err);
    store_txn_rollback(s);
    return rc;
}

int cases_view_load(struct store *s, const struct access_viewer *v, fc_id_t case_id,
                    const char *purpose, fc_time_t now, struct arena *a, struct cases_view *out,
                    struct fc_err *err)
{
    memset(out, 0, sizeof(*out));
    int rc = cases_level(s, v, case_id, now, a, &out->c, &out->level, err);
    if (rc != FC_OK)
        return rc;
    if (out->level == ACCESS_NONE)
        return err_set(err, FC_EDENIED, "case_id", "case is not shared with your organisation");
    out->fields = access_fields(v, 0, out->level);
    struct organisation lo;
    struct user lu;
    rc = store_org_get(s, out->c.lead_org_id, a, &lo, err);
    if (rc == FC_OK)
        rc = store_user_get(s, out->c.lead_user_id, a, &lu, err);
    if (rc == FC_OK) {
        out->lead_org_name = lo.name;
        out->lead_user_name = lu.display_name ? lu.display_name : lu.username;
        rc = STORE_CALL(s, case_share_list, case_id, a, &out->shares, &out->n_shares, err);
    }
    if (rc == FC_OK)
        rc = view_incidents(s, v, out, now, a, err);
    if (rc == FC_OK)
        rc = view_persons(s, v, out, now, a, err);
    if (rc == FC_OK)
        rc = STORE_CALL(s, case_location_list, case_id, a, &out->locations, &out->n_locations,
                        err);
    struct case_action_query q = { .case_id = case_id, .now = now };
    if (rc == FC_OK)
        rc = STORE_CALL(s, case_action_search, &q, a, &out->actions, &out->n_actions, err);
    if (rc == FC_OK)
        rc = STORE_CALL(s, case_review_list, case_id, a, &out->reviews, &out->n_reviews, err);
    if (rc == FC_OK)
        rc = view_timeline(s, v, out, a, err);
    if (rc == FC_OK)
        rc = cases_trigger_plan(s, &out->c, a, out->trigger_steps, 6, &out->n_trigger_steps, err);
    if (rc == FC_OK)
        rc = audit_read(s, v, out, purpose ? purpose : "case management", now, a, err);
    return rc;
}

/* The best level the viewer holds on any case in `ids`. */
static int best_level(struct store *s, const struct access_viewer *v, const fc_id_t *ids,
                      size_t n, fc_time_t now, struct arena *a, enum access_level *out,
                      struct fc_err *err)
{
    *out = ACCESS_NONE;
    for (size_t i = 0; i < n; i++) {
        struct asb_case c;
        enum access_level lvl;
        int rc = cases_level(s, v, ids[i], now, a, &c, &lvl, err);
        if (rc != FC_OK)
            return rc;
        if (lvl > *out)
            *out = lvl;
    }
    return FC_OK;
}

int cases_person_visible(struct store *s, const struct access_viewer *v, fc_id_t person_id,
                         fc_time_t now, struct arena *a, bool *out, enum access_level *out_level,
                         struct fc_err *err)
{
    struct person p;
    int rc = store_person_get(s, person_id, a, &p, err);
    if (rc != FC_OK)
        return rc;
    /* own records: an incident of the viewer's organisation involves them, or its flag */
    struct incident_query iq = { .person_id = person_id, .org_id = v->org_id, .limit = 1 };
    struct incident *is = NULL;
    size_t ni = 0, nf = 0;
    struct flag *fl = NULL;
    rc = store_incident_search(s, &iq, a, &is, &ni, err);
    if (rc == FC_OK)
        rc = store_flag_list_for_person(s, person_id, a, &fl, &nf, err);
    if (rc != FC_OK)
        return rc;
    bool is_own = ni > 0;
    for (size_t i = 0; i < nf; i++)
        is_own = is_own || fl[i].org_id == v->org_id;
    fc_id_t *ids = NULL;
    size_t n = 0;
    rc = STORE_CALL(s, case_ids_involving, person_id, 0, a, &ids, &n, err);
    enum access_level lvl = ACCESS_NONE;
    if (rc == FC_OK)
        rc = best_level(s, v, ids, n, now, a, &lvl, err);
    if (rc != FC_OK)
        return rc;
    *out = access_person_visible(v, is_own, lvl);
    if (out_level)
        *out_level = lvl;
    return FC_OK;
}

int cases_incident_visible(struct store *s, const struct access_viewer *v, fc_id_t incident_id,
                           fc_time_t now, struct arena *a, bool *out,
                           enum access_level *out_level, struct fc_err *err)
{
    struct incident inc;
    int rc = store_incident_get(s, incident_id, a, &inc, err);
    if (rc != FC_OK)
        return rc;
    fc_id_t *ids = NULL;
    size_t n = 0;
    enum access_level lvl = ACCESS_NONE;
    rc = STORE_CALL(s, case_ids_involving, 0, incident_id, a, &ids, &n, err);
    if (rc == FC_OK)
        rc = best_level(s, v, ids, n, now, a, &lvl, err);
    if (rc != FC_OK)
        return rc;
    *out = access_incident_visible(v, inc.org_id, inc.is_police_only, lvl);
    if (out_level)
        *out_level = lvl;
    return FC_OK;
}

int cases_list(struct store *s, const struct access_viewer *v, enum cases_list_kind kind,
               const char *area_code, const char *status, fc_time_t now, struct arena *a,
               struct asb_case **out, size_t *n, struct fc_err *err)
{
    if (access_case_level(v, v->org_id, NULL, 0, now) == ACCESS_NONE)
        return err_set(err, FC_EDENIED, "", "your role does not read case records");
    struct case_query q = { .visible_to_org_id = v->org_id, .status = status, .now = now,
                            .limit = 500 };
    switch (kind) {
    case CASES_LIST_MINE:
        q.lead_user_id = v->user_id;
        break;
    case CASES_LIST_ORG:
        break;
    case CASES_LIST_OVERDUE_REVIEWS:
        q.review_due_before = now;
        q.status = "open";
        break;
    case CASES_LIST_AREA:
        if (area_code == NULL || area_code[0] == '\0')
            return err_set(err, FC_EINVAL, "area", "is required");
        q.area_code = area_code;
        break;
    case CASES_LIST_TRIGGER:
        q.origin = "community_trigger";
        break;
    }
    return STORE_CALL(s, case_search, &q, a, out, n, err);
}

int cases_actions_overdue(struct store *s, const struct access_viewer *v, fc_time_t now,
                          struct arena *a, struct case_action **out, size_t *n,
                          struct fc_err *err)
{
    if (access_case_level(v, v->org_id, NULL, 0, now) == ACCESS_NONE)
        return err_set(err, FC_EDENIED, "", "your role does not read case records");
    struct case_action_query q = { .visible_to_org_id = v->org_id, .overdue_at = now, .now = now,
                                   .limit = 1000 };
    return STORE_CALL(s, case_action_search, &q, a, out, n, err);
}
