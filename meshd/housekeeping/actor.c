/*  meshd/housekeeping/actor.c: every housekeeping/interval, the rollups of
    what compaction stored since the last pass (for half an interval at
    most: what is left waits for the next pass), then retention. Each step
    is its own short write transaction (at most ROLLUP_SERIES series a day
    each, or RETENTION_ROWS rows), so the store actor's ingest, which waits
    for the write lock, waits for one step at most. A stop is heard between
    steps. A line is logged per pass that did something. Then scheduled
    backups of the database, the devices whose configuration backups are
    overdue (backup/overdue.c), and scheduled reports that are due
    (report/schedule.c), run through an API context of its own.                                     */
#include "housekeeping/housekeeping.h"
#include "backup/backup.h"
#include "accounting/accounting.h"
#include "report/report.h"
#include "notify/channel.h"

#define ROLLUP_SERIES   64
#define RETENTION_ROWS  2000

typedef struct {
    meshd_t *meshd;
    zsock_t *pipe;
    sqlite3 *db;
    int64_t interval;
    retention_t keep;
    int64_t backup_every;       //  ms, 0: no scheduled backups
    int backup_keep;
    char *backup_dir;
    int64_t backup_last;        //  µs
    int64_t interim;            //  ms: a NAS's interim interval unless its sessions say
    api_t *api;                 //  runs scheduled reports
    char *from;                 //  their sender
    int64_t send_timeout;       //  ms
    bool stopping;
    vd_complaint_t failing;     //  failed steps, a line a second at most (a full disk fails them all)
} housekeeping_t;

//  Runs one step in a transaction: its result, or -1 (rolled back). Then
//  lets the write lock go for as long as it held it (2 to 50 ms): the
//  store, the rules actor and the API, which retry every millisecond
//  (vd_db_eager), get in between steps, so housekeeping takes at most
//  half of the writing time.
static int
s_step (housekeeping_t *self, int (*fn) (housekeeping_t *, void *), void *arg)
{
    int64_t began = vd_mono_ns ();
    if (vd_db_begin (self->db)) {
        vd_complain (&self->failing, "housekeeping: cannot begin: %s", sqlite3_errmsg (self->db));
        return -1;
    }
    int rc = fn (self, arg);
    if (rc < 0 || vd_db_commit (self->db)) {
        vd_complain (&self->failing, "housekeeping: a step failed: %s", sqlite3_errmsg (self->db));
        vd_db_rollback (self->db);
        rc = -1;
    }
    int64_t held_ms = (vd_mono_ns () - began) / 1000000;
    zclock_sleep ((int) (held_ms < 2? 2: held_ms > 50? 50: held_ms));
    return rc;
}

static int
s_rollup (housekeeping_t *self, void *arg)
{
    (void) arg;
    return rollup_run (self->db, ROLLUP_SERIES);
}

static int
s_retention (housekeeping_t *self, void *arg)
{
    return retention_step (self->db, &self->keep, vd_now_us (), RETENTION_ROWS,
                           (retention_counts_t *) arg);
}

//  What retention deleted of the audit is itself audited
static int
s_backup_overdue (housekeeping_t *self, void *arg)
{
    int count = backup_overdue (self->db);
    if (count > 0)
        *(int *) arg = count;
    return count < 0? -1: 0;
}

static int
s_accounting_stale (housekeeping_t *self, void *arg)
{
    int count = accounting_stale (self->db, self->interim);
    if (count > 0)
        *(int *) arg = count;
    return count < 0? -1: 0;
}

static int
s_audit_deleted (housekeeping_t *self, void *arg)
{
    uint64_t deleted = *(uint64_t *) arg;
    char detail [160];
    snprintf (detail, sizeof detail, "{\"deleted\": %" PRIu64 ", \"older_than_us\": %" PRId64 "}",
              deleted, vd_now_us () - self->keep.audit * 1000);
    sqlite3_stmt *stmt = vd_db_prepare (self->db,
        "INSERT INTO audit (ts_us, user, origin, op, detail) "
        "VALUES (?, 'meshd', 'housekeeping', 'audit.retention', ?)");
    int rc = stmt && sqlite3_bind_int64 (stmt, 1, vd_now_us ()) == SQLITE_OK
             && sqlite3_bind_text (stmt, 2, detail, -1, SQLITE_TRANSIENT) == SQLITE_OK
             && sqlite3_step (stmt) == SQLITE_DONE? 0: -1;
    sqlite3_finalize (stmt);
    return rc;
}

//  A stop or reload asked for: checked between steps
static bool
s_interrupted (housekeeping_t *self)
{
    return self->stopping || (zsock_events (self->pipe) & ZMQ_POLLIN);
}

static void
s_pass (housekeeping_t *self)
{
    int64_t started = vd_mono_ms ();
    //  compaction marks series while the pass runs: rollups stop after half
    //  an interval (a second at least), and retention gets its turn
    int64_t deadline = started + (self->interval / 2 > 1000? self->interval / 2: 1000);
    int64_t series = 0;
    int rc;
    while (vd_mono_ms () < deadline && !s_interrupted (self) && (rc = s_step (self, s_rollup, NULL)) > 0)
        series += rc;
    retention_counts_t counts = { 0 };
    while (!s_interrupted (self) && s_step (self, s_retention, &counts) > 0)
        ;
    if (counts.audit)
        s_step (self, s_audit_deleted, &counts.audit);
    uint64_t rollups = counts.rollups [0] + counts.rollups [1] + counts.rollups [2];
    if (self->backup_every && vd_now_us () >= self->backup_last + self->backup_every * 1000) {
        char *path, *error;
        int64_t begun = vd_mono_ms ();
        if (backup_take (self->db, self->backup_dir, self->backup_keep, &path, &error) == 0)
            zsys_info ("housekeeping: backup %s taken in %lld ms", path, (long long) (vd_mono_ms () - begun));
        else
            zsys_error ("housekeeping: backup failed: %s", error);
        free (path);
        free (error);
        self->backup_last = vd_now_us ();     //  a failure is tried again next time
    }
    int overdue = 0;
    if (!s_interrupted (self))
        s_step (self, s_backup_overdue, &overdue);
    if (overdue)
        zsys_notice ("housekeeping: %d device%s not backed up within twice their interval", overdue,
                     overdue == 1? "": "s");
    int stale = 0;
    if (!s_interrupted (self))
        s_step (self, s_accounting_stale, &stale);
    if (stale)
        zsys_notice ("housekeeping: %d PPP session%s not heard of for three interim intervals: stale", stale,
                     stale == 1? "": "s");
    if (!s_interrupted (self))
        schedule_due (self->api, self->from, self->send_timeout);
    if (series || counts.chunks || rollups || counts.events || counts.audit || counts.notifications
    ||  counts.states || counts.sessions || counts.sightings)
        zsys_info ("housekeeping: %" PRId64 " series rolled up; deleted %" PRIu64 " chunks, %" PRIu64
                   " rollups, %" PRIu64 " events, %" PRIu64 " notifications, %" PRIu64
                   " audit rows, %" PRIu64 " device states, %" PRIu64 " PPP sessions, %" PRIu64
                   " sightings; %" PRId64 " ms", series, counts.chunks, rollups, counts.events,
                   counts.notifications, counts.audit, counts.states, counts.sessions, counts.sightings,
                   vd_mono_ms () - started);
}

void
housekeeping_actor (zsock_t *pipe, void *args)
{
    housekeeping_t self = { .meshd = (meshd_t *) args, .pipe = pipe, .failing = { .every_ms = 1000 } };
    vd_config_t *config = self.meshd->config;
    self.interval = vd_config_int (config, "housekeeping/interval");
    self.keep = (retention_t) {
        .raw = vd_config_int (config, "retention/raw"),
        .rollup = { vd_config_int (config, "retention/5m"), vd_config_int (config, "retention/1h"),
                    vd_config_int (config, "retention/1d") },
        .events = vd_config_int (config, "retention/events"),
        .audit = vd_config_int (config, "retention/audit"),
        .notifications = vd_config_int (config, "retention/notifications"),
        .states = vd_config_int (config, "retention/states"),
        .ip_history = vd_config_int (config, "retention/ip_history")
    };
    self.backup_every = vd_config_int (config, "backup/every");
    self.interim = vd_config_int (config, "accounting/interim");
    self.backup_keep = (int) vd_config_int (config, "backup/keep");
    self.backup_dir = backup_dir (self.meshd);
    self.backup_last = backup_last_us (self.backup_dir);
    self.db = vd_db_open (self.meshd->db_path, false);
    self.api = api_new (self.meshd, NULL);
    self.from = channel_from (self.meshd);
    self.send_timeout = vd_config_int (config, "notify/timeout");
    if (!self.db || !self.api) {
        zsys_error ("housekeeping: cannot start");
        vd_db_close (&self.db);
        api_destroy (&self.api);
        free (self.from);
        free (self.backup_dir);
        zsock_signal (pipe, 0);
        vd_actor_failed (pipe);
        return;
    }
    zsock_signal (pipe, 0);
    int64_t next = vd_mono_ms () + self.interval;
    zpoller_t *poller = zpoller_new (pipe, NULL);
    while (!self.stopping) {
        int64_t wait = next - vd_mono_ms ();
        zsock_t *which = (zsock_t *) zpoller_wait (poller, wait < 0? 0: (int) wait);
        if (which == pipe) {
            bool term;
            free (vd_actor_command (pipe, &term));
            self.stopping = term;
        }
        else
        if (zpoller_terminated (poller))
            break;
        if (!self.stopping && vd_mono_ms () >= next) {
            s_pass (&self);
            next = vd_mono_ms () + self.interval;
        }
    }
    zpoller_destroy (&poller);
    vd_db_close (&self.db);
    api_destroy (&self.api);
    free (self.from);
    free (self.backup_dir);
}
