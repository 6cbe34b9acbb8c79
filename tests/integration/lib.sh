# tests/integration/lib.sh: what every integration test shares. Real
# programs on loopback, ports chosen here, throwaway keys in a scratch
# directory removed at exit. No sleep as synchronisation: wait_for polls a
# condition until a deadline.
set -u
BUILD=${BUILD:-$(cd "$(dirname "$0")/../../build" 2>/dev/null && pwd)}
SRC=$(cd "$(dirname "$0")/../.." && pwd); export SRC
PY=/usr/bin/python3
T=$(mktemp -d "${TMPDIR:-/tmp}/vedette-it.XXXXXX")
export XDG_CONFIG_HOME=$T/config
PASSED=0
FAILED=0
PIDS=""

ok ()   { PASSED=$((PASSED + 1)); echo "ok - $*"; }
fail () { FAILED=$((FAILED + 1)); echo "FAIL - $*"; }
check () { local what=$1; shift; if "$@"; then ok "$what"; else fail "$what"; fi; }

cleanup () {
    for pid in $PIDS; do kill -9 "$pid" 2>/dev/null; done
    wait 2>/dev/null
    [ -n "${KEEP:-}" ] || rm -rf "$T"
}
trap cleanup EXIT

finish () {
    echo "$(basename "$0"): $PASSED passed, $FAILED failed"
    [ "$FAILED" = 0 ]
    exit $?
}

# wait_for SECONDS COMMAND...: true as soon as COMMAND succeeds
wait_for () {
    local deadline=$(( $(date +%s%N) / 1000000 + $1 * 1000 )); shift
    while ! "$@" >/dev/null 2>&1; do
        [ $(( $(date +%s%N) / 1000000 )) -ge $deadline ] && return 1
        sleep 0.05
    done
}

# A free TCP port on loopback
free_port () {
    $PY -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

V () { "$BUILD/vedette" "$@"; }
export BUILD PY
export -f V

# start_meshd DIR [extra config lines]: init, configure, run, log in as admin
start_meshd () {
    local dir=$1; shift
    MESH_PORT=$(free_port)
    echo "adminpass1" | "$BUILD/vedette-meshd" init -d "$dir" --admin-password-stdin >/dev/null || return 1
    {
        printf 'mesh\n    endpoint = "tcp://%s:%s"\n    late = "%s"\n    lost = "%s"\n' \
               "$MESH_HOST" "$MESH_PORT" "${LATE:-3s}" "${LOST:-6s}"
        printf 'api\n    tcp = "%s"\n    session_lifetime = "%s"\nevents\n    tcp = "%s"\n' \
               "${API_TCP:-}" "${SESSION_LIFETIME:-24h}" "${EVENTS_TCP:-}"
        printf 'store\n    compact_interval = "%s"\n' "${COMPACT:-500ms}"
        printf 'ssh\n    endpoint = "%s"\n    console = "%s"\n' "${SSH_ENDPOINT:-}" "$BUILD/vedette"
        for line in "$@"; do printf '%s\n' "$line"; done
    } > "$dir/meshd.cfg"
    run_meshd "$dir"
    export VEDETTE_ENDPOINT=ipc://$dir/api.sock
    echo "adminpass1" | V login admin --password-stdin >/dev/null
}

run_meshd () {
    local dir=$1
    $MESHD_WRAP "$BUILD/vedette-meshd" -f -d "$dir" >> "$dir/meshd.log" 2>&1 &
    MESHD_PID=$!
    PIDS="$PIDS $MESHD_PID"
    wait_for 20 test -S "$dir/api.sock"
}
MESHD_WRAP=${MESHD_WRAP:-}
PROBE_WRAP=${PROBE_WRAP:-}
MESH_HOST=${MESH_HOST:-127.0.0.1}

# add_probe NAME SITE: enroll, join, run; sets PROBE_PID_<NAME>
add_probe () {
    local name=$1 site=$2 token
    token=$(V probe enroll --site "$site" --name "$name" --endpoint "tcp://$MESH_HOST:$MESH_PORT" 2>/dev/null) || return 1
    $PROBE_WRAP "$BUILD/vedette-probe" join "$token" -d "$T/$name" >/dev/null || return 1
    run_probe "$name"
}

# A probe's listeners are off unless the test wrote its own probe.cfg
run_probe () {
    local name=$1
    [ -f "$T/$name/probe.cfg" ] ||
        printf 'listen\n    syslog_udp = ""\n    syslog_tcp = ""\n    trap = ""\n' > "$T/$name/probe.cfg"
    $PROBE_WRAP "$BUILD/vedette-probe" -f -d "$T/$name" >> "$T/$name.log" 2>&1 &
    eval "PROBE_PID_$name=$!"
    PIDS="$PIDS $!"
}

# The value of FIELD of the probe NAME in probe list --json
probe_field () {
    V probe list --json | $PY -c "import json,sys; print([p for p in json.load(sys.stdin) if p['name']=='$1'][0]['$2'])"
}

probe_link_is () { [ "$(probe_field "$1" link)" = "$2" ]; }

# Samples stored for DEVICE METRIC: "total distinct"
series_count () {
    V series show "$1" "$2" --since 2020-01-01 --json | $PY -c "
import json,sys; p=json.load(sys.stdin)['points']; print(len(p), len(set(x['ts_us'] for x in p)))"
}
