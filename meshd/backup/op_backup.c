/*  meshd/backup/op_backup.c: configuration backups (backup.*). Listings
    and status cost what the device's own history costs (an index on
    device and version); texts and diffs are for operators and admins, as
    the configurations hold what the models do not hide.                  */
#include "api/api.h"
#include "backup/backup.h"

#define DIFF_CONTEXT_MAX    1000
#define GREP_MAX            10000   //  lines a grep returns at most

//  The device named in "device", backed up or not; 0 with the call failed
static int64_t
s_device (api_t *api, api_call_t *call)
{
    return api_find (api, call, "device", api_str (call, "device"));
}

//  The probes of the devices whose requested count went up get a CONFIG
static void
s_tell_probes (api_t *api, const char *where, int64_t id)
{
    char *sql = sqlite3_mprintf ("SELECT DISTINCT d.probe_id FROM backup_target t JOIN device d "
                                 "ON d.id = t.device_id WHERE d.probe_id IS NOT NULL AND %s", where);
    sqlite3_stmt *stmt = vd_db_prepare (api_db (api), sql);
    sqlite3_free (sql);
    if (!stmt)
        return;
    sqlite3_bind_int64 (stmt, 1, id);
    while (sqlite3_step (stmt) == SQLITE_ROW)
        api_tell_mesh (api, "CONFIG", sqlite3_column_int64 (stmt, 0));
    sqlite3_finalize (stmt);
}

static json_t *
op_backup_run (api_t *api, api_call_t *call)
{
    const char *device = api_str (call, "device");
    const char *site = api_str (call, "site");
    if (!device == !site)
        return api_fail (call, "invalid", "name a device or a site");
    int64_t id = api_find (api, call, device? "device": "site", device? device: site);
    if (!id)
        return NULL;
    const char *where = device? "t.device_id = ?1": "d.site_id = ?1";
    char *sql = sqlite3_mprintf ("SELECT d.name FROM backup_target t JOIN device d ON d.id = t.device_id "
                                 "WHERE %s ORDER BY d.name", where);
    sqlite3_stmt *stmt = vd_db_prepare (api_db (api), sql);
    sqlite3_free (sql);
    json_t *names = json_array ();
    if (stmt) {
        sqlite3_bind_int64 (stmt, 1, id);
        while (sqlite3_step (stmt) == SQLITE_ROW)
            json_array_append_new (names, json_string ((const char *) sqlite3_column_text (stmt, 0)));
    }
    sqlite3_finalize (stmt);
    if (json_array_size (names) == 0) {
        json_decref (names);
        return api_fail (call, "not_found", "%s %s has no device backed up (vedette device set NAME --backup CRED)",
                         device? "device": "site", device? device: site);
    }
    sql = sqlite3_mprintf ("UPDATE backup_target SET requested = requested + 1 WHERE device_id IN "
                           "(SELECT t.device_id FROM backup_target t JOIN device d ON d.id = t.device_id WHERE %s)",
                           where);
    int rc = vd_db_run (api_db (api), sql, "i", id);
    sqlite3_free (sql);
    if (rc) {
        json_decref (names);
        return api_fail_db (api, call, "backup");
    }
    s_tell_probes (api, where, id);
    api_audit (api, call, json_pack ("{s:O}", "devices", names));
    return json_pack ("{s:o, s:I}", "devices", names, "requested_us", (json_int_t) vd_now_us ());
}

static json_t *
op_backup_status (api_t *api, api_call_t *call)
{
    const char *site = api_str (call, "site");
    const char *device = api_str (call, "device");
    int64_t site_id = site? api_find (api, call, "site", site): 0;
    int64_t device_id = device? s_device (api, call): 0;
    if ((site && !site_id) || (device && !device_id))
        return NULL;
    sqlite3_stmt *stmt = vd_db_prepare (api_db (api),
        "SELECT d.name, s.name, d.site_id, t.model, c.name, " BACKUP_EVERY_SQL ", t.last_us, t.last_ok_us, "
        "  t.last_fail_us, t.last_reason, t.last_error, t.last_changed_us, t.fetches, t.failures, "
        "  t.hostkey, t.hostkey_seen, d.sys_object_id, d.sys_descr, t.requested > t.done, "
        "  (SELECT count (*) FROM backup_version v WHERE v.device_id = t.device_id), p.name, "
        "  CASE WHEN t.jump_address IS NULL THEN NULL WHEN t.jump_address LIKE '%:%' "
        "    THEN '[' || t.jump_address || ']:' || t.jump_port ELSE t.jump_address || ':' || t.jump_port END, "
        "  t.jump_hostkey, t.jump_hostkey_seen "
        "FROM backup_target t JOIN device d ON d.id = t.device_id JOIN site s ON s.id = d.site_id "
        "JOIN credential c ON c.id = t.cred_id LEFT JOIN probe p ON p.id = d.probe_id "
        "WHERE (?1 = 0 OR d.site_id = ?1) AND (?2 = 0 OR d.id = ?2) ORDER BY d.name");
    if (!stmt)
        return api_fail_db (api, call, "backup");
    sqlite3_bind_int64 (stmt, 1, site_id);
    sqlite3_bind_int64 (stmt, 2, device_id);
    backup_models_t *models = backup_models_load (api_meshd (api));
    json_t *list = json_array ();
    int64_t now = vd_now_us ();
    while (sqlite3_step (stmt) == SQLITE_ROW) {
        if (!api_site_allowed (api, sqlite3_column_int64 (stmt, 2)))
            continue;
        const char *model = (const char *) sqlite3_column_text (stmt, 3);
        backup_model_t *found = backup_models_pick (models, model, (const char *) sqlite3_column_text (stmt, 16),
                                                    (const char *) sqlite3_column_text (stmt, 17));
        int64_t every = sqlite3_column_int64 (stmt, 5);
        int64_t last_ok = sqlite3_column_int64 (stmt, 7);
        int64_t last = sqlite3_column_int64 (stmt, 6);
        //  ok, failed, pending (never tried, or a run asked for), overdue
        //  (no success within twice its interval), no model
        const char *state = !found? "no_model"
                          : sqlite3_column_int (stmt, 18)? "running"
                          : !last? "pending"
                          : sqlite3_column_type (stmt, 9) != SQLITE_NULL? "failed"
                          : now - last_ok > 2 * every * 1000? "overdue": "ok";
        json_t *row = json_pack ("{s:s, s:s, s:o, s:b, s:s, s:I, s:s, s:o, s:o, s:o, s:o, s:o, s:o, s:I, s:I, s:I, s:o, s:o, s:o,"
                                 " s:o, s:o, s:o}",
            "device", sqlite3_column_text (stmt, 0), "site", sqlite3_column_text (stmt, 1),
            "model", found? json_string (found->name): json_null (), "model_guessed", !model && found,
            "cred", sqlite3_column_text (stmt, 4), "every_ms", (json_int_t) every, "state", state,
            "last_us", api_column_int (stmt, 6), "last_ok_us", api_column_int (stmt, 7),
            "last_fail_us", api_column_int (stmt, 8), "reason", api_column_text (stmt, 9),
            "error", api_column_text (stmt, 10), "last_changed_us", api_column_int (stmt, 11),
            "fetches", (json_int_t) sqlite3_column_int64 (stmt, 12),
            "failures", (json_int_t) sqlite3_column_int64 (stmt, 13),
            "versions", (json_int_t) sqlite3_column_int64 (stmt, 19),
            "hostkey", api_column_text (stmt, 14), "hostkey_seen", api_column_text (stmt, 15),
            "probe", api_column_text (stmt, 20), "jump", api_column_text (stmt, 21),
            "jump_hostkey", api_column_text (stmt, 22), "jump_hostkey_seen", api_column_text (stmt, 23));
        json_array_append_new (list, row);
    }
    sqlite3_finalize (stmt);
    backup_models_destroy (&models);
    return list;
}

static json_t *
op_backup_list (api_t *api, api_call_t *call)
{
    int64_t device_id = s_device (api, call);
    if (!device_id)
        return NULL;
    sqlite3_stmt *stmt = vd_db_prepare (api_db (api),
        "SELECT version, ts_us, size, lines, added, removed, trigger, who FROM backup_version "
        "WHERE device_id = ? ORDER BY version DESC LIMIT ?");
    if (!stmt)
        return api_fail_db (api, call, "backup");
    sqlite3_bind_int64 (stmt, 1, device_id);
    sqlite3_bind_int64 (stmt, 2, api_limit (call));
    json_t *list = json_array ();
    while (sqlite3_step (stmt) == SQLITE_ROW)
        json_array_append_new (list, json_pack ("{s:I, s:I, s:I, s:I, s:I, s:I, s:s, s:o}",
            "version", (json_int_t) sqlite3_column_int64 (stmt, 0),
            "ts_us", (json_int_t) sqlite3_column_int64 (stmt, 1),
            "size", (json_int_t) sqlite3_column_int64 (stmt, 2),
            "lines", (json_int_t) sqlite3_column_int64 (stmt, 3),
            "added", (json_int_t) sqlite3_column_int64 (stmt, 4),
            "removed", (json_int_t) sqlite3_column_int64 (stmt, 5),
            "trigger", sqlite3_column_text (stmt, 6), "who", api_column_text (stmt, 7)));
    sqlite3_finalize (stmt);
    return list;
}

static json_t *
op_backup_show (api_t *api, api_call_t *call)
{
    int64_t device_id = s_device (api, call);
    if (!device_id)
        return NULL;
    int64_t asked = json_integer_value (json_object_get (call->args, "version")), version = 0;
    char *text = backup_text (api_db (api), api_master_key (api), device_id, asked, &version);
    if (!text)
        return version? api_fail (call, "internal", "version %lld does not open (see meshd's log)", (long long) version)
                      : api_fail (call, "not_found", asked? "no version %lld of %s": "%s has no backup yet",
                                  asked? (long long) asked: 0, api_str (call, "device"));
    json_t *reply = json_pack ("{s:s, s:I, s:s}", "device", api_str (call, "device"),
                               "version", (json_int_t) version, "text", text);
    backup_text_free (&text);
    return reply;
}

static json_t *
op_backup_diff (api_t *api, api_call_t *call)
{
    int64_t device_id = s_device (api, call);
    if (!device_id)
        return NULL;
    const char *device = api_str (call, "device");
    int64_t to = json_integer_value (json_object_get (call->args, "to"));
    int64_t from = json_integer_value (json_object_get (call->args, "from"));
    json_t *context = json_object_get (call->args, "context");
    if (context && (json_integer_value (context) < 0 || json_integer_value (context) > DIFF_CONTEXT_MAX))
        return api_fail (call, "invalid", "context is 0 to %d lines", DIFF_CONTEXT_MAX);
    int64_t found_to = 0, found_from = 0;
    char *b = backup_text (api_db (api), api_master_key (api), device_id, to, &found_to);
    if (!b) {
        if (found_to)
            return api_fail (call, "internal", "version %lld does not open (see meshd's log)", (long long) found_to);
        return api_fail (call, "not_found", to? "no version %lld of %s": "%s has no backup yet",
                         to? (long long) to: 0, device);
    }
    //  from: the version before "to" unless named; the first has nothing before it
    if (!from)
        from = found_to - 1;
    char *a = from > 0? backup_text (api_db (api), api_master_key (api), device_id, from, &found_from): strdup ("");
    if (!a) {
        backup_text_free (&b);
        return api_fail (call, found_from? "internal": "not_found", "no version %lld of %s", (long long) from, device);
    }
    char a_name [300], b_name [300];
    snprintf (a_name, sizeof a_name, "%s@%lld", device, (long long) from);
    snprintf (b_name, sizeof b_name, "%s@%lld", device, (long long) found_to);
    int64_t added = 0, removed = 0;
    backup_diff_stats (a, b, &added, &removed);
    char *diff = backup_diff (a, b, a_name, b_name, context? (int) json_integer_value (context): 3);
    backup_text_free (&a);
    backup_text_free (&b);
    if (!diff)
        return api_fail (call, "internal", "the diff failed (see meshd's log)");
    json_t *reply = json_pack ("{s:s, s:I, s:I, s:I, s:I, s:s}", "device", device,
        "from", (json_int_t) from, "to", (json_int_t) found_to, "added", (json_int_t) added,
        "removed", (json_int_t) removed, "diff", diff);
    backup_text_free (&diff);
    return reply;
}

//  backup.grep: the lines of the latest version of every device the caller
//  sees (of a site) that match a pattern, at most GREP_MAX in all
static json_t *
op_backup_grep (api_t *api, api_call_t *call)
{
    const char *pattern = api_str (call, "pattern");
    const char *site = api_str (call, "site");
    int64_t site_id = site? api_find (api, call, "site", site): 0;
    if (site && !site_id)
        return NULL;
    regex_t regex;
    int rc = regcomp (&regex, pattern, REG_EXTENDED | REG_NOSUB
                      | (json_is_true (json_object_get (call->args, "ignore_case"))? REG_ICASE: 0));
    if (rc) {
        char reason [160];
        regerror (rc, &regex, reason, sizeof reason);
        return api_fail (call, "invalid", "pattern: %s", reason);
    }
    sqlite3_stmt *stmt = vd_db_prepare (api_db (api),
        "SELECT d.id, d.name, d.site_id FROM device d WHERE (?1 = 0 OR d.site_id = ?1) "
        "AND EXISTS (SELECT 1 FROM backup_version v WHERE v.device_id = d.id) ORDER BY d.name");
    if (!stmt) {
        regfree (&regex);
        return api_fail_db (api, call, "backup");
    }
    sqlite3_bind_int64 (stmt, 1, site_id);
    json_t *lines = json_array ();
    int64_t devices = 0, matched = 0;
    bool truncated = false;
    while (sqlite3_step (stmt) == SQLITE_ROW && !truncated) {
        if (!api_site_allowed (api, sqlite3_column_int64 (stmt, 2)))
            continue;
        int64_t version = 0;
        char *text = backup_text (api_db (api), api_master_key (api), sqlite3_column_int64 (stmt, 0), 0, &version);
        devices++;
        bool any = false;
        int64_t number = 0;
        for (char *line = text, *next; line && *line; line = next) {
            char *end = strchr (line, '\n');
            next = end? end + 1: line + strlen (line);
            if (end)
                *end = 0;
            number++;
            if (regexec (&regex, line, 0, NULL, 0) == 0) {
                if (json_array_size (lines) >= GREP_MAX) {
                    truncated = true;
                    break;
                }
                json_array_append_new (lines, json_pack ("{s:s, s:I, s:I, s:s}",
                    "device", sqlite3_column_text (stmt, 1), "version", (json_int_t) version,
                    "line", (json_int_t) number, "text", line));
                any = true;
            }
        }
        matched += any;
        backup_text_free (&text);
    }
    sqlite3_finalize (stmt);
    regfree (&regex);
    return json_pack ("{s:o, s:I, s:I, s:b}", "lines", lines, "devices", (json_int_t) devices,
                      "matched", (json_int_t) matched, "truncated", truncated);
}

static json_t *
op_backup_models (api_t *api, api_call_t *call)
{
    backup_models_t *models = backup_models_load (api_meshd (api));
    json_t *list = json_array ();
    for (backup_model_t *model = backup_models_first (models); model; model = backup_models_next (models))
        json_array_append_new (list, json_pack ("{s:s, s:o, s:o, s:s, s:o}", "name", model->name,
            "description", model->model && model->model->description? json_string (model->model->description): json_null (),
            "mode", model->model? json_string (model->model->exec? "exec": "shell"): json_null (),
            "source", model->source, "error", model->error? json_string (model->error): json_null ()));
    backup_models_destroy (&models);
    return list;
}

static json_t *
op_backup_accept (api_t *api, api_call_t *call)
{
    int64_t device_id = s_device (api, call);
    if (!device_id)
        return NULL;
    sqlite3_stmt *stmt = vd_db_prepare (api_db (api),
        "SELECT hostkey, hostkey_seen, jump_hostkey, jump_hostkey_seen FROM backup_target WHERE device_id = ?");
    //  the device's and the jump host's: pinned, seen
    char keys [4][128] = { "", "", "", "" };
    if (stmt) {
        sqlite3_bind_int64 (stmt, 1, device_id);
        if (sqlite3_step (stmt) == SQLITE_ROW)
            for (int column = 0; column < 4; column++)
                snprintf (keys [column], sizeof keys [column], "%s", sqlite3_column_text (stmt, column)
                          ? (const char *) sqlite3_column_text (stmt, column): "");
    }
    sqlite3_finalize (stmt);
    if (!*keys [1] && !*keys [3])
        return api_fail (call, "conflict", "%s has shown no other host key%s%s", api_str (call, "device"),
                         *keys [0]? ": pinned is ": "", keys [0]);
    if (vd_db_run (api_db (api), "UPDATE backup_target SET hostkey = coalesce (hostkey_seen, hostkey), "
                   "  hostkey_seen = NULL, jump_hostkey = coalesce (jump_hostkey_seen, jump_hostkey), "
                   "  jump_hostkey_seen = NULL, requested = requested + 1 WHERE device_id = ?", "i", device_id))
        return api_fail_db (api, call, "backup");
    s_tell_probes (api, "t.device_id = ?1", device_id);
    json_t *reply = json_pack ("{s:s}", "device", api_str (call, "device"));
    if (*keys [1])
        json_object_update_new (reply, json_pack ("{s:s, s:s}", "hostkey", keys [1], "previous", keys [0]));
    if (*keys [3])
        json_object_update_new (reply, json_pack ("{s:s, s:s}", "jump_hostkey", keys [3], "jump_previous", keys [2]));
    api_audit (api, call, json_deep_copy (reply));
    return reply;
}

//  A site's backup interval, for its devices that have none of their own;
//  none: back to each device's own or the default
static json_t *
op_backup_schedule (api_t *api, api_call_t *call)
{
    const char *site = api_str (call, "site");
    bool none = json_is_true (json_object_get (call->args, "none"));
    int64_t every = json_object_get (call->args, "every")? api_duration (call, "every", 0): 0;
    if (call->error)
        return NULL;
    if (!every == !none)
        return api_fail (call, "invalid", "every or none, one of them");
    if (every && every < 60000)
        return api_fail (call, "invalid", "every is at least 1m");
    int64_t site_id = api_find (api, call, "site", site);
    if (!site_id)
        return NULL;
    if (!api_site_allowed (api, site_id))
        return api_fail (call, "forbidden", "site '%s' is outside your scope", site);
    int rc = none? vd_db_run (api_db (api), "DELETE FROM backup_site WHERE site_id = ?", "i", site_id)
                 : vd_db_run (api_db (api), "INSERT INTO backup_site (site_id, every_ms) VALUES (?1, ?2) "
                              "ON CONFLICT (site_id) DO UPDATE SET every_ms = ?2", "ii", site_id, every);
    if (rc)
        return api_fail_db (api, call, "backup");
    s_tell_probes (api, "d.site_id = ?1", site_id);
    char sql [160];
    snprintf (sql, sizeof sql, "SELECT count (*) FROM backup_target t JOIN device d ON d.id = t.device_id "
              "WHERE d.site_id = %lld AND NOT t.every_own", (long long) site_id);
    json_t *reply = json_pack ("{s:s, s:o, s:I}", "site", site, "every_ms", every? json_integer (every): json_null (),
                               "devices", (json_int_t) vd_db_int (api_db (api), sql, 0));
    api_audit (api, call, json_deep_copy (reply));
    return reply;
}

const api_op_t op_backup_ops [] = {
    { "backup.run",     "operator", "device:n site:n", op_backup_run,
      "backs up a device, or every device of a site, now" },
    { "backup.status",  "viewer",   "site:n device:n", op_backup_status,
      "each backed-up device: model, last attempt, success and failure with why, versions" },
    { "backup.list",    "viewer",   "device:n! limit:i", op_backup_list,
      "a device's versions, newest first: time, size, lines added and removed, trigger, who" },
    { "backup.show",    "operator", "device:n! version:i", op_backup_show,
      "a version's text (the latest unless named)" },
    { "backup.diff",    "operator", "device:n! from:i to:i context:i", op_backup_diff,
      "a unified diff between two versions (the latest and the one before unless named)" },
    { "backup.grep",    "operator", "pattern:s! site:n ignore_case:b", op_backup_grep,
      "the lines matching a pattern in the latest version of every device (of a site)" },
    { "backup.models",  "viewer",   "", op_backup_models,
      "the backup models: shipped, and the operator's in models/dir, with any error" },
    { "backup.accept",  "operator", "device:n!", op_backup_accept,
      "accepts the host key a device now shows, after it changed, and backs it up" },
    { "backup.schedule", "operator", "site:n! every:d none:b", op_backup_schedule,
      "sets how often a site's devices are backed up, those without an interval of their own" },
    { NULL }
};
