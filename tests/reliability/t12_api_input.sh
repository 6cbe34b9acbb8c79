#!/bin/bash
# T12, malformed and oversized API input (OSS-Fuzz's JSON parsers;
# ZMQ_MAXMSGSIZE): N requests mutated from real ones over the API's socket,
# as the admin: truncated JSON, 10,000-deep nesting, invalid UTF-8,
# duplicate keys, 1e400, arguments of the wrong type, unknown ops, a
# missing token; then messages over api/max_request (1 MiB). Every
# request within the limit gets a structured error, p99 under 100 ms;
# one over it is dropped unread and the client may come again; meshd's RSS
# stays under twice its baseline; the database is unchanged; no crash.
. "$(dirname "$0")/lib.sh"
M=$T/meshd DB=$T/meshd/meshd.db
rss_counts_the_daemon
start_meshd "$M" || { fail "meshd starts"; finish; }
V site add hq >/dev/null
V device add 127.0.0.2 --name core1 --site hq >/dev/null 2>&1
rss () { awk '/^VmRSS/ { print $2 }' "/proc/$MESHD_PID/status"; }
# what any request could change (sessions and the audit aside)
state () { sqlite3 -cmd ".timeout 10000" "$DB" \
    "SELECT * FROM site; SELECT * FROM device; SELECT id, name, role FROM user; SELECT * FROM probe;
     SELECT * FROM rule; SELECT * FROM channel; SELECT name, kind FROM credential; SELECT * FROM nas;
     SELECT * FROM maintenance; SELECT * FROM device_check" | sha256sum; }
V device list >/dev/null; V site list >/dev/null
before=$(state) rss0=$(rss)
N=$(dur 10000)
$PY - "$N" > "$T/t12.out" 2>&1 <<'PYEOF'
import json, os, random, sys, time, zmq
sys.path.insert(0, os.environ["SRC"] + "/tests/integration")
from api import Api, session_token
n = int(sys.argv[1])
random.seed(12)
token = session_token()
bases = [("site.add", {"name": "fuzz"}), ("device.add", {"address": "127.0.0.9", "name": "fuzz", "site": "hq"}),
         ("device.set", {"name": "core1", "interval": "1s"}), ("user.add", {"name": "fuzz", "role": "admin"}),
         ("rule.add", {"name": "fuzz", "metric": "icmp.rtt", "above": 10}), ("device.list", {}),
         ("series.show", {"device": "core1", "metric": "icmp.rtt"}), ("alarm.ack", {"id": 1}),
         ("nas.add", {"name": "fuzz", "address": "127.0.0.9", "site": "hq", "secret": "0123456789"})]
wrong = [[], {}, True, None, 1.5, -1, "", "x" * 300, [1, 2], {"a": 1}]
def mutate(i):
    op, args = random.choice(bases)
    kind = i % 8
    request = {"op": op, "id": i, "token": token, "args": dict(args)}
    if kind == 0:       # arguments of the wrong type, every one of them
        request["args"] = {k: random.choice([w for w in wrong if type(w) != type(v)]) for k, v in args.items()} or {"x": 1}
        if not args:
            request["op"] = op + ".nope"
        return json.dumps(request).encode()
    if kind == 1:       # truncated
        text = json.dumps(request).encode()
        return text[:random.randint(0, len(text) - 1)]
    if kind == 2:       # nesting deeper than the parser takes (2,048)
        depth = random.choice([3000, 10000])
        return b'{"op": "site.list", "id": %d, "token": "%s", "args": {"x": %s1%s}}' % (
            i, token.encode(), b"[" * depth, b"]" * depth)
    if kind == 3:       # invalid UTF-8 in a string
        text = json.dumps(request).encode()
        return text.replace(b'"%s"' % op.encode(), b'"%s\xff\xfe"' % op.encode(), 1)
    if kind == 4:       # duplicate keys
        return b'{"op": "site.add", "op": "site.list", "id": %d, "token": "%s", "args": {"name": "fuzz", "name": 1}}' % (
            i, token.encode())
    if kind == 5:       # a number past double
        return b'{"op": "%s", "id": %d, "token": "%s", "args": {"limit": 1e400, "name": 1e400}}' % (
            op.encode(), i, token.encode())
    if kind == 6:       # an op nobody has
        request["op"] = "".join(random.choice("abcdefghijklmnopqrstuvwxyz._") for _ in range(random.randint(0, 40)))
        return json.dumps(request).encode()
    request.pop("token")  # no token
    return json.dumps(request).encode()
api = Api()
latencies, results, errors, unanswered = [], 0, {}, 0
for i in range(n):
    frame = mutate(i)
    started = time.monotonic()
    try:
        reply = api.raw([frame], timeout=2000)
    except (TimeoutError, ValueError):
        unanswered += 1
        continue
    latencies.append(time.monotonic() - started)
    if "result" in reply:
        results += 1
        print("answered with a result:", frame[:200], reply)
    else:
        code = reply.get("error", {}).get("code")
        errors[code] = errors.get(code, 0) + 1
latencies.sort()
print("requests", n)
print("errors", sum(errors.values()), json.dumps(errors, sort_keys=True))
print("results", results)
print("unanswered", unanswered)
print("p99_ms %.2f" % (1000 * latencies[int(0.99 * (len(latencies) - 1))]))
print("max_ms %.2f" % (1000 * latencies[-1]))
# over the limit: 2 MiB, then 100 MiB of one string; no answer, the
# connection dropped; a new one is served
for size in (2 << 20, 100 << 20):
    big = Api()
    big.socket.send_multipart([b'{"op": "site.list", "id": 1, "args": {"x": "' + b"a" * size + b'"}}'])
    print("oversize_answered", 1 if big.socket.poll(1000) else 0)
    big.close()
after = Api()
print("after", "result" in after.request("site.list", {}))
PYEOF
cat "$T/t12.out" | grep -v "^answered with"
grep "^answered with" "$T/t12.out" | head -5 | sed 's/^/# /'
field () { sed -n "s/^$1 //p" "$T/t12.out"; }
figure "malformed requests" "$N"
figure "errors by code" "$(field errors | cut -d' ' -f2-)"
figure "p99 reply" "$(field p99_ms) ms"
figure "meshd RSS before, after" "${rss0} kB, $(rss) kB"
criterion "every malformed request gets a structured error" [ "$(field errors | cut -d' ' -f1)" = "$N" ]
criterion "... none a result, none unanswered" bash -c "[ '$(field results)' = 0 ] && [ '$(field unanswered)' = 0 ]"
criterion "... within 100 ms at p99" $PY -c "import sys; sys.exit(0 if float('$(field p99_ms)') < 100 else 1)"
criterion "messages over api/max_request are dropped unanswered" [ "$(field oversize_answered | paste -sd,)" = 0,0 ]
criterion "... and a client coming again is served" [ "$(field after)" = True ]
criterion "meshd's RSS stays under twice its baseline" [ "$(rss)" -lt $(( 2 * rss0 )) ]
criterion "the database is unchanged" [ "$(state)" = "$before" ]
criterion "meshd is alive" kill -0 "$MESHD_PID"
check "integrity_check ok" [ "$(sqlite3 -cmd '.timeout 10000' "$DB" 'PRAGMA integrity_check')" = ok ]
finish
