#!/usr/bin/python3
"""A WAN link between two probes, in user space: this kernel has no netem.
Datagrams to 127.0.0.1:PORT go on to TARGET (HOST:PORT) from a socket of
their own per sender, and the answers come back the same way, each
direction held DELAY ms (plus or minus JITTER) and dropped with
probability LOSS percent. CONTROL is a file holding "DELAY JITTER LOSS",
read again whenever it changes; "down" drops everything.

usage: wan.py PORT TARGET CONTROL"""
import asyncio
import os
import random
import sys

port, target, control = int(sys.argv[1]), sys.argv[2], sys.argv[3]
host, target_port = target.rsplit(":", 1)
TARGET = (host, int(target_port))
state = {"mtime": None, "delay": 0.0, "jitter": 0.0, "loss": 0.0, "down": False}


def settings():
    try:
        mtime = os.stat(control).st_mtime_ns
    except OSError:
        return state
    if mtime != state["mtime"]:
        state["mtime"] = mtime
        words = open(control).read().split()
        state["down"] = words[:1] == ["down"]
        if not state["down"] and len(words) == 3:
            state["delay"], state["jitter"], state["loss"] = (float(w) for w in words)
    return state


def later(send, data, address):
    """Sends after the link's delay, unless the link loses it"""
    s = settings()
    if s["down"] or random.random() * 100 < s["loss"]:
        return
    delay = max(0.0, s["delay"] + random.uniform(-s["jitter"], s["jitter"])) / 1000
    asyncio.get_running_loop().call_later(delay, send, data, address)


class Upstream(asyncio.DatagramProtocol):
    """Towards the target, for one sender"""
    def __init__(self, front, sender):
        self.front, self.sender = front, sender

    def connection_made(self, transport):
        self.transport = transport

    def datagram_received(self, data, address):
        later(self.front.transport.sendto, data, self.sender)


class Front(asyncio.DatagramProtocol):
    def __init__(self):
        self.upstreams = {}

    def connection_made(self, transport):
        self.transport = transport

    def datagram_received(self, data, sender):
        asyncio.ensure_future(self.forward(data, sender))

    async def forward(self, data, sender):
        if sender not in self.upstreams:
            loop = asyncio.get_running_loop()
            self.upstreams[sender] = asyncio.ensure_future(loop.create_datagram_endpoint(
                lambda: Upstream(self, sender), local_addr=("127.0.0.1", 0)))
        _, upstream = await self.upstreams[sender]
        later(upstream.transport.sendto, data, TARGET)


async def main():
    loop = asyncio.get_running_loop()
    await loop.create_datagram_endpoint(Front, local_addr=("127.0.0.1", port))
    await asyncio.Event().wait()

asyncio.run(main())
