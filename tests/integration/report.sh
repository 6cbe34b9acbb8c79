#!/bin/bash
# Reports over two days of old data (hourly chunks, rolled up by
# housekeeping): latency (exact count, loss, mean, min, max; percentiles
# within 1%), 95th percentile billing and top interfaces against the same
# computation done here on the samples, alarms (counts, MTTA, MTTR) over
# scripted alarms; the CLI's periods, tables and CSV; bad periods refused.
. "$(dirname "$0")/lib.sh"

M=$T/meshd
start_meshd "$M" 'housekeeping' '    interval = "1s"' || { fail "meshd starts"; finish; }
V site add hq >/dev/null
V site add branch >/dev/null
add_probe p1 hq
V device add 127.0.0.3 --name r1 --site hq --interval 1h >/dev/null
V device add 127.0.0.4 --name r2 --site branch --interval 1h >/dev/null
DB=$M/meshd.db
sql () { sqlite3 -cmd ".timeout 10000" "$DB" "$@"; }
R1=$(sql "SELECT id FROM device WHERE name = 'r1'")
for m in in_bps out_bps in_util out_util; do
    sql "INSERT INTO series (device_id, probe_id, metric, unit) VALUES ($R1, 1, 'if.eth0.$m', '')"
done
series () { sql "SELECT id FROM series WHERE device_id = $R1 AND metric = '$1'"; }

# two days from UTC midnight two days ago: RTT every 60 s (every 97th
# lost), interface rates every 30 s; the test works out every report
$PY - "$T" "$SRC" "$(series icmp.rtt)" "$(series if.eth0.in_bps)" "$(series if.eth0.out_bps)" \
    "$(series if.eth0.in_util)" "$(series if.eth0.out_util)" <<'PYEOF'
import json, math, sys, time
T, SRC = sys.argv[1], sys.argv[2]
rtt_id, in_id, out_id, inu_id, outu_id = map(int, sys.argv[3:8])
sys.path.insert(0, SRC + "/tests/integration")
from chunk_v1 import v1
day0 = (int(time.time()) // 86400 - 2) * 86400
rtt = [((day0 + 60 * i) * 10**6, 0.0 if i % 97 == 0 else round(20 + (i * 7919 % 1000) / 100, 2), 1 if i % 97 == 0 else 0)
       for i in range(2 * 1440)]
rate_in = [((day0 + 30 * i) * 10**6, float(10**6 + (i * 7919 % 1000) * 1000 + (i % 288) * 5000), 0) for i in range(2 * 2880)]
rate_out = [(t, float(int(v // 3)), 0) for t, v, f in rate_in]
util_in = [(t, round(v / 10**7 * 100, 3), 0) for t, v, f in rate_in]
util_out = [(t, round(v / 10**7 * 100, 3), 0) for t, v, f in rate_out]
with open(T + "/old.sql", "w") as f:
    f.write("BEGIN;\n")
    for sid, pts in ((rtt_id, rtt), (in_id, rate_in), (out_id, rate_out), (inu_id, util_in), (outu_id, util_out)):
        per = 60 if pts is rtt else 120
        for h in range(0, len(pts), per):
            c = pts[h:h + per]
            f.write("INSERT INTO chunk (series_id, t0, t1, count, data, format) VALUES (%d, %d, %d, %d, X'%s', 1);\n"
                    % (sid, c[0][0], c[-1][0], len(c), v1(c).hex()))
        f.write("INSERT INTO rollup_pending (series_id, since_us) VALUES (%d, %d) ON CONFLICT (series_id) "
                "DO UPDATE SET since_us = min (since_us, excluded.since_us);\n" % (sid, pts[0][0]))
    f.write("COMMIT;\n")
def p95_of_5min(pts):
    means = []
    for b in range(0, len(pts), 10):
        vals = [v for t, v, f in pts[b:b + 10]]
        means.append(sum(vals) / len(vals))
    means.sort()
    return means[math.ceil(0.95 * len(means)) - 1], means[-1], sum(v for t, v, f in pts) / len(pts)
vals = sorted(v for t, v, f in rtt if not f)
exp = {"day0": day0,
       "latency": {"samples": len(vals), "lost": sum(f for t, v, f in rtt), "mean": sum(v for t, v, f in rtt if not f) / len(vals),
                   "min": vals[0], "max": vals[-1], "p50": vals[int(0.5 * (len(vals) - 1))],
                   "p95": vals[int(0.95 * (len(vals) - 1))], "p99": vals[int(0.99 * (len(vals) - 1))]},
       "in": p95_of_5min(rate_in), "out": p95_of_5min(rate_out), "inu": p95_of_5min(util_in), "outu": p95_of_5min(util_out)}
json.dump(exp, open(T + "/expected.json", "w"))
print("DAY0=%d" % day0)
PYEOF
DAY0=$($PY -c "import json; print(json.load(open('$T/expected.json'))['day0'])")
check "two days of samples stored" sql < "$T/old.sql"
rolled () { [ "$(sql 'SELECT count(*) FROM rollup_pending')" = 0 ]; }
check "housekeeping rolls them up" wait_for 60 rolled
FROM=$(date -u -d "@$DAY0" +%Y-%m-%dT%H:%M:%SZ)
TO=$(date -u -d "@$((DAY0 + 2 * 86400))" +%Y-%m-%dT%H:%M:%SZ)

compare () { $PY - "$T" "$1" <<'PYEOF'
import json, sys
T, kind = sys.argv[1], sys.argv[2]
exp = json.load(open(T + "/expected.json"))
got = json.load(open(T + "/" + kind + ".json"))
close = lambda a, b, rel: abs(a - b) <= rel * abs(b) + 1e-9
rows = got["rows"]
ok = True
if kind == "latency":
    r = [x for x in rows if x.get("device") == "r1"]
    e = exp["latency"]
    ok = len(r) == 1 and all(r[0][k] == e[k] for k in ("samples", "lost", "min", "max")) and close(r[0]["mean"], e["mean"], 1e-12)
    ok = ok and all(close(r[0][k], e[k], 0.01) for k in ("p50", "p95", "p99"))
    ok = ok and close(r[0]["loss_pct"], 100 * e["lost"] / (e["samples"] + e["lost"]), 1e-12)
    print("# r1:", json.dumps(r[0] if r else None))
    ok = ok and not [x for x in rows if x.get("device") == "r2" and x["samples"]]
elif kind == "billing":
    ok = len(rows) == 1 and rows[0]["interface"] == "eth0" and rows[0]["samples"] == 576
    ok = ok and close(rows[0]["in_p95_bps"], exp["in"][0], 1e-12) and close(rows[0]["out_p95_bps"], exp["out"][0], 1e-12)
    ok = ok and close(rows[0]["in_max_bps"], exp["in"][1], 1e-12) and close(rows[0]["billable_bps"], max(exp["in"][0], exp["out"][0]), 1e-12)
    print("# eth0:", json.dumps(rows[0] if rows else None), "expected in95", exp["in"][0], "out95", exp["out"][0])
elif kind == "top":
    ok = len(rows) == 1 and close(rows[0]["in_p95_pct"], exp["inu"][0], 1e-12) and close(rows[0]["out_mean_pct"], exp["outu"][2], 1e-9)
    ok = ok and close(rows[0]["peak_p95_pct"], max(exp["inu"][0], exp["outu"][0]), 1e-12)
elif kind == "alarms":
    r = {x["rule"]: x for x in rows}
    ok = r.get("link-flap", {}).get("count") == 3 and r["link-flap"]["acked"] == 2 and r["link-flap"]["cleared"] == 3
    ok = ok and close(r["link-flap"]["mtta_s"], 90, 1e-12) and close(r["link-flap"]["mttr_s"], 1200, 1e-12)
    ok = ok and r.get("core-down", {}).get("count") == 1 and got["total"]["count"] == 4
    sev = {x["severity"]: x["count"] for x in got["by_severity"]}
    ok = ok and sev == {"major": 3, "critical": 1}
    print("# total:", json.dumps(got["total"]))
sys.exit(0 if ok else 1)
PYEOF
}
V report latency --from "$FROM" --to "$TO" --json > "$T/latency.json"
check "report latency: exact count, loss, mean, min, max; p50, p95, p99 within 1%" compare latency
V report billing --from "$FROM" --to "$TO" --json > "$T/billing.json"
check "report billing: the 95th percentile of 576 5-minute means, in and out, as computed here" compare billing
V report top --from "$FROM" --to "$TO" --json > "$T/top.json"
check "report top: utilisation p95 and mean" compare top

# alarms: three of a rule in the period (acked after 60 s, 120 s and not;
# cleared after 600, 1200, 1800 s), one critical, one before the period
A=$(( DAY0 * 1000000 + 3600000000 ))
for row in "link-flap|major|$A|$((A + 60000000))|$((A + 600000000))" \
           "link-flap|major|$((A + 1))|$((A + 1 + 120000000))|$((A + 1 + 1200000000))" \
           "link-flap|major|$((A + 2))|NULL|$((A + 2 + 1800000000))" \
           "core-down|critical|$((A + 3))|NULL|NULL" \
           "link-flap|major|$(( (DAY0 - 86400) * 1000000 ))|NULL|NULL"; do
    IFS='|' read rule sev first acked cleared <<<"$row"
    sql "INSERT INTO alarm (rule, severity, object, device_id, site_id, state, message, first_us, last_us, acked_us, cleared_us)
         VALUES ('$rule', '$sev', 'r1', $R1, (SELECT site_id FROM device WHERE id = $R1),
                 CASE WHEN $cleared IS NULL THEN 'active' ELSE 'cleared' END, 'test', $first, $first, $acked, $cleared)"
done
V report alarms --from "$FROM" --to "$TO" --json > "$T/alarms.json"
check "report alarms: counts by rule and severity, MTTA 90 s, MTTR 1200 s" compare alarms
check "... the table shows the totals" bash -c "V report alarms --from '$FROM' --to '$TO' | grep -E '^all +4 +2 +3 '"
check "report billing --csv: a header, and the row's numbers as they are" \
    bash -c "V report billing --from '$FROM' --to '$TO' --csv | tr '\\n' ' ' | grep -q '^device,interface,site,samples,in_p95_bps,out_p95_bps,billable_bps,in_max_bps,out_max_bps r1,eth0,hq,576,2858000,'"
check "--site narrows: the branch has no interfaces" \
    bash -c "V report billing --from '$FROM' --to '$TO' --site branch --json | $PY -c 'import json,sys; sys.exit(len(json.load(sys.stdin)[\"rows\"]))'"
month=$(date -u -d "@$DAY0" +%Y-%m)
check "--month YYYY-MM is a calendar month" bash -c "V report latency --month $month --json | $PY -c '
import json,sys,calendar
r=json.load(sys.stdin); y,m=map(int,\"$month\".split(\"-\"))
sys.exit(0 if r[\"from_us\"]==calendar.timegm((y,m,1,0,0,0))*10**6 and r[\"to_us\"]==calendar.timegm((y+m//12,m%12+1,1,0,0,0))*10**6 else 1)'"
V report latency --month 2026-13 >/dev/null 2>&1; check "a bad month exits 2" [ $? = 2 ]
V report latency --month 2026-11 --from -1d >/dev/null 2>&1; check "--month with --from exits 2" [ $? = 2 ]
V report latency --from -1d --to -2d >/dev/null 2>&1; check "a period that ends before it begins exits 2" [ $? = 2 ]
finish
