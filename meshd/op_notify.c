/*  meshd/op_notify.c: notification channels (channel.*), the routes from
    alarms to channels (route.*) and the delivery log (notification.list).
    Channels and routes are admin business: an exec channel runs a command
    on the coordinator.                                                      */
#include "api.h"
#include "alarm.h"
#include "maint.h"
#include "rule.h"

static bool
s_unscoped (api_call_t *call)
{
    if (call->scoped)
        api_fail (call, "forbidden", "%s needs an admin without site scopes", call->op);
    return !call->scoped;
}

static bool
s_url_has_scheme (const char *url, const char *a, const char *b)
{
    size_t la = strlen (a), lb = strlen (b);
    return strncmp (url, a, la) == 0 || strncmp (url, b, lb) == 0;
}

json_t *
op_channel_add (api_t *api, api_call_t *call)
{
    const char *name = api_str (call, "name");
    const char *kind = api_str (call, "kind");
    if (!s_unscoped (call))
        return NULL;
    json_t *params = json_object ();
    if (streq (kind, "email")) {
        const char *to = api_str (call, "to"), *smtp = api_str (call, "smtp");
        if (!to || !smtp || !strchr (to, '@'))
            goto needs;
        if (!s_url_has_scheme (smtp, "smtp://", "smtps://")) {
            json_decref (params);
            return api_fail (call, "invalid", "smtp must be an smtp:// or smtps:// URL");
        }
        json_object_set_new (params, "to", json_string (to));
        json_object_set_new (params, "smtp", json_string (smtp));
        if (api_str (call, "from"))
            json_object_set_new (params, "from", json_string (api_str (call, "from")));
    }
    else
    if (streq (kind, "webhook")) {
        const char *url = api_str (call, "url");
        if (!url)
            goto needs;
        if (!s_url_has_scheme (url, "http://", "https://")) {
            json_decref (params);
            return api_fail (call, "invalid", "url must be an http:// or https:// URL");
        }
        json_object_set_new (params, "url", json_string (url));
    }
    else
    if (streq (kind, "exec")) {
        const char *command = api_str (call, "command");
        if (!command)
            goto needs;
        if (*command != '/') {
            json_decref (params);
            return api_fail (call, "invalid", "command must start with an absolute path "
                                              "(it runs without a shell)");
        }
        json_object_set_new (params, "command", json_string (command));
    }
    else {
        json_decref (params);
        return api_fail (call, "invalid", "kind must be email, webhook or exec");
    }
    char *text = json_dumps (params, JSON_COMPACT | JSON_SORT_KEYS);
    sqlite3_stmt *stmt = vd_db_prepare (api_db (api),
        "INSERT INTO channel (name, kind, params, created_us) VALUES (?, ?, ?, ?)");
    int rc = -1;
    if (stmt) {
        sqlite3_bind_text (stmt, 1, name, -1, SQLITE_STATIC);
        sqlite3_bind_text (stmt, 2, kind, -1, SQLITE_STATIC);
        sqlite3_bind_text (stmt, 3, text, -1, SQLITE_STATIC);
        sqlite3_bind_int64 (stmt, 4, vd_now_us ());
        rc = api_step (stmt);
    }
    free (text);
    if (rc) {
        json_decref (params);
        return api_fail_db (api, call, "channel");
    }
    int64_t id = sqlite3_last_insert_rowid (api_db (api));
    api_audit (api, call, json_pack ("{s:s, s:s, s:O}", "channel", name, "kind", kind,
                                     "params", params));
    return json_pack ("{s:I, s:s, s:s, s:o}", "id", (json_int_t) id, "name", name,
                      "kind", kind, "params", params);
needs:
    json_decref (params);
    return api_fail (call, "invalid", "%s channels need %s", kind,
                     streq (kind, "email")? "to (an address) and smtp (a URL)"
                   : streq (kind, "webhook")? "url": "command");
}

json_t *
op_channel_list (api_t *api, api_call_t *call)
{
    sqlite3_stmt *stmt = vd_db_prepare (api_db (api),
        "SELECT c.id, c.name, c.kind, c.params, c.created_us, "
        "  (SELECT count (*) FROM route r WHERE r.channel_id = c.id OR r.escalate_id = c.id), "
        "  (SELECT count (*) FROM notification n WHERE n.channel_id = c.id AND n.status = 'sent'), "
        "  (SELECT count (*) FROM notification n WHERE n.channel_id = c.id AND n.status = 'failed') "
        "FROM channel c ORDER BY c.name");
    if (!stmt)
        return api_fail (call, "internal", "database error");
    json_t *list = json_array ();
    while (sqlite3_step (stmt) == SQLITE_ROW) {
        json_t *params = json_loads ((const char *) sqlite3_column_text (stmt, 3), 0, NULL);
        json_array_append_new (list, json_pack ("{s:I, s:s, s:s, s:o, s:I, s:I, s:I, s:I}",
            "id", (json_int_t) sqlite3_column_int64 (stmt, 0),
            "name", sqlite3_column_text (stmt, 1),
            "kind", sqlite3_column_text (stmt, 2),
            "params", params? params: json_object (),
            "created_us", (json_int_t) sqlite3_column_int64 (stmt, 4),
            "routes", (json_int_t) sqlite3_column_int64 (stmt, 5),
            "sent", (json_int_t) sqlite3_column_int64 (stmt, 6),
            "failed", (json_int_t) sqlite3_column_int64 (stmt, 7)));
    }
    sqlite3_finalize (stmt);
    return list;
}

json_t *
op_channel_remove (api_t *api, api_call_t *call)
{
    const char *name = api_str (call, "name");
    if (!s_unscoped (call))
        return NULL;
    int64_t id = api_id (api, "channel", name);
    if (!id)
        return api_fail (call, "not_found", "no channel '%s'", name);
    char sql [96];
    snprintf (sql, sizeof sql, "DELETE FROM channel WHERE id = %lld", (long long) id);
    if (vd_db_exec (api_db (api), sql))
        return api_fail_db (api, call, "channel");
    api_audit (api, call, json_pack ("{s:s}", "channel", name));
    return json_pack ("{s:I, s:s}", "id", (json_int_t) id, "name", name);
}

//  "08:00-18:00"
static bool
s_hours_valid (const char *hours)
{
    char from [8] = "", to [8] = "";
    int start, end;
    char extra;
    return strlen (hours) <= 11
        && sscanf (hours, "%5[0-9:]-%5[0-9:]%c", from, to, &extra) == 2
        && maint_clock_parse (from, &start) == 0 && maint_clock_parse (to, &end) == 0
        && start != end;
}

//  "mon,tue,wed" or "mon-fri": normalised into a list of day names
static char *
s_days (const char *text)
{
    char buffer [64];
    snprintf (buffer, sizeof buffer, "%s", text);
    bool on [7] = { false };
    for (char *save = NULL, *part = strtok_r (buffer, ",", &save); part;
         part = strtok_r (NULL, ",", &save)) {
        char *dash = strchr (part, '-');
        if (dash)
            *dash++ = 0;
        int first = -1, last = -1;
        for (int i = 0; maint_days [i]; i++) {
            if (streq (part, maint_days [i]))
                first = i;
            if (dash && streq (dash, maint_days [i]))
                last = i;
        }
        if (first < 0 || (dash && last < 0))
            return NULL;
        if (!dash)
            last = first;
        for (int i = first; ; i = (i + 1) % 7) {
            on [i] = true;
            if (i == last)
                break;
        }
    }
    char *days = (char *) zmalloc (32);
    for (int i = 0; i < 7; i++)
        if (on [i]) {
            if (*days)
                strcat (days, ",");
            strcat (days, maint_days [i]);
        }
    return days;
}

json_t *
op_route_add (api_t *api, api_call_t *call)
{
    if (!s_unscoped (call))
        return NULL;
    const char *severity = api_str (call, "severity");
    char minimum [16] = "info";
    if (severity) {
        snprintf (minimum, sizeof minimum, "%s", severity);
        size_t length = strlen (minimum);
        if (length && minimum [length - 1] == '+')
            minimum [length - 1] = 0;       //  a route is always "this or worse"
        if (!rule_severity_rank (minimum))
            return api_fail (call, "invalid", "severity must be critical, major, minor, "
                                              "warning or info (this or worse)");
    }
    const char *channel = api_str (call, "channel");
    const char *escalate = api_str (call, "escalate_to");
    const char *site = api_str (call, "site");
    const char *hours = api_str (call, "hours");
    const char *days_text = api_str (call, "days");
    int64_t channel_id = api_id (api, "channel", channel);
    if (!channel_id)
        return api_fail (call, "not_found", "no channel '%s'", channel);
    int64_t escalate_id = escalate? api_id (api, "channel", escalate): 0;
    if (escalate && !escalate_id)
        return api_fail (call, "not_found", "no channel '%s'", escalate);
    int64_t site_id = site? api_find (api, call, "site", site): 0;
    if (site && !site_id)
        return NULL;
    int64_t after = api_duration (call, "after", 0);
    int64_t unacked = api_duration (call, "if_unacked", 0);
    int64_t repeat = api_duration (call, "repeat", 0);
    if (after < 0 || unacked < 0 || repeat < 0)
        return NULL;
    if (escalate && !unacked)
        return api_fail (call, "invalid", "an escalation needs if_unacked (how long to wait)");
    if (repeat && repeat < 60000)
        return api_fail (call, "invalid", "repeat must be at least 1m");
    if (hours && !s_hours_valid (hours))
        return api_fail (call, "invalid", "hours must be HH:MM-HH:MM (08:00-18:00)");
    char *days = days_text? s_days (days_text): NULL;
    if (days_text && !days)
        return api_fail (call, "invalid", "days must be day names: mon,tue or mon-fri");
    json_t *recovery = json_object_get (call->args, "recovery");
    sqlite3_stmt *stmt = vd_db_prepare (api_db (api),
        "INSERT INTO route (severity, site_id, channel_id, after_ms, escalate_id, unacked_ms, "
        "  repeat_ms, hours, days, recovery, created_us) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    int rc = -1;
    if (stmt) {
        sqlite3_bind_text (stmt, 1, minimum, -1, SQLITE_STATIC);
        if (site_id)
            sqlite3_bind_int64 (stmt, 2, site_id);
        sqlite3_bind_int64 (stmt, 3, channel_id);
        sqlite3_bind_int64 (stmt, 4, after);
        if (escalate_id)
            sqlite3_bind_int64 (stmt, 5, escalate_id);
        if (unacked)
            sqlite3_bind_int64 (stmt, 6, unacked);
        if (repeat)
            sqlite3_bind_int64 (stmt, 7, repeat);
        if (hours)
            sqlite3_bind_text (stmt, 8, hours, -1, SQLITE_STATIC);
        if (days)
            sqlite3_bind_text (stmt, 9, days, -1, SQLITE_STATIC);
        sqlite3_bind_int (stmt, 10, recovery? json_is_true (recovery): 1);
        sqlite3_bind_int64 (stmt, 11, vd_now_us ());
        rc = api_step (stmt);
    }
    free (days);
    if (rc)
        return api_fail_db (api, call, "route");
    int64_t id = sqlite3_last_insert_rowid (api_db (api));
    api_audit (api, call, json_deep_copy (call->args));
    return json_pack ("{s:I, s:s, s:s}", "id", (json_int_t) id, "severity", minimum,
                      "channel", channel);
}

json_t *
op_route_list (api_t *api, api_call_t *call)
{
    sqlite3_stmt *stmt = vd_db_prepare (api_db (api),
        "SELECT r.id, r.severity, s.name, c.name, r.after_ms, e.name, r.unacked_ms, r.repeat_ms, "
        "  r.hours, r.days, r.recovery, r.created_us "
        "FROM route r JOIN channel c ON c.id = r.channel_id LEFT JOIN site s ON s.id = r.site_id "
        "LEFT JOIN channel e ON e.id = r.escalate_id ORDER BY r.id");
    if (!stmt)
        return api_fail (call, "internal", "database error");
    json_t *list = json_array ();
    while (sqlite3_step (stmt) == SQLITE_ROW)
        json_array_append_new (list, json_pack ("{s:I, s:s, s:o, s:s, s:I, s:o, s:o, s:o, s:o, s:o, s:b, s:I}",
            "id", (json_int_t) sqlite3_column_int64 (stmt, 0),
            "severity", sqlite3_column_text (stmt, 1),
            "site", api_column_text (stmt, 2),
            "channel", sqlite3_column_text (stmt, 3),
            "after_ms", (json_int_t) sqlite3_column_int64 (stmt, 4),
            "escalate_to", api_column_text (stmt, 5),
            "if_unacked_ms", api_column_int (stmt, 6),
            "repeat_ms", api_column_int (stmt, 7),
            "hours", api_column_text (stmt, 8),
            "days", api_column_text (stmt, 9),
            "recovery", sqlite3_column_int (stmt, 10),
            "created_us", (json_int_t) sqlite3_column_int64 (stmt, 11)));
    sqlite3_finalize (stmt);
    return list;
}

json_t *
op_route_remove (api_t *api, api_call_t *call)
{
    if (!s_unscoped (call))
        return NULL;
    int64_t id = json_integer_value (json_object_get (call->args, "id"));
    char sql [96];
    snprintf (sql, sizeof sql, "DELETE FROM route WHERE id = %lld", (long long) id);
    if (vd_db_exec (api_db (api), sql))
        return api_fail_db (api, call, "route");
    if (sqlite3_changes (api_db (api)) == 0)
        return api_fail (call, "not_found", "no route %lld", (long long) id);
    api_audit (api, call, json_deep_copy (call->args));
    return json_pack ("{s:I}", "id", (json_int_t) id);
}

json_t *
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
