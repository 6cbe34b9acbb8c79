"""pyzmq tests of meshd's API, run by api.sh against a running meshd:
every operation's request and reply against schemas/api, argument rules,
roles, site scopes, client keys on CURVE tcp, the event stream with gap
recovery, the audit log and the error counters. Prints TAP-like lines.

Environment: VEDETTE_ENDPOINT (ipc, logged in as admin), API_TCP and
EVENTS_TCP (tcp endpoints), SRC, BUILD, MESH (the mesh endpoint)."""
import json
import os
import shutil
import subprocess
import tempfile
import sys
import time

import jsonschema
import zmq

sys.path.insert(0, os.path.dirname(__file__))
from api import Api, ApiError, curve, session_token  # noqa: E402

SRC = os.environ["SRC"]
SCHEMAS = os.path.join(SRC, "schemas", "api")
API_TCP = os.environ["API_TCP"]
EVENTS_TCP = os.environ["EVENTS_TCP"]
passed = failed = 0


def check(what, condition, detail=""):
    global passed, failed
    if condition:
        passed += 1
        print("ok - " + what)
    else:
        failed += 1
        print("FAIL - " + what + (": " + str(detail) if detail else ""))
    sys.stdout.flush()


def error_of(api, op, **args):
    """The error code of a request expected to fail, or None."""
    try:
        api.call(op, **args)
    except ApiError as error:
        return error.code
    return None


def wait_for(seconds, condition):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return False


# -- schemas ---------------------------------------------------------------
store = {}
for name in os.listdir(SCHEMAS):
    with open(os.path.join(SCHEMAS, name)) as f:
        store[name] = json.load(f)
resolver = jsonschema.RefResolver(base_uri="", referrer={}, store=store)


def validator(name):
    return jsonschema.Draft202012Validator(store[name], resolver=resolver)


for name, schema in sorted(store.items()):
    try:
        jsonschema.Draft202012Validator.check_schema(schema)
        good = True
    except jsonschema.SchemaError as error:
        good = error
    check("schema %s is a valid JSON Schema (2020-12)" % name, good is True, good)

ops = {}
for line in subprocess.check_output([os.path.join(os.environ["BUILD"], "vedette-meshd"),
                                     "--list-ops"], text=True).splitlines():
    op, role, spec, _ = line.split("\t")
    ops[op] = (role, [] if spec == "-" else spec.split())
for op, (role, spec) in ops.items():
    request = store.get(op + ".request.json")
    check("schema for %s's request and reply exist" % op,
          request is not None and (op + ".reply.json") in store)
    if request:
        declared = {a.split(":")[0] for a in spec}
        required = {a.split(":")[0] for a in spec if a.endswith("!")}
        check("schema of %s's request has its declared arguments" % op,
              set(request["properties"]) == declared and set(request["required"]) == required,
              (sorted(request["properties"]), sorted(declared)))

covered = set()
envelope = validator("reply.json")


class Checked(Api):
    """An Api whose every request and reply is validated against the schemas."""

    def request(self, op, args, timeout=5000):
        reply = Api.request(self, op, args, timeout)
        errors = list(envelope.iter_errors(reply))
        if errors:
            check("reply to %s fits reply.json" % op, False, errors[0].message)
        if op in ops and "result" in reply:
            problems = list(validator(op + ".request.json").iter_errors(args))
            problems += list(validator(op + ".reply.json").iter_errors(reply["result"]))
            if problems:
                check("%s fits its schemas" % op, False,
                      "%s at %s" % (problems[0].message, list(problems[0].absolute_path)))
            else:
                covered.add(op)
        return reply


admin = Checked()
status0 = admin.call("server.status")

# -- sites, users, roles -----------------------------------------------------
admin.call("site.add", name="hq")
admin.call("site.add", name="branch")
admin.call("site.add", name="spare")
admin.call("site.remove", name="spare")
admin.call("site.list")
admin.call("user.add", name="olga", role="operator", password="operator-pw")
admin.call("user.add", name="vic", role="viewer", password="viewer-pw1")
admin.call("user.add", name="bob", role="operator", password="branch-pw1", sites=["branch"])
admin.call("user.add", name="temp", role="viewer", password="temporary1")
admin.call("user.remove", name="temp")
users = {u["name"]: u for u in admin.call("user.list")}
check("user.list shows roles and site scopes",
      users["bob"]["sites"] == ["branch"] and users["olga"]["role"] == "operator"
      and users["vic"]["sites"] == [])


def login(user, password):
    api = Checked(token="")
    api.token = api.call("login", user=user, password=password)["token"]
    return api


olga = login("olga", "operator-pw")
vic = login("vic", "viewer-pw1")
bob = login("bob", "branch-pw1")
check("whoami gives user, role and sites",
      bob.call("whoami") == {"user": "bob", "role": "operator", "sites": ["branch"], "origin": "ipc"})

admin.call("device.add", address="127.0.0.1", name="core1", site="hq")
olga.call("device.add", address="127.0.0.2", name="edge1", site="branch", interval="5s")
admin.call("device.add", address="127.0.0.3", name="spare1", site="hq")
admin.call("device.remove", name="spare1")
check("an operator adds devices", len(admin.call("device.list")) == 2)
# device.list is kept a moment (api/list_cache, 1 s) for the same request;
# a write through the API is seen at once, one made around it within that
first = admin.call("device.list")
check("the same list twice is the same", admin.call("device.list") == first)
admin.call("device.add", address="127.0.0.4", name="spare2", site="hq")
check("a device added is listed at once", "spare2" in [d["name"] for d in admin.call("device.list")])
admin.call("device.remove", name="spare2")
check("... and not listed once removed", "spare2" not in [d["name"] for d in admin.call("device.list")])
db = os.path.join(os.path.dirname(os.environ["VEDETTE_ENDPOINT"][len("ipc://"):]), "meshd.db")
def interval_of_core1(ms):
    subprocess.check_call(["sqlite3", "-cmd", ".timeout 5000", db, "UPDATE device_check SET interval_ms = %d "
                           "WHERE device_id = (SELECT id FROM device WHERE name = 'core1')" % ms])
interval_of_core1(12345)
changed_at = time.monotonic()
while time.monotonic() - changed_at < 5 and \
        [d["interval_ms"] for d in admin.call("device.list") if d["name"] == "core1"] != [12345]:
    time.sleep(0.05)
seen = time.monotonic() - changed_at
check("a change made outside the API is listed within api/list_cache (%.2f s)" % seen, seen < 1.5)
interval_of_core1(10000)
check("a viewer cannot add a device: forbidden",
      error_of(vic, "device.add", address="127.0.0.9", name="x", site="hq") == "forbidden")
check("an operator cannot add a site: forbidden", error_of(olga, "site.add", name="x") == "forbidden")
check("an operator cannot list users: forbidden", error_of(olga, "user.list") == "forbidden")
check("a viewer cannot read the audit log: forbidden", error_of(vic, "audit.list") == "forbidden")
check("nothing changed by refused requests",
      [d["name"] for d in admin.call("device.list")] == ["core1", "edge1"]
      and [s["name"] for s in admin.call("site.list")] == ["branch", "hq"])

# -- site scopes -----------------------------------------------------------
summary = admin.call("device.summary")
statuses = [d["status"] for d in admin.call("device.list")]
check("device.summary counts what device.list lists, by status",
      summary["devices"] == 2 and all(summary["by_status"][s] == statuses.count(s)
                                      for s in ("up", "down", "unreachable", "unknown")), summary)
check("device.summary of a site", admin.call("device.summary", site="hq")["devices"] == 1)
check("a scoped user's summary counts their sites' devices only", bob.call("device.summary")["devices"] == 1)
check("a scoped user lists only their sites' devices",
      [d["name"] for d in bob.call("device.list")] == ["edge1"])
check("a scoped user lists only their sites", [s["name"] for s in bob.call("site.list")] == ["branch"])
check("another site's device is not found (show)", error_of(bob, "device.show", name="core1") == "not_found")
check("another site's device is not found (remove)",
      error_of(bob, "device.remove", name="core1") == "not_found")
check("another site's series is not found",
      error_of(bob, "series.show", device="core1", metric="icmp.rtt") == "not_found")
check("a scoped user cannot add to another site",
      error_of(bob, "device.add", address="127.0.0.5", name="sneak", site="hq") == "not_found")
check("the device of another site is still there",
      "core1" in [d["name"] for d in admin.call("device.list")])
check("a scoped user's checks are their sites' only",
      {c["device"] for c in bob.call("check.list")} == {"edge1"})
check("a scoped admin cannot make users",
      error_of(admin, "user.set", name="bob", role="admin") is None
      and error_of(bob, "user.add", name="evil", role="admin", password="evil-pass") == "forbidden")
admin.call("user.set", name="bob", role="operator")
check("a scoped user sees only their sites' events",
      {e["site"] for e in bob.call("event.list", since="-1h")["events"]} <= {"branch", None})

# -- passwords -----------------------------------------------------------------
check("a user changes their own password", vic.call("user.set", name="vic", password="viewer-pw2")
      == {"user": "vic", "password": "changed"})
check("the old password no longer logs in",
      error_of(Checked(token=""), "login", user="vic", password="viewer-pw1") == "unauthorized")
vic = login("vic", "viewer-pw2")
check("a user cannot change another's password",
      error_of(vic, "user.set", name="olga", password="hijacked1") == "forbidden")
check("a user cannot raise their own role", error_of(vic, "user.set", name="vic", role="admin") == "forbidden")
check("a short password is refused", error_of(admin, "user.set", name="vic", password="short") == "invalid")
check("the last unscoped admin cannot go", error_of(admin, "user.remove", name="admin") == "conflict")

# -- arguments -------------------------------------------------------------
reply = admin.request("site.add", {})
check("a missing required argument is an error naming it",
      reply.get("error", {}).get("code") == "invalid" and "'name'" in reply["error"]["message"], reply)
reply = admin.request("site.add", {"name": 7})
check("a wrong type is an error naming the argument and what was expected",
      reply.get("error", {}).get("code") == "invalid" and "'name'" in reply["error"]["message"]
      and "name of 1 to 63" in reply["error"]["message"], reply)
reply = admin.request("device.list", {"site": "hq", "colour": "blue", "future_field": [1, 2]})
check("unknown arguments are ignored", [d["name"] for d in reply.get("result", [])] == ["core1"], reply)
reply = admin.raw([json.dumps({"op": "whoami", "id": 1, "token": admin.token, "v": 1}).encode()])
check("version 1 requests are answered", reply.get("result", {}).get("user") == "admin", reply)
reply = admin.raw([json.dumps({"op": "whoami", "id": 2, "token": admin.token, "v": 2}).encode()])
check("a request for a later API version is refused",
      reply.get("error", {}).get("code") == "unsupported_version", reply)
reply = admin.request("series.show", {"device": "core1", "metric": "icmp.rtt", "since": "yesterday-ish"})
check("a bad time says what a time looks like",
      reply.get("error", {}).get("code") == "invalid" and "ISO 8601" in reply["error"]["message"], reply)
reply = admin.request("device.add", {"address": "127.0.0.7", "name": "d7", "site": "hq", "interval": "10 parsecs"})
check("a bad duration says what a duration looks like",
      reply.get("error", {}).get("code") == "invalid" and "10s" in reply["error"]["message"], reply)
reply = admin.raw([b'{"op": "whoami", "token": "%s", "id": {"nested": [1, 2]}}' % admin.token.encode()])
check("the request id is echoed as given", reply.get("id") == {"nested": [1, 2]}, reply)
req = zmq.Context.instance().socket(zmq.REQ)
req.setsockopt(zmq.LINGER, 0)
req.connect(os.environ["VEDETTE_ENDPOINT"])
req.send_json({"op": "whoami", "id": "req-1", "token": admin.token})
reply = req.recv_json() if req.poll(5000) else {}
check("a REQ client is answered like a DEALER", reply.get("id") == "req-1"
      and reply.get("result", {}).get("user") == "admin", reply)
req.close()
forged = Checked(token="0" * 64)
check("a forged token is unauthorized", error_of(forged, "device.list") == "unauthorized")

# -- every remaining operation, once -----------------------------------------
admin.call("device.show", name="core1")
admin.call("series.list", device="core1")
admin.call("series.show", device="core1", metric="icmp.rtt", since="-1h")
admin.call("series.show", device="core1", metric="icmp.rtt", since="-1h", step="5m")
for kind in ("latency", "billing", "top", "alarms", "availability"):
    admin.call("report." + kind, month="2026-11")
check("report.availability with a target says, per row, whether it was met",
      all("target_met" in r for r in admin.call("report.availability", month="2026-11", target="99.9")["rows"]))
check("report.latency over a month without rollups: core1 with no samples",
      [r["samples"] for r in admin.call("report.latency", device="core1", month="2026-11")["rows"]] == [0])
admin.call("check.list", device="core1")
admin.call("probe.enroll", site="hq", name="p1", endpoint=os.environ["MESH"], expires="1h")
admin.call("probe.list")
check("probe.mesh: no paths while no probe measures any", admin.call("probe.mesh") == [])
check("probe.mesh filters by site and probe", admin.call("probe.mesh", site="hq", probe="p1") == [])
check("series.show wants a device or a probe, not both",
      error_of(admin, "series.show", device="core1", probe="p1", metric="icmp.rtt") == "invalid"
      and error_of(admin, "series.show", metric="icmp.rtt") == "invalid")
check("series.show of a probe's series it does not have is not_found",
      error_of(admin, "series.show", probe="p1", metric="peer.p2.rtt") == "not_found")
admin.call("probe.revoke", name="p1")
admin.call("audit.list", since="-1h")

# -- rules, alarms, maintenance, channels, routes ----------------------------
admin.call("device.add", address="127.0.0.11", name="acc1", site="hq")
admin.call("device.set", name="acc1", parent="core1")
check("a parent loop is a conflict", error_of(admin, "device.set", name="core1", parent="acc1") == "conflict")
check("device.show has the parent", admin.call("device.show", name="acc1")["parent"] == "core1")
# devices never measured are unknown: a state rule for unknown raises at once
admin.call("rule.add", name="never", state="unknown", severity="warning")
admin.call("rule.add", name="slow", metric="icmp.rtt", above="50ms", clear="30ms", count=3, severity="major")
check("rule.add refuses a clear value on the wrong side",
      error_of(admin, "rule.add", name="bad", metric="icmp.rtt", above="50ms", clear="80ms", severity="major") == "invalid")
check("rule.add refuses two kinds at once",
      error_of(admin, "rule.add", name="bad", metric="icmp.rtt", trap="1.3.6", severity="major") == "invalid")
check("a viewer cannot add rules", error_of(vic, "rule.add", name="v", state="down", severity="info") == "forbidden")
check("a scoped operator adds rules for their sites only",
      error_of(bob, "rule.add", name="b", state="down", severity="info") == "forbidden")
bob.call("rule.add", name="branch-down", state="down", severity="major", site="branch")
admin.call("rule.set", name="slow", enabled=False)
rules = {r["name"]: r for r in admin.call("rule.list")}
check("rule.list shows thresholds in ms and the switch", rules["slow"]["above"] == 50
      and rules["slow"]["clear"] == 30 and rules["slow"]["enabled"] is False, rules["slow"])
check("bob's rule list leaves out rules of hq only", "never" in {r["name"] for r in bob.call("rule.list")})
admin.call("rule.test", name="slow", since="-1h")
deadline = time.time() + 10
while time.time() < deadline and len(admin.call("alarm.list", active=True)) < 3:
    time.sleep(0.1)
alarms = admin.call("alarm.list", active=True)
check("a state rule raises on what is in that state already",
      {a["object"] for a in alarms if a["rule"] == "never"} == {"core1", "acc1", "edge1"}, alarms)
check("a revoked probe raises no probe-lost alarm", not any(a["rule"] == "probe-lost" for a in alarms), alarms)
check("bob sees the alarms of his site only", {a["site"] for a in bob.call("alarm.list")} == {"branch"})
one = [a for a in alarms if a["object"] == "core1"][0]
admin.call("alarm.show", id=one["id"])
check("bob cannot see an alarm of hq", error_of(bob, "alarm.show", id=one["id"]) == "not_found")
check("bob cannot ack an alarm of hq", error_of(bob, "alarm.ack", id=one["id"]) == "not_found")
check("a viewer cannot ack", error_of(vic, "alarm.ack", id=one["id"]) == "forbidden")
check("ack needs an id or all", error_of(olga, "alarm.ack") == "invalid")
acked = olga.call("alarm.ack", id=one["id"], comment="looking", expires="1h")
check("olga acks it", acked["acked"] == [one["id"]])
shown = admin.call("alarm.show", id=one["id"])
check("the ack has who, comment and expiry", shown["state"] == "acked" and shown["acked_by"] == "olga"
      and shown["comment"] == "looking" and shown["ack_expires_us"] > time.time() * 1e6, shown)
olga.call("alarm.unack", id=one["id"])
bulk = olga.call("alarm.ack", all=True, site="hq", severity="warning+")
check("bulk ack by site and severity", len(bulk["acked"]) >= 2 and bulk["matched"] >= 2, bulk)
check("a bad severity filter is invalid", error_of(olga, "alarm.list", severity="loud") == "invalid")
olga.call("alarm.clear", id=one["id"])
check("a cleared alarm is history", admin.call("alarm.show", id=one["id"])["state"] == "cleared")
check("clearing it twice is not_found", error_of(olga, "alarm.clear", id=one["id"]) == "not_found")
win = olga.call("maintenance.add", device="core1", **{"from": "now", "to": "2099-01-01T00:00:00Z"}, comment="swap")
olga.call("maintenance.add", site="hq", **{"from": "22:00", "to": "02:00"}, every="sat")
check("maintenance needs a device or a site",
      error_of(olga, "maintenance.add", **{"from": "22:00", "to": "23:00"}) == "invalid")
windows = admin.call("maintenance.list")
check("maintenance.list shows the open window", any(w["id"] == win["id"] and w["open"] for w in windows))
admin.call("maintenance.remove", id=win["id"])
check("only an admin without scopes adds channels",
      error_of(bob, "channel.add", name="c", kind="webhook", url="http://127.0.0.1:9/") == "forbidden")
check("a channel needs its parameters", error_of(admin, "channel.add", name="c", kind="email", to="a@b.c") == "invalid")
check("an exec channel needs an absolute path",
      error_of(admin, "channel.add", name="c", kind="exec", command="rm -rf /") == "invalid")
# credentials: sealed, never shown; checked before anything is stored
v2 = admin.call("cred.add", kind="snmp", name="lab-v2", community="s3cret-community")
check("cred.add answers a summary, not the community",
      v2["summary"] == "v2c community" and "s3cret" not in json.dumps(v2))
v3 = admin.call("cred.add", kind="snmp", name="lab-v3", v3_user="mon", auth="SHA-256:s3cret-auth-pass",
                priv="aes:s3cret-priv-pass")
check("a v3 credential's summary names user, level and protocols",
      v3["summary"] == "v3 user mon, authPriv sha-256/aes", v3)
creds = olga.call("cred.list")
check("cred.list holds no secret", len(creds) == 2 and "s3cret" not in json.dumps(creds))
check("only an admin adds credentials",
      error_of(olga, "cred.add", kind="snmp", name="x", community="public") == "forbidden")
check("a scoped admin cannot add credentials",
      error_of(bob, "cred.add", kind="snmp", name="x", community="public") == "forbidden")
for bad, what in [(dict(community="a", v3_user="u"), "community and user"),
                  (dict(), "neither"),
                  (dict(v3_user="u", auth="sha:short"), "a short passphrase"),
                  (dict(v3_user="u", auth="rot13:longenough1"), "an unknown protocol"),
                  (dict(v3_user="u", priv="aes:longenough1"), "priv without auth"),
                  (dict(community="c", version="3"), "a community for v3"),
                  (dict(kind="ssh", community="c"), "an unknown kind")]:
    args = dict(kind="snmp", name="bad")
    args.update(bad)
    check("cred.add refuses %s" % what, error_of(admin, "cred.add", **args) == "invalid")
check("a credential's name is unique",
      error_of(admin, "cred.add", kind="snmp", name="lab-v2", community="other") == "conflict")
# SNMP polling of a device: a credential, an interval, custom OID checks
polled = olga.call("device.add", address="127.0.0.7", name="sw7", site="hq", snmp="lab-v2",
                   snmp_interval="30s", snmp_port=16161)
check("device.add with snmp says so", polled["snmp"] == "lab-v2" and polled["snmp_interval_ms"] == 30000
      and polled["snmp_port"] == 16161, polled)
check("device.add refuses an unknown credential",
      error_of(olga, "device.add", address="127.0.0.8", name="sw8", site="hq", snmp="nope") == "not_found")
check("a refused device.add leaves nothing behind", error_of(olga, "device.show", name="sw8") == "not_found")
check("snmp_port must be a port",
      error_of(olga, "device.set", name="sw7", snmp_port=70000) == "invalid")
check("snmp_interval has a floor", error_of(olga, "device.set", name="sw7", snmp_interval="10ms") == "invalid")
load = olga.call("check.add", device="sw7", kind="snmp", oid=".1.3.6.1.4.1.2021.10.1.3.1", name="load1")
check("check.add takes a numeric OID, without its leading dot",
      load["params"] == {"oid": "1.3.6.1.4.1.2021.10.1.3.1", "name": "load1"} and load["interval_ms"] == 30000, load)
check("a custom check's name is unique on its device",
      error_of(olga, "check.add", device="sw7", kind="snmp", oid="1.3.6.1.2.1.1.3.0", name="load1") == "conflict")
for bad, what in [(dict(oid="1.3.6.x", name="x"), "a non-numeric OID"), (dict(oid="1.3.6.1"), "no name"),
                  (dict(oid="1..3", name="x"), "an empty arc")]:
    check("check.add refuses %s" % what, error_of(olga, "check.add", device="sw7", kind="snmp", **bad) == "invalid")
check("a custom OID needs SNMP on the device",
      error_of(olga, "check.add", device="core1", kind="snmp", oid="1.3.6.1.2.1.1.3.0", name="up") == "invalid")
check("a viewer adds no check",
      error_of(vic, "check.add", device="sw7", kind="snmp", oid="1.3.6.1.2.1.1.3.0", name="up") == "forbidden")
kinds = sorted(c["kind"] for c in olga.call("check.list", device="sw7"))
check("check.list shows the SNMP poll and the custom OID", kinds == ["icmp", "snmp", "snmp"], kinds)
olga.call("device.set", name="sw7", snmp_interval="1m")
check("a new SNMP interval reaches the custom checks too",
      all(c["interval_ms"] == 60000 for c in olga.call("check.list", device="sw7") if c["kind"] == "snmp"))
shown = olga.call("device.show", name="sw7")
check("device.show has the SNMP facts and interfaces (none yet)",
      shown["snmp"]["cred"] == "lab-v2" and shown["snmp"]["status"] is None and shown["interfaces"] == [], shown)
check("interface.list of a device never polled is empty", olga.call("interface.list", device="sw7") == [])
check("a credential in use is not removed", error_of(admin, "cred.remove", name="lab-v2") == "conflict")
# service checks: their arguments, made names and refusals
tcp = olga.call("check.add", device="sw7", kind="tcp", port=22)
check("a tcp check is named tcp-PORT, runs every minute with a 5 s timeout",
      tcp["params"] == {"port": 22, "name": "tcp-22", "timeout_ms": 5000} and tcp["interval_ms"] == 60000, tcp)
dns = olga.call("check.add", device="sw7", kind="dns", query="example.org", type="mx", expect="mail")
check("a dns check: query, type, port, expect", dns["params"]["name"] == "dns-example.org"
      and dns["params"]["type"] == "MX" and dns["params"]["port"] == 53, dns)
web = olga.call("check.add", device="sw7", kind="http", url="https://127.0.0.1:8443/", expect="204",
                insecure=True, interval="30s", timeout="2s")
check("an http check: url, status, insecure", web["params"]["name"] == "https"
      and web["params"]["expect"] == 204 and web["params"]["insecure"] is True and web["interval_ms"] == 30000, web)
for kind, bad, what in [("tcp", {}, "a tcp check without a port"), ("tcp", dict(port=0), "port 0"),
                        ("dns", {}, "a dns check without a query"), ("dns", dict(query="x", type="BOGUS"), "a bad type"),
                        ("dns", dict(query="x", server="not-an-ip"), "a bad server"),
                        ("http", dict(url="ftp://x/"), "a non-http URL"), ("http", dict(url="http://x/", expect="abc"), "a bad status"),
                        ("http", dict(url="http://x/", timeout="2m"), "a timeout over the interval"),
                        ("ping", dict(port=1), "an unknown kind")]:
    check("check.add refuses %s" % what, error_of(olga, "check.add", device="sw7", kind=kind, **bad) == "invalid")
again = error_of(olga, "check.add", device="sw7", kind="tcp", port=22)
check("a service check's name is unique too", again == "conflict", again)
for name in ("tcp-22", "dns-example.org", "https"):
    olga.call("check.remove", device="sw7", name=name)

# discoveries: validation, and nothing stored when refused
for bad, what in [(dict(targets=["10.0.0.0/8"]), "more than a /16"), (dict(targets=["300.1.1.0/24"]), "a bad network"),
                  (dict(targets=[]), "no network"), (dict(targets=["10.0.0.0/24"], every="5s"), "a short period"),
                  (dict(targets=["10.0.0.0/24"], exclude=["x"]), "a bad exclusion")]:
    check("discovery.add refuses %s" % what, error_of(olga, "discovery.add", site="hq", **bad) == "invalid")
check("discovery.add refuses an unknown credential",
      error_of(olga, "discovery.add", site="hq", targets=["10.0.0.0/24"], cred=["nope"]) == "not_found")
check("a viewer starts no discovery",
      error_of(vic, "discovery.add", site="hq", targets=["10.0.0.0/24"]) == "forbidden")
admin.call("probe.enroll", site="hq", name="p9", endpoint=os.environ["MESH"], expires="1h")
found = olga.call("discovery.add", site="hq", targets=["10.9.0.0/30", "10.9.1.1"], cred=["lab-v2"],
                  exclude=["10.9.0.2/32"], every="1h", no_ping=True)
check("discovery.add counts the addresses", found["addresses"] == 5 and found["ping"] is False
      and found["every_ms"] == 3600000, found)
listed = olga.call("discovery.list")
check("discovery.list has it, running", [d["id"] for d in listed] == [found["id"]] and listed[0]["state"] == "running", listed)
check("discovery.show of an unknown id is not_found", error_of(olga, "discovery.show", id=999) == "not_found")
check("discovery.run asks a run", olga.call("discovery.run", id=found["id"])["id"] == found["id"])
check("a credential in a discovery's ladder may still be listed", olga.call("discovery.show", id=found["id"])["creds"] == ["lab-v2"])
olga.call("discovery.remove", id=found["id"])
check("discovery.remove", olga.call("discovery.list") == [])
check("topology.list of a network without LLDP is empty", olga.call("topology.list", site="hq") == [])
olga.call("check.remove", device="sw7", name="load1")
check("check.remove of an unknown name is not_found",
      error_of(olga, "check.remove", device="sw7", name="load1") == "not_found")
olga.call("device.set", name="sw7", no_snmp=True)
check("no_snmp removes the SNMP checks", [c["kind"] for c in olga.call("check.list", device="sw7")] == ["icmp"])
olga.call("device.remove", name="sw7")
added = admin.call("trap.add", cred="lab-v3", site="hq")
check("trap.add answers the credential and scope", added == {"cred": "lab-v3", "site": "hq"}, added)
admin.call("trap.add", cred="lab-v2")
check("trap.add of the same scope twice is a conflict",
      error_of(admin, "trap.add", cred="lab-v2") == "conflict")
check("trap.add of a site and a probe is invalid",
      error_of(admin, "trap.add", cred="lab-v2", site="hq", probe="p1") == "invalid")
check("trap.add is for full admins", error_of(olga, "trap.add", cred="lab-v2") == "forbidden")
listed = olga.call("trap.list")
check("trap.list: every probe first, then the site; nothing secret",
      [(t["cred"], t["site"]) for t in listed] == [("lab-v2", None), ("lab-v3", "hq")]
      and "s3cret" not in json.dumps(listed), listed)
check("a credential traps use is not removed", error_of(admin, "cred.remove", name="lab-v2") == "conflict")
admin.call("trap.remove", cred="lab-v2")
check("trap.remove of a scope it is not in is not_found",
      error_of(admin, "trap.remove", cred="lab-v3") == "not_found")
admin.call("trap.remove", cred="lab-v3", site="hq")
admin.call("cred.remove", name="lab-v2")
check("cred.remove of an unknown name is not_found", error_of(admin, "cred.remove", name="lab-v2") == "not_found")
admin.call("channel.add", name="ops", kind="webhook", url="http://127.0.0.1:9/hook")
admin.call("channel.add", name="mail", kind="email", to="noc@example.org", smtp="smtp://127.0.0.1:9")
admin.call("channel.list")
admin.call("schedule.add", name="monthly", report="availability", every="month", channel="ops", by="site")
check("schedule.list: the schedule, not run yet", [(x["name"], x["last_us"]) for x in admin.call("schedule.list")] == [("monthly", None)])
check("schedule.add of an exec or unknown channel is refused",
      error_of(admin, "schedule.add", name="x", report="alarms", every="day", channel="nowhere") == "not_found")
check("schedule.run to a channel nobody answers: internal, not sent",
      error_of(admin, "schedule.run", name="monthly") == "internal")
# a webhook that takes it: a receiver of our own, answering 204
import http.server, threading  # noqa: E402
class Taker(http.server.BaseHTTPRequestHandler):
    posted = []
    def do_POST(self):
        Taker.posted.append(json.loads(self.rfile.read(int(self.headers["Content-Length"]))))
        self.send_response(204)
        self.end_headers()
    def log_message(self, *args):
        pass
taker = http.server.HTTPServer(("127.0.0.1", 0), Taker)
threading.Thread(target=taker.serve_forever, daemon=True).start()
admin.call("channel.add", name="taker", kind="webhook", url="http://127.0.0.1:%d/r" % taker.server_address[1])
admin.call("schedule.add", name="weekly", report="alarms", every="week", channel="taker")
ran = admin.call("schedule.run", name="weekly")
check("schedule.run posts last week's alarms report as JSON",
      len(Taker.posted) == 1 and Taker.posted[0]["report"] == "alarms"
      and Taker.posted[0]["from_us"] == ran["from_us"] and ran["to_us"] - ran["from_us"] == 7 * 86400 * 10**6)
taker.shutdown()
admin.call("schedule.remove", name="monthly")
admin.call("schedule.remove", name="weekly")
admin.call("channel.remove", name="taker")
route = admin.call("route.add", channel="ops", severity="major+", site="hq", after="1m",
                   escalate_to="mail", if_unacked="15m", repeat="1h", hours="08:00-18:00", days="mon-fri")
check("route.add keeps the minimum severity", route["severity"] == "major")
check("route hours are checked", error_of(admin, "route.add", channel="ops", hours="8-6") == "invalid")
check("route days are checked", error_of(admin, "route.add", channel="ops", days="someday") == "invalid")
check("route.list shows days normalised", admin.call("route.list")[0]["days"] == "mon,tue,wed,thu,fri")
admin.call("route.remove", id=route["id"])
admin.call("channel.remove", name="mail")
admin.call("notification.list", failed=True)
admin.call("rule.remove", name="never")
check("removing the rule clears its alarms", admin.call("alarm.list", active=True, text="unknown") == [])
admin.call("rule.remove", name="branch-down")
admin.call("device.set", name="acc1", no_parent=True)

# -- API keys on CURVE tcp ---------------------------------------------------
ctx = zmq.Context.instance()
olga_key = olga.call("apikey.add", name="olga-ci")
check("a client key comes with meshd's public key and the endpoints",
      len(olga_key["server_key"]) == 40 and olga_key["endpoint"] == API_TCP
      and olga_key["events"] == EVENTS_TCP, olga_key)
bob_key = admin.call("apikey.add", name="bob-ci", user="bob")
check("a non-admin cannot make keys for others",
      error_of(vic, "apikey.add", name="x", user="olga") == "forbidden")
check("apikey.list: a user sees their own keys, an admin all",
      [k["name"] for k in olga.call("apikey.list")] == ["olga-ci"]
      and {k["name"] for k in admin.call("apikey.list")} == {"olga-ci", "bob-ci"})
tcp = Checked(API_TCP, token="", key=olga_key)
who = tcp.call("whoami")
check("a client key on tcp stands for its user", who["user"] == "olga" and who["origin"] == "tcp:olga-ci", who)
tcp.call("device.add", address="127.0.0.8", name="tcp1", site="hq")
check("an operator's key adds a device over tcp", "tcp1" in [d["name"] for d in admin.call("device.list")])
bob_tcp = Checked(API_TCP, token="", key=bob_key)
check("a scoped user's key is scoped too", [d["name"] for d in bob_tcp.call("device.list")] == ["edge1"])
mixed = Checked(API_TCP, token=admin.token, key=olga_key)
check("another user's session token with a key is forbidden", error_of(mixed, "user.list") == "forbidden")


def answered(key):
    """True if meshd answers a fresh connection with this key."""
    api = Api(API_TCP, token="", key=key)
    try:
        api.call("whoami")
        return True
    except TimeoutError:
        return False
    finally:
        api.close()


stranger = {"server_key": olga_key["server_key"]}
stranger["public_key"], stranger["secret_key"] = (k.decode() for k in zmq.curve_keypair())
check("an unregistered client key gets no answer", not answered(stranger))
olga.call("apikey.remove", name="olga-ci")
check("a removed key is refused at the next connection", not answered(olga_key))
tcp.close()

# -- SSH public keys for the console over SSH ------------------------------------
keydir = tempfile.mkdtemp()
subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "olga@laptop", "-f", keydir + "/k"], check=True)
pub = open(keydir + "/k.pub").read().strip()
added = olga.call("user.key.add", key=pub)
check("user.key.add: one's own key, with its SHA256 fingerprint",
      added["user"] == "olga" and added["fingerprint"].startswith("SHA256:") and added["comment"] == "olga@laptop", added)
check("user.key.add: a key twice is a conflict", error_of(olga, "user.key.add", key=pub) == "conflict")
check("user.key.add: garbage is invalid", error_of(olga, "user.key.add", key="ssh-ed25519 AAAAxx") == "invalid")
check("user.key.add: not for others unless admin", error_of(vic, "user.key.add", key=pub, user="olga") == "forbidden")
check("user.key.list: one's own; an admin sees all",
      [k["fingerprint"] for k in olga.call("user.key.list")] == [added["fingerprint"]]
      and vic.call("user.key.list") == [] and len(admin.call("user.key.list", user="olga")) == 1)
admin.call("user.key.remove", user="olga", fingerprint=added["fingerprint"])
check("user.key.remove: gone", olga.call("user.key.list") == []
      and error_of(olga, "user.key.remove", fingerprint=added["fingerprint"]) == "not_found")
shutil.rmtree(keydir)

# -- events --------------------------------------------------------------------
admin_key = admin.call("apikey.add", name="admin-events")


def subscriber(key, topics=("",)):
    sub = ctx.socket(zmq.SUB)
    sub.setsockopt(zmq.LINGER, 0)
    curve(sub, key)
    for topic in topics:
        sub.setsockopt_string(zmq.SUBSCRIBE, topic)
    sub.connect(EVENTS_TCP)
    return sub


def receive(sub, timeout=5000):
    if not sub.poll(timeout):
        return None
    topic, body = sub.recv_multipart()
    event = json.loads(body)
    problems = list(validator("event.json").iter_errors(event))
    if problems:
        check("event fits event.json", False, problems[0].message)
    return topic.decode(), event


warm = [0]


def ready(sub, topic_check):
    """Makes events until the subscription is live; returns the last one seen."""
    for attempt in range(100):
        warm[0] += 1
        admin.call("device.add", address="127.0.1.%d" % warm[0], name="warm%d" % warm[0], site="hq")
        got = receive(sub, 100)
        while got and not topic_check(got):
            got = receive(sub, 100)
        if got:
            return got
    return None


sub = subscriber(admin_key, ("device.",))
first = ready(sub, lambda got: got[0] == "device.added")
check("the events socket publishes device.added with a sequence number",
      first is not None and isinstance(first[1]["seq"], int) and first[1]["data"]["site"] == "hq", first)
bob_sub = subscriber(bob_key)
admin.call("device.add", address="127.0.2.1", name="after1", site="branch")
got = receive(sub)
check("events come in order, one apart", got and got[1]["seq"] == first[1]["seq"] + 1
      and got[1]["data"]["device"] == "after1", got)
check("a scoped user's key is refused on the events socket", receive(bob_sub, 1000) is None)
bob_sub.close()
last_seen = got[1]["seq"]
sub.close()                     # the subscriber goes away: events made now are missed
for i in range(5):
    admin.call("device.add", address="127.0.3.%d" % (i + 1), name="missed%d" % i, site="hq")
sub = subscriber(admin_key, ("device.",))
back = ready(sub, lambda got: got[1]["seq"] > last_seen + 5)
check("after reconnecting, the sequence shows the gap", back is not None and back[1]["seq"] > last_seen + 1)
filled = admin.call("event.since", seq=last_seen, topic="device.")
missed = [e for e in filled["events"] if e["seq"] < back[1]["seq"]]
check("event.since returns what was missed, in order",
      [e["data"]["device"] for e in missed][:5] == ["missed%d" % i for i in range(5)]
      and [e["seq"] for e in missed] == sorted(e["seq"] for e in missed), missed[:6])
check("event.since reports the last sequence number", filled["last_seq"] >= back[1]["seq"])
sub.close()
admin.call("event.list", since="-1h", topic="site.", limit=10)

# -- audit and counters ----------------------------------------------------------
audit = admin.call("audit.list", since="-1h", limit=10000)
ops_seen = [(a["user"], a["op"]) for a in audit]
check("the audit log has who did what", ("olga", "device.add") in ops_seen
      and ("admin", "user.add") in ops_seen and ("vic", "user.set") in ops_seen)
check("the audit log says where from", any(a["origin"] == "tcp:olga-ci" and a["op"] == "device.add"
                                           for a in audit))
check("the audit log records refused logins",
      any(a["op"] == "login" and a["detail"].get("result") == "refused" and a["user"] == "vic"
          for a in audit))
check("the audit log holds no password",
      not any("viewer-pw" in json.dumps(a) or "operator-pw" in json.dumps(a) for a in audit))
check("the audit log holds no credential secret, but the credential's change",
      not any("s3cret" in json.dumps(a) for a in audit) and ("admin", "cred.add") in ops_seen)
check("audit.list filters by user", {a["user"] for a in admin.call("audit.list", user="olga")} == {"olga"})
status = admin.call("server.status")
check("refused requests are counted by code",
      status["api"]["errors"]["forbidden"] - status0["api"]["errors"]["forbidden"] >= 8
      and status["api"]["errors"]["not_found"] - status0["api"]["errors"]["not_found"] >= 4
      and status["api"]["errors"]["unsupported_version"] == status0["api"]["errors"]["unsupported_version"] + 1,
      status["api"])

# -- configuration backups ---------------------------------------------------
# Versions are made here as a probe's report would make them: zlib text
# sealed with the master key (libsodium through ctypes); the fetching itself
# is configbackup.sh's.
from api import sealed_version  # noqa: E402
master = open(os.path.join(os.path.dirname(db), "master.key"), "rb").read()


admin.call("cred.add", kind="ssh", name="lab-ssh", user="backup", password="device-pw", enable="en-pw")
admin.call("cred.add", kind="snmp", name="snmp-only", community="c0mmunity")
check("an ssh credential without a password or key is invalid",
      error_of(admin, "cred.add", kind="ssh", name="x", user="backup") == "invalid")
check("an snmp argument on an ssh credential is invalid",
      error_of(admin, "cred.add", kind="ssh", name="x", user="u", password="p", community="c") == "invalid")
check("cred.list shows the ssh credential without its secrets",
      [c["summary"] for c in admin.call("cred.list") if c["name"] == "lab-ssh"] == ["user backup, password, enable secret"])
check("device.set backup with an snmp credential: not_found",
      error_of(admin, "device.set", name="core1", backup="snmp-only") == "not_found")
check("device.set backup_every below a minute: invalid",
      error_of(admin, "device.set", name="core1", backup="lab-ssh", backup_every="10s") == "invalid")
admin.call("device.set", name="core1", backup="lab-ssh", model="ios", backup_every="12h", backup_port=2022)
admin.call("backup.models")
status = admin.call("backup.status", device="core1")
check("backup.status: pending, the model set, nothing yet",
      [(r["state"], r["model"], r["every_ms"], r["versions"]) for r in status] == [("pending", "ios", 43200000, 0)], status)
check("backup.show before any version: not_found", error_of(admin, "backup.show", device="core1") == "not_found")
one, two = "hostname core1\ninterface a\n", "hostname core1\ninterface a\n description up\n"
for version, text in ((1, one), (2, two)):
    subprocess.check_call(["sqlite3", "-cmd", ".timeout 5000", db,
        "INSERT INTO backup_version (device_id, version, ts_us, size, lines, added, removed, trigger, who, hash, sealed) "
        "SELECT id, %d, %d, %d, 2, 1, 0, 'run', 'olga', 'x', x'%s' FROM device WHERE name = 'core1'"
        % (version, int(time.time() * 1e6), len(text), sealed_version(master, text).hex())])
check("backup.list: newest first", [v["version"] for v in admin.call("backup.list", device="core1")] == [2, 1])
check("backup.show: the latest, opened", admin.call("backup.show", device="core1")["text"] == two)
check("backup.show VERSION", admin.call("backup.show", device="core1", version=1)["text"] == one)
diff = admin.call("backup.diff", device="core1", context=0)
check("backup.diff: the latest two, libgit2's unified diff",
      (diff["from"], diff["to"], diff["added"], diff["removed"]) == (1, 2, 1, 0) and "+ description up\n" in diff["diff"], diff)
check("a viewer lists versions but reads no configuration",
      len(vic.call("backup.list", device="core1")) == 2 and error_of(vic, "backup.show", device="core1") == "forbidden")
check("a scoped operator does not see another site's device",
      error_of(bob, "backup.list", device="core1") == "not_found")
found = admin.call("backup.grep", pattern="^ description", site="hq")
check("backup.grep: the matching lines of the latest versions",
      [(x["device"], x["version"], x["line"], x["text"]) for x in found["lines"]] == [("core1", 2, 3, " description up")]
      and found["matched"] == 1, found)
check("backup.grep: a bad pattern is invalid", error_of(admin, "backup.grep", pattern="(") == "invalid")
e1 = error_of(admin, "cred.test", name="lab-ssh", device="core1")
check("cred.test of a device without a probe: conflict", e1 == "conflict", e1)
e2 = error_of(admin, "cred.test", name="snmp-only", device="core1")
check("cred.test of an snmp credential: invalid", e2 == "invalid", e2)
admin.call("backup.run", device="core1")
check("backup.accept with no new host key: conflict", error_of(admin, "backup.accept", device="core1") == "conflict")
subprocess.check_call(["sqlite3", "-cmd", ".timeout 5000", db, "UPDATE backup_target SET hostkey = 'SHA256:old', "
                       "hostkey_seen = 'SHA256:new' WHERE device_id = (SELECT id FROM device WHERE name = 'core1')"])
accepted = admin.call("backup.accept", device="core1")
check("backup.accept pins the key seen", accepted["hostkey"] == "SHA256:new" and accepted["previous"] == "SHA256:old")
subprocess.check_call(["sqlite3", "-cmd", ".timeout 5000", db, "UPDATE backup_target SET jump_hostkey = 'SHA256:j1', "
                       "jump_hostkey_seen = 'SHA256:j2' WHERE device_id = (SELECT id FROM device WHERE name = 'core1')"])
accepted = admin.call("backup.accept", device="core1")
check("backup.accept pins the jump host's key seen",
      accepted == {"device": "core1", "jump_hostkey": "SHA256:j2", "jump_previous": "SHA256:j1"}, accepted)
# a site's interval: the devices without one of their own follow it
every = lambda: admin.call("backup.status", device="core1")[0]["every_ms"]
before = every()
scheduled = admin.call("backup.schedule", site="hq", every="6h")
check("backup.schedule: a site's interval, for its devices without their own",
      scheduled == {"site": "hq", "every_ms": 6 * 3600000, "devices": 0} and every() == before, scheduled)
check("backup.schedule: every or none", error_of(admin, "backup.schedule", site="hq") == "invalid")
check("backup.schedule: at least a minute", error_of(admin, "backup.schedule", site="hq", every="10s") == "invalid")
check("backup.schedule: a scoped operator only at their sites",
      error_of(bob, "backup.schedule", site="hq", every="1h") in ("forbidden", "not_found"))
admin.call("device.set", name="core1", no_backup=True)
admin.call("device.set", name="core1", backup="lab-ssh")
check("a device set up without an interval follows its site's", every() == 6 * 3600000, every())
check("backup.schedule none: back to the default",
      admin.call("backup.schedule", site="hq", none=True)["every_ms"] is None and every() == 86400000)
admin.call("device.set", name="core1", no_backup=True)
admin.call("cred.remove", name="snmp-only")

# -- PPP accounting: NASes, IP history (sessions as ingest stores them) -----
check("nas.add: a short secret is invalid",
      error_of(admin, "nas.add", name="bras9", address="192.0.2.9", site="hq", secret="short") == "invalid")
check("nas.add: an address is an address",
      error_of(admin, "nas.add", name="bras9", address="bras9.example", site="hq", secret="s3cret-s3cret") == "invalid")
check("nas.add: admins only", error_of(olga, "nas.add", name="bras9", address="192.0.2.9", site="hq",
                                        secret="s3cret-s3cret") == "forbidden")
added = admin.call("nas.add", name="bras9", address="192.0.2.9", site="hq", secret="s3cret-s3cret")
check("nas.add", added["name"] == "bras9" and added["probe"] is None, added)
check("nas.add writes an address as the probe does",
      admin.call("nas.add", name="bras8", address="2001:DB8::0:9", site="hq", secret="s3cret-s3cret")["address"]
      == "2001:db8::9")
admin.call("nas.remove", name="bras8")
check("nas.list, without the secret", [n["name"] for n in vic.call("nas.list")] == ["bras9"]
      and "s3cret" not in json.dumps(vic.call("nas.list")))
subprocess.check_call(["sqlite3", "-cmd", ".timeout 5000", db,
    "INSERT INTO ppp_session (id, nas_id, session_id, user, calling_station, start_us, start_exact, last_us, stop_us, "
    "  state, closed_by) SELECT 900, id, 'S9', 'bob9', '00:11:22:33:44:55', 1000000, 1, 5000000, 5000000, 'stopped', "
    "  'stop' FROM nas WHERE name = 'bras9';"
    "INSERT INTO ppp_address VALUES (900, 'framed_ip', X'00000000000000000000ffff64400307', 128, '100.64.3.7');"
    "INSERT OR IGNORE INTO ppp_length VALUES (128);"
    "INSERT INTO ppp_usage VALUES (900, 0, 10, 20);"])
check("ppp.usage: a subscriber's octets per month",
      admin.call("ppp.usage", user="bob9", **{"from": 0})
      == [{"user": "bob9", "month": "1970-01", "input_octets": 10, "output_octets": 20, "sessions": 1}])
check("ppp.usage: a month is YYYY-MM", error_of(admin, "ppp.usage", user="bob9", month="1970-1x") == "invalid")
check("ppp.usage: not for viewers", error_of(vic, "ppp.usage", user="bob9") == "forbidden")
found = admin.call("ip.history", address="100.64.3.7", at=3000000)
check("ip.history: who had the address then, and how sure",
      [(s["user"], s["sure"], s["address"]) for s in found["sessions"]] == [("bob9", "exact", "100.64.3.7")], found)
check("ip.history: not before it", admin.call("ip.history", address="100.64.3.0/24", to=500000)["sessions"] == [])
check("ip.history: a bad address is invalid", error_of(admin, "ip.history", address="100.64.3.300") == "invalid")
check("ip.history: at, or from and to", error_of(admin, "ip.history", address="100.64.3.7", at=1, to=2) == "invalid")
check("ip.history: not for viewers", error_of(vic, "ip.history", address="100.64.3.7") == "forbidden")
check("ip.history: a scoped operator sees only their sites' NASes",
      bob.call("ip.history", address="100.64.3.7")["sessions"] == [])
listed = admin.call("ppp.sessions", user="bob9")
check("ppp.sessions: a subscriber's, with their addresses", [s["addresses"] for s in listed] == [["100.64.3.7"]], listed)
check("ppp.sessions: a user or a NAS", error_of(admin, "ppp.sessions") == "invalid")
check("ppp.sessions: by MAC", [s["user"] for s in admin.call("ppp.sessions", mac="00:11:22:33:44:55")] == ["bob9"])
check("ppp.sessions: active only", admin.call("ppp.sessions", nas="bras9", active=True) == [])
audited = [a["op"] for a in admin.call("audit.list", limit=1000)]
check("IP history lookups are audited", audited.count("ip.history") >= 3 and "ppp.sessions" in audited)
check("nas.remove: not while it has IP history", error_of(admin, "nas.remove", name="bras9") == "conflict")
subprocess.check_call(["sqlite3", "-cmd", ".timeout 5000", db, "DELETE FROM ppp_usage; DELETE FROM ppp_address; DELETE FROM ppp_session;"])
check("nas.remove", admin.call("nas.remove", name="bras9") == {"name": "bras9"})

# -- logout, and every op covered -------------------------------------------
vic.call("logout")
check("after logout the token is refused", error_of(vic, "whoami") == "unauthorized")
# validated where a probe and a device answer: configbackup.sh
covered_elsewhere = {"cred.test"}
missing = sorted(set(ops) - covered - covered_elsewhere)
check("every operation's real request and reply were validated (%d ops)" % len(ops), not missing, missing)
print("api_test.py: %d passed, %d failed" % (passed, failed))
sys.exit(1 if failed else 0)
