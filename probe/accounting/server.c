/*  probe/accounting/server.c: the RADIUS accounting server (RFC 2866),
    run by the listen actor beside syslog and traps. Only the NASes meshd
    names (CONFIG's "nas": name, address, secret) are heard; a datagram
    from any other address, one that is not a sound Accounting-Request or
    one not signed with its NAS's secret is dropped with no reply and
    counted. A request becomes a record (packet.c) that the listen actor
    hands the uplink to spool; its Accounting-Response goes out only when
    the uplink says the record is in the spool (radius_server_answer), so
    a NAS whose request was not kept sends it again, as it should. A
    retransmit (the same identifier and authenticator from the same NAS
    address and port within RECENT_MS) is stored once: answered again if
    its record is spooled, else left to the first one's answer.          */
#include "accounting/accounting.h"
#include <arpa/inet.h>

#define RECENT_MS       60000       //  how long a request is remembered
#define PENDING_MAX     10000       //  requests waiting for the spool
#define READS_PER_TURN  256

typedef struct {
    char name [64];
    char address [INET6_ADDRSTRLEN];
    char *secret;
    radius_nas_stats_t stats;
} nas_t;

//  A request seen lately: for retransmits, and its answer
typedef struct {
    char key [INET6_ADDRSTRLEN + 48];   //  address, port, identifier, authenticator
    nas_t *nas;                 //  NULL once CONFIG dropped the NAS
    struct sockaddr_storage from;
    socklen_t from_size;
    uint8_t header [RADIUS_HEADER];
    uint64_t number;            //  its answer number
    bool answered;
    int64_t seen;               //  mono ms
    void *handle;               //  in the server's order
} request_t;

struct _radius_server_t {
    int fd;
    radius_dictionary_t *dictionary;
    zhashx_t *nases;            //  address -> nas_t
    zhashx_t *recent;           //  key -> request_t
    zhashx_t *pending;          //  answer number as text -> request_t (not owned)
    zlistx_t *order;            //  the requests of recent, oldest first (not owned)
    uint64_t next_number;
    radius_emit_fn *emit;
    void *arg;
    radius_stats_t stats;
    int64_t next_sweep;
};

static void
s_request_destroy (request_t **self_p)
{
    free (*self_p);
    *self_p = NULL;
}

static void
s_nas_destroy (nas_t **self_p)
{
    if (*self_p) {
        vd_secret_free (&(*self_p)->secret);
        free (*self_p);
        *self_p = NULL;
    }
}

radius_server_t *
radius_server_new (const char *endpoint, int rcvbuf, radius_emit_fn *emit, void *arg, char **error)
{
    *error = NULL;
    char *dictionary_error = NULL;
    radius_dictionary_t *dictionary = radius_dictionary_new (probe_radius_dictionary, &dictionary_error);
    if (!dictionary) {
        *error = zsys_sprintf ("the shipped dictionary: %s", dictionary_error);
        free (dictionary_error);
        return NULL;
    }
    int fd = vd_socket_bind (endpoint, SOCK_DGRAM, rcvbuf);
    if (fd < 0) {
        *error = zsys_sprintf ("cannot listen on udp %s: %s", endpoint, strerror (errno));
        radius_dictionary_destroy (&dictionary);
        return NULL;
    }
    radius_server_t *self = (radius_server_t *) zmalloc (sizeof (radius_server_t));
    self->fd = fd;
    self->dictionary = dictionary;
    self->nases = zhashx_new ();
    zhashx_set_destructor (self->nases, (zhashx_destructor_fn *) s_nas_destroy);
    self->recent = zhashx_new ();
    zhashx_set_destructor (self->recent, (zhashx_destructor_fn *) s_request_destroy);
    self->pending = zhashx_new ();
    self->order = zlistx_new ();
    self->emit = emit;
    self->arg = arg;
    self->next_number = 1;
    self->next_sweep = vd_mono_ms () + RECENT_MS;
    return self;
}

void
radius_server_destroy (radius_server_t **self_p)
{
    radius_server_t *self = *self_p;
    if (self) {
        close (self->fd);
        zhashx_destroy (&self->pending);
        zlistx_destroy (&self->order);
        zhashx_destroy (&self->recent);
        zhashx_destroy (&self->nases);
        radius_dictionary_destroy (&self->dictionary);
        free (self);
        *self_p = NULL;
    }
}

void
radius_server_configure (radius_server_t *self, json_t *config)
{
    json_t *list = json_object_get (config, "nas");
    if (!json_is_array (list))
        return;
    zhashx_t *old = self->nases;
    self->nases = zhashx_new ();
    zhashx_set_destructor (self->nases, (zhashx_destructor_fn *) s_nas_destroy);
    size_t index;
    json_t *entry;
    json_array_foreach (list, index, entry) {
        const char *name = json_string_value (json_object_get (entry, "name"));
        const char *address = json_string_value (json_object_get (entry, "address"));
        const char *secret = json_string_value (json_object_get (entry, "secret"));
        if (!name || !address || !secret || !*secret)
            continue;
        nas_t *nas = (nas_t *) zmalloc (sizeof (nas_t));
        snprintf (nas->name, sizeof nas->name, "%s", name);
        snprintf (nas->address, sizeof nas->address, "%s", address);
        nas->secret = strdup (secret);
        nas_t *before = (nas_t *) zhashx_lookup (old, address);
        if (before)
            nas->stats = before->stats;         //  its counters go on
        zhashx_update (self->nases, address, nas);
    }
    //  requests waiting for the spool: answered with the NAS's new secret,
    //  or not at all if it is gone
    for (request_t *request = (request_t *) zhashx_first (self->recent); request;
         request = (request_t *) zhashx_next (self->recent))
        request->nas = request->nas? (nas_t *) zhashx_lookup (self->nases, request->nas->address): NULL;
    zhashx_destroy (&old);
}

size_t
radius_server_nases (radius_server_t *self)
{
    return zhashx_size (self->nases);
}

int
radius_server_fd (radius_server_t *self)
{
    return self->fd;
}

static void
s_respond (radius_server_t *self, request_t *request)
{
    uint8_t response [RADIUS_HEADER];
    radius_packet_response (request->header, request->nas->secret, response);
    if (sendto (self->fd, response, sizeof response, 0, (struct sockaddr *) &request->from,
                request->from_size) == (ssize_t) sizeof response) {
        self->stats.answered++;
        request->nas->stats.answered++;
    }
}

//  A request forgotten: a retransmit of it is a new request
static void
s_forget (radius_server_t *self, request_t *request)
{
    zlistx_delete (self->order, request->handle);
    zhashx_delete (self->recent, request->key);
}

//  Requests older than RECENT_MS are forgotten, oldest first (a second's
//  worth, not the whole table); one still waiting for the spool then will
//  never be answered: counted
static void
s_sweep (radius_server_t *self)
{
    int64_t now = vd_mono_ms ();
    if (now < self->next_sweep)
        return;
    self->next_sweep = now + 1000;
    request_t *request;
    while ((request = (request_t *) zlistx_first (self->order)) && now - request->seen > RECENT_MS) {
        if (!request->answered) {
            char number [24];
            snprintf (number, sizeof number, "%" PRIu64, request->number);
            self->stats.unanswered++;
            zhashx_delete (self->pending, number);
        }
        s_forget (self, request);
    }
}

static void
s_datagram (radius_server_t *self, const uint8_t *data, size_t size, struct sockaddr_storage *from,
            socklen_t from_size)
{
    self->stats.received++;
    char address [INET6_ADDRSTRLEN];
    vd_sockaddr_text ((struct sockaddr *) from, address);
    nas_t *nas = (nas_t *) zhashx_lookup (self->nases, address);
    if (!nas) {
        self->stats.unknown_nas++;
        return;
    }
    nas->stats.requests++;
    const char *why;
    radius_check_t check = radius_packet_check (data, size, nas->secret, &why);
    if (check != RADIUS_OK) {
        if (check == RADIUS_BAD_AUTHENTICATOR)
            self->stats.bad_authenticator++, nas->stats.bad_authenticator++;
        else
            self->stats.malformed++, nas->stats.malformed++;
        return;
    }
    char key [sizeof ((request_t *) 0)->key];
    //  a retransmit comes from the same port (RFC 5080 2.2.2): another
    //  port is another request, another client on the NAS
    in_port_t port = from->ss_family == AF_INET6? ((struct sockaddr_in6 *) from)->sin6_port
                                                : ((struct sockaddr_in *) from)->sin_port;
    size_t used = (size_t) snprintf (key, sizeof key, "%s/%u/%u/", address, ntohs (port), data [1]);
    for (int i = 0; i < 16 && used + 2 < sizeof key; i++)
        used += (size_t) snprintf (key + used, sizeof key - used, "%02x", data [4 + i]);
    request_t *seen = (request_t *) zhashx_lookup (self->recent, key);
    if (seen) {
        self->stats.duplicates++;
        nas->stats.duplicates++;
        if (seen->answered && seen->nas)
            s_respond (self, seen);
        return;
    }
    if (zhashx_size (self->pending) >= PENDING_MAX) {
        self->stats.queue++;        //  the NAS sends it again
        return;
    }
    json_t *record = radius_packet_decode (self->dictionary, data, size);
    json_object_set_new (record, "nas", json_string (nas->name));
    json_object_set_new (record, "source", json_string (address));
    request_t *request = (request_t *) zmalloc (sizeof (request_t));
    snprintf (request->key, sizeof request->key, "%s", key);
    request->nas = nas;
    memcpy (&request->from, from, from_size);
    request->from_size = from_size;
    memcpy (request->header, data, RADIUS_HEADER);
    request->number = self->next_number++;
    request->seen = vd_mono_ms ();
    zhashx_insert (self->recent, key, request);
    request->handle = zlistx_add_end (self->order, request);
    char number [24];
    snprintf (number, sizeof number, "%" PRIu64, request->number);
    zhashx_insert (self->pending, number, request);
    if (!self->emit (self->arg, record, request->number)) {
        zhashx_delete (self->pending, number);
        s_forget (self, request);
        return;
    }
    self->stats.accepted++;
    nas->stats.accepted++;
}

void
radius_server_read (radius_server_t *self)
{
    uint8_t data [RADIUS_MAX_PACKET + 1];
    for (int turn = 0; turn < READS_PER_TURN; turn++) {
        struct sockaddr_storage from;
        socklen_t from_size = sizeof from;
        ssize_t size = recvfrom (self->fd, data, sizeof data, MSG_DONTWAIT, (struct sockaddr *) &from, &from_size);
        if (size < 0)
            break;
        if ((size_t) size > RADIUS_MAX_PACKET) {
            self->stats.received++;
            self->stats.malformed++;
            continue;
        }
        s_datagram (self, data, (size_t) size, &from, from_size);
    }
    s_sweep (self);
}

void
radius_server_answer (radius_server_t *self, uint64_t number, bool kept)
{
    char key [24];
    snprintf (key, sizeof key, "%" PRIu64, number);
    request_t *request = (request_t *) zhashx_lookup (self->pending, key);
    if (!request)
        return;
    zhashx_delete (self->pending, key);
    if (!kept) {
        self->stats.unanswered++;
        s_forget (self, request);
        return;
    }
    request->answered = true;
    if (request->nas)
        s_respond (self, request);
}

void
radius_server_stats (radius_server_t *self, radius_stats_t *stats)
{
    *stats = self->stats;
}

json_t *
radius_server_nas_stats (radius_server_t *self)
{
    json_t *list = json_object ();
    for (nas_t *nas = (nas_t *) zhashx_first (self->nases); nas; nas = (nas_t *) zhashx_next (self->nases))
        json_object_set_new (list, nas->name, json_pack ("{s:I, s:I, s:I, s:I, s:I, s:I}",
            "requests", (json_int_t) nas->stats.requests, "accepted", (json_int_t) nas->stats.accepted,
            "answered", (json_int_t) nas->stats.answered, "duplicates", (json_int_t) nas->stats.duplicates,
            "bad_authenticator", (json_int_t) nas->stats.bad_authenticator,
            "malformed", (json_int_t) nas->stats.malformed));
    return list;
}
