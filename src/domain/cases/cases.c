/*
 * cases/cases.c: the case service. Each write follows one shape: check the input (nothing
 * written on failure), begin, load the case and the viewer's level, check the operation
 * against access.h, write, append the timeline row, append the audit event, commit.
 */
#include "domain/cases/cases.h"

#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/intake/trigger.h"
#include "util/log.h"

#define TEXT_MAX 4000

/* ---- helpers ---------------------------------------------------------------------- */

static int text_check(const char *field, const char *s, size_t max, bool is_required,
                      struct fc_err *err)
{
    if (s == NULL || s[0] == '\0')
        return is_required ? err_set(err, FC_EINVAL, field, "is required") : FC_OK;
    if (strlen(s) > max)
        return err_set(err, FC_EINVAL, field, "must be at most %zu bytes", max);
    return FC_OK;
}

static int audit(struct store *s, const struct access_viewer *v, enum audit_action action,
                 const char *object_type, fc_id_t object_id, const char *purpose,
                 const char *detail, fc_time_t now, struct fc_err *err)
{
    struct audit_event ev = { .at = now,
                              .actor_user_id = v ? v->user_id : 0,
                              .action = action,
                              .object_type = (char *)object_type,
                              .object_id = object_id,
                              .purpose = (char *)purpose,
                              .detail = (char *)detail };
    return store_audit_append(s, &ev, err);
}

/* Appends a timeline row; `body` (may be NULL) is consumed. */
static int entry(struct store *s, const struct access_viewer *v, fc_id_t case_id, fc_time_t now,
                 const char *kind, const char *summary, json_t *body, bool is_police_only,
                 struct fc_err *err)
{
    char *text = body ? json_dumps(body, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
    json_decref(body);
    if (body != NULL && text == NULL)
        return err_set(err, FC_ENOMEM, "", "out of memory writing the timeline");
    struct case_entry e = { .case_id = case_id,
                            .at = now,
                            .actor_user_id = v ? v->user_id : 0,
                            .actor_org_id = v ? v->org_id : 0,
                            .kind = (char *)kind,
                            .summary = (char *)summary,
                            .body = text,
                            .is_police_only = is_police_only };
    int rc = STORE_CALL(s, case_entry_append, &e, NULL, err);
    free(text);
    return rc;
}

static void shares_to_access(const struct case_share *sh, size_t n, struct arena *a,
                             struct access_share **out)
{
    struct access_share *as = n ? arena_alloc(a, n * sizeof(*as)) : NULL;
    for (size_t i = 0; as != NULL && i < n; i++) {
        enum access_level lvl = ACCESS_NONE;
        access_level_parse(sh[i].level, &lvl);
        as[i] = (struct access_share){ .org_id = sh[i].org_id,
                                       .level = lvl,
                                       .expires_at = sh[i].expires_at,
                                       .revoked_at = sh[i].revoked_at };
    }
    *out = as;
}

int cases_level(struct store *s, const struct access_viewer *v, fc_id_t case_id, fc_time_t now,
                struct arena *a, struct asb_case *out_case, enum access_level *out,
                struct fc_err *err)
{
    struct case_share *sh = NULL;
    size_t n = 0;
    int rc = STORE_CALL(s, case_get, case_id, a, out_case, err);
    if (rc == FC_OK)
        rc = STORE_CALL(s, case_share_list, case_id, a, &sh, &n, err);
    if (rc != FC_OK)
        return rc;
    struct access_share *as;
    shares_to_access(sh, n, a, &as);
    if (n > 0 && as == NULL)
        return err_set(err, FC_ENOMEM, "", "out of memory reading shares");
    *out = access_case_level(v, out_case->lead_org_id, as, n, now);
    if (*out == ACCESS_NONE && access_can_break_glass(v)) {
        /* a supervisor's break-the-glass grant on this case, while in force */
        fc_time_t expires = 0;
        struct fc_err e;
        if (store_break_glass_active(s, v->user_id, "case", case_id, now, &expires, &e) == FC_OK)
            *out = access_break_glass_level(v, expires, now);
    }
    return FC_OK;
}

/* Loads the case and checks the viewer may do `op` on it. */
static int case_for(struct store *s, const struct access_viewer *v, fc_id_t case_id,
                    enum access_case_op op, fc_time_t now, struct arena *a, struct asb_case *c,
                    enum access_level *level, struct fc_err *err)
{
    enum access_level lvl;
    int rc = cases_level(s, v, case_id, now, a, c, &lvl, err);
    if (rc != FC_OK)
        return rc;
    if (lvl == ACCESS_NONE)
        return err_set(err, FC_EDENIED, "case_id", "case is not shared with your organisation");
    if (!access_case_can(v, lvl, op))
        return err_set(err, FC_EDENIED, "case_id",
                       "your role or the case's sharing level does not allow this");
    if (op != ACCESS_OP_READ && op != ACCESS_OP_MANAGE && strcmp(c->status, "open") != 0)
        return err_set(err, FC_ECONFLICT, "case_id", "case is closed");
    if (level)
        *level = lvl;
    return FC_OK;
}

/* Ends a write: commits when rc is FC_OK, else rolls back. */
static int txn_end(struct store *s, int rc, struct fc_err *err)
{
    if (rc == FC_OK)
        return store_txn_commit(s, err);
    store_txn_rollback(s);
    return rc;
}

int cases_viewer_of(struct store *s, fc_id_t user_id, struct access_viewer *out,
                    struct fc_err *err)
{
    struct arena a;
    arena_init(&a, 0);
    struct user u;
    struct organisation o;
    int rc = store_user_get(s, user_id, &a, &u, err);
    if (rc == FC_OK)
        rc = store_org_get(s, u.org_id, &a, &o, err);
    if (rc == FC_OK)
        *out = (struct access_viewer){ .user_id = u.id, .org_id = u.org_id, .org_kind = o.kind,
                                       .role = u.role };
    arena_free(&a);
    return rc;
}

/* ---- opening ---------------------------------------------------------------------- */

static int open_check(const struct cases_open_input *in, enum cases_origin *origin,
                      struct fc_err *err)
{
    int rc = text_check("title", in->title, 200, true, err);
    if (rc == FC_OK)
        rc = cases_sharing_basis_check(in->sharing_basis, err);
    if (rc == FC_OK)
        rc = text_check("sharing_agreement_ref", in->sharing_agreement_ref, 100, false, err);
    if (rc != FC_OK)
        return rc;
    if (!cases_origin_parse(in->origin, origin))
        return err_set(err, FC_EINVAL, "origin",
                       "must be incident, community_trigger, partner_referral or manual");
    if (*origin == CASES_ORIGIN_INCIDENT && in->origin_id == 0)
        return err_set(err, FC_EINVAL, "origin_id", "names the incident the case comes from");
    if (*origin == CASES_ORIGIN_TRIGGER && in->trigger_applied_at == 0)
        return err_set(err, FC_EINVAL, "trigger_applied_at",
                       "is required for a Community Trigger review");
    enum cases_risk risk;
    if (in->risk_level != NULL && !cases_risk_parse(in->risk_level, &risk))
        return err_set(err, FC_EINVAL, "risk_level", "must be standard, medium or high");
    if (in->review_interval_days != 0)
        return cases_review_interval_check(in->review_interval_days, err);
    return FC_OK;
}

int cases_open(struct store *s, const struct access_viewer *v, const struct cases_open_input *in,
               fc_time_t now, fc_id_t *out, struct fc_err *err)
{
    enum cases_origin origin;
    int rc = open_check(in, &origin, err);
    if (rc != FC_OK)
        return rc;
    if (!access_case_can_open(v))
        return err_set(err, FC_EDENIED, "", "your role cannot open a case for your organisation");
    struct arena a;
    arena_init(&a, 0);
    rc = store_txn_begin(s, err);
    if (rc != FC_OK)
        goto out;
    fc_id_t lead = in->lead_user_id ? in->lead_user_id : v->user_id;
    struct user lu;
    rc = store_user_get(s, lead, &a, &lu, err);
    if (rc == FC_ENOTFOUND || (rc == FC_OK && (lu.org_id != v->org_id || lu.is_disabled)))
        rc = err_set(err, FC_EINVAL, "lead_user_id",
                     "must be an active user of your organisation");
    struct incident inc = { 0 };
    if (rc == FC_OK && origin == CASES_ORIGIN_INCIDENT) {
        rc = store_incident_get(s, in->origin_id, &a, &inc, err);
        if (rc == FC_ENOTFOUND)
            rc = err_set(err, FC_EINVAL, "origin_id", "no such incident");
        else if (rc == FC_OK && inc.org_id != v->org_id)
            rc = err_set(err, FC_EDENIED, "origin_id",
                         "a case can only be opened from your organisation's incident");
    }
    if (rc != FC_OK)
        goto out;
    int interval = in->review_interval_days ? in->review_interval_days : CASES_REVIEW_DEFAULT_DAYS;
    const char *risk = in->risk_level ? in->risk_level
                                      : (inc.risk_level ? inc.risk_level : "standard");
    struct asb_case c = { .title = (char *)in->title,
                          .lead_org_id = v->org_id,
                          .lead_user_id = lead,
                          .status = "open",
                          .origin = (char *)cases_origin_name(origin),
                          .origin_id = in->origin_id,
                          .risk_level = (char *)risk,
                          .area_code = (char *)(in->area_code ? in->area_code : inc.lsoa_code),
                          .area_name = (char *)in->area_name,
                          .sharing_basis = (char *)in->sharing_basis,
                          .sharing_agreement_ref = (char *)in->sharing_agreement_ref,
                          .review_interval_days = interval,
                          .next_review_due = cases_review_next_due(now, interval),
                          .trigger_applied_at = in->trigger_applied_at,
                          .opened_at = now,
                          .opened_by = v->user_id };
    fc_id_t id;
    rc = STORE_CALL(s, case_insert, &c, &id, err);
    if (rc == FC_OK && origin == CASES_ORIGIN_INCIDENT)
        rc = STORE_CALL(s, case_incident_link, id, in->origin_id, v->user_id, now, err);
    if (rc == FC_OK) {
        json_t *body = json_pack("{s:s, s:I, s:s, s:s, s:i}", "origin", c.origin, "origin_id",
                                 (json_int_t)c.origin_id, "risk_level", risk, "sharing_basis",
                                 in->sharing_basis, "review_interval_days", interval);
        char summary[128];
        snprintf(summary, sizeof(summary), "Case opened (%s)", c.origin);
        rc = entry(s, v, id, now, "opened", summary, body, false, err);
    }
    if (rc == FC_OK)
        rc = audit(s, v, AUDIT_COLLECT, "case", id, "case management", "opened", now, err);
    rc = txn_end(s, rc, err);
    if (rc == FC_OK) {
        *out = id;
        log_emit(LOG_INFO, "cases.open", "case=%lld org=%lld origin=%s", (long long)id,
                 (long long)v->org_id, c.origin);
    }
    arena_free(&a);
    return rc;
out:
    store_txn_rollback(s);
    arena_free(&a);
    return rc;
}

/* ---- sharing ---------------------------------------------------------------------- */

int cases_share(struct store *s, const struct access_viewer *v, fc_id_t case_id, fc_id_t org_id,
                const char *level, fc_time_t expires_at, fc_time_t now, struct fc_err *err)
{
    enum access_level lvl;
    if (!access_level_parse(level, &lvl) || !access_share_level_is_grantable(lvl))
        return err_set(err, FC_EINVAL, "level", "must be view, contribute or co_own");
    if (expires_at != 0 && expires_at <= now)
        return err_set(err, FC_EINVAL, "expires_at", "must be in the future");
    struct arena a;
    arena_init(&a, 0);
    struct asb_case c;
    struct organisation o;
    int rc = store_txn_begin(s, err);
    if (rc != FC_OK)
        goto done;
    rc = case_for(s, v, case_id, ACCESS_OP_MANAGE, now, &a, &c, NULL, err);
    if (rc == FC_OK) {
        rc = store_org_get(s, org_id, &a, &o, err);
        if (rc == FC_ENOTFOUND)
            rc = err_set(err, FC_EINVAL, "org_id", "no such organisation");
    }
    if (rc == FC_OK && org_id == c.lead_org_id)
        rc = err_set(err, FC_EINVAL, "org_id", "the lead organisation already owns the case");
    struct case_share *sh = NULL;
    size_t n = 0;
    if (rc == FC_OK)
        rc = STORE_CALL(s, case_share_list, case_id, &a, &sh, &n, err);
    for (size_t i = 0; rc == FC_OK && i < n; i++)
        if (sh[i].org_id == org_id && sh[i].revoked_at == 0)
            rc = STORE_CALL(s, case_share_revoke, sh[i].id, v->user_id, now, err);
    fc_id_t share_id;
    struct case_share ns = { .case_id = case_id,
                             .org_id = org_id,
                             .level = (char *)level,
                             .granted_by = v->user_id,
                             .granted_at = now,
                             .expires_at = expires_at };
    if (rc == FC_OK)
        rc = STORE_CALL(s, case_share_insert, &ns, &share_id, err);
    if (rc == FC_OK) {
        char summary[300];
        snprintf(summary, sizeof(summary), "Shared with %s (%s) under %s", o.name, level,
                 c.sharing_basis);
        json_t *body = json_pack("{s:I, s:s, s:s, s:I}", "org_id", (json_int_t)org_id, "level",
                                 level, "sharing_basis", c.sharing_basis, "expires_at",
                                 (json_int_t)expires_at);
        rc = entry(s, v, case_id, now, "share", summary, body, false, err);
    }
    if (rc == FC_OK)
        rc = audit(s, v, AUDIT_ALTER, "case", case_id, c.sharing_basis, "shared", now, err);
    rc = txn_end(s, rc, err);
done:
    arena_free(&a);
    return rc;
}

int cases_share_revoke(struct store *s, const struct access_viewer *v, fc_id_t case_id,
                       fc_id_t org_id, fc_time_t now, struct fc_err *err)
{
    struct arena a;
    arena_init(&a, 0);
    struct asb_case c;
    int rc = store_txn_begin(s, err);
    if (rc != FC_OK)
        goto done;
    rc = case_for(s, v, case_id, ACCESS_OP_MANAGE, now, &a, &c, NULL, err);
    struct case_share *sh = NULL;
    size_t n = 0, revoked = 0;
    if (rc == FC_OK)
        rc = STORE_CALL(s, case_share_list, case_id, &a, &sh, &n, err);
    for (size_t i = 0; rc == FC_OK && i < n; i++) {
        if (sh[i].org_id == org_id && sh[i].revoked_at == 0) {
            rc = STORE_CALL(s, case_share_revoke, sh[i].id, v->user_id, now, err);
            revoked++;
        }
    }
    if (rc == FC_OK && revoked == 0)
        rc = err_set(err, FC_ENOTFOUND, "org_id", "the case is not shared with it");
    if (rc == FC_OK)
        rc = entry(s, v, case_id, now, "share", "Sharing withdrawn",
                   json_pack("{s:I, s:s}", "org_id", (json_int_t)org_id, "level", "none"), false,
                   err);
    if (rc == FC_OK)
        rc = audit(s, v, AUDIT_ALTER, "case", case_id, "case management", "share revoked", now,
                   err);
    rc = txn_end(s, rc, err);
done:
    arena_free(&a);
    return rc;
}

/* ---- persons, incidents, locations ------------------------------------------------ */

int cases_party_add(struct store *s, const struct access_viewer *v, fc_id_t case_id,
                    fc_id_t person_id, const char *role, double match_probability, fc_time_t now,
                    struct fc_err *err)
{
    if (!cases_party_role_is_valid(role))
        return err_set(err, FC_EINVAL, "role", "must be victim, perpetrator, witness or other");
    if (!(match_probability >= 0 && match_probability <= 1))
        return err_set(err, FC_EINVAL, "match_probability", "must be between 0 and 1");
    struct arena a;
    arena_init(&a, 0);
    struct asb_case c;
    struct person p;
    int rc = store_txn_begin(s, err);
    if (rc != FC_OK)
        goto done;
    rc = case_for(s, v, case_id, ACCESS_OP_CONTRIBUTE, now, &a, &c, NULL, err);
    if (rc == FC_OK) {
        rc = store_person_get(s, person_id, &a, &p, err);
        if (rc == FC_ENOTFOUND)
            rc = err_set(err, FC_EINVAL, "person_id", "no such person");
    }
    fc_id_t pid;
    struct case_party party = { .case_id = case_id,
                                .person_id = person_id,
                                .role = (char *)role,
                                .match_probability = match_probability,
                                .added_by = v->user_id,
                                .added_at = now };
    if (rc == FC_OK)
        rc = STORE_CALL(s, case_party_insert, &party, &pid, err);
    if (rc == FC_ECONFLICT)
        err_set(err, FC_ECONFLICT, "person_id", "already on the case in that role");
    if (rc == FC_OK) {
        char summary[96];
        snprintf(summary, sizeof(summary), "Person %lld added as %s", (long long)person_id, role);
        rc = entry(s, v, case_id, now, "party", summary,
                   json_pack("{s:I, s:s, s:f}", "person_id", (json_int_t)person_id, "role", role,
                             "match_probability", match_probability),
                   false, err);
    }
    if (rc == FC_OK)
        rc = audit(s, v, AUDIT_COMBINE, "person", person_id, "case management", "added to case",
                   now, err);
    rc = txn_end(s, rc, err);
done:
    arena_free(&a);
    return rc;
}

int cases_incident_link(struct store *s, const struct access_viewer *v, fc_id_t case_id,
                        fc_id_t incident_id, fc_time_t now, struct fc_err *err)
{
    struct arena a;
    arena_init(&a, 0);
    struct asb_case c;
    int rc = store_txn_begin(s, err);
    if (rc != FC_OK)
        goto done;
    rc = case_for(s, v, case_id, ACCESS_OP_CONTRIBUTE, now, &a, &c, NULL, err);
    bool is_visible = false;
    enum access_level via;
    if (rc == FC_OK)
        rc = cases_incident_visible(s, v, incident_id, now, &a, &is_visible, &via, err);
    if (rc == FC_ENOTFOUND || (rc == FC_OK && !is_visible))
        rc = err_set(err, FC_EINVAL, "incident_id", "no such incident");
    if (rc == FC_OK)
        rc = STORE_CALL(s, case_incident_link, case_id, incident_id, v->user_id, now, err);
    if (rc == FC_ECONFLICT)
        err_set(err, FC_ECONFLICT, "incident_id", "already linked to the case");
    struct incident inc;
    if (rc == FC_OK)
        rc = store_incident_get(s, incident_id, &a, &inc, err);
    if (rc == FC_OK) {
        char summary[96];
        snprintf(summary, sizeof(summary), "Incident %lld linked", (long long)incident_id);
        rc = entry(s, v, case_id, now, "incident", summary,
                   json_pack("{s:I}", "incident_id", (json_int_t)incident_id),
                   inc.is_police_only, err);
    }
    rc = txn_end(s, rc, err);
done:
    arena_free(&a);
    return rc;
}

int cases_location_add(struct store *s, const struct access_viewer *v, fc_id_t case_id,
                       const struct case_location *l, fc_time_t now, struct fc_err *err)
{
    int rc = text_check("raw", l->raw, 300, true, err);
    if (rc != FC_OK)
        return rc;
    struct arena a;
    arena_init(&a, 0);
    struct asb_case c;
    rc = store_txn_begin(s, err);
    if (rc != FC_OK)
        goto done;
    rc = case_for(s, v, case_id, ACCESS_OP_CONTRIBUTE, now, &a, &c, NULL, err);
    struct case_location row = *l;
    row.case_id = case_id;
    row.added_by = v->user_id;
    row.added_at = now;
    fc_id_t id;
    if (rc == FC_OK)
        rc = STORE_CALL(s, case_location_insert, &row, &id, err);
    if (rc == FC_OK)
        rc = entry(s, v, case_id, now, "location", "Location added",
                   json_pack("{s:I, s:s?}", "location_id", (json_int_t)id, "postcode",
                             l->postcode),
                   false, err);
    rc = txn_end(s, rc, err);
done:
    arena_free(&a);
    return rc;
}

/* ---- assessment ------------------------------------------------------------------- */

int cases_assess(struct store *s, const struct access_viewer *v, fc_id_t case_id,
                 const struct cases_assessment_input *in, fc_time_t now, struct fc_err *err)
{
    enum cases_risk to, from;
    if (!cases_risk_parse(in->risk_level, &to))
        return err_set(err, FC_EINVAL, "risk_level", "must be standard, medium or high");
    int rc = text_check("harm", in->harm, TEXT_MAX, false, err);
    if (rc == FC_OK)
        rc = text_check("reason", in->reason, TEXT_MAX, false, err);
    for (size_t i = 0; rc == FC_OK && i < in->n_vulnerabilities; i++)
        rc = text_check("vulnerabilities", in->vulnerabilities[i], 100, true, err);
    if (rc != FC_OK)
        return rc;
    struct arena a;
    arena_init(&a, 0);
    struct asb_case c;
    rc = store_txn_begin(s, err);
    if (rc != FC_OK)
        goto done;
    rc = case_for(s, v, case_id, ACCESS_OP_CONTRIBUTE, now, &a, &c, NULL, err);
    if (rc == FC_OK) {
        if (!cases_risk_parse(c.risk_level, &from))
            from = CASES_RISK_STANDARD;
        rc = cases_risk_change_check(from, to, v->role, in->reason, err);
    }
    if (rc == FC_OK && to != from) {
        c.risk_level = (char *)cases_risk_name(to);
        rc = STORE_CALL(s, case_update, &c, err);
    }
    if (rc == FC_OK) {
        json_t *vul = json_array();
        for (size_t i = 0; i < in->n_vulnerabilities; i++)
            json_array_append_new(vul, json_string(in->vulnerabilities[i]));
        json_t *body = json_pack("{s:s, s:s, s:o, s:s?, s:s?}", "from", cases_risk_name(from),
                                 "risk_level", cases_risk_name(to), "vulnerabilities", vul, "harm",
                                 in->harm, "reason", in->reason);
        char summary[96];
        snprintf(summary, sizeof(summary), "Case assessment: risk %s (was %s)",
                 cases_risk_name(to), cases_risk_name(from));
        rc = entry(s, v, case_id, now, "assessment", summary, body, false, err);
    }
    if (rc == FC_OK)
        rc = audit(s, v, AUDIT_ALTER, "case", case_id, "case management", "assessed", now, err);
    rc = txn_end(s, rc, err);
done:
    arena_free(&a);
    return rc;
}

/* ---- action plan ------------------------------------------------------------------ */

int cases_action_add(struct store *s, const struct access_viewer *v, fc_id_t case_id,
                     const struct cases_action_input *in, fc_time_t now, fc_id_t *out,
                     struct fc_err *err)
{
    const struct cases_intervention_info *info = cases_catalogue_find(in->intervention);
    if (info == NULL)
        return err_set(err, FC_EINVAL, "intervention", "is not in the catalogue");
    struct arena a;
    arena_init(&a, 0);
    struct asb_case c;
    int rc = store_txn_begin(s, err);
    if (rc != FC_OK)
        goto done;
    rc = case_for(s, v, case_id, ACCESS_OP_CONTRIBUTE, now, &a, &c, NULL, err);
    fc_id_t owner = in->owner_user_id ? in->owner_user_id : v->user_id;
    struct user ou;
    struct organisation oo;
    if (rc == FC_OK) {
        rc = store_user_get(s, owner, &a, &ou, err);
        if (rc == FC_ENOTFOUND)
            rc = err_set(err, FC_EINVAL, "owner_user_id", "no such user");
    }
    fc_id_t owner_org = in->owner_org_id ? in->owner_org_id : (rc == FC_OK ? ou.org_id : 0);
    if (rc == FC_OK && owner_org != ou.org_id)
        rc = err_set(err, FC_EINVAL, "owner_org_id", "must be the owner's organisation");
    if (rc == FC_OK)
        rc = store_org_get(s, owner_org, &a, &oo, err);
    /* the owner's organisation must be the lead or hold a contribute share */
    if (rc == FC_OK) {
        struct access_viewer ov = { .user_id = ou.id, .org_id = ou.org_id, .org_kind = oo.kind,
                                    .role = ou.role };
        enum access_level ol;
        struct asb_case tmp;
        rc = cases_level(s, &ov, case_id, now, &a, &tmp, &ol, err);
        if (rc == FC_OK && !access_case_can(&ov, ol, ACCESS_OP_CONTRIBUTE))
            rc = err_set(err, FC_EINVAL, "owner_user_id",
                         "the owner's organisation must be able to contribute to the case");
    }
    struct case_action *existing = NULL;
    size_t n = 0;
    struct case_action_query q = { .case_id = case_id, .now = now };
    if (rc == FC_OK)
        rc = STORE_CALL(s, case_action_search, &q, &a, &existing, &n, err);
    fc_time_t due = 0;
    if (rc == FC_OK) {
        struct cases_action_brief *briefs = arena_alloc(&a, (n + 1) * sizeof(*briefs));
        for (size_t i = 0; briefs != NULL && i < n; i++) {
            const struct cases_intervention_info *ei =
                cases_catalogue_find(existing[i].intervention);
            enum cases_action_status st = CASES_ACTION_PLANNED;
            cases_action_status_parse(existing[i].status, &st);
            briefs[i] = (struct cases_action_brief){ .intervention = ei ? ei->id : CASES_IV_FREE,
                                                     .status = st,
                                                     .subject_person_id =
                                                         existing[i].subject_person_id };
        }
        struct cases_action_check_input ci = { .intervention = info->id,
                                               .title = in->title,
                                               .owner_org_kind = oo.kind,
                                               .subject_person_id = in->subject_person_id,
                                               .subject_age_years = in->subject_age_years,
                                               .due_at = in->due_at,
                                               .now = now };
        rc = briefs ? cases_action_check(&ci, briefs, n, &due, err)
                    : err_set(err, FC_ENOMEM, "", "out of memory");
    }
    struct case_action x = { .case_id = case_id,
                             .intervention = (char *)info->code,
                             .title = (char *)(in->title && in->title[0] ? in->title : info->label),
                             .owner_user_id = owner,
                             .owner_org_id = owner_org,
                             .subject_person_id = in->subject_person_id,
                             .due_at = due,
                             .status = "planned",
                             .created_by = v->user_id,
                             .created_at = now };
    fc_id_t id = 0;
    if (rc == FC_OK)
        rc = STORE_CALL(s, case_action_insert, &x, &id, err);
    if (rc == FC_OK) {
        char summary[300];
        snprintf(summary, sizeof(summary), "Action planned: %s (%s)", x.title, oo.name);
        rc = entry(s, v, case_id, now, "action", summary,
                   json_pack("{s:I, s:s, s:s, s:I, s:I, s:I, s:s}", "action_id", (json_int_t)id,
                             "intervention", info->code, "title", x.title, "owner_user_id",
                             (json_int_t)owner, "owner_org_id", (json_int_t)owner_org, "due_at",
                             (json_int_t)due, "status", "planned"),
                   false, err);
    }
    rc = txn_end(s, rc, err);
    if (rc == FC_OK && out)
        *out = id;
done:
    arena_free(&a);
    return rc;
}

int cases_action_set_status(struct store *s, const struct access_viewer *v, fc_id_t action_id,
                            const char *status, const char *outcome, fc_time_t now,
                            struct fc_err *err)
{
    enum cases_action_status to, from;
    if (!cases_action_status_parse(status, &to))
        return err_set(err, FC_EINVAL, "status",
                       "must be planned, in_progress, done or cancelled");
    int rc = text_check("outcome", outcome, TEXT_MAX, to == CASES_ACTION_CANCELLED, err);
    if (rc != FC_OK)
        return rc;
    struct arena a;
    arena_init(&a, 0);
    struct asb_case c;
    struct case_action x;
    rc = store_txn_begin(s, err);
    if (rc != FC_OK)
        goto done;
    rc = STORE_CALL(s, case_action_get, action_id, &a, &x, err);
    if (rc == FC_OK)
        rc = case_for(s, v, x.case_id, ACCESS_OP_CONTRIBUTE, now, &a, &c, NULL, err);
    if (rc == FC_OK && !cases_action_status_parse(x.status, &from))
        from = CASES_ACTION_PLANNED;
    if (rc == FC_OK && !cases_action_transition_ok(from, to))
        rc = err_set(err, FC_ECONFLICT, "status", "an action cannot move from %s to %s",
                     cases_action_status_name(from), status);
    if (rc == FC_OK) {
        x.status = (char *)cases_action_status_name(to);
        x.outcome = (char *)(outcome ? outcome : x.outcome);
        x.updated_at = now;
        x.completed_at = (to == CASES_ACTION_DONE || to == CASES_ACTION_CANCELLED) ? now : 0;
        rc = STORE_CALL(s, case_action_update, &x, err);
    }
    if (rc == FC_OK) {
        char summary[300];
        snprintf(summary, sizeof(summary), "Action %s: %s", cases_action_status_name(to),
                 x.title);
        rc = entry(s, v, x.case_id, now, "action", summary,
                   json_pack("{s:I, s:s, s:s, s:s?}", "action_id", (json_int_t)action_id, "from",
                             cases_action_status_name(from), "status", x.status, "outcome",
                             outcome),
                   false, err);
    }
    rc = txn_end(s, rc, err);
done:
    arena_free(&a);
    return rc;
}

/* ---- reviews ---------------------------------------------------------------------- */

int cases_review_record(struct store *s, const struct access_viewer *v, fc_id_t case_id,
                        const char *summary, fc_time_t now, struct fc_err *err)
{
    int rc = text_check("summary", summary, TEXT_MAX, true, err);
    if (rc != FC_OK)
        return rc;
    struct arena a;
    arena_init(&a, 0);
    struct asb_case c;
    rc = store_txn_begin(s, err);
    if (rc != FC_OK)
        goto done;
    rc = case_for(s, v, case_id, ACCESS_OP_CONTRIBUTE, now, &a, &c, NULL, err);
    fc_time_t next = cases_review_next_due(now, c.review_interval_days);
    struct case_review r = { .case_id = case_id,
                             .due_at = c.next_review_due,
                             .held_at = now,
                             .held_by = v->user_id,
                             .summary = (char *)summary,
                             .next_due_at = next };
    fc_id_t rid;
    if (rc == FC_OK)
        rc = STORE_CALL(s, case_review_insert, &r, &rid, err);
    fc_time_t was_due = c.next_review_due;
    if (rc == FC_OK) {
        c.next_review_due = next;
        rc = STORE_CALL(s, case_update, &c, err);
    }
    if (rc == FC_OK)
        rc = entry(s, v, case_id, now, "review", "Case review held",
                   json_pack("{s:I, s:I, s:s, s:b}", "due_at", (json_int_t)was_due, "next_due_at",
                             (json_int_t)next, "summary", summary, "was_overdue",
                             now > was_due),
                   false, err);
    rc = txn_end(s, rc, err);
done:
    arena_free(&a);
    return rc;
}

static int escalate_one(struct store *s, struct asb_case *c, fc_time_t now, struct arena *a,
                        bool *escalated, struct fc_err *err)
{
    *escalated = false;
    fc_time_t last = 0;
    int rc = STORE_CALL(s, case_escalation_last, c->id, &last, err);
    if (rc != FC_OK)
        return rc;
    if (!cases_review_needs_escalation(strcmp(c->status, "open") == 0, c->next_review_due, now,
                                       last >= c->next_review_due ? c->next_review_due : 0))
        return FC_OK;
    struct user lead;
    struct user *users = NULL;
    size_t n = 0;
    rc = store_user_get(s, c->lead_user_id, a, &lead, err);
    if (rc == FC_OK)
        rc = store_user_list(s, a, &users, &n, err);
    if (rc != FC_OK)
        return rc;
    struct cases_staff *staff = arena_alloc(a, (n + 1) * sizeof(*staff));
    if (staff == NULL)
        return err_set(err, FC_ENOMEM, "", "out of memory escalating");
    for (size_t i = 0; i < n; i++)
        staff[i] = (struct cases_staff){ users[i].id, users[i].org_id, users[i].role,
                                         users[i].team, users[i].is_disabled };
    struct cases_staff ls = { lead.id, lead.org_id, lead.role, lead.team, lead.is_disabled };
    fc_id_t to = cases_supervisor_pick(&ls, staff, n);
    struct case_escalation e = { .case_id = c->id,
                                 .due_at = c->next_review_due,
                                 .escalated_to = to,
                                 .escalated_at = now };
    rc = STORE_CALL(s, case_escalation_insert, &e, err);
    if (rc != FC_OK)
        return rc;
    long long days_over = (long long)((now - c->next_review_due) / CASES_DAY_S);
    char summary[160];
    snprintf(summary, sizeof(summary), "Review overdue by %lld day(s): escalated to %s", days_over,
             to ? "the lead officer's supervisor" : "no supervisor found");
    rc = entry(s, NULL, c->id, now, "escalation", summary,
               json_pack("{s:I, s:I, s:I}", "due_at", (json_int_t)c->next_review_due,
                         "escalated_to", (json_int_t)to, "lead_user_id",
                         (json_int_t)c->lead_user_id),
               false, err);
    if (rc == FC_OK)
        rc = audit(s, NULL, AUDIT_ALTER, "case", c->id, "review escalation",
                   "overdue review escalated", now, err);
    *escalated = rc == FC_OK;
    return rc;
}

int cases_review_escalate_due(struct store *s, fc_time_t now, size_t *out_n, struct fc_err *err)
{
    struct arena a;
    arena_init(&a, 0);
    struct asb_case *cs = NULL;
    size_t n = 0, done = 0;
    struct case_query q = { .status = "open", .review_due_before = now, .now = now,
                            .limit = 10000 };
    int rc = STORE_CALL(s, case_search, &q, &a, &cs, &n, err);
    for (size_t i = 0; rc == FC_OK && i < n; i++) {
        rc = store_txn_begin(s, err);
        if (rc != FC_OK)
            break;
        bool escalated = false;
        rc = escalate_one(s, &cs[i], now, &a, &escalated, err);
        rc = txn_end(s, rc, err);
        if (rc == FC_OK && escalated) {
            done++;
            log_emit(LOG_INFO, "cases.review_escalated", "case=%lld", (long long)cs[i].id);
        }
    }
    arena_free(&a);
    if (out_n)
        *out_n = done;
    return rc;
}

/* ---- conferences, contacts, notes, trigger steps ---------------------------------- */

static json_t *string_array(const char *const *v, size_t n)
{
    json_t *arr = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(arr, json_string(v[i]));
    return arr;
}

int cases_conference_record(struct store *s, const struct access_viewer *v, fc_id_t case_id,
                            const struct cases_conference_input *in, fc_time_t now,
                            struct fc_err *err)
{
    const char *kind = in->kind ? in->kind : "case_conference";
    if (strcmp(kind, "asbrac") != 0 && strcmp(kind, "jag") != 0 &&
        strcmp(kind, "case_conference") != 0)
        return err_set(err, FC_EINVAL, "kind", "must be asbrac, jag or case_conference");
    if (in->n_attendees == 0)
        return err_set(err, FC_EINVAL, "attendees", "name at least one attendee");
    if (in->held_at == 0 || in->held_at > now + CASES_DAY_S)
        return err_set(err, FC_EINVAL, "held_at", "is required and not in the future");
    int rc = text_check("minutes", in->minutes, 20000, true, err);
    for (size_t i = 0; rc == FC_OK && i < in->n_attendees; i++)
        rc = text_check("attendees", in->attendees[i], 200, true, err);
    for (size_t i = 0; rc == FC_OK && i < in->n_decisions; i++)
        rc = text_check("decisions", in->decisions[i], 1000, true, err);
    if (rc != FC_OK)
        return rc;
    struct arena a;
    arena_init(&a, 0);
    struct asb_case c;
    rc = store_txn_begin(s, err);
    if (rc != FC_OK)
        goto done;
    rc = case_for(s, v, case_id, ACCESS_OP_CONTRIBUTE, now, &a, &c, NULL, err);
    if (rc == FC_OK) {
        char summary[120];
        snprintf(summary, sizeof(summary), "%s held: %zu attendee(s), %zu decision(s)",
                 strcmp(kind, "asbrac") == 0 ? "ASBRAC"
                 : strcmp(kind, "jag") == 0  ? "JAG"
                                             : "Case conference",
                 in->n_attendees, in->n_decisions);
        rc = entry(s, v, case_id, now, "conference", summary,
                   json_pack("{s:s, s:I, s:o, s:o, s:s}", "kind", kind, "held_at",
                             (json_int_t)in->held_at, "attendees",
                             string_array(in->attendees, in->n_attendees), "decisions",
                             string_array(in->decisions, in->n_decisions), "minutes",
                             in->minutes),
                   false, err);
    }
    rc = txn_end(s, rc, err);
done:
    arena_free(&a);
    return rc;
}

int cases_contact_log(struct store *s, const struct access_viewer *v, fc_id_t case_id,
                      fc_id_t person_id, const char *channel, const char *summary,
                      bool is_police_only, fc_time_t now, struct fc_err *err)
{
    static const char *const channels[] = { "phone", "visit", "email", "letter", "text" };
    bool is_known = false;
    for (size_t i = 0; channel != NULL && i < 5; i++)
        is_known = is_known || strcmp(channel, channels[i]) == 0;
    if (!is_known)
        return err_set(err, FC_EINVAL, "channel", "must be phone, visit, email, letter or text");
    int rc = text_check("summary", summary, TEXT_MAX, true, err);
    if (rc != FC_OK)
        return rc;
    if (is_police_only && !access_org_is_police(v->org_kind))
        return err_set(err, FC_EINVAL, "is_police_only", "only the police mark police-only");
    struct arena a;
    arena_init(&a, 0);
    struct asb_case c;
    rc = store_txn_begin(s, err);
    if (rc != FC_OK)
        goto done;
    rc = case_for(s, v, case_id, ACCESS_OP_CONTRIBUTE, now, &a, &c, NULL, err);
    struct case_party *ps = NULL;
    size_t n = 0;
    if (rc == FC_OK && person_id != 0) {
        rc = STORE_CALL(s, case_party_list, case_id, &a, &ps, &n, err);
        bool is_party = false;
        for (size_t i = 0; i < n; i++)
            is_party = is_party || ps[i].person_id == person_id;
        if (rc == FC_OK && !is_party)
            rc = err_set(err, FC_EINVAL, "person_id", "is not a person on this case");
    }
    if (rc == FC_OK) {
        char line[96];
        snprintf(line, sizeof(line), "Victim contact by %s", channel);
        rc = entry(s, v, case_id, now, "contact", line,
                   json_pack("{s:I, s:s, s:s}", "person_id", (json_int_t)person_id, "channel",
                             channel, "summary", summary),
                   is_police_only, err);
    }
    rc = txn_end(s, rc, err);
done:
    arena_free(&a);
    return rc;
}

int cases_note_add(struct store *s, const struct access_viewer *v, fc_id_t case_id,
                   const char *text, bool is_police_only, fc_time_t now, struct fc_err *err)
{
    int rc = text_check("text", text, TEXT_MAX, true, err);
    if (rc != FC_OK)
        return rc;
    if (is_police_only && !access_org_is_police(v->org_kind))
        return err_set(err, FC_EINVAL, "is_police_only", "only the police mark police-only");
    struct arena a;
    arena_init(&a, 0);
    struct asb_case c;
    rc = store_txn_begin(s, err);
    if (rc != FC_OK)
        goto done;
    rc = case_for(s, v, case_id, ACCESS_OP_CONTRIBUTE, now, &a, &c, NULL, err);
    if (rc == FC_OK)
        rc = entry(s, v, case_id, now, "note", is_police_only ? "Police note" : "Note",
                   json_pack("{s:s}", "text", text), is_police_only, err);
    rc = txn_end(s, rc, err);
done:
    arena_free(&a);
    return rc;
}

int cases_trigger_step_done(struct store *s, const struct access_viewer *v, fc_id_t case_id,
                            const char *step, fc_time_t done_at, fc_time_t now,
                            struct fc_err *err)
{
    struct trigger_config cfg;
    int rc = trigger_config_load("trigger/v1", &cfg, err);
    if (rc != FC_OK)
        return rc;
    if (step == NULL || trigger_step_index(&cfg, step) < 0)
        return err_set(err, FC_EINVAL, "step", "is not a Community Trigger step");
    if (done_at == 0)
        done_at = now;
    if (done_at > now)
        return err_set(err, FC_EINVAL, "done_at", "must not be in the future");
    struct arena a;
    arena_init(&a, 0);
    struct asb_case c;
    rc = store_txn_begin(s, err);
    if (rc != FC_OK)
        goto done;
    rc = case_for(s, v, case_id, ACCESS_OP_MANAGE, now, &a, &c, NULL, err);
    if (rc == FC_OK && strcmp(c.origin, "community_trigger") != 0)
        rc = err_set(err, FC_EINVAL, "case_id", "is not a Community Trigger review");
    if (rc == FC_OK) {
        char summary[96];
        snprintf(summary, sizeof(summary), "Community Trigger step done: %s", step);
        rc = entry(s, v, case_id, now, "trigger", summary,
                   json_pack("{s:s, s:I}", "step", step, "done_at", (json_int_t)done_at), false,
                   err);
    }
    rc = txn_end(s, rc, err);
done:
    arena_free(&a);
    return rc;
}

/* ---- closure ---------------------------------------------------------------------- */

int cases_close(struct store *s, const struct access_viewer *v, fc_id_t case_id,
                const char *outcome, const char *reason, fc_time_t now, struct fc_err *err)
{
    int rc = cases_closure_check(outcome, reason, err);
    if (rc != FC_OK)
        return rc;
    struct arena a;
    arena_init(&a, 0);
    struct asb_case c;
    rc = store_txn_begin(s, err);
    if (rc != FC_OK)
        goto done;
    rc = case_for(s, v, case_id, ACCESS_OP_MANAGE, now, &a, &c, NULL, err);
    if (rc == FC_OK && strcmp(c.status, "open") != 0)
        rc = err_set(err, FC_ECONFLICT, "case_id", "case is already closed");
    if (rc == FC_OK) {
        c.status = "closed";
        c.closed_at = now;
        c.closure_outcome = (char *)outcome;
        c.closure_reason = (char *)reason;
        c.next_review_due = 0;
        rc = STORE_CALL(s, case_update, &c, err);
    }
    /* Victims are surveyed about the case through its latest incident (DESIGN section 9). */
    struct case_party *ps = NULL;
    fc_id_t *incs = NULL;
    size_t np = 0, ni = 0, queued = 0;
    if (rc == FC_OK)
        rc = STORE_CALL(s, case_party_list, case_id, &a, &ps, &np, err);
    if (rc == FC_OK)
        rc = STORE_CALL(s, case_incident_list, case_id, &a, &incs, &ni, err);
    for (size_t i = 0; rc == FC_OK && ni > 0 && i < np; i++) {
        if (strcmp(ps[i].role, "victim") != 0)
            continue;
        rc = STORE_CALL(s, case_survey_queue, case_id, incs[ni - 1], ps[i].person_id, now, err);
        queued++;
    }
    if (rc == FC_OK) {
        char summary[160];
        snprintf(summary, sizeof(summary), "Case closed: %s; %zu victim(s) queued for the survey",
                 outcome, queued);
        rc = entry(s, v, case_id, now, "closed", summary,
                   json_pack("{s:s, s:s, s:i}", "outcome", outcome, "reason", reason,
                             "survey_queued", (int)queued),
                   false, err);
    }
    if (rc == FC_OK)
        rc = audit(s, v, AUDIT_ALTER, "case", case_id, "case management", "closed", now, err);
    rc = txn_end(s, rc, err);
done:
    arena_free(&a);
    return rc;
}
