/*  meshd/core/selfmon.c: meshd watches itself. Every self/interval the
    store, the only writer of samples, writes a batch of meshd's own
    samples into the tail, in a transaction of their own; compaction,
    rollups, retention and rules then treat them as any other. They are the
    series of the built-in object "vedette" (series.own, no device, no
    probe), made on first use:

      meshd.ingest          samples committed per second
      meshd.refused         messages refused for want of disk space
      meshd.tail            sample batches not yet compacted
      meshd.rules_lag       sample batches the rules have not read yet
      meshd.rollup_pending  series waiting for their rollups
      meshd.db_size         bytes of the database file, meshd.wal_size its WAL
      meshd.disk_free       bytes free where the database is, meshd.disk_free_pct
      meshd.notify_queue    notifications waiting to be sent
      meshd.notify_failed   notifications that failed for good
      meshd.notify_latency  mean ms from due to sent
      meshd.api_requests    API requests per second, meshd.api_latency mean ms
      meshd.auth_refused    CURVE handshakes refused (unknown, revoked,
                            expired keys; keys of another domain)
      probe.NAME.backlog    messages in a probe's spool (its last heartbeat)
      probe.NAME.dropped    what it dropped (samples, events, reports)

    Counts "in the interval" are differences from the round before.       */
#include "meshd.h"
#include <sys/stat.h>
#include <sys/statvfs.h>

#define SELFMON_MAX     4096        //  samples a round at most (2,000 probes)

struct _selfmon_t {
    sqlite3 *db;
    char *db_path;
    char *dir;
    zhashx_t *series;               //  metric -> series id (as text)
    sqlite3_stmt *find, *make, *batch;
    int64_t last_us;                //  the round before (wall), 0: none
    uint64_t samples, refused, api_requests, api_latency_us, auth_refused;
    zhashx_t *dropped;              //  probe name -> its drops total, the round before
    vd_sample_t out [SELFMON_MAX];
    byte data [SELFMON_MAX * VD_SAMPLE_SIZE];
    int count;
};

selfmon_t *
selfmon_new (sqlite3 *db, meshd_t *meshd)
{
    selfmon_t *self = (selfmon_t *) zmalloc (sizeof (selfmon_t));
    self->db = db;
    self->db_path = strdup (meshd->db_path);
    self->dir = strdup (meshd->dir);
    self->series = zhashx_new ();
    zhashx_set_destructor (self->series, (zhashx_destructor_fn *) zstr_free);
    self->dropped = zhashx_new ();
    zhashx_set_destructor (self->dropped, (zhashx_destructor_fn *) zstr_free);
    self->find = vd_db_prepare (db,
        "SELECT id FROM series WHERE own = 1 AND metric = ?");
    self->make = vd_db_prepare (db,
        "INSERT INTO series (device_id, probe_id, metric, unit, own) VALUES (NULL, NULL, ?, ?, 1)");
    self->batch = vd_db_prepare (db,
        "INSERT INTO sample_batch (probe_id, seq, received_us, data) VALUES (0, 0, ?, ?)");
    if (!self->find || !self->make || !self->batch)
        selfmon_destroy (&self);
    return self;
}

void
selfmon_destroy (selfmon_t **self_p)
{
    selfmon_t *self = *self_p;
    if (!self)
        return;
    sqlite3_finalize (self->find);
    sqlite3_finalize (self->make);
    sqlite3_finalize (self->batch);
    zhashx_destroy (&self->series);
    zhashx_destroy (&self->dropped);
    free (self->db_path);
    free (self->dir);
    free (self);
    *self_p = NULL;
}

//  The id of meshd's own series of that metric, made if need be; 0 on error
static int64_t
s_series (selfmon_t *self, const char *metric, const char *unit)
{
    const char *known = (const char *) zhashx_lookup (self->series, metric);
    if (known)
        return strtoll (known, NULL, 10);
    sqlite3_reset (self->find);
    sqlite3_bind_text (self->find, 1, metric, -1, SQLITE_TRANSIENT);
    int64_t id = sqlite3_step (self->find) == SQLITE_ROW? sqlite3_column_int64 (self->find, 0): 0;
    sqlite3_reset (self->find);
    if (!id) {
        sqlite3_reset (self->make);
        sqlite3_bind_text (self->make, 1, metric, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text (self->make, 2, unit, -1, SQLITE_STATIC);
        if (sqlite3_step (self->make) == SQLITE_DONE)
            id = sqlite3_last_insert_rowid (self->db);
        sqlite3_reset (self->make);
    }
    if (id)
        zhashx_insert (self->series, metric, zsys_sprintf ("%lld", (long long) id));
    return id;
}

static void
s_sample (selfmon_t *self, const char *metric, const char *unit, int64_t now, double value)
{
    int64_t id = self->count < SELFMON_MAX? s_series (self, metric, unit): 0;
    if (id)
        self->out [self->count++] = (vd_sample_t) { (uint64_t) id, now, value, 0 };
}

//  What a counter added since the round before; a counter that went back
//  started again (an actor or a probe restarted)
static uint64_t
s_delta (uint64_t now, uint64_t before)
{
    return now >= before? now - before: now;
}

static int64_t
s_int (selfmon_t *self, const char *sql, int64_t since)
{
    sqlite3_stmt *stmt = vd_db_prepare (self->db, sql);
    if (!stmt)
        return 0;
    if (sqlite3_bind_parameter_count (stmt))
        sqlite3_bind_int64 (stmt, 1, since);
    int64_t value = sqlite3_step (stmt) == SQLITE_ROW? sqlite3_column_int64 (stmt, 0): 0;
    sqlite3_finalize (stmt);
    return value;
}

static double
s_size (const char *path)
{
    struct stat st;
    return stat (path, &st) == 0? (double) st.st_size: 0;
}

//  Each probe's spool backlog, and what it dropped since the round before
static void
s_probes (selfmon_t *self, int64_t now)
{
    sqlite3_stmt *stmt = vd_db_prepare (self->db,
        "SELECT name, backlog, (SELECT coalesce (sum (value), 0) FROM json_each (coalesce (drops, '{}'))) "
        "FROM probe WHERE state != 'revoked' ORDER BY id");
    while (stmt && sqlite3_step (stmt) == SQLITE_ROW) {
        const char *name = (const char *) sqlite3_column_text (stmt, 0);
        char metric [200];
        snprintf (metric, sizeof metric, "probe.%s.backlog", name);
        s_sample (self, metric, "", now, (double) sqlite3_column_int64 (stmt, 1));
        int64_t total = sqlite3_column_int64 (stmt, 2);
        const char *before = (const char *) zhashx_lookup (self->dropped, name);
        snprintf (metric, sizeof metric, "probe.%s.dropped", name);
        s_sample (self, metric, "", now, before? (double) s_delta ((uint64_t) total,
                                                          (uint64_t) strtoll (before, NULL, 10)): 0);
        zhashx_update (self->dropped, name, zsys_sprintf ("%lld", (long long) total));
    }
    sqlite3_finalize (stmt);
}

int
selfmon_run (selfmon_t *self, const selfmon_counts_t *counts)
{
    int64_t now = vd_now_us ();
    double seconds = self->last_us? (double) (now - self->last_us) / 1e6: 0;
    self->count = 0;
    //  counts since the round before, or since meshd started
    s_sample (self, "meshd.refused", "", now, (double) s_delta (counts->refused, self->refused));
    s_sample (self, "meshd.auth_refused", "", now, (double) s_delta (counts->auth_refused, self->auth_refused));
    if (seconds > 0) {
        s_sample (self, "meshd.ingest", "/s", now, (double) s_delta (counts->samples, self->samples) / seconds);
        uint64_t requests = s_delta (counts->api_requests, self->api_requests);
        s_sample (self, "meshd.api_requests", "/s", now, (double) requests / seconds);
        if (requests)
            s_sample (self, "meshd.api_latency", "ms", now,
                      vd_round ((double) s_delta (counts->api_latency_us, self->api_latency_us) / 1000.0
                                / (double) requests, 3));
    }
    s_sample (self, "meshd.tail", "", now, (double) s_int (self, "SELECT count(*) FROM sample_batch", 0));
    s_sample (self, "meshd.rules_lag", "", now, (double) s_int (self,
        "SELECT count(*) FROM sample_batch WHERE id > (SELECT value FROM cursor WHERE name = 'rules.samples')", 0));
    s_sample (self, "meshd.rollup_pending", "", now,
              (double) s_int (self, "SELECT count(*) FROM rollup_pending", 0));
    s_sample (self, "meshd.db_size", "B", now, s_size (self->db_path));
    char wal [PATH_MAX];
    snprintf (wal, sizeof wal, "%s-wal", self->db_path);
    s_sample (self, "meshd.wal_size", "B", now, s_size (wal));
    struct statvfs st;
    if (statvfs (self->dir, &st) == 0 && st.f_blocks) {
        s_sample (self, "meshd.disk_free", "B", now, (double) st.f_bavail * (double) st.f_frsize);
        s_sample (self, "meshd.disk_free_pct", "%", now,
                  vd_round (100.0 * (double) st.f_bavail / (double) st.f_blocks, 3));
    }
    //  notifications: found by (status, due_us); one due an hour before the
    //  last round at most is looked at
    int64_t since = self->last_us? self->last_us: now;
    s_sample (self, "meshd.notify_queue", "", now,
              (double) s_int (self, "SELECT count(*) FROM notification WHERE status IN ('pending', 'sending')", 0));
    s_sample (self, "meshd.notify_failed", "", now, (double) s_int (self,
        "SELECT count(*) FROM notification WHERE status = 'failed' AND due_us > ?1 - 3600000000 "
        "AND done_us > ?1", since));
    sqlite3_stmt *stmt = vd_db_prepare (self->db,
        "SELECT avg (done_us - due_us) FROM notification WHERE status = 'sent' "
        "AND due_us > ?1 - 3600000000 AND done_us > ?1");
    if (stmt) {
        sqlite3_bind_int64 (stmt, 1, since);
        if (sqlite3_step (stmt) == SQLITE_ROW && sqlite3_column_type (stmt, 0) != SQLITE_NULL)
            s_sample (self, "meshd.notify_latency", "ms", now,
                      vd_round (sqlite3_column_double (stmt, 0) / 1000.0, 3));
        sqlite3_finalize (stmt);
    }
    s_probes (self, now);

    self->last_us = now;
    self->samples = counts->samples;
    self->refused = counts->refused;
    self->api_requests = counts->api_requests;
    self->api_latency_us = counts->api_latency_us;
    self->auth_refused = counts->auth_refused;
    if (self->count == 0)
        return 0;
    for (int i = 0; i < self->count; i++)
        vd_sample_encode (&self->out [i], self->data + (size_t) i * VD_SAMPLE_SIZE);
    sqlite3_reset (self->batch);
    sqlite3_bind_int64 (self->batch, 1, now);
    sqlite3_bind_blob (self->batch, 2, self->data, self->count * VD_SAMPLE_SIZE, SQLITE_STATIC);
    int rc = sqlite3_step (self->batch) == SQLITE_DONE? self->count: -1;
    sqlite3_reset (self->batch);
    return rc;
}
