/*  meshd/op_alarm.c: rules (rule.*), alarms (alarm.*) and maintenance
    windows (maintenance.*). The rules actor raises and clears alarms; here
    people add rules, acknowledge and clear alarms, and plan maintenance.    */
#include "api.h"
#include "rule.h"
#include "alarm.h"
#include "maint.h"
#include <time.h>

static const char *s_severities [] = { "critical", "major", "minor", "warning", "info", NULL };
static const char *s_device_states [] = { "down", "unreachable", "unknown", "up", "lost", "skewed", NULL };

static bool
s_in (const char *word, const char **list)
{
    for (int i = 0; word && list [i]; i++)
        if (streq (word, list [i]))
            return true;
    return false;
}

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
    *rank = rule_severity_rank (word);
    if (!*rank) {
        api_fail (call, "invalid", "severity must be critical, major, minor, warning or info "
                                   "(with + for that or worse)");
        return -1;
    }
    return 0;
}

json_t *
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
    if (!s_in (severity, s_severities))
        return api_fail (call, "invalid", "severity must be critical, major, minor, warning or info");
    int kinds = !!metric + !!event + !!syslog + !!trap + !!state;
    if (kinds != 1)
        return api_fail (call, "invalid", "a rule needs exactly one of metric, event, syslog, "
                                          "trap or state");
    const char *kind = metric? "metric": state? "state": "event";
    const char *topic = metric? metric: event? event: syslog? "syslog": trap? "trap": NULL;
    if (syslog)
        match = syslog;
    if (state && !s_in (state, s_device_states))
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

#define RULE_SELECT "SELECT r." RULE_COLUMNS_R ", r.enabled, s.name, d.name, " \
    "(SELECT count (*) FROM alarm a WHERE a.rule_id = r.id AND a.state != 'cleared') " \
    "FROM rule r LEFT JOIN site s ON s.id = r.site_id LEFT JOIN device d ON d.id = r.device_id "
#define RULE_COLUMNS_R "id, r.name, r.kind, r.severity, r.metric, r.above, r.below, " \
    "r.clear_value, r.count, r.duration_ms, r.match, r.oid, r.clear_on, r.clear_after_ms, " \
    "r.state, r.site_id, r.device_id"

json_t *
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

json_t *
op_rule_set (api_t *api, api_call_t *call)
{
    const char *name = api_str (call, "name");
    const char *severity = api_str (call, "severity");
    json_t *enabled = json_object_get (call->args, "enabled");
    int64_t id = s_rule_find (api, call, name);
    if (!id)
        return NULL;
    if (severity && !s_in (severity, s_severities))
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

json_t *
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
        vd_db_exec (db, "ROLLBACK");
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
        series_point_t *points;
        int count = series_read (api_db (api), sqlite3_column_int64 (stmt, 0), since, until, &points);
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

json_t *
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

//  ---------------------------------------------------------------- alarms

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

json_t *
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

json_t *
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
        vd_db_exec (db, "ROLLBACK");
        zlistx_destroy (&ids);
        return call->error? NULL: api_fail (call, "internal", "database error");
    }
    if (id && !found) {
        vd_db_exec (db, "ROLLBACK");
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
        vd_db_exec (db, "ROLLBACK");
        json_decref (changed);
        return api_fail (call, "internal", "database error");
    }
    api_note_events (api);
    return json_pack ("{s:o, s:i}", ack? "acked": "unacked", changed, "matched", found);
}

json_t *
op_alarm_ack (api_t *api, api_call_t *call)
{
    return s_ack (api, call, true);
}

json_t *
op_alarm_unack (api_t *api, api_call_t *call)
{
    return s_ack (api, call, false);
}

json_t *
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
        vd_db_exec (db, "ROLLBACK");
        return api_fail (call, "internal", "database error");
    }
    api_note_events (api);
    api_poke (api, API_NOTIFY);
    return json_pack ("{s:I, s:s}", "id", (json_int_t) id, "state", "cleared");
}

//  ----------------------------------------------------------- maintenance

json_t *
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
    if (every && !streq (every, "day") && !s_in (every, maint_days))
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

json_t *
op_maintenance_list (api_t *api, api_call_t *call)
{
    sqlite3_stmt *stmt = vd_db_prepare (api_db (api),
        "SELECT m.id, d.name, s.name, m.from_us, m.to_us, m.every, m.start_min, m.end_min, "
        "  m.comment, m.created_by, m.created_us, coalesce (m.device_id, 0), "
        "  coalesce (m.site_id, d.site_id) "
        "FROM maintenance m LEFT JOIN device d ON d.id = m.device_id "
        "LEFT JOIN site s ON s.id = m.site_id "
        "WHERE in_scope (coalesce (m.site_id, d.site_id)) "
        "  AND (m.every IS NOT NULL OR m.to_us > ?) ORDER BY m.id");
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
        json_object_set_new (window, "open", json_boolean (open));
        json_array_append_new (list, window);
    }
    sqlite3_finalize (stmt);
    return list;
}

json_t *
op_maintenance_remove (api_t *api, api_call_t *call)
{
    int64_t id = json_integer_value (json_object_get (call->args, "id"));
    char sql [200];
    snprintf (sql, sizeof sql, "SELECT coalesce (m.site_id, d.site_id) FROM maintenance m "
              "LEFT JOIN device d ON d.id = m.device_id WHERE m.id = %lld", (long long) id);
    int64_t site_id = vd_db_int (api_db (api), sql, 0);
    if (!site_id || !api_site_allowed (api, site_id))
        return api_fail (call, "not_found", "no maintenance window %lld", (long long) id);
    snprintf (sql, sizeof sql, "DELETE FROM maintenance WHERE id = %lld", (long long) id);
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
