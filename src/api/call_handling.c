/* api/call_handling.c: what the call-handling handlers share, and the contact labels. */
#include "api/call_handling.h"

#include <string.h>

#include "api/api.h"
#include "domain/access/access.h"
#include "domain/intake/intake.h"

int api_ch_rules(struct http_req *req, const struct intake_rules **out)
{
    *out = intake_rules_shared(&req->err);
    if (*out == NULL)
        return err_set(&req->err, FC_EINTERNAL, "", "call-handling rules are not loaded");
    return FC_OK;
}

void api_ch_actor(const struct http_req *req, struct intake_actor *out)
{
    out->user_id = req->auth.user.id;
    out->role = req->auth.user.role;
    out->now = req->now;
}

int api_ch_incident_check(struct http_req *req, fc_id_t id)
{
    struct incident inc;
    struct fc_err e = { 0 };
    int rc = store_incident_get(req->app->store, id, req->arena, &inc, &e);
    if (rc != FC_OK)
        return api_store_failed(req, rc, &e);
    struct access_viewer v = api_viewer(req);
    /* an incident the organisation may not see does not exist for it */
    if (!access_incident_visible(&v, inc.org_id, inc.is_police_only, ACCESS_NONE) &&
        !access_incident_visible(&v, inc.org_id, inc.is_police_only,
                                 api_break_glass_level(req, "incident", id)))
        return err_set(&req->err, FC_ENOTFOUND, "id", "no such incident");
    return FC_OK;
}

int api_ch_incident(struct http_req *req, const char *param, fc_id_t *out)
{
    int rc = http_req_param_id(req, param, out);
    return rc == FC_OK ? api_ch_incident_check(req, *out) : rc;
}

static json_t *labels_json(struct http_req *req, const struct contact_labels_rec *l)
{
    json_t *flags = json_loads(l->flags_shown ? l->flags_shown : "[]", 0, NULL);
    return json_pack("{s:I, s:s, s:i, s:i, s:b, s:b, s:b, s:i, s:i, s:b, s:i, s:b, s:i, s:b, "
                     "s:s, s:o, s:{s:i, s:b, s:b}, s:s?}",
                     "contact_id", (json_int_t)l->contact_id, "version", l->version,
                     "prior_calls_12m", l->prior_calls_12m, "prior_calls_ever",
                     l->prior_calls_ever, "is_repeat_victim", l->is_repeat_victim,
                     "is_persistent", l->is_persistent, "is_high_volume", l->is_high_volume,
                     "victim_incidents_12m", l->victim_incidents_12m, "location_incidents_12m",
                     l->location_incidents_12m, "is_repeat_location", l->is_repeat_location,
                     "suspect_incidents_max", l->suspect_incidents_max,
                     "is_repeat_perpetrator", l->is_repeat_perpetrator, "flags_in_force",
                     l->flags_in_force, "is_vulnerable", l->is_vulnerable, "vulnerable_basis",
                     l->vulnerable_basis ? l->vulnerable_basis : "", "flags_shown",
                     flags ? flags : json_array(), "community_trigger", "count",
                     l->trigger_count, "should_prompt", l->trigger_prompted, "is_eligible",
                     l->trigger_eligible, "shown_at", api_time(req, l->shown_at));
}

/* GET /api/v1/contacts/{id}/labels: what the handler is (or was) shown about the caller. */
int api_labels_get(struct http_req *req, struct http_resp *resp)
{
    const struct intake_rules *r;
    struct intake_actor who;
    struct contact c;
    struct contact_labels_rec l;
    fc_id_t id;
    struct fc_err e = { 0 };
    int rc = api_ch_rules(req, &r);
    if (rc == FC_OK)
        rc = http_req_param_id(req, "id", &id);
    if (rc != FC_OK)
        return rc;
    rc = store_contact_get(req->app->store, id, req->arena, &c, &e);
    if (rc != FC_OK)
        return api_store_failed(req, rc, &e);
    if (c.org_id != req->auth.user.org_id && !access_org_is_police(req->auth.org.kind))
        return err_set(&req->err, FC_ENOTFOUND, "id", "no such contact");
    api_ch_actor(req, &who);
    rc = intake_contact_labels(req->app->store, r, &who, id, false, req->arena, &l, &e);
    if (rc != FC_OK)
        return api_store_failed(req, rc, &e);
    if (c.caller_person_id != 0) {
        rc = api_audit(req, AUDIT_CONSULT, "person", c.caller_person_id, "first contact",
                       "repeat and vulnerable labels");
        if (rc != FC_OK)
            return rc;
    }
    return http_resp_json(req, resp, 200, labels_json(req, &l));
}
