"""messaging.twilio.com/v1 — mirrors twilio-python's rest/messaging/v1/service/*. Paths have no `.json`;
dates are ISO 8601; lists use the v1 envelope with absolute URLs (api/paging.py)."""
