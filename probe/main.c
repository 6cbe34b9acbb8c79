/*  vedette-probe: the probe daemon. main() only: options, config, actors,
    wait, tear down in reverse.                                             */
#include "probe.h"
#include <curl/curl.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <sys/file.h>
#include <unistd.h>

static void
s_usage (FILE *out)
{
    fprintf (out,
        "usage: vedette-probe [-fv] [-c FILE] -d DIR\n"
        "       vedette-probe join TOKEN -d DIR [--timeout SECONDS]\n"
        "       vedette-probe ping [-q] [-c COUNT] [-t TIMEOUT_MS] [-f FILE] TARGET...\n"
        "\n"
        "The vedette probe: measures the devices of its site and sends the results\n"
        "over an encrypted mesh to vedette-meshd, keeping them on disk until\n"
        "meshd has committed them.\n"
        "\n"
        "  -d, --dir DIR         state directory (keys, spool, checks)\n"
        "  -c, --config FILE     configuration (default: DIR/probe.cfg)\n"
        "  -f, --foreground      stay in the foreground, log to stderr\n"
        "  -v, --verbose         log more\n"
        "  -h, --help            this help\n"
        "      --list-config     print every configuration key, its default and help\n"
        "  -V, --version         print the version\n"
        "\n"
        "See vedette-probe(8) and vedette.conf(5).\n");
}

//  The actors, in start order: the uplink and icmp must come up; the
//  others log and carry on without what they cannot open
static struct {
    zactor_fn *fn;
    bool needed;
    zactor_t *actor;
} s_actors [] = {
    { uplink_actor, true, NULL }, { icmp_actor, true, NULL }, { listen_actor, false, NULL },
    { snmp_actor, false, NULL }, { service_actor, false, NULL }, { discover_actor, false, NULL },
    { peer_actor, false, NULL }, { backup_actor, false, NULL }
};
#define ACTORS (sizeof s_actors / sizeof s_actors [0])

static void
s_stop (void)
{
    for (size_t i = ACTORS; i-- > 0;)
        zactor_destroy (&s_actors [i].actor);
}

static int
s_start (probe_t *probe)
{
    for (size_t i = 0; i < ACTORS; i++) {
        s_actors [i].actor = zactor_new (s_actors [i].fn, probe);
        if (s_actors [i].needed && vd_actor_status (s_actors [i].actor) != 0) {
            s_stop ();
            return -1;
        }
    }
    return 0;
}

int
main (int argc, char *argv [])
{
    if (argc > 1 && streq (argv [1], "ping")) {
        vd_log_init ("vedette-probe", true, false);
        if (sodium_init () < 0)
            return 1;
        return ping_main (argc - 1, argv + 1);
    }
    bool join = argc > 1 && streq (argv [1], "join");
    const char *dir = NULL, *config_file = NULL, *token = NULL;
    bool foreground = false, verbose = false;
    int timeout = 15;
    static struct option options [] = {
        { "dir", required_argument, 0, 'd' },
        { "config", required_argument, 0, 'c' },
        { "foreground", no_argument, 0, 'f' },
        { "verbose", no_argument, 0, 'v' },
        { "timeout", required_argument, 0, 't' },
        { "help", no_argument, 0, 'h' },
        { "version", no_argument, 0, 'V' },
        { "list-config", no_argument, 0, 'L' },
        { 0, 0, 0, 0 }
    };
    int opt;
    while ((opt = getopt_long (argc - join, argv + join, "d:c:fvt:hV", options, NULL)) != -1) {
        switch (opt) {
            case 'd': dir = optarg; break;
            case 'c': config_file = optarg; break;
            case 'f': foreground = true; break;
            case 'v': verbose = true; break;
            case 't': timeout = atoi (optarg); break;
            case 'h': s_usage (stdout); return 0;
            case 'L':
                for (const vd_config_key_t *key = probe_config_keys; key->path; key++)
                    printf ("%s\t%s\t%s\n", key->path, key->def, key->help);
                return 0;
            case 'V': printf ("vedette-probe %s\n", VD_VERSION); return 0;
            default: s_usage (stderr); return 2;
        }
    }
    if (join && optind + 1 < argc)
        token = argv [optind + 1];
    if (join && optind + 2 < argc) {
        fprintf (stderr, "vedette-probe: join takes one token\n");
        return 2;
    }
    if (!join && optind < argc) {
        fprintf (stderr, "vedette-probe: unexpected argument '%s'\n", argv [optind]);
        return 2;
    }
    if (!dir || (join && !token)) {
        s_usage (stderr);
        return 2;
    }
    if (sodium_init () < 0)
        return 1;
    if (join) {
        vd_log_init ("vedette-probe", true, verbose);
        return probe_join (dir, token, timeout * 1000)? 1: 0;
    }

    probe_t probe = { .dir = dir };
    char *default_config = zsys_sprintf ("%s/probe.cfg", dir);
    char *error = NULL;
    probe.config = vd_config_load (config_file? config_file: default_config, probe_config_keys,
                                   !config_file, &error);
    if (!probe.config) {
        fprintf (stderr, "vedette-probe: %s\n", error);
        free (error);
        free (default_config);
        return 1;
    }
    char *identity = probe_path (&probe, "probe.json");
    if (!zsys_file_exists (identity)) {
        fprintf (stderr, "vedette-probe: %s: this probe has not joined (vedette-probe join TOKEN -d %s)\n",
                 dir, dir);
        return 1;
    }
    free (identity);
    const char *pidfile = vd_config_str (probe.config, "server/pidfile");
    char *pid_path = *pidfile? strdup (pidfile): probe_path (&probe, "probe.pid");
    if (!foreground && daemon (1, 0)) {
        fprintf (stderr, "vedette-probe: cannot daemonize\n");
        return 1;
    }
    vd_log_init ("vedette-probe", foreground, verbose);
    int pid_fd = vd_pidfile_lock (pid_path);
    if (pid_fd == -2) {
        zsys_error ("probe: %s: another vedette-probe runs on this directory", pid_path);
        return 1;
    }
    vd_signals_init ();
    curl_global_init (CURL_GLOBAL_DEFAULT);

    int rc = s_start (&probe)? 1: 0;
    if (rc == 0)
        zsys_notice ("probe: vedette-probe %s running on %s", VD_VERSION, dir);
    while (rc == 0 && !vd_stop) {
        vd_signals_wait (-1);
        if (vd_reload && !vd_stop) {
            vd_reload = 0;
            vd_config_t *fresh = vd_config_load (config_file? config_file: default_config,
                                                 probe_config_keys, !config_file, &error);
            if (!fresh) {
                zsys_error ("probe: reload refused, keeping the running configuration: %s", error);
                zstr_free (&error);
                continue;
            }
            //  the uplink flushes to the spool on the way out: nothing is lost
            s_stop ();
            vd_config_destroy (&probe.config);
            probe.config = fresh;
            if (s_start (&probe)) {
                zsys_error ("probe: cannot restart with the new configuration");
                rc = 1;
                break;
            }
            zsys_notice ("probe: configuration reloaded");
        }
    }
    zsys_notice ("probe: stopping");
    s_stop ();
    if (pid_fd >= 0) {
        unlink (pid_path);
        close (pid_fd);
    }
    vd_config_destroy (&probe.config);
    free (default_config);
    free (pid_path);
    zstr_free (&error);
    return rc;
}
