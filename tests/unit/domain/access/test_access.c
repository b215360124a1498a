/* Unit tests for access: the record-level sharing matrix. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "domain/access/access.h"

enum { FORCE = 1, CHARNWOOD = 2, LEICESTER = 3, EMH = 4 };
#define NOW 1800000000

static struct access_viewer viewer(fc_id_t org, enum org_kind kind, enum user_role role)
{
    struct access_viewer v = { .user_id = 100 + org, .org_id = org, .org_kind = kind,
                               .role = role };
    return v;
}

static void test_access_lead_org_gets_lead_level(void **state)
{
    (void)state;
    struct access_viewer pc = viewer(FORCE, ORG_FORCE, ROLE_OFFICER);
    assert_int_equal(access_case_level(&pc, FORCE, NULL, 0, NOW), ACCESS_LEAD);
}

static void test_access_unshared_partner_gets_none(void **state)
{
    (void)state;
    struct access_viewer council = viewer(CHARNWOOD, ORG_DISTRICT_COUNCIL, ROLE_PARTNER_OFFICER);
    struct access_share shares[] = { { LEICESTER, ACCESS_CO_OWN, 0, 0 } };
    assert_int_equal(access_case_level(&council, FORCE, shares, 1, NOW), ACCESS_NONE);
    assert_false(access_case_can(&council, ACCESS_NONE, ACCESS_OP_READ));
}

static void test_access_share_levels_order_the_operations(void **state)
{
    (void)state;
    struct access_viewer council = viewer(CHARNWOOD, ORG_DISTRICT_COUNCIL, ROLE_PARTNER_OFFICER);
    static const struct {
        enum access_level level;
        bool read, contribute, manage;
    } rows[] = {
        { ACCESS_VIEW, true, false, false },
        { ACCESS_CONTRIBUTE, true, true, false },
        { ACCESS_CO_OWN, true, true, true },
    };
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        struct access_share sh = { CHARNWOOD, rows[i].level, 0, 0 };
        enum access_level lvl = access_case_level(&council, FORCE, &sh, 1, NOW);
        assert_int_equal(lvl, rows[i].level);
        assert_int_equal(access_case_can(&council, lvl, ACCESS_OP_READ), rows[i].read);
        assert_int_equal(access_case_can(&council, lvl, ACCESS_OP_CONTRIBUTE),
                         rows[i].contribute);
        assert_int_equal(access_case_can(&council, lvl, ACCESS_OP_MANAGE), rows[i].manage);
        assert_false(access_case_can(&council, lvl, ACCESS_OP_TRANSFER));
    }
}

static void test_access_expired_or_revoked_share_grants_nothing(void **state)
{
    (void)state;
    struct access_viewer council = viewer(CHARNWOOD, ORG_DISTRICT_COUNCIL, ROLE_PARTNER_OFFICER);
    struct access_share expired = { CHARNWOOD, ACCESS_CO_OWN, NOW - 1, 0 };
    struct access_share revoked = { CHARNWOOD, ACCESS_CO_OWN, 0, NOW - 10 };
    struct access_share later = { CHARNWOOD, ACCESS_VIEW, NOW + 60, 0 };
    assert_int_equal(access_case_level(&council, FORCE, &expired, 1, NOW), ACCESS_NONE);
    assert_int_equal(access_case_level(&council, FORCE, &revoked, 1, NOW), ACCESS_NONE);
    assert_int_equal(access_case_level(&council, FORCE, &later, 1, NOW), ACCESS_VIEW);
}

static void test_access_highest_share_in_force_wins_and_never_lead(void **state)
{
    (void)state;
    struct access_viewer council = viewer(CHARNWOOD, ORG_DISTRICT_COUNCIL, ROLE_PARTNER_OFFICER);
    struct access_share shares[] = {
        { CHARNWOOD, ACCESS_VIEW, 0, 0 },
        { CHARNWOOD, ACCESS_LEAD, 0, 0 }, /* corrupt row: capped to co_own */
    };
    assert_int_equal(access_case_level(&council, FORCE, shares, 2, NOW), ACCESS_CO_OWN);
}

static void test_access_analyst_and_admin_read_no_case(void **state)
{
    (void)state;
    struct access_viewer analyst = viewer(FORCE, ORG_FORCE, ROLE_ANALYST);
    struct access_viewer admin = viewer(FORCE, ORG_FORCE, ROLE_ADMIN);
    assert_int_equal(access_case_level(&analyst, FORCE, NULL, 0, NOW), ACCESS_NONE);
    assert_int_equal(access_case_level(&admin, FORCE, NULL, 0, NOW), ACCESS_NONE);
    assert_false(access_incident_visible(&admin, FORCE, false, ACCESS_NONE));
}

static void test_access_call_handler_reads_but_never_changes(void **state)
{
    (void)state;
    struct access_viewer ch = viewer(FORCE, ORG_FORCE, ROLE_CALL_HANDLER);
    assert_true(access_case_can(&ch, ACCESS_LEAD, ACCESS_OP_READ));
    assert_false(access_case_can(&ch, ACCESS_LEAD, ACCESS_OP_CONTRIBUTE));
    assert_false(access_case_can_open(&ch));
}

static void test_access_who_may_open_a_case(void **state)
{
    (void)state;
    struct access_viewer pc = viewer(FORCE, ORG_FORCE, ROLE_OFFICER);
    struct access_viewer police_partner_role = viewer(FORCE, ORG_FORCE, ROLE_PARTNER_OFFICER);
    struct access_viewer council = viewer(CHARNWOOD, ORG_DISTRICT_COUNCIL, ROLE_PARTNER_OFFICER);
    assert_true(access_case_can_open(&pc));
    assert_false(access_case_can_open(&police_partner_role));
    assert_true(access_case_can_open(&council));
}

static void test_access_police_only_incident_never_reaches_partner(void **state)
{
    (void)state;
    struct access_viewer council = viewer(CHARNWOOD, ORG_DISTRICT_COUNCIL, ROLE_PARTNER_OFFICER);
    struct access_viewer pc = viewer(FORCE, ORG_FORCE, ROLE_OFFICER);
    assert_false(access_incident_visible(&council, FORCE, true, ACCESS_CO_OWN));
    assert_true(access_incident_visible(&council, FORCE, false, ACCESS_VIEW));
    assert_false(access_incident_visible(&council, FORCE, false, ACCESS_NONE));
    assert_true(access_incident_visible(&pc, FORCE, true, ACCESS_NONE));
    assert_false(access_timeline_entry_visible(&council, true));
    assert_true(access_timeline_entry_visible(&pc, true));
}

static void test_access_person_only_through_shared_cases(void **state)
{
    (void)state;
    struct access_viewer council = viewer(CHARNWOOD, ORG_DISTRICT_COUNCIL, ROLE_PARTNER_OFFICER);
    assert_false(access_person_visible(&council, false, ACCESS_NONE));
    assert_true(access_person_visible(&council, false, ACCESS_VIEW));
    assert_true(access_person_visible(&council, true, ACCESS_NONE));
}

static void test_access_fields_grow_with_level(void **state)
{
    (void)state;
    struct access_viewer council = viewer(CHARNWOOD, ORG_DISTRICT_COUNCIL, ROLE_PARTNER_OFFICER);
    unsigned view = access_fields(&council, FORCE, ACCESS_VIEW);
    unsigned contrib = access_fields(&council, FORCE, ACCESS_CONTRIBUTE);
    unsigned coown = access_fields(&council, FORCE, ACCESS_CO_OWN);
    unsigned own = access_fields(&council, CHARNWOOD, ACCESS_NONE);
    assert_int_equal(view, 0);
    assert_true(contrib & ACCESS_FIELD_DOB);
    assert_false(contrib & ACCESS_FIELD_ADDRESS);
    assert_true(coown & ACCESS_FIELD_ADDRESS);
    assert_false(coown & ACCESS_FIELD_FLAG_REASON); /* another org's flag reason */
    assert_int_equal(own, ACCESS_FIELD_ALL);        /* own flags include their reasons */
}

static void test_access_flag_reason_for_police_officers_not_handlers(void **state)
{
    (void)state;
    struct access_viewer pc = viewer(FORCE, ORG_FORCE, ROLE_OFFICER);
    struct access_viewer ch = viewer(FORCE, ORG_FORCE, ROLE_CALL_HANDLER);
    assert_true(access_fields(&pc, LEICESTER, ACCESS_VIEW) & ACCESS_FIELD_FLAG_REASON);
    assert_false(access_fields(&ch, FORCE, ACCESS_LEAD) & ACCESS_FIELD_FLAG_REASON);
}

static void test_access_cross_org_view_is_a_disclosure(void **state)
{
    (void)state;
    struct access_viewer council = viewer(EMH, ORG_HOUSING_PROVIDER, ROLE_PARTNER_OFFICER);
    assert_true(access_is_disclosure(&council, FORCE));
    assert_false(access_is_disclosure(&council, EMH));
}

static void test_access_transfer_needs_lead_supervisor_or_partner_lead(void **state)
{
    (void)state;
    struct access_viewer pc = viewer(FORCE, ORG_FORCE, ROLE_OFFICER);
    struct access_viewer sup = viewer(FORCE, ORG_FORCE, ROLE_SUPERVISOR);
    struct access_viewer council = viewer(CHARNWOOD, ORG_DISTRICT_COUNCIL, ROLE_PARTNER_OFFICER);
    assert_false(access_case_can(&pc, ACCESS_LEAD, ACCESS_OP_TRANSFER));
    assert_true(access_case_can(&sup, ACCESS_LEAD, ACCESS_OP_TRANSFER));
    assert_true(access_case_can(&council, ACCESS_LEAD, ACCESS_OP_TRANSFER));
    assert_false(access_case_can(&sup, ACCESS_CO_OWN, ACCESS_OP_TRANSFER));
}

static void test_access_level_names_round_trip(void **state)
{
    (void)state;
    for (int i = ACCESS_NONE; i <= ACCESS_LEAD; i++) {
        enum access_level back;
        assert_true(access_level_parse(access_level_name((enum access_level)i), &back));
        assert_int_equal(back, i);
    }
    enum access_level out;
    assert_false(access_level_parse("owner", &out));
    assert_true(access_share_level_is_grantable(ACCESS_CONTRIBUTE));
    assert_false(access_share_level_is_grantable(ACCESS_LEAD));
    assert_false(access_share_level_is_grantable(ACCESS_NONE));
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_access_lead_org_gets_lead_level),
        cmocka_unit_test(test_access_unshared_partner_gets_none),
        cmocka_unit_test(test_access_share_levels_order_the_operations),
        cmocka_unit_test(test_access_expired_or_revoked_share_grants_nothing),
        cmocka_unit_test(test_access_highest_share_in_force_wins_and_never_lead),
        cmocka_unit_test(test_access_analyst_and_admin_read_no_case),
        cmocka_unit_test(test_access_call_handler_reads_but_never_changes),
        cmocka_unit_test(test_access_who_may_open_a_case),
        cmocka_unit_test(test_access_police_only_incident_never_reaches_partner),
        cmocka_unit_test(test_access_person_only_through_shared_cases),
        cmocka_unit_test(test_access_fields_grow_with_level),
        cmocka_unit_test(test_access_flag_reason_for_police_officers_not_handlers),
        cmocka_unit_test(test_access_cross_org_view_is_a_disclosure),
        cmocka_unit_test(test_access_transfer_needs_lead_supervisor_or_partner_lead),
        cmocka_unit_test(test_access_level_names_round_trip),
    };
    if (argc > 1)
        cmocka_set_test_filter(argv[1]);
    return cmocka_run_group_tests_name("access", tests, NULL, NULL);
}
