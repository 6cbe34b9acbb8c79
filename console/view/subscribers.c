/*  console/view/subscribers.c: PPP accounting. It lists the NASes with
    their active sessions; Enter on one lists those sessions; ":ip ADDRESS
    [TIME]" shows who had an address (or the addresses in a prefix) then,
    and below, the MACs routers saw it at (ARP, neighbour tables);
    ":ppp USER" a subscriber's sessions, each with how sure it is; n goes
    back to the NASes. A lookup is personal data, audited by meshd: it is
    made once when asked, never again by itself; the NASes are fetched
    again every minute.                                                  */
#include "view.h"

#define NAS_REFETCH_MS  60000

static const vcol_t s_nas_cols [] = {
    { "name", "NAS", COL_TEXT, 0, 0 },
    { "address", "ADDRESS", COL_TEXT, 18, 0 },
    { "site", "SITE", COL_TEXT, 10, 0 },
    { "probe", "PROBE", COL_TEXT, 10, 90 },
    { "active", "ACTIVE", COL_INT, 8, 0 },
    { "last_us", "LAST RECORD", COL_AGE, 12, 0 },
    { NULL }
};

static const vcol_t s_session_cols [] = {
    { "user", "USER", COL_TEXT, 12, 0 },
    { "address", "ADDRESS", COL_TEXT, 22, 0 },
    { "nas", "NAS", COL_TEXT, 8, 0 },
    { "session_id", "SESSION", COL_TEXT, 10, 100 },
    { "calling_station", "CALLING STATION", COL_TEXT, 18, 90 },
    { "start_us", "START", COL_TIME, 19, 0 },
    { "stop_us", "STOP", COL_TIME, 19, 0 },
    { "state", "STATE", COL_STATUS, 8, 0 },
    { "sure", "HOW SURE", COL_TEXT, 0, 0 },
    { NULL }
};

static bool
s_nases (tui_t *tui)
{
    return !*tui->ppp_query;
}

static const vcol_t *
s_cols (tui_t *tui)
{
    return s_nases (tui)? s_nas_cols: s_session_cols;
}

//  A session's address for its row: the one looked up, else those it held
static void
s_addresses (json_t *rows)
{
    size_t index;
    json_t *row;
    json_array_foreach (rows, index, row) {
        json_t *addresses = json_object_get (row, "addresses");
        if (json_object_get (row, "address") || !json_is_array (addresses))
            continue;
        char text [200] = "";
        size_t at;
        json_t *address;
        json_array_foreach (addresses, at, address)
            snprintf (text + strlen (text), sizeof text - strlen (text), "%s%s", at? " ": "",
                      json_string_value (address));
        json_object_set_new (row, "address", json_string (text));
    }
}

//  The routers' sightings of an address as rows below its sessions: the
//  router in NAS, the MAC in CALLING STATION, first and last seen, "arp"
//  for session (no user: a MAC is not a subscriber)
static void
s_sightings (json_t *rows, json_t *sightings)
{
    size_t index;
    json_t *seen;
    json_array_foreach (sightings, index, seen)
        if (rows)
            json_array_append_new (rows, json_pack ("{s:s, s:O, s:O, s:s, s:O, s:O, s:O, s:s, s:O}", "user", "",
                "address", json_object_get (seen, "address"), "nas", json_object_get (seen, "router"),
                "session_id", "arp", "calling_station", json_object_get (seen, "mac"),
                "start_us", json_object_get (seen, "first_us"), "stop_us", json_object_get (seen, "last_us"),
                "state", "seen", "sure", json_object_get (seen, "sure")));
}

//  What the query asks: the NASes, a NAS's active sessions ("nas NAME"),
//  an address's history ("ip ADDRESS [TIME]"), a user's sessions ("user NAME")
static void
s_fetch (tui_t *tui)
{
    if (tui->ppp_ms && (!s_nases (tui) || zclock_mono () - tui->ppp_ms < NAS_REFETCH_MS))
        return;
    tui->ppp_ms = zclock_mono ();
    char query [160], what [128] = "", when [64] = "";
    snprintf (query, sizeof query, "%s", tui->ppp_query);
    sscanf (query, "%*s %127s %63s", what, when);
    json_t *result = NULL;
    if (s_nases (tui))
        result = tui_call (tui, "nas.list", NULL);
    else
    if (strncmp (query, "nas ", 4) == 0)
        result = tui_call (tui, "ppp.sessions", json_pack ("{s:s, s:b}", "nas", what, "active", true));
    else
    if (strncmp (query, "user ", 5) == 0)
        result = tui_call (tui, "ppp.sessions", json_pack ("{s:s}", "user", what));
    else {
        json_t *args = json_pack ("{s:s}", "address", what);
        if (*when)
            json_object_set_new (args, "at", json_string (when));
        json_t *history = tui_call (tui, "ip.history", args);
        result = history? json_incref (json_object_get (history, "sessions")): NULL;
        s_sightings (result, json_object_get (history, "sightings"));
        json_decref (history);
    }
    json_decref (tui->ppp);
    tui->ppp = result? result: json_array ();
    s_addresses (tui->ppp);
    tui->list [VIEW_SUBSCRIBERS].dirty = true;
    tui->list [VIEW_SUBSCRIBERS].selected = 0;
    tui->redraw = true;
}

static char *
s_row_text (json_t *row)
{
    //  the columns of either list: a filter matches what is shown
    return view_row_text (row, json_object_get (row, "session_id")? s_session_cols: s_nas_cols);
}

static int
s_row_compare (json_t *a, json_t *b, int sort)
{
    (void) sort;
    //  the NASes by name; sessions newest first, as meshd gave them
    return json_object_get (a, "session_id")? 0: strcasecmp (view_str (a, "name"), view_str (b, "name"));
}

static void
s_draw (tui_t *tui)
{
    if (!tui->ppp) {
        tui_put (3, 2, COLS - 4, tui->connected? "loading…": "meshd is unreachable", tui->attr [C_DIM]);
        return;
    }
    char what [200];
    if (s_nases (tui))
        snprintf (what, sizeof what, "NASes (Enter: active sessions; :ip ADDRESS [TIME], :ppp USER)");
    else
        snprintf (what, sizeof what, "sessions: %s (n: the NASes)", tui->ppp_query);
    tui_rows (tui, VIEW_SUBSCRIBERS, tui->ppp, s_row_text, s_row_compare);
    view_draw_list (tui, tui->ppp, s_cols (tui), what, NULL, 0);
}

void
view_subscribers_query (tui_t *tui, const char *query)
{
    snprintf (tui->ppp_query, sizeof tui->ppp_query, "%s", query);
    tui->ppp_ms = 0;
    json_decref (tui->ppp);
    tui->ppp = NULL;
    if (tui->view != VIEW_SUBSCRIBERS)
        tui_go (tui, VIEW_SUBSCRIBERS, NULL);
}

static void
s_open (tui_t *tui)
{
    json_t *row = view_selected (tui, tui->ppp);
    char query [160];
    if (row && s_nases (tui)) {
        snprintf (query, sizeof query, "nas %s", view_str (row, "name"));
        view_subscribers_query (tui, query);
    }
    else
    if (row && *view_str (row, "user")) {
        snprintf (query, sizeof query, "user %s", view_str (row, "user"));
        view_subscribers_query (tui, query);
    }
}

static void s_back (tui_t *tui) { view_subscribers_query (tui, ""); }

static const binding_t s_keys [] = {
    { '\n', '\r', "Enter", "a NAS's active sessions; a session's subscriber's sessions", s_open, false },
    { KEY_ENTER, 0, NULL, NULL, s_open, false },
    { 'n', 0, "n", "the NASes again", s_back, false },
    MOVE_KEYS,
    { 0 }
};

//  not in the Tab cycle (the tab bar holds seven views at 80 columns): 8,
//  :ip and :ppp open it, and its tab shows while it is open
const view_t view_subscribers = { "subscribers", "Subscribers", s_draw, s_keys, false, s_fetch };
