/*  meshd/alarm/rules.c: the rules actor. It turns what was committed into alarms.

    It reads two append-only tables through cursors kept in the database
    (table cursor): the sample tail (sample_batch) and the event log. The
    store and the api poke it with "NEW" after a commit; a tick each second
    catches anything else. A pass reads without locking, works in memory,
    then writes every alarm change, device state and the cursors in one
    transaction, so each sample and event is evaluated exactly once across
    restarts; compaction keeps the tail this actor has not read.

    In a pass, in this order:
    1. samples move metric rules (rule.c) and the devices' reachability
       (reach.c: icmp.loss at 100% for rules/down_after rounds: down);
    2. events: probe.link (a lost probe's devices become unknown, and the
       probe-lost rule raises one alarm), probe.clock (the probe-clock rule
       on a skewed clock), traps, syslog and other events
       against event rules;
    3. device states are worked out with dependencies (reach.c): a device
       that is down under a parent that is down is unreachable, and its
       alarms are suppressed under that parent; each change goes into the
       device's state history (device_state_log, read by availability
       reports) timed by the measurements, not by this pass;
    4. alarm transitions are written (alarm.c), each with its event and its
       notifications; state rules follow device and probe states.
    Flapping (flap.c): a (rule, object) that changes state rules/flap_count
    times within rules/flap_window becomes one flapping alarm that stays
    open until it has been quiet for a window.

    Metric rules apply to devices' series and to meshd's own (the object
    vedette, core/selfmon.c).

    On the pipe: "RELOAD" (rules, devices or routes changed), "STATS".       */
#include "alarm/rule.h"
#include "alarm/alarm.h"
#include "alarm/flap.h"
#include "alarm/reach.h"

#define RULES_TICK_MS       1000
#define RULES_EVENTS_BATCH  1000
//  How late a parent's result may reach the rules after a child's from the
//  same moment: a probe holds samples up to 1 s before sending a batch, and
//  the commit and the pass take their time
#define RULES_TRANSPORT_US  2000000

typedef struct {
    rule_state_t state;
    bool hold;                  //  a breach to record at the end of the pass
    double value;
    int64_t ts;
} rlink_t;

typedef struct {
    int64_t id;
    rdev_t *device;             //  NULL for meshd's own (own)
    bool own;                   //  a series of the object "vedette"
    char *metric;
    char *unit;
    bool is_loss;
    int nlinks;
    int *rules;                 //  indices into the rules array
    rlink_t *links;
} rseries_t;

typedef struct {
    int64_t id;
    char *name;
    int64_t site_id;
    bool lost;
    bool skewed;                //  its clock is off (probe.clock)
    int64_t offset;             //  us, when it was last measured
    bool revoked;               //  on purpose: no alarm
} rprobe_t;

//  One change to write at the end of a pass
typedef struct {
    rule_step_t step;
    int rule;                   //  index
    rseries_t *series;          //  metric rules
    rdev_t *device;
    rprobe_t *probe;
    char *object;
    char *message;
    bool has_value;
    double value;
    int64_t ts;
} change_t;

typedef struct {
    meshd_t *meshd;
    sqlite3 *db;
    zsock_t *in;                //  PULL: "NEW", "RELOAD"
    zsock_t *events;            //  PUSH to events
    zsock_t *notify;            //  PUSH to notify
    rule_t *rules;
    int nrules;
    rseries_t **series;         //  by series id (dense)
    size_t series_size;
    zhashx_t *devices;          //  "id" -> rdev_t
    zhashx_t *device_names;     //  name -> rdev_t (of devices), for events
    zhashx_t *probes;           //  "id" -> rprobe_t
    zhashx_t *flaps;            //  "rule/object" -> flap_t
    zlistx_t *changes;          //  change_t waiting for the pass's commit
    zlistx_t *history;          //  history_t: states seen within the pass
    int64_t sample_cursor, event_cursor;
    int down_after, flap_count;
    int64_t flap_window_us;
    bool reload;
    bool fresh;                 //  reload without what the devices' samples said (a pass failed)
    bool states_dirty;
    int holds;                  //  links with a breach to record
    uint64_t samples, matched, raised, cleared, passes, failures;
    vd_complaint_t failing;     //  failed passes, a line a second at most (a full disk fails them all)
} rules_t;

static void
s_change_destroy (change_t **self_p)
{
    if (*self_p) {
        free ((*self_p)->object);
        free ((*self_p)->message);
        free (*self_p);
        *self_p = NULL;
    }
}

static void
s_series_destroy (rseries_t **self_p)
{
    if (*self_p) {
        free ((*self_p)->metric);
        free ((*self_p)->unit);
        free ((*self_p)->rules);
        free ((*self_p)->links);
        free (*self_p);
        *self_p = NULL;
    }
}

static void
s_device_destroy (rdev_t **self_p)
{
    if (*self_p) {
        free ((*self_p)->name);
        free (*self_p);
        *self_p = NULL;
    }
}

static void
s_probe_destroy (rprobe_t **self_p)
{
    if (*self_p) {
        free ((*self_p)->name);
        free (*self_p);
        *self_p = NULL;
    }
}

static void
s_forget (rules_t *self)
{
    for (int i = 0; i < self->nrules; i++)
        rule_free (&self->rules [i]);
    free (self->rules);
    self->rules = NULL;
    self->nrules = 0;
    for (size_t i = 0; i < self->series_size; i++)
        s_series_destroy (&self->series [i]);
    free (self->series);
    self->series = NULL;
    self->series_size = 0;
    zhashx_purge (self->device_names);
    zhashx_purge (self->devices);
    zhashx_purge (self->probes);
    self->holds = 0;
}

static int s_load_from (rules_t *self, zhashx_t *before);

//  Loads rules, devices and probes; series are loaded as they are met.
//  What the devices' samples said so far (their reach, their last result)
//  carries over, unless a pass failed: it reads them again.
static int
s_load (rules_t *self)
{
    zhashx_t *before = self->fresh? NULL: self->devices;
    if (before) {
        self->devices = zhashx_new ();
        zhashx_set_destructor (self->devices, (zhashx_destructor_fn *) s_device_destroy);
    }
    self->fresh = false;
    int rc = s_load_from (self, before);
    zhashx_destroy (&before);
    return rc;
}

static int
s_load_from (rules_t *self, zhashx_t *before)
{
    s_forget (self);
    sqlite3_stmt *stmt = vd_db_prepare (self->db,
        "SELECT " RULE_COLUMNS " FROM rule WHERE enabled ORDER BY id");
    if (!stmt)
        return -1;
    int size = 0;
    while (sqlite3_step (stmt) == SQLITE_ROW) {
        if (self->nrules == size) {
            size = size? size * 2: 16;
            self->rules = (rule_t *) realloc (self->rules, size * sizeof (rule_t));
        }
        if (rule_load (&self->rules [self->nrules], stmt) == 0)
            self->nrules++;
        else {
            zsys_warning ("rules: rule %s has a bad regular expression; ignored",
                          self->rules [self->nrules].name);
            rule_free (&self->rules [self->nrules]);
        }
    }
    sqlite3_finalize (stmt);

    stmt = vd_db_prepare (self->db,
        "SELECT d.id, d.name, d.site_id, d.parent_id, d.probe_id, d.state, "
        "  coalesce ((SELECT interval_ms FROM device_check c WHERE c.device_id = d.id "
        "             AND c.kind = 'icmp'), 10000), coalesce (d.state_us, 0) FROM device d");
    if (!stmt)
        return -1;
    while (sqlite3_step (stmt) == SQLITE_ROW) {
        rdev_t *device = (rdev_t *) zmalloc (sizeof (rdev_t));
        device->id = sqlite3_column_int64 (stmt, 0);
        device->name = strdup ((const char *) sqlite3_column_text (stmt, 1));
        device->site_id = sqlite3_column_int64 (stmt, 2);
        device->parent_id = sqlite3_column_int64 (stmt, 3);
        device->probe_id = sqlite3_column_int64 (stmt, 4);
        const char *state = (const char *) sqlite3_column_text (stmt, 5);
        for (int i = 0; i < 4; i++)
            if (streq (state, reach_states [i]))
                device->state = (dev_state_t) i;
        //  what it was, until samples say otherwise
        device->reach = device->state == STATE_UP? REACH_UP
                      : device->state == STATE_UNKNOWN? REACH_UNKNOWN: REACH_DOWN;
        device->bad = device->reach == REACH_DOWN? self->down_after: 0;
        device->last_loss_us = vd_now_us ();
        device->interval_ms = sqlite3_column_int64 (stmt, 6);
        device->state_us = device->reach_us = sqlite3_column_int64 (stmt, 7);
        device->logged = device->state;
        //  its last result is not known here (the compacted one may be
        //  older than those the rules read): no gap is judged before the
        //  next one
        device->last_ts = 0;
        char key [24];
        snprintf (key, sizeof key, "%lld", (long long) device->id);
        rdev_t *was = before? (rdev_t *) zhashx_lookup (before, key): NULL;
        if (was) {
            device->reach = was->reach;
            device->bad = was->bad;
            device->bad_us = was->bad_us;
            device->reach_us = was->reach_us;
            device->last_ts = was->last_ts;
            device->last_loss_us = was->last_loss_us;
            device->state_us = was->state_us;
            device->logged = was->logged;
            device->logged_under = was->logged_under;
        }
        zhashx_update (self->devices, key, device);
        zhashx_update (self->device_names, device->name, device);
    }
    sqlite3_finalize (stmt);

    stmt = vd_db_prepare (self->db,
        "SELECT id, name, site_id, link, state, clock IS 'skewed', clock_offset_us FROM probe");
    if (!stmt)
        return -1;
    while (sqlite3_step (stmt) == SQLITE_ROW) {
        rprobe_t *probe = (rprobe_t *) zmalloc (sizeof (rprobe_t));
        probe->id = sqlite3_column_int64 (stmt, 0);
        probe->name = strdup ((const char *) sqlite3_column_text (stmt, 1));
        probe->site_id = sqlite3_column_int64 (stmt, 2);
        probe->revoked = streq ((const char *) sqlite3_column_text (stmt, 4), "revoked");
        probe->lost = streq ((const char *) sqlite3_column_text (stmt, 3), "lost") && !probe->revoked;
        probe->skewed = sqlite3_column_int (stmt, 5) && !probe->revoked;
        probe->offset = sqlite3_column_int64 (stmt, 6);
        char key [24];
        snprintf (key, sizeof key, "%lld", (long long) probe->id);
        zhashx_update (self->probes, key, probe);
    }
    sqlite3_finalize (stmt);
    self->reload = false;
    self->states_dirty = true;
    return 0;
}

//  True if an open alarm of the rule exists on the object (after a restart)
static bool
s_open_alarm (rules_t *self, int64_t rule_id, const char *object)
{
    sqlite3_stmt *stmt = vd_db_prepare (self->db,
        "SELECT 1 FROM alarm WHERE rule_id = ? AND object = ? AND state != 'cleared'");
    bool open = false;
    if (stmt) {
        sqlite3_bind_int64 (stmt, 1, rule_id);
        sqlite3_bind_text (stmt, 2, object, -1, SQLITE_STATIC);
        open = sqlite3_step (stmt) == SQLITE_ROW;
    }
    sqlite3_finalize (stmt);
    return open;
}

//  What an alarm on a series is about: DEVICE/METRIC, or vedette/METRIC
static void
s_series_object (rseries_t *series, char *object, size_t size)
{
    snprintf (object, size, "%s/%s", series->device? series->device->name: MESHD_SELF_NAME,
              series->metric);
}

//  A state a device was in for a while within a pass (a probe's spool sent
//  after a cut holds whole outages): its history has it, even when the
//  pass ends in the state it began with
typedef struct {
    int64_t device_id, ts;
    dev_state_t state;
} history_t;

static void
s_history (rules_t *self, rdev_t *device)
{
    int64_t above;
    dev_state_t state = reach_state (self->devices, device, &above);
    if (state == device->logged)
        return;
    device->state_us = reach_since (self->devices, device, above, device->logged_under, vd_now_us ());
    device->logged = state;
    device->logged_under = above;
    history_t *entry = (history_t *) zmalloc (sizeof (history_t));
    *entry = (history_t) { device->id, device->state_us, state };
    zlistx_add_end (self->history, entry);
}

//  A device's reach changed: its history, and that of those under a
//  parent (it may be theirs), have their states now
static void
s_reach_changed (rules_t *self, rdev_t *changed)
{
    self->states_dirty = true;
    s_history (self, changed);
    for (rdev_t *device = (rdev_t *) zhashx_first (self->devices); device;
         device = (rdev_t *) zhashx_next (self->devices))
        if (device->parent_id && device != changed)
            s_history (self, device);
}

//  Adds a state to a device's history (device_state_log, what availability
//  reports read): one that began at the same time as the one before it
//  replaces it
static int
s_log_state (rules_t *self, int64_t device_id, int64_t ts, dev_state_t state)
{
    return vd_db_run (self->db, "INSERT OR REPLACE INTO device_state_log (device_id, ts_us, state) "
                                "VALUES (?, ?, ?)", "iis", device_id, ts, reach_states [state]);
}

static int
s_write_history (rules_t *self)
{
    history_t *entry;
    int rc = 0;
    while (rc == 0 && (entry = (history_t *) zlistx_first (self->history))) {
        rc = s_log_state (self, entry->device_id, entry->ts, entry->state);
        zlistx_delete (self->history, NULL);
    }
    return rc;
}

static rseries_t *
s_series (rules_t *self, uint64_t id)
{
    if (id == 0 || id > INT32_MAX)
        return NULL;
    if (id < self->series_size && self->series [id])
        return self->series [id];
    if (id >= self->series_size) {
        size_t size = self->series_size? self->series_size: 1024;
        while (size <= id)
            size *= 2;
        self->series = (rseries_t **) realloc (self->series, size * sizeof (rseries_t *));
        memset (self->series + self->series_size, 0,
                (size - self->series_size) * sizeof (rseries_t *));
        self->series_size = size;
    }
    rseries_t *series = (rseries_t *) zmalloc (sizeof (rseries_t));
    series->id = (int64_t) id;
    self->series [id] = series;
    sqlite3_stmt *stmt = vd_db_prepare (self->db,
        "SELECT device_id, metric, unit, own FROM series WHERE id = ?");
    if (!stmt)
        return series;
    sqlite3_bind_int64 (stmt, 1, (int64_t) id);
    if (sqlite3_step (stmt) == SQLITE_ROW) {
        series->device = reach_device (self->devices, sqlite3_column_int64 (stmt, 0));
        series->metric = strdup ((const char *) sqlite3_column_text (stmt, 1));
        series->unit = strdup ((const char *) sqlite3_column_text (stmt, 2));
        series->is_loss = streq (series->metric, "icmp.loss") && series->device;
        series->own = sqlite3_column_int (stmt, 3);
    }
    sqlite3_finalize (stmt);
    if (!series->device && !series->own)
        return series;          //  a removed device's series: nothing applies
    series->rules = (int *) calloc (self->nrules + 1, sizeof (int));
    for (int i = 0; i < self->nrules; i++)
        if (rule_applies (&self->rules [i], series->metric, series->device? series->device->site_id: 0,
                          series->device? series->device->id: 0))
            series->rules [series->nlinks++] = i;
    series->links = (rlink_t *) calloc (series->nlinks + 1, sizeof (rlink_t));
    for (int i = 0; i < series->nlinks; i++) {
        char object [200];
        s_series_object (series, object, sizeof object);
        series->links [i].state.raised = s_open_alarm (self, self->rules [series->rules [i]].id, object);
    }
    return series;
}

static change_t *
s_change (rules_t *self, rule_step_t step, int rule, const char *object, int64_t ts)
{
    change_t *change = (change_t *) zmalloc (sizeof (change_t));
    change->step = step;
    change->rule = rule;
    change->object = strdup (object);
    change->ts = ts;
    zlistx_add_end (self->changes, change);
    return change;
}

static void
s_sample (rules_t *self, const vd_sample_t *sample)
{
    rseries_t *series = s_series (self, sample->series_id);
    if (!series || (!series->device && !series->own))
        return;
    self->samples++;
    if (series->is_loss) {
        rdev_t *device = series->device;
        int64_t ts = vd_round_ms (sample->ts_us);
        device->last_loss_us = vd_now_us ();
        if (reach_gap (device, ts))
            s_reach_changed (self, device);
        if (reach_loss (device, sample->value, ts, self->down_after))
            s_reach_changed (self, device);
    }
    for (int i = 0; i < series->nlinks; i++) {
        rlink_t *link = &series->links [i];
        const rule_t *rule = &self->rules [series->rules [i]];
        rule_step_t step = rule_step (rule, &link->state, sample->ts_us, sample->value,
                                      sample->flags);
        if (step == RULE_HOLD) {
            if (!link->hold)
                self->holds++;
            link->hold = true;
            link->value = sample->value;
            link->ts = sample->ts_us;
            continue;
        }
        if (step != RULE_RAISE && step != RULE_CLEAR)
            continue;
        char object [200];
        s_series_object (series, object, sizeof object);
        change_t *change = s_change (self, step, series->rules [i], object, sample->ts_us);
        change->series = series;
        change->device = series->device;
        change->has_value = true;
        change->value = sample->value;
        char message [256];
        rule_describe (rule, sample->value, series->unit, message, sizeof message);
        change->message = strdup (message);
        if (link->hold)
            self->holds--;
        link->hold = false;
    }
}

//  Reads the sample tail after the cursor
static int
s_read_samples (rules_t *self, int max_batches)
{
    sqlite3_stmt *stmt = vd_db_prepare (self->db,
        "SELECT id, data FROM sample_batch WHERE id > ? ORDER BY id LIMIT ?");
    if (!stmt)
        return -1;
    sqlite3_bind_int64 (stmt, 1, self->sample_cursor);
    sqlite3_bind_int (stmt, 2, max_batches);
    int batches = 0;
    while (sqlite3_step (stmt) == SQLITE_ROW) {
        self->sample_cursor = sqlite3_column_int64 (stmt, 0);
        const byte *data = (const byte *) sqlite3_column_blob (stmt, 1);
        int count = vd_samples_count ((size_t) sqlite3_column_bytes (stmt, 1));
        for (int i = 0; i < count; i++) {
            vd_sample_t sample;
            vd_sample_decode (data + (size_t) i * VD_SAMPLE_SIZE, &sample);
            s_sample (self, &sample);
        }
        batches++;
    }
    sqlite3_finalize (stmt);
    return batches;
}

static rprobe_t *
s_probe_named (rules_t *self, const char *name)
{
    for (rprobe_t *probe = (rprobe_t *) zhashx_first (self->probes); probe;
         probe = (rprobe_t *) zhashx_next (self->probes))
        if (streq (probe->name, name))
            return probe;
    return NULL;
}

static rdev_t *
s_device_named (rules_t *self, const char *name)
{
    return name? (rdev_t *) zhashx_lookup (self->device_names, name): NULL;
}

//  A probe enrolled since the last load
static rprobe_t *
s_probe_fetch (rules_t *self, const char *name)
{
    sqlite3_stmt *stmt = vd_db_prepare (self->db, "SELECT id, site_id FROM probe WHERE name = ?");
    rprobe_t *probe = NULL;
    if (stmt) {
        sqlite3_bind_text (stmt, 1, name, -1, SQLITE_STATIC);
        if (sqlite3_step (stmt) == SQLITE_ROW) {
            probe = (rprobe_t *) zmalloc (sizeof (rprobe_t));
            probe->id = sqlite3_column_int64 (stmt, 0);
            probe->name = strdup (name);
            probe->site_id = sqlite3_column_int64 (stmt, 1);
            char key [24];
            snprintf (key, sizeof key, "%lld", (long long) probe->id);
            zhashx_update (self->probes, key, probe);
        }
    }
    sqlite3_finalize (stmt);
    return probe;
}

//  What an alarm on a state says, raised (now) or cleared
static char *
s_state_message (const char *state, bool now, const char *object, rprobe_t *probe)
{
    if (probe && streq (state, "skewed"))
        return now? zsys_sprintf ("probe %s's clock is %+.1f s from meshd's", probe->name,
                                  probe->offset / 1e6)
                  : zsys_sprintf ("probe %s's clock is back in step", probe->name);
    if (probe)
        return zsys_sprintf ("probe %s is %s", probe->name, now? "lost": "back");
    return zsys_sprintf ("%s is %s", object, now? state: "no longer down");
}

static void
s_state_changes (rules_t *self, const char *state, bool now, int64_t site_id, int64_t device_id,
                 const char *object, rdev_t *device, rprobe_t *probe)
{
    for (int i = 0; i < self->nrules; i++) {
        rule_t *rule = &self->rules [i];
        if (rule->kind != RULE_STATE || !rule->state || !streq (rule->state, state)
        ||  (rule->site_id && rule->site_id != site_id)
        ||  (rule->device_id && rule->device_id != device_id))
            continue;
        change_t *change = s_change (self, now? RULE_RAISE: RULE_CLEAR, i, object, vd_now_us ());
        change->device = device;
        change->probe = probe;
        change->message = s_state_message (state, now, object, probe);
    }
}

//  The probe a probe.* event is about, and its field (link, clock), or NULL
static rprobe_t *
s_event_probe (rules_t *self, json_t *data, const char *field, const char **value)
{
    const char *name = json_string_value (json_object_get (data, "probe"));
    *value = json_string_value (json_object_get (data, field));
    rprobe_t *probe = name? s_probe_named (self, name): NULL;
    if (!probe && name)
        probe = s_probe_fetch (self, name);
    return *value? probe: NULL;
}

//  A probe's state rules (lost, skewed) follow it into or out of state
static void
s_probe_state (rules_t *self, rprobe_t *probe, const char *state, bool now)
{
    char object [100];
    snprintf (object, sizeof object, "probe:%s", probe->name);
    s_state_changes (self, state, now, probe->site_id, 0, object, NULL, probe);
}

static void
s_probe_link (rules_t *self, json_t *data)
{
    const char *link;
    rprobe_t *probe = s_event_probe (self, data, "link", &link);
    if (!probe)
        return;
    char sql [96];
    snprintf (sql, sizeof sql, "SELECT state = 'revoked' FROM probe WHERE id = %lld",
              (long long) probe->id);
    probe->revoked = vd_db_int (self->db, sql, 1) == 1;
    bool lost = streq (link, "lost") && !probe->revoked;
    if (lost == probe->lost)
        return;
    probe->lost = lost;
    s_probe_state (self, probe, "lost", lost);
    //  its devices: unknown, not down, while nobody measures them
    int64_t now = vd_now_us ();
    for (rdev_t *device = (rdev_t *) zhashx_first (self->devices); device;
         device = (rdev_t *) zhashx_next (self->devices))
        if (device->probe_id == probe->id && lost)
            reach_unknown (device, now);
    self->states_dirty = true;
}

static void
s_probe_clock (rules_t *self, json_t *data)
{
    const char *clock;
    rprobe_t *probe = s_event_probe (self, data, "clock", &clock);
    if (!probe)
        return;
    probe->offset = json_integer_value (json_object_get (data, "offset_us"));
    bool skewed = streq (clock, "skewed") && !probe->revoked;
    if (skewed == probe->skewed)
        return;
    probe->skewed = skewed;
    s_probe_state (self, probe, "skewed", skewed);
}

//  The text an event rule's regular expression is matched against
static const char *
s_event_text (json_t *data)
{
    const char *text = json_string_value (json_object_get (data, "message"));
    if (!text)
        text = json_string_value (json_object_get (data, "text"));
    return text? text: "";
}

static void
s_event (rules_t *self, const char *topic, int64_t site_id, json_t *data, int64_t ts)
{
    if (streq (topic, "probe.link")) {
        s_probe_link (self, data);
        return;
    }
    if (streq (topic, "probe.clock")) {
        s_probe_clock (self, data);
        return;
    }
    if (streq (topic, "device.added") || streq (topic, "device.removed")
    ||  streq (topic, "device.changed"))
        self->reload = true;
    if (strncmp (topic, "alarm.", 6) == 0 || strncmp (topic, "device.", 7) == 0
    ||  strncmp (topic, "site.", 5) == 0
    ||  (strncmp (topic, "probe.", 6) == 0 && !streq (topic, "probe.dropped")))
        return;                 //  our own, or not something rules match
    self->matched++;
    const char *device_name = json_string_value (json_object_get (data, "device"));
    rdev_t *device = s_device_named (self, device_name);
    //  what it is about: its device, else the address it came from, else its probe
    const char *source = device? device->name: device_name;
    if (!source)
        source = json_string_value (json_object_get (data, "address"));
    if (!source)
        source = json_string_value (json_object_get (data, "probe"));
    if (!source)
        source = json_string_value (json_object_get (data, "object"));     //  meshd's own
    const char *oid = json_string_value (json_object_get (data, "oid"));
    const char *ifname = json_string_value (json_object_get (data, "if"));
    char object [200];
    snprintf (object, sizeof object, "%s%s%s", source? source: "unknown",
              ifname? "/": "", ifname? ifname: "");
    for (int i = 0; i < self->nrules; i++) {
        rule_t *rule = &self->rules [i];
        if (rule->kind != RULE_EVENT || (rule->site_id && rule->site_id != site_id)
        ||  (rule->device_id && (!device || rule->device_id != device->id)))
            continue;
        bool clears = rule->clear_on
                   && (streq (rule->clear_on, topic) || (oid && streq (rule->clear_on, oid)));
        bool raises = rule->metric && streq (rule->metric, topic)
                   && (!rule->oid || (oid && streq (rule->oid, oid)))
                   && (!rule->has_regex
                       || regexec (&rule->regex, s_event_text (data), 0, NULL, 0) == 0);
        if (!raises && !clears)
            continue;
        change_t *change = s_change (self, raises? RULE_RAISE: RULE_CLEAR, i, object, ts);
        change->device = device;
        char message [300];
        snprintf (message, sizeof message, "%s%s%s", oid && !streq (topic, "syslog")? oid: topic,
                  *s_event_text (data)? ": ": "", s_event_text (data));
        change->message = strdup (message);
    }
}

static int
s_read_events (rules_t *self)
{
    sqlite3_stmt *stmt = vd_db_prepare (self->db,
        "SELECT id, topic, site_id, data, ts_us FROM event WHERE id > ? ORDER BY id LIMIT ?");
    if (!stmt)
        return -1;
    sqlite3_bind_int64 (stmt, 1, self->event_cursor);
    sqlite3_bind_int (stmt, 2, RULES_EVENTS_BATCH);
    int rows = 0;
    while (sqlite3_step (stmt) == SQLITE_ROW) {
        self->event_cursor = sqlite3_column_int64 (stmt, 0);
        json_t *data = json_loads ((const char *) sqlite3_column_text (stmt, 3), 0, NULL);
        if (data)
            s_event (self, (const char *) sqlite3_column_text (stmt, 1),
                     sqlite3_column_int64 (stmt, 2), data, sqlite3_column_int64 (stmt, 4));
        json_decref (data);
        rows++;
    }
    sqlite3_finalize (stmt);
    return rows;
}

//  Stores the device's state and adds it to its history
static int
s_exec_state (rules_t *self, rdev_t *device)
{
    if (vd_db_run (self->db, "UPDATE device SET state = ?, state_us = ? WHERE id = ?", "sii",
                   reach_states [device->state], device->state_us, device->id))
        return -1;
    return s_log_state (self, device->id, device->state_us, device->state);
}

//  Works out each device's state from its reach and its parents', writes
//  what changed, its event and its correlation, and queues state rules
static int
s_device_states (rules_t *self)
{
    if (!self->states_dirty)
        return 0;
    self->states_dirty = false;
    int64_t now = vd_now_us ();
    for (rdev_t *device = (rdev_t *) zhashx_first (self->devices); device;
         device = (rdev_t *) zhashx_next (self->devices)) {
        int64_t above, was_under = device->down_under;
        dev_state_t state = reach_state (self->devices, device, &above);
        if (above != device->down_under) {
            if (alarm_suppress (self->db, device->id, above) < 0)
                return -1;
            device->down_under = above;
        }
        if (state == device->state)
            continue;
        dev_state_t was = device->state;
        device->state = device->logged = state;
        device->state_us = reach_since (self->devices, device, above, was_under, now);
        device->logged_under = above;
        if (s_exec_state (self, device))
            return -1;
        rdev_t *under = above? reach_device (self->devices, above): NULL;
        json_t *data = json_pack ("{s:s, s:s, s:s, s:I}", "device", device->name,
                                  "state", reach_states [state], "previous", reach_states [was],
                                  "since_us", (json_int_t) device->state_us);
        if (under)
            json_object_set_new (data, "under", json_string (under->name));
        char *text = json_dumps (data, JSON_COMPACT);
        json_decref (data);
        int rc = meshd_event (self->db, "device.state", device->site_id, text);
        free (text);
        if (rc)
            return -1;
        s_state_changes (self, reach_states [was], false, device->site_id, device->id,
                         device->name, device, NULL);
        s_state_changes (self, reach_states [state], true, device->site_id, device->id,
                         device->name, device, NULL);
    }
    return 0;
}

static flap_t *
s_flap (rules_t *self, int64_t rule_id, const char *object)
{
    char key [220];
    snprintf (key, sizeof key, "%lld/%s", (long long) rule_id, object);
    flap_t *flap = (flap_t *) zhashx_lookup (self->flaps, key);
    if (!flap) {
        flap = (flap_t *) zmalloc (sizeof (flap_t));
        zhashx_insert (self->flaps, key, flap);
    }
    return flap;
}

//  Records a change of state; true when it makes the object flapping
static bool
s_flip (rules_t *self, flap_t *flap, bool condition, int64_t now)
{
    return flap_change (flap, condition, now, self->flap_count, self->flap_window_us);
}

static int
s_apply (rules_t *self, change_t *change)
{
    rule_t *rule = &self->rules [change->rule];
    int64_t now = vd_now_us ();
    flap_t *flap = s_flap (self, rule->id, change->object);
    if (change->step == RULE_CLEAR) {
        bool flapping = rule->kind != RULE_EVENT && s_flip (self, flap, false, now);
        if (flap->flapping)
            return 0;           //  stays open until it settles
        sqlite3_stmt *stmt = vd_db_prepare (self->db,
            "SELECT id FROM alarm WHERE rule_id = ? AND object = ? AND state != 'cleared'");
        if (!stmt)
            return -1;
        sqlite3_bind_int64 (stmt, 1, rule->id);
        sqlite3_bind_text (stmt, 2, change->object, -1, SQLITE_STATIC);
        int64_t id = sqlite3_step (stmt) == SQLITE_ROW? sqlite3_column_int64 (stmt, 0): 0;
        sqlite3_finalize (stmt);
        if (id && flapping) {
            //  one change too many: it stays open, as one flapping alarm
            flap->flapping = true;
            flap->alarm_id = id;
            return alarm_flapping (self->db, id, true, now);
        }
        if (id) {
            if (alarm_clear (self->db, id, NULL, now))
                return -1;
            self->cleared++;
        }
        return 0;
    }
    bool flapping = false;
    if (rule->kind != RULE_EVENT)
        flapping = s_flip (self, flap, true, now);
    rdev_t *device = change->device;
    alarm_raise_t raise = {
        .rule_id = rule->id, .rule = rule->name, .severity = rule->severity,
        .object = change->object, .device_id = device? device->id: 0,
        .probe_id = change->probe? change->probe->id: 0,
        .site_id = device? device->site_id: change->probe? change->probe->site_id: 0,
        .message = change->message? change->message: rule->name,
        .has_value = change->has_value, .value = change->value, .ts_us = change->ts,
        .suppressed_by = device? device->down_under: 0,
        .flapping = flapping && !flap->flapping,
        .hold_us = reach_hold (self->devices, device, self->down_after, RULES_TRANSPORT_US)
    };
    bool fresh;
    int64_t id = alarm_raise (self->db, &raise, &fresh);
    if (!id)
        return -1;
    if (fresh)
        self->raised++;
    if (flapping && !flap->flapping) {
        flap->flapping = true;
        flap->alarm_id = id;
        if (!fresh && alarm_flapping (self->db, id, true, now))
            return -1;
    }
    return 0;
}

//  Writes the breaches of raised metric alarms seen in the pass: last value
//  and time, once per alarm per pass (never a row per sample)
static int
s_holds (rules_t *self)
{
    if (self->holds == 0)
        return 0;
    self->holds = 0;
    sqlite3_stmt *stmt = vd_db_prepare (self->db,
        "UPDATE alarm SET value = ?, last_us = max (last_us, ?) "
        "WHERE rule_id = ? AND object = ? AND state != 'cleared'");
    if (!stmt)
        return -1;
    int rc = 0;
    for (size_t id = 0; id < self->series_size && rc == 0; id++) {
        rseries_t *series = self->series [id];
        if (!series || (!series->device && !series->own))
            continue;
        for (int i = 0; i < series->nlinks; i++) {
            rlink_t *link = &series->links [i];
            if (!link->hold)
                continue;
            link->hold = false;
            char object [200];
            s_series_object (series, object, sizeof object);
            sqlite3_bind_double (stmt, 1, link->value);
            sqlite3_bind_int64 (stmt, 2, link->ts);
            sqlite3_bind_int64 (stmt, 3, self->rules [series->rules [i]].id);
            sqlite3_bind_text (stmt, 4, object, -1, SQLITE_TRANSIENT);
            rc = sqlite3_step (stmt) == SQLITE_DONE? 0: -1;
            bool gone = rc == 0 && sqlite3_changes (self->db) == 0;
            sqlite3_reset (stmt);
            if (gone)
                link->state.raised = false;     //  cleared by hand: raise again next time
        }
    }
    sqlite3_finalize (stmt);
    return rc;
}

static int
s_save_cursors (rules_t *self)
{
    char sql [200];
    snprintf (sql, sizeof sql,
              "UPDATE cursor SET value = CASE name WHEN 'rules.samples' THEN %lld ELSE %lld END "
              "WHERE name IN ('rules.samples', 'rules.events')",
              (long long) self->sample_cursor, (long long) self->event_cursor);
    return vd_db_exec (self->db, sql);
}

//  Ticks: expired acknowledgements, event alarms that clear by themselves,
//  flapping alarms that settled, devices nobody reports on any more
static int
s_tick (rules_t *self)
{
    int64_t now = vd_now_us ();
    sqlite3_stmt *stmt = vd_db_prepare (self->db,
        "UPDATE alarm SET state = 'active', acked_by = NULL, acked_us = NULL, ack_comment = NULL, "
        "ack_expires_us = NULL WHERE state = 'acked' AND ack_expires_us <= ? RETURNING id");
    if (!stmt)
        return -1;
    sqlite3_bind_int64 (stmt, 1, now);
    zlistx_t *ids = alarm_ids (stmt);
    //  an acknowledgement that ran out: the alarm is everyone's again
    for (void *id = zlistx_first (ids); id; id = zlistx_next (ids))
        if (alarm_event (self->db, (int64_t) (intptr_t) id, "alarm.unacked")
        ||  alarm_notify (self->db, (int64_t) (intptr_t) id, "repeat", now, 0) < 0) {
            zlistx_destroy (&ids);
            return -1;
        }
    zlistx_destroy (&ids);

    //  event alarms quiet for their rule's clear_after
    stmt = vd_db_prepare (self->db,
        "SELECT a.id FROM alarm a JOIN rule r ON r.id = a.rule_id "
        "WHERE r.enabled AND r.kind = 'event' AND r.clear_after_ms > 0 "
        "  AND a.state != 'cleared' AND a.last_us < ?1 - r.clear_after_ms * 1000");
    if (!stmt)
        return -1;
    sqlite3_bind_int64 (stmt, 1, now);
    ids = alarm_ids (stmt);
    for (void *id = zlistx_first (ids); id; id = zlistx_next (ids))
        if (alarm_clear (self->db, (int64_t) (intptr_t) id, NULL, now) == 0)
            self->cleared++;
    zlistx_destroy (&ids);

    for (flap_t *flap = (flap_t *) zhashx_first (self->flaps); flap;
         flap = (flap_t *) zhashx_next (self->flaps)) {
        if (!flap_settled (flap, now, self->flap_window_us))
            continue;
        if (alarm_flapping (self->db, flap->alarm_id, false, now))
            return -1;
        if (!flap->condition && alarm_clear (self->db, flap->alarm_id, NULL, now) == 0)
            self->cleared++;
    }

    for (rdev_t *device = (rdev_t *) zhashx_first (self->devices); device;
         device = (rdev_t *) zhashx_next (self->devices)) {
        int64_t stale = (3 * device->interval_ms + 30000) * 1000;
        if (device->reach != REACH_UNKNOWN && now - device->last_loss_us > stale) {
            reach_unknown (device, now);
            self->states_dirty = true;
        }
    }
    return 0;
}

//  Writes the changes queued so far, in order
static int
s_apply_all (rules_t *self)
{
    change_t *change;
    while ((change = (change_t *) zlistx_first (self->changes))) {
        int rc = s_apply (self, change);
        zlistx_delete (self->changes, zlistx_cursor (self->changes));
        if (rc)
            return -1;
    }
    return 0;
}

//  After a load: a state rule also covers what is in that state already
//  (a rule for down added while a device is down raises at once)
static void
s_sync_states (rules_t *self)
{
    for (int i = 0; i < self->nrules; i++) {
        rule_t *rule = &self->rules [i];
        if (rule->kind != RULE_STATE || !rule->state)
            continue;
        bool lost = streq (rule->state, "lost");
        if (lost || streq (rule->state, "skewed")) {
            for (rprobe_t *probe = (rprobe_t *) zhashx_first (self->probes); probe;
                 probe = (rprobe_t *) zhashx_next (self->probes)) {
                char object [100];
                snprintf (object, sizeof object, "probe:%s", probe->name);
                if ((lost? probe->lost: probe->skewed)
                &&  (!rule->site_id || rule->site_id == probe->site_id)
                &&  !s_open_alarm (self, rule->id, object)) {
                    change_t *change = s_change (self, RULE_RAISE, i, object, vd_now_us ());
                    change->probe = probe;
                    change->message = s_state_message (rule->state, true, object, probe);
                }
            }
            continue;
        }
        for (rdev_t *device = (rdev_t *) zhashx_first (self->devices); device;
             device = (rdev_t *) zhashx_next (self->devices))
            if (streq (reach_states [device->state], rule->state)
            &&  (!rule->site_id || rule->site_id == device->site_id)
            &&  (!rule->device_id || rule->device_id == device->id)
            &&  !s_open_alarm (self, rule->id, device->name)) {
                change_t *change = s_change (self, RULE_RAISE, i, device->name, vd_now_us ());
                change->device = device;
                change->message = zsys_sprintf ("%s is %s", device->name, rule->state);
            }
    }
}

//  One pass: read, evaluate, write it all in one transaction
static int
s_pass (rules_t *self, bool tick, bool *more)
{
    *more = false;
    if (self->reload) {
        if (s_load (self))
            return -1;
        s_sync_states (self);
    }
    int64_t samples_was = self->sample_cursor, events_was = self->event_cursor;
    int batches = s_read_samples (self, 200);
    int events = s_read_events (self);
    if (batches < 0 || events < 0)
        return -1;
    //  nothing to write: the cursors wait for the next write or tick (to
    //  read samples again after a restart changes nothing that was written)
    *more = batches == 200 || events == RULES_EVENTS_BATCH;
    if (!tick && !self->states_dirty && self->holds == 0 && zlistx_size (self->changes) == 0)
        return 0;
    if (vd_db_begin (self->db))
        goto failed;
    int rc = s_write_history (self);
    if (rc == 0)
        rc = s_device_states (self);
    if (rc == 0)
        rc = s_apply_all (self);
    if (rc == 0)
        rc = s_holds (self);
    if (rc == 0 && tick)
        rc = s_tick (self);
    if (rc == 0)
        rc = s_device_states (self);
    if (rc == 0)
        rc = s_apply_all (self);
    if (rc == 0)
        rc = s_save_cursors (self);
    //  (a statement's failure that SQLite answered by rolling back the
    //  whole transaction leaves none open: not committed either)
    if (rc || sqlite3_get_autocommit (self->db) || vd_db_commit (self->db))
        goto failed;
    zlistx_purge (self->changes);
    zlistx_purge (self->history);
    self->passes++;
    zstr_send (self->events, "NEW");
    zstr_send (self->notify, "NEW");
    return 0;
failed:
    //  read again next time, from what was committed, with fresh state
    self->failures++;
    vd_complain (&self->failing, "rules: a pass failed (%s); evaluating again from the last commit",
                 sqlite3_errmsg (self->db));
    vd_db_rollback (self->db);
    zlistx_purge (self->changes);
    zlistx_purge (self->history);
    self->sample_cursor = samples_was;
    self->event_cursor = events_was;
    self->reload = true;
    self->fresh = true;
    zhashx_purge (self->flaps);
    *more = false;
    return -1;
}

static void
s_destroy (rules_t *self)
{
    s_forget (self);
    zhashx_destroy (&self->device_names);
    zhashx_destroy (&self->devices);
    zhashx_destroy (&self->probes);
    zhashx_destroy (&self->flaps);
    zlistx_destroy (&self->changes);
    zlistx_destroy (&self->history);
    vd_db_close (&self->db);
    vd_sock_close (&self->in, MESHD_RULES_IN);
    zsock_destroy (&self->events);
    zsock_destroy (&self->notify);
}

void
rules_actor (zsock_t *pipe, void *args)
{
    rules_t self = { .meshd = (meshd_t *) args, .failing = { .every_ms = 1000 } };
    self.down_after = (int) vd_config_int (self.meshd->config, "rules/down_after");
    self.flap_count = (int) vd_config_int (self.meshd->config, "rules/flap_count");
    if (self.flap_count < 2 || self.flap_count > FLAP_MAX) {
        zsys_warning ("rules: rules/flap_count %d is not between 2 and %d: %d it is",
                      self.flap_count, FLAP_MAX, self.flap_count < 2? 2: FLAP_MAX);
        self.flap_count = self.flap_count < 2? 2: FLAP_MAX;
    }
    self.flap_window_us = vd_config_int (self.meshd->config, "rules/flap_window") * 1000;
    self.devices = zhashx_new ();
    self.device_names = zhashx_new ();
    zhashx_set_destructor (self.devices, (zhashx_destructor_fn *) s_device_destroy);
    self.probes = zhashx_new ();
    zhashx_set_destructor (self.probes, (zhashx_destructor_fn *) s_probe_destroy);
    self.flaps = zhashx_new ();
    zhashx_set_destructor (self.flaps, (zhashx_destructor_fn *) zstr_free);
    self.changes = zlistx_new ();
    self.history = zlistx_new ();
    zlistx_set_destructor (self.history, (zhashx_destructor_fn *) zstr_free);
    zlistx_set_destructor (self.changes, (zhashx_destructor_fn *) s_change_destroy);
    self.db = vd_db_open (self.meshd->db_path, false);
    self.in = zsock_new (ZMQ_PULL);
    self.events = zsock_new (ZMQ_PUSH);
    self.notify = zsock_new (ZMQ_PUSH);
    if (!self.db || !self.in || !self.events || !self.notify
    ||  zsock_bind (self.in, MESHD_RULES_IN) || zsock_connect (self.events, MESHD_EVENTS_IN)
    ||  zsock_connect (self.notify, MESHD_NOTIFY_IN))
        goto fail;
    zsock_set_sndtimeo (self.events, 0);
    zsock_set_sndtimeo (self.notify, 0);
    self.sample_cursor = vd_db_int (self.db, "SELECT value FROM cursor WHERE name = 'rules.samples'", -1);
    self.event_cursor = vd_db_int (self.db, "SELECT value FROM cursor WHERE name = 'rules.events'", -1);
    if (self.sample_cursor < 0 || self.event_cursor < 0 || s_load (&self))
        goto fail;
    s_sync_states (&self);
    zsock_signal (pipe, 0);

    zpoller_t *poller = zpoller_new (pipe, self.in, NULL);
    int64_t next_tick = vd_mono_ms () + RULES_TICK_MS;
    bool more = true;           //  catch up with what is there at start
    while (true) {
        int timeout = more? 0: (int) (next_tick - vd_mono_ms ());
        zsock_t *which = (zsock_t *) zpoller_wait (poller, timeout < 0? 0: timeout);
        if (which == pipe) {
            bool term;
            char *command = vd_actor_command (pipe, &term);
            if (command && streq (command, "STATS"))
                zsock_send (pipe, "888888", self.samples, self.matched, self.raised,
                            self.cleared, self.passes, self.failures);
            free (command);
            if (term)
                break;
            continue;
        }
        if (zpoller_terminated (poller))
            break;
        if (which == self.in) {
            //  take every poke waiting: one pass serves them all
            do {
                char *poke = zstr_recv (self.in);
                if (poke && streq (poke, "RELOAD"))
                    self.reload = true;
                free (poke);
            } while (zsock_events (self.in) & ZMQ_POLLIN);
        }
        bool tick = vd_mono_ms () >= next_tick;
        if (tick)
            next_tick = vd_mono_ms () + RULES_TICK_MS;
        s_pass (&self, tick, &more);
    }
    zpoller_destroy (&poller);
    s_destroy (&self);
    return;
fail:
    zsys_error ("rules: cannot start");
    s_destroy (&self);
    zsock_signal (pipe, 0);
    vd_actor_failed (pipe);
}
