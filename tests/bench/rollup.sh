#!/bin/bash
# tests/bench/rollup.sh: a year of a 60 s series (525,600 samples in 8,760
# hourly chunks) handed to housekeeping: how fast it is rolled up (5 min,
# 1 h, 1 day), and how long series.show takes to answer for the whole year
# at a 1-day step, a 1-hour step and 1,000 points, beside reading the
# year's samples themselves (no step). Medians of RUNS x 10 requests.
. "$(dirname "$0")/../integration/lib.sh"
RUNS=${RUNS:-3}
start_meshd "$T/meshd" 'housekeeping' '    interval = "1s"' 'retention' '    raw = "0"' || exit 1
V site add bench >/dev/null
V device add 127.0.0.2 --name year1 --site bench --interval 1h >/dev/null
DB=$T/meshd/meshd.db
SERIES=$(sqlite3 "$DB" "SELECT s.id FROM series s JOIN device d ON d.id = s.device_id WHERE d.name = 'year1' AND s.metric = 'icmp.rtt'")
$PY - "$SERIES" "$SRC" > "$T/year.sql" <<'PYEOF'
import sys, time
sys.path.insert(0, sys.argv[2] + "/tests/integration")
from chunk_v1 import v1
series = int(sys.argv[1])
day0 = (int(time.time()) // 86400 - 365) * 86400
print("BEGIN;")
for h in range(365 * 24):
    pts = [((day0 + 3600 * h + 60 * i) * 1000000, round(20 + ((h * 60 + i) * 7919 % 1000) / 100, 2), 0) for i in range(60)]
    print("INSERT INTO chunk (series_id, t0, t1, count, data, format) VALUES (%d, %d, %d, 60, X'%s', 1);"
          % (series, pts[0][0], pts[-1][0], v1(pts).hex()))
print("INSERT INTO rollup_pending (series_id, since_us) VALUES (%d, %d) ON CONFLICT (series_id) DO UPDATE SET since_us = excluded.since_us;" % (series, day0 * 1000000))
print("COMMIT;")
PYEOF
start=$(date +%s%N)
sqlite3 -cmd ".timeout 10000" "$DB" < "$T/year.sql" || exit 1
done_rolling () { [ "$(sqlite3 -cmd ".timeout 10000" "$DB" "SELECT count(*) FROM rollup_pending WHERE series_id = $SERIES")" = 0 ]; }
wait_for 600 done_rolling || { echo "rollup: not done in 600 s"; exit 1; }
ms=$(( ($(date +%s%N) - start) / 1000000 ))
echo "rollup of a year of a 60 s series (525,600 samples): $ms ms from the chunks' commit, $(( 525600 * 1000 / (ms > 0? ms: 1) )) samples/s, housekeeping waking every 1 s"
$PY - "$RUNS" <<PYEOF
import statistics, sys, time
sys.path.insert(0, "$SRC/tests/integration")
from api import Api
api = Api()
runs = int(sys.argv[1])
def timed(**args):
    ms = []
    for _ in range(runs * 10):
        t = time.perf_counter()
        r = api.call("series.show", device="year1", metric="icmp.rtt", since="-366d", **args)
        ms.append((time.perf_counter() - t) * 1000)
    return statistics.median(ms), sorted(ms)[int(0.99 * (len(ms) - 1))], len(r["points"])
for label, args in (("1-day step", {"step": "1d"}), ("1-hour step", {"step": "1h"}),
                    ("1,000 points", {"points": 1000}), ("no step (the samples)", {})):
    med, p99, n = timed(**args)
    print("  series.show of one year, %s: %d points, median %.1f ms, p99 %.1f ms" % (label, n, med, p99))
PYEOF
finish >/dev/null
