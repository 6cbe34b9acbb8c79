/*  vd_db: SQLite helpers: open with the project's pragmas, apply migrations. */
#ifndef VD_DB_H_INCLUDED
#define VD_DB_H_INCLUDED

#include <sqlite3.h>
#include <stdbool.h>
#include <stdint.h>

//  One schema migration, compiled in from schemas/sql/NNNN_name.sql.
typedef struct {
    int version;                //  NNNN, kept in PRAGMA user_version
    const char *name;           //  file name without .sql
    const char *sql;            //  the statements
} vd_migration_t;

//  Migrations of meshd's database, ending with a zero version.
extern const vd_migration_t vd_migrations [];

//  Opens a database in WAL mode, waiting for other writers eagerly
//  (vd_db_eager, 10 s), with foreign keys on;
//  synchronous=FULL so a commit is on disk when it returns. Read-only opens
//  never create. Returns NULL and logs on failure.
sqlite3 *vd_db_open (const char *path, bool readonly);
//  Closes; accepts NULL.
void vd_db_close (sqlite3 **db_p);
//  While another connection writes, retries every millisecond (about
//  limit_ms times) instead of SQLite's back-off, which sleeps up to 100 ms
//  at a time: a writer gets the lock as soon as the holder lets go of it.
//  With back-off, a writer polling every 100 ms can miss, for as long as
//  it lasts, every gap a steady background writer (housekeeping) leaves.
void vd_db_eager (sqlite3 *db, int64_t limit_ms);
//  Applies the migrations newer than PRAGMA user_version, each in its own
//  transaction. Refuses a database newer than this program. 0 or -1.
int vd_db_migrate (sqlite3 *db, const vd_migration_t *migrations);
//  Runs SQL without results; logs the error. 0 or -1.
int vd_db_exec (sqlite3 *db, const char *sql);
//  BEGIN IMMEDIATE and COMMIT of a daemon's own transactions: 0 or -1,
//  with no log line; the caller says why (sqlite3_errmsg), throttled,
//  where a full disk fails every one.
int vd_db_begin (sqlite3 *db);
int vd_db_commit (sqlite3 *db);
//  Rolls back the transaction if one is still open (SQLite rolls some back
//  by itself: a full disk, an I/O error, a COMMIT that failed).
void vd_db_rollback (sqlite3 *db);
//  Prepares a statement; logs the error. NULL on failure.
sqlite3_stmt *vd_db_prepare (sqlite3 *db, const char *sql);
//  Runs one statement with parameters described by format, one letter per
//  parameter: 'i' an int64_t, 's' a string (NULL binds NULL), 'n' NULL (an
//  int64_t is taken and ignored). Logs the error. 0 or -1.
int vd_db_run (sqlite3 *db, const char *sql, const char *format, ...);
//  Runs a query whose first column of the first row is an integer; returns
//  def when there is no row or on error.
int64_t vd_db_int (sqlite3 *db, const char *sql, int64_t def);
//  Schema version this program knows.
int vd_db_schema_version (const vd_migration_t *migrations);
//  Copies the database of db, as one consistent snapshot (SQLite's online
//  backup API in a single step: writers on other connections go on), to
//  path: written to path.tmp, checked (quick_check), synced, renamed. 0, or
//  -1 with *error (caller frees) saying why.
int vd_db_copy (sqlite3 *db, const char *path, char **error);
//  PRAGMA quick_check for at most limit_ms: 0 sound, 1 damaged (*result,
//  caller frees, has the first problem), 2 not finished in time, -1 error.
int vd_db_check (sqlite3 *db, int64_t limit_ms, char **result);

#endif
