/*  console/cred_commands.c: secrets read from standard input or the
    terminal and from a key file, never from the command line (cred add,
    and login and user through cli_secret); cred test, which waits for the
    device's probe.                                                      */
#include "console.h"
#include <termios.h>
#include <unistd.h>

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
            cli_put_secret (args, "key", &text);
        }
        //  a password unless a key alone is given
        if (password_stdin || !path) {
            char *password = cli_secret ("password", password_stdin);
            if (!password || !*password) {
                fprintf (stderr, "vedette: cred add: no password given\n");
                vd_secret_free (&password);
                return EXIT_USAGE;
            }
            cli_put_secret (args, "password", &password);
        }
        if (enable_stdin) {
            char *enable = cli_secret ("enable secret", true);
            if (!enable || !*enable) {
                fprintf (stderr, "vedette: cred add: no enable secret given\n");
                vd_secret_free (&enable);
                return EXIT_USAGE;
            }
            cli_put_secret (args, "enable", &enable);
        }
    }
    int code = cli_run_generic (command, args, json, csv);
    cli_wipe_args (args);
    return code;
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
