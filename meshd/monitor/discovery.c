/*  meshd/monitor/discovery.c: a discovery's report, into devices (store actor,
    inside its transaction; the report comes in a REPORTS message).

    Each host found is one device of the discovery's site, never two:
      - a device of the site with that address is updated: its engine ID,
        and SNMP polling with the credential that answered if it had none;
      - else a device of the site with the same snmpEngineID is the same
        agent reached at another address: noted, nothing added;
      - else a device is added, named by its sysName (or its address if
        that name is taken), with ICMP, and SNMP polling if a credential
        answered.
    The run is then done (discovery.done = the run reported), its figures
    and hosts kept in discovery.result, and a discovery.done event made.  */
#include "monitor/monitor.h"

#define DISCOVER_ICMP_INTERVAL  10000

static int64_t
s_int (sqlite3 *db, const char *sql, const char *format, ...)
{
    va_list args;
    va_start (args, format);
    sqlite3_stmt *stmt = vd_db_prepare (db, sql);
    int64_t value = 0;
    for (int i = 0; stmt && format [i]; i++) {
        if (format [i] == 'i')
            sqlite3_bind_int64 (stmt, i + 1, va_arg (args, int64_t));
        else {
            const char *text = va_arg (args, const char *);
            if (text)
                sqlite3_bind_text (stmt, i + 1, text, -1, SQLITE_TRANSIENT);
        }
    }
    if (stmt && sqlite3_step (stmt) == SQLITE_ROW)
        value = sqlite3_column_int64 (stmt, 0);
    sqlite3_finalize (stmt);
    va_end (args);
    return value;
}

//  A device name from a sysName: its first label, cut to what names allow
static void
s_name (char *out, size_t size, const char *sys_name)
{
    size_t used = 0;
    for (; sys_name && *sys_name && *sys_name != '.' && used + 1 < size && used < 63; sys_name++)
        if (isalnum ((unsigned char) *sys_name) || *sys_name == '-' || *sys_name == '_')
            out [used++] = *sys_name;
    out [used] = 0;
}

static const char *
s_text (json_t *host, const char *name)
{
    const char *text = json_string_value (json_object_get (host, name));
    return text && *text? text: NULL;
}

static void
s_device_name (sqlite3 *db, int64_t device_id, char *name, size_t size)
{
    sqlite3_stmt *stmt = vd_db_prepare (db, "SELECT name FROM device WHERE id = ?");
    if (stmt) {
        sqlite3_bind_int64 (stmt, 1, device_id);
        if (sqlite3_step (stmt) == SQLITE_ROW)
            snprintf (name, size, "%s", sqlite3_column_text (stmt, 0));
        sqlite3_finalize (stmt);
    }
}

//  One host: 0 and what was done in *action, or -1 on a database error
static int
s_host (sqlite3 *db, int64_t site_id, int64_t probe_id, int64_t interval_ms, json_t *host,
        const char **action, char *name, size_t name_size)
{
    const char *address = s_text (host, "address");
    const char *engine = s_text (host, "engine_id");
    const char *cred = s_text (host, "cred");
    const char *object_id = s_text (host, "sys_object_id");
    *action = "bad";
    *name = 0;
    if (!address || !vd_address_valid (address) || (engine && strlen (engine) > 128))
        return 0;
    int64_t cred_id = cred? s_int (db, "SELECT id FROM credential WHERE name = ? AND kind = 'snmp'",
                                   "s", cred): 0;
    int64_t device_id = s_int (db, "SELECT id FROM device WHERE site_id = ? AND address = ?",
                               "is", site_id, address);
    if (!device_id && engine) {
        device_id = s_int (db, "SELECT id FROM device WHERE site_id = ? AND engine_id = ?",
                           "is", site_id, engine);
        if (device_id) {
            *action = "alias";
            s_device_name (db, device_id, name, name_size);
            return 0;
        }
    }
    int rc = 0;
    if (device_id) {
        *action = "updated";
        if (cred_id && !s_int (db, "SELECT count (*) FROM device_check WHERE device_id = ? AND kind = 'snmp'",
                               "i", device_id))
            rc = device_snmp_set (db, device_id, cred_id, interval_ms, 161);
    }
    else {
        *action = "added";
        s_name (name, name_size, s_text (host, "sys_name"));
        if (!*name || s_int (db, "SELECT count (*) FROM device WHERE name = ?", "s", name))
            snprintf (name, name_size, "%s", address);
        for (int n = 2; s_int (db, "SELECT count (*) FROM device WHERE name = ?", "s", name) && n < 1000; n++)
            snprintf (name, name_size, "%s-%d", address, n);
        rc = device_create (db, name, address, site_id, probe_id, DISCOVER_ICMP_INTERVAL, &device_id);
        if (rc == 0 && cred_id)
            rc = device_snmp_set (db, device_id, cred_id, interval_ms, 161);
    }
    if (rc == 0) {
        const char *vendor = NULL, *model = NULL;
        ident_lookup (object_id, &vendor, &model);
        rc = vd_db_run (db, "UPDATE device SET engine_id = coalesce (?, engine_id), "
                            "sys_name = coalesce (sys_name, ?), sys_descr = coalesce (sys_descr, ?), "
                            "sys_object_id = coalesce (sys_object_id, ?), vendor = coalesce (vendor, ?), "
                            "model = coalesce (model, ?) WHERE id = ?", "ssssssi",
                        engine, s_text (host, "sys_name"), s_text (host, "sys_descr"), object_id,
                        vendor, model, device_id);
    }
    if (rc == 0 && !*name)
        s_device_name (db, device_id, name, name_size);
    if (rc == 0 && streq (*action, "added")) {
        char *data = NULL;
        json_t *event = json_pack ("{s:s, s:s, s:s}", "device", name, "address", address, "by", "discovery");
        data = json_dumps (event, JSON_COMPACT);
        json_decref (event);
        rc = meshd_event (db, "device.added", site_id, data);
        free (data);
    }
    return rc;
}

int
discovery_ingest (sqlite3 *db, int64_t probe_id, json_t *report, bool *changed, uint64_t *bad)
{
    int64_t job = json_integer_value (json_object_get (report, "job"));
    int64_t run = json_integer_value (json_object_get (report, "run"));
    json_t *hosts = json_object_get (report, "hosts");
    sqlite3_stmt *stmt = vd_db_prepare (db,
        "SELECT site_id, interval_ms FROM discovery WHERE id = ? AND probe_id = ?");
    int64_t site_id = 0, interval_ms = 0;
    if (stmt) {
        sqlite3_bind_int64 (stmt, 1, job);
        sqlite3_bind_int64 (stmt, 2, probe_id);
        if (sqlite3_step (stmt) == SQLITE_ROW) {
            site_id = sqlite3_column_int64 (stmt, 0);
            interval_ms = sqlite3_column_int64 (stmt, 1);
        }
        sqlite3_finalize (stmt);
    }
    if (!site_id || run <= 0 || !json_is_array (hosts)) {
        (*bad)++;               //  removed meanwhile, or not this probe's
        return 0;
    }
    json_t *list = json_array ();
    int added = 0, updated = 0, aliases = 0;
    size_t index;
    json_t *host;
    int rc = 0;
    json_array_foreach (hosts, index, host) {
        const char *action;
        char name [96];
        if ((rc = s_host (db, site_id, probe_id, interval_ms, host, &action, name, sizeof name)))
            break;
        if (streq (action, "bad")) {
            (*bad)++;
            continue;
        }
        added += streq (action, "added");
        updated += streq (action, "updated");
        aliases += streq (action, "alias");
        json_t *entry = json_pack ("{s:s, s:s, s:s}", "address", s_text (host, "address"),
                                   "device", name, "action", action);
        static const char *copied [] = { "cred", "sys_name", "sys_object_id", "engine_id", "rtt_ms", NULL };
        for (int i = 0; copied [i]; i++)
            if (json_object_get (host, copied [i]))
                json_object_set (entry, copied [i], json_object_get (host, copied [i]));
        const char *vendor = NULL, *model = NULL;
        if (ident_lookup (s_text (host, "sys_object_id"), &vendor, &model)) {
            json_object_set_new (entry, "vendor", json_string (vendor));
            if (model)
                json_object_set_new (entry, "model", json_string (model));
        }
        json_array_append_new (list, entry);
    }
    if (rc) {
        json_decref (list);
        return -1;
    }
    json_t *result = json_pack ("{s:I, s:O?, s:O?, s:O?, s:i, s:i, s:i, s:o}",
        "run", (json_int_t) run, "swept", json_object_get (report, "swept"),
        "alive", json_object_get (report, "alive"), "seconds", json_object_get (report, "seconds"),
        "added", added, "updated", updated, "aliases", aliases, "hosts", list);
    if (!result) {
        (*bad)++;
        return 0;
    }
    char *text = json_dumps (result, JSON_COMPACT);
    rc = vd_db_run (db, "UPDATE discovery SET done = max (done, ?), last_us = ?, result = ? WHERE id = ?",
                    "iisi", run, vd_now_us (), text, job);
    free (text);
    json_object_del (result, "hosts");
    json_object_set_new (result, "discovery", json_integer (job));
    text = json_dumps (result, JSON_COMPACT);
    if (rc == 0)
        rc = meshd_event (db, "discovery.done", site_id, text);
    free (text);
    json_decref (result);
    *changed = true;
    return rc;
}
