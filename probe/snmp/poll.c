/*  probe/snmp/poll.c: a device's poll, a short conversation with one
    request in flight:
        scalars   GET system group, UCD load and memory, custom OIDs
        walk      GETBULK (GETNEXT for v1) over the IF-MIB and ifXTable
                  columns and hrProcessorLoad, all columns in parallel
    Static columns (names, speeds, types) are read every FULL_EVERY polls,
    or when an interface appears; counters and states every poll. A poll
    that has not ended by its deadline (one interval) is cut short and
    reported as such. v3 engine discovery happens inside the first request
    (SNMP_FLAGS_DONT_PROBE), never blocking.                             */
#include "device.h"
#include <sys/epoll.h>

#define COMPLAIN_EVERY_MS   (5 * 60 * 1000)

static int s_response (int op, netsnmp_session *session, int reqid, netsnmp_pdu *pdu, void *magic);

static void
s_row_free (void **row_p)
{
    free (*row_p);
    *row_p = NULL;
}

//  The device's tables: interfaces, storage, neighbours, LLDP port names,
//  ARP
void
poll_tables_new (device_t *self)
{
    zhashx_t **tables [] = { &self->ifs, &self->storage, &self->neighbours, &self->lldp_ports, &self->arp };
    for (size_t i = 0; i < sizeof tables / sizeof tables [0]; i++) {
        *tables [i] = zhashx_new ();
        zhashx_set_destructor (*tables [i], (zhashx_destructor_fn *) s_row_free);
    }
}

void
poll_tables_destroy (device_t *self)
{
    zhashx_destroy (&self->ifs);
    zhashx_destroy (&self->storage);
    zhashx_destroy (&self->neighbours);
    zhashx_destroy (&self->lldp_ports);
    zhashx_destroy (&self->arp);
}

void
poll_complain (device_t *self, const char *format, ...)
{
    self->complaint.every_ms = COMPLAIN_EVERY_MS;
    if (!vd_complaint_due (&self->complaint))
        return;
    va_list args;
    va_start (args, format);
    char *text = zsys_vprintf (format, args);
    va_end (args);
    vd_complain (&self->complaint, "snmp: %s:%d: %s", self->address, self->port, text);
    free (text);
}

void
poll_close (device_t *self)
{
    if (self->sessp) {
        snmp_close_session (self->sessp);
        self->sessp = NULL;
        self->fd = -1;
    }
}

//  Opens the device's session from its credential; 0, or -1 with error set
static int
s_open (device_t *self)
{
    self->sessp = snmp_open_session (self->cred, self->peername, self->poller->timeout_ms,
                                     self->poller->retries, s_response, self, self->error,
                                     sizeof self->error);
    if (!self->sessp)
        return -1;
    netsnmp_session *session = snmp_sess_session (self->sessp);
    self->version = session->version;
    self->timeout_ms = session->timeout / 1000;
    netsnmp_transport *transport = snmp_sess_transport (self->sessp);
    self->fd = transport? transport->sock: -1;
    struct epoll_event event = { .events = EPOLLIN, .data.ptr = self };
    if (self->fd < 0 || epoll_ctl (self->poller->epoll, EPOLL_CTL_ADD, self->fd, &event)) {
        poll_close (self);
        snprintf (self->error, sizeof self->error, "cannot watch the session's socket");
        return -1;
    }
    return 0;
}

void
poll_clear_values (device_t *self)
{
    for (int i = 0; i < MAX_SCALARS; i++)
        if (self->values [i]) {
            snmp_free_var (self->values [i]);
            self->values [i] = NULL;
        }
}

static int
s_send (device_t *self, netsnmp_pdu *pdu)
{
    self->poller->stats.requests++;
    self->sent_ns = vd_mono_ns ();
    self->reqid = snmp_sess_async_send (self->sessp, pdu, s_response, self);
    if (self->reqid == 0) {
        snmp_free_pdu (pdu);
        int library = 0, system = 0;
        char *text = NULL;
        snmp_sess_error (self->sessp, &library, &system, &text);
        snprintf (self->error, sizeof self->error, "cannot send: %s", text? text: "?");
        free (text);
        return -1;
    }
    self->expiry = vd_mono_ms () + self->timeout_ms + 1;
    return 0;
}

static int
s_send_scalars (device_t *self)
{
    netsnmp_pdu *pdu = snmp_pdu_create (SNMP_MSG_GET);
    self->nasked = 0;
    for (int id = 0; id < S_STANDARD + self->ncustom; id++) {
        if (self->skip & (1ULL << id))
            continue;
        if (id < S_STANDARD)
            snmp_add_null_var (pdu, oids_scalars [id].name, oids_scalars [id].length);
        else
            snmp_add_null_var (pdu, self->custom [id - S_STANDARD].name,
                               self->custom [id - S_STANDARD].length);
        self->asked [self->nasked++] = id;
    }
    return s_send (self, pdu);
}

static int
s_send_walk (device_t *self)
{
    walk_t *walk = self->walk;
    int active = 0;
    for (int c = 0; c < C_COLUMNS; c++)
        active += walk->active [c];
    if (++walk->requests > MAX_REQUESTS) {
        self->poller->stats.walk_errors++;
        poll_complain (self, "a walk still going after %d requests: cut", MAX_REQUESTS);
        return 1;               //  done with what we have
    }
    netsnmp_pdu *pdu;
    if (self->version == SNMP_VERSION_1)
        pdu = snmp_pdu_create (SNMP_MSG_GETNEXT);
    else {
        pdu = snmp_pdu_create (SNMP_MSG_GETBULK);
        pdu->non_repeaters = 0;
        pdu->max_repetitions = active? (WALK_VARBINDS + active - 1) / active: 1;
    }
    walk->nasked = 0;
    for (int c = 0; c < C_COLUMNS; c++)
        if (walk->active [c]) {
            snmp_add_null_var (pdu, walk->last [c], walk->length [c]);
            walk->asked [walk->nasked++] = c;
        }
    return s_send (self, pdu);
}

static int
s_response (int op, netsnmp_session *session, int reqid, netsnmp_pdu *pdu, void *magic)
{
    device_t *self = (device_t *) magic;
    //  (a security error comes without the request's id: the session is
    //  this device's, so it is about the request in flight)
    if (!self->busy || (reqid != self->reqid && op != NETSNMP_CALLBACK_OP_SEC_ERROR))
        return 1;               //  an answer to a poll already over
    if (op == NETSNMP_CALLBACK_OP_RECEIVED_MESSAGE && session->s_snmp_errno)
        return 1;               //  a wrong digest (see trap.c): not the answer
    if (op == NETSNMP_CALLBACK_OP_RESEND) {
        self->expiry = vd_mono_ms () + self->timeout_ms + 1;
        return 1;
    }
    self->reqid = 0;
    if (op == NETSNMP_CALLBACK_OP_TIMED_OUT) {
        self->outcome = OUT_FAILED;
        snprintf (self->status, sizeof self->status, "timeout");
        snprintf (self->error, sizeof self->error, "no answer%s",
                  self->phase == PHASE_WALK? " during the walk": "");
        return 1;
    }
    if (op != NETSNMP_CALLBACK_OP_RECEIVED_MESSAGE || !pdu) {
        self->outcome = OUT_FAILED;
        snprintf (self->status, sizeof self->status, "refused");
        snprintf (self->error, sizeof self->error, "%s", op == NETSNMP_CALLBACK_OP_SEC_ERROR
                  ? "authentication or privacy failed (wrong passphrase or protocol?)"
                  : "the request could not be sent");
        return 1;
    }
    self->poller->stats.responses++;
    if (pdu->command == SNMP_MSG_REPORT) {
        self->outcome = OUT_FAILED;
        snprintf (self->status, sizeof self->status, "refused");
        snprintf (self->error, sizeof self->error, "v3: %s",
                  snmp_api_errstring (snmpv3_get_report_type (pdu)));
        return 1;
    }
    if (self->phase == PHASE_SCALARS && self->rtt_ms < 0)
        self->rtt_ms = (double) (vd_mono_ns () - self->sent_ns) / 1e6;
    if (pdu->errstat == SNMP_ERR_NOSUCHNAME && self->version == SNMP_VERSION_1) {
        //  v1: a GET with one unknown object fails whole; a GETNEXT past
        //  the end of the MIB ends the walk
        if (self->phase == PHASE_SCALARS && pdu->errindex >= 1 && pdu->errindex <= self->nasked) {
            self->skip |= 1ULL << self->asked [pdu->errindex - 1];
            self->outcome = OUT_RETRY;
        }
        else {
            if (self->walk)
                memset (self->walk->active, 0, sizeof self->walk->active);
            self->outcome = OUT_RESPONSE;
        }
        return 1;
    }
    if (pdu->errstat != SNMP_ERR_NOERROR) {
        self->outcome = OUT_FAILED;
        snprintf (self->status, sizeof self->status, "refused");
        snprintf (self->error, sizeof self->error, "agent says %s", snmp_errstring (pdu->errstat));
        return 1;
    }
    if (self->phase == PHASE_SCALARS)
        read_scalars (self, pdu);
    else
        read_walk (self, pdu);
    self->outcome = OUT_RESPONSE;
    return 1;
}

void
poll_schedule (device_t *self)
{
    poller_t *poller = self->poller;
    vd_heap_set (poller->heap, self->slot, self->busy
                 ? (self->expiry < self->deadline? self->expiry: self->deadline): self->due);
}

void
poll_finish (device_t *self, const char *status)
{
    poller_t *poller = self->poller;
    if (status)
        snprintf (self->status, sizeof self->status, "%s", status);
    bool ok = streq (self->status, "ok");
    //  stamped with the poll's slot on the device's rhythm, not when the
    //  walk ended: polls an interval apart are stamped exactly that apart
    json_t *report = json_pack ("{s:I, s:I, s:s}", "check", (json_int_t) self->check_id,
                                "ts_us", (json_int_t) vd_mono_to_wall_us (self->due),
                                "status", self->status);
    if (!ok)
        json_object_set_new (report, "error", json_string (self->error));
    else
        report_findings (self, report);
    poller->stats.polls++;
    if (ok)
        poller->stats.ok++;
    else
    if (streq (self->status, "timeout"))
        poller->stats.timeouts++;
    else
    if (streq (self->status, "deadline"))
        poller->stats.deadlines++;
    else
        poller->stats.refused++;
    if (!ok && !streq (self->status, "timeout"))
        poll_complain (self, "%s: %s", self->status, self->error);
    free (self->walk);
    self->walk = NULL;
    poll_clear_values (self);
    self->busy = false;
    self->reqid = 0;
    poller->inflight--;
    //  the next poll keeps the device's rhythm; missed slots are skipped
    int64_t now = vd_mono_ms ();
    self->due += self->interval_ms;
    if (self->due <= now)
        self->due += ((now - self->due) / self->interval_ms + 1) * self->interval_ms;
    poll_schedule (self);
    poller->emit (poller->arg, report);
}

void
poll_start (device_t *self)
{
    poller_t *poller = self->poller;
    poller->inflight++;
    self->busy = true;
    self->started = vd_mono_ms ();
    self->deadline = self->started + self->interval_ms;
    self->expiry = self->deadline;
    self->generation++;
    self->phase = PHASE_SCALARS;
    self->rtt_ms = -1;
    self->outcome = OUT_NONE;
    *self->error = 0;
    if (!self->sessp && s_open (self)) {
        poll_finish (self, "error");
        return;
    }
    if (s_send_scalars (self))
        poll_finish (self, "error");
    else
        poll_schedule (self);
}

walk_t *
poll_walk_new (bool full)
{
    walk_t *walk = (walk_t *) zmalloc (sizeof (walk_t));
    walk->full = full;
    for (int c = 0; c < C_COLUMNS; c++) {
        if (!full && (oids_columns [c].flags & STATIC))
            continue;
        memcpy (walk->last [c], oids_columns [c].base, oids_columns [c].length * sizeof (oid));
        walk->length [c] = oids_columns [c].length;
        walk->active [c] = true;
    }
    return walk;
}

void
poll_advance (device_t *self)
{
    outcome_t outcome = self->outcome;
    self->outcome = OUT_NONE;
    if (outcome == OUT_NONE || !self->busy)
        return;
    if (outcome == OUT_FAILED) {
        poll_finish (self, NULL);
        return;
    }
    int rc = 0;
    if (outcome == OUT_RETRY)
        rc = s_send_scalars (self);
    else
    if (self->phase == PHASE_SCALARS) {
        self->phase = PHASE_WALK;
        self->walk = poll_walk_new (self->need_full || self->generation % FULL_EVERY == 1);
        self->need_full = false;
        if (self->walk->full) {
            //  neighbours and ARP entries come and go: a full walk reads
            //  them afresh
            zhashx_purge (self->neighbours);
            zhashx_purge (self->lldp_ports);
            zhashx_purge (self->arp);
        }
        rc = s_send_walk (self);
    }
    else {
        bool more = false;
        for (int c = 0; c < C_COLUMNS; c++)
            more = more || self->walk->active [c];
        rc = more? s_send_walk (self): 1;
    }
    if (rc == 1)
        poll_finish (self, "ok");
    else
    if (rc < 0)
        poll_finish (self, "error");
    else
        poll_schedule (self);
}
