/*  probe/config.c: every key of probe.cfg, declared once.  */
#include "probe.h"

const vd_config_key_t probe_config_keys [] = {
    { "spool/max_mb", VD_CFG_INT, "1024",
      "most megabytes of samples kept while meshd is unreachable; newer ones are dropped and counted" },
    { "server/pidfile", VD_CFG_STRING, "",
      "pid file (default: DIR/probe.pid)" },
    { NULL }
};

char *
probe_path (probe_t *probe, const char *name)
{
    return zsys_sprintf ("%s/%s", probe->dir, name);
}
