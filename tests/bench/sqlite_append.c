/*  sqlite_append: the reference for ingest. Appends COUNT rows
    (series_id, ts, value, flags) to a table with no index, in transactions
    of 10,000 rows, WAL with synchronous=FULL (durable, as meshd is), over
    SERIES series. Prints rows, seconds, rows per second, bytes per row.
    usage: sqlite_append FILE COUNT SERIES                                  */
#include "vedette.h"
#include <sys/stat.h>

int
main (int argc, char *argv [])
{
    if (argc != 4)
        return 2;
    int64_t count = atoll (argv [2]);
    int64_t series = atoll (argv [3]);
    unlink (argv [1]);
    sqlite3 *db = vd_db_open (argv [1], false);
    vd_db_exec (db, "CREATE TABLE sample (series_id INTEGER, ts INTEGER, value REAL, flags INTEGER)");
    sqlite3_stmt *insert = vd_db_prepare (db, "INSERT INTO sample VALUES (?, ?, ?, ?)");
    int64_t ts = vd_now_us ();
    int64_t start = zclock_usecs ();
    for (int64_t i = 0; i < count; i++) {
        if (i % 10000 == 0)
            vd_db_exec (db, i? "COMMIT; BEGIN": "BEGIN");
        sqlite3_bind_int64 (insert, 1, i % series + 1);
        sqlite3_bind_int64 (insert, 2, ts + i / series * 1000000);
        sqlite3_bind_double (insert, 3, (double) (i % 1000) / 10.0);
        sqlite3_bind_int (insert, 4, 0);
        sqlite3_step (insert);
        sqlite3_reset (insert);
    }
    vd_db_exec (db, "COMMIT");
    double seconds = (zclock_usecs () - start) / 1e6;
    sqlite3_finalize (insert);
    vd_db_exec (db, "PRAGMA wal_checkpoint(TRUNCATE)");
    vd_db_close (&db);
    struct stat st;
    stat (argv [1], &st);
    printf ("%" PRId64 " %.3f %.0f %.1f\n", count, seconds, count / seconds, (double) st.st_size / count);
    return 0;
}
