/*  meshd/report/op_availability.c: report.availability, the time each
    device (or each site's devices together) spent up, down, unreachable
    under a parent, in maintenance and unknown over a period.

    It reads each device's state history (device_state_log: the rules
    write a row per change, timed by the measurements) and the maintenance
    windows of the device and its site, so it is exact to the µs of those
    changes. Time in a window counts as maintenance whatever the state.
    Unknown is time nobody measured the device: its probe cut off or
    silent, or before its first result. Time before the device was added,
    or still to come, is not counted. Availability is up over up, down and
    unreachable: maintenance and unknown are left out, never counted as up
    or down. With a target (99.9%), each row says whether it was met.        */
#include "report/report.h"
#include "alarm/maint.h"

typedef enum { UP, DOWN, UNREACHABLE, MAINTENANCE, UNKNOWN, BUCKETS } bucket_t;

//  By bucket: the states' names, and the fields of a row
static const char *s_states [] = { "up", "down", "unreachable", NULL, "unknown" };
static const char *s_fields [] = { "up_s", "down_s", "unreachable_s", "maintenance_s", "unknown_s" };

typedef struct {
    int64_t us [BUCKETS];
    int outages;                //  times it went down or unreachable
    int devices;
} tally_t;

typedef struct {
    tally_t *tally;
    const maint_span_t *spans;
    int nspans, next;           //  next: the first span not yet behind us
} sweep_t;

//  [from, to) in a state: the part inside maintenance spans is maintenance
static void
s_add (sweep_t *self, bucket_t state, int64_t from, int64_t to)
{
    while (self->next < self->nspans && self->spans [self->next].to <= from)
        self->next++;
    int64_t in = 0;
    for (int i = self->next; i < self->nspans && self->spans [i].from < to; i++) {
        int64_t a = from > self->spans [i].from? from: self->spans [i].from;
        int64_t b = to < self->spans [i].to? to: self->spans [i].to;
        in += b - a;
    }
    self->tally->us [MAINTENANCE] += in;
    self->tally->us [state] += to - from - in;
}

static bucket_t
s_bucket (const char *state)
{
    for (int i = 0; i < BUCKETS; i++)
        if (s_states [i] && state && streq (state, s_states [i]))
            return (bucket_t) i;
    return UNKNOWN;
}

static bool
s_out (bucket_t state)
{
    return state == DOWN || state == UNREACHABLE;
}

//  Adds a device's time over [from, to) to the tally, its changes read by
//  history (ts_us, state from the one it was in at from on), the
//  maintenance spans given: 0, or -1
static int
s_device (sqlite3_stmt *history, int64_t device_id, int64_t from, int64_t to,
          const maint_span_t *spans, int nspans, tally_t *tally)
{
    tally->devices++;
    if (from >= to)
        return 0;
    sweep_t sweep = { .tally = tally, .spans = spans, .nspans = nspans };
    sqlite3_reset (history);
    sqlite3_bind_int64 (history, 1, device_id);
    sqlite3_bind_int64 (history, 2, from);
    sqlite3_bind_int64 (history, 3, to);
    bucket_t state = UNKNOWN;
    int64_t at = from;
    int rc;
    while ((rc = sqlite3_step (history)) == SQLITE_ROW) {
        int64_t ts = sqlite3_column_int64 (history, 0);
        bucket_t next = s_bucket ((const char *) sqlite3_column_text (history, 1));
        if (ts > at) {
            s_add (&sweep, state, at, ts);
            at = ts;
        }
        if (s_out (next) && !s_out (state) && ts >= from)
            tally->outages++;
        state = next;
    }
    s_add (&sweep, state, at, to);
    return rc == SQLITE_DONE? 0: -1;
}

//  A row's fields from a tally; with a target (%, not negative), whether
//  it was met
static void
s_fields_of (json_t *row, const tally_t *tally, double target)
{
    for (int i = 0; i < BUCKETS; i++)
        json_object_set_new (row, s_fields [i], json_real ((double) tally->us [i] / US));
    int64_t measured = tally->us [UP] + tally->us [DOWN] + tally->us [UNREACHABLE];
    double availability = measured? 100.0 * (double) tally->us [UP] / (double) measured: 0;
    json_object_set_new (row, "availability_pct", measured? json_real (availability): json_null ());
    if (target >= 0)
        json_object_set_new (row, "target_met", measured? json_boolean (availability >= target): json_null ());
    json_object_set_new (row, "outages", json_integer (tally->outages));
    json_object_set_new (row, "devices", json_integer (tally->devices));
}

static void
s_sum (tally_t *into, const tally_t *tally)
{
    for (int i = 0; i < BUCKETS; i++)
        into->us [i] += tally->us [i];
    into->outages += tally->outages;
    into->devices += tally->devices;
}

static json_t *
op_report_availability (api_t *api, api_call_t *call)
{
    period_t period;
    if (!report_period (call, &period))
        return NULL;
    const char *by = api_str (call, "by");
    bool by_site = by && streq (by, "site");
    if (by && !by_site && !streq (by, "device"))
        return api_fail (call, "invalid", "by is device or site");
    const char *target_text = api_str (call, "target");
    double target = -1;
    if (target_text && vd_percent_parse (target_text, &target))
        return api_fail (call, "invalid", "a target is a percentage, such as 99.9%%");
    int64_t now = vd_now_us ();
    int64_t to = period.to < now? period.to: now;
    sqlite3 *db = api_db (api);
    sqlite3_stmt *stmt = vd_db_prepare (db,
        "SELECT d.id, d.name, st.name, d.site_id, d.created_us, "
        "  EXISTS (SELECT 1 FROM maintenance m WHERE m.device_id = d.id) FROM device d "
        "JOIN site st ON st.id = d.site_id WHERE in_scope (d.site_id) "
        "AND (?1 IS NULL OR st.name = ?1) AND (?2 IS NULL OR d.name = ?2) ORDER BY st.name, d.name");
    sqlite3_stmt *history = vd_db_prepare (db,
        "SELECT ts_us, state FROM device_state_log WHERE device_id = ?1 AND ts_us < ?3 "
        "AND ts_us >= coalesce ((SELECT max (ts_us) FROM device_state_log "
        "                        WHERE device_id = ?1 AND ts_us <= ?2), ?2) ORDER BY ts_us");
    if (!stmt || !history) {
        sqlite3_finalize (stmt);
        sqlite3_finalize (history);
        return api_fail (call, "internal", "database error");
    }
    sqlite3_bind_text (stmt, 1, period.site, -1, SQLITE_STATIC);
    sqlite3_bind_text (stmt, 2, period.device, -1, SQLITE_STATIC);
    json_t *rows = json_array ();
    tally_t total, site;
    memset (&total, 0, sizeof total);
    memset (&site, 0, sizeof site);
    json_t *site_row = NULL;
    //  the site's windows, worked out once for its devices; a device with
    //  windows of its own has them merged in
    int64_t site_id = 0;
    maint_span_t *site_spans = NULL;
    int nsite_spans = 0, rc = 0;
    while (rc == 0 && sqlite3_step (stmt) == SQLITE_ROW) {
        int64_t device_id = sqlite3_column_int64 (stmt, 0);
        const char *site_name = (const char *) sqlite3_column_text (stmt, 2);
        int64_t created = sqlite3_column_int64 (stmt, 4);
        if (sqlite3_column_int64 (stmt, 3) != site_id) {
            site_id = sqlite3_column_int64 (stmt, 3);
            free (site_spans);
            nsite_spans = maint_spans (db, 0, site_id, period.from, to, &site_spans);
            if (nsite_spans < 0)
                break;
        }
        maint_span_t *own = NULL;
        int nown = sqlite3_column_int (stmt, 5)
                 ? maint_spans (db, device_id, site_id, period.from, to, &own): 0;
        tally_t tally;
        memset (&tally, 0, sizeof tally);
        rc = nown < 0? -1: s_device (history, device_id, period.from > created? period.from: created, to,
                                      own? own: site_spans, own? nown: nsite_spans, &tally);
        free (own);
        s_sum (&total, &tally);
        if (by_site) {
            //  rows come by site: a new site closes the one before
            if (!site_row || !streq (json_string_value (json_object_get (site_row, "site")), site_name)) {
                if (site_row)
                    s_fields_of (site_row, &site, target);
                site_row = json_pack ("{s:s}", "site", site_name);
                json_array_append_new (rows, site_row);
                memset (&site, 0, sizeof site);
            }
            s_sum (&site, &tally);
        }
        else {
            json_t *row = json_pack ("{s:s, s:s}", "device", sqlite3_column_text (stmt, 1),
                                     "site", site_name);
            s_fields_of (row, &tally, target);
            json_array_append_new (rows, row);
        }
    }
    sqlite3_finalize (stmt);
    sqlite3_finalize (history);
    free (site_spans);
    if (site_row)
        s_fields_of (site_row, &site, target);
    if (rc || nsite_spans < 0) {
        json_decref (rows);
        return api_fail (call, "internal", "database error");
    }
    json_t *result = report_result (&period, 0, rows);
    if (target >= 0)
        json_object_set_new (result, "target_pct", json_real (target));
    json_t *all = json_object ();
    s_fields_of (all, &total, target);
    json_object_set_new (result, "total", all);
    return result;
}

const api_op_t op_availability_ops [] = {
    { "report.availability", "viewer", PERIOD_ARGS " by:s target:s", op_report_availability,
      "time up, down, unreachable, in maintenance and unknown per device or site over a period, "
      "availability (up over up, down and unreachable), and whether it met a target" },
    { NULL }
};
