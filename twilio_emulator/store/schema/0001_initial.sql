-- Simple resources (accounts, keys, phone numbers): one JSON row each, loaded into memory at start-up.
CREATE TABLE records (
    kind TEXT NOT NULL,
    sid TEXT PRIMARY KEY,
    account_sid TEXT,
    data TEXT NOT NULL
);
CREATE INDEX records_kind ON records (kind, account_sid);

-- Messages: the hot path and the large table, typed columns with indexes for every list filter.
-- status/date_updated/error_* are the state as last written (at creation, cancel or redaction); `timeline`
-- holds the planned status steps (JSON) that the clock applies when the message is read, and date_sent/price
-- are the planned ones, shown once the 'sent' step is reached. No UPDATE per status step.
CREATE TABLE messages (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    sid TEXT NOT NULL UNIQUE,
    account_sid TEXT NOT NULL,
    to_ TEXT NOT NULL,
    from_ TEXT,
    body TEXT NOT NULL,
    status TEXT NOT NULL,
    direction TEXT NOT NULL,
    date_created REAL NOT NULL,
    date_updated REAL NOT NULL,
    date_sent REAL,
    num_segments INTEGER NOT NULL,
    num_media INTEGER NOT NULL,
    price TEXT,
    price_unit TEXT,
    error_code INTEGER,
    error_message TEXT,
    messaging_service_sid TEXT,
    extra TEXT NOT NULL DEFAULT '{}',
    timeline TEXT NOT NULL DEFAULT '[]'
);
CREATE INDEX messages_account ON messages (account_sid, seq);
CREATE INDEX messages_to ON messages (account_sid, to_, seq);
CREATE INDEX messages_from ON messages (account_sid, from_, seq);
CREATE INDEX messages_date_sent ON messages (account_sid, date_sent);

CREATE TABLE media (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    sid TEXT NOT NULL UNIQUE,
    account_sid TEXT NOT NULL,
    message_sid TEXT NOT NULL,
    content_type TEXT NOT NULL,
    url TEXT NOT NULL,
    date_created REAL NOT NULL,
    date_updated REAL NOT NULL
);
CREATE INDEX media_message ON media (message_sid, seq);
