#!/bin/bash
# Backups of meshd's database: one taken while a probe's samples keep
# coming, restored and compared; restore refused while meshd runs and for a
# file that is not a sound vedette database; scheduled backups rotated; a
# damaged database refused at start with the newest backup named.
. "$(dirname "$0")/lib.sh"

M=$T/meshd
start_meshd "$M" 'backup' '    every = "2s"' '    keep = 2' 'housekeeping' '    interval = "1s"' ||
    { fail "meshd starts"; finish; }
V site add hq >/dev/null
add_probe p1 hq
for i in 2 3 4 5; do V device add 127.0.0.$i --name d$i --site hq --interval 100ms >/dev/null; done
DB=$M/meshd.db
sql () { sqlite3 -cmd ".timeout 10000" "$1" "$2"; }
stored () { sql "$1" "SELECT (SELECT coalesce (sum (count), 0) FROM chunk) + (SELECT coalesce (sum (length (data)), 0) / 28 FROM sample_batch)"; }
some () { [ "$(stored "$DB")" -ge 200 ]; }
check "samples flow" wait_for 30 some

# a backup while samples are stored
before=$(stored "$DB")
check "vedette-meshd backup while meshd runs and ingests" \
    bash -c "'$BUILD/vedette-meshd' backup -d '$M' '$T/b1.db' > '$T/backup.out'"
cat "$T/backup.out" | sed 's/^/# /'
check "... the copy is sound" [ "$(sql "$T/b1.db" 'PRAGMA integrity_check')" = ok ]
in_copy=$(stored "$T/b1.db")
check "... and holds the samples stored when it began ($before <= $in_copy)" [ "$in_copy" -ge "$before" ]
more () { [ "$(stored "$DB")" -gt "$in_copy" ]; }
check "ingest went on" wait_for 20 more
V device add 127.0.0.9 --name after --site hq >/dev/null

# restore: refused while meshd runs, then done with meshd stopped
"$BUILD/vedette-meshd" restore -d "$M" "$T/b1.db" 2> "$T/restore.err"
check "restore while meshd runs exits 1" [ $? = 1 ]
check "... and says to stop it" grep -q "stop it first" "$T/restore.err"
kill -TERM "$MESHD_PID"; wait "$MESHD_PID"
echo "not a database" > "$T/junk.db"
"$BUILD/vedette-meshd" restore -d "$M" "$T/junk.db" 2> "$T/restore.err"
check "restore of a file that is not a database exits 1" [ $? = 1 ]
check "... says why and that nothing changed" grep -q "nothing changed" "$T/restore.err"
check "... the database is untouched" [ "$(sql "$DB" "SELECT count(*) FROM device WHERE name = 'after'")" = 1 ]
check "restore with meshd stopped" bash -c "'$BUILD/vedette-meshd' restore -d '$M' '$T/b1.db' > '$T/restore.out'"
check "... the database is the copy's: the device added after it is gone" \
    [ "$(sql "$DB" "SELECT count(*) FROM device WHERE name = 'after'")" = 0 ]
check "... the samples are the copy's" [ "$(stored "$DB")" = "$in_copy" ]
check "... the database it replaced is kept beside" bash -c "ls '$M'/meshd.db.replaced-* >/dev/null"
run_meshd "$M"
check "meshd starts on the restored database" wait_for 10 bash -c "V device list --json | grep -q '\"d5\"'"
newer () { [ "$(stored "$DB")" -gt "$in_copy" ]; }
check "... and the probe's samples come in again" wait_for 30 newer
check "... the probe says meshd lost what it acknowledged after the copy" grep -q "uplink: meshd is at sequence .* it lost" "$T/p1.log"

# scheduled backups: every 2 s, the newest 2 kept, each sound
taken=$(grep -c 'housekeeping: backup .* taken' "$M/meshd.log")
thrice () { [ "$(grep -c 'housekeeping: backup .* taken' "$M/meshd.log")" -ge $((taken + 3)) ]; }
check "scheduled backups: three more taken" wait_for 30 thrice
check "... the newest two kept" [ "$(ls "$M/backups" | grep -c '^meshd-.*Z\.db$')" = 2 ]
for f in "$M"/backups/meshd-*.db; do
    check "... $(basename "$f") is sound" [ "$(sql "$f" 'PRAGMA integrity_check')" = ok ]
done

# a damaged database: refused at start, with the newest backup named
kill -TERM "$MESHD_PID"; wait "$MESHD_PID"
root=$(sql "$DB" "SELECT rootpage FROM sqlite_schema WHERE name = 'device'")
page=$(sql "$DB" "PRAGMA page_size")
head -c "$page" /dev/urandom | dd of="$DB" bs="$page" seek=$((root - 1)) conv=notrunc status=none
"$BUILD/vedette-meshd" -f -d "$M" > "$T/damaged.out" 2>&1
check "a damaged database: meshd exits 1" [ $? = 1 ]
sed 's/^/# /' "$T/damaged.out" | grep -v '^# [IWE]:'
newest=$(ls "$M"/backups/meshd-*.db | sort | tail -1)
check "... saying it is damaged" grep -q "meshd.db is damaged" "$T/damaged.out"
check "... naming the newest backup and how to restore it" grep -qF "vedette-meshd restore -d $M $newest" "$T/damaged.out"
check "restoring the newest backup mends it" bash -c "'$BUILD/vedette-meshd' restore -d '$M' '$newest' >/dev/null"
run_meshd "$M"
check "meshd starts again" wait_for 10 bash -c "V device list --json | grep -q '\"d5\"'"
finish
