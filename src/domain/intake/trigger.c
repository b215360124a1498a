/* intake/trigger.c: see trigger.h. */
#include "domain/intake/trigger.h"

#include <stdio.h>
#include <string.h>

#include "domain/config/config.h"
#include "domain/intake/calendar.h"
#include "util/timeutil.h"

int trigger_config_load(const char *version, struct trigger_config *out, struct fc_err *err)
{
    json_t *root = NULL, *steps;
    memset(out, 0, sizeof(*out));
    int rc = config_json_load(version, &root, err);
    if (rc != FC_OK)
        return rc;
    rc = config_copy(out->version, sizeof(out->version), version, "version", err);
    if (rc == FC_OK)
        rc = config_json_int(root, version, "window_months", &out->window_months, err);
    if (rc == FC_OK)
        rc = config_json_int(root, version, "complaint_within_days_of_behaviour",
                             &out->complaint_within_days, err);
    if (rc == FC_OK)
        rc = config_json_int(root, version, "applicant_threshold", &out->applicant_threshold,
                             err);
    if (rc == FC_OK)
        rc = config_json_int(root, version, "distinct_people_threshold",
                             &out->distinct_people_threshold, err);
    if (rc == FC_OK)
        rc = config_json_int(root, version, "prompt_at", &out->prompt_at, err);
    if (rc == FC_OK)
        rc = config_json_bool(root, version, "hate_rule", &out->hate_rule, err);
    if (rc == FC_OK)
        rc = config_json_str(root, version, "appeal_body", out->appeal_body,
                             sizeof(out->appeal_body), err);
    /* s.104(4): three qualifying complaints is the ceiling a local threshold may set */
    if (rc == FC_OK && (out->applicant_threshold < 1 || out->applicant_threshold > 3))
        rc = err_set(err, FC_EINVAL, "applicant_threshold", "must be 1 to 3 (2014 Act s.104(4))");
    if (rc == FC_OK)
        rc = config_json_array(root, version, "steps", &steps, err);
    if (rc == FC_OK && json_array_size(steps) > TRIGGER_MAX_STEPS)
        rc = err_set(err, FC_EINVAL, "steps", "too many steps");
    for (size_t i = 0; rc == FC_OK && i < json_array_size(steps); i++) {
        json_t *s = json_array_get(steps, i);
        struct trigger_step_rule *r = &out->steps[i];
        rc = config_json_str(s, "steps", "id", r->id, sizeof(r->id), err);
        if (rc == FC_OK)
            rc = config_json_int(s, "steps", "working_days", &r->working_days, err);
        if (rc == FC_OK)
            rc = config_json_str(s, "steps", "from", r->from, sizeof(r->from), err);
        out->n_steps = i + 1;
        if (rc == FC_OK && strcmp(r->from, "application") != 0 &&
            (trigger_step_index(out, r->from) < 0 || trigger_step_index(out, r->from) >= (int)i))
            rc = err_set(err, FC_EINVAL, "steps", "step %s runs from an unknown step", r->id);
    }
    json_decref(root);
    return rc;
}

int trigger_step_index(const struct trigger_config *cfg, const char *id)
{
    for (size_t i = 0; id != NULL && i < cfg->n_steps; i++)
        if (strcmp(cfg->steps[i].id, id) == 0)
            return (int)i;
    return -1;
}

/* civil_from_days (H. Hinnant) */
static void civil(int64_t z, int *y, int *m, int *d)
{
    z += 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = (int)(yoe + era * 400 + (*m <= 2));
}

fc_time_t trigger_window_start(const struct trigger_config *cfg, fc_time_t now)
{
    int64_t day = now >= 0 ? now / 86400 : (now - 86399) / 86400;
    int64_t secs = now - day * 86400;
    int y, m, d;
    civil(day, &y, &m, &d);
    m -= cfg->window_months;
    while (m < 1) {
        m += 12;
        y--;
    }
    /* 31 August minus six months is the last day of February */
    while (d > 28 && !time_date_is_valid(y, m, d))
        d--;
    return time_days_from_civil(y, m, d) * 86400 + secs;
}

static bool qualifies(const struct trigger_config *cfg, const struct trigger_complaint *c,
                      fc_time_t start, fc_time_t now)
{
    if (c->at < start || c->at > now)
        return false;
    /* s.104(11): made within one month of the behaviour, when that is known */
    if (c->behaviour_at != 0 && c->at - c->behaviour_at > cfg->complaint_within_days * 86400L)
        return false;
    return true;
}

static bool same_problem(const struct trigger_complaint *a, const struct trigger_complaint *b)
{
    return a->problem_key != NULL && b->problem_key != NULL && a->problem_key[0] != '\0' &&
           strcmp(a->problem_key, b->problem_key) == 0;
}

void trigger_evaluate(const struct trigger_config *cfg, const struct trigger_complaint *current,
                      const struct trigger_complaint *earlier, size_t n,
                      struct trigger_status *out)
{
    memset(out, 0, sizeof(*out));
    fc_time_t now = current->at;
    fc_time_t start = trigger_window_start(cfg, now);
    out->applicant_count = 1;
    out->problem_people = 1;
    bool any_hate = current->is_hate;
    for (size_t i = 0; i < n; i++) {
        const struct trigger_complaint *c = &earlier[i];
        if (!qualifies(cfg, c, start, now))
            continue;
        if (current->person_id != 0 && c->person_id == current->person_id)
            out->applicant_count++;
        if (same_problem(current, c)) {
            any_hate = any_hate || c->is_hate;
            /* count each other complainant once; anonymous complaints count as one each */
            bool seen = c->person_id == current->person_id && c->person_id != 0;
            for (size_t j = 0; !seen && j < i; j++)
                seen = c->person_id != 0 && earlier[j].person_id == c->person_id &&
                       same_problem(current, &earlier[j]) &&
                       qualifies(cfg, &earlier[j], start, now);
            if (!seen)
                out->problem_people++;
        }
    }
    if (out->applicant_count >= cfg->applicant_threshold) {
        out->is_eligible = true;
        snprintf(out->basis, sizeof(out->basis), "applicant");
    } else if (out->problem_people >= cfg->distinct_people_threshold) {
        out->is_eligible = true;
        snprintf(out->basis, sizeof(out->basis), "problem");
    } else if (cfg->hate_rule && any_hate) {
        out->is_eligible = true;
        snprintf(out->basis, sizeof(out->basis), "hate");
    }
    out->should_prompt = !out->is_eligible && out->applicant_count >= cfg->prompt_at;
}

size_t trigger_steps_plan(const struct trigger_config *cfg, fc_time_t applied_at,
                          const fc_time_t *done_at, struct trigger_step_due *out)
{
    for (size_t i = 0; i < cfg->n_steps; i++) {
        const struct trigger_step_rule *r = &cfg->steps[i];
        snprintf(out[i].id, sizeof(out[i].id), "%s", r->id);
        fc_time_t from = applied_at;
        if (strcmp(r->from, "application") != 0) {
            int k = trigger_step_index(cfg, r->from);
            from = k >= 0 && done_at != NULL ? done_at[k] : 0;
        }
        out[i].due_at = from != 0 ? calendar_working_deadline(from, r->working_days) : 0;
    }
    return cfg->n_steps;
}
