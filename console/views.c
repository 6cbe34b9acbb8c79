/*  console/views.c: the console's views. Each view is a draw function and a
    table of keys (binding_t); the help view and the hint line are made from
    the same tables that handle the keys. Lists share one way of filtering,
    sorting and moving (tui_rows, tui_move).                               */
#include "tui.h"
#include <math.h>
#include <wchar.h>

//  A column of a list view
typedef struct {
    const char *key;            //  field of the API object; NULL: drawn by the view
    const char *header;
    column_kind_t kind;
    int width;                  //  0: takes what is left
    int min_cols;               //  shown only on terminals this wide
} vcol_t;

static const char *s_spark_chars [] = { "▁", "▂", "▃", "▄", "▅", "▆", "▇", "█" };

//  -- helpers ----------------------------------------------------------------

static list_t *
s_list (tui_t *tui)
{
    return &tui->list [tui->view];
}

static json_t *
s_selected (tui_t *tui, json_t *data)
{
    list_t *list = s_list (tui);
    if (list->nrows == 0)
        return NULL;
    return json_array_get (data, list->rows [list->selected]);
}

static const char *
s_str (json_t *object, const char *key)
{
    const char *text = json_string_value (json_object_get (object, key));
    return text? text: "";
}

//  Text of one cell of a list row
static void
s_cell (json_t *row, const vcol_t *col, char *buf, size_t size)
{
    column_t column = { col->key, col->header, col->kind };
    char *text = table_cell (row, &column);
    snprintf (buf, size, "%s", text);
    free (text);
}

//  Widths of the columns shown at this terminal width; the flexible one
//  takes what is left. Returns how many columns there are.
static int
s_widths (const vcol_t *cols, int *widths, int x0)
{
    int used = x0, flexible = -1, n;
    for (n = 0; cols [n].header; n++) {
        widths [n] = COLS >= cols [n].min_cols? cols [n].width: -1;
        if (widths [n] == 0)
            flexible = n;
        if (widths [n] > 0)
            used += widths [n] + 1;
    }
    if (flexible >= 0)
        widths [flexible] = COLS - used - 1 > 8? COLS - used - 1: 8;
    return n;
}

static void
s_headers (tui_t *tui, const vcol_t *cols, const int *widths, int x, int y)
{
    list_t *list = s_list (tui);
    attron (tui->attr [C_HEADER]);
    mvhline (y, 0, ' ', COLS);
    attroff (tui->attr [C_HEADER]);
    for (int c = 0; cols [c].header; c++) {
        if (widths [c] < 0)
            continue;
        char header [64];
        snprintf (header, sizeof header, "%s%s", cols [c].header,
                  c == list->sort? (list->descending? "▼": "▲"): "");
        tui_put (y, x, widths [c], header, tui->attr [C_HEADER]);
        x += widths [c] + 1;
    }
}

//  Keeps the selected row in the window of height rows
static void
s_scroll_into_view (list_t *list, int height)
{
    if (list->selected < list->top)
        list->top = list->selected;
    if (list->selected >= list->top + height)
        list->top = list->selected - height + 1;
    if (list->top < 0)
        list->top = 0;
}

//  "2 of 10 · filter /core/ · site=hq"
static void
s_list_footer (tui_t *tui, json_t *data, const char *what)
{
    list_t *list = s_list (tui);
    char text [300];
    size_t used = snprintf (text, sizeof text, "%zu of %zu %s", list->nrows, json_array_size (data), what);
    if (*list->filter)
        used += snprintf (text + used, sizeof text - used, " · /%s", list->filter);
    for (int f = 0; f < list->nfields && used < sizeof text; f++)
        used += snprintf (text + used, sizeof text - used, " · %s=%s", list->field_key [f], list->field_value [f]);
    tui_put (LINES - 2, COLS > 40? COLS - 40: 0, 40, text, tui->attr [C_DIM]);
}

//  A generic comparison: numbers as numbers, text as text, missing last
static int
s_compare_values (json_t *a, json_t *b)
{
    if (!a || json_is_null (a))
        return b && !json_is_null (b)? 1: 0;
    if (!b || json_is_null (b))
        return -1;
    if (json_is_number (a) && json_is_number (b)) {
        double x = json_number_value (a), y = json_number_value (b);
        return x < y? -1: x > y;
    }
    if (json_is_string (a) && json_is_string (b))
        return strcasecmp (json_string_value (a), json_string_value (b));
    return 0;
}

//  Draws a list: headers, rows (cells, colours, the selection), footer.
//  cell: draws a column that has no key (returns false to use the key).
static void
s_draw_list (tui_t *tui, json_t *data, const vcol_t *cols, const char *what,
             bool (*cell) (tui_t *tui, json_t *row, int c, int y, int x, int width), int height)
{
    list_t *list = s_list (tui);
    int widths [COLS_MAX];
    s_widths (cols, widths, 0);
    s_headers (tui, cols, widths, 0, 1);
    if (height <= 0 || height > tui_body_height () - 1)
        height = tui_body_height () - 1;
    s_scroll_into_view (list, height);
    //  for the mouse: the header sorts, a row selects
    layout_t *layout = &tui->layout;
    layout->list = list;
    layout->header_y = 1;
    layout->first_y = 2;
    layout->rows = height;
    for (int c = 0, at = 0; c < COLS_MAX; c++) {
        bool shown = cols [c].header && widths [c] >= 0;
        layout->col_x [c] = at;
        layout->col_end [c] = shown? at + widths [c] + 1: 0;
        if (shown)
            at += widths [c] + 1;
        if (!cols [c].header)
            break;
    }
    for (int r = 0; r < height && list->top + r < (int) list->nrows; r++) {
        json_t *row = json_array_get (data, list->rows [list->top + r]);
        int y = 2 + r;
        bool selected = list->top + r == list->selected;
        if (selected) {
            attron (tui->attr [C_SELECT]);
            mvhline (y, 0, ' ', COLS);
            attroff (tui->attr [C_SELECT]);
        }
        int x = 0;
        for (int c = 0; cols [c].header; c++) {
            if (widths [c] < 0)
                continue;
            if (!(cell && cell (tui, row, c, y, x, widths [c]))) {
                char text [256];
                s_cell (row, &cols [c], text, sizeof text);
                attr_t attr = cols [c].kind == COL_STATUS? tui_status_attr (tui, s_str (row, cols [c].key))
                                                         : A_NORMAL;
                column_kind_t kind = cols [c].kind;
                if (kind == COL_INT || kind == COL_MS || kind == COL_PERCENT || kind == COL_RATE
                ||  kind == COL_BPS || kind == COL_MICROS || kind == COL_OFFSET) {
                    int w = (int) strlen (text);        //  numbers to the right
                    tui_put (y, x + (w < widths [c]? widths [c] - w: 0), widths [c], text,
                             selected? tui->attr [C_SELECT]: attr);
                }
                else
                    tui_put (y, x, widths [c], text, selected? tui->attr [C_SELECT] | (attr & A_BOLD): attr);
            }
            x += widths [c] + 1;
        }
    }
    if (list->nrows == 0)
        tui_put (3, 2, COLS - 4, json_array_size (data)? "nothing matches the filter (/ to change it)"
                                                       : "nothing here yet", tui->attr [C_DIM]);
    s_list_footer (tui, data, what);
}

//  Text of a row for the filter: every column's text
static char *
s_row_text (json_t *row, const vcol_t *cols)
{
    char *text = (char *) zmalloc (1024);
    size_t used = 0;
    for (int c = 0; cols [c].header && used < 1000; c++) {
        if (!cols [c].key)
            continue;
        char cell [256];
        s_cell (row, &cols [c], cell, sizeof cell);
        used += snprintf (text + used, 1024 - used, "%s ", cell);
    }
    return text;
}

static void
s_sparkline (tui_t *tui, spark_t *spark, int y, int x, int width, bool selected)
{
    if (!spark || spark->count == 0)
        return;
    float low = INFINITY, high = 0;
    for (int i = 0; i < spark->count; i++)
        if (!isnan (spark->value [i])) {
            low = spark->value [i] < low? spark->value [i]: low;
            high = spark->value [i] > high? spark->value [i]: high;
        }
    int shown = spark->count < width? spark->count: width;
    char text [SPARK_SIZE * 4 + 1] = "";
    size_t used = 0;
    for (int i = spark->count - shown; i < spark->count; i++) {
        int at = (spark->next - spark->count + i + SPARK_SIZE) % SPARK_SIZE;
        float value = spark->value [at];
        const char *glyph = "·";
        if (!isnan (value)) {
            int level = high > low? (int) ((value - low) / (high - low) * 7.0f + 0.5f): 0;
            glyph = s_spark_chars [level < 0? 0: level > 7? 7: level];
        }
        used += snprintf (text + used, sizeof text - used, "%s", glyph);
    }
    tui_put (y, x, width, text, selected? tui->attr [C_SELECT]: tui->attr [C_ACCENT]);
}

//  -- overview ---------------------------------------------------------------------

static void
s_draw_overview (tui_t *tui)
{
    char a [32], b [32];
    int y = 2;
    //  devices by status
    static const char *states [] = { "up", "down", "unreachable", "unknown", NULL };
    int64_t count [4] = { 0 };
    size_t index;
    json_t *row;
    json_array_foreach (tui->devices, index, row)
        for (int s = 0; states [s]; s++)
            if (streq (s_str (row, "status"), states [s]))
                count [s]++;
    tui_put (y, 2, 14, "Devices", tui->attr [C_HEADER]);
    int x = 16 + tui_put (y, 16, 10, tui_count ((int64_t) json_array_size (tui->devices), a, sizeof a), A_BOLD);
    for (int s = 0; states [s]; s++) {
        char text [48];
        snprintf (text, sizeof text, "  %s %s", tui_count (count [s], b, sizeof b), states [s]);
        x += tui_put (y, x, COLS - x, text, count [s]? tui_status_attr (tui, states [s]): tui->attr [C_DIM]);
    }
    //  alarms by severity
    y += 2;
    const char **severities = vd_severities;
    int64_t by [5] = { 0 }, acked = 0;
    json_array_foreach (tui->alarms, index, row) {
        for (int s = 0; severities [s]; s++)
            if (streq (s_str (row, "severity"), severities [s]))
                by [s]++;
        if (streq (s_str (row, "state"), "acked"))
            acked++;
    }
    tui_put (y, 2, 14, "Alarms", tui->attr [C_HEADER]);
    x = 16 + tui_put (y, 16, 10, tui_count ((int64_t) json_array_size (tui->alarms), a, sizeof a), A_BOLD);
    for (int s = 0; severities [s]; s++) {
        char text [48];
        snprintf (text, sizeof text, "  %s %s", tui_count (by [s], b, sizeof b), severities [s]);
        x += tui_put (y, x, COLS - x, text, by [s]? tui_status_attr (tui, severities [s]): tui->attr [C_DIM]);
    }
    char text [128];
    snprintf (text, sizeof text, "  (%s acked)", tui_count (acked, b, sizeof b));
    tui_put (y, x, COLS - x, text, tui->attr [C_DIM]);
    //  probes
    y += 2;
    int64_t online = 0, backlog = 0, skewed = 0;
    json_array_foreach (tui->probes, index, row) {
        if (streq (s_str (row, "link"), "connected"))
            online++;
        if (streq (s_str (row, "clock"), "skewed"))
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
    //  worst now
    y += 2;
    int half = COLS / 2;
    tui_put (y, 2, half - 2, "Worst latency now", tui->attr [C_HEADER]);
    tui_put (y, half, half - 1, "Worst loss now", tui->attr [C_HEADER]);
    for (int pass = 0; pass < 2; pass++) {
        const char *key = pass? "loss": "rtt";
        json_t *used = json_array ();
        for (int rank = 0; rank < 5 && y + 1 + rank < LINES - 3; rank++) {
            json_t *worst = NULL;
            json_array_foreach (tui->devices, index, row) {
                json_t *value = json_object_get (row, key);
                if (!json_is_number (value) || (pass && json_number_value (value) <= 0))
                    continue;
                bool taken = false;
                size_t i;
                json_t *u;
                json_array_foreach (used, i, u)
                    taken = taken || u == row;
                if (!taken && (!worst || json_number_value (value) > json_number_value (json_object_get (worst, key))))
                    worst = row;
            }
            if (!worst)
                break;
            json_array_append (used, worst);
            snprintf (text, sizeof text, pass? "%-20.20s %5.0f%%": "%-20.20s %9.3f ms", s_str (worst, "name"),
                      json_number_value (json_object_get (worst, key)));
            tui_put (y + 1 + rank, pass? half: 2, half - 3, text,
                     pass? tui->attr [C_BAD]: A_NORMAL);
        }
        json_decref (used);
    }
    //  recent events
    y += 7;
    if (y < LINES - 4) {
        tui_rule (tui, y, "Recent events");
        size_t n = json_array_size (tui->events);
        for (int i = 0; y + 1 + i < LINES - 2 && i < (int) n; i++) {
            json_t *event = json_array_get (tui->events, n - 1 - i);
            char when [64], *data = json_dumps (json_object_get (event, "data"), JSON_COMPACT);
            time_t seconds = (time_t) (json_integer_value (json_object_get (event, "ts_us")) / 1000000);
            struct tm tm;
            localtime_r (&seconds, &tm);
            strftime (when, sizeof when, "%H:%M:%S", &tm);
            snprintf (text, sizeof text, "%s  %-16s %s", when, s_str (event, "topic"), data? data: "");
            free (data);
            tui_put (y + 1 + i, 2, COLS - 3, text, A_NORMAL);
        }
    }
}

//  -- devices ------------------------------------------------------------------

static const vcol_t s_device_cols [] = {
    { "status", "STATUS", COL_STATUS, 11, 0 },
    { "name", "DEVICE", COL_TEXT, 0, 0 },
    { "address", "ADDRESS", COL_TEXT, 15, 0 },
    { "site", "SITE", COL_TEXT, 10, 90 },
    { "probe", "PROBE", COL_TEXT, 10, 110 },
    { "rtt", "RTT ms", COL_MS, 8, 0 },
    { NULL, "RTT TREND", COL_TEXT, 12, 0 },
    { "loss", "LOSS", COL_PERCENT, 5, 0 },
    { "alarms", "ALARMS", COL_INT, 6, 0 },
    { "vendor", "VENDOR", COL_TEXT, 12, 130 },
    { "model", "MODEL", COL_TEXT, 14, 150 },
    { NULL }
};

static char *s_device_text (json_t *row) { return s_row_text (row, s_device_cols); }

static int
s_device_compare (json_t *a, json_t *b, int sort)
{
    const char *key = s_device_cols [sort].key? s_device_cols [sort].key: "rtt";
    if (streq (key, "status")) {
        //  worst first: down, unreachable, unknown, up
        static const char *rank = "down unreachable unknown up";
        const char *x = strstr (rank, s_str (a, "status")), *y = strstr (rank, s_str (b, "status"));
        int rc = (x? x - rank: 99) - (y? y - rank: 99);
        return rc? rc: strcasecmp (s_str (a, "name"), s_str (b, "name"));
    }
    return s_compare_values (json_object_get (a, key), json_object_get (b, key));
}

static bool
s_device_cell (tui_t *tui, json_t *row, int c, int y, int x, int width)
{
    if (s_device_cols [c].key)
        return false;
    bool selected = y - 2 + s_list (tui)->top == s_list (tui)->selected;
    s_sparkline (tui, tui_spark (tui, s_str (row, "name")), y, x, width, selected);
    return true;
}

static void
s_draw_devices (tui_t *tui)
{
    tui_rows (tui, VIEW_DEVICES, tui->devices, s_device_text, s_device_compare);
    s_draw_list (tui, tui->devices, s_device_cols, "devices", s_device_cell, 0);
}

static void s_down (tui_t *tui) { tui_move (tui, s_list (tui), 1); }
static void s_up (tui_t *tui) { tui_move (tui, s_list (tui), -1); }
static void s_page_down (tui_t *tui) { tui_move (tui, s_list (tui), tui_body_height () - 2); }
static void s_page_up (tui_t *tui) { tui_move (tui, s_list (tui), -(tui_body_height () - 2)); }
static void s_home (tui_t *tui) { tui_move (tui, s_list (tui), -1000000000); }
static void s_end (tui_t *tui) { tui_move (tui, s_list (tui), 1000000000); }

static void
s_open_device (tui_t *tui)
{
    json_t *row = s_selected (tui, tui->devices);
    if (row)
        tui_go (tui, VIEW_DEVICE, s_str (row, "name"));
}

static void
s_sort_next (tui_t *tui)
{
    //  the devices view's key
    list_t *list = s_list (tui);
    int n = 0;
    while (s_device_cols [n].header)
        n++;
    list->sort = (list->sort + 1) % n;
    list->dirty = true;
    tui_say (tui, false, "sorted by column %d%s", list->sort + 1, list->descending? ", descending": "");
}

static void
s_sort_reverse (tui_t *tui)
{
    list_t *list = s_list (tui);
    list->descending = !list->descending;
    list->dirty = true;
}

#define MOVE_KEYS \
    { 'j', KEY_DOWN, "j/k, ↓/↑", "move", s_down, false }, \
    { 'k', KEY_UP, NULL, NULL, s_up, false }, \
    { KEY_NPAGE, 0, "PgDn/PgUp", "page", s_page_down, false }, \
    { KEY_PPAGE, 0, NULL, NULL, s_page_up, false }, \
    { 'g', KEY_HOME, "g/G", "first, last", s_home, false }, \
    { 'G', KEY_END, NULL, NULL, s_end, false }

static const binding_t s_devices_keys [] = {
    { '\n', '\r', "Enter", "device detail", s_open_device, false },
    { KEY_ENTER, 0, NULL, NULL, s_open_device, false },
    MOVE_KEYS,
    { 's', 0, "s", "sort by the next column", s_sort_next, false },
    { 'S', 0, "S", "reverse the order", s_sort_reverse, false },
    { 0 }
};

//  -- device detail ---------------------------------------------------------------

static const char *s_spans [] = { "1h", "24h", "7d" };
static const char *s_span_names [] = { "last hour", "last 24 hours", "last 7 days" };

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
        snprintf (metric, size, "if.%s.%s_bps", s_str (iface, "name"), which == 2? "in": "out");
        snprintf (label, label_size, "%s %s (bit/s)", s_str (iface, "name"), which == 2? "in": "out");
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
    int64_t span_us = (int64_t[]) { 3600, 86400, 7 * 86400 } [tui->chart_span % 3] * 1000000LL;
    int64_t now = vd_now_us (), since = now - span_us;
    size_t index;
    json_t *point;
    json_array_foreach (points, index, point) {
        int64_t ts = json_integer_value (json_object_get (point, "ts_us"));
        int column = (int) ((ts - since) * width / span_us);
        if (column < 0 || column >= width)
            continue;
        if (json_is_true (json_object_get (point, "lost")))
            lost [column] = true;
        else {
            double value = json_number_value (json_object_get (point, "value"));
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
            tui_put (y, axis + c, 1, s_spark_chars [level > 8? 7: level - 1],
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
        strftime (when, sizeof when, tui->chart_span % 3 == 2? "%a %d": "%H:%M", &tm);
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
    snprintf (key, sizeof key, "%s %s %d", tui->place.device, metric, tui->chart_span % 3);
    if (streq (key, tui->chart_for))
        return;
    snprintf (tui->chart_for, sizeof tui->chart_for, "%s", key);
    json_decref (tui->chart);
    tui->chart = NULL;
    if (!tui->connected)
        return;
    int code;
    char since [16];
    snprintf (since, sizeof since, "-%s", s_spans [tui->chart_span % 3]);
    //  a series the device does not have yet is an empty chart, not an error
    client_set_quiet (tui->client, true);
    tui->chart = client_call (tui->client, "series.show", json_pack ("{s:s, s:s, s:s}",
        "device", tui->place.device, "metric", metric, "since", since), &code);
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
    if (!device || !streq (s_str (device, "name"), tui->place.device)) {
        tui_put (2, 2, COLS - 4, tui->connected? "loading…": "meshd is unreachable", tui->attr [C_DIM]);
        return;
    }
    char text [512], a [32], b [32];
    int line = 0;
    //  who it is
    const char *status = s_str (device, "status");
    int y = s_line_y (tui, line);
    if (y >= 0) {
        int x = 1 + tui_put (y, 1, COLS - 2, s_str (device, "name"), A_BOLD);
        x += tui_put (y, x + 1, 14, status, tui_status_attr (tui, status)) + 2;
        snprintf (text, sizeof text, "%s  site %s  probe %s (%s)%s%s", s_str (device, "address"),
                  s_str (device, "site"), s_str (device, "probe"), s_str (device, "probe_link"),
                  *s_str (device, "parent")? "  parent ": "", s_str (device, "parent"));
        tui_put (y, x, COLS - x - 1, text, A_NORMAL);
    }
    line++;
    json_t *snmp = json_object_get (device, "snmp");
    if (snmp) {
        int64_t uptime = json_integer_value (json_object_get (snmp, "uptime_s"));
        snprintf (text, sizeof text, "%s %s  sysName %s  up %lldd%02lldh  SNMP %s %s", s_str (snmp, "vendor"),
                  s_str (snmp, "model"), s_str (snmp, "sys_name"), (long long) (uptime / 86400),
                  (long long) (uptime % 86400 / 3600), s_str (snmp, "status"), s_str (snmp, "error"));
        s_text_line (tui, line++, 1, text, A_NORMAL);
        if (*s_str (snmp, "sys_descr"))
            s_text_line (tui, line++, 1, s_str (snmp, "sys_descr"), tui->attr [C_DIM]);
        if (*s_str (snmp, "sys_location") || *s_str (snmp, "sys_contact")) {
            snprintf (text, sizeof text, "location %s  contact %s", s_str (snmp, "sys_location"),
                      s_str (snmp, "sys_contact"));
            s_text_line (tui, line++, 1, text, tui->attr [C_DIM]);
        }
    }
    //  the chart
    s_chart_fetch (tui);
    char metric [160], label [160];
    s_chart_metric (tui, metric, sizeof metric, label, sizeof label);
    snprintf (text, sizeof text, "%s, %s  (c: metric, t: span)", label, s_span_names [tui->chart_span % 3]);
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
        tui_put (y, 1, 13, s_str (iface, "name"), base);
        const char *oper = s_str (iface, "oper");
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
        tui_put (y, 79, COLS - 80, s_str (iface, "alias"), base);
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
        bool here = streq (s_str (link, "device"), tui->place.device);
        snprintf (text, sizeof text, "%-14s → %s %s  (%s, %s)",
                  s_str (link, here? "local_port": "remote_port"), s_str (link, here? "remote": "device"),
                  s_str (link, here? "remote_port": "local_port"), s_str (link, "proto"), s_str (link, "seen_from"));
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
        const char *severity = s_str (alarm, "severity");
        tui_put (y, 2, 9, severity, tui_status_attr (tui, severity));
        tui_put (y, 12, 8, s_str (alarm, "state"), tui_status_attr (tui, s_str (alarm, "state")));
        snprintf (text, sizeof text, "%s  %s", s_str (alarm, "object"), s_str (alarm, "message"));
        tui_put (y, 21, COLS - 22, text, A_NORMAL);
    }
    //  recent events of this device, from the tail the console keeps
    line++;
    y = s_line_y (tui, line++);
    if (y >= 0)
        tui_rule (tui, y, "Recent events");
    size_t n = json_array_size (tui->events);
    for (size_t i = 0, shown = 0; i < n && shown < 10; i++) {
        json_t *event = json_array_get (tui->events, n - 1 - i);
        if (!streq (s_str (json_object_get (event, "data"), "device"), tui->place.device))
            continue;
        char *data = json_dumps (json_object_get (event, "data"), JSON_COMPACT);
        char when [32];
        time_t seconds = (time_t) (json_integer_value (json_object_get (event, "ts_us")) / 1000000);
        struct tm tm;
        localtime_r (&seconds, &tm);
        strftime (when, sizeof when, "%m-%d %H:%M:%S", &tm);
        snprintf (text, sizeof text, "%s  %-14s %s", when, s_str (event, "topic"), data? data: "");
        free (data);
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
static void s_scroll_down (tui_t *tui) { tui->scroll += tui_body_height () - 2; }
static void s_scroll_up (tui_t *tui)
{
    tui->scroll -= tui_body_height () - 2;
    if (tui->scroll < 0)
        tui->scroll = 0;
}
static void s_chart_next (tui_t *tui) { tui->chart_metric++; }
static void s_span_next (tui_t *tui) { tui->chart_span++; }
static void s_device_refresh (tui_t *tui) { tui->want_device = true; tui->chart_for [0] = 0; }

static const binding_t s_device_keys [] = {
    { 'j', KEY_DOWN, "j/k, ↓/↑", "select an interface", s_if_down, false },
    { 'k', KEY_UP, NULL, NULL, s_if_up, false },
    { KEY_NPAGE, 0, "PgDn/PgUp", "scroll", s_scroll_down, false },
    { KEY_PPAGE, 0, NULL, NULL, s_scroll_up, false },
    { 'c', 0, "c", "chart: RTT, loss, the interface's traffic in and out", s_chart_next, false },
    { 't', 0, "t", "chart span: 1h, 24h, 7d", s_span_next, false },
    { 'r', 0, "r", "fetch again", s_device_refresh, false },
    { 0 }
};

//  -- alarms ----------------------------------------------------------------------

static const vcol_t s_alarm_cols [] = {
    { NULL, "", COL_TEXT, 1, 0 },
    { "severity", "SEVERITY", COL_STATUS, 9, 0 },
    { "state", "STATE", COL_STATUS, 9, 0 },
    { "first_us", "SINCE", COL_AGE, 9, 0 },
    { "count", "COUNT", COL_INT, 5, 96 },
    { "object", "OBJECT", COL_TEXT, 20, 0 },
    { "message", "MESSAGE", COL_TEXT, 0, 0 },
    { "acked_by", "ACK BY", COL_TEXT, 10, 100 },
    { "site", "SITE", COL_TEXT, 10, 110 },
    { NULL }
};

static char *s_alarm_text (json_t *row) { return s_row_text (row, s_alarm_cols); }

static int
s_alarm_compare (json_t *a, json_t *b, int sort)
{
    if (sort <= 1) {
        //  most severe first, then the newest
        static const char *rank = "critical major minor warning info";
        const char *x = strstr (rank, s_str (a, "severity")), *y = strstr (rank, s_str (b, "severity"));
        int rc = (x? x - rank: 99) - (y? y - rank: 99);
        if (rc)
            return rc;
        return -s_compare_values (json_object_get (a, "first_us"), json_object_get (b, "first_us"));
    }
    return s_compare_values (json_object_get (a, s_alarm_cols [sort].key),
                             json_object_get (b, s_alarm_cols [sort].key));
}

static bool
s_alarm_cell (tui_t *tui, json_t *row, int c, int y, int x, int width)
{
    if (c != 0)
        return false;
    char id [32];
    snprintf (id, sizeof id, "%lld", (long long) json_integer_value (json_object_get (row, "id")));
    if (json_object_get (tui->marks, id))
        tui_put (y, x, width, "●", tui->attr [C_ACCENT] | A_BOLD);
    return true;
}

static void
s_draw_alarms (tui_t *tui)
{
    tui_rows (tui, VIEW_ALARMS, tui->alarms, s_alarm_text, s_alarm_compare);
    s_draw_list (tui, tui->alarms, s_alarm_cols, "alarms", s_alarm_cell, 0);
    if (json_object_size (tui->marks)) {
        //  just before the footer, where a short message leaves it seen
        char text [64];
        int width = snprintf (text, sizeof text, "%zu marked ", json_object_size (tui->marks));
        int x = COLS > 40? COLS - 40 - width: 0;
        tui_put (LINES - 2, x > 0? x: 0, width, text, tui->attr [C_ACCENT]);
    }
}

static void
s_mark (tui_t *tui)
{
    json_t *row = s_selected (tui, tui->alarms);
    if (!row)
        return;
    char id [32];
    snprintf (id, sizeof id, "%lld", (long long) json_integer_value (json_object_get (row, "id")));
    if (json_object_get (tui->marks, id))
        json_object_del (tui->marks, id);
    else
        json_object_set_new (tui->marks, id, json_true ());
    tui_move (tui, s_list (tui), 1);
}

static void
s_mark_all (tui_t *tui)
{
    list_t *list = s_list (tui);
    for (size_t r = 0; r < list->nrows; r++) {
        char id [32];
        snprintf (id, sizeof id, "%lld", (long long) json_integer_value (
            json_object_get (json_array_get (tui->alarms, list->rows [r]), "id")));
        json_object_set_new (tui->marks, id, json_true ());
    }
}

static void s_unmark_all (tui_t *tui) { json_object_clear (tui->marks); }

static void
s_ask_ack (tui_t *tui, prompt_t prompt)
{
    if (!json_object_size (tui->marks) && !s_selected (tui, tui->alarms)) {
        tui_say (tui, true, "no alarm to %s", prompt == PROMPT_ACK? "ack": "unack");
        return;
    }
    tui->prompt = prompt;
    tui->line [0] = 0;
    tui->cursor = 0;
}
static void s_ack (tui_t *tui) { s_ask_ack (tui, PROMPT_ACK); }
static void s_unack (tui_t *tui) { s_ask_ack (tui, PROMPT_UNACK); }

void
views_ack (tui_t *tui, bool ack, const char *comment)
{
    json_t *ids = json_array ();
    const char *key;
    json_t *value;
    json_object_foreach (tui->marks, key, value)
        json_array_append_new (ids, json_integer (atoll (key)));
    if (json_array_size (ids) == 0) {
        json_t *row = tui->view == VIEW_ALARMS? s_selected (tui, tui->alarms): NULL;
        if (row)
            json_array_append (ids, json_object_get (row, "id"));
    }
    size_t index, done = 0;
    json_array_foreach (ids, index, value) {
        json_t *args = json_pack ("{s:O}", "id", value);
        if (ack && *comment)
            json_object_set_new (args, "comment", json_string (comment));
        json_t *result = tui_call (tui, ack? "alarm.ack": "alarm.unack", args);
        if (!result)
            break;
        json_decref (result);
        done++;
    }
    if (done == json_array_size (ids) && done) {
        tui_say (tui, false, "%s %zu alarm%s", ack? "acked": "unacked", done, done == 1? "": "s");
        json_object_clear (tui->marks);
    }
    else
    if (!done && !json_array_size (ids))
        tui_say (tui, true, "no alarm selected");
    json_decref (ids);
    tui->want_alarms = true;
}

static void
s_open_alarm_device (tui_t *tui)
{
    json_t *row = s_selected (tui, tui->alarms);
    const char *device = s_str (row, "device");
    if (*device)
        tui_go (tui, VIEW_DEVICE, device);
}

static const binding_t s_alarms_keys [] = {
    { ' ', 0, "Space", "mark", s_mark, true },
    { 'a', 0, "a", "ack the marked (or this) with a comment", s_ack, true },
    { 'u', 0, "u", "unack", s_unack, true },
    { '*', 0, "*", "mark every alarm shown", s_mark_all, true },
    { 'x', 0, "x", "unmark all", s_unmark_all, true },
    { '\n', '\r', "Enter", "the alarm's device", s_open_alarm_device, false },
    MOVE_KEYS,
    { 0 }
};

//  -- probes -------------------------------------------------------------------

static const vcol_t s_probe_cols [] = {
    { "name", "PROBE", COL_TEXT, 0, 0 },
    { "site", "SITE", COL_TEXT, 10, 0 },
    { "link", "LINK", COL_STATUS, 9, 0 },
    { "state", "STATE", COL_STATUS, 9, 100 },
    { "last_seen_us", "LAST SEEN", COL_AGE, 10, 0 },
    { "rtt_us", "RTT", COL_MICROS, 8, 0 },
    { "clock_offset_us", "CLOCK", COL_OFFSET, 8, 0 },
    { "backlog", "BACKLOG", COL_INT, 7, 0 },
    { "devices", "DEVICES", COL_INT, 7, 0 },
    { "version", "VERSION", COL_TEXT, 10, 110 },
    { NULL }
};

static char *s_probe_text (json_t *row) { return s_row_text (row, s_probe_cols); }
static int
s_probe_compare (json_t *a, json_t *b, int sort)
{
    return s_compare_values (json_object_get (a, s_probe_cols [sort].key),
                             json_object_get (b, s_probe_cols [sort].key));
}

//  A skewed clock's offset in the warning colour
static bool
s_probe_cell (tui_t *tui, json_t *row, int c, int y, int x, int width)
{
    if (!streq (s_probe_cols [c].header, "CLOCK") || !streq (s_str (row, "clock"), "skewed"))
        return false;
    char text [32];
    table_micros (json_integer_value (json_object_get (row, "clock_offset_us")), true, text, sizeof text);
    int w = (int) strlen (text);
    tui_put (y, x + (w < width? width - w: 0), width, text, tui->attr [C_WARN] | A_BOLD);
    return true;
}

//  The mesh of probes under their list: a matrix of the paths between
//  them, each row the probe that measured, each column the one it
//  reached; a cell is the round trip in ms, with the loss if any, in the
//  colour of the path's state. Returns the rows it needs (0: no paths).
#define MESH_LABEL  10
#define MESH_CELL   10
static int
s_mesh_names (tui_t *tui, const char **names, int most)
{
    int count = 0;
    size_t index;
    json_t *path;
    json_array_foreach (tui->paths, index, path)
        for (int end = 0; end < 2; end++) {
            const char *name = s_str (path, end? "to": "from");
            int at = 0;
            while (at < count && strcmp (names [at], name) < 0)
                at++;
            if ((at < count && streq (names [at], name)) || at >= most)
                continue;
            memmove (names + at + 1, names + at, (size_t) (count - at) * sizeof *names);
            names [at] = name;
            count += count < most;
        }
    return count;
}

static void
s_draw_mesh (tui_t *tui, int y, const char **names, int count)
{
    tui_put (y++, 0, COLS, "MESH  round trip (ms) and loss from each probe (row) to each other (column)",
             tui->attr [C_HEADER]);
    tui_put (y, 0, MESH_LABEL, "FROM \\ TO", tui->attr [C_DIM]);
    for (int c = 0; c < count; c++)
        tui_put (y, MESH_LABEL + c * MESH_CELL, MESH_CELL - 1, names [c], tui->attr [C_HEADER]);
    for (int r = 0; r < count; r++) {
        y++;
        tui_put (y, 0, MESH_LABEL - 1, names [r], A_BOLD);
        for (int c = 0; c < count; c++) {
            char text [32] = "";
            attr_t attr = tui->attr [C_DIM];
            if (r == c)
                snprintf (text, sizeof text, "-");
            else {
                size_t index;
                json_t *path, *found = NULL;
                json_array_foreach (tui->paths, index, path)
                    if (streq (s_str (path, "from"), names [r]) && streq (s_str (path, "to"), names [c]))
                        found = path;
                json_t *rtt = json_object_get (found, "rtt_ms");
                double loss = json_number_value (json_object_get (found, "loss_pct"));
                if (!found)
                    snprintf (text, sizeof text, "?");
                else
                if (!json_is_number (rtt))
                    snprintf (text, sizeof text, "%s", loss >= 100? "down": "-");
                else
                if (loss > 0)
                    snprintf (text, sizeof text, "%.*f %.0f%%", json_number_value (rtt) < 10? 1: 0,
                              json_number_value (rtt), loss < 1? 1: loss);
                else
                    snprintf (text, sizeof text, "%.*f", json_number_value (rtt) < 10? 2: 1,
                              json_number_value (rtt));
                if (found)
                    attr = tui_status_attr (tui, s_str (found, "state"));
            }
            int w = (int) strlen (text);
            int x = MESH_LABEL + c * MESH_CELL;
            tui_put (y, x + (w < MESH_CELL - 1? MESH_CELL - 1 - w: 0), MESH_CELL - 1, text, attr);
        }
    }
}

static void
s_draw_probes (tui_t *tui)
{
    tui_rows (tui, VIEW_PROBES, tui->probes, s_probe_text, s_probe_compare);
    const char *names [64];
    int fit = (COLS - MESH_LABEL) / MESH_CELL;
    int count = s_mesh_names (tui, names, fit < 64? fit: 64);
    //  the list keeps at least its rows or 5, the matrix takes the rest
    int body = tui_body_height () - 1;
    int rows = (int) tui->list [VIEW_PROBES].nrows;
    int list_rows = rows < 5? 5: rows;
    if (count > 1 && count + 3 > body - list_rows)
        count = body - list_rows - 3;
    if (count < 2) {
        s_draw_list (tui, tui->probes, s_probe_cols, "probes", s_probe_cell, 0);
        return;
    }
    s_draw_list (tui, tui->probes, s_probe_cols, "probes", s_probe_cell, body - count - 3);
    s_draw_mesh (tui, 2 + body - count - 2, names, count);
}

static void
s_probe_devices (tui_t *tui)
{
    json_t *row = s_selected (tui, tui->probes);
    if (!row)
        return;
    list_t *list = &tui->list [VIEW_DEVICES];
    list->nfields = 1;
    snprintf (list->field_key [0], sizeof list->field_key [0], "probe");
    snprintf (list->field_value [0], sizeof list->field_value [0], "%s", s_str (row, "name"));
    list->dirty = true;
    tui_go (tui, VIEW_DEVICES, NULL);
}

static const binding_t s_probes_keys [] = {
    { '\n', '\r', "Enter", "the probe's devices", s_probe_devices, false },
    MOVE_KEYS,
    { 0 }
};

//  -- events -------------------------------------------------------------------

static const vcol_t s_event_cols [] = {
    { "ts_us", "TIME", COL_TIME, 24, 0 },
    { "topic", "TOPIC", COL_TEXT, 16, 0 },
    { "site", "SITE", COL_TEXT, 10, 0 },
    { NULL, "DATA", COL_TEXT, 0, 0 },
    { NULL }
};

static char *
s_event_text (json_t *row)
{
    char *data = json_dumps (json_object_get (row, "data"), JSON_COMPACT);
    char *text = zsys_sprintf ("%s %s %s", s_str (row, "topic"), s_str (row, "site"), data? data: "");
    free (data);
    return text;
}

//  Newest first
static int
s_event_compare (json_t *a, json_t *b, int sort)
{
    (void) sort;
    return -s_compare_values (json_object_get (a, "seq"), json_object_get (b, "seq"));
}

static bool
s_event_cell (tui_t *tui, json_t *row, int c, int y, int x, int width)
{
    if (c != 3)
        return false;
    json_t *data = json_object_get (row, "data");
    const char *message = s_str (data, "message");
    char *text = *message? NULL: json_dumps (data, JSON_COMPACT);
    bool selected = y - 2 + s_list (tui)->top == s_list (tui)->selected;
    tui_put (y, x, width, *message? message: text? text: "", selected? tui->attr [C_SELECT]: A_NORMAL);
    free (text);
    return true;
}

static void
s_draw_events (tui_t *tui)
{
    tui_rows (tui, VIEW_EVENTS, tui->events, s_event_text, s_event_compare);
    s_draw_list (tui, tui->events, s_event_cols, "events", s_event_cell, 0);
    if (tui->paused) {
        char text [64];
        snprintf (text, sizeof text, "paused, %lld new (p resumes)", (long long) tui->paused_new);
        tui_put (LINES - 2, 0, 34, text, tui->attr [C_WARN]);
    }
}

static void
s_pause (tui_t *tui)
{
    tui->paused = !tui->paused;
    if (!tui->paused) {
        tui->paused_new = 0;
        tui->list [VIEW_EVENTS].dirty = true;
    }
}

static const binding_t s_events_keys [] = {
    { 'p', 0, "p", "pause, resume", s_pause, false },
    MOVE_KEYS,
    { 0 }
};

//  -- help ------------------------------------------------------------------------

static void
s_help_table (tui_t *tui, const binding_t *table, int *line)
{
    for (const binding_t *binding = table; binding && binding->fn; binding++) {
        if (!binding->keys || (binding->write && !tui->writer))
            continue;
        int y = 1 + *line - tui->scroll;
        (*line)++;
        if (y < 2 || y >= LINES - 2)
            continue;
        tui_put (y, 4, 14, binding->keys, A_BOLD);
        tui_put (y, 20, COLS - 21, binding->help, A_NORMAL);
    }
}

static void
s_draw_help (tui_t *tui)
{
    //  the view we came from
    view_id_t from = tui->nback? tui->back [tui->nback - 1].view: VIEW_OVERVIEW;
    int line = 1;
    char title [96];
    snprintf (title, sizeof title, "Keys of %s%s", tui_views [from].title,
              tui->writer? "": " (a viewer: keys that change things are not shown)");
    tui_rule (tui, 1, title);
    line++;
    s_help_table (tui, tui_views [from].keys, &line);
    line++;
    if (1 + line - tui->scroll >= 2 && 1 + line - tui->scroll < LINES - 2)
        tui_rule (tui, 1 + line - tui->scroll, "Keys of every view");
    line++;
    s_help_table (tui, tui_global_keys, &line);
}

static const binding_t s_help_keys [] = {
    { 'j', KEY_DOWN, "j/k", "scroll", s_scroll_down, false },
    { 'k', KEY_UP, NULL, NULL, s_scroll_up, false },
    { 0 }
};

const view_t tui_views [VIEW_COUNT] = {
    [VIEW_OVERVIEW] = { "overview", "Overview", s_draw_overview, NULL, true },
    [VIEW_DEVICES] = { "devices", "Devices", s_draw_devices, s_devices_keys, true },
    [VIEW_DEVICE] = { "device", "Device", s_draw_device, s_device_keys, false },
    [VIEW_ALARMS] = { "alarms", "Alarms", s_draw_alarms, s_alarms_keys, true },
    [VIEW_PROBES] = { "probes", "Probes", s_draw_probes, s_probes_keys, true },
    [VIEW_EVENTS] = { "events", "Events", s_draw_events, s_events_keys, true },
    [VIEW_HELP] = { "help", "Help", s_draw_help, s_help_keys, false },
};

//  -- events from meshd --------------------------------------------------------------

static json_t *
s_find (json_t *list, const char *key, json_t *value, size_t *at)
{
    size_t index;
    json_t *row;
    json_array_foreach (list, index, row)
        if (json_equal (json_object_get (row, key), value)) {
            if (at)
                *at = index;
            return row;
        }
    return NULL;
}

bool
views_event (tui_t *tui, const char *topic, json_t *event)
{
    json_t *data = json_object_get (event, "data");
    const char *device = s_str (data, "device");
    if (strncmp (topic, "sample.", 7) == 0) {
        tui->samples_seen++;
        const char *metric = s_str (data, "metric");
        json_t *row = s_find (tui->devices, "name", json_object_get (data, "device"), NULL);
        bool lost = json_is_true (json_object_get (data, "lost"));
        double value = json_number_value (json_object_get (data, "value"));
        if (streq (metric, "icmp.rtt")) {
            spark_t *spark = (spark_t *) zhashx_lookup (tui->sparks, device);
            if (!spark) {
                spark = (spark_t *) zmalloc (sizeof (spark_t));
                zhashx_insert (tui->sparks, device, spark);
            }
            spark->value [spark->next] = lost? NAN: (float) value;
            spark->next = (spark->next + 1) % SPARK_SIZE;
            if (spark->count < SPARK_SIZE)
                spark->count++;
            if (row) {
                if (lost)
                    json_object_del (row, "rtt");
                else
                    json_object_set_new (row, "rtt", json_real (value));
            }
        }
        else
        if (streq (metric, "icmp.loss") && row && !lost)
            json_object_set_new (row, "loss", json_real (value));
        else
            return false;
        tui->list [VIEW_DEVICES].dirty = true;
        if (tui->view == VIEW_DEVICE && streq (device, tui->place.device)) {
            //  the chart grows: fetched again at most every ten seconds
            if (vd_mono_ms () - tui->chart_fetched_ms > 10000) {
                tui->chart_fetched_ms = vd_mono_ms ();
                tui->chart_for [0] = 0;
                tui->want_device = true;
            }
        }
        return tui->view == VIEW_DEVICES || tui->view == VIEW_OVERVIEW;
    }
    //  everything else is kept for the events view
    if (!tui->paused) {
        json_array_append (tui->events, event);
        if (json_array_size (tui->events) > 2000)  //  EVENTS_KEPT
            json_array_remove (tui->events, 0);
        tui->list [VIEW_EVENTS].dirty = true;
    }
    else
        tui->paused_new++;
    if (streq (topic, "device.state")) {
        json_t *row = s_find (tui->devices, "name", json_object_get (data, "device"), NULL);
        if (row)
            json_object_set (row, "status", json_object_get (data, "state"));
        tui->list [VIEW_DEVICES].dirty = true;
    }
    else
    if (strncmp (topic, "device.", 7) == 0 || strncmp (topic, "discovery.", 10) == 0)
        tui->want_devices = true;
    else
    if (strncmp (topic, "alarm.", 6) == 0) {
        //  the event carries the whole alarm
        size_t at;
        json_t *row = s_find (tui->alarms, "id", json_object_get (data, "id"), &at);
        if (streq (s_str (data, "state"), "cleared")) {
            if (row)
                json_array_remove (tui->alarms, at);
        }
        else
        if (row)
            json_object_update (row, data);
        else
            json_array_append (tui->alarms, data);
        tui->list [VIEW_ALARMS].dirty = true;
        //  the device's alarm count
        tui->want_devices = true;
    }
    else
    if (strncmp (topic, "probe.", 6) == 0)
        tui->want_probes = true;
    if (tui->view == VIEW_DEVICE && *device && streq (device, tui->place.device))
        tui->want_device = true;
    return true;
}

//  -- the command line ---------------------------------------------------------------

static const char *s_commands [] = {
    "overview", "devices", "device", "alarms", "probes", "events", "help", "ack", "unack",
    "theme", "mouse", "quit", NULL
};

//  "devices site=hq core": fields and a regular expression on the view's list
static void
s_filter_words (tui_t *tui, view_id_t view, char *rest)
{
    list_t *list = &tui->list [view];
    list->nfields = 0;
    char pattern [128] = "";
    char *saveptr = NULL;
    for (char *word = strtok_r (rest, " ", &saveptr); word; word = strtok_r (NULL, " ", &saveptr)) {
        char *equals = strchr (word, '=');
        if (equals && list->nfields < FIELDS_MAX) {
            *equals = 0;
            snprintf (list->field_key [list->nfields], sizeof list->field_key [0], "%s", word);
            snprintf (list->field_value [list->nfields], sizeof list->field_value [0], "%s", equals + 1);
            list->nfields++;
        }
        else
            snprintf (pattern + strlen (pattern), sizeof pattern - strlen (pattern), "%s%s",
                      *pattern? "|": "", word);
    }
    tui_set_filter (tui, view, pattern);
}

void
views_command (tui_t *tui, const char *text)
{
    char line [256];
    snprintf (line, sizeof line, "%s", text);
    char *rest = line;
    while (*rest == ' ')
        rest++;
    char *word = rest;
    while (*rest && *rest != ' ')
        rest++;
    if (*rest)
        *rest++ = 0;
    while (*rest == ' ')
        rest++;
    size_t length = strlen (rest);
    while (length > 0 && rest [length - 1] == ' ')
        rest [--length] = 0;            //  as Tab completion leaves it
    if (!*word)
        return;
    if (streq (word, "quit") || streq (word, "q"))
        tui->quit = true;
    else
    if (streq (word, "overview"))
        tui_go (tui, VIEW_OVERVIEW, NULL);
    else
    if (streq (word, "devices")) {
        s_filter_words (tui, VIEW_DEVICES, rest);
        tui_go (tui, VIEW_DEVICES, NULL);
    }
    else
    if (streq (word, "device")) {
        json_t *name = json_string (rest);
        bool known = s_find (tui->devices, "name", name, NULL) != NULL;
        json_decref (name);
        if (!known)
            tui_say (tui, true, "device: no device '%s'", rest);
        else
            tui_go (tui, VIEW_DEVICE, rest);
    }
    else
    if (streq (word, "alarms")) {
        //  a severity word filters by severity
        const char **severities = vd_severities;
        char words [200];
        snprintf (words, sizeof words, "%s", rest);
        for (int s = 0; severities [s]; s++)
            if (streq (rest, severities [s]))
                snprintf (words, sizeof words, "severity=%s", rest);
        s_filter_words (tui, VIEW_ALARMS, words);
        tui_go (tui, VIEW_ALARMS, NULL);
    }
    else
    if (streq (word, "probes")) {
        s_filter_words (tui, VIEW_PROBES, rest);
        tui_go (tui, VIEW_PROBES, NULL);
    }
    else
    if (streq (word, "events")) {
        s_filter_words (tui, VIEW_EVENTS, rest);
        tui_go (tui, VIEW_EVENTS, NULL);
    }
    else
    if (streq (word, "help"))
        tui_go (tui, VIEW_HELP, NULL);
    else
    if (streq (word, "ack") || streq (word, "unack")) {
        if (!tui->writer)
            tui_say (tui, true, "%s: not allowed to a %s", word, tui->role);
        else
            views_ack (tui, streq (word, "ack"), rest);
    }
    else
    if (streq (word, "theme")) {
        if (!streq (rest, "dark") && !streq (rest, "light") && !streq (rest, "mono")) {
            tui_say (tui, true, "theme: dark, light or mono");
            return;
        }
        tui->theme = streq (rest, "light")? 1: streq (rest, "mono")? 2: 0;
        tui->want_status = true;
        tui_apply_theme (tui);
        clearok (curscr, TRUE);
    }
    else
    if (streq (word, "mouse")) {
        if (!streq (rest, "on") && !streq (rest, "off")) {
            tui_say (tui, true, "mouse: on or off (the mouse is %s)", tui->mouse? "on": "off");
            return;
        }
        tui_set_mouse (tui, streq (rest, "on"));
        tui_say (tui, false, "mouse %s%s", rest, tui->mouse? "": ": the terminal selects text again");
    }
    else
        tui_say (tui, true, "no command '%s' (Tab completes, ? lists the keys)", word);
}

void
views_complete (tui_t *tui)
{
    //  the word being typed, and which word of the line it is
    char *line = tui->line;
    size_t start = tui->cursor;
    while (start > 0 && line [start - 1] != ' ')
        start--;
    bool first = true;
    for (size_t i = 0; i < start; i++)
        if (line [i] != ' ')
            first = false;
    char prefix [128];
    snprintf (prefix, sizeof prefix, "%.*s", (int) (tui->cursor - start), line + start);
    size_t length = strlen (prefix);
    //  candidates: commands, device names, severities, sites
    json_t *candidates = json_array ();
    if (first)
        for (int i = 0; s_commands [i]; i++)
            json_array_append_new (candidates, json_string (s_commands [i]));
    else
    if (strncmp (line, "device ", 7) == 0 || strncmp (prefix, "device=", 7) == 0) {
        size_t index;
        json_t *row;
        json_array_foreach (tui->devices, index, row)
            json_array_append (candidates, json_object_get (row, "name"));
    }
    else
    if (strncmp (line, "alarms ", 7) == 0) {
        const char **severities = vd_severities;
        for (int s = 0; severities [s]; s++)
            json_array_append_new (candidates, json_string (severities [s]));
    }
    else
    if (strncmp (line, "theme ", 6) == 0) {
        json_array_append_new (candidates, json_string ("dark"));
        json_array_append_new (candidates, json_string ("light"));
        json_array_append_new (candidates, json_string ("mono"));
    }
    else
    if (strncmp (line, "mouse ", 6) == 0) {
        json_array_append_new (candidates, json_string ("on"));
        json_array_append_new (candidates, json_string ("off"));
    }
    if (strncmp (prefix, "site=", 5) == 0 || (strncmp (line, "devices ", 8) == 0 && !strchr (prefix, '='))) {
        //  sites, from the devices known
        size_t index;
        json_t *row;
        json_array_foreach (tui->devices, index, row) {
            char *site = zsys_sprintf ("site=%s", s_str (row, "site"));
            bool have = false;
            size_t i;
            json_t *c;
            json_array_foreach (candidates, i, c)
                have = have || streq (json_string_value (c), site);
            if (!have)
                json_array_append_new (candidates, json_string (site));
            free (site);
        }
    }
    //  the longest common prefix of the matches
    char common [128] = "";
    int matches = 0;
    size_t index;
    json_t *candidate;
    json_array_foreach (candidates, index, candidate) {
        const char *text = json_string_value (candidate);
        if (!text || strncmp (text, prefix, length))
            continue;
        if (matches++ == 0)
            snprintf (common, sizeof common, "%s", text);
        else {
            size_t i = 0;
            while (common [i] && common [i] == text [i])
                i++;
            common [i] = 0;
        }
    }
    if (matches == 0)
        tui_say (tui, true, "nothing to complete for '%s'", prefix);
    else {
        char rest [256];
        snprintf (rest, sizeof rest, "%s", line + tui->cursor);
        char fresh [512];
        snprintf (fresh, sizeof fresh, "%.*s%s%s%s", (int) start, line, common, matches == 1? " ": "", rest);
        snprintf (tui->line, sizeof tui->line, "%.255s", fresh);
        tui->cursor = start + strlen (common) + (matches == 1);
        if (matches > 1) {
            char shown [256] = "";
            size_t used = 0;
            json_array_foreach (candidates, index, candidate) {
                const char *text = json_string_value (candidate);
                if (text && strncmp (text, prefix, length) == 0 && used + 2 < sizeof shown)
                    used += snprintf (shown + used, sizeof shown - used, "%s ", text);
            }
            tui_say (tui, false, "%s", shown);
        }
    }
    json_decref (candidates);
}
