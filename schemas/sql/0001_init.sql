-- vedette meshd schema, version 1: sites, users, sessions, probes, devices,
-- checks, series, the sample tail and chunks, audit.

CREATE TABLE site (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL UNIQUE,
    created_us  INTEGER NOT NULL
);

CREATE TABLE user (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL UNIQUE,
    role        TEXT NOT NULL CHECK (role IN ('admin', 'operator', 'viewer')),
    pw_hash     TEXT NOT NULL,              -- argon2id, crypto_pwhash_str
    created_us  INTEGER NOT NULL
);

CREATE TABLE session (
    token_hash  BLOB PRIMARY KEY,           -- BLAKE2b of the token; the token is never stored
    user_id     INTEGER NOT NULL REFERENCES user (id) ON DELETE CASCADE,
    created_us  INTEGER NOT NULL,
    expires_us  INTEGER NOT NULL,
    origin      TEXT
);

CREATE TABLE probe (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL UNIQUE,
    site_id     INTEGER NOT NULL REFERENCES site (id),
    public_key  TEXT UNIQUE,                -- Z85; NULL once revoked
    state       TEXT NOT NULL DEFAULT 'enrolling'
                CHECK (state IN ('enrolling', 'active', 'revoked')),
    token_expires_us INTEGER,               -- while enrolling
    created_us  INTEGER NOT NULL,
    version     TEXT,
    link        TEXT NOT NULL DEFAULT 'never'
                CHECK (link IN ('never', 'connected', 'late', 'lost')),
    last_seen_us INTEGER,
    backlog     INTEGER NOT NULL DEFAULT 0,
    last_seq    INTEGER NOT NULL DEFAULT 0  -- highest sequence number committed
);

CREATE TABLE device (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL UNIQUE,
    address     TEXT NOT NULL,
    site_id     INTEGER NOT NULL REFERENCES site (id),
    probe_id    INTEGER REFERENCES probe (id) ON DELETE SET NULL,
    created_us  INTEGER NOT NULL
);

CREATE TABLE device_check (
    id          INTEGER PRIMARY KEY,
    device_id   INTEGER NOT NULL REFERENCES device (id) ON DELETE CASCADE,
    kind        TEXT NOT NULL,              -- icmp, later snmp, tcp, dns, http
    interval_ms INTEGER NOT NULL CHECK (interval_ms >= 100),
    params      TEXT NOT NULL DEFAULT '{}', -- JSON, per kind
    created_us  INTEGER NOT NULL
);

CREATE TABLE series (
    id          INTEGER PRIMARY KEY,
    device_id   INTEGER REFERENCES device (id) ON DELETE SET NULL,
    check_id    INTEGER REFERENCES device_check (id) ON DELETE SET NULL,
    probe_id    INTEGER REFERENCES probe (id) ON DELETE SET NULL,
    metric      TEXT NOT NULL,              -- icmp.rtt, icmp.loss, icmp.jitter
    unit        TEXT NOT NULL DEFAULT '',
    last_ts_us  INTEGER,
    last_value  REAL,
    last_flags  INTEGER,
    UNIQUE (device_id, metric)
);

-- The uncompacted tail: one row per received DATA message, in arrival order,
-- exactly as it came over the wire. housekeeping moves it into chunks.
CREATE TABLE sample_batch (
    id          INTEGER PRIMARY KEY,
    probe_id    INTEGER NOT NULL,
    seq         INTEGER NOT NULL,
    received_us INTEGER NOT NULL,
    data        BLOB NOT NULL
);

-- Compacted samples: one row holds a run of one series (vd_chunk encoding).
CREATE TABLE chunk (
    id          INTEGER PRIMARY KEY,
    series_id   INTEGER NOT NULL,
    t0          INTEGER NOT NULL,
    t1          INTEGER NOT NULL,
    count       INTEGER NOT NULL,
    data        BLOB NOT NULL
);
CREATE INDEX chunk_series ON chunk (series_id, t0);

CREATE TABLE apikey (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL UNIQUE,
    user_id     INTEGER NOT NULL REFERENCES user (id) ON DELETE CASCADE,
    public_key  TEXT NOT NULL UNIQUE,
    created_us  INTEGER NOT NULL
);

-- Append-only record of every change an operator made.
CREATE TABLE audit (
    id          INTEGER PRIMARY KEY,
    ts_us       INTEGER NOT NULL,
    user        TEXT NOT NULL,
    origin      TEXT NOT NULL,
    op          TEXT NOT NULL,
    detail      TEXT NOT NULL
);
CREATE TRIGGER audit_append_only_update BEFORE UPDATE ON audit
BEGIN SELECT RAISE (ABORT, 'audit is append-only'); END;
CREATE TRIGGER audit_append_only_delete BEFORE DELETE ON audit
BEGIN SELECT RAISE (ABORT, 'audit is append-only'); END;

-- Counters of refused input, per source (R5), kept across restarts.
CREATE TABLE counter (
    name        TEXT PRIMARY KEY,
    value       INTEGER NOT NULL
);
