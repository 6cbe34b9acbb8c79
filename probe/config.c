/*  probe/config.c: every key of probe.cfg, declared once.  */
#include "probe.h"

const vd_config_key_t probe_config_keys [] = {
    { "spool/max_mb", VD_CFG_INT, "1024",
      "most megabytes kept while meshd is unreachable; past it the oldest are dropped and counted" },
    { "spool/max_age", VD_CFG_DURATION, "14d",
      "oldest data kept while meshd is unreachable; older is dropped and counted (0: no limit)" },
    { "snmp/max_inflight", VD_CFG_INT, "500",
      "devices polled over SNMP at once (one request in flight each); more wait their turn" },
    { "snmp/timeout", VD_CFG_INT, "1000",
      "milliseconds to wait for an SNMP answer before a retry, unless the credential says otherwise" },
    { "snmp/retries", VD_CFG_INT, "1",
      "SNMP retries after the first try, unless the credential says otherwise" },
    { "listen/syslog_udp", VD_CFG_STRING, "*:514",
      "where syslog is received over UDP: HOST:PORT, *:PORT for every address, empty for off" },
    { "listen/syslog_tcp", VD_CFG_STRING, "*:514",
      "where syslog is received over TCP (octet counting or newline framing); empty for off" },
    { "listen/trap", VD_CFG_STRING, "udp:162",
      "where SNMP traps and informs are received, as net-snmp writes it (udp:162, udp:127.0.0.1:10162, udp6:[::1]:162); empty for off" },
    { "listen/trap_community", VD_CFG_STRING, "",
      "communities accepted in v1 and v2c traps beside meshd's (vedette trap add), comma-separated; others are refused and counted" },
    { "listen/trap_users", VD_CFG_STRING, "",
      "file of SNMPv3 trap users, one 'createUser [-e ENGINEID] NAME SHA|SHA-256|MD5 AUTHPASS [AES|DES PRIVPASS]' per line, mode 0600; read at start" },
    { "listen/radius", VD_CFG_STRING, "*:1813",
      "where RADIUS accounting is received from the NASes meshd names (vedette nas add), UDP HOST:PORT or *:PORT; empty for off" },
    { "listen/rate", VD_CFG_INT, "1000",
      "syslog messages and traps accepted per second from one source; more are dropped and counted (0: no limit)" },
    { "listen/burst", VD_CFG_INT, "2000",
      "messages a source may send at once above listen/rate" },
    { "listen/rcvbuf", VD_CFG_SIZE, "8MiB",
      "kernel receive buffer of the syslog UDP socket (a larger one rides out bursts)" },
    { "listen/tcp_clients", VD_CFG_INT, "256",
      "syslog TCP connections open at once; more are refused and counted" },
    { "peer/listen", VD_CFG_STRING, "",
      "where this probe measures paths to the other probes (UDP HOST:PORT, *:PORT for every address); empty for off" },
    { "peer/address", VD_CFG_STRING, "",
      "HOST:PORT the other probes send to (default: peer/listen unless it is *:PORT; none: this probe asks but is not asked)" },
    { "peer/interval", VD_CFG_DURATION, "1s",
      "time between two requests to the same peer (at least 100ms)" },
    { "peer/timeout", VD_CFG_DURATION, "2s",
      "a reply later than this is loss" },
    { "peer/report", VD_CFG_DURATION, "10s",
      "how often each path's round trip, loss and jitter go to meshd" },
    { "backup/workers", VD_CFG_INT, "8",
      "configuration backups fetched at once (1 to 256), one per device; more wait their turn" },
    { "backup/connect_timeout", VD_CFG_DURATION, "10s",
      "time to connect to a device and finish the SSH handshake" },
    { "backup/prompt_timeout", VD_CFG_DURATION, "20s",
      "time a device may stay silent while a prompt or output is awaited" },
    { "backup/timeout", VD_CFG_DURATION, "2m",
      "time one backup may take in all, from connect to the last line" },
    { "backup/settle", VD_CFG_DURATION, "30s",
      "after a device's syslog says its configuration changed, wait this long for more changes, then back it up once" },
    { "backup/max_size", VD_CFG_SIZE, "4MiB",
      "most bytes a device may print for one backup; more fails it as too_large" },
    { "server/pidfile", VD_CFG_STRING, "",
      "pid file (default: DIR/probe.pid)" },
    { NULL }
};

char *
probe_path (probe_t *probe, const char *name)
{
    return zsys_sprintf ("%s/%s", probe->dir, name);
}

const char *probe_config_endpoints [PROBE_CONFIG_READERS] = {
    PROBE_CHECKS, PROBE_SNMP_CHECKS, PROBE_SERVICE_CHECKS, PROBE_DISCOVER_JOBS, PROBE_PEER_CONFIG,
    PROBE_LISTEN_CONFIG, PROBE_BACKUP_CONFIG
};

const char *
probe_peer_address (probe_t *probe)
{
    const char *address = vd_config_str (probe->config, "peer/address");
    if (address && *address)
        return address;
    const char *listen = vd_config_str (probe->config, "peer/listen");
    if (listen && *listen && strncmp (listen, "*:", 2))
        return listen;
    return NULL;
}

int
probe_actor_inputs (zmq_pollitem_t *items, zsock_t *pipe, zsock_t *checks, char **text)
{
    *text = NULL;
    if (items [0].revents & ZMQ_POLLIN) {
        bool term;
        char *command = vd_actor_command (pipe, &term);
        free (command);
        if (term)
            return -1;
    }
    if (items [1].revents & ZMQ_POLLIN)
        *text = zstr_recv (checks);
    return *text? 1: 0;
}

void
probe_report_as (zsock_t *out, const char *kind, json_t *report)
{
    char *text = json_dumps (report, JSON_COMPACT);
    json_decref (report);
    if (text)
        zstr_sendx (out, kind, text, NULL);
    free (text);
}

void
probe_report (zsock_t *out, json_t *report)
{
    probe_report_as (out, "REPORT", report);
}

//  The key that seals checks.sealed: derived from this probe's CURVE secret
//  key, so the file alone (a backup, a copy sent for support) says nothing
//  and no second secret needs keeping. -1 before the probe has joined.
static int
s_checks_key (probe_t *probe, unsigned char key [crypto_secretbox_KEYBYTES])
{
    char *path = probe_path (probe, "probe.cert");
    zcert_t *cert = zcert_load (path);
    free (path);
    if (!cert)
        return -1;
    static const char context [] = "vedette-probe checks.sealed";
    crypto_generichash (key, crypto_secretbox_KEYBYTES, (const unsigned char *) context, sizeof context,
                        zcert_secret_key (cert), 32);
    zcert_destroy (&cert);
    return 0;
}

int
probe_save_config (probe_t *probe, const char *text)
{
    unsigned char key [crypto_secretbox_KEYBYTES];
    if (s_checks_key (probe, key))
        return -1;
    size_t length = strlen (text);
    size_t size = crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES + length;
    unsigned char *sealed = (unsigned char *) malloc (size);
    randombytes_buf (sealed, crypto_secretbox_NONCEBYTES);
    crypto_secretbox_easy (sealed + crypto_secretbox_NONCEBYTES, (const unsigned char *) text, length,
                           sealed, key);
    sodium_memzero (key, sizeof key);
    char *path = probe_path (probe, "checks.sealed");
    int rc = vd_file_write_atomic (path, sealed, size, 0600);
    free (path);
    free (sealed);
    //  what a probe before sealing kept in clear goes
    path = probe_path (probe, "checks.json");
    if (rc == 0)
        unlink (path);
    free (path);
    return rc;
}

char *
probe_saved_config (probe_t *probe)
{
    char *path = probe_path (probe, "checks.sealed");
    size_t size = 0;
    unsigned char *sealed = (unsigned char *) vd_file_read (path, &size);
    free (path);
    if (!sealed) {
        //  a probe before sealing: its clear file, until the next CONFIG
        path = probe_path (probe, "checks.json");
        char *text = vd_file_read (path, NULL);
        free (path);
        return text;
    }
    unsigned char key [crypto_secretbox_KEYBYTES];
    char *text = NULL;
    if (size >= crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES && s_checks_key (probe, key) == 0) {
        size_t length = size - crypto_secretbox_NONCEBYTES - crypto_secretbox_MACBYTES;
        text = (char *) malloc (length + 1);
        if (crypto_secretbox_open_easy ((unsigned char *) text, sealed + crypto_secretbox_NONCEBYTES,
                                        size - crypto_secretbox_NONCEBYTES, sealed, key) == 0)
            text [length] = 0;
        else {
            zsys_error ("probe: checks.sealed cannot be opened with this probe's key; "
                        "waiting for meshd's CONFIG");
            free (text);
            text = NULL;
        }
        sodium_memzero (key, sizeof key);
    }
    free (sealed);
    return text;
}
