/*  meshd/api/op_user_key.c: users' SSH public keys (user.key.add, user.key.list,
    user.key.remove), for the console served over SSH (ssh.c). A key is
    given as an authorized_keys line; libssh checks it and makes its
    SHA256 fingerprint. Users manage their own keys; an admin without site
    scopes manages anyone's.                                               */
#include "api/api.h"
#include <libssh/libssh.h>

//  The bits of an RSA key's modulus, from its blob (string "ssh-rsa",
//  mpint e, mpint n: RFC 4253 6.6); 0 if the blob is not one
int
meshd_ssh_rsa_bits (const char *base64)
{
    unsigned char blob [8192];
    size_t size = 0;
    if (sodium_base642bin (blob, sizeof blob, base64, strlen (base64), NULL, &size, NULL,
                           sodium_base64_VARIANT_ORIGINAL))
        return 0;
    const unsigned char *at = blob, *end = blob + size;
    uint32_t length = 0;
    for (int field = 0; field < 3; field++) {
        if (end - at < 4)
            return 0;
        length = (uint32_t) at [0] << 24 | (uint32_t) at [1] << 16 | (uint32_t) at [2] << 8 | at [3];
        at += 4;
        if ((size_t) (end - at) < length)
            return 0;
        if (field < 2)
            at += length;
    }
    while (length && !*at) {
        at++;
        length--;
    }
    int bits = (int) length * 8;
    for (unsigned char top = length? *at: 0; bits && !(top & 0x80); top <<= 1)
        bits--;
    return bits;
}

//  The user named (default: the caller), if the caller may manage their keys
static int64_t
s_key_owner (api_t *api, api_call_t *call, const char **user)
{
    *user = api_str (call, "user");
    if (!*user)
        *user = call->user;
    if (!streq (*user, call->user) && !api_full_admin (call)) {
        api_fail (call, "forbidden", "only an admin without site scopes manages the keys of others");
        return 0;
    }
    int64_t id = api_id (api, "user", *user);
    if (!id)
        api_fail (call, "not_found", "no user '%s'", *user);
    return id;
}

static json_t *
op_user_key_add (api_t *api, api_call_t *call)
{
    const char *user;
    int64_t user_id = s_key_owner (api, call, &user);
    if (!user_id)
        return NULL;
    //  "TYPE BASE64 [COMMENT]", as in authorized_keys
    char line [16384];
    snprintf (line, sizeof line, "%s", api_str (call, "key"));
    char *saveptr = NULL;
    char *type = strtok_r (line, " \t", &saveptr);
    char *blob = type? strtok_r (NULL, " \t", &saveptr): NULL;
    char *comment = blob? strtok_r (NULL, "", &saveptr): NULL;
    enum ssh_keytypes_e kind = type? ssh_key_type_from_name (type): SSH_KEYTYPE_UNKNOWN;
    ssh_key key = NULL;
    if (kind == SSH_KEYTYPE_UNKNOWN || !blob || ssh_pki_import_pubkey_base64 (blob, kind, &key) != SSH_OK)
        return api_fail (call, "invalid", "key: not an SSH public key (TYPE BASE64 [COMMENT], "
                                          "as in authorized_keys)");
    int bits = ssh_key_type (key) == SSH_KEYTYPE_RSA? meshd_ssh_rsa_bits (blob): 0;
    if (ssh_key_type (key) == SSH_KEYTYPE_RSA && bits < MESHD_RSA_MIN_BITS) {
        ssh_key_free (key);
        return api_fail (call, "invalid", "key: an RSA key of %d bits; at least %d are needed "
                                          "(or an ed25519 key)", bits, MESHD_RSA_MIN_BITS);
    }
    unsigned char *hash = NULL;
    size_t hash_size = 0;
    char *fingerprint = NULL;
    if (ssh_get_publickey_hash (key, SSH_PUBLICKEY_HASH_SHA256, &hash, &hash_size) == 0)
        fingerprint = ssh_get_fingerprint_hash (SSH_PUBLICKEY_HASH_SHA256, hash, hash_size);
    ssh_clean_pubkey_hash (&hash);
    const char *canonical = ssh_key_type_to_char (ssh_key_type (key));
    ssh_key_free (key);
    if (!fingerprint)
        return api_fail (call, "internal", "cannot fingerprint the key");
    bool truncated;
    char *clean = vd_utf8_clean (comment? comment: "", comment? strlen (comment): 0, 200, &truncated);
    sqlite3_stmt *stmt = vd_db_prepare (api_db (api),
        "INSERT INTO user_key (user_id, type, key, comment, fingerprint, created_us) VALUES (?, ?, ?, ?, ?, ?)");
    int rc = SQLITE_ERROR;
    if (stmt) {
        sqlite3_bind_int64 (stmt, 1, user_id);
        sqlite3_bind_text (stmt, 2, canonical, -1, SQLITE_STATIC);
        sqlite3_bind_text (stmt, 3, blob, -1, SQLITE_STATIC);
        sqlite3_bind_text (stmt, 4, clean, -1, SQLITE_STATIC);
        sqlite3_bind_text (stmt, 5, fingerprint, -1, SQLITE_STATIC);
        sqlite3_bind_int64 (stmt, 6, vd_now_us ());
        rc = sqlite3_step (stmt);
    }
    sqlite3_finalize (stmt);
    json_t *result = NULL;
    if (rc == SQLITE_CONSTRAINT)
        api_fail (call, "conflict", "this key is registered already");
    else
    if (rc != SQLITE_DONE)
        api_fail_db (api, call, "user key");
    else {
        result = json_pack ("{s:s, s:s, s:s, s:s}", "user", user, "type", canonical,
                            "fingerprint", fingerprint, "comment", clean);
        api_audit (api, call, json_pack ("{s:s, s:s}", "user", user, "fingerprint", fingerprint));
    }
    free (clean);
    ssh_string_free_char (fingerprint);
    return result;
}

static json_t *
op_user_key_list (api_t *api, api_call_t *call)
{
    const char *user = api_str (call, "user");
    if (user && !api_id (api, "user", user))
        return api_fail (call, "not_found", "no user '%s'", user);
    sqlite3_stmt *stmt = vd_db_prepare (api_db (api),
        "SELECT u.name, k.type, k.fingerprint, k.comment, k.created_us FROM user_key k "
        "JOIN user u ON u.id = k.user_id WHERE (?1 IS NULL OR u.name = ?1) AND (?2 IS NULL OR u.id = ?2) "
        "ORDER BY u.name, k.id");
    if (!stmt)
        return api_fail (call, "internal", "database error");
    if (user)
        sqlite3_bind_text (stmt, 1, user, -1, SQLITE_STATIC);
    if (!api_full_admin (call))
        sqlite3_bind_int64 (stmt, 2, call->user_id);    //  one's own only
    json_t *list = json_array ();
    while (sqlite3_step (stmt) == SQLITE_ROW)
        json_array_append_new (list, json_pack ("{s:s, s:s, s:s, s:s, s:I}",
            "user", sqlite3_column_text (stmt, 0), "type", sqlite3_column_text (stmt, 1),
            "fingerprint", sqlite3_column_text (stmt, 2), "comment", sqlite3_column_text (stmt, 3),
            "created_us", (json_int_t) sqlite3_column_int64 (stmt, 4)));
    sqlite3_finalize (stmt);
    return list;
}

static json_t *
op_user_key_remove (api_t *api, api_call_t *call)
{
    const char *user;
    int64_t user_id = s_key_owner (api, call, &user);
    if (!user_id)
        return NULL;
    const char *fingerprint = api_str (call, "fingerprint");
    sqlite3_stmt *stmt = vd_db_prepare (api_db (api),
        "DELETE FROM user_key WHERE user_id = ? AND fingerprint = ?");
    if (!stmt)
        return api_fail (call, "internal", "database error");
    sqlite3_bind_int64 (stmt, 1, user_id);
    sqlite3_bind_text (stmt, 2, fingerprint, -1, SQLITE_STATIC);
    int rc = sqlite3_step (stmt);
    sqlite3_finalize (stmt);
    if (rc != SQLITE_DONE)
        return api_fail_db (api, call, "user key");
    if (sqlite3_changes (api_db (api)) == 0)
        return api_fail (call, "not_found", "no key %s of '%s'", fingerprint, user);
    api_audit (api, call, json_pack ("{s:s, s:s}", "user", user, "fingerprint", fingerprint));
    return json_pack ("{s:s, s:s}", "user", user, "fingerprint", fingerprint);
}

const api_op_t op_user_key_ops [] = {
    { "user.key.add",   "viewer",   "key:s! user:n", op_user_key_add,
      "registers an SSH public key for the console over SSH (one's own; an admin's for anyone)" },
    { "user.key.list",  "viewer",   "user:n", op_user_key_list,
      "lists SSH public keys by fingerprint (one's own; an admin sees all)" },
    { "user.key.remove", "viewer",  "fingerprint:s! user:n", op_user_key_remove,
      "removes an SSH public key by its fingerprint" },
    { NULL }
};
