/*  meshd/op_site.c: sites, the places probes and devices belong to.  */
#include "api.h"

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

json_t *
op_site_add (api_t *api, api_call_t *call)
{
    const char *name = api_str (call, "name", true);
    if (!name)
        return NULL;
    if (!api_name_valid (name))
        return api_fail (call, "invalid", "a site name has 1 to 63 letters, digits, '-', '_' or '.'");
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
    return json_pack ("{s:I, s:s}", "id", (json_int_t) id, "name", name);
}

json_t *
op_site_list (api_t *api, api_call_t *call)
{
    sqlite3_stmt *stmt = vd_db_prepare (api_db (api),
        "SELECT s.id, s.name, s.created_us, "
        "  (SELECT count(*) FROM probe p WHERE p.site_id = s.id AND p.state != 'revoked'), "
        "  (SELECT count(*) FROM device d WHERE d.site_id = s.id) "
        "FROM site s ORDER BY s.name");
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

