/*  meshd/api/api.h: the API actor's operations table and what each operation
    gets. Operation names are noun.verb, the same words as the CLI.          */
#ifndef MESHD_API_H_INCLUDED
#define MESHD_API_H_INCLUDED

#include "meshd.h"

typedef struct _api_t api_t;

//  One request being served.
typedef struct {
    const char *op;             //  noun.verb
    json_t *args;               //  always an object
    int64_t user_id;            //  0 before login
    char user [64];             //  who is asking
    char role [16];             //  admin, operator, viewer
    char origin [80];           //  "ipc", or "tcp:" and the client key's name
    unsigned char session [32]; //  hash of the session token in use
    bool scoped;                //  the user sees only the sites of user_site
    json_t *error;              //  set by api_fail
    char *raw;                  //  the result as JSON text (api_rows_reply)
    int64_t begun_us;           //  monotonic, when it came
} api_call_t;

typedef json_t *(api_handler_fn) (api_t *api, api_call_t *call);

//  One operation. args declares its arguments, checked before the handler
//  runs: "name:type" with "!" for required, separated by spaces. Types:
//  s string, n name, i integer, d duration, t time, b boolean, S list of
//  names, L list of strings, p password (never logged). Unknown arguments are ignored.
typedef struct {
    const char *op;             //  noun.verb
    const char *role;           //  least role allowed; NULL: no login needed
    const char *args;           //  "address:s! name:n! site:n! interval:d"
    api_handler_fn *handler;    //  returns the result, or NULL after api_fail
    const char *help;           //  one line, for vedette-api(7)
} api_op_t;

#define API_VERSION 1

//  Lists kept a moment for the next same request (cache.c)
typedef struct _api_cache_t api_cache_t;
api_cache_t *api_cache_new (int64_t ttl_ms);
void api_cache_destroy (api_cache_t **self_p);
//  The text kept under key at that generation, not older than the ttl:
//  a copy (caller frees), or NULL
char *api_cache_get (api_cache_t *self, const char *key, uint64_t generation);
void api_cache_put (api_cache_t *self, const char *key, const char *text, uint64_t generation);
//  For a list operation: the reply kept for the same request (op,
//  arguments, the caller's sites), with no write through the API since,
//  set as the call's text (true: return api_rows_reply's json_null ());
//  and once a list is made, keeps it
bool api_cached (api_t *api, api_call_t *call);
void api_cache_keep (api_t *api, api_call_t *call);

//  Runs an operation for meshd itself on behalf of a user (their role and
//  sites apply), as a scheduled report does: its result, or NULL and
//  *error (freed by the caller).
json_t *api_run_as (api_t *api, const char *user, const char *op, json_t *args, char **error);
//  A live request to a probe over the mesh (request taken and wiped: it
//  may hold a credential), waiting at most timeout_ms for its answer: the
//  answer, or NULL and *error (caller frees): the probe is not connected,
//  it did not answer in time.
json_t *api_live (api_t *api, int64_t probe_id, json_t *request, int timeout_ms, char **error);

//  Records an error for the reply; returns NULL so handlers can return it.
json_t *api_fail (api_call_t *call, const char *code, const char *format, ...);
//  The read-write database connection of the API actor.
sqlite3 *api_db (api_t *api);
//  A statement of sql (a string literal: its address is the key), kept
//  prepared from one request to the next, its bindings cleared. Give it
//  back with sqlite3_reset as soon as it is stepped (a statement not reset
//  holds a read transaction open); never finalize it. NULL on error.
#define API_STMTS 16
sqlite3_stmt *api_prepare (api_t *api, const char *sql);
//  meshd's context.
meshd_t *api_meshd (api_t *api);
//  A string argument, or NULL when absent (the arguments were checked
//  against the operation's declaration before the handler runs).
const char *api_str (api_call_t *call, const char *name);
//  A duration argument given as "10s" or as integer milliseconds; def when
//  absent; -1 and an error when malformed.
int64_t api_duration (api_call_t *call, const char *name, int64_t def);
//  A time argument (ISO 8601, relative, or integer µs); def when absent.
int64_t api_time (api_call_t *call, const char *name, int64_t def, bool *ok);
//  Appends to the audit table: who, when, what, from where.
void api_audit (api_t *api, api_call_t *call, json_t *detail);
//  Tells the mesh actor something (CONFIG, REVOKE) about a probe.
void api_tell_mesh (api_t *api, const char *command, int64_t probe_id);
//  A new CONFIG for the active probes of a site (0: every site), or one
//  probe (0: all of them)
void api_tell_probes (api_t *api, int64_t site_id, int64_t probe_id);
//  The probe named by the call's "probe" argument (-1 after api_fail), or
//  the site's first active probe (0 if it has none).
int64_t api_pick_probe (api_t *api, api_call_t *call, int64_t site_id);
//  The probe that measures a device (0: none yet).
int64_t api_device_probe (api_t *api, int64_t device_id);
//  Sends that probe its new CONFIG, if the device has one.
void api_tell_device_probe (api_t *api, int64_t device_id);
//  After the request: the rules actor reloads rules, devices and routes
//  (API_RELOAD_RULES), the notify actor looks at the outbox (API_NOTIFY).
#define API_RELOAD_RULES    1
#define API_NOTIFY          2
void api_poke (api_t *api, int what);
//  The limit argument of a list: API_LIST_DEFAULT when absent, -1 and an
//  invalid error outside 1..API_LIST_MAX.
#define API_LIST_DEFAULT    1000
#define API_LIST_MAX        10000
int64_t api_limit (api_call_t *call);
//  Runs a prepared statement that returns no rows and finalizes it: 0, or
//  -1 (the caller maps it, with api_fail_db).
int api_step (sqlite3_stmt *stmt);
//  The request wrote event rows by itself (alarm_event): publish them after.
void api_note_events (api_t *api);
//  Looks up an id by name in a table (site, probe, device); 0 if none.
int64_t api_id (api_t *api, const char *table, const char *name);
//  Looks up a site, probe or device by name among those the caller may see:
//  its id, or 0 and a not_found error (another site's object is not found).
int64_t api_find (api_t *api, api_call_t *call, const char *table, const char *name);
//  True if the caller may see and change the site. SQL run by the api
//  actor can also say in_scope(site_id), true for the caller's sites.
bool api_site_allowed (api_t *api, int64_t site_id);
//  Records an event (data taken) in the api actor's connection, inside the
//  caller's transaction if one is open; it is published on the events
//  socket once the request is done. site_id 0 for a global event.
void api_event (api_t *api, const char *topic, int64_t site_id, json_t *data);
//  The series of a device (id and name) with their last values.
json_t *series_of_device (api_t *api, api_call_t *call, int64_t device_id, const char *device);
//  A nullable text column as JSON.
json_t *api_column_text (sqlite3_stmt *stmt, int column);
//  A nullable integer column as JSON.
json_t *api_column_int (sqlite3_stmt *stmt, int column);
json_t *api_column_real (sqlite3_stmt *stmt, int column);
//  Maps a failed write to an error: conflict for a constraint, else internal.
json_t *api_fail_db (api_t *api, api_call_t *call, const char *what);

//  A list reply written as the query steps, without a jansson object per
//  row: api_rows_new, then per row api_rows_begin, fields, api_rows_end;
//  the handler returns api_rows_reply (call, &rows), which hands the text
//  to the reply.
typedef struct _api_rows_t api_rows_t;
api_rows_t *api_rows_new (void);
void api_rows_destroy (api_rows_t **self_p);
void api_rows_begin (api_rows_t *self);
void api_rows_end (api_rows_t *self);
//  A field; text NULL writes null. A non-finite real is null.
void api_rows_text (api_rows_t *self, const char *key, const char *text);
void api_rows_int (api_rows_t *self, const char *key, int64_t value);
void api_rows_real (api_rows_t *self, const char *key, double value);
//  A column as its SQLite type says: integer, real, text or null.
void api_rows_column (api_rows_t *self, const char *key, sqlite3_stmt *stmt, int column);
//  Ends the list and makes it the call's result (takes rows).
json_t *api_rows_reply (api_call_t *call, api_rows_t **self_p);

//  True for a name of 1 to 63 letters, digits, "-", "_" or ".".
bool api_name_valid (const char *name);
//  The master key that seals credentials (guarded memory, read-only).
const unsigned char *api_master_key (api_t *api);
//  How long a new session lasts, in ms.
int64_t api_session_lifetime (api_t *api);
//  True for a caller without site scopes; otherwise fails the call
//  (forbidden): channels, routes and others' keys are global business.
bool api_unscoped (api_call_t *call);
//  True for an admin without site scopes, who manages users and others' keys.
bool api_full_admin (api_call_t *call);
//  The api actor's counters, for server.status: {requests, failed, errors}
//  and when it started (µs).
json_t *api_counters (api_t *api, int64_t *started_us);


//  Runs one request (a JSON text) and returns the reply text (caller frees).
//  key is the client key's User-Id ("user:NAME:KEY") on tcp, NULL on ipc.
//  Exposed for the fuzz target.
char *api_request (api_t *api, const char *data, size_t size, const char *key);
//  The same for a request already parsed (a JSON object, parsed with
//  API_JSON_FLAGS from at most api/max_request bytes); takes it over.
#define API_JSON_FLAGS JSON_REJECT_DUPLICATES
char *api_request_parsed (api_t *api, json_t *request, const char *key);
//  The nth operation of all nouns' tables, in --list-ops order; NULL past
//  the last (for the fuzz target).
const api_op_t *api_op_nth (size_t n);
//  Prints the operation table: op, role, arguments (vedette-meshd --list-ops).
void api_list_ops (FILE *out);
//  What the api actor's workers share: the master key (loaded once) and
//  the counters server.status shows. NULL when the master key is missing.
typedef struct _api_shared_t api_shared_t;
api_shared_t *api_shared_new (meshd_t *meshd);
void api_shared_destroy (api_shared_t **self_p);
//  Counts a reply dropped because its client is gone or does not read;
//  returns how many so far.
uint64_t api_shared_dropped (api_shared_t *self);
//  Requests served so far; failures and replies dropped if asked.
uint64_t api_shared_requests (api_shared_t *self, uint64_t *failures, uint64_t *replies_dropped);
//  The time (µs) spent serving them, in all.
uint64_t api_shared_latency (api_shared_t *self);
//  Makes an API context with its own connection to meshd's database (a
//  worker's); shared NULL makes one for itself (fuzzing). NULL on failure.
api_t *api_new (meshd_t *meshd, api_shared_t *shared);
//  Connects the context to the actors it pokes after a request (mesh,
//  events, rules, notify); without this they are not told (fuzzing).
void api_connect (api_t *self);
void api_destroy (api_t **self_p);

#endif
