"""tests/bench/syslog_flood.py PORT SECONDS FLOOD_RATE LEGIT_RATE: sends RFC 3164
syslog over UDP to 127.0.0.1:PORT for SECONDS, FLOOD_RATE messages a second
from 127.0.0.2 and LEGIT_RATE from 127.0.0.3, paced every millisecond.
Prints "flood_sent legit_sent": datagrams the kernel took (sendto succeeded)."""
import socket, sys, time

port, seconds, flood_rate, legit_rate = int(sys.argv[1]), float(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
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
                sock.sendto(b"<134>Nov 21 10:00:00 sw1 %s: message %d of a steady stream from %s" % (tag, sent[i], tag), to)
                sent[i] += 1
            except BlockingIOError:
                break
    time.sleep(0.0005)
print(sent[0], sent[1])
