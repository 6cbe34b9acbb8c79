-- Each device's states over time, what availability reports read: a row
-- per change, the state holding from ts_us until the device's next row.
-- Written by the rules with the device's state, the time taken from the
-- measurements (the first lost round, the first answer, one interval
-- after the last result when nobody measures it any more). Seeded from
-- the device.state events and the devices' stored states.
CREATE TABLE device_state_log (
    device_id   INTEGER NOT NULL REFERENCES device (id) ON DELETE CASCADE,
    ts_us       INTEGER NOT NULL,
    state       TEXT NOT NULL CHECK (state IN ('up', 'down', 'unreachable', 'unknown')),
    PRIMARY KEY (device_id, ts_us)
) WITHOUT ROWID;
-- retention finds the oldest rows by time
CREATE INDEX device_state_log_ts ON device_state_log (ts_us);
INSERT OR REPLACE INTO device_state_log (device_id, ts_us, state)
    SELECT d.id, e.ts_us, json_extract (e.data, '$.state')
    FROM event e JOIN device d ON d.name = json_extract (e.data, '$.device')
    WHERE e.topic = 'device.state' AND e.ts_us >= d.created_us
      AND json_extract (e.data, '$.state') IN ('up', 'down', 'unreachable', 'unknown')
    ORDER BY e.id;
INSERT OR IGNORE INTO device_state_log (device_id, ts_us, state)
    SELECT id, state_us, state FROM device WHERE state_us IS NOT NULL;
-- A maintenance window removed is kept for the reports of the time it was
-- open: removed_us ends it (a recurring window applies from created_us
-- to removed_us).
ALTER TABLE maintenance ADD COLUMN removed_us INTEGER;
