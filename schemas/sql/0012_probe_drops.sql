-- 0012: what each probe dropped, so that nothing is lost without a count
-- that reaches meshd: totals by kind (samples, events, reports its spool
-- let go when full or too old; icmp samples it could not hand over), as the
-- probe reports them in its heartbeats (a JSON object of counts)
ALTER TABLE probe ADD COLUMN drops TEXT;

-- A probe that drops data loses measurements: one major alarm, which
-- clears itself an hour after the last drop.
INSERT INTO rule (name, kind, metric, severity, clear_after_ms, created_us)
VALUES ('probe-dropped', 'event', 'probe.dropped', 'major', 3600000,
        CAST ((julianday ('now') - 2440587.5) * 86400000000 AS INTEGER));
