#!/bin/bash
# tests/bench/availability.sh: the availability report over one year of
# 10,000 devices in 10 sites, each with its state history (an outage about
# every week, a probe cut off about every month: about 1.3 million state
# changes) and a weekly maintenance window per site. Prints how long
# report.availability takes per device and per site, beside the time raw
# SQLite takes to read the same history (the sqlite3 shell summing every
# row in one scan, no sweep).
# Medians of RUNS.
. "$(dirname "$0")/../integration/lib.sh"
RUNS=${RUNS:-3}
start_meshd "$T/meshd" || exit 1
DB=$T/meshd/meshd.db
for s in $(seq 0 9); do V site add site$s >/dev/null; done
for s in $(seq 0 9); do
    V maintenance add --site site$s --from 02:00 --to 04:00 --every sun --comment weekly >/dev/null || exit 1
done
sqlite3 -cmd ".timeout 10000" "$DB" "UPDATE maintenance SET created_us = created_us - 400 * 86400000000" || exit 1
$PY - "$DB" <<'PYEOF'
import random, sqlite3, sys, time
db = sqlite3.connect(sys.argv[1], timeout=30)
random.seed(7)
now = int(time.time()) * 10**6
year = 365 * 86400 * 10**6
sites = [r[0] for r in db.execute("SELECT id FROM site WHERE name LIKE 'site%' ORDER BY name")]
rows, devices = [], []
for d in range(10000):
    created = now - year - 86400 * 10**6
    devices.append((d + 1000, "dev%05d" % d, "10.%d.%d.%d" % (d // 65536, d // 256 % 256, d % 256),
                    sites[d % 10], created))
    t = created
    rows.append((d + 1000, t, "up"))
    while True:
        t += int(random.expovariate(1 / (7 * 86400)) * 10**6)
        if t >= now:
            break
        kind = "unknown" if random.random() < 0.2 else random.choice(("down", "down", "unreachable"))
        rows.append((d + 1000, t, kind))
        t += int(random.uniform(60, 4 * 3600) * 10**6)
        rows.append((d + 1000, t, "up"))
db.executemany("INSERT INTO device (id, name, address, site_id, created_us, state) VALUES (?, ?, ?, ?, ?, 'up')", devices)
db.executemany("INSERT OR REPLACE INTO device_state_log (device_id, ts_us, state) VALUES (?, ?, ?)", rows)
db.commit()
print("# %d devices, %d state changes over a year" % (len(devices), len(rows)))
PYEOF
$PY - "$RUNS" "$DB" <<PYEOF
import statistics, subprocess, sys, time
sys.path.insert(0, "$SRC/tests/integration")
from api import Api
api = Api()
runs, path = int(sys.argv[1]), sys.argv[2]
def timed(fn):
    ms = []
    for _ in range(runs):
        t = time.perf_counter()
        r = fn()
        ms.append((time.perf_counter() - t) * 1000)
    return statistics.median(ms), r
def raw():
    out = subprocess.run(["sqlite3", "file:%s?mode=ro" % path,
                          "SELECT count(*), total(ts_us), sum(length(state)) FROM device_state_log"],
                         capture_output=True, text=True, check=True).stdout
    return int(out.split("|")[0])
ref, n = timed(raw)
print("raw SQLite (the sqlite3 shell): %d state rows read in %.0f ms (median of %d)" % (n, ref, runs))
for by in ("device", "site"):
    ms, r = timed(lambda: api.call("report.availability", **{"from": "-365d", "by": by}))
    t = r["total"]
    print("report.availability over one year by %s: %d rows, %d devices, availability %.3f%%, %d outages: "
          "median %.0f ms, %.2fx the raw read" % (by, len(r["rows"]), t["devices"], t["availability_pct"],
                                                      t["outages"], ms, ms / ref))
PYEOF
finish >/dev/null
