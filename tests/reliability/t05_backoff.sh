#!/bin/bash
# T05, the reconnect backoff part (zguide's heartbeating and backoff): a
# probe whose meshd accepts its TCP connections and never answers (a
# listener that holds them, as a meshd too busy or refusing the key does).
# Each such attempt costs meshd a CURVE handshake, so they must back off:
# the gaps between attempts grow (1 s doubling, plus the 15 s the probe
# waits for WELCOME), and at the cap (32 s) no more than one attempt in
# 32 s. QUICK=1 watches the first three gaps; the full run, up to the cap
# and one gap at it. Then meshd comes back on that port: the probe is connected
# within its next attempt. (t05_lossy_link.sh is T05's lossy, flapping
# link; T04 cuts the link, T01 kills meshd.)
. "$(dirname "$0")/lib.sh"
GAPS=3; [ -z "$QUICK" ] && GAPS=7
M=$T/meshd
start_meshd "$M" || { fail "meshd starts"; finish; }
V site add lab >/dev/null
add_probe p1 lab
check "the probe connects" wait_for 15 probe_link_is p1 connected
kill -TERM "$MESHD_PID"; wait "$MESHD_PID" 2>/dev/null
# the listener takes meshd's port and records each connection
# (a first connection may be the old one's, reconnected by libzmq before
# the probe gives meshd up: a first gap under 2 s is not counted)
/usr/bin/python3 - "$MESH_PORT" "$(( GAPS + 1 ))" > "$T/attempts" <<'PYEOF' &
import socket, sys, time
server = socket.socket()
server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
server.bind(("127.0.0.1", int(sys.argv[1])))
server.listen(16)
held = []
for _ in range(int(sys.argv[2])):
    conn, _ = server.accept()
    held.append(conn)                   # held open, never answered
    print("%.3f" % time.monotonic(), flush=True)
PYEOF
LISTENER=$!
PIDS="$PIDS $LISTENER"
done_listening () { ! kill -0 "$LISTENER" 2>/dev/null; }
check "the probe tried $(( GAPS + 1 )) times" wait_for $(( GAPS > 4? 400: 120 )) done_listening
gaps=$(awk 'NR > 1 && !(NR == 2 && $1 - last < 2) { printf "%.1f ", $1 - last } { last = $1 }' "$T/attempts")
figure "gaps between attempts (s)" "$gaps"
# the backoff after attempt k waits 2^(k-1) s (to 32), plus up to a quarter
# more, plus the 15 s the attempt waited for WELCOME
grows () {
    local k=1 gap wait
    for gap in $gaps; do
        wait=$(( 1 << (k - 1) )); [ $wait -gt 32 ] && wait=32
        awk -v g="$gap" -v w="$wait" 'BEGIN { exit !(g >= w + 15 - 0.5 && g <= w * 1.25 + 15 + 1.5) }' || return 1
        k=$((k + 1))
    done
}
criterion "each gap is the backoff (1 s doubling) + jitter + the 15 s wait" grows
at_cap () { [ "$GAPS" -lt 7 ] || awk -v g="$(echo $gaps | awk '{ print $NF }')" 'BEGIN { exit !(g >= 32) }'; }
criterion "at the cap, no more than an attempt in 32 s" at_cap
# meshd back on its port: connected within the next attempt
run_meshd "$M"
back_at=$(date +%s)
criterion "meshd back: the probe connects within its backoff (40 s)" wait_for 45 probe_link_is p1 connected
figure "connected again after" "$(( $(date +%s) - back_at )) s"
finish
