/*
 * Contract tests for the Open311 store operations (migration 0006), on whichever backend
 * FC_TEST_STORE names: API keys by hash, service requests with their incident's status,
 * and the events (victim updates, bare closures) that flow back to the posting client.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h> /* after the headers it needs */

#include "store/store.h"
#include "store_fixture.h"

#define STORE(state) (((struct store_fixture *)*(state))->store)
#define T0           1705320000 /* 2024-01-15 12:00:00 UTC */

static fc_id_t org(struct store *s, const char *name)
{
    struct fc_err err = { 0 };
    struct organisation o = { .kind = ORG_CITY_COUNCIL, .name = (char *)name };
    fc_id_t id = 0;
    assert_int_equal(store_org_insert(s, &o, &id, &err), FC_OK);
    return id;
}

static fc_id_t key(struct store *s, fc_id_t org_id, unsigned char fill, fc_time_t at)
{
    struct fc_err err = { 0 };
    struct open311_key_rec k = { .org_id = org_id, .label = "FixMyStreet", .created_at = at };
    memset(k.key_hash, fill, sizeof(k.key_hash));
    fc_id_t id = 0;
    assert_int_equal(store_open311_key_insert(s, &k, &id, &err), FC_OK);
    assert_true(id > 0);
    return id;
}

/* A contact and its incident, as the intake path leaves them; the request row on top. */
static fc_id_t request(struct store *s, fc_id_t org_id, fc_id_t key_id, const char *code,
                       fc_time_t at, fc_id_t *incident_out)
{
    struct fc_err err = { 0 };
    struct contact c = { .channel = CHANNEL_OPEN311, .received_at = at, .org_id = org_id,
                         .created_at = at };
    fc_id_t cid = 0, iid = 0, rid = 0;
    assert_int_equal(store_contact_insert(s, &c, &cid, &err), FC_OK);
    struct incident i = { .org_id = org_id, .category = NSIR_NUISANCE,
                          .incident_type = "noise", .description = "loud music",
                          .lat = NAN, .lon = NAN, .status = INCIDENT_OPEN, .occurred_at = at,
                          .created_at = at };
    assert_int_equal(store_incident_insert(s, &i, &iid, &err), FC_OK);
    assert_int_equal(store_contact_set_incident(s, cid, iid, &err), FC_OK);
    struct open311_request_rec r = { .org_id = org_id, .key_id = key_id,
                                     .service_code = (char *)code, .contact_id = cid,
                                     .incident_id = iid, .address = "Granby Street",
                                     .postcode = "LE1 6EJ", .lat = 52.6349, .lon = -1.131,
                                     .attributes = "{\"NOISE_TIME\":\"NIGHT\"}",
                                     .requested_at = at };
    assert_int_equal(store_open311_request_insert(s, &r, &rid, &err), FC_OK);
    assert_true(rid > 0);
    *incident_out = iid;
    return rid;
}

static void close_incident(struct store *s, fc_id_t iid, fc_time_t at)
{
    struct arena a;
    struct fc_err err = { 0 };
    struct incident i;
    arena_init(&a, 0);
    assert_int_equal(store_incident_get(s, iid, &a, &i, &err), FC_OK);
    i.status = INCIDENT_CLOSED;
    i.closed_at = at;
    i.outcome = "notice served";
    assert_int_equal(store_incident_update(s, &i, &err), FC_OK);
    arena_free(&a);
}

static void victim_update(struct store *s, fc_id_t iid, const char *kind, const char *summary,
                          fc_time_t at)
{
    struct fc_err err = { 0 };
    struct victim_update_rec u = { .incident_id = iid, .kind = (char *)kind,
                                   .channel = "email", .summary = (char *)summary,
                                   .sent_at = at };
    fc_id_t id = 0;
    assert_int_equal(store_victim_update_insert(s, &u, &id, &err), FC_OK);
}

static void test_keys_by_hash_list_and_revoke(void **state)
{
    struct store *s = STORE(state);
    struct arena a;
    struct fc_err err = { 0 };
    arena_init(&a, 0);
    fc_id_t o1 = org(s, "Leicester City Council"), o2 = org(s, "Charnwood Borough Council");
    fc_id_t k1 = key(s, o1, 0x11, T0), k2 = key(s, o2, 0x22, T0 + 1);

    unsigned char h[32];
    struct open311_key_rec got;
    memset(h, 0x22, sizeof(h));
    assert_int_equal(store_open311_key_get_by_hash(s, h, &a, &got, &err), FC_OK);
    assert_int_equal(got.id, k2);
    assert_int_equal(got.org_id, o2);
    assert_string_equal(got.label, "FixMyStreet");
    assert_int_equal(got.created_at, T0 + 1);
    assert_int_equal(got.revoked_at, 0);
    assert_memory_equal(got.key_hash, h, 32);
    memset(h, 0x33, sizeof(h));
    assert_int_equal(store_open311_key_get_by_hash(s, h, &a, &got, &err), FC_ENOTFOUND);

    struct open311_key_rec *keys;
    size_t n;
    assert_int_equal(store_open311_key_list(s, 0, &a, &keys, &n, &err), FC_OK);
    assert_int_equal(n, 2);
    assert_int_equal(keys[0].id, k1);
    assert_int_equal(store_open311_key_list(s, o2, &a, &keys, &n, &err), FC_OK);
    assert_int_equal(n, 1);
    assert_int_equal(keys[0].id, k2);

    assert_int_equal(store_open311_key_revoke(s, k1, T0 + 9, &err), FC_OK);
    assert_int_equal(store_open311_key_revoke(s, k1, T0 + 10, &err), FC_ENOTFOUND);
    assert_int_equal(store_open311_key_revoke(s, 999, T0 + 10, &err), FC_ENOTFOUND);
    memset(h, 0x11, sizeof(h));
    assert_int_equal(store_open311_key_get_by_hash(s, h, &a, &got, &err), FC_OK);
    assert_int_equal(got.revoked_at, T0 + 9);

    /* the same hash twice is a conflict; a key for no organisation is refused */
    struct open311_key_rec dup = { .org_id = o1, .label = "again", .created_at = T0 };
    memset(dup.key_hash, 0x22, sizeof(dup.key_hash));
    assert_int_equal(store_open311_key_insert(s, &dup, NULL, &err), FC_ECONFLICT);
    memset(dup.key_hash, 0x44, sizeof(dup.key_hash));
    dup.org_id = 424242;
    assert_int_equal(store_open311_key_insert(s, &dup, NULL, &err), FC_EINVAL);
    assert_int_equal(store_open311_key_list(s, 0, &a, &keys, &n, &err), FC_OK);
    assert_int_equal(n, 2);
    arena_free(&a);
}

static void test_requests_search_with_status_and_updated_time(void **state)
{
    struct store *s = STORE(state);
    struct arena a;
    struct fc_err err = { 0 };
    arena_init(&a, 0);
    fc_id_t o1 = org(s, "Leicester City Council");
    fc_id_t k1 = key(s, o1, 0x11, T0);
    fc_id_t i1, i2, i3;
    fc_id_t r1 = request(s, o1, k1, "ASB_NOISE", T0 + 100, &i1);
    fc_id_t r2 = request(s, o1, k1, "ASB_FLYTIP", T0 + 200, &i2);
    fc_id_t r3 = request(s, o1, k1, "ASB_NOISE", T0 + 300, &i3);
    victim_update(s, i1, "scheduled", "visited", T0 + 1000);
    close_incident(s, i2, T0 + 2000);

    struct open311_request_rec *rows;
    size_t n;
    struct open311_request_query all = { .limit = 10 };
    assert_int_equal(store_open311_request_search(s, &all, &a, &rows, &n, &err), FC_OK);
    assert_int_equal(n, 3);
    assert_int_equal(rows[0].id, r3); /* newest first */
    assert_int_equal(rows[2].id, r1);
    assert_string_equal(rows[2].service_code, "ASB_NOISE");
    assert_string_equal(rows[2].status, "open");
    assert_string_equal(rows[2].description, "loud music");
    assert_string_equal(rows[2].org_name, "Leicester City Council");
    assert_string_equal(rows[2].postcode, "LE1 6EJ");
    assert_string_equal(rows[2].attributes, "{\"NOISE_TIME\":\"NIGHT\"}");
    assert_true(fabs(rows[2].lat - 52.6349) < 1e-9 && fabs(rows[2].lon + 1.131) < 1e-9);
    assert_int_equal(rows[2].requested_at, T0 + 100);
    assert_int_equal(rows[2].updated_at, T0 + 1000); /* the victim update */
    assert_int_equal(rows[1].updated_at, T0 + 2000); /* the closure */
    assert_string_equal(rows[1].status, "closed");
    assert_int_equal(rows[0].updated_at, T0 + 300);

    const char *noise[] = { "ASB_NOISE" };
    struct open311_request_query q = { .codes = noise, .n_codes = 1, .status = "open",
                                       .from = T0 + 150, .to = T0 + 400, .limit = 10 };
    assert_int_equal(store_open311_request_search(s, &q, &a, &rows, &n, &err), FC_OK);
    assert_int_equal(n, 1);
    assert_int_equal(rows[0].id, r3);
    q = (struct open311_request_query){ .status = "closed", .limit = 10 };
    assert_int_equal(store_open311_request_search(s, &q, &a, &rows, &n, &err), FC_OK);
    assert_int_equal(n, 1);
    assert_int_equal(rows[0].id, r2);
    /* ids override every other filter */
    fc_id_t ids[] = { r1, r2, 987654 };
    q = (struct open311_request_query){ .ids = ids, .n_ids = 3, .status = "open",
                                        .codes = noise, .n_codes = 1, .limit = 10 };
    assert_int_equal(store_open311_request_search(s, &q, &a, &rows, &n, &err), FC_OK);
    assert_int_equal(n, 2);
    q = (struct open311_request_query){ .limit = 1 };
    assert_int_equal(store_open311_request_search(s, &q, &a, &rows, &n, &err), FC_OK);
    assert_int_equal(n, 1);

    /* a request naming no contact writes nothing */
    struct open311_request_rec bad = { .org_id = o1, .key_id = k1, .service_code = "ASB_NOISE",
                                       .contact_id = 999999, .incident_id = i1, .lat = NAN,
                                       .lon = NAN, .requested_at = T0 };
    assert_int_not_equal(store_open311_request_insert(s, &bad, NULL, &err), FC_OK);
    assert_int_equal(store_open311_request_search(s, &all, &a, &rows, &n, &err), FC_OK);
    assert_int_equal(n, 3);
    arena_free(&a);
}

static void test_events_flow_back_to_the_owning_organisation(void **state)
{
    struct store *s = STORE(state);
    struct arena a;
    struct fc_err err = { 0 };
    arena_init(&a, 0);
    fc_id_t o1 = org(s, "Leicester City Council"), o2 = org(s, "Charnwood Borough Council");
    fc_id_t k1 = key(s, o1, 0x11, T0), k2 = key(s, o2, 0x22, T0);
    fc_id_t i1, i2, i3;
    fc_id_t r1 = request(s, o1, k1, "ASB_NOISE", T0, &i1);
    fc_id_t r2 = request(s, o1, k1, "ASB_ROWDY", T0, &i2);
    fc_id_t r3 = request(s, o2, k2, "ASB_NOISE", T0, &i3);
    victim_update(s, i1, "scheduled", "visited", T0 + 100);
    victim_update(s, i1, "closure", "notice served", T0 + 300);
    close_incident(s, i1, T0 + 300);
    close_incident(s, i2, T0 + 200); /* closed without a closure update */
    victim_update(s, i3, "key_event", NULL, T0 + 150);

    struct open311_event_rec *ev;
    size_t n;
    assert_int_equal(store_open311_event_list(s, o1, T0, T0 + 1000, 100, &a, &ev, &n, &err),
                     FC_OK);
    assert_int_equal(n, 3); /* the closure update stands for i1's closing */
    assert_int_equal(ev[0].request_id, r1);
    assert_string_equal(ev[0].kind, "scheduled");
    assert_string_equal(ev[0].summary, "visited");
    assert_int_equal(ev[0].at, T0 + 100);
    assert_int_equal(ev[1].request_id, r2);
    assert_string_equal(ev[1].kind, "closed");
    assert_int_equal(ev[1].source_id, i2);
    assert_string_equal(ev[1].summary, "notice served");
    assert_int_equal(ev[1].at, T0 + 200);
    assert_int_equal(ev[2].request_id, r1);
    assert_string_equal(ev[2].kind, "closure");
    /* the window and the limit */
    assert_int_equal(store_open311_event_list(s, o1, T0 + 150, T0 + 250, 100, &a, &ev, &n, &err),
                     FC_OK);
    assert_int_equal(n, 1);
    assert_int_equal(ev[0].request_id, r2);
    assert_int_equal(store_open311_event_list(s, o1, T0, T0 + 1000, 2, &a, &ev, &n, &err),
                     FC_OK);
    assert_int_equal(n, 2);
    /* the other organisation sees only its own */
    assert_int_equal(store_open311_event_list(s, o2, T0, T0 + 1000, 100, &a, &ev, &n, &err),
                     FC_OK);
    assert_int_equal(n, 1);
    assert_int_equal(ev[0].request_id, r3);
    assert_string_equal(ev[0].kind, "key_event");
    assert_null(ev[0].summary);
    arena_free(&a);
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_keys_by_hash_list_and_revoke, fixture_setup,
                                        fixture_teardown),
        cmocka_unit_test_setup_teardown(test_requests_search_with_status_and_updated_time,
                                        fixture_setup, fixture_teardown),
        cmocka_unit_test_setup_teardown(test_events_flow_back_to_the_owning_organisation,
                                        fixture_setup, fixture_teardown),
    };
    if (argc > 1)
        cmocka_set_test_filter(argv[1]);
    return cmocka_run_group_tests_name("store/open311", tests, NULL, NULL);
}
