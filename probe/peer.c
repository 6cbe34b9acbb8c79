/*  probe/peer.c: the peer actor. Probes measure the paths between them.
    A probe with peer/listen set sends, every peer/interval, a small UDP
    request to each other probe that meshd names in its CONFIG ("peers":
    name, public key, address), and answers theirs. Every peer/report the
    round trip (mean, min, max), loss and jitter of each path go to meshd
    as a report ("REPORT" on PROBE_EVENTS, kind "peer"); meshd keeps the
    latest of each path (probe.mesh) and the series peer.NAME.rtt, .loss
    and .jitter of the probe that measured it.

    UDP, not the mesh's TCP: a lost datagram is loss, where TCP would hide
    it in a retransmission's delay. A packet is 96 bytes, little-endian:
        0   "VDP1"
        4   type: 1 request, 2 reply; then 3 bytes zero
        8   seq u32, the requester's; then 4 bytes zero
        16  sent i64: the requester's monotonic clock (ns), echoed
        24  held i64: ns the replier held the request (0 in a request)
        32  the sender's public key (its CURVE key)
        64  HMAC-SHA-512-256 of bytes 0..63, keyed with what the two probes
            share: crypto_box_beforenm of one's public and the other's
            secret key, the same both ways
    A packet of the wrong size, from a key that is not a peer's, or with a
    wrong MAC is dropped and counted. A reply is never larger than its
    request and each peer is answered at most PEER_RATE times a second, so
    the socket amplifies nothing. A request counts when its reply comes
    or peer/timeout passes; a late reply is loss.                       */
#include "probe.h"

#define PACKET_SIZE     96
#define PEER_RATE       50          //  requests answered per peer and second
#define RING            128         //  requests tracked per peer
#define REQUEST         1
#define REPLY           2

typedef enum { TROUBLE_BAD, TROUBLE_UNKNOWN, TROUBLES } trouble_t;

typedef struct {
    uint32_t seq;
    int64_t sent_ns;
    bool open;                  //  waiting for its reply
} pending_t;

typedef struct {
    char name [64];
    char key_text [41];
    uint8_t key [32];
    uint8_t shared [crypto_box_BEFORENMBYTES];
    struct sockaddr_storage addr;
    socklen_t addr_length;      //  0: no address, it is answered but not asked
    uint32_t seq;
    pending_t ring [RING];
    int64_t due_ms;
    //  this report period
    uint32_t done, received;
    double rtt_sum, rtt_min, rtt_max;
    double jitter_sum, last_rtt;
    uint32_t jitter_pairs;
    bool have_last;
    //  answers this second
    int64_t rate_window;
    int answered;
} path_t;

typedef struct {
    probe_t *probe;
    zsock_t *out;               //  PUSH to the uplink: "REPORT" reports
    int fd;
    uint8_t public_key [32];
    uint8_t secret_key [32];
    zhashx_t *paths;            //  public key text -> path_t
    int64_t interval_ms, timeout_ms, report_ms;
    int64_t next_report;
    uint64_t sent, replies, bad, unknown, limited, send_errors;
    vd_complaint_t complaints [TROUBLES];  //  each kind of trouble, logged throttled
} peer_t;

static void
s_path_destroy (void **item)
{
    path_t *path = (path_t *) *item;
    if (path) {
        sodium_memzero (path->shared, sizeof path->shared);
        free (path);
    }
    *item = NULL;
}

//  Logs bad input throttled for each kind of trouble (a probe that joins
//  asks before meshd has told us of it); the counters keep the rest
static void
s_complain (peer_t *self, trouble_t trouble, const char *what, const struct sockaddr_storage *from)
{
    if (!vd_complaint_due (&self->complaints [trouble]))
        return;
    char address [INET6_ADDRSTRLEN];
    vd_sockaddr_text ((const struct sockaddr *) from, address);
    vd_complain (&self->complaints [trouble],
                 "peer: %s from %s (bad: %" PRIu64 ", unknown keys: %" PRIu64 ", over rate: %" PRIu64 ")",
                 what, address, self->bad, self->unknown, self->limited);
}

static void
s_put_u32 (uint8_t *at, uint32_t value)
{
    for (int i = 0; i < 4; i++)
        at [i] = (uint8_t) (value >> (8 * i));
}

static void
s_put_i64 (uint8_t *at, int64_t value)
{
    for (int i = 0; i < 8; i++)
        at [i] = (uint8_t) ((uint64_t) value >> (8 * i));
}

static uint32_t
s_get_u32 (const uint8_t *at)
{
    uint32_t value = 0;
    for (int i = 3; i >= 0; i--)
        value = (value << 8) | at [i];
    return value;
}

static int64_t
s_get_i64 (const uint8_t *at)
{
    uint64_t value = 0;
    for (int i = 7; i >= 0; i--)
        value = (value << 8) | at [i];
    return (int64_t) value;
}

static void
s_send (peer_t *self, path_t *path, const struct sockaddr *to, socklen_t length,
        int type, uint32_t seq, int64_t sent, int64_t held)
{
    uint8_t packet [PACKET_SIZE] = { 'V', 'D', 'P', '1', (uint8_t) type };
    s_put_u32 (packet + 8, seq);
    s_put_i64 (packet + 16, sent);
    s_put_i64 (packet + 24, held);
    memcpy (packet + 32, self->public_key, 32);
    crypto_auth_hmacsha512256 (packet + 64, packet, 64, path->shared);
    if (sendto (self->fd, packet, sizeof packet, 0, to, length) != (ssize_t) sizeof packet)
        self->send_errors++;
}

//  A request is done: answered (rtt_ms >= 0) or lost (-1)
static void
s_done (path_t *path, double rtt_ms)
{
    path->done++;
    if (rtt_ms < 0)
        return;
    path->received++;
    path->rtt_sum += rtt_ms;
    if (path->received == 1 || rtt_ms < path->rtt_min)
        path->rtt_min = rtt_ms;
    if (path->received == 1 || rtt_ms > path->rtt_max)
        path->rtt_max = rtt_ms;
    if (path->have_last) {
        path->jitter_sum += fabs (rtt_ms - path->last_rtt);
        path->jitter_pairs++;
    }
    path->last_rtt = rtt_ms;
    path->have_last = true;
}

static void
s_packet (peer_t *self, const uint8_t *packet, ssize_t size, const struct sockaddr_storage *from,
          socklen_t from_length, int64_t arrived)
{
    if (size != PACKET_SIZE || memcmp (packet, "VDP1", 4)
    ||  (packet [4] != REQUEST && packet [4] != REPLY)) {
        self->bad++;
        s_complain (self, TROUBLE_BAD, "a malformed packet", from);
        return;
    }
    char key_text [41];
    zmq_z85_encode (key_text, packet + 32, 32);
    path_t *path = (path_t *) zhashx_lookup (self->paths, key_text);
    if (!path) {
        self->unknown++;
        s_complain (self, TROUBLE_UNKNOWN, "a packet from a key that is no peer's", from);
        return;
    }
    if (crypto_auth_hmacsha512256_verify (packet + 64, packet, 64, path->shared)) {
        self->bad++;
        s_complain (self, TROUBLE_BAD, "a packet with a wrong MAC", from);
        return;
    }
    uint32_t seq = s_get_u32 (packet + 8);
    int64_t sent = s_get_i64 (packet + 16);
    if (packet [4] == REQUEST) {
        int64_t second = arrived / 1000000000;
        if (path->rate_window != second) {
            path->rate_window = second;
            path->answered = 0;
        }
        if (++path->answered > PEER_RATE) {
            self->limited++;
            return;
        }
        s_send (self, path, (const struct sockaddr *) from, from_length, REPLY, seq, sent,
                vd_mono_ns () - arrived);
        return;
    }
    pending_t *pending = &path->ring [seq % RING];
    if (!pending->open || pending->seq != seq || pending->sent_ns != sent)
        return;                 //  late (already counted lost) or a replay
    pending->open = false;
    int64_t held = s_get_i64 (packet + 24);
    int64_t rtt = arrived - sent - (held > 0 && held < arrived - sent? held: 0);
    self->replies++;
    s_done (path, (double) rtt / 1e6);
}

static void
s_read (peer_t *self)
{
    for (int i = 0; i < 256; i++) {
        uint8_t packet [PACKET_SIZE + 1];
        struct sockaddr_storage from;
        socklen_t length = sizeof from;
        ssize_t size = recvfrom (self->fd, packet, sizeof packet, 0, (struct sockaddr *) &from, &length);
        if (size < 0)
            break;
        s_packet (self, packet, size, &from, length, vd_mono_ns ());
    }
}

//  Sends what is due, closes requests whose time is up, reports
static void
s_work (peer_t *self)
{
    int64_t now = vd_mono_ms ();
    int64_t now_ns = vd_mono_ns ();
    for (path_t *path = (path_t *) zhashx_first (self->paths); path;
         path = (path_t *) zhashx_next (self->paths)) {
        for (int i = 0; i < RING; i++)
            if (path->ring [i].open && now_ns - path->ring [i].sent_ns > self->timeout_ms * 1000000) {
                path->ring [i].open = false;
                s_done (path, -1);
            }
        if (path->addr_length && now >= path->due_ms) {
            pending_t *pending = &path->ring [++path->seq % RING];
            if (pending->open)
                s_done (path, -1);
            *pending = (pending_t) { path->seq, vd_mono_ns (), true };
            s_send (self, path, (struct sockaddr *) &path->addr, path->addr_length, REQUEST,
                    pending->seq, pending->sent_ns, 0);
            self->sent++;
            path->due_ms = now + self->interval_ms;
        }
    }
    if (now < self->next_report)
        return;
    self->next_report = now + self->report_ms;
    json_t *paths = json_array ();
    for (path_t *path = (path_t *) zhashx_first (self->paths); path;
         path = (path_t *) zhashx_next (self->paths)) {
        if (!path->addr_length || !path->done)
            continue;
        json_t *item = json_pack ("{s:s, s:s, s:i, s:i, s:f}", "to", path->name, "key", path->key_text,
            "sent", (int) path->done, "received", (int) path->received,
            "loss_pct", vd_round (100.0 * (path->done - path->received) / path->done, 3));
        if (path->received) {
            json_object_set_new (item, "rtt_ms", json_real (vd_round (path->rtt_sum / path->received, 3)));
            json_object_set_new (item, "rtt_min_ms", json_real (path->rtt_min));
            json_object_set_new (item, "rtt_max_ms", json_real (path->rtt_max));
        }
        if (path->jitter_pairs)
            json_object_set_new (item, "jitter_ms", json_real (vd_round (path->jitter_sum / path->jitter_pairs, 3)));
        json_array_append_new (paths, item);
        path->done = path->received = path->jitter_pairs = 0;
        path->rtt_sum = path->jitter_sum = 0;
    }
    if (json_array_size (paths) == 0) {
        json_decref (paths);
        return;
    }
    json_t *report = json_pack ("{s:s, s:I, s:o}", "kind", "peer",
                                "ts_us", (json_int_t) vd_now_us (), "paths", paths);
    probe_report (self->out, report);
}

static int
s_timeout (peer_t *self)
{
    int64_t next = self->next_report;
    for (path_t *path = (path_t *) zhashx_first (self->paths); path;
         path = (path_t *) zhashx_next (self->paths)) {
        if (path->addr_length && path->due_ms < next)
            next = path->due_ms;
        for (int i = 0; i < RING; i++)
            if (path->ring [i].open) {
                int64_t at = path->ring [i].sent_ns / 1000000 + self->timeout_ms + 1;
                if (at < next)
                    next = at;
            }
    }
    int64_t wait = next - vd_mono_ms ();
    return wait < 0? 0: wait > 60000? 60000: (int) wait;
}

//  Takes the peers of a CONFIG; a path already measured keeps its state
static void
s_configure (peer_t *self, const char *text)
{
    json_t *config = json_loads (text, 0, NULL);
    json_t *peers = json_object_get (config, "peers");
    zhashx_t *paths = zhashx_new ();
    zhashx_set_destructor (paths, s_path_destroy);
    size_t index;
    json_t *item;
    json_array_foreach (peers, index, item) {
        const char *name = json_string_value (json_object_get (item, "name"));
        const char *key = json_string_value (json_object_get (item, "key"));
        const char *address = json_string_value (json_object_get (item, "address"));
        uint8_t raw [32];
        if (!name || !key || strlen (key) != 40 || !zmq_z85_decode (raw, key)
        ||  memcmp (raw, self->public_key, 32) == 0 || zhashx_lookup (paths, key))
            continue;
        path_t *old = (path_t *) zhashx_lookup (self->paths, key);
        path_t *path = (path_t *) zmalloc (sizeof (path_t));
        if (old)
            *path = *old;
        else {
            memcpy (path->key, raw, 32);
            snprintf (path->key_text, sizeof path->key_text, "%s", key);
            if (crypto_box_beforenm (path->shared, path->key, self->secret_key)) {
                free (path);
                continue;
            }
        }
        snprintf (path->name, sizeof path->name, "%s", name);
        path->addr_length = 0;
        if (address && vd_sockaddr_parse (address, false, SOCK_DGRAM, &path->addr, &path->addr_length)) {
            zsys_warning ("peer: %s's address '%s' is not HOST:PORT", name, address);
            path->addr_length = 0;
        }
        zhashx_insert (paths, key, path);
    }
    vd_json_wipe (config);
    zhashx_destroy (&self->paths);
    self->paths = paths;
}

static int
s_setup (peer_t *self, const char *listen)
{
    char *path = probe_path (self->probe, "probe.cert");
    zcert_t *cert = zcert_load (path);
    free (path);
    if (!cert) {
        zsys_error ("peer: no keypair in the state directory");
        return -1;
    }
    memcpy (self->public_key, zcert_public_key (cert), 32);
    memcpy (self->secret_key, zcert_secret_key (cert), 32);
    zcert_destroy (&cert);
    self->fd = vd_socket_bind (listen, SOCK_DGRAM, 0);
    if (self->fd < 0) {
        zsys_error ("peer: cannot listen on %s: %s", listen, strerror (errno));
        return -1;
    }
    vd_config_t *config = self->probe->config;
    self->interval_ms = vd_config_int (config, "peer/interval");
    self->timeout_ms = vd_config_int (config, "peer/timeout");
    self->report_ms = vd_config_int (config, "peer/report");
    //  the ring must hold every request that may still be answered
    if (self->interval_ms < 100)
        self->interval_ms = 100;
    if (self->timeout_ms / self->interval_ms >= RING - 1)
        self->timeout_ms = self->interval_ms * (RING - 2);
    self->next_report = vd_mono_ms () + self->report_ms;
    zsys_info ("peer: measuring paths to other probes from %s", listen);
    return 0;
}

void
peer_actor (zsock_t *pipe, void *args)
{
    peer_t self = { .probe = (probe_t *) args, .fd = -1 };
    self.paths = zhashx_new ();
    zhashx_set_destructor (self.paths, s_path_destroy);
    const char *listen = vd_config_str (self.probe->config, "peer/listen");
    zsock_t *checks = zsock_new (ZMQ_PULL);
    self.out = zsock_new (ZMQ_PUSH);
    bool off = !listen || !*listen;
    if (!checks || !self.out || zsock_bind (checks, PROBE_PEER_CONFIG)
    ||  zsock_connect (self.out, PROBE_EVENTS) || (!off && s_setup (&self, listen))) {
        zsock_destroy (&checks);
        zsock_destroy (&self.out);
        zhashx_destroy (&self.paths);
        sodium_memzero (self.secret_key, sizeof self.secret_key);
        zsock_signal (pipe, 0);
        vd_actor_failed (pipe);
        return;
    }
    zsock_set_sndhwm (self.out, 1000);
    if (!off) {
        char *saved = probe_saved_config (self.probe);
        if (saved)
            s_configure (&self, saved);
        vd_secret_free (&saved);
    }
    zsock_signal (pipe, 0);
    while (true) {
        zmq_pollitem_t items [] = {
            { zsock_resolve (pipe), 0, ZMQ_POLLIN, 0 },
            { zsock_resolve (checks), 0, ZMQ_POLLIN, 0 },
            { NULL, self.fd, ZMQ_POLLIN, 0 }
        };
        int rc = zmq_poll (items, off? 2: 3, off? -1: s_timeout (&self));
        if (rc < 0 && zmq_errno () != EINTR)
            break;
        char *text;
        int input = probe_actor_inputs (items, pipe, checks, &text);
        if (input < 0)
            break;
        if (input > 0 && !off)
            s_configure (&self, text);
        vd_secret_free (&text);
        if (off)
            continue;
        if (items [2].revents & ZMQ_POLLIN)
            s_read (&self);
        s_work (&self);
    }
    if (!off)
        zsys_info ("peer: %" PRIu64 " requests sent, %" PRIu64 " replies, %" PRIu64 " bad packets, "
                   "%" PRIu64 " from unknown keys, %" PRIu64 " over rate", self.sent, self.replies,
                   self.bad, self.unknown, self.limited);
    if (self.fd >= 0)
        close (self.fd);
    sodium_memzero (self.secret_key, sizeof self.secret_key);
    zhashx_destroy (&self.paths);
    zsock_destroy (&self.out);
    zsock_unbind (checks, PROBE_PEER_CONFIG);
    zsock_destroy (&checks);
}
