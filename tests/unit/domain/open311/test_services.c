/* Unit tests for open311/services: the embedded catalogue, its NSIR mapping and the check
 * of posted attributes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "domain/open311/open311.h"

static const struct open311_service *svc(const char *code)
{
    struct fc_err err = { 0 };
    const struct open311_catalogue *c = open311_catalogue_shared(&err);
    assert_non_null(c);
    const struct open311_service *s = open311_service_find(c, code);
    assert_non_null(s);
    return s;
}

static void test_catalogue_maps_every_service_to_nsir(void **state)
{
    (void)state;
    struct fc_err err = { 0 };
    const struct open311_catalogue *c = open311_catalogue_shared(&err);
    assert_non_null(c);
    assert_true(c->n_services >= 8);
    static const struct {
        const char *code, *type;
        enum nsir_category cat;
    } want[] = {
        { "ASB_NOISE", "noise", NSIR_NUISANCE },
        { "ASB_ROWDY", "rowdy_inconsiderate_behaviour", NSIR_NUISANCE },
        { "ASB_NEIGHBOUR", "neighbour_dispute", NSIR_NUISANCE },
        { "ASB_HARASSMENT", "intimidation_harassment", NSIR_PERSONAL },
        { "ASB_VEHICLE", "vehicle_nuisance", NSIR_NUISANCE },
        { "ASB_FLYTIP", "littering_fly_tipping", NSIR_ENVIRONMENTAL },
        { "ASB_GRAFFITI", "graffiti_criminal_damage", NSIR_ENVIRONMENTAL },
        { "ASB_DRINK_DRUGS", "street_drinking_drugs", NSIR_NUISANCE },
    };
    for (size_t i = 0; i < sizeof(want) / sizeof(*want); i++) {
        const struct open311_service *s = svc(want[i].code);
        assert_string_equal(s->incident_type, want[i].type);
        assert_int_equal(s->category, want[i].cat);
    }
    assert_null(open311_service_find(c, "ASB_NOPE"));
    assert_null(open311_service_find(c, NULL));
}

static void test_attributes_pick_the_category_and_are_recorded(void **state)
{
    (void)state;
    struct arena a;
    struct fc_err err = { 0 };
    enum nsir_category cat;
    char *json;
    arena_init(&a, 0);
    const struct open311_service *s = svc("ASB_NOISE");
    struct open311_attr_value v[] = { { "NOISE_SOURCE", "MUSIC" },
                                      { "NOISE_TIME", "NIGHT" },
                                      { "AFFECTS", "HOUSEHOLD" } };
    assert_int_equal(open311_attributes_check(s, v, 3, &a, &cat, &json, &err), FC_OK);
    assert_int_equal(cat, NSIR_PERSONAL);
    assert_string_equal(json, "{\"AFFECTS\":\"HOUSEHOLD\",\"NOISE_SOURCE\":\"MUSIC\","
                              "\"NOISE_TIME\":\"NIGHT\"}");
    v[2].value = "COMMUNITY";
    assert_int_equal(open311_attributes_check(s, v, 3, &a, &cat, &json, &err), FC_OK);
    assert_int_equal(cat, NSIR_NUISANCE);
    /* without the answer, the service's own category */
    assert_int_equal(open311_attributes_check(s, v, 2, &a, &cat, &json, &err), FC_OK);
    assert_int_equal(cat, NSIR_NUISANCE);
    /* a multivaluelist repeats its code and is kept as a list */
    struct open311_attr_value w[] = { { "WASTE_TYPE", "TYRES" }, { "WASTE_TYPE", "GARDEN" } };
    assert_int_equal(open311_attributes_check(svc("ASB_FLYTIP"), w, 2, &a, &cat, &json, &err),
                     FC_OK);
    assert_int_equal(cat, NSIR_ENVIRONMENTAL);
    assert_string_equal(json, "{\"WASTE_TYPE\":[\"TYRES\",\"GARDEN\"]}");
    arena_free(&a);
}

static void expect_bad(const char *service, const struct open311_attr_value *v, size_t n,
                       const char *field)
{
    struct arena a;
    struct fc_err err = { 0 };
    enum nsir_category cat;
    char *json;
    arena_init(&a, 0);
    assert_int_equal(open311_attributes_check(svc(service), v, n, &a, &cat, &json, &err),
                     FC_EINVAL);
    assert_string_equal(err.field, field);
    arena_free(&a);
}

static void test_bad_attributes_name_their_field(void **state)
{
    (void)state;
    struct open311_attr_value missing[] = { { "NOISE_SOURCE", "MUSIC" } };
    expect_bad("ASB_NOISE", missing, 1, "attribute[NOISE_TIME]");
    struct open311_attr_value unlisted[] = { { "NOISE_SOURCE", "BAGPIPES" },
                                             { "NOISE_TIME", "NIGHT" } };
    expect_bad("ASB_NOISE", unlisted, 2, "attribute[NOISE_SOURCE]");
    struct open311_attr_value unknown[] = { { "SHOE_SIZE", "9" } };
    expect_bad("ASB_GRAFFITI", unknown, 1, "attribute[SHOE_SIZE]");
    struct open311_attr_value notice[] = { { "SAFETY_NOTE", "x" } };
    expect_bad("ASB_ROWDY", notice, 1, "attribute[SAFETY_NOTE]");
    struct open311_attr_value twice[] = { { "OFFENSIVE", "Y" }, { "OFFENSIVE", "N" } };
    expect_bad("ASB_GRAFFITI", twice, 2, "attribute[OFFENSIVE]");
    struct open311_attr_value num[] = { { "ONGOING", "Y" }, { "PEOPLE_COUNT", "ten" } };
    expect_bad("ASB_ROWDY", num, 2, "attribute[PEOPLE_COUNT]");
    struct open311_attr_value when[] = { { "NOISE_SOURCE", "DOG" },
                                         { "NOISE_TIME", "DAY" },
                                         { "STARTED", "last week" } };
    expect_bad("ASB_NOISE", when, 3, "attribute[STARTED]");
}

static void test_catalogue_parse_refuses_broken_tables(void **state)
{
    (void)state;
    static const struct {
        const char *json, *field;
    } bad[] = {
        { "{\"version\":\"v\",\"services\":[]}", "services" },
        { "{\"version\":\"v\",\"services\":[{\"code\":\"a-b\",\"name\":\"x\"}]}", "services" },
        { "{\"version\":\"v\",\"services\":[{\"code\":\"A\",\"name\":\"x\",\"category\":"
          "\"loud\",\"incident_type\":\"noise\"}]}",
          "A" },
        { "{\"version\":\"v\",\"services\":[{\"code\":\"A\",\"name\":\"x\",\"category\":"
          "\"nuisance\",\"incident_type\":\"jaywalking\"}]}",
          "A" },
        { "{\"version\":\"v\",\"services\":[{\"code\":\"A\",\"name\":\"x\",\"category\":"
          "\"nuisance\",\"incident_type\":\"noise\",\"attributes\":[{\"code\":\"L\","
          "\"datatype\":\"singlevaluelist\",\"description\":\"d\"}]}]}",
          "A" },
        { "{\"version\":\"v\",\"services\":[{\"code\":\"A\",\"name\":\"x\",\"category\":"
          "\"nuisance\",\"incident_type\":\"noise\",\"attributes\":[{\"code\":\"L\","
          "\"datatype\":\"singlevaluelist\",\"description\":\"d\",\"values\":[{\"key\":\"K\","
          "\"name\":\"k\"}]}],\"category_attribute\":{\"code\":\"L\",\"map\":{}}}]}",
          "A" },
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
        struct open311_catalogue *c = NULL;
        struct fc_err err = { 0 };
        assert_int_equal(open311_catalogue_parse(bad[i].json, strlen(bad[i].json), &c, &err),
                         FC_EINVAL);
        assert_null(c);
        assert_string_equal(err.field, bad[i].field);
    }
    const char *ok = "{\"version\":\"v\",\"services\":[{\"code\":\"A\",\"name\":\"x\","
                     "\"category\":\"environmental\",\"incident_type\":\"graffiti_criminal_"
                     "damage\"}]}";
    struct open311_catalogue *c = NULL;
    struct fc_err err = { 0 };
    assert_int_equal(open311_catalogue_parse(ok, strlen(ok), &c, &err), FC_OK);
    assert_int_equal(c->n_services, 1);
    assert_int_equal(c->services[0].category, NSIR_ENVIRONMENTAL);
    open311_catalogue_free(c);
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_catalogue_maps_every_service_to_nsir),
        cmocka_unit_test(test_attributes_pick_the_category_and_are_recorded),
        cmocka_unit_test(test_bad_attributes_name_their_field),
        cmocka_unit_test(test_catalogue_parse_refuses_broken_tables),
    };
    if (argc > 1)
        cmocka_set_test_filter(argv[1]);
    return cmocka_run_group_tests_name("domain/open311/services", tests, NULL, NULL);
}
