/*  meshd/monitor/op_topology.c: the topology (topology.list): the LLDP and
    CDP links of the full SNMP walks, each far end joined to a known device
    by address, name or chassis MAC; a link both ends report is listed once.
    The far port is shown by the name an engineer reads: a port ID that is
    a MAC, a local number (often the ifIndex) or an alias is resolved
    against the far device's interfaces, else its port description.     */
#include "api/api.h"
#include "monitor/monitor.h"

//  The known device at the far end of a link: by management address, by
//  name (sysName, or its first label), or by chassis ID matching a MAC
#define FAR_END "(SELECT r.id FROM device r WHERE r.site_id = d.site_id AND r.id != d.id AND (" \
                "  (l.remote_address != '' AND r.address = l.remote_address) " \
                "  OR (l.remote_name != '' AND (lower (r.sys_name) = lower (l.remote_name) " \
                "      OR lower (r.name) = lower (l.remote_name) " \
                "      OR lower (r.name) = lower (substr (l.remote_name, 1, instr (l.remote_name || '.', '.') - 1)))) " \
                "  OR (l.remote_chassis != '' AND EXISTS (SELECT 1 FROM interface i " \
                "      WHERE i.device_id = r.id AND i.mac = lower (l.remote_chassis)))) ORDER BY r.id LIMIT 1)"

//  The far port's interface name, by what the port ID is (far: the device)
#define FAR_PORT "(SELECT i.name FROM interface i WHERE i.device_id = far.id AND CASE l.remote_port_subtype " \
                 "  WHEN 'mac' THEN i.mac = lower (l.remote_port) " \
                 "  WHEN 'local' THEN CAST (i.if_index AS TEXT) = l.remote_port " \
                 "  WHEN 'ifalias' THEN i.alias = l.remote_port AND l.remote_port != '' " \
                 "  ELSE 0 END ORDER BY i.if_index LIMIT 1)"

static json_t *
op_topology_list (api_t *api, api_call_t *call)
{
    return topology_links (api, call, api_str (call, "site"), api_str (call, "device"));
}

json_t *
topology_links (api_t *api, api_call_t *call, const char *site, const char *device)
{
    sqlite3_stmt *stmt = vd_db_prepare (api_db (api),
        "SELECT d.id, d.name, s.name, l.proto, l.local_port, l.remote_name, l.remote_chassis, "
        "  l.remote_port, l.remote_port_descr, l.remote_address, l.remote_platform, l.updated_us, "
        "  far.id, far.name, l.remote_port_subtype, " FAR_PORT " "
        "FROM link l JOIN device d ON d.id = l.device_id JOIN site s ON s.id = d.site_id "
        "LEFT JOIN device far ON far.id = " FAR_END " "
        "WHERE (?1 IS NULL OR s.name = ?1) AND in_scope (s.id) "
        "ORDER BY s.name, d.name, l.local_port, l.proto");
    if (!stmt)
        return api_fail (call, "internal", "database error");
    if (site)
        sqlite3_bind_text (stmt, 1, site, -1, SQLITE_STATIC);
    json_t *list = json_array ();
    zhashx_t *seen = zhashx_new ();         //  "a|port|b|port" of links listed
    while (sqlite3_step (stmt) == SQLITE_ROW) {
        const char *near = (const char *) sqlite3_column_text (stmt, 1);
        const char *far = (const char *) sqlite3_column_text (stmt, 13);
        const char *local_port = (const char *) sqlite3_column_text (stmt, 4);
        const char *port_id = (const char *) sqlite3_column_text (stmt, 7);
        const char *remote_descr = (const char *) sqlite3_column_text (stmt, 8);
        const char *subtype = (const char *) sqlite3_column_text (stmt, 14);
        const char *far_port = (const char *) sqlite3_column_text (stmt, 15);
        //  the port as an engineer reads it: the far device's name for it;
        //  a MAC or a number we cannot resolve is less use than its description
        bool opaque = streq (subtype, "mac") || streq (subtype, "local") || !*port_id;
        const char *remote_port = far_port? far_port: opaque && *remote_descr? remote_descr: port_id;
        if (device && !streq (near, device) && !(far && streq (far, device)))
            continue;
        if (far) {
            //  the other end's report of the same link: once is enough
            char key [512];
            snprintf (key, sizeof key, "%s|%s|%s|%s", far, remote_port, near, local_port);
            bool both = zhashx_lookup (seen, key) != NULL;
            if (!both && *remote_descr) {
                snprintf (key, sizeof key, "%s|%s|%s|%s", far, remote_descr, near, local_port);
                both = zhashx_lookup (seen, key) != NULL;
            }
            if (both) {
                json_t *first = (json_t *) zhashx_lookup (seen, key);
                json_object_set_new (first, "seen_from", json_string ("both"));
                continue;
            }
        }
        const char *remote_name = (const char *) sqlite3_column_text (stmt, 5);
        const char *chassis = (const char *) sqlite3_column_text (stmt, 6);
        json_t *link = json_pack ("{s:s, s:s, s:s, s:s, s:o, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:I}",
            "site", sqlite3_column_text (stmt, 2), "device", near,
            "proto", sqlite3_column_text (stmt, 3), "local_port", local_port,
            "remote_device", far? json_string (far): json_null (),
            "remote", far? far: *remote_name? remote_name: chassis,
            "remote_port", remote_port,
            "remote_name", remote_name, "remote_chassis", chassis,
            "remote_port_id", port_id, "remote_port_subtype", subtype,
            "remote_address", sqlite3_column_text (stmt, 9),
            "remote_platform", sqlite3_column_text (stmt, 10),
            "updated_us", (json_int_t) sqlite3_column_int64 (stmt, 11));
        json_object_set_new (link, "seen_from", json_string (far? "one": "one (far end unknown)"));
        json_array_append_new (list, link);
        if (far) {
            char key [512];
            snprintf (key, sizeof key, "%s|%s|%s|%s", near, local_port, far, remote_port);
            zhashx_insert (seen, key, link);
        }
    }
    sqlite3_finalize (stmt);
    zhashx_destroy (&seen);
    return list;
}

const api_op_t op_topology_ops [] = {
    { "topology.list",  "viewer",   "site:n device:n", op_topology_list,
      "links between devices from LLDP and CDP, each listed once" },
    { NULL }
};
