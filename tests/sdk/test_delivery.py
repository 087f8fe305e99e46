"""The simulated network through the official SDK: statuses over time, carrier failures with their codes,
and signed status callbacks received by a real aiohttp app."""
from __future__ import annotations

import pytest
from twilio.request_validator import RequestValidator

from tests.support.receiver import Receiver

TO = "+14155550199"


def final(server, sid: str):
    return server.call(server.emulator.wait_for_message, sid, ("delivered", "undelivered", "failed"))


def test_status_callbacks_for_every_step_are_signed_and_complete(server, client, account, number):
    with Receiver() as app:
        m = client.messages.create(to=TO, from_=number, body="track me", status_callback=app.url("/status?order=42"))
        got = app.wait_for(3)
    assert [r.form["MessageStatus"] for r in got] == [["sending"], ["sent"], ["delivered"]]
    validator = RequestValidator(account[1])
    tokens = set()
    for r in got:
        form = {k: v[0] for k, v in r.form.items()}
        assert r.method == "POST" and r.url == app.url("/status?order=42")
        assert validator.validate(r.url, form, r.headers["X-Twilio-Signature"])
        assert r.headers["User-Agent"] == "TwilioProxy/1.1"
        assert r.headers["Content-Type"] == "application/x-www-form-urlencoded"
        tokens.add(r.headers["I-Twilio-Idempotency-Token"])
        assert form["MessageSid"] == form["SmsSid"] == m.sid
        assert form["SmsStatus"] == form["MessageStatus"]
        assert (form["AccountSid"], form["From"], form["To"], form["ApiVersion"]) == (account[0], number, TO,
                                                                                    "2010-04-01")
        assert "ErrorCode" not in form
    assert len(tokens) == 3  # one per event
    assert len(got[2].form["RawDlrDoneDate"][0]) == 10  # YYMMDDhhmm, with the delivery receipt only
    assert "RawDlrDoneDate" not in got[0].form


def test_a_tampered_callback_would_fail_validation(server, client, account, number):
    with Receiver() as app:
        client.messages.create(to=TO, from_=number, body="x", status_callback=app.url("/s"))
        r = app.wait_for(1)[0]
    form = {k: v[0] for k, v in r.form.items()}
    assert not RequestValidator("wrong-token").validate(r.url, form, r.headers["X-Twilio-Signature"])
    assert not RequestValidator(account[1]).validate(r.url, {**form, "To": "+15550000000"},
                                                     r.headers["X-Twilio-Signature"])


@pytest.mark.parametrize("behaviour,code,status", [
    ("undelivered", 30003, "undelivered"), ("undelivered", 30005, "undelivered"),
    ("undelivered", 30007, "undelivered"), ("failed", 30008, "failed"), ("failed", 30003, "failed"),
])
def test_carrier_failures_carry_their_code(server, client, number, behaviour, code, status):
    handset = "+14155550142"
    server.call(server.emulator.declare_handset, handset, behaviour=behaviour, error_code=code)
    with Receiver() as app:
        m = client.messages.create(to=handset, from_=number, body="x", status_callback=app.url("/s"))
        got = app.wait_for(3 if status == "undelivered" else 2)
    done = client.messages(m.sid).fetch()
    assert (done.status, done.error_code) == (status, code)
    assert done.error_message
    assert got[-1].form["MessageStatus"] == [status] and got[-1].form["ErrorCode"] == [str(code)]
    if status == "failed":  # never left Twilio: not sent, not charged
        assert done.date_sent is None and done.price is None
        assert [r.form["MessageStatus"][0] for r in got] == ["sending", "failed"]
    else:
        assert done.date_sent is not None and done.price is not None
    server.call(server.emulator.declare_handset, handset, behaviour="deliver")


def test_landline_fails_sms_with_30006_by_default(server, client, number):
    m = client.messages.create(to="+442071234567", from_=number, body="to a landline")
    done = final(server, m.sid)
    assert (done.status, done.error_code) == ("undelivered", 30006)
    assert client.messages(m.sid).fetch().error_message == "Landline or unreachable carrier"


def test_sent_without_a_delivery_receipt_stays_sent(server, manual_clock, client, number):
    server.call(manual_clock.declare_handset, "+14155550143", behaviour="no_receipt")
    m = client.messages.create(to="+14155550143", from_=number, body="x")
    server.call(manual_clock.advance, 86400)  # a day later: still sent, no receipt ever came
    done = client.messages(m.sid).fetch()
    assert (done.status, done.error_code) == ("sent", None) and done.date_sent is not None
    assert [x.sid for x in server.call(manual_clock.handset_messages, "+14155550143")] == [m.sid]


def test_mms_to_a_handset_without_mms_is_undelivered_30011(server, client, number, media_host):
    server.call(server.emulator.declare_handset, "+14155550144", mms=False)
    m = client.messages.create(to="+14155550144", from_=number, media_url=[media_host.url("/a.png")])
    done = final(server, m.sid)
    assert (done.status, done.error_code) == ("undelivered", 30011)
    sms = client.messages.create(to="+14155550144", from_=number, body="plain text still arrives")
    assert final(server, sms.sid).status == "delivered"


def test_handset_inbox_holds_what_it_received(server, client, number):
    for body in ("first", "second"):
        final(server, client.messages.create(to="+14155550145", from_=number, body=body).sid)
    inbox = server.call(server.emulator.handset_messages, "+14155550145")
    assert [m.body for m in inbox] == ["first", "second"]


def test_manual_clock_nothing_moves_until_advanced_then_exactly_the_due_steps(server, manual_clock, client,
                                                                               number):
    server.call(manual_clock.declare_handset, "+14155550146", delays={"sending": 1, "sent": 2, "delivered": 3})
    with Receiver() as app:
        m = client.messages.create(to="+14155550146", from_=number, body="tick", status_callback=app.url("/s"))
        server.call(manual_clock.drain)
        assert app.requests == [] and client.messages(m.sid).fetch().status == "queued"
        server.call(manual_clock.advance, 1)  # t = 1: sending
        server.call(manual_clock.drain)
        assert [r.form["MessageStatus"][0] for r in app.requests] == ["sending"]
        server.call(manual_clock.advance, 2.5)  # t = 3.5: sent (due at 3), delivered not yet (due at 6)
        server.call(manual_clock.drain)
        assert [r.form["MessageStatus"][0] for r in app.requests] == ["sending", "sent"]
        assert client.messages(m.sid).fetch().status == "sent"
        server.call(manual_clock.advance, 10)
        server.call(manual_clock.drain)
        assert [r.form["MessageStatus"][0] for r in app.requests] == ["sending", "sent", "delivered"]
    assert client.messages(m.sid).fetch().status == "delivered"


def test_alphanumeric_sender_where_the_country_takes_it(server, client):
    m = client.messages.create(to="+447911123456", from_="MyBrand", body="Your code is 1234")
    assert m.from_ == "MyBrand"
    assert final(server, m.sid).status == "delivered"


def test_alphanumeric_sender_refused_where_the_country_does_not(client):
    from twilio.base.exceptions import TwilioRestException
    with pytest.raises(TwilioRestException) as exc:
        client.messages.create(to=TO, from_="MyBrand", body="x")
    assert exc.value.code == 21612
    with pytest.raises(TwilioRestException) as exc:  # too long, or no letter: not a sender ID at all
        client.messages.create(to="+447911123456", from_="MyBrandIsTooLong", body="x")
    assert exc.value.code == 21212


def test_a_callback_never_arrives_before_fetch_shows_its_status(server, client, number):
    """Issue 14, item 6: an app that fetches the message in its status callback handler sees (at least) the
    status the callback announced, with steps a few milliseconds apart, for every callback of 300 messages."""
    handset = "+14155550177"
    server.call(server.emulator.declare_handset, handset, delays={"sending": 0.004, "sent": 0.004,
                                                                  "delivered": 0.004})
    order = ["queued", "sending", "sent", "delivered"]
    behind = []

    def fetch_in_handler(request):
        announced = request.form["MessageStatus"][0]
        shown = client.messages(request.form["MessageSid"][0]).fetch().status
        if order.index(shown) < order.index(announced):
            behind.append((announced, shown))
        return 200, "", "text/plain"

    try:
        with Receiver(routes={"/s": fetch_in_handler}) as app:
            for i in range(300):
                client.messages.create(to=handset, from_=number, body=f"m{i}", status_callback=app.url("/s"))
                app.wait_for(3 * (i + 1))
    finally:
        server.call(server.emulator.declare_handset, handset, delays={})
    assert behind == []


@pytest.mark.parametrize("to,country,line_type", [
    ("+447700900461", "GB", "mobile"),  # Ofcom's drama mobile range
    ("+61491570006", "AU", "mobile"),  # ACMA's fictional mobile numbers
    ("+12125550142", "US", "mobile"),  # NANP 555-0100-0199
])
def test_published_fictional_numbers_are_phones_of_the_simulated_world(server, client, number, to, country,
                                                                       line_type):
    """Issue 14, item 8: the numbers regulators publish for fiction and documentation can be texted."""
    m = client.messages.create(to=to, from_=number, body="hello, fiction")
    assert final(server, m.sid).status == "delivered"
    handset = server.emulator.handset(to)
    assert (handset.country, handset.line_type) == (country, line_type)


def test_the_fictional_01632_area_is_a_landline_until_declared_a_mobile(server, client, number):
    """Twilio's Messaging Services guide texts +441632960675, a number of Ofcom's fictional area 01632: a
    landline (SMS undelivered, 30006) unless declared a mobile handset; it can also be bought."""
    to = "+441632960675"
    m = client.messages.create(to=to, from_=number, body="x")
    assert (final(server, m.sid).status, client.messages(m.sid).fetch().error_code) == ("undelivered", 30006)
    server.call(server.emulator.declare_handset, to, line_type="mobile", behaviour="deliver")
    try:
        m = client.messages.create(to=to, from_=number, body="y")
        assert final(server, m.sid).status == "delivered"
    finally:
        server.call(server.emulator.declare_handset, to, line_type="landline")
    bought = client.incoming_phone_numbers.create(phone_number="+447700900123")
    assert (bought.phone_number, bought.friendly_name) == ("+447700900123", "07700 900123")
    assert bought.capabilities["sms"] is True
