#!/bin/bash
# T13, the parser fuzz gate (OSS-Fuzz's net-snmp, FreeRADIUS, libssh and
# libzmq projects): every libFuzzer target (scripts/fuzz: the trap
# receiver, the syslog parser, the RADIUS decoder, the API, the mesh wire,
# the SNMP walk reader, chunks, sketches, tokens, the expect machine) for
# 600 s each (60 s with QUICK=1) under ASan/UBSan, seeded with real
# packets and inputs shaped like CVE-2025-68615 (snmpTrapOID's type and
# length), CVE-2017-10984/10985 (WiMAX and zero-length concatenated
# attributes) and CVE-2019-17042 (Cisco headers): no crash, no report, no
# input over a second; then each parser's lines that its corpus reaches
# (llvm-cov), at least 80%.
. "$(dirname "$0")/lib.sh"
cd "$SRC" || exit 2
bash scripts/fuzz "$(dur 600)" > "$T/fuzz.out" 2>&1; rc=$?
cat "$T/fuzz.out" | grep "^ok -\|^FAIL" | sed 's/^/# /'
figure "targets" "$(grep -c '^ok - fuzz_' "$T/fuzz.out") of $(grep -c '^ok - fuzz_\|^FAIL - fuzz_' "$T/fuzz.out") clean, $(dur 600) s each"
figure "runs" "$(sed -n 's/^ok - \(fuzz_[a-z]*\): \([0-9]*\) runs.*/\1 \2/p' "$T/fuzz.out" | paste -sd, | sed 's/,/, /g')"
criterion "no crash, sanitizer report or input over a second" [ "$rc" = 0 ]
bash scripts/fuzz --coverage > "$T/coverage.out" 2>&1
while read -r _ target file percent; do
    figure "lines of $file reached by $target's corpus" "$percent"
    criterion "$file: at least 80% of its lines reached" $PY -c "import sys; sys.exit(0 if float('${percent%\%}') >= 80 else 1)"
done < <(grep "^coverage " "$T/coverage.out")
check "every parser's coverage measured" [ "$(grep -c '^coverage ' "$T/coverage.out")" = 6 ]
finish
