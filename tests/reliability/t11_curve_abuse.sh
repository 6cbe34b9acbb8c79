#!/bin/bash
# T11, abuse of the CURVE port before authentication (CVE-2020-15166, a raw
# TCP client blocking legit ones; CVE-2019-13132; libzmq's invalid-handshake
# tests): rounds of 500 raw TCP connections (curve_abuse.py: idle, garbage,
# a ZMTP 1.0 greeting, a wrong version, a HELLO of the wrong length, a
# real HELLO then an INITIATE with a random cookie), 100 open at a time,
# for 300 s (30 s with QUICK=1), while a legit probe sends 1,980 samples a
# second. Criteria: meshd alive; the probe's ingest during the attack at
# least 80% of before it, and lost = 0; idle connections closed within the
# handshake interval (15 s) + 1 s, every other one closed; meshd's RSS under
# its baseline + 50 MB; duplicates = 0.
. "$(dirname "$0")/lib.sh"
HOLD=$(dur 300)
rss_counts_the_daemon
M=$T/meshd
start_meshd "$M" || { fail "meshd starts"; finish; }
V site add lab >/dev/null
add_probe p1 lab
targets 3 p1
check "the probe connects" wait_for 15 probe_link_is p1 connected
flowing () { [ "$(stored)" -gt 5000 ]; }
check "samples flow" wait_for 30 flowing
rss () { awk '/VmRSS/ { print $2 }' "/proc/$MESHD_PID/status"; }
KEY=$(sed -n 's/.*public-key = "\(.*\)"/\1/p' "$M/meshd.cert")

# the probe's rate before the attack, over a tenth of the attack's length
# at least 5 s (the time is the measurement's, not a synchronisation)
window=$(( HOLD / 10 > 5? HOLD / 10: 5 ))
before=$(stored); sleep "$window"; rate_before=$(( ($(stored) - before) / window ))
rss_before=$(rss)

started=$(date +%s)
before=$(stored)
rounds=0 worst_idle=0 unclosed=0 welcomed=0 connections=0
while [ $(( $(date +%s) - started )) -lt "$HOLD" ]; do
    /usr/bin/python3 "$SRC/tests/reliability/curve_abuse.py" "$MESH_PORT" 500 "$KEY" 20 > "$T/round" 2> "$T/round.err" ||
        { cat "$T/round.err"; break; }
    rounds=$((rounds + 1))
    while read -r kind count closed ms welcome; do
        if [ "$kind" = open ]; then unclosed=$((unclosed + count)); continue; fi
        connections=$((connections + count))
        [ "$kind" = idle ] && [ "$ms" -gt "$worst_idle" ] && worst_idle=$ms
        welcomed=$((welcomed + welcome))
    done < "$T/round"
    sed 's/^/# round '"$rounds"': /' "$T/round" | paste -sd ' ' | sed 's/ # round [0-9]*:/;/g'
done
elapsed=$(( $(date +%s) - started ))
rate_during=$(( ($(stored) - before) / elapsed ))
rss_after=$(rss)
alive=0; kill -0 "$MESHD_PID" 2>/dev/null && alive=1
figure "connections that never authenticated" "$connections in $rounds rounds of 500"
figure "INITIATEs with a random cookie (after a real WELCOME)" "$welcomed"
figure "idle connections closed after at most" "$worst_idle ms"
figure "connections meshd left open" "$unclosed"
figure "the probe's ingest before / during" "$rate_before / $rate_during samples/s"
figure "meshd RSS before / after" "$(( rss_before / 1024 )) / $(( rss_after / 1024 )) MB"
criterion "meshd is alive" [ "$alive" = 1 ]
idle_closed () { [ "$worst_idle" -gt 0 ] && [ "$worst_idle" -le 16000 ]; }
criterion "idle connections closed within 16 s" idle_closed
criterion "every connection closed" [ "$unclosed" = 0 ]
criterion "the cookie attack reached INITIATE" [ "$welcomed" -gt 0 ]
criterion "the probe's ingest at least 80% of before" [ $(( rate_during * 100 )) -ge $(( rate_before * 80 )) ]
criterion "RSS under its baseline + 50 MB" [ "$rss_after" -le $(( rss_before + 50 * 1024 )) ]

wind_down "$(duplicates 66 icmp.rtt)" p1
finish
