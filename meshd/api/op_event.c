/*  meshd/api/op_event.c: the recorded events (event.list, event.since),
    shaped as on the events socket.                                        */
#include "api/api.h"

//  Events matching: after seq or since a time, topic prefix, caller's sites
static json_t *
s_events (api_t *api, api_call_t *call, int64_t after_seq, int64_t since_us)
{
    const char *topic = api_str (call, "topic");
    int64_t limit = api_limit (call);
    if (limit < 0)
        return NULL;
    sqlite3_stmt *stmt = vd_db_prepare (api_db (api),
        "SELECT " MESHD_EVENT_ROWS " "
        "WHERE e.id > ?1 AND e.ts_us >= ?2 AND in_scope (e.site_id) "
        "  AND (?3 IS NULL OR substr (e.topic, 1, length (?3)) = ?3) "
        "  AND (?5 IS NULL OR (?5 IN ('trap', 'syslog') AND e.topic = ?5) "
        "       OR (?5 = 'state' AND (e.topic IN ('device.state', 'probe.link') "
        "                             OR e.topic LIKE 'alarm.%')) "
        "       OR (?5 = 'alarm' AND e.topic LIKE 'alarm.%') "
        "       OR (?5 = 'change' AND e.topic NOT IN ('trap', 'syslog', 'device.state', "
        "           'probe.link') AND e.topic NOT LIKE 'alarm.%' AND e.topic NOT LIKE 'notification.%') "
        "       OR (?5 = 'notification' AND e.topic LIKE 'notification.%')) "
        "ORDER BY e.id LIMIT ?4");
    if (!stmt)
        return api_fail (call, "internal", "database error");
    sqlite3_bind_int64 (stmt, 1, after_seq);
    sqlite3_bind_int64 (stmt, 2, since_us);
    if (topic)
        sqlite3_bind_text (stmt, 3, topic, -1, SQLITE_STATIC);
    sqlite3_bind_int64 (stmt, 4, limit);
    const char *type = api_str (call, "type");
    if (type && !streq (type, "trap") && !streq (type, "syslog") && !streq (type, "state")
    &&  !streq (type, "alarm") && !streq (type, "change") && !streq (type, "notification")) {
        sqlite3_finalize (stmt);
        return api_fail (call, "invalid", "type must be trap, syslog, state, alarm, "
                                          "notification or change");
    }
    if (type)
        sqlite3_bind_text (stmt, 5, type, -1, SQLITE_STATIC);
    json_t *events = json_array ();
    while (sqlite3_step (stmt) == SQLITE_ROW)
        json_array_append_new (events, meshd_event_json (stmt));
    sqlite3_finalize (stmt);
    int64_t last = vd_db_int (api_db (api), "SELECT coalesce (max (id), 0) FROM event", 0);
    return json_pack ("{s:o, s:I, s:b}", "events", events, "last_seq", (json_int_t) last,
                      "more", json_array_size (events) == (size_t) limit);
}

static json_t *
op_event_list (api_t *api, api_call_t *call)
{
    bool ok;
    int64_t since = api_time (call, "since", vd_now_us () - 3600 * 1000000LL, &ok);
    return ok? s_events (api, call, 0, since): NULL;
}

static json_t *
op_event_since (api_t *api, api_call_t *call)
{
    int64_t seq = json_integer_value (json_object_get (call->args, "seq"));
    if (seq < 0)
        return api_fail (call, "invalid", "seq must be 0 or more");
    return s_events (api, call, seq, 0);
}

const api_op_t op_event_ops [] = {
    { "event.list",     "viewer",   "since:t topic:s type:n limit:i", op_event_list,
      "recorded events since a time, oldest first; type: trap, syslog, state, alarm, notification, change" },
    { "event.since",    "viewer",   "seq:i! topic:s type:n limit:i", op_event_since,
      "recorded events after a sequence number, to fill a gap in the stream" },
    { NULL }
};
