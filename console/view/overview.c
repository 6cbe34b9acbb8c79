/*  console/view/overview.c: the first view. Devices by status, active
    alarms by severity, probes connected and their backlog, series updated
    a second, meshd itself (its own series: ingest, database, disk, API,
    notifications), the worst latency and loss now, the latest events.   */
#include "view.h"

#define WORST 5

//  What the overview says of the devices: from the live list once it is
//  there, from meshd's device.summary before
typedef struct {
    int64_t total, count [4];           //  up, down, unreachable, unknown
    const char *name [2][WORST];        //  the worst by latency, by loss
    double value [2][WORST];
    int worst [2];
} summary_t;

static const char *s_states [] = { "up", "down", "unreachable", "unknown", NULL };
static const char *s_keys [] = { "rtt", "loss" };

static void
s_summary_of_devices (tui_t *tui, summary_t *sum)
{
    size_t index;
    json_t *row;
    sum->total = (int64_t) json_array_size (tui->devices);
    json_array_foreach (tui->devices, index, row)
        for (int s = 0; s_states [s]; s++)
            if (streq (view_str (row, "status"), s_states [s]))
                sum->count [s]++;
    for (int pass = 0; pass < 2; pass++)
        for (int rank = 0; rank < WORST; rank++) {
            json_t *worst = NULL;
            json_array_foreach (tui->devices, index, row) {
                json_t *value = json_object_get (row, s_keys [pass]);
                if (!json_is_number (value) || json_number_value (value) <= 0)
                    continue;
                bool taken = false;
                for (int i = 0; i < rank; i++)
                    taken = taken || sum->name [pass][i] == view_str (row, "name");
                if (!taken && (!worst || json_number_value (value) > json_number_value (json_object_get (worst, s_keys [pass]))))
                    worst = row;
            }
            if (!worst)
                break;
            sum->name [pass][rank] = view_str (worst, "name");
            sum->value [pass][rank] = json_number_value (json_object_get (worst, s_keys [pass]));
            sum->worst [pass]++;
        }
}

static void
s_summary_of_reply (tui_t *tui, summary_t *sum)
{
    sum->total = json_integer_value (json_object_get (tui->summary, "devices"));
    json_t *by_status = json_object_get (tui->summary, "by_status");
    for (int s = 0; s_states [s]; s++)
        sum->count [s] = json_integer_value (json_object_get (by_status, s_states [s]));
    static const char *lists [] = { "worst_rtt", "worst_loss" };
    for (int pass = 0; pass < 2; pass++) {
        size_t index;
        json_t *row;
        json_array_foreach (json_object_get (tui->summary, lists [pass]), index, row)
            if (sum->worst [pass] < WORST) {
                sum->name [pass][sum->worst [pass]] = view_str (row, "name");
                sum->value [pass][sum->worst [pass]++] = json_number_value (json_object_get (row, s_keys [pass]));
            }
    }
}

static void
s_draw_overview (tui_t *tui)
{
    char a [32], b [32];
    int y = 2;
    //  devices by status
    summary_t sum = { 0 };
    if (tui->devices_loaded || !tui->summary)
        s_summary_of_devices (tui, &sum);
    else
        s_summary_of_reply (tui, &sum);
    tui_put (y, 2, 14, "Devices", tui->attr [C_HEADER]);
    int x = 16 + tui_put (y, 16, 10, tui_count (sum.total, a, sizeof a), A_BOLD);
    for (int s = 0; s_states [s]; s++) {
        char text [48];
        snprintf (text, sizeof text, "  %s %s", tui_count (sum.count [s], b, sizeof b), s_states [s]);
        x += tui_put (y, x, COLS - x, text, sum.count [s]? tui_status_attr (tui, s_states [s]): tui->attr [C_DIM]);
    }
    //  alarms by severity
    y += 2;
    const char **severities = vd_severities;
    int64_t by [5] = { 0 }, acked = 0;
    size_t index;
    json_t *row;
    json_array_foreach (tui->alarms, index, row) {
        for (int s = 0; severities [s]; s++)
            if (streq (view_str (row, "severity"), severities [s]))
                by [s]++;
        if (streq (view_str (row, "state"), "acked"))
            acked++;
    }
    tui_put (y, 2, 14, "Alarms", tui->attr [C_HEADER]);
    x = 16 + tui_put (y, 16, 10, tui_count ((int64_t) json_array_size (tui->alarms), a, sizeof a), A_BOLD);
    for (int s = 0; severities [s]; s++) {
        char text [48];
        snprintf (text, sizeof text, "  %s %s", tui_count (by [s], b, sizeof b), severities [s]);
        x += tui_put (y, x, COLS - x, text, by [s]? tui_status_attr (tui, severities [s]): tui->attr [C_DIM]);
    }
    char text [512];
    snprintf (text, sizeof text, "  (%s acked)", tui_count (acked, b, sizeof b));
    tui_put (y, x, COLS - x, text, tui->attr [C_DIM]);
    //  probes
    y += 2;
    int64_t online = 0, backlog = 0, skewed = 0;
    json_array_foreach (tui->probes, index, row) {
        if (streq (view_str (row, "link"), "connected"))
            online++;
        if (streq (view_str (row, "clock"), "skewed"))
            skewed++;
        backlog += json_integer_value (json_object_get (row, "backlog"));
    }
    tui_put (y, 2, 14, "Probes", tui->attr [C_HEADER]);
    int length = snprintf (text, sizeof text, "%lld of %zu connected   backlog %s messages", (long long) online,
                         json_array_size (tui->probes), tui_count (backlog, b, sizeof b));
    if (skewed)
        snprintf (text + length, sizeof text - length, "   %lld clock%s skewed", (long long) skewed,
                  skewed == 1? "": "s");
    tui_put (y, 16, COLS - 18, text, online < (int64_t) json_array_size (tui->probes) || skewed
                                     ? tui->attr [C_WARN]: A_NORMAL);
    //  ingest
    y += 2;
    tui_put (y, 2, 14, "Live", tui->attr [C_HEADER]);
    snprintf (text, sizeof text, "%s series updated/s   %s events recorded", tui_count (tui->samples_rate, a, sizeof a),
              tui_count (json_integer_value (json_object_get (tui->status, "events_recorded")), b, sizeof b));
    tui_put (y, 16, COLS - 18, text, A_NORMAL);
    //  meshd itself, from its own series
    json_t *own = json_object_get (tui->status, "self");
    if (json_object_size (own)) {
        y += 2;
        #define OWN(metric) json_number_value (json_object_get (own, metric))
        char c [32], d [32];
        double free_pct = OWN ("meshd.disk_free_pct");
        snprintf (text, sizeof text, "ingest %s/s   database %s MB (WAL %s MB)   disk %s MB free (%.0f%%)   "
                  "API %.0f/s %.1f ms   notifications queued %.0f",
                  tui_count ((int64_t) OWN ("meshd.ingest"), a, sizeof a),
                  tui_count ((int64_t) (OWN ("meshd.db_size") / 1e6), b, sizeof b),
                  tui_count ((int64_t) (OWN ("meshd.wal_size") / 1e6), c, sizeof c),
                  tui_count ((int64_t) (OWN ("meshd.disk_free") / 1e6), d, sizeof d), free_pct,
                  OWN ("meshd.api_requests"), OWN ("meshd.api_latency"), OWN ("meshd.notify_queue"));
        #undef OWN
        tui_put (y, 2, 14, "meshd", tui->attr [C_HEADER]);
        tui_put (y, 16, COLS - 18, text, free_pct > 0 && free_pct < 10? tui->attr [C_WARN]: A_NORMAL);
    }
    //  worst now
    y += 2;
    int half = COLS / 2;
    tui_put (y, 2, half - 2, "Worst latency now", tui->attr [C_HEADER]);
    tui_put (y, half, half - 1, "Worst loss now", tui->attr [C_HEADER]);
    for (int pass = 0; pass < 2; pass++)
        for (int rank = 0; rank < sum.worst [pass] && y + 1 + rank < LINES - 3; rank++) {
            snprintf (text, sizeof text, pass? "%-20.20s %5.0f%%": "%-20.20s %9.3f ms",
                      sum.name [pass][rank], sum.value [pass][rank]);
            tui_put (y + 1 + rank, pass? half: 2, half - 3, text, pass? tui->attr [C_BAD]: A_NORMAL);
        }
    //  recent events
    y += 7;
    if (y < LINES - 4) {
        tui_rule (tui, y, "Recent events");
        size_t n = json_array_size (tui->events);
        for (int i = 0; y + 1 + i < LINES - 2 && i < (int) n; i++) {
            json_t *event = json_array_get (tui->events, n - 1 - i);
            time_t seconds = (time_t) (json_integer_value (json_object_get (event, "ts_us")) / 1000000);
            struct tm tm;
            localtime_r (&seconds, &tm);
            size_t used = strftime (text, sizeof text, "%H:%M:%S  ", &tm);
            event_sentence (event, text + used, sizeof text - used);
            tui_put (y + 1 + i, 2, COLS - 3, text, A_NORMAL);
        }
    }
}

const view_t view_overview = { "overview", "Overview", s_draw_overview, NULL, true, NULL };
