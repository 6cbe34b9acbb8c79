#!/bin/bash
# tests/integration/spool.sh: the probe's spool through an outage longer
# than spool/max_age. meshd is killed while the probe measures TARGETS (20)
# targets every 100 ms, and comes back OUTAGE (12) s later; the spool keeps
# only its last MAX_AGE (4) s (and MAX_MB, if given). T06 of the
# reliability suite runs it at its own length. Afterwards: exactly the oldest samples are gone (a hole from the
# start of the outage to 4 s before its end, then everything), the probe's
# drop count is exact (stored + dropped = measured), meshd shows it in
# probe list, records a probe.dropped event and raises the probe-dropped
# alarm, and the database is sound.
. "$(dirname "$0")/lib.sh"
OUTAGE=${OUTAGE:-12} MAX_AGE=${MAX_AGE:-4} TARGETS=${TARGETS:-20} MAX_MB=${MAX_MB:-}
M=$T/meshd
start_meshd "$M" || { fail "meshd starts"; finish; }
V site add lab >/dev/null
token=$(V probe enroll --site lab --name p1 --endpoint "tcp://$MESH_HOST:$MESH_PORT")
"$BUILD/vedette-probe" join "$token" -d "$T/p1" >/dev/null
{
    printf 'spool\n    max_age = "%ss"\n' "$MAX_AGE"
    [ -z "$MAX_MB" ] || printf '    max_mb = %s\n' "$MAX_MB"
    printf 'listen\n    syslog_udp = ""\n    syslog_tcp = ""\n    trap = ""\n    radius = ""\n'
} > "$T/p1/probe.cfg"
run_probe p1
check "the probe connects" wait_for 15 probe_link_is p1 connected
for i in $(seq 1 "$TARGETS"); do
    V device add 127.0.2.$i --name d$i --site lab --interval 100ms >/dev/null || fail "device d$i"
done
db () { sqlite3 "file:$M/meshd.db?mode=ro" "$1"; }
export -f db stored; export M
check "samples arrive" wait_for 20 bash -c "[ \$(stored) -gt 100 ]"

# the outage: OUTAGE s without meshd, longer than spool/max_age
kill -9 "$MESHD_PID"; wait "$MESHD_PID" 2>/dev/null
cut_us=$(( $(date +%s%N) / 1000 ))
check "the probe drops what is older than spool/max_age during the outage" \
    wait_for "$OUTAGE" grep -q "the spool dropped its oldest messages" "$T/p1.log"
disk=0
while [ $(( $(date +%s%N) / 1000 - cut_us )) -lt $(( OUTAGE * 1000000 )) ]; do
    # the outage lasts OUTAGE s: a duration, not a wait; the spool's size meanwhile
    size=$(du -sk "$T/p1" | cut -f1); [ "$size" -gt "$disk" ] && disk=$size
    sleep 0.5
done
back_us=$(( $(date +%s%N) / 1000 ))
run_meshd "$M" || fail "meshd restarts"
check "the probe reconnects" wait_for 20 probe_link_is p1 connected

# the spool sends in order: once a sample measured after meshd came back is
# stored, everything the spool kept of the outage is stored too
after_back () {
    V series show d1 icmp.rtt --since 2020-01-01 --json | $PY -c "
import json,sys; sys.exit(0 if any(p['ts_us'] > $back_us for p in json.load(sys.stdin)['points']) else 1)"
}
check "samples measured after the outage arrive" wait_for 20 after_back

# exactly the oldest are gone: during the outage, what is stored is its
# last spool/max_age (4 s), give or take the one-second batch and check
span=$($PY - <<PYEOF
import sys; sys.path.insert(0, "$SRC/tests/integration")
from api import Api
api = Api(); kept = []
for i in range(1, $TARGETS + 1):
    points = api.call("series.show", device="d%d" % i, metric="icmp.rtt", since="2020-01-01")["points"]
    kept += [p["ts_us"] for p in points if $cut_us + 1000000 < p["ts_us"] < $back_us]
print(min(kept) if kept else 0, max(kept) if kept else 0, len(kept))
PYEOF
)
read -r first last count <<< "$span"
echo "# figure the outage: $(( (back_us - cut_us) / 1000 )) ms; rtt samples kept of it: $count, from $(( (first - cut_us) / 1000 )) ms to $(( (last - cut_us) / 1000 )) ms after its start"
echo "# figure the probe's directory at most: $disk kB${MAX_MB:+ (cap $MAX_MB MB)}"
check "the outage's first seconds are gone (nothing kept before its last $((MAX_AGE + 2)) s)" \
    [ "$first" -ge $(( back_us - (MAX_AGE + 2) * 1000000 )) ]
check "its last seconds are kept (samples from the last 3 s before meshd came back)" \
    [ "$last" -ge $(( back_us - 3000000 )) -a "$count" -gt 0 ]

# stop measuring, let the spool drain, stop the probe: its stop line says
# how many samples it measured this run
for i in $(seq 1 "$TARGETS"); do V device remove d$i >/dev/null; done
check "the spool drains: meshd's last sequence is the probe's" wait_for 30 drained p1
wait_for 10 bash -c "[ \$(probe_field p1 dropped) -gt 0 ]"
dropped=$(probe_field p1 dropped)
drops_samples=$(V probe list --json | $PY -c "import json,sys; print([p for p in json.load(sys.stdin) if p['name']=='p1'][0]['drops']['samples'])")
kill -TERM "$PROBE_PID_p1"; wait "$PROBE_PID_p1" 2>/dev/null
spooled=$(sed -n 's/.*this run spooled \([0-9]*\) samples.*/\1/p' "$T/p1.log" | tail -1)
refused=$(sed -n 's/.*, dropped \([0-9]*\) samples,.*/\1/p' "$T/p1.log" | tail -1)
total=$(stored)
echo "# figure measured (spooled) $spooled samples; stored $total; dropped by the spool $drops_samples; probe list says $dropped"
check "some samples were dropped" [ "${drops_samples:-0}" -gt 0 ]
check "the count is exact: stored ($total) + dropped ($drops_samples) = spooled ($spooled)" \
    [ $(( total + drops_samples )) = "$spooled" ]
check "no sample was refused for want of room" [ "$refused" = 0 ]
check "probe list shows the total dropped" [ "$dropped" = "$drops_samples" ]

check "a probe.dropped event says how many" bash -c "V event list --topic probe.dropped --json | grep -q 'dropped $drops_samples samples'"
check "the probe-dropped alarm is raised" wait_for 15 bash -c "V alarm list --active --json | grep -q 'probe-dropped'"
[ -z "$MAX_MB" ] || check "the probe's disk use stays under its cap and 10%" [ "$disk" -le $(( MAX_MB * 1024 * 11 / 10 )) ]
check "PRAGMA integrity_check = ok" [ "$(sqlite3 "$M/meshd.db" 'PRAGMA integrity_check')" = ok ]
finish
