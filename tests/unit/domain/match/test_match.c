/* The matching service: ranking, bands, explanations, merges and bad queries. */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "domain/match/match.h"

static const fc_time_t T2024 = 1717200000; /* 2024-06-01 */

static struct match_service *service_with_people(void)
{
    struct match_service *s = NULL;
    struct fc_err err;
    assert_int_equal(match_service_create(NULL, NULL, &s, &err), FC_OK);
    const struct match_record robert = { .forename = "Robert", .surname = "Hughes",
                                         .dob = "12/03/1961", .phone = "07700 900123",
                                         .address = "14 London Road", .postcode = "LE2 0QS" };
    const struct match_record susan = { .forename = "Susan", .surname = "Hughes",
                                        .dob = "01/07/1963", .phone = "07700 900555",
                                        .address = "14 London Road", .postcode = "LE2 0QS" };
    assert_int_equal(match_person_add(s, 1, &robert, T2024, &err), FC_OK);
    assert_int_equal(match_person_add(s, 2, &susan, T2024, &err), FC_OK);
    /* some unrelated people so the index has a realistic size */
    char fore[32], sur[32], phone[32], addr[64];
    for (int i = 0; i < 300; i++) {
        snprintf(fore, sizeof fore, "Person%c%c", 'a' + i % 26, 'a' + i / 26);
        snprintf(sur, sizeof sur, "Surname%c%c", 'a' + i / 26, 'a' + i % 26);
        snprintf(phone, sizeof phone, "07700 91%04d", i);
        snprintf(addr, sizeof addr, "%d High Street", i + 1);
        const struct match_record r = { .forename = fore, .surname = sur, .phone = phone,
                                        .address = addr, .postcode = "LE1 1AA" };
        assert_int_equal(match_person_add(s, 100 + i, &r, T2024, &err), FC_OK);
    }
    return s;
}

static void test_lookup_nickname_misspelt(void **state)
{
    (void)state;
    struct match_service *s = service_with_people();
    struct arena a;
    arena_init(&a, 0);
    struct match_result res;
    struct fc_err err;
    const struct match_record q = { .forename = "Bob", .surname = "Hughs",
                                    .phone = "+44 7700 900123", .postcode = "le20qs" };
    assert_int_equal(match_lookup(s, &q, T2024, &a, &res, &err), FC_OK);
    assert_true(res.n >= 1);
    assert_int_equal(res.cands[0].person_id, 1);
    assert_int_equal(res.cands[0].band, MATCH_BAND_SAME);
    assert_true(res.cands[0].probability > 0.9);
    const struct match_field_weight *fw = &res.cands[0].fields[MATCH_FIELD_FORENAME];
    assert_string_equal(fw->level, "nickname");
    assert_string_equal(fw->reason, "nickname of robert");
    assert_true(fw->weight > 0);
    assert_string_equal(res.cands[0].fields[MATCH_FIELD_PHONE].reason, "phone seen in 2024");
    assert_string_equal(res.cands[0].fields[MATCH_FIELD_DOB].level, "null");
    /* Susan shares the address but is ranked below and not "same" */
    for (size_t i = 1; i < res.n; i++)
        if (res.cands[i].person_id == 2)
            assert_int_not_equal(res.cands[i].band, MATCH_BAND_SAME);
    arena_free(&a);
    match_service_free(s);
}

static void test_household_member_not_same(void **state)
{
    (void)state;
    struct match_service *s = service_with_people();
    struct arena a;
    arena_init(&a, 0);
    struct match_result res;
    struct fc_err err;
    /* a son at the same address with his own mobile and date of birth */
    const struct match_record q = { .forename = "Liam", .surname = "Hughes", .dob = "2001-05-05",
                                    .phone = "07700 900777", .address = "14 London Rd",
                                    .postcode = "LE2 0QS" };
    assert_int_equal(match_lookup(s, &q, T2024, &a, &res, &err), FC_OK);
    for (size_t i = 0; i < res.n; i++)
        assert_true(res.cands[i].probability < 0.5);
    arena_free(&a);
    match_service_free(s);
}

static void test_merge_moves_identifiers(void **state)
{
    (void)state;
    struct match_service *s = service_with_people();
    struct arena a;
    arena_init(&a, 0);
    struct match_result res;
    struct fc_err err;
    assert_int_equal(match_person_merge(s, 2, 1, &err), FC_OK);
    const struct match_record q = { .forename = "Susan", .surname = "Hughes",
                                    .dob = "01/07/1963" };
    assert_int_equal(match_lookup(s, &q, T2024, &a, &res, &err), FC_OK);
    assert_true(res.n >= 1);
    assert_int_equal(res.cands[0].person_id, 1); /* 2 no longer answers */
    for (size_t i = 0; i < res.n; i++)
        assert_int_not_equal(res.cands[i].person_id, 2);
    assert_int_equal(match_person_merge(s, 999, 1, &err), FC_ENOTFOUND);
    arena_free(&a);
    match_service_free(s);
}

/* A stored person with one row of each identifier, as the store hands it back. */
static void stored(struct person *p, fc_id_t id, struct person_name *n, struct person_dob *d,
                   struct person_phone *ph, struct person_address *ad, const char *fore,
                   const char *dob, const char *phone)
{
    *n = (struct person_name){ .raw = (char *)fore, .forename = (char *)fore,
                               .surname = "Hughes", .prov = { "contact", 0, T2024 } };
    *d = (struct person_dob){ .raw = (char *)dob, .precision = DOB_FULL,
                              .prov = { "contact", 0, T2024 } };
    snprintf(d->date, sizeof(d->date), "%s", dob);
    *ph = (struct person_phone){ .raw = (char *)phone, .e164 = (char *)phone,
                                 .prov = { "contact", 0, T2024 } };
    *ad = (struct person_address){ .raw = "14 London Road", .postcode = "LE2 0QS",
                                   .prov = { "contact", 0, T2024 } };
    *p = (struct person){ .id = id, .created_at = T2024, .names = n, .n_names = 1,
                          .dobs = d, .n_dobs = 1, .phones = ph, .n_phones = 1,
                          .addresses = ad, .n_addresses = 1 };
}

static fc_id_t best(struct match_service *s, const struct match_record *q, struct arena *a)
{
    struct match_result res;
    struct fc_err err;
    assert_int_equal(match_lookup(s, q, T2024, a, &res, &err), FC_OK);
    return res.n > 0 && res.cands[0].band != MATCH_BAND_NONE ? res.cands[0].person_id : 0;
}

static void test_unmerge_gives_each_person_its_own_values(void **state)
{
    (void)state;
    struct match_service *s = service_with_people();
    struct arena a;
    arena_init(&a, 0);
    struct fc_err err;
    const struct match_record rob = { .forename = "Robert", .surname = "Hughes",
                                      .dob = "1961-03-12", .phone = "+447700900123" };
    const struct match_record sue = { .forename = "Susan", .surname = "Hughes",
                                      .dob = "1963-07-01", .phone = "+447700900555" };
    assert_int_equal(best(s, &sue, &a), 2);
    assert_int_equal(match_person_merge(s, 2, 1, &err), FC_OK);
    assert_int_equal(best(s, &sue, &a), 1);
    struct person pr, ps;
    struct person_name nr, ns;
    struct person_dob dr, ds;
    struct person_phone phr, phs;
    struct person_address adr, ads;
    stored(&pr, 1, &nr, &dr, &phr, &adr, "Robert", "1961-03-12", "+447700900123");
    stored(&ps, 2, &ns, &ds, &phs, &ads, "Susan", "1963-07-01", "+447700900555");
    size_t persons0, keys0, bytes0;
    match_service_stats(s, &persons0, &keys0, &bytes0);
    assert_int_equal(match_person_unmerge(s, &ps, &pr, &err), FC_OK);
    /* each is found by its own values again, and Robert no longer by Susan's */
    assert_int_equal(best(s, &sue, &a), 2);
    assert_int_equal(best(s, &rob, &a), 1);
    struct match_result res;
    assert_int_equal(match_lookup(s, &sue, T2024, &a, &res, &err), FC_OK);
    for (size_t i = 0; i < res.n; i++)
        if (res.cands[i].person_id == 1)
            assert_int_not_equal(res.cands[i].band, MATCH_BAND_SAME);
    size_t persons1, keys1, bytes1;
    match_service_stats(s, &persons1, &keys1, &bytes1);
    assert_int_equal(persons1, persons0);
    /* merge again after the split works the same way */
    assert_int_equal(match_person_merge(s, 2, 1, &err), FC_OK);
    assert_int_equal(best(s, &sue, &a), 1);
    assert_int_equal(match_person_unmerge(s, &ps, &ps, &err), FC_EINVAL);
    arena_free(&a);
    match_service_free(s);
}

static void test_forget_erases_a_person_from_every_lookup(void **state)
{
    (void)state;
    struct match_service *s = service_with_people();
    struct arena a;
    arena_init(&a, 0);
    struct fc_err err;
    const struct match_record sue = { .forename = "Susan", .surname = "Hughes",
                                      .dob = "1963-07-01", .phone = "+447700900555" };
    const struct match_record rob = { .forename = "Robert", .surname = "Hughes",
                                      .dob = "1961-03-12", .phone = "+447700900123" };
    assert_int_equal(best(s, &sue, &a), 2);
    assert_int_equal(match_person_forget(s, 2, &err), FC_OK);
    struct match_result res;
    const struct match_record by_phone = { .phone = "07700 900555" };
    const struct match_record *queries[] = { &sue, &by_phone };
    for (size_t q = 0; q < 2; q++) {
        assert_int_equal(match_lookup(s, queries[q], T2024, &a, &res, &err), FC_OK);
        for (size_t i = 0; i < res.n; i++)
            assert_int_not_equal(res.cands[i].person_id, 2);
    }
    /* the household member is untouched; forgetting twice, or someone unknown, is fine */
    assert_int_equal(best(s, &rob, &a), 1);
    assert_int_equal(match_person_forget(s, 2, &err), FC_OK);
    assert_int_equal(match_person_forget(s, 424242, &err), FC_OK);
    arena_free(&a);
    match_service_free(s);
}

static void test_empty_query_refused(void **state)
{
    (void)state;
    struct match_service *s = service_with_people();
    struct arena a;
    arena_init(&a, 0);
    struct match_result res;
    struct fc_err err;
    const struct match_record q = { .phone = "withheld", .dob = "01/01/1900" };
    assert_int_equal(match_lookup(s, &q, T2024, &a, &res, &err), FC_EINVAL);
    assert_string_equal(err.field, "query");
    assert_int_equal(match_person_add(s, 0, &q, T2024, &err), FC_EINVAL);
    size_t persons, keys, bytes;
    match_service_stats(s, &persons, &keys, &bytes);
    assert_int_equal(persons, 302);
    assert_true(keys > 300 && bytes > 0);
    arena_free(&a);
    match_service_free(s);
}

struct reader_ctx {
    struct match_service *s;
    int lookups_ok;
};

static void *reader(void *arg)
{
    struct reader_ctx *rc = arg;
    struct arena a;
    arena_init(&a, 0);
    struct fc_err err;
    const struct match_record q = { .forename = "Robert", .surname = "Hughes",
                                    .phone = "07700 900123" };
    for (int i = 0; i < 300; i++) {
        struct match_result res;
        if (match_lookup(rc->s, &q, T2024, &a, &res, &err) == FC_OK && res.n > 0 &&
            res.cands[0].person_id == 1)
            rc->lookups_ok++;
        arena_free(&a);
    }
    return NULL;
}

/* Readers look up while a writer adds persons: every lookup still finds Robert. */
static void test_concurrent_readers_and_writer(void **state)
{
    (void)state;
    struct match_service *s = service_with_people();
    pthread_t th[3];
    struct reader_ctx ctx[3];
    for (int i = 0; i < 3; i++) {
        ctx[i] = (struct reader_ctx){ .s = s };
        assert_int_equal(pthread_create(&th[i], NULL, reader, &ctx[i]), 0);
    }
    struct fc_err err;
    char sur[32];
    for (int i = 0; i < 500; i++) {
        snprintf(sur, sizeof sur, "Hughes%d", i);
        const struct match_record r = { .forename = "Roberta", .surname = sur,
                                        .phone = "07700 900124" };
        assert_int_equal(match_person_add(s, 1000 + i, &r, T2024, &err), FC_OK);
    }
    for (int i = 0; i < 3; i++) {
        pthread_join(th[i], NULL);
        assert_int_equal(ctx[i].lookups_ok, 300);
    }
    size_t persons;
    match_service_stats(s, &persons, NULL, NULL);
    assert_int_equal(persons, 802);
    match_service_free(s);
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_lookup_nickname_misspelt),
        cmocka_unit_test(test_household_member_not_same),
        cmocka_unit_test(test_merge_moves_identifiers),
        cmocka_unit_test(test_unmerge_gives_each_person_its_own_values),
        cmocka_unit_test(test_forget_erases_a_person_from_every_lookup),
        cmocka_unit_test(test_empty_query_refused),
        cmocka_unit_test(test_concurrent_readers_and_writer),
    };
    if (argc > 1)
        cmocka_set_test_filter(argv[1]);
    return cmocka_run_group_tests(tests, NULL, NULL);
}
