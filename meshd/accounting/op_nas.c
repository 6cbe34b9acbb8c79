/*  meshd/accounting/op_nas.c: the NASes whose RADIUS accounting the probes
    receive (nas.*): a name, the address its requests come from, a site,
    optionally the one probe that hears it (else every probe of the site),
    and its shared secret, sealed with the master key and sent only to
    those probes, inside CURVE.                                           */
#include "api/api.h"
#include "accounting/accounting.h"
#include "cred/cred.h"
#include <arpa/inet.h>

static json_t *
op_nas_add (api_t *api, api_call_t *call)
{
    const char *name = api_str (call, "name");
    const char *secret = api_str (call, "secret");
    const char *probe = api_str (call, "probe");
    //  as the probe writes a source address (2001:DB8::0:1 is 2001:db8::1)
    unsigned char binary [16];
    char address [INET6_ADDRSTRLEN];
    int family = inet_pton (AF_INET, api_str (call, "address"), binary) == 1? AF_INET
               : inet_pton (AF_INET6, api_str (call, "address"), binary) == 1? AF_INET6: 0;
    if (!family || !inet_ntop (family, binary, address, sizeof address))
        return api_fail (call, "invalid", "address is the NAS's IPv4 or IPv6 address: %s is not",
                         api_str (call, "address"));
    if (strlen (secret) < 8)
        return api_fail (call, "invalid", "a shared secret of at least 8 characters (RFC 2865 asks for 16)");
    int64_t site_id = api_find (api, call, "site", api_str (call, "site"));
    if (!site_id)
        return NULL;
    if (!api_site_allowed (api, site_id))
        return api_fail (call, "forbidden", "site '%s' is outside your scope", api_str (call, "site"));
    int64_t probe_id = probe? api_find (api, call, "probe", probe): 0;
    if (probe && !probe_id)
        return NULL;
    char sql [128];
    snprintf (sql, sizeof sql, "SELECT site_id FROM probe WHERE id = %lld", (long long) probe_id);
    if (probe_id && vd_db_int (api_db (api), sql, 0) != site_id)
        return api_fail (call, "invalid", "probe '%s' is not at site '%s'", probe, api_str (call, "site"));
    size_t size = 0;
    unsigned char *sealed = cred_seal (api_master_key (api), secret, &size);
    if (!sealed)
        return api_fail (call, "internal", "the secret cannot be sealed");
    sqlite3_stmt *stmt = vd_db_prepare (api_db (api),
        "INSERT INTO nas (name, address, site_id, probe_id, sealed, created_us) VALUES (?, ?, ?, nullif (?, 0), ?, ?)");
    int rc = SQLITE_ERROR;
    if (stmt) {
        sqlite3_bind_text (stmt, 1, name, -1, SQLITE_STATIC);
        sqlite3_bind_text (stmt, 2, address, -1, SQLITE_STATIC);
        sqlite3_bind_int64 (stmt, 3, site_id);
        sqlite3_bind_int64 (stmt, 4, probe_id);
        sqlite3_bind_blob (stmt, 5, sealed, (int) size, SQLITE_STATIC);
        sqlite3_bind_int64 (stmt, 6, vd_now_us ());
        rc = sqlite3_step (stmt);
    }
    sqlite3_finalize (stmt);
    free (sealed);
    if (rc != SQLITE_DONE)
        return api_fail_db (api, call, "nas");
    api_tell_probes (api, site_id, probe_id);
    json_t *reply = json_pack ("{s:I, s:s, s:s, s:s, s:o}", "id", (json_int_t) sqlite3_last_insert_rowid (api_db (api)),
                               "name", name, "address", address, "site", api_str (call, "site"),
                               "probe", probe? json_string (probe): json_null ());
    api_audit (api, call, json_deep_copy (reply));
    return reply;
}

static json_t *
op_nas_list (api_t *api, api_call_t *call)
{
    (void) call;
    sqlite3_stmt *stmt = vd_db_prepare (api_db (api),
        "SELECT n.name, n.address, s.name, p.name, n.created_us, "
        "  (SELECT count (*) FROM ppp_session x WHERE x.nas_id = n.id AND x.state = 'active'), "
        "  (SELECT max (x.last_us) FROM ppp_session x WHERE x.nas_id = n.id) "
        "FROM nas n JOIN site s ON s.id = n.site_id LEFT JOIN probe p ON p.id = n.probe_id "
        "WHERE in_scope (n.site_id) ORDER BY n.name");
    if (!stmt)
        return api_fail_db (api, call, "nas");
    json_t *list = json_array ();
    while (sqlite3_step (stmt) == SQLITE_ROW)
        json_array_append_new (list, json_pack ("{s:s, s:s, s:s, s:o, s:I, s:I, s:o}",
            "name", sqlite3_column_text (stmt, 0), "address", sqlite3_column_text (stmt, 1),
            "site", sqlite3_column_text (stmt, 2), "probe", api_column_text (stmt, 3),
            "created_us", (json_int_t) sqlite3_column_int64 (stmt, 4),
            "active", (json_int_t) sqlite3_column_int64 (stmt, 5), "last_us", api_column_int (stmt, 6)));
    sqlite3_finalize (stmt);
    return list;
}

static json_t *
op_nas_remove (api_t *api, api_call_t *call)
{
    const char *name = api_str (call, "name");
    sqlite3_stmt *stmt = vd_db_prepare (api_db (api), "SELECT id, site_id, coalesce (probe_id, 0) FROM nas WHERE name = ?");
    int64_t id = 0, site_id = 0, probe_id = 0;
    if (stmt) {
        sqlite3_bind_text (stmt, 1, name, -1, SQLITE_STATIC);
        if (sqlite3_step (stmt) == SQLITE_ROW) {
            id = sqlite3_column_int64 (stmt, 0);
            site_id = sqlite3_column_int64 (stmt, 1);
            probe_id = sqlite3_column_int64 (stmt, 2);
        }
    }
    sqlite3_finalize (stmt);
    if (!id || !api_site_allowed (api, site_id))
        return api_fail (call, "not_found", "no NAS '%s'", name);
    //  the IP history is kept for as long as retention says, not as long
    //  as the NAS is configured
    char sql [96];
    snprintf (sql, sizeof sql, "SELECT count (*) FROM ppp_session WHERE nas_id = %lld", (long long) id);
    int64_t sessions = vd_db_int (api_db (api), sql, 0);
    if (sessions)
        return api_fail (call, "conflict", "NAS '%s' has %lld sessions in the IP history; they are kept",
                         name, (long long) sessions);
    if (vd_db_run (api_db (api), "DELETE FROM nas WHERE id = ?", "i", id))
        return api_fail_db (api, call, "nas");
    api_tell_probes (api, site_id, probe_id);
    json_t *reply = json_pack ("{s:s}", "name", name);
    api_audit (api, call, json_deep_copy (reply));
    return reply;
}

const api_op_t op_nas_ops [] = {
    { "nas.add",        "admin",    "name:n! address:s! site:n! probe:n secret:p!", op_nas_add,
      "adds a NAS whose RADIUS accounting the site's probes (or one) receive, with its shared secret" },
    { "nas.list",       "viewer",   "", op_nas_list,
      "the NASes: address, site, probe, active sessions, last record" },
    { "nas.remove",     "admin",    "name:n!", op_nas_remove,
      "removes a NAS that has no sessions in the IP history" },
    { NULL }
};
