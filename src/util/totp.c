/* util/totp.c: RFC 6238 TOTP. See totp.h for the choices. */
#include "util/totp.h"

#include <gnutls/crypto.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

static const char b32_alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

int64_t totp_step_of(int64_t t)
{
    return t >= 0 ? t / TOTP_STEP_S : (t - TOTP_STEP_S + 1) / TOTP_STEP_S;
}

uint32_t totp_hotp(const unsigned char *key, size_t key_len, int64_t step, int digits)
{
    unsigned char msg[8], mac[20];
    uint64_t c = (uint64_t)step;
    for (int i = 7; i >= 0; i--) {
        msg[i] = (unsigned char)(c & 0xffu);
        c >>= 8;
    }
    /* RFC 4226 uses HMAC-SHA-1; libsodium has none, GnuTLS does (see totp.h) */
    if (gnutls_hmac_fast(GNUTLS_MAC_SHA1, key, key_len, msg, sizeof(msg), mac) != 0)
        return UINT32_MAX;
    unsigned off = mac[19] & 0x0fu;
    uint32_t bin = ((uint32_t)(mac[off] & 0x7fu) << 24) | ((uint32_t)mac[off + 1] << 16) |
                   ((uint32_t)mac[off + 2] << 8) | (uint32_t)mac[off + 3];
    uint32_t mod = 1;
    if (digits < 6)
        digits = 6;
    if (digits > 8)
        digits = 8;
    for (int i = 0; i < digits; i++)
        mod *= 10;
    sodium_memzero(mac, sizeof(mac));
    return bin % mod;
}

void totp_base32_encode(const unsigned char *in, size_t n, char *out, size_t cap)
{
    size_t o = 0;
    uint32_t buf = 0;
    int bits = 0;
    for (size_t i = 0; i < n; i++) {
        buf = (buf << 8) | in[i];
        bits += 8;
        while (bits >= 5 && o + 1 < cap) {
            out[o++] = b32_alphabet[(buf >> (bits - 5)) & 31u];
            bits -= 5;
        }
    }
    if (bits > 0 && o + 1 < cap)
        out[o++] = b32_alphabet[(buf << (5 - bits)) & 31u];
    if (cap > 0)
        out[o < cap ? o : cap - 1] = '\0';
}

bool totp_base32_decode(const char *in, unsigned char *out, size_t cap, size_t *out_len)
{
    uint32_t buf = 0;
    int bits = 0;
    size_t o = 0;
    for (const char *p = in; *p != '\0'; p++) {
        char ch = *p;
        if (ch == ' ' || ch == '=')
            continue;
        if (ch >= 'a' && ch <= 'z')
            ch = (char)(ch - 'a' + 'A');
        const char *hit = strchr(b32_alphabet, ch);
        if (hit == NULL || ch == '\0')
            return false;
        buf = (buf << 5) | (uint32_t)(hit - b32_alphabet);
        bits += 5;
        if (bits >= 8) {
            if (o >= cap)
                return false;
            out[o++] = (unsigned char)((buf >> (bits - 8)) & 0xffu);
            bits -= 8;
        }
    }
    *out_len = o;
    return true;
}

void totp_secret_new(char out[TOTP_SECRET_CHARS + 1])
{
    unsigned char raw[TOTP_SECRET_BYTES];
    randombytes_buf(raw, sizeof(raw));
    totp_base32_encode(raw, sizeof(raw), out, TOTP_SECRET_CHARS + 1);
    sodium_memzero(raw, sizeof(raw));
}

bool totp_verify(const char *secret_b32, const char *code, int64_t now, int window,
                 int64_t *out_step)
{
    unsigned char key[64];
    size_t key_len = 0;
    *out_step = 0;
    if (secret_b32 == NULL || code == NULL || strlen(code) != TOTP_DIGITS ||
        strspn(code, "0123456789") != TOTP_DIGITS)
        return false;
    if (!totp_base32_decode(secret_b32, key, sizeof(key), &key_len) || key_len < 10)
        return false;
    int64_t t = totp_step_of(now);
    bool ok = false;
    /* every step is checked, match or not, so the time taken does not depend on which */
    for (int64_t s = t - window; s <= t + window; s++) {
        char want[TOTP_DIGITS + 1];
        snprintf(want, sizeof(want), "%0*u", TOTP_DIGITS, (unsigned)totp_hotp(key, key_len, s,
                                                                             TOTP_DIGITS));
        bool hit = sodium_memcmp(want, code, TOTP_DIGITS) == 0;
        if (hit && !ok)
            *out_step = s;
        ok = ok || hit;
    }
    sodium_memzero(key, sizeof(key));
    return ok;
}

/* Percent-encodes s into out at *o (unreserved characters stay). */
static bool put_enc(const char *s, char *out, size_t cap, size_t *o)
{
    static const char hex[] = "0123456789ABCDEF";
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        bool plain = (*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
                     (*p >= '0' && *p <= '9') || *p == '-' || *p == '.' || *p == '_' || *p == '~';
        if (*o + (plain ? 1 : 3) >= cap)
            return false;
        if (plain) {
            out[(*o)++] = (char)*p;
        } else {
            out[(*o)++] = '%';
            out[(*o)++] = hex[*p >> 4];
            out[(*o)++] = hex[*p & 15u];
        }
    }
    return true;
}

static bool put_raw(const char *s, char *out, size_t cap, size_t *o)
{
    size_t n = strlen(s);
    if (*o + n >= cap)
        return false;
    memcpy(out + *o, s, n + 1); /* with its NUL: out stays a string */
    *o += n;
    return true;
}

bool totp_uri(const char *issuer, const char *account, const char *secret_b32, char *out,
              size_t cap)
{
    size_t o = 0;
    char tail[96];
    snprintf(tail, sizeof(tail), "&algorithm=SHA1&digits=%d&period=%d", TOTP_DIGITS, TOTP_STEP_S);
    bool ok = cap > 0 && put_raw("otpauth://totp/", out, cap, &o) &&
              put_enc(issuer, out, cap, &o) && put_raw(":", out, cap, &o) &&
              put_enc(account, out, cap, &o) && put_raw("?secret=", out, cap, &o) &&
              put_enc(secret_b32, out, cap, &o) && put_raw("&issuer=", out, cap, &o) &&
              put_enc(issuer, out, cap, &o) && put_raw(tail, out, cap, &o);
    if (cap > 0)
        out[ok ? o : 0] = '\0';
    return ok;
}
