#!/bin/bash
# tests/bench/discovery.sh: time to sweep and identify a /24 holding 50
# snmpd agents, beside `fping -g` and one `snmpget` per live host measured in
# the same run. A site made of two network namespaces this script creates
# (198.18.0.0/24 on a veth pair); nothing else is addressed. RUNS (3).
set -u
if [ -z "${VD_IN_NETNS:-}" ]; then
    . "$(dirname "$0")/../integration/site.sh"
    site_netns "$0" $(for i in $(seq 1 50); do echo 198.18.0.$((i * 5)); done)
fi
. "$(dirname "$0")/../integration/lib.sh"
RUNS=${RUNS:-3}
median () { sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
seconds_since () { echo "scale=3; ($(date +%s%N) - $1) / 1000000000" | bc; }

# 50 agents, each its own snmpd, every fifth address of the /24
for i in $(seq 1 50); do
    a=198.18.0.$((i * 5))
    mkdir -p "$T/a$i"
    printf 'sysName agent%s\nsysObjectID .1.3.6.1.4.1.9.1.1208\nrocommunity public 198.18.0.0/24\n%s\n[snmp] persistentDir %s\n' \
        "$i" 'dontLogTCPWrappersConnects yes' "$T/a$i" > "$T/a$i/agent.conf"
    ip netns exec "$NS_S" env MIBS= MIBDIRS=/nonexistent snmpd -f -Lf "$T/a$i/log" -C -c "$T/a$i/agent.conf" "udp:$a:161" &
    PIDS="$PIDS $!"
done
answers () { MIBS= snmpget -v2c -c public -t 0.3 -r 0 "$1" 1.3.6.1.2.1.1.5.0 >/dev/null 2>&1; }
all_answer () { for i in $(seq 1 50); do answers "198.18.0.$((i * 5))" || return 1; done; }
wait_for 60 all_answer || { echo "discovery bench: the 50 agents did not all answer"; exit 1; }

start_meshd "$T/meshd" || exit 1
V cred add snmp lab-v2 --community public >/dev/null

ours="" ref="" found=""
for run in $(seq $RUNS); do
    # a site and probe of its own each run, so that every run adds 50 devices
    V site add "b$run" >/dev/null
    add_probe "p$run" "b$run" || exit 1
    wait_for 20 probe_link_is "p$run" connected || exit 1
    start=$(date +%s%N)
    out=$(V discover 198.18.0.0/24 --site "b$run" --cred lab-v2 2>&1)
    s=$(seconds_since "$start")
    n=$(echo "$out" | sed -n 's/.* \([0-9]*\) found (\([0-9]*\) added.*/\2/p')
    ours="$ours $s" found="$found $n"

    start=$(date +%s%N)
    alive=$(fping -a -q -g 198.18.0.0/24 2>/dev/null)
    f=$(seconds_since "$start")
    identified=0
    for host in $alive; do
        MIBS= snmpget -v2c -c public -Oqv "$host" 1.3.6.1.2.1.1.5.0 1.3.6.1.2.1.1.2.0 1.3.6.1.2.1.1.1.0 \
            >/dev/null 2>&1 && identified=$((identified + 1))
    done
    r=$(seconds_since "$start")
    ref="$ref $r"
    echo "# run $run: vedette discover $s s, $n devices added; fping -g + snmpget $r s (fping $f s), $identified identified"
done
om=$(echo $ours | tr ' ' '\n' | median) rm=$(echo $ref | tr ' ' '\n' | median)
echo "Discovery of a /24 with 50 snmpd agents (ICMP sweep, SNMP identification, devices stored): $om s; fping -g + snmpget per host: $rm s; $(echo "scale=1; $rm / $om" | bc)x (medians of $RUNS)"
