"""lookups.twilio.com/v2 — mirrors twilio-python's rest/lookups/v2. Paths have no `.json`; the number is in the
path with its `+` (or `%2B`)."""
