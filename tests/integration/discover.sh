#!/bin/bash
# tests/integration/discover.sh: discovery, topology and HOST-RESOURCES
# storage, in a site subnet made of two network namespaces this test
# creates: the probe's side (meshd, the probe and the CLI run there) and
# the site (198.18.0.0/24 on a veth pair, real snmpd agents on port 161).
# Only addresses inside these namespaces are touched.
set -u
if [ -z "${VD_IN_NETNS:-}" ]; then
    . "$(dirname "$0")/site.sh"
    site_netns "$0" 198.18.0.1 198.18.0.2 198.18.0.3 198.18.0.4 198.18.0.5 198.18.0.6 198.18.0.7
fi
. "$(dirname "$0")/lib.sh"

# agent NAME ADDRESSES OBJECTID [lines]: snmpd in the site namespace
agent () {
    local name=$1 addresses=$2 object=$3; shift 3
    mkdir -p "$T/$name"
    {
        printf 'sysName %s\nsysObjectID %s\nengineID %s-engine\n' "$name" "$object" "$name"
        printf 'dontLogTCPWrappersConnects yes\n[snmp] persistentDir %s/%s\n' "$T" "$name"
        for line in "$@"; do printf '%s\n' "$line"; done
    } > "$T/$name/agent.conf"
    ip netns exec "$NS_S" env MIBS= MIBDIRS=/nonexistent snmpd -f -Lf "$T/$name/snmpd.log" -C \
        -c "$T/$name/agent.conf" "$addresses" &
    PIDS="$PIDS $!"
}
LLDP=1.0.8802.1.1.2.1
agent sw1 udp:198.18.0.1:161 .1.3.6.1.4.1.9.1.1208 'rocommunity public 198.18.0.0/24' \
    "override $LLDP.3.7.1.3.1 octet_str ge-0/0/1" "override $LLDP.3.7.1.3.2 octet_str ge-0/0/2" \
    "override $LLDP.4.1.1.5.0.1.1 octet_str sw2-chassis" "override $LLDP.4.1.1.7.0.1.1 octet_str ge-0/0/7" \
    "override $LLDP.4.1.1.9.0.1.1 octet_str sw2.example.net" \
    "override $LLDP.4.1.1.5.0.2.3 octet_str phone-chassis" "override $LLDP.4.1.1.7.0.2.3 octet_str eth0" \
    "override $LLDP.4.1.1.9.0.2.3 octet_str phone-7" \
    "override 1.3.6.1.2.1.31.1.1.1.1.77 octet_str xe-0/0/77" \
    "override 1.3.6.1.2.1.2.2.1.6.77 octet_str 0x0200c0ffee77"
# sw2 also sees, as networks send them: sw1 by a chassis MAC (its
# interface xe-0/0/77's) with that MAC as port ID; a stranger whose port
# ID is a local number, with a port description
agent sw2 udp:198.18.0.2:161 .1.3.6.1.4.1.2636.1.1.1.2.29 'rocommunity public 198.18.0.0/24' \
    "override $LLDP.3.7.1.3.7 octet_str ge-0/0/7" \
    "override $LLDP.4.1.1.5.0.7.1 octet_str sw1-chassis" "override $LLDP.4.1.1.7.0.7.1 octet_str ge-0/0/1" \
    "override $LLDP.4.1.1.9.0.7.1 octet_str sw1" \
    "override $LLDP.4.2.1.3.0.7.1.1.4.198.18.0.1 integer 2" \
    "override $LLDP.3.7.1.3.8 octet_str ge-0/0/8" "override $LLDP.3.7.1.3.9 octet_str ge-0/0/9" \
    "override $LLDP.4.1.1.4.0.8.1 integer 4" "override $LLDP.4.1.1.5.0.8.1 octet_str 0x0200c0ffee77" \
    "override $LLDP.4.1.1.6.0.8.1 integer 3" "override $LLDP.4.1.1.7.0.8.1 octet_str 0x0200c0ffee77" \
    "override $LLDP.4.1.1.4.0.9.1 integer 4" "override $LLDP.4.1.1.5.0.9.1 octet_str 0x0200deadbeef" \
    "override $LLDP.4.1.1.6.0.9.1 integer 7" "override $LLDP.4.1.1.7.0.9.1 octet_str 12" \
    "override $LLDP.4.1.1.8.0.9.1 octet_str Gi1/0/12"
CDP=1.3.6.1.4.1.9.9.23.1.2.1.1
agent r3 udp:198.18.0.3:161 .1.3.6.1.4.1.8072.3.2.10 \
    'createUser mon SHA "authpass123" AES "privpass123"' 'rouser mon priv' \
    "override $CDP.4.1.5 octet_str 0xc6120002" "override $CDP.6.1.5 octet_str far-away" \
    "override $CDP.7.1.5 octet_str Gi0/3" "override $CDP.8.1.5 octet_str 'cisco WS-C2960'"
agent dual udp:198.18.0.4:161,udp:198.18.0.5:161 .1.3.6.1.4.1.8072.3.2.10 'rocommunity public 198.18.0.0/24'
agent excl udp:198.18.0.7:161 .1.3.6.1.4.1.8072.3.2.10 'rocommunity public 198.18.0.0/24'
answers () { ip netns exec "$NS_S" env MIBS= snmpget -v2c -c public -t 0.3 -r 0 "$1" 1.3.6.1.2.1.1.5.0; }
check "the site's agents answer" wait_for 20 bash -c "$(declare -f answers); NS_S=$NS_S; answers 198.18.0.1 && answers 198.18.0.2 && answers 198.18.0.5 && answers 198.18.0.7"

M=$T/meshd
start_meshd "$M" || { fail "meshd starts"; finish; }
V site add hq >/dev/null
V site add empty >/dev/null
add_probe p1 hq
check "probe connects" wait_for 20 probe_link_is p1 connected
V cred add snmp lab-v2 --community public --timeout 300ms --retries 0 >/dev/null
V cred add snmp lab-v3 --v3-user mon --auth sha:authpass123 --priv aes:privpass123 --timeout 1s --retries 0 >/dev/null

# -- bad input changes nothing ------------------------------------------------
check "a network too big is refused" bash -c "V discover 10.0.0.0/8 --site hq 2>&1 | grep -q 'at most 65536'"
check "a network too big is refused (exit 1)" bash -c "! V discover 10.0.0.0/8 --site hq 2>/dev/null"
check "nonsense is refused" bash -c "V discover 198.18.0.0/33 --site hq 2>&1 | grep -q 'is not a network'"
check "an unknown credential is refused" bash -c "V discover 198.18.0.0/24 --site hq --cred nosuch 2>&1 | grep -q 'no snmp credential'"
check "a site without a probe is refused" bash -c "V discover 198.18.0.0/24 --site empty 2>&1 | grep -q 'no probe'"
check "rediscovery under a minute is refused" bash -c "V discover 198.18.0.0/24 --site hq --every 10s 2>&1 | grep -q 'at least 60s'"
check "nothing was stored" test "$(V discovery list --json | $PY -c 'import json,sys; print(len(json.load(sys.stdin)))')" = 0

# -- the sweep ------------------------------------------------------------------
out=$(V discover 198.18.0.0/24 --site hq --cred lab-v2 --cred lab-v3 --exclude 198.18.0.7/32 \
        --exclude 198.18.0.254 --snmp-interval 2s 2>&1)
check "discover sweeps the /24 and reports" bash -c "echo '$out' | grep -q 'discovery 1: done, 1 runs; last: 252 addresses swept, 6 alive, 6 found (5 added, 0 updated, 1 aliases)'"
echo "$out" | sed 's/^/# /'
show () { V discovery show "$1" --json; }
host () {   # host ADDRESS KEY: of the last run of discovery 1
    show 1 | $PY -c "import json,sys; h=[x for x in json.load(sys.stdin)['hosts'] if x['address']=='$1']; print(h[0].get('$2','') if h else '')"
}
check "sw1 found with the first credential, named by sysName, vendor from sysObjectID" \
    test "$(host 198.18.0.1 device)" = sw1 -a "$(host 198.18.0.1 cred)" = lab-v2 -a "$(host 198.18.0.1 vendor)" = Cisco
check "r3 answers only v3: the ladder's second rung" test "$(host 198.18.0.3 cred)" = lab-v3 -a "$(host 198.18.0.3 device)" = r3
check "one agent at two addresses is one device (engine ID)" \
    test "$(host 198.18.0.4 action)$(host 198.18.0.5 action)" = addedalias -o "$(host 198.18.0.4 action)$(host 198.18.0.5 action)" = aliasadded
check "a host alive to ICMP only is added by its address" \
    test "$(host 198.18.0.6 device)" = 198.18.0.6 -a -z "$(host 198.18.0.6 cred)"
check "the excluded address and the probe's own are never touched" \
    test -z "$(host 198.18.0.7 address)$(host 198.18.0.254 address)"
devices () { V device list --json | $PY -c "import json,sys; print(' '.join(sorted(d['name'] for d in json.load(sys.stdin))))"; }
check "devices added: 198.18.0.6 dual r3 sw1 sw2" test "$(devices)" = "198.18.0.6 dual r3 sw1 sw2"
check "the event says who added them" bash -c "V event list --since -1h --json | grep -q '\"by\": *\"discovery\"'"
check "a rediscovery every minute is stored" \
    bash -c "V discover 198.18.0.1/32 --site hq --cred lab-v2 --every 1m --no-wait | grep -q 'discovery 2 started on 1 addresses'"

# -- again: nothing is added twice ---------------------------------------------
V discovery run 1 >/dev/null
run_done () { show "${2:-1}" | $PY -c "import json,sys; d=json.load(sys.stdin); sys.exit(0 if d['runs']>=$1 and d['state']=='done' else 1)"; }
check "a second run is reported" wait_for 30 run_done 2
check "the second run updates, adds nothing" test "$(show 1 | $PY -c 'import json,sys; d=json.load(sys.stdin); print(d["added"], d["updated"], d["aliases"])')" = "0 5 1"
check "still five devices" test "$(devices)" = "198.18.0.6 dual r3 sw1 sw2"

# -- the devices found are polled, and tell their neighbours --------------------
snmp_is () { [ "$(field "$1" snmp)" = "$2" ]; }
check "sw1 is polled with the credential that answered" wait_for 30 snmp_is sw1 ok
check "r3 is polled over v3" wait_for 30 snmp_is r3 ok
snmp_is r3 ok || V device show r3 --json | $PY -c "import json,sys; print('# r3 snmp:', json.load(sys.stdin).get('snmp'))"
links () { V topology --json | $PY -c "
import json,sys
for l in json.load(sys.stdin): print(l['device'], l['local_port'], l['remote'], l['remote_port'], l['proto'], l['seen_from'])"; }
has_link () { links | grep -qx "$1"; }
check "sw1-sw2 by LLDP, seen from both ends, once" wait_for 30 has_link "sw1 ge-0/0/1 sw2 ge-0/0/7 lldp both"
check "a neighbour that is not a device is listed by its name" wait_for 10 has_link "sw1 ge-0/0/2 phone-7 eth0 lldp one (far end unknown)"
check "CDP: r3's neighbour is sw2, known by its address" wait_for 30 has_link "r3 lo sw2 Gi0/3 cdp one"
check "the CDP address is decoded" bash -c "V topology --json | grep -q '198.18.0.2'"
check "LLDP: a chassis MAC finds the device, a MAC port ID its interface's name" \
    wait_for 10 has_link "sw2 ge-0/0/8 sw1 xe-0/0/77 lldp one"
check "LLDP: a local port number of a stranger shows its port description" \
    has_link "sw2 ge-0/0/9 02:00:de:ad:be:ef Gi1/0/12 lldp one (far end unknown)"
check "... and the port ID as sent, with its subtype" bash -c "V topology --json | $PY -c \"
import json,sys; l=[x for x in json.load(sys.stdin) if x['local_port']=='ge-0/0/9'][0]
sys.exit(0 if (l['remote_port_id'], l['remote_port_subtype']) == ('12', 'local') else 1)\""
has_link "sw2 ge-0/0/8 sw1 xe-0/0/77 lldp one" || links | sed "s/^/# /"
check "the link is not listed twice" test "$(links | grep -c 'ge-0/0/1 sw2\|ge-0/0/7 sw1')" = 1
check "topology --site and a table" bash -c "V topology --site hq | grep -q '^DEVICE '"
check "device show lists neighbours" bash -c "V device show sw2 | grep -q 'sw1'"
check "HOST-RESOURCES storage: disk./.used" wait_for 20 has_series sw1 'disk./.used'
check "discovery list shows both" bash -c "V discovery list | grep -q '60000'"
check "the rediscovery runs again by itself after its minute" wait_for 100 run_done 2 2
check "discovery remove" bash -c "V discovery remove 2 >/dev/null && ! V discovery show 2 2>/dev/null"

finish
