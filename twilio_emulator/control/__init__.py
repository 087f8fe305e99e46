"""The emulator-only JSON API at /_emulator/v1/ (its own simple error shape, never Twilio's)."""
