#!/bin/bash
# A database of the schema before the state history (migration 0018) taken
# up to this one: its devices' history seeded from the device.state events
# it recorded (none from before a device was added), the reports reading it
# exact to the µs, the rest of the later migrations applied once (0022
# widening the credential kinds in place).
. "$(dirname "$0")/lib.sh"
M=$T/meshd
start_meshd "$M" || { fail "meshd starts"; finish; }
V site add hq >/dev/null
V device add 127.0.0.2 --name d1 --site hq >/dev/null 2>&1
V device add 127.0.0.3 --name d2 --site hq >/dev/null 2>&1
kill $MESHD_PID; wait $MESHD_PID 2>/dev/null

# back to schema 18, as an older meshd left it, with what it recorded:
# d1 added 4 hours ago, down 3 hours ago for 25 minutes 7.5 s; an event
# from before it was added
NOW=$(( $(date +%s) * 1000000 ))
H=3600000000
ADDED=$(( NOW - 4 * H )) DOWN=$(( NOW - 3 * H )) UP=$(( NOW - 3 * H + 1507500000 ))
sqlite3 "$M/meshd.db" "
    DROP TABLE device_state_log; DROP TABLE report_schedule; DROP INDEX series_own;
    DROP TABLE backup_version; DROP TABLE backup_target; DROP TABLE backup_site;
    DROP TABLE ppp_usage; DROP TABLE ppp_sighting; DROP TABLE ppp_sighting_walk;
    DROP TABLE ppp_address; DROP TABLE ppp_length; DROP TABLE ppp_session; DROP TABLE nas;
    ALTER TABLE series DROP COLUMN own; ALTER TABLE maintenance DROP COLUMN removed_us;
    DELETE FROM rule WHERE name LIKE 'vedette-%' OR name LIKE 'backup-%' OR name LIKE 'ppp-%';
    UPDATE device SET created_us = $ADDED, state = 'unknown', state_us = NULL;
    UPDATE device SET state = 'up', state_us = $UP WHERE name = 'd1';
    INSERT INTO event (ts_us, topic, data) VALUES
        ($(( ADDED - H )), 'device.state', '{\"device\": \"d1\", \"state\": \"down\", \"previous\": \"up\"}'),
        ($(( ADDED + 1000 )), 'device.state', '{\"device\": \"d1\", \"state\": \"up\", \"previous\": \"unknown\"}'),
        ($DOWN, 'device.state', '{\"device\": \"d1\", \"state\": \"down\", \"previous\": \"up\"}'),
        ($UP, 'device.state', '{\"device\": \"d1\", \"state\": \"up\", \"previous\": \"down\"}');
    PRAGMA user_version = 18;" || fail "the database is taken back to schema 18"
run_meshd "$M"
check "meshd applies 0019 to 0027 once" bash -c "
    [ \$(grep -c 'applied migration 00\(19\|2[0-7]\)_' '$M/meshd.log') = 9 ]"
check "0022 widened the credential kinds once, in place" bash -c "
    sqlite3 '$M/meshd.db' \"SELECT sql FROM sqlite_schema WHERE name = 'credential'\" | grep -q \"CHECK (kind IN ('snmp', 'ssh'))\""
check "d1's history: up when added, down, up again; nothing from before it was added" \
    [ "$(sqlite3 "$M/meshd.db" "SELECT group_concat (l.ts_us || ':' || l.state) FROM device_state_log l
        JOIN device d ON d.id = l.device_id WHERE d.name = 'd1' AND l.ts_us < $NOW")" = "$(( ADDED + 1000 )):up,$DOWN:down,$UP:up" ]
check "d2, without a state, has none" \
    [ "$(sqlite3 "$M/meshd.db" "SELECT count(*) FROM device_state_log l JOIN device d ON d.id = l.device_id
        WHERE d.name = 'd2' AND l.ts_us < $NOW")" = 0 ]
check "report availability over it: down 1507.5 s exactly, unknown the first ms" bash -c "
    V report availability --device d1 --from $(date -u -d @$(( ADDED / 1000000 - 3600 )) +%FT%TZ) \
        --to $(date -u -d @$(( (NOW - H) / 1000000 )) +%FT%TZ) --json | $PY -c \"
import json,sys; r=json.load(sys.stdin)['rows'][0]
assert r['down_s'] == 1507.5 and r['unknown_s'] == 0.001 and r['outages'] == 1, r
assert abs(r['up_s'] + r['down_s'] + r['unknown_s'] - 3 * 3600) < 1e-6, r\""
check "the default rules of 0020 are there once" \
    [ "$(sqlite3 "$M/meshd.db" "SELECT count(*) FROM rule WHERE name LIKE 'vedette-%'")" = 4 ]
check "the default rules of 0022 are there once" \
    [ "$(sqlite3 "$M/meshd.db" "SELECT count(*) FROM rule WHERE name LIKE 'backup-%'")" = 2 ]
check "the default rule of 0025 is there once" \
    [ "$(sqlite3 "$M/meshd.db" "SELECT count(*) FROM rule WHERE name = 'ppp-nas-silent'")" = 1 ]
finish
