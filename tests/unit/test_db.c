/*  vd_db: migrations apply once, in order, and refuse a newer database.  */
#include "testing.h"

static const vd_migration_t s_two [] = {
    { 1, "0001_a", "CREATE TABLE a (x INTEGER);" },
    { 2, "0002_b", "CREATE TABLE b (y INTEGER); INSERT INTO b VALUES (42);" },
    { 0, NULL, NULL }
};
static const vd_migration_t s_broken [] = {
    { 1, "0001_a", "CREATE TABLE a (x INTEGER);" },
    { 2, "0002_b", "CREATE TABLE b (y INTEGER); INSERT INTO nowhere VALUES (1);" },
    { 3, "0003_c", "CREATE TABLE c (z INTEGER);" },
    { 0, NULL, NULL }
};

int
main (void)
{
    char *dir = test_dir ("db");
    char *path = zsys_sprintf ("%s/a.db", dir);
    sqlite3 *db = vd_db_open (path, false);
    CHECK (db);
    sqlite3_stmt *stmt = vd_db_prepare (db, "PRAGMA journal_mode");
    CHECK (stmt && sqlite3_step (stmt) == SQLITE_ROW
           && streq ((const char *) sqlite3_column_text (stmt, 0), "wal"));
    sqlite3_finalize (stmt);
    CHECK (vd_db_int (db, "PRAGMA synchronous", -1) == 2);       //  FULL
    CHECK (vd_db_migrate (db, s_two) == 0);
    CHECK (vd_db_int (db, "PRAGMA user_version", -1) == 2);
    CHECK (vd_db_int (db, "SELECT y FROM b", -1) == 42);
    //  again: nothing applied twice
    CHECK (vd_db_migrate (db, s_two) == 0);
    CHECK (vd_db_int (db, "SELECT count(*) FROM b", -1) == 1);
    vd_db_close (&db);
    CHECK (db == NULL);

    //  a broken migration leaves the version where it was
    char *other = zsys_sprintf ("%s/b.db", dir);
    db = vd_db_open (other, false);
    CHECK (vd_db_migrate (db, s_broken) == -1);
    CHECK (vd_db_int (db, "PRAGMA user_version", -1) == 1);
    CHECK (vd_db_int (db, "SELECT count(*) FROM sqlite_master WHERE name = 'b'", -1) == 0);
    vd_db_close (&db);

    //  newer than we know: refused
    static const vd_migration_t one [] = { { 1, "0001_a", "CREATE TABLE a (x INTEGER);" },
                                           { 0, NULL, NULL } };
    db = vd_db_open (path, false);
    CHECK (vd_db_migrate (db, one) == -1);
    vd_db_close (&db);

    //  the real schema applies on an empty database, and audit is append-only
    char *real = zsys_sprintf ("%s/meshd.db", dir);
    db = vd_db_open (real, false);
    CHECK (vd_db_migrate (db, vd_migrations) == 0);
    CHECK (vd_db_int (db, "PRAGMA user_version", -1) == vd_db_schema_version (vd_migrations));
    CHECK (vd_db_exec (db, "INSERT INTO audit (ts_us, user, origin, op, detail) "
                           "VALUES (1, 'a', 'ipc', 'x', '{}')") == 0);
    CHECK (vd_db_exec (db, "UPDATE audit SET user = 'b'") == -1);
    CHECK (vd_db_exec (db, "DELETE FROM audit") == -1);
    CHECK (vd_db_int (db, "SELECT count(*) FROM audit WHERE user = 'a'", -1) == 1);
    vd_db_close (&db);
    CHECK (vd_db_open ("/nonexistent/x.db", true) == NULL);
    free (real);
    free (other);
    free (path);
    test_dir_remove (dir);
    TESTS_DONE ();
}
