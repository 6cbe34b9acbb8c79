/*  meshd/backup/target.c: device.set's backup arguments. A device is backed
    up once it has an ssh credential (backup); model, backup_every,
    backup_port and backup_jump (HOST[:PORT], with backup_jump_cred; both
    gone with no_backup_jump) refine it; no_backup stops it (its versions
    are kept).                                                           */
#include "api/api.h"
#include "backup/backup.h"

#define EVERY_DEFAULT_MS    86400000

bool
backup_target_wanted (api_call_t *call)
{
    const char *names [] = { "backup", "no_backup", "model", "backup_every", "backup_port", "backup_jump",
                             "backup_jump_cred", "no_backup_jump", NULL };
    for (int i = 0; names [i]; i++)
        if (json_object_get (call->args, names [i]))
            return true;
    return false;
}

//  An ssh credential's id, 0 (and the call failed) if there is none
static int64_t
s_cred (api_t *api, api_call_t *call, const char *name)
{
    char *sql = sqlite3_mprintf ("SELECT id FROM credential WHERE name = %Q AND kind = 'ssh'", name);
    int64_t id = vd_db_int (api_db (api), sql, 0);
    sqlite3_free (sql);
    if (!id)
        api_fail (call, "not_found", "no ssh credential '%s' (vedette cred list)", name);
    return id;
}

//  HOST[:PORT], [V6]:PORT or a bare IPv6 address: *host (the caller
//  frees) and *port; false if it is none of these
static bool
s_jump (const char *text, char **host, int64_t *port)
{
    *port = 22;
    const char *end = NULL, *colon = NULL;
    if (*text == '[') {
        end = strchr (text, ']');
        if (!end || (end [1] && end [1] != ':'))
            return false;
        colon = end [1]? end + 1: NULL;
        text++;
    }
    else {
        colon = strchr (text, ':');
        if (colon && strchr (colon + 1, ':'))
            colon = NULL;       //  IPv6, no port
        end = colon? colon: text + strlen (text);
    }
    if (colon) {
        char *rest;
        long number = strtol (colon + 1, &rest, 10);
        if (*rest || number < 1 || number > 65535)
            return false;
        *port = number;
    }
    if (end == text || end - text > 253)
        return false;
    *host = strndup (text, (size_t) (end - text));
    for (char *c = *host; *c; c++)
        if (!isalnum ((unsigned char) *c) && !strchr ("-.:_", *c)) {
            zstr_free (host);
            return false;
        }
    return true;
}

int
backup_target_apply (api_t *api, api_call_t *call, int64_t device_id, json_t *detail)
{
    sqlite3 *db = api_db (api);
    const char *cred = api_str (call, "backup");
    const char *model = api_str (call, "model");
    bool none = json_is_true (json_object_get (call->args, "no_backup"));
    json_t *port = json_object_get (call->args, "backup_port");
    const char *jump = api_str (call, "backup_jump");
    const char *jump_cred = api_str (call, "backup_jump_cred");
    bool no_jump = json_is_true (json_object_get (call->args, "no_backup_jump"));
    int64_t every = json_object_get (call->args, "backup_every")? api_duration (call, "backup_every", 0): 0;
    if (call->error)
        return -1;
    if (none) {
        if (cred || model || every || port || jump || jump_cred || no_jump) {
            api_fail (call, "invalid", "no_backup stops backups: it takes no other backup argument");
            return -1;
        }
        json_object_set_new (detail, "backup", json_null ());
        return vd_db_run (db, "DELETE FROM backup_target WHERE device_id = ?", "i", device_id)
            ? (api_fail_db (api, call, "backup"), -1): 0;
    }
    if (json_object_get (call->args, "backup_every") && every < 60000) {
        api_fail (call, "invalid", "backup_every is at least 1m");
        return -1;
    }
    if (port && (json_integer_value (port) < 1 || json_integer_value (port) > 65535)) {
        api_fail (call, "invalid", "backup_port is 1 to 65535");
        return -1;
    }
    int64_t cred_id = cred? s_cred (api, call, cred): 0;
    int64_t jump_cred_id = jump_cred? s_cred (api, call, jump_cred): 0;
    if (call->error)
        return -1;
    if (no_jump && (jump || jump_cred)) {
        api_fail (call, "invalid", "no_backup_jump or backup_jump and backup_jump_cred, not both");
        return -1;
    }
    char *jump_host = NULL;
    int64_t jump_port = 22;
    if (jump && !s_jump (jump, &jump_host, &jump_port)) {
        api_fail (call, "invalid", "backup_jump is HOST[:PORT]: %s is not", jump);
        return -1;
    }
    //  a model by name, or "auto": guessed from sysDescr and sysObjectID
    if (model && !streq (model, "auto")) {
        backup_models_t *models = backup_models_load (api_meshd (api));
        bool known = backup_models_find (models, model) != NULL;
        backup_models_destroy (&models);
        if (!known) {
            api_fail (call, "not_found", "no model '%s' (vedette backup models)", model);
            return -1;
        }
    }
    char sql [96];
    snprintf (sql, sizeof sql, "SELECT count (*) FROM backup_target WHERE device_id = %lld", (long long) device_id);
    bool exists = vd_db_int (db, sql, 0) > 0;
    if (!cred_id && !exists) {
        zstr_free (&jump_host);
        api_fail (call, "invalid", "the device is not backed up yet: give it an ssh credential (backup)");
        return -1;
    }
    sqlite3_stmt *stmt = vd_db_prepare (db, exists
        ? "UPDATE backup_target SET cred_id = coalesce (?2, cred_id), "
          "  model = CASE WHEN ?3 IS NULL THEN model WHEN ?3 = 'auto' THEN NULL ELSE ?3 END, "
          "  every_ms = coalesce (?4, every_ms), every_own = every_own OR ?4 IS NOT NULL, "
          "  port = coalesce (?5, port) "
          "WHERE device_id = ?1 AND ?6 AND ?7"
        : "INSERT INTO backup_target (device_id, cred_id, model, every_ms, every_own, port, created_us) "
          "VALUES (?1, ?2, CASE WHEN ?3 = 'auto' THEN NULL ELSE ?3 END, coalesce (?4, ?6), ?4 IS NOT NULL, "
          "  coalesce (?5, 22), ?7)");
    if (!stmt) {
        zstr_free (&jump_host);
        api_fail_db (api, call, "backup");
        return -1;
    }
    sqlite3_bind_int64 (stmt, 1, device_id);
    if (cred_id)
        sqlite3_bind_int64 (stmt, 2, cred_id);
    if (model)
        sqlite3_bind_text (stmt, 3, model, -1, SQLITE_STATIC);
    if (every)
        sqlite3_bind_int64 (stmt, 4, every);
    if (port)
        sqlite3_bind_int64 (stmt, 5, json_integer_value (port));
    sqlite3_bind_int64 (stmt, 6, EVERY_DEFAULT_MS);
    sqlite3_bind_int64 (stmt, 7, vd_now_us ());
    int rc = sqlite3_step (stmt) == SQLITE_DONE? 0: -1;
    sqlite3_finalize (stmt);
    //  the jump host: a new one has its key pinned afresh
    if (rc == 0 && (jump || no_jump))
        rc = vd_db_run (db, "UPDATE backup_target SET jump_address = ?2, jump_port = ?3, "
                        "  jump_hostkey = NULL, jump_hostkey_seen = NULL WHERE device_id = ?1 "
                        "  AND (jump_address IS NOT ?2 OR jump_port IS NOT ?3)", "isi",
                        device_id, jump_host, jump_port);
    if (rc == 0 && (jump_cred || no_jump))
        rc = vd_db_run (db, "UPDATE backup_target SET jump_cred_id = nullif (?2, 0) WHERE device_id = ?1",
                        "ii", device_id, jump_cred_id);
    zstr_free (&jump_host);
    if (rc) {
        api_fail_db (api, call, "backup");
        return -1;
    }
    if (cred)
        json_object_set_new (detail, "backup", json_string (cred));
    if (model)
        json_object_set_new (detail, "model", json_string (model));
    if (every)
        json_object_set_new (detail, "backup_every_ms", json_integer (every));
    if (port)
        json_object_set_new (detail, "backup_port", json_integer (json_integer_value (port)));
    if (jump)
        json_object_set_new (detail, "backup_jump", json_string (jump));
    if (jump_cred)
        json_object_set_new (detail, "backup_jump_cred", json_string (jump_cred));
    if (no_jump)
        json_object_set_new (detail, "backup_jump", json_null ());
    return 0;
}
