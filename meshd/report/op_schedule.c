/*  meshd/report/op_schedule.c: scheduled reports (schedule.*): a report of
    the last day, week or month, mailed as CSV (or posted as JSON) through
    a channel once the period is over (schedule.c).                        */
#include "report/report.h"
#include "notify/channel.h"

static const char *s_reports [] = { "availability", "latency", "billing", "top", "alarms", NULL };
static const char *s_every [] = { "day", "week", "month", NULL };

static json_t *
op_schedule_add (api_t *api, api_call_t *call)
{
    const char *name = api_str (call, "name");
    const char *report = api_str (call, "report");
    const char *every = api_str (call, "every");
    const char *channel = api_str (call, "channel");
    if (!vd_word_in (report, s_reports))
        return api_fail (call, "invalid", "report is availability, latency, billing, top or alarms");
    if (!vd_word_in (every, s_every))
        return api_fail (call, "invalid", "every is day, week or month");
    sqlite3_stmt *stmt = vd_db_prepare (api_db (api), "SELECT id, kind != 'exec' FROM channel WHERE name = ?");
    int64_t channel_id = 0;
    bool by_mail_or_web = false;
    if (stmt && sqlite3_bind_text (stmt, 1, channel, -1, SQLITE_STATIC) == SQLITE_OK
    &&  sqlite3_step (stmt) == SQLITE_ROW) {
        channel_id = sqlite3_column_int64 (stmt, 0);
        by_mail_or_web = sqlite3_column_int (stmt, 1);
    }
    sqlite3_finalize (stmt);
    if (!channel_id)
        return api_fail (call, "not_found", "no channel '%s'", channel);
    if (!by_mail_or_web)
        return api_fail (call, "invalid", "a report goes by an email or webhook channel");
    //  what narrows the report, checked as the report would
    json_t *args = json_object ();
    static const char *narrow [] = { "site", "device", "by", "limit", "target", NULL };
    for (int i = 0; narrow [i]; i++)
        if (json_object_get (call->args, narrow [i]))
            json_object_set (args, narrow [i], json_object_get (call->args, narrow [i]));
    const char *site = api_str (call, "site");
    if (site && !api_find (api, call, "site", site)) {
        json_decref (args);
        return NULL;
    }
    const char *by = api_str (call, "by");
    if (by && (!streq (report, "availability") || (!streq (by, "device") && !streq (by, "site")))) {
        json_decref (args);
        return api_fail (call, "invalid", "by (device or site) is for the availability report");
    }
    const char *target = api_str (call, "target");
    double percent;
    if (target && (!streq (report, "availability") || vd_percent_parse (target, &percent))) {
        json_decref (args);
        return api_fail (call, "invalid", "target (a percentage, such as 99.9%%) is for the availability report");
    }
    bool ok;
    int64_t now = vd_now_us ();
    int64_t next = api_time (call, "start", schedule_next (every, now), &ok);
    if (!ok) {
        json_decref (args);
        return NULL;
    }
    char *text = json_dumps (args, JSON_COMPACT | JSON_SORT_KEYS);
    int rc = vd_db_run (api_db (api),
        "INSERT INTO report_schedule (name, report, args, every, channel_id, next_us, created_by, created_us) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?)", "ssssiisi", name, report, text, every, channel_id, next,
        call->user, now);
    free (text);
    if (rc) {
        json_decref (args);
        return api_fail_db (api, call, "schedule");
    }
    api_audit (api, call, json_pack ("{s:s, s:s, s:s, s:s, s:o}", "schedule", name, "report", report,
                                     "every", every, "channel", channel, "args", args));
    return json_pack ("{s:s, s:I}", "name", name, "next_us", (json_int_t) next);
}

static json_t *
op_schedule_list (api_t *api, api_call_t *call)
{
    sqlite3_stmt *stmt = vd_db_prepare (api_db (api),
        "SELECT s.id, s.name, s.report, s.args, s.every, c.name, s.next_us, s.last_us, s.last_result, "
        "  s.created_by, s.created_us FROM report_schedule s JOIN channel c ON c.id = s.channel_id "
        "WHERE ?1 OR s.created_by = ?2 ORDER BY s.name");
    if (!stmt)
        return api_fail (call, "internal", "database error");
    //  a user scoped to sites sees the schedules they made
    sqlite3_bind_int (stmt, 1, !call->scoped);
    sqlite3_bind_text (stmt, 2, call->user, -1, SQLITE_STATIC);
    json_t *list = json_array ();
    while (sqlite3_step (stmt) == SQLITE_ROW) {
        json_t *args = json_loads ((const char *) sqlite3_column_text (stmt, 3), 0, NULL);
        json_array_append_new (list, json_pack ("{s:I, s:s, s:s, s:o, s:s, s:s, s:I, s:o, s:o, s:s, s:I}",
            "id", (json_int_t) sqlite3_column_int64 (stmt, 0),
            "name", sqlite3_column_text (stmt, 1), "report", sqlite3_column_text (stmt, 2),
            "args", args? args: json_object (), "every", sqlite3_column_text (stmt, 4),
            "channel", sqlite3_column_text (stmt, 5),
            "next_us", (json_int_t) sqlite3_column_int64 (stmt, 6),
            "last_us", api_column_int (stmt, 7), "last_result", api_column_text (stmt, 8),
            "created_by", sqlite3_column_text (stmt, 9),
            "created_us", (json_int_t) sqlite3_column_int64 (stmt, 10)));
    }
    sqlite3_finalize (stmt);
    return list;
}

//  The schedule of that name the caller may act on: its id, or 0 after
//  api_fail
static int64_t
s_schedule (api_t *api, api_call_t *call)
{
    const char *name = api_str (call, "name");
    sqlite3_stmt *stmt = vd_db_prepare (api_db (api),
        "SELECT id FROM report_schedule WHERE name = ?1 AND (?2 OR created_by = ?3)");
    int64_t id = 0;
    if (stmt) {
        sqlite3_bind_text (stmt, 1, name, -1, SQLITE_STATIC);
        sqlite3_bind_int (stmt, 2, !call->scoped);
        sqlite3_bind_text (stmt, 3, call->user, -1, SQLITE_STATIC);
        if (sqlite3_step (stmt) == SQLITE_ROW)
            id = sqlite3_column_int64 (stmt, 0);
        sqlite3_finalize (stmt);
    }
    if (!id)
        api_fail (call, "not_found", "no schedule '%s'", name);
    return id;
}

static json_t *
op_schedule_remove (api_t *api, api_call_t *call)
{
    int64_t id = s_schedule (api, call);
    if (!id)
        return NULL;
    if (vd_db_run (api_db (api), "DELETE FROM report_schedule WHERE id = ?", "i", id))
        return api_fail (call, "internal", "database error");
    api_audit (api, call, json_pack ("{s:s}", "schedule", api_str (call, "name")));
    return json_pack ("{s:s}", "name", api_str (call, "name"));
}

//  Sends the report of the last whole period now, whatever its schedule
static json_t *
op_schedule_run (api_t *api, api_call_t *call)
{
    int64_t id = s_schedule (api, call);
    if (!id)
        return NULL;
    meshd_t *meshd = api_meshd (api);
    char *from = channel_from (meshd);
    char *error;
    int64_t period_from, period_to;
    int rc = schedule_send (api, id, vd_now_us (), from, vd_config_int (meshd->config, "notify/timeout"),
                            &error, &period_from, &period_to);
    free (from);
    api_audit (api, call, json_pack ("{s:s, s:b}", "schedule", api_str (call, "name"), "sent", rc == 0));
    if (rc) {
        json_t *failed = api_fail (call, "internal", "not sent: %s", error);
        free (error);
        return failed;
    }
    return json_pack ("{s:s, s:I, s:I}", "name", api_str (call, "name"), "from_us", (json_int_t) period_from,
                      "to_us", (json_int_t) period_to);
}

const api_op_t op_schedule_ops [] = {
    { "schedule.add", "operator",
      "name:n! report:s! every:s! channel:n! site:n device:n by:s limit:i target:s start:t", op_schedule_add,
      "schedules a report of the last day, week or month, sent through a channel once it is over" },
    { "schedule.list", "viewer", "", op_schedule_list, "lists scheduled reports, when they run next and how the last went" },
    { "schedule.remove", "operator", "name:n!", op_schedule_remove, "removes a scheduled report" },
    { "schedule.run", "operator", "name:n!", op_schedule_run,
      "sends a scheduled report's last whole period now" },
    { NULL }
};
