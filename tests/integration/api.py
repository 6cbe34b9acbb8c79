"""A tiny pyzmq client of meshd's API, for tests: api.py OP [JSON-ARGS]
prints the reply's result as JSON (exit 0) or its error (exit 1).
Reads the endpoint from $VEDETTE_ENDPOINT and the token from the CLI's
saved session."""
import json
import os
import sys
import zmq


def sealed_version(master_key, text):
    """A configuration backup version as meshd stores it: the text zlib-
    compressed, then sealed with the master key (crypto_secretbox, nonce
    first), through libsodium itself."""
    import ctypes
    import zlib
    sodium = ctypes.CDLL("libsodium.so.23")
    packed = zlib.compress(text.encode())
    nonce = os.urandom(24)
    box = ctypes.create_string_buffer(len(packed) + 16)
    sodium.crypto_secretbox_easy(box, packed, ctypes.c_ulonglong(len(packed)), nonce, master_key)
    return nonce + box.raw


def session_token():
    base = os.environ.get("XDG_CONFIG_HOME") or os.path.expanduser("~/.config")
    with open(os.path.join(base, "vedette", "session.json")) as f:
        return json.load(f)["token"]


def curve(socket, key):
    """Makes socket a CURVE client with a key from apikey.add."""
    socket.curve_serverkey = key["server_key"].encode()
    socket.curve_publickey = key["public_key"].encode()
    socket.curve_secretkey = key["secret_key"].encode()


class ApiError(RuntimeError):
    def __init__(self, code, message):
        super().__init__(code + ": " + message)
        self.code = code


class Api:
    def __init__(self, endpoint=None, token=None, key=None):
        self.socket = zmq.Context.instance().socket(zmq.DEALER)
        self.socket.setsockopt(zmq.LINGER, 0)
        if key:
            curve(self.socket, key)
        self.socket.connect(endpoint or os.environ["VEDETTE_ENDPOINT"])
        self.token = token if token is not None else session_token()
        self.next_id = 0

    def raw(self, frames, timeout=5000):
        self.socket.send_multipart(frames)
        if not self.socket.poll(timeout):
            raise TimeoutError("no reply")
        return json.loads(self.socket.recv_multipart()[-1])

    def request(self, op, args, timeout=5000):
        """The whole reply to op with args."""
        self.next_id += 1
        request = {"op": op, "id": self.next_id, "args": args}
        if self.token:
            request["token"] = self.token
        return self.raw([json.dumps(request).encode()], timeout)

    def call(self, op, **args):
        reply = self.request(op, args)
        if "error" in reply:
            raise ApiError(reply["error"]["code"], reply["error"]["message"])
        return reply["result"]

    def close(self):
        self.socket.close()


if __name__ == "__main__":
    api = Api()
    try:
        result = api.call(sys.argv[1], **(json.loads(sys.argv[2]) if len(sys.argv) > 2 else {}))
    except RuntimeError as error:
        print(error, file=sys.stderr)
        sys.exit(1)
    print(json.dumps(result))
