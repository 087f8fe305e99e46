-- Issue 14 (item 1): Twilio's cookie jars, one per conversation of an account (an SMS conversation is its
-- "From|To" pair; a call its CallSid). `cookies` is the jar as JSON (domain.cookies.to_json).
CREATE TABLE cookie_jars (
    account_sid TEXT NOT NULL,
    conversation TEXT NOT NULL,
    cookies TEXT NOT NULL,
    PRIMARY KEY (account_sid, conversation)
);
