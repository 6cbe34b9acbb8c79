/*  console/view/devices.c: the devices list, worst first, with each
    device's RTT trend; Enter opens one.                                  */
#include "view.h"

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

static char *s_device_text (json_t *row) { return view_row_text (row, s_device_cols); }

static int
s_device_compare (json_t *a, json_t *b, int sort)
{
    const char *key = s_device_cols [sort].key? s_device_cols [sort].key: "rtt";
    if (streq (key, "status")) {
        //  worst first: down, unreachable, unknown, up
        static const char *rank = "down unreachable unknown up";
        const char *x = strstr (rank, view_str (a, "status")), *y = strstr (rank, view_str (b, "status"));
        int rc = (x? x - rank: 99) - (y? y - rank: 99);
        return rc? rc: strcasecmp (view_str (a, "name"), view_str (b, "name"));
    }
    return view_compare (json_object_get (a, key), json_object_get (b, key));
}

static bool
s_device_cell (tui_t *tui, json_t *row, int c, int y, int x, int width)
{
    if (s_device_cols [c].key)
        return false;
    bool selected = y - 2 + view_list (tui)->top == view_list (tui)->selected;
    view_sparkline (tui, tui_spark (tui, view_str (row, "name")), y, x, width, selected);
    return true;
}

static void
s_draw_devices (tui_t *tui)
{
    tui_rows (tui, VIEW_DEVICES, tui->devices, s_device_text, s_device_compare);
    view_draw_list (tui, tui->devices, s_device_cols, "devices", s_device_cell, 0);
}


static void
s_open_device (tui_t *tui)
{
    json_t *row = view_selected (tui, tui->devices);
    if (row)
        tui_go (tui, VIEW_DEVICE, view_str (row, "name"));
}

static void
s_sort_next (tui_t *tui)
{
    //  the devices view's key
    list_t *list = view_list (tui);
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
    list_t *list = view_list (tui);
    list->descending = !list->descending;
    list->dirty = true;
}


static const binding_t s_devices_keys [] = {
    { '\n', '\r', "Enter", "device detail", s_open_device, false },
    { KEY_ENTER, 0, NULL, NULL, s_open_device, false },
    MOVE_KEYS,
    { 's', 0, "s", "sort by the next column", s_sort_next, false },
    { 'S', 0, "S", "reverse the order", s_sort_reverse, false },
    { 0 }
};

const view_t view_devices = { "devices", "Devices", s_draw_devices, s_devices_keys, true, NULL };
