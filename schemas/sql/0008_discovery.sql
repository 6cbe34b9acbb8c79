-- Discovery, topology and service checks (issue 4).
--
-- link: what a device's LLDP or CDP table says is at the other end of each
-- of its ports, replaced by each full SNMP walk. The remote device is
-- matched to a known device when the topology is read (by address or name),
-- so devices added later are joined without waiting for a walk.
CREATE TABLE link (
    device_id       INTEGER NOT NULL REFERENCES device (id) ON DELETE CASCADE,
    proto           TEXT NOT NULL,          -- lldp, cdp
    local_port      TEXT NOT NULL,
    remote_name     TEXT NOT NULL,          -- lldpRemSysName, cdpCacheDeviceId
    remote_chassis  TEXT NOT NULL,
    remote_port     TEXT NOT NULL,
    remote_port_descr TEXT NOT NULL,
    remote_address  TEXT NOT NULL,          -- management address, '' if none
    remote_platform TEXT NOT NULL,
    updated_us      INTEGER NOT NULL
);
CREATE INDEX link_device ON link (device_id);

-- snmpEngineID (hex): one agent reached at two addresses is one device
ALTER TABLE device ADD COLUMN engine_id TEXT;
CREATE INDEX device_engine ON device (engine_id) WHERE engine_id IS NOT NULL;

-- the last result of a service check (tcp, dns, http)
ALTER TABLE device_check ADD COLUMN status TEXT;          -- ok, failed
ALTER TABLE device_check ADD COLUMN error TEXT;
ALTER TABLE device_check ADD COLUMN detail TEXT;          -- JSON: status code, answer, days left
ALTER TABLE device_check ADD COLUMN status_us INTEGER;

-- A discovery: networks a probe of the site sweeps (ICMP, then SNMP with a
-- ladder of credentials, in order), now and every every_ms if set. A run
-- is asked by raising requested; the probe runs it while requested > done,
-- and its report sets done, so a run asked while the probe is away happens
-- when it comes back, once.
CREATE TABLE discovery (
    id          INTEGER PRIMARY KEY,
    site_id     INTEGER NOT NULL REFERENCES site (id) ON DELETE CASCADE,
    probe_id    INTEGER REFERENCES probe (id) ON DELETE SET NULL,
    targets     TEXT NOT NULL,              -- JSON array of CIDRs
    exclude     TEXT NOT NULL DEFAULT '[]', -- JSON array of CIDRs
    creds       TEXT NOT NULL DEFAULT '[]', -- JSON array of credential names
    ping        INTEGER NOT NULL DEFAULT 1, -- 0: ask SNMP of every address
    interval_ms INTEGER NOT NULL DEFAULT 60000,  -- SNMP interval of devices it adds
    every_ms    INTEGER NOT NULL DEFAULT 0, -- rediscovery period, 0: once
    requested   INTEGER NOT NULL DEFAULT 1,
    done        INTEGER NOT NULL DEFAULT 0,
    last_us     INTEGER,                    -- when the last run's report came
    result      TEXT,                       -- JSON: the last run's figures and hosts
    created_us  INTEGER NOT NULL
);
