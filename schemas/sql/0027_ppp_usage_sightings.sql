-- PPP usage per month and address sightings (vedette ppp usage,
-- ip-history's second kind of evidence).

-- What a session's counters grew by in each UTC month (the first µs of the
-- month): a session across a month boundary bills each month its share.
CREATE TABLE ppp_usage (
    session_id  INTEGER NOT NULL REFERENCES ppp_session (id) ON DELETE CASCADE,
    month_us    INTEGER NOT NULL,
    input_octets INTEGER NOT NULL,
    output_octets INTEGER NOT NULL,
    PRIMARY KEY (session_id, month_us)
) WITHOUT ROWID;

-- An address seen at a MAC in a router's ARP or neighbour table
-- (ipNetToPhysicalTable, ipNetToMediaTable), from the first full walk that
-- saw it to the last of an unbroken run of walks that did: evidence where
-- no session covers a time. The router's name stays if it is removed.
CREATE TABLE ppp_sighting (
    id          INTEGER PRIMARY KEY,
    device_id   INTEGER REFERENCES device (id) ON DELETE SET NULL,
    router      TEXT NOT NULL,
    network     BLOB NOT NULL,              -- 16 bytes, IPv4 as ::ffff:a.b.c.d
    address     TEXT NOT NULL,
    mac         TEXT NOT NULL,
    interface   TEXT,
    first_us    INTEGER NOT NULL,
    last_us     INTEGER NOT NULL
);
CREATE INDEX ppp_sighting_network ON ppp_sighting (network, last_us);
CREATE INDEX ppp_sighting_last ON ppp_sighting (last_us);

-- Each router's last walk of its neighbour table: a sighting in the next
-- walk continues the one it ended
CREATE TABLE ppp_sighting_walk (
    device_id   INTEGER PRIMARY KEY REFERENCES device (id) ON DELETE CASCADE,
    ts_us       INTEGER NOT NULL
);
