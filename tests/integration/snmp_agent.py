#!/usr/bin/python3
"""A scripted SNMPv2c agent for what Debian's snmpd cannot be made to do:
counters that move at a known rate (exact rates, a 32-bit wrap, a reset,
a reboot) and broken agents (garbage, wrong types, walks that go backwards,
tables that never end, silence). Real snmpd serves everything else.

usage: snmp_agent.py PORT MODE [STATEFILE]   (on 127.0.0.3, or $AGENT_ADDRESS)
modes: rates, garbage, wrongtypes, backwards, endless, silent
Every poll starts with a GET of sysUpTime.0: that is one epoch. The number
of epochs served is written to STATEFILE. Octet counters move with time,
as a real interface's do (RATE octets a second, read when the epoch starts),
so a poll that comes late under load still sees the same rate."""
import os
import socket
import sys
import time

port, mode = int(sys.argv[1]), sys.argv[2]
address = os.environ.get("AGENT_ADDRESS", "127.0.0.3")
state = sys.argv[3] if len(sys.argv) > 3 else None

# -- BER ---------------------------------------------------------------------

def tlv(tag, body):
    n = len(body)
    if n < 128:
        return bytes([tag, n]) + body
    size = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return bytes([tag, 0x80 | len(size)]) + size + body

def integer(tag, value):
    body = value.to_bytes(max(1, (value.bit_length() + 8) // 8), "big", signed=True)
    return tlv(tag, body)

def unsigned(tag, value):
    body = value.to_bytes(max(1, (value.bit_length() + 8) // 8), "big")
    return tlv(tag, body)

def oid_bytes(oid):
    body = bytes([40 * oid[0] + oid[1]])
    for arc in oid[2:]:
        chunk = [arc & 0x7F]
        arc >>= 7
        while arc:
            chunk.insert(0, 0x80 | (arc & 0x7F))
            arc >>= 7
        body += bytes(chunk)
    return tlv(0x06, body)

def parse(data, at=0):
    """One TLV at `at`: (tag, body, next offset)"""
    tag = data[at]
    length = data[at + 1]
    at += 2
    if length & 0x80:
        count = length & 0x7F
        length = int.from_bytes(data[at:at + count], "big")
        at += count
    return tag, data[at:at + length], at + length

def items(body):
    at, out = 0, []
    while at < len(body):
        tag, value, at = parse(body, at)
        out.append((tag, value))
    return out

def parse_oid(body):
    oid = [body[0] // 40, body[0] % 40]
    arc = 0
    for byte in body[1:]:
        arc = (arc << 7) | (byte & 0x7F)
        if not byte & 0x80:
            oid.append(arc)
            arc = 0
    return tuple(oid)

# -- the MIB -----------------------------------------------------------------

SYS = (1, 3, 6, 1, 2, 1, 1)
IF = (1, 3, 6, 1, 2, 1, 2, 2, 1)
IFX = (1, 3, 6, 1, 2, 1, 31, 1, 1, 1)
RATE = 1000000                     # octets a second, in and out

def mib(epoch, seconds):
    """The agent's objects at an epoch, `seconds` after the first one:
    {oid: (tag, value)}"""
    m = {}
    uptime = 100000 + epoch * 500 if epoch < 5 else 100 + epoch
    m[SYS + (1, 0)] = (0x04, b"scripted agent " + mode.encode())
    m[SYS + (2, 0)] = (0x06, (1, 3, 6, 1, 4, 1, 2636, 1, 1, 1, 2, 29))
    m[SYS + (3, 0)] = (0x43, uptime)
    m[SYS + (5, 0)] = (0x04, b"agent-" + mode.encode())
    # 1: a 64-bit interface; 2: 32-bit only, wrapping; 3: reset at epoch 3
    octets = int(seconds * RATE)
    base32 = 2 ** 32 - 2 * RATE
    for index, name in ((1, b"xe-0/0/1"), (2, b"ge-0/0/2"), (3, b"ge-0/0/3")):
        m[IF + (2, index)] = (0x04, name)
        m[IF + (3, index)] = (0x02, 6)
        m[IF + (5, index)] = (0x42, 1000000000)
        m[IF + (7, index)] = (0x02, 1)
        m[IF + (8, index)] = (0x02, 1 if index != 3 else 2)
        m[IFX + (1, index)] = (0x04, name)
        m[IFX + (15, index)] = (0x42, 1000 if index != 2 else 0)
        m[IFX + (18, index)] = (0x04, b"uplink " + name)
        for column in (13, 14, 19, 20):
            m[IF + (column, index)] = (0x41, epoch * index)
        if index == 2:
            value = (base32 + octets) % 2 ** 32
            m[IF + (10, index)] = (0x41, value)
            m[IF + (16, index)] = (0x41, value)
        else:
            value = octets if not (index == 3 and epoch == 3) else 0
            m[IF + (10, index)] = (0x41, value % 2 ** 32)
            m[IF + (16, index)] = (0x41, value % 2 ** 32)
            m[IFX + (6, index)] = (0x46, value)
            m[IFX + (10, index)] = (0x46, value)
    if mode == "wrongtypes":
        m[SYS + (3, 0)] = (0x04, b"not ticks")
        m[SYS + (2, 0)] = (0x02, 7)
        m[IF + (10, 1)] = (0x04, b"many")
        m[IF + (8, 1)] = (0x02, 99)
        m[IFX + (6, 1)] = (0x41, 5)
    return m

def encode_value(tag, value):
    if tag == 0x06:
        return oid_bytes(value)
    if tag == 0x04:
        return tlv(0x04, value)
    if tag == 0x02:
        return integer(0x02, value)
    if tag in (0x80, 0x81, 0x82, 0x05):
        return tlv(tag, b"")
    return unsigned(tag, value)

def successor(m, keys, oid):
    if mode == "endless" and oid[:len(IF) + 1] == IF + (2,):
        index = oid[len(IF) + 1] if len(oid) > len(IF) + 1 else 0
        return IF + (2, index + 1), (0x04, b"port %d" % (index + 1))
    if mode == "backwards" and oid[:len(IF) + 1] == IF + (2,):
        # the first row, then the same row again and again
        return (oid + (1,) if len(oid) == len(IF) + 1 else oid), (0x04, b"same again")
    for key in keys:
        if key > oid:
            return key, m[key]
    return oid, (0x82, None)

# -- serving -----------------------------------------------------------------

sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
sock.bind((address, port))
epoch = 0
started = read = None
while True:
    data, peer = sock.recvfrom(65535)
    if mode == "silent":
        continue
    if mode == "garbage":
        sock.sendto(os.urandom(len(data)) if epoch % 2 else b"\x30\x03\x02\x01", peer)
        epoch += 1
        continue
    try:
        _, message, _ = parse(data)
        version, community, pdu = items(message)
        pdu_tag, pdu_body = pdu
        request_id, first, second, varbinds = items(pdu_body)
        asked = [parse_oid(items(vb[1])[0][1]) for vb in items(varbinds[1])]
    except (IndexError, ValueError):
        continue
    if pdu_tag == 0xA0 and SYS + (3, 0) in asked:
        epoch += 1
        read = time.monotonic()
        started = started if started is not None else read
        if state:
            with open(state + ".tmp", "w") as out:
                out.write("%d\n" % epoch)
            os.replace(state + ".tmp", state)
    m = mib(epoch, (read or 0) - (started or 0))
    keys = sorted(m)
    answers = []
    if pdu_tag == 0xA0:
        for oid in asked:
            answers.append((oid, m.get(oid, (0x80, None))))
    elif pdu_tag == 0xA1:
        for oid in asked:
            answers.append(successor(m, keys, oid))
    elif pdu_tag == 0xA5:
        repetitions = int.from_bytes(second[1], "big")
        current = list(asked)
        for _ in range(min(repetitions, 50)):
            for i, oid in enumerate(current):
                nxt, value = successor(m, keys, oid)
                answers.append((nxt, value))
                current[i] = nxt
    body = b"".join(tlv(0x30, oid_bytes(oid) + encode_value(*value)) for oid, value in answers)
    pdu = tlv(0xA2, tlv(0x02, request_id[1]) + integer(0x02, 0) + integer(0x02, 0) + tlv(0x30, body))
    reply = tlv(0x30, tlv(0x02, version[1]) + tlv(0x04, community[1]) + pdu)
    sock.sendto(reply, peer)
