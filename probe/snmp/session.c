/*  probe/snmp/session.c: net-snmp, set up once per process, and sessions.

    net-snmp keeps global state (USM users, engine IDs and times), so the
    poller and the trap receiver call it only under snmp_lib_lock. A v3
    session's USM user is shared by every session with the same engine
    and name; it is forgotten when the last of them closes.              */
#include "probe.h"
#include "snmp.h"
#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>
#include <pthread.h>

static pthread_mutex_t s_lib_mutex = PTHREAD_MUTEX_INITIALIZER;
static bool s_lib_ready;
static zlistx_t *s_v3_sessions;         //  open v3 sessions of every actor (under the lock)

static int
s_lib_log (int majorid, int minorid, void *serverarg, void *clientarg)
{
    struct snmp_log_message *message = (struct snmp_log_message *) serverarg;
    (void) majorid; (void) minorid; (void) clientarg;
    if (message && message->msg) {
        size_t length = strlen (message->msg);
        while (length && (message->msg [length - 1] == '\n'))
            length--;
        zsys_warning ("net-snmp: %.*s", (int) length, message->msg);
    }
    return 0;
}

void
snmp_lib_init (void)
{
    if (s_lib_ready)
        return;
    //  nothing from /etc/snmp or ~/.snmp, no MIBs: numeric OIDs only
    setenv ("MIBS", "", 1);
    netsnmp_ds_set_boolean (NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_DONT_READ_CONFIGS, 1);
    netsnmp_ds_set_boolean (NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_DISABLE_PERSISTENT_LOAD, 1);
    netsnmp_ds_set_boolean (NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_DISABLE_PERSISTENT_SAVE, 1);
    netsnmp_ds_set_boolean (NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_QUICK_PRINT, 1);
    snmp_register_callback (SNMP_CALLBACK_LIBRARY, SNMP_CALLBACK_LOGGING, s_lib_log, NULL);
    snmp_enable_calllog ();
    init_snmp ("vedette-probe");
    s_lib_ready = true;
}

void
snmp_lib_lock (void)
{
    pthread_mutex_lock (&s_lib_mutex);
}

void
snmp_lib_unlock (void)
{
    pthread_mutex_unlock (&s_lib_mutex);
}

static const struct {
    const char *name;
    oid *protocol;
} s_auth_protocols [] = {
    { "md5", usmHMACMD5AuthProtocol }, { "sha", usmHMACSHA1AuthProtocol },
    { "sha-224", usmHMAC128SHA224AuthProtocol }, { "sha-256", usmHMAC192SHA256AuthProtocol },
    { "sha-384", usmHMAC256SHA384AuthProtocol }, { "sha-512", usmHMAC384SHA512AuthProtocol },
    { NULL, NULL }
};

oid *
snmp_auth_protocol (const char *name)
{
    for (int i = 0; s_auth_protocols [i].name && name; i++)
        if (streq (name, s_auth_protocols [i].name))
            return s_auth_protocols [i].protocol;
    return NULL;
}

bool
snmp_usm_user_in_use (const u_char *engine, size_t engine_len, const char *name)
{
    if (!s_v3_sessions)
        return false;
    for (void *other = zlistx_first (s_v3_sessions); other; other = zlistx_next (s_v3_sessions)) {
        netsnmp_session *peer = snmp_sess_session (other);
        if (peer && peer->securityEngineIDLen == engine_len
        &&  memcmp (peer->securityEngineID, engine, engine_len) == 0
        &&  peer->securityName && streq (peer->securityName, name))
            return true;
    }
    return false;
}

void
snmp_close_session (void *sessp)
{
    //  USM keeps one user per engine and name for the whole process, made
    //  from the first session that used it: forget it when the last session
    //  using it closes, so that a corrected passphrase in a new session is
    //  taken (and a session still open keeps its user)
    void *handle = s_v3_sessions? zlistx_find (s_v3_sessions, sessp): NULL;
    if (handle)
        zlistx_delete (s_v3_sessions, handle);
    netsnmp_session *session = snmp_sess_session (sessp);
    if (session && session->version == SNMP_VERSION_3 && session->securityEngineIDLen
    &&  session->securityName && !snmp_usm_user_in_use (session->securityEngineID,
                                                        session->securityEngineIDLen, session->securityName)) {
        struct usmUser *user = usm_get_user (session->securityEngineID, session->securityEngineIDLen,
                                             session->securityName);
        if (user) {
            usm_remove_user (user);
            usm_free_user (user);
        }
    }
    snmp_sess_close (sessp);        //  closes the socket: out of any epoll set too
}

void *
snmp_open_session (json_t *cred, const char *peername, int timeout_ms, int retries,
                   snmp_session_cb *callback, void *magic, char *error, size_t size)
{
    const char *version = json_string_value (json_object_get (cred, "version"));
    netsnmp_session session;
    snmp_sess_init (&session);
    session.peername = (char *) peername;
    session.timeout = timeout_ms * 1000L;
    session.retries = retries;
    json_t *timeout = json_object_get (cred, "timeout_ms");
    json_t *tries = json_object_get (cred, "retries");
    if (json_is_integer (timeout) && json_integer_value (timeout) > 0)
        session.timeout = (long) json_integer_value (timeout) * 1000L;
    if (json_is_integer (tries) && json_integer_value (tries) >= 0)
        session.retries = (int) json_integer_value (tries);
    session.callback = callback;
    session.callback_magic = magic;
    session.flags |= SNMP_FLAGS_DONT_PROBE;     //  engine discovery inside the first request
    int rc = 0;
    if (version && (streq (version, "1") || streq (version, "2c"))) {
        const char *community = json_string_value (json_object_get (cred, "community"));
        session.version = streq (version, "1")? SNMP_VERSION_1: SNMP_VERSION_2c;
        session.community = (u_char *) (community? community: "");
        session.community_len = strlen ((const char *) session.community);
    }
    else
    if (version && streq (version, "3")) {
        const char *user = json_string_value (json_object_get (cred, "user"));
        json_t *auth = json_object_get (cred, "auth");
        json_t *priv = json_object_get (cred, "priv");
        session.version = SNMP_VERSION_3;
        session.securityName = (char *) (user? user: "");
        session.securityNameLen = strlen (session.securityName);
        session.securityLevel = priv? SNMP_SEC_LEVEL_AUTHPRIV: auth? SNMP_SEC_LEVEL_AUTHNOPRIV
                                    : SNMP_SEC_LEVEL_NOAUTH;
        if (auth) {
            const char *protocol = json_string_value (json_object_get (auth, "protocol"));
            const char *pass = json_string_value (json_object_get (auth, "pass"));
            session.securityAuthProto = snmp_auth_protocol (protocol);
            session.securityAuthProtoLen = USM_AUTH_PROTO_SHA_LEN;
            session.securityAuthKeyLen = USM_AUTH_KU_LEN;
            if (!session.securityAuthProto || !pass
            ||  generate_Ku (session.securityAuthProto, (u_int) session.securityAuthProtoLen,
                             (const u_char *) pass, strlen (pass), session.securityAuthKey,
                             &session.securityAuthKeyLen) != SNMPERR_SUCCESS)
                rc = -1;
        }
        if (priv && rc == 0) {
            const char *protocol = json_string_value (json_object_get (priv, "protocol"));
            const char *pass = json_string_value (json_object_get (priv, "pass"));
            session.securityPrivProto = protocol && streq (protocol, "des")? usmDESPrivProtocol
                                                                          : usmAESPrivProtocol;
            session.securityPrivProtoLen = USM_PRIV_PROTO_AES_LEN;
            session.securityPrivKeyLen = USM_PRIV_KU_LEN;
            if (!pass || generate_Ku (session.securityAuthProto, (u_int) session.securityAuthProtoLen,
                                      (const u_char *) pass, strlen (pass), session.securityPrivKey,
                                      &session.securityPrivKeyLen) != SNMPERR_SUCCESS)
                rc = -1;
        }
    }
    else
        rc = -1;
    void *sessp = rc == 0? snmp_sess_open (&session): NULL;
    if (sessp && session.version == SNMP_VERSION_3) {
        if (!s_v3_sessions)
            s_v3_sessions = zlistx_new ();
        zlistx_add_end (s_v3_sessions, sessp);
    }
    sodium_memzero (session.securityAuthKey, sizeof session.securityAuthKey);
    sodium_memzero (session.securityPrivKey, sizeof session.securityPrivKey);
    if (rc)
        snprintf (error, size, "the credential is not usable (version, protocols)");
    else
    if (!sessp)
        snprintf (error, size, "cannot open a session to %s", peername);
    return sessp;
}
