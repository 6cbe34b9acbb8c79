/*  meshd/housekeeping/backup.c: copies of the database while meshd runs
    (vd_db_copy: one consistent snapshot, ingest goes on), the scheduled ones
    with rotation that the housekeeping actor takes, `vedette-meshd backup`
    and `vedette-meshd restore`, and the check at start that refuses a
    damaged file and names the newest backup.

    Scheduled backups are backup/dir/meshd-YYYYMMDDTHHMMSSZ.db; the name
    sorts by time, the newest backup/keep are kept.                         */
#include "housekeeping/housekeeping.h"
#include <dirent.h>
#include <sys/stat.h>

#define PREFIX      "meshd-"
#define SUFFIX      ".db"

char *
backup_dir (meshd_t *meshd)
{
    const char *dir = vd_config_str (meshd->config, "backup/dir");
    return *dir? strdup (dir): zsys_sprintf ("%s/backups", meshd->dir);
}

static bool
s_is_backup (const char *name)
{
    size_t length = strlen (name);
    return strncmp (name, PREFIX, strlen (PREFIX)) == 0 && length == strlen (PREFIX) + 16 + strlen (SUFFIX)
        && streq (name + length - strlen (SUFFIX), SUFFIX);
}

//  The scheduled backups in dir, oldest first (caller destroys)
static zlistx_t *
s_backups (const char *dir)
{
    zlistx_t *names = zlistx_new ();
    zlistx_set_destructor (names, (zlistx_destructor_fn *) zstr_free);
    zlistx_set_comparator (names, (zlistx_comparator_fn *) strcmp);
    DIR *handle = opendir (dir);
    struct dirent *entry;
    while (handle && (entry = readdir (handle)))
        if (s_is_backup (entry->d_name))
            zlistx_add_end (names, strdup (entry->d_name));
    if (handle)
        closedir (handle);
    zlistx_sort (names);
    return names;
}

char *
backup_newest (const char *dir)
{
    zlistx_t *names = s_backups (dir);
    const char *last = (const char *) zlistx_last (names);
    char *path = last? zsys_sprintf ("%s/%s", dir, last): NULL;
    zlistx_destroy (&names);
    return path;
}

int64_t
backup_last_us (const char *dir)
{
    char *newest = backup_newest (dir);
    struct stat st;
    int64_t us = newest && stat (newest, &st) == 0? (int64_t) st.st_mtime * 1000000: 0;
    free (newest);
    return us;
}

int
backup_take (sqlite3 *db, const char *dir, int keep, char **path_p, char **error)
{
    *path_p = NULL;
    if (zsys_dir_create ("%s", dir)) {
        *error = zsys_sprintf ("%s: %s", dir, strerror (errno));
        return -1;
    }
    time_t now = time (NULL);
    struct tm tm;
    gmtime_r (&now, &tm);
    char stamp [20];
    strftime (stamp, sizeof stamp, "%Y%m%dT%H%M%SZ", &tm);
    char *path = zsys_sprintf ("%s/" PREFIX "%s" SUFFIX, dir, stamp);
    if (vd_db_copy (db, path, error)) {
        free (path);
        return -1;
    }
    //  the newest keep stay
    zlistx_t *names = s_backups (dir);
    while (keep > 0 && zlistx_size (names) > (size_t) keep) {
        char *oldest = (char *) zlistx_first (names);
        char *old = zsys_sprintf ("%s/%s", dir, oldest);
        unlink (old);
        free (old);
        zlistx_delete (names, zlistx_cursor (names));
    }
    zlistx_destroy (&names);
    *path_p = path;
    return 0;
}

int
backup_command (const char *dir, const char *file)
{
    char *db_path = zsys_sprintf ("%s/meshd.db", dir);
    sqlite3 *db = zsys_file_exists (db_path)? vd_db_open (db_path, false): NULL;
    char *error = NULL;
    int64_t started = vd_mono_ms ();
    int rc = db? vd_db_copy (db, file, &error): -1;
    vd_db_close (&db);
    if (rc == 0) {
        struct stat st;
        stat (file, &st);
        printf ("backed up %s to %s: %lld bytes in %lld ms, checked\n", db_path, file,
                (long long) st.st_size, (long long) (vd_mono_ms () - started));
    }
    else
        fprintf (stderr, "vedette-meshd: backup: %s\n", error? error: "no database in that directory");
    free (error);
    free (db_path);
    return rc? 1: 0;
}

//  A file fit to be restored: a vedette database that checks, of a
//  schema this program knows
static int
s_restorable (const char *file, char **why)
{
    sqlite3 *db = NULL;
    *why = NULL;
    if (sqlite3_open_v2 (file, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
        *why = strdup (db? sqlite3_errmsg (db): "cannot open");
        sqlite3_close (db);
        return -1;
    }
    char *check = NULL;
    int checked = vd_db_check (db, INT64_MAX / 2, &check);
    int64_t version = checked? 0: vd_db_int (db, "PRAGMA user_version", -1);
    int64_t tables = checked? 0: vd_db_int (db,
        "SELECT count(*) FROM sqlite_schema WHERE name IN ('probe', 'device', 'audit')", 0);
    if (checked != 0)
        *why = zsys_sprintf ("it does not check: %s", check? check: "?");
    else
    if (tables != 3 || version < 1)
        *why = strdup ("it is not a vedette-meshd database");
    else
    if (version > vd_db_schema_version (vd_migrations))
        *why = zsys_sprintf ("its schema (%lld) is newer than this vedette-meshd's", (long long) version);
    free (check);
    sqlite3_close (db);
    return *why? -1: 0;
}

int
restore_command (const char *dir, const char *file, const char *pid_path)
{
    int pid_fd = vd_pidfile_lock (pid_path);
    if (pid_fd == -2) {
        fprintf (stderr, "vedette-meshd: restore: vedette-meshd runs on %s: stop it first\n", dir);
        return 1;
    }
    char *why = NULL, *error = NULL;
    char *db_path = zsys_sprintf ("%s/meshd.db", dir);
    char *aside = NULL;
    int rc = 1;
    if (s_restorable (file, &why)) {
        fprintf (stderr, "vedette-meshd: restore: %s: %s; nothing changed\n", file, why);
        goto done;
    }
    //  the database replaced is kept beside, with its WAL
    time_t now = time (NULL);
    aside = zsys_sprintf ("%s.replaced-%lld", db_path, (long long) now);
    const char *suffixes [] = { "", "-wal", "-shm" };
    for (int i = 0; i < 3; i++) {
        char *from = zsys_sprintf ("%s%s", db_path, suffixes [i]);
        char *to = zsys_sprintf ("%s%s", aside, suffixes [i]);
        if (zsys_file_exists (from) && rename (from, to) && i == 0)
            error = zsys_sprintf ("%s: %s", from, strerror (errno));
        free (from);
        free (to);
    }
    if (!error) {
        sqlite3 *source = vd_db_open (file, true);
        if (!source || vd_db_copy (source, db_path, &error))
            error = error? error: strdup ("cannot read it");
        vd_db_close (&source);
    }
    if (error) {
        fprintf (stderr, "vedette-meshd: restore: %s\n", error);
        goto done;
    }
    printf ("restored %s from %s; the database it replaced is %s\n", db_path, file, aside);
    rc = 0;
done:
    if (pid_fd >= 0) {
        close (pid_fd);
        unlink (pid_path);
    }
    free (why);
    free (error);
    free (aside);
    free (db_path);
    return rc;
}

int
backup_check_at_start (meshd_t *meshd, sqlite3 *db)
{
    char *result = NULL;
    int64_t limit = vd_config_int (meshd->config, "store/check_time");
    int64_t started = vd_mono_ms ();
    int checked = db? vd_db_check (db, limit, &result): 1;
    if (!db)
        result = strdup ("it cannot be opened");
    if (checked == 2)
        zsys_warning ("meshd: the database check did not finish in %lld ms: not checked",
                      (long long) limit);
    else
    if (checked == 0)
        zsys_info ("meshd: database checked in %lld ms", (long long) (vd_mono_ms () - started));
    else {
        char *dir = backup_dir (meshd);
        char *newest = backup_newest (dir);
        fprintf (stderr, "vedette-meshd: %s is damaged (%s): not starting.\n", meshd->db_path,
                 result? result: "?");
        if (newest)
            fprintf (stderr, "vedette-meshd: the newest backup is %s: vedette-meshd restore -d %s %s\n",
                     newest, meshd->dir, newest);
        else
            fprintf (stderr, "vedette-meshd: there is no backup in %s\n", dir);
        zsys_error ("meshd: %s is damaged (%s); newest backup: %s", meshd->db_path,
                    result? result: "?", newest? newest: "none");
        free (newest);
        free (dir);
    }
    free (result);
    return checked == 1 || checked < 0? -1: 0;
}
