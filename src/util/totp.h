/*
 * util/totp.h: time-based one-time passwords (RFC 6238 over RFC 4226 HOTP, HMAC-SHA-1,
 * 30-second steps), as authenticator apps implement them, and base32 secrets (RFC 4648).
 *
 * libsodium has no HMAC-SHA-1, so the HMAC comes from GnuTLS (gnutls_hmac_fast), which
 * libmicrohttpd already loads into the process; no hand-written hash. Verification
 * compares every candidate code in constant time and looks at all steps of the window
 * whatever matches, so timing does not tell which step (if any) was right. Replay
 * protection (a step is good once) is the caller's: it stores the last step accepted.
 * Pure functions apart from totp_secret_new (libsodium's random bytes); thread-safe.
 */
#ifndef FC_UTIL_TOTP_H
#define FC_UTIL_TOTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define TOTP_STEP_S 30
#define TOTP_DIGITS 6
#define TOTP_SECRET_BYTES 20      /* 160 bits, RFC 4226 section 4 */
#define TOTP_SECRET_CHARS 32      /* base32 of 20 bytes, no padding */

/* The time step holding unix time t. */
int64_t totp_step_of(int64_t t);

/* HOTP value of `key` at counter `step`, truncated to `digits` (6..8) decimal digits. */
uint32_t totp_hotp(const unsigned char *key, size_t key_len, int64_t step, int digits);

/* Base32 (RFC 4648 alphabet, no padding) of n bytes into out (cap >= 8*n/5 + 2). */
void totp_base32_encode(const unsigned char *in, size_t n, char *out, size_t cap);
/* Decodes base32, ignoring case, spaces and '=' padding; false on any other character or
 * when the result does not fit in cap. */
bool totp_base32_decode(const char *in, unsigned char *out, size_t cap, size_t *out_len);

/* A new random secret as base32 (TOTP_SECRET_CHARS + 1 bytes). */
void totp_secret_new(char out[TOTP_SECRET_CHARS + 1]);

/*
 * Whether `code` (TOTP_DIGITS digits) is the code of `secret_b32` at a step within
 * `window` steps of now's (RFC 6238 section 5.2 allows one step of drift each way).
 * *out_step gets the matching step for the caller's replay check. False for a malformed
 * secret or code.
 */
bool totp_verify(const char *secret_b32, const char *code, int64_t now, int window,
                 int64_t *out_step);

/* The otpauth:// URI an authenticator app reads from a QR code. Returns false if it does
 * not fit. Issuer and account are percent-encoded. */
bool totp_uri(const char *issuer, const char *account, const char *secret_b32, char *out,
              size_t cap);

#endif
