-- The credentials a probe accepts traps and informs with (a v1/v2c
-- community, a v3 user): for every probe (no site, no probe), a site's
-- probes, or one probe. meshd sends them, opened, inside the probe's
-- CONFIG; the probe keeps them sealed on disk.
CREATE TABLE trap_cred (
    id          INTEGER PRIMARY KEY,
    cred_id     INTEGER NOT NULL REFERENCES credential (id),
    site_id     INTEGER REFERENCES site (id) ON DELETE CASCADE,
    probe_id    INTEGER REFERENCES probe (id) ON DELETE CASCADE,
    created_us  INTEGER NOT NULL,
    CHECK (site_id IS NULL OR probe_id IS NULL)
);
CREATE UNIQUE INDEX trap_cred_scope ON trap_cred (cred_id, ifnull (site_id, 0), ifnull (probe_id, 0));
