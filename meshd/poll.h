/*  meshd/poll.h: SNMP poll reports into the database (store actor).  */
#ifndef MESHD_POLL_H_INCLUDED
#define MESHD_POLL_H_INCLUDED

#include "vedette.h"

typedef struct _poll_store_t poll_store_t;

//  Prepares the statements on the store's connection; NULL on failure.
poll_store_t *poll_store_new (sqlite3 *db);
void poll_store_destroy (poll_store_t **self_p);
//  Takes a POLLS message's payload (a JSON array of reports) from a probe,
//  inside the caller's transaction. *samples (valid until the next call)
//  receives the samples made, for the caller to store with the message's
//  sequence number. 0, or -1 on a database error (roll back).
int poll_store_ingest (poll_store_t *self, int64_t probe_id, const void *data, size_t size,
                       const byte **samples, size_t *samples_size);
//  After a rollback: forgets the series it made.
void poll_store_forget (poll_store_t *self);
//  True (once) if a report changed what a probe is told (discovery added
//  devices or finished a run): the caller sends it a new CONFIG.
bool poll_store_changed (poll_store_t *self);
//  Reports and parts of reports refused so far.
uint64_t poll_store_bad (poll_store_t *self);

#endif
