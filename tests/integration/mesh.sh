#!/bin/bash
# tests/integration/mesh.sh: the mesh of probes. Four probes measure the
# paths between them over UDP (peer/listen). pb sits behind a WAN link
# (wan.py: this kernel has no netem) that holds each datagram 15 ms either
# way, then loses 30%, then goes down; pd listens on *:PORT and says no
# address, so it asks and is never asked. Checked: the round trips, loss
# and jitter per path in probe.mesh, the CLI, the series and the console's
# matrix; a stopped probe's paths go stale; packets from strangers, forged
# packets and garbage are dropped, counted, logged once.
. "$(dirname "$0")/lib.sh"
use_tmux
CUR=c

M=$T/meshd
start_meshd "$M" || { fail "meshd starts"; finish; }
V site add hq >/dev/null
V site add branch >/dev/null
PA=$(free_port) PB=$(free_port) PC=$(free_port) PD=$(free_port) W=$(free_port)
WAN=$T/wan.control
echo "15 3 0" > "$WAN"
$PY "$SRC/tests/integration/wan.py" "$W" "127.0.0.1:$PB" "$WAN" 2>"$T/wan.err" &
PIDS="$PIDS $!"

# peer_probe NAME SITE LISTEN [ADDRESS]: enrolled, joined, run with a peer socket
peer_probe () {
    local name=$1 site=$2 listen=$3 address=${4:-} token
    token=$(V probe enroll --site "$site" --name "$name" --endpoint "tcp://$MESH_HOST:$MESH_PORT" 2>/dev/null) || return 1
    $PROBE_WRAP "$BUILD/vedette-probe" join "$token" -d "$T/$name" >/dev/null || return 1
    {
        printf 'listen\n    syslog_udp = ""\n    syslog_tcp = ""\n    trap = ""\n'
        printf 'peer\n    listen = "%s"\n    address = "%s"\n' "$listen" "$address"
        printf '    interval = "100ms"\n    timeout = "1s"\n    report = "3s"\n'
    } > "$T/$name/probe.cfg"
    run_probe "$name"
}
peer_probe pa hq "127.0.0.1:$PA" || fail "pa joins"
peer_probe pb branch "127.0.0.1:$PB" "127.0.0.1:$W" || fail "pb joins"
peer_probe pc hq "127.0.0.1:$PC" || fail "pc joins"
peer_probe pd hq "*:$PD" || fail "pd joins"
for p in pa pb pc pd; do wait_for 20 probe_link_is $p connected || fail "$p connects"; done

# path FROM TO FIELD: a field of a path in probe mesh --json ("" if no such path)
path () {
    V probe mesh --json | $PY -c "
import json,sys
p=[x for x in json.load(sys.stdin) if x['from']=='$1' and x['to']=='$2']
print('' if not p or p[0]['$3'] is None else p[0]['$3'])"
}
between () {   # between FROM TO FIELD LOW HIGH
    local v; v=$(path "$1" "$2" "$3")
    [ -n "$v" ] && $PY -c "import sys; sys.exit(0 if $4 <= $v <= $5 else 1)"
}
state_is () { [ "$(path "$1" "$2" state)" = "$3" ]; }
export -f path between state_is

check "probe list: each peer address (pd's *:PORT is none)" bash -c "
    [ \"\$(V probe list --json | $PY -c 'import json,sys; print(\" \".join(str(p[\"peer_address\"]) for p in json.load(sys.stdin)))')\" = \
      '127.0.0.1:$PA 127.0.0.1:$W 127.0.0.1:$PC None' ]"
check "every probe measures the three others it may ask (pd: asked by none)" wait_for 20 bash -c "
    [ \"\$(V probe mesh --json | $PY -c 'import json,sys; print(len(json.load(sys.stdin)))')\" = 9 ] && [ -z \"\$(path pa pd state)\" ]"
check "pa to pc on loopback: round trip under 15 ms (a loaded machine's hiccups), no loss, ok" \
    bash -c "between pa pc rtt_ms 0 15 && between pa pc loss_pct 0 0 && state_is pa pc ok"
check "pd asks without being asked: pd to pa is measured" between pd pa rtt_ms 0 15
check "pa to pb over the WAN: 30 ms round trip (25 to 60)" wait_for 15 between pa pb rtt_ms 25 60
check "and pc to pb too" wait_for 15 between pc pb rtt_ms 25 60
check "pb to pa goes direct: under 15 ms" between pb pa rtt_ms 0 15
check "the WAN's ±3 ms shows as jitter on pa to pb (0.5 to 10 ms)" wait_for 15 between pa pb jitter_ms 0.5 10
check "min <= mean <= max" bash -c "between pa pb rtt_min_ms 0 \$(path pa pb rtt_ms) && between pa pb rtt_max_ms \$(path pa pb rtt_ms) 1000"
check "vedette probe mesh prints the paths" bash -c "V probe mesh | grep -Eq '^pa +pb +ok +[0-9]'"
check "--probe picks a probe's paths" bash -c "[ \$(V probe mesh --probe pd --json | $PY -c 'import json,sys; print(len(json.load(sys.stdin)))') = 3 ]"
check "--site picks a site's paths (pb's five, from or to branch)" bash -c "
    [ \$(V probe mesh --site branch --json | $PY -c 'import json,sys; print(len(json.load(sys.stdin)))') = 5 ]"
rtt_series () {
    V series show --probe pa peer.pb.rtt --since 10m --json | $PY -c "
import json,sys; p=[x['value'] for x in json.load(sys.stdin)['points'] if not x.get('lost')]
sys.exit(0 if len(p) >= 2 and all(20 <= v <= 60 for v in p[1:]) else 1)"
}
check "pa's series peer.pb.rtt holds the round trips" wait_for 10 rtt_series
check "series show --probe has the loss and jitter too" bash -c "
    V series show --probe pa peer.pb.loss --since 10m >/dev/null && V series show --probe pa peer.pb.jitter --since 10m >/dev/null"
check "a device's series is not a probe's" bash -c "! V series show pa peer.pb.rtt 2>/dev/null"

# -- the console's matrix ---------------------------------------------------------
tm new-session -d -s c -x 100 -y 30 "env LANG=C.UTF-8 '$BUILD/vedette' 2>'$T/console.err'"
tm send-keys -t c ":probes" Enter
matrix () {
    local text; text=$(screen c)
    echo "$text" | grep -q "^MESH" && echo "$text" | grep -Eq "^FROM \\\\ TO +pa +pb +pc +pd" &&
    echo "$text" | grep -Eq "^pa +- +[0-9.]+ +[0-9.]+ +\? *$" &&
    echo "$text" | grep -Eq "^pd +[0-9.]+ +[0-9.]+ +[0-9.]+ +- *$"
}
check "the console's Probes view draws the mesh: rows measure, columns are reached" wait_for 15 matrix
screen c > "$T/matrix.txt"
wan_cell () { screen c | grep -Eq "^pa +- +(2[5-9]|[345][0-9])\.[0-9] "; }
check "the WAN path's cell says 30 ms" wait_for 10 wan_cell

# -- loss, down, back -------------------------------------------------------------
echo "15 3 30" > "$WAN"
check "30% lost each way: pa to pb loses 25 to 80%, state loss" \
    wait_for 20 bash -c "between pa pb loss_pct 25 80 && state_is pa pb loss"
check "the console shows the loss in the cell" wait_for 10 bash -c "tmux -L $SOCK capture-pane -p -t c | grep -Eq '^pa +- +[0-9.]+ [0-9]+%'"
echo "down" > "$WAN"
check "the WAN goes down: pa to pb is down (100% loss, no round trip)" \
    wait_for 20 bash -c "state_is pa pb down && [ -z \"\$(path pa pb rtt_ms)\" ]"
check "the console says down" wait_for 10 bash -c "tmux -L $SOCK capture-pane -p -t c | grep -Eq '^pa +- +down'"
lost_series () {
    V series show --probe pa peer.pb.rtt --since 10m --json | $PY -c "
import json,sys; p=json.load(sys.stdin)['points']; sys.exit(0 if p and p[-1].get('lost') else 1)"
}
check "the rtt series marks the report lost" lost_series
echo "15 3 0" > "$WAN"
check "the WAN comes back: ok again" wait_for 20 bash -c "state_is pa pb ok && between pa pb rtt_ms 25 60"

# -- a probe that stops: what it measured goes stale --------------------------------
kill -STOP "$PROBE_PID_pb"
check "pb stopped: pa to pb is down" wait_for 20 state_is pa pb down
check "and pb's own paths are stale once pb is lost" wait_for 20 state_is pb pa stale
kill -CONT "$PROBE_PID_pb"
check "pb back: its paths are fresh again" wait_for 20 bash -c "state_is pb pa ok && state_is pa pb ok"

# -- strangers, forgeries, garbage ------------------------------------------------
PBKEY=$(probe_field pb public_key)
$PY - "$PA" "$PBKEY" > "$T/forger.out" <<'EOF'
import os, socket, sys
port, key = int(sys.argv[1]), sys.argv[2]
def z85(text):
    alphabet = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.-:+=^!/*?&<>()[]{}@%$#"
    out = b""
    for i in range(0, len(text), 5):
        value = 0
        for ch in text[i:i + 5]:
            value = value * 85 + alphabet.index(ch)
        out += value.to_bytes(4, "big")
    return out
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
head = b"VDP1\x01\x00\x00\x00" + (7).to_bytes(4, "little") + bytes(4) + bytes(16)
s.sendto(b"garbage!!!", ("127.0.0.1", port))                          # malformed
s.sendto(head + os.urandom(32) + os.urandom(32), ("127.0.0.1", port))  # a stranger's key
s.sendto(head + z85(key) + os.urandom(32), ("127.0.0.1", port))        # pb's key, forged MAC
s.settimeout(2)
try:
    s.recvfrom(1000)
    print("answered")
except socket.timeout:
    print("silence")
EOF
check "garbage is logged (once a minute, counters for the rest)" \
    wait_for 10 grep -q "peer: a malformed packet from 127.0.0.1" "$T/pa.log"
check "pa goes on measuring" wait_for 10 bash -c "state_is pa pb ok && state_is pa pc ok"
check "none of them was answered" grep -qx silence "$T/forger.out"
kill -TERM "$PROBE_PID_pa"
check "pa counted them on the way out: 2 bad, the stranger among the unknown keys" \
    wait_for 10 grep -Eq "peer: [0-9]+ requests sent, [0-9]+ replies, 2 bad packets, [1-9][0-9]* from unknown keys" "$T/pa.log"
check "the probes are still running" bash -c "kill -0 $PROBE_PID_pb && kill -0 $PROBE_PID_pc && kill -0 $PROBE_PID_pd"
check "the WAN relay ran without error" bash -c "[ ! -s '$T/wan.err' ]"
finish
