/*  meshd/accounting/stale.c: what the NASes no longer say. A session
    the NAS has said nothing of for three interim intervals is not passed
    off as open: it becomes stale, ended somewhere between its last record
    and now; a record of it later makes it active again (ingest.c). A NAS
    with sessions to report on (active, or gone stale since it last said
    anything) that says nothing at all for two interim intervals has gone
    silent: the event ppp.nas_silent, once (the default
    rule ppp-nas-silent raises an alarm; its next record says
    ppp.nas_heard). Run by each housekeeping pass.                        */
#include "accounting/accounting.h"

//  NASes silent for two intervals with sessions to report on: active
//  ones, or ones gone stale since the NAS last said anything
#define REPORTED "s.nas_id = n.id AND (s.state = 'active' OR (s.state = 'stale' AND s.end_before_us > n.last_us))"

static int
s_silent (sqlite3 *db, int64_t interim_ms, int64_t now)
{
    sqlite3_stmt *stmt = vd_db_prepare (db,
        "SELECT n.id, n.name, n.site_id, n.last_us FROM nas n "
        "WHERE NOT n.silent AND n.last_us IS NOT NULL AND n.last_us + 2 * "
        "  (SELECT coalesce (max (s.interim_s) * 1000000, ?2 * 1000) FROM ppp_session s WHERE " REPORTED ") < ?1 "
        "  AND EXISTS (SELECT 1 FROM ppp_session s WHERE " REPORTED ")");
    if (!stmt)
        return -1;
    sqlite3_bind_int64 (stmt, 1, now);
    sqlite3_bind_int64 (stmt, 2, interim_ms);
    int rc = 0;
    while (rc == 0 && sqlite3_step (stmt) == SQLITE_ROW) {
        const char *name = (const char *) sqlite3_column_text (stmt, 1);
        int64_t last = sqlite3_column_int64 (stmt, 3);
        char *text = zsys_sprintf ("{\"object\": \"%s\", \"nas\": \"%s\", \"last_us\": %lld, "
                                   "\"message\": \"no accounting for %lld s\"}", name, name, (long long) last,
                                   (long long) ((now - last) / 1000000));
        rc = vd_db_run (db, "UPDATE nas SET silent = 1 WHERE id = ?", "i", sqlite3_column_int64 (stmt, 0))
          || meshd_event (db, "ppp.nas_silent", sqlite3_column_int64 (stmt, 2), text);
        free (text);
    }
    sqlite3_finalize (stmt);
    return rc? -1: 0;
}

int
accounting_stale (sqlite3 *db, int64_t interim_ms)
{
    int64_t now = vd_now_us ();
    if (s_silent (db, interim_ms, now))
        return -1;
    int rc = vd_db_run (db,
        "UPDATE ppp_session SET state = 'stale', closed_by = 'stale', end_after_us = last_us, "
        "  end_before_us = ?1 "
        "WHERE state = 'active' AND last_us + 3 * coalesce (interim_s * 1000000, ?2 * 1000) < ?1",
        "ii", now, interim_ms);
    return rc? -1: sqlite3_changes (db);
}
