-- 0010: each probe's clock against meshd's, measured over the mesh
ALTER TABLE probe ADD COLUMN clock TEXT;               -- ok, skewed; NULL until measured
ALTER TABLE probe ADD COLUMN clock_offset_us INTEGER;  -- the probe's clock minus meshd's
ALTER TABLE probe ADD COLUMN rtt_us INTEGER;           -- round trip of that measurement

-- A probe whose clock is off stamps its samples and events wrongly: one
-- warning until it is back in step.
INSERT INTO rule (name, kind, state, severity, created_us)
VALUES ('probe-clock', 'state', 'skewed', 'warning',
        CAST ((julianday ('now') - 2440587.5) * 86400000000 AS INTEGER));
