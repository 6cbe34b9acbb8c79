-- 0011: the mesh of probes. Each probe with a peer socket says where the
-- others reach it; each measures the path to every other (probe/peer.c)
-- and reports round trip, loss and jitter, kept here (the latest report
-- of each path) and in series of the probe (device_id NULL, probe_id the
-- probe that measured, metric peer.NAME.rtt, .loss, .jitter).
ALTER TABLE probe ADD COLUMN peer_address TEXT;       -- HOST:PORT, from HELLO

CREATE TABLE probe_path (
    from_id     INTEGER NOT NULL REFERENCES probe (id) ON DELETE CASCADE,
    to_id       INTEGER NOT NULL REFERENCES probe (id) ON DELETE CASCADE,
    sent        INTEGER NOT NULL,     -- requests settled in the last report
    received    INTEGER NOT NULL,
    loss_pct    REAL NOT NULL,
    rtt_ms      REAL,                 -- mean; NULL when nothing came back
    rtt_min_ms  REAL,
    rtt_max_ms  REAL,
    jitter_ms   REAL,                 -- mean absolute difference of round trips
    updated_us  INTEGER NOT NULL,
    PRIMARY KEY (from_id, to_id)
);

-- A probe's own series are found by probe and metric.
CREATE INDEX series_probe ON series (probe_id, metric) WHERE device_id IS NULL;
