/*  meshd/notify/op_route.c: routes (route.*) from alarms to channels: a
    severity or worse, a site, a delay, hours and days, escalation to
    another channel when nobody acknowledges, repeats and recoveries.      */
#include "api/api.h"
#include "alarm/maint.h"

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

static json_t *
op_route_add (api_t *api, api_call_t *call)
{
    if (!api_unscoped (call))
        return NULL;
    const char *severity = api_str (call, "severity");
    char minimum [16] = "info";
    if (severity) {
        snprintf (minimum, sizeof minimum, "%s", severity);
        size_t length = strlen (minimum);
        if (length && minimum [length - 1] == '+')
            minimum [length - 1] = 0;       //  a route is always "this or worse"
        if (!vd_severity_rank (minimum))
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

static json_t *
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

static json_t *
op_route_remove (api_t *api, api_call_t *call)
{
    if (!api_unscoped (call))
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

const api_op_t op_route_ops [] = {
    { "route.add",      "admin",    "channel:n! severity:s site:n after:d escalate_to:n if_unacked:d "
                                    "repeat:d hours:s days:s recovery:b", op_route_add,
      "routes alarms of a severity or worse (and a site) to a channel, with escalation" },
    { "route.list",     "viewer",   "", op_route_list,
      "lists routes" },
    { "route.remove",   "admin",    "id:i!", op_route_remove,
      "removes a route" },
    { NULL }
};
