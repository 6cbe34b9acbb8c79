/*  meshd: the coordinator. One process of CZMQ actors, a folder per
    subsystem:

    core/auth      ZAP handler: which CURVE keys may connect, per ZAP domain
    core/mesh      ROUTER for probes: connections, heartbeats, credit, links
    core/store     the only writer of samples: group commit, ACK after
                   commit, exactly-once by sequence number, compaction,
                   meshd's own series (selfmon.c)
    core/events    PUB of recorded events (table event) and live samples
    api/api        ROUTER for JSON requests (ipc and CURVE tcp); each noun's
                   operations in op_NOUN.c of its subsystem's folder
    alarm/rules    samples and events into alarms: thresholds (rule.c),
                   device states and dependencies (reach.c), flapping
                   (flap.c), alarm rows (alarm.c)
    notify/notify  delivers the notification outbox, a file per channel
                   kind: email.c, webhook.c, exec.c
    ssh/ssh        the console served over SSH
    monitor/ and cred/ hold what the actors and operations share about
    devices, reports, series and sealed credentials.

    main.c starts the actors from one table in this order and stops them in
    reverse; a reload (SIGHUP) stops them all and starts them again with
    the new configuration. Actors talk over these inproc endpoints, never
    through shared memory.                                                   */
#ifndef MESHD_H_INCLUDED
#define MESHD_H_INCLUDED

#include "vedette.h"

#define MESHD_RSA_MIN_BITS  2048   //  smaller RSA keys are refused at user.key.add and at login
#define MESHD_STORE_IN      "inproc://meshd-store"     //  PULL in store
#define MESHD_MESH_CTL      "inproc://meshd-mesh"      //  PULL in mesh, from api
//  ROUTER in mesh: live requests to a probe, answered while the caller
//  waits (api_live): [id] [probe id] [request JSON] in, [id] [answer JSON] out
#define MESHD_MESH_LIVE     "inproc://meshd-mesh-live"
//  The store binds what it says to the mesh (ACK, ROTATED) and the mesh
//  connects: an inproc connection does not come back when the side that
//  bound is gone, and the mesh is the one restarted on SIGHUP
#define MESHD_STORE_OUT     "inproc://meshd-store-out" //  PUSH in store
#define MESHD_EVENTS_IN     "inproc://meshd-events"    //  PULL in events: "NEW"
#define MESHD_RULES_IN      "inproc://meshd-rules"     //  PULL in rules: "NEW", "RELOAD"
#define MESHD_NOTIFY_IN     "inproc://meshd-notify"    //  PULL in notify: "NEW"
#define MESHD_ZAP_DOMAIN_MESH "vedette-mesh"
#define MESHD_ZAP_DOMAIN_API  "vedette-api"
#define MESHD_ZAP_DOMAIN_EVENTS "vedette-events"

//  Everything an actor needs at start; owned by main, read-only after.
typedef struct {
    const char *dir;            //  state directory
    vd_config_t *config;        //  meshd.cfg, checked against meshd_config_keys
    char *db_path;              //  DIR/meshd.db
    zcert_t *cert;              //  meshd's CURVE keypair
} meshd_t;

//  Configuration keys of meshd.cfg (meshd/config.c).
extern const vd_config_key_t meshd_config_keys [];

//  `vedette-meshd init`: makes the state directory, keys, master key,
//  database and admin user. password may be NULL (generated and printed).
int meshd_init (const char *dir, const char *password, bool force);
//  Hashes a password with argon2id into out (crypto_pwhash_STRBYTES).
int meshd_password_hash (const char *password, char *out);

//  Actors; each takes a meshd_t * as args.
void auth_actor (zsock_t *pipe, void *args);
void mesh_actor (zsock_t *pipe, void *args);
void store_actor (zsock_t *pipe, void *args);
void api_actor (zsock_t *pipe, void *args);
void events_actor (zsock_t *pipe, void *args);
void rules_actor (zsock_t *pipe, void *args);
void notify_actor (zsock_t *pipe, void *args);
void ssh_actor (zsock_t *pipe, void *args);
void housekeeping_actor (zsock_t *pipe, void *args);

//  A session for user_id (what login makes): the token, 64 hex digits and
//  a NUL, into token, and when it expires into *expires_us (if not NULL).
//  0, or -1.
int meshd_session_create (sqlite3 *db, int64_t user_id, int64_t lifetime_ms, const char *origin, char *token,
                          int64_t *expires_us);
//  Ends the session of a token.
void meshd_session_remove (sqlite3 *db, const char *token);
//  The SSH host key's path (caller frees); makes the key if there is none
//  (0, or -1).
char *meshd_ssh_host_key (const char *dir);
int meshd_ssh_make_host_key (const char *dir);
//  The bits of an RSA public key's modulus, from its base64 blob as in
//  authorized_keys; 0 if the blob is not an RSA key's (api/op_user_key.c).
int meshd_ssh_rsa_bits (const char *base64);

//  Records an event (data: a JSON object's text) in the caller's database
//  connection; the writer then sends "NEW" to MESHD_EVENTS_IN so the events
//  actor publishes it. 0, or -1.
int meshd_event (sqlite3 *db, const char *topic, int64_t site_id, const char *data);
//  The select list and source of event rows, for meshd_event_json:
//  "SELECT " MESHD_EVENT_ROWS " WHERE ..."
#define MESHD_EVENT_ROWS    "e.id, e.ts_us, e.topic, s.name, e.data " \
                            "FROM event e LEFT JOIN site s ON s.id = e.site_id"
//  An event row (MESHD_EVENT_ROWS) as the event object published and listed.
json_t *meshd_event_json (sqlite3_stmt *stmt);
//  Resolves the events ipc endpoint (default DIR/events.sock).
char *meshd_events_endpoint (meshd_t *meshd);

//  Makes a socket about to bind a CURVE server of a ZAP domain that outsiders
//  reach: the domain enforced (no ZAP handler, no entry), messages of at
//  most max_message bytes, handshake deadline, heartbeats. 0, or -1: do not
//  bind.
int meshd_curve_server (zsock_t *sock, meshd_t *meshd, const char *domain, int64_t max_message);
//  An endpoint clients can dial for a bind endpoint: "tcp://*:7441" becomes
//  "tcp://HOSTNAME:7441". Caller frees.
char *meshd_dialable (const char *bind);
//  Resolves the API ipc endpoint (default DIR/api.sock).
char *meshd_api_endpoint (meshd_t *meshd);

//  meshd's own series (core/selfmon.c): those of the built-in object
//  "vedette" (no device, no probe), written by the store every
//  self/interval from its counters and the API's (its "API" message)
#define MESHD_SELF_NAME     "vedette"
typedef struct _selfmon_t selfmon_t;
typedef struct {
    uint64_t samples;           //  committed so far
    uint64_t refused;           //  messages refused for want of disk space
    uint64_t api_requests;      //  served so far
    uint64_t api_latency_us;    //  their time, in all
    uint64_t auth_refused;      //  CURVE handshakes refused (the auth actor's "AUTH")
} selfmon_counts_t;
selfmon_t *selfmon_new (sqlite3 *db, meshd_t *meshd);
void selfmon_destroy (selfmon_t **self_p);
//  One round of samples into the tail, in the caller's transaction: how
//  many, or -1
int selfmon_run (selfmon_t *self, const selfmon_counts_t *counts);

//  Compaction: moves up to max_batches of the sample tail into chunks in the
//  caller's transaction. Returns batches moved, or -1.
int compact_run (sqlite3 *db, int max_batches, uint64_t *foreign);


#endif
