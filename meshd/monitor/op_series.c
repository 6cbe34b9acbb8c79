/*  meshd/monitor/op_series.c: reading series.  */
#include "api/api.h"
#include "monitor/monitor.h"

#define SERIES_MAX_POINTS   100000

static json_t *
op_series_show (api_t *api, api_call_t *call)
{
    const char *device = api_str (call, "device");
    const char *probe = api_str (call, "probe");
    const char *metric = api_str (call, "metric");
    if (!device == !probe)
        return api_fail (call, "invalid", "give a device or a probe");
    bool ok;
    int64_t now = vd_now_us ();
    int64_t since = api_time (call, "since", now - 3600LL * 1000000, &ok);
    int64_t until = ok? api_time (call, "until", now, &ok): 0;
    if (!ok)
        return NULL;
    sqlite3_stmt *stmt = vd_db_prepare (api_db (api), device
        ? "SELECT s.id, s.unit FROM series s JOIN device d ON d.id = s.device_id "
          "WHERE d.name = ? AND s.metric = ? AND in_scope (d.site_id)"
        : "SELECT s.id, s.unit FROM series s JOIN probe p ON p.id = s.probe_id "
          "WHERE s.device_id IS NULL AND p.name = ? AND s.metric = ? AND in_scope (p.site_id)");
    if (!stmt)
        return api_fail (call, "internal", "database error");
    sqlite3_bind_text (stmt, 1, device? device: probe, -1, SQLITE_STATIC);
    sqlite3_bind_text (stmt, 2, metric, -1, SQLITE_STATIC);
    int64_t series_id = 0;
    char unit [16] = "";
    if (sqlite3_step (stmt) == SQLITE_ROW) {
        series_id = sqlite3_column_int64 (stmt, 0);
        snprintf (unit, sizeof unit, "%s", sqlite3_column_text (stmt, 1));
    }
    sqlite3_finalize (stmt);
    if (!series_id)
        return api_fail (call, "not_found", "no series '%s' on %s '%s'", metric,
                         device? "device": "probe", device? device: probe);
    series_point_t *points = NULL;
    int64_t skipped = 0;
    int count = series_read (api_db (api), series_id, since, until, SERIES_MAX_POINTS, &points, &skipped);
    if (count < 0)
        return api_fail (call, "internal", "cannot read series %lld", (long long) series_id);
    json_t *list = json_array ();
    for (int i = 0; i < count; i++) {
        json_t *point = json_pack ("{s:I, s:f}", "ts_us", (json_int_t) points [i].ts_us,
                                   "value", points [i].value);
        if (points [i].flags & VD_SAMPLE_LOST)
            json_object_set_new (point, "lost", json_true ());
        json_array_append_new (list, point);
    }
    free (points);
    json_t *result = json_pack ("{s:s, s:I, s:s, s:I, s:I, s:b, s:o}",
        "metric", metric, "series_id", (json_int_t) series_id, "unit", unit,
        "since_us", (json_int_t) since, "until_us", (json_int_t) until,
        "truncated", skipped > 0, "points", list);
    json_object_set_new (result, device? "device": "probe", json_string (device? device: probe));
    return result;
}

json_t *
series_of_device (api_t *api, api_call_t *call, int64_t device_id, const char *device)
{
    sqlite3_stmt *stmt = vd_db_prepare (api_db (api),
        "SELECT s.id, s.metric, s.unit, c.kind, s.last_ts_us, s.last_value, s.last_flags "
        "FROM series s LEFT JOIN device_check c ON c.id = s.check_id "
        "WHERE s.device_id = ? ORDER BY s.metric");
    if (!stmt)
        return api_fail (call, "internal", "database error");
    sqlite3_bind_int64 (stmt, 1, device_id);
    json_t *list = json_array ();
    while (sqlite3_step (stmt) == SQLITE_ROW) {
        bool lost = (sqlite3_column_int64 (stmt, 6) & VD_SAMPLE_LOST) != 0;
        json_array_append_new (list, json_pack ("{s:I, s:s, s:s, s:s, s:o, s:o, s:o}",
            "id", (json_int_t) sqlite3_column_int64 (stmt, 0),
            "device", device,
            "metric", sqlite3_column_text (stmt, 1),
            "unit", sqlite3_column_text (stmt, 2),
            "check", api_column_text (stmt, 3),
            "last_us", api_column_int (stmt, 4),
            "value", sqlite3_column_type (stmt, 5) == SQLITE_NULL || lost
                     ? json_null (): json_real (sqlite3_column_double (stmt, 5))));
    }
    sqlite3_finalize (stmt);
    return list;
}

static json_t *
op_series_list (api_t *api, api_call_t *call)
{
    const char *device = api_str (call, "device");
    int64_t device_id = api_find (api, call, "device", device);
    return device_id? series_of_device (api, call, device_id, device): NULL;
}

const api_op_t op_series_ops [] = {
    { "series.list",    "viewer",   "device:n!", op_series_list,
      "lists a device's series with their last values" },
    { "series.show",    "viewer",   "device:n probe:n metric:s! since:t until:t", op_series_show,
      "samples of a series, a device's or a probe's own (peer.NAME.rtt), between two times" },
    { NULL }
};
