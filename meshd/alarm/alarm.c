/*  meshd/alarm/alarm.c: alarm transitions, their events and their notifications.  */
#include "alarm/alarm.h"

zlistx_t *
alarm_ids (sqlite3_stmt *stmt)
{
    zlistx_t *ids = zlistx_new ();
    while (stmt && sqlite3_step (stmt) == SQLITE_ROW)
        zlistx_add_end (ids, (void *) (intptr_t) sqlite3_column_int64 (stmt, 0));
    sqlite3_finalize (stmt);
    return ids;
}

int
alarm_event (sqlite3 *db, int64_t alarm_id, const char *topic)
{
    return vd_db_run (db,
        "INSERT INTO event (ts_us, topic, site_id, data) "
        "SELECT ?1, ?2, a.site_id, " ALARM_JSON " FROM " ALARM_FROM " "
        "WHERE a.id = ?3", "isi", vd_now_us (), topic, alarm_id);
}

int
alarm_notify (sqlite3 *db, int64_t alarm_id, const char *kind, int64_t ts_us, int64_t hold_us)
{
    //  problem: each matching route's channel after its delay, and its
    //  escalation channel when still unacknowledged later on;
    //  flapping: the same channels, once, now
    if (vd_db_run (db,
        "INSERT INTO notification (alarm_id, route_id, channel_id, channel, kind, due_us, created_us) "
        "SELECT a.id, r.id, c.id, c.name, ?2, "
        "  ?3 + max (?4, (CASE ?2 WHEN 'problem' THEN r.after_ms ELSE 0 END) * 1000), ?3 "
        "FROM alarm a, route r JOIN channel c ON c.id = r.channel_id "
        "WHERE a.id = ?1 AND " ALARM_RANK ("a.severity") " >= " ALARM_RANK ("r.severity") " "
        "  AND (r.site_id IS NULL OR r.site_id = a.site_id) "
        "UNION ALL "
        "SELECT a.id, r.id, c.id, c.name, 'escalation', ?3 + max (?4, (r.after_ms + r.unacked_ms) * 1000), ?3 "
        "FROM alarm a, route r JOIN channel c ON c.id = r.escalate_id "
        "WHERE ?2 = 'problem' AND a.id = ?1 AND r.unacked_ms IS NOT NULL "
        "  AND " ALARM_RANK ("a.severity") " >= " ALARM_RANK ("r.severity") " "
        "  AND (r.site_id IS NULL OR r.site_id = a.site_id)",
        "isii", alarm_id, kind, ts_us, hold_us))
        return -1;
    return sqlite3_changes (db);
}

int64_t
alarm_raise (sqlite3 *db, const alarm_raise_t *raise, bool *fresh)
{
    *fresh = false;
    sqlite3_stmt *stmt = vd_db_prepare (db,
        "INSERT INTO alarm (rule_id, rule, severity, object, device_id, probe_id, site_id, state, "
        "  message, value, count, first_us, last_us, suppressed_by, flapping) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 'active', ?8, ?9, 1, ?10, ?10, ?11, ?12) "
        "ON CONFLICT (rule_id, object) WHERE state != 'cleared' DO UPDATE SET "
        "  count = count + 1, last_us = max (last_us, excluded.last_us), "
        "  value = excluded.value, message = excluded.message "
        "RETURNING id, count");
    if (!stmt)
        return 0;
    sqlite3_bind_int64 (stmt, 1, raise->rule_id);
    sqlite3_bind_text (stmt, 2, raise->rule, -1, SQLITE_STATIC);
    sqlite3_bind_text (stmt, 3, raise->severity, -1, SQLITE_STATIC);
    sqlite3_bind_text (stmt, 4, raise->object, -1, SQLITE_STATIC);
    if (raise->device_id)
        sqlite3_bind_int64 (stmt, 5, raise->device_id);
    if (raise->probe_id)
        sqlite3_bind_int64 (stmt, 6, raise->probe_id);
    if (raise->site_id)
        sqlite3_bind_int64 (stmt, 7, raise->site_id);
    sqlite3_bind_text (stmt, 8, raise->message, -1, SQLITE_STATIC);
    if (raise->has_value)
        sqlite3_bind_double (stmt, 9, raise->value);
    sqlite3_bind_int64 (stmt, 10, raise->ts_us);
    if (raise->suppressed_by)
        sqlite3_bind_int64 (stmt, 11, raise->suppressed_by);
    sqlite3_bind_int (stmt, 12, raise->flapping);
    int64_t id = 0;
    if (sqlite3_step (stmt) == SQLITE_ROW) {
        id = sqlite3_column_int64 (stmt, 0);
        *fresh = sqlite3_column_int64 (stmt, 1) == 1;
    }
    else
        zsys_error ("alarm: cannot raise %s on %s: %s", raise->rule, raise->object,
                    sqlite3_errmsg (db));
    sqlite3_finalize (stmt);
    if (id && *fresh
    &&  (alarm_event (db, id, "alarm.raised")
    ||   alarm_notify (db, id, raise->flapping? "flapping": "problem", vd_now_us (),
                      raise->hold_us) < 0))
        return 0;
    return id;
}

int
alarm_clear (sqlite3 *db, int64_t alarm_id, const char *by, int64_t ts_us)
{
    if (vd_db_run (db,
        "UPDATE alarm SET state = 'cleared', cleared_us = ?2, cleared_by = ?3, flapping = 0 "
        "WHERE id = ?1 AND state != 'cleared'", "iis", alarm_id, ts_us, by)
    ||  sqlite3_changes (db) != 1)
        return -1;
    //  what did not go out yet need not; who was told hears it is over
    if (vd_db_run (db,
        "UPDATE notification SET status = 'skipped', result = 'alarm cleared before it was due', "
        "  done_us = ?2 WHERE alarm_id = ?1 AND status = 'pending' AND kind != 'recovery'",
        "ii", alarm_id, ts_us)
    ||  vd_db_run (db,
        "INSERT INTO notification (alarm_id, route_id, channel_id, channel, kind, due_us, created_us) "
        "SELECT DISTINCT n.alarm_id, n.route_id, n.channel_id, n.channel, 'recovery', ?2, ?2 "
        "FROM notification n LEFT JOIN route r ON r.id = n.route_id "
        "WHERE n.alarm_id = ?1 AND n.status IN ('sent', 'sending') AND n.kind != 'recovery' "
        "  AND coalesce (r.recovery, 1) = 1", "ii", alarm_id, ts_us))
        return -1;
    return alarm_event (db, alarm_id, "alarm.cleared");
}

int
alarm_flapping (sqlite3 *db, int64_t alarm_id, bool flapping, int64_t ts_us)
{
    if (vd_db_run (db,
        "UPDATE alarm SET flapping = ?2 WHERE id = ?1 AND state != 'cleared' AND flapping != ?2",
        "ii", alarm_id, (int64_t) flapping))
        return -1;
    if (sqlite3_changes (db) == 0)
        return 0;
    if (flapping && alarm_notify (db, alarm_id, "flapping", ts_us, 0) < 0)
        return -1;
    return alarm_event (db, alarm_id, flapping? "alarm.flapping": "alarm.stable");
}

int
alarm_suppress (sqlite3 *db, int64_t device_id, int64_t by_device)
{
    sqlite3_stmt *stmt = vd_db_prepare (db,
        "UPDATE alarm SET suppressed_by = ?2 WHERE device_id = ?1 AND state != 'cleared' "
        "AND suppressed_by IS NOT ?2 RETURNING id");
    if (!stmt)
        return -1;
    sqlite3_bind_int64 (stmt, 1, device_id);
    if (by_device)
        sqlite3_bind_int64 (stmt, 2, by_device);
    zlistx_t *ids = alarm_ids (stmt);
    int changed = 0;
    for (void *id = zlistx_first (ids); id; id = zlistx_next (ids)) {
        alarm_event (db, (int64_t) (intptr_t) id, by_device? "alarm.suppressed": "alarm.unsuppressed");
        changed++;
    }
    zlistx_destroy (&ids);
    return changed;
}
