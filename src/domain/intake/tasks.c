/* intake/tasks.c: see tasks.h. */
#include "domain/intake/tasks.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "domain/config/config.h"

int tasks_config_load(const char *version, struct tasks_config *out, struct fc_err *err)
{
    json_t *root = NULL;
    memset(out, 0, sizeof(*out));
    int rc = config_json_load(version, &root, err);
    if (rc != FC_OK)
        return rc;
    rc = config_copy(out->version, sizeof(out->version), version, "version", err);
    if (rc == FC_OK)
        rc = config_json_int(root, version, "supervisor_review_hours",
                             &out->supervisor_review_hours, err);
    if (rc == FC_OK)
        rc = config_json_int(root, version, "partner_referral_hours",
                             &out->partner_referral_hours, err);
    if (rc == FC_OK)
        rc = config_json_str(root, version, "default_team", out->default_team,
                             sizeof(out->default_team), err);
    if (rc == FC_OK)
        rc = config_json_bool(root, version, "escalate_overdue_reviews",
                              &out->escalate_overdue_reviews, err);
    json_decref(root);
    return rc;
}

static void plan(struct task_plan *out, size_t max, size_t *n, const char *kind,
                 const char *rank, fc_time_t due_at, const char *fmt, ...)
    __attribute__((format(printf, 7, 8)));

static void plan(struct task_plan *out, size_t max, size_t *n, const char *kind,
                 const char *rank, fc_time_t due_at, const char *fmt, ...)
{
    if (*n >= max)
        return;
    struct task_plan *p = &out[(*n)++];
    memset(p, 0, sizeof(*p));
    snprintf(p->kind, sizeof(p->kind), "%s", kind);
    snprintf(p->rank, sizeof(p->rank), "%s", rank);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(p->reason, sizeof(p->reason), fmt, ap);
    va_end(ap);
    p->due_at = due_at;
}

size_t tasks_plan_contact(const struct tasks_config *tcfg, const struct risk_config *rcfg,
                          const struct grading_config *gcfg, const struct tasks_input *in,
                          struct task_plan *out, size_t max)
{
    size_t n = 0;
    if (in->needs_full && !in->has_level)
        plan(out, max, &n, "full_assessment", "", in->at + rcfg->full_assessment_hours * 3600L,
             "not low risk: full assessment within %d h", rcfg->full_assessment_hours);
    if (in->has_grade) {
        long secs = grading_target_seconds(gcfg, in->grade, in->is_rural);
        bool resolved = in->grade == GRADE_RESOLVED_FIRST_CONTACT;
        plan(out, max, &n, resolved ? "call_back" : "visit", "", in->at + secs,
             "grade %s: %s within %ld min", grading_grade_name(in->grade),
             resolved ? "call back" : "attend", secs / 60);
    }
    bool is_high = in->has_level && in->level == RISK_HIGH;
    if (is_high || in->is_repeat)
        plan(out, max, &n, "review", "supervisor", in->at + tcfg->supervisor_review_hours * 3600L,
             "%s contact: supervisor review", is_high ? "high-risk" : "repeat");
    if (in->has_case)
        plan(out, max, &n, "partner_referral", "", in->at + tcfg->partner_referral_hours * 3600L,
             "case exists: partner referral within %d h", tcfg->partner_referral_hours);
    return n;
}

size_t tasks_plan_assessment(const struct tasks_config *tcfg, const struct risk_config *rcfg,
                             const struct tasks_input *in, struct task_plan *out, size_t max)
{
    size_t n = 0;
    if (!in->has_level)
        return 0;
    const struct risk_response *r = &rcfg->response[in->level];
    const char *lv = risk_level_name(in->level);
    if (r->first_contact_hours > 0)
        plan(out, max, &n, "call_back", "", in->at + r->first_contact_hours * 3600L,
             "risk %s: contact victim within %d h", lv, r->first_contact_hours);
    if (r->action_plan_hours > 0)
        plan(out, max, &n, "action_plan", "", in->at + r->action_plan_hours * 3600L,
             "risk %s: action plan within %d h", lv, r->action_plan_hours);
    if (in->level == RISK_HIGH || in->is_repeat)
        plan(out, max, &n, "review", "supervisor", in->at + tcfg->supervisor_review_hours * 3600L,
             "%s contact: supervisor review", in->level == RISK_HIGH ? "high-risk" : "repeat");
    struct risk_review_due due[RISK_MAX_REVIEWS];
    size_t nd = risk_reviews_plan(rcfg, in->level, in->at, due, RISK_MAX_REVIEWS);
    for (size_t i = 0; i < nd; i++)
        plan(out, max, &n, "review", due[i].rank, due[i].due_at, "risk %s: %s review", lv,
             due[i].rank);
    if (in->has_case)
        plan(out, max, &n, "partner_referral", "", in->at + tcfg->partner_referral_hours * 3600L,
             "case exists: partner referral within %d h", tcfg->partner_referral_hours);
    return n;
}

bool tasks_is_overdue(fc_time_t due_at, bool is_open, fc_time_t now)
{
    return is_open && due_at < now;
}
