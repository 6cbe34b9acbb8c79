/*  probe/snmp/actor.c: the snmp actor. Takes the checks that meshd sends
    (PROBE_SNMP_CHECKS), polls, and pushes each poll's report to the
    uplink.                                                              */
#include "device.h"

typedef struct {
    probe_t *probe;
    zsock_t *out;               //  PUSH to the uplink: "REPORT" report
    poller_t *poller;
} snmp_actor_t;

static void
s_emit (void *arg, json_t *report)
{
    snmp_actor_t *self = (snmp_actor_t *) arg;
    probe_report (self->out, report);
}

static void
s_load (snmp_actor_t *self, const char *text)
{
    json_error_t error;
    json_t *config = json_loads (text, 0, &error);
    if (!json_is_object (config))
        zsys_error ("snmp: checks are not valid JSON: %s", error.text);
    else {
        int count = poller_configure (self->poller, config);
        if (count)
            zsys_info ("snmp: polling %d devices", count);
    }
    vd_json_wipe (config);
}

void
snmp_actor (zsock_t *pipe, void *args)
{
    snmp_actor_t self = { .probe = (probe_t *) args };
    vd_config_t *config = self.probe->config;
    self.out = zsock_new (ZMQ_PUSH);
    zsock_t *checks = zsock_new (ZMQ_PULL);
    if (self.out) {
        zsock_set_sndhwm (self.out, 10000);
        zsock_connect (self.out, PROBE_EVENTS);
        self.poller = poller_new (s_emit, &self, (int) vd_config_int (config, "snmp/max_inflight"),
                                  (int) vd_config_int (config, "snmp/timeout"),
                                  (int) vd_config_int (config, "snmp/retries"));
    }
    if (!self.poller || !checks || zsock_bind (checks, PROBE_SNMP_CHECKS)) {
        zsock_destroy (&self.out);
        zsock_destroy (&checks);
        poller_destroy (&self.poller);
        zsock_signal (pipe, 0);
        vd_actor_failed (pipe);
        return;
    }
    char *saved = probe_saved_config (self.probe);
    if (saved) {
        s_load (&self, saved);
        sodium_memzero (saved, strlen (saved));
    }
    free (saved);
    zsock_signal (pipe, 0);
    while (true) {
        zmq_pollitem_t items [] = {
            { zsock_resolve (pipe), 0, ZMQ_POLLIN, 0 },
            { zsock_resolve (checks), 0, ZMQ_POLLIN, 0 },
            { NULL, poller_fd (self.poller), ZMQ_POLLIN, 0 }
        };
        int rc = zmq_poll (items, 3, poller_timeout (self.poller));
        if (rc < 0 && zmq_errno () != EINTR)
            break;
        char *text;
        int input = probe_actor_inputs (items, pipe, checks, &text);
        if (input < 0)
            break;
        if (input > 0) {
            s_load (&self, text);
            vd_secret_free (&text);
        }
        poller_work (self.poller);
    }
    poller_stats_t stats;
    poller_stats (self.poller, &stats);
    zsys_info ("snmp: %" PRIu64 " polls, %" PRIu64 " complete, %" PRIu64 " timed out, %" PRIu64
               " refused, %" PRIu64 " past deadline, %" PRIu64 " bad values, %" PRIu64 " walk errors",
               stats.polls, stats.ok, stats.timeouts, stats.refused, stats.deadlines,
               stats.bad_values, stats.walk_errors);
    poller_destroy (&self.poller);
    zsock_destroy (&self.out);
    zsock_unbind (checks, PROBE_SNMP_CHECKS);
    zsock_destroy (&checks);
}
