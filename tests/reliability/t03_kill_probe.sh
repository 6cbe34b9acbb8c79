#!/bin/bash
# T03, kill -9 the probe while it buffers (Zabbix's ProxyBufferMode: what
# is on disk survives a crash): meshd away for OUTAGE (600 s; 60 s with
# QUICK=1) while the probe measures 17 targets at 100 ms (510 samples/s);
# SIGKILL hits the probe at three random moments, each followed by a
# restart a second later; then meshd comes back. What the probe had
# committed is all stored (every series continuous but for the crashes);
# what a crash loses is at most what the probe gathers before spooling,
# a second, and the round in flight (100 ms); the backlog drains within
# 150 s.
. "$(dirname "$0")/lib.sh"
OUTAGE=$(dur 600)
M=$T/meshd
start_meshd "$M" || { fail "meshd starts"; finish; }
V site add lab >/dev/null
add_probe p1 lab
for i in $(seq 1 17); do V device add 127.0.3.$i --name d$i --site lab --interval 100ms >/dev/null; done
check "the probe connects" wait_for 20 probe_link_is p1 connected
have () { [ "$(series_count d17 icmp.rtt | cut -d' ' -f1)" -ge 10 ]; }
check "samples flow" wait_for 20 have
kill -TERM "$MESHD_PID"; wait "$MESHD_PID" 2>/dev/null
away_at=$(date +%s)
kills=""
for k in 1 2 3; do
    # a random moment in the k-th third of the outage: the scenario, not a wait
    at=$(( away_at + (k - 1) * OUTAGE / 3 + 2 + RANDOM % (OUTAGE / 3 - 4) ))
    while [ "$(date +%s)" -lt "$at" ]; do sleep 0.1; done
    kills="$kills $(date +%s%N)"
    kill -9 "$PROBE_PID_p1"; wait "$PROBE_PID_p1" 2>/dev/null
    sleep 1                          # restarted a second later
    run_probe p1
done
while [ "$(date +%s)" -lt $(( away_at + OUTAGE )) ]; do sleep 0.2; done
back_at=$(date +%s)
run_meshd "$M"
criterion "the backlog drains within 150 s of meshd's return" wait_for 150 drained p1
figure "backlog drained after" "$(( $(date +%s) - back_at )) s"
figure "samples stored" "$(stored)"
$PY - "$away_at" "$back_at" $kills > "$T/gaps.out" <<'PYEOF'
import os, sys
sys.path.insert(0, os.environ["SRC"] + "/tests/integration")
from api import Api
away, back = int(sys.argv[1]) * 10**6, int(sys.argv[2]) * 10**6
kills = [int(k) // 1000 for k in sys.argv[3:]]
api, holes, worst, covered = Api(), 0, 0, 0
for i in range(1, 18):
    for metric in ("icmp.rtt", "icmp.loss", "icmp.jitter"):
        ts = sorted(p["ts_us"] for p in api.call("series.show", device="d%d" % i, metric=metric,
                                                  since="2020-01-01")["points"])
        ts = [t for t in ts if away - 10**6 <= t <= back]
        covered += len(ts)
        for a, b in zip(ts, ts[1:]):
            if b - a <= 300000:
                continue
            # a gap: a crash must be inside it, and the samples lost
            # before the crash at most a second's
            crash = [k for k in kills if a <= k <= b]
            if not crash:
                holes += 1
                print("hole d%d %s %d..%d" % (i, metric, a, b))
            else:
                worst = max(worst, crash[0] - a)
print("holes", holes)
print("worst_ms", worst // 1000)
print("covered", covered)
PYEOF
grep "^hole" "$T/gaps.out" | head -5 | sed 's/^/# /'
field () { sed -n "s/^$1 //p" "$T/gaps.out"; }
figure "probe kills" 3
figure "samples of the outage stored" "$(field covered)"
figure "most lost before a crash" "$(field worst_ms) ms"
criterion "what the probe had committed is all stored: no hole but the crashes" [ "$(field holes)" = 0 ]
criterion "a crash loses at most a second of samples and the round in flight" [ "$(field worst_ms)" -le 1100 ]
check "integrity_check ok" [ "$(sqlite3 "$M/meshd.db" 'PRAGMA integrity_check')" = ok ]
finish
