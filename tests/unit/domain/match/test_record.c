/* Identifier rows with the matcher's keys, and the history shown beside a candidate. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "domain/match/match.h"
#include "domain/match/record.h"
#include "unit/store/store_fixture.h"

static const fc_time_t T0 = 1717200000; /* 2024-06-01 */
static const fc_time_t DAY = 86400;

static void test_record_to_person_rows(void **state)
{
    (void)state;
    struct arena a;
    arena_init(&a, 0);
    struct fc_err err;
    struct person p;
    const struct match_record r = { .forename = "Mr Łukasz Piotr", .surname = "WÓJCIK",
                                    .dob = "01/01/1900", .phone = "+44 7700 900123",
                                    .email = " L.Wojcik@Example.org",
                                    .address = "Flat 2, 14 London Rd", .postcode = "le20qs" };
    assert_int_equal(match_record_to_person(&r, "contact", 7, T0, &a, &p, &err), FC_OK);
    assert_int_equal(p.n_names, 1);
    assert_string_equal(p.names[0].forename, "lukasz");
    assert_string_equal(p.names[0].middles, "piotr");
    assert_string_equal(p.names[0].surname, "wojcik");
    assert_non_null(strstr(p.names[0].keys, "\"fore\":\"lukasz\""));
    assert_int_equal(p.n_dobs, 1);
    assert_true(p.dobs[0].is_placeholder); /* kept, never matched on */
    assert_string_equal(p.phones[0].e164, "+447700900123");
    assert_string_equal(p.phones[0].kind, "mobile");
    assert_string_equal(p.emails[0].norm, "l.wojcik@example.org");
    assert_string_equal(p.addresses[0].flat, "2");
    assert_string_equal(p.addresses[0].number, "14");
    assert_string_equal(p.addresses[0].street, "london road");
    assert_string_equal(p.addresses[0].postcode, "LE2 0QS");
    assert_string_equal(p.addresses[0].prov.source, "contact");
    assert_int_equal(p.addresses[0].prov.source_id, 7);
    /* withheld phone and an empty record give no rows */
    const struct match_record w = { .phone = "withheld" };
    assert_int_equal(match_record_to_person(&w, "contact", 0, T0, &a, &p, &err), FC_OK);
    assert_int_equal(p.n_phones + p.n_names + p.n_dobs + p.n_addresses + p.n_emails, 0);
    arena_free(&a);
}

static void test_history_counts_last_365_days(void **state)
{
    struct store_fixture *f = *state;
    struct arena a;
    arena_init(&a, 0);
    struct fc_err err;
    struct person p;
    const struct match_record r = { .forename = "Ann", .surname = "Lee", .phone = "07700900555" };
    assert_int_equal(match_record_to_person(&r, "contact", 0, T0, &a, &p, &err), FC_OK);
    fc_id_t pid, org, id;
    assert_int_equal(store_person_insert(f->store, &p, &pid, &err), FC_OK);
    const struct organisation o = { .kind = ORG_FORCE, .name = "Test Force" };
    assert_int_equal(store_org_insert(f->store, &o, &org, &err), FC_OK);
    /* contacts 400, 300 and 10 days before T0, and one after it */
    const fc_time_t when[] = { T0 - 400 * DAY, T0 - 300 * DAY, T0 - 10 * DAY, T0 + DAY };
    for (size_t i = 0; i < 4; i++) {
        struct contact c = { .channel = CHANNEL_PHONE, .received_at = when[i], .org_id = org,
                             .caller_person_id = pid, .created_at = when[i] };
        assert_int_equal(store_contact_insert(f->store, &c, &id, &err), FC_OK);
    }
    struct flag fl = { .person_id = pid, .kind = "vulnerable", .agency = "Test Council",
                       .reason = "mental health", .flagged_at = T0 - 5 * DAY,
                       .match_probability = 0.97 };
    assert_int_equal(store_flag_insert(f->store, &fl, &id, &err), FC_OK);
    struct match_history h;
    assert_int_equal(match_history_get(f->store, pid, T0, &a, &h, &err), FC_OK);
    assert_int_equal(h.n_contacts_12m, 2);
    assert_int_equal(h.n_flags, 1);
    assert_true(h.vulnerable);
    /* before the flag was raised it is not in force */
    assert_int_equal(match_history_get(f->store, pid, T0 - 6 * DAY, &a, &h, &err), FC_OK);
    assert_false(h.vulnerable);
    assert_int_equal(h.n_contacts_12m, 2); /* the ones 300 and 10 days before T0 */
    arena_free(&a);
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_record_to_person_rows),
        cmocka_unit_test_setup_teardown(test_history_counts_last_365_days, fixture_setup,
                                        fixture_teardown),
    };
    if (argc > 1)
        cmocka_set_test_filter(argv[1]);
    return cmocka_run_group_tests(tests, NULL, NULL);
}
