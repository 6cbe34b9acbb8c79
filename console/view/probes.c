/*  console/view/probes.c: the probes, and under them the mesh: the paths
    measured between probes as a matrix.                                  */
#include "view.h"

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

static char *s_probe_text (json_t *row) { return view_row_text (row, s_probe_cols); }
static int
s_probe_compare (json_t *a, json_t *b, int sort)
{
    return view_compare (json_object_get (a, s_probe_cols [sort].key),
                             json_object_get (b, s_probe_cols [sort].key));
}

//  A skewed clock's offset in the warning colour
static bool
s_probe_cell (tui_t *tui, json_t *row, int c, int y, int x, int width)
{
    if (!streq (s_probe_cols [c].header, "CLOCK") || !streq (view_str (row, "clock"), "skewed"))
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
            const char *name = view_str (path, end? "to": "from");
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
                    if (streq (view_str (path, "from"), names [r]) && streq (view_str (path, "to"), names [c]))
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
                    attr = tui_status_attr (tui, view_str (found, "state"));
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
        view_draw_list (tui, tui->probes, s_probe_cols, "probes", s_probe_cell, 0);
        return;
    }
    view_draw_list (tui, tui->probes, s_probe_cols, "probes", s_probe_cell, body - count - 3);
    s_draw_mesh (tui, 2 + body - count - 2, names, count);
}

static void
s_probe_devices (tui_t *tui)
{
    json_t *row = view_selected (tui, tui->probes);
    if (!row)
        return;
    list_t *list = &tui->list [VIEW_DEVICES];
    list->nfields = 1;
    snprintf (list->field_key [0], sizeof list->field_key [0], "probe");
    snprintf (list->field_value [0], sizeof list->field_value [0], "%s", view_str (row, "name"));
    list->dirty = true;
    tui_go (tui, VIEW_DEVICES, NULL);
}

static const binding_t s_probes_keys [] = {
    { '\n', '\r', "Enter", "the probe's devices", s_probe_devices, false },
    MOVE_KEYS,
    { 0 }
};

const view_t view_probes = { "probes", "Probes", s_draw_probes, s_probes_keys, true, NULL };
