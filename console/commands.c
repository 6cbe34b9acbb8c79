/*  console/commands.c: every CLI command, declared once. vedette(1) is
    checked against this table by tests/integration/docs.sh.               */
#include "console.h"
#include <unistd.h>

static const option_t s_no_options [] = { { NULL, NULL, NULL, OPT_TEXT } };

static const option_t s_login_options [] = {
    { "password-stdin", NULL, "read the password from standard input", OPT_TEXT },
    { NULL, NULL, NULL, OPT_TEXT }
};
static const option_t s_enroll_options [] = {
    { "site", "SITE", "the site the probe belongs to (required)", OPT_TEXT },
    { "name", "NAME", "the probe's name (required)", OPT_TEXT },
    { "endpoint", "ENDPOINT", "where the probe dials meshd (default: mesh/public or tcp://HOSTNAME:7440)", OPT_TEXT },
    { "expires", "DURATION", "how long the token stays valid (default: enroll/lifetime, 24h)", OPT_TEXT },
    { NULL, NULL, NULL, OPT_TEXT }
};
static const option_t s_device_add_options [] = {
    { "name", "NAME", "the device's name (required)", OPT_TEXT },
    { "site", "SITE", "its site (required)", OPT_TEXT },
    { "probe", "PROBE", "the probe that measures it (default: the site's first probe)", OPT_TEXT },
    { "interval", "DURATION", "how often it is pinged (default: 10s)", OPT_TEXT },
    { "snmp", "CRED", "poll it over SNMP with this credential (see cred add)", OPT_TEXT },
    { "snmp-interval", "DURATION", "how often it is polled over SNMP (default: 1m)", OPT_TEXT },
    { "snmp-port", "PORT", "its SNMP agent's UDP port (default: 161)", OPT_INT },
    { NULL, NULL, NULL, OPT_TEXT }
};
static const option_t s_site_filter [] = {
    { "site", "SITE", "only this site", OPT_TEXT },
    { NULL, NULL, NULL, OPT_TEXT }
};
static const option_t s_mesh_options [] = {
    { "site", "SITE", "only paths from or to this site's probes", OPT_TEXT },
    { "probe", "PROBE", "only paths from or to this probe", OPT_TEXT },
    { NULL, NULL, NULL, OPT_TEXT }
};
static const option_t s_device_list_options [] = {
    { "site", "SITE", "only this site", OPT_TEXT },
    { "status", "STATUS", "only devices in this status: up, down, unreachable, unknown", OPT_TEXT },
    { NULL, NULL, NULL, OPT_TEXT }
};
static const option_t s_check_list_options [] = {
    { "device", "DEVICE", "only this device's checks", OPT_TEXT },
    { "site", "SITE", "only this site", OPT_TEXT },
    { NULL, NULL, NULL, OPT_TEXT }
};
static const option_t s_user_add_options [] = {
    { "role", "ROLE", "admin, operator or viewer (required)", OPT_TEXT },
    { "sites", "SITE,...", "only these sites (default: every site)", OPT_LIST },
    { "password-stdin", NULL, "read the password from standard input", OPT_TEXT },
    { NULL, NULL, NULL, OPT_TEXT }
};
static const option_t s_user_set_options [] = {
    { "role", "ROLE", "a new role: admin, operator or viewer", OPT_TEXT },
    { "sites", "SITE,...", "new site scopes; \"\" for every site", OPT_LIST },
    { "password", NULL, "ask for a new password", OPT_TEXT },
    { "password-stdin", NULL, "read the new password from standard input", OPT_TEXT },
    { NULL, NULL, NULL, OPT_TEXT }
};
static const option_t s_apikey_add_options [] = {
    { "user", "USER", "whose key it is (default: you)", OPT_TEXT },
    { "output", "FILE", "write the key to FILE (mode 0600) instead of standard output", OPT_TEXT },
    { NULL, NULL, NULL, OPT_TEXT }
};
static const option_t s_audit_options [] = {
    { "since", "TIME", "from (default: 7 days ago)", OPT_TEXT },
    { "until", "TIME", "to (default: now)", OPT_TEXT },
    { "user", "USER", "only this user's operations", OPT_TEXT },
    { "op", "OP", "only this operation (site.add) or noun (site)", OPT_TEXT },
    { "limit", "N", "at most N entries, the newest (default 1000)", OPT_INT },
    { NULL, NULL, NULL, OPT_TEXT }
};
static const option_t s_event_list_options [] = {
    { "since", "TIME", "from (default: 1 hour ago)", OPT_TEXT },
    { "topic", "PREFIX", "only topics starting with PREFIX (device., probe.link)", OPT_TEXT },
    { "type", "TYPE", "only trap, syslog, state, alarm, notification or change events", OPT_TEXT },
    { "limit", "N", "at most N events (default 1000)", OPT_INT },
    { NULL, NULL, NULL, OPT_TEXT }
};
static const option_t s_event_since_options [] = {
    { "topic", "PREFIX", "only topics starting with PREFIX", OPT_TEXT },
    { "type", "TYPE", "only trap, syslog, state, alarm, notification or change events", OPT_TEXT },
    { "limit", "N", "at most N events (default 1000)", OPT_INT },
    { NULL, NULL, NULL, OPT_TEXT }
};
static const option_t s_event_follow_options [] = {
    { "topic", "PREFIX,...", "only topics starting with these prefixes", OPT_LIST },
    { "count", "N", "stop after N events", OPT_INT },
    { NULL, NULL, NULL, OPT_TEXT }
};
static const option_t s_series_options [] = {
    { "probe", NULL, "NAME is a probe: one of its own series (peer.PROBE.rtt, .loss, .jitter)", OPT_TEXT },
    { "since", "TIME", "from (ISO 8601 or relative such as 10m, -1h; default 1h)", OPT_TEXT },
    { "until", "TIME", "to (default: now)", OPT_TEXT },
    { "step", "DURATION", "buckets of this length (count, min, mean, max, last, p50/p95/p99) from the rollups (5m, 1h, 1d) or the samples", OPT_TEXT },
    { "points", "N", "about N buckets over the span, instead of --step", OPT_INT },
    { NULL, NULL, NULL, OPT_TEXT }
};

static const option_t s_report_options [] = {
    { "site", "SITE", "only this site's devices", OPT_TEXT },
    { "device", "DEVICE", "only this device", OPT_TEXT },
    { "from", "TIME", "from (default: 30 days ago)", OPT_TEXT },
    { "to", "TIME", "to (default: now)", OPT_TEXT },
    { "month", "YYYY-MM", "a calendar month (UTC), instead of --from and --to", OPT_TEXT },
    { NULL, NULL, NULL, OPT_TEXT }
};
static const option_t s_report_top_options [] = {
    { "site", "SITE", "only this site's devices", OPT_TEXT },
    { "device", "DEVICE", "only this device", OPT_TEXT },
    { "from", "TIME", "from (default: 30 days ago)", OPT_TEXT },
    { "to", "TIME", "to (default: now)", OPT_TEXT },
    { "month", "YYYY-MM", "a calendar month (UTC), instead of --from and --to", OPT_TEXT },
    { "limit", "N", "the N most used (default 10)", OPT_INT },
    { NULL, NULL, NULL, OPT_TEXT }
};
static const option_t s_schedule_add_options [] = {
    { "report", "KIND", "availability, latency, billing, top or alarms", OPT_TEXT },
    { "every", "PERIOD", "day, week (from Monday) or month: the last whole one, UTC", OPT_TEXT },
    { "channel", "CHANNEL", "an email channel (CSV attached) or a webhook (JSON)", OPT_TEXT },
    { "site", "SITE", "only this site's devices", OPT_TEXT },
    { "device", "DEVICE", "only this device", OPT_TEXT },
    { "by", "device|site", "availability: a row per device (default) or per site", OPT_TEXT },
    { "target", "PCT", "availability: an SLA target (99.9%), met or not per row", OPT_TEXT },
    { "limit", "N", "top: the N most used", OPT_INT },
    { "start", "TIME", "first run (default: 5 minutes after the current period ends)", OPT_TEXT },
    { NULL, NULL, NULL, OPT_TEXT }
};
static const option_t s_report_availability_options [] = {
    { "site", "SITE", "only this site's devices", OPT_TEXT },
    { "device", "DEVICE", "only this device", OPT_TEXT },
    { "from", "TIME", "from (default: 30 days ago)", OPT_TEXT },
    { "to", "TIME", "to (default: now)", OPT_TEXT },
    { "month", "YYYY-MM", "a calendar month (UTC), instead of --from and --to", OPT_TEXT },
    { "by", "device|site", "a row per device (default) or per site", OPT_TEXT },
    { "target", "PCT", "an SLA target (99.9%): each row says whether it was met", OPT_TEXT },
    { NULL, NULL, NULL, OPT_TEXT }
};

static const option_t s_device_set_options [] = {
    { "parent", "DEVICE", "the device it is reached through: when that one is down, "
      "this one is unreachable and its alarms are suppressed", OPT_TEXT },
    { "no-parent", NULL, "it depends on no other device", OPT_TEXT },
    { "snmp", "CRED", "poll it over SNMP with this credential", OPT_TEXT },
    { "no-snmp", NULL, "stop polling it over SNMP (its custom OID checks go too)", OPT_TEXT },
    { "snmp-interval", "DURATION", "how often it is polled over SNMP", OPT_TEXT },
    { "snmp-port", "PORT", "its SNMP agent's UDP port", OPT_INT },
    { "backup", "CRED", "back up its configuration over SSH with this ssh credential", OPT_TEXT },
    { "no-backup", NULL, "stop backing it up (its versions are kept)", OPT_TEXT },
    { "model", "MODEL", "its backup model (vedette backup models; auto: guessed from sysDescr and sysObjectID, the default)", OPT_TEXT },
    { "backup-every", "DURATION", "how often it is backed up (default 1d, at least 1m)", OPT_TEXT },
    { "backup-port", "PORT", "its SSH port (default 22)", OPT_INT },
    { "backup-jump", "HOST[:PORT]", "reach it through this SSH jump host (as ssh -J does)", OPT_TEXT },
    { "backup-jump-cred", "CRED", "log into the jump host with this ssh credential (default: the device's)", OPT_TEXT },
    { "no-backup-jump", NULL, "reach it directly again (the jump host and its credential go)", OPT_TEXT },
    { NULL, NULL, NULL, OPT_TEXT }
};
static const option_t s_check_add_options [] = {
    { "name", "NAME", "the check's name: snmp.NAME, or check.NAME.* for services "
      "(required for snmp; default tcp-PORT, dns-QUERY, http or https)", OPT_TEXT },
    { "oid", "OID", "snmp: the numeric OID read in each poll (1.3.6.1.4.1.2021.10.1.3.1)", OPT_TEXT },
    { "port", "PORT", "tcp: the port to connect to (required); dns: the server's port (53)", OPT_INT },
    { "query", "NAME", "dns: the name to look up (required)", OPT_TEXT },
    { "type", "TYPE", "dns: A, AAAA, MX, TXT, NS, CNAME, SOA, PTR or SRV (default A)", OPT_TEXT },
    { "server", "ADDRESS", "dns: ask this server instead of the device", OPT_TEXT },
    { "url", "URL", "http: the http:// or https:// URL to GET (required)", OPT_TEXT },
    { "expect", "VALUE", "http: the status code (default: any 2xx or 3xx); "
      "dns: text an answer must hold", OPT_TEXT },
    { "contains", "TEXT", "http: text the body must hold", OPT_TEXT },
    { "insecure", NULL, "http: do not verify the server's certificate (its days left are still read)", OPT_TEXT },
    { "interval", "DURATION", "tcp, dns, http: how often it runs (default: 1m)", OPT_TEXT },
    { "timeout", "DURATION", "tcp, dns, http: how long a run may take (default: 5s)", OPT_TEXT },
    { NULL, NULL, NULL, OPT_TEXT }
};
static const option_t s_discover_options [] = {
    { "site", "SITE", "the site the devices found belong to; its probe sweeps (required)", OPT_TEXT },
    { "cred", "CRED", "an SNMP credential to try, in the order given (repeat, or a,b)", OPT_LIST },
    { "exclude", "CIDR", "addresses never to touch (repeat, or a,b)", OPT_LIST },
    { "every", "DURATION", "sweep again this often (at least 1m; default: once)", OPT_TEXT },
    { "probe", "PROBE", "the probe that sweeps (default: the site's first probe)", OPT_TEXT },
    { "no-ping", NULL, "ask SNMP of every address, not only of those that answer ICMP", OPT_TEXT },
    { "snmp-interval", "DURATION", "how often the devices it adds are polled over SNMP (default: 1m)", OPT_TEXT },
    { "no-wait", NULL, "return at once; see discovery show ID", OPT_TEXT },
    { NULL, NULL, NULL, OPT_TEXT }
};
static const option_t s_topology_options [] = {
    { "site", "SITE", "only this site", OPT_TEXT },
    { "device", "DEVICE", "only the links of this device", OPT_TEXT },
    { NULL, NULL, NULL, OPT_TEXT }
};
static const option_t s_rule_add_options [] = {
    { "severity", "SEVERITY", "critical, major, minor, warning or info (required)", OPT_TEXT },
    { "metric", "METRIC", "a threshold on a metric (icmp.rtt; a pattern such as if.*.in_bps)", OPT_TEXT },
    { "above", "VALUE", "raise above VALUE (50ms, 99%, 800M)", OPT_TEXT },
    { "below", "VALUE", "raise below VALUE", OPT_TEXT },
    { "clear-below", "VALUE", "with --above: clear only below VALUE (hysteresis)", OPT_TEXT },
    { "clear-above", "VALUE", "with --below: clear only above VALUE", OPT_TEXT },
    { "for", "N|DURATION", "raise after N samples in a row, or a breach lasting DURATION", OPT_TEXT },
    { "event", "TOPIC", "an alarm on events of this topic (if.oper_down)", OPT_TEXT },
    { "syslog", "REGEX", "an alarm on syslog messages matching REGEX", OPT_TEXT },
    { "trap", "OID", "an alarm on traps of this OID", OPT_TEXT },
    { "match", "REGEX", "events must also match REGEX (their text)", OPT_TEXT },
    { "clear-trap", "OID", "a trap of this OID from the same source clears it", OPT_TEXT },
    { "clear-event", "TOPIC", "an event of this topic from the same source clears it", OPT_TEXT },
    { "clear-after", "DURATION", "an event alarm clears by itself after DURATION without events", OPT_TEXT },
    { "state", "STATE", "an alarm while a device is down, unreachable or unknown, "
      "or a probe is lost or its clock skewed", OPT_TEXT },
    { "site", "SITE", "only this site", OPT_TEXT },
    { "device", "DEVICE", "only this device", OPT_TEXT },
    { NULL, NULL, NULL, OPT_TEXT }
};
static const option_t s_rule_set_options [] = {
    { "severity", "SEVERITY", "a new severity", OPT_TEXT },
    { "enable", NULL, "turn the rule on", OPT_TEXT },
    { "disable", NULL, "turn the rule off (its open alarms stay until cleared)", OPT_TEXT },
    { NULL, NULL, NULL, OPT_TEXT }
};
static const option_t s_rule_test_options [] = {
    { "since", "TIME", "from (default: 1 hour ago)", OPT_TEXT },
    { "until", "TIME", "to (default: now)", OPT_TEXT },
    { NULL, NULL, NULL, OPT_TEXT }
};
static const option_t s_alarm_list_options [] = {
    { "active", NULL, "only open alarms (active or acknowledged)", OPT_TEXT },
    { "state", "STATE", "only alarms in this state: active, acked, cleared, open", OPT_TEXT },
    { "site", "SITE", "only this site", OPT_TEXT },
    { "device", "DEVICE", "only this device", OPT_TEXT },
    { "severity", "SEVERITY", "only this severity, or with + this or worse (major+)", OPT_TEXT },
    { "text", "TEXT", "only alarms whose object or message contains TEXT", OPT_TEXT },
    { "limit", "N", "at most N alarms (default 1000)", OPT_INT },
    { NULL, NULL, NULL, OPT_TEXT }
};
static const option_t s_alarm_ack_options [] = {
    { "all", NULL, "every open alarm matching the filters", OPT_TEXT },
    { "site", "SITE", "with --all: only this site", OPT_TEXT },
    { "device", "DEVICE", "with --all: only this device", OPT_TEXT },
    { "severity", "SEVERITY", "with --all: only this severity (major+: or worse)", OPT_TEXT },
    { "text", "TEXT", "with --all: only alarms whose object or message contains TEXT", OPT_TEXT },
    { "comment", "TEXT", "why, for the others on shift", OPT_TEXT },
    { "expires", "DURATION", "the acknowledgement ends after DURATION (4h)", OPT_TEXT },
    { NULL, NULL, NULL, OPT_TEXT }
};
static const option_t s_alarm_unack_options [] = {
    { "all", NULL, "every acknowledged alarm matching the filters", OPT_TEXT },
    { "site", "SITE", "with --all: only this site", OPT_TEXT },
    { "device", "DEVICE", "with --all: only this device", OPT_TEXT },
    { "severity", "SEVERITY", "with --all: only this severity (major+: or worse)", OPT_TEXT },
    { "text", "TEXT", "with --all: only alarms whose object or message contains TEXT", OPT_TEXT },
    { NULL, NULL, NULL, OPT_TEXT }
};
static const option_t s_alarm_clear_options [] = {
    { "comment", "TEXT", "why", OPT_TEXT },
    { NULL, NULL, NULL, OPT_TEXT }
};
static const option_t s_maintenance_add_options [] = {
    { "device", "DEVICE", "the device in maintenance", OPT_TEXT },
    { "site", "SITE", "or a whole site", OPT_TEXT },
    { "from", "TIME", "start: HH:MM (the next one), or a time (2026-11-21T22:00, now)", OPT_TEXT },
    { "to", "TIME", "end: HH:MM (crossing midnight is fine), or a time", OPT_TEXT },
    { "every", "day|WEEKDAY", "recurring: every day, or every week on this day (sun..sat)", OPT_TEXT },
    { "comment", "TEXT", "what is being done", OPT_TEXT },
    { NULL, NULL, NULL, OPT_TEXT }
};
static const option_t s_maintenance_list_options [] = {
    { "all", NULL, "past one-off windows too", OPT_TEXT },
    { NULL, NULL, NULL, OPT_TEXT }
};
static const option_t s_channel_add_options [] = {
    { "to", "ADDRESS,...", "email: the recipients", OPT_TEXT },
    { "smtp", "URL", "email: the SMTP server (smtp://host:25, smtps://host:465); "
      "STARTTLS is used when offered", OPT_TEXT },
    { "from", "ADDRESS", "email: the sender (default: notify/from)", OPT_TEXT },
    { "url", "URL", "webhook: where the JSON is posted", OPT_TEXT },
    { "command", "PATH [ARG...]", "exec: the command, run without a shell", OPT_TEXT },
    { NULL, NULL, NULL, OPT_TEXT }
};
static const option_t s_cred_add_options [] = {
    { "user", "USER", "ssh: the user to log in as", OPT_TEXT },
    { "password-stdin", NULL, "ssh: read the password from standard input (else it is asked for, unless --key)", OPT_TEXT },
    { "key", "FILE", "ssh: a private key file (OpenSSH or PEM, without a passphrase) to log in with", OPT_TEXT },
    { "enable-stdin", NULL, "ssh: read the enable secret from standard input (after the password)", OPT_TEXT },
    { "community", "COMMUNITY", "snmp v1/v2c: the community (visible to ps on this host: "
      "prefer a script with the API over a shared shell)", OPT_TEXT },
    { "version", "1|2c|3", "snmp: the version (default 2c with a community, 3 with a user)", OPT_TEXT },
    { "v3-user", "USER", "snmp v3: the USM user", OPT_TEXT },
    { "auth", "PROTO:PASS", "snmp v3: md5, sha, sha-224, sha-256, sha-384 or sha-512, and the passphrase", OPT_TEXT },
    { "priv", "PROTO:PASS", "snmp v3: des or aes, and the passphrase", OPT_TEXT },
    { "timeout", "DURATION", "snmp: how long to wait for an answer before a retry (default: the probe's snmp/timeout)", OPT_TEXT },
    { "retries", "N", "snmp: retries after the first try (default: the probe's snmp/retries)", OPT_INT },
    { NULL, NULL, NULL, OPT_TEXT }
};
static const option_t s_backup_run_options [] = {
    { "site", "SITE", "every backed-up device of this site", OPT_TEXT },
    { "no-wait", NULL, "do not wait for the results", OPT_TEXT },
    { "timeout", "DURATION", "how long to wait for the results (default 2m)", OPT_TEXT },
    { NULL, NULL, NULL, OPT_TEXT }
};
static const option_t s_backup_schedule_options [] = {
    { "every", "DURATION", "how often (at least 1m)", OPT_TEXT },
    { "none", NULL, "no site interval: each device's own, or the default (1d)", OPT_TEXT },
    { NULL, NULL, NULL, OPT_TEXT }
};
static const option_t s_backup_status_options [] = {
    { "site", "SITE", "only this site's devices", OPT_TEXT },
    { "device", "DEVICE", "only this device", OPT_TEXT },
    { NULL, NULL, NULL, OPT_TEXT }
};
static const option_t s_backup_list_options [] = {
    { "limit", "N", "at most N versions (default 100)", OPT_INT },
    { NULL, NULL, NULL, OPT_TEXT }
};
static const option_t s_backup_diff_options [] = {
    { "color", NULL, "colour the diff even when not on a terminal", OPT_TEXT },
    { "context", "N", "lines of context around each change (default 3)", OPT_INT },
    { NULL, NULL, NULL, OPT_TEXT }
};
static const column_t s_backup_status_columns [] = {
    { "device", "DEVICE", COL_TEXT }, { "site", "SITE", COL_TEXT }, { "model", "MODEL", COL_TEXT },
    { "state", "STATE", COL_STATUS }, { "last_ok_us", "LAST OK", COL_AGE },
    { "last_fail_us", "LAST FAILURE", COL_AGE }, { "reason", "WHY", COL_TEXT },
    { "versions", "VERSIONS", COL_INT }, { "last_changed_us", "CHANGED", COL_AGE }, { NULL }
};
static const column_t s_backup_list_columns [] = {
    { "version", "VERSION", COL_INT }, { "ts_us", "TIME", COL_TIME }, { "size", "SIZE", COL_INT },
    { "lines", "LINES", COL_INT }, { "added", "+", COL_INT }, { "removed", "-", COL_INT },
    { "trigger", "TRIGGER", COL_TEXT }, { "who", "WHO", COL_TEXT }, { NULL }
};
static const option_t s_backup_grep_options [] = {
    { "site", "SITE", "only this site's devices", OPT_TEXT },
    { "ignore-case", NULL, "match letters in either case", OPT_TEXT },
    { NULL, NULL, NULL, OPT_TEXT }
};
static const option_t s_backup_export_options [] = {
    { "git", "DIR", "the repository (made if absent; a second export adds what is new)", OPT_TEXT },
    { "site", "SITE", "only this site's devices", OPT_TEXT },
    { NULL, NULL, NULL, OPT_TEXT }
};
static const column_t s_backup_model_columns [] = {
    { "name", "MODEL", COL_TEXT }, { "mode", "MODE", COL_TEXT }, { "description", "DESCRIPTION", COL_TEXT },
    { "source", "SOURCE", COL_TEXT }, { "error", "ERROR", COL_TEXT }, { NULL }
};
static const option_t s_cred_test_options [] = {
    { "device", "DEVICE", "the device to log into (required)", OPT_TEXT },
    { "model", "MODEL", "its backup model (default: the device's, or the one that fits it)", OPT_TEXT },
    { "port", "PORT", "its SSH port (default: the device's backup port, or 22)", OPT_INT },
    { NULL, NULL, NULL, OPT_TEXT }
};
static const option_t s_trap_options [] = {
    { "site", "SITE", "at this site's probes (default: every probe)", OPT_TEXT },
    { "probe", "PROBE", "at this probe only", OPT_TEXT },
    { NULL, NULL, NULL, OPT_TEXT }
};
static const option_t s_route_add_options [] = {
    { "channel", "CHANNEL", "where the alarms go (required)", OPT_TEXT },
    { "severity", "SEVERITY", "alarms of this severity or worse (major+ or major; default info)", OPT_TEXT },
    { "site", "SITE", "only alarms of this site", OPT_TEXT },
    { "after", "DURATION", "wait this long after the alarm is raised (default 0)", OPT_TEXT },
    { "escalate-to", "CHANNEL", "also notify CHANNEL when still unacknowledged after --if-unacked", OPT_TEXT },
    { "if-unacked", "DURATION", "how long before escalating", OPT_TEXT },
    { "repeat", "DURATION", "notify again every DURATION while open and unacknowledged", OPT_TEXT },
    { "hours", "HH:MM-HH:MM", "only at these hours (local time)", OPT_TEXT },
    { "days", "DAYS", "only on these days (mon-fri, sat,sun)", OPT_TEXT },
    { "no-recovery", NULL, "do not tell when the alarm clears", OPT_TEXT },
    { NULL, NULL, NULL, OPT_TEXT }
};
static const option_t s_notification_list_options [] = {
    { "failed", NULL, "only notifications that could not be delivered", OPT_TEXT },
    { "status", "STATUS", "only pending, sending, sent, failed or skipped", OPT_TEXT },
    { "alarm", "ID", "only this alarm's", OPT_INT },
    { "since", "TIME", "created since", OPT_TEXT },
    { "limit", "N", "at most N, the newest (default 1000)", OPT_INT },
    { NULL, NULL, NULL, OPT_TEXT }
};

static const column_t s_rule_columns [] = {
    { "name", "RULE", COL_TEXT }, { "kind", "KIND", COL_TEXT }, { "severity", "SEVERITY", COL_STATUS },
    { "metric", "ON", COL_TEXT }, { "above", "ABOVE", COL_TEXT }, { "below", "BELOW", COL_TEXT },
    { "clear", "CLEAR", COL_TEXT }, { "count", "FOR", COL_INT }, { "match", "MATCH", COL_TEXT },
    { "state", "STATE", COL_TEXT }, { "site", "SITE", COL_TEXT }, { "enabled", "ON", COL_TEXT },
    { "open", "OPEN", COL_INT }, { NULL }
};
static const column_t s_alarm_columns [] = {
    { "id", "ID", COL_INT }, { "severity", "SEVERITY", COL_STATUS }, { "state", "STATE", COL_STATUS },
    { "object", "OBJECT", COL_TEXT }, { "message", "MESSAGE", COL_TEXT }, { "count", "COUNT", COL_INT },
    { "first_us", "SINCE", COL_AGE }, { "last_us", "LAST", COL_AGE }, { "acked_by", "ACK BY", COL_TEXT },
    { "suppressed_by", "UNDER", COL_TEXT }, { "site", "SITE", COL_TEXT }, { NULL }
};
static const column_t s_maintenance_columns [] = {
    { "id", "ID", COL_INT }, { "device", "DEVICE", COL_TEXT }, { "site", "SITE", COL_TEXT },
    { "from_us", "FROM", COL_TIME }, { "to_us", "TO", COL_TIME }, { "every", "EVERY", COL_TEXT },
    { "from", "START", COL_TEXT }, { "to", "END", COL_TEXT }, { "open", "OPEN", COL_TEXT },
    { "comment", "COMMENT", COL_TEXT }, { NULL }
};
static const column_t s_schedule_columns [] = {
    { "name", "SCHEDULE", COL_TEXT }, { "report", "REPORT", COL_TEXT }, { "every", "EVERY", COL_TEXT },
    { "channel", "CHANNEL", COL_TEXT }, { "args", "NARROWED", COL_TEXT }, { "next_us", "NEXT", COL_TIME },
    { "last_us", "LAST", COL_TIME }, { "last_result", "RESULT", COL_TEXT },
    { NULL }
};
static const column_t s_channel_columns [] = {
    { "name", "CHANNEL", COL_TEXT }, { "kind", "KIND", COL_TEXT }, { "params", "PARAMETERS", COL_TEXT },
    { "routes", "ROUTES", COL_INT }, { "sent", "SENT", COL_INT }, { "failed", "FAILED", COL_INT },
    { NULL }
};
static const column_t s_route_columns [] = {
    { "id", "ID", COL_INT }, { "severity", "SEVERITY+", COL_STATUS }, { "site", "SITE", COL_TEXT },
    { "channel", "CHANNEL", COL_TEXT }, { "after_ms", "AFTER(ms)", COL_INT },
    { "escalate_to", "ESCALATE", COL_TEXT }, { "if_unacked_ms", "UNACKED(ms)", COL_INT },
    { "repeat_ms", "REPEAT(ms)", COL_INT }, { "hours", "HOURS", COL_TEXT }, { "days", "DAYS", COL_TEXT },
    { NULL }
};
static const column_t s_notification_columns [] = {
    { "id", "ID", COL_INT }, { "alarm", "ALARM", COL_INT }, { "object", "OBJECT", COL_TEXT },
    { "channel", "CHANNEL", COL_TEXT }, { "kind", "KIND", COL_TEXT }, { "status", "STATUS", COL_STATUS },
    { "attempts", "TRIES", COL_INT }, { "created_us", "CREATED", COL_AGE },
    { "result", "RESULT", COL_TEXT }, { NULL }
};

static const column_t s_trap_columns [] = {
    { "cred", "CREDENTIAL", COL_TEXT }, { "summary", "SUMMARY", COL_TEXT }, { "site", "SITE", COL_TEXT },
    { "probe", "PROBE", COL_TEXT }, { "created_us", "ADDED", COL_AGE }, { NULL }
};
static const column_t s_cred_columns [] = {
    { "name", "CREDENTIAL", COL_TEXT }, { "kind", "KIND", COL_TEXT }, { "summary", "SUMMARY", COL_TEXT },
    { "created_us", "CREATED", COL_AGE }, { NULL }
};
static const column_t s_site_columns [] = {
    { "name", "SITE", COL_TEXT }, { "probes", "PROBES", COL_INT },
    { "devices", "DEVICES", COL_INT }, { "created_us", "CREATED", COL_AGE }, { NULL }
};
static const column_t s_user_key_columns [] = {
    { "user", "USER", COL_TEXT }, { "type", "TYPE", COL_TEXT }, { "fingerprint", "FINGERPRINT", COL_TEXT },
    { "comment", "COMMENT", COL_TEXT }, { "created_us", "ADDED", COL_AGE }, { NULL }
};
static const column_t s_probe_columns [] = {
    { "name", "PROBE", COL_TEXT }, { "site", "SITE", COL_TEXT }, { "state", "STATE", COL_STATUS },
    { "link", "LINK", COL_STATUS }, { "last_seen_us", "LAST SEEN", COL_AGE },
    { "rtt_us", "RTT", COL_MICROS }, { "clock_offset_us", "CLOCK", COL_OFFSET },
    { "backlog", "BACKLOG", COL_INT }, { "dropped", "DROPPED", COL_INT }, { "devices", "DEVICES", COL_INT },
    { "version", "VERSION", COL_TEXT }, { NULL }
};
static const column_t s_mesh_columns [] = {
    { "from", "FROM", COL_TEXT }, { "to", "TO", COL_TEXT }, { "state", "STATE", COL_STATUS },
    { "rtt_ms", "RTT(ms)", COL_MS }, { "rtt_min_ms", "MIN", COL_MS }, { "rtt_max_ms", "MAX", COL_MS },
    { "loss_pct", "LOSS", COL_PERCENT }, { "jitter_ms", "JITTER(ms)", COL_MS },
    { "sent", "SENT", COL_INT }, { "from_site", "FROM SITE", COL_TEXT }, { "to_site", "TO SITE", COL_TEXT },
    { "updated_us", "MEASURED", COL_AGE }, { NULL }
};
static const column_t s_device_columns [] = {
    { "name", "DEVICE", COL_TEXT }, { "address", "ADDRESS", COL_TEXT },
    { "status", "STATUS", COL_STATUS }, { "rtt", "RTT(ms)", COL_MS },
    { "loss", "LOSS", COL_PERCENT }, { "jitter", "JITTER(ms)", COL_MS },
    { "site", "SITE", COL_TEXT }, { "probe", "PROBE", COL_TEXT },
    { "last_us", "MEASURED", COL_AGE }, { "snmp", "SNMP", COL_STATUS },
    { "sys_name", "SYSNAME", COL_TEXT }, { "vendor", "VENDOR", COL_TEXT }, { "model", "MODEL", COL_TEXT },
    { "uptime_s", "UPTIME", COL_SPAN }, { NULL }
};
static const column_t s_interface_columns [] = {
    { "index", "IF", COL_INT }, { "name", "NAME", COL_TEXT }, { "oper", "OPER", COL_STATUS },
    { "admin", "ADMIN", COL_TEXT }, { "speed_bps", "SPEED", COL_BPS },
    { "in_bps", "IN", COL_BPS }, { "out_bps", "OUT", COL_BPS },
    { "in_util", "IN%", COL_PERCENT }, { "out_util", "OUT%", COL_PERCENT },
    { "in_errors", "INERR/s", COL_RATE }, { "out_errors", "OUTERR/s", COL_RATE },
    { "in_discards", "INDISC/s", COL_RATE }, { "out_discards", "OUTDISC/s", COL_RATE },
    { "alias", "ALIAS", COL_TEXT }, { NULL }
};
static const column_t s_check_columns [] = {
    { "device", "DEVICE", COL_TEXT }, { "kind", "CHECK", COL_TEXT },
    { "interval_ms", "INTERVAL(ms)", COL_INT }, { "status", "STATUS", COL_STATUS },
    { "status_us", "RAN", COL_AGE }, { "error", "ERROR", COL_TEXT }, { "site", "SITE", COL_TEXT },
    { "params", "PARAMETERS", COL_TEXT }, { NULL }
};
static const column_t s_link_columns [] = {
    { "device", "DEVICE", COL_TEXT }, { "local_port", "PORT", COL_TEXT },
    { "remote", "NEIGHBOUR", COL_TEXT }, { "remote_port", "ITS PORT", COL_TEXT },
    { "proto", "BY", COL_TEXT }, { "remote_address", "ADDRESS", COL_TEXT },
    { "seen_from", "SEEN FROM", COL_TEXT }, { "site", "SITE", COL_TEXT }, { NULL }
};
static const column_t s_discovery_columns [] = {
    { "id", "ID", COL_INT }, { "site", "SITE", COL_TEXT }, { "probe", "PROBE", COL_TEXT },
    { "targets", "TARGETS", COL_TEXT }, { "state", "STATE", COL_STATUS }, { "runs", "RUNS", COL_INT },
    { "last_us", "LAST RUN", COL_AGE }, { "swept", "SWEPT", COL_INT }, { "alive", "ALIVE", COL_INT },
    { "found", "FOUND", COL_INT }, { "added", "ADDED", COL_INT }, { "seconds", "SECONDS", COL_RATE },
    { "every_ms", "EVERY(ms)", COL_INT }, { NULL }
};
static const column_t s_found_columns [] = {
    { "address", "ADDRESS", COL_TEXT }, { "device", "DEVICE", COL_TEXT }, { "action", "ACTION", COL_TEXT },
    { "cred", "CRED", COL_TEXT }, { "sys_name", "SYSNAME", COL_TEXT }, { "vendor", "VENDOR", COL_TEXT },
    { "model", "MODEL", COL_TEXT }, { "rtt_ms", "RTT(ms)", COL_MS }, { NULL }
};
static const column_t s_series_columns [] = {
    { "metric", "SERIES", COL_TEXT }, { "unit", "UNIT", COL_TEXT }, { "check", "CHECK", COL_TEXT },
    { "value", "LAST", COL_MS }, { "last_us", "MEASURED", COL_AGE }, { NULL }
};
static const column_t s_user_columns [] = {
    { "name", "USER", COL_TEXT }, { "role", "ROLE", COL_TEXT }, { "sites", "SITES", COL_TEXT },
    { "apikeys", "KEYS", COL_INT }, { "sessions", "SESSIONS", COL_INT },
    { "created_us", "CREATED", COL_AGE }, { NULL }
};
static const column_t s_apikey_columns [] = {
    { "name", "KEY", COL_TEXT }, { "user", "USER", COL_TEXT },
    { "public_key", "PUBLIC KEY", COL_TEXT }, { "created_us", "CREATED", COL_AGE }, { NULL }
};
static const column_t s_audit_columns [] = {
    { "ts_us", "TIME", COL_TIME }, { "user", "USER", COL_TEXT }, { "origin", "FROM", COL_TEXT },
    { "op", "OPERATION", COL_TEXT }, { "detail", "DETAIL", COL_TEXT }, { NULL }
};
static const column_t s_event_columns [] = {
    { "seq", "SEQ", COL_INT }, { "ts_us", "TIME", COL_TIME }, { "topic", "TOPIC", COL_TEXT },
    { "site", "SITE", COL_TEXT }, { "text", "EVENT", COL_TEXT }, { "data", "DATA", COL_TEXT },
    { NULL }
};
static const column_t s_point_columns [] = {
    { "ts_us", "TIME", COL_TIME }, { "value", "VALUE", COL_MS }, { "lost", "LOST", COL_TEXT },
    { NULL }
};
static const column_t s_latency_columns [] = {
    { "device", "DEVICE", COL_TEXT }, { "probe", "PROBE", COL_TEXT }, { "to", "TO", COL_TEXT },
    { "site", "SITE", COL_TEXT }, { "samples", "SAMPLES", COL_INT }, { "loss_pct", "LOSS", COL_PERCENT },
    { "mean", "MEAN", COL_MS }, { "min", "MIN", COL_MS }, { "max", "MAX", COL_MS },
    { "p50", "P50", COL_MS }, { "p95", "P95", COL_MS }, { "p99", "P99", COL_MS },
    { NULL }
};
static const column_t s_billing_columns [] = {
    { "device", "DEVICE", COL_TEXT }, { "interface", "INTERFACE", COL_TEXT }, { "site", "SITE", COL_TEXT },
    { "samples", "5MIN", COL_INT }, { "in_p95_bps", "IN95", COL_BPS }, { "out_p95_bps", "OUT95", COL_BPS },
    { "billable_bps", "BILLABLE", COL_BPS }, { "in_max_bps", "INMAX", COL_BPS }, { "out_max_bps", "OUTMAX", COL_BPS },
    { NULL }
};
static const column_t s_top_columns [] = {
    { "device", "DEVICE", COL_TEXT }, { "interface", "INTERFACE", COL_TEXT }, { "site", "SITE", COL_TEXT },
    { "peak_p95_pct", "PEAK95", COL_PERCENT }, { "in_p95_pct", "IN95", COL_PERCENT },
    { "out_p95_pct", "OUT95", COL_PERCENT }, { "in_mean_pct", "INMEAN", COL_PERCENT },
    { "out_mean_pct", "OUTMEAN", COL_PERCENT },
    { NULL }
};
static const column_t s_availability_columns [] = {
    { "device", "DEVICE", COL_TEXT }, { "site", "SITE", COL_TEXT }, { "devices", "DEVICES", COL_INT },
    { "availability_pct", "AVAIL", COL_AVAIL }, { "up_s", "UP", COL_SPAN },
    { "down_s", "DOWN", COL_SPAN }, { "unreachable_s", "UNREACH", COL_SPAN },
    { "maintenance_s", "MAINT", COL_SPAN }, { "unknown_s", "UNKNOWN", COL_SPAN },
    { "outages", "OUTAGES", COL_INT }, { "target_met", "MET", COL_TEXT },
    { NULL }
};
static const column_t s_alarm_report_columns [] = {
    { "rule", "RULE", COL_TEXT }, { "severity", "SEVERITY", COL_TEXT }, { "count", "COUNT", COL_INT },
    { "acked", "ACKED", COL_INT }, { "cleared", "CLEARED", COL_INT }, { "mtta_s", "MTTA(s)", COL_RATE },
    { "mttr_s", "MTTR(s)", COL_RATE },
    { NULL }
};
static const column_t s_bucket_columns [] = {
    { "ts_us", "TIME", COL_TIME }, { "samples", "SAMPLES", COL_INT }, { "lost_samples", "LOST", COL_INT },
    { "min", "MIN", COL_MS }, { "value", "MEAN", COL_MS }, { "max", "MAX", COL_MS },
    { "p50", "P50", COL_MS }, { "p95", "P95", COL_MS }, { "p99", "P99", COL_MS },
    { NULL }
};

json_t *
cli_call (const command_t *command, json_t *args, int *code)
{
    client_t *client = client_new (NULL);
    json_t *result = client_call (client, command->op, json_incref (args), code);
    client_destroy (&client);
    return result;
}

void
cli_print_json (json_t *value)
{
    json_dumpf (value, stdout, JSON_ENCODE_ANY | JSON_INDENT (2));
    putchar ('\n');
}

int
cli_run_print (const command_t *command, json_t *args, bool json, bool csv, cli_print_fn *print)
{
    int code;
    json_t *result = cli_call (command, args, &code);
    if (result && json)
        cli_print_json (result);
    else
    if (result)
        print (result, csv);
    json_decref (result);
    return code;
}

static int
s_login (const command_t *command, json_t *args, bool json, bool csv)
{
    client_t *client = client_new (NULL);
    char *password = cli_secret ("password", json_is_true (json_object_get (args, "password_stdin")));
    if (!password || !*password) {
        fprintf (stderr, "vedette: login: no password given\n");
        vd_secret_free (&password);
        client_destroy (&client);
        return EXIT_USAGE;
    }
    json_t *request = json_pack ("{s:O, s:s}", "user", json_object_get (args, "user"),
                                 "password", password);
    vd_secret_free (&password);
    int code;
    json_t *result = client_call (client, command->op, request, &code);
    if (result) {
        const char *user = json_string_value (json_object_get (result, "user"));
        const char *token = json_string_value (json_object_get (result, "token"));
        if (client_save_session (client, user, token,
                                 json_integer_value (json_object_get (result, "expires_us"))))
            code = EXIT_FAILED;
        else
        if (json)
            printf ("{\"user\": \"%s\", \"role\": \"%s\"}\n", user,
                    json_string_value (json_object_get (result, "role")));
        else
            printf ("logged in to %s as %s (%s)\n", client_endpoint (client), user,
                    json_string_value (json_object_get (result, "role")));
        sodium_memzero ((char *) token, strlen (token));
        json_decref (result);
    }
    client_destroy (&client);
    (void) csv;
    return code;
}

static int
s_logout (const command_t *command, json_t *args, bool json, bool csv)
{
    int code;
    json_t *result = cli_call (command, args, &code);
    //  forget the token whatever meshd said: it is of no more use
    client_forget_session ();
    json_decref (result);
    (void) json;
    (void) csv;
    return code == EXIT_DENIED? EXIT_OK: code;
}

static int
s_enroll (const command_t *command, json_t *args, bool json, bool csv)
{
    int code;
    json_t *result = cli_call (command, args, &code);
    if (result && json)
        cli_print_json (result);
    else
    if (result) {
        char expires [64];
        printf ("%s\n", json_string_value (json_object_get (result, "token")));
        fprintf (stderr, "one-time token for probe %s of site %s, dialling %s; expires %s.\n"
                 "On the probe: vedette-probe join TOKEN -d /var/lib/vedette-probe\n",
                 json_string_value (json_object_get (result, "name")),
                 json_string_value (json_object_get (result, "site")),
                 json_string_value (json_object_get (result, "endpoint")),
                 table_age (json_integer_value (json_object_get (result, "expires_us")),
                            expires, sizeof expires));
    }
    json_decref (result);
    (void) csv;
    return code;
}

static int
s_series_show (const command_t *command, json_t *args, bool json, bool csv)
{
    //  --probe: the name given is a probe's
    if (json_is_true (json_object_get (args, "probe"))) {
        json_object_set (args, "probe", json_object_get (args, "device"));
        json_object_del (args, "device");
    }
    int code;
    json_t *result = cli_call (command, args, &code);
    if (result && json)
        cli_print_json (result);
    else
    if (result) {
        json_t *points = json_object_get (result, "points");
        json_t *owner = json_object_get (result, "device");
        int64_t step = json_integer_value (json_object_get (result, "step_us"));
        int64_t resolution = json_integer_value (json_object_get (result, "resolution_us"));
        if (!csv && step)
            printf ("# %s %s (%s), %zu buckets of %llds from %s\n",
                    json_string_value (owner? owner: json_object_get (result, "probe")),
                    json_string_value (json_object_get (result, "metric")),
                    json_string_value (json_object_get (result, "unit")), json_array_size (points),
                    (long long) (step / 1000000),
                    resolution == 0? "the samples": resolution == 300000000? "5-minute rollups":
                    resolution == 3600000000? "1-hour rollups": "1-day rollups");
        else
        if (!csv)
            printf ("# %s %s (%s), %zu samples\n",
                    json_string_value (owner? owner: json_object_get (result, "probe")),
                    json_string_value (json_object_get (result, "metric")),
                    json_string_value (json_object_get (result, "unit")), json_array_size (points));
        table_print (points, step? s_bucket_columns: s_point_columns, csv);
    }
    json_decref (result);
    return code;
}

//  user add, user set: the password from stdin or the terminal, when wanted
static int
s_user (const command_t *command, json_t *args, bool json, bool csv)
{
    bool from_stdin = json_is_true (json_object_get (args, "password_stdin"));
    bool wanted = streq (command->verb, "add") || from_stdin
               || json_is_true (json_object_get (args, "password"));
    json_object_del (args, "password_stdin");
    json_object_del (args, "password");
    if (wanted) {
        char *password = cli_secret ("password", from_stdin);
        if (!password || !*password) {
            fprintf (stderr, "vedette: user %s: no password given\n", command->verb);
            vd_secret_free (&password);
            return EXIT_USAGE;
        }
        json_object_set_new (args, "password", json_string (password));
        vd_secret_free (&password);
    }
    int code;
    json_t *result = cli_call (command, args, &code);
    json_t *password = json_object_get (args, "password");
    if (password)
        sodium_memzero ((char *) json_string_value (password), json_string_length (password));
    if (result && json)
        cli_print_json (result);
    else
    if (result)
        printf ("user %s %s\n", json_string_value (json_object_get (args, "name")),
                streq (command->verb, "add")? "added": "changed");
    json_decref (result);
    (void) csv;
    return code;
}

//  apikey add: the client key file, printed once (or written, mode 0600)
static int
s_apikey_add (const command_t *command, json_t *args, bool json, bool csv)
{
    char *output = json_object_get (args, "output")
                 ? strdup (json_string_value (json_object_get (args, "output"))): NULL;
    json_object_del (args, "output");
    int code;
    json_t *result = cli_call (command, args, &code);
    if (result) {
        const char *field [] = { "name", "user", "server_key", "endpoint", "events",
                                 "public_key", "secret_key" };
        const char *text [7];
        for (int i = 0; i < 7; i++)
            text [i] = json_string_value (json_object_get (result, field [i]));
        char *key = json ? json_dumps (result, JSON_INDENT (2))
                         : zsys_sprintf ("#   vedette API client key: keep it secret (vedette-api(7))\n"
            "metadata\n    name = \"%s\"\n    user = \"%s\"\n    server-key = \"%s\"\n"
            "    endpoint = \"%s\"\n    events = \"%s\"\n"
            "curve\n    public-key = \"%s\"\n    secret-key = \"%s\"\n",
            text [0], text [1], text [2], text [3], text [4], text [5], text [6]);
        if (output) {
            if (vd_file_write_atomic (output, key, strlen (key), 0600)) {
                fprintf (stderr, "vedette: %s: cannot write the key\n", output);
                code = EXIT_FAILED;
            }
            else
                fprintf (stderr, "client key %s of %s written to %s; use it with "
                                 "vedette --key %s\n", text [0], text [1], output, output);
        }
        else
            printf ("%s%s", key, json? "\n": "");
        sodium_memzero (key, strlen (key));
        free (key);
        json_t *secret = json_object_get (result, "secret_key");
        sodium_memzero ((char *) json_string_value (secret), json_string_length (secret));
    }
    json_decref (result);
    free (output);
    (void) csv;
    return code;
}

//  device show: the device, then its checks and series as tables
static int
s_device_show (const command_t *command, json_t *args, bool json, bool csv)
{
    int code;
    json_t *result = cli_call (command, args, &code);
    if (result && json)
        cli_print_json (result);
    else
    if (result) {
        char created [64];
        printf ("device   %s\naddress  %s\nsite     %s\nprobe    %s (%s)\nadded    %s\n\n",
                json_string_value (json_object_get (result, "name")),
                json_string_value (json_object_get (result, "address")),
                json_string_value (json_object_get (result, "site")),
                json_is_string (json_object_get (result, "probe"))
                    ? json_string_value (json_object_get (result, "probe")): "none",
                json_is_string (json_object_get (result, "probe_link"))
                    ? json_string_value (json_object_get (result, "probe_link")): "-",
                table_age (json_integer_value (json_object_get (result, "created_us")),
                           created, sizeof created));
        json_t *snmp = json_object_get (result, "snmp");
        if (snmp) {
            //  what the last SNMP poll said
            static const char *fields [] = { "cred", "status", "error", "sys_name", "sys_descr",
                "sys_object_id", "sys_location", "sys_contact", "vendor", "model", NULL };
            for (int i = 0; fields [i]; i++) {
                json_t *value = json_object_get (snmp, fields [i]);
                if (json_is_string (value))
                    printf ("%-13s %s\n", fields [i], json_string_value (value));
            }
            json_t *uptime = json_object_get (snmp, "uptime_s");
            if (json_is_integer (uptime))
                printf ("%-13s %lld s\n", "uptime", (long long) json_integer_value (uptime));
            if (json_is_integer (json_object_get (snmp, "polled_us")))
                printf ("%-13s %s\n\n", "polled", table_age (json_integer_value (
                        json_object_get (snmp, "polled_us")), created, sizeof created));
            else
                printf ("%-13s never\n\n", "polled");
        }
        table_print (json_object_get (result, "checks"), s_check_columns, csv);
        printf ("\n");
        if (json_array_size (json_object_get (result, "interfaces"))) {
            table_print (json_object_get (result, "interfaces"), s_interface_columns, csv);
            printf ("\n");
        }
        table_print (json_object_get (result, "series"), s_series_columns, csv);
        if (json_array_size (json_object_get (result, "neighbours"))) {
            printf ("\n");
            table_print (json_object_get (result, "neighbours"), s_link_columns, csv);
        }
    }
    json_decref (result);
    return code;
}

//  A discovery's last run: its figures, then the hosts found
static void
s_print_discovery (json_t *result, bool csv)
{
    printf ("discovery %lld: %s, %lld runs", (long long) json_integer_value (json_object_get (result, "id")),
            json_string_value (json_object_get (result, "state")),
            (long long) json_integer_value (json_object_get (result, "runs")));
    if (json_object_get (result, "swept"))
        printf ("; last: %lld addresses swept, %lld alive, %lld found (%lld added, %lld updated, "
                "%lld aliases) in %.1f s",
                (long long) json_integer_value (json_object_get (result, "swept")),
                (long long) json_integer_value (json_object_get (result, "alive")),
                (long long) json_integer_value (json_object_get (result, "found")),
                (long long) json_integer_value (json_object_get (result, "added")),
                (long long) json_integer_value (json_object_get (result, "updated")),
                (long long) json_integer_value (json_object_get (result, "aliases")),
                json_number_value (json_object_get (result, "seconds")));
    printf ("\n");
    if (json_array_size (json_object_get (result, "hosts"))) {
        printf ("\n");
        table_print (json_object_get (result, "hosts"), s_found_columns, csv);
    }
}

static int
s_discovery_show (const command_t *command, json_t *args, bool json, bool csv)
{
    return cli_run_print (command, args, json, csv, s_print_discovery);
}

//  discover: starts a discovery, then waits for its run's report
static int
s_discover (const command_t *command, json_t *args, bool json, bool csv)
{
    bool wait = !json_is_true (json_object_get (args, "no_wait"));
    json_object_del (args, "no_wait");
    int code;
    json_t *result = cli_call (command, args, &code);
    if (!result)
        return code;
    int64_t id = json_integer_value (json_object_get (result, "id"));
    if (!wait) {
        if (json)
            cli_print_json (result);
        else
            printf ("discovery %lld started on %lld addresses: see vedette discovery show %lld\n",
                    (long long) id, (long long) json_integer_value (json_object_get (result, "addresses")),
                    (long long) id);
        json_decref (result);
        return code;
    }
    json_decref (result);
    if (!json)
        fprintf (stderr, "discovery %lld: sweeping...\n", (long long) id);
    static const command_t show = { "discovery", "show", "discovery.show", NULL, NULL, NULL, NULL, NULL, NULL };
    //  a /16 of slow agents takes minutes; a probe away, longer: give up after an hour
    int64_t deadline = vd_mono_ms () + 3600 * 1000;
    while (true) {
        json_t *show_args = json_pack ("{s:I}", "id", (json_int_t) id);
        json_t *state = cli_call (&show, show_args, &code);
        json_decref (show_args);
        if (!state)
            return code;
        if (streq (json_string_value (json_object_get (state, "state")), "done")) {
            if (json)
                cli_print_json (state);
            else
                s_print_discovery (state, csv);
            json_decref (state);
            return EXIT_OK;
        }
        json_decref (state);
        if (vd_mono_ms () > deadline) {
            fprintf (stderr, "vedette: discovery %lld has not reported yet: see discovery show %lld\n",
                     (long long) id, (long long) id);
            return EXIT_FAILED;
        }
        usleep (200 * 1000);
    }
}

//  route add: --no-recovery is recovery false
static int
s_route_add (const command_t *command, json_t *args, bool json, bool csv)
{
    if (json_is_true (json_object_get (args, "no_recovery"))) {
        json_object_del (args, "no_recovery");
        json_object_set_new (args, "recovery", json_false ());
    }
    (void) command;
    return cli_run_generic (command, args, json, csv);
}

//  alarm show: the alarm, then its notifications and their deliveries
static int
s_alarm_show (const command_t *command, json_t *args, bool json, bool csv)
{
    int code;
    json_t *result = cli_call (command, args, &code);
    if (result && json)
        cli_print_json (result);
    else
    if (result) {
        static const char *fields [] = { "id", "rule", "severity", "state", "object", "device",
            "site", "probe", "message", "value", "count", "first_us", "last_us", "acked_by",
            "comment", "ack_expires_us", "cleared_us", "cleared_by", "suppressed_by", "flapping",
            NULL };
        for (int i = 0; fields [i]; i++) {
            json_t *value = json_object_get (result, fields [i]);
            if (!value || json_is_null (value))
                continue;
            char text [256];
            if (json_is_string (value))
                snprintf (text, sizeof text, "%s", json_string_value (value));
            else
            if (json_is_integer (value) && strstr (fields [i], "_us"))
                table_age (json_integer_value (value), text, sizeof text);
            else {
                char *dumped = json_dumps (value, JSON_ENCODE_ANY);
                snprintf (text, sizeof text, "%s", dumped);
                free (dumped);
            }
            printf ("%-14s %s\n", fields [i], text);
        }
        printf ("\n");
        table_print (json_object_get (result, "notifications"), s_notification_columns, csv);
    }
    json_decref (result);
    return code;
}

//  The full-screen console (tui.c)
static int
s_console (const command_t *command, json_t *args, bool json, bool csv)
{
    (void) command; (void) args; (void) json; (void) csv;
    return tui_main (NULL);
}

const command_t commands [] = {
    { "console", NULL, NULL, NULL, NULL, s_no_options, NULL, s_console,
      "the full-screen console (also: vedette with no command, on a terminal)" },
    { "login", NULL, "login", "USER", "user", s_login_options, NULL, s_login,
      "log in to meshd and keep the session token (24 h)" },
    { "logout", NULL, "logout", NULL, NULL, s_no_options, NULL, s_logout,
      "end the session and forget its token" },
    { "whoami", NULL, "whoami", NULL, NULL, s_no_options, NULL, NULL,
      "show the logged-in user, role and site scopes" },
    { "server", "status", "server.status", NULL, NULL, s_no_options, NULL, NULL,
      "meshd's version, uptime, counts and refused requests" },
    { "site", "add", "site.add", "NAME", "name", s_no_options, NULL, NULL,
      "add a site" },
    { "site", "list", "site.list", NULL, NULL, s_no_options, s_site_columns, NULL,
      "list sites" },
    { "site", "remove", "site.remove", "NAME", "name", s_no_options, NULL, NULL,
      "remove a site without probes or devices" },
    { "probe", "enroll", "probe.enroll", NULL, NULL, s_enroll_options, NULL, s_enroll,
      "make a one-time join token for a new probe" },
    { "probe", "list", "probe.list", NULL, NULL, s_site_filter, s_probe_columns, NULL,
      "list probes: state, link, last seen, backlog, version" },
    { "probe", "mesh", "probe.mesh", NULL, NULL, s_mesh_options, s_mesh_columns, NULL,
      "the paths between probes, as each measured them last: round trip, loss, jitter" },
    { "probe", "revoke", "probe.revoke", "NAME", "name", s_no_options, NULL, NULL,
      "revoke a probe: its key is refused and its session closed" },
    { "device", "add", "device.add", "ADDRESS", "address", s_device_add_options, NULL, NULL,
      "add a device, pinged (and polled over SNMP with --snmp) by a probe of its site" },
    { "device", "list", "device.list", NULL, NULL, s_device_list_options, s_device_columns, NULL,
      "list devices: status, last RTT, loss, jitter, probe" },
    { "device", "summary", "device.summary", NULL, NULL, s_site_filter, NULL, NULL,
      "devices by status, and the five worst by latency and by loss now" },
    { "device", "show", "device.show", "NAME", "name", s_no_options, NULL, s_device_show,
      "show a device with its checks and series" },
    { "device", "remove", "device.remove", "NAME", "name", s_no_options, NULL, NULL,
      "remove a device and its checks" },
    { "device", "set", "device.set", "NAME", "name", s_device_set_options, NULL, NULL,
      "change a device: its parent (for correlation), SNMP polling, configuration backups" },
    { "interface", "list", "interface.list", "DEVICE", "device", s_no_options, s_interface_columns, NULL,
      "list a device's interfaces: status, speed, rates, utilisation, errors" },
    { "check", "list", "check.list", NULL, NULL, s_check_list_options, s_check_columns, NULL,
      "list checks: device, kind, interval, parameters" },
    { "check", "add", "check.add", "DEVICE KIND", "device kind", s_check_add_options, NULL, NULL,
      "add a check to a device: snmp (a custom OID read in each poll), tcp, dns or http" },
    { "discover", NULL, "discovery.add", "CIDR...", "targets...", s_discover_options, NULL, s_discover,
      "sweep networks from a probe (ICMP, then SNMP with the credentials in order) and add what answers" },
    { "discovery", "list", "discovery.list", NULL, NULL, s_site_filter, s_discovery_columns, NULL,
      "list discoveries: targets, state, runs, last run's figures" },
    { "discovery", "show", "discovery.show", "ID", "id:i", s_no_options, NULL, s_discovery_show,
      "show a discovery and the hosts of its last run" },
    { "discovery", "run", "discovery.run", "ID", "id:i", s_no_options, NULL, s_discovery_show,
      "run a discovery again now" },
    { "discovery", "remove", "discovery.remove", "ID", "id:i", s_no_options, NULL, NULL,
      "remove a discovery (the devices it added stay)" },
    { "topology", NULL, "topology.list", NULL, NULL, s_topology_options, s_link_columns, NULL,
      "list links between devices, from LLDP and CDP" },
    { "check", "remove", "check.remove", "DEVICE NAME", "device name", s_no_options, NULL, NULL,
      "remove a device's named check" },
    { "series", "list", "series.list", "DEVICE", "device", s_no_options, s_series_columns, NULL,
      "list a device's series with their last values" },
    { "series", "show", "series.show", "NAME METRIC", "device metric", s_series_options, NULL, s_series_show,
      "show the samples of a device's series (icmp.rtt, icmp.loss, icmp.jitter) or, with --probe, a probe's" },
    { "report", "latency", "report.latency", NULL, NULL, s_report_options, s_latency_columns, cli_report,
      "latency over a period per device and probe path: loss, mean, p50, p95, p99" },
    { "report", "billing", "report.billing", NULL, NULL, s_report_options, s_billing_columns, cli_report,
      "95th percentile billing per interface over a period (5-minute rates, in and out)" },
    { "report", "top", "report.top", NULL, NULL, s_report_top_options, s_top_columns, cli_report,
      "the interfaces most used over a period (95th percentile of 5-minute utilisation)" },
    { "report", "availability", "report.availability", NULL, NULL, s_report_availability_options,
      s_availability_columns, cli_report,
      "time up, down, unreachable, in maintenance and unknown per device or site: availability (SLA)" },
    { "report", "alarms", "report.alarms", NULL, NULL, s_report_options, s_alarm_report_columns, cli_report,
      "alarms raised over a period by rule and severity: counts, MTTA, MTTR" },
    { "user", "add", "user.add", "NAME", "name", s_user_add_options, NULL, s_user,
      "add a user with a role and optional site scopes" },
    { "user", "list", "user.list", NULL, NULL, s_no_options, s_user_columns, NULL,
      "list users: role, sites, API keys, sessions" },
    { "user", "set", "user.set", "NAME", "name", s_user_set_options, NULL, s_user,
      "change a user's role, sites or password (your own password: anyone)" },
    { "user", "remove", "user.remove", "NAME", "name", s_no_options, NULL, NULL,
      "remove a user with their sessions and API keys" },
    { "user key", "add", "user.key.add", "USER KEY", "user key", s_no_options, NULL, NULL,
      "register an SSH public key (an authorized_keys line) for the console over SSH" },
    { "user key", "list", "user.key.list", "[USER]", "user?", s_no_options, s_user_key_columns, NULL,
      "list SSH public keys by fingerprint (admins: all; others: their own)" },
    { "user key", "remove", "user.key.remove", "USER FINGERPRINT", "user fingerprint", s_no_options, NULL, NULL,
      "remove an SSH public key" },
    { "apikey", "add", "apikey.add", "NAME", "name", s_apikey_add_options, NULL, s_apikey_add,
      "make a client key for the CURVE tcp API; printed once" },
    { "apikey", "list", "apikey.list", NULL, NULL, s_no_options, s_apikey_columns, NULL,
      "list API keys (admins: all; others: their own)" },
    { "apikey", "remove", "apikey.remove", "NAME", "name", s_no_options, NULL, NULL,
      "remove an API key: it is refused from the next connection" },
    { "audit", "list", "audit.list", NULL, NULL, s_audit_options, s_audit_columns, NULL,
      "read the audit log: who changed what, when, from where" },
    { "rule", "add", "rule.add", "NAME", "name", s_rule_add_options, NULL, cli_rule_add,
      "add an alarm rule: a threshold, an event match or a state" },
    { "rule", "list", "rule.list", NULL, NULL, s_no_options, s_rule_columns, NULL,
      "list rules with their open alarms" },
    { "rule", "set", "rule.set", "NAME", "name", s_rule_set_options, NULL, cli_rule_set,
      "change a rule's severity, or turn it off and on" },
    { "rule", "remove", "rule.remove", "NAME", "name", s_no_options, NULL, NULL,
      "remove a rule; its open alarms are cleared" },
    { "rule", "test", "rule.test", "NAME", "name", s_rule_test_options, NULL, cli_rule_test,
      "show what a rule would have raised on stored data" },
    { "alarm", "list", "alarm.list", NULL, NULL, s_alarm_list_options, s_alarm_columns, NULL,
      "list alarms: open ones first, worst first" },
    { "alarm", "show", "alarm.show", "ID", "id:i", s_no_options, NULL, s_alarm_show,
      "show an alarm with its notifications and deliveries" },
    { "alarm", "ack", "alarm.ack", "[ID]", "id:i?", s_alarm_ack_options, NULL, NULL,
      "acknowledge an alarm, or --all matching filters" },
    { "alarm", "unack", "alarm.unack", "[ID]", "id:i?", s_alarm_unack_options, NULL, NULL,
      "take an acknowledgement back" },
    { "alarm", "clear", "alarm.clear", "ID", "id:i", s_alarm_clear_options, NULL, NULL,
      "clear an alarm by hand" },
    { "maintenance", "add", "maintenance.add", NULL, NULL, s_maintenance_add_options, NULL, NULL,
      "plan a maintenance window for a device or a site" },
    { "maintenance", "list", "maintenance.list", NULL, NULL, s_maintenance_list_options,
      s_maintenance_columns, NULL, "list maintenance windows" },
    { "maintenance", "remove", "maintenance.remove", "ID", "id:i", s_no_options, NULL, NULL,
      "remove a maintenance window" },
    { "cred", "add", "cred.add", "KIND NAME", "kind name", s_cred_add_options, NULL, cli_cred_add,
      "add a credential (snmp: a community or a v3 user; ssh: a user with a password or key); sealed, never shown again" },
    { "cred", "test", "cred.test", "NAME", "name", s_cred_test_options, NULL, cli_cred_test,
      "log into a device with an ssh credential through its probe, now: does it work?" },
    { "cred", "list", "cred.list", NULL, NULL, s_no_options, s_cred_columns, NULL,
      "list credentials: names and summaries, nothing secret" },
    { "cred", "remove", "cred.remove", "NAME", "name", s_no_options, NULL, NULL,
      "remove a credential" },
    { "backup", "run", "backup.run", "[DEVICE]", "device?", s_backup_run_options, NULL, cli_backup_run,
      "back up a device, or a site's devices, now, and wait for the results" },
    { "nas", "add", "nas.add", "NAME", "name", cli_nas_add_options, NULL, cli_nas_add,
      "add a NAS whose RADIUS accounting the site's probes receive, with its shared secret" },
    { "nas", "list", "nas.list", NULL, NULL, s_no_options, cli_nas_columns, NULL,
      "the NASes, with their active sessions and last record" },
    { "nas", "remove", "nas.remove", "NAME", "name", s_no_options, NULL, NULL,
      "remove a NAS that has no sessions in the IP history" },
    { "ip-history", NULL, "ip.history", "ADDRESS", "address", cli_ip_history_options, NULL, cli_ip_history,
      "who had an address or prefix at a time or over a range, and how sure that is (audited)" },
    { "ppp", "sessions", "ppp.sessions", NULL, NULL, cli_ppp_sessions_options, cli_ppp_session_columns, NULL,
      "a subscriber's, a NAS's or a MAC's PPP sessions, newest first (audited)" },
    { "ppp", "usage", "ppp.usage", NULL, NULL, cli_ppp_usage_options, cli_ppp_usage_columns, NULL,
      "a subscriber's octets in and out per month, gigawords counted (audited)" },
    { "backup", "schedule", "backup.schedule", "SITE", "site", s_backup_schedule_options, NULL, NULL,
      "how often a site's devices are backed up, those without an interval of their own" },
    { "backup", "status", "backup.status", NULL, NULL, s_backup_status_options, s_backup_status_columns, NULL,
      "each backed-up device: model, last success and failure with why, versions" },
    { "backup", "list", "backup.list", "DEVICE", "device", s_backup_list_options, s_backup_list_columns, NULL,
      "a device's configuration versions, newest first, with lines added and removed and who" },
    { "backup", "show", "backup.show", "DEVICE [VERSION]", "device version:i?", s_no_options, NULL, cli_backup_show,
      "print a configuration version (the latest unless named)" },
    { "backup", "diff", "backup.diff", "DEVICE [V1 [V2]]", "device from:i? to:i?", s_backup_diff_options, NULL,
      cli_backup_diff, "a unified diff between two versions (the latest two unless named)" },
    { "backup", "grep", "backup.grep", "PATTERN", "pattern", s_backup_grep_options, NULL, cli_backup_grep,
      "the lines matching a pattern (regex(7)) in the latest configuration of every device" },
    { "backup", "export", NULL, NULL, NULL, s_backup_export_options, NULL, cli_backup_export,
      "write every version into a git repository: a file per device, a commit per version, author who" },
    { "backup", "models", "backup.models", NULL, NULL, s_no_options, s_backup_model_columns, NULL,
      "list the backup models: shipped, and those in meshd's models/dir" },
    { "backup", "accept", "backup.accept", "DEVICE", "device", s_no_options, NULL, NULL,
      "accept the new host key a device shows, and back it up" },
    { "trap", "add", "trap.add", "CRED", "cred", s_trap_options, NULL, NULL,
      "accept traps and informs with a credential's community or v3 user, at every probe, a site or a probe" },
    { "trap", "list", "trap.list", NULL, NULL, s_no_options, s_trap_columns, NULL,
      "list the credentials traps are accepted with, and where" },
    { "trap", "remove", "trap.remove", "CRED", "cred", s_trap_options, NULL, NULL,
      "stop accepting traps with a credential there" },
    { "schedule", "add", "schedule.add", "NAME", "name", s_schedule_add_options, NULL, NULL,
      "schedule a report of the last day, week or month, sent through a channel once it is over" },
    { "schedule", "list", "schedule.list", NULL, NULL, s_no_options, s_schedule_columns, NULL,
      "list scheduled reports: when they run next, how the last went" },
    { "schedule", "remove", "schedule.remove", "NAME", "name", s_no_options, NULL, NULL,
      "remove a scheduled report" },
    { "schedule", "run", "schedule.run", "NAME", "name", s_no_options, NULL, NULL,
      "send a scheduled report's last whole period now" },
    { "channel", "add", "channel.add", "NAME KIND", "name kind", s_channel_add_options, NULL, NULL,
      "add a notification channel: email, webhook or exec" },
    { "channel", "list", "channel.list", NULL, NULL, s_no_options, s_channel_columns, NULL,
      "list notification channels" },
    { "channel", "remove", "channel.remove", "NAME", "name", s_no_options, NULL, NULL,
      "remove a channel and its routes" },
    { "route", "add", "route.add", NULL, NULL, s_route_add_options, NULL, s_route_add,
      "route alarms of a severity (and site) to a channel, with escalation" },
    { "route", "list", "route.list", NULL, NULL, s_no_options, s_route_columns, NULL,
      "list routes" },
    { "route", "remove", "route.remove", "ID", "id:i", s_no_options, NULL, NULL,
      "remove a route" },
    { "notification", "list", "notification.list", NULL, NULL, s_notification_list_options,
      s_notification_columns, NULL, "the notification log: what went where, and how it went" },
    { "event", "list", "event.list", NULL, NULL, s_event_list_options, s_event_columns, cli_event_list,
      "list recorded events since a time" },
    { "event", "since", "event.since", "SEQ", "seq:i", s_event_since_options, s_event_columns, cli_event_list,
      "list recorded events after a sequence number" },
    { "event", "follow", NULL, NULL, NULL, s_event_follow_options, NULL, cli_event_follow,
      "follow the live event stream; gaps are filled from the record" },
    { NULL }
};
