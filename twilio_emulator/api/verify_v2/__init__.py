"""verify.twilio.com/v2 (Twilio Verify): the wire format. What Verify has that the emulator does not emulate
(Push factors and challenges, TOTP, Passkeys, SNA, Access Tokens, Entities, Webhooks, Rate Limits, Attempts,
SafeList, Forms) answers Twilio's 404 from the router, which says the path is not emulated."""
