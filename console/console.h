/*  vedette: the CLI and the full-screen console (tui.c, view/). One table
    (commands.c) declares every command: its words, arguments, options,
    help, and the API operation it calls; usage, --help, the man page test
    and shell completion come from it.                                      */
#ifndef CONSOLE_H_INCLUDED
#define CONSOLE_H_INCLUDED

#include "vedette.h"

//  Exit codes, documented in vedette(1)
#define EXIT_OK             0
#define EXIT_FAILED         1
#define EXIT_USAGE          2
#define EXIT_DENIED         3
#define EXIT_UNREACHABLE    4

//  -- the API client ------------------------------------------------------------
typedef struct _client_t client_t;

//  A client for endpoint (NULL: from --endpoint, $VEDETTE_ENDPOINT, the
//  saved session, or the default), with the saved session's token.
client_t *client_new (const char *endpoint);
void client_destroy (client_t **self_p);
//  Calls op with args (taken). Returns the result (caller owns) or NULL
//  with *code set to an exit code and a message printed on stderr.
json_t *client_call (client_t *self, const char *op, json_t *args, int *code);
//  Saves a session (endpoint, user, token) for later commands.
int client_save_session (client_t *self, const char *user, const char *token, int64_t expires_us);
//  Forgets the saved session.
void client_forget_session (void);
//  The endpoint in use.
const char *client_endpoint (client_t *self);
//  A SUB socket connected to an events endpoint (CURVE with the client key
//  on tcp); NULL with a message on failure.
zsock_t *client_subscribe (client_t *self, const char *endpoint);
//  Quiet: errors are kept for client_error instead of printed (the console).
void client_set_quiet (client_t *self, bool quiet);
//  How long client_call waits for a reply (default 10 s).
void client_set_timeout (client_t *self, int ms);
//  The last error, "" if none.
const char *client_error (client_t *self);
//  The session token in use, or NULL.
const char *client_token (client_t *self);
//  The events endpoint of the client key, or NULL.
const char *client_events_endpoint (client_t *self);

//  -- events as sentences (sentence.c) -------------------------------------------
//  "core1 is down (was up)", "trap linkDown from sw1 ge-0/0/1": an event
//  ({topic, data}) as an engineer reads it
void event_sentence (json_t *event, char *out, size_t size);

//  -- tables for people ----------------------------------------------------------
typedef enum {
    COL_TEXT, COL_INT, COL_MS, COL_PERCENT, COL_AGE, COL_STATUS, COL_TIME,
    COL_BPS,                    //  bits per second, SI: 940M
    COL_RATE,                   //  per second, two decimals
    COL_SPAN,                   //  seconds as a span: 12d3h
    COL_MICROS,                 //  microseconds as 0.231ms, 1.20s
    COL_OFFSET,                 //  signed microseconds: +0.231ms, -5.00s
    COL_AVAIL                   //  a percentage to 0.001: 99.982% (availability)
} column_kind_t;

typedef struct {
    const char *key;            //  field of the API object
    const char *header;         //  column title
    column_kind_t kind;         //  how the value is shown
} column_t;

//  A cell's text as table_print shows it (caller frees).
char *table_cell (json_t *object, const column_t *column);
//  Prints a list of objects as an aligned table that fits the terminal
//  (colour on a tty only), or as CSV.
void table_print (json_t *list, const column_t *columns, bool csv);
//  Formats a span in µs as "0.231ms", "12.4ms", "1.20s"; with sign, "+" or
//  "-" first.
char *table_micros (int64_t us, bool sign, char *buf, size_t size);
//  Formats a time in µs since the epoch as "12s ago" / ISO 8601.
char *table_age (int64_t us, char *buf, size_t size);

//  -- commands --------------------------------------------------------------------
typedef enum {
    OPT_TEXT,                   //  sent as a string (durations, times: meshd parses)
    OPT_INT,                    //  sent as an integer
    OPT_LIST                    //  "a,b,c" sent as a list of strings
} option_kind_t;

typedef struct {
    const char *name;           //  --name
    const char *value;          //  placeholder ("NAME"), NULL for a flag
    const char *help;
    option_kind_t kind;
} option_t;

typedef struct _command_t command_t;
typedef int (command_fn) (const command_t *command, json_t *args, bool json, bool csv);

struct _command_t {
    const char *noun;           //  "device"
    const char *verb;           //  "list"; NULL for one-word commands
    const char *op;             //  API operation, NULL if local
    const char *positional;     //  positional arguments ("DEVICE METRIC"), NULL if none
    const char *positional_key; //  their JSON keys, in order ("device metric");
                                //  "seq:i" for an integer
    const option_t *options;    //  allowed options, NULL-terminated
    const column_t *columns;    //  for lists
    command_fn *run;            //  NULL: call op and print the result
    const char *help;           //  one line
};

extern const command_t commands [];
//  Runs the CLI; returns the exit code.
int cli_main (int argc, char *argv []);
//  Converts an option's text to its JSON value; NULL with a message if bad.
json_t *cli_value (const char *name, const char *text, option_kind_t kind);
//  Calls the command's operation and prints the result (table or fields).
int cli_run_generic (const command_t *command, json_t *args, bool json, bool csv);
//  Calls the command's operation with args (not taken) on a fresh client.
json_t *cli_call (const command_t *command, json_t *args, int *code);
//  Prints a result as indented JSON.
void cli_print_json (json_t *value);
//  Calls the command's operation and prints the result with print, or as
//  JSON with --json; returns the exit code.
typedef void (cli_print_fn) (json_t *result, bool csv);
int cli_run_print (const command_t *command, json_t *args, bool json, bool csv, cli_print_fn *print);
//  report latency, billing, top, alarms (console/report_commands.c).
int cli_report (const command_t *command, json_t *args, bool json, bool csv);
//  One secret line from stdin (from_stdin, or stdin is not a terminal), or
//  asked for on the terminal without echo after "PROMPT: ". Caller frees
//  with vd_secret_free.
char *cli_secret (const char *prompt, bool from_stdin);
//  Moves a secret into args under key; cli_wipe_args wipes the secrets of
//  args (password, enable, key, community, auth, priv, secret) after the call
void cli_put_secret (json_t *args, const char *key, char **secret);
void cli_wipe_args (json_t *args);
//  nas add (its secret); ip-history, ppp sessions (console/accounting_commands.c)
int cli_nas_add (const command_t *command, json_t *args, bool json, bool csv);
int cli_ip_history (const command_t *command, json_t *args, bool json, bool csv);
extern const option_t cli_nas_add_options [], cli_ip_history_options [], cli_ppp_sessions_options [],
                      cli_ppp_usage_options [];
extern const column_t cli_nas_columns [], cli_ppp_session_columns [], cli_ppp_usage_columns [];
//  cred add (its secrets); backup run, show, diff (console/backup_commands.c).
int cli_cred_add (const command_t *command, json_t *args, bool json, bool csv);
int cli_cred_test (const command_t *command, json_t *args, bool json, bool csv);
int cli_backup_run (const command_t *command, json_t *args, bool json, bool csv);
int cli_backup_show (const command_t *command, json_t *args, bool json, bool csv);
int cli_backup_diff (const command_t *command, json_t *args, bool json, bool csv);
int cli_backup_grep (const command_t *command, json_t *args, bool json, bool csv);
int cli_backup_export (const command_t *command, json_t *args, bool json, bool csv);
//  rule add, set, test (console/rule_commands.c).
int cli_rule_add (const command_t *command, json_t *args, bool json, bool csv);
int cli_rule_set (const command_t *command, json_t *args, bool json, bool csv);
int cli_rule_test (const command_t *command, json_t *args, bool json, bool csv);
//  event list and event since; event follow (console/event_commands.c).
int cli_event_list (const command_t *command, json_t *args, bool json, bool csv);
int cli_event_follow (const command_t *command, json_t *args, bool json, bool csv);
//  Prints a bash completion script made from the command table.
void cli_completion_bash (FILE *out);

//  What a status word means, for its colour in tables and in the console:
//  up, ok, connected... are good; down, failed, critical... bad; late,
//  minor, unreachable... a warning; info is news.
typedef enum { STATUS_NONE, STATUS_OK, STATUS_WARN, STATUS_BAD, STATUS_INFO } status_class_t;
status_class_t status_class (const char *status);

//  -- the full-screen console ----------------------------------------------------
//  Runs the console until the user quits; returns the exit code.
int tui_main (const char *endpoint);
//  The console's ":" commands, one a line ("devices [site=hq] ..."), for
//  the documentation test
void tui_print_commands (void);

#endif
