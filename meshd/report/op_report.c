/*  meshd/report/op_report.c: reports over a period, from the rollups and
    the alarm history: latency (percentiles per device and per probe path),
    billing (95th percentile of 5-minute rates per interface, the usual
    burstable rule), top (interfaces by utilisation) and alarms (counts,
    MTTA, MTTR), over a period (report.h); a user scoped to some sites sees
    only theirs.                                                             */
#include "report/report.h"
#include "housekeeping/housekeeping.h"

#define TOP_DEFAULT 10

//  The rollups a period is read from: hours past two days, else 5 minutes
static int64_t
s_step (const period_t *period)
{
    return period->to - period->from >= 2 * DAY_US? rollup_steps [1]: rollup_steps [0];
}

//  Series of devices in the period's scope, of a metric (LIKE pattern):
//  id, device, site, metric
static sqlite3_stmt *
s_device_series (api_t *api, const period_t *period, const char *metric)
{
    sqlite3_stmt *stmt = vd_db_prepare (api_db (api),
        "SELECT s.id, d.name, st.name, s.metric FROM series s JOIN device d ON d.id = s.device_id "
        "JOIN site st ON st.id = d.site_id WHERE s.metric LIKE ?1 AND in_scope (d.site_id) "
        "AND (?2 IS NULL OR st.name = ?2) AND (?3 IS NULL OR d.name = ?3) ORDER BY d.name, s.metric");
    if (stmt) {
        sqlite3_bind_text (stmt, 1, metric, -1, SQLITE_STATIC);
        sqlite3_bind_text (stmt, 2, period->site, -1, SQLITE_STATIC);
        sqlite3_bind_text (stmt, 3, period->device, -1, SQLITE_STATIC);
    }
    return stmt;
}

//  count, lost, mean, min, max, and the quantiles of a latency total
static void
s_latency_fields (json_t *row, const rollup_t *total)
{
    json_object_set_new (row, "samples", json_integer (total->count));
    json_object_set_new (row, "lost", json_integer (total->lost));
    json_object_set_new (row, "loss_pct", total->count + total->lost
        ? json_real (100.0 * (double) total->lost / (double) (total->count + total->lost)): json_null ());
    json_object_set_new (row, "mean", total->count? json_real (total->sum / (double) total->count): json_null ());
    json_object_set_new (row, "min", total->count? json_real (total->min): json_null ());
    json_object_set_new (row, "max", total->count? json_real (total->max): json_null ());
    static const struct { const char *name; double q; } quantiles [] = {
        { "p50", 0.50 }, { "p95", 0.95 }, { "p99", 0.99 } };
    for (int i = 0; i < 3; i++)
        json_object_set_new (row, quantiles [i].name,
            total->sketch && vd_sketch_count (total->sketch)
            ? json_real (vd_sketch_quantile (total->sketch, quantiles [i].q)): json_null ());
}

//  A latency row per series a statement gives (id, name, site, and for a
//  path the probe it goes to): the device's name, or the probe's
static int
s_latency_rows (api_t *api, const period_t *period, int64_t step, sqlite3_stmt *stmt, json_t *rows)
{
    while (sqlite3_step (stmt) == SQLITE_ROW) {
        rollup_t total;
        if (rollup_total (api_db (api), sqlite3_column_int64 (stmt, 0), step, period->from, period->to,
                          &total, NULL, 0) < 0)
            return -1;
        const char *to = (const char *) sqlite3_column_text (stmt, 3);
        json_t *row = json_pack ("{s:s, s:s}", to? "probe": "device", sqlite3_column_text (stmt, 1),
                                 "site", sqlite3_column_text (stmt, 2));
        if (to)
            json_object_set_new (row, "to", json_string (to));
        s_latency_fields (row, &total);
        vd_sketch_destroy (&total.sketch);
        json_array_append_new (rows, row);
    }
    return 0;
}

static json_t *
op_report_latency (api_t *api, api_call_t *call)
{
    period_t period;
    if (!report_period (call, &period))
        return NULL;
    int64_t step = s_step (&period);
    json_t *rows = json_array ();
    //  devices: their fourth column is NULL
    sqlite3_stmt *stmt = vd_db_prepare (api_db (api),
        "SELECT s.id, d.name, st.name, NULL FROM series s JOIN device d ON d.id = s.device_id "
        "JOIN site st ON st.id = d.site_id WHERE s.metric = 'icmp.rtt' AND in_scope (d.site_id) "
        "AND (?1 IS NULL OR st.name = ?1) AND (?2 IS NULL OR d.name = ?2) ORDER BY d.name");
    //  the paths probes measured to each other, when no device is asked for
    sqlite3_stmt *paths = period.device? NULL: vd_db_prepare (api_db (api),
        "SELECT s.id, p.name, st.name, substr (s.metric, 6, length (s.metric) - 9) FROM series s "
        "JOIN probe p ON p.id = s.probe_id JOIN site st ON st.id = p.site_id "
        "WHERE s.device_id IS NULL AND s.metric LIKE 'peer.%.rtt' AND in_scope (p.site_id) "
        "AND (?1 IS NULL OR st.name = ?1) ORDER BY p.name, s.metric");
    int rc = stmt? 0: -1;
    if (stmt) {
        sqlite3_bind_text (stmt, 1, period.site, -1, SQLITE_STATIC);
        sqlite3_bind_text (stmt, 2, period.device, -1, SQLITE_STATIC);
        rc = s_latency_rows (api, &period, step, stmt, rows);
    }
    if (paths && rc == 0) {
        sqlite3_bind_text (paths, 1, period.site, -1, SQLITE_STATIC);
        rc = s_latency_rows (api, &period, step, paths, rows);
    }
    sqlite3_finalize (stmt);
    sqlite3_finalize (paths);
    if (rc) {
        json_decref (rows);
        return api_fail (call, "internal", "database error");
    }
    return report_result (&period, step, rows);
}

static int
s_ascending (const void *a, const void *b)
{
    double x = *(const double *) a, y = *(const double *) b;
    return x < y? -1: x > y;
}

//  One direction of an interface over the period, from its 5-minute means
typedef struct {
    int buckets;
    double p95, max, mean;
} direction_t;

//  The 95th percentile of the 5-minute means: sorted, the top 5% left out,
//  the highest of the rest (burstable billing)
static int
s_direction (api_t *api, int64_t series_id, const period_t *period, direction_t *out)
{
    *out = (direction_t) { 0 };
    if (!series_id)
        return 0;
    int most = (int) ((period->to - period->from) / (rollup_steps [0] * US)) + 1;
    double *means = (double *) malloc ((size_t) most * sizeof (double));
    if (!means)
        return -1;
    rollup_t total;
    int n = rollup_total (api_db (api), series_id, rollup_steps [0], period->from, period->to,
                          &total, means, most);
    vd_sketch_destroy (&total.sketch);
    if (n > 0) {
        qsort (means, (size_t) n, sizeof (double), s_ascending);
        int at = (int) ceil (0.95 * n) - 1;
        *out = (direction_t) { n, means [at < 0? 0: at], means [n - 1], total.sum / (double) total.count };
    }
    free (means);
    return n < 0? -1: 0;
}

//  Interfaces in scope with the in and out series of a kind (bps, util);
//  NULL on a database error
static json_t *
s_interfaces (api_t *api, const period_t *period, const char *kind, bool billing)
{
    char pattern [32], in_suffix [16];
    snprintf (pattern, sizeof pattern, "if.%%.in_%s", kind);
    snprintf (in_suffix, sizeof in_suffix, ".in_%s", kind);
    json_t *rows = json_array ();
    sqlite3_stmt *stmt = s_device_series (api, period, pattern);
    sqlite3_stmt *other = vd_db_prepare (api_db (api),
        "SELECT o.id FROM series o JOIN series s ON s.id = ?1 "
        "WHERE o.device_id = s.device_id AND o.metric = ?2");
    bool failed = !stmt || !other;
    while (!failed && sqlite3_step (stmt) == SQLITE_ROW) {
        const char *metric = (const char *) sqlite3_column_text (stmt, 3);
        size_t name_length = strlen (metric) - 3 - strlen (in_suffix);
        char name [200], out_metric [240];
        snprintf (name, sizeof name, "%.*s", (int) name_length, metric + 3);
        snprintf (out_metric, sizeof out_metric, "if.%s.out_%s", name, kind);
        sqlite3_bind_int64 (other, 1, sqlite3_column_int64 (stmt, 0));
        sqlite3_bind_text (other, 2, out_metric, -1, SQLITE_STATIC);
        int64_t out_id = sqlite3_step (other) == SQLITE_ROW? sqlite3_column_int64 (other, 0): 0;
        sqlite3_reset (other);
        direction_t in, out;
        if (s_direction (api, sqlite3_column_int64 (stmt, 0), period, &in)
        ||  s_direction (api, out_id, period, &out)) {
            failed = true;
            break;
        }
        if (in.buckets + out.buckets == 0)
            continue;
        json_t *row = json_pack ("{s:s, s:s, s:s, s:i}", "device", sqlite3_column_text (stmt, 1),
                                 "site", sqlite3_column_text (stmt, 2), "interface", name,
                                 "samples", in.buckets > out.buckets? in.buckets: out.buckets);
        if (billing) {
            json_object_set_new (row, "in_p95_bps", json_real (in.p95));
            json_object_set_new (row, "out_p95_bps", json_real (out.p95));
            json_object_set_new (row, "billable_bps", json_real (in.p95 > out.p95? in.p95: out.p95));
            json_object_set_new (row, "in_max_bps", json_real (in.max));
            json_object_set_new (row, "out_max_bps", json_real (out.max));
        }
        else {
            json_object_set_new (row, "in_mean_pct", json_real (in.mean));
            json_object_set_new (row, "out_mean_pct", json_real (out.mean));
            json_object_set_new (row, "in_p95_pct", json_real (in.p95));
            json_object_set_new (row, "out_p95_pct", json_real (out.p95));
            json_object_set_new (row, "peak_p95_pct", json_real (in.p95 > out.p95? in.p95: out.p95));
        }
        json_array_append_new (rows, row);
    }
    sqlite3_finalize (stmt);
    sqlite3_finalize (other);
    if (failed)
        json_decref (rows);
    return failed? NULL: rows;
}

static json_t *
op_report_billing (api_t *api, api_call_t *call)
{
    period_t period;
    if (!report_period (call, &period))
        return NULL;
    json_t *rows = s_interfaces (api, &period, "bps", true);
    return rows? report_result (&period, rollup_steps [0], rows): api_fail (call, "internal", "database error");
}

static int
s_by_peak (const void *a, const void *b)
{
    double x = json_real_value (json_object_get (*(json_t * const *) a, "peak_p95_pct"));
    double y = json_real_value (json_object_get (*(json_t * const *) b, "peak_p95_pct"));
    return x > y? -1: x < y;
}

static json_t *
op_report_top (api_t *api, api_call_t *call)
{
    period_t period;
    if (!report_period (call, &period))
        return NULL;
    json_int_t limit = json_integer_value (json_object_get (call->args, "limit"));
    if (limit <= 0)
        limit = TOP_DEFAULT;
    json_t *all = s_interfaces (api, &period, "util", false);
    if (!all)
        return api_fail (call, "internal", "database error");
    size_t count = json_array_size (all);
    json_t **rows = (json_t **) malloc ((count + 1) * sizeof (json_t *));
    for (size_t i = 0; i < count; i++)
        rows [i] = json_array_get (all, i);
    qsort (rows, count, sizeof (json_t *), s_by_peak);
    json_t *top = json_array ();
    for (size_t i = 0; i < count && (json_int_t) i < limit; i++)
        json_array_append (top, rows [i]);
    free (rows);
    json_decref (all);
    return report_result (&period, rollup_steps [0], top);
}

//  count, acked, cleared, mtta_s, mttr_s of the alarms a statement groups
static void
s_alarm_fields (json_t *row, sqlite3_stmt *stmt, int column)
{
    json_object_set_new (row, "count", json_integer (sqlite3_column_int64 (stmt, column)));
    json_object_set_new (row, "acked", json_integer (sqlite3_column_int64 (stmt, column + 1)));
    json_object_set_new (row, "cleared", json_integer (sqlite3_column_int64 (stmt, column + 2)));
    for (int i = 0; i < 2; i++)
        json_object_set_new (row, i? "mttr_s": "mtta_s",
            sqlite3_column_type (stmt, column + 3 + i) == SQLITE_NULL? json_null ()
            : json_real (sqlite3_column_double (stmt, column + 3 + i) / 1e6));
}

static json_t *
op_report_alarms (api_t *api, api_call_t *call)
{
    period_t period;
    if (!report_period (call, &period))
        return NULL;
    //  the alarms raised in the period; MTTA over the acknowledged ones,
    //  MTTR over the cleared ones, from when each was raised
    static const char *groupings [] = { "a.rule, a.severity", "a.severity", "NULL" };
    json_t *parts [3];
    for (int g = 0; g < 3; g++) {
        char sql [1024];
        snprintf (sql, sizeof sql,
            "SELECT a.rule, a.severity, count(*), count (a.acked_us), count (a.cleared_us), "
            "  avg (a.acked_us - a.first_us), avg (a.cleared_us - a.first_us) "
            "FROM alarm a LEFT JOIN device d ON d.id = a.device_id LEFT JOIN site st ON st.id = a.site_id "
            "WHERE a.first_us >= ?1 AND a.first_us < ?2 AND in_scope (a.site_id) "
            "AND (?3 IS NULL OR st.name = ?3) AND (?4 IS NULL OR d.name = ?4) "
            "GROUP BY %s ORDER BY count(*) DESC, 1, 2", groupings [g]);
        sqlite3_stmt *stmt = vd_db_prepare (api_db (api), sql);
        if (!stmt) {
            for (int i = 0; i < g; i++)
                json_decref (parts [i]);
            return api_fail (call, "internal", "database error");
        }
        sqlite3_bind_int64 (stmt, 1, period.from);
        sqlite3_bind_int64 (stmt, 2, period.to);
        sqlite3_bind_text (stmt, 3, period.site, -1, SQLITE_STATIC);
        sqlite3_bind_text (stmt, 4, period.device, -1, SQLITE_STATIC);
        parts [g] = json_array ();
        while (sqlite3_step (stmt) == SQLITE_ROW) {
            json_t *row = json_object ();
            if (g == 0)
                json_object_set_new (row, "rule", json_string ((const char *) sqlite3_column_text (stmt, 0)));
            if (g < 2)
                json_object_set_new (row, "severity", json_string ((const char *) sqlite3_column_text (stmt, 1)));
            s_alarm_fields (row, stmt, 2);
            json_array_append_new (parts [g], row);
        }
        sqlite3_finalize (stmt);
    }
    json_t *total = json_array_get (parts [2], 0);
    json_t *result = report_result (&period, 0, parts [0]);
    json_object_set_new (result, "by_severity", parts [1]);
    json_object_set_new (result, "total", total? json_incref (total)
                         : json_pack ("{s:i, s:i, s:i, s:n, s:n}", "count", 0, "acked", 0, "cleared", 0,
                                      "mtta_s", "mttr_s"));
    json_decref (parts [2]);
    return result;
}

const api_op_t op_report_ops [] = {
    { "report.latency", "viewer", PERIOD_ARGS, op_report_latency,
      "latency over a period per device (and probe path): samples, loss, mean, min, max, p50, p95, p99" },
    { "report.billing", "viewer", PERIOD_ARGS, op_report_billing,
      "95th percentile of the 5-minute in and out rates per interface over a period (burstable billing)" },
    { "report.top", "viewer", PERIOD_ARGS " limit:i", op_report_top,
      "the interfaces most used over a period, by the 95th percentile of their 5-minute utilisation" },
    { "report.alarms", "viewer", PERIOD_ARGS, op_report_alarms,
      "alarms raised over a period by rule and severity: counts, MTTA and MTTR" },
    { NULL }
};
