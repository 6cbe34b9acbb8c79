/*  meshd/accounting: PPP accounting with IP history (vedette nas,
    ip-history, ppp). The probes receive the NASes' RADIUS accounting
    (probe/accounting) and report each request; meshd keeps one row per
    session with the addresses it held, and answers who had an address
    when, saying how sure it is.

        address.c   addresses and prefixes as 16-byte networks
        config.c    CONFIG's "nas" for a probe: its NASes and their secrets
        ingest.c    a probe's accounting report, in the store's transaction
        restart.c   a NAS's restart (Accounting-On/Off, traps, syslog)
        sighting.c  addresses routers saw at MACs (ARP, neighbour tables)
        usage.c     a session's octets per month
        stale.c     sessions and NASes not heard of for too long
        op_nas.c    the API: nas.add, list, remove
        op_ppp.c    the API: ip.history, ppp.sessions (audited)            */
#ifndef MESHD_ACCOUNTING_H_INCLUDED
#define MESHD_ACCOUNTING_H_INCLUDED

#include "meshd.h"

//  -- address.c

//  An address or prefix (a.b.c.d[/n], IPv6[/n]) as a network of 16 bytes
//  (IPv4 as ::ffff:a.b.c.d, its length + 96) with the host bits cleared;
//  false if it is neither
bool accounting_address_parse (const char *text, uint8_t network [16], int *length);
//  Clears the bits of a network past length
void accounting_address_mask (uint8_t network [16], int length);

//  -- config.c

//  The probe's NASes with their opened secrets: CONFIG's "nas" [{name,
//  address, secret}]. Inside the caller's read transaction.
void accounting_config (sqlite3 *db, const unsigned char *key, int64_t probe_id, json_t *config);

//  -- ingest.c

//  A probe's accounting report (a record, probe/accounting/packet.c):
//  sessions opened, updated, stopped, or closed by Accounting-On/Off.
//  Inside the caller's transaction; *bad counts reports refused, *events
//  says an event was written. 0, or -1 on a database error.
int accounting_ingest (sqlite3 *db, int64_t probe_id, json_t *report, uint64_t *bad, bool *events);

//  -- restart.c

//  The NAS restarted at ts: its active and stale sessions begun before
//  are closed (closed_by: accounting-on, accounting-off, restart), ended
//  between their last record and ts; the event ppp.nas_restart says why.
//  Inside the caller's transaction; 0, or -1.
int accounting_nas_restarted (sqlite3 *db, int64_t nas_id, int64_t site_id, const char *nas, const char *closed_by,
                              const char *why, int64_t ts, bool *events);
//  A probe's trap or syslog event (topic, its data) from address in a
//  site: if it is a NAS's restart (a coldStart or warmStart trap, a
//  restart's syslog line), its sessions are closed. 0, or -1.
int accounting_restart_seen (sqlite3 *db, int64_t site_id, const char *address, const char *topic, json_t *data,
                             int64_t ts, bool *events);

//  -- sighting.c

//  A router's full walk at ts saw these ARP and neighbour entries
//  ([{address, mac, interface}]): each goes on from the last walk's
//  sighting of the same address and MAC, or is a new one. Entries that
//  are not an address and a MAC are counted in *bad. Inside the caller's
//  transaction; 0, or -1.
int accounting_sightings (sqlite3 *db, int64_t device_id, int64_t ts, json_t *list, uint64_t *bad);

//  -- usage.c

//  Adds what a session's counters grew by between two of its records
//  (from, to: µs) to its octets per UTC month, split across the months in
//  between by the time in each (ppp usage); negative growth adds nothing.
//  Inside the caller's transaction; 0, or -1.
//  The first µs of the UTC month that holds t; *next, of the month after
int64_t accounting_month (int64_t t, int64_t *next);
int accounting_usage_add (sqlite3 *db, int64_t session, int64_t from, int64_t to, int64_t in, int64_t out);

//  -- stale.c

//  NASes with active sessions silent for two interim intervals (their
//  sessions', else accounting/interim): ppp.nas_silent, once. Active
//  sessions not heard of for three become stale, with the window in which
//  they ended. One pass, inside the caller's transaction: the sessions
//  gone stale, or -1.
int accounting_stale (sqlite3 *db, int64_t interim_ms);

#endif
