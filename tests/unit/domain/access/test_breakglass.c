/* Unit tests for access/breakglass.c: break the glass, audit reports, second factor. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "domain/access/access.h"

enum { FORCE = 1, LEICESTER = 3 };
#define NOW 1800000000

static struct access_viewer viewer(fc_id_t org, enum org_kind kind, enum user_role role)
{
    struct access_viewer v = { .user_id = 100 + org, .org_id = org, .org_kind = kind,
                               .role = role };
    return v;
}

static void test_only_supervisors_break_the_glass(void **state)
{
    (void)state;
    for (int r = 0; r < ROLE_COUNT; r++) {
        struct access_viewer v = viewer(LEICESTER, ORG_CITY_COUNCIL, (enum user_role)r);
        assert_int_equal(access_can_break_glass(&v), r == ROLE_SUPERVISOR);
    }
    struct access_viewer orphan = viewer(0, ORG_FORCE, ROLE_SUPERVISOR);
    assert_false(access_can_break_glass(&orphan));
}

static void test_grant_gives_view_while_in_force_only(void **state)
{
    (void)state;
    struct access_viewer sup = viewer(LEICESTER, ORG_CITY_COUNCIL, ROLE_SUPERVISOR);
    struct access_viewer po = viewer(LEICESTER, ORG_CITY_COUNCIL, ROLE_PARTNER_OFFICER);
    assert_int_equal(access_break_glass_level(&sup, NOW + 1, NOW), ACCESS_VIEW);
    assert_int_equal(access_break_glass_level(&sup, NOW, NOW), ACCESS_NONE); /* expired */
    assert_int_equal(access_break_glass_level(&sup, 0, NOW), ACCESS_NONE);   /* no grant */
    assert_int_equal(access_break_glass_level(&po, NOW + 60, NOW), ACCESS_NONE);
    /* a grant opens a person and a partner-visible incident, never a police-only one */
    enum access_level lvl = access_break_glass_level(&sup, NOW + 60, NOW);
    assert_false(access_person_visible(&sup, false, ACCESS_NONE));
    assert_true(access_person_visible(&sup, false, lvl));
    assert_true(access_incident_visible(&sup, FORCE, false, lvl));
    assert_false(access_incident_visible(&sup, FORCE, true, lvl));
    /* view only: no details beyond the summary of another organisation's record */
    assert_int_equal(access_fields(&sup, FORCE, lvl) & ACCESS_FIELD_DOB, 0);
}

static void test_reason_is_required_and_bounded(void **state)
{
    (void)state;
    struct fc_err err;
    char long_reason[ACCESS_BREAK_GLASS_REASON_MAX + 2];
    memset(long_reason, 'x', sizeof(long_reason) - 1);
    long_reason[sizeof(long_reason) - 1] = '\0';
    assert_int_equal(access_break_glass_reason_check(NULL, &err), FC_EINVAL);
    assert_string_equal(err.field, "reason");
    assert_int_equal(access_break_glass_reason_check("", &err), FC_EINVAL);
    assert_int_equal(access_break_glass_reason_check("   urgent    ", &err), FC_EINVAL);
    assert_int_equal(access_break_glass_reason_check("\xff\xfe invalid utf-8 text", &err),
                     FC_EINVAL);
    assert_int_equal(access_break_glass_reason_check(long_reason, &err), FC_EINVAL);
    long_reason[ACCESS_BREAK_GLASS_REASON_MAX] = '\0';
    assert_int_equal(access_break_glass_reason_check(long_reason, &err), FC_OK);
    /* characters, not bytes: ten two-byte letters are enough */
    assert_int_equal(access_break_glass_reason_check("\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
                                                     "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9",
                                                     &err),
                     FC_OK);
    assert_int_equal(access_break_glass_reason_check("Safeguarding visit tonight", &err), FC_OK);
}

static void test_objects_and_report_visibility(void **state)
{
    (void)state;
    assert_true(access_break_glass_object_is_valid("person"));
    assert_true(access_break_glass_object_is_valid("incident"));
    assert_true(access_break_glass_object_is_valid("case"));
    assert_false(access_break_glass_object_is_valid("flag"));
    assert_false(access_break_glass_object_is_valid(NULL));
    struct access_viewer admin = viewer(FORCE, ORG_FORCE, ROLE_ADMIN);
    struct access_viewer sup = viewer(FORCE, ORG_FORCE, ROLE_SUPERVISOR);
    struct access_viewer off = viewer(FORCE, ORG_FORCE, ROLE_OFFICER);
    assert_true(access_can_read_audit(&admin));
    assert_true(access_can_read_audit(&sup));
    assert_false(access_can_read_audit(&off));
    assert_true(access_audit_event_visible(&admin, LEICESTER));
    assert_true(access_audit_event_visible(&admin, 0));
    assert_true(access_audit_event_visible(&sup, FORCE));
    assert_false(access_audit_event_visible(&sup, LEICESTER));
    assert_false(access_audit_event_visible(&sup, 0));
    assert_false(access_audit_event_visible(&off, FORCE));
    assert_true(access_can_use_totp(ROLE_ADMIN));
    assert_true(access_can_use_totp(ROLE_SUPERVISOR));
    assert_false(access_can_use_totp(ROLE_CALL_HANDLER));
    assert_false(access_can_use_totp(ROLE_PARTNER_OFFICER));
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_only_supervisors_break_the_glass),
        cmocka_unit_test(test_grant_gives_view_while_in_force_only),
        cmocka_unit_test(test_reason_is_required_and_bounded),
        cmocka_unit_test(test_objects_and_report_visibility),
    };
    if (argc > 1)
        cmocka_set_test_filter(argv[1]);
    return cmocka_run_group_tests_name("domain/access/breakglass", tests, NULL, NULL);
}
