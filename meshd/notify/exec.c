/*  meshd/notify/exec.c: an exec channel: a command, run without a shell,
    with the alarm in its environment (VEDETTE_KIND, VEDETTE_SEVERITY,
    VEDETTE_DEVICE...) and as JSON on its standard input; exit status 0 is
    delivered.                                                            */
#include "channel.h"
#include <fcntl.h>
#include <unistd.h>

int
exec_start (job_t *job, json_t *params, json_t *payload)
{
    json_t *alarm = json_object_get (payload, "alarm");
    const char *command = json_string_value (json_object_get (params, "command"));
    char *line = strdup (command);
    char *argv [32];
    int argc = 0;
    for (char *save = NULL, *word = strtok_r (line, " \t", &save); word && argc < 31;
         word = strtok_r (NULL, " \t", &save))
        argv [argc++] = word;
    argv [argc] = NULL;
    //  the environment is made before fork: nothing allocates in the child
    char *env [24];
    int envc = 0;
    env [envc++] = strdup ("PATH=/usr/local/bin:/usr/bin:/bin");
    env [envc++] = zsys_sprintf ("VEDETTE_KIND=%s", job->kind);
    env [envc++] = zsys_sprintf ("VEDETTE_NOTIFICATION=%lld", (long long) job->id);
    env [envc++] = zsys_sprintf ("VEDETTE_CHANNEL=%s", job->channel);
    static const char *fields [] = { "rule", "severity", "object", "device", "address", "site",
                                     "probe", "state", "message", NULL };
    for (int i = 0; fields [i]; i++) {
        const char *value = json_string_value (json_object_get (alarm, fields [i]));
        char name [32];
        snprintf (name, sizeof name, "%s", fields [i]);
        for (char *c = name; *c; c++)
            *c = (char) toupper ((unsigned char) *c);
        env [envc++] = zsys_sprintf ("VEDETTE_%s=%s", name, value? value: "");
    }
    env [envc++] = zsys_sprintf ("VEDETTE_ALARM=%lld",
                                 (long long) json_integer_value (json_object_get (alarm, "id")));
    env [envc] = NULL;
    job->payload = json_dumps (payload, JSON_COMPACT);
    int in [2];
    int rc = -1;
    if (argc == 0)
        snprintf (job->error, sizeof job->error, "empty command");
    else
    if (pipe2 (in, O_CLOEXEC))
        snprintf (job->error, sizeof job->error, "pipe: %s", strerror (errno));
    else {
        job->pid = fork ();
        if (job->pid == 0) {
            dup2 (in [0], 0);
            int null = open ("/dev/null", O_RDWR);
            dup2 (null, 1);
            dup2 (null, 2);
            //  nothing of meshd's: no socket, no lock, no database
            close_range (3, ~0U, 0);
            setpgid (0, 0);
            execve (argv [0], argv, env);
            _exit (127);
        }
        close (in [0]);
        if (job->pid < 0)
            snprintf (job->error, sizeof job->error, "fork: %s", strerror (errno));
        else {
            //  the alarm fits a pipe's buffer; a command that does not read it loses nothing
            fcntl (in [1], F_SETFL, O_NONBLOCK);
            ssize_t written = write (in [1], job->payload, strlen (job->payload));
            (void) written;
            rc = 0;
        }
        close (in [1]);
    }
    for (int i = 0; i < envc; i++)
        free (env [i]);
    free (line);
    return rc;
}

