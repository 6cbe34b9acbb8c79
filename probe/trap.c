/*  probe/trap.c: the SNMP trap and inform receiver. net-snmp does the BER
    and USM (v3 keys, engine ID discovery, reports); this file decides what
    is accepted and turns a trap into an event's data. net-snmp's setup
    (the engine ID, the operator's v3 users file) is trap_init.c's.

    Every datagram is counted once: limited (before parsing, so a flood
    costs little), malformed, bad_community, bad_auth, discovery, or
    accepted. net-snmp says why it dropped a packet only through its global
    statistics, so those are read before and after each datagram.          */
#include "trap.h"

#define TRAP_INFORMS_HELD   1024    //  informs waiting for the spool at once
#define TRAP_INFORM_WAIT    10000   //  ms: past this the sender has given up
#include "snmp/snmp.h"
#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>
#include <net-snmp/library/large_fd_set.h>
#include <arpa/inet.h>
#include <sys/stat.h>

struct _trap_t {
    void *sessp;                //  net-snmp single session
    netsnmp_transport *transport;
    char **communities;         //  probe.cfg's
    int ncommunities;
    //  from meshd's CONFIG (trap_configure): communities, and v3 users as
    //  master keys (Ku), localized to each sender's engine ID on its first
    //  message (s_localize), as a trap's sender is its own authority
    char **central;
    int ncentral;
    struct central_user *users;
    int nusers;
    struct localized *localized;    //  the USM users made from them
    int nlocalized;
    unsigned char *peek;        //  a datagram seen before net-snmp reads it
    vd_complaint_t too_many;    //  more sender engines than TRAP_LOCALIZED_MAX
    trap_admit_fn *admit;
    trap_emit_fn *emit;
    void *arg;
    bool admitted;              //  this datagram passed the rate limit
    bool handled;               //  this datagram reached s_received
    trap_stats_t stats;
    //  informs waiting for their event to be spooled: a ring, the oldest
    //  given up when it is full or past TRAP_INFORM_WAIT
    struct {
        uint64_t id;
        int64_t since;          //  mono ms
        netsnmp_pdu *reply;
    } held [TRAP_INFORMS_HELD];
    uint64_t next_inform;       //  the number of the next inform held
};

#define TRAP_LOCALIZED_MAX  4096    //  sender engines x meshd's v3 users
#define TRAP_PEEK_SIZE      65536

//  A v3 user meshd sent, as master keys: generate_Ku's slow hash of each
//  passphrase is done once, and a sender's engine costs a fast one
struct central_user {
    char name [33];
    const oid *auth;            //  NULL: noAuthNoPriv, never accepted
    const oid *priv;            //  NULL: no privacy
    u_char auth_ku [USM_AUTH_KU_LEN];
    size_t auth_ku_len;
    u_char priv_ku [USM_PRIV_KU_LEN];
    size_t priv_ku_len;
};

//  A USM user this file made, by its key (not its pointer: the SNMP
//  poller may remove a user of the same engine and name when it closes)
struct localized {
    u_char engine [32];
    size_t engine_len;
    char name [33];
};


//  The inform held in a slot is given up (the sender retries)
static void
s_let_go (trap_t *self, int slot)
{
    if (self->held [slot].reply) {
        snmp_free_pdu (self->held [slot].reply);
        self->held [slot].reply = NULL;
        self->stats.unanswered++;
    }
}

void
trap_answer (trap_t *self, uint64_t inform)
{
    int slot = (int) (inform % TRAP_INFORMS_HELD);
    if (inform == 0 || self->held [slot].id != inform || !self->held [slot].reply)
        return;
    netsnmp_pdu *reply = self->held [slot].reply;
    self->held [slot].reply = NULL;
    if (vd_mono_ms () - self->held [slot].since > TRAP_INFORM_WAIT)
        self->stats.unanswered++;   //  too late: the sender has moved on
    else
    if (snmp_sess_send (self->sessp, reply)) {
        self->stats.informs++;
        return;
    }
    snmp_free_pdu (reply);
}

//  ---------------------------------------------------------------------------
//  Credentials from meshd

//  The authoritative engine ID and user name of a v3 message, read with
//  net-snmp's BER parser; false if it is not v3 or not well formed
static bool
s_v3_header (u_char *data, size_t size, u_char *engine, size_t *engine_len, u_char *name, size_t *name_len)
{
    u_char type;
    long version = 0, number;
    size_t length = size, inner;
    u_char *p = asn_parse_sequence (data, &length, &type, ASN_SEQUENCE | ASN_CONSTRUCTOR, "message");
    if (p)
        p = asn_parse_int (p, &length, &type, &version, sizeof version);
    if (!p || version != SNMP_VERSION_3)
        return false;
    inner = length;                 //  msgGlobalData, skipped
    u_char *global = asn_parse_sequence (p, &inner, &type, ASN_SEQUENCE | ASN_CONSTRUCTOR, "global");
    if (!global)
        return false;
    length -= (size_t) (global + inner - p);
    p = global + inner;
    inner = length;                 //  msgSecurityParameters: USM's sequence in octets
    u_char *params = asn_parse_header (p, &inner, &type);
    if (!params || type != ASN_OCTET_STR)
        return false;
    p = asn_parse_sequence (params, &inner, &type, ASN_SEQUENCE | ASN_CONSTRUCTOR, "usm");
    if (p)
        p = asn_parse_string (p, &inner, &type, engine, engine_len);
    if (p)
        p = asn_parse_int (p, &inner, &type, &number, sizeof number);     //  boots
    if (p)
        p = asn_parse_int (p, &inner, &type, &number, sizeof number);     //  time
    if (p)
        p = asn_parse_string (p, &inner, &type, name, name_len);
    return p != NULL;
}

//  A v3 message from an engine not yet met, for one of meshd's users: the
//  user's keys localized to that engine (RFC 3414 2.6), so that a trap,
//  whose sender is its own authority, is checked without an operator
//  having to list every sender's engine ID. At most TRAP_LOCALIZED_MAX.
static void
s_localize (trap_t *self, u_char *data, size_t size)
{
    u_char engine [32], name [33];
    size_t engine_len = sizeof engine, name_len = sizeof name - 1;
    if (!s_v3_header (data, size, engine, &engine_len, name, &name_len) || engine_len < 5)
        return;             //  not v3, or engine ID discovery
    name [name_len] = 0;
    struct central_user *central = NULL;
    for (int i = 0; i < self->nusers && !central; i++)
        if (strlen (self->users [i].name) == name_len && memcmp (self->users [i].name, name, name_len) == 0)
            central = &self->users [i];
    if (!central || usm_get_user (engine, engine_len, (char *) name))
        return;
    if (self->nlocalized >= TRAP_LOCALIZED_MAX) {
        self->stats.engines_refused++;
        vd_complain (&self->too_many, "trap: %d v3 sender engines already known: "
                     "traps from more are refused (bad auth)", TRAP_LOCALIZED_MAX);
        return;
    }
    struct usmUser *user = usm_create_user ();
    if (!user)
        return;
    user->engineID = (u_char *) netsnmp_memdup (engine, engine_len);
    user->engineIDLen = engine_len;
    user->name = strdup ((char *) name);
    user->secName = strdup ((char *) name);
    free (user->authProtocol);
    user->authProtocol = snmp_duplicate_objid (central->auth, USM_AUTH_PROTO_SHA_LEN);
    user->authProtocolLen = USM_AUTH_PROTO_SHA_LEN;
    user->authKey = (u_char *) malloc (USM_AUTH_KU_LEN);
    user->authKeyLen = USM_AUTH_KU_LEN;
    int rc = generate_kul (central->auth, USM_AUTH_PROTO_SHA_LEN, engine, engine_len, central->auth_ku,
                           central->auth_ku_len, user->authKey, &user->authKeyLen);
    if (rc == SNMPERR_SUCCESS && central->priv) {
        free (user->privProtocol);
        user->privProtocol = snmp_duplicate_objid (central->priv, USM_PRIV_PROTO_AES_LEN);
        user->privProtocolLen = USM_PRIV_PROTO_AES_LEN;
        user->privKey = (u_char *) malloc (USM_PRIV_KU_LEN);
        user->privKeyLen = USM_PRIV_KU_LEN;
        rc = generate_kul (central->auth, USM_AUTH_PROTO_SHA_LEN, engine, engine_len, central->priv_ku,
                           central->priv_ku_len, user->privKey, &user->privKeyLen);
        int proper = sc_get_proper_priv_length (central->priv, USM_PRIV_PROTO_AES_LEN);
        if (proper > 0 && user->privKeyLen > (size_t) proper)
            user->privKeyLen = (size_t) proper;
    }
    if (rc != SNMPERR_SUCCESS || !user->engineID || !user->name || !user->secName || !user->authProtocol) {
        usm_free_user (user);
        return;
    }
    user->userStatus = RS_ACTIVE;
    user->userStorageType = ST_READONLY;
    usm_add_user (user);
    self->localized = (struct localized *) realloc (self->localized,
                                                    (size_t) (self->nlocalized + 1) * sizeof (struct localized));
    struct localized *made = &self->localized [self->nlocalized++];
    memcpy (made->engine, engine, engine_len);
    made->engine_len = engine_len;
    snprintf (made->name, sizeof made->name, "%s", name);
    char hex [2 * sizeof engine + 1];
    sodium_bin2hex (hex, sizeof hex, engine, engine_len);
    zsys_info ("trap: v3 user %s localized to the sender engine 0x%s", name, hex);
}

//  Forgets meshd's credentials and the USM users made from them (a user
//  an open poller session also uses stays: it has the same keys)
static void
s_central_clear (trap_t *self)
{
    for (int i = 0; i < self->nlocalized; i++) {
        struct localized *made = &self->localized [i];
        struct usmUser *user = usm_get_user (made->engine, made->engine_len, made->name);
        if (user && !snmp_usm_user_in_use (made->engine, made->engine_len, made->name)) {
            usm_remove_user (user);
            usm_free_user (user);
        }
    }
    free (self->localized);
    self->localized = NULL;
    self->nlocalized = 0;
    for (int i = 0; i < self->ncentral; i++) {
        sodium_memzero (self->central [i], strlen (self->central [i]));
        free (self->central [i]);
    }
    free (self->central);
    self->central = NULL;
    self->ncentral = 0;
    if (self->users)
        sodium_memzero (self->users, (size_t) self->nusers * sizeof (struct central_user));
    free (self->users);
    self->users = NULL;
    self->nusers = 0;
}

//  A v3 credential's user as master keys; false if it cannot be used
static bool
s_central_user (json_t *cred, struct central_user *user)
{
    const char *name = json_string_value (json_object_get (cred, "user"));
    json_t *auth = json_object_get (cred, "auth");
    json_t *priv = json_object_get (cred, "priv");
    const char *auth_pass = json_string_value (json_object_get (auth, "pass"));
    const char *priv_pass = json_string_value (json_object_get (priv, "pass"));
    const char *priv_protocol = json_string_value (json_object_get (priv, "protocol"));
    memset (user, 0, sizeof *user);
    user->auth = snmp_auth_protocol (json_string_value (json_object_get (auth, "protocol")));
    if (!name || strlen (name) >= sizeof user->name || !user->auth || !auth_pass || (priv && !priv_pass))
        return false;       //  noAuthNoPriv: never accepted for traps
    snprintf (user->name, sizeof user->name, "%s", name);
    user->auth_ku_len = sizeof user->auth_ku;
    if (generate_Ku (user->auth, USM_AUTH_PROTO_SHA_LEN, (const u_char *) auth_pass, strlen (auth_pass),
                     user->auth_ku, &user->auth_ku_len) != SNMPERR_SUCCESS)
        return false;
    if (priv) {
        user->priv = priv_protocol && streq (priv_protocol, "des")? usmDESPrivProtocol: usmAESPrivProtocol;
        user->priv_ku_len = sizeof user->priv_ku;
        if (generate_Ku (user->auth, USM_AUTH_PROTO_SHA_LEN, (const u_char *) priv_pass, strlen (priv_pass),
                         user->priv_ku, &user->priv_ku_len) != SNMPERR_SUCCESS)
            return false;
    }
    return true;
}

bool
trap_accepts_any (trap_t *self)
{
    snmp_lib_lock ();
    bool any = self->ncommunities || self->ncentral || self->nusers || trap_users_count ();
    snmp_lib_unlock ();
    return any;
}

void
trap_configure (trap_t *self, json_t *config)
{
    json_t *names = json_object_get (config, "traps");
    json_t *creds = json_object_get (config, "creds");
    snmp_lib_lock ();
    s_central_clear (self);
    //  sized once: a realloc would leave copies of keys behind
    self->users = (struct central_user *) calloc (json_array_size (names) + 1, sizeof (struct central_user));
    self->central = (char **) calloc (json_array_size (names) + 1, sizeof (char *));
    size_t index;
    json_t *name;
    json_array_foreach (names, index, name) {
        json_t *cred = json_object_get (creds, json_string_value (name));
        const char *version = json_string_value (json_object_get (cred, "version"));
        const char *community = json_string_value (json_object_get (cred, "community"));
        if (version && streq (version, "3")) {
            if (s_central_user (cred, &self->users [self->nusers]))
                self->nusers++;
            else {
                sodium_memzero (&self->users [self->nusers], sizeof (struct central_user));
                zsys_warning ("trap: credential %s: its v3 user has no usable authentication; "
                              "traps need authNoPriv at least", json_string_value (name));
            }
        }
        else
        if (community)
            self->central [self->ncentral++] = strdup (community);
    }
    snmp_lib_unlock ();
    zsys_info ("trap: %d communities and %d v3 users from meshd", self->ncentral, self->nusers);
}

//  The sender of a datagram, from what the UDP transports hand over
static const struct sockaddr *
s_from (void *data, int length)
{
    if (!data)
        return NULL;
    if (length == (int) sizeof (netsnmp_indexed_addr_pair))
        return &((netsnmp_indexed_addr_pair *) data)->remote_addr.sa;
    if (length == (int) sizeof (struct sockaddr_in6) || length == (int) sizeof (struct sockaddr_in))
        return (const struct sockaddr *) data;
    return NULL;
}

static int
s_pre_parse (netsnmp_session *session, netsnmp_transport *transport, void *data, int length)
{
    trap_t *self = (trap_t *) session->callback_magic;
    const struct sockaddr *from = s_from (data, length);
    self->admitted = !self->admit || !from || self->admit (self->arg, from);
    return self->admitted? 1: 0;
}

static bool
s_community_in (char **list, int count, netsnmp_pdu *pdu)
{
    for (int i = 0; i < count; i++)
        if (strlen (list [i]) == pdu->community_len
        &&  memcmp (list [i], pdu->community, pdu->community_len) == 0)
            return true;
    return false;
}

static bool
s_community_ok (trap_t *self, netsnmp_pdu *pdu)
{
    return s_community_in (self->communities, self->ncommunities, pdu)
        || s_community_in (self->central, self->ncentral, pdu);
}

//  v3: authenticated at least, and encrypted when the user has a privacy key
static bool
s_v3_ok (netsnmp_pdu *pdu)
{
    if (pdu->securityModel != SNMP_SEC_MODEL_USM || pdu->securityLevel < SNMP_SEC_LEVEL_AUTHNOPRIV)
        return false;
    char name [256];
    size_t length = pdu->securityNameLen < sizeof name - 1? pdu->securityNameLen: sizeof name - 1;
    memcpy (name, pdu->securityName, length);
    name [length] = 0;
    struct usmUser *user = usm_get_user (pdu->securityEngineID, pdu->securityEngineIDLen, name);
    if (!user)
        return false;
    return user->privKeyLen == 0 || pdu->securityLevel == SNMP_SEC_LEVEL_AUTHPRIV;
}

static const oid s_trap_oid [] = { 1, 3, 6, 1, 6, 3, 1, 1, 4, 1, 0 };
#define S_LEN(a) (sizeof (a) / sizeof (a [0]))

//  A v2 trap or an inform says what it is in snmpTrapOID.0, an OID (RFC
//  3416 4.2.6); one without it, or with a value of another type, is
//  malformed (a v1 trap's identity is in its header)
static bool
s_identified (netsnmp_pdu *pdu)
{
    if (pdu->command == SNMP_MSG_TRAP)
        return true;
    for (netsnmp_variable_list *vb = pdu->variables; vb; vb = vb->next_variable)
        if (snmp_oid_compare (vb->name, vb->name_length, s_trap_oid, S_LEN (s_trap_oid)) == 0)
            return vb->type == ASN_OBJECT_ID && vb->val.objid && vb->val_len >= 2 * sizeof (oid);
    return false;
}

static int
s_received (int op, netsnmp_session *session, int reqid, netsnmp_pdu *pdu, void *magic)
{
    trap_t *self = (trap_t *) magic;
    if (op != NETSNMP_CALLBACK_OP_RECEIVED_MESSAGE)
        return 1;
    //  net-snmp hands over what failed USM too, for an agent's
    //  authenticationFailure trap (usm_handle_report), the failure in
    //  s_snmp_errno: an authNoPriv message with a wrong digest comes fully
    //  parsed, as a trap, and must not pass. That, and anything not a
    //  trap, trap_read counts from the statistics
    if (session->s_snmp_errno != 0)
        return 1;
    if (pdu->command != SNMP_MSG_TRAP && pdu->command != SNMP_MSG_TRAP2
    &&  pdu->command != SNMP_MSG_INFORM)
        return 1;
    self->handled = true;
    bool ok = pdu->version == SNMP_VERSION_3? s_v3_ok (pdu): s_community_ok (self, pdu);
    if (!ok) {
        if (pdu->version == SNMP_VERSION_3)
            self->stats.bad_auth++;
        else
            self->stats.bad_community++;
        return 1;
    }
    if (!s_identified (pdu)) {
        self->stats.malformed++;
        return 1;
    }
    uint64_t inform = 0;
    if (pdu->command == SNMP_MSG_INFORM) {
        netsnmp_pdu *reply = snmp_clone_pdu (pdu);
        if (reply) {
            reply->command = SNMP_MSG_RESPONSE;
            reply->errstat = 0;
            reply->errindex = 0;
            inform = ++self->next_inform;
            int slot = (int) (inform % TRAP_INFORMS_HELD);
            s_let_go (self, slot);
            self->held [slot].id = inform;
            self->held [slot].since = vd_mono_ms ();
            self->held [slot].reply = reply;
        }
    }
    self->stats.accepted++;
    json_t *data = trap_json (pdu);
    if (self->emit)
        self->emit (self->arg, s_from (pdu->transport_data, pdu->transport_data_length), data, inform);
    else
        json_decref (data);
    return 1;
}

trap_t *
trap_new (const char *endpoint, const char *communities,
          trap_admit_fn *admit, trap_emit_fn *emit, void *arg, char **error)
{
    trap_t *self = (trap_t *) zmalloc (sizeof (trap_t));
    self->admit = admit;
    self->emit = emit;
    self->arg = arg;
    char *list = strdup (communities? communities: "");
    for (char *save = NULL, *name = strtok_r (list, ", ", &save); name; name = strtok_r (NULL, ", ", &save)) {
        self->communities = (char **) realloc (self->communities, (self->ncommunities + 1) * sizeof (char *));
        self->communities [self->ncommunities++] = strdup (name);
    }
    free (list);
    snmp_lib_lock ();
    self->transport = netsnmp_transport_open_server ("snmptrap", endpoint);
    snmp_lib_unlock ();
    if (!self->transport) {
        *error = zsys_sprintf ("cannot listen for traps on %s", endpoint);
        trap_destroy (&self);
        return NULL;
    }
    int size = 4 * 1024 * 1024;
    if (setsockopt (self->transport->sock, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof size))
        setsockopt (self->transport->sock, SOL_SOCKET, SO_RCVBUF, &size, sizeof size);
    netsnmp_session session;
    snmp_sess_init (&session);
    session.peername = SNMP_DEFAULT_PEERNAME;
    session.version = SNMP_DEFAULT_VERSION;
    session.community_len = SNMP_DEFAULT_COMMUNITY_LEN;
    session.retries = SNMP_DEFAULT_RETRIES;
    session.timeout = SNMP_DEFAULT_TIMEOUT;
    session.callback = s_received;
    session.callback_magic = self;
    session.authenticator = NULL;
    session.isAuthoritative = SNMP_SESS_UNKNOWNAUTH;
    snmp_lib_lock ();
    self->sessp = snmp_sess_add (&session, self->transport, s_pre_parse, NULL);
    snmp_lib_unlock ();
    if (!self->sessp) {
        //  snmp_sess_add closes the transport when it fails
        self->transport = NULL;
        *error = zsys_sprintf ("cannot open a trap session on %s", endpoint);
        trap_destroy (&self);
        return NULL;
    }
    return self;
}

void
trap_destroy (trap_t **self_p)
{
    trap_t *self = *self_p;
    if (!self)
        return;
    snmp_lib_lock ();
    if (self->sessp)
        snmp_sess_close (self->sessp);      //  closes the transport too
    else
    if (self->transport)
        netsnmp_transport_free (self->transport);
    snmp_lib_unlock ();
    for (int i = 0; i < TRAP_INFORMS_HELD; i++)
        if (self->held [i].reply)
            snmp_free_pdu (self->held [i].reply);
    for (int i = 0; i < self->ncommunities; i++)
        free (self->communities [i]);
    free (self->communities);
    snmp_lib_lock ();
    s_central_clear (self);
    snmp_lib_unlock ();
    free (self->peek);
    free (self);
    *self_p = NULL;
}

int
trap_fd (trap_t *self)
{
    return self->transport->sock;
}

void
trap_stats (trap_t *self, trap_stats_t *stats)
{
    *stats = self->stats;
}

//  USM's count of messages refused for their security: unsupported
//  level, not in time, unknown user, wrong digest, not decryptable (not
//  unknown engine IDs, which are discovery)
static uint64_t
s_auth_failures (void)
{
    uint64_t sum = 0;
    for (int which = STAT_USM_STATS_START; which <= STAT_USM_STATS_END; which++)
        if (which != STAT_USMSTATSUNKNOWNENGINEIDS)
            sum += snmp_get_statistic (which);
    return sum;
}

void
trap_read (trap_t *self)
{
    int fd = trap_fd (self);
    snmp_lib_lock ();
    if (self->nusers) {
        if (!self->peek)
            self->peek = (unsigned char *) malloc (TRAP_PEEK_SIZE);
        ssize_t size = self->peek? recv (fd, self->peek, TRAP_PEEK_SIZE, MSG_PEEK | MSG_DONTWAIT): -1;
        if (size > 0)
            s_localize (self, self->peek, (size_t) size);
    }
    uint64_t discovery = snmp_get_statistic (STAT_USMSTATSUNKNOWNENGINEIDS);
    uint64_t auth = s_auth_failures ();
    self->admitted = true;
    self->handled = false;
    netsnmp_large_fd_set fds;
    netsnmp_large_fd_set_init (&fds, fd + 1);
    NETSNMP_LARGE_FD_SET (fd, &fds);
    snmp_sess_read2 (self->sessp, &fds);
    netsnmp_large_fd_set_cleanup (&fds);
    self->stats.received++;
    if (!self->admitted)
        self->stats.limited++;
    else
    if (self->handled)
        ;                       //  counted in s_received
    else
    if (snmp_get_statistic (STAT_USMSTATSUNKNOWNENGINEIDS) != discovery)
        self->stats.discovery++;
    else
    if (s_auth_failures () != auth)
        self->stats.bad_auth++;
    else
        self->stats.malformed++;
    snmp_lib_unlock ();
}

//  ---------------------------------------------------------------------------
//  A trap as JSON

static void
s_oid_text (const oid *name, size_t length, char *buf, size_t size)
{
    size_t used = 0;
    buf [0] = 0;
    for (size_t i = 0; i < length && used + 24 < size; i++)
        used += (size_t) snprintf (buf + used, size - used, "%s%lu", i? ".": "", (unsigned long) name [i]);
}

static bool
s_oid_under (const oid *name, size_t length, const oid *prefix, size_t prefix_length)
{
    return length > prefix_length && memcmp (name, prefix, prefix_length * sizeof (oid)) == 0;
}

//  Octets as text when they are printable UTF-8 (a trailing NUL or newline
//  aside, as some agents send), else as 0x hex
static json_t *
s_octets (const u_char *data, size_t length)
{
    if (!data)
        length = 0;
    size_t text_length = length;
    while (text_length && (data [text_length - 1] == 0 || data [text_length - 1] == '\n'
                       ||  data [text_length - 1] == '\r'))
        text_length--;
    bool printable = true;
    for (size_t i = 0; i < text_length && printable; i++)
        printable = (data [i] >= 0x20 || data [i] == '\t') && data [i] != 0x7F;
    if (printable) {
        bool truncated;
        char *text = vd_utf8_clean ((const char *) data, text_length, TRAP_MAX_VALUE, &truncated);
        //  U+FFFD that was not in the octets: not UTF-8 after all
        if (!strstr (text, "\xEF\xBF\xBD") || memmem (data, text_length, "\xEF\xBF\xBD", 3)) {
            json_t *value = json_string (text);
            free (text);
            return value;
        }
        free (text);
    }
    size_t count = length > TRAP_MAX_VALUE / 2? TRAP_MAX_VALUE / 2: length;
    char *hex = (char *) malloc (count * 2 + 3);
    strcpy (hex, "0x");
    for (size_t i = 0; i < count; i++)
        snprintf (hex + 2 + 2 * i, 3, "%02x", data [i]);
    json_t *value = json_string (hex);
    free (hex);
    return value;
}

//  One varbind's type name and value
static json_t *
s_value (netsnmp_variable_list *vb, const char **type)
{
    char buf [MAX_OID_LEN * 24];
    switch (vb->type) {
        case ASN_INTEGER:
            *type = "integer";
            return json_integer (vb->val.integer? *vb->val.integer: 0);
        case ASN_COUNTER:
        case ASN_GAUGE:
        case ASN_TIMETICKS:
        case ASN_UINTEGER:
            *type = vb->type == ASN_COUNTER? "counter32": vb->type == ASN_TIMETICKS? "timeticks": "gauge32";
            return json_integer (vb->val.integer? (json_int_t) (uint32_t) *vb->val.integer: 0);
        case ASN_COUNTER64:
            *type = "counter64";
            if (!vb->val.counter64)
                return json_integer (0);
            return json_integer ((json_int_t) (((uint64_t) vb->val.counter64->high << 32
                                  | (uint32_t) vb->val.counter64->low) & INT64_MAX));
        case ASN_OCTET_STR:
            *type = "string";
            return s_octets (vb->val.string, vb->val_len);
        case ASN_OBJECT_ID:
            *type = "oid";
            s_oid_text (vb->val.objid, vb->val.objid? vb->val_len / sizeof (oid): 0, buf, sizeof buf);
            return json_string (buf);
        case ASN_IPADDRESS:
            *type = "ipaddress";
            if (vb->val_len != 4 || !vb->val.string)
                return s_octets (vb->val.string, vb->val_len);
            inet_ntop (AF_INET, vb->val.string, buf, sizeof buf);
            return json_string (buf);
        case ASN_NULL:
            *type = "null";
            return json_null ();
        case SNMP_NOSUCHOBJECT:
            *type = "noSuchObject";
            return json_null ();
        case SNMP_NOSUCHINSTANCE:
            *type = "noSuchInstance";
            return json_null ();
        case SNMP_ENDOFMIBVIEW:
            *type = "endOfMibView";
            return json_null ();
        default:
            *type = "opaque";
            return s_octets (vb->val.string, vb->val.string? vb->val_len: 0);
    }
}

static const oid s_sysuptime [] = { 1, 3, 6, 1, 2, 1, 1, 3, 0 };
static const oid s_if_index [] = { 1, 3, 6, 1, 2, 1, 2, 2, 1, 1 };
static const oid s_if_descr [] = { 1, 3, 6, 1, 2, 1, 2, 2, 1, 2 };
static const oid s_if_name [] = { 1, 3, 6, 1, 2, 1, 31, 1, 1, 1, 1 };

json_t *
trap_json (netsnmp_pdu *pdu)
{
    json_t *data = json_object ();
    char buf [MAX_OID_LEN * 24];
    json_object_set_new (data, "version", json_string (
        pdu->version == SNMP_VERSION_1? "1": pdu->version == SNMP_VERSION_2c? "2c": "3"));
    json_object_set_new (data, "inform", json_boolean (pdu->command == SNMP_MSG_INFORM));
    if (pdu->version == SNMP_VERSION_3 && pdu->securityName) {
        bool truncated;
        char *user = vd_utf8_clean (pdu->securityName, pdu->securityNameLen, 64, &truncated);
        json_object_set_new (data, "user", json_string (user));
        free (user);
    }
    if (pdu->command == SNMP_MSG_TRAP) {
        s_oid_text (pdu->enterprise, pdu->enterprise? pdu->enterprise_length: 0, buf, sizeof buf);
        json_object_set_new (data, "enterprise", json_string (buf));
        char agent [INET_ADDRSTRLEN];
        inet_ntop (AF_INET, pdu->agent_addr, agent, sizeof agent);
        json_object_set_new (data, "agent", json_string (agent));
        json_object_set_new (data, "generic", json_integer (pdu->trap_type));
        json_object_set_new (data, "specific", json_integer (pdu->specific_type));
        json_object_set_new (data, "uptime", json_integer ((json_int_t) pdu->time));
        //  RFC 3584 3.1: the v2 form of a v1 trap's identity
        if (pdu->trap_type >= 0 && pdu->trap_type < 6)
            snprintf (buf, sizeof buf, "1.3.6.1.6.3.1.1.5.%ld", pdu->trap_type + 1);
        else {
            size_t used = strlen (buf);
            snprintf (buf + used, sizeof buf - used, ".0.%ld", pdu->specific_type);
        }
        json_object_set_new (data, "oid", json_string (buf));
    }
    json_t *varbinds = json_array ();
    char message [2048] = "";
    size_t used = 0;
    json_t *ifname = NULL;
    int ifrank = 0;
    int count = 0;
    for (netsnmp_variable_list *vb = pdu->variables; vb; vb = vb->next_variable) {
        const char *type = "null";
        json_t *value = s_value (vb, &type);
        if (vb->name_length == S_LEN (s_sysuptime) && snmp_oid_compare (vb->name, vb->name_length,
            s_sysuptime, S_LEN (s_sysuptime)) == 0 && json_is_integer (value)) {
            json_object_set_new (data, "uptime", value);
            continue;
        }
        if (vb->name_length == S_LEN (s_trap_oid) && snmp_oid_compare (vb->name, vb->name_length,
            s_trap_oid, S_LEN (s_trap_oid)) == 0 && streq (type, "oid")) {
            json_object_set_new (data, "oid", value);
            continue;
        }
        //  the interface the trap is about: ifName, else ifDescr, else ifIndex
        int rank = s_oid_under (vb->name, vb->name_length, s_if_name, S_LEN (s_if_name))? 3
                 : s_oid_under (vb->name, vb->name_length, s_if_descr, S_LEN (s_if_descr))? 2
                 : s_oid_under (vb->name, vb->name_length, s_if_index, S_LEN (s_if_index))? 1: 0;
        if (rank > ifrank && (json_is_string (value) || json_is_integer (value))) {
            json_decref (ifname);
            ifname = json_is_string (value)? json_incref (value)
                   : json_sprintf ("%lld", (long long) json_integer_value (value));
            ifrank = rank;
        }
        s_oid_text (vb->name, vb->name_length, buf, sizeof buf);
        if (used + 2 < sizeof message) {
            char *text = json_is_string (value)? strdup (json_string_value (value))
                       : json_dumps (value, JSON_ENCODE_ANY);
            used += (size_t) snprintf (message + used, sizeof message - used, "%s%s=%s",
                                       used? " ": "", buf, text? text: "");
            if (used >= sizeof message)
                used = sizeof message - 1;
            free (text);
        }
        if (count++ < TRAP_MAX_VARBINDS)
            json_array_append_new (varbinds, json_pack ("{s:s, s:s, s:o}", "oid", buf, "type", type,
                                                        "value", value));
        else
            json_decref (value);
    }
    if (count > TRAP_MAX_VARBINDS)
        json_object_set_new (data, "varbinds_dropped", json_integer (count - TRAP_MAX_VARBINDS));
    json_object_set_new (data, "varbinds", varbinds);
    if (!json_object_get (data, "oid"))
        json_object_set_new (data, "oid", json_string (""));
    bool truncated;
    char *text = vd_utf8_clean (message, used, sizeof message, &truncated);
    json_object_set_new (data, "message", json_string (text));
    free (text);
    if (ifname)
        json_object_set_new (data, "if", ifname);
    return data;
}
