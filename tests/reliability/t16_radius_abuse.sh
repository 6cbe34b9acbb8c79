#!/bin/bash
# T16, RADIUS accounting abuse (RFC 2866; FreeRADIUS's CVEs): requests
# with (a) a bad Request Authenticator and (b) from an unknown NAS get no
# answer and none is accepted; (c) a retransmit five times and once more
# after 31 s is answered each time and stored once; (d) attributes of
# length 0, 1 or past the end and datagrams over 4096 bytes are each
# counted as malformed, a sound 4096-byte request is answered; (e) a probe
# SIGKILLed right after it answered still has every record it answered.
. "$(dirname "$0")/lib.sh"
M=$T/meshd
start_meshd "$M" || { fail "meshd starts"; finish; }
V site add pop1 >/dev/null
RP=$(free_port) SECRET=t16-shared-secret
mkdir -p "$T/p1"
printf 'listen\n    syslog_udp = ""\n    syslog_tcp = ""\n    trap = ""\n    radius = "127.0.0.1:%s"\n' "$RP" > "$T/p1/probe.cfg"
add_probe p1 pop1 || { fail "the probe joins"; finish; }
echo "$SECRET" | V nas add bras1 --address 127.0.0.1 --site pop1 --secret-stdin >/dev/null
abuse () { $PY "$SRC/tests/reliability/radius_abuse.py" "$RP" "$SECRET" "$@"; }
ready () { abuse start "ready" 100.64.0.1; }
check "the probe answers the NAS" wait_for 30 ready
radius () { V probe list --json | $PY -c "import json,sys; print(json.load(sys.stdin)[0]['listen']['radius']['$1'])"; }
# counters reach meshd with the probe's next ping
settled () { [ "$(radius "$1")" = "$2" ]; }
# the baselines, once meshd has the counters of the ready request's time
# (the requests before the probe had its NAS were from an unknown NAS)
accepted () { [ "$(radius accepted)" -ge 1 ]; }
wait_for 20 accepted
accepted0=$(radius accepted) unknown0=$(radius unknown_nas) duplicates0=$(radius duplicates)
N=$(( $(dur 10000) ))

out=$(abuse bad-auth "$N")
figure "bad authenticators sent" "$N"
figure "bad authenticators answered" "${out#responses }"
criterion "(a) a bad Request Authenticator gets no answer" [ "$out" = "responses 0" ]
criterion "(a) ... each one counted" wait_for 20 settled bad_authenticator "$N"
out=$(abuse unknown "$N")
figure "unknown NAS requests answered" "${out#responses }"
criterion "(b) an unknown NAS gets no answer" [ "$out" = "responses 0" ]
criterion "(b) ... each one counted" wait_for 20 settled unknown_nas $(( unknown0 + N ))
criterion "(a, b) none accepted" [ "$(radius accepted)" = "$accepted0" ]

out=$(abuse retransmit 31)
figure "retransmits answered (5 at once, 1 after 31 s)" "${out#responses }"
criterion "(c) a retransmit is answered each time, within a window of 31 s" [ "$out" = "responses 6" ]
once () { V ppp sessions --user abuse --json | $PY -c '
import json,sys; s=[x for x in json.load(sys.stdin) if x["session_id"]=="retransmitted"]; assert len(s)==1 and s[0]["records"]==1, s'; }
criterion "(c) ... and stored once" wait_for 20 once
criterion "(c) ... counted as duplicates" wait_for 20 settled duplicates $(( duplicates0 + 5 ))

malformed0=$(radius malformed)
out=$(abuse malformed)
sent=$(echo "$out" | sed -n 's/^malformed_sent //p')
figure "malformed datagrams sent" "$sent"
criterion "(d) no malformed datagram is answered; a sound one of 4096 bytes is" \
    [ "$(echo "$out" | sed -n 's/^responses //p')" = "0 1" ]
criterion "(d) each one counted as malformed, exactly" wait_for 20 settled malformed $(( malformed0 + sent ))
criterion "(d) the probe lives on" kill -0 "$PROBE_PID_p1"

K=$(( $(dur 20) ))
kills=0
for i in $(seq "$K"); do
    if abuse start "killed-$i" 100.64.9.$i; then
        kill -9 "$PROBE_PID_p1"; wait "$PROBE_PID_p1" 2>/dev/null
        kills=$((kills + 1))
        run_probe p1
        wait_for 30 ready || break
    fi
done
figure "probes killed right after an answer" "$kills"
criterion "(e) every kill came right after an answer" [ "$kills" = "$K" ]
answered_stored () { [ "$(V ppp sessions --user abuse --limit 1000 --json | $PY -c '
import json,sys; print(len([x for x in json.load(sys.stdin) if x["session_id"].startswith("killed-")]))')" = "$K" ]; }
criterion "(e) every record answered before a kill is stored" wait_for 60 answered_stored
figure "answered records lost to SIGKILL" "$(( K - $(V ppp sessions --user abuse --limit 1000 --json | $PY -c '
import json,sys; print(len([x for x in json.load(sys.stdin) if x["session_id"].startswith("killed-")]))') ))"
check "meshd is alive" kill -0 "$MESHD_PID"
finish
