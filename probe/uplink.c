/*  probe/uplink.c: the uplink actor. A DEALER (CURVE client, this probe's
    own key) to meshd, and the spool.

    Samples from the icmp actor are gathered into a batch (a second at
    most: what a kill -9 of the probe can lose); each batch is
    appended to the spool (and so on disk) before it is sent, as a DATA
    message with the batch's sequence number. Events from the listen actor
    (syslog, traps) go the same way as EVENTS messages, a JSON array each,
    in the same sequence, and so do the SNMP actor's poll reports, as REPORTS
    messages. meshd acknowledges the highest
    sequence number it has committed; only then does the spool let go.

    Link states, each with a deadline:
        idle   --(backoff over)-->       hello  (HELLO sent)
        hello  --(WELCOME)-->            ready  (resend from meshd's last_seq)
        hello  --(no answer in 15 s, but a TCP connection was made; or
                  the connection made and lost)-->
                                         idle   (backoff: 1 s doubling to
                                                 32 s, +0-25% jitter)
        ready  --(silent for lost_ms, or the connection lost)--> idle
    Two kinds of retry: while no TCP connection can be made (the link is
    down, meshd is not running), libzmq tries again every 250 ms growing to
    4 s, with the HELLO waiting in its queue; that costs meshd nothing and
    finds it within 4 s of its return. A connection made and no WELCOME
    (meshd refuses this key, or is too busy to answer) costs meshd a CURVE
    handshake each time: those retries back off to 32 s, with jitter, so
    that probes refused together do not come back together.
    In ready: never more than `credit` DATA messages unacknowledged; if an
    acknowledgement is due for 10 s, go back and resend from the last one,
    and a second after a NACK (meshd could not commit them).
    If meshd is behind what it acknowledged (its database was restored from
    a backup), those messages are gone from the spool: the next message
    declares the gap (its "from"), meshd counts it and goes on.

    The clock: each PING carries this probe's time (sent_us); PONG brings it
    back with meshd's times of receipt and reply, four timestamps from which
    the offset of this probe's clock is worked out as NTP does. The next
    PING reports the best of the last few to meshd. The first PING goes
    right after WELCOME (HELLO's round trip holds the CURVE handshake, all
    of it on the way out, and would bend the offset).                       */
#include "probe.h"

#define BATCH_MAX_SAMPLES   2048
#define BATCH_MAX_AGE_MS    1000        //  what a kill -9 can lose: samples not yet spooled
#define HELLO_TIMEOUT_MS    VD_WIRE_HANDSHAKE_IVL   //  meshd's own limit on a handshake
#define RECONNECT_MIN_MS    250         //  libzmq's TCP retries, while nothing answers
#define RECONNECT_MAX_MS    4000
#define BACKOFF_MIN_MS      1000        //  after a connection with no WELCOME
#define BACKOFF_MAX_MS      32000
#define RESEND_AFTER_MS     10000
#define RETRY_AFTER_MS      1000        //  after a NACK: meshd could not commit
#define EVENTS_MAX_COUNT    1000
#define EVENTS_MAX_BYTES    (1024 * 1024)
#define EVENTS_MAX_AGE_MS   200

typedef enum { UPLINK_IDLE, UPLINK_HELLO, UPLINK_READY } uplink_state_t;

//  JSON texts gathered into one array, spooled as one message
typedef struct {
    const char *command;        //  EVENTS, REPORTS
    const char *what;           //  for the log
    char *buffer;               //  "[item,item" not yet in the spool
    size_t size;
    int count;
    int64_t started;
    uint64_t spooled;           //  items taken into the spool
    uint64_t dropped;           //  items dropped: spool full
    zmsg_t *informs;            //  the informs among the items: answered once spooled
} json_batch_t;
static const char *s_state_names [] = { "idle", "hello", "ready" };

typedef struct {
    probe_t *probe;
    char endpoint [256];
    char server_key [41];
    char name [64];
    zcert_t *cert;              //  this probe's own keypair
    zsock_t *dealer;            //  NULL while idle
    zsock_t *monitor;           //  the dealer's connections made and lost
    bool reached;               //  this dealer made a TCP connection
    uint64_t dealers;           //  made so far: each monitor's name
    zsock_t *samples;           //  PULL from icmp
    zsock_t *config_out [PROBE_CONFIG_READERS];    //  PUSH to the actors that take CONFIG
    zsock_t *live_out;          //  PUSH to backup: LIVE requests from meshd
    zsock_t *events;            //  PULL from listen, snmp, service, discover
    zsock_t *answers;           //  PUSH to listen: informs whose events are spooled ("-" and
                                //  the number: not spooled)
    vd_spool_t *spool;
    uplink_state_t state;
    int64_t deadline;           //  hello: give up at
    int64_t next_attempt;       //  idle: connect at
    int64_t backoff;
    int64_t heard;              //  last message from meshd
    int64_t next_ping;
    int64_t next_expiry;        //  when to look for messages past spool/max_age
    uint64_t evicted;           //  the spool's drops, as last logged
    vd_complaint_t drop_complaint;
    int64_t heartbeat;          //  from WELCOME
    int64_t ping_sent;          //  wall clock us of the last PING
    vd_clock_t clock;           //  this probe's clock against meshd's
    int64_t lost;               //  from WELCOME
    int credit;                 //  from WELCOME
    uint64_t sent;              //  highest sequence number sent
    uint64_t rewound_at;        //  last resync we obeyed
    uint64_t declare_from;      //  meshd lost from here (0: it lost nothing)
    int64_t waiting_since;      //  when the oldest unacknowledged send went out
    byte *batch;                //  samples not yet in the spool
    size_t batch_size;
    int64_t batch_started;
    json_batch_t event_batch;   //  from the listen actor, spooled as EVENTS
    json_batch_t report_batch;    //  from the snmp actor, spooled as REPORTS
    json_t *listen;             //  the listen actor's latest counters
    json_t *drops;              //  other actors' drop counts ({"icmp": N}), for the next PING
    bool complained;            //  connection trouble logged, until it recovers
    uint64_t spooled;           //  samples taken into the spool
    uint64_t dropped;           //  samples dropped: spool full
    uint64_t bad;               //  malformed messages from meshd
    uint64_t nacks;             //  times meshd could not store what was unacknowledged
    uint64_t attempts;          //  connections made that brought no WELCOME
} uplink_t;

static void
s_disconnect (uplink_t *self, int64_t retry_in)
{
    if (self->dealer)
        zmq_socket_monitor (zsock_resolve (self->dealer), NULL, 0);
    zsock_destroy (&self->monitor);
    zsock_destroy (&self->dealer);
    self->state = UPLINK_IDLE;
    self->next_attempt = vd_mono_ms () + retry_in;
}

//  The next wait after a connection that brought no WELCOME: the backoff
//  and up to a quarter more (jitter: never sooner, so at the cap no more
//  than an attempt in 32 s); the backoff doubles, up to its cap
static int64_t
s_backoff (uplink_t *self)
{
    int64_t wait = self->backoff * (100 + (int64_t) randombytes_uniform (26)) / 100;
    self->backoff = self->backoff * 2 > BACKOFF_MAX_MS? BACKOFF_MAX_MS: self->backoff * 2;
    return wait;
}

//  The dealer's TCP connections, from its monitor. One made: in hello, the
//  handshake and WELCOME get their HELLO_TIMEOUT_MS from now. Lost, and not
//  made again by the last event (the monitor is read late: libzmq may have
//  reconnected already), before WELCOME (reset as soon as made, refused by
//  ZAP): an attempt that failed, so the backoff, not libzmq's
//  quarter-second retries; when ready: the link gone, a new HELLO a second
//  later
static void
s_link_event (uplink_t *self)
{
    zmsg_t *msg;
    bool lost = false;
    while (self->monitor && (zsock_events (self->monitor) & ZMQ_POLLIN)
       && (msg = zmsg_recv (self->monitor))) {
        zframe_t *frame = zmsg_first (msg);
        uint16_t event = 0;
        if (frame && zframe_size (frame) >= sizeof event)
            memcpy (&event, zframe_data (frame), sizeof event);
        zmsg_destroy (&msg);
        if (event == ZMQ_EVENT_CONNECTED) {
            lost = false;
            self->reached = true;
            if (self->state == UPLINK_HELLO)
                self->deadline = vd_mono_ms () + HELLO_TIMEOUT_MS;
        }
        else
        if (event == ZMQ_EVENT_DISCONNECTED)
            lost = true;
    }
    if (lost && self->state == UPLINK_HELLO) {
        if (!self->complained)
            zsys_warning ("uplink: no answer from %s (the connection was closed: refused?); retrying",
                          self->endpoint);
        self->complained = true;
        self->attempts++;
        s_disconnect (self, s_backoff (self));
    }
    else
    if (lost && self->state == UPLINK_READY) {
        zsys_warning ("uplink: the connection to %s was lost; reconnecting", self->endpoint);
        s_disconnect (self, BACKOFF_MIN_MS);
    }
}

static void
s_connect (uplink_t *self)
{
    self->dealer = zsock_new (ZMQ_DEALER);
    assert (self->dealer);
    zcert_apply (self->cert, self->dealer);
    zsock_set_curve_serverkey (self->dealer, self->server_key);
    zsock_set_maxmsgsize (self->dealer, VD_WIRE_MAX_MESSAGE);
    zsock_set_sndhwm (self->dealer, 1000);
    zsock_set_rcvhwm (self->dealer, 1000);
    zsock_set_sndtimeo (self->dealer, 0);
    zsock_set_linger (self->dealer, 0);
    //  the HELLO deadline ends a handshake that hangs; libzmq's own timer,
    //  later, never races it into a reconnection of its own
    zsock_set_handshake_ivl (self->dealer, 2 * HELLO_TIMEOUT_MS);
    zsock_set_heartbeat_ivl (self->dealer, VD_WIRE_HEARTBEAT_IVL);
    zsock_set_heartbeat_timeout (self->dealer, VD_WIRE_HEARTBEAT_TIMEOUT);
    zsock_set_reconnect_ivl (self->dealer, RECONNECT_MIN_MS);
    zsock_set_reconnect_ivl_max (self->dealer, RECONNECT_MAX_MS);
    zsock_set_connect_timeout (self->dealer, RECONNECT_MAX_MS);     //  a SYN into a black hole
    char monitor [96];
    snprintf (monitor, sizeof monitor, "inproc://uplink-monitor-%p-%" PRIu64, (void *) self,
              ++self->dealers);    //  a closed monitor's name may still be taken
    self->reached = false;
    self->monitor = zsock_new (ZMQ_PAIR);
    if (!self->monitor
    ||  zmq_socket_monitor (zsock_resolve (self->dealer), monitor, ZMQ_EVENT_CONNECTED | ZMQ_EVENT_DISCONNECTED)
    ||  zsock_connect (self->monitor, "%s", monitor)
    ||  zsock_connect (self->dealer, "%s", self->endpoint)) {
        zsys_error ("uplink: cannot connect to %s", self->endpoint);
        s_disconnect (self, BACKOFF_MAX_MS);
        return;
    }
    memset (&self->clock, 0, sizeof self->clock);
    json_t *hello = json_pack ("{s:s, s:s, s:I, s:I}", "name", self->name,
        "version", VD_VERSION, "backlog", (json_int_t) vd_spool_count (self->spool),
        "protocol", (json_int_t) VD_WIRE_PROTOCOL);
    const char *peer = probe_peer_address (self->probe);
    if (peer)
        json_object_set_new (hello, "peer", json_string (peer));
    vd_wire_send (zsock_resolve (self->dealer), NULL, "HELLO", hello, NULL, 0);
    json_decref (hello);
    self->state = UPLINK_HELLO;
    self->deadline = vd_mono_ms () + HELLO_TIMEOUT_MS;
}

//  Sends what the credit allows, oldest first
static void
s_pump (uplink_t *self)
{
    if (self->state != UPLINK_READY)
        return;
    while (self->sent - vd_spool_acked (self->spool) < (uint64_t) self->credit) {
        uint64_t seq;
        char *command, *header;
        zframe_t *payload;
        if (vd_spool_next (self->spool, self->sent, &seq, &command, &header, &payload) != 1)
            break;
        json_t *json = json_loads (header, 0, NULL);
        if (!json)
            json = json_object ();
        json_object_set_new (json, "seq", json_integer ((json_int_t) seq));
        //  the messages between the last sent and this one were dropped by
        //  the spool (full, or too old), or meshd lost them: say so, or
        //  meshd waits for them
        uint64_t from = seq > self->sent + 1? self->sent + 1: 0;
        if (self->declare_from && self->declare_from < seq && (!from || self->declare_from < from))
            from = self->declare_from;
        if (from)
            json_object_set_new (json, "from", json_integer ((json_int_t) from));
        zmsg_t *msg = vd_wire_encode (command, json, zframe_data (payload), zframe_size (payload));
        json_decref (json);
        free (command);
        free (header);
        zframe_destroy (&payload);
        if (zmsg_send (&msg, self->dealer)) {
            zmsg_destroy (&msg);
            break;              //  HWM: the rest goes when acknowledgements come
        }
        if (self->sent == vd_spool_acked (self->spool))
            self->waiting_since = vd_mono_ms ();
        self->sent = seq;
    }
}

//  What the spool must keep: on a live link, what is in flight (meshd is
//  about to commit it); with no link, nothing (what was sent before the
//  link went down is remembered by the spool, and acknowledged or not later)
static void
s_protect (uplink_t *self)
{
    vd_spool_protect (self->spool, self->state == UPLINK_READY? self->sent: vd_spool_acked (self->spool),
                      self->sent);
}

//  Appends a batch of count items (samples or events) to the spool and
//  counts them as spooled or dropped; then sends what the credit allows
static bool
s_spool (uplink_t *self, const char *command, const void *data, size_t size, uint64_t count,
         uint64_t *spooled, uint64_t *dropped, const char *what)
{
    s_protect (self);
    int64_t seq = vd_spool_append (self->spool, command, "{}", data, size, (int64_t) count);
    if (seq > 0)
        *spooled += count;
    else {
        *dropped += count;
        zsys_warning ("uplink: spool %s: %" PRIu64 " %s dropped (%" PRIu64 " so far)",
                      seq == 0? "full": "failed", count, what, *dropped);
    }
    s_pump (self);
    return seq > 0;
}

static void
s_flush (uplink_t *self)
{
    if (self->batch_size == 0)
        return;
    s_spool (self, "DATA", self->batch, self->batch_size, self->batch_size / VD_SAMPLE_SIZE,
             &self->spooled, &self->dropped, "samples");
    self->batch_size = 0;
}

static void
s_flush_json (uplink_t *self, json_batch_t *batch)
{
    if (batch->count == 0)
        return;
    batch->buffer [batch->size] = ']';
    bool kept = s_spool (self, batch->command, batch->buffer, batch->size + 1, (uint64_t) batch->count,
                         &batch->spooled, &batch->dropped, batch->what);
    batch->size = 0;
    batch->count = 0;
    //  the informs' senders get their answer now that their events are on
    //  disk; if they are not, no answer ("-" and the number: forget it), and
    //  the senders try again
    if (batch->informs && !kept) {
        zmsg_t *forget = zmsg_new ();
        for (char *number = zmsg_popstr (batch->informs); number; number = zmsg_popstr (batch->informs)) {
            zmsg_addstrf (forget, "-%s", number);
            free (number);
        }
        zmsg_destroy (&batch->informs);
        batch->informs = forget;
    }
    if (batch->informs && zmsg_size (batch->informs) > 0)
        zmsg_send (&batch->informs, self->answers);
    zmsg_destroy (&batch->informs);
}

static void
s_batch_add (uplink_t *self, json_batch_t *batch, const char *text, const char *inform)
{
    size_t size = strlen (text);
    if (batch->count && batch->size + size + 2 > EVENTS_MAX_BYTES)
        s_flush_json (self, batch);
    if (size + 2 > EVENTS_MAX_BYTES)
        batch->dropped++;       //  the actors make none this big
    else {
        if (batch->count == 0)
            batch->started = vd_mono_ms ();
        batch->buffer [batch->size++] = batch->count? ',': '[';
        memcpy (batch->buffer + batch->size, text, size);
        batch->size += size;
        if (inform) {
            if (!batch->informs)
                batch->informs = zmsg_new ();
            zmsg_addstr (batch->informs, inform);
        }
        if (++batch->count >= EVENTS_MAX_COUNT)
            s_flush_json (self, batch);
    }
}

//  What this probe dropped for the life of its spool, by kind: samples,
//  events and reports the spool let go (full, or too old) or could not
//  take, and what other actors could not hand over (icmp); meshd keeps it
//  and raises the probe-dropped alarm when it grows
static json_t *
s_drops (uplink_t *self)
{
    json_t *drops = json_pack ("{s:I, s:I, s:I}",
        "samples", (json_int_t) vd_spool_dropped (self->spool, "DATA"),
        "events", (json_int_t) (vd_spool_dropped (self->spool, "EVENTS") + self->event_batch.dropped),
        "reports", (json_int_t) (vd_spool_dropped (self->spool, "REPORTS")
                                 + vd_spool_dropped (self->spool, "POLLS") + self->report_batch.dropped));
    json_object_update (drops, self->drops);
    return drops;
}

//  From the listen actor: "EVENT" and an event's JSON, to spool, or
//  "STATS" and its counters, for the next PING; from the snmp actor:
//  "REPORT" and a poll's report, to spool
static void
s_event (uplink_t *self)
{
    char *kind = NULL, *text = NULL, *inform = NULL;
    if (zstr_recvx (self->events, &kind, &text, &inform, NULL) < 2) {
        zstr_free (&kind);
        return;
    }
    if (streq (kind, "ANSWER")) {
        //  live: sent now, never spooled; lost with the link (meshd's
        //  caller times out)
        json_t *answer = json_loads (text, 0, NULL);
        if (answer && self->state == UPLINK_READY)
            vd_wire_send (self->dealer, NULL, "ANSWER", answer, NULL, 0);
        vd_json_wipe (answer);
    }
    else
    if (streq (kind, "STATS")) {
        json_decref (self->listen);
        self->listen = json_loads (text, 0, NULL);
    }
    else
    if (streq (kind, "DROPS")) {
        json_t *counts = json_loads (text, 0, NULL);
        if (json_is_object (counts))
            json_object_update (self->drops, counts);
        json_decref (counts);
    }
    else
        s_batch_add (self, streq (kind, "REPORT")? &self->report_batch: &self->event_batch, text, inform);
    zstr_free (&kind);
    zstr_free (&text);
    zstr_free (&inform);
}

//  PONG: meshd's times for our last PING, if it answers that one
static void
s_clock (uplink_t *self, vd_wire_t *wire)
{
    int64_t now = vd_now_us ();
    int64_t sent = vd_wire_int (wire, "sent_us", -1);
    int64_t received = vd_wire_int (wire, "received_us", -1);
    int64_t replied = vd_wire_int (wire, "replied_us", -1);
    if (sent > 0 && sent == self->ping_sent && received > 0 && replied > 0)
        vd_clock_add (&self->clock, sent, received, replied, now);
}

//  meshd is at last_seq, behind what it acknowledged: it lost the rest
//  (its database restored from a backup). The spool let them go; the next
//  message sent declares the gap.
static void
s_meshd_lost (uplink_t *self, uint64_t last_seq)
{
    uint64_t acked = vd_spool_acked (self->spool);
    if (self->declare_from != last_seq + 1)
        zsys_warning ("uplink: meshd is at sequence %" PRIu64 " but acknowledged %" PRIu64
                      ": it lost %" PRIu64 " messages (a database restored?); going on from %" PRIu64,
                      last_seq, acked, acked - last_seq, acked + 1);
    self->declare_from = last_seq + 1;
    self->sent = acked;
    self->rewound_at = acked;
}

static void
s_welcome (uplink_t *self, vd_wire_t *wire)
{
    if (json_is_true (json_object_get (wire->header, "enroll"))) {
        zsys_error ("uplink: meshd takes this key for an enrollment token; run vedette-probe join");
        s_disconnect (self, BACKOFF_MAX_MS);
        return;
    }
    int64_t last_seq = vd_wire_int (wire, "last_seq", -1);
    if (last_seq < 0) {
        self->bad++;
        s_disconnect (self, BACKOFF_MAX_MS);
        return;
    }
    if ((uint64_t) last_seq > vd_spool_last (self->spool))
        zsys_error ("uplink: meshd has sequence %lld but this spool only reached %" PRIu64
                    ": was the spool deleted?", (long long) last_seq, vd_spool_last (self->spool));
    else
    if ((uint64_t) last_seq < vd_spool_acked (self->spool))
        s_meshd_lost (self, (uint64_t) last_seq);
    else
    if ((uint64_t) last_seq > vd_spool_acked (self->spool))
        vd_spool_ack (self->spool, (uint64_t) last_seq);
    if ((uint64_t) last_seq <= vd_spool_last (self->spool))
        vd_spool_resume (self->spool, (uint64_t) last_seq);
    self->credit = (int) vd_wire_int (wire, "credit", 16);
    self->heartbeat = vd_wire_int (wire, "heartbeat_ms", 2000);
    self->lost = vd_wire_int (wire, "lost_ms", 10000);
    if (self->credit < 1)
        self->credit = 1;
    self->sent = vd_spool_acked (self->spool);
    self->rewound_at = self->sent;
    self->state = UPLINK_READY;
    self->backoff = BACKOFF_MIN_MS;
    self->next_ping = vd_mono_ms ();        //  at once: the clock's first look
    zsys_notice ("uplink: connected to %s; %" PRId64 " messages to send", self->endpoint,
                 vd_spool_count (self->spool));
    self->complained = false;
    s_pump (self);
}

static void
s_ack (uplink_t *self, vd_wire_t *wire)
{
    int64_t seq = vd_wire_int (wire, "seq", -1);
    if (seq < 0 || (uint64_t) seq > self->sent) {
        self->bad++;
        return;
    }
    if ((uint64_t) seq > vd_spool_acked (self->spool)) {
        if (vd_spool_ack (self->spool, (uint64_t) seq))
            zsys_error ("uplink: spool cannot drop what was acknowledged");
        self->waiting_since = vd_mono_ms ();
    }
    if (self->declare_from && (uint64_t) seq >= self->declare_from)
        self->declare_from = 0;         //  meshd took the gap
    //  meshd refused a message that came before its predecessor: go back,
    //  or past what it lost
    if (json_is_true (json_object_get (wire->header, "resync"))) {
        if ((uint64_t) seq < vd_spool_acked (self->spool))
            s_meshd_lost (self, (uint64_t) seq);
        else
        if ((uint64_t) seq >= self->rewound_at && (uint64_t) seq < self->sent) {
            self->rewound_at = self->sent;
            self->sent = (uint64_t) seq;
        }
    }
    s_pump (self);
}

static void
s_config (uplink_t *self, vd_wire_t *wire)
{
    char *text = json_dumps (wire->header, JSON_COMPACT);
    //  kept on disk: the probe keeps measuring when meshd is away
    if (probe_save_config (self->probe, text))
        zsys_error ("uplink: %s/checks.sealed: cannot save the checks", self->probe->dir);
    for (int i = 0; i < PROBE_CONFIG_READERS; i++)
        zstr_send (self->config_out [i], text);
    vd_secret_free (&text);
}

//  LIVE: a request meshd waits on (a credential test), to the backup
//  actor; one it cannot take is answered as refused at once
static void
s_live (uplink_t *self, vd_wire_t *wire)
{
    const char *id = vd_wire_str (wire, "id");
    const char *kind = vd_wire_str (wire, "kind");
    char *text = json_dumps (wire->header, JSON_COMPACT);
    if (id && kind && streq (kind, "backup.test") && text && zstr_send (self->live_out, text) == 0)
        ;
    else
    if (id) {
        json_t *answer = json_pack ("{s:s, s:s}", "id", id, "refused",
                                    kind && streq (kind, "backup.test")? "the probe's backup actor is busy"
                                                                      : "this probe does not know the request");
        vd_wire_send (self->dealer, NULL, "ANSWER", answer, NULL, 0);
        json_decref (answer);
    }
    vd_secret_free (&text);
}

static void
s_receive (uplink_t *self)
{
    zmsg_t *msg = zmsg_recv (self->dealer);
    const char *error;
    vd_wire_t *wire = vd_wire_decode (&msg, &error);
    if (!wire) {
        self->bad++;
        zsys_warning ("uplink: malformed message from meshd: %s", error);
        return;
    }
    self->heard = vd_mono_ms ();
    const char *command = wire->command;
    if (streq (command, "WELCOME") && self->state == UPLINK_HELLO)
        s_welcome (self, wire);
    else
    if (self->state != UPLINK_READY)
        ;
    else
    if (streq (command, "ACK"))
        s_ack (self, wire);
    else
    if (streq (command, "NACK")) {
        //  meshd could not commit what is unacknowledged (its disk is
        //  full): all of it again in a second, by the resend below
        self->nacks++;
        self->waiting_since = vd_mono_ms () - RESEND_AFTER_MS + RETRY_AFTER_MS;
    }
    else
    if (streq (command, "PONG"))
        s_clock (self, wire);
    else
    if (streq (command, "CONFIG"))
        s_config (self, wire);
    else
    if (streq (command, "LIVE"))
        s_live (self, wire);
    else
    if (streq (command, "ERROR")) {
        const char *code = vd_wire_str (wire, "code");
        zsys_error ("uplink: meshd says: %s: %s", code? code: "?",
                    vd_wire_str (wire, "message")? vd_wire_str (wire, "message"): "");
        if (code && streq (code, "revoked"))
            s_disconnect (self, s_backoff (self));      //  refused from now on: backing off to 32 s
    }
    vd_wire_destroy (&wire);
}

static void
s_timers (uplink_t *self)
{
    int64_t now = vd_mono_ms ();
    if (self->batch_size && now - self->batch_started >= BATCH_MAX_AGE_MS)
        s_flush (self);
    if (self->event_batch.count && now - self->event_batch.started >= EVENTS_MAX_AGE_MS)
        s_flush_json (self, &self->event_batch);
    if (self->report_batch.count && now - self->report_batch.started >= EVENTS_MAX_AGE_MS)
        s_flush_json (self, &self->report_batch);
    if (now >= self->next_expiry) {
        s_protect (self);
        vd_spool_expire (self->spool);
        if (vd_spool_evicted (self->spool) != self->evicted) {
            self->evicted = vd_spool_evicted (self->spool);
            vd_complain (&self->drop_complaint, "uplink: the spool dropped its oldest messages (full, or "
                         "past spool/max_age): %" PRIu64 " so far; %" PRIu64 " samples, %" PRIu64
                         " events dropped in all", self->evicted, vd_spool_dropped (self->spool, "DATA"),
                         vd_spool_dropped (self->spool, "EVENTS"));
        }
        self->next_expiry = now + 1000;
    }
    if (self->state == UPLINK_IDLE && now >= self->next_attempt)
        s_connect (self);
    else
    if (self->state == UPLINK_HELLO && now >= self->deadline) {
        if (!self->complained)
            zsys_warning ("uplink: no answer from %s; retrying", self->endpoint);
        self->complained = true;
        if (self->reached) {
            self->attempts++;
            s_disconnect (self, s_backoff (self));
        }
        else
            self->deadline = now + HELLO_TIMEOUT_MS;    //  libzmq tries on, the HELLO queued
    }
    else
    if (self->state == UPLINK_READY) {
        if (now - self->heard > self->lost) {
            zsys_warning ("uplink: meshd silent for %lld ms; reconnecting", (long long) (now - self->heard));
            s_disconnect (self, BACKOFF_MIN_MS);
            return;
        }
        if (self->sent > vd_spool_acked (self->spool) && now - self->waiting_since > RESEND_AFTER_MS) {
            self->sent = vd_spool_acked (self->spool);
            self->rewound_at = self->sent;
            s_pump (self);
        }
        if (now >= self->next_ping) {
            json_t *ping = json_pack ("{s:I, s:o}", "backlog", (json_int_t) vd_spool_count (self->spool),
                                      "drops", s_drops (self));
            if (self->listen)
                json_object_set (ping, "listen", self->listen);
            int64_t offset, delay;
            if (vd_clock_best (&self->clock, &offset, &delay)) {
                json_object_set_new (ping, "clock_offset_us", json_integer (offset));
                json_object_set_new (ping, "rtt_us", json_integer (delay));
            }
            self->ping_sent = vd_now_us ();
            json_object_set_new (ping, "sent_us", json_integer (self->ping_sent));
            vd_wire_send (zsock_resolve (self->dealer), NULL, "PING", ping, NULL, 0);
            json_decref (ping);
            self->next_ping = now + self->heartbeat;
        }
    }
}

static int
s_timeout (uplink_t *self)
{
    int64_t now = vd_mono_ms ();
    int64_t next = now + 1000;
    if (self->batch_size && self->batch_started + BATCH_MAX_AGE_MS < next)
        next = self->batch_started + BATCH_MAX_AGE_MS;
    if (self->event_batch.count && self->event_batch.started + EVENTS_MAX_AGE_MS < next)
        next = self->event_batch.started + EVENTS_MAX_AGE_MS;
    if (self->report_batch.count && self->report_batch.started + EVENTS_MAX_AGE_MS < next)
        next = self->report_batch.started + EVENTS_MAX_AGE_MS;
    if (self->state == UPLINK_IDLE && self->next_attempt < next)
        next = self->next_attempt;
    if (self->state == UPLINK_HELLO && self->deadline < next)
        next = self->deadline;
    if (self->state == UPLINK_READY && self->next_ping < next)
        next = self->next_ping;
    return next <= now? 0: (int) (next - now);
}

static void
s_samples (uplink_t *self)
{
    zframe_t *frame = zframe_recv (self->samples);
    if (!frame)
        return;
    size_t size = zframe_size (frame);
    if (vd_samples_count (size) > 0) {
        if (self->batch_size == 0)
            self->batch_started = vd_mono_ms ();
        if (self->batch_size + size > BATCH_MAX_SAMPLES * VD_SAMPLE_SIZE)
            s_flush (self);
        if (self->batch_size == 0)
            self->batch_started = vd_mono_ms ();
        memcpy (self->batch + self->batch_size, zframe_data (frame), size);
        self->batch_size += size;
    }
    zframe_destroy (&frame);
}

static int
s_setup (uplink_t *self)
{
    char *path = probe_path (self->probe, "probe.json");
    json_error_t error;
    json_t *identity = json_load_file (path, 0, &error);
    const char *endpoint = json_string_value (json_object_get (identity, "endpoint"));
    const char *server = json_string_value (json_object_get (identity, "server_key"));
    const char *name = json_string_value (json_object_get (identity, "name"));
    if (!endpoint || !server || !name || strlen (server) != 40) {
        zsys_error ("uplink: %s: missing or invalid (run vedette-probe join TOKEN)", path);
        free (path);
        json_decref (identity);
        return -1;
    }
    snprintf (self->endpoint, sizeof self->endpoint, "%s", endpoint);
    snprintf (self->server_key, sizeof self->server_key, "%s", server);
    snprintf (self->name, sizeof self->name, "%s", name);
    json_decref (identity);
    free (path);
    path = probe_path (self->probe, "probe.cert");
    self->cert = zcert_load (path);
    if (!self->cert)
        zsys_error ("uplink: %s: cannot load this probe's keys", path);
    free (path);
    path = probe_path (self->probe, "spool.db");
    self->spool = vd_spool_new (path, vd_config_int (self->probe->config, "spool/max_mb") * 1024 * 1024,
                                vd_config_int (self->probe->config, "spool/max_age"));
    free (path);
    self->samples = zsock_new (ZMQ_PULL);
    self->events = zsock_new (ZMQ_PULL);
    self->answers = zsock_new (ZMQ_PUSH);
    if (self->answers) {
        zsock_set_sndtimeo (self->answers, 0);
        zsock_set_sndhwm (self->answers, 0);        //  numbers: the senders bound how many wait
        zsock_set_linger (self->answers, 0);
        zsock_connect (self->answers, PROBE_SPOOLED);
    }
    if (!self->cert || !self->spool || !self->samples || !self->events)
        return -1;
    //  never wait for an actor: during a reload it is gone, and it reads
    //  checks.sealed when it starts again
    for (int i = 0; i < PROBE_CONFIG_READERS; i++) {
        self->config_out [i] = zsock_new (ZMQ_PUSH);
        if (!self->config_out [i])
            return -1;
        zsock_set_sndtimeo (self->config_out [i], 0);
        zsock_set_linger (self->config_out [i], 0);
        if (zsock_connect (self->config_out [i], "%s", probe_config_endpoints [i]))
            return -1;
    }
    self->live_out = zsock_new (ZMQ_PUSH);
    if (!self->live_out)
        return -1;
    zsock_set_sndtimeo (self->live_out, 0);
    zsock_set_linger (self->live_out, 0);
    if (zsock_connect (self->live_out, PROBE_BACKUP_LIVE))
        return -1;
    zsock_set_rcvhwm (self->samples, 100000);
    zsock_set_rcvhwm (self->events, 10000);
    if (zsock_bind (self->samples, PROBE_SAMPLES)
    ||  zsock_bind (self->events, PROBE_EVENTS))
        return -1;
    self->batch = malloc (BATCH_MAX_SAMPLES * VD_SAMPLE_SIZE);
    self->event_batch = (json_batch_t) { .command = "EVENTS", .what = "events",
                                    .buffer = malloc (EVENTS_MAX_BYTES + 1) };
    self->report_batch = (json_batch_t) { .command = "REPORTS", .what = "SNMP polls",
                                   .buffer = malloc (EVENTS_MAX_BYTES + 1) };
    self->drops = json_object ();
    self->backoff = BACKOFF_MIN_MS;
    self->next_attempt = vd_mono_ms ();
    zsys_info ("uplink: spool holds %" PRId64 " messages; last sequence %" PRIu64,
               vd_spool_count (self->spool), vd_spool_last (self->spool));
    return 0;
}

void
uplink_actor (zsock_t *pipe, void *args)
{
    uplink_t self;
    memset (&self, 0, sizeof self);
    self.probe = (probe_t *) args;
    bool ok = s_setup (&self) == 0;
    zsock_signal (pipe, 0);
    if (!ok)
        vd_actor_failed (pipe);
    while (ok) {
        zmq_pollitem_t items [] = {
            { zsock_resolve (pipe), 0, ZMQ_POLLIN, 0 },
            { zsock_resolve (self.samples), 0, ZMQ_POLLIN, 0 },
            { zsock_resolve (self.events), 0, ZMQ_POLLIN, 0 },
            { self.dealer? zsock_resolve (self.dealer): NULL, 0, ZMQ_POLLIN, 0 },
            { self.monitor? zsock_resolve (self.monitor): NULL, 0, ZMQ_POLLIN, 0 }
        };
        int rc = zmq_poll (items, self.dealer? 5: 3, s_timeout (&self));
        if (rc < 0 && zmq_errno () != EINTR)
            break;
        if (items [0].revents & ZMQ_POLLIN) {
            bool term;
            char *command = vd_actor_command (pipe, &term);
            if (command && streq (command, "STATS"))
                zsock_send (pipe, "s888888", s_state_names [self.state], self.spooled, self.dropped,
                            (uint64_t) vd_spool_count (self.spool), vd_spool_acked (self.spool),
                            self.event_batch.spooled, self.event_batch.dropped);
            free (command);
            if (term)
                break;
        }
        //  take what is waiting, a bounded amount each turn
        for (int i = 0; i < 1000 && (items [1].revents & ZMQ_POLLIN)
                        && (zsock_events (self.samples) & ZMQ_POLLIN); i++)
            s_samples (&self);
        for (int i = 0; i < 1000 && (zsock_events (self.events) & ZMQ_POLLIN); i++)
            s_event (&self);
        //  group commit: what a sender waits on (an inform, an accounting
        //  request) is written once nothing more is queued, not after
        //  EVENTS_MAX_AGE_MS; a burst still makes one write
        if (!(zsock_events (self.events) & ZMQ_POLLIN)) {
            if (self.event_batch.informs)
                s_flush_json (&self, &self.event_batch);
            if (self.report_batch.informs)
                s_flush_json (&self, &self.report_batch);
        }
        for (int i = 0; i < 1000 && self.dealer && (zsock_events (self.dealer) & ZMQ_POLLIN); i++)
            s_receive (&self);
        s_link_event (&self);
        s_timers (&self);
    }
    //  what was measured and not yet spooled is kept
    if (self.spool) {
        //  events the listen actor sent before it stopped are still queued
        while (zsock_events (self.events) & ZMQ_POLLIN)
            s_event (&self);
        s_flush (&self);
        s_flush_json (&self, &self.event_batch);
        s_flush_json (&self, &self.report_batch);
        zsys_notice ("uplink: stopped; this run spooled %" PRIu64 " samples, %" PRIu64 " events and %"
                     PRIu64 " SNMP polls, dropped %" PRIu64 " samples, %" PRIu64 " events and %" PRIu64
                     " SNMP polls, %" PRId64 " messages wait in the spool; meshd could not store %" PRIu64
                     " times (NACK); %" PRIu64 " connections brought no WELCOME",
                     self.spooled, self.event_batch.spooled, self.report_batch.spooled, self.dropped,
                     self.event_batch.dropped, self.report_batch.dropped,
                     vd_spool_count (self.spool), self.nacks, self.attempts);
    }
    s_disconnect (&self, 0);
    //  closing is asynchronous, unbinding is not: the endpoints are free at
    //  once for the uplink a reload starts next
    if (self.samples)
        zsock_unbind (self.samples, PROBE_SAMPLES);
    if (self.events)
        zsock_unbind (self.events, PROBE_EVENTS);
    zsock_destroy (&self.samples);
    for (int i = 0; i < PROBE_CONFIG_READERS; i++)
        zsock_destroy (&self.config_out [i]);
    zsock_destroy (&self.live_out);
    zsock_destroy (&self.events);
    zsock_destroy (&self.answers);
    zmsg_destroy (&self.event_batch.informs);
    free (self.event_batch.buffer);
    free (self.report_batch.buffer);
    json_decref (self.listen);
    json_decref (self.drops);
    vd_spool_destroy (&self.spool);
    zcert_destroy (&self.cert);
    free (self.batch);
}
