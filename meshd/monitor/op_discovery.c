/*  meshd/monitor/op_discovery.c: discoveries (discovery.*).

    discovery.add stores a discovery and asks its first run; the site's
    probe gets it in its CONFIG (core/mesh.c) with the credentials of its
    ladder, sweeps, and reports (discovery.c). A rediscovery period makes
    the probe run it again every so often; discovery.run asks a run now.  */
#include "api/api.h"
#include "monitor/monitor.h"

#define DISCOVER_MAX_HOSTS      65536       //  per discovery, all targets together
#define DISCOVER_MIN_EVERY      60000

//  Checks a list of CIDRs; returns the addresses they hold, or -1
static int64_t
s_cidrs (api_call_t *call, const char *arg)
{
    json_t *list = json_object_get (call->args, arg);
    size_t index;
    json_t *item;
    uint64_t total = 0;
    json_array_foreach (list, index, item) {
        vd_cidr_t cidr;
        if (vd_cidr_parse (json_string_value (item), &cidr)) {
            api_fail (call, "invalid", "'%s' is not a network such as 198.51.100.0/24",
                      json_string_value (item));
            return -1;
        }
        uint64_t size = vd_cidr_size (&cidr);
        total = size > DISCOVER_MAX_HOSTS? DISCOVER_MAX_HOSTS + 1: total + size;
    }
    return (int64_t) total;
}

static json_t *
op_discovery_add (api_t *api, api_call_t *call)
{
    sqlite3 *db = api_db (api);
    const char *site = api_str (call, "site");
    int64_t site_id = api_find (api, call, "site", site);
    if (!site_id)
        return NULL;
    int64_t hosts = s_cidrs (call, "targets");
    if (hosts < 0 || s_cidrs (call, "exclude") < 0)
        return NULL;
    if (hosts == 0)
        return api_fail (call, "invalid", "give at least one network to sweep");
    if (hosts > DISCOVER_MAX_HOSTS)
        return api_fail (call, "invalid", "at most %d addresses per discovery (a /16)", DISCOVER_MAX_HOSTS);
    int64_t every = api_duration (call, "every", 0);
    int64_t interval = api_duration (call, "snmp_interval", SNMP_DEFAULT_INTERVAL);
    if (every < 0 || interval < 0)
        return NULL;
    if (every && every < DISCOVER_MIN_EVERY)
        return api_fail (call, "invalid", "every must be at least %ds", DISCOVER_MIN_EVERY / 1000);
    if (interval < 1000)
        return api_fail (call, "invalid", "snmp_interval must be at least 1s");
    json_t *creds = json_object_get (call->args, "cred");
    size_t index;
    json_t *item;
    json_array_foreach (creds, index, item) {
        char *sql = sqlite3_mprintf ("SELECT id FROM credential WHERE name = %Q AND kind = 'snmp'",
                                     json_string_value (item));
        int64_t id = vd_db_int (db, sql, 0);
        sqlite3_free (sql);
        if (!id)
            return api_fail (call, "not_found", "no snmp credential '%s' (see cred list)",
                             json_string_value (item));
    }
    int64_t probe_id = api_pick_probe (api, call, site_id);
    if (probe_id < 0)
        return NULL;
    if (!probe_id)
        return api_fail (call, "invalid", "site %s has no probe to sweep from", site);
    json_t *empty = json_array ();
    json_t *exclude = json_object_get (call->args, "exclude");
    char *targets_text = json_dumps (json_object_get (call->args, "targets"), JSON_COMPACT);
    char *exclude_text = json_dumps (exclude? exclude: empty, JSON_COMPACT);
    char *creds_text = json_dumps (creds? creds: empty, JSON_COMPACT);
    bool ping = !json_is_true (json_object_get (call->args, "no_ping"));
    int rc = vd_db_run (db, "INSERT INTO discovery (site_id, probe_id, targets, exclude, creds, ping, "
                            "interval_ms, every_ms, created_us) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                        "iisssiiii", site_id, probe_id, targets_text, exclude_text, creds_text,
                        (int64_t) ping, interval, every, vd_now_us ());
    int64_t id = sqlite3_last_insert_rowid (db);
    free (targets_text);
    free (exclude_text);
    free (creds_text);
    if (rc) {
        json_decref (empty);
        return api_fail_db (api, call, "discovery");
    }
    api_tell_mesh (api, "CONFIG", probe_id);
    json_t *result = json_pack ("{s:I, s:s, s:O, s:O, s:O, s:b, s:I, s:I}",
        "id", (json_int_t) id, "site", site,
        "targets", json_object_get (call->args, "targets"), "exclude", exclude? exclude: empty,
        "creds", creds? creds: empty, "ping", ping, "every_ms", (json_int_t) every,
        "addresses", (json_int_t) hosts);
    json_decref (empty);
    api_audit (api, call, json_deep_copy (result));
    return result;
}

static json_t *
s_discovery (sqlite3_stmt *stmt, bool hosts)
{
    int64_t requested = sqlite3_column_int64 (stmt, 8), done = sqlite3_column_int64 (stmt, 9);
    json_t *row = json_pack ("{s:I, s:s, s:o, s:o, s:o, s:o, s:b, s:I, s:s, s:I}",
        "id", (json_int_t) sqlite3_column_int64 (stmt, 0),
        "site", sqlite3_column_text (stmt, 1),
        "probe", api_column_text (stmt, 2),
        "targets", json_loads ((const char *) sqlite3_column_text (stmt, 3), 0, NULL),
        "exclude", json_loads ((const char *) sqlite3_column_text (stmt, 4), 0, NULL),
        "creds", json_loads ((const char *) sqlite3_column_text (stmt, 5), 0, NULL),
        "ping", sqlite3_column_int (stmt, 6),
        "every_ms", (json_int_t) sqlite3_column_int64 (stmt, 7),
        "state", requested > done? "running": "done",
        "runs", (json_int_t) done);
    json_object_set_new (row, "last_us", api_column_int (stmt, 10));
    json_t *result = sqlite3_column_type (stmt, 11) == SQLITE_NULL? NULL
                   : json_loads ((const char *) sqlite3_column_text (stmt, 11), 0, NULL);
    if (json_is_object (result)) {
        static const char *figures [] = { "swept", "alive", "seconds", "added", "updated", "aliases", NULL };
        for (int i = 0; figures [i]; i++)
            json_object_set (row, figures [i], json_object_get (result, figures [i]));
        json_t *list = json_object_get (result, "hosts");
        if (hosts)
            json_object_set (row, "hosts", list);
        json_object_set_new (row, "found", json_integer ((json_int_t) json_array_size (list)));
    }
    json_decref (result);
    return row;
}

#define DISCOVERY_ROWS "SELECT d.id, s.name, p.name, d.targets, d.exclude, d.creds, d.ping, d.every_ms, " \
                       "  d.requested, d.done, d.last_us, d.result, d.site_id, d.probe_id " \
                       "FROM discovery d JOIN site s ON s.id = d.site_id LEFT JOIN probe p ON p.id = d.probe_id "

static json_t *
op_discovery_list (api_t *api, api_call_t *call)
{
    sqlite3_stmt *stmt = vd_db_prepare (api_db (api),
        DISCOVERY_ROWS "WHERE (?1 IS NULL OR s.name = ?1) AND in_scope (s.id) ORDER BY d.id");
    if (!stmt)
        return api_fail (call, "internal", "database error");
    const char *site = api_str (call, "site");
    if (site)
        sqlite3_bind_text (stmt, 1, site, -1, SQLITE_STATIC);
    json_t *list = json_array ();
    while (sqlite3_step (stmt) == SQLITE_ROW)
        json_array_append_new (list, s_discovery (stmt, false));
    sqlite3_finalize (stmt);
    return list;
}

//  One discovery the caller may see, positioned on its row; NULL after api_fail
static sqlite3_stmt *
s_find (api_t *api, api_call_t *call)
{
    int64_t id = json_integer_value (json_object_get (call->args, "id"));
    sqlite3_stmt *stmt = vd_db_prepare (api_db (api), DISCOVERY_ROWS "WHERE d.id = ? AND in_scope (s.id)");
    if (!stmt) {
        api_fail (call, "internal", "database error");
        return NULL;
    }
    sqlite3_bind_int64 (stmt, 1, id);
    if (sqlite3_step (stmt) != SQLITE_ROW) {
        sqlite3_finalize (stmt);
        api_fail (call, "not_found", "no discovery %lld", (long long) id);
        return NULL;
    }
    return stmt;
}

static json_t *
op_discovery_show (api_t *api, api_call_t *call)
{
    sqlite3_stmt *stmt = s_find (api, call);
    if (!stmt)
        return NULL;
    json_t *row = s_discovery (stmt, true);
    sqlite3_finalize (stmt);
    return row;
}

//  Changes one discovery by sql (its id bound) and tells its probe
static int64_t
s_change (api_t *api, api_call_t *call, const char *sql)
{
    sqlite3_stmt *stmt = s_find (api, call);
    if (!stmt)
        return 0;
    int64_t id = sqlite3_column_int64 (stmt, 0);
    int64_t probe_id = sqlite3_column_int64 (stmt, 13);
    sqlite3_finalize (stmt);
    if (vd_db_run (api_db (api), sql, "i", id)) {
        api_fail_db (api, call, "discovery");
        return 0;
    }
    if (probe_id)
        api_tell_mesh (api, "CONFIG", probe_id);
    api_audit (api, call, json_pack ("{s:I}", "id", (json_int_t) id));
    return id;
}

static json_t *
op_discovery_run (api_t *api, api_call_t *call)
{
    //  a run already asked is not asked twice
    if (!s_change (api, call, "UPDATE discovery SET requested = done + 1 WHERE id = ?"))
        return NULL;
    return op_discovery_show (api, call);
}

static json_t *
op_discovery_remove (api_t *api, api_call_t *call)
{
    int64_t id = s_change (api, call, "DELETE FROM discovery WHERE id = ?");
    return id? json_pack ("{s:I}", "id", (json_int_t) id): NULL;
}

const api_op_t op_discovery_ops [] = {
    { "discovery.add",  "operator", "site:n! targets:L! exclude:L cred:S every:d probe:n no_ping:b "
                                    "snmp_interval:d", op_discovery_add,
      "sweeps networks from a probe of the site (ICMP, then SNMP with a ladder of credentials) "
      "and adds what it finds; every: rediscovery period" },
    { "discovery.list", "viewer",   "site:n", op_discovery_list,
      "lists discoveries: targets, state, runs, last run's figures" },
    { "discovery.show", "viewer",   "id:i!", op_discovery_show,
      "one discovery with the hosts of its last run" },
    { "discovery.run",  "operator", "id:i!", op_discovery_run,
      "asks a discovery to run again now" },
    { "discovery.remove", "operator", "id:i!", op_discovery_remove,
      "removes a discovery (the devices it added stay)" },
    { NULL }
};
