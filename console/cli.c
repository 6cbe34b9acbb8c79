/*  console/cli.c: `vedette NOUN VERB [ARG...] [--option VALUE...]`, parsed
    against the command table; --json prints the API's objects, --csv lists
    as CSV. Exit codes: 0 ok, 1 failed, 2 usage, 3 not authorised,
    4 meshd unreachable.                                                    */
#include "console.h"
#include <unistd.h>
#include <errno.h>

void
cli_put_secret (json_t *args, const char *key, char **secret)
{
    json_object_set_new (args, key, json_string (*secret));
    vd_secret_free (secret);
}

void
cli_wipe_args (json_t *args)
{
    const char *secrets [] = { "password", "enable", "key", "community", "auth", "priv", "secret", NULL };
    for (int i = 0; secrets [i]; i++) {
        json_t *value = json_object_get (args, secrets [i]);
        if (json_is_string (value))
            sodium_memzero ((char *) json_string_value (value), json_string_length (value));
    }
}

static void
s_usage (FILE *out, const char *noun)
{
    if (!noun)
        fprintf (out, "usage: vedette [--json | --csv] [--endpoint ENDPOINT] [--key FILE] COMMAND [ARG...] [OPTION...]\n\n"
                      "commands:\n");
    for (const command_t *command = commands; command->noun; command++) {
        if (noun && !streq (noun, command->noun))
            continue;
        char words [64];
        snprintf (words, sizeof words, "%s%s%s", command->noun, command->verb? " ": "",
                  command->verb? command->verb: "");
        fprintf (out, "  %-16s %s\n", words, command->help);
        if (!noun)
            continue;
        fprintf (out, "      vedette %s%s%s", words, command->positional? " ": "",
                 command->positional? command->positional: "");
        for (const option_t *option = command->options; option->name; option++)
            fprintf (out, " [--%s%s%s]", option->name, option->value? " ": "",
                     option->value? option->value: "");
        fprintf (out, "\n");
        for (const option_t *option = command->options; option->name; option++)
            fprintf (out, "        --%-16s %s\n", option->name, option->help);
    }
    if (!noun)
        fprintf (out, "\nglobal options:\n"
                      "  --json               print the API's JSON objects\n"
                      "  --csv                print lists as CSV\n"
                      "  --endpoint ENDPOINT  meshd's API (default: $VEDETTE_ENDPOINT or the session's)\n"
                      "  --key FILE           client key for a tcp endpoint (default: $VEDETTE_KEY)\n"
                      "  -h, --help           help; vedette NOUN --help for a noun's commands\n"
                      "  --version            print the version\n"
                      "\nvedette completion bash   prints a bash completion script\n"
                      "\nSee vedette(1).\n");
}

static const command_t *
s_find (const char *noun, const char *verb, bool *noun_known)
{
    *noun_known = false;
    for (const command_t *command = commands; command->noun; command++) {
        if (!streq (command->noun, noun))
            continue;
        *noun_known = true;
        if (!command->verb || (verb && streq (command->verb, verb)))
            return command;
    }
    return NULL;
}

static const option_t *
s_option (const command_t *command, const char *name, size_t length)
{
    for (const option_t *option = command->options; option->name; option++)
        if (strlen (option->name) == length && strncmp (option->name, name, length) == 0)
            return option;
    return NULL;
}

static void
s_print_object (json_t *result)
{
    if (json_is_object (result)) {
        const char *key;
        json_t *value;
        json_object_foreach (result, key, value) {
            char *text = json_is_string (value)? strdup (json_string_value (value))
                                               : json_dumps (value, JSON_ENCODE_ANY | JSON_COMPACT);
            printf ("%-12s %s\n", key, text);
            free (text);
        }
    }
    else {
        json_dumpf (result, stdout, JSON_ENCODE_ANY | JSON_INDENT (2));
        putchar ('\n');
    }
}

int
cli_run_generic (const command_t *command, json_t *args, bool json, bool csv)
{
    client_t *client = client_new (NULL);
    int code;
    json_t *result = client_call (client, command->op, json_incref (args), &code);
    if (result) {
        if (json) {
            json_dumpf (result, stdout, JSON_ENCODE_ANY | JSON_INDENT (2));
            putchar ('\n');
        }
        else
        if (json_is_array (result) && command->columns)
            table_print (result, command->columns, csv);
        else
            s_print_object (result);
        if (!json && json_is_object (result) && json_object_get (result, "warning"))
            fprintf (stderr, "vedette: warning: %s\n",
                     json_string_value (json_object_get (result, "warning")));
    }
    json_decref (result);
    client_destroy (&client);
    return code;
}

//  The JSON key of an option: --escalate-to is "escalate_to"
static const char *
s_key (const char *name, char *buf, size_t size)
{
    snprintf (buf, size, "%s", name);
    for (char *c = buf; *c; c++)
        if (*c == '-')
            *c = '_';
    return buf;
}

//  A global option kept in an environment variable, given as --NAME VALUE
//  or --NAME=VALUE: 1 if argv [*i] is it (the variable is set), 0 if not,
//  -1 if the value is missing
static int
s_global (const char *name, const char *variable, int argc, char *argv [], int *i)
{
    const char *arg = argv [*i];
    size_t length = strlen (name);
    if (strncmp (arg, "--", 2) || strncmp (arg + 2, name, length)
    ||  (arg [length + 2] && arg [length + 2] != '='))
        return 0;
    const char *value = arg [length + 2] == '='? arg + length + 3
                      : *i + 1 < argc? argv [++*i]: NULL;
    if (!value) {
        fprintf (stderr, "vedette: --%s needs a value\n", name);
        return -1;
    }
    setenv (variable, value, 1);
    return 1;
}

json_t *
cli_value (const char *name, const char *text, option_kind_t kind)
{
    if (kind == OPT_INT) {
        char *end;
        errno = 0;
        long long value = strtoll (text, &end, 10);
        if (errno || end == text || *end) {
            fprintf (stderr, "vedette: %s: '%s' is not an integer\n", name, text);
            return NULL;
        }
        return json_integer (value);
    }
    if (kind == OPT_LIST) {
        json_t *list = json_array ();
        char *copy = strdup (text);
        char *saveptr = NULL;
        for (char *item = strtok_r (copy, ",", &saveptr); item; item = strtok_r (NULL, ",", &saveptr))
            json_array_append_new (list, json_string (item));
        free (copy);
        return list;
    }
    return json_string (text);
}

//  Completion: a noun of two words ("user key") is "user_key" in the script
static void
s_noun_word (FILE *out, const char *noun)
{
    for (const char *p = noun; *p; p++)
        fputc (*p == ' '? '_': *p, out);
}

//  The nouns the first word completes to: the first word of each, once
static void
s_first_words (FILE *out)
{
    char last [64] = "";
    for (const command_t *c = commands; c->noun; c++) {
        char first [64];
        snprintf (first, sizeof first, "%.*s", (int) strcspn (c->noun, " "), c->noun);
        if (!streq (first, last))
            fprintf (out, "%s%s", *last? " ": "", first);
        snprintf (last, sizeof last, "%s", first);
    }
}

void
cli_completion_bash (FILE *out)
{
    fprintf (out, "# bash completion for vedette, made by `vedette completion bash`\n"
                  "_vedette ()\n{\n"
                  "    local cur=${COMP_WORDS[COMP_CWORD]} noun= verb= i compound=\" ");
    for (const command_t *c = commands; c->noun; c++)
        if (strchr (c->noun, ' ') && (c == commands || !streq (c->noun, c [-1].noun))) {
            s_noun_word (out, c->noun);
            fprintf (out, " ");
        }
    fprintf (out, "\"\n"
                  "    for ((i = 1; i < COMP_CWORD; i++)); do\n"
                  "        case ${COMP_WORDS[i]} in\n"
                  "            --endpoint|--key) ((i++)) ;;\n"
                  "            -*) ;;\n"
                  "            *) if [ -z \"$noun\" ]; then noun=${COMP_WORDS[i]}; "
                  "elif [ -z \"$verb\" ] && [[ $compound == *\" ${noun}_${COMP_WORDS[i]} \"* ]]; then "
                  "noun=${noun}_${COMP_WORDS[i]}; "
                  "elif [ -z \"$verb\" ]; then verb=${COMP_WORDS[i]}; fi ;;\n"
                  "        esac\n"
                  "    done\n"
                  "    local words\n"
                  "    case \"$noun\" in\n"
                  "        '') words=\"");
    s_first_words (out);
    fprintf (out, " help completion --json --csv --endpoint --key --help --version\" ;;\n");
    const char *last = "";
    for (const command_t *c = commands; c->noun; c++) {
        if (streq (c->noun, last) || !c->verb)
            continue;
        last = c->noun;
        fprintf (out, "        ");
        s_noun_word (out, c->noun);
        fprintf (out, ") if [ -z \"$verb\" ]; then words=\"");
        for (const command_t *v = c; v->noun && streq (v->noun, c->noun); v++)
            fprintf (out, "%s%s", v == c? "": " ", v->verb);
        //  "user" also completes to the second word of "user key"
        size_t length = strlen (c->noun);
        for (const command_t *v = commands; v->noun; v++)
            if (strncmp (v->noun, c->noun, length) == 0 && v->noun [length] == ' '
            &&  (v == commands || !streq (v->noun, v [-1].noun)))
                fprintf (out, " %s", v->noun + length + 1);
        fprintf (out, "\"; else case \"$verb\" in\n");
        for (const command_t *v = c; v->noun && streq (v->noun, c->noun); v++) {
            fprintf (out, "            %s) words=\"--help", v->verb);
            for (const option_t *option = v->options; option->name; option++)
                fprintf (out, " --%s", option->name);
            fprintf (out, "\" ;;\n");
        }
        fprintf (out, "            esac; fi ;;\n");
    }
    for (const command_t *c = commands; c->noun; c++) {
        if (c->verb)
            continue;
        fprintf (out, "        ");
        s_noun_word (out, c->noun);
        fprintf (out, ") words=\"--help");
        for (const option_t *option = c->options; option->name; option++)
            fprintf (out, " --%s", option->name);
        fprintf (out, "\" ;;\n");
    }
    fprintf (out, "        help) words=\"");
    s_first_words (out);
    fprintf (out, "\" ;;\n"
                  "        completion) words=bash ;;\n"
                  "    esac\n"
                  "    COMPREPLY=($(compgen -W \"$words\" -- \"$cur\"))\n"
                  "}\n"
                  "complete -F _vedette vedette\n");
}

int
cli_main (int argc, char *argv [])
{
    bool json = false, csv = false, help = false;
    const char *words [2] = { NULL, NULL };
    int nwords = 0;
    json_t *args = json_object ();
    char option_key [64];
    const command_t *command = NULL;
    zlist_t *positional = zlist_new ();
    int code = EXIT_OK;

    //  first pass: global options and the command's words
    int i, found;
    for (i = 1; i < argc; i++) {
        const char *arg = argv [i];
        if (streq (arg, "--json"))
            json = true;
        else
        if (streq (arg, "--csv"))
            csv = true;
        else
        if (streq (arg, "-h") || streq (arg, "--help") || streq (arg, "help"))
            help = true;
        else
        if (streq (arg, "--list-console-commands")) {
            tui_print_commands ();
            goto done;
        }
        else
        if (streq (arg, "--list-commands")) {
            //  for shell completion and the documentation test
            for (const command_t *c = commands; c->noun; c++) {
                printf ("%s%s%s", c->noun, c->verb? " ": "", c->verb? c->verb: "");
                for (const option_t *option = c->options; option->name; option++)
                    printf (" --%s", option->name);
                printf ("\n");
            }
            goto done;
        }
        else
        if (streq (arg, "completion") && !command && nwords == 0) {
            if (i + 1 < argc && streq (argv [i + 1], "bash"))
                cli_completion_bash (stdout);
            else {
                fprintf (stderr, "vedette: completion: say which shell (bash)\n");
                code = EXIT_USAGE;
            }
            goto done;
        }
        else
        if (!command && (found = s_global ("key", "VEDETTE_KEY", argc, argv, &i))) {
            //  the client key for tcp endpoints
            if (found < 0) {
                code = EXIT_USAGE;
                goto done;
            }
        }
        else
        if (streq (arg, "--version") && !(command && s_option (command, "version", 7))) {
            //  a command's own --version (cred add) is an option, not this
            printf ("vedette %s\n", VD_VERSION);
            goto done;
        }
        else
        if (!(command && s_option (command, "endpoint", 8))
        &&  (found = s_global ("endpoint", "VEDETTE_ENDPOINT", argc, argv, &i))) {
            //  meshd's API; a command with an --endpoint of its own keeps it
            if (found < 0) {
                code = EXIT_USAGE;
                goto done;
            }
        }
        else
        if (strncmp (arg, "--", 2) == 0 && command) {
            const char *name = arg + 2;
            const char *equals = strchr (name, '=');
            size_t length = equals? (size_t) (equals - name): strlen (name);
            const option_t *option = s_option (command, name, length);
            if (!option) {
                fprintf (stderr, "vedette: %s %s: unknown option --%.*s\n", command->noun,
                         command->verb? command->verb: "", (int) length, name);
                code = EXIT_USAGE;
                goto done;
            }
            if (!option->value) {
                if (equals) {
                    fprintf (stderr, "vedette: --%s takes no value\n", option->name);
                    code = EXIT_USAGE;
                    goto done;
                }
                json_object_set_new (args, s_key (option->name, option_key, sizeof option_key), json_true ());
            }
            else {
                const char *value = equals? equals + 1: i + 1 < argc? argv [++i]: NULL;
                if (!value) {
                    fprintf (stderr, "vedette: --%s needs %s\n", option->name, option->value);
                    code = EXIT_USAGE;
                    goto done;
                }
                json_t *converted = cli_value (option->name, value, option->kind);
                if (!converted) {
                    code = EXIT_USAGE;
                    goto done;
                }
                //  a list option given again adds to the list: --cred a --cred b
                json_t *before = json_object_get (args, s_key (option->name, option_key, sizeof option_key));
                if (option->kind == OPT_LIST && json_is_array (before)) {
                    json_array_extend (before, converted);
                    json_decref (converted);
                }
                else
                    json_object_set_new (args, option_key, converted);
            }
        }
        else
        if (strncmp (arg, "--", 2) == 0) {
            fprintf (stderr, "vedette: unknown option %s\n", arg);
            code = EXIT_USAGE;
            goto done;
        }
        else
        if (!command && nwords < 2) {
            //  a noun of two words: "user key add"
            static char two [64];
            if (nwords == 1 && words [0] != two) {
                char trial [64];
                snprintf (trial, sizeof trial, "%.31s %.31s", words [0], arg);
                bool two_known;
                s_find (trial, NULL, &two_known);
                if (two_known) {
                    snprintf (two, sizeof two, "%s", trial);
                    words [0] = two;
                    continue;
                }
            }
            words [nwords++] = arg;
            bool noun_known;
            command = s_find (words [0], nwords > 1? words [1]: NULL, &noun_known);
            if (!noun_known) {
                fprintf (stderr, "vedette: unknown command '%s' (vedette --help lists them)\n", arg);
                code = EXIT_USAGE;
                goto done;
            }
            if (!command && nwords == 2) {
                fprintf (stderr, "vedette: %s has no command '%s'\n", words [0], words [1]);
                s_usage (stderr, words [0]);
                code = EXIT_USAGE;
                goto done;
            }
        }
        else
            zlist_append (positional, (void *) arg);
    }
    if (nwords == 0 && !help && isatty (STDIN_FILENO) && isatty (STDOUT_FILENO)) {
        code = tui_main (NULL);
        goto done;
    }
    if (help || nwords == 0) {
        s_usage (help? stdout: stderr, nwords? words [0]: NULL);
        code = help? EXIT_OK: EXIT_USAGE;
        goto done;
    }
    if (!command) {
        fprintf (stderr, "vedette: %s needs a command:\n", words [0]);
        s_usage (stderr, words [0]);
        code = EXIT_USAGE;
        goto done;
    }
    if (json && csv) {
        fprintf (stderr, "vedette: --json and --csv do not go together\n");
        code = EXIT_USAGE;
        goto done;
    }
    //  positional arguments, by their keys
    char keys [64] = "";
    if (command->positional_key)
        snprintf (keys, sizeof keys, "%s", command->positional_key);
    char *saveptr = NULL;
    size_t expected = 0;
    for (char *key = strtok_r (keys, " ", &saveptr); key; key = strtok_r (NULL, " ", &saveptr)) {
        const char *value = (const char *) zlist_pop (positional);
        expected++;
        size_t length = strlen (key);
        bool optional = length && key [length - 1] == '?';
        if (optional)
            key [length - 1] = 0;
        if (!value && optional)
            break;
        if (!value) {
            fprintf (stderr, "vedette: %s %s: missing %s\n", command->noun,
                     command->verb? command->verb: "", command->positional);
            code = EXIT_USAGE;
            goto done;
        }
        if (length > 3 && streq (key + strlen (key) - 3, "...")) {
            //  the rest of the arguments, as a list
            key [strlen (key) - 3] = 0;
            json_t *list = json_array ();
            for (; value; value = (const char *) zlist_pop (positional))
                json_array_append_new (list, json_string (value));
            json_object_set_new (args, key, list);
            continue;
        }
        char *colon = strchr (key, ':');
        if (colon)
            *colon = 0;
        json_t *converted = cli_value (key, value, colon? OPT_INT: OPT_TEXT);
        if (!converted) {
            code = EXIT_USAGE;
            goto done;
        }
        json_object_set_new (args, key, converted);
    }
    if (zlist_size (positional)) {
        fprintf (stderr, "vedette: %s %s: unexpected argument '%s'\n", command->noun,
                 command->verb? command->verb: "", (const char *) zlist_first (positional));
        code = EXIT_USAGE;
        goto done;
    }
    code = command->run? command->run (command, args, json, csv)
                       : cli_run_generic (command, args, json, csv);
done:
    zlist_destroy (&positional);
    json_decref (args);
    return code;
}
