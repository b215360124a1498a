/*
 * store/sqlite/sqlite_audit.c: the append-only, hash-chained audit trail (DPA 2018 s.62).
 *
 * DESIGN: hash = BLAKE2b-256(prev_hash || canonical row), prev_hash of the first row is 32
 * zero bytes. The canonical row is the fields in a fixed order, each written as
 * "<byte length>:<bytes>;" (or "~;" for NULL), so no choice of text can make two different
 * rows serialise alike. Appends take the write lock (BEGIN IMMEDIATE or a savepoint inside
 * the caller's write transaction), so seq and the chain have no gaps or forks. Triggers in
 * the schema refuse UPDATE and DELETE; audit_verify finds rows changed behind their back.
 *
 * Group commit. Every audited read (a lookup, a case read) appends outside any other write,
 * and each commit waits for the disk (an fsync, several ms): one commit per append would
 * cap audited reads at a few hundred a second however many cores there are. Appends made
 * outside a transaction therefore queue on the store; the first waiting thread becomes the
 * leader, takes the whole queue, writes it in one transaction (each caller's events in a
 * savepoint of their own, so one caller's bad event fails only that caller) and commits
 * once; the others wait on the condition variable until their batch is committed. While
 * the leader waits for the disk the next batch gathers. Every caller returns only once its
 * events are durable, as before; the chain order is the order the leader wrote them.
 */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/sqlite/sqlite_internal.h"
#include "util/timeutil.h"

#define AUDIT_COLS                                                                                 \
    "seq, at, actor_user_id, action, object_type, object_id, purpose, detail, prev_hash, hash"

static void put_text(crypto_generichash_state *h, const char *s)
{
    char len[32];
    if (s == NULL) {
        crypto_generichash_update(h, (const unsigned char *)"~;", 2);
        return;
    }
    size_t n = strlen(s);
    int k = snprintf(len, sizeof(len), "%zu:", n);
    crypto_generichash_update(h, (const unsigned char *)len, (unsigned long long)k);
    crypto_generichash_update(h, (const unsigned char *)s, n);
    crypto_generichash_update(h, (const unsigned char *)";", 1);
}

static void put_int(crypto_generichash_state *h, int64_t v)
{
    char buf[32];
    snprintf(buf, sizeof(buf), "%lld", (long long)v);
    put_text(h, buf);
}

/* The row's hash; action is the stored name. */
static void audit_hash(const unsigned char prev[32], int64_t seq, int64_t at, fc_id_t actor,
                       const char *action, const char *object_type, fc_id_t object_id,
                       const char *purpose, const char *detail, unsigned char out[32])
{
    crypto_generichash_state h;
    crypto_generichash_init(&h, NULL, 0, 32);
    crypto_generichash_update(&h, (const unsigned char *)"fc-audit-v1;", 12);
    crypto_generichash_update(&h, prev, 32);
    put_int(&h, seq);
    put_int(&h, at);
    put_int(&h, actor);
    put_text(&h, action);
    put_text(&h, object_type);
    put_int(&h, object_id);
    put_text(&h, purpose);
    put_text(&h, detail);
    crypto_generichash_final(&h, out, 32);
}

static int audit_check(const struct audit_event *ev, struct fc_err *err)
{
    if (model_audit_action_name(ev->action) == NULL)
        return err_set(err, FC_EINVAL, "action", "audit action is not valid");
    if (ev->object_type == NULL || ev->object_type[0] == '\0')
        return err_set(err, FC_EINVAL, "object_type", "object_type is required");
    return FC_OK;
}

/* Appends one event inside the thread's open transaction (or in one of its own). */
static int audit_append_one(struct sqlite_conn *c, struct audit_event *ev, struct fc_err *err)
{
    sqlite3_stmt *st = NULL;
    const char *action = model_audit_action_name(ev->action);
    int rc = audit_check(ev, err);
    if (rc != FC_OK)
        return rc;
    rc = sqlite_tx_begin(c, err);
    if (rc != FC_OK)
        return rc;
    rc = sqlite_stmt(c, SLOT_AUDIT_LAST,
                     "SELECT seq, hash FROM audit_event ORDER BY seq DESC LIMIT 1", &st, err);
    if (rc != FC_OK)
        goto out;
    int64_t seq = 1;
    unsigned char prev[32] = { 0 };
    int src = sqlite3_step(st);
    if (src == SQLITE_ROW) {
        seq = sqlite3_column_int64(st, 0) + 1;
        if (sqlite3_column_bytes(st, 1) == 32)
            memcpy(prev, sqlite3_column_blob(st, 1), 32);
    } else if (src != SQLITE_DONE) {
        rc = sqlite_status(c->db, src, "audit", err);
    }
    sqlite3_reset(st);
    if (rc != FC_OK)
        goto out;
    int64_t at = ev->at ? ev->at : time_now();
    unsigned char hash[32];
    audit_hash(prev, seq, at, ev->actor_user_id, action, ev->object_type, ev->object_id,
               ev->purpose, ev->detail, hash);
    rc = sqlite_stmt(c, SLOT_AUDIT_INSERT,
                     "INSERT INTO audit_event (" AUDIT_COLS ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, "
                     "?7, ?8, ?9, ?10)",
                     &st, err);
    if (rc != FC_OK)
        goto out;
    sqlite3_bind_int64(st, 1, seq);
    sqlite3_bind_int64(st, 2, at);
    sqlite_bind_id(st, 3, ev->actor_user_id);
    sqlite3_bind_text(st, 4, action, -1, SQLITE_STATIC);
    sqlite_bind_text(st, 5, ev->object_type);
    sqlite_bind_id(st, 6, ev->object_id);
    sqlite_bind_text(st, 7, ev->purpose);
    sqlite_bind_text(st, 8, ev->detail);
    sqlite3_bind_blob(st, 9, prev, 32, SQLITE_STATIC);
    sqlite3_bind_blob(st, 10, hash, 32, SQLITE_STATIC);
    rc = sqlite_exec_stmt(c, st, "audit", err);
    if (rc == FC_OK) {
        ev->seq = seq;
        ev->at = at;
        memcpy(ev->prev_hash, prev, 32);
        memcpy(ev->hash, hash, 32);
    }
out:
    return sqlite_tx_end(c, rc, err);
}

/* One caller's events waiting in the store's group-commit queue. */
struct audit_waiter {
    struct audit_event *evs;
    size_t n;
    int rc;
    bool done;
    struct fc_err err;
    struct audit_waiter *next;
};

/* The leader's work: one transaction for the whole batch, a savepoint per caller. */
static void audit_write_batch(struct sqlite_conn *c, struct audit_waiter *batch)
{
    struct fc_err e = { 0 };
    int rc = sqlite_tx_begin(c, &e);
    for (struct audit_waiter *w = batch; w != NULL && rc == FC_OK; w = w->next) {
        int wrc = sqlite_tx_begin(c, &w->err);
        for (size_t i = 0; i < w->n && wrc == FC_OK; i++)
            wrc = audit_append_one(c, &w->evs[i], &w->err);
        w->rc = sqlite_tx_end(c, wrc, &w->err);
    }
    rc = sqlite_tx_end(c, rc, &e);
    for (struct audit_waiter *w = batch; w != NULL; w = w->next) {
        if (rc != FC_OK && w->rc == FC_OK) { /* the commit failed: nothing was written */
            w->rc = rc;
            w->err = e;
        }
        if (w->rc != FC_OK) /* rolled back: the caller's events got no seq */
            for (size_t i = 0; i < w->n; i++)
                w->evs[i].seq = 0;
    }
}

int sqlite_audit_append_batch(struct store *s, struct audit_event *evs, size_t n,
                              struct fc_err *err)
{
    struct sqlite_store *ss = (struct sqlite_store *)s;
    struct sqlite_conn *c;
    for (size_t i = 0; i < n; i++) {
        int rc = audit_check(&evs[i], err);
        if (rc != FC_OK)
            return rc;
    }
    int rc = sqlite_conn_of(s, &c, err);
    if (rc != FC_OK || n == 0)
        return rc;
    if (c->txn_depth > 0) { /* part of the caller's transaction: commits with it */
        rc = sqlite_tx_begin(c, err);
        for (size_t i = 0; i < n && rc == FC_OK; i++)
            rc = audit_append_one(c, &evs[i], err);
        return sqlite_tx_end(c, rc, err);
    }
    struct audit_waiter me = { .evs = evs, .n = n };
    pthread_mutex_lock(&ss->audit_lock);
    *ss->audit_tail = &me;
    ss->audit_tail = &me.next;
    while (!me.done) {
        if (ss->audit_leader) {
            pthread_cond_wait(&ss->audit_cond, &ss->audit_lock);
            continue;
        }
        ss->audit_leader = true; /* lead: take everything queued so far */
        struct audit_waiter *batch = ss->audit_queue;
        ss->audit_queue = NULL;
        ss->audit_tail = &ss->audit_queue;
        pthread_mutex_unlock(&ss->audit_lock);
        audit_write_batch(c, batch);
        pthread_mutex_lock(&ss->audit_lock);
        for (struct audit_waiter *w = batch, *next; w != NULL; w = next) {
            next = w->next; /* w may be gone as soon as done is seen */
            w->done = true;
        }
        ss->audit_leader = false;
        pthread_cond_broadcast(&ss->audit_cond);
    }
    pthread_mutex_unlock(&ss->audit_lock);
    if (me.rc != FC_OK && err != NULL)
        *err = me.err;
    return me.rc;
}

int sqlite_audit_append(struct store *s, struct audit_event *ev, struct fc_err *err)
{
    return sqlite_audit_append_batch(s, ev, 1, err);
}

static int audit_row(sqlite3_stmt *st, struct arena *a, struct audit_event *ev, struct fc_err *err)
{
    memset(ev, 0, sizeof(*ev));
    ev->seq = sqlite3_column_int64(st, 0);
    ev->at = sqlite3_column_int64(st, 1);
    ev->actor_user_id = sqlite_col_id(st, 2);
    if (!model_audit_action_parse((const char *)sqlite3_column_text(st, 3), &ev->action))
        return err_set(err, FC_EINTERNAL, "action", "stored audit action is not valid");
    ev->object_type = sqlite_col_text(st, 4, a);
    ev->object_id = sqlite_col_id(st, 5);
    ev->purpose = sqlite_col_text(st, 6, a);
    ev->detail = sqlite_col_text(st, 7, a);
    if (sqlite3_column_bytes(st, 8) == 32)
        memcpy(ev->prev_hash, sqlite3_column_blob(st, 8), 32);
    if (sqlite3_column_bytes(st, 9) == 32)
        memcpy(ev->hash, sqlite3_column_blob(st, 9), 32);
    if (ev->object_type == NULL)
        return err_set(err, FC_ENOMEM, "", "out of memory reading the audit trail");
    return FC_OK;
}

int sqlite_audit_list(struct store *s, const char *object_type, fc_id_t object_id,
                      fc_id_t actor_user_id, struct arena *a, struct audit_event **out, size_t *n,
                      struct fc_err *err)
{
    struct sqlite_conn *c;
    sqlite3_stmt *st = NULL;
    *out = NULL;
    *n = 0;
    int rc = sqlite_conn_of(s, &c, err);
    if (rc == FC_OK)
        rc = sqlite_stmt(c, SLOT_AUDIT_LIST,
                         "SELECT " AUDIT_COLS " FROM audit_event"
                         " WHERE (?1 IS NULL OR object_type = ?1)"
                         " AND (?2 IS NULL OR object_id = ?2)"
                         " AND (?3 IS NULL OR actor_user_id = ?3) ORDER BY seq",
                         &st, err);
    if (rc != FC_OK)
        return rc;
    sqlite_bind_text(st, 1, object_type);
    sqlite_bind_id(st, 2, object_id);
    sqlite_bind_id(st, 3, actor_user_id);
    size_t cap = 0;
    struct audit_event *arr = NULL;
    int src;
    while ((src = sqlite3_step(st)) == SQLITE_ROW) {
        arr = sqlite_grow(a, arr, sizeof(*arr), *n, &cap);
        if (arr == NULL) {
            rc = err_set(err, FC_ENOMEM, "", "out of memory listing the audit trail");
            break;
        }
        rc = audit_row(st, a, &arr[*n], err);
        if (rc != FC_OK)
            break;
        (*n)++;
    }
    if (rc == FC_OK && src != SQLITE_DONE)
        rc = sqlite_status(c->db, src, "audit list", err);
    sqlite3_reset(st);
    if (rc != FC_OK) {
        *n = 0;
        return rc;
    }
    *out = arr;
    return FC_OK;
}

int sqlite_audit_verify(struct store *s, int64_t *out_bad_seq, int64_t *out_count,
                        struct fc_err *err)
{
    struct sqlite_conn *c;
    sqlite3_stmt *st = NULL;
    bool own;
    *out_bad_seq = 0;
    *out_count = 0;
    int rc = sqlite_conn_of(s, &c, err);
    if (rc == FC_OK)
        rc = sqlite_read_begin(c, &own, err);
    if (rc != FC_OK)
        return rc;
    rc = sqlite_stmt(c, SLOT_AUDIT_WALK,
                     "SELECT seq, at, actor_user_id, action, object_type, object_id, purpose, "
                     "detail, prev_hash, hash FROM audit_event ORDER BY seq",
                     &st, err);
    if (rc != FC_OK)
        goto out;
    unsigned char prev[32] = { 0 };
    int64_t expect = 1;
    int src;
    while ((src = sqlite3_step(st)) == SQLITE_ROW) {
        int64_t seq = sqlite3_column_int64(st, 0);
        unsigned char hash[32];
        audit_hash(prev, seq, sqlite3_column_int64(st, 1), sqlite_col_id(st, 2),
                   (const char *)sqlite3_column_text(st, 3),
                   (const char *)sqlite3_column_text(st, 4), sqlite_col_id(st, 5),
                   (const char *)sqlite3_column_text(st, 6),
                   (const char *)sqlite3_column_text(st, 7), hash);
        bool ok = seq == expect && sqlite3_column_bytes(st, 8) == 32 &&
                  sqlite3_column_bytes(st, 9) == 32 &&
                  sodium_memcmp(sqlite3_column_blob(st, 8), prev, 32) == 0 &&
                  sodium_memcmp(sqlite3_column_blob(st, 9), hash, 32) == 0;
        if (!ok) {
            *out_bad_seq = seq == expect ? seq : (seq > expect ? expect : seq);
            break;
        }
        memcpy(prev, hash, 32);
        expect++;
        (*out_count)++;
    }
    if (*out_bad_seq == 0 && src != SQLITE_DONE)
        rc = sqlite_status(c->db, src, "audit verify", err);
    sqlite3_reset(st);
out:
    sqlite_read_end(c, own);
    return rc;
}
