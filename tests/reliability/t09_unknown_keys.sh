#!/bin/bash
# T09, unknown CURVE keys and fail-closed (libzmq's curve tests, ZAP): (a)
# N clients, each with a keypair of its own that meshd never saw, send
# HELLO and DATA to the mesh port; (b) a client with no CURVE at all does
# the same. Nothing reaches meshd's application: no answer, nothing
# stored; each refused handshake is counted (meshd.auth_refused) and the
# log says so once a second at most. A probe enrolled beside them goes on
# measuring. (c), meshd started without a ZAP handler, is not built: the
# handler is an actor main waits for before any CURVE socket binds, and
# with ZMQ_ZAP_ENFORCE_DOMAIN libzmq refuses every handshake it cannot ask
# about (tests/unit/test_curve.c shows that refusal).
. "$(dirname "$0")/lib.sh"
M=$T/meshd
SELF=1s start_meshd "$M" || { fail "meshd starts"; finish; }
V site add hq >/dev/null
add_probe p1 hq
V device add 127.0.0.2 --name lo1 --site hq --interval 200ms >/dev/null
check "the probe connects" wait_for 20 probe_link_is p1 connected
N=$(dur 1000)
started=$(date +%s)
$PY - "$M" "$MESH_PORT" "$N" > "$T/t09.out" 2>&1 <<'PYEOF'
import os, sys, time, zmq, zmq.utils.monitor
sys.path.insert(0, os.environ["SRC"] + "/tests/integration")
from mesh_client import MeshClient, load_cert, samples, generate_keys
M, port, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
endpoint = "tcp://127.0.0.1:" + port
server = load_cert(M + "/meshd.cert_secret")[0]
# each client with a monitor: its handshake refused is seen, so the test
# knows how many meshd must count (no reconnection: one attempt a client)
refused, answered, open_clients = 0, 0, []
def settle(client, monitor):
    global refused, answered
    deadline = time.time() + 5
    while time.time() < deadline and monitor.poll(max(1, int((deadline - time.time()) * 1000))):
        event = zmq.utils.monitor.recv_monitor_message(monitor)
        if event["event"] == zmq.EVENT_HANDSHAKE_FAILED_AUTH:
            refused += 1
            break
    answered += 1 if client.recv(0) else 0
    monitor.close()
    client.socket.close()
for i in range(n):
    client = MeshClient.__new__(MeshClient)
    client.socket = zmq.Context.instance().socket(zmq.DEALER)
    client.socket.setsockopt(zmq.LINGER, 0)
    client.socket.setsockopt(zmq.RECONNECT_IVL, -1)
    public, secret = generate_keys()
    client.socket.curve_serverkey, client.socket.curve_publickey, client.socket.curve_secretkey = server, public, secret
    monitor = client.socket.get_monitor_socket(zmq.EVENT_HANDSHAKE_FAILED_AUTH)
    client.socket.connect(endpoint)
    client.send("HELLO", {"name": "p1"})
    client.send("DATA", {"seq": 1}, samples([(1, 1609459200000000, 999.0, 0)]))
    open_clients.append((client, monitor))
    if len(open_clients) >= 50:
        for c, m in open_clients:
            settle(c, m)
        open_clients = []
for c, m in open_clients:
    settle(c, m)
print("refused", refused)
plain = zmq.Context.instance().socket(zmq.DEALER)
plain.setsockopt(zmq.LINGER, 0)
plain.connect(endpoint)
plain.send_multipart([b"HELLO", b'{"name": "p1"}', b""])
time.sleep(2)                        # what could come back has had its chance: not a synchronisation
print("answers", answered + (1 if plain.poll(0) else 0))
PYEOF
took=$(( $(date +%s) - started + 1 ))
cat "$T/t09.out"
figure "clients with unknown keys" "$N"
figure "answers to them and to a client without CURVE" "$(sed -n 's/^answers //p' "$T/t09.out")"
criterion "(a, b) no answer reaches a stranger" grep -qx "answers 0" "$T/t09.out"
criterion "(a) every client saw its handshake refused" grep -qx "refused $N" "$T/t09.out"
refused () { V series show vedette meshd.auth_refused --since -10m --json | $PY -c "
import json,sys; print(int(sum(p['value'] or 0 for p in json.load(sys.stdin)['points'])))"; }
counted () { [ "$(refused)" = "$N" ]; }
criterion "(a) every refused handshake is counted, once (meshd.auth_refused)" wait_for 20 counted
figure "handshakes refused, counted" "$(refused)"
lines=$(grep -c "auth: refused" "$M/meshd.log")
figure "log lines about them over ${took} s" "$lines"
criterion "(a) the log says so once a second at most" [ "$lines" -le "$took" ]
check "nothing from 2021 is stored" bash -c "[ \"\$(V series show lo1 icmp.rtt --since 2020-12-31 --until 2021-01-02 --json | $PY -c 'import json,sys; print(len(json.load(sys.stdin)[\"points\"]))')\" = 0 ]"
before=$(series_count lo1 icmp.rtt | cut -d' ' -f1)
more () { [ "$(series_count lo1 icmp.rtt | cut -d' ' -f1)" -gt "$before" ]; }
criterion "the enrolled probe goes on measuring" wait_for 20 more
check "meshd is alive" kill -0 "$MESHD_PID"
finish
