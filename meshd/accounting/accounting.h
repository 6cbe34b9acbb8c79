/*  meshd/accounting: PPP accounting with IP history (vedette nas,
    ip-history, ppp). The probes receive the NASes' RADIUS accounting
    (probe/accounting) and report each request; meshd keeps one row per
    session with the addresses it held, and answers who had an address
    when, saying how sure it is.

        address.c   addresses and prefixes as 16-byte networks
        config.c    CONFIG's "nas" for a probe: its NASes and their secrets
        ingest.c    a probe's accounting report, in the store's transaction
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

//  -- stale.c

//  NASes with active sessions silent for two interim intervals (their
//  sessions', else accounting/interim): ppp.nas_silent, once. Active
//  sessions not heard of for three become stale, with the window in which
//  they ended. One pass, inside the caller's transaction: the sessions
//  gone stale, or -1.
int accounting_stale (sqlite3 *db, int64_t interim_ms);

#endif
