/*  meshd/monitor/device.c: making a device, for device.add and for discovery.

    A device is measured by a probe of its site: an ICMP check with its three
    series (icmp.rtt in ms, icmp.loss in %, icmp.jitter in ms), and, with a
    credential, one standard 'snmp' check whose series are made on first
    sight (poll.c). Runs in the caller's transaction.                     */
#include "monitor/monitor.h"

static const struct {
    const char *metric;
    const char *unit;
} s_icmp_series [] = {
    { "icmp.rtt", "ms" }, { "icmp.loss", "%" }, { "icmp.jitter", "ms" }, { NULL, NULL }
};

int
device_create (sqlite3 *db, const char *name, const char *address, int64_t site_id,
                     int64_t probe_id, int64_t interval_ms, int64_t *device_id)
{
    int64_t now = vd_now_us ();
    int rc = vd_db_run (db, "INSERT INTO device (name, address, site_id, probe_id, created_us) "
                            "VALUES (?, ?, ?, ?, ?)", probe_id? "ssiii": "ssini",
                        name, address, site_id, probe_id, now);
    *device_id = sqlite3_last_insert_rowid (db);
    if (rc == 0)
        rc = vd_db_run (db, "INSERT INTO device_check (device_id, kind, interval_ms, params, "
                            "created_us) VALUES (?, 'icmp', ?, '{\"count\":3,\"timeout_ms\":1000}', ?)",
                        "iii", *device_id, interval_ms, now);
    int64_t check_id = sqlite3_last_insert_rowid (db);
    for (int i = 0; rc == 0 && s_icmp_series [i].metric; i++)
        rc = vd_db_run (db, "INSERT INTO series (device_id, check_id, probe_id, metric, unit) "
                            "VALUES (?, ?, ?, ?, ?)", probe_id? "iiiss": "iinss",
                        *device_id, check_id, probe_id, s_icmp_series [i].metric,
                        s_icmp_series [i].unit);
    return rc;
}

int
device_snmp_set (sqlite3 *db, int64_t device_id, int64_t cred_id, int64_t interval_ms, int port)
{
    char params [32];
    snprintf (params, sizeof params, "{\"port\":%d}", port);
    int rc = vd_db_run (db, "UPDATE device SET snmp_cred_id = ? WHERE id = ?", "ii", cred_id, device_id);
    if (rc == 0)
        rc = vd_db_run (db, "INSERT INTO device_check (device_id, kind, interval_ms, params, created_us) "
                            "VALUES (?, 'snmp', ?, ?, ?)", "iisi", device_id, interval_ms, params,
                        vd_now_us ());
    return rc;
}

int64_t
device_snmp_check (sqlite3 *db, int64_t device_id)
{
    char sql [200];
    snprintf (sql, sizeof sql, "SELECT id FROM device_check WHERE device_id = %lld AND kind = 'snmp' "
                               "AND json_extract (params, '$.oid') IS NULL", (long long) device_id);
    return vd_db_int (db, sql, 0);
}
