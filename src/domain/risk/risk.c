/* risk/risk.c: see risk.h. Numbers and rules come from the loaded questionnaire only. */
#include "domain/risk/risk.h"

#include <stdio.h>
#include <string.h>

#include "domain/config/config.h"

static const char *const level_names[] = { "standard", "medium", "high" };

static const struct {
    unsigned bit;
    const char *name;
} action_names[] = {
    { RISK_ACT_NOTIFY_SUPERVISOR, "notify_supervisor" },
    { RISK_ACT_HATE_CRIME_CHECK, "hate_crime_check" },
    { RISK_ACT_SHOW_FLAG, "show_flag" },
    { RISK_ACT_OFFER_TRIGGER, "offer_community_trigger" },
    { RISK_ACT_REGRADE, "regrade" },
    { RISK_ACT_SAFEGUARDING, "safeguarding_referral" },
    { RISK_ACT_GRADE_PRIORITY, "grade_at_least_priority" },
};

const char *risk_level_name(enum risk_level level)
{
    return (unsigned)level < 3 ? level_names[level] : "unknown";
}

bool risk_level_parse(const char *s, enum risk_level *out)
{
    for (int i = 0; s != NULL && i < 3; i++) {
        if (strcmp(s, level_names[i]) == 0) {
            *out = (enum risk_level)i;
            return true;
        }
    }
    return false;
}

const char *risk_action_name(unsigned action_bit)
{
    for (size_t i = 0; i < sizeof(action_names) / sizeof(action_names[0]); i++)
        if (action_names[i].bit == action_bit)
            return action_names[i].name;
    return "unknown";
}

/* ---- loading ---- */

static int load_question(const json_t *q, const char *path, struct risk_question *out,
                         bool scored, struct fc_err *err)
{
    int rc = config_json_str(q, path, "id", out->id, sizeof(out->id), err);
    if (rc == FC_OK)
        rc = config_json_str(q, path, "text", out->text, sizeof(out->text), err);
    if (rc != FC_OK || !scored)
        return rc;
    json_t *choices = json_object_get(q, "choices");
    if (choices == NULL)
        return config_json_int(q, path, "points", &out->points, err);
    if (!json_is_object(choices) || json_object_size(choices) == 0 ||
        json_object_size(choices) > RISK_MAX_CHOICES)
        return err_set(err, FC_EINVAL, path, "choices must be a small non-empty object");
    const char *key;
    json_t *val;
    json_object_foreach(choices, key, val)
    {
        size_t k = out->n_choices;
        if (!json_is_integer(val))
            return err_set(err, FC_EINVAL, path, "choice points must be integers");
        rc = config_copy(out->choices[k].value, RISK_ID_LEN, key, path, err);
        if (rc != FC_OK)
            return rc;
        out->choices[k].points = (int)json_integer_value(val);
        out->n_choices++;
    }
    return FC_OK;
}

static int load_conds(const json_t *arr, const char *path, struct risk_cond *out, size_t max,
                      size_t *n, struct fc_err *err)
{
    if (!json_is_array(arr) || json_array_size(arr) > max)
        return err_set(err, FC_EINVAL, path, "must be an array of at most %zu conditions", max);
    size_t i;
    json_t *c;
    json_array_foreach(arr, i, c)
    {
        if (!json_is_object(c) || json_object_size(c) == 0 ||
            json_object_size(c) > RISK_MAX_TERMS)
            return err_set(err, FC_EINVAL, path, "condition %zu must be a small object", i);
        const char *key;
        json_t *val;
        out[i].n_terms = 0;
        json_object_foreach(c, key, val)
        {
            size_t t = out[i].n_terms++;
            int rc = config_copy(out[i].terms[t].id, RISK_ID_LEN, key, path, err);
            if (rc == FC_OK)
                rc = config_copy(out[i].terms[t].value, RISK_ID_LEN, json_string_value(val),
                                 path, err);
            if (rc != FC_OK)
                return rc;
        }
    }
    *n = json_array_size(arr);
    return FC_OK;
}

static int load_escalation(const json_t *e, const char *path, struct risk_escalation *out,
                           struct fc_err *err)
{
    char floor[16];
    json_t *arr;
    int rc = config_json_str(e, path, "id", out->id, sizeof(out->id), err);
    if (rc == FC_OK)
        rc = config_json_str(e, path, "floor", floor, sizeof(floor), err);
    if (rc != FC_OK)
        return rc;
    if (!risk_level_parse(floor, &out->floor))
        return err_set(err, FC_EINVAL, path, "floor must be standard, medium or high");
    rc = load_conds(json_object_get(e, "when_any"), path, out->when, RISK_MAX_CONDS,
                    &out->n_when, err);
    if (rc == FC_OK)
        rc = load_conds(json_object_get(e, "high_when_any"), path, out->high_when,
                        RISK_MAX_CONDS, &out->n_high_when, err);
    if (rc == FC_OK)
        rc = config_json_array(e, path, "actions", &arr, err);
    if (rc != FC_OK)
        return rc;
    size_t i;
    json_t *a;
    json_array_foreach(arr, i, a)
    {
        unsigned bit = 0;
        for (size_t k = 0; k < sizeof(action_names) / sizeof(action_names[0]); k++)
            if (json_is_string(a) && strcmp(json_string_value(a), action_names[k].name) == 0)
                bit = action_names[k].bit;
        if (bit == 0)
            return err_set(err, FC_EINVAL, path, "unknown action at index %zu", i);
        out->actions |= bit;
    }
    return FC_OK;
}

static int load_response(const json_t *resp, const char *name, struct risk_response *out,
                         struct fc_err *err)
{
    json_t *r, *reviews;
    char path[48];
    snprintf(path, sizeof(path), "response.%s", name);
    int rc = config_json_object(resp, "response", name, &r, err);
    if (rc == FC_OK)
        rc = config_json_int(r, path, "first_contact_hours", &out->first_contact_hours, err);
    if (rc == FC_OK)
        rc = config_json_bool(r, path, "spoc", &out->needs_spoc, err);
    if (rc == FC_OK)
        rc = config_json_int(r, path, "action_plan_hours", &out->action_plan_hours, err);
    if (rc == FC_OK)
        rc = config_json_array(r, path, "reviews", &reviews, err);
    if (rc != FC_OK)
        return rc;
    if (json_array_size(reviews) > RISK_MAX_REVIEWS)
        return err_set(err, FC_EINVAL, path, "too many reviews");
    size_t i;
    json_t *v;
    json_array_foreach(reviews, i, v)
    {
        rc = config_json_str(v, path, "rank", out->reviews[i].rank,
                             sizeof(out->reviews[i].rank), err);
        if (rc == FC_OK)
            rc = config_json_int(v, path, "days", &out->reviews[i].days, err);
        if (rc != FC_OK)
            return rc;
    }
    out->n_reviews = json_array_size(reviews);
    return FC_OK;
}

static int load_questions(const json_t *arr, const char *path, struct risk_question *out,
                          size_t *n, bool scored, struct fc_err *err)
{
    if (!json_is_array(arr) || json_array_size(arr) > RISK_MAX_QUESTIONS)
        return err_set(err, FC_EINVAL, path, "must be an array of at most %d questions",
                       RISK_MAX_QUESTIONS);
    size_t i;
    json_t *q;
    json_array_foreach(arr, i, q)
    {
        int rc = load_question(q, path, &out[i], scored, err);
        if (rc != FC_OK)
            return rc;
    }
    *n = json_array_size(arr);
    return FC_OK;
}

static int load_full(const json_t *full, struct risk_config *out, struct fc_err *err)
{
    json_t *steps;
    int rc = load_questions(json_object_get(full, "items"), "full.items", out->items,
                            &out->n_items, true, err);
    if (rc == FC_OK)
        rc = config_json_int(full, "full", "flag_in_force_points", &out->flag_points, err);
    if (rc == FC_OK)
        rc = config_json_int(full, "full", "medium_min", &out->medium_min, err);
    if (rc == FC_OK)
        rc = config_json_int(full, "full", "high_min", &out->high_min, err);
    if (rc == FC_OK)
        rc = config_json_array(full, "full", "prior_contacts_points", &steps, err);
    if (rc != FC_OK)
        return rc;
    if (json_array_size(steps) > 4 || out->medium_min >= out->high_min)
        return err_set(err, FC_EINVAL, "full", "bad thresholds or prior-contact steps");
    size_t i;
    json_t *s;
    json_array_foreach(steps, i, s)
    {
        rc = config_json_int(s, "full.prior_contacts_points", "min", &out->prior_steps[i].min,
                             err);
        if (rc == FC_OK)
            rc = config_json_int(s, "full.prior_contacts_points", "points",
                                 &out->prior_steps[i].points, err);
        if (rc != FC_OK)
            return rc;
    }
    out->n_prior_steps = json_array_size(steps);
    return FC_OK;
}

int risk_config_load(const char *version, struct risk_config *out, struct fc_err *err)
{
    json_t *root = NULL, *screening, *full, *escs, *resp;
    memset(out, 0, sizeof(*out));
    int rc = config_json_load(version, &root, err);
    if (rc != FC_OK)
        return rc;
    rc = config_copy(out->version, sizeof(out->version), version, "version", err);
    if (rc == FC_OK)
        rc = config_json_object(root, version, "screening", &screening, err);
    if (rc == FC_OK)
        rc = load_questions(json_object_get(screening, "questions"), "screening.questions",
                            out->screening, &out->n_screening, false, err);
    if (rc == FC_OK)
        rc = load_conds(json_object_get(screening, "full_assessment_if_any"),
                        "screening.full_assessment_if_any", out->screen_full_if,
                        (size_t)RISK_MAX_CONDS * 2, &out->n_screen_conds, err);
    if (rc == FC_OK)
        rc = config_json_object(root, version, "full", &full, err);
    if (rc == FC_OK)
        rc = load_full(full, out, err);
    if (rc == FC_OK)
        rc = config_json_int(root, version, "persistent_min_prior_contacts",
                             &out->persistent_min, err);
    if (rc == FC_OK)
        rc = config_json_array(root, version, "escalations", &escs, err);
    if (rc == FC_OK && json_array_size(escs) > RISK_MAX_ESCALATIONS)
        rc = err_set(err, FC_EINVAL, "escalations", "too many escalations");
    for (size_t i = 0; rc == FC_OK && i < json_array_size(escs); i++) {
        rc = load_escalation(json_array_get(escs, i), "escalations", &out->escalations[i], err);
        out->n_escalations = i + 1;
    }
    if (rc == FC_OK)
        rc = config_json_object(root, version, "response", &resp, err);
    if (rc == FC_OK)
        rc = config_json_int(resp, "response", "full_assessment_hours",
                             &out->full_assessment_hours, err);
    for (int l = 0; rc == FC_OK && l < 3; l++)
        rc = load_response(resp, level_names[l], &out->response[l], err);
    json_decref(root);
    return rc;
}

/* ---- answers and facts ---- */

static const struct risk_question *find_question(const struct risk_question *qs, size_t n,
                                                 const char *id)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(qs[i].id, id) == 0)
            return &qs[i];
    return NULL;
}

static bool value_allowed(const struct risk_question *q, const char *value)
{
    if (q->n_choices == 0)
        return strcmp(value, "yes") == 0 || strcmp(value, "no") == 0;
    for (size_t i = 0; i < q->n_choices; i++)
        if (strcmp(q->choices[i].value, value) == 0)
            return true;
    return false;
}

int risk_answers_add(const struct risk_config *cfg, const char *stage, struct risk_answers *ans,
                     const char *id, const char *value, struct fc_err *err)
{
    char field[40];
    snprintf(field, sizeof(field), "answers.%.24s", id ? id : "");
    bool is_full = stage != NULL && strcmp(stage, "full") == 0;
    const struct risk_question *q =
        id == NULL ? NULL
        : is_full  ? find_question(cfg->items, cfg->n_items, id)
                   : find_question(cfg->screening, cfg->n_screening, id);
    if (q == NULL)
        return err_set(err, FC_EINVAL, field, "is not a question of %s %s", cfg->version,
                       is_full ? "full assessment" : "screening");
    if (value == NULL || !value_allowed(q, value))
        return err_set(err, FC_EINVAL, field, "is not an allowed answer");
    for (size_t i = 0; i < ans->n; i++)
        if (strcmp(ans->a[i].id, id) == 0)
            return err_set(err, FC_EINVAL, field, "is answered twice");
    if (ans->n >= RISK_MAX_ANSWERS)
        return err_set(err, FC_EINVAL, "answers", "too many answers");
    snprintf(ans->a[ans->n].id, RISK_ID_LEN, "%s", id);
    snprintf(ans->a[ans->n].value, RISK_ID_LEN, "%s", value);
    ans->n++;
    return FC_OK;
}

static const char *answer_of(const struct risk_answers *ans, const char *id)
{
    for (size_t i = 0; ans != NULL && i < ans->n; i++)
        if (strcmp(ans->a[i].id, id) == 0)
            return ans->a[i].value;
    return NULL;
}

/* A fact is an answer, or one the system derives: repeat, persistent, flag_in_force,
 * repeat_location ("yes"/"no"). */
static const char *fact_of(const struct risk_config *cfg, const struct risk_answers *ans,
                           const struct risk_facts *f, const char *id)
{
    if (strcmp(id, "repeat") == 0)
        return f->prior_contacts_12m >= 1 ? "yes" : "no";
    if (strcmp(id, "persistent") == 0)
        return f->prior_contacts_12m >= cfg->persistent_min ? "yes" : "no";
    if (strcmp(id, "flag_in_force") == 0)
        return f->flag_in_force ? "yes" : "no";
    if (strcmp(id, "repeat_location") == 0)
        return f->is_repeat_location ? "yes" : "no";
    return answer_of(ans, id);
}

static bool any_holds(const struct risk_config *cfg, const struct risk_cond *conds, size_t n,
                      const struct risk_answers *ans, const struct risk_facts *f)
{
    for (size_t i = 0; i < n; i++) {
        bool all = conds[i].n_terms > 0;
        for (size_t t = 0; all && t < conds[i].n_terms; t++) {
            const char *v = fact_of(cfg, ans, f, conds[i].terms[t].id);
            all = v != NULL && strcmp(v, conds[i].terms[t].value) == 0;
        }
        if (all)
            return true;
    }
    return false;
}

static void apply_escalations(const struct risk_config *cfg, const struct risk_answers *ans,
                              const struct risk_facts *f, struct risk_result *out)
{
    out->level = out->scored_level;
    for (size_t i = 0; i < cfg->n_escalations; i++) {
        const struct risk_escalation *e = &cfg->escalations[i];
        if (!any_holds(cfg, e->when, e->n_when, ans, f))
            continue;
        enum risk_level floor = e->floor;
        if (any_holds(cfg, e->high_when, e->n_high_when, ans, f))
            floor = RISK_HIGH;
        struct risk_fired *fired = &out->fired[out->n_fired++];
        snprintf(fired->id, sizeof(fired->id), "%s", e->id);
        fired->floor = floor;
        fired->actions = e->actions;
        out->actions |= e->actions;
        if (floor > out->level)
            out->level = floor;
    }
}

void risk_screen(const struct risk_config *cfg, const struct risk_answers *ans,
                 const struct risk_facts *facts, struct risk_result *out)
{
    memset(out, 0, sizeof(*out));
    out->scored_level = RISK_STANDARD;
    out->needs_full = any_holds(cfg, cfg->screen_full_if, cfg->n_screen_conds, ans, facts);
    apply_escalations(cfg, ans, facts, out);
    if (out->n_fired > 0)
        out->needs_full = true;
}

void risk_assess_full(const struct risk_config *cfg, const struct risk_answers *ans,
                      const struct risk_facts *facts, struct risk_result *out)
{
    memset(out, 0, sizeof(*out));
    out->needs_full = true;
    for (size_t i = 0; i < cfg->n_items; i++) {
        const struct risk_question *q = &cfg->items[i];
        const char *v = answer_of(ans, q->id);
        int pts = 0;
        if (v != NULL && q->n_choices == 0 && strcmp(v, "yes") == 0)
            pts = q->points;
        for (size_t c = 0; v != NULL && c < q->n_choices; c++)
            if (strcmp(q->choices[c].value, v) == 0)
                pts = q->choices[c].points;
        out->item_points[i] = pts;
        out->score += pts;
    }
    int x1 = 0;
    for (size_t s = 0; s < cfg->n_prior_steps; s++) {
        if (facts->prior_contacts_12m >= cfg->prior_steps[s].min &&
            cfg->prior_steps[s].points > x1)
            x1 = cfg->prior_steps[s].points;
    }
    int x2 = facts->flag_in_force ? cfg->flag_points : 0;
    out->item_points[cfg->n_items] = x1;
    out->item_points[cfg->n_items + 1] = x2;
    out->score += x1 + x2;
    out->scored_level = out->score >= cfg->high_min     ? RISK_HIGH
                        : out->score >= cfg->medium_min ? RISK_MEDIUM
                                                        : RISK_STANDARD;
    apply_escalations(cfg, ans, facts, out);
}

int risk_override_check(enum risk_level current, enum risk_level requested,
                        enum risk_level floor, enum user_role role, const char *reason,
                        struct fc_err *err)
{
    if ((unsigned)requested > RISK_HIGH)
        return err_set(err, FC_EINVAL, "level", "must be standard, medium or high");
    if (reason == NULL || reason[strspn(reason, " \t\r\n")] == '\0')
        return err_set(err, FC_EINVAL, "reason", "is required for an override");
    if (requested == current)
        return err_set(err, FC_EINVAL, "level", "is already the current level");
    bool may_assess = role == ROLE_CALL_HANDLER || role == ROLE_OFFICER ||
                      role == ROLE_SUPERVISOR || role == ROLE_PARTNER_OFFICER;
    if (!may_assess)
        return err_set(err, FC_EDENIED, "level", "this role may not change a risk level");
    if ((requested < current || requested < floor) && role != ROLE_SUPERVISOR)
        return err_set(err, FC_EDENIED, "level",
                       "only a supervisor may lower a level or cancel an escalation");
    return FC_OK;
}

size_t risk_reviews_plan(const struct risk_config *cfg, enum risk_level level,
                         fc_time_t assessed_at, struct risk_review_due *out, size_t max)
{
    const struct risk_response *r = &cfg->response[level];
    size_t n = 0;
    for (size_t i = 0; i < r->n_reviews && n < max; i++, n++) {
        snprintf(out[n].rank, sizeof(out[n].rank), "%s", r->reviews[i].rank);
        out[n].due_at = assessed_at + (fc_time_t)r->reviews[i].days * 86400;
    }
    return n;
}
