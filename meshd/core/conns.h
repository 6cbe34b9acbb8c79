/*  meshd/core/conns.h: the TCP connections a probe was heard on, so that
    a revoked probe's can be closed.                                       */
#ifndef MESHD_CONNS_H_INCLUDED
#define MESHD_CONNS_H_INCLUDED

#include <sys/socket.h>

#define MESH_CONNS_MAX  8

typedef struct {
    int fd;                             //  libzmq's socket (ZMQ_SRCFD)
    socklen_t size;
    struct sockaddr_storage peer;       //  who was at the other end then
} mesh_conn_t;

typedef struct {
    mesh_conn_t conn [MESH_CONNS_MAX];
    int count;
    int next;                           //  the slot reused once all are taken
} mesh_conns_t;

//  A message came on fd (< 0: unknown, ignored). first: a connection's
//  first message (HELLO), whose fd may be the number of one closed since,
//  so its peer is read again.
void mesh_conns_saw (mesh_conns_t *self, int fd, bool first);
//  Shuts down each connection still to the peer it was to when seen (an fd
//  closed and reused by another connection is left alone); libzmq sees the
//  end and drops the connection. Returns how many were shut down.
int mesh_conns_close (const mesh_conns_t *self);

#endif
