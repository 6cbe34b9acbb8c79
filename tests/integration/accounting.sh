#!/bin/bash
# PPP accounting with IP history: FreeRADIUS's radclient sends RADIUS
# accounting to a probe as a NAS does (Start, Interim-Update, Stop,
# Accounting-On, retransmits, gigawords, IPv6 prefixes, Acct-Delay-Time);
# a wrong secret, an unknown NAS and broken packets get no answer and are
# counted; meshd keeps sessions and answers who had an address when, and
# how sure that is, auditing every lookup; a router's ARP and neighbour
# tables answer where no session does.
. "$(dirname "$0")/lib.sh"

command -v radclient >/dev/null || { fail "radclient is installed (freeradius-utils)"; finish; }
M=$T/meshd
start_meshd "$M" || { fail "meshd starts"; finish; }
V site add pop1 >/dev/null
RP=$(free_port)
mkdir -p "$T/p1"
SP=$(free_port) TP=$(free_port)
printf 'listen\n    syslog_udp = "127.0.0.1:%s"\n    syslog_tcp = ""\n    trap = "udp:127.0.0.1:%s"\n    trap_community = "ops"\n    radius = "127.0.0.1:%s"\n' \
    "$SP" "$TP" "$RP" > "$T/p1/probe.cfg"
add_probe p1 pop1 || { fail "the probe joins"; finish; }
check "the probe connects" wait_for 20 probe_link_is p1 connected
check "the probe listens for RADIUS accounting" wait_for 10 grep -q "RADIUS accounting on udp 127.0.0.1:$RP" "$T/p1.log"

SECRET=bras1-shared-secret
out=$(echo "short" | V nas add bras1 --address 127.0.0.1 --site pop1 --secret-stdin 2>&1)
check "a secret under 8 characters is refused: $out" grep -q "at least 8" <<< "$out"
echo "$SECRET" | V nas add bras1 --address 127.0.0.1 --site pop1 --secret-stdin >/dev/null
check "the NAS is listed" bash -c "V nas list | grep -q '^bras1 .*127.0.0.1 .*pop1'"
check "its secret is not" bash -c "! V nas list --json | grep -q '$SECRET'"

# acct SECRET ATTRIBUTES...: one Accounting-Request from 127.0.0.1; its
# output (radclient prints the response it got, or says it had none)
acct () {
    local secret=$1; shift
    printf '%s\n' "$@" | radclient -r 1 -t 2 -x "127.0.0.1:$RP" acct "$secret" 2>&1
}
answered () { grep -q "Received Accounting-Response" <<< "$1"; }
NOW=$(date +%s)

# the probe answers only once it can: meshd names the NAS in its CONFIG
waits () { answered "$(acct "$SECRET" 'Acct-Status-Type = Accounting-On' 'NAS-IP-Address = 127.0.0.1')"; }
check "the NAS's Accounting-On is answered" wait_for 20 waits
out=$(acct "$SECRET" 'Acct-Status-Type = Start' 'User-Name = "bob"' 'Acct-Session-Id = "S1"' \
    'Framed-IP-Address = 100.64.3.7' 'Calling-Station-Id = "00-11-22-33-44-55"' 'NAS-Port-Id = "ge-0/0/1.100"' \
    'NAS-IP-Address = 127.0.0.1' 'Framed-IPv6-Prefix = 2001:db8:40:1::/64' 'Delegated-IPv6-Prefix = 2001:db8:4400:100::/56' \
    'Acct-Interim-Interval = 300' 'Acct-Delay-Time = 30')
check "a Start is answered" answered "$out"
out=$(acct "$SECRET" 'Acct-Status-Type = Interim-Update' 'User-Name = "bob"' 'Acct-Session-Id = "S1"' \
    'Framed-IP-Address = 100.64.3.7' 'Acct-Input-Octets = 1000' 'Acct-Input-Gigawords = 2' \
    'Acct-Output-Octets = 5000' 'Acct-Session-Time = 300')
check "an Interim-Update is answered" answered "$out"
out=$(acct "wrong-secret-123" 'Acct-Status-Type = Stop' 'User-Name = "bob"' 'Acct-Session-Id = "S1"')
check "a wrong secret gets no answer" bash -c "! grep -q 'Received Accounting-Response' <<< '$out'"
out=$(acct "$SECRET" 'Acct-Status-Type = Stop' 'User-Name = "bob"' 'Acct-Session-Id = "S1"' \
    'Framed-IP-Address = 100.64.3.7' 'Acct-Session-Time = 600' 'Acct-Terminate-Cause = User-Request')
check "a Stop is answered" answered "$out"
out=$(acct "$SECRET" 'Acct-Status-Type = Interim-Update' 'User-Name = "bob"' 'Acct-Session-Id = "S1"' \
    'Framed-IP-Address = 100.64.3.7' 'Acct-Session-Time = 900')
check "an interim after the stop is answered" answered "$out"
# a session whose Start was lost, then the NAS restarts
acct "$SECRET" 'Acct-Status-Type = Interim-Update' 'User-Name = "carol"' 'Acct-Session-Id = "S2"' \
    'Framed-IP-Address = 100.64.3.8' 'Acct-Session-Time = 120' > /dev/null
out=$(acct "$SECRET" 'Acct-Status-Type = Accounting-On' 'NAS-IP-Address = 127.0.0.1')
check "an Accounting-On is answered" answered "$out"
# an unknown NAS (another source address)
out=$(acct "$SECRET" 'Packet-Src-IP-Address = 127.0.0.2' 'Acct-Status-Type = Start' 'User-Name = "eve"' \
    'Acct-Session-Id = "X1"' 'Framed-IP-Address = 100.64.9.9')
check "an unknown NAS gets no answer" bash -c "! grep -q 'Received Accounting-Response' <<< '$out'"
# a retransmit (the same identifier and authenticator): answered each
# time, stored once; the Response Authenticator as RFC 2866 computes it
out=$($PY - "$RP" "$SECRET" <<'EOF'
import hashlib, socket, struct, sys
port, secret = int(sys.argv[1]), sys.argv[2].encode()
def attr(t, v): return bytes([t, len(v) + 2]) + v
body = attr(40, struct.pack(">I", 1)) + attr(1, b"dave") + attr(44, b"S3") + attr(8, bytes([100, 64, 3, 9]))
head = bytes([4, 77]) + struct.pack(">H", 20 + len(body))
request = head + hashlib.md5(head + bytes(16) + body + secret).digest() + body
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.settimeout(10)
good = 0
for attempt in range(2):
    s.sendto(request, ("127.0.0.1", port))
    response = s.recv(4096)
    good += response[:4] == bytes([5, 77, 0, 20]) and \
            response[4:20] == hashlib.md5(response[:4] + request[4:20] + secret).digest()
print(good)
EOF
)
check "a retransmit is answered again, with a sound Response Authenticator" [ "$out" = 2 ]

# broken datagrams: counted, never answered, the probe lives on
$PY - "$RP" <<'EOF'
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
port = int(sys.argv[1])
for data in [b"\x04", b"\x04\x01\x00\x10" + b"\x00" * 12, b"\x04\x01\x00\x18" + b"\x00" * 16 + b"\x01\x00\x00\x00",
             b"\x04\x01\x00\x18" + b"\x00" * 16 + b"\x01\x09ab", b"\x04\x01" + b"\x10\x01" + b"\x00" * 4200]:
    s.sendto(data, ("127.0.0.1", port))
EOF

# the probe's counters reach meshd
radius () { V probe list --json | $PY -c "import json,sys; print(json.load(sys.stdin)[0]['listen']['radius']['$1'])"; }
counted () { [ "$(radius duplicates)" = 1 ] && [ "$(radius bad_authenticator)" -ge 1 ] && [ "$(radius unknown_nas)" -ge 1 ] && [ "$(radius malformed)" -ge 4 ]; }
check "wrong secrets, unknown NASes and broken packets are counted" wait_for 15 counted
V probe list --json > "$T/probes.json"
check "probe.list with the RADIUS counters fits its schema" fits_schema probe.list.reply "$T/probes.json" \
    "r[0]['listen']['radius']['nas']['bras1']['requests'] > 0"
# meshd away: the probe answers once the record is in its spool on disk;
# killed right after, it still has it when it starts again, and meshd has
# it when it is back
kill -STOP "$MESHD_PID"
out=$(acct "$SECRET" 'Acct-Status-Type = Start' 'User-Name = "frank"' 'Acct-Session-Id = "S4"' \
    'Framed-IP-Address = 100.64.3.10')
check "meshd away: the Start is answered from the probe's spool" answered "$out"
kill -9 "$PROBE_PID_p1"; wait "$PROBE_PID_p1" 2>/dev/null
run_probe p1
kill -CONT "$MESHD_PID"

# (a Stop of a session of no address: nothing the checks below count)
back () { answered "$(acct "$SECRET" 'Acct-Status-Type = Stop' 'User-Name = "ready"' 'Acct-Session-Id = "R0"')"; }
check "the probe, started again, answers" wait_for 20 back
sessions () { V ppp sessions --user "$1" --json; }
stored () { [ "$(sessions bob | $PY -c 'import json,sys; print(json.load(sys.stdin)[0]["state"])')" = stopped ]; }
check "bob's session is stored, stopped" wait_for 20 stored
check "... exact, with its addresses, counters with gigawords and why it ended" bash -c "V ppp sessions --user bob --json | $PY -c '
import json,sys; s=json.load(sys.stdin); assert len(s)==1, s; s=s[0]
assert s[\"sure\"]==\"exact\" and s[\"session_id\"]==\"S1\" and s[\"calling_station\"]==\"00-11-22-33-44-55\", s
assert s[\"input_octets\"]==2*2**32+1000 and s[\"output_octets\"]==5000 and s[\"terminate_cause\"]==\"User-Request\", s
assert sorted(s[\"addresses\"])==[\"100.64.3.7\", \"2001:db8:40:1::/64\", \"2001:db8:4400:100::/56\"], s
assert s[\"late\"]==1 and s[\"records\"]==3, s'"
check "the start's time is the receipt less Acct-Delay-Time" bash -c "V ppp sessions --user bob --json | $PY -c '
import json,sys,time; s=json.load(sys.stdin)[0]; d=time.time()-s[\"start_us\"]/1e6; assert 29 < d < 120, d'"
check "a session without its Start: its start worked out, closed by the Accounting-On" \
    bash -c "[ \"\$(V ppp sessions --user carol --json | $PY -c 'import json,sys; s=json.load(sys.stdin)[0]; print(s[\"state\"], s[\"closed_by\"], s[\"start_exact\"], s[\"sure\"])')\" = 'closed accounting-on False ended in a window (accounting-on); start worked out from Acct-Session-Time' ]"
check "ppp sessions --mac: the calling station's sessions" bash -c "V ppp sessions --mac 00-11-22-33-44-55 --json | $PY -c '
import json,sys; s=json.load(sys.stdin); assert [x[\"user\"] for x in s]==[\"bob\"], s'"
# a session across the month boundary (its Start an hour before this
# month began, by Acct-Delay-Time): each month bills its share of the time
MONTH_START=$($PY -c 'import time,calendar; t=time.gmtime(); print(calendar.timegm((t.tm_year, t.tm_mon, 1, 0, 0, 0)))')
acct "$SECRET" 'Acct-Status-Type = Start' 'User-Name = "gina"' 'Acct-Session-Id = "S7"' \
    'Framed-IP-Address = 100.64.3.20' "Acct-Delay-Time = $(( $(date +%s) - MONTH_START + 3600 ))" > /dev/null
acct "$SECRET" 'Acct-Status-Type = Stop' 'User-Name = "gina"' 'Acct-Session-Id = "S7"' \
    'Acct-Input-Octets = 1000000' 'Acct-Input-Gigawords = 1' 'Acct-Output-Octets = 3000000' > /dev/null
gina () { V ppp sessions --user gina --json | grep -q '"state": "stopped"'; }
check "a session across a month boundary is stored" wait_for 20 gina
check "ppp usage: its octets split between the months by time, gigawords counted" bash -c "$PY -c '
import json,sys,time
s=json.loads(sys.argv[1])[0]; u=json.loads(sys.argv[2]); m=int(sys.argv[3])
assert [x[\"month\"] for x in u]==[time.strftime(\"%Y-%m\", time.gmtime(m-1)), time.strftime(\"%Y-%m\", time.gmtime(m))], u
share=(m*1e6-s[\"start_us\"])/(s[\"stop_us\"]-s[\"start_us\"])
assert abs(u[0][\"input_octets\"]-(2**32+1000000)*share) < 2 and abs(u[0][\"output_octets\"]-3000000*share) < 2, (u, share)
assert sum(x[\"input_octets\"] for x in u)==2**32+1000000 and sum(x[\"output_octets\"] for x in u)==3000000, u
assert all(x[\"sessions\"]==1 and x[\"user\"]==\"gina\" for x in u), u' \
    \"\$(V ppp sessions --user gina --json)\" \"\$(V ppp usage --user gina --json)\" $MONTH_START"
out=$(V ppp usage --user gina --month "$(date -u +%Y-%m)")
check "ppp usage --month: that month alone: $out" bash -c "[ \$(grep -c gina <<< '$out') = 1 ] && grep -q '$(date -u +%Y-%m)' <<< '$out'"
out=$(V ppp usage --user gina --month 2026-13 2>&1)
check "a month that is not one is refused: $out" grep -q "YYYY-MM" <<< "$out"
check "the retransmitted Start is stored once" bash -c "V ppp sessions --user dave --json | $PY -c '
import json,sys; s=json.load(sys.stdin); assert len(s)==1 and s[0][\"records\"]==1, s'"
frank () { V ppp sessions --user frank --json | grep -q '"state": "active"'; }
check "... and meshd, back, has the session answered meanwhile" wait_for 20 frank
check "the unknown NAS's session is not stored" bash -c "[ \$(V ppp sessions --user eve --json) = '[]' ]"

# who had 100.64.3.7 then
at=$(sessions bob | $PY -c 'import json,sys,time; s=json.load(sys.stdin)[0]
print(time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime((s["start_us"]+s["stop_us"])/2e6)))')
out=$(V ip-history 100.64.3.7 --at "$at")
check "ip-history ADDRESS --at: bob, on bras1: $out" bash -c "grep -q '100.64.3.7 *bob *bras1 *S1' <<< '$out' && grep -q exact <<< '$out'"
out=$(V ip-history 100.64.3.0/24 --json)
check "ip-history over a prefix finds every session in it" bash -c "$PY -c '
import json,sys; r=json.loads(sys.argv[1]); assert sorted(s[\"user\"] for s in r[\"sessions\"])==[\"bob\",\"carol\",\"dave\",\"frank\",\"gina\"], r' '$out'"
out=$(V ip-history 2001:db8:40:1::42 --at "$at" --json)
check "an address inside a framed IPv6 prefix" bash -c "$PY -c '
import json,sys; r=json.loads(sys.argv[1]); assert [s[\"user\"] for s in r[\"sessions\"]]==[\"bob\"], r' '$out'"
out=$(V ip-history 2001:db8:4400::/40 --json)
check "a prefix holding a delegated prefix" bash -c "$PY -c '
import json,sys; r=json.loads(sys.argv[1]); assert [s[\"kind\"] for s in r[\"sessions\"]]==[\"delegated_prefix\"], r' '$out'"
out=$(V ip-history 100.64.3.7 --at 2020-01-01T00:00:00Z)
check "a time no session covers: none" grep -q "no session held 100.64.3.7 then" <<< "$out"
check "every lookup is audited" bash -c "[ \$(V audit list --json | $PY -c 'import json,sys; print(len([a for a in json.load(sys.stdin) if a[\"op\"]==\"ip.history\"]))') = 5 ]"
# evidence beyond RADIUS: a router's ARP and neighbour tables (real snmpd;
# its rows made with override, as a BRAS's would be): IP-MIB's
# ipNetToPhysicalTable (IPv4, IPv6; a local entry, its own address, left
# out) and the older ipNetToMediaTable
ARP=1.3.6.1.2.1.4.35.1 MEDIA=1.3.6.1.2.1.4.22.1 SNMP_PORT=$(free_port)
check "the router's snmpd answers" start_snmpd r1 127.0.0.1 "$SNMP_PORT" .1.3.6.1.4.1.9.1.1208 \
    "override $ARP.4.7.1.4.100.64.5.5 octet_str 0x020000000505" "override $ARP.6.7.1.4.100.64.5.5 integer 3" \
    "override $ARP.4.7.1.4.100.64.5.1 octet_str 0x020000000501" "override $ARP.6.7.1.4.100.64.5.1 integer 5" \
    "override $ARP.4.7.2.16.32.1.13.184.0.64.0.0.0.0.0.0.0.0.0.7 octet_str 0x020000000507" \
    "override $MEDIA.2.7.100.64.5.6 octet_str 0x020000000506" "override $MEDIA.4.7.100.64.5.6 integer 3"
V cred add snmp lab --community public >/dev/null
V device add 127.0.0.1 --name r1 --site pop1 --snmp lab --snmp-port "$SNMP_PORT" --snmp-interval 1s >/dev/null
history_json () { V ip-history "$1" --json; }
seen_at () { history_json "$1" | $PY -c '
import json,sys; r=json.load(sys.stdin); g=r["sightings"]
assert r["sessions"]==[] and [(x["router"], x["mac"], x["evidence"]) for x in g]==[("r1", sys.argv[1], "arp")], r' "$2"; }
check "a time no session covers: the router's sighting answers, marked as such" wait_for 30 seen_at 100.64.5.5 02:00:00:00:05:05
check "... from the older ipNetToMediaTable too" seen_at 100.64.5.6 02:00:00:00:05:06
check "... and an IPv6 neighbour" seen_at 2001:db8:40::7 02:00:00:00:05:07
check "the router's own address (a local entry) is no evidence" bash -c "[ \"\$(V ip-history 100.64.5.1 --json | $PY -c 'import json,sys; print(json.load(sys.stdin)[\"sightings\"])')\" = '[]' ]"
V ip-history 100.64.5.5 > "$T/seen.txt"
check "ip-history says it is a MAC a router saw, not a subscriber" bash -c "grep -q 'no session held 100.64.5.5 then' '$T/seen.txt' && grep -q '100.64.5.5 *02:00:00:00:05:05 *r1' '$T/seen.txt' && grep -q 'not a subscriber' '$T/seen.txt'"
# a later full walk that sees it again carries the sighting on
goes_on () { history_json 100.64.5.5 | $PY -c '
import json,sys; g=json.load(sys.stdin)["sightings"]; assert len(g)==1 and g[0]["last_us"] > g[0]["first_us"], g'; }
check "seen again by the next full walk, the sighting goes on (one row, first to last)" wait_for 40 goes_on
V device remove r1 >/dev/null

# the console: the NASes, a NAS's active sessions, an address's history
use_tmux
CUR=s
tm new-session -d -s s -x 160 -y 40 "env LANG=C.UTF-8 '$BUILD/vedette' 2>'$T/s.err'"
check "console: it starts" wait_for 10 shows s " Overview "
tm send-keys -t s 8
check "console: 8 opens Subscribers, its tab shown" wait_for 10 shows s " Subscribers "
nas_row () { screen s | grep -q "bras1 *127.0.0.1 *pop1 .* 2 "; }
check "console: 8 lists the NASes with their active sessions" wait_for 10 nas_row
tm send-keys -t s Enter
active_rows () { screen s | grep -q "dave .*100.64.3.9" && screen s | grep -q "frank .*100.64.3.10"; }
check "console: Enter lists the NAS's active sessions" wait_for 10 active_rows
tm send-keys -t s : "ip 100.64.3.7 $at" Enter
history_row () { screen s | grep -q "bob *100.64.3.7 *bras1 .*stopped *exact"; }
check "console: :ip ADDRESS TIME shows who had it, and how sure" wait_for 10 history_row
tm send-keys -t s : "ip 100.64.5.5" Enter
seen_row () { screen s | grep -q "100.64.5.5 *r1 *arp *02:00:00:00:05:05 .*seen"; }
check "console: ... and below, the MAC a router saw it at" wait_for 10 seen_row
tm send-keys -t s n
check "console: n goes back to the NASes" wait_for 10 nas_row
tm kill-session -t s
CUR=""
V user add vic --role viewer --password-stdin <<< "viewerpass1" >/dev/null
export XDG_CONFIG_HOME=$T/config-vic
echo viewerpass1 | V login vic --password-stdin >/dev/null
out=$(V ip-history 100.64.3.7 2>&1)
check "a viewer may not look up the IP history" grep -qi "forbidden\|role" <<< "$out"
export XDG_CONFIG_HOME=$T/config

check "the probe is still up" kill -0 "$PROBE_PID_p1"
# silence: with a 1 s interim interval (a reload), the NAS that says
# nothing is an alarm, its active sessions go stale with the window they
# ended in; its next record clears the alarm
printf 'accounting\n    interim = "1s"\nhousekeeping\n    interval = "1s"\n' >> "$M/meshd.cfg"
kill -HUP "$MESHD_PID"
alarms () { V alarm list --json | $PY -c "import json,sys; print(len([a for a in json.load(sys.stdin) if a['rule']=='ppp-nas-silent' and a['object']=='bras1' and a['state']!='cleared']))"; }
alarmed () { [ "$(alarms)" = 1 ]; }
quiet () { [ "$(alarms)" = 0 ]; }
check "a NAS silent for two interim intervals raises ppp-nas-silent" wait_for 20 alarmed
stale () { V ppp sessions --user dave --json | $PY -c '
import json,sys; s=json.load(sys.stdin)[0]; assert s["state"]=="stale" and s["end_after_us"]==s["last_us"] and s["end_before_us"] > s["last_us"], s'; }
check "... its sessions not heard of for three intervals are stale, ended in a window" wait_for 20 stale
acct "$SECRET" 'Acct-Status-Type = Interim-Update' 'User-Name = "dave"' 'Acct-Session-Id = "S3"' \
    'Framed-IP-Address = 100.64.3.9' 'Acct-Session-Time = 60' 'Acct-Interim-Interval = 600' > /dev/null
check "its next record clears the alarm" wait_for 20 quiet
check "... and the stale session it speaks for is active again" bash -c "V ppp sessions --user dave --json | grep -q '\"state\": \"active\"'"
# a NAS that restarts without Accounting-On: its coldStart trap, or its
# restart's syslog line, closes its sessions
snmptrap -v2c -c ops "127.0.0.1:$TP" '' 1.3.6.1.6.3.1.1.5.1
closed_by () { V ppp sessions --user "$1" --json | $PY -c '
import json,sys; s=json.load(sys.stdin)[0]; print(s["state"], s["closed_by"], s["sure"])'; }
by_trap () { [ "$(closed_by dave)" = "closed restart ended in a window (restart)" ]; }
check "a coldStart trap from the NAS closes its sessions, ended in a window" wait_for 20 by_trap
acct "$SECRET" 'Acct-Status-Type = Start' 'User-Name = "ivy"' 'Acct-Session-Id = "S9"' 'Framed-IP-Address = 100.64.4.9' > /dev/null
ivy () { V ppp sessions --user ivy --json | grep -q '"state": "active"'; }
check "a session begun after the restart is active" wait_for 20 ivy
logger --server 127.0.0.1 --port "$SP" --udp --rfc3164 -t bras1 '%SYS-5-RESTART: System restarted --'
by_syslog () { [ "$(closed_by ivy)" = "closed restart ended in a window (restart)" ]; }
check "... and the restart's syslog line closes it" wait_for 20 by_syslog
check "both restarts are events that say why" bash -c "V event list --topic ppp.nas_restart --json | $PY -c '
import json,sys; e=[x[\"data\"][\"status\"] for x in json.load(sys.stdin)[\"events\"]]
assert \"coldStart trap\" in e and \"syslog: %SYS-5-RESTART\" in e, e'"
out=$(V nas remove bras1 2>&1)
check "a NAS with IP history is not removed: $out" grep -q "sessions in the IP history" <<< "$out"
finish
