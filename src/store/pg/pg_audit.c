/*
 * store/pg/pg_audit.c: the append-only, hash-chained audit trail (DPA 2018 s.62) on
 * PostgreSQL, with the same chain as the SQLite backend (sqlite_audit.c): hash =
 * BLAKE2b-256("fc-audit-v1;" || prev_hash || canonical row), each field written as
 * "<byte length>:<bytes>;" or "~;" for NULL, so a trail verifies the same after
 * migrate-store. Appends hold a transaction-scoped advisory lock, so concurrent writers on
 * any node never fork the chain or leave a gap in seq.
 */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/pg/pg_internal.h"
#include "util/timeutil.h"

#define AUDIT_COLS                                                                                 \
    "seq, at, actor_user_id, action, object_type, object_id, purpose, detail, "                    \
    "encode(prev_hash, 'hex'), encode(hash, 'hex')"
#define AUDIT_LOCK_KEY "7468323602" /* advisory lock id for appends */

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

/* Decodes a 64-digit hex column into out; false when it is not exactly 32 bytes. */
static bool col_hash(const PGresult *r, int row, int col, unsigned char out[32])
{
    size_t n = 0;
    if (PQgetisnull(r, row, col))
        return false;
    const char *hex = PQgetvalue(r, row, col);
    return strlen(hex) == 64 && sodium_hex2bin(out, 32, hex, 64, NULL, &n, NULL) == 0 && n == 32;
}

static const char *col_str(const PGresult *r, int row, int col)
{
    return PQgetisnull(r, row, col) ? NULL : PQgetvalue(r, row, col);
}

int pg_audit_append(struct store *s, struct audit_event *ev, struct fc_err *err)
{
    struct pg_conn *c;
    PGresult *r = NULL;
    const char *action = model_audit_action_name(ev->action);
    if (action == NULL)
        return err_set(err, FC_EINVAL, "action", "audit action is not valid");
    if (ev->object_type == NULL || ev->object_type[0] == '\0')
        return err_set(err, FC_EINVAL, "object_type", "object_type is required");
    int rc = pg_conn_of(s, &c, err);
    if (rc != FC_OK)
        return rc;
    rc = pg_tx_begin(c, err);
    if (rc != FC_OK)
        return rc;
    rc = pg_exec(c, PG_AUDIT_LAST,
                 "SELECT pg_advisory_xact_lock(" AUDIT_LOCK_KEY ")",
                 NULL, "audit", &r, err);
    if (rc != FC_OK)
        goto out;
    PQclear(r);
    /* the tail, read with the lock held */
    rc = pg_exec(c, PG_AUDIT_TAIL,
                 "SELECT seq, encode(hash, 'hex') FROM audit_event ORDER BY seq DESC LIMIT 1",
                 NULL, "audit", &r, err);
    if (rc != FC_OK)
        goto out;
    int64_t seq = 1;
    unsigned char prev[32] = { 0 };
    if (PQntuples(r) == 1) {
        seq = pg_col_int(r, 0, 0) + 1;
        if (!col_hash(r, 0, 1, prev))
            memset(prev, 0, sizeof(prev));
    }
    PQclear(r);
    r = NULL;
    int64_t at = ev->at ? ev->at : time_now();
    unsigned char hash[32];
    audit_hash(prev, seq, at, ev->actor_user_id, action, ev->object_type, ev->object_id,
               ev->purpose, ev->detail, hash);
    struct pg_params p = { 0 };
    pg_param_int(&p, seq);
    pg_param_int(&p, at);
    pg_param_id(&p, ev->actor_user_id);
    pg_param_text(&p, action);
    pg_param_text(&p, ev->object_type);
    pg_param_id(&p, ev->object_id);
    pg_param_text(&p, ev->purpose);
    pg_param_text(&p, ev->detail);
    pg_param_bytea(&p, prev, 32);
    pg_param_bytea(&p, hash, 32);
    rc = pg_exec(c, PG_AUDIT_INSERT,
                 "INSERT INTO audit_event (seq, at, actor_user_id, action, object_type, "
                 "object_id, purpose, detail, prev_hash, hash) VALUES ($1, $2, $3, $4, $5, $6, "
                 "$7, $8, $9, $10)",
                 &p, "audit", &r, err);
    if (rc == FC_OK) {
        ev->seq = seq;
        ev->at = at;
        memcpy(ev->prev_hash, prev, 32);
        memcpy(ev->hash, hash, 32);
    }
out:
    PQclear(r);
    return pg_tx_end(c, rc, err);
}

int pg_audit_list(struct store *s, const char *object_type, fc_id_t object_id,
                  fc_id_t actor_user_id, struct arena *a, struct audit_event **out, size_t *n,
                  struct fc_err *err)
{
    struct pg_conn *c;
    PGresult *r = NULL;
    *out = NULL;
    *n = 0;
    int rc = pg_conn_of(s, &c, err);
    if (rc != FC_OK)
        return rc;
    struct pg_params p = { 0 };
    pg_param_text(&p, object_type);
    pg_param_id(&p, object_id);
    pg_param_id(&p, actor_user_id);
    rc = pg_exec(c, PG_AUDIT_LIST,
                 "SELECT " AUDIT_COLS " FROM audit_event"
                 " WHERE ($1::text IS NULL OR object_type = $1::text)"
                 " AND ($2::bigint IS NULL OR object_id = $2::bigint)"
                 " AND ($3::bigint IS NULL OR actor_user_id = $3::bigint) ORDER BY seq",
                 &p, "audit list", &r, err);
    if (rc != FC_OK)
        return rc;
    int rows = PQntuples(r);
    struct audit_event *arr = arena_alloc(a, (size_t)(rows ? rows : 1) * sizeof(*arr));
    if (arr == NULL)
        rc = err_set(err, FC_ENOMEM, "", "out of memory listing the audit trail");
    for (int i = 0; rc == FC_OK && i < rows; i++) {
        struct audit_event *ev = &arr[i];
        memset(ev, 0, sizeof(*ev));
        ev->seq = pg_col_int(r, i, 0);
        ev->at = pg_col_int(r, i, 1);
        ev->actor_user_id = pg_col_int(r, i, 2);
        if (!model_audit_action_parse(PQgetvalue(r, i, 3), &ev->action)) {
            rc = err_set(err, FC_EINTERNAL, "action", "stored audit action is not valid");
            break;
        }
        ev->object_type = pg_col_text(r, i, 4, a);
        ev->object_id = pg_col_int(r, i, 5);
        ev->purpose = pg_col_text(r, i, 6, a);
        ev->detail = pg_col_text(r, i, 7, a);
        col_hash(r, i, 8, ev->prev_hash);
        col_hash(r, i, 9, ev->hash);
        if (ev->object_type == NULL)
            rc = err_set(err, FC_ENOMEM, "", "out of memory reading the audit trail");
    }
    PQclear(r);
    if (rc == FC_OK) {
        *out = arr;
        *n = (size_t)rows;
    }
    return rc;
}

int pg_audit_verify(struct store *s, int64_t *out_bad_seq, int64_t *out_count,
                    struct fc_err *err)
{
    struct pg_conn *c;
    *out_bad_seq = 0;
    *out_count = 0;
    int rc = pg_conn_of(s, &c, err);
    if (rc != FC_OK)
        return rc;
    bool own;
    rc = pg_read_begin(c, &own, err);
    if (rc != FC_OK)
        return rc;
    rc = pg_exec_simple(c,
                        "DECLARE fc_audit_walk NO SCROLL CURSOR FOR SELECT " AUDIT_COLS
                        " FROM audit_event ORDER BY seq",
                        "audit verify", err);
    unsigned char prev[32] = { 0 };
    int64_t expect = 1;
    bool more = rc == FC_OK;
    while (rc == FC_OK && more && *out_bad_seq == 0) {
        PGresult *r = PQexec(c->db, "FETCH 1000 FROM fc_audit_walk");
        rc = pg_status(c, r, "audit verify", err);
        int rows = rc == FC_OK ? PQntuples(r) : 0;
        more = rows > 0;
        for (int i = 0; i < rows; i++) {
            int64_t seq = pg_col_int(r, i, 0);
            unsigned char hash[32], got_prev[32], got_hash[32];
            audit_hash(prev, seq, pg_col_int(r, i, 1), pg_col_int(r, i, 2), col_str(r, i, 3),
                       col_str(r, i, 4), pg_col_int(r, i, 5), col_str(r, i, 6),
                       col_str(r, i, 7), hash);
            bool ok = seq == expect && col_hash(r, i, 8, got_prev) &&
                      col_hash(r, i, 9, got_hash) && sodium_memcmp(got_prev, prev, 32) == 0 &&
                      sodium_memcmp(got_hash, hash, 32) == 0;
            if (!ok) {
                *out_bad_seq = seq == expect ? seq : (seq > expect ? expect : seq);
                break;
            }
            memcpy(prev, hash, 32);
            expect++;
            (*out_count)++;
        }
        PQclear(r);
    }
    if (PQtransactionStatus(c->db) == PQTRANS_INTRANS)
        pg_exec_simple(c, "CLOSE fc_audit_walk", "audit verify", NULL);
    if (own)
        pg_tx_end(c, FC_OK, NULL);
    return rc;
}

/* All or none, in the caller's transaction or one of its own. PostgreSQL commits
 * concurrent transactions together by itself (commit_delay), so no queue is kept here. */
int pg_audit_append_batch(struct store *s, struct audit_event *evs, size_t n, struct fc_err *err)
{
    int rc = s->ops->txn_begin(s, err);
    for (size_t i = 0; i < n && rc == FC_OK; i++)
        rc = pg_audit_append(s, &evs[i], err);
    if (rc != FC_OK) {
        s->ops->txn_rollback(s);
        return rc;
    }
    return s->ops->txn_commit(s, err);
}
