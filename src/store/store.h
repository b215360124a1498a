/*
 * store/store.h: the one storage interface. No SQL crosses this line.
 *
 * A backend embeds `struct store` as its first member and provides a static
 * `struct store_ops`. Callers use the store_*() wrappers below, never ops directly, so a
 * fake or failing store (tests) and the PostgreSQL backend slot in without touching them.
 *
 * Threads: one `struct store` is shared by every thread; the backend gives each thread its
 * own connection. A transaction belongs to the thread that began it; calls made outside a
 * transaction run in one of their own. Every multi-row change happens in one transaction.
 * Memory: whatever a call returns is allocated in the caller's arena.
 * Errors: FC_EINVAL for constraint violations (err->field names the column),
 * FC_ENOTFOUND, FC_ECONFLICT for duplicates, FC_EUNAVAIL for busy, full or read-only.
 */
#ifndef FC_STORE_STORE_H
#define FC_STORE_STORE_H

#include "store/model.h"
#include "util/arena.h"
#include "util/err.h"

struct store;

/* Search filters; NULL / 0 fields are ignored. Results are newest first, at most `limit`. */
struct person_query {
    const char *surname;   /* matches a stored surname, case-insensitive, exact */
    const char *phone_e164;
    const char *postcode;
    size_t limit, offset;
};

struct incident_query {
    fc_id_t person_id;
    fc_id_t org_id;
    const char *status;   /* "open" / "closed" */
    const char *category;
    const char *incident_type;
    const char *lsoa_code;
    fc_time_t from, to;
    size_t limit, offset;
};

struct contact_query {
    fc_id_t caller_person_id;
    fc_id_t incident_id;
    fc_time_t from, to;
    size_t limit, offset;
};

/* Callback for store_person_scan: one whole person (merged persons are skipped). */
typedef int (*store_person_cb)(void *ctx, const struct person *p);
/* Callback for store_contact_scan / store_flag_scan. */
typedef int (*store_contact_cb)(void *ctx, const struct contact *c);
typedef int (*store_flag_cb)(void *ctx, const struct flag *f);

struct store_ops {
    const char *name; /* "sqlite" or "pg", for logs */

    /* schema and lifecycle */
    int (*migrate)(struct store *s, int *out_version, struct fc_err *err);
    int (*schema_version)(struct store *s, int *out, struct fc_err *err);
    int (*backup)(struct store *s, const char *dest_path, struct fc_err *err);
    int (*check)(struct store *s, struct fc_err *err); /* integrity / readiness */
    void (*close)(struct store *s);

    /* transactions */
    int (*txn_begin)(struct store *s, struct fc_err *err);
    int (*txn_commit)(struct store *s, struct fc_err *err);
    void (*txn_rollback)(struct store *s);

    /* organisations and users */
    int (*org_insert)(struct store *s, const struct organisation *o, fc_id_t *out,
                      struct fc_err *err);
    int (*org_get)(struct store *s, fc_id_t id, struct arena *a, struct organisation *out,
                   struct fc_err *err);
    int (*org_list)(struct store *s, struct arena *a, struct organisation **out, size_t *n,
                    struct fc_err *err);
    int (*user_insert)(struct store *s, const struct user *u, fc_id_t *out, struct fc_err *err);
    int (*user_get)(struct store *s, fc_id_t id, struct arena *a, struct user *out,
                    struct fc_err *err);
    int (*user_get_by_name)(struct store *s, const char *username, struct arena *a,
                            struct user *out, struct fc_err *err);

    /* sessions (token hashes only) */
    int (*session_insert)(struct store *s, const struct session *se, struct fc_err *err);
    int (*session_get)(struct store *s, const unsigned char token_hash[32], struct session *out,
                       struct fc_err *err);
    int (*session_touch)(struct store *s, const unsigned char token_hash[32], fc_time_t now,
                         struct fc_err *err);
    int (*session_delete)(struct store *s, const unsigned char token_hash[32],
                          struct fc_err *err);

    /* persons: a person row plus identifier rows, which are appended, never overwritten */
    int (*person_insert)(struct store *s, const struct person *p, fc_id_t *out,
                         struct fc_err *err);
    /* Appends the identifiers in `p` (its id names the person) to an existing person. */
    int (*person_add_identifiers)(struct store *s, const struct person *p, struct fc_err *err);
    int (*person_get)(struct store *s, fc_id_t id, struct arena *a, struct person *out,
                      struct fc_err *err);
    int (*person_search)(struct store *s, const struct person_query *q, struct arena *a,
                         fc_id_t **out, size_t *n, struct fc_err *err);
    int (*person_scan)(struct store *s, store_person_cb cb, void *ctx, struct fc_err *err);
    /* Marks `from` merged into `into` (merge) or clears it (unmerge, into = 0). */
    int (*person_set_merged)(struct store *s, fc_id_t from, fc_id_t into, struct fc_err *err);

    /* contacts */
    int (*contact_insert)(struct store *s, const struct contact *c, fc_id_t *out,
                          struct fc_err *err);
    int (*contact_get)(struct store *s, fc_id_t id, struct arena *a, struct contact *out,
                       struct fc_err *err);
    int (*contact_search)(struct store *s, const struct contact_query *q, struct arena *a,
                          struct contact **out, size_t *n, struct fc_err *err);
    int (*contact_set_incident)(struct store *s, fc_id_t contact_id, fc_id_t incident_id,
                                struct fc_err *err);
    int (*contact_scan)(struct store *s, store_contact_cb cb, void *ctx, struct fc_err *err);

    /* incidents */
    int (*incident_insert)(struct store *s, const struct incident *i, fc_id_t *out,
                           struct fc_err *err);
    int (*incident_update)(struct store *s, const struct incident *i, struct fc_err *err);
    int (*incident_get)(struct store *s, fc_id_t id, struct arena *a, struct incident *out,
                        struct fc_err *err);
    int (*incident_search)(struct store *s, const struct incident_query *q, struct arena *a,
                           struct incident **out, size_t *n, struct fc_err *err);

    /* flags */
    int (*flag_insert)(struct store *s, const struct flag *f, fc_id_t *out, struct fc_err *err);
    int (*flag_get)(struct store *s, fc_id_t id, struct arena *a, struct flag *out,
                    struct fc_err *err);
    int (*flag_update)(struct store *s, const struct flag *f, struct fc_err *err);
    int (*flag_list_for_person)(struct store *s, fc_id_t person_id, struct arena *a,
                                struct flag **out, size_t *n, struct fc_err *err);
    int (*flag_scan)(struct store *s, store_flag_cb cb, void *ctx, struct fc_err *err);

    /* audit: append-only; the backend fills seq, prev_hash and hash */
    int (*audit_append)(struct store *s, struct audit_event *ev, struct fc_err *err);
    int (*audit_list)(struct store *s, const char *object_type, fc_id_t object_id,
                      fc_id_t actor_user_id, struct arena *a, struct audit_event **out,
                      size_t *n, struct fc_err *err);
};

struct store {
    const struct store_ops *ops; /* first member: backends embed struct store */
};

/*
 * Opens a store from a URL: "sqlite:PATH" or a plain path for SQLite, "postgresql://..."
 * for PostgreSQL. Does not migrate. Free with store_close().
 */
int store_open(const char *url, struct store **out, struct fc_err *err);
void store_close(struct store *s); /* NULL-safe */

/* Thin wrappers, one per op, so callers read as store_person_get(s, ...). */
#define STORE_CALL(s, op, ...) ((s)->ops->op((s), __VA_ARGS__))
static inline int store_migrate(struct store *s, int *v, struct fc_err *e)
{
    return STORE_CALL(s, migrate, v, e);
}
static inline int store_txn_begin(struct store *s, struct fc_err *e)
{
    return STORE_CALL(s, txn_begin, e);
}
static inline int store_txn_commit(struct store *s, struct fc_err *e)
{
    return STORE_CALL(s, txn_commit, e);
}
static inline void store_txn_rollback(struct store *s)
{
    s->ops->txn_rollback(s);
}

#endif
