/*  meshd/ssh/ssh.c: the ssh actor. An SSH server (libssh) that gives each user
    the console and nothing else: `ssh -p 2222 alice@coordinator`.

    The actor accepts connections; each one runs in a thread of its own,
    which does the key exchange, authenticates the user (their vedette
    password, argon2id, or an SSH key registered with `vedette user key
    add`), and then starts the console (`vedette console`) on a pty, bound
    to the user by a session token made for it and removed when it ends.
    Shell, exec and subsystem requests are refused: there is no other
    command. Window size changes pass through to the pty.

    Hardening, after OpenSSH's defaults: at most ssh/max_auth (6) failed
    attempts a connection; ssh/grace (30 s) to log in; at most
    ssh/max_startups (10) connections from one address not yet logged in;
    a source with ssh/penalty_failures (10) failures is refused for
    ssh/penalty (30 s), doubling while it goes on up to 10 minutes
    (OpenSSH's PerSourcePenalties cap); no "none" method; no RSA
    key under 2048 bits (MESHD_RSA_MIN_BITS); strict key exchange (libssh
    0.10.6 and later). Every login and every failure
    is written to the audit log.

    Connections not logged in yet, from all sources, are limited as
    OpenSSH's MaxStartups 10:30:100 limits them, with fairness between
    sources: past 10, a new connection from a source that already holds
    one is dropped with a probability rising from 30% to 100% at 100; a
    source that holds none is never dropped early, and at 100 it takes the
    place of the oldest connection of the source that holds the most. So
    idle connections from a few addresses cannot lock everyone out.
    At most HASHING_MAX passwords are checked at once (argon2id takes 64
    MiB and most of a core each): a storm of password guesses waits its
    turn instead of taking gigabytes.                                      */
#include "meshd.h"
#include <libssh/libssh.h>
#include <libssh/server.h>
#include <libssh/callbacks.h>
#include <pthread.h>
#include <pty.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <arpa/inet.h>
#include <unistd.h>
#include <signal.h>

#define PENALTY_SLOTS   1024
#define PENALTY_MAX_MS  (600 * 1000)    //  a penalty's cap, as OpenSSH's PerSourcePenalties
#define SSH_BACKLOG     128         //  the accept queue, as OpenSSH's
#define STARTUPS_START  10          //  not logged in, from all sources: early drop from here
#define STARTUPS_RATE   30          //  % dropped at STARTUPS_START, rising to 100
#define STARTUPS_TOTAL  100         //  ... at this many
#define HASHING_MAX     4           //  passwords checked at once: 256 MiB at most

typedef struct {
    char address [INET6_ADDRSTRLEN];
    int failures;
    int64_t until_ms;           //  refused until then
    int64_t length_ms;          //  of the last penalty
    int unauthenticated;        //  its connections not logged in yet
} source_t;

//  What the threads share with the actor, under the lock. A thread may
//  outlive the actor (and a reload's configuration): what it reads of the
//  configuration is copied here at start.
typedef struct {
    pthread_mutex_t lock;
    char *db_path;              //  meshd's database
    char *api;                  //  the API endpoint the console dials
    char *console;              //  the console program
    int64_t grace_ms, penalty_ms, lifetime_ms;
    int max_auth, max_startups, penalty_failures;
    int threads;                //  connections being served
    int unauthenticated;        //  of those, not logged in yet
    struct _conn_t *pending [2 * STARTUPS_TOTAL];  //  those connections
    int evicting;               //  of those, evicted and not yet gone
    volatile bool stop;
    source_t sources [PENALTY_SLOTS];
    uint64_t logins, failures, refused;
    vd_complaint_t refusals;    //  connections refused, logged throttled
    pthread_cond_t hashed;      //  a password check ended
    int hashing;                //  passwords being checked
    int hashing_most;           //  the most at once so far
} shared_t;

typedef struct _conn_t {
    shared_t *shared;
    ssh_session session;
    int64_t accepted_ms;        //  when it was accepted (mono)
    ssh_channel channel;
    struct ssh_server_callbacks_struct server_cb;
    struct ssh_channel_callbacks_struct channel_cb;
    sqlite3 *db;
    char address [INET6_ADDRSTRLEN];
    char user [64];
    int64_t user_id;
    bool authenticated, shell, closed;
    bool evicted;               //  made room for a source that had none
    int failures;
    char term [64];
    int cols, rows;
    int pty;                    //  master side, -1 before the console starts
    pid_t child;
} conn_t;

//  -- sources and their penalties --------------------------------------------------

static source_t *
s_source (shared_t *shared, const char *address, bool make)
{
    source_t *free_slot = NULL, *oldest = NULL;
    for (int i = 0; i < PENALTY_SLOTS; i++) {
        source_t *source = &shared->sources [i];
        if (streq (source->address, address))
            return source;
        if (!source->address [0] && !free_slot)
            free_slot = source;
        if (source->unauthenticated == 0 && (!oldest || source->until_ms < oldest->until_ms))
            oldest = source;
    }
    if (!make || !(free_slot || oldest))
        return NULL;
    source_t *slot = free_slot? free_slot: oldest;
    memset (slot, 0, sizeof *slot);
    snprintf (slot->address, sizeof slot->address, "%s", address);
    return slot;
}

static void
s_audit (conn_t *conn, const char *result, const char *method)
{
    if (!conn->db)
        return;
    char origin [80];
    snprintf (origin, sizeof origin, "ssh %s", conn->address);
    //  the user name came from the network: into JSON by jansson only
    json_t *object = json_pack ("{s:s, s:s, s:s}", "user", conn->user, "result", result, "method", method);
    char *detail = object? json_dumps (object, JSON_COMPACT): NULL;
    json_decref (object);
    if (!detail)
        return;
    sqlite3_stmt *stmt = vd_db_prepare (conn->db,
        "INSERT INTO audit (ts_us, user, origin, op, detail) VALUES (?, ?, ?, 'ssh.login', ?)");
    if (stmt) {
        sqlite3_bind_int64 (stmt, 1, vd_now_us ());
        sqlite3_bind_text (stmt, 2, conn->user, -1, SQLITE_STATIC);
        sqlite3_bind_text (stmt, 3, origin, -1, SQLITE_STATIC);
        sqlite3_bind_text (stmt, 4, detail, -1, SQLITE_STATIC);
        if (sqlite3_step (stmt) != SQLITE_DONE)
            zsys_error ("ssh: audit: %s", sqlite3_errmsg (conn->db));
    }
    sqlite3_finalize (stmt);
    free (detail);
}

//  A failed attempt: counted for the connection and its source
static int
s_failed (conn_t *conn, const char *method)
{
    shared_t *shared = conn->shared;
    conn->failures++;
    pthread_mutex_lock (&shared->lock);
    shared->failures++;
    source_t *source = s_source (shared, conn->address, true);
    if (++source->failures >= shared->penalty_failures) {
        int64_t now = vd_mono_ms ();
        source->length_ms = source->until_ms > now - source->length_ms * 2 && source->length_ms
                          ? source->length_ms * 2: shared->penalty_ms;
        if (source->length_ms > PENALTY_MAX_MS)
            source->length_ms = PENALTY_MAX_MS;
        source->until_ms = now + source->length_ms;
        source->failures = 0;
        zsys_notice ("ssh: %s refused for %lld s after repeated failures", conn->address,
                     (long long) (source->length_ms / 1000));
    }
    pthread_mutex_unlock (&shared->lock);
    zsys_notice ("ssh: failed %s login for '%.64s' from %s (%d of %d)", method, conn->user,
                 conn->address, conn->failures, shared->max_auth);
    s_audit (conn, "refused", method);
    if (conn->failures >= shared->max_auth)
        ssh_disconnect (conn->session);
    return SSH_AUTH_DENIED;
}

//  One connection fewer not logged in (under the lock)
static void
s_startup_done (conn_t *conn)
{
    shared_t *shared = conn->shared;
    for (int i = 0; i < shared->unauthenticated; i++)
        if (shared->pending [i] == conn) {
            if (conn->evicted)
                shared->evicting--;
            shared->pending [i] = shared->pending [--shared->unauthenticated];
            break;
        }
    source_t *source = s_source (shared, conn->address, false);
    if (source && source->unauthenticated > 0)
        source->unauthenticated--;
}

//  Makes room for a source holding no connection not logged in while all
//  STARTUPS_TOTAL are taken: ends the oldest connection of the source that
//  holds the most (under the lock). Its thread, blocked in the key exchange
//  or polling, sees its socket shut and ends; it leaves pending then.
static bool
s_evict (shared_t *shared)
{
    conn_t *victim = NULL;
    int most = 0;
    for (int i = 0; i < shared->unauthenticated; i++) {
        conn_t *conn = shared->pending [i];
        source_t *source = s_source (shared, conn->address, false);
        int held = source? source->unauthenticated: 0;
        if (conn->evicted || conn->failures >= shared->max_auth)
            continue;           //  going already (its socket may be closed)
        if (held > most || (held == most && victim && conn->accepted_ms < victim->accepted_ms)) {
            victim = conn;
            most = held;
        }
    }
    if (!victim || most < 2)
        return false;           //  one each: no source is unfair
    victim->evicted = true;
    shared->evicting++;
    shutdown (ssh_get_fd (victim->session), SHUT_RDWR);
    return true;
}

static int
s_succeeded (conn_t *conn, int64_t user_id, const char *method)
{
    conn->authenticated = true;
    conn->user_id = user_id;
    pthread_mutex_lock (&conn->shared->lock);
    s_startup_done (conn);
    conn->shared->logins++;
    pthread_mutex_unlock (&conn->shared->lock);
    zsys_notice ("ssh: %s logged in from %s (%s)", conn->user, conn->address, method);
    s_audit (conn, "ok", method);
    return SSH_AUTH_SUCCESS;
}

//  -- authentication -------------------------------------------------------------

//  The name a client logs in with, printable, for logs and the audit
static void
s_set_user (conn_t *conn, const char *user)
{
    bool truncated;
    char *clean = vd_utf8_clean (user, strlen (user), sizeof conn->user - 1, &truncated);
    snprintf (conn->user, sizeof conn->user, "%s", clean? clean: "");
    free (clean);
}

static int
s_auth_password (ssh_session session, const char *user, const char *password, void *userdata)
{
    conn_t *conn = (conn_t *) userdata;
    (void) session;
    s_set_user (conn, user);
    if (conn->authenticated || conn->failures >= conn->shared->max_auth)
        return SSH_AUTH_DENIED;
    sqlite3_stmt *stmt = vd_db_prepare (conn->db, "SELECT id, pw_hash FROM user WHERE name = ?");
    int64_t user_id = 0;
    bool good = false;
    if (stmt) {
        sqlite3_bind_text (stmt, 1, user, -1, SQLITE_STATIC);
        if (sqlite3_step (stmt) == SQLITE_ROW) {
            user_id = sqlite3_column_int64 (stmt, 0);
            const char *hash = (const char *) sqlite3_column_text (stmt, 1);
            shared_t *shared = conn->shared;
            pthread_mutex_lock (&shared->lock);
            while (shared->hashing >= HASHING_MAX && !shared->stop)
                pthread_cond_wait (&shared->hashed, &shared->lock);
            if (++shared->hashing > shared->hashing_most)
                shared->hashing_most = shared->hashing;
            pthread_mutex_unlock (&shared->lock);
            good = crypto_pwhash_str_verify (hash, password, strlen (password)) == 0;
            pthread_mutex_lock (&shared->lock);
            shared->hashing--;
            pthread_cond_signal (&shared->hashed);
            pthread_mutex_unlock (&shared->lock);
        }
    }
    sqlite3_finalize (stmt);
    return good? s_succeeded (conn, user_id, "password"): s_failed (conn, "password");
}

static int
s_auth_pubkey (ssh_session session, const char *user, struct ssh_key_struct *pubkey,
               char signature_state, void *userdata)
{
    conn_t *conn = (conn_t *) userdata;
    (void) session;
    s_set_user (conn, user);
    if (conn->authenticated || conn->failures >= conn->shared->max_auth)
        return SSH_AUTH_DENIED;
    char *blob = NULL;
    int64_t user_id = 0;
    //  an RSA key too small is refused with an answer (libssh's own
    //  SSH_BIND_OPTIONS_RSA_MIN_SIZE drops the request unanswered, and
    //  the client waits out its timeout)
    if (ssh_pki_export_pubkey_base64 (pubkey, &blob) == SSH_OK
    &&  (ssh_key_type (pubkey) != SSH_KEYTYPE_RSA || meshd_ssh_rsa_bits (blob) >= MESHD_RSA_MIN_BITS)) {
        sqlite3_stmt *stmt = vd_db_prepare (conn->db,
            "SELECT u.id FROM user_key k JOIN user u ON u.id = k.user_id "
            "WHERE u.name = ? AND k.type = ? AND k.key = ?");
        if (stmt) {
            sqlite3_bind_text (stmt, 1, user, -1, SQLITE_STATIC);
            sqlite3_bind_text (stmt, 2, ssh_key_type_to_char (ssh_key_type (pubkey)), -1, SQLITE_STATIC);
            sqlite3_bind_text (stmt, 3, blob, -1, SQLITE_STATIC);
            if (sqlite3_step (stmt) == SQLITE_ROW)
                user_id = sqlite3_column_int64 (stmt, 0);
        }
        sqlite3_finalize (stmt);
    }
    ssh_string_free_char (blob);
    if (!user_id)
        return s_failed (conn, "publickey");
    //  a known key: the client signs next, and the signature decides
    if (signature_state == SSH_PUBLICKEY_STATE_NONE)
        return SSH_AUTH_SUCCESS;
    if (signature_state != SSH_PUBLICKEY_STATE_VALID)
        return s_failed (conn, "publickey");
    return s_succeeded (conn, user_id, "publickey");
}

//  -- the channel --------------------------------------------------------------------

static int
s_pty_request (ssh_session session, ssh_channel channel, const char *term, int width, int height,
               int pxwidth, int pxheight, void *userdata)
{
    conn_t *conn = (conn_t *) userdata;
    (void) session; (void) channel; (void) pxwidth; (void) pxheight;
    //  the terminal's name goes into the console's environment: letters,
    //  digits and - only
    size_t i = 0;
    for (; term [i] && i + 1 < sizeof conn->term; i++)
        conn->term [i] = isalnum ((unsigned char) term [i]) || term [i] == '-'? term [i]: '_';
    conn->term [i] = 0;
    conn->cols = width > 0 && width < 1000? width: 80;
    conn->rows = height > 0 && height < 1000? height: 24;
    return SSH_OK;
}

static int
s_window_change (ssh_session session, ssh_channel channel, int width, int height,
                 int pxwidth, int pxheight, void *userdata)
{
    conn_t *conn = (conn_t *) userdata;
    (void) session; (void) channel; (void) pxwidth; (void) pxheight;
    conn->cols = width > 0 && width < 1000? width: conn->cols;
    conn->rows = height > 0 && height < 1000? height: conn->rows;
    if (conn->pty >= 0) {
        struct winsize size = { .ws_row = (unsigned short) conn->rows, .ws_col = (unsigned short) conn->cols };
        ioctl (conn->pty, TIOCSWINSZ, &size);
    }
    return SSH_OK;
}

static int
s_shell_request (ssh_session session, ssh_channel channel, void *userdata)
{
    conn_t *conn = (conn_t *) userdata;
    (void) session; (void) channel;
    if (conn->shell || !conn->term [0])
        return SSH_ERROR;       //  the console needs a terminal: ssh -t
    conn->shell = true;
    return SSH_OK;
}

static int
s_exec_request (ssh_session session, ssh_channel channel, const char *command, void *userdata)
{
    conn_t *conn = (conn_t *) userdata;
    (void) session; (void) channel;
    zsys_notice ("ssh: %s from %s: exec refused ('%.40s')", conn->user, conn->address, command);
    return SSH_ERROR;
}

static int
s_subsystem_request (ssh_session session, ssh_channel channel, const char *subsystem, void *userdata)
{
    conn_t *conn = (conn_t *) userdata;
    (void) session; (void) channel;
    zsys_notice ("ssh: %s from %s: subsystem %.40s refused", conn->user, conn->address, subsystem);
    return SSH_ERROR;
}

//  Keys from the client to the console
static int
s_channel_data (ssh_session session, ssh_channel channel, void *data, uint32_t len, int is_stderr,
                void *userdata)
{
    conn_t *conn = (conn_t *) userdata;
    (void) session; (void) channel; (void) is_stderr;
    if (conn->pty < 0)
        return 0;               //  kept by libssh until the console runs
    ssize_t written = write (conn->pty, data, len);
    return written > 0? (int) written: 0;
}

static void
s_channel_close (ssh_session session, ssh_channel channel, void *userdata)
{
    conn_t *conn = (conn_t *) userdata;
    (void) session; (void) channel;
    conn->closed = true;
}

static ssh_channel
s_channel_open (ssh_session session, void *userdata)
{
    conn_t *conn = (conn_t *) userdata;
    if (!conn->authenticated || conn->channel)
        return NULL;
    conn->channel = ssh_channel_new (session);
    ssh_callbacks_init (&conn->channel_cb);
    conn->channel_cb.userdata = conn;
    conn->channel_cb.channel_pty_request_function = s_pty_request;
    conn->channel_cb.channel_pty_window_change_function = s_window_change;
    conn->channel_cb.channel_shell_request_function = s_shell_request;
    conn->channel_cb.channel_exec_request_function = s_exec_request;
    conn->channel_cb.channel_subsystem_request_function = s_subsystem_request;
    conn->channel_cb.channel_data_function = s_channel_data;
    conn->channel_cb.channel_eof_function = s_channel_close;
    conn->channel_cb.channel_close_function = s_channel_close;
    ssh_set_channel_callbacks (conn->channel, &conn->channel_cb);
    return conn->channel;
}

//  -- the console ---------------------------------------------------------------------

//  Output of the console to the client
static int
s_pty_readable (socket_t fd, int revents, void *userdata)
{
    conn_t *conn = (conn_t *) userdata;
    if (revents & POLLIN) {
        char buf [16384];
        ssize_t n = read (fd, buf, sizeof buf);
        if (n > 0 && ssh_channel_write (conn->channel, buf, (uint32_t) n) != SSH_ERROR)
            return 0;
    }
    if (revents & (POLLHUP | POLLERR | POLLIN))
        conn->closed = true;    //  the console has ended
    return 0;
}

//  Starts the console for the user; 0, or -1
static int
s_console (conn_t *conn, char *token)
{
    shared_t *shared = conn->shared;
    const char *api = shared->api;
    char *env [] = {
        zsys_sprintf ("TERM=%s", conn->term),
        zsys_sprintf ("VEDETTE_ENDPOINT=%s", api),
        zsys_sprintf ("VEDETTE_TOKEN=%s", token),
        strdup ("LANG=C.UTF-8"),
        strdup ("XDG_CONFIG_HOME=/nonexistent"),
        strdup ("HOME=/nonexistent"),
        strdup ("PATH=/usr/bin:/bin"),
        NULL
    };
    char *argv [] = { (char *) shared->console, (char *) "console", NULL };
    struct winsize size = { .ws_row = (unsigned short) conn->rows, .ws_col = (unsigned short) conn->cols };
    int master = -1;
    pid_t pid = forkpty (&master, NULL, NULL, &size);
    if (pid == 0) {
        //  the child: nothing of meshd's but the terminal
        closefrom (3);
        sigset_t none;
        sigemptyset (&none);
        sigprocmask (SIG_SETMASK, &none, NULL);
        execve (shared->console, argv, env);
        _exit (127);
    }
    sodium_memzero (env [2], strlen (env [2]));
    for (int i = 0; env [i]; i++)
        free (env [i]);
    if (pid < 0) {
        zsys_error ("ssh: cannot start the console: %s", strerror (errno));
        return -1;
    }
    conn->pty = master;
    conn->child = pid;
    return 0;
}

//  -- a connection ----------------------------------------------------------------------

//  The key exchange, acknowledging each message at once: OpenSSH's client
//  sends its KEXINIT and its ECDH_INIT as two writes, and holds the second
//  (Nagle) until the first is acknowledged, which the kernel would delay
//  40 ms (TCP_QUICKACK does not stay set, hence the loop)
static int
s_key_exchange (ssh_session session, int64_t deadline)
{
    int on = 1, rc;
    ssh_set_blocking (session, 0);
    do {
        setsockopt (ssh_get_fd (session), IPPROTO_TCP, TCP_QUICKACK, &on, sizeof on);
        rc = ssh_handle_key_exchange (session);
        if (rc == SSH_AGAIN) {
            struct pollfd wait = { ssh_get_fd (session), POLLIN, 0 };
            poll (&wait, 1, 100);
        }
    } while (rc == SSH_AGAIN && vd_mono_ms () < deadline);
    ssh_set_blocking (session, 1);
    return rc;
}

static void *
s_connection (void *args)
{
    conn_t *conn = (conn_t *) args;
    shared_t *shared = conn->shared;
    ssh_session session = conn->session;
    ssh_event event = NULL;
    char token [65] = "";
    conn->pty = -1;
    conn->db = vd_db_open (shared->db_path, false);
    ssh_callbacks_init (&conn->server_cb);
    conn->server_cb.userdata = conn;
    conn->server_cb.auth_password_function = s_auth_password;
    conn->server_cb.auth_pubkey_function = s_auth_pubkey;
    conn->server_cb.channel_open_request_session_function = s_channel_open;
    ssh_set_server_callbacks (session, &conn->server_cb);
    long grace_s = (long) (shared->grace_ms / 1000 > 0? shared->grace_ms / 1000: 1);
    ssh_options_set (session, SSH_OPTIONS_TIMEOUT, &grace_s);
    int64_t deadline = vd_mono_ms () + shared->grace_ms;
    if (!conn->db || s_key_exchange (session, deadline) != SSH_OK) {
        zsys_info ("ssh: %s: key exchange failed: %s", conn->address, ssh_get_error (session));
        goto done;
    }
    ssh_set_auth_methods (session, SSH_AUTH_METHOD_PASSWORD | SSH_AUTH_METHOD_PUBLICKEY);
    event = ssh_event_new ();
    ssh_event_add_session (event, session);
    //  log in, open a channel, ask for a pty and the shell: within the grace time
    while (!shared->stop && !(conn->authenticated && conn->shell) && !conn->closed) {
        if (ssh_event_dopoll (event, 100) == SSH_ERROR || !ssh_is_connected (session))
            goto done;
        if (vd_mono_ms () > deadline) {
            zsys_notice ("ssh: %s: no login and console within the grace time", conn->address);
            goto done;
        }
        if (!conn->authenticated && conn->failures >= shared->max_auth)
            goto done;
    }
    if (shared->stop || conn->closed)
        goto done;
    //  the console, bound to the user by a session of its own
    if (meshd_session_create (conn->db, conn->user_id, shared->lifetime_ms, "ssh", token, NULL)
    ||  s_console (conn, token))
        goto done;
    ssh_event_add_fd (event, conn->pty, POLLIN, s_pty_readable, conn);
    int status = 0;
    while (!shared->stop && !conn->closed && ssh_is_connected (session) && conn->child > 0) {
        if (ssh_event_dopoll (event, 200) == SSH_ERROR)
            break;
        if (waitpid (conn->child, &status, WNOHANG) == conn->child) {
            struct pollfd last = { conn->pty, POLLIN, 0 };  //  what it wrote last
            if (poll (&last, 1, 0) > 0)
                s_pty_readable (conn->pty, last.revents, conn);
            conn->child = 0;
        }
    }
    //  the console ended (its terminal hung up): its exit status to the client
    for (int i = 0; i < 20 && conn->child > 0; i++) {
        if (waitpid (conn->child, &status, WNOHANG) == conn->child)
            conn->child = 0;
        else
            usleep (50 * 1000);
    }
    if (conn->child == 0 && ssh_is_connected (session)) {
        ssh_channel_request_send_exit_status (conn->channel, WIFEXITED (status)? WEXITSTATUS (status): 1);
        ssh_channel_send_eof (conn->channel);
        ssh_blocking_flush (session, 1000);
    }
    zsys_info ("ssh: %s's connection from %s ended", conn->user, conn->address);
done:
    if (conn->child > 0) {
        kill (conn->child, SIGHUP);
        waitpid (conn->child, NULL, 0);
    }
    if (event) {
        if (conn->pty >= 0)
            ssh_event_remove_fd (event, conn->pty);
        ssh_event_remove_session (event, session);
        ssh_event_free (event);
    }
    if (conn->pty >= 0)
        close (conn->pty);
    if (*token)
        meshd_session_remove (conn->db, token);
    sodium_memzero (token, sizeof token);
    if (conn->channel) {
        ssh_channel_send_eof (conn->channel);
        ssh_channel_close (conn->channel);
        ssh_channel_free (conn->channel);
    }
    //  out of pending before the session goes: s_evict, in the acceptor's
    //  thread, reads the sockets of those there
    pthread_mutex_lock (&shared->lock);
    if (!conn->authenticated)
        s_startup_done (conn);
    pthread_mutex_unlock (&shared->lock);
    ssh_disconnect (session);
    ssh_free (session);
    vd_db_close (&conn->db);
    pthread_mutex_lock (&shared->lock);
    shared->threads--;
    pthread_mutex_unlock (&shared->lock);
    free (conn);
    return NULL;
}

//  A new connection: served, or closed at once (a penalised source, too
//  many not logged in yet)
static void
s_accept (shared_t *shared, ssh_bind bind)
{
    ssh_session session = ssh_new ();
    if (!session) {
        //  out of memory: the connection is taken and closed, or the
        //  listening socket, still readable, would bring us back at once
        int fd = accept (ssh_bind_get_fd (bind), NULL, NULL);
        if (fd >= 0)
            close (fd);
        pthread_mutex_lock (&shared->lock);
        shared->refused++;
        vd_complain (&shared->refusals, "ssh: a connection refused: out of memory (%" PRIu64
                     " refused so far)", shared->refused);
        pthread_mutex_unlock (&shared->lock);
        return;
    }
    if (ssh_bind_accept (bind, session) != SSH_OK) {
        ssh_free (session);
        return;
    }
    //  the handshake is a few small messages each way: Nagle's algorithm
    //  and the peer's delayed ACK would hold two of them 40 ms each
    int on = 1;
    setsockopt (ssh_get_fd (session), IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
    char address [INET6_ADDRSTRLEN] = "unknown";
    struct sockaddr_storage peer;
    socklen_t length = sizeof peer;
    if (getpeername (ssh_get_fd (session), (struct sockaddr *) &peer, &length) == 0) {
        if (peer.ss_family == AF_INET)
            inet_ntop (AF_INET, &((struct sockaddr_in *) &peer)->sin_addr, address, sizeof address);
        else
            inet_ntop (AF_INET6, &((struct sockaddr_in6 *) &peer)->sin6_addr, address, sizeof address);
    }
    pthread_mutex_lock (&shared->lock);
    source_t *source = s_source (shared, address, true);
    const char *refusal = NULL;
    int total = shared->unauthenticated - shared->evicting;
    if (!source)
        refusal = "no room to track the source";
    else
    if (source->until_ms > vd_mono_ms ())
        refusal = "penalised for failures";
    else
    if (source->unauthenticated >= shared->max_startups)
        refusal = "too many connections not logged in from this address";
    else
    if (source->unauthenticated > 0 && total >= STARTUPS_START
    &&  (total >= STARTUPS_TOTAL
         || (int) randombytes_uniform (100) < STARTUPS_RATE + (100 - STARTUPS_RATE)
                                              * (total - STARTUPS_START) / (STARTUPS_TOTAL - STARTUPS_START)))
        refusal = "too many connections not logged in (random early drop)";
    else
    if (total >= STARTUPS_TOTAL && !s_evict (shared))
        refusal = "too many connections not logged in";
    conn_t *conn = NULL;
    if (!refusal && shared->unauthenticated < 2 * STARTUPS_TOTAL) {
        conn = (conn_t *) zmalloc (sizeof (conn_t));
        conn->shared = shared;
        conn->session = session;
        conn->accepted_ms = vd_mono_ms ();
        snprintf (conn->address, sizeof conn->address, "%s", address);
        source->unauthenticated++;
        shared->pending [shared->unauthenticated++] = conn;
        shared->threads++;
    }
    else
    if (!refusal)
        refusal = "too many connections not logged in (making room)";
    if (refusal) {
        shared->refused++;
        vd_complain (&shared->refusals, "ssh: %s refused: %s (%" PRIu64 " refused so far)",
                     address, refusal, shared->refused);
    }
    pthread_mutex_unlock (&shared->lock);
    if (refusal) {
        ssh_disconnect (session);
        ssh_free (session);
        return;
    }
    pthread_t thread;
    pthread_attr_t attr;
    pthread_attr_init (&attr);
    pthread_attr_setdetachstate (&attr, PTHREAD_CREATE_DETACHED);
    if (pthread_create (&thread, &attr, s_connection, conn)) {
        zsys_error ("ssh: cannot start a thread for %s", address);
        pthread_mutex_lock (&shared->lock);
        s_startup_done (conn);
        shared->threads--;
        pthread_mutex_unlock (&shared->lock);
        ssh_disconnect (session);
        ssh_free (session);
        free (conn);
    }
    pthread_attr_destroy (&attr);
}

//  "ADDRESS:PORT", "*:PORT" or "PORT" into the bind's options; 0 or -1
static int
s_listen_on (ssh_bind bind, const char *endpoint)
{
    char copy [128];
    snprintf (copy, sizeof copy, "%s", endpoint);
    char *colon = strrchr (copy, ':');
    const char *port = colon? colon + 1: copy;
    const char *host = colon? copy: "*";
    if (colon)
        *colon = 0;
    if (*host == '[') {
        host++;
        char *end = strchr (host, ']');
        if (end)
            *end = 0;
    }
    char *end;
    long number = strtol (port, &end, 10);
    if (*end || number <= 0 || number > 65535)
        return -1;
    unsigned int value = (unsigned int) number;
    ssh_bind_options_set (bind, SSH_BIND_OPTIONS_BINDPORT, &value);
    ssh_bind_options_set (bind, SSH_BIND_OPTIONS_BINDADDR, streq (host, "*")? "0.0.0.0": host);
    return 0;
}

static void
s_shared_destroy (shared_t **self_p)
{
    shared_t *self = *self_p;
    pthread_mutex_destroy (&self->lock);
    pthread_cond_destroy (&self->hashed);
    free (self->db_path);
    free (self->api);
    free (self->console);
    free (self);
    *self_p = NULL;
}

void
ssh_actor (zsock_t *pipe, void *args)
{
    meshd_t *meshd = (meshd_t *) args;
    shared_t *shared = (shared_t *) zmalloc (sizeof (shared_t));
    pthread_mutex_init (&shared->lock, NULL);
    pthread_cond_init (&shared->hashed, NULL);
    shared->db_path = strdup (meshd->db_path);
    shared->api = meshd_api_endpoint (meshd);
    shared->console = strdup (vd_config_str (meshd->config, "ssh/console"));
    shared->grace_ms = vd_config_int (meshd->config, "ssh/grace");
    shared->max_auth = (int) vd_config_int (meshd->config, "ssh/max_auth");
    shared->max_startups = (int) vd_config_int (meshd->config, "ssh/max_startups");
    shared->penalty_ms = vd_config_int (meshd->config, "ssh/penalty");
    shared->penalty_failures = (int) vd_config_int (meshd->config, "ssh/penalty_failures");
    shared->lifetime_ms = vd_config_int (meshd->config, "api/session_lifetime");
    const char *endpoint = vd_config_str (meshd->config, "ssh/endpoint");
    ssh_bind bind = ssh_bind_new ();
    char *key = meshd_ssh_host_key (meshd->dir);
    if (meshd_ssh_make_host_key (meshd->dir) || !bind
    ||  ssh_bind_options_set (bind, SSH_BIND_OPTIONS_HOSTKEY, key) != SSH_OK
    ||  s_listen_on (bind, endpoint) || ssh_bind_listen (bind) != SSH_OK) {
        zsys_error ("ssh: cannot listen on %s: %s", endpoint, bind? ssh_get_error (bind): "no memory");
        free (key);
        ssh_bind_free (bind);
        s_shared_destroy (&shared);
        zsock_signal (pipe, 1);
        return;
    }
    free (key);
    //  libssh listens with a backlog of 10: in a storm the kernel then
    //  drops SYNs, the admin's among them, for a second each; the limits
    //  above are ours to apply, not the accept queue's
    listen (ssh_bind_get_fd (bind), SSH_BACKLOG);
    zsys_info ("ssh: the console is served on %s", endpoint);
    zsock_signal (pipe, 0);
    zmq_pollitem_t items [2] = {
        { zsock_resolve (pipe), 0, ZMQ_POLLIN, 0 },
        { NULL, ssh_bind_get_fd (bind), ZMQ_POLLIN, 0 }
    };
    while (true) {
        if (zmq_poll (items, 2, 1000) < 0 && errno != EINTR)
            break;
        if (items [0].revents & ZMQ_POLLIN) {
            bool term;
            char *command = vd_actor_command (pipe, &term);
            if (command && streq (command, "STATS")) {
                pthread_mutex_lock (&shared->lock);
                zsock_send (pipe, "8888", shared->logins, shared->failures, shared->refused,
                            (uint64_t) shared->threads);
                pthread_mutex_unlock (&shared->lock);
            }
            free (command);
            if (term)
                break;
        }
        if (items [1].revents & ZMQ_POLLIN)
            s_accept (shared, bind);
    }
    //  the connections end with meshd; a thread stops within its poll
    pthread_mutex_lock (&shared->lock);
    shared->stop = true;
    pthread_cond_broadcast (&shared->hashed);
    zsys_info ("ssh: %" PRIu64 " logins, %" PRIu64 " failures, %" PRIu64 " connections refused; "
               "at most %d passwords checked at once", shared->logins, shared->failures,
               shared->refused, shared->hashing_most);
    pthread_mutex_unlock (&shared->lock);
    for (int i = 0; i < 50; i++) {
        pthread_mutex_lock (&shared->lock);
        int left = shared->threads;
        pthread_mutex_unlock (&shared->lock);
        if (left == 0)
            break;
        usleep (100 * 1000);
    }
    ssh_bind_free (bind);
    pthread_mutex_lock (&shared->lock);
    int left = shared->threads;
    pthread_mutex_unlock (&shared->lock);
    if (left == 0)
        s_shared_destroy (&shared);
    else
        zsys_warning ("ssh: %d connections did not end in time", left);
}
