"""RADIUS accounting as a NAS sends it, and as an attacker would (T16).

    radius_abuse.py PORT SECRET bad-auth N      N requests signed with another secret
    radius_abuse.py PORT SECRET unknown N       N from 127.0.0.2, an address no NAS has
    radius_abuse.py PORT SECRET retransmit LATE one request five times, and once more LATE s later
    radius_abuse.py PORT SECRET malformed       broken attributes and datagrams over 4096
                                                bytes, then a sound request of 4096 bytes
    radius_abuse.py PORT SECRET start SESSION   one Start, until answered (3 s)

Prints what came back: "responses N" (sound Accounting-Responses), for
malformed also "malformed_sent N". Exit 1 if a start is not answered."""
import hashlib, os, socket, struct, sys, time

port, secret, what = int(sys.argv[1]), sys.argv[2].encode(), sys.argv[3]


def attr(kind, value):
    return bytes([kind, len(value) + 2]) + value


def request(ident, attrs, key=secret):
    body = b"".join(attrs)
    header = struct.pack("!BBH", 4, ident, 20 + len(body))
    return header + hashlib.md5(header + b"\0" * 16 + body + key).digest() + body


def start(session, *extra):
    return [attr(40, struct.pack("!I", 1)), attr(1, b"abuse"), attr(44, session.encode()),
            attr(4, socket.inet_aton("127.0.0.1"))] + list(extra)


def sound(response, sent):
    return (len(response) >= 20 and response[0] == 5 and response[1] == sent[1]
            and response[4:20] == hashlib.md5(response[:4] + sent[4:20] + response[20:] + secret).digest())


def exchange(sock, packets, wait):
    """Sends the packets, then counts the sound responses until wait s pass quietly."""
    by_id = {}
    for packet in packets:
        by_id[packet[1]] = packet
        sock.sendto(packet, ("127.0.0.1", port))
    answered = 0
    sock.settimeout(wait)
    try:
        while True:
            response, _ = sock.recvfrom(4096)
            sent = by_id.get(response[1])
            answered += 1 if sent and sound(response, sent) else 0
    except socket.timeout:
        pass
    return answered


sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
if what == "unknown":
    sock.bind(("127.0.0.2", 0))
if what in ("bad-auth", "unknown"):
    n, total = int(sys.argv[4]), 0
    for chunk in range(0, n, 200):
        key = b"not-the-secret" if what == "bad-auth" else secret
        packets = [request(i % 256, start("%s-%d" % (what, chunk + i)), key) for i in range(min(200, n - chunk))]
        total += exchange(sock, packets, 0.2)
    print("responses", total)
elif what == "retransmit":
    packet = request(7, start("retransmitted"))
    answered = sum(exchange(sock, [packet], 1.0) for _ in range(5))
    time.sleep(float(sys.argv[4]))  # the NAS's late retry: not a synchronisation
    answered += exchange(sock, [packet], 1.0)
    print("responses", answered)
elif what == "malformed":
    good = request(9, start("big"))
    broken = [
        good[:20] + attr(1, b"x")[:1] + b"\0" + good[22:],          # an attribute of length 0
        request(10, start("len1"))[:-1] + b"",                      # the length field lies
        good[:2] + struct.pack("!H", len(good) + 1) + good[4:] + b"\x01\x01",   # an attribute of length 1
        good + b"\x01\xffab",                                        # an attribute past the end
        good + b"\0" * (4097 - len(good)),                          # a datagram over 4096 bytes
        b"\x04\x0b" + struct.pack("!H", 60000) + os.urandom(60000 - 4),
    ]
    # lengths in the header that match, attributes that do not
    broken[2] = broken[2][:2] + struct.pack("!H", len(broken[2])) + broken[2][4:]
    broken[3] = broken[3][:2] + struct.pack("!H", len(broken[3])) + broken[3][4:]
    answered = exchange(sock, broken, 0.5)
    # a sound request of exactly 4096 bytes: Class attributes fill it
    attrs = start("full-size")
    size = 20 + sum(len(a) for a in attrs)
    while size < 4096:
        value = b"c" * min(253, 4096 - size - 2)
        if 4096 - size - 2 - len(value) in (1, 2):      # never leave room too small for an attribute
            value = value[:-3]
        attrs.append(attr(25, value))
        size += len(value) + 2
    big = request(11, attrs)
    assert len(big) == 4096, len(big)
    print("malformed_sent", len(broken))
    print("responses", answered, exchange(sock, [big], 1.0))
elif what == "start":
    packet = request(int(time.time() * 1000) % 256, start(sys.argv[4], attr(8, socket.inet_aton(sys.argv[5]))))
    deadline = time.time() + 3
    while time.time() < deadline:
        if exchange(sock, [packet], 0.2):
            sys.exit(0)
    sys.exit(1)
