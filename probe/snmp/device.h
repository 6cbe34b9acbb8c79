/*  probe/snmp/device.h: what the files of the SNMP poller share.

    A device is one SNMP agent polled by one check: its session, the poll
    in flight, and what it last read (interfaces with their counters,
    storage, neighbours). The files, in the order of a poll:
        session.c   net-snmp set up once, sessions (v3 users shared)
        oids.c      what is read: the scalars and the table columns
        poll.c      a device's conversation: requests, answers, the end
        read.c      answers into the device's tables
        arp.c       the ARP and neighbour tables (IP-MIB)
        report.c    the device's tables into a report (counter.c: rates)
        poller.c    every device: configuration, scheduling, pacing
        actor.c     the snmp actor around the poller                    */
#ifndef PROBE_SNMP_DEVICE_H_INCLUDED
#define PROBE_SNMP_DEVICE_H_INCLUDED

#include "probe.h"
#include "snmp.h"
#include "counter.h"
#include "lldp.h"
#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>

#define FULL_EVERY          10
#define MAX_SCALARS         64
#define MAX_CUSTOM          32
#define MAX_WALK_OID        64
#define MAX_STORAGE         256         //  hrStorage rows kept per device
#define MAX_NEIGHBOURS      1024        //  LLDP and CDP entries kept per device
#define MAX_ARP             20000       //  ARP and neighbour entries kept per device
#define MAX_ROWS            20000       //  per column and poll: no endless tables
#define MAX_REQUESTS        4000        //  per poll
#define WALK_VARBINDS       60          //  columns x repetitions asked per GETBULK

//  -- what is read (oids.c) ---------------------------------------------------

typedef enum {
    S_DESCR, S_OBJECT_ID, S_UPTIME, S_CONTACT, S_NAME, S_LOCATION,
    S_LOAD1, S_LOAD5, S_LOAD15, S_MEM_TOTAL, S_MEM_AVAIL, S_MEM_BUFFER, S_MEM_CACHED,
    S_STANDARD                  //  custom OIDs follow
} scalar_id_t;

typedef struct {
    oid name [12];
    size_t length;
} scalar_oid_t;

extern const scalar_oid_t oids_scalars [S_STANDARD];

typedef enum {
    //  interfaces (a bit each in iface_t.seen: keep these first)
    C_DESCR, C_TYPE, C_MTU, C_SPEED, C_PHYS, C_NAME, C_HIGH_SPEED, C_ALIAS,
    C_ADMIN, C_OPER, C_IN_OCT, C_IN_DISC, C_IN_ERR, C_OUT_OCT, C_OUT_DISC, C_OUT_ERR,
    C_HC_IN, C_HC_OUT,
    //  HOST-RESOURCES-MIB: processors, storage
    C_CPU, C_ST_TYPE, C_ST_DESCR, C_ST_UNITS, C_ST_SIZE, C_ST_USED,
    //  LLDP-MIB: local ports, remote systems, their management addresses
    C_LLDP_LOC_PORT, C_LLDP_LOC_DESC, C_LLDP_CHASSIS_TYPE, C_LLDP_CHASSIS, C_LLDP_PORT_TYPE,
    C_LLDP_PORT, C_LLDP_PORT_DESC, C_LLDP_SYS_NAME, C_LLDP_MAN_ADDR,
    //  CISCO-CDP-MIB cache
    C_CDP_ADDR, C_CDP_DEVICE, C_CDP_PORT, C_CDP_PLATFORM,
    //  IP-MIB: ARP and neighbour tables, the new and the old (arp.c)
    C_ARP_PHYS, C_ARP_TYPE, C_MEDIA_PHYS, C_MEDIA_TYPE,
    C_COLUMNS
} column_id_t;

#define STATIC  1               //  read in full walks only (every FULL_EVERY polls)

typedef struct {
    oid base [14];
    size_t length;
    u_char type;                //  the type the column must have
    int index;                  //  arcs of its index; 0: any number (at least one)
    int flags;
} column_oid_t;

extern const column_oid_t oids_columns [C_COLUMNS];

//  ifAdminStatus and ifOperStatus by value (1 to 7; 0: not one)
extern const char *oids_if_states [8];
//  the report's names of the rates (counter.h's rate_id_t)
extern const char *oids_rate_names [R_COUNT];

//  -- a device ----------------------------------------------------------------

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
    unsigned char chassis_id [64];      //  LLDP's IDs as sent, shown by subtype (lldp.h)
    unsigned char port_id [64];
    size_t chassis_length, port_length;
    int chassis_type, port_type;        //  lldpRemChassisIdSubtype, lldpRemPortIdSubtype
    char chassis [64];
    char port [64];
    char port_descr [96];
    char name [96];
    char address [48];
    char platform [64];
} neighbour_t;

//  An entry of the ARP or neighbour table: an address at a MAC
typedef struct {
    int64_t ifindex;
    char address [48];
    char mac [24];                      //  "" while incomplete
    int type;                           //  2 invalid, 3 dynamic, 4 static, 5 local; 0 unread
} arp_t;

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
    zhashx_t *arp;                      //  "ifindex/address" -> arp_t
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

//  -- between the files -------------------------------------------------------

//  poll.c: a device's tables and session, its poll
void poll_tables_new (device_t *self);
void poll_tables_destroy (device_t *self);
void poll_close (device_t *self);
void poll_clear_values (device_t *self);
//  Logs a device's trouble at most once every five minutes (thousands of
//  devices may be in trouble at once)
void poll_complain (device_t *self, const char *format, ...);
void poll_schedule (device_t *self);
void poll_start (device_t *self);
//  The poll is over: report it, and plan the next (status NULL: as set)
void poll_finish (device_t *self, const char *status);
//  After net-snmp's callback: the next request, or the end
void poll_advance (device_t *self);
//  A walk from the start of every column (full) or of the counters and states
walk_t *poll_walk_new (bool full);

//  read.c: answers into the device's tables; each returns the values taken
int read_scalars (device_t *self, netsnmp_pdu *pdu);
int read_walk (device_t *self, netsnmp_pdu *pdu);
//  A varbind's text (UTF-8 made clean) or number
void read_text (char *out, size_t size, const netsnmp_variable_list *vb);
bool read_number (const netsnmp_variable_list *vb, double *value);

//  arp.c: a cell of the ARP and neighbour tables (index: the arcs after
//  the column), and the entries for a report: [{address, mac, interface}]
void arp_cell (device_t *self, column_id_t column, const oid *index, size_t arcs, const netsnmp_variable_list *vb);
json_t *arp_json (device_t *self);

//  report.c: a finished poll's findings (system, metrics, interfaces with
//  rates, neighbours in a full walk) added to its report
void report_findings (device_t *self, json_t *report);

#endif
