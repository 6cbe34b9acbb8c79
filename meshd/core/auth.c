/*  meshd/core/auth.c: the ZAP handler (RFC 27) for every CURVE socket of meshd.

    Fail closed: main starts this actor and waits for it before any CURVE
    socket binds, and it refuses every key that the database does not hold
    for the socket's ZAP domain. Keys come from the database through a
    read-only connection, reloaded whenever another connection has committed
    (PRAGMA data_version), so enrollment, rotation and revocation take effect
    at the next handshake with no message between actors.

    We do not use zauth: it cannot tell ZAP domains apart (a probe key must
    not open the API, an API key must not join the mesh) and its stable API
    cannot change keys while it runs.

    The User-Id given to the connection, read by the actor that owns the
    socket, is "probe:ID", "probe:ID:enroll" (the token's key, good only to
    rotate) or "user:NAME:KEY" (an API client key of user NAME).                              */
#include "meshd.h"

#define ZAP_ENDPOINT "inproc://zeromq.zap.01"
#define REPORT_MS    1000       //  the refusals go to the store this often at most

typedef struct {
    char user_id [96];          //  given to the connection
    char domain [64];           //  the ZAP domains the key is good for, space-separated
    int64_t expires_us;         //  0: does not expire
} auth_key_t;

typedef struct {
    meshd_t *meshd;
    sqlite3 *db;
    zhashx_t *keys;             //  Z85 public key -> auth_key_t
    int64_t data_version;
    uint64_t refused;           //  handshakes refused
    uint64_t accepted;
    vd_complaint_t refusals;    //  logged once a second at most: a stranger's flood is not the log's
    zsock_t *store;             //  PUSH: "AUTH" and the refusals, for meshd's own series
    uint64_t reported;          //  refusals the store was told of
    int64_t next_report;        //  mono ms
} auth_t;

//  The refusals so far, to the store (meshd.auth_refused), when they grew
static void
s_report (auth_t *self)
{
    if (self->refused == self->reported || vd_mono_ms () < self->next_report)
        return;
    self->next_report = vd_mono_ms () + REPORT_MS;
    int64_t refused = (int64_t) self->refused;
    zmsg_t *msg = zmsg_new ();
    zmsg_addstr (msg, "AUTH");
    zmsg_addmem (msg, &refused, 8);
    if (zmsg_send (&msg, self->store) == 0)
        self->reported = self->refused;
    else
        zmsg_destroy (&msg);    //  the store is restarting: next time
}

static void
s_add (auth_t *self, const char *key, const char *domain, const char *user_id,
       int64_t expires_us)
{
    auth_key_t *entry = (auth_key_t *) zmalloc (sizeof (auth_key_t));
    snprintf (entry->user_id, sizeof entry->user_id, "%s", user_id);
    snprintf (entry->domain, sizeof entry->domain, "%s", domain);
    entry->expires_us = expires_us;
    zhashx_update (self->keys, key, entry);
}

static void
s_reload (auth_t *self)
{
    int64_t version = vd_db_int (self->db, "PRAGMA data_version", -1);
    if (version == self->data_version && version >= 0)
        return;
    self->data_version = version;
    zhashx_purge (self->keys);
    sqlite3_stmt *stmt = vd_db_prepare (self->db,
        "SELECT id, public_key, state, coalesce(token_expires_us, 0) FROM probe "
        "WHERE public_key IS NOT NULL AND state IN ('active', 'enrolling')");
    while (stmt && sqlite3_step (stmt) == SQLITE_ROW) {
        char user_id [64];
        bool enrolling = streq ((const char *) sqlite3_column_text (stmt, 2), "enrolling");
        snprintf (user_id, sizeof user_id, "probe:%lld%s",
                  (long long) sqlite3_column_int64 (stmt, 0), enrolling? ":enroll": "");
        s_add (self, (const char *) sqlite3_column_text (stmt, 1), MESHD_ZAP_DOMAIN_MESH,
               user_id, enrolling? sqlite3_column_int64 (stmt, 3): 0);
    }
    sqlite3_finalize (stmt);
    //  the events socket cannot filter per site: keys of scoped users stay out
    stmt = vd_db_prepare (self->db,
        "SELECT k.public_key, u.name, k.name, "
        "  EXISTS (SELECT 1 FROM user_site s WHERE s.user_id = u.id) "
        "FROM apikey k JOIN user u ON u.id = k.user_id");
    while (stmt && sqlite3_step (stmt) == SQLITE_ROW) {
        char user_id [96];
        snprintf (user_id, sizeof user_id, "user:%s:%s", sqlite3_column_text (stmt, 1),
                  sqlite3_column_text (stmt, 2));
        s_add (self, (const char *) sqlite3_column_text (stmt, 0),
               sqlite3_column_int (stmt, 3)? MESHD_ZAP_DOMAIN_API
                                           : MESHD_ZAP_DOMAIN_API " " MESHD_ZAP_DOMAIN_EVENTS,
               user_id, 0);
    }
    sqlite3_finalize (stmt);
}

//  True if domain is one of the space-separated words of list
static bool
s_domain_in (const char *list, const char *domain)
{
    size_t length = strlen (domain);
    for (const char *word = list; *word; ) {
        size_t span = strcspn (word, " ");
        if (span == length && strncmp (word, domain, length) == 0)
            return true;
        word += span;
        word += strspn (word, " ");
    }
    return false;
}

//  Answers one ZAP request; a malformed request is refused, never trusted
static void
s_handle (auth_t *self, zsock_t *handler)
{
    zmsg_t *request = zmsg_recv (handler);
    if (!request)
        return;
    char *version = zmsg_popstr (request);
    char *sequence = zmsg_popstr (request);
    char *domain = zmsg_popstr (request);
    char *address = zmsg_popstr (request);
    zframe_t *identity = zmsg_pop (request);
    char *mechanism = zmsg_popstr (request);
    zframe_t *credentials = zmsg_pop (request);

    const char *status = "400", *text = "refused";
    const char *user_id = "";
    char key [41] = "";
    if (version && streq (version, "1.0") && mechanism && streq (mechanism, "CURVE")
    &&  credentials && zframe_size (credentials) == 32 && domain) {
        zmq_z85_encode (key, zframe_data (credentials), 32);
        s_reload (self);
        auth_key_t *entry = (auth_key_t *) zhashx_lookup (self->keys, key);
        if (!entry)
            text = "unknown key";
        else
        if (!s_domain_in (entry->domain, domain))
            text = "key not valid for this domain";
        else
        if (entry->expires_us && entry->expires_us < vd_now_us ())
            text = "enrollment token expired";
        else {
            status = "200";
            text = "OK";
            user_id = entry->user_id;
        }
    }
    if (streq (status, "200"))
        self->accepted++;
    else {
        self->refused++;
        self->refusals.every_ms = 1000;
        vd_complain (&self->refusals, "auth: refused %s key %.8s... from %s: %s", domain? domain: "?",
                     *key? key: "(none)", address? address: "?", text);
    }
    zmsg_t *reply = zmsg_new ();
    zmsg_addstr (reply, "1.0");
    zmsg_addstr (reply, sequence? sequence: "");
    zmsg_addstr (reply, status);
    zmsg_addstr (reply, text);
    zmsg_addstr (reply, user_id);
    zmsg_addmem (reply, NULL, 0);
    zmsg_send (&reply, handler);

    free (version);
    free (sequence);
    free (domain);
    free (address);
    free (mechanism);
    zframe_destroy (&identity);
    zframe_destroy (&credentials);
    zmsg_destroy (&request);
}

void
auth_actor (zsock_t *pipe, void *args)
{
    auth_t self = { .meshd = (meshd_t *) args, .data_version = -1 };
    self.keys = zhashx_new ();
    zhashx_set_destructor (self.keys, (zhashx_destructor_fn *) zstr_free);
    self.db = vd_db_open (self.meshd->db_path, true);
    zsock_t *handler = zsock_new (ZMQ_REP);
    if (!self.db || !handler || zsock_bind (handler, ZAP_ENDPOINT)) {
        zsys_error ("auth: cannot start the ZAP handler");
        zsock_destroy (&handler);
        vd_db_close (&self.db);
        zhashx_destroy (&self.keys);
        zsock_signal (pipe, 0);
        vd_actor_failed (pipe);
        return;
    }
    s_reload (&self);
    self.store = zsock_new_push (MESHD_STORE_IN);
    zsock_signal (pipe, 0);

    zpoller_t *poller = zpoller_new (pipe, handler, NULL);
    while (true) {
        //  refusals not yet told: a second at most
        zsock_t *which = (zsock_t *) zpoller_wait (poller, self.refused != self.reported? REPORT_MS: -1);
        s_report (&self);
        if (which == handler)
            s_handle (&self, handler);
        else
        if (which == pipe) {
            bool term;
            char *command = vd_actor_command (pipe, &term);
            if (command && streq (command, "STATS"))
                zsock_send (pipe, "88", self.accepted, self.refused);
            free (command);
            if (term)
                break;
        }
        else
        if (zpoller_terminated (poller))
            break;              //  the context is gone: meshd is ending
        //  an interrupted wait is not a reason to stop: without this
        //  handler libzmq would refuse every CURVE handshake (domains are
        //  enforced), so it ends only on $TERM
    }
    zpoller_destroy (&poller);
    vd_sock_close (&handler, ZAP_ENDPOINT);
    zsock_destroy (&self.store);
    vd_db_close (&self.db);
    zhashx_destroy (&self.keys);
}
