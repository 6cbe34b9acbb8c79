/*  meshd/alarm/op_maintenance.c: maintenance windows (maintenance.*), once
    or every day or weekday, for a device or a site. Alarms raised inside a
    window are kept but not notified (maint.c decides what is open).       */
#include "api/api.h"
#include "alarm/maint.h"
#include <time.h>

static json_t *
op_maintenance_add (api_t *api, api_call_t *call)
{
    const char *device = api_str (call, "device"), *site = api_str (call, "site");
    const char *from = api_str (call, "from"), *to = api_str (call, "to");
    const char *every = api_str (call, "every");
    if (!!device == !!site)
        return api_fail (call, "invalid", "maintenance is for one device or one site");
    int64_t device_id = device? api_find (api, call, "device", device): 0;
    int64_t site_id = site? api_find (api, call, "site", site): 0;
    if (!device_id && !site_id)
        return NULL;
    int start = -1, end = -1;
    bool clock = maint_clock_parse (from, &start) == 0 && maint_clock_parse (to, &end) == 0;
    if (every && !clock)
        return api_fail (call, "invalid", "a recurring window goes from HH:MM to HH:MM");
    if (every && !streq (every, "day") && !vd_word_in (every, maint_days))
        return api_fail (call, "invalid", "every must be day or a weekday (sun, mon, ... sat)");
    int64_t now = vd_now_us ();
    int64_t from_us = 0, to_us = 0;
    if (!every && clock) {
        //  the next such window: today's if it has not ended yet
        time_t seconds = (time_t) (now / 1000000);
        struct tm local;
        localtime_r (&seconds, &local);
        struct tm at = local;
        at.tm_hour = start / 60;
        at.tm_min = start % 60;
        at.tm_sec = 0;
        at.tm_isdst = -1;
        from_us = (int64_t) mktime (&at) * 1000000;
        at = local;
        at.tm_mday += end <= start? 1: 0;
        at.tm_hour = end / 60;
        at.tm_min = end % 60;
        at.tm_sec = 0;
        at.tm_isdst = -1;
        to_us = (int64_t) mktime (&at) * 1000000;
        if (to_us <= now) {
            from_us += 86400 * 1000000LL;
            to_us += 86400 * 1000000LL;
        }
    }
    else
    if (!every) {
        if (vd_time_parse (from, now, &from_us) || vd_time_parse (to, now, &to_us))
            return api_fail (call, "invalid", "from and to are times (2026-11-21T22:00, "
                                              "22:00, now, -1h)");
        if (to_us <= from_us)
            return api_fail (call, "invalid", "the window ends before it starts");
    }
    sqlite3_stmt *stmt = vd_db_prepare (api_db (api),
        "INSERT INTO maintenance (device_id, site_id, from_us, to_us, every, start_min, end_min, "
        "  comment, created_by, created_us) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    if (!stmt)
        return api_fail (call, "internal", "database error");
    if (device_id)
        sqlite3_bind_int64 (stmt, 1, device_id);
    if (site_id)
        sqlite3_bind_int64 (stmt, 2, site_id);
    if (!every) {
        sqlite3_bind_int64 (stmt, 3, from_us);
        sqlite3_bind_int64 (stmt, 4, to_us);
    }
    else {
        sqlite3_bind_text (stmt, 5, every, -1, SQLITE_STATIC);
        sqlite3_bind_int (stmt, 6, start);
        sqlite3_bind_int (stmt, 7, end);
    }
    if (api_str (call, "comment"))
        sqlite3_bind_text (stmt, 8, api_str (call, "comment"), -1, SQLITE_STATIC);
    sqlite3_bind_text (stmt, 9, call->user, -1, SQLITE_STATIC);
    sqlite3_bind_int64 (stmt, 10, now);
    if (api_step (stmt))
        return api_fail_db (api, call, "maintenance");
    int64_t id = sqlite3_last_insert_rowid (api_db (api));
    api_audit (api, call, json_deep_copy (call->args));
    json_t *result = json_pack ("{s:I}", "id", (json_int_t) id);
    if (!every) {
        json_object_set_new (result, "from_us", json_integer (from_us));
        json_object_set_new (result, "to_us", json_integer (to_us));
    }
    return result;
}

static json_t *
op_maintenance_list (api_t *api, api_call_t *call)
{
    sqlite3_stmt *stmt = vd_db_prepare (api_db (api),
        "SELECT m.id, d.name, s.name, m.from_us, m.to_us, m.every, m.start_min, m.end_min, "
        "  m.comment, m.created_by, m.created_us, coalesce (m.device_id, 0), "
        "  coalesce (m.site_id, d.site_id), m.removed_us "
        "FROM maintenance m LEFT JOIN device d ON d.id = m.device_id "
        "LEFT JOIN site s ON s.id = m.site_id "
        "WHERE in_scope (coalesce (m.site_id, d.site_id)) "
        "  AND ((m.every IS NOT NULL AND (?1 = 0 OR m.removed_us IS NULL)) "
        "       OR min (m.to_us, coalesce (m.removed_us, m.to_us)) > ?1) ORDER BY m.id");
    if (!stmt)
        return api_fail (call, "internal", "database error");
    sqlite3_bind_int64 (stmt, 1, json_is_true (json_object_get (call->args, "all"))? 0: vd_now_us ());
    json_t *list = json_array ();
    int64_t now = vd_now_us ();
    while (sqlite3_step (stmt) == SQLITE_ROW) {
        json_t *window = json_pack ("{s:I, s:o, s:o, s:o, s:s, s:I}",
            "id", (json_int_t) sqlite3_column_int64 (stmt, 0),
            "device", api_column_text (stmt, 1), "site", api_column_text (stmt, 2),
            "comment", api_column_text (stmt, 8),
            "created_by", sqlite3_column_text (stmt, 9),
            "created_us", (json_int_t) sqlite3_column_int64 (stmt, 10));
        bool open = false;
        int64_t until = 0;
        if (sqlite3_column_type (stmt, 5) == SQLITE_NULL) {
            json_object_set_new (window, "from_us", json_integer (sqlite3_column_int64 (stmt, 3)));
            json_object_set_new (window, "to_us", json_integer (sqlite3_column_int64 (stmt, 4)));
            open = sqlite3_column_int64 (stmt, 3) <= now && now < sqlite3_column_int64 (stmt, 4);
        }
        else {
            char from [24], to [24];
            int start = sqlite3_column_int (stmt, 6), end = sqlite3_column_int (stmt, 7);
            snprintf (from, sizeof from, "%02d:%02d", start / 60, start % 60);
            snprintf (to, sizeof to, "%02d:%02d", end / 60, end % 60);
            json_object_set_new (window, "every", json_string ((const char *) sqlite3_column_text (stmt, 5)));
            json_object_set_new (window, "from", json_string (from));
            json_object_set_new (window, "to", json_string (to));
            open = maint_recurring_open ((const char *) sqlite3_column_text (stmt, 5), start, end,
                                         now, &until);
        }
        if (sqlite3_column_type (stmt, 13) != SQLITE_NULL) {
            open = false;
            json_object_set_new (window, "removed_us", json_integer (sqlite3_column_int64 (stmt, 13)));
        }
        json_object_set_new (window, "open", json_boolean (open));
        json_array_append_new (list, window);
    }
    sqlite3_finalize (stmt);
    return list;
}

static json_t *
op_maintenance_remove (api_t *api, api_call_t *call)
{
    int64_t id = json_integer_value (json_object_get (call->args, "id"));
    char sql [400];
    snprintf (sql, sizeof sql, "SELECT coalesce (m.site_id, d.site_id) FROM maintenance m "
              "LEFT JOIN device d ON d.id = m.device_id WHERE m.id = %lld "
              "AND m.removed_us IS NULL", (long long) id);
    int64_t site_id = vd_db_int (api_db (api), sql, 0);
    if (!site_id || !api_site_allowed (api, site_id))
        return api_fail (call, "not_found", "no maintenance window %lld", (long long) id);
    //  one that has opened ends now, and stays for the reports of its time
    int64_t now = vd_now_us ();
    snprintf (sql, sizeof sql, "UPDATE maintenance SET removed_us = %lld WHERE id = %lld "
              "AND (every IS NOT NULL OR from_us <= %lld); "
              "DELETE FROM maintenance WHERE id = %lld AND removed_us IS NULL",
              (long long) now, (long long) id, (long long) now, (long long) id);
    if (vd_db_exec (api_db (api), sql))
        return api_fail (call, "internal", "database error");
    //  what the window held back is looked at again now
    snprintf (sql, sizeof sql, "UPDATE notification SET due_us = %lld WHERE status = 'pending' "
              "AND result = 'held: maintenance'", (long long) vd_now_us ());
    vd_db_exec (api_db (api), sql);
    api_audit (api, call, json_deep_copy (call->args));
    api_poke (api, API_NOTIFY);
    return json_pack ("{s:I}", "id", (json_int_t) id);
}

const api_op_t op_maintenance_ops [] = {
    { "maintenance.add", "operator", "device:n site:n from:s! to:s! every:n comment:s",
      op_maintenance_add,
      "plans a maintenance window: notifications wait until it closes" },
    { "maintenance.list", "viewer", "all:b", op_maintenance_list,
      "lists current and future maintenance windows (all: past ones too)" },
    { "maintenance.remove", "operator", "id:i!", op_maintenance_remove,
      "removes a maintenance window" },
    { NULL }
};
