#!/bin/bash
# T20 (a), the disk full (SQLite's I/O-error tests; zguide's Suicidal
# Snail): meshd's directory on a 64 MB tmpfs the test mounts; two probes
# send about 2,000 samples a second; the tmpfs is filled to its last byte
# for 60 s, then the filler goes. store/min_free is off here, so meshd
# meets the full disk itself (SQLITE_FULL, a WAL that cannot grow, a
# checkpoint that cannot write) instead of stopping short of it as
# diskfull.sh's guard does. Criteria: meshd does not crash; it stops
# acknowledging instead of lying, the probes keep what it refused; its
# failures are logged a line a second at most by each of meshd's writers,
# not once an attempt;
# ingest resumes within 10 s of the space coming back (a NACK tells the
# probes to send again a second later); lost = 0, duplicates = 0,
# integrity_check ok. Not built: (b) I/O errors from a crash VFS, (c) a
# slow API subscriber.
. "$(dirname "$0")/lib.sh"
HOLD=$(dur 60)
SMALL=$T/small
small_disk "$SMALL" 64m || { fail "a tmpfs for the test (needs root)"; finish; }
M=$SMALL/meshd
export MESHD_LOG=$T/meshd.log       # the log beside, not on the full disk
MIN_FREE=0 start_meshd "$M" || { fail "meshd starts"; finish; }
V site add lab >/dev/null
for p in p1 p2; do add_probe $p lab; done
targets 2 p1 p2
last_seq () { sqlite3 "file:$M/meshd.db?mode=ro" "SELECT sum(last_seq) FROM probe"; }
flowing () { [ "$(last_seq)" -gt 10 ]; }
check "samples flow" wait_for 30 flowing

# every byte of the tmpfs taken: a file as large as the space free, then
# what is left block by block
free=$(( $(stat -f -c '%a * %S' "$SMALL") ))
fallocate -l "$free" "$SMALL/filler" 2>/dev/null
dd if=/dev/zero of="$SMALL/filler2" bs=4k 2>/dev/null
figure "free on the tmpfs once filled" "$(( $(stat -f -c '%a * %S' "$SMALL") )) bytes"
full_at=$(date +%s)
lines_before=$(grep -c "^[EW]:" "$MESHD_LOG")
stalled () { local a; a=$(last_seq); sleep 2; [ "$(last_seq)" = "$a" ]; }   # two seconds without an acknowledgement
check "meshd stops acknowledging" wait_for 30 stalled
stalled_at=$(date +%s)
sleep "$HOLD"                        # the length of the fault, not a synchronisation
held=$(( $(date +%s) - full_at ))
alive=0; kill -0 "$MESHD_PID" 2>/dev/null && alive=1
criterion "meshd is still running on the full disk" [ "$alive" = 1 ]
lines=$(( $(grep -c "^[EW]:" "$MESHD_LOG") - lines_before ))
figure "seconds full" "$held"
figure "meshd's warnings and errors meanwhile" "$lines"
# the store, the rules and housekeeping write: a line a second each at most
criterion "failures logged a line a second at most by each writer ($lines in $held s)" \
    [ "$lines" -le "$(( 3 * held ))" ]
backlog () { local p n=0; for p in p1 p2; do n=$(( n + $(sqlite3 "file:$T/$p/spool.db?mode=ro" 'SELECT count(*) FROM spool') )); done; echo $n; }
figure "messages the probes kept meanwhile" "$(backlog)"
criterion "the probes keep what meshd refused (a message each half second)" [ "$(backlog)" -ge "$HOLD" ]

before=$(last_seq)
rm -f "$SMALL/filler" "$SMALL/filler2"
freed=$(date +%s%N)
accepting () { [ "$(last_seq)" -gt "$before" ]; }
wait_for 60 accepting
resumed=$(( ($(date +%s%N) - freed) / 1000000 ))
figure "ingest resumed after the space came back" "$resumed ms"
criterion "ingest resumes within 10 s" [ "$resumed" -le 10000 ]

caught_up () { [ "$(backlog)" -le 4 ]; }
check "the probes catch up" wait_for 120 caught_up
wind_down "$(duplicates 66 icmp.rtt)" p1 p2
figure "NACKs the probes received (sent again a second later)" \
    "$(probe_logs_sum 's/.*meshd could not store \([0-9]*\) times.*/\1/p' p1 p2)"
criterion "integrity_check ok" [ "$(sqlite3 "file:$M/meshd.db?mode=ro" 'PRAGMA integrity_check')" = ok ]
kill -TERM "$MESHD_PID" 2>/dev/null; wait "$MESHD_PID" 2>/dev/null
finish
