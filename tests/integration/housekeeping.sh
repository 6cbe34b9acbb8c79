#!/bin/bash
# Housekeeping: rollups (5 min, 1 h, 1 day) exact against the samples they
# came from, quantiles within 1%; retention of samples, events,
# notifications, the audit, devices' state history and the IP history; reads by step and by points; the file's size
# steady over repeated cycles while ingest runs.
. "$(dirname "$0")/lib.sh"

M=$T/meshd
start_meshd "$M" 'housekeeping' '    interval = "1s"' || { fail "meshd starts"; finish; }
V site add hq >/dev/null
add_probe p1 hq
V device add 127.0.0.2 --name live1 --site hq --interval 200ms >/dev/null
V device add 127.0.0.3 --name old1 --site hq --interval 1h >/dev/null
DB=$M/meshd.db
SERIES=$(sqlite3 "$DB" "SELECT s.id FROM series s JOIN device d ON d.id = s.device_id WHERE d.name = 'old1' AND s.metric = 'icmp.rtt'")
sql () { sqlite3 -cmd ".timeout 10000" "$DB" "$@"; }

# 30 days of a 60 s series, from UTC midnight 30 days ago, in hourly chunks
# (format 1, as a database from before migration 0016 holds them): RTTs to
# the 0.01 ms, every 97th sample lost. The test computes what each day's
# rollup must be.
$PY - "$T" "$SRC" <<'PYEOF'
import json, sys, time
sys.path.insert(0, sys.argv[2] + "/tests/integration")
from chunk_v1 import v1
out = sys.argv[1]
day0 = (int(time.time()) // 86400 - 30) * 86400
samples = []
for i in range(30 * 1440):
    lost = i % 97 == 0
    samples.append(((day0 + 60 * i) * 1000000, 0.0 if lost else round(20 + (i * 7919 % 1000) / 100, 2), 1 if lost else 0))
with open(out + "/old.sql", "w") as f:
    f.write("BEGIN;\n")
    for h in range(30 * 24):
        chunk = samples[60 * h: 60 * h + 60]
        f.write("INSERT INTO chunk (series_id, t0, t1, count, data, format) VALUES (@SERIES@, %d, %d, %d, X'%s', 1);\n"
                % (chunk[0][0], chunk[-1][0], len(chunk), v1(chunk).hex()))
    f.write("INSERT INTO rollup_pending (series_id, since_us) VALUES (@SERIES@, %d) "
            "ON CONFLICT (series_id) DO UPDATE SET since_us = min (since_us, excluded.since_us);\nCOMMIT;\n" % samples[0][0])
days = []
for d in range(30):
    part = samples[1440 * d: 1440 * d + 1440]
    values = sorted(v for t, v, f in part if not f)
    days.append({"t": part[0][0], "count": len(values), "lost": sum(f for t, v, f in part),
                 "sum": sum(values), "min": values[0], "max": values[-1], "last": [v for t, v, f in part if not f][-1],
                 "p50": values[int(0.5 * (len(values) - 1))], "p99": values[int(0.99 * (len(values) - 1))]})
json.dump({"day0": day0, "days": days}, open(out + "/expected.json", "w"))
PYEOF
sed "s/@SERIES@/$SERIES/g" "$T/old.sql" > "$T/old1.sql"
check "30 days of old samples stored (720 chunks)" sql < "$T/old1.sql"

# old events, audit rows and notifications beside young ones
NOW=$(date +%s)
DAY=86400000000
sql "INSERT INTO event (ts_us, topic, data) VALUES ($(( (NOW - 100 * 86400) * 1000000 )), 'test.old', '{}'), ($(( (NOW - 100 * 86400) * 1000000 )), 'test.old', '{}'), ($(( (NOW - 10 * 86400) * 1000000 )), 'test.young', '{}');
     INSERT INTO audit (ts_us, user, origin, op, detail) VALUES ($(( (NOW - 800 * 86400) * 1000000 )), 'mallory', 'test', 'test.old', '{}');
     INSERT INTO nas (name, address, site_id, sealed, created_us) SELECT 'bras9', '198.51.100.9', id, x'00', 0 FROM site WHERE name = 'hq';
     INSERT INTO ppp_session (id, nas_id, session_id, user, start_us, start_exact, last_us, stop_us, state)
        SELECT o.id, n.id, o.sid, 'sub', o.start, 1, o.last, o.stop, o.state FROM nas n,
        (SELECT 9001 AS id, 'old' AS sid, $(( (NOW - 400 * 86400) * 1000000 )) AS start, $(( (NOW - 399 * 86400) * 1000000 )) AS last,
                $(( (NOW - 399 * 86400) * 1000000 )) AS stop, 'stopped' AS state UNION ALL
         SELECT 9002, 'on', $(( (NOW - 400 * 86400) * 1000000 )), $(( (NOW - 399 * 86400) * 1000000 )), NULL, 'active' UNION ALL
         SELECT 9003, 'young', $(( (NOW - 10 * 86400) * 1000000 )), $(( (NOW - 9 * 86400) * 1000000 )),
                $(( (NOW - 9 * 86400) * 1000000 )), 'stopped') o WHERE n.name = 'bras9';
     INSERT INTO ppp_address (session_id, kind, network, length, text) VALUES (9001, 'framed_ip', zeroblob (16), 128, '0.0.0.1');
     INSERT INTO ppp_usage (session_id, month_us, input_octets, output_octets) VALUES (9001, 0, 1, 1), (9003, 0, 1, 1);
     INSERT INTO ppp_sighting (router, network, address, mac, first_us, last_us) VALUES
        ('r', zeroblob (16), 'old', '02:00:00:00:00:01', $(( (NOW - 400 * 86400) * 1000000 )), $(( (NOW - 399 * 86400) * 1000000 ))),
        ('r', zeroblob (16), 'young', '02:00:00:00:00:01', $(( (NOW - 400 * 86400) * 1000000 )), $(( (NOW - 9 * 86400) * 1000000 )));
     INSERT INTO notification (alarm_id, channel, kind, status, due_us, created_us) VALUES
        (1, 'c', 'problem', 'sent', $(( (NOW - 100 * 86400) * 1000000 )), $(( (NOW - 100 * 86400) * 1000000 ))),
        (1, 'c', 'problem', 'pending', $(( (NOW - 100 * 86400) * 1000000 )), $(( (NOW - 100 * 86400) * 1000000 )));
     INSERT INTO device_state_log (device_id, ts_us, state) SELECT d.id, o.ts, o.state FROM device d,
        (SELECT $(( (NOW - 4000 * 86400) * 1000000 )) AS ts, 'up' AS state UNION ALL
         SELECT $(( (NOW - 3700 * 86400) * 1000000 )), 'down' UNION ALL
         SELECT $(( (NOW - 3660 * 86400) * 1000000 )), 'unreachable' UNION ALL
         SELECT $(( (NOW - 100 * 86400) * 1000000 )), 'down' UNION ALL
         SELECT $(( (NOW - 99 * 86400) * 1000000 )), 'up') o WHERE d.name = 'live1';"

rolled_up () { [ "$(sql "SELECT count(*) FROM rollup_pending WHERE series_id = $SERIES")" = 0 ]; }
check "housekeeping rolls up the 30 days" wait_for 60 rolled_up
past () { [ "$(sql "SELECT count(*) FROM chunk WHERE series_id = $SERIES AND t1 < $(( ($(date +%s) - 14 * 86400) * 1000000 ))")" = 0 ]; }
check "samples older than 14 days are deleted" wait_for 30 past
kept=$(sql "SELECT count(*) FROM chunk WHERE series_id = $SERIES")
check "... the last 14 days' are kept ($kept of 720 chunks; 13 to 14 days of hours)" [ "$kept" -ge $((13 * 24)) -a "$kept" -le $((14 * 24 + 1)) ]
check "5-minute rollups: 30 days of them, 5 samples each" \
    [ "$(sql "SELECT count(*), sum(count + lost = 5) FROM rollup WHERE series_id = $SERIES AND step = 300")" = "8640|8640" ]
check "1-hour rollups: 720" [ "$(sql "SELECT count(*) FROM rollup WHERE series_id = $SERIES AND step = 3600")" = 720 ]
check "the log says what housekeeping did" wait_for 10 grep -q "housekeeping: .* series rolled up; deleted [1-9][0-9]* chunks" "$M/meshd.log"

# the days, read through the API at a 1 day step: exact count, lost, sum,
# min, max, last; p50 and p99 within 1% of the exact ones
days_match () { $PY - "$T" "$1" <<'PYEOF'
import datetime, json, os, subprocess, sys
T, how = sys.argv[1], sys.argv[2]
exp = json.load(open(T + "/expected.json"))
day0 = exp["day0"]
iso = lambda s: datetime.datetime.utcfromtimestamp(s).strftime("%Y-%m-%dT%H:%M:%SZ")
args = ["series", "show", "old1", "icmp.rtt", "--since", iso(day0), "--until", iso(day0 + 30 * 86400 - 1), "--json"]
args += ["--step", "1d"] if how == "step" else ["--points", "30"]
got = json.loads(subprocess.check_output([os.environ["BUILD"] + "/vedette"] + args))
pts = got["points"]
ok = got["resolution_us"] == 86400 * 10**6 and got["step_us"] == 86400 * 10**6 and len(pts) == 30
for p, e in zip(pts, exp["days"]):
    ok = ok and p["ts_us"] == e["t"] and p["samples"] == e["count"] and p["lost_samples"] == e["lost"]
    ok = ok and abs(p["value"] - e["sum"] / e["count"]) < 1e-9 and p["min"] == e["min"] and p["max"] == e["max"]
    ok = ok and p["last"] == e["last"]
    ok = ok and abs(p["p50"] - e["p50"]) <= 0.01 * e["p50"] and abs(p["p99"] - e["p99"]) <= 0.01 * e["p99"]
print("# %d buckets of %s; day 1: %s" % (len(pts), got["step_us"], json.dumps(pts[0]) if pts else None))
sys.exit(0 if ok else 1)
PYEOF
}
check "1-day buckets (--step 1d) equal the days' samples, p50/p99 within 1%" days_match step
check "... and --points 30 over the same 30 days picks them" days_match points
V series show old1 icmp.rtt --since -1d --step 0s >/dev/null 2>&1; check "a step under 1s exits 2" [ $? = 2 ]
V series show old1 icmp.rtt --since -1d --step 1h --points 3 >/dev/null 2>&1; check "step and points together exit 2" [ $? = 2 ]
check "a step of 2 minutes buckets the samples" bash -c "V series show live1 icmp.rtt --since -10m --step 2m | grep -q 'buckets of 120s from the samples'"

# retention of the rest
check "events older than 90 days are deleted, younger kept" \
    [ "$(sql "SELECT group_concat (topic) FROM event WHERE topic LIKE 'test.%'")" = test.young ]
check "sent notifications older than 90 days are deleted, pending ones kept" \
    [ "$(sql "SELECT group_concat (status) FROM notification WHERE channel = 'c'")" = pending ]
check "device states older than 10 years are deleted but the one in force then (unreachable)" \
    [ "$(sql "SELECT group_concat (state) FROM (SELECT state FROM device_state_log WHERE ts_us < $(( (NOW - 50 * 86400) * 1000000 )) ORDER BY ts_us)")" = unreachable,down,up ]
check "audit rows older than 2 years are deleted" [ "$(sql "SELECT count(*) FROM audit WHERE user = 'mallory'")" = 0 ]
check "... and the deletion is itself audited" \
    [ "$(sql "SELECT count(*) FROM audit WHERE op = 'audit.retention' AND user = 'meshd' AND json_extract (detail, '$.deleted') >= 1")" -ge 1 ]
check "PPP sessions that ended over a year ago go, with their addresses and usage; active and younger ones stay" \
    [ "$(sql "SELECT group_concat (session_id) || ' ' || (SELECT count(*) FROM ppp_address WHERE session_id = 9001)
              || ' ' || (SELECT group_concat (session_id) FROM ppp_usage) FROM ppp_session WHERE nas_id = (SELECT id FROM nas WHERE name = 'bras9')")" = "on,young 0 9003" ]
check "... and address sightings last seen over a year ago" [ "$(sql "SELECT group_concat (address) FROM ppp_sighting")" = young ]
check "younger audit rows still cannot be deleted" bash -c "! sqlite3 '$DB' 'DELETE FROM audit' 2>/dev/null"

# the file stops growing: old samples come and go while live1 is measured
pages=""
for c in 1 2 3 4; do
    sed "s/@SERIES@/$SERIES/g" "$T/old.sql" | sed -n '/INSERT INTO chunk/p' | head -240 > "$T/c.sql"
    $PY - "$T/c.sql" > "$T/cycle.sql" <<'PYEOF'
import re, sys
shift = 60 * 86400 * 1000000
print("BEGIN;")
for line in open(sys.argv[1]):
    m = re.match(r"(INSERT INTO chunk \(series_id, t0, t1, count, data, format\) VALUES \(\d+, )(\d+), (\d+), (\d+), X'([0-9a-f]+)'(.*)", line)
    t0, t1, n, data = int(m.group(2)), int(m.group(3)), m.group(4), bytes.fromhex(m.group(5))
    # the first timestamp is a zigzag varint at the start of a format 1 chunk
    v, shift_bits, i = 0, 0, 0
    while True:
        b = data[i]; v |= (b & 0x7f) << shift_bits; i += 1; shift_bits += 7
        if not b & 0x80: break
    ts = (v >> 1) ^ -(v & 1)
    z = ((ts - shift) << 1) ^ ((ts - shift) >> 63)
    head = bytearray()
    while z >= 0x80: head.append((z & 0x7f) | 0x80); z >>= 7
    head.append(z)
    print("%s%d, %d, %s, X'%s'%s" % (m.group(1), t0 - shift, t1 - shift, n, (bytes(head) + data[i:]).hex(), m.group(6)))
print("COMMIT;")
PYEOF
    sql < "$T/cycle.sql"
    gone () { [ "$(sql "SELECT count(*) FROM chunk WHERE series_id = $SERIES AND t1 < $(( ($(date +%s) - 14 * 86400) * 1000000 ))")" = 0 ]; }
    wait_for 60 gone || fail "cycle $c: old chunks deleted"
    sql "PRAGMA wal_checkpoint (TRUNCATE)" >/dev/null
    pages="$pages $(sql 'PRAGMA page_count')"
done
echo "# database pages after each of 4 cycles of 240 old chunks added and deleted, live1 measured every 200 ms:$pages"
read p1 p2 p3 p4 <<<"$pages"
check "the file stops growing (cycle 4 within 2% of cycle 2)" [ "$p4" -le $(( p2 + p2 / 50 )) ]
finish
