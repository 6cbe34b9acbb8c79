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
