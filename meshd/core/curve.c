/*  meshd/core/curve.c: how every CURVE socket that outsiders reach listens.
    Fail closed: the ZAP domain is enforced, so a handshake with no ZAP
    handler to answer it is refused (tests/unit/test_curve.c), never let
    through; auth.c is the handler.                                       */
#include "meshd.h"

//  Debian's libzmq has it, its header shows it only with the draft API
#ifndef ZMQ_ZAP_ENFORCE_DOMAIN
#   define ZMQ_ZAP_ENFORCE_DOMAIN  93
#endif

int
meshd_curve_server (zsock_t *sock, meshd_t *meshd, const char *domain, int64_t max_message)
{
    //  fail closed: with the domain enforced, libzmq refuses every
    //  handshake when no ZAP handler answers, instead of letting it through
    int enforce = 1;
    if (zmq_setsockopt (zsock_resolve (sock), ZMQ_ZAP_ENFORCE_DOMAIN, &enforce, sizeof enforce)) {
        zsys_error ("meshd: libzmq cannot enforce ZAP domains (%s): refusing to listen",
                    zmq_strerror (zmq_errno ()));
        return -1;
    }
    zsock_set_zap_domain (sock, domain);
    zcert_apply (meshd->cert, sock);
    zsock_set_curve_server (sock, 1);
    zsock_set_maxmsgsize (sock, max_message);
    zsock_set_handshake_ivl (sock, VD_WIRE_HANDSHAKE_IVL);
    zsock_set_heartbeat_ivl (sock, VD_WIRE_HEARTBEAT_IVL);
    zsock_set_heartbeat_timeout (sock, VD_WIRE_HEARTBEAT_TIMEOUT);
    zsock_set_heartbeat_ttl (sock, VD_WIRE_HEARTBEAT_TIMEOUT);
    return 0;
}
