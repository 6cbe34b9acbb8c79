#!/bin/bash
# T20 (b), I/O errors (SQLite's I/O-error tests): meshd runs with the
# crash VFS preloaded in its EIO mode (crashvfs.c, EIO_WHEN): for 5 min
# (30 s with QUICK=1) one write in a hundred fails as after an EIO from the
# disk, while two probes send about 2,000 samples a second. Criteria:
# meshd does not crash; a transaction that failed is not acknowledged
# (the probes keep it and send it again), so lost = 0 and duplicates = 0
# once the errors stop; ingest goes on, and is at full speed within 10 s
# of the errors stopping; integrity_check ok.
. "$(dirname "$0")/lib.sh"
HOLD=$(dur 300)
cc -O2 -shared -fPIC -o "$T/crashvfs.so" "$SRC/tests/reliability/crashvfs.c" -lsqlite3 ||
    { fail "the crash VFS builds"; finish; }
M=$T/meshd
EIO=$T/eio
MESHD_WRAP="env LD_PRELOAD=$T/crashvfs.so EIO_WHEN=$EIO EIO_PERCENT=1" start_meshd "$M" ||
    { fail "meshd starts"; finish; }
V site add lab >/dev/null
for p in p1 p2; do add_probe $p lab; done
targets 6 p1 p2
last_seq () { sqlite3 "file:$M/meshd.db?mode=ro" "SELECT sum(last_seq) FROM probe"; }
flowing () { [ "$(last_seq)" -gt 10 ]; }
check "samples flow" wait_for 30 flowing

touch "$EIO"
before=$(last_seq)
sleep "$HOLD"                        # the length of the fault, not a synchronisation
during=$(( $(last_seq) - before ))
rm -f "$EIO"
stopped=$(date +%s%N)
# the VFS counts its failures at the first write after the file went
failed () { [ -s "$EIO.count" ]; }
wait_for 10 failed
alive=0; kill -0 "$MESHD_PID" 2>/dev/null && alive=1
figure "seconds of errors" "$HOLD"
figure "writes failed" "$(cat "$EIO.count" 2>/dev/null)"
figure "messages acknowledged meanwhile" "$during"
criterion "meshd is still running" [ "$alive" = 1 ]
criterion "writes failed" [ "$(cat "$EIO.count" 2>/dev/null || echo 0)" -gt 0 ]
criterion "ingest went on through the errors" [ "$during" -gt "$HOLD" ]

backlog () { local p n=0; for p in p1 p2; do n=$(( n + $(sqlite3 "file:$T/$p/spool.db?mode=ro" 'SELECT count(*) FROM spool') )); done; echo $n; }
caught_up () { [ "$(backlog)" -le 4 ]; }
wait_for 60 caught_up
resumed=$(( ($(date +%s%N) - stopped) / 1000000 ))
figure "the probes caught up after the errors stopped" "$resumed ms"
criterion "ingest at full speed within 10 s" [ "$resumed" -le 10000 ]
wind_down "$(duplicates 66 icmp.rtt)" p1 p2
figure "NACKs the probes received (sent again a second later)" \
    "$(probe_logs_sum 's/.*meshd could not store \([0-9]*\) times.*/\1/p' p1 p2)"
criterion "integrity_check ok" [ "$(sqlite3 "file:$M/meshd.db?mode=ro" 'PRAGMA integrity_check')" = ok ]
kill -TERM "$MESHD_PID" 2>/dev/null; wait "$MESHD_PID" 2>/dev/null
finish
