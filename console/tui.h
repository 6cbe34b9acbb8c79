/*  console/tui.h: the full-screen console's insides, shared by tui.c (the
    loop, the data, the screen, the command line) and the views in view/
    (what each view draws and the keys it takes; view/view.h).            */
#ifndef TUI_H_INCLUDED
#define TUI_H_INCLUDED

#include "console.h"
#include <regex.h>
#define NCURSES_WIDECHAR 1
#include <ncurses.h>

typedef struct _tui_t tui_t;
typedef void (action_fn) (tui_t *tui);

//  One key of a view: the same table handles the key and makes the help
typedef struct {
    int key;                    //  a character or a KEY_ code
    int key2;                   //  another key doing the same, or 0
    const char *keys;           //  as help shows them: "j, Down"
    const char *help;
    action_fn *fn;
    bool write;                 //  operators and admins only
} binding_t;

typedef enum {
    VIEW_OVERVIEW, VIEW_DEVICES, VIEW_DEVICE, VIEW_ALARMS, VIEW_PROBES, VIEW_EVENTS,
    VIEW_REPORTS, VIEW_BACKUPS, VIEW_SUBSCRIBERS, VIEW_DIFF, VIEW_HELP, VIEW_COUNT
} view_id_t;

typedef struct {
    const char *name;           //  ":devices"
    const char *title;          //  in the tab bar
    void (*draw) (tui_t *tui);  //  draws from what is held: never waits on meshd
    const binding_t *keys;      //  the view's own keys, { 0 }-terminated
    bool tab;                   //  reached with Tab
    void (*fetch) (tui_t *tui); //  before a frame, what the view needs from meshd, or NULL
} view_t;

//  Colours, by meaning
typedef enum {
    C_NORMAL, C_OK, C_WARN, C_BAD, C_DIM, C_ACCENT, C_TITLE, C_SELECT, C_HEADER,
    C_COUNT
} colour_t;

#define FIELDS_MAX  4
//  What a list view shows: the rows that pass its filter, in its order
typedef struct {
    int selected, top;
    char filter [128];          //  the regular expression as typed ("!" inverts)
    regex_t regex;
    bool has_regex, invert;
    char field_key [FIELDS_MAX][32], field_value [FIELDS_MAX][64];   //  site=hq
    int nfields;
    int sort;                   //  column index, descending when negative-1
    bool descending;
    size_t *rows;               //  indexes into the data array
    size_t nrows;
    bool dirty;                 //  rows to be made again
} list_t;

//  Where the last frame put what a click may hit
#define COLS_MAX    24
typedef struct {
    int tab_x [VIEW_COUNT], tab_end [VIEW_COUNT];   //  the tab bar; end 0: not shown
    list_t *list;               //  the list shown, or NULL
    int header_y, first_y, rows;                    //  its header, first row, rows shown
    int col_x [COLS_MAX], col_end [COLS_MAX];       //  its columns; end 0: not shown
} layout_t;

typedef enum { PROMPT_NONE, PROMPT_COMMAND, PROMPT_FILTER, PROMPT_ACK, PROMPT_UNACK } prompt_t;

#define HISTORY_MAX 32
typedef struct {
    view_id_t view;
    char device [128];
} place_t;

#define SPARK_SIZE  20
typedef struct {
    float value [SPARK_SIZE];   //  NAN: lost
    int count, next;
} spark_t;

struct _tui_t {
    client_t *client;
    zsock_t *sub;               //  meshd's events
    bool connected;
    int64_t retry_ms;           //  next reconnection attempt
    int64_t last_seq;           //  of the last event seen
    char user [64], role [16];
    bool writer;                //  operator or admin
    json_t *sites;              //  the user's site scopes ([] = all)

    json_t *devices, *alarms, *probes, *events, *status;
    json_t *paths;              //  probe.mesh: the paths between probes
    json_t *summary;            //  device.summary: the overview until devices come
    bool want_devices, want_alarms, want_probes, want_status, want_device, want_events, want_summary;
    bool drawn;                 //  a frame is on the screen
    bool devices_loaded;        //  devices holds device.list (fetched after the first frame)
    int64_t fetched_ms;         //  last refetch made for events
    json_t *device;             //  the device detail's device.show
    json_t *device_alarms;
    json_t *chart;              //  points of the detail's chart
    json_t *report;             //  the reports view's report
    json_t *backups;            //  backup.status: the backups view's rows
    int64_t backups_ms;         //  when they were fetched (monotonic; 0: fetch now)
    json_t *versions;           //  backup.list of the device detail's device
    json_t *diff;               //  backup.diff the diff view shows
    char diff_for [160];        //  "device version" it holds
    int64_t diff_to;            //  the version the diff view shows (0: the latest)
    json_t *ppp;                //  the subscribers view's rows: NASes or sessions
    char ppp_query [160];       //  what they answer: "" (the NASes), "nas N", "ip A [T]", "user U"
    int64_t ppp_ms;             //  when they were fetched (monotonic; 0: fetch now)
    char report_for [64];       //  "kind period by_site" it holds
    int report_kind, report_period;
    bool report_by_site;
    int64_t report_ms;          //  when it was fetched (monotonic)
    char chart_for [400];       //  "device metric span" the chart holds
    int chart_metric, chart_span, interface;
    zhashx_t *sparks;           //  device name -> spark_t
    int64_t samples_seen, samples_rate, rate_since_ms;
    int64_t chart_fetched_ms;   //  the detail's chart, grown by samples
    int64_t paused_new;
    bool paused;

    list_t list [VIEW_COUNT];
    json_t *marks;              //  alarm ids marked (object "ID" -> true)
    view_id_t view;
    place_t place;              //  where we are
    place_t back [HISTORY_MAX], forward [HISTORY_MAX];
    int nback, nforward;
    int scroll;                 //  device detail and help: first line shown

    prompt_t prompt;
    char line [256];
    size_t cursor;
    char message [256];
    bool message_bad;
    int64_t message_ms;

    int theme;                  //  0 dark, 1 light, 2 monochrome
    attr_t attr [C_COUNT];
    char banner [80];
    char scheme [256];          //  the operator's colours (console/colours)
    bool quit;
    bool redraw;
    bool mouse;                 //  clicks and the wheel taken (:mouse off gives them back)
    layout_t layout;
#define FRAMES_KEPT 10000
    int64_t frame_us [FRAMES_KEPT];   //  draw times, for VEDETTE_CONSOLE_STATS
    int nframes;
};

//  A ":" command (view/command.c)
typedef struct {
    const char *name;           //  ":devices"
    const char *args;           //  as help shows them, or NULL
    const char *help;
    void (*run) (tui_t *tui, char *rest);
    bool write;                 //  operators and admins only
    int arg;                    //  what Tab completes after the name
    const char **words;         //  the words it takes, when there is a fixed set
} tui_command_t;

extern const view_t *const tui_views [VIEW_COUNT];
extern const tui_command_t tui_commands [];
extern const binding_t tui_global_keys [];

//  -- tui.c: for views ---------------------------------------------------------
//  Calls op (args taken); NULL on failure, with the reason on the message line
json_t *tui_call (tui_t *tui, const char *op, json_t *args);
void tui_say (tui_t *tui, bool bad, const char *format, ...);
//  Goes to a view (and device), remembering where we were for [
void tui_go (tui_t *tui, view_id_t view, const char *device);
//  Writes text at y, x in at most width columns ("…" when cut); the columns used
int tui_put (int y, int x, int width, const char *text, attr_t attr);
//  Sets the colours again from tui->theme and tui->scheme
void tui_apply_theme (tui_t *tui);
//  The colour of a status word (up, down, critical, connected...)
attr_t tui_status_attr (tui_t *tui, const char *status);
//  A line across the screen with a title: "─ Interfaces (4) ─────"
void tui_rule (tui_t *tui, int y, const char *title);
//  Filters a view's list: an extended regular expression, "!" in front
//  inverts it, "" shows all; a bad one is said and shows all
void tui_set_filter (tui_t *tui, view_id_t view, const char *text);
//  The list of a view made again if needed: filter, fields, sort
void tui_rows (tui_t *tui, view_id_t view, json_t *data, char *(*text) (json_t *row),
               int (*compare) (json_t *a, json_t *b, int sort));
//  Moves the selection of a list by delta rows (page: a screenful)
void tui_move (tui_t *tui, list_t *list, int delta);
//  The device's RTT trend, or NULL
spark_t *tui_spark (tui_t *tui, const char *device);
//  Number with thousands separators
char *tui_count (int64_t n, char *buf, size_t size);
//  Rows of the screen between the tab bar and the status lines
int tui_body_height (void);
//  Takes the mouse (clicks, double clicks, the wheel) or gives it back
void tui_set_mouse (tui_t *tui, bool on);

//  -- view/: for tui.c -----------------------------------------------------------
//  Applies one event to what the views hold; true if the screen changed
bool views_event (tui_t *tui, const char *topic, json_t *event);
//  Runs a ":" command line
void views_command (tui_t *tui, const char *line);
//  Completes the word before the cursor of a ":" command line
void views_complete (tui_t *tui);
//  Acks or unacks the marked alarms (or the selected one) with a comment
void views_ack (tui_t *tui, bool ack, const char *comment);

#endif
