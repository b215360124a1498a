/*
 * Fault injection for intake/intake: the store's write ops fail on the Nth call, every N in
 * turn (curl's torture idea). Each run must report the failure, leave nothing written and
 * leak nothing (ASan). The wrapped store is the real SQLite store with its ops table
 * swapped for a copy whose write ops count calls first.
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

static const struct store_ops *real;
static struct store_ops faulty;
static int calls, fail_at;

static bool tick(struct fc_err *err)
{
    calls++;
    if (fail_at != 0 && calls == fail_at) {
        err_set(err, FC_EUNAVAIL, "", "injected failure %d", calls);
        return true;
    }
    return false;
}

#define WRAP(op, params, args)                                                                 \
    static int w_##op params                                                                   \
    {                                                                                          \
        if (tick(err))                                                                         \
            return FC_EUNAVAIL;                                                                \
        return real->op args;                                                                  \
    }

WRAP(risk_assessment_insert,
     (struct store * s, const struct risk_assessment_rec *r, fc_id_t *out, struct fc_err *err),
     (s, r, out, err))
WRAP(task_insert, (struct store * s, const struct task_rec *t, fc_id_t *out, struct fc_err *err),
     (s, t, out, err))
WRAP(incident_update, (struct store * s, const struct incident *i, struct fc_err *err),
     (s, i, err))
WRAP(audit_append, (struct store * s, struct audit_event *ev, struct fc_err *err), (s, ev, err))
WRAP(update_plan_insert,
     (struct store * s, const struct update_plan_rec *p, fc_id_t *out, struct fc_err *err),
     (s, p, out, err))
WRAP(contact_labels_insert,
     (struct store * s, const struct contact_labels_rec *l, struct fc_err *err), (s, l, err))
WRAP(grade_insert, (struct store * s, const struct grade_rec *g, fc_id_t *out, struct fc_err *err),
     (s, g, out, err))
WRAP(history_caller_contacts,
     (struct store * s, fc_id_t person_id, fc_time_t from, fc_time_t to, fc_id_t exclude,
      struct arena *a, fc_time_t **out, size_t *n, struct fc_err *err),
     (s, person_id, from, to, exclude, a, out, n, err))
WRAP(flag_list_for_person,
     (struct store * s, fc_id_t person_id, struct arena *a, struct flag **out, size_t *n,
      struct fc_err *err),
     (s, person_id, a, out, n, err))

static int64_t count(struct store_fixture *fx, const char *table)
{
    sqlite3 *db = NULL;
    sqlite3_stmt *st = NULL;
    char sql[128];
    int64_t n = -1;
    snprintf(sql, sizeof(sql), "SELECT count(*) FROM %s", table);
    if (sqlite3_open(fx->path, &db) == SQLITE_OK &&
        sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
        n = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    sqlite3_close(db);
    return n;
}

static const char *const tables[] = { "risk_assessment", "task", "audit_event",
                                      "victim_update_plan", "contact_labels", "incident_grade" };
#define N_TABLES (sizeof(tables) / sizeof(tables[0]))

struct world {
    struct store_fixture *fx;
    fc_id_t user, iid, cid;
};

/* A fresh store with a flagged victim's contact about an open incident. */
static void world_make(struct world *w, const struct intake_rules *r)
{
    struct fc_err err = { 0 };
    struct store_fixture *fx = NULL;
    assert_int_equal(fixture_setup((void **)&fx), 0);
    w->fx = fx;
    struct store *s = fx->store;
    assert_int_equal(intake_teams_sync(s, r, &err), FC_OK);
    struct organisation o = { .kind = ORG_FORCE, .name = "Force" };
    fc_id_t org, person;
    assert_int_equal(store_org_insert(s, &o, &org, &err), FC_OK);
    struct user u = { .org_id = org, .username = "handler", .role = ROLE_CALL_HANDLER };
    assert_int_equal(store_user_insert(s, &u, &w->user, &err), FC_OK);
    struct person_name nm = { .raw = "Fault", .surname = "Fault", .prov = { "manual", 0, 1 } };
    struct person p = { .created_at = 1, .n_names = 1, .names = &nm };
    assert_int_equal(store_person_insert(s, &p, &person, &err), FC_OK);
    struct flag f = { .person_id = person, .kind = "vulnerable", .agency = "Council",
                      .flagged_at = 1000, .match_probability = 1 };
    assert_int_equal(store_flag_insert(s, &f, NULL, &err), FC_OK);
    struct incident_person ip = { person, ROLE_IN_VICTIM, false };
    struct incident inc = { .org_id = org, .category = NSIR_PERSONAL,
                            .incident_type = "intimidation_harassment", .location_key = "k",
                            .lsoa_code = "E01013600", .lat = NAN, .lon = NAN,
                            .status = INCIDENT_OPEN, .created_at = 5000, .n_persons = 1,
                            .persons = &ip };
    assert_int_equal(store_incident_insert(s, &inc, &w->iid, &err), FC_OK);
    struct contact c = { .channel = CHANNEL_PHONE, .received_at = 5000, .org_id = org,
                         .handler_user_id = w->user, .caller_person_id = person,
                         .incident_id = w->iid, .created_at = 5000 };
    assert_int_equal(store_contact_insert(s, &c, &w->cid, &err), FC_OK);
}

static void test_screen_and_grade_fail_cleanly_at_every_call(void **state)
{
    (void)state;
    struct intake_rules *r;
    struct fc_err err = { 0 };
    assert_int_equal(intake_rules_load(&r, &err), FC_OK);
    struct risk_answers ans = { 0 };
    assert_int_equal(risk_answers_add(&r->risk, "screening", &ans, "S6", "no", &err), FC_OK);
    int total = 0, failures = 0;
    for (fail_at = 1;; fail_at++) {
        struct world w;
        world_make(&w, r);
        if (w.fx->path[0] == '\0') { /* raw counts need the SQLite file */
            fixture_teardown((void **)&w.fx);
            break;
        }
        struct store *s = w.fx->store;
        int64_t before[N_TABLES];
        for (size_t k = 0; k < N_TABLES; k++)
            before[k] = count(w.fx, tables[k]);
        real = s->ops;
        faulty = *real;
        faulty.risk_assessment_insert = w_risk_assessment_insert;
        faulty.task_insert = w_task_insert;
        faulty.incident_update = w_incident_update;
        faulty.audit_append = w_audit_append;
        faulty.update_plan_insert = w_update_plan_insert;
        faulty.contact_labels_insert = w_contact_labels_insert;
        faulty.grade_insert = w_grade_insert;
        faulty.history_caller_contacts = w_history_caller_contacts;
        faulty.flag_list_for_person = w_flag_list_for_person;
        s->ops = &faulty;
        calls = 0;
        struct intake_actor who = { w.user, ROLE_CALL_HANDLER, 6000 };
        struct intake_risk_outcome ro;
        struct intake_grade_outcome go;
        int rc = intake_screen(s, r, &who, w.iid, w.cid, &ans, &ro, &err);
        bool screened = rc == FC_OK;
        int64_t after_screen[N_TABLES];
        for (size_t k = 0; screened && k < N_TABLES; k++)
            after_screen[k] = count(w.fx, tables[k]);
        if (rc == FC_OK)
            rc = intake_grade(s, r, &who, w.iid, NULL, 0, NULL, NULL, &go, &err);
        s->ops = real;
        if (rc == FC_OK) {
            total = calls;
            fixture_teardown((void **)&w.fx);
            break; /* fail_at is past every call */
        }
        failures++;
        assert_int_equal(rc, FC_EUNAVAIL);
        assert_non_null(strstr(err.msg, "injected failure"));
        /* whatever failed wrote nothing: the tables are as before the failing call */
        for (size_t k = 0; k < N_TABLES; k++)
            assert_int_equal(count(w.fx, tables[k]), screened ? after_screen[k] : before[k]);
        fixture_teardown((void **)&w.fx);
    }
    assert_true(total >= 8);
    assert_int_equal(failures, total);
    intake_rules_free(r);
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_screen_and_grade_fail_cleanly_at_every_call),
    };
    if (argc > 1)
        cmocka_set_test_filter(argv[1]);
    return cmocka_run_group_tests_name("domain/intake/service_faults", tests, NULL, NULL);
}
