/*  meshd/api/op_apikey.c: API keys (apikey.*). An API key is a CURVE keypair
    made here; only its public key is kept, the secret is in the reply once.
    The auth actor admits the public key on the TCP API (as its user) and,
    for users without scopes, on the events socket. Anyone may hold keys of
    their own; an admin without scopes manages anyone's.                    */
#include "api/api.h"

static json_t *
op_apikey_add (api_t *api, api_call_t *call)
{
    const char *name = api_str (call, "name");
    const char *user = api_str (call, "user");
    if (!user)
        user = call->user;
    if (!streq (user, call->user) && !api_full_admin (call))
        return api_fail (call, "forbidden", "only an admin without site scopes makes keys for others");
    int64_t user_id = api_id (api, "user", user);
    if (!user_id)
        return api_fail (call, "not_found", "no user '%s'", user);
    zcert_t *cert = zcert_new ();
    if (!cert)
        return api_fail (call, "internal", "cannot make a keypair");
    sqlite3_stmt *stmt = vd_db_prepare (api_db (api),
        "INSERT INTO apikey (name, user_id, public_key, created_us) VALUES (?, ?, ?, ?)");
    int rc = SQLITE_ERROR;
    if (stmt) {
        sqlite3_bind_text (stmt, 1, name, -1, SQLITE_STATIC);
        sqlite3_bind_int64 (stmt, 2, user_id);
        sqlite3_bind_text (stmt, 3, zcert_public_txt (cert), -1, SQLITE_STATIC);
        sqlite3_bind_int64 (stmt, 4, vd_now_us ());
        rc = sqlite3_step (stmt);
    }
    sqlite3_finalize (stmt);
    if (rc != SQLITE_DONE) {
        zcert_destroy (&cert);
        return api_fail_db (api, call, "apikey");
    }
    meshd_t *meshd = api_meshd (api);
    char *endpoint = meshd_dialable (vd_config_str (meshd->config, "api/tcp"));
    char *events = meshd_dialable (vd_config_str (meshd->config, "events/tcp"));
    json_t *result = json_pack ("{s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "name", name, "user", user,
        "public_key", zcert_public_txt (cert), "secret_key", zcert_secret_txt (cert),
        "server_key", zcert_public_txt (meshd->cert), "endpoint", endpoint, "events", events);
    free (endpoint);
    free (events);
    zcert_destroy (&cert);
    api_audit (api, call, json_pack ("{s:s, s:s, s:s}", "apikey", name, "user", user, "public_key",
                                     json_string_value (json_object_get (result, "public_key"))));
    return result;
}

static json_t *
op_apikey_list (api_t *api, api_call_t *call)
{
    sqlite3_stmt *stmt = vd_db_prepare (api_db (api),
        "SELECT k.id, k.name, u.name, k.public_key, k.created_us, k.last_used_us FROM apikey k "
        "JOIN user u ON u.id = k.user_id WHERE ?1 IS NULL OR u.name = ?1 ORDER BY k.name");
    if (!stmt)
        return api_fail (call, "internal", "database error");
    if (!api_full_admin (call))
        sqlite3_bind_text (stmt, 1, call->user, -1, SQLITE_STATIC);
    json_t *list = json_array ();
    while (sqlite3_step (stmt) == SQLITE_ROW)
        json_array_append_new (list, json_pack ("{s:I, s:s, s:s, s:s, s:I, s:o}",
            "id", (json_int_t) sqlite3_column_int64 (stmt, 0),
            "name", sqlite3_column_text (stmt, 1),
            "user", sqlite3_column_text (stmt, 2),
            "public_key", sqlite3_column_text (stmt, 3),
            "created_us", (json_int_t) sqlite3_column_int64 (stmt, 4),
            "last_used_us", api_column_int (stmt, 5)));
    sqlite3_finalize (stmt);
    return list;
}

static json_t *
op_apikey_remove (api_t *api, api_call_t *call)
{
    const char *name = api_str (call, "name");
    sqlite3_stmt *stmt = vd_db_prepare (api_db (api),
        "DELETE FROM apikey WHERE name = ?1 AND (?2 IS NULL OR user_id = ?2)");
    if (!stmt)
        return api_fail (call, "internal", "database error");
    sqlite3_bind_text (stmt, 1, name, -1, SQLITE_STATIC);
    if (!api_full_admin (call))
        sqlite3_bind_int64 (stmt, 2, call->user_id);
    int rc = sqlite3_step (stmt);
    sqlite3_finalize (stmt);
    if (rc != SQLITE_DONE)
        return api_fail_db (api, call, "apikey");
    if (sqlite3_changes (api_db (api)) == 0)
        return api_fail (call, "not_found", "no API key '%s' of yours", name);
    api_audit (api, call, json_pack ("{s:s}", "apikey", name));
    return json_pack ("{s:s}", "name", name);
}

const api_op_t op_apikey_ops [] = {
    { "apikey.add",     "viewer",   "name:n! user:n", op_apikey_add,
      "registers a CURVE client keypair for the TCP API; the secret is returned once" },
    { "apikey.list",    "viewer",   "", op_apikey_list,
      "lists API keys (admins see all, others their own)" },
    { "apikey.remove",  "viewer",   "name:n!", op_apikey_remove,
      "removes an API key (its owner or an admin)" },
    { NULL }
};
