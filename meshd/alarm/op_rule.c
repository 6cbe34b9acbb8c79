/*  meshd/alarm/op_rule.c: rules (rule.*). A rule is a threshold on a
    metric, a device state, or a match on traps and syslog; the rules actor
    (rules.c) applies it to the sample and event streams. rule.test replays
    the recorded data through a rule without raising anything.              */
#include "api/api.h"
#include "alarm/rule.h"
#include "alarm/alarm.h"
#include "monitor/monitor.h"

#define RULE_SELECT "SELECT r." RULE_COLUMNS_R ", r.enabled, s.name, d.name, " \
    "(SELECT count (*) FROM alarm a WHERE a.rule_id = r.id AND a.state != 'cleared') " \
    "FROM rule r LEFT JOIN site s ON s.id = r.site_id LEFT JOIN device d ON d.id = r.device_id "
#define RULE_COLUMNS_R "id, r.name, r.kind, r.severity, r.metric, r.above, r.below, " \
    "r.clear_value, r.count, r.duration_ms, r.match, r.oid, r.clear_on, r.clear_after_ms, " \
    "r.state, r.site_id, r.device_id"

#define RULE_TEST_MAX_POINTS    1000000     //  per series: the newest, in memory at once

static const char *s_device_states [] = { "down", "unreachable", "unknown", "up", "lost", "skewed", NULL };

//  The unit of a metric (or a metric pattern): from its series, else by name
static const char *
s_metric_unit (api_t *api, const char *metric, char *buf, size_t size)
{
    sqlite3_stmt *stmt = vd_db_prepare (api_db (api),
        "SELECT unit FROM series WHERE metric GLOB ? LIMIT 1");
    *buf = 0;
    if (stmt) {
        sqlite3_bind_text (stmt, 1, metric, -1, SQLITE_STATIC);
        if (sqlite3_step (stmt) == SQLITE_ROW)
            snprintf (buf, size, "%s", sqlite3_column_text (stmt, 0));
        else {
            size_t length = strlen (metric);
            const char *unit = streq (metric, "icmp.loss") || strstr (metric, "util")? "%"
                             : strncmp (metric, "icmp.", 5) == 0 || strstr (metric, "time")? "ms"
                             : length > 4 && streq (metric + length - 4, "_bps")? "bps": "";
            snprintf (buf, size, "%s", unit);
        }
    }
    sqlite3_finalize (stmt);
    return buf;
}

static json_t *
op_rule_add (api_t *api, api_call_t *call)
{
    const char *name = api_str (call, "name");
    const char *severity = api_str (call, "severity");
    const char *metric = api_str (call, "metric");
    const char *event = api_str (call, "event");
    const char *syslog = api_str (call, "syslog");
    const char *trap = api_str (call, "trap");
    const char *state = api_str (call, "state");
    const char *match = api_str (call, "match");
    if (!vd_severity_rank (severity))
        return api_fail (call, "invalid", "severity must be critical, major, minor, warning or info");
    int kinds = !!metric + !!event + !!syslog + !!trap + !!state;
    if (kinds != 1)
        return api_fail (call, "invalid", "a rule needs exactly one of metric, event, syslog, "
                                          "trap or state");
    const char *kind = metric? "metric": state? "state": "event";
    const char *topic = metric? metric: event? event: syslog? "syslog": trap? "trap": NULL;
    if (syslog)
        match = syslog;
    if (state && !vd_word_in (state, s_device_states))
        return api_fail (call, "invalid", "state must be down, unreachable, unknown, up, "
                                          "lost or skewed (probes)");
    if (match) {
        regex_t regex;
        if (regcomp (&regex, match, REG_EXTENDED | REG_NOSUB))
            return api_fail (call, "invalid", "'%s' is not a regular expression", match);
        regfree (&regex);
    }
    //  thresholds, in the metric's unit
    const char *above = api_str (call, "above"), *below = api_str (call, "below");
    const char *clear = api_str (call, "clear");
    double values [3];
    char unit [16] = "";
    if (metric) {
        if (!!above == !!below)
            return api_fail (call, "invalid", "a metric rule needs one of above or below");
        s_metric_unit (api, metric, unit, sizeof unit);
        const char *texts [3] = { above, below, clear };
        for (int i = 0; i < 3; i++)
            if (texts [i] && rule_threshold_parse (texts [i], unit, &values [i]))
                return api_fail (call, "invalid", "'%s' is not a value of %s (unit %s)",
                                 texts [i], metric, *unit? unit: "none");
        if (clear && ((above && values [2] > values [0]) || (below && values [2] < values [1])))
            return api_fail (call, "invalid", "the clear value must be on the good side of "
                                              "the threshold");
    }
    else
    if (above || below || clear)
        return api_fail (call, "invalid", "above, below and clear are for metric rules");
    json_t *count_arg = json_object_get (call->args, "count");
    int64_t count = count_arg? json_integer_value (count_arg): 1;
    if (count < 1 || count > 1000)
        return api_fail (call, "invalid", "count must be between 1 and 1000");
    int64_t duration = api_duration (call, "duration", 0);
    int64_t clear_after = api_duration (call, "clear_after", 0);
    if (duration < 0 || clear_after < 0)
        return NULL;
    const char *site = api_str (call, "site"), *device = api_str (call, "device");
    int64_t site_id = site? api_find (api, call, "site", site): 0;
    int64_t device_id = device? api_find (api, call, "device", device): 0;
    if ((site && !site_id) || (device && !device_id))
        return NULL;
    if (call->scoped && !site_id)
        return api_fail (call, "forbidden", "a user with site scopes adds rules for one of "
                                            "their sites (site)");
    sqlite3_stmt *stmt = vd_db_prepare (api_db (api),
        "INSERT INTO rule (name, kind, metric, above, below, clear_value, count, duration_ms, "
        "  match, oid, clear_on, clear_after_ms, state, site_id, device_id, severity, created_us) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17)");
    if (!stmt)
        return api_fail (call, "internal", "database error");
    sqlite3_bind_text (stmt, 1, name, -1, SQLITE_STATIC);
    sqlite3_bind_text (stmt, 2, kind, -1, SQLITE_STATIC);
    if (topic)
        sqlite3_bind_text (stmt, 3, topic, -1, SQLITE_STATIC);
    if (above)
        sqlite3_bind_double (stmt, 4, values [0]);
    if (below)
        sqlite3_bind_double (stmt, 5, values [1]);
    if (clear)
        sqlite3_bind_double (stmt, 6, values [2]);
    sqlite3_bind_int64 (stmt, 7, count);
    sqlite3_bind_int64 (stmt, 8, duration);
    if (match)
        sqlite3_bind_text (stmt, 9, match, -1, SQLITE_STATIC);
    if (trap)
        sqlite3_bind_text (stmt, 10, trap, -1, SQLITE_STATIC);
    if (api_str (call, "clear_on"))
        sqlite3_bind_text (stmt, 11, api_str (call, "clear_on"), -1, SQLITE_STATIC);
    if (clear_after)
        sqlite3_bind_int64 (stmt, 12, clear_after);
    if (state)
        sqlite3_bind_text (stmt, 13, state, -1, SQLITE_STATIC);
    if (site_id)
        sqlite3_bind_int64 (stmt, 14, site_id);
    if (device_id)
        sqlite3_bind_int64 (stmt, 15, device_id);
    sqlite3_bind_text (stmt, 16, severity, -1, SQLITE_STATIC);
    sqlite3_bind_int64 (stmt, 17, vd_now_us ());
    if (api_step (stmt))
        return api_fail_db (api, call, "rule");
    int64_t id = sqlite3_last_insert_rowid (api_db (api));
    json_t *detail = json_deep_copy (call->args);
    json_object_set_new (detail, "kind", json_string (kind));
    api_audit (api, call, detail);
    api_poke (api, API_RELOAD_RULES);
    return json_pack ("{s:I, s:s, s:s, s:s}", "id", (json_int_t) id, "name", name,
                      "kind", kind, "unit", unit);
}

static json_t *
s_rule_json (sqlite3_stmt *stmt)
{
    json_t *rule = json_pack ("{s:I, s:s, s:s, s:s, s:o, s:b, s:I}",
        "id", (json_int_t) sqlite3_column_int64 (stmt, 0),
        "name", sqlite3_column_text (stmt, 1),
        "kind", sqlite3_column_text (stmt, 2),
        "severity", sqlite3_column_text (stmt, 3),
        "metric", api_column_text (stmt, 4),
        "enabled", sqlite3_column_int (stmt, 17),
        "open", (json_int_t) sqlite3_column_int64 (stmt, 20));
    static const struct { int column; const char *name; char type; } fields [] = {
        { 5, "above", 'r' }, { 6, "below", 'r' }, { 7, "clear", 'r' }, { 8, "count", 'i' },
        { 9, "duration_ms", 'i' }, { 10, "match", 's' }, { 11, "trap", 's' },
        { 12, "clear_on", 's' }, { 13, "clear_after_ms", 'i' }, { 14, "state", 's' },
        { 18, "site", 's' }, { 19, "device", 's' }, { 0, NULL, 0 }
    };
    for (int i = 0; fields [i].name; i++) {
        int column = fields [i].column;
        if (sqlite3_column_type (stmt, column) == SQLITE_NULL)
            continue;
        if (fields [i].type == 'i' && sqlite3_column_int64 (stmt, column) == 0 && column != 8)
            continue;
        json_object_set_new (rule, fields [i].name,
            fields [i].type == 'r'? json_real (sqlite3_column_double (stmt, column))
          : fields [i].type == 'i'? json_integer (sqlite3_column_int64 (stmt, column))
          : json_string ((const char *) sqlite3_column_text (stmt, column)));
    }
    return rule;
}

static json_t *
op_rule_list (api_t *api, api_call_t *call)
{
    sqlite3_stmt *stmt = vd_db_prepare (api_db (api),
        RULE_SELECT "WHERE r.site_id IS NULL OR in_scope (r.site_id) ORDER BY r.name");
    if (!stmt)
        return api_fail (call, "internal", "database error");
    json_t *list = json_array ();
    while (sqlite3_step (stmt) == SQLITE_ROW)
        json_array_append_new (list, s_rule_json (stmt));
    sqlite3_finalize (stmt);
    return list;
}

//  A rule the caller may change: its id, or 0 with not_found or forbidden
static int64_t
s_rule_find (api_t *api, api_call_t *call, const char *name)
{
    sqlite3_stmt *stmt = vd_db_prepare (api_db (api),
        "SELECT id, site_id FROM rule WHERE name = ?");
    int64_t id = 0, site_id = 0;
    if (stmt) {
        sqlite3_bind_text (stmt, 1, name, -1, SQLITE_STATIC);
        if (sqlite3_step (stmt) == SQLITE_ROW) {
            id = sqlite3_column_int64 (stmt, 0);
            site_id = sqlite3_column_int64 (stmt, 1);
        }
    }
    sqlite3_finalize (stmt);
    if (id && site_id && !api_site_allowed (api, site_id))
        id = 0;
    if (!id)
        api_fail (call, "not_found", "no rule '%s'", name);
    else
    if (call->scoped && !site_id) {
        api_fail (call, "forbidden", "rule '%s' covers every site", name);
        id = 0;
    }
    return id;
}

static json_t *
op_rule_set (api_t *api, api_call_t *call)
{
    const char *name = api_str (call, "name");
    const char *severity = api_str (call, "severity");
    json_t *enabled = json_object_get (call->args, "enabled");
    int64_t id = s_rule_find (api, call, name);
    if (!id)
        return NULL;
    if (severity && !vd_severity_rank (severity))
        return api_fail (call, "invalid", "severity must be critical, major, minor, warning or info");
    sqlite3_stmt *stmt = vd_db_prepare (api_db (api),
        "UPDATE rule SET severity = coalesce (?1, severity), enabled = coalesce (?2, enabled) "
        "WHERE id = ?3");
    if (!stmt)
        return api_fail (call, "internal", "database error");
    if (severity)
        sqlite3_bind_text (stmt, 1, severity, -1, SQLITE_STATIC);
    if (json_is_boolean (enabled))
        sqlite3_bind_int (stmt, 2, json_is_true (enabled));
    sqlite3_bind_int64 (stmt, 3, id);
    if (api_step (stmt))
        return api_fail_db (api, call, "rule");
    api_audit (api, call, json_deep_copy (call->args));
    api_poke (api, API_RELOAD_RULES);
    return json_pack ("{s:I, s:s}", "id", (json_int_t) id, "name", name);
}

static json_t *
op_rule_remove (api_t *api, api_call_t *call)
{
    const char *name = api_str (call, "name");
    int64_t id = s_rule_find (api, call, name);
    if (!id)
        return NULL;
    sqlite3 *db = api_db (api);
    if (vd_db_exec (db, "BEGIN IMMEDIATE"))
        return api_fail (call, "internal", "database busy");
    //  its open alarms end with it
    sqlite3_stmt *stmt = vd_db_prepare (db,
        "SELECT id FROM alarm WHERE rule_id = ? AND state != 'cleared'");
    int rc = stmt? 0: -1;
    if (stmt) {
        sqlite3_bind_int64 (stmt, 1, id);
        zlistx_t *ids = alarm_ids (stmt);
        for (void *alarm = zlistx_first (ids); alarm && rc == 0; alarm = zlistx_next (ids))
            rc = alarm_clear (db, (int64_t) (intptr_t) alarm, call->user, vd_now_us ());
        zlistx_destroy (&ids);
    }
    char sql [64];
    snprintf (sql, sizeof sql, "DELETE FROM rule WHERE id = %lld", (long long) id);
    if (rc == 0)
        rc = vd_db_exec (db, sql);
    if (rc == 0) {
        api_audit (api, call, json_pack ("{s:s}", "rule", name));
        rc = vd_db_exec (db, "COMMIT");
    }
    if (rc) {
        vd_db_rollback (db);
        return api_fail (call, "internal", "database error");
    }
    api_poke (api, API_RELOAD_RULES | API_NOTIFY);
    api_event (api, "rule.removed", 0, json_pack ("{s:s}", "rule", name));
    return json_pack ("{s:I, s:s}", "id", (json_int_t) id, "name", name);
}

//  rule.test on a metric rule: every series it covers, read back and run
//  through the same state machine as the live stream
static json_t *
s_test_metric (api_t *api, api_call_t *call, rule_t *rule, int64_t since, int64_t until)
{
    sqlite3_stmt *stmt = vd_db_prepare (api_db (api),
        "SELECT sr.id, sr.metric, sr.unit, d.id, d.name, d.site_id FROM series sr "
        "JOIN device d ON d.id = sr.device_id WHERE in_scope (d.site_id) ORDER BY d.name, sr.metric");
    if (!stmt)
        return api_fail (call, "internal", "database error");
    json_t *transitions = json_array ();
    int series_count = 0;
    int64_t samples = 0;
    while (sqlite3_step (stmt) == SQLITE_ROW) {
        const char *metric = (const char *) sqlite3_column_text (stmt, 1);
        if (!rule_applies (rule, metric, sqlite3_column_int64 (stmt, 5),
                           sqlite3_column_int64 (stmt, 3)))
            continue;
        series_count++;
        series_point_t *points = NULL;
        int count = series_read (api_db (api), sqlite3_column_int64 (stmt, 0), since, until,
                                 RULE_TEST_MAX_POINTS, &points, NULL);
        rule_state_t state = { 0 };
        json_t *open = NULL;
        for (int i = 0; i < count; i++) {
            rule_step_t step = rule_step (rule, &state, points [i].ts_us, points [i].value,
                                          points [i].flags);
            if (step == RULE_RAISE) {
                char message [256];
                rule_describe (rule, points [i].value, (const char *) sqlite3_column_text (stmt, 2),
                               message, sizeof message);
                char object [200];
                snprintf (object, sizeof object, "%s/%s", sqlite3_column_text (stmt, 4), metric);
                open = json_pack ("{s:s, s:I, s:n, s:f, s:s}", "object", object,
                                  "raised_us", (json_int_t) points [i].ts_us, "cleared_us",
                                  "value", points [i].value, "message", message);
                json_array_append_new (transitions, open);
            }
            else
            if (step == RULE_CLEAR && open) {
                json_object_set_new (open, "cleared_us", json_integer (points [i].ts_us));
                open = NULL;
            }
        }
        samples += count > 0? count: 0;
        if (count > 0)
            free (points);
    }
    sqlite3_finalize (stmt);
    return json_pack ("{s:s, s:i, s:I, s:o}", "rule", rule->name, "series", series_count,
                      "samples", (json_int_t) samples, "alarms", transitions);
}

//  rule.test on an event rule: the recorded events it would have matched
static json_t *
s_test_event (api_t *api, api_call_t *call, rule_t *rule, int64_t since, int64_t until)
{
    sqlite3_stmt *stmt = vd_db_prepare (api_db (api),
        "SELECT e.ts_us, e.data FROM event e WHERE e.topic = ? AND e.ts_us BETWEEN ? AND ? "
        "AND in_scope (e.site_id) AND (? = 0 OR e.site_id = ?) ORDER BY e.id LIMIT 100000");
    if (!stmt)
        return api_fail (call, "internal", "database error");
    sqlite3_bind_text (stmt, 1, rule->state? "device.state": rule->metric, -1, SQLITE_STATIC);
    sqlite3_bind_int64 (stmt, 2, since);
    sqlite3_bind_int64 (stmt, 3, until);
    sqlite3_bind_int64 (stmt, 4, rule->site_id);
    sqlite3_bind_int64 (stmt, 5, rule->site_id);
    json_t *matches = json_array ();
    int64_t events = 0;
    while (sqlite3_step (stmt) == SQLITE_ROW) {
        events++;
        json_t *data = json_loads ((const char *) sqlite3_column_text (stmt, 1), 0, NULL);
        const char *text = json_string_value (json_object_get (data, "message"));
        const char *oid = json_string_value (json_object_get (data, "oid"));
        const char *state = json_string_value (json_object_get (data, "state"));
        bool match = rule->state? state && streq (state, rule->state)
                   : (!rule->oid || (oid && streq (oid, rule->oid)))
                     && (!rule->has_regex || regexec (&rule->regex, text? text: "", 0, NULL, 0) == 0);
        if (match && json_array_size (matches) < 1000) {
            const char *device = json_string_value (json_object_get (data, "device"));
            json_array_append_new (matches, json_pack ("{s:I, s:s, s:s}",
                "ts_us", (json_int_t) sqlite3_column_int64 (stmt, 0),
                "object", device? device: "-", "message", text? text: oid? oid: state? state: ""));
        }
        json_decref (data);
    }
    sqlite3_finalize (stmt);
    return json_pack ("{s:s, s:I, s:o}", "rule", rule->name, "events", (json_int_t) events,
                      "alarms", matches);
}

static json_t *
op_rule_test (api_t *api, api_call_t *call)
{
    const char *name = api_str (call, "name");
    bool ok_since, ok_until;
    int64_t since = api_time (call, "since", vd_now_us () - 3600 * 1000000LL, &ok_since);
    int64_t until = api_time (call, "until", vd_now_us (), &ok_until);
    if (!ok_since || !ok_until)
        return NULL;
    sqlite3_stmt *stmt = vd_db_prepare (api_db (api),
        "SELECT " RULE_COLUMNS " FROM rule WHERE name = ?");
    if (!stmt)
        return api_fail (call, "internal", "database error");
    sqlite3_bind_text (stmt, 1, name, -1, SQLITE_STATIC);
    rule_t rule;
    bool found = sqlite3_step (stmt) == SQLITE_ROW && rule_load (&rule, stmt) == 0;
    sqlite3_finalize (stmt);
    if (!found)
        return api_fail (call, "not_found", "no rule '%s'", name);
    json_t *result = rule.kind == RULE_METRIC? s_test_metric (api, call, &rule, since, until)
                   : s_test_event (api, call, &rule, since, until);
    rule_free (&rule);
    return result;
}

const api_op_t op_rule_ops [] = {
    { "rule.add",       "operator", "name:n! severity:n! metric:s above:s below:s clear:s count:i "
                                    "duration:d event:s syslog:s trap:s match:s clear_on:s "
                                    "clear_after:d state:n site:n device:n", op_rule_add,
      "adds an alarm rule on a metric (threshold), on events (trap, syslog, topic) or on a state" },
    { "rule.list",      "viewer",   "", op_rule_list,
      "lists rules with their open alarms" },
    { "rule.set",       "operator", "name:n! severity:n enabled:b", op_rule_set,
      "changes a rule's severity, or turns it off and on" },
    { "rule.remove",    "operator", "name:n!", op_rule_remove,
      "removes a rule; its open alarms are cleared" },
    { "rule.test",      "viewer",   "name:n! since:t until:t", op_rule_test,
      "what a rule would have raised on stored samples or events" },
    { NULL }
};
