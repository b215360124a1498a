/*
 * Tests for partner intake: flags matched to persons, uncertain matches queued for review
 * and decided, the CSV import, and persons named on a case matched by their details.
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
#include "domain/match/record.h"
#include "unit/store/store_fixture.h"
#include "util/csv.h"

#define NOW 1790000000
#define DAY 86400

struct env {
    struct store_fixture f;
    struct match_service *m;
    struct access_viewer council, other_council, pc;
};

static struct access_viewer mk_user(struct store *s, enum org_kind kind, const char *org_name,
                                    enum user_role role, const char *username)
{
    struct organisation o = { .kind = kind, .name = (char *)org_name };
    struct fc_err err = { 0 };
    fc_id_t org_id = 0, uid = 0;
    struct arena a;
    arena_init(&a, 0);
    struct organisation got;
    if (store_org_get_by_name(s, org_name, &a, &got, &err) == FC_OK)
        org_id = got.id;
    else
        assert_int_equal(store_org_insert(s, &o, &org_id, &err), FC_OK);
    arena_free(&a);
    struct user u = { .org_id = org_id, .username = (char *)username, .role = role };
    assert_int_equal(store_user_insert(s, &u, &uid, &err), FC_OK);
    return (struct access_viewer){ .user_id = uid, .org_id = org_id, .org_kind = kind,
                                   .role = role };
}

static int env_setup(void **state)
{
    struct env *e = calloc(1, sizeof(*e));
    void *fs = NULL;
    struct fc_err err = { 0 };
    if (e == NULL || fixture_setup(&fs) != 0)
        return -1;
    e->f = *(struct store_fixture *)fs;
    free(fs);
    if (match_service_create(NULL, NULL, &e->m, &err) != FC_OK)
        return -1;
    struct store *s = e->f.store;
    e->council = mk_user(s, ORG_CITY_COUNCIL, "Leicester City Council", ROLE_PARTNER_OFFICER,
                         "asb.patel");
    e->other_council = mk_user(s, ORG_DISTRICT_COUNCIL, "Charnwood Borough Council",
                               ROLE_PARTNER_OFFICER, "asb.jones");
    e->pc = mk_user(s, ORG_FORCE, "Leicestershire Police", ROLE_OFFICER, "pc.khan");
    *state = e;
    return 0;
}

static int env_teardown(void **state)
{
    struct env *e = *state;
    match_service_free(e->m);
    void *fs = calloc(1, sizeof(struct store_fixture));
    *(struct store_fixture *)fs = e->f;
    fixture_teardown(&fs);
    free(e);
    return 0;
}

static int64_t count(struct env *e, const char *sql)
{
    sqlite3 *db = NULL;
    sqlite3_stmt *st = NULL;
    int64_t n = -1;
    if (sqlite3_open(e->f.path, &db) == SQLITE_OK &&
        sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
        n = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    sqlite3_close(db);
    return n;
}

static struct partner_flag_input flag(const char *ref, const char *fore, const char *sur,
                                      const char *dob, const char *phone, const char *addr,
                                      const char *pc)
{
    struct partner_flag_input in = { .external_ref = ref,
                                     .agency = "Leicester City Council",
                                     .reason = "mental health",
                                     .review_date = "2027-09-01",
                                     .sharing_basis = "LLR vulnerability ISA",
                                     .flagged_at = NOW - DAY };
    in.person = (struct match_record){ .forename = fore, .surname = sur, .dob = dob,
                                       .phone = phone, .address = addr, .postcode = pc };
    return in;
}

static fc_id_t add_person(struct env *e, const char *fore, const char *sur, const char *dob,
                          const char *phone, const char *addr, const char *pc)
{
    struct match_record r = { .forename = fore, .surname = sur, .dob = dob, .phone = phone,
                              .address = addr, .postcode = pc };
    struct arena a;
    arena_init(&a, 0);
    struct person p;
    struct fc_err err = { 0 };
    fc_id_t id = 0;
    assert_int_equal(match_record_to_person(&r, "contact", 0, NOW - 30 * DAY, &a, &p, &err),
                     FC_OK);
    p.created_at = NOW - 30 * DAY;
    assert_int_equal(store_person_insert(e->f.store, &p, &id, &err), FC_OK);
    assert_int_equal(match_person_add(e->m, id, &r, NOW - 30 * DAY, &err), FC_OK);
    arena_free(&a);
    return id;
}

static void test_partner_decide_rule(void **state)
{
    (void)state;
    struct match_candidate c[2] = { { .person_id = 1, .band = MATCH_BAND_SAME },
                                    { .person_id = 2, .band = MATCH_BAND_NONE } };
    assert_int_equal(partner_decide(c, 0), PARTNER_NEW_PERSON);
    assert_int_equal(partner_decide(c, 1), PARTNER_MATCHED);
    assert_int_equal(partner_decide(c, 2), PARTNER_MATCHED);
    c[1].band = MATCH_BAND_POSSIBLE; /* a namesake or household member: ambiguous */
    assert_int_equal(partner_decide(c, 2), PARTNER_QUEUED);
    c[0].band = MATCH_BAND_POSSIBLE;
    assert_int_equal(partner_decide(c, 1), PARTNER_QUEUED);
    c[0].band = MATCH_BAND_NONE;
    assert_int_equal(partner_decide(c, 1), PARTNER_NEW_PERSON);
}

static void test_partner_flag_matches_known_person_and_makes_new_one(void **state)
{
    struct env *e = *state;
    struct fc_err err = { 0 };
    struct partner_result r1, r2, r3;
    struct partner_flag_input a = flag("F1", "Ravinder", "SHERGILL", "16/08/1972",
                                       "07839 730245", "27 Arncliffe Road, Leicester", "LE5 1HA");
    assert_int_equal(partner_flag_submit(e->f.store, e->m, &e->council, &a, NOW, &r1, &err), FC_OK);
    assert_int_equal(r1.decision, PARTNER_NEW_PERSON);
    /* the same person as another agency renders them */
    struct partner_flag_input b = flag("F2", NULL, NULL, "1972-08-16", "+447839730245",
                                       "27 ARNCLIFFE ROAD, LEICESTER", "LE5 1HA");
    b.person.full_name = "SHERGILL, Ravinder";
    assert_int_equal(partner_flag_submit(e->f.store, e->m, &e->other_council, &b, NOW, &r2, &err),
                     FC_OK);
    assert_int_equal(r2.decision, PARTNER_MATCHED);
    assert_int_equal(r2.person_id, r1.person_id);
    assert_true(r2.probability >= 0.9);
    /* somebody else entirely */
    struct partner_flag_input c = flag("F3", "Maisie", "THOMPSON", "16/10/2001", "07922 485845",
                                       NULL, NULL);
    assert_int_equal(partner_flag_submit(e->f.store, e->m, &e->council, &c, NOW, &r3, &err), FC_OK);
    assert_int_equal(r3.decision, PARTNER_NEW_PERSON);
    assert_int_not_equal(r3.person_id, r1.person_id);
    assert_int_equal(count(e, "SELECT count(*) FROM flag"), 3);
    assert_int_equal(count(e, "SELECT count(*) FROM person"), 2);
    /* the same flag again is a conflict and writes nothing */
    assert_int_equal(partner_flag_submit(e->f.store, e->m, &e->council, &a, NOW, &r1, &err),
                     FC_ECONFLICT);
    assert_string_equal(err.field, "external_ref");
    assert_int_equal(count(e, "SELECT count(*) FROM flag"), 3);
    /* a partner without a name to match on is refused, naming the field */
    struct partner_flag_input nameless = flag("F4", NULL, NULL, "1972-08-16", NULL, NULL, NULL);
    assert_int_equal(
        partner_flag_submit(e->f.store, e->m, &e->council, &nameless, NOW, &r1, &err), FC_EINVAL);
    assert_string_equal(err.field, "person.name");
}

static void test_partner_uncertain_match_is_queued_then_decided(void **state)
{
    struct env *e = *state;
    struct store *s = e->f.store;
    struct fc_err err = { 0 };
    struct partner_result r;
    /* two namesakes born the same day, recorded from calls at different addresses */
    fc_id_t dad_id = add_person(e, "John", "SMITH", "1960-02-01", "07700 900201",
                                "4 Elm Close, Leicester", "LE3 9AA");
    add_person(e, "John", "SMITH", "1960-02-01", "07700 900302", "81 Oak Street, Hinckley",
               "LE10 1AB");
    /* a flag naming "John Smith" with that date of birth and nothing else: which one? */
    struct partner_flag_input which = flag("F12", "John", "SMITH", "01/02/1960", NULL, NULL, NULL);
    assert_int_equal(partner_flag_submit(s, e->m, &e->council, &which, NOW, &r, &err), FC_OK);
    assert_int_equal(r.decision, PARTNER_QUEUED);
    assert_true(r.review_id > 0);
    assert_int_equal(count(e, "SELECT count(*) FROM flag_review WHERE status = 'pending'"), 1);
    int64_t flags_before = count(e, "SELECT count(*) FROM flag");
    fc_id_t review = r.review_id;
    /* another council cannot decide it; a wrong candidate is refused */
    assert_int_equal(partner_review_confirm(s, e->m, &e->other_council, review, 0, NOW, &r, &err),
                     FC_EDENIED);
    assert_int_equal(partner_review_confirm(s, e->m, &e->council, review, 999, NOW, &r, &err),
                     FC_EINVAL);
    assert_int_equal(count(e, "SELECT count(*) FROM flag"), flags_before);
    assert_int_equal(partner_review_confirm(s, e->m, &e->council, review, dad_id, NOW, &r, &err),
                     FC_OK);
    assert_int_equal(r.person_id, dad_id);
    assert_int_equal(count(e, "SELECT count(*) FROM flag"), flags_before + 1);
    assert_int_equal(partner_review_reject(s, e->m, &e->council, review, NOW, &r, &err),
                     FC_ECONFLICT);
    /* a second uncertain flag, rejected: it goes onto a new person */
    struct partner_flag_input again = which;
    again.external_ref = "F13";
    assert_int_equal(partner_flag_submit(s, e->m, &e->council, &again, NOW, &r, &err), FC_OK);
    assert_int_equal(r.decision, PARTNER_QUEUED);
    int64_t persons = count(e, "SELECT count(*) FROM person");
    assert_int_equal(partner_review_reject(s, e->m, &e->council, r.review_id, NOW, &r, &err),
                     FC_OK);
    assert_int_equal(count(e, "SELECT count(*) FROM person"), persons + 1);
    assert_int_equal(count(e, "SELECT count(*) FROM flag_review WHERE status = 'rejected'"), 1);
}

static void test_partner_csv_import_counts_and_skips_duplicates(void **state)
{
    struct env *e = *state;
    struct fc_err err = { 0 };
    const char *dir = getenv("FC_SHARED_DATA");
    char path[512];
    snprintf(path, sizeof(path), "%s/callgen/dev/partner_flags.csv", dir ? dir : "../shared/data");
    char *data = NULL;
    size_t len = 0;
    assert_int_equal(csv_file_slurp(path, &data, &len, &err), FC_OK);
    /* the first 60 rows */
    size_t lines = 0, cut = 0;
    for (size_t i = 0; i < len && lines < 61; i++)
        if (data[i] == '\n' && ++lines == 61)
            cut = i + 1;
    struct partner_import_counts c;
    assert_int_equal(partner_flags_import_csv(e->f.store, e->m, &e->council, data, cut,
                                              "LLR vulnerability ISA", NOW, &c, &err),
                     FC_OK);
    assert_int_equal(c.rows, 60);
    assert_int_equal(c.matched + c.new_persons + c.queued, 60);
    assert_true(c.new_persons > 0);
    assert_int_equal(count(e, "SELECT count(*) FROM flag") + count(e, "SELECT count(*) FROM "
                                                                      "flag_review"),
                     60);
    assert_int_equal(partner_flags_import_csv(e->f.store, e->m, &e->council, data, cut,
                                              "LLR vulnerability ISA", NOW, &c, &err),
                     FC_OK);
    assert_int_equal(c.duplicates, 60);
    assert_int_equal(c.rows, 0);
    free(data);
    /* a bad row names its line and nothing is written */
    const char *bad = "flag_id,agency,flagged_at,name,forename,surname,dob,phone,email,address,"
                      "postcode,reason,review_date\n"
                      "X1,Charnwood Borough Council,2024-01-01T10:00:00+00:00,,Amy,ROSS,,,,,,"
                      "dementia,\n"
                      "X2,Charnwood Borough Council,yesterday,,Bob,ROSS,,,,,,dementia,\n";
    int64_t before = count(e, "SELECT count(*) FROM flag");
    assert_int_equal(partner_flags_import_csv(e->f.store, e->m, &e->other_council, bad,
                                              strlen(bad), NULL, NOW, &c, &err),
                     FC_EINVAL);
    assert_string_equal(err.field, "flagged_at");
    assert_non_null(strstr(err.msg, "line 3"));
    assert_int_equal(count(e, "SELECT count(*) FROM flag"), before);
    const char *no_header = "id,who\n1,2\n";
    assert_int_equal(partner_flags_import_csv(e->f.store, e->m, &e->other_council, no_header,
                                              strlen(no_header), NULL, NOW, &c, &err),
                     FC_EINVAL);
}

static void test_partner_party_named_on_case_is_matched(void **state)
{
    struct env *e = *state;
    struct store *s = e->f.store;
    struct fc_err err = { 0 };
    struct partner_result r;
    struct partner_flag_input known = flag("F20", "Aisha", "MOHAMED", "1985-04-04",
                                           "07700 900111", "9 Mere Road, Leicester", "LE5 3HT");
    assert_int_equal(partner_flag_submit(s, e->m, &e->council, &known, NOW, &r, &err), FC_OK);
    fc_id_t aisha = r.person_id;
    struct cases_open_input in = { .title = "Mere Road harassment", .origin = "partner_referral",
                                   .sharing_basis = "Crime and Disorder Act 1998 s115" };
    fc_id_t case_id;
    assert_int_equal(cases_open(s, &e->council, &in, NOW, &case_id, &err), FC_OK);
    struct arena a;
    arena_init(&a, 0);
    struct match_result cands;
    struct match_record victim = { .forename = "Aisha", .surname = "Mohamed",
                                   .dob = "04/04/1985", .phone = "07700900111" };
    assert_int_equal(partner_party_add_matched(s, e->m, &e->council, case_id, "victim", &victim,
                                               NOW, &a, &r, &cands, &err),
                     FC_OK);
    assert_int_equal(r.decision, PARTNER_MATCHED);
    assert_int_equal(r.person_id, aisha);
    struct match_record stranger = { .forename = "Kyle", .surname = "Brennan" };
    assert_int_equal(partner_party_add_matched(s, e->m, &e->council, case_id, "perpetrator",
                                               &stranger, NOW, &a, &r, &cands, &err),
                     FC_OK);
    assert_int_equal(r.decision, PARTNER_NEW_PERSON);
    assert_int_equal(count(e, "SELECT count(*) FROM case_party"), 2);
    /* the police cannot add to a case not shared with them */
    assert_int_equal(partner_party_add_matched(s, e->m, &e->pc, case_id, "witness", &stranger, NOW,
                                               &a, &r, &cands, &err),
                     FC_EDENIED);
    arena_free(&a);
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_partner_decide_rule),
        cmocka_unit_test_setup_teardown(test_partner_flag_matches_known_person_and_makes_new_one,
                                        env_setup, env_teardown),
        cmocka_unit_test_setup_teardown(test_partner_uncertain_match_is_queued_then_decided,
                                        env_setup, env_teardown),
        cmocka_unit_test_setup_teardown(test_partner_csv_import_counts_and_skips_duplicates,
                                        env_setup, env_teardown),
        cmocka_unit_test_setup_teardown(test_partner_party_named_on_case_is_matched, env_setup,
                                        env_teardown),
    };
    if (argc > 1)
        cmocka_set_test_filter(argv[1]);
    return cmocka_run_group_tests_name("cases/partner", tests, NULL, NULL);
}
