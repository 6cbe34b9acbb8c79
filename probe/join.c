/*  probe/join.c: `vedette-probe join TOKEN -d DIR`.

    1. decode the token, refuse it if expired;
    2. write probe.json (meshd's endpoint and key, our name and site) and
       make this probe's own keypair (probe.cert), unless one exists;
    3. connect with the token's keypair, send HELLO, get WELCOME {enroll},
       send ROTATE {our public key}, get ROTATED;
    4. connect with our own keypair and get a plain WELCOME.
    The token's secret key is never written to disk.                        */
#include "probe.h"
#include <sys/stat.h>

//  Sends a command on a fresh connection and waits for the answer
static vd_wire_t *
s_exchange (zsock_t *dealer, const char *command, json_t *header, int timeout_ms)
{
    vd_wire_send (zsock_resolve (dealer), NULL, command, header, NULL, 0);
    json_decref (header);
    zpoller_t *poller = zpoller_new (dealer, NULL);
    int64_t deadline = vd_mono_ms () + timeout_ms;
    vd_wire_t *wire = NULL;
    while (!wire) {
        int64_t left = deadline - vd_mono_ms ();
        if (left <= 0 || !zpoller_wait (poller, (int) left))
            break;
        zmsg_t *msg = zmsg_recv (dealer);
        const char *error;
        wire = vd_wire_decode (&msg, &error);
        if (wire && streq (wire->command, "CONFIG"))
            vd_wire_destroy (&wire);        //  the checks come again on start
    }
    zpoller_destroy (&poller);
    return wire;
}

static zsock_t *
s_dealer (const char *endpoint, const char *server_key, zcert_t *cert)
{
    zsock_t *dealer = zsock_new (ZMQ_DEALER);
    zcert_apply (cert, dealer);
    zsock_set_curve_serverkey (dealer, server_key);
    zsock_set_linger (dealer, 100);
    zsock_set_maxmsgsize (dealer, VD_WIRE_MAX_MESSAGE);
    if (zsock_connect (dealer, "%s", endpoint)) {
        zsock_destroy (&dealer);
        return NULL;
    }
    return dealer;
}

static bool
s_is (vd_wire_t *wire, const char *command)
{
    return wire && streq (wire->command, command);
}

static void
s_explain (vd_wire_t *wire, const char *endpoint, const char *step)
{
    if (wire && streq (wire->command, "ERROR"))
        fprintf (stderr, "vedette-probe: join: %s: meshd says: %s\n", step,
                 vd_wire_str (wire, "message")? vd_wire_str (wire, "message"): "?");
    else
        fprintf (stderr, "vedette-probe: join: %s: no answer from %s (unreachable, token "
                 "already used or expired, or a different meshd)\n", step, endpoint);
}

int
probe_join (const char *dir, const char *text, int timeout_ms)
{
    vd_token_t token;
    const char *error;
    if (vd_token_decode (text, &token, &error)) {
        fprintf (stderr, "vedette-probe: join: %s\n", error);
        return -1;
    }
    if (token.expires_us < vd_now_us ()) {
        fprintf (stderr, "vedette-probe: join: this token has expired; make a new one with "
                 "vedette probe enroll\n");
        vd_token_wipe (&token);
        return -1;
    }
    if (vd_mkdir_p (dir, 0700)) {
        fprintf (stderr, "vedette-probe: join: %s: cannot create\n", dir);
        vd_token_wipe (&token);
        return -1;
    }
    probe_t probe = { .dir = dir };
    int rc = -1;
    char *identity_path = probe_path (&probe, "probe.json");
    char *cert_path = probe_path (&probe, "probe.cert");
    zcert_t *own = zcert_load (cert_path);
    uint8_t public_key [32], secret_key [32];
    zcert_t *temporary = NULL;
    if (zmq_z85_decode (public_key, token.public_key) && zmq_z85_decode (secret_key, token.secret_key))
        temporary = zcert_new_from (public_key, secret_key);
    sodium_memzero (secret_key, sizeof secret_key);
    vd_token_wipe (&token);
    zsock_t *dealer = NULL;
    vd_wire_t *wire = NULL;
    json_t *identity = json_pack ("{s:s, s:s, s:s, s:s}", "endpoint", token.endpoint,
                                  "server_key", token.server_key, "name", token.name,
                                  "site", token.site);
    char *identity_text = json_dumps (identity, JSON_INDENT (2));
    json_decref (identity);
    if (!temporary) {
        fprintf (stderr, "vedette-probe: join: the token's keys are not valid\n");
        goto done;
    }
    if (!own) {
        own = zcert_new ();
        zcert_set_meta (own, "name", "%s", token.name);
        if (zcert_save (own, cert_path)) {
            fprintf (stderr, "vedette-probe: join: %s: cannot write\n", cert_path);
            goto done;
        }
        char *secret = zsys_sprintf ("%s_secret", cert_path);
        chmod (secret, 0600);
        free (secret);
    }
    if (vd_file_write_atomic (identity_path, identity_text, strlen (identity_text), 0600)) {
        fprintf (stderr, "vedette-probe: join: %s: cannot write\n", identity_path);
        goto done;
    }
    dealer = s_dealer (token.endpoint, token.server_key, temporary);
    if (!dealer) {
        fprintf (stderr, "vedette-probe: join: %s: not a valid endpoint\n", token.endpoint);
        goto done;
    }
    wire = s_exchange (dealer, "HELLO", json_pack ("{s:s, s:s}", "name", token.name,
                                                   "version", VD_VERSION), timeout_ms);
    if (!s_is (wire, "WELCOME") || !json_is_true (json_object_get (wire->header, "enroll"))) {
        s_explain (wire, token.endpoint, "hello");
        goto done;
    }
    vd_wire_destroy (&wire);
    wire = s_exchange (dealer, "ROTATE", json_pack ("{s:s}", "public_key", zcert_public_txt (own)),
                       timeout_ms);
    if (!s_is (wire, "ROTATED")) {
        s_explain (wire, token.endpoint, "key rotation");
        goto done;
    }
    vd_wire_destroy (&wire);
    zsock_destroy (&dealer);
    //  the token is spent; prove our own key works
    dealer = s_dealer (token.endpoint, token.server_key, own);
    wire = s_exchange (dealer, "HELLO", json_pack ("{s:s, s:s}", "name", token.name,
                                                   "version", VD_VERSION), timeout_ms);
    if (!s_is (wire, "WELCOME") || json_is_true (json_object_get (wire->header, "enroll"))) {
        s_explain (wire, token.endpoint, "first contact with our own key");
        goto done;
    }
    printf ("vedette-probe: joined %s as probe %s of site %s; start it with: vedette-probe -d %s\n",
            token.endpoint, token.name, token.site, dir);
    rc = 0;
done:
    vd_wire_destroy (&wire);
    zsock_destroy (&dealer);
    zcert_destroy (&temporary);
    zcert_destroy (&own);
    free (identity_text);
    free (identity_path);
    free (cert_path);
    return rc;
}
