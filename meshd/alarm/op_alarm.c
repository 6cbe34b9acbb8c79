/*  meshd/alarm/op_alarm.c: alarms (alarm.*). The rules actor raises and
    clears them (rules.c); here people list them, acknowledge them with a
    comment and an expiry, and clear them by hand.                          */
#include "api/api.h"
#include "alarm/rule.h"
#include "alarm/alarm.h"
#include "alarm/maint.h"

//  A severity filter: "major" (exactly) or "major+" (at least); 0, or -1
static int
s_severity_filter (api_call_t *call, int *rank, bool *at_least)
{
    const char *text = api_str (call, "severity");
    *rank = 0;
    *at_least = false;
    if (!text)
        return 0;
    char word [16];
    snprintf (word, sizeof word, "%s", text);
    size_t length = strlen (word);
    if (length && word [length - 1] == '+') {
        word [length - 1] = 0;
        *at_least = true;
    }
    *rank = vd_severity_rank (word);
    if (!*rank) {
        api_fail (call, "invalid", "severity must be critical, major, minor, warning or info "
                                   "(with + for that or worse)");
        return -1;
    }
    return 0;
}

//  The WHERE clause of alarm filters (bound in s_bind_filter)
#define ALARM_FILTER \
    "in_scope (a.site_id) AND (?1 = 0 OR a.id = ?1) " \
    "AND (?2 IS NULL OR st.name = ?2) AND (?3 IS NULL OR d.name = ?3) " \
    "AND (?4 = 0 OR " ALARM_RANK ("a.severity") " = ?4 " \
    "     OR (?5 AND " ALARM_RANK ("a.severity") " >= ?4)) " \
    "AND (?6 IS NULL OR a.state = ?6 OR (?6 = 'open' AND a.state != 'cleared')) " \
    "AND (?7 IS NULL OR a.object LIKE '%' || ?7 || '%' OR a.message LIKE '%' || ?7 || '%') "

static int
s_bind_filter (api_call_t *call, sqlite3_stmt *stmt, const char *state)
{
    int rank;
    bool at_least;
    if (s_severity_filter (call, &rank, &at_least))
        return -1;
    json_t *id = json_object_get (call->args, "id");
    sqlite3_bind_int64 (stmt, 1, id? json_integer_value (id): 0);
    const char *texts [] = { api_str (call, "site"), api_str (call, "device") };
    for (int i = 0; i < 2; i++)
        if (texts [i])
            sqlite3_bind_text (stmt, 2 + i, texts [i], -1, SQLITE_STATIC);
    sqlite3_bind_int (stmt, 4, rank);
    sqlite3_bind_int (stmt, 5, at_least);
    if (state)
        sqlite3_bind_text (stmt, 6, state, -1, SQLITE_STATIC);
    if (api_str (call, "text"))
        sqlite3_bind_text (stmt, 7, api_str (call, "text"), -1, SQLITE_STATIC);
    return 0;
}

static json_t *
op_alarm_list (api_t *api, api_call_t *call)
{
    const char *state = api_str (call, "state");
    if (json_is_true (json_object_get (call->args, "active")))
        state = "open";
    if (state && !streq (state, "active") && !streq (state, "acked") && !streq (state, "cleared")
    &&  !streq (state, "open"))
        return api_fail (call, "invalid", "state must be active, acked, cleared or open");
    int64_t limit = api_limit (call);
    if (limit < 0)
        return NULL;
    sqlite3_stmt *stmt = vd_db_prepare (api_db (api),
        "SELECT " ALARM_JSON ", coalesce (a.device_id, 0), coalesce (a.site_id, 0) "
        "FROM " ALARM_FROM " WHERE " ALARM_FILTER
        "ORDER BY a.state = 'cleared', " ALARM_RANK ("a.severity") " DESC, a.last_us DESC LIMIT ?8");
    if (!stmt)
        return api_fail (call, "internal", "database error");
    if (s_bind_filter (call, stmt, state)) {
        sqlite3_finalize (stmt);
        return NULL;
    }
    sqlite3_bind_int64 (stmt, 8, limit);
    json_t *list = json_array ();
    int64_t now = vd_now_us ();
    while (sqlite3_step (stmt) == SQLITE_ROW) {
        json_t *alarm = json_loads ((const char *) sqlite3_column_text (stmt, 0), 0, NULL);
        if (!alarm)
            continue;
        int64_t until;
        bool maintenance = !streq (json_string_value (json_object_get (alarm, "state")), "cleared")
                        && maint_active (api_db (api), sqlite3_column_int64 (stmt, 1),
                                         sqlite3_column_int64 (stmt, 2), now, &until);
        json_object_set_new (alarm, "maintenance", json_boolean (maintenance));
        json_array_append_new (list, alarm);
    }
    sqlite3_finalize (stmt);
    return list;
}

static json_t *
op_alarm_show (api_t *api, api_call_t *call)
{
    int64_t id = json_integer_value (json_object_get (call->args, "id"));
    sqlite3_stmt *stmt = vd_db_prepare (api_db (api),
        "SELECT " ALARM_JSON " FROM " ALARM_FROM " WHERE a.id = ? AND in_scope (a.site_id)");
    if (!stmt)
        return api_fail (call, "internal", "database error");
    sqlite3_bind_int64 (stmt, 1, id);
    json_t *alarm = sqlite3_step (stmt) == SQLITE_ROW
                  ? json_loads ((const char *) sqlite3_column_text (stmt, 0), 0, NULL): NULL;
    sqlite3_finalize (stmt);
    if (!alarm)
        return api_fail (call, "not_found", "no alarm %lld", (long long) id);
    stmt = vd_db_prepare (api_db (api),
        "SELECT json_object ('id', n.id, 'channel', n.channel, 'kind', n.kind, 'status', n.status, "
        "  'due_us', n.due_us, 'attempts', n.attempts, 'result', n.result, 'done_us', n.done_us, "
        "  'deliveries', (SELECT json_group_array (json_object ('ts_us', v.ts_us, "
        "      'duration_us', v.duration_us, 'ok', json (CASE v.ok WHEN 1 THEN 'true' ELSE 'false' END), "
        "      'result', v.result)) FROM delivery v WHERE v.notification_id = n.id)) "
        "FROM notification n WHERE n.alarm_id = ? ORDER BY n.id");
    json_t *notifications = json_array ();
    if (stmt) {
        sqlite3_bind_int64 (stmt, 1, id);
        while (sqlite3_step (stmt) == SQLITE_ROW) {
            json_t *one = json_loads ((const char *) sqlite3_column_text (stmt, 0), 0, NULL);
            if (one) {
                json_t *deliveries = json_object_get (one, "deliveries");
                if (json_is_string (deliveries))
                    json_object_set_new (one, "deliveries",
                        json_loads (json_string_value (deliveries), 0, NULL));
                json_array_append_new (notifications, one);
            }
        }
    }
    sqlite3_finalize (stmt);
    json_object_set_new (alarm, "notifications", notifications);
    return alarm;
}

//  alarm.ack and alarm.unack: one alarm (id) or every open one matching
//  the filters (all)
static json_t *
s_ack (api_t *api, api_call_t *call, bool ack)
{
    bool all = json_is_true (json_object_get (call->args, "all"));
    json_t *id = json_object_get (call->args, "id");
    if (!!all == !!id)
        return api_fail (call, "invalid", "give an alarm id, or all with filters");
    const char *comment = api_str (call, "comment");
    int64_t expires = api_duration (call, "expires", 0);
    if (expires < 0)
        return NULL;
    sqlite3 *db = api_db (api);
    if (vd_db_exec (db, "BEGIN IMMEDIATE"))
        return api_fail (call, "internal", "database busy");
    sqlite3_stmt *stmt = vd_db_prepare (db,
        "SELECT a.id, a.state FROM " ALARM_FROM " WHERE " ALARM_FILTER " AND a.state != 'cleared'");
    zlistx_t *ids = zlistx_new ();
    int found = 0;
    if (stmt && s_bind_filter (call, stmt, NULL) == 0)
        while (sqlite3_step (stmt) == SQLITE_ROW) {
            found++;
            bool acked = streq ((const char *) sqlite3_column_text (stmt, 1), "acked");
            if (acked != ack)
                zlistx_add_end (ids, (void *) (intptr_t) sqlite3_column_int64 (stmt, 0));
        }
    sqlite3_finalize (stmt);
    if (call->error || !stmt) {
        vd_db_rollback (db);
        zlistx_destroy (&ids);
        return call->error? NULL: api_fail (call, "internal", "database error");
    }
    if (id && !found) {
        vd_db_rollback (db);
        zlistx_destroy (&ids);
        return api_fail (call, "not_found", "no open alarm %lld", (long long) json_integer_value (id));
    }
    int64_t now = vd_now_us ();
    stmt = vd_db_prepare (db, ack
        ? "UPDATE alarm SET state = 'acked', acked_by = ?2, acked_us = ?3, ack_comment = ?4, "
          "ack_expires_us = ?5 WHERE id = ?1"
        : "UPDATE alarm SET state = 'active', acked_by = NULL, acked_us = NULL, "
          "ack_comment = NULL, ack_expires_us = NULL WHERE id = ?1");
    json_t *changed = json_array ();
    int rc = stmt? 0: -1;
    for (void *one = zlistx_first (ids); one && rc == 0; one = zlistx_next (ids)) {
        int64_t alarm_id = (int64_t) (intptr_t) one;
        sqlite3_bind_int64 (stmt, 1, alarm_id);
        if (ack) {
            sqlite3_bind_text (stmt, 2, call->user, -1, SQLITE_STATIC);
            sqlite3_bind_int64 (stmt, 3, now);
            if (comment)
                sqlite3_bind_text (stmt, 4, comment, -1, SQLITE_STATIC);
            if (expires)
                sqlite3_bind_int64 (stmt, 5, now + expires * 1000);
        }
        rc = sqlite3_step (stmt) == SQLITE_DONE? 0: -1;
        sqlite3_reset (stmt);
        sqlite3_clear_bindings (stmt);
        if (rc == 0)
            rc = alarm_event (db, alarm_id, ack? "alarm.acked": "alarm.unacked");
        json_array_append_new (changed, json_integer (alarm_id));
    }
    sqlite3_finalize (stmt);
    zlistx_destroy (&ids);
    if (rc == 0) {
        json_t *detail = json_deep_copy (call->args);
        json_object_set (detail, "alarms", changed);
        api_audit (api, call, detail);
    }
    if (rc || vd_db_exec (db, "COMMIT")) {
        vd_db_rollback (db);
        json_decref (changed);
        return api_fail (call, "internal", "database error");
    }
    api_note_events (api);
    return json_pack ("{s:o, s:i}", ack? "acked": "unacked", changed, "matched", found);
}

static json_t *
op_alarm_ack (api_t *api, api_call_t *call)
{
    return s_ack (api, call, true);
}

static json_t *
op_alarm_unack (api_t *api, api_call_t *call)
{
    return s_ack (api, call, false);
}

static json_t *
op_alarm_clear (api_t *api, api_call_t *call)
{
    int64_t id = json_integer_value (json_object_get (call->args, "id"));
    sqlite3 *db = api_db (api);
    char sql [128];
    snprintf (sql, sizeof sql, "SELECT coalesce (site_id, 0) FROM alarm WHERE id = %lld "
              "AND state != 'cleared'", (long long) id);
    int64_t site_id = vd_db_int (db, sql, -1);
    if (site_id < 0 || (site_id && !api_site_allowed (api, site_id)))
        return api_fail (call, "not_found", "no open alarm %lld", (long long) id);
    if (vd_db_exec (db, "BEGIN IMMEDIATE"))
        return api_fail (call, "internal", "database busy");
    int rc = alarm_clear (db, id, call->user, vd_now_us ());
    if (rc == 0)
        api_audit (api, call, json_deep_copy (call->args));
    if (rc || vd_db_exec (db, "COMMIT")) {
        vd_db_rollback (db);
        return api_fail (call, "internal", "database error");
    }
    api_note_events (api);
    api_poke (api, API_NOTIFY);
    return json_pack ("{s:I, s:s}", "id", (json_int_t) id, "state", "cleared");
}

//  ----------------------------------------------------------- maintenance

const api_op_t op_alarm_ops [] = {
    { "alarm.list",     "viewer",   "active:b state:n site:n device:n severity:s text:s limit:i",
      op_alarm_list,
      "lists alarms, open ones first by severity; severity major+ means major or worse" },
    { "alarm.show",     "viewer",   "id:i!", op_alarm_show,
      "one alarm with its notifications and every delivery attempt" },
    { "alarm.ack",      "operator", "id:i all:b site:n device:n severity:s text:s comment:s expires:d",
      op_alarm_ack,
      "acknowledges one alarm, or all open ones matching filters; an expiry makes it active again" },
    { "alarm.unack",    "operator", "id:i all:b site:n device:n severity:s text:s", op_alarm_unack,
      "takes back an acknowledgement" },
    { "alarm.clear",    "operator", "id:i! comment:s", op_alarm_clear,
      "clears an alarm by hand (it is raised again if its condition still holds)" },
    { NULL }
};
