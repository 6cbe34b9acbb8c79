# tests/reliability/lib.sh: what the reliability tests (T01-T20 of
# shared/research/reliability-anchors.md, section 3) share, beside the
# integration tests' lib.sh: durations that QUICK=1 divides by ten, the
# figures each test prints, and its pass criteria as checks.
. "$(dirname "$0")/../integration/lib.sh"
QUICK=${QUICK:-}

# dur SECONDS: the research document's duration, a tenth of it with QUICK=1
# (a second at least)
dur () { if [ -n "$QUICK" ]; then echo $(( $1 / 10 > 0? $1 / 10: 1 )); else echo "$1"; fi; }

# figure NAME VALUE: a number the test measured, as "# figure NAME: VALUE"
# (tests/reliability/run gathers them into its table)
figure () { echo "# figure $1: $2"; }

# criterion TEXT COMMAND...: a pass criterion of the research document,
# checked
criterion () { local what=$1; shift; check "criterion: $what" "$@"; }

# rss_counts_the_daemon: under ASan, freed memory waits in a quarantine
# (256 MB) that would pass for growth; a small one makes RSS measure the
# daemon, not the sanitizer
rss_counts_the_daemon () { export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}quarantine_size_mb=4"; }

# targets NET PROBE...: the load most tests run under, TARGETS targets (66
# unless set; 127.0.NET.1..., devices d1... of site lab) at 100 ms, shared
# out over the probes: 3 samples a round (rtt, loss, jitter), 1,980
# samples/s for 66
TARGETS=${TARGETS:-66}
targets () {
    local net=$1 i; shift
    local probes=("$@")
    for i in $(seq 1 "$TARGETS"); do
        V device add "127.0.$net.$i" --name "d$i" --site lab --probe "${probes[$(( i % ${#probes[@]} ))]}" \
            --interval 100ms >/dev/null
    done
}

# targets_removed: the 66 targets gone, so the probes stop measuring
targets_removed () { local i; for i in $(seq 1 "$TARGETS"); do V device remove "d$i" >/dev/null; done; }

# in_namespaces NET: meshd and the probes each in a network namespace of
# their own, joined by a veth (meshd 10.NET.0.1, the probes 10.NET.0.2);
# sets NS (the probes'), MESH_HOST, and the wraps start_meshd and
# run_probe use
in_namespaces () {
    local nsm=vm$1x$$
    NS=vp$1x$$
    netns_new "$nsm" "$NS" && veth "vh$1x$$" "$nsm" "10.$1.0.1/24" "vn$1x$$" "$NS" "10.$1.0.2/24" || return 1
    MESH_HOST=10.$1.0.1 MESHD_WRAP="ip netns exec $nsm" PROBE_WRAP="ip netns exec $NS"
}

# wind_down DUPS PROBE...: the targets removed, the probes' spools empty
# within 60 s, and account_for
wind_down () {
    local dups=$1; shift
    targets_removed
    criterion "the probes' spools empty within 60 s" wait_for 60 drained "$@"
    account_for "$dups" "$@"
}

# duplicates N METRIC...: samples stored twice (a timestamp repeated) in
# the series METRIC of the devices d1..dN, compacted and tail
duplicates () {
    $PY - "$@" <<'PYEOF'
import os, sys
sys.path.insert(0, os.environ["SRC"] + "/tests/integration")
from api import Api
api = Api(); dup = 0
for i in range(1, int(sys.argv[1]) + 1):
    for metric in sys.argv[2:]:
        points = api.call("series.show", device="d%d" % i, metric=metric, since="2020-01-01")["points"]
        dup += len(points) - len(set(p["ts_us"] for p in points))
print(dup)
PYEOF
}

# probe_logs_sum SED PROBE...: the numbers SED picks from the probes' logs
# (their last lines: what this run spooled, dropped...), summed
probe_logs_sum () {
    local script=$1 p; shift
    for p in "$@"; do sed -n "$script" "$T/$p.log"; done | paste -sd+ | bc
}

# account_for DUPS PROBE...: stops the probes, then what they spooled
# against what meshd stored: the figures, and the criteria lost = 0,
# duplicates (DUPS, counted before) = 0, nothing dropped at the probes
account_for () {
    local dups=$1 p spooled dropped total; shift
    for p in "$@"; do kill -TERM "$(eval echo \$PROBE_PID_$p)"; done
    for p in "$@"; do wait "$(eval echo \$PROBE_PID_$p)" 2>/dev/null; done
    spooled=$(probe_logs_sum 's/.*this run spooled \([0-9]*\) samples.*/\1/p' "$@")
    dropped=$(probe_logs_sum 's/.*, dropped \([0-9]*\) samples,.*/\1/p' "$@")
    total=$(stored)
    figure "samples spooled by the probes" "$spooled"
    figure "stored by meshd" "$total"
    figure "lost" "$(( spooled - total ))"
    figure "duplicates" "$dups"
    criterion "lost = 0" [ "$total" = "$spooled" ]
    criterion "duplicates = 0" [ "$dups" = 0 ]
    criterion "nothing dropped at the probes" [ "$dropped" = 0 ]
}
