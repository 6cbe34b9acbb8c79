/*  libFuzzer target: the API request parser and dispatcher, on a real
    migrated database, with and without a valid session token.             */
#include "api/api.h"
#include <unistd.h>

static api_t *s_api;
static meshd_t s_meshd;
static char *s_token;

static void
s_setup (void)
{
    zsys_set_logstream (NULL);
    zsys_set_logsystem (false);
    if (sodium_init () < 0)
        abort ();
    char *dir = zsys_sprintf ("/tmp/vedette-fuzz-api-%d", (int) getpid ());
    vd_mkdir_p (dir, 0700);
    s_meshd.dir = dir;
    s_meshd.db_path = zsys_sprintf ("%s/meshd.db", dir);
    unlink (s_meshd.db_path);
    char *error = NULL;
    s_meshd.config = vd_config_load (NULL, meshd_config_keys, true, &error);
    s_meshd.cert = zcert_new ();
    unsigned char key [crypto_secretbox_KEYBYTES];
    crypto_secretbox_keygen (key);
    char *key_path = zsys_sprintf ("%s/master.key", dir);
    vd_file_write_atomic (key_path, key, sizeof key, 0600);
    free (key_path);
    sqlite3 *db = vd_db_open (s_meshd.db_path, false);
    vd_db_migrate (db, vd_migrations);
    char hash [crypto_pwhash_STRBYTES];
    if (crypto_pwhash_argon2id_str (hash, "password1", 9, crypto_pwhash_argon2id_OPSLIMIT_MIN,
                                    crypto_pwhash_argon2id_MEMLIMIT_MIN))
        abort ();
    char *sql = zsys_sprintf ("INSERT INTO user (name, role, pw_hash, created_us) "
                              "VALUES ('admin', 'admin', '%s', 0); INSERT INTO site (name, created_us) "
                              "VALUES ('hq', 0);", hash);
    vd_db_exec (db, sql);
    free (sql);
    vd_db_close (&db);
    s_api = api_new (&s_meshd, NULL);
    const char *login = "{\"op\":\"login\",\"args\":{\"user\":\"admin\",\"password\":\"password1\"}}";
    char *reply = api_request (s_api, login, strlen (login), NULL);
    json_t *json = json_loads (reply, 0, NULL);
    s_token = strdup (json_string_value (json_object_get (json_object_get (json, "result"), "token")));
    json_decref (json);
    free (reply);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
    if (!s_api)
        s_setup ();
    char *reply = api_request (s_api, (const char *) data, size, NULL);
    assert (reply && reply [0] == '{');
    free (reply);
    //  the same bytes as the args of a logged-in request to each operation
    json_t *args = json_loadb ((const char *) data, size, 0, NULL);
    if (json_is_object (args)) {
        const api_op_t *op;
        for (size_t i = 0; (op = api_op_nth (i)); i++) {
            if (streq (op->op, "logout") || streq (op->op, "login"))
                continue;
            json_t *request = json_pack ("{s:s, s:s, s:O}", "op", op->op,
                                         "token", s_token, "args", args);
            char *text = json_dumps (request, JSON_COMPACT);
            reply = api_request (s_api, text, strlen (text), NULL);
            assert (reply && reply [0] == '{');
            free (reply);
            free (text);
            json_decref (request);
        }
    }
    json_decref (args);
    return 0;
}
