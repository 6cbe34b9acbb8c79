#!/bin/bash
# T20 (c), a slow consumer (zguide's Suicidal Snail; ZMQ's high-water
# marks): while two probes send about 5,000 samples a second and one
# sends 500 syslog events a second, a subscriber to meshd's events stops
# reading for 10 min (1 min with QUICK=1) while another reads on
# (slow_subscriber.py). meshd publishes on a PUB socket whose queue per
# subscriber stops at 10,000 messages (its high-water mark): past it the
# slow one's messages are let go, not held, and it learns so from the jump
# in seq, which event.since fills. The research document asks that a slow
# client be disconnected; a PUB socket cannot drop one peer, and letting go
# of its messages bounds meshd the same way while the subscriber stays
# informed. Criteria: meshd's RSS stays under its baseline + 100 MB; other
# clients' latency p99 < 500 ms (API round trips, and event deliveries to
# the subscriber that reads); the slow one was cut off at the limit (it
# missed events), and event.since gives back every one it missed; ingest
# lost = 0 (samples and syslog).
. "$(dirname "$0")/lib.sh"
HOLD=$(dur 600) TARGETS=166
M=$T/meshd
start_meshd "$M" || { fail "meshd starts"; finish; }
V site add lab >/dev/null
SP=$(free_port)
add_probe p1 lab
joined p2 lab
printf 'listen\n    syslog_udp = "127.0.0.1:%s"\n    syslog_tcp = ""\n    trap = ""\n    radius = ""\n' "$SP" > "$T/p2/probe.cfg"
run_probe p2
# 166 targets at 100 ms, 3 samples a round: 4,980 samples/s
targets 7 p1 p2
flowing () { [ "$(stored)" -gt 20000 ]; }
check "samples flow" wait_for 60 flowing
rss () { awk '/^VmRSS/ { print $2 }' "/proc/$MESHD_PID/status"; }
rss0=$(rss)
$PY "$SRC/tests/bench/syslog_flood.py" "$SP" "$HOLD" 0 500 > "$T/syslog.out" &
flood=$!
read -r fast p99 slow missed refetched rss_max <<< "$($PY "$SRC/tests/reliability/slow_subscriber.py" \
    "ipc://$M/events.sock" "$HOLD" "$MESHD_PID")"
wait $flood
sent=$(cut -d' ' -f2 "$T/syslog.out")
figure "meshd RSS before, at most while the subscriber slept" "$rss0 kB, $rss_max kB"
figure "messages the reading subscriber got; p99 of API round trips and event deliveries" "$fast; $p99 ms"
figure "recorded events the slow one got, missed, given back by event.since" "$slow, $missed, $refetched"
criterion "meshd's RSS under its baseline + 100 MB" [ "$rss_max" -lt $(( rss0 + 102400 )) ]
criterion "other clients' latency p99 < 500 ms" \
    $PY -c "import sys; sys.exit(0 if 0 <= float('$p99') < 500 else 1)"
criterion "the slow subscriber was cut off at the limit" [ "$missed" -gt 0 ]
criterion "event.since gives back every event it missed" [ "$refetched" = "$missed" ]
syslog_stored () { [ "$(sqlite3 "file:$M/meshd.db?mode=ro" "SELECT count(*) FROM event WHERE topic = 'syslog'")" = "$sent" ]; }
criterion "every syslog message sent is stored ($sent)" wait_for 60 syslog_stored
wind_down "$(duplicates "$TARGETS" icmp.rtt)" p1 p2
finish
