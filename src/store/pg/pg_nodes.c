/*
 * store/pg/pg_nodes.c: what several server nodes on one database share (migration 0008):
 *
 * - the change feed: person writes append a row in their own transaction, under the audit
 *   chain's advisory lock (so seq order is commit order) and with NOTIFY fc_change; a
 *   follower reads from its cursor and waits on LISTEN, with a timeout as the safety net;
 * - scheduled job claims: a session advisory lock per job plus a job_run row whose start
 *   time moves forward only once the interval has passed;
 * - sign-in failures per account key, so a lockout holds on every node.
 *
 * Threads: each call uses the calling thread's connection. changes_wait LISTENs on it the
 * first time (and again after a reconnect); a job claim's lock belongs to that connection
 * and must be ended on the same thread.
 */
#include <errno.h>
#include <poll.h>
#include <string.h>

#include "store/pg/pg_internal.h"
#include "util/timeutil.h"

#define FEED_BATCH 500
#define FEED_CHANNEL "fc_change"

int pg_feed_append(struct pg_conn *c, const char *kind, fc_id_t person_id, fc_id_t other_id,
                   struct fc_err *err)
{
    PGresult *r = NULL;
    struct pg_params q = { 0 };
    pg_param_text(&q, kind);
    pg_param_int(&q, person_id);
    pg_param_id(&q, other_id);
    pg_param_int(&q, c->owner->node_tag);
    pg_param_int(&q, time_now());
    /* the lock is taken before the row's seq is drawn, and held until commit */
    int rc = pg_exec(c, PG_FEED_APPEND,
                     "WITH l AS (SELECT pg_advisory_xact_lock(" PG_CHAIN_LOCK_KEY "))"
                     " INSERT INTO change_feed (kind, person_id, other_id, origin, at)"
                     " SELECT $1, $2, $3, $4, $5 FROM l"
                     " RETURNING pg_notify('" FEED_CHANNEL "', '')",
                     &q, "change feed", &r, err);
    PQclear(r);
    return rc;
}

int pg_changes_head(struct store *s, int64_t *out, struct fc_err *err)
{
    struct pg_conn *c;
    PGresult *r = NULL;
    *out = 0;
    int rc = pg_conn_of(s, &c, err);
    if (rc == FC_OK)
        rc = pg_exec(c, PG_FEED_HEAD,
                     "SELECT greatest(coalesce((SELECT max(seq) FROM change_feed), 0),"
                     " (SELECT through_seq FROM change_feed_purged WHERE id = 1))",
                     NULL, "change feed", &r, err);
    if (rc == FC_OK)
        *out = pg_col_int(r, 0, 0);
    PQclear(r);
    return rc;
}

int pg_changes_since(struct store *s, int64_t *cursor, store_change_cb cb, void *ctx, bool *gap,
                     struct fc_err *err)
{
    struct pg_conn *c;
    *gap = false;
    int rc = pg_conn_of(s, &c, err);
    while (rc == FC_OK) {
        PGresult *r = NULL;
        struct pg_params q = { 0 };
        pg_param_int(&q, *cursor);
        pg_param_int(&q, FEED_BATCH);
        /* one row at least: the purge watermark, with the changes (if any) beside it */
        rc = pg_exec(c, PG_FEED_SINCE,
                     "SELECT w.through_seq, f.seq, f.kind, f.person_id, coalesce(f.other_id, 0),"
                     " f.origin, f.at FROM change_feed_purged w LEFT JOIN LATERAL"
                     " (SELECT * FROM change_feed WHERE seq > $1 ORDER BY seq LIMIT $2) f"
                     " ON true WHERE w.id = 1 ORDER BY f.seq",
                     &q, "change feed", &r, err);
        if (rc != FC_OK)
            break;
        int n = PQntuples(r);
        if (n > 0 && *cursor < pg_col_int(r, 0, 0))
            *gap = true;
        int got = 0;
        for (int i = 0; i < n && rc == FC_OK && !pg_col_null(r, i, 1); i++) {
            struct store_change ch = {
                .seq = pg_col_int(r, i, 1),
                .kind = strcmp(PQgetvalue(r, i, 2), "merge") == 0     ? STORE_CHANGE_MERGE
                        : strcmp(PQgetvalue(r, i, 2), "unmerge") == 0 ? STORE_CHANGE_UNMERGE
                                                                      : STORE_CHANGE_PERSON,
                .person_id = pg_col_int(r, i, 3),
                .other_id = pg_col_int(r, i, 4),
                .is_own = pg_col_int(r, i, 5) == c->owner->node_tag,
                .at = pg_col_int(r, i, 6),
            };
            got++;
            rc = cb(ctx, &ch);
            if (rc == 0)
                *cursor = ch.seq;
        }
        PQclear(r);
        if (got < FEED_BATCH)
            break;
    }
    return rc;
}

/* Takes every notification libpq has buffered; true when there was one. */
static bool drain_notifies(struct pg_conn *c)
{
    bool any = false;
    PGnotify *n;
    while ((n = PQnotifies(c->db)) != NULL) {
        any = true;
        PQfreemem(n);
    }
    return any;
}

int pg_changes_wait(struct store *s, int timeout_ms, bool *woken, struct fc_err *err)
{
    struct pg_conn *c;
    *woken = false;
    int rc = pg_conn_of(s, &c, err);
    if (rc != FC_OK)
        return rc;
    if (c->txn_depth != 0)
        return err_set(err, FC_EINTERNAL, "", "changes_wait called inside a transaction");
    if (!c->listening) {
        rc = pg_exec_simple(c, "LISTEN " FEED_CHANNEL, "listen", err);
        if (rc != FC_OK)
            return rc;
        c->listening = true;
    }
    if (PQconsumeInput(c->db) == 0)
        return err_set(err, FC_EUNAVAIL, "store", "change feed: database connection lost");
    if (drain_notifies(c)) {
        *woken = true;
        return FC_OK;
    }
    struct pollfd pfd = { .fd = PQsocket(c->db), .events = POLLIN };
    if (pfd.fd < 0)
        return err_set(err, FC_EUNAVAIL, "store", "change feed: database connection lost");
    int pr = poll(&pfd, 1, timeout_ms);
    if (pr < 0 && errno != EINTR)
        return err_set(err, FC_EUNAVAIL, "store", "change feed: cannot wait on the connection");
    if (pr > 0) {
        if (PQconsumeInput(c->db) == 0)
            return err_set(err, FC_EUNAVAIL, "store", "change feed: database connection lost");
        *woken = drain_notifies(c);
    }
    return FC_OK;
}

int pg_changes_purge(struct store *s, fc_time_t before, size_t *out_n, struct fc_err *err)
{
    struct pg_conn *c;
    PGresult *r = NULL;
    if (out_n)
        *out_n = 0;
    int rc = pg_conn_of(s, &c, err);
    if (rc != FC_OK)
        return rc;
    rc = pg_tx_begin(c, err);
    if (rc != FC_OK)
        return rc;
    char at[24];
    const char *v[1] = { at };
    snprintf(at, sizeof(at), "%lld", (long long)before);
    /* under the chain lock, so no append is in flight while the watermark moves */
    r = PQexecParams(c->db,
                     "WITH l AS (SELECT pg_advisory_xact_lock(" PG_CHAIN_LOCK_KEY ")),"
                     " gone AS (DELETE FROM change_feed WHERE at < $1::bigint AND seq <"
                     " (SELECT coalesce(max(seq), 0) FROM change_feed) AND"
                     " (SELECT true FROM l) RETURNING seq),"
                     " mark AS (UPDATE change_feed_purged SET through_seq ="
                     " greatest(through_seq, (SELECT coalesce(max(seq), 0) FROM gone))"
                     " WHERE id = 1 RETURNING 1)"
                     " SELECT (SELECT count(*) FROM gone), (SELECT count(*) FROM mark)",
                     1, NULL, v, NULL, NULL, 0);
    rc = pg_status(c, r, "change feed purge", err);
    if (rc == FC_OK && out_n)
        *out_n = (size_t)pg_col_int(r, 0, 0);
    PQclear(r);
    return pg_tx_end(c, rc, err);
}

/* ---- scheduled job claims ---- */

/* A job's advisory lock id: FNV-1a of its name, in a space of its own. */
static int64_t job_lock_key(const char *name)
{
    uint64_t h = 1469598103934665603ULL;
    for (const char *p = "fc.job:"; *p; p++)
        h = (h ^ (unsigned char)*p) * 1099511628211ULL;
    for (const char *p = name; *p; p++)
        h = (h ^ (unsigned char)*p) * 1099511628211ULL;
    return (int64_t)(h >> 1);
}

static int job_unlock(struct pg_conn *c, const char *name, struct fc_err *err)
{
    char key[24];
    const char *v[1] = { key };
    snprintf(key, sizeof(key), "%lld", (long long)job_lock_key(name));
    PGresult *r = PQexecParams(c->db, "SELECT pg_advisory_unlock($1::bigint)", 1, NULL, v, NULL,
                               NULL, 0);
    int rc = pg_status(c, r, "job unlock", err);
    PQclear(r);
    return rc;
}

int pg_job_try_begin(struct store *s, const char *name, fc_time_t now, int64_t interval_s,
                     bool *claimed, struct fc_err *err)
{
    struct pg_conn *c;
    PGresult *r = NULL;
    *claimed = false;
    if (name == NULL || name[0] == '\0' || strlen(name) > 64)
        return err_set(err, FC_EINVAL, "name", "job name must be 1-64 characters");
    if (interval_s < 0)
        return err_set(err, FC_EINVAL, "interval_s", "interval must not be negative");
    int rc = pg_conn_of(s, &c, err);
    if (rc != FC_OK)
        return rc;
    if (c->txn_depth != 0)
        return err_set(err, FC_EINTERNAL, "", "job claim inside a transaction");
    char key[24];
    const char *v[1] = { key };
    snprintf(key, sizeof(key), "%lld", (long long)job_lock_key(name));
    r = PQexecParams(c->db, "SELECT pg_try_advisory_lock($1::bigint)", 1, NULL, v, NULL, NULL,
                     0);
    rc = pg_status(c, r, "job lock", err);
    bool locked = rc == FC_OK && strcmp(PQgetvalue(r, 0, 0), "t") == 0;
    PQclear(r);
    if (!locked)
        return rc;
    struct pg_params q = { 0 };
    pg_param_text(&q, name);
    pg_param_int(&q, now);
    pg_param_int(&q, interval_s);
    pg_param_int(&q, c->owner->node_tag);
    rc = pg_exec(c, PG_JOB_CLAIM,
                 "INSERT INTO job_run (name, last_started_at, origin) VALUES ($1, $2, $4)"
                 " ON CONFLICT (name) DO UPDATE SET last_started_at = EXCLUDED.last_started_at,"
                 " last_finished_at = NULL, origin = EXCLUDED.origin"
                 " WHERE job_run.last_started_at <= $2::bigint - $3::bigint RETURNING name",
                 &q, "job claim", &r, err);
    *claimed = rc == FC_OK && PQntuples(r) == 1;
    PQclear(r);
    if (!*claimed)
        job_unlock(c, name, NULL);
    return rc;
}

int pg_job_end(struct store *s, const char *name, fc_time_t now, struct fc_err *err)
{
    struct pg_conn *c;
    PGresult *r = NULL;
    int rc = pg_conn_of(s, &c, err);
    if (rc != FC_OK)
        return rc;
    struct pg_params q = { 0 };
    pg_param_text(&q, name);
    pg_param_int(&q, now);
    rc = pg_exec(c, PG_JOB_END, "UPDATE job_run SET last_finished_at = $2 WHERE name = $1", &q,
                 "job end", &r, err);
    PQclear(r);
    int urc = job_unlock(c, name, err);
    return rc != FC_OK ? rc : urc;
}

/* ---- shared sign-in failures ---- */

static int login_state(const PGresult *r, struct login_failures *out)
{
    memset(out, 0, sizeof(*out));
    if (PQntuples(r) == 1) {
        out->failures = pg_col_int(r, 0, 0);
        out->first_at = pg_col_int(r, 0, 1);
        out->last_at = pg_col_int(r, 0, 2);
    }
    return FC_OK;
}

int pg_login_failure_add(struct store *s, const unsigned char key[32], fc_time_t now,
                         int64_t window_s, struct login_failures *out, struct fc_err *err)
{
    struct pg_conn *c;
    PGresult *r = NULL;
    memset(out, 0, sizeof(*out));
    int rc = pg_conn_of(s, &c, err);
    if (rc != FC_OK)
        return rc;
    struct pg_params q = { 0 };
    pg_param_bytea(&q, key, 32);
    pg_param_int(&q, now);
    pg_param_int(&q, window_s);
    rc = pg_exec(c, PG_LOGIN_FAIL_ADD,
                 "INSERT INTO login_failure AS f (key_hash, failures, first_at, last_at)"
                 " VALUES ($1, 1, $2, $2) ON CONFLICT (key_hash) DO UPDATE SET"
                 " failures = CASE WHEN $2::bigint - f.last_at > $3::bigint THEN 1"
                 " ELSE f.failures + 1 END,"
                 " first_at = CASE WHEN $2::bigint - f.last_at > $3::bigint THEN $2"
                 " ELSE f.first_at END, last_at = $2"
                 " RETURNING failures, first_at, last_at",
                 &q, "sign-in failures", &r, err);
    if (rc == FC_OK)
        login_state(r, out);
    PQclear(r);
    return rc;
}

int pg_login_failure_get(struct store *s, const unsigned char key[32],
                         struct login_failures *out, struct fc_err *err)
{
    struct pg_conn *c;
    PGresult *r = NULL;
    memset(out, 0, sizeof(*out));
    int rc = pg_conn_of(s, &c, err);
    if (rc != FC_OK)
        return rc;
    struct pg_params q = { 0 };
    pg_param_bytea(&q, key, 32);
    rc = pg_exec(c, PG_LOGIN_FAIL_GET,
                 "SELECT failures, first_at, last_at FROM login_failure WHERE key_hash = $1", &q,
                 "sign-in failures", &r, err);
    if (rc == FC_OK)
        login_state(r, out);
    PQclear(r);
    return rc;
}

int pg_login_failure_clear(struct store *s, const unsigned char key[32], struct fc_err *err)
{
    struct pg_conn *c;
    PGresult *r = NULL;
    int rc = pg_conn_of(s, &c, err);
    if (rc != FC_OK)
        return rc;
    struct pg_params q = { 0 };
    pg_param_bytea(&q, key, 32);
    rc = pg_exec(c, PG_LOGIN_FAIL_CLEAR, "DELETE FROM login_failure WHERE key_hash = $1", &q,
                 "sign-in failures", &r, err);
    PQclear(r);
    return rc;
}
