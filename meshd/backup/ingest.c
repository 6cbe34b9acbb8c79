/*  meshd/backup/ingest.c: a probe's backup report, in the store's
    transaction. The outcome goes on the device's target (last attempt,
    success or failure and why, the requested count done); a host key seen
    first is pinned; a text whose hash differs from the latest version's is
    a new version, with the lines added and removed, and the event
    backup.changed; a failure is the event backup.failed.

    The report is checked as input from the network: the device must be
    this probe's and backed up; the text must inflate, be at most
    TEXT_MAX, and match its hash. Anything else is counted and dropped.  */
#include "backup/backup.h"
#include "cred/cred.h"

#define TEXT_MAX    (64 * 1024 * 1024)

static const char *
s_str (json_t *report, const char *name)
{
    const char *text = json_string_value (json_object_get (report, name));
    return text && strlen (text) < 1024? text: NULL;
}

//  What made the probe fetch: one of the words backup.list shows
static const char *
s_trigger (json_t *report)
{
    static const char *triggers [] = { "schedule", "run", "syslog", "trap" };
    const char *trigger = s_str (report, "trigger");
    for (size_t i = 0; trigger && i < sizeof triggers / sizeof triggers [0]; i++)
        if (streq (trigger, triggers [i]))
            return triggers [i];
    return "schedule";
}

//  The hex SHA-256 of a text
static void
s_hash (const char *text, char hex [crypto_hash_sha256_BYTES * 2 + 1])
{
    unsigned char digest [crypto_hash_sha256_BYTES];
    crypto_hash_sha256 (digest, (const unsigned char *) text, strlen (text));
    sodium_bin2hex (hex, crypto_hash_sha256_BYTES * 2 + 1, digest, sizeof digest);
}

static int
s_event (sqlite3 *db, const char *topic, int64_t site_id, json_t *data, bool *events)
{
    char *text = json_dumps (data, JSON_COMPACT);
    json_decref (data);
    int rc = text? meshd_event (db, topic, site_id, text): -1;
    free (text);
    *events = true;
    return rc;
}

//  A new version if the text differs from the latest; *version its number
//  (0 if unchanged)
static int
s_version (sqlite3 *db, const unsigned char *key, int64_t device_id, json_t *report, const char *text,
           const void *packed, size_t packed_size, int64_t ts, int64_t *version, int64_t *added,
           int64_t *removed)
{
    char hash [crypto_hash_sha256_BYTES * 2 + 1];
    s_hash (text, hash);
    *version = 0;
    //  the latest version's hash: the same text is no new version, and
    //  costs no opening
    int64_t latest = 0;
    bool same = false;
    sqlite3_stmt *stmt = vd_db_prepare (db,
        "SELECT version, hash FROM backup_version WHERE device_id = ? ORDER BY version DESC LIMIT 1");
    if (!stmt)
        return -1;
    sqlite3_bind_int64 (stmt, 1, device_id);
    if (sqlite3_step (stmt) == SQLITE_ROW) {
        latest = sqlite3_column_int64 (stmt, 0);
        same = streq ((const char *) sqlite3_column_text (stmt, 1), hash);
    }
    sqlite3_finalize (stmt);
    if (same)
        return 0;
    char *previous = latest? backup_text (db, key, device_id, latest, NULL): NULL;
    *added = 0;
    *removed = 0;
    for (const char *c = text; *c; c++)
        *added += *c == '\n';
    if (previous)
        backup_diff_stats (previous, text, added, removed);
    backup_text_free (&previous);
    size_t sealed_size = 0;
    unsigned char *sealed = cred_seal_data (key, packed, packed_size, &sealed_size);
    stmt = vd_db_prepare (db,
        "INSERT INTO backup_version (device_id, version, ts_us, size, lines, added, removed, trigger, who, "
        "  hash, sealed) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)");
    int rc = -1;
    if (stmt) {
        int64_t lines = 0;
        for (const char *c = text; *c; c++)
            lines += *c == '\n';
        const char *trigger = s_trigger (report);
        const char *who = s_str (report, "who");
        sqlite3_bind_int64 (stmt, 1, device_id);
        sqlite3_bind_int64 (stmt, 2, latest + 1);
        sqlite3_bind_int64 (stmt, 3, ts);
        sqlite3_bind_int64 (stmt, 4, (int64_t) strlen (text));
        sqlite3_bind_int64 (stmt, 5, lines);
        sqlite3_bind_int64 (stmt, 6, *added);
        sqlite3_bind_int64 (stmt, 7, *removed);
        sqlite3_bind_text (stmt, 8, trigger, -1, SQLITE_TRANSIENT);
        if (who)
            sqlite3_bind_text (stmt, 9, who, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text (stmt, 10, hash, -1, SQLITE_TRANSIENT);
        sqlite3_bind_blob (stmt, 11, sealed, (int) sealed_size, SQLITE_STATIC);
        rc = sqlite3_step (stmt) == SQLITE_DONE? 0: -1;
    }
    sqlite3_finalize (stmt);
    free (sealed);
    if (rc == 0)
        *version = latest + 1;
    return rc;
}

//  The text a report carries: base64 of zlib; NULL (counted) if it is not
//  that, or does not match its hash
static char *
s_text (json_t *report, void **packed, size_t *packed_size)
{
    const char *config = json_string_value (json_object_get (report, "config"));
    const char *hash = s_str (report, "hash");
    if (!config || !hash)
        return NULL;
    size_t length = strlen (config);
    *packed = malloc (length);
    if (sodium_base642bin ((unsigned char *) *packed, length, config, length, NULL, packed_size, NULL,
                           sodium_base64_VARIANT_ORIGINAL))
        return NULL;
    char *text = backup_inflate (*packed, *packed_size, TEXT_MAX);
    char mine [crypto_hash_sha256_BYTES * 2 + 1];
    if (text)
        s_hash (text, mine);
    if (text && !streq (mine, hash)) {
        backup_text_free (&text);
        return NULL;
    }
    return text;
}

int
backup_ingest (sqlite3 *db, const unsigned char *key, int64_t probe_id, json_t *report,
               uint64_t *bad, bool *events)
{
    json_t *device = json_object_get (report, "device");
    const char *status = s_str (report, "status");
    sqlite3_stmt *stmt = vd_db_prepare (db,
        "SELECT d.site_id, d.name, t.hostkey, t.overdue OR t.last_reason IS NOT NULL "
        "FROM backup_target t JOIN device d ON d.id = t.device_id WHERE t.device_id = ? AND d.probe_id = ?");
    if (!stmt)
        return -1;
    sqlite3_bind_int64 (stmt, 1, json_integer_value (device));
    sqlite3_bind_int64 (stmt, 2, probe_id);
    bool found = json_is_integer (device) && status && sqlite3_step (stmt) == SQLITE_ROW;
    int64_t device_id = json_integer_value (device);
    int64_t site_id = found? sqlite3_column_int64 (stmt, 0): 0;
    char name [256] = "";
    if (found)
        snprintf (name, sizeof name, "%s", sqlite3_column_text (stmt, 1));
    bool pinned = found && sqlite3_column_type (stmt, 2) != SQLITE_NULL;
    bool troubled = found && sqlite3_column_int (stmt, 3);     //  failed or overdue until now
    sqlite3_finalize (stmt);
    if (!found) {
        (*bad)++;               //  not backed up (any more), or not this probe's
        return 0;
    }
    int64_t now = vd_now_us ();
    int64_t ts = json_integer_value (json_object_get (report, "ts_us"));
    if (ts <= 0 || ts > now + 86400 * 1000000LL)
        ts = now;
    const char *reason = s_str (report, "reason");
    const char *error = s_str (report, "error");
    const char *hostkey = s_str (report, "hostkey");
    const char *jump_hostkey = s_str (report, "jump_hostkey");
    const char *who = s_str (report, "who");
    const char *trigger = s_trigger (report);
    int64_t requested = json_integer_value (json_object_get (report, "requested"));
    int64_t version = 0, added = 0, removed = 0;
    bool ok = streq (status, "ok");
    if (ok) {
        void *packed = NULL;
        size_t packed_size = 0;
        char *text = s_text (report, &packed, &packed_size);
        bool sound = text != NULL;
        int rc = sound? s_version (db, key, device_id, report, text, packed, packed_size, ts, &version,
                                   &added, &removed): 0;
        backup_text_free (&text);
        free (packed);
        if (rc)
            return -1;
        if (!sound) {
            (*bad)++;
            ok = false;
            reason = "error";
            error = "the probe's report does not hold a sound configuration";
        }
    }
    int rc = vd_db_run (db,
        "UPDATE backup_target SET last_us = ?2, fetches = fetches + 1, done = max (done, ?3), "
        "  last_ok_us = CASE WHEN ?4 THEN ?2 ELSE last_ok_us END, "
        "  last_fail_us = CASE WHEN ?4 THEN last_fail_us ELSE ?2 END, "
        "  failures = failures + NOT ?4, last_reason = ?5, last_error = ?6, "
        "  last_changed_us = CASE WHEN ?7 THEN ?2 ELSE last_changed_us END, "
        "  hostkey = CASE WHEN ?4 AND hostkey IS NULL THEN ?8 ELSE hostkey END, "
        "  hostkey_seen = CASE WHEN ?5 = 'hostkey' AND ?8 IS NOT hostkey THEN ?8 ELSE hostkey_seen END, "
        "  jump_hostkey = CASE WHEN ?4 AND jump_hostkey IS NULL AND jump_address IS NOT NULL THEN ?9 "
        "    ELSE jump_hostkey END, "
        "  jump_hostkey_seen = CASE WHEN ?5 = 'hostkey' AND ?9 IS NOT jump_hostkey THEN ?9 "
        "    ELSE jump_hostkey_seen END, "
        "  overdue = CASE WHEN ?4 THEN 0 ELSE overdue END "
        "WHERE device_id = ?1", "iiiississ", device_id, ts, requested, (int64_t) ok,
        ok? NULL: reason? reason: "error", ok? NULL: error? error: "", (int64_t) (version > 0), hostkey,
        jump_hostkey);
    if (rc)
        return -1;
    if (ok && !pinned && hostkey)
        zsys_notice ("backup: %s's host key pinned: %s", name, hostkey);
    if (ok && troubled
    &&  s_event (db, "backup.ok", site_id, json_pack ("{s:s}", "device", name), events))
        return -1;
    if (version)
        return s_event (db, "backup.changed", site_id, json_pack ("{s:s, s:I, s:I, s:I, s:s, s:o}",
            "device", name, "version", (json_int_t) version, "added", (json_int_t) added,
            "removed", (json_int_t) removed, "trigger", trigger,
            "who", who? json_string (who): json_null ()), events);
    if (!ok)
        return s_event (db, "backup.failed", site_id, json_pack ("{s:s, s:s, s:s}",
            "device", name, "reason", reason? reason: "error", "error", error? error: ""), events);
    return 0;
}
