/*  meshd/api/op_server.c: server.status, what an operator checks first:
    versions, uptime, the API's counters, where the events are published,
    the console's look, how much the database holds and the last values of
    meshd's own series (self: the object vedette, for unscoped users).    */
#include "api/api.h"

static json_t *
op_server_status (api_t *api, api_call_t *call)
{
    int64_t started_us;
    json_t *counters = api_counters (api, &started_us);
    json_t *result = json_pack ("{s:s, s:i, s:I, s:I, s:o}",
        "version", VD_VERSION, "api_version", API_VERSION,
        "started_us", (json_int_t) started_us, "now_us", (json_int_t) vd_now_us (), "api", counters);
    meshd_t *meshd = api_meshd (api);
    char *ipc = meshd_events_endpoint (meshd);
    char *tcp = meshd_dialable (vd_config_str (meshd->config, "events/tcp"));
    json_object_set_new (result, "events", json_pack ("{s:s, s:s}", "ipc", ipc, "tcp", tcp));
    vd_config_t *config = meshd->config;
    json_object_set_new (result, "console", json_pack ("{s:s, s:s, s:s}",
        "banner", vd_config_str (config, "console/banner"), "theme", vd_config_str (config, "console/theme"),
        "colours", vd_config_str (config, "console/colours")));
    free (ipc);
    free (tcp);
    static const char *tables [] = { "site", "sites", "probe", "probes", "device", "devices",
                                     "series", "series", "user", "users", "event", "events_recorded", NULL };
    for (int i = 0; tables [i]; i += 2) {
        char sql [64];
        snprintf (sql, sizeof sql, "SELECT count(*) FROM %s", tables [i]);
        json_object_set_new (result, tables [i + 1], json_integer (vd_db_int (api_db (api), sql, 0)));
    }
    json_t *own = json_object ();
    sqlite3_stmt *stmt = call->scoped? NULL: vd_db_prepare (api_db (api),
        "SELECT metric, last_value FROM series WHERE own = 1 AND metric GLOB 'meshd.*' "
        "AND last_value IS NOT NULL");
    while (stmt && sqlite3_step (stmt) == SQLITE_ROW)
        json_object_set_new (own, (const char *) sqlite3_column_text (stmt, 0),
                             json_real (sqlite3_column_double (stmt, 1)));
    sqlite3_finalize (stmt);
    json_object_set_new (result, "self", own);
    return result;
}

const api_op_t op_server_ops [] = {
    { "server.status",  "viewer",   "", op_server_status,
      "meshd's version, API version, uptime, counts and refused requests by error code" },
    { NULL }
};
