/*  meshd/monitor/series.c: reads one series: its chunks in the time range plus the
    uncompacted tail, in one read transaction so compaction running at the
    same time can neither hide a sample nor show it twice.

    Memory is bounded whatever the range: points gather in a buffer of
    twice the most asked for; when it fills, it is sorted and the older half
    let go, so a year of a one-second series costs what its last `max`
    points cost, and an allocation that fails is an error, not an abort.    */
#include "monitor/monitor.h"

typedef struct {
    series_point_t *points;
    int count, limit;
    int max;                    //  the newest this many are kept
    int64_t skipped;            //  older points let go
    bool failed;                //  out of memory
} points_t;

static int
s_by_time (const void *a, const void *b)
{
    int64_t ta = ((const series_point_t *) a)->ts_us;
    int64_t tb = ((const series_point_t *) b)->ts_us;
    return ta < tb? -1: ta > tb;
}

//  Sorts the points and keeps the newest max
static void
s_trim (points_t *self)
{
    if (self->count)
        qsort (self->points, (size_t) self->count, sizeof (series_point_t), s_by_time);
    if (self->count > self->max) {
        int drop = self->count - self->max;
        memmove (self->points, self->points + drop, (size_t) self->max * sizeof (series_point_t));
        self->count = self->max;
        self->skipped += drop;
    }
}

static void
s_add (points_t *self, int64_t ts, double value, uint32_t flags)
{
    if (self->count == self->limit) {
        if (self->limit >= 2 * self->max)
            s_trim (self);
        else {
            int limit = self->limit? self->limit * 2: 256;
            if (limit > 2 * self->max)
                limit = 2 * self->max;
            series_point_t *points = realloc (self->points, (size_t) limit * sizeof (series_point_t));
            if (!points) {
                self->failed = true;
                return;
            }
            self->points = points;
            self->limit = limit;
        }
    }
    self->points [self->count++] = (series_point_t) { ts, value, flags };
}

int
series_read (sqlite3 *db, int64_t series_id, int64_t since, int64_t until, int max,
             series_point_t **result, int64_t *skipped)
{
    assert (max > 0);
    points_t points = { .max = max };
    int rc = 0;
    if (vd_db_exec (db, "BEGIN"))
        return -1;
    sqlite3_stmt *chunks = vd_db_prepare (db,
        "SELECT count, data, format FROM chunk WHERE series_id = ? AND t0 <= ? AND t1 >= ? ORDER BY t0");
    sqlite3_stmt *tail = vd_db_prepare (db,
        "SELECT data FROM sample_batch WHERE probe_id = "
        "(SELECT CASE WHEN own = 1 THEN 0 ELSE probe_id END FROM series WHERE id = ?) ORDER BY id");
    if (!chunks || !tail)
        rc = -1;
    if (rc == 0) {
        sqlite3_bind_int64 (chunks, 1, series_id);
        sqlite3_bind_int64 (chunks, 2, until);
        sqlite3_bind_int64 (chunks, 3, since);
        while (rc == 0 && sqlite3_step (chunks) == SQLITE_ROW) {
            vd_chunk_iter_t iter;
            vd_chunk_iter_init (&iter, sqlite3_column_int (chunks, 2),
                                (const byte *) sqlite3_column_blob (chunks, 1),
                                (size_t) sqlite3_column_bytes (chunks, 1),
                                (uint32_t) sqlite3_column_int64 (chunks, 0));
            int64_t ts;
            double value;
            uint32_t flags;
            int got;
            while ((got = vd_chunk_iter_next (&iter, &ts, &value, &flags)) == 1)
                if (ts >= since && ts <= until)
                    s_add (&points, ts, value, flags);
            if (got < 0) {
                zsys_error ("series: %lld: a chunk is corrupt", (long long) series_id);
                rc = -1;
            }
        }
        sqlite3_bind_int64 (tail, 1, series_id);
        while (rc == 0 && sqlite3_step (tail) == SQLITE_ROW) {
            const byte *data = (const byte *) sqlite3_column_blob (tail, 0);
            int samples = vd_samples_count ((size_t) sqlite3_column_bytes (tail, 0));
            for (int i = 0; i < samples; i++) {
                vd_sample_t sample;
                vd_sample_decode (data + (size_t) i * VD_SAMPLE_SIZE, &sample);
                sample.ts_us = vd_round_ms (sample.ts_us);     //  as compaction stores it
                if (sample.series_id == (uint64_t) series_id
                &&  sample.ts_us >= since && sample.ts_us <= until)
                    s_add (&points, sample.ts_us, sample.value, sample.flags);
            }
        }
    }
    sqlite3_finalize (chunks);
    sqlite3_finalize (tail);
    vd_db_exec (db, "COMMIT");
    if (rc || points.failed) {
        if (points.failed)
            zsys_error ("series: %lld: out of memory reading it", (long long) series_id);
        free (points.points);
        return -1;
    }
    s_trim (&points);
    *result = points.points;
    if (skipped)
        *skipped = points.skipped;
    return points.count;
}
