/*  meshd/core/curve.c: a CURVE server fails closed. With no ZAP handler in
    the process, as when meshd's auth actor has ended, a client that has the
    server's key is refused and nothing it sends arrives; with a handler
    that admits every key the same client gets through (so the refusal is
    the missing handler's, not the test's); once that handler has ended,
    the client is refused again.                                          */
#include "testing.h"
#include "../../meshd/meshd.h"

typedef enum { REFUSED, RECEIVED, NEITHER } outcome_t;

//  A client sends to a fresh server until the server receives its message,
//  or the server reports the handshake failed, or 10 s have passed
static outcome_t
s_try (meshd_t *meshd)
{
    zsock_t *server = zsock_new (ZMQ_ROUTER);
    assert (server);
    CHECK (meshd_curve_server (server, meshd, "vedette-test", 4096) == 0);
    zactor_t *monitor = zactor_new (zmonitor, server);
    zstr_sendx (monitor, "LISTEN", "ALL", NULL);
    zstr_send (monitor, "START");
    zsock_wait (monitor);
    int port = zsock_bind (server, "tcp://127.0.0.1:*");
    assert (port > 0);

    zcert_t *cert = zcert_new ();
    zsock_t *client = zsock_new (ZMQ_DEALER);
    zcert_apply (cert, client);
    zsock_set_curve_serverkey (client, zcert_public_txt (meshd->cert));
    zsock_set_reconnect_ivl (client, 50);
    zsock_connect (client, "tcp://127.0.0.1:%d", port);
    zstr_send (client, "hello");

    outcome_t outcome = NEITHER;
    zpoller_t *poller = zpoller_new (server, monitor, NULL);
    int64_t deadline = zclock_mono () + 10000;
    while (outcome == NEITHER && zclock_mono () < deadline) {
        void *which = zpoller_wait (poller, (int) (deadline - zclock_mono ()));
        if (which == server) {
            zmsg_t *msg = zmsg_recv (server);
            outcome = zmsg_size (msg) == 2? RECEIVED: NEITHER;
            zmsg_destroy (&msg);
        }
        else
        if (which == monitor) {
            zmsg_t *event = zmsg_recv (monitor);
            char *name = zmsg_popstr (event);
            if (name && strncmp (name, "HANDSHAKE_FAILED", 16) == 0)
                outcome = REFUSED;
            free (name);
            zmsg_destroy (&event);
        }
    }
    zpoller_destroy (&poller);
    zsock_destroy (&client);
    zcert_destroy (&cert);
    zactor_destroy (&monitor);
    zsock_destroy (&server);
    return outcome;
}

int
main (void)
{
    meshd_t meshd = { .cert = zcert_new () };
    //  no ZAP handler at all
    CHECK (s_try (&meshd) == REFUSED);
    //  one that admits any key: the client gets through
    zactor_t *auth = zactor_new (zauth, NULL);
    zstr_sendx (auth, "CURVE", CURVE_ALLOW_ANY, NULL);
    zsock_wait (auth);
    CHECK (s_try (&meshd) == RECEIVED);
    //  the handler ends: refused again, never let through
    zactor_destroy (&auth);
    CHECK (s_try (&meshd) == REFUSED);
    zcert_destroy (&meshd.cert);
    TESTS_DONE ();
}
