#!/bin/bash
# tests/integration/demo.sh: scripts/demo, unattended, shows the product:
# devices measured, SNMP polled, a link down raising an alarm, a syslog
# message and a trap as sentences, the probes measuring each other; and it
# stops everything it started.
. "$(dirname "$0")/lib.sh"
DEMO_SECONDS=10 TMPDIR=$T timeout 180 bash "$SRC/scripts/demo" > "$T/demo.out" 2>&1
rc=$?
check "the demo ends by itself (DEMO_SECONDS) and cleanly" [ $rc = 0 ]
shows_text () { grep -q -- "$1" "$T/demo.out"; }
check "core1 is measured and polled over SNMP" grep -Eq "^core1 +127\.0\.0\.1 +up .* ok +core1" "$T/demo.out"
check "its interfaces, with rates" grep -Eq "^1 +lo +up +up" "$T/demo.out"
check "branch-gw's link goes down: a critical alarm" grep -Eq "critical +active +branch-gw" "$T/demo.out"
check "the syslog message, as a sentence" shows_text "syslog notice from core1 bgpd: BGP neighbor 10.0.0.2 Down"
check "the trap, as a sentence" shows_text "trap linkDown from core1 eth1"
check "the probes measure each other" grep -Eq "^probe1 +probe2 +(ok|loss) " "$T/demo.out"
check "everything it started is stopped" bash -c "! pgrep -f '$T/[v]edette-demo' > /dev/null"
check "its namespace is gone" bash -c "! ip netns list | grep -q '^vdemo'"
[ "$FAILED" = 0 ] || tail -40 "$T/demo.out" | sed 's/^/# /'
finish
