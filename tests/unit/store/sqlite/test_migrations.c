/*
 * SQLite migrations: from empty, from each earlier version with data present, twice (a
 * no-op), and refusing a schema newer than the program.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h> /* after the headers it needs */

#include "store/sqlite/store_sqlite.h"
#include "store/store.h"
#include "unit/store/store_fixture.h"

/* The newest version: what a full migrate reaches. */
static int latest_version(void)
{
    struct store_fixture f;
    struct store *s;
    struct fc_err err = { 0 };
    int v = 0;
    assert_int_equal(fixture_prepare(&f), 0);
    assert_int_equal(store_open(f.url, &s, &err), FC_OK);
    assert_int_equal(store_migrate(s, &v, &err), FC_OK);
    store_close(s);
    fixture_rmdir(f.dir);
    return v;
}

static void test_migrate_from_empty_reaches_latest(void **state)
{
    (void)state;
    struct store_fixture f;
    struct store *s;
    struct fc_err err = { 0 };
    assert_int_equal(fixture_prepare(&f), 0);
    assert_int_equal(store_open(f.url, &s, &err), FC_OK);
    int v = -1;
    assert_int_equal(store_schema_version(s, &v, &err), FC_OK);
    assert_int_equal(v, 0);
    assert_int_equal(store_check(s, &err), FC_EUNAVAIL); /* not ready before migrate */
    assert_int_equal(store_migrate(s, &v, &err), FC_OK);
    assert_true(v >= 2);
    assert_int_equal(store_check(s, &err), FC_OK);
    int again;
    assert_int_equal(store_migrate(s, &again, &err), FC_OK);
    assert_int_equal(again, v);
    store_close(s);
    fixture_rmdir(f.dir);
}

static void test_migrate_from_each_earlier_version_keeps_data(void **state)
{
    (void)state;
    int latest = latest_version();
    for (int from = 1; from < latest; from++) {
        struct store_fixture f;
        struct store *s;
        struct fc_err err = { 0 };
        int v;
        assert_int_equal(fixture_prepare(&f), 0);
        assert_int_equal(store_open(f.url, &s, &err), FC_OK);
        assert_int_equal(store_sqlite_migrate_to(s, from, &v, &err), FC_OK);
        assert_int_equal(v, from);
        /* data a deployment at that version would hold, written as that version's SQL */
        assert_int_equal(fixture_raw_sql(&f, "INSERT INTO meta (key, value) "
                                             "VALUES ('site', 'LLR')"),
                         0);
        if (from >= 2)
            assert_int_equal(fixture_raw_sql(&f,
                                             "INSERT INTO person (id, created_at) VALUES (41, 1);"
                                             "INSERT INTO person_name (person_id, surname, source, "
                                             "recorded_at) VALUES (41, 'Pilkington', 'import', 1)"),
                             0);
        assert_int_equal(store_migrate(s, &v, &err), FC_OK);
        assert_int_equal(v, latest);
        assert_int_equal(store_check(s, &err), FC_OK);
        assert_int_equal(fixture_raw_sql(&f, "INSERT INTO meta (key, value) "
                                             "VALUES ('site', 'again')"),
                         -1); /* the row survived: its key is taken */
        if (from >= 2) {
            struct arena a;
            struct person p;
            arena_init(&a, 0);
            assert_int_equal(store_person_get(s, 41, &a, &p, &err), FC_OK);
            assert_int_equal(p.n_names, 1);
            assert_string_equal(p.names[0].surname, "Pilkington");
            arena_free(&a);
        }
        store_close(s);
        fixture_rmdir(f.dir);
    }
}

/* 0007 rebuilds the audit table to add an action: the chain written before must verify. */
static void test_audit_chain_survives_migration_0007(void **state)
{
    (void)state;
    struct store_fixture f;
    struct store *s;
    struct fc_err err = { 0 };
    int v;
    int64_t bad = -1, count = 0;
    assert_int_equal(fixture_prepare(&f), 0);
    assert_int_equal(store_open(f.url, &s, &err), FC_OK);
    assert_int_equal(store_sqlite_migrate_to(s, 6, &v, &err), FC_OK);
    for (int i = 1; i <= 5; i++) {
        struct audit_event ev = { .action = AUDIT_CONSULT, .object_type = "person",
                                  .object_id = i, .purpose = "before 0007" };
        assert_int_equal(store_audit_append(s, &ev, &err), FC_OK);
    }
    assert_int_equal(store_migrate(s, &v, &err), FC_OK);
    assert_true(v >= 7);
    struct audit_event ev = { .action = AUDIT_BREAK_GLASS, .object_type = "person",
                              .object_id = 1, .purpose = "after 0007" };
    assert_int_equal(store_audit_append(s, &ev, &err), FC_OK);
    assert_int_equal(ev.seq, 6);
    assert_int_equal(store_audit_verify(s, &bad, &count, &err), FC_OK);
    assert_int_equal(bad, 0);
    assert_int_equal(count, 6);
    /* the rebuilt table is still append-only */
    assert_int_not_equal(fixture_raw_sql(&f, "UPDATE audit_event SET purpose = 'x'"), 0);
    store_close(s);
    fixture_rmdir(f.dir);
}

static void test_migrate_refuses_newer_schema(void **state)
{
    (void)state;
    struct store_fixture f;
    struct store *s;
    struct fc_err err = { 0 };
    int v;
    assert_int_equal(fixture_prepare(&f), 0);
    assert_int_equal(store_open(f.url, &s, &err), FC_OK);
    assert_int_equal(store_migrate(s, &v, &err), FC_OK);
    store_close(s);
    assert_int_equal(fixture_raw_sql(&f, "PRAGMA user_version = 9999"), 0);
    assert_int_equal(store_open(f.url, &s, &err), FC_OK);
    assert_int_equal(store_migrate(s, &v, &err), FC_EUNAVAIL);
    assert_non_null(strstr(err.msg, "newer"));
    assert_int_equal(store_check(s, &err), FC_EUNAVAIL);
    store_close(s);
    fixture_rmdir(f.dir);
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_migrate_from_empty_reaches_latest),
        cmocka_unit_test(test_migrate_from_each_earlier_version_keeps_data),
        cmocka_unit_test(test_migrate_refuses_newer_schema),
        cmocka_unit_test(test_audit_chain_survives_migration_0007),
    };
    if (argc > 1)
        cmocka_set_test_filter(argv[1]);
    return cmocka_run_group_tests_name("store/sqlite/migrations", tests, NULL, NULL);
}
