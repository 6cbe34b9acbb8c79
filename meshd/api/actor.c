/*  meshd/api/actor.c: the api actor. Clients' JSON requests arrive on a
    ROUTER, over ipc (local) and over TCP with CURVE (ZAP domain vedette-api:
    registered client keys only). api/workers workers serve them, each with
    its own database connection (api/api.c), so a long list or a login's
    password hash never holds up another client's whoami. The reply echoes
    every envelope frame received, so REQ and DEALER clients both work.

    A client's requests go to one worker while any of them is in flight, so
    a client that pipelines gets its replies in the order it asked, and its
    write is seen by the read it sent next. A client with nothing in flight
    goes to the worker with the least to do. A whoami from a client with
    nothing in flight is served by the actor itself (s_quick_ops): it reads
    two rows, and the hand-over to a worker and back would cost more.

    Bounded everywhere: a worker has at most API_WORKER_QUEUE requests
    queued; when the one a request must go to is full, the actor stops
    reading clients until it has room (libzmq then holds them back, per
    client). At most API_REPLY_HWM replies wait for a client that does not
    read them; one more is dropped and counted (server.status
    api.replies_dropped).

    Under load the actor takes every message ready on a socket at each
    wake-up (at most API_BATCH), and the workers' replies come back on one
    socket, so a request costs few system calls.

    actor -> worker   "t" or "l", User-Id ("" on ipc), envelope, request
                      (on the worker's pipe)
    worker -> actor   worker number, "t" or "l", envelope, reply
                      (PUSH to the actor's PULL, inproc://api-replies-ADDRESS) */
#include "api/api.h"
#include <stdatomic.h>
#include <unistd.h>

#define API_REPLY_HWM       16      //  replies waiting for one client, at most
#define API_WORKER_QUEUE    64      //  requests queued at one worker, at most
#define API_WORKERS_MAX     64
#define API_BATCH           64      //  messages taken from one socket at a wake-up

typedef struct _front_t front_t;

typedef struct {
    front_t *front;
    size_t number;
    zactor_t *actor;
    size_t in_flight;
    bool ready;                 //  the worker has its database connection
} worker_t;

//  A client with requests in flight, and the worker they are at
typedef struct {
    size_t worker;
    size_t in_flight;
} client_t;

struct _front_t {
    meshd_t *meshd;
    api_shared_t *shared;
    zsock_t *local;             //  ROUTER, ipc
    zsock_t *tcp;               //  ROUTER, CURVE; NULL when disabled
    zsock_t *replies;           //  PULL, from every worker
    char replies_endpoint [64];
    worker_t *workers;
    size_t worker_count;
    zhashx_t *clients;          //  "l" or "t" and the routing id in hex: client_t
    zmsg_t *held;               //  a request whose worker is full
    size_t held_worker;
    vd_complaint_t complaint;   //  replies dropped, logged throttled
    atomic_bool stopping;       //  the workers drop what is queued
    atomic_size_t unserved;     //  requests dropped at stop
    api_t *api;                 //  the actor's own, for quick requests
    zsock_t *store;             //  PUSH: the totals for meshd's own series
    int64_t self_interval;      //  ms; 0: not sent
    int64_t next_self;          //  monotonic ms
};

//  The requests served and their time, for meshd's own series (the store
//  writes them: core/selfmon.c)
static void
s_self_report (front_t *self)
{
    self->next_self = vd_mono_ms () + self->self_interval;
    int64_t requests = (int64_t) api_shared_requests (self->shared, NULL, NULL);
    int64_t latency = (int64_t) api_shared_latency (self->shared);
    zmsg_t *msg = zmsg_new ();
    zmsg_addstr (msg, "API");
    zmsg_addmem (msg, &requests, 8);
    zmsg_addmem (msg, &latency, 8);
    if (zmsg_send (&msg, self->store))
        zmsg_destroy (&msg);    //  the store is restarting: next time
}

//  Requests the actor serves itself when their client has nothing in
//  flight: a row or two read, nothing written, so they hold up nobody and
//  save the two hand-overs to a worker and back
#define API_QUICK_SIZE      512
static const char *s_quick_ops [] = { "whoami", NULL };

//  A worker: serves what the actor hands it, one request at a time
static void
s_worker (zsock_t *pipe, void *args)
{
    worker_t *worker = (worker_t *) args;
    api_t *api = api_new (worker->front->meshd, worker->front->shared);
    zsock_t *replies = zsock_new_push (worker->front->replies_endpoint);
    if (api && replies)
        api_connect (api);
    else
        api_destroy (&api);
    worker->ready = api != NULL;
    zsock_signal (pipe, 0);
    while (api) {
        zmsg_t *msg = zmsg_recv (pipe);
        if (!msg)
            break;
        char *socket = zmsg_popstr (msg);
        if (!socket || streq (socket, "$TERM")) {
            free (socket);
            zmsg_destroy (&msg);
            break;
        }
        zframe_t *body = zmsg_last (msg);
        if (atomic_load (&worker->front->stopping)) {
            //  nobody would read the reply: the request is not served
            sodium_memzero (zframe_data (body), zframe_size (body));
            atomic_fetch_add (&worker->front->unserved, 1);
            free (socket);
            zmsg_destroy (&msg);
            continue;
        }
        char *user_id = zmsg_popstr (msg);
        char *reply = api_request (api, (const char *) zframe_data (body), zframe_size (body),
                                   user_id && *user_id? user_id: NULL);
        zmsg_remove (msg, body);
        //  the request may hold a password
        sodium_memzero (zframe_data (body), zframe_size (body));
        zframe_destroy (&body);
        zmsg_pushstr (msg, socket);
        zmsg_pushmem (msg, &worker->number, sizeof worker->number);
        zmsg_addstr (msg, reply);
        free (reply);
        free (user_id);
        free (socket);
        zmsg_send (&msg, replies);
    }
    zsock_destroy (&replies);
    api_destroy (&api);
}

static void
s_client_destroy (void **item)
{
    free (*item);
    *item = NULL;
}

//  The key of a client: its socket and its routing id
static void
s_client_key (char *key, const char *socket, zframe_t *routing_id)
{
    key [0] = socket [0];
    size_t size = zframe_size (routing_id);
    const byte *data = zframe_data (routing_id);
    for (size_t i = 0; i < size && i < 255; i++)
        sprintf (key + 1 + 2 * i, "%02x", data [i]);
    key [1 + 2 * (size < 255? size: 255)] = 0;
}

static void
s_send_to_worker (front_t *self, size_t worker, zmsg_t **msg_p)
{
    if (self->workers [worker].in_flight < API_WORKER_QUEUE) {
        self->workers [worker].in_flight++;
        zmsg_send (msg_p, self->workers [worker].actor);
    }
    else {
        //  the worker is full: nothing more is read until it has room
        self->held = *msg_p;
        self->held_worker = worker;
        *msg_p = NULL;
    }
}

//  The request parsed, if it is one the actor serves itself; else NULL
static json_t *
s_quick (zframe_t *body)
{
    if (zframe_size (body) > API_QUICK_SIZE)
        return NULL;
    json_t *request = json_loadb ((const char *) zframe_data (body), zframe_size (body), API_JSON_FLAGS, NULL);
    const char *op = json_string_value (json_object_get (request, "op"));
    bool quick = false;
    for (int i = 0; op && s_quick_ops [i] && !quick; i++)
        quick = streq (op, s_quick_ops [i]);
    if (!quick)
        json_decref (request);
    return quick? request: NULL;
}

//  A reply to its client, or dropped and counted
static void
s_send_reply (front_t *self, zmsg_t **msg_p, zsock_t *sock)
{
    if (zmsg_send (msg_p, sock)) {
        //  the client is gone, or has API_REPLY_HWM replies it has not read
        zmsg_destroy (msg_p);
        uint64_t dropped = api_shared_dropped (self->shared);
        vd_complain (&self->complaint, "api: a reply dropped: its client is gone or does not read "
                     "(%" PRIu64 " so far)", dropped);
    }
}

//  A request from a client, if one is waiting: to its worker
static bool
s_request (front_t *self, zsock_t *sock)
{
    zmsg_t *msg = zmsg_recv (sock);
    if (!msg)
        return false;
    zframe_t *body = zmsg_last (msg);
    bool tcp = sock == self->tcp;
    const char *user_id = body? zframe_meta (body, "User-Id"): NULL;
    if (zmsg_size (msg) < 2 || (tcp && (!user_id || strncmp (user_id, "user:", 5)))) {
        zmsg_destroy (&msg);
        return true;            //  a User-Id is always there with ZAP; refused anyway
    }
    const char *socket = tcp? "t": "l";
    char key [512];
    s_client_key (key, socket, zmsg_first (msg));
    client_t *client = (client_t *) zhashx_lookup (self->clients, key);
    json_t *quick = client? NULL: s_quick (body);
    if (quick) {
        char *reply = api_request_parsed (self->api, quick, tcp? user_id: NULL);
        zmsg_remove (msg, body);
        sodium_memzero (zframe_data (body), zframe_size (body));     //  its token
        zframe_destroy (&body);
        zmsg_addstr (msg, reply);
        free (reply);
        s_send_reply (self, &msg, tcp? self->tcp: self->local);
        return true;
    }
    if (!client) {
        client = (client_t *) zmalloc (sizeof (client_t));
        for (size_t w = 1; w < self->worker_count; w++)
            if (self->workers [w].in_flight < self->workers [client->worker].in_flight)
                client->worker = w;
        zhashx_insert (self->clients, key, client);
    }
    client->in_flight++;
    zmsg_pushstr (msg, tcp? user_id: "");
    zmsg_pushstr (msg, socket);
    s_send_to_worker (self, client->worker, &msg);
    return true;
}

//  A reply from a worker, if one is waiting: to its client
static bool
s_reply (front_t *self)
{
    zmsg_t *msg = zmsg_recv (self->replies);
    if (!msg)
        return false;
    zframe_t *number = zmsg_pop (msg);
    size_t worker;
    memcpy (&worker, zframe_data (number), sizeof worker);
    zframe_destroy (&number);
    self->workers [worker].in_flight--;
    char *socket = zmsg_popstr (msg);
    char key [512];
    s_client_key (key, socket, zmsg_first (msg));
    client_t *client = (client_t *) zhashx_lookup (self->clients, key);
    if (client && --client->in_flight == 0)
        zhashx_delete (self->clients, key);
    zsock_t *sock = streq (socket, "t")? self->tcp: self->local;
    free (socket);
    s_send_reply (self, &msg, sock);
    if (self->held && self->held_worker == worker)
        s_send_to_worker (self, worker, &self->held);
    return true;
}

//  A ROUTER for clients: replies bounded per client, never waited on
static void
s_router_bounds (zsock_t *sock)
{
    zsock_set_sndhwm (sock, API_REPLY_HWM);
    zsock_set_sndtimeo (sock, 0);
    zsock_set_router_mandatory (sock, 1);
    zsock_set_rcvtimeo (sock, 0);   //  taken while there are some, never waited on
}

static int
s_start (front_t *self, const char *endpoint)
{
    meshd_t *meshd = self->meshd;
    int64_t max_request = vd_config_int (meshd->config, "api/max_request");
    int64_t workers = vd_config_int (meshd->config, "api/workers");
    if (workers < 1 || workers > API_WORKERS_MAX) {
        zsys_error ("api: api/workers is %" PRId64 "; it must be between 1 and %d", workers, API_WORKERS_MAX);
        return -1;
    }
    self->shared = api_shared_new (meshd);
    self->local = zsock_new (ZMQ_ROUTER);
    snprintf (self->replies_endpoint, sizeof self->replies_endpoint, "inproc://api-replies-%p", (void *) self);
    self->replies = zsock_new_pull (self->replies_endpoint);
    if (!self->shared || !self->local || !self->replies)
        return -1;
    zsock_set_rcvtimeo (self->replies, 0);
    self->api = api_new (meshd, self->shared);
    if (!self->api)
        return -1;
    api_connect (self->api);
    self->workers = (worker_t *) zmalloc ((size_t) workers * sizeof (worker_t));
    for (self->worker_count = 0; self->worker_count < (size_t) workers; self->worker_count++) {
        worker_t *worker = &self->workers [self->worker_count];
        worker->front = self;
        worker->number = self->worker_count;
        worker->actor = zactor_new (s_worker, worker);
        if (!worker->ready) {
            self->worker_count++;       //  stopped with the others
            return -1;
        }
    }
    zsock_set_maxmsgsize (self->local, max_request + 4096);
    s_router_bounds (self->local);
    if (strneq (endpoint, "") && strncmp (endpoint, "ipc://", 6) == 0)
        unlink (endpoint + 6);      //  a stale socket of a crashed meshd
    if (vd_bind (self->local, endpoint)) {
        zsys_error ("api: cannot bind %s: %s", endpoint, zmq_strerror (zmq_errno ()));
        return -1;
    }
    const char *tcp_endpoint = vd_config_str (meshd->config, "api/tcp");
    if (*tcp_endpoint) {
        self->tcp = zsock_new (ZMQ_ROUTER);
        s_router_bounds (self->tcp);
        if (meshd_curve_server (self->tcp, meshd, MESHD_ZAP_DOMAIN_API, max_request + 4096))
            return -1;
        if (vd_bind (self->tcp, tcp_endpoint)) {
            zsys_error ("api: cannot bind %s: %s", tcp_endpoint, zmq_strerror (zmq_errno ()));
            return -1;
        }
    }
    self->self_interval = vd_config_int (meshd->config, "self/interval");
    if (self->self_interval > 0) {
        self->store = zsock_new (ZMQ_PUSH);
        if (!self->store || zsock_connect (self->store, MESHD_STORE_IN))
            return -1;
        zsock_set_sndtimeo (self->store, 0);
        self->next_self = vd_mono_ms () + self->self_interval;
    }
    zsys_info ("api: listening on %s%s%s, %zu workers", endpoint, self->tcp? " and ": "",
               self->tcp? tcp_endpoint: "", self->worker_count);
    return 0;
}

static void
s_stop (front_t *self)
{
    //  a worker finishes the request it is serving first; what is queued
    //  behind it is dropped, since no reply would reach its client
    atomic_store (&self->stopping, true);
    for (size_t w = self->worker_count; w-- > 0; )
        zactor_destroy (&self->workers [w].actor);
    size_t unserved = atomic_load (&self->unserved);
    if (unserved)
        zsys_info ("api: stopped; %zu queued requests not served", unserved);
    free (self->workers);
    zmsg_destroy (&self->held);
    zsock_destroy (&self->local);
    zsock_destroy (&self->tcp);
    zsock_destroy (&self->replies);
    zsock_destroy (&self->store);
    zhashx_destroy (&self->clients);
    api_destroy (&self->api);
    api_shared_destroy (&self->shared);
}

void
api_actor (zsock_t *pipe, void *args)
{
    front_t self = { .meshd = (meshd_t *) args };
    self.clients = zhashx_new ();
    zhashx_set_destructor (self.clients, s_client_destroy);
    char *endpoint = meshd_api_endpoint (self.meshd);
    bool ok = s_start (&self, endpoint) == 0;
    zsock_signal (pipe, 0);
    if (!ok)
        vd_actor_failed (pipe);
    //  the pipe, the workers' replies, and the clients while no request is held
    while (ok) {
        zsock_t *clients [2] = { self.held? NULL: self.local, self.held? NULL: self.tcp };
        zmq_pollitem_t items [4] = {
            { zsock_resolve (pipe), 0, ZMQ_POLLIN, 0 },
            { zsock_resolve (self.replies), 0, ZMQ_POLLIN, 0 } };
        int count = 2;
        for (int c = 0; c < 2; c++)
            if (clients [c])
                items [count++] = (zmq_pollitem_t) { zsock_resolve (clients [c]), 0, ZMQ_POLLIN, 0 };
        long timeout = self.store? (long) (self.next_self - vd_mono_ms ()): -1;
        if (zmq_poll (items, count, self.store && timeout < 0? 0: timeout) == -1 && zmq_errno () != EINTR)
            break;
        if (self.store && vd_mono_ms () >= self.next_self)
            s_self_report (&self);
        for (int n = 0; (items [1].revents & ZMQ_POLLIN) && n < API_BATCH && s_reply (&self); n++)
            ;
        for (int c = 0, at = 2; c < 2; c++)
            if (clients [c] && items [at++].revents & ZMQ_POLLIN)
                for (int n = 0; n < API_BATCH && !self.held && s_request (&self, clients [c]); n++)
                    ;
        if (items [0].revents & ZMQ_POLLIN) {
            bool term;
            char *command = vd_actor_command (pipe, &term);
            if (command && streq (command, "STATS")) {
                uint64_t failures;
                uint64_t requests = api_shared_requests (self.shared, &failures, NULL);
                zsock_send (pipe, "88", requests, failures);
            }
            free (command);
            if (term)
                break;
        }
    }
    if (strncmp (endpoint, "ipc://", 6) == 0 && ok)
        unlink (endpoint + 6);
    free (endpoint);
    s_stop (&self);
}
