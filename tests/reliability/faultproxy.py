"""tests/reliability/faultproxy.py PORT TARGET SECONDS FLAPS SEED: T05's lossy,
flapping link between a probe and meshd, in user space (this kernel has no
netem): a TCP proxy on 127.0.0.1:PORT to TARGET (HOST:PORT). For SECONDS,
seeded by SEED:

- every segment (up to 1,460 bytes) is held 200 +- 100 ms;
- 30% of them are lost: they come after a retransmission timeout (0.2 to
  1 s more), and, TCP being a stream, so does everything behind them;
- 10% come out of order: they wait for the one before (20 to 100 ms more);
- FLAPS times the link goes down for 5 to 25 s, in turns: "reset" (every
  connection reset, a new one reset at once, as a router with no route
  answers) and "blackhole" (nothing passes either way, FINs included, and
  new connections wait; after the flap what was held goes on, as TCP's
  retransmissions would, to whoever is still there).

After SECONDS the link is clean until the proxy is killed. Prints, flushed,
"flap KIND BEGIN END" for each flap first, then "attempt T" for each
connection accepted (seconds from the start)."""
import asyncio, random, socket, struct, sys, time

port, target, seconds, flaps, seed = int(sys.argv[1]), sys.argv[2], float(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
host, target_port = target.rsplit(":", 1)
rng = random.Random(seed)
start = time.monotonic()

# one flap in each of FLAPS equal slots of the middle nine tenths
windows = []
slot = seconds * 0.9 / max(flaps, 1)
for i in range(flaps):
    length = rng.uniform(5, max(5, min(25, slot - 2)))
    begin = seconds * 0.05 + i * slot + rng.uniform(0, max(0, slot - length))
    windows.append((begin, begin + length, "reset" if i % 2 == 0 else "blackhole"))
for begin, end, kind in windows:
    print("flap %s %.3f %.3f" % (kind, begin, end), flush=True)


def now():
    return time.monotonic() - start


def link():
    t = now()
    for begin, end, kind in windows:
        if begin <= t < end:
            return kind
    return "up"


def reset(writer):
    sock = writer.get_extra_info("socket")
    if sock is not None:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    writer.transport.abort()


connections = set()


async def pump(reader, writer):
    """One direction: segments delayed, lost and reordered, in order"""
    queue = asyncio.Queue(maxsize=256)
    loop = asyncio.get_running_loop()

    async def feed():
        last = 0.0
        while True:
            try:
                data = await reader.read(1460)
            except OSError:
                data = b""
            faulty = now() < seconds
            delay = rng.uniform(0.1, 0.3) if faulty else 0.0
            if faulty and rng.random() < 0.3:
                delay += rng.uniform(0.2, 1.0)
            elif faulty and rng.random() < 0.1:
                delay += rng.uniform(0.02, 0.1)
            last = max(last, loop.time() + delay)
            await queue.put((last, data))
            if not data:
                return

    async def deliver():
        while True:
            at, data = await queue.get()
            await asyncio.sleep(max(0.0, at - loop.time()))
            while link() == "blackhole":
                await asyncio.sleep(0.1)
            if not data:
                writer.close()
                return
            try:
                writer.write(data)
                await writer.drain()
            except OSError:
                return

    await asyncio.gather(feed(), deliver())


async def handle(reader, writer):
    print("attempt %.3f" % now(), flush=True)
    while link() == "blackhole":
        await asyncio.sleep(0.1)
    if link() == "reset":
        reset(writer)
        return
    try:
        up_reader, up_writer = await asyncio.open_connection(host, int(target_port))
    except OSError:
        reset(writer)
        return
    pair = (writer, up_writer)
    connections.add(pair)
    try:
        await asyncio.gather(pump(reader, up_writer), pump(up_reader, writer), return_exceptions=True)
    finally:
        connections.discard(pair)


async def flapper():
    for begin, end, kind in windows:
        await asyncio.sleep(max(0.0, begin - now()))
        if kind == "reset":
            for pair in list(connections):
                for w in pair:
                    reset(w)


async def main():
    server = await asyncio.start_server(handle, "127.0.0.1", port)
    async with server:
        await asyncio.gather(server.serve_forever(), flapper())

asyncio.run(main())
