/* intake/history.c: see history.h. */
#include "domain/intake/history.h"

#include <math.h>
#include <string.h>

#include "domain/config/config.h"

int definitions_config_load(const char *version, struct definitions_config *out,
                            struct fc_err *err)
{
    json_t *root = NULL, *kinds;
    memset(out, 0, sizeof(*out));
    int rc = config_json_load(version, &root, err);
    if (rc != FC_OK)
        return rc;
    rc = config_copy(out->version, sizeof(out->version), version, "version", err);
    if (rc == FC_OK)
        rc = config_json_int(root, version, "window_days", &out->window_days, err);
    if (rc == FC_OK)
        rc = config_json_int(root, version, "repeat_victim_min_prior_contacts",
                             &out->repeat_victim_min, err);
    if (rc == FC_OK)
        rc = config_json_int(root, version, "persistent_min_prior_contacts",
                             &out->persistent_min, err);
    if (rc == FC_OK)
        rc = config_json_int(root, version, "high_volume_min_prior_contacts",
                             &out->high_volume_min, err);
    if (rc == FC_OK)
        rc = config_json_int(root, version, "repeat_location_min_incidents",
                             &out->repeat_location_min, err);
    if (rc == FC_OK)
        rc = config_json_double(root, version, "repeat_location_radius_m",
                                &out->location_radius_m, err);
    if (rc == FC_OK)
        rc = config_json_int(root, version, "repeat_perpetrator_min_incidents",
                             &out->repeat_perpetrator_min, err);
    if (rc == FC_OK)
        rc = config_json_int(root, version, "vulnerable_assessment_window_days",
                             &out->assessment_window_days, err);
    if (rc == FC_OK)
        rc = config_json_array(root, version, "vulnerable_flag_kinds", &kinds, err);
    if (rc == FC_OK && json_array_size(kinds) > HISTORY_MAX_FLAG_KINDS)
        rc = err_set(err, FC_EINVAL, "vulnerable_flag_kinds", "too many kinds");
    for (size_t i = 0; rc == FC_OK && i < json_array_size(kinds); i++) {
        rc = config_copy(out->flag_kinds[i], 32, json_string_value(json_array_get(kinds, i)),
                         "vulnerable_flag_kinds", err);
        out->n_flag_kinds = i + 1;
    }
    if (rc == FC_OK && (out->window_days <= 0 || out->repeat_victim_min < 1))
        rc = err_set(err, FC_EINVAL, "window_days", "window and thresholds must be positive");
    json_decref(root);
    return rc;
}

bool history_flag_in_force(const struct history_flag *f, fc_time_t t)
{
    return f->flagged_at <= t && (f->withdrawn_at == 0 || f->withdrawn_at > t);
}

double history_distance_m(double lat1, double lon1, double lat2, double lon2)
{
    const double r = 6371008.8, rad = M_PI / 180.0;
    double dlat = (lat2 - lat1) * rad, dlon = (lon2 - lon1) * rad;
    double h = sin(dlat / 2) * sin(dlat / 2) +
               cos(lat1 * rad) * cos(lat2 * rad) * sin(dlon / 2) * sin(dlon / 2);
    return 2 * r * asin(sqrt(h < 1 ? h : 1));
}

static bool has(const char *s)
{
    return s != NULL && s[0] != '\0';
}

bool history_place_matches(const struct history_place *a, const struct history_place *b,
                           double radius_m)
{
    if (has(a->uprn) && has(b->uprn) && strcmp(a->uprn, b->uprn) == 0)
        return true;
    if (has(a->location_key) && has(b->location_key) &&
        strcmp(a->location_key, b->location_key) == 0)
        return true;
    if (!isnan(a->lat) && !isnan(a->lon) && !isnan(b->lat) && !isnan(b->lon))
        return history_distance_m(a->lat, a->lon, b->lat, b->lon) <= radius_m;
    return false;
}

/* Earlier than now and no more than window seconds before it. */
static bool in_window(fc_time_t t, fc_time_t now, fc_time_t window)
{
    return t < now && t >= now - window;
}

static bool kind_counts(const struct definitions_config *cfg, const char *kind)
{
    if (cfg->n_flag_kinds == 0)
        return true;
    for (size_t i = 0; kind != NULL && i < cfg->n_flag_kinds; i++)
        if (strcmp(cfg->flag_kinds[i], kind) == 0)
            return true;
    return false;
}

void history_labels_compute(const struct definitions_config *cfg, const struct history_input *in,
                            struct history_labels *out)
{
    memset(out, 0, sizeof(*out));
    fc_time_t window = (fc_time_t)cfg->window_days * 86400;
    for (size_t i = 0; i < in->n_caller_contacts; i++) {
        if (in->caller_contacts[i] < in->now)
            out->prior_calls_ever++;
        if (in_window(in->caller_contacts[i], in->now, window))
            out->prior_calls_12m++;
    }
    out->is_repeat_victim = out->prior_calls_12m >= cfg->repeat_victim_min;
    out->is_persistent = out->prior_calls_12m >= cfg->persistent_min;
    out->is_high_volume = out->prior_calls_12m >= cfg->high_volume_min;
    for (size_t i = 0; i < in->n_victim_incidents; i++)
        if (in_window(in->victim_incidents[i], in->now, window))
            out->victim_incidents_12m++;

    for (size_t i = 0; i < in->n_place_incidents; i++) {
        const struct history_incident *h = &in->place_incidents[i];
        if (in_window(h->at, in->now, window) &&
            history_place_matches(&in->place, &h->place, cfg->location_radius_m))
            out->location_incidents_12m++;
    }
    out->is_repeat_location = out->location_incidents_12m >= cfg->repeat_location_min;

    for (size_t s = 0; s < in->n_suspects; s++) {
        int n = 0;
        for (size_t i = 0; i < in->n_suspect_incidents[s]; i++)
            if (in->suspect_incidents[s][i] <= in->now &&
                in->suspect_incidents[s][i] >= in->now - window)
                n++;
        if (n > out->suspect_incidents_max)
            out->suspect_incidents_max = n;
    }
    out->is_repeat_perpetrator = out->suspect_incidents_max >= cfg->repeat_perpetrator_min;

    for (size_t i = 0; i < in->n_flags; i++)
        if (history_flag_in_force(&in->flags[i], in->now) && kind_counts(cfg, in->flags[i].kind))
            out->flags_in_force++;
    fc_time_t awin = (fc_time_t)cfg->assessment_window_days * 86400;
    for (size_t i = 0; i < in->n_assessments; i++)
        if (in->assessments[i].level >= RISK_MEDIUM &&
            in_window(in->assessments[i].at, in->now + 1, awin))
            out->has_recent_assessment = true;
    out->vulnerable_by_flag = out->flags_in_force > 0;
    out->vulnerable_by_assessment = out->has_recent_assessment;
    out->vulnerable_by_answer = in->vulnerable_answered;
    out->is_vulnerable =
        out->vulnerable_by_flag || out->vulnerable_by_assessment || out->vulnerable_by_answer;
}
