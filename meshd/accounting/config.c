/*  meshd/accounting/config.c: the NASes a probe hears, CONFIG's

        "nas": [{name, address, secret}]

    a NAS's own probe, or every probe of its site when it names none. The
    secrets travel inside CURVE like the other credentials and are wiped
    after sending.                                                         */
#include "accounting/accounting.h"
#include "cred/cred.h"

void
accounting_config (sqlite3 *db, const unsigned char *key, int64_t probe_id, json_t *config)
{
    json_t *list = json_array ();
    sqlite3_stmt *stmt = vd_db_prepare (db,
        "SELECT n.name, n.address, n.sealed FROM nas n JOIN probe p ON p.id = ?1 "
        "WHERE n.probe_id = ?1 OR (n.probe_id IS NULL AND n.site_id = p.site_id) ORDER BY n.name");
    if (stmt) {
        sqlite3_bind_int64 (stmt, 1, probe_id);
        while (sqlite3_step (stmt) == SQLITE_ROW) {
            char *secret = cred_open (key, sqlite3_column_blob (stmt, 2), (size_t) sqlite3_column_bytes (stmt, 2));
            if (!secret) {
                zsys_error ("accounting: the secret of NAS %s does not open (another master key?)",
                            sqlite3_column_text (stmt, 0));
                continue;
            }
            json_array_append_new (list, json_pack ("{s:s, s:s, s:s}", "name", sqlite3_column_text (stmt, 0),
                "address", sqlite3_column_text (stmt, 1), "secret", secret));
            cred_free (&secret);
        }
    }
    sqlite3_finalize (stmt);
    json_object_set_new (config, "nas", list);
}
