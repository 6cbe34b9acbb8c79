/*  meshd/monitor/op_series.c: reading series.  */
#include "api/api.h"
#include "monitor/monitor.h"
#include "housekeeping/housekeeping.h"

#define SERIES_MAX_POINTS   100000

//  A bucket as a point: the mean as value, the rest beside it
static json_t *
s_bucket_json (const rollup_t *bucket)
{
    json_t *point = json_pack ("{s:I, s:I, s:I}", "ts_us", (json_int_t) bucket->t,
                               "samples", (json_int_t) bucket->count,
                               "lost_samples", (json_int_t) bucket->lost);
    if (bucket->count) {
        json_object_set_new (point, "value", json_real (bucket->sum / (double) bucket->count));
        json_object_set_new (point, "min", json_real (bucket->min));
        json_object_set_new (point, "max", json_real (bucket->max));
        json_object_set_new (point, "last", json_real (bucket->last));
    }
    if (bucket->sketch && vd_sketch_count (bucket->sketch)) {
        json_object_set_new (point, "p50", json_real (vd_sketch_quantile (bucket->sketch, 0.50)));
        json_object_set_new (point, "p95", json_real (vd_sketch_quantile (bucket->sketch, 0.95)));
        json_object_set_new (point, "p99", json_real (vd_sketch_quantile (bucket->sketch, 0.99)));
    }
    return point;
}

//  Raw samples in buckets of step seconds: below the finest rollup
static int
s_raw_buckets (sqlite3 *db, int64_t series_id, int64_t since, int64_t until, int64_t step,
               bool latency, rollup_t **result, bool *truncated)
{
    series_point_t *points = NULL;
    int64_t skipped = 0;
    int count = series_read (db, series_id, since, until, SERIES_MAX_POINTS, &points, &skipped);
    if (count < 0)
        return -1;
    int64_t step_us = step * 1000000;
    rollup_t *buckets = NULL;
    int used = 0, limit = 0;
    for (int i = 0; i < count; i++) {
        int64_t t = rollup_floor (points [i].ts_us, step_us);
        if (used == 0 || buckets [used - 1].t != t) {
            if (used == limit) {
                limit = limit? limit * 2: 64;
                buckets = (rollup_t *) realloc (buckets, (size_t) limit * sizeof (rollup_t));
                assert (buckets);
            }
            buckets [used++] = (rollup_t) { .t = t };
        }
        rollup_add (&buckets [used - 1], points [i].ts_us, points [i].value, points [i].flags, latency);
    }
    free (points);
    *result = buckets;
    *truncated = skipped > 0;
    return used;
}

//  True if name is meshd's own object (vedette) and no device has that
//  name; its series are for users of every site
static bool
s_own (api_t *api, api_call_t *call, const char *name)
{
    if (!streq (name, MESHD_SELF_NAME) || call->scoped)
        return false;
    sqlite3_stmt *stmt = vd_db_prepare (api_db (api), "SELECT 1 FROM device WHERE name = ?");
    if (!stmt)
        return false;
    sqlite3_bind_text (stmt, 1, name, -1, SQLITE_STATIC);
    bool device = sqlite3_step (stmt) == SQLITE_ROW;
    sqlite3_finalize (stmt);
    return !device;
}

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
    //  a step, or a number of points over the span, asks for buckets; the
    //  resolution read follows from the step
    int64_t step_ms = api_duration (call, "step", -2);
    if (step_ms == -1)
        return NULL;
    int64_t wanted = json_integer_value (json_object_get (call->args, "points"));
    if (step_ms >= 0 && wanted)
        return api_fail (call, "invalid", "give a step or a number of points, not both");
    if (wanted < 0 || (step_ms >= 0 && step_ms < 1000))
        return api_fail (call, "invalid", "a step is at least 1s, points at least 1");
    if (wanted && until <= since)
        return api_fail (call, "invalid", "points need until to come after since");
    int64_t step = wanted? ((until - since) / wanted + 999999) / 1000000: step_ms > 0? step_ms / 1000: 0;
    //  a device's, meshd's own (the object vedette, for users of every
    //  site, unless a device has that name), or a probe's
    bool own = device && s_own (api, call, device);
    sqlite3_stmt *stmt = vd_db_prepare (api_db (api), own
        ? "SELECT s.id, s.unit FROM series s WHERE s.own = 1 AND ?1 IS NOT NULL AND s.metric = ?2"
        : device
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
    json_t *list = json_array ();
    bool truncated = false;
    int64_t resolution = 0;             //  seconds of the rollups read; 0: samples
    if (step == 0) {
        series_point_t *points = NULL;
        int64_t skipped = 0;
        int count = series_read (api_db (api), series_id, since, until, SERIES_MAX_POINTS, &points, &skipped);
        if (count < 0) {
            json_decref (list);
            return api_fail (call, "internal", "cannot read series %lld", (long long) series_id);
        }
        for (int i = 0; i < count; i++) {
            json_t *point = json_pack ("{s:I, s:f}", "ts_us", (json_int_t) points [i].ts_us,
                                       "value", points [i].value);
            if (points [i].flags & VD_SAMPLE_LOST)
                json_object_set_new (point, "lost", json_true ());
            json_array_append_new (list, point);
        }
        free (points);
        truncated = skipped > 0;
    }
    else {
        //  the coarsest rollup that divides the step, or the samples
        resolution = rollup_step_for (step);
        if (resolution)
            step -= step % resolution;
        rollup_t *buckets = NULL;
        int count = resolution
            ? rollup_read (api_db (api), series_id, resolution, since, until, step, SERIES_MAX_POINTS,
                           &buckets, &truncated)
            : s_raw_buckets (api_db (api), series_id, since, until, step, streq (unit, "ms"),
                             &buckets, &truncated);
        if (count < 0) {
            json_decref (list);
            return api_fail (call, "internal", "cannot read series %lld", (long long) series_id);
        }
        for (int i = 0; i < count; i++)
            json_array_append_new (list, s_bucket_json (&buckets [i]));
        rollup_free (&buckets, count);
    }
    json_t *result = json_pack ("{s:s, s:I, s:s, s:I, s:I, s:I, s:I, s:b, s:o}",
        "metric", metric, "series_id", (json_int_t) series_id, "unit", unit,
        "since_us", (json_int_t) since, "until_us", (json_int_t) until,
        "step_us", (json_int_t) (step * 1000000), "resolution_us", (json_int_t) (resolution * 1000000),
        "truncated", truncated, "points", list);
    json_object_set_new (result, device? "device": "probe", json_string (device? device: probe));
    return result;
}

json_t *
series_of_device (api_t *api, api_call_t *call, int64_t device_id, const char *device)
{
    sqlite3_stmt *stmt = vd_db_prepare (api_db (api), device_id
        ? "SELECT s.id, s.metric, s.unit, c.kind, s.last_ts_us, s.last_value, s.last_flags "
          "FROM series s LEFT JOIN device_check c ON c.id = s.check_id "
          "WHERE s.device_id = ? ORDER BY s.metric"
        : "SELECT s.id, s.metric, s.unit, NULL, s.last_ts_us, s.last_value, s.last_flags "
          "FROM series s WHERE s.own = 1 AND ?1 = 0 "
          "ORDER BY s.metric");
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
    if (s_own (api, call, device))
        return series_of_device (api, call, 0, device);
    int64_t device_id = api_find (api, call, "device", device);
    return device_id? series_of_device (api, call, device_id, device): NULL;
}

const api_op_t op_series_ops [] = {
    { "series.list",    "viewer",   "device:n!", op_series_list,
      "lists a device's series with their last values" },
    { "series.show",    "viewer",   "device:n probe:n metric:s! since:t until:t step:d points:i",
      op_series_show,
      "samples of a series, a device's or a probe's own (peer.NAME.rtt), between two times; with a step or a number of points, buckets from its rollups" },
    { NULL }
};
