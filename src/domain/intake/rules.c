/* intake/rules.c: see rules.h. */
#include "domain/intake/rules.h"

#include <pthread.h>
#include <stdlib.h>

#include "util/log.h"

int intake_rules_load(struct intake_rules **out, struct fc_err *err)
{
    struct intake_rules *r = calloc(1, sizeof(*r));
    if (r == NULL)
        return err_set(err, FC_ENOMEM, "", "out of memory loading rules");
    int rc = risk_config_load("risk/v1", &r->risk, err);
    if (rc == FC_OK)
        rc = grading_config_load("grading/v1", &r->grading, err);
    if (rc == FC_OK)
        rc = definitions_config_load("definitions/v1", &r->definitions, err);
    if (rc == FC_OK)
        rc = tasks_config_load("tasks/v1", &r->tasks, err);
    if (rc == FC_OK)
        rc = trigger_config_load("trigger/v1", &r->trigger, err);
    if (rc == FC_OK)
        rc = updates_config_load("updates/v1", &r->updates, err);
    if (rc == FC_OK)
        rc = teams_map_load("team_areas/v1", &r->teams, err);
    if (rc != FC_OK) {
        intake_rules_free(r);
        return rc;
    }
    *out = r;
    return FC_OK;
}

void intake_rules_free(struct intake_rules *r)
{
    if (r == NULL)
        return;
    teams_map_free(&r->teams);
    free(r);
}

static pthread_once_t shared_once = PTHREAD_ONCE_INIT;
static struct intake_rules *shared_rules;
static struct fc_err shared_err;

static void shared_load(void)
{
    if (intake_rules_load(&shared_rules, &shared_err) != FC_OK)
        log_emit(LOG_ERROR, "intake.rules_load_failed", "field=%s msg=\"%s\"", shared_err.field,
                 shared_err.msg);
}

const struct intake_rules *intake_rules_shared(struct fc_err *err)
{
    pthread_once(&shared_once, shared_load);
    if (shared_rules == NULL && err != NULL)
        *err = shared_err;
    return shared_rules;
}
