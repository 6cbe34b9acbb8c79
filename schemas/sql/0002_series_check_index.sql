-- Config pushes look series up by check; without this each push scanned
-- every series.
CREATE INDEX series_check ON series (check_id);
CREATE INDEX device_probe ON device (probe_id);
