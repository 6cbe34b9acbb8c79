#!/bin/bash
# The documentation matches the programs: every CLI command and option is in
# vedette(1), every config key in its daemon's page, --help works, and the
# pages are mandoc -Tlint clean.
. "$(dirname "$0")/lib.sh"
for page in "$SRC"/man/*.[0-9]; do
    out=$(mandoc -Tlint -W warning "$page" 2>&1)
    check "mandoc -Tlint clean: $(basename "$page")" [ -z "$out" ]
done
section () { sed -n "/^\.Sh $2/,/^\.Sh /p" "$SRC/man/$1"; }
export -f section
while read -r noun verb options; do
    [ "${verb#--}" != "$verb" ] && { options="$verb $options"; verb=""; }
    words="$noun${verb:+ $verb}"
    pattern="Ic $words( |\$)"
    [ -n "$verb" ] && pattern="Ic $noun $verb"
    check "vedette(1) documents '$words'" grep -Eq "^\.(It|It Xo)? ?$pattern|^\.Ic $words" "$SRC/man/vedette.1"
    for option in $options; do
        check "vedette(1) documents $words $option" bash -c "section vedette.1 COMMANDS | grep -qe 'Fl -${option#--}'"
    done
done < <(V --list-commands)

for program in meshd probe; do
    while IFS=$'\t' read -r key default help; do
        check "vedette-$program(8) documents $key" grep -q "^\.It Ic $key " "$SRC/man/vedette-$program.8"
    done < <("$BUILD/vedette-$program" --list-config)
    check "vedette-$program --help" bash -c "'$BUILD/vedette-$program' --help | grep -q usage"
    "$BUILD/vedette-$program" --bogus 2>/dev/null; check "vedette-$program: bad option exits 2" [ $? = 2 ]
done
check "README shows scripts/test and scripts/demo" bash -c "grep -q scripts/test '$SRC/README.md' && grep -q scripts/demo '$SRC/README.md'"
finish
