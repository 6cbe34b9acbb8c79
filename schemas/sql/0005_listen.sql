-- Events from the probes' listeners (syslog, traps) find their device by
-- source address, for every message: an index, not a scan.
CREATE INDEX device_address ON device (address, site_id);

-- The counters of a probe's listeners (JSON), from its heartbeats.
ALTER TABLE probe ADD COLUMN listen TEXT;
