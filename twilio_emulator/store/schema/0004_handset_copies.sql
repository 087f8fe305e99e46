-- Issue 14 (item 4): what a handset received stays on the phone when the account deletes or redacts the
-- message (Twilio's log is the account's, the phone's inbox is the user's). Before a delete or a redaction,
-- the message's row is copied here as it was; a handset's inbox reads these copies in place of the rows.
CREATE TABLE handset_copies (
    seq INTEGER PRIMARY KEY,
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
CREATE INDEX handset_copies_to ON handset_copies (to_, seq);
