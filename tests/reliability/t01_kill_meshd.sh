#!/bin/bash
# T01, kill -9 meshd during ingest (SQLite's durability across crashes;
# Zabbix's proxy resend): four probes send N samples (200,000) at about
# 2,000 a second in all; meshd gets SIGKILL at five random moments about
# 15 s apart and is restarted a second later. Lost = 0 and duplicates = 0
# (what the probes spooled against what meshd stored, every series'
# timestamps distinct); integrity_check ok after every restart; meshd
# accepting again within 5 s of each restart; the probes' spools empty
# within 60 s of the last.
. "$(dirname "$0")/lib.sh"
N=$(( $(dur 2000) * 100 ))          # 200,000; 20,000 with QUICK=1
GAP=$(dur 150)                      # tenths of a second between kills: about 15 s
M=$T/meshd
start_meshd "$M" || { fail "meshd starts"; finish; }
V site add lab >/dev/null
for p in p1 p2 p3 p4; do add_probe $p lab; done
connected () { [ "$(V probe list --json | grep -c '"connected"')" = 4 ]; }
check "four probes connected" wait_for 20 connected
targets 2 p1 p2 p3 p4
last_seq () { sqlite3 "file:$M/meshd.db?mode=ro" "SELECT sum(last_seq) FROM probe"; }
accepting () { [ "$(last_seq)" -gt "$1" ]; }
sound () { [ "$(sqlite3 "file:$M/meshd.db?mode=ro" 'PRAGMA integrity_check')" = ok ]; }
worst=0 unsound=0
for k in 1 2 3 4 5; do
    # a random moment, GAP/2 to 3*GAP/2 tenths of a second on
    delay=$(( GAP / 2 + RANDOM % (GAP + 1) ))
    deadline=$(( $(date +%s%N) / 100000000 + delay ))
    while [ $(( $(date +%s%N) / 100000000 )) -lt $deadline ]; do sleep 0.1; done   # a random moment: not a synchronisation
    kill -9 "$MESHD_PID"; wait "$MESHD_PID" 2>/dev/null
    sleep 1                          # restarted a second later, as T01 asks
    before=$(last_seq) started=$(date +%s%N)
    run_meshd "$M" || fail "meshd restarts after kill $k"
    sound || unsound=$((unsound + 1))
    if wait_for 30 accepting "$before"; then
        took=$(( ($(date +%s%N) - started) / 1000000 ))
        [ "$took" -gt "$worst" ] && worst=$took
    else
        worst=999999
    fi
done
figure "kills" 5
figure "slowest return to accepting after a restart" "$worst ms"
criterion "integrity_check ok after every restart" [ "$unsound" = 0 ]
criterion "meshd accepts again within 5 s of each restart" [ "$worst" -le 5000 ]
enough () { [ "$(stored)" -ge "$N" ]; }
criterion "N samples ingested ($N)" wait_for 600 enough
# duplicates: each series' timestamps are distinct (compacted and tail)
dups=$(duplicates 66 icmp.rtt icmp.loss icmp.jitter)
# stop measuring; the spools empty; what was spooled against what is stored
targets_removed
drained_at=$(date +%s)
criterion "the probes' spools empty within 60 s" wait_for 60 drained p1 p2 p3 p4
figure "spools drained after" "$(( $(date +%s) - drained_at )) s"
account_for "$dups" p1 p2 p3 p4
check "integrity_check ok at the end" sound
finish
