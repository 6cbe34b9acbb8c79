#!/bin/bash
# T15, an SNMP trap storm with malformed and badly authenticated traps
# (CVE-2025-68615, snmptrapd's trap OID overflow; net-snmp's
# snmp_parse_trap fuzzers): a probe in a network namespace of its own
# (meshd in another) takes 5,000 traps/s for 60 s (6 s with QUICK=1) from
# 50 sources, v1, v2c and v3 mixed: one in ten malformed (bad BER lengths,
# an OID of 129 sub-identifiers, a snmpTrapOID.0 that is not an OID or is
# missing), one in ten v3 with a wrong key, one in ten with an unknown
# community (trap_storm.py). The probe lives; no trap with a wrong key or
# an unknown community is stored; the malformed count that reaches meshd is
# exactly what was sent malformed, and so are the other refusals; every
# datagram is accounted for; at least 99% of the good traps are stored.
. "$(dirname "$0")/lib.sh"
SECONDS_STORM=$(dur 60) ENGINE=0x80001f8804746573743135 SOURCES=50
in_namespaces 215 || { fail "cannot make the namespaces"; finish; }
M=$T/meshd
start_meshd "$M" || { fail "meshd starts"; finish; }
V site add lab >/dev/null
TP=$(free_port)
joined p1 lab
printf 'createUser -e %s storm SHA stormpass123\n' "$ENGINE" > "$T/trapusers"
chmod 600 "$T/trapusers"
printf 'listen\n    syslog_udp = ""\n    syslog_tcp = ""\n    trap = "udp:127.0.0.1:%s"\n    trap_community = "public"\n    trap_users = "%s"\n    radius = ""\n' \
    "$TP" "$T/trapusers" > "$T/p1/probe.cfg"
run_probe p1
check "the probe connects" wait_for 20 probe_link_is p1 connected
check "the probe listens for traps" wait_for 10 grep -q "listen: traps on udp:127.0.0.1:$TP" "$T/p1.log"
rss () { awk '/^VmRSS/ { print $2 }' "/proc/$PROBE_PID_p1/status"; }
rss0=$(rss)
kernel () { ip netns exec $NS awk '/^Udp:/ && $2 ~ /^[0-9]/ {print $4}' /proc/net/snmp; }
k0=$(kernel)
read -r good community wrong_key malformed <<< "$(ip netns exec $NS $PY "$SRC/tests/reliability/trap_storm.py" \
    "$TP" "$SECONDS_STORM" 5000 $SOURCES $ENGINE storm stormpass123)"
k1=$(kernel) rss1=$(rss)
sent=$(( good + community + wrong_key + malformed )) kernel_drops=$(( k1 - k0 ))
# the counters meshd has from the probe (its PING), once they count every
# datagram the kernel handed over and the spool is empty
counters () {
    V probe list --json | $PY -c "
import json,sys; t=[p for p in json.load(sys.stdin) if p['name']=='p1'][0]['listen']['trap']
print(t['received'], t['passed'], t['limited'], t['bad_community'], t['bad_auth'], t['malformed'], t['queue'])"
}
settled () { [ "$(counters | cut -d' ' -f1)" = $(( sent - kernel_drops )) ] && [ "$(probe_field p1 backlog)" = 0 ]; }
check "meshd has the probe's counts of every datagram" wait_for 120 settled
read -r received passed limited bad_community bad_auth bad queue <<< "$(counters)"
stored () { sqlite3 "file:$M/meshd.db?mode=ro" "SELECT count(*) FROM event WHERE topic = 'trap' AND data ->> 'oid' = '1.3.6.1.4.1.99999.15.$1'"; }
check "every passed trap reaches meshd" wait_for 60 bash -c "[ \"\$(sqlite3 'file:$M/meshd.db?mode=ro' \"SELECT count(*) FROM event WHERE topic = 'trap'\")\" = $passed ]"
stored_good=$(( $(stored 1) + $(stored 0.1) ))   # v1: the enterprise, 0, the specific
figure "sent" "$sent ($good good, $community unknown community, $wrong_key wrong key, $malformed malformed)"
figure "counted by the probe: received, passed, limited, bad community, bad auth, malformed, queue" \
    "$received, $passed, $limited, $bad_community, $bad_auth, $bad, $queue"
figure "dropped by the kernel" "$kernel_drops"
figure "good traps stored" "$stored_good of $good"
figure "probe RSS before, after the storm" "$rss0 kB, $rss1 kB"
criterion "the probe lives" kill -0 "$PROBE_PID_p1"
criterion "traps with a wrong v3 key stored: 0" [ "$(stored 3)" = 0 ]
criterion "traps with an unknown community stored: 0" [ "$(stored 2)" = 0 ]
criterion "malformed traps stored: 0" [ "$(stored 4)" = 0 ]
criterion "malformed counted = malformed sent, exactly" [ "$bad" = "$malformed" ]
criterion "bad auth counted = wrong keys sent, exactly" [ "$bad_auth" = "$wrong_key" ]
criterion "bad community counted = unknown communities sent, exactly" [ "$bad_community" = "$community" ]
criterion "every datagram accounted for, exactly" \
    [ $(( passed + limited + bad_community + bad_auth + bad + queue + kernel_drops )) = "$sent" ]
criterion "good traps stored >= 99%" [ $(( 100 * stored_good )) -ge $(( 99 * good )) ]
criterion "the probe's RSS stays under its baseline + 64 MB" [ "$rss1" -lt $(( rss0 + 65536 )) ]
finish
