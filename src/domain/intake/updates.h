/*
 * intake/updates.h: victim updates under the Victims' Code, and closing (DESIGN 10).
 *
 * Owns updates/v1: every contact gets an update plan with a frequency and a channel agreed
 * with the victim (default every 10 working days while the incident is open); enhanced
 * victims (medium or high risk, a flag in force, persistent, or hate) are updated within
 * 1 working day of a key event, others within 5; a closure update is always sent. Also the
 * closure codes. Pure, thread-safe.
 */
#ifndef FC_DOMAIN_INTAKE_UPDATES_H
#define FC_DOMAIN_INTAKE_UPDATES_H

#include <stdbool.h>
#include <stddef.h>

#include "domain/risk/risk.h"
#include "store/model.h"
#include "util/err.h"

#define UPDATES_MAX_CHANNELS 8
#define UPDATES_MAX_CODES    16

struct updates_config {
    char version[24];
    int default_frequency_wd;
    char default_channel[16];
    size_t n_channels, n_closure_codes;
    char channels[UPDATES_MAX_CHANNELS][16];
    int enhanced_key_event_wd, standard_key_event_wd;
    int enhanced_min_prior_contacts;
    bool closure_update_required;
    char closure_codes[UPDATES_MAX_CODES][32];
};

struct updates_victim {
    bool has_level;
    enum risk_level level;
    bool flag_in_force;
    int prior_contacts_12m;
    bool is_hate;
};

int updates_config_load(const char *version, struct updates_config *out, struct fc_err *err);

/* Enhanced service under the Code (DESIGN 10 rule 2). */
bool updates_is_enhanced(const struct updates_config *cfg, const struct updates_victim *v);

/* Checks an agreed plan: frequency 1..60 working days (0 picks the default) and a known
 * channel (NULL picks the default). Writes the effective values. */
int updates_plan_validate(const struct updates_config *cfg, int *frequency_wd,
                          const char **channel, struct fc_err *err);

/* When the next routine update is due after the last one (or the plan's start). */
fc_time_t updates_next_due(int frequency_wd, fc_time_t last_at);

/* When an update about a key event (arrest, charge, ...) is due. */
fc_time_t updates_key_event_due(const struct updates_config *cfg, bool is_enhanced,
                                fc_time_t event_at);

bool updates_channel_known(const struct updates_config *cfg, const char *channel);
bool updates_closure_code_known(const struct updates_config *cfg, const char *code);

#endif
