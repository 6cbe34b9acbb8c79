/*  meshd/api.c: the api actor. JSON requests on a ROUTER, over ipc (local)
    and over TCP with CURVE (ZAP domain vedette-api: registered client keys
    only). The reply echoes every envelope frame received, so REQ and DEALER
    clients both work. See vedette-api(7).

    request  {"op": "device.list", "id": 7, "token": "...", "args": {...}}
    reply    {"id": 7, "result": ...}
             {"id": 7, "error": {"code": "not_found", "message": "..."}}

    Writes of operator changes happen here on the actor's own connection
    (short transactions, busy timeout); samples are the store's alone.      */
#include "api.h"
#include <unistd.h>

const api_op_t api_ops [] = {
    { "login",          NULL,       op_login,         "log in: user, password; returns a session token" },
    { "logout",         "viewer",   op_logout,        "ends the session of the token" },
    { "whoami",         "viewer",   op_whoami,        "the user and role of the token" },
    { "site.add",       "admin",    op_site_add,      "adds a site: name" },
    { "site.list",      "viewer",   op_site_list,     "lists sites with their probe and device counts" },
    { "probe.enroll",   "admin",    op_probe_enroll,  "makes a one-time join token: site, name, endpoint, expires" },
    { "probe.list",     "viewer",   op_probe_list,    "lists probes: state, link, last seen, backlog, version" },
    { "probe.revoke",   "admin",    op_probe_revoke,  "revokes a probe's key and closes its session: name" },
    { "device.add",     "operator", op_device_add,    "adds a device with an ICMP check: address, name, site, probe, interval" },
    { "device.list",    "viewer",   op_device_list,   "lists devices: status, last RTT, loss, probe" },
    { "device.remove",  "operator", op_device_remove, "removes a device and its checks: name" },
    { "series.show",    "viewer",   op_series_show,   "samples of a series: device, metric, since, until" },
    { NULL }
};

struct _api_t {
    meshd_t *meshd;
    sqlite3 *db;
    zsock_t *mesh;              //  PUSH to the mesh actor
    int64_t session_lifetime;   //  ms
    size_t max_request;
    uint64_t requests;
    uint64_t failures;          //  requests answered with an error
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
meshd_t *api_meshd (api_t *api) { return api->meshd; }

const char *
api_str (api_call_t *call, const char *name, bool required)
{
    json_t *value = json_object_get (call->args, name);
    if (!value || json_is_null (value)) {
        if (required)
            api_fail (call, "invalid", "missing argument '%s'", name);
        return NULL;
    }
    if (!json_is_string (value) || json_string_length (value) == 0
    ||  json_string_length (value) > 1024) {
        api_fail (call, "invalid", "argument '%s' must be a non-empty string", name);
        return NULL;
    }
    return json_string_value (value);
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

void
api_audit (api_t *api, api_call_t *call, json_t *detail)
{
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

//  Finds the session of a token; fills user, role. 0 if valid, else -1.
static int
s_session (api_t *api, api_call_t *call, const char *token)
{
    unsigned char hash [32];
    crypto_generichash (hash, sizeof hash, (const unsigned char *) token, strlen (token), NULL, 0);
    sqlite3_stmt *stmt = vd_db_prepare (api->db,
        "SELECT u.id, u.name, u.role FROM session s JOIN user u ON u.id = s.user_id "
        "WHERE s.token_hash = ? AND s.expires_us > ?");
    int rc = -1;
    if (stmt) {
        sqlite3_bind_blob (stmt, 1, hash, sizeof hash, SQLITE_STATIC);
        sqlite3_bind_int64 (stmt, 2, vd_now_us ());
        if (sqlite3_step (stmt) == SQLITE_ROW) {
            call->user_id = sqlite3_column_int64 (stmt, 0);
            memcpy (call->session, hash, sizeof hash);
            snprintf (call->user, sizeof call->user, "%s", sqlite3_column_text (stmt, 1));
            snprintf (call->role, sizeof call->role, "%s", sqlite3_column_text (stmt, 2));
            rc = 0;
        }
    }
    sqlite3_finalize (stmt);
    return rc;
}

static json_t *
s_dispatch (api_t *api, api_call_t *call, json_t *request, const char *key_user)
{
    const char *op = json_string_value (json_object_get (request, "op"));
    if (!op)
        return api_fail (call, "bad_request", "missing 'op' (a string such as \"device.list\")");
    const api_op_t *entry = NULL;
    for (int i = 0; api_ops [i].op; i++)
        if (streq (api_ops [i].op, op))
            entry = &api_ops [i];
    if (!entry)
        return api_fail (call, "unknown_op", "unknown operation '%.64s'", op);
    call->op = entry->op;
    json_t *args = json_object_get (request, "args");
    if (args && !json_is_object (args) && !json_is_null (args))
        return api_fail (call, "bad_request", "'args' must be an object");
    call->args = json_is_object (args)? json_incref (args): json_object ();
    if (entry->role) {
        const char *token = json_string_value (json_object_get (request, "token"));
        if (!token || s_session (api, call, token))
            return api_fail (call, "unauthorized", "no valid session: log in first (vedette login)");
        if (key_user && !streq (key_user, call->user))
            return api_fail (call, "forbidden", "this client key belongs to another user");
        if (s_rank (call->role) < s_rank (entry->role))
            return api_fail (call, "forbidden", "%s needs the %s role; %s is %s",
                             op, entry->role, call->user, call->role);
    }
    return entry->handler (api, call);
}

char *
api_request (api_t *api, const char *data, size_t size, const char *origin, const char *key_user)
{
    api_call_t call;
    memset (&call, 0, sizeof call);
    call.op = "";
    snprintf (call.origin, sizeof call.origin, "%s", origin);
    api->requests++;
    json_t *request = NULL;
    json_t *result = NULL;
    if (size > api->max_request)
        api_fail (&call, "too_large", "request of %zu bytes; the limit is %zu", size, api->max_request);
    else {
        json_error_t error;
        request = json_loadb (data, size, JSON_REJECT_DUPLICATES, &error);
        if (!request)
            api_fail (&call, "bad_request", "not JSON: %s at position %d", error.text, error.position);
        else
        if (!json_is_object (request))
            api_fail (&call, "bad_request", "a request is a JSON object");
        else
            result = s_dispatch (api, &call, request, key_user);
    }
    json_t *id = request? json_object_get (request, "id"): NULL;
    json_t *reply = json_pack ("{s:O}", "id", id? id: json_null ());
    if (result)
        json_object_set_new (reply, "result", result);
    else {
        if (!call.error)
            api_fail (&call, "internal", "the operation returned nothing");
        json_object_set (reply, "error", call.error);
        api->failures++;
    }
    char *text = json_dumps (reply, JSON_COMPACT);
    json_decref (reply);
    json_decref (call.error);
    json_decref (call.args);
    json_decref (request);
    return text;
}

api_t *
api_new (meshd_t *meshd)
{
    api_t *self = (api_t *) zmalloc (sizeof (api_t));
    self->meshd = meshd;
    self->db = vd_db_open (meshd->db_path, false);
    self->session_lifetime = vd_config_int (meshd->config, "api/session_lifetime");
    self->max_request = (size_t) vd_config_int (meshd->config, "api/max_request");
    if (!self->db)
        api_destroy (&self);
    return self;
}

void
api_destroy (api_t **self_p)
{
    if (self_p && *self_p) {
        vd_db_close (&(*self_p)->db);
        zsock_destroy (&(*self_p)->mesh);
        free (*self_p);
        *self_p = NULL;
    }
}

int64_t
api_session_lifetime (api_t *api)
{
    return api->session_lifetime;
}

static void
s_serve (api_t *self, zsock_t *sock, bool tcp)
{
    zmsg_t *msg = zmsg_recv (sock);
    if (!msg)
        return;
    zframe_t *body = zmsg_last (msg);
    if (zmsg_size (msg) < 2 || !body) {
        zmsg_destroy (&msg);
        return;
    }
    char origin [80] = "ipc";
    char key_user [64] = "";
    const char *user_id = zframe_meta (body, "User-Id");
    if (tcp) {
        if (!user_id || strncmp (user_id, "user:", 5)) {
            zmsg_destroy (&msg);
            return;             //  cannot happen with ZAP in place; refuse anyway
        }
        snprintf (key_user, sizeof key_user, "%s", user_id + 5);
        snprintf (origin, sizeof origin, "tcp:%s", key_user);
    }
    char *reply = api_request (self, (const char *) zframe_data (body), zframe_size (body),
                               origin, tcp? key_user: NULL);
    zmsg_remove (msg, body);
    zframe_destroy (&body);
    zmsg_addstr (msg, reply);
    free (reply);
    zmsg_send (&msg, sock);
}

void
api_actor (zsock_t *pipe, void *args)
{
    meshd_t *meshd = (meshd_t *) args;
    api_t *self = api_new (meshd);
    zsock_t *local = zsock_new (ZMQ_ROUTER);
    zsock_t *tcp = NULL;
    char *endpoint = meshd_api_endpoint (meshd);
    const char *tcp_endpoint = vd_config_str (meshd->config, "api/tcp");
    bool ok = self && local;
    if (ok) {
        self->mesh = zsock_new (ZMQ_PUSH);
        zsock_connect (self->mesh, MESHD_MESH_CTL);
        zsock_set_maxmsgsize (local, (int64_t) self->max_request + 4096);
        zsock_set_sndtimeo (local, 0);
        if (strneq (endpoint, "") && strncmp (endpoint, "ipc://", 6) == 0)
            unlink (endpoint + 6);      //  a stale socket of a crashed meshd
        if (vd_bind (local, endpoint)) {
            zsys_error ("api: cannot bind %s: %s", endpoint, zmq_strerror (zmq_errno ()));
            ok = false;
        }
    }
    if (ok && *tcp_endpoint) {
        tcp = zsock_new (ZMQ_ROUTER);
        zsock_set_maxmsgsize (tcp, (int64_t) self->max_request + 4096);
        zsock_set_sndtimeo (tcp, 0);
        zsock_set_handshake_ivl (tcp, 5000);
        meshd_curve_server (tcp, meshd, MESHD_ZAP_DOMAIN_API);
        if (vd_bind (tcp, tcp_endpoint)) {
            zsys_error ("api: cannot bind %s: %s", tcp_endpoint, zmq_strerror (zmq_errno ()));
            ok = false;
        }
    }
    zsock_signal (pipe, 0);
    if (!ok)
        vd_actor_failed (pipe);
    if (ok) {
        zsys_info ("api: listening on %s%s%s", endpoint, tcp? " and ": "", tcp? tcp_endpoint: "");
        zpoller_t *poller = zpoller_new (pipe, local, tcp, NULL);
        while (true) {
            zsock_t *which = (zsock_t *) zpoller_wait (poller, -1);
            if (which == local)
                s_serve (self, local, false);
            else
            if (which && which == tcp)
                s_serve (self, tcp, true);
            else
            if (which == pipe) {
                bool term;
                char *command = vd_actor_command (pipe, &term);
                if (command && streq (command, "STATS"))
                    zsock_send (pipe, "88", self->requests, self->failures);
                free (command);
                if (term)
                    break;
            }
            else
                break;
        }
        zpoller_destroy (&poller);
    }
    if (strncmp (endpoint, "ipc://", 6) == 0 && ok)
        unlink (endpoint + 6);
    free (endpoint);
    zsock_destroy (&local);
    zsock_destroy (&tcp);
    api_destroy (&self);
}
