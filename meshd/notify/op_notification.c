/*  meshd/notify/op_notification.c: the delivery log (notification.list):
    every attempt of the notify actor, with its outcome and error.          */
#include "api/api.h"

static json_t *
op_notification_list (api_t *api, api_call_t *call)
{
    bool ok;
    int64_t since = api_time (call, "since", 0, &ok);
    if (!ok)
        return NULL;
    json_t *alarm = json_object_get (call->args, "alarm");
    int64_t limit = api_limit (call);
    if (limit < 0)
        return NULL;
    const char *status = api_str (call, "status");
    if (json_is_true (json_object_get (call->args, "failed")))
        status = "failed";
    sqlite3_stmt *stmt = vd_db_prepare (api_db (api),
        "SELECT n.id, n.alarm_id, a.object, a.severity, n.channel, n.kind, n.status, n.due_us, "
        "  n.attempts, n.result, n.created_us, n.done_us "
        "FROM notification n JOIN alarm a ON a.id = n.alarm_id "
        "WHERE in_scope (a.site_id) AND n.created_us >= ?1 AND (?2 = 0 OR n.alarm_id = ?2) "
        "  AND (?3 IS NULL OR n.status = ?3) ORDER BY n.id DESC LIMIT ?4");
    if (!stmt)
        return api_fail (call, "internal", "database error");
    sqlite3_bind_int64 (stmt, 1, since);
    sqlite3_bind_int64 (stmt, 2, alarm? json_integer_value (alarm): 0);
    if (status)
        sqlite3_bind_text (stmt, 3, status, -1, SQLITE_STATIC);
    sqlite3_bind_int64 (stmt, 4, limit);
    json_t *list = json_array ();
    while (sqlite3_step (stmt) == SQLITE_ROW)
        json_array_append_new (list, json_pack ("{s:I, s:I, s:s, s:s, s:s, s:s, s:s, s:I, s:I, s:o, s:I, s:o}",
            "id", (json_int_t) sqlite3_column_int64 (stmt, 0),
            "alarm", (json_int_t) sqlite3_column_int64 (stmt, 1),
            "object", sqlite3_column_text (stmt, 2),
            "severity", sqlite3_column_text (stmt, 3),
            "channel", sqlite3_column_text (stmt, 4),
            "kind", sqlite3_column_text (stmt, 5),
            "status", sqlite3_column_text (stmt, 6),
            "due_us", (json_int_t) sqlite3_column_int64 (stmt, 7),
            "attempts", (json_int_t) sqlite3_column_int64 (stmt, 8),
            "result", api_column_text (stmt, 9),
            "created_us", (json_int_t) sqlite3_column_int64 (stmt, 10),
            "done_us", api_column_int (stmt, 11)));
    sqlite3_finalize (stmt);
    return list;
}

const api_op_t op_notification_ops [] = {
    { "notification.list", "viewer", "since:t alarm:i status:n failed:b limit:i",
      op_notification_list,
      "the notification log: channel, kind, status, attempts, last result" },
    { NULL }
};
