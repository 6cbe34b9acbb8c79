-- PPP accounting with IP history (vedette nas, ip-history, ppp): the NASes
-- whose RADIUS accounting the probes receive, one row per session, and
-- the addresses each session held.
CREATE TABLE nas (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL UNIQUE,
    address     TEXT NOT NULL UNIQUE,       -- where its requests come from
    site_id     INTEGER NOT NULL REFERENCES site (id),
    probe_id    INTEGER REFERENCES probe (id),  -- NULL: every probe of the site
    sealed      BLOB NOT NULL,              -- the shared secret, sealed with the master key
    created_us  INTEGER NOT NULL,
    last_us     INTEGER,                    -- its last record
    silent      INTEGER NOT NULL DEFAULT 0  -- ppp.nas_silent said, ppp.nas_heard not yet
);

-- A session: its start and stop as the NAS said (exact), or as far as
-- they can be known: a start worked out from Acct-Session-Time, an end in
-- the window between the last word of it and what closed it (Accounting-On
-- or -Off, or silence: stale).
CREATE TABLE ppp_session (
    id          INTEGER PRIMARY KEY,
    nas_id      INTEGER NOT NULL REFERENCES nas (id),
    session_id  TEXT NOT NULL,              -- Acct-Session-Id
    multi_session_id TEXT,
    user        TEXT,
    calling_station TEXT,                   -- the subscriber's MAC, usually
    called_station TEXT,
    nas_port    INTEGER,
    nas_port_id TEXT,
    start_us    INTEGER NOT NULL,
    start_exact INTEGER NOT NULL,           -- 0: worked out from Acct-Session-Time
    last_us     INTEGER NOT NULL,           -- the last record of it
    stop_us     INTEGER,                    -- the Stop's time
    end_after_us INTEGER,                   -- not stopped: it ended after this
    end_before_us INTEGER,                  -- ... and before this
    state       TEXT NOT NULL CHECK (state IN ('active', 'stopped', 'closed', 'stale')),
    closed_by   TEXT,                       -- stop, accounting-on, accounting-off, stale
    interim_s   INTEGER,                    -- Acct-Interim-Interval
    input_octets INTEGER NOT NULL DEFAULT 0,
    output_octets INTEGER NOT NULL DEFAULT 0,
    session_time INTEGER,
    terminate_cause TEXT,
    records     INTEGER NOT NULL DEFAULT 1,
    late        INTEGER NOT NULL DEFAULT 0  -- interims after its stop: counted, never reopening it
);
CREATE INDEX ppp_session_nas ON ppp_session (nas_id, session_id);
CREATE INDEX ppp_session_user ON ppp_session (user, start_us);
CREATE INDEX ppp_session_state ON ppp_session (state, last_us);

-- An address or prefix a session held: network (16 bytes, IPv4 as
-- ::ffff:a.b.c.d) and prefix length over those 128 bits, so a lookup is
-- an index probe per prefix length in use (ppp_length).
CREATE TABLE ppp_address (
    session_id  INTEGER NOT NULL REFERENCES ppp_session (id) ON DELETE CASCADE,
    kind        TEXT NOT NULL,              -- framed_ip, framed_ipv6, framed_prefix, delegated_prefix
    network     BLOB NOT NULL,
    length      INTEGER NOT NULL,
    text        TEXT NOT NULL,
    UNIQUE (session_id, kind, text)
);
CREATE INDEX ppp_address_network ON ppp_address (length, network);
-- The prefix lengths in ppp_address: a lookup probes only these
CREATE TABLE ppp_length (
    length      INTEGER PRIMARY KEY
);

-- A NAS with active sessions that says nothing for two interim intervals
-- is an alarm (ppp.nas_silent), cleared by its next record (ppp.nas_heard).
INSERT INTO rule (name, kind, metric, clear_on, severity, created_us)
VALUES ('ppp-nas-silent', 'event', 'ppp.nas_silent', 'ppp.nas_heard', 'major',
        CAST ((julianday ('now') - 2440587.5) * 86400000000 AS INTEGER));
