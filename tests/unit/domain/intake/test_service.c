/*
 * Tests for intake/intake over a real store: whole calls from first contact to closure
 * (issue 4's "done when" paths), with the clock frozen so due times are exact.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "domain/intake/intake.h"
#include "unit/store/store_fixture.h"
#include "util/timeutil.h"

#define DAY 86400

struct world {
    struct store_fixture *fx;
    struct store *s;
    struct intake_rules *rules;
    fc_id_t org, handler, officer, supervisor;
    struct intake_actor as_handler, as_officer, as_supervisor;
};

static int64_t t(const char *iso)
{
    int64_t v;
    int off;
    assert_true(time_parse_iso8601(iso, &v, &off));
    return v;
}

static fc_id_t add_user(struct store *s, fc_id_t org, const char *name, enum user_role role)
{
    struct user u = { .org_id = org, .username = (char *)name, .role = role };
    struct fc_err err = { 0 };
    fc_id_t id = 0;
    assert_int_equal(store_user_insert(s, &u, &id, &err), FC_OK);
    return id;
}

static int setup(void **state)
{
    struct world *w = calloc(1, sizeof(*w));
    struct fc_err err = { 0 };
    void *fx = NULL;
    if (w == NULL || fixture_setup(&fx) != 0)
        return -1;
    w->fx = fx;
    w->s = w->fx->store;
    if (intake_rules_load(&w->rules, &err) != FC_OK || intake_teams_sync(w->s, w->rules, &err))
        return -1;
    struct organisation o = { .kind = ORG_FORCE, .name = "Leicestershire Police" };
    if (store_org_insert(w->s, &o, &w->org, &err) != FC_OK)
        return -1;
    w->handler = add_user(w->s, w->org, "handler", ROLE_CALL_HANDLER);
    w->officer = add_user(w->s, w->org, "officer", ROLE_OFFICER);
    w->supervisor = add_user(w->s, w->org, "sergeant", ROLE_SUPERVISOR);
    w->as_handler = (struct intake_actor){ w->handler, ROLE_CALL_HANDLER, 0 };
    w->as_officer = (struct intake_actor){ w->officer, ROLE_OFFICER, 0 };
    w->as_supervisor = (struct intake_actor){ w->supervisor, ROLE_SUPERVISOR, 0 };
    *state = w;
    return 0;
}

/* A store that was never given the team map: raising a task must still work. */
static int setup_without_teams(void **state)
{
    if (setup(state) != 0)
        return -1;
    struct world *w = *state;
    return fixture_raw_sql(w->fx, "DELETE FROM team_area; DELETE FROM team;");
}

static int teardown(void **state)
{
    struct world *w = *state;
    intake_rules_free(w->rules);
    void *fx = w->fx;
    fixture_teardown(&fx);
    free(w);
    return 0;
}

static void at(struct world *w, fc_time_t now)
{
    w->as_handler.now = w->as_officer.now = w->as_supervisor.now = now;
}

static fc_id_t add_person(struct world *w, const char *surname)
{
    struct person_name n = { .raw = (char *)surname, .surname = (char *)surname,
                             .prov = { "manual", 0, 1 } };
    struct person p = { .created_at = 1, .n_names = 1, .names = &n };
    struct fc_err err = { 0 };
    fc_id_t id = 0;
    assert_int_equal(store_person_insert(w->s, &p, &id, &err), FC_OK);
    return id;
}

/* One call: a contact by `caller` about a new incident at `key`; returns the incident. */
static fc_id_t call(struct world *w, fc_id_t caller, fc_time_t when, enum nsir_category cat,
                    const char *type, const char *key, fc_id_t *contact_out)
{
    struct incident_person ip = { caller, ROLE_IN_VICTIM, false };
    struct incident inc = { .org_id = w->org,
                            .category = cat,
                            .incident_type = (char *)type,
                            .location_key = (char *)key,
                            .lsoa_code = "E01013600",
                            .lat = NAN,
                            .lon = NAN,
                            .status = INCIDENT_OPEN,
                            .occurred_at = when - 3600,
                            .created_at = when,
                            .n_persons = caller ? 1 : 0,
                            .persons = &ip };
    struct fc_err err = { 0 };
    fc_id_t iid = 0, cid = 0;
    assert_int_equal(store_incident_insert(w->s, &inc, &iid, &err), FC_OK);
    struct contact c = { .channel = CHANNEL_PHONE,
                         .received_at = when,
                         .handler_user_id = w->handler,
                         .org_id = w->org,
                         .caller_person_id = caller,
                         .incident_id = iid,
                         .created_at = when };
    assert_int_equal(store_contact_insert(w->s, &c, &cid, &err), FC_OK);
    if (contact_out)
        *contact_out = cid;
    return iid;
}

static void answers(struct world *w, const char *stage, struct risk_answers *a,
                    const char *const *kv, size_t n)
{
    memset(a, 0, sizeof(*a));
    for (size_t i = 0; i < n; i++) {
        char id[16];
        const char *eq = strchr(kv[i], '=');
        memcpy(id, kv[i], (size_t)(eq - kv[i]));
        id[eq - kv[i]] = '\0';
        struct fc_err err;
        assert_int_equal(risk_answers_add(&w->rules->risk, stage, a, id, eq + 1, &err), FC_OK);
    }
}

static const struct task_rec *find_task(const struct task_rec *ts, size_t n, const char *kind,
                                        const char *rank, const char *status)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(ts[i].kind, kind) == 0 && strcmp(ts[i].rank, rank) == 0 &&
            strcmp(ts[i].status, status) == 0)
            return &ts[i];
    return NULL;
}

static void incident_tasks(struct world *w, fc_id_t iid, struct arena *a, struct task_rec **ts,
                           size_t *n)
{
    struct task_query q = { .incident_id = iid };
    struct fc_err err;
    assert_int_equal(store_task_search(w->s, &q, a, ts, n, &err), FC_OK);
}

static void test_first_time_caller_is_low_risk(void **state)
{
    struct world *w = *state;
    struct fc_err err = { 0 };
    struct arena a;
    arena_init(&a, 0);
    fc_time_t now = t("2026-11-02T10:00:00Z");
    at(w, now);
    fc_id_t caller = add_person(w, "Firsttime");
    fc_id_t cid, iid = call(w, caller, now, NSIR_NUISANCE, "noise", "1 elm st le1", &cid);
    struct contact_labels_rec l;
    assert_int_equal(intake_contact_labels(w->s, w->rules, &w->as_handler, cid, false, &a, &l,
                                           &err),
                     FC_OK);
    assert_int_equal(l.prior_calls_12m, 0);
    assert_false(l.is_repeat_victim);
    assert_false(l.is_vulnerable);
    assert_int_equal(l.trigger_count, 1);
    struct risk_answers ans;
    static const char *const kv[] = { "S1=no", "S2=no", "S3=no", "S4=no",
                                      "S5=no", "S6=yes", "S7=no" };
    answers(w, "screening", &ans, kv, 7);
    struct intake_risk_outcome ro;
    assert_int_equal(intake_screen(w->s, w->rules, &w->as_handler, iid, cid, &ans, &ro, &err),
                     FC_OK);
    assert_false(ro.result.needs_full);
    assert_int_equal(ro.level, RISK_STANDARD);
    assert_int_equal(ro.n_tasks, 0);
    struct intake_grade_outcome go;
    assert_int_equal(intake_grade(w->s, w->rules, &w->as_handler, iid, NULL, 0, NULL, NULL, &go,
                                  &err),
                     FC_OK);
    assert_int_equal(go.grade, GRADE_SCHEDULED);
    struct incident inc;
    assert_int_equal(store_incident_get(w->s, iid, &a, &inc, &err), FC_OK);
    assert_string_equal(inc.risk_level, "standard");
    assert_string_equal(inc.grade, "scheduled");
    struct task_rec *ts;
    size_t n;
    incident_tasks(w, iid, &a, &ts, &n);
    assert_int_equal(n, 1);
    assert_string_equal(ts[0].kind, "visit");
    assert_string_equal(ts[0].team_id, "npt_leicester");
    assert_int_equal(ts[0].due_at, now + 48 * 3600);
    arena_free(&a);
}

static fc_id_t add_flag(struct world *w, fc_id_t person, fc_time_t when)
{
    struct flag f = { .person_id = person, .kind = "vulnerable",
                      .agency = "Charnwood Borough Council", .reason = "learning disability",
                      .flagged_at = when, .match_probability = 1 };
    struct fc_err err = { 0 };
    fc_id_t id = 0;
    assert_int_equal(store_flag_insert(w->s, &f, &id, &err), FC_OK);
    return id;
}

static void test_repeat_vulnerable_victim_goes_high_with_reviews(void **state)
{
    struct world *w = *state;
    struct fc_err err = { 0 };
    struct arena a;
    arena_init(&a, 0);
    fc_time_t now = t("2026-11-03T09:00:00Z");
    fc_id_t victim = add_person(w, "Repeat");
    add_flag(w, victim, now - 200 * DAY);
    call(w, victim, now - 100 * DAY, NSIR_PERSONAL, "intimidation_harassment", "9 oak rd", NULL);
    call(w, victim, now - 40 * DAY, NSIR_PERSONAL, "intimidation_harassment", "9 oak rd", NULL);
    fc_id_t cid, iid = call(w, victim, now, NSIR_PERSONAL, "intimidation_harassment", "9 oak rd",
                            &cid);
    at(w, now);
    struct contact_labels_rec l;
    assert_int_equal(intake_contact_labels(w->s, w->rules, &w->as_handler, cid, false, &a, &l,
                                           &err),
                     FC_OK);
    assert_int_equal(l.prior_calls_12m, 2);
    assert_true(l.is_repeat_victim);
    assert_true(l.is_vulnerable);
    assert_string_equal(l.vulnerable_basis, "flag");
    assert_true(l.is_repeat_location);
    assert_non_null(strstr(l.flags_shown, "Charnwood Borough Council"));
    assert_null(strstr(l.flags_shown, "learning disability")); /* never the reason */
    assert_true(l.trigger_eligible); /* third complaint in six months */

    struct risk_answers ans;
    static const char *const kv[] = { "S1=yes", "S3=yes", "S6=yes", "S7=no" };
    answers(w, "screening", &ans, kv, 4);
    struct intake_risk_outcome ro;
    assert_int_equal(intake_screen(w->s, w->rules, &w->as_handler, iid, cid, &ans, &ro, &err),
                     FC_OK);
    assert_true(ro.result.needs_full);
    assert_int_equal(ro.level, RISK_MEDIUM);
    struct intake_grade_outcome go;
    assert_int_equal(intake_grade(w->s, w->rules, &w->as_handler, iid, NULL, 0, NULL, NULL, &go,
                                  &err),
                     FC_OK);
    assert_int_equal(go.grade, GRADE_SCHEDULED);
    struct task_rec *ts;
    size_t n;
    incident_tasks(w, iid, &a, &ts, &n);
    const struct task_rec *full = find_task(ts, n, "full_assessment", "", "open");
    assert_non_null(full);
    assert_int_equal(full->due_at, now + 24 * 3600);
    assert_non_null(find_task(ts, n, "review", "supervisor", "open"));

    /* a call handler may not complete the full assessment */
    static const char *const fkv[] = { "F1=yes", "F3=yes", "F4=yes", "F5=yes", "F6=daily",
                                       "F7=yes", "F9=yes", "F12=yes" };
    answers(w, "full", &ans, fkv, 8);
    assert_int_equal(intake_assess_full(w->s, w->rules, &w->as_handler, iid, &ans, &ro, &err),
                     FC_EDENIED);
    fc_time_t later = now + 6 * 3600;
    at(w, later);
    assert_int_equal(intake_assess_full(w->s, w->rules, &w->as_officer, iid, &ans, &ro, &err),
                     FC_OK);
    /* 3+2+2+2+3+3+3+3 = 21, X1 2, X2 4: 27 */
    assert_int_equal(ro.result.score, 27);
    assert_int_equal(ro.level, RISK_HIGH);
    assert_true(ro.regraded);
    struct incident inc;
    assert_int_equal(store_incident_get(w->s, iid, &a, &inc, &err), FC_OK);
    assert_string_equal(inc.risk_level, "high");
    assert_string_equal(inc.grade, "priority");
    incident_tasks(w, iid, &a, &ts, &n);
    assert_non_null(find_task(ts, n, "full_assessment", "", "done"));
    assert_int_equal(find_task(ts, n, "call_back", "", "open")->due_at, later + 24 * 3600);
    assert_int_equal(find_task(ts, n, "review", "sergeant", "open")->due_at, later + 14 * DAY);
    assert_int_equal(find_task(ts, n, "review", "inspector", "open")->due_at, later + 28 * DAY);
    assert_int_equal(find_task(ts, n, "review", "chief_inspector", "open")->due_at,
                     later + 56 * DAY);
    struct update_plan_rec p;
    assert_int_equal(store_update_plan_current(w->s, iid, &a, &p, &err), FC_OK);
    assert_true(p.is_enhanced);

    /* overdue reviews escalate */
    at(w, later + 15 * DAY);
    size_t escalated = 0;
    assert_int_equal(intake_reviews_escalate(w->s, w->rules, &w->as_supervisor, &escalated, &err),
                     FC_OK);
    assert_true(escalated >= 2); /* the supervisor review and the sergeant's */
    struct task_rec *q;
    size_t nq;
    assert_int_equal(intake_tasks_queue(w->s, "npt_leicester", "overdue", later + 15 * DAY, 0, &a,
                                        &q, &nq, &err),
                     FC_OK);
    assert_true(nq >= 2);
    arena_free(&a);
}

static size_t audit_count(struct world *w, const char *type, fc_id_t id, struct arena *a)
{
    struct audit_event *ev;
    size_t n = 0;
    struct fc_err err;
    assert_int_equal(store_audit_list(w->s, type, id, 0, a, &ev, &n, &err), FC_OK);
    return n;
}

static void test_overrides_need_supervisor_to_lower_and_are_audited(void **state)
{
    struct world *w = *state;
    struct fc_err err = { 0 };
    struct arena a;
    arena_init(&a, 0);
    fc_time_t now = t("2026-11-04T09:00:00Z");
    at(w, now);
    fc_id_t victim = add_person(w, "Override");
    fc_id_t cid, iid = call(w, victim, now, NSIR_PERSONAL, "hate_motivated", "3 ash rd", &cid);
    struct risk_answers ans;
    static const char *const kv[] = { "S5=yes", "S6=yes" };
    answers(w, "screening", &ans, kv, 2);
    struct intake_risk_outcome ro;
    assert_int_equal(intake_screen(w->s, w->rules, &w->as_handler, iid, cid, &ans, &ro, &err),
                     FC_OK);
    assert_int_equal(ro.level, RISK_MEDIUM); /* hate floors at medium */
    struct risk_assessment_rec *ras;
    size_t before;
    assert_int_equal(store_risk_assessment_list(w->s, iid, 0, &a, &ras, &before, &err), FC_OK);
    /* lowering cancels the hate escalation: an officer may not */
    assert_int_equal(intake_risk_override(w->s, w->rules, &w->as_officer, iid, RISK_STANDARD,
                                          "caller withdrew hate element", &ro, &err),
                     FC_EDENIED);
    assert_int_equal(intake_risk_override(w->s, w->rules, &w->as_supervisor, iid, RISK_STANDARD,
                                          "", &ro, &err),
                     FC_EINVAL);
    size_t after;
    assert_int_equal(store_risk_assessment_list(w->s, iid, 0, &a, &ras, &after, &err), FC_OK);
    assert_int_equal(after, before); /* refused overrides write nothing */
    /* anyone may raise, with a reason */
    assert_int_equal(intake_risk_override(w->s, w->rules, &w->as_handler, iid, RISK_HIGH,
                                          "threats to burn the house", &ro, &err),
                     FC_OK);
    fc_id_t raised = ro.assessment_id;
    assert_int_equal(intake_risk_override(w->s, w->rules, &w->as_supervisor, iid, RISK_STANDARD,
                                          "reviewed with victim; not hate", &ro, &err),
                     FC_OK);
    assert_int_equal(store_risk_assessment_list(w->s, iid, 0, &a, &ras, &after, &err), FC_OK);
    assert_int_equal(after, before + 2);
    assert_string_equal(ras[after - 1].stage, "override");
    assert_string_equal(ras[after - 1].final_level, "standard");
    assert_int_equal(ras[after - 1].supersedes_id, raised);
    struct audit_event *ev;
    size_t nev;
    assert_int_equal(store_audit_list(w->s, "risk_assessment", ro.assessment_id, 0, &a, &ev,
                                      &nev, &err),
                     FC_OK);
    assert_int_equal(nev, 1);
    assert_string_equal(ev[0].purpose, "reviewed with victim; not hate");
    assert_int_equal(ev[0].actor_user_id, w->supervisor);
    assert_non_null(strstr(ev[0].detail, "escalation cancelled"));
    /* grading: high risk never resolved at first contact; an override needs a reason */
    assert_int_equal(intake_risk_override(w->s, w->rules, &w->as_handler, iid, RISK_HIGH,
                                          "new threats", &ro, &err),
                     FC_OK);
    enum grade g = GRADE_RESOLVED_FIRST_CONTACT;
    struct intake_grade_outcome go;
    assert_int_equal(intake_grade(w->s, w->rules, &w->as_supervisor, iid, NULL, 0, &g,
                                  "advice only", &go, &err),
                     FC_EINVAL);
    g = GRADE_EMERGENCY;
    assert_int_equal(intake_grade(w->s, w->rules, &w->as_handler, iid, NULL, 0, &g, NULL, &go,
                                  &err),
                     FC_EINVAL);
    size_t n_before = audit_count(w, "incident", iid, &a);
    assert_int_equal(intake_grade(w->s, w->rules, &w->as_handler, iid, NULL, 0, &g,
                                  "weapon seen", &go, &err),
                     FC_OK);
    assert_true(go.is_override);
    assert_int_equal(audit_count(w, "incident", iid, &a), n_before + 1);
    struct grade_rec *gr;
    size_t ng;
    assert_int_equal(store_grade_list(w->s, iid, &a, &gr, &ng, &err), FC_OK);
    assert_int_equal(ng, 1);
    assert_string_equal(gr[0].grade, "emergency");
    assert_string_equal(gr[0].suggested, "priority");
    assert_string_equal(gr[0].reason, "weapon seen");
    arena_free(&a);
}

static void test_third_complaint_in_six_months_raises_trigger(void **state)
{
    struct world *w = *state;
    struct fc_err err = { 0 };
    struct arena a;
    arena_init(&a, 0);
    fc_time_t now = t("2026-11-27T10:00:00Z"); /* a Friday */
    fc_id_t p = add_person(w, "Trigger");
    call(w, p, now - 250 * DAY, NSIR_NUISANCE, "noise", "5 birch rd", NULL); /* too old */
    fc_id_t c1, c2, c3;
    call(w, p, now - 90 * DAY, NSIR_NUISANCE, "noise", "5 birch rd", &c1);
    fc_id_t i2 = call(w, p, now - 30 * DAY, NSIR_NUISANCE, "noise", "5 birch rd", &c2);
    fc_id_t i3 = call(w, p, now, NSIR_NUISANCE, "noise", "5 birch rd", &c3);
    (void)i2;
    struct trigger_status ts;
    assert_int_equal(intake_trigger_check(w->s, w->rules, c2, &ts, &err), FC_OK);
    assert_int_equal(ts.applicant_count, 2);
    assert_true(ts.should_prompt);
    assert_false(ts.is_eligible);
    assert_int_equal(intake_trigger_check(w->s, w->rules, c3, &ts, &err), FC_OK);
    assert_int_equal(ts.applicant_count, 3);
    assert_true(ts.is_eligible);
    at(w, now);
    struct intake_trigger_application app = { .applicant_person_id = p, .incident_id = i3,
                                              .contact_id = c3, .channel = "phone" };
    fc_id_t tid = 0;
    assert_int_equal(intake_trigger_open(w->s, w->rules, &w->as_handler, &app, &tid, &err),
                     FC_OK);
    struct community_trigger_rec tr;
    assert_int_equal(store_trigger_get(w->s, tid, &a, &tr, &err), FC_OK);
    assert_string_equal(tr.basis, "applicant");
    assert_int_equal(tr.applicant_count, 3);
    assert_int_equal(tr.n_steps, 4);
    assert_int_equal(tr.steps[0].due_at, t("2026-12-04T23:59:59Z"));
    assert_int_equal(tr.steps[1].due_at, t("2026-12-11T23:59:59Z"));
    assert_int_equal(tr.steps[2].due_at, 0);
    /* a call handler may not decide the threshold; a supervisor must give reasons */
    assert_int_equal(intake_trigger_step_done(w->s, w->rules, &w->as_handler, tid,
                                              "threshold_decision", true, "met", &err),
                     FC_EDENIED);
    at(w, t("2026-12-10T15:00:00Z"));
    assert_int_equal(intake_trigger_step_done(w->s, w->rules, &w->as_supervisor, tid,
                                              "threshold_decision", true,
                                              "three qualifying complaints", &err),
                     FC_OK);
    assert_int_equal(store_trigger_get(w->s, tid, &a, &tr, &err), FC_OK);
    assert_string_equal(tr.status, "threshold_met");
    assert_int_equal(tr.steps[2].due_at, t("2027-01-12T23:59:59Z"));
    assert_int_equal(intake_trigger_step_done(w->s, w->rules, &w->as_supervisor, tid,
                                              "outcome_letter", false, NULL, &err),
                     FC_ECONFLICT); /* the review has not been held */
    struct intake_trigger_application third = { .applicant_person_id = p, .channel = "phone",
                                                .is_third_party = true };
    assert_int_equal(intake_trigger_open(w->s, w->rules, &w->as_handler, &third, &tid, &err),
                     FC_EINVAL);
    assert_string_equal(err.field, "has_victim_consent");
    arena_free(&a);
}

static void test_close_queues_survey_and_sends_closure_update(void **state)
{
    struct world *w = *state;
    struct fc_err err = { 0 };
    struct arena a;
    arena_init(&a, 0);
    fc_time_t now = t("2026-11-05T09:00:00Z");
    at(w, now);
    fc_id_t p = add_person(w, "Closing");
    fc_id_t cid, iid = call(w, p, now, NSIR_ENVIRONMENTAL, "graffiti_criminal_damage", "7 yew",
                            &cid);
    struct risk_answers ans;
    static const char *const kv[] = { "S6=yes", "S7=yes" };
    answers(w, "screening", &ans, kv, 2);
    struct intake_risk_outcome ro;
    assert_int_equal(intake_screen(w->s, w->rules, &w->as_handler, iid, cid, &ans, &ro, &err),
                     FC_OK);
    fc_id_t plan = 0;
    assert_int_equal(intake_update_plan_set(w->s, w->rules, &w->as_handler, iid, 0, 5, "email",
                                            &plan, &err),
                     FC_OK);
    fc_id_t up = 0;
    at(w, now + DAY);
    assert_int_equal(intake_update_record(w->s, w->rules, &w->as_officer, iid, "scheduled", NULL,
                                          NULL, "visited; cleaning booked", &up, &err),
                     FC_OK);
    struct update_plan_rec pr;
    assert_int_equal(store_update_plan_current(w->s, iid, &a, &pr, &err), FC_OK);
    assert_int_equal(pr.next_due_at, t("2026-11-13T23:59:59Z")); /* 5 working days */
    struct intake_closure bad = { .closure_code = "lost", .outcome = "x" };
    assert_int_equal(intake_incident_close(w->s, w->rules, &w->as_officer, iid, &bad, &err),
                     FC_EINVAL);
    assert_string_equal(err.field, "closure_code");
    struct intake_closure no_case = { .closure_code = "case_opened", .outcome = "case" };
    assert_int_equal(intake_incident_close(w->s, w->rules, &w->as_officer, iid, &no_case, &err),
                     FC_EINVAL);
    assert_string_equal(err.field, "case_id");
    struct intake_closure ok = { .closure_code = "resolved_action_taken",
                                 .outcome = "graffiti removed by the council" };
    assert_int_equal(intake_incident_close(w->s, w->rules, &w->as_officer, iid, &ok, &err),
                     FC_OK);
    assert_int_equal(intake_incident_close(w->s, w->rules, &w->as_officer, iid, &ok, &err),
                     FC_ECONFLICT);
    struct incident inc;
    assert_int_equal(store_incident_get(w->s, iid, &a, &inc, &err), FC_OK);
    assert_int_equal(inc.status, INCIDENT_CLOSED);
    assert_string_equal(inc.closure_code, "resolved_action_taken");
    struct victim_update_rec *us;
    size_t nu;
    assert_int_equal(store_victim_update_list(w->s, iid, &a, &us, &nu, &err), FC_OK);
    assert_int_equal(nu, 2);
    assert_string_equal(us[1].kind, "closure");
    assert_string_equal(us[1].channel, "email");
    struct survey_queue_rec *sq;
    size_t nq;
    assert_int_equal(store_survey_queue_list(w->s, "queued", &a, &sq, &nq, &err), FC_OK);
    bool found = false;
    for (size_t i = 0; i < nq; i++)
        found = found || (sq[i].incident_id == iid && sq[i].person_id == p);
    assert_true(found);
    struct task_rec *ts;
    size_t n;
    incident_tasks(w, iid, &a, &ts, &n);
    for (size_t i = 0; i < n; i++)
        assert_string_not_equal(ts[i].status, "open");
    arena_free(&a);
}

static void test_labels_are_stored_as_shown(void **state)
{
    struct world *w = *state;
    struct fc_err err = { 0 };
    struct arena a;
    arena_init(&a, 0);
    fc_time_t now = t("2026-11-06T09:00:00Z");
    at(w, now);
    fc_id_t p = add_person(w, "Shown");
    fc_id_t cid;
    call(w, p, now, NSIR_NUISANCE, "noise", "8 fir", &cid);
    struct contact_labels_rec l1, l2;
    assert_int_equal(intake_contact_labels(w->s, w->rules, &w->as_handler, cid, false, &a, &l1,
                                           &err),
                     FC_OK);
    assert_false(l1.is_vulnerable);
    /* a flag raised after the call changes nothing about what was shown */
    add_flag(w, p, now - DAY);
    at(w, now + 3600);
    assert_int_equal(intake_contact_labels(w->s, w->rules, &w->as_handler, cid, true, &a, &l2,
                                           &err),
                     FC_OK);
    assert_false(l2.is_vulnerable);
    assert_int_equal(l2.shown_at, now);
    assert_int_equal(fixture_raw_sql(w->fx, "UPDATE contact_labels SET is_vulnerable = 1"), -1);
    arena_free(&a);
}

static void test_key_events_and_due_updates_raise_tasks(void **state)
{
    struct world *w = *state;
    struct fc_err err = { 0 };
    struct arena a;
    arena_init(&a, 0);
    fc_time_t now = t("2026-11-27T10:00:00Z"); /* Friday */
    at(w, now);
    fc_id_t p = add_person(w, "Updates");
    add_flag(w, p, now - 10 * DAY);
    fc_id_t cid, iid = call(w, p, now, NSIR_PERSONAL, "intimidation_harassment", "2 lime", &cid);
    struct risk_answers ans;
    static const char *const kv[] = { "S6=yes" };
    answers(w, "screening", &ans, kv, 1);
    struct intake_risk_outcome ro;
    assert_int_equal(intake_screen(w->s, w->rules, &w->as_handler, iid, cid, &ans, &ro, &err),
                     FC_OK);
    struct update_plan_rec pr;
    assert_int_equal(store_update_plan_current(w->s, iid, &a, &pr, &err), FC_OK);
    assert_true(pr.is_enhanced); /* a flag in force */
    assert_int_equal(pr.frequency_wd, 10);
    assert_int_equal(pr.next_due_at, t("2026-12-11T23:59:59Z"));
    assert_int_equal(intake_key_event(w->s, w->rules, &w->as_officer, iid, "", &err), FC_EINVAL);
    assert_int_equal(intake_key_event(w->s, w->rules, &w->as_officer, iid, "arrest", &err), FC_OK);
    struct task_rec *ts;
    size_t n;
    incident_tasks(w, iid, &a, &ts, &n);
    const struct task_rec *u = find_task(ts, n, "victim_update", "", "open");
    assert_non_null(u);
    assert_int_equal(u->due_at, t("2026-11-30T23:59:59Z")); /* 1 working day: Monday */
    fc_id_t up;
    assert_int_equal(intake_update_record(w->s, w->rules, &w->as_officer, iid, "key_event",
                                          "arrest", "phone", "suspect arrested", &up, &err),
                     FC_OK);
    incident_tasks(w, iid, &a, &ts, &n);
    assert_null(find_task(ts, n, "victim_update", "", "open"));
    /* ten working days later the agreed routine update falls due */
    at(w, t("2026-12-14T09:00:00Z"));
    size_t raised = 0;
    assert_int_equal(intake_updates_remind(w->s, w->rules, &w->as_supervisor, 0, &raised, &err),
                     FC_OK);
    assert_int_equal(raised, 1);
    incident_tasks(w, iid, &a, &ts, &n);
    assert_non_null(find_task(ts, n, "victim_update", "", "open"));
    arena_free(&a);
}

/* An incident recorded with only an address and postcode (as the API takes it). */
static fc_id_t call_at(struct world *w, fc_id_t caller, fc_time_t when, const char *address,
                       const char *postcode, fc_id_t *contact_out)
{
    struct incident_person ip = { caller, ROLE_IN_VICTIM, false };
    struct incident inc = { .org_id = w->org,
                            .category = NSIR_NUISANCE,
                            .incident_type = "noise",
                            .location_raw = (char *)address,
                            .location_postcode = (char *)postcode,
                            .lat = NAN,
                            .lon = NAN,
                            .status = INCIDENT_OPEN,
                            .created_at = when,
                            .n_persons = 1,
                            .persons = &ip };
    struct fc_err err = { 0 };
    fc_id_t iid = 0;
    assert_int_equal(store_incident_insert(w->s, &inc, &iid, &err), FC_OK);
    struct contact c = { .channel = CHANNEL_PHONE, .received_at = when, .org_id = w->org,
                         .caller_person_id = caller, .incident_id = iid, .created_at = when };
    assert_int_equal(store_contact_insert(w->s, &c, contact_out, &err), FC_OK);
    return iid;
}

static void test_location_is_resolved_to_lsoa_team_and_repeat_key(void **state)
{
    struct world *w = *state;
    struct fc_err err = { 0 };
    struct arena a;
    arena_init(&a, 0);
    fc_time_t now = t("2026-11-09T09:00:00Z");
    fc_id_t p1 = add_person(w, "Neighbour"), p2 = add_person(w, "Other");
    fc_id_t c1, c2, c3;
    at(w, now - 20 * DAY);
    call_at(w, p1, now - 20 * DAY, "12 Ash Road, Leicester", "LE1 1AA", &c1);
    struct contact_labels_rec l;
    assert_int_equal(intake_contact_labels(w->s, w->rules, &w->as_handler, c1, false, &a, &l,
                                           &err),
                     FC_OK);
    at(w, now - 10 * DAY);
    call_at(w, p2, now - 10 * DAY, "12 ASH RD", "le11aa", &c2);
    assert_int_equal(intake_contact_labels(w->s, w->rules, &w->as_handler, c2, false, &a, &l,
                                           &err),
                     FC_OK);
    assert_int_equal(l.location_incidents_12m, 1);
    at(w, now);
    fc_id_t iid = call_at(w, p1, now, "12 Ash Road", "LE1 1AA", &c3);
    struct risk_answers ans;
    static const char *const kv[] = { "S6=yes" };
    answers(w, "screening", &ans, kv, 1);
    struct intake_risk_outcome ro;
    assert_int_equal(intake_screen(w->s, w->rules, &w->as_handler, iid, c3, &ans, &ro, &err),
                     FC_OK);
    assert_int_equal(store_contact_labels_get(w->s, c3, &a, &l, &err), FC_OK);
    assert_int_equal(l.location_incidents_12m, 2);
    assert_true(l.is_repeat_location);
    struct incident inc;
    assert_int_equal(store_incident_get(w->s, iid, &a, &inc, &err), FC_OK);
    assert_non_null(inc.lsoa_code);
    assert_non_null(inc.location_key);
    assert_false(isnan(inc.lat));
    const struct team_area *ta = teams_map_lookup(&w->rules->teams, inc.lsoa_code);
    assert_non_null(ta);
    assert_string_equal(ta->district, "Leicester");
    struct task_rec *ts;
    size_t n;
    incident_tasks(w, iid, &a, &ts, &n);
    assert_true(n >= 1);
    assert_string_equal(ts[0].team_id, "npt_leicester");
    arena_free(&a);
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_first_time_caller_is_low_risk, setup_without_teams,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_repeat_vulnerable_victim_goes_high_with_reviews,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_overrides_need_supervisor_to_lower_and_are_audited,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_third_complaint_in_six_months_raises_trigger, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_close_queues_survey_and_sends_closure_update, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_labels_are_stored_as_shown, setup, teardown),
        cmocka_unit_test_setup_teardown(test_key_events_and_due_updates_raise_tasks, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_location_is_resolved_to_lsoa_team_and_repeat_key,
                                        setup, teardown),
    };
    if (argc > 1)
        cmocka_set_test_filter(argv[1]);
    return cmocka_run_group_tests_name("domain/intake/service", tests, NULL, NULL);
}
