#!/bin/bash
# tests/integration/console.sh: the full-screen console, driven by tmux
# (send-keys, capture-pane) against a real meshd and probe: the views, the
# filter, the command line with completion, device detail, bulk ack with a
# comment, a viewer who cannot ack, 80x24 and 200x60, monochrome, and the
# reconnection when meshd restarts.
. "$(dirname "$0")/lib.sh"
SOCK=vd$$                                   #  a tmux server of our own
tm () { tmux -L "$SOCK" "$@"; }
cleanup_tmux () { tm kill-server 2>/dev/null; cleanup; }
trap cleanup_tmux EXIT
CUR=a                                       #  the session a failure shows
fail () { FAILED=$((FAILED + 1)); echo "FAIL - $*"; tm capture-pane -p -t "$CUR" 2>/dev/null | sed 's/^/# /'; }

M=$T/meshd
start_meshd "$M" || { fail "meshd starts"; finish; }
V site add hq >/dev/null
add_probe p1 hq
for i in 1 2 3 4 5; do V device add "127.0.0.$i" --name "core$i" --site hq --interval 1s >/dev/null; done
V device add 127.0.0.9 --name edge1 --site hq --interval 1s >/dev/null
V rule add slow --severity major --metric icmp.rtt --above 0.000001 >/dev/null
echo "viewerpass1" | V user add vic --role viewer --password-stdin >/dev/null
alarms_active () { [ "$(V alarm list --json | $PY -c 'import json,sys; print(len(json.load(sys.stdin)))')" = "$1" ]; }
check "six alarms to work with" wait_for 30 alarms_active 6

# console NAME WIDTH HEIGHT [env...]: a console in its own tmux session
console () {
    local name=$1 width=$2 height=$3; shift 3
    tm new-session -d -s "$name" -x "$width" -y "$height" \
        "env LANG=C.UTF-8 $* '$BUILD/vedette' 2>'$T/$name.err'; echo \$? > '$T/$name.rc'"
}
screen () { tm capture-pane -p -t "$1"; }
shows () { screen "$1" | grep -qF -- "$2"; }
hides () { ! screen "$1" | grep -qF -- "$2"; }
keys () { local name=$1; shift; tm send-keys -t "$name" "$@"; }
# no line wider than the terminal, the tab bar on top, no stray bytes
clean () {
    local name=$1 width=$2 height=$3 text
    text=$(screen "$name")
    [ "$(echo "$text" | wc -l)" -le "$height" ] &&
    [ "$(echo "$text" | LANG=C.UTF-8 wc -L)" -le "$width" ] &&
    echo "$text" | head -1 | grep -q "Overview  Devices" &&
    ! echo "$text" | grep -qP '\x1b|\x{FFFD}'
}

# -- not a terminal -------------------------------------------------------------
V console </dev/null >/dev/null 2>"$T/notty"; rc=$?
check "console without a terminal: exit 2 and why" bash -c "[ $rc = 2 ] && grep -q 'needs a terminal' '$T/notty'"
V </dev/null >/dev/null 2>&1; rc=$?
check "vedette with no command and no terminal prints usage (exit 2)" [ $rc = 2 ]

# -- 80x24, the admin -----------------------------------------------------------
console a 80 24
check "overview: the devices by status" wait_for 15 shows a "6 up"
check "overview: the alarms by severity" wait_for 15 shows a "6 major"
check "overview: the probe" shows a "1 of 1 connected"
check "80x24 renders without garbage" wait_for 5 clean a 80 24
keys a 2
check "devices view lists the six" wait_for 5 shows a "6 of 6 devices"
spark () { screen a | grep -q "core1 .*[▁▂▃▄▅▆▇█]"; }
check "RTT sparklines fill from the live samples" wait_for 15 spark
keys a / 'core[12]' Enter
check "a filter keeps the matching rows" wait_for 5 shows a "2 of 6 devices"
check "... and hides the others" hides a "core3"
keys a / C-u '!core' Enter
check "an inverted filter" wait_for 5 shows a "1 of 6 devices"
check "... shows only edge1" bash -c "$(declare -f screen tm); SOCK=$SOCK; screen a | grep -q edge1 && ! screen a | grep -q core1"
keys a / C-u Enter
check "an empty filter clears it" wait_for 5 shows a "6 of 6 devices"
keys a : 'device ed' Tab
check "Tab completes a device name" wait_for 5 shows a ":device edge1"
keys a Enter
check "device detail: the device" wait_for 10 shows a "127.0.0.9  site hq"
check "device detail: the RTT chart with its axis" wait_for 10 shows a "RTT (ms), last hour"
check "device detail: open alarms" wait_for 10 shows a "Open alarms (1)"
keys a t
check "t: the chart's span" wait_for 5 shows a "last 24 hours"
keys a '['
check "[ goes back to the devices" wait_for 5 shows a "of 6 devices"
keys a ']'
check "] forward again" wait_for 5 shows a "127.0.0.9  site hq"
keys a '?'
check "help lists the view's keys from its table" wait_for 5 shows a "chart span: 1h, 24h, 7d"
keys a q

# -- bulk ack, with a comment ---------------------------------------------------
keys a 3
check "alarms view" wait_for 5 shows a "6 of 6 alarms"
keys a Space Space
check "space marks" wait_for 5 shows a "2 marked"
keys a a
check "a asks for a comment" wait_for 5 shows a "ack comment:"
keys a 'router swap tonight' Enter
check "two alarms acked" wait_for 5 shows a "acked 2 alarms"
acked () { [ "$(V alarm list --json | $PY -c "
import json,sys; print(sum(1 for a in json.load(sys.stdin) if a['state']=='acked' and a.get('acked_by')=='admin'))")" = "$1" ]; }
check "meshd has the two acks, by admin" wait_for 5 acked 2
check "the comment is kept" bash -c "V alarm show \$(V alarm list --json | $PY -c \"import json,sys; print([a['id'] for a in json.load(sys.stdin) if a['state']=='acked'][0])\") | grep -q 'router swap tonight'"
check "the view follows: acked in the list" wait_for 5 bash -c "$(declare -f screen tm); SOCK=$SOCK; [ \$(screen a | grep -c 'acked ') -ge 2 ]"
keys a '*' a 'all of them' Enter
check "* marks all, a acks them" wait_for 10 acked 6
keys a : 'alarms crit' Tab Enter
check ":alarms critical filters by severity" wait_for 5 shows a "0 of 6 alarms · severity=critical"

# -- 200x60 -----------------------------------------------------------------------
tm resize-window -t a -x 200 -y 60
keys a 2
check "200x60: the wide columns appear" wait_for 5 shows a "VENDOR"
check "200x60 renders without garbage" wait_for 5 clean a 200 60
tm resize-window -t a -x 80 -y 24
check "back to 80x24: narrow again" wait_for 5 hides a "VENDOR"
check "80x24 after a resize, no garbage" wait_for 5 clean a 80 24

# -- meshd restarts -------------------------------------------------------------------
kill -9 "$MESHD_PID"; wait "$MESHD_PID" 2>/dev/null
rm -f "$M/api.sock"
keys a : alarms Enter
check "the console says meshd is gone" wait_for 15 shows a "meshd is unreachable"
run_meshd "$M"
check "and that it is back" wait_for 15 shows a "connected to meshd at"
check "the lists are fetched again" wait_for 10 shows a "6 of 6 alarms"
keys a C-c
check "Ctrl-C quits, exit 0" wait_for 5 bash -c "[ \"\$(cat '$T/a.rc' 2>/dev/null)\" = 0 ]"

# -- a viewer --------------------------------------------------------------------------
mkdir -p "$T/vic"
echo "viewerpass1" | XDG_CONFIG_HOME=$T/vic V login vic --password-stdin >/dev/null
CUR=v
console v 80 24 "XDG_CONFIG_HOME='$T/vic'" VEDETTE_THEME=mono TERM=vt100
check "a viewer's console, monochrome on a vt100" wait_for 15 shows v "vic (viewer)"
check "monochrome renders without garbage" wait_for 5 clean v 80 24
keys v 3
check "the viewer sees the alarms" wait_for 5 shows v "6 of 6 alarms"
check "... and no ack key in the hints" hides v "Space mark"
keys v Space
check "space is refused to a viewer" wait_for 5 shows v "not allowed to a viewer"
keys v : 'ack sneaky' Enter
check ":ack is refused to a viewer" wait_for 5 shows v "ack: not allowed to a viewer"
keys v '?'
check "the viewer's help has no ack" bash -c "$(declare -f screen tm); SOCK=$SOCK; screen v | grep -q 'keys that change things are not shown' && ! screen v | grep -q 'ack the marked'"
check "nothing was unacked or acked by the viewer" bash -c "! V audit list --user vic --json | grep -q 'alarm\.'"
keys v C-c
check "the viewer's console ends" wait_for 5 test -s "$T/v.rc"
check "no errors printed by either console" bash -c "[ ! -s '$T/a.err' ] && [ ! -s '$T/v.err' ]"
finish
