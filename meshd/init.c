/*  meshd/init.c: `vedette-meshd init` lays out a fresh state directory.

    DIR/meshd.cert, meshd.cert_secret   meshd's CURVE keypair (zcert)
    DIR/master.key                      secretbox key for stored credentials
    DIR/meshd.db                        the database, migrated
    DIR/meshd.cfg                       configuration, every key commented
    DIR/ssh_host_ed25519_key            the SSH server's host key (ssh.c)    */
#include "meshd.h"
#include <libssh/libssh.h>
#include <sys/stat.h>
#include <unistd.h>
#include <errno.h>

int
meshd_password_hash (const char *password, char *out)
{
    return crypto_pwhash_argon2id_str (out, password, strlen (password),
                                       crypto_pwhash_argon2id_OPSLIMIT_INTERACTIVE,
                                       crypto_pwhash_argon2id_MEMLIMIT_INTERACTIVE);
}

static int
s_write_config (const char *path)
{
    FILE *file = fopen (path, "w");
    if (!file)
        return -1;
    fprintf (file, "#   vedette-meshd configuration (ZPL, see vedette.conf(5)).\n"
                   "#   Every key with its default; uncomment to change.\n");
    char section [64] = "";
    for (int i = 0; meshd_config_keys [i].path; i++) {
        const vd_config_key_t *key = &meshd_config_keys [i];
        const char *slash = strchr (key->path, '/');
        int length = (int) (slash - key->path);
        if ((int) strlen (section) != length || strncmp (section, key->path, (size_t) length)) {
            snprintf (section, sizeof section, "%.*s", length, key->path);
            fprintf (file, "#%s\n", section);
        }
        fprintf (file, "#    %s = \"%s\"\t# %s\n", slash + 1, key->def, key->help);
    }
    return fclose (file);
}

int
meshd_init (const char *dir, const char *password, bool force)
{
    char path [4096];
    if (vd_mkdir_p (dir, 0700)) {
        fprintf (stderr, "vedette-meshd: %s: cannot create: %s\n", dir, strerror (errno));
        return -1;
    }
    snprintf (path, sizeof path, "%s/meshd.db", dir);
    if (zsys_file_exists (path) && !force) {
        fprintf (stderr, "vedette-meshd: %s already exists (use --force to start over)\n", path);
        return -1;
    }
    if (force) {
        const char *old [] = { "meshd.db", "meshd.db-wal", "meshd.db-shm", NULL };
        for (int i = 0; old [i]; i++) {
            snprintf (path, sizeof path, "%s/%s", dir, old [i]);
            unlink (path);
        }
    }
    //  CURVE keypair: the public key goes into every enrollment token
    zcert_t *cert = zcert_new ();
    zcert_set_meta (cert, "name", "vedette-meshd");
    snprintf (path, sizeof path, "%s/meshd.cert", dir);
    if (zcert_save (cert, path)) {
        fprintf (stderr, "vedette-meshd: %s: cannot write keys\n", path);
        zcert_destroy (&cert);
        return -1;
    }
    snprintf (path, sizeof path, "%s/meshd.cert_secret", dir);
    chmod (path, 0600);
    zcert_destroy (&cert);

    //  the SSH host key of the console's server
    if (meshd_ssh_make_host_key (dir)) {
        fprintf (stderr, "vedette-meshd: %s: cannot write the SSH host key\n", dir);
        return -1;
    }

    //  master key: seals credentials at rest (secretbox)
    unsigned char key [crypto_secretbox_KEYBYTES];
    crypto_secretbox_keygen (key);
    snprintf (path, sizeof path, "%s/master.key", dir);
    int rc = vd_file_write_atomic (path, key, sizeof key, 0600);
    sodium_memzero (key, sizeof key);
    if (rc) {
        fprintf (stderr, "vedette-meshd: %s: cannot write\n", path);
        return -1;
    }
    snprintf (path, sizeof path, "%s/meshd.cfg", dir);
    if (!zsys_file_exists (path) && s_write_config (path)) {
        fprintf (stderr, "vedette-meshd: %s: cannot write\n", path);
        return -1;
    }
    //  database and the first user
    snprintf (path, sizeof path, "%s/meshd.db", dir);
    sqlite3 *db = vd_db_open (path, false);
    if (!db || vd_db_migrate (db, vd_migrations)) {
        vd_db_close (&db);
        fprintf (stderr, "vedette-meshd: %s: cannot create the database\n", path);
        return -1;
    }
    chmod (path, 0600);
    char generated [32] = "";
    if (!password) {
        unsigned char random [12];
        randombytes_buf (random, sizeof random);
        sodium_bin2base64 (generated, sizeof generated, random, sizeof random,
                           sodium_base64_VARIANT_URLSAFE_NO_PADDING);
        password = generated;
    }
    char hash [crypto_pwhash_STRBYTES];
    rc = -1;
    if (strlen (password) < 8)
        fprintf (stderr, "vedette-meshd: the admin password must have at least 8 characters\n");
    else
    if (meshd_password_hash (password, hash))
        fprintf (stderr, "vedette-meshd: out of memory hashing the password\n");
    else {
        sqlite3_stmt *stmt = vd_db_prepare (db,
            "INSERT INTO user (name, role, pw_hash, created_us) VALUES ('admin', 'admin', ?, ?)");
        sqlite3_bind_text (stmt, 1, hash, -1, SQLITE_STATIC);
        sqlite3_bind_int64 (stmt, 2, vd_now_us ());
        if (sqlite3_step (stmt) == SQLITE_DONE)
            rc = 0;
        else
            fprintf (stderr, "vedette-meshd: cannot add the admin user: %s\n", sqlite3_errmsg (db));
        sqlite3_finalize (stmt);
    }
    vd_db_close (&db);
    if (rc == 0) {
        printf ("vedette-meshd: initialised %s\n", dir);
        if (*generated)
            printf ("admin password (shown once): %s\n", generated);
    }
    sodium_memzero (generated, sizeof generated);
    return rc;
}

char *
meshd_api_endpoint (meshd_t *meshd)
{
    const char *endpoint = vd_config_str (meshd->config, "api/endpoint");
    if (*endpoint)
        return strdup (endpoint);
    return zsys_sprintf ("ipc://%s/api.sock", meshd->dir);
}

char *
meshd_dialable (const char *bind)
{
    if (!bind || !*bind)
        return strdup ("");
    const char *colon = strrchr (bind, ':');
    const char *host = strstr (bind, "://");
    host = host? host + 3: bind;
    size_t length = colon && colon > host? (size_t) (colon - host): strlen (host);
    if ((length == 1 && *host == '*') || (length == 7 && strncmp (host, "0.0.0.0", 7) == 0)) {
        char name [256] = "localhost";
        gethostname (name, sizeof name - 1);
        return zsys_sprintf ("tcp://%s%s", name, colon? colon: "");
    }
    return strdup (bind);
}

char *
meshd_ssh_host_key (const char *dir)
{
    return zsys_sprintf ("%s/ssh_host_ed25519_key", dir);
}

int
meshd_ssh_make_host_key (const char *dir)
{
    char *path = meshd_ssh_host_key (dir);
    int rc = 0;
    if (!zsys_file_exists (path)) {
        ssh_key key = NULL;
        rc = ssh_pki_generate (SSH_KEYTYPE_ED25519, 0, &key) == SSH_OK
          && ssh_pki_export_privkey_file (key, NULL, NULL, NULL, path) == SSH_OK? 0: -1;
        if (rc == 0)
            chmod (path, 0600);
        ssh_key_free (key);
    }
    free (path);
    return rc;
}
