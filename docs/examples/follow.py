#!/usr/bin/python3
"""Follow vedette: log in, list the devices that are down, then print
alarms (or any other topics) as they happen, fetching whatever the stream
missed with event.since. Needs pyzmq (Debian: python3-zmq).

    follow.py --endpoint ipc:///var/lib/vedette/api.sock --user alice
    follow.py --key ci.key                  # a key from `vedette apikey add`

The password is read from $VEDETTE_PASSWORD, or asked for.
See vedette-api(7)."""
import argparse
import getpass
import json
import os
import sys

import zmq


def load_key(path):
    """Reads a client key file: the metadata and curve sections of ZPL."""
    key = {}
    with open(path) as f:
        for line in f:
            if "=" in line:
                name, value = line.split("=", 1)
                key[name.strip()] = value.strip().strip('"')
    return key


class Vedette:
    def __init__(self, endpoint, key=None):
        self.context = zmq.Context.instance()
        self.key = key
        self.socket = self.connect(zmq.DEALER, endpoint)
        self.token = None
        self.next_id = 0

    def connect(self, kind, endpoint):
        socket = self.context.socket(kind)
        socket.setsockopt(zmq.LINGER, 0)
        if endpoint.startswith("tcp://"):
            socket.curve_serverkey = self.key["server-key"].encode()
            socket.curve_publickey = self.key["public-key"].encode()
            socket.curve_secretkey = self.key["secret-key"].encode()
        socket.connect(endpoint)
        return socket

    def call(self, op, **args):
        self.next_id += 1
        request = {"op": op, "id": self.next_id, "v": 1, "args": args}
        if self.token:
            request["token"] = self.token
        self.socket.send_json(request)
        if not self.socket.poll(10000):
            sys.exit("follow.py: no answer from meshd")
        reply = self.socket.recv_json()
        if "error" in reply:
            sys.exit("follow.py: %s: %s" % (op, reply["error"]["message"]))
        return reply["result"]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--endpoint", default=os.environ.get("VEDETTE_ENDPOINT"))
    parser.add_argument("--user", default=os.environ.get("USER"))
    parser.add_argument("--key", help="client key file, for the tcp API")
    parser.add_argument("--topic", action="append", help="topic prefix (default: alarm.)")
    parser.add_argument("--count", type=int, default=0, help="stop after this many events")
    options = parser.parse_args()
    key = load_key(options.key) if options.key else None
    endpoint = options.endpoint or (key and key["endpoint"])
    if not endpoint:
        sys.exit("follow.py: say --endpoint or --key")
    vedette = Vedette(endpoint, key)
    if not endpoint.startswith("tcp://"):
        password = os.environ.get("VEDETTE_PASSWORD") or getpass.getpass()
        vedette.token = vedette.call("login", user=options.user, password=password)["token"]

    down = vedette.call("device.list", status="down")
    print("%d device(s) down%s" % (len(down), ": " + ", ".join(d["name"] for d in down) if down else ""))

    status = vedette.call("server.status")
    events = key["events"] if key else status["events"]["ipc"]
    sub = vedette.connect(zmq.SUB, events)
    topics = options.topic or ["alarm."]
    for topic in topics:
        sub.setsockopt_string(zmq.SUBSCRIBE, topic)
    sys.stdout.flush()
    last = None
    shown = 0
    while not options.count or shown < options.count:
        topic, body = sub.recv_multipart()
        event = json.loads(body)
        seq = event["seq"]
        if seq is not None and last is not None and seq > last + 1:
            # a jump: events of other topics, or some this subscriber
            # missed; the record tells
            for missed in vedette.call("event.since", seq=last)["events"]:
                if missed["seq"] < seq and any(missed["topic"].startswith(t) for t in topics):
                    print("%s (caught up) %s" % (missed["topic"], json.dumps(missed["data"])))
        last = seq if seq is not None else last
        print("%s %s" % (topic.decode(), json.dumps(event["data"], sort_keys=True)))
        sys.stdout.flush()
        shown += 1


if __name__ == "__main__":
    main()
