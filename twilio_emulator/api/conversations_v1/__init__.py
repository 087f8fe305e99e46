"""conversations.twilio.com/v1 (Conversations "classic"): the wire format. A /v2/ path on that host is not
emulated (the Orchestrator, reference twilio-conversations.md): the router's 404 says so."""
