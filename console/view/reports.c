/*  console/view/reports.c: the reports of vedette report, over a period:
    availability (per device, or per site with s), latency, top
    interfaces, billing and alarms; a picks the report, p the period. The
    loop fetches a report when the choice changes, and again after a
    minute, never while drawing.                                          */
#include "view.h"

#define REPORT_REFETCH_MS   60000

typedef struct {
    const char *op, *title;
    const vcol_t *cols;
} report_kind_t;

//  What availability rows have, by device or by site
#define AVAILABILITY_COLS \
    { "availability_pct", "AVAIL", COL_AVAIL, 9, 0 }, \
    { "up_s", "UP", COL_SPAN, 7, 0 }, \
    { "down_s", "DOWN", COL_SPAN, 7, 0 }, \
    { "unreachable_s", "UNREACH", COL_SPAN, 7, 0 }, \
    { "maintenance_s", "MAINT", COL_SPAN, 7, 0 }, \
    { "unknown_s", "UNKNOWN", COL_SPAN, 7, 0 }, \
    { "outages", "OUTAGES", COL_INT, 7, 0 }
static const vcol_t s_availability_cols [] = {
    { "device", "DEVICE", COL_TEXT, 0, 0 }, { "site", "SITE", COL_TEXT, 10, 0 }, AVAILABILITY_COLS, { NULL }
};
static const vcol_t s_site_cols [] = {
    { "site", "SITE", COL_TEXT, 0, 0 }, { "devices", "DEVICES", COL_INT, 7, 0 }, AVAILABILITY_COLS, { NULL }
};
static const vcol_t s_latency_cols [] = {
    { "device", "DEVICE", COL_TEXT, 0, 0 },
    { "site", "SITE", COL_TEXT, 10, 0 },
    { "samples", "SAMPLES", COL_INT, 8, 0 },
    { "loss_pct", "LOSS", COL_PERCENT, 5, 0 },
    { "mean", "MEAN", COL_MS, 9, 0 },
    { "p50", "P50", COL_MS, 9, 0 },
    { "p95", "P95", COL_MS, 9, 0 },
    { "p99", "P99", COL_MS, 9, 0 },
    { "max", "MAX", COL_MS, 9, 100 },
    { NULL }
};
static const vcol_t s_top_cols [] = {
    { "device", "DEVICE", COL_TEXT, 0, 0 },
    { "interface", "INTERFACE", COL_TEXT, 14, 0 },
    { "peak_p95_pct", "PEAK95", COL_PERCENT, 7, 0 },
    { "in_p95_pct", "IN95", COL_PERCENT, 6, 0 },
    { "out_p95_pct", "OUT95", COL_PERCENT, 6, 0 },
    { "in_mean_pct", "INMEAN", COL_PERCENT, 7, 0 },
    { "out_mean_pct", "OUTMEAN", COL_PERCENT, 7, 0 },
    { NULL }
};
static const vcol_t s_billing_cols [] = {
    { "device", "DEVICE", COL_TEXT, 0, 0 },
    { "interface", "INTERFACE", COL_TEXT, 14, 0 },
    { "in_p95_bps", "IN95", COL_BPS, 7, 0 },
    { "out_p95_bps", "OUT95", COL_BPS, 7, 0 },
    { "billable_bps", "BILLABLE", COL_BPS, 8, 0 },
    { "in_max_bps", "INMAX", COL_BPS, 7, 0 },
    { "out_max_bps", "OUTMAX", COL_BPS, 7, 0 },
    { NULL }
};
static const vcol_t s_alarm_cols [] = {
    { "rule", "RULE", COL_TEXT, 0, 0 },
    { "severity", "SEVERITY", COL_STATUS, 9, 0 },
    { "count", "COUNT", COL_INT, 6, 0 },
    { "acked", "ACKED", COL_INT, 6, 0 },
    { "cleared", "CLEARED", COL_INT, 7, 0 },
    { "mtta_s", "MTTA(s)", COL_RATE, 9, 0 },
    { "mttr_s", "MTTR(s)", COL_RATE, 9, 0 },
    { NULL }
};

static const report_kind_t s_kinds [] = {
    { "report.availability", "availability", s_availability_cols },
    { "report.latency", "latency", s_latency_cols },
    { "report.top", "top interfaces", s_top_cols },
    { "report.billing", "95th percentile billing", s_billing_cols },
    { "report.alarms", "alarms", s_alarm_cols }
};
#define KINDS   (int) (sizeof s_kinds / sizeof s_kinds [0])

static const char *s_periods [] = {
    "last 24 hours", "yesterday", "last 7 days", "last 30 days", "this month", "last month"
};
#define PERIODS (int) (sizeof s_periods / sizeof s_periods [0])

static const vcol_t *
s_cols (tui_t *tui)
{
    return tui->report_kind == 0 && tui->report_by_site? s_site_cols: s_kinds [tui->report_kind].cols;
}

//  The period's arguments: from and to, or a month (UTC)
static void
s_period_args (int period, json_t *args)
{
    time_t now = time (NULL);
    struct tm utc;
    gmtime_r (&now, &utc);
    char text [32];
    int64_t midnight = (int64_t) (now / 86400) * 86400;
    switch (period) {
        case 0:  json_object_set_new (args, "from", json_string ("-24h")); break;
        case 1:
            json_object_set_new (args, "from", json_integer ((midnight - 86400) * 1000000));
            json_object_set_new (args, "to", json_integer (midnight * 1000000));
            break;
        case 2:  json_object_set_new (args, "from", json_string ("-7d")); break;
        case 3:  json_object_set_new (args, "from", json_string ("-30d")); break;
        case 4:
            snprintf (text, sizeof text, "%04d-%02d", utc.tm_year + 1900, utc.tm_mon + 1);
            json_object_set_new (args, "month", json_string (text));
            break;
        default:
            snprintf (text, sizeof text, "%04d-%02d", utc.tm_year + 1900 - (utc.tm_mon == 0),
                      (utc.tm_mon + 11) % 12 + 1);
            json_object_set_new (args, "month", json_string (text));
    }
}

//  Fetches the report when the choice changed, or after a minute
static void
s_report_fetch (tui_t *tui)
{
    char key [64];
    snprintf (key, sizeof key, "%d %d %d", tui->report_kind, tui->report_period, tui->report_by_site);
    if (streq (key, tui->report_for) && zclock_mono () - tui->report_ms < REPORT_REFETCH_MS)
        return;
    bool changed = !streq (key, tui->report_for);
    snprintf (tui->report_for, sizeof tui->report_for, "%s", key);
    tui->report_ms = zclock_mono ();
    json_t *args = json_object ();
    s_period_args (tui->report_period, args);
    if (tui->report_kind == 0 && tui->report_by_site)
        json_object_set_new (args, "by", json_string ("site"));
    json_t *result = tui_call (tui, s_kinds [tui->report_kind].op, args);
    if (result || changed) {
        json_decref (tui->report);
        tui->report = result;
    }
    tui->list [VIEW_REPORTS].dirty = true;
    tui->redraw = true;
}

static char *
s_report_text (json_t *row)
{
    return zsys_sprintf ("%s %s %s %s %s", view_str (row, "device"), view_str (row, "probe"),
                         view_str (row, "site"), view_str (row, "interface"), view_str (row, "rule"));
}

static tui_t *s_sorting;        //  the view being sorted (for its columns)
static int
s_report_compare (json_t *a, json_t *b, int sort)
{
    const vcol_t *cols = s_cols (s_sorting);
    int count = 0;
    while (cols [count].header)
        count++;
    const char *key = cols [sort < count? sort: 0].key;
    return view_compare (json_object_get (a, key), json_object_get (b, key));
}

//  A latency row of a path between probes names its probe
static bool
s_report_cell (tui_t *tui, json_t *row, int c, int y, int x, int width)
{
    (void) tui;
    if (c != 0 || !json_object_get (row, "probe") || json_object_get (row, "device"))
        return false;
    char text [160];
    snprintf (text, sizeof text, "%s → %s", view_str (row, "probe"), view_str (row, "to"));
    tui_put (y, x, width, text, A_NORMAL);
    return true;
}

static void
s_draw_reports (tui_t *tui)
{
    json_t *rows = json_object_get (tui->report, "rows");
    s_sorting = tui;
    tui_rows (tui, VIEW_REPORTS, rows, s_report_text, s_report_compare);
    //  what it is, over what, and the availability report's total
    char title [256];
    int length = snprintf (title, sizeof title, "%s%s, %s", s_kinds [tui->report_kind].title,
                           tui->report_kind == 0? (tui->report_by_site? " by site": " by device"): "",
                           s_periods [tui->report_period]);
    json_t *total = json_object_get (tui->report, "total");
    json_t *availability = json_object_get (total, "availability_pct");
    if (tui->report_kind == 0 && json_is_number (availability))
        snprintf (title + length, sizeof title - length, "   all: %.3f%% over %lld devices, %lld outages",
                  json_number_value (availability), (long long) json_integer_value (json_object_get (total, "devices")),
                  (long long) json_integer_value (json_object_get (total, "outages")));
    if (!tui->report) {
        tui_put (3, 2, COLS - 4, "no report: meshd did not answer (or you may not read it)", tui->attr [C_DIM]);
        return;
    }
    view_draw_list (tui, rows, s_cols (tui), "rows", s_report_cell, 0);
    //  on the footer's line, left of the count of rows
    tui_put (LINES - 2, 0, COLS - 20, title, tui->attr [C_HEADER]);
}

static void s_next_kind (tui_t *tui) { tui->report_kind = (tui->report_kind + 1) % KINDS; tui->list [VIEW_REPORTS].sort = 0; }
static void s_next_period (tui_t *tui) { tui->report_period = (tui->report_period + 1) % PERIODS; }
static void s_by_site (tui_t *tui) { tui->report_by_site = !tui->report_by_site; tui->list [VIEW_REPORTS].sort = 0; }
static void s_refetch (tui_t *tui) { tui->report_for [0] = 0; }

static const binding_t s_reports_keys [] = {
    { 'a', 0, "a", "next report: availability, latency, top interfaces, billing, alarms", s_next_kind, false },
    { 'p', 0, "p", "next period: last 24 hours, yesterday, last 7 days, last 30 days, this month, last month",
      s_next_period, false },
    { 's', 0, "s", "availability per site or per device", s_by_site, false },
    { 'r', 0, "r", "fetch again", s_refetch, false },
    MOVE_KEYS,
    { 0 }
};

const view_t view_reports = { "reports", "Reports", s_draw_reports, s_reports_keys, true, s_report_fetch };
