/*  meshd/api/op_session.c: login, logout, whoami. Passwords are checked against
    argon2id hashes; a session token is 32 random bytes, given to the client
    once and stored only as its BLAKE2b hash.                                */
#include "api/api.h"

int
meshd_session_create (sqlite3 *db, int64_t user_id, int64_t lifetime_ms, const char *origin, char *token,
                      int64_t *expires_us)
{
    unsigned char raw [32], hash [32];
    randombytes_buf (raw, sizeof raw);
    sodium_bin2hex (token, 65, raw, sizeof raw);
    crypto_generichash (hash, sizeof hash, (const unsigned char *) token, 64, NULL, 0);
    sodium_memzero (raw, sizeof raw);
    int64_t now = vd_now_us (), expires = now + lifetime_ms * 1000;
    if (expires_us)
        *expires_us = expires;
    sqlite3_stmt *stmt = vd_db_prepare (db, "INSERT INTO session (token_hash, user_id, created_us, expires_us, origin) "
                                            "VALUES (?, ?, ?, ?, ?)");
    int rc = SQLITE_ERROR;
    if (stmt) {
        sqlite3_bind_blob (stmt, 1, hash, sizeof hash, SQLITE_STATIC);
        sqlite3_bind_int64 (stmt, 2, user_id);
        sqlite3_bind_int64 (stmt, 3, now);
        sqlite3_bind_int64 (stmt, 4, expires);
        sqlite3_bind_text (stmt, 5, origin, -1, SQLITE_STATIC);
        rc = sqlite3_step (stmt);
    }
    sqlite3_finalize (stmt);
    //  expired sessions are of no use to anyone
    char sql [96];
    snprintf (sql, sizeof sql, "DELETE FROM session WHERE expires_us < %lld", (long long) now);
    vd_db_exec (db, sql);
    if (rc != SQLITE_DONE) {
        sodium_memzero (token, 65);
        return -1;
    }
    return 0;
}

void
meshd_session_remove (sqlite3 *db, const char *token)
{
    unsigned char hash [32];
    crypto_generichash (hash, sizeof hash, (const unsigned char *) token, strlen (token), NULL, 0);
    sqlite3_stmt *stmt = vd_db_prepare (db, "DELETE FROM session WHERE token_hash = ?");
    if (stmt) {
        sqlite3_bind_blob (stmt, 1, hash, sizeof hash, SQLITE_STATIC);
        sqlite3_step (stmt);
    }
    sqlite3_finalize (stmt);
}

static json_t *
op_login (api_t *api, api_call_t *call)
{
    const char *user = api_str (call, "user");
    const char *password = api_str (call, "password");
    sqlite3 *db = api_db (api);
    sqlite3_stmt *stmt = vd_db_prepare (db, "SELECT id, pw_hash, role FROM user WHERE name = ?");
    if (!stmt)
        return api_fail (call, "internal", "database error");
    sqlite3_bind_text (stmt, 1, user, -1, SQLITE_STATIC);
    bool good = false;
    int64_t user_id = 0;
    char role [16] = "";
    if (sqlite3_step (stmt) == SQLITE_ROW) {
        user_id = sqlite3_column_int64 (stmt, 0);
        snprintf (role, sizeof role, "%s", sqlite3_column_text (stmt, 2));
        good = crypto_pwhash_str_verify ((const char *) sqlite3_column_text (stmt, 1),
                                         password, strlen (password)) == 0;
    }
    sqlite3_finalize (stmt);
    if (!good) {
        zsys_notice ("api: failed login for '%.64s' from %s", user, call->origin);
        snprintf (call->user, sizeof call->user, "%s", user);
        api_audit (api, call, json_pack ("{s:s, s:s}", "user", user, "result", "refused"));
        return api_fail (call, "unauthorized", "wrong user or password");
    }
    char token [65];
    int64_t expires;
    if (meshd_session_create (db, user_id, api_session_lifetime (api), call->origin, token, &expires))
        return api_fail_db (api, call, "login");
    snprintf (call->user, sizeof call->user, "%s", user);
    api_audit (api, call, json_pack ("{s:s, s:s}", "user", user, "result", "ok"));
    json_t *result = json_pack ("{s:s, s:s, s:s, s:I}", "token", token, "user", user,
                                "role", role, "expires_us", (json_int_t) expires);
    sodium_memzero (token, sizeof token);
    return result;
}

static json_t *
op_logout (api_t *api, api_call_t *call)
{
    sqlite3_stmt *stmt = vd_db_prepare (api_db (api), "DELETE FROM session WHERE token_hash = ?");
    if (!stmt)
        return api_fail (call, "internal", "database error");
    sqlite3_bind_blob (stmt, 1, call->session, sizeof call->session, SQLITE_STATIC);
    int rc = sqlite3_step (stmt);
    sqlite3_finalize (stmt);
    if (rc != SQLITE_DONE)
        return api_fail_db (api, call, "logout");
    return json_pack ("{s:s}", "user", call->user);
}

static json_t *
op_whoami (api_t *api, api_call_t *call)
{
    sqlite3_stmt *stmt = api_prepare (api,
        "SELECT s.name FROM user_site us JOIN site s ON s.id = us.site_id "
        "WHERE us.user_id = ? ORDER BY s.name");
    json_t *sites = json_array ();
    if (stmt) {
        sqlite3_bind_int64 (stmt, 1, call->user_id);
        while (sqlite3_step (stmt) == SQLITE_ROW)
            json_array_append_new (sites, json_string ((const char *) sqlite3_column_text (stmt, 0)));
        sqlite3_reset (stmt);
    }
    return json_pack ("{s:s, s:s, s:o, s:s}", "user", call->user, "role", call->role,
                      "sites", sites, "origin", call->origin);
}

const api_op_t op_session_ops [] = {
    { "login",          NULL,       "user:n! password:p!", op_login,
      "log in; returns a session token that expires after api/session_lifetime" },
    { "logout",         "viewer",   "", op_logout,
      "ends the session of the token" },
    { "whoami",         "viewer",   "", op_whoami,
      "the user, role and site scopes of the caller" },
    { NULL }
};
