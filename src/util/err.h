/*
 * util/err.h: status codes and the one-line error that travels with them.
 *
 * Every fallible function returns an enum fc_status and takes `struct fc_err *err` last.
 * The message is safe to show and to log: it never holds personal data. `field` is the
 * JSON path (or CSV column) of the offending input, "" if none. Thread-safe: no state.
 */
#ifndef FC_UTIL_ERR_H
#define FC_UTIL_ERR_H

enum fc_status {
    FC_OK = 0,
    FC_EINVAL = -1,    /* bad input; err->field says which */
    FC_ENOTFOUND = -2,
    FC_ECONFLICT = -3, /* stale version or duplicate */
    FC_EDENIED = -4,   /* sharing rules or role forbid it */
    FC_EUNAVAIL = -5,  /* store down, busy, full or read-only; retryable */
    FC_ENOMEM = -6,
    FC_EINTERNAL = -7, /* a bug: logged, answered with 500 */
    FC_EAUTH = -8,     /* no valid session or credentials */
};

struct fc_err {
    enum fc_status status;
    char field[64];
    char msg[200];
};

/* Fills err (if not NULL) and returns status, so callers can `return err_set(...)`. */
int err_set(struct fc_err *err, enum fc_status status, const char *field, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
#ifdef __clang_analyzer__
/* Static analysis only: shows clang-tidy that err_set returns its status, which it cannot see
 * across files, so `return err_set(...)` is not taken for a possible FC_OK. */
#define err_set(err, status, ...) (err_set((err), (status), __VA_ARGS__), (status))
#endif

/* Clears err to FC_OK with empty field and message. */
void err_clear(struct fc_err *err);

/* A short stable name for a status ("invalid", "not_found", ...). */
const char *err_status_name(enum fc_status status);

#endif
