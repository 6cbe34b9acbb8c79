/*  meshd/housekeeping: the passes over stored data that keep it useful and
    bounded for years. rollup.c builds 5-minute, 1-hour and 1-day rollups of
    the series compaction touched; retention.c deletes what is older than
    its class keeps; backup.c copies the database; actor.c runs them.     */
#ifndef MESHD_HOUSEKEEPING_H_INCLUDED
#define MESHD_HOUSEKEEPING_H_INCLUDED

#include "meshd.h"

//  The rollup steps, in seconds, finest first
#define ROLLUP_STEPS    3
extern const int64_t rollup_steps [ROLLUP_STEPS];

//  Rolls up at most max_series of the series in rollup_pending, in the
//  caller's transaction: from each one's pending time, at most a day of
//  its samples (the rest stays pending). Returns series done, or -1.
int rollup_run (sqlite3 *db, int max_series);

//  One rollup bucket, or the merge of several
typedef struct {
    int64_t t;                  //  start (µs)
    int64_t count, lost;        //  samples with a value, samples lost
    double sum, min, max, last;
    int64_t last_ts;            //  of last, while samples are added
    vd_sketch_t *sketch;        //  latency series only, else NULL
} rollup_t;

//  The start of the step_us long bucket, aligned to the epoch, that holds t.
int64_t rollup_floor (int64_t t, int64_t step_us);
//  Adds a sample to a bucket: a lost one counts as lost, NaN and the
//  infinities not at all; latency keeps a sketch of the values.
void rollup_add (rollup_t *self, int64_t ts, double value, uint32_t flags, bool latency);

//  Reads the rollups of a series at step (seconds) between since and
//  until into buckets of out_step seconds (a multiple of step, aligned to
//  the epoch): the newest max at most (*truncated says if older ones were
//  left out). *result (caller frees with rollup_free) gets the buckets in
//  time order. Returns their number, or -1.
int rollup_read (sqlite3 *db, int64_t series_id, int64_t step, int64_t since, int64_t until,
                 int64_t out_step, int max, rollup_t **result, bool *truncated);
//  Merges the rollups of a series at step (seconds) that start in [from,
//  to) into *total (its sketch the caller's to destroy); with means, the
//  mean of each bucket that had values, in time order, at most max_means
//  (for percentiles of 5-minute means: burstable billing). Returns the
//  buckets with values, or -1.
int rollup_total (sqlite3 *db, int64_t series_id, int64_t step, int64_t from, int64_t to, rollup_t *total,
                  double *means, int max_means);
//  Frees buckets from rollup_read.
void rollup_free (rollup_t **buckets_p, int count);
//  The finest rollup step (seconds) that serves a read at step seconds: the
//  largest not above it; 0 if step is below the finest (raw samples).
int64_t rollup_step_for (int64_t step);

//  How long each class of data is kept (ms; 0: for ever)
typedef struct {
    int64_t raw;                //  chunks
    int64_t rollup [ROLLUP_STEPS];
    int64_t events;
    int64_t audit;
    int64_t notifications;
    int64_t states;             //  devices' state history
    int64_t ip_history;         //  ended PPP sessions, address sightings
} retention_t;

//  What retention deleted in a pass, and the classes it is done with
typedef struct {
    uint64_t chunks;
    uint64_t rollups [ROLLUP_STEPS];
    uint64_t events;
    uint64_t audit;
    uint64_t notifications;
    uint64_t states;
    uint64_t sessions;
    uint64_t sightings;
    unsigned done;              //  a bit per class with nothing more to delete
} retention_counts_t;

//  Deletes at most limit rows past retention, of the first class that has
//  any and is not done, in the caller's transaction; adds them to counts
//  and marks a class done once it gives fewer than limit. Returns the rows
//  deleted (0: nothing left to delete), or -1.
int retention_step (sqlite3 *db, const retention_t *keep, int64_t now_us, int limit,
                    retention_counts_t *counts);

//  Where scheduled backups go (backup/dir, or DIR/backups); caller frees.
char *backup_dir (meshd_t *meshd);
//  The newest scheduled backup in dir, or NULL; caller frees.
char *backup_newest (const char *dir);
//  When the newest scheduled backup in dir was written (µs), 0 if none.
int64_t backup_last_us (const char *dir);
//  Copies db to a new timestamped file in dir and deletes all but the
//  newest keep (0: all kept). 0 and *path_p (caller frees), or -1 and
//  *error (caller frees).
int backup_take (sqlite3 *db, const char *dir, int keep, char **path_p, char **error);
//  `vedette-meshd backup -d DIR FILE`: exit code.
int backup_command (const char *dir, const char *file);
//  `vedette-meshd restore -d DIR FILE`, refused while meshd runs (it
//  holds pid_path): exit code.
int restore_command (const char *dir, const char *file, const char *pid_path);
//  At start: quick_check for at most store/check_time (db NULL: it could
//  not be opened). -1 when the file is damaged: it says so on stderr and
//  in the log, naming the newest backup and how to restore it.
int backup_check_at_start (meshd_t *meshd, sqlite3 *db);

#endif
