/*
 * http/ratelimit.h: failed-attempt counting with lockout and exponential backoff.
 *
 * Used for sign-in: one limiter keyed by username, one by client address. A key that has
 * failed `threshold` times within the window is locked for base_s seconds, doubling with
 * every further failure up to max_s. A success resets the key. Keys are hashed with a
 * per-process secret (SipHash), so the table holds no usernames or addresses.
 * The table is fixed-size: when full, the least recently failed entry is evicted, so
 * memory is bounded whatever clients send. Thread-safe (one mutex).
 */
#ifndef FC_HTTP_RATELIMIT_H
#define FC_HTTP_RATELIMIT_H

#include "store/model.h"

struct http_ratelimit;

/* Returns NULL when out of memory. window_s: failures older than this are forgotten. */
struct http_ratelimit *http_ratelimit_create(unsigned threshold, unsigned base_s, unsigned max_s,
                                             unsigned window_s);
void http_ratelimit_free(struct http_ratelimit *rl); /* NULL-safe */

/* Seconds the key stays locked at `now`; 0 when it may try. */
unsigned http_ratelimit_check(struct http_ratelimit *rl, const char *key, fc_time_t now);
/* Records a failure; returns the lock (seconds) it starts, 0 if none. */
unsigned http_ratelimit_fail(struct http_ratelimit *rl, const char *key, fc_time_t now);
/* Forgets the key's failures (after a success). */
void http_ratelimit_reset(struct http_ratelimit *rl, const char *key);

/*
 * The same policy over failures counted elsewhere (the store, shared by every node):
 * seconds still locked at `now` after `failures` failures, the last at `last_at`; 0 when
 * it may try. http_ratelimit_window_s gives the window the counter must use.
 */
unsigned http_ratelimit_left(const struct http_ratelimit *rl, int64_t failures,
                             fc_time_t last_at, fc_time_t now);
unsigned http_ratelimit_window_s(const struct http_ratelimit *rl);

#endif
