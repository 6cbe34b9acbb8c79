/*  meshd/core/compact.c: moves the sample tail (one row per DATA message, in
    arrival order) into per-series chunks (vd_chunk), each covering at most
    one hour and CHUNK_MAX samples of one series, with timestamps rounded to
    the millisecond (vd_round_ms: what a stored sample keeps; series reads
    round the tail alike). It also records each series' latest
    sample, which device lists show. Runs inside the store
    actor's transaction, so a batch is either in the tail or in chunks.

    Each series it touched is marked in rollup_pending, from its oldest
    sample of the run, for housekeeping's rollups (meshd/housekeeping).     */
#include "meshd.h"

#define CHUNK_MAX       1024
#define HOUR_US         (3600LL * 1000000)

typedef struct {
    int64_t series_id;
    int64_t owner;              //  probe that measures it, -1: no such series
    int64_t row;                //  chunk row being appended to, 0: new
    vd_chunk_t *chunk;
    int64_t last_ts;
    double last_value;
    uint32_t last_flags;
    bool has_last;
    int64_t since;              //  the oldest sample of this run
} open_series_t;

typedef struct {
    sqlite3 *db;
    zhashx_t *series;           //  "id" -> open_series_t
    sqlite3_stmt *owner;
    sqlite3_stmt *latest;
    sqlite3_stmt *insert;
    sqlite3_stmt *update;
    sqlite3_stmt *last;
    sqlite3_stmt *pending;
} compact_t;

static void
s_series_destroy (open_series_t **self_p)
{
    if (*self_p) {
        vd_chunk_destroy (&(*self_p)->chunk);
        free (*self_p);
        *self_p = NULL;
    }
}

static int
s_flush (compact_t *self, open_series_t *series)
{
    vd_chunk_t *chunk = series->chunk;
    if (!chunk || chunk->count == 0)
        return 0;
    vd_chunk_encode (chunk);
    sqlite3_stmt *stmt = series->row? self->update: self->insert;
    sqlite3_bind_int64 (stmt, 1, chunk->t0);
    sqlite3_bind_int64 (stmt, 2, chunk->t1);
    sqlite3_bind_int64 (stmt, 3, chunk->count);
    sqlite3_bind_blob (stmt, 4, chunk->data, (int) chunk->size, SQLITE_STATIC);
    sqlite3_bind_int (stmt, 5, VD_CHUNK_FORMAT);
    sqlite3_bind_int64 (stmt, 6, series->row? series->row: series->series_id);
    int rc = sqlite3_step (stmt);
    sqlite3_reset (stmt);
    if (rc != SQLITE_DONE)
        return -1;              //  the store logs why, throttled
    if (!series->row)
        series->row = sqlite3_last_insert_rowid (self->db);
    return 0;
}

static open_series_t *
s_open (compact_t *self, int64_t series_id)
{
    char key [24];
    snprintf (key, sizeof key, "%lld", (long long) series_id);
    open_series_t *series = (open_series_t *) zhashx_lookup (self->series, key);
    if (series)
        return series;
    series = (open_series_t *) zmalloc (sizeof (open_series_t));
    series->series_id = series_id;
    series->owner = -1;
    sqlite3_bind_int64 (self->owner, 1, series_id);
    if (sqlite3_step (self->owner) == SQLITE_ROW
    &&  sqlite3_column_type (self->owner, 0) != SQLITE_NULL)
        series->owner = sqlite3_column_int64 (self->owner, 0);
    sqlite3_reset (self->owner);
    zhashx_insert (self->series, key, series);
    return series;
}

//  Makes sure the series has a chunk that may take a sample at ts
static int
s_chunk_for (compact_t *self, open_series_t *series, int64_t ts)
{
    if (series->chunk && series->chunk->count < CHUNK_MAX
    &&  series->chunk->t0 / HOUR_US == ts / HOUR_US)
        return 0;
    if (series->chunk) {
        if (s_flush (self, series))
            return -1;
        vd_chunk_destroy (&series->chunk);
        series->row = 0;
        series->chunk = vd_chunk_new ();
        return 0;
    }
    //  first sample of this run: continue the series' latest chunk if it
    //  fits (one in format 1 is rewritten in the current format)
    series->chunk = vd_chunk_new ();
    sqlite3_bind_int64 (self->latest, 1, series->series_id);
    if (sqlite3_step (self->latest) == SQLITE_ROW) {
        int64_t row = sqlite3_column_int64 (self->latest, 0);
        int64_t t0 = sqlite3_column_int64 (self->latest, 1);
        int64_t count = sqlite3_column_int64 (self->latest, 2);
        if (count < CHUNK_MAX && t0 / HOUR_US == ts / HOUR_US
        &&  vd_chunk_load (series->chunk, sqlite3_column_int (self->latest, 4),
                           (const byte *) sqlite3_column_blob (self->latest, 3),
                           (size_t) sqlite3_column_bytes (self->latest, 3),
                           (uint32_t) count) == 0)
            series->row = row;
        else {
            vd_chunk_destroy (&series->chunk);
            series->chunk = vd_chunk_new ();
        }
    }
    sqlite3_reset (self->latest);
    return 0;
}

int
compact_run (sqlite3 *db, int max_batches, uint64_t *foreign)
{
    compact_t self = { .db = db };
    self.series = zhashx_new ();
    zhashx_set_destructor (self.series, (zhashx_destructor_fn *) s_series_destroy);
    //  meshd's own series are written by meshd (batches of probe 0)
    self.owner = vd_db_prepare (db, "SELECT CASE WHEN own = 1 THEN 0 ELSE probe_id END "
                                    "FROM series WHERE id = ?");
    self.latest = vd_db_prepare (db,
        "SELECT id, t0, count, data, format FROM chunk WHERE series_id = ? ORDER BY t0 DESC LIMIT 1");
    self.insert = vd_db_prepare (db,
        "INSERT INTO chunk (t0, t1, count, data, format, series_id) VALUES (?, ?, ?, ?, ?, ?)");
    self.update = vd_db_prepare (db,
        "UPDATE chunk SET t0 = ?, t1 = ?, count = ?, data = ?, format = ? WHERE id = ?");
    self.last = vd_db_prepare (db,
        "UPDATE series SET last_ts_us = ?, last_value = ?, last_flags = ? "
        "WHERE id = ? AND coalesce (last_ts_us, 0) <= ?");
    self.pending = vd_db_prepare (db,
        "INSERT INTO rollup_pending (series_id, since_us) VALUES (?, ?) "
        "ON CONFLICT (series_id) DO UPDATE SET since_us = min (since_us, excluded.since_us)");
    sqlite3_stmt *batches = vd_db_prepare (db,
        "SELECT id, probe_id, data FROM sample_batch "
        "WHERE id <= (SELECT value FROM cursor WHERE name = 'rules.samples') ORDER BY id LIMIT ?");
    int moved = -1;
    if (!self.owner || !self.latest || !self.insert || !self.update || !self.last || !self.pending
    ||  !batches)
        goto done;

    int64_t last_batch = 0;
    int count = 0;
    int rc = 0;
    sqlite3_bind_int (batches, 1, max_batches);
    while (rc == 0 && sqlite3_step (batches) == SQLITE_ROW) {
        last_batch = sqlite3_column_int64 (batches, 0);
        int64_t probe_id = sqlite3_column_int64 (batches, 1);
        const byte *data = (const byte *) sqlite3_column_blob (batches, 2);
        int samples = vd_samples_count ((size_t) sqlite3_column_bytes (batches, 2));
        for (int i = 0; i < samples && rc == 0; i++) {
            vd_sample_t sample;
            vd_sample_decode (data + (size_t) i * VD_SAMPLE_SIZE, &sample);
            sample.ts_us = vd_round_ms (sample.ts_us);
            if (sample.series_id > INT64_MAX) {
                (*foreign)++;
                continue;
            }
            open_series_t *series = s_open (&self, (int64_t) sample.series_id);
            if (series->owner != probe_id) {
                (*foreign)++;   //  not this probe's series: never stored
                continue;
            }
            rc = s_chunk_for (&self, series, sample.ts_us);
            if (rc)
                break;
            vd_chunk_append (series->chunk, sample.ts_us, sample.value, sample.flags);
            if (!series->has_last || sample.ts_us < series->since)
                series->since = sample.ts_us;
            if (!series->has_last || sample.ts_us >= series->last_ts) {
                series->has_last = true;
                series->last_ts = sample.ts_us;
                series->last_value = sample.value;
                series->last_flags = sample.flags;
            }
        }
        count++;
    }
    open_series_t *series;
    for (series = (open_series_t *) zhashx_first (self.series); series && rc == 0;
         series = (open_series_t *) zhashx_next (self.series)) {
        rc = s_flush (&self, series);
        if (rc || !series->has_last)
            continue;
        //  what housekeeping rolls up next
        sqlite3_bind_int64 (self.pending, 1, series->series_id);
        sqlite3_bind_int64 (self.pending, 2, series->since);
        rc = sqlite3_step (self.pending) == SQLITE_DONE? 0: -1;
        sqlite3_reset (self.pending);
        if (rc)
            break;
        sqlite3_bind_int64 (self.last, 1, series->last_ts);
        sqlite3_bind_double (self.last, 2, series->last_value);
        sqlite3_bind_int64 (self.last, 3, series->last_flags);
        sqlite3_bind_int64 (self.last, 4, series->series_id);
        sqlite3_bind_int64 (self.last, 5, series->last_ts);
        if (sqlite3_step (self.last) != SQLITE_DONE)
            rc = -1;
        sqlite3_reset (self.last);
    }
    if (rc == 0 && count) {
        char sql [96];
        snprintf (sql, sizeof sql, "DELETE FROM sample_batch WHERE id <= %lld",
                  (long long) last_batch);
        rc = vd_db_exec (db, sql);
    }
    moved = rc? -1: count;
done:
    sqlite3_finalize (batches);
    sqlite3_finalize (self.owner);
    sqlite3_finalize (self.latest);
    sqlite3_finalize (self.insert);
    sqlite3_finalize (self.update);
    sqlite3_finalize (self.last);
    sqlite3_finalize (self.pending);
    zhashx_destroy (&self.series);
    return moved;
}
