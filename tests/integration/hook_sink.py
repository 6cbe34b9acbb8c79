"""A webhook receiver for tests: hook_sink.py PORT DIR
Each POST to /NAME is appended as one line to DIR/NAME.jsonl, then:
/fail answers 500, /hang never answers (until the client gives up),
anything else answers 204."""
import http.server
import os
import sys
import threading
import time

port, directory = int(sys.argv[1]), sys.argv[2]
lock = threading.Lock()


class Handler(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        name = self.path.strip("/") or "root"
        with lock, open(os.path.join(directory, name + ".jsonl"), "ab") as f:
            f.write(body.replace(b"\n", b" ") + b"\n")
        if name == "hang":
            time.sleep(60)
            return
        self.send_response(500 if name == "fail" else 204)
        self.end_headers()

    def log_message(self, *args):
        pass


server = http.server.ThreadingHTTPServer(("127.0.0.1", port), Handler)
server.daemon_threads = True
open(os.path.join(directory, "ready"), "w").close()
server.serve_forever()
