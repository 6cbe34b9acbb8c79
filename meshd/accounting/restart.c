/*  meshd/accounting/restart.c: a NAS that restarted has lost its
    sessions. It says so with Accounting-On or -Off (ingest.c); when it
    does not (a crash, a power cut, accounting sent only after the
    subscribers are back), its coldStart or warmStart trap or its
    restart's syslog line says it instead:

        trap    snmpTrapOID coldStart (1.3.6.1.6.3.1.1.5.1) or warmStart (.2)
        syslog  %SYS-5-RESTART (Cisco IOS, IOS XE), SNMPD_TRAP_COLD_START or
                SNMPD_TRAP_WARM_START (Junos), "router rebooted" (RouterOS)

    from the NAS's address, in its site. Its active and stale sessions that
    began before are closed, each ended somewhere between its last record
    and the restart's word; the event ppp.nas_restart says why.         */
#include "accounting/accounting.h"

static const char *s_syslog_restarts [] = {
    "%SYS-5-RESTART", "SNMPD_TRAP_COLD_START", "SNMPD_TRAP_WARM_START", "router rebooted", NULL
};

int
accounting_nas_restarted (sqlite3 *db, int64_t nas_id, int64_t site_id, const char *nas, const char *closed_by,
                          const char *why, int64_t ts, bool *events)
{
    int rc = vd_db_run (db,
        "UPDATE ppp_session SET state = 'closed', closed_by = ?3, end_after_us = last_us, end_before_us = ?2 "
        "WHERE nas_id = ?1 AND state IN ('active', 'stale') AND start_us < ?2", "iis", nas_id, ts, closed_by);
    if (rc)
        return -1;
    json_t *data = json_pack ("{s:s, s:s, s:s, s:I}", "object", nas, "nas", nas, "status", why,
                              "closed", (json_int_t) sqlite3_changes (db));
    char *text = json_dumps (data, JSON_COMPACT);
    json_decref (data);
    rc = text? meshd_event (db, "ppp.nas_restart", site_id, text): -1;
    free (text);
    *events = true;
    return rc;
}

int
accounting_restart_seen (sqlite3 *db, int64_t site_id, const char *address, const char *topic, json_t *data,
                         int64_t ts, bool *events)
{
    char why [64] = "";
    if (streq (topic, "trap")) {
        const char *oid = json_string_value (json_object_get (data, "oid"));
        if (oid && streq (oid, "1.3.6.1.6.3.1.1.5.1"))
            snprintf (why, sizeof why, "coldStart trap");
        else
        if (oid && streq (oid, "1.3.6.1.6.3.1.1.5.2"))
            snprintf (why, sizeof why, "warmStart trap");
    }
    else
    if (streq (topic, "syslog")) {
        const char *message = json_string_value (json_object_get (data, "message"));
        for (int i = 0; message && s_syslog_restarts [i] && !*why; i++)
            if (strstr (message, s_syslog_restarts [i]))
                snprintf (why, sizeof why, "syslog: %s", s_syslog_restarts [i]);
    }
    if (!*why)
        return 0;
    sqlite3_stmt *stmt = vd_db_prepare (db, "SELECT id, name FROM nas WHERE address = ? AND site_id = ?");
    if (!stmt)
        return -1;
    sqlite3_bind_text (stmt, 1, address, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64 (stmt, 2, site_id);
    int rc = 0;
    if (sqlite3_step (stmt) == SQLITE_ROW)
        rc = accounting_nas_restarted (db, sqlite3_column_int64 (stmt, 0), site_id,
                                       (const char *) sqlite3_column_text (stmt, 1), "restart", why, ts, events);
    sqlite3_finalize (stmt);
    return rc;
}
