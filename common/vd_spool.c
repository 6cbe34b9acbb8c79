/*  vd_spool: the probe's outbox.

    AUTOINCREMENT makes sequence numbers strictly increasing for the life of
    the file, even after every row was deleted, so meshd's high-water mark
    for this probe stays meaningful across probe restarts.

    A spool that is full, or holds messages older than its age cap, makes
    room by dropping its oldest messages, never the newest: after a long
    outage what is kept is the most recent window, the part an engineer
    looks at first. Messages in flight on a live link (sent, not yet
    acknowledged) are kept. Each drop is counted by command, in items
    (samples, events, reports), in the same transaction as the deletion, so
    the counts are exact and survive a restart. A message that had been
    sent before the link went down may still have reached meshd: it is
    remembered (spool_sent_dropped) until an acknowledgement tells, and if
    meshd had it, its items are taken off the counts again.                  */
#include "vedette.h"

struct _vd_spool_t {
    sqlite3 *db;
    sqlite3_stmt *insert;
    sqlite3_stmt *remove;
    sqlite3_stmt *next;
    sqlite3_stmt *gone;
    sqlite3_stmt *oldest;       //  the oldest messages past protected, for dropping
    sqlite3_stmt *count_drop;   //  adds to a command's dropped items
    int64_t max_bytes;
    int64_t max_age_us;
    int64_t bytes;              //  payload bytes waiting
    int64_t count;              //  messages waiting
    uint64_t last;              //  last sequence number assigned
    uint64_t acked;             //  last sequence number acknowledged
    uint64_t protected_seq;     //  messages up to here are in flight: kept
    uint64_t sent_seq;          //  messages up to here were sent: remembered when dropped
    int64_t oldest_us;          //  when the oldest message was spooled (0: unknown)
    uint64_t evicted;           //  messages dropped since opened
};

static const char *s_schema =
    "CREATE TABLE IF NOT EXISTS spool ("
    "  seq INTEGER PRIMARY KEY AUTOINCREMENT,"
    "  command TEXT NOT NULL,"
    "  header TEXT NOT NULL,"
    "  payload BLOB NOT NULL);"
    "CREATE TABLE IF NOT EXISTS spool_state ("
    "  name TEXT PRIMARY KEY, value INTEGER NOT NULL);"
    "CREATE TABLE IF NOT EXISTS spool_sent_dropped ("
    "  seq INTEGER PRIMARY KEY, command TEXT NOT NULL, items INTEGER NOT NULL);";

//  Columns added after the first version; a spool of that version gets them
static const char *s_columns [] = {
    "items INTEGER NOT NULL DEFAULT 1",     //  samples, events or reports in the message
    "spooled_us INTEGER NOT NULL DEFAULT 0",
    NULL
};

static int
s_upgrade (sqlite3 *db)
{
    for (int i = 0; s_columns [i]; i++) {
        char name [32];
        snprintf (name, sizeof name, "%.*s", (int) strcspn (s_columns [i], " "), s_columns [i]);
        char sql [160];
        snprintf (sql, sizeof sql, "SELECT count(*) FROM pragma_table_info ('spool') WHERE name = '%s'", name);
        if (vd_db_int (db, sql, -1) == 0) {
            snprintf (sql, sizeof sql, "ALTER TABLE spool ADD COLUMN %s", s_columns [i]);
            if (vd_db_exec (db, sql))
                return -1;
        }
    }
    return 0;
}

static void
s_oldest_refresh (vd_spool_t *self)
{
    self->oldest_us = vd_db_int (self->db, "SELECT spooled_us FROM spool ORDER BY seq LIMIT 1", 0);
}

vd_spool_t *
vd_spool_new (const char *path, int64_t max_bytes, int64_t max_age_ms)
{
    vd_spool_t *self = (vd_spool_t *) zmalloc (sizeof (vd_spool_t));
    self->max_bytes = max_bytes;
    self->max_age_us = max_age_ms * 1000;
    self->db = vd_db_open (path, false);
    if (!self->db || vd_db_exec (self->db, s_schema) || s_upgrade (self->db))
        goto fail;
    self->insert = vd_db_prepare (self->db,
        "INSERT INTO spool (command, header, payload, items, spooled_us) VALUES (?, ?, ?, ?, ?)");
    self->remove = vd_db_prepare (self->db, "DELETE FROM spool WHERE seq <= ?");
    self->next = vd_db_prepare (self->db,
        "SELECT seq, command, header, payload FROM spool WHERE seq > ? ORDER BY seq LIMIT 1");
    self->gone = vd_db_prepare (self->db,
        "SELECT count(*), coalesce(sum(length(payload)), 0) FROM spool WHERE seq <= ?");
    self->oldest = vd_db_prepare (self->db,
        "SELECT seq, command, length(payload), items, spooled_us FROM spool WHERE seq > ? ORDER BY seq");
    self->count_drop = vd_db_prepare (self->db,
        "INSERT INTO spool_state VALUES ('dropped:' || ?1, ?2) "
        "ON CONFLICT (name) DO UPDATE SET value = value + ?2");
    if (!self->insert || !self->remove || !self->next || !self->gone || !self->oldest || !self->count_drop)
        goto fail;
    self->count = vd_db_int (self->db, "SELECT count(*) FROM spool", 0);
    self->bytes = vd_db_int (self->db, "SELECT coalesce(sum(length(payload)), 0) FROM spool", 0);
    self->last = (uint64_t) vd_db_int (self->db,
        "SELECT seq FROM sqlite_sequence WHERE name = 'spool'", 0);
    self->acked = (uint64_t) vd_db_int (self->db,
        "SELECT value FROM spool_state WHERE name = 'acked'", 0);
    s_oldest_refresh (self);
    return self;
fail:
    zsys_error ("spool: %s: cannot open", path);
    vd_spool_destroy (&self);
    return NULL;
}

void
vd_spool_destroy (vd_spool_t **self_p)
{
    if (self_p && *self_p) {
        vd_spool_t *self = *self_p;
        sqlite3_finalize (self->insert);
        sqlite3_finalize (self->remove);
        sqlite3_finalize (self->next);
        sqlite3_finalize (self->gone);
        sqlite3_finalize (self->oldest);
        sqlite3_finalize (self->count_drop);
        vd_db_close (&self->db);
        free (self);
        *self_p = NULL;
    }
}

static int
s_count_drop (vd_spool_t *self, const char *command, int64_t items)
{
    sqlite3_bind_text (self->count_drop, 1, command, -1, SQLITE_STATIC);
    sqlite3_bind_int64 (self->count_drop, 2, items);
    int rc = sqlite3_step (self->count_drop);
    sqlite3_reset (self->count_drop);
    return rc == SQLITE_DONE? 0: -1;
}

//  True if a message spooled at spooled_us is past spool/max_age
static bool
s_too_old (vd_spool_t *self, int64_t spooled_us, int64_t now_us)
{
    return self->max_age_us > 0 && spooled_us > 0 && spooled_us < now_us - self->max_age_us;
}

//  Drops the oldest messages not in flight, inside the caller's transaction,
//  until room bytes fit and nothing is older than the age cap. Returns the
//  messages dropped, or -1. The counters it moves are the caller's to put
//  back (s_counters_restore) if the transaction fails.
static int64_t
s_make_room (vd_spool_t *self, int64_t room, int64_t now_us)
{
    int64_t dropped = 0, freed = 0, upto = 0;
    int rc = 0;
    sqlite3_bind_int64 (self->oldest, 1, (sqlite3_int64) self->protected_seq);
    while (rc == 0 && sqlite3_step (self->oldest) == SQLITE_ROW) {
        bool too_full = self->max_bytes > 0 && self->bytes - freed + room > self->max_bytes;
        if (!too_full && !s_too_old (self, sqlite3_column_int64 (self->oldest, 4), now_us))
            break;
        upto = sqlite3_column_int64 (self->oldest, 0);
        const char *command = (const char *) sqlite3_column_text (self->oldest, 1);
        int64_t items = sqlite3_column_int64 (self->oldest, 3);
        if ((uint64_t) upto <= self->sent_seq)
            rc = vd_db_run (self->db, "INSERT OR REPLACE INTO spool_sent_dropped VALUES (?, ?, ?)",
                            "isi", upto, command, items);
        if (rc == 0)
            rc = s_count_drop (self, command, items);
        freed += sqlite3_column_int64 (self->oldest, 2);
        dropped++;
    }
    sqlite3_reset (self->oldest);
    if (rc == 0 && upto)
        rc = vd_db_run (self->db, "DELETE FROM spool WHERE seq > ? AND seq <= ?", "ii",
                        (int64_t) self->protected_seq, upto);
    if (rc)
        return -1;
    self->bytes -= freed;
    self->count -= dropped;
    self->evicted += (uint64_t) dropped;
    return dropped;
}

//  True if the spool must drop before taking size more bytes
static bool
s_needs_room (vd_spool_t *self, size_t size, int64_t now_us)
{
    return (self->max_bytes > 0 && self->bytes + (int64_t) size > self->max_bytes)
        || s_too_old (self, self->oldest_us, now_us);
}

//  The counters as they were before a transaction that failed
typedef struct {
    int64_t count, bytes;
    uint64_t evicted;
} counters_t;

static counters_t
s_counters (vd_spool_t *self)
{
    return (counters_t) { self->count, self->bytes, self->evicted };
}

static void
s_counters_restore (vd_spool_t *self, counters_t saved)
{
    self->count = saved.count;
    self->bytes = saved.bytes;
    self->evicted = saved.evicted;
}

int64_t
vd_spool_append (vd_spool_t *self, const char *command, const char *header,
                 const void *payload, size_t size, int64_t items)
{
    assert (self);
    int64_t now = vd_now_us ();
    if (self->max_bytes > 0 && (int64_t) size > self->max_bytes) {
        //  larger than the whole spool: it alone is dropped
        self->evicted++;
        return s_count_drop (self, command, items)? -1: 0;
    }
    bool room = s_needs_room (self, size, now);
    if (room && vd_db_exec (self->db, "BEGIN"))
        return -1;
    counters_t saved = s_counters (self);
    if (room && s_make_room (self, (int64_t) size, now) < 0)
        goto fail;
    if (self->max_bytes > 0 && self->bytes + (int64_t) size > self->max_bytes) {
        //  what is left is all in flight: the new message waits no room
        if (s_count_drop (self, command, items) || (room && vd_db_exec (self->db, "COMMIT")))
            goto fail;
        self->evicted++;
        s_oldest_refresh (self);
        return 0;
    }
    sqlite3_bind_text (self->insert, 1, command, -1, SQLITE_STATIC);
    sqlite3_bind_text (self->insert, 2, header, -1, SQLITE_STATIC);
    sqlite3_bind_blob (self->insert, 3, size? payload: "", (int) size, SQLITE_STATIC);
    sqlite3_bind_int64 (self->insert, 4, items);
    sqlite3_bind_int64 (self->insert, 5, now);
    int rc = sqlite3_step (self->insert);
    sqlite3_reset (self->insert);
    sqlite3_clear_bindings (self->insert);
    if (rc != SQLITE_DONE || (room && vd_db_exec (self->db, "COMMIT"))) {
        zsys_error ("spool: append failed: %s", sqlite3_errmsg (self->db));
        goto fail;
    }
    self->last = (uint64_t) sqlite3_last_insert_rowid (self->db);
    self->count++;
    self->bytes += (int64_t) size;
    if (room || self->count == 1)
        s_oldest_refresh (self);
    return (int64_t) self->last;
fail:
    if (room)
        vd_db_rollback (self->db);
    s_counters_restore (self, saved);
    return -1;
}

int
vd_spool_expire (vd_spool_t *self)
{
    int64_t now = vd_now_us ();
    if (!s_too_old (self, self->oldest_us, now))
        return 0;
    counters_t saved = s_counters (self);
    if (vd_db_exec (self->db, "BEGIN"))
        return -1;
    int64_t dropped = s_make_room (self, 0, now);
    if (dropped < 0 || vd_db_exec (self->db, "COMMIT")) {
        vd_db_rollback (self->db);
        s_counters_restore (self, saved);
        return -1;
    }
    s_oldest_refresh (self);
    return (int) dropped;
}

void
vd_spool_protect (vd_spool_t *self, uint64_t protect, uint64_t sent)
{
    self->protected_seq = protect;
    self->sent_seq = sent;
}

int
vd_spool_ack (vd_spool_t *self, uint64_t seq)
{
    assert (self);
    if (seq <= self->acked)
        return 0;
    if (seq > self->last)
        return -1;              //  an acknowledgement for what we never sent
    char sql [128];
    snprintf (sql, sizeof sql,
        "INSERT OR REPLACE INTO spool_state VALUES ('acked', %" PRIu64 ")", seq);
    if (vd_db_exec (self->db, "BEGIN"))
        return -1;
    //  what goes, measured on the acknowledged range only (primary key)
    sqlite3_bind_int64 (self->gone, 1, (sqlite3_int64) seq);
    int64_t gone_count = 0, gone_bytes = 0;
    if (sqlite3_step (self->gone) == SQLITE_ROW) {
        gone_count = sqlite3_column_int64 (self->gone, 0);
        gone_bytes = sqlite3_column_int64 (self->gone, 1);
    }
    sqlite3_reset (self->gone);
    sqlite3_bind_int64 (self->remove, 1, (sqlite3_int64) seq);
    int rc = sqlite3_step (self->remove);
    sqlite3_reset (self->remove);
    if (rc != SQLITE_DONE || vd_db_exec (self->db, sql)) {
        vd_db_rollback (self->db);
        return -1;
    }
    if (vd_db_exec (self->db, "COMMIT"))
        return -1;
    self->acked = seq;
    self->count -= gone_count;
    self->bytes -= gone_bytes;
    if (gone_count)
        s_oldest_refresh (self);
    return 0;
}

int
vd_spool_resume (vd_spool_t *self, uint64_t last)
{
    //  what was dropped after being sent, and meshd had after all, was not
    //  lost; the rest was, for good: meshd will be told (a declared gap)
    char sql [400];
    snprintf (sql, sizeof sql,
        "BEGIN; UPDATE spool_state SET value = value - (SELECT coalesce (sum (d.items), 0) "
        "  FROM spool_sent_dropped d WHERE d.seq <= %" PRIu64 " AND 'dropped:' || d.command = name) "
        "WHERE name LIKE 'dropped:%%'; DELETE FROM spool_sent_dropped; COMMIT", last);
    if (vd_db_exec (self->db, sql)) {
        vd_db_rollback (self->db);
        return -1;
    }
    return 0;
}

int
vd_spool_next (vd_spool_t *self, uint64_t after, uint64_t *seq, char **command,
               char **header, zframe_t **payload)
{
    assert (self);
    sqlite3_bind_int64 (self->next, 1, (sqlite3_int64) after);
    int rc = sqlite3_step (self->next);
    int result = 0;
    if (rc == SQLITE_ROW) {
        *seq = (uint64_t) sqlite3_column_int64 (self->next, 0);
        *command = strdup ((const char *) sqlite3_column_text (self->next, 1));
        *header = strdup ((const char *) sqlite3_column_text (self->next, 2));
        *payload = zframe_new (sqlite3_column_blob (self->next, 3),
                               (size_t) sqlite3_column_bytes (self->next, 3));
        result = 1;
    }
    else
    if (rc != SQLITE_DONE) {
        zsys_error ("spool: read failed: %s", sqlite3_errmsg (self->db));
        result = -1;
    }
    sqlite3_reset (self->next);
    return result;
}

uint64_t
vd_spool_dropped (vd_spool_t *self, const char *command)
{
    sqlite3_stmt *stmt = vd_db_prepare (self->db,
        "SELECT value FROM spool_state WHERE name = 'dropped:' || ?");
    if (!stmt)
        return 0;
    sqlite3_bind_text (stmt, 1, command, -1, SQLITE_STATIC);
    uint64_t dropped = sqlite3_step (stmt) == SQLITE_ROW? (uint64_t) sqlite3_column_int64 (stmt, 0): 0;
    sqlite3_finalize (stmt);
    return dropped;
}

int64_t vd_spool_count (vd_spool_t *self) { return self->count; }
int64_t vd_spool_bytes (vd_spool_t *self) { return self->bytes; }
uint64_t vd_spool_last (vd_spool_t *self) { return self->last; }
uint64_t vd_spool_acked (vd_spool_t *self) { return self->acked; }
uint64_t vd_spool_evicted (vd_spool_t *self) { return self->evicted; }
