#!/bin/bash
# The documentation matches the programs: every CLI command and option is in
# vedette(1), every config key of both daemons in vedette.conf(5), every API
# operation, argument, error code and event topic in vedette-api(7), every
# mesh command in vedette-mesh(7); every page has EXAMPLES and is mandoc
# -Tlint clean; --help works.
. "$(dirname "$0")/lib.sh"
for page in "$SRC"/man/*.[0-9]; do
    out=$(mandoc -Tlint -W warning "$page" 2>&1)
    check "mandoc -Tlint clean: $(basename "$page")" [ -z "$out" ]
done
section () { sed -n "/^\.Sh $2/,/^\.Sh /p" "$SRC/man/$1"; }
export -f section
while read -r line; do
    words=${line%% --*}                 #  the command's words, before its options
    options=""; [ "$words" != "$line" ] && options=${line#"$words" }
    pattern="Ic $words( |\$)"
    check "vedette(1) documents '$words'" grep -Eq "^\.(It|It Xo)? ?$pattern|^\.Ic $words" "$SRC/man/vedette.1"
    for option in $options; do
        check "vedette(1) documents $words $option" bash -c "section vedette.1 COMMANDS | grep -qe 'Fl -${option#--}'"
    done
done < <(V --list-commands)

# the console's ":" commands, from the table that runs them
while read -r name args; do
    check "vedette(1) documents the console's :$name" grep -Eq "^\.Ic :$name( |\$)" "$SRC/man/vedette.1"
done < <(V --list-console-commands)
check "the console lists its commands" [ "$(V --list-console-commands | wc -l)" -ge 10 ]

for program in meshd probe; do
    while IFS=$'\t' read -r key default help; do
        check "vedette.conf(5) documents $program's $key" grep -q "^\.It Ic $key " "$SRC/man/vedette.conf.5"
    done < <("$BUILD/vedette-$program" --list-config)
    check "vedette-$program --help" bash -c "'$BUILD/vedette-$program' --help | grep -q usage"
    "$BUILD/vedette-$program" --bogus 2>/dev/null; check "vedette-$program: bad option exits 2" [ $? = 2 ]
done
# vedette-api(7): every operation, its arguments, every error code, every topic
while IFS=$'\t' read -r op role args help; do
    check "vedette-api(7) documents $op" grep -q "^\.It Ic $op\$" "$SRC/man/vedette-api.7"
    [ "$args" = - ] && args=""
    for arg in $args; do
        name=${arg%%:*}
        check "vedette-api(7) documents $op's argument $name" \
            bash -c "sed -n '/^\.It Ic $op\$/,/^\.It /p' '$SRC/man/vedette-api.7' | grep -q 'Arguments:.*\b$name ('"
    done
done < <("$BUILD/vedette-meshd" --list-ops)
codes=$(sed -n '/s_error_codes \[\] = {/,/};/p' "$SRC/meshd/api/api.c" | grep -o '"[a-z_]*"' | tr -d '"')
check "the error codes are found in api.c" [ -n "$codes" ]
for code in $codes; do
    check "vedette-api(7) documents error code $code" \
        bash -c "section vedette-api.7 'ERROR CODES' | grep -q '^\.It Li $code\$'"
done
topics=$( (grep -ho "api_event (api, \"[a-z.]*\"\|'probe\.[a-z]*'" "$SRC"/meshd/*/*.c;
          grep -h '"alarm\.[a-z]*"\|"notification\.[a-z]*"\|"device\.state"' "$SRC"/meshd/*/*.c |
              grep -v '^ *{ "' | grep -o '"alarm\.[a-z]*"\|"notification\.[a-z]*"\|"device\.state"' |
              grep -v '"alarm\.h"') |
        grep -o "[a-z]*\.[a-z]*" | sort -u)
check "the event topics are found in the sources" [ -n "$topics" ]
for topic in $topics; do
    check "vedette-api(7) documents event $topic" bash -c "section vedette-api.7 EVENTS | grep -q -- '$topic'"
done
# vedette-mesh(7): every command of the mesh protocol
for command in $(sed -n '/s_commands \[\] = {/,/};/p' "$SRC/common/vd_wire.c" | grep -o '"[A-Z]*"' | tr -d '"'); do
    check "vedette-mesh(7) documents $command" bash -c "section vedette-mesh.7 DESCRIPTION | grep -q 'Li $command'"
done
for page in "$SRC"/man/*.[0-9]; do
    check "$(basename "$page") has EXAMPLES" grep -q '^\.Sh EXAMPLES' "$page"
done
check "README shows scripts/test and scripts/demo" bash -c "grep -q scripts/test '$SRC/README.md' && grep -q scripts/demo '$SRC/README.md'"
finish
