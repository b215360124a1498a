/*
 * Contract tests for the security and data-protection ops (migration 0007): break-the-glass
 * grants, TOTP step use, and the retention queries and anonymisation. store.h only, plus
 * the fixture's raw SQL to age rows and to check that the audit chain survived the 0007
 * rebuild of the audit table.
 */
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
#define NOW          1800000000
#define YEAR         (365 * 86400)

struct world {
    fc_id_t org, user, old_person, new_person, merged;
};

static fc_id_t person(struct store *s, const char *surname, fc_time_t at)
{
    struct fc_err err = { 0 };
    struct person_name nm = { .surname = (char *)surname, .prov = { "contact", 0, at } };
    struct person_phone ph = { .raw = "07700 900123", .e164 = "+447700900123", .kind = "mobile",
                               .prov = { "contact", 0, at } };
    struct person p = { .names = &nm, .n_names = 1, .phones = &ph, .n_phones = 1,
                        .created_at = at };
    fc_id_t id = 0;
    assert_int_equal(store_person_insert(s, &p, &id, &err), FC_OK);
    return id;
}

static void seed(struct store *s, struct world *w)
{
    struct fc_err err = { 0 };
    struct organisation o = { .kind = ORG_FORCE, .name = "Leicestershire Police" };
    assert_int_equal(store_org_insert(s, &o, &w->org, &err), FC_OK);
    struct user u = { .org_id = w->org, .username = "sup1", .role = ROLE_SUPERVISOR };
    assert_int_equal(store_user_insert(s, &u, &w->user, &err), FC_OK);
    w->old_person = person(s, "Oldfield", NOW - 8 * YEAR);
    w->new_person = person(s, "Newman", NOW - YEAR);
    w->merged = person(s, "Oldfeld", NOW - 9 * YEAR);
    assert_int_equal(store_person_set_merged(s, w->merged, w->old_person, &err), FC_OK);
}

static void test_break_glass_insert_active_list(void **state)
{
    struct store *s = STORE(state);
    struct fc_err err = { 0 };
    struct world w;
    seed(s, &w);
    struct break_glass_rec g = { .user_id = w.user, .object_type = "person",
                                 .object_id = w.old_person, .reason = "safeguarding visit",
                                 .granted_at = NOW, .expires_at = NOW + 3600 };
    fc_id_t id = 0;
    assert_int_equal(store_break_glass_insert(s, &g, &id, &err), FC_OK);
    assert_true(id > 0);
    fc_time_t exp = 1;
    assert_int_equal(store_break_glass_active(s, w.user, "person", w.old_person, NOW + 10, &exp,
                                              &err),
                     FC_OK);
    assert_int_equal(exp, NOW + 3600);
    /* expired, another record, another user, another type: nothing in force */
    assert_int_equal(store_break_glass_active(s, w.user, "person", w.old_person, NOW + 3600,
                                              &exp, &err),
                     FC_OK);
    assert_int_equal(exp, 0);
    assert_int_equal(store_break_glass_active(s, w.user, "person", w.new_person, NOW, &exp, &err),
                     FC_OK);
    assert_int_equal(exp, 0);
    assert_int_equal(store_break_glass_active(s, w.user + 1, "person", w.old_person, NOW, &exp,
                                              &err),
                     FC_OK);
    assert_int_equal(exp, 0);
    assert_int_equal(store_break_glass_active(s, w.user, "case", w.old_person, NOW, &exp, &err),
                     FC_OK);
    assert_int_equal(exp, 0);
    /* the schema refuses a blank reason, an unknown type and a grant that never starts */
    struct break_glass_rec bad = g;
    bad.reason = "   ";
    assert_int_equal(store_break_glass_insert(s, &bad, NULL, &err), FC_EINVAL);
    assert_string_equal(err.field, "reason");
    bad = g;
    bad.object_type = "flag";
    assert_int_equal(store_break_glass_insert(s, &bad, NULL, &err), FC_EINVAL);
    bad = g;
    bad.expires_at = bad.granted_at;
    assert_int_equal(store_break_glass_insert(s, &bad, NULL, &err), FC_EINVAL);
    struct arena a;
    arena_init(&a, 0);
    struct break_glass_rec *gs;
    size_t n;
    assert_int_equal(store_break_glass_list(s, 0, 0, &a, &gs, &n, &err), FC_OK);
    assert_int_equal(n, 1);
    assert_string_equal(gs[0].reason, "safeguarding visit");
    assert_int_equal(store_break_glass_list(s, NOW + 1, 0, &a, &gs, &n, &err), FC_OK);
    assert_int_equal(n, 0);
    arena_free(&a);
    /* append-only, even through raw SQL (SQLite only: skipped elsewhere) */
    if (FIX(state)->path[0] != '\0')
        assert_int_not_equal(fixture_raw_sql(FIX(state), "DELETE FROM break_glass"), 0);
}

static void test_totp_step_is_good_once(void **state)
{
    struct store *s = STORE(state);
    struct fc_err err = { 0 };
    struct world w;
    seed(s, &w);
    assert_int_equal(store_user_totp_step_use(s, w.user, 1000, &err), FC_OK);
    assert_int_equal(store_user_totp_step_use(s, w.user, 1000, &err), FC_ECONFLICT);
    assert_int_equal(store_user_totp_step_use(s, w.user, 999, &err), FC_ECONFLICT);
    assert_int_equal(store_user_totp_step_use(s, w.user, 1001, &err), FC_OK);
}

static void test_retention_finds_and_anonymises_only_what_is_due(void **state)
{
    struct store *s = STORE(state);
    struct fc_err err = { 0 };
    struct world w;
    struct arena a;
    seed(s, &w);
    arena_init(&a, 0);
    /* an old contact by the old person; a flag in force keeps a third, old, person */
    struct contact c = { .channel = CHANNEL_PHONE, .received_at = NOW - 8 * YEAR,
                         .handler_user_id = w.user, .org_id = w.org,
                         .caller_person_id = w.merged, .raw_details = "{\"name\":\"O\"}",
                         .match_snapshot = "{\"shown\":[]}", .created_at = NOW - 8 * YEAR };
    fc_id_t cid;
    assert_int_equal(store_contact_insert(s, &c, &cid, &err), FC_OK);
    fc_id_t flagged = person(s, "Flagged", NOW - 8 * YEAR);
    struct flag f = { .person_id = flagged, .kind = "vulnerable", .agency = "Police",
                      .reason = "lives alone", .flagged_at = NOW - 8 * YEAR,
                      .match_probability = 1 };
    fc_id_t fid;
    assert_int_equal(store_flag_insert(s, &f, &fid, &err), FC_OK);
    fc_id_t *ids;
    size_t n;
    assert_int_equal(store_retention_persons_due(s, NOW - 6 * YEAR, &a, &ids, &n, &err), FC_OK);
    assert_int_equal(n, 1);
    assert_int_equal(ids[0], w.old_person);
    struct retention_person_counts counts;
    assert_int_equal(store_retention_person_anonymise(s, w.old_person, NOW, &counts, &err),
                     FC_OK);
    assert_int_equal(counts.persons, 2);     /* and the one merged into them */
    assert_int_equal(counts.identifiers, 4); /* a name and a phone each */
    assert_int_equal(counts.contacts, 1);
    struct person p;
    assert_int_equal(store_person_get(s, w.old_person, &a, &p, &err), FC_OK);
    assert_int_equal(p.n_names + p.n_phones, 0);
    assert_int_equal(store_person_get(s, w.new_person, &a, &p, &err), FC_OK);
    assert_int_equal(p.n_names, 1);
    struct contact got;
    assert_int_equal(store_contact_get(s, cid, &a, &got, &err), FC_OK);
    assert_null(got.raw_details);
    assert_null(got.match_snapshot);
    assert_int_equal(got.caller_person_id, w.merged); /* the count still adds up */
    /* done once: no longer due; the merged person cannot be anonymised on its own */
    assert_int_equal(store_retention_persons_due(s, NOW - 6 * YEAR, &a, &ids, &n, &err), FC_OK);
    assert_int_equal(n, 0);
    assert_int_equal(store_retention_person_anonymise(s, w.merged, NOW, &counts, &err),
                     FC_ENOTFOUND);
    /* the flag in force still holds its reason */
    struct flag fg;
    assert_int_equal(store_flag_get(s, fid, &a, &fg, &err), FC_OK);
    assert_string_equal(fg.reason, "lives alone");
    arena_free(&a);
}

static void test_retention_incidents(void **state)
{
    struct store *s = STORE(state);
    struct fc_err err = { 0 };
    struct world w;
    struct arena a;
    seed(s, &w);
    arena_init(&a, 0);
    fc_id_t ids3[3];
    for (int i = 0; i < 3; i++) {
        struct incident inc = { .org_id = w.org, .category = NSIR_NUISANCE,
                                .incident_type = "noise", .description = "loud",
                                .location_raw = "1 High St", .lat = 52.6, .lon = -1.1,
                                .status = i < 2 ? INCIDENT_CLOSED : INCIDENT_OPEN,
                                .created_at = NOW - 9 * YEAR,
                                .closed_at = i == 0 ? NOW - 8 * YEAR
                                             : i == 1 ? NOW - YEAR : 0,
                                .closure_code = i < 2 ? "advice" : NULL };
        assert_int_equal(store_incident_insert(s, &inc, &ids3[i], &err), FC_OK);
    }
    fc_id_t *ids;
    size_t n;
    assert_int_equal(store_retention_incidents_due(s, NOW - 6 * YEAR, &a, &ids, &n, &err), FC_OK);
    assert_int_equal(n, 1);
    assert_int_equal(ids[0], ids3[0]);
    assert_int_equal(store_retention_incident_anonymise(s, ids3[0], NOW, &err), FC_OK);
    struct incident got;
    assert_int_equal(store_incident_get(s, ids3[0], &a, &got, &err), FC_OK);
    assert_null(got.description);
    assert_null(got.location_raw);
    assert_string_equal(got.incident_type, "noise");
    assert_int_equal(store_retention_incident_anonymise(s, ids3[0], NOW, &err), FC_ENOTFOUND);
    assert_int_equal(store_incident_get(s, ids3[1], &a, &got, &err), FC_OK);
    assert_string_equal(got.description, "loud");
    arena_free(&a);
}

static void test_audit_chain_survives_and_takes_break_glass(void **state)
{
    struct store *s = STORE(state);
    struct fc_err err = { 0 };
    struct audit_event ev = { .action = AUDIT_BREAK_GLASS, .object_type = "person",
                              .object_id = 7, .purpose = "safeguarding visit" };
    assert_int_equal(store_audit_append(s, &ev, &err), FC_OK);
    int64_t bad = -1, count = 0;
    assert_int_equal(store_audit_verify(s, &bad, &count, &err), FC_OK);
    assert_int_equal(bad, 0);
    assert_true(count >= 1);
    struct arena a;
    arena_init(&a, 0);
    struct audit_event *evs;
    size_t n;
    assert_int_equal(store_audit_list(s, "person", 7, 0, &a, &evs, &n, &err), FC_OK);
    assert_int_equal(n, 1);
    assert_int_equal(evs[0].action, AUDIT_BREAK_GLASS);
    arena_free(&a);
    if (FIX(state)->path[0] != '\0') /* still append-only after the rebuild */
        assert_int_not_equal(fixture_raw_sql(FIX(state), "DELETE FROM audit_event"), 0);
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_break_glass_insert_active_list, fixture_setup,
                                        fixture_teardown),
        cmocka_unit_test_setup_teardown(test_totp_step_is_good_once, fixture_setup,
                                        fixture_teardown),
        cmocka_unit_test_setup_teardown(test_retention_finds_and_anonymises_only_what_is_due,
                                        fixture_setup, fixture_teardown),
        cmocka_unit_test_setup_teardown(test_retention_incidents, fixture_setup,
                                        fixture_teardown),
        cmocka_unit_test_setup_teardown(test_audit_chain_survives_and_takes_break_glass,
                                        fixture_setup, fixture_teardown),
    };
    if (argc > 1)
        cmocka_set_test_filter(argv[1]);
    return cmocka_run_group_tests_name("store/security", tests, NULL, NULL);
}
