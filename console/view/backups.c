/*  console/view/backups.c: the devices backed up, failures first, with
    their last success, last failure and why, versions and last change;
    Enter opens the device, d its latest change, b backs it up now, A
    accepts its new host key. The loop fetches the list when it is shown,
    when a backup event comes and every minute, never while drawing.    */
#include "view.h"

#define BACKUPS_REFETCH_MS  60000

static const vcol_t s_backup_cols [] = {
    { "state", "STATE", COL_STATUS, 9, 0 },
    { "device", "DEVICE", COL_TEXT, 0, 0 },
    { "site", "SITE", COL_TEXT, 10, 100 },
    { "model", "MODEL", COL_TEXT, 8, 0 },
    { "last_ok_us", "LAST OK", COL_AGE, 12, 0 },
    { "last_fail_us", "LAST FAILURE", COL_AGE, 12, 0 },
    { "reason", "WHY", COL_TEXT, 10, 0 },
    { "versions", "VERSIONS", COL_INT, 8, 0 },
    { "last_changed_us", "CHANGED", COL_AGE, 12, 90 },
    { "probe", "PROBE", COL_TEXT, 10, 120 },
    { "error", "ERROR", COL_TEXT, 30, 150 },
    { NULL }
};

//  Fetches backup.status when it is wanted (backups_ms 0) or a minute old
static void
s_backups_fetch (tui_t *tui)
{
    if (tui->backups_ms && zclock_mono () - tui->backups_ms < BACKUPS_REFETCH_MS)
        return;
    tui->backups_ms = zclock_mono ();
    json_t *result = tui_call (tui, "backup.status", NULL);
    if (result) {
        json_decref (tui->backups);
        tui->backups = result;
        tui->list [VIEW_BACKUPS].dirty = true;
    }
    tui->redraw = true;
}

static char *s_backup_text (json_t *row) { return view_row_text (row, s_backup_cols); }

static int
s_backup_compare (json_t *a, json_t *b, int sort)
{
    const char *key = s_backup_cols [sort].key;
    if (streq (key, "state")) {
        //  what needs a look first
        static const char *rank = "failed overdue no_model running pending ok";
        const char *x = strstr (rank, view_str (a, "state")), *y = strstr (rank, view_str (b, "state"));
        int rc = (x? x - rank: 99) - (y? y - rank: 99);
        return rc? rc: strcasecmp (view_str (a, "device"), view_str (b, "device"));
    }
    return view_compare (json_object_get (a, key), json_object_get (b, key));
}

static void
s_draw_backups (tui_t *tui)
{
    if (!tui->backups) {
        tui_put (3, 2, COLS - 4, tui->connected? "loading…": "meshd is unreachable", tui->attr [C_DIM]);
        return;
    }
    tui_rows (tui, VIEW_BACKUPS, tui->backups, s_backup_text, s_backup_compare);
    view_draw_list (tui, tui->backups, s_backup_cols, "devices backed up", NULL, 0);
}

static const char *
s_selected_device (tui_t *tui)
{
    json_t *row = view_selected (tui, tui->backups);
    return row? view_str (row, "device"): NULL;
}

static void
s_open_device (tui_t *tui)
{
    const char *device = s_selected_device (tui);
    if (device)
        tui_go (tui, VIEW_DEVICE, device);
}

static void
s_open_diff (tui_t *tui)
{
    const char *device = s_selected_device (tui);
    if (device)
        view_diff_open (tui, device, 0);
}

static void
s_run (tui_t *tui)
{
    const char *device = s_selected_device (tui);
    if (!device)
        return;
    json_t *reply = tui_call (tui, "backup.run", json_pack ("{s:s}", "device", device));
    if (reply)
        tui_say (tui, false, "a backup of %s is on its way to its probe", device);
    json_decref (reply);
}

static void
s_accept (tui_t *tui)
{
    const char *device = s_selected_device (tui);
    if (!device)
        return;
    json_t *reply = tui_call (tui, "backup.accept", json_pack ("{s:s}", "device", device));
    if (reply)
        tui_say (tui, false, "%s: host key %s accepted", device, json_object_get (reply, "hostkey")
                 ? view_str (reply, "hostkey"): view_str (reply, "jump_hostkey"));
    json_decref (reply);
    tui->backups_ms = 0;
}

static const binding_t s_backups_keys [] = {
    { '\n', '\r', "Enter", "device detail, with its versions", s_open_device, false },
    { KEY_ENTER, 0, NULL, NULL, s_open_device, false },
    { 'd', 0, "d", "the device's last change, coloured", s_open_diff, false },
    { 'b', 0, "b", "back the device up now", s_run, true },
    { 'A', 0, "A", "accept the device's new host key (after checking it)", s_accept, true },
    MOVE_KEYS,
    { 0 }
};

const view_t view_backups = { "backups", "Backups", s_draw_backups, s_backups_keys, true, s_backups_fetch };
