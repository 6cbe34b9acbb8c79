/*  vd_config: ZPL configuration checked against a table of keys.  */
#include "vedette.h"

struct _vd_config_t {
    zconfig_t *root;
    const vd_config_key_t *keys;
};

static const vd_config_key_t *
s_key (const vd_config_key_t *keys, const char *path)
{
    for (int i = 0; keys [i].path; i++)
        if (streq (keys [i].path, path))
            return &keys [i];
    return NULL;
}

static bool
s_bool_value (const char *value, bool *result)
{
    if (streq (value, "1") || streq (value, "true") || streq (value, "yes")) {
        *result = true;
        return true;
    }
    if (streq (value, "0") || streq (value, "false") || streq (value, "no")) {
        *result = false;
        return true;
    }
    return false;
}

const char *
vd_config_check (vd_cfg_kind_t kind, const char *value)
{
    int64_t number;
    bool flag;
    char *end;
    switch (kind) {
        case VD_CFG_STRING:
            return NULL;
        case VD_CFG_INT:
            number = strtoll (value, &end, 10);
            (void) number;
            return (*value && *end == 0)? NULL: "expected an integer";
        case VD_CFG_DURATION:
            return vd_duration_parse (value, &number) == 0? NULL
                 : "expected a duration such as 500ms, 10s, 5m, 1h";
        case VD_CFG_SIZE:
            return vd_size_parse (value, &number) == 0? NULL
                 : "expected a size such as 4096, 512k, 1MiB, 2GB";
        case VD_CFG_BOOL:
            return s_bool_value (value, &flag)? NULL: "expected true or false";
        case VD_CFG_ENDPOINT:
            if (strneq (value, "") && (strncmp (value, "tcp://", 6) == 0
            ||  strncmp (value, "ipc://", 6) == 0 || strncmp (value, "inproc://", 9) == 0))
                return NULL;
            return "expected an endpoint such as tcp://*:7440 or ipc:///path";
    }
    return "unknown kind";
}

//  Walks the tree; every leaf must be a known key with a valid value
static int
s_validate (zconfig_t *node, const char *prefix, const vd_config_key_t *keys, char **error)
{
    for (zconfig_t *child = zconfig_child (node); child; child = zconfig_next (child)) {
        char path [256];
        const char *name = zconfig_name (child);
        if (snprintf (path, sizeof path, "%s%s%s", prefix, *prefix? "/": "", name)
            >= (int) sizeof path) {
            *error = strdup ("key path too long");
            return -1;
        }
        if (zconfig_child (child)) {
            if (s_validate (child, path, keys, error))
                return -1;
            continue;
        }
        const vd_config_key_t *key = s_key (keys, path);
        if (!key) {
            *error = zsys_sprintf ("unknown key '%s'", path);
            return -1;
        }
        const char *value = zconfig_value (child);
        const char *reason = vd_config_check (key->kind, value? value: "");
        if (reason) {
            *error = zsys_sprintf ("%s = '%s': %s", path, value? value: "", reason);
            return -1;
        }
    }
    return 0;
}

vd_config_t *
vd_config_load (const char *file, const vd_config_key_t *keys, bool may_be_missing,
                char **error)
{
    *error = NULL;
    zconfig_t *root = NULL;
    if (file && zsys_file_exists (file)) {
        //  not zconfig_load: it leaks its zfile on a syntax error
        char *text = vd_file_read (file, NULL);
        root = text? zconfig_str_load (text): NULL;
        free (text);
        if (!root) {
            *error = zsys_sprintf ("%s: syntax error (ZPL: 'name = value', indent by 4)", file);
            return NULL;
        }
    }
    else
    if (file && !may_be_missing) {
        *error = zsys_sprintf ("%s: no such file", file);
        return NULL;
    }
    else
        root = zconfig_new ("root", NULL);
    char *reason = NULL;
    if (s_validate (root, "", keys, &reason)) {
        *error = zsys_sprintf ("%s: %s", file? file: "config", reason);
        free (reason);
        zconfig_destroy (&root);
        return NULL;
    }
    vd_config_t *self = (vd_config_t *) zmalloc (sizeof (vd_config_t));
    self->root = root;
    self->keys = keys;
    return self;
}

void
vd_config_destroy (vd_config_t **self_p)
{
    if (self_p && *self_p) {
        zconfig_destroy (&(*self_p)->root);
        free (*self_p);
        *self_p = NULL;
    }
}

const char *
vd_config_str (vd_config_t *self, const char *path)
{
    const vd_config_key_t *key = s_key (self->keys, path);
    assert (key);               //  a key the program did not declare
    zconfig_t *node = zconfig_locate (self->root, path);
    const char *value = node? zconfig_value (node): NULL;
    return value? value: key->def;
}

int64_t
vd_config_int (vd_config_t *self, const char *path)
{
    const vd_config_key_t *key = s_key (self->keys, path);
    assert (key && (key->kind == VD_CFG_INT || key->kind == VD_CFG_DURATION
                 || key->kind == VD_CFG_SIZE));
    const char *value = vd_config_str (self, path);
    int64_t number = 0;
    if (key->kind == VD_CFG_DURATION)
        vd_duration_parse (value, &number);
    else
    if (key->kind == VD_CFG_SIZE)
        vd_size_parse (value, &number);
    else
        number = strtoll (value, NULL, 10);
    return number;
}

bool
vd_config_bool (vd_config_t *self, const char *path)
{
    bool flag = false;
    s_bool_value (vd_config_str (self, path), &flag);
    return flag;
}
