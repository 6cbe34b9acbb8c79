"""tests/bench/syslog_flood.py PORT SECONDS FLOOD_RATE LEGIT_RATE [mixed]: sends
RFC 3164 syslog over UDP to 127.0.0.1:PORT for SECONDS, FLOOD_RATE messages a
second from 127.0.0.2 and LEGIT_RATE from 127.0.0.3, paced every millisecond.
With mixed (T14), the flood's messages are of random lengths up to 2 KB and
one in ten is malformed (not syslog at all, a priority past 191, empty).
Prints "flood_sent legit_sent": datagrams the kernel took (sendto succeeded)."""
import os, random, socket, sys, time

port, seconds, flood_rate, legit_rate = int(sys.argv[1]), float(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
mixed = len(sys.argv) > 5 and sys.argv[5] == "mixed"
random.seed(14)
broken = [b"", b"\x00\xff garbage", b"<999>Nov 21 10:00:00 sw1 flood: a priority past 191", b"<13"]
def flood_message(n):
    if not mixed:
        return b"<134>Nov 21 10:00:00 sw1 flood: message %d of a steady stream from flood" % n
    if n % 10 == 9:
        return broken[n // 10 % len(broken)]
    head = b"<134>Nov 21 10:00:00 sw1 flood: message %d " % n
    return head + b"x" * random.randint(0, 2048 - len(head))
flood = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); flood.bind(("127.0.0.2", 0))
legit = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); legit.bind(("127.0.0.3", 0))
to = ("127.0.0.1", port)
sent = [0, 0]
start = time.monotonic()
while True:
    elapsed = time.monotonic() - start
    if elapsed >= seconds:
        break
    for i, (sock, rate, tag) in enumerate(((flood, flood_rate, b"flood"), (legit, legit_rate, b"legit"))):
        due = int(elapsed * rate)
        while sent[i] < due:
            try:
                sock.sendto(flood_message(sent[i]) if i == 0 else
                            b"<134>Nov 21 10:00:00 sw1 legit: message %d of a steady stream from legit" % sent[i], to)
                sent[i] += 1
            except BlockingIOError:
                break
    time.sleep(0.0005)
print(sent[0], sent[1])
