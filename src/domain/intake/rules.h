/*
 * intake/rules.h: the rule sets call handling runs on, loaded together at start.
 *
 * Bundles risk/v1, grading/v1, definitions/v1, tasks/v1, trigger/v1, updates/v1 and
 * team_areas/v1 under the versions named in INTAKE_RULES_DEFAULT. Loaded once at start and
 * read-only afterwards, so any thread may read it. Records keep the version strings, so a
 * later version never reinterprets an old decision.
 */
#ifndef FC_DOMAIN_INTAKE_RULES_H
#define FC_DOMAIN_INTAKE_RULES_H

#include "domain/grading/grading.h"
#include "domain/intake/history.h"
#include "domain/intake/tasks.h"
#include "domain/intake/teams.h"
#include "domain/intake/trigger.h"
#include "domain/intake/updates.h"
#include "domain/risk/risk.h"

struct intake_rules {
    struct risk_config risk;
    struct grading_config grading;
    struct definitions_config definitions;
    struct tasks_config tasks;
    struct trigger_config trigger;
    struct updates_config updates;
    struct teams_map teams;
};

/* Loads the current versions of every rule set. *out is heap-allocated (the configs are a
 * few tens of kilobytes); free with intake_rules_free. */
int intake_rules_load(struct intake_rules **out, struct fc_err *err);
void intake_rules_free(struct intake_rules *r); /* NULL-safe */

/*
 * The process-wide rules, loaded on first use (pthread_once) and kept for the life of the
 * process; NULL (err filled) if the embedded configuration does not load, which is a build
 * defect. Any thread may call it.
 */
const struct intake_rules *intake_rules_shared(struct fc_err *err);

#endif
