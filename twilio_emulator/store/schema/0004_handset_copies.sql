-- Issue 14 (item 4): what a handset received stays on the phone when the account deletes or redacts the
-- message (Twilio's log is the account's, the phone's inbox is the user's). Before a delete or a redaction,
-- the message's row is copied here as it was; a handset's inbox reads these copies in place of the rows.
CREATE TABLE handset_copies AS SELECT * FROM messages WHERE 0;  -- the same columns, no rows
CREATE UNIQUE INDEX handset_copies_sid ON handset_copies (sid);
CREATE INDEX handset_copies_to ON handset_copies (to_, seq);
