/*  meshd/config.c: every key of meshd.cfg, declared once. vedette.conf(5)
    and vedette-meshd(8) document these; tests check the pages against it.  */
#include "meshd.h"

const vd_config_key_t meshd_config_keys [] = {
    { "mesh/endpoint", VD_CFG_ENDPOINT, "tcp://*:7440",
      "where the mesh ROUTER binds for probes (CURVE)" },
    { "mesh/public", VD_CFG_STRING, "",
      "the endpoint probes dial, written into enrollment tokens (default: tcp://HOSTNAME:PORT)" },
    { "mesh/heartbeat", VD_CFG_DURATION, "2s",
      "how often a probe sends PING when it has nothing else to send" },
    { "mesh/late", VD_CFG_DURATION, "5s",
      "silence after which a probe is late" },
    { "mesh/lost", VD_CFG_DURATION, "10s",
      "silence after which a probe is lost" },
    { "mesh/credit", VD_CFG_INT, "32",
      "unacknowledged DATA messages a probe may have in flight" },
    { "api/endpoint", VD_CFG_ENDPOINT, "",
      "local API endpoint (default: ipc://DIR/api.sock)" },
    { "api/tcp", VD_CFG_STRING, "tcp://*:7441",
      "API endpoint over TCP, CURVE with registered client keys; empty to disable" },
    { "api/session_lifetime", VD_CFG_DURATION, "24h",
      "how long a login's session token stays valid" },
    { "api/max_request", VD_CFG_SIZE, "1MiB",
      "largest API request accepted (a size: 65536, 512k, 1MiB)" },
    { "events/endpoint", VD_CFG_ENDPOINT, "",
      "local events PUB endpoint (default: ipc://DIR/events.sock); read at start only" },
    { "events/tcp", VD_CFG_STRING, "tcp://*:7442",
      "events PUB endpoint over TCP, CURVE with keys of users without site scopes; empty to disable" },
    { "store/batch", VD_CFG_INT, "512",
      "most DATA messages committed in one transaction" },
    { "store/compact_interval", VD_CFG_DURATION, "2s",
      "how often the sample tail is compacted into per-series chunks" },
    { "enroll/lifetime", VD_CFG_DURATION, "24h",
      "how long an enrollment token stays valid" },
    { "server/pidfile", VD_CFG_STRING, "",
      "pid file (default: DIR/meshd.pid)" },
    { NULL }
};
