"""Twilio's test-credential magic numbers behave as documented (reference twilio-api.md §13, sdk.md §5.1)."""
from __future__ import annotations

import pytest
from twilio.base.exceptions import TwilioRestException

OK_FROM = "+15005550006"


def test_magic_from_sends_without_being_bought(server, client):
    m = client.messages.create(to="+14155550199", from_=OK_FROM, body="test creds")
    assert (m.status, m.from_) == ("queued", OK_FROM)
    assert server.call(server.emulator.wait_for_message, m.sid, "delivered").status == "delivered"


@pytest.mark.parametrize("to,from_,code,status,message", [
    ("+14155550199", "+15005550001", 21212, 400,
     "The 'From' number +15005550001 is not a valid phone number, shortcode, or alphanumeric sender ID."),
    ("+14155550199", "+15005550007", 21606, 400,
     "The From phone number +15005550007 is not a valid, SMS-capable inbound phone number or short code for your "
     "account."),
    ("+14155550199", "+15005550008", 21611, 429, "SMS queue is full."),
    ("+15005550001", OK_FROM, 21211, 400, "The 'To' number +15005550001 is not a valid phone number."),
    ("+15005550002", OK_FROM, 21612, 400,
     "The 'To' phone number: +15005550002, is not currently reachable using the 'From' phone number: "
     "+15005550006 via SMS."),
    ("+15005550003", OK_FROM, 21408, 400,
     "Permission to send an SMS has not been enabled for the region indicated by the 'To' number: +15005550003."),
    ("+15005550004", OK_FROM, 21610, 400, "The message From/To pair violates a blacklist rule."),
    ("+15005550009", OK_FROM, 21614, 400, "To number: +15005550009, is not a mobile number"),
])
def test_magic_numbers_give_twilios_errors(client, to, from_, code, status, message):
    with pytest.raises(TwilioRestException) as exc:
        client.messages.create(to=to, from_=from_, body="x")
    assert (exc.value.code, exc.value.status) == (code, status)
    assert exc.value.msg == f"Unable to create record: {message}"
    assert client.messages.list() == []


def test_unreachable_magic_to_says_mms_for_media(client):
    with pytest.raises(TwilioRestException) as exc:
        client.messages.create(to="+15005550002", from_=OK_FROM, media_url=["https://example.com/a.png"])
    assert exc.value.msg.endswith("via MMS.")
