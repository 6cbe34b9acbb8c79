# tests/integration/lib.sh: what every integration test shares. Real
# programs on loopback, ports chosen here, throwaway keys in a scratch
# directory removed at exit. No sleep as synchronisation: wait_for polls a
# condition until a deadline.
set -u
BUILD=${BUILD:-$(cd "$(dirname "$0")/../../build" 2>/dev/null && pwd)}
SRC=$(cd "$(dirname "$0")/../.." && pwd); export SRC
PY=/usr/bin/python3
T=$(mktemp -d "${TMPDIR:-/tmp}/vedette-it.XXXXXX") || { echo "lib.sh: no temporary directory in ${TMPDIR:-/tmp}" >&2; exit 1; }
export XDG_CONFIG_HOME=$T/config
PASSED=0
FAILED=0
PIDS=""

NETNS=""                                    # namespaces made here (netns_new)
MOUNTS=""                                   # file systems mounted here (small_disk)
SOCK=""                                     # the tmux server (use_tmux)
CUR=""                                      # the tmux session a failure shows

ok ()   { PASSED=$((PASSED + 1)); echo "ok - $*"; }
# a failure shows the screen of the tmux session $CUR, if there is one
fail () {
    FAILED=$((FAILED + 1)); echo "FAIL - $*"
    [ -n "$CUR" ] && tm capture-pane -p -t "$CUR" 2>/dev/null | sed 's/^/# /'
    return 0
}
check () { local what=$1; shift; if "$@"; then ok "$what"; else fail "$what"; fi; }

cleanup () {
    [ -n "$SOCK" ] && tm kill-server 2>/dev/null
    for pid in $PIDS; do kill -9 "$pid" 2>/dev/null; done
    wait 2>/dev/null
    for ns in $NETNS; do ip netns del "$ns" 2>/dev/null; done
    [ -n "${KEEP:-}" ] || { for m in $MOUNTS; do umount "$m" 2>/dev/null; done; rm -rf "$T"; }
}
trap cleanup EXIT

finish () {
    echo "$(basename "$0"): $PASSED passed, $FAILED failed"
    [ "$FAILED" = 0 ]
    exit $?
}

# small_disk DIR SIZE: a tmpfs of SIZE mounted on DIR (root), unmounted at exit
small_disk () { mkdir -p "$1" && mount -t tmpfs -o "size=$2" tmpfs "$1" && MOUNTS="$MOUNTS $1"; }

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

# fits_schema NAME FILE [PYTHON]: the JSON in FILE is valid against
# schemas/api/NAME.json, and the Python expression PYTHON (over r) is true
fits_schema () {
    $PY - "$SRC/schemas/api" "$1" "$2" "${3:-True}" <<'EOF'
import json, jsonschema, os, sys
d, name, path, expression = sys.argv[1:]
store = {n: json.load(open(os.path.join(d, n))) for n in os.listdir(d)}
resolver = jsonschema.RefResolver(base_uri='', referrer={}, store=store)
r = json.load(open(path))
jsonschema.Draft202012Validator(store[name + '.json'], resolver=resolver).validate(r)
assert eval(expression), r
EOF
}

# start_meshd DIR [extra config lines]: init, configure, run, log in as admin
start_meshd () {
    local dir=$1; shift
    MESH_PORT=$(free_port)
    echo "adminpass1" | "$BUILD/vedette-meshd" init -d "$dir" --admin-password-stdin >/dev/null || return 1
    {
        printf 'mesh\n    endpoint = "tcp://%s:%s"\n    late = "%s"\n    lost = "%s"\n' \
               "$MESH_HOST" "$MESH_PORT" "${LATE:-3s}" "${LOST:-6s}"
        printf 'api\n    tcp = "%s"\n    session_lifetime = "%s"\n    workers = %s\nevents\n    tcp = "%s"\n' \
               "${API_TCP:-}" "${SESSION_LIFETIME:-24h}" "${API_WORKERS:-4}" "${EVENTS_TCP:-}"
        printf 'store\n    compact_interval = "%s"\n' "${COMPACT:-500ms}"
        [ -z "${MIN_FREE:-}" ] || printf '    min_free = "%s"\n' "$MIN_FREE"
        # meshd's own series only where a test asks (SELF): its default
        # rules would raise alarms the other tests do not count on
        printf 'self\n    interval = "%s"\n' "${SELF:-0}"
        printf 'ssh\n    endpoint = "%s"\n    console = "%s"\n' "${SSH_ENDPOINT:-}" "$BUILD/vedette"
        for line in "$@"; do printf '%s\n' "$line"; done
    } > "$dir/meshd.cfg"
    run_meshd "$dir"
    export VEDETTE_ENDPOINT=ipc://$dir/api.sock
    echo "adminpass1" | V login admin --password-stdin >/dev/null
}

run_meshd () {
    local dir=$1
    $MESHD_WRAP "$BUILD/vedette-meshd" -f -d "$dir" >> "${MESHD_LOG:-$dir/meshd.log}" 2>&1 &
    MESHD_PID=$!
    PIDS="$PIDS $MESHD_PID"
    wait_for 20 test -S "$dir/api.sock"
}
MESHD_WRAP=${MESHD_WRAP:-}
PROBE_WRAP=${PROBE_WRAP:-}
MESH_HOST=${MESH_HOST:-127.0.0.1}

# joined NAME SITE [ENDPOINT]: a probe enrolled and joined (dialling
# ENDPOINT, meshd's by default), not yet running: the test may write its
# probe.cfg first
joined () {
    local token
    token=$(V probe enroll --site "$2" --name "$1" --endpoint "${3:-tcp://$MESH_HOST:$MESH_PORT}" 2>/dev/null) || return 1
    $PROBE_WRAP "$BUILD/vedette-probe" join "$token" -d "$T/$1" >/dev/null
}

# add_probe NAME SITE: enroll, join, run; sets PROBE_PID_<NAME>
add_probe () { joined "$1" "$2" && run_probe "$1"; }

# A probe's listeners are off unless the test wrote its own probe.cfg
run_probe () {
    local name=$1
    [ -f "$T/$name/probe.cfg" ] ||
        printf 'listen\n    syslog_udp = ""\n    syslog_tcp = ""\n    trap = ""\n    radius = ""\n' > "$T/$name/probe.cfg"
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

# The field KEY of the device NAME in device list --json
field () {
    V device list --json | $PY -c "
import json,sys; d=[x for x in json.load(sys.stdin) if x['name']=='$1']; print(d[0].get('$2') if d else '')"
}

# has_series DEVICE METRIC: the device has a series of that metric
has_series () {
    V series list "$1" --json | $PY -c "
import json,sys; sys.exit(0 if any(s['metric']=='$2' for s in json.load(sys.stdin)) else 1)"
}

# drained PROBE...: each probe's spool is empty and meshd's last sequence
# for it is the probe's last
drained () {
    local p last
    for p in "$@"; do
        [ "$(sqlite3 "file:$T/$p/spool.db?mode=ro" 'SELECT count(*) FROM spool')" = 0 ] || return 1
        last=$(sqlite3 "file:$T/$p/spool.db?mode=ro" "SELECT seq FROM sqlite_sequence WHERE name='spool'")
        [ "$(sqlite3 "file:$M/meshd.db?mode=ro" "SELECT last_seq FROM probe WHERE name='$p'")" = "$last" ] || return 1
    done
}

# Samples meshd stored for the probes: in chunks and in batches not yet
# compacted (28 bytes a sample); meshd's own (probe 0) are not counted
stored () {
    sqlite3 "file:$M/meshd.db?mode=ro" "SELECT (SELECT coalesce(sum(c.count),0) FROM chunk c
            JOIN series s ON s.id = c.series_id WHERE s.own = 0)
        + (SELECT coalesce(sum(length(data)),0)/28 FROM sample_batch WHERE probe_id != 0)"
}

# use_tmux: a tmux server of this test's own, killed at exit
use_tmux () { SOCK=vd$$; }
tm () { tmux -L "$SOCK" "$@"; }
screen () { tm capture-pane -p -t "$1"; }
shows () { screen "$1" | grep -qF -- "$2"; }

# netns_new NAME...: network namespaces with loopback up, removed at exit
# (with the veth ends in them)
netns_new () {
    local ns
    for ns in "$@"; do
        ip netns add "$ns" || return 1
        NETNS="$NETNS $ns"
        ip -n "$ns" link set lo up
    done
}

# veth A NS_A ADDRESS_A B NS_B ADDRESS_B: a veth pair between two
# namespaces ("" for this one), addresses (with their prefix) on each end,
# both ends up
veth () {
    local a=$1 ns_a=$2 addr_a=$3 b=$4 ns_b=$5 addr_b=$6
    ip link add "$a" ${ns_a:+netns "$ns_a"} type veth peer name "$b" ${ns_b:+netns "$ns_b"} || return 1
    ip ${ns_a:+-n "$ns_a"} addr add "$addr_a" dev "$a"
    ip ${ns_b:+-n "$ns_b"} addr add "$addr_b" dev "$b"
    ip ${ns_a:+-n "$ns_a"} link set "$a" up
    ip ${ns_b:+-n "$ns_b"} link set "$b" up
}

# -- SNMP agents ------------------------------------------------------------
# snmpd NAME ADDRESS PORT SYSOBJECTID [config lines]: a real agent
start_snmpd () {
    local name=$1 address=$2 port=$3 object=$4; shift 4
    mkdir -p "$T/$name"
    {
        printf 'rocommunity public 127.0.0.0/8\nsysName %s\nsysLocation rack-%s\n' "$name" "$name"
        printf 'sysContact noc@example.org\nsysObjectID %s\n' "$object"
        printf 'dontLogTCPWrappersConnects yes\n[snmp] persistentDir %s/%s\n' "$T" "$name"
        for line in "$@"; do printf '%s\n' "$line"; done
    } > "$T/$name/snmpd.conf"
    MIBS= MIBDIRS=/nonexistent snmpd -f -Lf "$T/$name/snmpd.log" -C -c "$T/$name/snmpd.conf" \
        -p "$T/$name/snmpd.pid" "udp:$address:$port" &
    PIDS="$PIDS $!"
    wait_for 10 env MIBS= snmpget -v2c -c public -t 0.2 -r 0 "$address:$port" 1.3.6.1.2.1.1.5.0
}

# -- devices behind OpenSSH (configuration backups) ------------------------
# The device user every fake device logs in: a system user made once, with
# this password (the tests run as root, as sshd's password check needs)
DEVICE_USER=vdbackup
DEVICE_PASSWORD='lab-Pass-1'
device_user () {
    id "$DEVICE_USER" >/dev/null 2>&1 || useradd -M -d /nonexistent -s /bin/sh "$DEVICE_USER" || return 1
    echo "$DEVICE_USER:$DEVICE_PASSWORD" | chpasswd || return 1
    mkdir -p /run/sshd
    # the device's files must be readable by that user
    chmod 711 "$T"
    mkdir -p "$T/devices" && chmod 755 "$T/devices"
    cp "$SRC/tests/integration/fake_device.py" "$T/devices/" && chmod 755 "$T/devices/fake_device.py"
}

# start_sshd NAME PORT ARGS...: Debian's sshd on 127.0.0.1:PORT in front of
# fake_device.py ARGS (its ForceCommand), with a host key of its own
# (made once per NAME: a new one with NEWKEY=1); passwords only through
# keyboard-interactive (PAM's conversation) with KBDINT=1; sets SSHD_PID_<NAME>
start_sshd () {
    local name=$1 port=$2; shift 2
    local pam=no password=yes kbdint=no
    [ -n "${KBDINT:-}" ] && { pam=yes; password=no; kbdint=yes; }
    local dir=$T/devices/sshd-$name
    mkdir -p "$dir"
    if [ ! -f "$dir/host_key" ] || [ -n "${NEWKEY:-}" ]; then
        rm -f "$dir/host_key" "$dir/host_key.pub"
        ssh-keygen -q -t ed25519 -N '' -f "$dir/host_key" || return 1
    fi
    cat > "$dir/sshd_config" <<CONF
Port $port
ListenAddress 127.0.0.1
HostKey $dir/host_key
PidFile $dir/sshd.pid
AuthorizedKeysFile $T/devices/authorized_keys
StrictModes no
UsePAM $pam
PasswordAuthentication $password
KbdInteractiveAuthentication $kbdint
PubkeyAuthentication yes
PermitRootLogin no
AllowUsers $DEVICE_USER
MaxStartups 300:30:400
ForceCommand /usr/bin/python3 $T/devices/fake_device.py $*
CONF
    /usr/sbin/sshd -D -e -f "$dir/sshd_config" >> "$dir/sshd.log" 2>&1 &
    eval "SSHD_PID_$name=$!"
    PIDS="$PIDS $!"
    wait_for 10 $PY -c "import socket; socket.create_connection(('127.0.0.1', $port), 1)"
}
