/*
 * util/utf8.h: strict UTF-8 validation (RFC 3629).
 *
 * Rejects overlong forms, surrogates (U+D800..U+DFFF), code points above U+10FFFF and
 * truncated sequences. Embedded NUL bytes are reported separately, because C strings end
 * at them. Knows nothing of HTTP or JSON. Pure and thread-safe.
 */
#ifndef FC_UTIL_UTF8_H
#define FC_UTIL_UTF8_H

#include <stdbool.h>
#include <stddef.h>

/*
 * True when s[0..len) is well-formed UTF-8 with no NUL byte. On false, *bad_offset (may be
 * NULL) gets the offset of the first offending byte.
 */
bool utf8_is_valid(const char *s, size_t len, size_t *bad_offset);

/* The number of code points in a valid UTF-8 string of len bytes. */
size_t utf8_length(const char *s, size_t len);

#endif
