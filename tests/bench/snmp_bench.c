/*  tests/bench/snmp_bench: the SNMP poller's speed against real agents.

    snmp_bench ceiling SECONDS INFLIGHT PORT...
        the agents' own ceiling: a tight loop of the poll's requests (a GET
        of its 20 scalars, then two GETBULKs of its 19 interface and
        processor columns, 3 rows each), INFLIGHT in flight per agent;
        prints "ceiling REQUESTS_PER_S"
    snmp_bench poll SECONDS DEVICES INTERVAL_MS MAX_INFLIGHT PORT...
        the probe's poller (probe/snmp.c) polling DEVICES devices spread
        over the agents, each with 7 custom OIDs (so its GET carries 20);
        prints "poll POLLS_PER_S REQUESTS_PER_S CPU_SECONDS OK_PERCENT"

    Agents are v2c, community public, on 127.0.0.1.                        */
#include "../../probe/snmp/snmp.h"
#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>
#include <net-snmp/library/large_fd_set.h>
#include <sys/resource.h>
#include <poll.h>

static const char *s_custom [] = {
    "1.3.6.1.2.1.1.7.0", "1.3.6.1.2.1.2.1.0", "1.3.6.1.2.1.4.1.0", "1.3.6.1.2.1.4.2.0",
    "1.3.6.1.2.1.4.3.0", "1.3.6.1.2.1.6.5.0", "1.3.6.1.2.1.7.1.0"
};
static const char *s_scalars [] = {
    "1.3.6.1.2.1.1.1.0", "1.3.6.1.2.1.1.2.0", "1.3.6.1.2.1.1.3.0", "1.3.6.1.2.1.1.4.0",
    "1.3.6.1.2.1.1.5.0", "1.3.6.1.2.1.1.6.0", "1.3.6.1.4.1.2021.10.1.3.1", "1.3.6.1.4.1.2021.10.1.3.2",
    "1.3.6.1.4.1.2021.10.1.3.3", "1.3.6.1.4.1.2021.4.5.0", "1.3.6.1.4.1.2021.4.6.0",
    "1.3.6.1.4.1.2021.4.14.0", "1.3.6.1.4.1.2021.4.15.0"
};

static uint64_t s_answered;

static int
s_ceiling_response (int op, netsnmp_session *session, int reqid, netsnmp_pdu *pdu, void *magic)
{
    (void) session; (void) reqid; (void) pdu;
    if (op == NETSNMP_CALLBACK_OP_RECEIVED_MESSAGE)
        s_answered++;
    *(int *) magic = 1;         //  this slot may send again
    return 1;
}

//  The walk's first GETBULK: the columns of probe/snmp.c, 3 rows each
static netsnmp_pdu *
s_bulk (void)
{
    static const char *columns [] = {
        "1.3.6.1.2.1.2.2.1.2", "1.3.6.1.2.1.2.2.1.3", "1.3.6.1.2.1.2.2.1.4", "1.3.6.1.2.1.2.2.1.5",
        "1.3.6.1.2.1.2.2.1.6", "1.3.6.1.2.1.31.1.1.1.1", "1.3.6.1.2.1.31.1.1.1.15",
        "1.3.6.1.2.1.31.1.1.1.18", "1.3.6.1.2.1.2.2.1.7", "1.3.6.1.2.1.2.2.1.8", "1.3.6.1.2.1.2.2.1.10",
        "1.3.6.1.2.1.2.2.1.13", "1.3.6.1.2.1.2.2.1.14", "1.3.6.1.2.1.2.2.1.16", "1.3.6.1.2.1.2.2.1.19",
        "1.3.6.1.2.1.2.2.1.20", "1.3.6.1.2.1.31.1.1.1.6", "1.3.6.1.2.1.31.1.1.1.10",
        "1.3.6.1.2.1.25.3.3.1.2"
    };
    netsnmp_pdu *pdu = snmp_pdu_create (SNMP_MSG_GETBULK);
    pdu->non_repeaters = 0;
    pdu->max_repetitions = 3;
    for (size_t i = 0; i < sizeof columns / sizeof columns [0]; i++) {
        oid name [MAX_OID_LEN];
        size_t length = MAX_OID_LEN;
        read_objid (columns [i], name, &length);
        snmp_add_null_var (pdu, name, length);
    }
    return pdu;
}

static netsnmp_pdu *
s_get (void)
{
    netsnmp_pdu *pdu = snmp_pdu_create (SNMP_MSG_GET);
    for (size_t i = 0; i < 13; i++) {
        oid name [MAX_OID_LEN];
        size_t length = MAX_OID_LEN;
        read_objid (s_scalars [i], name, &length);
        snmp_add_null_var (pdu, name, length);
    }
    for (size_t i = 0; i < 7; i++) {
        oid name [MAX_OID_LEN];
        size_t length = MAX_OID_LEN;
        read_objid (s_custom [i], name, &length);
        snmp_add_null_var (pdu, name, length);
    }
    return pdu;
}

static int
s_ceiling (int seconds, int inflight, int nports, char **ports)
{
    snmp_lib_lock ();
    snmp_lib_init ();
    int total = nports * inflight;
    void **sessions = calloc ((size_t) total, sizeof (void *));
    int *free_slot = calloc ((size_t) total, sizeof (int));
    int *sent = calloc ((size_t) total, sizeof (int));
    struct pollfd *fds = calloc ((size_t) total, sizeof (struct pollfd));
    for (int i = 0; i < total; i++) {
        //  one session per slot: each has one request in flight at a time
        netsnmp_session session;
        snmp_sess_init (&session);
        char peer [64];
        snprintf (peer, sizeof peer, "udp:127.0.0.1:%s", ports [i % nports]);
        session.peername = peer;
        session.version = SNMP_VERSION_2c;
        session.community = (u_char *) "public";
        session.community_len = 6;
        session.timeout = 1000000;
        session.retries = 0;
        sessions [i] = snmp_sess_open (&session);
        if (!sessions [i])
            return 1;
        fds [i] = (struct pollfd) { snmp_sess_transport (sessions [i])->sock, POLLIN, 0 };
        free_slot [i] = 1;
    }
    int64_t start = vd_mono_ms (), end = start + seconds * 1000LL;
    while (vd_mono_ms () < end) {
        for (int i = 0; i < total; i++)
            if (free_slot [i]) {
                free_slot [i] = 0;
                netsnmp_pdu *pdu = sent [i]++ % 3 == 0? s_get (): s_bulk ();
                if (!snmp_sess_async_send (sessions [i], pdu, s_ceiling_response, &free_slot [i]))
                    free_slot [i] = 1;
            }
        if (poll (fds, (nfds_t) total, 10) <= 0) {
            for (int i = 0; i < total; i++)
                snmp_sess_timeout (sessions [i]);
            continue;
        }
        for (int i = 0; i < total; i++)
            if (fds [i].revents & POLLIN) {
                netsnmp_large_fd_set set;
                netsnmp_large_fd_set_init (&set, fds [i].fd + 1);
                NETSNMP_LARGE_FD_SET (fds [i].fd, &set);
                snmp_sess_read2 (sessions [i], &set);
                netsnmp_large_fd_set_cleanup (&set);
            }
    }
    printf ("ceiling %.0f\n", (double) s_answered / ((double) (vd_mono_ms () - start) / 1000));
    snmp_lib_unlock ();
    return 0;
}

static uint64_t s_reports, s_ok;

static void
s_emit (void *arg, json_t *report)
{
    (void) arg;
    s_reports++;
    const char *status = json_string_value (json_object_get (report, "status"));
    if (status && streq (status, "ok"))
        s_ok++;
    json_decref (report);
}

static double
s_cpu (void)
{
    struct rusage usage;
    getrusage (RUSAGE_SELF, &usage);
    return (double) usage.ru_utime.tv_sec + usage.ru_utime.tv_usec / 1e6
         + (double) usage.ru_stime.tv_sec + usage.ru_stime.tv_usec / 1e6;
}

static int
s_poll (int seconds, int devices, int interval, int inflight, int nports, char **ports)
{
    poller_t *poller = poller_new (s_emit, NULL, inflight, 1000, 1);
    if (!poller)
        return 1;
    json_t *checks = json_array ();
    for (int i = 0; i < devices; i++) {
        char name [32];
        snprintf (name, sizeof name, "d%d", i);
        json_array_append_new (checks, json_pack ("{s:i, s:s, s:i, s:{s:i}, s:s, s:s, s:s}",
            "id", i + 1, "kind", "snmp", "interval_ms", interval, "params", "port", atoi (ports [i % nports]),
            "address", "127.0.0.1", "device", name, "cred", "bench"));
        for (int c = 0; c < 7; c++) {
            char label [16];
            snprintf (label, sizeof label, "c%d", c);
            json_array_append_new (checks, json_pack ("{s:i, s:s, s:i, s:{s:s, s:s}, s:s, s:s}",
                "id", devices + i * 7 + c + 1, "kind", "snmp", "interval_ms", interval,
                "params", "oid", s_custom [c], "name", label, "address", "127.0.0.1", "device", name));
        }
    }
    json_t *config = json_pack ("{s:o, s:{s:{s:s, s:s}}}", "checks", checks, "creds", "bench",
                                "version", "2c", "community", "public");
    int configured = poller_configure (poller, config);
    json_decref (config);
    if (configured != devices) {
        fprintf (stderr, "snmp_bench: %d devices configured of %d\n", configured, devices);
        return 1;
    }
    //  the first round spreads over up to 10 s: measure after it
    int64_t warm = vd_mono_ms () + 11000;
    while (vd_mono_ms () < warm) {
        struct pollfd item = { poller_fd (poller), POLLIN, 0 };
        poll (&item, 1, poller_timeout (poller));
        poller_work (poller);
    }
    poller_stats_t before, after;
    poller_stats (poller, &before);
    double cpu = s_cpu ();
    int64_t start = vd_mono_ms (), end = start + seconds * 1000LL;
    while (vd_mono_ms () < end) {
        struct pollfd item = { poller_fd (poller), POLLIN, 0 };
        int wait = poller_timeout (poller);
        poll (&item, 1, wait < 0 || wait > 100? 100: wait);
        poller_work (poller);
    }
    poller_stats (poller, &after);
    double elapsed = (double) (vd_mono_ms () - start) / 1000;
    printf ("poll %.0f %.0f %.2f %.1f\n", (double) (after.polls - before.polls) / elapsed,
            (double) (after.responses - before.responses) / elapsed, s_cpu () - cpu,
            after.polls > before.polls? 100.0 * (double) (after.ok - before.ok) / (double) (after.polls - before.polls): 0);
    poller_destroy (&poller);
    return 0;
}

int
main (int argc, char *argv [])
{
    zsys_set_logstream (stderr);
    if (argc >= 5 && streq (argv [1], "ceiling"))
        return s_ceiling (atoi (argv [2]), atoi (argv [3]), argc - 4, argv + 4);
    if (argc >= 7 && streq (argv [1], "poll"))
        return s_poll (atoi (argv [2]), atoi (argv [3]), atoi (argv [4]), atoi (argv [5]), argc - 6, argv + 6);
    fprintf (stderr, "usage: snmp_bench ceiling SECONDS INFLIGHT PORT...\n"
                     "       snmp_bench poll SECONDS DEVICES INTERVAL_MS MAX_INFLIGHT PORT...\n");
    return 2;
}
