/*  meshd/core/conns.c: the TCP connections a probe was heard on, so that
    a revoked probe's can be closed. libzmq 4.3 has no call that closes one
    peer of a ROUTER, and ZAP is asked only at the handshake: a revoked
    probe's connection would stay open, refused message by message, for as
    long as it pleased. Each message tells the socket it came on
    (ZMQ_SRCFD); shutting that socket down ends the connection as a dead
    peer would, and the reconnection meets ZAP, which refuses the key.     */
#include "meshd.h"
#include "core/conns.h"

static bool
s_same_peer (const mesh_conn_t *conn)
{
    struct sockaddr_storage now;
    socklen_t size = sizeof now;
    return getpeername (conn->fd, (struct sockaddr *) &now, &size) == 0
        && size == conn->size && memcmp (&now, &conn->peer, size) == 0;
}

void
mesh_conns_saw (mesh_conns_t *self, int fd, bool first)
{
    if (fd < 0)
        return;
    mesh_conn_t *conn = NULL;
    for (int i = 0; i < self->count && !conn; i++)
        if (self->conn [i].fd == fd)
            conn = &self->conn [i];
    if (conn && !first)
        return;
    if (!conn) {
        if (self->count < MESH_CONNS_MAX)
            conn = &self->conn [self->count++];
        else {
            conn = &self->conn [self->next];
            self->next = (self->next + 1) % MESH_CONNS_MAX;
        }
    }
    conn->fd = fd;
    conn->size = sizeof conn->peer;
    if (getpeername (fd, (struct sockaddr *) &conn->peer, &conn->size))
        conn->size = 0;                 //  matches nothing: never shut down
}

int
mesh_conns_close (const mesh_conns_t *self)
{
    int closed = 0;
    for (int i = 0; i < self->count; i++)
        if (self->conn [i].size && s_same_peer (&self->conn [i])
        &&  shutdown (self->conn [i].fd, SHUT_RDWR) == 0)
            closed++;
    return closed;
}
