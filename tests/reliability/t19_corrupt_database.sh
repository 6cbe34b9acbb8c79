#!/bin/bash
# T19, a damaged SQLite file (sqlite.org's howtocorrupt): meshd stopped,
# then one case at a time: (b) its WAL cut in the middle of a frame and (c)
# its -shm deleted, after a SIGKILL: meshd starts, integrity_check ok, no
# checkpointed commit lost; (a) 16 bytes flipped at the head of a b-tree
# page other than the first and (d) page 1 zeroed: meshd finds the damage
# at start (quick_check), does not start and serves nothing, keeps the
# damaged file as it was, names the newest backup and how to restore it;
# restoring it mends it. Never a crash.
. "$(dirname "$0")/lib.sh"
M=$T/meshd DB=$T/meshd/meshd.db
start_meshd "$M" || { fail "meshd starts"; finish; }
V site add hq >/dev/null
sql () { sqlite3 -cmd ".timeout 10000" "$@"; }
for i in 1 2 3 4 5; do V device add "127.0.1.$i" --name "d$i" --site hq >/dev/null 2>&1; done
mkdir -p "$M/backups"
"$BUILD/vedette-meshd" backup -d "$M" "$M/backups/meshd-20261207T000000Z.db" >/dev/null
check "a backup is taken" test -s "$M/backups/meshd-20261207T000000Z.db"
# d1..d5 checkpointed into the file, d6..d8 only in the WAL when meshd dies
checkpointed () { [ "$(sql "$DB" 'PRAGMA wal_checkpoint(PASSIVE)' | cut -d'|' -f1)" = 0 ]; }
check "d1..d5 are checkpointed into the file" wait_for 20 checkpointed
for i in 6 7 8; do V device add "127.0.1.$i" --name "d$i" --site hq >/dev/null 2>&1; done
kill -9 "$MESHD_PID"; wait "$MESHD_PID" 2>/dev/null
mkdir -p "$T/crashed"
cp "$DB" "$DB-wal" "$DB-shm" "$T/crashed/"
check "the WAL holds what was not checkpointed" test -s "$DB-wal"

crashed () { rm -f "$DB" "$DB-wal" "$DB-shm"; cp "$T/crashed/"* "$M/"; }
devices () { sql "$DB" "SELECT group_concat (name) FROM (SELECT name FROM device ORDER BY id)"; }
stop () { kill -TERM "$MESHD_PID"; wait "$MESHD_PID" 2>/dev/null; }
up () { V device list --json >/dev/null; }

# (c) the -shm deleted
crashed; rm -f "$DB-shm"
run_meshd "$M"
criterion "(c) the -shm deleted: meshd starts" wait_for 20 up
criterion "(c) ... integrity_check ok" [ "$(sql "$DB" 'PRAGMA integrity_check')" = ok ]
criterion "(c) ... nothing committed lost" [ "$(devices)" = d1,d2,d3,d4,d5,d6,d7,d8 ]
stop

# (b) the WAL cut in the middle of its last frame
crashed
page=$(sql "$DB" "PRAGMA page_size")
size=$(stat -c %s "$DB-wal")
frames=$(( (size - 32) / (24 + page) ))
truncate -s $(( size - (24 + page) / 2 )) "$DB-wal"
figure "WAL frames, the last one torn" "$frames"
run_meshd "$M"
criterion "(b) a torn WAL: meshd starts" wait_for 20 up
criterion "(b) ... integrity_check ok" [ "$(sql "$DB" 'PRAGMA integrity_check')" = ok ]
kept=$(devices)
figure "devices after the torn frame (8 committed)" "$kept"
criterion "(b) ... no checkpointed commit lost, and no hole after them" \
    bash -c "case '$kept' in d1,d2,d3,d4,d5|d1,d2,d3,d4,d5,d6|d1,d2,d3,d4,d5,d6,d7|d1,d2,d3,d4,d5,d6,d7,d8) exit 0;; esac; exit 1"
stop

# damaged: meshd stops at the door, the file as it was, the backup named
damaged () {
    local case=$1
    local before; before=$(cat "$DB" "$DB-wal" 2>/dev/null | sha256sum)
    "$BUILD/vedette-meshd" -f -d "$M" > "$T/$case.out" 2>&1; local rc=$?
    sed 's/^/# /' "$T/$case.out" | grep -v '^# [IWE]:'
    criterion "($case) meshd finds the damage and does not start (exit 1, no crash)" [ "$rc" = 1 ]
    criterion "($case) ... saying so" grep -q "meshd.db is damaged" "$T/$case.out"
    criterion "($case) ... naming the newest backup and how to restore it" \
        grep -qF "vedette-meshd restore -d $M $M/backups/meshd-20261207T000000Z.db" "$T/$case.out"
    criterion "($case) ... serving nothing" test ! -S "$M/api.sock"
    criterion "($case) ... the damaged file kept as it was" [ "$(cat "$DB" "$DB-wal" 2>/dev/null | sha256sum)" = "$before" ]
    "$BUILD/vedette-meshd" restore -d "$M" "$M/backups/meshd-20261207T000000Z.db" >/dev/null
    run_meshd "$M"
    criterion "($case) restoring the backup mends it" wait_for 20 up
    criterion "($case) ... to the backup's devices" [ "$(devices)" = d1,d2,d3,d4,d5 ]
    criterion "($case) ... and the damaged file is kept beside" bash -c "ls '$M'/meshd.db.replaced-* >/dev/null"
    stop
    rm -f "$M"/meshd.db.replaced-*
}

# (a) 16 bytes flipped at the head of the device table's first page
crashed; run_meshd "$M"; wait_for 20 up; stop
root=$(sql "$DB" "SELECT rootpage FROM sqlite_schema WHERE name = 'device'")
$PY - "$DB" "$(( (root - 1) * page ))" <<'PYEOF'
import sys
path, at = sys.argv[1], int(sys.argv[2])
with open(path, "r+b") as f:
    f.seek(at)
    data = bytes(b ^ 0xff for b in f.read(16))
    f.seek(at)
    f.write(data)
PYEOF
figure "(a) page flipped" "$root"
damaged a

# (d) page 1 zeroed
head -c "$page" /dev/zero | dd of="$DB" bs="$page" count=1 conv=notrunc status=none
damaged d
finish
