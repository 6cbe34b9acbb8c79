#!/bin/bash
# A disk short of space: meshd's directory on a 48 MB tmpfs the test
# mounts, store/min_free 16MB, a filler file that leaves 8 MB. meshd stops
# acknowledging (the probe keeps its samples), raises a critical alarm,
# and when the filler goes resumes by itself: every sample measured
# meanwhile is stored, none twice, and the alarm clears.
. "$(dirname "$0")/lib.sh"

SMALL=$T/small
small_disk "$SMALL" 48m || { fail "a tmpfs for the test (needs root)"; finish; }
M=$SMALL/meshd
MIN_FREE=16MB start_meshd "$M" || { fail "meshd starts"; finish; }
V site add hq >/dev/null
add_probe p1 hq
V device add 127.0.0.2 --name gw --site hq --interval 200ms >/dev/null
flowing () { [ "$(field gw rtt)" != null ] && [ -n "$(field gw rtt)" ]; }
check "samples flow" wait_for 30 flowing
backlog () { V probe list --json | $PY -c "import json,sys; print([p for p in json.load(sys.stdin) if p['name']=='p1'][0].get('backlog', 0))"; }

# fill the disk to 8 MB free
free=$(( $(stat -f -c '%a * %S' "$SMALL") ))
fallocate -l $(( free - 8 * 1000 * 1000 )) "$SMALL/filler" || { fail "fill the tmpfs"; finish; }
full_at=$(date +%s%N)
check "meshd says the disk is short and stops acknowledging" \
    wait_for 10 grep -q "below store/min_free (16 MB): no data is acknowledged" "$M/meshd.log"
alarm () { V alarm list --json | $PY -c "
import json,sys
a=[x for x in json.load(sys.stdin) if x.get('rule')=='meshd-disk-low' and x.get('object')=='meshd']
sys.exit(0 if a and a[0]['severity']=='critical' and a[0]['state']=='$1' else 1)"; }
check "... a critical alarm on meshd" wait_for 10 alarm active
growing () { [ "$(backlog)" -ge 8 ]; }
check "... the probe keeps its samples (its backlog grows to 8 messages)" wait_for 30 growing
rm -f "$SMALL/filler"
freed_at=$(date +%s%N)
check "space back: meshd acknowledges again by itself, and counted what it refused" \
    wait_for 15 grep -q "free for the database again: acknowledging; [1-9][0-9]* messages were refused" "$M/meshd.log"
check "... the backlog drains: meshd's last sequence = the probe's" wait_for 60 drained p1
check "... the alarm clears" wait_for 15 alarm cleared
in_full=$(V series show gw icmp.rtt --since 10m --json | $PY -c "
import json,sys
p=json.load(sys.stdin)['points']
t=[x['ts_us'] for x in p if $full_at/1000 + 1e6 <= x['ts_us'] <= $freed_at/1000 - 1e6]
print(len(t), len(set(t)))")
read got distinct <<<"$in_full"
expected=$(( ( (freed_at - full_at) / 1000000 - 2000 ) / 200 * 9 / 10 ))
echo "# samples measured while the disk was short and stored: $got ($distinct distinct; at least $expected expected at 5/s)"
check "lost = 0: the samples of the short-disk time are stored, none twice" [ "$got" -ge "$expected" -a "$got" = "$distinct" ]
check "integrity_check ok" [ "$(sqlite3 "$M/meshd.db" 'PRAGMA integrity_check')" = ok ]
kill -TERM "$MESHD_PID" 2>/dev/null; wait "$MESHD_PID" 2>/dev/null
for pid in $PIDS; do kill -TERM "$pid" 2>/dev/null; done
wait 2>/dev/null
finish
