/*  meshd/core/store.c: the store actor, the only writer of samples.

    Messages from the mesh actor arrive on MESHD_STORE_IN:
        DATA    probe_id seq from payload   a sequenced batch of samples
        EVENTS  probe_id seq from payload   a sequenced JSON array of events
                                            (syslog, traps) from the probe
        REPORTS probe_id seq from payload   a sequenced JSON array of reports
                                            (monitor/report.c): facts, samples
        LINK    probe_id link last_seen backlog version listen clock offset
                rtt peer_address ("?": unchanged, "": none) drops
        ROTATE probe_id public_key       an enrolling probe's own key
    Group commit: every message waiting is taken into one transaction (up to
    store/batch), then COMMIT (synchronous=FULL: on disk when it returns),
    and only then are the acknowledgements sent to the mesh actor:
        ACK     probe_id last_seq resync
        NACK    probe_id                 its messages were not stored (a
                                         transaction failed: a full disk)
        ROTATED probe_id ok
    Exactly once: a DATA message is stored only if its sequence number is the
    probe's last committed one plus one; the last sequence number is written
    in the same transaction as the samples. A resend of what was committed is
    dropped and acknowledged again; a gap is refused with resync set, and the
    probe goes back to what was committed, unless the probe declared it
    ("from": its spool dropped those messages, full or too old, and counts
    them in the drops of its heartbeats, which become probe.dropped events).

    The sample tail is one row per DATA message, appended in arrival order;
    between bursts the tail is compacted into per-series chunks (compact.c).

    Before the disk is full: with less than store/min_free free where the
    database is, DATA, EVENTS and REPORTS are refused without an ACK (the
    probes keep them spooled and resend), until a tenth more than that is
    free again; each change is an event, meshd.disk_low or meshd.disk_ok,
    which the built-in rule meshd-disk-low turns into an alarm.           */
#include "meshd.h"
#include "cred/cred.h"
#include "monitor/monitor.h"
#include "accounting/accounting.h"
#include <sys/statvfs.h>

#define DISK_CHECK_MS   1000

typedef struct {
    int64_t probe_id;
    int64_t last_seq;           //  what the ACK will say
    bool resync;                //  a gap was seen: the probe must go back
    bool touched;               //  last_seq changed in this transaction
    bool in_batch;              //  it had a message in this transaction
} store_probe_t;

typedef struct {
    meshd_t *meshd;
    sqlite3 *db;
    zsock_t *in;                //  PULL from mesh
    zsock_t *mesh;              //  PUSH to mesh
    zsock_t *events;            //  PUSH to events: "NEW" after a commit with events
    zsock_t *rules;             //  PUSH to rules: "NEW" after every commit
    sqlite3_stmt *insert_batch;
    sqlite3_stmt *update_seq;
    sqlite3_stmt *select_seq;
    sqlite3_stmt *update_link;
    sqlite3_stmt *link_event;
    sqlite3_stmt *clock_event;
    sqlite3_stmt *drops_event;  //  probe.dropped, when a probe's drops grew
    sqlite3_stmt *rotate;
    sqlite3_stmt *rotate_event;
    sqlite3_stmt *event_probe;      //  a probe's site and name
    sqlite3_stmt *event_device;     //  the device at an address in a site
    sqlite3_stmt *insert_event;
    report_store_t *polls;        //  SNMP poll reports
    unsigned char *key;           //  the master key: configuration backups are sealed
    bool new_events;            //  this transaction recorded events
    zhashx_t *probes;           //  probe id -> store_probe_t, the committed state
    zlistx_t *replies;          //  zmsg_t to send once the transaction commits
    int batch_max;
    int64_t compact_interval;
    int64_t next_compact;
    bool tail_dirty;            //  batches were stored since the last compaction
    uint64_t messages;          //  DATA messages committed
    uint64_t samples;           //  samples committed
    uint64_t transactions;
    uint64_t duplicates;        //  resends dropped
    uint64_t gaps;              //  out-of-order messages refused
    uint64_t skipped;           //  messages the probes' spools dropped (declared gaps)
    uint64_t foreign;           //  samples for series of another probe, dropped
    uint64_t events_stored;     //  probe events committed
    uint64_t bad_events;        //  probe events malformed or of a topic not theirs
    uint64_t failures;          //  transactions that failed
    vd_complaint_t failing;     //  their log lines, a second apart at most: a full disk fails every one
    uint64_t reported;          //  transactions at the last report
    int64_t next_report;        //  monotonic ms of the next report
    uint64_t min_free;          //  bytes
    bool disk_low;              //  refusing data for want of space
    int64_t next_disk_check;
    uint64_t refused_disk;      //  messages refused for want of space
    selfmon_t *selfmon;         //  meshd's own series; NULL: off
    int64_t self_interval;      //  ms
    int64_t next_self;          //  monotonic ms
    uint64_t api_requests;      //  the API's totals, from its "API" messages
    uint64_t api_latency_us;
    uint64_t auth_refused;      //  the auth actor's total, from its "AUTH" messages
} store_t;

static store_probe_t *
s_probe (store_t *self, int64_t probe_id)
{
    char key [24];
    snprintf (key, sizeof key, "%lld", (long long) probe_id);
    store_probe_t *probe = (store_probe_t *) zhashx_lookup (self->probes, key);
    if (!probe) {
        sqlite3_bind_int64 (self->select_seq, 1, probe_id);
        if (sqlite3_step (self->select_seq) != SQLITE_ROW) {
            sqlite3_reset (self->select_seq);
            return NULL;
        }
        probe = (store_probe_t *) zmalloc (sizeof (store_probe_t));
        probe->probe_id = probe_id;
        probe->last_seq = sqlite3_column_int64 (self->select_seq, 0);
        sqlite3_reset (self->select_seq);
        zhashx_insert (self->probes, key, probe);
    }
    return probe;
}

static int
s_step (store_t *self, sqlite3_stmt *stmt)
{
    int rc = sqlite3_step (stmt);
    sqlite3_reset (stmt);
    sqlite3_clear_bindings (stmt);
    return rc == SQLITE_DONE? 0: -1;
}

//  A transaction that failed: rolled back if SQLite has not done it
//  already (a COMMIT refused for want of space has), counted, logged
//  throttled with SQLite's reason
static void
s_failed (store_t *self, const char *what)
{
    char reason [200];
    snprintf (reason, sizeof reason, "%s", sqlite3_errmsg (self->db));
    vd_db_rollback (self->db);
    self->failures++;
    vd_complain (&self->failing, "store: %s failed: %s", what, reason);
}

//  Steps an INSERT of an event that may insert nothing; 0 or -1
static int
s_record_event (store_t *self, sqlite3_stmt *stmt)
{
    int rc = s_step (self, stmt);
    if (rc == 0 && sqlite3_changes (self->db))
        self->new_events = true;
    return rc;
}

//  The probe's events: each checked (a probe may only send the topics of
//  its listeners), tied to the device with its source address in the
//  probe's site, recorded in order. A bad event is counted and skipped.
static int
s_events (store_t *self, int64_t probe_id, zframe_t *payload)
{
    json_t *events = json_loadb ((const char *) zframe_data (payload), zframe_size (payload), 0, NULL);
    int rc = 0;
    size_t index;
    json_t *event;
    int64_t now = vd_now_us ();
    if (!json_is_array (events))
        self->bad_events++;
    //  the probe's site and name, once for the whole message
    sqlite3_bind_int64 (self->event_probe, 1, probe_id);
    int step = sqlite3_step (self->event_probe);
    if (step != SQLITE_ROW) {
        sqlite3_reset (self->event_probe);
        json_decref (events);
        //  the probe was removed meanwhile; or the read failed, and the
        //  events are not acknowledged
        return step == SQLITE_DONE? 0: -1;
    }
    int64_t site_id = sqlite3_column_int64 (self->event_probe, 0);
    json_t *probe = json_string ((const char *) sqlite3_column_text (self->event_probe, 1));
    sqlite3_reset (self->event_probe);
    json_array_foreach (events, index, event) {
        const char *topic = json_string_value (json_object_get (event, "topic"));
        const char *address = json_string_value (json_object_get (event, "address"));
        json_t *data = json_object_get (event, "data");
        int64_t ts = json_integer_value (json_object_get (event, "ts_us"));
        if (!topic || !address || !json_is_object (data) || !vd_address_valid (address)
        ||  !(streq (topic, "syslog") || streq (topic, "trap") || streq (topic, "listen.dropped"))) {
            self->bad_events++;
            continue;
        }
        if (ts <= 0 || ts > now + 86400 * 1000000LL)
            ts = now;           //  a probe's clock is not to be trusted that far
        json_object_set_new (data, "address", json_string (address));
        json_object_set (data, "probe", probe);
        sqlite3_bind_text (self->event_device, 1, address, -1, SQLITE_STATIC);
        sqlite3_bind_int64 (self->event_device, 2, site_id);
        if (sqlite3_step (self->event_device) == SQLITE_ROW)
            json_object_set_new (data, "device",
                                 json_string ((const char *) sqlite3_column_text (self->event_device, 0)));
        else
            json_object_del (data, "device");
        sqlite3_reset (self->event_device);
        char *text = json_dumps (data, JSON_COMPACT);
        sqlite3_bind_int64 (self->insert_event, 1, ts);
        sqlite3_bind_text (self->insert_event, 2, topic, -1, SQLITE_STATIC);
        sqlite3_bind_int64 (self->insert_event, 3, site_id);
        sqlite3_bind_text (self->insert_event, 4, text? text: "{}", -1, SQLITE_STATIC);
        rc = s_step (self, self->insert_event);
        free (text);
        //  a NAS's restart ends its PPP sessions
        if (rc == 0 && !streq (topic, "listen.dropped"))
            rc = accounting_restart_seen (self->db, site_id, address, topic, data, ts, &self->new_events);
        if (rc)
            break;
        self->events_stored++;
        self->new_events = true;
    }
    json_decref (probe);
    json_decref (events);
    return rc;
}

//  A batch of samples appended to the tail
static int
s_samples (store_t *self, int64_t probe_id, int64_t seq, const byte *data, size_t size)
{
    if (size == 0)
        return 0;
    sqlite3_bind_int64 (self->insert_batch, 1, probe_id);
    sqlite3_bind_int64 (self->insert_batch, 2, seq);
    sqlite3_bind_int64 (self->insert_batch, 3, vd_now_us ());
    sqlite3_bind_blob (self->insert_batch, 4, data, (int) size, SQLITE_STATIC);
    int rc = s_step (self, self->insert_batch);
    if (rc == 0) {
        self->samples += size / VD_SAMPLE_SIZE;
        self->tail_dirty = true;
    }
    return rc;
}

//  SNMP poll reports: facts into their devices, numbers into samples
static int
s_reports (store_t *self, int64_t probe_id, int64_t seq, zframe_t *payload)
{
    const byte *samples;
    size_t size;
    int rc = report_store_ingest (self->polls, probe_id, zframe_data (payload), zframe_size (payload),
                                &samples, &size);
    if (rc == 0)
        rc = s_samples (self, probe_id, seq, samples, size);
    if (report_store_events (self->polls))
        self->new_events = true;
    if (rc == 0 && report_store_changed (self->polls)) {
        //  after the commit: the probe gets its new devices and runs
        zmsg_t *config = zmsg_new ();
        zmsg_addstr (config, "CONFIG");
        zmsg_addmem (config, &probe_id, 8);
        zlistx_add_end (self->replies, config);
    }
    return rc;
}

static int
s_data (store_t *self, zmsg_t *msg, const char *command)
{
    zframe_t *id_frame = zmsg_pop (msg);
    zframe_t *seq_frame = zmsg_pop (msg);
    zframe_t *from_frame = zmsg_pop (msg);
    zframe_t *payload = zmsg_pop (msg);
    int64_t probe_id = vd_frame_i64 (id_frame);
    int64_t seq = vd_frame_i64 (seq_frame);
    int64_t from = vd_frame_i64 (from_frame);
    int rc = 0;
    store_probe_t *probe = payload && !self->disk_low? s_probe (self, probe_id): NULL;
    if (probe)
        probe->in_batch = true;
    if (self->disk_low)
        self->refused_disk++;   //  no ACK: the probe keeps it and resends
    else
    if (!probe)
        ;                       //  a probe deleted meanwhile: nothing to ACK
    else
    if (seq <= probe->last_seq) {
        self->duplicates++;
        probe->touched = true;  //  ACK again so the probe drops it
    }
    else
    if (seq != probe->last_seq + 1 && !(from > 0 && from <= probe->last_seq + 1 && from < seq)) {
        self->gaps++;
        probe->resync = true;
        probe->touched = true;
    }
    else {
        //  a gap the probe declared: its spool dropped those (and counted
        //  them, in the drops of its heartbeats)
        if (seq != probe->last_seq + 1)
            self->skipped += (uint64_t) (seq - probe->last_seq - 1);
        if (streq (command, "EVENTS"))
            rc = s_events (self, probe_id, payload);
        else
        if (streq (command, "REPORTS"))
            rc = s_reports (self, probe_id, seq, payload);
        else
            rc = s_samples (self, probe_id, seq, zframe_data (payload), zframe_size (payload));
        if (rc == 0) {
            probe->last_seq = seq;
            probe->touched = true;
            self->messages++;
        }
    }
    zframe_destroy (&id_frame);
    zframe_destroy (&seq_frame);
    zframe_destroy (&from_frame);
    zframe_destroy (&payload);
    return rc;
}

static int
s_link (store_t *self, zmsg_t *msg)
{
    zframe_t *id_frame = zmsg_pop (msg);
    char *link = zmsg_popstr (msg);
    zframe_t *seen = zmsg_pop (msg);
    zframe_t *backlog = zmsg_pop (msg);
    char *version = zmsg_popstr (msg);
    char *listen = zmsg_popstr (msg);
    char *clock = zmsg_popstr (msg);
    zframe_t *offset = zmsg_pop (msg);
    zframe_t *rtt = zmsg_pop (msg);
    char *peer_address = zmsg_popstr (msg);
    char *drops = zmsg_popstr (msg);
    int rc = 0;
    if (link && backlog && rtt) {
        //  a change of link state is an event (probe.link), and so is a
        //  change of the clock's verdict (probe.clock), recorded first
        sqlite3_bind_int64 (self->link_event, 1, vd_now_us ());
        sqlite3_bind_text (self->link_event, 2, link, -1, SQLITE_STATIC);
        sqlite3_bind_int64 (self->link_event, 3, vd_frame_i64 (id_frame));
        sqlite3_bind_int64 (self->clock_event, 1, vd_now_us ());
        sqlite3_bind_text (self->clock_event, 2, clock, -1, SQLITE_STATIC);
        sqlite3_bind_int64 (self->clock_event, 3, vd_frame_i64 (offset));
        sqlite3_bind_int64 (self->clock_event, 4, vd_frame_i64 (id_frame));
        sqlite3_bind_text (self->update_link, 1, link, -1, SQLITE_STATIC);
        sqlite3_bind_int64 (self->update_link, 2, vd_frame_i64 (seen));
        sqlite3_bind_int64 (self->update_link, 3, vd_frame_i64 (backlog));
        if (version && *version)
            sqlite3_bind_text (self->update_link, 4, version, -1, SQLITE_STATIC);
        sqlite3_bind_int64 (self->update_link, 5, vd_frame_i64 (id_frame));
        if (listen && *listen)
            sqlite3_bind_text (self->update_link, 6, listen, -1, SQLITE_STATIC);
        if (*clock) {
            sqlite3_bind_text (self->update_link, 7, clock, -1, SQLITE_STATIC);
            sqlite3_bind_int64 (self->update_link, 8, vd_frame_i64 (offset));
            sqlite3_bind_int64 (self->update_link, 9, vd_frame_i64 (rtt));
        }
        if (peer_address && !streq (peer_address, "?"))
            sqlite3_bind_text (self->update_link, 10, peer_address, -1, SQLITE_STATIC);
        if (drops && *drops) {
            sqlite3_bind_text (self->update_link, 11, drops, -1, SQLITE_STATIC);
            sqlite3_bind_int64 (self->drops_event, 1, vd_now_us ());
            sqlite3_bind_text (self->drops_event, 2, drops, -1, SQLITE_STATIC);
            sqlite3_bind_int64 (self->drops_event, 3, vd_frame_i64 (id_frame));
        }
        rc = s_record_event (self, self->link_event);
        if (rc == 0 && *clock)
            rc = s_record_event (self, self->clock_event);
        if (rc == 0 && drops && *drops)
            rc = s_record_event (self, self->drops_event);
        if (rc == 0)
            rc = s_step (self, self->update_link);
        //  what a failure left unstepped takes nothing to the next time
        sqlite3_clear_bindings (self->clock_event);
        sqlite3_clear_bindings (self->drops_event);
        sqlite3_clear_bindings (self->update_link);
    }
    zframe_destroy (&id_frame);
    zframe_destroy (&seen);
    zframe_destroy (&backlog);
    free (link);
    free (version);
    free (listen);
    free (peer_address);
    free (drops);
    free (clock);
    zframe_destroy (&offset);
    zframe_destroy (&rtt);
    return rc;
}

static int
s_rotate (store_t *self, zmsg_t *msg)
{
    zframe_t *id_frame = zmsg_pop (msg);
    char *key = zmsg_popstr (msg);
    int64_t probe_id = vd_frame_i64 (id_frame);
    int rc = 0;
    bool ok = false;
    if (key && strlen (key) == 40) {
        sqlite3_bind_text (self->rotate, 1, key, -1, SQLITE_STATIC);
        sqlite3_bind_int64 (self->rotate, 2, probe_id);
        rc = s_step (self, self->rotate);
        ok = rc == 0 && sqlite3_changes (self->db) == 1;
        if (ok) {
            sqlite3_bind_int64 (self->rotate_event, 1, vd_now_us ());
            sqlite3_bind_int64 (self->rotate_event, 2, probe_id);
            rc = s_step (self, self->rotate_event);
            self->new_events = true;
        }
    }
    zmsg_t *reply = zmsg_new ();
    zmsg_addstr (reply, "ROTATED");
    zmsg_addmem (reply, &probe_id, 8);
    zmsg_addstr (reply, ok? "1": "0");
    zlistx_add_end (self->replies, reply);
    zframe_destroy (&id_frame);
    zstr_free (&key);
    return rc;
}

static int
s_handle (store_t *self, zmsg_t *msg)
{
    char *command = zmsg_popstr (msg);
    int rc = 0;
    if (!command)
        ;
    else
    if (streq (command, "DATA") || streq (command, "EVENTS") || streq (command, "REPORTS"))
        rc = s_data (self, msg, command);
    else
    if (streq (command, "LINK"))
        rc = s_link (self, msg);
    else
    if (streq (command, "API")) {
        //  the API's totals, for meshd's own series
        zframe_t *requests = zmsg_pop (msg), *latency = zmsg_pop (msg);
        self->api_requests = (uint64_t) vd_frame_i64 (requests);
        self->api_latency_us = (uint64_t) vd_frame_i64 (latency);
        zframe_destroy (&requests);
        zframe_destroy (&latency);
    }
    else
    if (streq (command, "AUTH")) {
        zframe_t *refused = zmsg_pop (msg);
        self->auth_refused = (uint64_t) vd_frame_i64 (refused);
        zframe_destroy (&refused);
    }
    else
    if (streq (command, "ROTATE"))
        rc = s_rotate (self, msg);
    else
        zsys_error ("store: unknown internal command %s", command);
    free (command);
    return rc;
}

//  Forgets what the failed ingest transaction did to the cached state,
//  and tells the probes whose messages it held that they were not stored
//  (they send them again a second later, not at the 10 s resend)
static void
s_rollback (store_t *self, int count)
{
    char what [80];
    snprintf (what, sizeof what, "a transaction of %d messages (nothing acknowledged)", count);
    s_failed (self, what);
    store_probe_t *probe;
    for (probe = (store_probe_t *) zhashx_first (self->probes); probe;
         probe = (store_probe_t *) zhashx_next (self->probes)) {
        if (!probe->in_batch)
            continue;
        zmsg_t *nack = zmsg_new ();
        zmsg_addstr (nack, "NACK");
        zmsg_addmem (nack, &probe->probe_id, 8);
        if (zmsg_send (&nack, self->mesh))
            zmsg_destroy (&nack);
    }
    zhashx_purge (self->probes);
    zlistx_purge (self->replies);
    report_store_forget (self->polls);
    self->new_events = false;
}

//  Free space where the database is, once a second at most; a change of
//  state is recorded as an event in the transaction begun
static int
s_disk (store_t *self)
{
    struct statvfs st;
    if (!self->min_free || vd_mono_ms () < self->next_disk_check || statvfs (self->meshd->dir, &st))
        return 0;
    self->next_disk_check = vd_mono_ms () + DISK_CHECK_MS;
    uint64_t free = (uint64_t) st.f_bavail * st.f_frsize;
    bool low = free < self->min_free + (self->disk_low? self->min_free / 10: 0);
    if (low == self->disk_low)
        return 0;
    self->disk_low = low;
    char data [300];
    snprintf (data, sizeof data, "{\"object\": \"meshd\", \"free_bytes\": %" PRIu64 ", "
              "\"min_free_bytes\": %" PRIu64 ", \"text\": \"%" PRIu64 " MB free for the database, %s "
              "store/min_free (%" PRIu64 " MB)\"}", free, self->min_free, free / 1000000,
              low? "below": "above", self->min_free / 1000000);
    if (low)
        zsys_warning ("store: %" PRIu64 " MB free for the database, below store/min_free (%" PRIu64
                      " MB): no data is acknowledged until space returns; the probes keep it",
                      free / 1000000, self->min_free / 1000000);
    else
        zsys_notice ("store: %" PRIu64 " MB free for the database again: acknowledging; %" PRIu64
                     " messages were refused meanwhile", free / 1000000, self->refused_disk);
    self->new_events = true;
    return meshd_event (self->db, low? "meshd.disk_low": "meshd.disk_ok", 0, data);
}

//  One group commit: everything waiting, up to batch_max messages
static void
s_ingest (store_t *self)
{
    if (vd_db_begin (self->db)) {
        s_failed (self, "BEGIN");
        return;
    }
    int count = 0;
    int rc = s_disk (self);
    while (rc == 0 && count < self->batch_max && (count == 0 || (zsock_events (self->in) & ZMQ_POLLIN))) {
        zmsg_t *msg = zmsg_recv (self->in);
        if (!msg)
            break;
        rc = s_handle (self, msg);
        zmsg_destroy (&msg);
        count++;
        //  SQLite rolls the whole transaction back by itself on some errors
        //  (a full disk while it spills its cache): what came next would be
        //  committed statement by statement, a probe's last_seq past a batch
        //  that was rolled back with it. So a transaction gone ends here.
        if (rc == 0 && sqlite3_get_autocommit (self->db))
            rc = -1;
    }

    store_probe_t *probe;
    for (probe = (store_probe_t *) zhashx_first (self->probes); probe && rc == 0;
         probe = (store_probe_t *) zhashx_next (self->probes)) {
        if (!probe->touched)
            continue;
        sqlite3_bind_int64 (self->update_seq, 1, probe->last_seq);
        sqlite3_bind_int64 (self->update_seq, 2, probe->probe_id);
        rc = s_step (self, self->update_seq);
    }
    if (rc || vd_db_commit (self->db)) {
        s_rollback (self, count);
        return;
    }
    self->transactions++;
    //  durable: now, and only now, acknowledge
    for (probe = (store_probe_t *) zhashx_first (self->probes); probe;
         probe = (store_probe_t *) zhashx_next (self->probes)) {
        probe->in_batch = false;
        if (!probe->touched)
            continue;
        zmsg_t *ack = zmsg_new ();
        zmsg_addstr (ack, "ACK");
        zmsg_addmem (ack, &probe->probe_id, 8);
        zmsg_addmem (ack, &probe->last_seq, 8);
        zmsg_addstr (ack, probe->resync? "1": "0");
        if (zmsg_send (&ack, self->mesh))
            zmsg_destroy (&ack);        //  no mesh now: the probe resends
        probe->touched = false;
        probe->resync = false;
    }
    zmsg_t *reply;
    while ((reply = (zmsg_t *) zlistx_detach (self->replies, NULL)))
        if (zmsg_send (&reply, self->mesh))
            zmsg_destroy (&reply);
    if (self->new_events)
        zstr_send (self->events, "NEW");
    self->new_events = false;
    zstr_send (self->rules, "NEW");
}

static void
s_compact (store_t *self)
{
    int moved;
    do {
        if (vd_db_begin (self->db)) {
            s_failed (self, "compaction's BEGIN");
            return;
        }
        moved = compact_run (self->db, 500, &self->foreign);
        if (moved < 0 || vd_db_commit (self->db)) {
            s_failed (self, "compaction");
            return;
        }
        //  let ingest in between rounds: acknowledgements must not wait long
    } while (moved == 500 && !(zsock_events (self->in) & ZMQ_POLLIN));
    self->tail_dirty = moved == 500;
}

//  A round of meshd's own samples, in a transaction of its own; none while
//  the disk is short (the space is kept for what the probes send)
static void
s_selfmon (store_t *self)
{
    self->next_self = vd_mono_ms () + self->self_interval;
    if (self->disk_low)
        return;
    if (vd_db_begin (self->db)) {
        s_failed (self, "BEGIN of meshd's own samples");
        return;
    }
    selfmon_counts_t counts = { self->samples, self->refused_disk, self->api_requests,
                                self->api_latency_us, self->auth_refused };
    if (selfmon_run (self->selfmon, &counts) < 0 || vd_db_commit (self->db)) {
        s_failed (self, "writing meshd's own samples");
        return;
    }
    self->tail_dirty = true;
    zstr_send (self->rules, "NEW");
}

static void
s_destroy (store_t *self)
{
    sqlite3_finalize (self->insert_batch);
    sqlite3_finalize (self->update_seq);
    sqlite3_finalize (self->select_seq);
    sqlite3_finalize (self->update_link);
    sqlite3_finalize (self->link_event);
    sqlite3_finalize (self->clock_event);
    sqlite3_finalize (self->drops_event);
    sqlite3_finalize (self->rotate);
    sqlite3_finalize (self->rotate_event);
    sqlite3_finalize (self->event_probe);
    sqlite3_finalize (self->event_device);
    sqlite3_finalize (self->insert_event);
    report_store_destroy (&self->polls);
    cred_key_free (&self->key);
    selfmon_destroy (&self->selfmon);
    vd_db_close (&self->db);
    vd_sock_close (&self->in, MESHD_STORE_IN);
    vd_sock_close (&self->mesh, MESHD_STORE_OUT);
    zsock_destroy (&self->events);
    zsock_destroy (&self->rules);
    zhashx_destroy (&self->probes);
    zlistx_destroy (&self->replies);
}

void
store_actor (zsock_t *pipe, void *args)
{
    store_t self = { .meshd = (meshd_t *) args, .failing = { .every_ms = 1000 } };
    self.batch_max = (int) vd_config_int (self.meshd->config, "store/batch");
    self.compact_interval = vd_config_int (self.meshd->config, "store/compact_interval");
    self.min_free = (uint64_t) vd_config_int (self.meshd->config, "store/min_free");
    self.probes = zhashx_new ();
    zhashx_set_destructor (self.probes, (zhashx_destructor_fn *) zstr_free);
    self.replies = zlistx_new ();
    zlistx_set_destructor (self.replies, (zhashx_destructor_fn *) zmsg_destroy);
    self.db = vd_db_open (self.meshd->db_path, false);
    self.in = zsock_new (ZMQ_PULL);
    self.mesh = zsock_new (ZMQ_PUSH);
    self.events = zsock_new (ZMQ_PUSH);
    self.rules = zsock_new (ZMQ_PUSH);
    if (self.rules)
        zsock_set_sndtimeo (self.rules, 0);     //  a poke may be dropped: rules ticks too
    if (self.mesh) {
        //  while the mesh restarts nobody takes ACKs: they are dropped, the
        //  probes reconnect and resend, and what was stored is not stored twice
        zsock_set_sndtimeo (self.mesh, 0);
        zsock_set_sndhwm (self.mesh, 100000);
    }
    if (self.in)
        zsock_set_rcvhwm (self.in, 100000);
    if (!self.db || !self.in || !self.mesh || !self.events || !self.rules
    ||  zsock_bind (self.in, MESHD_STORE_IN) || zsock_bind (self.mesh, MESHD_STORE_OUT)
    ||  zsock_connect (self.events, MESHD_EVENTS_IN) || zsock_connect (self.rules, MESHD_RULES_IN))
        goto fail;
    self.insert_batch = vd_db_prepare (self.db,
        "INSERT INTO sample_batch (probe_id, seq, received_us, data) VALUES (?, ?, ?, ?)");
    self.update_seq = vd_db_prepare (self.db, "UPDATE probe SET last_seq = ? WHERE id = ?");
    self.select_seq = vd_db_prepare (self.db, "SELECT last_seq FROM probe WHERE id = ?");
    self.update_link = vd_db_prepare (self.db,
        "UPDATE probe SET link = ?1, last_seen_us = ?2, backlog = ?3, "
        "version = coalesce (?4, version), listen = coalesce (?6, listen), "
        "clock = coalesce (?7, clock), clock_offset_us = coalesce (?8, clock_offset_us), "
        "rtt_us = coalesce (?9, rtt_us), "
        "peer_address = CASE WHEN ?10 IS NULL THEN peer_address ELSE nullif (?10, '') END, "
        "drops = coalesce (?11, drops) WHERE id = ?5");
    self.rotate = vd_db_prepare (self.db,
        "UPDATE probe SET public_key = ?, state = 'active', token_expires_us = NULL "
        "WHERE id = ? AND state = 'enrolling'");
    self.link_event = vd_db_prepare (self.db,
        "INSERT INTO event (ts_us, topic, site_id, data) "
        "SELECT ?1, 'probe.link', site_id, json_object ('probe', name, 'link', ?2, 'previous', link) "
        "FROM probe WHERE id = ?3 AND link != ?2");
    self.clock_event = vd_db_prepare (self.db,
        "INSERT INTO event (ts_us, topic, site_id, data) "
        "SELECT ?1, 'probe.clock', site_id, json_object ('probe', name, 'clock', ?2, "
        "  'offset_us', ?3, 'previous', clock) "
        "FROM probe WHERE id = ?4 AND clock IS NOT ?2");
    //  drops that grew since the last heartbeat: one event, with the totals
    self.drops_event = vd_db_prepare (self.db,
        "INSERT INTO event (ts_us, topic, site_id, data) "
        "SELECT ?1, 'probe.dropped', site_id, json_object ('probe', name, 'drops', json (?2), "
        "  'previous', json (coalesce (drops, '{}')), 'text', 'dropped ' || "
        "  (SELECT group_concat ((n.value - coalesce (json_extract (coalesce (drops, '{}'), '$.' || n.key), 0)) "
        "                        || ' ' || n.key, ', ') "
        "   FROM json_each (?2) n "
        "   WHERE n.value > coalesce (json_extract (coalesce (drops, '{}'), '$.' || n.key), 0))) "
        "FROM probe WHERE id = ?3 AND EXISTS (SELECT 1 FROM json_each (?2) n "
        "  WHERE n.value > coalesce (json_extract (coalesce (drops, '{}'), '$.' || n.key), 0))");
    self.rotate_event = vd_db_prepare (self.db,
        "INSERT INTO event (ts_us, topic, site_id, data) "
        "SELECT ?1, 'probe.joined', site_id, json_object ('probe', name) FROM probe WHERE id = ?2");
    self.event_probe = vd_db_prepare (self.db, "SELECT site_id, name FROM probe WHERE id = ?");
    self.event_device = vd_db_prepare (self.db,
        "SELECT name FROM device WHERE address = ? AND site_id = ? ORDER BY id LIMIT 1");
    self.insert_event = vd_db_prepare (self.db,
        "INSERT INTO event (ts_us, topic, site_id, data) VALUES (?, ?, ?, ?)");
    self.key = cred_key_load (self.meshd->dir);
    self.polls = self.key? report_store_new (self.db, self.key): NULL;
    if (!self.polls || !self.insert_batch || !self.update_seq || !self.select_seq || !self.update_link
    ||  !self.rotate || !self.link_event || !self.clock_event || !self.drops_event || !self.rotate_event || !self.event_probe || !self.event_device
    ||  !self.insert_event)
        goto fail;
    self.self_interval = vd_config_int (self.meshd->config, "self/interval");
    if (self.self_interval > 0 && !(self.selfmon = selfmon_new (self.db, self.meshd)))
        goto fail;
    self.next_self = vd_mono_ms () + (self.self_interval > 0? self.self_interval: INT32_MAX);
    self.tail_dirty = vd_db_int (self.db, "SELECT count(*) FROM sample_batch", 0) > 0;
    self.next_compact = vd_mono_ms () + self.compact_interval;
    self.next_report = vd_mono_ms () + 10000;
    zsock_signal (pipe, 0);

    zpoller_t *poller = zpoller_new (pipe, self.in, NULL);
    while (true) {
        int64_t next = self.next_compact < self.next_self? self.next_compact: self.next_self;
        int timeout = (int) (next - vd_mono_ms ());
        zsock_t *which = (zsock_t *) zpoller_wait (poller, timeout < 0? 0: timeout);
        if (which == pipe) {
            bool term;
            char *command = vd_actor_command (pipe, &term);
            if (command && streq (command, "STATS"))
                zsock_send (pipe, "8888888888", self.messages, self.samples, self.transactions,
                            self.duplicates, self.gaps, self.foreign, self.failures,
                            self.events_stored, self.bad_events, report_store_bad (self.polls));
            else
            if (command && streq (command, "COMPACT")) {
                self.tail_dirty = true;
                self.next_compact = 0;
            }
            free (command);
            if (term)
                break;
        }
        else
        if (which == self.in)
            s_ingest (&self);
        else
        if (zpoller_terminated (poller))
            break;
        //  a line a minute at most, only when there was traffic
        if (vd_mono_ms () >= self.next_report && self.transactions != self.reported) {
            zsys_info ("store: %" PRIu64 " messages, %" PRIu64 " samples committed in %" PRIu64
                       " transactions; %" PRIu64 " resends dropped, %" PRIu64 " out of order, %"
                       PRIu64 " dropped by probes' spools, %" PRIu64 " foreign samples, %" PRIu64
                       " failed transactions, %" PRIu64 " refused for want of disk space",
                       self.messages, self.samples, self.transactions, self.duplicates, self.gaps,
                       self.skipped, self.foreign, self.failures, self.refused_disk);
            self.reported = self.transactions;
            self.next_report = vd_mono_ms () + 60000;
        }
        if (self.selfmon && vd_mono_ms () >= self.next_self)
            s_selfmon (&self);
        if (vd_mono_ms () >= self.next_compact) {
            if (self.tail_dirty)
                s_compact (&self);
            self.next_compact = vd_mono_ms () + self.compact_interval;
        }
    }
    zpoller_destroy (&poller);
    s_destroy (&self);
    return;
fail:
    zsys_error ("store: cannot start");
    s_destroy (&self);
    zsock_signal (pipe, 0);
    vd_actor_failed (pipe);
}
