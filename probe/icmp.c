/*  probe/icmp.c: the ICMP engine and the icmp actor.

    One socket per family (raw when we have CAP_NET_RAW, else an unprivileged
    ICMP datagram socket), thousands of echoes in flight, and a binary heap
    of targets by their next deadline. A round sends `count` echoes 10 ms
    apart and ends when every reply is in or `timeout` has passed; it yields
    three samples: rtt (mean, ms), loss (%), jitter (mean absolute difference
    of consecutive RTTs, ms, RFC 3550 style, carried across rounds).

    Every echo carries a random cookie of this engine, the target's slot, the
    round and the echo's number, so a stray, late or foreign reply is never
    counted, and a target replaced by a new config cannot take an old reply.

    Echoes due together go out in batches of up to ICMP_BATCH with one
    sendmmsg, and replies come in batches with recvmmsg: a sweep of a /16
    makes a few thousand system calls, not a hundred thousand. An echo's
    time is taken as its batch leaves.                                     */
#include "probe.h"
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/icmp6.h>
#include <netinet/ip.h>
#include <netinet/ip_icmp.h>
#include <poll.h>
#include <time.h>
#include <unistd.h>

//  from <linux/icmp.h>, which clashes with <netinet/ip_icmp.h>
#ifndef ICMP_FILTER
#define ICMP_FILTER         1
struct icmp_filter {
    uint32_t data;
};
#endif

#define ICMP_MAX_COUNT      20
#define ICMP_SPACING_MS     10
#define ICMP_PAYLOAD        28          //  cookie 8, slot 4, round 4, echo 4, sent 8
#define ICMP_BURST          256         //  sends between two reads of the sockets
#define ICMP_BATCH          64          //  echoes a sendmmsg, replies a recvmmsg
#define ICMP_PACKET         (8 + ICMP_PAYLOAD)

typedef enum { PHASE_IDLE, PHASE_SENDING, PHASE_WAITING, PHASE_DONE } phase_t;

typedef struct {
    struct sockaddr_storage addr;
    socklen_t addrlen;
    char address [INET6_ADDRSTRLEN];
    int64_t interval;           //  ms; 0: one round only
    int count;                  //  echoes per round
    int timeout;                //  ms after the last echo
    uint64_t series [3];        //  rtt, loss, jitter
    phase_t phase;
    int64_t due;                //  monotonic ms of the next event
    int64_t round_start;
    uint32_t round;
    int sent;
    int received;
    int64_t sent_ns [ICMP_MAX_COUNT];
    double rtt [ICMP_MAX_COUNT];
    bool got [ICMP_MAX_COUNT];
    double prev_rtt;            //  last RTT of the previous round, for jitter
    bool has_prev;
    int heap;                   //  position in the heap
} target_t;

struct _icmp_t {
    int fd4, fd6;
    bool raw4, raw6;
    uint16_t ident;
    byte cookie [8];
    target_t *targets;
    int count, limit;
    int *heap;                  //  target slots ordered by due
    int heap_size;
    int pending;                //  one-shot targets not yet done
    uint16_t sequence;
    icmp_emit_fn *emit;
    void *arg;
    uint64_t sent, received, errors;
    //  echoes waiting for their batch to leave, by family (0 IPv4, 1 IPv6)
    struct {
        struct mmsghdr msgs [ICMP_BATCH];
        struct iovec iovs [ICMP_BATCH];
        byte packets [ICMP_BATCH][ICMP_PACKET];
        int slots [ICMP_BATCH];
        int count;
    } out [2];
    byte replies [ICMP_BATCH][256];     //  an echo reply of ours: 36 bytes, 56 raw
};

//  -- heap of targets by due time ------------------------------------------

static void
s_heap_swap (icmp_t *self, int a, int b)
{
    int ta = self->heap [a], tb = self->heap [b];
    self->heap [a] = tb;
    self->heap [b] = ta;
    self->targets [tb].heap = a;
    self->targets [ta].heap = b;
}

static bool
s_heap_less (icmp_t *self, int a, int b)
{
    return self->targets [self->heap [a]].due < self->targets [self->heap [b]].due;
}

static void
s_heap_up (icmp_t *self, int i)
{
    while (i > 0 && s_heap_less (self, i, (i - 1) / 2)) {
        s_heap_swap (self, i, (i - 1) / 2);
        i = (i - 1) / 2;
    }
}

static void
s_heap_down (icmp_t *self, int i)
{
    while (true) {
        int smallest = i, left = 2 * i + 1, right = 2 * i + 2;
        if (left < self->heap_size && s_heap_less (self, left, smallest))
            smallest = left;
        if (right < self->heap_size && s_heap_less (self, right, smallest))
            smallest = right;
        if (smallest == i)
            break;
        s_heap_swap (self, i, smallest);
        i = smallest;
    }
}

//  Moves a target to a new due time
static void
s_schedule (icmp_t *self, target_t *target, int64_t due)
{
    int64_t old = target->due;
    target->due = due;
    if (due < old)
        s_heap_up (self, target->heap);
    else
        s_heap_down (self, target->heap);
}

//  -- sockets ----------------------------------------------------------------

static int
s_open (int family, bool *raw)
{
    int protocol = family == AF_INET? IPPROTO_ICMP: IPPROTO_ICMPV6;
    int fd = socket (family, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, protocol);
    *raw = fd >= 0;
    if (fd < 0)
        fd = socket (family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, protocol);
    if (fd < 0)
        return -1;
    //  big buffers: a sweep has tens of thousands of replies arriving at once
    int size = 8 * 1024 * 1024;
    if (setsockopt (fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof size))
        setsockopt (fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof size);
    if (setsockopt (fd, SOL_SOCKET, SO_SNDBUFFORCE, &size, sizeof size))
        setsockopt (fd, SOL_SOCKET, SO_SNDBUF, &size, sizeof size);
    if (*raw && family == AF_INET) {
        struct icmp_filter filter = { ~(1U << ICMP_ECHOREPLY) };
        setsockopt (fd, SOL_RAW, ICMP_FILTER, &filter, sizeof filter);
    }
    if (*raw && family == AF_INET6) {
        struct icmp6_filter filter;
        ICMP6_FILTER_SETBLOCKALL (&filter);
        ICMP6_FILTER_SETPASS (ICMP6_ECHO_REPLY, &filter);
        setsockopt (fd, IPPROTO_ICMPV6, ICMP6_FILTER, &filter, sizeof filter);
    }
    return fd;
}

icmp_t *
icmp_new (icmp_emit_fn *emit, void *arg)
{
    icmp_t *self = (icmp_t *) zmalloc (sizeof (icmp_t));
    self->emit = emit;
    self->arg = arg;
    self->fd4 = s_open (AF_INET, &self->raw4);
    self->fd6 = s_open (AF_INET6, &self->raw6);
    if (self->fd4 < 0 && self->fd6 < 0) {
        zsys_error ("icmp: no ICMP socket: %s (needs CAP_NET_RAW or "
                    "net.ipv4.ping_group_range covering this group)", strerror (errno));
        free (self);
        return NULL;
    }
    randombytes_buf (self->cookie, sizeof self->cookie);
    self->ident = (uint16_t) randombytes_uniform (65536);
    return self;
}

void
icmp_destroy (icmp_t **self_p)
{
    if (self_p && *self_p) {
        icmp_t *self = *self_p;
        if (self->fd4 >= 0)
            close (self->fd4);
        if (self->fd6 >= 0)
            close (self->fd6);
        free (self->targets);
        free (self->heap);
        free (self);
        *self_p = NULL;
    }
}

void
icmp_clear (icmp_t *self)
{
    self->count = 0;
    self->heap_size = 0;
    self->pending = 0;
    self->out [0].count = self->out [1].count = 0;     //  for targets that are gone
    //  a new cookie: replies to the old targets no longer match
    randombytes_buf (self->cookie, sizeof self->cookie);
}

int
icmp_add (icmp_t *self, const char *address, int64_t interval_ms, int count,
          int timeout_ms, const uint64_t series [3])
{
    target_t target;
    memset (&target, 0, sizeof target);
    struct sockaddr_in *in4 = (struct sockaddr_in *) &target.addr;
    struct sockaddr_in6 *in6 = (struct sockaddr_in6 *) &target.addr;
    if (inet_pton (AF_INET, address, &in4->sin_addr) == 1) {
        if (self->fd4 < 0)
            return -1;
        in4->sin_family = AF_INET;
        target.addrlen = sizeof *in4;
    }
    else
    if (inet_pton (AF_INET6, address, &in6->sin6_addr) == 1) {
        if (self->fd6 < 0)
            return -1;
        in6->sin6_family = AF_INET6;
        target.addrlen = sizeof *in6;
    }
    else
        return -1;
    snprintf (target.address, sizeof target.address, "%s", address);
    target.interval = interval_ms;
    target.count = count < 1? 1: count > ICMP_MAX_COUNT? ICMP_MAX_COUNT: count;
    target.timeout = timeout_ms < 10? 10: timeout_ms;
    if (series)
        memcpy (target.series, series, sizeof target.series);
    //  spread the first rounds over the interval so a config push is no burst
    int64_t now = vd_mono_ms ();
    target.due = interval_ms > 0? now + randombytes_uniform ((uint32_t) (interval_ms < 10000? interval_ms: 10000))
                                : now;
    if (self->count == self->limit) {
        self->limit = self->limit? self->limit * 2: 64;
        self->targets = realloc (self->targets, (size_t) self->limit * sizeof (target_t));
        self->heap = realloc (self->heap, (size_t) self->limit * sizeof (int));
        assert (self->targets && self->heap);
    }
    int slot = self->count++;
    target.heap = self->heap_size;
    self->targets [slot] = target;
    self->heap [self->heap_size++] = slot;
    s_heap_up (self, target.heap);
    if (interval_ms == 0)
        self->pending++;
    return 0;
}

int
icmp_configure (icmp_t *self, json_t *config)
{
    icmp_clear (self);
    json_t *checks = json_object_get (config, "checks");
    size_t index;
    json_t *check;
    json_array_foreach (checks, index, check) {
        const char *kind = json_string_value (json_object_get (check, "kind"));
        const char *address = json_string_value (json_object_get (check, "address"));
        if (!kind || !streq (kind, "icmp") || !address)
            continue;
        json_t *params = json_object_get (check, "params");
        json_t *series = json_object_get (check, "series");
        uint64_t ids [3] = {
            (uint64_t) json_integer_value (json_object_get (series, "icmp.rtt")),
            (uint64_t) json_integer_value (json_object_get (series, "icmp.loss")),
            (uint64_t) json_integer_value (json_object_get (series, "icmp.jitter"))
        };
        json_int_t interval = json_integer_value (json_object_get (check, "interval_ms"));
        json_t *count = json_object_get (params, "count");
        json_t *timeout = json_object_get (params, "timeout_ms");
        if (interval < 100
        ||  icmp_add (self, address, interval, count? (int) json_integer_value (count): 3,
                      timeout? (int) json_integer_value (timeout): 1000, ids))
            zsys_warning ("icmp: check of %s: cannot measure this address", address);
    }
    return self->count;
}

void
icmp_fds (icmp_t *self, int *fd4, int *fd6)
{
    *fd4 = self->fd4;
    *fd6 = self->fd6;
}

int
icmp_timeout (icmp_t *self)
{
    if (self->heap_size == 0)
        return -1;
    int64_t wait = self->targets [self->heap [0]].due - vd_mono_ms ();
    return wait < 0? 0: wait > 60000? 60000: (int) wait;
}

int icmp_pending (icmp_t *self) { return self->pending; }

void
icmp_stats (icmp_t *self, uint64_t *sent, uint64_t *received, uint64_t *errors)
{
    *sent = self->sent;
    *received = self->received;
    *errors = self->errors;
}

//  -- rounds -------------------------------------------------------------------

static uint16_t
s_checksum (const byte *data, size_t size)
{
    uint32_t sum = 0;
    for (size_t i = 0; i + 1 < size; i += 2)
        sum += (uint32_t) (data [i] << 8 | data [i + 1]);
    if (size & 1)
        sum += (uint32_t) data [size - 1] << 8;
    while (sum >> 16)
        sum = (sum & 0xFFFF) + (sum >> 16);
    return (uint16_t) ~sum;
}

//  Sends the echoes of a family's batch: each stamped with the time its
//  batch leaves (and its checksum made with it); one that cannot be sent
//  is an error, counted as loss when its round closes
static void
s_flush (icmp_t *self, int family)
{
    int count = self->out [family].count;
    if (count == 0)
        return;
    self->out [family].count = 0;
    int fd = family == 0? self->fd4: self->fd6;
    int64_t now = vd_mono_ns ();
    for (int i = 0; i < count; i++) {
        byte *packet = self->out [family].packets [i];
        target_t *target = &self->targets [self->out [family].slots [i]];
        uint32_t echo;
        memcpy (&echo, packet + 24, 4);
        memcpy (packet + 28, &now, 8);
        target->sent_ns [echo] = now;
        if (family == 0) {
            packet [2] = packet [3] = 0;
            uint16_t sum = s_checksum (packet, ICMP_PACKET);
            packet [2] = (byte) (sum >> 8);
            packet [3] = (byte) sum;
        }
    }
    int done = 0;
    while (done < count) {
        int rc = sendmmsg (fd, self->out [family].msgs + done, (unsigned) (count - done), 0);
        if (rc > 0) {
            done += rc;
            self->sent += (uint64_t) rc;
        }
        else {
            done++;             //  this one cannot go: the rest may
            self->errors++;
        }
    }
}

static void
s_send (icmp_t *self, int slot)
{
    target_t *target = &self->targets [slot];
    bool v4 = target->addr.ss_family == AF_INET;
    int family = v4? 0: 1;
    if (self->out [family].count == ICMP_BATCH)
        s_flush (self, family);
    int at = self->out [family].count++;
    byte *packet = self->out [family].packets [at];
    uint32_t echo = (uint32_t) target->sent;
    packet [0] = v4? ICMP_ECHO: ICMP6_ECHO_REQUEST;
    packet [1] = 0;
    packet [2] = packet [3] = 0;
    packet [4] = (byte) (self->ident >> 8);
    packet [5] = (byte) self->ident;
    packet [6] = (byte) (self->sequence >> 8);
    packet [7] = (byte) self->sequence;
    self->sequence++;
    memcpy (packet + 8, self->cookie, 8);
    memcpy (packet + 16, &slot, 4);
    memcpy (packet + 20, &target->round, 4);
    memcpy (packet + 24, &echo, 4);
    memset (packet + 28, 0, 8);         //  its time, when its batch leaves
    target->sent_ns [target->sent] = -1;
    target->sent++;
    self->out [family].slots [at] = slot;
    self->out [family].iovs [at] = (struct iovec) { packet, ICMP_PACKET };
    self->out [family].msgs [at] = (struct mmsghdr) { .msg_hdr = {
        .msg_name = &target->addr, .msg_namelen = target->addrlen,
        .msg_iov = &self->out [family].iovs [at], .msg_iovlen = 1 } };
}

static void
s_close_round (icmp_t *self, int slot)
{
    target_t *target = &self->targets [slot];
    double sum = 0, jitter = 0;
    int jitter_pairs = 0;
    double prev = target->prev_rtt;
    bool has_prev = target->has_prev;
    for (int i = 0; i < target->count; i++) {
        if (!target->got [i])
            continue;
        sum += target->rtt [i];
        if (has_prev) {
            jitter += fabs (target->rtt [i] - prev);
            jitter_pairs++;
        }
        prev = target->rtt [i];
        has_prev = true;
    }
    target->prev_rtt = prev;
    target->has_prev = has_prev;
    //  stamped with the round's start, so rounds an interval apart are
    //  stamped exactly that apart; RTT and jitter to the microsecond, loss
    //  to 0.001%: what a chunk keeps in few bits
    int64_t ts = vd_mono_to_wall_us (target->round_start);
    vd_sample_t samples [3] = {
        { target->series [0], ts, target->received? vd_round (sum / target->received, 3): 0,
          target->received? 0: VD_SAMPLE_LOST },
        { target->series [1], ts, vd_round (100.0 * (target->count - target->received) / target->count, 3), 0 },
        { target->series [2], ts, jitter_pairs? vd_round (jitter / jitter_pairs, 3): 0,
          jitter_pairs? 0: VD_SAMPLE_LOST }
    };
    if (self->emit)
        self->emit (self->arg, samples, 3, target->address);
    target->round++;
    target->sent = target->received = 0;
    memset (target->got, 0, sizeof target->got);
    if (target->interval > 0) {
        target->phase = PHASE_IDLE;
        int64_t next = target->round_start + target->interval;
        s_schedule (self, target, next > vd_mono_ms ()? next: vd_mono_ms ());
    }
    else {
        target->phase = PHASE_DONE;
        s_schedule (self, target, INT64_MAX);
        self->pending--;
    }
}

//  One event of a target: send the next echo, or close the round
static void
s_event (icmp_t *self, int slot, int64_t now)
{
    target_t *target = &self->targets [slot];
    switch (target->phase) {
        case PHASE_IDLE:
            //  on the schedule's grid: a timer woken a little late keeps
            //  the rhythm (rounds an interval apart are stamped exactly
            //  that apart); one far behind (the probe stalled) starts the
            //  grid again now, never stamped in the past
            target->round_start = target->interval > 0 && now - target->due <= target->interval / 4
                                ? target->due: now;
            target->phase = PHASE_SENDING;
            //  fall through
        case PHASE_SENDING:
            s_send (self, slot);
            if (target->sent < target->count)
                s_schedule (self, target, now + ICMP_SPACING_MS);
            else {
                target->phase = PHASE_WAITING;
                s_schedule (self, target, now + target->timeout);
            }
            break;
        case PHASE_WAITING:
            s_close_round (self, slot);
            break;
        case PHASE_DONE:
            s_schedule (self, target, INT64_MAX);
            break;
    }
}

static void
s_reply (icmp_t *self, const byte *data, size_t size, bool v4, bool raw, int64_t now)
{
    if (v4 && raw) {
        if (size < 20)
            return;
        size_t header = (size_t) (data [0] & 0x0F) * 4;
        if (header < 20 || size < header)
            return;
        data += header;
        size -= header;
    }
    if (size < 8 + ICMP_PAYLOAD)
        return;
    if (data [0] != (v4? ICMP_ECHOREPLY: ICMP6_ECHO_REPLY))
        return;
    uint16_t ident = (uint16_t) (data [4] << 8 | data [5]);
    bool raw_socket = v4? self->raw4: self->raw6;
    if (raw_socket && ident != self->ident)
        return;
    if (memcmp (data + 8, self->cookie, 8))
        return;                 //  not ours, or for targets we no longer have
    int slot;
    uint32_t round, echo;
    int64_t sent;
    memcpy (&slot, data + 16, 4);
    memcpy (&round, data + 20, 4);
    memcpy (&echo, data + 24, 4);
    memcpy (&sent, data + 28, 8);
    if (slot < 0 || slot >= self->count)
        return;
    target_t *target = &self->targets [slot];
    if (round != target->round || echo >= (uint32_t) target->sent || target->got [echo]
    ||  target->phase == PHASE_IDLE || target->phase == PHASE_DONE
    ||  sent != target->sent_ns [echo])
        return;                 //  late, duplicate or forged
    target->got [echo] = true;
    target->rtt [echo] = (double) (now - sent) / 1e6;
    target->received++;
    self->received++;
    if (target->received == target->count && target->phase == PHASE_WAITING)
        s_close_round (self, slot);
}

//  Reads every reply waiting, a batch at a time
static void
s_drain (icmp_t *self, int fd, bool v4)
{
    if (fd < 0)
        return;
    struct mmsghdr msgs [ICMP_BATCH];
    struct iovec iovs [ICMP_BATCH];
    bool raw = v4? self->raw4: self->raw6;
    while (true) {
        for (int i = 0; i < ICMP_BATCH; i++) {
            iovs [i] = (struct iovec) { self->replies [i], sizeof self->replies [i] };
            msgs [i] = (struct mmsghdr) { .msg_hdr = { .msg_iov = &iovs [i], .msg_iovlen = 1 } };
        }
        int count = recvmmsg (fd, msgs, ICMP_BATCH, MSG_DONTWAIT, NULL);
        if (count <= 0)
            break;
        int64_t now = vd_mono_ns ();
        for (int i = 0; i < count; i++)
            s_reply (self, self->replies [i], msgs [i].msg_len, v4, raw, now);
        if (count < ICMP_BATCH)
            break;
    }
}

//  What left, then what came back
static void
s_exchange (icmp_t *self)
{
    s_flush (self, 0);
    s_flush (self, 1);
    s_drain (self, self->fd4, true);
    s_drain (self, self->fd6, false);
}

void
icmp_work (icmp_t *self)
{
    s_exchange (self);
    int burst = 0;
    while (self->heap_size > 0) {
        int slot = self->heap [0];
        int64_t now = vd_mono_ms ();
        if (self->targets [slot].due > now)
            break;
        s_event (self, slot, now);
        if (++burst == ICMP_BURST) {
            s_exchange (self);
            burst = 0;
        }
    }
    s_exchange (self);
}

//  -- the icmp actor -------------------------------------------------------------

//  The actor's hand-over to the uplink. The engine never waits for it: a
//  sample the uplink cannot take at once is dropped and counted, and the
//  count goes to the uplink (DROPS), which reports it to meshd.
typedef struct {
    zsock_t *samples;           //  PUSH to the uplink
    zsock_t *events;            //  PUSH to the uplink: DROPS
    uint64_t dropped;           //  samples the uplink could not take
    uint64_t told;              //  the count the uplink has
} handover_t;

static void
s_emit (void *arg, const vd_sample_t *samples, int count, const char *address)
{
    handover_t *self = (handover_t *) arg;
    byte buffer [3 * VD_SAMPLE_SIZE];
    assert (count <= 3);
    for (int i = 0; i < count; i++)
        vd_sample_encode (&samples [i], buffer + i * VD_SAMPLE_SIZE);
    if (zmq_send (zsock_resolve (self->samples), buffer, (size_t) count * VD_SAMPLE_SIZE,
                  ZMQ_DONTWAIT) < 0)
        self->dropped += (uint64_t) count;
    (void) address;
}

//  Tells the uplink the drop count when it changed; a count it cannot take
//  now is tried again on the next turn (counts are totals: none is lost)
static void
s_tell_drops (handover_t *self)
{
    if (self->dropped == self->told)
        return;
    char text [64];
    snprintf (text, sizeof text, "{\"icmp\": %" PRIu64 "}", self->dropped);
    if (zstr_sendx (self->events, "DROPS", text, NULL) == 0)
        self->told = self->dropped;
}

static void
s_load_checks (icmp_t *engine, const char *text)
{
    json_error_t error;
    json_t *config = json_loads (text, 0, &error);
    if (!json_is_object (config))
        zsys_error ("icmp: checks are not valid JSON: %s", error.text);
    else
        zsys_info ("icmp: measuring %d targets", icmp_configure (engine, config));
    vd_json_wipe (config);      //  it carries SNMP credentials
}

void
icmp_actor (zsock_t *pipe, void *args)
{
    probe_t *probe = (probe_t *) args;
    handover_t handover = { zsock_new (ZMQ_PUSH), zsock_new (ZMQ_PUSH), 0, 0 };
    zsock_t *checks = zsock_new (ZMQ_PULL);
    icmp_t *engine = NULL;
    if (handover.samples && handover.events) {
        zsock_set_sndhwm (handover.samples, 100000);
        zsock_connect (handover.samples, PROBE_SAMPLES);
        zsock_set_linger (handover.events, 0);
        zsock_set_sndtimeo (handover.events, 0);
        zsock_connect (handover.events, PROBE_EVENTS);
        engine = icmp_new (s_emit, &handover);
    }
    if (!engine || !checks || zsock_bind (checks, PROBE_CHECKS)) {
        zsock_destroy (&handover.samples);
        zsock_destroy (&handover.events);
        zsock_destroy (&checks);
        icmp_destroy (&engine);
        zsock_signal (pipe, 0);
        vd_actor_failed (pipe);
        return;
    }
    char *saved = probe_saved_config (probe);
    if (saved) {
        s_load_checks (engine, saved);
        sodium_memzero (saved, strlen (saved));
    }
    free (saved);
    zsock_signal (pipe, 0);

    int fd4, fd6;
    icmp_fds (engine, &fd4, &fd6);
    while (true) {
        zmq_pollitem_t items [] = {
            { zsock_resolve (pipe), 0, ZMQ_POLLIN, 0 },
            { zsock_resolve (checks), 0, ZMQ_POLLIN, 0 },
            { NULL, fd4 >= 0? fd4: fd6, ZMQ_POLLIN, 0 },
            { NULL, fd6 >= 0? fd6: fd4, ZMQ_POLLIN, 0 }
        };
        int rc = zmq_poll (items, 4, icmp_timeout (engine));
        if (rc < 0 && zmq_errno () != EINTR)
            break;
        if (items [0].revents & ZMQ_POLLIN) {
            bool term;
            char *command = vd_actor_command (pipe, &term);
            if (command && streq (command, "STATS")) {
                uint64_t sent, received, errors;
                icmp_stats (engine, &sent, &received, &errors);
                zsock_send (pipe, "888", sent, received, errors);
            }
            free (command);
            if (term)
                break;
        }
        if (items [1].revents & ZMQ_POLLIN) {
            char *text = zstr_recv (checks);
            if (text)
                s_load_checks (engine, text);
            vd_secret_free (&text);        //  it holds credentials
        }
        icmp_work (engine);
        s_tell_drops (&handover);
    }
    icmp_destroy (&engine);
    zsock_destroy (&handover.samples);
    zsock_destroy (&handover.events);
    zsock_unbind (checks, PROBE_CHECKS);    //  free at once for a reload
    zsock_destroy (&checks);
}
