/*  meshd/housekeeping/rollup.c: 5-minute, 1-hour and 1-day rollups.

    Compaction marks each series it stored samples of in rollup_pending,
    from the oldest of them. Here the 5-minute buckets from there on are
    computed again from the chunks (a day of them at most a call; a late
    sample, from a probe's spool after a link cut, marks its own bucket and
    it is computed again the same way), then the hours over them from the
    5-minute rows and the days from the hours: rollups of rollups, exact for
    count, sum, min, max and last, within 1% for the quantiles (vd_sketch
    merges). A bucket is UTC-aligned and holds what was stored when it was
    last computed; the newest is partial until its time has passed.       */
#include "housekeeping/housekeeping.h"

const int64_t rollup_steps [ROLLUP_STEPS] = { 300, 3600, 86400 };

#define US              1000000LL
#define HOUR_US         (3600 * US)
#define SPAN_US         (86400 * US)        //  raw samples rolled up a call, per series
#define FINEST_US       (300 * US)
#define SPAN_BUCKETS    (SPAN_US / FINEST_US)
//  The rollup rows of a series at a step starting in [?3, ?4), in time
//  order, as s_merge_row reads them
#define ROLLUP_ROWS     "SELECT t, count, lost, sum, min, max, last, sketch FROM rollup " \
                        "WHERE series_id = ? AND step = ? AND t >= ? AND t < ? ORDER BY t"

int64_t
rollup_floor (int64_t t, int64_t step_us)
{
    int64_t below = t % step_us;
    return below < 0? t - below - step_us: t - below;
}

void
rollup_add (rollup_t *self, int64_t ts, double value, uint32_t flags, bool latency)
{
    if (flags & VD_SAMPLE_LOST) {
        self->lost++;
        return;
    }
    if (!isfinite (value))
        return;
    if (self->count == 0 || value < self->min)
        self->min = value;
    if (self->count == 0 || value > self->max)
        self->max = value;
    if (self->count == 0 || ts >= self->last_ts) {
        self->last = value;
        self->last_ts = ts;
    }
    self->sum += value;
    self->count++;
    if (latency) {
        if (!self->sketch)
            self->sketch = vd_sketch_new ();
        vd_sketch_add (self->sketch, value);
    }
}

//  Adds a rollup row (t, count, lost, sum, min, max, last, sketch) read in
//  time order
static void
s_merge_row (rollup_t *self, sqlite3_stmt *row)
{
    int64_t count = sqlite3_column_int64 (row, 1);
    self->lost += sqlite3_column_int64 (row, 2);
    if (count > 0) {
        double min = sqlite3_column_double (row, 4), max = sqlite3_column_double (row, 5);
        if (self->count == 0 || min < self->min)
            self->min = min;
        if (self->count == 0 || max > self->max)
            self->max = max;
        self->sum += sqlite3_column_double (row, 3);
        self->last = sqlite3_column_double (row, 6);
        self->count += count;
    }
    if (sqlite3_column_type (row, 7) == SQLITE_BLOB) {
        if (!self->sketch)
            self->sketch = vd_sketch_new ();
        if (vd_sketch_merge_bytes (self->sketch, (const byte *) sqlite3_column_blob (row, 7),
                                   (size_t) sqlite3_column_bytes (row, 7)))
            zsys_warning ("rollup: a damaged sketch left out");
    }
}

static int
s_write (sqlite3_stmt *write, int64_t series_id, int64_t step, const rollup_t *bucket)
{
    sqlite3_bind_int64 (write, 1, series_id);
    sqlite3_bind_int64 (write, 2, step);
    sqlite3_bind_int64 (write, 3, bucket->t);
    sqlite3_bind_int64 (write, 4, bucket->count);
    sqlite3_bind_int64 (write, 5, bucket->lost);
    if (bucket->count) {
        sqlite3_bind_double (write, 6, bucket->sum);
        sqlite3_bind_double (write, 7, bucket->min);
        sqlite3_bind_double (write, 8, bucket->max);
        sqlite3_bind_double (write, 9, bucket->last);
    }
    else
        for (int column = 6; column <= 9; column++)
            sqlite3_bind_null (write, column);
    byte *sketch = NULL;
    size_t size = 0;
    if (bucket->sketch)
        sketch = vd_sketch_encode (bucket->sketch, &size);
    if (sketch)
        sqlite3_bind_blob (write, 10, sketch, (int) size, free);
    else
        sqlite3_bind_null (write, 10);
    int rc = sqlite3_step (write) == SQLITE_DONE? 0: -1;
    sqlite3_reset (write);
    return rc;
}

typedef struct {
    sqlite3 *db;
    sqlite3_stmt *chunks, *next, *write, *read, *done, *later;
} rollup_ctx_t;

//  The 5-minute buckets of [from, from + SPAN_US) from the chunks; *end is
//  where the last of them ends (from when there are none)
static int
s_finest (rollup_ctx_t *self, int64_t series_id, int64_t from, bool latency, int64_t *end)
{
    rollup_t *buckets = (rollup_t *) zmalloc (SPAN_BUCKETS * sizeof (rollup_t));
    int rc = 0;
    sqlite3_bind_int64 (self->chunks, 1, series_id);
    sqlite3_bind_int64 (self->chunks, 2, from);
    sqlite3_bind_int64 (self->chunks, 3, from + SPAN_US);
    while (rc == 0 && sqlite3_step (self->chunks) == SQLITE_ROW) {
        vd_chunk_iter_t iter;
        vd_chunk_iter_init (&iter, sqlite3_column_int (self->chunks, 2),
                            (const byte *) sqlite3_column_blob (self->chunks, 1),
                            (size_t) sqlite3_column_bytes (self->chunks, 1),
                            (uint32_t) sqlite3_column_int64 (self->chunks, 0));
        int64_t ts;
        double value;
        uint32_t flags;
        int got;
        while ((got = vd_chunk_iter_next (&iter, &ts, &value, &flags)) == 1)
            if (ts >= from && ts < from + SPAN_US) {
                int64_t at = (ts - from) / FINEST_US;
                rollup_add (&buckets [at], ts, value, flags, latency);
            }
        if (got < 0)
            zsys_warning ("rollup: series %lld: a corrupt chunk left out", (long long) series_id);
    }
    sqlite3_reset (self->chunks);
    *end = from;
    for (int64_t i = 0; i < SPAN_BUCKETS; i++) {
        if (rc == 0 && buckets [i].count + buckets [i].lost > 0) {
            buckets [i].t = from + i * FINEST_US;
            rc = s_write (self->write, series_id, rollup_steps [0], &buckets [i]);
            *end = buckets [i].t + FINEST_US;
        }
        vd_sketch_destroy (&buckets [i].sketch);
    }
    free (buckets);
    return rc;
}

//  The buckets of step level over [from, to) from those of the level below
static int
s_coarser (rollup_ctx_t *self, int64_t series_id, int level, int64_t from, int64_t to)
{
    int64_t step_us = rollup_steps [level] * US;
    int rc = 0;
    for (int64_t t = rollup_floor (from, step_us); rc == 0 && t < to; t += step_us) {
        rollup_t bucket = { .t = t };
        bool any = false;
        sqlite3_bind_int64 (self->read, 1, series_id);
        sqlite3_bind_int64 (self->read, 2, rollup_steps [level - 1]);
        sqlite3_bind_int64 (self->read, 3, t);
        sqlite3_bind_int64 (self->read, 4, t + step_us);
        while (sqlite3_step (self->read) == SQLITE_ROW) {
            s_merge_row (&bucket, self->read);
            any = true;
        }
        sqlite3_reset (self->read);
        if (any)
            rc = s_write (self->write, series_id, rollup_steps [level], &bucket);
        vd_sketch_destroy (&bucket.sketch);
    }
    return rc;
}

//  Rolls up one series from since; leaves it pending if it has more
static int
s_series (rollup_ctx_t *self, int64_t series_id, int64_t since, bool latency)
{
    int64_t from = rollup_floor (since, FINEST_US), to = from + SPAN_US, end;
    if (s_finest (self, series_id, from, latency, &end))
        return -1;
    //  the hours and days over the buckets just made, not the empty rest
    for (int level = 1; level < ROLLUP_STEPS; level++)
        if (s_coarser (self, series_id, level, from, end))
            return -1;
    //  samples past this span: pending from the next of them
    int64_t next = 0;
    sqlite3_bind_int64 (self->next, 1, series_id);
    sqlite3_bind_int64 (self->next, 2, to);
    if (sqlite3_step (self->next) == SQLITE_ROW && sqlite3_column_type (self->next, 0) != SQLITE_NULL)
        next = sqlite3_column_int64 (self->next, 0);
    sqlite3_reset (self->next);
    sqlite3_stmt *stmt = next? self->later: self->done;
    if (next)
        sqlite3_bind_int64 (stmt, 2, next > to? next: to);
    sqlite3_bind_int64 (stmt, 1, series_id);
    int rc = sqlite3_step (stmt) == SQLITE_DONE? 0: -1;
    sqlite3_reset (stmt);
    return rc;
}

int
rollup_run (sqlite3 *db, int max_series)
{
    rollup_ctx_t self = { .db = db };
    sqlite3_stmt *pending = vd_db_prepare (db,
        "SELECT p.series_id, p.since_us, s.unit, s.id FROM rollup_pending p "
        "LEFT JOIN series s ON s.id = p.series_id ORDER BY p.series_id LIMIT ?");
    //  a chunk lies within one clock hour: t0 bounds it from below
    self.chunks = vd_db_prepare (db,
        "SELECT count, data, format FROM chunk WHERE series_id = ?1 "
        "AND t0 >= ?2 - 3600000000 AND t0 < ?3 AND t1 >= ?2 ORDER BY t0");
    self.next = vd_db_prepare (db,
        "SELECT min (t0) FROM chunk WHERE series_id = ?1 AND t0 >= ?2 - 3600000000 AND t1 >= ?2");
    self.write = vd_db_prepare (db,
        "INSERT OR REPLACE INTO rollup (series_id, step, t, count, lost, sum, min, max, last, sketch) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    self.read = vd_db_prepare (db,
        ROLLUP_ROWS);
    self.done = vd_db_prepare (db, "DELETE FROM rollup_pending WHERE series_id = ?1");
    self.later = vd_db_prepare (db, "UPDATE rollup_pending SET since_us = ?2 WHERE series_id = ?1");
    int done = -1;
    if (pending && self.chunks && self.next && self.write && self.read && self.done && self.later) {
        //  the list first: rolling up changes rollup_pending
        typedef struct { int64_t id, since; bool latency, gone; } todo_t;
        todo_t *todo = (todo_t *) zmalloc ((size_t) max_series * sizeof (todo_t));
        int count = 0;
        sqlite3_bind_int (pending, 1, max_series);
        while (count < max_series && sqlite3_step (pending) == SQLITE_ROW) {
            const char *unit = (const char *) sqlite3_column_text (pending, 2);
            todo [count++] = (todo_t) { sqlite3_column_int64 (pending, 0), sqlite3_column_int64 (pending, 1),
                                        unit && streq (unit, "ms"),
                                        sqlite3_column_type (pending, 3) == SQLITE_NULL };
        }
        sqlite3_reset (pending);
        done = 0;
        for (int i = 0; i < count && done >= 0; i++) {
            int rc;
            if (todo [i].gone) {        //  its series was deleted
                sqlite3_bind_int64 (self.done, 1, todo [i].id);
                rc = sqlite3_step (self.done) == SQLITE_DONE? 0: -1;
                sqlite3_reset (self.done);
            }
            else
                rc = s_series (&self, todo [i].id, todo [i].since, todo [i].latency);
            done = rc? -1: done + 1;
        }
        free (todo);
    }
    sqlite3_finalize (pending);
    sqlite3_finalize (self.chunks);
    sqlite3_finalize (self.next);
    sqlite3_finalize (self.write);
    sqlite3_finalize (self.read);
    sqlite3_finalize (self.done);
    sqlite3_finalize (self.later);
    return done;
}

int64_t
rollup_step_for (int64_t step)
{
    int64_t best = 0;
    for (int level = 0; level < ROLLUP_STEPS; level++)
        if (rollup_steps [level] <= step)
            best = rollup_steps [level];
    return best;
}

int
rollup_read (sqlite3 *db, int64_t series_id, int64_t step, int64_t since, int64_t until,
             int64_t out_step, int max, rollup_t **result, bool *truncated)
{
    sqlite3_stmt *read = vd_db_prepare (db,
        ROLLUP_ROWS);
    if (!read)
        return -1;
    //  the newest max buckets at most: start no earlier than they do
    int64_t out_us = out_step * US;
    int64_t first = rollup_floor (since, out_us), newest = rollup_floor (until, out_us);
    *truncated = (newest - first) / out_us >= max;
    if (*truncated)
        first = newest - (max - 1) * out_us;
    sqlite3_bind_int64 (read, 1, series_id);
    sqlite3_bind_int64 (read, 2, step);
    sqlite3_bind_int64 (read, 3, first);
    sqlite3_bind_int64 (read, 4, until < INT64_MAX? until + 1: until);   //  until included
    rollup_t *buckets = NULL;
    int count = 0, limit = 0;
    while (sqlite3_step (read) == SQLITE_ROW) {
        int64_t t = rollup_floor (sqlite3_column_int64 (read, 0), out_us);
        if (count == 0 || buckets [count - 1].t != t) {
            if (count == limit) {
                limit = limit? limit * 2: 64;
                buckets = (rollup_t *) realloc (buckets, (size_t) limit * sizeof (rollup_t));
                assert (buckets);
            }
            buckets [count++] = (rollup_t) { .t = t };
        }
        s_merge_row (&buckets [count - 1], read);
    }
    sqlite3_finalize (read);
    *result = buckets;
    return count;
}

int
rollup_total (sqlite3 *db, int64_t series_id, int64_t step, int64_t from, int64_t to, rollup_t *total,
              double *means, int max_means)
{
    sqlite3_stmt *read = vd_db_prepare (db,
        ROLLUP_ROWS);
    if (!read)
        return -1;
    sqlite3_bind_int64 (read, 1, series_id);
    sqlite3_bind_int64 (read, 2, step);
    sqlite3_bind_int64 (read, 3, from);
    sqlite3_bind_int64 (read, 4, to);
    *total = (rollup_t) { .t = from };
    int buckets = 0;
    while (sqlite3_step (read) == SQLITE_ROW) {
        s_merge_row (total, read);
        int64_t count = sqlite3_column_int64 (read, 1);
        if (means && count > 0 && buckets < max_means)
            means [buckets++] = sqlite3_column_double (read, 3) / (double) count;
    }
    sqlite3_finalize (read);
    return buckets;
}

void
rollup_free (rollup_t **buckets_p, int count)
{
    if (*buckets_p) {
        for (int i = 0; i < count; i++)
            vd_sketch_destroy (&(*buckets_p) [i].sketch);
        free (*buckets_p);
        *buckets_p = NULL;
    }
}
