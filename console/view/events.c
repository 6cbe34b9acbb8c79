/*  console/view/events.c: a live tail of events, newest first, each as a
    sentence (sentence.c); p pauses it.                                   */
#include "view.h"

static const vcol_t s_event_cols [] = {
    { "ts_us", "TIME", COL_TIME, 24, 0 },
    { "topic", "TOPIC", COL_TEXT, 16, 0 },
    { "site", "SITE", COL_TEXT, 10, 0 },
    { NULL, "EVENT", COL_TEXT, 0, 0 },
    { NULL }
};

static char *
s_event_text (json_t *row)
{
    char sentence [1024];
    event_sentence (row, sentence, sizeof sentence);
    return zsys_sprintf ("%s %s %s", view_str (row, "topic"), view_str (row, "site"), sentence);
}

//  Newest first
static int
s_event_compare (json_t *a, json_t *b, int sort)
{
    (void) sort;
    return -view_compare (json_object_get (a, "seq"), json_object_get (b, "seq"));
}

static bool
s_event_cell (tui_t *tui, json_t *row, int c, int y, int x, int width)
{
    if (c != 3)
        return false;
    char sentence [1024];
    event_sentence (row, sentence, sizeof sentence);
    bool selected = y - 2 + view_list (tui)->top == view_list (tui)->selected;
    tui_put (y, x, width, sentence, selected? tui->attr [C_SELECT]: A_NORMAL);
    return true;
}

static void
s_draw_events (tui_t *tui)
{
    tui_rows (tui, VIEW_EVENTS, tui->events, s_event_text, s_event_compare);
    view_draw_list (tui, tui->events, s_event_cols, "events", s_event_cell, 0);
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

const view_t view_events = { "events", "Events", s_draw_events, s_events_keys, true, NULL };
