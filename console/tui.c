/*  console/tui.c: the full-screen console. `vedette` with no command on a
    terminal, `vedette console`, and the program meshd's SSH server starts
    for each session (with VEDETTE_TOKEN set to that user's session).

    One loop: keys from the terminal, events from meshd's PUB socket, and a
    one-second tick. What the views show is fetched once over the API and
    then kept up to date from the events; an event that changes a list the
    console cannot patch (a device added) asks for that list again, at most
    once a second. When meshd goes away the console says so and tries again
    every two seconds, then fetches everything afresh.

    ncurses redraws only the cells that changed, which keeps a refresh to a
    few hundred bytes over a slow SSH link.                                */
#include "tui.h"
#include "view/view.h"
#include <locale.h>
#include <wchar.h>
#include <math.h>
#include <stdarg.h>
#include <unistd.h>

#define CALL_TIMEOUT_MS     3000
#define RETRY_MS            2000
#define REFETCH_MS          1000
#define EVENTS_KEPT         2000
#define VERSIONS_KEPT       100     //  of the device detail's configuration
#define EVENTS_PER_TURN     2000

//  -- the screen ---------------------------------------------------------------

int
tui_body_height (void)
{
    return LINES - 3 > 1? LINES - 3: 1;
}

int
tui_put (int y, int x, int width, const char *text, attr_t attr)
{
    if (width <= 0 || y < 0 || y >= LINES || x >= COLS)
        return 0;
    if (x + width > COLS)
        width = COLS - x;
    wchar_t wide [512];
    size_t n = mbstowcs (wide, text? text: "", 511);
    if (n == (size_t) -1) {         //  not valid in this locale: shown bytewise
        n = 0;
        for (const char *p = text; *p && n < 511; p++)
            wide [n++] = (unsigned char) *p < 128? (wchar_t) *p: L'?';
    }
    wide [n] = 0;
    int used = 0;
    size_t i;
    for (i = 0; i < n; i++) {
        int w = wcwidth (wide [i]);
        if (w < 0) {
            wide [i] = L'?';
            w = 1;
        }
        if (used + w > width)
            break;
        used += w;
    }
    if (i < n) {                    //  cut: the last column becomes "…"
        while (i > 0 && used + 1 > width) {
            i--;
            used -= wcwidth (wide [i]) > 0? wcwidth (wide [i]): 1;
        }
        wide [i++] = L'…';
        used++;
    }
    wide [i] = 0;
    attron (attr);
    mvaddwstr (y, x, wide);
    attroff (attr);
    return used;
}

void
tui_rule (tui_t *tui, int y, const char *title)
{
    attron (tui->attr [C_DIM]);
    mvhline (y, 0, ACS_HLINE, COLS);
    attroff (tui->attr [C_DIM]);
    if (title && *title) {
        char text [200];
        snprintf (text, sizeof text, " %s ", title);
        tui_put (y, 2, COLS - 4, text, tui->attr [C_HEADER]);
    }
}

attr_t
tui_status_attr (tui_t *tui, const char *status)
{
    static const int colours [] = { C_DIM, C_OK, C_WARN, C_BAD, C_ACCENT };
    return tui->attr [colours [status_class (status)]];
}

char *
tui_count (int64_t n, char *buf, size_t size)
{
    char digits [32];
    snprintf (digits, sizeof digits, "%lld", (long long) (n < 0? -n: n));
    size_t len = strlen (digits), out = 0;
    if (n < 0 && out + 1 < size)
        buf [out++] = '-';
    for (size_t i = 0; i < len && out + 2 < size; i++) {
        if (i && (len - i) % 3 == 0)
            buf [out++] = ',';
        buf [out++] = digits [i];
    }
    buf [out] = 0;
    return buf;
}

//  Colours: a theme (dark, light, mono) and the operator's scheme from
//  meshd's console/colours ("ok=green,bad=red,accent=magenta,title=blue")
void
tui_apply_theme (tui_t *tui)
{
    const char *scheme = tui->scheme;
    static const char *names [] = { "normal", "ok", "warn", "bad", "dim", "accent", "title",
                                    "select", "header", NULL };
    static const char *colours [] = { "black", "red", "green", "yellow", "blue", "magenta",
                                      "cyan", "white", NULL };
    for (int i = 0; i < C_COUNT; i++)
        tui->attr [i] = A_NORMAL;
    tui->attr [C_SELECT] = A_REVERSE;
    tui->attr [C_TITLE] = A_REVERSE | A_BOLD;
    tui->attr [C_HEADER] = A_BOLD;
    tui->attr [C_BAD] = A_BOLD;
    tui->attr [C_WARN] = A_UNDERLINE;
    tui->attr [C_ACCENT] = A_BOLD;
    if (tui->theme == 2 || !has_colors ())
        return;                     //  monochrome: attributes only
    start_color ();
    use_default_colors ();
    bool light = tui->theme == 1;
    bool rich = COLORS >= 256;
    short fg [C_COUNT] = {
        -1,
        rich? (light? 28: 114): COLOR_GREEN,
        rich? (light? 130: 221): COLOR_YELLOW,
        rich? (light? 160: 203): COLOR_RED,
        rich? (light? 244: 245): (light? COLOR_BLACK: COLOR_WHITE),
        rich? (light? 25: 81): COLOR_CYAN,
        COLOR_WHITE, -1, rich? (light? 25: 153): COLOR_CYAN
    };
    short bg [C_COUNT] = { -1, -1, -1, -1, -1, -1, rich? 24: COLOR_BLUE, -1, -1 };
    //  the operator's own scheme
    char copy [256];
    snprintf (copy, sizeof copy, "%s", scheme? scheme: "");
    char *saveptr = NULL;
    for (char *item = strtok_r (copy, ", ", &saveptr); item; item = strtok_r (NULL, ", ", &saveptr)) {
        char *equals = strchr (item, '=');
        if (!equals)
            continue;
        *equals = 0;
        for (int i = 0; names [i]; i++) {
            if (!streq (names [i], item))
                continue;
            char *end;
            long number = strtol (equals + 1, &end, 10);
            if (*end == 0 && number >= 0 && number < COLORS)
                fg [i] = (short) number;
            for (int c = 0; colours [c]; c++)
                if (streq (colours [c], equals + 1))
                    fg [i] = (short) c;
            if (i == C_TITLE) {     //  the title's colour is its background
                bg [i] = fg [i];
                fg [i] = COLOR_WHITE;
            }
        }
    }
    for (int i = 1; i < C_COUNT; i++) {
        if (i == C_SELECT)
            continue;
        init_pair ((short) i, fg [i], bg [i]);
        tui->attr [i] = COLOR_PAIR (i) | (i == C_BAD || i == C_TITLE || i == C_HEADER? A_BOLD: 0);
    }
    if (tui->theme == 0 && !rich)
        tui->attr [C_DIM] = A_DIM;
}

//  -- talking to meshd -----------------------------------------------------------

void
tui_say (tui_t *tui, bool bad, const char *format, ...)
{
    va_list args;
    va_start (args, format);
    vsnprintf (tui->message, sizeof tui->message, format, args);
    va_end (args);
    tui->message_bad = bad;
    tui->message_ms = vd_mono_ms ();
}

json_t *
tui_call (tui_t *tui, const char *op, json_t *args)
{
    if (!tui->connected) {
        json_decref (args);
        return NULL;
    }
    int code;
    json_t *result = client_call (tui->client, op, args, &code);
    if (!result) {
        if (code == EXIT_UNREACHABLE) {
            tui->connected = false;
            tui->retry_ms = vd_mono_ms () + RETRY_MS;
            tui_say (tui, true, "meshd is unreachable at %s: reconnecting…",
                     client_endpoint (tui->client));
        }
        else
            tui_say (tui, true, "%s", client_error (tui->client));
    }
    return result;
}

//  Replaces *held with a fresh result (kept if the call failed)
static bool
s_fetch (tui_t *tui, json_t **held, const char *op, json_t *args, view_id_t view)
{
    json_t *result = tui_call (tui, op, args);
    if (!result)
        return false;
    json_decref (*held);
    *held = result;
    tui->list [view].dirty = true;
    tui->redraw = true;
    return true;
}

//  The first list of devices waits for the first frame, which the summary
//  fills: ten thousand rows take longer to come than the rest together
static bool
s_devices_due (tui_t *tui)
{
    return tui->want_devices && (tui->drawn || tui->devices_loaded);
}

//  The first list, due now: fetched at once, not at the next refetch
static bool
s_first_devices_due (tui_t *tui)
{
    return !tui->devices_loaded && s_devices_due (tui);
}

static void
s_fetch_wanted (tui_t *tui)
{
    if (tui->want_summary) {
        tui->want_summary = false;
        s_fetch (tui, &tui->summary, "device.summary", NULL, VIEW_OVERVIEW);
    }
    if (s_devices_due (tui)) {
        tui->want_devices = false;
        if (s_fetch (tui, &tui->devices, "device.list", NULL, VIEW_DEVICES))
            tui->devices_loaded = true;
    }
    if (tui->want_alarms) {
        tui->want_alarms = false;
        s_fetch (tui, &tui->alarms, "alarm.list", json_pack ("{s:b, s:i}", "active", 1, "limit", 10000),
                 VIEW_ALARMS);
    }
    if (tui->want_probes) {
        tui->want_probes = false;
        s_fetch (tui, &tui->probes, "probe.list", NULL, VIEW_PROBES);
        s_fetch (tui, &tui->paths, "probe.mesh", NULL, VIEW_PROBES);
    }
    if (tui->want_status) {
        tui->want_status = false;
        s_fetch (tui, &tui->status, "server.status", NULL, VIEW_OVERVIEW);
    }
    if (tui->want_events) {
        //  the newest events recorded: where the tail starts
        tui->want_events = false;
        json_t *last = tui_call (tui, "event.list", json_pack ("{s:s, s:i}", "since", "now", "limit", 1));
        int64_t seq = json_integer_value (json_object_get (last, "last_seq"));
        json_decref (last);
        json_t *recent = last? tui_call (tui, "event.since", json_pack ("{s:I, s:i}", "seq",
                                (json_int_t) (seq > EVENTS_KEPT? seq - EVENTS_KEPT: 0), "limit", EVENTS_KEPT)): NULL;
        if (recent) {
            json_decref (tui->events);
            tui->events = json_incref (json_object_get (recent, "events"));
            json_decref (recent);
            tui->last_seq = seq;
            tui->list [VIEW_EVENTS].dirty = true;
        }
    }
    if (tui->want_device && *tui->place.device) {
        tui->want_device = false;
        json_t *device = tui_call (tui, "device.show", json_pack ("{s:s}", "name", tui->place.device));
        json_t *alarms = device? tui_call (tui, "alarm.list", json_pack ("{s:b, s:s}", "active", 1,
                                                                     "device", tui->place.device)): NULL;
        if (device && alarms) {
            //  its configuration versions: none is an empty list
            json_t *versions = tui_call (tui, "backup.list", json_pack ("{s:s, s:i}", "device", tui->place.device,
                                                                        "limit", VERSIONS_KEPT));
            json_decref (tui->device);
            json_decref (tui->device_alarms);
            json_decref (tui->versions);
            tui->device = device;
            tui->device_alarms = alarms;
            tui->versions = versions;
            tui->chart_for [0] = 0;
            tui->redraw = true;
        }
        else {
            json_decref (device);
            json_decref (alarms);
        }
    }
    tui->fetched_ms = vd_mono_ms ();
}

//  Everything afresh: at start and after a reconnection
static void
s_want_all (tui_t *tui)
{
    tui->want_devices = tui->want_alarms = tui->want_probes = tui->want_status = tui->want_events = true;
    tui->want_summary = !tui->devices_loaded;
    tui->want_device = tui->view == VIEW_DEVICE;
}

//  whoami, server.status, the events socket; true when meshd answers, else
//  *code says why. The colours are set by the caller: the screen may not
//  be there yet.
static bool
s_connect (tui_t *tui, int *code)
{
    client_set_quiet (tui->client, true);
    json_t *me = client_call (tui->client, "whoami", NULL, code);
    if (!me) {
        tui->retry_ms = vd_mono_ms () + RETRY_MS;
        return false;
    }
    snprintf (tui->user, sizeof tui->user, "%s", json_string_value (json_object_get (me, "user")));
    snprintf (tui->role, sizeof tui->role, "%s", json_string_value (json_object_get (me, "role")));
    tui->writer = streq (tui->role, "admin") || streq (tui->role, "operator");
    json_decref (tui->sites);
    tui->sites = json_incref (json_object_get (me, "sites"));
    json_decref (me);
    json_t *status = client_call (tui->client, "server.status", NULL, code);
    if (!status) {
        tui->retry_ms = vd_mono_ms () + RETRY_MS;
        return false;
    }
    bool tcp = strncmp (client_endpoint (tui->client), "tcp://", 6) == 0;
    const char *endpoint = tcp && client_events_endpoint (tui->client)
                         ? client_events_endpoint (tui->client)
                         : json_string_value (json_object_get (json_object_get (status, "events"),
                                                               tcp? "tcp": "ipc"));
    if (!tui->sub && endpoint && *endpoint) {
        tui->sub = client_subscribe (tui->client, endpoint);
        if (tui->sub)
            zsock_set_subscribe (tui->sub, "");
    }
    json_t *console = json_object_get (status, "console");
    const char *banner = json_string_value (json_object_get (console, "banner"));
    snprintf (tui->banner, sizeof tui->banner, "%s", banner && *banner? banner: "vedette");
    if (!getenv ("VEDETTE_THEME") || !*getenv ("VEDETTE_THEME")) {
        const char *theme = json_string_value (json_object_get (console, "theme"));
        tui->theme = theme && streq (theme, "light")? 1: theme && streq (theme, "mono")? 2: tui->theme;
    }
    const char *scheme = json_string_value (json_object_get (console, "colours"));
    snprintf (tui->scheme, sizeof tui->scheme, "%s", scheme? scheme: "");
    json_decref (tui->status);
    tui->status = status;
    tui->connected = true;
    s_want_all (tui);
    tui->want_status = false;
    return true;
}

//  Events published by meshd: applied, or a refetch asked for
static void
s_read_events (tui_t *tui)
{
    for (int n = 0; n < EVENTS_PER_TURN; n++) {
        zmsg_t *msg = zmsg_recv_nowait (tui->sub);
        if (!msg)
            break;
        char *topic = zmsg_popstr (msg);
        char *text = zmsg_popstr (msg);
        zmsg_destroy (&msg);
        json_t *event = text? json_loads (text, 0, NULL): NULL;
        if (topic && json_is_object (event)) {
            //  a site-scoped user sees only the events of their sites
            const char *site = json_string_value (json_object_get (event, "site"));
            bool mine = json_array_size (tui->sites) == 0 || !site;
            size_t index;
            json_t *value;
            json_array_foreach (tui->sites, index, value)
                if (site && streq (site, json_string_value (value)))
                    mine = true;
            json_t *seq = json_object_get (event, "seq");
            if (json_is_integer (seq)) {
                int64_t number = json_integer_value (seq);
                if (number <= tui->last_seq)
                    goto next;                  //  already fetched with the tail
                if (tui->last_seq && number > tui->last_seq + 1)
                    s_want_all (tui);           //  missed some: everything afresh
                tui->last_seq = number;
            }
            if (mine && views_event (tui, topic, event))
                tui->redraw = true;
        }
next:
        free (topic);
        free (text);
        json_decref (event);
    }
}

//  -- places ------------------------------------------------------------------

void
tui_go (tui_t *tui, view_id_t view, const char *device)
{
    if (tui->nback == HISTORY_MAX) {
        memmove (&tui->back [0], &tui->back [1], sizeof (place_t) * (HISTORY_MAX - 1));
        tui->nback--;
    }
    tui->back [tui->nback++] = tui->place;
    tui->nforward = 0;
    tui->place.view = view;
    if (device && device != tui->place.device)
        snprintf (tui->place.device, sizeof tui->place.device, "%s", device);
    tui->view = view;
    tui->scroll = 0;
    if (view == VIEW_DEVICE) {
        tui->want_device = true;
        tui->interface = 0;
    }
    tui->redraw = true;
}

static void
s_arrive (tui_t *tui, place_t place)
{
    bool other = !streq (place.device, tui->place.device);
    tui->place = place;
    tui->view = place.view;
    tui->scroll = 0;
    if (place.view == VIEW_DEVICE && (other || !tui->device))
        tui->want_device = true;
    tui->redraw = true;
}

static void
s_back (tui_t *tui)
{
    if (tui->nback == 0) {
        tui->quit = true;
        return;
    }
    tui->forward [tui->nforward++] = tui->place;
    s_arrive (tui, tui->back [--tui->nback]);
}

static void
s_forward (tui_t *tui)
{
    if (tui->nforward == 0)
        return;
    tui->back [tui->nback++] = tui->place;
    s_arrive (tui, tui->forward [--tui->nforward]);
}

static void
s_next_view (tui_t *tui, int step)
{
    int view = tui->view;
    do
        view = (view + step + VIEW_COUNT) % VIEW_COUNT;
    while (!tui_views [view]->tab);
    tui_go (tui, (view_id_t) view, NULL);
}

//  -- lists ------------------------------------------------------------------

static list_t *s_sort_list;
static json_t *s_sort_data;
static int (*s_sort_compare) (json_t *a, json_t *b, int sort);

static int
s_compare_rows (const void *a, const void *b)
{
    size_t i = *(const size_t *) a, j = *(const size_t *) b;
    list_t *list = s_sort_list;
    int rc = s_sort_compare (json_array_get (s_sort_data, i), json_array_get (s_sort_data, j), list->sort);
    if (rc == 0)
        rc = i < j? -1: i > j;
    return list->descending? -rc: rc;
}

void
tui_rows (tui_t *tui, view_id_t view, json_t *data, char *(*text) (json_t *row),
          int (*compare) (json_t *a, json_t *b, int sort))
{
    list_t *list = &tui->list [view];
    if (!list->dirty && list->rows)
        return;
    list->dirty = false;
    free (list->rows);
    list->rows = (size_t *) calloc (json_array_size (data) + 1, sizeof (size_t));
    list->nrows = 0;
    size_t index;
    json_t *row;
    json_array_foreach (data, index, row) {
        bool keep = true;
        for (int f = 0; f < list->nfields && keep; f++) {
            const char *value = json_string_value (json_object_get (row, list->field_key [f]));
            keep = value && streq (value, list->field_value [f]);
        }
        if (keep && list->has_regex) {
            char *line = text (row);
            keep = (regexec (&list->regex, line, 0, NULL, 0) == 0) != list->invert;
            free (line);
        }
        if (keep)
            list->rows [list->nrows++] = index;
    }
    if (compare) {
        s_sort_list = list;
        s_sort_data = data;
        s_sort_compare = compare;
        qsort (list->rows, list->nrows, sizeof (size_t), s_compare_rows);
    }
    if (list->selected >= (int) list->nrows)
        list->selected = list->nrows? (int) list->nrows - 1: 0;
}

void
tui_move (tui_t *tui, list_t *list, int delta)
{
    int count = (int) list->nrows;
    list->selected += delta;
    if (list->selected >= count)
        list->selected = count - 1;
    if (list->selected < 0)
        list->selected = 0;
    tui->redraw = true;
}

void
tui_set_filter (tui_t *tui, view_id_t view, const char *text)
{
    list_t *list = &tui->list [view];
    if (list->has_regex)
        regfree (&list->regex);
    list->has_regex = false;
    list->invert = text [0] == '!';
    const char *pattern = text + list->invert;
    snprintf (list->filter, sizeof list->filter, "%.127s", text);
    if (*pattern) {
        int rc = regcomp (&list->regex, pattern, REG_EXTENDED | REG_ICASE | REG_NOSUB);
        if (rc) {
            char error [128];
            regerror (rc, &list->regex, error, sizeof error);
            tui_say (tui, true, "/%s: %s", pattern, error);
            list->filter [0] = 0;
            list->invert = false;
        }
        else
            list->has_regex = true;
    }
    list->dirty = true;
    list->selected = list->top = 0;
    tui->redraw = true;
}

//  -- sparklines ----------------------------------------------------------------

spark_t *
tui_spark (tui_t *tui, const char *device)
{
    return device? (spark_t *) zhashx_lookup (tui->sparks, device): NULL;
}

//  -- keys and the prompt -------------------------------------------------------

static void s_key_tab (tui_t *tui) { s_next_view (tui, 1); }
static void s_key_backtab (tui_t *tui) { s_next_view (tui, -1); }
static void s_key_back (tui_t *tui) { s_back (tui); }
static void s_key_forward (tui_t *tui) { s_forward (tui); }
static void s_key_quit (tui_t *tui) { tui->quit = true; }
static void s_key_help (tui_t *tui)
{
    if (tui->view != VIEW_HELP)
        tui_go (tui, VIEW_HELP, NULL);
}
static void s_key_redraw (tui_t *tui) { clearok (curscr, TRUE); tui->redraw = true; }
static void s_key_filter (tui_t *tui)
{
    tui->prompt = PROMPT_FILTER;
    list_t *list = &tui->list [tui->view];
    snprintf (tui->line, sizeof tui->line, "%s", tui->view == VIEW_HELP? "": list->filter);
    tui->cursor = strlen (tui->line);
}
static void s_key_command (tui_t *tui)
{
    tui->prompt = PROMPT_COMMAND;
    tui->line [0] = 0;
    tui->cursor = 0;
}
static void s_key_overview (tui_t *tui) { tui_go (tui, VIEW_OVERVIEW, NULL); }
static void s_key_devices (tui_t *tui) { tui_go (tui, VIEW_DEVICES, NULL); }
static void s_key_alarms (tui_t *tui) { tui_go (tui, VIEW_ALARMS, NULL); }
static void s_key_probes (tui_t *tui) { tui_go (tui, VIEW_PROBES, NULL); }
static void s_key_events (tui_t *tui) { tui_go (tui, VIEW_EVENTS, NULL); }
static void s_key_reports (tui_t *tui) { tui_go (tui, VIEW_REPORTS, NULL); }
static void s_key_backups (tui_t *tui) { tui_go (tui, VIEW_BACKUPS, NULL); }
static void s_key_subscribers (tui_t *tui) { tui_go (tui, VIEW_SUBSCRIBERS, NULL); }

static void s_mouse (tui_t *tui);

//  Keys every view takes (help lists them after the view's own)
const view_t *const tui_views [VIEW_COUNT] = {
    [VIEW_OVERVIEW] = &view_overview, [VIEW_DEVICES] = &view_devices, [VIEW_DEVICE] = &view_device,
    [VIEW_ALARMS] = &view_alarms, [VIEW_PROBES] = &view_probes, [VIEW_EVENTS] = &view_events,
    [VIEW_REPORTS] = &view_reports, [VIEW_BACKUPS] = &view_backups,
    [VIEW_SUBSCRIBERS] = &view_subscribers, [VIEW_DIFF] = &view_diff,
    [VIEW_HELP] = &view_help
};

const binding_t tui_global_keys [] = {
    { '\t', 0, "Tab", "next view", s_key_tab, false },
    { KEY_BTAB, 0, "Shift-Tab", "previous view", s_key_backtab, false },
    { '1', 0, "1 … 8", "overview, devices, alarms, probes, events, reports, backups, subscribers",
      s_key_overview, false },
    { '2', 0, NULL, NULL, s_key_devices, false },
    { '3', 0, NULL, NULL, s_key_alarms, false },
    { '4', 0, NULL, NULL, s_key_probes, false },
    { '5', 0, NULL, NULL, s_key_events, false },
    { '6', 0, NULL, NULL, s_key_reports, false },
    { '7', 0, NULL, NULL, s_key_backups, false },
    { '8', 0, NULL, NULL, s_key_subscribers, false },
    { '[', 0, "[", "back", s_key_back, false },
    { ']', 0, "]", "forward", s_key_forward, false },
    { 'q', 0, "q", "back (quits at the first view)", s_key_back, false },
    { '/', 0, "/", "filter: a regular expression, ! in front inverts it, empty clears it",
      s_key_filter, false },
    { ':', 0, ":", "command line (Tab completes): devices site=hq, alarms critical, device NAME, "
                   "ack COMMENT, unack, theme light, mouse off, quit", s_key_command, false },
    { '?', 0, "?", "this help", s_key_help, false },
    { KEY_MOUSE, 0, "mouse", "click a tab or a row, a column's title sorts, double click opens, "
                             "the wheel scrolls; :mouse off to select text", s_mouse, false },
    { 12, 0, "Ctrl-L", "redraw the screen", s_key_redraw, false },
    { 3, 0, "Ctrl-C", "quit", s_key_quit, false },
    { 0 }
};

static void
s_prompt_key (tui_t *tui, int key)
{
    size_t length = strlen (tui->line);
    if (key == 27 || key == 3 || key == 7) {        //  Escape, Ctrl-C, Ctrl-G
        tui->prompt = PROMPT_NONE;
        return;
    }
    if (key == '\n' || key == '\r' || key == KEY_ENTER) {
        prompt_t prompt = tui->prompt;
        tui->prompt = PROMPT_NONE;
        char line [sizeof tui->line];
        snprintf (line, sizeof line, "%s", tui->line);
        if (prompt == PROMPT_FILTER)
            tui_set_filter (tui, tui->view, line);
        else
        if (prompt == PROMPT_COMMAND)
            views_command (tui, line);
        else
            views_ack (tui, prompt == PROMPT_ACK, line);
        return;
    }
    if (key == KEY_BACKSPACE || key == 127 || key == 8) {
        if (tui->cursor > 0) {
            //  one character back, whole UTF-8 sequences
            size_t at = tui->cursor - 1;
            while (at > 0 && ((unsigned char) tui->line [at] & 0xC0) == 0x80)
                at--;
            memmove (tui->line + at, tui->line + tui->cursor, length - tui->cursor + 1);
            tui->cursor = at;
        }
        else
        if (length == 0)
            tui->prompt = PROMPT_NONE;
        return;
    }
    if (key == KEY_LEFT && tui->cursor > 0)
        tui->cursor--;
    else
    if (key == KEY_RIGHT && tui->cursor < length)
        tui->cursor++;
    else
    if (key == 1 || key == KEY_HOME)
        tui->cursor = 0;
    else
    if (key == 5 || key == KEY_END)
        tui->cursor = length;
    else
    if (key == 21) {                                 //  Ctrl-U
        tui->line [0] = 0;
        tui->cursor = 0;
    }
    else
    if (key == '\t' && tui->prompt == PROMPT_COMMAND)
        views_complete (tui);
    else
    if (key >= 32 && key < 256 && key != 127 && length + 1 < sizeof tui->line) {
        memmove (tui->line + tui->cursor + 1, tui->line + tui->cursor, length - tui->cursor + 1);
        tui->line [tui->cursor++] = (char) key;
    }
}

static void s_key (tui_t *tui, int key);

void
tui_set_mouse (tui_t *tui, bool on)
{
    tui->mouse = on;
    mousemask (on? BUTTON1_CLICKED | BUTTON1_DOUBLE_CLICKED | BUTTON4_PRESSED | BUTTON5_PRESSED: 0, NULL);
}

//  What a click hits, from where the last frame put things: a tab; a list's
//  column header (sorts by it, again: the other way); a row (selects it,
//  a double click opens it as Enter does). The wheel moves as arrows do.
static void
s_mouse (tui_t *tui)
{
    MEVENT event;
    if (getmouse (&event) != OK)
        return;
    if (event.bstate & (BUTTON4_PRESSED | BUTTON5_PRESSED)) {
        for (int i = 0; i < 3; i++)
            s_key (tui, event.bstate & BUTTON4_PRESSED? KEY_UP: KEY_DOWN);
        return;
    }
    if (!(event.bstate & (BUTTON1_CLICKED | BUTTON1_DOUBLE_CLICKED)))
        return;
    layout_t *layout = &tui->layout;
    if (event.y == 0) {
        for (int v = 0; v < VIEW_COUNT; v++)
            if (event.x >= layout->tab_x [v] && event.x < layout->tab_end [v] && v != (int) tui->view)
                tui_go (tui, (view_id_t) v, v == VIEW_DEVICE? tui->place.device: NULL);
        return;
    }
    list_t *list = layout->list;
    if (!list)
        return;
    if (event.y == layout->header_y) {
        for (int c = 0; c < COLS_MAX; c++)
            if (event.x >= layout->col_x [c] && event.x < layout->col_end [c]) {
                list->descending = list->sort == c? !list->descending: false;
                list->sort = c;
                list->dirty = true;
            }
        return;
    }
    int row = list->top + event.y - layout->first_y;
    if (event.y >= layout->first_y && event.y < layout->first_y + layout->rows && row < (int) list->nrows) {
        list->selected = row;
        if (event.bstate & BUTTON1_DOUBLE_CLICKED)
            s_key (tui, '\n');
    }
}

//  The view's key, then the global one; a write key refused to readers
static void
s_key (tui_t *tui, int key)
{
    if (tui->prompt != PROMPT_NONE) {
        s_prompt_key (tui, key);
        tui->redraw = true;
        return;
    }
    if (key == KEY_RESIZE) {
        tui->redraw = true;
        return;
    }
    const binding_t *tables [2] = { tui_views [tui->view]->keys, tui_global_keys };
    for (int t = 0; t < 2; t++)
        for (const binding_t *binding = tables [t]; binding && binding->fn; binding++)
            if (binding->key == key || (binding->key2 && binding->key2 == key)) {
                if (binding->write && !tui->writer)
                    tui_say (tui, true, "%s: not allowed to a %s", binding->help, tui->role);
                else
                    binding->fn (tui);
                tui->redraw = true;
                return;
            }
}

//  -- frame ---------------------------------------------------------------------

static void
s_draw_frame (tui_t *tui)
{
    erase ();
    memset (&tui->layout, 0, sizeof tui->layout);
    //  the tab bar: banner, views, who, clock
    attron (tui->attr [C_TITLE]);
    mvhline (0, 0, ' ', COLS);
    attroff (tui->attr [C_TITLE]);
    //  the banner goes first when the tabs and who would not fit
    int tabs = 0;
    for (int v = 0; v < VIEW_COUNT; v++)
        if (tui_views [v]->tab || v == (int) tui->view)
            tabs += (int) strlen (tui_views [v]->title) + 2;
    int who = (int) (strlen (tui->user) + strlen (tui->role)) + 5;
    int x = 1;
    if ((int) strlen (tui->banner) + 3 + tabs + who <= COLS)
        x += tui_put (0, 1, COLS - 1, tui->banner, tui->attr [C_TITLE]) + 2;
    for (int v = 0; v < VIEW_COUNT; v++) {
        if (!tui_views [v]->tab && v != (int) tui->view)
            continue;
        char tab [64];
        snprintf (tab, sizeof tab, " %s ", tui_views [v]->title);
        attr_t attr = v == (int) tui->view? (tui->attr [C_TITLE] | A_REVERSE): tui->attr [C_TITLE];
        tui->layout.tab_x [v] = x;
        x += tui_put (0, x, COLS - x, tab, attr);
        tui->layout.tab_end [v] = x;
    }
    char right [128];
    time_t now = time (NULL);
    struct tm tm;
    localtime_r (&now, &tm);
    char clock [16];
    strftime (clock, sizeof clock, "%H:%M:%S", &tm);
    //  who, and the clock when there is room for it
    snprintf (right, sizeof right, " %s (%s)  %s ", tui->user, tui->role, clock);
    if (COLS - (int) strlen (right) <= x)
        snprintf (right, sizeof right, " %s (%s) ", tui->user, tui->role);
    int width = (int) strlen (right);
    if (COLS - width > x)
        tui_put (0, COLS - width, width, right, tui->attr [C_TITLE]);

    tui_views [tui->view]->draw (tui);

    //  status: connection, message
    int status_y = LINES - 2;
    if (!tui->connected)
        tui_put (status_y, 0, COLS, tui->message [0]? tui->message: "meshd is unreachable: reconnecting…",
                 tui->attr [C_BAD]);
    else
    if (tui->message [0] && vd_mono_ms () - tui->message_ms < 8000)
        tui_put (status_y, 0, COLS, tui->message, tui->message_bad? tui->attr [C_BAD]: tui->attr [C_OK]);
    //  the prompt or the hints
    int y = LINES - 1;
    if (tui->prompt != PROMPT_NONE) {
        const char *label = tui->prompt == PROMPT_COMMAND? ":": tui->prompt == PROMPT_FILTER? "/"
                          : tui->prompt == PROMPT_ACK? "ack comment: ": "unack: ";
        int at = tui_put (y, 0, COLS, label, A_BOLD);
        tui_put (y, at, COLS - at, tui->line, A_NORMAL);
        char before [sizeof tui->line];
        snprintf (before, sizeof before, "%.*s", (int) tui->cursor, tui->line);
        wchar_t wide [300];
        size_t n = mbstowcs (wide, before, 299);
        int cursor_x = at + (n == (size_t) -1? (int) tui->cursor: wcswidth (wide, n));
        move (y, cursor_x < COLS? cursor_x: COLS - 1);
        curs_set (1);
    }
    else {
        curs_set (0);
        char hints [256] = "";
        size_t used = 0;
        for (const binding_t *binding = tui_views [tui->view]->keys; binding && binding->fn; binding++)
            if (binding->keys && (!binding->write || tui->writer) && used + 40 < sizeof hints)
                used += snprintf (hints + used, sizeof hints - used, "%s %s  ", binding->keys, binding->help);
        snprintf (hints + used, sizeof hints - used, "? help  q back  : command");
        tui_put (y, 0, COLS, hints, tui->attr [C_DIM]);
    }
    refresh ();
}

//  -- main ------------------------------------------------------------------------

static void
s_spark_destroy (void **item)
{
    free (*item);
    *item = NULL;
}

static int
s_compare_us (const void *a, const void *b)
{
    int64_t x = *(const int64_t *) a, y = *(const int64_t *) b;
    return x < y? -1: x > y;
}

//  With VEDETTE_CONSOLE_STATS=FILE: how long frames took to draw (benchmarks)
static void
s_frame_stats (tui_t *tui)
{
    const char *path = getenv ("VEDETTE_CONSOLE_STATS");
    if (!path || !*path || tui->nframes == 0)
        return;
    qsort (tui->frame_us, (size_t) tui->nframes, sizeof (int64_t), s_compare_us);
    FILE *file = fopen (path, "w");
    if (file) {
        fprintf (file, "frames %d median_us %lld p99_us %lld max_us %lld\n", tui->nframes,
                 (long long) tui->frame_us [tui->nframes / 2],
                 (long long) tui->frame_us [tui->nframes * 99 / 100],
                 (long long) tui->frame_us [tui->nframes - 1]);
        fclose (file);
    }
}

static void
s_destroy (tui_t **tui_p)
{
    tui_t *tui = *tui_p;
    for (int v = 0; v < VIEW_COUNT; v++) {
        free (tui->list [v].rows);
        if (tui->list [v].has_regex)
            regfree (&tui->list [v].regex);
    }
    zsock_destroy (&tui->sub);
    client_destroy (&tui->client);
    zhashx_destroy (&tui->sparks);
    json_decref (tui->marks);
    json_decref (tui->events);
    json_decref (tui->devices);
    json_decref (tui->alarms);
    json_decref (tui->probes);
    json_decref (tui->paths);
    json_decref (tui->summary);
    json_decref (tui->status);
    json_decref (tui->device);
    json_decref (tui->device_alarms);
    json_decref (tui->chart);
    json_decref (tui->report);
    json_decref (tui->backups);
    json_decref (tui->ppp);
    json_decref (tui->versions);
    json_decref (tui->diff);
    json_decref (tui->sites);
    free (tui);
    *tui_p = NULL;
}

int
tui_main (const char *endpoint)
{
    if (!isatty (STDIN_FILENO) || !isatty (STDOUT_FILENO)) {
        fprintf (stderr, "vedette: the console needs a terminal (vedette --help lists the commands)\n");
        return EXIT_USAGE;
    }
    setlocale (LC_ALL, "");
    tui_t *tui = (tui_t *) zmalloc (sizeof (tui_t));
    tui->client = client_new (endpoint);
    client_set_timeout (tui->client, CALL_TIMEOUT_MS);
    const char *theme = getenv ("VEDETTE_THEME");
    tui->theme = theme && streq (theme, "light")? 1: theme && streq (theme, "mono")? 2: 0;
    tui->sparks = zhashx_new ();
    zhashx_set_destructor (tui->sparks, s_spark_destroy);
    tui->marks = json_object ();
    tui->events = json_array ();
    tui->devices = json_array ();
    tui->alarms = json_array ();
    tui->probes = json_array ();
    tui->paths = json_array ();
    snprintf (tui->banner, sizeof tui->banner, "vedette");
    tui->place.view = VIEW_OVERVIEW;
    tui->list [VIEW_ALARMS].sort = 1;      //  by severity
    //  the first look: a wrong token is said before the screen is taken
    int code = EXIT_OK;
    bool connected = s_connect (tui, &code);
    if (!connected && code != EXIT_UNREACHABLE) {
        fprintf (stderr, "vedette: %s\n", client_error (tui->client));
        if (code == EXIT_DENIED)
            fprintf (stderr, "vedette: log in first: vedette login USER\n");
        s_destroy (&tui);
        return code;
    }

    initscr ();
    raw ();
    noecho ();
    nonl ();
    keypad (stdscr, TRUE);
    nodelay (stdscr, TRUE);
    set_escdelay (25);
    const char *mouse = getenv ("VEDETTE_MOUSE");
    tui_set_mouse (tui, !mouse || !streq (mouse, "off"));
    tui_apply_theme (tui);
    tui->redraw = true;
    if (!connected)
        tui_say (tui, true, "meshd is unreachable at %s: reconnecting…", client_endpoint (tui->client));
    tui->rate_since_ms = vd_mono_ms ();
    int64_t drawn_ms = 0;
    while (!tui->quit) {
        int64_t now = vd_mono_ms ();
        if (!tui->connected && now >= tui->retry_ms) {
            if (s_connect (tui, &code)) {
                tui_apply_theme (tui);
                tui_say (tui, false, "connected to meshd at %s again", client_endpoint (tui->client));
                tui->last_seq = 0;
            }
            tui->redraw = true;
        }
        if (tui->connected && (now - tui->fetched_ms >= REFETCH_MS || s_first_devices_due (tui))
        &&  (tui->want_devices || tui->want_alarms || tui->want_probes || tui->want_status || tui->want_device
             || tui->want_events || tui->want_summary))
            s_fetch_wanted (tui);
        if (now - tui->rate_since_ms >= 5000) {
            tui->samples_rate = tui->samples_seen * 1000 / (now - tui->rate_since_ms);
            tui->samples_seen = 0;
            tui->rate_since_ms = now;
            tui->want_probes = true;    //  backlogs and clocks come with the list
            tui->want_status = true;
        }
        //  what the view shows is fetched here, never while drawing
        if (tui->connected && tui_views [tui->view]->fetch)
            tui_views [tui->view]->fetch (tui);
        if (tui->redraw || now - drawn_ms >= 1000) {
            int64_t started = zclock_usecs ();
            s_draw_frame (tui);
            if (tui->nframes < FRAMES_KEPT)
                tui->frame_us [tui->nframes++] = zclock_usecs () - started;
            tui->redraw = false;
            tui->drawn = true;
            drawn_ms = now;
        }
        zmq_pollitem_t items [2] = {
            { NULL, STDIN_FILENO, ZMQ_POLLIN, 0 },
            { tui->sub? zsock_resolve (tui->sub): NULL, 0, ZMQ_POLLIN, 0 }
        };
        int wait = s_first_devices_due (tui)? 0: 1000 - (int) (vd_mono_ms () - drawn_ms);
        zmq_poll (items, tui->sub? 2: 1, wait > 0? wait: 0);
        int key;
        while ((key = getch ()) != ERR && !tui->quit)
            s_key (tui, key);
        if (tui->sub && (items [1].revents & ZMQ_POLLIN))
            s_read_events (tui);
    }
    endwin ();
    s_frame_stats (tui);
    s_destroy (&tui);
    return EXIT_OK;
}
