"""lookups.twilio.com/v1 — mirrors twilio-python's rest/lookups/v1 (the older API: Type=carrier|caller-name)."""
