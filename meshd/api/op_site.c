/*  meshd/api/op_site.c: sites, the places probes and devices belong to.  */
#include "api/api.h"

bool
api_name_valid (const char *name)
{
    if (!name || !*name || strlen (name) > 63)
        return false;
    for (const char *c = name; *c; c++)
        if (!isalnum ((unsigned char) *c) && !strchr ("-_.", *c))
            return false;
    return true;
}

static json_t *
op_site_add (api_t *api, api_call_t *call)
{
    const char *name = api_str (call, "name");
    if (call->scoped)
        return api_fail (call, "forbidden", "site.add needs an admin without site scopes");
    sqlite3_stmt *stmt = vd_db_prepare (api_db (api),
        "INSERT INTO site (name, created_us) VALUES (?, ?)");
    if (!stmt)
        return api_fail (call, "internal", "database error");
    sqlite3_bind_text (stmt, 1, name, -1, SQLITE_STATIC);
    sqlite3_bind_int64 (stmt, 2, vd_now_us ());
    int rc = sqlite3_step (stmt);
    sqlite3_finalize (stmt);
    if (rc != SQLITE_DONE)
        return api_fail_db (api, call, "site");
    int64_t id = sqlite3_last_insert_rowid (api_db (api));
    api_audit (api, call, json_pack ("{s:s}", "site", name));
    api_event (api, "site.added", id, json_pack ("{s:s}", "site", name));
    return json_pack ("{s:I, s:s}", "id", (json_int_t) id, "name", name);
}

static json_t *
op_site_list (api_t *api, api_call_t *call)
{
    sqlite3_stmt *stmt = vd_db_prepare (api_db (api),
        "SELECT s.id, s.name, s.created_us, "
        "  (SELECT count(*) FROM probe p WHERE p.site_id = s.id AND p.state != 'revoked'), "
        "  (SELECT count(*) FROM device d WHERE d.site_id = s.id) "
        "FROM site s WHERE in_scope (s.id) ORDER BY s.name");
    if (!stmt)
        return api_fail (call, "internal", "database error");
    json_t *list = json_array ();
    while (sqlite3_step (stmt) == SQLITE_ROW)
        json_array_append_new (list, json_pack ("{s:I, s:s, s:I, s:I, s:I}",
            "id", (json_int_t) sqlite3_column_int64 (stmt, 0),
            "name", sqlite3_column_text (stmt, 1),
            "created_us", (json_int_t) sqlite3_column_int64 (stmt, 2),
            "probes", (json_int_t) sqlite3_column_int64 (stmt, 3),
            "devices", (json_int_t) sqlite3_column_int64 (stmt, 4)));
    sqlite3_finalize (stmt);
    return list;
}


static json_t *
op_site_remove (api_t *api, api_call_t *call)
{
    const char *name = api_str (call, "name");
    int64_t id = api_find (api, call, "site", name);
    if (!id)
        return NULL;
    char sql [160];
    snprintf (sql, sizeof sql, "SELECT (SELECT count(*) FROM probe WHERE site_id = %lld AND state != 'revoked') "
              "+ (SELECT count(*) FROM device WHERE site_id = %lld)", (long long) id, (long long) id);
    if (vd_db_int (api_db (api), sql, 1) > 0)
        return api_fail (call, "conflict", "site '%s' still has probes or devices", name);
    snprintf (sql, sizeof sql, "DELETE FROM site WHERE id = %lld", (long long) id);
    if (vd_db_exec (api_db (api), sql))
        return api_fail (call, "conflict", "site '%s' is still referred to (revoked probes)", name);
    api_audit (api, call, json_pack ("{s:s}", "site", name));
    api_event (api, "site.removed", 0, json_pack ("{s:s}", "site", name));
    return json_pack ("{s:I, s:s}", "id", (json_int_t) id, "name", name);
}

const api_op_t op_site_ops [] = {
    { "site.add",       "admin",    "name:n!", op_site_add,
      "adds a site" },
    { "site.list",      "viewer",   "", op_site_list,
      "lists sites with their probe and device counts" },
    { "site.remove",    "admin",    "name:n!", op_site_remove,
      "removes a site that has no probe and no device" },
    { NULL }
};
