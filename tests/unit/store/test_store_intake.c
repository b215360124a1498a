/*
 * Contract tests for the store's call-handling operations (migration 0003): team map,
 * risk assessments, grades, contact labels, tasks, Community Trigger, victim update plans
 * and updates, closures, the survey queue and the history queries, with their constraint
 * violations, rollback and concurrent writers. They use only store.h, so the same cases
 * run on SQLite and (unit.store.pg.*) on PostgreSQL.
 */
#include <math.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h> /* after the headers it needs */

#include "store/store.h"
#include "store_fixture.h"

#define FIX(state)   ((struct store_fixture *)*(state))
#define STORE(state) (FIX(state)->store)
#define T0           1700000000
#define DAY          86400

struct world {
    fc_id_t org, user, person, person2, merged, incident, incident2, contact, contact2;
};

static fc_id_t add_person(struct store *s, const char *surname)
{
    struct fc_err err = { 0 };
    struct person_name nm = { .surname = (char *)surname, .prov = { "contact", 0, 0 } };
    struct person p = { .names = &nm, .n_names = 1 };
    fc_id_t id = 0;
    assert_int_equal(store_person_insert(s, &p, &id, &err), FC_OK);
    return id;
}

static fc_id_t add_incident(struct store *s, const struct world *w, fc_time_t at, const char *type,
                            const char *key, double lat, double lon, fc_id_t victim,
                            bool hate_strand)
{
    struct fc_err err = { 0 };
    struct incident_person link = { .person_id = victim,
                                    .role = ROLE_IN_VICTIM,
                                    .is_hate_strand = hate_strand };
    struct incident in = { .org_id = w->org,
                           .category = NSIR_PERSONAL,
                           .incident_type = (char *)type,
                           .location_key = (char *)key,
                           .lat = lat,
                           .lon = lon,
                           .status = INCIDENT_OPEN,
                           .occurred_at = at - 3600,
                           .created_at = at,
                           .n_persons = victim ? 1 : 0,
                           .persons = victim ? &link : NULL };
    fc_id_t id = 0;
    assert_int_equal(store_incident_insert(s, &in, &id, &err), FC_OK);
    return id;
}

static fc_id_t add_contact(struct store *s, const struct world *w, fc_time_t at, fc_id_t caller,
                           fc_id_t incident)
{
    struct fc_err err = { 0 };
    struct contact c = { .channel = CHANNEL_PHONE,
                         .received_at = at,
                         .handler_user_id = w->user,
                         .org_id = w->org,
                         .caller_person_id = caller,
                         .incident_id = incident };
    fc_id_t id = 0;
    assert_int_equal(store_contact_insert(s, &c, &id, &err), FC_OK);
    return id;
}

/* Two teams over three LSOAs, the map every case starts from. */
static const char *const map_lsoa[] = { "E01013600", "E01013601", "E01025640" };
static const char *const map_team[] = { "npt_leicester", "npt_leicester", "npt_charnwood" };
static const char *const map_name[] = { "Leicester NPT", "Leicester NPT", "Charnwood NPT" };
static const char *const map_district[] = { "Leicester", "Leicester", "Charnwood" };

static void seed(struct store *s, struct world *w)
{
    struct fc_err err = { 0 };
    memset(w, 0, sizeof(*w));
    struct organisation o = { .kind = ORG_FORCE, .name = "Leicestershire Police" };
    assert_int_equal(store_org_insert(s, &o, &w->org, &err), FC_OK);
    struct user u = { .org_id = w->org, .username = "handler1", .role = ROLE_CALL_HANDLER };
    assert_int_equal(store_user_insert(s, &u, &w->user, &err), FC_OK);
    w->person = add_person(s, "Shergill");
    w->person2 = add_person(s, "Mistry");
    w->merged = add_person(s, "Shergil");
    assert_int_equal(store_person_set_merged(s, w->merged, w->person, &err), FC_OK);
    w->incident =
        add_incident(s, w, T0, "noise", "12|high street|le1", 52.6, -1.13, w->person, false);
    w->incident2 = add_incident(s, w, T0 + DAY, "neighbour_dispute", NULL, NAN, NAN, 0, false);
    w->contact = add_contact(s, w, T0, w->person, w->incident);
    w->contact2 = add_contact(s, w, T0 + DAY, w->person2, w->incident2);
    assert_int_equal(store_team_area_replace(s, "team_areas/v1", map_lsoa, map_team, map_name,
                                             map_district, 3, &err),
                     FC_OK);
}

static struct task_rec sample_task(const struct world *w, const char *kind, fc_time_t due)
{
    return (struct task_rec){ .incident_id = w->incident,
                              .contact_id = w->contact,
                              .kind = (char *)kind,
                              .team_id = "npt_leicester",
                              .reason = "risk screening not low",
                              .due_at = due,
                              .created_at = T0 };
}

/* ---- team map ---- */

static void test_team_area_replace_is_all_or_nothing(void **state)
{
    struct store *s = STORE(state);
    struct world w;
    seed(s, &w);
    struct fc_err err = { 0 };
    /* the map's teams own tasks */
    struct task_rec t = sample_task(&w, "visit", T0 + DAY);
    t.team_id = "npt_charnwood";
    assert_int_equal(store_task_insert(s, &t, NULL, &err), FC_OK);
    /* a replacement with a bad row writes nothing: its new team never appears */
    const char *lsoa[] = { "E01099999", "E0109999999999" };
    const char *team[] = { "npt_melton", "npt_melton" };
    const char *name[] = { "Melton NPT", "Melton NPT" };
    const char *district[] = { "Melton", "Melton" };
    assert_int_equal(
        store_team_area_replace(s, "team_areas/v2", lsoa, team, name, district, 2, &err),
        FC_EINVAL);
    assert_string_equal(err.field, "lsoa_code");
    t.team_id = "npt_melton";
    t.kind = "call_back";
    assert_int_equal(store_task_insert(s, &t, NULL, &err), FC_EINVAL);
    /* an LSOA twice in one map is a conflict, and also writes nothing */
    const char *dup[] = { "E01099999", "E01099999" };
    assert_int_equal(
        store_team_area_replace(s, "team_areas/v2", dup, team, name, district, 2, &err),
        FC_ECONFLICT);
    assert_string_equal(err.field, "lsoa_code");
    assert_int_equal(store_task_insert(s, &t, NULL, &err), FC_EINVAL);
    /* a good replacement adds the team */
    lsoa[1] = "E01099998";
    assert_int_equal(
        store_team_area_replace(s, "team_areas/v2", lsoa, team, name, district, 2, &err), FC_OK);
    assert_int_equal(store_task_insert(s, &t, NULL, &err), FC_OK);
    /* an empty map is allowed (teams stay: tasks still name them) */
    assert_int_equal(store_team_area_replace(s, "team_areas/v3", NULL, NULL, NULL, NULL, 0, &err),
                     FC_OK);
}

/* ---- risk assessments ---- */

static void test_risk_assessments_append_and_list(void **state)
{
    struct store *s = STORE(state);
    struct world w;
    seed(s, &w);
    struct arena a;
    arena_init(&a, 0);
    struct fc_err err = { 0 };
    struct risk_assessment_rec r = { .incident_id = w.incident,
                                     .person_id = w.person,
                                     .contact_id = w.contact,
                                     .version = "risk/v1",
                                     .stage = "screening",
                                     .answers = "{\"q1\":\"yes\",\"q2\":\"no\"}",
                                     .outcome = "not_low_risk",
                                     .final_level = "medium",
                                     .assessor_user_id = w.user,
                                     .assessed_at = T0 + 60 };
    fc_id_t screening, full, override;
    assert_int_equal(store_risk_assessment_insert(s, &r, &screening, &err), FC_OK);
    r.stage = "full";
    r.outcome = NULL;
    r.score = 37;
    r.escalations = "[\"repeat_victim\"]";
    r.scored_level = "medium";
    r.final_level = "high";
    r.next_review_due = T0 + 7 * DAY;
    r.assessed_at = T0 + 3600;
    assert_int_equal(store_risk_assessment_insert(s, &r, &full, &err), FC_OK);
    r.stage = "override";
    r.supersedes_id = full;
    r.reason = "officer visited; risk reduced";
    r.final_level = "medium";
    r.escalations = NULL; /* defaults to [] */
    r.assessed_at = T0 + 7200;
    r.next_review_due = 0;
    assert_int_equal(store_risk_assessment_insert(s, &r, &override, &err), FC_OK);
    assert_true(screening < full && full < override);
    /* an assessment on another incident, no person */
    struct risk_assessment_rec other = { .incident_id = w.incident2,
                                         .version = "risk/v1",
                                         .stage = "screening",
                                         .outcome = "standard",
                                         .final_level = "standard",
                                         .assessed_at = T0 + DAY };
    assert_int_equal(store_risk_assessment_insert(s, &other, NULL, &err), FC_OK);

    struct risk_assessment_rec *list;
    size_t n;
    assert_int_equal(store_risk_assessment_list(s, w.incident, 0, &a, &list, &n, &err), FC_OK);
    assert_int_equal(n, 3);
    assert_int_equal(list[0].id, screening);
    assert_string_equal(list[0].stage, "screening");
    assert_string_equal(list[0].answers, "{\"q1\":\"yes\",\"q2\":\"no\"}");
    assert_string_equal(list[0].escalations, "[]");
    assert_string_equal(list[0].outcome, "not_low_risk");
    assert_null(list[0].scored_level);
    assert_int_equal(list[0].contact_id, w.contact);
    assert_int_equal(list[0].assessor_user_id, w.user);
    assert_int_equal(list[1].score, 37);
    assert_string_equal(list[1].escalations, "[\"repeat_victim\"]");
    assert_string_equal(list[1].scored_level, "medium");
    assert_string_equal(list[1].final_level, "high");
    assert_int_equal(list[1].next_review_due, T0 + 7 * DAY);
    assert_null(list[1].reason);
    assert_int_equal(list[2].supersedes_id, full);
    assert_string_equal(list[2].reason, "officer visited; risk reduced");
    assert_int_equal(list[2].next_review_due, 0);
    assert_int_equal(list[2].assessed_at, T0 + 7200);
    /* by person: the person's three, none of the anonymous one */
    assert_int_equal(store_risk_assessment_list(s, 0, w.person, &a, &list, &n, &err), FC_OK);
    assert_int_equal(n, 3);
    assert_int_equal(store_risk_assessment_list(s, w.incident2, 0, &a, &list, &n, &err), FC_OK);
    assert_int_equal(n, 1);
    assert_int_equal(list[0].person_id, 0);
    assert_int_equal(store_risk_assessment_list(s, 0, w.person2, &a, &list, &n, &err), FC_OK);
    assert_int_equal(n, 0);
    arena_free(&a);
}

static void test_risk_assessment_constraints_name_the_column(void **state)
{
    struct store *s = STORE(state);
    struct world w;
    seed(s, &w);
    struct arena a;
    arena_init(&a, 0);
    struct fc_err err = { 0 };
    struct risk_assessment_rec ok = { .incident_id = w.incident,
                                      .version = "risk/v1",
                                      .stage = "screening",
                                      .final_level = "standard",
                                      .assessed_at = T0 };
    struct risk_assessment_rec r = ok;
    r.stage = "guess";
    assert_int_equal(store_risk_assessment_insert(s, &r, NULL, &err), FC_EINVAL);
    assert_string_equal(err.field, "stage");
    r = ok;
    r.version = "v1";
    assert_int_equal(store_risk_assessment_insert(s, &r, NULL, &err), FC_EINVAL);
    assert_string_equal(err.field, "version");
    r = ok;
    r.answers = "{\"q1\":";
    assert_int_equal(store_risk_assessment_insert(s, &r, NULL, &err), FC_EINVAL);
    assert_string_equal(err.field, "answers");
    r = ok;
    r.score = 1001;
    assert_int_equal(store_risk_assessment_insert(s, &r, NULL, &err), FC_EINVAL);
    assert_string_equal(err.field, "score");
    r = ok;
    r.final_level = "extreme";
    assert_int_equal(store_risk_assessment_insert(s, &r, NULL, &err), FC_EINVAL);
    assert_string_equal(err.field, "final_level");
    r = ok;
    r.final_level = NULL;
    assert_int_equal(store_risk_assessment_insert(s, &r, NULL, &err), FC_EINVAL);
    assert_string_equal(err.field, "final_level");
    /* an override needs a reason and the assessment it overrides */
    fc_id_t first;
    assert_int_equal(store_risk_assessment_insert(s, &ok, &first, &err), FC_OK);
    r = ok;
    r.stage = "override";
    r.supersedes_id = first;
    r.reason = "   ";
    assert_int_equal(store_risk_assessment_insert(s, &r, NULL, &err), FC_EINVAL);
    assert_string_equal(err.field, "reason");
    r.reason = "supervisor review";
    r.supersedes_id = 0;
    assert_int_equal(store_risk_assessment_insert(s, &r, NULL, &err), FC_EINVAL);
    assert_string_equal(err.field, "supersedes_id");
    /* references that do not exist */
    r = ok;
    r.incident_id = 4040;
    assert_int_equal(store_risk_assessment_insert(s, &r, NULL, &err), FC_EINVAL);
    r = ok;
    r.person_id = 4040;
    assert_int_equal(store_risk_assessment_insert(s, &r, NULL, &err), FC_EINVAL);
    /* nothing but the good one was written */
    struct risk_assessment_rec *list;
    size_t n;
    assert_int_equal(store_risk_assessment_list(s, w.incident, 0, &a, &list, &n, &err), FC_OK);
    assert_int_equal(n, 1);
    arena_free(&a);
}

/* ---- grades ---- */

static void test_grades_append_and_list(void **state)
{
    struct store *s = STORE(state);
    struct world w;
    seed(s, &w);
    struct arena a;
    arena_init(&a, 0);
    struct fc_err err = { 0 };
    struct grade_rec g = { .incident_id = w.incident,
                           .version = "grading/v1",
                           .suggested = "scheduled",
                           .floor = "scheduled",
                           .grade = "scheduled",
                           .user_id = w.user,
                           .graded_at = T0 + 60 };
    fc_id_t g1, g2;
    assert_int_equal(store_grade_insert(s, &g, &g1, &err), FC_OK);
    g.grade = "priority";
    g.is_override = true;
    g.reason = "caller distressed";
    g.graded_at = T0 + 120;
    assert_int_equal(store_grade_insert(s, &g, &g2, &err), FC_OK);
    /* an override needs a reason; grades are from the list */
    g.reason = "";
    assert_int_equal(store_grade_insert(s, &g, NULL, &err), FC_EINVAL);
    assert_string_equal(err.field, "reason");
    g.reason = "x";
    g.grade = "urgent";
    assert_int_equal(store_grade_insert(s, &g, NULL, &err), FC_EINVAL);
    assert_string_equal(err.field, "grade");
    g.grade = "priority";
    g.floor = "low";
    assert_int_equal(store_grade_insert(s, &g, NULL, &err), FC_EINVAL);
    assert_string_equal(err.field, "floor");
    g.floor = "scheduled";
    g.incident_id = 4040;
    assert_int_equal(store_grade_insert(s, &g, NULL, &err), FC_EINVAL);
    struct grade_rec *list;
    size_t n;
    assert_int_equal(store_grade_list(s, w.incident, &a, &list, &n, &err), FC_OK);
    assert_int_equal(n, 2);
    assert_int_equal(list[0].id, g1);
    assert_false(list[0].is_override);
    assert_null(list[0].reason);
    assert_string_equal(list[0].version, "grading/v1");
    assert_int_equal(list[1].id, g2);
    assert_true(list[1].is_override);
    assert_string_equal(list[1].grade, "priority");
    assert_string_equal(list[1].suggested, "scheduled");
    assert_string_equal(list[1].reason, "caller distressed");
    assert_int_equal(list[1].user_id, w.user);
    assert_int_equal(list[1].graded_at, T0 + 120);
    assert_int_equal(store_grade_list(s, w.incident2, &a, &list, &n, &err), FC_OK);
    assert_int_equal(n, 0);
    arena_free(&a);
}

/* ---- contact labels ---- */

static void test_contact_labels_are_written_once(void **state)
{
    struct store *s = STORE(state);
    struct world w;
    seed(s, &w);
    struct arena a;
    arena_init(&a, 0);
    struct fc_err err = { 0 };
    struct contact_labels_rec l = { .contact_id = w.contact,
                                    .version = "definitions/v1",
                                    .prior_calls_12m = 3,
                                    .prior_calls_ever = 7,
                                    .is_repeat_victim = true,
                                    .is_persistent = false,
                                    .is_high_volume = true,
                                    .victim_incidents_12m = 2,
                                    .location_incidents_12m = 4,
                                    .is_repeat_location = true,
                                    .suspect_incidents_max = 1,
                                    .is_repeat_perpetrator = false,
                                    .flags_in_force = 1,
                                    .is_vulnerable = true,
                                    .vulnerable_basis = "flag,answer",
                                    .flags_shown = "[{\"kind\":\"vulnerable\"}]",
                                    .trigger_count = 3,
                                    .trigger_prompted = true,
                                    .trigger_eligible = true,
                                    .shown_at = T0 + 5 };
    assert_int_equal(store_contact_labels_insert(s, &l, &err), FC_OK);
    struct contact_labels_rec got;
    assert_int_equal(store_contact_labels_get(s, w.contact, &a, &got, &err), FC_OK);
    assert_int_equal(got.contact_id, w.contact);
    assert_string_equal(got.version, "definitions/v1");
    assert_int_equal(got.prior_calls_12m, 3);
    assert_int_equal(got.prior_calls_ever, 7);
    assert_true(got.is_repeat_victim);
    assert_false(got.is_persistent);
    assert_true(got.is_high_volume);
    assert_int_equal(got.victim_incidents_12m, 2);
    assert_int_equal(got.location_incidents_12m, 4);
    assert_true(got.is_repeat_location);
    assert_int_equal(got.suspect_incidents_max, 1);
    assert_false(got.is_repeat_perpetrator);
    assert_int_equal(got.flags_in_force, 1);
    assert_true(got.is_vulnerable);
    assert_string_equal(got.vulnerable_basis, "flag,answer");
    assert_string_equal(got.flags_shown, "[{\"kind\":\"vulnerable\"}]");
    assert_int_equal(got.trigger_count, 3);
    assert_true(got.trigger_prompted);
    assert_true(got.trigger_eligible);
    assert_int_equal(got.shown_at, T0 + 5);
    /* what was shown is evidence: a second write for the contact is refused */
    l.prior_calls_12m = 0;
    assert_int_equal(store_contact_labels_insert(s, &l, &err), FC_ECONFLICT);
    assert_string_equal(err.field, "contact_id");
    assert_int_equal(store_contact_labels_get(s, w.contact, &a, &got, &err), FC_OK);
    assert_int_equal(got.prior_calls_12m, 3);
    /* defaults, bad JSON, unknown contact */
    struct contact_labels_rec bare = { .contact_id = w.contact2,
                                       .version = "definitions/v1",
                                       .flags_shown = "[oops",
                                       .shown_at = T0 };
    assert_int_equal(store_contact_labels_insert(s, &bare, &err), FC_EINVAL);
    assert_string_equal(err.field, "flags_shown");
    bare.flags_shown = NULL;
    assert_int_equal(store_contact_labels_insert(s, &bare, &err), FC_OK);
    assert_int_equal(store_contact_labels_get(s, w.contact2, &a, &got, &err), FC_OK);
    assert_string_equal(got.flags_shown, "[]");
    assert_string_equal(got.vulnerable_basis, "");
    assert_false(got.is_vulnerable);
    bare.contact_id = 4040;
    assert_int_equal(store_contact_labels_insert(s, &bare, &err), FC_EINVAL);
    assert_int_equal(store_contact_labels_get(s, 4040, &a, &got, &err), FC_ENOTFOUND);
    arena_free(&a);
}

/* ---- tasks ---- */

static void test_task_lifecycle_and_search(void **state)
{
    struct store *s = STORE(state);
    struct world w;
    seed(s, &w);
    struct arena a;
    arena_init(&a, 0);
    struct fc_err err = { 0 };
    fc_id_t visit, review_sup, review_sgt, call;
    struct task_rec t = sample_task(&w, "visit", T0 + 2 * DAY);
    assert_int_equal(store_task_insert(s, &t, &visit, &err), FC_OK);
    t = sample_task(&w, "review", T0 + 3 * DAY);
    t.rank = "supervisor";
    assert_int_equal(store_task_insert(s, &t, &review_sup, &err), FC_OK);
    t.rank = "sergeant"; /* another rank is another task */
    t.due_at = T0 + DAY;
    assert_int_equal(store_task_insert(s, &t, &review_sgt, &err), FC_OK);
    t = sample_task(&w, "call_back", T0 + 4 * DAY);
    t.incident_id = w.incident2;
    t.team_id = "npt_charnwood";
    t.assignee_user_id = w.user;
    assert_int_equal(store_task_insert(s, &t, &call, &err), FC_OK);

    /* one open task of a kind and rank per incident */
    t = sample_task(&w, "visit", T0 + 9 * DAY);
    assert_int_equal(store_task_insert(s, &t, NULL, &err), FC_ECONFLICT);
    assert_string_equal(err.field, "incident_id");

    struct task_rec got;
    assert_int_equal(store_task_get(s, visit, &a, &got, &err), FC_OK);
    assert_string_equal(got.kind, "visit");
    assert_string_equal(got.rank, "");
    assert_string_equal(got.status, "open");
    assert_string_equal(got.team_id, "npt_leicester");
    assert_string_equal(got.reason, "risk screening not low");
    assert_int_equal(got.contact_id, w.contact);
    assert_int_equal(got.due_at, T0 + 2 * DAY);
    assert_int_equal(got.created_at, T0);
    assert_int_equal(got.completed_at, 0);
    assert_null(got.outcome);
    assert_int_equal(got.escalated_at, 0);
    assert_int_equal(store_task_get(s, 4040, &a, &got, &err), FC_ENOTFOUND);

    struct task_rec *list;
    size_t n;
    struct task_query q = { .team_id = "npt_leicester" };
    assert_int_equal(store_task_search(s, &q, &a, &list, &n, &err), FC_OK);
    assert_int_equal(n, 3);
    assert_int_equal(list[0].id, review_sgt); /* by due time */
    assert_int_equal(list[1].id, visit);
    assert_int_equal(list[2].id, review_sup);
    q = (struct task_query){ .incident_id = w.incident2 };
    assert_int_equal(store_task_search(s, &q, &a, &list, &n, &err), FC_OK);
    assert_int_equal(n, 1);
    assert_int_equal(list[0].assignee_user_id, w.user);
    q = (struct task_query){ .due_before = T0 + 2 * DAY + 1 };
    assert_int_equal(store_task_search(s, &q, &a, &list, &n, &err), FC_OK);
    assert_int_equal(n, 2);
    q = (struct task_query){ .limit = 2, .offset = 1 };
    assert_int_equal(store_task_search(s, &q, &a, &list, &n, &err), FC_OK);
    assert_int_equal(n, 2);
    assert_int_equal(list[0].id, visit);
    assert_int_equal(list[1].id, review_sup);

    /* close: once; then a new open task of that kind may start */
    assert_int_equal(store_task_close(s, visit, "done", w.user, T0 + DAY, "visited", &err), FC_OK);
    assert_int_equal(store_task_close(s, visit, "cancelled", w.user, T0 + DAY, NULL, &err),
                     FC_ECONFLICT);
    assert_int_equal(store_task_close(s, 4040, "done", w.user, T0 + DAY, NULL, &err), FC_ECONFLICT);
    assert_int_equal(store_task_close(s, call, "finished", w.user, T0 + DAY, NULL, &err),
                     FC_EINVAL);
    assert_string_equal(err.field, "status");
    assert_int_equal(store_task_get(s, visit, &a, &got, &err), FC_OK);
    assert_string_equal(got.status, "done");
    assert_int_equal(got.completed_at, T0 + DAY);
    assert_int_equal(got.completed_by, w.user);
    assert_string_equal(got.outcome, "visited");
    t = sample_task(&w, "visit", T0 + 9 * DAY);
    assert_int_equal(store_task_insert(s, &t, NULL, &err), FC_OK);
    q = (struct task_query){ .status = "open", .team_id = "npt_leicester" };
    assert_int_equal(store_task_search(s, &q, &a, &list, &n, &err), FC_OK);
    assert_int_equal(n, 3);
    q.status = "done";
    assert_int_equal(store_task_search(s, &q, &a, &list, &n, &err), FC_OK);
    assert_int_equal(n, 1);

    /* escalation is stamped once */
    assert_int_equal(store_task_set_escalated(s, review_sup, T0 + 4 * DAY, &err), FC_OK);
    assert_int_equal(store_task_set_escalated(s, review_sup, T0 + 5 * DAY, &err), FC_OK);
    assert_int_equal(store_task_get(s, review_sup, &a, &got, &err), FC_OK);
    assert_int_equal(got.escalated_at, T0 + 4 * DAY);
    arena_free(&a);
}

static void test_task_constraints_name_the_column(void **state)
{
    struct store *s = STORE(state);
    struct world w;
    seed(s, &w);
    struct arena a;
    arena_init(&a, 0);
    struct fc_err err = { 0 };
    struct task_rec t = sample_task(&w, "dance", T0);
    assert_int_equal(store_task_insert(s, &t, NULL, &err), FC_EINVAL);
    assert_string_equal(err.field, "kind");
    t = sample_task(&w, "visit", T0);
    t.team_id = NULL;
    assert_int_equal(store_task_insert(s, &t, NULL, &err), FC_EINVAL);
    assert_string_equal(err.field, "team_id");
    t.team_id = "npt_nowhere";
    assert_int_equal(store_task_insert(s, &t, NULL, &err), FC_EINVAL);
    t = sample_task(&w, "visit", T0);
    t.incident_id = 0; /* neither an incident nor a case */
    assert_int_equal(store_task_insert(s, &t, NULL, &err), FC_EINVAL);
    assert_string_equal(err.field, "incident_id");
    t.case_id = 77; /* a case task needs no incident */
    assert_int_equal(store_task_insert(s, &t, NULL, &err), FC_OK);
    struct task_rec *list;
    size_t n;
    assert_int_equal(store_task_search(s, &(struct task_query){ 0 }, &a, &list, &n, &err), FC_OK);
    assert_int_equal(n, 1);
    assert_int_equal(list[0].case_id, 77);
    assert_int_equal(list[0].incident_id, 0);
    arena_free(&a);
}

/* A refused task inside a transaction leaves the transaction usable, as replanning needs. */
static void test_task_conflict_inside_transaction_keeps_the_rest(void **state)
{
    struct store *s = STORE(state);
    struct world w;
    seed(s, &w);
    struct arena a;
    arena_init(&a, 0);
    struct fc_err err = { 0 };
    struct task_rec t = sample_task(&w, "visit", T0 + DAY);
    assert_int_equal(store_task_insert(s, &t, NULL, &err), FC_OK);
    assert_int_equal(store_txn_begin(s, &err), FC_OK);
    assert_int_equal(store_task_insert(s, &t, NULL, &err), FC_ECONFLICT);
    t.kind = "call_back";
    assert_int_equal(store_task_insert(s, &t, NULL, &err), FC_OK);
    struct survey_queue_rec q = { .incident_id = w.incident,
                                  .person_id = w.person,
                                  .reason = "incident_closed",
                                  .queued_at = T0 };
    assert_int_equal(store_survey_queue_insert(s, &q, NULL, &err), FC_OK);
    assert_int_equal(store_survey_queue_insert(s, &q, NULL, &err), FC_ECONFLICT);
    assert_string_equal(err.field, "incident_id");
    struct grade_rec g = { .incident_id = w.incident,
                           .version = "grading/v1",
                           .suggested = "scheduled",
                           .floor = "scheduled",
                           .grade = "scheduled",
                           .graded_at = T0 };
    assert_int_equal(store_grade_insert(s, &g, NULL, &err), FC_OK);
    assert_int_equal(store_txn_commit(s, &err), FC_OK);
    struct task_rec *list;
    size_t n;
    assert_int_equal(store_task_search(s, &(struct task_query){ 0 }, &a, &list, &n, &err), FC_OK);
    assert_int_equal(n, 2);
    struct survey_queue_rec *sq;
    assert_int_equal(store_survey_queue_list(s, NULL, &a, &sq, &n, &err), FC_OK);
    assert_int_equal(n, 1);
    struct grade_rec *gl;
    assert_int_equal(store_grade_list(s, w.incident, &a, &gl, &n, &err), FC_OK);
    assert_int_equal(n, 1);
    arena_free(&a);
}

static void test_rollback_discards_call_handling_records(void **state)
{
    struct store *s = STORE(state);
    struct world w;
    seed(s, &w);
    struct arena a;
    arena_init(&a, 0);
    struct fc_err err = { 0 };
    assert_int_equal(store_txn_begin(s, &err), FC_OK);
    struct risk_assessment_rec r = { .incident_id = w.incident,
                                     .version = "risk/v1",
                                     .stage = "screening",
                                     .final_level = "standard",
                                     .assessed_at = T0 };
    assert_int_equal(store_risk_assessment_insert(s, &r, NULL, &err), FC_OK);
    struct task_rec t = sample_task(&w, "visit", T0 + DAY);
    assert_int_equal(store_task_insert(s, &t, NULL, &err), FC_OK);
    struct contact_labels_rec l = { .contact_id = w.contact,
                                    .version = "definitions/v1",
                                    .shown_at = T0 };
    assert_int_equal(store_contact_labels_insert(s, &l, &err), FC_OK);
    struct incident_closure_rec c = { .incident_id = w.incident,
                                      .closure_code = "advice_given",
                                      .outcome = "advice given",
                                      .closed_at = T0 + DAY };
    assert_int_equal(store_incident_closure_insert(s, &c, &err), FC_OK);
    struct trigger_step_rec steps[] = { { .step = "acknowledge", .due_at = T0 + DAY } };
    struct community_trigger_rec tr = { .version = "trigger/v1",
                                        .applicant_person_id = w.person,
                                        .channel = "phone",
                                        .has_victim_consent = true,
                                        .applied_at = T0,
                                        .n_steps = 1,
                                        .steps = steps };
    assert_int_equal(store_trigger_insert(s, &tr, NULL, &err), FC_OK);
    store_txn_rollback(s);
    struct risk_assessment_rec *rl;
    size_t n;
    assert_int_equal(store_risk_assessment_list(s, w.incident, 0, &a, &rl, &n, &err), FC_OK);
    assert_int_equal(n, 0);
    struct task_rec *tl;
    assert_int_equal(store_task_search(s, &(struct task_query){ 0 }, &a, &tl, &n, &err), FC_OK);
    assert_int_equal(n, 0);
    struct contact_labels_rec lg;
    assert_int_equal(store_contact_labels_get(s, w.contact, &a, &lg, &err), FC_ENOTFOUND);
    struct incident_closure_rec cg;
    assert_int_equal(store_incident_closure_get(s, w.incident, &a, &cg, &err), FC_ENOTFOUND);
    struct community_trigger_rec *trl;
    assert_int_equal(store_trigger_list_for_person(s, w.person, &a, &trl, &n, &err), FC_OK);
    assert_int_equal(n, 0);
    /* the store is usable afterwards */
    assert_int_equal(store_task_insert(s, &t, NULL, &err), FC_OK);
    arena_free(&a);
}

/* ---- Community Trigger ---- */

static void test_trigger_with_steps_round_trip(void **state)
{
    struct store *s = STORE(state);
    struct world w;
    seed(s, &w);
    struct arena a;
    arena_init(&a, 0);
    struct fc_err err = { 0 };
    struct trigger_step_rec steps[] = {
        { .step = "acknowledge", .due_at = T0 + 2 * DAY },
        { .step = "threshold_decision", .due_at = T0 + 10 * DAY },
        { .step = "review" },
        { .step = "outcome_letter" },
    };
    struct community_trigger_rec tr = { .version = "trigger/v1",
                                        .applicant_person_id = w.person,
                                        .incident_id = w.incident,
                                        .contact_id = w.contact,
                                        .problem_key = "12|high street|le1",
                                        .channel = "phone",
                                        .has_victim_consent = true,
                                        .basis = "applicant",
                                        .applicant_count = 3,
                                        .problem_people = 2,
                                        .applied_at = T0,
                                        .created_by = w.user,
                                        .n_steps = 4,
                                        .steps = steps };
    fc_id_t first, second;
    assert_int_equal(store_trigger_insert(s, &tr, &first, &err), FC_OK);
    tr.applied_at = T0 + 30 * DAY;
    tr.n_steps = 2;
    tr.channel = "letter";
    tr.status = "threshold_met";
    assert_int_equal(store_trigger_insert(s, &tr, &second, &err), FC_OK);

    struct community_trigger_rec got;
    assert_int_equal(store_trigger_get(s, first, &a, &got, &err), FC_OK);
    assert_string_equal(got.version, "trigger/v1");
    assert_string_equal(got.status, "open");
    assert_string_equal(got.channel, "phone");
    assert_string_equal(got.problem_key, "12|high street|le1");
    assert_string_equal(got.basis, "applicant");
    assert_int_equal(got.applicant_count, 3);
    assert_int_equal(got.problem_people, 2);
    assert_int_equal(got.incident_id, w.incident);
    assert_int_equal(got.contact_id, w.contact);
    assert_int_equal(got.created_by, w.user);
    assert_false(got.is_third_party);
    assert_true(got.has_victim_consent);
    assert_null(got.decision_reason);
    assert_int_equal(got.n_steps, 4);
    assert_string_equal(got.steps[0].step, "acknowledge");
    assert_int_equal(got.steps[0].due_at, T0 + 2 * DAY);
    assert_string_equal(got.steps[1].step, "threshold_decision");
    assert_string_equal(got.steps[2].step, "review");
    assert_int_equal(got.steps[2].due_at, 0);
    assert_string_equal(got.steps[3].step, "outcome_letter");
    assert_int_equal(store_trigger_get(s, 4040, &a, &got, &err), FC_ENOTFOUND);

    /* steps: set a due time, then complete one; untouched values stay */
    assert_int_equal(
        store_trigger_step_set(s, first, "acknowledge", 0, T0 + DAY, w.user, "letter sent", &err),
        FC_OK);
    assert_int_equal(store_trigger_step_set(s, first, "review", T0 + 40 * DAY, 0, 0, NULL, &err),
                     FC_OK);
    assert_int_equal(store_trigger_step_set(s, first, "appeal", T0, 0, 0, NULL, &err),
                     FC_ENOTFOUND);
    assert_int_equal(
        store_trigger_set_status(s, first, "threshold_not_met", "one complaint only", NULL, &err),
        FC_OK);
    assert_int_equal(store_trigger_set_status(s, first, "closed", NULL, "no further action", &err),
                     FC_OK);
    assert_int_equal(store_trigger_set_status(s, first, "shelved", NULL, NULL, &err), FC_EINVAL);
    assert_string_equal(err.field, "status");
    assert_int_equal(store_trigger_set_status(s, 4040, "closed", NULL, NULL, &err), FC_ENOTFOUND);
    assert_int_equal(store_trigger_get(s, first, &a, &got, &err), FC_OK);
    assert_string_equal(got.status, "closed");
    assert_string_equal(got.decision_reason, "one complaint only");
    assert_string_equal(got.outcome, "no further action");
    assert_int_equal(got.steps[0].due_at, T0 + 2 * DAY);
    assert_int_equal(got.steps[0].done_at, T0 + DAY);
    assert_int_equal(got.steps[0].done_by, w.user);
    assert_string_equal(got.steps[0].note, "letter sent");
    assert_int_equal(got.steps[2].due_at, T0 + 40 * DAY);
    assert_int_equal(got.steps[2].done_at, 0);
    assert_null(got.steps[2].note);

    /* by applicant: newest first, each with its own steps */
    struct community_trigger_rec *list;
    size_t n;
    assert_int_equal(store_trigger_list_for_person(s, w.person, &a, &list, &n, &err), FC_OK);
    assert_int_equal(n, 2);
    assert_int_equal(list[0].id, second);
    assert_string_equal(list[0].status, "threshold_met");
    assert_int_equal(list[0].n_steps, 2);
    assert_string_equal(list[0].steps[1].step, "threshold_decision");
    assert_int_equal(list[1].id, first);
    assert_int_equal(list[1].n_steps, 4);
    assert_string_equal(list[1].steps[0].note, "letter sent");
    assert_int_equal(store_trigger_list_for_person(s, w.person2, &a, &list, &n, &err), FC_OK);
    assert_int_equal(n, 0);
    arena_free(&a);
}

static void test_trigger_bad_step_rolls_back_whole_trigger(void **state)
{
    struct store *s = STORE(state);
    struct world w;
    seed(s, &w);
    struct arena a;
    arena_init(&a, 0);
    struct fc_err err = { 0 };
    struct trigger_step_rec steps[] = { { .step = "acknowledge" }, { .step = "acknowledge" } };
    struct community_trigger_rec tr = { .version = "trigger/v1",
                                        .applicant_person_id = w.person,
                                        .channel = "online",
                                        .has_victim_consent = true,
                                        .applied_at = T0,
                                        .n_steps = 2,
                                        .steps = steps };
    assert_int_equal(store_trigger_insert(s, &tr, NULL, &err), FC_ECONFLICT);
    assert_string_equal(err.field, "trigger_id");
    /* s.104: a third party applies only with the victim's consent */
    tr.n_steps = 1;
    tr.is_third_party = true;
    tr.has_victim_consent = false;
    assert_int_equal(store_trigger_insert(s, &tr, NULL, &err), FC_EINVAL);
    assert_string_equal(err.field, "has_victim_consent");
    tr.has_victim_consent = true;
    tr.channel = "pigeon";
    assert_int_equal(store_trigger_insert(s, &tr, NULL, &err), FC_EINVAL);
    assert_string_equal(err.field, "channel");
    tr.channel = "online";
    tr.applicant_person_id = 4040;
    assert_int_equal(store_trigger_insert(s, &tr, NULL, &err), FC_EINVAL);
    struct community_trigger_rec *list;
    size_t n;
    assert_int_equal(store_trigger_list_for_person(s, w.person, &a, &list, &n, &err), FC_OK);
    assert_int_equal(n, 0);
    /* inside a caller's transaction the refusal leaves the transaction usable */
    assert_int_equal(store_txn_begin(s, &err), FC_OK);
    tr.applicant_person_id = w.person;
    tr.n_steps = 2;
    assert_int_equal(store_trigger_insert(s, &tr, NULL, &err), FC_ECONFLICT);
    tr.n_steps = 1;
    fc_id_t id;
    assert_int_equal(store_trigger_insert(s, &tr, &id, &err), FC_OK);
    assert_int_equal(store_txn_commit(s, &err), FC_OK);
    assert_int_equal(store_trigger_list_for_person(s, w.person, &a, &list, &n, &err), FC_OK);
    assert_int_equal(n, 1);
    assert_int_equal(list[0].id, id);
    assert_int_equal(list[0].n_steps, 1);
    arena_free(&a);
}

/* ---- victim updates ---- */

static void test_update_plans_and_victim_updates(void **state)
{
    struct store *s = STORE(state);
    struct world w;
    seed(s, &w);
    struct arena a;
    arena_init(&a, 0);
    struct fc_err err = { 0 };
    struct update_plan_rec p = { .incident_id = w.incident,
                                 .person_id = w.person,
                                 .version = "updates/v1",
                                 .frequency_wd = 10,
                                 .channel = "phone",
                                 .agreed_at = T0,
                                 .agreed_by = w.user,
                                 .next_due_at = T0 + 14 * DAY };
    fc_id_t old_plan, plan, plan2;
    assert_int_equal(store_update_plan_insert(s, &p, &old_plan, &err), FC_OK);
    p.frequency_wd = 5;
    p.is_enhanced = true;
    p.channel = "email";
    p.next_due_at = T0 + 7 * DAY;
    p.agreed_at = T0 + 60;
    assert_int_equal(store_update_plan_insert(s, &p, &plan, &err), FC_OK);
    struct update_plan_rec p2 = { .incident_id = w.incident2,
                                  .version = "updates/v1",
                                  .frequency_wd = 20,
                                  .channel = "letter",
                                  .agreed_at = T0 + DAY,
                                  .next_due_at = T0 + 3 * DAY };
    assert_int_equal(store_update_plan_insert(s, &p2, &plan2, &err), FC_OK);
    p.frequency_wd = 0;
    assert_int_equal(store_update_plan_insert(s, &p, NULL, &err), FC_EINVAL);
    assert_string_equal(err.field, "frequency_wd");
    p.frequency_wd = 61;
    assert_int_equal(store_update_plan_insert(s, &p, NULL, &err), FC_EINVAL);
    assert_string_equal(err.field, "frequency_wd");

    /* the newest plan is the one in force */
    struct update_plan_rec cur;
    assert_int_equal(store_update_plan_current(s, w.incident, &a, &cur, &err), FC_OK);
    assert_int_equal(cur.id, plan);
    assert_int_equal(cur.frequency_wd, 5);
    assert_true(cur.is_enhanced);
    assert_string_equal(cur.channel, "email");
    assert_string_equal(cur.version, "updates/v1");
    assert_int_equal(cur.person_id, w.person);
    assert_int_equal(cur.agreed_by, w.user);
    assert_int_equal(cur.next_due_at, T0 + 7 * DAY);
    struct update_plan_rec none;
    assert_int_equal(store_update_plan_current(s, 4040, &a, &none, &err), FC_ENOTFOUND);

    /* due: only plans in force, earliest first; the superseded plan never shows */
    struct update_plan_rec *due;
    size_t n;
    assert_int_equal(store_update_plan_due(s, T0 + 30 * DAY, &a, &due, &n, &err), FC_OK);
    assert_int_equal(n, 2);
    assert_int_equal(due[0].id, plan2);
    assert_int_equal(due[1].id, plan);
    assert_int_equal(store_update_plan_due(s, T0 + 3 * DAY, &a, &due, &n, &err), FC_OK);
    assert_int_equal(n, 0);                                                     /* before, not at */
    assert_int_equal(store_update_plan_set_next_due(s, plan2, 0, &err), FC_OK); /* closed */
    assert_int_equal(store_update_plan_set_next_due(s, plan, T0 + 21 * DAY, &err), FC_OK);
    assert_int_equal(store_update_plan_set_next_due(s, 4040, T0, &err), FC_ENOTFOUND);
    assert_int_equal(store_update_plan_due(s, T0 + 30 * DAY, &a, &due, &n, &err), FC_OK);
    assert_int_equal(n, 1);
    assert_int_equal(due[0].id, plan);
    assert_int_equal(due[0].next_due_at, T0 + 21 * DAY);
    assert_int_equal(store_update_plan_current(s, w.incident2, &a, &cur, &err), FC_OK);
    assert_int_equal(cur.next_due_at, 0);

    /* updates sent, listed by time sent */
    struct victim_update_rec u = { .plan_id = plan,
                                   .incident_id = w.incident,
                                   .kind = "scheduled",
                                   .channel = "email",
                                   .summary = "officer visited the neighbour",
                                   .due_at = T0 + 7 * DAY,
                                   .sent_at = T0 + 7 * DAY,
                                   .sent_by = w.user };
    fc_id_t u1, u2;
    assert_int_equal(store_victim_update_insert(s, &u, &u2, &err), FC_OK);
    struct victim_update_rec k = { .incident_id = w.incident,
                                   .kind = "key_event",
                                   .event = "arrest",
                                   .channel = "phone",
                                   .sent_at = T0 + 2 * DAY };
    assert_int_equal(store_victim_update_insert(s, &k, &u1, &err), FC_OK);
    k.kind = "gossip";
    assert_int_equal(store_victim_update_insert(s, &k, NULL, &err), FC_EINVAL);
    assert_string_equal(err.field, "kind");
    k.kind = "key_event";
    k.channel = NULL;
    assert_int_equal(store_victim_update_insert(s, &k, NULL, &err), FC_EINVAL);
    assert_string_equal(err.field, "channel");
    k.channel = "phone";
    k.plan_id = 4040;
    assert_int_equal(store_victim_update_insert(s, &k, NULL, &err), FC_EINVAL);
    struct victim_update_rec *ul;
    assert_int_equal(store_victim_update_list(s, w.incident, &a, &ul, &n, &err), FC_OK);
    assert_int_equal(n, 2);
    assert_int_equal(ul[0].id, u1);
    assert_string_equal(ul[0].event, "arrest");
    assert_int_equal(ul[0].plan_id, 0);
    assert_null(ul[0].summary);
    assert_int_equal(ul[1].id, u2);
    assert_int_equal(ul[1].plan_id, plan);
    assert_string_equal(ul[1].summary, "officer visited the neighbour");
    assert_int_equal(ul[1].due_at, T0 + 7 * DAY);
    assert_int_equal(ul[1].sent_by, w.user);
    assert_int_equal(store_victim_update_list(s, w.incident2, &a, &ul, &n, &err), FC_OK);
    assert_int_equal(n, 0);
    (void)old_plan;
    arena_free(&a);
}

/* ---- closure and survey queue ---- */

static void test_closure_once_and_survey_queue(void **state)
{
    struct store *s = STORE(state);
    struct world w;
    seed(s, &w);
    struct arena a;
    arena_init(&a, 0);
    struct fc_err err = { 0 };
    struct incident_closure_rec c = { .incident_id = w.incident,
                                      .closure_code = "resolved",
                                      .outcome = "mediation agreed",
                                      .case_id = 12,
                                      .closed_by = w.user,
                                      .closed_at = T0 + 5 * DAY };
    assert_int_equal(store_incident_closure_insert(s, &c, &err), FC_OK);
    assert_int_equal(store_incident_closure_insert(s, &c, &err), FC_ECONFLICT);
    assert_string_equal(err.field, "incident_id");
    struct incident_closure_rec bad = c;
    bad.incident_id = w.incident2;
    bad.outcome = "  ";
    assert_int_equal(store_incident_closure_insert(s, &bad, &err), FC_EINVAL);
    assert_string_equal(err.field, "outcome");
    bad.outcome = "x";
    bad.closure_code = NULL;
    assert_int_equal(store_incident_closure_insert(s, &bad, &err), FC_EINVAL);
    assert_string_equal(err.field, "closure_code");
    bad.closure_code = "resolved";
    bad.incident_id = 4040;
    assert_int_equal(store_incident_closure_insert(s, &bad, &err), FC_EINVAL);
    struct incident_closure_rec got;
    assert_int_equal(store_incident_closure_get(s, w.incident, &a, &got, &err), FC_OK);
    assert_string_equal(got.closure_code, "resolved");
    assert_string_equal(got.outcome, "mediation agreed");
    assert_int_equal(got.case_id, 12);
    assert_int_equal(got.closed_by, w.user);
    assert_int_equal(got.closed_at, T0 + 5 * DAY);
    assert_int_equal(store_incident_closure_get(s, w.incident2, &a, &got, &err), FC_ENOTFOUND);

    struct survey_queue_rec q = { .incident_id = w.incident,
                                  .person_id = w.person,
                                  .contact_id = w.contact,
                                  .reason = "incident_closed",
                                  .queued_at = T0 + 5 * DAY };
    fc_id_t q1, q2, q3;
    assert_int_equal(store_survey_queue_insert(s, &q, &q1, &err), FC_OK);
    assert_int_equal(store_survey_queue_insert(s, &q, NULL, &err), FC_ECONFLICT);
    assert_string_equal(err.field, "incident_id");
    q.person_id = w.person2; /* another victim of the same incident */
    q.status = "declined";
    q.queued_at = T0 + 4 * DAY;
    assert_int_equal(store_survey_queue_insert(s, &q, &q2, &err), FC_OK);
    q.incident_id = w.incident2;
    q.contact_id = 0;
    q.status = NULL;
    q.queued_at = T0 + 6 * DAY;
    assert_int_equal(store_survey_queue_insert(s, &q, &q3, &err), FC_OK);
    q.reason = NULL;
    q.incident_id = w.incident;
    q.person_id = w.merged;
    assert_int_equal(store_survey_queue_insert(s, &q, NULL, &err), FC_EINVAL);
    assert_string_equal(err.field, "reason");
    q.reason = "incident_closed";
    q.person_id = 4040;
    assert_int_equal(store_survey_queue_insert(s, &q, NULL, &err), FC_EINVAL);
    struct survey_queue_rec *list;
    size_t n;
    assert_int_equal(store_survey_queue_list(s, NULL, &a, &list, &n, &err), FC_OK);
    assert_int_equal(n, 3);
    assert_int_equal(list[0].id, q2); /* by time queued */
    assert_int_equal(list[1].id, q1);
    assert_int_equal(list[2].id, q3);
    assert_string_equal(list[1].reason, "incident_closed");
    assert_string_equal(list[1].status, "queued");
    assert_int_equal(list[1].contact_id, w.contact);
    assert_int_equal(list[2].contact_id, 0);
    assert_int_equal(store_survey_queue_list(s, "queued", &a, &list, &n, &err), FC_OK);
    assert_int_equal(n, 2);
    assert_int_equal(store_survey_queue_list(s, "declined", &a, &list, &n, &err), FC_OK);
    assert_int_equal(n, 1);
    assert_int_equal(list[0].person_id, w.person2);
    arena_free(&a);
}

/* ---- history ---- */

static void test_history_queries(void **state)
{
    struct store *s = STORE(state);
    struct world w;
    seed(s, &w);
    struct arena a;
    arena_init(&a, 0);
    struct fc_err err = { 0 };
    /* seed: w.contact (person, T0) and w.contact2 (person2, T0 + DAY); more calls by the
     * person and by the record merged into them */
    fc_id_t c3 = add_contact(s, &w, T0 + 10 * DAY, w.merged, 0);
    fc_id_t c4 = add_contact(s, &w, T0 + 400 * DAY, w.person, 0);
    fc_time_t *times;
    size_t n;
    assert_int_equal(
        store_history_caller_contacts(s, w.person, T0, T0 + 365 * DAY, 0, &a, &times, &n, &err),
        FC_OK);
    assert_int_equal(n, 2);
    assert_int_equal(times[0], T0);
    assert_int_equal(times[1], T0 + 10 * DAY);
    assert_int_equal(
        store_history_caller_contacts(s, w.person, T0, T0 + 500 * DAY, c3, &a, &times, &n, &err),
        FC_OK);
    assert_int_equal(n, 2);
    assert_int_equal(times[1], T0 + 400 * DAY);
    assert_int_equal(
        store_history_caller_contacts(s, w.person, T0 + 1, T0 + 10 * DAY, 0, &a, &times, &n, &err),
        FC_OK);
    assert_int_equal(n, 0); /* [from, to) */
    (void)c4;

    /* incidents naming the person (or the merged record) as victim, once each */
    fc_id_t i3 = add_incident(s, &w, T0 + 20 * DAY, "hate_motivated", "7|mill lane|le2", 52.61,
                              -1.12, w.merged, false);
    fc_id_t i4 = add_incident(s, &w, T0 + 30 * DAY, "noise", "12|high street|le1", NAN, NAN,
                              w.person2, true);
    assert_int_equal(store_history_person_incidents(s, w.person, "victim", T0, T0 + 365 * DAY, &a,
                                                    &times, &n, &err),
                     FC_OK);
    assert_int_equal(n, 2);
    assert_int_equal(times[0], T0);
    assert_int_equal(times[1], T0 + 20 * DAY);
    assert_int_equal(store_history_person_incidents(s, w.person, "suspect", T0, T0 + 365 * DAY, &a,
                                                    &times, &n, &err),
                     FC_OK);
    assert_int_equal(n, 0);

    /* places: by key, by box, both; NaN box means key only */
    struct history_place_row *pl;
    assert_int_equal(store_history_place_incidents(s, "12|high street|le1", NAN, NAN, NAN, NAN, T0,
                                                   T0 + 365 * DAY, 0, &a, &pl, &n, &err),
                     FC_OK);
    assert_int_equal(n, 2);
    assert_int_equal(pl[0].incident_id, w.incident);
    assert_string_equal(pl[0].location_key, "12|high street|le1");
    assert_true(fabs(pl[0].lat - 52.6) < 1e-9);
    assert_int_equal(pl[1].incident_id, i4);
    assert_true(isnan(pl[1].lat));
    assert_int_equal(store_history_place_incidents(s, "12|high street|le1", NAN, NAN, NAN, NAN, T0,
                                                   T0 + 365 * DAY, w.incident, &a, &pl, &n, &err),
                     FC_OK);
    assert_int_equal(n, 1);
    assert_int_equal(store_history_place_incidents(s, NULL, 52.605, 52.615, -1.125, -1.115, T0,
                                                   T0 + 365 * DAY, 0, &a, &pl, &n, &err),
                     FC_OK);
    assert_int_equal(n, 1);
    assert_int_equal(pl[0].incident_id, i3);
    assert_int_equal(pl[0].at, T0 + 20 * DAY);
    assert_int_equal(store_history_place_incidents(s, "", 52.5, 52.7, -1.2, -1.1, T0,
                                                   T0 + 365 * DAY, 0, &a, &pl, &n, &err),
                     FC_OK);
    assert_int_equal(n, 2); /* the two with coordinates */
    assert_int_equal(store_history_place_incidents(s, NULL, NAN, NAN, NAN, NAN, T0, T0 + 365 * DAY,
                                                   0, &a, &pl, &n, &err),
                     FC_OK);
    assert_int_equal(n, 0);

    /* complaints: by the person (merged records count as them) or about the problem key */
    fc_id_t c5 = add_contact(s, &w, T0 + 21 * DAY, 0, i3);
    fc_id_t c6 = add_contact(s, &w, T0 + 31 * DAY, w.person2, i4);
    struct history_complaint_row *cr;
    assert_int_equal(
        store_history_complaints(s, w.person, NULL, T0, T0 + 365 * DAY, 0, &a, &cr, &n, &err),
        FC_OK);
    assert_int_equal(n, 2);
    assert_int_equal(cr[0].contact_id, w.contact);
    assert_int_equal(cr[0].person_id, w.person);
    assert_string_equal(cr[0].problem_key, "12|high street|le1");
    assert_int_equal(cr[0].at, T0);
    assert_int_equal(cr[0].behaviour_at, T0 - 3600);
    assert_false(cr[0].is_hate);
    assert_int_equal(cr[1].contact_id, c3);
    assert_int_equal(cr[1].person_id, w.person); /* the merged record's call */
    assert_null(cr[1].problem_key);
    assert_int_equal(store_history_complaints(s, 0, "12|high street|le1", T0, T0 + 365 * DAY,
                                              w.contact, &a, &cr, &n, &err),
                     FC_OK);
    assert_int_equal(n, 1);
    assert_int_equal(cr[0].contact_id, c6);
    assert_true(cr[0].is_hate); /* a hate strand on the incident */
    assert_int_equal(
        store_history_complaints(s, 0, "7|mill lane|le2", T0, T0 + 365 * DAY, 0, &a, &cr, &n, &err),
        FC_OK);
    assert_int_equal(n, 1);
    assert_int_equal(cr[0].contact_id, c5);
    assert_int_equal(cr[0].person_id, 0);
    assert_true(cr[0].is_hate); /* a hate-motivated incident */
    assert_int_equal(store_history_complaints(s, 0, NULL, T0, T0 + 365 * DAY, 0, &a, &cr, &n, &err),
                     FC_OK);
    assert_int_equal(n, 0);
    arena_free(&a);
}

/* ---- concurrent writers ---- */

#define RACE_INCIDENTS 40

struct racer {
    struct store *s;
    const struct world *w;
    const fc_id_t *incidents;
    const fc_id_t *tasks;
    int won, lost, failed;
    struct fc_err last; /* the last unexpected error */
};

/* Each racer raises a visit task on every incident: one of them must win each. */
static void *task_racer(void *p)
{
    struct racer *r = p;
    for (int i = 0; i < RACE_INCIDENTS; i++) {
        struct fc_err err = { 0 };
        struct task_rec t = sample_task(r->w, "visit", T0 + DAY);
        t.incident_id = r->incidents[i];
        int rc = store_task_insert(r->s, &t, NULL, &err);
        if (rc == FC_OK) {
            r->won++;
        } else if (rc == FC_ECONFLICT) {
            r->lost++;
        } else {
            r->failed++;
            r->last = err;
        }
    }
    return NULL;
}

/* Each racer closes every task: each task is closed exactly once. */
static void *close_racer(void *p)
{
    struct racer *r = p;
    for (int i = 0; i < RACE_INCIDENTS; i++) {
        struct fc_err err = { 0 };
        int rc = store_task_close(r->s, r->tasks[i], "done", r->w->user, T0 + DAY, NULL, &err);
        if (rc == FC_OK) {
            r->won++;
        } else if (rc == FC_ECONFLICT) {
            r->lost++;
        } else {
            r->failed++;
            r->last = err;
        }
    }
    return NULL;
}

/* Each racer replaces the whole team map over and over. */
static void *map_racer(void *p)
{
    struct racer *r = p;
    for (int i = 0; i < 15; i++) {
        struct fc_err err = { 0 };
        int rc = store_team_area_replace(r->s, "team_areas/v1", map_lsoa, map_team, map_name,
                                         map_district, 3, &err);
        if (rc == FC_OK) {
            r->won++;
        } else {
            r->failed++;
            r->last = err;
        }
    }
    return NULL;
}

static void race(void *(*fn)(void *), struct racer *r)
{
    pthread_t t[2];
    for (int i = 0; i < 2; i++)
        assert_int_equal(pthread_create(&t[i], NULL, fn, &r[i]), 0);
    for (int i = 0; i < 2; i++)
        pthread_join(t[i], NULL);
    for (int i = 0; i < 2; i++) {
        if (r[i].failed)
            fprintf(stderr, "racer %d: %d failures, last: %s\n", i, r[i].failed, r[i].last.msg);
        assert_int_equal(r[i].failed, 0);
    }
}

static void test_concurrent_writers_raise_and_close_each_task_once(void **state)
{
    struct store *s = STORE(state);
    struct world w;
    seed(s, &w);
    struct arena a;
    arena_init(&a, 0);
    struct fc_err err = { 0 };
    fc_id_t incidents[RACE_INCIDENTS];
    for (int i = 0; i < RACE_INCIDENTS; i++)
        incidents[i] = add_incident(s, &w, T0 + i, "noise", NULL, NAN, NAN, 0, false);

    struct racer r[2] = { { .s = s, .w = &w, .incidents = incidents },
                          { .s = s, .w = &w, .incidents = incidents } };
    race(task_racer, r);
    assert_int_equal(r[0].won + r[1].won, RACE_INCIDENTS);
    assert_int_equal(r[0].lost + r[1].lost, RACE_INCIDENTS);
    struct task_rec *list;
    size_t n;
    struct task_query q = { .status = "open" };
    assert_int_equal(store_task_search(s, &q, &a, &list, &n, &err), FC_OK);
    assert_int_equal(n, RACE_INCIDENTS);

    fc_id_t tasks[RACE_INCIDENTS];
    for (size_t i = 0; i < n; i++)
        tasks[i] = list[i].id;
    struct racer c[2] = { { .s = s, .w = &w, .tasks = tasks },
                          { .s = s, .w = &w, .tasks = tasks } };
    race(close_racer, c);
    assert_int_equal(c[0].won + c[1].won, RACE_INCIDENTS);
    assert_int_equal(c[0].lost + c[1].lost, RACE_INCIDENTS);
    assert_int_equal(store_task_search(s, &q, &a, &list, &n, &err), FC_OK);
    assert_int_equal(n, 0);

    /* two nodes replacing the team map at once both succeed, one after the other */
    struct racer m[2] = { { .s = s, .w = &w }, { .s = s, .w = &w } };
    race(map_racer, m);
    assert_int_equal(m[0].won + m[1].won, 30);
    struct task_rec t = sample_task(&w, "call_back", T0);
    t.team_id = "npt_charnwood";
    assert_int_equal(store_task_insert(s, &t, NULL, &err), FC_OK);
    arena_free(&a);
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_team_area_replace_is_all_or_nothing, fixture_setup,
                                        fixture_teardown),
        cmocka_unit_test_setup_teardown(test_risk_assessments_append_and_list, fixture_setup,
                                        fixture_teardown),
        cmocka_unit_test_setup_teardown(test_risk_assessment_constraints_name_the_column,
                                        fixture_setup, fixture_teardown),
        cmocka_unit_test_setup_teardown(test_grades_append_and_list, fixture_setup,
                                        fixture_teardown),
        cmocka_unit_test_setup_teardown(test_contact_labels_are_written_once, fixture_setup,
                                        fixture_teardown),
        cmocka_unit_test_setup_teardown(test_task_lifecycle_and_search, fixture_setup,
                                        fixture_teardown),
        cmocka_unit_test_setup_teardown(test_task_constraints_name_the_column, fixture_setup,
                                        fixture_teardown),
        cmocka_unit_test_setup_teardown(test_task_conflict_inside_transaction_keeps_the_rest,
                                        fixture_setup, fixture_teardown),
        cmocka_unit_test_setup_teardown(test_rollback_discards_call_handling_records, fixture_setup,
                                        fixture_teardown),
        cmocka_unit_test_setup_teardown(test_trigger_with_steps_round_trip, fixture_setup,
                                        fixture_teardown),
        cmocka_unit_test_setup_teardown(test_trigger_bad_step_rolls_back_whole_trigger,
                                        fixture_setup, fixture_teardown),
        cmocka_unit_test_setup_teardown(test_update_plans_and_victim_updates, fixture_setup,
                                        fixture_teardown),
        cmocka_unit_test_setup_teardown(test_closure_once_and_survey_queue, fixture_setup,
                                        fixture_teardown),
        cmocka_unit_test_setup_teardown(test_history_queries, fixture_setup, fixture_teardown),
        cmocka_unit_test_setup_teardown(test_concurrent_writers_raise_and_close_each_task_once,
                                        fixture_setup, fixture_teardown),
    };
    if (argc > 1)
        cmocka_set_test_filter(argv[1]);
    return cmocka_run_group_tests_name("store/intake", tests, NULL, NULL);
}
