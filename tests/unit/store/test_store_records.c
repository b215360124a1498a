/*
 * Contract tests for the store: contacts, incidents, flags, the audit trail, nested
 * transactions, concurrent writers and backup/restore. They use only store.h (plus the
 * fixture's raw-SQL tamper helper, which skips on non-SQLite stores).
 */
#include <math.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h> /* after the headers it needs */

#include "store/store.h"
#include "store_fixture.h"

#define FIX(state)   ((struct store_fixture *)*(state))
#define STORE(state) (FIX(state)->store)

struct world {
    fc_id_t org, user, person, person2;
};

static void seed(struct store *s, struct world *w)
{
    struct fc_err err = { 0 };
    struct organisation o = { .kind = ORG_FORCE, .name = "Leicestershire Police" };
    assert_int_equal(store_org_insert(s, &o, &w->org, &err), FC_OK);
    struct user u = { .org_id = w->org, .username = "handler1", .role = ROLE_CALL_HANDLER };
    assert_int_equal(store_user_insert(s, &u, &w->user, &err), FC_OK);
    struct person_name nm = { .surname = "Shergill", .prov = { "contact", 0, 0 } };
    struct person p = { .names = &nm, .n_names = 1 };
    assert_int_equal(store_person_insert(s, &p, &w->person, &err), FC_OK);
    nm.surname = "Mistry";
    assert_int_equal(store_person_insert(s, &p, &w->person2, &err), FC_OK);
}

static struct contact sample_contact(const struct world *w, fc_time_t at)
{
    return (struct contact){ .channel = CHANNEL_PHONE,
                             .received_at = at,
                             .received_offset_min = 60,
                             .handler_user_id = w->user,
                             .org_id = w->org,
                             .caller_person_id = w->person,
                             .raw_details = "{\"name\":\"Ravi\"}" };
}

static void test_contact_insert_get_search_count(void **state)
{
    struct store *s = STORE(state);
    struct world w;
    seed(s, &w);
    struct arena a;
    arena_init(&a, 0);
    struct fc_err err = { 0 };
    fc_id_t ids[3];
    for (int i = 0; i < 3; i++) {
        struct contact c = sample_contact(&w, 1700000000 + i * 86400);
        if (i == 2)
            c.caller_person_id = w.person2;
        assert_int_equal(store_contact_insert(s, &c, &ids[i], &err), FC_OK);
    }
    struct contact got;
    assert_int_equal(store_contact_get(s, ids[0], &a, &got, &err), FC_OK);
    assert_int_equal(got.channel, CHANNEL_PHONE);
    assert_int_equal(got.received_at, 1700000000);
    assert_int_equal(got.received_offset_min, 60);
    assert_int_equal(got.handler_user_id, w.user);
    assert_string_equal(got.raw_details, "{\"name\":\"Ravi\"}");
    assert_null(got.match_snapshot);
    assert_int_equal(got.incident_id, 0);
    struct contact *list;
    size_t n;
    struct contact_query q = { .caller_person_id = w.person };
    assert_int_equal(store_contact_search(s, &q, &a, &list, &n, &err), FC_OK);
    assert_int_equal(n, 2);
    assert_int_equal(list[0].id, ids[1]); /* newest first */
    size_t count;
    q.from = 1700000000 + 1;
    assert_int_equal(store_contact_count(s, &q, &count, &err), FC_OK);
    assert_int_equal(count, 1);
    assert_int_equal(store_contact_count(s, &(struct contact_query){ 0 }, &count, &err), FC_OK);
    assert_int_equal(count, 3);
    assert_int_equal(store_contact_get(s, 999, &a, &got, &err), FC_ENOTFOUND);
    arena_free(&a);
}

static void test_contact_bad_reference_and_json_name_the_column(void **state)
{
    struct store *s = STORE(state);
    struct world w;
    seed(s, &w);
    struct fc_err err = { 0 };
    struct contact c = sample_contact(&w, 1700000000);
    c.caller_person_id = 4040;
    assert_int_equal(store_contact_insert(s, &c, NULL, &err), FC_EINVAL);
    assert_string_equal(err.field, "caller_person_id");
    c.caller_person_id = 0; /* anonymous caller is allowed */
    c.handler_user_id = 5050;
    assert_int_equal(store_contact_insert(s, &c, NULL, &err), FC_EINVAL);
    assert_string_equal(err.field, "handler_user_id");
    c.handler_user_id = w.user;
    c.raw_details = "{not json";
    assert_int_equal(store_contact_insert(s, &c, NULL, &err), FC_EINVAL);
    assert_string_equal(err.field, "raw_details");
    c.raw_details = NULL;
    c.channel = (enum contact_channel)9;
    assert_int_equal(store_contact_insert(s, &c, NULL, &err), FC_EINVAL);
    assert_string_equal(err.field, "channel");
    size_t count;
    assert_int_equal(store_contact_count(s, &(struct contact_query){ 0 }, &count, &err), FC_OK);
    assert_int_equal(count, 0);
}

static void test_contact_snapshot_is_immutable(void **state)
{
    struct store *s = STORE(state);
    struct world w;
    seed(s, &w);
    struct arena a;
    arena_init(&a, 0);
    struct fc_err err = { 0 };
    struct contact c = sample_contact(&w, 1700000000);
    c.caller_person_id = 0;
    fc_id_t id;
    assert_int_equal(store_contact_insert(s, &c, &id, &err), FC_OK);
    assert_int_equal(store_contact_set_caller(s, id, w.person, "{\"candidates\":[]}", &err), FC_OK);
    assert_int_equal(store_contact_set_caller(s, id, w.person2, "{\"candidates\":[1]}", &err),
                     FC_ECONFLICT);
    assert_string_equal(err.field, "match_snapshot");
    struct contact got;
    assert_int_equal(store_contact_get(s, id, &a, &got, &err), FC_OK);
    assert_int_equal(got.caller_person_id, w.person);
    assert_string_equal(got.match_snapshot, "{\"candidates\":[]}");
    assert_int_equal(store_contact_set_caller(s, 999, w.person, NULL, &err), FC_ENOTFOUND);
    arena_free(&a);
}

static struct incident sample_incident(const struct world *w, struct incident_person *links);

static int contact_ids_cb(void *ctx, const struct contact *c)
{
    fc_id_t *ids = ctx;
    for (int i = 0; i < 4; i++) {
        if (ids[i] == 0) {
            ids[i] = c->id;
            break;
        }
    }
    return 0;
}

static void test_contact_link_to_incident_and_scan(void **state)
{
    struct store *s = STORE(state);
    struct world w;
    seed(s, &w);
    struct arena a;
    arena_init(&a, 0);
    struct fc_err err = { 0 };
    struct incident_person links[3];
    struct incident in = sample_incident(&w, links);
    fc_id_t incident, c1, c2;
    assert_int_equal(store_incident_insert(s, &in, &incident, &err), FC_OK);
    struct contact c = sample_contact(&w, 1700000000);
    assert_int_equal(store_contact_insert(s, &c, &c1, &err), FC_OK);
    assert_int_equal(store_contact_insert(s, &c, &c2, &err), FC_OK);
    assert_int_equal(store_contact_set_incident(s, c2, incident, &err), FC_OK);
    assert_int_equal(store_contact_set_incident(s, c1, incident + 9, &err), FC_EINVAL);
    assert_string_equal(err.field, "incident_id");
    assert_int_equal(store_contact_set_incident(s, c2 + 9, incident, &err), FC_ENOTFOUND);
    struct contact *list;
    size_t n;
    assert_int_equal(store_contact_search(s, &(struct contact_query){ .incident_id = incident }, &a,
                                          &list, &n, &err),
                     FC_OK);
    assert_int_equal(n, 1);
    assert_int_equal(list[0].id, c2);
    fc_id_t seen[4] = { 0 };
    assert_int_equal(store_contact_scan(s, contact_ids_cb, seen, &err), FC_OK);
    assert_int_equal(seen[0], c1); /* id order */
    assert_int_equal(seen[1], c2);
    assert_int_equal(seen[2], 0);
    arena_free(&a);
}

static struct incident sample_incident(const struct world *w, struct incident_person *links)
{
    links[0] = (struct incident_person){ .person_id = w->person, .role = ROLE_IN_CALLER };
    links[1] = (struct incident_person){ .person_id = w->person,
                                         .role = ROLE_IN_VICTIM,
                                         .is_hate_strand = true };
    links[2] = (struct incident_person){ .person_id = w->person2, .role = ROLE_IN_SUSPECT };
    return (struct incident){ .org_id = w->org,
                              .category = NSIR_PERSONAL,
                              .incident_type = "neighbour_dispute",
                              .description = "shouting over the fence",
                              .location_raw = "12 Market St",
                              .location_postcode = "LE11 3EP",
                              .location_key = "uprn:100030401234",
                              .lsoa_code = "E01025700",
                              .lat = NAN,
                              .lon = NAN,
                              .status = INCIDENT_OPEN,
                              .grade = "priority",
                              .risk_level = "medium",
                              .occurred_at = 1700000000,
                              .created_at = 1700000100,
                              .n_persons = 3,
                              .persons = links };
}

static void test_incident_insert_get_update_search(void **state)
{
    struct store *s = STORE(state);
    struct world w;
    seed(s, &w);
    struct arena a;
    arena_init(&a, 0);
    struct fc_err err = { 0 };
    struct incident_person links[3];
    struct incident in = sample_incident(&w, links);
    fc_id_t id;
    assert_int_equal(store_incident_insert(s, &in, &id, &err), FC_OK);
    struct incident got;
    assert_int_equal(store_incident_get(s, id, &a, &got, &err), FC_OK);
    assert_int_equal(got.category, NSIR_PERSONAL);
    assert_string_equal(got.incident_type, "neighbour_dispute");
    assert_true(isnan(got.lat));
    assert_int_equal(got.n_persons, 3);
    assert_int_equal(got.persons[0].person_id, w.person);
    assert_int_equal(got.persons[0].role, ROLE_IN_CALLER);
    assert_true(got.persons[1].is_hate_strand);
    /* close it and drop the suspect */
    in.id = id;
    in.status = INCIDENT_CLOSED;
    in.closed_at = 1700090000;
    in.closure_code = "advice_given";
    in.n_persons = 2;
    assert_int_equal(store_incident_update(s, &in, &err), FC_OK);
    assert_int_equal(store_incident_get(s, id, &a, &got, &err), FC_OK);
    assert_int_equal(got.status, INCIDENT_CLOSED);
    assert_string_equal(got.closure_code, "advice_given");
    assert_int_equal(got.n_persons, 2);
    assert_int_equal(got.created_at, 1700000100);
    struct incident *list;
    size_t n;
    assert_int_equal(store_incident_search(s, &(struct incident_query){ .person_id = w.person }, &a,
                                           &list, &n, &err),
                     FC_OK);
    assert_int_equal(n, 1);
    assert_int_equal(list[0].n_persons, 2);
    assert_int_equal(store_incident_search(s, &(struct incident_query){ .person_id = w.person2 },
                                           &a, &list, &n, &err),
                     FC_OK);
    assert_int_equal(n, 0);
    assert_int_equal(
        store_incident_search(s, &(struct incident_query){ .status = "open" }, &a, &list, &n, &err),
        FC_OK);
    assert_int_equal(n, 0);
    assert_int_equal(
        store_incident_search(
            s, &(struct incident_query){ .location_key = "uprn:100030401234", .from = 1700000000 },
            &a, &list, &n, &err),
        FC_OK);
    assert_int_equal(n, 1);
    in.id = 777;
    assert_int_equal(store_incident_update(s, &in, &err), FC_ENOTFOUND);
    arena_free(&a);
}

static void test_incident_bad_link_rolls_back_whole_incident(void **state)
{
    struct store *s = STORE(state);
    struct world w;
    seed(s, &w);
    struct arena a;
    arena_init(&a, 0);
    struct fc_err err = { 0 };
    struct incident_person links[3];
    struct incident in = sample_incident(&w, links);
    links[2].person_id = 8080;
    assert_int_equal(store_incident_insert(s, &in, NULL, &err), FC_EINVAL);
    assert_string_equal(err.field, "persons[2].person_id");
    links[2] = links[1];
    assert_int_equal(store_incident_insert(s, &in, NULL, &err), FC_ECONFLICT);
    struct incident *list;
    size_t n;
    assert_int_equal(store_incident_search(s, &(struct incident_query){ 0 }, &a, &list, &n, &err),
                     FC_OK);
    assert_int_equal(n, 0);
    /* a closed incident needs closed_at: the CHECK names it */
    in = sample_incident(&w, links);
    in.status = INCIDENT_CLOSED;
    assert_int_equal(store_incident_insert(s, &in, NULL, &err), FC_EINVAL);
    assert_string_equal(err.field, "closed_at");
    arena_free(&a);
}

static int flag_count_cb(void *ctx, const struct flag *f)
{
    (void)f;
    (*(int *)ctx)++;
    return 0;
}

static void test_flag_insert_update_list_scan(void **state)
{
    struct store *s = STORE(state);
    struct world w;
    seed(s, &w);
    struct arena a;
    arena_init(&a, 0);
    struct fc_err err = { 0 };
    struct flag f = { .person_id = w.person,
                      .kind = "vulnerable",
                      .agency = "Charnwood BC",
                      .reason = "lives alone, recent bereavement",
                      .flagged_at = 1690000000,
                      .review_date = "2026-01-31",
                      .external_ref = "F00001",
                      .match_probability = 0.97 };
    fc_id_t id;
    assert_int_equal(store_flag_insert(s, &f, &id, &err), FC_OK);
    f.kind = "hate_target";
    f.match_probability = NAN;
    assert_int_equal(store_flag_insert(s, &f, NULL, &err), FC_OK);
    struct flag got;
    assert_int_equal(store_flag_get(s, id, &a, &got, &err), FC_OK);
    assert_string_equal(got.kind, "vulnerable");
    assert_string_equal(got.review_date, "2026-01-31");
    assert_int_equal(got.withdrawn_at, 0);
    assert_true(fabs(got.match_probability - 0.97) < 1e-9);
    got.withdrawn_at = 1695000000;
    got.kind = "changed"; /* kind is fixed: update ignores it */
    assert_int_equal(store_flag_update(s, &got, &err), FC_OK);
    struct flag *list;
    size_t n;
    assert_int_equal(store_flag_list_for_person(s, w.person, &a, &list, &n, &err), FC_OK);
    assert_int_equal(n, 2);
    assert_string_equal(list[0].kind, "vulnerable");
    assert_int_equal(list[0].withdrawn_at, 1695000000);
    assert_true(fabs(list[1].match_probability - 1.0) < 1e-9);
    got.withdrawn_at = 1;
    assert_int_equal(store_flag_update(s, &got, &err), FC_EINVAL);
    assert_string_equal(err.field, "withdrawn_at");
    f.person_id = 9999;
    assert_int_equal(store_flag_insert(s, &f, NULL, &err), FC_EINVAL);
    assert_string_equal(err.field, "person_id");
    int seen = 0;
    assert_int_equal(store_flag_scan(s, flag_count_cb, &seen, &err), FC_OK);
    assert_int_equal(seen, 2);
    arena_free(&a);
}

static void append_events(struct store *s, int n, fc_id_t actor)
{
    struct fc_err err = { 0 };
    for (int i = 0; i < n; i++) {
        struct audit_event ev = { .actor_user_id = actor,
                                  .action = AUDIT_CONSULT,
                                  .object_type = "person",
                                  .object_id = 1 + i % 3,
                                  .purpose = "live contact",
                                  .detail = "match panel" };
        assert_int_equal(store_audit_append(s, &ev, &err), FC_OK);
        assert_true(ev.seq > 0);
    }
}

static void test_audit_chain_appends_and_lists(void **state)
{
    struct store *s = STORE(state);
    struct world w;
    seed(s, &w);
    struct arena a;
    arena_init(&a, 0);
    struct fc_err err = { 0 };
    append_events(s, 6, w.user);
    struct audit_event *evs;
    size_t n;
    assert_int_equal(store_audit_list(s, "person", 2, 0, &a, &evs, &n, &err), FC_OK);
    assert_int_equal(n, 2);
    assert_int_equal(evs[0].seq, 2);
    assert_int_equal(evs[1].seq, 5);
    assert_int_equal(store_audit_list(s, NULL, 0, w.user, &a, &evs, &n, &err), FC_OK);
    assert_int_equal(n, 6);
    assert_memory_equal(evs[1].prev_hash, evs[0].hash, 32);
    assert_memory_not_equal(evs[1].hash, evs[0].hash, 32);
    int64_t bad, count;
    assert_int_equal(store_audit_verify(s, &bad, &count, &err), FC_OK);
    assert_int_equal(bad, 0);
    assert_int_equal(count, 6);
    struct audit_event ev = { .action = (enum audit_action)99, .object_type = "person" };
    assert_int_equal(store_audit_append(s, &ev, &err), FC_EINVAL);
    assert_string_equal(err.field, "action");
    arena_free(&a);
}

static void test_audit_verify_detects_tampered_row(void **state)
{
    struct store_fixture *f = FIX(state);
    if (f->path[0] == '\0')
        skip(); /* the raw tamper helper speaks SQLite only */
    struct fc_err err = { 0 };
    append_events(f->store, 5, 0);
    /* the schema refuses changes outright ... */
    assert_int_not_equal(
        fixture_raw_sql(f, "UPDATE audit_event SET detail = 'edited' WHERE seq = 3"), 0);
    assert_int_not_equal(fixture_raw_sql(f, "DELETE FROM audit_event WHERE seq = 3"), 0);
    int64_t bad, count;
    assert_int_equal(store_audit_verify(f->store, &bad, &count, &err), FC_OK);
    assert_int_equal(bad, 0);
    /* ... so a tamperer drops the trigger first; the chain still gives them away */
    assert_int_equal(fixture_raw_sql(f, "DROP TRIGGER audit_event_no_update;"
                                        "UPDATE audit_event SET detail = 'edited' WHERE seq = 3"),
                     0);
    assert_int_equal(store_audit_verify(f->store, &bad, &count, &err), FC_OK);
    assert_int_equal(bad, 3);
    assert_int_equal(count, 2);
}

static void test_audit_verify_detects_deleted_row(void **state)
{
    struct store_fixture *f = FIX(state);
    if (f->path[0] == '\0')
        skip();
    struct fc_err err = { 0 };
    append_events(f->store, 5, 0);
    assert_int_equal(fixture_raw_sql(f, "DROP TRIGGER audit_event_no_delete;"
                                        "DELETE FROM audit_event WHERE seq = 2"),
                     0);
    int64_t bad, count;
    assert_int_equal(store_audit_verify(f->store, &bad, &count, &err), FC_OK);
    assert_int_equal(bad, 2);
}

static void test_txn_nested_inner_failure_keeps_outer_work(void **state)
{
    struct store *s = STORE(state);
    struct world w;
    seed(s, &w);
    struct arena a;
    arena_init(&a, 0);
    struct fc_err err = { 0 };
    size_t count;
    assert_int_equal(store_txn_begin(s, &err), FC_OK);
    struct contact c = sample_contact(&w, 1700000000);
    assert_int_equal(store_contact_insert(s, &c, NULL, &err), FC_OK);
    /* an op that fails inside the caller's transaction undoes only itself */
    struct incident_person links[3];
    struct incident in = sample_incident(&w, links);
    links[2].person_id = 8080;
    assert_int_equal(store_incident_insert(s, &in, NULL, &err), FC_EINVAL);
    /* an inner transaction rolled back by the caller */
    assert_int_equal(store_txn_begin(s, &err), FC_OK);
    assert_int_equal(store_contact_insert(s, &c, NULL, &err), FC_OK);
    store_txn_rollback(s);
    assert_int_equal(store_txn_commit(s, &err), FC_OK);
    assert_int_equal(store_contact_count(s, &(struct contact_query){ 0 }, &count, &err), FC_OK);
    assert_int_equal(count, 1);
    struct incident *list;
    size_t n;
    assert_int_equal(store_incident_search(s, &(struct incident_query){ 0 }, &a, &list, &n, &err),
                     FC_OK);
    assert_int_equal(n, 0);
    arena_free(&a);
}

static void test_txn_rollback_discards_everything(void **state)
{
    struct store *s = STORE(state);
    struct world w;
    seed(s, &w);
    struct fc_err err = { 0 };
    assert_int_equal(store_txn_begin(s, &err), FC_OK);
    struct contact c = sample_contact(&w, 1700000000);
    assert_int_equal(store_contact_insert(s, &c, NULL, &err), FC_OK);
    append_events(s, 2, w.user);
    store_txn_rollback(s);
    store_txn_rollback(s); /* outside a transaction: a no-op */
    size_t count;
    assert_int_equal(store_contact_count(s, &(struct contact_query){ 0 }, &count, &err), FC_OK);
    assert_int_equal(count, 0);
    int64_t bad, events;
    assert_int_equal(store_audit_verify(s, &bad, &events, &err), FC_OK);
    assert_int_equal(events, 0);
    assert_int_equal(store_txn_commit(s, &err), FC_EINTERNAL);
}

struct writer {
    struct store *s;
    struct world *w;
    int n;
    int failures;
};

static void *writer_main(void *p)
{
    struct writer *wr = p;
    for (int i = 0; i < wr->n; i++) {
        struct fc_err err = { 0 };
        struct person_name nm = { .surname = "Concurrent", .prov = { "contact", 0, 0 } };
        struct person person = { .names = &nm, .n_names = 1 };
        fc_id_t pid;
        int rc = store_txn_begin(wr->s, &err);
        if (rc == FC_OK)
            rc = store_person_insert(wr->s, &person, &pid, &err);
        struct contact c = { .channel = CHANNEL_ONLINE,
                             .received_at = 1700000000 + i,
                             .org_id = wr->w->org,
                             .caller_person_id = pid };
        if (rc == FC_OK)
            rc = store_contact_insert(wr->s, &c, NULL, &err);
        struct audit_event ev = { .action = AUDIT_COLLECT,
                                  .object_type = "person",
                                  .object_id = pid };
        if (rc == FC_OK)
            rc = store_audit_append(wr->s, &ev, &err);
        if (rc == FC_OK)
            rc = store_txn_commit(wr->s, &err);
        else
            store_txn_rollback(wr->s);
        if (rc != FC_OK)
            wr->failures++;
    }
    return NULL;
}

static void test_concurrent_writers_from_two_threads(void **state)
{
    struct store *s = STORE(state);
    struct world w;
    seed(s, &w);
    struct fc_err err = { 0 };
    struct writer wr[2] = { { s, &w, 100, 0 }, { s, &w, 100, 0 } };
    pthread_t t[2];
    for (int i = 0; i < 2; i++)
        assert_int_equal(pthread_create(&t[i], NULL, writer_main, &wr[i]), 0);
    for (int i = 0; i < 2; i++)
        pthread_join(t[i], NULL);
    assert_int_equal(wr[0].failures + wr[1].failures, 0);
    size_t count;
    assert_int_equal(store_contact_count(s, &(struct contact_query){ 0 }, &count, &err), FC_OK);
    assert_int_equal(count, 200);
    int64_t bad, events;
    assert_int_equal(store_audit_verify(s, &bad, &events, &err), FC_OK);
    assert_int_equal(bad, 0);
    assert_int_equal(events, 200);
}

/* Leaves the store in every state a writer can end in: committed, rolled back after a
 * failed insert, and a thread that ends with its transaction still open. */
static void *awkward_writer_main(void *p)
{
    struct writer *wr = p;
    struct fc_err err = { 0 };
    struct contact bad = { .channel = CHANNEL_ONLINE,
                           .received_at = 1700000000,
                           .org_id = wr->w->org,
                           .caller_person_id = 987654 }; /* no such person */
    if (store_txn_begin(wr->s, &err) != FC_OK)
        wr->failures++;
    if (store_contact_insert(wr->s, &bad, NULL, &err) == FC_OK) /* must fail */
        wr->failures++;
    store_txn_rollback(wr->s);
    if (store_contact_insert(wr->s, &bad, NULL, &err) == FC_OK) /* outside a transaction */
        wr->failures++;
    struct audit_event ev = { .action = AUDIT_CONSULT,
                              .object_type = "person",
                              .object_id = wr->w->person };
    if (store_audit_append(wr->s, &ev, &err) != FC_OK)
        wr->failures++;
    if (store_txn_begin(wr->s, &err) != FC_OK) /* and never committed */
        wr->failures++;
    return NULL;
}

static double seconds_since(const struct timespec *t0)
{
    struct timespec t1;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    return (double)(t1.tv_sec - t0->tv_sec) + (double)(t1.tv_nsec - t0->tv_nsec) / 1e9;
}

/* Writers queue for one another (SQLite: the store's writer mutex); whatever way a writer
 * ends, the next one gets in at once rather than after the busy timeout (10 s). */
static void test_writer_queue_is_released_however_a_writer_ends(void **state)
{
    struct store_fixture *f = FIX(state);
    struct store *s = f->store;
    if (f->path[0] == '\0')
        skip();
    struct world w;
    seed(s, &w);
    struct fc_err err = { 0 };
    struct writer aw = { s, &w, 1, 0 };
    pthread_t t;
    assert_int_equal(pthread_create(&t, NULL, awkward_writer_main, &aw), 0);
    pthread_join(t, NULL); /* the thread ended inside its transaction: rolled back */
    assert_int_equal(aw.failures, 0);
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    struct writer wr[4] = { { s, &w, 25, 0 }, { s, &w, 25, 0 }, { s, &w, 25, 0 },
                            { s, &w, 25, 0 } };
    pthread_t ts[4];
    assert_int_equal(store_txn_begin(s, &err), FC_OK); /* the others queue behind this one */
    for (int i = 0; i < 4; i++)
        assert_int_equal(pthread_create(&ts[i], NULL, writer_main, &wr[i]), 0);
    struct timespec pause = { 0, 200 * 1000 * 1000 };
    nanosleep(&pause, NULL);
    assert_int_equal(store_txn_commit(s, &err), FC_OK);
    for (int i = 0; i < 4; i++)
        pthread_join(ts[i], NULL);
    assert_true(seconds_since(&t0) < 8.0); /* nobody waited out the busy timeout */
    for (int i = 0; i < 4; i++)
        assert_int_equal(wr[i].failures, 0);
    size_t count;
    assert_int_equal(store_contact_count(s, &(struct contact_query){ 0 }, &count, &err), FC_OK);
    assert_int_equal(count, 100);
    int64_t bad, events;
    assert_int_equal(store_audit_verify(s, &bad, &events, &err), FC_OK);
    assert_int_equal(bad, 0);
    assert_int_equal(events, 101); /* the awkward writer's one committed event and 100 */
}

struct auditor {
    struct store *s;
    fc_id_t person;
    int n;
    int failures;
    int64_t seqs[100];
};

static void *auditor_main(void *p)
{
    struct auditor *au = p;
    for (int i = 0; i < au->n; i++) {
        struct fc_err err = { 0 };
        struct audit_event evs[2] = {
            { .action = AUDIT_CONSULT, .object_type = "person", .object_id = au->person,
              .purpose = "concurrent lookups" },
            { .action = AUDIT_CONSULT, .object_type = "person", .object_id = au->person,
              .purpose = "concurrent lookups" },
        };
        if (store_audit_append_batch(au->s, evs, 2, &err) != FC_OK ||
            evs[1].seq != evs[0].seq + 1) /* a caller's events are adjacent in the chain */
            au->failures++;
        au->seqs[2 * i] = evs[0].seq;
        au->seqs[2 * i + 1] = evs[1].seq;
    }
    return NULL;
}

static int cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return x < y ? -1 : x > y;
}

/* Appends from many threads at once (they may share commits) all land, each caller's
 * events together, with every seq used once and the chain intact. */
static void test_concurrent_audit_appends_keep_the_chain(void **state)
{
    struct store *s = STORE(state);
    struct world w;
    seed(s, &w);
    struct fc_err err = { 0 };
    enum { THREADS = 6, EACH = 50 };
    struct auditor au[THREADS];
    pthread_t t[THREADS];
    for (int i = 0; i < THREADS; i++) {
        au[i] = (struct auditor){ .s = s, .person = w.person, .n = EACH };
        assert_int_equal(pthread_create(&t[i], NULL, auditor_main, &au[i]), 0);
    }
    int64_t all[THREADS * EACH * 2];
    for (int i = 0; i < THREADS; i++) {
        pthread_join(t[i], NULL);
        assert_int_equal(au[i].failures, 0);
        memcpy(all + i * EACH * 2, au[i].seqs, sizeof(int64_t) * EACH * 2);
    }
    qsort(all, THREADS * EACH * 2, sizeof(int64_t), cmp_i64);
    for (int i = 0; i < THREADS * EACH * 2; i++)
        assert_int_equal(all[i], i + 1); /* 1..600, none twice, none missing */
    struct audit_event bad = { .action = AUDIT_CONSULT, .object_type = "" };
    assert_int_equal(store_audit_append_batch(s, &bad, 1, &err), FC_EINVAL);
    assert_string_equal(err.field, "object_type");
    int64_t bad_seq, events;
    assert_int_equal(store_audit_verify(s, &bad_seq, &events, &err), FC_OK);
    assert_int_equal(bad_seq, 0);
    assert_int_equal(events, THREADS * EACH * 2);
}

static void test_backup_while_a_writer_runs_is_consistent(void **state)
{
    struct store_fixture *f = FIX(state);
    struct store *s = f->store;
    if (f->path[0] == '\0')
        skip();
    struct world w;
    seed(s, &w);
    struct fc_err err = { 0 };
    struct writer wr = { s, &w, 150, 0 };
    pthread_t t;
    char backup[400];
    snprintf(backup, sizeof(backup), "%s/during.db", f->dir);
    assert_int_equal(pthread_create(&t, NULL, writer_main, &wr), 0);
    int rc = store_backup(s, backup, &err);
    pthread_join(t, NULL);
    assert_int_equal(rc, FC_OK);
    assert_int_equal(wr.failures, 0); /* the writer was never refused during the backup */
    /* the copy is one consistent moment: every contact has its person and audit event */
    struct store *copy;
    char url[450];
    snprintf(url, sizeof(url), "sqlite:%s", backup);
    assert_int_equal(store_open(url, &copy, &err), FC_OK);
    assert_int_equal(store_check(copy, &err), FC_OK);
    size_t contacts;
    assert_int_equal(store_contact_count(copy, &(struct contact_query){ 0 }, &contacts, &err),
                     FC_OK);
    int64_t bad, events;
    assert_int_equal(store_audit_verify(copy, &bad, &events, &err), FC_OK);
    assert_int_equal(bad, 0);
    assert_int_equal((size_t)events, contacts);
    assert_true(contacts <= 150);
    store_close(copy);
}

static void test_backup_restore_round_trip(void **state)
{
    struct store_fixture *f = FIX(state);
    struct store *s = f->store;
    if (f->path[0] == '\0')
        skip(); /* backup paths are files for SQLite; other backends test their own */
    struct world w;
    seed(s, &w);
    struct fc_err err = { 0 };
    struct contact c = sample_contact(&w, 1700000000);
    assert_int_equal(store_contact_insert(s, &c, NULL, &err), FC_OK);
    append_events(s, 3, w.user);
    char backup[400];
    snprintf(backup, sizeof(backup), "%s/backup.db", f->dir);
    assert_int_equal(store_backup(s, backup, &err), FC_OK);
    /* work done after the backup is lost by the restore, as it should be */
    assert_int_equal(store_contact_insert(s, &c, NULL, &err), FC_OK);
    append_events(s, 2, w.user);
    assert_int_equal(store_restore(s, backup, &err), FC_OK);
    size_t count;
    assert_int_equal(store_contact_count(s, &(struct contact_query){ 0 }, &count, &err), FC_OK);
    assert_int_equal(count, 1);
    int64_t bad, events;
    assert_int_equal(store_audit_verify(s, &bad, &events, &err), FC_OK);
    assert_int_equal(bad, 0);
    assert_int_equal(events, 3);
    assert_int_equal(store_check(s, &err), FC_OK);
    /* a damaged backup is refused and the live store is untouched */
    char junk[400];
    snprintf(junk, sizeof(junk), "%s/junk.db", f->dir);
    FILE *fp = fopen(junk, "w");
    assert_non_null(fp);
    for (int i = 0; i < 400; i++)
        fputs("this is not a database ", fp);
    fclose(fp);
    assert_int_equal(store_restore(s, junk, &err), FC_EINVAL);
    assert_string_equal(err.field, "backup");
    assert_int_equal(store_contact_count(s, &(struct contact_query){ 0 }, &count, &err), FC_OK);
    assert_int_equal(count, 1);
    assert_int_equal(store_backup(s, f->path, &err), FC_EINVAL);
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_contact_insert_get_search_count, fixture_setup,
                                        fixture_teardown),
        cmocka_unit_test_setup_teardown(test_contact_bad_reference_and_json_name_the_column,
                                        fixture_setup, fixture_teardown),
        cmocka_unit_test_setup_teardown(test_contact_snapshot_is_immutable, fixture_setup,
                                        fixture_teardown),
        cmocka_unit_test_setup_teardown(test_contact_link_to_incident_and_scan, fixture_setup,
                                        fixture_teardown),
        cmocka_unit_test_setup_teardown(test_incident_insert_get_update_search, fixture_setup,
                                        fixture_teardown),
        cmocka_unit_test_setup_teardown(test_incident_bad_link_rolls_back_whole_incident,
                                        fixture_setup, fixture_teardown),
        cmocka_unit_test_setup_teardown(test_flag_insert_update_list_scan, fixture_setup,
                                        fixture_teardown),
        cmocka_unit_test_setup_teardown(test_audit_chain_appends_and_lists, fixture_setup,
                                        fixture_teardown),
        cmocka_unit_test_setup_teardown(test_audit_verify_detects_tampered_row, fixture_setup,
                                        fixture_teardown),
        cmocka_unit_test_setup_teardown(test_audit_verify_detects_deleted_row, fixture_setup,
                                        fixture_teardown),
        cmocka_unit_test_setup_teardown(test_txn_nested_inner_failure_keeps_outer_work,
                                        fixture_setup, fixture_teardown),
        cmocka_unit_test_setup_teardown(test_txn_rollback_discards_everything, fixture_setup,
                                        fixture_teardown),
        cmocka_unit_test_setup_teardown(test_concurrent_writers_from_two_threads, fixture_setup,
                                        fixture_teardown),
        cmocka_unit_test_setup_teardown(test_writer_queue_is_released_however_a_writer_ends,
                                        fixture_setup, fixture_teardown),
        cmocka_unit_test_setup_teardown(test_concurrent_audit_appends_keep_the_chain,
                                        fixture_setup, fixture_teardown),
        cmocka_unit_test_setup_teardown(test_backup_while_a_writer_runs_is_consistent,
                                        fixture_setup, fixture_teardown),
        cmocka_unit_test_setup_teardown(test_backup_restore_round_trip, fixture_setup,
                                        fixture_teardown),
    };
    if (argc > 1)
        cmocka_set_test_filter(argv[1]);
    return cmocka_run_group_tests_name("store/records", tests, NULL, NULL);
}
