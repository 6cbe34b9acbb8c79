#!/bin/bash
# Configuration backups through a probe, from devices behind Debian's
# OpenSSH sshd running an IOS-like CLI (banner, enable secret, --More--
# paging, lines that change by themselves): versions only on change, what
# changed, secrets hidden; a wrong password, a wrong enable secret, a
# device that hangs, one that prints without end, one that prints binary,
# a host key that changes and is accepted; key authentication; roles;
# models shipped and dropped in by the operator.
. "$(dirname "$0")/lib.sh"

device_user || { fail "the device user can be made (needs root)"; finish; }
M=$T/meshd
start_meshd "$M" 'housekeeping' '    interval = "1s"' || { fail "meshd starts"; finish; }
# alarms of RULE on OBJECT not cleared
alarms_of () { V alarm list --json | $PY -c "import json,sys; print(sum(1 for a in json.load(sys.stdin) if a['rule']=='$1' and a['object']=='$2' and a['state']!='cleared'))"; }
alarm_open () { [ "$(alarms_of "$1" "$2")" = 1 ]; }
alarm_gone () { [ "$(alarms_of "$1" "$2")" = 0 ]; }
V site add hq >/dev/null
mkdir -p "$T/p1"
SP=$(free_port); TP=$(free_port)
printf 'listen\n    syslog_udp = "127.0.0.1:%s"\n    syslog_tcp = ""\n    trap = "udp:127.0.0.1:%s"\n    trap_community = "ops"\nbackup\n    prompt_timeout = "2s"\n    max_size = "256KiB"\n    settle = "2s"\n' \
    "$SP" "$TP" > "$T/p1/probe.cfg"
add_probe p1 hq || { fail "the probe joins"; finish; }
wait_for 20 probe_link_is p1 connected

CONFIG=$T/devices/core1.cfg
cat > "$CONFIG" <<'EOF'
version 15.2
hostname core1
enable secret 5 $1$mERr$hx5rVt7rPNoS4wqbXKX7m0
username admin privilege 15 secret 9 $9$abcdefghijk
snmp-server community pub1ic-s3cret RO
interface GigabitEthernet0/1
 description uplink
 ip address 192.0.2.1 255.255.255.0
EOF
for i in $(seq 1 40); do printf 'interface Loopback%s\n ip address 10.0.%s.1 255.255.255.255\n' "$i" "$i" >> "$CONFIG"; done
chmod 644 "$CONFIG"
P_IOS=$(free_port); P_HANG=$(free_port); P_FLOOD=$(free_port); P_BIN=$(free_port); P_KBD=$(free_port); P_JUMP=$(free_port)
start_sshd ios "$P_IOS" ios "$CONFIG" s3cret-enable || fail "sshd (ios) starts"
start_sshd hang "$P_HANG" hang || fail "sshd (hang) starts"
start_sshd flood "$P_FLOOD" flood || fail "sshd (flood) starts"
start_sshd bin "$P_BIN" binary "$CONFIG" s3cret-enable || fail "sshd (binary) starts"

printf '%s\ns3cret-enable\n' "$DEVICE_PASSWORD" | V cred add ssh lab --user "$DEVICE_USER" --password-stdin --enable-stdin >/dev/null
check "an ssh credential is sealed and listed without its secrets" \
    bash -c "V cred list | grep lab | grep -q 'user $DEVICE_USER, password, enable secret' && ! V cred list --json | grep -q '$DEVICE_PASSWORD'"
check "the models shipped are listed" bash -c "[ \$(V backup models --json | $PY -c 'import json,sys; print(len([m for m in json.load(sys.stdin) if m[\"source\"]==\"shipped\" and not m[\"error\"]]))') = 9 ]"

V device add 127.0.0.1 --name core1 --site hq >/dev/null
out=$(V device set core1 --backup nosuch 2>&1)
check "an unknown credential is refused" grep -q "no ssh credential 'nosuch'" <<< "$out"
out=$(V device set core1 --backup lab --model nosuch 2>&1)
check "an unknown model is refused" grep -q "no model 'nosuch'" <<< "$out"
V device set core1 --backup lab --model ios --backup-port "$P_IOS" >/dev/null
out=$(V backup run core1)
check "a backup through the probe, enable and paging included: $out" grep -q "core1: ok, changed, 1 version" <<< "$out"
V backup show core1 > "$T/v1.txt"
check "the configuration is kept" grep -q "^interface Loopback40$" "$T/v1.txt"
check "the pager, the echo and the prompt are not in it" bash -c "[ -s '$T/v1.txt' ] && ! grep -qE 'More|show running|core1[#>]|\\x08' '$T/v1.txt'"
check "lines that change by themselves are dropped" bash -c "[ -s '$T/v1.txt' ] && ! grep -qE 'Building|Current configuration|Last configuration change' '$T/v1.txt'"
check "secrets are hidden before they leave the probe" bash -c "grep -q '^enable secret 5 <secret hidden>$' '$T/v1.txt' && grep -q '^snmp-server community <secret hidden> RO$' '$T/v1.txt' && ! grep -q 'pub1ic-s3cret\|hx5rVt7' '$T/v1.txt' && ! grep -rqa 'pub1ic-s3cret' '$M/meshd.db'"

out=$(V backup run core1)
check "the same configuration makes no new version: $out" grep -q "core1: ok, unchanged, 1 version" <<< "$out"
sed -i 's/ description uplink/ description uplink to core2/' "$CONFIG"
echo "ntp server 192.0.2.123" >> "$CONFIG"
out=$(V backup run core1)
check "a change makes version 2: $out" grep -q "core1: ok, changed, 2 versions" <<< "$out"
list=$(V backup list core1 --json)
check "backup list: newest first, lines added and removed" $PY -c "
import json,sys; v=json.loads(sys.argv[1]); assert [x['version'] for x in v]==[2,1], v
assert v[0]['added']==2 and v[0]['removed']==1, v[0]; assert v[0]['trigger']=='run'" "$list"
diff=$(V backup diff core1)
check "backup diff: the unified diff of the last two" bash -c "grep -q '^- description uplink$' <<< '$diff' && grep -q '^+ description uplink to core2$' <<< '$diff' && grep -q '^+ntp server 192.0.2.123$' <<< '$diff' && grep -q '^--- a/core1@1' <<< '$diff'"
check "backup show VERSION: an older version" bash -c "[ -s '$T/v1.txt' ] && V backup show core1 1 | cmp -s - '$T/v1.txt'"
out=$(V backup grep '^snmp-server community' 2>&1)
check "backup grep: the matching line of the latest version, secret hidden" \
    grep -q "^core1:[0-9]*: snmp-server community <secret hidden> RO$" <<< "$out"
check "backup grep: says how many devices matched" grep -q "^# 1 of 1 devices match$" <<< "$out"
# a live credential test through the probe, answered while we wait
printf 'wrong-password\n' | V cred add ssh bad --user "$DEVICE_USER" --password-stdin >/dev/null
out=$(V cred test lab --device core1)
check "cred test: the credential logs in: $out" grep -q "^core1: ok: lab logs in and reaches the prompt (model ios" <<< "$out"
out=$(V cred test bad --device core1); rc=$?
check "cred test: a wrong password fails, exit 1" [ "$rc" = 1 ]
check "... saying why: $out" grep -q "^core1: failed: auth: authentication refused" <<< "$out"
V cred test lab --device core1 --json > "$T/test.json"
check "cred test --json fits cred.test.reply.json" fits_schema cred.test.reply "$T/test.json" \
    "r['ok'] and r['hostkey'].startswith('SHA256:')"
# a change announced in syslog: one backup after the settle time, for a
# burst of five messages, with the user the last one named
fetches () { V backup status --device core1 --json | $PY -c 'import json,sys; print(json.load(sys.stdin)[0]["fetches"])'; }
before=$(fetches)
echo " description changed by alice" >> "$CONFIG"
for who in bob carol dave erin alice; do
    logger --server 127.0.0.1 --port "$SP" --udp --rfc3164 -t core1 \
        "%SYS-5-CONFIG_I: Configured from console by $who on vty0 (192.0.2.9)"
done
version3 () { V backup list core1 --json | $PY -c '
import json,sys; v=json.load(sys.stdin)[0]; sys.exit(0 if v["version"]==3 and v["trigger"]=="syslog" and v["who"]=="alice" else 1)'; }
check "a configuration change in syslog makes a version, with who made it" wait_for 30 version3
check "a burst of five messages made one fetch" [ "$(( $(fetches) - before ))" = 1 ]
V backup export --git "$T/export" > "$T/export.out"
check "backup export --git: a commit per version, the author who made it" \
    [ "$(git -C "$T/export" log --format='%an' -- core1 | tr '\n' ' ')" = "alice vedette vedette " ]
check "... the file is the latest version" bash -c "git -C '$T/export' show HEAD:core1 | cmp -s - <(V backup show core1)"
V backup export --git "$T/export" > "$T/export2.out"
check "a second export adds nothing" grep -q "^0 versions exported" "$T/export2.out"
# the console: the backups view, the device's versions, a coloured diff
use_tmux
CUR=b
tm new-session -d -s b -x 150 -y 50 "env LANG=C.UTF-8 '$BUILD/vedette' 2>'$T/b.err'"
check "console: the tab bar has Backups" wait_for 10 shows b " Backups "
tm send-keys -t b 7
backups_row () { screen b | grep -q "ok  *core1 .* ago"; }
check "console: 7 lists the devices backed up, core1 ok" wait_for 10 backups_row
tm send-keys -t b Enter
check "console: Enter opens the device with its versions" wait_for 10 shows b "Configuration (3 versions)"
version_row () { screen b | grep -q "v3 .* syslog *alice"; }
check "console: a version's line says how it came and who" wait_for 10 version_row
tm send-keys -t b d
check "console: d shows the last change" wait_for 10 shows b "core1: version 2 → 3, +1 −0"
# the added line in the colour of ok, the hunk's in the accent: not plain
coloured () { tm capture-pane -e -p -t b | grep -F -- "$1" | grep -q $'^ *\(\e\[[0-9;]*m\)\+'"$2"; }
check "console: an added line is coloured" wait_for 5 coloured "+ description changed by alice" "+ description"
tm send-keys -t b n
check "console: n walks to the change before" wait_for 10 shows b "+ntp server 192.0.2.123"
check "console: a removed line is coloured" wait_for 5 coloured "- description uplink" "- description"
tm send-keys -t b p
check "console: p walks back" wait_for 10 shows b "core1: version 2 → 3"
tm send-keys -t b : "diff core1 1" Enter
check "console: :diff DEVICE VERSION" wait_for 10 shows b "core1: version 0 → 1"
tm send-keys -t b '?'
check "console: help lists the diff view's keys" wait_for 5 shows b "the change before (older)"
tm kill-session -t b
CUR=""
check "the events say what changed" bash -c "V event list --since 2020-01-01 --json | $PY -c '
import json,sys; events=lambda d: d[\"events\"] if isinstance(d, dict) else d; e=[x for x in events(json.load(sys.stdin)) if x[\"topic\"]==\"backup.changed\"]; assert len(e)==3, e
assert e[1][\"data\"][\"version\"]==2 and e[1][\"data\"][\"added\"]==2 and e[2][\"data\"][\"who\"]==\"alice\"'"

# a change announced by a trap (CISCO-CONFIG-MAN-MIB's ciscoConfigManEvent,
# the user on the terminal); a read of the configuration right after it,
# as the probe's own show running-config raises, is no change and names
# nobody
echo " description changed by carol" >> "$CONFIG"
CCM=1.3.6.1.4.1.9.9.43
before=$(fetches)
snmptrap -v2c -c ops 127.0.0.1:$TP '' $CCM.2.0.1 $CCM.1.1.6.1.3.41 i 1 $CCM.1.1.6.1.5.41 i 2 $CCM.1.1.6.1.8.41 s carol
snmptrap -v2c -c ops 127.0.0.1:$TP '' $CCM.2.0.1 $CCM.1.1.6.1.3.42 i 2 $CCM.1.1.6.1.5.42 i 1 $CCM.1.1.6.1.8.42 s mallory
version4 () { V backup list core1 --json | $PY -c '
import json,sys; v=json.load(sys.stdin)[0]; sys.exit(0 if v["version"]==4 else 1)'; }
check "a configuration change in a trap makes a version" wait_for 30 version4
check "... triggered by the trap, by the terminal's user, not the read after it" bash -c "V backup list core1 --json | $PY -c '
import json,sys; v=json.load(sys.stdin)[0]; assert v[\"trigger\"]==\"trap\" and v[\"who\"]==\"carol\", v'"
check "... one fetch" [ "$(( $(fetches) - before ))" = 1 ]

# failures: each with its reason, the versions kept
printf '%s\nwrong-enable\n' "$DEVICE_PASSWORD" | V cred add ssh badenable --user "$DEVICE_USER" --password-stdin --enable-stdin >/dev/null
V device add 127.0.0.1 --name wrongpw --site hq >/dev/null
V device set wrongpw --backup bad --model ios --backup-port "$P_IOS" >/dev/null
V device add 127.0.0.1 --name wrongenable --site hq >/dev/null
V device set wrongenable --backup badenable --model ios --backup-port "$P_IOS" >/dev/null
V device add 127.0.0.1 --name hangs --site hq >/dev/null
V device set hangs --backup lab --model ios --backup-port "$P_HANG" >/dev/null
V device add 127.0.0.1 --name floods --site hq >/dev/null
V device set floods --backup lab --model ios --backup-port "$P_FLOOD" >/dev/null
V device add 127.0.0.1 --name binary --site hq >/dev/null
V device set binary --backup lab --model ios --backup-port "$P_BIN" >/dev/null
V device add 127.0.0.1 --name closed --site hq >/dev/null
V device set closed --backup lab --model ios --backup-port "$(free_port)" >/dev/null
out=$(V backup run --site hq --timeout 60s)
rc=$?
echo "$out" | sed 's/^/# /'
check "a failed backup fails the command" [ "$rc" = 1 ]
check "a wrong password: auth" grep -q "^wrongpw: failed: auth: authentication refused" <<< "$out"
check "a wrong enable secret: enable" grep -q "^wrongenable: failed: enable: the enable secret was refused" <<< "$out"
check "a device that never shows a prompt: no_prompt" grep -q "^hangs: failed: no_prompt: no prompt for 2000 ms" <<< "$out"
check "a device that prints without end: too_large" grep -q "^floods: failed: too_large" <<< "$out"
check "a device that prints binary: binary" grep -q "^binary: failed: binary" <<< "$out"
check "nothing listening: connect" grep -q "^closed: failed: connect" <<< "$out"
check "the good device is fine meanwhile" grep -q "^core1: ok, unchanged, 4 versions" <<< "$out"
check "backup status shows each failure and why" bash -c "V backup status | grep hangs | grep -q 'failed.*no_prompt'"
check "failures are events" bash -c "[ \$(V event list --since 2020-01-01 --json | $PY -c 'import json,sys; events=lambda d: d[\"events\"] if isinstance(d, dict) else d; print(len([x for x in events(json.load(sys.stdin)) if x[\"topic\"]==\"backup.failed\"]))') -ge 6 ]"
check "the probe is still up" kill -0 "$PROBE_PID_p1"
check "a failed backup raises an alarm (backup-failed)" wait_for 20 alarm_open backup-failed hangs

# the host key changes: refused before any secret is sent, until accepted
kill "$SSHD_PID_ios"; wait "$SSHD_PID_ios" 2>/dev/null
logins=$(grep -c 'Accepted password\|Failed password' "$T/devices/sshd-ios/sshd.log")
NEWKEY=1 start_sshd ios "$P_IOS" ios "$CONFIG" s3cret-enable || fail "sshd (ios) restarts with a new key"
out=$(V backup run core1)
check "a changed host key is refused: $out" grep -q "core1: failed: hostkey: the host key changed" <<< "$out"
check "no password was sent to it" [ "$(grep -c 'Accepted password\|Failed password' "$T/devices/sshd-ios/sshd.log")" = "$logins" ]
check "the refusal raises core1's backup-failed alarm" wait_for 20 alarm_open backup-failed core1
out=$(V backup accept core1 --json)
check "backup accept pins the new key" grep -q '"hostkey": "SHA256:' <<< "$out"
check "and the next backup works" wait_for 30 bash -c "V backup status --device core1 --json | grep -q '\"state\": \"ok\"'"
check "its success clears core1's backup-failed alarm" wait_for 20 alarm_gone backup-failed core1

# key authentication
ssh-keygen -q -t ed25519 -N '' -f "$T/devices/id_backup"
cp "$T/devices/id_backup.pub" "$T/devices/authorized_keys"; chmod 644 "$T/devices/authorized_keys"
V cred add ssh bykey --user "$DEVICE_USER" --key "$T/devices/id_backup" >/dev/null
V device add 127.0.0.1 --name keyed --site hq >/dev/null
V device set keyed --backup bykey --model ios --backup-port "$P_IOS" >/dev/null
out=$(V backup run keyed)
check "a key logs in, and enable without a secret is refused clearly: $out" grep -q "keyed: failed: enable: the device asks for an enable secret; the credential has none" <<< "$out"

# keyboard-interactive: a device that takes the password only through
# PAM's conversation, as many AAA-backed devices do
KBDINT=1 start_sshd kbd "$P_KBD" ios "$CONFIG" s3cret-enable || fail "sshd (keyboard-interactive) starts"
V device add 127.0.0.1 --name kbd --site hq >/dev/null
V device set kbd --backup bad --model ios --backup-port "$P_KBD" >/dev/null
out=$(V backup run kbd)
check "keyboard-interactive only, a wrong password: refused, saying what the device offers: $out" \
    grep -q "kbd: failed: auth: authentication refused for $DEVICE_USER (the device offers publickey keyboard-interactive)" <<< "$out"
V device set kbd --backup lab >/dev/null
out=$(V backup run kbd)
check "keyboard-interactive logs in: $out" grep -q "kbd: ok, changed, 1 version" <<< "$out"
V device set kbd --no-backup >/dev/null

# a jump host (ssh -J): logged into with its own credential, its own host
# key pinned, a channel from there to the device
start_sshd jump "$P_JUMP" ios "$CONFIG" s3cret-enable || fail "sshd (jump host) starts"
jumps () { grep -c "Accepted password for $DEVICE_USER" "$T/devices/sshd-jump/sshd.log"; }
V device add 127.0.0.1 --name behind --site hq >/dev/null
out=$(V device set behind --backup lab --model ios --backup-port "$P_IOS" --backup-jump "a b" 2>&1)
check "a jump host that is not HOST[:PORT] is refused: $out" grep -q "backup_jump is HOST\[:PORT\]: a b is not" <<< "$out"
V device set behind --backup lab --model ios --backup-port "$P_IOS" --backup-jump "127.0.0.1:$P_JUMP" \
    --backup-jump-cred bad >/dev/null
out=$(V backup run behind)
check "the jump host refuses its credential: $out" \
    grep -q "behind: failed: auth: jump host 127.0.0.1 port $P_JUMP: authentication refused for $DEVICE_USER" <<< "$out"
V device set behind --no-backup-jump >/dev/null
V device set behind --backup-jump "127.0.0.1:$P_JUMP" >/dev/null
out=$(V backup run behind)
check "through the jump host, with the device's credential: $out" grep -q "behind: ok, changed, 1 version" <<< "$out"
check "... the jump host logged the probe in" [ "$(jumps)" = 1 ]
check "... the same configuration as core1's, fetched directly" \
    bash -c "V backup show behind | cmp -s - <(V backup show core1)"
status () { V backup status --device behind --json | $PY -c "import json,sys; r=json.load(sys.stdin)[0]; print(r['$1'])"; }
named () { [ "$(status jump)" = "127.0.0.1:$P_JUMP" ] && status jump_hostkey | grep -q '^SHA256:'; }
check "backup status names the jump host and its pinned key" named
out=$(V cred test lab --device behind --json)
check "cred test goes through the jump host too: $out" bash -c "grep -q '\"ok\": true' <<< '$out' && grep -q '\"jump_hostkey\": \"SHA256:' <<< '$out'"
logins=$(jumps)
kill "$SSHD_PID_jump"; wait "$SSHD_PID_jump" 2>/dev/null
NEWKEY=1 start_sshd jump "$P_JUMP" ios "$CONFIG" s3cret-enable || fail "sshd (jump host) restarts with a new key"
out=$(V backup run behind)
check "a jump host whose key changed is refused: $out" \
    grep -q "behind: failed: hostkey: jump host 127.0.0.1 port $P_JUMP: the host key changed" <<< "$out"
check "... before any password went to it" [ "$(jumps)" = "$logins" ]
out=$(V backup accept behind --json)
check "backup accept pins the jump host's new key" grep -q '"jump_hostkey": "SHA256:' <<< "$out"
through () { [ "$(status state)" = ok ] && [ "$(jumps)" = $((logins + 1)) ]; }
check "... and the next backup goes through" wait_for 30 through
V device set behind --no-backup-jump >/dev/null
check "--no-backup-jump removes it" [ "$(status jump)" = None ]
out=$(V backup run behind)
check "... and the device is reached directly: $out" grep -q "behind: ok, unchanged" <<< "$out"
check "... not through the jump host" [ "$(jumps)" = $((logins + 1)) ]
V device set behind --no-backup >/dev/null

# a device not backed up within twice its interval: overdue, an alarm
sqlite3 -cmd ".timeout 5000" "$M/meshd.db" "UPDATE backup_target SET created_us = created_us - 3 * 86400000000
    WHERE device_id = (SELECT id FROM device WHERE name = 'keyed')"
check "a device never backed up in two intervals is overdue: an alarm (backup-overdue)" wait_for 20 alarm_open backup-overdue keyed

# exec mode (RouterOS, Linux hosts, generic): the command on the SSH
# command line, its exit status
P_EXEC=$(free_port)
start_sshd exec "$P_EXEC" exec "$CONFIG" || fail "sshd (exec) starts"
V device add 127.0.0.1 --name gen --site hq >/dev/null
V device set gen --backup lab --model generic --backup-port "$P_EXEC" >/dev/null
out=$(V backup run gen)
check "an exec-mode model backs a device up: $out" grep -q "^gen: ok, changed, 1 version" <<< "$out"
check "... the whole configuration, cleaned" bash -c "V backup show gen | grep -q '^interface Loopback40$' && V backup show gen | grep -q '^snmp-server community <secret hidden> RO$'"
mkdir -p "$M/models"
printf 'name = badcmd\nmode = exec\nfetch\n    command = "show nonsense"\n' > "$M/models/badcmd.model"
V device set gen --model badcmd >/dev/null
out=$(V backup run gen)
check "an exec command that fails: command, with its exit status: $out" grep -q "^gen: failed: command: show nonsense exited with status 1" <<< "$out"
V device set gen --no-backup >/dev/null
rm "$M/models/badcmd.model"

# roles: a viewer sees the list, not the text
V user add vera --role viewer --password-stdin <<< "viewerpass1" >/dev/null
export XDG_CONFIG_HOME=$T/config-vera
echo viewerpass1 | V login vera --password-stdin >/dev/null
check "a viewer lists versions" bash -c "V backup list core1 | grep -q '^4 '"
out=$(V backup show core1 2>&1)
check "a viewer cannot read a configuration" grep -qi "forbidden\|not allowed\|role" <<< "$out"
export XDG_CONFIG_HOME=$T/config

# models: an operator's file is used; a broken one is listed with its error
mkdir -p "$M/models"
sed 's/^name = ios/name = myios/' "$SRC/data/models/ios.model" > "$M/models/myios.model"
printf 'name = broken\nlogin\n    prompt = "["\nfetch\n    command = show\n' > "$M/models/broken.model"
models=$(V backup models)
check "a dropped-in model is listed" grep -q "^myios .*$M/models/myios.model" <<< "$models"
check "a broken one shows why" grep -q "^broken .*login/prompt" <<< "$models"
V device set core1 --model myios >/dev/null
out=$(V backup run core1)
check "a device backed up with the operator's model: $out" grep -q "core1: ok" <<< "$out"
check "no_backup stops it, the versions stay" bash -c "V device set core1 --no-backup >/dev/null && ! V backup status | grep -q '^core1 ' && V backup list core1 | grep -q '^4 '"
check "a credential in use cannot be removed" bash -c "V cred remove bad 2>&1 | grep -q 'backs up 1 device'"
# a probe that is not there: the test cannot be made, and says so
kill -STOP "$PROBE_PID_p1"
p1_away () { ! probe_link_is p1 connected; }
check "the probe is late" wait_for 20 p1_away
out=$(V cred test lab --device core1 --model ios 2>&1); rc=$?
check "cred test through a probe not connected: exit 4" [ "$rc" = 4 ]
check "... saying so: $out" grep -q "probe is not connected" <<< "$out"
kill -CONT "$PROBE_PID_p1"
finish
