/*  meshd/api/op_user.c: users (user.*): roles, site scopes, passwords.

    Managing users and keys of others needs an admin without site scopes:
    a scoped admin could otherwise make an unscoped user. Anyone may change
    their own password and hold API keys of their own. There is always at
    least one unscoped admin left.
    API keys are in op_apikey.c, SSH keys in op_user_key.c.                */
#include "api/api.h"

#define PASSWORD_MIN    8

static bool
s_role_valid (const char *role)
{
    return streq (role, "admin") || streq (role, "operator") || streq (role, "viewer");
}

//  Unscoped admins other than user_id
static int64_t
s_other_admins (api_t *api, int64_t user_id)
{
    char sql [200];
    snprintf (sql, sizeof sql, "SELECT count(*) FROM user u WHERE role = 'admin' AND id != %lld "
              "AND NOT EXISTS (SELECT 1 FROM user_site WHERE user_id = u.id)", (long long) user_id);
    return vd_db_int (api_db (api), sql, 0);
}

//  Checks and hashes a password argument into hash; -1 after api_fail
static int
s_password (api_call_t *call, char *hash)
{
    const char *password = api_str (call, "password");
    if (strlen (password) < PASSWORD_MIN) {
        api_fail (call, "invalid", "a password has at least %d characters", PASSWORD_MIN);
        return -1;
    }
    if (meshd_password_hash (password, hash)) {
        api_fail (call, "internal", "out of memory hashing the password");
        return -1;
    }
    return 0;
}

//  Replaces the user's site scopes with the sites argument
static int
s_set_sites (api_t *api, api_call_t *call, int64_t user_id)
{
    json_t *sites = json_object_get (call->args, "sites");
    sqlite3 *db = api_db (api);
    char sql [96];
    snprintf (sql, sizeof sql, "DELETE FROM user_site WHERE user_id = %lld", (long long) user_id);
    if (vd_db_exec (db, sql))
        return -1;
    size_t index;
    json_t *site;
    json_array_foreach (sites, index, site) {
        int64_t site_id = api_id (api, "site", json_string_value (site));
        if (!site_id) {
            api_fail (call, "not_found", "no site '%s'", json_string_value (site));
            return -1;
        }
        snprintf (sql, sizeof sql, "INSERT OR IGNORE INTO user_site VALUES (%lld, %lld)",
                  (long long) user_id, (long long) site_id);
        if (vd_db_exec (db, sql))
            return -1;
    }
    return 0;
}

//  Ends a write transaction: commits when all went well and returns 0; else
//  rolls back and returns -1 with an error (a database one if none was made)
static int
s_finish (api_t *api, api_call_t *call, bool good, const char *what)
{
    if (good && vd_db_exec (api_db (api), "COMMIT") == 0)
        return 0;
    if (!call->error)
        api_fail_db (api, call, what);
    vd_db_rollback (api_db (api));
    return -1;
}

static json_t *
op_user_add (api_t *api, api_call_t *call)
{
    if (!api_full_admin (call))
        return api_fail (call, "forbidden", "%s needs an admin without site scopes", call->op);
    const char *name = api_str (call, "name");
    const char *role = api_str (call, "role");
    if (!s_role_valid (role))
        return api_fail (call, "invalid", "role must be admin, operator or viewer");
    char hash [crypto_pwhash_STRBYTES];
    if (s_password (call, hash))
        return NULL;
    sqlite3 *db = api_db (api);
    if (vd_db_exec (db, "BEGIN IMMEDIATE"))
        return api_fail (call, "internal", "database busy");
    sqlite3_stmt *stmt = vd_db_prepare (db,
        "INSERT INTO user (name, role, pw_hash, created_us) VALUES (?, ?, ?, ?)");
    bool good = false;
    if (stmt) {
        sqlite3_bind_text (stmt, 1, name, -1, SQLITE_STATIC);
        sqlite3_bind_text (stmt, 2, role, -1, SQLITE_STATIC);
        sqlite3_bind_text (stmt, 3, hash, -1, SQLITE_STATIC);
        sqlite3_bind_int64 (stmt, 4, vd_now_us ());
        good = sqlite3_step (stmt) == SQLITE_DONE;
    }
    sqlite3_finalize (stmt);
    sodium_memzero (hash, sizeof hash);
    int64_t id = sqlite3_last_insert_rowid (db);
    good = good && s_set_sites (api, call, id) == 0;
    if (s_finish (api, call, good, "user"))
        return NULL;
    json_t *sites = json_object_get (call->args, "sites");
    sites = sites? json_incref (sites): json_array ();
    api_audit (api, call, json_pack ("{s:s, s:s, s:O}", "user", name, "role", role, "sites", sites));
    return json_pack ("{s:I, s:s, s:s, s:o}", "id", (json_int_t) id, "name", name, "role", role,
                      "sites", sites);
}

static json_t *
op_user_list (api_t *api, api_call_t *call)
{
    sqlite3_stmt *stmt = vd_db_prepare (api_db (api),
        "SELECT u.id, u.name, u.role, u.created_us, "
        "  (SELECT json_group_array (s.name) FROM user_site us JOIN site s ON s.id = us.site_id "
        "   WHERE us.user_id = u.id), "
        "  (SELECT count(*) FROM apikey k WHERE k.user_id = u.id), "
        "  (SELECT count(*) FROM session x WHERE x.user_id = u.id AND x.expires_us > ?) "
        "FROM user u ORDER BY u.name");
    if (!stmt)
        return api_fail (call, "internal", "database error");
    sqlite3_bind_int64 (stmt, 1, vd_now_us ());
    json_t *list = json_array ();
    while (sqlite3_step (stmt) == SQLITE_ROW) {
        json_t *sites = json_loads ((const char *) sqlite3_column_text (stmt, 4), 0, NULL);
        json_array_append_new (list, json_pack ("{s:I, s:s, s:s, s:I, s:o, s:I, s:I}",
            "id", (json_int_t) sqlite3_column_int64 (stmt, 0),
            "name", sqlite3_column_text (stmt, 1),
            "role", sqlite3_column_text (stmt, 2),
            "created_us", (json_int_t) sqlite3_column_int64 (stmt, 3),
            "sites", sites? sites: json_array (),
            "apikeys", (json_int_t) sqlite3_column_int64 (stmt, 5),
            "sessions", (json_int_t) sqlite3_column_int64 (stmt, 6)));
    }
    sqlite3_finalize (stmt);
    return list;
}

static json_t *
op_user_set (api_t *api, api_call_t *call)
{
    const char *name = api_str (call, "name");
    const char *role = api_str (call, "role");
    bool password = json_object_get (call->args, "password") != NULL;
    bool sites = json_object_get (call->args, "sites") != NULL;
    bool own_password = streq (name, call->user) && password && !role && !sites;
    if (!own_password && !api_full_admin (call))
        return api_fail (call, "forbidden", "only an admin without site scopes changes other users' "
                                            "roles, sites and passwords; you may change your own password");
    if (!role && !password && !sites)
        return api_fail (call, "invalid", "nothing to change: give role, password or sites");
    if (role && !s_role_valid (role))
        return api_fail (call, "invalid", "role must be admin, operator or viewer");
    int64_t id = api_id (api, "user", name);
    if (!id)
        return api_fail (call, "not_found", "no user '%s'", name);
    char hash [crypto_pwhash_STRBYTES];
    if (password && s_password (call, hash))
        return NULL;
    sqlite3 *db = api_db (api);
    if (vd_db_exec (db, "BEGIN IMMEDIATE"))
        return api_fail (call, "internal", "database busy");
    bool good = true;
    if (role || password) {
        sqlite3_stmt *stmt = vd_db_prepare (db,
            "UPDATE user SET role = coalesce (?, role), pw_hash = coalesce (?, pw_hash) WHERE id = ?");
        good = stmt != NULL;
        if (stmt) {
            if (role)
                sqlite3_bind_text (stmt, 1, role, -1, SQLITE_STATIC);
            if (password)
                sqlite3_bind_text (stmt, 2, hash, -1, SQLITE_STATIC);
            sqlite3_bind_int64 (stmt, 3, id);
            good = sqlite3_step (stmt) == SQLITE_DONE;
        }
        sqlite3_finalize (stmt);
    }
    if (password) {
        sodium_memzero (hash, sizeof hash);
        //  a new password ends the user's other sessions
        sqlite3_stmt *stmt = vd_db_prepare (db, "DELETE FROM session WHERE user_id = ? AND token_hash != ?");
        if (stmt) {
            sqlite3_bind_int64 (stmt, 1, id);
            sqlite3_bind_blob (stmt, 2, call->session, sizeof call->session, SQLITE_STATIC);
            good = good && sqlite3_step (stmt) == SQLITE_DONE;
        }
        sqlite3_finalize (stmt);
    }
    if (good && sites)
        good = s_set_sites (api, call, id) == 0;
    if (good && s_other_admins (api, 0) == 0) {
        api_fail (call, "conflict", "there must stay one admin without site scopes");
        good = false;
    }
    if (s_finish (api, call, good, "user"))
        return NULL;
    json_t *detail = json_pack ("{s:s}", "user", name);
    if (role)
        json_object_set_new (detail, "role", json_string (role));
    if (password)
        json_object_set_new (detail, "password", json_string ("changed"));
    if (sites)
        json_object_set (detail, "sites", json_object_get (call->args, "sites"));
    json_t *result = json_deep_copy (detail);
    api_audit (api, call, detail);
    return result;
}

static json_t *
op_user_remove (api_t *api, api_call_t *call)
{
    if (!api_full_admin (call))
        return api_fail (call, "forbidden", "%s needs an admin without site scopes", call->op);
    const char *name = api_str (call, "name");
    int64_t id = api_id (api, "user", name);
    if (!id)
        return api_fail (call, "not_found", "no user '%s'", name);
    if (s_other_admins (api, id) == 0)
        return api_fail (call, "conflict", "'%s' is the last admin without site scopes", name);
    char sql [64];
    snprintf (sql, sizeof sql, "DELETE FROM user WHERE id = %lld", (long long) id);
    if (vd_db_exec (api_db (api), sql))
        return api_fail_db (api, call, "user");
    api_audit (api, call, json_pack ("{s:s}", "user", name));
    return json_pack ("{s:I, s:s}", "id", (json_int_t) id, "name", name);
}

const api_op_t op_user_ops [] = {
    { "user.add",       "admin",    "name:n! role:n! password:p! sites:S", op_user_add,
      "adds a user with a role and optional site scopes" },
    { "user.list",      "admin",    "", op_user_list,
      "lists users: role, site scopes, API keys" },
    { "user.set",       "viewer",   "name:n! role:n password:p sites:S", op_user_set,
      "changes a user's role, password or sites (anyone may change their own password)" },
    { "user.remove",    "admin",    "name:n!", op_user_remove,
      "removes a user, their sessions and API keys" },
    { NULL }
};
