/*  meshd/monitor/op_interface.c: interfaces (interface.list), as the last
    SNMP poll of their device saw them: status, speed, rates, errors.        */
#include "api/api.h"
#include "monitor/monitor.h"

//  The interfaces of a device (device_id and name), as its last poll saw them
json_t *
interface_rows (api_t *api, api_call_t *call, int64_t device_id)
{
    sqlite3_stmt *stmt = vd_db_prepare (api_db (api),
        "SELECT if_index, name, descr, alias, type, speed_bps, mtu, mac, admin, oper, counters, "
        "  in_bps, out_bps, in_util, out_util, in_errors, out_errors, in_discards, out_discards, "
        "  updated_us FROM interface WHERE device_id = ? ORDER BY if_index");
    if (!stmt)
        return api_fail (call, "internal", "database error");
    sqlite3_bind_int64 (stmt, 1, device_id);
    static const char *names [] = { "index", "name", "descr", "alias", "type", "speed_bps", "mtu",
        "mac", "admin", "oper", "counters", "in_bps", "out_bps", "in_util", "out_util",
        "in_errors", "out_errors", "in_discards", "out_discards", "updated_us" };
    json_t *list = json_array ();
    while (sqlite3_step (stmt) == SQLITE_ROW) {
        json_t *row = json_object ();
        for (int column = 0; column < 20; column++) {
            int type = sqlite3_column_type (stmt, column);
            json_object_set_new (row, names [column],
                type == SQLITE_INTEGER? json_integer (sqlite3_column_int64 (stmt, column)):
                type == SQLITE_FLOAT? json_real (sqlite3_column_double (stmt, column)):
                type == SQLITE_TEXT? json_string ((const char *) sqlite3_column_text (stmt, column)):
                json_null ());
        }
        json_array_append_new (list, row);
    }
    sqlite3_finalize (stmt);
    return list;
}

static json_t *
op_interface_list (api_t *api, api_call_t *call)
{
    const char *device = api_str (call, "device");
    int64_t device_id = api_find (api, call, "device", device);
    if (!device_id)
        return NULL;
    return interface_rows (api, call, device_id);
}

const api_op_t op_interface_ops [] = {
    { "interface.list", "viewer",   "device:n!", op_interface_list,
      "a device's interfaces: status, speed, rates, utilisation, errors" },
    { NULL }
};
