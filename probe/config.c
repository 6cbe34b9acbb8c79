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
      "communities accepted in v1 and v2c traps, comma-separated; others are refused and counted" },
    { "listen/trap_users", VD_CFG_STRING, "",
      "file of SNMPv3 trap users, one 'createUser [-e ENGINEID] NAME SHA|SHA-256|MD5 AUTHPASS [AES|DES PRIVPASS]' per line, mode 0600; read at start" },
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
    PROBE_CHECKS, PROBE_SNMP_CHECKS, PROBE_SERVICE_CHECKS, PROBE_DISCOVER_JOBS, PROBE_PEER_CONFIG
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
probe_report (zsock_t *out, json_t *report)
{
    char *text = json_dumps (report, JSON_COMPACT);
    json_decref (report);
    if (text)
        zstr_sendx (out, "REPORT", text, NULL);
    free (text);
}

char *
probe_saved_config (probe_t *probe)
{
    char *path = probe_path (probe, "checks.json");
    char *text = vd_file_read (path, NULL);
    free (path);
    return text;
}
