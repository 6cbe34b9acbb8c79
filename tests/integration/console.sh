#!/bin/bash
# tests/integration/console.sh: the full-screen console, driven by tmux
# (send-keys, capture-pane) against a real meshd and probe: the views, the
# filter, the command line with completion, device detail, bulk ack with a
# comment, a viewer who cannot ack, 80x24 and 200x60, monochrome, and the
# reconnection when meshd restarts.
. "$(dirname "$0")/lib.sh"
use_tmux
CUR=a

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
keys a t t t
check "... t t t: a year, from the rollups" wait_for 5 shows a "last year"
keys a '['
check "[ goes back to the devices" wait_for 5 shows a "of 6 devices"
keys a ']'
check "] forward again" wait_for 5 shows a "127.0.0.9  site hq"
keys a '?'
check "help lists the view's keys from its table" wait_for 5 shows a "chart span: 1h, 24h, 7d, 30d, 1y"
check "help says what the mouse does" shows a "click a tab or a row"
keys a q

# -- the mouse: X10 reports (ESC [ M button x y), as the terminal sends them ------
x10 () { $PY -c 'import sys; a = sys.argv [1:]; sys.stdout.write ("".join ("\x1b[M%c%c%c" % (32 + int (a [i]), 33 + int (a [i + 1]), 33 + int (a [i + 2])) for i in range (0, len (a), 3)))' "$@"; }
click () { tm send-keys -t "$1" -l "$(x10 0 "$2" "$3" 3 "$2" "$3")"; }
double () { tm send-keys -t "$1" -l "$(x10 0 "$2" "$3" 3 "$2" "$3" 0 "$2" "$3" 3 "$2" "$3")"; }
wheel_down () { tm send-keys -t "$1" -l "$(x10 65 "$2" "$3")"; }
# the column where TEXT starts on screen line Y (0 at the top)
column_of () { screen "$1" | sed -n "$(($2 + 1))p" | $PY -c "import sys; print (sys.stdin.read ().index (sys.argv [1]))" "$3"; }
click a $(($(column_of a 0 " Probes ") + 2)) 0
check "mouse: a click on a tab opens its view" wait_for 5 shows a "CLOCK"
probe_row () { screen a | grep -qE "^p1 +hq +connected .* [0-9.]+ms +[+-][0-9.]+ms +0 +6"; }
check "probes view: p1's round trip, clock offset, backlog, devices" wait_for 10 probe_row
click a $(($(column_of a 0 " Devices ") + 2)) 0
check "another tab: the devices" wait_for 5 shows a "of 6 devices"
click a $(($(column_of a 1 "DEVICE") + 1)) 1
check "a click on a column's title sorts by it" wait_for 5 shows a "DEVICE▲"
first_row () { screen a | sed -n 3p | grep -q "$1"; }
check "... core1 first" wait_for 5 first_row core1
click a $(($(column_of a 1 "DEVICE") + 1)) 1
check "a second click: the other way, edge1 first" wait_for 5 first_row edge1
wheel_down a 10 5
keys a Enter
check "the wheel moves the selection three rows: core3 opens" wait_for 5 shows a "127.0.0.3  site hq"
keys a q
double a 10 3
check "a double click on a row opens it: core5" wait_for 5 shows a "127.0.0.5  site hq"
keys a q : 'mouse off' Enter
check ":mouse off gives the mouse back" wait_for 5 shows a "mouse off: the terminal selects text again"
click a $(($(column_of a 0 " Probes ") + 2)) 0
keys a '?'
check "... a click on a tab does nothing then" wait_for 5 shows a "Keys of Devices"
keys a q : 'mouse on' Enter

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
check "the viewer's help has no ack" bash -c "$(declare -f screen tm); SOCK=$SOCK; screen v | grep -q 'what changes things is hidden' && ! screen v | grep -q 'ack the marked'"
keys v j
check "the help lists the : commands a viewer may use, not :ack" wait_for 5 bash -c "$(declare -f screen tm); SOCK=$SOCK; screen v | grep -q ':devices \[site=hq\]' && ! screen v | grep -q ':ack'"
check "nothing was unacked or acked by the viewer" bash -c "! V audit list --user vic --json | grep -q 'alarm\.'"
keys v C-c
check "the viewer's console ends" wait_for 5 test -s "$T/v.rc"
check "no errors printed by either console" bash -c "[ ! -s '$T/a.err' ] && [ ! -s '$T/v.err' ]"
finish
