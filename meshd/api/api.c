/*  meshd/api/api.c: one API request served: parsed, its session or client
    key and role checked, its arguments checked against the operation's
    declaration, the handler run, the reply written. Each of the api actor's
    workers (api/actor.c) has an api_t of its own: its own database
    connection, on which operator changes are written (short transactions,
    busy timeout); samples are the store's alone. See vedette-api(7).

    request  {"op": "device.list", "id": 7, "token": "...", "args": {...}}
    reply    {"id": 7, "result": ...}
             {"id": 7, "error": {"code": "not_found", "message": "..."}}  */
#include "api/api.h"
#include "cred/cred.h"
#include <stdatomic.h>

//  Each noun's operations, declared beside their handlers in op_NOUN.c
//  (tmux keeps each command's entry beside its function); the order here is
//  the order of vedette-meshd --list-ops and of vedette-api(7).
extern const api_op_t op_session_ops [], op_server_ops [], op_site_ops [],
                      op_probe_ops [], op_device_ops [], op_check_ops [],
                      op_interface_ops [], op_discovery_ops [], op_topology_ops [], op_trap_ops [],
                      op_series_ops [], op_user_ops [], op_apikey_ops [],
                      op_user_key_ops [], op_audit_ops [], op_event_ops [],
                      op_rule_ops [], op_alarm_ops [], op_maintenance_ops [],
                      op_cred_ops [], op_channel_ops [], op_route_ops [],
                      op_notification_ops [], op_report_ops [], op_availability_ops [], op_schedule_ops [],
                      op_backup_ops [], op_nas_ops [], op_ppp_ops [];
static const api_op_t *s_tables [] = {
    op_session_ops, op_server_ops, op_site_ops, op_probe_ops,
    op_device_ops, op_check_ops, op_interface_ops, op_discovery_ops,
    op_topology_ops, op_trap_ops, op_series_ops, op_user_ops, op_apikey_ops,
    op_user_key_ops, op_audit_ops, op_event_ops, op_rule_ops,
    op_alarm_ops, op_maintenance_ops, op_cred_ops, op_channel_ops,
    op_route_ops, op_notification_ops, op_report_ops, op_availability_ops, op_schedule_ops, op_backup_ops,
    op_nas_ops, op_ppp_ops, NULL
};

//  Error codes of replies (vedette-api(7)), counted by the api actor
static const char *s_error_codes [] = {
    "bad_request", "unsupported_version", "unknown_op", "unauthorized", "forbidden",
    "not_found", "conflict", "invalid", "too_large", "unavailable", "internal", NULL
};

#define API_ERROR_CODES (sizeof s_error_codes / sizeof s_error_codes [0])

//  What the workers share: the master key and the counters
struct _api_shared_t {
    unsigned char *master_key;  //  seals credentials (guarded memory)
    int64_t started_us;
    atomic_uint_fast64_t requests;
    atomic_uint_fast64_t failures;          //  requests answered with an error
    atomic_uint_fast64_t replies_dropped;   //  for clients that do not read them
    atomic_uint_fast64_t latency_us;        //  the time spent serving requests
    atomic_uint_fast64_t errors [API_ERROR_CODES];
    atomic_uint_fast64_t generation;        //  writes so far: what the cache was made at
    api_cache_t *cache;
};

struct _api_t {
    meshd_t *meshd;
    api_shared_t *shared;
    bool owns_shared;           //  made by api_new for itself (fuzzing)
    sqlite3 *db;
    zsock_t *mesh;              //  PUSH to the mesh actor
    zsock_t *live;              //  DEALER to the mesh actor: live requests to probes
    uint64_t live_id;           //  the last live request's number
    zsock_t *events;            //  PUSH to the events actor
    int64_t session_lifetime;   //  ms
    size_t max_request;
    bool new_events;            //  the request recorded events: poke the events actor
    zsock_t *rules;             //  PUSH to the rules actor
    zsock_t *notify;            //  PUSH to the notify actor
    int pokes;                  //  API_RELOAD_RULES | API_NOTIFY, sent after the request
    //  the sites of the caller being served (none: every site), for in_scope()
    int64_t *scope;
    size_t scope_size;
    uint64_t cache_generation;  //  the writes seen when a list began to be made,
    char *cache_key;            //  and its key
    //  statements of every request, kept prepared (api_prepare)
    struct {
        const char *sql;
        sqlite3_stmt *stmt;
    } stmts [API_STMTS];
    size_t stmt_count;
};

static int
s_rank (const char *role)
{
    if (streq (role, "admin"))
        return 3;
    if (streq (role, "operator"))
        return 2;
    if (streq (role, "viewer"))
        return 1;
    return 0;
}

json_t *
api_fail (api_call_t *call, const char *code, const char *format, ...)
{
    va_list args;
    va_start (args, format);
    char *message = zsys_vprintf (format, args);
    va_end (args);
    json_decref (call->error);
    call->error = json_pack ("{s:s, s:s}", "code", code, "message", message);
    free (message);
    return NULL;
}

json_t *
api_fail_db (api_t *api, api_call_t *call, const char *what)
{
    int code = sqlite3_extended_errcode (api->db);
    if ((code & 0xff) == SQLITE_CONSTRAINT)
        return api_fail (call, "conflict", "%s: %s", what,
                         code == SQLITE_CONSTRAINT_UNIQUE? "already exists": sqlite3_errmsg (api->db));
    zsys_error ("api: %s: %s", what, sqlite3_errmsg (api->db));
    return api_fail (call, "internal", "%s: database error", what);
}

sqlite3 *api_db (api_t *api) { return api->db; }

sqlite3_stmt *
api_prepare (api_t *api, const char *sql)
{
    for (size_t i = 0; i < api->stmt_count; i++)
        if (api->stmts [i].sql == sql) {
            sqlite3_clear_bindings (api->stmts [i].stmt);
            return api->stmts [i].stmt;
        }
    assert (api->stmt_count < API_STMTS);
    sqlite3_stmt *stmt = NULL;
    if (sqlite3_prepare_v3 (api->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, NULL) != SQLITE_OK) {
        zsys_error ("api: cannot prepare '%.60s': %s", sql, sqlite3_errmsg (api->db));
        return NULL;
    }
    api->stmts [api->stmt_count].sql = sql;
    api->stmts [api->stmt_count++].stmt = stmt;
    return stmt;
}
meshd_t *api_meshd (api_t *api) { return api->meshd; }

const char *
api_str (api_call_t *call, const char *name)
{
    return json_string_value (json_object_get (call->args, name));
}

int64_t
api_duration (api_call_t *call, const char *name, int64_t def)
{
    json_t *value = json_object_get (call->args, name);
    int64_t ms = def;
    if (!value || json_is_null (value))
        return def;
    if (json_is_integer (value) && json_integer_value (value) >= 0)
        return json_integer_value (value);
    if (json_is_string (value) && vd_duration_parse (json_string_value (value), &ms) == 0)
        return ms;
    api_fail (call, "invalid", "argument '%s' must be a duration such as 500ms, 10s, 5m", name);
    return -1;
}

int64_t
api_time (api_call_t *call, const char *name, int64_t def, bool *ok)
{
    json_t *value = json_object_get (call->args, name);
    int64_t us = def;
    *ok = true;
    if (!value || json_is_null (value))
        return def;
    if (json_is_integer (value))
        return json_integer_value (value);
    if (json_is_string (value) && vd_time_parse (json_string_value (value), vd_now_us (), &us) == 0)
        return us;
    *ok = false;
    api_fail (call, "invalid",
              "argument '%s' must be a time: ISO 8601 (2026-11-21T10:00:00Z) or relative (-1h)", name);
    return 0;
}

//  The cache's key for a call: the operation, its arguments, the sites,
//  and the last event recorded (a device's state, one discovered: what
//  meshd changes by itself and says so)
static char *
s_cache_key (api_t *api, api_call_t *call)
{
    sqlite3_stmt *stmt = api_prepare (api, "SELECT seq FROM sqlite_sequence WHERE name = 'event'");
    int64_t event = stmt && sqlite3_step (stmt) == SQLITE_ROW? sqlite3_column_int64 (stmt, 0): -1;
    sqlite3_reset (stmt);
    char *args = json_dumps (call->args, JSON_COMPACT | JSON_SORT_KEYS);
    size_t size = strlen (call->op) + (args? strlen (args): 0) + (size_t) api->scope_size * 21 + 32;
    char *key = (char *) malloc (size);
    int used = snprintf (key, size, "%s %s @%lld |", call->op, args? args: "", (long long) event);
    for (size_t i = 0; i < api->scope_size; i++)
        used += snprintf (key + used, size - (size_t) used, " %lld", (long long) api->scope [i]);
    free (args);
    return key;
}

bool
api_cached (api_t *api, api_call_t *call)
{
    //  a list made from here on sees every write counted so far (each
    //  write is committed before it is counted), and the events up to the
    //  last in its key
    api->cache_generation = atomic_load (&api->shared->generation);
    free (api->cache_key);
    api->cache_key = s_cache_key (api, call);
    char *key = strdup (api->cache_key);
    char *text = api_cache_get (api->shared->cache, key, api->cache_generation);
    free (key);
    if (!text)
        return false;
    free (call->raw);
    call->raw = text;
    return true;
}

void
api_cache_keep (api_t *api, api_call_t *call)
{
    if (api->cache_key)
        api_cache_put (api->shared->cache, api->cache_key, call->raw, api->cache_generation);
}

void
api_audit (api_t *api, api_call_t *call, json_t *detail)
{
    //  a write: what the cache keeps is older than it
    atomic_fetch_add (&api->shared->generation, 1);
    sqlite3_stmt *stmt = vd_db_prepare (api->db,
        "INSERT INTO audit (ts_us, user, origin, op, detail) VALUES (?, ?, ?, ?, ?)");
    char *text = json_dumps (detail, JSON_COMPACT | JSON_SORT_KEYS);
    if (stmt) {
        sqlite3_bind_int64 (stmt, 1, vd_now_us ());
        sqlite3_bind_text (stmt, 2, call->user, -1, SQLITE_STATIC);
        sqlite3_bind_text (stmt, 3, call->origin, -1, SQLITE_STATIC);
        sqlite3_bind_text (stmt, 4, call->op, -1, SQLITE_STATIC);
        sqlite3_bind_text (stmt, 5, text? text: "{}", -1, SQLITE_STATIC);
        if (sqlite3_step (stmt) != SQLITE_DONE)
            zsys_error ("api: audit: %s", sqlite3_errmsg (api->db));
    }
    sqlite3_finalize (stmt);
    free (text);
    json_decref (detail);
}

int64_t
api_device_probe (api_t *api, int64_t device_id)
{
    char sql [96];
    snprintf (sql, sizeof sql, "SELECT coalesce (probe_id, 0) FROM device WHERE id = %lld",
              (long long) device_id);
    return vd_db_int (api->db, sql, 0);
}

void
api_tell_device_probe (api_t *api, int64_t device_id)
{
    int64_t probe_id = api_device_probe (api, device_id);
    if (probe_id)
        api_tell_mesh (api, "CONFIG", probe_id);
}

int64_t
api_pick_probe (api_t *api, api_call_t *call, int64_t site_id)
{
    const char *name = api_str (call, "probe");
    if (name) {
        int64_t id = api_find (api, call, "probe", name);
        return id? id: -1;
    }
    char sql [160];
    snprintf (sql, sizeof sql, "SELECT id FROM probe WHERE site_id = %lld AND state != 'revoked' "
                               "ORDER BY state = 'active' DESC, id LIMIT 1", (long long) site_id);
    return vd_db_int (api->db, sql, 0);
}

void
api_tell_mesh (api_t *api, const char *command, int64_t probe_id)
{
    if (!api->mesh)
        return;
    zmsg_t *msg = zmsg_new ();
    zmsg_addstr (msg, command);
    zmsg_addmem (msg, &probe_id, 8);
    zmsg_send (&msg, api->mesh);
}

void
api_tell_probes (api_t *api, int64_t site_id, int64_t probe_id)
{
    sqlite3_stmt *stmt = vd_db_prepare (api->db,
        "SELECT id FROM probe WHERE state = 'active' AND (?1 = 0 OR site_id = ?1) AND (?2 = 0 OR id = ?2)");
    if (!stmt)
        return;
    sqlite3_bind_int64 (stmt, 1, site_id);
    sqlite3_bind_int64 (stmt, 2, probe_id);
    while (sqlite3_step (stmt) == SQLITE_ROW)
        api_tell_mesh (api, "CONFIG", sqlite3_column_int64 (stmt, 0));
    sqlite3_finalize (stmt);
}

json_t *
api_live (api_t *api, int64_t probe_id, json_t *request, int timeout_ms, char **error)
{
    *error = NULL;
    if (!api->live) {
        vd_json_wipe (request);
        *error = strdup ("meshd has no mesh here");
        return NULL;
    }
    char id [32];
    snprintf (id, sizeof id, "%p-%" PRIu64, (void *) api, ++api->live_id);
    char *text = json_dumps (request, JSON_COMPACT);
    vd_json_wipe (request);         //  it may hold a credential
    zmsg_t *msg = zmsg_new ();
    zmsg_addstr (msg, id);
    zmsg_addmem (msg, &probe_id, 8);
    zmsg_addstr (msg, text? text: "{}");
    if (text) {
        sodium_memzero (text, strlen (text));
        free (text);
    }
    if (zmsg_send (&msg, api->live)) {
        zmsg_destroy (&msg);
        *error = strdup ("the mesh does not take the request");
        return NULL;
    }
    //  the answer to this request; a late one to an earlier request is dropped
    int64_t deadline = vd_mono_ms () + timeout_ms;
    zpoller_t *poller = zpoller_new (api->live, NULL);
    json_t *answer = NULL;
    while (!answer && !*error) {
        int64_t left = deadline - vd_mono_ms ();
        if (left <= 0 || !zpoller_wait (poller, (int) left)) {
            *error = zsys_sprintf ("no answer from the probe within %d s", timeout_ms / 1000);
            break;
        }
        char *got = NULL, *body = NULL;
        if (zstr_recvx (api->live, &got, &body, NULL) == 2 && streq (got, id)) {
            answer = json_loads (body, 0, NULL);
            const char *refused = json_string_value (json_object_get (answer, "refused"));
            if (!answer || refused) {
                *error = strdup (refused? refused: "the probe's answer is not JSON");
                json_decref (answer);
                answer = NULL;
            }
        }
        zstr_free (&got);
        zstr_free (&body);
    }
    zpoller_destroy (&poller);
    return answer;
}

int64_t
api_limit (api_call_t *call)
{
    json_t *value = json_object_get (call->args, "limit");
    if (!value)
        return API_LIST_DEFAULT;
    int64_t limit = json_integer_value (value);
    if (limit < 1 || limit > API_LIST_MAX) {
        api_fail (call, "invalid", "limit must be between 1 and %d", API_LIST_MAX);
        return -1;
    }
    return limit;
}

int
api_step (sqlite3_stmt *stmt)
{
    int rc = sqlite3_step (stmt);
    sqlite3_finalize (stmt);
    return rc == SQLITE_DONE? 0: -1;
}

void
api_note_events (api_t *api)
{
    api->new_events = true;
}

void
api_poke (api_t *api, int what)
{
    api->pokes |= what;
}

int64_t
api_id (api_t *api, const char *table, const char *name)
{
    char sql [96];
    snprintf (sql, sizeof sql, "SELECT id FROM %s WHERE name = ?", table);
    sqlite3_stmt *stmt = vd_db_prepare (api->db, sql);
    int64_t id = 0;
    if (stmt) {
        sqlite3_bind_text (stmt, 1, name, -1, SQLITE_STATIC);
        if (sqlite3_step (stmt) == SQLITE_ROW)
            id = sqlite3_column_int64 (stmt, 0);
    }
    sqlite3_finalize (stmt);
    return id;
}

json_t *
api_column_text (sqlite3_stmt *stmt, int column)
{
    return sqlite3_column_type (stmt, column) == SQLITE_NULL
         ? json_null (): json_string ((const char *) sqlite3_column_text (stmt, column));
}

json_t *
api_column_int (sqlite3_stmt *stmt, int column)
{
    return sqlite3_column_type (stmt, column) == SQLITE_NULL
         ? json_null (): json_integer (sqlite3_column_int64 (stmt, column));
}

json_t *
api_column_real (sqlite3_stmt *stmt, int column)
{
    return sqlite3_column_type (stmt, column) == SQLITE_NULL
         ? json_null (): json_real (sqlite3_column_double (stmt, column));
}

bool
api_site_allowed (api_t *api, int64_t site_id)
{
    if (api->scope_size == 0)
        return true;
    for (size_t i = 0; i < api->scope_size; i++)
        if (api->scope [i] == site_id)
            return true;
    return false;
}

int64_t
api_find (api_t *api, api_call_t *call, const char *table, const char *name)
{
    char sql [96];
    snprintf (sql, sizeof sql, "SELECT id, %s FROM %s WHERE name = ?",
              streq (table, "site")? "id": "site_id", table);
    sqlite3_stmt *stmt = vd_db_prepare (api->db, sql);
    int64_t id = 0;
    if (stmt) {
        sqlite3_bind_text (stmt, 1, name, -1, SQLITE_STATIC);
        if (sqlite3_step (stmt) == SQLITE_ROW
        &&  api_site_allowed (api, sqlite3_column_int64 (stmt, 1)))
            id = sqlite3_column_int64 (stmt, 0);
    }
    sqlite3_finalize (stmt);
    if (!id)
        api_fail (call, "not_found", "no %s '%s'", table, name);
    return id;
}

//  in_scope(site_id): SQL's view of api_site_allowed for the caller
static void
s_sql_in_scope (sqlite3_context *context, int argc, sqlite3_value **argv)
{
    api_t *api = (api_t *) sqlite3_user_data (context);
    (void) argc;
    sqlite3_result_int (context, sqlite3_value_type (argv [0]) == SQLITE_NULL
                                 ? 1: api_site_allowed (api, sqlite3_value_int64 (argv [0])));
}

void
api_event (api_t *api, const char *topic, int64_t site_id, json_t *data)
{
    char *text = json_dumps (data, JSON_COMPACT);
    json_decref (data);
    if (meshd_event (api->db, topic, site_id, text? text: "{}") == 0)
        api->new_events = true;
    free (text);
}

//  Loads the user's role and site scopes; 0, or -1 if there is no such user
static int
s_load_user (api_t *api, api_call_t *call, const char *name)
{
    sqlite3_stmt *stmt = api_prepare (api, "SELECT id, role FROM user WHERE name = ?");
    int rc = -1;
    if (stmt) {
        sqlite3_bind_text (stmt, 1, name, -1, SQLITE_STATIC);
        if (sqlite3_step (stmt) == SQLITE_ROW) {
            call->user_id = sqlite3_column_int64 (stmt, 0);
            snprintf (call->user, sizeof call->user, "%s", name);
            snprintf (call->role, sizeof call->role, "%s", sqlite3_column_text (stmt, 1));
            rc = 0;
        }
    }
    sqlite3_reset (stmt);
    if (rc)
        return rc;
    api->scope_size = 0;
    stmt = api_prepare (api, "SELECT site_id FROM user_site WHERE user_id = ?");
    if (stmt) {
        sqlite3_bind_int64 (stmt, 1, call->user_id);
        while (sqlite3_step (stmt) == SQLITE_ROW) {
            api->scope = (int64_t *) realloc (api->scope, (api->scope_size + 1) * sizeof (int64_t));
            assert (api->scope);
            api->scope [api->scope_size++] = sqlite3_column_int64 (stmt, 0);
        }
        sqlite3_reset (stmt);
    }
    call->scoped = api->scope_size > 0;
    return 0;
}

//  Finds the session of a token and loads its user. 0 if valid, else -1.
static int
s_session (api_t *api, api_call_t *call, const char *token)
{
    unsigned char hash [32];
    crypto_generichash (hash, sizeof hash, (const unsigned char *) token, strlen (token), NULL, 0);
    sqlite3_stmt *stmt = api_prepare (api,
        "SELECT u.name FROM session s JOIN user u ON u.id = s.user_id "
        "WHERE s.token_hash = ? AND s.expires_us > ?");
    char name [64] = "";
    if (stmt) {
        sqlite3_bind_blob (stmt, 1, hash, sizeof hash, SQLITE_STATIC);
        sqlite3_bind_int64 (stmt, 2, vd_now_us ());
        if (sqlite3_step (stmt) == SQLITE_ROW)
            snprintf (name, sizeof name, "%s", sqlite3_column_text (stmt, 0));
        sqlite3_reset (stmt);
    }
    if (!*name || s_load_user (api, call, name))
        return -1;
    memcpy (call->session, hash, sizeof hash);
    return 0;
}

//  Checks a request's arguments against the operation's declaration
static int
s_check_args (api_call_t *call, const char *spec)
{
    char buffer [512];
    assert (strlen (spec) < sizeof buffer);
    snprintf (buffer, sizeof buffer, "%s", spec);
    char *saveptr = NULL;
    for (char *arg = strtok_r (buffer, " ", &saveptr); arg; arg = strtok_r (NULL, " ", &saveptr)) {
        char *colon = strchr (arg, ':');
        assert (colon);
        *colon = 0;
        char type = colon [1];
        bool required = colon [2] == '!';
        json_t *value = json_object_get (call->args, arg);
        if (!value || json_is_null (value)) {
            if (required) {
                api_fail (call, "invalid", "missing argument '%s'", arg);
                return -1;
            }
            continue;
        }
        const char *expected = NULL;
        switch (type) {
            case 's':
            case 'p':
                if (!json_is_string (value) || json_string_length (value) == 0
                ||  json_string_length (value) > 1024)
                    expected = "a string of 1 to 1024 bytes";
                break;
            case 'K':
                if (!json_is_string (value) || json_string_length (value) == 0
                ||  json_string_length (value) > 16384)
                    expected = "a text of 1 to 16384 bytes";
                break;
            case 'n':
                if (!json_is_string (value) || !api_name_valid (json_string_value (value)))
                    expected = "a name of 1 to 63 letters, digits, '-', '_' or '.'";
                break;
            case 'i':
                if (!json_is_integer (value))
                    expected = "an integer";
                break;
            case 'd':
                if (!(json_is_integer (value) && json_integer_value (value) >= 0)
                &&  !json_is_string (value))
                    expected = "a duration such as 500ms, 10s, 15m, 2h, 7d (or integer ms)";
                break;
            case 't':
                if (!json_is_integer (value) && !json_is_string (value))
                    expected = "a time: ISO 8601 (2026-11-21T10:00:00Z), relative (-1h), or integer µs";
                break;
            case 'b':
                if (!json_is_boolean (value))
                    expected = "true or false";
                break;
            case 'L': {
                size_t index;
                json_t *item;
                if (!json_is_array (value) || json_array_size (value) > 1000)
                    expected = "a list of strings";
                else
                json_array_foreach (value, index, item)
                    if (!json_is_string (item) || json_string_length (item) == 0
                    ||  json_string_length (item) > 1024)
                        expected = "a list of strings";
                break;
            }
            case 'S': {
                size_t index;
                json_t *item;
                if (!json_is_array (value) || json_array_size (value) > 1000)
                    expected = "a list of names";
                else
                json_array_foreach (value, index, item)
                    if (!json_is_string (item) || !api_name_valid (json_string_value (item)))
                        expected = "a list of names";
                break;
            }
            default:
                assert (false);
        }
        if (expected) {
            api_fail (call, "invalid", "argument '%s' must be %s", arg, expected);
            return -1;
        }
    }
    return 0;
}

static json_t *
s_dispatch (api_t *api, api_call_t *call, json_t *request, const char *key)
{
    json_t *version = json_object_get (request, "v");
    if (version && !(json_is_integer (version) && json_integer_value (version) >= 1
                                               && json_integer_value (version) <= API_VERSION))
        return api_fail (call, "unsupported_version", "this meshd speaks API version %d", API_VERSION);
    const char *op = json_string_value (json_object_get (request, "op"));
    if (!op)
        return api_fail (call, "bad_request", "missing 'op' (a string such as \"device.list\")");
    const api_op_t *entry = NULL;
    for (int t = 0; s_tables [t] && !entry; t++)
        for (const api_op_t *o = s_tables [t]; o->op && !entry; o++)
            if (streq (o->op, op))
                entry = o;
    if (!entry)
        return api_fail (call, "unknown_op", "unknown operation '%.64s'", op);
    call->op = entry->op;
    json_t *args = json_object_get (request, "args");
    if (args && !json_is_object (args) && !json_is_null (args))
        return api_fail (call, "bad_request", "'args' must be an object");
    call->args = json_is_object (args)? json_incref (args): json_object ();

    //  a client key on tcp: "user:NAME:KEY"; it stands for its user
    char key_user [64] = "";
    if (key) {
        const char *name = key + 5;
        const char *colon = strchr (name, ':');
        snprintf (key_user, sizeof key_user, "%.*s", colon? (int) (colon - name): 0, name);
        snprintf (call->origin, sizeof call->origin, "tcp:%s", colon? colon + 1: "?");
    }
    if (entry->role) {
        const char *token = json_string_value (json_object_get (request, "token"));
        if (token) {
            if (s_session (api, call, token))
                return api_fail (call, "unauthorized", "the session has expired or is not valid: log in again");
            if (key && !streq (key_user, call->user))
                return api_fail (call, "forbidden", "this client key belongs to another user");
        }
        else
        if (!key || s_load_user (api, call, key_user))
            return api_fail (call, "unauthorized", "no session: log in first (vedette login)");
        if (s_rank (call->role) < s_rank (entry->role))
            return api_fail (call, "forbidden", "%s needs the %s role; %s is %s",
                             op, entry->role, call->user, call->role);
    }
    if (s_check_args (call, entry->args))
        return NULL;
    return entry->handler (api, call);
}

static void
s_count_error (api_t *api, const char *code)
{
    atomic_fetch_add (&api->shared->failures, 1);
    for (int i = 0; s_error_codes [i]; i++)
        if (streq (s_error_codes [i], code))
            atomic_fetch_add (&api->shared->errors [i], 1);
}

static void
s_call_begin (api_t *api, api_call_t *call)
{
    memset (call, 0, sizeof *call);
    call->op = "";
    snprintf (call->origin, sizeof call->origin, "ipc");
    atomic_fetch_add (&api->shared->requests, 1);
    api->scope_size = 0;
    call->begun_us = vd_mono_ns () / 1000;
}

static char *s_finish (api_t *api, api_call_t *call, json_t *request, json_t *result);

char *
api_request (api_t *api, const char *data, size_t size, const char *key)
{
    api_call_t call;
    s_call_begin (api, &call);
    json_t *request = NULL;
    if (size > api->max_request)
        api_fail (&call, "too_large", "request of %zu bytes; the limit is %zu", size, api->max_request);
    else {
        json_error_t error;
        request = json_loadb (data, size, API_JSON_FLAGS, &error);
        if (!request)
            api_fail (&call, "bad_request", "not JSON: %s at position %d", error.text, error.position);
        else
        if (json_is_object (request))
            return s_finish (api, &call, request, s_dispatch (api, &call, request, key));
        else
            api_fail (&call, "bad_request", "a request is a JSON object");
    }
    return s_finish (api, &call, request, NULL);
}

json_t *
api_run_as (api_t *api, const char *user, const char *op, json_t *args, char **error)
{
    api_call_t call;
    s_call_begin (api, &call);
    const api_op_t *entry = NULL;
    for (int t = 0; s_tables [t] && !entry; t++)
        for (const api_op_t *o = s_tables [t]; o->op && !entry; o++)
            if (streq (o->op, op))
                entry = o;
    json_t *result = NULL;
    call.args = json_is_object (args)? json_deep_copy (args): json_object ();
    snprintf (call.origin, sizeof call.origin, "meshd");
    if (!entry)
        api_fail (&call, "unknown_op", "unknown operation '%.64s'", op);
    else {
        call.op = entry->op;
        if (s_load_user (api, &call, user))
            api_fail (&call, "unauthorized", "no user %s", user);
        else
        if (entry->role && s_rank (call.role) < s_rank (entry->role))
            api_fail (&call, "forbidden", "%s needs the %s role; %s is %s", op, entry->role, call.user, call.role);
        else
        if (s_check_args (&call, entry->args) == 0)
            result = entry->handler (api, &call);
    }
    if (result && call.raw) {
        json_decref (result);
        result = json_loads (call.raw, 0, NULL);
    }
    if (!result) {
        if (!call.error)
            api_fail (&call, "internal", "the operation returned nothing");
        s_count_error (api, json_string_value (json_object_get (call.error, "code")));
        *error = strdup (json_string_value (json_object_get (call.error, "message")));
    }
    free (call.raw);
    json_decref (call.error);
    json_decref (call.args);
    api->scope_size = 0;
    return result;
}

char *
api_request_parsed (api_t *api, json_t *request, const char *key)
{
    api_call_t call;
    s_call_begin (api, &call);
    assert (json_is_object (request));
    return s_finish (api, &call, request, s_dispatch (api, &call, request, key));
}

//  The reply; the request's secrets wiped and it destroyed; the actors
//  told of what the request committed
static char *
s_finish (api_t *api, api_call_t *call, json_t *request, json_t *result)
{
    json_t *id = request? json_object_get (request, "id"): NULL;
    json_t *reply = json_pack ("{s:O}", "id", id? id: json_null ());
    char *text = NULL;
    if (result && call->raw) {
        //  a list written as it stepped: joined to the reply as it is
        char *head = json_dumps (reply, JSON_COMPACT);
        json_decref (result);
        size_t head_size = head? strlen (head) - 1: 0, raw_size = strlen (call->raw);
        text = head? (char *) malloc (head_size + raw_size + 12): NULL;
        if (text) {
            memcpy (text, head, head_size);
            memcpy (text + head_size, ",\"result\":", 10);
            memcpy (text + head_size + 10, call->raw, raw_size);
            memcpy (text + head_size + 10 + raw_size, "}", 2);
        }
        free (head);
    }
    else {
        if (result)
            json_object_set_new (reply, "result", result);
        else {
            if (!call->error)
                api_fail (call, "internal", "the operation returned nothing");
            json_object_set (reply, "error", call->error);
            s_count_error (api, json_string_value (json_object_get (call->error, "code")));
        }
        text = json_dumps (reply, JSON_COMPACT);
    }
    free (call->raw);
    json_decref (reply);
    json_decref (call->error);
    //  secrets in the request (passwords, communities, passphrases) are
    //  wiped before the memory is given back: every string argument is
    const char *name;
    json_t *value;
    json_object_foreach (call->args, name, value)
        if (json_is_string (value))
            sodium_memzero ((char *) json_string_value (value), json_string_length (value));
    json_decref (call->args);
    json_decref (request);
    api->scope_size = 0;
    //  events are published once the request's writes are committed
    if (api->new_events && api->events)
        zstr_send (api->events, "NEW");
    if ((api->new_events || api->pokes & API_RELOAD_RULES) && api->rules)
        zstr_send (api->rules, api->pokes & API_RELOAD_RULES? "RELOAD": "NEW");
    if (api->pokes & API_NOTIFY && api->notify)
        zstr_send (api->notify, "NEW");
    api->new_events = false;
    api->pokes = 0;
    atomic_fetch_add (&api->shared->latency_us, (uint64_t) (vd_mono_ns () / 1000 - call->begun_us));
    return text;
}

const api_op_t *
api_op_nth (size_t n)
{
    for (int t = 0; s_tables [t]; t++)
        for (const api_op_t *o = s_tables [t]; o->op; o++)
            if (n-- == 0)
                return o;
    return NULL;
}

void
api_list_ops (FILE *out)
{
    for (int t = 0; s_tables [t]; t++)
        for (const api_op_t *o = s_tables [t]; o->op; o++)
            fprintf (out, "%s\t%s\t%s\t%s\n", o->op, o->role? o->role: "-", *o->args? o->args: "-", o->help);
}

api_shared_t *
api_shared_new (meshd_t *meshd)
{
    api_shared_t *self = (api_shared_t *) zmalloc (sizeof (api_shared_t));
    self->master_key = cred_key_load (meshd->dir);
    self->started_us = vd_now_us ();
    self->cache = api_cache_new (vd_config_int (meshd->config, "api/list_cache"));
    if (!self->master_key)
        api_shared_destroy (&self);
    return self;
}

void
api_shared_destroy (api_shared_t **self_p)
{
    if (self_p && *self_p) {
        cred_key_free (&(*self_p)->master_key);
        api_cache_destroy (&(*self_p)->cache);
        free (*self_p);
        *self_p = NULL;
    }
}

uint64_t
api_shared_dropped (api_shared_t *self)
{
    return atomic_fetch_add (&self->replies_dropped, 1) + 1;
}

uint64_t
api_shared_latency (api_shared_t *self)
{
    return atomic_load (&self->latency_us);
}

uint64_t
api_shared_requests (api_shared_t *self, uint64_t *failures, uint64_t *replies_dropped)
{
    if (failures)
        *failures = atomic_load (&self->failures);
    if (replies_dropped)
        *replies_dropped = atomic_load (&self->replies_dropped);
    return atomic_load (&self->requests);
}

api_t *
api_new (meshd_t *meshd, api_shared_t *shared)
{
    api_t *self = (api_t *) zmalloc (sizeof (api_t));
    self->meshd = meshd;
    self->shared = shared;
    if (!shared) {
        self->shared = api_shared_new (meshd);
        self->owns_shared = true;
    }
    self->session_lifetime = vd_config_int (meshd->config, "api/session_lifetime");
    self->max_request = (size_t) vd_config_int (meshd->config, "api/max_request");
    if (self->shared)
        self->db = vd_db_open (meshd->db_path, false);
    if (self->db
    &&  sqlite3_create_function (self->db, "in_scope", 1, SQLITE_UTF8 | SQLITE_DETERMINISTIC,
                                 self, s_sql_in_scope, NULL, NULL) != SQLITE_OK)
        vd_db_close (&self->db);
    if (!self->db)
        api_destroy (&self);
    return self;
}

void
api_connect (api_t *self)
{
    self->mesh = zsock_new (ZMQ_PUSH);
    zsock_connect (self->mesh, MESHD_MESH_CTL);
    self->live = zsock_new (ZMQ_DEALER);
    zsock_set_linger (self->live, 0);
    zsock_connect (self->live, MESHD_MESH_LIVE);
    self->events = zsock_new (ZMQ_PUSH);
    zsock_connect (self->events, MESHD_EVENTS_IN);
    self->rules = zsock_new (ZMQ_PUSH);
    zsock_set_sndtimeo (self->rules, 0);
    zsock_connect (self->rules, MESHD_RULES_IN);
    self->notify = zsock_new (ZMQ_PUSH);
    zsock_set_sndtimeo (self->notify, 0);
    zsock_connect (self->notify, MESHD_NOTIFY_IN);
}

void
api_destroy (api_t **self_p)
{
    if (self_p && *self_p) {
        api_t *self = *self_p;
        for (size_t i = 0; i < self->stmt_count; i++)
            sqlite3_finalize (self->stmts [i].stmt);
        vd_db_close (&self->db);
        zsock_destroy (&self->mesh);
        zsock_destroy (&self->live);
        zsock_destroy (&self->events);
        zsock_destroy (&self->rules);
        zsock_destroy (&self->notify);
        free (self->scope);
        free (self->cache_key);
        if (self->owns_shared)
            api_shared_destroy (&self->shared);
        free (self);
        *self_p = NULL;
    }
}

json_t *
api_counters (api_t *api, int64_t *started_us)
{
    api_shared_t *shared = api->shared;
    json_t *errors = json_object ();
    for (int i = 0; s_error_codes [i]; i++)
        json_object_set_new (errors, s_error_codes [i], json_integer ((json_int_t) atomic_load (&shared->errors [i])));
    *started_us = shared->started_us;
    uint64_t failures, dropped;
    uint64_t requests = api_shared_requests (shared, &failures, &dropped);
    return json_pack ("{s:I, s:I, s:I, s:o}", "requests", (json_int_t) requests,
                      "failed", (json_int_t) failures, "replies_dropped", (json_int_t) dropped,
                      "errors", errors);
}

bool
api_full_admin (api_call_t *call)
{
    return streq (call->role, "admin") && !call->scoped;
}

bool
api_unscoped (api_call_t *call)
{
    if (call->scoped)
        api_fail (call, "forbidden", "%s needs an admin without site scopes", call->op);
    return !call->scoped;
}

const unsigned char *
api_master_key (api_t *api)
{
    return api->shared->master_key;
}

int64_t
api_session_lifetime (api_t *api)
{
    return api->session_lifetime;
}
