/*  meshd/api/op_audit.c: the audit log (audit.list): who changed what,
    when and from where. Every operation that changes something writes its
    row with api_audit, in the same transaction as the change.             */
#include "api/api.h"

static json_t *
op_audit_list (api_t *api, api_call_t *call)
{
    bool ok;
    int64_t since = api_time (call, "since", vd_now_us () - 7 * 86400 * 1000000LL, &ok);
    int64_t until = ok? api_time (call, "until", INT64_MAX, &ok): 0;
    int64_t limit = ok? api_limit (call): -1;
    if (limit < 0)
        return NULL;
    const char *user = api_str (call, "user");
    const char *op = api_str (call, "op");
    //  the newest `limit` entries, shown oldest first
    sqlite3_stmt *stmt = vd_db_prepare (api_db (api),
        "SELECT * FROM (SELECT id, ts_us, user, origin, op, detail FROM audit "
        "  WHERE ts_us >= ?1 AND ts_us <= ?2 AND (?3 IS NULL OR user = ?3) "
        "    AND (?4 IS NULL OR op = ?4 OR substr (op, 1, length (?4) + 1) = ?4 || '.') "
        "  ORDER BY id DESC LIMIT ?5) ORDER BY id");
    if (!stmt)
        return api_fail (call, "internal", "database error");
    sqlite3_bind_int64 (stmt, 1, since);
    sqlite3_bind_int64 (stmt, 2, until);
    if (user)
        sqlite3_bind_text (stmt, 3, user, -1, SQLITE_STATIC);
    if (op)
        sqlite3_bind_text (stmt, 4, op, -1, SQLITE_STATIC);
    sqlite3_bind_int64 (stmt, 5, limit);
    json_t *list = json_array ();
    while (sqlite3_step (stmt) == SQLITE_ROW) {
        json_t *detail = json_loads ((const char *) sqlite3_column_text (stmt, 5), 0, NULL);
        json_array_append_new (list, json_pack ("{s:I, s:I, s:s, s:s, s:s, s:o}",
            "id", (json_int_t) sqlite3_column_int64 (stmt, 0),
            "ts_us", (json_int_t) sqlite3_column_int64 (stmt, 1),
            "user", sqlite3_column_text (stmt, 2),
            "origin", sqlite3_column_text (stmt, 3),
            "op", sqlite3_column_text (stmt, 4),
            "detail", detail? detail: json_object ()));
    }
    sqlite3_finalize (stmt);
    return list;
}

const api_op_t op_audit_ops [] = {
    { "audit.list",     "admin",    "since:t until:t user:n op:s limit:i", op_audit_list,
      "reads the audit log: who changed what, when, from where" },
    { NULL }
};
