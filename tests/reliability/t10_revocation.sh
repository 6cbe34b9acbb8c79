#!/bin/bash
# T10, identity binding and revocation (ZAP's User-Id; ZAP asks only at
# the handshake): probe A, a hand-made client with a valid key
# (mesh_client.py) that ignores what meshd tells it, claims to be B and
# sends 100 samples into B's series; then sends 10 into its own; then the
# operator revokes A while it is connected. Criteria: spoofed samples
# accepted = 0, each refused and counted; A's connection closed by meshd
# within 5 s of the revocation (A does not hang up by itself); every
# reconnection refused for 60 s (6 with QUICK=1); what A sent before the
# revocation kept. B, a real probe, measures on meanwhile.
. "$(dirname "$0")/lib.sh"
HOLD=$(dur 60)
M=$T/meshd
start_meshd "$M" || { fail "meshd starts"; finish; }
V site add hq >/dev/null
add_probe pb hq
V device add 127.0.0.3 --name edge1 --site hq --probe pb --interval 200ms >/dev/null
# A joins (its key rotated in) but runs no daemon: the test speaks for it
token=$(V probe enroll --site hq --name pa --endpoint "tcp://127.0.0.1:$MESH_PORT" 2>/dev/null)
check "A joins" "$BUILD/vedette-probe" join "$token" -d "$T/pa"
V device add 127.0.0.4 --name own1 --site hq --probe pa --interval 10s >/dev/null
have_data () { [ "$(series_count edge1 icmp.rtt | cut -d' ' -f1)" -ge 3 ]; }
check "B measures" wait_for 20 have_data

$PY - "$M" "$T" "$MESH_PORT" "$HOLD" <<'PYEOF' > "$T/py.out" 2>&1
import os, subprocess, sys, time
import zmq
from zmq.utils.monitor import recv_monitor_message
sys.path.insert(0, os.environ["SRC"] + "/tests/integration")
from mesh_client import MeshClient, load_cert, samples
from api import Api
M, T, port, hold = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
def figure(name, value): print("# figure %s: %s" % (name, value), flush=True)
def result(name, value): print("%s %s" % (name, value), flush=True)
api = Api()
def series(device):
    return [s["id"] for s in api.call("series.list", device=device) if s["metric"] == "icmp.rtt"][0]
victim, own = series("edge1"), series("own1")
a = MeshClient("tcp://127.0.0.1:" + port, load_cert(M + "/meshd.cert_secret")[0],
               *load_cert(T + "/pa/probe.cert_secret"))
monitor = a.socket.get_monitor_socket()
a.send("HELLO", {"name": "pb"})
seq = a.recv_until("WELCOME")[1]["last_seq"]
# 100 spoofed samples into B's series, in 10 messages; then 10 of its own
forged = 1609459200000000           # 2021-01-01
acked = 0
for i in range(10):
    seq += 1
    a.send("DATA", {"seq": seq}, samples([(victim, forged + (i * 10 + j) * 1000, 999.0, 0) for j in range(10)]))
    acked += a.recv_until("ACK") is not None
mine = int(time.time() * 1e6) - 60 * 1000000
for i in range(10):
    seq += 1
    a.send("DATA", {"seq": seq}, samples([(own, mine + i * 1000000, 1.5, 0)]))
    acked += a.recv_until("ACK") is not None
result("acked", acked)
# revoked while connected; A hangs on
while monitor.poll(100):            # the first connection's events are not the reconnections'
    recv_monitor_message(monitor)
revoked = time.time()
subprocess.run([os.environ["BUILD"] + "/vedette", "probe", "revoke", "pa"], check=True, stdout=subprocess.DEVNULL)
events = {}
closed_ms = None
replies = 0
deadline = revoked + hold + 5
while time.time() < deadline:
    if monitor.poll(100):
        event = recv_monitor_message(monitor)["event"]
        events[event] = events.get(event, 0) + 1
        if event == zmq.EVENT_DISCONNECTED and closed_ms is None:
            closed_ms = int((time.time() - revoked) * 1000)
    if closed_ms is not None:
        try:                        # knocking: a reconnection would carry it
            a.socket.send_multipart([b"PING", b"{}", b""], zmq.NOBLOCK)
        except zmq.Again:
            pass
    while a.socket.poll(0):
        frames = a.socket.recv_multipart()
        if frames[0] != b"ERROR" or closed_ms is not None:
            replies += 1
result("closed_ms", closed_ms if closed_ms is not None else -1)
result("reconnects", events.get(zmq.EVENT_CONNECTED, 0))
result("handshakes_ok", events.get(zmq.EVENT_HANDSHAKE_SUCCEEDED, 0))
result("handshakes_refused", sum(n for e, n in events.items() if e in (
    zmq.EVENT_HANDSHAKE_FAILED_AUTH, zmq.EVENT_HANDSHAKE_FAILED_PROTOCOL, zmq.EVENT_HANDSHAKE_FAILED_NO_DETAIL)))
result("replies", replies)
points = api.call("series.show", device="edge1", metric="icmp.rtt", since="2020-12-31", until="2021-01-02")["points"]
result("spoofed_stored", len(points))
points = api.call("series.show", device="own1", metric="icmp.rtt", since="-10m")["points"]
result("own_stored", len(points))
PYEOF
grep '^# ' "$T/py.out"
result () { sed -n "s/^$1 //p" "$T/py.out"; }
[ -z "$(result acked)" ] && sed 's/^/# /' "$T/py.out"
kill -TERM "$MESHD_PID"; wait "$MESHD_PID" 2>/dev/null
foreign=$(sed -n 's/.*, \([0-9]*\) foreign samples,.*/\1/p' "$M/meshd.log" | tail -1)
figure "spoofed samples sent" 100
figure "spoofed samples stored" "$(result spoofed_stored)"
figure "foreign samples meshd counted" "${foreign:-?}"
figure "A's connection closed after the revocation" "$(result closed_ms) ms"
figure "reconnections in ${HOLD} s / handshakes refused / accepted" \
    "$(result reconnects) / $(result handshakes_refused) / $(result handshakes_ok)"
criterion "spoofed samples accepted = 0" [ "$(result spoofed_stored)" = 0 ]
criterion "... each refused and counted (100)" [ "${foreign:-0}" = 100 ]
closed_soon () { [ "$(result closed_ms)" -ge 0 ] && [ "$(result closed_ms)" -le 5000 ]; }
criterion "A's connection closed within 5 s" closed_soon
refused_each () { [ "$(result reconnects)" -ge 1 ] && [ "$(result handshakes_ok)" = 0 ]; }
criterion "A reconnected and was refused each time" refused_each
criterion "... and nothing it sent was answered" [ "$(result replies)" = 0 ]
criterion "what A sent before the revocation is kept (10 samples)" [ "$(result own_stored)" = 10 ]
check "meshd says it shut A's connection" grep -q "probe [0-9]* revoked: 1 connections shut down" "$M/meshd.log"
finish
