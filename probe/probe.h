/*  vedette-probe: the probe daemon. Actors:

    uplink  DEALER (CURVE client) to meshd; the spool; credit; reconnects
    icmp    the ICMP engine: latency, loss, jitter of every ICMP check
    listen  syslog (UDP, TCP) and SNMP traps in, as events to the uplink
    snmp    the SNMP poller: system, interfaces, storage, counters into
            rates, LLDP and CDP neighbours
    service TCP connect, DNS query and HTTP(S) checks (libcurl), TLS
            certificate days left
    discover  sweeps of networks: ICMP, then SNMP with a credential ladder
    peer    paths to the other probes (UDP): round trip, loss, jitter
    backup  configuration backups over SSH (probe/backup/)

    State directory (-d DIR):
        probe.json            meshd's endpoint and key, this probe's name, site
        probe.cert[_secret]   this probe's own CURVE keypair
        token.cert[_secret]   the enrollment keypair, until it is rotated away
        spool.db              outbound messages not yet acknowledged
        checks.sealed         the last CONFIG (checks, credentials), sealed with
                              a key derived from probe.cert_secret          */
#ifndef PROBE_H_INCLUDED
#define PROBE_H_INCLUDED

#include "vedette.h"

#define PROBE_SAMPLES   "inproc://probe-samples"    //  PULL in uplink
#define PROBE_CHECKS    "inproc://probe-checks"     //  PULL in icmp
#define PROBE_SPOOLED   "inproc://probe-spooled"    //  PULL in listen: informs whose events are spooled
#define PROBE_EVENTS    "inproc://probe-events"     //  PULL in uplink: "EVENT" json, "STATS" json,
                                                    //  "REPORT" json (an SNMP poll's report),
                                                    //  "ANSWER" json (to a LIVE request)
#define PROBE_SNMP_CHECKS "inproc://probe-snmp-checks"  //  PULL in snmp
#define PROBE_SERVICE_CHECKS "inproc://probe-service-checks"    //  PULL in service
#define PROBE_DISCOVER_JOBS "inproc://probe-discover-jobs"      //  PULL in discover
#define PROBE_PEER_CONFIG "inproc://probe-peer-config"          //  PULL in peer
#define PROBE_LISTEN_CONFIG "inproc://probe-listen-config"      //  PULL in listen: trap credentials
#define PROBE_BACKUP_CONFIG "inproc://probe-backup-config"      //  PULL in backup
#define PROBE_BACKUP_LIVE   "inproc://probe-backup-live"        //  PULL in backup: a LIVE request (JSON)
#define PROBE_BACKUP_HEARD  "inproc://probe-backup-heard"       //  PULL in backup: ADDRESS, "syslog", MESSAGE
                                                                //  or ADDRESS, "trap", OID, VARBINDS (JSON):
                                                                //  what backed-up devices announce
//  Where the uplink pushes each CONFIG (and checks.sealed is read at start)
#define PROBE_CONFIG_READERS 7
extern const char *probe_config_endpoints [PROBE_CONFIG_READERS];

//  What every actor gets at start; owned by main.
typedef struct {
    const char *dir;            //  state directory
    vd_config_t *config;        //  probe.cfg
} probe_t;

extern const vd_config_key_t probe_config_keys [];

//  `vedette-probe join`: stores the token's keys, makes this probe's own
//  keypair and rotates it in with meshd. 0, or -1 with a message on stderr.
int probe_join (const char *dir, const char *token, int timeout_ms);
//  Path of a file in the state directory (caller frees).
char *probe_path (probe_t *probe, const char *name);

//  Actors; args is a probe_t *.
void uplink_actor (zsock_t *pipe, void *args);
void icmp_actor (zsock_t *pipe, void *args);
void listen_actor (zsock_t *pipe, void *args);
void snmp_actor (zsock_t *pipe, void *args);
void service_actor (zsock_t *pipe, void *args);
void discover_actor (zsock_t *pipe, void *args);
void peer_actor (zsock_t *pipe, void *args);
void backup_actor (zsock_t *pipe, void *args);
//  The address other probes reach this one's peer socket at (peer/address,
//  else peer/listen unless that is "*:PORT"); NULL if none.
const char *probe_peer_address (probe_t *probe);
//  Sends a report (an SNMP poll's, a service check's, a discovery's, the
//  paths to the peers) to the uplink, as "REPORT"; takes the report.
void probe_report (zsock_t *out, json_t *report);
//  The same as another kind of message to the uplink ("ANSWER")
void probe_report_as (zsock_t *out, const char *kind, json_t *report);
//  Keeps a CONFIG in checks.sealed (secretbox, with a key derived from the
//  probe's CURVE secret key): the probe measures when meshd is away, and
//  never writes a credential in clear. 0, or -1.
int probe_save_config (probe_t *probe, const char *text);
//  Reads the last CONFIG at an actor's start; NULL if none (or if it does
//  not open). The caller wipes it (vd_secret_free): it holds credentials.
char *probe_saved_config (probe_t *probe);
//  The first two of a probe actor's poll items, its pipe and its checks
//  socket, after zmq_poll: -1 on $TERM; 1 with *text the new CONFIG (it
//  holds credentials: the caller loads it, then wipes it with
//  vd_secret_free); 0 otherwise.
int probe_actor_inputs (zmq_pollitem_t *items, zsock_t *pipe, zsock_t *checks, char **text);

//  The ICMP engine, used by the icmp actor and by `vedette-probe ping`.
typedef struct _icmp_t icmp_t;
//  Called with the samples of each finished round.
typedef void (icmp_emit_fn) (void *arg, const vd_sample_t *samples, int count,
                             const char *address);

//  Opens the ICMP sockets (raw, or unprivileged datagram ones); NULL if
//  neither IPv4 nor IPv6 can be had, with the reason logged.
icmp_t *icmp_new (icmp_emit_fn *emit, void *arg);
void icmp_destroy (icmp_t **self_p);
//  Forgets every target; replies still in flight are then ignored.
void icmp_clear (icmp_t *self);
//  Adds a target. interval_ms 0 measures one round only. series holds the
//  ids of rtt, loss and jitter. 0, or -1 for a bad address.
int icmp_add (icmp_t *self, const char *address, int64_t interval_ms, int count,
              int timeout_ms, const uint64_t series [3]);
//  Replaces the targets with the ICMP checks of a CONFIG message; returns
//  how many there are.
int icmp_configure (icmp_t *self, json_t *config);
//  The sockets to poll for replies (-1 where absent).
void icmp_fds (icmp_t *self, int *fd4, int *fd6);
//  Milliseconds until the next thing to do (-1: nothing scheduled).
int icmp_timeout (icmp_t *self);
//  Does what is due: sends echoes, reads replies, closes rounds.
void icmp_work (icmp_t *self);
//  Targets whose round is not yet finished (one-shot targets only).
int icmp_pending (icmp_t *self);
//  Echoes sent, replies matched, send errors.
void icmp_stats (icmp_t *self, uint64_t *sent, uint64_t *received, uint64_t *errors);

//  `vedette-probe ping`: a one-shot sweep like fping.
int ping_main (int argc, char *argv []);

#endif
