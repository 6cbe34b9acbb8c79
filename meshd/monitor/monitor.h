/*  meshd/monitor/monitor.h: the monitoring subsystem's shared routines:
    devices made by device.add and by discovery, vendor and model by
    sysObjectID, reports from probes into the database, series reads, and
    the pieces of a device that several operations show.                   */
#ifndef MESHD_MONITOR_H_INCLUDED
#define MESHD_MONITOR_H_INCLUDED

#include "meshd.h"

#define SNMP_DEFAULT_INTERVAL   60000       //  ms, a device's SNMP poll
#define SNMP_MIN_INTERVAL       1000

//  Makes a device with its ICMP check and series (probe_id 0: none yet), in
//  the caller's transaction. 0, or -1 (a database error: roll back).
int device_create (sqlite3 *db, const char *name, const char *address, int64_t site_id,
                   int64_t probe_id, int64_t interval_ms, int64_t *device_id);
//  Gives a device that has none SNMP polling with a credential. 0, or -1.
int device_snmp_set (sqlite3 *db, int64_t device_id, int64_t cred_id, int64_t interval_ms, int port);
//  The device's standard SNMP check, or 0.
int64_t device_snmp_check (sqlite3 *db, int64_t device_id);

//  A device's vendor and model from its sysObjectID (dotted), by
//  data/sysobjectid.tsv; false (and NULLs) if unknown. Model may be NULL.
bool ident_lookup (const char *object_id, const char **vendor, const char **model);

//  Reports of probes (REPORTS messages: SNMP polls, service checks,
//  discoveries, paths between probes) into the database, in the store's
//  transaction.
typedef struct _report_store_t report_store_t;
//  Prepares the statements on the store's connection; key is the master
//  key, for configuration backups. NULL on failure.
report_store_t *report_store_new (sqlite3 *db, const unsigned char *key);
void report_store_destroy (report_store_t **self_p);
//  Takes a REPORTS message's payload (a JSON array of reports) from a probe,
//  inside the caller's transaction. *samples (valid until the next call)
//  receives the samples made, for the caller to store with the message's
//  sequence number. 0, or -1 on a database error (roll back).
int report_store_ingest (report_store_t *self, int64_t probe_id, const void *data, size_t size,
                         const byte **samples, size_t *samples_size);
//  After a rollback: forgets the series it made.
void report_store_forget (report_store_t *self);
//  True (once) if a report changed what a probe is told (discovery added
//  devices or finished a run): the caller sends it a new CONFIG.
bool report_store_changed (report_store_t *self);
//  True (once) if reports recorded events (backup.changed, backup.failed).
bool report_store_events (report_store_t *self);
//  Reports and parts of reports refused so far.
uint64_t report_store_bad (report_store_t *self);

//  A discovery's report, in the store's transaction: devices added or
//  updated, the run done. *changed is set when the probe must be told;
//  *bad counts what was refused. 0, or -1 (roll back).
int discovery_ingest (sqlite3 *db, int64_t probe_id, json_t *report, bool *changed, uint64_t *bad);

//  One series read: samples between since and until (µs), ascending.
typedef struct {
    int64_t ts_us;
    double value;
    uint32_t flags;
} series_point_t;
//  Reads a series from chunks and the uncompacted tail: the newest max
//  points between since and until, ascending, in memory bounded by max.
//  Returns the number of points (*points is the caller's to free; *skipped,
//  if not NULL, the older points left out), or -1.
int series_read (sqlite3 *db, int64_t series_id, int64_t since, int64_t until, int max,
                 series_point_t **points, int64_t *skipped);

#ifdef MESHD_API_H_INCLUDED
//  The series of a device (id and name) with their last values.
json_t *series_of_device (api_t *api, api_call_t *call, int64_t device_id, const char *device);
//  The checks of a device (device_id) or of every device (of site, if
//  not NULL) the caller may see.
json_t *check_rows (api_t *api, api_call_t *call, int64_t device_id, const char *site);
//  The interfaces of a device, as its last poll saw them.
json_t *interface_rows (api_t *api, api_call_t *call, int64_t device_id);
//  The links of a site or of a device (either end), as topology.list has
//  them; NULL after api_fail.
json_t *topology_links (api_t *api, api_call_t *call, const char *site, const char *device);
#endif

#endif
