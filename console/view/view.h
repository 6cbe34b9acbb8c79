/*  console/view/view.h: what the views share. A view is a file of its own
    (overview.c, devices.c, device.c, alarms.c, probes.c, events.c,
    reports.c, backups.c, subscribers.c, diff.c, help.c) that declares its view_t: its draw function, its table of keys
    (the same table makes the help), and what it fetches before a frame.
    Drawing never waits on meshd: the loop fetches (tui.c, view->fetch),
    meshd's events keep the data (feed.c), and the ":" commands are one
    table (command.c). Lists share one way of drawing, filtering, sorting
    and moving (list.c, tui_rows, tui_move).                              */
#ifndef CONSOLE_VIEW_H_INCLUDED
#define CONSOLE_VIEW_H_INCLUDED

#include "tui.h"

//  A column of a list view
typedef struct {
    const char *key;            //  field of the API object; NULL: drawn by the view
    const char *header;
    column_kind_t kind;
    int width;                  //  0: takes what is left
    int min_cols;               //  shown only on terminals this wide
} vcol_t;

//  The views, each in its file
extern const view_t view_overview, view_devices, view_device, view_alarms, view_probes,
                    view_events, view_reports, view_backups, view_subscribers, view_diff, view_help;

//  -- subscribers.c --------------------------------------------------------------
//  Shows the answer to a query: "" the NASes, "nas NAME" its active
//  sessions, "ip ADDRESS [TIME]" who had it, "user NAME" their sessions
void view_subscribers_query (tui_t *tui, const char *query);

//  -- diff.c ---------------------------------------------------------------------
//  Opens the diff view on a device's change to version (0: the latest)
void view_diff_open (tui_t *tui, const char *device, int64_t version);

//  -- list.c ---------------------------------------------------------------------
//  The list of the current view, and its selected row in data (or NULL)
list_t *view_list (tui_t *tui);
json_t *view_selected (tui_t *tui, json_t *data);
//  A string field, "" if there is none
const char *view_str (json_t *object, const char *key);
//  The row of list whose key has value (and its index in at), or NULL
json_t *view_find (json_t *list, const char *key, json_t *value, size_t *at);
//  A generic comparison: numbers as numbers, text as text, missing last
int view_compare (json_t *a, json_t *b);
//  Draws a list: headers, rows (cells, colours, the selection), footer.
//  cell: draws a column that has no key (returns false to use the key);
//  height 0: the whole body
void view_draw_list (tui_t *tui, json_t *data, const vcol_t *cols, const char *what,
                     bool (*cell) (tui_t *tui, json_t *row, int c, int y, int x, int width),
                     int height);
//  Text of a row for the filter: every column's text (caller frees)
char *view_row_text (json_t *row, const vcol_t *cols);
//  Blocks of eight heights, lowest first, for sparklines and charts
extern const char *view_blocks [8];
//  A device's RTT trend in block characters
void view_sparkline (tui_t *tui, spark_t *spark, int y, int x, int width, bool selected);
//  The keys that move in a list, and that scroll a page of text
void view_down (tui_t *tui);
void view_up (tui_t *tui);
void view_page_down (tui_t *tui);
void view_page_up (tui_t *tui);
void view_home (tui_t *tui);
void view_end (tui_t *tui);
void view_scroll_down (tui_t *tui);
void view_scroll_up (tui_t *tui);
#define MOVE_KEYS \
    { 'j', KEY_DOWN, "j/k, ↓/↑", "move", view_down, false }, \
    { 'k', KEY_UP, NULL, NULL, view_up, false }, \
    { KEY_NPAGE, 0, "PgDn/PgUp", "page", view_page_down, false }, \
    { KEY_PPAGE, 0, NULL, NULL, view_page_up, false }, \
    { 'g', KEY_HOME, "g/G", "first, last", view_home, false }, \
    { 'G', KEY_END, NULL, NULL, view_end, false }

#endif
