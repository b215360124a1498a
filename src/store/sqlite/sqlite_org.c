/* store/sqlite/sqlite_org.c: organisations and users. */
#include <string.h>

#include "store/sqlite/sqlite_internal.h"
#include "util/timeutil.h"

#define ORG_COLS "id, kind, name, open311_jurisdiction"
#define USER_COLS                                                                                  \
    "id, org_id, username, display_name, role, team, password_hash, mfa_secret, is_disabled, "     \
    "created_at"

int sqlite_org_insert(struct store *s, const struct organisation *o, fc_id_t *out,
                      struct fc_err *err)
{
    struct sqlite_conn *c;
    sqlite3_stmt *st = NULL;
    const char *kind = model_org_kind_name(o->kind);
    if (kind == NULL)
        return err_set(err, FC_EINVAL, "kind", "organisation kind is not valid");
    int rc = sqlite_conn_of(s, &c, err);
    if (rc == FC_OK)
        rc = sqlite_stmt(c, SLOT_ORG_INSERT,
                         "INSERT INTO organisation (id, kind, name, open311_jurisdiction, "
                         "created_at) VALUES (?1, ?2, ?3, ?4, ?5)",
                         &st, err);
    if (rc != FC_OK)
        return rc;
    sqlite_bind_id(st, 1, o->id);
    sqlite3_bind_text(st, 2, kind, -1, SQLITE_STATIC);
    sqlite_bind_text(st, 3, o->name);
    sqlite_bind_text(st, 4, o->open311_jurisdiction);
    sqlite3_bind_int64(st, 5, time_now());
    rc = sqlite_exec_stmt(c, st, "organisation", err);
    if (rc == FC_OK && out)
        *out = sqlite3_last_insert_rowid(c->db);
    return rc;
}

static int org_row(sqlite3_stmt *st, struct arena *a, struct organisation *o, struct fc_err *err)
{
    memset(o, 0, sizeof(*o));
    o->id = sqlite_col_id(st, 0);
    if (!model_org_kind_parse((const char *)sqlite3_column_text(st, 1), &o->kind))
        o->kind = ORG_OTHER;
    o->name = sqlite_col_text(st, 2, a);
    o->open311_jurisdiction = sqlite_col_text(st, 3, a);
    if (o->name == NULL)
        return err_set(err, FC_ENOMEM, "", "out of memory reading an organisation");
    return FC_OK;
}

static int org_get_one(struct store *s, enum sqlite_slot slot, const char *sql, fc_id_t id,
                       const char *name, struct arena *a, struct organisation *out,
                       struct fc_err *err)
{
    struct sqlite_conn *c;
    sqlite3_stmt *st = NULL;
    int rc = sqlite_conn_of(s, &c, err);
    if (rc == FC_OK)
        rc = sqlite_stmt(c, slot, sql, &st, err);
    if (rc != FC_OK)
        return rc;
    if (name)
        sqlite_bind_text(st, 1, name);
    else
        sqlite3_bind_int64(st, 1, id);
    int src = sqlite3_step(st);
    if (src == SQLITE_ROW)
        rc = org_row(st, a, out, err);
    else if (src == SQLITE_DONE)
        rc = err_set(err, FC_ENOTFOUND, name ? "name" : "id", "organisation not found");
    else
        rc = sqlite_status(c->db, src, "organisation", err);
    sqlite3_reset(st);
    return rc;
}

int sqlite_org_get(struct store *s, fc_id_t id, struct arena *a, struct organisation *out,
                   struct fc_err *err)
{
    return org_get_one(s, SLOT_ORG_GET, "SELECT " ORG_COLS " FROM organisation WHERE id = ?1", id,
                       NULL, a, out, err);
}

int sqlite_org_get_by_name(struct store *s, const char *name, struct arena *a,
                           struct organisation *out, struct fc_err *err)
{
    if (name == NULL)
        return err_set(err, FC_EINVAL, "name", "organisation name is required");
    return org_get_one(s, SLOT_ORG_GET_BY_NAME,
                       "SELECT " ORG_COLS " FROM organisation WHERE name = ?1", 0, name, a, out,
                       err);
}

int sqlite_org_list(struct store *s, struct arena *a, struct organisation **out, size_t *n,
                    struct fc_err *err)
{
    struct sqlite_conn *c;
    sqlite3_stmt *st = NULL;
    *out = NULL;
    *n = 0;
    int rc = sqlite_conn_of(s, &c, err);
    if (rc == FC_OK)
        rc = sqlite_stmt(c, SLOT_ORG_LIST, "SELECT " ORG_COLS " FROM organisation ORDER BY id", &st,
                         err);
    if (rc != FC_OK)
        return rc;
    size_t cap = 0;
    struct organisation *arr = NULL;
    int src;
    while ((src = sqlite3_step(st)) == SQLITE_ROW) {
        arr = sqlite_grow(a, arr, sizeof(*arr), *n, &cap);
        if (arr == NULL) {
            rc = err_set(err, FC_ENOMEM, "", "out of memory listing organisations");
            goto out;
        }
        rc = org_row(st, a, &arr[*n], err);
        if (rc != FC_OK)
            goto out;
        (*n)++;
    }
    if (src != SQLITE_DONE)
        rc = sqlite_status(c->db, src, "organisation list", err);
out:
    sqlite3_reset(st);
    *out = rc == FC_OK ? arr : NULL;
    if (rc != FC_OK)
        *n = 0;
    return rc;
}

static int user_bind(sqlite3_stmt *st, const struct user *u, struct fc_err *err)
{
    const char *role = model_user_role_name(u->role);
    if (role == NULL)
        return err_set(err, FC_EINVAL, "role", "role is not valid");
    sqlite_bind_id(st, 1, u->id);
    sqlite_bind_id(st, 2, u->org_id);
    sqlite_bind_text(st, 3, u->username);
    sqlite_bind_text(st, 4, u->display_name);
    sqlite3_bind_text(st, 5, role, -1, SQLITE_STATIC);
    sqlite_bind_text(st, 6, u->team);
    sqlite_bind_text(st, 7, u->password_hash);
    sqlite_bind_text(st, 8, u->mfa_secret);
    sqlite3_bind_int(st, 9, u->is_disabled ? 1 : 0);
    sqlite3_bind_int64(st, 10, u->created_at ? u->created_at : time_now());
    return FC_OK;
}

int sqlite_user_insert(struct store *s, const struct user *u, fc_id_t *out, struct fc_err *err)
{
    struct sqlite_conn *c;
    sqlite3_stmt *st = NULL;
    int rc = sqlite_conn_of(s, &c, err);
    if (rc == FC_OK)
        rc = sqlite_stmt(c, SLOT_USER_INSERT,
                         "INSERT INTO app_user (" USER_COLS ") "
                         "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
                         &st, err);
    if (rc == FC_OK)
        rc = user_bind(st, u, err);
    if (rc != FC_OK)
        return rc;
    rc = sqlite_exec_stmt(c, st, "user", err);
    if (rc == FC_EINVAL && err && err->field[0] == '\0') {
        const struct sqlite_ref ref = { "org_id", SLOT_EXISTS_ORG, u->org_id };
        rc = sqlite_ref_explain(c, &ref, 1, "user", err);
    }
    if (rc == FC_OK && out)
        *out = sqlite3_last_insert_rowid(c->db);
    return rc;
}

static int user_row(sqlite3_stmt *st, struct arena *a, struct user *u, struct fc_err *err)
{
    memset(u, 0, sizeof(*u));
    u->id = sqlite_col_id(st, 0);
    u->org_id = sqlite_col_id(st, 1);
    u->username = sqlite_col_text(st, 2, a);
    u->display_name = sqlite_col_text(st, 3, a);
    if (!model_user_role_parse((const char *)sqlite3_column_text(st, 4), &u->role))
        return err_set(err, FC_EINTERNAL, "role", "stored role is not valid");
    u->team = sqlite_col_text(st, 5, a);
    u->password_hash = sqlite_col_text(st, 6, a);
    u->mfa_secret = sqlite_col_text(st, 7, a);
    u->is_disabled = sqlite3_column_int(st, 8) != 0;
    u->created_at = sqlite3_column_int64(st, 9);
    if (u->username == NULL)
        return err_set(err, FC_ENOMEM, "", "out of memory reading a user");
    return FC_OK;
}

static int user_get_one(struct store *s, enum sqlite_slot slot, const char *sql, fc_id_t id,
                        const char *name, struct arena *a, struct user *out, struct fc_err *err)
{
    struct sqlite_conn *c;
    sqlite3_stmt *st = NULL;
    int rc = sqlite_conn_of(s, &c, err);
    if (rc == FC_OK)
        rc = sqlite_stmt(c, slot, sql, &st, err);
    if (rc != FC_OK)
        return rc;
    if (name)
        sqlite_bind_text(st, 1, name);
    else
        sqlite3_bind_int64(st, 1, id);
    int src = sqlite3_step(st);
    if (src == SQLITE_ROW)
        rc = user_row(st, a, out, err);
    else if (src == SQLITE_DONE)
        rc = err_set(err, FC_ENOTFOUND, name ? "username" : "id", "user not found");
    else
        rc = sqlite_status(c->db, src, "user", err);
    sqlite3_reset(st);
    return rc;
}

int sqlite_user_get(struct store *s, fc_id_t id, struct arena *a, struct user *out,
                    struct fc_err *err)
{
    return user_get_one(s, SLOT_USER_GET, "SELECT " USER_COLS " FROM app_user WHERE id = ?1", id,
                        NULL, a, out, err);
}

int sqlite_user_get_by_name(struct store *s, const char *username, struct arena *a,
                            struct user *out, struct fc_err *err)
{
    if (username == NULL)
        return err_set(err, FC_EINVAL, "username", "username is required");
    return user_get_one(s, SLOT_USER_GET_BY_NAME,
                        "SELECT " USER_COLS " FROM app_user WHERE username = ?1", 0, username, a,
                        out, err);
}

int sqlite_user_update(struct store *s, const struct user *u, struct fc_err *err)
{
    struct sqlite_conn *c;
    sqlite3_stmt *st = NULL;
    int rc = sqlite_conn_of(s, &c, err);
    if (rc == FC_OK)
        rc = sqlite_stmt(c, SLOT_USER_UPDATE,
                         "UPDATE app_user SET org_id = ?2, display_name = ?4, role = ?5, "
                         "team = ?6, password_hash = ?7, mfa_secret = ?8, is_disabled = ?9 "
                         "WHERE id = ?1",
                         &st, err);
    if (rc == FC_OK)
        rc = user_bind(st, u, err);
    if (rc != FC_OK)
        return rc;
    /* user_bind also binds ?3 and ?10 (username, created_at), which this statement ignores */
    rc = sqlite_exec_stmt(c, st, "user", err);
    if (rc == FC_EINVAL && err && err->field[0] == '\0') {
        const struct sqlite_ref ref = { "org_id", SLOT_EXISTS_ORG, u->org_id };
        return sqlite_ref_explain(c, &ref, 1, "user", err);
    }
    if (rc == FC_OK && sqlite3_changes(c->db) == 0)
        return err_set(err, FC_ENOTFOUND, "id", "user not found");
    return rc;
}

int sqlite_user_list(struct store *s, struct arena *a, struct user **out, size_t *n,
                     struct fc_err *err)
{
    struct sqlite_conn *c;
    sqlite3_stmt *st = NULL;
    *out = NULL;
    *n = 0;
    int rc = sqlite_conn_of(s, &c, err);
    if (rc == FC_OK)
        rc = sqlite_stmt(c, SLOT_USER_LIST, "SELECT " USER_COLS " FROM app_user ORDER BY id", &st,
                         err);
    if (rc != FC_OK)
        return rc;
    size_t cap = 0;
    struct user *arr = NULL;
    int src;
    while ((src = sqlite3_step(st)) == SQLITE_ROW) {
        arr = sqlite_grow(a, arr, sizeof(*arr), *n, &cap);
        if (arr == NULL) {
            rc = err_set(err, FC_ENOMEM, "", "out of memory listing users");
            goto out;
        }
        rc = user_row(st, a, &arr[*n], err);
        if (rc != FC_OK)
            goto out;
        (*n)++;
    }
    if (src != SQLITE_DONE)
        rc = sqlite_status(c->db, src, "user list", err);
out:
    sqlite3_reset(st);
    *out = rc == FC_OK ? arr : NULL;
    if (rc != FC_OK)
        *n = 0;
    return rc;
}
