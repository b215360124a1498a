/* intake/intake.c: see intake.h. */
#include "domain/intake/intake.h"

#include <jansson.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/geo/geo.h"
#include "domain/match/match.h"
#include "domain/match/norm.h"
#include "util/log.h"
#include "util/timeutil.h"

#define DAY_S 86400L

/* ---- small helpers ---- */

static int audit(struct store *s, const struct intake_actor *who, enum audit_action action,
                 const char *object_type, fc_id_t object_id, const char *purpose,
                 struct fc_err *err, const char *fmt, ...) __attribute__((format(printf, 8, 9)));

static int audit(struct store *s, const struct intake_actor *who, enum audit_action action,
                 const char *object_type, fc_id_t object_id, const char *purpose,
                 struct fc_err *err, const char *fmt, ...)
{
    char detail[200];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(detail, sizeof(detail), fmt, ap);
    va_end(ap);
    struct audit_event ev = { .at = who->now,
                              .actor_user_id = who->user_id,
                              .action = action,
                              .object_type = (char *)object_type,
                              .object_id = object_id,
                              .purpose = (char *)purpose,
                              .detail = detail };
    return store_audit_append(s, &ev, err);
}

static bool blank(const char *s)
{
    return s == NULL || s[strspn(s, " \t\r\n")] == '\0';
}

static char *json_to_arena(struct arena *a, json_t *j)
{
    char *text = json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS);
    json_decref(j);
    if (text == NULL)
        return NULL;
    char *copy = arena_strdup(a, text);
    free(text);
    return copy;
}

static char *answers_json(struct arena *a, const struct risk_answers *ans)
{
    json_t *o = json_object();
    for (size_t i = 0; ans != NULL && i < ans->n; i++)
        json_object_set_new(o, ans->a[i].id, json_string(ans->a[i].value));
    return json_to_arena(a, o);
}

static json_t *actions_json(unsigned actions)
{
    json_t *arr = json_array();
    for (unsigned bit = 1; bit != 0 && bit <= RISK_ACT_GRADE_PRIORITY; bit <<= 1)
        if (actions & bit)
            json_array_append_new(arr, json_string(risk_action_name(bit)));
    return arr;
}

static char *escalations_json(struct arena *a, const struct risk_result *r)
{
    json_t *arr = json_array();
    for (size_t i = 0; i < r->n_fired; i++) {
        json_t *o = json_object();
        json_object_set_new(o, "id", json_string(r->fired[i].id));
        json_object_set_new(o, "floor", json_string(risk_level_name(r->fired[i].floor)));
        json_object_set_new(o, "actions", actions_json(r->fired[i].actions));
        json_array_append_new(arr, o);
    }
    return json_to_arena(a, arr);
}

static unsigned action_bit(const char *name)
{
    for (unsigned bit = 1; bit != 0 && bit <= RISK_ACT_GRADE_PRIORITY; bit <<= 1)
        if (name != NULL && strcmp(risk_action_name(bit), name) == 0)
            return bit;
    return 0;
}

/* The floor and actions an assessment's stored escalations set. */
static void escalations_parse(const char *text, enum risk_level *floor, unsigned *actions)
{
    *floor = RISK_STANDARD;
    *actions = 0;
    json_t *arr = text ? json_loads(text, 0, NULL) : NULL;
    size_t i;
    json_t *e;
    json_array_foreach(arr, i, e)
    {
        enum risk_level l;
        if (risk_level_parse(json_string_value(json_object_get(e, "floor")), &l) && l > *floor)
            *floor = l;
        size_t k;
        json_t *act;
        json_array_foreach(json_object_get(e, "actions"), k, act)
            *actions |= action_bit(json_string_value(act));
    }
    json_decref(arr);
}

static bool may_screen(enum user_role role)
{
    return role == ROLE_CALL_HANDLER || role == ROLE_OFFICER || role == ROLE_SUPERVISOR ||
           role == ROLE_PARTNER_OFFICER;
}

static bool may_assess(enum user_role role)
{
    return role == ROLE_OFFICER || role == ROLE_SUPERVISOR || role == ROLE_PARTNER_OFFICER;
}

const char *intake_team_for(const struct intake_rules *r, const struct incident *inc)
{
    const struct team_area *t = teams_map_lookup(&r->teams, inc->lsoa_code);
    return t != NULL ? t->team_id : r->tasks.default_team;
}

int intake_teams_sync(struct store *s, const struct intake_rules *r, struct fc_err *err)
{
    size_t n = r->teams.n + 1;
    const char **lsoa = calloc(n, sizeof(*lsoa)), **id = calloc(n, sizeof(*id));
    const char **name = calloc(n, sizeof(*name)), **district = calloc(n, sizeof(*district));
    int rc = FC_OK;
    if (lsoa == NULL || id == NULL || name == NULL || district == NULL) {
        rc = err_set(err, FC_ENOMEM, "", "out of memory syncing teams");
        goto out;
    }
    for (size_t i = 0; i < r->teams.n; i++) {
        lsoa[i] = r->teams.areas[i].lsoa_code;
        id[i] = r->teams.areas[i].team_id;
        name[i] = r->teams.areas[i].team_name;
        district[i] = r->teams.areas[i].district;
    }
    /* the default team owns locations outside every mapped area; "-" is no LSOA code */
    lsoa[n - 1] = "-";
    id[n - 1] = r->tasks.default_team;
    name[n - 1] = "Force control room";
    district[n - 1] = NULL;
    rc = store_team_area_replace(s, r->teams.version, lsoa, id, name, district, n, err);
out:
    free(lsoa);
    free(id);
    free(name);
    free(district);
    return rc;
}

static int newest_contact(struct store *s, fc_id_t incident_id, struct arena *a,
                          struct contact *out, struct fc_err *err)
{
    struct contact_query q = { .incident_id = incident_id, .limit = 1 };
    struct contact *cs = NULL;
    size_t n = 0;
    int rc = store_contact_search(s, &q, a, &cs, &n, err);
    if (rc != FC_OK)
        return rc;
    if (n == 0)
        return err_set(err, FC_ENOTFOUND, "incident_id", "incident has no contact");
    *out = cs[0];
    return FC_OK;
}

/* ---- labels ---- */

static int place_history(struct store *s, const struct intake_rules *r, const struct incident *inc,
                         fc_time_t from, fc_time_t to, struct arena *a,
                         struct history_incident **out, size_t *n, struct fc_err *err)
{
    double rad = r->definitions.location_radius_m;
    double lat0 = NAN, lat1 = NAN, lon0 = NAN, lon1 = NAN;
    if (!isnan(inc->lat) && !isnan(inc->lon)) {
        double dlat = rad / 111320.0, dlon = rad / (111320.0 * cos(inc->lat * M_PI / 180.0));
        lat0 = inc->lat - dlat;
        lat1 = inc->lat + dlat;
        lon0 = inc->lon - dlon;
        lon1 = inc->lon + dlon;
    }
    struct history_place_row *rows = NULL;
    size_t nr = 0;
    *out = NULL;
    *n = 0;
    if (blank(inc->location_key) && isnan(lat0))
        return FC_OK;
    int rc = store_history_place_incidents(s, inc->location_key, lat0, lat1, lon0, lon1, from, to,
                                           inc->id, a, &rows, &nr, err);
    if (rc != FC_OK || nr == 0)
        return rc;
    *out = arena_alloc(a, nr * sizeof(**out));
    if (*out == NULL)
        return err_set(err, FC_ENOMEM, "", "out of memory");
    for (size_t i = 0; i < nr; i++)
        (*out)[i] = (struct history_incident){
            rows[i].at, { rows[i].uprn, rows[i].location_key, rows[i].lat, rows[i].lon }
        };
    *n = nr;
    return FC_OK;
}

static int suspect_history(struct store *s, const struct intake_rules *r,
                           const struct incident *inc, fc_time_t now, struct arena *a,
                           struct history_input *in, struct fc_err *err)
{
    size_t ns = 0;
    for (size_t i = 0; i < inc->n_persons; i++)
        ns += inc->persons[i].role == ROLE_IN_SUSPECT;
    if (ns == 0)
        return FC_OK;
    const fc_time_t **per = arena_alloc(a, ns * sizeof(*per));
    size_t *counts = arena_alloc(a, ns * sizeof(*counts));
    if (per == NULL || counts == NULL)
        return err_set(err, FC_ENOMEM, "", "out of memory");
    size_t k = 0;
    fc_time_t window = (fc_time_t)r->definitions.window_days * DAY_S;
    for (size_t i = 0; i < inc->n_persons; i++) {
        if (inc->persons[i].role != ROLE_IN_SUSPECT)
            continue;
        fc_time_t *times = NULL;
        size_t nt = 0;
        int rc = store_history_person_incidents(s, inc->persons[i].person_id, "suspect",
                                                now - window, now, a, &times, &nt, err);
        if (rc != FC_OK)
            return rc;
        /* this incident counts too: "suspect in >= 2 incidents" */
        fc_time_t *all = arena_alloc(a, (nt + 1) * sizeof(*all));
        if (all == NULL)
            return err_set(err, FC_ENOMEM, "", "out of memory");
        if (nt > 0)
            memcpy(all, times, nt * sizeof(*all));
        all[nt] = now;
        per[k] = all;
        counts[k] = nt + 1;
        k++;
    }
    in->n_suspects = ns;
    in->suspect_incidents = per;
    in->n_suspect_incidents = counts;
    return FC_OK;
}

static int flags_history(struct store *s, fc_id_t person_id, fc_time_t now, struct arena *a,
                         struct history_input *in, char **flags_shown, struct fc_err *err)
{
    struct flag *flags = NULL;
    size_t nf = 0;
    json_t *shown = json_array();
    int rc = store_flag_list_for_person(s, person_id, a, &flags, &nf, err);
    struct history_flag *hf = nf ? arena_alloc(a, nf * sizeof(*hf)) : NULL;
    if (rc == FC_OK && nf > 0 && hf == NULL)
        rc = err_set(err, FC_ENOMEM, "", "out of memory");
    for (size_t i = 0; rc == FC_OK && i < nf; i++) {
        hf[i] = (struct history_flag){ flags[i].kind, flags[i].flagged_at, flags[i].withdrawn_at };
        if (!history_flag_in_force(&hf[i], now))
            continue;
        /* what the handler may see: category, agency, date (DESIGN 1), never the reason */
        char when[32];
        time_format_utc(flags[i].flagged_at, when, sizeof(when));
        json_t *o = json_object();
        json_object_set_new(o, "flag_id", json_integer(flags[i].id));
        json_object_set_new(o, "kind", json_string(flags[i].kind ? flags[i].kind : ""));
        json_object_set_new(o, "agency", json_string(flags[i].agency ? flags[i].agency : ""));
        json_object_set_new(o, "flagged_at", json_string(when));
        json_array_append_new(shown, o);
    }
    in->flags = hf;
    in->n_flags = rc == FC_OK ? nf : 0;
    *flags_shown = json_to_arena(a, shown);
    return rc;
}

static int assessments_history(struct store *s, fc_id_t person_id, struct arena *a,
                               struct history_input *in, struct fc_err *err)
{
    struct risk_assessment_rec *ras = NULL;
    size_t n = 0;
    int rc = store_risk_assessment_list(s, 0, person_id, a, &ras, &n, err);
    if (rc != FC_OK || n == 0)
        return rc;
    struct history_assessment *h = arena_alloc(a, n * sizeof(*h));
    if (h == NULL)
        return err_set(err, FC_ENOMEM, "", "out of memory");
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        enum risk_level l;
        /* a screening's interim floor is not an assessment of the victim */
        if (strcmp(ras[i].stage, "screening") == 0 || !risk_level_parse(ras[i].final_level, &l))
            continue;
        h[k++] = (struct history_assessment){ l, ras[i].assessed_at };
    }
    in->assessments = h;
    in->n_assessments = k;
    return FC_OK;
}

static int trigger_compute(struct store *s, const struct intake_rules *r, const struct contact *c,
                           const struct incident *inc, struct arena *a,
                           struct trigger_status *out, struct fc_err *err)
{
    struct trigger_complaint cur = { c->caller_person_id, inc ? inc->location_key : NULL,
                                     c->received_at, inc ? inc->occurred_at : 0,
                                     inc && inc->incident_type &&
                                         strcmp(inc->incident_type, "hate_motivated") == 0 };
    struct history_complaint_row *rows = NULL;
    size_t n = 0;
    fc_time_t from = trigger_window_start(&r->trigger, c->received_at);
    int rc = store_history_complaints(s, c->caller_person_id, cur.problem_key, from,
                                      c->received_at + 1, c->id, a, &rows, &n, err);
    if (rc != FC_OK)
        return rc;
    struct trigger_complaint *tc = n ? arena_alloc(a, n * sizeof(*tc)) : NULL;
    if (n > 0 && tc == NULL)
        return err_set(err, FC_ENOMEM, "", "out of memory");
    for (size_t i = 0; i < n; i++)
        tc[i] = (struct trigger_complaint){ rows[i].person_id, rows[i].problem_key, rows[i].at,
                                            rows[i].behaviour_at, rows[i].is_hate };
    trigger_evaluate(&r->trigger, &cur, tc, n, out);
    return FC_OK;
}

int intake_trigger_check(struct store *s, const struct intake_rules *r, fc_id_t contact_id,
                         struct trigger_status *out, struct fc_err *err)
{
    struct arena a;
    arena_init(&a, 0);
    struct contact c;
    struct incident inc;
    bool has_inc = false;
    int rc = store_contact_get(s, contact_id, &a, &c, err);
    if (rc == FC_OK && c.incident_id != 0) {
        rc = store_incident_get(s, c.incident_id, &a, &inc, err);
        has_inc = rc == FC_OK;
    }
    if (rc == FC_OK)
        rc = trigger_compute(s, r, &c, has_inc ? &inc : NULL, &a, out, err);
    arena_free(&a);
    return rc;
}

static int labels_compute(struct store *s, const struct intake_rules *r, const struct contact *c,
                          bool vulnerable_answered, struct arena *a,
                          struct contact_labels_rec *out, struct fc_err *err)
{
    struct history_input in = { .now = c->received_at, .vulnerable_answered = vulnerable_answered,
                                .place = { NULL, NULL, NAN, NAN } };
    struct incident inc;
    bool has_inc = false;
    char *flags_shown = NULL;
    fc_time_t window = (fc_time_t)r->definitions.window_days * DAY_S;
    int rc = FC_OK;
    if (c->incident_id != 0) {
        rc = store_incident_get(s, c->incident_id, a, &inc, err);
        has_inc = rc == FC_OK;
    }
    if (rc == FC_OK && c->caller_person_id != 0) {
        fc_time_t *calls = NULL, *victim = NULL;
        size_t nc = 0, nv = 0;
        rc = store_history_caller_contacts(s, c->caller_person_id, 0, c->received_at, c->id, a,
                                           &calls, &nc, err);
        if (rc == FC_OK)
            rc = store_history_person_incidents(s, c->caller_person_id, "victim",
                                                c->received_at - window, c->received_at, a,
                                                &victim, &nv, err);
        in.caller_contacts = calls;
        in.n_caller_contacts = nc;
        in.victim_incidents = victim;
        in.n_victim_incidents = nv;
        if (rc == FC_OK)
            rc = flags_history(s, c->caller_person_id, c->received_at, a, &in, &flags_shown, err);
        if (rc == FC_OK)
            rc = assessments_history(s, c->caller_person_id, a, &in, err);
    }
    if (rc == FC_OK && has_inc) {
        struct history_incident *places = NULL;
        size_t np = 0;
        in.place = (struct history_place){ NULL, inc.location_key, inc.lat, inc.lon };
        rc = place_history(s, r, &inc, c->received_at - window, c->received_at, a, &places, &np,
                           err);
        in.place_incidents = places;
        in.n_place_incidents = np;
        if (rc == FC_OK)
            rc = suspect_history(s, r, &inc, c->received_at, a, &in, err);
    }
    struct trigger_status ts = { 0 };
    if (rc == FC_OK && c->caller_person_id != 0)
        rc = trigger_compute(s, r, c, has_inc ? &inc : NULL, a, &ts, err);
    if (rc != FC_OK)
        return rc;
    struct history_labels l;
    history_labels_compute(&r->definitions, &in, &l);
    char basis[48] = "";
    snprintf(basis, sizeof(basis), "%s%s%s", l.vulnerable_by_flag ? "flag," : "",
             l.vulnerable_by_assessment ? "assessment," : "",
             l.vulnerable_by_answer ? "answer," : "");
    if (basis[0] != '\0')
        basis[strlen(basis) - 1] = '\0';
    *out = (struct contact_labels_rec){
        .contact_id = c->id,
        .version = (char *)r->definitions.version,
        .prior_calls_12m = l.prior_calls_12m,
        .prior_calls_ever = l.prior_calls_ever,
        .is_repeat_victim = l.is_repeat_victim,
        .is_persistent = l.is_persistent,
        .is_high_volume = l.is_high_volume,
        .victim_incidents_12m = l.victim_incidents_12m,
        .location_incidents_12m = l.location_incidents_12m,
        .is_repeat_location = l.is_repeat_location,
        .suspect_incidents_max = l.suspect_incidents_max,
        .is_repeat_perpetrator = l.is_repeat_perpetrator,
        .flags_in_force = l.flags_in_force,
        .is_vulnerable = l.is_vulnerable,
        .vulnerable_basis = arena_strdup(a, basis),
        .flags_shown = flags_shown ? flags_shown : arena_strdup(a, "[]"),
        .trigger_count = c->caller_person_id ? ts.applicant_count : 0,
        .trigger_prompted = ts.should_prompt,
        .trigger_eligible = ts.is_eligible,
        .shown_at = 0,
    };
    return FC_OK;
}

/*
 * Resolves what the incident's location says but the incident does not yet hold: the
 * normalised address key (the matcher's, so "12 Ash Rd" and "12 ASH ROAD" agree), the
 * postcode point and its LSOA, which picks the owning team. Returns whether it changed.
 */
static bool locate_incident(struct arena *a, struct incident *inc)
{
    bool changed = false;
    if (blank(inc->location_key) && !blank(inc->location_raw)) {
        char key[256];
        match_address_keys(inc->location_raw, inc->location_postcode, key, sizeof(key));
        inc->location_key = arena_strdup(a, key);
        changed = inc->location_key != NULL;
    }
    struct geo_postcode pc;
    if ((blank(inc->lsoa_code) || isnan(inc->lat)) && !blank(inc->location_postcode) &&
        geo_postcode_lookup(inc->location_postcode, &pc)) {
        if (isnan(inc->lat) || isnan(inc->lon)) {
            inc->lat = pc.lat;
            inc->lon = pc.lon;
            changed = true;
        }
        if (blank(inc->lsoa_code) && pc.lsoa != NULL) {
            inc->lsoa_code = (char *)pc.lsoa->code;
            changed = true;
        }
    }
    if (blank(inc->lsoa_code) && !isnan(inc->lat) && !isnan(inc->lon)) {
        const struct geo_lsoa *l = geo_lsoa_at(inc->lat, inc->lon);
        if (l != NULL) {
            inc->lsoa_code = (char *)l->code;
            changed = true;
        }
    }
    return changed;
}

bool intake_incident_locate(struct arena *a, struct incident *inc)
{
    return locate_incident(a, inc);
}

int intake_place_count(struct store *s, const struct intake_rules *r, const char *location,
                       const char *postcode, fc_time_t now, struct arena *a,
                       struct intake_place_count *out, struct fc_err *err)
{
    memset(out, 0, sizeof(*out));
    struct incident inc = { .lat = NAN, .lon = NAN };
    struct postcode pc;
    if (!blank(postcode) && postcode_parse(postcode, &pc) == POSTCODE_UNIT) {
        inc.location_postcode = arena_strdup(a, pc.unit);
        double lat, lon;
        if (postcode_coords(pc.unit, &lat, &lon)) {
            inc.lat = lat;
            inc.lon = lon;
        }
    }
    if (!blank(location))
        inc.location_raw = (char *)location;
    locate_incident(a, &inc);
    if (blank(inc.location_key) && (isnan(inc.lat) || isnan(inc.lon)))
        return FC_OK;
    /* the call being taken is not saved yet: whatever was recorded up to this second is
     * earlier than it */
    fc_time_t upto = now + 1;
    fc_time_t window = (fc_time_t)r->definitions.window_days * DAY_S;
    struct history_incident *places = NULL;
    size_t np = 0;
    int rc = place_history(s, r, &inc, upto - window, upto, a, &places, &np, err);
    if (rc != FC_OK)
        return rc;
    struct history_input in = {
        .now = upto,
        .place = { NULL, inc.location_key, inc.lat, inc.lon },
        .place_incidents = places,
        .n_place_incidents = np,
    };
    struct history_labels l;
    history_labels_compute(&r->definitions, &in, &l);
    out->is_known = true;
    out->incidents_12m = l.location_incidents_12m;
    out->is_repeat = l.is_repeat_location;
    return FC_OK;
}

int intake_last_risk(struct store *s, fc_id_t person_id, struct arena *a,
                     struct risk_assessment_rec *out, bool *found, struct fc_err *err)
{
    struct risk_assessment_rec *ras = NULL;
    size_t n = 0;
    *found = false;
    int rc = store_risk_assessment_list(s, 0, person_id, a, &ras, &n, err);
    if (rc != FC_OK)
        return rc;
    for (size_t i = 0; i < n; i++) {
        if (ras[i].final_level == NULL)
            continue;
        if (!*found || ras[i].assessed_at > out->assessed_at ||
            (ras[i].assessed_at == out->assessed_at && ras[i].id > out->id)) {
            *out = ras[i];
            *found = true;
        }
    }
    return FC_OK;
}

int intake_contact_labels(struct store *s, const struct intake_rules *r,
                          const struct intake_actor *who, fc_id_t contact_id,
                          bool vulnerable_answered, struct arena *a,
                          struct contact_labels_rec *out, struct fc_err *err)
{
    int rc = store_contact_labels_get(s, contact_id, a, out, err);
    if (rc != FC_ENOTFOUND)
        return rc;
    err_clear(err);
    struct contact c;
    rc = store_contact_get(s, contact_id, a, &c, err);
    if (rc != FC_OK)
        return rc;
    rc = store_txn_begin(s, err);
    if (rc != FC_OK)
        return rc;
    if (c.incident_id != 0) {
        struct incident inc;
        rc = store_incident_get(s, c.incident_id, a, &inc, err);
        if (rc == FC_OK && locate_incident(a, &inc))
            rc = store_incident_update(s, &inc, err);
    }
    if (rc == FC_OK)
        rc = labels_compute(s, r, &c, vulnerable_answered, a, out, err);
    if (rc == FC_OK) {
        out->shown_at = who->now;
        rc = store_contact_labels_insert(s, out, err);
    }
    if (rc == FC_OK)
        rc = audit(s, who, AUDIT_COLLECT, "contact", contact_id, "first contact", err,
                   "labels %s prior_12m=%d repeat=%d vulnerable=%d repeat_location=%d "
                   "trigger_count=%d",
                   r->definitions.version, out->prior_calls_12m, out->is_repeat_victim,
                   out->is_vulnerable, out->is_repeat_location, out->trigger_count);
    if (rc == FC_OK)
        return store_txn_commit(s, err);
    store_txn_rollback(s);
    return rc;
}

/* ---- tasks ---- */

static int tasks_raise(struct store *s, const struct intake_rules *r, const struct incident *inc,
                       fc_id_t contact_id, const struct task_plan *plans, size_t n,
                       const struct intake_actor *who, size_t *raised, struct fc_err *err)
{
    const char *team = intake_team_for(r, inc);
    bool synced_once = false, *synced = &synced_once;
    for (size_t i = 0; i < n; i++) {
        struct task_rec t = { .incident_id = inc->id,
                              .contact_id = contact_id,
                              .kind = (char *)plans[i].kind,
                              .rank = (char *)plans[i].rank,
                              .team_id = (char *)team,
                              .reason = (char *)plans[i].reason,
                              .due_at = plans[i].due_at,
                              .created_at = who->now };
        fc_id_t id;
        struct fc_err e2;
        int rc = store_task_insert(s, &t, &id, &e2);
        if (rc == FC_EINVAL && !*synced) {
            /* a store that has not been given the team map yet: give it and retry */
            *synced = true;
            rc = intake_teams_sync(s, r, &e2);
            if (rc == FC_OK)
                rc = store_task_insert(s, &t, &id, &e2);
        }
        if (rc == FC_ECONFLICT)
            continue; /* an open task of that kind already runs its clock */
        if (rc != FC_OK) {
            if (err)
                *err = e2;
            return rc;
        }
        (*raised)++;
    }
    return FC_OK;
}

static int tasks_close_kind(struct store *s, const struct intake_actor *who, fc_id_t incident_id,
                            const char *kind, const char *status, const char *outcome,
                            struct arena *a, struct fc_err *err)
{
    struct task_query q = { .incident_id = incident_id, .status = "open" };
    struct task_rec *ts = NULL;
    size_t n = 0;
    int rc = store_task_search(s, &q, a, &ts, &n, err);
    for (size_t i = 0; rc == FC_OK && i < n; i++)
        if (kind == NULL || strcmp(ts[i].kind, kind) == 0)
            rc = store_task_close(s, ts[i].id, status, who->user_id, who->now, outcome, err);
    return rc;
}

int intake_tasks_queue(struct store *s, const char *team_id, const char *which,
                       fc_time_t now, long within_s, struct arena *a, struct task_rec **out,
                       size_t *n, struct fc_err *err)
{
    struct task_query q = { .team_id = team_id, .status = "open", .limit = 500 };
    if (which == NULL || strcmp(which, "open") == 0)
        q.due_before = 0;
    else if (strcmp(which, "overdue") == 0)
        q.due_before = now;
    else if (strcmp(which, "due") == 0)
        q.due_before = now + (within_s > 0 ? within_s : DAY_S);
    else
        return err_set(err, FC_EINVAL, "which", "must be open, due or overdue");
    return store_task_search(s, &q, a, out, n, err);
}

int intake_task_complete(struct store *s, const struct intake_actor *who, fc_id_t task_id,
                         bool is_cancel, const char *outcome, struct fc_err *err)
{
    if (blank(outcome))
        return err_set(err, FC_EINVAL, "outcome", "is required to close a task");
    if (who->role == ROLE_ANALYST || who->role == ROLE_ADMIN)
        return err_set(err, FC_EDENIED, "", "this role may not work tasks");
    if (is_cancel && who->role != ROLE_SUPERVISOR)
        return err_set(err, FC_EDENIED, "status", "only a supervisor may cancel a task");
    int rc = store_txn_begin(s, err);
    if (rc != FC_OK)
        return rc;
    rc = store_task_close(s, task_id, is_cancel ? "cancelled" : "done", who->user_id, who->now,
                          outcome, err);
    if (rc == FC_OK)
        rc = audit(s, who, AUDIT_ALTER, "task", task_id, NULL, err, "task %s",
                   is_cancel ? "cancelled" : "done");
    if (rc == FC_OK)
        return store_txn_commit(s, err);
    store_txn_rollback(s);
    return rc;
}

int intake_reviews_escalate(struct store *s, const struct intake_rules *r,
                            const struct intake_actor *who, size_t *out_n, struct fc_err *err)
{
    *out_n = 0;
    if (!r->tasks.escalate_overdue_reviews)
        return FC_OK;
    struct arena a;
    arena_init(&a, 0);
    struct task_query q = { .status = "open", .due_before = who->now, .limit = 10000 };
    struct task_rec *ts = NULL;
    size_t n = 0;
    int rc = store_txn_begin(s, err);
    if (rc == FC_OK)
        rc = store_task_search(s, &q, &a, &ts, &n, err);
    for (size_t i = 0; rc == FC_OK && i < n; i++) {
        if (strcmp(ts[i].kind, "review") != 0 || ts[i].escalated_at != 0)
            continue;
        rc = store_task_set_escalated(s, ts[i].id, who->now, err);
        if (rc == FC_OK)
            rc = audit(s, who, AUDIT_ALTER, "task", ts[i].id, NULL, err,
                       "overdue %s review escalated", ts[i].rank);
        if (rc == FC_OK)
            (*out_n)++;
    }
    if (rc == FC_OK)
        rc = store_txn_commit(s, err);
    else
        store_txn_rollback(s);
    arena_free(&a);
    if (rc == FC_OK && *out_n > 0)
        log_emit(LOG_INFO, "intake.reviews_escalated", "n=%zu", *out_n);
    return rc;
}

/* ---- update plans ---- */

static bool labels_enhanced(const struct intake_rules *r, const struct contact_labels_rec *l,
                            const struct incident *inc)
{
    enum risk_level lv = RISK_STANDARD;
    struct updates_victim v = { .has_level = risk_level_parse(inc->risk_level, &lv),
                                .level = lv,
                                .flag_in_force = l != NULL && l->flags_in_force > 0,
                                .prior_contacts_12m = l != NULL ? l->prior_calls_12m : 0,
                                .is_hate = inc->incident_type != NULL &&
                                           strcmp(inc->incident_type, "hate_motivated") == 0 };
    return updates_is_enhanced(&r->updates, &v);
}

static fc_id_t victim_of(const struct incident *inc, const struct contact *c)
{
    for (size_t i = 0; i < inc->n_persons; i++)
        if (inc->persons[i].role == ROLE_IN_VICTIM)
            return inc->persons[i].person_id;
    return c != NULL ? c->caller_person_id : 0;
}

/* Ensures the plan in force matches the enhanced status; creates the default plan. */
static int plan_ensure(struct store *s, const struct intake_rules *r,
                       const struct intake_actor *who, const struct incident *inc,
                       fc_id_t person_id, bool is_enhanced, struct arena *a, struct fc_err *err)
{
    struct update_plan_rec cur;
    struct fc_err e2;
    int rc = store_update_plan_current(s, inc->id, a, &cur, &e2);
    if (rc == FC_OK && cur.is_enhanced == is_enhanced)
        return FC_OK;
    if (rc != FC_OK && rc != FC_ENOTFOUND) {
        if (err)
            *err = e2;
        return rc;
    }
    struct update_plan_rec p = {
        .incident_id = inc->id,
        .person_id = rc == FC_OK ? cur.person_id : person_id,
        .version = (char *)r->updates.version,
        .frequency_wd = rc == FC_OK ? cur.frequency_wd : r->updates.default_frequency_wd,
        .channel = rc == FC_OK ? cur.channel : (char *)r->updates.default_channel,
        .is_enhanced = is_enhanced,
        .agreed_at = who->now,
        .agreed_by = who->user_id,
    };
    p.next_due_at = rc == FC_OK && cur.next_due_at != 0
                        ? cur.next_due_at
                        : updates_next_due(p.frequency_wd, who->now);
    return store_update_plan_insert(s, &p, NULL, err);
}

/* ---- risk ---- */

static int incident_set(struct store *s, struct incident *inc, const char *risk_level,
                        const char *grade, struct fc_err *err)
{
    if (risk_level != NULL)
        inc->risk_level = (char *)risk_level;
    if (grade != NULL)
        inc->grade = (char *)grade;
    return store_incident_update(s, inc, err);
}

/* Raises the grade to the risk's floor when the incident is graded less urgently. */
static int regrade_to_floor(struct store *s, const struct intake_rules *r,
                            const struct intake_actor *who, struct incident *inc,
                            enum risk_level level, unsigned actions, bool *regraded,
                            struct fc_err *err)
{
    enum grade current;
    *regraded = false;
    if (!grading_grade_parse(inc->grade, &current))
        return FC_OK; /* not graded yet: grading will apply the floor */
    struct grading_input gi = { .category = inc->category, .has_risk = true, .risk = level,
                                .risk_actions = actions };
    struct grading_suggestion sg;
    int rc = grading_suggest(&r->grading, &gi, &sg, err);
    if (rc != FC_OK || sg.floor >= current)
        return rc;
    char reason[64];
    snprintf(reason, sizeof(reason), "risk %s raised the grade", risk_level_name(level));
    struct grade_rec g = { .incident_id = inc->id,
                           .version = (char *)r->grading.version,
                           .suggested = (char *)grading_grade_name(sg.floor),
                           .floor = (char *)grading_grade_name(sg.floor),
                           .grade = (char *)grading_grade_name(sg.floor),
                           .reason = reason,
                           .user_id = who->user_id,
                           .graded_at = who->now };
    rc = store_grade_insert(s, &g, NULL, err);
    if (rc == FC_OK)
        rc = incident_set(s, inc, NULL, g.grade, err);
    if (rc == FC_OK)
        rc = audit(s, who, AUDIT_ALTER, "incident", inc->id, NULL, err, "regraded %s -> %s (%s)",
                   grading_grade_name(current), g.grade, reason);
    *regraded = rc == FC_OK;
    return rc;
}

static void facts_from(const struct contact_labels_rec *l, struct risk_facts *f)
{
    f->prior_contacts_12m = l->prior_calls_12m;
    f->flag_in_force = l->flags_in_force > 0;
    f->is_repeat_location = l->is_repeat_location;
}

static bool labels_repeat(const struct contact_labels_rec *l)
{
    return l->is_repeat_victim || l->is_repeat_location || l->is_persistent;
}

int intake_screen(struct store *s, const struct intake_rules *r, const struct intake_actor *who,
                  fc_id_t incident_id, fc_id_t contact_id, const struct risk_answers *ans,
                  struct intake_risk_outcome *out, struct fc_err *err)
{
    memset(out, 0, sizeof(*out));
    if (!may_screen(who->role))
        return err_set(err, FC_EDENIED, "", "this role may not screen");
    struct arena a;
    arena_init(&a, 0);
    struct incident inc;
    struct contact c = { 0 };
    struct contact_labels_rec l;
    int rc = store_txn_begin(s, err);
    if (rc != FC_OK)
        goto done;
    rc = store_incident_get(s, incident_id, &a, &inc, err);
    if (rc == FC_OK && contact_id == 0)
        rc = newest_contact(s, incident_id, &a, &c, err);
    else if (rc == FC_OK)
        rc = store_contact_get(s, contact_id, &a, &c, err);
    if (rc == FC_OK && c.incident_id != incident_id) {
        if (c.incident_id != 0)
            rc = err_set(err, FC_EINVAL, "contact_id", "contact belongs to another incident");
        else
            rc = store_contact_set_incident(s, c.id, incident_id, err);
        c.incident_id = incident_id;
    }
    if (rc == FC_OK)
        rc = intake_contact_labels(s, r, who, c.id, false, &a, &l, err);
    if (rc == FC_OK) /* labelling may have located the incident: work on what is stored */
        rc = store_incident_get(s, incident_id, &a, &inc, err);
    if (rc != FC_OK)
        goto out;
    struct risk_facts facts;
    facts_from(&l, &facts);
    risk_screen(&r->risk, ans, &facts, &out->result);
    fc_id_t victim = victim_of(&inc, &c);
    struct risk_assessment_rec ra = {
        .incident_id = incident_id,
        .person_id = victim,
        .contact_id = c.id,
        .version = (char *)r->risk.version,
        .stage = "screening",
        .answers = answers_json(&a, ans),
        .escalations = escalations_json(&a, &out->result),
        .outcome = out->result.needs_full ? "not_low_risk" : "standard",
        .scored_level = "standard",
        .final_level = (char *)risk_level_name(out->result.level),
        .assessor_user_id = who->user_id,
        .assessed_at = who->now,
    };
    rc = store_risk_assessment_insert(s, &ra, &out->assessment_id, err);
    if (rc != FC_OK)
        goto out;
    enum risk_level existing;
    out->level = out->result.level;
    if (risk_level_parse(inc.risk_level, &existing) && existing > out->level)
        out->level = existing; /* a screening never lowers an assessed level */
    rc = incident_set(s, &inc, risk_level_name(out->level), NULL, err);
    if (rc == FC_OK)
        rc = regrade_to_floor(s, r, who, &inc, out->level, out->result.actions, &out->regraded,
                              err);
    struct tasks_input ti = { .at = c.received_at > 0 ? c.received_at : who->now,
                              .needs_full = out->result.needs_full,
                              .is_repeat = labels_repeat(&l) };
    struct task_plan plans[TASKS_MAX_PLANNED];
    size_t np = tasks_plan_contact(&r->tasks, &r->risk, &r->grading, &ti, plans,
                                   TASKS_MAX_PLANNED);
    if (rc == FC_OK)
        rc = tasks_raise(s, r, &inc, c.id, plans, np, who, &out->n_tasks, err);
    if (rc == FC_OK)
        rc = plan_ensure(s, r, who, &inc, victim, labels_enhanced(r, &l, &inc), &a, err);
    if (rc == FC_OK)
        rc = audit(s, who, AUDIT_COLLECT, "risk_assessment", out->assessment_id, NULL, err,
                   "screening %s incident=%lld outcome=%s level=%s escalations=%zu tasks=%zu",
                   r->risk.version, (long long)incident_id, ra.outcome, ra.final_level,
                   out->result.n_fired, out->n_tasks);
out:
    if (rc == FC_OK)
        rc = store_txn_commit(s, err);
    else
        store_txn_rollback(s);
done:
    arena_free(&a);
    return rc;
}

/* Labels of the incident's newest contact (computed and stored if missing). */
static int incident_labels(struct store *s, const struct intake_rules *r,
                           const struct intake_actor *who, fc_id_t incident_id, struct arena *a,
                           struct contact *c, struct contact_labels_rec *l, struct fc_err *err)
{
    int rc = newest_contact(s, incident_id, a, c, err);
    if (rc == FC_ENOTFOUND) {
        memset(c, 0, sizeof(*c));
        memset(l, 0, sizeof(*l));
        err_clear(err);
        return FC_OK;
    }
    if (rc != FC_OK)
        return rc;
    return intake_contact_labels(s, r, who, c->id, false, a, l, err);
}

static int after_level(struct store *s, const struct intake_rules *r,
                       const struct intake_actor *who, struct incident *inc,
                       const struct contact *c, const struct contact_labels_rec *l,
                       enum risk_level level, unsigned actions, struct arena *a,
                       struct intake_risk_outcome *out, struct fc_err *err)
{
    int rc = incident_set(s, inc, risk_level_name(level), NULL, err);
    if (rc == FC_OK)
        rc = regrade_to_floor(s, r, who, inc, level, actions, &out->regraded, err);
    struct tasks_input ti = { .at = who->now, .has_level = true, .level = level,
                              .is_repeat = labels_repeat(l) };
    struct task_plan plans[TASKS_MAX_PLANNED];
    size_t np = tasks_plan_assessment(&r->tasks, &r->risk, &ti, plans, TASKS_MAX_PLANNED);
    if (rc == FC_OK)
        rc = tasks_raise(s, r, inc, c->id, plans, np, who, &out->n_tasks, err);
    if (rc == FC_OK)
        rc = plan_ensure(s, r, who, inc, victim_of(inc, c), labels_enhanced(r, l, inc), a, err);
    out->level = level;
    return rc;
}

int intake_assess_full(struct store *s, const struct intake_rules *r,
                       const struct intake_actor *who, fc_id_t incident_id,
                       const struct risk_answers *ans, struct intake_risk_outcome *out,
                       struct fc_err *err)
{
    memset(out, 0, sizeof(*out));
    if (!may_assess(who->role))
        return err_set(err, FC_EDENIED, "", "this role may not complete a full assessment");
    struct arena a;
    arena_init(&a, 0);
    struct incident inc;
    struct contact c;
    struct contact_labels_rec l;
    int rc = store_txn_begin(s, err);
    if (rc != FC_OK)
        goto done;
    rc = incident_labels(s, r, who, incident_id, &a, &c, &l, err);
    if (rc == FC_OK)
        rc = store_incident_get(s, incident_id, &a, &inc, err);
    if (rc != FC_OK)
        goto out;
    struct risk_facts facts;
    facts_from(&l, &facts);
    risk_assess_full(&r->risk, ans, &facts, &out->result);
    struct risk_review_due due[RISK_MAX_REVIEWS];
    size_t nd = risk_reviews_plan(&r->risk, out->result.level, who->now, due, RISK_MAX_REVIEWS);
    struct risk_assessment_rec ra = {
        .incident_id = incident_id,
        .person_id = victim_of(&inc, &c),
        .contact_id = c.id,
        .version = (char *)r->risk.version,
        .stage = "full",
        .answers = answers_json(&a, ans),
        .score = out->result.score,
        .escalations = escalations_json(&a, &out->result),
        .scored_level = (char *)risk_level_name(out->result.scored_level),
        .final_level = (char *)risk_level_name(out->result.level),
        .assessor_user_id = who->user_id,
        .assessed_at = who->now,
        .next_review_due = nd > 0 ? due[0].due_at : 0,
    };
    rc = store_risk_assessment_insert(s, &ra, &out->assessment_id, err);
    if (rc == FC_OK)
        rc = tasks_close_kind(s, who, incident_id, "full_assessment", "done",
                              "full assessment recorded", &a, err);
    if (rc == FC_OK)
        rc = after_level(s, r, who, &inc, &c, &l, out->result.level, out->result.actions, &a, out,
                         err);
    if (rc == FC_OK)
        rc = audit(s, who, AUDIT_COLLECT, "risk_assessment", out->assessment_id, NULL, err,
                   "full %s incident=%lld score=%d scored=%s level=%s escalations=%zu",
                   r->risk.version, (long long)incident_id, out->result.score, ra.scored_level,
                   ra.final_level, out->result.n_fired);
out:
    if (rc == FC_OK)
        rc = store_txn_commit(s, err);
    else
        store_txn_rollback(s);
done:
    arena_free(&a);
    return rc;
}

int intake_risk_override(struct store *s, const struct intake_rules *r,
                         const struct intake_actor *who, fc_id_t incident_id,
                         enum risk_level level, const char *reason,
                         struct intake_risk_outcome *out, struct fc_err *err)
{
    memset(out, 0, sizeof(*out));
    if (blank(reason))
        return err_set(err, FC_EINVAL, "reason", "is required for an override");
    if ((unsigned)level > RISK_HIGH)
        return err_set(err, FC_EINVAL, "level", "must be standard, medium or high");
    struct arena a;
    arena_init(&a, 0);
    struct incident inc;
    struct contact c;
    struct contact_labels_rec l;
    struct risk_assessment_rec *ras = NULL;
    size_t n = 0;
    int rc = store_txn_begin(s, err);
    if (rc != FC_OK)
        goto done;
    rc = store_incident_get(s, incident_id, &a, &inc, err);
    if (rc == FC_OK)
        rc = store_risk_assessment_list(s, incident_id, 0, &a, &ras, &n, err);
    if (rc == FC_OK && n == 0)
        rc = err_set(err, FC_EINVAL, "incident_id", "has no risk assessment to override");
    if (rc != FC_OK)
        goto out;
    const struct risk_assessment_rec *last = &ras[n - 1];
    enum risk_level current = RISK_STANDARD, floor;
    unsigned actions;
    risk_level_parse(inc.risk_level, &current);
    escalations_parse(last->escalations, &floor, &actions);
    rc = risk_override_check(current, level, floor, who->role, reason, err);
    if (rc == FC_OK)
        rc = incident_labels(s, r, who, incident_id, &a, &c, &l, err);
    if (rc == FC_OK)
        rc = store_incident_get(s, incident_id, &a, &inc, err);
    if (rc != FC_OK)
        goto out;
    struct risk_assessment_rec ra = {
        .incident_id = incident_id,
        .person_id = last->person_id,
        .contact_id = last->contact_id,
        .version = last->version,
        .stage = "override",
        .answers = "{}",
        .escalations = last->escalations,
        .scored_level = (char *)risk_level_name(current),
        .final_level = (char *)risk_level_name(level),
        .reason = (char *)reason,
        .supersedes_id = last->id,
        .assessor_user_id = who->user_id,
        .assessed_at = who->now,
    };
    rc = store_risk_assessment_insert(s, &ra, &out->assessment_id, err);
    if (rc == FC_OK)
        rc = after_level(s, r, who, &inc, &c, &l, level, actions, &a, out, err);
    if (rc == FC_OK)
        rc = audit(s, who, AUDIT_ALTER, "risk_assessment", out->assessment_id, reason, err,
                   "risk override incident=%lld %s -> %s%s", (long long)incident_id,
                   risk_level_name(current), risk_level_name(level),
                   level < floor ? " (escalation cancelled)" : "");
out:
    if (rc == FC_OK)
        rc = store_txn_commit(s, err);
    else
        store_txn_rollback(s);
done:
    arena_free(&a);
    return rc;
}

/* ---- grading ---- */

int intake_grade(struct store *s, const struct intake_rules *r, const struct intake_actor *who,
                 fc_id_t incident_id, const char *const *answers, size_t n_answers,
                 const enum grade *requested, const char *reason,
                 struct intake_grade_outcome *out, struct fc_err *err)
{
    memset(out, 0, sizeof(*out));
    if (who->role != ROLE_CALL_HANDLER && who->role != ROLE_SUPERVISOR)
        return err_set(err, FC_EDENIED, "", "only call handlers and supervisors grade");
    if (requested != NULL && (unsigned)*requested >= GRADE_COUNT)
        return err_set(err, FC_EINVAL, "grade", "is not a grade");
    struct arena a;
    arena_init(&a, 0);
    struct incident inc;
    struct risk_assessment_rec *ras = NULL;
    size_t n = 0;
    int rc = store_txn_begin(s, err);
    if (rc != FC_OK)
        goto done;
    rc = store_incident_get(s, incident_id, &a, &inc, err);
    if (rc == FC_OK && inc.status == INCIDENT_CLOSED)
        rc = err_set(err, FC_ECONFLICT, "incident_id", "incident is closed");
    if (rc == FC_OK)
        rc = store_risk_assessment_list(s, incident_id, 0, &a, &ras, &n, err);
    if (rc != FC_OK)
        goto out;
    enum risk_level level = RISK_STANDARD, floor = RISK_STANDARD;
    unsigned actions = 0;
    bool has_risk = risk_level_parse(inc.risk_level, &level);
    if (n > 0)
        escalations_parse(ras[n - 1].escalations, &floor, &actions);
    struct grading_input gi = { .category = inc.category, .has_risk = has_risk, .risk = level,
                                .risk_actions = actions, .n_answers = n_answers,
                                .answers = answers };
    rc = grading_suggest(&r->grading, &gi, &out->suggestion, err);
    if (rc != FC_OK)
        goto out;
    out->grade = requested ? *requested : out->suggestion.grade;
    out->is_override = out->grade != out->suggestion.grade;
    rc = grading_override_check(&out->suggestion, out->grade, has_risk && level == RISK_HIGH,
                                who->role, reason, err);
    if (rc != FC_OK)
        goto out;
    const char *previous = inc.grade ? arena_strdup(&a, inc.grade) : NULL;
    struct grade_rec g = { .incident_id = incident_id,
                           .version = (char *)r->grading.version,
                           .suggested = (char *)grading_grade_name(out->suggestion.grade),
                           .floor = (char *)grading_grade_name(out->suggestion.floor),
                           .grade = (char *)grading_grade_name(out->grade),
                           .reason = out->is_override ? (char *)reason : NULL,
                           .is_override = out->is_override,
                           .user_id = who->user_id,
                           .graded_at = who->now };
    rc = store_grade_insert(s, &g, NULL, err);
    if (rc == FC_OK)
        rc = incident_set(s, &inc, NULL, g.grade, err);
    struct tasks_input ti = { .at = who->now, .has_grade = true, .grade = out->grade };
    struct task_plan plans[TASKS_MAX_PLANNED];
    size_t np = tasks_plan_contact(&r->tasks, &r->risk, &r->grading, &ti, plans,
                                   TASKS_MAX_PLANNED);
    if (rc == FC_OK)
        rc = tasks_raise(s, r, &inc, 0, plans, np, who, &out->n_tasks, err);
    if (rc == FC_OK)
        rc = audit(s, who, out->is_override ? AUDIT_ALTER : AUDIT_COLLECT, "incident",
                   incident_id, out->is_override ? reason : NULL, err,
                   "grade %s %s -> %s suggested=%s%s", r->grading.version,
                   previous ? previous : "none", g.grade, g.suggested,
                   out->is_override ? " override" : "");
out:
    if (rc == FC_OK)
        rc = store_txn_commit(s, err);
    else
        store_txn_rollback(s);
done:
    arena_free(&a);
    return rc;
}

/* ---- Community Trigger ---- */

static const char *const trigger_channels[] = { "phone",  "online", "open311",  "partner_referral",
                                                "letter", "email",  "in_person" };

int intake_trigger_open(struct store *s, const struct intake_rules *r,
                        const struct intake_actor *who,
                        const struct intake_trigger_application *app, fc_id_t *out,
                        struct fc_err *err)
{
    bool known = false;
    for (size_t i = 0; app->channel && i < sizeof(trigger_channels) / sizeof(*trigger_channels);
         i++)
        known = known || strcmp(app->channel, trigger_channels[i]) == 0;
    if (!known)
        return err_set(err, FC_EINVAL, "channel", "is not a known application channel");
    if (app->is_third_party && !app->has_victim_consent)
        return err_set(err, FC_EINVAL, "has_victim_consent",
                       "a third-party application needs the victim's consent");
    if (app->applicant_person_id == 0 && app->contact_id == 0)
        return err_set(err, FC_EINVAL, "applicant_person_id", "is required");
    if (!may_screen(who->role))
        return err_set(err, FC_EDENIED, "", "this role may not log a Community Trigger");
    struct arena a;
    arena_init(&a, 0);
    struct contact c = { 0 };
    struct incident inc;
    bool has_inc = false;
    struct trigger_status ts = { 0 };
    int rc = store_txn_begin(s, err);
    if (rc != FC_OK)
        goto done;
    if (app->contact_id != 0)
        rc = store_contact_get(s, app->contact_id, &a, &c, err);
    else {
        c.caller_person_id = app->applicant_person_id;
        c.received_at = who->now;
        c.incident_id = app->incident_id;
    }
    if (rc == FC_OK && app->applicant_person_id != 0)
        c.caller_person_id = app->applicant_person_id;
    fc_id_t incident_id = app->incident_id ? app->incident_id : c.incident_id;
    if (rc == FC_OK && incident_id != 0) {
        rc = store_incident_get(s, incident_id, &a, &inc, err);
        has_inc = rc == FC_OK;
    }
    if (rc == FC_OK)
        rc = trigger_compute(s, r, &c, has_inc ? &inc : NULL, &a, &ts, err);
    if (rc != FC_OK)
        goto out;
    struct trigger_step_due due[TRIGGER_MAX_STEPS];
    size_t ns = trigger_steps_plan(&r->trigger, who->now, NULL, due);
    struct trigger_step_rec steps[TRIGGER_MAX_STEPS];
    for (size_t i = 0; i < ns; i++)
        steps[i] = (struct trigger_step_rec){ .step = due[i].id, .due_at = due[i].due_at };
    struct community_trigger_rec t = {
        .version = (char *)r->trigger.version,
        .applicant_person_id = c.caller_person_id,
        .incident_id = incident_id,
        .contact_id = app->contact_id,
        .problem_key = has_inc ? inc.location_key : NULL,
        .channel = (char *)app->channel,
        .is_third_party = app->is_third_party,
        .has_victim_consent = app->has_victim_consent || !app->is_third_party,
        .status = "open",
        .basis = ts.is_eligible ? ts.basis : "discretion",
        .applicant_count = ts.applicant_count,
        .problem_people = ts.problem_people,
        .applied_at = who->now,
        .created_by = who->user_id,
        .n_steps = ns,
        .steps = steps,
    };
    rc = store_trigger_insert(s, &t, out, err);
    if (rc == FC_OK)
        rc = audit(s, who, AUDIT_COLLECT, "community_trigger", *out, NULL, err,
                   "application %s basis=%s applicant_count=%d problem_people=%d",
                   r->trigger.version, t.basis, t.applicant_count, t.problem_people);
out:
    if (rc == FC_OK)
        rc = store_txn_commit(s, err);
    else
        store_txn_rollback(s);
done:
    arena_free(&a);
    return rc;
}

int intake_trigger_step_done(struct store *s, const struct intake_rules *r,
                             const struct intake_actor *who, fc_id_t trigger_id,
                             const char *step, bool is_met, const char *note,
                             struct fc_err *err)
{
    int k = trigger_step_index(&r->trigger, step);
    if (k < 0)
        return err_set(err, FC_EINVAL, "step", "is not a case review step");
    bool deciding = strcmp(step, "threshold_decision") == 0 || strcmp(step, "review") == 0;
    if (deciding && who->role != ROLE_SUPERVISOR && who->role != ROLE_PARTNER_OFFICER)
        return err_set(err, FC_EDENIED, "step",
                       "only a supervisor or the review co-ordinator decides or reviews");
    if (!deciding && !may_screen(who->role))
        return err_set(err, FC_EDENIED, "step", "this role may not record case review steps");
    if (deciding && blank(note))
        return err_set(err, FC_EINVAL, "note", "reasons are required for a decision or review");
    struct arena a;
    arena_init(&a, 0);
    struct community_trigger_rec t;
    int rc = store_txn_begin(s, err);
    if (rc != FC_OK)
        goto done;
    rc = store_trigger_get(s, trigger_id, &a, &t, err);
    if (rc != FC_OK)
        goto out;
    fc_time_t done_at[TRIGGER_MAX_STEPS] = { 0 };
    for (size_t i = 0; i < t.n_steps; i++) {
        int j = trigger_step_index(&r->trigger, t.steps[i].step);
        if (j >= 0)
            done_at[j] = t.steps[i].done_at;
    }
    if (done_at[k] != 0) {
        rc = err_set(err, FC_ECONFLICT, "step", "step is already done");
        goto out;
    }
    if (strcmp(t.status, "threshold_not_met") == 0 || strcmp(t.status, "closed") == 0) {
        if (strcmp(step, "outcome_letter") != 0) {
            rc = err_set(err, FC_ECONFLICT, "step", "the case review has ended");
            goto out;
        }
    }
    const char *from = r->trigger.steps[k].from;
    if (strcmp(from, "application") != 0 && done_at[trigger_step_index(&r->trigger, from)] == 0) {
        rc = err_set(err, FC_ECONFLICT, "step", "the step it follows is not done");
        goto out;
    }
    done_at[k] = who->now;
    rc = store_trigger_step_set(s, trigger_id, step, 0, who->now, who->user_id, note, err);
    struct trigger_step_due due[TRIGGER_MAX_STEPS];
    size_t ns = trigger_steps_plan(&r->trigger, t.applied_at, done_at, due);
    for (size_t i = 0; rc == FC_OK && i < ns; i++)
        if (due[i].due_at != 0 && done_at[i] == 0)
            rc = store_trigger_step_set(s, trigger_id, due[i].id, due[i].due_at, 0, 0, NULL, err);
    const char *status = NULL;
    if (strcmp(step, "threshold_decision") == 0)
        status = is_met ? "threshold_met" : "threshold_not_met";
    else if (strcmp(step, "outcome_letter") == 0)
        status = "closed";
    if (rc == FC_OK && status != NULL)
        rc = store_trigger_set_status(s, trigger_id, status,
                                      strcmp(step, "threshold_decision") == 0 ? note : NULL,
                                      strcmp(step, "review") == 0 ? note : NULL, err);
    if (rc == FC_OK)
        rc = audit(s, who, AUDIT_ALTER, "community_trigger", trigger_id, NULL, err,
                   "step %s done%s%s", step, status ? " status=" : "", status ? status : "");
out:
    if (rc == FC_OK)
        rc = store_txn_commit(s, err);
    else
        store_txn_rollback(s);
done:
    arena_free(&a);
    return rc;
}

/* ---- victim updates ---- */

int intake_update_plan_set(struct store *s, const struct intake_rules *r,
                           const struct intake_actor *who, fc_id_t incident_id,
                           fc_id_t person_id, int frequency_wd, const char *channel,
                           fc_id_t *out, struct fc_err *err)
{
    int rc = updates_plan_validate(&r->updates, &frequency_wd, &channel, err);
    if (rc != FC_OK)
        return rc;
    if (who->role == ROLE_ANALYST || who->role == ROLE_ADMIN)
        return err_set(err, FC_EDENIED, "", "this role may not plan victim updates");
    struct arena a;
    arena_init(&a, 0);
    struct incident inc;
    struct contact c;
    struct contact_labels_rec l;
    rc = store_txn_begin(s, err);
    if (rc != FC_OK)
        goto done;
    rc = store_incident_get(s, incident_id, &a, &inc, err);
    if (rc == FC_OK && inc.status == INCIDENT_CLOSED)
        rc = err_set(err, FC_ECONFLICT, "incident_id", "incident is closed");
    if (rc == FC_OK)
        rc = incident_labels(s, r, who, incident_id, &a, &c, &l, err);
    if (rc != FC_OK)
        goto out;
    struct update_plan_rec p = {
        .incident_id = incident_id,
        .person_id = person_id ? person_id : victim_of(&inc, c.id ? &c : NULL),
        .version = (char *)r->updates.version,
        .frequency_wd = frequency_wd,
        .channel = (char *)channel,
        .is_enhanced = labels_enhanced(r, c.id ? &l : NULL, &inc),
        .agreed_at = who->now,
        .agreed_by = who->user_id,
        .next_due_at = updates_next_due(frequency_wd, who->now),
    };
    rc = store_update_plan_insert(s, &p, out, err);
    if (rc == FC_OK)
        rc = audit(s, who, AUDIT_COLLECT, "victim_update_plan", *out, NULL, err,
                   "plan %s every %d working days by %s enhanced=%d", r->updates.version,
                   frequency_wd, channel, p.is_enhanced);
out:
    if (rc == FC_OK)
        rc = store_txn_commit(s, err);
    else
        store_txn_rollback(s);
done:
    arena_free(&a);
    return rc;
}

int intake_update_record(struct store *s, const struct intake_rules *r,
                         const struct intake_actor *who, fc_id_t incident_id, const char *kind,
                         const char *event, const char *channel, const char *summary,
                         fc_id_t *out, struct fc_err *err)
{
    bool is_key = kind != NULL && strcmp(kind, "key_event") == 0;
    if (kind == NULL || (!is_key && strcmp(kind, "scheduled") != 0))
        return err_set(err, FC_EINVAL, "kind", "must be scheduled or key_event");
    if (is_key && blank(event))
        return err_set(err, FC_EINVAL, "event", "is required for a key event");
    if (channel != NULL && !updates_channel_known(&r->updates, channel))
        return err_set(err, FC_EINVAL, "channel", "is not a known update channel");
    if (blank(summary))
        return err_set(err, FC_EINVAL, "summary", "is required");
    if (who->role == ROLE_ANALYST || who->role == ROLE_ADMIN)
        return err_set(err, FC_EDENIED, "", "this role may not record victim updates");
    struct arena a;
    arena_init(&a, 0);
    struct incident inc;
    struct update_plan_rec p;
    int rc = store_txn_begin(s, err);
    if (rc != FC_OK)
        goto done;
    rc = store_incident_get(s, incident_id, &a, &inc, err);
    if (rc == FC_OK) {
        rc = store_update_plan_current(s, incident_id, &a, &p, err);
        if (rc == FC_ENOTFOUND) {
            err_clear(err);
            rc = plan_ensure(s, r, who, &inc, victim_of(&inc, NULL), false, &a, err);
            if (rc == FC_OK)
                rc = store_update_plan_current(s, incident_id, &a, &p, err);
        }
    }
    if (rc != FC_OK)
        goto out;
    /* a key-event update is due within 1 or 5 working days of the event (recorded now) */
    fc_time_t due = is_key ? updates_key_event_due(&r->updates, p.is_enhanced, who->now)
                           : p.next_due_at;
    struct victim_update_rec u = { .plan_id = p.id,
                                   .incident_id = incident_id,
                                   .kind = (char *)kind,
                                   .event = (char *)event,
                                   .channel = (char *)(channel ? channel : p.channel),
                                   .summary = (char *)summary,
                                   .due_at = due,
                                   .sent_at = who->now,
                                   .sent_by = who->user_id };
    rc = store_victim_update_insert(s, &u, out, err);
    if (rc == FC_OK && inc.status == INCIDENT_OPEN)
        rc = store_update_plan_set_next_due(s, p.id, updates_next_due(p.frequency_wd, who->now),
                                            err);
    if (rc == FC_OK)
        rc = tasks_close_kind(s, who, incident_id, "victim_update", "done", "update sent", &a,
                              err);
    if (rc == FC_OK)
        rc = audit(s, who, AUDIT_DISCLOSE, "victim_update", *out, NULL, err,
                   "%s update by %s%s%s", kind, u.channel, is_key ? " event=" : "",
                   is_key ? event : "");
out:
    if (rc == FC_OK)
        rc = store_txn_commit(s, err);
    else
        store_txn_rollback(s);
done:
    arena_free(&a);
    return rc;
}

/* ---- closing ---- */

static int survey_enqueue(struct store *s, const struct intake_actor *who,
                          const struct incident *inc, const struct contact *c,
                          struct fc_err *err)
{
    fc_id_t person = victim_of(inc, c);
    if (person == 0)
        return FC_OK; /* an anonymous caller cannot be surveyed */
    struct survey_queue_rec q = { .incident_id = inc->id,
                                  .person_id = person,
                                  .contact_id = c ? c->id : 0,
                                  .reason = "incident_closed",
                                  .status = "queued",
                                  .queued_at = who->now };
    struct fc_err e2;
    int rc = store_survey_queue_insert(s, &q, NULL, &e2);
    if (rc == FC_ECONFLICT)
        return FC_OK; /* already queued for this incident */
    if (rc != FC_OK && err)
        *err = e2;
    return rc;
}

int intake_incident_close(struct store *s, const struct intake_rules *r,
                          const struct intake_actor *who, fc_id_t incident_id,
                          const struct intake_closure *cl, struct fc_err *err)
{
    if (!updates_closure_code_known(&r->updates, cl->closure_code))
        return err_set(err, FC_EINVAL, "closure_code", "is not a closure code of %s",
                       r->updates.version);
    if (blank(cl->outcome))
        return err_set(err, FC_EINVAL, "outcome", "is required to close an incident");
    if (strcmp(cl->closure_code, "case_opened") == 0 && cl->case_id == 0)
        return err_set(err, FC_EINVAL, "case_id", "is required when a case was opened");
    if (cl->update_channel != NULL && !updates_channel_known(&r->updates, cl->update_channel))
        return err_set(err, FC_EINVAL, "update_channel", "is not a known update channel");
    if (who->role != ROLE_OFFICER && who->role != ROLE_SUPERVISOR &&
        who->role != ROLE_CALL_HANDLER && who->role != ROLE_PARTNER_OFFICER)
        return err_set(err, FC_EDENIED, "", "this role may not close incidents");
    struct arena a;
    arena_init(&a, 0);
    struct incident inc;
    struct contact c;
    bool has_contact = false;
    struct update_plan_rec p;
    int rc = store_txn_begin(s, err);
    if (rc != FC_OK)
        goto done;
    rc = store_incident_get(s, incident_id, &a, &inc, err);
    if (rc == FC_OK && inc.status == INCIDENT_CLOSED)
        rc = err_set(err, FC_ECONFLICT, "incident_id", "incident is already closed");
    if (rc == FC_OK) {
        rc = newest_contact(s, incident_id, &a, &c, err);
        has_contact = rc == FC_OK;
        if (rc == FC_ENOTFOUND) {
            err_clear(err);
            rc = FC_OK;
        }
    }
    if (rc == FC_OK) {
        rc = store_update_plan_current(s, incident_id, &a, &p, err);
        if (rc == FC_ENOTFOUND) {
            err_clear(err);
            rc = plan_ensure(s, r, who, &inc, victim_of(&inc, has_contact ? &c : NULL), false, &a,
                             err);
            if (rc == FC_OK)
                rc = store_update_plan_current(s, incident_id, &a, &p, err);
        }
    }
    if (rc != FC_OK)
        goto out;
    /* DESIGN 10 rule 3: always a closure update saying what was done */
    struct victim_update_rec u = {
        .plan_id = p.id,
        .incident_id = incident_id,
        .kind = "closure",
        .channel = (char *)(cl->update_channel ? cl->update_channel : p.channel),
        .summary = (char *)(cl->update_summary ? cl->update_summary : cl->outcome),
        .due_at = who->now,
        .sent_at = who->now,
        .sent_by = who->user_id,
    };
    rc = store_victim_update_insert(s, &u, NULL, err);
    if (rc == FC_OK)
        rc = store_update_plan_set_next_due(s, p.id, 0, err);
    inc.status = INCIDENT_CLOSED;
    inc.closed_at = who->now;
    inc.closure_code = (char *)cl->closure_code;
    inc.outcome = (char *)cl->outcome;
    if (rc == FC_OK)
        rc = store_incident_update(s, &inc, err);
    struct incident_closure_rec rec = { .incident_id = incident_id,
                                        .closure_code = (char *)cl->closure_code,
                                        .outcome = (char *)cl->outcome,
                                        .case_id = cl->case_id,
                                        .closed_by = who->user_id,
                                        .closed_at = who->now };
    if (rc == FC_OK)
        rc = store_incident_closure_insert(s, &rec, err);
    if (rc == FC_OK)
        rc = tasks_close_kind(s, who, incident_id, NULL, "cancelled", "incident closed", &a, err);
    if (rc == FC_OK)
        rc = survey_enqueue(s, who, &inc, has_contact ? &c : NULL, err);
    if (rc == FC_OK)
        rc = audit(s, who, AUDIT_ALTER, "incident", incident_id, NULL, err,
                   "closed code=%s case=%lld", cl->closure_code, (long long)cl->case_id);
out:
    if (rc == FC_OK)
        rc = store_txn_commit(s, err);
    else
        store_txn_rollback(s);
done:
    arena_free(&a);
    return rc;
}

/* ---- reminders ---- */

static int raise_update_task(struct store *s, const struct intake_rules *r,
                             const struct intake_actor *who, const struct incident *inc,
                             fc_time_t due, const char *reason, size_t *raised,
                             struct fc_err *err)
{
    struct task_plan p = { .kind = "victim_update", .due_at = due };
    snprintf(p.reason, sizeof(p.reason), "%s", reason);
    return tasks_raise(s, r, inc, 0, &p, 1, who, raised, err);
}

int intake_updates_remind(struct store *s, const struct intake_rules *r,
                          const struct intake_actor *who, long within_s, size_t *out_n,
                          struct fc_err *err)
{
    *out_n = 0;
    struct arena a;
    arena_init(&a, 0);
    struct update_plan_rec *plans = NULL;
    size_t n = 0;
    int rc = store_txn_begin(s, err);
    if (rc == FC_OK)
        rc = store_update_plan_due(s, who->now + (within_s > 0 ? within_s : 0), &a, &plans, &n,
                                   err);
    for (size_t i = 0; rc == FC_OK && i < n; i++) {
        struct incident inc;
        rc = store_incident_get(s, plans[i].incident_id, &a, &inc, err);
        if (rc == FC_OK && inc.status == INCIDENT_OPEN)
            rc = raise_update_task(s, r, who, &inc, plans[i].next_due_at,
                                   "victim update due (agreed plan)", out_n, err);
    }
    if (rc == FC_OK)
        rc = store_txn_commit(s, err);
    else
        store_txn_rollback(s);
    arena_free(&a);
    return rc;
}

int intake_key_event(struct store *s, const struct intake_rules *r,
                     const struct intake_actor *who, fc_id_t incident_id, const char *event,
                     struct fc_err *err)
{
    if (blank(event) || strlen(event) > 40)
        return err_set(err, FC_EINVAL, "event", "must name the key event (up to 40 characters)");
    if (who->role == ROLE_ANALYST || who->role == ROLE_ADMIN)
        return err_set(err, FC_EDENIED, "", "this role may not record key events");
    struct arena a;
    arena_init(&a, 0);
    struct incident inc;
    struct update_plan_rec p;
    size_t raised = 0;
    int rc = store_txn_begin(s, err);
    if (rc == FC_OK)
        rc = store_incident_get(s, incident_id, &a, &inc, err);
    if (rc == FC_OK && inc.status == INCIDENT_CLOSED)
        rc = err_set(err, FC_ECONFLICT, "incident_id", "incident is closed");
    bool enhanced = false;
    if (rc == FC_OK) {
        rc = store_update_plan_current(s, incident_id, &a, &p, err);
        enhanced = rc == FC_OK && p.is_enhanced;
        if (rc == FC_ENOTFOUND) {
            err_clear(err);
            rc = FC_OK;
        }
    }
    char reason[64];
    snprintf(reason, sizeof(reason), "key event %.30s: update the victim", event);
    if (rc == FC_OK)
        rc = raise_update_task(s, r, who, &inc,
                               updates_key_event_due(&r->updates, enhanced, who->now), reason,
                               &raised, err);
    if (rc == FC_OK)
        rc = audit(s, who, AUDIT_COLLECT, "incident", incident_id, NULL, err,
                   "key event %.40s enhanced=%d", event, enhanced);
    if (rc == FC_OK)
        rc = store_txn_commit(s, err);
    else
        store_txn_rollback(s);
    arena_free(&a);
    return rc;
}
