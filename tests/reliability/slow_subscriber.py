"""tests/reliability/slow_subscriber.py ENDPOINT SECONDS MESHD_PID: T20 (c). Two
subscribers to meshd's events (ENDPOINT, its PUB socket): one reads as events
come, the other subscribes and then reads nothing for SECONDS. Meanwhile a
client adds a site five times a second and measures the API's round trip
and the site.added event's delivery to the reading subscriber (receipt time
minus the event's ts_us, which meshd sets), and meshd's RSS is sampled every
second. Then the slow one reads what reached it, and fills the gaps in its
seq with event.since (API), as a subscriber that fell behind does. Prints,
space-separated:

  fast_received p99_ms slow_received slow_missed refetched rss_max_kb

(p99_ms: of the round trips and deliveries together;
 slow_missed: recorded events the slow subscriber never got, that is, meshd
let go at its queue's limit instead of holding them; refetched: how many
of those event.since gave back)."""
import json, os, sys, time
import zmq
sys.path.insert(0, os.path.join(os.environ["SRC"], "tests/integration"))
from api import Api

endpoint, seconds, pid = sys.argv[1], float(sys.argv[2]), int(sys.argv[3])
ctx = zmq.Context.instance()

def subscriber():
    sub = ctx.socket(zmq.SUB)
    sub.setsockopt(zmq.LINGER, 0)
    sub.setsockopt_string(zmq.SUBSCRIBE, "")
    sub.connect(endpoint)
    return sub

def rss_kb():
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmRSS"):
                return int(line.split()[1])
    return 0

fast, slow = subscriber(), subscriber()
latencies, fast_count, rss_max, newest, api = [], 0, rss_kb(), 0, Api()
end = time.monotonic() + seconds
next_rss = next_site = time.monotonic() + 1
sites = 0
while time.monotonic() < end:
    if time.monotonic() >= next_site:
        sites, next_site = sites + 1, next_site + 0.2
        asked = time.monotonic()
        api.call("site.add", name="t20c-%d" % sites)
        latencies.append((time.monotonic() - asked) * 1e6)
    if fast.poll(100):
        while True:
            try:
                topic, body = fast.recv_multipart(zmq.NOBLOCK)
            except zmq.Again:
                break
            fast_count += 1
            event = json.loads(body)
            if event.get("seq") is not None:
                newest = event["seq"]
                if event["topic"] == "site.added":
                    latencies.append(time.time() * 1e6 - event["ts_us"])
    if time.monotonic() >= next_rss:
        rss_max, next_rss = max(rss_max, rss_kb()), next_rss + 1

# the slow one reads what reached it
seqs = []
while slow.poll(1000):
    topic, body = slow.recv_multipart()
    event = json.loads(body)
    if event.get("seq") is not None:
        seqs.append(event["seq"])
# the events up to the newest the other one saw: any after the slow one's
# last are missed too (it would see the jump at its next event)
seqs.append(newest + 1)
missed, refetched = 0, 0
for before, after in zip(seqs, seqs[1:]):
    if after > before + 1:
        missed += after - before - 1
        cursor = before
        while cursor < after - 1:
            got = [e["seq"] for e in api.call("event.since", seq=cursor, limit=1000)["events"]]
            refetched += sum(1 for seq in got if seq < after)
            if not got:
                break
            cursor = got[-1]
latencies.sort()
p99 = latencies[int(0.99 * (len(latencies) - 1))] / 1000 if latencies else -1
print(fast_count, "%.1f" % p99, len(seqs) - 1, missed, refetched, rss_max)
