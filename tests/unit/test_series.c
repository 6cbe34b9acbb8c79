/*  series_read (meshd/monitor/series.c): the newest points of a range, in
    time order, from the compacted chunks and the tail together, in memory
    bounded by what is asked, whatever the range holds.                     */
#include "testing.h"
#include "monitor/monitor.h"

//  A tail batch of count samples of series 1 from ts (1 s apart), and one of
//  another series between each, as probes send them
static void
s_batch (sqlite3 *db, int64_t ts, int count)
{
    byte *data = (byte *) malloc ((size_t) count * 2 * VD_SAMPLE_SIZE);
    for (int i = 0; i < count; i++) {
        vd_sample_t mine = { 1, ts + i * 1000000LL, (double) i, 0 };
        vd_sample_t other = { 2, ts + i * 1000000LL, -1.0, 0 };
        vd_sample_encode (&mine, data + (size_t) (2 * i) * VD_SAMPLE_SIZE);
        vd_sample_encode (&other, data + (size_t) (2 * i + 1) * VD_SAMPLE_SIZE);
    }
    sqlite3_stmt *stmt = vd_db_prepare (db,
        "INSERT INTO sample_batch (probe_id, seq, received_us, data) VALUES (1, 1, 0, ?)");
    sqlite3_bind_blob (stmt, 1, data, count * 2 * VD_SAMPLE_SIZE, SQLITE_STATIC);
    CHECK (sqlite3_step (stmt) == SQLITE_DONE);
    sqlite3_finalize (stmt);
    free (data);
}

int
main (void)
{
    char *dir = test_dir ("series");
    char *path = zsys_sprintf ("%s/meshd.db", dir);
    sqlite3 *db = vd_db_open (path, false);
    CHECK (db && vd_db_migrate (db, vd_migrations) == 0);
    CHECK (vd_db_exec (db, "INSERT INTO site (id, name, created_us) VALUES (1, 'lab', 0);"
                           "INSERT INTO probe (id, name, site_id, created_us) VALUES (1, 'p1', 1, 0);"
                           "INSERT INTO series (id, probe_id, metric) VALUES (1, 1, 'a'), (2, 1, 'b');") == 0);
    //  300,000 samples of series 1, the newest third first in the tail:
    //  the order of arrival is not the order of time
    int64_t t0 = 1700000000000000LL;
    for (int part = 2; part >= 0; part--)
        for (int i = 0; i < 100; i++)
            s_batch (db, t0 + (part * 100000 + i * 1000) * 1000000LL, 1000);

    series_point_t *points = NULL;
    int64_t skipped = -1;
    int count = series_read (db, 1, 0, INT64_MAX, 1000, &points, &skipped);
    CHECK (count == 1000 && skipped == 299000);
    CHECK (points [0].ts_us == t0 + 299000 * 1000000LL);       //  the newest 1,000
    CHECK (points [999].ts_us == t0 + 299999 * 1000000LL);
    bool ascending = true;
    for (int i = 1; i < count; i++)
        ascending = ascending && points [i].ts_us > points [i - 1].ts_us;
    CHECK (ascending);
    free (points);

    //  a range inside, and all of it when it fits
    count = series_read (db, 1, t0 + 10 * 1000000LL, t0 + 19 * 1000000LL, 1000, &points, &skipped);
    CHECK (count == 10 && skipped == 0 && points [0].value == 10.0 && points [9].value == 19.0);
    free (points);
    count = series_read (db, 2, 0, INT64_MAX, 1000000, &points, &skipped);
    CHECK (count == 300000 && skipped == 0 && points [0].ts_us == t0);
    free (points);
    //  a series with nothing
    count = series_read (db, 3, 0, INT64_MAX, 10, &points, NULL);
    CHECK (count == 0);
    free (points);

    vd_db_close (&db);
    free (path);
    test_dir_remove (dir);
    TESTS_DONE ();
}
