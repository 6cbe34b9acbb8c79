/*  probe/listen.c: the listen actor. Syslog over UDP and TCP (RFC 5424 and
    RFC 3164; on TCP both RFC 6587 framings, octet counting and a newline
    at the end), SNMP traps and informs (trap.c), RADIUS accounting
    (accounting/server.c). Each message becomes an event (JSON) sent to
    the uplink, which spools it like samples; each accounting request a
    report (kind "accounting"), answered once it is spooled.

    Every message is counted exactly once, per protocol:
        received  = passed + limited + bad + queue
    passed: handed to the uplink; limited: its source was over listen/rate;
    bad: not syslog (or, for traps, see trap_stats_t); queue: the uplink's
    queue was full. A source that was limited gets a listen.dropped event
    with the count at once and then at most once a minute, so an operator
    sees floods for what they are.                                                                    */
#include "probe.h"
#include "syslog.h"
#include "trap.h"
#include "accounting/accounting.h"
#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>

#define LISTEN_UDP_BATCH    32              //  datagrams per recvmmsg
#define LISTEN_UDP_TURN     512             //  datagrams per poll turn
#define LISTEN_BUFFER       (SYSLOG_MAX_MESSAGE + 256)
#define LISTEN_MAX_SOURCES  10000
#define LISTEN_DROP_WINDOW  60000           //  ms between listen.dropped events
#define LISTEN_TCP_IDLE     (15 * 60 * 1000)
#define LISTEN_MAX_COUNT    (16 * 1024 * 1024)  //  an octet count beyond: not syslog

typedef enum { PROTO_SYSLOG, PROTO_TRAP, PROTO_COUNT } proto_t;
static const char *s_proto_names [] = { "syslog", "trap" };

//  A sender, for the rate limit (a token bucket) and its drop count
typedef struct {
    char address [INET6_ADDRSTRLEN];
    double tokens;
    int64_t refilled;           //  ms
    int64_t last;               //  ms of the last message
    uint64_t dropped [PROTO_COUNT];     //  in this window
    int64_t window;             //  ms when the first drop of this window came
    int64_t reported;           //  ms of the last listen.dropped (0: none yet)
} source_t;

typedef enum { FRAME_START, FRAME_COUNT, FRAME_OCTETS, FRAME_LINE, FRAME_SKIP } frame_t;

//  A syslog TCP connection
typedef struct {
    int fd;
    char address [INET6_ADDRSTRLEN];
    int64_t last;               //  ms of the last bytes
    frame_t frame;
    size_t count;               //  octets still to come (FRAME_OCTETS)
    char *buf;                  //  the message so far
    size_t have;
    bool truncated;
} conn_t;

typedef struct {
    uint64_t received, passed, limited, bad, queue;
} counts_t;

typedef struct {
    probe_t *probe;
    zsock_t *events;            //  PUSH to uplink
    zsock_t *spooled;           //  PULL from uplink: informs whose events are in the spool
    zsock_t *backup;            //  PUSH to backup: syslog from the devices backed up
    zhashx_t *backed_up;        //  their addresses, from CONFIG
    uint64_t backup_dropped;    //  syslog the backup actor could not take
    int udp;                    //  syslog UDP, -1 if off
    int tcp;                    //  syslog TCP listener, -1 if off
    trap_t *trap;
    radius_server_t *radius;    //  RADIUS accounting, NULL if off
    uint64_t radius_queue;      //  accounting records the uplink could not take
    conn_t **conns;             //  open TCP connections
    int nconns, max_conns;
    zhashx_t *sources;          //  address -> source_t
    double rate, burst;         //  per source; rate 0: no limit
    counts_t counts [PROTO_COUNT];
    uint64_t refused;           //  TCP connections over listen/tcp_clients
    int64_t next_sweep;
    int64_t next_stats;         //  counters to the uplink
    char *udp_bufs;
    struct mmsghdr *msgs;
    struct iovec *iovecs;
    struct sockaddr_storage *addrs;
} listen_t;

//  Hands the uplink a message of a kind ("EVENT", "STATS"); takes json;
//  false if its queue is full
static bool
s_send (listen_t *self, const char *kind, json_t *json)
{
    char *text = json? json_dumps (json, JSON_COMPACT): NULL;
    json_decref (json);
    bool sent = text && zstr_sendx (self->events, kind, text, NULL) == 0;
    free (text);
    return sent;
}

//  An event for the uplink to spool; takes data. An inform's event carries
//  its number in a third frame: the uplink gives it back once spooled.
static bool
s_emit (listen_t *self, const char *topic, const char *address, json_t *data, uint64_t inform)
{
    json_t *event = json_pack ("{s:s, s:I, s:s, s:o}", "topic", topic,
                               "ts_us", (json_int_t) vd_now_us (), "address", address, "data", data);
    if (!inform)
        return s_send (self, "EVENT", event);
    char *text = json_dumps (event, JSON_COMPACT);
    json_decref (event);
    char number [24];
    snprintf (number, sizeof number, "%" PRIu64, inform);
    bool sent = text && zstr_sendx (self->events, "EVENT", text, number, NULL) == 0;
    free (text);
    return sent;
}

//  Informs and accounting requests ("r" and their number) whose events
//  and reports the uplink has spooled: answered now; those it could not
//  spool ("-" first): accounting requests forgotten, so that the NAS's
//  retransmit is taken as new (an inform is simply not answered)
static void
s_spooled (listen_t *self)
{
    zmsg_t *msg = zmsg_recv (self->spooled);
    for (char *number = msg? zmsg_popstr (msg): NULL; number; number = zmsg_popstr (msg)) {
        bool kept = *number != '-';
        const char *tag = number + !kept;
        if (*tag == 'r' && self->radius)
            radius_server_answer (self->radius, strtoull (tag + 1, NULL, 10), kept);
        else
        if (*tag != 'r' && self->trap && kept)
            trap_answer (self->trap, strtoull (tag, NULL, 10));
        free (number);
    }
    zmsg_destroy (&msg);
}

//  A message that passed becomes an event
static void
s_pass (listen_t *self, proto_t proto, const char *topic, const char *address, json_t *data,
        uint64_t inform)
{
    if (s_emit (self, topic, address, data, inform))
        self->counts [proto].passed++;
    else
        self->counts [proto].queue++;
}

//  The token bucket of a source: true if this message may pass
static bool
s_admit (listen_t *self, proto_t proto, const char *address)
{
    int64_t now = vd_mono_ms ();
    source_t *source = (source_t *) zhashx_lookup (self->sources, address);
    if (!source) {
        //  beyond the table, the sources share one bucket, "*"
        if (zhashx_size (self->sources) >= LISTEN_MAX_SOURCES)
            source = (source_t *) zhashx_lookup (self->sources, "*");
        if (!source) {
            source = (source_t *) zmalloc (sizeof (source_t));
            snprintf (source->address, sizeof source->address, "%s",
                      zhashx_size (self->sources) >= LISTEN_MAX_SOURCES? "*": address);
            source->tokens = self->burst;
            source->refilled = now;
            zhashx_insert (self->sources, source->address, source);
        }
    }
    source->last = now;
    if (self->rate <= 0)
        return true;
    source->tokens += (double) (now - source->refilled) * self->rate / 1000.0;
    if (source->tokens > self->burst)
        source->tokens = self->burst;
    source->refilled = now;
    if (source->tokens >= 1) {
        source->tokens -= 1;
        return true;
    }
    if (source->dropped [PROTO_SYSLOG] + source->dropped [PROTO_TRAP] == 0)
        source->window = now;
    source->dropped [proto]++;
    self->counts [proto].limited++;
    return false;
}

//  listen.dropped events for sources limited in the last window; forgets
//  sources silent for long when the table is large
static void
s_sweep (listen_t *self)
{
    int64_t now = vd_mono_ms ();
    zlistx_t *stale = zlistx_new ();
    for (source_t *source = (source_t *) zhashx_first (self->sources); source;
         source = (source_t *) zhashx_next (self->sources)) {
        for (int proto = 0; proto < PROTO_COUNT; proto++)
            if (source->dropped [proto] && (!source->reported || now - source->reported >= LISTEN_DROP_WINDOW)) {
                json_t *data = json_pack ("{s:s, s:I, s:I, s:f}", "protocol", s_proto_names [proto],
                    "dropped", (json_int_t) source->dropped [proto],
                    "window_s", (json_int_t) ((now - source->window) / 1000), "rate", self->rate);
                char message [200];
                snprintf (message, sizeof message, "%" PRIu64 " %s messages over the rate limit (%.0f/s) dropped in %lld s",
                          source->dropped [proto], s_proto_names [proto], self->rate,
                          (long long) ((now - source->window) / 1000));
                json_object_set_new (data, "message", json_string (message));
                zsys_warning ("listen: %s: %s", source->address, message);
                if (streq (source->address, "*"))
                    json_decref (data);     //  the sources beyond the table: logged only
                else
                if (!s_emit (self, "listen.dropped", source->address, data, 0))
                    zsys_warning ("listen: the uplink's queue is full; the report above is not sent");
                source->dropped [proto] = 0;
                source->reported = now;
                source->window = now;
            }
        if (zhashx_size (self->sources) > LISTEN_MAX_SOURCES / 2 && now - source->last > 600000
        &&  source->dropped [PROTO_SYSLOG] + source->dropped [PROTO_TRAP] == 0)
            zlistx_add_end (stale, source->address);
    }
    for (char *address = (char *) zlistx_first (stale); address; address = (char *) zlistx_next (stale))
        zhashx_delete (self->sources, address);
    zlistx_destroy (&stale);
    self->next_sweep = now + 1000;
}

//  One syslog message from address (untrusted bytes)
static void
s_syslog (listen_t *self, const char *address, const char *data, size_t size,
          bool truncated, const char *transport)
{
    counts_t *counts = &self->counts [PROTO_SYSLOG];
    counts->received++;
    if (!s_admit (self, PROTO_SYSLOG, address))
        return;
    syslog_msg_t msg;
    if (syslog_parse (data, size, vd_now_us (), &msg)) {
        counts->bad++;
        return;
    }
    json_t *json = json_pack ("{s:i, s:s, s:i, s:s, s:s, s:s, s:s, s:s, s:s}",
        "facility", msg.facility, "severity", syslog_severity_name (msg.severity),
        "version", msg.version, "host", msg.host, "app", msg.app, "procid", msg.procid,
        "msgid", msg.msgid, "message", msg.message, "transport", transport);
    if (msg.ts_us)
        json_object_set_new (json, "sent_us", json_integer (msg.ts_us));
    if (msg.truncated || truncated)
        json_object_set_new (json, "truncated", json_true ());
    //  a backed-up device's syslog may announce a configuration change
    if (zhashx_lookup (self->backed_up, address)
    &&  zstr_sendx (self->backup, address, "syslog", msg.message, NULL))
        self->backup_dropped++;
    syslog_msg_free (&msg);
    if (!json) {
        counts->bad++;
        return;
    }
    s_pass (self, PROTO_SYSLOG, "syslog", address, json, 0);
}

static void
s_udp_read (listen_t *self)
{
    for (int turn = 0; turn < LISTEN_UDP_TURN; turn += LISTEN_UDP_BATCH) {
        for (int i = 0; i < LISTEN_UDP_BATCH; i++) {
            self->iovecs [i].iov_base = self->udp_bufs + (size_t) i * LISTEN_BUFFER;
            self->iovecs [i].iov_len = LISTEN_BUFFER;
            memset (&self->msgs [i].msg_hdr, 0, sizeof (struct msghdr));
            self->msgs [i].msg_hdr.msg_iov = &self->iovecs [i];
            self->msgs [i].msg_hdr.msg_iovlen = 1;
            self->msgs [i].msg_hdr.msg_name = &self->addrs [i];
            self->msgs [i].msg_hdr.msg_namelen = sizeof (struct sockaddr_storage);
        }
        int count = recvmmsg (self->udp, self->msgs, LISTEN_UDP_BATCH, MSG_DONTWAIT, NULL);
        if (count <= 0)
            return;
        for (int i = 0; i < count; i++) {
            char address [INET6_ADDRSTRLEN];
            vd_sockaddr_text ((struct sockaddr *) &self->addrs [i], address);
            s_syslog (self, address, (char *) self->iovecs [i].iov_base, self->msgs [i].msg_len,
                      (self->msgs [i].msg_hdr.msg_flags & MSG_TRUNC) != 0, "udp");
        }
        if (count < LISTEN_UDP_BATCH)
            return;
    }
}

static void
s_conn_destroy (conn_t **conn_p)
{
    conn_t *conn = *conn_p;
    if (conn) {
        close (conn->fd);
        free (conn->buf);
        free (conn);
        *conn_p = NULL;
    }
}

static void
s_source_destroy (void **item)
{
    free (*item);
    *item = NULL;
}

static void
s_accept (listen_t *self)
{
    struct sockaddr_storage from;
    socklen_t length = sizeof from;
    int fd = accept4 (self->tcp, (struct sockaddr *) &from, &length, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0)
        return;
    if (self->nconns >= self->max_conns) {
        self->refused++;
        close (fd);
        return;
    }
    conn_t *conn = (conn_t *) zmalloc (sizeof (conn_t));
    conn->fd = fd;
    conn->buf = (char *) malloc (LISTEN_BUFFER);
    conn->last = vd_mono_ms ();
    vd_sockaddr_text ((struct sockaddr *) &from, conn->address);
    self->conns [self->nconns++] = conn;
}

static void
s_frame_end (listen_t *self, conn_t *conn)
{
    s_syslog (self, conn->address, conn->buf, conn->have, conn->truncated, "tcp");
    conn->have = 0;
    conn->truncated = false;
    conn->frame = FRAME_START;
}

static void
s_keep (conn_t *conn, const char *data, size_t size)
{
    size_t room = SYSLOG_MAX_MESSAGE + 1 - conn->have;
    if (size > room) {
        size = room;
        conn->truncated = true;
    }
    memcpy (conn->buf + conn->have, data, size);
    conn->have += size;
}

//  RFC 6587 framing of what a TCP connection sent; false: close it
static bool
s_frames (listen_t *self, conn_t *conn, const char *p, size_t n)
{
    while (n) {
        if (conn->frame == FRAME_START) {
            if (*p == '\n' || *p == '\r' || *p == 0 || *p == ' ') {
                p++, n--;
                continue;
            }
            conn->frame = isdigit ((unsigned char) *p)? FRAME_COUNT: FRAME_LINE;
            conn->count = 0;
        }
        if (conn->frame == FRAME_COUNT) {
            if (isdigit ((unsigned char) *p)) {
                conn->count = conn->count * 10 + (size_t) (*p - '0');
                if (conn->count > LISTEN_MAX_COUNT)
                    return false;
            }
            else
            if (*p == ' ')
                conn->frame = conn->count? FRAME_OCTETS: FRAME_START;
            else
                return false;   //  neither framing: not a syslog sender
            p++, n--;
            continue;
        }
        if (conn->frame == FRAME_OCTETS) {
            size_t take = n < conn->count? n: conn->count;
            s_keep (conn, p, take);
            conn->count -= take;
            p += take, n -= take;
            if (conn->count == 0)
                s_frame_end (self, conn);
            continue;
        }
        //  FRAME_LINE: up to a newline (or NUL, which some senders use)
        size_t take = 0;
        while (take < n && p [take] != '\n' && p [take] != 0)
            take++;
        s_keep (conn, p, take);
        p += take, n -= take;
        if (n) {
            p++, n--;
            s_frame_end (self, conn);
        }
    }
    return true;
}

//  Reads what a connection sent; false when it is done
static bool
s_conn_read (listen_t *self, conn_t *conn)
{
    char data [16384];
    for (int turn = 0; turn < 16; turn++) {
        ssize_t size = recv (conn->fd, data, sizeof data, MSG_DONTWAIT);
        if (size < 0)
            return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR;
        if (size == 0) {
            //  a last line without its newline is still a message
            if (conn->frame == FRAME_LINE && conn->have)
                s_frame_end (self, conn);
            return false;
        }
        conn->last = vd_mono_ms ();
        if (!s_frames (self, conn, data, (size_t) size)) {
            self->counts [PROTO_SYSLOG].received++;
            self->counts [PROTO_SYSLOG].bad++;
            zsys_warning ("listen: syslog from %s: neither octet counting nor newline framing; closed",
                          conn->address);
            return false;
        }
    }
    return true;
}

//  trap.c's hooks
static bool
s_trap_admit (void *arg, const struct sockaddr *from)
{
    listen_t *self = (listen_t *) arg;
    char address [INET6_ADDRSTRLEN];
    vd_sockaddr_text (from, address);
    return s_admit (self, PROTO_TRAP, address);
}

static void
s_trap_emit (void *arg, const struct sockaddr *from, json_t *data, uint64_t inform)
{
    listen_t *self = (listen_t *) arg;
    char address [INET6_ADDRSTRLEN];
    vd_sockaddr_text (from, address);
    //  a backed-up device's trap may announce a configuration change
    if (zhashx_lookup (self->backed_up, address)) {
        char *varbinds = json_dumps (json_object_get (data, "varbinds"), JSON_COMPACT);
        const char *oid = json_string_value (json_object_get (data, "oid"));
        if (zstr_sendx (self->backup, address, "trap", oid? oid: "", varbinds? varbinds: "[]", NULL))
            self->backup_dropped++;
        free (varbinds);
    }
    s_pass (self, PROTO_TRAP, "trap", address, data, inform);
}

//  accounting/server.c's hook: a request's record, a report for the uplink to spool, with the number
//  it gives back once spooled; false if the uplink's queue is full
static bool
s_radius_emit (void *arg, json_t *record, uint64_t number)
{
    listen_t *self = (listen_t *) arg;
    json_object_set_new (record, "kind", json_string ("accounting"));
    json_object_set_new (record, "ts_us", json_integer (vd_now_us ()));
    char *text = json_dumps (record, JSON_COMPACT);
    json_decref (record);
    char tag [24];
    snprintf (tag, sizeof tag, "r%" PRIu64, number);
    bool sent = text && zstr_sendx (self->events, "REPORT", text, tag, NULL) == 0;
    self->radius_queue += !sent;
    free (text);
    return sent;
}

//  The trap credentials and the NASes of a CONFIG (text, which the caller
//  wipes), and the addresses of the devices backed up
static void
s_configure (listen_t *self, const char *text)
{
    json_t *config = text? json_loads (text, 0, NULL): NULL;
    if (self->trap && config)
        trap_configure (self->trap, config);
    if (self->radius && config)
        radius_server_configure (self->radius, config);
    json_t *backups = json_object_get (config, "backups");
    if (json_is_array (backups)) {
        zhashx_purge (self->backed_up);
        size_t index;
        json_t *backup;
        json_array_foreach (backups, index, backup) {
            const char *address = json_string_value (json_object_get (backup, "address"));
            if (address)
                zhashx_update (self->backed_up, address, (void *) "");
        }
    }
    vd_json_wipe (config);
    vd_config_t *cfg = self->probe->config;
    if (self->trap && !trap_accepts_any (self->trap) && !*vd_config_str (cfg, "listen/trap_community")
    &&  !*vd_config_str (cfg, "listen/trap_users"))
        zsys_warning ("listen: no trap credentials (vedette trap add, or listen/trap_community "
                      "and listen/trap_users in probe.cfg): every trap is refused");
}

static void
s_setup (listen_t *self)
{
    vd_config_t *config = self->probe->config;
    self->udp = self->tcp = -1;
    self->rate = (double) vd_config_int (config, "listen/rate");
    self->burst = (double) vd_config_int (config, "listen/burst");
    if (self->burst < self->rate)
        self->burst = self->rate;
    self->max_conns = (int) vd_config_int (config, "listen/tcp_clients");
    int rcvbuf = (int) vd_config_int (config, "listen/rcvbuf");
    const char *endpoint = vd_config_str (config, "listen/syslog_udp");
    if (*endpoint) {
        self->udp = vd_socket_bind (endpoint, SOCK_DGRAM, rcvbuf);
        if (self->udp < 0)
            zsys_error ("listen: cannot receive syslog on udp %s: %s", endpoint, strerror (errno));
        else
            zsys_info ("listen: syslog on udp %s", endpoint);
    }
    endpoint = vd_config_str (config, "listen/syslog_tcp");
    if (*endpoint) {
        self->tcp = vd_socket_bind (endpoint, SOCK_STREAM, 0);
        if (self->tcp < 0)
            zsys_error ("listen: cannot receive syslog on tcp %s: %s", endpoint, strerror (errno));
        else
            zsys_info ("listen: syslog on tcp %s", endpoint);
    }
    endpoint = vd_config_str (config, "listen/trap");
    if (*endpoint) {
        char *error = NULL;
        if (trap_init (self->probe->dir, vd_config_str (config, "listen/trap_users"), &error) == 0)
            self->trap = trap_new (endpoint, vd_config_str (config, "listen/trap_community"),
                                   s_trap_admit, s_trap_emit, self, &error);
        if (!self->trap) {
            zsys_error ("listen: traps: %s", error);
            free (error);
        }
        else {
            zsys_info ("listen: traps on %s", endpoint);
            char *saved = probe_saved_config (self->probe);
            s_configure (self, saved);
            vd_secret_free (&saved);
        }
    }
    endpoint = vd_config_str (config, "listen/radius");
    if (*endpoint) {
        char *error = NULL;
        self->radius = radius_server_new (endpoint, rcvbuf, s_radius_emit, self, &error);
        if (!self->radius) {
            zsys_error ("listen: RADIUS accounting: %s", error);
            free (error);
        }
        else {
            zsys_info ("listen: RADIUS accounting on udp %s", endpoint);
            char *saved = probe_saved_config (self->probe);
            s_configure (self, saved);
            vd_secret_free (&saved);
        }
    }
    if (self->max_conns < 1)
        self->max_conns = 1;
    self->conns = (conn_t **) calloc ((size_t) self->max_conns, sizeof (conn_t *));
    self->sources = zhashx_new ();
    zhashx_set_destructor (self->sources, s_source_destroy);
    self->udp_bufs = (char *) malloc ((size_t) LISTEN_UDP_BATCH * LISTEN_BUFFER);
    self->msgs = (struct mmsghdr *) calloc (LISTEN_UDP_BATCH, sizeof (struct mmsghdr));
    self->iovecs = (struct iovec *) calloc (LISTEN_UDP_BATCH, sizeof (struct iovec));
    self->addrs = (struct sockaddr_storage *) calloc (LISTEN_UDP_BATCH, sizeof (struct sockaddr_storage));
    self->next_sweep = vd_mono_ms () + 1000;
}

//  The counters, for the uplink's PING (and so for probe.list)
static void
s_stats (listen_t *self)
{
    trap_stats_t traps = { 0 };
    if (self->trap)
        trap_stats (self->trap, &traps);
    counts_t *s = &self->counts [PROTO_SYSLOG];
    counts_t *t = &self->counts [PROTO_TRAP];
    json_t *stats = json_pack ("{s:{s:I, s:I, s:I, s:I, s:I, s:I}, s:{s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I}}",
        "syslog", "received", (json_int_t) s->received, "passed", (json_int_t) s->passed,
        "limited", (json_int_t) s->limited, "bad", (json_int_t) s->bad, "queue", (json_int_t) s->queue,
        "refused", (json_int_t) self->refused,
        "trap", "received", (json_int_t) traps.received, "passed", (json_int_t) t->passed,
        "limited", (json_int_t) traps.limited, "bad_community", (json_int_t) traps.bad_community,
        "bad_auth", (json_int_t) traps.bad_auth, "malformed", (json_int_t) traps.malformed,
        "discovery", (json_int_t) traps.discovery, "queue", (json_int_t) t->queue,
        "informs", (json_int_t) traps.informs);
    if (self->radius) {
        radius_stats_t r;
        radius_server_stats (self->radius, &r);
        json_object_set_new (stats, "radius", json_pack ("{s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:o}",
            "received", (json_int_t) r.received, "accepted", (json_int_t) r.accepted,
            "answered", (json_int_t) r.answered, "duplicates", (json_int_t) r.duplicates,
            "unanswered", (json_int_t) r.unanswered,
            "unknown_nas", (json_int_t) r.unknown_nas, "bad_authenticator", (json_int_t) r.bad_authenticator,
            "malformed", (json_int_t) r.malformed, "queue", (json_int_t) (r.queue + self->radius_queue),
            "nas", radius_server_nas_stats (self->radius)));
    }
    s_send (self, "STATS", stats);
    self->next_stats = vd_mono_ms () + 5000;
}

static void
s_report (listen_t *self, const char *when)
{
    trap_stats_t traps = { 0 };
    if (self->trap)
        trap_stats (self->trap, &traps);
    counts_t *s = &self->counts [PROTO_SYSLOG];
    counts_t *t = &self->counts [PROTO_TRAP];
    zsys_notice ("listen: %s; syslog: %" PRIu64 " received, %" PRIu64 " passed, %" PRIu64 " limited, %" PRIu64
                 " bad, %" PRIu64 " queue full, %" PRIu64 " connections refused; traps: %" PRIu64 " received, %"
                 PRIu64 " passed, %" PRIu64 " limited, %" PRIu64 " bad community, %" PRIu64 " bad auth, %"
                 PRIu64 " malformed, %" PRIu64 " discovery, %" PRIu64 " queue full, %" PRIu64 " informs answered",
                 when, s->received, s->passed, s->limited, s->bad, s->queue, self->refused,
                 traps.received, t->passed, traps.limited, traps.bad_community, traps.bad_auth,
                 traps.malformed, traps.discovery, t->queue, traps.informs);
}

void
listen_actor (zsock_t *pipe, void *args)
{
    listen_t self;
    memset (&self, 0, sizeof self);
    self.probe = (probe_t *) args;
    self.events = zsock_new (ZMQ_PUSH);
    zsock_set_sndhwm (self.events, 10000);
    zsock_set_sndtimeo (self.events, 0);
    //  what was sent before a stop still reaches the uplink, which drains it
    zsock_set_linger (self.events, 5000);
    zsock_connect (self.events, PROBE_EVENTS);
    self.spooled = zsock_new (ZMQ_PULL);
    zsock_bind (self.spooled, PROBE_SPOOLED);
    zsock_t *checks = zsock_new (ZMQ_PULL);
    zsock_bind (checks, PROBE_LISTEN_CONFIG);
    self.backup = zsock_new (ZMQ_PUSH);
    zsock_set_sndhwm (self.backup, 1000);
    zsock_set_sndtimeo (self.backup, 0);
    zsock_connect (self.backup, PROBE_BACKUP_HEARD);
    self.backed_up = zhashx_new ();
    s_setup (&self);
    zsock_signal (pipe, 0);
    while (true) {
        int fixed = 0;
        zmq_pollitem_t *items = (zmq_pollitem_t *) calloc (7 + (size_t) self.nconns, sizeof (zmq_pollitem_t));
        items [fixed++] = (zmq_pollitem_t) { zsock_resolve (pipe), 0, ZMQ_POLLIN, 0 };
        items [fixed++] = (zmq_pollitem_t) { NULL, self.udp, self.udp >= 0? ZMQ_POLLIN: 0, 0 };
        items [fixed++] = (zmq_pollitem_t) { NULL, self.tcp, self.tcp >= 0? ZMQ_POLLIN: 0, 0 };
        items [fixed++] = (zmq_pollitem_t) { NULL, self.trap? trap_fd (self.trap): -1,
                                             self.trap? ZMQ_POLLIN: 0, 0 };
        items [fixed++] = (zmq_pollitem_t) { zsock_resolve (self.spooled), 0, ZMQ_POLLIN, 0 };
        items [fixed++] = (zmq_pollitem_t) { zsock_resolve (checks), 0, ZMQ_POLLIN, 0 };
        items [fixed++] = (zmq_pollitem_t) { NULL, self.radius? radius_server_fd (self.radius): -1,
                                             self.radius? ZMQ_POLLIN: 0, 0 };
        int n = fixed;
        for (int i = 0; i < self.nconns; i++)
            items [n++] = (zmq_pollitem_t) { NULL, self.conns [i]->fd, ZMQ_POLLIN, 0 };
        int64_t wait = self.next_sweep - vd_mono_ms ();
        int rc = zmq_poll (items, n, wait < 0? 0: wait);
        if (rc < 0 && zmq_errno () != EINTR) {
            free (items);
            break;
        }
        if (items [0].revents & ZMQ_POLLIN) {
            bool term;
            char *command = vd_actor_command (pipe, &term);
            free (command);
            if (term) {
                free (items);
                break;
            }
        }
        if (items [1].revents & ZMQ_POLLIN)
            s_udp_read (&self);
        if (items [4].revents & ZMQ_POLLIN)
            for (int i = 0; i < 100 && (zsock_events (self.spooled) & ZMQ_POLLIN); i++)
                s_spooled (&self);
        if (items [5].revents & ZMQ_POLLIN) {
            char *text = zstr_recv (checks);
            s_configure (&self, text);
            vd_secret_free (&text);
        }
        if (items [6].revents & ZMQ_POLLIN)
            radius_server_read (self.radius);
        if (items [3].revents & ZMQ_POLLIN)
            for (int i = 0; i < 64; i++) {
                trap_read (self.trap);
                struct pollfd more = { trap_fd (self.trap), POLLIN, 0 };
                if (poll (&more, 1, 0) != 1)
                    break;
            }
        //  connections: read what came, close what ended (in poll order)
        int64_t now = vd_mono_ms ();
        int kept = 0;
        for (int i = 0; i < self.nconns; i++) {
            conn_t *conn = self.conns [i];
            bool keep = true;
            if (items [fixed + i].revents & (ZMQ_POLLIN | ZMQ_POLLERR))
                keep = s_conn_read (&self, conn);
            if (keep && now - conn->last > LISTEN_TCP_IDLE)
                keep = false;
            if (keep)
                self.conns [kept++] = conn;
            else
                s_conn_destroy (&conn);
        }
        self.nconns = kept;
        if (items [2].revents & ZMQ_POLLIN)
            s_accept (&self);
        free (items);
        if (vd_mono_ms () >= self.next_sweep)
            s_sweep (&self);
        if (vd_mono_ms () >= self.next_stats)
            s_stats (&self);
    }
    s_stats (&self);
    s_report (&self, "stopped");
    for (int i = 0; i < self.nconns; i++)
        s_conn_destroy (&self.conns [i]);
    free (self.conns);
    zhashx_destroy (&self.sources);
    if (self.udp >= 0)
        close (self.udp);
    if (self.tcp >= 0)
        close (self.tcp);
    trap_destroy (&self.trap);
    radius_server_destroy (&self.radius);
    free (self.udp_bufs);
    free (self.msgs);
    free (self.iovecs);
    free (self.addrs);
    zsock_destroy (&self.events);
    zsock_destroy (&self.backup);
    zhashx_destroy (&self.backed_up);
    if (self.backup_dropped)
        zsys_notice ("listen: %" PRIu64 " syslog messages of backed-up devices not looked at for "
                     "configuration changes (the backup actor was behind)", self.backup_dropped);
    vd_sock_close (&self.spooled, PROBE_SPOOLED);
    vd_sock_close (&checks, PROBE_LISTEN_CONFIG);
}
