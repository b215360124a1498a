/* Normalisers and comparisons of person matching, checked against known vectors. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "domain/match/match_internal.h"
#include "domain/match/norm.h"
#include "unit/domain/match/vectors.h"

static void jw_row(char **c, int n, void *ctx)
{
    (void)n;
    (void)ctx;
    double want = atof(c[2]);
    double got = jaro_winkler(c[0], c[1]);
    if (fabs(got - want) > 0.0005)
        fail_msg("jaro_winkler(%s,%s) = %.4f, want %.3f", c[0], c[1], got, want);
}

static void test_jaro_winkler_vectors(void **state)
{
    (void)state;
    assert_true(vectors_each("jaro_winkler.tsv", jw_row, NULL) >= 4);
    assert_true(jaro_winkler("", "") == 1.0);
    assert_true(jaro("a", "") == 0.0);
}

static void test_edit_distance(void **state)
{
    (void)state;
    assert_int_equal(edit_distance("kitten", "sitting", 5), 3);
    assert_int_equal(edit_distance("07408584375", "07480584375", 2), 1); /* transposition */
    assert_int_equal(edit_distance("abc", "abc", 1), 0);
    assert_int_equal(edit_distance("abcdef", "ab", 2), 3); /* capped: cap + 1 */
    /* an empty side is a pure insertion either way round (found by tests/fuzz/fuzz_name) */
    assert_int_equal(edit_distance("ab", "", 3), 2);
    assert_int_equal(edit_distance("", "ab", 3), 2);
}

static void dm_row(char **c, int n, void *ctx)
{
    (void)n;
    (void)ctx;
    char p[DMETAPHONE_LEN + 1], a[DMETAPHONE_LEN + 1];
    dmetaphone(c[0], p, a);
    if (strcmp(p, c[1]) != 0 || strcmp(a, c[2]) != 0)
        fail_msg("dmetaphone(%s) = %s/%s, want %s/%s", c[0], p, a, c[1], c[2]);
}

/* Leaves non-zero bytes where meta_pack's locals will live next. */
static __attribute__((noinline)) void dirty_stack(void)
{
    volatile unsigned char junk[512];
    for (size_t i = 0; i < sizeof junk; i++)
        junk[i] = (unsigned char)(0xA5 ^ i);
}

/* The packed code of a name whose metaphone is shorter than four letters is padded with
 * zero bytes, whatever was on the stack: blocking keys and the interner must agree. */
static void test_meta_pack_short_codes_are_zero_padded(void **state)
{
    (void)state;
    char p[DMETAPHONE_LEN + 1], a[DMETAPHONE_LEN + 1];
    dmetaphone("hart", p, a);
    assert_string_equal(p, "HRT");
    dirty_stack();
    assert_int_equal(meta_pack("hart"), (uint32_t)'H' << 24 | (uint32_t)'R' << 16 | 'T' << 8);
    dirty_stack();
    assert_int_equal(meta_pack("ash"), meta_pack("ash"));
    dmetaphone("ash", p, a);
    assert_int_equal(meta_pack("ash"), (uint32_t)(unsigned char)p[0] << 24 |
                                           (p[1] ? (uint32_t)(unsigned char)p[1] << 16 : 0));
    /* four letters or more: the first four */
    dmetaphone("montgomery", p, a);
    assert_int_equal(meta_pack("montgomery"),
                     (uint32_t)(unsigned char)p[0] << 24 | (uint32_t)(unsigned char)p[1] << 16 |
                         (uint32_t)(unsigned char)p[2] << 8 | (unsigned char)p[3]);
}

static void test_dmetaphone_vectors(void **state)
{
    (void)state;
    assert_true(vectors_each("dmetaphone.tsv", dm_row, NULL) >= 10);
    char p[DMETAPHONE_LEN + 1], a[DMETAPHONE_LEN + 1];
    dmetaphone("", p, a);
    assert_string_equal(p, "");
}

static const char *level_name(enum postcode_level l)
{
    static const char *const n[] = { "none", "area", "district", "sector", "unit" };
    return n[l];
}

static void pc_row(char **c, int n, void *ctx)
{
    (void)n;
    (void)ctx;
    struct postcode pc;
    enum postcode_level l = postcode_parse(c[0], &pc);
    if (strcmp(level_name(l), c[1]) != 0)
        fail_msg("postcode_parse(%s) level %s, want %s", c[0], level_name(l), c[1]);
    if (strcmp(pc.unit, c[2]) || strcmp(pc.sector, c[3]) || strcmp(pc.district, c[4]) ||
        strcmp(pc.area, c[5]))
        fail_msg("postcode_parse(%s) = [%s|%s|%s|%s]", c[0], pc.unit, pc.sector, pc.district,
                 pc.area);
}

static void test_postcode_vectors(void **state)
{
    (void)state;
    assert_true(vectors_each("postcode.tsv", pc_row, NULL) >= 10);
}

static void test_postcode_coords(void **state)
{
    (void)state;
    double lat, lon;
    assert_true(postcode_coords("LE1 1AA", &lat, &lon));
    assert_true(fabs(lat - 52.6321) < 0.001 && fabs(lon + 1.1250) < 0.001);
    assert_false(postcode_coords("ZZ9 9ZZ", &lat, &lon));
    double d = geo_distance_m(52.632105, -1.124996, 52.635524, -1.129036);
    assert_true(d > 400 && d < 500); /* LE1 1AA to LE1 1AD, about 470 m */
}

static void phone_row(char **c, int n, void *ctx)
{
    (void)n;
    (void)ctx;
    char out[20];
    bool ok = phone_normalise(c[0], out, sizeof out);
    if (ok != (c[1][0] != '\0') || strcmp(out, c[1]) != 0)
        fail_msg("phone_normalise(%s) = %s, want %s", c[0], out, c[1]);
}

static void test_phone_vectors(void **state)
{
    (void)state;
    assert_true(vectors_each("phone.tsv", phone_row, NULL) >= 10);
    assert_true(phone_is_mobile("+447700900123"));
    assert_false(phone_is_mobile("+441162757813"));
}

static void dob_row(char **c, int n, void *ctx)
{
    (void)n;
    (void)ctx;
    int32_t v;
    enum dob_status s = dob_parse(c[0], 2025, &v);
    const char *sn = s == DOB_OK ? "ok" : s == DOB_PLACEHOLDER ? "placeholder" : "missing";
    if (strcmp(sn, c[1]) != 0 || v != atoi(c[2]))
        fail_msg("dob_parse(%s) = %s %d, want %s %s", c[0], sn, v, c[1], c[2]);
}

static void test_dob_vectors(void **state)
{
    (void)state;
    assert_true(vectors_each("dob.tsv", dob_row, NULL) >= 10);
}

static void join(char *out, size_t cap, char toks[][NAME_TOKEN_LEN], size_t n)
{
    size_t l = 0;
    out[0] = '\0';
    for (size_t i = 0; i < n && l < cap; i++)
        l += (size_t)snprintf(out + l, cap - l, "%s%s", i ? " " : "", toks[i]);
}

static void name_row(char **c, int n, void *ctx)
{
    (void)n;
    (void)ctx;
    struct name_norm nn;
    char mid[256], sur[256];
    name_normalise(c[0], c[1], &nn);
    join(mid, sizeof mid, nn.middles, nn.n_middles);
    join(sur, sizeof sur, nn.surs, nn.n_surs);
    if (strcmp(nn.fore, c[2]) || strcmp(mid, c[3]) || strcmp(sur, c[4]))
        fail_msg("name_normalise(%s|%s) = [%s|%s|%s]", c[0], c[1], nn.fore, mid, sur);
}

static void test_name_vectors(void **state)
{
    (void)state;
    assert_true(vectors_each("names.tsv", name_row, NULL) >= 5);
    struct name_norm nn;
    name_normalise_full("SHERGILL, Ravinder Kaur", &nn);
    assert_string_equal(nn.fore, "ravinder");
    assert_string_equal(nn.middles[0], "kaur");
    assert_string_equal(nn.surs[0], "shergill");
    name_normalise_full("Maisie Jane Thompson", &nn);
    assert_string_equal(nn.fore, "maisie");
    assert_string_equal(nn.surs[0], "thompson");
    assert_true(name_is_title("mrs"));
    assert_false(name_is_title("marsha"));
}

static void nick_row(char **c, int n, void *ctx)
{
    (void)n;
    (void)ctx;
    enum name_relation r = nickname_relation(c[0], c[1]);
    const char *rn = r == NAME_REL_NICKNAME ? "nickname" : r == NAME_REL_SPELLING ? "spelling"
                                                                                 : "none";
    if (strcmp(rn, c[2]) != 0)
        fail_msg("nickname_relation(%s,%s) = %s, want %s", c[0], c[1], rn, c[2]);
}

static void test_nickname_vectors(void **state)
{
    (void)state;
    assert_true(vectors_each("nicknames.tsv", nick_row, NULL) >= 5);
    char formal[32];
    assert_true(nickname_formal("kasia", formal, sizeof formal));
    assert_string_equal(formal, "katarzyna");
    assert_false(nickname_formal("katarzyna", formal, sizeof formal));
}

static void addr_row(char **c, int n, void *ctx)
{
    (void)n;
    (void)ctx;
    struct address_norm a;
    address_parse(c[0], &a);
    if (strcmp(a.flat, c[1]) || strcmp(a.number, c[2]) || strcmp(a.building, c[3]) ||
        strcmp(a.street_key, c[4]))
        fail_msg("address_parse(%s) = [%s|%s|%s|%s]", c[0], a.flat, a.number, a.building,
                 a.street_key);
}

static void test_address_vectors(void **state)
{
    (void)state;
    assert_true(vectors_each("address.tsv", addr_row, NULL) >= 8);
    assert_string_equal(address_expand("rd", true), "road");
    assert_string_equal(address_expand("xyzzy", true), "xyzzy");
}

static void test_email(void **state)
{
    (void)state;
    char e[64];
    assert_true(email_normalise(" Dunlopl142@NTLworld.com ", e, sizeof e));
    assert_string_equal(e, "dunlopl142@ntlworld.com");
    assert_false(email_normalise("no-at-sign", e, sizeof e));
    assert_string_equal(e, "");
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_jaro_winkler_vectors),
        cmocka_unit_test(test_edit_distance),
        cmocka_unit_test(test_dmetaphone_vectors),
        cmocka_unit_test(test_meta_pack_short_codes_are_zero_padded),
        cmocka_unit_test(test_postcode_vectors),
        cmocka_unit_test(test_postcode_coords),
        cmocka_unit_test(test_phone_vectors),
        cmocka_unit_test(test_dob_vectors),
        cmocka_unit_test(test_name_vectors),
        cmocka_unit_test(test_nickname_vectors),
        cmocka_unit_test(test_address_vectors),
        cmocka_unit_test(test_email),
    };
    if (argc > 1)
        cmocka_set_test_filter(argv[1]);
    return cmocka_run_group_tests(tests, NULL, NULL);
}
