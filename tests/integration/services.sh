#!/bin/bash
# tests/integration/services.sh: TCP, DNS and HTTP(S) checks against real
# servers on loopback: Python's http.server (plain, and TLS with a
# certificate openssl makes for 30 days), dnsmasq, a port nobody listens
# on and a DNS server that never answers.
. "$(dirname "$0")/lib.sh"

HTTP=$(free_port) HTTPS=$(free_port) DNS=$(free_port) CLOSED=$(free_port) SILENT=$(free_port)
mkdir -p "$T/www" && printf 'OK all good\n' > "$T/www/health"
( cd "$T/www" && exec $PY -m http.server "$HTTP" --bind 127.0.0.1 ) > "$T/http.log" 2>&1 &
PIDS="$PIDS $!"
openssl req -x509 -newkey rsa:2048 -nodes -days 30 -subj /CN=localhost \
    -keyout "$T/key.pem" -out "$T/cert.pem" 2>/dev/null
( cd "$T/www" && exec $PY -c "
import http.server, ssl
server = http.server.HTTPServer(('127.0.0.1', $HTTPS), http.server.SimpleHTTPRequestHandler)
context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER); context.load_cert_chain('$T/cert.pem', '$T/key.pem')
server.socket = context.wrap_socket(server.socket, server_side=True)
server.serve_forever()" ) > "$T/https.log" 2>&1 &
PIDS="$PIDS $!"
dnsmasq --no-daemon --port="$DNS" --listen-address=127.0.0.1 --bind-interfaces --no-resolv --no-hosts \
    --address=/example.org/127.0.0.9 --mx-host=example.org,mail.example.org,10 --local=/invalid/ \
    --log-facility="$T/dnsmasq.log" &
PIDS="$PIDS $!"
$PY -c "
import socket, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(('127.0.0.1', $SILENT))
while True: s.recv(512)" &
PIDS="$PIDS $!"
check "the servers answer" wait_for 10 bash -c "exec 3<>/dev/tcp/127.0.0.1/$HTTP && exec 4<>/dev/tcp/127.0.0.1/$HTTPS"

M=$T/meshd
start_meshd "$M" || { fail "meshd starts"; finish; }
V site add hq >/dev/null
add_probe p1 hq
check "probe connects" wait_for 20 probe_link_is p1 connected
V device add 127.0.0.1 --name web1 --site hq >/dev/null
add () { V check add web1 "$@" --interval 1s --timeout 500ms >/dev/null; }
add tcp --port "$HTTP"
add tcp --port "$CLOSED" --name closed
add http --url "http://127.0.0.1:$HTTP/health" --expect 200 --contains "all good" --name health
add http --url "http://127.0.0.1:$HTTP/missing" --name missing
add http --url "https://127.0.0.1:$HTTPS/health" --insecure --name tls
add http --url "https://127.0.0.1:$HTTPS/health" --name tls-verified
add dns --query example.org --server 127.0.0.1 --port "$DNS" --expect 127.0.0.9 --name dns-a
add dns --query example.org --type MX --server 127.0.0.1 --port "$DNS" --name dns-mx
add dns --query nosuch.invalid --server 127.0.0.1 --port "$DNS" --name dns-nx
add dns --query example.org --server 127.0.0.1 --port "$SILENT" --name dns-silent
check "check add refuses a tcp check without a port" bash -c "V check add web1 tcp 2>&1 | grep -q 'needs port'"

# check_field NAME KEY: a field of the named check in check list --json
check_field () {
    V check list --device web1 --json | $PY -c "
import json,sys
c=[x for x in json.load(sys.stdin) if x['params'].get('name')=='$1']
v=c[0].get('$2') if c else None
print(json.dumps(v) if isinstance(v,(dict,list)) else (v if v is not None else ''))"
}
status_is () { [ "$(check_field "$1" status)" = "$2" ]; }
check "tcp: an open port connects" wait_for 20 status_is "tcp-$HTTP" ok
check "tcp: a closed port is refused" wait_for 20 status_is closed failed
check "tcp: the error says why" test "$(check_field closed error)" = "Connection refused"
check "http: 200 with the expected text" wait_for 20 status_is health ok
check "http: a 404 fails and says so" wait_for 20 bash -c "$(declare -f check_field); PY=$PY; check_field missing error | grep -q 'status 404'"
check "https (insecure): ok" wait_for 20 status_is tls ok
days () { check_field tls detail | $PY -c "import json,sys; d=json.load(sys.stdin); sys.exit(0 if 29 <= d.get('cert_days',0) <= 30.01 else 1)"; }
check "https: the certificate has 29 to 30 days left" wait_for 20 days
check "https (verified): a self-signed certificate fails" wait_for 20 bash -c \
    "$(declare -f check_field); PY=$PY; check_field tls-verified error | grep -qi 'certificate'"
check "dns: A example.org is 127.0.0.9" wait_for 20 status_is dns-a ok
check "dns: the answer is kept" bash -c "$(declare -f check_field); PY=$PY; check_field dns-a detail | grep -q '127.0.0.9'"
check "dns: MX" wait_for 20 bash -c "$(declare -f check_field); PY=$PY; check_field dns-mx detail | grep -q '10 mail.example.org'"
check "dns: NXDOMAIN fails" wait_for 20 bash -c "$(declare -f check_field); PY=$PY; check_field dns-nx error | grep -q NXDOMAIN"
check "dns: a silent server times out" wait_for 20 bash -c "$(declare -f check_field); PY=$PY; check_field dns-silent error | grep -q timeout"
check "series: check.health.up, .time, check.tls.cert_days" \
    wait_for 10 bash -c "$(declare -f has_series); PY=$PY; has_series web1 check.health.up && has_series web1 check.health.time && has_series web1 check.tls.cert_days"
up_values () { V series show web1 "check.$1.up" --since 2020-01-01 --json | $PY -c "
import json,sys; print(sorted(set(p['value'] for p in json.load(sys.stdin)['points'])))"; }
check "up is 1 for a good check, 0 for a failing one" test "$(up_values health)$(up_values closed)" = "[1.0][0.0]"
check "check list shows status and error" bash -c "V check list --device web1 | grep -q 'Connection refused'"
check "a rule on check.*.up raises for the failing checks" bash -c \
    "V rule add down-svc --severity major --metric 'check.*.up' --below 1 --for 2 >/dev/null"
alarms () { V alarm list --json | $PY -c "import json,sys; print(len([a for a in json.load(sys.stdin) if a['state']!='cleared']))"; }
five_alarms () { [ "$(alarms)" = 5 ]; }
check "five failing checks, five alarms" wait_for 30 five_alarms
check "the probe logged no crash" bash -c "! grep -qi 'segfault\|assert' '$T/p1.log'"

finish
