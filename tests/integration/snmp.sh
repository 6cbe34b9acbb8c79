#!/bin/bash
# SNMP polling end to end. Real agents: Debian's snmpd on loopback high
# ports, one per simulated device (v2c and a v3 user on one, another with
# its own sysName and sysObjectID). Scripted agents (snmp_agent.py) for
# what snmpd cannot do: counters that move by known amounts (exact rates, a
# 32-bit wrap, a reset) and broken agents (garbage, wrong types, walks going
# backwards, endless tables, silence). Wrong communities and keys are
# refused; one bad device never slows the others; secrets never show.
. "$(dirname "$0")/lib.sh"
command -v snmpd >/dev/null || { fail "snmpd is installed (apt-get install snmpd)"; finish; }

agent () {
    local name=$1 mode=$2 port
    port=$(free_port)
    $PY "$SRC/tests/integration/snmp_agent.py" "$port" "$mode" "$T/$name.epoch" &
    PIDS="$PIDS $!"
    eval "PORT_$name=$port"
}

P1=$(free_port) P2=$(free_port)
check "snmpd sw1 answers (v2c, v3 user mon)" start_snmpd sw1 127.0.0.1 "$P1" .1.3.6.1.4.1.9.1.1208 \
    'createUser mon SHA "authpass123" AES "privpass123"' 'rouser mon priv' \
    'createUser plain SHA "plainpass123"' 'rouser plain auth'
# a man in the middle of sw1's v3 answers: each authenticated one's digest
# changed by a bit (authNoPriv: the values in plain text, as forged)
FP=$(free_port)
$PY - "$FP" "$P1" <<'PYEOF' &
import select, socket, sys
def header(d, i):
    n = d[i + 1]; i += 2
    if n & 0x80:
        k = n & 0x7F; n = int.from_bytes(d[i:i + k], "big"); i += k
    return i, n
front = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); front.bind(("127.0.0.1", int(sys.argv[1])))
back = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); back.connect(("127.0.0.1", int(sys.argv[2])))
client = None
while True:
    ready, _, _ = select.select([front, back], [], [])
    if front in ready:
        data, client = front.recvfrom(65536); back.send(data)
    if back in ready and client:
        d = bytearray(back.recv(65536))
        try:
            i, _ = header(d, 0)
            j, n = header(d, i)
            if d[j:j + n] == b"\x03":                     # v3: past the version, the global data
                i, n = header(d, j + n); i += n
                i, n = header(d, i)                        # msgSecurityParameters
                k, n = header(d, i)                        # its sequence
                for _ in range(4):                         # engine ID, boots, time, user
                    k, n = header(d, k); k += n
                k, n = header(d, k)
                if n == 12:
                    d[k + 11] ^= 1
        except IndexError:
            pass
        front.sendto(bytes(d), client)
PYEOF
PIDS="$PIDS $!"
check "snmpd sw2 answers" start_snmpd sw2 127.0.0.2 "$P2" .1.3.6.1.4.1.8072.3.2.10 \
    'createUser mon SHA "otherpass123" AES "otherpriv123"' 'rouser mon priv'
for a in rates:rates garbage:garbage wrongtypes:wrongtypes backwards:backwards endless:endless silent:silent; do
    agent "${a%%:*}" "${a##*:}"
done

M=$T/meshd
start_meshd "$M" || { fail "meshd starts"; finish; }
V site add hq >/dev/null
add_probe p1 hq
check "probe connects" wait_for 20 probe_link_is p1 connected
V cred add snmp lab-v2 --community public >/dev/null
V cred add snmp lab-v1 --community public --version 1 >/dev/null
V cred add snmp lab-v3 --v3-user mon --auth sha:authpass123 --priv aes:privpass123 >/dev/null
V cred add snmp wrong-comm --community not-public --timeout 200ms --retries 0 >/dev/null
V cred add snmp wrong-key --v3-user mon --auth sha:wrongpass999 --priv aes:privpass123 >/dev/null
V cred add snmp fast --community public --timeout 300ms --retries 0 >/dev/null
V cred add snmp lab-v3a --v3-user plain --auth sha:plainpass123 --timeout 300ms --retries 0 >/dev/null

V device add 127.0.0.1 --name sw1 --site hq --snmp lab-v2 --snmp-port "$P1" --snmp-interval 1s >/dev/null
V device add 127.0.0.1 --name sw1v3 --site hq --snmp lab-v3 --snmp-port "$P1" --snmp-interval 2s >/dev/null
V device add 127.0.0.1 --name sw1v1 --site hq --snmp lab-v1 --snmp-port "$P1" --snmp-interval 2s >/dev/null
V device add 127.0.0.1 --name sw1v3a --site hq --snmp lab-v3a --snmp-port "$P1" --snmp-interval 2s >/dev/null
V device add 127.0.0.1 --name forged --site hq --snmp lab-v3a --snmp-port "$FP" --snmp-interval 2s >/dev/null
V device add 127.0.0.2 --name sw2 --site hq --snmp lab-v2 --snmp-port "$P2" --snmp-interval 2s >/dev/null
V device add 127.0.0.1 --name badcomm --site hq --snmp wrong-comm --snmp-port "$P1" --snmp-interval 2s >/dev/null
V device add 127.0.0.2 --name badkey --site hq --snmp wrong-key --snmp-port "$P2" --snmp-interval 2s >/dev/null
V device add 127.0.0.3 --name rates --site hq --snmp fast --snmp-port "$PORT_rates" --snmp-interval 1s >/dev/null
for a in garbage:1s wrongtypes:1s backwards:1s endless:5s silent:1s; do
    V device add 127.0.0.3 --name "${a%%:*}" --site hq --snmp fast --snmp-port "$(eval echo \$PORT_${a%%:*})" \
        --snmp-interval "${a##*:}" >/dev/null
done
V check add sw1 snmp --oid 1.3.6.1.4.1.2021.10.1.3.1 --name load1 >/dev/null
# v1: an object the agent lacks fails a whole GET; the poll goes on without it
V check add sw1v1 snmp --oid 1.3.6.1.4.1.99999.1.0 --name missing >/dev/null

snmp_is () { [ "$(field "$1" snmp)" = "$2" ]; }
check "sw1 (v2c) is polled" wait_for 20 snmp_is sw1 ok
check "sw1 over v3 authPriv is polled" wait_for 20 snmp_is sw1v3 ok
check "sw1 over v1 is polled (GETNEXT walk, unknown objects skipped)" wait_for 20 snmp_is sw1v1 ok
check "sw2 is polled" wait_for 20 snmp_is sw2 ok
check "a wrong community times out" wait_for 20 snmp_is badcomm timeout
check "a wrong v3 key is refused" wait_for 20 snmp_is badkey refused
check "sw1 over v3 authNoPriv is polled" wait_for 20 snmp_is sw1v3a ok
check "answers with a wrong digest are no answers" wait_for 20 snmp_is forged timeout
check "nothing of them is stored" [ "$(field forged sys_name)" != sw1 ]
check "a silent agent times out" wait_for 20 snmp_is silent timeout
check "garbage answers are no answers" wait_for 20 snmp_is garbage timeout
check "device list shows sysName and uptime" \
    test "$(field sw2 sys_name)" = sw2 -a "$(field sw1 uptime_s)" -ge 0
show () { V device show "$1" --json | $PY -c "import json,sys; d=json.load(sys.stdin); print(d['snmp']['$2'])"; }
check "device show has sysObjectID, location, contact" \
    test "$(show sw1 sys_object_id)" = 1.3.6.1.4.1.9.1.1208 -a "$(show sw1 sys_location)" = rack-sw1 \
         -a "$(show sw1 sys_contact)" = noc@example.org
check "sysObjectID names the vendor and model (data/sysobjectid.tsv)" \
    test "$(field sw1 vendor)" = Cisco -a "$(field sw2 vendor)" = Net-SNMP -a "$(field sw2 model)" = Linux
check "an unknown model of a known vendor" test "$(field rates vendor)" = Juniper -a "$(field rates model)" = None
check "the v3 key error says why" bash -c "V device show badkey --json | grep -q 'v3: '"

# interfaces of a real agent: lo carries the polls themselves
iface () {   # iface DEVICE NAME KEY
    V interface list "$1" --json | $PY -c "
import json,sys; d=[i for i in json.load(sys.stdin) if i['name']=='$2']; print(d[0]['$3'] if d else '')"
}
lo_rate () { $PY -c "import sys; sys.exit(0 if float('$(iface sw1 lo in_bps)' or 0) > 0 else 1)"; }
check "sw1's lo is up with 64-bit counters" \
    wait_for 10 test "$(iface sw1 lo oper)" = up -a "$(iface sw1 lo counters)" = 64
check "sw1's lo has a rate (its own SNMP traffic)" wait_for 10 lo_rate
check "interface list prints a table" bash -c "V interface list sw1 | grep -q '^IF '"
export -f has_series
check "interface rates are series (if.lo.in_bps)" wait_for 10 has_series sw1 if.lo.in_bps
check "the custom OID is a series (snmp.load1)" wait_for 10 has_series sw1 snmp.load1
check "UCD load and memory are series" wait_for 10 bash -c "has_series sw1 load.1 && has_series sw1 mem.used"

# exact rates from the scripted agent: 1,000,000 octets a second, each way
epochs () { cat "$T/$1.epoch" 2>/dev/null || echo 0; }
epochs_reach () { [ "$(epochs "$1")" -ge "$2" ]; }
check "the scripted agent is polled every second" wait_for 30 epochs_reach rates 9
rates_ok () {
    V series show rates "if.$1.in_bps" --since 2020-01-01 --json | $PY -c "
import json,sys
p=[x['value'] for x in json.load(sys.stdin)['points']]
bad=[v for v in p if abs(v - 8e6) > 0.05 * 8e6]
print(len(p), bad, file=sys.stderr)
sys.exit(0 if len(p) >= $2 and not bad else 1)"
}
check "64-bit counters: every rate within 5% of 8 Mbit/s" wait_for 10 rates_ok xe-0/0/1 6
check "a 32-bit counter wrapped: rates still within 5%, none lost to the wrap" wait_for 10 rates_ok ge-0/0/2 6
count () { V series show rates "$1" --since 2020-01-01 --json | $PY -c "import json,sys; print(len(json.load(sys.stdin)['points']))"; }
check "a counter that went back gives no rate for that poll" \
    test "$(count if.ge-0/0/3.in_bps)" -lt "$(count if.xe-0/0/1.in_bps)"
check "utilisation follows speed (8 Mbit/s of 1 Gbit/s: 0.8%)" \
    $PY -c "import sys; sys.exit(0 if abs(float('$(iface rates xe-0/0/1 in_util)') - 0.8) < 0.05 else 1)"
check "the scripted agent's ifAlias is shown" test "$(iface rates xe-0/0/1 alias)" = "uplink xe-0/0/1"

# broken agents: counted and logged, never fatal, never slowing the rest
check "wrong types are logged" wait_for 10 grep -Eq "snmp: 127.0.0.3:$PORT_wrongtypes: .*(type|status)" "$T/p1.log"
check "a walk going backwards is stopped and logged" \
    wait_for 10 grep -q "snmp: 127.0.0.3:$PORT_backwards: .*backwards" "$T/p1.log"
check "an endless table is cut" wait_for 20 grep -Eq "snmp: 127.0.0.3:$PORT_endless: .*(rows|requests|deadline)" "$T/p1.log"
check "each broken agent is logged once (throttled)" \
    test "$(grep -c "snmp: 127.0.0.3:$PORT_backwards:" "$T/p1.log")" -eq 1
before=$(epochs rates) started=$(date +%s%N)
check "the good device kept its 1 s rhythm beside the broken ones (5 polls in 6 s)" \
    wait_for 6 epochs_reach rates $((before + 5))
check "the probe is still running" kill -0 "$PROBE_PID_p1"

# changes reach the probe
V device set sw1v3 --snmp wrong-key >/dev/null
check "device set changes the credential the probe uses" wait_for 20 snmp_is sw1v3 refused
V device set sw1v3 --snmp lab-v3 >/dev/null
check "and back" wait_for 20 snmp_is sw1v3 ok
check "a credential in use cannot be removed" bash -c "! V cred remove lab-v3 2>/dev/null"
V check remove sw1 load1 >/dev/null
check "check remove drops the custom check" bash -c "! V check list --device sw1 --json | grep -q load1"
V device set badkey --no-snmp >/dev/null
check "no-snmp stops the polling" bash -c "V check list --device badkey --json | grep -vq '\"snmp\"' && ! V check list --device badkey --json | grep -q '\"kind\": \"snmp\"'"

# secrets: never logged, never in the API, the probe's copy private
check "no community or passphrase in any log" \
    bash -c "! grep -rlE 'authpass123|privpass123|wrongpass999|not-public' '$M/meshd.log' '$T/p1.log'"
check "cred list shows no secret" bash -c "! V cred list --json | grep -qE 'authpass|privpass|not-public'"
check "the probe's checks are sealed and private (0600)" test "$(stat -c %a "$T/p1/checks.sealed")" = 600
finish
