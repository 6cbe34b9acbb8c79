/*  meshd/accounting/op_ppp.c: who had an address when (ip.history), a
    subscriber's or a NAS's sessions (ppp.sessions) and a subscriber's
    octets per month (ppp.usage). This is personal data:
    operators and admins only, within their sites, and every call is in
    the audit log with what was asked.

    An address or prefix is looked up at each prefix length in use
    (ppp_length: /32 and /128 addresses, /64 and /56 prefixes, a handful):
    the sessions' addresses inside the one asked (a range of the index)
    and the prefixes that hold it (one key each), so a lookup costs a few
    index probes whatever the table's size.

    Each answer says how sure it is: "exact" when the NAS gave its start
    and its stop, else what is known (a start worked out from
    Acct-Session-Time, an end between two times, still active), and what
    it rests on: RADIUS sessions, and beside them the routers' sightings
    of the address at a MAC (ARP, neighbour tables), which answer even
    where no session covers the time.                                    */
#include "api/api.h"
#include "accounting/accounting.h"
#include "report/report.h"

#define SESSION_COLUMNS \
    "s.id, n.name, s.session_id, s.multi_session_id, s.user, s.calling_station, s.called_station, " \
    "s.nas_port, s.nas_port_id, s.start_us, s.start_exact, s.stop_us, s.end_after_us, s.end_before_us, " \
    "s.state, s.closed_by, s.last_us, s.input_octets, s.output_octets, s.terminate_cause, s.late, s.records "

//  How sure the session's bounds are, in words
static json_t *
s_sureness (sqlite3_stmt *stmt)
{
    bool start_exact = sqlite3_column_int (stmt, 10);
    const char *state = (const char *) sqlite3_column_text (stmt, 14);
    char text [200];
    if (streq (state, "stopped"))
        snprintf (text, sizeof text, "%s", start_exact? "exact": "stop exact; start worked out from Acct-Session-Time");
    else
    if (streq (state, "active"))
        snprintf (text, sizeof text, "active%s", start_exact? "": "; start worked out from Acct-Session-Time");
    else
        snprintf (text, sizeof text, "ended in a window (%s)%s", sqlite3_column_text (stmt, 15),
                  start_exact? "": "; start worked out from Acct-Session-Time");
    return json_string (text);
}

static json_t *
s_session (sqlite3_stmt *stmt)
{
    return json_pack ("{s:s, s:s, s:o, s:o, s:o, s:o, s:o, s:o, s:I, s:b, s:o, s:o, s:o, s:s, s:o, s:I, s:I, s:I, "
                      "s:o, s:I, s:I, s:o, s:s}",
        "nas", sqlite3_column_text (stmt, 1), "session_id", sqlite3_column_text (stmt, 2),
        "multi_session_id", api_column_text (stmt, 3), "user", api_column_text (stmt, 4),
        "calling_station", api_column_text (stmt, 5), "called_station", api_column_text (stmt, 6),
        "nas_port", api_column_int (stmt, 7), "nas_port_id", api_column_text (stmt, 8),
        "start_us", (json_int_t) sqlite3_column_int64 (stmt, 9), "start_exact", sqlite3_column_int (stmt, 10),
        "stop_us", api_column_int (stmt, 11), "end_after_us", api_column_int (stmt, 12),
        "end_before_us", api_column_int (stmt, 13), "state", sqlite3_column_text (stmt, 14),
        "closed_by", api_column_text (stmt, 15), "last_us", (json_int_t) sqlite3_column_int64 (stmt, 16),
        "input_octets", (json_int_t) sqlite3_column_int64 (stmt, 17),
        "output_octets", (json_int_t) sqlite3_column_int64 (stmt, 18),
        "terminate_cause", api_column_text (stmt, 19), "late", (json_int_t) sqlite3_column_int64 (stmt, 20),
        "records", (json_int_t) sqlite3_column_int64 (stmt, 21), "sure", s_sureness (stmt),
        "evidence", "radius");
}

//  The window asked: at, or from and to (default: all time until now)
static bool
s_window (api_call_t *call, int64_t *from, int64_t *to)
{
    bool ok = true;
    int64_t now = vd_now_us ();
    if (json_object_get (call->args, "at")) {
        if (json_object_get (call->args, "from") || json_object_get (call->args, "to")) {
            api_fail (call, "invalid", "at, or from and to, not both");
            return false;
        }
        *from = *to = api_time (call, "at", now, &ok);
    }
    else {
        *from = api_time (call, "from", 0, &ok);
        *to = ok? api_time (call, "to", now, &ok): 0;
    }
    if (ok && *from > *to) {
        api_fail (call, "invalid", "from is after to");
        return false;
    }
    return ok && !call->error;
}

//  The routers' sightings (sighting.c) of the addresses in network/length
//  over [from, to]: a MAC, not a subscriber, and only while walks saw it.
//  Those of a router since removed, for unscoped callers only. NULL on a
//  database error.
static json_t *
s_sightings (api_t *api, const uint8_t network [16], int length, int64_t from, int64_t to, int64_t limit)
{
    uint8_t high [16];
    memcpy (high, network, 16);
    for (int bit = length; bit < 128; bit++)
        high [bit / 8] |= (uint8_t) (0x80 >> (bit % 8));
    sqlite3_stmt *stmt = vd_db_prepare (api_db (api),
        "SELECT g.router, g.address, g.mac, g.interface, g.first_us, g.last_us FROM ppp_sighting g "
        "LEFT JOIN device d ON d.id = g.device_id "
        "WHERE g.network BETWEEN ?1 AND ?2 AND g.last_us >= ?3 AND g.first_us <= ?4 "
        "  AND in_scope (coalesce (d.site_id, -1)) "
        "ORDER BY g.network, g.first_us LIMIT ?5");
    if (!stmt)
        return NULL;
    sqlite3_bind_blob (stmt, 1, network, 16, SQLITE_TRANSIENT);
    sqlite3_bind_blob (stmt, 2, high, 16, SQLITE_TRANSIENT);
    sqlite3_bind_int64 (stmt, 3, from);
    sqlite3_bind_int64 (stmt, 4, to);
    sqlite3_bind_int64 (stmt, 5, limit);
    json_t *list = json_array ();
    while (sqlite3_step (stmt) == SQLITE_ROW) {
        int64_t first = sqlite3_column_int64 (stmt, 4), last = sqlite3_column_int64 (stmt, 5);
        json_array_append_new (list, json_pack ("{s:s, s:s, s:s, s:s, s:o, s:I, s:I, s:s}", "evidence", "arp",
            "router", sqlite3_column_text (stmt, 0), "address", sqlite3_column_text (stmt, 1),
            "mac", sqlite3_column_text (stmt, 2), "interface", api_column_text (stmt, 3),
            "first_us", (json_int_t) first, "last_us", (json_int_t) last,
            "sure", first == last? "seen at a MAC in one walk of the router's ARP or neighbour table"
                  : "seen at a MAC in every walk of the router's ARP or neighbour table from first to last"));
    }
    sqlite3_finalize (stmt);
    return list;
}

static json_t *
op_ip_history (api_t *api, api_call_t *call)
{
    const char *address = api_str (call, "address");
    uint8_t asked [16];
    int length;
    if (!accounting_address_parse (address, asked, &length))
        return api_fail (call, "invalid", "address is an IPv4 or IPv6 address or prefix: %s is not", address);
    int64_t from, to;
    if (!s_window (call, &from, &to))
        return NULL;
    int64_t limit = api_limit (call);
    sqlite3_stmt *stmt = vd_db_prepare (api_db (api),
        "SELECT " SESSION_COLUMNS ", a.text, a.kind FROM ppp_address a "
        "JOIN ppp_session s ON s.id = a.session_id JOIN nas n ON n.id = s.nas_id "
        "WHERE a.length = ?1 AND a.network BETWEEN ?2 AND ?3 AND in_scope (n.site_id) "
        "  AND s.start_us <= ?5 AND coalesce (s.stop_us, s.end_before_us, ?6) >= ?4");
    if (!stmt)
        return api_fail_db (api, call, "ppp");
    sqlite3_stmt *lengths = vd_db_prepare (api_db (api), "SELECT length FROM ppp_length ORDER BY length");
    json_t *found = json_array ();
    while (lengths && sqlite3_step (lengths) == SQLITE_ROW && (int64_t) json_array_size (found) < limit) {
        int at = sqlite3_column_int (lengths, 0);
        uint8_t low [16], high [16];
        memcpy (low, asked, 16);
        accounting_address_mask (low, at < length? at: length);
        memcpy (high, low, 16);
        //  more specific than asked: the whole range inside it
        for (int bit = at < length? 128: length; bit < 128; bit++)
            high [bit / 8] |= (uint8_t) (0x80 >> (bit % 8));
        sqlite3_bind_int (stmt, 1, at);
        sqlite3_bind_blob (stmt, 2, low, 16, SQLITE_TRANSIENT);
        sqlite3_bind_blob (stmt, 3, high, 16, SQLITE_TRANSIENT);
        sqlite3_bind_int64 (stmt, 4, from);
        sqlite3_bind_int64 (stmt, 5, to);
        sqlite3_bind_int64 (stmt, 6, vd_now_us ());
        while (sqlite3_step (stmt) == SQLITE_ROW && (int64_t) json_array_size (found) < limit) {
            json_t *row = s_session (stmt);
            json_object_set_new (row, "address", json_string ((const char *) sqlite3_column_text (stmt, 22)));
            json_object_set_new (row, "kind", json_string ((const char *) sqlite3_column_text (stmt, 23)));
            json_array_append_new (found, row);
        }
        sqlite3_reset (stmt);
    }
    sqlite3_finalize (lengths);
    sqlite3_finalize (stmt);
    json_t *seen = s_sightings (api, asked, length, from, to, limit);
    if (!seen) {
        json_decref (found);
        return api_fail_db (api, call, "ppp");
    }
    api_audit (api, call, json_pack ("{s:s, s:I, s:I, s:I, s:I}", "address", address, "from_us", (json_int_t) from,
                                     "to_us", (json_int_t) to, "found", (json_int_t) json_array_size (found),
                                     "sightings", (json_int_t) json_array_size (seen)));
    return json_pack ("{s:s, s:I, s:I, s:o, s:o}", "address", address, "from_us", (json_int_t) from,
                      "to_us", (json_int_t) to, "sessions", found, "sightings", seen);
}

static json_t *
op_ppp_sessions (api_t *api, api_call_t *call)
{
    const char *user = api_str (call, "user");
    const char *nas = api_str (call, "nas");
    const char *mac = api_str (call, "mac");
    bool active = json_is_true (json_object_get (call->args, "active"));
    if (!user && !nas && !mac)
        return api_fail (call, "invalid", "name a user, a NAS or a MAC (calling station)");
    int64_t from, to;
    if (!s_window (call, &from, &to))
        return NULL;
    sqlite3_stmt *stmt = vd_db_prepare (api_db (api),
        "SELECT " SESSION_COLUMNS ", (SELECT json_group_array (a.text) FROM ppp_address a WHERE a.session_id = s.id) "
        "FROM ppp_session s JOIN nas n ON n.id = s.nas_id "
        "WHERE (?1 IS NULL OR s.user = ?1) AND (?2 IS NULL OR n.name = ?2) AND in_scope (n.site_id) "
        "  AND (NOT ?3 OR s.state = 'active') AND s.start_us <= ?5 "
        "  AND coalesce (s.stop_us, s.end_before_us, ?6) >= ?4 AND (?8 IS NULL OR s.calling_station = ?8) "
        "ORDER BY s.start_us DESC LIMIT ?7");
    if (!stmt)
        return api_fail_db (api, call, "ppp");
    if (user)
        sqlite3_bind_text (stmt, 1, user, -1, SQLITE_STATIC);
    if (nas)
        sqlite3_bind_text (stmt, 2, nas, -1, SQLITE_STATIC);
    sqlite3_bind_int (stmt, 3, active);
    sqlite3_bind_int64 (stmt, 4, from);
    sqlite3_bind_int64 (stmt, 5, to);
    sqlite3_bind_int64 (stmt, 6, vd_now_us ());
    sqlite3_bind_int64 (stmt, 7, api_limit (call));
    if (mac)
        sqlite3_bind_text (stmt, 8, mac, -1, SQLITE_STATIC);
    json_t *list = json_array ();
    while (sqlite3_step (stmt) == SQLITE_ROW) {
        json_t *row = s_session (stmt);
        json_t *addresses = json_loads ((const char *) sqlite3_column_text (stmt, 22), 0, NULL);
        json_object_set_new (row, "addresses", addresses? addresses: json_array ());
        json_array_append_new (list, row);
    }
    sqlite3_finalize (stmt);
    api_audit (api, call, json_pack ("{s:s*, s:s*, s:s*, s:b, s:I}", "user", user, "nas", nas, "mac", mac,
                                     "active", active,
                                     "found", (json_int_t) json_array_size (list)));
    return list;
}

//  A subscriber's octets per month (usage.c): the months that meet the
//  period, by default the last twelve
static json_t *
op_ppp_usage (api_t *api, api_call_t *call)
{
    const char *user = api_str (call, "user");
    period_t period;
    if (!report_period (call, &period))
        return NULL;
    if (!api_str (call, "month") && !json_object_get (call->args, "from"))
        period.from = vd_now_us () - 365 * DAY_US;
    int64_t next;
    sqlite3_stmt *stmt = vd_db_prepare (api_db (api),
        "SELECT strftime ('%Y-%m', u.month_us / 1000000, 'unixepoch'), sum (u.input_octets), "
        "  sum (u.output_octets), count (*) "
        "FROM ppp_session s JOIN nas n ON n.id = s.nas_id JOIN ppp_usage u ON u.session_id = s.id "
        "WHERE s.user = ?1 AND in_scope (n.site_id) AND u.month_us >= ?2 AND u.month_us < ?3 "
        "GROUP BY u.month_us ORDER BY u.month_us");
    if (!stmt)
        return api_fail_db (api, call, "ppp");
    sqlite3_bind_text (stmt, 1, user, -1, SQLITE_STATIC);
    sqlite3_bind_int64 (stmt, 2, accounting_month (period.from, &next));
    sqlite3_bind_int64 (stmt, 3, period.to);
    json_t *months = json_array ();
    while (sqlite3_step (stmt) == SQLITE_ROW)
        json_array_append_new (months, json_pack ("{s:s, s:s, s:I, s:I, s:I}", "user", user,
            "month", sqlite3_column_text (stmt, 0), "input_octets", (json_int_t) sqlite3_column_int64 (stmt, 1),
            "output_octets", (json_int_t) sqlite3_column_int64 (stmt, 2),
            "sessions", (json_int_t) sqlite3_column_int64 (stmt, 3)));
    sqlite3_finalize (stmt);
    api_audit (api, call, json_pack ("{s:s, s:I, s:I, s:I}", "user", user, "from_us", (json_int_t) period.from,
                                     "to_us", (json_int_t) period.to, "found", (json_int_t) json_array_size (months)));
    return months;
}

const api_op_t op_ppp_ops [] = {
    { "ip.history",     "operator", "address:s! at:t from:t to:t limit:i", op_ip_history,
      "who had an address or a prefix at a time or over a range, and how sure that is (audited)" },
    { "ppp.sessions",   "operator", "user:s nas:n mac:s active:b from:t to:t limit:i", op_ppp_sessions,
      "a subscriber's, a NAS's or a MAC's PPP sessions, newest first (audited)" },
    { "ppp.usage",      "operator", "user:s! month:s from:t to:t", op_ppp_usage,
      "a subscriber's octets in and out per month (UTC), gigawords counted, a session across months split "
      "by time (audited)" },
    { NULL }
};
