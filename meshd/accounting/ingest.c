/*  meshd/accounting/ingest.c: one accounting record from a probe. The
    record's time is when the probe received it, less Acct-Delay-Time.

        Start           a new session (the start exact), or, if its
                        Acct-Session-Id is already active on that NAS, the
                        same one again
        Interim-Update  updates the session (octets, addresses); one whose
                        Start was lost is opened with its start worked out
                        from Acct-Session-Time (not exact); after a Stop it
                        is counted as late and reopens nothing; a stale
                        session it speaks for is active again
        Stop            stops it (exact), opening it first if unknown
        Accounting-On,  every active or stale session of the NAS is closed,
        Accounting-Off  its end somewhere between its last record and now

    Octets count gigawords (the probe adds them); what they grew by since
    the session's last record goes to its months (usage.c). The events:
    ppp.nas_restart (Accounting-On or -Off, restart.c), ppp.nas_heard (a NAS that had
    gone silent, stale.c, speaks again); nothing per session: a session
    is data, not news.                                                   */
#include "accounting/accounting.h"

#define TEXT_MAX    253         //  a RADIUS attribute's longest text

static const char *
s_str (json_t *record, const char *name)
{
    const char *text = json_string_value (json_object_get (record, name));
    return text && strlen (text) <= TEXT_MAX? text: NULL;
}

static int64_t
s_int (json_t *record, const char *name)
{
    json_t *value = json_object_get (record, name);
    return json_is_integer (value) && json_integer_value (value) >= 0? json_integer_value (value): 0;
}

//  The addresses the record names, kept for the session
static int
s_addresses (sqlite3 *db, int64_t session, json_t *record)
{
    static const char *kinds [] = { "framed_ip", "framed_ipv6", "framed_prefix", "delegated_prefix" };
    for (size_t i = 0; i < sizeof kinds / sizeof kinds [0]; i++) {
        json_t *value = json_object_get (record, kinds [i]);
        const char *text = json_string_value (value);
        uint8_t network [16];
        int length;
        if (!text || !accounting_address_parse (text, network, &length))
            continue;
        sqlite3_stmt *stmt = vd_db_prepare (db,
            "INSERT OR IGNORE INTO ppp_address (session_id, kind, network, length, text) VALUES (?, ?, ?, ?, ?)");
        if (!stmt)
            return -1;
        sqlite3_bind_int64 (stmt, 1, session);
        sqlite3_bind_text (stmt, 2, kinds [i], -1, SQLITE_STATIC);
        sqlite3_bind_blob (stmt, 3, network, 16, SQLITE_TRANSIENT);
        sqlite3_bind_int (stmt, 4, length);
        sqlite3_bind_text (stmt, 5, text, -1, SQLITE_TRANSIENT);
        int rc = sqlite3_step (stmt) == SQLITE_DONE? 0: -1;
        sqlite3_finalize (stmt);
        if (rc || vd_db_run (db, "INSERT OR IGNORE INTO ppp_length VALUES (?)", "i", (int64_t) length))
            return -1;
    }
    return 0;
}

//  When a session began: at its Start, else Acct-Session-Time before this
//  record
static int64_t
s_began (json_t *record, int64_t ts, bool start)
{
    return start? ts: ts - s_int (record, "session_time") * 1000000;
}

//  A new session from a record at ts; its id, or 0 on error
static int64_t
s_open (sqlite3 *db, int64_t nas_id, json_t *record, int64_t ts, bool start)
{
    int64_t began = s_began (record, ts, start);
    sqlite3_stmt *stmt = vd_db_prepare (db,
        "INSERT INTO ppp_session (nas_id, session_id, multi_session_id, user, calling_station, called_station, "
        "  nas_port, nas_port_id, start_us, start_exact, last_us, state, interim_s, records) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, 'active', ?12, 0)");
    if (!stmt)
        return 0;
    const char *texts [] = { "session_id", "multi_session_id", "user", "calling_station", "called_station" };
    sqlite3_bind_int64 (stmt, 1, nas_id);
    for (int i = 0; i < 5; i++)
        if (s_str (record, texts [i]))
            sqlite3_bind_text (stmt, 2 + i, s_str (record, texts [i]), -1, SQLITE_TRANSIENT);
    if (json_is_integer (json_object_get (record, "nas_port")))
        sqlite3_bind_int64 (stmt, 7, s_int (record, "nas_port"));
    if (s_str (record, "nas_port_id"))
        sqlite3_bind_text (stmt, 8, s_str (record, "nas_port_id"), -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64 (stmt, 9, began);
    sqlite3_bind_int (stmt, 10, start);
    sqlite3_bind_int64 (stmt, 11, ts);
    if (s_int (record, "interim_interval"))
        sqlite3_bind_int64 (stmt, 12, s_int (record, "interim_interval"));
    int64_t id = sqlite3_step (stmt) == SQLITE_DONE? sqlite3_last_insert_rowid (db): 0;
    sqlite3_finalize (stmt);
    return id;
}

//  What a later record says of a session: its counters and, for a Stop,
//  that it stopped
static int
s_update (sqlite3 *db, int64_t session, json_t *record, int64_t ts, bool stop)
{
    return vd_db_run (db,
        "UPDATE ppp_session SET last_us = max (last_us, ?2), records = records + 1, "
        "  input_octets = max (input_octets, ?3), output_octets = max (output_octets, ?4), "
        "  session_time = max (coalesce (session_time, 0), ?5), "
        "  user = coalesce (user, ?6), calling_station = coalesce (calling_station, ?7), "
        "  state = CASE WHEN ?8 THEN 'stopped' ELSE 'active' END, "
        "  stop_us = CASE WHEN ?8 THEN max (?2, start_us) END, closed_by = CASE WHEN ?8 THEN 'stop' END, "
        "  end_after_us = NULL, end_before_us = NULL, "
        "  terminate_cause = coalesce (?9, terminate_cause), interim_s = coalesce (nullif (?10, 0), interim_s) "
        "WHERE id = ?1", "iiiiissisi", session, ts, s_int (record, "input_octets"), s_int (record, "output_octets"),
        s_int (record, "session_time"), s_str (record, "user"), s_str (record, "calling_station"),
        (int64_t) stop, s_str (record, "terminate_cause"), s_int (record, "interim_interval"));
}

//  The NAS is heard from: a silence it broke is over
static int
s_heard (sqlite3 *db, int64_t nas_id, int64_t site_id, const char *nas, bool *events)
{
    char sql [96];
    snprintf (sql, sizeof sql, "SELECT silent FROM nas WHERE id = %lld", (long long) nas_id);
    bool silent = vd_db_int (db, sql, 0) != 0;
    if (vd_db_run (db, "UPDATE nas SET last_us = ?2, silent = 0 WHERE id = ?1", "ii", nas_id, vd_now_us ()))
        return -1;
    if (!silent)
        return 0;
    *events = true;
    char *text = zsys_sprintf ("{\"object\": \"%s\", \"nas\": \"%s\"}", nas, nas);
    int rc = meshd_event (db, "ppp.nas_heard", site_id, text);
    free (text);
    return rc;
}

int
accounting_ingest (sqlite3 *db, int64_t probe_id, json_t *report, uint64_t *bad, bool *events)
{
    const char *nas = s_str (report, "nas");
    const char *status = s_str (report, "status");
    sqlite3_stmt *stmt = vd_db_prepare (db,
        "SELECT n.id, n.site_id FROM nas n JOIN probe p ON p.id = ?2 WHERE n.name = ?1 "
        "AND (n.probe_id = ?2 OR (n.probe_id IS NULL AND n.site_id = p.site_id))");
    if (!stmt)
        return -1;
    sqlite3_bind_text (stmt, 1, nas? nas: "", -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64 (stmt, 2, probe_id);
    bool found = sqlite3_step (stmt) == SQLITE_ROW;
    int64_t nas_id = found? sqlite3_column_int64 (stmt, 0): 0;
    int64_t site_id = found? sqlite3_column_int64 (stmt, 1): 0;
    sqlite3_finalize (stmt);
    if (!found || !status) {
        (*bad)++;               //  removed meanwhile, or not this probe's
        return 0;
    }
    int64_t now = vd_now_us ();
    int64_t ts = json_integer_value (json_object_get (report, "ts_us"));
    if (ts <= 0 || ts > now + 86400 * 1000000LL)
        ts = now;
    ts -= s_int (report, "delay") * 1000000;
    if (s_heard (db, nas_id, site_id, nas, events))
        return -1;
    if (streq (status, "on") || streq (status, "off"))
        return accounting_nas_restarted (db, nas_id, site_id, nas, streq (status, "on")? "accounting-on"
                                         : "accounting-off", streq (status, "on")? "Accounting-On"
                                         : "Accounting-Off", ts, events);
    bool start = streq (status, "start"), stop = streq (status, "stop");
    const char *session_id = s_str (report, "session_id");
    if ((!start && !stop && !streq (status, "interim")) || !session_id) {
        (*bad)++;
        return 0;
    }
    //  the latest session of that id on the NAS
    stmt = vd_db_prepare (db, "SELECT id, state, input_octets, output_octets, last_us FROM ppp_session "
                              "WHERE nas_id = ? AND session_id = ? ORDER BY id DESC LIMIT 1");
    if (!stmt)
        return -1;
    sqlite3_bind_int64 (stmt, 1, nas_id);
    sqlite3_bind_text (stmt, 2, session_id, -1, SQLITE_TRANSIENT);
    int64_t session = 0, input = 0, output = 0, last = 0;
    char state [16] = "";
    if (sqlite3_step (stmt) == SQLITE_ROW) {
        session = sqlite3_column_int64 (stmt, 0);
        snprintf (state, sizeof state, "%s", sqlite3_column_text (stmt, 1));
        input = sqlite3_column_int64 (stmt, 2);
        output = sqlite3_column_int64 (stmt, 3);
        last = sqlite3_column_int64 (stmt, 4);
    }
    sqlite3_finalize (stmt);
    bool over = streq (state, "stopped") || streq (state, "closed");
    if (session && over && !start)
        //  an interim or a second Stop after the end: never a new session
        return vd_db_run (db, "UPDATE ppp_session SET late = late + 1 WHERE id = ?", "i", session);
    if (!session || (over && start)) {
        session = s_open (db, nas_id, report, ts, start);
        if (!session)
            return -1;
        input = output = 0;
        last = s_began (report, ts, start);
    }
    //  what the counters grew by since the last record, put in its months
    if (accounting_usage_add (db, session, last, ts, s_int (report, "input_octets") - input,
                              s_int (report, "output_octets") - output)
    ||  s_update (db, session, report, ts, stop) || s_addresses (db, session, report))
        return -1;
    return 0;
}
