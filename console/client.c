/*  console/client.c: the API client. A DEALER to meshd's API endpoint; one
    request, one reply, a deadline. The session (endpoint, user, token) is
    kept in $XDG_CONFIG_HOME/vedette/session.json, mode 0600.

    On a tcp endpoint the client speaks CURVE with a client key made by
    `vedette apikey add` (a ZeroMQ secret certificate whose metadata holds
    server-key, endpoint and events), named by --key or $VEDETTE_KEY. The
    key stands for its user: no login is needed.                          */
#include "console.h"
#include <sys/stat.h>
#include <unistd.h>

#define CLIENT_TIMEOUT_MS   10000
#define DEFAULT_ENDPOINT    "ipc://" LOCALSTATEDIR "/lib/vedette/api.sock"

struct _client_t {
    char *endpoint;
    char *token;
    zcert_t *key;               //  client key for tcp, or NULL
    char *key_path;
    zsock_t *dealer;
    int64_t next_id;
    int timeout_ms;             //  for a reply
    bool quiet;                 //  errors kept for client_error, not printed
    char error [256];
};

//  An error: printed on stderr, or kept for client_error when quiet
static void
s_say (client_t *self, const char *format, ...)
{
    va_list args;
    va_start (args, format);
    vsnprintf (self->error, sizeof self->error, format, args);
    va_end (args);
    if (!self->quiet)
        fprintf (stderr, "vedette: %s\n", self->error);
}

void client_set_quiet (client_t *self, bool quiet) { self->quiet = quiet; }
void client_set_timeout (client_t *self, int ms) { self->timeout_ms = ms; }
const char *client_error (client_t *self) { return self->error; }
const char *client_token (client_t *self) { return self->token; }

static char *
s_session_path (bool make_dir)
{
    const char *base = getenv ("XDG_CONFIG_HOME");
    char *dir = base && *base? zsys_sprintf ("%s/vedette", base)
                             : zsys_sprintf ("%s/.config/vedette", getenv ("HOME")? getenv ("HOME"): "/tmp");
    if (make_dir)
        vd_mkdir_p (dir, 0700);
    char *path = zsys_sprintf ("%s/session.json", dir);
    free (dir);
    return path;
}

client_t *
client_new (const char *endpoint)
{
    client_t *self = (client_t *) zmalloc (sizeof (client_t));
    self->timeout_ms = CLIENT_TIMEOUT_MS;
    char *path = s_session_path (false);
    json_t *session = json_load_file (path, 0, NULL);
    free (path);
    const char *saved = json_string_value (json_object_get (session, "endpoint"));
    const char *env = getenv ("VEDETTE_ENDPOINT");
    const char *key_path = getenv ("VEDETTE_KEY");
    if (key_path && *key_path) {
        self->key_path = strdup (key_path);
        self->key = zcert_load (key_path);
    }
    const char *key_endpoint = self->key? zcert_meta (self->key, "endpoint"): NULL;
    self->endpoint = strdup (endpoint? endpoint: env && *env? env
                           : key_endpoint && *key_endpoint? key_endpoint
                           : saved? saved: DEFAULT_ENDPOINT);
    const char *token = getenv ("VEDETTE_TOKEN");
    if (!token || !*token) {
        //  a saved token is only good for the endpoint it was issued by
        token = json_string_value (json_object_get (session, "token"));
        if (saved && !streq (saved, self->endpoint))
            token = NULL;
    }
    self->token = token? strdup (token): NULL;
    json_decref (session);
    return self;
}

void
client_destroy (client_t **self_p)
{
    if (self_p && *self_p) {
        client_t *self = *self_p;
        zsock_destroy (&self->dealer);
        if (self->token)
            sodium_memzero (self->token, strlen (self->token));
        free (self->token);
        free (self->endpoint);
        free (self->key_path);
        zcert_destroy (&self->key);
        free (self);
        *self_p = NULL;
    }
}

const char *client_endpoint (client_t *self) { return self->endpoint; }

//  Applies the client key and meshd's public key to a socket for tcp; 0, or
//  -1 with a message
static int
s_curve (client_t *self, zsock_t *sock)
{
    if (!self->key) {
        if (self->key_path)
            s_say (self, "%s: not a readable client key", self->key_path);
        else
            s_say (self, "tcp endpoints need a client key: --key FILE or VEDETTE_KEY "
                             "(made by vedette apikey add)");
        return -1;
    }
    const char *server = zcert_meta (self->key, "server-key");
    if (!server || strlen (server) != 40) {
        s_say (self, "%s: no server-key in the client key", self->key_path);
        return -1;
    }
    zcert_apply (self->key, zsock_resolve (sock));
    zsock_set_curve_serverkey (sock, server);
    return 0;
}

zsock_t *
client_subscribe (client_t *self, const char *endpoint)
{
    zsock_t *sub = zsock_new (ZMQ_SUB);
    zsock_set_linger (sub, 0);
    if (strncmp (endpoint, "tcp://", 6) == 0 && s_curve (self, sub)) {
        zsock_destroy (&sub);
        return NULL;
    }
    if (zsock_connect (sub, "%s", endpoint)) {
        s_say (self, "%s: not a valid endpoint", endpoint);
        zsock_destroy (&sub);
    }
    return sub;
}

const char *
client_events_endpoint (client_t *self)
{
    return self->key? zcert_meta (self->key, "events"): NULL;
}

json_t *
client_call (client_t *self, const char *op, json_t *args, int *code)
{
    *code = EXIT_OK;
    if (strncmp (self->endpoint, "ipc://", 6) == 0 && !zsys_file_exists (self->endpoint + 6)) {
        s_say (self, "meshd is not running at %s (set VEDETTE_ENDPOINT)", self->endpoint);
        json_decref (args);
        *code = EXIT_UNREACHABLE;
        return NULL;
    }
    if (!self->dealer) {
        self->dealer = zsock_new (ZMQ_DEALER);
        zsock_set_linger (self->dealer, 0);
        zsock_set_sndtimeo (self->dealer, CLIENT_TIMEOUT_MS);
        if (strncmp (self->endpoint, "tcp://", 6) == 0 && s_curve (self, self->dealer)) {
            zsock_destroy (&self->dealer);
            json_decref (args);
            *code = EXIT_USAGE;
            return NULL;
        }
        if (zsock_connect (self->dealer, "%s", self->endpoint)) {
            s_say (self, "%s: not a valid endpoint", self->endpoint);
            json_decref (args);
            *code = EXIT_USAGE;
            return NULL;
        }
    }
    json_t *request = json_pack ("{s:s, s:I, s:o}", "op", op, "id", (json_int_t) ++self->next_id,
                                 "args", args? args: json_object ());
    //  a key stands for its user; a token of a session on ipc is not sent
    if (self->token && !(self->key && strncmp (self->endpoint, "tcp://", 6) == 0))
        json_object_set_new (request, "token", json_string (self->token));
    char *text = json_dumps (request, JSON_COMPACT);
    json_decref (request);
    int rc = zstr_send (self->dealer, text);
    vd_secret_free (&text);
    zpoller_t *poller = zpoller_new (self->dealer, NULL);
    bool ready = rc == 0 && zpoller_wait (poller, self->timeout_ms) != NULL;
    zpoller_destroy (&poller);
    if (!ready) {
        s_say (self, "no answer from meshd at %s within %d s", self->endpoint,
                 self->timeout_ms / 1000);
        *code = EXIT_UNREACHABLE;
        zsock_destroy (&self->dealer);     //  a late reply is not taken for the next one
        return NULL;
    }
    char *answer = zstr_recv (self->dealer);
    json_error_t error;
    json_t *reply = answer? json_loads (answer, 0, &error): NULL;
    free (answer);
    if (!json_is_object (reply)) {
        s_say (self, "meshd sent something that is not a reply");
        json_decref (reply);
        *code = EXIT_FAILED;
        return NULL;
    }
    json_t *result = json_object_get (reply, "result");
    if (result) {
        json_incref (result);
        json_decref (reply);
        return result;
    }
    json_t *fault = json_object_get (reply, "error");
    const char *fault_code = json_string_value (json_object_get (fault, "code"));
    const char *message = json_string_value (json_object_get (fault, "message"));
    s_say (self, "%s: %s", op, message? message: "failed");
    if (fault_code && (streq (fault_code, "unauthorized") || streq (fault_code, "forbidden")))
        *code = EXIT_DENIED;
    else
    if (fault_code && (streq (fault_code, "invalid") || streq (fault_code, "bad_request")))
        *code = EXIT_USAGE;
    else
    if (fault_code && streq (fault_code, "unavailable"))
        *code = EXIT_UNREACHABLE;
    else
        *code = EXIT_FAILED;
    json_decref (reply);
    return NULL;
}

int
client_save_session (client_t *self, const char *user, const char *token, int64_t expires_us)
{
    char *path = s_session_path (true);
    json_t *session = json_pack ("{s:s, s:s, s:s, s:I}", "endpoint", self->endpoint, "user", user,
                                 "token", token, "expires_us", (json_int_t) expires_us);
    char *text = json_dumps (session, JSON_INDENT (2));
    json_decref (session);
    int rc = vd_file_write_atomic (path, text, strlen (text), 0600);
    vd_secret_free (&text);
    if (rc)
        fprintf (stderr, "vedette: %s: cannot save the session\n", path);
    free (path);
    return rc;
}

void
client_forget_session (void)
{
    char *path = s_session_path (false);
    unlink (path);
    free (path);
}
