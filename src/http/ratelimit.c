/* http/ratelimit.c: see ratelimit.h. Open addressing over a fixed table, probing 8 slots. */
#include "http/ratelimit.h"

#include <pthread.h>
#include <sodium.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define RL_SLOTS 4096 /* power of two */
#define RL_PROBE 8

struct rl_entry {
    uint64_t key; /* 0: empty */
    unsigned failures;
    fc_time_t last_fail;
    fc_time_t locked_until;
};

struct http_ratelimit {
    pthread_mutex_t lock;
    unsigned threshold, base_s, max_s, window_s;
    unsigned char secret[crypto_shorthash_KEYBYTES];
    struct rl_entry slots[RL_SLOTS];
};

struct http_ratelimit *http_ratelimit_create(unsigned threshold, unsigned base_s, unsigned max_s,
                                             unsigned window_s)
{
    if (sodium_init() < 0)
        return NULL;
    struct http_ratelimit *rl = calloc(1, sizeof(*rl));
    if (rl == NULL)
        return NULL;
    pthread_mutex_init(&rl->lock, NULL);
    rl->threshold = threshold > 0 ? threshold : 1;
    rl->base_s = base_s > 0 ? base_s : 1;
    rl->max_s = max_s >= rl->base_s ? max_s : rl->base_s;
    rl->window_s = window_s;
    randombytes_buf(rl->secret, sizeof(rl->secret));
    return rl;
}

void http_ratelimit_free(struct http_ratelimit *rl)
{
    if (rl == NULL)
        return;
    pthread_mutex_destroy(&rl->lock);
    free(rl);
}

static uint64_t key_hash(const struct http_ratelimit *rl, const char *key)
{
    unsigned char h[crypto_shorthash_BYTES];
    uint64_t v;
    crypto_shorthash(h, (const unsigned char *)key, strlen(key), rl->secret);
    memcpy(&v, h, sizeof(v));
    return v != 0 ? v : 1;
}

/* Finds the key's slot; with `create`, claims an empty or the stalest slot. Lock held. */
static struct rl_entry *find(struct http_ratelimit *rl, uint64_t k, bool create)
{
    size_t start = (size_t)(k & (RL_SLOTS - 1));
    struct rl_entry *victim = NULL;
    for (size_t i = 0; i < RL_PROBE; i++) {
        struct rl_entry *e = &rl->slots[(start + i) & (RL_SLOTS - 1)];
        if (e->key == k)
            return e;
        if (e->key == 0) {
            if (victim == NULL || victim->key != 0)
                victim = e;
        } else if (victim == NULL || (victim->key != 0 && e->last_fail < victim->last_fail)) {
            victim = e;
        }
    }
    if (!create)
        return NULL;
    memset(victim, 0, sizeof(*victim));
    victim->key = k;
    return victim;
}

unsigned http_ratelimit_check(struct http_ratelimit *rl, const char *key, fc_time_t now)
{
    uint64_t k = key_hash(rl, key);
    unsigned left = 0;
    pthread_mutex_lock(&rl->lock);
    struct rl_entry *e = find(rl, k, false);
    if (e != NULL && e->locked_until > now)
        left = (unsigned)(e->locked_until - now);
    pthread_mutex_unlock(&rl->lock);
    return left;
}

/* Lock length after `failures` failures: base, doubling per failure past the threshold. */
static unsigned lock_for(const struct http_ratelimit *rl, int64_t failures)
{
    if (failures < (int64_t)rl->threshold)
        return 0;
    int64_t extra = failures - rl->threshold;
    uint64_t s = rl->base_s;
    while (extra-- > 0 && s < rl->max_s)
        s *= 2;
    return s > rl->max_s ? rl->max_s : (unsigned)s;
}

unsigned http_ratelimit_left(const struct http_ratelimit *rl, int64_t failures,
                             fc_time_t last_at, fc_time_t now)
{
    fc_time_t until = last_at + (fc_time_t)lock_for(rl, failures);
    return until > now ? (unsigned)(until - now) : 0;
}

unsigned http_ratelimit_window_s(const struct http_ratelimit *rl)
{
    return rl->window_s;
}

unsigned http_ratelimit_fail(struct http_ratelimit *rl, const char *key, fc_time_t now)
{
    uint64_t k = key_hash(rl, key);
    unsigned lock_s = 0;
    pthread_mutex_lock(&rl->lock);
    struct rl_entry *e = find(rl, k, true);
    if (e->failures > 0 && rl->window_s > 0 && now - e->last_fail > (fc_time_t)rl->window_s &&
        e->locked_until <= now)
        e->failures = 0; /* an old streak is forgotten */
    e->failures++;
    e->last_fail = now;
    if (e->failures >= rl->threshold) {
        lock_s = lock_for(rl, e->failures);
        e->locked_until = now + (fc_time_t)lock_s;
    }
    pthread_mutex_unlock(&rl->lock);
    return lock_s;
}

void http_ratelimit_reset(struct http_ratelimit *rl, const char *key)
{
    uint64_t k = key_hash(rl, key);
    pthread_mutex_lock(&rl->lock);
    struct rl_entry *e = find(rl, k, false);
    if (e != NULL)
        memset(e, 0, sizeof(*e));
    pthread_mutex_unlock(&rl->lock);
}
