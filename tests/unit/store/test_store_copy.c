/*
 * Contract tests for the whole-store copy operations (table_list, rows_each, rows_count,
 * rows_put, row_set, ids_reset) and store_copy, on whichever backend FC_TEST_STORE names:
 * canonical values round-trip exactly, a bad row writes nothing, a copy keeps ids, the
 * audit chain and forward self-references, refuses a non-empty target and resumes.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h> /* after the headers it needs */

#include "store/store.h"
#include "store/store_copy.h"
#include "store_fixture.h"

#define FIX(state)   ((struct store_fixture *)*(state))
#define STORE(state) (FIX(state)->store)

static const struct store_table *find_table(const struct store_table *ts, size_t n,
                                            const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(ts[i].name, name) == 0)
            return &ts[i];
    return NULL;
}

static const struct store_column *find_col(const struct store_table *t, const char *name)
{
    for (size_t i = 0; i < t->n_cols; i++)
        if (strcmp(t->cols[i].name, name) == 0)
            return &t->cols[i];
    return NULL;
}

static bool has_ref(const struct store_table *t, const char *name)
{
    for (size_t i = 0; i < t->n_refs; i++)
        if (strcmp(t->refs[i], name) == 0)
            return true;
    return false;
}

/* A table view naming only some columns, in the order given. */
static struct store_table view(struct arena *a, const struct store_table *t, size_t n, ...)
{
    struct store_table v = *t;
    v.cols = arena_alloc(a, n * sizeof(*v.cols));
    v.n_cols = n;
    va_list ap;
    va_start(ap, n);
    for (size_t i = 0; i < n; i++) {
        const struct store_column *c = find_col(t, va_arg(ap, const char *));
        assert_non_null(c);
        v.cols[i] = *c;
    }
    va_end(ap);
    return v;
}

struct collected {
    size_t n_cols, rows;
    char vals[16][8][128];
    bool null[16][8];
};

static int collect(void *ctx, const char *const *vals)
{
    struct collected *c = ctx;
    if (c->rows >= 16)
        return FC_EINTERNAL;
    for (size_t i = 0; i < c->n_cols; i++) {
        c->null[c->rows][i] = vals[i] == NULL;
        snprintf(c->vals[c->rows][i], sizeof(c->vals[0][0]), "%s", vals[i] ? vals[i] : "");
    }
    c->rows++;
    return FC_OK;
}

static void test_table_list_names_keys_types_and_references(void **state)
{
    struct store *s = STORE(state);
    struct arena a;
    arena_init(&a, 0);
    struct fc_err err = { 0 };
    struct store_table *ts;
    size_t n;
    assert_int_equal(STORE_CALL(s, table_list, &a, &ts, &n, &err), FC_OK);
    assert_null(find_table(ts, n, "meta"));
    assert_null(find_table(ts, n, "schema_version"));
    const struct store_table *person = find_table(ts, n, "person");
    assert_non_null(person);
    assert_int_equal(find_col(person, "id")->key_pos, 1);
    assert_int_equal(find_col(person, "id")->type, STORE_COL_INT);
    assert_true(find_col(person, "merged_into")->is_self_ref);
    assert_false(find_col(person, "created_at")->is_self_ref);
    const struct store_table *contact = find_table(ts, n, "contact");
    assert_non_null(contact);
    assert_true(has_ref(contact, "person"));
    assert_true(has_ref(contact, "incident"));
    assert_true(has_ref(contact, "organisation"));
    assert_false(has_ref(contact, "contact"));
    const struct store_table *session = find_table(ts, n, "session");
    assert_int_equal(find_col(session, "token_hash")->type, STORE_COL_BLOB);
    assert_int_equal(find_col(session, "token_hash")->key_pos, 1);
    const struct store_table *ip = find_table(ts, n, "incident_person");
    assert_int_equal(find_col(ip, "incident_id")->key_pos, 1);
    assert_int_equal(find_col(ip, "person_id")->key_pos, 2);
    assert_int_equal(find_col(ip, "role")->key_pos, 3);
    assert_int_equal(find_col(ip, "role")->type, STORE_COL_TEXT);
    const struct store_table *addr = find_table(ts, n, "person_address");
    assert_int_equal(find_col(addr, "lat")->type, STORE_COL_REAL);
    arena_free(&a);
}

static void test_rows_put_and_each_round_trip_canonical_values(void **state)
{
    struct store *s = STORE(state);
    struct arena a;
    arena_init(&a, 0);
    struct fc_err err = { 0 };
    struct store_table *ts;
    size_t n;
    assert_int_equal(STORE_CALL(s, table_list, &a, &ts, &n, &err), FC_OK);
    struct store_table org = view(&a, find_table(ts, n, "organisation"), 5, "id", "kind", "name",
                                  "open311_jurisdiction", "created_at");
    /* out of key order, with every character the text form escapes, and a NULL */
    const char *rows[] = { "7", "force", "Tab\there\\back\nline\rcr \xc3\xa9", NULL, "1700000000",
                           "3", "health", "Plain", "leics", "-5" };
    assert_int_equal(STORE_CALL(s, rows_put, &org, rows, 2, &err), FC_OK);
    int64_t count = 0;
    assert_int_equal(STORE_CALL(s, rows_count, "organisation", &count, &err), FC_OK);
    assert_int_equal(count, 2);
    struct collected c = { .n_cols = 5 };
    assert_int_equal(STORE_CALL(s, rows_each, &org, collect, &c, &err), FC_OK);
    assert_int_equal(c.rows, 2);
    assert_string_equal(c.vals[0][0], "3"); /* key order */
    assert_string_equal(c.vals[0][3], "leics");
    assert_string_equal(c.vals[0][4], "-5");
    assert_string_equal(c.vals[1][2], "Tab\there\\back\nline\rcr \xc3\xa9");
    assert_true(c.null[1][3]);
    assert_false(c.null[0][3]);
    /* blobs as hex, reals as %.17g */
    struct user u = { .org_id = 3, .username = "u1", .role = ROLE_ADMIN };
    fc_id_t uid;
    assert_int_equal(store_user_insert(s, &u, &uid, &err), FC_OK);
    struct store_table sess =
        view(&a, find_table(ts, n, "session"), 6, "token_hash", "user_id", "csrf", "created_at",
             "last_seen_at", "expires_at");
    char uids[24];
    snprintf(uids, sizeof(uids), "%lld", (long long)uid);
    const char *srow[] = { "00ff10ab00ff10ab00ff10ab00ff10ab00ff10ab00ff10ab00ff10ab00ff10ab",
                           uids, "csrf", "1", "2", "3" };
    assert_int_equal(STORE_CALL(s, rows_put, &sess, srow, 1, &err), FC_OK);
    struct collected cs = { .n_cols = 6 };
    assert_int_equal(STORE_CALL(s, rows_each, &sess, collect, &cs, &err), FC_OK);
    assert_int_equal(cs.rows, 1);
    assert_string_equal(cs.vals[0][0], srow[0]);
    struct person_name nm = { .surname = "Okafor", .prov = { "contact", 0, 0 } };
    struct person_address ad = { .postcode = "LE1 1AA", .lat = 52.6369, .lon = -1.1398,
                                 .prov = { "contact", 0, 0 } };
    struct person p = { .names = &nm, .n_names = 1, .addresses = &ad, .n_addresses = 1 };
    fc_id_t pid;
    assert_int_equal(store_person_insert(s, &p, &pid, &err), FC_OK);
    struct store_table addr = view(&a, find_table(ts, n, "person_address"), 2, "lat", "lon");
    struct collected ca = { .n_cols = 2 };
    assert_int_equal(STORE_CALL(s, rows_each, &addr, collect, &ca, &err), FC_OK);
    char want[32];
    snprintf(want, sizeof(want), "%.17g", 52.6369);
    assert_string_equal(ca.vals[0][0], want);
    snprintf(want, sizeof(want), "%.17g", -1.1398);
    assert_string_equal(ca.vals[0][1], want);
    arena_free(&a);
}

static void test_rows_put_bad_row_writes_nothing(void **state)
{
    struct store *s = STORE(state);
    struct arena a;
    arena_init(&a, 0);
    struct fc_err err = { 0 };
    struct store_table *ts;
    size_t n;
    assert_int_equal(STORE_CALL(s, table_list, &a, &ts, &n, &err), FC_OK);
    struct store_table org =
        view(&a, find_table(ts, n, "organisation"), 4, "id", "kind", "name", "created_at");
    const char *bad_kind[] = { "1", "force", "A", "0", "2", "pirates", "B", "0" };
    assert_int_equal(STORE_CALL(s, rows_put, &org, bad_kind, 2, &err), FC_EINVAL);
    assert_string_equal(err.field, "kind");
    int64_t count = -1;
    assert_int_equal(STORE_CALL(s, rows_count, "organisation", &count, &err), FC_OK);
    assert_int_equal(count, 0);
    struct store_table user = view(&a, find_table(ts, n, "app_user"), 6, "id", "org_id",
                                   "username", "role", "is_disabled", "created_at");
    const char *no_org[] = { "1", "99", "nobody", "admin", "0", "0" };
    assert_int_equal(STORE_CALL(s, rows_put, &user, no_org, 1, &err), FC_EINVAL);
    assert_int_equal(STORE_CALL(s, rows_count, "app_user", &count, &err), FC_OK);
    assert_int_equal(count, 0);
    /* inside a caller's transaction, the failed batch leaves the earlier work */
    assert_int_equal(store_txn_begin(s, &err), FC_OK);
    const char *good[] = { "5", "force", "Kept", "0" };
    assert_int_equal(STORE_CALL(s, rows_put, &org, good, 1, &err), FC_OK);
    const char *dup[] = { "6", "force", "New", "0", "5", "force", "Clash", "0" };
    assert_int_equal(STORE_CALL(s, rows_put, &org, dup, 2, &err), FC_ECONFLICT);
    assert_int_equal(store_txn_commit(s, &err), FC_OK);
    assert_int_equal(STORE_CALL(s, rows_count, "organisation", &count, &err), FC_OK);
    assert_int_equal(count, 1);
    /* row_set on a missing key */
    assert_int_equal(STORE_CALL(s, row_set, &org, "404", "name", "X", &err), FC_ENOTFOUND);
    assert_int_equal(STORE_CALL(s, row_set, &org, "5", "name", "Renamed", &err), FC_OK);
    struct organisation got;
    assert_int_equal(store_org_get(s, 5, &a, &got, &err), FC_OK);
    assert_string_equal(got.name, "Renamed");
    arena_free(&a);
}

static void test_ids_reset_puts_next_id_after_copied_rows(void **state)
{
    struct store *s = STORE(state);
    struct arena a;
    arena_init(&a, 0);
    struct fc_err err = { 0 };
    struct store_table *ts;
    size_t n;
    assert_int_equal(STORE_CALL(s, table_list, &a, &ts, &n, &err), FC_OK);
    struct store_table org =
        view(&a, find_table(ts, n, "organisation"), 4, "id", "kind", "name", "created_at");
    const char *rows[] = { "50", "force", "Fifty", "0" };
    assert_int_equal(STORE_CALL(s, rows_put, &org, rows, 1, &err), FC_OK);
    assert_int_equal(STORE_CALL(s, ids_reset, &err), FC_OK);
    struct organisation o = { .kind = ORG_HEALTH, .name = "Next" };
    fc_id_t id = 0;
    assert_int_equal(store_org_insert(s, &o, &id, &err), FC_OK);
    assert_int_equal(id, 51);
    arena_free(&a);
}

/* A second, empty store of the same backend (a new schema or SQLite file). */
static struct store *second_store(struct store_fixture *f2)
{
    struct fc_err err = { 0 };
    int version;
    struct store *s = NULL;
    assert_int_equal(fixture_prepare(f2), 0);
    assert_int_equal(store_open(f2->url, &s, &err), FC_OK);
    assert_int_equal(store_migrate(s, &version, &err), FC_OK);
    return s;
}

static void second_close(struct store_fixture *f2, struct store *s)
{
    store_close(s);
    if (f2->dir[0])
        fixture_rmdir(f2->dir);
}

static void seed_source(struct store *s)
{
    struct fc_err err = { 0 };
    struct organisation o = { .kind = ORG_FORCE, .name = "Leicestershire Police" };
    fc_id_t org, user, p1, p2, cid;
    assert_int_equal(store_org_insert(s, &o, &org, &err), FC_OK);
    struct user u = { .org_id = org, .username = "handler1", .role = ROLE_CALL_HANDLER };
    assert_int_equal(store_user_insert(s, &u, &user, &err), FC_OK);
    struct person_name nm = { .surname = "Shergill", .prov = { "contact", 0, 0 } };
    struct person p = { .names = &nm, .n_names = 1 };
    assert_int_equal(store_person_insert(s, &p, &p1, &err), FC_OK);
    nm.surname = "Mistry";
    assert_int_equal(store_person_insert(s, &p, &p2, &err), FC_OK);
    /* the older record merged into the newer: a reference forward in key order */
    assert_int_equal(store_person_set_merged(s, p1, p2, &err), FC_OK);
    struct contact c = { .channel = CHANNEL_PHONE,
                         .received_at = 1700000000,
                         .handler_user_id = user,
                         .org_id = org,
                         .caller_person_id = p2,
                         .raw_details = "{\"note\":\"line1\\nline2\\ttab\"}" };
    assert_int_equal(store_contact_insert(s, &c, &cid, &err), FC_OK);
    for (int i = 0; i < 3; i++) {
        struct audit_event ev = { .action = AUDIT_COLLECT, .object_type = "contact",
                                  .object_id = cid, .purpose = "test", .detail = "seed" };
        assert_int_equal(store_audit_append(s, &ev, &err), FC_OK);
    }
}

static int64_t table_rows(const struct store_copy_result *r, const char *name)
{
    for (size_t i = 0; i < r->n_tables; i++)
        if (strcmp(r->tables[i].name, name) == 0)
            return r->tables[i].rows;
    return -1;
}

static void test_copy_keeps_ids_chain_and_merges_then_resumes(void **state)
{
    struct store *src = STORE(state);
    seed_source(src);
    struct store_fixture f2;
    struct store *dst = second_store(&f2);
    struct arena a;
    arena_init(&a, 0);
    struct fc_err err = { 0 };
    struct store_copy_opts o = { .batch_rows = 1 }; /* every row its own batch */
    struct store_copy_result r;
    assert_int_equal(store_copy(src, dst, &o, NULL, NULL, &a, &r, &err), FC_OK);
    assert_int_equal(table_rows(&r, "person"), 2);
    assert_int_equal(table_rows(&r, "audit_event"), 3);
    assert_int_equal(table_rows(&r, "contact"), 1);
    /* the audit chain arrives intact, the merge too, ids as they were */
    int64_t bad = -1, count = 0;
    assert_int_equal(store_audit_verify(dst, &bad, &count, &err), FC_OK);
    assert_int_equal(bad, 0);
    assert_int_equal(count, 3);
    struct person p;
    assert_int_equal(store_person_get(dst, 1, &a, &p, &err), FC_OK);
    assert_int_equal(p.merged_into, 2);
    struct contact c;
    assert_int_equal(store_contact_get(dst, 1, &a, &c, &err), FC_OK);
    assert_string_equal(c.raw_details, "{\"note\":\"line1\\nline2\\ttab\"}");
    /* the target's ids continue after the copied ones */
    struct organisation org = { .kind = ORG_HEALTH, .name = "NHS" };
    fc_id_t oid = 0;
    assert_int_equal(store_org_insert(dst, &org, &oid, &err), FC_OK);
    assert_int_equal(oid, 2);

    /* now the target is not empty: refused, even with allow_non_empty (org 2 is not the
     * source's) */
    struct store_copy_opts o2 = { 0 };
    assert_int_equal(store_copy(src, dst, &o2, NULL, NULL, &a, &r, &err), FC_ECONFLICT);
    assert_non_null(strstr(err.msg, "not empty"));
    o2.allow_non_empty = true;
    assert_int_equal(store_copy(src, dst, &o2, NULL, NULL, &a, &r, &err), FC_ECONFLICT);
    assert_non_null(strstr(err.msg, "organisation"));
    second_close(&f2, dst);

    /* a resumed copy adds only what the source gained since */
    dst = second_store(&f2);
    assert_int_equal(store_copy(src, dst, &o, NULL, NULL, &a, &r, &err), FC_OK);
    struct audit_event ev = { .action = AUDIT_CONSULT, .object_type = "person", .object_id = 2 };
    assert_int_equal(store_audit_append(src, &ev, &err), FC_OK);
    assert_int_equal(store_copy(src, dst, &o2, NULL, NULL, &a, &r, &err), FC_OK);
    assert_int_equal(r.rows, 1);
    assert_int_equal(table_rows(&r, "audit_event"), 4);
    assert_int_equal(store_audit_verify(dst, &bad, &count, &err), FC_OK);
    assert_int_equal(count, 4);
    second_close(&f2, dst);
    arena_free(&a);
}

static void test_copy_to_a_store_lacking_a_table_fails_naming_it(void **state)
{
    struct store *src = STORE(state);
    seed_source(src);
    /* a target whose schema has only the organisation table */
    char dir[256], path[300];
    const char *tmp = getenv("TMPDIR");
    snprintf(dir, sizeof(dir), "%s/fc-copy-XXXXXX", tmp && tmp[0] ? tmp : "/tmp");
    assert_non_null(mkdtemp(dir));
    snprintf(path, sizeof(path), "%s/partial.db", dir);
    sqlite3 *db = NULL;
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    assert_int_equal(sqlite3_exec(db,
                                  "CREATE TABLE organisation (id INTEGER PRIMARY KEY, kind TEXT "
                                  "NOT NULL, name TEXT NOT NULL, open311_jurisdiction TEXT, "
                                  "created_at INTEGER NOT NULL) STRICT",
                                  NULL, NULL, NULL),
                     SQLITE_OK);
    sqlite3_close(db);
    struct store *dst = NULL;
    struct fc_err err = { 0 };
    assert_int_equal(store_open(path, &dst, &err), FC_OK);
    struct arena a;
    arena_init(&a, 0);
    struct store_copy_opts o = { 0 };
    struct store_copy_result r;
    assert_int_equal(store_copy(src, dst, &o, NULL, NULL, &a, &r, &err), FC_EINVAL);
    assert_string_equal(err.field, "table");
    assert_non_null(strstr(err.msg, "is not in the target store"));
    int64_t count = -1;
    assert_int_equal(STORE_CALL(dst, rows_count, "organisation", &count, &err), FC_OK);
    assert_int_equal(count, 0);
    store_close(dst);
    arena_free(&a);
    fixture_rmdir(dir);
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_table_list_names_keys_types_and_references,
                                        fixture_setup, fixture_teardown),
        cmocka_unit_test_setup_teardown(test_rows_put_and_each_round_trip_canonical_values,
                                        fixture_setup, fixture_teardown),
        cmocka_unit_test_setup_teardown(test_rows_put_bad_row_writes_nothing, fixture_setup,
                                        fixture_teardown),
        cmocka_unit_test_setup_teardown(test_ids_reset_puts_next_id_after_copied_rows,
                                        fixture_setup, fixture_teardown),
        cmocka_unit_test_setup_teardown(test_copy_keeps_ids_chain_and_merges_then_resumes,
                                        fixture_setup, fixture_teardown),
        cmocka_unit_test_setup_teardown(test_copy_to_a_store_lacking_a_table_fails_naming_it,
                                        fixture_setup, fixture_teardown),
    };
    if (argc > 1)
        cmocka_set_test_filter(argv[1]);
    return cmocka_run_group_tests(tests, NULL, NULL);
}
