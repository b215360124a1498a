/*
 * Fault injection for the case service and partner intake: the store's ops fail on the
 * Nth call, every N in turn. Each run must report the failure, leave nothing of the
 * operation written and leak nothing (ASan). The store is the real SQLite store with its
 * ops table swapped for a copy whose ops count calls first.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "domain/cases/cases.h"
#include "domain/cases/partner.h"
#include "unit/store/store_fixture.h"

#define NOW 1790000000

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

WRAP(case_insert, (struct store * s, const struct asb_case *c, fc_id_t *out, struct fc_err *err),
     (s, c, out, err))
WRAP(case_get, (struct store * s, fc_id_t id, struct arena *a, struct asb_case *out,
                struct fc_err *err),
     (s, id, a, out, err))
WRAP(case_update, (struct store * s, const struct asb_case *c, struct fc_err *err), (s, c, err))
WRAP(case_share_list, (struct store * s, fc_id_t id, struct arena *a, struct case_share **out,
                       size_t *n, struct fc_err *err),
     (s, id, a, out, n, err))
WRAP(case_incident_link, (struct store * s, fc_id_t c, fc_id_t i, fc_id_t by, fc_time_t at,
                          struct fc_err *err),
     (s, c, i, by, at, err))
WRAP(case_incident_list,
     (struct store * s, fc_id_t c, struct arena *a, fc_id_t **out, size_t *n, struct fc_err *err),
     (s, c, a, out, n, err))
WRAP(case_party_list, (struct store * s, fc_id_t c, struct arena *a, struct case_party **out,
                       size_t *n, struct fc_err *err),
     (s, c, a, out, n, err))
WRAP(case_survey_queue, (struct store * s, fc_id_t c, fc_id_t i, fc_id_t p, fc_time_t at,
                         struct fc_err *err),
     (s, c, i, p, at, err))
WRAP(case_entry_append,
     (struct store * s, const struct case_entry *e, fc_id_t *out, struct fc_err *err),
     (s, e, out, err))
WRAP(audit_append, (struct store * s, struct audit_event *ev, struct fc_err *err), (s, ev, err))
WRAP(user_get, (struct store * s, fc_id_t id, struct arena *a, struct user *out,
                struct fc_err *err),
     (s, id, a, out, err))
WRAP(incident_get, (struct store * s, fc_id_t id, struct arena *a, struct incident *out,
                    struct fc_err *err),
     (s, id, a, out, err))
WRAP(person_insert, (struct store * s, const struct person *p, fc_id_t *out, struct fc_err *err),
     (s, p, out, err))
WRAP(flag_insert, (struct store * s, const struct flag *f, fc_id_t *out, struct fc_err *err),
     (s, f, out, err))
WRAP(flag_review_insert,
     (struct store * s, const struct flag_review *r, fc_id_t *out, struct fc_err *err),
     (s, r, out, err))

static void faults_install(struct store *s)
{
    real = s->ops;
    faulty = *real;
    faulty.case_insert = w_case_insert;
    faulty.case_get = w_case_get;
    faulty.case_update = w_case_update;
    faulty.case_share_list = w_case_share_list;
    faulty.case_incident_link = w_case_incident_link;
    faulty.case_incident_list = w_case_incident_list;
    faulty.case_party_list = w_case_party_list;
    faulty.case_survey_queue = w_case_survey_queue;
    faulty.case_entry_append = w_case_entry_append;
    faulty.audit_append = w_audit_append;
    faulty.user_get = w_user_get;
    faulty.incident_get = w_incident_get;
    faulty.person_insert = w_person_insert;
    faulty.flag_insert = w_flag_insert;
    faulty.flag_review_insert = w_flag_review_insert;
    s->ops = &faulty;
}

static int64_t count(struct store_fixture *fx, const char *sql)
{
    sqlite3 *db = NULL;
    sqlite3_stmt *st = NULL;
    int64_t n = -1;
    if (sqlite3_open(fx->path, &db) == SQLITE_OK &&
        sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
        n = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    sqlite3_close(db);
    return n;
}

/* Every row a case operation may write, summed: it must not move on a failed run. */
static int64_t written(struct store_fixture *fx)
{
    return count(fx, "SELECT (SELECT count(*) FROM asb_case) + (SELECT count(*) FROM "
                     "case_entry) + (SELECT count(*) FROM case_incident) + (SELECT count(*) "
                     "FROM audit_event) + (SELECT count(*) FROM survey_queue) + (SELECT "
                     "count(*) FROM asb_case WHERE status = 'closed') + (SELECT count(*) FROM "
                     "person) + (SELECT count(*) FROM flag) + (SELECT count(*) FROM flag_review)");
}

struct world {
    struct store_fixture *fx;
    struct access_viewer pc;
    fc_id_t incident, victim;
};

static void world_make(struct world *w)
{
    struct fc_err err = { 0 };
    assert_int_equal(fixture_setup((void **)&w->fx), 0);
    struct store *s = w->fx->store;
    struct organisation o = { .kind = ORG_FORCE, .name = "Leicestershire Police" };
    fc_id_t org, uid;
    assert_int_equal(store_org_insert(s, &o, &org, &err), FC_OK);
    struct user u = { .org_id = org, .username = "pc", .role = ROLE_OFFICER };
    assert_int_equal(store_user_insert(s, &u, &uid, &err), FC_OK);
    w->pc = (struct access_viewer){ uid, org, ORG_FORCE, ROLE_OFFICER };
    struct person_name nm = { .forename = "Ann", .surname = "LEE", .prov = { "manual", 0, 1 } };
    struct person p = { .created_at = 1, .n_names = 1, .names = &nm };
    assert_int_equal(store_person_insert(s, &p, &w->victim, &err), FC_OK);
    struct incident_person ip = { w->victim, ROLE_IN_VICTIM, false };
    struct incident inc = { .org_id = org, .category = NSIR_PERSONAL,
                            .incident_type = "noise", .lat = NAN, .lon = NAN,
                            .status = INCIDENT_OPEN, .created_at = NOW - 86400,
                            .n_persons = 1, .persons = &ip };
    assert_int_equal(store_incident_insert(s, &inc, &w->incident, &err), FC_OK);
}

static void world_free(struct world *w)
{
    w->fx->store->ops = real;
    fixture_teardown((void **)&w->fx);
}

static const struct cases_open_input open_in = { .title = "Noise case", .origin = "incident",
                                                  .sharing_basis = "Crime and Disorder Act 1998 "
                                                                   "s115" };

static int do_open(struct world *w, fc_id_t *id, struct fc_err *err)
{
    struct cases_open_input in = open_in;
    in.origin_id = w->incident;
    return cases_open(w->fx->store, &w->pc, &in, NOW, id, err);
}

static void test_faults_open_fails_cleanly_at_every_call(void **state)
{
    (void)state;
    int total = 0;
    for (fail_at = 1;; fail_at++) {
        struct world w;
        world_make(&w);
        faults_install(w.fx->store);
        int64_t before = written(w.fx);
        calls = 0;
        struct fc_err err = { 0 };
        fc_id_t id = 0;
        int rc = do_open(&w, &id, &err);
        if (rc == FC_OK) {
            assert_true(written(w.fx) > before);
            total = fail_at - 1;
            world_free(&w);
            break;
        }
        assert_int_equal(rc, FC_EUNAVAIL);
        assert_int_equal(written(w.fx), before);
        world_free(&w);
    }
    assert_true(total >= 4); /* user, incident, case, link, timeline, audit */
    fail_at = 0;
}

static void test_faults_close_fails_cleanly_at_every_call(void **state)
{
    (void)state;
    int total = 0;
    for (fail_at = 1;; fail_at++) {
        struct world w;
        world_make(&w);
        struct fc_err err = { 0 };
        fc_id_t id = 0;
        assert_int_equal(do_open(&w, &id, &err), FC_OK);
        assert_int_equal(cases_party_add(w.fx->store, &w.pc, id, w.victim, "victim", 1, NOW, &err),
                         FC_OK);
        faults_install(w.fx->store);
        int64_t before = written(w.fx);
        calls = 0;
        int rc = cases_close(w.fx->store, &w.pc, id, "resolved", "quiet for months", NOW, &err);
        if (rc == FC_OK) {
            assert_int_equal(count(w.fx, "SELECT count(*) FROM survey_queue"), 1);
            total = fail_at - 1;
            world_free(&w);
            break;
        }
        assert_int_equal(rc, FC_EUNAVAIL);
        assert_int_equal(written(w.fx), before);
        assert_int_equal(count(w.fx, "SELECT count(*) FROM asb_case WHERE status = 'open'"), 1);
        world_free(&w);
    }
    assert_true(total >= 6);
    fail_at = 0;
}

static void test_faults_partner_flag_fails_cleanly_at_every_call(void **state)
{
    (void)state;
    int total = 0;
    for (fail_at = 1;; fail_at++) {
        struct world w;
        world_make(&w);
        struct fc_err err = { 0 };
        struct match_service *m = NULL;
        assert_int_equal(match_service_create(NULL, NULL, &m, &err), FC_OK);
        faults_install(w.fx->store);
        int64_t before = written(w.fx);
        calls = 0;
        struct partner_flag_input in = { .external_ref = "F1", .agency = "Blaby District Council",
                                         .reason = "dementia", .flagged_at = NOW - 60 };
        in.person = (struct match_record){ .forename = "Rose", .surname = "TYLER",
                                           .dob = "01/02/1950" };
        struct partner_result r;
        int rc = partner_flag_submit(w.fx->store, m, &w.pc, &in, NOW, &r, &err);
        match_service_free(m);
        if (rc == FC_OK) {
            assert_int_equal(count(w.fx, "SELECT count(*) FROM flag"), 1);
            total = fail_at - 1;
            world_free(&w);
            break;
        }
        assert_int_equal(rc, FC_EUNAVAIL);
        assert_int_equal(written(w.fx), before);
        world_free(&w);
    }
    assert_true(total >= 3); /* person, flag, audit */
    fail_at = 0;
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_faults_open_fails_cleanly_at_every_call),
        cmocka_unit_test(test_faults_close_fails_cleanly_at_every_call),
        cmocka_unit_test(test_faults_partner_flag_fails_cleanly_at_every_call),
    };
    if (argc > 1)
        cmocka_set_test_filter(argv[1]);
    return cmocka_run_group_tests_name("cases/faults", tests, NULL, NULL);
}
