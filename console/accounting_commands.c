/*  console/accounting_commands.c: nas add (its shared secret read from
    standard input or asked for, never an argument), ip-history, ppp
    sessions (sessions as a table: who, where, when, how sure) and ppp
    usage.                                                               */
#include "console.h"

//  the options and columns of nas add, nas list, ip-history, ppp sessions
//  and ppp usage
const option_t cli_nas_add_options [] = {
    { "address", "ADDRESS", "the address its accounting comes from (required)", OPT_TEXT },
    { "site", "SITE", "its site (required): the site's probes receive its accounting", OPT_TEXT },
    { "probe", "PROBE", "only this probe of the site receives it", OPT_TEXT },
    { "secret-stdin", NULL, "read the shared secret from standard input (else it is asked for)", OPT_TEXT },
    { NULL, NULL, NULL, OPT_TEXT }
};
const column_t cli_nas_columns [] = {
    { "name", "NAS", COL_TEXT }, { "address", "ADDRESS", COL_TEXT }, { "site", "SITE", COL_TEXT },
    { "probe", "PROBE", COL_TEXT }, { "active", "ACTIVE", COL_INT }, { "last_us", "LAST RECORD", COL_AGE },
    { NULL }
};
const option_t cli_ip_history_options [] = {
    { "at", "TIME", "at this time (2026-03-02T10:41:00Z, -1h)", OPT_TEXT },
    { "from", "TIME", "over a range from this time", OPT_TEXT },
    { "to", "TIME", "to this time (default now)", OPT_TEXT },
    { "limit", "N", "at most N sessions (default 100)", OPT_INT },
    { NULL, NULL, NULL, OPT_TEXT }
};
const option_t cli_ppp_sessions_options [] = {
    { "user", "USER", "a subscriber's sessions", OPT_TEXT },
    { "nas", "NAS", "a NAS's sessions", OPT_TEXT },
    { "mac", "MAC", "the sessions of a calling station (as the NAS writes it: 00-11-22-33-44-55)", OPT_TEXT },
    { "active", NULL, "only those still active", OPT_TEXT },
    { "from", "TIME", "those that went on after this time", OPT_TEXT },
    { "to", "TIME", "those that began before this time", OPT_TEXT },
    { "limit", "N", "at most N sessions (default 100)", OPT_INT },
    { NULL, NULL, NULL, OPT_TEXT }
};
const column_t cli_ppp_session_columns [] = {
    { "user", "USER", COL_TEXT }, { "nas", "NAS", COL_TEXT }, { "session_id", "SESSION", COL_TEXT },
    { "addresses", "ADDRESSES", COL_TEXT }, { "calling_station", "CALLING STATION", COL_TEXT },
    { "start_us", "START", COL_TIME }, { "stop_us", "STOP", COL_TIME }, { "state", "STATE", COL_STATUS },
    { "input_octets", "IN BYTES", COL_INT }, { "output_octets", "OUT BYTES", COL_INT },
    { "sure", "HOW SURE", COL_TEXT }, { NULL }
};
const option_t cli_ppp_usage_options [] = {
    { "user", "USER", "the subscriber (required)", OPT_TEXT },
    { "month", "YYYY-MM", "one month (UTC); default the last twelve", OPT_TEXT },
    { "from", "TIME", "the months from the one holding this time", OPT_TEXT },
    { "to", "TIME", "to this time", OPT_TEXT },
    { NULL, NULL, NULL, OPT_TEXT }
};
const column_t cli_ppp_usage_columns [] = {
    { "user", "USER", COL_TEXT }, { "month", "MONTH", COL_TEXT }, { "input_octets", "IN BYTES", COL_INT },
    { "output_octets", "OUT BYTES", COL_INT }, { "sessions", "SESSIONS", COL_INT }, { NULL }
};
static const column_t s_session_columns [] = {
    { "address", "ADDRESS", COL_TEXT }, { "user", "USER", COL_TEXT }, { "nas", "NAS", COL_TEXT },
    { "session_id", "SESSION", COL_TEXT }, { "calling_station", "CALLING STATION", COL_TEXT },
    { "nas_port_id", "PORT", COL_TEXT }, { "start_us", "START", COL_TIME }, { "stop_us", "STOP", COL_TIME },
    { "state", "STATE", COL_STATUS }, { "sure", "HOW SURE", COL_TEXT }, { NULL }
};

int
cli_nas_add (const command_t *command, json_t *args, bool json, bool csv)
{
    bool from_stdin = json_is_true (json_object_get (args, "secret_stdin"));
    json_object_del (args, "secret_stdin");
    char *secret = cli_secret ("shared secret", from_stdin);
    if (!secret || !*secret) {
        fprintf (stderr, "vedette: nas add: no shared secret given\n");
        vd_secret_free (&secret);
        return EXIT_USAGE;
    }
    cli_put_secret (args, "secret", &secret);
    int code = cli_run_generic (command, args, json, csv);
    cli_wipe_args (args);
    return code;
}

static const column_t s_sighting_columns [] = {
    { "address", "ADDRESS", COL_TEXT }, { "mac", "MAC", COL_TEXT }, { "router", "ROUTER", COL_TEXT },
    { "interface", "INTERFACE", COL_TEXT }, { "first_us", "FIRST SEEN", COL_TIME },
    { "last_us", "LAST SEEN", COL_TIME }, { NULL }
};

//  The sessions, then what the routers saw (CSV: the sessions only)
static void
s_print_history (json_t *result, bool csv)
{
    json_t *sessions = json_object_get (result, "sessions");
    json_t *sightings = json_object_get (result, "sightings");
    const char *address = json_string_value (json_object_get (result, "address"));
    if (csv || json_array_size (sessions))
        table_print (sessions, s_session_columns, csv);
    else
        printf ("no session held %s then\n", address);
    if (csv)
        return;
    if (json_array_size (sightings)) {
        printf ("\nseen in routers' ARP or neighbour tables (a MAC, not a subscriber):\n");
        table_print (sightings, s_sighting_columns, false);
    }
    else
    if (json_array_size (sessions) == 0)
        printf ("and no router saw it in its ARP or neighbour table\n");
}

int
cli_ip_history (const command_t *command, json_t *args, bool json, bool csv)
{
    return cli_run_print (command, args, json, csv, s_print_history);
}
