/*  probe/ping.c: `vedette-probe ping`: one round to many targets, like
    fping, with the same engine the daemon uses. Targets are addresses,
    CIDR blocks (IPv4) or a file of addresses (-f). Prints one line per
    target (-q: only the summary) and exits 0 if every target answered,
    1 if some did not, 2 on a usage error.                                  */
#include "probe.h"
#include <arpa/inet.h>
#include <getopt.h>

typedef struct {
    bool quiet;
    uint64_t alive, dead;
    double rtt_sum;
} ping_t;

static void
s_result (void *arg, const vd_sample_t *samples, int count, const char *address)
{
    ping_t *self = (ping_t *) arg;
    bool lost = samples [0].flags & VD_SAMPLE_LOST;
    if (lost)
        self->dead++;
    else {
        self->alive++;
        self->rtt_sum += samples [0].value;
    }
    if (!self->quiet) {
        if (lost)
            printf ("%s unreachable (loss 100%%)\n", address);
        else
            printf ("%s rtt %.3f ms loss %.0f%%\n", address, samples [0].value, samples [1].value);
    }
    (void) count;
}

//  Adds one address or an IPv4 CIDR block; -1 if it is neither
static int
s_add_spec (icmp_t *engine, const char *spec, int count, int timeout)
{
    char buffer [64];
    snprintf (buffer, sizeof buffer, "%s", spec);
    char *slash = strchr (buffer, '/');
    if (!slash)
        return icmp_add (engine, buffer, 0, count, timeout, NULL);
    *slash = 0;
    int bits = atoi (slash + 1);
    struct in_addr base;
    if (inet_pton (AF_INET, buffer, &base) != 1 || bits < 8 || bits > 32)
        return -1;
    uint32_t first = ntohl (base.s_addr) & (bits == 32? 0xFFFFFFFF: ~((1U << (32 - bits)) - 1));
    uint64_t size = 1ULL << (32 - bits);
    for (uint64_t i = 0; i < size; i++) {
        //  skip network and broadcast addresses of real subnets
        if (bits < 31 && (i == 0 || i == size - 1))
            continue;
        struct in_addr address = { htonl (first + (uint32_t) i) };
        char text [INET_ADDRSTRLEN];
        inet_ntop (AF_INET, &address, text, sizeof text);
        if (icmp_add (engine, text, 0, count, timeout, NULL))
            return -1;
    }
    return 0;
}

int
ping_main (int argc, char *argv [])
{
    ping_t self = { 0 };
    int count = 1, timeout = 1000;
    const char *file = NULL;
    int opt;
    optind = 1;
    while ((opt = getopt (argc, argv, "c:t:f:qh")) != -1) {
        switch (opt) {
            case 'c': count = atoi (optarg); break;
            case 't': timeout = atoi (optarg); break;
            case 'f': file = optarg; break;
            case 'q': self.quiet = true; break;
            case 'h':
                printf ("usage: vedette-probe ping [-q] [-c COUNT] [-t TIMEOUT_MS] [-f FILE] TARGET...\n");
                return 0;
            default:
                return 2;
        }
    }
    if (count < 1 || count > 20 || timeout < 10) {
        fprintf (stderr, "vedette-probe ping: -c takes 1 to 20, -t at least 10 (ms)\n");
        return 2;
    }
    icmp_t *engine = icmp_new (s_result, &self);
    if (!engine)
        return 1;
    int rc = 0;
    for (int i = optind; i < argc && rc == 0; i++)
        if (s_add_spec (engine, argv [i], count, timeout)) {
            fprintf (stderr, "vedette-probe ping: '%s' is not an address or IPv4 CIDR\n", argv [i]);
            rc = 2;
        }
    if (file && rc == 0) {
        FILE *input = streq (file, "-")? stdin: fopen (file, "r");
        char line [128];
        while (input && fgets (line, sizeof line, input) && rc == 0) {
            line [strcspn (line, " \t\r\n#")] = 0;
            if (*line && s_add_spec (engine, line, count, timeout)) {
                fprintf (stderr, "vedette-probe ping: %s: '%s' is not an address\n", file, line);
                rc = 2;
            }
        }
        if (!input) {
            fprintf (stderr, "vedette-probe ping: %s: cannot read\n", file);
            rc = 2;
        }
        else
        if (input != stdin)
            fclose (input);
    }
    if (rc == 0 && icmp_pending (engine) == 0) {
        fprintf (stderr, "vedette-probe ping: no targets\n");
        rc = 2;
    }
    int64_t start = vd_mono_ms ();
    int fd4, fd6;
    icmp_fds (engine, &fd4, &fd6);
    while (rc == 0 && icmp_pending (engine) > 0) {
        zmq_pollitem_t items [] = {
            { NULL, fd4 >= 0? fd4: fd6, ZMQ_POLLIN, 0 },
            { NULL, fd6 >= 0? fd6: fd4, ZMQ_POLLIN, 0 }
        };
        zmq_poll (items, 2, icmp_timeout (engine));
        icmp_work (engine);
    }
    if (rc == 0) {
        uint64_t sent, received, errors;
        icmp_stats (engine, &sent, &received, &errors);
        int64_t elapsed = vd_mono_ms () - start;
        fprintf (stderr, "%" PRIu64 " targets, %" PRIu64 " alive, %" PRIu64 " unreachable; "
                 "%" PRIu64 " sent, %" PRIu64 " received, %" PRIu64 " send errors; "
                 "%.3f s; mean rtt %.3f ms\n", self.alive + self.dead, self.alive, self.dead,
                 sent, received, errors, elapsed / 1000.0,
                 self.alive? self.rtt_sum / (double) self.alive: 0.0);
        rc = self.dead? 1: 0;
    }
    icmp_destroy (&engine);
    return rc;
}
