/*
 * Unit tests for api/ui_call_data: the call screen's candidate panel built from a real
 * (temporary SQLite) store and match service: a misspelt repeat caller is found with the
 * counts and flags the banners show, and a flag's reason reaches only roles allowed it.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h> /* after the headers it needs */

#include "../store/store_fixture.h"
#include "api/ui_data.h"
#include "domain/grading/grading.h"
#include "domain/intake/intake.h"
#include "domain/match/match.h"
#include "domain/risk/risk.h"
#include "store/store.h"

#define NOW ((fc_time_t)1780000000) /* 2026-05-28 */
#define DAY ((fc_time_t)86400)

struct world {
    struct store_fixture *fix;
    struct match_service *match;
    struct intake_rules *rules;
    struct ui_services svc;
    fc_id_t org_police, org_council, user, robert, other;
};

static int setup(void **state)
{
    struct store_fixture *fix = NULL;
    if (fixture_setup((void **)&fix) != 0)
        return -1;
    struct world *w = calloc(1, sizeof(*w));
    w->fix = fix;
    struct fc_err err = { 0 };
    struct store *s = fix->store;

    struct organisation police = { .kind = ORG_FORCE, .name = "Leicestershire Police" };
    struct organisation council = { .kind = ORG_CITY_COUNCIL, .name = "Leicester City Council" };
    if (store_org_insert(s, &police, &w->org_police, &err) != FC_OK ||
        store_org_insert(s, &council, &w->org_council, &err) != FC_OK)
        return -1;
    struct user u = { .org_id = w->org_police, .username = "handler1", .role = ROLE_CALL_HANDLER };
    if (store_user_insert(s, &u, &w->user, &err) != FC_OK)
        return -1;

    struct person_name nm = { .raw = "Robert Smith",
                              .forename = "Robert",
                              .surname = "Smith",
                              .prov = { "contact", 0, NOW - 300 * DAY } };
    struct person_dob dob = { .raw = "03/02/1980",
                              .date = "1980-02-03",
                              .prov = { "contact", 0, NOW - 300 * DAY } };
    struct person_phone ph = { .raw = "07700 900123",
                               .e164 = "+447700900123",
                               .kind = "mobile",
                               .prov = { "contact", 0, NOW - 300 * DAY } };
    struct person_address ad = { .raw = "12 Narborough Road, Leicester",
                                 .postcode = "LE3 0BQ",
                                 .lat = NAN,
                                 .lon = NAN,
                                 .prov = { "contact", 0, NOW - 300 * DAY } };
    struct person p = { .names = &nm,
                        .n_names = 1,
                        .dobs = &dob,
                        .n_dobs = 1,
                        .phones = &ph,
                        .n_phones = 1,
                        .addresses = &ad,
                        .n_addresses = 1 };
    if (store_person_insert(s, &p, &w->robert, &err) != FC_OK)
        return -1;
    struct person_name nm2 = { .raw = "Anita Mistry",
                               .forename = "Anita",
                               .surname = "Mistry",
                               .prov = { "contact", 0, NOW - 10 * DAY } };
    struct person p2 = { .names = &nm2, .n_names = 1 };
    if (store_person_insert(s, &p2, &w->other, &err) != FC_OK)
        return -1;

    /* Robert called three times in the last 12 months and once two years ago. */
    fc_time_t when[] = { NOW - 20 * DAY, NOW - 40 * DAY, NOW - 90 * DAY, NOW - 700 * DAY };
    for (size_t i = 0; i < 4; i++) {
        struct contact c = { .channel = CHANNEL_PHONE,
                             .received_at = when[i],
                             .handler_user_id = w->user,
                             .org_id = w->org_police,
                             .caller_person_id = w->robert };
        if (store_contact_insert(s, &c, NULL, &err) != FC_OK)
            return -1;
    }
    struct flag f = { .person_id = w->robert,
                      .kind = "vulnerable",
                      .agency = "Leicester City Council",
                      .org_id = w->org_council,
                      .reason = "lives alone; mobility impaired",
                      .flagged_at = NOW - 100 * DAY,
                      .sharing_basis = "s115",
                      .match_probability = 1.0 };
    if (store_flag_insert(s, &f, NULL, &err) != FC_OK)
        return -1;

    if (match_service_create(NULL, NULL, &w->match, &err) != FC_OK ||
        match_service_load(w->match, s, &err) != FC_OK ||
        intake_rules_load(&w->rules, &err) != FC_OK || intake_teams_sync(s, w->rules, &err)) {
        fprintf(stderr, "setup: %s %s\n", err.field, err.msg);
        return -1;
    }
    w->svc = (struct ui_services){ .store = s, .match = w->match, .rules = w->rules };
    *state = w;
    return 0;
}

static int teardown(void **state)
{
    struct world *w = *state;
    match_service_free(w->match);
    intake_rules_free(w->rules);
    void *fix = w->fix;
    fixture_teardown(&fix);
    free(w);
    return 0;
}

static const struct ui_candidate *find(const struct ui_lookup_view *v, fc_id_t id)
{
    for (size_t i = 0; i < v->n; i++) {
        if (v->candidates[i].person_id == id)
            return &v->candidates[i];
    }
    return NULL;
}

static void test_ui_lookup_finds_misspelt_repeat_caller_with_counts(void **state)
{
    struct world *w = *state;
    struct arena a;
    arena_init(&a, 0);
    struct fc_err err = { 0 };
    struct ui_viewer viewer = { .user_id = w->user,
                                .org_id = w->org_police,
                                .role = ROLE_CALL_HANDLER };
    struct match_record q = { .full_name = "Bob Smyth", .dob = "03/02/1980" };
    struct ui_lookup_view v;
    assert_int_equal(ui_call_lookup_build(&w->svc, &viewer, &q, NULL, NOW, &a, &v, &err), FC_OK);
    assert_true(v.has_query);
    const struct ui_candidate *c = find(&v, w->robert);
    assert_non_null(c);
    assert_ptr_equal(c, &v.candidates[0]);
    assert_string_equal(c->name, "Robert Smith");
    assert_string_equal(c->dob, "1980-02-03");
    assert_int_equal(c->contacts_12m, 3);
    assert_int_equal(c->contacts_ever, 4);
    assert_int_equal(c->n_flags, 1);
    assert_string_equal(c->flags[0].agency, "Leicester City Council");
    assert_null(c->flags[0].reason); /* call handlers do not see the reason text */
    assert_true(c->is_trigger);      /* 3 earlier + this one in 6 months */
    assert_true(c->n_reasons >= 1);
    assert_null(find(&v, w->other));
    arena_free(&a);
}

static void test_ui_lookup_shows_reason_to_officer(void **state)
{
    struct world *w = *state;
    struct arena a;
    arena_init(&a, 0);
    struct fc_err err = { 0 };
    struct ui_viewer viewer = { .org_id = w->org_police, .role = ROLE_OFFICER };
    struct match_record q = { .full_name = "Robert Smith", .phone = "07700900123" };
    struct ui_lookup_view v;
    assert_int_equal(ui_call_lookup_build(&w->svc, &viewer, &q, NULL, NOW, &a, &v, &err), FC_OK);
    const struct ui_candidate *c = find(&v, w->robert);
    assert_non_null(c);
    assert_int_equal(c->n_flags, 1);
    assert_string_equal(c->flags[0].reason, "lives alone; mobility impaired");
    arena_free(&a);
}

/* An incident at `raw`/`pc` recorded at `at`, keyed as the intake keys it. */
static fc_id_t add_incident(struct world *w, const char *raw, const char *pc, fc_time_t at)
{
    char key[256];
    match_address_keys(raw, pc, key, sizeof(key));
    struct incident_person ip = { .person_id = w->robert, .role = ROLE_IN_VICTIM };
    struct incident inc = { .org_id = w->org_police,
                            .category = NSIR_PERSONAL,
                            .incident_type = "noise",
                            .location_raw = (char *)raw,
                            .location_postcode = (char *)pc,
                            .location_key = key,
                            .lat = NAN,
                            .lon = NAN,
                            .status = INCIDENT_OPEN,
                            .created_at = at,
                            .n_persons = 1,
                            .persons = &ip };
    fc_id_t id = 0;
    struct fc_err err = { 0 };
    assert_int_equal(store_incident_insert(w->fix->store, &inc, &id, &err), FC_OK);
    return id;
}

static void add_assessment(struct world *w, fc_id_t incident_id, const char *stage,
                           const char *level, fc_time_t at)
{
    struct risk_assessment_rec r = { .incident_id = incident_id,
                                     .person_id = w->robert,
                                     .version = "risk/v1",
                                     .stage = (char *)stage,
                                     .answers = "{}",
                                     .escalations = "[]",
                                     .scored_level = (char *)level,
                                     .final_level = (char *)level,
                                     .assessor_user_id = w->user,
                                     .assessed_at = at };
    struct fc_err err = { 0 };
    assert_int_equal(store_risk_assessment_insert(w->fix->store, &r, NULL, &err), FC_OK);
}

static void test_ui_lookup_shows_last_risk_and_repeat_location(void **state)
{
    struct world *w = *state;
    struct arena a;
    arena_init(&a, 0);
    struct fc_err err = { 0 };
    struct ui_viewer viewer = { .user_id = w->user,
                                .org_id = w->org_police,
                                .role = ROLE_CALL_HANDLER };
    struct match_record q = { .full_name = "Robert Smith", .dob = "03/02/1980" };
    struct ui_lookup_view v;

    /* nothing recorded at his address yet, and no assessment */
    assert_int_equal(ui_call_lookup_build(&w->svc, &viewer, &q, NULL, NOW, &a, &v, &err), FC_OK);
    const struct ui_candidate *c = find(&v, w->robert);
    assert_non_null(c);
    assert_null(c->last_risk);
    assert_int_equal(c->location_incidents, 0);
    assert_false(c->is_repeat_location);
    assert_false(v.has_place);

    /* two incidents at his address (spelt differently) in 12 months, one before that */
    fc_id_t i1 = add_incident(w, "12 Narborough Rd, Leicester", "LE3 0BQ", NOW - 200 * DAY);
    add_incident(w, "12 NARBOROUGH ROAD", "LE3 0BQ", NOW - 30 * DAY);
    add_incident(w, "12 Narborough Road", "LE3 0BQ", NOW - 400 * DAY);
    add_incident(w, "14 Narborough Road", "LE3 0BQ", NOW - 10 * DAY); /* next door */
    add_assessment(w, i1, "full", "high", NOW - 200 * DAY);
    add_assessment(w, i1, "screening", "medium", NOW - 150 * DAY);
    assert_int_equal(ui_call_lookup_build(&w->svc, &viewer, &q, NULL, NOW, &a, &v, &err), FC_OK);
    c = find(&v, w->robert);
    assert_non_null(c);
    assert_string_equal(c->last_risk, "medium"); /* the latest assessment, not the highest */
    assert_int_equal(c->location_incidents, 2);
    assert_true(c->is_repeat_location);
    assert_false(c->location_is_typed);

    /* the place typed is counted instead of his address, once for the whole panel */
    struct ui_place next_door = { "14 Narborough Road", "LE3 0BQ" };
    assert_int_equal(ui_call_lookup_build(&w->svc, &viewer, &q, &next_door, NOW, &a, &v, &err),
                     FC_OK);
    assert_true(v.has_place);
    assert_int_equal(v.place_incidents, 1);
    assert_false(v.place_is_repeat);
    c = find(&v, w->robert);
    assert_true(c->location_is_typed);
    assert_false(c->is_repeat_location);

    /* with only a place typed there are no candidates, but the place is still counted */
    struct match_record none = { 0 };
    struct ui_place home = { "12 narborough rd, leicester", "le3 0bq" };
    assert_int_equal(ui_call_lookup_build(&w->svc, &viewer, &none, &home, NOW, &a, &v, &err),
                     FC_OK);
    assert_false(v.has_query);
    assert_true(v.has_place);
    assert_int_equal(v.place_incidents, 2);
    assert_true(v.place_is_repeat);

    /* the banner says it in words */
    struct html h;
    html_init(&h, &a, 1 << 20);
    ui_call_candidates_render(&h, &v);
    size_t len = 0;
    const char *out = html_finish(&h, &len);
    assert_non_null(out);
    assert_non_null(strstr(out, "Repeat location"));
    assert_non_null(strstr(out, "2 incidents at this address in the last 12 months"));
    arena_free(&a);
}

static void test_ui_lookup_empty_query_has_no_candidates(void **state)
{
    struct world *w = *state;
    struct arena a;
    arena_init(&a, 0);
    struct fc_err err = { 0 };
    struct ui_viewer viewer = { .role = ROLE_CALL_HANDLER };
    struct match_record q = { .full_name = "", .postcode = "" };
    struct ui_lookup_view v;
    assert_int_equal(ui_call_lookup_build(&w->svc, &viewer, &q, NULL, NOW, &a, &v, &err), FC_OK);
    assert_false(v.has_query);
    assert_int_equal(v.n, 0);
    arena_free(&a);
}

static void test_ui_flag_reason_visible_by_role_and_org(void **state)
{
    (void)state;
    struct flag f = { .org_id = 7 };
    struct ui_viewer v = { .org_id = 7, .role = ROLE_PARTNER_OFFICER };
    assert_true(ui_flag_reason_visible(&v, &f));
    v.org_id = 8;
    assert_false(ui_flag_reason_visible(&v, &f));
    v.role = ROLE_SUPERVISOR;
    assert_true(ui_flag_reason_visible(&v, &f));
    v.role = ROLE_ANALYST;
    assert_false(ui_flag_reason_visible(&v, &f));
    v.role = ROLE_CALL_HANDLER;
    assert_false(ui_flag_reason_visible(&v, &f));
}

static void test_ui_person_page_records_the_view_and_lists_it(void **state)
{
    struct world *w = *state;
    struct arena a;
    arena_init(&a, 0);
    struct fc_err err = { 0 };
    struct ui_viewer viewer = { .user_id = w->user,
                                .org_id = w->org_police,
                                .role = ROLE_CALL_HANDLER };
    struct ui_person_view v;
    struct ui_person_summary sum;
    assert_int_equal(ui_person_page_build(&w->svc, &viewer, w->robert, NOW, &a, &v, &sum, &err),
                     FC_OK);
    assert_int_equal(v.contacts_12m, 3);
    /* the handler's look is recorded, but who looked is not the handler's to see */
    assert_false(v.show_views);
    assert_int_equal(v.n_views, 0);
    /* a supervisor sees both looks, newest first */
    viewer.role = ROLE_SUPERVISOR;
    assert_int_equal(
        ui_person_page_build(&w->svc, &viewer, w->robert, NOW + 60, &a, &v, &sum, &err), FC_OK);
    assert_true(v.show_views);
    assert_int_equal(v.n_views, 2);
    assert_int_equal(v.views[0].at, NOW + 60);
    assert_int_equal(v.views[1].at, NOW);
    assert_string_equal(v.views[1].who, "handler1");
    assert_string_equal(v.views[1].org, "Leicestershire Police");
    assert_string_equal(v.views[1].action, "viewed");
    assert_int_equal(ui_person_page_build(&w->svc, &viewer, 99999, NOW, &a, &v, &sum, &err),
                     FC_ENOTFOUND);
    arena_free(&a);
}

struct form {
    const char *kv[40][2];
};

static const char *form_get(void *ctx, const char *name)
{
    struct form *f = ctx;
    for (int i = 0; i < 40 && f->kv[i][0]; i++) {
        if (strcmp(f->kv[i][0], name) == 0)
            return f->kv[i][1];
    }
    return NULL;
}

static size_t incident_count(struct store *s)
{
    struct arena a;
    arena_init(&a, 0);
    struct fc_err err;
    struct incident *rows;
    size_t n = 0;
    struct incident_query q = { .limit = 1000 };
    assert_int_equal(store_incident_search(s, &q, &a, &rows, &n, &err), FC_OK);
    arena_free(&a);
    return n;
}

static void test_ui_call_submit_records_repeat_caller_incident(void **state)
{
    struct world *w = *state;
    struct arena a;
    arena_init(&a, 0);
    struct fc_err err = { 0 };
    struct ui_viewer viewer = { .user_id = w->user,
                                .org_id = w->org_police,
                                .role = ROLE_CALL_HANDLER };
    char choice[24];
    snprintf(choice, sizeof(choice), "%lld", (long long)w->robert);
    struct form f = { { { "name", "Bob Smyth" },
                        { "dob", "03/02/1980" },
                        { "person_choice", choice },
                        { "category", "personal" },
                        { "incident_type", "intimidation_harassment" },
                        { "description", "Threats through the letterbox" },
                        { "answer_S1", "y" },
                        { "answer_S2", "y" },
                        { "answer_S3", "y" },
                        { "answer_S4", "n" },
                        { "answer_S5", "n" },
                        { "answer_S6", "y" },
                        { "answer_S7", "y" },
                        { "grade", "" } } };
    struct ui_call_result res;
    assert_int_equal(ui_call_submit(&w->svc, &viewer, form_get, &f, NOW, &a, &res, &err), FC_OK);
    assert_int_equal(res.person_id, w->robert);
    assert_true(res.needs_full);
    assert_string_equal(res.risk_level, "medium"); /* a flag in force floors it at medium */

    struct incident inc;
    assert_int_equal(store_incident_get(w->svc.store, res.incident_id, &a, &inc, &err), FC_OK);
    assert_string_equal(inc.incident_type, "intimidation_harassment");
    assert_string_equal(inc.grade, res.grade);
    assert_int_equal(inc.n_persons, 1);
    assert_int_equal(inc.persons[0].person_id, w->robert);

    struct contact c;
    assert_int_equal(store_contact_get(w->svc.store, res.contact_id, &a, &c, &err), FC_OK);
    assert_int_equal(c.incident_id, res.incident_id);
    assert_non_null(strstr(c.match_snapshot, "\"contacts_12m\":3"));

    struct person p;
    assert_int_equal(store_person_get(w->svc.store, w->robert, &a, &p, &err), FC_OK);
    assert_int_equal(p.n_names, 2); /* "Bob Smyth" kept beside "Robert Smith" */
    arena_free(&a);
}

static void test_ui_call_submit_bad_input_writes_nothing(void **state)
{
    struct world *w = *state;
    struct arena a;
    arena_init(&a, 0);
    struct fc_err err = { 0 };
    struct ui_viewer viewer = { .user_id = w->user,
                                .org_id = w->org_police,
                                .role = ROLE_CALL_HANDLER };
    size_t before = incident_count(w->svc.store);
    struct form f = { { { "name", "New Caller" },
                        { "person_choice", "new" },
                        { "category", "nuisance" },
                        { "incident_type", "noise" },
                        { "description", "Music" },
                        { "answer_S1", "n" } } };
    struct ui_call_result res;
    assert_int_equal(ui_call_submit(&w->svc, &viewer, form_get, &f, NOW, &a, &res, &err),
                     FC_EINVAL);
    assert_string_equal(err.field, "answer_S2");
    f.kv[0][1] = NULL;
    assert_int_equal(ui_call_submit(&w->svc, &viewer, form_get, &f, NOW, &a, &res, &err),
                     FC_EINVAL);
    assert_string_equal(err.field, "name");
    struct form g = { { { "person_choice", "new" }, { "name", "A B" }, { "dob", "31/02/1990" } } };
    assert_int_equal(ui_call_submit(&w->svc, &viewer, form_get, &g, NOW, &a, &res, &err),
                     FC_EINVAL);
    assert_string_equal(err.field, "dob");
    assert_int_equal(incident_count(w->svc.store), before);
    arena_free(&a);
}

static void test_ui_call_submit_grade_change_needs_reason(void **state)
{
    struct world *w = *state;
    struct arena a;
    arena_init(&a, 0);
    struct fc_err err = { 0 };
    struct ui_viewer viewer = { .user_id = w->user,
                                .org_id = w->org_police,
                                .role = ROLE_CALL_HANDLER };
    struct form f = { { { "name", "Carol New" },
                        { "person_choice", "new" },
                        { "category", "environmental" },
                        { "incident_type", "littering_fly_tipping" },
                        { "description", "Sofa dumped" },
                        { "answer_S1", "n" },
                        { "answer_S2", "n" },
                        { "answer_S3", "n" },
                        { "answer_S4", "n" },
                        { "answer_S5", "n" },
                        { "answer_S6", "y" },
                        { "answer_S7", "n" },
                        { "grade", "emergency" } } };
    struct ui_call_result res;
    assert_int_equal(ui_call_submit(&w->svc, &viewer, form_get, &f, NOW, &a, &res, &err),
                     FC_EINVAL);
    assert_string_equal(err.field, "grade_reason");
    f.kv[13][0] = "grade_reason";
    f.kv[13][1] = "caller reports fire";
    assert_int_equal(ui_call_submit(&w->svc, &viewer, form_get, &f, NOW, &a, &res, &err), FC_OK);
    assert_string_equal(res.grade, "emergency");
    assert_false(res.needs_full);
    /* the new person is findable at once */
    struct match_record q = { .full_name = "Carol New" };
    struct ui_lookup_view v;
    assert_int_equal(ui_call_lookup_build(&w->svc, &viewer, &q, NULL, NOW + 60, &a, &v, &err), FC_OK);
    assert_non_null(find(&v, res.person_id));
    arena_free(&a);
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_ui_lookup_finds_misspelt_repeat_caller_with_counts,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_ui_lookup_shows_reason_to_officer, setup, teardown),
        cmocka_unit_test_setup_teardown(test_ui_lookup_shows_last_risk_and_repeat_location, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_ui_lookup_empty_query_has_no_candidates, setup,
                                        teardown),
        cmocka_unit_test(test_ui_flag_reason_visible_by_role_and_org),
        cmocka_unit_test_setup_teardown(test_ui_person_page_records_the_view_and_lists_it, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_ui_call_submit_records_repeat_caller_incident, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_ui_call_submit_bad_input_writes_nothing, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_ui_call_submit_grade_change_needs_reason, setup,
                                        teardown),
    };

    if (argc > 1)
        cmocka_set_test_filter(argv[1]);
    return cmocka_run_group_tests_name("api/ui_data", tests, NULL, NULL);
}
