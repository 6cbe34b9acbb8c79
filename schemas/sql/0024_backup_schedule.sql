-- A site's backup interval (vedette backup schedule --site): the devices
-- there that were given none of their own (every_own 0) follow it.
CREATE TABLE backup_site (
    site_id     INTEGER PRIMARY KEY REFERENCES site (id) ON DELETE CASCADE,
    every_ms    INTEGER NOT NULL CHECK (every_ms >= 60000)
);
ALTER TABLE backup_target ADD COLUMN every_own INTEGER NOT NULL DEFAULT 1;
