-- Scheduled reports: a report of the last day, week or month (UTC) sent
-- as CSV through a channel (email: attached; webhook: the JSON) once that
-- period is over, run as the user who scheduled it (their sites apply).
CREATE TABLE report_schedule (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL UNIQUE,
    report      TEXT NOT NULL
                CHECK (report IN ('availability', 'latency', 'billing', 'top', 'alarms')),
    args        TEXT NOT NULL DEFAULT '{}',   -- JSON: site, device, by, limit
    every       TEXT NOT NULL CHECK (every IN ('day', 'week', 'month')),
    channel_id  INTEGER NOT NULL REFERENCES channel (id) ON DELETE CASCADE,
    next_us     INTEGER NOT NULL,             -- when it is sent next
    last_us     INTEGER,                      -- when it was last sent or tried
    last_result TEXT,
    created_by  TEXT NOT NULL,
    created_us  INTEGER NOT NULL
);
