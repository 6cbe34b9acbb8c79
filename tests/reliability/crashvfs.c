/*  tests/reliability/crashvfs.c: a power loss for SQLite, after the idea of
    SQLite's own src/test6.c. Built as a shared object and preloaded into a
    daemon (LD_PRELOAD), it becomes the default VFS in front of the real
    one. Every write goes through at once, but what it overwrote is kept
    until its file is synced. At the CRASH_AT-th xSync of the process (any
    file, any connection), instead of syncing, each write not yet synced,
    newest first, is kept, undone or garbled (a third each, from
    CRASH_SEED), as a disk losing power may leave it; then the process
    ends at once (_exit 86), as the machine would.

    With EIO_WHEN=FILE instead, nothing crashes: while FILE exists, each
    write fails (SQLITE_IOERR_WRITE, as after an EIO from the disk) with a
    chance of EIO_PERCENT in a hundred (1 by default), and the writes that
    fail are counted in FILE.count when FILE goes (T20 b).

        cc -shared -fPIC -o crashvfs.so crashvfs.c -lsqlite3
        LD_PRELOAD=./crashvfs.so CRASH_AT=17 CRASH_SEED=1 vedette-meshd ...
        LD_PRELOAD=./crashvfs.so EIO_WHEN=/tmp/eio vedette-meshd ...      */
#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

typedef struct {
    sqlite3_file base;
    sqlite3_file *real;                 //  the real VFS's, right after this
} crash_file_t;

//  A write not yet synced, and what it overwrote
typedef struct pending_s {
    crash_file_t *file;
    sqlite3_int64 offset;
    int size;
    unsigned char *before;              //  size bytes: what was there
    sqlite3_int64 file_size;            //  the file's size before it
    struct pending_s *next;             //  older
} pending_t;

static sqlite3_vfs *s_real;
static sqlite3_vfs s_vfs;
static pthread_mutex_t s_lock = PTHREAD_MUTEX_INITIALIZER;
static pending_t *s_pending;            //  newest first
static long s_syncs, s_crash_at;
static unsigned s_seed;
static const char *s_eio_when;          //  EIO_WHEN: a file whose presence fails writes
static int s_eio_percent;
static long s_eio_failed;               //  writes failed since FILE came
static int s_eio_on;                    //  FILE was there at the last write

static void
s_forget (crash_file_t *file)
{
    pending_t **at = &s_pending;
    while (*at) {
        pending_t *pending = *at;
        if (pending->file == file) {
            *at = pending->next;
            free (pending->before);
            free (pending);
        }
        else
            at = &pending->next;
    }
}

//  The power goes: each unsynced write kept, undone or garbled
static void
s_crash (void)
{
    for (pending_t *pending = s_pending; pending; pending = pending->next) {
        sqlite3_file *real = pending->file->real;
        int fate = rand_r (&s_seed) % 3;
        if (fate == 1) {
            real->pMethods->xWrite (real, pending->before, pending->size, pending->offset);
            real->pMethods->xTruncate (real, pending->file_size);
        }
        else
        if (fate == 2) {
            unsigned char *junk = malloc ((size_t) pending->size);
            for (int i = 0; junk && i < pending->size; i++)
                junk [i] = (unsigned char) rand_r (&s_seed);
            if (junk)
                real->pMethods->xWrite (real, junk, pending->size, pending->offset);
            free (junk);
        }
    }
    _exit (86);
}

static int
s_close (sqlite3_file *base)
{
    crash_file_t *self = (crash_file_t *) base;
    pthread_mutex_lock (&s_lock);
    s_forget (self);
    pthread_mutex_unlock (&s_lock);
    return self->real->pMethods->xClose (self->real);
}

static int
s_read (sqlite3_file *base, void *buffer, int size, sqlite3_int64 offset)
{
    crash_file_t *self = (crash_file_t *) base;
    return self->real->pMethods->xRead (self->real, buffer, size, offset);
}

//  EIO_WHEN's mode: true when this write is to fail. When the file goes,
//  the count of failures is left in FILE.count
static int
s_eio (void)
{
    pthread_mutex_lock (&s_lock);
    int on = access (s_eio_when, F_OK) == 0, fail = 0;
    if (on)
        fail = (int) (rand_r (&s_seed) % 100) < s_eio_percent;
    s_eio_failed += fail;
    if (s_eio_on && !on) {
        char path [4096];
        snprintf (path, sizeof path, "%s.count", s_eio_when);
        FILE *file = fopen (path, "w");
        if (file) {
            fprintf (file, "%ld\n", s_eio_failed);
            fclose (file);
        }
        s_eio_failed = 0;
    }
    s_eio_on = on;
    pthread_mutex_unlock (&s_lock);
    return fail;
}

static int
s_write (sqlite3_file *base, const void *buffer, int size, sqlite3_int64 offset)
{
    crash_file_t *self = (crash_file_t *) base;
    if (s_eio_when)
        return s_eio ()? SQLITE_IOERR_WRITE: self->real->pMethods->xWrite (self->real, buffer, size, offset);
    pending_t *pending = calloc (1, sizeof (pending_t));
    if (!pending || !(pending->before = calloc (1, (size_t) size)))
        abort ();
    pending->file = self;
    pending->offset = offset;
    pending->size = size;
    self->real->pMethods->xFileSize (self->real, &pending->file_size);
    self->real->pMethods->xRead (self->real, pending->before, size, offset);     //  short: zeros
    pthread_mutex_lock (&s_lock);
    pending->next = s_pending;
    s_pending = pending;
    pthread_mutex_unlock (&s_lock);
    return self->real->pMethods->xWrite (self->real, buffer, size, offset);
}

static int
s_truncate (sqlite3_file *base, sqlite3_int64 size)
{
    crash_file_t *self = (crash_file_t *) base;
    return self->real->pMethods->xTruncate (self->real, size);
}

static int
s_sync (sqlite3_file *base, int flags)
{
    crash_file_t *self = (crash_file_t *) base;
    pthread_mutex_lock (&s_lock);
    if (++s_syncs == s_crash_at)
        s_crash ();                     //  does not return; the lock dies with the process
    int rc = self->real->pMethods->xSync (self->real, flags);
    if (rc == SQLITE_OK)
        s_forget (self);
    pthread_mutex_unlock (&s_lock);
    return rc;
}

static int
s_file_size (sqlite3_file *base, sqlite3_int64 *size)
{
    crash_file_t *self = (crash_file_t *) base;
    return self->real->pMethods->xFileSize (self->real, size);
}

static int
s_lock_file (sqlite3_file *base, int level)
{
    crash_file_t *self = (crash_file_t *) base;
    return self->real->pMethods->xLock (self->real, level);
}

static int
s_unlock_file (sqlite3_file *base, int level)
{
    crash_file_t *self = (crash_file_t *) base;
    return self->real->pMethods->xUnlock (self->real, level);
}

static int
s_reserved (sqlite3_file *base, int *out)
{
    crash_file_t *self = (crash_file_t *) base;
    return self->real->pMethods->xCheckReservedLock (self->real, out);
}

static int
s_control (sqlite3_file *base, int op, void *arg)
{
    crash_file_t *self = (crash_file_t *) base;
    return self->real->pMethods->xFileControl (self->real, op, arg);
}

static int
s_sector (sqlite3_file *base)
{
    crash_file_t *self = (crash_file_t *) base;
    return self->real->pMethods->xSectorSize (self->real);
}

static int
s_device (sqlite3_file *base)
{
    crash_file_t *self = (crash_file_t *) base;
    return self->real->pMethods->xDeviceCharacteristics (self->real);
}

static int
s_shm_map (sqlite3_file *base, int page, int size, int extend, void volatile **out)
{
    crash_file_t *self = (crash_file_t *) base;
    return self->real->pMethods->xShmMap (self->real, page, size, extend, out);
}

static int
s_shm_lock (sqlite3_file *base, int offset, int n, int flags)
{
    crash_file_t *self = (crash_file_t *) base;
    return self->real->pMethods->xShmLock (self->real, offset, n, flags);
}

static void
s_shm_barrier (sqlite3_file *base)
{
    crash_file_t *self = (crash_file_t *) base;
    self->real->pMethods->xShmBarrier (self->real);
}

static int
s_shm_unmap (sqlite3_file *base, int delete)
{
    crash_file_t *self = (crash_file_t *) base;
    return self->real->pMethods->xShmUnmap (self->real, delete);
}

//  no memory-mapped reads: every page is read through s_read
static const sqlite3_io_methods s_methods = {
    2, s_close, s_read, s_write, s_truncate, s_sync, s_file_size, s_lock_file, s_unlock_file,
    s_reserved, s_control, s_sector, s_device, s_shm_map, s_shm_lock, s_shm_barrier, s_shm_unmap,
    NULL, NULL
};

static int
s_open (sqlite3_vfs *vfs, const char *name, sqlite3_file *base, int flags, int *out_flags)
{
    (void) vfs;
    crash_file_t *self = (crash_file_t *) base;
    self->real = (sqlite3_file *) &self [1];
    int rc = s_real->xOpen (s_real, name, self->real, flags, out_flags);
    self->base.pMethods = rc == SQLITE_OK && self->real->pMethods? &s_methods: NULL;
    return rc;
}

static int
s_delete (sqlite3_vfs *vfs, const char *name, int sync_dir)
{
    (void) vfs;
    return s_real->xDelete (s_real, name, sync_dir);
}

static int
s_access (sqlite3_vfs *vfs, const char *name, int flags, int *out)
{
    (void) vfs;
    return s_real->xAccess (s_real, name, flags, out);
}

static int
s_full_pathname (sqlite3_vfs *vfs, const char *name, int size, char *out)
{
    (void) vfs;
    return s_real->xFullPathname (s_real, name, size, out);
}

static int
s_randomness (sqlite3_vfs *vfs, int size, char *out)
{
    (void) vfs;
    return s_real->xRandomness (s_real, size, out);
}

static int
s_sleep (sqlite3_vfs *vfs, int us)
{
    (void) vfs;
    return s_real->xSleep (s_real, us);
}

static int
s_current_time (sqlite3_vfs *vfs, double *out)
{
    (void) vfs;
    return s_real->xCurrentTime (s_real, out);
}

static int
s_last_error (sqlite3_vfs *vfs, int size, char *out)
{
    (void) vfs;
    return s_real->xGetLastError (s_real, size, out);
}

static int
s_current_time64 (sqlite3_vfs *vfs, sqlite3_int64 *out)
{
    (void) vfs;
    return s_real->xCurrentTimeInt64 (s_real, out);
}

__attribute__ ((constructor)) static void
s_setup (void)
{
    const char *at = getenv ("CRASH_AT");
    s_eio_when = getenv ("EIO_WHEN");
    if ((!at && !s_eio_when) || sqlite3_initialize () != SQLITE_OK || !(s_real = sqlite3_vfs_find (NULL)))
        return;
    s_crash_at = at? atol (at): 0;
    s_eio_percent = getenv ("EIO_PERCENT")? atoi (getenv ("EIO_PERCENT")): 1;
    s_seed = (unsigned) atol (getenv ("CRASH_SEED")? getenv ("CRASH_SEED"): "1");
    s_vfs = (sqlite3_vfs) {
        .iVersion = 2, .szOsFile = (int) sizeof (crash_file_t) + s_real->szOsFile,
        .mxPathname = s_real->mxPathname, .zName = "crash",
        .xOpen = s_open, .xDelete = s_delete, .xAccess = s_access, .xFullPathname = s_full_pathname,
        .xRandomness = s_randomness, .xSleep = s_sleep, .xCurrentTime = s_current_time,
        .xGetLastError = s_last_error, .xCurrentTimeInt64 = s_current_time64
    };
    sqlite3_vfs_register (&s_vfs, 1);
}
