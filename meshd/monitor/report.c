/*  meshd/monitor/report.c: reports from the probes, into the database. Runs inside
    the store actor's transaction (core/store.c, REPORTS messages). A report is an
    SNMP poll, a service check's result (kind "service"), a discovery's
    (kind "discovery", discovery.c) or the paths a probe measured to the
    other probes (kind "peer", probe/peer.c).

    An SNMP poll (probe/snmp.h) updates its device's system facts and SNMP
    status, replaces the device's interfaces (and, after a full walk, its
    LLDP and CDP links), and becomes samples: each metric and each
    interface's rates go to a series named after them (snmp.rtt, cpu.load,
    if.NAME.in_bps...), made on first sight. A service check's result sets
    the check's status and becomes check.NAME.up, .time and .cert_days.
    The paths a probe measured are kept (the latest of each, probe_path)
    and become the probe's own series (no device): peer.NAME.rtt, .loss
    and .jitter. A report for a check that is not one of this probe's
    devices', or of a path to a key that is no active probe's, is refused
    and counted, as is anything malformed.                              */
#include "meshd.h"
#include "monitor/monitor.h"
#include "backup/backup.h"
#include "accounting/accounting.h"

struct _report_store_t {
    sqlite3 *db;
    const unsigned char *key;       //  the master key: seals configuration backups
    sqlite3_stmt *check;            //  the device of a check of this probe
    sqlite3_stmt *service;          //  the device and name of a service check of this probe
    sqlite3_stmt *service_set;
    sqlite3_stmt *link;
    sqlite3_stmt *device_ok;
    sqlite3_stmt *device_failed;
    sqlite3_stmt *iface;
    sqlite3_stmt *series_find;
    sqlite3_stmt *series_add;
    sqlite3_stmt *probe_series_find;    //  a probe's own series (no device)
    sqlite3_stmt *probe_key;            //  an active probe by its public key
    sqlite3_stmt *path;
    zhashx_t *series;               //  "device/metric" -> series id (int64_t *)
    byte *samples;
    size_t size, limit;
    uint64_t bad;                   //  reports refused
    bool changed;                   //  a probe's config changed (discovery)
    bool events;                    //  events were recorded (backups)
};

static const struct {
    const char *name;
    const char *unit;
} s_if_metrics [] = {
    { "in_bps", "bit/s" }, { "out_bps", "bit/s" }, { "in_util", "%" }, { "out_util", "%" },
    { "in_errors", "/s" }, { "out_errors", "/s" }, { "in_discards", "/s" }, { "out_discards", "/s" },
    { NULL, NULL }
};

static void
s_free_id (int64_t **id_p)
{
    free (*id_p);
    *id_p = NULL;
}

report_store_t *
report_store_new (sqlite3 *db, const unsigned char *key)
{
    report_store_t *self = (report_store_t *) zmalloc (sizeof (report_store_t));
    self->db = db;
    self->key = key;
    self->check = vd_db_prepare (db,
        "SELECT d.id FROM device_check c JOIN device d ON d.id = c.device_id "
        "WHERE c.id = ? AND c.kind = 'snmp' AND d.probe_id = ?");
    self->service = vd_db_prepare (db,
        "SELECT d.id, json_extract (c.params, '$.name') FROM device_check c JOIN device d ON d.id = c.device_id "
        "WHERE c.id = ? AND c.kind IN ('tcp', 'dns', 'http') AND d.probe_id = ?");
    self->service_set = vd_db_prepare (db,
        "UPDATE device_check SET status = ?2, error = ?3, detail = ?4, status_us = ?5 WHERE id = ?1");
    self->link = vd_db_prepare (db,
        "INSERT INTO link (device_id, proto, local_port, remote_name, remote_chassis, remote_port, "
        "  remote_port_descr, remote_address, remote_platform, remote_chassis_subtype, "
        "  remote_port_subtype, updated_us) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)");
    self->device_ok = vd_db_prepare (db,
        "UPDATE device SET snmp_status = 'ok', snmp_error = NULL, snmp_us = ?2, sys_name = ?3, "
        "sys_descr = ?4, sys_object_id = ?5, sys_location = ?6, sys_contact = ?7, uptime_s = ?8, "
        "vendor = ?9, model = ?10 WHERE id = ?1");
    self->device_failed = vd_db_prepare (db,
        "UPDATE device SET snmp_status = ?3, snmp_error = ?4, snmp_us = ?2 WHERE id = ?1");
    self->iface = vd_db_prepare (db,
        "INSERT OR REPLACE INTO interface (device_id, if_index, name, descr, alias, type, speed_bps, mtu, "
        "  mac, admin, oper, counters, in_bps, out_bps, in_util, out_util, in_errors, out_errors, "
        "  in_discards, out_discards, updated_us) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21)");
    self->series_find = vd_db_prepare (db, "SELECT id FROM series WHERE device_id = ? AND metric = ?");
    self->series_add = vd_db_prepare (db,
        "INSERT INTO series (device_id, check_id, probe_id, metric, unit) VALUES (?, ?, ?, ?, ?)");
    self->probe_series_find = vd_db_prepare (db,
        "SELECT id FROM series WHERE device_id IS NULL AND probe_id = ? AND metric = ?");
    self->probe_key = vd_db_prepare (db,
        "SELECT id, name FROM probe WHERE public_key = ? AND state = 'active'");
    self->path = vd_db_prepare (db,
        "INSERT OR REPLACE INTO probe_path (from_id, to_id, sent, received, loss_pct, rtt_ms, "
        "  rtt_min_ms, rtt_max_ms, jitter_ms, updated_us) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    self->series = zhashx_new ();
    zhashx_set_destructor (self->series, (zhashx_destructor_fn *) s_free_id);
    if (!self->check || !self->service || !self->service_set || !self->link || !self->device_ok || !self->device_failed || !self->iface
    ||  !self->series_find || !self->series_add || !self->probe_series_find || !self->probe_key || !self->path)
        report_store_destroy (&self);
    return self;
}

void
report_store_destroy (report_store_t **self_p)
{
    report_store_t *self = *self_p;
    if (!self)
        return;
    sqlite3_finalize (self->check);
    sqlite3_finalize (self->service);
    sqlite3_finalize (self->service_set);
    sqlite3_finalize (self->link);
    sqlite3_finalize (self->device_ok);
    sqlite3_finalize (self->device_failed);
    sqlite3_finalize (self->iface);
    sqlite3_finalize (self->series_find);
    sqlite3_finalize (self->series_add);
    sqlite3_finalize (self->probe_series_find);
    sqlite3_finalize (self->probe_key);
    sqlite3_finalize (self->path);
    zhashx_destroy (&self->series);
    free (self->samples);
    free (self);
    *self_p = NULL;
}

void
report_store_forget (report_store_t *self)
{
    //  after a rollback, series made in it are gone
    zhashx_purge (self->series);
}

uint64_t
report_store_bad (report_store_t *self)
{
    return self->bad;
}

bool
report_store_changed (report_store_t *self)
{
    bool changed = self->changed;
    self->changed = false;
    return changed;
}

bool
report_store_events (report_store_t *self)
{
    bool events = self->events;
    self->events = false;
    return events;
}

static int
s_done (report_store_t *self, sqlite3_stmt *stmt)
{
    int rc = sqlite3_step (stmt);
    sqlite3_reset (stmt);
    sqlite3_clear_bindings (stmt);
    //  a failure fails the store's transaction, which logs why (throttled)
    return rc == SQLITE_DONE || rc == SQLITE_ROW? 0: -1;
}

//  The series of a device's metric (device_id 0: of the probe itself),
//  made if new; 0 on error
static int64_t
s_series (report_store_t *self, int64_t device_id, int64_t check_id, int64_t probe_id,
          const char *metric, const char *unit)
{
    char key [256];
    if (device_id)
        snprintf (key, sizeof key, "%lld/%s", (long long) device_id, metric);
    else
        snprintf (key, sizeof key, "probe %lld/%s", (long long) probe_id, metric);
    int64_t *cached = (int64_t *) zhashx_lookup (self->series, key);
    if (cached)
        return *cached;
    int64_t id = 0;
    sqlite3_stmt *find = device_id? self->series_find: self->probe_series_find;
    sqlite3_bind_int64 (find, 1, device_id? device_id: probe_id);
    sqlite3_bind_text (find, 2, metric, -1, SQLITE_STATIC);
    if (sqlite3_step (find) == SQLITE_ROW)
        id = sqlite3_column_int64 (find, 0);
    sqlite3_reset (find);
    if (!id) {
        if (device_id) {
            sqlite3_bind_int64 (self->series_add, 1, device_id);
            sqlite3_bind_int64 (self->series_add, 2, check_id);
        }
        sqlite3_bind_int64 (self->series_add, 3, probe_id);
        sqlite3_bind_text (self->series_add, 4, metric, -1, SQLITE_STATIC);
        sqlite3_bind_text (self->series_add, 5, unit, -1, SQLITE_STATIC);
        if (s_done (self, self->series_add))
            return 0;
        id = sqlite3_last_insert_rowid (self->db);
    }
    cached = (int64_t *) malloc (sizeof (int64_t));
    *cached = id;
    zhashx_insert (self->series, key, cached);
    return id;
}

static int
s_sample (report_store_t *self, int64_t series_id, int64_t ts, double value, uint32_t flags)
{
    if (!series_id)
        return -1;
    if (self->size + VD_SAMPLE_SIZE > self->limit) {
        self->limit = self->limit? self->limit * 2: 64 * VD_SAMPLE_SIZE;
        self->samples = (byte *) realloc (self->samples, self->limit);
        assert (self->samples);
    }
    vd_sample_t sample = { (uint64_t) series_id, ts, value, flags };
    vd_sample_encode (&sample, self->samples + self->size);
    self->size += VD_SAMPLE_SIZE;
    return 0;
}

//  A metric or interface name fit for a series name: printable, no spaces
static void
s_clean_name (char *out, size_t size, const char *in)
{
    size_t used = 0;
    for (; *in && used + 1 < size; in++)
        out [used++] = (isalnum ((unsigned char) *in) || strchr ("._/:-", *in))? *in: '_';
    out [used] = 0;
}

static void
s_bind_text (sqlite3_stmt *stmt, int column, json_t *object, const char *name)
{
    const char *text = json_string_value (json_object_get (object, name));
    if (text)
        sqlite3_bind_text (stmt, column, text, -1, SQLITE_TRANSIENT);
}

static void
s_bind_number (sqlite3_stmt *stmt, int column, json_t *object, const char *name)
{
    json_t *value = json_object_get (object, name);
    if (json_is_integer (value))
        sqlite3_bind_int64 (stmt, column, json_integer_value (value));
    else
    if (json_is_number (value) && isfinite (json_number_value (value)))
        sqlite3_bind_double (stmt, column, json_number_value (value));
}

static int
s_interfaces (report_store_t *self, int64_t device_id, int64_t check_id, int64_t probe_id,
              int64_t ts, json_t *list, bool full)
{
    size_t index;
    json_t *iface;
    int rc = 0;
    if (full && vd_db_run (self->db, "DELETE FROM interface WHERE device_id = ?", "i", device_id))
        return -1;
    json_array_foreach (list, index, iface) {
        json_t *if_index = json_object_get (iface, "index");
        const char *raw = json_string_value (json_object_get (iface, "name"));
        if (!json_is_integer (if_index) || !raw) {
            self->bad++;
            continue;
        }
        sqlite3_stmt *stmt = self->iface;
        sqlite3_bind_int64 (stmt, 1, device_id);
        sqlite3_bind_int64 (stmt, 2, json_integer_value (if_index));
        s_bind_text (stmt, 3, iface, "name");
        s_bind_text (stmt, 4, iface, "descr");
        s_bind_text (stmt, 5, iface, "alias");
        s_bind_number (stmt, 6, iface, "type");
        s_bind_number (stmt, 7, iface, "speed_bps");
        s_bind_number (stmt, 8, iface, "mtu");
        s_bind_text (stmt, 9, iface, "mac");
        s_bind_text (stmt, 10, iface, "admin");
        s_bind_text (stmt, 11, iface, "oper");
        s_bind_number (stmt, 12, iface, "counters");
        for (int m = 0; s_if_metrics [m].name; m++)
            s_bind_number (stmt, 13 + m, iface, s_if_metrics [m].name);
        sqlite3_bind_int64 (stmt, 21, ts);
        if ((rc = s_done (self, stmt)))
            break;
        char name [96];
        s_clean_name (name, sizeof name, raw);
        for (int m = 0; s_if_metrics [m].name && rc == 0; m++) {
            json_t *value = json_object_get (iface, s_if_metrics [m].name);
            if (!json_is_number (value) || !isfinite (json_number_value (value)))
                continue;
            char metric [160];
            snprintf (metric, sizeof metric, "if.%s.%s", name, s_if_metrics [m].name);
            rc = s_sample (self, s_series (self, device_id, check_id, probe_id, metric,
                                           s_if_metrics [m].unit), ts, json_number_value (value), 0);
        }
        if (rc)
            break;
    }
    return rc;
}

//  A full walk's neighbours replace the device's links
static int
s_links (report_store_t *self, int64_t device_id, int64_t ts, json_t *list)
{
    if (vd_db_run (self->db, "DELETE FROM link WHERE device_id = ?", "i", device_id))
        return -1;
    size_t index;
    json_t *row;
    static const char *fields [] = { "proto", "local_port", "name", "chassis", "port", "port_descr",
                                     "address", "platform", "chassis_subtype", "port_subtype" };
    static const char *subtypes [] = { "", "mac", "address", "ifname", "ifalias", "local",
                                       "component", "circuit", NULL };
    json_array_foreach (list, index, row) {
        const char *proto = json_string_value (json_object_get (row, "proto"));
        if (!proto || (!streq (proto, "lldp") && !streq (proto, "cdp"))
        ||  !json_is_string (json_object_get (row, "local_port")) || index >= 4096) {
            self->bad++;
            continue;
        }
        sqlite3_bind_int64 (self->link, 1, device_id);
        for (int f = 0; f < 10; f++) {
            const char *text = json_string_value (json_object_get (row, fields [f]));
            if (f >= 8 && text && !vd_word_in (text, subtypes))
                text = "";          //  a subtype we do not know says nothing
            sqlite3_bind_text (self->link, 2 + f, text? text: "", -1, SQLITE_TRANSIENT);
        }
        sqlite3_bind_int64 (self->link, 12, ts);
        if (s_done (self, self->link))
            return -1;
    }
    return 0;
}

//  A service check's result: its status, and samples
static int
s_service (report_store_t *self, int64_t probe_id, int64_t check_id, json_t *report, int64_t ts)
{
    const char *status = json_string_value (json_object_get (report, "status"));
    sqlite3_bind_int64 (self->service, 1, check_id);
    sqlite3_bind_int64 (self->service, 2, probe_id);
    int64_t device_id = 0;
    char name [96] = "";
    if (sqlite3_step (self->service) == SQLITE_ROW) {
        device_id = sqlite3_column_int64 (self->service, 0);
        const char *text = (const char *) sqlite3_column_text (self->service, 1);
        s_clean_name (name, sizeof name, text? text: "");
    }
    sqlite3_reset (self->service);
    if (!device_id || !*name || (!streq (status, "ok") && !streq (status, "failed"))) {
        self->bad++;
        return 0;
    }
    json_t *detail = json_object_get (report, "detail");
    char *text = json_is_object (detail)? json_dumps (detail, JSON_COMPACT): NULL;
    sqlite3_bind_int64 (self->service_set, 1, check_id);
    sqlite3_bind_text (self->service_set, 2, status, -1, SQLITE_TRANSIENT);
    s_bind_text (self->service_set, 3, report, "error");
    if (text && strlen (text) < 4096)
        sqlite3_bind_text (self->service_set, 4, text, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64 (self->service_set, 5, ts);
    free (text);
    if (s_done (self, self->service_set))
        return -1;
    bool ok = streq (status, "ok");
    char metric [128];
    snprintf (metric, sizeof metric, "check.%s.up", name);
    if (s_sample (self, s_series (self, device_id, check_id, probe_id, metric, ""), ts, ok, 0))
        return -1;
    json_t *time = json_object_get (report, "time_ms");
    snprintf (metric, sizeof metric, "check.%s.time", name);
    if (s_sample (self, s_series (self, device_id, check_id, probe_id, metric, "ms"), ts,
                  ok && json_is_number (time)? json_number_value (time): 0,
                  ok && json_is_number (time)? 0: VD_SAMPLE_LOST))
        return -1;
    json_t *days = json_object_get (detail, "cert_days");
    if (json_is_number (days) && isfinite (json_number_value (days))) {
        snprintf (metric, sizeof metric, "check.%s.cert_days", name);
        if (s_sample (self, s_series (self, device_id, check_id, probe_id, metric, "d"), ts,
                      json_number_value (days), 0))
            return -1;
    }
    return 0;
}

//  A number of a report that, if there, is finite and at least 0
static bool
s_measure (json_t *object, const char *name, double *value)
{
    json_t *number = json_object_get (object, name);
    *value = json_number_value (number);
    return !number || (json_is_number (number) && isfinite (*value) && *value >= 0);
}

//  The paths a probe measured to the other probes: the latest of each,
//  and samples of its series peer.NAME.rtt, .loss, .jitter. The probe
//  at the other end is the one with the key, never the name the report
//  gives it.
static int
s_paths (report_store_t *self, int64_t probe_id, json_t *report, int64_t ts)
{
    json_t *paths = json_object_get (report, "paths");
    if (!json_is_array (paths)) {
        self->bad++;
        return 0;
    }
    size_t index;
    json_t *path;
    json_array_foreach (paths, index, path) {
        const char *key = json_string_value (json_object_get (path, "key"));
        json_int_t sent = json_integer_value (json_object_get (path, "sent"));
        json_int_t received = json_integer_value (json_object_get (path, "received"));
        double loss, rtt, rtt_min, rtt_max, jitter;
        int64_t to_id = 0;
        char name [64] = "";
        if (key) {
            sqlite3_bind_text (self->probe_key, 1, key, -1, SQLITE_TRANSIENT);
            if (sqlite3_step (self->probe_key) == SQLITE_ROW) {
                to_id = sqlite3_column_int64 (self->probe_key, 0);
                s_clean_name (name, sizeof name, (const char *) sqlite3_column_text (self->probe_key, 1));
            }
            sqlite3_reset (self->probe_key);
        }
        if (!to_id || to_id == probe_id || sent <= 0 || sent > 1000000 || received < 0 || received > sent
        ||  !json_is_number (json_object_get (path, "loss_pct")) || !s_measure (path, "loss_pct", &loss)
        ||  loss > 100 || !s_measure (path, "rtt_ms", &rtt) || !s_measure (path, "rtt_min_ms", &rtt_min)
        ||  !s_measure (path, "rtt_max_ms", &rtt_max) || !s_measure (path, "jitter_ms", &jitter)) {
            self->bad++;        //  not a probe's, ours, or nonsense
            continue;
        }
        bool has_rtt = json_is_number (json_object_get (path, "rtt_ms"));
        bool has_jitter = json_is_number (json_object_get (path, "jitter_ms"));
        sqlite3_bind_int64 (self->path, 1, probe_id);
        sqlite3_bind_int64 (self->path, 2, to_id);
        sqlite3_bind_int64 (self->path, 3, sent);
        sqlite3_bind_int64 (self->path, 4, received);
        sqlite3_bind_double (self->path, 5, loss);
        s_bind_number (self->path, 6, path, "rtt_ms");
        s_bind_number (self->path, 7, path, "rtt_min_ms");
        s_bind_number (self->path, 8, path, "rtt_max_ms");
        s_bind_number (self->path, 9, path, "jitter_ms");
        sqlite3_bind_int64 (self->path, 10, ts);
        if (s_done (self, self->path))
            return -1;
        char metric [96];
        snprintf (metric, sizeof metric, "peer.%s.rtt", name);
        if (s_sample (self, s_series (self, 0, 0, probe_id, metric, "ms"), ts, has_rtt? rtt: 0,
                      has_rtt? 0: VD_SAMPLE_LOST))
            return -1;
        snprintf (metric, sizeof metric, "peer.%s.loss", name);
        if (s_sample (self, s_series (self, 0, 0, probe_id, metric, "%"), ts, loss, 0))
            return -1;
        snprintf (metric, sizeof metric, "peer.%s.jitter", name);
        if (s_sample (self, s_series (self, 0, 0, probe_id, metric, "ms"), ts, has_jitter? jitter: 0,
                      has_jitter? 0: VD_SAMPLE_LOST))
            return -1;
    }
    return 0;
}

static const char *
s_unit (const char *metric)
{
    if (streq (metric, "snmp.rtt"))
        return "ms";
    if (streq (metric, "cpu.load") || streq (metric, "mem.used"))
        return "%";
    return "";
}

static int
s_report (report_store_t *self, int64_t probe_id, json_t *report, int64_t now)
{
    const char *kind = json_string_value (json_object_get (report, "kind"));
    if (kind && streq (kind, "discovery"))
        return discovery_ingest (self->db, probe_id, report, &self->changed, &self->bad);
    if (kind && streq (kind, "backup"))
        return backup_ingest (self->db, self->key, probe_id, report, &self->bad, &self->events);
    if (kind && streq (kind, "accounting"))
        return accounting_ingest (self->db, probe_id, report, &self->bad, &self->events);
    int64_t ts = json_integer_value (json_object_get (report, "ts_us"));
    if (ts <= 0 || ts > now + 86400 * 1000000LL)
        ts = now;
    if (kind && streq (kind, "peer"))
        return s_paths (self, probe_id, report, ts);
    json_t *check = json_object_get (report, "check");
    const char *status = json_string_value (json_object_get (report, "status"));
    if (!json_is_integer (check) || !status) {
        self->bad++;
        return 0;
    }
    int64_t check_id = json_integer_value (check);
    if (kind && streq (kind, "service"))
        return s_service (self, probe_id, check_id, report, ts);
    sqlite3_bind_int64 (self->check, 1, check_id);
    sqlite3_bind_int64 (self->check, 2, probe_id);
    int64_t device_id = sqlite3_step (self->check) == SQLITE_ROW? sqlite3_column_int64 (self->check, 0): 0;
    sqlite3_reset (self->check);
    if (!device_id) {
        self->bad++;            //  removed meanwhile, or not this probe's
        return 0;
    }
    if (!streq (status, "ok")) {
        sqlite3_bind_int64 (self->device_failed, 1, device_id);
        sqlite3_bind_int64 (self->device_failed, 2, ts);
        sqlite3_bind_text (self->device_failed, 3, status, -1, SQLITE_TRANSIENT);
        s_bind_text (self->device_failed, 4, report, "error");
        if (s_done (self, self->device_failed))
            return -1;
        //  a lost sample says SNMP did not answer, as ICMP's do
        return s_sample (self, s_series (self, device_id, check_id, probe_id, "snmp.rtt", "ms"),
                         ts, 0, VD_SAMPLE_LOST);
    }
    json_t *system = json_object_get (report, "system");
    sqlite3_bind_int64 (self->device_ok, 1, device_id);
    sqlite3_bind_int64 (self->device_ok, 2, ts);
    s_bind_text (self->device_ok, 3, system, "name");
    s_bind_text (self->device_ok, 4, system, "descr");
    s_bind_text (self->device_ok, 5, system, "object_id");
    s_bind_text (self->device_ok, 6, system, "location");
    s_bind_text (self->device_ok, 7, system, "contact");
    s_bind_number (self->device_ok, 8, system, "uptime_s");
    const char *vendor, *model;
    if (ident_lookup (json_string_value (json_object_get (system, "object_id")), &vendor, &model)) {
        sqlite3_bind_text (self->device_ok, 9, vendor, -1, SQLITE_STATIC);
        if (model)
            sqlite3_bind_text (self->device_ok, 10, model, -1, SQLITE_STATIC);
    }
    if (s_done (self, self->device_ok))
        return -1;
    const char *name;
    json_t *value;
    json_object_foreach (json_object_get (report, "metrics"), name, value) {
        char metric [96];
        s_clean_name (metric, sizeof metric, name);
        if (!json_is_number (value) || !isfinite (json_number_value (value))) {
            self->bad++;
            continue;
        }
        if (s_sample (self, s_series (self, device_id, check_id, probe_id, metric, s_unit (metric)),
                      ts, json_number_value (value), 0))
            return -1;
    }
    bool full = json_is_true (json_object_get (report, "full"));
    if (s_interfaces (self, device_id, check_id, probe_id, ts, json_object_get (report, "interfaces"), full))
        return -1;
    json_t *neighbours = json_object_get (report, "neighbours");
    if (full && json_is_array (neighbours) && s_links (self, device_id, ts, neighbours))
        return -1;
    //  who had which address: evidence for the IP history
    json_t *arp = json_object_get (report, "arp");
    return full && json_is_array (arp)? accounting_sightings (self->db, device_id, ts, arp, &self->bad): 0;
}

int
report_store_ingest (report_store_t *self, int64_t probe_id, const void *data, size_t size,
                   const byte **samples, size_t *samples_size)
{
    json_t *reports = json_loadb ((const char *) data, size, 0, NULL);
    self->size = 0;
    int rc = 0;
    if (!json_is_array (reports))
        self->bad++;
    int64_t now = vd_now_us ();
    size_t index;
    json_t *report;
    json_array_foreach (reports, index, report) {
        if (!json_is_object (report))
            self->bad++;
        else
        if ((rc = s_report (self, probe_id, report, now)))
            break;
    }
    json_decref (reports);
    *samples = self->samples;
    *samples_size = self->size;
    return rc;
}
