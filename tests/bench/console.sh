#!/bin/bash
# tests/bench/console.sh: the console with 10,000 devices. Over SSH on
# loopback: time from `ssh` to the first full frame (the overview with the
# devices counted), bytes sent for an idle second, for switching to the
# devices view and for a page down. Locally through tmux at 200x60: how
# long the devices view takes to draw a frame while moving, sorting and
# filtering (VEDETTE_CONSOLE_STATS). Medians of RUNS (3).
. "$(dirname "$0")/../integration/lib.sh"
RUNS=${RUNS:-3}
SSH_PORT=$(free_port)
SSH_ENDPOINT="127.0.0.1:$SSH_PORT" start_meshd "$T/meshd" || exit 1
V site add bench >/dev/null
$PY - <<PYEOF
import sys; sys.path.insert(0, "$SRC/tests/integration")
from api import Api
api = Api()
for d in range(10000):
    api.call("device.add", address="127.%d.%d.%d" % (d // 65536 + 1, d // 256 % 256, d % 254 + 1),
             name="dev%05d" % d, site="bench", interval="60s")
PYEOF
ssh-keygen -q -t ed25519 -N '' -f "$T/key"
V user key add admin "$(cat "$T/key.pub")" >/dev/null || exit 1
$PY - "$SSH_PORT" "$T/key" "$RUNS" <<'PYEOF'
import os, select, statistics, subprocess, sys, time
port, key, runs = sys.argv[1], sys.argv[2], int(sys.argv[3])
def read_until(p, marker=None, quiet=None, limit=30):
    data, start, last = b"", time.monotonic(), time.monotonic()
    while time.monotonic() - start < limit:
        r, _, _ = select.select([p.stdout], [], [], 0.05)
        if r:
            chunk = os.read(p.stdout.fileno(), 65536)
            if not chunk: break
            data += chunk; last = time.monotonic()
            if marker and marker in data: return data, time.monotonic() - start
        elif quiet and time.monotonic() - last >= quiet and data:
            return data, last - start
        elif quiet and time.monotonic() - start >= quiet * 4 and not data:
            return data, 0
    return data, time.monotonic() - start
first, idle, view, page = [], [], [], []
for run in range(runs):
    started = time.monotonic()
    p = subprocess.Popen(["ssh", "-tt", "-p", port, "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null",
                          "-o", "LogLevel=ERROR", "-o", "BatchMode=yes", "-o", "IdentitiesOnly=yes", "-i", key, "admin@127.0.0.1"],
                         stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    data, _ = read_until(p, b"10,000")
    first.append((time.monotonic() - started) * 1000)
    read_until(p, quiet=0.5)                        # the rest of the first frame
    data, _ = read_until(p, limit=5.0)              # five seconds of nothing typed
    idle.append(len(data) / 5.0)
    p.stdin.write(b"2"); p.stdin.flush()
    data, _ = read_until(p, quiet=0.5, limit=5)
    view.append(len(data))
    p.stdin.write(b"\x1b[6~"); p.stdin.flush()
    data, _ = read_until(p, quiet=0.5, limit=5)
    page.append(len(data))
    p.stdin.write(b"\x03"); p.stdin.flush()
    p.wait(timeout=10)
    print("# run %d: first full frame %.0f ms; idle %.0f B/s; devices view %d B; page down %d B"
          % (run + 1, first[-1], idle[-1], view[-1], page[-1]))
m = statistics.median
print("Console over SSH (loopback, 80x24, 10,000 devices): first full frame %.0f ms after ssh starts; "
      "%.0f bytes/s idle (the clock), %d bytes to switch to the devices view, %d bytes a page down (medians of %d)"
      % (m(first), m(idle), m(view), m(page), runs))
PYEOF
# frame times, locally at 200x60
SOCK=vb$$
tmux -L "$SOCK" new-session -d -s keep "sleep 600"      # the server lives between runs
medians=""
for run in $(seq "$RUNS"); do
    tmux -L "$SOCK" new-session -d -s c -x 200 -y 60 "env LANG=C.UTF-8 VEDETTE_CONSOLE_STATS='$T/frames$run' '$BUILD/vedette'"
    wait_for 20 bash -c "tmux -L $SOCK capture-pane -p -t c | grep -q '10,000'"
    tmux -L "$SOCK" send-keys -t c 2
    for i in $(seq 50); do tmux -L "$SOCK" send-keys -t c j; done
    for i in $(seq 20); do tmux -L "$SOCK" send-keys -t c NPage; done
    for i in 1 2 3; do tmux -L "$SOCK" send-keys -t c s; done
    tmux -L "$SOCK" send-keys -t c / 'dev0[0-4]' Enter / C-u Enter G g
    tmux -L "$SOCK" send-keys -t c C-c
    wait_for 20 test -s "$T/frames$run"
    wait_for 10 bash -c "! tmux -L $SOCK has-session -t c 2>/dev/null"     # gone before the next run
    echo "# run $run: $(cat "$T/frames$run")"
    medians="$medians $(awk '{print $4}' "$T/frames$run")"
done
tmux -L "$SOCK" kill-server 2>/dev/null
echo "Console devices view, 10,000 devices, 200x60: $(echo $medians | tr ' ' '\n' | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}') µs a frame (median of the runs' medians; moving, paging, sorting, filtering)"
