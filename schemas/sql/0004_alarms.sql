-- Alarms: rules, alarms, device state and dependencies, maintenance windows,
-- notification channels, routes, the notification outbox and its delivery log.

-- The sample tail is read by the rules actor through a cursor (its last id),
-- so an id must never be used twice: AUTOINCREMENT.
CREATE TABLE sample_batch_new (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    probe_id    INTEGER NOT NULL,
    seq         INTEGER NOT NULL,
    received_us INTEGER NOT NULL,
    data        BLOB NOT NULL
);
INSERT INTO sample_batch_new SELECT id, probe_id, seq, received_us, data FROM sample_batch;
DROP TABLE sample_batch;
ALTER TABLE sample_batch_new RENAME TO sample_batch;

-- Where a reader of an append-only table (sample_batch, event) has got to.
-- Compaction keeps the tail the rules actor has not read yet.
CREATE TABLE cursor (
    name        TEXT PRIMARY KEY,
    value       INTEGER NOT NULL
);
INSERT INTO cursor VALUES ('rules.samples', 0);
INSERT INTO cursor VALUES ('rules.events', (SELECT coalesce (max (id), 0) FROM event));

-- Reachability, kept by the rules actor from the ICMP loss series:
-- up, down, unreachable (a parent is down), unknown (no data, probe lost).
ALTER TABLE device ADD COLUMN parent_id INTEGER REFERENCES device (id) ON DELETE SET NULL;
ALTER TABLE device ADD COLUMN state TEXT NOT NULL DEFAULT 'unknown'
    CHECK (state IN ('up', 'down', 'unreachable', 'unknown'));
ALTER TABLE device ADD COLUMN state_us INTEGER;

-- A rule turns samples (metric), events (event: traps, syslog, interface
-- events) or state changes (state: device down, probe lost) into alarms.
CREATE TABLE rule (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL UNIQUE,
    kind        TEXT NOT NULL CHECK (kind IN ('metric', 'event', 'state')),
    metric      TEXT,                       -- metric: icmp.rtt; event: topic
    above       REAL,                       -- metric: raise above this,
    below       REAL,                       --         or below this
    clear_value REAL,                       -- and clear past this (hysteresis)
    count       INTEGER NOT NULL DEFAULT 1 CHECK (count BETWEEN 1 AND 1000),
    duration_ms INTEGER NOT NULL DEFAULT 0, -- and for at least this long
    match       TEXT,                       -- event: regular expression on the text
    oid         TEXT,                       -- event: trap OID
    clear_on    TEXT,                       -- event: the trap OID or topic that clears it
    clear_after_ms INTEGER,                 -- event: clears by itself after this
    state       TEXT,                       -- state: down, unreachable, unknown, lost
    site_id     INTEGER REFERENCES site (id) ON DELETE CASCADE,
    device_id   INTEGER REFERENCES device (id) ON DELETE CASCADE,
    severity    TEXT NOT NULL
                CHECK (severity IN ('critical', 'major', 'minor', 'warning', 'info')),
    enabled     INTEGER NOT NULL DEFAULT 1,
    created_us  INTEGER NOT NULL
);

-- One alarm per (rule, object) while it is open; a cleared alarm is history.
CREATE TABLE alarm (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    rule_id     INTEGER REFERENCES rule (id) ON DELETE SET NULL,
    rule        TEXT NOT NULL,              -- the rule's name when raised
    severity    TEXT NOT NULL,
    object      TEXT NOT NULL,              -- "core1", "core1/icmp.rtt", "probe:p1"
    device_id   INTEGER REFERENCES device (id) ON DELETE CASCADE,
    probe_id    INTEGER REFERENCES probe (id) ON DELETE CASCADE,
    site_id     INTEGER,
    state       TEXT NOT NULL CHECK (state IN ('active', 'acked', 'cleared')),
    message     TEXT NOT NULL,
    value       REAL,
    count       INTEGER NOT NULL DEFAULT 1,
    first_us    INTEGER NOT NULL,
    last_us     INTEGER NOT NULL,
    acked_by    TEXT,
    acked_us    INTEGER,
    ack_comment TEXT,
    ack_expires_us INTEGER,
    cleared_us  INTEGER,
    cleared_by  TEXT,                       -- a user, or NULL: the rule
    suppressed_by INTEGER,                  -- the device down above it (correlation)
    flapping    INTEGER NOT NULL DEFAULT 0
);
CREATE UNIQUE INDEX alarm_open ON alarm (rule_id, object) WHERE state != 'cleared';
CREATE INDEX alarm_state ON alarm (state);
CREATE INDEX alarm_device ON alarm (device_id);

-- Maintenance: one-off (from_us, to_us) or recurring (every: day or a
-- weekday; start and end in minutes of the day, local time).
CREATE TABLE maintenance (
    id          INTEGER PRIMARY KEY,
    device_id   INTEGER REFERENCES device (id) ON DELETE CASCADE,
    site_id     INTEGER REFERENCES site (id) ON DELETE CASCADE,
    from_us     INTEGER,
    to_us       INTEGER,
    every       TEXT CHECK (every IN ('day', 'sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat')),
    start_min   INTEGER,
    end_min     INTEGER,
    comment     TEXT,
    created_by  TEXT NOT NULL,
    created_us  INTEGER NOT NULL,
    CHECK (device_id IS NOT NULL OR site_id IS NOT NULL)
);

CREATE TABLE channel (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL UNIQUE,
    kind        TEXT NOT NULL CHECK (kind IN ('email', 'webhook', 'exec')),
    params      TEXT NOT NULL,              -- JSON: to, smtp, from / url / command
    created_us  INTEGER NOT NULL
);

-- Which alarms go where: severity at least, site, after a delay, with an
-- escalation when still unacknowledged, repeats, and hours of the day.
CREATE TABLE route (
    id          INTEGER PRIMARY KEY,
    severity    TEXT NOT NULL DEFAULT 'info'
                CHECK (severity IN ('critical', 'major', 'minor', 'warning', 'info')),
    site_id     INTEGER REFERENCES site (id) ON DELETE CASCADE,
    channel_id  INTEGER NOT NULL REFERENCES channel (id) ON DELETE CASCADE,
    after_ms    INTEGER NOT NULL DEFAULT 0,
    escalate_id INTEGER REFERENCES channel (id) ON DELETE SET NULL,
    unacked_ms  INTEGER,
    repeat_ms   INTEGER,
    hours       TEXT,                       -- "08:00-18:00", local time
    days        TEXT,                       -- "mon,tue,wed,thu,fri"
    recovery    INTEGER NOT NULL DEFAULT 1,
    created_us  INTEGER NOT NULL
);

-- The outbox: written in the same transaction as the alarm's change, so a
-- transition makes its notifications exactly once, restarts or not.
CREATE TABLE notification (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    alarm_id    INTEGER NOT NULL REFERENCES alarm (id) ON DELETE CASCADE,
    route_id    INTEGER REFERENCES route (id) ON DELETE SET NULL,
    channel_id  INTEGER REFERENCES channel (id) ON DELETE SET NULL,
    channel     TEXT NOT NULL,
    kind        TEXT NOT NULL
                CHECK (kind IN ('problem', 'escalation', 'repeat', 'recovery', 'flapping')),
    status      TEXT NOT NULL DEFAULT 'pending'
                CHECK (status IN ('pending', 'sending', 'sent', 'failed', 'skipped')),
    due_us      INTEGER NOT NULL,
    attempts    INTEGER NOT NULL DEFAULT 0,
    result      TEXT,
    created_us  INTEGER NOT NULL,
    done_us     INTEGER
);
CREATE INDEX notification_due ON notification (status, due_us);
CREATE INDEX notification_alarm ON notification (alarm_id);

-- Every delivery attempt and its result.
CREATE TABLE delivery (
    id          INTEGER PRIMARY KEY,
    notification_id INTEGER NOT NULL REFERENCES notification (id) ON DELETE CASCADE,
    ts_us       INTEGER NOT NULL,
    duration_us INTEGER NOT NULL,
    ok          INTEGER NOT NULL,
    result      TEXT NOT NULL
);
CREATE INDEX delivery_notification ON delivery (notification_id);

CREATE INDEX device_parent ON device (parent_id);

-- A probe outage is one alarm (its devices become unknown, not down).
INSERT INTO rule (name, kind, state, severity, created_us)
VALUES ('probe-lost', 'state', 'lost', 'major',
        CAST ((julianday ('now') - 2440587.5) * 86400000000 AS INTEGER));
