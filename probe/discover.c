/*  probe/discover.c: the discover actor. Sweeps the networks of the
    discoveries meshd gives this probe (CONFIG "discoveries"):

      1. ICMP: every address of the targets but the excluded ones (and the
         network and broadcast addresses of IPv4 subnets), two echoes each,
         at most SWEEP_WINDOW targets in flight; a discovery without ping
         asks SNMP of every address instead.
      2. SNMP: each live address is asked sysObjectID, sysName, sysDescr,
         sysUpTime and snmpEngineID with the discovery's credentials in
         order (the ladder); the first that answers names the credential.
         At most SNMP_WINDOW addresses are asked at once.
      3. The hosts found go to meshd as reports (kind "discovery", in parts
         of at most PART_HOSTS hosts, the last one marked), spooled like
         every SNMP poll; meshd adds or updates the devices (discover.c).

    A discovery runs while requested > done (meshd's numbers) and it has
    not reported that run already, and again every every_ms after its last
    run. One discovery runs at a time; the others wait their turn.        */
#include "probe.h"
#include "snmp/snmp.h"
#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>
#include <net-snmp/library/large_fd_set.h>

#define SWEEP_WINDOW    1024        //  ICMP targets in flight
#define SNMP_WINDOW     256         //  addresses asked over SNMP at once
#define PART_HOSTS      1000        //  hosts per report
#define PING_COUNT      2
#define PING_TIMEOUT_MS 1000
#define SNMP_TIMEOUT_MS 1000
#define SNMP_RETRIES    1

typedef struct {
    int64_t id, requested, done, every_ms, last_us;
    int64_t reported;               //  the run this probe last reported
    int64_t finished_us;            //  when it did
    bool ping;
    json_t *targets, *exclude, *creds;
} job_t;

typedef enum { PHASE_IDLE, PHASE_PING, PHASE_SNMP } phase_t;
typedef enum { ASK_NONE, ASK_FOUND, ASK_NEXT, ASK_RETRY } asked_t;

typedef struct {
    char address [64];
    double rtt_ms;                  //  -1 when not pinged
    int cred;                       //  the rung of the ladder being tried
    void *sessp;
    int fd;
    long version;
    bool no_engine;                 //  a v1 agent without snmpEngineID: ask without it
    asked_t outcome;
    json_t *found;
} host_t;

typedef struct {
    probe_t *probe;
    zsock_t *out;
    zlistx_t *jobs;                 //  job_t, in id order
    json_t *creds;                  //  name -> opened credential (wiped when replaced)
    //  the run under way
    phase_t phase;
    job_t *job;
    int64_t run;
    int64_t started;
    vd_cidr_t *targets, *exclude;
    int ntargets, nexclude;
    int target;                     //  the network being enumerated
    uint64_t next;                  //  its next address
    uint64_t swept;
    icmp_t *icmp;
    zlistx_t *queue;                //  host_t waiting for SNMP
    host_t *asking [SNMP_WINDOW];
    int nasking;
    json_t *hosts;                  //  found
    int alive;
} discover_t;

static void
s_job_destroy (job_t **self_p)
{
    job_t *self = *self_p;
    if (self) {
        json_decref (self->targets);
        json_decref (self->exclude);
        json_decref (self->creds);
        free (self);
        *self_p = NULL;
    }
}

static void
s_host_destroy (host_t **self_p)
{
    host_t *self = *self_p;
    if (self) {
        if (self->sessp) {
            snmp_lib_lock ();
            snmp_close_session (self->sessp);
            snmp_lib_unlock ();
        }
        json_decref (self->found);
        free (self);
        *self_p = NULL;
    }
}

//  -- reports ---------------------------------------------------------------------

static void
s_send_part (discover_t *self, json_t *hosts, int part, bool last)
{
    json_t *report = json_pack ("{s:s, s:I, s:I, s:I, s:i, s:b, s:o}", "kind", "discovery",
        "job", (json_int_t) self->job->id, "run", (json_int_t) self->run,
        "ts_us", (json_int_t) vd_now_us (), "part", part, "last", last, "hosts", hosts);
    if (last) {
        json_object_set_new (report, "swept", json_integer ((json_int_t) self->swept));
        json_object_set_new (report, "alive", json_integer (self->alive));
        json_object_set_new (report, "seconds",
                             json_real ((double) (vd_mono_ms () - self->started) / 1000.0));
    }
    probe_report (self->out, report);
}

//  Stops the run under way (reported, or its discovery is gone)
static void
s_abandon (discover_t *self)
{
    for (int i = 0; i < self->nasking; i++)
        s_host_destroy (&self->asking [i]);
    self->nasking = 0;
    json_decref (self->hosts);
    self->hosts = NULL;
    free (self->targets);
    free (self->exclude);
    self->targets = self->exclude = NULL;
    icmp_destroy (&self->icmp);
    zlistx_destroy (&self->queue);
    self->job = NULL;
    self->phase = PHASE_IDLE;
}

//  The run is over: its hosts to meshd, in parts
static void
s_finish (discover_t *self)
{
    size_t total = json_array_size (self->hosts);
    int part = 0;
    for (size_t first = 0; first < total || part == 0; first += PART_HOSTS, part++) {
        json_t *hosts = json_array ();
        for (size_t i = first; i < total && i < first + PART_HOSTS; i++)
            json_array_append (hosts, json_array_get (self->hosts, i));
        s_send_part (self, hosts, part, first + PART_HOSTS >= total);
    }
    zsys_info ("discover: discovery %lld run %lld: %" PRIu64 " addresses, %d alive, %zu found in %.1f s",
               (long long) self->job->id, (long long) self->run, self->swept, self->alive, total,
               (double) (vd_mono_ms () - self->started) / 1000.0);
    self->job->reported = self->run;
    self->job->finished_us = vd_now_us ();
    s_abandon (self);
}
//  -- enumerating the targets ----------------------------------------------------

static int
s_parse_cidrs (json_t *list, vd_cidr_t **cidrs)
{
    size_t count = json_array_size (list);
    *cidrs = (vd_cidr_t *) calloc (count + 1, sizeof (vd_cidr_t));
    int parsed = 0;
    size_t index;
    json_t *item;
    json_array_foreach (list, index, item)
        if (json_is_string (item) && vd_cidr_parse (json_string_value (item), &(*cidrs) [parsed]) == 0)
            parsed++;
    return parsed;
}

//  The next address to sweep into text; false when there are no more
static bool
s_next_address (discover_t *self, char *text, size_t size)
{
    while (self->target < self->ntargets) {
        vd_cidr_t *cidr = &self->targets [self->target];
        uint64_t count = vd_cidr_size (cidr);
        if (self->next >= count) {
            self->target++;
            self->next = 0;
            continue;
        }
        uint64_t index = self->next++;
        //  not the network and broadcast addresses of an IPv4 subnet
        if (cidr->family == AF_INET && cidr->prefix < 31 && (index == 0 || index == count - 1))
            continue;
        uint8_t address [16];
        vd_cidr_host (cidr, index, address);
        bool excluded = false;
        for (int e = 0; e < self->nexclude && !excluded; e++)
            excluded = vd_cidr_contains (&self->exclude [e], cidr->family, address);
        if (excluded)
            continue;
        inet_ntop (cidr->family, address, text, (socklen_t) size);
        self->swept++;
        return true;
    }
    return false;
}

static void
s_queue_host (discover_t *self, const char *address, double rtt_ms)
{
    host_t *host = (host_t *) zmalloc (sizeof (host_t));
    snprintf (host->address, sizeof host->address, "%s", address);
    host->rtt_ms = rtt_ms;
    host->fd = -1;
    zlistx_add_end (self->queue, host);
}

//  -- ICMP ---------------------------------------------------------------------------

static void
s_pinged (void *arg, const vd_sample_t *samples, int count, const char *address)
{
    discover_t *self = (discover_t *) arg;
    //  samples: rtt, loss, jitter
    if (count >= 2 && samples [1].value < 100 && !(samples [0].flags & VD_SAMPLE_LOST)) {
        self->alive++;
        s_queue_host (self, address, samples [0].value);
    }
}

static void
s_ping_fill (discover_t *self)
{
    char text [INET6_ADDRSTRLEN];
    static const uint64_t series [3] = { 1, 2, 3 };
    while (icmp_pending (self->icmp) < SWEEP_WINDOW && s_next_address (self, text, sizeof text))
        icmp_add (self->icmp, text, 0, PING_COUNT, PING_TIMEOUT_MS, series);
}

//  -- SNMP ---------------------------------------------------------------------------

static const oid s_sys_descr [] = { 1,3,6,1,2,1,1,1,0 };
static const oid s_sys_object [] = { 1,3,6,1,2,1,1,2,0 };
static const oid s_sys_uptime [] = { 1,3,6,1,2,1,1,3,0 };
static const oid s_sys_name [] = { 1,3,6,1,2,1,1,5,0 };
static const oid s_engine_id [] = { 1,3,6,1,6,3,10,2,1,1,0 };

static void
s_text (json_t *found, const char *name, const netsnmp_variable_list *vb)
{
    size_t length = vb->val_len < 255? vb->val_len: 255;
    bool cut;
    char *clean = vd_utf8_clean ((const char *) vb->val.string, length, 255, &cut);
    json_object_set_new (found, name, json_string (clean? clean: ""));
    free (clean);
}

static int
s_response (int op, netsnmp_session *session, int reqid, netsnmp_pdu *pdu, void *magic)
{
    host_t *host = (host_t *) magic;
    (void) reqid;
    if (op == NETSNMP_CALLBACK_OP_RECEIVED_MESSAGE && session->s_snmp_errno)
        return 1;                       //  a wrong digest (see trap.c): not the answer
    if (op != NETSNMP_CALLBACK_OP_RECEIVED_MESSAGE || !pdu || pdu->command != SNMP_MSG_RESPONSE) {
        host->outcome = ASK_NEXT;       //  timeout, refused (v3 report), send error
        return 1;
    }
    if (pdu->errstat == SNMP_ERR_NOSUCHNAME && host->version == SNMP_VERSION_1 && !host->no_engine) {
        host->no_engine = true;         //  an old agent: once more without snmpEngineID
        host->outcome = ASK_RETRY;
        return 1;
    }
    if (pdu->errstat != SNMP_ERR_NOERROR) {
        host->outcome = ASK_NEXT;
        return 1;
    }
    json_t *found = json_object ();
    for (netsnmp_variable_list *vb = pdu->variables; vb; vb = vb->next_variable) {
        if (vb->type == ASN_OCTET_STR && snmp_oid_compare (vb->name, vb->name_length, s_sys_name, 9) == 0)
            s_text (found, "sys_name", vb);
        else
        if (vb->type == ASN_OCTET_STR && snmp_oid_compare (vb->name, vb->name_length, s_sys_descr, 9) == 0)
            s_text (found, "sys_descr", vb);
        else
        if (vb->type == ASN_OBJECT_ID && snmp_oid_compare (vb->name, vb->name_length, s_sys_object, 9) == 0) {
            char text [MAX_OID_LEN * 11 + 1] = "";
            size_t used = 0;
            for (size_t i = 0; i < vb->val_len / sizeof (oid) && i < MAX_OID_LEN && used < sizeof text - 12; i++)
                used += (size_t) snprintf (text + used, sizeof text - used, "%s%lu", i? ".": "",
                                           (unsigned long) vb->val.objid [i]);
            json_object_set_new (found, "sys_object_id", json_string (text));
        }
        else
        if (vb->type == ASN_TIMETICKS && vb->val.integer
        &&  snmp_oid_compare (vb->name, vb->name_length, s_sys_uptime, 9) == 0)
            json_object_set_new (found, "uptime_s", json_integer ((uint32_t) *vb->val.integer / 100));
        else
        if (vb->type == ASN_OCTET_STR && vb->val_len > 0 && vb->val_len <= 32
        &&  snmp_oid_compare (vb->name, vb->name_length, s_engine_id, 11) == 0) {
            char hex [65];
            for (size_t i = 0; i < vb->val_len; i++)
                snprintf (hex + 2 * i, 3, "%02x", vb->val.string [i]);
            json_object_set_new (found, "engine_id", json_string (hex));
        }
    }
    //  an agent that answers but knows not even sysObjectID is still SNMP
    json_decref (host->found);
    host->found = found;
    host->outcome = ASK_FOUND;
    return 1;
}

//  Asks the host with its current rung; -1 when the ladder is used up
static int
s_ask (discover_t *self, host_t *host)
{
    json_t *creds = self->job->creds;
    while (host->cred < (int) json_array_size (creds)) {
        const char *name = json_string_value (json_array_get (creds, (size_t) host->cred));
        json_t *cred = name? json_object_get (self->creds, name): NULL;
        char peername [96], error [160];
        snprintf (peername, sizeof peername, strchr (host->address, ':')? "udp6:[%s]:161": "udp:%s:161",
                  host->address);
        snmp_lib_lock ();
        if (!host->sessp && cred)
            host->sessp = snmp_open_session (cred, peername, SNMP_TIMEOUT_MS, SNMP_RETRIES, s_response,
                                             host, error, sizeof error);
        bool sent = false;
        if (host->sessp) {
            host->version = snmp_sess_session (host->sessp)->version;
            netsnmp_pdu *pdu = snmp_pdu_create (SNMP_MSG_GET);
            snmp_add_null_var (pdu, s_sys_object, 9);
            snmp_add_null_var (pdu, s_sys_name, 9);
            snmp_add_null_var (pdu, s_sys_descr, 9);
            snmp_add_null_var (pdu, s_sys_uptime, 9);
            if (!host->no_engine)
                snmp_add_null_var (pdu, s_engine_id, 11);
            sent = snmp_sess_async_send (host->sessp, pdu, s_response, host) != 0;
            if (!sent)
                snmp_free_pdu (pdu);
            netsnmp_transport *transport = snmp_sess_transport (host->sessp);
            host->fd = transport? transport->sock: -1;
        }
        snmp_lib_unlock ();
        if (sent)
            return 0;
        //  this rung cannot even be tried: the next
        if (host->sessp) {
            snmp_lib_lock ();
            snmp_close_session (host->sessp);
            snmp_lib_unlock ();
            host->sessp = NULL;
        }
        host->cred++;
        host->no_engine = false;
    }
    return -1;
}

//  A host is done: found over SNMP, or alive to ICMP only
static void
s_host_done (discover_t *self, host_t *host)
{
    json_t *entry = host->found? json_incref (host->found): NULL;
    if (!entry && host->rtt_ms >= 0)
        entry = json_object ();
    if (entry) {
        json_object_set_new (entry, "address", json_string (host->address));
        if (host->rtt_ms >= 0)
            json_object_set_new (entry, "rtt_ms", json_real (host->rtt_ms));
        if (host->found)
            json_object_set_new (entry, "cred",
                                 json_copy (json_array_get (self->job->creds, (size_t) host->cred)));
        json_array_append_new (self->hosts, entry);
    }
    s_host_destroy (&host);
}

//  After reads and timeouts: what each host's answer means
static void
s_advance (discover_t *self)
{
    for (int i = 0; i < self->nasking;) {
        host_t *host = self->asking [i];
        asked_t outcome = host->outcome;
        host->outcome = ASK_NONE;
        bool over = false;
        if (outcome == ASK_FOUND)
            over = true;
        else
        if (outcome == ASK_RETRY)
            over = s_ask (self, host) != 0;
        else
        if (outcome == ASK_NEXT) {
            snmp_lib_lock ();
            snmp_close_session (host->sessp);
            snmp_lib_unlock ();
            host->sessp = NULL;
            host->fd = -1;
            host->cred++;
            host->no_engine = false;
            over = s_ask (self, host) != 0;
        }
        if (over) {
            self->asking [i] = self->asking [--self->nasking];
            s_host_done (self, host);
        }
        else
            i++;
    }
    //  more hosts into the window
    while (self->nasking < SNMP_WINDOW && zlistx_size (self->queue)) {
        host_t *host = (host_t *) zlistx_detach (self->queue, NULL);
        if (s_ask (self, host) == 0)
            self->asking [self->nasking++] = host;
        else
            s_host_done (self, host);
    }
}

//  -- running ------------------------------------------------------------------------

static bool
s_due (job_t *job)
{
    if (job->requested > job->done && job->requested > job->reported)
        return true;
    int64_t last = job->last_us > job->finished_us? job->last_us: job->finished_us;
    return job->every_ms > 0 && last > 0 && vd_now_us () - last >= job->every_ms * 1000;
}

static void
s_start (discover_t *self, job_t *job)
{
    self->job = job;
    int64_t highest = job->requested > job->done? job->requested: job->done;
    self->run = highest > job->reported? highest: job->reported + 1;
    if (self->run <= job->done)
        self->run = job->done + 1;
    self->started = vd_mono_ms ();
    self->ntargets = s_parse_cidrs (job->targets, &self->targets);
    self->nexclude = s_parse_cidrs (job->exclude, &self->exclude);
    self->target = 0;
    self->next = 0;
    self->swept = 0;
    self->alive = 0;
    self->hosts = json_array ();
    self->queue = zlistx_new ();
    zlistx_set_destructor (self->queue, (zlistx_destructor_fn *) s_host_destroy);
    self->phase = PHASE_SNMP;
    if (job->ping) {
        self->icmp = icmp_new (s_pinged, self);
        if (self->icmp) {
            self->phase = PHASE_PING;
            s_ping_fill (self);
        }
        else
            zsys_warning ("discover: no ICMP socket: asking SNMP of every address");
    }
    if (self->phase == PHASE_SNMP) {
        char text [INET6_ADDRSTRLEN];
        while (s_next_address (self, text, sizeof text))
            s_queue_host (self, text, -1);
    }
    zsys_info ("discover: discovery %lld run %lld started", (long long) job->id, (long long) self->run);
}

static void
s_work (discover_t *self)
{
    if (self->phase == PHASE_IDLE) {
        for (job_t *job = (job_t *) zlistx_first (self->jobs); job; job = (job_t *) zlistx_next (self->jobs))
            if (s_due (job)) {
                s_start (self, job);
                break;
            }
    }
    if (self->phase == PHASE_PING) {
        icmp_work (self->icmp);
        s_ping_fill (self);
        if (icmp_pending (self->icmp) == 0) {
            icmp_destroy (&self->icmp);
            self->phase = PHASE_SNMP;
        }
    }
    if (self->phase == PHASE_SNMP) {
        s_advance (self);
        if (self->nasking == 0 && zlistx_size (self->queue) == 0)
            s_finish (self);
    }
}

//  -- configuration ---------------------------------------------------------------

static void
s_configure (discover_t *self, const char *text)
{
    json_t *config = json_loads (text, 0, NULL);
    json_t *list = json_object_get (config, "discoveries");
    if (!json_is_object (config)) {
        zsys_error ("discover: the config is not valid JSON");
        return;
    }
    zlistx_t *jobs = zlistx_new ();
    zlistx_set_destructor (jobs, (zlistx_destructor_fn *) s_job_destroy);
    size_t index;
    json_t *item;
    json_array_foreach (list, index, item) {
        job_t *job = (job_t *) zmalloc (sizeof (job_t));
        job->id = json_integer_value (json_object_get (item, "id"));
        job->requested = json_integer_value (json_object_get (item, "requested"));
        job->done = json_integer_value (json_object_get (item, "done"));
        job->every_ms = json_integer_value (json_object_get (item, "every_ms"));
        job->last_us = json_integer_value (json_object_get (item, "last_us"));
        job->ping = !json_is_false (json_object_get (item, "ping"));
        job->targets = json_incref (json_object_get (item, "targets"));
        job->exclude = json_incref (json_object_get (item, "exclude"));
        job->creds = json_incref (json_object_get (item, "creds"));
        //  what this probe did meanwhile is kept
        for (job_t *old = (job_t *) zlistx_first (self->jobs); old; old = (job_t *) zlistx_next (self->jobs))
            if (old->id == job->id) {
                job->reported = old->reported;
                job->finished_us = old->finished_us;
            }
        zlistx_add_end (jobs, job);
    }
    //  the run under way goes on if its discovery is still there
    if (self->job) {
        job_t *same = NULL;
        for (job_t *job = (job_t *) zlistx_first (jobs); job; job = (job_t *) zlistx_next (jobs))
            if (job->id == self->job->id)
                same = job;
        if (same) {
            //  its ladder and credentials stay those of the run's start
            json_t *creds = same->creds;
            same->creds = json_incref (self->job->creds);
            json_decref (creds);
            self->job = same;
        }
        else
            s_abandon (self);
    }
    zlistx_destroy (&self->jobs);
    self->jobs = jobs;
    //  credentials: a running ladder keeps what it had; the new ones join
    json_t *creds = json_object_get (config, "creds");
    if (json_is_object (creds)) {
        const char *name;
        json_t *value;
        json_object_foreach (creds, name, value)
            json_object_set (self->creds, name, value);
    }
    json_decref (config);
}

void
discover_actor (zsock_t *pipe, void *args)
{
    discover_t self = { .probe = (probe_t *) args };
    self.out = zsock_new (ZMQ_PUSH);
    zsock_t *jobs = zsock_new (ZMQ_PULL);
    self.jobs = zlistx_new ();
    zlistx_set_destructor (self.jobs, (zlistx_destructor_fn *) s_job_destroy);
    self.creds = json_object ();
    if (!self.out || !jobs || zsock_bind (jobs, PROBE_DISCOVER_JOBS) || zsock_connect (self.out, PROBE_EVENTS)) {
        zsock_destroy (&self.out);
        zsock_destroy (&jobs);
        zlistx_destroy (&self.jobs);
        json_decref (self.creds);
        zsock_signal (pipe, 0);
        vd_actor_failed (pipe);
        return;
    }
    zsock_set_sndhwm (self.out, 10000);
    snmp_lib_lock ();
    snmp_lib_init ();
    snmp_lib_unlock ();
    char *saved = probe_saved_config (self.probe);
    if (saved) {
        s_configure (&self, saved);
        sodium_memzero (saved, strlen (saved));
    }
    free (saved);
    zsock_signal (pipe, 0);
    zmq_pollitem_t items [2 + SNMP_WINDOW + 2];
    while (true) {
        int count = 0;
        items [count++] = (zmq_pollitem_t) { zsock_resolve (pipe), 0, ZMQ_POLLIN, 0 };
        items [count++] = (zmq_pollitem_t) { zsock_resolve (jobs), 0, ZMQ_POLLIN, 0 };
        int timeout = 1000;
        if (self.phase == PHASE_PING) {
            int fd4, fd6;
            icmp_fds (self.icmp, &fd4, &fd6);
            if (fd4 >= 0)
                items [count++] = (zmq_pollitem_t) { NULL, fd4, ZMQ_POLLIN, 0 };
            if (fd6 >= 0)
                items [count++] = (zmq_pollitem_t) { NULL, fd6, ZMQ_POLLIN, 0 };
            int wait = icmp_timeout (self.icmp);
            timeout = wait >= 0 && wait < timeout? wait: timeout;
        }
        int first_host = count;
        for (int i = 0; i < self.nasking; i++)
            if (self.asking [i]->fd >= 0)
                items [count++] = (zmq_pollitem_t) { NULL, self.asking [i]->fd, ZMQ_POLLIN, 0 };
        if (self.phase == PHASE_SNMP)
            timeout = 50;       //  net-snmp's retries and timeouts are checked this often
        if (self.phase == PHASE_IDLE && zlistx_size (self.jobs) == 0)
            timeout = -1;
        int rc = zmq_poll (items, count, timeout);
        if (rc < 0 && zmq_errno () != EINTR)
            break;
        char *text;
        int input = probe_actor_inputs (items, pipe, jobs, &text);
        if (input < 0)
            break;
        if (input > 0) {
            s_configure (&self, text);
            vd_secret_free (&text);
            continue;
        }
        if (self.phase == PHASE_SNMP) {
            snmp_lib_lock ();
            int polled = first_host;
            for (int i = 0; i < self.nasking; i++) {
                host_t *host = self.asking [i];
                if (host->fd >= 0 && polled < count && items [polled].fd == host->fd) {
                    if (items [polled].revents & ZMQ_POLLIN) {
                        netsnmp_large_fd_set fds;
                        netsnmp_large_fd_set_init (&fds, host->fd + 1);
                        NETSNMP_LARGE_FD_SET (host->fd, &fds);
                        snmp_sess_read2 (host->sessp, &fds);
                        netsnmp_large_fd_set_cleanup (&fds);
                    }
                    polled++;
                }
                if (host->sessp && host->outcome == ASK_NONE)
                    snmp_sess_timeout (host->sessp);
            }
            snmp_lib_unlock ();
        }
        s_work (&self);
    }
    if (self.job)
        s_abandon (&self);
    zlistx_destroy (&self.jobs);
    vd_json_wipe (self.creds);
    zsock_destroy (&self.out);
    zsock_unbind (jobs, PROBE_DISCOVER_JOBS);
    zsock_destroy (&jobs);
}
