/*  meshd/alarm/maint.c: the times maintenance windows were open over a
    period (what availability reports leave out): one-off windows clipped
    to the period and to their removal, recurring ones day by day (local
    time, across midnight, on their weekday only, not before they were
    made), the device's and its site's merged, in order.                     */
#include "testing.h"
#include "../../meshd/alarm/maint.h"

#define H   3600000000LL
#define D   (24 * H)

static void
s_add (sqlite3 *db, int64_t device_id, int64_t site_id, int64_t from, int64_t to,
       const char *every, int start_min, int end_min, int64_t created, int64_t removed)
{
    sqlite3_stmt *stmt;
    sqlite3_prepare_v2 (db, "INSERT INTO maintenance (device_id, site_id, from_us, to_us, every, "
                        "start_min, end_min, created_us, removed_us) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                        -1, &stmt, NULL);
    if (device_id) sqlite3_bind_int64 (stmt, 1, device_id);
    if (site_id) sqlite3_bind_int64 (stmt, 2, site_id);
    if (!every) {
        sqlite3_bind_int64 (stmt, 3, from);
        sqlite3_bind_int64 (stmt, 4, to);
    }
    else {
        sqlite3_bind_text (stmt, 5, every, -1, SQLITE_STATIC);
        sqlite3_bind_int (stmt, 6, start_min);
        sqlite3_bind_int (stmt, 7, end_min);
    }
    sqlite3_bind_int64 (stmt, 8, created);
    if (removed) sqlite3_bind_int64 (stmt, 9, removed);
    CHECK (sqlite3_step (stmt) == SQLITE_DONE);
    sqlite3_finalize (stmt);
}

int
main (void)
{
    setenv ("TZ", "UTC", 1);
    tzset ();
    sqlite3 *db;
    CHECK (sqlite3_open (":memory:", &db) == SQLITE_OK);
    CHECK (sqlite3_exec (db, "CREATE TABLE maintenance (id INTEGER PRIMARY KEY, device_id INTEGER, "
                         "site_id INTEGER, from_us INTEGER, to_us INTEGER, every TEXT, start_min INTEGER, "
                         "end_min INTEGER, created_us INTEGER, removed_us INTEGER)", NULL, NULL, NULL) == SQLITE_OK);
    //  2026-11-01 was a Sunday: t0 its midnight, UTC
    int64_t t0 = 1793491200LL * 1000000;
    maint_span_t *spans;

    //  nothing: no spans
    CHECK (maint_spans (db, 1, 10, t0, t0 + 14 * D, &spans) == 0);
    free (spans);

    //  device 1: a one-off 10:00-12:00 on day 2, removed at 11:00; another
    //  overlapping it 10:30-13:00 (merged); one clipped by the period
    s_add (db, 1, 0, t0 + 2 * D + 10 * H, t0 + 2 * D + 12 * H, NULL, 0, 0, t0, t0 + 2 * D + 11 * H);
    s_add (db, 1, 0, t0 + 2 * D + 10 * H + H / 2, t0 + 2 * D + 13 * H, NULL, 0, 0, t0, 0);
    s_add (db, 1, 0, t0 - H, t0 + H, NULL, 0, 0, t0 - D, 0);
    int n = maint_spans (db, 1, 10, t0, t0 + 14 * D, &spans);
    CHECK (n == 2);
    CHECK (n == 2 && spans [0].from == t0 && spans [0].to == t0 + H);
    CHECK (n == 2 && spans [1].from == t0 + 2 * D + 10 * H && spans [1].to == t0 + 2 * D + 13 * H);
    free (spans);

    //  site 10: every Sunday 02:00-04:00, made on day 1: the Sunday of
    //  day 7 only (not day 0: it did not exist yet)
    s_add (db, 0, 10, 0, 0, "sun", 120, 240, t0 + D, 0);
    n = maint_spans (db, 2, 10, t0, t0 + 14 * D, &spans);
    CHECK (n == 1 && spans [0].from == t0 + 7 * D + 2 * H && spans [0].to == t0 + 7 * D + 4 * H);
    free (spans);

    //  site 20: every day 22:00-02:00, across midnight; the period begins
    //  at 01:00 (the window from the day before is open) and ends at 23:00
    //  two days on (the last window cut there); removed on day 1, it ends
    //  there
    s_add (db, 0, 20, 0, 0, "day", 22 * 60, 2 * 60, t0 - 10 * D, 0);
    n = maint_spans (db, 0, 20, t0 + H, t0 + 2 * D + 23 * H, &spans);
    CHECK (n == 4);
    CHECK (n == 4 && spans [0].from == t0 + H && spans [0].to == t0 + 2 * H);
    CHECK (n == 4 && spans [1].from == t0 + 22 * H && spans [1].to == t0 + D + 2 * H);
    CHECK (n == 4 && spans [2].from == t0 + D + 22 * H && spans [2].to == t0 + 2 * D + 2 * H);
    CHECK (n == 4 && spans [3].from == t0 + 2 * D + 22 * H && spans [3].to == t0 + 2 * D + 23 * H);
    free (spans);
    n = maint_spans (db, 0, 20, t0 + 2 * D + 22 * H, t0 + 3 * D, &spans);
    CHECK (n == 1 && spans [0].from == t0 + 2 * D + 22 * H && spans [0].to == t0 + 3 * D);
    free (spans);
    CHECK (sqlite3_exec (db, "UPDATE maintenance SET removed_us = 1793491200000000 + 86400000000 "
                         "WHERE site_id = 20", NULL, NULL, NULL) == SQLITE_OK);
    n = maint_spans (db, 0, 20, t0 + H, t0 + 2 * D + 23 * H, &spans);
    CHECK (n == 2 && spans [1].from == t0 + 22 * H && spans [1].to == t0 + D);
    free (spans);

    //  the device's windows and its site's together, merged in order
    n = maint_spans (db, 1, 10, t0, t0 + 14 * D, &spans);
    CHECK (n == 3 && spans [2].from == t0 + 7 * D + 2 * H);
    free (spans);
    sqlite3_close (db);
    TESTS_DONE ();
}
