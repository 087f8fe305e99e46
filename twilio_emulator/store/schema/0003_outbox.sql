-- Issue 13: the work that must survive a crash (an outbox), done once after a restart.

-- An inbound message still being processed: 'new' (its keyword handling and webhook are due), 'webhook' (its
-- webhook is due), 'answered' (the app's answer, kept as received, is being carried out: `done` of its verbs
-- are, after `hop` redirects). The row goes when the message is fully processed.
CREATE TABLE inbound_work (
    message_sid TEXT PRIMARY KEY,
    account_sid TEXT NOT NULL,
    stage TEXT NOT NULL,
    answer BLOB,
    content_type TEXT,
    doc_url TEXT,
    hop INTEGER NOT NULL DEFAULT 0,
    done INTEGER NOT NULL DEFAULT 0
);
-- A store from before this migration: its messages still 'receiving' were never processed.
INSERT INTO inbound_work (message_sid, account_sid, stage)
    SELECT sid, account_sid, 'new' FROM messages WHERE status = 'receiving';

-- An outbound message to one of the emulator's own numbers: at `due` (its delivery) it arrives there as an
-- inbound message. The row goes in the transaction that stores that inbound message.
CREATE TABLE arrivals (
    message_sid TEXT PRIMARY KEY,
    account_sid TEXT NOT NULL,
    due REAL NOT NULL
);
