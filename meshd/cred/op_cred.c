/*  meshd/cred/op_cred.c: credentials. What is secret (communities, passphrases)
    is sealed with the master key as soon as it arrives and never leaves
    meshd through the API: lists show name, kind and a summary only.      */
#include "api/api.h"
#include "cred/cred.h"
#include "backup/backup.h"

static const char *s_auth_protocols [] = { "md5", "sha", "sha-224", "sha-256", "sha-384", "sha-512", NULL };
static const char *s_priv_protocols [] = { "des", "aes", NULL };

//  "sha:PASSPHRASE" into a known protocol and a passphrase of at least 8
//  bytes (USM's minimum); false with the call failed
static bool
s_protocol_pass (api_call_t *call, const char *what, const char *value, const char **protocols,
                 char *protocol, size_t size, const char **pass)
{
    const char *colon = strchr (value, ':');
    size_t length = colon? (size_t) (colon - value): 0;
    bool known = false;
    for (int i = 0; protocols [i] && colon; i++)
        if (strlen (protocols [i]) == length && strncasecmp (protocols [i], value, length) == 0) {
            snprintf (protocol, size, "%s", protocols [i]);
            known = true;
        }
    if (!known) {
        api_fail (call, "invalid", "%s must be PROTOCOL:PASSPHRASE with PROTOCOL one of %s", what,
                  protocols == s_auth_protocols? "md5, sha, sha-224, sha-256, sha-384, sha-512": "des, aes");
        return false;
    }
    *pass = colon + 1;
    if (strlen (*pass) < 8) {
        api_fail (call, "invalid", "a %s passphrase needs at least 8 characters", what);
        return false;
    }
    return true;
}

//  Seals a credential's secret (wiped after) and stores it
static json_t *
s_seal_store (api_t *api, api_call_t *call, const char *name, const char *kind, json_t *secret,
              const char *summary)
{
    char *text = json_dumps (secret, JSON_COMPACT);
    //  the copies of the secret inside the JSON object are wiped too
    vd_json_wipe (secret);
    size_t size = 0;
    unsigned char *blob = text? cred_seal (api_master_key (api), text, &size): NULL;
    cred_free (&text);
    if (!blob)
        return api_fail (call, "internal", "cannot seal the credential");
    sqlite3_stmt *stmt = vd_db_prepare (api_db (api),
        "INSERT INTO credential (name, kind, summary, sealed, created_us) VALUES (?, ?, ?, ?, ?)");
    int rc = SQLITE_ERROR;
    if (stmt) {
        sqlite3_bind_text (stmt, 1, name, -1, SQLITE_STATIC);
        sqlite3_bind_text (stmt, 2, kind, -1, SQLITE_STATIC);
        sqlite3_bind_text (stmt, 3, summary, -1, SQLITE_STATIC);
        sqlite3_bind_blob (stmt, 4, blob, (int) size, SQLITE_STATIC);
        sqlite3_bind_int64 (stmt, 5, vd_now_us ());
        rc = sqlite3_step (stmt);
    }
    sqlite3_finalize (stmt);
    free (blob);
    if (rc != SQLITE_DONE)
        return api_fail_db (api, call, "credential");
    int64_t id = sqlite3_last_insert_rowid (api_db (api));
    api_audit (api, call, json_pack ("{s:s, s:s, s:s}", "credential", name, "kind", kind, "summary", summary));
    return json_pack ("{s:I, s:s, s:s, s:s}", "id", (json_int_t) id, "name", name, "kind", kind,
                      "summary", summary);
}

//  An ssh credential (configuration backups): a user with a password, a
//  private key (OpenSSH or PEM), or both, and an enable secret
static json_t *
s_ssh_secret (api_call_t *call, char *summary, size_t size)
{
    const char *user = api_str (call, "user");
    const char *password = api_str (call, "password");
    const char *key = api_str (call, "key");
    const char *enable = api_str (call, "enable");
    static const char *snmp_only [] = { "community", "version", "v3_user", "auth", "priv", "timeout", "retries", NULL };
    for (int i = 0; snmp_only [i]; i++)
        if (json_object_get (call->args, snmp_only [i])) {
            api_fail (call, "invalid", "%s is for snmp credentials", snmp_only [i]);
            return NULL;
        }
    if (!user || (!password && !key)) {
        api_fail (call, "invalid", "an ssh credential has a user and a password, a key, or both");
        return NULL;
    }
    if (key && !strstr (key, "-----BEGIN ") ) {
        api_fail (call, "invalid", "key is a private key file's text (-----BEGIN ...)");
        return NULL;
    }
    json_t *secret = json_pack ("{s:s}", "user", user);
    if (password)
        json_object_set_new (secret, "password", json_string (password));
    if (key)
        json_object_set_new (secret, "key", json_string (key));
    if (enable)
        json_object_set_new (secret, "enable", json_string (enable));
    snprintf (summary, size, "user %s, %s%s", user, password && key? "password and key": password? "password": "key",
              enable? ", enable secret": "");
    return secret;
}

static json_t *
op_cred_add (api_t *api, api_call_t *call)
{
    const char *name = api_str (call, "name");
    const char *kind = api_str (call, "kind");
    const char *community = api_str (call, "community");
    const char *user = api_str (call, "v3_user");
    const char *auth = api_str (call, "auth");
    const char *priv = api_str (call, "priv");
    const char *version = api_str (call, "version");
    if (call->scoped)
        return api_fail (call, "forbidden", "credentials need an admin without site scopes");
    if (!streq (kind, "snmp") && !streq (kind, "ssh"))
        return api_fail (call, "invalid", "kind must be snmp or ssh");
    json_t *secret = NULL;
    char summary [200];
    if (streq (kind, "ssh")) {
        if (!(secret = s_ssh_secret (call, summary, sizeof summary)))
            return NULL;
        return s_seal_store (api, call, name, kind, secret, summary);
    }
    if (api_str (call, "user") || api_str (call, "password") || api_str (call, "key") || api_str (call, "enable"))
        return api_fail (call, "invalid", "user, password, key and enable are for ssh credentials");
    if (!community == !user)
        return api_fail (call, "invalid", "an snmp credential has a community (v1, v2c) or a v3_user, not both");
    if (community) {
        if (!version)
            version = "2c";
        if (!streq (version, "1") && !streq (version, "2c"))
            return api_fail (call, "invalid", "a community is for version 1 or 2c");
        if (auth || priv)
            return api_fail (call, "invalid", "auth and priv are for v3 users");
        secret = json_pack ("{s:s, s:s}", "version", version, "community", community);
        snprintf (summary, sizeof summary, "v%s community", version);
    }
    else {
        if (version && !streq (version, "3"))
            return api_fail (call, "invalid", "a v3_user is for version 3");
        if (strlen (user) > 32)
            return api_fail (call, "invalid", "a v3 user name has at most 32 characters");
        if (priv && !auth)
            return api_fail (call, "invalid", "priv needs auth (USM has no privacy without authentication)");
        char auth_protocol [16] = "", priv_protocol [16] = "";
        const char *auth_pass = NULL, *priv_pass = NULL;
        if (auth && !s_protocol_pass (call, "auth", auth, s_auth_protocols, auth_protocol,
                                      sizeof auth_protocol, &auth_pass))
            return NULL;
        if (priv && !s_protocol_pass (call, "priv", priv, s_priv_protocols, priv_protocol,
                                      sizeof priv_protocol, &priv_pass))
            return NULL;
        const char *level = priv? "authPriv": auth? "authNoPriv": "noAuthNoPriv";
        secret = json_pack ("{s:s, s:s, s:s}", "version", "3", "user", user, "level", level);
        if (auth)
            json_object_set_new (secret, "auth", json_pack ("{s:s, s:s}", "protocol", auth_protocol,
                                                            "pass", auth_pass));
        if (priv)
            json_object_set_new (secret, "priv", json_pack ("{s:s, s:s}", "protocol", priv_protocol,
                                                            "pass", priv_pass));
        snprintf (summary, sizeof summary, "v3 user %s, %s%s%s%s", user, level,
                  auth? " ": "", auth_protocol, priv? "/": "");
        if (priv)
            strncat (summary, priv_protocol, sizeof summary - strlen (summary) - 1);
    }
    //  how long to wait, how often to try: per credential, with the secret
    json_t *retries = json_object_get (call->args, "retries");
    if (json_object_get (call->args, "timeout")) {
        int64_t timeout = api_duration (call, "timeout", 1000);
        if (timeout < 100 || timeout > 60000) {
            vd_json_wipe (secret);
            return call->error? NULL: api_fail (call, "invalid", "timeout must be 100ms to 60s");
        }
        json_object_set_new (secret, "timeout_ms", json_integer (timeout));
        snprintf (summary + strlen (summary), sizeof summary - strlen (summary), ", timeout %lldms",
                  (long long) timeout);
    }
    if (retries) {
        if (json_integer_value (retries) < 0 || json_integer_value (retries) > 10) {
            vd_json_wipe (secret);
            return api_fail (call, "invalid", "retries must be 0 to 10");
        }
        json_object_set_new (secret, "retries", json_integer (json_integer_value (retries)));
        snprintf (summary + strlen (summary), sizeof summary - strlen (summary), ", %lld retries",
                  (long long) json_integer_value (retries));
    }
    return s_seal_store (api, call, name, kind, secret, summary);
}

static json_t *
op_cred_list (api_t *api, api_call_t *call)
{
    sqlite3_stmt *stmt = vd_db_prepare (api_db (api),
        "SELECT id, name, kind, summary, created_us FROM credential ORDER BY name");
    if (!stmt)
        return api_fail (call, "internal", "database error");
    json_t *list = json_array ();
    while (sqlite3_step (stmt) == SQLITE_ROW)
        json_array_append_new (list, json_pack ("{s:I, s:s, s:s, s:s, s:I}",
            "id", (json_int_t) sqlite3_column_int64 (stmt, 0),
            "name", sqlite3_column_text (stmt, 1),
            "kind", sqlite3_column_text (stmt, 2),
            "summary", sqlite3_column_text (stmt, 3),
            "created_us", (json_int_t) sqlite3_column_int64 (stmt, 4)));
    sqlite3_finalize (stmt);
    return list;
}

static json_t *
op_cred_remove (api_t *api, api_call_t *call)
{
    const char *name = api_str (call, "name");
    if (call->scoped)
        return api_fail (call, "forbidden", "credentials need an admin without site scopes");
    char *sql = sqlite3_mprintf ("SELECT count (*) FROM device d JOIN credential c "
                                 "ON c.id = d.snmp_cred_id WHERE c.name = %Q", name);
    int64_t users = vd_db_int (api_db (api), sql, 0);
    sqlite3_free (sql);
    if (users)
        return api_fail (call, "conflict", "credential '%s' is in use by %lld device%s", name,
                         (long long) users, users == 1? "": "s");
    sql = sqlite3_mprintf ("SELECT count (*) FROM backup_target t JOIN credential c "
                           "ON c.id = t.cred_id OR c.id = t.jump_cred_id WHERE c.name = %Q", name);
    users = vd_db_int (api_db (api), sql, 0);
    sqlite3_free (sql);
    if (users)
        return api_fail (call, "conflict", "credential '%s' backs up %lld device%s (vedette backup status)", name,
                         (long long) users, users == 1? "": "s");
    sql = sqlite3_mprintf ("SELECT count (*) FROM trap_cred t JOIN credential c "
                           "ON c.id = t.cred_id WHERE c.name = %Q", name);
    users = vd_db_int (api_db (api), sql, 0);
    sqlite3_free (sql);
    if (users)
        return api_fail (call, "conflict", "traps are accepted with credential '%s' (see trap list)", name);
    if (vd_db_run (api_db (api), "DELETE FROM credential WHERE name = ?", "s", name))
        return api_fail_db (api, call, "credential");
    if (sqlite3_changes (api_db (api)) == 0)
        return api_fail (call, "not_found", "no credential '%s'", name);
    api_audit (api, call, json_pack ("{s:s}", "credential", name));
    return json_pack ("{s:s}", "name", name);
}

//  cred.test: an ssh credential against a device, live, through its probe
static json_t *
op_cred_test (api_t *api, api_call_t *call)
{
    int64_t device_id = api_find (api, call, "device", api_str (call, "device"));
    json_t *port = json_object_get (call->args, "port");
    if (port && (json_integer_value (port) < 1 || json_integer_value (port) > 65535))
        return api_fail (call, "invalid", "port is 1 to 65535");
    return device_id? backup_test (api, call, api_str (call, "name"), device_id): NULL;
}

const api_op_t op_cred_ops [] = {
    { "cred.add",       "admin",    "kind:n! name:n! community:p version:s v3_user:s auth:p priv:p timeout:d retries:i "
                                    "user:s password:p key:K enable:p",
      op_cred_add,
      "adds a credential (snmp: a community, or a v3 user with auth and priv; ssh: a user with a password "
      "or a key, and an enable secret); sealed, never shown again" },
    { "cred.test",      "operator", "name:n! device:n! model:n port:i", op_cred_test,
      "logs into a device with an ssh credential through its probe, now, and says whether it works" },
    { "cred.list",      "viewer",   "", op_cred_list,
      "lists credentials: name, kind and a summary, nothing secret" },
    { "cred.remove",    "admin",    "name:n!", op_cred_remove,
      "removes a credential" },
    { NULL }
};
