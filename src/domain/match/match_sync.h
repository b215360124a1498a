/*
 * domain/match/match_sync.h: keeps one node's matching index current with what other nodes
 * write to the same store.
 *
 * The store keeps a change feed (store.h, changes_since): a person given identifiers, or
 * merged. A follower thread reads it from a cursor, re-reads each changed person from the
 * store and adds it to the index (adding is idempotent), and then waits for the next change
 * (store changes_wait: woken at once by the store's notification, or after poll_ms as a
 * safety net). After a lost connection it catches up from its cursor; when changes it has
 * not read were purged it rebuilds the index from the store. Changes this node wrote
 * itself are skipped: the writer added them to the index when it wrote them.
 *
 * Threads: match_sync_start() starts one thread; the index locks internally; the store is
 * used from that thread only with its own connection. match_sync_stop() joins it.
 */
#ifndef FC_DOMAIN_MATCH_MATCH_SYNC_H
#define FC_DOMAIN_MATCH_MATCH_SYNC_H

#include <stddef.h>
#include <stdint.h>

#include "domain/match/match.h"
#include "util/err.h"

struct match_sync;

/*
 * Applies every change after *cursor to the index and advances *cursor; *applied (may be
 * NULL) counts the changes that touched the index. *rebuilt is set when the feed had a gap
 * and the index was rebuilt from the store. The follower thread calls it; so can a test.
 */
int match_sync_apply(struct match_service *svc, struct store *st, int64_t *cursor,
                     size_t *applied, bool *rebuilt, struct fc_err *err);

/* Starts following from `cursor` (the store's changes_head read before the index was
 * loaded, so nothing committed during the load is missed). */
int match_sync_start(struct match_service *svc, struct store *st, int64_t cursor, int poll_ms,
                     struct match_sync **out, struct fc_err *err);
/* Stops the thread (within poll_ms) and frees it. NULL-safe. */
void match_sync_stop(struct match_sync *sy);

/* What the follower has done so far. */
struct match_sync_stats {
    int64_t cursor;
    uint64_t applied; /* changes that touched the index */
    uint64_t errors;  /* failed passes (store unavailable), retried */
    uint64_t rebuilds;
};
void match_sync_stats(struct match_sync *sy, struct match_sync_stats *out);

#endif
