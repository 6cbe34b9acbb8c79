-- Rollups: per series, 5-minute, 1-hour and 1-day buckets (step in
-- seconds, t the bucket's start in µs, UTC) of the samples with a value:
-- count, sum, min, max, the last value, and for a latency series (unit
-- 'ms') a vd_sketch of the values, so quantiles of any span merge from
-- the buckets. lost counts the samples flagged lost. Built by housekeeping.
CREATE TABLE rollup (
    series_id   INTEGER NOT NULL,
    step        INTEGER NOT NULL,
    t           INTEGER NOT NULL,
    count       INTEGER NOT NULL,
    lost        INTEGER NOT NULL,
    sum         REAL,
    min         REAL,
    max         REAL,
    last        REAL,
    sketch      BLOB,
    PRIMARY KEY (series_id, step, t)
) WITHOUT ROWID;

-- Series whose samples from since_us on compaction stored and housekeeping
-- has not rolled up yet. Every series with chunks starts here.
CREATE TABLE rollup_pending (
    series_id   INTEGER PRIMARY KEY,
    since_us    INTEGER NOT NULL
);
INSERT INTO rollup_pending (series_id, since_us)
    SELECT series_id, min (t0) FROM chunk GROUP BY series_id;

-- What retention may delete: rows older than cutoff_us of a table whose
-- triggers otherwise refuse every delete (the audit, append-only).
CREATE TABLE retention (
    name        TEXT PRIMARY KEY,
    cutoff_us   INTEGER NOT NULL
);
DROP TRIGGER audit_append_only_delete;
CREATE TRIGGER audit_append_only_delete BEFORE DELETE ON audit
WHEN old.ts_us >= coalesce ((SELECT cutoff_us FROM retention WHERE name = 'audit'),
                            -9223372036854775808)
BEGIN SELECT RAISE (ABORT, 'audit is append-only'); END;
