#!/bin/bash
# tests/bench/configbackup.sh: configuration backups.
#  1. 200 backups by one probe (backup/workers 8) from Debian's sshd in front
#     of the IOS-like CLI of the tests (key login, enable, show
#     running-config of about 30 KB): wall time and the probe's CPU, beside
#     the same 200 fetches made one after another with OpenSSH's ssh client
#     (wall time and the clients' CPU).
#  2. backup.list and backup.diff of a device with 1,000 versions, and
#     backup.grep over the latest versions of 1,000 devices, through the API,
#     beside the sqlite3 shell reading the same rows.
# Medians of RUNS (3). Needs root (the device user, sshd).
. "$(dirname "$0")/../integration/lib.sh"
RUNS=${RUNS:-3}
DEVICES=${DEVICES:-200}
device_user || exit 1
start_meshd "$T/meshd" || exit 1
DB=$T/meshd/meshd.db
V site add bench >/dev/null
mkdir -p "$T/p1"
printf 'listen\n    syslog_udp = ""\n    syslog_tcp = ""\n    trap = ""\nbackup\n    workers = 8\n' > "$T/p1/probe.cfg"
add_probe p1 bench || exit 1
wait_for 20 probe_link_is p1 connected

CONFIG=$T/devices/bench.cfg
{ echo "hostname bench"; for i in $(seq 1 600); do
    printf 'interface GigabitEthernet0/%d\n description access port %d\n switchport access vlan %d\n' "$i" "$i" $((i % 40 + 10))
  done; } > "$CONFIG"
chmod 644 "$CONFIG"
PORT=$(free_port)
start_sshd bench "$PORT" ios "$CONFIG" bench-enable || exit 1
ssh-keygen -q -t ed25519 -N '' -f "$T/devices/id_bench"
cp "$T/devices/id_bench.pub" "$T/devices/authorized_keys"; chmod 644 "$T/devices/authorized_keys"
echo bench-enable | V cred add ssh bench --user "$DEVICE_USER" --key "$T/devices/id_bench" --enable-stdin >/dev/null
$PY - "$DEVICES" "$PORT" <<PYEOF
import sys; sys.path.insert(0, "$SRC/tests/integration")
from api import Api
api = Api()
for d in range(int(sys.argv[1])):
    api.call("device.add", address="127.0.0.1", name="sw%03d" % d, site="bench", interval="1h")
    api.call("device.set", name="sw%03d" % d, backup="bench", model="ios", backup_port=int(sys.argv[2]))
PYEOF
echo "# $DEVICES devices, a configuration of $(wc -c < "$CONFIG") bytes each"
cpu_of () { awk '{print $14 + $15}' "/proc/$1/stat"; }
ticks=$(getconf CLK_TCK)
probe_pid=$PROBE_PID_p1
walls=""; cpus=""
for run in $(seq "$RUNS"); do
    c0=$(cpu_of "$probe_pid"); t0=$(date +%s%N)
    V backup run --site bench --timeout 10m > "$T/run.out" || { echo "backup run failed:"; grep -v ': ok' "$T/run.out" | head; exit 1; }
    t1=$(date +%s%N); c1=$(cpu_of "$probe_pid")
    walls="$walls $(( (t1 - t0) / 1000000 ))"; cpus="$cpus $(( (c1 - c0) * 1000 / ticks ))"
done
median () { tr ' ' '\n' | grep . | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
wall=$(echo $walls | median); cpu=$(echo $cpus | median)
# the same fetches with OpenSSH's client, one after another
swalls=""; scpus=""
for run in $(seq "$RUNS"); do
    out=$($PY - "$DEVICES" "$PORT" "$T/devices/id_bench" <<'PYEOF'
import resource, subprocess, sys, time
n, port, key = int(sys.argv[1]), sys.argv[2], sys.argv[3]
commands = b"enable\nbench-enable\nterminal length 0\nshow running-config\nexit\n"
t = time.perf_counter()
for _ in range(n):
    r = subprocess.run(["ssh", "-tt", "-q", "-i", key, "-p", port, "-o", "StrictHostKeyChecking=no",
                        "-o", "UserKnownHostsFile=/dev/null", "-o", "BatchMode=yes", "vdbackup@127.0.0.1"],
                       input=commands, capture_output=True)
    assert b"hostname bench" in r.stdout, r.stdout[-300:]
wall = time.perf_counter() - t
ru = resource.getrusage(resource.RUSAGE_CHILDREN)
print(int(wall * 1000), int((ru.ru_utime + ru.ru_stime) * 1000))
PYEOF
) || exit 1
    swalls="$swalls ${out% *}"; scpus="$scpus ${out#* }"
done
swall=$(echo $swalls | median); scpu=$(echo $scpus | median)
versions=$(V backup status --json | $PY -c 'import json,sys; print(sum(r["versions"] for r in json.load(sys.stdin)))')
echo "vedette-probe: $DEVICES backups in $wall ms wall (median of $RUNS), $cpu ms of the probe's CPU; $versions versions stored"
echo "OpenSSH ssh, one after another: $DEVICES fetches in $swall ms wall, $scpu ms of the clients' CPU"
echo "ratios: wall $(echo "scale=2; $wall / $swall" | bc)x, CPU $(echo "scale=2; $cpu / $scpu" | bc)x (vedette over OpenSSH)"

# 2. a device with 1,000 versions; 1,000 devices' latest versions
$PY - "$DB" "$T/meshd/master.key" "$SRC/tests/integration" <<'PYEOF'
import hashlib, random, sqlite3, sys, time
sys.path.insert(0, sys.argv[3])
from api import sealed_version
db = sqlite3.connect(sys.argv[1], timeout=30)
key = open(sys.argv[2], "rb").read()
sealed = lambda text: sealed_version(key, text)
random.seed(3)
site = db.execute("SELECT id FROM site WHERE name = 'bench'").fetchone()[0]
lines = ["interface Gi0/%d\n description port %d\n switchport access vlan %d\n" % (i, i, i % 40) for i in range(600)]
now = int(time.time() * 1e6)
db.execute("INSERT INTO device (name, address, site_id, created_us) VALUES ('hist', '127.0.0.2', ?, ?)", (site, now))
hist = db.execute("SELECT id FROM device WHERE name = 'hist'").fetchone()[0]
rows = []
for v in range(1, 1001):
    lines[random.randrange(600)] = "interface Gi0/%d\n description changed in %d\n shutdown\n" % (v % 600, v)
    text = "hostname hist\n" + "".join(lines)
    rows.append((hist, v, now - (1000 - v) * 3600 * 10**6, len(text), text.count("\n"), 2, 1, "schedule", "bench",
                 hashlib.sha256(text.encode()).hexdigest(), sealed(text)))
for d in range(1000):
    db.execute("INSERT INTO device (name, address, site_id, created_us) VALUES (?, '127.0.0.3', ?, ?)", ("g%04d" % d, site, now))
    dev = db.execute("SELECT last_insert_rowid()").fetchone()[0]
    text = "hostname g%04d\n" % d + "".join(lines[:200]) + "snmp-server community <secret hidden> RO\n" + \
           ("snmp-server host 192.0.2.%d\n" % (d % 250) if d % 10 == 0 else "")
    rows.append((dev, 1, now, len(text), text.count("\n"), text.count("\n"), 0, "schedule", None,
                 hashlib.sha256(text.encode()).hexdigest(), sealed(text)))
db.executemany("INSERT INTO backup_version (device_id, version, ts_us, size, lines, added, removed, trigger, who, hash, sealed) "
               "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
db.commit()
PYEOF
$PY - "$RUNS" "$DB" <<PYEOF
import statistics, subprocess, sys, time
sys.path.insert(0, "$SRC/tests/integration")
from api import Api
api = Api()
runs, path = max(int(sys.argv[1]), 5), sys.argv[2]
def timed(fn):
    ms = []
    for _ in range(runs):
        t = time.perf_counter()
        r = fn()
        ms.append((time.perf_counter() - t) * 1000)
    return statistics.median(ms), r
def shell(sql):
    return lambda: subprocess.run(["sqlite3", "file:%s?mode=ro" % path, sql], capture_output=True, text=True, check=True).stdout
ref, _ = timed(shell("SELECT version, ts_us, size, lines, added, removed, trigger, who FROM backup_version "
                     "WHERE device_id = (SELECT id FROM device WHERE name = 'hist') ORDER BY version DESC"))
ms, r = timed(lambda: api.call("backup.list", device="hist", limit=1000))
print("backup.list of 1,000 versions: %d rows, median %.2f ms (the sqlite3 shell reading them: %.2f ms, %.2fx)"
      % (len(r), ms, ref, ms / ref))
ms, r = timed(lambda: api.call("backup.diff", device="hist"))
print("backup.diff of the latest two (%d lines each): median %.2f ms, +%d -%d" % (1801, ms, r["added"], r["removed"]))
ms, r = timed(lambda: api.call("backup.diff", device="hist", **{"from": 1, "to": 1000}))
print("backup.diff of version 1 against 1000: median %.2f ms, +%d -%d" % (ms, r["added"], r["removed"]))
ref, _ = timed(shell("SELECT length(sealed) FROM backup_version v WHERE version = (SELECT max(version) FROM backup_version w WHERE w.device_id = v.device_id)"))
ms, r = timed(lambda: api.call("backup.grep", pattern="^snmp-server host"))
print("backup.grep over the latest versions of %d devices: %d lines in %d devices, median %.1f ms "
      "(the sqlite3 shell reading those rows: %.1f ms, %.2fx)" % (r["devices"], len(r["lines"]), r["matched"], ms, ref, ms / ref))
PYEOF
finish >/dev/null
