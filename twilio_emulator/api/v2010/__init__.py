"""api.twilio.com/2010-04-01 — one module per resource, mirroring twilio-python's rest/api/v2010/account/*."""
