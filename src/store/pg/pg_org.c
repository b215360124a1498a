/* store/pg/pg_org.c: organisations, users and sessions on PostgreSQL. */
#include <stdlib.h>
#include <string.h>

#include "store/pg/pg_internal.h"
#include "util/timeutil.h"

#define ORG_COLS "id, kind, name, open311_jurisdiction"
#define USER_COLS                                                                                  \
    "id, org_id, username, display_name, role, team, password_hash, mfa_secret, is_disabled, "     \
    "created_at"


int pg_org_insert(struct store *s, const struct organisation *o, fc_id_t *out, struct fc_err *err)
{
    struct pg_conn *c;
    PGresult *r = NULL;
    const char *kind = model_org_kind_name(o->kind);
    if (kind == NULL)
        return err_set(err, FC_EINVAL, "kind", "organisation kind is not valid");
    int rc = pg_conn_of(s, &c, err);
    if (rc != FC_OK)
        return rc;
    struct pg_params p = { 0 };
    pg_param_id(&p, o->id);
    pg_param_text(&p, kind);
    pg_param_text(&p, o->name);
    pg_param_text(&p, o->open311_jurisdiction);
    pg_param_int(&p, time_now());
    rc = pg_exec(c, PG_ORG_INSERT,
                 "INSERT INTO organisation (id, kind, name, open311_jurisdiction, created_at) "
                 "VALUES (coalesce($1::bigint, nextval('organisation_id_seq')), $2, $3, $4, $5) "
                 "RETURNING id",
                 &p, "organisation", &r, err);
    if (rc == FC_OK && o->id != 0)
        rc = pg_seq_bump(c, "organisation", o->id, err);
    if (rc == FC_OK && out)
        *out = pg_col_int(r, 0, 0);
    PQclear(r);
    return rc;
}

static int org_rows(PGresult *r, struct arena *a, struct organisation *o, int n,
                    struct fc_err *err)
{
    for (int i = 0; i < n; i++) {
        memset(&o[i], 0, sizeof(o[i]));
        o[i].id = pg_col_int(r, i, 0);
        if (!model_org_kind_parse(PQgetvalue(r, i, 1), &o[i].kind))
            o[i].kind = ORG_OTHER;
        o[i].name = pg_col_text(r, i, 2, a);
        o[i].open311_jurisdiction = pg_col_text(r, i, 3, a);
        if (o[i].name == NULL)
            return err_set(err, FC_ENOMEM, "", "out of memory reading an organisation");
    }
    return FC_OK;
}

static int org_get_one(struct store *s, enum pg_slot slot, const char *sql,
                       const struct pg_params *p, const char *field, struct arena *a,
                       struct organisation *out, struct fc_err *err)
{
    struct pg_conn *c;
    PGresult *r = NULL;
    int rc = pg_conn_of(s, &c, err);
    if (rc == FC_OK)
        rc = pg_exec(c, slot, sql, p, "organisation", &r, err);
    if (rc == FC_OK && PQntuples(r) == 0)
        rc = err_set(err, FC_ENOTFOUND, field, "organisation not found");
    if (rc == FC_OK)
        rc = org_rows(r, a, out, 1, err);
    PQclear(r);
    return rc;
}

int pg_org_get(struct store *s, fc_id_t id, struct arena *a, struct organisation *out,
               struct fc_err *err)
{
    struct pg_params p = { 0 };
    pg_param_int(&p, id);
    return org_get_one(s, PG_ORG_GET, "SELECT " ORG_COLS " FROM organisation WHERE id = $1", &p,
                       "id", a, out, err);
}

int pg_org_get_by_name(struct store *s, const char *name, struct arena *a,
                       struct organisation *out, struct fc_err *err)
{
    if (name == NULL)
        return err_set(err, FC_EINVAL, "name", "organisation name is required");
    struct pg_params p = { 0 };
    pg_param_text(&p, name);
    return org_get_one(s, PG_ORG_GET_BY_NAME,
                       "SELECT " ORG_COLS " FROM organisation WHERE name = $1", &p, "name", a,
                       out, err);
}

int pg_org_list(struct store *s, struct arena *a, struct organisation **out, size_t *n,
                struct fc_err *err)
{
    struct pg_conn *c;
    PGresult *r = NULL;
    *out = NULL;
    *n = 0;
    int rc = pg_conn_of(s, &c, err);
    if (rc == FC_OK)
        rc = pg_exec(c, PG_ORG_LIST, "SELECT " ORG_COLS " FROM organisation ORDER BY id", NULL,
                     "organisation list", &r, err);
    if (rc != FC_OK)
        return rc;
    int rows = PQntuples(r);
    struct organisation *arr = arena_alloc(a, (size_t)(rows ? rows : 1) * sizeof(*arr));
    if (arr == NULL)
        rc = err_set(err, FC_ENOMEM, "", "out of memory listing organisations");
    else
        rc = org_rows(r, a, arr, rows, err);
    PQclear(r);
    if (rc == FC_OK) {
        *out = arr;
        *n = (size_t)rows;
    }
    return rc;
}

/* ---- users ---- */

static int user_params(struct pg_params *p, const struct user *u, struct fc_err *err)
{
    const char *role = model_user_role_name(u->role);
    if (role == NULL)
        return err_set(err, FC_EINVAL, "role", "role is not valid");
    pg_param_id(p, u->id);
    pg_param_id(p, u->org_id);
    pg_param_text(p, u->username);
    pg_param_text(p, u->display_name);
    pg_param_text(p, role);
    pg_param_text(p, u->team);
    pg_param_text(p, u->password_hash);
    pg_param_text(p, u->mfa_secret);
    pg_param_int(p, u->is_disabled ? 1 : 0);
    pg_param_int(p, u->created_at ? u->created_at : time_now());
    return FC_OK;
}

int pg_user_insert(struct store *s, const struct user *u, fc_id_t *out, struct fc_err *err)
{
    struct pg_conn *c;
    PGresult *r = NULL;
    struct pg_params p = { 0 };
    int rc = user_params(&p, u, err);
    if (rc == FC_OK)
        rc = pg_conn_of(s, &c, err);
    if (rc == FC_OK)
        rc = pg_exec(c, PG_USER_INSERT,
                     "INSERT INTO app_user (" USER_COLS ") VALUES "
                     "(coalesce($1::bigint, nextval('app_user_id_seq')), $2, $3, $4, $5, $6, $7, "
                     "$8, $9, $10) RETURNING id",
                     &p, "user", &r, err);
    if (rc == FC_OK && u->id != 0)
        rc = pg_seq_bump(c, "app_user", u->id, err);
    if (rc == FC_OK && out)
        *out = pg_col_int(r, 0, 0);
    PQclear(r);
    return rc;
}

static int user_rows(PGresult *r, struct arena *a, struct user *u, int n, struct fc_err *err)
{
    for (int i = 0; i < n; i++) {
        memset(&u[i], 0, sizeof(u[i]));
        u[i].id = pg_col_int(r, i, 0);
        u[i].org_id = pg_col_int(r, i, 1);
        u[i].username = pg_col_text(r, i, 2, a);
        u[i].display_name = pg_col_text(r, i, 3, a);
        if (!model_user_role_parse(PQgetvalue(r, i, 4), &u[i].role))
            return err_set(err, FC_EINTERNAL, "role", "stored role is not valid");
        u[i].team = pg_col_text(r, i, 5, a);
        u[i].password_hash = pg_col_text(r, i, 6, a);
        u[i].mfa_secret = pg_col_text(r, i, 7, a);
        u[i].is_disabled = pg_col_int(r, i, 8) != 0;
        u[i].created_at = pg_col_int(r, i, 9);
        if (u[i].username == NULL)
            return err_set(err, FC_ENOMEM, "", "out of memory reading a user");
    }
    return FC_OK;
}

static int user_get_one(struct store *s, enum pg_slot slot, const char *sql,
                        const struct pg_params *p, const char *field, struct arena *a,
                        struct user *out, struct fc_err *err)
{
    struct pg_conn *c;
    PGresult *r = NULL;
    int rc = pg_conn_of(s, &c, err);
    if (rc == FC_OK)
        rc = pg_exec(c, slot, sql, p, "user", &r, err);
    if (rc == FC_OK && PQntuples(r) == 0)
        rc = err_set(err, FC_ENOTFOUND, field, "user not found");
    if (rc == FC_OK)
        rc = user_rows(r, a, out, 1, err);
    PQclear(r);
    return rc;
}

int pg_user_get(struct store *s, fc_id_t id, struct arena *a, struct user *out,
                struct fc_err *err)
{
    struct pg_params p = { 0 };
    pg_param_int(&p, id);
    return user_get_one(s, PG_USER_GET, "SELECT " USER_COLS " FROM app_user WHERE id = $1", &p,
                        "id", a, out, err);
}

int pg_user_get_by_name(struct store *s, const char *username, struct arena *a, struct user *out,
                        struct fc_err *err)
{
    if (username == NULL)
        return err_set(err, FC_EINVAL, "username", "username is required");
    struct pg_params p = { 0 };
    pg_param_text(&p, username);
    return user_get_one(s, PG_USER_GET_BY_NAME,
                        "SELECT " USER_COLS " FROM app_user WHERE username = $1", &p, "username",
                        a, out, err);
}

int pg_user_update(struct store *s, const struct user *u, struct fc_err *err)
{
    struct pg_conn *c;
    PGresult *r = NULL;
    struct pg_params p = { 0 };
    int rc = user_params(&p, u, err);
    if (rc == FC_OK)
        rc = pg_conn_of(s, &c, err);
    /* $3 and $10 (username, created_at) are bound but never change */
    if (rc == FC_OK)
        rc = pg_exec(c, PG_USER_UPDATE,
                     "UPDATE app_user SET org_id = $2, display_name = $4, role = $5, team = $6, "
                     "password_hash = $7, mfa_secret = $8, is_disabled = $9 "
                     "WHERE id = $1 AND $3::text IS NOT DISTINCT FROM $3 "
                     "AND $10::bigint IS NOT DISTINCT FROM $10",
                     &p, "user", &r, err);
    if (rc == FC_OK && strcmp(PQcmdTuples(r), "0") == 0)
        rc = err_set(err, FC_ENOTFOUND, "id", "user not found");
    PQclear(r);
    return rc;
}

int pg_user_list(struct store *s, struct arena *a, struct user **out, size_t *n,
                 struct fc_err *err)
{
    struct pg_conn *c;
    PGresult *r = NULL;
    *out = NULL;
    *n = 0;
    int rc = pg_conn_of(s, &c, err);
    if (rc == FC_OK)
        rc = pg_exec(c, PG_USER_LIST, "SELECT " USER_COLS " FROM app_user ORDER BY id", NULL,
                     "user list", &r, err);
    if (rc != FC_OK)
        return rc;
    int rows = PQntuples(r);
    struct user *arr = arena_alloc(a, (size_t)(rows ? rows : 1) * sizeof(*arr));
    if (arr == NULL)
        rc = err_set(err, FC_ENOMEM, "", "out of memory listing users");
    else
        rc = user_rows(r, a, arr, rows, err);
    PQclear(r);
    if (rc == FC_OK) {
        *out = arr;
        *n = (size_t)rows;
    }
    return rc;
}

/* ---- sessions ---- */

int pg_session_insert(struct store *s, const struct session *se, struct fc_err *err)
{
    struct pg_conn *c;
    PGresult *r = NULL;
    if (memchr(se->csrf, '\0', sizeof(se->csrf)) == NULL)
        return err_set(err, FC_EINVAL, "csrf", "csrf token is not terminated");
    int rc = pg_conn_of(s, &c, err);
    if (rc != FC_OK)
        return rc;
    struct pg_params p = { 0 };
    pg_param_bytea(&p, se->token_hash, 32);
    pg_param_id(&p, se->user_id);
    pg_param_text(&p, se->csrf);
    pg_param_int(&p, se->created_at);
    pg_param_int(&p, se->last_seen_at);
    pg_param_int(&p, se->expires_at);
    rc = pg_exec(c, PG_SESSION_INSERT,
                 "INSERT INTO session (token_hash, user_id, csrf, created_at, last_seen_at, "
                 "expires_at) VALUES ($1, $2, $3, $4, $5, $6)",
                 &p, "session", &r, err);
    PQclear(r);
    return rc;
}

int pg_session_get(struct store *s, const unsigned char token_hash[32], struct session *out,
                   struct fc_err *err)
{
    struct pg_conn *c;
    PGresult *r = NULL;
    int rc = pg_conn_of(s, &c, err);
    if (rc != FC_OK)
        return rc;
    struct pg_params p = { 0 };
    pg_param_bytea(&p, token_hash, 32);
    rc = pg_exec(c, PG_SESSION_GET,
                 "SELECT user_id, csrf, created_at, last_seen_at, expires_at FROM session "
                 "WHERE token_hash = $1",
                 &p, "session", &r, err);
    if (rc == FC_OK && PQntuples(r) == 0)
        rc = err_set(err, FC_ENOTFOUND, "session", "session not found");
    if (rc == FC_OK) {
        memset(out, 0, sizeof(*out));
        memcpy(out->token_hash, token_hash, 32);
        out->user_id = pg_col_int(r, 0, 0);
        snprintf(out->csrf, sizeof(out->csrf), "%s", PQgetvalue(r, 0, 1));
        out->created_at = pg_col_int(r, 0, 2);
        out->last_seen_at = pg_col_int(r, 0, 3);
        out->expires_at = pg_col_int(r, 0, 4);
    }
    PQclear(r);
    return rc;
}

static int session_change(struct store *s, enum pg_slot slot, const char *sql,
                          const unsigned char token_hash[32], const fc_time_t *now,
                          struct fc_err *err)
{
    struct pg_conn *c;
    PGresult *r = NULL;
    int rc = pg_conn_of(s, &c, err);
    if (rc != FC_OK)
        return rc;
    struct pg_params p = { 0 };
    pg_param_bytea(&p, token_hash, 32);
    if (now != NULL)
        pg_param_int(&p, *now);
    rc = pg_exec(c, slot, sql, &p, "session", &r, err);
    if (rc == FC_OK && strcmp(PQcmdTuples(r), "0") == 0)
        rc = err_set(err, FC_ENOTFOUND, "session", "session not found");
    PQclear(r);
    return rc;
}

int pg_session_touch(struct store *s, const unsigned char token_hash[32], fc_time_t now,
                     struct fc_err *err)
{
    return session_change(s, PG_SESSION_TOUCH,
                          "UPDATE session SET last_seen_at = greatest(last_seen_at, $2) "
                          "WHERE token_hash = $1",
                          token_hash, &now, err);
}

int pg_session_delete(struct store *s, const unsigned char token_hash[32], struct fc_err *err)
{
    return session_change(s, PG_SESSION_DELETE, "DELETE FROM session WHERE token_hash = $1",
                          token_hash, NULL, err);
}

int pg_session_purge(struct store *s, fc_time_t now, size_t *out_n, struct fc_err *err)
{
    struct pg_conn *c;
    PGresult *r = NULL;
    int rc = pg_conn_of(s, &c, err);
    if (rc != FC_OK)
        return rc;
    struct pg_params p = { 0 };
    pg_param_int(&p, now);
    rc = pg_exec(c, PG_SESSION_PURGE, "DELETE FROM session WHERE expires_at <= $1", &p,
                 "session purge", &r, err);
    if (out_n)
        *out_n = rc == FC_OK ? (size_t)strtoull(PQcmdTuples(r), NULL, 10) : 0;
    PQclear(r);
    return rc;
}
