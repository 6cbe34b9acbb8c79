/*  meshd/monitor/op_device.c: devices (device.*). A device added here gets
    an ICMP check and its series (device.c), measured by a probe of its
    site, to which meshd pushes the new config; with --snmp, its standard
    SNMP check and credential.                                             */
#include "api/api.h"
#include "monitor/monitor.h"
#include "backup/backup.h"

#define ICMP_DEFAULT_INTERVAL   10000
#define ICMP_MIN_INTERVAL       100
#define SUMMARY_WORST           5       //  devices in device.summary's worst lists

static int
s_snmp_wanted (api_call_t *call)
{
    return api_str (call, "snmp") || json_object_get (call->args, "snmp_interval")
        || json_object_get (call->args, "snmp_port") || json_is_true (json_object_get (call->args, "no_snmp"));
}

//  Applies the snmp, snmp_interval, snmp_port and no_snmp arguments of
//  device.add or device.set to a device, inside the caller's transaction.
//  Fills detail (for the audit) and returns 0, or -1 with the call failed.
static int
s_snmp_apply (api_t *api, api_call_t *call, int64_t device_id, json_t *detail)
{
    sqlite3 *db = api_db (api);
    const char *cred = api_str (call, "snmp");
    bool none = json_is_true (json_object_get (call->args, "no_snmp"));
    json_t *port_arg = json_object_get (call->args, "snmp_port");
    int64_t check_id = device_snmp_check (db, device_id);
    if (cred && none) {
        api_fail (call, "invalid", "snmp or no_snmp, not both");
        return -1;
    }
    if (none) {
        char sql [160];
        snprintf (sql, sizeof sql, "DELETE FROM device_check WHERE device_id = %lld AND kind = 'snmp'",
                  (long long) device_id);
        if (vd_db_exec (db, sql)
        ||  vd_db_run (db, "UPDATE device SET snmp_cred_id = NULL, snmp_status = NULL WHERE id = ?",
                       "i", device_id)) {
            api_fail_db (api, call, "device");
            return -1;
        }
        json_object_set_new (detail, "snmp", json_null ());
        return 0;
    }
    if (!cred && !check_id) {
        api_fail (call, "invalid", "the device has no SNMP credential yet: give snmp too");
        return -1;
    }
    int64_t interval = api_duration (call, "snmp_interval", SNMP_DEFAULT_INTERVAL);
    if (interval < 0)
        return -1;
    if (interval < SNMP_MIN_INTERVAL) {
        api_fail (call, "invalid", "snmp_interval must be at least %dms", SNMP_MIN_INTERVAL);
        return -1;
    }
    int64_t port = port_arg? json_integer_value (port_arg): 161;
    if (port < 1 || port > 65535) {
        api_fail (call, "invalid", "snmp_port must be 1 to 65535");
        return -1;
    }
    if (cred) {
        char *sql = sqlite3_mprintf ("SELECT id FROM credential WHERE name = %Q AND kind = 'snmp'", cred);
        int64_t cred_id = vd_db_int (db, sql, 0);
        sqlite3_free (sql);
        if (!cred_id) {
            api_fail (call, "not_found", "no snmp credential '%s' (see cred list)", cred);
            return -1;
        }
        if (vd_db_run (db, "UPDATE device SET snmp_cred_id = ? WHERE id = ?", "ii", cred_id, device_id)) {
            api_fail_db (api, call, "device");
            return -1;
        }
        json_object_set_new (detail, "snmp", json_string (cred));
    }
    char params [64];
    snprintf (params, sizeof params, "{\"port\":%lld}", (long long) port);
    int rc;
    if (check_id) {
        //  what is not given stays as it was
        rc = vd_db_run (db, "UPDATE device_check SET interval_ms = coalesce (?, interval_ms), "
                            "params = coalesce (?, params) WHERE id = ?",
                        json_object_get (call->args, "snmp_interval")? "isi": "nsi",
                        interval, port_arg? params: NULL, check_id);
        //  custom OID checks are read in the same poll
        if (rc == 0)
            rc = vd_db_run (db, "UPDATE device_check SET interval_ms = (SELECT interval_ms FROM "
                                "device_check WHERE id = ?) WHERE device_id = ? AND kind = 'snmp'",
                            "ii", check_id, device_id);
    }
    else
        rc = vd_db_run (db, "INSERT INTO device_check (device_id, kind, interval_ms, params, created_us) "
                            "VALUES (?, 'snmp', ?, ?, ?)", "iisi", device_id, interval, params, vd_now_us ());
    if (rc) {
        api_fail_db (api, call, "device");
        return -1;
    }
    if (json_object_get (call->args, "snmp_interval") || !check_id)
        json_object_set_new (detail, "snmp_interval_ms", json_integer (interval));
    if (port_arg)
        json_object_set_new (detail, "snmp_port", json_integer (port));
    return 0;
}

static json_t *
op_device_add (api_t *api, api_call_t *call)
{
    const char *address = api_str (call, "address");
    const char *name = api_str (call, "name");
    const char *site = api_str (call, "site");
    if (!vd_address_valid (address))
        return api_fail (call, "invalid", "'%s' is not an IPv4 or IPv6 address", address);
    if (streq (name, MESHD_SELF_NAME))
        return api_fail (call, "invalid", "'%s' is meshd's own object: name the device otherwise",
                         MESHD_SELF_NAME);
    int64_t interval = api_duration (call, "interval", ICMP_DEFAULT_INTERVAL);
    if (interval < 0)
        return NULL;
    if (interval < ICMP_MIN_INTERVAL)
        return api_fail (call, "invalid", "interval must be at least %dms", ICMP_MIN_INTERVAL);
    int64_t site_id = api_find (api, call, "site", site);
    if (!site_id)
        return NULL;
    int64_t probe_id = api_pick_probe (api, call, site_id);
    if (probe_id < 0)
        return NULL;

    sqlite3 *db = api_db (api);
    if (vd_db_exec (db, "BEGIN IMMEDIATE"))
        return api_fail (call, "internal", "database busy");
    int64_t device_id;
    int rc = device_create (db, name, address, site_id, probe_id, interval, &device_id);
    json_t *detail = json_pack ("{s:s, s:s, s:s, s:I}", "device", name, "address", address,
                                "site", site, "interval_ms", (json_int_t) interval);
    if (rc)
        api_fail_db (api, call, "device");
    else
    if (s_snmp_wanted (call))
        rc = s_snmp_apply (api, call, device_id, detail);
    if (rc) {
        json_decref (detail);
        vd_db_rollback (db);
        return NULL;
    }
    //  the device, its record and its event in one transaction
    api_audit (api, call, json_incref (detail));
    api_event (api, "device.added", site_id, json_pack ("{s:s, s:s, s:s}", "device", name,
                                                        "address", address, "site", site));
    if (vd_db_exec (db, "COMMIT")) {
        vd_db_rollback (db);
        json_decref (detail);
        return api_fail (call, "internal", "database error");
    }
    if (probe_id)
        api_tell_mesh (api, "CONFIG", probe_id);
    json_t *result = detail;
    json_object_del (result, "device");
    json_object_set_new (result, "id", json_integer (device_id));
    json_object_set_new (result, "name", json_string (name));
    if (!probe_id)
        json_object_set_new (result, "warning",
                             json_string ("no probe in this site yet: not measured until one joins"));
    return result;
}

//  The last ICMP values of a device, and its open alarms
typedef struct {
    int64_t device_id;          //  first: the key bsearch compares
    double rtt, loss, jitter;
    int64_t loss_us;
    bool has_rtt, has_loss, has_jitter;
    int64_t alarms;
} last_t;

//  Compares a device id, or the last_t that starts with it, to a last_t
static int
s_last_compare (const void *key, const void *item)
{
    int64_t a = *(const int64_t *) key, b = ((const last_t *) item)->device_id;
    return a < b? -1: a > b;
}

static last_t *
s_last_push (last_t **last_p, size_t *size, size_t *limit, int64_t device_id)
{
    if (*size == *limit) {
        *limit *= 2;
        *last_p = (last_t *) realloc (*last_p, *limit * sizeof (last_t));
        assert (*last_p);
    }
    last_t *item = &(*last_p) [(*size)++];
    *item = (last_t) { .device_id = device_id };
    return item;
}

//  Every device's last ICMP values and open alarms, in two passes over
//  partial indexes, sorted by device id: cheaper than four lookups per
//  device in the list's query. Returns the count, or -1.
static ssize_t
s_last_values (api_t *api, last_t **last_p)
{
    sqlite3_stmt *stmt = api_prepare (api,
        "SELECT device_id, metric, last_value, last_flags, last_ts_us FROM series "
        "WHERE metric IN ('icmp.rtt', 'icmp.loss', 'icmp.jitter') AND device_id IS NOT NULL "
        "  AND last_ts_us IS NOT NULL "
        "ORDER BY device_id");
    if (!stmt)
        return -1;
    size_t size = 0, limit = 256;
    last_t *last = (last_t *) zmalloc (limit * sizeof (last_t));
    while (sqlite3_step (stmt) == SQLITE_ROW) {
        int64_t device_id = sqlite3_column_int64 (stmt, 0);
        last_t *item = size && last [size - 1].device_id == device_id? &last [size - 1]
                     : s_last_push (&last, &size, &limit, device_id);
        const char *metric = (const char *) sqlite3_column_text (stmt, 1) + 5;
        double value = sqlite3_column_double (stmt, 2);
        //  lost echoes carry no RTT and no jitter
        bool lost = sqlite3_column_int64 (stmt, 3) & VD_SAMPLE_LOST;
        if (streq (metric, "loss")) {
            item->loss = value;
            item->loss_us = sqlite3_column_int64 (stmt, 4);
            item->has_loss = true;
        }
        else
        if (streq (metric, "rtt") && !lost && sqlite3_column_type (stmt, 2) != SQLITE_NULL) {
            item->rtt = value;
            item->has_rtt = true;
        }
        else
        if (streq (metric, "jitter") && !lost && sqlite3_column_type (stmt, 2) != SQLITE_NULL) {
            item->jitter = value;
            item->has_jitter = true;
        }
    }
    sqlite3_reset (stmt);
    stmt = api_prepare (api,
        "SELECT device_id, count (*) FROM alarm WHERE state != 'cleared' AND device_id IS NOT NULL "
        "GROUP BY device_id");
    if (!stmt) {
        free (last);
        return -1;
    }
    size_t with_values = size;
    while (sqlite3_step (stmt) == SQLITE_ROW) {
        int64_t device_id = sqlite3_column_int64 (stmt, 0);
        last_t *item = (last_t *) bsearch (&device_id, last, with_values, sizeof (last_t), s_last_compare);
        if (!item)              //  alarms and no ICMP values yet: sorted below
            item = s_last_push (&last, &size, &limit, device_id);
        item->alarms = sqlite3_column_int64 (stmt, 1);
    }
    sqlite3_reset (stmt);
    if (size > with_values)
        qsort (last, size, sizeof (last_t), s_last_compare);
    *last_p = last;
    return (ssize_t) size;
}

static json_t *
op_device_list (api_t *api, api_call_t *call)
{
    const char *site = api_str (call, "site");
    const char *only = api_str (call, "status");
    if (api_cached (api, call))
        return json_null ();
    last_t *last;
    ssize_t lasts = s_last_values (api, &last);
    if (lasts < 0)
        return api_fail (call, "internal", "database error");
    sqlite3_stmt *stmt = api_prepare (api,
        "SELECT d.id, d.name, d.address, s.name, p.name, c.interval_ms, d.state, pd.name, "
        "  d.sys_name, d.vendor, d.model, d.uptime_s, d.snmp_status "
        "FROM device d JOIN site s ON s.id = d.site_id LEFT JOIN device pd ON pd.id = d.parent_id "
        "LEFT JOIN probe p ON p.id = d.probe_id "
        "LEFT JOIN device_check c ON c.device_id = d.id AND c.kind = 'icmp' "
        "WHERE (?1 IS NULL OR s.name = ?1) AND (?2 IS NULL OR d.state = ?2) AND in_scope (s.id) "
        "ORDER BY d.name");
    if (!stmt) {
        free (last);
        return api_fail (call, "internal", "database error");
    }
    if (site)
        sqlite3_bind_text (stmt, 1, site, -1, SQLITE_STATIC);
    if (only)
        sqlite3_bind_text (stmt, 2, only, -1, SQLITE_STATIC);
    //  written as the query steps: a thousand devices are one buffer, not
    //  twenty thousand jansson objects
    api_rows_t *rows = api_rows_new ();
    while (sqlite3_step (stmt) == SQLITE_ROW) {
        int64_t id = sqlite3_column_int64 (stmt, 0);
        const last_t *item = (const last_t *) bsearch (&id, last, (size_t) lasts, sizeof (last_t), s_last_compare);
        api_rows_begin (rows);
        api_rows_int (rows, "id", id);
        api_rows_column (rows, "name", stmt, 1);
        api_rows_column (rows, "address", stmt, 2);
        api_rows_column (rows, "site", stmt, 3);
        api_rows_column (rows, "probe", stmt, 4);
        api_rows_int (rows, "interval_ms", sqlite3_column_int64 (stmt, 5));
        if (item && item->has_loss) {
            api_rows_real (rows, "loss", item->loss);
            api_rows_int (rows, "last_us", item->loss_us);
        }
        api_rows_column (rows, "parent", stmt, 7);
        api_rows_int (rows, "alarms", item? item->alarms: 0);
        if (item && item->has_rtt)
            api_rows_real (rows, "rtt", item->rtt);
        if (item && item->has_jitter)
            api_rows_real (rows, "jitter", item->jitter);
        //  the state the rules actor keeps: up, down, unreachable, unknown
        api_rows_column (rows, "status", stmt, 6);
        if (sqlite3_column_type (stmt, 12) != SQLITE_NULL) {
            //  polled over SNMP: what its last poll saw
            api_rows_column (rows, "sys_name", stmt, 8);
            api_rows_column (rows, "vendor", stmt, 9);
            api_rows_column (rows, "model", stmt, 10);
            api_rows_column (rows, "uptime_s", stmt, 11);
            api_rows_column (rows, "snmp", stmt, 12);
        }
        api_rows_end (rows);
    }
    sqlite3_reset (stmt);
    free (last);
    json_t *reply = api_rows_reply (call, &rows);
    api_cache_keep (api, call);
    return reply;
}

//  The n devices with the highest last value of an ICMP metric, in a site
//  or all: [{"name": ..., key: value}]
static json_t *
s_worst (api_t *api, const char *site, const char *metric, const char *key, int n)
{
    //  the IN term lets SQLite use the partial index series_icmp
    sqlite3_stmt *stmt = api_prepare (api,
        "SELECT d.name, se.last_value FROM series se JOIN device d ON d.id = se.device_id "
        "JOIN site s ON s.id = d.site_id "
        "WHERE se.metric IN ('icmp.rtt', 'icmp.loss', 'icmp.jitter') AND se.metric = ?1 "
        "  AND (?2 IS NULL OR s.name = ?2) AND in_scope (s.id) "
        "  AND se.last_value > 0 AND se.last_flags & ?3 = 0 "
        "ORDER BY se.last_value DESC LIMIT ?4");
    if (!stmt)
        return NULL;
    sqlite3_bind_text (stmt, 1, metric, -1, SQLITE_STATIC);
    if (site)
        sqlite3_bind_text (stmt, 2, site, -1, SQLITE_STATIC);
    //  a lost echo has a loss, not a latency
    sqlite3_bind_int (stmt, 3, streq (key, "loss")? 0: VD_SAMPLE_LOST);
    sqlite3_bind_int (stmt, 4, n);
    json_t *worst = json_array ();
    while (sqlite3_step (stmt) == SQLITE_ROW)
        json_array_append_new (worst, json_pack ("{s:s, s:f}", "name", sqlite3_column_text (stmt, 0),
                                                 key, sqlite3_column_double (stmt, 1)));
    sqlite3_reset (stmt);
    return worst;
}

//  What the console's overview shows first: devices by status, the worst
//  latency and loss now; without the rows of every device
static json_t *
op_device_summary (api_t *api, api_call_t *call)
{
    const char *site = api_str (call, "site");
    sqlite3_stmt *stmt = api_prepare (api,
        "SELECT d.state, count (*) FROM device d JOIN site s ON s.id = d.site_id "
        "WHERE (?1 IS NULL OR s.name = ?1) AND in_scope (s.id) GROUP BY d.state");
    if (!stmt)
        return api_fail (call, "internal", "database error");
    if (site)
        sqlite3_bind_text (stmt, 1, site, -1, SQLITE_STATIC);
    json_t *by_status = json_pack ("{s:i, s:i, s:i, s:i}", "up", 0, "down", 0, "unreachable", 0, "unknown", 0);
    json_int_t total = 0;
    while (sqlite3_step (stmt) == SQLITE_ROW) {
        json_int_t count = sqlite3_column_int64 (stmt, 1);
        json_object_set_new (by_status, (const char *) sqlite3_column_text (stmt, 0), json_integer (count));
        total += count;
    }
    sqlite3_reset (stmt);
    json_t *rtt = s_worst (api, site, "icmp.rtt", "rtt", SUMMARY_WORST);
    json_t *loss = s_worst (api, site, "icmp.loss", "loss", SUMMARY_WORST);
    if (!rtt || !loss) {
        json_decref (by_status);
        json_decref (rtt);
        json_decref (loss);
        return api_fail (call, "internal", "database error");
    }
    return json_pack ("{s:I, s:o, s:o, s:o}", "devices", total, "by_status", by_status,
                      "worst_rtt", rtt, "worst_loss", loss);
}

static json_t *
op_device_remove (api_t *api, api_call_t *call)
{
    const char *name = api_str (call, "name");
    char sql [128];
    int64_t id = api_find (api, call, "device", name);
    if (!id)
        return NULL;
    int64_t probe_id = api_device_probe (api, id);
    snprintf (sql, sizeof sql, "SELECT site_id FROM device WHERE id = %lld", (long long) id);
    int64_t site_id = vd_db_int (api_db (api), sql, 0);
    snprintf (sql, sizeof sql, "DELETE FROM device WHERE id = %lld", (long long) id);
    if (vd_db_exec (api_db (api), sql))
        return api_fail_db (api, call, "device");
    if (probe_id)
        api_tell_mesh (api, "CONFIG", probe_id);
    api_audit (api, call, json_pack ("{s:s}", "device", name));
    api_event (api, "device.removed", site_id, json_pack ("{s:s}", "device", name));
    return json_pack ("{s:I, s:s}", "id", (json_int_t) id, "name", name);
}

static json_t *
op_device_show (api_t *api, api_call_t *call)
{
    const char *name = api_str (call, "name");
    int64_t id = api_find (api, call, "device", name);
    if (!id)
        return NULL;
    sqlite3_stmt *stmt = vd_db_prepare (api_db (api),
        "SELECT d.id, d.name, d.address, s.name, p.name, p.link, d.created_us, d.state, "
        "  d.state_us, pd.name, cr.name, d.snmp_status, d.snmp_error, d.snmp_us, d.sys_name, "
        "  d.sys_descr, d.sys_object_id, d.sys_location, d.sys_contact, d.vendor, d.model, d.uptime_s "
        "FROM device d JOIN site s ON s.id = d.site_id LEFT JOIN probe p ON p.id = d.probe_id "
        "LEFT JOIN device pd ON pd.id = d.parent_id LEFT JOIN credential cr ON cr.id = d.snmp_cred_id "
        "WHERE d.id = ?");
    if (!stmt)
        return api_fail (call, "internal", "database error");
    sqlite3_bind_int64 (stmt, 1, id);
    json_t *device = NULL;
    if (sqlite3_step (stmt) == SQLITE_ROW)
        device = json_pack ("{s:I, s:s, s:s, s:s, s:o, s:o, s:I, s:s, s:o, s:o}",
            "id", (json_int_t) sqlite3_column_int64 (stmt, 0),
            "name", sqlite3_column_text (stmt, 1),
            "address", sqlite3_column_text (stmt, 2),
            "site", sqlite3_column_text (stmt, 3),
            "probe", api_column_text (stmt, 4),
            "probe_link", api_column_text (stmt, 5),
            "created_us", (json_int_t) sqlite3_column_int64 (stmt, 6),
            "status", sqlite3_column_text (stmt, 7),
            "status_us", api_column_int (stmt, 8),
            "parent", api_column_text (stmt, 9));
    if (device && sqlite3_column_type (stmt, 10) != SQLITE_NULL) {
        static const char *fields [] = { "cred", "status", "error", "polled_us", "sys_name",
            "sys_descr", "sys_object_id", "sys_location", "sys_contact", "vendor", "model", "uptime_s" };
        json_t *snmp = json_object ();
        for (int i = 0; i < 12; i++)
            json_object_set_new (snmp, fields [i], sqlite3_column_type (stmt, 10 + i) == SQLITE_INTEGER
                ? api_column_int (stmt, 10 + i): api_column_text (stmt, 10 + i));
        json_object_set_new (device, "snmp", snmp);
    }
    sqlite3_finalize (stmt);
    if (!device)
        return api_fail (call, "not_found", "no device '%s'", name);
    json_t *checks = check_rows (api, call, id, NULL);
    json_t *series = checks? series_of_device (api, call, id, name): NULL;
    if (!series) {
        json_decref (checks);
        json_decref (device);
        return NULL;
    }
    json_object_set_new (device, "checks", checks);
    json_object_set_new (device, "series", series);
    json_t *interfaces = interface_rows (api, call, id);
    if (!interfaces) {
        json_decref (device);
        return NULL;
    }
    json_object_set_new (device, "interfaces", interfaces);
    //  its links, both the ones it reports and the ones reported towards it
    json_t *links = topology_links (api, call, NULL, name);
    if (!links) {
        json_decref (device);
        return NULL;
    }
    json_object_set_new (device, "neighbours", links);
    return device;
}

//  Changes a device: its parent (the device it is reached through: when the
//  parent is down, the device is unreachable and its alarms are suppressed)
//  and its SNMP polling (credential, interval, port)
static json_t *
op_device_set (api_t *api, api_call_t *call)
{
    const char *name = api_str (call, "name");
    const char *parent = api_str (call, "parent");
    bool no_parent = json_is_true (json_object_get (call->args, "no_parent"));
    bool snmp = s_snmp_wanted (call);
    bool backup = backup_target_wanted (call);
    if (!parent && !no_parent && !snmp && !backup)
        return api_fail (call, "invalid", "nothing to change (parent, no_parent, snmp, snmp_interval, "
                                          "snmp_port, no_snmp, backup, no_backup, model, backup_every, backup_port, "
                                          "backup_jump, backup_jump_cred, no_backup_jump)");
    if (parent && no_parent)
        return api_fail (call, "invalid", "parent or no_parent, not both");
    int64_t id = api_find (api, call, "device", name);
    if (!id)
        return NULL;
    int64_t parent_id = parent? api_find (api, call, "device", parent): 0;
    if (parent && !parent_id)
        return NULL;
    //  no loops: the parent must not be reached through this device
    int64_t above = parent_id;
    for (int depth = 0; above; depth++) {
        if (above == id || depth > 64)
            return api_fail (call, "conflict", "%s is already above %s: that would be a loop",
                             name, parent);
        char sql [96];
        snprintf (sql, sizeof sql, "SELECT coalesce (parent_id, 0) FROM device WHERE id = %lld",
                  (long long) above);
        above = vd_db_int (api_db (api), sql, 0);
    }
    sqlite3 *db = api_db (api);
    if (vd_db_exec (db, "BEGIN IMMEDIATE"))
        return api_fail (call, "internal", "database busy");
    json_t *detail = json_pack ("{s:s}", "device", name);
    int rc = 0;
    if (parent || no_parent) {
        rc = vd_db_run (db, "UPDATE device SET parent_id = ? WHERE id = ?", parent_id? "ii": "ni",
                        parent_id, id);
        if (rc)
            api_fail_db (api, call, "device");
        json_object_set_new (detail, "parent", parent? json_string (parent): json_null ());
    }
    if (rc == 0 && snmp)
        rc = s_snmp_apply (api, call, id, detail);
    if (rc == 0 && backup)
        rc = backup_target_apply (api, call, id, detail);
    if (rc || vd_db_exec (db, "COMMIT")) {
        vd_db_rollback (db);
        json_decref (detail);
        return call->error? NULL: api_fail (call, "internal", "database error");
    }
    api_audit (api, call, json_incref (detail));
    if (parent || no_parent)
        api_poke (api, API_RELOAD_RULES);
    if (snmp || backup)
        api_tell_device_probe (api, id);
    json_object_del (detail, "device");
    json_object_set_new (detail, "id", json_integer (id));
    json_object_set_new (detail, "name", json_string (name));
    return detail;
}

const api_op_t op_device_ops [] = {
    { "device.add",     "operator", "address:s! name:n! site:n! probe:n interval:d snmp:n snmp_interval:d snmp_port:i",
      op_device_add, "adds a device with an ICMP check, and SNMP polling with a credential" },
    { "device.list",    "viewer",   "site:n status:n", op_device_list,
      "lists devices: status, last RTT, loss, jitter, probe" },
    { "device.summary", "viewer",   "site:n", op_device_summary,
      "devices by status and the five worst by latency and by loss now" },
    { "device.show",    "viewer",   "name:n!", op_device_show,
      "one device with its checks and series" },
    { "device.remove",  "operator", "name:n!", op_device_remove,
      "removes a device and its checks" },
    { "device.set",     "operator", "name:n! parent:n no_parent:b snmp:n no_snmp:b snmp_interval:d snmp_port:i "
                                    "backup:n no_backup:b model:n backup_every:d backup_port:i backup_jump:s "
                                    "backup_jump_cred:n no_backup_jump:b",
      op_device_set, "sets a device's parent (for correlation), SNMP polling and configuration backups" },
    { NULL }
};
