#!/bin/bash
# The availability report over a scripted outage, a maintenance window, a
# probe cut off, and an outage measured while meshd was down. A network namespace made here holds core1 and edge1
# (under core1) behind a veth link; taking the link down is the outage,
# stopping the probe (SIGSTOP) cuts it off. The test works out each bucket
# from the stored loss samples (down from the first of two lost rounds, up
# at the first answer, unknown from one interval after the last result
# until the next, when they are more than two intervals and 2 s apart) and
# the window, and the report must agree to the ms, for edge1 too.
. "$(dirname "$0")/lib.sh"
NS=vdv$$
netns_new $NS && veth vh$$ "" 10.211.0.1/24 vn$$ $NS 10.211.0.2/24 ||
    { fail "cannot make a network namespace"; finish; }
ip -n $NS addr add 10.211.0.3/24 dev vn$$

M=$T/meshd
LATE=2s LOST=4s start_meshd "$M" 'rules' '    down_after = 2' || { fail "meshd starts"; finish; }
V site add hq >/dev/null
add_probe p1 hq
check "probe connected" wait_for 15 probe_link_is p1 connected
V device add 10.211.0.2 --name core1 --site hq --interval 300ms >/dev/null
V device add 10.211.0.3 --name edge1 --site hq --interval 300ms >/dev/null
V device set edge1 --parent core1 >/dev/null
status_of () { V device list --json | $PY -c "import json,sys; print([d['status'] for d in json.load(sys.stdin) if d['name']=='$1'][0])"; }
both () { [ "$(status_of core1)$(status_of edge1)" = "$1$1" ]; }
export -f status_of both
export PY
check "both devices up" wait_for 20 both up

iso () { date -u -d "@$1" +%FT%TZ; }
at_least () { [ "$(date +%s)" -ge "$1" ]; }
T0=$(( $(date +%s) + 1 ))
wait_for 5 at_least $T0

# 1. an outage: core1 down, edge1 unreachable under it
ip link set vh$$ down
check "core1 down" wait_for 15 bash -c '[ "$(status_of core1)" = down ]'
check "edge1 unreachable" wait_for 10 bash -c '[ "$(status_of edge1)" = unreachable ]'
ip link set vh$$ up
check "both up again" wait_for 15 both up

# 2. a maintenance window of 4 s on core1, an outage that begins in it and
#    ends 2 s after it
W_FROM=$(( $(date +%s) + 2 )) W_TO=$(( $(date +%s) + 6 ))
check "maintenance add with absolute times" \
    V maintenance add --device core1 --from "$(iso $W_FROM)" --to "$(iso $W_TO)" --comment upgrade
wait_for 10 at_least $(( W_FROM + 1 ))
ip link set vh$$ down
check "core1 down in its window" wait_for 15 bash -c '[ "$(status_of core1)" = down ]'
wait_for 15 at_least $(( W_TO + 2 ))
ip link set vh$$ up
check "both up after the window" wait_for 15 both up

# 3. the probe cut off: its devices become unknown, not down
kill -STOP $PROBE_PID_p1
check "the probe is lost" wait_for 15 probe_link_is p1 lost
check "its devices are unknown" wait_for 10 both unknown
kill -CONT $PROBE_PID_p1
check "both up once it is back" wait_for 20 both up

# 4. an outage while meshd is down: the probe measures it and keeps it in
#    its spool; once meshd is back, the outage is in the history, timed by
#    the samples, though it came in one burst
spooled () { [ "$(sqlite3 "file:$T/p1/spool.db?mode=ro" 'SELECT count(*) FROM spool')" -ge "$1" ]; }
kill $MESHD_PID; wait $MESHD_PID 2>/dev/null
check "meshd down: the probe spools" wait_for 15 spooled 2
ip link set vh$$ down
wait_for 15 spooled 6
ip link set vh$$ up
wait_for 15 spooled 9
run_meshd "$M"
check "meshd back: the spool drains" wait_for 30 drained p1
check "both up" wait_for 20 both up

T1=$(( $(date +%s) + 1 ))
wait_for 5 at_least $(( T1 + 1 ))
# a window removed once it has closed still counts for its time
WID=$(V maintenance list --all --json | $PY -c "import json,sys; print([m['id'] for m in json.load(sys.stdin) if m['comment']=='upgrade'][0])")
check "maintenance remove" V maintenance remove "$WID"
V maintenance add --device core1 --from "$(iso $((T1 + 3600)))" --to "$(iso $((T1 + 7200)))" >/dev/null
FUTURE=$(V maintenance list --json | $PY -c "import json,sys; print(json.load(sys.stdin)[-1]['id'])")
V maintenance remove "$FUTURE" >/dev/null
check "a window removed before it opened is gone; one that opened is kept, ended" \
    [ "$(sqlite3 "$M/meshd.db" "SELECT count(*) || '/' || count(removed_us) FROM maintenance")" = 1/1 ]

V series show core1 icmp.loss --since "$(iso $((T0 - 60)))" --until "$(iso $T1)" --json > "$T/core1.json"
V series show edge1 icmp.loss --since "$(iso $((T0 - 60)))" --until "$(iso $T1)" --json > "$T/edge1.json"
check "report availability --json" bash -c "V report availability --from $(iso $T0) --to $(iso $T1) --json > $T/report.json"

check "core1's buckets are what its samples and the window say, to the ms; edge1's within a second" $PY - "$T" $T0 $T1 $W_FROM $W_TO <<'PYEOF'
import json, sys
T = sys.argv[1]
t0, t1, w0, w1 = (int(x) * 10**6 for x in sys.argv[2:6])
INTERVAL, DOWN_AFTER, GAP = 300000, 2, 2 * 300000 + 2 * 10**6   # meshd's: two intervals and 2 s

def timelines(points):
    """The rules' history of both devices from their samples, in time order:
    reach from each one's own samples; edge1 is unreachable while down
    under core1 down; a change is timed by the samples (the latest of its
    own reach's and of core1's when core1 is or was above it), never before
    the change before it."""
    dev = {n: dict(reach="up", bad=0, bad_us=0, reach_us=0, last=None, logged="up", under=False,
                   floor=0, changes=[]) for n in points}
    def state(n):
        d = dev[n]
        if d["reach"] != "down":
            return d["reach"], False
        under = n == "edge1" and dev["core1"]["reach"] == "down"
        return ("unreachable" if under else "down"), under
    def history(n):
        d = dev[n]
        s, under = state(n)
        if s == d["logged"]:
            return
        since = max(d["reach_us"], dev["core1"]["reach_us"] if under or d["under"] else 0, d["floor"])
        d.update(floor=since, logged=s, under=under)
        d["changes"].append((since, s))
    def changed(n):
        history(n)
        if n == "core1":
            history("edge1")
    samples = sorted((p["ts_us"], n, p["value"]) for n in points for p in points[n])
    for ts, n, loss in samples:
        d = dev[n]
        if d["reach"] != "unknown" and d["last"] is not None and ts - d["last"] > GAP:
            d.update(reach="unknown", bad=0, reach_us=d["last"] + INTERVAL)
            changed(n)
        was = d["reach"]
        d["last"] = ts
        if loss >= 100:
            if d["bad"] == 0:
                d["bad_us"] = ts
            d["bad"] += 1
            if d["bad"] >= DOWN_AFTER:
                d["reach"] = "down"
        else:
            d.update(bad=0, reach="up")
        if d["reach"] != was:
            d["reach_us"] = d["bad_us"] if d["reach"] == "down" else ts
            changed(n)
    return {n: dev[n]["changes"] for n in points}

def buckets(changes, spans):
    b = dict(up=0, down=0, unreachable=0, maintenance=0, unknown=0)
    state, at = "up", t0
    for ts, s in changes + [(t1, None)]:
        ts = min(max(ts, t0), t1)
        if ts > at:
            inside = sum(max(0, min(ts, e) - max(at, f)) for f, e in spans)
            b["maintenance"] += inside
            b[state] += ts - at - inside
            at = ts
        if s: state = s
    return {k: v / 1e6 for k, v in b.items()}

points = {n: json.load(open(T + "/%s.json" % n))["points"] for n in ("core1", "edge1")}
history = timelines(points)
rows = {r["device"]: r for r in json.load(open(T + "/report.json"))["rows"]}
# core1's samples are read in their order: exact to the ms. edge1's state
# also follows core1's, and meshd reads the two devices' results in the
# order they came, not quite that of their times (a round that waits for
# its timeout comes later): within a round (1 s) of it.
for n, spans, within in (("core1", [(w0, w1)], 0.001), ("edge1", [], 1.0)):
    exp = buckets(history[n], spans)
    got = {k: rows[n][k + "_s"] for k in exp}
    print("# %s expected" % n, exp)
    print("# %s reported" % n, got)
    assert all(abs(exp[k] - got[k]) < within for k in exp), (n, exp, got)
    r = rows[n]
    assert abs(r["availability_pct"] - 100 * r["up_s"] / (r["up_s"] + r["down_s"] + r["unreachable_s"])) < 1e-9, r
core, edge = rows["core1"], rows["edge1"]
assert core["maintenance_s"] == 4 and core["down_s"] > 1.5 and core["unknown_s"] > 3 and core["outages"] == 3, core
assert edge["unreachable_s"] > 2 and edge["unreachable_s"] > edge["down_s"] and edge["maintenance_s"] == 0 and edge["unknown_s"] > 3, edge
PYEOF

check "every second of the period in one bucket; the total is the sum" $PY - "$T" $T0 $T1 <<'PYEOF'
import json, sys
T, t0, t1 = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
r = json.load(open(T + "/report.json"))
for e in r["rows"]:
    total = sum(e[k] for k in ("up_s", "down_s", "unreachable_s", "maintenance_s", "unknown_s"))
    assert abs(total - (t1 - t0)) < 0.001, (e, total)
t = r["total"]
assert t["devices"] == 2 and abs(t["up_s"] - sum(x["up_s"] for x in r["rows"])) < 1e-6, t
PYEOF

check "by site: one row for hq, the sum of its devices" bash -c "V report availability --from $(iso $T0) --to $(iso $T1) --by site --json | $PY -c \"
import json,sys; r=json.load(sys.stdin); d=json.load(open('$T/report.json'))
assert len(r['rows'])==1 and r['rows'][0]['site']=='hq' and r['rows'][0]['devices']==2, r
assert abs(r['rows'][0]['down_s'] - sum(x['down_s'] for x in d['rows'])) < 1e-6, r\""
check "time before a device was added is not counted" bash -c "V report availability --device core1 --from $(iso $((T0 - 86400))) --to $(iso $T1) --json | $PY -c \"
import json,sys; r=json.load(sys.stdin)['rows'][0]
created=[x for x in json.load(open('$T/report.json'))['rows'] if x['device']=='core1'][0]
total=sum(r[k] for k in ('up_s','down_s','unreachable_s','maintenance_s','unknown_s'))
assert $T0 - 60 < $T1 - total < $T0, (total, r)\""
check "the table: availability to 0.001%, spans, a total row" bash -c "V report availability --from $(iso $T0) --to $(iso $T1) | grep -Eq '^core1 +hq +1 +[0-9]+\.[0-9]{3}% ' && V report availability --from $(iso $T0) --to $(iso $T1) | grep -Eq '^ +all +2 '"
check "CSV: a header and raw seconds" bash -c "V report availability --from $(iso $T0) --to $(iso $T1) --csv | head -1 | grep -q '^device,site,devices,availability_pct,up_s' && V report availability --from $(iso $T0) --to $(iso $T1) --csv | grep -Eq '^core1,hq,1,[0-9.]+,[0-9]+\.[0-9]+'"
check "--target: each row says whether it met it, the total too" bash -c "V report availability --from $(iso $T0) --to $(iso $T1) --target 50% --json | $PY -c \"
import json,sys; r=json.load(sys.stdin)
assert r['target_pct'] == 50 and all(x['target_met'] == (x['availability_pct'] >= 50) for x in r['rows'] + [r['total']]), r\" &&
    V report availability --from $(iso $T0) --to $(iso $T1) --target 0.001% | grep -Eq '^core1 .* yes$'"
V report availability --target lots >/dev/null 2>&1
check "a target that is no percentage is refused" [ $? != 0 ]
V report availability --by probe >/dev/null 2>"$T/err"; rc=$?
check "--by probe is refused, with a reason" bash -c "[ $rc != 0 ] && grep -q 'device or site' '$T/err'"
check "the history survives a restart of meshd: the same report" bash -c "
kill $MESHD_PID; wait $MESHD_PID 2>/dev/null; true"
run_meshd "$M"
check "... same buckets after the restart" bash -c "V report availability --from $(iso $T0) --to $(iso $T1) --json | $PY -c \"
import json,sys; a=json.load(sys.stdin)['rows']; b=json.load(open('$T/report.json'))['rows']
assert [(x['device'], x['down_s'], x['unknown_s'], x['maintenance_s']) for x in a] == [(x['device'], x['down_s'], x['unknown_s'], x['maintenance_s']) for x in b], (a, b)\""
finish
