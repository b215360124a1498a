/*
 * domain/match/match_sync: changes other nodes made reach this node's index; its own are
 * skipped; a merge stops the merged person matching; a person anonymised elsewhere is
 * forgotten; a purged gap rebuilds the index; a
 * store failure leaves the cursor before the change, so it is applied on the next pass.
 * The store is a fake with a scripted feed and a few persons.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h> /* after the headers it needs */

#include "domain/match/match.h"
#include "domain/match/match_sync.h"
#include "store/store.h"

#define N_PERSONS 3

struct fake {
    struct store base;
    struct store_change feed[8];
    size_t n_feed;
    int64_t purged_through;
    struct person persons[N_PERSONS + 1]; /* by id, 1..N */
    struct person_name names[N_PERSONS + 1];
    struct person_phone phones[N_PERSONS + 1];
    bool get_fails;
    int scans;
};

static int fake_since(struct store *s, int64_t *cursor, store_change_cb cb, void *ctx,
                      bool *gap, struct fc_err *err)
{
    struct fake *f = (struct fake *)s;
    (void)err;
    *gap = *cursor < f->purged_through;
    for (size_t i = 0; i < f->n_feed; i++) {
        if (f->feed[i].seq <= *cursor)
            continue;
        int rc = cb(ctx, &f->feed[i]);
        if (rc != 0)
            return rc;
        *cursor = f->feed[i].seq;
    }
    return FC_OK;
}

static int fake_head(struct store *s, int64_t *out, struct fc_err *err)
{
    struct fake *f = (struct fake *)s;
    (void)err;
    *out = f->n_feed ? f->feed[f->n_feed - 1].seq : 0;
    return FC_OK;
}

static int fake_get(struct store *s, fc_id_t id, struct arena *a, struct person *out,
                    struct fc_err *err)
{
    struct fake *f = (struct fake *)s;
    (void)a;
    if (f->get_fails)
        return err_set(err, FC_EUNAVAIL, "store", "down");
    if (id < 1 || id > N_PERSONS)
        return err_set(err, FC_ENOTFOUND, "id", "person not found");
    *out = f->persons[id];
    return FC_OK;
}

static int fake_scan(struct store *s, store_person_cb cb, void *ctx, struct fc_err *err)
{
    struct fake *f = (struct fake *)s;
    (void)err;
    f->scans++;
    for (int i = 1; i <= N_PERSONS; i++)
        if (f->persons[i].merged_into == 0 && cb(ctx, &f->persons[i]) != 0)
            return FC_EINTERNAL;
    return FC_OK;
}

static const struct store_ops fake_ops = { .name = "fake",
                                           .changes_since = fake_since,
                                           .changes_head = fake_head,
                                           .person_get = fake_get,
                                           .person_scan = fake_scan };

static const char *const surnames[] = { "", "Quarrendon", "Fairclough", "Ashby" };
static const char *const phones[] = { "", "+447700900611", "+447700900612", "+447700900613" };

static void fake_init(struct fake *f)
{
    memset(f, 0, sizeof(*f));
    f->base.ops = &fake_ops;
    for (int i = 1; i <= N_PERSONS; i++) {
        f->names[i] = (struct person_name){ .forename = "Ottoline",
                                            .surname = (char *)surnames[i] };
        f->phones[i] = (struct person_phone){ .e164 = (char *)phones[i] };
        f->persons[i] = (struct person){ .id = i, .created_at = 1700000000, .n_names = 1,
                                         .names = &f->names[i], .n_phones = 1,
                                         .phones = &f->phones[i] };
    }
}

static void feed(struct fake *f, int64_t seq, enum store_change_kind k, fc_id_t p, fc_id_t o,
                 bool own)
{
    f->feed[f->n_feed++] = (struct store_change){ .seq = seq, .kind = k, .person_id = p,
                                                  .other_id = o, .is_own = own };
}

/* The best candidate's person id for a surname and phone, 0 when nothing matches. */
static fc_id_t best(struct match_service *m, int i)
{
    struct match_record q = { .forename = "Ottoline", .surname = surnames[i],
                              .phone = phones[i] };
    struct match_result r;
    struct arena a;
    struct fc_err err = { 0 };
    arena_init(&a, 0);
    assert_int_equal(match_lookup(m, &q, 1700000000, &a, &r, &err), FC_OK);
    fc_id_t id = r.n > 0 && r.cands[0].band != MATCH_BAND_NONE ? r.cands[0].person_id : 0;
    arena_free(&a);
    return id;
}

static void test_other_nodes_changes_reach_the_index_own_are_skipped(void **state)
{
    (void)state;
    struct fake f;
    struct match_service *m;
    struct fc_err err = { 0 };
    fake_init(&f);
    assert_int_equal(match_service_create(NULL, NULL, &m, &err), FC_OK);
    feed(&f, 5, STORE_CHANGE_PERSON, 1, 0, false);
    feed(&f, 9, STORE_CHANGE_PERSON, 2, 0, true); /* this node wrote it: already indexed */
    int64_t cursor = 3;
    size_t applied = 0;
    bool rebuilt = true;
    assert_int_equal(best(m, 1), 0);
    assert_int_equal(match_sync_apply(m, &f.base, &cursor, &applied, &rebuilt, &err), FC_OK);
    assert_int_equal(cursor, 9);
    assert_int_equal(applied, 1);
    assert_false(rebuilt);
    assert_int_equal(best(m, 1), 1);
    assert_int_equal(best(m, 2), 0);
    /* nothing new: nothing applied, the cursor stays */
    assert_int_equal(match_sync_apply(m, &f.base, &cursor, &applied, &rebuilt, &err), FC_OK);
    assert_int_equal(applied, 0);
    assert_int_equal(cursor, 9);
    match_service_free(m);
}

static void test_merge_elsewhere_stops_the_merged_person_matching(void **state)
{
    (void)state;
    struct fake f;
    struct match_service *m;
    struct fc_err err = { 0 };
    fake_init(&f);
    assert_int_equal(match_service_create(NULL, NULL, &m, &err), FC_OK);
    assert_int_equal(match_service_load(m, &f.base, &err), FC_OK);
    assert_int_equal(best(m, 3), 3);
    f.persons[3].merged_into = 1;
    feed(&f, 2, STORE_CHANGE_MERGE, 3, 1, false);
    int64_t cursor = 1;
    size_t applied = 0;
    bool rebuilt;
    assert_int_equal(match_sync_apply(m, &f.base, &cursor, &applied, &rebuilt, &err), FC_OK);
    assert_int_equal(best(m, 3), 1); /* 3's identifiers now find 1 */
    /* and an un-merge brings 3 back */
    f.persons[3].merged_into = 0;
    feed(&f, 4, STORE_CHANGE_UNMERGE, 3, 1, false);
    assert_int_equal(match_sync_apply(m, &f.base, &cursor, &applied, &rebuilt, &err), FC_OK);
    assert_int_equal(cursor, 4);
    struct match_record q = { .surname = "Ashby", .phone = phones[3] };
    struct match_result r;
    struct arena a;
    arena_init(&a, 0);
    assert_int_equal(match_lookup(m, &q, 1700000000, &a, &r, &err), FC_OK);
    bool found3 = false;
    for (size_t i = 0; i < r.n; i++)
        found3 = found3 || r.cands[i].person_id == 3;
    assert_true(found3);
    assert_int_equal(best(m, 1), 1); /* 1 still matches as itself */
    arena_free(&a);
    match_service_free(m);
}

static void test_anonymised_elsewhere_is_forgotten(void **state)
{
    (void)state;
    struct fake f;
    struct match_service *m;
    struct fc_err err = { 0 };
    fake_init(&f);
    assert_int_equal(match_service_create(NULL, NULL, &m, &err), FC_OK);
    assert_int_equal(match_service_load(m, &f.base, &err), FC_OK);
    assert_int_equal(best(m, 2), 2);
    /* retention on another node deleted every identifier of person 2 */
    f.persons[2].n_names = 0;
    f.persons[2].n_phones = 0;
    feed(&f, 3, STORE_CHANGE_PERSON, 2, 0, false);
    int64_t cursor = 1;
    size_t applied = 0;
    bool rebuilt;
    assert_int_equal(match_sync_apply(m, &f.base, &cursor, &applied, &rebuilt, &err), FC_OK);
    assert_int_equal(applied, 1);
    assert_int_equal(best(m, 2), 0);
    assert_int_equal(best(m, 1), 1);
    match_service_free(m);
}

static void test_purged_gap_rebuilds_from_the_store(void **state)
{
    (void)state;
    struct fake f;
    struct match_service *m;
    struct fc_err err = { 0 };
    fake_init(&f);
    assert_int_equal(match_service_create(NULL, NULL, &m, &err), FC_OK);
    feed(&f, 40, STORE_CHANGE_PERSON, 2, 0, false);
    f.purged_through = 39; /* changes 11..39 are gone */
    int64_t cursor = 10;
    size_t applied;
    bool rebuilt = false;
    assert_int_equal(match_sync_apply(m, &f.base, &cursor, &applied, &rebuilt, &err), FC_OK);
    assert_true(rebuilt);
    assert_int_equal(f.scans, 1);
    assert_int_equal(cursor, 40);
    for (int i = 1; i <= N_PERSONS; i++)
        assert_int_equal(best(m, i), i);
    match_service_free(m);
}

static void test_store_failure_keeps_the_cursor_before_the_change(void **state)
{
    (void)state;
    struct fake f;
    struct match_service *m;
    struct fc_err err = { 0 };
    fake_init(&f);
    assert_int_equal(match_service_create(NULL, NULL, &m, &err), FC_OK);
    feed(&f, 5, STORE_CHANGE_PERSON, 1, 0, false);
    feed(&f, 6, STORE_CHANGE_PERSON, 2, 0, false);
    f.get_fails = true;
    int64_t cursor = 0;
    size_t applied;
    bool rebuilt;
    assert_int_not_equal(match_sync_apply(m, &f.base, &cursor, &applied, &rebuilt, &err), FC_OK);
    assert_int_equal(cursor, 0);
    f.get_fails = false;
    assert_int_equal(match_sync_apply(m, &f.base, &cursor, &applied, &rebuilt, &err), FC_OK);
    assert_int_equal(cursor, 6);
    assert_int_equal(applied, 2);
    assert_int_equal(best(m, 2), 2);
    match_service_free(m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_other_nodes_changes_reach_the_index_own_are_skipped),
        cmocka_unit_test(test_merge_elsewhere_stops_the_merged_person_matching),
        cmocka_unit_test(test_anonymised_elsewhere_is_forgotten),
        cmocka_unit_test(test_purged_gap_rebuilds_from_the_store),
        cmocka_unit_test(test_store_failure_keeps_the_cursor_before_the_change),
    };
    return cmocka_run_group_tests_name("domain/match_sync", tests, NULL, NULL);
}
