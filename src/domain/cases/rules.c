/* cases/rules.c: review, action plan, assessment and closure rules (see rules.h). */
#include "domain/cases/rules.h"

#include <string.h>

fc_time_t cases_review_next_due(fc_time_t from, int interval_days)
{
    if (interval_days <= 0)
        interval_days = CASES_REVIEW_DEFAULT_DAYS;
    return from + (fc_time_t)interval_days * CASES_DAY_S;
}

enum cases_review_state cases_review_state_at(fc_time_t due_at, fc_time_t now)
{
    if (now > due_at)
        return CASES_REVIEW_OVERDUE;
    if (due_at - now <= (fc_time_t)CASES_REVIEW_SOON_DAYS * CASES_DAY_S)
        return CASES_REVIEW_DUE_SOON;
    return CASES_REVIEW_NOT_DUE;
}

int cases_review_interval_check(int interval_days, struct fc_err *err)
{
    if (interval_days < CASES_REVIEW_MIN_DAYS || interval_days > CASES_REVIEW_MAX_DAYS)
        return err_set(err, FC_EINVAL, "review_interval_days", "must be between %d and %d days",
                       CASES_REVIEW_MIN_DAYS, CASES_REVIEW_MAX_DAYS);
    return FC_OK;
}

bool cases_review_needs_escalation(bool is_open, fc_time_t due_at, fc_time_t now,
                                   fc_time_t escalated_for_due_at)
{
    if (!is_open || due_at == 0)
        return false;
    if (cases_review_state_at(due_at, now) != CASES_REVIEW_OVERDUE)
        return false;
    return escalated_for_due_at != due_at;
}

static bool same_team(const char *a, const char *b)
{
    return a != NULL && b != NULL && a[0] != '\0' && strcmp(a, b) == 0;
}

fc_id_t cases_supervisor_pick(const struct cases_staff *lead, const struct cases_staff *staff,
                              size_t n)
{
    fc_id_t team_pick = 0, org_pick = 0;
    for (size_t i = 0; i < n; i++) {
        const struct cases_staff *s = &staff[i];
        if (s->role != ROLE_SUPERVISOR || s->is_disabled || s->org_id != lead->org_id ||
            s->user_id == lead->user_id)
            continue;
        if (same_team(s->team, lead->team) && (team_pick == 0 || s->user_id < team_pick))
            team_pick = s->user_id;
        if (org_pick == 0 || s->user_id < org_pick)
            org_pick = s->user_id;
    }
    return team_pick != 0 ? team_pick : org_pick;
}

static const char *const action_status_names[] = { "planned", "in_progress", "done",
                                                   "cancelled" };

const char *cases_action_status_name(enum cases_action_status s)
{
    if ((unsigned)s > CASES_ACTION_CANCELLED)
        return "planned";
    return action_status_names[s];
}

bool cases_action_status_parse(const char *s, enum cases_action_status *out)
{
    for (unsigned i = 0; s != NULL && i <= CASES_ACTION_CANCELLED; i++) {
        if (strcmp(s, action_status_names[i]) == 0) {
            *out = (enum cases_action_status)i;
            return true;
        }
    }
    return false;
}

bool cases_action_transition_ok(enum cases_action_status from, enum cases_action_status to)
{
    switch (from) {
    case CASES_ACTION_PLANNED:
        return to != CASES_ACTION_PLANNED;
    case CASES_ACTION_IN_PROGRESS:
        return to == CASES_ACTION_DONE || to == CASES_ACTION_CANCELLED;
    case CASES_ACTION_DONE:
    case CASES_ACTION_CANCELLED:
        return false;
    }
    return false;
}

bool cases_action_is_overdue(enum cases_action_status s, fc_time_t due_at, fc_time_t now)
{
    bool is_open = s == CASES_ACTION_PLANNED || s == CASES_ACTION_IN_PROGRESS;
    return is_open && due_at != 0 && now > due_at;
}

int cases_action_check(const struct cases_action_check_input *in,
                       const struct cases_action_brief *existing, size_t n_existing,
                       fc_time_t *due_out, struct fc_err *err)
{
    const struct cases_intervention_info *info = cases_catalogue_get(in->intervention);
    if (info == NULL)
        return err_set(err, FC_EINVAL, "intervention", "is not in the catalogue");
    size_t title_len = in->title ? strlen(in->title) : 0;
    if (in->intervention == CASES_IV_FREE && title_len == 0)
        return err_set(err, FC_EINVAL, "title", "is required for a free action");
    if (title_len > 200)
        return err_set(err, FC_EINVAL, "title", "must be at most 200 bytes");
    if ((info->issuers & cases_issuer_of(in->owner_org_kind)) == 0)
        return err_set(err, FC_EINVAL, "owner_org_id",
                       "this organisation cannot take a %s", info->label);
    if (info->min_age_years > 0 && in->subject_age_years >= 0 &&
        in->subject_age_years < info->min_age_years)
        return err_set(err, FC_EINVAL, "subject_person_id",
                       "a %s needs a subject aged %d or over", info->label,
                       info->min_age_years);
    if (info->requires >= 0) {
        bool is_met = false;
        for (size_t i = 0; i < n_existing && !is_met; i++) {
            const struct cases_action_brief *b = &existing[i];
            is_met = (int)b->intervention == info->requires && b->status == CASES_ACTION_DONE &&
                     (in->subject_person_id == 0 || b->subject_person_id == 0 ||
                      b->subject_person_id == in->subject_person_id);
        }
        if (!is_met)
            return err_set(err, FC_EINVAL, "intervention", "a %s needs a completed %s first",
                           info->label, cases_catalogue_get(info->requires)->label);
    }
    fc_time_t due = in->due_at;
    if (due == 0)
        due = in->now + (fc_time_t)info->default_due_days * CASES_DAY_S;
    else if (due < in->now - CASES_DAY_S) /* a day's grace for "due today" entered late */
        return err_set(err, FC_EINVAL, "due_at", "must not be in the past");
    *due_out = due;
    return FC_OK;
}

static const char *const origin_names[] = { "incident", "community_trigger", "partner_referral",
                                            "manual" };

const char *cases_origin_name(enum cases_origin o)
{
    if ((unsigned)o > CASES_ORIGIN_MANUAL)
        return "manual";
    return origin_names[o];
}

bool cases_origin_parse(const char *s, enum cases_origin *out)
{
    for (unsigned i = 0; s != NULL && i <= CASES_ORIGIN_MANUAL; i++) {
        if (strcmp(s, origin_names[i]) == 0) {
            *out = (enum cases_origin)i;
            return true;
        }
    }
    return false;
}

static const char *const risk_names[] = { "standard", "medium", "high" };

const char *cases_risk_name(enum cases_risk r)
{
    if ((unsigned)r > CASES_RISK_HIGH)
        return "standard";
    return risk_names[r];
}

bool cases_risk_parse(const char *s, enum cases_risk *out)
{
    for (unsigned i = 0; s != NULL && i <= CASES_RISK_HIGH; i++) {
        if (strcmp(s, risk_names[i]) == 0) {
            *out = (enum cases_risk)i;
            return true;
        }
    }
    return false;
}

int cases_risk_change_check(enum cases_risk from, enum cases_risk to, enum user_role role,
                            const char *reason, struct fc_err *err)
{
    if (to >= from)
        return FC_OK;
    if (role != ROLE_SUPERVISOR)
        return err_set(err, FC_EDENIED, "risk_level", "only a supervisor may lower a risk level");
    if (reason == NULL || reason[0] == '\0')
        return err_set(err, FC_EINVAL, "reason", "is required to lower a risk level");
    return FC_OK;
}

int cases_closure_check(const char *outcome, const char *reason, struct fc_err *err)
{
    static const char *const outcomes[] = { "resolved", "partly_resolved", "not_resolved",
                                            "transferred", "no_further_action" };
    bool is_known = false;
    for (size_t i = 0; outcome != NULL && i < sizeof(outcomes) / sizeof(outcomes[0]); i++)
        is_known = is_known || strcmp(outcome, outcomes[i]) == 0;
    if (!is_known)
        return err_set(err, FC_EINVAL, "outcome",
                       "must be resolved, partly_resolved, not_resolved, transferred or "
                       "no_further_action");
    if (reason == NULL || reason[0] == '\0')
        return err_set(err, FC_EINVAL, "reason", "is required to close a case");
    if (strlen(reason) > 2000)
        return err_set(err, FC_EINVAL, "reason", "must be at most 2000 bytes");
    return FC_OK;
}

bool cases_party_role_is_valid(const char *role)
{
    return role != NULL && (strcmp(role, "victim") == 0 || strcmp(role, "perpetrator") == 0 ||
                            strcmp(role, "witness") == 0 || strcmp(role, "other") == 0);
}

int cases_sharing_basis_check(const char *basis, struct fc_err *err)
{
    if (basis == NULL || basis[0] == '\0')
        return err_set(err, FC_EINVAL, "sharing_basis",
                       "is required (e.g. Crime and Disorder Act 1998 s115 or the local "
                       "agreement reference)");
    if (strlen(basis) > 200)
        return err_set(err, FC_EINVAL, "sharing_basis", "must be at most 200 bytes");
    return FC_OK;
}
