/*  tests/bench/api_bench: API requests per second and latency, from N
    concurrent clients over CURVE tcp, each sending one request and waiting
    for its reply (closed loop).

    api_bench ENDPOINT KEYFILE OP ARGS-JSON CLIENTS SECONDS
        against meshd, with a client key from `vedette apikey add`
    api_bench --echo BYTES CLIENTS SECONDS
        the reference: the same clients against a CURVE ROUTER in this
        process that answers every request with BYTES bytes at once, the
        transport's ceiling on this machine

    Prints: requests N rps R p50_us A p99_us B bytes C                      */
#include "vedette.h"
#include <pthread.h>

typedef struct {
    const char *endpoint;
    const char *server_key;
    zcert_t *key;               //  the client key, shared read-only
    const char *request;
    int64_t deadline;           //  monotonic ms
    int64_t *latencies;         //  µs
    size_t count, size;
    size_t reply_bytes;
    bool failed;
} client_t;

static int64_t
s_now_us (void)
{
    struct timespec ts;
    clock_gettime (CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000000LL + ts.tv_nsec / 1000;
}

static void *
s_client (void *args)
{
    client_t *self = (client_t *) args;
    zsock_t *dealer = zsock_new (ZMQ_DEALER);
    zcert_apply (self->key, zsock_resolve (dealer));
    zsock_set_curve_serverkey (dealer, self->server_key);
    zsock_set_rcvtimeo (dealer, 10000);
    zsock_connect (dealer, "%s", self->endpoint);
    while (s_now_us () / 1000 < self->deadline) {
        int64_t start = s_now_us ();
        zstr_send (dealer, self->request);
        zframe_t *reply = zframe_recv (dealer);
        if (!reply) {
            self->failed = true;
            break;
        }
        self->reply_bytes = zframe_size (reply);
        if (zframe_size (reply) > 10 && memcmp (zframe_data (reply), "{\"id\":1,\"e", 10) == 0) {
            fprintf (stderr, "api_bench: %.*s\n", (int) zframe_size (reply), zframe_data (reply));
            self->failed = true;
        }
        zframe_destroy (&reply);
        if (self->failed)
            break;
        if (self->count == self->size) {
            self->size = self->size? self->size * 2: 65536;
            self->latencies = (int64_t *) realloc (self->latencies, self->size * sizeof (int64_t));
        }
        self->latencies [self->count++] = s_now_us () - start;
    }
    zsock_destroy (&dealer);
    return NULL;
}

//  The reference server: answers each request with a fixed reply
static void
s_echo (zsock_t *pipe, void *args)
{
    size_t bytes = *(size_t *) args;
    char *body = (char *) malloc (bytes);
    memset (body, 'x', bytes);
    zsock_t *router = (zsock_t *) zsock_new (ZMQ_ROUTER);
    zcert_t *cert = zcert_new ();
    zsock_set_curve_server (router, 1);
    zcert_apply (cert, zsock_resolve (router));
    int port = zsock_bind (router, "tcp://127.0.0.1:*");
    zsock_signal (pipe, 0);
    zsock_send (pipe, "is", port, zcert_public_txt (cert));
    zpoller_t *poller = zpoller_new (pipe, router, NULL);
    while (zpoller_wait (poller, -1) == router) {
        zmsg_t *msg = zmsg_recv (router);
        zframe_t *request = zmsg_last (msg);
        zmsg_remove (msg, request);
        zframe_destroy (&request);
        zmsg_addmem (msg, body, bytes);
        zmsg_send (&msg, router);
    }
    zpoller_destroy (&poller);
    zsock_destroy (&router);
    zcert_destroy (&cert);
    free (body);
}

static int
s_compare (const void *a, const void *b)
{
    int64_t x = *(const int64_t *) a, y = *(const int64_t *) b;
    return x < y? -1: x > y;
}

static int
s_run (const char *endpoint, const char *server_key, zcert_t *key, const char *request,
       int clients, int seconds)
{
    client_t *all = (client_t *) calloc ((size_t) clients, sizeof (client_t));
    pthread_t *threads = (pthread_t *) calloc ((size_t) clients, sizeof (pthread_t));
    int64_t start = s_now_us ();
    for (int i = 0; i < clients; i++) {
        all [i].endpoint = endpoint;
        all [i].server_key = server_key;
        all [i].key = key;
        all [i].request = request;
        all [i].deadline = start / 1000 + seconds * 1000;
        pthread_create (&threads [i], NULL, s_client, &all [i]);
    }
    size_t total = 0;
    bool failed = false;
    for (int i = 0; i < clients; i++) {
        pthread_join (threads [i], NULL);
        total += all [i].count;
        failed |= all [i].failed;
    }
    double elapsed = (double) (s_now_us () - start) / 1e6;
    int64_t *latencies = (int64_t *) malloc ((total + 1) * sizeof (int64_t));
    size_t n = 0;
    for (int i = 0; i < clients; i++) {
        memcpy (latencies + n, all [i].latencies, all [i].count * sizeof (int64_t));
        n += all [i].count;
        free (all [i].latencies);
    }
    qsort (latencies, n, sizeof (int64_t), s_compare);
    printf ("requests %zu rps %.0f p50_us %lld p99_us %lld bytes %zu\n", n, (double) n / elapsed,
            n? (long long) latencies [n / 2]: 0, n? (long long) latencies [n * 99 / 100]: 0,
            all [0].reply_bytes);
    free (latencies);
    free (all);
    free (threads);
    return failed || n == 0? 1: 0;
}

int
main (int argc, char *argv [])
{
    zsys_init ();
    zsys_set_io_threads (2);
    if (argc == 5 && streq (argv [1], "--echo")) {
        size_t bytes = (size_t) atol (argv [2]);
        zactor_t *server = zactor_new (s_echo, &bytes);
        int port;
        char *key;
        zsock_recv (server, "is", &port, &key);
        char endpoint [64];
        snprintf (endpoint, sizeof endpoint, "tcp://127.0.0.1:%d", port);
        zcert_t *client = zcert_new ();
        int rc = s_run (endpoint, key, client, "{\"op\":\"echo\",\"id\":1}", atoi (argv [3]),
                        atoi (argv [4]));
        zcert_destroy (&client);
        zstr_free (&key);
        zactor_destroy (&server);
        return rc;
    }
    if (argc != 7) {
        fprintf (stderr, "usage: api_bench ENDPOINT KEYFILE OP ARGS-JSON CLIENTS SECONDS\n"
                         "       api_bench --echo BYTES CLIENTS SECONDS\n");
        return 2;
    }
    zcert_t *key = zcert_load (argv [2]);
    if (!key || !zcert_meta (key, "server-key")) {
        fprintf (stderr, "api_bench: %s: not a client key\n", argv [2]);
        return 1;
    }
    //  every client connects with the registered key: meshd admits no other
    char *request = zsys_sprintf ("{\"op\":\"%s\",\"id\":1,\"args\":%s}", argv [3], argv [4]);
    int rc = s_run (argv [1], zcert_meta (key, "server-key"), key, request, atoi (argv [5]),
                    atoi (argv [6]));
    free (request);
    zcert_destroy (&key);
    return rc;
}
