#!/bin/bash
# T17, brute force and a connection flood on the console's SSH server
# (OpenSSH's MaxAuthTries 6, LoginGraceTime, MaxStartups 10:30:100,
# PerSourcePenalties): 20 clients from 127.0.0.2 offer 50 wrong passwords
# each (1,000; 10 each with QUICK=1) while 200 idle connections from
# twenty other addresses hold on, the admin logs in with a key every 10 s
# from 127.0.0.1, and a probe sends 1,980 samples a second (ssh_storm.py,
# idle_conns.py). Criteria: 0 logins with a wrong password; each
# connection closed after 6 failures at most; the storm's address refused
# for 5 s or more once penalised (5 s here, doubling); idle connections
# closed at the grace time (10 s here); every admin login in, each within 5 s; ingest during the storm
# at least 90% of before; meshd serving.
. "$(dirname "$0")/lib.sh"
GUESSES=$(( $(dur 500) / 10 > 10? $(dur 500) / 10: 10 ))     # each client's: 50, 10 with QUICK=1
M=$T/meshd
SSH_PORT=$(free_port)
# a penalty of 5 s (T17's floor; 30 s by default) and a grace of 10 s (30 s
# by default), so that both are seen within the quick tier's storm
SSH_ENDPOINT="127.0.0.1:$SSH_PORT" start_meshd "$M" '    penalty = "5s"' '    grace = "10s"' ||
    { fail "meshd starts with its SSH server"; finish; }
ssh-keygen -q -t ed25519 -N '' -f "$T/admin_key"
V user key add admin "$(cat "$T/admin_key.pub")" >/dev/null
V site add lab >/dev/null
add_probe p1 lab
targets 5 p1
flowing () { [ "$(stored)" -gt 5000 ]; }
check "samples flow" wait_for 30 flowing
before=$(stored); sleep 10; rate_before=$(( ($(stored) - before) / 10 ))   # a measurement's window

$PY "$SRC/tests/integration/idle_conns.py" "$SSH_PORT" 600 $(for i in $(seq 10 29); do echo 127.0.0.$i; done) &
idle_pid=$!
PIDS="$PIDS $idle_pid"
started=$(date +%s); before=$(stored)
/usr/bin/python3 "$SRC/tests/reliability/ssh_storm.py" "$SSH_PORT" 127.0.0.2 20 "$GUESSES" "$T/admin_key" \
    > "$T/storm" 2> "$T/storm.err"
elapsed=$(( $(date +%s) - started ))
rate_during=$(( ($(stored) - before) / (elapsed > 0? elapsed: 1) ))
result () { sed -n "s/^$1 //p" "$T/storm"; }
read admin_ok admin_slowest <<< "$(result admin)"
figure "wrong passwords offered" "$(result guesses) ($(result refused) of them on connections refused by the penalty)"
figure "wrong passwords that logged in" "$(result accepted)"
figure "the most failures one connection was allowed" "$(result most)"
figure "admin key logins in / slowest" "$admin_ok / $admin_slowest s"
figure "the probe's ingest before / during" "$rate_before / $rate_during samples/s"
figure "the storm lasted" "$elapsed s"
criterion "0 logins with a wrong password" [ "$(result accepted)" = 0 ]
criterion "each connection closed after 6 failures at most" [ "$(result most)" -le 6 ]
# each penalty meshd logged: no connection from the storm's address let in
# inside it (the log's times are to the second; a connection let in before
# may go on failing until its 6 tries are spent, as OpenSSH's do)
penalties () {
    local at length n=0 bad=0 from to
    while IFS='|' read -r at length; do
        n=$((n + 1))
        from=$(date -d "$at" +%s); to=$(( from + length ))
        bad=$(( bad + $(result let_in | awk -v f="$from" -v t="$to" '$1 > f + 1 && $1 < t - 1' | wc -l) ))
    done < <(sed -n "s/^N: (vedette-meshd) \([0-9-]* [0-9:]*\) ssh: 127.0.0.2 refused for \([0-9]*\) s.*/20\1|\2/p" "$M/meshd.log")
    echo "$n $bad"
}
read penalty_count penalty_breaches <<< "$(penalties)"
figure "penalties of the storm's address (5 s doubling) / connections let in inside one" "$penalty_count / $penalty_breaches"
criterion "the storm's address refused for 5 s or more once penalised" [ "$penalty_count" -ge 1 -a "$penalty_breaches" = 0 ]
admin_in () { [ "${admin_ok%/*}" = "${admin_ok#*/}" ] && awk -v s="$admin_slowest" 'BEGIN { exit !(s <= 5) }'; }
criterion "every admin key login in, within 5 s" admin_in
criterion "ingest during the storm at least 90% of before" [ $(( rate_during * 100 )) -ge $(( rate_before * 90 )) ]
# the idle ones: meshd closes each within the grace time (ssh/grace 30 s)
graced () { grep -q "ssh: 127.0.0.[12][0-9]: key exchange failed" "$M/meshd.log"; }
criterion "idle connections closed at the grace time" wait_for 15 graced
kill "$idle_pid" 2>/dev/null; wait "$idle_pid" 2>/dev/null
check "meshd is still serving" bash -c "V whoami >/dev/null"
# (paramiko's own threads print the resets of refused connections)
check "the storm ran to its end" grep -q "^admin " "$T/storm"
finish
