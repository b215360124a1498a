/*
 * Contract tests for the store: organisations, users, sessions and persons. They use only
 * store.h, so they run against any backend (env FC_TEST_STORE; default a temp SQLite file).
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h> /* after the headers it needs */

#include "store/store.h"
#include "store_fixture.h"

#define STORE(state) (((struct store_fixture *)*(state))->store)

static fc_id_t add_org(struct store *s, const char *name)
{
    struct organisation o = { .kind = ORG_FORCE, .name = (char *)name };
    struct fc_err err = { 0 };
    fc_id_t id = 0;
    assert_int_equal(store_org_insert(s, &o, &id, &err), FC_OK);
    assert_true(id > 0);
    return id;
}

static fc_id_t add_user(struct store *s, fc_id_t org, const char *username)
{
    struct user u = { .org_id = org,
                      .username = (char *)username,
                      .role = ROLE_CALL_HANDLER,
                      .team = "control room",
                      .password_hash = "$argon2id$v=19$x" };
    struct fc_err err = { 0 };
    fc_id_t id = 0;
    assert_int_equal(store_user_insert(s, &u, &id, &err), FC_OK);
    return id;
}

static void test_org_insert_get_list_round_trip(void **state)
{
    struct store *s = STORE(state);
    struct arena a;
    arena_init(&a, 0);
    struct fc_err err = { 0 };
    struct organisation o = { .kind = ORG_DISTRICT_COUNCIL,
                              .name = "Charnwood Borough Council",
                              .open311_jurisdiction = "charnwood.gov.uk" };
    fc_id_t id;
    assert_int_equal(store_org_insert(s, &o, &id, &err), FC_OK);
    add_org(s, "Leicestershire Police");
    struct organisation got;
    assert_int_equal(store_org_get(s, id, &a, &got, &err), FC_OK);
    assert_int_equal(got.kind, ORG_DISTRICT_COUNCIL);
    assert_string_equal(got.name, "Charnwood Borough Council");
    assert_string_equal(got.open311_jurisdiction, "charnwood.gov.uk");
    assert_int_equal(store_org_get_by_name(s, "Leicestershire Police", &a, &got, &err), FC_OK);
    assert_int_equal(got.kind, ORG_FORCE);
    assert_null(got.open311_jurisdiction);
    struct organisation *all;
    size_t n;
    assert_int_equal(store_org_list(s, &a, &all, &n, &err), FC_OK);
    assert_int_equal(n, 2);
    assert_int_equal(all[0].id, id);
    assert_int_equal(store_org_get(s, 999, &a, &got, &err), FC_ENOTFOUND);
    arena_free(&a);
}

static void test_org_duplicate_name_conflicts_naming_column(void **state)
{
    struct store *s = STORE(state);
    struct fc_err err = { 0 };
    add_org(s, "Leicestershire Police");
    struct organisation o = { .kind = ORG_FORCE, .name = "Leicestershire Police" };
    assert_int_equal(store_org_insert(s, &o, NULL, &err), FC_ECONFLICT);
    assert_string_equal(err.field, "name");
    o.name = "";
    assert_int_equal(store_org_insert(s, &o, NULL, &err), FC_EINVAL);
    assert_string_equal(err.field, "name");
    o.name = "Other";
    o.kind = (enum org_kind)42;
    assert_int_equal(store_org_insert(s, &o, NULL, &err), FC_EINVAL);
    assert_string_equal(err.field, "kind");
}

static void test_user_insert_get_update_list(void **state)
{
    struct store *s = STORE(state);
    struct arena a;
    arena_init(&a, 0);
    struct fc_err err = { 0 };
    fc_id_t org = add_org(s, "Leicestershire Police");
    fc_id_t id = add_user(s, org, "handler1");
    struct user u;
    assert_int_equal(store_user_get(s, id, &a, &u, &err), FC_OK);
    assert_string_equal(u.username, "handler1");
    assert_int_equal(u.role, ROLE_CALL_HANDLER);
    assert_string_equal(u.team, "control room");
    assert_false(u.is_disabled);
    assert_true(u.created_at > 0);
    u.role = ROLE_SUPERVISOR;
    u.is_disabled = true;
    u.mfa_secret = "JBSWY3DPEHPK3PXP";
    assert_int_equal(store_user_update(s, &u, &err), FC_OK);
    struct user again;
    assert_int_equal(store_user_get_by_name(s, "handler1", &a, &again, &err), FC_OK);
    assert_int_equal(again.role, ROLE_SUPERVISOR);
    assert_true(again.is_disabled);
    assert_string_equal(again.mfa_secret, "JBSWY3DPEHPK3PXP");
    add_user(s, org, "handler2");
    struct user *all;
    size_t n;
    assert_int_equal(store_user_list(s, &a, &all, &n, &err), FC_OK);
    assert_int_equal(n, 2);
    assert_string_equal(all[1].username, "handler2");
    u.id = 999;
    assert_int_equal(store_user_update(s, &u, &err), FC_ENOTFOUND);
    assert_int_equal(store_user_get_by_name(s, "nobody", &a, &again, &err), FC_ENOTFOUND);
    arena_free(&a);
}

static void test_user_constraints_name_the_column(void **state)
{
    struct store *s = STORE(state);
    struct fc_err err = { 0 };
    fc_id_t org = add_org(s, "Leicestershire Police");
    add_user(s, org, "handler1");
    struct user u = { .org_id = org, .username = "handler1", .role = ROLE_OFFICER };
    assert_int_equal(store_user_insert(s, &u, NULL, &err), FC_ECONFLICT);
    assert_string_equal(err.field, "username");
    u.username = "handler2";
    u.org_id = 777;
    assert_int_equal(store_user_insert(s, &u, NULL, &err), FC_EINVAL);
    assert_string_equal(err.field, "org_id");
    u.org_id = org;
    u.role = ROLE_COUNT;
    assert_int_equal(store_user_insert(s, &u, NULL, &err), FC_EINVAL);
    assert_string_equal(err.field, "role");
    u.role = ROLE_ADMIN;
    u.username = NULL;
    assert_int_equal(store_user_insert(s, &u, NULL, &err), FC_EINVAL);
    assert_string_equal(err.field, "username");
}

static void test_session_lifecycle(void **state)
{
    struct store *s = STORE(state);
    struct fc_err err = { 0 };
    fc_id_t uid = add_user(s, add_org(s, "Leicestershire Police"), "handler1");
    struct session se = {
        .user_id = uid, .created_at = 1000, .last_seen_at = 1000, .expires_at = 5000
    };
    memset(se.token_hash, 0xab, 32);
    strcpy(se.csrf, "csrf-token-1");
    assert_int_equal(store_session_insert(s, &se, &err), FC_OK);
    struct session old = se;
    memset(old.token_hash, 0xcd, 32);
    old.expires_at = 1500;
    assert_int_equal(store_session_insert(s, &old, &err), FC_OK);
    struct session got;
    assert_int_equal(store_session_get(s, se.token_hash, &got, &err), FC_OK);
    assert_int_equal(got.user_id, uid);
    assert_string_equal(got.csrf, "csrf-token-1");
    assert_int_equal(got.expires_at, 5000);
    assert_int_equal(store_session_touch(s, se.token_hash, 2000, &err), FC_OK);
    assert_int_equal(store_session_touch(s, se.token_hash, 1500, &err), FC_OK);
    assert_int_equal(store_session_get(s, se.token_hash, &got, &err), FC_OK);
    assert_int_equal(got.last_seen_at, 2000);
    size_t purged;
    assert_int_equal(store_session_purge(s, 2000, &purged, &err), FC_OK);
    assert_int_equal(purged, 1);
    assert_int_equal(store_session_get(s, old.token_hash, &got, &err), FC_ENOTFOUND);
    assert_int_equal(store_session_delete(s, se.token_hash, &err), FC_OK);
    assert_int_equal(store_session_get(s, se.token_hash, &got, &err), FC_ENOTFOUND);
    assert_int_equal(store_session_delete(s, se.token_hash, &err), FC_ENOTFOUND);
    se.user_id = 4242;
    assert_int_equal(store_session_insert(s, &se, &err), FC_EINVAL);
    assert_string_equal(err.field, "user_id");
}

/* A person with two names, a dob, a phone, an email and an address. */
static void sample_person(struct person *p, struct person_name names[2], struct person_dob *dob,
                          struct person_phone *ph, struct person_email *em,
                          struct person_address *ad)
{
    memset(p, 0, sizeof(*p));
    names[0] = (struct person_name){ .raw = "SHERGILL, Ravinder",
                                     .forename = "Ravinder",
                                     .surname = "Shergill",
                                     .keys = "{\"f\":\"ravinder\"}",
                                     .prov = { "contact", 7, 1700000000 } };
    names[1] = (struct person_name){ .raw = "Ravi Shergill",
                                     .forename = "Ravi",
                                     .surname = "Shergill",
                                     .prov = { "import", 0, 1700000100 } };
    *dob = (struct person_dob){ .raw = "3/4/1980",
                                .date = "1980-04-03",
                                .precision = DOB_FULL,
                                .prov = { "contact", 7, 1700000000 } };
    *ph = (struct person_phone){ .raw = "07700 900123",
                                 .e164 = "+447700900123",
                                 .kind = "mobile",
                                 .prov = { "contact", 7, 1700000000 } };
    *em = (struct person_email){ .raw = "Ravi@Example.org ",
                                 .norm = "ravi@example.org",
                                 .prov = { "contact", 7, 1700000000 } };
    *ad = (struct person_address){ .raw = "12 Market St, Loughborough LE11 3EP",
                                   .number = "12",
                                   .street = "Market Street",
                                   .town = "Loughborough",
                                   .postcode = "LE11 3EP",
                                   .uprn = "100030401234",
                                   .lat = 52.7721,
                                   .lon = -1.2062,
                                   .prov = { "contact", 7, 1700000000 } };
    p->names = names;
    p->n_names = 2;
    p->dobs = dob;
    p->n_dobs = 1;
    p->phones = ph;
    p->n_phones = 1;
    p->emails = em;
    p->n_emails = 1;
    p->addresses = ad;
    p->n_addresses = 1;
}

static int count_cb(void *ctx, const struct person *p)
{
    (void)p;
    (*(size_t *)ctx)++;
    return 0;
}

static size_t person_count(struct store *s)
{
    size_t n = 0;
    struct fc_err err = { 0 };
    assert_int_equal(store_person_scan(s, count_cb, &n, &err), FC_OK);
    return n;
}

static void test_person_insert_get_round_trip(void **state)
{
    struct store *s = STORE(state);
    struct arena a;
    arena_init(&a, 0);
    struct fc_err err = { 0 };
    struct person p, got;
    struct person_name names[2];
    struct person_dob dob;
    struct person_phone ph;
    struct person_email em;
    struct person_address ad;
    sample_person(&p, names, &dob, &ph, &em, &ad);
    fc_id_t id;
    assert_int_equal(store_person_insert(s, &p, &id, &err), FC_OK);
    assert_int_equal(store_person_get(s, id, &a, &got, &err), FC_OK);
    assert_int_equal(got.id, id);
    assert_int_equal(got.merged_into, 0);
    assert_int_equal(got.n_names, 2);
    assert_string_equal(got.names[0].raw, "SHERGILL, Ravinder");
    assert_string_equal(got.names[0].keys, "{\"f\":\"ravinder\"}");
    assert_string_equal(got.names[0].prov.source, "contact");
    assert_int_equal(got.names[0].prov.source_id, 7);
    assert_int_equal(got.names[0].prov.recorded_at, 1700000000);
    assert_string_equal(got.names[1].forename, "Ravi");
    assert_null(got.names[1].middles);
    assert_int_equal(got.n_dobs, 1);
    assert_string_equal(got.dobs[0].date, "1980-04-03");
    assert_int_equal(got.dobs[0].precision, DOB_FULL);
    assert_int_equal(got.n_phones, 1);
    assert_string_equal(got.phones[0].e164, "+447700900123");
    assert_string_equal(got.phones[0].kind, "mobile");
    assert_int_equal(got.n_emails, 1);
    assert_string_equal(got.emails[0].norm, "ravi@example.org");
    assert_int_equal(got.n_addresses, 1);
    assert_string_equal(got.addresses[0].postcode, "LE11 3EP");
    assert_string_equal(got.addresses[0].uprn, "100030401234");
    assert_true(fabs(got.addresses[0].lat - 52.7721) < 1e-9);
    assert_int_equal(got.addresses[0].valid_to, 0);
    assert_int_equal(store_person_get(s, id + 100, &a, &got, &err), FC_ENOTFOUND);
    arena_free(&a);
}

static void test_person_bad_identifier_writes_nothing(void **state)
{
    struct store *s = STORE(state);
    struct fc_err err = { 0 };
    struct person p;
    struct person_name names[2];
    struct person_dob dob;
    struct person_phone ph;
    struct person_email em;
    struct person_address ad;
    sample_person(&p, names, &dob, &ph, &em, &ad);
    ad.uprn = "not-a-uprn"; /* the last identifier written: everything before it is undone */
    assert_int_equal(store_person_insert(s, &p, NULL, &err), FC_EINVAL);
    assert_string_equal(err.field, "addresses[0].uprn");
    assert_int_equal(person_count(s), 0);
    ad.uprn = NULL;
    strcpy(dob.date, "3/4/80");
    assert_int_equal(store_person_insert(s, &p, NULL, &err), FC_EINVAL);
    assert_string_equal(err.field, "dobs[0].date");
    strcpy(dob.date, "1980-02-30"); /* well formed, but no such day */
    assert_int_equal(store_person_insert(s, &p, NULL, &err), FC_EINVAL);
    assert_string_equal(err.field, "dobs[0].date");
    strcpy(dob.date, "1980-04-00");
    dob.precision = DOB_YEAR_MONTH;
    assert_int_equal(store_person_insert(s, &p, NULL, &err), FC_OK);
    assert_int_equal(person_count(s), 1);
    dob.precision = DOB_FULL;
    strcpy(dob.date, "1980-04-03");
    names[1].prov.source = NULL;
    assert_int_equal(store_person_insert(s, &p, NULL, &err), FC_EINVAL);
    assert_string_equal(err.field, "names[1].source");
    assert_int_equal(person_count(s), 1);
}

static void test_person_add_identifiers_appends(void **state)
{
    struct store *s = STORE(state);
    struct arena a;
    arena_init(&a, 0);
    struct fc_err err = { 0 };
    struct person p, got;
    struct person_name names[2];
    struct person_dob dob;
    struct person_phone ph;
    struct person_email em;
    struct person_address ad;
    sample_person(&p, names, &dob, &ph, &em, &ad);
    fc_id_t id;
    assert_int_equal(store_person_insert(s, &p, &id, &err), FC_OK);
    struct person_phone ph2 = { .raw = "0116 496 0000",
                                .e164 = "+441164960000",
                                .kind = "landline",
                                .prov = { "contact", 9, 0 } };
    struct person more = { .id = id, .phones = &ph2, .n_phones = 1 };
    assert_int_equal(store_person_add_identifiers(s, &more, &err), FC_OK);
    assert_int_equal(store_person_get(s, id, &a, &got, &err), FC_OK);
    assert_int_equal(got.n_phones, 2);
    assert_string_equal(got.phones[0].e164, "+447700900123"); /* never overwritten */
    assert_string_equal(got.phones[1].e164, "+441164960000");
    assert_true(got.phones[1].prov.recorded_at > 0);
    more.id = id + 50;
    assert_int_equal(store_person_add_identifiers(s, &more, &err), FC_ENOTFOUND);
    ph2.e164 = "07700";
    more.id = id;
    assert_int_equal(store_person_add_identifiers(s, &more, &err), FC_EINVAL);
    assert_string_equal(err.field, "phones[0].e164");
    assert_int_equal(store_person_get(s, id, &a, &got, &err), FC_OK);
    assert_int_equal(got.n_phones, 2);
    arena_free(&a);
}

static void test_person_search_by_surname_phone_postcode(void **state)
{
    struct store *s = STORE(state);
    struct arena a;
    arena_init(&a, 0);
    struct fc_err err = { 0 };
    struct person p;
    struct person_name names[2];
    struct person_dob dob;
    struct person_phone ph;
    struct person_email em;
    struct person_address ad;
    sample_person(&p, names, &dob, &ph, &em, &ad);
    fc_id_t first, second, other;
    assert_int_equal(store_person_insert(s, &p, &first, &err), FC_OK);
    ph.e164 = "+447700900999";
    assert_int_equal(store_person_insert(s, &p, &second, &err), FC_OK);
    names[0].surname = names[1].surname = "Mistry";
    ad.postcode = "LE1 1AA";
    assert_int_equal(store_person_insert(s, &p, &other, &err), FC_OK);
    fc_id_t *ids;
    size_t n;
    assert_int_equal(
        store_person_search(s, &(struct person_query){ .surname = "SHERGILL" }, &a, &ids, &n, &err),
        FC_OK);
    assert_int_equal(n, 2);
    assert_int_equal(ids[0], second); /* newest first */
    assert_int_equal(ids[1], first);
    assert_int_equal(store_person_search(s,
                                         &(struct person_query){ .surname = "Shergill",
                                                                 .phone_e164 = "+447700900123" },
                                         &a, &ids, &n, &err),
                     FC_OK);
    assert_int_equal(n, 1);
    assert_int_equal(ids[0], first);
    assert_int_equal(
        store_person_search(s, &(struct person_query){ .postcode = "LE1 1AA" }, &a, &ids, &n, &err),
        FC_OK);
    assert_int_equal(n, 1);
    assert_int_equal(ids[0], other);
    assert_int_equal(store_person_search(s, &(struct person_query){ .limit = 1, .offset = 1 }, &a,
                                         &ids, &n, &err),
                     FC_OK);
    assert_int_equal(n, 1);
    assert_int_equal(ids[0], second);
    arena_free(&a);
}

struct scan_seen {
    fc_id_t ids[8];
    size_t names[8];
    size_t n;
};

static int scan_cb(void *ctx, const struct person *p)
{
    struct scan_seen *seen = ctx;
    if (seen->n < 8) {
        seen->ids[seen->n] = p->id;
        seen->names[seen->n] = p->n_names;
    }
    seen->n++;
    return 0;
}

static void test_person_merge_hides_from_scan_and_search(void **state)
{
    struct store *s = STORE(state);
    struct arena a;
    arena_init(&a, 0);
    struct fc_err err = { 0 };
    struct person p, got;
    struct person_name names[2];
    struct person_dob dob;
    struct person_phone ph;
    struct person_email em;
    struct person_address ad;
    sample_person(&p, names, &dob, &ph, &em, &ad);
    fc_id_t a1, a2, a3;
    assert_int_equal(store_person_insert(s, &p, &a1, &err), FC_OK);
    p.n_names = 1;
    assert_int_equal(store_person_insert(s, &p, &a2, &err), FC_OK);
    assert_int_equal(store_person_insert(s, &p, &a3, &err), FC_OK);
    assert_int_equal(store_person_set_merged(s, a2, a1, &err), FC_OK);
    assert_int_equal(store_person_get(s, a2, &a, &got, &err), FC_OK);
    assert_int_equal(got.merged_into, a1);
    struct scan_seen seen = { 0 };
    assert_int_equal(store_person_scan(s, scan_cb, &seen, &err), FC_OK);
    assert_int_equal(seen.n, 2);
    assert_int_equal(seen.ids[0], a1);
    assert_int_equal(seen.names[0], 2);
    assert_int_equal(seen.ids[1], a3);
    assert_int_equal(seen.names[1], 1);
    struct scan_seen all = { 0 };
    assert_int_equal(store_person_scan_all(s, scan_cb, &all, &err), FC_OK);
    assert_int_equal(all.n, 3); /* exports keep merged persons */
    assert_int_equal(all.ids[1], a2);
    /* merging into a merged person, into itself or into nobody is refused */
    assert_int_equal(store_person_set_merged(s, a3, a2, &err), FC_EINVAL);
    assert_string_equal(err.field, "merged_into");
    assert_int_equal(store_person_set_merged(s, a3, a3, &err), FC_EINVAL);
    assert_int_equal(store_person_set_merged(s, a3, 9999, &err), FC_EINVAL);
    assert_int_equal(store_person_set_merged(s, 9999, a1, &err), FC_ENOTFOUND);
    /* no chains: a person others are merged into is not merged itself */
    assert_int_equal(store_person_set_merged(s, a1, a3, &err), FC_EINVAL);
    assert_string_equal(err.field, "id");
    assert_int_equal(store_person_get(s, a1, &a, &got, &err), FC_OK);
    assert_int_equal(got.merged_into, 0);
    /* split: unmerge */
    assert_int_equal(store_person_set_merged(s, a2, 0, &err), FC_OK);
    assert_int_equal(person_count(s), 3);
    arena_free(&a);
}

static int stop_cb(void *ctx, const struct person *p)
{
    (void)p;
    return ++*(int *)ctx == 2 ? 7 : 0;
}

static void test_person_scan_stops_when_callback_says(void **state)
{
    struct store *s = STORE(state);
    struct fc_err err = { 0 };
    struct person_name nm = { .surname = "Smith", .prov = { "import", 0, 0 } };
    struct person p = { .names = &nm, .n_names = 1 };
    for (int i = 0; i < 4; i++)
        assert_int_equal(store_person_insert(s, &p, NULL, &err), FC_OK);
    int calls = 0;
    assert_int_equal(store_person_scan(s, stop_cb, &calls, &err), 7);
    assert_int_equal(calls, 2);
}

static void test_person_explicit_id_is_kept_and_conflicts(void **state)
{
    struct store *s = STORE(state);
    struct fc_err err = { 0 };
    struct person_name nm = { .surname = "Smith", .prov = { "import", 0, 0 } };
    struct person p = { .id = 500, .names = &nm, .n_names = 1 };
    fc_id_t id;
    assert_int_equal(store_person_insert(s, &p, &id, &err), FC_OK);
    assert_int_equal(id, 500);
    assert_int_equal(store_person_insert(s, &p, &id, &err), FC_ECONFLICT);
    assert_string_equal(err.field, "id");
    assert_int_equal(person_count(s), 1);
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_org_insert_get_list_round_trip, fixture_setup,
                                        fixture_teardown),
        cmocka_unit_test_setup_teardown(test_org_duplicate_name_conflicts_naming_column,
                                        fixture_setup, fixture_teardown),
        cmocka_unit_test_setup_teardown(test_user_insert_get_update_list, fixture_setup,
                                        fixture_teardown),
        cmocka_unit_test_setup_teardown(test_user_constraints_name_the_column, fixture_setup,
                                        fixture_teardown),
        cmocka_unit_test_setup_teardown(test_session_lifecycle, fixture_setup, fixture_teardown),
        cmocka_unit_test_setup_teardown(test_person_insert_get_round_trip, fixture_setup,
                                        fixture_teardown),
        cmocka_unit_test_setup_teardown(test_person_bad_identifier_writes_nothing, fixture_setup,
                                        fixture_teardown),
        cmocka_unit_test_setup_teardown(test_person_add_identifiers_appends, fixture_setup,
                                        fixture_teardown),
        cmocka_unit_test_setup_teardown(test_person_search_by_surname_phone_postcode, fixture_setup,
                                        fixture_teardown),
        cmocka_unit_test_setup_teardown(test_person_merge_hides_from_scan_and_search, fixture_setup,
                                        fixture_teardown),
        cmocka_unit_test_setup_teardown(test_person_scan_stops_when_callback_says, fixture_setup,
                                        fixture_teardown),
        cmocka_unit_test_setup_teardown(test_person_explicit_id_is_kept_and_conflicts,
                                        fixture_setup, fixture_teardown),
    };
    if (argc > 1)
        cmocka_set_test_filter(argv[1]);
    return cmocka_run_group_tests_name("store/people", tests, NULL, NULL);
}
