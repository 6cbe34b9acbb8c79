/*  meshd/notify/op_channel.c: notification channels (channel.*): email over
    SMTP, webhooks, commands. Channels are admin business: an exec channel
    runs a command on the coordinator.                                     */
#include "api/api.h"
#include "alarm/alarm.h"
#include "alarm/maint.h"
#include "alarm/rule.h"

static bool
s_url_has_scheme (const char *url, const char *a, const char *b)
{
    size_t la = strlen (a), lb = strlen (b);
    return strncmp (url, a, la) == 0 || strncmp (url, b, lb) == 0;
}

static json_t *
op_channel_add (api_t *api, api_call_t *call)
{
    const char *name = api_str (call, "name");
    const char *kind = api_str (call, "kind");
    if (!api_unscoped (call))
        return NULL;
    json_t *params = json_object ();
    if (streq (kind, "email")) {
        const char *to = api_str (call, "to"), *smtp = api_str (call, "smtp");
        if (!to || !smtp || !strchr (to, '@'))
            goto needs;
        if (!s_url_has_scheme (smtp, "smtp://", "smtps://")) {
            json_decref (params);
            return api_fail (call, "invalid", "smtp must be an smtp:// or smtps:// URL");
        }
        json_object_set_new (params, "to", json_string (to));
        json_object_set_new (params, "smtp", json_string (smtp));
        if (api_str (call, "from"))
            json_object_set_new (params, "from", json_string (api_str (call, "from")));
    }
    else
    if (streq (kind, "webhook")) {
        const char *url = api_str (call, "url");
        if (!url)
            goto needs;
        if (!s_url_has_scheme (url, "http://", "https://")) {
            json_decref (params);
            return api_fail (call, "invalid", "url must be an http:// or https:// URL");
        }
        json_object_set_new (params, "url", json_string (url));
    }
    else
    if (streq (kind, "exec")) {
        const char *command = api_str (call, "command");
        if (!command)
            goto needs;
        if (*command != '/') {
            json_decref (params);
            return api_fail (call, "invalid", "command must start with an absolute path "
                                              "(it runs without a shell)");
        }
        json_object_set_new (params, "command", json_string (command));
    }
    else {
        json_decref (params);
        return api_fail (call, "invalid", "kind must be email, webhook or exec");
    }
    char *text = json_dumps (params, JSON_COMPACT | JSON_SORT_KEYS);
    sqlite3_stmt *stmt = vd_db_prepare (api_db (api),
        "INSERT INTO channel (name, kind, params, created_us) VALUES (?, ?, ?, ?)");
    int rc = -1;
    if (stmt) {
        sqlite3_bind_text (stmt, 1, name, -1, SQLITE_STATIC);
        sqlite3_bind_text (stmt, 2, kind, -1, SQLITE_STATIC);
        sqlite3_bind_text (stmt, 3, text, -1, SQLITE_STATIC);
        sqlite3_bind_int64 (stmt, 4, vd_now_us ());
        rc = api_step (stmt);
    }
    free (text);
    if (rc) {
        json_decref (params);
        return api_fail_db (api, call, "channel");
    }
    int64_t id = sqlite3_last_insert_rowid (api_db (api));
    api_audit (api, call, json_pack ("{s:s, s:s, s:O}", "channel", name, "kind", kind,
                                     "params", params));
    return json_pack ("{s:I, s:s, s:s, s:o}", "id", (json_int_t) id, "name", name,
                      "kind", kind, "params", params);
needs:
    json_decref (params);
    return api_fail (call, "invalid", "%s channels need %s", kind,
                     streq (kind, "email")? "to (an address) and smtp (a URL)"
                   : streq (kind, "webhook")? "url": "command");
}

static json_t *
op_channel_list (api_t *api, api_call_t *call)
{
    sqlite3_stmt *stmt = vd_db_prepare (api_db (api),
        "SELECT c.id, c.name, c.kind, c.params, c.created_us, "
        "  (SELECT count (*) FROM route r WHERE r.channel_id = c.id OR r.escalate_id = c.id), "
        "  (SELECT count (*) FROM notification n WHERE n.channel_id = c.id AND n.status = 'sent'), "
        "  (SELECT count (*) FROM notification n WHERE n.channel_id = c.id AND n.status = 'failed') "
        "FROM channel c ORDER BY c.name");
    if (!stmt)
        return api_fail (call, "internal", "database error");
    json_t *list = json_array ();
    while (sqlite3_step (stmt) == SQLITE_ROW) {
        json_t *params = json_loads ((const char *) sqlite3_column_text (stmt, 3), 0, NULL);
        json_array_append_new (list, json_pack ("{s:I, s:s, s:s, s:o, s:I, s:I, s:I, s:I}",
            "id", (json_int_t) sqlite3_column_int64 (stmt, 0),
            "name", sqlite3_column_text (stmt, 1),
            "kind", sqlite3_column_text (stmt, 2),
            "params", params? params: json_object (),
            "created_us", (json_int_t) sqlite3_column_int64 (stmt, 4),
            "routes", (json_int_t) sqlite3_column_int64 (stmt, 5),
            "sent", (json_int_t) sqlite3_column_int64 (stmt, 6),
            "failed", (json_int_t) sqlite3_column_int64 (stmt, 7)));
    }
    sqlite3_finalize (stmt);
    return list;
}

static json_t *
op_channel_remove (api_t *api, api_call_t *call)
{
    const char *name = api_str (call, "name");
    if (!api_unscoped (call))
        return NULL;
    int64_t id = api_id (api, "channel", name);
    if (!id)
        return api_fail (call, "not_found", "no channel '%s'", name);
    char sql [96];
    snprintf (sql, sizeof sql, "DELETE FROM channel WHERE id = %lld", (long long) id);
    if (vd_db_exec (api_db (api), sql))
        return api_fail_db (api, call, "channel");
    api_audit (api, call, json_pack ("{s:s}", "channel", name));
    return json_pack ("{s:I, s:s}", "id", (json_int_t) id, "name", name);
}

const api_op_t op_channel_ops [] = {
    { "channel.add",    "admin",    "name:n! kind:n! to:s smtp:s from:s url:s command:s",
      op_channel_add,
      "adds a notification channel: email (SMTP), webhook (HTTP POST) or exec (a command)" },
    { "channel.list",   "viewer",   "", op_channel_list,
      "lists channels with their routes and deliveries" },
    { "channel.remove", "admin",    "name:n!", op_channel_remove,
      "removes a channel and its routes" },
    { NULL }
};
