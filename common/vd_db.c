/*  vd_db: SQLite helpers.  */
#include "vedette.h"

sqlite3 *
vd_db_open (const char *path, bool readonly)
{
    sqlite3 *db = NULL;
    int flags = readonly? SQLITE_OPEN_READONLY
                        : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
    int rc = sqlite3_open_v2 (path, &db, flags | SQLITE_OPEN_NOMUTEX, NULL);
    if (rc != SQLITE_OK) {
        zsys_error ("db: %s: cannot open: %s", path, db? sqlite3_errmsg (db): sqlite3_errstr (rc));
        sqlite3_close (db);
        return NULL;
    }
    vd_db_eager (db, 10000);
    sqlite3_extended_result_codes (db, 1);
    if (!readonly
    &&  vd_db_exec (db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;")) {
        sqlite3_close (db);
        return NULL;
    }
    if (vd_db_exec (db, "PRAGMA foreign_keys=ON;")) {
        sqlite3_close (db);
        return NULL;
    }
    return db;
}

static int
s_busy_eager (void *limit_ms, int attempts)
{
    if (attempts >= (int) (intptr_t) limit_ms)
        return 0;               //  a millisecond an attempt, about
    struct timespec pause = { 0, 1000000 };
    nanosleep (&pause, NULL);
    return 1;
}

void
vd_db_eager (sqlite3 *db, int64_t limit_ms)
{
    sqlite3_busy_handler (db, s_busy_eager, (void *) (intptr_t) limit_ms);
}

void
vd_db_close (sqlite3 **db_p)
{
    if (db_p && *db_p) {
        sqlite3_close_v2 (*db_p);
        *db_p = NULL;
    }
}

int
vd_db_exec (sqlite3 *db, const char *sql)
{
    char *error = NULL;
    if (sqlite3_exec (db, sql, NULL, NULL, &error) != SQLITE_OK) {
        zsys_error ("db: %s: %s", sqlite3_db_filename (db, "main"), error? error: "?");
        sqlite3_free (error);
        return -1;
    }
    return 0;
}

int
vd_db_begin (sqlite3 *db)
{
    return sqlite3_exec (db, "BEGIN IMMEDIATE", NULL, NULL, NULL) == SQLITE_OK? 0: -1;
}

int
vd_db_commit (sqlite3 *db)
{
    return sqlite3_exec (db, "COMMIT", NULL, NULL, NULL) == SQLITE_OK? 0: -1;
}

void
vd_db_rollback (sqlite3 *db)
{
    if (!sqlite3_get_autocommit (db))
        sqlite3_exec (db, "ROLLBACK", NULL, NULL, NULL);
}

static int
s_past_deadline (void *deadline)
{
    return vd_mono_ms () > *(int64_t *) deadline;
}

int
vd_db_check (sqlite3 *db, int64_t limit_ms, char **result)
{
    int64_t deadline = vd_mono_ms () + limit_ms;
    sqlite3_progress_handler (db, 10000, s_past_deadline, &deadline);
    sqlite3_stmt *stmt = NULL;
    int rc = sqlite3_prepare_v2 (db, "PRAGMA quick_check", -1, &stmt, NULL);
    *result = NULL;
    if (rc == SQLITE_OK)
        rc = sqlite3_step (stmt);
    int outcome;
    if (rc == SQLITE_ROW) {
        const char *first = (const char *) sqlite3_column_text (stmt, 0);
        outcome = first && streq (first, "ok")? 0: 1;
        if (outcome)
            *result = strdup (first? first: "?");
    }
    else
    if (rc == SQLITE_INTERRUPT)
        outcome = 2;
    else {
        //  a file so damaged that the check cannot even run is damaged
        outcome = rc == SQLITE_CORRUPT || rc == SQLITE_NOTADB || (rc & 0xFF) == SQLITE_CORRUPT? 1: -1;
        *result = strdup (sqlite3_errmsg (db));
    }
    sqlite3_finalize (stmt);
    sqlite3_progress_handler (db, 0, NULL, NULL);
    return outcome;
}

int
vd_db_copy (sqlite3 *db, const char *path, char **error)
{
    char *tmp = zsys_sprintf ("%s.tmp", path);
    unlink (tmp);
    sqlite3 *copy = NULL;
    int rc = sqlite3_open_v2 (tmp, &copy, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL);
    *error = NULL;
    if (rc == SQLITE_OK) {
        sqlite3_backup *backup = sqlite3_backup_init (copy, "main", db, "main");
        if (!backup)
            rc = sqlite3_errcode (copy);
        else {
            rc = sqlite3_backup_step (backup, -1);
            sqlite3_backup_finish (backup);
            rc = rc == SQLITE_DONE? sqlite3_errcode (copy): rc;
        }
    }
    if (rc != SQLITE_OK)
        *error = zsys_sprintf ("%s: %s", tmp, copy? sqlite3_errmsg (copy): sqlite3_errstr (rc));
    else {
        char *check;
        //  the copy keeps the source's WAL mode: one file once closed
        if (vd_db_check (copy, INT64_MAX / 2, &check) != 0)
            *error = zsys_sprintf ("%s: the copy does not check: %s", tmp, check? check: "?");
        free (check);
    }
    sqlite3_close_v2 (copy);
    if (!*error) {
        int fd = open (tmp, O_RDONLY);
        if (fd < 0 || fsync (fd) || rename (tmp, path))
            *error = zsys_sprintf ("%s: %s", path, strerror (errno));
        if (fd >= 0)
            close (fd);
    }
    if (*error)
        unlink (tmp);
    free (tmp);
    return *error? -1: 0;
}

sqlite3_stmt *
vd_db_prepare (sqlite3 *db, const char *sql)
{
    sqlite3_stmt *stmt = NULL;
    if (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL) != SQLITE_OK) {
        zsys_error ("db: cannot prepare '%.60s': %s", sql, sqlite3_errmsg (db));
        return NULL;
    }
    return stmt;
}

int64_t
vd_db_int (sqlite3 *db, const char *sql, int64_t def)
{
    sqlite3_stmt *stmt = vd_db_prepare (db, sql);
    if (!stmt)
        return def;
    int64_t value = def;
    if (sqlite3_step (stmt) == SQLITE_ROW && sqlite3_column_type (stmt, 0) != SQLITE_NULL)
        value = sqlite3_column_int64 (stmt, 0);
    sqlite3_finalize (stmt);
    return value;
}

int
vd_db_schema_version (const vd_migration_t *migrations)
{
    int version = 0;
    for (int i = 0; migrations [i].version; i++)
        if (migrations [i].version > version)
            version = migrations [i].version;
    return version;
}

//  After a migration that edits a table's SQL in place (writable_schema):
//  one more schema_version, so every connection reads the schema again
static int
s_schema_edited (sqlite3 *db, const char *sql)
{
    if (!strstr (sql, "writable_schema"))
        return 0;
    char bump [64];
    snprintf (bump, sizeof bump, "PRAGMA schema_version=%lld;",
              (long long) vd_db_int (db, "PRAGMA schema_version", 0) + 1);
    return vd_db_exec (db, bump);
}

int
vd_db_migrate (sqlite3 *db, const vd_migration_t *migrations)
{
    int64_t current = vd_db_int (db, "PRAGMA user_version", -1);
    if (current < 0)
        return -1;
    int known = vd_db_schema_version (migrations);
    if (current > known) {
        zsys_error ("db: schema version %d is newer than this program's %d",
                    (int) current, known);
        return -1;
    }
    for (int i = 0; migrations [i].version; i++) {
        const vd_migration_t *migration = &migrations [i];
        if (migration->version <= current)
            continue;
        char pragma [64];
        snprintf (pragma, sizeof pragma, "PRAGMA user_version=%d;", migration->version);
        if (vd_db_exec (db, "BEGIN IMMEDIATE;"))
            return -1;
        if (vd_db_exec (db, migration->sql) || s_schema_edited (db, migration->sql) || vd_db_exec (db, pragma)) {
            zsys_error ("db: migration %s failed", migration->name);
            vd_db_exec (db, "ROLLBACK;");
            return -1;
        }
        if (vd_db_exec (db, "COMMIT;"))
            return -1;
        zsys_info ("db: applied migration %s", migration->name);
    }
    return 0;
}

int
vd_db_run (sqlite3 *db, const char *sql, const char *format, ...)
{
    sqlite3_stmt *stmt = vd_db_prepare (db, sql);
    if (!stmt)
        return -1;
    va_list args;
    va_start (args, format);
    for (int i = 1; format [i - 1]; i++) {
        if (format [i - 1] == 'i')
            sqlite3_bind_int64 (stmt, i, va_arg (args, int64_t));
        else
        if (format [i - 1] == 's') {
            const char *text = va_arg (args, const char *);
            if (text)
                sqlite3_bind_text (stmt, i, text, -1, SQLITE_TRANSIENT);
        }
        else
            (void) va_arg (args, int64_t);
    }
    va_end (args);
    int rc = sqlite3_step (stmt);
    sqlite3_finalize (stmt);
    if (rc != SQLITE_DONE && rc != SQLITE_ROW) {
        zsys_error ("db: %s", sqlite3_errmsg (db));
        return -1;
    }
    return 0;
}
