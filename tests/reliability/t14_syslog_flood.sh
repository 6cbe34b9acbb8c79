#!/bin/bash
# T14, a syslog flood (rsyslog's imudp rate limits; CVE-2019-17041/17042):
# a probe in a network namespace of its own (meshd in another) takes 10,000 datagrams/s for
# 60 s (6 s with QUICK=1) from one source, of random lengths up to 2 KB,
# one in ten malformed, while a device sends 100/s from another and the
# probe polls an snmpd every second. The probe lives and stays under its
# baseline RSS + 64 MB; every datagram is accounted for (stored + dropped
# by the probe + dropped by the kernel = sent, exactly); the device loses
# under 1% (each source has its own limit, listen/rate); polls stay under
# 2 s at p99.
. "$(dirname "$0")/lib.sh"
SECONDS_FLOOD=$(dur 60)
in_namespaces 213 || { fail "cannot make the namespaces"; finish; }
M=$T/meshd
start_meshd "$M" || { fail "meshd starts"; finish; }
V site add lab >/dev/null
SP=$(free_port)
joined p1 lab
printf 'listen\n    syslog_udp = "127.0.0.1:%s"\n    syslog_tcp = ""\n    trap = ""\n    radius = ""\n' "$SP" > "$T/p1/probe.cfg"
run_probe p1
check "the probe connects" wait_for 20 probe_link_is p1 connected
# an snmpd in the probe's namespace, polled every second
AP=$(free_port)
mkdir -p "$T/agent"
printf 'rocommunity public 127.0.0.0/8\n[snmp] persistentDir %s/agent\n' "$T" > "$T/agent/snmpd.conf"
ip netns exec $NS env MIBS= MIBDIRS=/nonexistent snmpd -f -Lf "$T/agent/snmpd.log" -C -c "$T/agent/snmpd.conf" "udp:127.0.0.1:$AP" &
PIDS="$PIDS $!"
V cred add snmp lab --community public >/dev/null
V device add 127.0.0.1 --name agent --site lab --snmp lab --snmp-port "$AP" --snmp-interval 1s >/dev/null 2>&1
polled () { [ "$(series_count agent snmp.rtt | cut -d' ' -f1)" -ge 3 ]; }
check "the agent is polled" wait_for 30 polled
rss () { awk '/^VmRSS/ { print $2 }' "/proc/$PROBE_PID_p1/status"; }
rss0=$(rss)
kernel () { ip netns exec $NS awk '/^Udp:/ && $2 ~ /^[0-9]/ {print $4}' /proc/net/snmp; }
k0=$(kernel) flood_from=$(( $(date +%s%N) / 1000 ))
read -r flood legit <<< "$(ip netns exec $NS $PY "$SRC/tests/bench/syslog_flood.py" "$SP" "$SECONDS_FLOOD" 10000 100 mixed)"
k1=$(kernel) flood_to=$(( $(date +%s%N) / 1000 )) rss1=$(rss)
sent=$(( flood + legit ))
stored () { sqlite3 "file:$M/meshd.db?mode=ro" "SELECT count(*) FROM event WHERE topic = 'syslog'"; }
settled () { local a; a=$(stored); sleep 1; [ "$a" = "$(stored)" ] && [ "$(probe_field p1 backlog)" = 0 ]; }
check "everything the probe took reaches meshd" wait_for 120 settled
criterion "the probe lives" kill -0 "$PROBE_PID_p1"
p99=$(V series show agent snmp.rtt --since 2020-01-01 --json | $PY -c "
import json,sys
v=sorted(p['value'] for p in json.load(sys.stdin)['points'] if $flood_from <= p['ts_us'] <= $flood_to and p['value'] is not None)
print('%.1f' % v[int(0.99 * (len(v) - 1))] if v else 'none')")
kill -TERM "$PROBE_PID_p1"; wait "$PROBE_PID_p1" 2>/dev/null
line=$(grep "listen: stopped" "$T/p1.log" | tail -1) up=$(grep "uplink: stopped" "$T/p1.log" | tail -1)
limited=$(echo "$line" | grep -o '[0-9]* limited' | head -1 | cut -d' ' -f1)
bad=$(echo "$line" | grep -o '[0-9]* bad' | head -1 | cut -d' ' -f1)
queue=$(echo "$line" | grep -o '[0-9]* queue full' | head -1 | cut -d' ' -f1)
spool=$(echo "$up" | sed -n 's/.*, dropped [0-9]* samples, \([0-9]*\) events.*/\1/p')
got=$(stored) legit_got=$(sqlite3 "file:$M/meshd.db?mode=ro" "SELECT count(*) FROM event WHERE topic = 'syslog' AND data ->> 'address' = '127.0.0.3'")
app=$(( ${limited:-0} + ${bad:-0} + ${queue:-0} + ${spool:-0} )) kernel_drops=$(( k1 - k0 ))
figure "sent" "$sent ($flood flood, $legit from the device)"
figure "stored, dropped by the probe (limited, malformed, queue, spool), by the kernel" \
    "$got, $app ($limited, $bad, $queue, ${spool:-0}), $kernel_drops"
figure "the device's messages lost" "$(( legit - legit_got )) of $legit"
figure "probe RSS before, during the flood" "$rss0 kB, $rss1 kB"
figure "SNMP poll p99 during the flood" "$p99 ms"
criterion "every datagram accounted for, exactly" [ $(( got + app + kernel_drops )) = "$sent" ]
criterion "the device loses under 1%" [ $(( 100 * (legit - legit_got) )) -lt "$legit" ]
criterion "the probe's RSS stays under its baseline + 64 MB" [ "$rss1" -lt $(( rss0 + 65536 )) ]
criterion "SNMP polls stay under 2 s at p99" $PY -c "import sys; sys.exit(0 if '$p99' != 'none' and float('$p99') < 2000 else 1)"
finish
