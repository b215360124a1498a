/* domain/match/match_sync.c: see match_sync.h. */
#include "domain/match/match_sync.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <time.h>

#include "store/store.h"
#include "util/log.h"

struct match_sync {
    struct match_service *svc;
    struct store *st;
    int poll_ms;
    pthread_t thread;
    atomic_bool stop;
    pthread_mutex_t lock; /* guards stats */
    struct match_sync_stats stats;
};

struct apply_ctx {
    struct match_service *svc;
    struct store *st;
    size_t applied;
    struct fc_err *err;
};

/* Re-reads a person and adds every identifier row to the index (idempotent); a person left
 * with no identifiers was anonymised by retention and is forgotten. */
static int readd(struct apply_ctx *ax, fc_id_t id)
{
    struct arena a;
    struct person p;
    arena_init(&a, 0);
    int rc = store_person_get(ax->st, id, &a, &p, ax->err);
    if (rc == FC_ENOTFOUND) { /* gone: nothing to index */
        rc = FC_OK;
    } else if (rc == FC_OK && p.n_names + p.n_dobs + p.n_phones + p.n_emails + p.n_addresses == 0) {
        rc = match_person_forget(ax->svc, id, ax->err);
        ax->applied++;
    } else if (rc == FC_OK && p.merged_into == 0) {
        rc = match_person_add_stored(ax->svc, &p, ax->err);
        ax->applied++;
    }
    arena_free(&a);
    return rc;
}

/* An un-merge made elsewhere: both persons as stored now, into the index's own un-merge. */
static int unmerge(struct apply_ctx *ax, fc_id_t from_id, fc_id_t into_id)
{
    struct arena a;
    struct person from, into;
    arena_init(&a, 0);
    int rc = store_person_get(ax->st, from_id, &a, &from, ax->err);
    if (rc == FC_OK)
        rc = store_person_get(ax->st, into_id, &a, &into, ax->err);
    if (rc == FC_OK) {
        rc = match_person_unmerge(ax->svc, &from, &into, ax->err);
        ax->applied++;
    } else if (rc == FC_ENOTFOUND) {
        rc = FC_OK;
    }
    arena_free(&a);
    return rc;
}

static int apply_one(void *ctx, const struct store_change *c)
{
    struct apply_ctx *ax = ctx;
    struct fc_err e;
    if (c->is_own)
        return 0;
    switch (c->kind) {
    case STORE_CHANGE_MERGE:
        /* a person the index never held has nothing to move: not an error */
        if (match_person_merge(ax->svc, c->person_id, c->other_id, &e) == FC_OK)
            ax->applied++;
        return readd(ax, c->other_id);
    case STORE_CHANGE_UNMERGE:
        return c->other_id != 0 ? unmerge(ax, c->person_id, c->other_id) : readd(ax, c->person_id);
    case STORE_CHANGE_PERSON:
        break;
    }
    return readd(ax, c->person_id);
}

int match_sync_apply(struct match_service *svc, struct store *st, int64_t *cursor, size_t *applied,
                     bool *rebuilt, struct fc_err *err)
{
    struct apply_ctx ax = { .svc = svc, .st = st, .err = err };
    bool gap = false;
    *rebuilt = false;
    int rc = store_changes_since(st, cursor, apply_one, &ax, &gap, err);
    if (rc == FC_OK && gap) {
        /* changes were purged unread: read the head first, then every person again */
        int64_t head = 0;
        log_emit(LOG_WARN, "match.sync_rebuild", "cursor=%lld", (long long)*cursor);
        rc = store_changes_head(st, &head, err);
        if (rc == FC_OK)
            rc = match_service_load(svc, st, err);
        if (rc == FC_OK) {
            *cursor = head;
            *rebuilt = true;
        }
    }
    if (applied)
        *applied = ax.applied;
    return rc;
}

static void nap(struct match_sync *sy, int ms)
{
    while (ms > 0 && !atomic_load(&sy->stop)) {
        int step = ms < 100 ? ms : 100;
        struct timespec ts = { .tv_sec = 0, .tv_nsec = (long)step * 1000000L };
        nanosleep(&ts, NULL);
        ms -= step;
    }
}

static void *follow(void *arg)
{
    struct match_sync *sy = arg;
    int64_t cursor = sy->stats.cursor;
    while (!atomic_load(&sy->stop)) {
        struct fc_err err = { 0 };
        size_t applied = 0;
        bool rebuilt = false, woken = false;
        int rc = match_sync_apply(sy->svc, sy->st, &cursor, &applied, &rebuilt, &err);
        pthread_mutex_lock(&sy->lock);
        sy->stats.cursor = cursor;
        sy->stats.applied += applied;
        sy->stats.errors += rc != FC_OK;
        sy->stats.rebuilds += rebuilt;
        pthread_mutex_unlock(&sy->lock);
        if (rc != FC_OK) {
            log_emit(LOG_WARN, "match.sync_failed", "status=%s cursor=%lld",
                     err_status_name(err.status), (long long)cursor);
            nap(sy, sy->poll_ms);
            continue;
        }
        if (applied > 0)
            log_emit(LOG_DEBUG, "match.sync", "applied=%zu cursor=%lld", applied,
                     (long long)cursor);
        /* the notification wakes this at once; the timeout is the safety net */
        if (store_changes_wait(sy->st, sy->poll_ms, &woken, &err) != FC_OK) {
            log_emit(LOG_WARN, "match.sync_wait_failed", "status=%s", err_status_name(err.status));
            nap(sy, sy->poll_ms);
        }
    }
    return NULL;
}

int match_sync_start(struct match_service *svc, struct store *st, int64_t cursor, int poll_ms,
                     struct match_sync **out, struct fc_err *err)
{
    *out = NULL;
    if (poll_ms < 10)
        return err_set(err, FC_EINVAL, "poll_ms", "poll interval must be at least 10 ms");
    struct match_sync *sy = calloc(1, sizeof(*sy));
    if (sy == NULL)
        return err_set(err, FC_ENOMEM, "", "out of memory starting index sync");
    sy->svc = svc;
    sy->st = st;
    sy->poll_ms = poll_ms;
    sy->stats.cursor = cursor;
    atomic_init(&sy->stop, false);
    pthread_mutex_init(&sy->lock, NULL);
    if (pthread_create(&sy->thread, NULL, follow, sy) != 0) {
        pthread_mutex_destroy(&sy->lock);
        free(sy);
        return err_set(err, FC_EINTERNAL, "", "cannot start the index sync thread");
    }
    *out = sy;
    return FC_OK;
}

void match_sync_stop(struct match_sync *sy)
{
    if (sy == NULL)
        return;
    atomic_store(&sy->stop, true);
    pthread_join(sy->thread, NULL);
    pthread_mutex_destroy(&sy->lock);
    free(sy);
}

void match_sync_stats(struct match_sync *sy, struct match_sync_stats *out)
{
    pthread_mutex_lock(&sy->lock);
    *out = sy->stats;
    pthread_mutex_unlock(&sy->lock);
}
