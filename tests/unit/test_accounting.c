/*  probe/accounting and meshd/accounting/address.c: the shipped dictionary
    loads and a wrong one says where; a request signed as radclient signs
    it (tests/fuzz/seeds/fuzz_radius/start, secret testing123) is checked,
    decoded and answered byte for byte; a wrong secret, a wrong code and
    broken lengths are refused; addresses and prefixes become networks;
    a session's octets are split between the months it spans.           */
#include "testing.h"
#include "../../probe/accounting/accounting.h"
#include "../../meshd/accounting/accounting.h"

static bool
s_refused (const char *text, const char *expected)
{
    char *error = NULL;
    radius_dictionary_t *dictionary = radius_dictionary_new (text, &error);
    bool ok = !dictionary && error && strstr (error, expected);
    if (!ok)
        fprintf (stderr, "dictionary error: %s, expected %s\n", error? error: "(none)", expected);
    radius_dictionary_destroy (&dictionary);
    free (error);
    return ok;
}

static bool
s_network (const char *text, const char *hex, int length)
{
    uint8_t network [16];
    int found = -1;
    char seen [33] = "";
    if (accounting_address_parse (text, network, &found))
        for (int i = 0; i < 16; i++)
            snprintf (seen + 2 * i, 3, "%02x", network [i]);
    bool ok = streq (seen, hex) && found == length;
    if (!ok)
        fprintf (stderr, "%s: %s/%d\n", text, seen, found);
    return ok;
}

//  2026-MM-DD hh:00 UTC in µs
static int64_t
s_at (int year, int month, int day, int hour)
{
    struct tm tm = { .tm_year = year - 1900, .tm_mon = month - 1, .tm_mday = day, .tm_hour = hour };
    return (int64_t) timegm (&tm) * 1000000;
}

//  The months' octets in of session 1, "YYYY-MM=N ..." in month order
static bool
s_usage (sqlite3 *db, const char *expected)
{
    char seen [200] = "";
    sqlite3_stmt *stmt = vd_db_prepare (db,
        "SELECT strftime ('%Y-%m', month_us / 1000000, 'unixepoch'), input_octets, output_octets FROM ppp_usage "
        "WHERE session_id = 1 ORDER BY month_us");
    while (stmt && sqlite3_step (stmt) == SQLITE_ROW)
        snprintf (seen + strlen (seen), sizeof seen - strlen (seen), "%s%s=%lld/%lld", *seen? " ": "",
                  sqlite3_column_text (stmt, 0), (long long) sqlite3_column_int64 (stmt, 1),
                  (long long) sqlite3_column_int64 (stmt, 2));
    sqlite3_finalize (stmt);
    vd_db_run (db, "DELETE FROM ppp_usage", "");
    if (!streq (seen, expected))
        fprintf (stderr, "usage: %s, expected %s\n", seen, expected);
    return streq (seen, expected);
}

//  meshd/accounting/usage.c: growth between two records, split by month
static void
s_test_usage (void)
{
    sqlite3 *db = NULL;
    CHECK (sqlite3_open (":memory:", &db) == SQLITE_OK);
    CHECK (vd_db_run (db, "CREATE TABLE ppp_usage (session_id INTEGER, month_us INTEGER, input_octets INTEGER, "
                          "output_octets INTEGER, PRIMARY KEY (session_id, month_us))", "") == 0);
    int64_t next;
    CHECK (accounting_month (s_at (2026, 3, 2, 10), &next) == s_at (2026, 3, 1, 0) && next == s_at (2026, 4, 1, 0));
    CHECK (accounting_month (s_at (2026, 12, 31, 23), &next) == s_at (2026, 12, 1, 0) && next == s_at (2027, 1, 1, 0));
    //  within a month; twice: added up
    CHECK (accounting_usage_add (db, 1, s_at (2026, 3, 2, 0), s_at (2026, 3, 2, 1), 100, 7) == 0);
    CHECK (accounting_usage_add (db, 1, s_at (2026, 3, 2, 1), s_at (2026, 3, 2, 2), 50, 0) == 0);
    CHECK (s_usage (db, "2026-03=150/7"));
    //  an hour each side of a boundary: half each; the odd byte to the last
    CHECK (accounting_usage_add (db, 1, s_at (2026, 2, 28, 23), s_at (2026, 3, 1, 1), 1001, 3) == 0);
    CHECK (s_usage (db, "2026-02=500/1 2026-03=501/2"));
    //  across three months and a year: January's last day, all of
    //  February (28 days), March's first day: 1 + 28 + 1 days
    CHECK (accounting_usage_add (db, 1, s_at (2026, 1, 31, 0), s_at (2026, 3, 2, 0), 3000, 0) == 0);
    CHECK (s_usage (db, "2026-01=100/0 2026-02=2800/0 2026-03=100/0"));
    CHECK (accounting_usage_add (db, 1, s_at (2026, 12, 31, 12), s_at (2027, 1, 1, 12), 2000, 2000) == 0);
    CHECK (s_usage (db, "2026-12=1000/1000 2027-01=1000/1000"));
    //  counters that went back add nothing; a record at the very boundary
    CHECK (accounting_usage_add (db, 1, s_at (2026, 3, 2, 0), s_at (2026, 3, 2, 1), -5, -5) == 0);
    CHECK (s_usage (db, ""));
    CHECK (accounting_usage_add (db, 1, s_at (2026, 3, 31, 0), s_at (2026, 4, 1, 0), 10, 0) == 0);
    CHECK (s_usage (db, "2026-03=10/0"));
    sqlite3_close (db);
}

int
main (void)
{
    s_test_usage ();
    char *text = vd_file_read (SRCDIR "/data/radius/dictionary", NULL);
    char *error = NULL;
    radius_dictionary_t *dictionary = text? radius_dictionary_new (text, &error): NULL;
    CHECK (dictionary);
    free (text);
    free (error);
    CHECK (s_refused ("ATTRIBUTE\tUser-Name\t1\tstring\nATTRIBUTE\tX\t300\tstring\n", "line 2: ATTRIBUTE"));
    CHECK (s_refused ("VALUE\tNo-Such\tA\t1\n", "line 1: VALUE"));
    CHECK (s_refused ("BEGIN-VENDOR\tNobody\n", "BEGIN-VENDOR of a VENDOR not named"));
    CHECK (s_refused ("ATTRIBUTE\tA\t1\tinteger64\n", "ATTRIBUTE NAME NUMBER"));
    CHECK (s_refused ("INCLUDE x\n", "INCLUDE is not ATTRIBUTE"));

    size_t size = 0;
    uint8_t *packet = (uint8_t *) vd_file_read (SRCDIR "/tests/fuzz/seeds/fuzz_radius/start", &size);
    CHECK (packet && size == 171);
    const char *why;
    CHECK (radius_packet_check (packet, size, "testing123", &why) == RADIUS_OK && !why);
    CHECK (radius_packet_check (packet, size, "testing124", &why) == RADIUS_BAD_AUTHENTICATOR);
    json_t *record = radius_packet_decode (dictionary, packet, size);
    json_t *expected = json_loads ("{\"status\": \"start\", \"user\": \"bob\", \"session_id\": \"S1\","
        "\"framed_ip\": \"100.64.3.7\", \"calling_station\": \"00-11-22-33-44-55\", \"nas_port_id\": \"ge-0/0/1.100\","
        "\"nas_ip\": \"127.0.0.1\", \"framed_prefix\": \"2001:db8:40:1::/64\","
        "\"delegated_prefix\": \"2001:db8:4400:100::/56\", \"interface_id\": \"0001:0203:0405:0607\","
        "\"interim_interval\": 300, \"delay\": 5, \"event_ts\": 1770000000, \"input_octets\": 0, \"output_octets\": 0}",
        0, NULL);
    json_t *attributes = json_incref (json_object_get (record, "attributes"));
    json_object_del (record, "attributes");
    CHECK (expected && json_equal (record, expected));
    CHECK (streq (json_string_value (json_object_get (attributes, "Cisco-AVPair")), "ip:addr-pool=subs")
           && streq (json_string_value (json_object_get (attributes, "Mikrotik-Rate-Limit")), "10M/10M")
           && streq (json_string_value (json_object_get (attributes, "Acct-Status-Type")), "Start"));
    char *dump = json_dumps (record, JSON_SORT_KEYS);
    fprintf (stderr, "%s\n", dump);
    free (dump);
    json_decref (attributes);
    json_decref (expected);
    json_decref (record);
    uint8_t response [RADIUS_HEADER];
    radius_packet_response (packet, "testing123", response);
    char hex [33];
    for (int i = 0; i < 16; i++)
        snprintf (hex + 2 * i, 3, "%02x", response [4 + i]);
    CHECK (response [0] == 5 && response [1] == packet [1] && response [3] == 20
           && streq (hex, "46722ce34da9382001c5f47034d05b21"));
    //  broken: an attribute past the end, a length field that lies, a
    //  short packet, another code
    packet [RADIUS_HEADER + 1] = 200;
    CHECK (radius_packet_check (packet, size, NULL, &why) == RADIUS_MALFORMED);
    packet [RADIUS_HEADER + 1] = 6;
    packet [3] = (uint8_t) (size + 1);
    CHECK (radius_packet_check (packet, size, NULL, &why) == RADIUS_MALFORMED && strstr (why, "length"));
    packet [3] = (uint8_t) size;
    CHECK (radius_packet_check (packet, 19, NULL, &why) == RADIUS_MALFORMED);
    packet [0] = 1;
    CHECK (radius_packet_check (packet, size, NULL, &why) == RADIUS_NOT_ACCOUNTING);
    free (packet);
    radius_dictionary_destroy (&dictionary);

    CHECK (s_network ("100.64.3.7", "00000000000000000000ffff64400307", 128));
    CHECK (s_network ("100.64.3.7/24", "00000000000000000000ffff64400300", 120));
    CHECK (s_network ("2001:db8:40:1::42/64", "20010db8004000010000000000000000", 64));
    CHECK (s_network ("2001:db8::1", "20010db8000000000000000000000001", 128));
    CHECK (s_network ("100.64.3.300", "", -1));
    CHECK (s_network ("100.64.3.7/33", "", -1));
    CHECK (s_network ("::/129", "", -1));
    CHECK (s_network ("10.0.0.1/", "", -1));
    TESTS_DONE ();
}
