-- meshd refuses data (probes keep it) while the disk is short of
-- store/min_free: one critical alarm on the object "meshd", cleared when
-- space returns.
INSERT INTO rule (name, kind, metric, clear_on, severity, created_us)
VALUES ('meshd-disk-low', 'event', 'meshd.disk_low', 'meshd.disk_ok', 'critical',
        CAST ((julianday ('now') - 2440587.5) * 86400000000 AS INTEGER));
