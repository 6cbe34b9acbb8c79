/*  console/view/diff.c: what changed in a device's configuration: the
    unified diff of a version against the one before it, in colour (lines
    added, removed, the hunks), with who made the change and how it was
    seen; n and p walk to the older and newer changes. The loop fetches
    the diff (backup.diff) when the device or version changes.           */
#include "view.h"

void
view_diff_open (tui_t *tui, const char *device, int64_t version)
{
    tui->diff_to = version;
    //  who made each version comes with the device's detail
    if (!streq (view_str (tui->device, "name"), device))
        tui->want_device = true;
    tui_go (tui, VIEW_DIFF, device);
}

//  The versions of the device shown, newest first, or NULL
static json_t *
s_versions (tui_t *tui)
{
    return streq (view_str (tui->device, "name"), tui->place.device)? tui->versions: NULL;
}

static void
s_diff_fetch (tui_t *tui)
{
    char key [sizeof tui->diff_for];
    snprintf (key, sizeof key, "%s %lld", tui->place.device, (long long) tui->diff_to);
    if (streq (key, tui->diff_for))
        return;
    snprintf (tui->diff_for, sizeof tui->diff_for, "%s", key);
    json_t *args = json_pack ("{s:s}", "device", tui->place.device);
    if (tui->diff_to > 0)
        json_object_set_new (args, "to", json_integer (tui->diff_to));
    json_t *diff = tui_call (tui, "backup.diff", args);
    bool same_device = streq (view_str (tui->diff, "device"), tui->place.device);
    if (!diff && same_device) {
        //  a step too far (said on the message line): the diff shown stays
        tui->diff_to = json_integer_value (json_object_get (tui->diff, "to"));
        snprintf (tui->diff_for, sizeof tui->diff_for, "%s %lld", tui->place.device, (long long) tui->diff_to);
        return;
    }
    json_decref (tui->diff);
    tui->diff = diff;
    //  the latest, once known, is named: n and p count from it
    if (tui->diff && tui->diff_to == 0) {
        tui->diff_to = json_integer_value (json_object_get (tui->diff, "to"));
        snprintf (tui->diff_for, sizeof tui->diff_for, "%s %lld", tui->place.device, (long long) tui->diff_to);
    }
    tui->redraw = true;
}

//  Who made the version and how it came, when the device's list has it
static void
s_version_line (tui_t *tui, int64_t version, char *text, size_t size)
{
    *text = 0;
    size_t index;
    json_t *row;
    json_array_foreach (s_versions (tui), index, row) {
        if (json_integer_value (json_object_get (row, "version")) != version)
            continue;
        char when [32];
        time_t seconds = (time_t) (json_integer_value (json_object_get (row, "ts_us")) / 1000000);
        struct tm tm;
        localtime_r (&seconds, &tm);
        strftime (when, sizeof when, "%Y-%m-%d %H:%M", &tm);
        snprintf (text, size, "  %s, %s%s%s", when, view_str (row, "trigger"),
                  *view_str (row, "who")? " by ": "", view_str (row, "who"));
    }
}

static void
s_draw_diff (tui_t *tui)
{
    json_t *diff = tui->diff;
    if (!diff || !streq (view_str (diff, "device"), tui->place.device)) {
        tui_put (2, 2, COLS - 4, !tui->connected? "meshd is unreachable"
                 : tui->diff_for [0]? "no diff: see the message below": "loading…", tui->attr [C_DIM]);
        return;
    }
    int64_t from = json_integer_value (json_object_get (diff, "from"));
    int64_t to = json_integer_value (json_object_get (diff, "to"));
    char who [160], title [400];
    s_version_line (tui, to, who, sizeof who);
    snprintf (title, sizeof title, "%s: version %lld → %lld, +%lld −%lld%s  (n/p: older/newer change)",
              tui->place.device, (long long) from, (long long) to,
              (long long) json_integer_value (json_object_get (diff, "added")),
              (long long) json_integer_value (json_object_get (diff, "removed")), who);
    tui_rule (tui, 1, title);
    //  the diff, a line at a time, from the scroll
    const char *text = view_str (diff, "diff");
    int y = 2, line = 0, lines = 0;
    for (const char *at = text; *at; lines++) {
        const char *end = strchr (at, '\n');
        size_t length = end? (size_t) (end - at): strlen (at);
        if (line++ >= tui->scroll && y < LINES - 2) {
            char row [1024];
            snprintf (row, sizeof row, "%.*s", (int) (length < sizeof row - 1? length: sizeof row - 1), at);
            attr_t attr = A_NORMAL;
            if (strncmp (row, "+++", 3) == 0 || strncmp (row, "---", 3) == 0
            ||  strncmp (row, "diff ", 5) == 0 || strncmp (row, "index ", 6) == 0)
                attr = tui->attr [C_DIM] | A_BOLD;
            else
            if (*row == '+')
                attr = tui->attr [C_OK];
            else
            if (*row == '-')
                attr = tui->attr [C_BAD];
            else
            if (strncmp (row, "@@", 2) == 0)
                attr = tui->attr [C_ACCENT];
            tui_put (y++, 1, COLS - 2, row, attr);
        }
        at += length + (end? 1: 0);
    }
    if (lines == 0)
        tui_put (2, 2, COLS - 4, "the first version: nothing before it", tui->attr [C_DIM]);
    int most = lines - (tui_body_height () - 1);
    if (tui->scroll > most)
        tui->scroll = most > 0? most: 0;
}

static void
s_step (tui_t *tui, int64_t step)
{
    json_t *diff = tui->diff;
    if (!diff)
        return;
    int64_t to = json_integer_value (json_object_get (diff, "to")) + step;
    int64_t latest = json_integer_value (json_object_get (json_array_get (s_versions (tui), 0), "version"));
    if (to < 1 || (step > 0 && latest && to > latest)) {
        tui_say (tui, false, step > 0? "the newest change": "the first version");
        return;
    }
    tui->diff_to = to;
    tui->scroll = 0;
}
static void s_older (tui_t *tui) { s_step (tui, -1); }
static void s_newer (tui_t *tui) { s_step (tui, 1); }
static void s_line_down (tui_t *tui) { tui->scroll++; }
static void s_line_up (tui_t *tui) { tui->scroll -= tui->scroll > 0; }

static const binding_t s_diff_keys [] = {
    { 'j', KEY_DOWN, "j/k, ↓/↑", "scroll a line", s_line_down, false },
    { 'k', KEY_UP, NULL, NULL, s_line_up, false },
    { KEY_NPAGE, ' ', "PgDn/PgUp", "scroll a page", view_scroll_down, false },
    { KEY_PPAGE, 0, NULL, NULL, view_scroll_up, false },
    { 'n', 0, "n", "the change before (older)", s_older, false },
    { 'p', 0, "p", "the change after (newer)", s_newer, false },
    { 0 }
};

const view_t view_diff = { "diff", "Diff", s_draw_diff, s_diff_keys, false, s_diff_fetch };
