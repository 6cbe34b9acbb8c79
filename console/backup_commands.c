/*  console/backup_commands.c: vedette backup run (waits for the probes'
    results unless --no-wait), show (the text as it is), diff (coloured on
    a terminal or with --color); and vedette cred add's secrets, read from
    standard input or the terminal and from a key file, never from the
    command line.                                                         */
#include "console.h"
#include <termios.h>
#include <unistd.h>

#define RUN_WAIT_DEFAULT_MS     120000
#define CRED_TEST_WAIT_MS       80000   //  meshd waits 70 s for the probe

char *
cli_secret (const char *prompt, bool from_stdin)
{
    if (from_stdin || !isatty (STDIN_FILENO))
        return vd_secret_read (stdin);
    struct termios saved, quiet;
    fprintf (stderr, "%s: ", prompt);
    tcgetattr (STDIN_FILENO, &saved);
    quiet = saved;
    quiet.c_lflag &= (tcflag_t) ~ECHO;
    tcsetattr (STDIN_FILENO, TCSAFLUSH, &quiet);
    char *secret = vd_secret_read (stdin);
    tcsetattr (STDIN_FILENO, TCSAFLUSH, &saved);
    fprintf (stderr, "\n");
    return secret;
}

//  Moves a secret into args under key (wiped by the caller after the call)
static void
s_put_secret (json_t *args, const char *key, char **secret)
{
    json_object_set_new (args, key, json_string (*secret));
    vd_secret_free (secret);
}

static void
s_wipe_args (json_t *args)
{
    const char *secrets [] = { "password", "enable", "key", "community", "auth", "priv", NULL };
    for (int i = 0; secrets [i]; i++) {
        json_t *value = json_object_get (args, secrets [i]);
        if (json_is_string (value))
            sodium_memzero ((char *) json_string_value (value), json_string_length (value));
    }
}

int
cli_cred_add (const command_t *command, json_t *args, bool json, bool csv)
{
    const char *kind = json_string_value (json_object_get (args, "kind"));
    bool password_stdin = json_is_true (json_object_get (args, "password_stdin"));
    bool enable_stdin = json_is_true (json_object_get (args, "enable_stdin"));
    json_object_del (args, "password_stdin");
    json_object_del (args, "enable_stdin");
    if ((password_stdin || enable_stdin || json_object_get (args, "key")) && !streq (kind, "ssh")) {
        fprintf (stderr, "vedette: cred add: --password-stdin, --enable-stdin and --key are for ssh credentials\n");
        return EXIT_USAGE;
    }
    if (streq (kind, "ssh")) {
        const char *path = json_string_value (json_object_get (args, "key"));
        if (path) {
            size_t size = 0;
            char *text = vd_file_read (path, &size);
            if (!text || strlen (text) != size) {
                fprintf (stderr, "vedette: cred add: cannot read the key file %s\n", path);
                vd_secret_free (&text);
                return EXIT_USAGE;
            }
            s_put_secret (args, "key", &text);
        }
        //  a password unless a key alone is given
        if (password_stdin || !path) {
            char *password = cli_secret ("password", password_stdin);
            if (!password || !*password) {
                fprintf (stderr, "vedette: cred add: no password given\n");
                vd_secret_free (&password);
                return EXIT_USAGE;
            }
            s_put_secret (args, "password", &password);
        }
        if (enable_stdin) {
            char *enable = cli_secret ("enable secret", true);
            if (!enable || !*enable) {
                fprintf (stderr, "vedette: cred add: no enable secret given\n");
                vd_secret_free (&enable);
                return EXIT_USAGE;
            }
            s_put_secret (args, "enable", &enable);
        }
    }
    int code = cli_run_generic (command, args, json, csv);
    s_wipe_args (args);
    return code;
}

//  The status rows of the devices asked for, by name
static json_t *
s_status (json_t *names, int *code)
{
    static const command_t status = { .noun = "backup", .verb = "status", .op = "backup.status" };
    json_t *args = json_object ();
    json_t *rows = cli_call (&status, args, code);
    json_decref (args);
    json_t *found = json_object ();
    size_t index;
    json_t *row;
    json_array_foreach (rows, index, row) {
        size_t i;
        json_t *name;
        json_array_foreach (names, i, name)
            if (json_equal (name, json_object_get (row, "device")))
                json_object_set (found, json_string_value (name), row);
    }
    json_decref (rows);
    return found;
}

int
cli_backup_run (const command_t *command, json_t *args, bool json, bool csv)
{
    bool wait = !json_is_true (json_object_get (args, "no_wait"));
    json_object_del (args, "no_wait");
    int64_t timeout_ms = RUN_WAIT_DEFAULT_MS;
    const char *timeout = json_string_value (json_object_get (args, "timeout"));
    if (timeout && vd_duration_parse (timeout, &timeout_ms)) {
        fprintf (stderr, "vedette: backup run: --timeout is a duration (90s, 5m)\n");
        return EXIT_USAGE;
    }
    json_object_del (args, "timeout");
    int code;
    json_t *result = cli_call (command, args, &code);
    if (!result)
        return code;
    json_t *names = json_object_get (result, "devices");
    int64_t requested = json_integer_value (json_object_get (result, "requested_us"));
    if (!wait) {
        if (json)
            cli_print_json (result);
        else
            printf ("backing up %zu device%s\n", json_array_size (names), json_array_size (names) == 1? "": "s");
        json_decref (result);
        return EXIT_OK;
    }
    //  until every device has an attempt after the request, or the time is up
    int64_t deadline = vd_mono_ms () + timeout_ms;
    json_t *rows = NULL;
    size_t done = 0;
    while (true) {
        json_decref (rows);
        rows = s_status (names, &code);
        done = 0;
        const char *name;
        json_t *row;
        json_object_foreach (rows, name, row)
            done += json_integer_value (json_object_get (row, "last_us")) >= requested
                 && !streq (json_string_value (json_object_get (row, "state")), "running");
        if (done == json_array_size (names) || vd_mono_ms () >= deadline || code != EXIT_OK)
            break;
        zclock_sleep (250);     //  polling meshd while the probes work
    }
    int failed = 0;
    json_t *list = json_array ();
    size_t index;
    json_t *name;
    json_array_foreach (names, index, name) {
        json_t *row = json_object_get (rows, json_string_value (name));
        bool finished = row && json_integer_value (json_object_get (row, "last_us")) >= requested
                     && !streq (json_string_value (json_object_get (row, "state")), "running");
        const char *state = !finished? "waiting": json_string_value (json_object_get (row, "state"));
        failed += !streq (state, "ok");
        json_t *out = json_pack ("{s:O, s:s}", "device", name, "state", state);
        if (finished && json_object_get (row, "reason") && !json_is_null (json_object_get (row, "reason"))) {
            json_object_set (out, "reason", json_object_get (row, "reason"));
            json_object_set (out, "error", json_object_get (row, "error"));
        }
        if (finished) {
            json_object_set (out, "versions", json_object_get (row, "versions"));
            json_object_set_new (out, "changed", json_boolean (
                json_integer_value (json_object_get (row, "last_changed_us")) >= requested));
        }
        json_array_append_new (list, out);
    }
    if (json)
        cli_print_json (list);
    else {
        json_array_foreach (list, index, name) {
            const char *state = json_string_value (json_object_get (name, "state"));
            printf ("%s: %s", json_string_value (json_object_get (name, "device")), state);
            if (streq (state, "ok"))
                printf (", %s, %lld version%s\n", json_is_true (json_object_get (name, "changed"))? "changed": "unchanged",
                        (long long) json_integer_value (json_object_get (name, "versions")),
                        json_integer_value (json_object_get (name, "versions")) == 1? "": "s");
            else
            if (json_object_get (name, "reason"))
                printf (": %s: %s\n", json_string_value (json_object_get (name, "reason")),
                        json_string_value (json_object_get (name, "error")));
            else
                printf (" (no result within %llds)\n", (long long) timeout_ms / 1000);
        }
    }
    json_decref (list);
    json_decref (rows);
    json_decref (result);
    return code != EXIT_OK? code: failed? EXIT_FAILED: EXIT_OK;
}

static void
s_print_text (json_t *result, bool csv)
{
    fputs (json_string_value (json_object_get (result, "text")), stdout);
}

int
cli_backup_show (const command_t *command, json_t *args, bool json, bool csv)
{
    return cli_run_print (command, args, json, csv, s_print_text);
}

//  The diff, coloured: headers bold, additions green, removals red, hunks cyan
static bool s_color;

static void
s_print_diff (json_t *result, bool csv)
{
    const char *diff = json_string_value (json_object_get (result, "diff"));
    while (diff && *diff) {
        size_t length = strcspn (diff, "\n");
        const char *colour = !s_color? NULL
            : strncmp (diff, "+++", 3) == 0 || strncmp (diff, "---", 3) == 0? "\033[1m"
            : *diff == '+'? "\033[32m": *diff == '-'? "\033[31m": *diff == '@'? "\033[36m": NULL;
        printf ("%s%.*s%s\n", colour? colour: "", (int) length, diff, colour? "\033[0m": "");
        diff += length + (diff [length] == '\n');
    }
}

int
cli_backup_diff (const command_t *command, json_t *args, bool json, bool csv)
{
    s_color = json_is_true (json_object_get (args, "color")) || isatty (STDOUT_FILENO);
    json_object_del (args, "color");
    return cli_run_print (command, args, json, csv, s_print_diff);
}

//  DEVICE:LINE: TEXT, as grep -n prints it, then what was searched
static void
s_print_grep (json_t *result, bool csv)
{
    size_t index;
    json_t *line;
    json_array_foreach (json_object_get (result, "lines"), index, line)
        printf ("%s:%lld: %s\n", json_string_value (json_object_get (line, "device")),
                (long long) json_integer_value (json_object_get (line, "line")),
                json_string_value (json_object_get (line, "text")));
    fprintf (stderr, "# %lld of %lld devices match%s\n",
             (long long) json_integer_value (json_object_get (result, "matched")),
             (long long) json_integer_value (json_object_get (result, "devices")),
             json_is_true (json_object_get (result, "truncated"))? " (stopped at 10,000 lines)": "");
}

int
cli_backup_grep (const command_t *command, json_t *args, bool json, bool csv)
{
    return cli_run_print (command, args, json, csv, s_print_grep);
}

//  cred test: waits for the probe as long as the probe may take
int
cli_cred_test (const command_t *command, json_t *args, bool json, bool csv)
{
    client_t *client = client_new (NULL);
    client_set_timeout (client, CRED_TEST_WAIT_MS);
    int code;
    json_t *result = client_call (client, command->op, json_incref (args), &code);
    client_destroy (&client);
    if (result && json)
        cli_print_json (result);
    else
    if (result) {
        bool ok = json_is_true (json_object_get (result, "ok"));
        printf ("%s: %s", json_string_value (json_object_get (result, "device")), ok? "ok": "failed");
        if (ok)
            printf (": %s logs in and reaches the prompt (model %s, %.1f s)\n",
                    json_string_value (json_object_get (result, "cred")),
                    json_string_value (json_object_get (result, "model")),
                    json_integer_value (json_object_get (result, "time_ms")) / 1000.0);
        else
            printf (": %s: %s\n", json_string_value (json_object_get (result, "reason")),
                    json_string_value (json_object_get (result, "error")));
    }
    if (result && code == EXIT_OK && !json_is_true (json_object_get (result, "ok")))
        code = EXIT_FAILED;
    json_decref (result);
    return code;
}
