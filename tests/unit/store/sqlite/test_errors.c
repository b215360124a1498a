/*
 * SQLite error mapping: what each SQLite result becomes, and that a constraint's column
 * reaches err->field. Backend-specific, so it sits beside the backend's other tests.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h> /* after the headers it needs */

#include "store/sqlite/sqlite_internal.h"

static void test_errors_unavailable_conditions_are_retryable(void **state)
{
    (void)state;
    struct fc_err err = { 0 };
    assert_int_equal(sqlite_status(NULL, SQLITE_BUSY, "contact", &err), FC_EUNAVAIL);
    assert_non_null(strstr(err.msg, "busy"));
    assert_int_equal(sqlite_status(NULL, SQLITE_LOCKED, "contact", &err), FC_EUNAVAIL);
    assert_int_equal(sqlite_status(NULL, SQLITE_FULL, "contact", &err), FC_EUNAVAIL);
    assert_non_null(strstr(err.msg, "disk full"));
    assert_int_equal(sqlite_status(NULL, SQLITE_READONLY, "contact", &err), FC_EUNAVAIL);
    assert_non_null(strstr(err.msg, "read-only"));
    assert_int_equal(sqlite_status(NULL, SQLITE_IOERR_WRITE, "contact", &err), FC_EUNAVAIL);
    assert_int_equal(sqlite_status(NULL, SQLITE_CORRUPT, "contact", &err), FC_EUNAVAIL);
    assert_int_equal(sqlite_status(NULL, SQLITE_NOMEM, "contact", &err), FC_ENOMEM);
    assert_int_equal(sqlite_status(NULL, SQLITE_DONE, "contact", &err), FC_OK);
}

/* Runs sql on a fresh in-memory database and maps the failure. */
static int map(const char *setup, const char *sql, struct fc_err *err)
{
    sqlite3 *db;
    assert_int_equal(sqlite3_open(":memory:", &db), SQLITE_OK);
    sqlite3_extended_result_codes(db, 1);
    sqlite3_exec(db, "PRAGMA foreign_keys=ON", NULL, NULL, NULL);
    assert_int_equal(sqlite3_exec(db, setup, NULL, NULL, NULL), SQLITE_OK);
    int rc = sqlite3_exec(db, sql, NULL, NULL, NULL);
    int status = sqlite_status(db, sqlite3_extended_errcode(db), "thing", err);
    assert_int_not_equal(rc, SQLITE_OK);
    sqlite3_close(db);
    return status;
}

static void test_errors_constraints_name_the_column(void **state)
{
    (void)state;
    struct fc_err err = { 0 };
    const char *schema = "CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE,"
                         " kind TEXT CONSTRAINT kind CHECK (kind IN ('a', 'b')),"
                         " parent INTEGER REFERENCES t (id)) STRICT;"
                         "INSERT INTO t (id, name) VALUES (1, 'x');"
                         "CREATE TRIGGER t_no_delete BEFORE DELETE ON t"
                         " BEGIN SELECT RAISE(ABORT, 't is append-only'); END;";
    assert_int_equal(map(schema, "INSERT INTO t (name) VALUES ('x')", &err), FC_ECONFLICT);
    assert_string_equal(err.field, "name");
    assert_int_equal(map(schema, "INSERT INTO t (id, name) VALUES (1, 'y')", &err), FC_ECONFLICT);
    assert_string_equal(err.field, "id");
    assert_int_equal(map(schema, "INSERT INTO t (kind) VALUES ('a')", &err), FC_EINVAL);
    assert_string_equal(err.field, "name");
    assert_non_null(strstr(err.msg, "required"));
    assert_int_equal(map(schema, "INSERT INTO t (name, kind) VALUES ('z', 'c')", &err), FC_EINVAL);
    assert_string_equal(err.field, "kind");
    assert_int_equal(map(schema, "INSERT INTO t (name, parent) VALUES ('z', 99)", &err), FC_EINVAL);
    assert_int_equal(map(schema, "DELETE FROM t", &err), FC_ECONFLICT);
    assert_non_null(strstr(err.msg, "append-only"));
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_errors_unavailable_conditions_are_retryable),
        cmocka_unit_test(test_errors_constraints_name_the_column),
    };
    if (argc > 1)
        cmocka_set_test_filter(argv[1]);
    return cmocka_run_group_tests_name("store/sqlite/errors", tests, NULL, NULL);
}
