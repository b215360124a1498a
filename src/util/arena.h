/*
 * util/arena.h: a bump allocator whose memory is freed all at once.
 *
 * One arena per HTTP request or per batch row: parsed input, query results and rendered
 * output live in it and go together at arena_free(). Allocation never fails silently:
 * on exhaustion of the maximum size it returns NULL. Not thread-safe: one owner thread.
 */
#ifndef FC_UTIL_ARENA_H
#define FC_UTIL_ARENA_H

#include <stddef.h>

struct arena_chunk;

struct arena {
    struct arena_chunk *head;
    size_t used_bytes;  /* total handed out, for limits */
    size_t max_bytes;   /* 0 means no limit */
};

/* Initialises an empty arena; max_bytes 0 means unlimited. */
void arena_init(struct arena *a, size_t max_bytes);
/* Frees every allocation; the arena may be reused afterwards. NULL-safe. */
void arena_free(struct arena *a);
/* Returns zeroed memory aligned for any type, or NULL when over the limit or out of memory. */
void *arena_alloc(struct arena *a, size_t size);
/* Copies a NUL-terminated string (NULL gives NULL). */
char *arena_strdup(struct arena *a, const char *s);
/* Copies n bytes and terminates them. */
char *arena_strndup(struct arena *a, const char *s, size_t n);
/* printf into the arena. */
char *arena_sprintf(struct arena *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
