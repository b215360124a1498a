/*
 * store/sqlite/sqlite_backup.c: online backup, restore and the readiness check.
 *
 * Backup copies the database with SQLite's online backup API from a separate read-only
 * connection in one step: under WAL a reader never blocks writers, so the server keeps
 * serving, and one step means the copy is a single consistent snapshot. The copy goes to
 * "<dest>.part", is integrity-checked, and is renamed into place only when whole.
 * Restore checks the backup first, then copies it over the live database through the
 * backup API (not a file copy, which would ignore the WAL), and checks the result.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "store/sqlite/sqlite_internal.h"
#include "util/log.h"

/* Runs PRAGMA integrity_check (quick: quick_check) and wants the single row "ok". */
static int integrity(sqlite3 *db, bool quick, const char *what, struct fc_err *err)
{
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(db, quick ? "PRAGMA quick_check" : "PRAGMA integrity_check", -1,
                                &st, NULL);
    if (rc != SQLITE_OK) {
        int status = sqlite_status(db, sqlite3_extended_errcode(db), what, err);
        sqlite3_finalize(st);
        return status;
    }
    rc = sqlite3_step(st);
    int status = FC_OK;
    if (rc != SQLITE_ROW)
        status = sqlite_status(db, sqlite3_extended_errcode(db), what, err);
    else if (strcmp((const char *)sqlite3_column_text(st, 0), "ok") != 0)
        status = err_set(err, FC_EUNAVAIL, "", "%s: integrity check failed", what);
    sqlite3_finalize(st);
    return status;
}

/* Copies src's main database over dst's, retrying while the source is busy. */
static int copy_db(sqlite3 *dst, sqlite3 *src, const char *what, struct fc_err *err)
{
    sqlite3_backup *b = sqlite3_backup_init(dst, "main", src, "main");
    if (b == NULL)
        return sqlite_status(dst, sqlite3_extended_errcode(dst), what, err);
    int rc;
    for (int tries = 0;; tries++) {
        rc = sqlite3_backup_step(b, -1);
        if ((rc == SQLITE_BUSY || rc == SQLITE_LOCKED) && tries < 100) {
            sqlite3_sleep(100);
            continue;
        }
        break;
    }
    int frc = sqlite3_backup_finish(b);
    if (rc != SQLITE_DONE)
        return sqlite_status(dst, rc, what, err);
    if (frc != SQLITE_OK)
        return sqlite_status(dst, sqlite3_extended_errcode(dst), what, err);
    return FC_OK;
}

int sqlite_backup(struct store *s, const char *dest_path, struct fc_err *err)
{
    struct sqlite_store *ss = (struct sqlite_store *)s;
    sqlite3 *src = NULL, *dst = NULL;
    char *part = NULL;
    int rc;
    if (dest_path == NULL || dest_path[0] == '\0')
        return err_set(err, FC_EINVAL, "dest", "backup destination is required");
    if (strcmp(dest_path, ss->path) == 0)
        return err_set(err, FC_EINVAL, "dest", "backup destination is the live database");
    if (asprintf(&part, "%s.part", dest_path) < 0)
        return err_set(err, FC_ENOMEM, "", "out of memory");
    unlink(part);
    if (sqlite3_open_v2(ss->path, &src, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
        rc = sqlite_status(src, sqlite3_extended_errcode(src), "backup: open database", err);
        goto out;
    }
    sqlite3_busy_timeout(src, 10000);
    if (sqlite3_open_v2(part, &dst, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) !=
        SQLITE_OK) {
        rc = err_set(err, FC_EUNAVAIL, "dest", "backup: cannot create %s", part);
        goto out;
    }
    rc = copy_db(dst, src, "backup", err);
    if (rc == FC_OK)
        rc = integrity(dst, false, "backup", err);
    /* the copy is a WAL database: checkpoint and leave it as one self-contained file */
    if (rc == FC_OK &&
        sqlite3_exec(dst, "PRAGMA journal_mode=DELETE", NULL, NULL, NULL) != SQLITE_OK)
        rc = sqlite_status(dst, sqlite3_extended_errcode(dst), "backup", err);
    sqlite3_close_v2(dst);
    dst = NULL;
    if (rc == FC_OK && rename(part, dest_path) != 0)
        rc = err_set(err, FC_EUNAVAIL, "dest", "backup: cannot move the copy into place");
    if (rc == FC_OK)
        log_emit(LOG_INFO, "store.backup", "backend=sqlite status=ok");
out:
    sqlite3_close_v2(dst);
    sqlite3_close_v2(src);
    if (rc != FC_OK)
        unlink(part);
    free(part);
    return rc;
}

static int backup_version(sqlite3 *db, int *out, struct fc_err *err)
{
    return sqlite_user_version(db, out, err);
}

int sqlite_restore(struct store *s, const char *src_path, struct fc_err *err)
{
    struct sqlite_conn *c;
    sqlite3 *src = NULL;
    int version = 0;
    int rc = sqlite_conn_of(s, &c, err);
    if (rc != FC_OK)
        return rc;
    if (c->txn_depth != 0)
        return err_set(err, FC_EINTERNAL, "", "restore called inside a transaction");
    if (access(src_path, R_OK) != 0)
        return err_set(err, FC_EINVAL, "backup", "backup file cannot be read");
    if (sqlite3_open_v2(src_path, &src, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
        rc = err_set(err, FC_EINVAL, "backup", "backup file cannot be opened");
        goto out;
    }
    rc = integrity(src, false, "restore: backup", err);
    if (rc != FC_OK) {
        err->status = FC_EINVAL;
        rc = FC_EINVAL;
        snprintf(err->field, sizeof(err->field), "backup");
        goto out;
    }
    rc = backup_version(src, &version, err);
    if (rc != FC_OK)
        goto out;
    if (version > sqlite_latest_version()) {
        rc = err_set(err, FC_EINVAL, "backup", "backup schema %d is newer than this program (%d)",
                     version, sqlite_latest_version());
        goto out;
    }
    sqlite_conn_finalize(c); /* the schema is about to change under the cached statements */
    rc = sqlite_writer_acquire(c, err); /* this process's writers wait for the restore */
    if (rc != FC_OK)
        goto out;
    rc = copy_db(c->db, src, "restore", err);
    sqlite_writer_release(c);
    if (rc == FC_OK)
        rc = integrity(c->db, false, "restore", err);
    if (rc == FC_OK)
        log_emit(LOG_INFO, "store.restore", "backend=sqlite version=%d status=ok", version);
out:
    sqlite3_close_v2(src);
    return rc;
}

int sqlite_check(struct store *s, struct fc_err *err)
{
    struct sqlite_conn *c;
    int version = 0;
    int rc = sqlite_conn_of(s, &c, err);
    if (rc == FC_OK)
        rc = sqlite_user_version(c->db, &version, err);
    if (rc != FC_OK)
        return rc;
    if (version != sqlite_latest_version())
        return err_set(err, FC_EUNAVAIL, "store",
                       "schema is at version %d, this program needs %d: run migrate", version,
                       sqlite_latest_version());
    return FC_OK;
}
