/*  probe/backup/actor.c: the backup actor. CONFIG's "backups" names the
    devices to back up, each with its model (the model's text is in
    CONFIG's "models": a model file dropped on meshd's host is all it
    takes) and its ssh credential (in "creds", opened: it travels inside
    CURVE and is kept sealed in checks.sealed).

    A device is fetched every every_ms from its last attempt (meshd's
    last_us, so a restart does not fetch everything again), at once when
    meshd's requested count is above done (vedette backup run), and
    backup/settle after the last of its syslog messages or traps that its
    model's trigger/syslog patterns or trigger/trap OIDs call a
    configuration change (the listen actor hands over what backed-up
    devices send): a burst of changes makes one fetch, with the user the
    last message or trap named. At
    most backup/workers fetches run at once, one per device, each in a
    thread of its own (fetch.c). Results go to meshd as reports (kind
    "backup"), spooled like every other report.                         */
#include "backup/backup.h"
#include <libssh/libssh.h>

//  A report this big would not fit a REPORTS message: failed, too_large
#define REPORT_MAX      (900 * 1024)
#define MAX_WORKERS     256
#define MAX_TESTS       16

typedef struct {
    int64_t device;
    json_t *spec;               //  its entry in CONFIG's backups
    int64_t every_ms;
    int64_t due_us;             //  wall clock
    int64_t requested, done;
    char hostkey [128];         //  pinned, or seen first by this probe
    int64_t trigger_due;        //  mono ms: a triggered fetch, 0 if none
    const char *trigger;        //  what announced it: "syslog" or "trap"
    char who [64];              //  the user the announcement named
    zactor_t *fetch;            //  running
} target_t;

typedef struct {
    probe_t *probe;
    zsock_t *out;
    zhashx_t *targets;          //  "device id" -> target_t
    json_t *creds;              //  name -> secret (wiped when replaced)
    json_t *models;             //  name -> text
    zhashx_t *compiled;         //  name -> vd_backup_model_t: their triggers
    zlistx_t *tests;            //  zactor_t: live credential tests running
    int workers, running;
    int64_t connect_ms, prompt_ms, total_ms, max_bytes, settle_ms;
    uint64_t fetches, failures;
} backup_t;

static void
s_target_destroy (target_t **self_p)
{
    target_t *self = *self_p;
    if (self) {
        zactor_destroy (&self->fetch);
        json_decref (self->spec);
        free (self);
        *self_p = NULL;
    }
}

static void
s_configure (backup_t *self, const char *text)
{
    json_t *config = json_loads (text, 0, NULL);
    json_t *backups = json_object_get (config, "backups");
    if (!json_is_array (backups)) {
        vd_json_wipe (config);
        return;                 //  a meshd before backups
    }
    vd_json_wipe (self->creds);
    json_decref (self->models);
    self->creds = json_deep_copy (json_object_get (config, "creds"));
    //  copies: the config is wiped below, and what it holds with it
    self->models = json_deep_copy (json_object_get (config, "models"));
    zhashx_purge (self->compiled);
    const char *model_name;
    json_t *model_text;
    json_object_foreach (self->models, model_name, model_text) {
        char *error = NULL;
        vd_backup_model_t *model = vd_backup_model_new (json_string_value (model_text), &error);
        if (model)
            zhashx_insert (self->compiled, model_name, model);
        else
            zsys_warning ("backup: model %s does not load: %s", model_name, error);
        free (error);
    }
    zhashx_t *fresh = zhashx_new ();
    zhashx_set_destructor (fresh, (zhashx_destructor_fn *) s_target_destroy);
    zhashx_set_destructor (self->targets, NULL);     //  a target kept moves to fresh
    size_t index;
    json_t *spec;
    json_array_foreach (backups, index, spec) {
        int64_t device = json_integer_value (json_object_get (spec, "device"));
        char key [24];
        snprintf (key, sizeof key, "%lld", (long long) device);
        target_t *target = (target_t *) zhashx_lookup (self->targets, key);
        bool known = target != NULL;
        if (!known) {
            target = (target_t *) zmalloc (sizeof (target_t));
            target->device = device;
        }
        json_decref (target->spec);
        target->spec = json_deep_copy (spec);
        target->every_ms = json_integer_value (json_object_get (spec, "every_ms"));
        if (target->every_ms < 60000)
            target->every_ms = 60000;
        int64_t last = json_integer_value (json_object_get (spec, "last_us"));
        //  never tried: soon, spread over a minute so a new site does not
        //  log into everything at once (and not put off by the next CONFIG)
        if (last > 0)
            target->due_us = last + target->every_ms * 1000;
        else
        if (!known)
            target->due_us = vd_now_us () + (int64_t) randombytes_uniform (60000) * 1000;
        target->requested = json_integer_value (json_object_get (spec, "requested"));
        int64_t done = json_integer_value (json_object_get (spec, "done"));
        if (done > target->done)
            target->done = done;
        const char *hostkey = json_string_value (json_object_get (spec, "hostkey"));
        snprintf (target->hostkey, sizeof target->hostkey, "%s", hostkey? hostkey: "");
        zhashx_insert (fresh, key, target);
        zhashx_delete (self->targets, key);
    }
    //  devices no longer backed up: a fetch running is cut short
    for (target_t *target = (target_t *) zhashx_first (self->targets); target;
         target = (target_t *) zhashx_next (self->targets)) {
        if (target->fetch)
            self->running--;
        s_target_destroy (&target);
    }
    zhashx_destroy (&self->targets);
    self->targets = fresh;
    vd_json_wipe (config);
    if (zhashx_size (self->targets))
        zsys_info ("backup: %zu devices", zhashx_size (self->targets));
}

//  The job for a fetch thread: the device, its credential and model, and
//  its jump host with that one's credential
static char *
s_job (backup_t *self, target_t *target, const char *trigger, const char *who)
{
    json_t *spec = target->spec;
    const char *cred_name = json_string_value (json_object_get (spec, "cred"));
    const char *model_name = json_string_value (json_object_get (spec, "model"));
    json_t *cred = cred_name? json_object_get (self->creds, cred_name): NULL;
    json_t *model = model_name? json_object_get (self->models, model_name): NULL;
    json_t *job = json_pack ("{s:I, s:O, s:I, s:O, s:s, s:I, s:I, s:I, s:I, s:s, s:n, s:I}",
        "device", (json_int_t) target->device, "address", json_object_get (spec, "address"),
        "port", json_integer_value (json_object_get (spec, "port")),
        "model", model? model: json_null (), "hostkey", target->hostkey,
        "connect_ms", (json_int_t) self->connect_ms, "prompt_ms", (json_int_t) self->prompt_ms,
        "total_ms", (json_int_t) self->total_ms, "max_bytes", (json_int_t) self->max_bytes,
        "trigger", trigger, "who", "requested", (json_int_t) target->requested);
    if (who && *who)
        json_object_set_new (job, "who", json_string (who));
    if (json_is_object (cred))
        json_object_update (job, cred);     //  user, password, key, enable
    json_t *jump = json_object_get (spec, "jump");
    if (json_is_object (jump)) {
        json_t *jump_cred = json_object_get (self->creds, json_string_value (json_object_get (jump, "cred")));
        json_t *through = json_pack ("{s:O?, s:O?, s:O?}", "address", json_object_get (jump, "address"),
            "port", json_object_get (jump, "port"), "hostkey", json_object_get (jump, "hostkey"));
        if (json_is_object (jump_cred))
            json_object_update (through, jump_cred);
        json_object_set_new (job, "jump", through);
    }
    char *text = json_dumps (job, JSON_COMPACT);
    json_decref (job);          //  its strings are self->creds' own: not wiped here
    return text;
}

static void
s_start (backup_t *self, target_t *target, const char *trigger)
{
    char *job = s_job (self, target, trigger, target->trigger_due? target->who: NULL);
    target->trigger_due = 0;
    target->who [0] = 0;
    if (!job)
        return;
    target->fetch = zactor_new (backup_fetch_actor, job);      //  takes the job
    if (target->fetch)
        self->running++;
    target->done = target->requested;
    target->due_us = vd_now_us () + target->every_ms * 1000;
}

//  A fetch's result: to meshd; a host key seen first is pinned here too
static void
s_finished (backup_t *self, target_t *target)
{
    char *text = zstr_recv (target->fetch);
    zactor_destroy (&target->fetch);
    self->running--;
    json_t *result = text? json_loads (text, 0, NULL): NULL;
    if (!result)
        result = json_pack ("{s:s, s:I, s:I, s:s, s:s, s:s}", "kind", "backup",
                            "device", (json_int_t) target->device, "ts_us", (json_int_t) vd_now_us (),
                            "status", "failed", "reason", "error", "error", "the fetch thread failed");
    if (text && strlen (text) > REPORT_MAX) {
        json_object_del (result, "config");
        json_object_set_new (result, "status", json_string ("failed"));
        json_object_set_new (result, "reason", json_string ("too_large"));
        json_object_set_new (result, "error", json_string ("the configuration does not fit a report (900 KB compressed)"));
    }
    free (text);
    const char *status = json_string_value (json_object_get (result, "status"));
    const char *hostkey = json_string_value (json_object_get (result, "hostkey"));
    if (hostkey && !*target->hostkey)
        snprintf (target->hostkey, sizeof target->hostkey, "%s", hostkey);
    self->fetches++;
    if (!status || !streq (status, "ok")) {
        self->failures++;
        zsys_notice ("backup: %s: %s: %s",
                     json_string_value (json_object_get (target->spec, "name")),
                     json_string_value (json_object_get (result, "reason")),
                     json_string_value (json_object_get (result, "error")));
    }
    probe_report (self->out, result);
}

//  A LIVE credential test from meshd: a fetch that ends once logged in,
//  answered as ANSWER; beyond MAX_TESTS at once it is refused at once
static void
s_test (backup_t *self, zsock_t *live)
{
    char *text = zstr_recv (live);
    json_t *job = text? json_loads (text, 0, NULL): NULL;
    vd_secret_free (&text);
    if (!job)
        return;
    if (zlistx_size (self->tests) >= MAX_TESTS) {
        json_t *answer = json_pack ("{s:O, s:s}", "id", json_object_get (job, "id"),
                                    "refused", "too many credential tests at once on this probe");
        probe_report_as (self->out, "ANSWER", answer);
        vd_json_wipe (job);
        return;
    }
    json_object_set_new (job, "test", json_true ());
    json_object_set_new (job, "connect_ms", json_integer (self->connect_ms));
    json_object_set_new (job, "prompt_ms", json_integer (self->prompt_ms));
    json_object_set_new (job, "total_ms", json_integer (self->total_ms < 60000? self->total_ms: 60000));
    char *job_text = json_dumps (job, JSON_COMPACT);
    vd_json_wipe (job);
    zactor_t *fetch = job_text? zactor_new (backup_fetch_actor, job_text): NULL;     //  takes the text
    if (fetch)
        zlistx_add_end (self->tests, fetch);
}

//  A credential test's result, as the answer meshd waits for
static void
s_tested (backup_t *self, zactor_t *fetch)
{
    char *text = zstr_recv (fetch);
    void *handle = zlistx_find (self->tests, fetch);
    if (handle)
        zlistx_delete (self->tests, handle);
    zactor_destroy (&fetch);
    json_t *result = text? json_loads (text, 0, NULL): NULL;
    free (text);
    if (result) {
        json_object_del (result, "kind");
        probe_report_as (self->out, "ANSWER", result);
    }
}

//  A backed-up device's syslog message or trap: a configuration change if
//  its model's triggers say so; who is the last group of the syslog
//  pattern that matched, or the trap's user varbind
static void
s_announced (backup_t *self, zsock_t *heard)
{
    char *address = NULL, *kind = NULL, *text = NULL, *varbinds_text = NULL;
    zstr_recvx (heard, &address, &kind, &text, &varbinds_text, NULL);
    bool trap = kind && streq (kind, "trap");
    json_t *varbinds = trap && varbinds_text? json_loads (varbinds_text, 0, NULL): NULL;
    for (target_t *target = (target_t *) zhashx_first (self->targets); target && text;
         target = (target_t *) zhashx_next (self->targets)) {
        const char *model_name = json_string_value (json_object_get (target->spec, "model"));
        vd_backup_model_t *model = model_name? (vd_backup_model_t *) zhashx_lookup (self->compiled, model_name): NULL;
        if (!model || !streq (address, json_string_value (json_object_get (target->spec, "address"))))
            continue;
        char who [sizeof target->who] = "";
        if (trap) {
            if (!vd_backup_model_trap (model, text, varbinds, who, sizeof who))
                continue;
        }
        else {
            regmatch_t groups [10];
            if (!vd_patterns_match (&model->syslog, text, groups, 10))
                continue;
            int last = 0;
            for (int g = 1; g < 10; g++)
                if (groups [g].rm_so >= 0)
                    last = g;
            if (last)
                snprintf (who, sizeof who, "%.*s", (int) (groups [last].rm_eo - groups [last].rm_so),
                          text + groups [last].rm_so);
        }
        if (*who || !target->trigger_due)
            snprintf (target->who, sizeof target->who, "%s", who);
        target->trigger = trap? "trap": "syslog";
        target->trigger_due = vd_mono_ms () + self->settle_ms;
        zsys_info ("backup: %s: a configuration change (%s)%s%s; backing up in %lld ms",
                   json_string_value (json_object_get (target->spec, "name")), target->trigger,
                   *target->who? " by ": "", target->who, (long long) self->settle_ms);
    }
    json_decref (varbinds);
    zstr_free (&address);
    zstr_free (&kind);
    zstr_free (&text);
    zstr_free (&varbinds_text);
}

static void
s_work (backup_t *self)
{
    int64_t now = vd_now_us ();
    for (target_t *target = (target_t *) zhashx_first (self->targets); target && self->running < self->workers;
         target = (target_t *) zhashx_next (self->targets)) {
        if (target->fetch)
            continue;
        if (target->requested > target->done)
            s_start (self, target, "run");
        else
        if (target->trigger_due && vd_mono_ms () >= target->trigger_due)
            s_start (self, target, target->trigger);
        else
        if (now >= target->due_us)
            s_start (self, target, "schedule");
    }
}

void
backup_actor (zsock_t *pipe, void *args)
{
    backup_t self = { .probe = (probe_t *) args };
    vd_config_t *config = self.probe->config;
    self.workers = (int) vd_config_int (config, "backup/workers");
    self.connect_ms = vd_config_int (config, "backup/connect_timeout");
    self.prompt_ms = vd_config_int (config, "backup/prompt_timeout");
    self.total_ms = vd_config_int (config, "backup/timeout");
    self.max_bytes = vd_config_int (config, "backup/max_size");
    self.settle_ms = vd_config_int (config, "backup/settle");
    self.workers = self.workers < 1? 1: self.workers > MAX_WORKERS? MAX_WORKERS: self.workers;
    self.out = zsock_new (ZMQ_PUSH);
    zsock_t *checks = zsock_new (ZMQ_PULL);
    zsock_t *heard = zsock_new (ZMQ_PULL);
    zsock_t *live = zsock_new (ZMQ_PULL);
    self.tests = zlistx_new ();
    self.targets = zhashx_new ();
    zhashx_set_destructor (self.targets, (zhashx_destructor_fn *) s_target_destroy);
    self.compiled = zhashx_new ();
    zhashx_set_destructor (self.compiled, (zhashx_destructor_fn *) vd_backup_model_destroy);
    if (ssh_init () != SSH_OK || !self.out || !checks || !heard || !live || zsock_bind (checks, PROBE_BACKUP_CONFIG)
    ||  zsock_bind (heard, PROBE_BACKUP_HEARD) || zsock_bind (live, PROBE_BACKUP_LIVE)
    ||  zsock_connect (self.out, PROBE_EVENTS)) {
        zsock_destroy (&self.out);
        zsock_destroy (&checks);
        zsock_destroy (&heard);
        zsock_destroy (&live);
        zlistx_destroy (&self.tests);
        zhashx_destroy (&self.targets);
        zhashx_destroy (&self.compiled);
        zsock_signal (pipe, 0);
        vd_actor_failed (pipe);
        return;
    }
    char *saved = probe_saved_config (self.probe);
    if (saved) {
        s_configure (&self, saved);
        vd_secret_free (&saved);
    }
    zsock_signal (pipe, 0);
    zmq_pollitem_t items [4 + MAX_TESTS + MAX_WORKERS];
    target_t *owners [4 + MAX_TESTS + MAX_WORKERS];
    zactor_t *testers [4 + MAX_TESTS + MAX_WORKERS];
    while (true) {
        int count = 0;
        items [count++] = (zmq_pollitem_t) { zsock_resolve (pipe), 0, ZMQ_POLLIN, 0 };
        items [count++] = (zmq_pollitem_t) { zsock_resolve (checks), 0, ZMQ_POLLIN, 0 };
        items [count++] = (zmq_pollitem_t) { zsock_resolve (heard), 0, ZMQ_POLLIN, 0 };
        items [count++] = (zmq_pollitem_t) { zsock_resolve (live), 0, ZMQ_POLLIN, 0 };
        int first_test = count;
        for (zactor_t *fetch = (zactor_t *) zlistx_first (self.tests); fetch; fetch = (zactor_t *) zlistx_next (self.tests)) {
            testers [count] = fetch;
            items [count++] = (zmq_pollitem_t) { zsock_resolve (fetch), 0, ZMQ_POLLIN, 0 };
        }
        int first_fetch = count;
        for (target_t *target = (target_t *) zhashx_first (self.targets); target && count < 4 + MAX_TESTS + MAX_WORKERS;
             target = (target_t *) zhashx_next (self.targets))
            if (target->fetch) {
                owners [count] = target;
                items [count++] = (zmq_pollitem_t) { zsock_resolve (target->fetch), 0, ZMQ_POLLIN, 0 };
            }
        if (zmq_poll (items, count, 1000) < 0 && zmq_errno () != EINTR)
            break;
        char *text;
        int input = probe_actor_inputs (items, pipe, checks, &text);
        if (input < 0)
            break;
        if (input > 0) {
            s_configure (&self, text);
            vd_secret_free (&text);
            continue;           //  the targets polled may be gone
        }
        if (items [2].revents & ZMQ_POLLIN)
            s_announced (&self, heard);
        if (items [3].revents & ZMQ_POLLIN)
            s_test (&self, live);
        for (int i = first_test; i < first_fetch; i++)
            if (items [i].revents & ZMQ_POLLIN)
                s_tested (&self, testers [i]);
        for (int i = first_fetch; i < count; i++)
            if (items [i].revents & ZMQ_POLLIN)
                s_finished (&self, owners [i]);
        s_work (&self);
    }
    zsys_info ("backup: %" PRIu64 " fetches, %" PRIu64 " failed", self.fetches, self.failures);
    zhashx_destroy (&self.targets);
    zhashx_destroy (&self.compiled);
    for (zactor_t *fetch = (zactor_t *) zlistx_first (self.tests); fetch; fetch = (zactor_t *) zlistx_next (self.tests))
        zactor_destroy (&fetch);
    zlistx_destroy (&self.tests);
    vd_json_wipe (self.creds);
    json_decref (self.models);
    zsock_destroy (&self.out);
    vd_sock_close (&checks, PROBE_BACKUP_CONFIG);
    vd_sock_close (&heard, PROBE_BACKUP_HEARD);
    vd_sock_close (&live, PROBE_BACKUP_LIVE);
    ssh_finalize ();
}
