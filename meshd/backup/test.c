/*  meshd/backup/test.c: a live test of an ssh credential against a device
    (vedette cred test), through the device's probe, answered while the
    operator waits: meshd sends the probe the credential, the model and the
    pinned host key, and the device's jump host with its own (api_live,
    inside CURVE); the probe logs in as a backup would and stops at the
    privileged prompt.                                                   */
#include "api/api.h"
#include "backup/backup.h"
#include "cred/cred.h"

#define TEST_TIMEOUT_MS     70000   //  the probe's own deadline is at most 60 s

//  The secrets of the credential sealed in a column, copied into an object
//  (user, password, key, enable)
static void
s_secrets_into (api_t *api, json_t *into, sqlite3_stmt *stmt, int column)
{
    char *text = cred_open (api_master_key (api), sqlite3_column_blob (stmt, column),
                            (size_t) sqlite3_column_bytes (stmt, column));
    json_t *secret = text? json_loads (text, 0, NULL): NULL;
    cred_free (&text);
    //  copies: wiping secret must not wipe what into holds
    json_t *copy = json_is_object (secret)? json_deep_copy (secret): NULL;
    if (copy)
        json_object_update (into, copy);
    json_decref (copy);
    vd_json_wipe (secret);
}

json_t *
backup_test (api_t *api, api_call_t *call, const char *cred, int64_t device_id)
{
    sqlite3 *db = api_db (api);
    sqlite3_stmt *stmt = vd_db_prepare (db,
        "SELECT d.name, d.address, d.probe_id, d.sys_object_id, d.sys_descr, t.model, t.port, t.hostkey, "
        "  c.sealed, c.kind, t.jump_address, t.jump_port, t.jump_hostkey, j.sealed "
        "FROM device d JOIN credential c ON c.name = ?2 "
        "LEFT JOIN backup_target t ON t.device_id = d.id "
        "LEFT JOIN credential j ON j.id = coalesce (t.jump_cred_id, t.cred_id) WHERE d.id = ?1");
    if (!stmt)
        return api_fail_db (api, call, "credential");
    sqlite3_bind_int64 (stmt, 1, device_id);
    sqlite3_bind_text (stmt, 2, cred, -1, SQLITE_STATIC);
    if (sqlite3_step (stmt) != SQLITE_ROW) {
        sqlite3_finalize (stmt);
        return api_fail (call, "not_found", "no credential '%s'", cred);
    }
    if (!streq ((const char *) sqlite3_column_text (stmt, 9), "ssh")) {
        sqlite3_finalize (stmt);
        return api_fail (call, "invalid", "credential '%s' is not an ssh credential", cred);
    }
    char device [256];
    snprintf (device, sizeof device, "%s", sqlite3_column_text (stmt, 0));
    int64_t probe_id = sqlite3_column_int64 (stmt, 2);
    //  the model asked for, else the device's, else the one that fits it
    const char *asked = api_str (call, "model");
    const char *set = (const char *) sqlite3_column_text (stmt, 5);
    backup_models_t *models = backup_models_load (api_meshd (api));
    backup_model_t *model = backup_models_pick (models, asked? asked: set, (const char *) sqlite3_column_text (stmt, 3),
                                                (const char *) sqlite3_column_text (stmt, 4));
    json_t *port = json_object_get (call->args, "port");
    json_t *request = NULL;
    if (model) {
        const char *hostkey = (const char *) sqlite3_column_text (stmt, 7);
        request = json_pack ("{s:s, s:s, s:s, s:I, s:s, s:s}", "kind", "backup.test", "device", device,
            "address", sqlite3_column_text (stmt, 1),
            "port", port? json_integer_value (port): sqlite3_column_type (stmt, 6) == SQLITE_INTEGER
                        ? sqlite3_column_int64 (stmt, 6): 22,
            "model", model->text, "hostkey", hostkey? hostkey: "");
        s_secrets_into (api, request, stmt, 8);
        if (sqlite3_column_type (stmt, 10) == SQLITE_TEXT) {
            const char *jump_hostkey = (const char *) sqlite3_column_text (stmt, 12);
            json_t *jump = json_pack ("{s:s, s:i, s:s}", "address", sqlite3_column_text (stmt, 10),
                                      "port", sqlite3_column_int (stmt, 11), "hostkey", jump_hostkey? jump_hostkey: "");
            s_secrets_into (api, jump, stmt, 13);
            json_object_set_new (request, "jump", jump);
        }
    }
    sqlite3_finalize (stmt);
    if (!model) {
        json_t *failed = asked? api_fail (call, "not_found", "no model '%s' (vedette backup models)", asked)
                              : api_fail (call, "invalid", "no model fits %s: name one (model)", device);
        backup_models_destroy (&models);
        return failed;
    }
    json_t *reply = json_pack ("{s:s, s:s, s:s}", "device", device, "cred", cred, "model", model->name);
    backup_models_destroy (&models);
    if (!probe_id) {
        json_decref (request);
        json_decref (reply);
        return api_fail (call, "conflict", "%s has no probe", device);
    }
    char *error = NULL;
    json_t *answer = api_live (api, probe_id, request, TEST_TIMEOUT_MS, &error);     //  takes request
    if (!answer) {
        json_decref (reply);
        json_t *failed = api_fail (call, "unavailable", "%s", error);
        free (error);
        return failed;
    }
    const char *status = json_string_value (json_object_get (answer, "status"));
    json_object_set_new (reply, "ok", json_boolean (status && streq (status, "ok")));
    const char *fields [] = { "reason", "error", "hostkey", "jump_hostkey", "time_ms", NULL };
    for (int i = 0; fields [i]; i++)
        json_object_set (reply, fields [i], json_object_get (answer, fields [i])? json_object_get (answer, fields [i])
                                                                              : json_null ());
    json_decref (answer);
    api_audit (api, call, json_pack ("{s:s, s:s, s:O}", "credential", cred, "device", device,
                                     "ok", json_object_get (reply, "ok")));
    return reply;
}
