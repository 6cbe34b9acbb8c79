-- Configuration backups (vedette backup): which devices are backed up, how,
-- and how it went; every version that differed from the one before it.
CREATE TABLE backup_target (
    device_id   INTEGER PRIMARY KEY REFERENCES device (id) ON DELETE CASCADE,
    cred_id     INTEGER NOT NULL REFERENCES credential (id),
    model       TEXT,                       -- NULL: guessed from sysObjectID and sysDescr
    every_ms    INTEGER NOT NULL CHECK (every_ms >= 60000),
    port        INTEGER NOT NULL DEFAULT 22,
    requested   INTEGER NOT NULL DEFAULT 0, -- vedette backup run: one more
    done        INTEGER NOT NULL DEFAULT 0, -- the requested count the probe last ran
    hostkey     TEXT,                       -- SHA256 fingerprint pinned at the first fetch
    hostkey_seen TEXT,                      -- a different one the device showed (backup accept)
    last_us     INTEGER,                    -- last attempt
    last_ok_us  INTEGER,
    last_fail_us INTEGER,
    last_reason TEXT,                       -- of the last attempt, NULL if it succeeded
    last_error  TEXT,
    last_changed_us INTEGER,                -- last new version
    overdue     INTEGER NOT NULL DEFAULT 0, -- no success within twice every_ms (backup.overdue said)
    fetches     INTEGER NOT NULL DEFAULT 0,
    failures    INTEGER NOT NULL DEFAULT 0,
    created_us  INTEGER NOT NULL
);

-- A version: the cleaned text, zlib-compressed then sealed with the master
-- key (crypto_secretbox), with what a listing shows beside it.
CREATE TABLE backup_version (
    id          INTEGER PRIMARY KEY,
    device_id   INTEGER NOT NULL REFERENCES device (id) ON DELETE CASCADE,
    version     INTEGER NOT NULL,           -- 1, 2, ... per device
    ts_us       INTEGER NOT NULL,
    size        INTEGER NOT NULL,           -- bytes of the text
    lines       INTEGER NOT NULL,
    added       INTEGER NOT NULL,           -- lines, against the version before
    removed     INTEGER NOT NULL,
    trigger     TEXT NOT NULL,              -- schedule, run, syslog
    who         TEXT,                       -- from the triggering message
    hash        TEXT NOT NULL,              -- SHA-256 of the text, hex
    sealed      BLOB NOT NULL,
    UNIQUE (device_id, version)
);

-- Alarms: a backup that failed, a device not backed up within twice its
-- interval; a success after either clears them (backup.ok).
INSERT INTO rule (name, kind, metric, clear_on, severity, created_us)
VALUES ('backup-failed', 'event', 'backup.failed', 'backup.ok', 'warning',
        CAST ((julianday ('now') - 2440587.5) * 86400000000 AS INTEGER));
INSERT INTO rule (name, kind, metric, clear_on, severity, created_us)
VALUES ('backup-overdue', 'event', 'backup.overdue', 'backup.ok', 'major',
        CAST ((julianday ('now') - 2440587.5) * 86400000000 AS INTEGER));

-- ssh credentials beside snmp ones. Widening a CHECK does not touch what is
-- stored: the table's SQL is edited in place, as SQLite's documentation
-- describes for CHECK constraints ("Making Other Kinds Of Table Schema
-- Changes"); the migration runner then bumps schema_version.
PRAGMA writable_schema = ON;
UPDATE sqlite_schema SET sql = replace (sql, 'CHECK (kind IN (''snmp''))', 'CHECK (kind IN (''snmp'', ''ssh''))')
WHERE type = 'table' AND name = 'credential';
PRAGMA writable_schema = OFF;
