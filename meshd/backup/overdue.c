/*  meshd/backup/overdue.c: devices not backed up within twice their
    interval (since their last success, or since they were set up): each
    becomes overdue once, with the event backup.overdue (the default rule
    backup-overdue raises an alarm on it); a success clears it
    (backup.ok, ingest.c). Run by each housekeeping pass.                */
#include "backup/backup.h"

int
backup_overdue (sqlite3 *db)
{
    int64_t now = vd_now_us ();
    sqlite3_stmt *stmt = vd_db_prepare (db,
        "SELECT t.device_id, d.name, d.site_id, coalesce (t.last_ok_us, t.created_us), " BACKUP_EVERY_SQL ", "
        "  t.last_reason FROM backup_target t JOIN device d ON d.id = t.device_id "
        "WHERE NOT t.overdue AND coalesce (t.last_ok_us, t.created_us) + 2000 * " BACKUP_EVERY_SQL " < ?");
    if (!stmt)
        return -1;
    sqlite3_bind_int64 (stmt, 1, now);
    int count = 0, rc = 0;
    while (rc == 0 && sqlite3_step (stmt) == SQLITE_ROW) {
        json_t *data = json_pack ("{s:s, s:I, s:I, s:s?}", "device", sqlite3_column_text (stmt, 1),
            "since_us", (json_int_t) sqlite3_column_int64 (stmt, 3),
            "every_ms", (json_int_t) sqlite3_column_int64 (stmt, 4),
            "reason", (const char *) sqlite3_column_text (stmt, 5));
        char *text = json_dumps (data, JSON_COMPACT);
        json_decref (data);
        rc = vd_db_run (db, "UPDATE backup_target SET overdue = 1 WHERE device_id = ?", "i",
                        sqlite3_column_int64 (stmt, 0))
          || meshd_event (db, "backup.overdue", sqlite3_column_int64 (stmt, 2), text);
        free (text);
        count++;
    }
    sqlite3_finalize (stmt);
    return rc? -1: count;
}
