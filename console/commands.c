/*  console/commands.c: every CLI command, declared once. vedette(1) is
    checked against this table by tests/integration/docs.sh.               */
#include "console.h"
#include <termios.h>
#include <unistd.h>

static const option_t s_no_options [] = { { NULL } };

static const option_t s_login_options [] = {
    { "password-stdin", NULL, "read the password from standard input" },
    { NULL }
};
static const option_t s_enroll_options [] = {
    { "site", "SITE", "the site the probe belongs to (required)" },
    { "name", "NAME", "the probe's name (required)" },
    { "endpoint", "ENDPOINT", "where the probe dials meshd (default: mesh/public or tcp://HOSTNAME:7440)" },
    { "expires", "DURATION", "how long the token stays valid (default: enroll/lifetime, 24h)" },
    { NULL }
};
static const option_t s_device_add_options [] = {
    { "name", "NAME", "the device's name (required)" },
    { "site", "SITE", "its site (required)" },
    { "probe", "PROBE", "the probe that measures it (default: the site's first probe)" },
    { "interval", "DURATION", "how often it is pinged (default: 10s)" },
    { NULL }
};
static const option_t s_site_filter [] = {
    { "site", "SITE", "only this site" },
    { NULL }
};
static const option_t s_series_options [] = {
    { "since", "TIME", "from (ISO 8601 or relative such as 10m, -1h; default 1h)" },
    { "until", "TIME", "to (default: now)" },
    { NULL }
};

static const column_t s_site_columns [] = {
    { "name", "SITE", COL_TEXT }, { "probes", "PROBES", COL_INT },
    { "devices", "DEVICES", COL_INT }, { "created_us", "CREATED", COL_AGE }, { NULL }
};
static const column_t s_probe_columns [] = {
    { "name", "PROBE", COL_TEXT }, { "site", "SITE", COL_TEXT }, { "state", "STATE", COL_STATUS },
    { "link", "LINK", COL_STATUS }, { "last_seen_us", "LAST SEEN", COL_AGE },
    { "backlog", "BACKLOG", COL_INT }, { "devices", "DEVICES", COL_INT },
    { "version", "VERSION", COL_TEXT }, { NULL }
};
static const column_t s_device_columns [] = {
    { "name", "DEVICE", COL_TEXT }, { "address", "ADDRESS", COL_TEXT },
    { "status", "STATUS", COL_STATUS }, { "rtt", "RTT(ms)", COL_MS },
    { "loss", "LOSS", COL_PERCENT }, { "jitter", "JITTER(ms)", COL_MS },
    { "site", "SITE", COL_TEXT }, { "probe", "PROBE", COL_TEXT },
    { "last_us", "MEASURED", COL_AGE }, { NULL }
};
static const column_t s_point_columns [] = {
    { "ts_us", "TIME", COL_TIME }, { "value", "VALUE", COL_MS }, { "lost", "LOST", COL_TEXT },
    { NULL }
};

//  Reads a password: from stdin when asked, else from the terminal unechoed
static char *
s_password (bool from_stdin)
{
    if (from_stdin || !isatty (STDIN_FILENO))
        return vd_secret_read (stdin);
    struct termios saved, quiet;
    fprintf (stderr, "password: ");
    tcgetattr (STDIN_FILENO, &saved);
    quiet = saved;
    quiet.c_lflag &= (tcflag_t) ~ECHO;
    tcsetattr (STDIN_FILENO, TCSAFLUSH, &quiet);
    char *password = vd_secret_read (stdin);
    tcsetattr (STDIN_FILENO, TCSAFLUSH, &saved);
    fprintf (stderr, "\n");
    return password;
}

static int
s_login (const command_t *command, json_t *args, bool json, bool csv)
{
    client_t *client = client_new (NULL);
    char *password = s_password (json_is_true (json_object_get (args, "password-stdin")));
    if (!password || !*password) {
        fprintf (stderr, "vedette: login: no password given\n");
        vd_secret_free (&password);
        client_destroy (&client);
        return EXIT_USAGE;
    }
    json_t *request = json_pack ("{s:O, s:s}", "user", json_object_get (args, "user"),
                                 "password", password);
    vd_secret_free (&password);
    int code;
    json_t *result = client_call (client, command->op, request, &code);
    if (result) {
        const char *user = json_string_value (json_object_get (result, "user"));
        const char *token = json_string_value (json_object_get (result, "token"));
        if (client_save_session (client, user, token,
                                 json_integer_value (json_object_get (result, "expires_us"))))
            code = EXIT_FAILED;
        else
        if (json)
            printf ("{\"user\": \"%s\", \"role\": \"%s\"}\n", user,
                    json_string_value (json_object_get (result, "role")));
        else
            printf ("logged in to %s as %s (%s)\n", client_endpoint (client), user,
                    json_string_value (json_object_get (result, "role")));
        sodium_memzero ((char *) token, strlen (token));
        json_decref (result);
    }
    client_destroy (&client);
    (void) csv;
    return code;
}

static int
s_logout (const command_t *command, json_t *args, bool json, bool csv)
{
    client_t *client = client_new (NULL);
    int code;
    json_t *result = client_call (client, command->op, json_incref (args), &code);
    //  forget the token whatever meshd said: it is of no more use
    client_forget_session ();
    json_decref (result);
    client_destroy (&client);
    (void) json;
    (void) csv;
    return code == EXIT_DENIED? EXIT_OK: code;
}

static int
s_enroll (const command_t *command, json_t *args, bool json, bool csv)
{
    client_t *client = client_new (NULL);
    int code;
    json_t *result = client_call (client, command->op, json_incref (args), &code);
    if (result && json)
        json_dumpf (result, stdout, JSON_INDENT (2)), putchar ('\n');
    else
    if (result) {
        char expires [64];
        printf ("%s\n", json_string_value (json_object_get (result, "token")));
        fprintf (stderr, "one-time token for probe %s of site %s, dialling %s; expires %s.\n"
                 "On the probe: vedette-probe join TOKEN -d /var/lib/vedette-probe\n",
                 json_string_value (json_object_get (result, "name")),
                 json_string_value (json_object_get (result, "site")),
                 json_string_value (json_object_get (result, "endpoint")),
                 table_age (json_integer_value (json_object_get (result, "expires_us")),
                            expires, sizeof expires));
    }
    json_decref (result);
    client_destroy (&client);
    (void) csv;
    return code;
}

static int
s_series_show (const command_t *command, json_t *args, bool json, bool csv)
{
    client_t *client = client_new (NULL);
    int code;
    json_t *result = client_call (client, command->op, json_incref (args), &code);
    if (result && json)
        json_dumpf (result, stdout, JSON_INDENT (2)), putchar ('\n');
    else
    if (result) {
        json_t *points = json_object_get (result, "points");
        if (!csv)
            printf ("# %s %s (%s), %zu samples\n",
                    json_string_value (json_object_get (result, "device")),
                    json_string_value (json_object_get (result, "metric")),
                    json_string_value (json_object_get (result, "unit")), json_array_size (points));
        table_print (points, s_point_columns, csv);
    }
    json_decref (result);
    client_destroy (&client);
    return code;
}

const command_t commands [] = {
    { "login", NULL, "login", "USER", "user", s_login_options, NULL, s_login,
      "log in to meshd and keep the session token (24 h)" },
    { "logout", NULL, "logout", NULL, NULL, s_no_options, NULL, s_logout,
      "end the session and forget its token" },
    { "whoami", NULL, "whoami", NULL, NULL, s_no_options, NULL, NULL,
      "show the logged-in user and role" },
    { "site", "add", "site.add", "NAME", "name", s_no_options, NULL, NULL,
      "add a site" },
    { "site", "list", "site.list", NULL, NULL, s_no_options, s_site_columns, NULL,
      "list sites" },
    { "probe", "enroll", "probe.enroll", NULL, NULL, s_enroll_options, NULL, s_enroll,
      "make a one-time join token for a new probe" },
    { "probe", "list", "probe.list", NULL, NULL, s_no_options, s_probe_columns, NULL,
      "list probes: state, link, last seen, backlog, version" },
    { "probe", "revoke", "probe.revoke", "NAME", "name", s_no_options, NULL, NULL,
      "revoke a probe: its key is refused and its session closed" },
    { "device", "add", "device.add", "ADDRESS", "address", s_device_add_options, NULL, NULL,
      "add a device, pinged by a probe of its site" },
    { "device", "list", "device.list", NULL, NULL, s_site_filter, s_device_columns, NULL,
      "list devices: status, last RTT, loss, jitter, probe" },
    { "device", "remove", "device.remove", "NAME", "name", s_no_options, NULL, NULL,
      "remove a device and its checks" },
    { "series", "show", "series.show", "DEVICE METRIC", "device metric", s_series_options, NULL, s_series_show,
      "show the samples of a series (icmp.rtt, icmp.loss, icmp.jitter)" },
    { NULL }
};
