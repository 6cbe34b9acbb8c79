/*  meshd/core/events.c: the events actor. It publishes, on a PUB socket over ipc
    and over CURVE tcp, every event recorded in the event table, in order,
    with its sequence number (the row's id):

        frame 1  topic        "device.added", "probe.link", ...
        frame 2  JSON         {"seq": 42, "ts_us": ..., "topic": ..., "site": ...,
                               "data": {...}}

    Writers (the api and store actors) insert the row in their own
    transaction and then send "NEW" here; the row is published after it is
    committed, so what a subscriber sees can always be fetched again with
    event.since. A subscriber that sees seq jump knows it missed events.

    Live samples are published too, as "sample.METRIC" with "seq": null: the
    latest value of each series that changed, at most once a second. They
    are not recorded as events; series.show reads what was missed.

    The tcp socket's ZAP domain (vedette-events) admits the client keys of
    users without site scopes only: a PUB socket cannot filter per user.   */
#include "meshd.h"
#include <unistd.h>

#define EVENTS_BATCH        1000
#define EVENTS_TICK_MS      1000

typedef struct {
    meshd_t *meshd;
    sqlite3 *db;                //  read-only
    zsock_t *in;                //  PULL: "NEW"
    zsock_t *local;             //  PUB, ipc
    zsock_t *tcp;               //  PUB, CURVE tcp
    sqlite3_stmt *select_events;
    sqlite3_stmt *select_samples;
    int64_t last_seq;           //  published
    int64_t samples_since;      //  last_ts_us of samples already published
    uint64_t published;
} events_t;

int
meshd_event (sqlite3 *db, const char *topic, int64_t site_id, const char *data)
{
    sqlite3_stmt *stmt = vd_db_prepare (db,
        "INSERT INTO event (ts_us, topic, site_id, data) VALUES (?, ?, ?, ?)");
    if (!stmt)
        return -1;
    sqlite3_bind_int64 (stmt, 1, vd_now_us ());
    sqlite3_bind_text (stmt, 2, topic, -1, SQLITE_STATIC);
    if (site_id)
        sqlite3_bind_int64 (stmt, 3, site_id);
    sqlite3_bind_text (stmt, 4, data, -1, SQLITE_STATIC);
    int rc = sqlite3_step (stmt);
    sqlite3_finalize (stmt);
    if (rc != SQLITE_DONE)
        zsys_error ("events: cannot record %s: %s", topic, sqlite3_errmsg (db));
    return rc == SQLITE_DONE? 0: -1;
}

json_t *
meshd_event_json (sqlite3_stmt *stmt)
{
    json_t *data = json_loads ((const char *) sqlite3_column_text (stmt, 4), 0, NULL);
    return json_pack ("{s:I, s:I, s:s, s:o, s:o}",
        "seq", (json_int_t) sqlite3_column_int64 (stmt, 0),
        "ts_us", (json_int_t) sqlite3_column_int64 (stmt, 1),
        "topic", (const char *) sqlite3_column_text (stmt, 2),
        "site", sqlite3_column_type (stmt, 3) == SQLITE_NULL? json_null ()
                : json_string ((const char *) sqlite3_column_text (stmt, 3)),
        "data", data? data: json_object ());
}

char *
meshd_events_endpoint (meshd_t *meshd)
{
    const char *endpoint = vd_config_str (meshd->config, "events/endpoint");
    if (*endpoint)
        return strdup (endpoint);
    return zsys_sprintf ("ipc://%s/events.sock", meshd->dir);
}

static void
s_send (events_t *self, const char *topic, json_t *event)
{
    char *text = json_dumps (event, JSON_COMPACT);
    json_decref (event);
    if (!text)
        return;
    zsock_t *socks [2] = { self->local, self->tcp };
    for (int i = 0; i < 2; i++) {
        if (!socks [i])
            continue;
        zmsg_t *msg = zmsg_new ();
        zmsg_addstr (msg, topic);
        zmsg_addstr (msg, text);
        zmsg_send (&msg, socks [i]);
    }
    free (text);
    self->published++;
}

//  Publishes recorded events after the last one published
static void
s_publish_recorded (events_t *self)
{
    int rows;
    do {
        rows = 0;
        sqlite3_bind_int64 (self->select_events, 1, self->last_seq);
        sqlite3_bind_int (self->select_events, 2, EVENTS_BATCH);
        while (sqlite3_step (self->select_events) == SQLITE_ROW) {
            rows++;
            self->last_seq = sqlite3_column_int64 (self->select_events, 0);
            s_send (self, (const char *) sqlite3_column_text (self->select_events, 2),
                    meshd_event_json (self->select_events));
        }
        sqlite3_reset (self->select_events);
    } while (rows == EVENTS_BATCH);
}

//  Publishes the latest value of each series that changed since last time
static void
s_publish_samples (events_t *self)
{
    int64_t newest = self->samples_since;
    sqlite3_bind_int64 (self->select_samples, 1, self->samples_since);
    while (sqlite3_step (self->select_samples) == SQLITE_ROW) {
        sqlite3_stmt *row = self->select_samples;
        int64_t ts = sqlite3_column_int64 (row, 2);
        const char *metric = (const char *) sqlite3_column_text (row, 1);
        char topic [96];
        snprintf (topic, sizeof topic, "sample.%s", metric);
        bool lost = (sqlite3_column_int64 (row, 4) & VD_SAMPLE_LOST) != 0;
        json_t *event = json_pack ("{s:n, s:I, s:s, s:s?, s:{s:s, s:s, s:s, s:I, s:o, s:b}}",
            "seq", "ts_us", (json_int_t) vd_now_us (), "topic", topic,
            "site", (const char *) sqlite3_column_text (row, 5),
            "data", "device", (const char *) sqlite3_column_text (row, 0), "metric", metric,
            "unit", (const char *) sqlite3_column_text (row, 6), "ts_us", (json_int_t) ts,
            "value", lost? json_null (): json_real (sqlite3_column_double (row, 3)), "lost", lost);
        s_send (self, topic, event);
        if (ts > newest)
            newest = ts;
    }
    sqlite3_reset (self->select_samples);
    self->samples_since = newest;
}

static void
s_destroy (events_t *self)
{
    sqlite3_finalize (self->select_events);
    sqlite3_finalize (self->select_samples);
    vd_db_close (&self->db);
    vd_sock_close (&self->in, MESHD_EVENTS_IN);
    zsock_destroy (&self->local);
    zsock_destroy (&self->tcp);
}

void
events_actor (zsock_t *pipe, void *args)
{
    events_t self = { .meshd = (meshd_t *) args };
    char *endpoint = meshd_events_endpoint (self.meshd);
    const char *tcp_endpoint = vd_config_str (self.meshd->config, "events/tcp");
    self.db = vd_db_open (self.meshd->db_path, true);
    self.in = zsock_new (ZMQ_PULL);
    self.local = zsock_new (ZMQ_PUB);
    bool ok = self.db && self.in && self.local && zsock_bind (self.in, MESHD_EVENTS_IN) == 0;
    if (ok) {
        zsock_set_sndhwm (self.local, 10000);
        if (strncmp (endpoint, "ipc://", 6) == 0)
            unlink (endpoint + 6);      //  a stale socket of a crashed meshd
        if (vd_bind (self.local, endpoint)) {
            zsys_error ("events: cannot bind %s: %s", endpoint, zmq_strerror (zmq_errno ()));
            ok = false;
        }
    }
    if (ok && *tcp_endpoint) {
        self.tcp = zsock_new (ZMQ_PUB);
        zsock_set_sndhwm (self.tcp, 10000);
        //  subscribers send nothing but subscriptions and heartbeats
        if (meshd_curve_server (self.tcp, self.meshd, MESHD_ZAP_DOMAIN_EVENTS, 4096))
            ok = false;
        else
        if (vd_bind (self.tcp, tcp_endpoint)) {
            zsys_error ("events: cannot bind %s: %s", tcp_endpoint, zmq_strerror (zmq_errno ()));
            ok = false;
        }
    }
    if (ok) {
        self.select_events = vd_db_prepare (self.db,
            "SELECT " MESHD_EVENT_ROWS " WHERE e.id > ? ORDER BY e.id LIMIT ?");
        self.select_samples = vd_db_prepare (self.db,
            "SELECT d.name, r.metric, r.last_ts_us, r.last_value, r.last_flags, s.name, r.unit "
            "FROM series r JOIN device d ON d.id = r.device_id JOIN site s ON s.id = d.site_id "
            "WHERE r.last_ts_us > ?");
        ok = self.select_events && self.select_samples;
        self.last_seq = vd_db_int (self.db, "SELECT coalesce (max (id), 0) FROM event", 0);
        self.samples_since = vd_now_us ();
    }
    zsock_signal (pipe, 0);
    if (!ok) {
        s_destroy (&self);
        free (endpoint);
        vd_actor_failed (pipe);
        return;
    }
    zsys_info ("events: publishing on %s%s%s", endpoint, self.tcp? " and ": "",
               self.tcp? tcp_endpoint: "");
    zpoller_t *poller = zpoller_new (pipe, self.in, NULL);
    int64_t next_tick = vd_mono_ms () + EVENTS_TICK_MS;
    while (true) {
        int timeout = (int) (next_tick - vd_mono_ms ());
        zsock_t *which = (zsock_t *) zpoller_wait (poller, timeout < 0? 0: timeout);
        if (which == pipe) {
            bool term;
            char *command = vd_actor_command (pipe, &term);
            if (command && streq (command, "STATS"))
                zsock_send (pipe, "88", self.published, (uint64_t) self.last_seq);
            free (command);
            if (term)
                break;
        }
        else
        if (which == self.in) {
            //  one publication for however many pokes are waiting
            do {
                char *poke = zstr_recv (self.in);
                zstr_free (&poke);
            } while (zsock_events (self.in) & ZMQ_POLLIN);
            s_publish_recorded (&self);
        }
        else
        if (zpoller_terminated (poller))
            break;
        if (vd_mono_ms () >= next_tick) {
            s_publish_recorded (&self);     //  a poke lost at a restart
            s_publish_samples (&self);
            next_tick = vd_mono_ms () + EVENTS_TICK_MS;
        }
    }
    zpoller_destroy (&poller);
    if (strncmp (endpoint, "ipc://", 6) == 0)
        unlink (endpoint + 6);
    free (endpoint);
    s_destroy (&self);
}
