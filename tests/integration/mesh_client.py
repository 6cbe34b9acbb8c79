"""A hand-made mesh client for the security tests: speaks the real
protocol over CURVE with whatever key it is given, so tests can try what a
hostile or broken probe would."""
import json
import re
import struct
import zmq


def load_cert(path):
    """Public and secret Z85 keys of a zcert file (the _secret one)."""
    text = open(path).read()
    public = re.search(r'public-key = "(.{40})"', text).group(1)
    secret = re.search(r'secret-key = "(.{40})"', text).group(1)
    return public.encode(), secret.encode()


class MeshClient:
    def __init__(self, endpoint, server_key, public, secret):
        self.socket = zmq.Context.instance().socket(zmq.DEALER)
        self.socket.setsockopt(zmq.LINGER, 0)
        self.socket.curve_serverkey = server_key
        self.socket.curve_publickey = public
        self.socket.curve_secretkey = secret
        self.socket.connect(endpoint)

    def send(self, command, header=None, payload=b""):
        self.socket.send_multipart([command.encode(), json.dumps(header or {}).encode(), payload])

    def send_raw(self, frames):
        self.socket.send_multipart(frames)

    def recv(self, timeout=3000):
        """(command, header) of the next message, or None on timeout."""
        if not self.socket.poll(timeout):
            return None
        frames = self.socket.recv_multipart()
        return frames[0].decode(), json.loads(frames[1])

    def recv_until(self, command, timeout=3000):
        while True:
            message = self.recv(timeout)
            if message is None or message[0] == command:
                return message


def samples(records):
    """DATA payload of (series_id, ts_us, value, flags) tuples."""
    return b"".join(struct.pack("<QqdI", *r) for r in records)


def generate_keys():
    public, secret = zmq.curve_keypair()
    return public, secret
