"""A tiny pyzmq client of meshd's API, for tests: api.py OP [JSON-ARGS]
prints the reply's result as JSON (exit 0) or its error (exit 1).
Reads the endpoint from $VEDETTE_ENDPOINT and the token from the CLI's
saved session."""
import json
import os
import sys
import zmq


def session_token():
    base = os.environ.get("XDG_CONFIG_HOME") or os.path.expanduser("~/.config")
    with open(os.path.join(base, "vedette", "session.json")) as f:
        return json.load(f)["token"]


class Api:
    def __init__(self, endpoint=None, token=None):
        self.socket = zmq.Context.instance().socket(zmq.DEALER)
        self.socket.setsockopt(zmq.LINGER, 0)
        self.socket.connect(endpoint or os.environ["VEDETTE_ENDPOINT"])
        self.token = token if token is not None else session_token()
        self.next_id = 0

    def raw(self, frames, timeout=5000):
        self.socket.send_multipart(frames)
        if not self.socket.poll(timeout):
            raise TimeoutError("no reply")
        return json.loads(self.socket.recv_multipart()[-1])

    def call(self, op, **args):
        self.next_id += 1
        reply = self.raw([json.dumps({"op": op, "id": self.next_id,
                                      "token": self.token, "args": args}).encode()])
        if "error" in reply:
            raise RuntimeError(reply["error"]["code"] + ": " + reply["error"]["message"])
        return reply["result"]


if __name__ == "__main__":
    api = Api()
    try:
        result = api.call(sys.argv[1], **(json.loads(sys.argv[2]) if len(sys.argv) > 2 else {}))
    except RuntimeError as error:
        print(error, file=sys.stderr)
        sys.exit(1)
    print(json.dumps(result))
