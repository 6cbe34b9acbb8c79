/*  console/view/alarms.c: the active and acknowledged alarms, most severe
    first; marks, and acks with a comment.                                */
#include "view.h"

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

static char *s_alarm_text (json_t *row) { return view_row_text (row, s_alarm_cols); }

static int
s_alarm_compare (json_t *a, json_t *b, int sort)
{
    if (sort <= 1) {
        //  most severe first, then the newest
        static const char *rank = "critical major minor warning info";
        const char *x = strstr (rank, view_str (a, "severity")), *y = strstr (rank, view_str (b, "severity"));
        int rc = (x? x - rank: 99) - (y? y - rank: 99);
        if (rc)
            return rc;
        return -view_compare (json_object_get (a, "first_us"), json_object_get (b, "first_us"));
    }
    return view_compare (json_object_get (a, s_alarm_cols [sort].key),
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
    view_draw_list (tui, tui->alarms, s_alarm_cols, "alarms", s_alarm_cell, 0);
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
    json_t *row = view_selected (tui, tui->alarms);
    if (!row)
        return;
    char id [32];
    snprintf (id, sizeof id, "%lld", (long long) json_integer_value (json_object_get (row, "id")));
    if (json_object_get (tui->marks, id))
        json_object_del (tui->marks, id);
    else
        json_object_set_new (tui->marks, id, json_true ());
    tui_move (tui, view_list (tui), 1);
}

static void
s_mark_all (tui_t *tui)
{
    list_t *list = view_list (tui);
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
    if (!json_object_size (tui->marks) && !view_selected (tui, tui->alarms)) {
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
        json_t *row = tui->view == VIEW_ALARMS? view_selected (tui, tui->alarms): NULL;
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
    json_t *row = view_selected (tui, tui->alarms);
    const char *device = view_str (row, "device");
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

const view_t view_alarms = { "alarms", "Alarms", s_draw_alarms, s_alarms_keys, true, NULL };
