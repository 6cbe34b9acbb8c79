"""tests/reliability/trap_storm.py PORT SECONDS RATE SOURCES ENGINE USER PASS: T15's
storm. Sends SNMP traps over UDP to 127.0.0.1:PORT for SECONDS, RATE a second in
all, from SOURCES addresses (127.0.1.1, 127.0.1.2...: a storm comes from many
devices at once, each under the probe's own per-source limit), paced every
millisecond. One in ten is malformed, one in ten is v3 with a wrong key, one in
ten carries an unknown community; the rest are good v1, v2c and v3 (authNoPriv,
SHA, keys of USER's PASS localized to ENGINE, RFC 3414 A.2.2). Packets are BER
made here, so that the malformed ones are exactly what they should be:

  a length beyond the datagram, a truncated one, a sequence whose length
  overruns its parent, an OID of 129 sub-identifiers (net-snmp's MAX_OID_LEN
  is 128; CVE-2025-68615 was snmptrapd's trap OID overflow), a v2c trap whose
  snmpTrapOID.0 is a string, and one without snmpTrapOID.0 at all.

Every trap's snmpTrapOID says what it is: .1 good, .2 unknown community, .3
wrong key, .4 malformed (only the last two kinds have one to say it). Prints
"good bad_community wrong_key malformed": datagrams the kernel took."""
import hashlib, hmac, socket, struct, sys, time

port, seconds, rate, sources = int(sys.argv[1]), float(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
engine, user, password = bytes.fromhex(sys.argv[5].removeprefix("0x")), sys.argv[6].encode(), sys.argv[7].encode()
BASE = (1, 3, 6, 1, 4, 1, 99999, 15)

def length(n):
    if n < 0x80:
        return bytes([n])
    body = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return bytes([0x80 | len(body)]) + body

def tlv(tag, body):
    return bytes([tag]) + length(len(body)) + body

def integer(n, tag=0x02):
    return tlv(tag, n.to_bytes(max(1, (n.bit_length() + 8) // 8), "big", signed=True))

def octets(b):
    return tlv(0x04, b)

def sub(n):
    out = [n & 0x7F]
    n >>= 7
    while n:
        out.append(0x80 | (n & 0x7F))
        n >>= 7
    return bytes(reversed(out))

def oid(ids):
    return tlv(0x06, bytes([40 * ids[0] + ids[1]]) + b"".join(sub(i) for i in ids[2:]))

def seq(*parts):
    return tlv(0x30, b"".join(parts))

SYSUPTIME, TRAPOID = (1, 3, 6, 1, 2, 1, 1, 3, 0), (1, 3, 6, 1, 6, 3, 1, 1, 4, 1, 0)

def v2_pdu(n, kind, trapoid=None):
    value = oid(BASE + (kind,)) if trapoid is None else trapoid
    binds = [seq(oid(SYSUPTIME), integer(n, 0x43))]
    if value != b"":
        binds.append(seq(oid(TRAPOID), value))
    binds.append(seq(oid(BASE + (9, 0)), octets(b"storm trap %d" % n)))
    return tlv(0xA7, integer(n) + integer(0) + integer(0) + seq(*binds))

def v1(n, community, kind):
    pdu = tlv(0xA4, oid(BASE) + tlv(0x40, bytes([10, 0, 0, 1])) + integer(6) + integer(kind)
              + integer(n, 0x43) + seq(seq(oid(BASE + (9, 0)), octets(b"storm trap %d" % n))))
    return seq(integer(0), octets(community), pdu)

def v2c(n, community, kind, trapoid=None):
    return seq(integer(1), octets(community), v2_pdu(n, kind, trapoid))

def localized(password):
    ku = hashlib.sha1((password * (1048576 // len(password) + 1))[:1048576]).digest()
    return hashlib.sha1(ku + engine + ku).digest()

RIGHT, WRONG = localized(password), localized(password + b"-wrong")

def v3(n, kind, key, boots_time):
    zeros = b"\x00" * 12
    params = seq(octets(engine), integer(boots_time[0]), integer(boots_time[1]), octets(user),
                 octets(zeros), octets(b""))
    scoped = seq(octets(engine), octets(b""), v2_pdu(n, kind))
    head = integer(3) + seq(integer(n), integer(65507), octets(b"\x01"), integer(3))
    whole = seq(head, octets(params), scoped)
    at = whole.index(b"\x04\x0c" + zeros) + 2
    digest = hmac.new(key, whole, hashlib.sha1).digest()[:12]
    return whole[:at] + digest + whole[at + 12:]

def malformed(n):
    which = n % 6
    inner = integer(1) + octets(b"public") + v2_pdu(n, 4)
    if which == 0:      # the message's length beyond the datagram
        return b"\x30" + length(len(inner) + 40) + inner
    if which == 1:      # cut short
        return tlv(0x30, inner)[: len(inner) // 2]
    if which == 2:      # the PDU's sequence of varbinds claims more than its parent holds
        return seq(integer(1), octets(b"public"), tlv(0xA7, integer(n) + integer(0) + integer(0)
                   + b"\x30\x7f" + seq(oid(SYSUPTIME), integer(n, 0x43))))
    if which == 3:      # an OID of 129 sub-identifiers
        return v2c(n, b"public", 4, oid(BASE + (4,) + (7,) * (129 - len(BASE) - 1)))
    if which == 4:      # snmpTrapOID.0 that is not an OID
        return v2c(n, b"public", 4, octets(b"1.3.6.1.4.1.99999.15.4"))
    return v2c(n, b"public", 4, b"")    # no snmpTrapOID.0

def packet(n, boots_time):
    slot = n % 10
    if slot == 0:
        return "malformed", malformed(n // 10)
    if slot == 1:
        return "wrong_key", v3(n, 3, WRONG, boots_time)
    if slot == 2:
        return "bad_community", (v1 if n % 20 == 2 else v2c)(n, b"nosuchcommunity", 2)
    if slot in (3, 4, 5):
        return "good", v1(n, b"public", 1)
    if slot in (6, 7):
        return "good", v2c(n, b"public", 1)
    return "good", v3(n, 1, RIGHT, boots_time)

socks = []
for i in range(sources):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("127.0.1.%d" % (i + 1), 0))
    socks.append(s)
to = ("127.0.0.1", port)
counts = {"good": 0, "bad_community": 0, "wrong_key": 0, "malformed": 0}
n = 0
start = time.monotonic()
while True:
    elapsed = time.monotonic() - start
    if elapsed >= seconds:
        break
    due = int(elapsed * rate)
    while n < due:
        kind, data = packet(n, (1, 1000 + int(elapsed)))
        try:
            socks[n % sources].sendto(data, to)
        except BlockingIOError:
            break
        counts[kind] += 1
        n += 1
    time.sleep(0.0005)
print(counts["good"], counts["bad_community"], counts["wrong_key"], counts["malformed"])
