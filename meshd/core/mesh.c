/*  meshd/core/mesh.c: the mesh actor. A ROUTER (CURVE server, ZAP domain
    vedette-mesh) that probes dial. A probe's identity is the User-Id that
    the ZAP handler gave its connection, never a field of a message.

    Per probe, a link state machine with deadlines:
        connected --(silence > mesh/late)--> late --(> mesh/lost)--> lost
        late, lost --(any valid message)--> connected
    PING carries the probe's clock (sent_us); PONG gives it back with ours
    at receipt and at reply. The probe works out its
    offset and round trip from the four and reports them in its next PING;
    beyond mesh/max_clock_offset its clock is "skewed", else "ok" (a change
    is the event probe.clock).
    LIVE carries a request from the api (api_live: a credential test) to a
    connected probe, with an id; the probe's ANSWER with that id goes back
    to the api worker that waits for it. Requests not answered within
    LIVE_EXPIRY_MS are forgotten (the worker has given up by then).
    DATA goes to the store actor; the store's ACK comes back on the control
    socket (connected to MESHD_STORE_OUT) once committed and is forwarded
    to the probe. Credit (mesh/credit) caps what a probe may have in flight
    unacknowledged, and meshd holds it to that: a message beyond its credit
    is refused (ERROR over_credit, counted) and the probe sends it again
    once acknowledgements come. So what waits for the store is bounded by
    the probes' credits, and the mesh never blocks on the store's queue: a
    message the queue cannot take now is refused as busy, counted, and sent
    again by the probe (nothing is acknowledged before it is committed).
    A revoked probe is told, and a second later the connections its
    messages came on are shut down (conns.c), whether it hangs up or not. */
#include "meshd.h"
#include "core/conns.h"
#include "cred/cred.h"
#include "backup/backup.h"
#include "accounting/accounting.h"

typedef enum { LINK_CONNECTED, LINK_LATE, LINK_LOST } link_state_t;
static const char *s_link_names [] = { "connected", "late", "lost" };

//  A probe as the mesh sees it ("peer" is a probe another one measures)
typedef struct {
    int64_t id;
    zframe_t *routing;          //  the connection we last heard it on
    link_state_t link;
    int64_t heard;              //  monotonic ms of the last valid message
    int64_t reported;           //  monotonic ms of the last LINK to store
    int64_t backlog;            //  messages in its spool, from PING
    char *listen;               //  its listeners' counters (JSON), from PING
    char *drops;                //  what it dropped, totals by kind (JSON), from PING
    int64_t clock_offset;       //  us, its clock minus ours, from PING
    int64_t rtt;                //  us, round trip of that measurement
    const char *clock;          //  "ok", "skewed", or "" until measured
    char version [32];
    char name [64];
    char peer_address [256];    //  where other probes reach its peer socket ("": none)
    bool hello_seen;            //  peer_address is this run's
    bool enrolling;             //  connected with its enrollment token's key
    bool config_due;            //  its checks changed: push them at the next sweep
    int64_t *window;            //  seqs handed to the store, not yet acknowledged
    int64_t *window_ms;         //  when each was handed (mono ms)
    int inflight;               //  how many (at most the credit)
    mesh_conns_t conns;         //  the connections it was heard on
} probe_t;

//  A revoked probe's connections, shut down a second after it was told
//  (ERROR revoked), so that a probe which does not hang up is cut off
typedef struct {
    int64_t id;
    mesh_conns_t conns;
    int64_t due;                //  mono ms
} closing_t;

static void
s_closing_destroy (closing_t **self_p)
{
    free (*self_p);
    *self_p = NULL;
}
#define CLOSE_AFTER_MS      1000

//  An unacknowledged message older than this was lost by a failed store
//  transaction: the probe sends it again after 10 s (probe/uplink.c)
#define WINDOW_EXPIRY_MS    15000
#define LIVE_EXPIRY_MS      120000

//  A live request waiting for its probe's answer
typedef struct {
    zframe_t *caller;           //  the api worker's routing id
    char *id;
    int64_t probe;
    int64_t expires;            //  mono ms
} live_t;

typedef struct {
    meshd_t *meshd;
    zsock_t *router;            //  probes
    zsock_t *ctl;               //  PULL: from store (ACK, ROTATED) and api
    zsock_t *store;             //  PUSH: to store
    zsock_t *live;              //  ROUTER: live requests from api workers
    zhashx_t *pending;          //  "id" -> live_t
    sqlite3 *db;                //  read-only: WELCOME, CONFIG
    unsigned char *key;         //  master key: opens the credentials CONFIG carries
    zhashx_t *probes;           //  "id" -> probe_t: the probes connected or known this run
    zhashx_t *revoked;          //  "id" -> revoked this run
    zlistx_t *closing;          //  closing_t: revoked probes' connections, to shut down
    int64_t heartbeat, late, lost;
    int64_t max_offset;         //  us: mesh/max_clock_offset
    int64_t received;           //  wall clock us: the message being handled arrived
    int credit;
    uint64_t over_credit;       //  messages refused beyond a probe's credit
    uint64_t busy;              //  messages refused while the store's queue was full
    uint64_t bad;               //  malformed messages
    uint64_t refused;           //  messages refused (revoked, wrong state)
    vd_complaint_t complaint;   //  bad input, logged throttled
} mesh_t;

static void
s_live_destroy (live_t **self_p)
{
    if (*self_p) {
        zframe_destroy (&(*self_p)->caller);
        free ((*self_p)->id);
        free (*self_p);
        *self_p = NULL;
    }
}

static void
s_probe_destroy (probe_t **self_p)
{
    if (*self_p) {
        zframe_destroy (&(*self_p)->routing);
        free ((*self_p)->listen);
        free ((*self_p)->drops);
        free ((*self_p)->window);
        free ((*self_p)->window_ms);
        free (*self_p);
        *self_p = NULL;
    }
}

static void
s_send (mesh_t *self, probe_t *probe, const char *command, json_t *header)
{
    vd_wire_send (self->router, probe->routing, command, header, NULL, 0);
    json_decref (header);
}

static void
s_error (mesh_t *self, zframe_t *routing, const char *code, const char *reason)
{
    json_t *header = json_pack ("{s:s, s:s}", "code", code, "message", reason);
    vd_wire_send (self->router, routing, "ERROR", header, NULL, 0);
    json_decref (header);
}

//  Logs bad input, throttled (vd_complain); counters keep the rest
static void
s_complain (mesh_t *self, const char *format, ...)
{
    if (!vd_complaint_due (&self->complaint))
        return;
    va_list args;
    va_start (args, format);
    char *text = zsys_vprintf (format, args);
    va_end (args);
    vd_complain (&self->complaint, "mesh: %s (bad messages so far: %" PRIu64 ", refused: %" PRIu64 ")",
                 text, self->bad, self->refused);
    free (text);
}

//  Hands a message to the store without waiting (its socket's send
//  timeout is 0): -1, the message destroyed and counted as busy, if its
//  queue cannot take it now
static int
s_to_store (mesh_t *self, zmsg_t **msg_p)
{
    int rc = zmsg_send (msg_p, self->store);
    if (rc) {
        zmsg_destroy (msg_p);
        self->busy++;
        s_complain (self, "the store's queue is full: a message refused as busy");
    }
    return rc;
}

//  True if the probe may hand one more message to the store: fewer than
//  its credit unacknowledged (those past WINDOW_EXPIRY_MS are forgotten)
static bool
s_window_admits (mesh_t *self, probe_t *probe)
{
    int64_t now = vd_mono_ms ();
    int kept = 0;
    for (int i = 0; i < probe->inflight; i++)
        if (now - probe->window_ms [i] < WINDOW_EXPIRY_MS) {
            probe->window [kept] = probe->window [i];
            probe->window_ms [kept++] = probe->window_ms [i];
        }
    probe->inflight = kept;
    return probe->inflight < self->credit;
}

//  The store committed up to seq: those are no longer in flight (a resync
//  means the rest will be sent again)
static void
s_window_acked (probe_t *probe, int64_t seq, bool resync)
{
    int kept = 0;
    for (int i = 0; i < probe->inflight && !resync; i++)
        if (probe->window [i] > seq) {
            probe->window [kept] = probe->window [i];
            probe->window_ms [kept++] = probe->window_ms [i];
        }
    probe->inflight = kept;
}

static void
s_report (mesh_t *self, probe_t *probe)
{
    zmsg_t *msg = zmsg_new ();
    int64_t seen = vd_now_us () - (vd_mono_ms () - probe->heard) * 1000;
    zmsg_addstr (msg, "LINK");
    zmsg_addmem (msg, &probe->id, 8);
    zmsg_addstr (msg, s_link_names [probe->link]);
    zmsg_addmem (msg, &seen, 8);
    zmsg_addmem (msg, &probe->backlog, 8);
    zmsg_addstr (msg, probe->version);
    zmsg_addstr (msg, probe->listen? probe->listen: "");
    zmsg_addstr (msg, probe->clock);
    zmsg_addmem (msg, &probe->clock_offset, 8);
    zmsg_addmem (msg, &probe->rtt, 8);
    zmsg_addstr (msg, probe->hello_seen? probe->peer_address: "?");
    zmsg_addstr (msg, probe->drops? probe->drops: "");
    if (s_to_store (self, &msg) == 0)
        probe->reported = vd_mono_ms ();    //  else told again at the next sweep
}

static probe_t *
s_probe (mesh_t *self, int64_t id)
{
    char key [24];
    snprintf (key, sizeof key, "%lld", (long long) id);
    return (probe_t *) zhashx_lookup (self->probes, key);
}

//  Opens a credential into creds (name -> its secret), once
static void
s_open_cred (mesh_t *self, json_t *creds, const char *name, const void *sealed, size_t size)
{
    cred_open_into (self->key, creds, name, sealed, size);
}

//  The probe's discoveries, with the credentials of their ladders
static json_t *
s_discoveries (mesh_t *self, int64_t probe_id, json_t *creds)
{
    json_t *list = json_array ();
    sqlite3_stmt *stmt = vd_db_prepare (self->db,
        "SELECT id, targets, exclude, creds, ping, every_ms, requested, done, last_us "
        "FROM discovery WHERE probe_id = ? ORDER BY id");
    sqlite3_stmt *cred = vd_db_prepare (self->db,
        "SELECT sealed FROM credential WHERE name = ? AND kind = 'snmp'");
    if (stmt && cred) {
        sqlite3_bind_int64 (stmt, 1, probe_id);
        while (sqlite3_step (stmt) == SQLITE_ROW) {
            json_t *names = json_loads ((const char *) sqlite3_column_text (stmt, 3), 0, NULL);
            json_t *ladder = json_array ();
            size_t index;
            json_t *name;
            json_array_foreach (names, index, name) {
                //  a credential removed since is left out of the ladder
                sqlite3_bind_text (cred, 1, json_string_value (name), -1, SQLITE_TRANSIENT);
                if (sqlite3_step (cred) == SQLITE_ROW) {
                    s_open_cred (self, creds, json_string_value (name), sqlite3_column_blob (cred, 0),
                                 (size_t) sqlite3_column_bytes (cred, 0));
                    if (json_object_get (creds, json_string_value (name)))
                        json_array_append (ladder, name);
                }
                sqlite3_reset (cred);
            }
            json_decref (names);
            json_array_append_new (list, json_pack ("{s:I, s:o, s:o, s:o, s:b, s:I, s:I, s:I, s:I}",
                "id", (json_int_t) sqlite3_column_int64 (stmt, 0),
                "targets", json_loads ((const char *) sqlite3_column_text (stmt, 1), 0, NULL),
                "exclude", json_loads ((const char *) sqlite3_column_text (stmt, 2), 0, NULL),
                "creds", ladder, "ping", sqlite3_column_int (stmt, 4),
                "every_ms", (json_int_t) sqlite3_column_int64 (stmt, 5),
                "requested", (json_int_t) sqlite3_column_int64 (stmt, 6),
                "done", (json_int_t) sqlite3_column_int64 (stmt, 7),
                "last_us", (json_int_t) sqlite3_column_int64 (stmt, 8)));
        }
    }
    sqlite3_finalize (stmt);
    sqlite3_finalize (cred);
    return list;
}

//  The credentials this probe accepts traps and informs with: those for
//  every probe, its site's and its own
static json_t *
s_trap_creds (mesh_t *self, int64_t probe_id, json_t *creds)
{
    json_t *names = json_array ();
    sqlite3_stmt *stmt = vd_db_prepare (self->db,
        "SELECT DISTINCT c.name, c.sealed FROM trap_cred t JOIN credential c ON c.id = t.cred_id "
        "JOIN probe p ON p.id = ?1 WHERE (t.site_id IS NULL AND t.probe_id IS NULL) "
        "OR t.site_id = p.site_id OR t.probe_id = p.id ORDER BY c.name");
    if (!stmt)
        return names;
    sqlite3_bind_int64 (stmt, 1, probe_id);
    while (sqlite3_step (stmt) == SQLITE_ROW) {
        const char *name = (const char *) sqlite3_column_text (stmt, 0);
        s_open_cred (self, creds, name, sqlite3_column_blob (stmt, 1), (size_t) sqlite3_column_bytes (stmt, 1));
        if (json_object_get (creds, name))
            json_array_append_new (names, json_string (name));
    }
    sqlite3_finalize (stmt);
    return names;
}

//  The other probes, whose paths this one measures: name, public key, and
//  the address their peer socket takes requests at (this run's HELLO, else
//  the last one on record; null: measured only by them)
static json_t *
s_peers (mesh_t *self, int64_t probe_id)
{
    json_t *list = json_array ();
    sqlite3_stmt *stmt = vd_db_prepare (self->db,
        "SELECT id, name, public_key, peer_address FROM probe "
        "WHERE state = 'active' AND public_key IS NOT NULL AND id != ? ORDER BY name");
    if (!stmt)
        return list;
    sqlite3_bind_int64 (stmt, 1, probe_id);
    while (sqlite3_step (stmt) == SQLITE_ROW) {
        probe_t *other = s_probe (self, sqlite3_column_int64 (stmt, 0));
        const char *address = other && other->hello_seen? other->peer_address
                            : (const char *) sqlite3_column_text (stmt, 3);
        json_array_append_new (list, json_pack ("{s:s, s:s, s:o}",
            "name", sqlite3_column_text (stmt, 1), "key", sqlite3_column_text (stmt, 2),
            "address", address && *address? json_string (address): json_null ()));
    }
    sqlite3_finalize (stmt);
    return list;
}

//  Every connected probe but one gets its CONFIG again at the next sweep:
//  the set of peers changed
static void
s_peers_changed (mesh_t *self, int64_t except)
{
    for (probe_t *probe = (probe_t *) zhashx_first (self->probes); probe;
         probe = (probe_t *) zhashx_next (self->probes))
        if (probe->id != except && !probe->enrolling)
            probe->config_due = true;
}

//  The checks this probe runs, with the series each result goes to, its
//  discoveries, the credentials traps are accepted with, the credentials
//  all these use, opened (they travel only inside CURVE), the other
//  probes to measure the paths to, and the devices to back up with their
//  models (backup/config.c), and the NASes whose accounting it receives
//  with their secrets (accounting/config.c)
static json_t *
s_config (mesh_t *self, int64_t probe_id)
{
    json_t *checks = json_array ();
    json_t *creds = json_object ();
    json_t *backups = json_object ();       //  "backups", "models" and "nas"
    sqlite3_stmt *stmt = vd_db_prepare (self->db,
        "SELECT c.id, c.kind, c.interval_ms, c.params, d.address, d.name, cr.name, cr.sealed "
        "FROM device_check c JOIN device d ON d.id = c.device_id "
        "LEFT JOIN credential cr ON cr.id = d.snmp_cred_id AND c.kind = 'snmp' "
        "WHERE d.probe_id = ? ORDER BY c.id");
    sqlite3_stmt *series = vd_db_prepare (self->db,
        "SELECT metric, id FROM series WHERE check_id = ?");
    json_t *discoveries = NULL, *traps = NULL;
    if (stmt && series) {
        vd_db_exec (self->db, "BEGIN");
        sqlite3_bind_int64 (stmt, 1, probe_id);
        while (sqlite3_step (stmt) == SQLITE_ROW) {
            json_t *params = json_loads ((const char *) sqlite3_column_text (stmt, 3), 0, NULL);
            json_t *ids = json_object ();
            sqlite3_bind_int64 (series, 1, sqlite3_column_int64 (stmt, 0));
            while (sqlite3_step (series) == SQLITE_ROW)
                json_object_set_new (ids, (const char *) sqlite3_column_text (series, 0),
                                     json_integer (sqlite3_column_int64 (series, 1)));
            sqlite3_reset (series);
            json_t *check = json_pack ("{s:I, s:s, s:I, s:o, s:s, s:s, s:o}",
                "id", (json_int_t) sqlite3_column_int64 (stmt, 0),
                "kind", sqlite3_column_text (stmt, 1),
                "interval_ms", (json_int_t) sqlite3_column_int64 (stmt, 2),
                "params", params? params: json_object (),
                "address", sqlite3_column_text (stmt, 4),
                "device", sqlite3_column_text (stmt, 5),
                "series", ids);
            const char *cred = (const char *) sqlite3_column_text (stmt, 6);
            if (cred) {
                s_open_cred (self, creds, cred, sqlite3_column_blob (stmt, 7),
                             (size_t) sqlite3_column_bytes (stmt, 7));
                json_object_set_new (check, "cred", json_string (cred));
            }
            json_array_append_new (checks, check);
        }
        discoveries = s_discoveries (self, probe_id, creds);
        traps = s_trap_creds (self, probe_id, creds);
        backup_config (self->meshd, self->db, self->key, probe_id, backups, creds);
        accounting_config (self->db, self->key, probe_id, backups);
        vd_db_exec (self->db, "COMMIT");
    }
    sqlite3_finalize (stmt);
    sqlite3_finalize (series);
    json_t *config = json_pack ("{s:o, s:o, s:o, s:o, s:o}", "checks", checks, "creds", creds,
                                "discoveries", discoveries? discoveries: json_array (),
                                "traps", traps? traps: json_array (), "peers", s_peers (self, probe_id));
    json_object_update (config, backups);
    json_decref (backups);
    return config;
}

//  Sends a probe its checks; the opened credentials are wiped after
static void
s_send_config (mesh_t *self, probe_t *probe)
{
    json_t *config = s_config (self, probe->id);
    vd_wire_send (self->router, probe->routing, "CONFIG", config, NULL, 0);
    vd_json_wipe (config);
    probe->config_due = false;
}

//  The clock's timestamps for the probe, in a PONG
static json_t *
s_clock_reply (mesh_t *self, vd_wire_t *wire, json_t *reply)
{
    int64_t sent = vd_wire_int (wire, "sent_us", -1);
    if (sent > 0) {
        json_object_set_new (reply, "sent_us", json_integer (sent));
        json_object_set_new (reply, "received_us", json_integer (self->received));
        json_object_set_new (reply, "replied_us", json_integer (vd_now_us ()));
    }
    return reply;
}

//  A PING's measurement of the probe's clock; a change of verdict is
//  reported at once
static void
s_clock (mesh_t *self, probe_t *probe, vd_wire_t *wire)
{
    json_t *offset = json_object_get (wire->header, "clock_offset_us");
    json_t *rtt = json_object_get (wire->header, "rtt_us");
    if (!offset && !rtt)
        return;                 //  not measured yet
    //  ten years either way, a minute's round trip: beyond is nonsense
    if (!json_is_integer (offset) || !json_is_integer (rtt)
    ||  llabs ((long long) json_integer_value (offset)) > 315360000000000LL
    ||  json_integer_value (rtt) < 0 || json_integer_value (rtt) > 60000000) {
        self->bad++;
        s_complain (self, "probe %lld: bad clock_offset_us or rtt_us in PING", (long long) probe->id);
        return;
    }
    probe->clock_offset = json_integer_value (offset);
    probe->rtt = json_integer_value (rtt);
    const char *clock = llabs ((long long) probe->clock_offset) > self->max_offset? "skewed": "ok";
    if (!streq (clock, probe->clock)) {
        if (streq (clock, "skewed"))
            zsys_warning ("mesh: probe %s's clock is %+.3f s from ours", probe->name,
                          probe->clock_offset / 1e6);
        else
        if (*probe->clock)
            zsys_notice ("mesh: probe %s's clock is back in step (%+.3f s)", probe->name,
                         probe->clock_offset / 1e6);
        probe->clock = clock;
        s_report (self, probe);
    }
}

static void
s_hello (mesh_t *self, probe_t *probe, vd_wire_t *wire)
{
    const char *version = vd_wire_str (wire, "version");
    snprintf (probe->version, sizeof probe->version, "%s", version? version: "");
    //  the name on record, never the one the message claims
    char known [256] = "";
    sqlite3_stmt *stmt = vd_db_prepare (self->db, "SELECT name, peer_address FROM probe WHERE id = ?");
    if (stmt) {
        sqlite3_bind_int64 (stmt, 1, probe->id);
        if (sqlite3_step (stmt) == SQLITE_ROW) {
            snprintf (probe->name, sizeof probe->name, "%s", sqlite3_column_text (stmt, 0));
            if (sqlite3_column_text (stmt, 1))
                snprintf (known, sizeof known, "%s", sqlite3_column_text (stmt, 1));
        }
        sqlite3_finalize (stmt);
    }
    if (probe->hello_seen)
        snprintf (known, sizeof known, "%s", probe->peer_address);
    //  where the other probes reach its peer socket: a numeric HOST:PORT
    const char *address = vd_wire_str (wire, "peer");
    struct sockaddr_storage addr;
    socklen_t length;
    if (address && (strlen (address) >= sizeof probe->peer_address
    ||  vd_sockaddr_parse (address, false, SOCK_DGRAM, &addr, &length))) {
        self->bad++;
        s_complain (self, "probe %s: peer address is not HOST:PORT", probe->name);
        address = NULL;
    }
    if (!probe->enrolling) {
        snprintf (probe->peer_address, sizeof probe->peer_address, "%s", address? address: "");
        probe->hello_seen = true;
        if (!streq (known, probe->peer_address))
            s_peers_changed (self, probe->id);
    }
    probe->backlog = vd_wire_int (wire, "backlog", 0);
    probe->inflight = 0;                 //  a new session: it resends what is not acknowledged
    s_report (self, probe);
    if (probe->enrolling) {
        s_send (self, probe, "WELCOME", json_pack ("{s:b}", "enroll", 1));
        return;
    }
    char sql [96];
    snprintf (sql, sizeof sql, "SELECT last_seq FROM probe WHERE id = %lld", (long long) probe->id);
    int64_t last_seq = vd_db_int (self->db, sql, 0);
    s_send (self, probe, "WELCOME", json_pack ("{s:I, s:i, s:I, s:I}",
        "last_seq", (json_int_t) last_seq, "credit", self->credit,
        "heartbeat_ms", (json_int_t) self->heartbeat, "lost_ms", (json_int_t) self->lost));
    s_send_config (self, probe);
    zsys_info ("mesh: probe %s (%lld) connected, version %s, backlog %lld",
               probe->name, (long long) probe->id, probe->version, (long long) probe->backlog);
}

//  A probe's drop counts: an object of at most 16 kinds, each a count
static bool
s_counts_valid (json_t *counts)
{
    if (!json_is_object (counts) || json_object_size (counts) > 16)
        return false;
    const char *kind;
    json_t *value;
    json_object_foreach (counts, kind, value)
        if (strlen (kind) > 32 || !json_is_integer (value) || json_integer_value (value) < 0)
            return false;
    return true;
}

//  An answer (or a refusal) to the api worker waiting for it; takes caller
static void
s_live_reply (mesh_t *self, zframe_t **caller_p, const char *id, const char *text)
{
    zmsg_t *msg = zmsg_new ();
    zmsg_append (msg, caller_p);
    zmsg_addstr (msg, id);
    zmsg_addstr (msg, text);
    zmsg_send (&msg, self->live);
}

//  A live request from an api worker: to its probe if connected
static void
s_live_request (mesh_t *self)
{
    zmsg_t *msg = zmsg_recv (self->live);
    zframe_t *caller = msg? zmsg_pop (msg): NULL;
    char *id = msg? zmsg_popstr (msg): NULL;
    zframe_t *probe_frame = msg? zmsg_pop (msg): NULL;
    char *text = msg? zmsg_popstr (msg): NULL;
    json_t *request = text? json_loads (text, 0, NULL): NULL;
    probe_t *probe = probe_frame? s_probe (self, vd_frame_i64 (probe_frame)): NULL;
    if (!caller || !id || !json_is_object (request))
        ;                       //  not from an api worker
    else
    if (!probe || probe->link != LINK_CONNECTED || probe->enrolling)
        s_live_reply (self, &caller, id, "{\"refused\": \"the device's probe is not connected\"}");
    else {
        json_object_set_new (request, "id", json_string (id));
        vd_wire_send (self->router, probe->routing, "LIVE", request, NULL, 0);
        live_t *live = (live_t *) zmalloc (sizeof (live_t));
        live->caller = caller;
        caller = NULL;
        live->id = strdup (id);
        live->probe = probe->id;
        live->expires = vd_mono_ms () + LIVE_EXPIRY_MS;
        zhashx_update (self->pending, id, live);
    }
    vd_json_wipe (request);
    if (text) {
        sodium_memzero (text, strlen (text));
        free (text);
    }
    zframe_destroy (&caller);
    zframe_destroy (&probe_frame);
    free (id);
    zmsg_destroy (&msg);
}

//  A probe's ANSWER: to the worker that asked, if it was this probe asked
static void
s_live_answer (mesh_t *self, probe_t *probe, vd_wire_t *wire)
{
    const char *id = vd_wire_str (wire, "id");
    live_t *live = id? (live_t *) zhashx_lookup (self->pending, id): NULL;
    if (!live || live->probe != probe->id) {
        self->refused++;
        s_complain (self, "probe %s: an ANSWER to no request", probe->name);
        return;
    }
    char *text = json_dumps (wire->header, JSON_COMPACT);
    s_live_reply (self, &live->caller, id, text? text: "{}");
    free (text);
    zhashx_delete (self->pending, id);
}

//  A message from a probe: its frames, and what only libzmq's carry: the
//  User-Id ZAP gave the connection, and the socket it came on (ZMQ_SRCFD,
//  -1 if unknown). The routing id and the command are read as libzmq's
//  (and copied: they are small), the rest as they are (a batch's payload
//  is not copied)
static zmsg_t *
s_router_recv (mesh_t *self, char *user_id, size_t size, int *fd)
{
    void *handle = zsock_resolve (self->router);
    zmsg_t *msg = zmsg_new ();
    *user_id = 0;
    *fd = -1;
    bool more = true;
    for (int part = 0; more; part++) {
        if (part >= 2) {
            zframe_t *rest = zframe_recv (handle);
            if (!rest) {
                zmsg_destroy (&msg);
                return NULL;
            }
            more = zframe_more (rest);
            zmsg_append (msg, &rest);
            continue;
        }
        zmq_msg_t frame;
        zmq_msg_init (&frame);
        if (zmq_msg_recv (&frame, handle, 0) < 0) {
            zmq_msg_close (&frame);
            zmsg_destroy (&msg);
            return NULL;
        }
        if (part == 1) {
            const char *id = zmq_msg_gets (&frame, "User-Id");
            snprintf (user_id, size, "%s", id? id: "");
            *fd = zmq_msg_get (&frame, ZMQ_SRCFD);
        }
        zmsg_addmem (msg, zmq_msg_data (&frame), zmq_msg_size (&frame));
        more = zmq_msg_more (&frame);
        zmq_msg_close (&frame);
    }
    return msg;
}

static void
s_router (mesh_t *self)
{
    char user_id [128];
    int fd;
    zmsg_t *msg = s_router_recv (self, user_id, sizeof user_id, &fd);
    if (!msg)
        return;
    self->received = vd_now_us ();
    zframe_t *routing = zmsg_pop (msg);
    long long id = 0;
    int used = 0;
    if (!routing || zmsg_size (msg) == 0 || sscanf (user_id, "probe:%lld%n", &id, &used) != 1) {
        self->refused++;
        s_complain (self, "a message without a probe identity");
        zframe_destroy (&routing);
        zmsg_destroy (&msg);
        return;
    }
    bool enrolling = streq (user_id + used, ":enroll");
    char key [24];
    snprintf (key, sizeof key, "%lld", id);
    if (zhashx_lookup (self->revoked, key)) {
        self->refused++;
        zframe_destroy (&routing);
        zmsg_destroy (&msg);
        return;
    }
    const char *error;
    vd_wire_t *wire = vd_wire_decode (&msg, &error);
    if (!wire) {
        self->bad++;
        s_complain (self, "probe %lld: malformed message: %s", id, error);
        s_error (self, routing, "bad_message", error);
        zframe_destroy (&routing);
        return;
    }
    probe_t *probe = s_probe (self, id);
    if (!probe) {
        probe = (probe_t *) zmalloc (sizeof (probe_t));
        probe->id = id;
        probe->link = LINK_LOST;
        probe->clock = "";
        probe->window = (int64_t *) zmalloc ((size_t) self->credit * sizeof (int64_t));
        probe->window_ms = (int64_t *) zmalloc ((size_t) self->credit * sizeof (int64_t));
        zhashx_insert (self->probes, key, probe);
    }
    zframe_destroy (&probe->routing);
    probe->routing = routing;
    probe->enrolling = enrolling;
    probe->heard = vd_mono_ms ();
    if (probe->link != LINK_CONNECTED) {
        if (probe->link == LINK_LATE || probe->reported)
            zsys_notice ("mesh: probe %lld is back (was %s)", id, s_link_names [probe->link]);
        probe->link = LINK_CONNECTED;
        s_report (self, probe);
    }
    const char *command = wire->command;
    mesh_conns_saw (&probe->conns, fd, streq (command, "HELLO"));
    if (streq (command, "HELLO"))
        s_hello (self, probe, wire);
    else
    if (streq (command, "ROTATE") && enrolling) {
        const char *public_key = vd_wire_str (wire, "public_key");
        uint8_t raw [32];
        if (!public_key || strlen (public_key) != 40 || !zmq_z85_decode (raw, public_key)) {
            self->bad++;
            s_error (self, probe->routing, "bad_key", "public_key must be 40 characters of Z85");
        }
        else {
            zmsg_t *out = zmsg_new ();
            zmsg_addstr (out, "ROTATE");
            zmsg_addmem (out, &probe->id, 8);
            zmsg_addstr (out, public_key);
            if (s_to_store (self, &out))
                s_error (self, probe->routing, "busy", "meshd is busy: try again");
        }
    }
    else
    if ((streq (command, "DATA") || streq (command, "EVENTS") || streq (command, "REPORTS")) && !enrolling) {
        int64_t seq = vd_wire_int (wire, "seq", -1);
        if (seq <= 0) {
            self->bad++;
            s_error (self, probe->routing, "bad_seq", "DATA, EVENTS and REPORTS need a positive seq");
        }
        else
        if (!s_window_admits (self, probe)) {
            self->over_credit++;
            s_complain (self, "probe %s: more than its credit of %d messages unacknowledged: refused",
                        probe->name, self->credit);
            s_error (self, probe->routing, "over_credit", "more unacknowledged messages than the credit");
        }
        else {
            zmsg_t *out = zmsg_new ();
            zmsg_addstr (out, command);
            zmsg_addmem (out, &probe->id, 8);
            zmsg_addmem (out, &seq, 8);
            //  "from": the probe's spool dropped the messages from here to
            //  seq - 1 (full, or too old); they will never come
            int64_t from = vd_wire_int (wire, "from", 0);
            zmsg_addmem (out, &from, 8);
            zmsg_append (out, &wire->payload);
            if (s_to_store (self, &out))
                s_error (self, probe->routing, "busy", "meshd is busy: send it again later");
            else {
                probe->window [probe->inflight] = seq;
                probe->window_ms [probe->inflight++] = vd_mono_ms ();
            }
        }
    }
    else
    if (streq (command, "ANSWER") && !enrolling)
        s_live_answer (self, probe, wire);
    else
    if (streq (command, "PING")) {
        probe->backlog = vd_wire_int (wire, "backlog", probe->backlog);
        json_t *listen = json_object_get (wire->header, "listen");
        char *text = json_is_object (listen)? json_dumps (listen, JSON_COMPACT): NULL;
        if (text && strlen (text) <= 4096) {
            free (probe->listen);
            probe->listen = text;
        }
        else
            free (text);
        json_t *drops = json_object_get (wire->header, "drops");
        if (s_counts_valid (drops)) {
            free (probe->drops);
            probe->drops = json_dumps (drops, JSON_COMPACT | JSON_SORT_KEYS);
        }
        else
        if (drops)
            self->bad++;
        s_clock (self, probe, wire);
        s_send (self, probe, "PONG", s_clock_reply (self, wire, json_object ()));
    }
    else {
        self->refused++;
        s_complain (self, "probe %lld: %s not expected%s", id, command,
                    enrolling? " before the key rotation": "");
        s_error (self, probe->routing, "unexpected", "command not expected now");
    }
    vd_wire_destroy (&wire);
}

static void
s_control (mesh_t *self)
{
    zmsg_t *msg = zmsg_recv (self->ctl);
    if (!msg)
        return;
    char *command = zmsg_popstr (msg);
    zframe_t *id_frame = zmsg_pop (msg);
    int64_t id = vd_frame_i64 (id_frame);
    probe_t *probe = s_probe (self, id);
    if (!command)
        ;
    else
    if (streq (command, "ACK") && probe) {
        zframe_t *seq = zmsg_pop (msg);
        char *resync = zmsg_popstr (msg);
        s_window_acked (probe, vd_frame_i64 (seq), resync && streq (resync, "1"));
        s_send (self, probe, "ACK", json_pack ("{s:I, s:b}", "seq",
                (json_int_t) vd_frame_i64 (seq), "resync", resync && streq (resync, "1")));
        zframe_destroy (&seq);
        free (resync);
    }
    else
    if (streq (command, "NACK") && probe) {
        s_window_acked (probe, 0, true);        //  none is in flight: all come again
        s_send (self, probe, "NACK", NULL);
    }
    else
    if (streq (command, "ROTATED") && probe) {
        char *ok = zmsg_popstr (msg);
        if (ok && streq (ok, "1")) {
            s_send (self, probe, "ROTATED", NULL);
            zsys_notice ("mesh: probe %lld replaced its enrollment key with its own", (long long) id);
            s_peers_changed (self, id);     //  a new key the others must know
        }
        else
            s_error (self, probe->routing, "rotate_failed", "the key could not be replaced");
        free (ok);
    }
    else
    if (streq (command, "REVOKE")) {
        char key [24];
        snprintf (key, sizeof key, "%lld", (long long) id);
        zhashx_update (self->revoked, key, strdup (""));
        if (probe) {
            s_error (self, probe->routing, "revoked", "this probe was revoked");
            closing_t *closing = (closing_t *) zmalloc (sizeof (closing_t));
            closing->id = id;
            closing->conns = probe->conns;
            closing->due = vd_mono_ms () + CLOSE_AFTER_MS;
            zlistx_add_end (self->closing, closing);
            zhashx_delete (self->probes, key);
        }
        zsys_notice ("mesh: probe %lld revoked; its connections close in a second", (long long) id);
        s_peers_changed (self, id);
    }
    else
    if (streq (command, "CONFIG")) {
        //  a burst of changes (adding a thousand devices) makes one push
        if (probe && !probe->enrolling)
            probe->config_due = true;
    }
    free (command);
    zframe_destroy (&id_frame);
    zmsg_destroy (&msg);
}

//  Deadlines: late, lost; and a periodic LINK so last_seen stays fresh
static void
s_sweep (mesh_t *self)
{
    int64_t now = vd_mono_ms ();
    closing_t *closing = (closing_t *) zlistx_first (self->closing);
    while (closing && now >= closing->due) {
        zsys_notice ("mesh: probe %lld revoked: %d connections shut down", (long long) closing->id,
                     mesh_conns_close (&closing->conns));
        zlistx_delete (self->closing, zlistx_cursor (self->closing));
        closing = (closing_t *) zlistx_first (self->closing);
    }
    zlistx_t *expired = zlistx_new ();
    for (live_t *live = (live_t *) zhashx_first (self->pending); live; live = (live_t *) zhashx_next (self->pending))
        if (now >= live->expires)
            zlistx_add_end (expired, live->id);
    for (char *id = (char *) zlistx_first (expired); id; id = (char *) zlistx_next (expired))
        zhashx_delete (self->pending, id);
    zlistx_destroy (&expired);
    for (probe_t *probe = (probe_t *) zhashx_first (self->probes); probe;
         probe = (probe_t *) zhashx_next (self->probes)) {
        if (probe->config_due && probe->link == LINK_CONNECTED)
            s_send_config (self, probe);
        int64_t silence = now - probe->heard;
        link_state_t link = silence > self->lost? LINK_LOST
                          : silence > self->late? LINK_LATE: LINK_CONNECTED;
        if (link > probe->link) {
            zsys_warning ("mesh: probe %s (%lld) is %s: silent for %lld ms", probe->name,
                          (long long) probe->id, s_link_names [link], (long long) silence);
            probe->link = link;
            s_report (self, probe);
        }
        else
        if (probe->link == LINK_CONNECTED && now - probe->reported > 5000)
            s_report (self, probe);
    }
}

static int
s_setup (mesh_t *self)
{
    meshd_t *meshd = self->meshd;
    self->router = zsock_new (ZMQ_ROUTER);
    self->ctl = zsock_new (ZMQ_PULL);
    self->store = zsock_new (ZMQ_PUSH);
    self->live = zsock_new (ZMQ_ROUTER);
    self->db = vd_db_open (meshd->db_path, true);
    self->key = cred_key_load (meshd->dir);
    if (!self->router || !self->ctl || !self->store || !self->live || !self->db || !self->key)
        return -1;
    zsock_set_rcvhwm (self->router, 10000);
    zsock_set_sndhwm (self->router, 10000);
    zsock_set_linger (self->router, 0);
    zsock_set_sndtimeo (self->router, 0);
    zsock_set_rcvhwm (self->ctl, 100000);
    zsock_set_sndhwm (self->store, 100000);
    zsock_set_sndtimeo (self->store, 0);      //  never wait on the store: s_to_store
    if (meshd_curve_server (self->router, meshd, MESHD_ZAP_DOMAIN_MESH, VD_WIRE_MAX_MESSAGE))
        return -1;
    const char *endpoint = vd_config_str (meshd->config, "mesh/endpoint");
    if (vd_bind (self->router, endpoint)) {
        zsys_error ("mesh: cannot bind %s: %s", endpoint, zmq_strerror (zmq_errno ()));
        return -1;
    }
    if (zsock_bind (self->ctl, MESHD_MESH_CTL) || zsock_bind (self->live, MESHD_MESH_LIVE)
    ||  zsock_connect (self->ctl, MESHD_STORE_OUT)
    ||  zsock_connect (self->store, MESHD_STORE_IN))
        return -1;
    zsys_info ("mesh: listening on %s", endpoint);
    return 0;
}

void
mesh_actor (zsock_t *pipe, void *args)
{
    mesh_t self = { .meshd = (meshd_t *) args };
    self.probes = zhashx_new ();
    zhashx_set_destructor (self.probes, (zhashx_destructor_fn *) s_probe_destroy);
    self.revoked = zhashx_new ();
    zhashx_set_destructor (self.revoked, (zhashx_destructor_fn *) zstr_free);
    self.closing = zlistx_new ();
    zlistx_set_destructor (self.closing, (zlistx_destructor_fn *) s_closing_destroy);
    self.pending = zhashx_new ();
    zhashx_set_destructor (self.pending, (zhashx_destructor_fn *) s_live_destroy);
    self.heartbeat = vd_config_int (self.meshd->config, "mesh/heartbeat");
    self.late = vd_config_int (self.meshd->config, "mesh/late");
    self.max_offset = vd_config_int (self.meshd->config, "mesh/max_clock_offset") * 1000;
    self.lost = vd_config_int (self.meshd->config, "mesh/lost");
    self.credit = (int) vd_config_int (self.meshd->config, "mesh/credit");
    bool ok = s_setup (&self) == 0;
    zsock_signal (pipe, 0);
    if (!ok)
        vd_actor_failed (pipe);
    if (ok) {
        zpoller_t *poller = zpoller_new (pipe, self.router, self.ctl, self.live, NULL);
        int64_t next_sweep = vd_mono_ms () + 500;
        while (true) {
            int timeout = (int) (next_sweep - vd_mono_ms ());
            zsock_t *which = (zsock_t *) zpoller_wait (poller, timeout < 0? 0: timeout);
            if (which == pipe) {
                bool term;
                char *command = vd_actor_command (pipe, &term);
                if (command && streq (command, "STATS"))
                    zsock_send (pipe, "88", self.bad, self.refused);
                free (command);
                if (term)
                    break;
            }
            else
            if (which == self.router)
                s_router (&self);
            else
            if (which == self.ctl)
                s_control (&self);
            else
            if (which == self.live)
                s_live_request (&self);
            else
            if (zpoller_terminated (poller))
                break;
            if (vd_mono_ms () >= next_sweep) {
                s_sweep (&self);
                next_sweep = vd_mono_ms () + 500;
            }
        }
        zpoller_destroy (&poller);
        zsys_info ("mesh: %" PRIu64 " malformed messages, %" PRIu64 " refused, %" PRIu64
                   " beyond a probe's credit, %" PRIu64 " while the store was busy",
                   self.bad, self.refused, self.over_credit, self.busy);
    }
    zsock_destroy (&self.router);
    vd_sock_close (&self.ctl, MESHD_MESH_CTL);
    vd_sock_close (&self.live, MESHD_MESH_LIVE);
    zhashx_destroy (&self.pending);
    zsock_destroy (&self.store);
    vd_db_close (&self.db);
    cred_key_free (&self.key);
    zhashx_destroy (&self.probes);
    zhashx_destroy (&self.revoked);
    zlistx_destroy (&self.closing);
}
