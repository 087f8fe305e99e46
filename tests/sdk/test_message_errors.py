"""Bad Messages.create input gets Twilio's error code through the SDK, and creates nothing."""
from __future__ import annotations

import pytest
from twilio.base.exceptions import TwilioRestException

TO = "+14155550199"


def _create_fails(client, code: int, status: int = 400, **params) -> TwilioRestException:
    before = len(client.messages.list())
    with pytest.raises(TwilioRestException) as exc:
        client.messages.create(**params)
    assert (exc.value.status, exc.value.code) == (status, code), exc.value.msg
    assert exc.value.msg.startswith("Unable to create record: ")
    assert len(client.messages.list()) == before  # no state changed
    return exc.value


def test_to_missing_21604(client, number):
    # The SDK requires `to`; an empty string goes on the wire as To= and counts as missing.
    _create_fails(client, 21604, to="", from_=number, body="x")


def test_from_and_service_missing_21603(client):
    _create_fails(client, 21603, to=TO, body="x")


def test_body_and_media_missing_21602(client, number):
    err = _create_fails(client, 21602, to=TO, from_=number)
    assert "body is required" in err.msg


def test_invalid_to_21211(client, number):
    err = _create_fails(client, 21211, to="+1555", from_=number, body="x")
    assert "The 'To' number +1555 is not a valid phone number." in err.msg


def test_nonexistent_area_code_is_an_invalid_to(client, number):
    _create_fails(client, 21211, to="+15555555555", from_=number, body="x")


def test_national_to_is_read_in_the_senders_country(client, number):
    m = client.messages.create(to="(415) 555-0142", from_=number, body="x")
    assert m.to == "+14155550142"


def test_invalid_from_21212(client):
    err = _create_fails(client, 21212, to=TO, from_="not a number!", body="x")
    assert "not a valid phone number, shortcode, or alphanumeric sender ID" in err.msg


def test_from_not_owned_21606(client):
    err = _create_fails(client, 21606, to=TO, from_="+14155550100", body="x")
    assert "is not a valid, SMS-capable inbound phone number or short code for your account" in err.msg


def test_from_owned_by_another_account_21606(client, main_client):
    theirs = main_client.incoming_phone_numbers.create(area_code="646").phone_number
    _create_fails(client, 21606, to=TO, from_=theirs, body="x")


def test_from_a_voice_only_number_21606(client):
    # Not +442071234567: other tests send to that landline on the shared emulator and expect the network's
    # landline there, which a number bought by any account would replace (020 7946 0xxx: Ofcom's drama range).
    landline = client.incoming_phone_numbers.create(phone_number="+442079460123")
    assert landline.capabilities["sms"] is False
    _create_fails(client, 21606, to=TO, from_=landline.phone_number, body="x")


def test_body_over_1600_characters_21617(client, number):
    _create_fails(client, 21617, to=TO, from_=number, body="a" * 1601)
    assert client.messages.create(to=TO, from_=number, body="a" * 1600).num_segments == "11"


def test_media_url_not_http_21620(client, number):
    _create_fails(client, 21620, to=TO, from_=number, media_url=["ftp://example.com/a.png"])


def test_more_than_ten_media_21623(client, number):
    _create_fails(client, 21623, to=TO, from_=number, media_url=[f"https://example.com/{i}.png" for i in range(11)])


def test_invalid_status_callback_21609(client, number):
    _create_fails(client, 21609, to=TO, from_=number, body="x", status_callback="http://bad_host.example/cb")


def test_unknown_messaging_service_21701(client):
    _create_fails(client, 21701, to=TO, messaging_service_sid="MG" + "0" * 32, body="x")


def test_scheduling_without_a_service_35118(client, number):
    import datetime as dt
    _create_fails(client, 35118, to=TO, from_=number, body="x", schedule_type="fixed",
                  send_at=dt.datetime.now(dt.timezone.utc) + dt.timedelta(hours=1))


def test_fetch_unknown_message_20404(client, account):
    sid = "SM" + "0" * 32
    with pytest.raises(TwilioRestException) as exc:
        client.messages(sid).fetch()
    assert (exc.value.status, exc.value.code) == (404, 20404)
    assert f"/2010-04-01/Accounts/{account[0]}/Messages/{sid}.json was not found" in exc.value.msg


def test_update_to_a_body_other_than_empty_is_refused(server, client, number):
    m = client.messages.create(to=TO, from_=number, body="keep")
    server.call(server.emulator.wait_for_message, m.sid, "delivered")
    with pytest.raises(TwilioRestException) as exc:
        client.messages(m.sid).update(body="changed")
    assert exc.value.status == 400
    assert client.messages(m.sid).fetch().body == "keep"


def test_another_accounts_message_is_not_found(client, main_client, number):
    m = client.messages.create(to=TO, from_=number, body="mine")
    other = main_client.api.v2010.accounts.create(friendly_name="other")
    import twilio_emulator
    stranger = twilio_emulator.client(client.http_client.base.geturl(), other.sid, other.auth_token)
    with pytest.raises(TwilioRestException) as exc:
        stranger.messages(m.sid).fetch()
    assert exc.value.status == 404
    assert m.sid not in [x.sid for x in stranger.messages.list()]


def test_a_channel_address_is_never_read_as_a_phone_number(client, number):
    """A `whatsapp:` address used to be stripped silently (issue 16): the message went as SMS. Until WhatsApp
    senders are emulated, no account has one, and Twilio's answer to that is an error, not an SMS."""
    service = client.messaging.v1.services.create(friendly_name="no whatsapp")
    for args, code in (({"from_": f"whatsapp:{number}", "to": "whatsapp:+14155550123"}, 63007),
                       ({"from_": number, "to": "whatsapp:+14155550123"}, 21910),
                       ({"messaging_service_sid": service.sid, "to": "whatsapp:+14155550123"}, 63007)):
        with pytest.raises(TwilioRestException) as exc:
            client.messages.create(body="hola", **args)
        assert (exc.value.status, exc.value.code) == (400, code), args
    assert client.messages.list() == []
    assert client.lookups.v2.phone_numbers("whatsapp:+14155550123").fetch().valid is False
