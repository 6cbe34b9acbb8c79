/*  probe/trap.h: the SNMP trap and inform receiver, on net-snmp. v1, v2c
    (communities) and v3 (USM users, as in snmptrapd.conf's createUser).
    An inform is answered only once its event is in the spool (trap_answer,
    when the uplink says so): a sender whose inform was not kept sends it
    again, as it should.                                                     */
#ifndef PROBE_TRAP_H_INCLUDED
#define PROBE_TRAP_H_INCLUDED

#include "vedette.h"
#include <sys/socket.h>

typedef struct _trap_t trap_t;
struct snmp_pdu;

//  Called before a datagram is parsed: false drops it (rate limit).
typedef bool (trap_admit_fn) (void *arg, const struct sockaddr *from);
//  Called with each accepted trap; data (trap_json) becomes the callee's.
//  inform is 0 for a trap, or the number trap_answer takes once the
//  event is durable.
typedef void (trap_emit_fn) (void *arg, const struct sockaddr *from, json_t *data, uint64_t inform);

typedef struct {
    uint64_t received;          //  datagrams read
    uint64_t accepted;          //  traps and informs passed on
    uint64_t informs;           //  informs answered
    uint64_t unanswered;        //  informs whose event was not spooled in time
    uint64_t limited;           //  dropped by the rate limit, unparsed
    uint64_t bad_community;     //  v1/v2c with a community not configured
    uint64_t bad_auth;          //  v3: unknown user, wrong key, out of time, too weak
    uint64_t malformed;         //  not SNMP, bad BER, not a trap, no snmpTrapOID.0
    uint64_t discovery;         //  v3 engine ID discovery, answered with a report
    uint64_t engines_refused;   //  v3 senders past the most engines kept
} trap_stats_t;

//  Prepares net-snmp, once per process: reads no configuration files, keeps
//  this probe's SNMP engine ID in DIR/trap-engine-id (made on first use) and
//  creates the v3 users of users_file ("createUser [-e ENGINEID] NAME SHA
//  AUTHPASS AES PRIVPASS" lines; the file must not be readable by others).
//  0, or -1 with a fresh *error.
int trap_init (const char *dir, const char *users_file, char **error);
//  The USM users net-snmp knows (trap_init.c).
int trap_users_count (void);
//  Listens on a net-snmp transport ("udp:162", "udp:127.0.0.1:10162",
//  "udp6:[::1]:10162"); communities is a comma-separated list of those
//  accepted for v1 and v2c. NULL with a fresh *error.
trap_t *trap_new (const char *endpoint, const char *communities,
                  trap_admit_fn *admit, trap_emit_fn *emit, void *arg, char **error);
void trap_destroy (trap_t **self_p);
//  Takes the trap credentials of a CONFIG from meshd ("traps": names in
//  "creds"): v1/v2c communities accepted beside probe.cfg's, v3 users
//  whose keys are localized to each sender's engine on its first message
//  (no engine IDs to list). Replaces the previous CONFIG's; nothing of it
//  is written to disk.
void trap_configure (trap_t *self, json_t *config);
//  True if some trap can be accepted: a community, or a v3 user.
bool trap_accepts_any (trap_t *self);
//  The socket to poll.
int trap_fd (trap_t *self);
//  Reads and handles one datagram.
void trap_read (trap_t *self);
void trap_stats (trap_t *self, trap_stats_t *stats);
//  Answers the inform numbered so (its event is in the spool); an unknown
//  or expired number is ignored.
void trap_answer (trap_t *self, uint64_t inform);

//  A trap PDU as an event's data: version, oid (the trap's OID; v1 traps
//  mapped as in RFC 3584), uptime, varbinds [{oid, type, value}], message
//  (the varbinds as text, for rules), if (ifName, ifDescr or ifIndex when
//  a varbind carries one), user (v3), inform; v1: enterprise, agent,
//  generic, specific. Bounded: at most TRAP_MAX_VARBINDS varbinds, values
//  cut at TRAP_MAX_VALUE bytes, all text valid UTF-8.
#define TRAP_MAX_VARBINDS   64
#define TRAP_MAX_VALUE      1024
json_t *trap_json (struct snmp_pdu *pdu);

#endif
