/*  meshd/backup/config.c: what a probe is told to back up. CONFIG gets

        "backups": [{device, name, address, port, model, cred, every_ms,
                     requested, done, last_us, hostkey,
                     jump: {address, port, cred, hostkey} or absent}]
        "models":  {name: text}     the models these use

    and their ssh credentials go into CONFIG's "creds". A device whose
    model is not set is given the one its sysDescr or sysObjectID fits; one
    that fits none is left out and its status says so (backup status).  */
#include "backup/backup.h"
#include "cred/cred.h"

void
backup_config (meshd_t *meshd, sqlite3 *db, const unsigned char *key, int64_t probe_id,
               json_t *config, json_t *creds)
{
    json_t *list = json_array ();
    json_t *models = json_object ();
    sqlite3_stmt *stmt = vd_db_prepare (db,
        "SELECT d.id, d.name, d.address, t.port, t.model, c.name, c.sealed, " BACKUP_EVERY_SQL ", t.requested, "
        "  t.done, coalesce (t.last_us, 0), t.hostkey, d.sys_object_id, d.sys_descr, "
        "  t.jump_address, t.jump_port, t.jump_hostkey, j.name, j.sealed "
        "FROM backup_target t JOIN device d ON d.id = t.device_id "
        "JOIN credential c ON c.id = t.cred_id AND c.kind = 'ssh' "
        "LEFT JOIN credential j ON j.id = t.jump_cred_id AND j.kind = 'ssh' "
        "WHERE d.probe_id = ? ORDER BY d.id");
    backup_models_t *known = NULL;
    if (stmt) {
        sqlite3_bind_int64 (stmt, 1, probe_id);
        while (sqlite3_step (stmt) == SQLITE_ROW) {
            if (!known)
                known = backup_models_load (meshd);
            const char *name = (const char *) sqlite3_column_text (stmt, 4);
            backup_model_t *model = backup_models_pick (known, name, (const char *) sqlite3_column_text (stmt, 12),
                                                        (const char *) sqlite3_column_text (stmt, 13));
            if (!model)
                continue;               //  backup.status: "no model"
            const char *cred = (const char *) sqlite3_column_text (stmt, 5);
            cred_open_into (key, creds, cred, sqlite3_column_blob (stmt, 6),
                            (size_t) sqlite3_column_bytes (stmt, 6));
            if (!json_object_get (creds, cred))
                continue;
            json_object_set_new (models, model->name, json_string (model->text));
            const char *hostkey = (const char *) sqlite3_column_text (stmt, 11);
            json_t *spec = json_pack ("{s:I, s:s, s:s, s:i, s:s, s:s, s:I, s:I, s:I, s:I, s:o}",
                "device", (json_int_t) sqlite3_column_int64 (stmt, 0),
                "name", sqlite3_column_text (stmt, 1), "address", sqlite3_column_text (stmt, 2),
                "port", sqlite3_column_int (stmt, 3), "model", model->name, "cred", cred,
                "every_ms", (json_int_t) sqlite3_column_int64 (stmt, 7),
                "requested", (json_int_t) sqlite3_column_int64 (stmt, 8),
                "done", (json_int_t) sqlite3_column_int64 (stmt, 9),
                "last_us", (json_int_t) sqlite3_column_int64 (stmt, 10),
                "hostkey", hostkey? json_string (hostkey): json_null ());
            //  through a jump host, with its own credential or the device's
            const char *jump = (const char *) sqlite3_column_text (stmt, 14);
            const char *jump_cred = (const char *) sqlite3_column_text (stmt, 17);
            if (jump && jump_cred)
                cred_open_into (key, creds, jump_cred, sqlite3_column_blob (stmt, 18),
                                (size_t) sqlite3_column_bytes (stmt, 18));
            if (jump) {
                const char *jump_hostkey = (const char *) sqlite3_column_text (stmt, 16);
                json_object_set_new (spec, "jump", json_pack ("{s:s, s:i, s:s, s:o}", "address", jump,
                    "port", sqlite3_column_int (stmt, 15), "cred", jump_cred? jump_cred: cred,
                    "hostkey", jump_hostkey? json_string (jump_hostkey): json_null ()));
            }
            json_array_append_new (list, spec);
        }
    }
    sqlite3_finalize (stmt);
    backup_models_destroy (&known);
    json_object_set_new (config, "backups", list);
    json_object_set_new (config, "models", models);
}
