#!/bin/bash
# T04, a 5-minute link cut (Icinga's replay log, Netdata's backfill,
# the Paranoid Pirate's liveness): meshd and a probe in two network
# namespaces made here, joined by a veth pair; 17 targets at 100 ms (510
# samples/s); the link down for CUT (300 s; 30 s with QUICK=1), then up.
# meshd marks the probe lost within 15 s and connected within 10 s of the
# restore; the backlog is delivered within 120 s; lost = 0 and
# duplicates = 0 (what the probe spooled against what meshd stored); each
# series' timestamps stored in order, one each.
. "$(dirname "$0")/lib.sh"
CUT=$(dur 300)
NSM=vdm$$ NSP=vdp$$
netns_new $NSM $NSP && veth vm$$ $NSM 10.203.0.1/30 vp$$ $NSP 10.203.0.2/30 ||
    { fail "cannot make network namespaces"; finish; }
check "the namespaces reach each other" wait_for 10 ip netns exec $NSP "$BUILD/vedette-probe" ping -q 10.203.0.1
M=$T/meshd
MESH_HOST=10.203.0.1 MESHD_WRAP="ip netns exec $NSM" PROBE_WRAP="ip netns exec $NSP"
LATE=5s LOST=10s                            # the shipped defaults
start_meshd "$M" || { fail "meshd starts in its namespace"; finish; }
V site add remote >/dev/null
add_probe p1 remote || fail "the probe joins across the veth"
# targets in the probe's namespace: its loopback's addresses
for i in $(seq 1 17); do V device add 127.0.0.$i --name d$i --site remote --interval 100ms >/dev/null; done
check "the probe connects" wait_for 15 probe_link_is p1 connected
have () { [ "$(series_count d17 icmp.rtt | cut -d' ' -f1)" -ge 10 ]; }
check "samples flow" wait_for 20 have

cut_at=$(date +%s%N)
ip -n $NSP link set vp$$ down
criterion "meshd marks the probe lost within 15 s" wait_for 15 probe_link_is p1 lost
lost_ms=$(( ($(date +%s%N) - cut_at) / 1000000 ))
figure "marked lost after" "$lost_ms ms"
# the cut lasts CUT seconds whatever happens: the scenario, not a wait
sleep $(( CUT - lost_ms / 1000 ))
up_at=$(date +%s%N)
ip -n $NSP link set vp$$ up
criterion "connected again within 10 s of the restore" wait_for 10 probe_link_is p1 connected
figure "connected again after" "$(( ($(date +%s%N) - up_at) / 1000000 )) ms"
criterion "the backlog delivered within 120 s" wait_for 120 drained p1
drain_s=$(( ($(date +%s%N) - up_at) / 1000000000 ))
figure "backlog delivered after" "$drain_s s"
# each series: timestamps distinct and in order, and what the cut held
$PY - "$(( cut_at / 1000 ))" "$(( up_at / 1000 ))" > "$T/series.out" <<'PYEOF'
import sys, os
sys.path.insert(0, os.environ["SRC"] + "/tests/integration")
from api import Api
cut, up = int(sys.argv[1]), int(sys.argv[2])
api, dup, disorder, in_cut = Api(), 0, 0, 0
for i in range(1, 18):
    for metric in ("icmp.rtt", "icmp.loss", "icmp.jitter"):
        ts = [p["ts_us"] for p in api.call("series.show", device="d%d" % i, metric=metric, since="2020-01-01")["points"]]
        dup += len(ts) - len(set(ts))
        disorder += sum(1 for a, b in zip(ts, ts[1:]) if b < a)
        in_cut += sum(1 for t in ts if cut <= t <= up)
print("duplicates", dup)
print("disorder", disorder)
print("in_cut", in_cut)
PYEOF
field () { sed -n "s/^$1 //p" "$T/series.out"; }
figure "samples measured during the cut, stored" "$(field in_cut)"
for i in $(seq 1 17); do V device remove d$i >/dev/null; done
wait_for 30 drained p1
kill -TERM "$PROBE_PID_p1"; wait "$PROBE_PID_p1" 2>/dev/null
spooled=$(sed -n 's/.*this run spooled \([0-9]*\) samples.*/\1/p' "$T/p1.log" | paste -sd+ | bc)
dropped=$(sed -n 's/.*, dropped \([0-9]*\) samples,.*/\1/p' "$T/p1.log" | paste -sd+ | bc)
total=$(stored)
figure "spooled by the probe, stored by meshd" "$spooled, $total"
criterion "lost = 0" [ "$total" = "$spooled" ]
criterion "nothing dropped at the probe" [ "$dropped" = 0 ]
criterion "duplicates = 0" [ "$(field duplicates)" = 0 ]
criterion "each series' timestamps stored in order" [ "$(field disorder)" = 0 ]
criterion "the cut's samples are there (510/s)" [ "$(field in_cut)" -ge $(( (CUT - 2) * 500 )) ]
check "integrity_check ok" [ "$(sqlite3 "$M/meshd.db" 'PRAGMA integrity_check')" = ok ]
finish
