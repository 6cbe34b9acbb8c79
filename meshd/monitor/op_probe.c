/*  meshd/monitor/op_probe.c: enrollment, listing and revocation of probes.

    probe.enroll makes a CURVE keypair for the new probe and returns it
    inside a one-time token; only the public key is kept. The probe swaps it
    for its own keypair on first contact (mesh ROTATE), after which the
    token's key opens nothing.                                               */
#include "api/api.h"
#include <unistd.h>

static char *
s_public_endpoint (api_t *api)
{
    vd_config_t *config = api_meshd (api)->config;
    const char *configured = vd_config_str (config, "mesh/public");
    return meshd_dialable (*configured? configured: vd_config_str (config, "mesh/endpoint"));
}

static json_t *
op_probe_enroll (api_t *api, api_call_t *call)
{
    const char *site = api_str (call, "site");
    const char *name = api_str (call, "name");
    const char *endpoint = api_str (call, "endpoint");
    if (endpoint && strncmp (endpoint, "tcp://", 6))
        return api_fail (call, "invalid", "endpoint must be tcp://HOST:PORT");
    int64_t lifetime = api_duration (call, "expires",
                                     vd_config_int (api_meshd (api)->config, "enroll/lifetime"));
    if (lifetime < 0)
        return NULL;
    int64_t site_id = api_find (api, call, "site", site);
    if (!site_id)
        return NULL;

    zcert_t *cert = zcert_new ();
    vd_token_t token;
    memset (&token, 0, sizeof token);
    char *public_endpoint = endpoint? strdup (endpoint): s_public_endpoint (api);
    snprintf (token.endpoint, sizeof token.endpoint, "%s", public_endpoint);
    free (public_endpoint);
    snprintf (token.server_key, sizeof token.server_key, "%s", zcert_public_txt (api_meshd (api)->cert));
    snprintf (token.public_key, sizeof token.public_key, "%s", zcert_public_txt (cert));
    snprintf (token.secret_key, sizeof token.secret_key, "%s", zcert_secret_txt (cert));
    snprintf (token.name, sizeof token.name, "%s", name);
    snprintf (token.site, sizeof token.site, "%s", site);
    token.expires_us = vd_now_us () + lifetime * 1000;
    zcert_destroy (&cert);

    sqlite3_stmt *stmt = vd_db_prepare (api_db (api),
        "INSERT INTO probe (name, site_id, public_key, state, token_expires_us, created_us) "
        "VALUES (?, ?, ?, 'enrolling', ?, ?)");
    int rc = SQLITE_ERROR;
    if (stmt) {
        sqlite3_bind_text (stmt, 1, name, -1, SQLITE_STATIC);
        sqlite3_bind_int64 (stmt, 2, site_id);
        sqlite3_bind_text (stmt, 3, token.public_key, -1, SQLITE_STATIC);
        sqlite3_bind_int64 (stmt, 4, token.expires_us);
        sqlite3_bind_int64 (stmt, 5, vd_now_us ());
        rc = sqlite3_step (stmt);
    }
    sqlite3_finalize (stmt);
    if (rc != SQLITE_DONE) {
        vd_token_wipe (&token);
        return api_fail_db (api, call, "probe");
    }
    int64_t id = sqlite3_last_insert_rowid (api_db (api));
    char *text = vd_token_encode (&token);
    vd_token_wipe (&token);
    api_audit (api, call, json_pack ("{s:s, s:s, s:s}", "probe", name, "site", site,
                                     "endpoint", token.endpoint));
    api_event (api, "probe.enrolled", site_id, json_pack ("{s:s, s:s}", "probe", name, "site", site));
    json_t *result = json_pack ("{s:I, s:s, s:s, s:s, s:s, s:I}", "id", (json_int_t) id,
        "name", name, "site", site, "token", text, "endpoint", token.endpoint,
        "expires_us", (json_int_t) token.expires_us);
    vd_secret_free (&text);
    return result;
}

static json_t *
op_probe_list (api_t *api, api_call_t *call)
{
    sqlite3_stmt *stmt = vd_db_prepare (api_db (api),
        "SELECT p.id, p.name, s.name, p.state, p.link, p.last_seen_us, p.backlog, "
        "  coalesce (p.version, ''), p.last_seq, p.public_key, "
        "  (SELECT count(*) FROM device d WHERE d.probe_id = p.id), p.listen, "
        "  p.clock, p.clock_offset_us, p.rtt_us, p.peer_address, p.drops, "
        "  (SELECT coalesce (sum (n.value), 0) FROM json_each (coalesce (p.drops, '{}')) n) "
        "FROM probe p JOIN site s ON s.id = p.site_id "
        "WHERE in_scope (s.id) AND (?1 IS NULL OR s.name = ?1) ORDER BY p.name");
    if (!stmt)
        return api_fail (call, "internal", "database error");
    const char *site = api_str (call, "site");
    if (site)
        sqlite3_bind_text (stmt, 1, site, -1, SQLITE_STATIC);
    json_t *list = json_array ();
    while (sqlite3_step (stmt) == SQLITE_ROW) {
        json_t *probe = json_pack ("{s:I, s:s, s:s, s:s, s:s, s:I, s:s, s:I, s:I}",
            "id", (json_int_t) sqlite3_column_int64 (stmt, 0),
            "name", sqlite3_column_text (stmt, 1),
            "site", sqlite3_column_text (stmt, 2),
            "state", sqlite3_column_text (stmt, 3),
            "link", sqlite3_column_text (stmt, 4),
            "backlog", (json_int_t) sqlite3_column_int64 (stmt, 6),
            "version", sqlite3_column_text (stmt, 7),
            "last_seq", (json_int_t) sqlite3_column_int64 (stmt, 8),
            "devices", (json_int_t) sqlite3_column_int64 (stmt, 10));
        json_object_set_new (probe, "last_seen_us", sqlite3_column_type (stmt, 5) == SQLITE_NULL
                             ? json_null (): json_integer (sqlite3_column_int64 (stmt, 5)));
        json_object_set_new (probe, "public_key", sqlite3_column_type (stmt, 9) == SQLITE_NULL
                             ? json_null (): json_string ((const char *) sqlite3_column_text (stmt, 9)));
        json_t *listen = sqlite3_column_type (stmt, 11) == SQLITE_NULL? NULL
                       : json_loads ((const char *) sqlite3_column_text (stmt, 11), 0, NULL);
        json_object_set_new (probe, "listen", listen? listen: json_null ());
        json_object_set_new (probe, "clock", api_column_text (stmt, 12));
        json_object_set_new (probe, "clock_offset_us", api_column_int (stmt, 13));
        json_object_set_new (probe, "rtt_us", api_column_int (stmt, 14));
        json_object_set_new (probe, "peer_address", api_column_text (stmt, 15));
        json_t *drops = sqlite3_column_type (stmt, 16) == SQLITE_NULL? NULL
                      : json_loads ((const char *) sqlite3_column_text (stmt, 16), 0, NULL);
        json_object_set_new (probe, "drops", drops? drops: json_null ());
        json_object_set_new (probe, "dropped", json_integer (sqlite3_column_int64 (stmt, 17)));
        json_array_append_new (list, probe);
    }
    sqlite3_finalize (stmt);
    return list;
}

static json_t *
op_probe_mesh (api_t *api, api_call_t *call)
{
    sqlite3_stmt *stmt = vd_db_prepare (api_db (api),
        "SELECT f.name, t.name, fs.name, ts.name, f.link, x.sent, x.received, x.loss_pct, "
        "  x.rtt_ms, x.rtt_min_ms, x.rtt_max_ms, x.jitter_ms, x.updated_us "
        "FROM probe_path x JOIN probe f ON f.id = x.from_id JOIN probe t ON t.id = x.to_id "
        "JOIN site fs ON fs.id = f.site_id JOIN site ts ON ts.id = t.site_id "
        "WHERE in_scope (fs.id) AND f.state = 'active' AND t.state = 'active' "
        "  AND (?1 IS NULL OR fs.name = ?1 OR ts.name = ?1) "
        "  AND (?2 IS NULL OR f.name = ?2 OR t.name = ?2) "
        "ORDER BY f.name, t.name");
    if (!stmt)
        return api_fail (call, "internal", "database error");
    const char *site = api_str (call, "site");
    const char *probe = api_str (call, "probe");
    if (site)
        sqlite3_bind_text (stmt, 1, site, -1, SQLITE_STATIC);
    if (probe)
        sqlite3_bind_text (stmt, 2, probe, -1, SQLITE_STATIC);
    json_t *list = json_array ();
    while (sqlite3_step (stmt) == SQLITE_ROW) {
        //  what the measuring probe said last is stale once it is not connected
        double loss = sqlite3_column_double (stmt, 7);
        const char *state = !streq ((const char *) sqlite3_column_text (stmt, 4), "connected")? "stale"
                          : loss >= 100? "down": loss > 0? "loss": "ok";
        json_t *path = json_pack ("{s:s, s:s, s:s, s:s, s:s, s:I, s:I, s:f, s:I}",
            "from", sqlite3_column_text (stmt, 0), "to", sqlite3_column_text (stmt, 1),
            "from_site", sqlite3_column_text (stmt, 2), "to_site", sqlite3_column_text (stmt, 3),
            "state", state,
            "sent", (json_int_t) sqlite3_column_int64 (stmt, 5),
            "received", (json_int_t) sqlite3_column_int64 (stmt, 6),
            "loss_pct", loss, "updated_us", (json_int_t) sqlite3_column_int64 (stmt, 12));
        json_object_set_new (path, "rtt_ms", api_column_real (stmt, 8));
        json_object_set_new (path, "rtt_min_ms", api_column_real (stmt, 9));
        json_object_set_new (path, "rtt_max_ms", api_column_real (stmt, 10));
        json_object_set_new (path, "jitter_ms", api_column_real (stmt, 11));
        json_array_append_new (list, path);
    }
    sqlite3_finalize (stmt);
    return list;
}

static json_t *
op_probe_revoke (api_t *api, api_call_t *call)
{
    const char *name = api_str (call, "name");
    int64_t id = api_find (api, call, "probe", name);
    if (!id)
        return NULL;
    char sql [64];
    snprintf (sql, sizeof sql, "SELECT site_id FROM probe WHERE id = %lld", (long long) id);
    int64_t site_id = vd_db_int (api_db (api), sql, 0);
    sqlite3_stmt *stmt = vd_db_prepare (api_db (api),
        "UPDATE probe SET state = 'revoked', public_key = NULL, token_expires_us = NULL, "
        "link = 'lost' WHERE id = ? AND state != 'revoked'");
    int rc = SQLITE_ERROR;
    if (stmt) {
        sqlite3_bind_int64 (stmt, 1, id);
        rc = sqlite3_step (stmt);
    }
    sqlite3_finalize (stmt);
    if (rc != SQLITE_DONE)
        return api_fail_db (api, call, "probe");
    if (sqlite3_changes (api_db (api)) == 0)
        return api_fail (call, "conflict", "probe '%s' is already revoked", name);
    //  the key is gone from the database (ZAP refuses it from now on); the
    //  mesh actor closes the live session
    api_tell_mesh (api, "REVOKE", id);
    api_audit (api, call, json_pack ("{s:s}", "probe", name));
    api_event (api, "probe.revoked", site_id, json_pack ("{s:s}", "probe", name));
    return json_pack ("{s:I, s:s, s:s}", "id", (json_int_t) id, "name", name, "state", "revoked");
}

const api_op_t op_probe_ops [] = {
    { "probe.enroll",   "admin",    "site:n! name:n! endpoint:s expires:d", op_probe_enroll,
      "makes a one-time join token for a new probe" },
    { "probe.list",     "viewer",   "site:n", op_probe_list,
      "lists probes: state, link, last seen, backlog, version" },
    { "probe.mesh",     "viewer",   "site:n probe:n", op_probe_mesh,
      "the paths between probes as each measured them last: round trip, loss, jitter" },
    { "probe.revoke",   "admin",    "name:n!", op_probe_revoke,
      "revokes a probe's key and closes its session" },
    { NULL }
};
