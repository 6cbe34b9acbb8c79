/*  vedette-meshd: the coordinator. main() only: options, config, actors in
    order (auth before any CURVE socket binds), wait, tear down in reverse. */
#include "meshd.h"
#include "api/api.h"
#include "housekeeping/housekeeping.h"
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
        "usage: vedette-meshd [-fv] [-c FILE] -d DIR\n"
        "       vedette-meshd init -d DIR [--admin-password-stdin] [--force]\n"
        "       vedette-meshd backup -d DIR FILE     (while meshd runs, or not)\n"
        "       vedette-meshd restore -d DIR FILE    (meshd stopped)\n"
        "\n"
        "The vedette coordinator: probes join its encrypted mesh, it keeps the state\n"
        "in SQLite and serves the API, the CLI and the console.\n"
        "\n"
        "  -d, --dir DIR              state directory (keys, database, api.sock)\n"
        "  -c, --config FILE          configuration (default: DIR/meshd.cfg)\n"
        "  -f, --foreground           stay in the foreground, log to stderr\n"
        "  -v, --verbose              log more\n"
        "      --admin-password-stdin (init) read the admin password from stdin\n"
        "      --force                (init) start over with a new database\n"
        "  -h, --help                 this help\n"
        "      --list-config          print every configuration key, its default and help\n"
        "      --list-ops             print every API operation, its role and arguments\n"
        "  -V, --version              print the version\n"
        "\n"
        "See vedette-meshd(8) and vedette.conf(5).\n");
}

static int
s_daemonize (void)
{
    pid_t pid = fork ();
    if (pid < 0)
        return -1;
    if (pid > 0)
        _exit (0);
    if (setsid () < 0)
        return -1;
    pid = fork ();
    if (pid < 0)
        return -1;
    if (pid > 0)
        _exit (0);
    int null = open ("/dev/null", O_RDWR);
    if (null >= 0) {
        dup2 (null, 0);
        dup2 (null, 1);
        dup2 (null, 2);
        if (null > 2)
            close (null);
    }
    return 0;
}

//  The actors, in start order: auth before any CURVE socket binds, the
//  store and the events before the mesh and the api that feed them. They
//  stop in reverse. A reload stops them all, swaps the configuration and
//  starts them again, so no actor ever reads a configuration that is gone;
//  probes and clients reconnect, and the probes' spools cover the gap.
static struct {
    const char *name;
    zactor_fn *fn;
    const char *unless_empty;   //  a config key that, empty, turns the actor off
    zactor_t *actor;
} s_actors [] = {
    { "auth", auth_actor, NULL, NULL },
    { "events", events_actor, NULL, NULL },
    { "store", store_actor, NULL, NULL },
    { "housekeeping", housekeeping_actor, NULL, NULL },
    { "notify", notify_actor, NULL, NULL },
    { "rules", rules_actor, NULL, NULL },
    { "mesh", mesh_actor, NULL, NULL },
    { "api", api_actor, NULL, NULL },
    { "ssh", ssh_actor, "ssh/endpoint", NULL }
};
#define ACTORS (sizeof s_actors / sizeof s_actors [0])

static void
s_stop (void)
{
    for (size_t i = ACTORS; i-- > 0;)
        zactor_destroy (&s_actors [i].actor);
}

//  Starts every actor; 0, or -1 (and none left running) if one cannot start
static int
s_start (meshd_t *meshd)
{
    for (size_t i = 0; i < ACTORS; i++) {
        if (s_actors [i].unless_empty && !*vd_config_str (meshd->config, s_actors [i].unless_empty))
            continue;
        s_actors [i].actor = zactor_new (s_actors [i].fn, meshd);
        if (vd_actor_status (s_actors [i].actor) != 0) {
            zsys_error ("meshd: the %s actor cannot start", s_actors [i].name);
            s_stop ();
            return -1;
        }
    }
    return 0;
}

int
main (int argc, char *argv [])
{
    const char *dir = NULL, *config_file = NULL;
    bool foreground = false, verbose = false, password_stdin = false, force = false;
    //  init, backup, restore: a command word before the options
    const char *command = argc > 1 && (streq (argv [1], "init") || streq (argv [1], "backup")
                                       || streq (argv [1], "restore"))? argv [1]: NULL;
    int init = command? 1: 0;           //  arguments the command word takes
    static struct option options [] = {
        { "dir", required_argument, 0, 'd' },
        { "config", required_argument, 0, 'c' },
        { "foreground", no_argument, 0, 'f' },
        { "verbose", no_argument, 0, 'v' },
        { "help", no_argument, 0, 'h' },
        { "version", no_argument, 0, 'V' },
        { "list-config", no_argument, 0, 'L' },
        { "list-ops", no_argument, 0, 'O' },
        { "admin-password-stdin", no_argument, 0, 'P' },
        { "force", no_argument, 0, 'F' },
        { 0, 0, 0, 0 }
    };
    int opt;
    while ((opt = getopt_long (argc - init, argv + init, "d:c:fvhV", options, NULL)) != -1) {
        switch (opt) {
            case 'd': dir = optarg; break;
            case 'c': config_file = optarg; break;
            case 'f': foreground = true; break;
            case 'v': verbose = true; break;
            case 'P': password_stdin = true; break;
            case 'F': force = true; break;
            case 'h': s_usage (stdout); return 0;
            case 'L':
                for (const vd_config_key_t *key = meshd_config_keys; key->path; key++)
                    printf ("%s\t%s\t%s\n", key->path, key->def, key->help);
                return 0;
            case 'O': api_list_ops (stdout); return 0;
            case 'V': printf ("vedette-meshd %s\n", VD_VERSION); return 0;
            default: s_usage (stderr); return 2;
        }
    }
    //  backup and restore take a FILE
    const char *file = NULL;
    if (command && !streq (command, "init")) {
        if (optind + init >= argc) {
            fprintf (stderr, "vedette-meshd: %s: FILE is required\n", command);
            return 2;
        }
        file = argv [optind + init++];
    }
    if (optind + init < argc) {
        fprintf (stderr, "vedette-meshd: unexpected argument '%s'\n", argv [optind + init]);
        return 2;
    }
    if (!dir) {
        fprintf (stderr, "vedette-meshd: -d DIR is required\n");
        s_usage (stderr);
        return 2;
    }
    if ((password_stdin || force) && !(command && streq (command, "init"))) {
        fprintf (stderr, "vedette-meshd: --admin-password-stdin and --force go with init\n");
        return 2;
    }
    if (sodium_init () < 0) {
        fprintf (stderr, "vedette-meshd: libsodium cannot start\n");
        return 1;
    }
    if (command && streq (command, "init")) {
        vd_log_init ("vedette-meshd", true, verbose);
        char *password = NULL;
        if (password_stdin && !(password = vd_secret_read (stdin))) {
            fprintf (stderr, "vedette-meshd: no password on stdin\n");
            return 2;
        }
        int rc = meshd_init (dir, password, force);
        vd_secret_free (&password);
        return rc? 1: 0;
    }

    meshd_t meshd = { .dir = dir };
    int rc = 1, pid_fd = -1;
    char *pid_path = NULL;
    char *default_config = zsys_sprintf ("%s/meshd.cfg", dir);
    char *error = NULL;
    meshd.config = vd_config_load (config_file? config_file: default_config, meshd_config_keys,
                                   !config_file, &error);
    if (!meshd.config) {
        fprintf (stderr, "vedette-meshd: %s\n", error);
        free (error);
        free (default_config);
        return 1;
    }
    meshd.db_path = zsys_sprintf ("%s/meshd.db", dir);
    const char *pidfile = vd_config_str (meshd.config, "server/pidfile");
    pid_path = *pidfile? strdup (pidfile): zsys_sprintf ("%s/meshd.pid", dir);
    char *cert_path = zsys_sprintf ("%s/meshd.cert", dir);
    if (command) {
        vd_log_init ("vedette-meshd", true, verbose);
        rc = streq (command, "backup")? backup_command (dir, file): restore_command (dir, file, pid_path);
        goto done;
    }
    meshd.cert = zcert_load (cert_path);
    if (!meshd.cert || !zsys_file_exists (meshd.db_path)) {
        fprintf (stderr, "vedette-meshd: %s: no keys or database (run vedette-meshd init -d %s)\n",
                 dir, dir);
        rc = 1;
        goto done;
    }
    //  a damaged file is refused; the schema is brought up to date once,
    //  before any actor opens it
    sqlite3 *db = vd_db_open (meshd.db_path, false);
    if (backup_check_at_start (&meshd, db)) {
        vd_db_close (&db);
        rc = 1;
        goto done;
    }
    if (!db || vd_db_migrate (db, vd_migrations)) {
        fprintf (stderr, "vedette-meshd: %s: cannot open or migrate the database\n", meshd.db_path);
        vd_db_close (&db);
        rc = 1;
        goto done;
    }
    vd_db_close (&db);
    if (!foreground && s_daemonize ()) {
        fprintf (stderr, "vedette-meshd: cannot daemonize\n");
        return 1;
    }
    vd_log_init ("vedette-meshd", foreground, verbose);
    pid_fd = vd_pidfile_lock (pid_path);
    if (pid_fd == -2) {
        zsys_error ("meshd: %s: another vedette-meshd runs on this directory", pid_path);
        goto done;
    }
    if (pid_fd < 0)
        zsys_warning ("meshd: %s: cannot write the pid file", pid_path);
    vd_signals_init ();
    curl_global_init (CURL_GLOBAL_DEFAULT);

    if (s_start (&meshd))
        goto done;
    zsys_notice ("meshd: vedette-meshd %s running on %s", VD_VERSION, dir);
    rc = 0;
    while (!vd_stop) {
        vd_signals_wait (-1);
        if (vd_reload && !vd_stop) {
            vd_reload = 0;
            vd_config_t *fresh = vd_config_load (config_file? config_file: default_config,
                                                 meshd_config_keys, !config_file, &error);
            if (!fresh) {
                zsys_error ("meshd: reload refused, keeping the running configuration: %s", error);
                zstr_free (&error);
                continue;
            }
            s_stop ();
            vd_config_destroy (&meshd.config);
            meshd.config = fresh;
            if (s_start (&meshd)) {
                zsys_error ("meshd: cannot restart with the new configuration");
                rc = 1;
                break;
            }
            zsys_notice ("meshd: configuration reloaded");
        }
    }
    zsys_notice ("meshd: stopping");
done:
    s_stop ();
    if (pid_fd >= 0) {
        unlink (pid_path);
        close (pid_fd);
    }
    zcert_destroy (&meshd.cert);
    vd_config_destroy (&meshd.config);
    free (meshd.db_path);
    free (cert_path);
    free (default_config);
    free (pid_path);
    zstr_free (&error);
    curl_global_cleanup ();
    return rc;
}
