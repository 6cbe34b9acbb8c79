"""idle_conns.py PORT SECONDS ADDRESS...: holds 10 idle TCP connections from
each source ADDRESS to 127.0.0.1:PORT for SECONDS, opening a new one as
soon as the server closes one (as a MaxStartups attack does)."""
import select, socket, sys, time

port, seconds, sources = int(sys.argv[1]), float(sys.argv[2]), sys.argv[3:]
conns = {}
def open_one(source):
    s = socket.socket()
    s.bind((source, 0))
    s.settimeout(2)
    try:
        s.connect(("127.0.0.1", port))
        s.setblocking(False)
        conns[s] = source
    except OSError:
        s.close()
end = time.monotonic() + seconds
while time.monotonic() < end:
    for source in sources:
        while sum(1 for v in conns.values() if v == source) < 10 and time.monotonic() < end:
            before = len(conns)
            open_one(source)
            if len(conns) == before:
                break
    readable, _, _ = select.select(list(conns), [], [], 0.2)
    for s in readable:
        try:
            data = s.recv(4096)
        except OSError:
            data = b""
        if not data:            # closed by the server: replaced next round
            del conns[s]
            s.close()
for s in conns:
    s.close()
