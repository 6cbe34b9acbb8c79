-- Credentials the probes use (SNMP communities and v3 users; SSH later),
-- sealed with the master key (crypto_secretbox: nonce || box). Only name,
-- kind and summary (nothing secret) ever leave meshd through the API.
CREATE TABLE credential (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL UNIQUE,
    kind        TEXT NOT NULL CHECK (kind IN ('snmp')),
    summary     TEXT NOT NULL,
    sealed      BLOB NOT NULL,
    created_us  INTEGER NOT NULL
);
