-- A jump host for configuration backups: the probe logs into it and opens
-- a direct-tcpip channel to the device (what ssh -J does). Its own
-- credential (the device's when NULL) and its own pinned host key.
ALTER TABLE backup_target ADD COLUMN jump_address TEXT;
ALTER TABLE backup_target ADD COLUMN jump_port INTEGER NOT NULL DEFAULT 22;
ALTER TABLE backup_target ADD COLUMN jump_cred_id INTEGER REFERENCES credential (id);
ALTER TABLE backup_target ADD COLUMN jump_hostkey TEXT;
ALTER TABLE backup_target ADD COLUMN jump_hostkey_seen TEXT;
