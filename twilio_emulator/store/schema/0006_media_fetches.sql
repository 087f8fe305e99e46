-- Issue 14 (item 5): an outbound MMS waits in the queue while Twilio downloads its media. `plan` is the
-- carrier's timeline the message will follow once its media are in (JSON steps, seconds after `due`), `due`
-- when the download starts (creation, or SendAt). The row goes in the transaction that gives the message its
-- timeline (or its failure), so a download interrupted by a crash is done once after the restart.
CREATE TABLE media_fetches (
    message_sid TEXT PRIMARY KEY,
    account_sid TEXT NOT NULL,
    due REAL NOT NULL,
    plan TEXT NOT NULL
);
