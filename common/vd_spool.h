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

//  Opens (creates) the spool at path; max_bytes bounds the payload kept,
//  max_age_ms the age of the oldest message (0: no bound). NULL on failure,
//  logged.
vd_spool_t *vd_spool_new (const char *path, int64_t max_bytes, int64_t max_age_ms);
//  Closes the spool; accepts NULL.
void vd_spool_destroy (vd_spool_t **self_p);
//  Appends a message of items (samples, events, reports); returns its
//  sequence number (> 0). A full spool first drops its oldest messages
//  that are not in flight, counting their items. Returns 0 if even so there
//  is no room (the message is dropped and counted), -1 on error.
int64_t vd_spool_append (vd_spool_t *self, const char *command, const char *header,
                         const void *payload, size_t size, int64_t items);
//  Drops (and counts) the messages older than the age cap. Returns the
//  messages dropped, or -1.
int vd_spool_expire (vd_spool_t *self);
//  Messages up to protect are in flight on a live link: never dropped.
//  Messages up to sent were sent once: if dropped, they are remembered
//  until vd_spool_resume tells whether meshd had them.
void vd_spool_protect (vd_spool_t *self, uint64_t protect, uint64_t sent);
//  Deletes every message with a sequence number up to seq. 0 or -1.
int vd_spool_ack (vd_spool_t *self, uint64_t seq);
//  On a new link, meshd says the last sequence number it committed: the
//  messages dropped after they were sent and that meshd has are taken off
//  the drop counts; the others are lost for good. 0, or -1.
int vd_spool_resume (vd_spool_t *self, uint64_t last);
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
//  Messages dropped (full, too old, or too large) since the spool was opened.
uint64_t vd_spool_evicted (vd_spool_t *self);
//  Items of command's messages dropped (full, or too old) for the life of
//  the spool file.
uint64_t vd_spool_dropped (vd_spool_t *self, const char *command);

#endif
