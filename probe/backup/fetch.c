/*  probe/backup/fetch.c: one backup over SSH (libssh, blocking, in a
    thread of its own), with a deadline for each step:

        jump host   optionally first: logged into like a device (its own
                    pinned key and credential), then a direct-tcpip
                    channel to the device that a thread pumps to a socket
                    pair the device's session runs over (ssh -J)
        connect     TCP and SSH handshake (job connect_ms)
        host key    its SHA256 fingerprint against the one meshd pinned; a
                    different one ends it before any secret is sent
        auth        public key, password, keyboard-interactive
        shell mode  a pty and a shell, driven by expect.c; no output for
                    prompt_ms while a prompt is awaited fails as no_prompt
        exec mode   each fetch command on its own channel; a non-zero exit
                    status fails as command
        total       everything within total_ms, else timeout

    The job (JSON, holds secrets): device, address, port, user, password,
    key, enable, model (its text), hostkey, connect_ms, prompt_ms, total_ms,
    max_bytes, jump ({address, port, hostkey, user, password, key}, or
    absent), and what is passed through (trigger, who, requested, id).
    With test true (a live credential test) it ends once logged in: at the
    privileged prompt in shell mode, after authentication in exec mode.
    The result: the job's device, trigger, who and requested, with status
    ok or failed, reason, error, hostkey, jump_hostkey, time_ms, and when ok the cleaned
    configuration's size, lines, hash (SHA-256, hex) and config (zlib,
    base64).                                                             */
#include "backup/backup.h"
#include <libssh/libssh.h>
#include <poll.h>
#include <sys/socket.h>
#include <zlib.h>

#define QUIET_MS    150         //  no output this long: the device is quiet

typedef struct {
    zsock_t *pipe;
    json_t *job;
    vd_backup_model_t *model;
    ssh_session session;
    ssh_channel channel;
    int64_t started, deadline;  //  mono ms
    int64_t prompt_ms;
    size_t max;
    const char *reason;
    char error [256];
    char hostkey [128];
    ssh_session jump;           //  the jump host, if there is one
    ssh_channel tunnel;         //  its direct-tcpip channel to the device
    zactor_t *pump;             //  moves the tunnel's bytes to and from pump_fd
    int pump_fd;
    char jump_hostkey [128];
    bool stop;                  //  $TERM from the actor
    bool test;                  //  a credential test: done once logged in
} fetch_t;

static int
s_fail (fetch_t *self, const char *reason, const char *format, ...)
{
    if (self->reason)
        return -1;
    va_list args;
    va_start (args, format);
    vsnprintf (self->error, sizeof self->error, format, args);
    va_end (args);
    self->reason = reason;
    return -1;
}

static const char *
s_str (fetch_t *self, const char *name)
{
    return json_string_value (json_object_get (self->job, name));
}

static int64_t
s_int (fetch_t *self, const char *name, int64_t otherwise)
{
    json_t *value = json_object_get (self->job, name);
    return json_is_integer (value) && json_integer_value (value) > 0? json_integer_value (value): otherwise;
}

//  The actor said stop (meshd's probe is going down)
static bool
s_stopped (fetch_t *self)
{
    if (!self->stop && zsock_events (self->pipe) & ZMQ_POLLIN) {
        char *command = zstr_recv (self->pipe);
        self->stop = !command || streq (command, "$TERM");
        zstr_free (&command);
    }
    return self->stop;
}

//  A session to address:port as user, over fd when it is not -1 (the
//  session owns it then)
static ssh_session
s_session (fetch_t *self, const char *address, int port, const char *user, int fd)
{
    long timeout_us = (long) s_int (self, "connect_ms", 10000) * 1000;
    bool no = false;
    ssh_session session = ssh_new ();
    if (!session) {
        if (fd >= 0)
            close (fd);
        return NULL;
    }
    ssh_options_set (session, SSH_OPTIONS_HOST, address);
    ssh_options_set (session, SSH_OPTIONS_PORT, &port);
    ssh_options_set (session, SSH_OPTIONS_USER, user);
    ssh_options_set (session, SSH_OPTIONS_TIMEOUT_USEC, &timeout_us);
    ssh_options_set (session, SSH_OPTIONS_PROCESS_CONFIG, &no);
    ssh_options_set (session, SSH_OPTIONS_KNOWNHOSTS, "/dev/null");
    ssh_options_set (session, SSH_OPTIONS_GLOBAL_KNOWNHOSTS, "/dev/null");
    if (fd >= 0) {
        socket_t socket = fd;
        ssh_options_set (session, SSH_OPTIONS_FD, &socket);
    }
    return session;
}

//  The SSH handshake, and the host key (its SHA256 fingerprint into
//  hostkey) against the one pinned. what: "" for the device, else how
//  errors begin ("jump host HOST port PORT: ")
static int
s_handshake (fetch_t *self, ssh_session session, const char *what, const char *pinned, char *hostkey, size_t size)
{
    if (ssh_connect (session) != SSH_OK) {
        char *host = NULL;
        unsigned int port = 0;
        ssh_options_get (session, SSH_OPTIONS_HOST, &host);
        ssh_options_get_port (session, &port);
        s_fail (self, "connect", "%s%s port %u: %s", what, *what? "": host? host: "", port,
                ssh_get_error (session));
        ssh_string_free_char (host);
        return -1;
    }
    ssh_key key = NULL;
    unsigned char *hash = NULL;
    size_t length = 0;
    char *fingerprint = NULL;
    if (ssh_get_server_publickey (session, &key) == SSH_OK
    &&  ssh_get_publickey_hash (key, SSH_PUBLICKEY_HASH_SHA256, &hash, &length) == 0)
        fingerprint = ssh_get_fingerprint_hash (SSH_PUBLICKEY_HASH_SHA256, hash, length);
    ssh_clean_pubkey_hash (&hash);
    ssh_key_free (key);
    if (!fingerprint)
        return s_fail (self, "connect", "%sno host key", what);
    snprintf (hostkey, size, "%s", fingerprint);
    ssh_string_free_char (fingerprint);
    if (pinned && *pinned && !streq (pinned, hostkey))
        return s_fail (self, "hostkey", "%sthe host key changed: %s, pinned %s (vedette backup accept)",
                       what, hostkey, pinned);
    return 0;
}

static int
s_kbdint (ssh_session session, const char *password)
{
    int rc;
    int rounds = 0;
    while ((rc = ssh_userauth_kbdint (session, NULL, NULL)) == SSH_AUTH_INFO && rounds++ < 5) {
        int prompts = ssh_userauth_kbdint_getnprompts (session);
        for (int i = 0; i < prompts; i++)
            ssh_userauth_kbdint_setanswer (session, (unsigned) i, password);
    }
    return rc;
}

//  Logs in with the secrets of a credential (user, key, password)
static int
s_auth (fetch_t *self, ssh_session session, json_t *secrets, const char *what)
{
    const char *user = json_string_value (json_object_get (secrets, "user"));
    const char *password = json_string_value (json_object_get (secrets, "password"));
    const char *key_text = json_string_value (json_object_get (secrets, "key"));
    int rc = ssh_userauth_none (session, NULL);
    if (rc == SSH_AUTH_SUCCESS)
        return 0;
    if (rc == SSH_AUTH_ERROR)
        return s_fail (self, "connect", "%s%s", what, ssh_get_error (session));
    int methods = ssh_userauth_list (session, NULL);
    if (key_text && (methods & SSH_AUTH_METHOD_PUBLICKEY)) {
        ssh_key key = NULL;
        if (ssh_pki_import_privkey_base64 (key_text, NULL, NULL, NULL, &key) != SSH_OK)
            return s_fail (self, "auth", "%sthe credential's key cannot be read", what);
        rc = ssh_userauth_publickey (session, NULL, key);
        ssh_key_free (key);
        if (rc == SSH_AUTH_SUCCESS)
            return 0;
    }
    if (password && (methods & SSH_AUTH_METHOD_PASSWORD)) {
        rc = ssh_userauth_password (session, NULL, password);
        if (rc == SSH_AUTH_SUCCESS)
            return 0;
    }
    if (password && (methods & SSH_AUTH_METHOD_INTERACTIVE)) {
        rc = s_kbdint (session, password);
        if (rc == SSH_AUTH_SUCCESS)
            return 0;
    }
    if (rc == SSH_AUTH_ERROR)
        return s_fail (self, "connect", "%s%s", what, ssh_get_error (session));
    return s_fail (self, "auth", "%sauthentication refused for %s (%s offers%s%s%s)", what, user? user: "",
                  *what? "it": "the device",
                  methods & SSH_AUTH_METHOD_PUBLICKEY? " publickey": "",
                  methods & SSH_AUTH_METHOD_PASSWORD? " password": "",
                  methods & SSH_AUTH_METHOD_INTERACTIVE? " keyboard-interactive": "");
}

//  Writes all of size bytes to fd (a socket pair's end); 0 or -1
static int
s_write_all (int fd, const char *data, size_t size)
{
    while (size) {
        ssize_t sent = send (fd, data, size, MSG_NOSIGNAL);
        if (sent < 0 && errno == EINTR)
            continue;
        if (sent <= 0)
            return -1;
        data += sent;
        size -= (size_t) sent;
    }
    return 0;
}

//  The jump host's channel to the device, pumped to and from one end of a
//  socket pair until it closes or $TERM; then that end is closed, so the
//  device's session sees the end at once. A loop of its own rather than
//  libssh's connectors: 0.10's can leave bytes in the channel's buffer
//  unannounced (a channel callback fires only when new data comes), and a
//  backup then waited for a prompt that had already arrived.
static void
s_pump (zsock_t *pipe, void *args)
{
    fetch_t *self = (fetch_t *) args;
    zsock_signal (pipe, 0);
    char buffer [16384];
    bool open = true;
    bool terminated = false;
    while (open && !terminated) {
        if (zsock_events (pipe) & ZMQ_POLLIN) {
            char *command = zstr_recv (pipe);
            terminated = !command || streq (command, "$TERM");
            zstr_free (&command);
        }
        //  from the device: all that libssh holds or can read now
        int got;
        bool written = true;
        while (written && (got = ssh_channel_read_nonblocking (self->tunnel, buffer, sizeof buffer, 0)) > 0)
            written = s_write_all (self->pump_fd, buffer, (size_t) got) == 0;
        open = written && got >= 0 && ssh_channel_is_open (self->tunnel) && !ssh_channel_is_eof (self->tunnel);
        //  to the device: what the session over the socket pair wrote
        ssize_t put = recv (self->pump_fd, buffer, sizeof buffer, MSG_DONTWAIT);
        if (put > 0)
            open = open && ssh_channel_write (self->tunnel, buffer, (uint32_t) put) == put;
        else
        if (put == 0 || (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR))
            open = false;
        if (open && put <= 0) {
            struct pollfd ready [2] = {
                { .fd = ssh_get_fd (self->jump), .events = POLLIN },
                { .fd = self->pump_fd, .events = POLLIN }
            };
            poll (ready, 2, 100);
        }
    }
    close (self->pump_fd);
    while (!terminated) {
        char *command = zstr_recv (pipe);
        terminated = !command || streq (command, "$TERM");
        zstr_free (&command);
    }
}

//  Through a jump host: logged into it with its credential, a
//  direct-tcpip channel to the device (what ssh -J does), and *fd the end
//  of a socket pair the device's session runs over
static int
s_through (fetch_t *self, json_t *jump, const char *address, int port, int *fd)
{
    const char *host = json_string_value (json_object_get (jump, "address"));
    const char *user = json_string_value (json_object_get (jump, "user"));
    int jump_port = json_is_integer (json_object_get (jump, "port"))
                  ? (int) json_integer_value (json_object_get (jump, "port")): 22;
    if (!host || !user)
        return s_fail (self, "error", "a jump host without address or credential");
    char what [300];
    snprintf (what, sizeof what, "jump host %s port %d: ", host, jump_port);
    self->jump = s_session (self, host, jump_port, user, -1);
    if (!self->jump)
        return s_fail (self, "error", "%sno session", what);
    if (s_handshake (self, self->jump, what, json_string_value (json_object_get (jump, "hostkey")),
                     self->jump_hostkey, sizeof self->jump_hostkey)
    ||  s_auth (self, self->jump, jump, what))
        return -1;
    self->tunnel = ssh_channel_new (self->jump);
    if (!self->tunnel || ssh_channel_open_forward (self->tunnel, address, port, "127.0.0.1", 0) != SSH_OK)
        return s_fail (self, "connect", "%s%s port %d cannot be reached: %s", what, address, port,
                       ssh_get_error (self->jump));
    int pair [2];
    if (socketpair (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pair))
        return s_fail (self, "error", "socketpair: %s", strerror (errno));
    self->pump_fd = pair [1];
    self->pump = zactor_new (s_pump, self);
    if (!self->pump) {
        close (pair [0]);
        close (pair [1]);
        return s_fail (self, "error", "no thread for the jump host");
    }
    *fd = pair [0];
    return 0;
}

static int
s_connect (fetch_t *self)
{
    const char *address = s_str (self, "address");
    const char *user = s_str (self, "user");
    int port = (int) s_int (self, "port", 22);
    if (!address || !user)
        return s_fail (self, "error", "a job without address or user");
    json_t *jump = json_object_get (self->job, "jump");
    int fd = -1;
    if (jump && s_through (self, jump, address, port, &fd))
        return -1;
    self->session = s_session (self, address, port, user, fd);
    if (!self->session)
        return s_fail (self, "error", "no session");
    if (s_handshake (self, self->session, "", s_str (self, "hostkey"), self->hostkey, sizeof self->hostkey)
    ||  s_auth (self, self->session, self->job, ""))
        return -1;
    return 0;
}

//  Reads what comes within wait_ms (capped by the deadline): bytes, 0 if
//  nothing came, -1 (failed) at the end of the channel, an error, the
//  deadline or a stop
static int
s_read (fetch_t *self, char *buffer, size_t size, int wait_ms)
{
    int64_t left = self->deadline - vd_mono_ms ();
    if (left <= 0)
        return s_fail (self, "timeout", "not done in %lld ms", (long long) (self->deadline - self->started));
    if (s_stopped (self))
        return s_fail (self, "stopped", "the probe is stopping");
    int rc = ssh_channel_read_timeout (self->channel, buffer, (uint32_t) size, 0,
                                       wait_ms < left? wait_ms: (int) left);
    if (rc == SSH_ERROR)
        return s_fail (self, "closed", "%s", ssh_get_error (self->session));
    if (rc == 0 && ssh_channel_is_eof (self->channel))
        return s_fail (self, "closed", "the device closed the session");
    return rc;
}

static int
s_write (fetch_t *self, const char *text)
{
    size_t length = strlen (text);
    if (length && ssh_channel_write (self->channel, text, (uint32_t) length) != (int) length)
        return s_fail (self, "closed", "cannot send: %s", ssh_get_error (self->session));
    return 0;
}

//  Shell mode: a pty, a shell, and the state machine. *output (caller
//  frees) is what the fetch commands printed.
static int
s_shell (fetch_t *self, char **output, size_t *size)
{
    self->channel = ssh_channel_new (self->session);
    if (!self->channel || ssh_channel_open_session (self->channel) != SSH_OK
    ||  ssh_channel_request_pty_size (self->channel, "vt100", 511, 24) != SSH_OK
    ||  ssh_channel_request_shell (self->channel) != SSH_OK)
        return s_fail (self, "connect", "no shell: %s", ssh_get_error (self->session));
    expect_t *expect = expect_new (self->model, self->max);
    char buffer [16384];
    int64_t heard = vd_mono_ms ();
    int rc = -1;
    while (true) {
        int got = s_read (self, buffer, sizeof buffer, QUIET_MS);
        if (got < 0)
            break;
        if (got > 0)
            heard = vd_mono_ms ();
        else
        if (vd_mono_ms () - heard > self->prompt_ms) {
            s_fail (self, "no_prompt", "no prompt for %lld ms while in %s", (long long) self->prompt_ms,
                    expect_stage (expect));
            break;
        }
        expect_step_t step = expect_feed (expect, buffer, (size_t) got);
        //  a test ends at the privileged prompt: the credential works
        if (self->test && (step == EXPECT_SEND || step == EXPECT_DONE)
        &&  (streq (expect_stage (expect), "setup") || streq (expect_stage (expect), "fetch")
             || streq (expect_stage (expect), "done"))) {
            rc = 0;
            break;
        }
        if (step == EXPECT_SEND)
            s_write (self, expect_text (expect));
        else
        if (step == EXPECT_SEND_SECRET) {
            const char *enable = s_str (self, "enable");
            if (!enable) {
                s_fail (self, "enable", "the device asks for an enable secret; the credential has none");
                break;
            }
            s_write (self, enable);
            s_write (self, "\n");
        }
        else
        if (step == EXPECT_FAIL) {
            s_fail (self, expect_reason (expect), "%s", expect_error (expect));
            break;
        }
        else
        if (step == EXPECT_DONE) {
            const char *data = expect_output (expect, size);
            *output = (char *) malloc (*size + 1);
            memcpy (*output, data, *size);
            (*output) [*size] = 0;
            s_write (self, expect_text (expect));
            rc = 0;
            break;
        }
        if (self->reason)
            break;
    }
    expect_destroy (&expect);
    return rc;
}

//  Exec mode: each command on a channel of its own, read to its end
static int
s_exec (fetch_t *self, char **output, size_t *size)
{
    zchunk_t *out = zchunk_new (NULL, 65536);
    char buffer [16384];
    for (int i = 0; i < self->model->command_count && !self->reason; i++) {
        const char *command = self->model->commands [i];
        self->channel = ssh_channel_new (self->session);
        if (!self->channel || ssh_channel_open_session (self->channel) != SSH_OK
        ||  ssh_channel_request_exec (self->channel, command) != SSH_OK) {
            s_fail (self, "connect", "cannot run %s: %s", command, ssh_get_error (self->session));
            break;
        }
        int64_t heard = vd_mono_ms ();
        char errors [160] = "";         //  the start of what it wrote to stderr
        size_t error_size = 0;
        while (!self->reason) {
            //  stderr is read too: the channel ends only once both are drained
            int got_error = ssh_channel_read_nonblocking (self->channel, buffer, sizeof buffer, 1);
            for (int c = 0; c < got_error && error_size < sizeof errors - 1; c++)
                if (buffer [c] >= 0x20 || buffer [c] == '\t' || buffer [c] == '\n')
                    errors [error_size++] = buffer [c] == '\n'? ' ': buffer [c];
            if (got_error > 0)
                heard = vd_mono_ms ();
            int got = s_read (self, buffer, sizeof buffer, QUIET_MS);
            if (got < 0 && streq (self->reason, "closed") && ssh_channel_is_eof (self->channel)) {
                self->reason = NULL;        //  the end of its output
                break;
            }
            if (got > 0) {
                if (zchunk_size (out) + (size_t) got > self->max)
                    s_fail (self, "too_large", "more than %zu bytes", self->max);
                zchunk_extend (out, buffer, (size_t) got);
                heard = vd_mono_ms ();
            }
            else
            if (got == 0 && vd_mono_ms () - heard > self->prompt_ms)
                s_fail (self, "no_prompt", "%s printed nothing for %lld ms", command, (long long) self->prompt_ms);
        }
        if (!self->reason) {
            int status = ssh_channel_get_exit_status (self->channel);
            if (status > 0)
                s_fail (self, "command", "%s exited with status %d%s%s", command, status,
                        *errors? ": ": "", errors);
        }
        ssh_channel_close (self->channel);
        ssh_channel_free (self->channel);
        self->channel = NULL;
    }
    if (!self->reason) {
        *size = zchunk_size (out);
        *output = (char *) malloc (*size + 1);
        memcpy (*output, zchunk_data (out), *size);
        (*output) [*size] = 0;
    }
    sodium_memzero (zchunk_data (out), zchunk_size (out));
    zchunk_destroy (&out);
    return self->reason? -1: 0;
}

//  The cleaned configuration into the result: size, lines, hash, config
static int
s_result_config (fetch_t *self, json_t *result, const char *text)
{
    size_t size = strlen (text);
    unsigned char digest [crypto_hash_sha256_BYTES];
    crypto_hash_sha256 (digest, (const unsigned char *) text, size);
    char hex [crypto_hash_sha256_BYTES * 2 + 1];
    sodium_bin2hex (hex, sizeof hex, digest, sizeof digest);
    uLongf packed_size = compressBound ((uLong) size);
    unsigned char *packed = (unsigned char *) malloc (packed_size);
    if (compress2 (packed, &packed_size, (const Bytef *) text, (uLong) size, 6) != Z_OK) {
        free (packed);
        return s_fail (self, "error", "cannot compress");
    }
    size_t encoded_size = sodium_base64_ENCODED_LEN (packed_size, sodium_base64_VARIANT_ORIGINAL);
    char *encoded = (char *) malloc (encoded_size);
    sodium_bin2base64 (encoded, encoded_size, packed, packed_size, sodium_base64_VARIANT_ORIGINAL);
    free (packed);
    int64_t lines = 0;
    for (const char *c = text; *c; c++)
        lines += *c == '\n';
    json_object_set_new (result, "size", json_integer ((json_int_t) size));
    json_object_set_new (result, "lines", json_integer (lines));
    json_object_set_new (result, "hash", json_string (hex));
    json_object_set_new (result, "config", json_string (encoded));
    free (encoded);
    return 0;
}

//  Closes a channel and its session, either of which may be NULL
static void
s_close (ssh_channel *channel, ssh_session *session)
{
    if (*channel) {
        ssh_channel_close (*channel);
        ssh_channel_free (*channel);
        *channel = NULL;
    }
    if (*session) {
        ssh_disconnect (*session);
        ssh_free (*session);
        *session = NULL;
    }
}

void
backup_fetch_actor (zsock_t *pipe, void *args)
{
    char *text = (char *) args;
    fetch_t self = { .pipe = pipe, .started = vd_mono_ms () };
    self.job = json_loads (text, 0, NULL);
    sodium_memzero (text, strlen (text));
    free (text);
    zsock_signal (pipe, 0);
    self.deadline = self.started + s_int (&self, "total_ms", 120000);
    self.prompt_ms = s_int (&self, "prompt_ms", 20000);
    self.max = (size_t) s_int (&self, "max_bytes", 4 * 1024 * 1024);
    self.test = json_is_true (json_object_get (self.job, "test"));
    char *error = NULL;
    const char *model_text = s_str (&self, "model");
    self.model = model_text? vd_backup_model_new (model_text, &error): NULL;
    char *output = NULL;
    size_t size = 0;
    if (!self.model)
        s_fail (&self, "model", "the model does not load: %s", error? error: "none given");
    else
    if (s_connect (&self) == 0 && !(self.test && self.model->exec)) {
        if (self.model->exec)
            s_exec (&self, &output, &size);
        else
            s_shell (&self, &output, &size);
    }
    free (error);
    json_t *result = json_pack ("{s:s, s:O?, s:I, s:O?, s:O?, s:O?}", "kind", "backup",
        "device", json_object_get (self.job, "device"), "ts_us", (json_int_t) vd_now_us (),
        "trigger", json_object_get (self.job, "trigger"), "who", json_object_get (self.job, "who"),
        "requested", json_object_get (self.job, "requested"));
    if (self.test)
        json_object_set (result, "id", json_object_get (self.job, "id"));
    char *config = NULL;
    const char *reason = NULL;
    if (output && !self.reason && !(config = backup_clean (self.model, output, size, &reason)))
        s_fail (&self, reason, "the output is not text (control bytes or invalid UTF-8)");
    if (config && !*config)
        s_fail (&self, "empty", "the fetch printed nothing");
    if (config && !self.reason)
        s_result_config (&self, result, config);
    json_object_set_new (result, "status", json_string (self.reason? "failed": "ok"));
    if (self.reason) {
        json_object_set_new (result, "reason", json_string (self.reason));
        json_object_set_new (result, "error", json_string (self.error));
    }
    if (*self.hostkey)
        json_object_set_new (result, "hostkey", json_string (self.hostkey));
    if (*self.jump_hostkey)
        json_object_set_new (result, "jump_hostkey", json_string (self.jump_hostkey));
    json_object_set_new (result, "time_ms", json_integer (vd_mono_ms () - self.started));
    if (output) {
        sodium_memzero (output, size);
        free (output);
    }
    if (config) {
        sodium_memzero (config, strlen (config));
        free (config);
    }
    //  the device's session, then the pump (it sees its end close), then
    //  the jump host's
    s_close (&self.channel, &self.session);
    zactor_destroy (&self.pump);
    s_close (&self.tunnel, &self.jump);
    vd_backup_model_destroy (&self.model);
    char *reply = json_dumps (result, JSON_COMPACT);
    json_decref (result);
    vd_json_wipe (self.job);    //  after the result, which shares some of its strings
    zstr_send (pipe, reply);
    free (reply);
    //  the actor destroys this one when it has the result
    while (!self.stop) {
        char *command = zstr_recv (pipe);
        self.stop = !command || streq (command, "$TERM");
        zstr_free (&command);
    }
}
