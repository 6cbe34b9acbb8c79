#!/bin/bash
# tests/bench/accounting.sh: PPP accounting.
#  1. Accounting requests per second that one probe accepts end to end
#     (checked, decoded, spooled on disk, answered), REQUESTS (100,000)
#     Interim-Updates from tests/bench/radius_load with 64 in flight,
#     beside FreeRADIUS's own server on loopback writing its detail file,
#     loaded the same way, in the same run; medians of RUNS (3).
#  2. The IP history over SESSIONS (10,000,000) PPP
# sessions of a year on one NAS, each with an IPv4 address out of
# 100.64.0.0/10 (so an address is held by two or three sessions over the
# year), a quarter with a delegated IPv6 /56 as well: ip.history of an
# address at a time, through the API (LOOKUPS random ones, p50 and p99),
# beside the same question put as plain SQL to a FreeRADIUS-style radacct
# table (framedipaddress, acctstarttime, acctstoptime, indexed as
# FreeRADIUS's schema does) in SQLite on the same machine.
. "$(dirname "$0")/../integration/lib.sh"
SESSIONS=${SESSIONS:-10000000}
LOOKUPS=${LOOKUPS:-500}
REQUESTS=${REQUESTS:-100000}
RUNS=${RUNS:-3}
median () { tr ' ' '\n' | grep . | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
cc -O2 -o "$T/radius_load" "$SRC/tests/bench/radius_load.c" $(pkg-config --cflags --libs libcrypto) || exit 1
start_meshd "$T/meshd" || exit 1
DB=$T/meshd/meshd.db
V site add bench >/dev/null
RP=$(free_port); FP=$(free_port)
mkdir -p "$T/p1" "$T/freeradius"
printf 'listen\n    syslog_udp = ""\n    syslog_tcp = ""\n    trap = ""\n    radius = "127.0.0.1:%s"\n' "$RP" \
    > "$T/p1/probe.cfg"
add_probe p1 bench || exit 1
wait_for 20 probe_link_is p1 connected
echo "bench-secret-1" | V nas add bras0 --address 127.0.0.1 --site bench --secret-stdin >/dev/null || exit 1
echo "bench-secret-1" | V nas add bras1 --address 198.51.100.1 --site bench --secret-stdin >/dev/null || exit 1
ready () { "$T/radius_load" 127.0.0.1 "$RP" bench-secret-1 1 >/dev/null; }
wait_for 20 ready || { echo "the probe does not answer"; exit 1; }
# FreeRADIUS 3: an accounting listener and its detail file, nothing else
F=$T/freeradius
ln -s /usr/share/freeradius/dictionary "$F/dictionary"
cat > "$F/radiusd.conf" <<EOF
prefix = /usr
raddbdir = $F
confdir = $F
logdir = $F
run_dir = $F
libdir = /usr/lib/freeradius
pidfile = $F/radiusd.pid
max_requests = 65536
log {
    destination = files
    file = $F/radius.log
}
security {
    allow_vulnerable_openssl = yes
}
client local {
    ipaddr = 127.0.0.1
    secret = bench-secret-1
}
modules {
    detail {
        filename = $F/detail
        permissions = 0600
    }
}
server default {
    listen {
        type = acct
        ipaddr = 127.0.0.1
        port = $FP
    }
    accounting {
        detail
    }
}
EOF
freeradius -f -d "$F" > "$F/out.log" 2>&1 &
PIDS="$PIDS $!"
fready () { "$T/radius_load" 127.0.0.1 "$FP" bench-secret-1 1 >/dev/null; }
wait_for 20 fready || { echo "FreeRADIUS does not answer:"; tail "$F/out.log" "$F/radius.log"; exit 1; }
ours=""; theirs=""
for run in $(seq "$RUNS"); do
    out=$("$T/radius_load" 127.0.0.1 "$RP" bench-secret-1 "$REQUESTS") || { echo "probe: $out"; exit 1; }
    ours="$ours $(echo "$out" | awk '{printf "%d", $1 / $2}')"
    out=$("$T/radius_load" 127.0.0.1 "$FP" bench-secret-1 "$REQUESTS") || { echo "freeradius: $out"; exit 1; }
    theirs="$theirs $(echo "$out" | awk '{printf "%d", $1 / $2}')"
done
ours=$(echo $ours | median); theirs=$(echo $theirs | median)
stored () { [ "$(sqlite3 -cmd '.timeout 5000' "$DB" "SELECT count (*) FROM ppp_session")" -ge "$REQUESTS" ]; }
wait_for 120 stored || echo "# meshd did not store every session"
echo "vedette-probe: $ours accounting requests/s answered, each spooled first (median of $RUNS runs of $REQUESTS)"
echo "FreeRADIUS 3 writing its detail file: $theirs requests/s"
echo "ratio: $(awk -v a="$ours" -v b="$theirs" 'BEGIN { printf "%.2f", a / b }')x"
t0=$(date +%s)
$PY - "$DB" "$T/radacct.db" "$SESSIONS" <<'PYEOF' || exit 1
import sqlite3, struct, sys, random
db, radacct, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
random.seed(7)
YEAR = 365 * 86400 * 1000000
BASE = 1767225600 * 1000000                     # 2026-01-01
POOL = 1 << 22                                  # 100.64.0.0/10
def rows():
    for i in range(n):
        start = BASE + i * YEAR // n
        stop = start + random.randint(60, 3 * 86400) * 1000000
        address = (100 << 24 | 64 << 16) + (i * 2654435761) % POOL
        yield i + 1, start, stop, address
c = sqlite3.connect(db, timeout=60)
c.execute("PRAGMA journal_mode=WAL")
c.execute("PRAGMA synchronous=OFF")
r = sqlite3.connect(radacct)
r.execute("PRAGMA journal_mode=OFF")
r.execute("PRAGMA synchronous=OFF")
r.execute("""CREATE TABLE radacct (radacctid INTEGER PRIMARY KEY, acctsessionid TEXT, acctuniqueid TEXT,
    username TEXT, nasipaddress TEXT, nasportid TEXT, acctstarttime INTEGER, acctupdatetime INTEGER,
    acctstoptime INTEGER, acctsessiontime INTEGER, acctinputoctets INTEGER, acctoutputoctets INTEGER,
    callingstationid TEXT, acctterminatecause TEXT, framedipaddress TEXT, framedipv6prefix TEXT,
    delegatedipv6prefix TEXT)""")
nas = c.execute("SELECT id FROM nas WHERE name = 'bras1'").fetchone()[0]
OFFSET = 1000000000                             # past the sessions of part 1
batch, rbatch, abatch = [], [], []
def flush():
    c.executemany("INSERT INTO ppp_session (id, nas_id, session_id, user, calling_station, start_us, start_exact, "
                  "last_us, stop_us, state, closed_by, records) VALUES (?, ?, ?, ?, ?, ?, 1, ?, ?, 'stopped', 'stop', 2)",
                  batch)
    c.executemany("INSERT INTO ppp_address (session_id, kind, network, length, text) VALUES (?, ?, ?, ?, ?)", abatch)
    r.executemany("INSERT INTO radacct VALUES (?, ?, ?, ?, '198.51.100.1', ?, ?, ?, ?, ?, 0, 0, ?, 'User-Request', ?, NULL, ?)",
                  rbatch)
    batch.clear(); abatch.clear(); rbatch.clear()
c.execute("BEGIN")
r.execute("BEGIN")
for i, start, stop, address in rows():
    ip = "%d.%d.%d.%d" % (address >> 24, address >> 16 & 255, address >> 8 & 255, address & 255)
    user = "sub%07d" % (i % 300000)
    mac = "02:00:%02x:%02x:%02x:%02x" % (i >> 24 & 255, i >> 16 & 255, i >> 8 & 255, i & 255)
    batch.append((OFFSET + i, nas, "S%d" % i, user, mac, start, stop, stop))
    abatch.append((OFFSET + i, "framed_ip", b"\0" * 10 + b"\xff\xff" + struct.pack(">I", address), 128, ip))
    delegated = None
    if i % 4 == 0:
        prefix = (0x20010db8 << 96) | ((i % (1 << 24)) << 72)
        delegated = "2001:db8:%x:%x00::/56" % ((i % (1 << 24)) >> 8, (i % (1 << 24)) & 255)
        abatch.append((OFFSET + i, "delegated_prefix", prefix.to_bytes(16, "big"), 56, delegated))
    rbatch.append((i, "S%d" % i, "u%d" % i, user, "ge-0/0/1.%d" % (i % 4000), start // 1000000, stop // 1000000,
                   stop // 1000000, (stop - start) // 1000000, mac, ip, delegated))
    if len(batch) >= 50000:
        flush()
flush()
c.execute("INSERT OR IGNORE INTO ppp_length VALUES (128), (56)")
c.execute("COMMIT")
r.execute("COMMIT")
# FreeRADIUS's SQLite schema indexes radacct on these
r.execute("CREATE INDEX radacct_framedipaddress ON radacct (framedipaddress)")
r.execute("CREATE INDEX radacct_start_stop ON radacct (acctstarttime, acctstoptime)")
r.execute("CREATE INDEX radacct_username ON radacct (username)")
r.execute("ANALYZE")
c.execute("ANALYZE")
PYEOF
echo "# $SESSIONS sessions stored in meshd and in a radacct table in $(( $(date +%s) - t0 )) s"
$PY - "$T/radacct.db" "$SESSIONS" "$LOOKUPS" <<PYEOF
import sys, time, random, sqlite3
sys.path.insert(0, "$SRC/tests/integration")
from api import Api
radacct, n, lookups = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
random.seed(11)
YEAR = 365 * 86400 * 1000000
BASE = 1767225600 * 1000000
POOL = 1 << 22
api = Api()
r = sqlite3.connect(radacct)
questions = []
for _ in range(lookups):
    i = random.randrange(1, n + 1)
    start = BASE + i * YEAR // n
    address = (100 << 24 | 64 << 16) + (i * 2654435761) % POOL
    ip = "%d.%d.%d.%d" % (address >> 24, address >> 16 & 255, address >> 8 & 255, address & 255)
    questions.append((ip, start + 30 * 1000000))
def pct(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(len(values) * p))]
ours, theirs, found = [], [], 0
for ip, at in questions:
    t = time.perf_counter()
    reply = api.call("ip.history", address=ip, at=at)
    ours.append((time.perf_counter() - t) * 1000)
    found += any(s["address"] == ip for s in reply["sessions"])
    t = time.perf_counter()
    rows = r.execute("SELECT * FROM radacct WHERE framedipaddress = ? AND acctstarttime <= ? "
                     "AND (acctstoptime >= ? OR acctstoptime IS NULL)", (ip, at // 1000000, at // 1000000)).fetchall()
    theirs.append((time.perf_counter() - t) * 1000)
assert found == lookups, (found, lookups)
print("ip.history through the API, %d lookups over %d sessions: p50 %.2f ms, p99 %.2f ms (each found its session)"
      % (lookups, n, pct(ours, 0.5), pct(ours, 0.99)))
print("plain SQL on a FreeRADIUS-style radacct table (SQLite, in-process, no API): p50 %.3f ms, p99 %.3f ms"
      % (pct(theirs, 0.5), pct(theirs, 0.99)))
floor = []
for _ in range(lookups):
    t = time.perf_counter()
    api.call("whoami")
    floor.append((time.perf_counter() - t) * 1000)
print("the API's own round trip (whoami): p50 %.2f ms, p99 %.2f ms" % (pct(floor, 0.5), pct(floor, 0.99)))
print("ratio p50: %.1fx; without the round trip %.2f ms, %.1fx"
      % (pct(ours, 0.5) / pct(theirs, 0.5), pct(ours, 0.5) - pct(floor, 0.5),
         (pct(ours, 0.5) - pct(floor, 0.5)) / pct(theirs, 0.5)))
PYEOF
finish
