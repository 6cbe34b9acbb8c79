#!/bin/bash
# kill -9 meshd again and again while two probes send >= 100,000 samples;
# restart it each time. Afterwards: every sample the probes spooled is
# stored exactly once (lost = 0, duplicates = 0) and the database is sound.
. "$(dirname "$0")/lib.sh"
KILLS=${KILLS:-5}
M=$T/meshd
start_meshd "$M" || { fail "meshd starts"; finish; }
V site add lab >/dev/null
add_probe p1 lab && add_probe p2 lab
check "probes connected" wait_for 15 bash -c "[ \$(V probe list --json | grep -c '\"connected\"') = 2 ]"
# 120 targets at 100 ms, 3 echoes a round: 3,600 samples/s
for i in $(seq 1 120); do
    probe=p$(( i % 2 + 1 ))
    V device add 127.0.1.$i --name d$i --site lab --probe $probe --interval 100ms >/dev/null || fail "device d$i"
done
last_seq () { sqlite3 "file:$M/meshd.db?mode=ro" "SELECT sum(last_seq) FROM probe"; }
advanced () { [ "$(last_seq)" -ge $(( $1 + 5 )) ]; }

for k in $(seq 1 $KILLS); do
    before=$(last_seq)
    wait_for 30 advanced "$before" || fail "ingest advances before kill $k"
    kill -9 "$MESHD_PID"
    wait "$MESHD_PID" 2>/dev/null
    run_meshd "$M" || fail "meshd restarts after kill $k"
done
ok "meshd killed with SIGKILL $KILLS times during ingest, restarted each time"
enough () { [ "$(stored)" -ge 100000 ]; }
check "at least 100,000 samples ingested" wait_for 120 enough
check "both probes reconnected" wait_for 20 bash -c "[ \$(V probe list --json | grep -c '\"connected\"') = 2 ]"

# duplicates: each series' timestamps are distinct (compacted and tail)
dups=$($PY - <<PYEOF
import sys; sys.path.insert(0, "$SRC/tests/integration")
from api import Api
api = Api(); dup = 0
for i in range(1, 121):
    for metric in ("icmp.rtt", "icmp.loss", "icmp.jitter"):
        points = api.call("series.show", device="d%d" % i, metric=metric, since="2020-01-01")["points"]
        dup += len(points) - len(set(p["ts_us"] for p in points))
print(dup)
PYEOF
)
check "duplicates = 0 (found $dups)" [ "$dups" = 0 ]

# stop measuring, let the probes drain, and compare what they spooled
for i in $(seq 1 120); do V device remove d$i >/dev/null; done
kill -TERM $PROBE_PID_p1 $PROBE_PID_p2
wait $PROBE_PID_p1 $PROBE_PID_p2 2>/dev/null
run_probe p1; run_probe p2
check "spools drained: meshd's last sequence = each probe's last" wait_for 60 drained p1 p2
kill -TERM $PROBE_PID_p1 $PROBE_PID_p2
wait $PROBE_PID_p1 $PROBE_PID_p2 2>/dev/null
spooled=$(cat "$T/p1.log" "$T/p2.log" | sed -n 's/.*this run spooled \([0-9]*\) samples.*/\1/p' | paste -sd+ | bc)
dropped=$(cat "$T/p1.log" "$T/p2.log" | sed -n 's/.*, dropped \([0-9]*\) samples,.*/\1/p' | paste -sd+ | bc)
total=$(stored)
echo "# spooled by the probes: $spooled, dropped: $dropped, stored by meshd: $total"
check "lost = 0: stored ($total) = spooled ($spooled)" [ "$total" = "$spooled" ]
check "nothing dropped at the probes" [ "$dropped" = 0 ]
check "PRAGMA integrity_check = ok" [ "$(sqlite3 "$M/meshd.db" 'PRAGMA integrity_check')" = ok ]
grep -h "duplicates\|resend" "$M/meshd.log" | tail -2
finish
