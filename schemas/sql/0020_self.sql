-- meshd watches itself: core/selfmon.c writes the series of the object
-- "vedette", marked own (no device, no probe; their batches in the tail
-- have probe_id 0).
ALTER TABLE series ADD COLUMN own INTEGER NOT NULL DEFAULT 0;
CREATE INDEX series_own ON series (metric) WHERE own = 1;

-- Default rules on them.
-- A probe whose spool keeps more than 1,000 messages for three rounds in a
-- row cannot send what it measures as fast as it measures it.
INSERT INTO rule (name, kind, metric, above, count, severity, created_us)
VALUES ('vedette-backlog', 'metric', 'probe.*.backlog', 1000, 3, 'major',
        CAST ((julianday ('now') - 2440587.5) * 86400000000 AS INTEGER));
-- The rules fall behind the samples.
INSERT INTO rule (name, kind, metric, above, count, severity, created_us)
VALUES ('vedette-rules-lag', 'metric', 'meshd.rules_lag', 10000, 3, 'major',
        CAST ((julianday ('now') - 2440587.5) * 86400000000 AS INTEGER));
-- Less than 10% of the disk free (cleared above 15%), well before
-- store/min_free stops acknowledging (meshd-disk-low).
INSERT INTO rule (name, kind, metric, below, clear_value, severity, created_us)
VALUES ('vedette-disk-free', 'metric', 'meshd.disk_free_pct', 10, 15, 'major',
        CAST ((julianday ('now') - 2440587.5) * 86400000000 AS INTEGER));
-- Notifications failed for good in a round (every attempt spent).
INSERT INTO rule (name, kind, metric, above, severity, created_us)
VALUES ('vedette-notify-failing', 'metric', 'meshd.notify_failed', 0, 'major',
        CAST ((julianday ('now') - 2440587.5) * 86400000000 AS INTEGER));
