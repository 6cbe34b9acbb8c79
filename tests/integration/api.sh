#!/bin/bash
# The API, the CLI and the example, against a real meshd: api_test.py (pyzmq:
# schemas, arguments, roles, site scopes, client keys on CURVE tcp, events
# and event.since), the CLI's exit codes, --json and --csv, the bash
# completion made from the command table, docs/examples/follow.py, and the
# expiry of a session token (a second meshd with a 2 s session lifetime).
. "$(dirname "$0")/lib.sh"

API_PORT=$(free_port); EVENTS_PORT=$(free_port)
API_TCP="tcp://127.0.0.1:$API_PORT" EVENTS_TCP="tcp://127.0.0.1:$EVENTS_PORT" start_meshd "$T/meshd" \
    || { fail "meshd starts"; finish; }
export API_TCP="tcp://127.0.0.1:$API_PORT" EVENTS_TCP="tcp://127.0.0.1:$EVENTS_PORT"
export MESH="tcp://127.0.0.1:$MESH_PORT"

# -- pyzmq -------------------------------------------------------------------
$PY "$SRC/tests/integration/api_test.py" > "$T/api_test.out" 2>&1
cat "$T/api_test.out"
grep -q "^api_test.py: [0-9]* passed, 0 failed" "$T/api_test.out" || fail "api_test.py ran to its end"
check "credentials are sealed: no secret in the database or the log" \
    bash -c "! grep -q -a s3cret '$T/meshd/meshd.db' '$T/meshd/meshd.db-wal' '$T/meshd/meshd.log' 2>/dev/null"
check "a credential is stored as a sealed box (nonce, MAC, ciphertext)" \
    [ "$(sqlite3 "$T/meshd/meshd.db" "SELECT length(sealed) > 40 FROM credential WHERE name = 'lab-v3'")" = 1 ]

# -- a client that pipelines requests and never reads the replies ----------------
$PY - > "$T/pipeline.out" 2>&1 <<'PYEOF'
import json, os, sys, time, zmq
sys.path.insert(0, os.environ["SRC"] + "/tests/integration")
from api import Api, session_token
def say(ok, what): print(("ok - " if ok else "FAIL - ") + what, flush=True)
before = Api().call("server.status")["api"]["replies_dropped"]
greedy = zmq.Context.instance().socket(zmq.DEALER)
greedy.setsockopt(zmq.RCVHWM, 1)
greedy.setsockopt(zmq.RCVBUF, 4096)
greedy.setsockopt(zmq.LINGER, 0)
greedy.connect(os.environ["VEDETTE_ENDPOINT"])
token = session_token()
for i in range(2000):
    greedy.send(json.dumps({"op": "audit.list", "id": i, "token": token, "args": {"limit": 1000}}).encode())
# another client is served meanwhile, promptly
other = Api()
started = time.time()
other.call("whoami")
say(time.time() - started < 5, "another client is served while one pipelines 2,000 requests")
deadline = time.time() + 60
while time.time() < deadline:
    status = other.call("server.status")["api"]
    if status["requests"] >= 2000 and status["replies_dropped"] > before:
        break
    time.sleep(0.2)
dropped = status["replies_dropped"] - before
print("# replies dropped for the client that does not read: %d of 2000" % dropped)
say(dropped >= 1000, "meshd keeps at most a few replies for a client that does not read; the rest dropped, counted")
greedy.close()
say(other.call("whoami")["user"] == "admin", "meshd still serves")
PYEOF
cat "$T/pipeline.out"
grep -q "^ok - meshd still serves" "$T/pipeline.out" || fail "the pipelining client's test ran to its end"

# -- workers: a slow request holds up no other client; one client's order kept -----
$PY - > "$T/workers.out" 2>&1 <<'PYEOF'
import json, os, sys, time, zmq
sys.path.insert(0, os.environ["SRC"] + "/tests/integration")
from api import Api, session_token
def say(ok, what): print(("ok - " if ok else "FAIL - ") + what, flush=True)
def dealer():
    s = zmq.Context.instance().socket(zmq.DEALER)
    s.setsockopt(zmq.LINGER, 0)
    s.connect(os.environ["VEDETTE_ENDPOINT"])
    return s
# eight logins, each an argon2id hash of tens of milliseconds, from one client
slow = dealer()
for i in range(8):
    slow.send(json.dumps({"op": "login", "id": i, "args": {"user": "admin", "password": "adminpass1"}}).encode())
other = dealer()
ids = []
# once the first is answered, the other seven are in meshd
if slow.poll(30000):
    ids.append(json.loads(slow.recv())["id"])
other.send(json.dumps({"op": "whoami", "id": "w", "token": session_token()}).encode())
poller = zmq.Poller()
poller.register(slow, zmq.POLLIN)
poller.register(other, zmq.POLLIN)
whoami_after = None             # logins answered before the whoami
while len(ids) < 8 or whoami_after is None:
    ready = dict(poller.poll(30000))
    if not ready:
        break
    if slow in ready:           # a tie counts against the whoami
        ids.append(json.loads(slow.recv())["id"])
    elif other in ready:
        other.recv()
        whoami_after = len(ids)
print("# the whoami was answered after %s of eight pipelined logins" % whoami_after)
say(whoami_after is not None and whoami_after < 8, "another client's whoami is answered while one client's logins are served")
say(ids == list(range(8)), "the pipelined logins are answered in the order sent")
# a login then a whoami, pipelined: the whoami (which meshd may serve
# without a worker) waits for the login before it
mixed = dealer()
mixed.send(json.dumps({"op": "login", "id": "login", "args": {"user": "admin", "password": "adminpass1"}}).encode())
mixed.send(json.dumps({"op": "whoami", "id": "whoami", "token": session_token()}).encode())
order = [json.loads(mixed.recv())["id"] for _ in range(2) if mixed.poll(30000)]
say(order == ["login", "whoami"], "a whoami pipelined behind a login is answered after it: %s" % order)
# adds and removes of the same sites, pipelined: each remove finds its add
writer = dealer()
token = session_token()
for i in range(100):
    writer.send(json.dumps({"op": "site.add", "id": 2 * i, "token": token, "args": {"name": "w%d" % i}}).encode())
    writer.send(json.dumps({"op": "site.remove", "id": 2 * i + 1, "token": token, "args": {"name": "w%d" % i}}).encode())
replies = []
while len(replies) < 200 and writer.poll(30000):
    replies.append(json.loads(writer.recv()))
say([r["id"] for r in replies] == list(range(200)), "200 pipelined writes answered in the order sent")
say(all("result" in r for r in replies), "each pipelined remove found the site its add made just before")
PYEOF
cat "$T/workers.out"
check "the workers' checks ran" [ "$(grep -c '^ok - ' "$T/workers.out")" = 5 ]
W=$T/workers0
echo "adminpass1" | "$BUILD/vedette-meshd" init -d "$W" --admin-password-stdin >/dev/null
printf 'mesh\n    endpoint = "tcp://127.0.0.1:%s"\napi\n    tcp = ""\n    workers = 0\nevents\n    tcp = ""\nssh\n    endpoint = ""\n' \
       "$(free_port)" > "$W/meshd.cfg"
timeout 30 "$BUILD/vedette-meshd" -f -d "$W" -c "$W/meshd.cfg" 2>"$T/workers0.err"; rc=$?
check "api/workers = 0: meshd does not start, and says why" \
    bash -c "[ $rc = 1 ] && grep -q 'api/workers is 0; it must be between 1 and 64' '$T/workers0.err'"

# -- CLI -------------------------------------------------------------------------
out=$(V user list --csv)
check "user list --csv has a header and a row per user" \
    bash -c "[ '$(echo "$out" | head -1)' = 'name,role,sites,apikeys,sessions,created_us' ] && [ $(echo "$out" | wc -l) = 5 ]"
check "device list --json is the API's objects" \
    bash -c "V device list --json | $PY -c 'import json,sys; d=json.load(sys.stdin); assert {x[\"name\"] for x in d} >= {\"core1\",\"edge1\"} and \"status\" in d[0]'"
check "audit list --json parses" bash -c "V audit list --json --limit 5 | $PY -c 'import json,sys; assert len(json.load(sys.stdin)) == 5'"
check "event list shows recorded events" bash -c "V event list --topic device.added | grep -q 'device.added'"
V event since notanumber >/dev/null 2>&1; check "event since with a non-integer exits 2" [ $? = 2 ]
V audit list --limit 0 >/dev/null 2>&1; check "audit list --limit 0 exits 2 (invalid)" [ $? = 2 ]
V user remove nosuchuser >/dev/null 2>&1; check "removing an unknown user exits 1" [ $? = 1 ]
V device show core1 | grep -q "icmp.rtt"; check "device show lists the series" [ $? = 0 ]
echo "cli-viewer-pw" | V user add cliview --role viewer --password-stdin >/dev/null
check "user add from the CLI" bash -c "V user list --json | grep -q cliview"
V apikey add cli-key --output "$T/cli.key" 2>/dev/null
check "apikey add writes a key file of mode 0600" [ "$(stat -c %a "$T/cli.key")" = 600 ]
who=$(env -u VEDETTE_ENDPOINT "$BUILD/vedette" --key "$T/cli.key" whoami 2>&1)
check "the CLI speaks CURVE tcp with a key file (endpoint from the key)" \
    bash -c "echo '$who' | grep -q 'origin *tcp:cli-key'"
env -u VEDETTE_ENDPOINT "$BUILD/vedette" --endpoint "$API_TCP" whoami >/dev/null 2>&1
check "tcp without a key exits 2 with a hint" [ $? = 2 ]
(
    export XDG_CONFIG_HOME=$T/viewer
    echo "cli-viewer-pw" | V login cliview --password-stdin >/dev/null
    V device add 127.0.0.77 --name nope --site hq >/dev/null 2>&1
    echo $? > "$T/viewer.rc"
)
check "a viewer's device add exits 3" [ "$(cat "$T/viewer.rc")" = 3 ]

# follow: start, wait until subscribed (an event shows), then make two more
V event follow --topic device. --count 3 --json > "$T/follow.out" 2>&1 &
follow=$!
n=0
followed () { n=$((n + 1)); V device add "127.0.9.$n" --name "fol$n" --site hq >/dev/null 2>&1; grep -q '"fol' "$T/follow.out"; }
wait_for 10 followed
V device add 127.0.8.1 --name folA --site hq >/dev/null 2>&1
V device add 127.0.8.2 --name folB --site hq >/dev/null 2>&1
wait_for 10 bash -c "! kill -0 $follow"
check "event follow prints live events and stops after --count" \
    bash -c "[ \$(wc -l < '$T/follow.out') = 3 ] && grep -q '\"seq\"' '$T/follow.out'"

# completion made from the command table
complete_words () {
    bash -c "source <(V completion bash); COMP_WORDS=($1); COMP_CWORD=$2; _vedette; echo \${COMPREPLY[*]}"
}
export -f complete_words
check "bash completion completes nouns" bash -c "[ \"\$(complete_words 'vedette dev' 1)\" = device ]"
check "bash completion completes verbs" bash -c "[ \"\$(complete_words 'vedette apikey ' 2)\" = 'add list remove' ]"
check "bash completion completes options" \
    bash -c "complete_words 'vedette user add bob --' 4 | grep -qw -- --password-stdin"
check "a noun of two words completes" bash -c "[ \"\$(complete_words 'vedette user key ' 3)\" = 'add list remove' ]"
check "every noun of the table is completed" \
    bash -c "[ \"\$(complete_words 'vedette ' 1 | wc -w)\" -ge \$(V --list-commands | cut -d' ' -f1 | sort -u | wc -l) ]"
check "vedette help NOUN lists its commands" bash -c "V help user | grep -q 'user set'"
check "vedette NOUN --help lists its commands" bash -c "V event --help | grep -q 'event follow'"

# -- the example ----------------------------------------------------------------
VEDETTE_PASSWORD=adminpass1 timeout 30 $PY "$SRC/docs/examples/follow.py" --user admin \
    --topic device. --count 1 > "$T/example.out" 2>&1 &
example=$!
m=0
example_sees () { m=$((m + 1)); V device add "127.0.10.$m" --name "ex$m" --site hq >/dev/null 2>&1; ! kill -0 $example 2>/dev/null; }
wait_for 15 example_sees
wait $example; rc=$?
check "docs/examples/follow.py logs in, lists down devices, follows events" \
    bash -c "[ $rc = 0 ] && grep -q 'device(s) down' '$T/example.out' && grep -q '^device.added ' '$T/example.out'"
[ $rc = 0 ] || cat "$T/example.out"
VEDETTE_PASSWORD=wrong timeout 30 $PY "$SRC/docs/examples/follow.py" --user admin > "$T/example2.out" 2>&1
check "the example says why when the login fails" bash -c "grep -q 'wrong user or password' '$T/example2.out'"

# -- stop: what is queued at a worker is dropped and counted, not served -----------
$PY - > "$T/stop.out" 2>&1 <<'PYEOF' &
import json, os, zmq
s = zmq.Context.instance().socket(zmq.DEALER)
s.setsockopt(zmq.LINGER, 0)
s.connect(os.environ["VEDETTE_ENDPOINT"])
for i in range(64):             # one client: all at one worker, argon2id each
    s.send(json.dumps({"op": "login", "id": i, "args": {"user": "admin", "password": "adminpass1"}}).encode())
if s.poll(30000):
    s.recv()
    print("first", flush=True)
s.poll(30000)
PYEOF
client=$!
wait_for 30 grep -q first "$T/stop.out"
kill "$MESHD_PID"
started=$(date +%s%N)
wait "$MESHD_PID" 2>/dev/null
took=$(( ($(date +%s%N) - started) / 1000000 ))
kill $client 2>/dev/null; wait $client 2>/dev/null
echo "# meshd stopped in $took ms with 63 logins queued"
check "at stop, the logins queued at a worker are dropped and counted" \
    bash -c "grep -Eq 'api: stopped; ([4-5][0-9]|6[0-3]) queued requests not served' '$T/meshd/meshd.log'"

# -- session expiry ----------------------------------------------------------------
export XDG_CONFIG_HOME=$T/short
SESSION_LIFETIME=2s start_meshd "$T/short" || fail "a second meshd starts"
check "a fresh session works" bash -c "V whoami | grep -q admin"
wait_for 10 bash -c "V whoami; [ \$? = 3 ]"
check "the session expires after api/session_lifetime (2 s): exit 3" bash -c "V whoami 2>/dev/null; [ \$? = 3 ]"
check "an expired session says to log in again" bash -c "V whoami 2>&1 | grep -q 'log in again'"
finish
