#!/bin/bash
# A link cut: meshd and a probe in two network namespaces made here, joined
# by a veth pair. The link goes down for CUT seconds (60) while the probe
# keeps measuring, then up. meshd marks the probe lost within 15 s and
# connected again within 10 s; nothing measured during the cut is lost.
. "$(dirname "$0")/lib.sh"
CUT=${CUT:-60}
NSM=vdm$$ NSP=vdp$$
netns_new $NSM $NSP && veth vm$$ $NSM 10.203.0.1/30 vp$$ $NSP 10.203.0.2/30 ||
    { fail "cannot make network namespaces"; finish; }
check "the namespaces reach each other" wait_for 10 ip netns exec $NSP "$BUILD/vedette-probe" ping -q 10.203.0.1

M=$T/meshd
MESH_HOST=10.203.0.1 MESHD_WRAP="ip netns exec $NSM" PROBE_WRAP="ip netns exec $NSP"
LATE=5s LOST=10s                            # the shipped defaults
start_meshd "$M" || { fail "meshd starts in its namespace"; finish; }
V site add remote >/dev/null
add_probe p1 remote || fail "probe joins across the veth"
V device add 127.0.0.1 --name gw --site remote --interval 1s >/dev/null
check "probe connected" wait_for 15 probe_link_is p1 connected
have () { [ "$(series_count gw icmp.rtt | cut -d' ' -f1)" -ge 3 ]; }
check "samples flow" wait_for 20 have

cut_at=$(date +%s%N)
ip -n $NSP link set vp$$ down
check "meshd marks the probe lost within 15 s" wait_for 15 probe_link_is p1 lost
lost_ms=$(( ($(date +%s%N) - cut_at) / 1000000 ))
echo "# lost after $lost_ms ms"
# the cut lasts CUT seconds whatever happens: the scenario, not a wait
sleep $(( CUT - lost_ms / 1000 ))
up_at=$(date +%s%N)
ip -n $NSP link set vp$$ up
check "connected again within 10 s" wait_for 10 probe_link_is p1 connected
echo "# back after $(( ($(date +%s%N) - up_at) / 1000000 )) ms"

check "the backlog drains: meshd's last sequence = the probe's" wait_for 60 drained p1
in_cut=$(V series show gw icmp.rtt --since 10m --json | $PY -c "
import json,sys; print(sum($cut_at/1000 + 2e6 <= p['ts_us'] <= $up_at/1000 - 2e6 for p in json.load(sys.stdin)['points']))")
expected=$(( (up_at - cut_at) / 1000000000 - 4 ))
echo "# samples measured during the cut and stored: $in_cut (at least $expected expected at 1/s)"
check "lost = 0: every second of the cut is stored" [ "$in_cut" -ge "$expected" ]
check "integrity_check ok" [ "$(sqlite3 "$M/meshd.db" 'PRAGMA integrity_check')" = ok ]
finish
