/*
 * tests/fuzz/fuzz.h: helpers shared by the libFuzzer harnesses.
 *
 * Every tests/fuzz/fuzz_<target>.c defines LLVMFuzzerTestOneInput(). Built with clang and
 * -fsanitize=fuzzer it is a fuzzer; built with replay.c (any compiler) it is a replayer of
 * the committed corpus that CTest runs. A harness checks properties of the output (bounds,
 * idempotence, round trips), not only the absence of crashes: FUZZ_CHECK aborts, so a
 * broken property is a finding in both builds.
 * Not thread-safe: one input at a time.
 */
#ifndef FC_TESTS_FUZZ_H
#define FC_TESTS_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_CHECK(cond)                                                                       \
    do {                                                                                       \
        if (!(cond)) {                                                                         \
            fprintf(stderr, "%s:%d: property failed: %s\n", __FILE__, __LINE__, #cond);       \
            abort();                                                                           \
        }                                                                                      \
    } while (0)

/* A malloc'd NUL-terminated copy of the input (stops at an embedded NUL, as C callers do). */
static inline char *fuzz_cstr(const uint8_t *data, size_t size)
{
    char *s = malloc(size + 1);
    if (s == NULL)
        abort();
    memcpy(s, data, size);
    s[size] = '\0';
    return s;
}

/* Splits a NUL-terminated copy at the first separator byte `sep`: *rest gets the tail ("" if
 * none). The separator is overwritten, so both halves are C strings in one buffer. */
static inline void fuzz_split(char *s, char sep, char **rest)
{
    char *p = strchr(s, sep);
    if (p == NULL) {
        *rest = s + strlen(s);
        return;
    }
    *p = '\0';
    *rest = p + 1;
}

/* True when s holds a NUL within the first cap bytes (a fixed buffer was terminated). */
static inline int fuzz_terminated(const char *s, size_t cap)
{
    return memchr(s, '\0', cap) != NULL;
}

#endif
