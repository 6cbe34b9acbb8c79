/*  console/backup_commands.c: vedette backup run (waits for the probes'
    results unless --no-wait), show (the text as it is), diff (coloured on
    a terminal or with --color), grep, and export --git (libgit2).        */
#include "console.h"
#include <git2.h>
#include <unistd.h>

#define RUN_WAIT_DEFAULT_MS     120000

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

//  -- backup export --git DIR: a real git repository (libgit2), one file per
//  device, one commit per version in the order they were taken, the author
//  the user who made the change (or vedette). What was exported is kept in
//  the repository's config (vedette.DEVICE.version): a second export adds
//  only the versions taken since.

typedef struct {
    char device [256];
    int64_t version, ts_us;
    char who [128];
    char trigger [16];
} export_t;

static int
s_export_order (const void *a, const void *b)
{
    const export_t *x = (const export_t *) a, *y = (const export_t *) b;
    return x->ts_us < y->ts_us? -1: x->ts_us > y->ts_us? 1: strcmp (x->device, y->device);
}

static json_t *
s_call (const char *op, json_t *args, int *code)
{
    command_t command = { .noun = "backup", .op = op };
    json_t *result = cli_call (&command, args, code);
    json_decref (args);
    return result;
}

static int
s_git_fail (const char *what)
{
    const git_error *error = git_error_last ();
    fprintf (stderr, "vedette: backup export: %s: %s\n", what, error? error->message: "libgit2 failed");
    return EXIT_FAILED;
}

//  One version as a commit on HEAD: the device's file replaced
static int
s_export_commit (git_repository *repo, const export_t *item, const char *text)
{
    git_oid blob, tree_id, commit_id, parent_id;
    git_commit *parent = NULL;
    git_tree *base = NULL, *tree = NULL;
    git_treebuilder *builder = NULL;
    git_signature *author = NULL, *committer = NULL;
    bool has_parent = git_reference_name_to_id (&parent_id, repo, "HEAD") == 0;
    int rc = git_blob_create_from_buffer (&blob, repo, text, strlen (text))
          || (has_parent && (git_commit_lookup (&parent, repo, &parent_id) || git_commit_tree (&base, parent)))
          || git_treebuilder_new (&builder, repo, base)
          || git_treebuilder_insert (NULL, builder, item->device, &blob, GIT_FILEMODE_BLOB)
          || git_treebuilder_write (&tree_id, builder)
          || git_tree_lookup (&tree, repo, &tree_id);
    if (!rc) {
        char email [200];
        snprintf (email, sizeof email, "%s@vedette", *item->who? item->who: "vedette");
        char message [512];
        snprintf (message, sizeof message, "%s: version %lld (%s%s%s)\n", item->device, (long long) item->version,
                  item->trigger, *item->who? " by ": "", item->who);
        rc = git_signature_new (&author, *item->who? item->who: "vedette", email, item->ts_us / 1000000, 0)
          || git_signature_now (&committer, "vedette backup export", "export@vedette")
          || git_commit_create_v (&commit_id, repo, "HEAD", author, committer, NULL, message, tree,
                                  parent? 1: 0, parent);
    }
    git_signature_free (author);
    git_signature_free (committer);
    git_treebuilder_free (builder);
    git_tree_free (tree);
    git_tree_free (base);
    git_commit_free (parent);
    return rc;
}

int
cli_backup_export (const command_t *command, json_t *args, bool json, bool csv)
{
    const char *dir = json_string_value (json_object_get (args, "git"));
    if (!dir) {
        fprintf (stderr, "vedette: backup export: --git DIR is required\n");
        return EXIT_USAGE;
    }
    int code;
    json_t *status_args = json_object ();
    if (json_object_get (args, "site"))
        json_object_set (status_args, "site", json_object_get (args, "site"));
    json_t *devices = s_call ("backup.status", status_args, &code);
    if (!devices)
        return code;
    git_libgit2_init ();
    git_repository *repo = NULL;
    git_config *config = NULL;
    if ((git_repository_open (&repo, dir) && git_repository_init (&repo, dir, false))
    ||  git_repository_config (&config, repo)) {
        code = s_git_fail (dir);
        goto done;
    }
    //  the versions not yet exported, of every device
    size_t count = 0, capacity = 64;
    export_t *items = (export_t *) malloc (capacity * sizeof (export_t));
    size_t index;
    json_t *device;
    json_array_foreach (devices, index, device) {
        const char *name = json_string_value (json_object_get (device, "device"));
        char key [320];
        snprintf (key, sizeof key, "vedette.%s.version", name);
        int64_t done = 0;
        git_config_get_int64 (&done, config, key);
        json_t *versions = s_call ("backup.list", json_pack ("{s:s, s:i}", "device", name, "limit", 100000), &code);
        size_t i;
        json_t *version;
        json_array_foreach (versions, i, version) {
            if (json_integer_value (json_object_get (version, "version")) <= done)
                continue;
            if (count == capacity)
                items = (export_t *) realloc (items, (capacity *= 2) * sizeof (export_t));
            export_t *item = &items [count++];
            snprintf (item->device, sizeof item->device, "%s", name);
            item->version = json_integer_value (json_object_get (version, "version"));
            item->ts_us = json_integer_value (json_object_get (version, "ts_us"));
            const char *who = json_string_value (json_object_get (version, "who"));
            snprintf (item->who, sizeof item->who, "%s", who? who: "");
            snprintf (item->trigger, sizeof item->trigger, "%s", json_string_value (json_object_get (version, "trigger")));
        }
        json_decref (versions);
    }
    qsort (items, count, sizeof (export_t), s_export_order);
    size_t exported = 0;
    for (size_t i = 0; i < count && code == EXIT_OK; i++) {
        json_t *shown = s_call ("backup.show", json_pack ("{s:s, s:I}", "device", items [i].device,
                                                          "version", (json_int_t) items [i].version), &code);
        const char *text = json_string_value (json_object_get (shown, "text"));
        char key [320];
        snprintf (key, sizeof key, "vedette.%s.version", items [i].device);
        if (text && (s_export_commit (repo, &items [i], text) || git_config_set_int64 (config, key, items [i].version)))
            code = s_git_fail (items [i].device);
        exported += text != NULL;
        json_decref (shown);
    }
    free (items);
    if (code == EXIT_OK) {
        if (json)
            printf ("{\"git\": \"%s\", \"commits\": %zu}\n", dir, exported);
        else
            printf ("%zu version%s exported to %s\n", exported, exported == 1? "": "s", dir);
    }
done:
    git_config_free (config);
    git_repository_free (repo);
    git_libgit2_shutdown ();
    json_decref (devices);
    return code;
}
