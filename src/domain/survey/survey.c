/* survey/survey.c: see survey.h. */
#include "domain/survey/survey.h"

#include <sodium.h>
#include <string.h>

#include "domain/config/config.h"

#define DAY_S 86400

int survey_config_load(const char *version, struct survey_config *out, struct fc_err *err)
{
    json_t *j = NULL;
    memset(out, 0, sizeof(*out));
    int rc = config_json_load(version, &j, err);
    if (rc != FC_OK)
        return rc;
    rc = config_copy(out->version, sizeof(out->version), version, "version", err);
    if (rc == FC_OK)
        rc = config_json_int(j, version, "not_again_days", &out->not_again_days, err);
    if (rc == FC_OK)
        rc = config_json_int(j, version, "link_valid_days", &out->link_valid_days, err);
    if (rc == FC_OK && (out->not_again_days < 0 || out->link_valid_days < 1))
        rc = err_set(err, FC_EINVAL, "link_valid_days",
                     "%s: periods must be positive numbers of days", version);
    json_decref(j);
    return rc;
}

static bool one_of(const char *v, const char *const *allowed)
{
    for (; *allowed; allowed++) {
        if (strcmp(v, *allowed) == 0)
            return true;
    }
    return false;
}

int survey_input_validate(const struct survey_input *in, struct fc_err *err)
{
    static const char *const q6[] = { "yes", "reduced", "no", "dont_know", NULL };
    static const char *const q7[] = { "yes", "no", "dont_know", NULL };
    for (int i = 0; i < 5; i++) {
        if (in->q[i] < 0 || in->q[i] > 7) {
            char field[4] = { 'q', (char)('1' + i), '\0', '\0' };
            return err_set(err, FC_EINVAL, field,
                           "must be 1 (completely satisfied) to 7 (completely dissatisfied), "
                           "or 0 for don't know");
        }
    }
    if (!one_of(in->q6, q6))
        return err_set(err, FC_EINVAL, "q6", "must be yes, reduced, no or dont_know");
    if (!one_of(in->q7, q7))
        return err_set(err, FC_EINVAL, "q7", "must be yes, no or dont_know");
    return FC_OK;
}

static void token_hash(const char *token, unsigned char out[32])
{
    crypto_generichash(out, 32, (const unsigned char *)token, strlen(token), NULL, 0);
}

/* Is this person surveyed (invited, answered, declined) within the period, other than row? */
static int recently_surveyed(struct store *s, const struct survey_config *cfg,
                             const struct survey_queue_rec *q, fc_time_t now, bool *out,
                             struct fc_err *err)
{
    *out = false;
    if (q->person_id == 0 || cfg->not_again_days == 0)
        return FC_OK;
    int64_t n = 0;
    int rc = STORE_CALL(s, survey_person_recent, q->person_id,
                        now - (fc_time_t)cfg->not_again_days * DAY_S, q->id, &n, err);
    *out = n > 0;
    return rc;
}

int survey_queue_screen(struct store *s, const struct survey_config *cfg, fc_time_t now,
                        size_t *out_eligible, size_t *out_skipped, struct fc_err *err)
{
    struct arena a;
    arena_init(&a, 0);
    struct survey_queue_rec *rows = NULL;
    size_t n = 0, eligible = 0, skipped = 0;
    int rc = store_survey_queue_list(s, "queued", &a, &rows, &n, err);
    for (size_t i = 0; rc == FC_OK && i < n; i++) {
        bool recent;
        rc = recently_surveyed(s, cfg, &rows[i], now, &recent, err);
        if (rc != FC_OK)
            break;
        if (recent) {
            rc = STORE_CALL(s, survey_set_status, rows[i].id, "not_eligible", err);
            skipped++;
        } else {
            eligible++;
        }
    }
    arena_free(&a);
    if (out_eligible)
        *out_eligible = eligible;
    if (out_skipped)
        *out_skipped = skipped;
    return rc;
}

/* Loads a queue row and checks it still waits for answers and is allowed. */
static int waiting_row(struct store *s, const struct survey_config *cfg, fc_id_t queue_id,
                       fc_time_t now, struct arena *a, struct survey_queue_rec *q,
                       struct fc_err *err)
{
    int rc = STORE_CALL(s, survey_get, queue_id, a, q, err);
    if (rc != FC_OK)
        return rc;
    if (strcmp(q->status, "queued") != 0 && strcmp(q->status, "invited") != 0)
        return err_set(err, FC_ECONFLICT, "status", "this survey is already %s", q->status);
    bool recent;
    rc = recently_surveyed(s, cfg, q, now, &recent, err);
    if (rc == FC_OK && recent)
        rc = err_set(err, FC_ECONFLICT, "person_id",
                     "this person was surveyed within the last %d days", cfg->not_again_days);
    return rc;
}

int survey_link_create(struct store *s, const struct survey_config *cfg, fc_id_t queue_id,
                       fc_time_t now, char out[SURVEY_TOKEN_LEN + 1], struct fc_err *err)
{
    if (sodium_init() < 0)
        return err_set(err, FC_EINTERNAL, "", "libsodium failed to initialise");
    struct arena a;
    arena_init(&a, 0);
    struct survey_queue_rec q;
    int rc = store_txn_begin(s, err);
    if (rc != FC_OK)
        goto out;
    rc = waiting_row(s, cfg, queue_id, now, &a, &q, err);
    unsigned char raw[32], hash[32];
    if (rc == FC_OK) {
        randombytes_buf(raw, sizeof(raw));
        sodium_bin2base64(out, SURVEY_TOKEN_LEN + 1, raw, sizeof(raw),
                          sodium_base64_VARIANT_URLSAFE_NO_PADDING);
        sodium_memzero(raw, sizeof(raw));
        token_hash(out, hash);
        rc = STORE_CALL(s, survey_token_insert, hash, queue_id, now,
                        now + (fc_time_t)cfg->link_valid_days * DAY_S, err);
    }
    if (rc == FC_OK)
        rc = STORE_CALL(s, survey_set_status, queue_id, "invited", err);
    if (rc == FC_OK)
        rc = store_txn_commit(s, err);
    else
        store_txn_rollback(s);
    if (rc != FC_OK)
        sodium_memzero(out, SURVEY_TOKEN_LEN + 1);
out:
    arena_free(&a);
    return rc;
}

int survey_link_check(struct store *s, const char *token, fc_time_t now, fc_id_t *out_queue_id,
                      struct fc_err *err)
{
    if (!token || strlen(token) != SURVEY_TOKEN_LEN)
        return err_set(err, FC_ENOTFOUND, "token", "this survey link is not valid or has expired");
    unsigned char hash[32];
    token_hash(token, hash);
    return STORE_CALL(s, survey_token_peek, hash, now, out_queue_id, err);
}

static int record(struct store *s, fc_id_t queue_id, const struct survey_input *in,
                  const char *channel, fc_id_t user_id, fc_time_t now, fc_id_t *out,
                  struct fc_err *err)
{
    struct survey_answers ans = { .queue_id = queue_id, .instrument = "survey/v1",
                                  .channel = channel, .q6 = in->q6, .q7 = in->q7,
                                  .recorded_by = user_id, .responded_at = now };
    memcpy(ans.q, in->q, sizeof(ans.q));
    int rc = STORE_CALL(s, survey_response_insert, &ans, out, err);
    if (rc == FC_ECONFLICT)
        return err_set(err, FC_ECONFLICT, "queue_id", "this survey has already been answered");
    if (rc == FC_OK)
        rc = STORE_CALL(s, survey_set_status, queue_id, "responded", err);
    return rc;
}

int survey_record_phone(struct store *s, const struct survey_config *cfg, fc_id_t queue_id,
                        const struct survey_input *in, fc_id_t user_id, fc_time_t now,
                        fc_id_t *out_response_id, struct fc_err *err)
{
    int rc = survey_input_validate(in, err);
    if (rc != FC_OK)
        return rc;
    struct arena a;
    arena_init(&a, 0);
    struct survey_queue_rec q;
    rc = store_txn_begin(s, err);
    if (rc == FC_OK) {
        rc = waiting_row(s, cfg, queue_id, now, &a, &q, err);
        if (rc == FC_OK)
            rc = record(s, queue_id, in, "phone", user_id, now, out_response_id, err);
        if (rc == FC_OK)
            rc = store_txn_commit(s, err);
        else
            store_txn_rollback(s);
    }
    arena_free(&a);
    return rc;
}

int survey_record_web(struct store *s, const char *token, const struct survey_input *in,
                      fc_time_t now, fc_id_t *out_response_id, struct fc_err *err)
{
    int rc = survey_input_validate(in, err);
    if (rc != FC_OK)
        return rc;
    if (!token || strlen(token) != SURVEY_TOKEN_LEN)
        return err_set(err, FC_ENOTFOUND, "token", "this survey link is not valid or has expired");
    unsigned char hash[32];
    token_hash(token, hash);
    fc_id_t queue_id;
    rc = store_txn_begin(s, err);
    if (rc != FC_OK)
        return rc;
    rc = STORE_CALL(s, survey_token_use, hash, now, &queue_id, err);
    if (rc == FC_OK)
        rc = record(s, queue_id, in, "web", 0, now, out_response_id, err);
    if (rc == FC_OK)
        rc = store_txn_commit(s, err);
    else
        store_txn_rollback(s);
    return rc;
}

int survey_decline(struct store *s, fc_id_t queue_id, struct fc_err *err)
{
    struct arena a;
    arena_init(&a, 0);
    struct survey_queue_rec q;
    int rc = STORE_CALL(s, survey_get, queue_id, &a, &q, err);
    if (rc == FC_OK && strcmp(q.status, "queued") != 0 && strcmp(q.status, "invited") != 0)
        rc = err_set(err, FC_ECONFLICT, "status", "this survey is already %s", q.status);
    if (rc == FC_OK)
        rc = STORE_CALL(s, survey_set_status, queue_id, "declined", err);
    arena_free(&a);
    return rc;
}
