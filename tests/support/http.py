"""Assertions on raw HTTP answers."""
from __future__ import annotations


def assert_twilio_error(resp, status: int, code: int) -> dict:
    assert resp.status_code == status, resp.text
    assert resp.headers["Content-Type"].startswith("application/json")
    body = resp.json()
    assert body["code"] == code and body["status"] == status
    assert body["more_info"] == f"https://www.twilio.com/docs/errors/{code}"
    assert isinstance(body["message"], str) and body["message"]
    assert not {"type", "title"} <= set(body)  # would turn into TwilioServiceException in the SDK
    return body
