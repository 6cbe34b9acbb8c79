#!/bin/bash
# The mesh refuses what it does not know: unknown keys, spent or expired
# tokens, a probe claiming another's identity or series, malformed frames,
# bad API requests; a revoked probe is cut off within 5 s. meshd stays up.
. "$(dirname "$0")/lib.sh"
M=$T/meshd
start_meshd "$M" || { fail "meshd starts"; finish; }
V site add hq >/dev/null
add_probe p1 hq && add_probe p2 hq
V device add 127.0.0.2 --name core1 --site hq --probe p1 --interval 200ms >/dev/null
V device add 127.0.0.3 --name edge1 --site hq --probe p2 --interval 200ms >/dev/null
# p3 joins (its key rotated in) but runs no daemon: this test speaks for it
token3=$(V probe enroll --site hq --name p3 --endpoint "tcp://127.0.0.1:$MESH_PORT" 2>/dev/null)
check "p3 joins" bash -c "'$BUILD/vedette-probe' join '$token3' -d '$T/p3' >/dev/null"
"$BUILD/vedette-probe" join "$token3" -d "$T/p3b" >/dev/null 2>"$T/err"
check "a spent token is refused (exit 1)" [ $? = 1 ]
"$BUILD/vedette-probe" join "garbage" -d "$T/p9" 2>"$T/err"; rc=$?
check "a garbage token: exit 1, clear error" [ $rc = 1 ] && grep -q "not a vedette enrollment token" "$T/err"
token4=$(V probe enroll --site hq --name p4 --expires 1ms --endpoint "tcp://127.0.0.1:$MESH_PORT" 2>/dev/null)
"$BUILD/vedette-probe" join "$token4" -d "$T/p4" 2>"$T/err"; rc=$?
check "an expired token: exit 1, says expired" [ $rc = 1 ] && grep -q "expired" "$T/err"
have_data () { [ "$(series_count core1 icmp.rtt | cut -d' ' -f1)" -ge 3 ]; }
check "probes measure" wait_for 20 have_data

$PY - "$M" "$T" "$MESH_PORT" "$token4" <<'PYEOF' > "$T/py.out" 2>&1
import base64, json, os, sys, time
sys.path.insert(0, os.environ["SRC"] + "/tests/integration")
from mesh_client import MeshClient, load_cert, samples, generate_keys
from api import Api
M, T, port, token4 = sys.argv[1:5]
endpoint = "tcp://127.0.0.1:" + port
server = load_cert(M + "/meshd.cert_secret")[0]
def say(ok, what): print(("ok - " if ok else "FAIL - ") + what, flush=True)

# an unknown key gets nothing through
public, secret = generate_keys()
stranger = MeshClient(endpoint, server, public, secret)
stranger.send("HELLO", {"name": "p1"})
say(stranger.recv(3000) is None, "an unknown key gets no answer")

# the expired token's key opens nothing either
body = token4[5:] + "=" * (-len(token4[5:]) % 4)
t4 = json.loads(base64.urlsafe_b64decode(body))
late = MeshClient(endpoint, server, t4["public"].encode(), t4["secret"].encode())
late.send("HELLO", {"name": "p4"})
say(late.recv(3000) is None, "an expired token's key gets no answer")

# identity comes from the key, not from what the message says
api = Api()
probes = {p["name"]: p for p in api.call("probe.list")}
p3 = MeshClient(endpoint, server, *load_cert(T + "/p3/probe.cert_secret"))
p3.send("HELLO", {"name": "p1"})
welcome = p3.recv_until("WELCOME")
say(welcome is not None and welcome[1]["last_seq"] == probes["p3"]["last_seq"],
    "p3 claiming to be p1 is still p3 (its own last_seq)")
core1_rtt = api.call("series.show", device="core1", metric="icmp.rtt", since="-1m")["series_id"]
seq = welcome[1]["last_seq"] + 1
forged_ts = 1609459200000000          # 2021-01-01
p3.send("DATA", {"seq": seq}, samples([(core1_rtt, forged_ts, 999.0, 0)]))
ack = p3.recv_until("ACK")
say(ack is not None and ack[1]["seq"] == seq, "a well-formed DATA is acknowledged")
deadline = time.time() + 10
while time.time() < deadline:
    tail = api.call("series.show", device="core1", metric="icmp.rtt", since="2020-12-31", until="2021-01-02")
    if not tail["points"]:
        break
    time.sleep(0.1)
say(not tail["points"], "p3 cannot write into p1's series")

# malformed frames: an ERROR each, nothing stored, meshd alive
def refused(frames, code):
    p3.send_raw(frames)
    reply = p3.recv_until("ERROR")
    say(reply is not None and reply[1]["code"] == code, "malformed %r refused with %s" % (frames[0][:8], code))
refused([b"DATA", b"{}"], "bad_message")
refused([b"DATA", b"{not json", b""], "bad_message")
refused([b"DATA", b'{"seq": %d}' % (seq + 1), b"x" * 27], "bad_message")
refused([b"LAUNCH", b"{}", b""], "bad_message")
refused([b"DATA", b"{}", b""], "bad_seq")
refused([b"ROTATE", b'{"public_key": "x"}', b""], "unexpected")
# a gap: refused with resync, and the sequence does not move
p3.send("DATA", {"seq": seq + 5}, samples([(core1_rtt, forged_ts, 1.0, 0)]))
ack = p3.recv_until("ACK")
say(ack is not None and ack[1]["seq"] == seq and ack[1]["resync"], "a gap is refused with resync")
# a resend of what was committed: acknowledged again, stored once
p3.send("DATA", {"seq": seq}, samples([(core1_rtt, forged_ts, 2.0, 0)]))
ack = p3.recv_until("ACK")
say(ack is not None and ack[1]["seq"] == seq and not ack[1]["resync"], "a resend is acknowledged, not stored again")

# events from a probe: only its listeners' topics with a sender's address;
# a device named by the probe is not believed; bad ones skipped, counted
seq += 1
now_us = int(time.time() * 1e6)
events = [{"topic": "alarm.raised", "ts_us": now_us, "address": "127.0.0.1", "data": {"message": "forged alarm"}},
          {"topic": "syslog", "ts_us": now_us, "address": "not an address", "data": {"message": "forged address"}},
          {"topic": "syslog", "ts_us": now_us, "address": "127.0.0.1", "data": "not an object"},
          {"topic": "syslog", "ts_us": 2 ** 62, "address": "192.0.2.77",
           "data": {"message": "from p3", "device": "core1"}}]
p3.send("EVENTS", {"seq": seq}, json.dumps(events).encode())
ack = p3.recv_until("ACK")
say(ack is not None and ack[1]["seq"] == seq, "an EVENTS message is acknowledged")
p3.send("EVENTS", {"seq": seq + 1}, b"not json")
ack = p3.recv_until("ACK")
say(ack is not None and ack[1]["seq"] == seq + 1, "EVENTS that are not JSON: acknowledged, nothing stored")
deadline = time.time() + 10
while time.time() < deadline:
    stored = api.call("event.list", since="-1h", type="syslog")["events"]
    if stored:
        break
    time.sleep(0.1)
say(len(stored) == 1 and stored[0]["data"]["message"] == "from p3", "only the well-formed event is stored")
say(stored and "device" not in stored[0]["data"], "a device the probe names is not believed")
say(stored and abs(stored[0]["ts_us"] - now_us) < 60e6, "a time far in the future becomes meshd's")
say(not [e for e in api.call("event.list", since="-1h", topic="alarm")["events"]
         if "forged" in json.dumps(e)], "a probe cannot record an alarm event")

# credit is enforced: while the store cannot commit (another writer holds
# the database), meshd takes no more than the credit unacknowledged from a
# probe and refuses the rest, and still answers it
import sqlite3
credit = welcome[1]["credit"]
base = seq + 1                        # the last acknowledged
lock = sqlite3.connect(M + "/meshd.db", timeout=10, isolation_level=None)
lock.execute("BEGIN EXCLUSIVE")
for i in range(1, credit + 11):
    p3.send("DATA", {"seq": base + i}, samples([(core1_rtt, forged_ts, 3.0, 0)]))
over = 0
while True:
    reply = p3.recv(2000)
    if reply is None:
        break
    over += reply[0] == "ERROR" and reply[1].get("code") == "over_credit"
say(over == 10, "beyond its credit of %d, 10 messages are refused as over_credit (%d)" % (credit, over))
p3.send("PING", {"sent_us": int(time.time() * 1e6)})
say(p3.recv_until("PONG") is not None, "meshd answers the probe while the store waits")
lock.execute("ROLLBACK")
lock.close()
ack = p3.recv_until("ACK", 15000)
say(ack is not None and ack[1]["seq"] == base + credit, "the credit's worth is committed and acknowledged (%s)"
    % (ack and ack[1]["seq"]))
p3.send("DATA", {"seq": base + credit + 1}, samples([(core1_rtt, forged_ts, 4.0, 0)]))
ack = p3.recv_until("ACK")
say(ack is not None and ack[1]["seq"] == base + credit + 1, "a refused message sent again is taken")

# bad API requests: structured errors
raw = Api(token="")
def api_error(frames, code, what):
    try:
        reply = raw.raw(frames)
        say(reply.get("error", {}).get("code") == code, what + " -> " + code)
    except TimeoutError:
        say(False, what + " (no reply)")
api_error([b"not json"], "bad_request", "bad JSON")
api_error([b"[1,2]"], "bad_request", "not an object")
api_error([b'{"id": 1}'], "bad_request", "no op")
api_error([b'{"op": "device.explode", "id": 1}'], "unknown_op", "unknown op")
api_error([b'{"op": "device.list", "id": 1}'], "unauthorized", "no token")
api_error([b'{"op": "device.list", "id": 1, "token": "forged"}'], "unauthorized", "forged token")
api_error([b'{"op": "device.add", "token": "%s", "args": {"name": 5}}' % api.token.encode()], "invalid", "wrong type")
api_error([b'{"op": "site.add", "token": "%s", "args": []}' % api.token.encode()], "bad_request", "args not an object")
api_error([b"[" * 5000 + b"]" * 5000], "bad_request", "nested 5,000 deep")
api_error([b'{"op": "login", "pad": "' + b"x" * (1024 * 1024) + b'"}'], "too_large", "over 1 MiB")
reply = raw.raw([b'{"op": "login", "id": "abc", "args": {"user": "admin", "password": "nope"}}'])
say(reply["id"] == "abc" and reply["error"]["code"] == "unauthorized", "wrong password, id echoed")
say(len(api.call("device.list")) == 2, "meshd still serves after all that")
PYEOF
cat "$T/py.out"
PASSED=$((PASSED + $(grep -c '^ok - ' "$T/py.out")))
FAILED=$((FAILED + $(grep -c '^FAIL - ' "$T/py.out") + $(grep -c Traceback "$T/py.out")))
check "refused handshakes are logged by the ZAP handler" grep -q "auth: refused vedette-mesh key" "$M/meshd.log"

# revocation: the live session is cut within 5 s, the key refused after
revoked_at=$(( $(date +%s%N) / 1000 ))
V probe revoke p2 >/dev/null
check "the revoked probe is told within 5 s" wait_for 5 grep -q "meshd says: revoked" "$T/p2.log"
check "its reconnection is refused" wait_for 15 grep -q "no answer from" "$T/p2.log"
after=$(V series show edge1 icmp.rtt --since 10m --json | $PY -c "
import json,sys; print(sum(p['ts_us'] > $revoked_at + 1000000 for p in json.load(sys.stdin)['points']))")
check "nothing measured after the revocation is stored ($after)" [ "$after" = 0 ]
check "probe list shows p2 revoked" bash -c "V probe list | grep -q '^p2 .*revoked'"
V probe revoke p2 2>/dev/null; check "revoking twice: exit 1" [ $? = 1 ]
check "p1 unaffected" bash -c "V probe list | grep -E '^p1 +hq +active +connected' >/dev/null"
check "meshd alive" kill -0 "$MESHD_PID"
finish
