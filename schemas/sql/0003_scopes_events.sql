-- Site scopes of users, the event log behind the PUB socket, API key use.

-- A user with rows here sees and changes only these sites; none: every site.
CREATE TABLE user_site (
    user_id     INTEGER NOT NULL REFERENCES user (id) ON DELETE CASCADE,
    site_id     INTEGER NOT NULL REFERENCES site (id) ON DELETE CASCADE,
    PRIMARY KEY (user_id, site_id)
);

-- Every event published on the events socket, in order. id is the event's
-- sequence number: a subscriber that sees a gap asks event.since for it.
CREATE TABLE event (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    ts_us       INTEGER NOT NULL,
    topic       TEXT NOT NULL,              -- device.added, probe.link, ...
    site_id     INTEGER,                    -- for site scopes; NULL: global
    data        TEXT NOT NULL               -- JSON object
);
CREATE INDEX event_ts ON event (ts_us);

ALTER TABLE apikey ADD COLUMN last_used_us INTEGER;

-- device.list and device.show find a device's checks by device.
CREATE INDEX device_check_device ON device_check (device_id);
