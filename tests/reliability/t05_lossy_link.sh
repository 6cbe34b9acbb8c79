#!/bin/bash
# T05, a lossy and flapping link (zguide's heartbeating and backoff; "ROUTER
# leaks without heartbeats"): the probe reaches meshd through a fault proxy
# (faultproxy.py) for 10 min (1 min with QUICK=1) while it sends about 500
# samples a second: every segment held 200 +- 100 ms, 30% lost (they come
# after a retransmission timeout, and so does all behind them), 10% out of
# order, and 20 flaps (2 with QUICK=1) of 5 to 25 s, resets and black holes
# in turns. (Over TCP, loss and reordering reach the peers as delays: the
# kernel's own retransmissions are what a lossy link costs a stream.)
# Criteria: lost = 0, duplicates = 0; the probe does not hammer the link
# while it is down (no more than one attempt a second, on average, in any
# flap; t05_backoff.sh watches the backoff to its cap); once the link is
# clean, meshd holds one connection for the probe (the black-holed ones
# gone by ZMTP heartbeat); meshd's RSS grows less than 10%.
. "$(dirname "$0")/lib.sh"
HOLD=$(dur 600) FLAPS=20 TARGETS=17 SEED=${SEED:-5}
[ -n "$QUICK" ] && FLAPS=2
M=$T/meshd
start_meshd "$M" || { fail "meshd starts"; finish; }
V site add lab >/dev/null
PP=$(free_port)
$PY "$SRC/tests/reliability/faultproxy.py" "$PP" "127.0.0.1:$MESH_PORT" "$HOLD" "$FLAPS" "$SEED" > "$T/proxy.log" &
PIDS="$PIDS $!"
check "the probe joins through the proxy" joined p1 lab "tcp://127.0.0.1:$PP"
run_probe p1
check "the probe connects through the proxy" wait_for 30 probe_link_is p1 connected
# 17 targets at 100 ms, 3 samples a round: 510 samples/s
targets 8 p1
flowing () { [ "$(stored)" -gt 0 ]; }
check "samples flow" wait_for 120 flowing
rss () { awk '/^VmRSS/ { print $2 }' "/proc/$MESHD_PID/status"; }
rss0=$(rss) started=$(date +%s)
sleep "$HOLD"                        # the length of the faults, not a synchronisation
rss1=$(rss)
caught_up () { [ "$(sqlite3 "file:$T/p1/spool.db?mode=ro" 'SELECT count(*) FROM spool')" -le 4 ]; }
check "the probe catches up once the link is clean" wait_for 120 caught_up
# meshd's established connections on its mesh port: the probe's, through the proxy
held () { ss -Htn state established "( sport = :$MESH_PORT )" | wc -l; }
one () { [ "$(held)" -le 1 ]; }
wait_for 30 one
flapped=$($PY - "$T/proxy.log" <<'PYEOF'
import sys
flaps, attempts = [], []
for line in open(sys.argv[1]):
    w = line.split()
    if w[0] == "flap":
        flaps.append((w[1], float(w[2]), float(w[3])))
    elif w[0] == "attempt":
        attempts.append(float(w[1]))
worst = 0.0
parts = []
for kind, begin, end in flaps:
    n = sum(1 for t in attempts if begin <= t < end)
    worst = max(worst, n / (end - begin))
    parts.append("%s %.0f s: %d" % (kind, end - begin, n))
print("%.2f|%s" % (worst, ", ".join(parts)))
PYEOF
)
figure "flaps: kind, length, connection attempts" "${flapped#*|}"
figure "meshd's connections on the mesh port once clean" "$(held)"
figure "meshd RSS after warming up, after the faults" "$rss0 kB, $rss1 kB"
criterion "at most an attempt a second, on average, in any flap" \
    $PY -c "import sys; sys.exit(0 if float('${flapped%%|*}') <= 1.0 else 1)"
criterion "meshd holds one connection for the probe" one
criterion "meshd's RSS grows less than 10%" [ $(( rss1 * 10 )) -lt $(( rss0 * 11 )) ]
wind_down "$(duplicates "$TARGETS" icmp.rtt)" p1
finish
