#!/bin/bash
# Alarms end to end. A network namespace made here holds two devices behind
# a veth link (core1, and edge1 reached through it); taking the link down
# is the outage. Rules raise alarms, correlation makes edge1 unreachable
# under core1, notifications reach a real SMTP sink (aiosmtpd), a webhook
# receiver and a script; a target that fails or hangs holds nothing up;
# acks, recovery, maintenance, flapping, and exactly one notification per
# transition across a meshd crash.
. "$(dirname "$0")/lib.sh"
NS=vda$$
netns_new $NS && veth vh$$ "" 10.210.0.1/24 vn$$ $NS 10.210.0.2/24 ||
    { fail "cannot make a network namespace"; finish; }
ip -n $NS addr add 10.210.0.3/24 dev vn$$
check "the namespace answers pings" wait_for 10 "$BUILD/vedette-probe" ping -q 10.210.0.3

# the peers: an SMTP sink, a webhook receiver, a script
SMTP_PORT=$(free_port) HOOK_PORT=$(free_port)
mkdir -p "$T/mail/cur" "$T/mail/new" "$T/mail/tmp" "$T/hooks"
$PY -m aiosmtpd -n -l 127.0.0.1:$SMTP_PORT -c aiosmtpd.handlers.Mailbox "$T/mail" > "$T/smtp.log" 2>&1 &
PIDS="$PIDS $!"
$PY "$SRC/tests/integration/hook_sink.py" $HOOK_PORT "$T/hooks" > "$T/hook.log" 2>&1 &
PIDS="$PIDS $!"
cat > "$T/notify.sh" <<EOF
#!/bin/sh
# one line per call: the environment meshd gave, then the JSON on stdin
echo "\$VEDETTE_KIND \$VEDETTE_SEVERITY \$VEDETTE_DEVICE \$VEDETTE_ALARM \$1 \$(cat | head -c 2000)" >> "$T/exec.log"
EOF
chmod +x "$T/notify.sh"
sinks_up () { test -f "$T/hooks/ready" && $PY -c "import smtplib; smtplib.SMTP('127.0.0.1', $SMTP_PORT, timeout=2).quit()" 2>/dev/null; }
check "SMTP sink and webhook receiver listen" wait_for 10 sinks_up

M=$T/meshd
start_meshd "$M" 'rules' '    down_after = 2' '    flap_count = 4' '    flap_window = "20s"' \
            'notify' '    timeout = "2s"' '    retry = "300ms"' '    attempts = 2' \
            '    from = "vedette@test.example"' || { fail "meshd starts"; finish; }
V site add hq >/dev/null
add_probe p1 hq
check "probe connected" wait_for 15 probe_link_is p1 connected
V device add 10.210.0.2 --name core1 --site hq --interval 300ms >/dev/null
V device add 10.210.0.3 --name edge1 --site hq --interval 300ms >/dev/null
V device add 127.0.0.2 --name lo1 --site hq --interval 300ms >/dev/null
check "device set --parent" V device set edge1 --parent core1
V device set core1 --parent edge1 2>/dev/null; check "a dependency loop is refused (exit 1)" [ $? = 1 ]

status_of () { V device list --json | $PY -c "import json,sys; print([d['status'] for d in json.load(sys.stdin) if d['name']=='$1'][0])"; }
all_up () { [ "$(status_of core1)$(status_of edge1)$(status_of lo1)" = upupup ]; }
export -f status_of all_up
export PY T
check "all three devices up" wait_for 20 all_up

# rules, channels, routes
check "rule add on a state" V rule add dev-down --state down --severity critical
check "rule add on a metric (loss)" V rule add lossy --metric icmp.loss --above 99% --for 2 --severity minor
check "rule add with hysteresis (rtt)" V rule add rtt-high --metric icmp.rtt --above 50ms --clear-below 30ms --for 3 --severity major
V rule add bad --metric icmp.rtt --above fast --severity major 2>/dev/null; check "a threshold that is no value is refused (exit 2 or 1)" [ $? -ne 0 ]
V rule add bad2 --metric icmp.rtt --severity major 2>/dev/null; check "a metric rule without a threshold is refused" [ $? -ne 0 ]
V rule add bad3 --syslog '([' --severity major 2>/dev/null; check "a bad regular expression is refused" [ $? -ne 0 ]
check "rule list shows the threshold in ms" bash -c "V rule list --json | $PY -c \"import json,sys; r=[x for x in json.load(sys.stdin) if x['name']=='rtt-high'][0]; assert r['above']==50 and r['clear']==30 and r['count']==3\""
check "channel add email" V channel add mail email --to noc@example.org --smtp smtp://127.0.0.1:$SMTP_PORT
check "channel add webhook" V channel add chat webhook --url http://127.0.0.1:$HOOK_PORT/hook
check "channel add exec" V channel add script exec --command "$T/notify.sh page"
V channel add broken webhook --url http://127.0.0.1:$HOOK_PORT/fail >/dev/null
V channel add stuck webhook --url http://127.0.0.1:$HOOK_PORT/hang >/dev/null
V channel add sms exec --command notify.sh 2>/dev/null; check "exec needs an absolute path" [ $? -ne 0 ]
check "route add major+ to mail" V route add --severity major+ --channel mail
check "route add minor+ to the webhook" V route add --severity minor --channel chat
check "route add critical to the script, escalating" V route add --severity critical --channel script --escalate-to chat --if-unacked 3s
V route add --severity critical --channel broken >/dev/null
V route add --severity critical --channel stuck >/dev/null
V route add --channel nowhere 2>/dev/null; check "a route to no channel is refused" [ $? -ne 0 ]
check "audit records rule, channel and route changes" [ "$(sqlite3 "$M/meshd.db" "SELECT count(*) FROM audit WHERE op IN ('rule.add','channel.add','route.add')")" -ge 13 ]

# the outage: core1 is down, edge1 is unreachable under it
ip link set vh$$ down
check "core1 down" wait_for 15 bash -c "[ \"\$(V device list --json | $PY -c \"import json,sys; print([d['status'] for d in json.load(sys.stdin) if d['name']=='core1'][0])\")\" = down ]"
check "edge1 unreachable, not down" wait_for 10 bash -c "[ \"\$(V device list --json | $PY -c \"import json,sys; print([d['status'] for d in json.load(sys.stdin) if d['name']=='edge1'][0])\")\" = unreachable ]"
check "lo1 still up" [ "$(status_of lo1)" = up ]
alarms () { V alarm list --active --json; }
export -f alarms
have_alarms () { [ "$(alarms | $PY -c 'import json,sys; print(len(json.load(sys.stdin)))')" -ge 3 ]; }
check "alarms raised" wait_for 10 have_alarms
alarms > "$T/alarms.json"
check "one critical dev-down alarm, on core1 only" $PY -c "
import json; a=json.load(open('$T/alarms.json'))
d=[x for x in a if x['rule']=='dev-down']
assert len(d)==1 and d[0]['object']=='core1' and d[0]['severity']=='critical', d"
check "edge1's loss alarm is suppressed under core1" $PY -c "
import json; a=json.load(open('$T/alarms.json'))
e=[x for x in a if x['object']=='edge1/icmp.loss'][0]
c=[x for x in a if x['object']=='core1/icmp.loss'][0]
assert e['suppressed_by']=='core1' and c['suppressed_by'] is None, (e, c)"
check "no rtt alarm (lost echoes carry no RTT)" bash -c "! alarms | grep -q rtt-high"
#  the lists follow the rules actor's commits: wait for them to show the outage
listed () { V device list --json | $PY -c "
import json,sys; d={x['name']: x for x in json.load(sys.stdin)}
c=d['core1']
assert c['alarms'] >= 2 and c['loss'] == 100 and 'rtt' not in c and 'jitter' not in c and c['last_us'] > 0, c
assert d['lo1']['alarms'] == 0 and d['lo1']['rtt'] > 0, d['lo1']"; }
summed () { V device summary --json | $PY -c "
import json,sys; s=json.load(sys.stdin)
assert {'name': 'core1', 'loss': 100} in s['worst_loss'] and 'core1' not in [w['name'] for w in s['worst_rtt']], s
assert s['by_status']['down'] == 1 and s['by_status']['unreachable'] == 1 and s['devices'] == sum(s['by_status'].values()), s"; }
export -f listed summed
check "device list: core1's open alarms counted, its loss 100, no rtt or jitter" wait_for 10 listed
listed >/dev/null 2>&1 || listed 2>&1 | tail -1 | sed 's/^/# /'
check "device summary: core1 among the worst by loss, not by latency; the counts by status" wait_for 10 summed
summed >/dev/null 2>&1 || summed 2>&1 | tail -1 | sed 's/^/# /'

mails () { grep -l "^Subject: \[vedette\] $1" "$T/mail/new/"* 2>/dev/null | wc -l; }
check "an email for core1's critical alarm" wait_for 10 bash -c "[ \$(grep -l '^Subject: \[vedette\] CRITICAL core1' $T/mail/new/* 2>/dev/null | wc -l) = 1 ]"
check "the email has the headers and the alarm" bash -c "f=\$(grep -l 'CRITICAL core1' $T/mail/new/*); grep -q '^From: vedette@test.example' \$f && grep -q '^To: noc@example.org' \$f && grep -q 'vedette alarm show' \$f"
hook_has () { grep -c "$1" "$T/hooks/hook.jsonl" 2>/dev/null || echo 0; }
check "webhook: core1's alarms (critical and minor)" wait_for 10 bash -c "[ \$(grep -c '\"object\":\"core1' $T/hooks/hook.jsonl) -ge 2 ]"
check "the webhook body is the alarm as JSON" $PY -c "
import json
rows=[json.loads(l) for l in open('$T/hooks/hook.jsonl')]
r=[x for x in rows if x['alarm']['rule']=='dev-down'][0]
assert r['kind']=='problem' and r['alarm']['severity']=='critical' and r['channel']=='chat', r"
check "the script ran with the alarm in its environment and stdin" wait_for 10 bash -c "grep -q '^problem critical core1 [0-9]* page {' $T/exec.log"
check "nothing went out for edge1 (suppressed)" bash -c "! grep -q 'edge1' $T/hooks/hook.jsonl $T/exec.log"
suppressed () { V notification list --json | $PY -c "import json,sys; print(sum(1 for n in json.load(sys.stdin) if n['object'].startswith('edge1') and n['status']=='skipped' and 'core1 is down' in (n['result'] or '')))"; }
check "edge1's notification is skipped: suppressed, core1 is down" wait_for 10 bash -c "[ \$(V notification list --json | $PY -c \"import json,sys; print(sum(1 for n in json.load(sys.stdin) if n['object'].startswith('edge1') and n['status']=='skipped'))\") -ge 1 ]"
check "a failing webhook is retried, then failed (HTTP 500)" wait_for 10 bash -c "V notification list --failed --json | grep -q 'HTTP 500'"
check "each attempt is logged: two for each failed notification" bash -c "[ \"\$(sqlite3 $M/meshd.db \"SELECT count(*) = 2 * count(DISTINCT n.id) AND count(*) > 0 FROM delivery d JOIN notification n ON n.id=d.notification_id WHERE n.channel='broken' AND n.status = 'failed'\")\" = 1 ]"
check "a hanging webhook times out" wait_for 15 bash -c "V notification list --json | grep -q 'Operation timed out'"
check "while it hung, the others were delivered in time" bash -c "[ \$(sqlite3 $M/meshd.db \"SELECT max(duration_us) FROM delivery d JOIN notification n ON n.id=d.notification_id WHERE n.channel IN ('mail','chat','script')\") -lt 1500000 ]"
check "escalation: still unacked after 3s, chat hears it" wait_for 10 bash -c "grep -q '\"kind\":\"escalation\"' $T/hooks/hook.jsonl"
check "alarm show lists notifications and deliveries" bash -c "V alarm show \$(V alarm list --json --severity critical | $PY -c 'import json,sys; print(json.load(sys.stdin)[0][\"id\"])') | grep -q sent"
check "rule test finds core1's loss on stored data" bash -c "V rule test lossy --since 10m --json | $PY -c \"import json,sys; r=json.load(sys.stdin); assert any(a['object']=='core1/icmp.loss' for a in r['alarms']), r\""

# acknowledgement, by filter; a viewer cannot
echo "viewerpass1" | V user add watcher --role viewer --password-stdin >/dev/null
VW () { XDG_CONFIG_HOME=$T/viewer V "$@"; }
echo "viewerpass1" | VW login watcher --password-stdin >/dev/null
VW alarm ack --all 2>/dev/null; check "a viewer cannot ack (exit 3)" [ $? = 3 ]
check "alarm ack --all --site hq --severity minor+" V alarm ack --all --site hq --severity minor+ --comment 'on it'
check "every open alarm of hq is acknowledged by admin" bash -c "alarms | $PY -c \"import json,sys; a=json.load(sys.stdin); assert a and all(x['state']=='acked' and x['acked_by']=='admin' and x['comment']=='on it' for x in a), a\""
first=$(alarms | $PY -c 'import json,sys; print(json.load(sys.stdin)[0]["id"])')
check "alarm unack ID" V alarm unack $first
check "it is active again" bash -c "[ \"\$(V alarm show $first --json | $PY -c 'import json,sys; print(json.load(sys.stdin)[\"state\"])')\" = active ]"
V alarm ack $first --expires 1s >/dev/null
check "an ack with --expires runs out" wait_for 10 bash -c "[ \"\$(V alarm show $first --json | $PY -c 'import json,sys; print(json.load(sys.stdin)[\"state\"])')\" = active ]"
check "and its routes are told again (repeat)" wait_for 10 bash -c "V notification list --alarm $first --json | grep -q '\"kind\": \"repeat\"'"
check "alarm events on the record" bash -c "V event list --type alarm --json | grep -q alarm.acked"

# recovery
ip link set vh$$ up
check "all up again" wait_for 20 all_up
check "the alarms clear by themselves" wait_for 10 bash -c "[ \"\$(alarms)\" = '[]' ]"
check "device list counts no open alarm any more" bash -c "V device list --json | $PY -c \"import json,sys; assert all(d['alarms'] == 0 for d in json.load(sys.stdin))\""
check "a recovery email" wait_for 10 bash -c "grep -l '^Subject: \[vedette\] RECOVERED CRITICAL core1' $T/mail/new/* >/dev/null 2>&1"
check "no second problem email for the same transition" [ "$(mails 'CRITICAL core1')" = 1 ]
check "device.state events: down, unreachable, up" bash -c "V event list --type state --json | grep -q '\"unreachable\"'"
V event list --type state > "$T/events.txt"
check "event list says what happened: 'core1 is down (was up)'" grep -q "core1 is down (was up)" "$T/events.txt"
#  edge1's third lost round may come before core1's: it is down for a moment,
#  then unreachable once core1 is down (its alarms are held for that time)
check "... and 'edge1 is unreachable (was up|down) under core1'" \
    grep -Eq "edge1 is unreachable \(was (up|down)\) under core1" "$T/events.txt"
check "... not raw JSON" bash -c "! grep -q '{\"' '$T/events.txt'"
check "event list --csv keeps the data beside the sentence" \
    bash -c "V event list --type state --csv | grep -q 'core1 is down (was up),.*\"\"state\"\":\"\"down\"\"'"

# maintenance: notifications wait until the window closes
until=$(date -u -d '+1 hour' +%Y-%m-%dT%H:%M:%SZ)
check "maintenance add" V maintenance add --device core1 --from now --to "$until" --comment 'swap'
check "maintenance list shows it open" bash -c "V maintenance list --json | grep -q '\"open\": true'"
V maintenance add --device core1 --from 22:00 --to 02:00 --every day >/dev/null
check "a recurring window is listed" bash -c "V maintenance list | grep -q '22:00'"
before=$(mails 'CRITICAL core1')
ip link set vh$$ down
check "in maintenance core1 still raises its alarm" wait_for 15 bash -c "V alarm list --active --json --device core1 | grep -q '\"maintenance\": true'"
check "its notifications are held" wait_for 10 bash -c "V notification list --json | grep -q 'held: maintenance'"
check "no email during maintenance" [ "$(mails 'CRITICAL core1')" = "$before" ]
for id in $(V maintenance list --json | $PY -c 'import json,sys; print(" ".join(str(m["id"]) for m in json.load(sys.stdin)))'); do V maintenance remove $id >/dev/null; done
check "when the window is gone, the held email goes out" wait_for 10 bash -c "[ \$(grep -l '^Subject: \[vedette\] CRITICAL core1' $T/mail/new/* | wc -l) = $((before + 1)) ]"

# flapping: up, down, up, down within the window makes one flapping alarm
ip link set vh$$ up
wait_for 20 all_up
for i in 1 2; do
    ip link set vh$$ down
    wait_for 15 bash -c '[ "$(status_of core1)" = down ]'
    ip link set vh$$ up
    wait_for 15 all_up
done
flapping () { [ "$(V alarm list --active --json --device core1 | $PY -c "import json,sys; print(sum(1 for a in json.load(sys.stdin) if a['flapping'] and a['rule']=='dev-down'))")" = 1 ]; }
export -f flapping
check "core1 is flapping: one open flapping alarm though the device is up" wait_for 10 flapping
flapping || V alarm list --device core1 | sed 's/^/# /'
check "a flapping notification" wait_for 10 bash -c "grep -q '\"kind\":\"flapping\"' $T/hooks/hook.jsonl"
check "once quiet for the window, it clears" wait_for 40 bash -c "[ \"\$(V alarm list --active --json --device core1)\" = '[]' ]"

# exactly once across a crash: the alarm is committed, meshd dies before
# the notification is due, the new meshd sends it once
V channel add late webhook --url http://127.0.0.1:$HOOK_PORT/late >/dev/null
V route add --severity critical --channel late --after 3s >/dev/null
ip link set vh$$ down
wait_for 15 bash -c "V alarm list --active --json --severity critical | grep -q dev-down"
kill -9 $MESHD_PID
wait $MESHD_PID 2>/dev/null
rm -f "$M/api.sock"             # so that run_meshd waits for the new one
run_meshd "$M"
check "meshd restarts after the crash" wait_for 20 bash -c "V server status >/dev/null 2>&1"
check "after the crash, the late notification arrives" wait_for 20 test -s "$T/hooks/late.jsonl"
[ -s "$T/hooks/late.jsonl" ] && kill -0 $MESHD_PID 2>/dev/null || tail -15 "$M/meshd.log" | sed 's/^/# /'

caught_up () { [ "$(sqlite3 "$M/meshd.db" "SELECT (SELECT value FROM cursor WHERE name='rules.samples') >= (SELECT coalesce(max(id),0) FROM sample_batch)")" = 1 ]; }
wait_for 10 caught_up
check "exactly one, though meshd crashed in between" [ "$(wc -l < "$T/hooks/late.jsonl")" = 1 ]
V alarm list --json --device core1 > "$T/after.json"
check "and one dev-down alarm for the outage, open" $PY -c "
import json; a=[x for x in json.load(open('$T/after.json')) if x['rule']=='dev-down' and x['state']!='cleared']
assert len(a)==1, json.load(open('$T/after.json'))"

check "rule remove clears its alarms" V rule remove dev-down
check "no open dev-down alarm" bash -c "! V alarm list --active --json | grep -q '\"rule\": \"dev-down\"'"
check "meshd still alive" kill -0 $MESHD_PID
kill -TERM $MESHD_PID
wait $MESHD_PID
check "meshd stops cleanly on TERM (notify and rules actors included)" [ $? = 0 ]
finish
