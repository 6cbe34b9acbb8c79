/*  console/accounting_commands.c: nas add (its shared secret read from
    standard input or asked for, never an argument), ip-history and ppp
    sessions (sessions as a table: who, where, when, how sure).          */
#include "console.h"

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

static void
s_print_history (json_t *result, bool csv)
{
    json_t *sessions = json_object_get (result, "sessions");
    if (!csv && json_array_size (sessions) == 0) {
        printf ("no session held %s then\n", json_string_value (json_object_get (result, "address")));
        return;
    }
    table_print (sessions, s_session_columns, csv);
}

int
cli_ip_history (const command_t *command, json_t *args, bool json, bool csv)
{
    return cli_run_print (command, args, json, csv, s_print_history);
}
