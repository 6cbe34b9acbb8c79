/*  probe/snmp/snmp.h: the SNMP poller, on net-snmp's single-session API.

    net-snmp keeps global state (USM users, engine IDs and times, the
    statistics trap.c reads), so the poller (snmp actor) and the trap
    receiver (listen actor) call it only while holding snmp_lib_lock.      */
#ifndef PROBE_SNMP_H_INCLUDED
#define PROBE_SNMP_H_INCLUDED

#include "vedette.h"
#include <net-snmp/net-snmp-config.h>
#include <net-snmp/types.h>

//  Prepares net-snmp once per process: no configuration files, no MIBs,
//  persistent state off, its log lines into ours. Call with the lock held.
void snmp_lib_init (void);
void snmp_lib_lock (void);
void snmp_lib_unlock (void);

//  A session of net-snmp's single-session API from a credential (version,
//  community, user, auth, priv, timeout_ms, retries), to peername
//  ("udp:ADDRESS:PORT"); engine discovery happens inside the first
//  request. NULL, with the reason in error, if it cannot be opened. Call
//  with the lock held; snmp_close_session closes it (and forgets its USM
//  user once no other open session, of any actor, uses it).
struct snmp_session;
struct snmp_pdu;
typedef int (snmp_session_cb) (int op, struct snmp_session *session, int reqid,
                               struct snmp_pdu *pdu, void *magic);
void *snmp_open_session (json_t *cred, const char *peername, int timeout_ms, int retries,
                         snmp_session_cb *callback, void *magic, char *error, size_t size);
void snmp_close_session (void *sessp);
//  A USM authentication protocol by the name credentials use (md5, sha,
//  sha-224, sha-256, sha-384, sha-512); NULL if unknown. Its length is
//  USM_AUTH_PROTO_SHA_LEN.
oid *snmp_auth_protocol (const char *name);
//  True if an open session of the poller uses the USM user of this engine
//  and name (the trap receiver leaves such a user in place). Lock held.
bool snmp_usm_user_in_use (const u_char *engine, size_t engine_len, const char *name);

typedef struct _poller_t poller_t;

//  Called with each finished poll's report (the callee takes it):
//      check, ts_us, status (ok, timeout, refused, error, deadline), error,
//      rtt_ms, system {name, descr, object_id, location, contact, uptime_s},
//      metrics {name: value}, interfaces [{index, name, ..., in_bps, ...}]
typedef void (poller_emit_fn) (void *arg, json_t *report);

typedef struct {
    uint64_t polls;             //  polls finished
    uint64_t ok;                //  of which complete
    uint64_t timeouts;          //  no answer in time, after retries
    uint64_t refused;           //  v3 reports (auth, unknown user), SNMP errors
    uint64_t deadlines;         //  cut short by the per-device deadline
    uint64_t requests;          //  PDUs sent (not counting net-snmp's retries)
    uint64_t responses;         //  PDUs answered
    uint64_t bad_values;        //  varbinds of a wrong type, values out of range
    uint64_t walk_errors;       //  tables whose walk went backwards or never ended
    uint64_t resets;            //  counters that went back (reboot, reset, 64-bit wrap)
    uint64_t deferred;          //  polls started late: too many in flight
} poller_stats_t;

//  A poller; max_inflight bounds the devices polled at once (pacing).
poller_t *poller_new (poller_emit_fn *emit, void *arg, int max_inflight, int timeout_ms, int retries);
void poller_destroy (poller_t **self_p);
//  Replaces the polled devices with the 'snmp' checks of a CONFIG message
//  (checks and creds). A device whose check, address, port and credential
//  are unchanged keeps its session and its counters. Returns the number of
//  devices polled.
int poller_configure (poller_t *self, json_t *config);
//  The descriptor to poll for readability (an epoll set of the sessions).
int poller_fd (poller_t *self);
//  Milliseconds until the next thing to do (-1: nothing scheduled).
int poller_timeout (poller_t *self);
//  Reads what arrived, handles timeouts and deadlines, starts due polls.
void poller_work (poller_t *self);
void poller_stats (poller_t *self, poller_stats_t *stats);

//  One response's varbinds applied to a walk, for the fuzz target: feeds
//  a response PDU's bytes to a fresh device's interface walk and scalar
//  parsing. Never crashes; returns varbinds accepted, or -1 if not a PDU.
int poller_fuzz (const uint8_t *data, size_t size);

#endif
