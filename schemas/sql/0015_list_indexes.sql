-- device.list reads the last ICMP values of every device in one pass over
-- this index, and the open alarms per device from the next, instead of
-- four lookups per device. Neither changes when samples arrive: a
-- series' last value is not in its index.
CREATE INDEX series_icmp ON series (device_id)
    WHERE metric IN ('icmp.rtt', 'icmp.loss', 'icmp.jitter');
CREATE INDEX alarm_device_open ON alarm (device_id) WHERE state != 'cleared';
