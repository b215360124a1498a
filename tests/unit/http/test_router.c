/* Unit tests for http/router: matching, captures, 404 vs 405, roles; and the real table. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "http/http.h"

static int h_dummy(struct http_req *req, struct http_resp *resp)
{
    (void)req;
    (void)resp;
    return FC_OK;
}

static const struct http_route table[] = {
    { "GET", "/api/v1/persons", h_dummy, HTTP_ROLES_ANY, "search" },
    { "POST", "/api/v1/persons", h_dummy, HTTP_ROLE(ROLE_OFFICER), "create" },
    { "GET", "/api/v1/persons/{id}", h_dummy, HTTP_ROLES_ANY, "get" },
    { "GET", "/api/v1/persons/{id}/flags", h_dummy, HTTP_ROLES_ANY, "flags" },
    { "GET", "/static/{*}", h_dummy, HTTP_ROLES_PUBLIC, "static" },
    { NULL, NULL, NULL, 0, NULL },
};

static enum http_match match(const char *method, const char *path, const struct http_route **r,
                             struct http_param *ps, size_t *n, char *scratch)
{
    return http_router_match(table, method, path, scratch, r, ps, n);
}

static void test_router_literal_path_matches_its_method(void **state)
{
    (void)state;
    const struct http_route *r;
    struct http_param ps[HTTP_MAX_PARAMS];
    size_t n;
    char scratch[128];
    assert_int_equal(match("POST", "/api/v1/persons", &r, ps, &n, scratch), HTTP_MATCH_FOUND);
    assert_string_equal(r->summary, "create");
    assert_int_equal(n, 0);
}

static void test_router_captures_id_segment(void **state)
{
    (void)state;
    const struct http_route *r;
    struct http_param ps[HTTP_MAX_PARAMS];
    size_t n;
    char scratch[128];
    assert_int_equal(match("GET", "/api/v1/persons/42/flags", &r, ps, &n, scratch),
                     HTTP_MATCH_FOUND);
    assert_string_equal(r->summary, "flags");
    assert_int_equal(n, 1);
    assert_int_equal(ps[0].name_len, 2);
    assert_memory_equal(ps[0].name, "id", 2);
    assert_string_equal(ps[0].value, "42");
}

static void test_router_wrong_method_is_405_unknown_path_is_404(void **state)
{
    (void)state;
    const struct http_route *r;
    struct http_param ps[HTTP_MAX_PARAMS];
    size_t n;
    char scratch[128];
    assert_int_equal(match("DELETE", "/api/v1/persons/7", &r, ps, &n, scratch),
                     HTTP_MATCH_NO_METHOD);
    assert_null(r);
    assert_int_equal(match("GET", "/api/v1/people", &r, ps, &n, scratch), HTTP_MATCH_NO_PATH);
    assert_int_equal(match("GET", "/api/v1/persons/", &r, ps, &n, scratch), HTTP_MATCH_NO_PATH);
    assert_int_equal(match("GET", "/api/v1/persons//flags", &r, ps, &n, scratch),
                     HTTP_MATCH_NO_PATH);
    assert_int_equal(match("GET", "api/v1/persons", &r, ps, &n, scratch), HTTP_MATCH_NO_PATH);
    assert_int_equal(match("GET", "/api/v1/persons/1/flags/x", &r, ps, &n, scratch),
                     HTTP_MATCH_NO_PATH);
}

static void test_router_wildcard_takes_the_rest(void **state)
{
    (void)state;
    const struct http_route *r;
    struct http_param ps[HTTP_MAX_PARAMS];
    size_t n;
    char scratch[128];
    assert_int_equal(match("GET", "/static/css/app.css", &r, ps, &n, scratch), HTTP_MATCH_FOUND);
    assert_int_equal(n, 1);
    assert_string_equal(ps[0].value, "css/app.css");
    assert_int_equal(match("HEAD", "/static/js/app.js", &r, ps, &n, scratch), HTTP_MATCH_FOUND);
    assert_int_equal(match("GET", "/static/", &r, ps, &n, scratch), HTTP_MATCH_NO_PATH);
}

static void test_router_roles_are_checked_per_route(void **state)
{
    (void)state;
    assert_true(http_route_allows(&table[1], ROLE_OFFICER));
    assert_false(http_route_allows(&table[1], ROLE_CALL_HANDLER));
    assert_false(http_route_allows(&table[1], ROLE_ADMIN));
    assert_true(http_route_allows(&table[4], ROLE_ADMIN)); /* public */
    assert_false(http_route_allows(&table[0], (enum user_role)ROLE_COUNT));
}

/* The real table: every route has a handler, a summary, a known method, a unique
 * (method, pattern), and every non-public route excludes no one by accident. */
static void test_router_table_is_well_formed(void **state)
{
    (void)state;
    static const char *const methods[] = { "GET", "POST", "PATCH", "PUT", "DELETE" };
    size_t n = 0;
    for (const struct http_route *r = http_routes; r->method != NULL; r++, n++) {
        bool known = false;
        for (size_t i = 0; i < 5; i++)
            known = known || strcmp(methods[i], r->method) == 0;
        assert_true(known);
        assert_non_null(r->handler);
        assert_non_null(r->summary);
        assert_true(r->pattern[0] == '/');
        for (const struct http_route *q = http_routes; q != r; q++)
            assert_false(strcmp(q->method, r->method) == 0 && strcmp(q->pattern, r->pattern) == 0);
        if (strncmp(r->pattern, "/api/v1/", 8) == 0 && r->roles != HTTP_ROLES_PUBLIC)
            assert_int_equal(r->roles & ~HTTP_ROLES_ANY, 0);
    }
    assert_true(n > 10);
}

/* DESIGN section 1: admins never reach people's records; call handlers never flag. */
static void test_router_table_keeps_admin_from_records(void **state)
{
    (void)state;
    char scratch[128];
    const struct http_route *r;
    struct http_param ps[HTTP_MAX_PARAMS];
    size_t n;
    assert_int_equal(http_router_match(http_routes, "GET", "/api/v1/persons/1", scratch, &r, ps,
                                       &n),
                     HTTP_MATCH_FOUND);
    assert_false(http_route_allows(r, ROLE_ADMIN));
    assert_false(http_route_allows(r, ROLE_ANALYST));
    assert_true(http_route_allows(r, ROLE_CALL_HANDLER));
    assert_int_equal(http_router_match(http_routes, "POST", "/api/v1/flags", scratch, &r, ps, &n),
                     HTTP_MATCH_FOUND);
    assert_false(http_route_allows(r, ROLE_CALL_HANDLER));
    assert_true(http_route_allows(r, ROLE_OFFICER));
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_router_literal_path_matches_its_method),
        cmocka_unit_test(test_router_captures_id_segment),
        cmocka_unit_test(test_router_wrong_method_is_405_unknown_path_is_404),
        cmocka_unit_test(test_router_wildcard_takes_the_rest),
        cmocka_unit_test(test_router_roles_are_checked_per_route),
        cmocka_unit_test(test_router_table_is_well_formed),
        cmocka_unit_test(test_router_table_keeps_admin_from_records),
    };
    if (argc > 1)
        cmocka_set_test_filter(argv[1]);
    return cmocka_run_group_tests_name("http/router", tests, NULL, NULL);
}
