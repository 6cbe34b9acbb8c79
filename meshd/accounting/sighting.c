/*  meshd/accounting/sighting.c: the addresses routers saw, from the ARP
    and neighbour tables their full walks read (probe/snmp/arp.c). A
    sighting is an address at a MAC on a router, from the first walk that
    saw it to the last of an unbroken run of walks that did: seen again in
    the next walk, it goes on; missed once, the next sighting is a new
    row. A lookup where no session covers a time still answers from them,
    saying so (op_ppp.c).                                                  */
#include "accounting/accounting.h"

#define MAX_ENTRIES     20000   //  per walk, as the probe keeps (MAX_ARP)

static bool
s_mac_valid (const char *mac)
{
    if (!mac || strlen (mac) != 17)
        return false;
    for (int i = 0; i < 17; i++)
        if (i % 3 == 2? mac [i] != ':': !isxdigit ((unsigned char) mac [i]))
            return false;
    return true;
}

//  The parameters both statements share: ?1 network, ?2 the last walk,
//  ?3 device, ?4 this walk, ?5 interface, ?6 MAC
static void
s_bind (sqlite3_stmt *stmt, const uint8_t network [16], int64_t previous, int64_t device_id, int64_t ts,
        const char *interface, const char *mac)
{
    sqlite3_bind_blob (stmt, 1, network, 16, SQLITE_TRANSIENT);
    sqlite3_bind_int64 (stmt, 2, previous);
    sqlite3_bind_int64 (stmt, 3, device_id);
    sqlite3_bind_int64 (stmt, 4, ts);
    if (interface)
        sqlite3_bind_text (stmt, 5, interface, -1, SQLITE_TRANSIENT);
    else
        sqlite3_bind_null (stmt, 5);
    sqlite3_bind_text (stmt, 6, mac, -1, SQLITE_TRANSIENT);
}

int
accounting_sightings (sqlite3 *db, int64_t device_id, int64_t ts, json_t *list, uint64_t *bad)
{
    char sql [96];
    snprintf (sql, sizeof sql, "SELECT ts_us FROM ppp_sighting_walk WHERE device_id = %lld", (long long) device_id);
    int64_t previous = vd_db_int (db, sql, 0);
    sqlite3_stmt *go_on = vd_db_prepare (db,
        "UPDATE ppp_sighting SET last_us = ?4, interface = ?5 "
        "WHERE network = ?1 AND last_us = ?2 AND device_id = ?3 AND mac = ?6");
    sqlite3_stmt *insert = vd_db_prepare (db,
        "INSERT INTO ppp_sighting (device_id, router, network, address, mac, interface, first_us, last_us) "
        "SELECT ?3, name, ?1, ?7, ?6, ?5, ?4, ?4 FROM device WHERE id = ?3");
    int rc = go_on && insert? 0: -1;
    size_t index;
    json_t *entry;
    json_array_foreach (list, index, entry) {
        if (rc || index >= MAX_ENTRIES)
            break;
        const char *address = json_string_value (json_object_get (entry, "address"));
        const char *mac = json_string_value (json_object_get (entry, "mac"));
        const char *interface = json_string_value (json_object_get (entry, "interface"));
        uint8_t network [16];
        int length;
        if (!address || !accounting_address_parse (address, network, &length) || length != 128
        ||  !s_mac_valid (mac) || (interface && strlen (interface) > 128)) {
            (*bad)++;
            continue;
        }
        //  the sighting goes on from the last walk, or a new one begins
        s_bind (go_on, network, previous, device_id, ts, interface, mac);
        rc = sqlite3_step (go_on) == SQLITE_DONE? 0: -1;
        sqlite3_reset (go_on);
        if (rc == 0 && sqlite3_changes (db) == 0) {
            s_bind (insert, network, previous, device_id, ts, interface, mac);
            sqlite3_bind_text (insert, 7, address, -1, SQLITE_TRANSIENT);
            rc = sqlite3_step (insert) == SQLITE_DONE? 0: -1;
            sqlite3_reset (insert);
        }
    }
    sqlite3_finalize (go_on);
    sqlite3_finalize (insert);
    if (rc == 0)
        rc = vd_db_run (db, "INSERT INTO ppp_sighting_walk (device_id, ts_us) VALUES (?1, ?2) "
                            "ON CONFLICT (device_id) DO UPDATE SET ts_us = ?2", "ii", device_id, ts);
    return rc;
}
