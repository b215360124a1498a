/* Unit tests for util/totp: RFC 6238 appendix B and RFC 4226 appendix D vectors. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "util/totp.h"

static const unsigned char rfc_key[] = "12345678901234567890";

static void test_totp_rfc6238_sha1_vectors(void **state)
{
    (void)state;
    static const struct {
        int64_t t;
        uint32_t code;
    } v[] = {
        { 59, 94287082u },         { 1111111109, 7081804u },  { 1111111111, 14050471u },
        { 1234567890, 89005924u }, { 2000000000, 69279037u }, { 20000000000LL, 65353130u },
    };
    for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++)
        assert_int_equal(totp_hotp(rfc_key, 20, totp_step_of(v[i].t), 8), v[i].code);
}

static void test_hotp_rfc4226_vectors(void **state)
{
    (void)state;
    static const uint32_t want[] = { 755224, 287082, 359152, 969429, 338314,
                                     254676, 287922, 162583, 399871, 520489 };
    for (int c = 0; c < 10; c++)
        assert_int_equal(totp_hotp(rfc_key, 20, c, 6), want[c]);
}

static void test_base32_round_trip_and_rfc4648(void **state)
{
    (void)state;
    char out[64];
    unsigned char back[64];
    size_t n;
    totp_base32_encode((const unsigned char *)"foobar", 6, out, sizeof(out));
    assert_string_equal(out, "MZXW6YTBOI"); /* RFC 4648 section 10, padding dropped */
    totp_base32_encode(rfc_key, 20, out, sizeof(out));
    assert_string_equal(out, "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ");
    assert_true(totp_base32_decode("gezd gnbv gy3t qojq gezd gnbv gy3t qojq", back, sizeof(back),
                                   &n));
    assert_int_equal(n, 20);
    assert_memory_equal(back, rfc_key, 20);
    assert_false(totp_base32_decode("GEZD1", back, sizeof(back), &n)); /* 1 is not base32 */
    assert_false(totp_base32_decode("GEZDGNBVGY3TQOJQ", back, 4, &n)); /* does not fit */
}

static void test_verify_window_and_malformed_codes(void **state)
{
    (void)state;
    const char *secret = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";
    int64_t now = 1111111111, step;
    char code[8];
    int64_t t = totp_step_of(now);
    for (int d = -1; d <= 1; d++) {
        snprintf(code, sizeof(code), "%06u", (unsigned)totp_hotp(rfc_key, 20, t + d, 6));
        assert_true(totp_verify(secret, code, now, 1, &step));
        assert_int_equal(step, t + d);
    }
    snprintf(code, sizeof(code), "%06u", (unsigned)totp_hotp(rfc_key, 20, t + 2, 6));
    assert_false(totp_verify(secret, code, now, 1, &step));
    snprintf(code, sizeof(code), "%06u", (unsigned)totp_hotp(rfc_key, 20, t - 2, 6));
    assert_false(totp_verify(secret, code, now, 1, &step));
    assert_false(totp_verify(secret, "12345", now, 1, &step));
    assert_false(totp_verify(secret, "12345a", now, 1, &step));
    assert_false(totp_verify(secret, "1234567", now, 1, &step));
    assert_false(totp_verify("not base32!", "123456", now, 1, &step));
    assert_false(totp_verify(NULL, "123456", now, 1, &step));
}

static void test_secret_new_is_random_base32(void **state)
{
    (void)state;
    char a[TOTP_SECRET_CHARS + 1], b[TOTP_SECRET_CHARS + 1];
    unsigned char raw[32];
    size_t n;
    totp_secret_new(a);
    totp_secret_new(b);
    assert_int_equal(strlen(a), TOTP_SECRET_CHARS);
    assert_string_not_equal(a, b);
    assert_true(totp_base32_decode(a, raw, sizeof(raw), &n));
    assert_int_equal(n, TOTP_SECRET_BYTES);
}

static void test_uri_is_encoded(void **state)
{
    (void)state;
    char uri[256];
    assert_true(totp_uri("FirstContact", "a b@x", "GEZDGNBV", uri, sizeof(uri)));
    assert_string_equal(uri, "otpauth://totp/FirstContact:a%20b%40x?secret=GEZDGNBV"
                             "&issuer=FirstContact&algorithm=SHA1&digits=6&period=30");
    assert_false(totp_uri("FirstContact", "a", "GEZDGNBV", uri, 20));
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_totp_rfc6238_sha1_vectors),
        cmocka_unit_test(test_hotp_rfc4226_vectors),
        cmocka_unit_test(test_base32_round_trip_and_rfc4648),
        cmocka_unit_test(test_verify_window_and_malformed_codes),
        cmocka_unit_test(test_secret_new_is_random_base32),
        cmocka_unit_test(test_uri_is_encoded),
    };
    if (argc > 1)
        cmocka_set_test_filter(argv[1]);
    return cmocka_run_group_tests_name("util/totp", tests, NULL, NULL);
}
