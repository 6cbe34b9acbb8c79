/*  console/view/command.c: the ":" command line: one table of commands
    (name, arguments, help, what it does), run, completed with Tab, shown
    by the help view and checked against vedette(1).                    */
#include "view.h"

//  "devices site=hq core": fields and a regular expression on the view's list
static void
s_filter_words (tui_t *tui, view_id_t view, char *rest)
{
    list_t *list = &tui->list [view];
    list->nfields = 0;
    char pattern [128] = "";
    char *saveptr = NULL;
    for (char *word = strtok_r (rest, " ", &saveptr); word; word = strtok_r (NULL, " ", &saveptr)) {
        char *equals = strchr (word, '=');
        if (equals && list->nfields < FIELDS_MAX) {
            *equals = 0;
            snprintf (list->field_key [list->nfields], sizeof list->field_key [0], "%s", word);
            snprintf (list->field_value [list->nfields], sizeof list->field_value [0], "%s", equals + 1);
            list->nfields++;
        }
        else
            snprintf (pattern + strlen (pattern), sizeof pattern - strlen (pattern), "%s%s",
                      *pattern? "|": "", word);
    }
    tui_set_filter (tui, view, pattern);
}

//  A list view, filtered by the words after its name
static void
s_list_view (tui_t *tui, view_id_t view, char *rest)
{
    s_filter_words (tui, view, rest);
    tui_go (tui, view, NULL);
}

static void s_overview (tui_t *tui, char *rest) { (void) rest; tui_go (tui, VIEW_OVERVIEW, NULL); }
static void s_devices (tui_t *tui, char *rest) { s_list_view (tui, VIEW_DEVICES, rest); }
static void s_probes (tui_t *tui, char *rest) { s_list_view (tui, VIEW_PROBES, rest); }
static void s_events (tui_t *tui, char *rest) { s_list_view (tui, VIEW_EVENTS, rest); }
static void s_reports (tui_t *tui, char *rest) { s_list_view (tui, VIEW_REPORTS, rest); }
static void s_backups (tui_t *tui, char *rest) { s_list_view (tui, VIEW_BACKUPS, rest); }
static void s_help (tui_t *tui, char *rest) { (void) rest; tui_go (tui, VIEW_HELP, NULL); }
static void s_quit (tui_t *tui, char *rest) { (void) rest; tui->quit = true; }
static void s_ack (tui_t *tui, char *rest) { views_ack (tui, true, rest); }
static void s_unack (tui_t *tui, char *rest) { views_ack (tui, false, rest); }

static void
s_device (tui_t *tui, char *rest)
{
    json_t *name = json_string (rest);
    bool known = view_find (tui->devices, "name", name, NULL) != NULL;
    json_decref (name);
    if (!known)
        tui_say (tui, true, "device: no device '%s'", rest);
    else
        tui_go (tui, VIEW_DEVICE, rest);
}

static void
s_diff (tui_t *tui, char *rest)
{
    char device [128] = "";
    long long version = 0;
    if (sscanf (rest, "%127s %lld", device, &version) < 1 || version < 0)
        tui_say (tui, true, "diff: a device, and a version if not the latest");
    else
        view_diff_open (tui, device, version);
}

//  ":ip ADDRESS [TIME]", ":ppp USER": the subscribers view's lookups
static void
s_ip (tui_t *tui, char *rest)
{
    char address [64] = "", when [64] = "", query [160];
    if (sscanf (rest, "%63s %63s", address, when) < 1) {
        tui_say (tui, true, "ip: an address or prefix, and a time if not now");
        return;
    }
    snprintf (query, sizeof query, "ip %s%s%s", address, *when? " ": "", when);
    view_subscribers_query (tui, query);
}

static void
s_ppp (tui_t *tui, char *rest)
{
    char user [128] = "", query [160];
    if (sscanf (rest, "%127s", user) < 1) {
        tui_say (tui, true, "ppp: a user");
        return;
    }
    snprintf (query, sizeof query, "user %s", user);
    view_subscribers_query (tui, query);
}

static void
s_alarms (tui_t *tui, char *rest)
{
    //  a severity word filters by severity
    char words [200];
    snprintf (words, sizeof words, "%s", rest);
    for (int s = 0; vd_severities [s]; s++)
        if (streq (rest, vd_severities [s]))
            snprintf (words, sizeof words, "severity=%s", rest);
    s_list_view (tui, VIEW_ALARMS, words);
}

static const char *s_themes [] = { "dark", "light", "mono", NULL };
static const char *s_on_off [] = { "on", "off", NULL };

static void
s_theme (tui_t *tui, char *rest)
{
    if (!vd_word_in (rest, s_themes)) {
        tui_say (tui, true, "theme: dark, light or mono");
        return;
    }
    tui->theme = streq (rest, "light")? 1: streq (rest, "mono")? 2: 0;
    tui->want_status = true;
    tui_apply_theme (tui);
    clearok (curscr, TRUE);
}

static void
s_mouse (tui_t *tui, char *rest)
{
    if (!vd_word_in (rest, s_on_off)) {
        tui_say (tui, true, "mouse: on or off (the mouse is %s)", tui->mouse? "on": "off");
        return;
    }
    tui_set_mouse (tui, streq (rest, "on"));
    tui_say (tui, false, "mouse %s%s", rest, tui->mouse? "": ": the terminal selects text again");
}

//  What Tab offers after a command's name
typedef enum { ARG_NONE, ARG_DEVICE, ARG_FILTER, ARG_SEVERITY, ARG_WORDS } arg_t;

const tui_command_t tui_commands [] = {
    { "overview", NULL, "the overview", s_overview, false, ARG_NONE, NULL },
    { "devices", "[site=hq] [status=down] [pattern]", "the devices, filtered", s_devices, false,
      ARG_FILTER, NULL },
    { "device", "name", "a device's detail", s_device, false, ARG_DEVICE, NULL },
    { "alarms", "[severity] [pattern]", "the alarms, of a severity", s_alarms, false, ARG_SEVERITY, NULL },
    { "probes", "[pattern]", "the probes and their mesh", s_probes, false, ARG_NONE, NULL },
    { "events", "[pattern]", "the events, filtered", s_events, false, ARG_NONE, NULL },
    { "reports", "[pattern]", "the reports: availability, latency, top, billing, alarms", s_reports, false,
      ARG_NONE, NULL },
    { "backups", "[site=hq] [state=failed] [pattern]", "the devices backed up: last success, failure, why",
      s_backups, false, ARG_FILTER, NULL },
    { "diff", "device [version]", "what changed in a device's configuration", s_diff, false, ARG_DEVICE, NULL },
    { "ip", "address [time]", "who had an address or prefix then (now if no time), and the MACs routers saw it at: audited",
      s_ip, false, ARG_NONE, NULL },
    { "ppp", "user", "a subscriber's PPP sessions (audited)", s_ppp, false, ARG_NONE, NULL },
    { "ack", "[comment]", "ack the marked alarms (or the selected one)", s_ack, true, ARG_NONE, NULL },
    { "unack", NULL, "unack the marked alarms (or the selected one)", s_unack, true, ARG_NONE, NULL },
    { "theme", "dark|light|mono", "the colours", s_theme, false, ARG_WORDS, s_themes },
    { "mouse", "on|off", "take the mouse, or leave it to the terminal", s_mouse, false, ARG_WORDS, s_on_off },
    { "help", NULL, "the keys and these commands", s_help, false, ARG_NONE, NULL },
    { "quit", NULL, "leave the console (also :q)", s_quit, false, ARG_NONE, NULL },
    { NULL }
};

static const tui_command_t *
s_command (const char *name)
{
    if (streq (name, "q"))
        name = "quit";
    for (const tui_command_t *command = tui_commands; command->name; command++)
        if (streq (command->name, name))
            return command;
    return NULL;
}

void
views_command (tui_t *tui, const char *text)
{
    char line [256];
    snprintf (line, sizeof line, "%s", text);
    char *rest = line;
    while (*rest == ' ')
        rest++;
    char *word = rest;
    while (*rest && *rest != ' ')
        rest++;
    if (*rest)
        *rest++ = 0;
    while (*rest == ' ')
        rest++;
    size_t length = strlen (rest);
    while (length > 0 && rest [length - 1] == ' ')
        rest [--length] = 0;            //  as Tab completion leaves it
    if (!*word)
        return;
    const tui_command_t *command = s_command (word);
    if (!command)
        tui_say (tui, true, "no command '%s' (Tab completes, ? lists the keys)", word);
    else
    if (command->write && !tui->writer)
        tui_say (tui, true, "%s: not allowed to a %s", word, tui->role);
    else
        command->run (tui, rest);
}

void
views_complete (tui_t *tui)
{
    //  the word being typed, and which word of the line it is
    char *line = tui->line;
    size_t start = tui->cursor;
    while (start > 0 && line [start - 1] != ' ')
        start--;
    bool first = true;
    for (size_t i = 0; i < start; i++)
        if (line [i] != ' ')
            first = false;
    char prefix [128];
    snprintf (prefix, sizeof prefix, "%.*s", (int) (tui->cursor - start), line + start);
    size_t length = strlen (prefix);
    //  candidates: commands, device names, severities, sites
    json_t *candidates = json_array ();
    char name [32];
    snprintf (name, sizeof name, "%.*s", (int) strcspn (line + strspn (line, " "), " "), line + strspn (line, " "));
    const tui_command_t *command = first? NULL: s_command (name);
    arg_t arg = command? (arg_t) command->arg: ARG_NONE;
    if (first) {
        for (command = tui_commands; command->name; command++)
            if (!command->write || tui->writer)
                json_array_append_new (candidates, json_string (command->name));
    }
    else
    if (arg == ARG_DEVICE || strncmp (prefix, "device=", 7) == 0) {
        size_t index;
        json_t *row;
        json_array_foreach (tui->devices, index, row)
            json_array_append (candidates, json_object_get (row, "name"));
    }
    else
    if (arg == ARG_SEVERITY) {
        for (int s = 0; vd_severities [s]; s++)
            json_array_append_new (candidates, json_string (vd_severities [s]));
    }
    else
    if (arg == ARG_WORDS)
        for (const char **word = command->words; *word; word++)
            json_array_append_new (candidates, json_string (*word));
    if (strncmp (prefix, "site=", 5) == 0 || (arg == ARG_FILTER && !strchr (prefix, '='))) {
        //  sites, from the devices known
        size_t index;
        json_t *row;
        json_array_foreach (tui->devices, index, row) {
            char *site = zsys_sprintf ("site=%s", view_str (row, "site"));
            bool have = false;
            size_t i;
            json_t *c;
            json_array_foreach (candidates, i, c)
                have = have || streq (json_string_value (c), site);
            if (!have)
                json_array_append_new (candidates, json_string (site));
            free (site);
        }
    }
    //  the longest common prefix of the matches
    char common [128] = "";
    int matches = 0;
    size_t index;
    json_t *candidate;
    json_array_foreach (candidates, index, candidate) {
        const char *text = json_string_value (candidate);
        if (!text || strncmp (text, prefix, length))
            continue;
        if (matches++ == 0)
            snprintf (common, sizeof common, "%s", text);
        else {
            size_t i = 0;
            while (common [i] && common [i] == text [i])
                i++;
            common [i] = 0;
        }
    }
    if (matches == 0)
        tui_say (tui, true, "nothing to complete for '%s'", prefix);
    else {
        char rest [256];
        snprintf (rest, sizeof rest, "%s", line + tui->cursor);
        char fresh [512];
        snprintf (fresh, sizeof fresh, "%.*s%s%s%s", (int) start, line, common, matches == 1? " ": "", rest);
        snprintf (tui->line, sizeof tui->line, "%.255s", fresh);
        tui->cursor = start + strlen (common) + (matches == 1);
        if (matches > 1) {
            char shown [256] = "";
            size_t used = 0;
            json_array_foreach (candidates, index, candidate) {
                const char *text = json_string_value (candidate);
                if (text && strncmp (text, prefix, length) == 0 && used + 2 < sizeof shown)
                    used += snprintf (shown + used, sizeof shown - used, "%s ", text);
            }
            tui_say (tui, false, "%s", shown);
        }
    }
    json_decref (candidates);
}


void
tui_print_commands (void)
{
    for (const tui_command_t *command = tui_commands; command->name; command++)
        printf ("%s%s%s\n", command->name, command->args? " ": "", command->args? command->args: "");
}
