"""monitor.twilio.com/v1 — mirrors twilio-python's rest/monitor/v1."""
