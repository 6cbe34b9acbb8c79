#!/bin/bash
# Two probes and meshd on 127.0.0.1 measuring 127.0.0.0/8 targets (and ::1):
# values reach SQLite and the CLI; CLI exit codes, --json, --csv; HUP, TERM.
. "$(dirname "$0")/lib.sh"

M=$T/meshd
# before meshd runs: unreachable is exit 4
VEDETTE_ENDPOINT=ipc://$T/none.sock V device list 2>/dev/null; check "unreachable meshd exits 4" [ $? = 4 ]

# the ICMP engine batches: a sweep of 4,096 addresses is a few dozen
# sendmmsg and recvmmsg calls, not a system call per echo
$PY -c "
for i in range(4096): print('127.8.%d.%d' % (i // 256, i % 256))" > "$T/sweep.txt"
# (LeakSanitizer cannot run under ptrace: off for this one run)
ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" \
strace -f -c -e trace=sendto,sendmsg,sendmmsg,recvfrom,recvmmsg -o "$T/strace.txt" \
    "$BUILD/vedette-probe" ping -q -c 1 -t 1000 -f "$T/sweep.txt" 2> "$T/sweep.out" > /dev/null
calls () { awk -v c="$1" '$NF == c { print $4 }' "$T/strace.txt"; }
echo "# sweep of 4096: $(calls sendmmsg) sendmmsg, $(calls recvmmsg) recvmmsg, $(calls sendto) sendto calls"
check "a sweep of 4,096 addresses answers" grep -q "4096 alive, 0 unreachable" "$T/sweep.out"
check "... sent in batches: at most 4096/64 + 64 sendmmsg calls, no sendto" \
    [ -n "$(calls sendmmsg)" -a "$(calls sendmmsg)" -le 128 -a -z "$(calls sendto)" ]
check "... and read in batches: fewer recvmmsg calls than echoes" [ -n "$(calls recvmmsg)" -a "$(calls recvmmsg)" -lt 4096 ]

start_meshd "$M" || { fail "meshd starts"; finish; }
ok "meshd starts and admin logs in"
check "site add" V site add hq
check "second site" V site add branch
add_probe p1 hq && add_probe p2 branch
check "both probes connected" wait_for 15 bash -c "[ \$(V probe list --json | grep -c '\"connected\"') = 2 ]"

V device add 127.0.0.2 --name core1 --site hq --interval 500ms >/dev/null
V device add 127.0.0.3 --name core2 --site hq --interval 500ms >/dev/null
V device add 127.0.0.4 --name edge1 --site branch --interval 500ms >/dev/null
V device add ::1 --name six --site branch --interval 500ms >/dev/null
check "devices of hq go to p1" [ "$(V device list --site hq --json | $PY -c 'import json,sys; print(set(d["probe"] for d in json.load(sys.stdin)))')" = "{'p1'}" ]
check "devices of branch go to p2" [ "$(V device list --site branch --json | $PY -c 'import json,sys; print(set(d["probe"] for d in json.load(sys.stdin)))')" = "{'p2'}" ]

all_up () { [ "$(V device list --json | $PY -c 'import json,sys; print(sum(d["status"]=="up" for d in json.load(sys.stdin)))')" = 4 ]; }
check "all four devices up with RTT, within 20 s" wait_for 20 all_up
# the status comes from the rules actor, the last values from compaction
rtt_small () { $PY -c "
import json,subprocess,sys
d=[x for x in json.loads(subprocess.check_output(['$BUILD/vedette','device','list','--json'])) if x['name']=='core1'][0]
sys.exit(0 if 0 < d.get('rtt', -1) < 50 and d.get('loss') == 0 else 1)"; }
check "RTT of core1 is a small positive number" wait_for 10 rtt_small
have_samples () { [ "$(series_count core1 icmp.rtt | cut -d' ' -f1)" -ge 6 ]; }
check "series show has core1's samples" wait_for 20 have_samples
read total distinct <<<"$(series_count six icmp.loss)"
check "IPv6 series stored, no duplicate timestamps ($total)" [ "$total" -ge 1 -a "$total" = "$distinct" ]
check "samples are in SQLite (chunks)" [ "$(sqlite3 "$M/meshd.db" 'SELECT count(*) FROM chunk')" -ge 1 ]
check "... all in chunk format 2" [ "$(sqlite3 "$M/meshd.db" 'SELECT count(*) FROM chunk WHERE format != 2')" = 0 ]
# rounds are stamped on the probe's schedule, and stored to the
# millisecond: core1's 500 ms rounds are 500 ms apart (a timer woken a
# millisecond late shifts the rhythm once); RTTs are to the microsecond
on_grid () { V series show core1 icmp.rtt --since 2020-01-01 --json | $PY -c "
import json,sys
p=[x for x in json.load(sys.stdin)['points'] if not x.get('lost')]
d=[b['ts_us']-a['ts_us'] for a,b in zip(p,p[1:])]
exact=sum(x == 500000 for x in d)
print('#', len(d), 'intervals,', exact, 'exactly 500 ms')
sys.exit(0 if len(d) >= 5 and exact >= 0.5 * len(d) and all(x['ts_us'] % 1000 == 0 for x in p)
         and all(round(x['value'] * 1000, 6) == round(x['value'] * 1000) for x in p) else 1)"; }
check "stored samples: on the schedule's grid, to the ms; RTT to the us" on_grid
# a chunk written before migration 0016 (format 1: 100, 110, 120 us; 2.0,
# 2.0, 2.0; flags 0, 0, 1) is still read
sqlite3 "$M/meshd.db" "PRAGMA busy_timeout = 5000; INSERT INTO chunk (series_id, t0, t1, count, data, format)
    SELECT id, 100, 120, 3, X'C801F14000140000000001', 1 FROM series
    WHERE device_id = (SELECT id FROM device WHERE name = 'core1') AND metric = 'icmp.jitter'"
old_chunk () { V series show core1 icmp.jitter --since 1970-01-01 --until 1970-01-02 --json | $PY -c "
import json,sys
p=json.load(sys.stdin)['points']
sys.exit(0 if [(x['ts_us'], x['value']) for x in p] == [(100, 2.0), (110, 2.0), (120, 2.0)] else 1)"; }
check "a format 1 chunk is still read" old_chunk
check "series show prints a table" bash -c "V series show core1 icmp.rtt --since 10m | grep -q '^TIME'"
check "--csv prints a header and rows" bash -c "V device list --csv | head -1 | grep -q '^name,address,status'"
check "probe list shows version and link" bash -c "V probe list | grep -E '^p1 +hq +active +connected' | grep -q 0.1.0"

# a device that does not answer: 127.0.0.1 answers, an unrouted TEST-NET
# address is never sent anywhere because the probe's namespace... is the
# host; use a blackholed loopback route instead
# exit codes
V device add 127.0.0.9 --name bad --site nowhere 2>/dev/null; check "unknown site exits 1" [ $? = 1 ]
V device add 300.0.0.1 --name bad --site hq 2>/dev/null; check "bad address exits 2" [ $? = 2 ]
V device add 127.0.0.9 --site hq 2>/dev/null; check "missing --name exits 2" [ $? = 2 ]
V device add 127.0.0.9 --name x --site hq --interval soon 2>/dev/null; check "bad duration exits 2" [ $? = 2 ]
V device add 127.0.0.2 --name core1 --site hq 2>/dev/null; check "duplicate name exits 1" [ $? = 1 ]
V device frobnicate 2>/dev/null; check "unknown verb exits 2" [ $? = 2 ]
V device list --bogus 2>/dev/null; check "unknown option exits 2" [ $? = 2 ]
V series show core1 icmp.rtt --since yesterday-ish 2>/dev/null; check "bad time exits 2" [ $? = 2 ]
V series show core1 nope 2>/dev/null; check "unknown series exits 1" [ $? = 1 ]
VEDETTE_TOKEN=forged V device list 2>/dev/null; check "forged token exits 3" [ $? = 3 ]
echo wrongpass | V login admin --password-stdin 2>/dev/null; check "wrong password exits 3" [ $? = 3 ]
check "help exits 0" bash -c "V --help >/dev/null"
check "device --help lists device add" bash -c "V device --help | grep -q 'vedette device add ADDRESS'"

# the audit table saw the changes, with who
check "audit records device.add by admin" [ "$(sqlite3 "$M/meshd.db" "SELECT count(*) FROM audit WHERE op='device.add' AND user='admin'")" = 4 ]

# removing a device stops its measurements at the probe
V device remove core2 >/dev/null
check "device remove" bash -c "! V device list --json | grep -q core2"

# SIGHUP: meshd reloads and the probes come back by themselves; what they
# measure is stored and acknowledged as before (the store outlives the mesh)
before=$(series_count core1 icmp.rtt | cut -d' ' -f1)
acked () { sqlite3 "$T/p1/spool.db" "SELECT value FROM spool_state WHERE name = 'acked'"; }
acked_before=$(acked)
kill -HUP "$MESHD_PID"
check "meshd reloads on SIGHUP" wait_for 10 grep -q "configuration reloaded" "$M/meshd.log"
check "probes reconnect after reload" wait_for 15 bash -c "[ \$(V probe list --json | grep -c '\"connected\"') = 2 ]"
stored_since_reload () { [ "$(series_count core1 icmp.rtt | cut -d' ' -f1)" -ge $((before + 10)) ]; }
check "samples are stored after the reload" wait_for 20 stored_since_reload
acked_since_reload () { [ "$(acked)" -ge $((acked_before + 3)) ]; }
check "and acknowledged: p1's spool lets go of them" wait_for 20 acked_since_reload
echo 'mesh
    colour = red' > "$M/bad.cfg"
"$BUILD/vedette-meshd" -f -d "$M" -c "$M/bad.cfg" 2>"$T/err"; rc=$?
check "config error: exit 1 with the key named" [ $rc = 1 ] && grep -q "unknown key 'mesh/colour'" "$T/err"

# The clock of each probe against meshd's: p1's is in step; p3, alone in its
# site, runs 5 s ahead under libfaketime (the wall clock only, as when a
# host has no NTP), then comes back in step
clock_within () {
    local offset
    offset=$(probe_field "$1" clock_offset_us) && [ "$offset" != None ] &&
        [ "$offset" -ge "$2" ] && [ "$offset" -le "$3" ]
}
clock_alarms () {
    V alarm list --json "$@" | $PY -c "import json,sys; print(sum(1 for a in json.load(sys.stdin) if a['rule']=='probe-clock' and a['object']=='probe:p3'))"
}
clock_is () { [ "$(probe_field "$1" clock)" = "$2" ]; }
clock_raised () { [ "$(clock_alarms --active)" = 1 ]; }
clock_cleared () { [ "$(clock_alarms --active)" = 0 ] && [ "$(clock_alarms)" = 1 ]; }
check "p1's clock offset is measured, within 50 ms of meshd's" wait_for 15 clock_within p1 -50000 50000
check "p1's clock is ok, its round trip under 1 s" eval 'clock_is p1 ok && [ "$(probe_field p1 rtt_us)" -lt 1000000 ]'
V site add lab >/dev/null
FAKETIME_LIB=/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1
PROBE_WRAP="env LD_PRELOAD=$FAKETIME_LIB FAKETIME=+5 FAKETIME_DONT_FAKE_MONOTONIC=1 ASAN_OPTIONS=${ASAN_OPTIONS:-}:verify_asan_link_order=0" \
    add_probe p3 lab
check "p3's clock is measured 5 s ahead (within 0.2 s)" wait_for 20 clock_within p3 4800000 5200000
check "p3's clock is skewed" clock_is p3 skewed
check "probe list shows its offset" bash -c "V probe list | grep -E '^p3 ' | grep -qE '\+(4\.[89]|5\.[01])[0-9]s'"
check "meshd logged it" wait_for 5 grep -qE "probe p3's clock is \+(4\.[89]|5\.[01])" "$M/meshd.log"
check "event probe.clock recorded it" bash -c "V event list --topic probe.clock --json | grep -q '\"skewed\"'"
check "the probe-clock rule raised one warning on probe:p3" wait_for 10 clock_raised
kill -TERM "$PROBE_PID_p3"
wait_for 10 bash -c "! kill -0 $PROBE_PID_p3"
run_probe p3
check "p3 back in step: its clock is ok" wait_for 20 clock_is p3 ok
check "p3's offset within 50 ms now" clock_within p3 -50000 50000
check "the warning cleared" wait_for 10 clock_cleared
check "meshd logged the clock back in step" grep -q "probe p3's clock is back in step" "$M/meshd.log"

# SIGTERM: both daemons stop cleanly, pid files gone
kill -TERM "$PROBE_PID_p1"
check "probe stops on SIGTERM" wait_for 10 bash -c "! kill -0 $PROBE_PID_p1"
check "probe pid file removed" [ ! -e "$T/p1/probe.pid" ]
kill -TERM "$MESHD_PID"
check "meshd stops on SIGTERM" wait_for 10 bash -c "! kill -0 $MESHD_PID"
check "meshd pid file removed" [ ! -e "$M/meshd.pid" ]
check "meshd database intact" [ "$(sqlite3 "$M/meshd.db" 'PRAGMA integrity_check')" = ok ]
finish
