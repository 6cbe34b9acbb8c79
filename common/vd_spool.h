/*  vd_spool: the probe's outbox, a SQLite queue of sequenced messages.

    Every outbound data message is appended here with the next sequence
    number before it is sent, and deleted only when meshd acknowledges a
    sequence number at or above it, so nothing is lost while meshd or the
    link is down, or when the probe itself is killed.                       */
#ifndef VD_SPOOL_H_INCLUDED
#define VD_SPOOL_H_INCLUDED

#include <czmq.h>
#include <stdint.h>

typedef struct _vd_spool_t vd_spool_t;

//  Opens (creates) the spool at path; max_bytes bounds the payload kept
//  (0: no bound). NULL on failure, logged.
vd_spool_t *vd_spool_new (const char *path, int64_t max_bytes);
//  Closes the spool; accepts NULL.
void vd_spool_destroy (vd_spool_t **self_p);
//  Appends a message; returns its sequence number (> 0), or 0 if the spool is
//  full (the message is dropped and counted), or -1 on error.
int64_t vd_spool_append (vd_spool_t *self, const char *command, const char *header,
                         const void *payload, size_t size);
//  Deletes every message with a sequence number up to seq. 0 or -1.
int vd_spool_ack (vd_spool_t *self, uint64_t seq);
//  Fetches the oldest message after sequence number after. Returns 1 and
//  fills the outputs (caller frees command, header, destroys payload), 0 if
//  there is none, -1 on error.
int vd_spool_next (vd_spool_t *self, uint64_t after, uint64_t *seq, char **command,
                   char **header, zframe_t **payload);
//  Messages waiting for an acknowledgement.
int64_t vd_spool_count (vd_spool_t *self);
//  Payload bytes waiting.
int64_t vd_spool_bytes (vd_spool_t *self);
//  Highest sequence number ever assigned (0 if none), kept across restarts.
uint64_t vd_spool_last (vd_spool_t *self);
//  Highest sequence number acknowledged (0 if none), kept across restarts.
uint64_t vd_spool_acked (vd_spool_t *self);
//  Messages dropped because the spool was full.
uint64_t vd_spool_dropped (vd_spool_t *self);

#endif
