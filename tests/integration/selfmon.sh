#!/bin/bash
# meshd watches itself: the series of the object "vedette" (ingest, queues,
# database and WAL size, free disk, notifications, API requests and
# latency, each probe's spool backlog and drops), written every
# self/interval; their values against what the test reads itself; rules on
# them raise alarms on vedette/METRIC; the default rules exist; the name
# is meshd's own; the console's overview shows them.
. "$(dirname "$0")/lib.sh"
M=$T/meshd
SELF=1s start_meshd "$M" || { fail "meshd starts"; finish; }
V site add hq >/dev/null
add_probe p1 hq
check "probe connected" wait_for 15 probe_link_is p1 connected
V device add 127.0.0.2 --name lo1 --site hq --interval 300ms >/dev/null

value () { V series list vedette --json | $PY -c "
import json,sys; v=[s['value'] for s in json.load(sys.stdin) if s['metric']=='$1']; print(v[0] if v and v[0] is not None else '')"; }
has () { [ -n "$(value "$1")" ]; }
export -f value has
for metric in meshd.ingest meshd.tail meshd.rules_lag meshd.rollup_pending meshd.db_size meshd.wal_size \
              meshd.disk_free meshd.disk_free_pct meshd.notify_queue meshd.notify_failed \
              meshd.api_requests meshd.api_latency meshd.auth_refused probe.p1.backlog probe.p1.dropped; do
    check "series vedette $metric, with a value" wait_for 20 has $metric
done
positive () { $PY -c "import sys; sys.exit(0 if float('$(value "$1")') > 0 else 1)"; }
export -f positive
check "meshd.ingest: samples are coming in (> 0/s)" wait_for 20 positive meshd.ingest
check "meshd.api_requests and meshd.api_latency > 0" bash -c "positive meshd.api_requests && positive meshd.api_latency"
check "meshd.db_size is the file's size, within 1 MB" $PY -c "
import os; v=float('$(value meshd.db_size)'); s=os.path.getsize('$M/meshd.db'); assert abs(v - s) < 1e6, (v, s)"
check "meshd.disk_free is what statvfs says, within 5%; disk_free_pct within 0..100" $PY -c "
import os; st=os.statvfs('$M'); v=float('$(value meshd.disk_free)'); f=st.f_bavail*st.f_frsize
p=float('$(value meshd.disk_free_pct)'); assert abs(v - f) <= 0.05 * f and 0 <= p <= 100, (v, f, p)"
check "probe.p1.backlog: its spool is empty" [ "$(value probe.p1.backlog)" = 0.0 ]
check "series show vedette meshd.db_size: points over time" bash -c "
    [ \$(V series show vedette meshd.db_size --json | $PY -c 'import json,sys; print(len(json.load(sys.stdin)[\"points\"]))') -ge 2 ]"
check "the samples are compacted like any (chunks of meshd's own series)" wait_for 20 bash -c "
    [ \$(sqlite3 '$M/meshd.db' 'SELECT count(*) FROM chunk c JOIN series s ON s.id = c.series_id WHERE s.own = 1') -ge 1 ]"

use_tmux
tm new-session -d -s over -x 160 -y 40 "env LANG=C.UTF-8 '$BUILD/vedette' 2>'$T/over.err'"
CUR=over
check "the console's overview has a meshd line: ingest, database, disk, API" wait_for 15 bash -c "
    tmux -L $SOCK capture-pane -p -t over | grep -Eq 'meshd +ingest [0-9,]+/s +database [0-9,]+ MB \(WAL [0-9,]+ MB\) +disk [0-9,]+ MB free \([0-9]+%\) +API [0-9]+/s'"
tm kill-session -t over
CUR=

# rules on meshd's own series
check "the default rules on them exist" bash -c "V rule list --json | $PY -c \"
import json,sys; n={r['name'] for r in json.load(sys.stdin)}
assert {'vedette-backlog','vedette-rules-lag','vedette-disk-free','vedette-notify-failing'} <= n, n\""
check "rule add on meshd.db_size" V rule add db-big --metric meshd.db_size --above 1k --severity warning
check "... raises an alarm on vedette/meshd.db_size" wait_for 20 bash -c "V alarm list --active --json | grep -q '\"vedette/meshd.db_size\"'"
V rule remove db-big >/dev/null

# the name
V device add 127.0.0.3 --name vedette --site hq 2>"$T/err"; rc=$?
check "a device cannot be named vedette" bash -c "[ $rc != 0 ] && grep -q \"meshd's own\" '$T/err'"
V user add siteonly --role viewer --sites hq --password-stdin <<<"viewerpass1" >/dev/null
check "a user scoped to sites does not see meshd's own series" bash -c "
    VEDETTE_TOKEN= XDG_CONFIG_HOME=$T/other V login siteonly --password-stdin <<<viewerpass1 >/dev/null &&
    ! XDG_CONFIG_HOME=$T/other V series list vedette >/dev/null 2>&1"

# off
kill $MESHD_PID; wait $MESHD_PID 2>/dev/null
sed -i 's/interval = "1s"/interval = "0"/' "$M/meshd.cfg"
run_meshd "$M"
own () { sqlite3 "file:$M/meshd.db?mode=ro" "SELECT (SELECT coalesce (sum (c.count), 0) FROM chunk c
    JOIN series s ON s.id = c.series_id WHERE s.own = 1)
    + (SELECT coalesce (sum (length (data)), 0) / 28 FROM sample_batch WHERE probe_id = 0)"; }
before=$(own) probes=$(stored)
# three seconds of the probe's samples (10 rounds at 300 ms) come in meanwhile
export -f stored; export M
check "self/interval 0: the probe's samples flow" wait_for 30 bash -c "[ \$(stored) -ge $((probes + 20)) ]"
check "... and none of meshd's own" [ "$(own)" = "$before" ]
finish
