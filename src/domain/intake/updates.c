/* intake/updates.c: see updates.h. */
#include "domain/intake/updates.h"

#include <string.h>

#include "domain/config/config.h"
#include "domain/intake/calendar.h"

static int load_strings(const json_t *root, const char *version, const char *key,
                        char *out, size_t width, size_t max, size_t *n, struct fc_err *err)
{
    json_t *arr;
    int rc = config_json_array(root, version, key, &arr, err);
    if (rc == FC_OK && (json_array_size(arr) == 0 || json_array_size(arr) > max))
        rc = err_set(err, FC_EINVAL, key, "must list 1 to %zu values", max);
    for (size_t i = 0; rc == FC_OK && i < json_array_size(arr); i++)
        rc = config_copy(out + i * width, width, json_string_value(json_array_get(arr, i)), key,
                         err);
    if (rc == FC_OK)
        *n = json_array_size(arr);
    return rc;
}

int updates_config_load(const char *version, struct updates_config *out, struct fc_err *err)
{
    json_t *root = NULL;
    memset(out, 0, sizeof(*out));
    int rc = config_json_load(version, &root, err);
    if (rc != FC_OK)
        return rc;
    rc = config_copy(out->version, sizeof(out->version), version, "version", err);
    if (rc == FC_OK)
        rc = config_json_int(root, version, "default_frequency_working_days",
                             &out->default_frequency_wd, err);
    if (rc == FC_OK)
        rc = config_json_str(root, version, "default_channel", out->default_channel,
                             sizeof(out->default_channel), err);
    if (rc == FC_OK)
        rc = config_json_int(root, version, "enhanced_key_event_working_days",
                             &out->enhanced_key_event_wd, err);
    if (rc == FC_OK)
        rc = config_json_int(root, version, "standard_key_event_working_days",
                             &out->standard_key_event_wd, err);
    if (rc == FC_OK)
        rc = config_json_int(root, version, "enhanced_min_prior_contacts",
                             &out->enhanced_min_prior_contacts, err);
    if (rc == FC_OK)
        rc = config_json_bool(root, version, "closure_update_required",
                              &out->closure_update_required, err);
    if (rc == FC_OK)
        rc = load_strings(root, version, "channels", &out->channels[0][0], 16,
                          UPDATES_MAX_CHANNELS, &out->n_channels, err);
    if (rc == FC_OK)
        rc = load_strings(root, version, "closure_codes", &out->closure_codes[0][0], 32,
                          UPDATES_MAX_CODES, &out->n_closure_codes, err);
    if (rc == FC_OK && !updates_channel_known(out, out->default_channel))
        rc = err_set(err, FC_EINVAL, "default_channel", "must be one of the channels");
    json_decref(root);
    return rc;
}

bool updates_is_enhanced(const struct updates_config *cfg, const struct updates_victim *v)
{
    return (v->has_level && v->level >= RISK_MEDIUM) || v->flag_in_force || v->is_hate ||
           v->prior_contacts_12m >= cfg->enhanced_min_prior_contacts;
}

bool updates_channel_known(const struct updates_config *cfg, const char *channel)
{
    for (size_t i = 0; channel != NULL && i < cfg->n_channels; i++)
        if (strcmp(cfg->channels[i], channel) == 0)
            return true;
    return false;
}

bool updates_closure_code_known(const struct updates_config *cfg, const char *code)
{
    for (size_t i = 0; code != NULL && i < cfg->n_closure_codes; i++)
        if (strcmp(cfg->closure_codes[i], code) == 0)
            return true;
    return false;
}

int updates_plan_validate(const struct updates_config *cfg, int *frequency_wd,
                          const char **channel, struct fc_err *err)
{
    if (*frequency_wd == 0)
        *frequency_wd = cfg->default_frequency_wd;
    if (*frequency_wd < 1 || *frequency_wd > 60)
        return err_set(err, FC_EINVAL, "frequency_working_days", "must be 1 to 60");
    if (*channel == NULL)
        *channel = cfg->default_channel;
    if (!updates_channel_known(cfg, *channel))
        return err_set(err, FC_EINVAL, "channel", "is not a known update channel");
    return FC_OK;
}

fc_time_t updates_next_due(int frequency_wd, fc_time_t last_at)
{
    return calendar_working_deadline(last_at, frequency_wd);
}

fc_time_t updates_key_event_due(const struct updates_config *cfg, bool is_enhanced,
                                fc_time_t event_at)
{
    return calendar_working_deadline(event_at, is_enhanced ? cfg->enhanced_key_event_wd
                                                           : cfg->standard_key_event_wd);
}
