/*  meshd/housekeeping/retention.c: deletes what is older than its class
    keeps, a bounded number of rows a call, so the transaction around it is
    short and ingest waits for none of them long. SQLite reuses the pages
    freed for what is written next: at a steady state the file stops
    growing.

    Each class is found through an index: chunks and rollups per series
    (their keys start with series_id), events and devices' states by time,
    notifications by status and due time; the audit, in id order, which is
    time order; PPP sessions by state and last record, sightings by their
    last. A device keeps the state it was in at the cutoff. The
    audit refuses deletes (a trigger): retention first sets the cutoff
    below which the trigger lets them through.                               */
#include "housekeeping/housekeeping.h"

#define MS      1000LL

typedef enum { CHUNKS, ROLLUPS, EVENTS, NOTIFICATIONS, AUDIT, STATES, SESSIONS, SIGHTINGS } kind_t;

static int
s_delete (sqlite3 *db, const char *sql, int64_t cutoff, int limit, int64_t step)
{
    sqlite3_stmt *stmt = vd_db_prepare (db, sql);
    if (!stmt)
        return -1;
    sqlite3_bind_int64 (stmt, 1, cutoff);
    sqlite3_bind_int (stmt, 2, limit);
    if (step)
        sqlite3_bind_int64 (stmt, 3, step);
    int rc = sqlite3_step (stmt) == SQLITE_DONE? sqlite3_changes (db): -1;
    sqlite3_finalize (stmt);
    return rc;
}

//  Deletes up to limit rows of one class older than cutoff
static int
s_class (sqlite3 *db, kind_t kind, int64_t cutoff, int limit, int64_t step)
{
    switch (kind) {
        case CHUNKS:
            //  a chunk goes when its last sample is past retention
            return s_delete (db,
                "DELETE FROM chunk WHERE id IN (SELECT c.id FROM series s "
                "JOIN chunk c ON c.series_id = s.id AND c.t0 < ?1 AND c.t1 < ?1 LIMIT ?2)",
                cutoff, limit, 0);
        case ROLLUPS:
            return s_delete (db,
                "DELETE FROM rollup WHERE (series_id, step, t) IN (SELECT r.series_id, r.step, r.t "
                "FROM series s JOIN rollup r ON r.series_id = s.id AND r.step = ?3 AND r.t < ?1 LIMIT ?2)",
                cutoff, limit, step);
        case EVENTS:
            return s_delete (db,
                "DELETE FROM event WHERE id IN (SELECT id FROM event WHERE ts_us < ?1 LIMIT ?2)",
                cutoff, limit, 0);
        case NOTIFICATIONS:
            //  those still to send stay, whatever their age
            return s_delete (db,
                "DELETE FROM notification WHERE id IN (SELECT id FROM notification "
                "WHERE status IN ('sent', 'failed', 'skipped') AND due_us < ?1 LIMIT ?2)",
                cutoff, limit, 0);
        case STATES:
            //  a device's state at the cutoff stays: the newest row before
            //  it goes only when a newer one is before it too
            return s_delete (db,
                "DELETE FROM device_state_log WHERE (device_id, ts_us) IN (SELECT l.device_id, l.ts_us "
                "FROM device_state_log l WHERE l.ts_us < ?1 AND EXISTS (SELECT 1 FROM device_state_log n "
                "WHERE n.device_id = l.device_id AND n.ts_us > l.ts_us AND n.ts_us < ?1) LIMIT ?2)",
                cutoff, limit, 0);
        case SESSIONS:
            //  ended sessions (their addresses and usage with them); the
            //  index on (state, last_us) finds them
            return s_delete (db,
                "DELETE FROM ppp_session WHERE id IN (SELECT id FROM ppp_session "
                "WHERE state IN ('stopped', 'closed', 'stale') AND last_us < ?1 "
                "AND coalesce (stop_us, end_before_us) < ?1 LIMIT ?2)",
                cutoff, limit, 0);
        case SIGHTINGS:
            return s_delete (db,
                "DELETE FROM ppp_sighting WHERE id IN (SELECT id FROM ppp_sighting WHERE last_us < ?1 LIMIT ?2)",
                cutoff, limit, 0);
        case AUDIT: {
            sqlite3_stmt *stmt = vd_db_prepare (db,
                "INSERT INTO retention (name, cutoff_us) VALUES ('audit', ?) "
                "ON CONFLICT (name) DO UPDATE SET cutoff_us = excluded.cutoff_us");
            int rc = stmt && sqlite3_bind_int64 (stmt, 1, cutoff) == SQLITE_OK
                     && sqlite3_step (stmt) == SQLITE_DONE? 0: -1;
            sqlite3_finalize (stmt);
            if (rc)
                return -1;
            return s_delete (db,
                "DELETE FROM audit WHERE id IN (SELECT id FROM audit ORDER BY id LIMIT ?2) "
                "AND ts_us < ?1", cutoff, limit, 0);
        }
    }
    return -1;
}

int
retention_step (sqlite3 *db, const retention_t *keep, int64_t now_us, int limit,
                retention_counts_t *counts)
{
    struct {
        kind_t kind;
        int64_t keep_ms;
        int64_t step;
        uint64_t *count;
    } classes [] = {
        { CHUNKS, keep->raw, 0, &counts->chunks },
        { ROLLUPS, keep->rollup [0], rollup_steps [0], &counts->rollups [0] },
        { ROLLUPS, keep->rollup [1], rollup_steps [1], &counts->rollups [1] },
        { ROLLUPS, keep->rollup [2], rollup_steps [2], &counts->rollups [2] },
        { EVENTS, keep->events, 0, &counts->events },
        { NOTIFICATIONS, keep->notifications, 0, &counts->notifications },
        { AUDIT, keep->audit, 0, &counts->audit },
        { STATES, keep->states, 0, &counts->states },
        { SESSIONS, keep->ip_history, 0, &counts->sessions },
        { SIGHTINGS, keep->ip_history, 0, &counts->sightings },
    };
    for (size_t i = 0; i < sizeof classes / sizeof classes [0]; i++) {
        if (classes [i].keep_ms <= 0 || (counts->done & (1u << i)))
            continue;
        int deleted = s_class (db, classes [i].kind, now_us - classes [i].keep_ms * MS, limit,
                               classes [i].step);
        if (deleted < 0) {
            zsys_error ("retention: %s", sqlite3_errmsg (db));
            return -1;
        }
        if (deleted < limit)
            counts->done |= 1u << i;    //  not looked at again this pass
        if (deleted > 0) {
            *classes [i].count += (uint64_t) deleted;
            return deleted;
        }
    }
    return 0;
}
