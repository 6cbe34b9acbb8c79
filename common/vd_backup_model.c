/*  common/vd_backup_model.c: reading a backup model (ZPL, read by zconfig).

        name = ios
        description = "Cisco IOS and IOS-XE"
        mode = shell                    shell (default) or exec
        match
            sysobjectid = "1.3.6.1.4.1.9.1."
            descr = "Cisco IOS"
        login
            prompt = "^[A-Za-z0-9_.@()/:-]+#$"
            unprivileged = "^[A-Za-z0-9_.@()/:-]+>$"
            enable = enable
            password = "^[Pp]assword:"
            more = "--More--"
            more_key = " "
            error = "^% Invalid input"
            setup = "terminal length 0"
            exit = exit
        fetch
            command = "show running-config"
        clean
            drop = "^Building configuration"
            secret = "^enable secret [0-9] (.*)$"
        trigger
            syslog = "%SYS-5-CONFIG_I: Configured from .* by ([^ ]+)"
            trap = "1.3.6.1.4.1.9.9.43.2.0.1"
            trap_user = "1.3.6.1.4.1.9.9.43.1.1.6.1.8"

    A key may repeat where a list makes sense.                            */
#include "vedette.h"
#include "vd_backup_model.h"

static char *
s_dup (const char *text)
{
    return text? strdup (text): NULL;
}

static bool
s_add_pattern (vd_patterns_t *patterns, const char *text, const char *key, char **error)
{
    patterns->items = (regex_t *) realloc (patterns->items, (size_t) (patterns->count + 1) * sizeof (regex_t));
    int rc = regcomp (&patterns->items [patterns->count], text, REG_EXTENDED);
    if (rc) {
        char reason [160];
        regerror (rc, &patterns->items [patterns->count], reason, sizeof reason);
        *error = zsys_sprintf ("%s: %s: %s", key, text, reason);
        return false;
    }
    patterns->count++;
    return true;
}

static void
s_free_patterns (vd_patterns_t *patterns)
{
    for (int i = 0; i < patterns->count; i++)
        regfree (&patterns->items [i]);
    free (patterns->items);
    patterns->items = NULL;
    patterns->count = 0;
}

static void
s_add_string (char ***list, int *count, const char *text)
{
    *list = (char **) realloc (*list, (size_t) (*count + 1) * sizeof (char *));
    (*list) [(*count)++] = strdup (text);
}

static void
s_free_strings (char ***list, int *count)
{
    for (int i = 0; i < *count; i++)
        free ((*list) [i]);
    free (*list);
    *list = NULL;
    *count = 0;
}

//  The keys of one section: each with where it goes
static bool
s_section (vd_backup_model_t *self, zconfig_t *section, char **error)
{
    const char *where = zconfig_name (section);
    for (zconfig_t *item = zconfig_child (section); item; item = zconfig_next (item)) {
        const char *key = zconfig_name (item);
        const char *value = zconfig_value (item);
        char full [64];
        snprintf (full, sizeof full, "%s/%s", where, key);
        if (!value || !*value) {
            *error = zsys_sprintf ("%s has no value", full);
            return false;
        }
        struct { const char *key; vd_patterns_t *patterns; } patterns [] = {
            { "match/descr", &self->descr }, { "login/prompt", &self->prompt },
            { "login/unprivileged", &self->unprivileged }, { "login/password", &self->password },
            { "login/more", &self->more }, { "login/error", &self->error },
            { "clean/drop", &self->drop }, { "clean/secret", &self->secret },
            { "trigger/syslog", &self->syslog }
        };
        bool known = false;
        for (size_t i = 0; i < sizeof patterns / sizeof patterns [0] && !known; i++)
            if (streq (full, patterns [i].key)) {
                if (!s_add_pattern (patterns [i].patterns, value, full, error))
                    return false;
                known = true;
            }
        if (known)
            continue;
        if (streq (full, "match/sysobjectid"))
            s_add_string (&self->object_ids, &self->object_id_count, value);
        else
        if (streq (full, "trigger/trap") || streq (full, "trigger/trap_user")
        ||  streq (full, "trigger/trap_ignore")) {
            //  an OID, numeric; trap_ignore: an OID, a space and a value
            size_t length = strcspn (value, " ");
            bool ignore = streq (key, "trap_ignore");
            if (!length || *value == '.' || strspn (value, "0123456789.") != length
            ||  (ignore? !value [length] || !value [length + 1]: value [length] != 0)) {
                *error = zsys_sprintf ("%s: %s is not %s", full, value,
                                       ignore? "a numeric OID and a value (1.3.6.1... 1)"
                                             : "a numeric OID (1.3.6.1...)");
                return false;
            }
            if (streq (key, "trap"))
                s_add_string (&self->traps, &self->trap_count, value);
            else
            if (ignore)
                s_add_string (&self->trap_ignores, &self->trap_ignore_count, value);
            else
                s_add_string (&self->trap_users, &self->trap_user_count, value);
        }
        else
        if (streq (full, "login/setup"))
            s_add_string (&self->setup, &self->setup_count, value);
        else
        if (streq (full, "fetch/command"))
            s_add_string (&self->commands, &self->command_count, value);
        else
        if (streq (full, "login/enable") && !self->enable)
            self->enable = strdup (value);
        else
        if (streq (full, "login/more_key") && !self->more_key)
            self->more_key = strdup (value);
        else
        if (streq (full, "login/exit") && !self->exit)
            self->exit = strdup (value);
        else {
            *error = zsys_sprintf ("%s is not a model key (or is given twice)", full);
            return false;
        }
    }
    return true;
}

vd_backup_model_t *
vd_backup_model_new (const char *text, char **error)
{
    *error = NULL;
    zconfig_t *root = zconfig_str_load (text);
    if (!root) {
        *error = strdup ("not valid ZPL (indent by 4 spaces, KEY = \"VALUE\")");
        return NULL;
    }
    vd_backup_model_t *self = (vd_backup_model_t *) zmalloc (sizeof (vd_backup_model_t));
    bool ok = true;
    for (zconfig_t *item = zconfig_child (root); item && ok; item = zconfig_next (item)) {
        const char *key = zconfig_name (item);
        const char *value = zconfig_value (item);
        if (streq (key, "name") && !self->name)
            self->name = s_dup (value);
        else
        if (streq (key, "description") && !self->description)
            self->description = s_dup (value);
        else
        if (streq (key, "mode") && value && (streq (value, "exec") || streq (value, "shell")))
            self->exec = streq (value, "exec");
        else
        if (streq (key, "match") || streq (key, "login") || streq (key, "fetch")
        ||  streq (key, "clean") || streq (key, "trigger"))
            ok = s_section (self, item, error);
        else {
            *error = zsys_sprintf ("%s is not a model key%s", key,
                                   streq (key, "mode")? " (mode is shell or exec)": "");
            ok = false;
        }
    }
    zconfig_destroy (&root);
    if (ok && (!self->name || !*self->name || strlen (self->name) > 32))
        *error = strdup ("name is missing (or longer than 32 characters)"), ok = false;
    for (const char *c = self->name; ok && *c; c++)
        if (!isalnum ((unsigned char) *c) && *c != '-' && *c != '_')
            *error = strdup ("name has only letters, digits, - and _"), ok = false;
    if (ok && self->command_count == 0)
        *error = strdup ("fetch/command is missing: what prints the configuration?"), ok = false;
    if (ok && !self->exec && self->prompt.count == 0)
        *error = strdup ("login/prompt is missing (or set mode = exec)"), ok = false;
    if (ok && self->unprivileged.count && !self->enable)
        *error = strdup ("login/unprivileged needs login/enable"), ok = false;
    if (!ok)
        vd_backup_model_destroy (&self);
    return self;
}

void
vd_backup_model_destroy (vd_backup_model_t **self_p)
{
    vd_backup_model_t *self = *self_p;
    if (!self)
        return;
    free (self->name);
    free (self->description);
    s_free_strings (&self->object_ids, &self->object_id_count);
    s_free_strings (&self->setup, &self->setup_count);
    s_free_strings (&self->commands, &self->command_count);
    s_free_strings (&self->traps, &self->trap_count);
    s_free_strings (&self->trap_users, &self->trap_user_count);
    s_free_strings (&self->trap_ignores, &self->trap_ignore_count);
    vd_patterns_t *lists [] = { &self->descr, &self->prompt, &self->unprivileged, &self->password,
                                &self->more, &self->error, &self->drop, &self->secret, &self->syslog };
    for (size_t i = 0; i < sizeof lists / sizeof lists [0]; i++)
        s_free_patterns (lists [i]);
    free (self->enable);
    free (self->more_key);
    free (self->exit);
    free (self);
    *self_p = NULL;
}

bool
vd_patterns_match (const vd_patterns_t *patterns, const char *line, regmatch_t *groups, int count)
{
    for (int i = 0; i < patterns->count; i++)
        if (regexec (&patterns->items [i], line, groups? (size_t) count: 0, groups, 0) == 0)
            return true;
    return false;
}

//  An OID under a prefix of length bytes: equal, or followed by a dot
static bool
s_under (const char *oid, const char *prefix, size_t length)
{
    return strncmp (oid, prefix, length) == 0 && (oid [length] == 0 || oid [length] == '.');
}

bool
vd_backup_model_trap (const vd_backup_model_t *self, const char *oid, json_t *varbinds, char *who, size_t size)
{
    *who = 0;
    bool announced = false;
    for (int i = 0; i < self->trap_count && !announced; i++)
        announced = streq (oid, self->traps [i]);
    if (!announced)
        return false;
    size_t index;
    json_t *varbind;
    json_array_foreach (varbinds, index, varbind) {
        const char *name = json_string_value (json_object_get (varbind, "oid"));
        json_t *field = json_object_get (varbind, "value");
        char number [24];
        if (json_is_integer (field))
            snprintf (number, sizeof number, "%lld", (long long) json_integer_value (field));
        const char *value = json_is_integer (field)? number: json_string_value (field);
        for (int i = 0; name && value && i < self->trap_ignore_count; i++) {
            size_t length = strcspn (self->trap_ignores [i], " ");
            if (s_under (name, self->trap_ignores [i], length)
            &&  streq (value, self->trap_ignores [i] + length + 1)) {
                *who = 0;
                return false;
            }
        }
        for (int i = 0; name && value && *value && i < self->trap_user_count; i++)
            if (s_under (name, self->trap_users [i], strlen (self->trap_users [i]))) {
                snprintf (who, size, "%s", value);
                for (char *c = who; *c; c++)        //  shown and stored: printable only
                    if ((unsigned char) *c < 0x20 || *c == 0x7f)
                        *c = '?';
            }
    }
    return true;
}
