/*  meshd/notify/notify.c: the notify actor. It delivers the notification outbox
    (table notification), which alarm transitions fill in their own
    transactions.

    A notification that is due is first checked against the alarm as it is
    now: cleared, acknowledged, suppressed under a parent that is down, or
    outside the route's hours means skipped (with the reason); maintenance
    means postponed to the end of the window. Otherwise it is marked
    sending (committed), and delivered by its channel's kind (email,
    webhook, exec: channel.h). All deliveries run at once (libcurl's multi interface, child processes),
    each with its own deadline (notify/timeout), so a target that hangs or
    refuses holds up nothing else. Every attempt is logged (table delivery);
    a failure is retried with exponential backoff (notify/retry, doubling,
    at most an hour) up to notify/attempts, then it is failed. A problem
    notification of a route with a repeat interval queues the next one while
    the alarm stays open and unacknowledged.

    After a crash, what was sending is sent again: delivery is at least once
    for the one in flight, and exactly once per transition otherwise.        */
#include "alarm/alarm.h"
#include "alarm/maint.h"
#include "alarm/rule.h"
#include "notify/channel.h"
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define NOTIFY_BATCH        64
#define NOTIFY_TICK_MS      500
#define NOTIFY_MAX_INFLIGHT 256


typedef struct {
    meshd_t *meshd;
    sqlite3 *db;
    zsock_t *in;                //  PULL: "NEW"
    zsock_t *events;            //  PUSH to events
    CURLM *multi;
    zlistx_t *jobs;             //  job_t in flight
    int64_t timeout_ms;
    int64_t retry_ms;
    int max_attempts;
    char *from;                 //  default sender address
    bool new_events;
    uint64_t sent, failed, skipped, attempts;
} notify_t;

static void
s_job_destroy (job_t **self_p)
{
    if (*self_p) {
        job_t *self = *self_p;
        if (self->curl)
            curl_easy_cleanup (self->curl);
        curl_slist_free_all (self->headers);
        curl_slist_free_all (self->recipients);
        free (self->payload);
        free (self);
        *self_p = NULL;
    }
}

static void
s_record_event (notify_t *self, const char *topic, int64_t id, const char *channel,
                const char *kind, int64_t alarm_id, const char *result)
{
    json_t *data = json_pack ("{s:I, s:s, s:s, s:I, s:s}", "id", (json_int_t) id,
                              "channel", channel, "kind", kind, "alarm", (json_int_t) alarm_id,
                              "result", result);
    char *text = json_dumps (data, JSON_COMPACT);
    json_decref (data);
    if (text && meshd_event (self->db, topic, 0, text) == 0)
        self->new_events = true;
    free (text);
}

static void
s_skip (notify_t *self, int64_t id, const char *reason)
{
    vd_db_run (self->db, "UPDATE notification SET status = 'skipped', result = ?, done_us = ? "
                  "WHERE id = ? AND status = 'pending'", "sii",
            reason, vd_now_us (), id);
    self->skipped++;
}

//  A route's hours ("08:00-18:00") and days ("mon,tue") allow now?
static bool
s_route_open (const char *hours, const char *days, int64_t now)
{
    time_t seconds = (time_t) (now / 1000000);
    struct tm local;
    localtime_r (&seconds, &local);
    if (days && *days && !strstr (days, maint_days [local.tm_wday]))
        return false;
    if (hours && *hours) {
        char from [8] = "", to [8] = "";
        int start, end;
        if (sscanf (hours, "%5[0-9:]-%5[0-9:]", from, to) != 2
        ||  maint_clock_parse (from, &start) || maint_clock_parse (to, &end))
            return true;        //  checked when the route was added
        int minute = local.tm_hour * 60 + local.tm_min;
        if (start < end? (minute < start || minute >= end): (minute < start && minute >= end))
            return false;
    }
    return true;
}

//  Starts a curl transfer (email, webhook); 0, or -1 with job->error set
static int
s_start_curl (notify_t *self, job_t *job, const char *kind, json_t *params, json_t *payload)
{
    int rc = channel_curl (job, kind, params, payload, self->from, self->timeout_ms);
    if (rc == 0)
        curl_easy_setopt (job->curl, CURLOPT_PRIVATE, job);
    if (rc == 0 && curl_multi_add_handle (self->multi, job->curl) != CURLM_OK) {
        snprintf (job->error, sizeof job->error, "cannot start the transfer");
        rc = -1;
    }
    return rc;
}

//  An attempt is over: log it, then sent, retry later, or failed
static void
s_finish (notify_t *self, job_t *job, bool ok, const char *result)
{
    int64_t now = vd_now_us ();
    self->attempts++;
    vd_db_run (self->db, "INSERT INTO delivery (notification_id, ts_us, duration_us, ok, result) "
                  "VALUES (?, ?, ?, ?, ?)", "iiiis",
            job->id, job->started_us, now - job->started_us, (int64_t) ok, result);
    int attempts = job->attempts + 1;
    if (ok) {
        self->sent++;
        vd_db_run (self->db, "UPDATE notification SET status = 'sent', attempts = ?, result = ?, "
                      "done_us = ? WHERE id = ?", "isii", (int64_t) attempts, result, now, job->id);
        if (streq (job->kind, "problem") || streq (job->kind, "repeat"))
            vd_db_run (self->db,
                "INSERT INTO notification (alarm_id, route_id, channel_id, channel, kind, due_us, created_us) "
                "SELECT n.alarm_id, n.route_id, n.channel_id, n.channel, 'repeat', ?2 + r.repeat_ms * 1000, ?2 "
                "FROM notification n JOIN route r ON r.id = n.route_id "
                "JOIN alarm a ON a.id = n.alarm_id "
                "WHERE n.id = ?1 AND r.repeat_ms IS NOT NULL AND a.state = 'active'", "ii",
                job->id, now);
        s_record_event (self, "notification.sent", job->id, job->channel, job->kind,
                        job->alarm_id, result);
    }
    else
    if (attempts >= self->max_attempts) {
        self->failed++;
        vd_db_run (self->db, "UPDATE notification SET status = 'failed', attempts = ?, result = ?, "
                      "done_us = ? WHERE id = ?", "isii", (int64_t) attempts, result, now, job->id);
        s_record_event (self, "notification.failed", job->id, job->channel, job->kind,
                        job->alarm_id, result);
        zsys_warning ("notify: %s notification %lld to %s failed after %d attempts: %s",
                      job->kind, (long long) job->id, job->channel, attempts, result);
    }
    else {
        int64_t backoff = self->retry_ms << (attempts - 1 < 16? attempts - 1: 16);
        if (backoff > 3600000)
            backoff = 3600000;
        vd_db_run (self->db, "UPDATE notification SET status = 'pending', attempts = ?, result = ?, "
                      "due_us = ? WHERE id = ?", "isii",
                (int64_t) attempts, result, now + backoff * 1000, job->id);
    }
}

//  Checks and starts one due notification
static void
s_start (notify_t *self, sqlite3_stmt *row)
{
    int64_t id = sqlite3_column_int64 (row, 0);
    const char *kind = (const char *) sqlite3_column_text (row, 1);
    const char *state = (const char *) sqlite3_column_text (row, 4);
    bool reminder = !streq (kind, "recovery");
    int64_t now = vd_now_us ();
    if (sqlite3_column_type (row, 5) == SQLITE_NULL) {
        s_skip (self, id, "the channel was removed");
        return;
    }
    if (reminder && streq (state, "cleared")) {
        s_skip (self, id, "alarm cleared before it was due");
        return;
    }
    if (reminder && streq (state, "acked")) {
        s_skip (self, id, "alarm acknowledged");
        return;
    }
    if (reminder && sqlite3_column_type (row, 8) != SQLITE_NULL) {
        char reason [120];
        snprintf (reason, sizeof reason, "suppressed: %s is down", sqlite3_column_text (row, 8));
        s_skip (self, id, reason);
        return;
    }
    if (reminder && sqlite3_column_int (row, 9) && !streq (kind, "flapping")) {
        s_skip (self, id, "alarm is flapping");
        return;
    }
    if (!s_route_open ((const char *) sqlite3_column_text (row, 11),
                       (const char *) sqlite3_column_text (row, 12), now)) {
        s_skip (self, id, "outside the route's hours");
        return;
    }
    int64_t until;
    if (maint_active (self->db, sqlite3_column_int64 (row, 13), sqlite3_column_int64 (row, 14),
                      now, &until)) {
        //  held back until the window closes, then checked again
        vd_db_run (self->db, "UPDATE notification SET due_us = ?, result = 'held: maintenance' "
                      "WHERE id = ?", "ii", until, id);
        return;
    }
    json_t *params = json_loads ((const char *) sqlite3_column_text (row, 7), 0, NULL);
    json_t *alarm = json_loads ((const char *) sqlite3_column_text (row, 10), 0, NULL);
    job_t *job = (job_t *) zmalloc (sizeof (job_t));
    job->id = id;
    job->alarm_id = sqlite3_column_int64 (row, 15);
    job->route_id = sqlite3_column_int64 (row, 16);
    job->attempts = sqlite3_column_int (row, 2);
    snprintf (job->kind, sizeof job->kind, "%s", kind);
    snprintf (job->channel, sizeof job->channel, "%s", sqlite3_column_text (row, 3));
    job->started_us = now;
    job->deadline_ms = vd_mono_ms () + self->timeout_ms;
    const char *channel_kind = (const char *) sqlite3_column_text (row, 6);
    json_t *payload = json_pack ("{s:s, s:I, s:s, s:i, s:O}", "kind", kind,
                                 "notification", (json_int_t) id, "channel", job->channel,
                                 "attempt", job->attempts + 1, "alarm", alarm? alarm: json_null ());
    vd_db_run (self->db, "UPDATE notification SET status = 'sending' WHERE id = ?", "i", id);
    int rc = !params || !alarm? -1
           : streq (channel_kind, "exec")? exec_start (job, params, payload)
           : s_start_curl (self, job, channel_kind, params, payload);
    if (rc) {
        if (!*job->error)
            snprintf (job->error, sizeof job->error, "bad channel parameters");
        s_finish (self, job, false, job->error);
        s_job_destroy (&job);
    }
    else
        zlistx_add_end (self->jobs, job);
    json_decref (payload);
    json_decref (params);
    json_decref (alarm);
}

//  Starts what is due, up to the in-flight limit
static void
s_dispatch (notify_t *self)
{
    if (zlistx_size (self->jobs) >= NOTIFY_MAX_INFLIGHT)
        return;
    sqlite3_stmt *stmt = vd_db_prepare (self->db,
        "SELECT n.id, n.kind, n.attempts, n.channel, a.state, c.id, c.kind, c.params, "
        "  sup.name, a.flapping, " ALARM_JSON ", r.hours, r.days, "
        "  coalesce (a.device_id, 0), coalesce (a.site_id, 0), a.id, n.route_id "
        "FROM notification n JOIN alarm a ON a.id = n.alarm_id " ALARM_JOINS " "
        "LEFT JOIN channel c ON c.id = n.channel_id LEFT JOIN route r ON r.id = n.route_id "
        "WHERE n.status = 'pending' AND n.due_us <= ? ORDER BY n.due_us LIMIT ?");
    if (!stmt)
        return;
    sqlite3_bind_int64 (stmt, 1, vd_now_us ());
    sqlite3_bind_int (stmt, 2, NOTIFY_BATCH);
    vd_db_exec (self->db, "BEGIN IMMEDIATE");
    while (sqlite3_step (stmt) == SQLITE_ROW
       &&  zlistx_size (self->jobs) < NOTIFY_MAX_INFLIGHT)
        s_start (self, stmt);
    sqlite3_finalize (stmt);
    vd_db_exec (self->db, "COMMIT");
}

//  Collects transfers and commands that ended, and kills overdue commands
static void
s_collect (notify_t *self)
{
    int running;
    curl_multi_perform (self->multi, &running);
    CURLMsg *msg;
    int left;
    bool any = false;
    while ((msg = curl_multi_info_read (self->multi, &left))) {
        if (msg->msg != CURLMSG_DONE)
            continue;
        job_t *job;
        curl_easy_getinfo (msg->easy_handle, CURLINFO_PRIVATE, (char **) &job);
        long status = 0;
        curl_easy_getinfo (msg->easy_handle, CURLINFO_RESPONSE_CODE, &status);
        char result [CURL_ERROR_SIZE + 64];
        bool ok = msg->data.result == CURLE_OK;
        if (!ok)
            snprintf (result, sizeof result, "%s", *job->error? job->error
                      : curl_easy_strerror (msg->data.result));
        else
        if (job->headers && (status < 200 || status > 299)) {
            ok = false;
            snprintf (result, sizeof result, "HTTP %ld", status);
        }
        else
            snprintf (result, sizeof result, job->headers? "HTTP %ld": "SMTP %ld", status);
        curl_multi_remove_handle (self->multi, msg->easy_handle);
        if (!any)
            vd_db_exec (self->db, "BEGIN IMMEDIATE");
        any = true;
        s_finish (self, job, ok, result);
        zlistx_delete (self->jobs, zlistx_find (self->jobs, job));      //  destroys it
    }
    for (job_t *job = (job_t *) zlistx_first (self->jobs); job; ) {
        job_t *next = (job_t *) zlistx_next (self->jobs);
        if (job->pid > 0) {
            int status;
            pid_t pid = waitpid (job->pid, &status, WNOHANG);
            char result [64] = "";
            bool ok = false;
            if (pid == job->pid) {
                ok = WIFEXITED (status) && WEXITSTATUS (status) == 0;
                if (WIFEXITED (status))
                    snprintf (result, sizeof result, "exit %d", WEXITSTATUS (status));
                else
                    snprintf (result, sizeof result, "killed by signal %d", WTERMSIG (status));
            }
            else
            if (vd_mono_ms () > job->deadline_ms) {
                kill (-job->pid, SIGKILL);
                kill (job->pid, SIGKILL);
                waitpid (job->pid, &status, 0);
                snprintf (result, sizeof result, "timed out after %lldms",
                          (long long) self->timeout_ms);
            }
            if (*result) {
                if (!any)
                    vd_db_exec (self->db, "BEGIN IMMEDIATE");
                any = true;
                s_finish (self, job, ok, result);
                zlistx_delete (self->jobs, zlistx_find (self->jobs, job));
            }
        }
        job = next;
    }
    if (any)
        vd_db_exec (self->db, "COMMIT");
}

static void
s_destroy (notify_t *self)
{
    job_t *job;
    while (self->jobs && (job = (job_t *) zlistx_detach (self->jobs, NULL))) {
        if (job->curl)
            curl_multi_remove_handle (self->multi, job->curl);
        if (job->pid > 0) {
            kill (job->pid, SIGKILL);
            waitpid (job->pid, NULL, 0);
        }
        s_job_destroy (&job);
    }
    zlistx_destroy (&self->jobs);
    if (self->multi)
        curl_multi_cleanup (self->multi);
    vd_db_close (&self->db);
    vd_sock_close (&self->in, MESHD_NOTIFY_IN);
    zsock_destroy (&self->events);
    free (self->from);
}

void
notify_actor (zsock_t *pipe, void *args)
{
    notify_t self = { .meshd = (meshd_t *) args };
    self.timeout_ms = vd_config_int (self.meshd->config, "notify/timeout");
    self.retry_ms = vd_config_int (self.meshd->config, "notify/retry");
    self.max_attempts = (int) vd_config_int (self.meshd->config, "notify/attempts");
    self.from = channel_from (self.meshd);
    self.jobs = zlistx_new ();
    zlistx_set_destructor (self.jobs, (zlistx_destructor_fn *) s_job_destroy);
    self.multi = curl_multi_init ();
    self.db = vd_db_open (self.meshd->db_path, false);
    self.in = zsock_new (ZMQ_PULL);
    self.events = zsock_new (ZMQ_PUSH);
    if (!self.db || !self.in || !self.events || !self.multi
    ||  zsock_bind (self.in, MESHD_NOTIFY_IN) || zsock_connect (self.events, MESHD_EVENTS_IN))
        goto fail;
    zsock_set_sndtimeo (self.events, 0);
    //  what was in flight when meshd stopped goes out again
    vd_db_exec (self.db, "UPDATE notification SET status = 'pending' WHERE status = 'sending'");
    zsock_signal (pipe, 0);

    zpoller_t *poller = zpoller_new (pipe, self.in, NULL);
    int64_t next_tick = 0;
    while (true) {
        int timeout = zlistx_size (self.jobs)? 10: (int) (next_tick - vd_mono_ms ());
        zsock_t *which = (zsock_t *) zpoller_wait (poller, timeout < 0? 0: timeout);
        if (which == pipe) {
            bool term;
            char *command = vd_actor_command (pipe, &term);
            if (command && streq (command, "STATS"))
                zsock_send (pipe, "8888", self.sent, self.failed, self.skipped, self.attempts);
            free (command);
            if (term)
                break;
            continue;
        }
        if (zpoller_terminated (poller))
            break;
        bool poked = false;
        while (which == self.in && (zsock_events (self.in) & ZMQ_POLLIN)) {
            free (zstr_recv (self.in));
            poked = true;
        }
        if (zlistx_size (self.jobs))
            s_collect (&self);
        if (poked || vd_mono_ms () >= next_tick) {
            s_dispatch (&self);
            if (zlistx_size (self.jobs))
                s_collect (&self);
            next_tick = vd_mono_ms () + NOTIFY_TICK_MS;
        }
        if (self.new_events) {
            zstr_send (self.events, "NEW");
            self.new_events = false;
        }
    }
    zpoller_destroy (&poller);
    s_destroy (&self);
    return;
fail:
    zsys_error ("notify: cannot start");
    s_destroy (&self);
    zsock_signal (pipe, 0);
    vd_actor_failed (pipe);
}
