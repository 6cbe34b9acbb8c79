/*  console/view/device.c: one device: system information, a chart of RTT,
    loss or an interface's traffic, interfaces with rates, neighbours, open
    alarms, configuration versions (d: the last change) and recent events.
    The chart's points are fetched by the loop (s_fetch) when the device,
    metric or span changes, never while drawing.                          */
#include <math.h>
#include "view.h"

#define SPANS 5
static const char *s_spans [SPANS] = { "1h", "24h", "7d", "30d", "1y" };
static const char *s_span_names [SPANS] = { "last hour", "last 24 hours", "last 7 days",
                                            "last 30 days", "last year" };
static const int64_t s_span_seconds [SPANS] = { 3600, 86400, 7 * 86400, 30 * 86400, 365 * 86400 };
#define CHART_POINTS 400        //  past the first hour, buckets (their max drawn)
#define VERSIONS_SHOWN 5        //  configuration versions listed

//  The chart's metric: RTT, loss, or the selected interface's traffic
static void
s_chart_metric (tui_t *tui, char *metric, size_t size, char *label, size_t label_size)
{
    json_t *interfaces = json_object_get (tui->device, "interfaces");
    json_t *iface = json_array_get (interfaces, (size_t) tui->interface);
    int which = tui->chart_metric % (iface? 4: 2);
    if (which == 0) {
        snprintf (metric, size, "icmp.rtt");
        snprintf (label, label_size, "RTT (ms)");
    }
    else
    if (which == 1) {
        snprintf (metric, size, "icmp.loss");
        snprintf (label, label_size, "loss (%%)");
    }
    else {
        snprintf (metric, size, "if.%s.%s_bps", view_str (iface, "name"), which == 2? "in": "out");
        snprintf (label, label_size, "%s %s (bit/s)", view_str (iface, "name"), which == 2? "in": "out");
    }
}

static void
s_format_value (double value, char *buf, size_t size)
{
    const char *units [] = { "", "k", "M", "G", "T" };
    int unit = 0;
    while (fabs (value) >= 1000 && unit < 4) {
        value /= 1000;
        unit++;
    }
    snprintf (buf, size, fabs (value) < 10 && value != 0? "%.2f%s": "%.0f%s", value, units [unit]);
}

//  A chart of height rows: Unicode blocks, eight levels a row, y axis with
//  units on the left, the time axis below
static void
s_draw_chart (tui_t *tui, int top, int height)
{
    json_t *points = json_object_get (tui->chart, "points");
    int axis = 8, width = COLS - axis - 2;
    if (width < 10 || height < 2)
        return;
    double *bucket = (double *) calloc ((size_t) width, sizeof (double));
    int *seen = (int *) calloc ((size_t) width, sizeof (int));
    bool *lost = (bool *) calloc ((size_t) width, sizeof (bool));
    int64_t span_us = s_span_seconds [tui->chart_span % SPANS] * 1000000LL;
    int64_t now = vd_now_us (), since = now - span_us;
    size_t index;
    json_t *point;
    json_array_foreach (points, index, point) {
        int64_t ts = json_integer_value (json_object_get (point, "ts_us"));
        int column = (int) ((ts - since) * width / span_us);
        if (column < 0 || column >= width)
            continue;
        //  a sample, or a bucket of them: its peak, or only lost ones
        json_t *peak = json_object_get (point, "max");
        if (json_is_true (json_object_get (point, "lost")) || (json_object_get (point, "samples") && !peak))
            lost [column] = true;
        else {
            double value = json_number_value (peak? peak: json_object_get (point, "value"));
            bucket [column] = seen [column]? (value > bucket [column]? value: bucket [column]): value;
            seen [column]++;
        }
    }
    double high = 0;
    for (int c = 0; c < width; c++)
        if (seen [c] && bucket [c] > high)
            high = bucket [c];
    if (high <= 0)
        high = 1;
    //  a round top: 1, 2 or 5 times a power of ten
    double step = pow (10, floor (log10 (high)));
    double top_value = step;
    while (top_value < high)
        top_value += step;
    char label [32];
    for (int r = 0; r < height; r++) {
        int y = top + r;
        if (r == 0 || r == height - 1 || r == height / 2) {
            s_format_value (top_value * (height - r) / height, label, sizeof label);
            tui_put (y, 0, axis - 1, label, tui->attr [C_DIM]);
        }
        mvaddch (y, axis - 1, ACS_VLINE | tui->attr [C_DIM]);
        for (int c = 0; c < width; c++) {
            if (!seen [c]) {
                if (lost [c] && r == height - 1)
                    tui_put (y, axis + c, 1, "×", tui->attr [C_BAD]);
                continue;
            }
            double eighths = bucket [c] / top_value * height * 8;
            double below = (double) (height - 1 - r) * 8;
            int level = (int) (eighths - below + 0.5);
            if (level <= 0)
                continue;
            tui_put (y, axis + c, 1, view_blocks [level > 8? 7: level - 1],
                     lost [c]? tui->attr [C_BAD]: tui->attr [C_ACCENT]);
        }
    }
    //  time axis: four ticks
    int y = top + height;
    mvaddch (y, axis - 1, ACS_LLCORNER | tui->attr [C_DIM]);
    attron (tui->attr [C_DIM]);
    mvhline (y, axis, ACS_HLINE, width);
    attroff (tui->attr [C_DIM]);
    for (int t = 0; t < 4; t++) {
        int64_t ts = since + span_us * t / 3;
        time_t seconds = (time_t) (ts / 1000000);
        struct tm tm;
        localtime_r (&seconds, &tm);
        char when [32];
        int span = tui->chart_span % SPANS;
        strftime (when, sizeof when, span < 2? "%H:%M": span == 2? "%a %d": "%d %b", &tm);
        int x = axis + (width - 1) * t / 3 - (t == 3? (int) strlen (when) - 1: t? 2: 0);
        tui_put (y + 1, x, 8, when, tui->attr [C_DIM]);
    }
    free (bucket);
    free (seen);
    free (lost);
}

//  Fetches the chart's points when the device, metric or span changed
static void
s_chart_fetch (tui_t *tui)
{
    char metric [160], label [160], key [400];
    s_chart_metric (tui, metric, sizeof metric, label, sizeof label);
    snprintf (key, sizeof key, "%s %s %d", tui->place.device, metric, tui->chart_span % SPANS);
    if (streq (key, tui->chart_for))
        return;
    snprintf (tui->chart_for, sizeof tui->chart_for, "%s", key);
    json_decref (tui->chart);
    tui->chart = NULL;
    if (!tui->connected)
        return;
    int code;
    char since [16];
    snprintf (since, sizeof since, "-%s", s_spans [tui->chart_span % SPANS]);
    //  a series the device does not have yet is an empty chart, not an error
    client_set_quiet (tui->client, true);
    json_t *args = json_pack ("{s:s, s:s, s:s}", "device", tui->place.device, "metric", metric,
                              "since", since);
    if (tui->chart_span % SPANS)
        json_object_set_new (args, "points", json_integer (CHART_POINTS));   //  rollups
    tui->chart = client_call (tui->client, "series.show", args, &code);
    tui->redraw = true;
}

//  Lines of the detail page: y of a line, or -1 when scrolled off
static int
s_line_y (tui_t *tui, int line)
{
    int y = 1 + line - tui->scroll;
    return y >= 1 && y < LINES - 2? y: -1;
}

static void
s_text_line (tui_t *tui, int line, int x, const char *text, attr_t attr)
{
    int y = s_line_y (tui, line);
    if (y >= 0)
        tui_put (y, x, COLS - x - 1, text, attr);
}

static void
s_draw_device (tui_t *tui)
{
    json_t *device = tui->device;
    if (!device || !streq (view_str (device, "name"), tui->place.device)) {
        tui_put (2, 2, COLS - 4, tui->connected? "loading…": "meshd is unreachable", tui->attr [C_DIM]);
        return;
    }
    char text [512], a [32], b [32];
    int line = 0;
    //  who it is
    const char *status = view_str (device, "status");
    int y = s_line_y (tui, line);
    if (y >= 0) {
        int x = 1 + tui_put (y, 1, COLS - 2, view_str (device, "name"), A_BOLD);
        x += tui_put (y, x + 1, 14, status, tui_status_attr (tui, status)) + 2;
        snprintf (text, sizeof text, "%s  site %s  probe %s (%s)%s%s", view_str (device, "address"),
                  view_str (device, "site"), view_str (device, "probe"), view_str (device, "probe_link"),
                  *view_str (device, "parent")? "  parent ": "", view_str (device, "parent"));
        tui_put (y, x, COLS - x - 1, text, A_NORMAL);
    }
    line++;
    json_t *snmp = json_object_get (device, "snmp");
    if (snmp) {
        int64_t uptime = json_integer_value (json_object_get (snmp, "uptime_s"));
        snprintf (text, sizeof text, "%s %s  sysName %s  up %lldd%02lldh  SNMP %s %s", view_str (snmp, "vendor"),
                  view_str (snmp, "model"), view_str (snmp, "sys_name"), (long long) (uptime / 86400),
                  (long long) (uptime % 86400 / 3600), view_str (snmp, "status"), view_str (snmp, "error"));
        s_text_line (tui, line++, 1, text, A_NORMAL);
        if (*view_str (snmp, "sys_descr"))
            s_text_line (tui, line++, 1, view_str (snmp, "sys_descr"), tui->attr [C_DIM]);
        if (*view_str (snmp, "sys_location") || *view_str (snmp, "sys_contact")) {
            snprintf (text, sizeof text, "location %s  contact %s", view_str (snmp, "sys_location"),
                      view_str (snmp, "sys_contact"));
            s_text_line (tui, line++, 1, text, tui->attr [C_DIM]);
        }
    }
    //  the chart (its points fetched by the loop: s_chart_fetch)
    char metric [160], label [160];
    s_chart_metric (tui, metric, sizeof metric, label, sizeof label);
    snprintf (text, sizeof text, "%s, %s  (c: metric, t: span)", label, s_span_names [tui->chart_span % SPANS]);
    line++;
    y = s_line_y (tui, line);
    if (y >= 0)
        tui_rule (tui, y, text);
    line++;
    int chart_height = LINES >= 40? 10: 6;
    if (s_line_y (tui, line) >= 0 && s_line_y (tui, line + chart_height + 1) >= 0) {
        if (tui->chart)
            s_draw_chart (tui, s_line_y (tui, line), chart_height);
        else
            s_text_line (tui, line, 2, "no points in this span", tui->attr [C_DIM]);
    }
    line += chart_height + 2;
    //  interfaces, with utilisation bars
    json_t *interfaces = json_object_get (device, "interfaces");
    snprintf (text, sizeof text, "Interfaces (%zu)  ↑/↓ select", json_array_size (interfaces));
    y = s_line_y (tui, line);
    if (y >= 0)
        tui_rule (tui, y, text);
    line++;
    if (json_array_size (interfaces)) {
        y = s_line_y (tui, line);
        if (y >= 0)
            tui_put (y, 1, COLS - 2, "NAME          OPER   SPEED   IN      OUT     UTILISATION IN/OUT      ERR/s  ALIAS",
                     tui->attr [C_HEADER]);
        line++;
    }
    size_t index;
    json_t *iface;
    json_array_foreach (interfaces, index, iface) {
        y = s_line_y (tui, line++);
        if (y < 0)
            continue;
        bool selected = (int) index == tui->interface;
        if (selected) {
            attron (tui->attr [C_SELECT]);
            mvhline (y, 0, ' ', COLS);
            attroff (tui->attr [C_SELECT]);
        }
        attr_t base = selected? tui->attr [C_SELECT]: A_NORMAL;
        tui_put (y, 1, 13, view_str (iface, "name"), base);
        const char *oper = view_str (iface, "oper");
        tui_put (y, 15, 6, oper, selected? base: tui_status_attr (tui, oper));
        s_format_value (json_number_value (json_object_get (iface, "speed_bps")), a, sizeof a);
        tui_put (y, 22, 7, a, base);
        s_format_value (json_number_value (json_object_get (iface, "in_bps")), a, sizeof a);
        s_format_value (json_number_value (json_object_get (iface, "out_bps")), b, sizeof b);
        tui_put (y, 30, 7, a, base);
        tui_put (y, 38, 7, b, base);
        //  two bars of ten cells, eighths of a cell
        for (int bar = 0; bar < 2; bar++) {
            json_t *util = json_object_get (iface, bar? "out_util": "in_util");
            char cells [64] = "";
            size_t used = 0;
            double percent = json_is_number (util)? json_number_value (util): 0;
            int eighths = (int) (percent / 100.0 * 80 + 0.5);
            for (int c = 0; c < 10; c++) {
                int level = eighths - c * 8;
                const char *glyph = level >= 8? "█": level <= 0? "·"
                                  : (const char *[]) { "▏", "▎", "▍", "▌", "▋", "▊", "▉" } [level - 1];
                used += snprintf (cells + used, sizeof cells - used, "%s", glyph);
            }
            attr_t attr = percent >= 90? tui->attr [C_BAD]: percent >= 70? tui->attr [C_WARN]: tui->attr [C_OK];
            tui_put (y, 46 + bar * 13, 10, cells, selected? base: attr);
            snprintf (a, sizeof a, "%3.0f%%", percent);
            if (json_is_number (util) && COLS >= 100)
                tui_put (y, 56 + bar * 13, 4, a, base);
        }
        double errors = json_number_value (json_object_get (iface, "in_errors"))
                      + json_number_value (json_object_get (iface, "out_errors"));
        snprintf (a, sizeof a, "%.2f", errors);
        tui_put (y, 72, 6, a, errors > 0? tui->attr [C_BAD]: base);
        tui_put (y, 79, COLS - 80, view_str (iface, "alias"), base);
    }
    //  neighbours
    json_t *links = json_object_get (device, "neighbours");
    line++;
    snprintf (text, sizeof text, "Neighbours (%zu)", json_array_size (links));
    y = s_line_y (tui, line++);
    if (y >= 0)
        tui_rule (tui, y, text);
    json_t *link;
    json_array_foreach (links, index, link) {
        bool here = streq (view_str (link, "device"), tui->place.device);
        snprintf (text, sizeof text, "%-14s → %s %s  (%s, %s)",
                  view_str (link, here? "local_port": "remote_port"), view_str (link, here? "remote": "device"),
                  view_str (link, here? "remote_port": "local_port"), view_str (link, "proto"), view_str (link, "seen_from"));
        s_text_line (tui, line++, 2, text, A_NORMAL);
    }
    //  open alarms
    line++;
    snprintf (text, sizeof text, "Open alarms (%zu)", json_array_size (tui->device_alarms));
    y = s_line_y (tui, line++);
    if (y >= 0)
        tui_rule (tui, y, text);
    json_t *alarm;
    json_array_foreach (tui->device_alarms, index, alarm) {
        y = s_line_y (tui, line++);
        if (y < 0)
            continue;
        const char *severity = view_str (alarm, "severity");
        tui_put (y, 2, 9, severity, tui_status_attr (tui, severity));
        tui_put (y, 12, 8, view_str (alarm, "state"), tui_status_attr (tui, view_str (alarm, "state")));
        snprintf (text, sizeof text, "%s  %s", view_str (alarm, "object"), view_str (alarm, "message"));
        tui_put (y, 21, COLS - 22, text, A_NORMAL);
    }
    //  configuration versions, newest first
    json_t *versions = tui->versions;
    if (json_array_size (versions)) {
        line++;
        snprintf (text, sizeof text, "Configuration (%lld versions)  d: the last change",
                  (long long) json_integer_value (json_object_get (json_array_get (versions, 0), "version")));
        y = s_line_y (tui, line++);
        if (y >= 0)
            tui_rule (tui, y, text);
        json_t *version;
        json_array_foreach (versions, index, version) {
            if (index == VERSIONS_SHOWN)
                break;
            time_t seconds = (time_t) (json_integer_value (json_object_get (version, "ts_us")) / 1000000);
            struct tm tm;
            localtime_r (&seconds, &tm);
            char when [32];
            strftime (when, sizeof when, "%Y-%m-%d %H:%M", &tm);
            s_format_value ((double) json_integer_value (json_object_get (version, "size")), a, sizeof a);
            snprintf (text, sizeof text, "v%-5lld %s  %6sB %6lld lines  +%-4lld -%-4lld %-8s %s",
                      (long long) json_integer_value (json_object_get (version, "version")), when, a,
                      (long long) json_integer_value (json_object_get (version, "lines")),
                      (long long) json_integer_value (json_object_get (version, "added")),
                      (long long) json_integer_value (json_object_get (version, "removed")),
                      view_str (version, "trigger"), view_str (version, "who"));
            s_text_line (tui, line++, 2, text, A_NORMAL);
        }
    }
    //  recent events of this device, from the tail the console keeps
    line++;
    y = s_line_y (tui, line++);
    if (y >= 0)
        tui_rule (tui, y, "Recent events");
    size_t n = json_array_size (tui->events);
    for (size_t i = 0, shown = 0; i < n && shown < 10; i++) {
        json_t *event = json_array_get (tui->events, n - 1 - i);
        if (!streq (view_str (json_object_get (event, "data"), "device"), tui->place.device))
            continue;
        time_t seconds = (time_t) (json_integer_value (json_object_get (event, "ts_us")) / 1000000);
        struct tm tm;
        localtime_r (&seconds, &tm);
        size_t used = strftime (text, sizeof text, "%m-%d %H:%M:%S  ", &tm);
        event_sentence (event, text + used, sizeof text - used);
        s_text_line (tui, line++, 2, text, A_NORMAL);
        shown++;
    }
    //  how far the page can scroll
    int most = line - tui_body_height ();
    if (tui->scroll > most)
        tui->scroll = most > 0? most: 0;
}

static void
s_interface_step (tui_t *tui, int step)
{
    int count = (int) json_array_size (json_object_get (tui->device, "interfaces"));
    tui->interface += step;
    if (tui->interface >= count)
        tui->interface = count - 1;
    if (tui->interface < 0)
        tui->interface = 0;
}
static void s_if_down (tui_t *tui) { s_interface_step (tui, 1); }
static void s_if_up (tui_t *tui) { s_interface_step (tui, -1); }
static void s_chart_next (tui_t *tui) { tui->chart_metric++; }
static void s_span_next (tui_t *tui) { tui->chart_span++; }
static void s_device_refresh (tui_t *tui) { tui->want_device = true; tui->chart_for [0] = 0; }
static void
s_device_diff (tui_t *tui)
{
    if (json_array_size (tui->versions))
        view_diff_open (tui, tui->place.device, 0);
    else
        tui_say (tui, true, "%s has no configuration backup", tui->place.device);
}

static const binding_t s_device_keys [] = {
    { 'j', KEY_DOWN, "j/k, ↓/↑", "select an interface", s_if_down, false },
    { 'k', KEY_UP, NULL, NULL, s_if_up, false },
    { KEY_NPAGE, 0, "PgDn/PgUp", "scroll", view_scroll_down, false },
    { KEY_PPAGE, 0, NULL, NULL, view_scroll_up, false },
    { 'c', 0, "c", "chart: RTT, loss, the interface's traffic in and out", s_chart_next, false },
    { 't', 0, "t", "chart span: 1h, 24h, 7d, 30d, 1y", s_span_next, false },
    { 'r', 0, "r", "fetch again", s_device_refresh, false },
    { 'd', 0, "d", "the configuration's last change, coloured (n/p walk the changes)", s_device_diff, false },
    { 0 }
};

const view_t view_device = { "device", "Device", s_draw_device, s_device_keys, false, s_chart_fetch };
