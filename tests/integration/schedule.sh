#!/bin/bash
# Scheduled reports, and the console's reports view: a day's availability (a scripted hour down, written
# into the state history as the rules would) mailed to a real SMTP sink
# (aiosmtpd) with the CSV attached, posted to a webhook by housekeeping
# when due, a channel that cannot be reached failing with its reason and a
# retry planned; schedules refused when they make no sense.
. "$(dirname "$0")/lib.sh"
SMTP_PORT=$(free_port) HOOK_PORT=$(free_port) DEAD_PORT=$(free_port)
mkdir -p "$T/mail/cur" "$T/mail/new" "$T/mail/tmp" "$T/hooks"
$PY -m aiosmtpd -n -l 127.0.0.1:$SMTP_PORT -c aiosmtpd.handlers.Mailbox "$T/mail" > "$T/smtp.log" 2>&1 &
PIDS="$PIDS $!"
$PY "$SRC/tests/integration/hook_sink.py" $HOOK_PORT "$T/hooks" > "$T/hook.log" 2>&1 &
PIDS="$PIDS $!"
sinks_up () { test -f "$T/hooks/ready" && $PY -c "import smtplib; smtplib.SMTP('127.0.0.1', $SMTP_PORT, timeout=2).quit()" 2>/dev/null; }
check "SMTP sink and webhook receiver listen" wait_for 10 sinks_up

M=$T/meshd
start_meshd "$M" 'housekeeping' '    interval = "1s"' 'notify' '    timeout = "3s"' \
            '    from = "vedette@test.example"' || { fail "meshd starts"; finish; }
V site add hq >/dev/null
V device add 127.0.0.2 --name r1 --site hq >/dev/null
V device add 127.0.0.3 --name r2 --site hq >/dev/null
# yesterday (UTC): r1 up, down from 12:00 to 13:00; r2 up all day
Y=$(( ($(date +%s) / 86400 - 1) * 86400 ))
sqlite3 -cmd ".timeout 10000" "$M/meshd.db" "
    UPDATE device SET created_us = ($Y - 86400) * 1000000;
    INSERT OR REPLACE INTO device_state_log (device_id, ts_us, state)
    SELECT id, $Y * 1000000, 'up' FROM device;
    INSERT INTO device_state_log (device_id, ts_us, state)
    SELECT id, ($Y + 43200) * 1000000, 'down' FROM device WHERE name = 'r1';
    INSERT INTO device_state_log (device_id, ts_us, state)
    SELECT id, ($Y + 46800) * 1000000, 'up' FROM device WHERE name = 'r1';" || fail "the history is written"

# the console's reports view shows the same day
use_tmux
tm new-session -d -s rep -x 140 -y 30 "env LANG=C.UTF-8 '$BUILD/vedette' 2>'$T/rep.err'"
CUR=rep
pane () { tmux -L $SOCK capture-pane -p -t rep | grep -Eq "$1"; }
export -f pane; export SOCK
wait_for 15 pane Overview
tm send-keys -t rep 6
check "console: 6 is the reports view, availability over the last 24 hours" \
    wait_for 15 pane 'availability by device, last 24 hours'
tm send-keys -t rep p
check "... p: yesterday: r1 95.833% available, 23 hours up, 1 down, one outage" \
    wait_for 10 pane 'r1 +hq +95\.833% +23h0m +1h0m +0m0s +0m0s +0m0s +1'
check "... with the total: 97.917% over 2 devices" pane 'all: 97\.917% over 2 devices, 1 outages'
tm send-keys -t rep s
check "... s: by site: hq, 2 devices" wait_for 10 pane 'hq +2 +97\.917% +1d23h'
tm send-keys -t rep a
check "... a: the next report, latency" wait_for 10 pane 'latency, yesterday'
tm kill-session -t rep
CUR=

V channel add mail email --to reports@example.org --smtp smtp://127.0.0.1:$SMTP_PORT >/dev/null
V channel add hook webhook --url http://127.0.0.1:$HOOK_PORT/hook >/dev/null
V channel add dead email --to x@example.org --smtp smtp://127.0.0.1:$DEAD_PORT >/dev/null
V channel add script exec --command /bin/true >/dev/null

check "schedule add: daily availability by mail" V schedule add daily --report availability --every day --channel mail
check "... next at 00:05 UTC tomorrow" bash -c "V schedule list --json | $PY -c \"
import json,sys; s=[x for x in json.load(sys.stdin) if x['name']=='daily'][0]
assert s['next_us'] == ($Y + 2 * 86400 + 300) * 10**6 and s['last_us'] is None, s\""
check "schedule run: sent now" V schedule run daily
check "the mail arrives" wait_for 10 bash -c "grep -l '^Subject: \[vedette\] availability report daily' $T/mail/new/* >/dev/null 2>&1"
check "its CSV attachment: r1 down exactly an hour, 95.833% available; r2 all day up" $PY - "$T" "$Y" <<'PYEOF'
import csv, email, glob, io, sys
T, Y = sys.argv[1], int(sys.argv[2])
mail = email.message_from_binary_file(open(glob.glob(T + "/mail/new/*")[0], "rb"))
import time
day = time.strftime("%Y-%m-%d", time.gmtime(Y))
assert mail["To"] == "reports@example.org" and mail["From"] == "vedette@test.example", (mail["To"], mail["From"])
assert day in mail["Subject"], mail["Subject"]
parts = [p for p in mail.walk() if p.get_filename()]
assert len(parts) == 1 and parts[0].get_filename() == "vedette-availability-%s.csv" % day, parts
rows = {r["device"]: r for r in csv.DictReader(io.StringIO(parts[0].get_payload(decode=True).decode()))}
print("#", rows)
assert float(rows["r1"]["down_s"]) == 3600 and float(rows["r1"]["up_s"]) == 82800, rows["r1"]
assert abs(float(rows["r1"]["availability_pct"]) - 100 * 23 / 24) < 1e-9, rows["r1"]
assert float(rows["r2"]["up_s"]) == 86400 and float(rows["r2"]["availability_pct"]) == 100, rows["r2"]
text = [p for p in mail.walk() if p.get_content_type() == "text/plain"][0].get_payload(decode=True).decode()
assert "2 rows" in text and "Availability over all: 97.917%" in text, text
PYEOF

# due: housekeeping sends it by itself, through the webhook
check "schedule add with --start now, by site, to a webhook" \
    V schedule add daily-hook --report availability --every day --by site --channel hook --start now
check "housekeeping posts it: the site's day, as JSON" wait_for 15 bash -c "[ -s $T/hooks/hook.jsonl ]"
check "... r1's hour down in hq's row" $PY -c "
import json; p=json.loads(open('$T/hooks/hook.jsonl').readline())
r=p['result']['rows']; assert p['schedule']=='daily-hook' and p['from_us']==$Y*10**6 and len(r)==1, p
assert r[0]['site']=='hq' and r[0]['down_s']==3600 and r[0]['devices']==2, r"
check "... then it is due tomorrow, sent, with a report.sent event" bash -c "V schedule list --json | $PY -c \"
import json,sys; s=[x for x in json.load(sys.stdin) if x['name']=='daily-hook'][0]
assert s['last_result']=='sent' and s['next_us']==($Y + 2 * 86400 + 300) * 10**6, s\" &&
    V event list --json | grep -q 'report.sent'"

# a channel nobody answers: failed, with the reason, tried again in 5 minutes
V schedule add broken --report alarms --every week --channel dead --start now >/dev/null
failed () { V schedule list --json | $PY -c "
import json,sys,time; s=[x for x in json.load(sys.stdin) if x['name']=='broken'][0]
assert s['last_result'] not in (None, 'sent') and 250 * 10**6 < s['next_us'] - time.time() * 10**6 < 310 * 10**6, s"; }
check "a report that cannot be sent: its reason kept, again in 5 minutes" wait_for 15 failed
check "... and a report.failed event" bash -c "V event list --json | grep -q 'report.failed'"
V schedule run broken 2>"$T/err"; rc=$?
check "schedule run of it fails, saying why" bash -c "[ $rc != 0 ] && grep -q 'not sent' '$T/err'"

# refused
refused () { ! V schedule add "$@" >/dev/null 2>&1; }
check "every year is refused" refused x --report availability --every year --channel mail
check "an unknown report is refused" refused x --report uptime --every day --channel mail
check "an exec channel is refused" refused x --report alarms --every day --channel script
check "by for a report other than availability is refused" refused x --report latency --every day --by site --channel mail
check "a target for a report other than availability is refused" refused x --report latency --every day --target 99% --channel mail
check "a target that is no percentage is refused" refused x --report availability --every day --target high --channel mail
check "an unknown site is refused" refused x --report latency --every day --site nowhere --channel mail
check "a name taken is refused" refused daily --report alarms --every day --channel mail
check "schedule remove" V schedule remove daily
check "... gone" bash -c "! V schedule list --json | grep -q '\"daily\"'"
check "audited" [ "$(sqlite3 "$M/meshd.db" "SELECT count(*) FROM audit WHERE op LIKE 'schedule.%'")" -ge 5 ]
finish
