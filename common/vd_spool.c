/*  vd_spool: the probe's outbox.

    AUTOINCREMENT makes sequence numbers strictly increasing for the life of
    the file, even after every row was deleted, so meshd's high-water mark
    for this probe stays meaningful across probe restarts.                   */
#include "vedette.h"

struct _vd_spool_t {
    sqlite3 *db;
    sqlite3_stmt *insert;
    sqlite3_stmt *remove;
    sqlite3_stmt *next;
    sqlite3_stmt *gone;
    int64_t max_bytes;
    int64_t bytes;              //  payload bytes waiting
    int64_t count;              //  messages waiting
    uint64_t last;              //  last sequence number assigned
    uint64_t acked;             //  last sequence number acknowledged
    uint64_t dropped;           //  messages refused because full
};

static const char *s_schema =
    "CREATE TABLE IF NOT EXISTS spool ("
    "  seq INTEGER PRIMARY KEY AUTOINCREMENT,"
    "  command TEXT NOT NULL,"
    "  header TEXT NOT NULL,"
    "  payload BLOB NOT NULL);"
    "CREATE TABLE IF NOT EXISTS spool_state ("
    "  name TEXT PRIMARY KEY, value INTEGER NOT NULL);";

vd_spool_t *
vd_spool_new (const char *path, int64_t max_bytes)
{
    vd_spool_t *self = (vd_spool_t *) zmalloc (sizeof (vd_spool_t));
    self->max_bytes = max_bytes;
    self->db = vd_db_open (path, false);
    if (!self->db || vd_db_exec (self->db, s_schema))
        goto fail;
    self->insert = vd_db_prepare (self->db,
        "INSERT INTO spool (command, header, payload) VALUES (?, ?, ?)");
    self->remove = vd_db_prepare (self->db, "DELETE FROM spool WHERE seq <= ?");
    self->next = vd_db_prepare (self->db,
        "SELECT seq, command, header, payload FROM spool WHERE seq > ? ORDER BY seq LIMIT 1");
    self->gone = vd_db_prepare (self->db,
        "SELECT count(*), coalesce(sum(length(payload)), 0) FROM spool WHERE seq <= ?");
    if (!self->insert || !self->remove || !self->next || !self->gone)
        goto fail;
    self->count = vd_db_int (self->db, "SELECT count(*) FROM spool", 0);
    self->bytes = vd_db_int (self->db, "SELECT coalesce(sum(length(payload)), 0) FROM spool", 0);
    self->last = (uint64_t) vd_db_int (self->db,
        "SELECT seq FROM sqlite_sequence WHERE name = 'spool'", 0);
    self->acked = (uint64_t) vd_db_int (self->db,
        "SELECT value FROM spool_state WHERE name = 'acked'", 0);
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
        vd_db_close (&self->db);
        free (self);
        *self_p = NULL;
    }
}

int64_t
vd_spool_append (vd_spool_t *self, const char *command, const char *header,
                 const void *payload, size_t size)
{
    assert (self);
    if (self->max_bytes > 0 && self->bytes + (int64_t) size > self->max_bytes) {
        self->dropped++;
        return 0;
    }
    sqlite3_bind_text (self->insert, 1, command, -1, SQLITE_STATIC);
    sqlite3_bind_text (self->insert, 2, header, -1, SQLITE_STATIC);
    sqlite3_bind_blob (self->insert, 3, size? payload: "", (int) size, SQLITE_STATIC);
    int rc = sqlite3_step (self->insert);
    sqlite3_reset (self->insert);
    sqlite3_clear_bindings (self->insert);
    if (rc != SQLITE_DONE) {
        zsys_error ("spool: append failed: %s", sqlite3_errmsg (self->db));
        return -1;
    }
    self->last = (uint64_t) sqlite3_last_insert_rowid (self->db);
    self->count++;
    self->bytes += (int64_t) size;
    return (int64_t) self->last;
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
        vd_db_exec (self->db, "ROLLBACK");
        return -1;
    }
    if (vd_db_exec (self->db, "COMMIT"))
        return -1;
    self->acked = seq;
    self->count -= gone_count;
    self->bytes -= gone_bytes;
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

int64_t vd_spool_count (vd_spool_t *self) { return self->count; }
int64_t vd_spool_bytes (vd_spool_t *self) { return self->bytes; }
uint64_t vd_spool_last (vd_spool_t *self) { return self->last; }
uint64_t vd_spool_acked (vd_spool_t *self) { return self->acked; }
uint64_t vd_spool_dropped (vd_spool_t *self) { return self->dropped; }
