/*  meshd/backup: configuration backups (vedette backup). The probes fetch;
    meshd keeps the models, tells each probe what to back up (CONFIG),
    stores each version that differs from the one before (sealed, like
    credentials) and answers listings and diffs (libgit2).

        models.c    the models: shipped ones and models/dir's files; guessing
        config.c    CONFIG's "backups" and "models" for a probe
        ingest.c    a probe's backup report, in the store's transaction
        version.c   a version's text: compress, seal, open; diffs (libgit2)
        target.c    device.set's backup arguments
        test.c      a live credential test through the device's probe
        overdue.c   devices not backed up within twice their interval
        op_backup.c the API: backup.run, list, show, diff, status, models,
                    accept, schedule                                      */
#ifndef MESHD_BACKUP_H_INCLUDED
#define MESHD_BACKUP_H_INCLUDED

#include "meshd.h"

//  A device's backup interval, in SQL over backup_target t and device d:
//  its own (device set --backup-every), else its site's (backup schedule),
//  else the default it was given
#define BACKUP_EVERY_SQL    "coalesce (CASE WHEN t.every_own THEN t.every_ms END, " \
                            "(SELECT b.every_ms FROM backup_site b WHERE b.site_id = d.site_id), t.every_ms)"

//  -- models.c

typedef struct {
    char *name;
    char *source;               //  "shipped" or the file's path
    char *text;
    char *error;                //  why the file does not load (model NULL)
    vd_backup_model_t *model;
} backup_model_t;

typedef struct _backup_models_t backup_models_t;

//  The shipped models, then the files DIR/*.model (one of the same name
//  replaces a shipped one; one that does not load is kept with its error).
backup_models_t *backup_models_load (meshd_t *meshd);
void backup_models_destroy (backup_models_t **self_p);
backup_model_t *backup_models_first (backup_models_t *self);
backup_model_t *backup_models_next (backup_models_t *self);
//  A model that loaded, by name; NULL if none
backup_model_t *backup_models_find (backup_models_t *self, const char *name);
//  A device's model: the one named, else the one its sysDescr (a pattern)
//  or else its sysObjectID (the longest prefix) fits; NULL if none
backup_model_t *backup_models_pick (backup_models_t *self, const char *name, const char *object_id,
                                    const char *descr);
//  The directory of the operator's models (models/dir, else DIR/models); caller frees
char *backup_models_dir (meshd_t *meshd);

//  -- config.c

//  The probe's devices to back up ("backups"), the models they use
//  ("models": name -> text) and their credentials opened into creds.
//  Inside the caller's read transaction.
void backup_config (meshd_t *meshd, sqlite3 *db, const unsigned char *key, int64_t probe_id,
                    json_t *config, json_t *creds);

//  -- version.c

//  The text of a device's version (0: the latest); NULL if there is none
//  or it does not open. Caller frees (backup_text_free).
char *backup_text (sqlite3 *db, const unsigned char *key, int64_t device_id, int64_t version,
                   int64_t *found);
void backup_text_free (char **text_p);
//  Inflates zlib data of at most max bytes; NULL if it is not zlib or larger
char *backup_inflate (const void *data, size_t size, size_t max);
//  Lines added and removed from a to b (libgit2's diff)
int backup_diff_stats (const char *a, const char *b, int64_t *added, int64_t *removed);
//  A unified diff of a to b with the given context lines (libgit2's
//  patch); caller frees
char *backup_diff (const char *a, const char *b, const char *a_name, const char *b_name, int context);

//  -- test.c

#ifdef MESHD_API_H_INCLUDED
//  cred.test: logs into a device with an ssh credential through its probe,
//  live (api_live); the call's model and port override the device's
json_t *backup_test (api_t *api, api_call_t *call, const char *cred, int64_t device_id);
#endif

//  -- overdue.c

//  Marks the devices not backed up within twice their interval overdue,
//  once each, with the event backup.overdue; inside the caller's
//  transaction. How many, or -1 (roll back).
int backup_overdue (sqlite3 *db);

//  -- ingest.c

//  A probe's backup report (kind "backup"): the outcome recorded on its
//  target, a new version if the text changed, events backup.changed and
//  backup.failed. *events is set when events were recorded. 0, or -1 on a
//  database error (roll back); a bad report counts in *bad.
int backup_ingest (sqlite3 *db, const unsigned char *key, int64_t probe_id, json_t *report,
                   uint64_t *bad, bool *events);

#ifdef MESHD_API_H_INCLUDED
//  -- target.c

//  Whether device.set names a backup argument
bool backup_target_wanted (api_call_t *call);
//  device.set's backup, no_backup, model, backup_every and backup_port,
//  inside the caller's transaction; detail gets what changed. 0, or -1
//  with the call failed.
int backup_target_apply (api_t *api, api_call_t *call, int64_t device_id, json_t *detail);
#endif

#endif
