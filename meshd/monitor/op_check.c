/*  meshd/monitor/op_check.c: checks (check.*): what a probe measures on a
    device besides ICMP. Custom OID checks are 'snmp' checks with params
    {oid, name}, read in the device's SNMP poll (the standard 'snmp' check
    itself comes with device.add/set --snmp, op_device.c). Service checks
    (tcp, dns, http) are checks of their own. Every change goes to the
    device's probe as a new CONFIG.                                        */
#include "api/api.h"
#include "monitor/monitor.h"

#define SERVICE_DEFAULT_INTERVAL 60000
#define SERVICE_DEFAULT_TIMEOUT 5000

static bool
s_oid_valid (const char *oid)
{
    //  numeric, dotted, at least two arcs, each at most 10 digits
    int arcs = 0, digits = 0;
    if (*oid == '.')
        oid++;
    for (; *oid; oid++) {
        if (*oid == '.') {
            if (digits == 0)
                return false;
            arcs++;
            digits = 0;
        }
        else
        if (isdigit ((unsigned char) *oid) && digits < 10)
            digits++;
        else
            return false;
    }
    return digits > 0 && arcs >= 1 && arcs < 128;
}

static const char *s_dns_types [] = { "A", "AAAA", "MX", "TXT", "NS", "CNAME", "SOA", "PTR", "SRV", NULL };

//  The parameters of a service check (tcp, dns, http) from check.add's
//  arguments, with its name (given or made) in them; NULL after api_fail
static json_t *
s_service_params (api_call_t *call, const char *kind, int64_t *interval)
{
    const char *name = api_str (call, "name");
    json_t *port_arg = json_object_get (call->args, "port");
    int64_t port = port_arg? json_integer_value (port_arg): 0;
    if (port_arg && (port < 1 || port > 65535)) {
        api_fail (call, "invalid", "port must be 1 to 65535");
        return NULL;
    }
    *interval = api_duration (call, "interval", SERVICE_DEFAULT_INTERVAL);
    int64_t timeout = api_duration (call, "timeout", SERVICE_DEFAULT_TIMEOUT);
    if (*interval < 0 || timeout < 0)
        return NULL;
    if (*interval < 1000 || timeout < 100 || timeout > 60000 || timeout >= *interval) {
        api_fail (call, "invalid", "interval must be at least 1s, timeout 100ms to 60s and "
                                   "shorter than the interval");
        return NULL;
    }
    json_t *params = json_pack ("{s:I}", "timeout_ms", (json_int_t) timeout);
    char made [64];
    if (streq (kind, "tcp")) {
        if (!port_arg) {
            json_decref (params);
            api_fail (call, "invalid", "a tcp check needs port");
            return NULL;
        }
        snprintf (made, sizeof made, "tcp-%lld", (long long) port);
        json_object_set_new (params, "port", json_integer (port));
    }
    else
    if (streq (kind, "dns")) {
        const char *query = api_str (call, "query");
        const char *type = api_str (call, "type");
        const char *server = api_str (call, "server");
        int known = 0;
        for (int i = 0; type && s_dns_types [i]; i++)
            if (strcasecmp (type, s_dns_types [i]) == 0)
                known = i + 1;
        if (!query || strlen (query) > 253) {
            json_decref (params);
            api_fail (call, "invalid", "a dns check needs query, a name of at most 253 characters");
            return NULL;
        }
        if (type && !known) {
            json_decref (params);
            api_fail (call, "invalid", "type must be one of A, AAAA, MX, TXT, NS, CNAME, SOA, PTR, SRV");
            return NULL;
        }
        if (server && !vd_address_valid (server)) {
            json_decref (params);
            api_fail (call, "invalid", "server must be an IPv4 or IPv6 address");
            return NULL;
        }
        snprintf (made, sizeof made, "dns-%.50s", query);
        json_object_set_new (params, "query", json_string (query));
        json_object_set_new (params, "type", json_string (known? s_dns_types [known - 1]: "A"));
        json_object_set_new (params, "port", json_integer (port_arg? port: 53));
        if (server)
            json_object_set_new (params, "server", json_string (server));
        if (api_str (call, "expect"))
            json_object_set_new (params, "expect", json_string (api_str (call, "expect")));
    }
    else {
        const char *url = api_str (call, "url");
        const char *expect = api_str (call, "expect");
        if (!url || (strncmp (url, "http://", 7) && strncmp (url, "https://", 8))) {
            json_decref (params);
            api_fail (call, "invalid", "an http check needs url, http:// or https://");
            return NULL;
        }
        long code = 0;
        char *end = NULL;
        if (expect)
            code = strtol (expect, &end, 10);
        if (expect && (*end || code < 100 || code > 599)) {
            json_decref (params);
            api_fail (call, "invalid", "expect must be an HTTP status code such as 200");
            return NULL;
        }
        snprintf (made, sizeof made, "%s", strncmp (url, "https", 5)? "http": "https");
        json_object_set_new (params, "url", json_string (url));
        if (expect)
            json_object_set_new (params, "expect", json_integer (code));
        if (api_str (call, "contains"))
            json_object_set_new (params, "contains", json_string (api_str (call, "contains")));
        if (json_is_true (json_object_get (call->args, "insecure")))
            json_object_set_new (params, "insecure", json_true ());
    }
    if (!name) {
        //  made names keep to what names allow
        for (char *c = made; *c; c++)
            if (!isalnum ((unsigned char) *c) && !strchr ("-_.", *c))
                *c = '_';
        name = made;
    }
    json_object_set_new (params, "name", json_string (name));
    return params;
}

//  check.add: a custom SNMP OID, or a TCP, DNS or HTTP service check
static json_t *
op_check_add (api_t *api, api_call_t *call)
{
    const char *device = api_str (call, "device");
    const char *kind = api_str (call, "kind");
    const char *name = api_str (call, "name");
    sqlite3 *db = api_db (api);
    int64_t device_id = api_find (api, call, "device", device);
    if (!device_id)
        return NULL;
    json_t *params = NULL;
    int64_t interval = 0;
    if (streq (kind, "snmp")) {
        const char *oid = api_str (call, "oid");
        if (!oid || !name)
            return api_fail (call, "invalid", "an snmp check needs oid and name");
        if (!s_oid_valid (oid))
            return api_fail (call, "invalid", "'%s' is not a numeric OID such as 1.3.6.1.2.1.1.3.0", oid);
        int64_t standard = device_snmp_check (db, device_id);
        if (!standard)
            return api_fail (call, "invalid", "%s is not polled over SNMP: device set %s --snmp CRED first",
                             device, device);
        char sql [96];
        snprintf (sql, sizeof sql, "SELECT interval_ms FROM device_check WHERE id = %lld", (long long) standard);
        interval = vd_db_int (db, sql, SNMP_DEFAULT_INTERVAL);
        params = json_pack ("{s:s, s:s}", "oid", *oid == '.'? oid + 1: oid, "name", name);
    }
    else
    if (streq (kind, "tcp") || streq (kind, "dns") || streq (kind, "http")) {
        params = s_service_params (call, kind, &interval);
        if (!params)
            return NULL;
        name = json_string_value (json_object_get (params, "name"));
    }
    else
        return api_fail (call, "invalid", "kind must be snmp, tcp, dns or http");
    sqlite3_stmt *stmt = vd_db_prepare (db,
        "SELECT count (*) FROM device_check WHERE device_id = ? AND json_extract (params, '$.name') = ?");
    int64_t taken = 0;
    if (stmt) {
        sqlite3_bind_int64 (stmt, 1, device_id);
        sqlite3_bind_text (stmt, 2, name, -1, SQLITE_STATIC);
        if (sqlite3_step (stmt) == SQLITE_ROW)
            taken = sqlite3_column_int64 (stmt, 0);
        sqlite3_finalize (stmt);
    }
    if (taken) {
        api_fail (call, "conflict", "%s already has a check named '%s'", device, name);
        json_decref (params);   //  name was in it
        return NULL;
    }
    char *text = json_dumps (params, JSON_COMPACT | JSON_SORT_KEYS);
    int rc = vd_db_run (db, "INSERT INTO device_check (device_id, kind, interval_ms, params, created_us) "
                            "VALUES (?, ?, ?, ?, ?)", "isisi", device_id, kind, interval, text, vd_now_us ());
    free (text);
    if (rc) {
        json_decref (params);
        return api_fail_db (api, call, "check");
    }
    int64_t id = sqlite3_last_insert_rowid (db);
    api_tell_device_probe (api, device_id);
    api_audit (api, call, json_pack ("{s:s, s:s, s:O}", "device", device, "kind", kind, "params", params));
    return json_pack ("{s:I, s:s, s:s, s:I, s:o}", "id", (json_int_t) id, "device", device,
                      "kind", kind, "interval_ms", (json_int_t) interval, "params", params);
}

static json_t *
op_check_remove (api_t *api, api_call_t *call)
{
    const char *device = api_str (call, "device");
    const char *name = api_str (call, "name");
    sqlite3 *db = api_db (api);
    int64_t device_id = api_find (api, call, "device", device);
    if (!device_id)
        return NULL;
    if (vd_db_run (db, "DELETE FROM device_check WHERE device_id = ? AND json_extract (params, '$.name') = ?",
                   "is", device_id, name))
        return api_fail_db (api, call, "check");
    if (sqlite3_changes (db) == 0)
        return api_fail (call, "not_found", "%s has no check named '%s'", device, name);
    api_tell_device_probe (api, device_id);
    api_audit (api, call, json_pack ("{s:s, s:s}", "device", device, "check", name));
    return json_pack ("{s:s, s:s}", "device", device, "name", name);
}

//  The checks of one device (device_id) or of all the caller's devices
json_t *
check_rows (api_t *api, api_call_t *call, int64_t device_id, const char *site)
{
    sqlite3_stmt *stmt = vd_db_prepare (api_db (api),
        "SELECT c.id, d.name, c.kind, c.interval_ms, c.params, c.created_us, s.name, "
        "  c.status, c.error, c.detail, c.status_us "
        "FROM device_check c JOIN device d ON d.id = c.device_id JOIN site s ON s.id = d.site_id "
        "WHERE (?1 = 0 OR d.id = ?1) AND (?2 IS NULL OR s.name = ?2) AND in_scope (s.id) "
        "ORDER BY d.name, c.id");
    if (!stmt)
        return api_fail (call, "internal", "database error");
    sqlite3_bind_int64 (stmt, 1, device_id);
    if (site)
        sqlite3_bind_text (stmt, 2, site, -1, SQLITE_STATIC);
    json_t *list = json_array ();
    while (sqlite3_step (stmt) == SQLITE_ROW) {
        json_t *params = json_loads ((const char *) sqlite3_column_text (stmt, 4), 0, NULL);
        json_t *check = json_pack ("{s:I, s:s, s:s, s:I, s:o, s:I, s:s}",
            "id", (json_int_t) sqlite3_column_int64 (stmt, 0),
            "device", sqlite3_column_text (stmt, 1),
            "kind", sqlite3_column_text (stmt, 2),
            "interval_ms", (json_int_t) sqlite3_column_int64 (stmt, 3),
            "params", params? params: json_object (),
            "created_us", (json_int_t) sqlite3_column_int64 (stmt, 5),
            "site", sqlite3_column_text (stmt, 6));
        if (sqlite3_column_type (stmt, 7) != SQLITE_NULL) {
            //  a service check's last result
            json_object_set_new (check, "status", api_column_text (stmt, 7));
            json_object_set_new (check, "error", api_column_text (stmt, 8));
            json_t *detail = sqlite3_column_type (stmt, 9) == SQLITE_NULL? NULL
                           : json_loads ((const char *) sqlite3_column_text (stmt, 9), 0, NULL);
            json_object_set_new (check, "detail", detail? detail: json_object ());
            json_object_set_new (check, "status_us", api_column_int (stmt, 10));
        }
        json_array_append_new (list, check);
    }
    sqlite3_finalize (stmt);
    return list;
}

static json_t *
op_check_list (api_t *api, api_call_t *call)
{
    const char *device = api_str (call, "device");
    int64_t device_id = device? api_find (api, call, "device", device): 0;
    if (device && !device_id)
        return NULL;
    return check_rows (api, call, device_id, api_str (call, "site"));
}

const api_op_t op_check_ops [] = {
    { "check.list",     "viewer",   "device:n site:n", op_check_list,
      "lists checks: device, kind, interval, parameters" },
    { "check.add",      "operator", "device:n! kind:n! name:n oid:s port:i query:s type:s server:s "
                                    "url:s expect:s contains:s insecure:b interval:d timeout:d", op_check_add,
      "adds a check to a device: a custom SNMP OID, or a TCP, DNS or HTTP(S) service check" },
    { "check.remove",   "operator", "device:n! name:n!", op_check_remove,
      "removes a device's named check" },
    { NULL }
};
