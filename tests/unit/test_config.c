/*  vd_config: defaults, values, unknown keys and bad values refused.  */
#include "testing.h"

static const vd_config_key_t s_keys [] = {
    { "mesh/endpoint", VD_CFG_ENDPOINT, "tcp://*:7440", "" },
    { "mesh/late", VD_CFG_DURATION, "5s", "" },
    { "store/batch", VD_CFG_INT, "512", "" },
    { "api/open", VD_CFG_BOOL, "no", "" },
    { "name", VD_CFG_STRING, "x", "" },
    { NULL }
};

static char *
s_write (const char *dir, const char *text)
{
    char *path = zsys_sprintf ("%s/test.cfg", dir);
    FILE *file = fopen (path, "w");
    fputs (text, file);
    fclose (file);
    return path;
}

static void
s_refused (const char *dir, const char *text, const char *expected)
{
    char *path = s_write (dir, text);
    char *error = NULL;
    vd_config_t *config = vd_config_load (path, s_keys, false, &error);
    CHECK (config == NULL);
    CHECK (error && strstr (error, expected));
    if (error && !strstr (error, expected))
        fprintf (stderr, "  got: %s\n", error);
    free (error);
    free (path);
}

int
main (void)
{
    char *dir = test_dir ("config");
    char *error = NULL;
    //  a missing file may stand for the defaults, or not
    vd_config_t *config = vd_config_load ("/nonexistent.cfg", s_keys, true, &error);
    CHECK (config && !error);
    CHECK (streq (vd_config_str (config, "mesh/endpoint"), "tcp://*:7440"));
    CHECK (vd_config_int (config, "mesh/late") == 5000);
    CHECK (vd_config_int (config, "store/batch") == 512);
    CHECK (!vd_config_bool (config, "api/open"));
    vd_config_destroy (&config);
    CHECK (config == NULL);
    config = vd_config_load ("/nonexistent.cfg", s_keys, false, &error);
    CHECK (!config && error && strstr (error, "no such file"));
    zstr_free (&error);

    char *path = s_write (dir, "#  comment\nmesh\n    endpoint = \"tcp://127.0.0.1:9\"\n"
                               "    late = 250ms\nstore\n    batch = 7\napi\n    open = yes\n");
    config = vd_config_load (path, s_keys, false, &error);
    CHECK (config);
    CHECK (streq (vd_config_str (config, "mesh/endpoint"), "tcp://127.0.0.1:9"));
    CHECK (vd_config_int (config, "mesh/late") == 250);
    CHECK (vd_config_int (config, "store/batch") == 7);
    CHECK (vd_config_bool (config, "api/open"));
    vd_config_destroy (&config);
    free (path);

    s_refused (dir, "mesh\n    endpoint = \"udp://x\"\n", "mesh/endpoint");
    s_refused (dir, "mesh\n    late = soon\n", "expected a duration");
    s_refused (dir, "store\n    batch = 12x\n", "expected an integer");
    s_refused (dir, "api\n    open = maybe\n", "expected true or false");
    s_refused (dir, "mesh\n    colour = red\n", "unknown key 'mesh/colour'");
    s_refused (dir, "nonsense\n", "unknown key 'nonsense'");
    s_refused (dir, "mesh\n  endpoint = \"tcp://*:1\"\n", "syntax error");

    CHECK (vd_config_check (VD_CFG_ENDPOINT, "ipc:///tmp/x") == NULL);
    CHECK (vd_config_check (VD_CFG_ENDPOINT, "") != NULL);
    CHECK (vd_config_check (VD_CFG_SIZE, "1MiB") == NULL);
    CHECK (vd_config_check (VD_CFG_SIZE, "lots") != NULL);
    test_dir_remove (dir);
    TESTS_DONE ();
}
