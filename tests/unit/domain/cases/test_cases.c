/*
 * Tests for the case service on a real (temporary SQLite) store: co-working across
 * organisations, what a partner cannot see, review escalation, closure and the survey
 * queue, and that rejected input writes nothing.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "domain/cases/cases.h"
#include "domain/cases/demo.h"
#include "domain/cases/pdf.h"
#include "unit/store/store_fixture.h"

#define NOW 1790000000 /* 2026-09-21 */
#define DAY CASES_DAY_S

struct world {
    struct store_fixture f;
    fc_id_t force, charnwood, city;
    struct access_viewer pc, sgt, council, city_officer, analyst;
    fc_id_t victim, perpetrator, outsider;
    fc_id_t incident, police_only_incident;
};

static fc_id_t org(struct store *s, enum org_kind kind, const char *name)
{
    struct organisation o = { .kind = kind, .name = (char *)name };
    struct fc_err err = { 0 };
    fc_id_t id = 0;
    assert_int_equal(store_org_insert(s, &o, &id, &err), FC_OK);
    return id;
}

static struct access_viewer user(struct store *s, fc_id_t org_id, enum org_kind kind,
                                 enum user_role role, const char *name, const char *team)
{
    struct user u = { .org_id = org_id, .username = (char *)name, .display_name = (char *)name,
                      .role = role, .team = (char *)team };
    struct fc_err err = { 0 };
    fc_id_t id = 0;
    assert_int_equal(store_user_insert(s, &u, &id, &err), FC_OK);
    return (struct access_viewer){ .user_id = id, .org_id = org_id, .org_kind = kind,
                                   .role = role };
}

static fc_id_t person(struct store *s, const char *fore, const char *sur, const char *dob)
{
    struct person_name n = { .forename = (char *)fore, .surname = (char *)sur,
                             .prov = { .source = "manual", .recorded_at = NOW - 100 * DAY } };
    struct person_dob d = { .date = "", .precision = DOB_FULL,
                            .prov = { .source = "manual", .recorded_at = NOW - 100 * DAY } };
    snprintf(d.date, sizeof(d.date), "%s", dob);
    struct person p = { .created_at = NOW - 100 * DAY, .n_names = 1, .names = &n, .n_dobs = 1,
                        .dobs = &d };
    struct fc_err err = { 0 };
    fc_id_t id = 0;
    assert_int_equal(store_person_insert(s, &p, &id, &err), FC_OK);
    return id;
}

static fc_id_t incident(struct store *s, fc_id_t org_id, bool is_police_only, fc_id_t victim,
                        const char *description)
{
    struct incident_person ip = { .person_id = victim, .role = ROLE_IN_VICTIM };
    struct incident i = { .org_id = org_id, .category = NSIR_PERSONAL,
                          .incident_type = "neighbour_dispute",
                          .description = (char *)description,
                          .location_raw = "14 Park Road, Loughborough",
                          .location_postcode = "LE11 2HA", .lsoa_code = "E01025900",
                          .lat = NAN, .lon = NAN, .status = INCIDENT_OPEN,
                          .risk_level = "medium", .is_police_only = is_police_only,
                          .occurred_at = NOW - 20 * DAY, .created_at = NOW - 20 * DAY,
                          .n_persons = 1, .persons = &ip };
    struct fc_err err = { 0 };
    fc_id_t id = 0;
    assert_int_equal(store_incident_insert(s, &i, &id, &err), FC_OK);
    return id;
}

static int world_setup(void **state)
{
    struct world *w = calloc(1, sizeof(*w));
    void *fs = NULL;
    if (w == NULL || fixture_setup(&fs) != 0)
        return -1;
    w->f = *(struct store_fixture *)fs;
    free(fs);
    struct store *s = w->f.store;
    w->force = org(s, ORG_FORCE, "Leicestershire Police");
    w->charnwood = org(s, ORG_DISTRICT_COUNCIL, "Charnwood Borough Council");
    w->city = org(s, ORG_CITY_COUNCIL, "Leicester City Council");
    w->pc = user(s, w->force, ORG_FORCE, ROLE_OFFICER, "pc.khan", "Charnwood NPT");
    w->sgt = user(s, w->force, ORG_FORCE, ROLE_SUPERVISOR, "sgt.wright", "Charnwood NPT");
    w->council = user(s, w->charnwood, ORG_DISTRICT_COUNCIL, ROLE_PARTNER_OFFICER, "asb.jones",
                      NULL);
    w->city_officer = user(s, w->city, ORG_CITY_COUNCIL, ROLE_PARTNER_OFFICER, "asb.patel", NULL);
    w->analyst = user(s, w->force, ORG_FORCE, ROLE_ANALYST, "analyst.lee", NULL);
    w->victim = person(s, "Margaret", "HOLLIS", "1948-03-02");
    w->perpetrator = person(s, "Dean", "CARTER", "1999-07-11");
    w->outsider = person(s, "Tariq", "AHMED", "1980-01-20");
    w->incident = incident(s, w->force, false, w->victim, "Shouting and banging at night");
    w->police_only_incident = incident(s, w->force, true, w->outsider, "Intelligence report");
    *state = w;
    return 0;
}

static int world_teardown(void **state)
{
    struct world *w = *state;
    void *fs = calloc(1, sizeof(struct store_fixture)); /* fixture_teardown frees it */
    *(struct store_fixture *)fs = w->f;
    fixture_teardown(&fs);
    free(w);
    return 0;
}

static int64_t count(struct world *w, const char *sql)
{
    sqlite3 *db = NULL;
    sqlite3_stmt *st = NULL;
    int64_t n = -1;
    if (sqlite3_open(w->f.path, &db) == SQLITE_OK &&
        sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
        n = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    sqlite3_close(db);
    return n;
}

static fc_id_t open_case(struct world *w, const struct access_viewer *v)
{
    struct cases_open_input in = { .title = "Park Road neighbour dispute",
                                   .origin = "incident",
                                   .origin_id = w->incident,
                                   .area_code = "E01025900",
                                   .area_name = "Loughborough",
                                   .sharing_basis = "Crime and Disorder Act 1998 s115",
                                   .sharing_agreement_ref = "LLR ISA 2024/07" };
    struct fc_err err = { 0 };
    fc_id_t id = 0;
    int rc = cases_open(w->f.store, v, &in, NOW, &id, &err);
    if (rc != FC_OK)
        fail_msg("open: %s %s", err.field, err.msg);
    return id;
}

static void test_cases_police_and_council_co_work_a_case(void **state)
{
    struct world *w = *state;
    struct store *s = w->f.store;
    struct fc_err err = { 0 };
    fc_id_t id = open_case(w, &w->pc);
    assert_int_equal(cases_party_add(s, &w->pc, id, w->victim, "victim", 0.97, NOW, &err), FC_OK);
    assert_int_equal(cases_party_add(s, &w->pc, id, w->perpetrator, "perpetrator", 1, NOW, &err),
                     FC_OK);
    /* before sharing, the council cannot contribute */
    struct cases_action_input letter = { .intervention = "warning_letter",
                                         .subject_person_id = w->perpetrator,
                                         .subject_age_years = -1 };
    assert_int_equal(cases_action_add(s, &w->council, id, &letter, NOW, NULL, &err), FC_EDENIED);
    assert_int_equal(cases_share(s, &w->pc, id, w->charnwood, "contribute", 0, NOW, &err), FC_OK);
    fc_id_t action = 0;
    assert_int_equal(cases_action_add(s, &w->council, id, &letter, NOW + 60, &action, &err),
                     FC_OK);
    assert_int_equal(cases_contact_log(s, &w->council, id, w->victim, "visit",
                                       "Visited; diary sheets given", false, NOW + 120, &err),
                     FC_OK);
    assert_int_equal(cases_action_set_status(s, &w->council, action, "done", "Letter sent",
                                             NOW + 200, &err),
                     FC_OK);
    /* contribute does not allow managing: the council cannot close or re-share */
    assert_int_equal(cases_close(s, &w->council, id, "resolved", "x", NOW, &err), FC_EDENIED);
    assert_int_equal(cases_share(s, &w->council, id, w->city, "view", 0, NOW, &err), FC_EDENIED);

    /* the call handler's screening shows beside the case */
    struct risk_assessment_rec ra = { .incident_id = w->incident, .person_id = w->victim,
                                      .version = "risk/v1", .stage = "screening",
                                      .answers = "{}", .escalations = "[]",
                                      .outcome = "not_low_risk", .scored_level = "medium",
                                      .final_level = "medium", .assessor_user_id = w->pc.user_id,
                                      .assessed_at = NOW - DAY };
    fc_id_t ra_id;
    assert_int_equal(store_risk_assessment_insert(s, &ra, &ra_id, &err), FC_OK);
    struct arena a;
    arena_init(&a, 0);
    struct cases_view v;
    assert_int_equal(cases_view_load(s, &w->pc, id, "case review", NOW + 300, &a, &v, &err),
                     FC_OK);
    assert_int_equal(v.level, ACCESS_LEAD);
    assert_int_equal(v.n_incidents, 1);
    assert_string_equal(v.incidents[0].assessment_stage, "screening");
    assert_string_equal(v.incidents[0].assessment_level, "medium");
    assert_int_equal(v.n_actions, 1);
    assert_string_equal(v.actions[0].status, "done");
    assert_int_equal(v.actions[0].owner_org_id, w->charnwood);
    bool saw_contact = false;
    for (size_t i = 0; i < v.n_timeline; i++)
        saw_contact = saw_contact || (strcmp(v.timeline[i].kind, "contact") == 0 &&
                                      v.timeline[i].actor_org_id == w->charnwood);
    assert_true(saw_contact);
    assert_string_equal(v.c.sharing_basis, "Crime and Disorder Act 1998 s115");
    assert_non_null(strstr(v.c.ref, "CASE-2026-"));
    arena_free(&a);
}

static void test_cases_council_cannot_see_police_only_or_unshared(void **state)
{
    struct world *w = *state;
    struct store *s = w->f.store;
    struct fc_err err = { 0 };
    fc_id_t id = open_case(w, &w->pc);
    assert_int_equal(cases_party_add(s, &w->pc, id, w->victim, "victim", 1, NOW, &err), FC_OK);
    assert_int_equal(cases_incident_link(s, &w->pc, id, w->police_only_incident, NOW, &err),
                     FC_OK);
    assert_int_equal(cases_note_add(s, &w->pc, id, "Intelligence: linked to county lines", true,
                                    NOW, &err),
                     FC_OK);
    struct arena a;
    arena_init(&a, 0);
    struct cases_view v;
    /* not shared yet: denied, and nothing is disclosed */
    assert_int_equal(cases_view_load(s, &w->council, id, "case work", NOW, &a, &v, &err),
                     FC_EDENIED);
    assert_int_equal(count(w, "SELECT count(*) FROM audit_event WHERE action = 'disclose'"), 0);
    assert_int_equal(cases_share(s, &w->pc, id, w->charnwood, "view", 0, NOW, &err), FC_OK);
    assert_int_equal(cases_view_load(s, &w->council, id, "case work", NOW, &a, &v, &err), FC_OK);
    assert_int_equal(v.level, ACCESS_VIEW);
    assert_int_equal(v.n_incidents, 1); /* the ordinary one */
    assert_int_equal(v.n_incidents_withheld, 1);
    assert_int_equal(v.incidents[0].id, w->incident);
    assert_null(v.incidents[0].description); /* view level: summary only */
    assert_string_equal(v.incidents[0].location, "LE11");
    assert_int_equal(v.n_persons, 1);
    assert_null(v.persons[0].dob);
    for (size_t i = 0; i < v.n_timeline; i++) {
        assert_false(v.timeline[i].is_police_only);
        assert_null(strstr(v.timeline[i].summary, "Police note"));
    }
    /* the cross-organisation read was audited as a disclosure of the case and the person */
    assert_int_equal(count(w, "SELECT count(*) FROM audit_event WHERE action = 'disclose' "
                              "AND object_type = 'case'"),
                     1);
    assert_int_equal(count(w, "SELECT count(*) FROM audit_event WHERE action = 'disclose' "
                              "AND object_type = 'person'"),
                     1);
    /* persons and incidents outside shared cases stay invisible */
    bool is_visible = true;
    assert_int_equal(
        cases_person_visible(s, &w->council, w->outsider, NOW, &a, &is_visible, NULL, &err),
        FC_OK);
    assert_false(is_visible);
    assert_int_equal(
        cases_person_visible(s, &w->council, w->victim, NOW, &a, &is_visible, NULL, &err), FC_OK);
    assert_true(is_visible);
    assert_int_equal(cases_incident_visible(s, &w->council, w->police_only_incident, NOW, &a,
                                            &is_visible, NULL, &err),
                     FC_OK);
    assert_false(is_visible);
    /* another council sees nothing */
    assert_int_equal(cases_view_load(s, &w->city_officer, id, "x", NOW, &a, &v, &err),
                     FC_EDENIED);
    assert_int_equal(cases_view_load(s, &w->analyst, id, "x", NOW, &a, &v, &err), FC_EDENIED);
    /* the police see all of it, without a disclosure */
    assert_int_equal(cases_view_load(s, &w->pc, id, "case work", NOW, &a, &v, &err), FC_OK);
    assert_int_equal(v.n_incidents, 2);
    assert_non_null(v.incidents[0].description);
    arena_free(&a);
}

static void test_cases_overdue_review_escalates_to_supervisor_once(void **state)
{
    struct world *w = *state;
    struct store *s = w->f.store;
    struct fc_err err = { 0 };
    fc_id_t id = open_case(w, &w->pc);
    size_t n = 99;
    assert_int_equal(cases_review_escalate_due(s, NOW + 27 * DAY, &n, &err), FC_OK);
    assert_int_equal(n, 0);
    assert_int_equal(cases_review_escalate_due(s, NOW + 30 * DAY, &n, &err), FC_OK);
    assert_int_equal(n, 1);
    char sql[200];
    snprintf(sql, sizeof(sql),
             "SELECT escalated_to FROM case_escalation WHERE case_id = %lld", (long long)id);
    assert_int_equal(count(w, sql), w->sgt.user_id);
    assert_int_equal(cases_review_escalate_due(s, NOW + 31 * DAY, &n, &err), FC_OK);
    assert_int_equal(n, 0); /* once per missed due date */
    struct arena a;
    arena_init(&a, 0);
    struct asb_case *cs;
    size_t nc;
    assert_int_equal(cases_list(s, &w->sgt, CASES_LIST_OVERDUE_REVIEWS, NULL, NULL,
                                NOW + 31 * DAY, &a, &cs, &nc, &err),
                     FC_OK);
    assert_int_equal(nc, 1);
    /* holding the review moves the due date on 28 days and clears the overdue list */
    assert_int_equal(cases_review_record(s, &w->pc, id, "Reviewed with council", NOW + 31 * DAY,
                                         &err),
                     FC_OK);
    assert_int_equal(cases_list(s, &w->sgt, CASES_LIST_OVERDUE_REVIEWS, NULL, NULL,
                                NOW + 31 * DAY, &a, &cs, &nc, &err),
                     FC_OK);
    assert_int_equal(nc, 0);
    assert_int_equal(cases_review_escalate_due(s, NOW + 60 * DAY, &n, &err), FC_OK);
    assert_int_equal(n, 1); /* the new date, missed again */
    arena_free(&a);
}

static void test_cases_close_queues_victim_survey_and_freezes_case(void **state)
{
    struct world *w = *state;
    struct store *s = w->f.store;
    struct fc_err err = { 0 };
    fc_id_t id = open_case(w, &w->pc);
    assert_int_equal(cases_party_add(s, &w->pc, id, w->victim, "victim", 1, NOW, &err), FC_OK);
    assert_int_equal(cases_close(s, &w->pc, id, "resolved", "", NOW, &err), FC_EINVAL);
    assert_int_equal(cases_close(s, &w->pc, id, "resolved", "No reports for 3 months", NOW + DAY,
                                 &err),
                     FC_OK);
    assert_int_equal(count(w, "SELECT count(*) FROM survey_queue WHERE reason = 'case_closed'"),
                     1);
    assert_int_equal(cases_note_add(s, &w->pc, id, "late note", false, NOW + 2 * DAY, &err),
                     FC_ECONFLICT);
    assert_int_equal(cases_close(s, &w->pc, id, "resolved", "again", NOW + 2 * DAY, &err),
                     FC_ECONFLICT);
    /* the timeline is append-only even to raw SQL */
    assert_int_not_equal(fixture_raw_sql(&w->f, "UPDATE case_entry SET summary = 'x'"), 0);
    assert_int_not_equal(fixture_raw_sql(&w->f, "DELETE FROM case_entry"), 0);
}

static void test_cases_bad_input_writes_nothing(void **state)
{
    struct world *w = *state;
    struct store *s = w->f.store;
    struct fc_err err = { 0 };
    struct cases_open_input in = { .title = "No basis", .origin = "manual" };
    fc_id_t id = 0;
    assert_int_equal(cases_open(s, &w->pc, &in, NOW, &id, &err), FC_EINVAL);
    assert_string_equal(err.field, "sharing_basis");
    in.sharing_basis = "Local ISA";
    in.lead_user_id = w->council.user_id; /* not in the viewer's organisation */
    assert_int_equal(cases_open(s, &w->pc, &in, NOW, &id, &err), FC_EINVAL);
    assert_string_equal(err.field, "lead_user_id");
    in.lead_user_id = 0;
    in.origin = "incident";
    in.origin_id = w->incident; /* a police incident: the council may not open from it */
    assert_int_equal(cases_open(s, &w->council, &in, NOW, &id, &err), FC_EDENIED);
    assert_int_equal(count(w, "SELECT count(*) FROM asb_case"), 0);
    assert_int_equal(count(w, "SELECT count(*) FROM case_entry"), 0);
    id = open_case(w, &w->pc);
    struct cases_action_input cpn = { .intervention = "cpn", .subject_person_id = w->perpetrator,
                                      .subject_age_years = 25 };
    assert_int_equal(cases_action_add(s, &w->pc, id, &cpn, NOW, NULL, &err), FC_EINVAL);
    assert_int_equal(count(w, "SELECT count(*) FROM case_action"), 0);
}

static void test_cases_lists_and_trigger_deadlines(void **state)
{
    struct world *w = *state;
    struct store *s = w->f.store;
    struct fc_err err = { 0 };
    fc_id_t a1 = open_case(w, &w->pc);
    struct cases_open_input ct = { .title = "Community Trigger: Elm Close",
                                   .origin = "community_trigger",
                                   .trigger_applied_at = NOW - 2 * DAY,
                                   .area_code = "E01025901",
                                   .sharing_basis = "Anti-social Behaviour, Crime and Policing "
                                                    "Act 2014 sch.4" };
    fc_id_t c2 = 0;
    assert_int_equal(cases_open(s, &w->council, &ct, NOW, &c2, &err), FC_OK);
    assert_int_equal(cases_share(s, &w->council, c2, w->force, "co_own", 0, NOW, &err), FC_OK);
    struct cases_action_input free_action = { .intervention = "free",
                                              .title = "Install CCTV on Elm Close",
                                              .subject_age_years = -1,
                                              .due_at = NOW + 2 * DAY };
    assert_int_equal(cases_action_add(s, &w->council, c2, &free_action, NOW, NULL, &err),
                     FC_OK);
    struct arena a;
    arena_init(&a, 0);
    struct asb_case *cs;
    size_t n;
    assert_int_equal(cases_list(s, &w->pc, CASES_LIST_MINE, NULL, NULL, NOW, &a, &cs, &n, &err),
                     FC_OK);
    assert_int_equal(n, 1);
    assert_int_equal(cs[0].id, a1);
    assert_int_equal(cases_list(s, &w->pc, CASES_LIST_ORG, NULL, NULL, NOW, &a, &cs, &n, &err),
                     FC_OK);
    assert_int_equal(n, 2);
    assert_int_equal(
        cases_list(s, &w->council, CASES_LIST_ORG, NULL, NULL, NOW, &a, &cs, &n, &err), FC_OK);
    assert_int_equal(n, 1);
    assert_int_equal(cases_list(s, &w->pc, CASES_LIST_AREA, "E01025901", NULL, NOW, &a, &cs, &n,
                                &err),
                     FC_OK);
    assert_int_equal(n, 1);
    assert_int_equal(cases_list(s, &w->pc, CASES_LIST_TRIGGER, NULL, NULL, NOW, &a, &cs, &n,
                                &err),
                     FC_OK);
    assert_int_equal(n, 1);
    struct cases_trigger_step steps[6];
    size_t ns;
    assert_int_equal(cases_trigger_plan(s, &cs[0], &a, steps, 6, &ns, &err), FC_OK);
    assert_true(ns >= 2);
    assert_true(steps[0].due_at > NOW - 2 * DAY);
    assert_int_equal(steps[0].done_at, 0);
    assert_int_equal(cases_trigger_step_done(s, &w->council, c2, steps[0].id, NOW, NOW, &err),
                     FC_OK);
    assert_int_equal(cases_trigger_plan(s, &cs[0], &a, steps, 6, &ns, &err), FC_OK);
    assert_int_equal(steps[0].done_at, NOW);
    struct case_action *xs;
    assert_int_equal(cases_actions_overdue(s, &w->pc, NOW + 3 * DAY, &a, &xs, &n, &err), FC_OK);
    assert_int_equal(n, 1);
    assert_int_equal(cases_actions_overdue(s, &w->city_officer, NOW + 3 * DAY, &a, &xs, &n, &err),
                     FC_OK);
    assert_int_equal(n, 0);
    arena_free(&a);
}

/* Renders the viewer's PDF and returns pdftotext's output (malloc'd). */
static char *pdf_text(struct world *w, const struct access_viewer *v, fc_id_t id, fc_time_t now)
{
    struct arena a;
    arena_init(&a, 0);
    struct fc_err err = { 0 };
    struct cases_view cv;
    assert_int_equal(cases_view_load(w->f.store, v, id, "case conference", now, &a, &cv, &err),
                     FC_OK);
    unsigned char *pdf = NULL;
    size_t len = 0;
    assert_int_equal(cases_pdf_render(w->f.store, &cv, now, &a, &pdf, &len, &err), FC_OK);
    assert_true(len > 1000);
    assert_memory_equal(pdf, "%PDF-", 5);
    char path[400], cmd[900];
    snprintf(path, sizeof(path), "%s/case.pdf", w->f.dir);
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(pdf, 1, len, f), len);
    fclose(f);
    arena_free(&a);
    snprintf(cmd, sizeof(cmd), "pdftotext -layout '%s' - 2>/dev/null", path);
    FILE *p = popen(cmd, "r");
    assert_non_null(p);
    size_t cap = 1 << 20, n = 0;
    char *text = calloc(1, cap);
    size_t got;
    while ((got = fread(text + n, 1, cap - 1 - n, p)) > 0)
        n += got;
    assert_int_equal(pclose(p), 0);
    return text;
}

static void test_cases_pdf_has_plan_and_timeline_for_the_viewer(void **state)
{
    struct world *w = *state;
    struct store *s = w->f.store;
    struct fc_err err = { 0 };
    fc_id_t id = open_case(w, &w->pc);
    fc_id_t zoe = person(s, "Zoë", "WÓJCIK", "1990-05-05");
    assert_int_equal(cases_party_add(s, &w->pc, id, zoe, "victim", 1, NOW, &err), FC_OK);
    assert_int_equal(cases_share(s, &w->pc, id, w->charnwood, "contribute", 0, NOW, &err), FC_OK);
    struct cases_action_input abc = { .intervention = "abc", .subject_person_id = w->perpetrator,
                                      .subject_age_years = 27 };
    assert_int_equal(cases_action_add(s, &w->council, id, &abc, NOW, NULL, &err), FC_OK);
    const char *attendees[] = { "PC Khan (Leicestershire Police)",
                                "J Jones (Charnwood Borough Council)" };
    const char *decisions[] = { "Offer mediation to both households" };
    struct cases_conference_input conf = { .kind = "asbrac", .held_at = NOW + DAY,
                                           .attendees = attendees, .n_attendees = 2,
                                           .decisions = decisions, .n_decisions = 1,
                                           .minutes = "Noise diary reviewed; pattern confirmed." };
    assert_int_equal(cases_conference_record(s, &w->pc, id, &conf, NOW + DAY, &err), FC_OK);
    assert_int_equal(cases_note_add(s, &w->pc, id, "Intelligence: associate of OCG", true,
                                    NOW + DAY, &err),
                     FC_OK);
    char *t = pdf_text(w, &w->council, id, NOW + 20 * DAY);
    assert_non_null(strstr(t, "Case summary CASE-2026-"));
    assert_non_null(strstr(t, "OFFICIAL-SENSITIVE"));
    assert_non_null(strstr(t, "Action plan"));
    assert_non_null(strstr(t, "Acceptable Behaviour Contract"));
    assert_non_null(strstr(t, "OVERDUE")); /* the ABC was due in 14 days */
    assert_non_null(strstr(t, "Charnwood Borough Council"));
    assert_non_null(strstr(t, "Crime and Disorder Act 1998 s115"));
    assert_non_null(strstr(t, "Timeline"));
    assert_non_null(strstr(t, "Offer mediation to both households"));
    assert_non_null(strstr(t, "Zoë WÓJCIK"));
    assert_null(strstr(t, "Police note")); /* police-only entries stay out of a partner's PDF */
    assert_null(strstr(t, "OCG"));
    free(t);
    t = pdf_text(w, &w->pc, id, NOW + 20 * DAY);
    assert_non_null(strstr(t, "Police note"));
    free(t);
}

static void test_cases_demo_seeds_live_cases_across_two_councils_once(void **state)
{
    struct world *w = *state;
    struct store *s = w->f.store;
    struct fc_err err = { 0 };
    struct cases_demo_counts c;
    assert_int_equal(cases_demo_seed(s, NULL, NOW, &c, &err), FC_OK);
    assert_int_equal(c.cases_created, 3);
    assert_int_equal(cases_demo_seed(s, NULL, NOW, &c, &err), FC_OK);
    assert_int_equal(c.cases_created, 0);
    assert_int_equal(c.cases_existing, 3);
    assert_int_equal(count(w, "SELECT count(*) FROM asb_case WHERE status = 'open'"), 3);
    /* two councils lead or co-work live cases */
    assert_int_equal(count(w, "SELECT count(DISTINCT o.id) FROM organisation o WHERE o.kind IN "
                              "('district_council', 'city_council') AND (EXISTS (SELECT 1 FROM "
                              "asb_case c WHERE c.lead_org_id = o.id) OR EXISTS (SELECT 1 FROM "
                              "case_share sh WHERE sh.org_id = o.id))"),
                     2);
    assert_int_equal(count(w, "SELECT count(*) FROM case_escalation"), 1);
    assert_true(count(w, "SELECT count(*) FROM case_entry") > 20);
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_cases_police_and_council_co_work_a_case,
                                        world_setup, world_teardown),
        cmocka_unit_test_setup_teardown(test_cases_council_cannot_see_police_only_or_unshared,
                                        world_setup, world_teardown),
        cmocka_unit_test_setup_teardown(test_cases_overdue_review_escalates_to_supervisor_once,
                                        world_setup, world_teardown),
        cmocka_unit_test_setup_teardown(test_cases_close_queues_victim_survey_and_freezes_case,
                                        world_setup, world_teardown),
        cmocka_unit_test_setup_teardown(test_cases_bad_input_writes_nothing, world_setup,
                                        world_teardown),
        cmocka_unit_test_setup_teardown(test_cases_lists_and_trigger_deadlines, world_setup,
                                        world_teardown),
        cmocka_unit_test_setup_teardown(test_cases_pdf_has_plan_and_timeline_for_the_viewer,
                                        world_setup, world_teardown),
        cmocka_unit_test_setup_teardown(test_cases_demo_seeds_live_cases_across_two_councils_once,
                                        world_setup, world_teardown),
    };
    if (argc > 1)
        cmocka_set_test_filter(argv[1]);
    return cmocka_run_group_tests_name("cases/service", tests, NULL, NULL);
}
