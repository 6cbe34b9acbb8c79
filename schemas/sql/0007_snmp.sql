-- SNMP polling (issue 4). A device polled over SNMP has a credential and
-- an 'snmp' check (params: port, and for a custom OID check: oid, name).
-- What its last poll saw is kept on the device and in its interfaces; the
-- numbers themselves go to series like every other measurement.
ALTER TABLE device ADD COLUMN snmp_cred_id INTEGER REFERENCES credential (id);
ALTER TABLE device ADD COLUMN sys_name TEXT;
ALTER TABLE device ADD COLUMN sys_descr TEXT;
ALTER TABLE device ADD COLUMN sys_object_id TEXT;
ALTER TABLE device ADD COLUMN sys_location TEXT;
ALTER TABLE device ADD COLUMN sys_contact TEXT;
ALTER TABLE device ADD COLUMN vendor TEXT;
ALTER TABLE device ADD COLUMN model TEXT;
ALTER TABLE device ADD COLUMN uptime_s INTEGER;           -- sysUpTime at snmp_us
ALTER TABLE device ADD COLUMN snmp_status TEXT;           -- ok, timeout, refused, error
ALTER TABLE device ADD COLUMN snmp_error TEXT;
ALTER TABLE device ADD COLUMN snmp_us INTEGER;            -- when the last poll ended

CREATE TABLE interface (
    device_id   INTEGER NOT NULL REFERENCES device (id) ON DELETE CASCADE,
    if_index    INTEGER NOT NULL,
    name        TEXT NOT NULL,          -- ifName, else ifDescr
    descr       TEXT,
    alias       TEXT,
    type        INTEGER,
    speed_bps   INTEGER,                -- ifHighSpeed * 10^6, else ifSpeed
    mtu         INTEGER,
    mac         TEXT,
    admin       TEXT,                   -- up, down, testing
    oper        TEXT,                   -- up, down, testing, unknown, dormant, notPresent, lowerLayerDown
    counters    INTEGER,                -- 64 (ifHC) or 32
    in_bps      REAL,
    out_bps     REAL,
    in_util     REAL,                   -- % of speed_bps
    out_util    REAL,
    in_errors   REAL,                   -- per second
    out_errors  REAL,
    in_discards REAL,
    out_discards REAL,
    updated_us  INTEGER NOT NULL,
    PRIMARY KEY (device_id, if_index)
) WITHOUT ROWID;
