/*  probe/snmp.c: the SNMP poller and the snmp actor.

    One net-snmp single session per device (its own UDP socket, in an epoll
    set), opened when the device is configured and kept while its check,
    address, port and credential stay the same. v3 engine discovery happens
    inside the first request (SNMP_FLAGS_DONT_PROBE), never blocking.

    A poll is a short conversation with one device, one request in flight:
        scalars   GET system group, UCD load and memory, custom OIDs
        walk      GETBULK (GETNEXT for v1) over the IF-MIB and ifXTable
                  columns and hrProcessorLoad, all columns in parallel
    Static columns (names, speeds, types) are read every FULL_EVERY polls,
    or when an interface appears; counters and states every poll. A device
    is never polled twice at once; a poll that has not ended by its
    deadline (one interval) is cut short and reported as such. At most
    max_inflight devices are in a poll at once.

    Counters become rates here, where their history is: wrap of 32-bit
    counters (refused when the rate would exceed the interface's speed),
    resets (sysUpTime going back, 64-bit counters going back) give no rate
    for that poll. Rates, states and system facts go out as one report per
    poll (see snmp.h).                                                      */
#include "probe.h"
#include "snmp.h"
#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>
#include <net-snmp/library/large_fd_set.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <pthread.h>
#include <time.h>

#define FULL_EVERY          10
#define MAX_SCALARS         64
#define MAX_CUSTOM          32
#define MAX_WALK_OID        64
#define MAX_STORAGE         256         //  hrStorage rows kept per device
#define MAX_NEIGHBOURS      1024        //  LLDP and CDP entries kept per device
#define MAX_ROWS            20000       //  per column and poll: no endless tables
#define MAX_REQUESTS        4000        //  per poll
#define WALK_VARBINDS       60          //  columns x repetitions asked per GETBULK
#define COMPLAIN_EVERY_MS   (5 * 60 * 1000)

static pthread_mutex_t s_lib_mutex = PTHREAD_MUTEX_INITIALIZER;
static bool s_lib_ready;
static zlistx_t *s_v3_sessions;         //  open v3 sessions of every actor (under the lock)

static int
s_lib_log (int majorid, int minorid, void *serverarg, void *clientarg)
{
    struct snmp_log_message *message = (struct snmp_log_message *) serverarg;
    (void) majorid; (void) minorid; (void) clientarg;
    if (message && message->msg) {
        size_t length = strlen (message->msg);
        while (length && (message->msg [length - 1] == '\n'))
            length--;
        zsys_warning ("net-snmp: %.*s", (int) length, message->msg);
    }
    return 0;
}

void
snmp_lib_init (void)
{
    if (s_lib_ready)
        return;
    //  nothing from /etc/snmp or ~/.snmp, no MIBs: numeric OIDs only
    setenv ("MIBS", "", 1);
    netsnmp_ds_set_boolean (NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_DONT_READ_CONFIGS, 1);
    netsnmp_ds_set_boolean (NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_DISABLE_PERSISTENT_LOAD, 1);
    netsnmp_ds_set_boolean (NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_DISABLE_PERSISTENT_SAVE, 1);
    netsnmp_ds_set_boolean (NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_QUICK_PRINT, 1);
    snmp_register_callback (SNMP_CALLBACK_LIBRARY, SNMP_CALLBACK_LOGGING, s_lib_log, NULL);
    snmp_enable_calllog ();
    init_snmp ("vedette-probe");
    s_lib_ready = true;
}

void
snmp_lib_lock (void)
{
    pthread_mutex_lock (&s_lib_mutex);
}

void
snmp_lib_unlock (void)
{
    pthread_mutex_unlock (&s_lib_mutex);
}

//  -- what is read ------------------------------------------------------------

typedef enum {
    S_DESCR, S_OBJECT_ID, S_UPTIME, S_CONTACT, S_NAME, S_LOCATION,
    S_LOAD1, S_LOAD5, S_LOAD15, S_MEM_TOTAL, S_MEM_AVAIL, S_MEM_BUFFER, S_MEM_CACHED,
    S_STANDARD                  //  custom OIDs follow
} scalar_id_t;

static const struct {
    oid name [12];
    size_t length;
} s_scalars [S_STANDARD] = {
    { { 1,3,6,1,2,1,1,1,0 }, 9 }, { { 1,3,6,1,2,1,1,2,0 }, 9 }, { { 1,3,6,1,2,1,1,3,0 }, 9 },
    { { 1,3,6,1,2,1,1,4,0 }, 9 }, { { 1,3,6,1,2,1,1,5,0 }, 9 }, { { 1,3,6,1,2,1,1,6,0 }, 9 },
    { { 1,3,6,1,4,1,2021,10,1,3,1 }, 11 }, { { 1,3,6,1,4,1,2021,10,1,3,2 }, 11 },
    { { 1,3,6,1,4,1,2021,10,1,3,3 }, 11 }, { { 1,3,6,1,4,1,2021,4,5,0 }, 10 },
    { { 1,3,6,1,4,1,2021,4,6,0 }, 10 }, { { 1,3,6,1,4,1,2021,4,14,0 }, 10 },
    { { 1,3,6,1,4,1,2021,4,15,0 }, 10 }
};

typedef enum {
    //  interfaces (a bit each in iface_t.seen: keep these first)
    C_DESCR, C_TYPE, C_MTU, C_SPEED, C_PHYS, C_NAME, C_HIGH_SPEED, C_ALIAS,
    C_ADMIN, C_OPER, C_IN_OCT, C_IN_DISC, C_IN_ERR, C_OUT_OCT, C_OUT_DISC, C_OUT_ERR,
    C_HC_IN, C_HC_OUT,
    //  HOST-RESOURCES-MIB: processors, storage
    C_CPU, C_ST_TYPE, C_ST_DESCR, C_ST_UNITS, C_ST_SIZE, C_ST_USED,
    //  LLDP-MIB: local ports, remote systems, their management addresses
    C_LLDP_LOC_PORT, C_LLDP_LOC_DESC, C_LLDP_CHASSIS, C_LLDP_PORT, C_LLDP_PORT_DESC,
    C_LLDP_SYS_NAME, C_LLDP_MAN_ADDR,
    //  CISCO-CDP-MIB cache
    C_CDP_ADDR, C_CDP_DEVICE, C_CDP_PORT, C_CDP_PLATFORM,
    C_COLUMNS
} column_id_t;

#define STATIC  1               //  read in full walks only (every FULL_EVERY polls)

static const struct {
    oid base [14];
    size_t length;
    u_char type;                //  the type the column must have
    int index;                  //  arcs of its index; 0: any number (at least one)
    int flags;
} s_columns [C_COLUMNS] = {
    { { 1,3,6,1,2,1,2,2,1,2 }, 10, ASN_OCTET_STR, 1, STATIC },     //  ifDescr
    { { 1,3,6,1,2,1,2,2,1,3 }, 10, ASN_INTEGER, 1, STATIC },       //  ifType
    { { 1,3,6,1,2,1,2,2,1,4 }, 10, ASN_INTEGER, 1, STATIC },       //  ifMtu
    { { 1,3,6,1,2,1,2,2,1,5 }, 10, ASN_GAUGE, 1, STATIC },         //  ifSpeed
    { { 1,3,6,1,2,1,2,2,1,6 }, 10, ASN_OCTET_STR, 1, STATIC },     //  ifPhysAddress
    { { 1,3,6,1,2,1,31,1,1,1,1 }, 11, ASN_OCTET_STR, 1, STATIC },  //  ifName
    { { 1,3,6,1,2,1,31,1,1,1,15 }, 11, ASN_GAUGE, 1, STATIC },     //  ifHighSpeed
    { { 1,3,6,1,2,1,31,1,1,1,18 }, 11, ASN_OCTET_STR, 1, STATIC }, //  ifAlias
    { { 1,3,6,1,2,1,2,2,1,7 }, 10, ASN_INTEGER, 1, 0 },            //  ifAdminStatus
    { { 1,3,6,1,2,1,2,2,1,8 }, 10, ASN_INTEGER, 1, 0 },            //  ifOperStatus
    { { 1,3,6,1,2,1,2,2,1,10 }, 10, ASN_COUNTER, 1, 0 },           //  ifInOctets
    { { 1,3,6,1,2,1,2,2,1,13 }, 10, ASN_COUNTER, 1, 0 },           //  ifInDiscards
    { { 1,3,6,1,2,1,2,2,1,14 }, 10, ASN_COUNTER, 1, 0 },           //  ifInErrors
    { { 1,3,6,1,2,1,2,2,1,16 }, 10, ASN_COUNTER, 1, 0 },           //  ifOutOctets
    { { 1,3,6,1,2,1,2,2,1,19 }, 10, ASN_COUNTER, 1, 0 },           //  ifOutDiscards
    { { 1,3,6,1,2,1,2,2,1,20 }, 10, ASN_COUNTER, 1, 0 },           //  ifOutErrors
    { { 1,3,6,1,2,1,31,1,1,1,6 }, 11, ASN_COUNTER64, 1, 0 },       //  ifHCInOctets
    { { 1,3,6,1,2,1,31,1,1,1,10 }, 11, ASN_COUNTER64, 1, 0 },      //  ifHCOutOctets
    { { 1,3,6,1,2,1,25,3,3,1,2 }, 11, ASN_INTEGER, 1, 0 },         //  hrProcessorLoad
    { { 1,3,6,1,2,1,25,2,3,1,2 }, 11, ASN_OBJECT_ID, 1, STATIC },  //  hrStorageType
    { { 1,3,6,1,2,1,25,2,3,1,3 }, 11, ASN_OCTET_STR, 1, STATIC },  //  hrStorageDescr
    { { 1,3,6,1,2,1,25,2,3,1,4 }, 11, ASN_INTEGER, 1, STATIC },    //  hrStorageAllocationUnits
    { { 1,3,6,1,2,1,25,2,3,1,5 }, 11, ASN_INTEGER, 1, 0 },         //  hrStorageSize
    { { 1,3,6,1,2,1,25,2,3,1,6 }, 11, ASN_INTEGER, 1, 0 },         //  hrStorageUsed
    { { 1,0,8802,1,1,2,1,3,7,1,3 }, 11, ASN_OCTET_STR, 1, STATIC },    //  lldpLocPortId
    { { 1,0,8802,1,1,2,1,3,7,1,4 }, 11, ASN_OCTET_STR, 1, STATIC },    //  lldpLocPortDesc
    { { 1,0,8802,1,1,2,1,4,1,1,5 }, 11, ASN_OCTET_STR, 3, STATIC },    //  lldpRemChassisId
    { { 1,0,8802,1,1,2,1,4,1,1,7 }, 11, ASN_OCTET_STR, 3, STATIC },    //  lldpRemPortId
    { { 1,0,8802,1,1,2,1,4,1,1,8 }, 11, ASN_OCTET_STR, 3, STATIC },    //  lldpRemPortDesc
    { { 1,0,8802,1,1,2,1,4,1,1,9 }, 11, ASN_OCTET_STR, 3, STATIC },    //  lldpRemSysName
    { { 1,0,8802,1,1,2,1,4,2,1,3 }, 11, ASN_INTEGER, 0, STATIC },      //  lldpRemManAddrIfSubtype
    { { 1,3,6,1,4,1,9,9,23,1,2,1,1,4 }, 14, ASN_OCTET_STR, 2, STATIC },    //  cdpCacheAddress
    { { 1,3,6,1,4,1,9,9,23,1,2,1,1,6 }, 14, ASN_OCTET_STR, 2, STATIC },    //  cdpCacheDeviceId
    { { 1,3,6,1,4,1,9,9,23,1,2,1,1,7 }, 14, ASN_OCTET_STR, 2, STATIC },    //  cdpCacheDevicePort
    { { 1,3,6,1,4,1,9,9,23,1,2,1,1,8 }, 14, ASN_OCTET_STR, 2, STATIC }     //  cdpCachePlatform
};

static const char *s_if_states [] = { "?", "up", "down", "testing", "unknown", "dormant",
                                      "notPresent", "lowerLayerDown" };

//  Rates of an interface, in report order
typedef enum { R_IN_BPS, R_OUT_BPS, R_IN_ERR, R_OUT_ERR, R_IN_DISC, R_OUT_DISC, R_COUNT } rate_id_t;
static const char *s_rate_names [R_COUNT] = { "in_bps", "out_bps", "in_errors", "out_errors",
                                              "in_discards", "out_discards" };

typedef struct {
    int64_t index;
    char name [64];
    char descr [128];
    char alias [128];
    char mac [24];
    int type, mtu, admin, oper;
    uint64_t speed, high_speed;
    uint64_t counter [R_COUNT];         //  this poll's readings (octets, not bits)
    uint64_t hc_in, hc_out;
    bool has_hc_in, has_hc_out;
    uint32_t seen;                      //  columns read this poll (bit per column_id_t)
    int generation;                     //  the poll that last saw it
    bool previous_ok;                   //  the readings below are usable
    int previous_bits;
    uint64_t previous [R_COUNT];
    int64_t previous_ns;
} iface_t;

//  A row of hrStorageTable: memory, disks, file systems
typedef struct {
    int64_t index;
    char descr [96];
    int type;                           //  the arc under hrStorageTypes: 2 RAM, 4 fixed disk...
    int64_t units, size, used;
    int generation;                     //  the poll that last saw it
} storage_t;

//  A neighbour seen by LLDP or CDP, for the topology
typedef struct {
    const char *proto;                  //  "lldp", "cdp"
    int64_t local;                      //  lldpRemLocalPortNum, or CDP's ifIndex
    char chassis [64];
    char port [64];
    char port_descr [96];
    char name [96];
    char address [48];
    char platform [64];
} neighbour_t;

typedef struct {
    oid last [C_COLUMNS][MAX_WALK_OID];
    size_t length [C_COLUMNS];
    bool active [C_COLUMNS];
    int rows [C_COLUMNS];
    int asked [C_COLUMNS];              //  the columns of the request in flight, in order
    int nasked;
    int requests;
    bool full;
    int64_t read_ns;                    //  when the first walk response came
    double cpu_sum;
    int cpu_count;
} walk_t;

typedef enum { PHASE_SCALARS, PHASE_WALK } phase_t;
typedef enum { OUT_NONE, OUT_RESPONSE, OUT_RETRY, OUT_FAILED } outcome_t;

typedef struct _device_t device_t;
struct _device_t {
    poller_t *poller;
    int slot;
    char *key;                          //  check|address|port|credential
    int64_t check_id;
    char address [64];
    char peername [96];
    int port;
    int64_t interval_ms;
    int64_t timeout_ms;                 //  per try, from the credential or the default
    json_t *cred;                       //  its own copy, wiped when done
    long version;
    struct {
        oid name [MAX_OID_LEN];
        size_t length;
        char label [64];
    } custom [MAX_CUSTOM];
    int ncustom;
    void *sessp;
    int fd;
    //  schedule
    int64_t due;                        //  mono ms of the next poll
    bool busy;
    int64_t started, deadline, expiry;
    int reqid;
    phase_t phase;
    int64_t sent_ns;
    double rtt_ms;
    outcome_t outcome;
    char status [16];
    char error [160];
    uint64_t skip;                      //  scalars a v1 agent does not have
    int asked [MAX_SCALARS];            //  the scalars of the request in flight
    int nasked;
    netsnmp_variable_list *values [MAX_SCALARS];    //  this poll's scalar values
    walk_t *walk;
    zhashx_t *ifs;                      //  "index" -> iface_t
    zhashx_t *storage;                  //  "index" -> storage_t
    zhashx_t *neighbours;               //  "l.port.index" or "c.ifindex.index" -> neighbour_t
    zhashx_t *lldp_ports;               //  "port number" -> its name (lldpLocPortTable)
    int generation;
    bool need_full;
    uint32_t uptime;                    //  sysUpTime of the last poll (ticks)
    bool has_uptime;
    vd_complaint_t complaint;           //  bad values and walk errors, logged throttled
};

struct _poller_t {
    poller_emit_fn *emit;
    void *arg;
    int epoll;
    int max_inflight, inflight;
    int timeout_ms, retries;
    device_t **devices;
    int count;
    vd_heap_t *heap;
    int *waiting;               //  slots of devices due while max_inflight were busy (FIFO)
    int waiting_head, waiting_tail;
    poller_stats_t stats;
};

static void
s_row_free (void **row_p)
{
    free (*row_p);
    *row_p = NULL;
}

//  The device's tables: interfaces, storage, neighbours, LLDP port names
static void
s_tables_new (device_t *self)
{
    zhashx_t **tables [] = { &self->ifs, &self->storage, &self->neighbours, &self->lldp_ports };
    for (size_t i = 0; i < sizeof tables / sizeof tables [0]; i++) {
        *tables [i] = zhashx_new ();
        zhashx_set_destructor (*tables [i], (zhashx_destructor_fn *) s_row_free);
    }
}

static void
s_tables_destroy (device_t *self)
{
    zhashx_destroy (&self->ifs);
    zhashx_destroy (&self->storage);
    zhashx_destroy (&self->neighbours);
    zhashx_destroy (&self->lldp_ports);
}

//  Logs a device's trouble at most once every five minutes (thousands of
//  devices may be in trouble at once)
static void
s_complain (device_t *self, const char *format, ...)
{
    self->complaint.every_ms = COMPLAIN_EVERY_MS;
    if (!vd_complaint_due (&self->complaint))
        return;
    va_list args;
    va_start (args, format);
    char *text = zsys_vprintf (format, args);
    va_end (args);
    vd_complain (&self->complaint, "snmp: %s:%d: %s", self->address, self->port, text);
    free (text);
}

//  -- sessions ----------------------------------------------------------------

static const struct {
    const char *name;
    oid *protocol;
} s_auth_protocols [] = {
    { "md5", usmHMACMD5AuthProtocol }, { "sha", usmHMACSHA1AuthProtocol },
    { "sha-224", usmHMAC128SHA224AuthProtocol }, { "sha-256", usmHMAC192SHA256AuthProtocol },
    { "sha-384", usmHMAC256SHA384AuthProtocol }, { "sha-512", usmHMAC384SHA512AuthProtocol },
    { NULL, NULL }
};

static int s_response (int op, netsnmp_session *session, int reqid, netsnmp_pdu *pdu, void *magic);

//  True if another open v3 session (the poller's, discovery's) uses the
//  same USM user: engine ID and name
static bool
s_usm_user_shared (netsnmp_session *session)
{
    for (void *other = zlistx_first (s_v3_sessions); other; other = zlistx_next (s_v3_sessions)) {
        netsnmp_session *peer = snmp_sess_session (other);
        if (peer && peer->securityEngineIDLen == session->securityEngineIDLen
        &&  memcmp (peer->securityEngineID, session->securityEngineID, session->securityEngineIDLen) == 0
        &&  peer->securityName && streq (peer->securityName, session->securityName))
            return true;
    }
    return false;
}

void
snmp_close_session (void *sessp)
{
    //  USM keeps one user per engine and name for the whole process, made
    //  from the first session that used it: forget it when the last session
    //  using it closes, so that a corrected passphrase in a new session is
    //  taken (and a session still open keeps its user)
    void *handle = s_v3_sessions? zlistx_find (s_v3_sessions, sessp): NULL;
    if (handle)
        zlistx_delete (s_v3_sessions, handle);
    netsnmp_session *session = snmp_sess_session (sessp);
    if (session && session->version == SNMP_VERSION_3 && session->securityEngineIDLen
    &&  session->securityName && !s_usm_user_shared (session)) {
        struct usmUser *user = usm_get_user (session->securityEngineID, session->securityEngineIDLen,
                                             session->securityName);
        if (user) {
            usm_remove_user (user);
            usm_free_user (user);
        }
    }
    snmp_sess_close (sessp);        //  closes the socket: out of any epoll set too
}

static void
s_close (device_t *self)
{
    if (self->sessp) {
        snmp_close_session (self->sessp);
        self->sessp = NULL;
        self->fd = -1;
    }
}

void *
snmp_open_session (json_t *cred, const char *peername, int timeout_ms, int retries,
                   snmp_session_cb *callback, void *magic, char *error, size_t size)
{
    const char *version = json_string_value (json_object_get (cred, "version"));
    netsnmp_session session;
    snmp_sess_init (&session);
    session.peername = (char *) peername;
    session.timeout = timeout_ms * 1000L;
    session.retries = retries;
    json_t *timeout = json_object_get (cred, "timeout_ms");
    json_t *tries = json_object_get (cred, "retries");
    if (json_is_integer (timeout) && json_integer_value (timeout) > 0)
        session.timeout = (long) json_integer_value (timeout) * 1000L;
    if (json_is_integer (tries) && json_integer_value (tries) >= 0)
        session.retries = (int) json_integer_value (tries);
    session.callback = callback;
    session.callback_magic = magic;
    session.flags |= SNMP_FLAGS_DONT_PROBE;     //  engine discovery inside the first request
    int rc = 0;
    if (version && (streq (version, "1") || streq (version, "2c"))) {
        const char *community = json_string_value (json_object_get (cred, "community"));
        session.version = streq (version, "1")? SNMP_VERSION_1: SNMP_VERSION_2c;
        session.community = (u_char *) (community? community: "");
        session.community_len = strlen ((const char *) session.community);
    }
    else
    if (version && streq (version, "3")) {
        const char *user = json_string_value (json_object_get (cred, "user"));
        json_t *auth = json_object_get (cred, "auth");
        json_t *priv = json_object_get (cred, "priv");
        session.version = SNMP_VERSION_3;
        session.securityName = (char *) (user? user: "");
        session.securityNameLen = strlen (session.securityName);
        session.securityLevel = priv? SNMP_SEC_LEVEL_AUTHPRIV: auth? SNMP_SEC_LEVEL_AUTHNOPRIV
                                    : SNMP_SEC_LEVEL_NOAUTH;
        if (auth) {
            const char *protocol = json_string_value (json_object_get (auth, "protocol"));
            const char *pass = json_string_value (json_object_get (auth, "pass"));
            for (int i = 0; s_auth_protocols [i].name && protocol; i++)
                if (streq (protocol, s_auth_protocols [i].name))
                    session.securityAuthProto = s_auth_protocols [i].protocol;
            session.securityAuthProtoLen = USM_AUTH_PROTO_SHA_LEN;
            session.securityAuthKeyLen = USM_AUTH_KU_LEN;
            if (!session.securityAuthProto || !pass
            ||  generate_Ku (session.securityAuthProto, (u_int) session.securityAuthProtoLen,
                             (const u_char *) pass, strlen (pass), session.securityAuthKey,
                             &session.securityAuthKeyLen) != SNMPERR_SUCCESS)
                rc = -1;
        }
        if (priv && rc == 0) {
            const char *protocol = json_string_value (json_object_get (priv, "protocol"));
            const char *pass = json_string_value (json_object_get (priv, "pass"));
            session.securityPrivProto = protocol && streq (protocol, "des")? usmDESPrivProtocol
                                                                          : usmAESPrivProtocol;
            session.securityPrivProtoLen = USM_PRIV_PROTO_AES_LEN;
            session.securityPrivKeyLen = USM_PRIV_KU_LEN;
            if (!pass || generate_Ku (session.securityAuthProto, (u_int) session.securityAuthProtoLen,
                                      (const u_char *) pass, strlen (pass), session.securityPrivKey,
                                      &session.securityPrivKeyLen) != SNMPERR_SUCCESS)
                rc = -1;
        }
    }
    else
        rc = -1;
    void *sessp = rc == 0? snmp_sess_open (&session): NULL;
    if (sessp && session.version == SNMP_VERSION_3) {
        if (!s_v3_sessions)
            s_v3_sessions = zlistx_new ();
        zlistx_add_end (s_v3_sessions, sessp);
    }
    sodium_memzero (session.securityAuthKey, sizeof session.securityAuthKey);
    sodium_memzero (session.securityPrivKey, sizeof session.securityPrivKey);
    if (rc)
        snprintf (error, size, "the credential is not usable (version, protocols)");
    else
    if (!sessp)
        snprintf (error, size, "cannot open a session to %s", peername);
    return sessp;
}

//  Opens the device's session from its credential; 0, or -1 with error set
static int
s_open (device_t *self)
{
    self->sessp = snmp_open_session (self->cred, self->peername, self->poller->timeout_ms,
                                     self->poller->retries, s_response, self, self->error,
                                     sizeof self->error);
    if (!self->sessp)
        return -1;
    netsnmp_session *session = snmp_sess_session (self->sessp);
    self->version = session->version;
    self->timeout_ms = session->timeout / 1000;
    netsnmp_transport *transport = snmp_sess_transport (self->sessp);
    self->fd = transport? transport->sock: -1;
    struct epoll_event event = { .events = EPOLLIN, .data.ptr = self };
    if (self->fd < 0 || epoll_ctl (self->poller->epoll, EPOLL_CTL_ADD, self->fd, &event)) {
        s_close (self);
        snprintf (self->error, sizeof self->error, "cannot watch the session's socket");
        return -1;
    }
    return 0;
}

//  -- the conversation --------------------------------------------------------

static void
s_clear_values (device_t *self)
{
    for (int i = 0; i < MAX_SCALARS; i++)
        if (self->values [i]) {
            snmp_free_var (self->values [i]);
            self->values [i] = NULL;
        }
}

static int
s_send (device_t *self, netsnmp_pdu *pdu)
{
    self->poller->stats.requests++;
    self->sent_ns = vd_mono_ns ();
    self->reqid = snmp_sess_async_send (self->sessp, pdu, s_response, self);
    if (self->reqid == 0) {
        snmp_free_pdu (pdu);
        int library = 0, system = 0;
        char *text = NULL;
        snmp_sess_error (self->sessp, &library, &system, &text);
        snprintf (self->error, sizeof self->error, "cannot send: %s", text? text: "?");
        free (text);
        return -1;
    }
    self->expiry = vd_mono_ms () + self->timeout_ms + 1;
    return 0;
}

static int
s_send_scalars (device_t *self)
{
    netsnmp_pdu *pdu = snmp_pdu_create (SNMP_MSG_GET);
    self->nasked = 0;
    for (int id = 0; id < S_STANDARD + self->ncustom; id++) {
        if (self->skip & (1ULL << id))
            continue;
        if (id < S_STANDARD)
            snmp_add_null_var (pdu, s_scalars [id].name, s_scalars [id].length);
        else
            snmp_add_null_var (pdu, self->custom [id - S_STANDARD].name,
                               self->custom [id - S_STANDARD].length);
        self->asked [self->nasked++] = id;
    }
    return s_send (self, pdu);
}

static int
s_send_walk (device_t *self)
{
    walk_t *walk = self->walk;
    int active = 0;
    for (int c = 0; c < C_COLUMNS; c++)
        active += walk->active [c];
    if (++walk->requests > MAX_REQUESTS) {
        self->poller->stats.walk_errors++;
        s_complain (self, "a walk still going after %d requests: cut", MAX_REQUESTS);
        return 1;               //  done with what we have
    }
    netsnmp_pdu *pdu;
    if (self->version == SNMP_VERSION_1)
        pdu = snmp_pdu_create (SNMP_MSG_GETNEXT);
    else {
        pdu = snmp_pdu_create (SNMP_MSG_GETBULK);
        pdu->non_repeaters = 0;
        pdu->max_repetitions = active? (WALK_VARBINDS + active - 1) / active: 1;
    }
    walk->nasked = 0;
    for (int c = 0; c < C_COLUMNS; c++)
        if (walk->active [c]) {
            snmp_add_null_var (pdu, walk->last [c], walk->length [c]);
            walk->asked [walk->nasked++] = c;
        }
    return s_send (self, pdu);
}

static iface_t *
s_iface (device_t *self, int64_t index)
{
    char key [24];
    snprintf (key, sizeof key, "%lld", (long long) index);
    iface_t *iface = (iface_t *) zhashx_lookup (self->ifs, key);
    if (!iface) {
        if (!self->walk->full)
            self->need_full = true;     //  a new interface: read its names next time
        iface = (iface_t *) zmalloc (sizeof (iface_t));
        iface->index = index;
        zhashx_insert (self->ifs, key, iface);
    }
    return iface;
}

static void
s_text (char *out, size_t size, const netsnmp_variable_list *vb)
{
    size_t length = vb->val_len < size - 1? vb->val_len: size - 1;
    bool cut;
    char *clean = vd_utf8_clean ((const char *) vb->val.string, length, size - 1, &cut);
    snprintf (out, size, "%s", clean? clean: "");
    free (clean);
}

//  An identifier that may be binary (a MAC as chassis ID): text if it is
//  printable, else hex bytes joined by colons
static void
s_id_text (char *out, size_t size, const netsnmp_variable_list *vb)
{
    bool printable = vb->val_len > 0;
    for (size_t i = 0; i < vb->val_len && printable; i++)
        printable = vb->val.string [i] >= 0x20 && vb->val.string [i] < 0x7f;
    if (printable || vb->val_len == 0) {
        s_text (out, size, vb);
        return;
    }
    size_t used = 0;
    *out = 0;
    for (size_t i = 0; i < vb->val_len && used + 4 < size; i++)
        used += (size_t) snprintf (out + used, size - used, "%s%02x", i? ":": "", vb->val.string [i]);
}

//  An IPv4 or IPv6 address from its bytes; false if it is neither
static bool
s_address_text (char *out, size_t size, const u_char *bytes, size_t length)
{
    if (length == 4)
        return inet_ntop (AF_INET, bytes, out, (socklen_t) size) != NULL;
    if (length == 16)
        return inet_ntop (AF_INET6, bytes, out, (socklen_t) size) != NULL;
    return false;
}

static void
s_storage_cell (device_t *self, column_id_t column, int64_t index, const netsnmp_variable_list *vb)
{
    char key [24];
    snprintf (key, sizeof key, "%lld", (long long) index);
    storage_t *row = (storage_t *) zhashx_lookup (self->storage, key);
    if (!row) {
        if (zhashx_size (self->storage) >= MAX_STORAGE)
            return;
        row = (storage_t *) zmalloc (sizeof (storage_t));
        row->index = index;
        zhashx_insert (self->storage, key, row);
        if (!self->walk->full)
            self->need_full = true;
    }
    row->generation = self->generation;
    static const oid types [] = { 1,3,6,1,2,1,25,2,1 };
    switch (column) {
        case C_ST_TYPE:
            if (vb->val_len / sizeof (oid) == 10
            &&  snmp_oidtree_compare (vb->val.objid, 10, types, 9) == 0)
                row->type = (int) vb->val.objid [9];
            break;
        case C_ST_DESCR: s_text (row->descr, sizeof row->descr, vb); break;
        case C_ST_UNITS: row->units = *vb->val.integer; break;
        case C_ST_SIZE:  row->size = (uint32_t) *vb->val.integer; break;
        case C_ST_USED:  row->used = (uint32_t) *vb->val.integer; break;
        default: break;
    }
}

static neighbour_t *
s_neighbour (device_t *self, const char *proto, int64_t local, int64_t index)
{
    char key [48];
    snprintf (key, sizeof key, "%c.%lld.%lld", *proto, (long long) local, (long long) index);
    neighbour_t *row = (neighbour_t *) zhashx_lookup (self->neighbours, key);
    if (!row && zhashx_size (self->neighbours) < MAX_NEIGHBOURS) {
        row = (neighbour_t *) zmalloc (sizeof (neighbour_t));
        row->proto = proto;
        row->local = local;
        zhashx_insert (self->neighbours, key, row);
    }
    return row;
}

//  A cell of the LLDP or CDP tables; index: the arcs after the column
static void
s_neighbour_cell (device_t *self, column_id_t column, const oid *index, size_t arcs,
                  const netsnmp_variable_list *vb)
{
    if (column == C_LLDP_LOC_PORT || column == C_LLDP_LOC_DESC) {
        char key [24], name [96];
        snprintf (key, sizeof key, "%lu", (unsigned long) index [0]);
        s_id_text (name, sizeof name, vb);
        //  the port ID names the port, unless it is empty or binary
        char *known = (char *) zhashx_lookup (self->lldp_ports, key);
        if (*name && (column == C_LLDP_LOC_PORT || !known || strchr (known, ':'))
        &&  zhashx_size (self->lldp_ports) < MAX_NEIGHBOURS)
            zhashx_update (self->lldp_ports, key, strdup (name));
        return;
    }
    bool cdp = column >= C_CDP_ADDR;
    neighbour_t *row = s_neighbour (self, cdp? "cdp": "lldp", (int64_t) index [cdp? 0: 1],
                                    (int64_t) index [cdp? 1: 2]);
    if (!row)
        return;
    switch (column) {
        case C_LLDP_CHASSIS: s_id_text (row->chassis, sizeof row->chassis, vb); break;
        case C_LLDP_PORT:    s_id_text (row->port, sizeof row->port, vb); break;
        case C_LLDP_PORT_DESC: s_text (row->port_descr, sizeof row->port_descr, vb); break;
        case C_LLDP_SYS_NAME: s_text (row->name, sizeof row->name, vb); break;
        case C_LLDP_MAN_ADDR: {
            //  the address is in the index: subtype (1 IPv4, 2 IPv6), length, bytes
            u_char bytes [16];
            size_t length = arcs > 4? index [4]: 0;
            if ((length == 4 || length == 16) && arcs == 5 + length && !*row->address) {
                for (size_t i = 0; i < length; i++)
                    bytes [i] = (u_char) index [5 + i];
                s_address_text (row->address, sizeof row->address, bytes, length);
            }
            break;
        }
        case C_CDP_ADDR:
            s_address_text (row->address, sizeof row->address, vb->val.string, vb->val_len);
            break;
        case C_CDP_DEVICE:   s_text (row->name, sizeof row->name, vb); break;
        case C_CDP_PORT:     s_text (row->port, sizeof row->port, vb); break;
        case C_CDP_PLATFORM: s_text (row->platform, sizeof row->platform, vb); break;
        default: break;
    }
}

//  One cell of a column
static void
s_cell (device_t *self, column_id_t column, const netsnmp_variable_list *vb)
{
    walk_t *walk = self->walk;
    const oid *index = vb->name + s_columns [column].length;
    size_t arcs = vb->name_length - s_columns [column].length;
    if (column == C_CPU) {
        if (*vb->val.integer >= 0 && *vb->val.integer <= 100) {
            walk->cpu_sum += (double) *vb->val.integer;
            walk->cpu_count++;
        }
        return;
    }
    if (column >= C_ST_TYPE && column <= C_ST_USED) {
        s_storage_cell (self, column, (int64_t) index [0], vb);
        return;
    }
    if (column >= C_LLDP_LOC_PORT) {
        s_neighbour_cell (self, column, index, arcs, vb);
        return;
    }
    iface_t *iface = s_iface (self, (int64_t) index [0]);
    iface->generation = self->generation;
    iface->seen |= 1u << column;
    switch (column) {
        case C_DESCR:   s_text (iface->descr, sizeof iface->descr, vb); break;
        case C_NAME:    s_text (iface->name, sizeof iface->name, vb); break;
        case C_ALIAS:   s_text (iface->alias, sizeof iface->alias, vb); break;
        case C_TYPE:    iface->type = (int) *vb->val.integer; break;
        case C_MTU:     iface->mtu = (int) *vb->val.integer; break;
        case C_SPEED:   iface->speed = (uint32_t) *vb->val.integer; break;
        case C_HIGH_SPEED: iface->high_speed = (uint32_t) *vb->val.integer; break;
        case C_PHYS:
            if (vb->val_len == 6)
                snprintf (iface->mac, sizeof iface->mac, "%02x:%02x:%02x:%02x:%02x:%02x",
                          vb->val.string [0], vb->val.string [1], vb->val.string [2],
                          vb->val.string [3], vb->val.string [4], vb->val.string [5]);
            break;
        case C_ADMIN:
        case C_OPER: {
            long state = *vb->val.integer;
            if (state < 1 || state > 7) {
                self->poller->stats.bad_values++;
                s_complain (self, "interface %lld: status %ld is not an IF-MIB status",
                            (long long) index, state);
                state = 4;
            }
            if (column == C_ADMIN)
                iface->admin = (int) state;
            else
                iface->oper = (int) state;
            break;
        }
        case C_IN_OCT:  iface->counter [R_IN_BPS] = (uint32_t) *vb->val.integer; break;
        case C_OUT_OCT: iface->counter [R_OUT_BPS] = (uint32_t) *vb->val.integer; break;
        case C_IN_ERR:  iface->counter [R_IN_ERR] = (uint32_t) *vb->val.integer; break;
        case C_OUT_ERR: iface->counter [R_OUT_ERR] = (uint32_t) *vb->val.integer; break;
        case C_IN_DISC: iface->counter [R_IN_DISC] = (uint32_t) *vb->val.integer; break;
        case C_OUT_DISC: iface->counter [R_OUT_DISC] = (uint32_t) *vb->val.integer; break;
        case C_HC_IN:
            iface->hc_in = ((uint64_t) vb->val.counter64->high << 32) | vb->val.counter64->low;
            iface->has_hc_in = true;
            break;
        case C_HC_OUT:
            iface->hc_out = ((uint64_t) vb->val.counter64->high << 32) | vb->val.counter64->low;
            iface->has_hc_out = true;
            break;
        default:
            break;
    }
}

//  A walk response: each varbind advances its column or ends it. Returns
//  the varbinds taken.
static int
s_walk_response (device_t *self, netsnmp_pdu *pdu)
{
    walk_t *walk = self->walk;
    if (!walk->read_ns)
        walk->read_ns = vd_mono_ns ();
    int position = 0, taken = 0;
    bool ended [C_COLUMNS] = { false };
    for (netsnmp_variable_list *vb = pdu->variables; vb; vb = vb->next_variable, position++) {
        if (walk->nasked == 0)
            break;
        int column = walk->asked [position % walk->nasked];
        if (!walk->active [column] || ended [column])
            continue;
        size_t base = s_columns [column].length;
        int arcs = s_columns [column].index;
        if (vb->type == SNMP_ENDOFMIBVIEW || vb->type == SNMP_NOSUCHOBJECT
        ||  vb->type == SNMP_NOSUCHINSTANCE || vb->name_length <= base
        ||  (arcs && vb->name_length != base + (size_t) arcs)
        ||  snmp_oidtree_compare (vb->name, vb->name_length, s_columns [column].base, base) != 0) {
            ended [column] = true;      //  past the column: it is done
            continue;
        }
        if (vb->name_length > MAX_WALK_OID) {
            //  an index longer than any real table's (a column of any index
            //  length, like lldpRemManAddrTable's): the slot cannot hold it
            ended [column] = true;
            self->poller->stats.walk_errors++;
            s_complain (self, "column %d: an OID of %zu arcs, more than %d: stopped", column,
                        vb->name_length, MAX_WALK_OID);
            continue;
        }
        if (snmp_oid_compare (vb->name, vb->name_length, walk->last [column], walk->length [column]) <= 0) {
            ended [column] = true;
            self->poller->stats.walk_errors++;
            s_complain (self, "column %d of the walk went backwards (agent bug): stopped", column);
            continue;
        }
        memcpy (walk->last [column], vb->name, vb->name_length * sizeof (oid));
        walk->length [column] = vb->name_length;
        if (++walk->rows [column] > MAX_ROWS) {
            ended [column] = true;
            self->poller->stats.walk_errors++;
            s_complain (self, "a table with more than %d rows: cut", MAX_ROWS);
            continue;
        }
        if (vb->type != s_columns [column].type
        ||  (vb->type != ASN_OCTET_STR && vb->type != ASN_OBJECT_ID && !vb->val.integer)
        ||  (vb->type == ASN_COUNTER64 && vb->val_len < sizeof (struct counter64))) {
            self->poller->stats.bad_values++;
            s_complain (self, "column %d: a value of type 0x%02x, not 0x%02x", column, vb->type,
                        s_columns [column].type);
            continue;
        }
        s_cell (self, (column_id_t) column, vb);
        taken++;
    }
    for (int c = 0; c < C_COLUMNS; c++)
        if (ended [c])
            walk->active [c] = false;
    return taken;
}

static bool
s_number (const netsnmp_variable_list *vb, double *value)
{
    switch (vb->type) {
        case ASN_INTEGER:
            *value = (double) *vb->val.integer;
            return true;
        case ASN_COUNTER:
        case ASN_GAUGE:
        case ASN_TIMETICKS:
        case ASN_UINTEGER:
            *value = (double) (uint32_t) *vb->val.integer;
            return true;
        case ASN_COUNTER64:
            *value = (double) (((uint64_t) vb->val.counter64->high << 32) | vb->val.counter64->low);
            return true;
        case ASN_OCTET_STR: {
            //  UCD's laLoad and many vendors' gauges are numbers as text
            char text [32];
            size_t length = vb->val_len < sizeof text - 1? vb->val_len: sizeof text - 1;
            memcpy (text, vb->val.string, length);
            text [length] = 0;
            char *end;
            *value = strtod (text, &end);
            return length > 0 && *end == 0 && isfinite (*value);
        }
        default:
            return false;
    }
}

//  A scalars response: values kept by position. Returns the values taken.
static int
s_scalars_response (device_t *self, netsnmp_pdu *pdu)
{
    int position = 0, taken = 0;
    for (netsnmp_variable_list *vb = pdu->variables; vb && position < self->nasked;
         vb = vb->next_variable, position++) {
        int id = self->asked [position];
        const oid *name = id < S_STANDARD? s_scalars [id].name: self->custom [id - S_STANDARD].name;
        size_t length = id < S_STANDARD? s_scalars [id].length: self->custom [id - S_STANDARD].length;
        if (snmp_oid_compare (vb->name, vb->name_length, name, length) != 0) {
            self->poller->stats.bad_values++;
            s_complain (self, "a response with varbinds out of order");
            break;
        }
        if (vb->type == SNMP_NOSUCHOBJECT || vb->type == SNMP_NOSUCHINSTANCE
        ||  vb->type == SNMP_ENDOFMIBVIEW || vb->type == ASN_NULL)
            continue;
        if (self->values [id])
            snmp_free_var (self->values [id]);
        //  one varbind: snmp_clone_varbind would copy the rest of the list too
        self->values [id] = NULL;
        snmp_varlist_add_variable (&self->values [id], vb->name, vb->name_length, vb->type,
                                   vb->val.string, vb->val_len);
        taken++;
    }
    return taken;
}

static int
s_response (int op, netsnmp_session *session, int reqid, netsnmp_pdu *pdu, void *magic)
{
    device_t *self = (device_t *) magic;
    (void) session;
    //  (a security error comes without the request's id: the session is
    //  this device's, so it is about the request in flight)
    if (!self->busy || (reqid != self->reqid && op != NETSNMP_CALLBACK_OP_SEC_ERROR))
        return 1;               //  an answer to a poll already over
    if (op == NETSNMP_CALLBACK_OP_RESEND) {
        self->expiry = vd_mono_ms () + self->timeout_ms + 1;
        return 1;
    }
    self->reqid = 0;
    if (op == NETSNMP_CALLBACK_OP_TIMED_OUT) {
        self->outcome = OUT_FAILED;
        snprintf (self->status, sizeof self->status, "timeout");
        snprintf (self->error, sizeof self->error, "no answer%s",
                  self->phase == PHASE_WALK? " during the walk": "");
        return 1;
    }
    if (op != NETSNMP_CALLBACK_OP_RECEIVED_MESSAGE || !pdu) {
        self->outcome = OUT_FAILED;
        snprintf (self->status, sizeof self->status, "refused");
        snprintf (self->error, sizeof self->error, "%s", op == NETSNMP_CALLBACK_OP_SEC_ERROR
                  ? "authentication or privacy failed (wrong passphrase or protocol?)"
                  : "the request could not be sent");
        return 1;
    }
    self->poller->stats.responses++;
    if (pdu->command == SNMP_MSG_REPORT) {
        self->outcome = OUT_FAILED;
        snprintf (self->status, sizeof self->status, "refused");
        snprintf (self->error, sizeof self->error, "v3: %s",
                  snmp_api_errstring (snmpv3_get_report_type (pdu)));
        return 1;
    }
    if (self->phase == PHASE_SCALARS && self->rtt_ms < 0)
        self->rtt_ms = (double) (vd_mono_ns () - self->sent_ns) / 1e6;
    if (pdu->errstat == SNMP_ERR_NOSUCHNAME && self->version == SNMP_VERSION_1) {
        //  v1: a GET with one unknown object fails whole; a GETNEXT past
        //  the end of the MIB ends the walk
        if (self->phase == PHASE_SCALARS && pdu->errindex >= 1 && pdu->errindex <= self->nasked) {
            self->skip |= 1ULL << self->asked [pdu->errindex - 1];
            self->outcome = OUT_RETRY;
        }
        else {
            if (self->walk)
                memset (self->walk->active, 0, sizeof self->walk->active);
            self->outcome = OUT_RESPONSE;
        }
        return 1;
    }
    if (pdu->errstat != SNMP_ERR_NOERROR) {
        self->outcome = OUT_FAILED;
        snprintf (self->status, sizeof self->status, "refused");
        snprintf (self->error, sizeof self->error, "agent says %s", snmp_errstring (pdu->errstat));
        return 1;
    }
    if (self->phase == PHASE_SCALARS)
        s_scalars_response (self, pdu);
    else
        s_walk_response (self, pdu);
    self->outcome = OUT_RESPONSE;
    return 1;
}

//  -- reports -----------------------------------------------------------------

//  A counter's increase, or false when it cannot be trusted: a 32-bit
//  counter that wrapped faster than the interface could have counted, a
//  64-bit one that went back
static bool
s_delta (uint64_t now, uint64_t before, int bits, double max_increase, uint64_t *delta)
{
    if (now >= before) {
        *delta = now - before;
        return true;
    }
    if (bits != 32)
        return false;
    *delta = now + 4294967296ULL - before;
    return !(max_increase > 0 && (double) *delta > max_increase);
}

static json_t *
s_iface_json (device_t *self, iface_t *iface, int64_t read_ns, bool *reset)
{
    uint64_t speed = iface->high_speed? iface->high_speed * 1000000ULL: iface->speed;
    json_t *json = json_pack ("{s:I, s:s, s:s, s:s, s:i, s:I, s:i, s:s, s:s, s:s}",
        "index", (json_int_t) iface->index,
        "name", *iface->name? iface->name: *iface->descr? iface->descr: "?",
        "descr", iface->descr, "alias", iface->alias, "type", iface->type,
        "speed_bps", (json_int_t) speed, "mtu", iface->mtu, "mac", iface->mac,
        "admin", s_if_states [iface->admin >= 1 && iface->admin <= 7? iface->admin: 0],
        "oper", s_if_states [iface->oper >= 1 && iface->oper <= 7? iface->oper: 0]);
    //  octets: 64-bit where the device has them
    int bits = iface->has_hc_in && iface->has_hc_out? 64: 32;
    if (bits == 64) {
        iface->counter [R_IN_BPS] = iface->hc_in;
        iface->counter [R_OUT_BPS] = iface->hc_out;
    }
    json_object_set_new (json, "counters", json_integer (bits));
    bool have = (iface->seen & (1u << C_IN_OCT)) || bits == 64;
    if (have && iface->previous_ok && iface->previous_bits == bits && read_ns > iface->previous_ns) {
        double seconds = (double) (read_ns - iface->previous_ns) / 1e9;
        double rates [R_COUNT];
        bool ok = true;
        for (int r = 0; r < R_COUNT && ok; r++) {
            uint64_t delta;
            //  a wrap is believed only if the line could have carried it
            double most = r <= R_OUT_BPS && speed? (double) speed / 8 * seconds * 1.5: 0;
            ok = s_delta (iface->counter [r], iface->previous [r], r <= R_OUT_BPS? bits: 32, most, &delta);
            rates [r] = (double) delta / seconds * (r <= R_OUT_BPS? 8: 1);
        }
        if (ok) {
            for (int r = 0; r < R_COUNT; r++)
                json_object_set_new (json, s_rate_names [r], json_real (rates [r]));
            if (speed) {
                json_object_set_new (json, "in_util", json_real (rates [R_IN_BPS] / (double) speed * 100));
                json_object_set_new (json, "out_util", json_real (rates [R_OUT_BPS] / (double) speed * 100));
            }
        }
        else {
            self->poller->stats.resets++;
            *reset = true;
        }
    }
    if (have) {
        memcpy (iface->previous, iface->counter, sizeof iface->previous);
        iface->previous_bits = bits;
        iface->previous_ns = read_ns;
        iface->previous_ok = true;
    }
    iface->seen = 0;
    iface->has_hc_in = iface->has_hc_out = false;
    return json;
}

static json_t *
s_system (device_t *self)
{
    json_t *system = json_object ();
    static const struct { scalar_id_t id; const char *name; } texts [] = {
        { S_DESCR, "descr" }, { S_CONTACT, "contact" }, { S_NAME, "name" }, { S_LOCATION, "location" }
    };
    for (size_t i = 0; i < sizeof texts / sizeof texts [0]; i++) {
        netsnmp_variable_list *vb = self->values [texts [i].id];
        if (vb && vb->type == ASN_OCTET_STR) {
            char text [256];
            s_text (text, sizeof text, vb);
            json_object_set_new (system, texts [i].name, json_string (text));
        }
    }
    netsnmp_variable_list *vb = self->values [S_OBJECT_ID];
    if (vb && vb->type == ASN_OBJECT_ID && vb->val_len / sizeof (oid) <= MAX_OID_LEN) {
        char text [MAX_OID_LEN * 11 + 1] = "";
        size_t used = 0;
        for (size_t i = 0; i < vb->val_len / sizeof (oid) && used < sizeof text - 12; i++)
            used += (size_t) snprintf (text + used, sizeof text - used, "%s%lu", i? ".": "",
                                       (unsigned long) vb->val.objid [i]);
        json_object_set_new (system, "object_id", json_string (text));
    }
    vb = self->values [S_UPTIME];
    if (vb && vb->type == ASN_TIMETICKS)
        json_object_set_new (system, "uptime_s", json_integer ((uint32_t) *vb->val.integer / 100));
    return system;
}

static json_t *
s_metrics (device_t *self)
{
    json_t *metrics = json_object ();
    if (self->rtt_ms >= 0)
        json_object_set_new (metrics, "snmp.rtt", json_real (self->rtt_ms));
    static const char *loads [] = { "load.1", "load.5", "load.15" };
    for (int i = 0; i < 3; i++) {
        double value;
        if (self->values [S_LOAD1 + i] && s_number (self->values [S_LOAD1 + i], &value))
            json_object_set_new (metrics, loads [i], json_real (value));
    }
    double total, avail, buffer = 0, cached = 0;
    if (self->values [S_MEM_TOTAL] && self->values [S_MEM_AVAIL]
    &&  s_number (self->values [S_MEM_TOTAL], &total) && s_number (self->values [S_MEM_AVAIL], &avail)
    &&  total > 0) {
        if (self->values [S_MEM_BUFFER])
            s_number (self->values [S_MEM_BUFFER], &buffer);
        if (self->values [S_MEM_CACHED])
            s_number (self->values [S_MEM_CACHED], &cached);
        double used = (total - avail - buffer - cached) / total * 100;
        json_object_set_new (metrics, "mem.used", json_real (used < 0? 0: used > 100? 100: used));
    }
    if (self->walk && self->walk->cpu_count)
        json_object_set_new (metrics, "cpu.load",
                             json_real (self->walk->cpu_sum / self->walk->cpu_count));
    //  HOST-RESOURCES storage: disks, and memory where UCD has none
    for (storage_t *row = (storage_t *) zhashx_first (self->storage); row;
         row = (storage_t *) zhashx_next (self->storage)) {
        if (row->generation != self->generation || row->size <= 0 || row->used < 0
        ||  row->used > row->size)
            continue;
        double used = (double) row->used / (double) row->size * 100;
        if (row->type == 2 && !json_object_get (metrics, "mem.used"))
            json_object_set_new (metrics, "mem.used", json_real (used));
        else
        if ((row->type == 4 || row->type == 9 || row->type == 10) && *row->descr) {
            char name [128];
            snprintf (name, sizeof name, "disk.%s.used", row->descr);
            json_object_set_new (metrics, name, json_real (used));
        }
    }
    for (int i = 0; i < self->ncustom; i++) {
        netsnmp_variable_list *vb = self->values [S_STANDARD + i];
        double value;
        if (!vb)
            continue;
        if (s_number (vb, &value)) {
            char name [80];
            snprintf (name, sizeof name, "snmp.%s", self->custom [i].label);
            json_object_set_new (metrics, name, json_real (value));
        }
        else {
            self->poller->stats.bad_values++;
            s_complain (self, "custom OID %s: not a number (type 0x%02x)", self->custom [i].label, vb->type);
        }
    }
    return metrics;
}

//  The name of a local port: LLDP's own, or the interface of that index
static const char *
s_local_port (device_t *self, const neighbour_t *row, char *buffer, size_t size)
{
    char key [24];
    snprintf (key, sizeof key, "%lld", (long long) row->local);
    const char *name = streq (row->proto, "lldp")? (const char *) zhashx_lookup (self->lldp_ports, key): NULL;
    iface_t *iface = name? NULL: (iface_t *) zhashx_lookup (self->ifs, key);
    if (iface && (*iface->name || *iface->descr))
        name = *iface->name? iface->name: iface->descr;
    if (!name) {
        snprintf (buffer, size, "port %lld", (long long) row->local);
        name = buffer;
    }
    return name;
}

static json_t *
s_neighbours_json (device_t *self)
{
    json_t *list = json_array ();
    for (neighbour_t *row = (neighbour_t *) zhashx_first (self->neighbours); row;
         row = (neighbour_t *) zhashx_next (self->neighbours)) {
        if (!*row->name && !*row->chassis && !*row->address)
            continue;           //  a stray column: nothing to know it by
        char buffer [32];
        json_array_append_new (list, json_pack ("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s}",
            "proto", row->proto, "local_port", s_local_port (self, row, buffer, sizeof buffer),
            "chassis", row->chassis, "port", row->port, "port_descr", row->port_descr,
            "name", row->name, "address", row->address, "platform", row->platform));
    }
    return list;
}

static void
s_schedule (device_t *self)
{
    poller_t *poller = self->poller;
    vd_heap_set (poller->heap, self->slot, self->busy
                 ? (self->expiry < self->deadline? self->expiry: self->deadline): self->due);
}

//  The poll is over: report it, and plan the next
static void
s_finish (device_t *self, const char *status)
{
    poller_t *poller = self->poller;
    if (status)
        snprintf (self->status, sizeof self->status, "%s", status);
    bool ok = streq (self->status, "ok");
    json_t *report = json_pack ("{s:I, s:I, s:s}", "check", (json_int_t) self->check_id,
                                "ts_us", (json_int_t) vd_now_us (), "status", self->status);
    if (!ok)
        json_object_set_new (report, "error", json_string (self->error));
    else {
        //  a reboot (sysUpTime back) resets every counter
        netsnmp_variable_list *uptime = self->values [S_UPTIME];
        if (uptime && uptime->type == ASN_TIMETICKS) {
            uint32_t ticks = (uint32_t) *uptime->val.integer;
            if (self->has_uptime && ticks < self->uptime) {
                iface_t *iface;
                for (iface = (iface_t *) zhashx_first (self->ifs); iface; iface = (iface_t *) zhashx_next (self->ifs))
                    iface->previous_ok = false;
                poller->stats.resets++;
            }
            self->uptime = ticks;
            self->has_uptime = true;
        }
        json_object_set_new (report, "system", s_system (self));
        json_object_set_new (report, "metrics", s_metrics (self));
        json_t *list = json_array ();
        zlistx_t *gone = zlistx_new ();
        bool reset = false;
        iface_t *iface;
        for (iface = (iface_t *) zhashx_first (self->ifs); iface; iface = (iface_t *) zhashx_next (self->ifs)) {
            if (iface->generation == self->generation)
                json_array_append_new (list, s_iface_json (self, iface, self->walk->read_ns, &reset));
            else
            if (self->walk->full)
                zlistx_add_end (gone, (void *) zhashx_cursor (self->ifs));
        }
        for (const char *key = (const char *) zlistx_first (gone); key; key = (const char *) zlistx_next (gone))
            zhashx_delete (self->ifs, key);
        zlistx_destroy (&gone);
        if (reset)
            s_complain (self, "counters went back or wrapped too fast: no rate this poll");
        json_object_set_new (report, "interfaces", list);
        json_object_set_new (report, "full", json_boolean (self->walk->full));
        if (self->walk->full) {
            json_object_set_new (report, "neighbours", s_neighbours_json (self));
            //  storage rows the full walk did not see are gone
            zlistx_t *old = zlistx_new ();
            for (storage_t *row = (storage_t *) zhashx_first (self->storage); row;
                 row = (storage_t *) zhashx_next (self->storage))
                if (row->generation != self->generation)
                    zlistx_add_end (old, (void *) zhashx_cursor (self->storage));
            for (const char *key = (const char *) zlistx_first (old); key; key = (const char *) zlistx_next (old))
                zhashx_delete (self->storage, key);
            zlistx_destroy (&old);
        }
    }
    poller->stats.polls++;
    if (ok)
        poller->stats.ok++;
    else
    if (streq (self->status, "timeout"))
        poller->stats.timeouts++;
    else
    if (streq (self->status, "deadline"))
        poller->stats.deadlines++;
    else
        poller->stats.refused++;
    if (!ok && !streq (self->status, "timeout"))
        s_complain (self, "%s: %s", self->status, self->error);
    free (self->walk);
    self->walk = NULL;
    s_clear_values (self);
    self->busy = false;
    self->reqid = 0;
    poller->inflight--;
    //  the next poll keeps the device's rhythm; missed slots are skipped
    int64_t now = vd_mono_ms ();
    self->due += self->interval_ms;
    if (self->due <= now)
        self->due += ((now - self->due) / self->interval_ms + 1) * self->interval_ms;
    s_schedule (self);
    poller->emit (poller->arg, report);
}

static void
s_start (device_t *self)
{
    poller_t *poller = self->poller;
    poller->inflight++;
    self->busy = true;
    self->started = vd_mono_ms ();
    self->deadline = self->started + self->interval_ms;
    self->expiry = self->deadline;
    self->generation++;
    self->phase = PHASE_SCALARS;
    self->rtt_ms = -1;
    self->outcome = OUT_NONE;
    *self->error = 0;
    if (!self->sessp && s_open (self)) {
        s_finish (self, "error");
        return;
    }
    if (s_send_scalars (self))
        s_finish (self, "error");
    else
        s_schedule (self);
}

//  A walk from the start of every column (full) or of the counters and states
static walk_t *
s_walk_new (bool full)
{
    walk_t *walk = (walk_t *) zmalloc (sizeof (walk_t));
    walk->full = full;
    for (int c = 0; c < C_COLUMNS; c++) {
        if (!full && (s_columns [c].flags & STATIC))
            continue;
        memcpy (walk->last [c], s_columns [c].base, s_columns [c].length * sizeof (oid));
        walk->length [c] = s_columns [c].length;
        walk->active [c] = true;
    }
    return walk;
}

//  After a callback: the next request, or the end
static void
s_advance (device_t *self)
{
    outcome_t outcome = self->outcome;
    self->outcome = OUT_NONE;
    if (outcome == OUT_NONE || !self->busy)
        return;
    if (outcome == OUT_FAILED) {
        s_finish (self, NULL);
        return;
    }
    int rc = 0;
    if (outcome == OUT_RETRY)
        rc = s_send_scalars (self);
    else
    if (self->phase == PHASE_SCALARS) {
        self->phase = PHASE_WALK;
        self->walk = s_walk_new (self->need_full || self->generation % FULL_EVERY == 1);
        self->need_full = false;
        if (self->walk->full) {
            //  neighbours come and go: a full walk reads them afresh
            zhashx_purge (self->neighbours);
            zhashx_purge (self->lldp_ports);
        }
        rc = s_send_walk (self);
    }
    else {
        bool more = false;
        for (int c = 0; c < C_COLUMNS; c++)
            more = more || self->walk->active [c];
        rc = more? s_send_walk (self): 1;
    }
    if (rc == 1)
        s_finish (self, "ok");
    else
    if (rc < 0)
        s_finish (self, "error");
    else
        s_schedule (self);
}

//  -- the poller ----------------------------------------------------------------

static void
s_device_destroy (device_t **self_p)
{
    device_t *self = *self_p;
    if (!self)
        return;
    if (self->busy)
        self->poller->inflight--;
    s_close (self);
    s_clear_values (self);
    free (self->walk);
    s_tables_destroy (self);
    vd_json_wipe (self->cred);
    free (self->key);
    free (self);
    *self_p = NULL;
}

poller_t *
poller_new (poller_emit_fn *emit, void *arg, int max_inflight, int timeout_ms, int retries)
{
    poller_t *self = (poller_t *) zmalloc (sizeof (poller_t));
    self->emit = emit;
    self->arg = arg;
    self->max_inflight = max_inflight > 0? max_inflight: 1;
    self->timeout_ms = timeout_ms > 0? timeout_ms: 1000;
    self->retries = retries >= 0? retries: 0;
    self->epoll = epoll_create1 (EPOLL_CLOEXEC);
    self->heap = vd_heap_new ();
    //  a socket per device: thousands of devices need more than 1024 files
    struct rlimit files;
    if (getrlimit (RLIMIT_NOFILE, &files) == 0 && files.rlim_cur < files.rlim_max) {
        files.rlim_cur = files.rlim_max;
        setrlimit (RLIMIT_NOFILE, &files);
    }
    if (self->epoll < 0) {
        poller_destroy (&self);
        return NULL;
    }
    snmp_lib_lock ();
    snmp_lib_init ();
    snmp_lib_unlock ();
    return self;
}

void
poller_destroy (poller_t **self_p)
{
    poller_t *self = *self_p;
    if (!self)
        return;
    snmp_lib_lock ();
    for (int i = 0; i < self->count; i++)
        s_device_destroy (&self->devices [i]);
    snmp_lib_unlock ();
    free (self->devices);
    free (self->waiting);
    vd_heap_destroy (&self->heap);
    if (self->epoll >= 0)
        close (self->epoll);
    free (self);
    *self_p = NULL;
}

//  "1.3.6.1.2.1.1.3.0" into arcs; false if it is not one
static bool
s_parse_oid (const char *text, oid *name, size_t *length)
{
    *length = 0;
    while (*text) {
        char *end;
        unsigned long arc = strtoul (text, &end, 10);
        if (end == text || *length == MAX_OID_LEN || (*end && *end != '.'))
            return false;
        name [(*length)++] = (oid) arc;
        text = *end? end + 1: end;
    }
    return *length >= 2;
}

static device_t *
s_device_new (poller_t *poller, json_t *check, json_t *creds, const char *key)
{
    const char *address = json_string_value (json_object_get (check, "address"));
    const char *cred = json_string_value (json_object_get (check, "cred"));
    json_t *secret = cred? json_object_get (creds, cred): NULL;
    json_t *port = json_object_get (json_object_get (check, "params"), "port");
    if (!address || !vd_address_valid (address) || !json_is_object (secret))
        return NULL;
    device_t *self = (device_t *) zmalloc (sizeof (device_t));
    self->poller = poller;
    self->key = strdup (key);
    self->check_id = json_integer_value (json_object_get (check, "id"));
    snprintf (self->address, sizeof self->address, "%s", address);
    self->port = json_is_integer (port)? (int) json_integer_value (port): 161;
    snprintf (self->peername, sizeof self->peername, strchr (address, ':')? "udp6:[%s]:%d": "udp:%s:%d",
              address, self->port);
    self->interval_ms = json_integer_value (json_object_get (check, "interval_ms"));
    if (self->interval_ms < 1000)
        self->interval_ms = 1000;
    self->cred = json_deep_copy (secret);
    self->fd = -1;
    s_tables_new (self);
    self->need_full = true;
    //  spread the first polls over the interval (at most 10 s)
    int64_t spread = self->interval_ms < 10000? self->interval_ms: 10000;
    self->due = vd_mono_ms () + (int64_t) randombytes_uniform ((uint32_t) spread);
    return self;
}

int
poller_configure (poller_t *self, json_t *config)
{
    json_t *checks = json_object_get (config, "checks");
    json_t *creds = json_object_get (config, "creds");
    //  the old devices by key, to keep what has not changed
    zhashx_t *old = zhashx_new ();
    for (int i = 0; i < self->count; i++)
        zhashx_insert (old, self->devices [i]->key, self->devices [i]);
    device_t **devices = NULL;
    int count = 0;
    size_t index;
    json_t *check;
    //  custom OID checks join their device's poll: by device name
    json_t *customs = json_object ();
    json_array_foreach (checks, index, check) {
        const char *kind = json_string_value (json_object_get (check, "kind"));
        const char *device = json_string_value (json_object_get (check, "device"));
        if (!kind || !streq (kind, "snmp") || !device
        ||  !json_object_get (json_object_get (check, "params"), "oid"))
            continue;
        if (!json_object_get (customs, device))
            json_object_set_new (customs, device, json_array ());
        json_array_append (json_object_get (customs, device), check);
    }
    json_array_foreach (checks, index, check) {
        const char *kind = json_string_value (json_object_get (check, "kind"));
        json_t *params = json_object_get (check, "params");
        if (!kind || !streq (kind, "snmp") || json_object_get (params, "oid"))
            continue;
        const char *cred = json_string_value (json_object_get (check, "cred"));
        char *secret = cred? json_dumps (json_object_get (creds, cred), JSON_COMPACT | JSON_SORT_KEYS): NULL;
        char *key = zsys_sprintf ("%lld|%s|%lld|%lld|%s",
            (long long) json_integer_value (json_object_get (check, "id")),
            json_string_value (json_object_get (check, "address")),
            (long long) json_integer_value (json_object_get (params, "port")),
            (long long) json_integer_value (json_object_get (check, "interval_ms")),
            secret? secret: "");
        if (secret) {
            sodium_memzero (secret, strlen (secret));
            free (secret);
        }
        device_t *device = (device_t *) zhashx_lookup (old, key);
        if (device)
            zhashx_delete (old, key);
        else
            device = s_device_new (self, check, creds, key);
        sodium_memzero (key, strlen (key));
        free (key);
        if (!device) {
            zsys_warning ("snmp: check %lld: no usable address or credential; not polled",
                          (long long) json_integer_value (json_object_get (check, "id")));
            continue;
        }
        device->ncustom = 0;
        json_t *list = json_object_get (customs, json_string_value (json_object_get (check, "device")));
        size_t other;
        json_t *custom;
        json_array_foreach (list, other, custom) {
            json_t *custom_params = json_object_get (custom, "params");
            const char *oid_text = json_string_value (json_object_get (custom_params, "oid"));
            const char *label = json_string_value (json_object_get (custom_params, "name"));
            if (!oid_text || !label || device->ncustom == MAX_CUSTOM)
                continue;
            if (s_parse_oid (oid_text, device->custom [device->ncustom].name,
                             &device->custom [device->ncustom].length)) {
                snprintf (device->custom [device->ncustom].label,
                          sizeof device->custom [device->ncustom].label, "%s", label);
                device->ncustom++;
            }
        }
        device->skip = 0;
        devices = (device_t **) realloc (devices, (size_t) (count + 1) * sizeof (device_t *));
        devices [count++] = device;
    }
    json_decref (customs);
    snmp_lib_lock ();
    for (device_t *device = (device_t *) zhashx_first (old); device; device = (device_t *) zhashx_next (old))
        s_device_destroy (&device);
    snmp_lib_unlock ();
    zhashx_destroy (&old);
    free (self->devices);
    self->devices = devices;
    self->count = count;
    free (self->waiting);
    self->waiting = (int *) calloc ((size_t) count + 1, sizeof (int));
    self->waiting_head = self->waiting_tail = 0;
    vd_heap_clear (self->heap);
    for (int i = 0; i < count; i++) {
        devices [i]->slot = i;
        s_schedule (devices [i]);
    }
    return count;
}

int
poller_fd (poller_t *self)
{
    return self->epoll;
}

int
poller_timeout (poller_t *self)
{
    int64_t key;
    if (vd_heap_top (self->heap, &key) < 0)
        return -1;
    int64_t wait = key - vd_mono_ms ();
    return wait < 0? 0: wait > 60000? 60000: (int) wait;
}

void
poller_work (poller_t *self)
{
    snmp_lib_lock ();
    //  what arrived
    struct epoll_event events [256];
    int ready;
    do {
        ready = epoll_wait (self->epoll, events, 256, 0);
        for (int i = 0; i < ready; i++) {
            device_t *device = (device_t *) events [i].data.ptr;
            if (!device->sessp)
                continue;
            netsnmp_large_fd_set fds;
            netsnmp_large_fd_set_init (&fds, device->fd + 1);
            NETSNMP_LARGE_FD_SET (device->fd, &fds);
            snmp_sess_read2 (device->sessp, &fds);
            netsnmp_large_fd_set_cleanup (&fds);
            s_advance (device);
        }
    } while (ready == 256);
    //  what is due: polls to start, requests timed out, polls past deadline
    int64_t now = vd_mono_ms ();
    int64_t key;
    int slot;
    while ((slot = vd_heap_top (self->heap, &key)) >= 0 && key <= now) {
        device_t *device = self->devices [slot];
        if (!device->busy) {
            if (self->inflight < self->max_inflight)
                s_start (device);
            else {
                //  pacing: it waits its turn for a poll to end
                self->stats.deferred++;
                vd_heap_remove (self->heap, slot);
                self->waiting [self->waiting_tail++ % self->count] = slot;
            }
        }
        else
        if (now >= device->deadline) {
            snprintf (device->error, sizeof device->error, "the poll did not end within %lld ms",
                      (long long) device->interval_ms);
            s_finish (device, "deadline");
        }
        else {
            //  net-snmp resends or gives up (the callback says which)
            int64_t expiry = device->expiry;
            snmp_sess_timeout (device->sessp);
            if (device->outcome != OUT_NONE)
                s_advance (device);
            else {
                if (device->expiry == expiry)
                    device->expiry = now + 5;   //  not quite due by net-snmp's clock
                s_schedule (device);
            }
        }
    }
    //  those waiting their turn, oldest first, as polls end
    while (self->waiting_head != self->waiting_tail && self->inflight < self->max_inflight)
        s_start (self->devices [self->waiting [self->waiting_head++ % self->count]]);
    snmp_lib_unlock ();
}

void
poller_stats (poller_t *self, poller_stats_t *stats)
{
    *stats = self->stats;
}

//  -- fuzzing ---------------------------------------------------------------------

static void
s_fuzz_emit (void *arg, json_t *report)
{
    (void) arg;
    json_decref (report);
}

int
poller_fuzz (const uint8_t *data, size_t size)
{
    static poller_t *poller;
    if (!poller)
        poller = poller_new (s_fuzz_emit, NULL, 1, 1000, 0);
    netsnmp_pdu *pdu = snmp_pdu_create (SNMP_MSG_RESPONSE);
    u_char *copy = (u_char *) malloc (size? size: 1);
    memcpy (copy, data, size);
    size_t length = size;
    int taken = -1;
    if (snmp_pdu_parse (pdu, copy, &length) == 0) {
        device_t device = { .poller = poller, .fd = -1, .interval_ms = 1000, .timeout_ms = 1000,
                            .version = SNMP_VERSION_2c };
        s_tables_new (&device);
        snprintf (device.status, sizeof device.status, "ok");
        snprintf (device.address, sizeof device.address, "fuzz");
        device.complaint.last_ms = vd_mono_ms ();
        //  the standard scalars as asked, then a walk of every column
        for (int id = 0; id < S_STANDARD; id++)
            device.asked [device.nasked++] = id;
        device.busy = true;
        poller->inflight++;
        taken = s_scalars_response (&device, pdu);
        device.walk = s_walk_new (true);
        for (int c = 0; c < C_COLUMNS; c++)
            device.walk->asked [device.walk->nasked++] = c;
        taken += s_walk_response (&device, pdu);
        //  every column's last OID fits its slot: a longer one would have
        //  written into the next column's (ASan cannot see that)
        for (int c = 0; c < C_COLUMNS; c++)
            assert (device.walk->length [c] <= MAX_WALK_OID);
        //  and a report from what was read, twice: the second one has rates
        device.walk->read_ns = 1;
        device.slot = 0;
        s_finish (&device, "ok");
        s_scalars_response (&device, pdu);
        device.walk = (walk_t *) zmalloc (sizeof (walk_t));
        device.walk->read_ns = 1000000000;
        device.busy = true;
        poller->inflight++;
        device.generation = 0;
        s_finish (&device, "ok");
        vd_heap_clear (poller->heap);
        s_tables_destroy (&device);
    }
    snmp_free_pdu (pdu);
    free (copy);
    return taken;
}

//  -- the snmp actor ------------------------------------------------------------

typedef struct {
    probe_t *probe;
    zsock_t *out;               //  PUSH to the uplink: "REPORT" report
    poller_t *poller;
} snmp_actor_t;

static void
s_emit (void *arg, json_t *report)
{
    snmp_actor_t *self = (snmp_actor_t *) arg;
    probe_report (self->out, report);
}

static void
s_load (snmp_actor_t *self, const char *text)
{
    json_error_t error;
    json_t *config = json_loads (text, 0, &error);
    if (!json_is_object (config))
        zsys_error ("snmp: checks are not valid JSON: %s", error.text);
    else {
        int count = poller_configure (self->poller, config);
        if (count)
            zsys_info ("snmp: polling %d devices", count);
    }
    vd_json_wipe (config);
}

void
snmp_actor (zsock_t *pipe, void *args)
{
    snmp_actor_t self = { .probe = (probe_t *) args };
    vd_config_t *config = self.probe->config;
    self.out = zsock_new (ZMQ_PUSH);
    zsock_t *checks = zsock_new (ZMQ_PULL);
    if (self.out) {
        zsock_set_sndhwm (self.out, 10000);
        zsock_connect (self.out, PROBE_EVENTS);
        self.poller = poller_new (s_emit, &self, (int) vd_config_int (config, "snmp/max_inflight"),
                                  (int) vd_config_int (config, "snmp/timeout"),
                                  (int) vd_config_int (config, "snmp/retries"));
    }
    if (!self.poller || !checks || zsock_bind (checks, PROBE_SNMP_CHECKS)) {
        zsock_destroy (&self.out);
        zsock_destroy (&checks);
        poller_destroy (&self.poller);
        zsock_signal (pipe, 0);
        vd_actor_failed (pipe);
        return;
    }
    char *saved = probe_saved_config (self.probe);
    if (saved) {
        s_load (&self, saved);
        sodium_memzero (saved, strlen (saved));
    }
    free (saved);
    zsock_signal (pipe, 0);
    while (true) {
        zmq_pollitem_t items [] = {
            { zsock_resolve (pipe), 0, ZMQ_POLLIN, 0 },
            { zsock_resolve (checks), 0, ZMQ_POLLIN, 0 },
            { NULL, poller_fd (self.poller), ZMQ_POLLIN, 0 }
        };
        int rc = zmq_poll (items, 3, poller_timeout (self.poller));
        if (rc < 0 && zmq_errno () != EINTR)
            break;
        char *text;
        int input = probe_actor_inputs (items, pipe, checks, &text);
        if (input < 0)
            break;
        if (input > 0) {
            s_load (&self, text);
            vd_secret_free (&text);
        }
        poller_work (self.poller);
    }
    poller_stats_t stats;
    poller_stats (self.poller, &stats);
    zsys_info ("snmp: %" PRIu64 " polls, %" PRIu64 " complete, %" PRIu64 " timed out, %" PRIu64
               " refused, %" PRIu64 " past deadline, %" PRIu64 " bad values, %" PRIu64 " walk errors",
               stats.polls, stats.ok, stats.timeouts, stats.refused, stats.deadlines,
               stats.bad_values, stats.walk_errors);
    poller_destroy (&self.poller);
    zsock_destroy (&self.out);
    zsock_unbind (checks, PROBE_SNMP_CHECKS);
    zsock_destroy (&checks);
}
