-- Issue 3: the simulated network. Declared handsets live in `records` (kind 'handset').
-- Every outgoing webhook attempt (status callbacks now; inbound webhooks later), with what came back.
CREATE TABLE webhook_log (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    account_sid TEXT NOT NULL,
    resource_sid TEXT,
    kind TEXT NOT NULL,
    method TEXT NOT NULL,
    url TEXT NOT NULL,
    params TEXT NOT NULL,
    headers TEXT NOT NULL,
    response_status INTEGER,
    response_body TEXT,
    error TEXT,
    duration_ms REAL NOT NULL,
    date_created REAL NOT NULL
);
CREATE INDEX webhook_log_resource ON webhook_log (resource_sid, seq);

-- Debugger alerts (Twilio's Monitor Alerts): 11200 and friends.
CREATE TABLE alerts (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    sid TEXT NOT NULL UNIQUE,
    account_sid TEXT NOT NULL,
    error_code INTEGER NOT NULL,
    log_level TEXT NOT NULL,
    alert_text TEXT NOT NULL,
    request_method TEXT,
    request_url TEXT,
    resource_sid TEXT,
    date_created REAL NOT NULL
);
CREATE INDEX alerts_account ON alerts (account_sid, seq);
