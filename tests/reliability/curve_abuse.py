#!/usr/bin/python3
"""T11's attackers: COUNT raw TCP connections to 127.0.0.1:PORT, at most 100
open at once, none of which ever authenticates, of six kinds in turn:

  idle          connects and sends nothing
  garbage       1 to 1,000 random bytes
  zmtp1         a ZMTP 1.0-style greeting (a length byte, then junk)
  version       a ZMTP greeting of version 9.9
  hello_length  a good ZMTP 3.0 CURVE greeting, then a HELLO of 10 bytes
  cookie        a good greeting and a real HELLO (its box made for the
                server's key, so meshd answers WELCOME), then an INITIATE
                whose cookie is random (CVE-2019-13132 was a bad one)

SERVER_KEY is meshd's public key (Z85). For each connection it waits until
meshd closes it, and prints per kind: "kind count closed max_ms welcomed"
(welcomed: WELCOMEs received, for the cookie kind), then "open N" for the
connections meshd had not closed after WAIT seconds."""
import os
import random
import selectors
import socket
import struct
import sys
import time

import nacl.bindings as sodium
import zmq.utils.z85 as z85

port, count, server_key, wait = int(sys.argv[1]), int(sys.argv[2]), z85.decode(sys.argv[3]), float(sys.argv[4])
KINDS = ["idle", "garbage", "zmtp1", "version", "hello_length", "cookie"]


def greeting(major=3, minor=0, mechanism=b"CURVE"):
    return (b"\xff" + b"\x00" * 8 + b"\x7f" + bytes([major, minor]) + mechanism.ljust(20, b"\x00")
            + b"\x00" + b"\x00" * 31)


def command(body):
    return (b"\x04" + bytes([len(body)]) if len(body) < 256 else b"\x06" + struct.pack(">Q", len(body))) + body


def hello():
    """A real CURVE HELLO; returns (bytes, transient secret key)."""
    public, secret = sodium.crypto_box_keypair()
    short_nonce = os.urandom(8)
    box = sodium.crypto_box(b"\x00" * 64, b"CurveZMQHELLO---" + short_nonce, server_key, secret)
    body = b"\x05HELLO" + b"\x01\x00" + b"\x00" * 72 + public + short_nonce + box
    return command(body), secret


class Conn:
    def __init__(self, kind):
        self.kind, self.buffer, self.welcomed = kind, b"", False
        self.socket = socket.socket()
        self.socket.setblocking(False)
        self.socket.connect_ex(("127.0.0.1", port))
        self.opened = time.monotonic()
        self.sent = False

    def first(self):
        """What to send once connected."""
        if self.kind == "garbage":
            return os.urandom(random.randint(1, 1000))
        if self.kind == "zmtp1":
            return b"\x20" + os.urandom(31)
        if self.kind == "version":
            return greeting(9, 9)
        if self.kind == "hello_length":
            return greeting() + command(b"\x05HELLO" + b"\x00" * 4)
        if self.kind == "cookie":
            data, self.secret = hello()
            return greeting() + data
        return b""

    def received(self, data):
        self.buffer += data
        # after the server's 64-byte greeting, a WELCOME command: answer it
        # with an INITIATE carrying a random cookie
        if self.kind == "cookie" and not self.welcomed and b"\x07WELCOME" in self.buffer:
            self.welcomed = True
            body = (b"\x08INITIATE" + os.urandom(96) + os.urandom(8) + os.urandom(200))
            try:
                self.socket.send(command(body))
            except OSError:
                pass


selector = selectors.DefaultSelector()
started = 0
results = {k: [0, 0, 0, 0] for k in KINDS}    # count, closed, max ms, welcomed
live = []
deadline = None
while started < count or live:
    while started < count and len(live) < 100:
        conn = Conn(KINDS[started % len(KINDS)])
        selector.register(conn.socket, selectors.EVENT_READ | selectors.EVENT_WRITE, conn)
        live.append(conn)
        results[conn.kind][0] += 1
        started += 1
    if started == count and deadline is None:
        deadline = time.monotonic() + wait
    for key, events in selector.select(0.1):
        conn = key.data
        if events & selectors.EVENT_WRITE and not conn.sent:
            conn.sent = True
            data = conn.first()
            try:
                if data:
                    conn.socket.send(data)
            except OSError:
                pass
            selector.modify(conn.socket, selectors.EVENT_READ, conn)
            continue
        if events & selectors.EVENT_READ:
            try:
                data = conn.socket.recv(65536)
            except OSError:
                data = b""
            if data:
                conn.received(data)
                continue
            ms = int((time.monotonic() - conn.opened) * 1000)
            result = results[conn.kind]
            result[1] += 1
            result[2] = max(result[2], ms)
            result[3] += conn.welcomed
            selector.unregister(conn.socket)
            conn.socket.close()
            live.remove(conn)
    if deadline is not None and time.monotonic() > deadline:
        break
for kind in KINDS:
    print(kind, *results[kind])
print("open", len(live))
