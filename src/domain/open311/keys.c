/*
 * open311/keys.c: API keys of posting clients. A key is 32 random bytes, base64url; the
 * store keeps only its BLAKE2b-256 hash, so a copied database gives no working key.
 */
#include "domain/open311/open311.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

static void key_hash(const char *key, unsigned char out[32])
{
    crypto_generichash(out, 32, (const unsigned char *)key, strlen(key), NULL, 0);
}

int open311_key_issue(struct store *s, fc_id_t org_id, const char *label, fc_time_t now,
                      char key_out[OPEN311_KEY_CHARS + 1], fc_id_t *id_out, struct fc_err *err)
{
    unsigned char raw[32];
    struct open311_key_rec k = { .org_id = org_id, .label = (char *)label, .created_at = now };
    if (sodium_init() < 0)
        return err_set(err, FC_EINTERNAL, "", "libsodium failed to initialise");
    if (org_id <= 0)
        return err_set(err, FC_EINVAL, "org", "is required");
    if (label == NULL || label[0] == '\0' || strlen(label) > 200)
        return err_set(err, FC_EINVAL, "label", "is required (at most 200 bytes)");
    randombytes_buf(raw, sizeof(raw));
    sodium_bin2base64(key_out, OPEN311_KEY_CHARS + 1, raw, sizeof(raw),
                      sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    sodium_memzero(raw, sizeof(raw));
    key_hash(key_out, k.key_hash);
    int rc = store_txn_begin(s, err);
    if (rc != FC_OK)
        return rc;
    rc = store_open311_key_insert(s, &k, id_out, err);
    if (rc == FC_OK) {
        struct audit_event ev = { .at = now,
                                  .action = AUDIT_CONFIG,
                                  .object_type = "open311_key",
                                  .object_id = *id_out,
                                  .purpose = "Open311 client access",
                                  .detail = "key issued" };
        rc = store_audit_append(s, &ev, err);
    }
    if (rc == FC_OK)
        return store_txn_commit(s, err);
    store_txn_rollback(s);
    sodium_memzero(key_out, OPEN311_KEY_CHARS + 1);
    return rc;
}

int open311_key_revoke(struct store *s, fc_id_t key_id, fc_time_t now, struct fc_err *err)
{
    int rc = store_txn_begin(s, err);
    if (rc != FC_OK)
        return rc;
    rc = store_open311_key_revoke(s, key_id, now, err);
    if (rc == FC_OK) {
        struct audit_event ev = { .at = now,
                                  .action = AUDIT_CONFIG,
                                  .object_type = "open311_key",
                                  .object_id = key_id,
                                  .purpose = "Open311 client access",
                                  .detail = "key revoked" };
        rc = store_audit_append(s, &ev, err);
    }
    if (rc == FC_OK)
        return store_txn_commit(s, err);
    store_txn_rollback(s);
    return rc;
}

int open311_key_check(struct store *s, const char *key, struct open311_client *out,
                      struct fc_err *err)
{
    unsigned char h[32];
    struct open311_key_rec k;
    struct arena a;
    memset(out, 0, sizeof(*out));
    if (key == NULL || key[0] == '\0')
        return err_set(err, FC_EAUTH, "api_key", "is required to post: ask for a key");
    if (strlen(key) > 200)
        return err_set(err, FC_EAUTH, "api_key", "is not a valid key");
    if (sodium_init() < 0)
        return err_set(err, FC_EINTERNAL, "", "libsodium failed to initialise");
    key_hash(key, h);
    arena_init(&a, 0);
    int rc = store_open311_key_get_by_hash(s, h, &a, &k, err);
    if (rc == FC_ENOTFOUND || (rc == FC_OK && k.revoked_at != 0))
        rc = err_set(err, FC_EAUTH, "api_key", "is not a valid key");
    if (rc == FC_OK) {
        out->key_id = k.id;
        out->org_id = k.org_id;
    }
    arena_free(&a);
    return rc;
}
