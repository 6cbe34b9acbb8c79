/*  meshd/monitor/op_trap.c: which credentials the probes accept traps and
    informs with (trap.*). A v1/v2c credential's community, a v3
    credential's user: for every probe, a site's probes, or one probe. The
    probes concerned get a new CONFIG (core/mesh.c sends the credentials,
    opened, inside CURVE) and take it without a restart.                   */
#include "api/api.h"

//  After a change: the probes of its scope get their CONFIG, the audit its
//  row, the caller the credential and scope
static json_t *
s_changed (api_t *api, api_call_t *call, int64_t site_id, int64_t probe_id)
{
    api_tell_probes (api, site_id, probe_id);
    json_t *result = json_pack ("{s:s, s:s*, s:s*}", "cred", api_str (call, "cred"),
                                "site", api_str (call, "site"), "probe", api_str (call, "probe"));
    api_audit (api, call, json_deep_copy (result));
    return result;
}

//  The scope of a call: --site, --probe or neither (every probe). False
//  after api_fail.
static bool
s_scope (api_t *api, api_call_t *call, int64_t *site_id, int64_t *probe_id)
{
    const char *site = api_str (call, "site");
    const char *probe = api_str (call, "probe");
    *site_id = *probe_id = 0;
    if (site && probe) {
        api_fail (call, "invalid", "give a site or a probe, not both");
        return false;
    }
    if (call->scoped) {
        api_fail (call, "forbidden", "trap credentials need an admin without site scopes");
        return false;
    }
    if (site && !(*site_id = api_find (api, call, "site", site)))
        return false;
    if (probe && !(*probe_id = api_find (api, call, "probe", probe)))
        return false;
    return true;
}

static json_t *
op_trap_add (api_t *api, api_call_t *call)
{
    const char *cred = api_str (call, "cred");
    int64_t site_id, probe_id;
    if (!s_scope (api, call, &site_id, &probe_id))
        return NULL;
    char *sql = sqlite3_mprintf ("SELECT id FROM credential WHERE name = %Q AND kind = 'snmp'", cred);
    int64_t cred_id = vd_db_int (api_db (api), sql, 0);
    sqlite3_free (sql);
    if (!cred_id)
        return api_fail (call, "not_found", "no snmp credential '%s' (see cred list)", cred);
    if (vd_db_run (api_db (api), "INSERT INTO trap_cred (cred_id, site_id, probe_id, created_us) "
                                 "VALUES (?, nullif (?, 0), nullif (?, 0), ?)",
                   "iiii", cred_id, site_id, probe_id, vd_now_us ()))
        return api_fail_db (api, call, "trap credential");
    return s_changed (api, call, site_id, probe_id);
}

static json_t *
op_trap_list (api_t *api, api_call_t *call)
{
    sqlite3_stmt *stmt = vd_db_prepare (api_db (api),
        "SELECT c.name, c.summary, s.name, p.name, t.created_us FROM trap_cred t "
        "JOIN credential c ON c.id = t.cred_id LEFT JOIN site s ON s.id = t.site_id "
        "LEFT JOIN probe p ON p.id = t.probe_id "
        "WHERE (t.site_id IS NULL OR in_scope (t.site_id)) "
        "AND (t.probe_id IS NULL OR in_scope (p.site_id)) "
        "ORDER BY s.name IS NOT NULL, p.name IS NOT NULL, s.name, p.name, c.name");
    if (!stmt)
        return api_fail (call, "internal", "database error");
    json_t *list = json_array ();
    while (sqlite3_step (stmt) == SQLITE_ROW)
        json_array_append_new (list, json_pack ("{s:s, s:s, s:o, s:o, s:I}",
            "cred", sqlite3_column_text (stmt, 0), "summary", sqlite3_column_text (stmt, 1),
            "site", api_column_text (stmt, 2), "probe", api_column_text (stmt, 3),
            "created_us", (json_int_t) sqlite3_column_int64 (stmt, 4)));
    sqlite3_finalize (stmt);
    return list;
}

static json_t *
op_trap_remove (api_t *api, api_call_t *call)
{
    const char *cred = api_str (call, "cred");
    int64_t site_id, probe_id;
    if (!s_scope (api, call, &site_id, &probe_id))
        return NULL;
    if (vd_db_run (api_db (api), "DELETE FROM trap_cred WHERE ifnull (site_id, 0) = ? "
                                 "AND ifnull (probe_id, 0) = ? "
                                 "AND cred_id = (SELECT id FROM credential WHERE name = ?)",
                   "iis", site_id, probe_id, cred))
        return api_fail_db (api, call, "trap credential");
    if (sqlite3_changes (api_db (api)) == 0)
        return api_fail (call, "not_found", "traps are not accepted with '%s'%s%s", cred,
                         site_id? " at site ": probe_id? " at probe ": " at every probe",
                         site_id? api_str (call, "site"): probe_id? api_str (call, "probe"): "");
    return s_changed (api, call, site_id, probe_id);
}

const api_op_t op_trap_ops [] = {
    { "trap.add",       "admin",    "cred:n! site:n probe:n", op_trap_add,
      "accepts traps and informs with an snmp credential (its community, or its v3 user) "
      "at every probe, a site's probes or one probe; no restart" },
    { "trap.list",      "viewer",   "", op_trap_list,
      "lists the credentials traps are accepted with, and where" },
    { "trap.remove",    "admin",    "cred:n! site:n probe:n", op_trap_remove,
      "stops accepting traps with a credential in that scope" },
    { NULL }
};
