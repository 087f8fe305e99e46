"""The Calls resource through the official SDK (issue 15): placing calls with Twiml, Url or ApplicationSid, the
handset answering (or not) on the virtual clock, signed status callbacks per requested event, <Sms> to the
called party, list/fetch/update/delete and Twilio's errors."""
from __future__ import annotations

import asyncio

import pytest
import requests
from twilio.base.exceptions import TwilioRestException
from twilio.request_validator import RequestValidator
from twilio.twiml.voice_response import VoiceResponse

import twilio_emulator
from tests.support.receiver import Receiver

CALLEE = "+14155550197"


def say(text: str, pause: int = 0) -> str:
    r = VoiceResponse()
    r.say(text)
    if pause:
        r.pause(length=pause)
    return str(r)


def test_a_call_with_twiml_runs_and_its_sms_reaches_the_called_party(server, manual_clock, client, number):
    r = VoiceResponse()
    r.say("Your code is 4242")
    r.sms("Your code is 4242")
    call = client.calls.create(to=CALLEE, from_=number, twiml=str(r))
    assert (call.status, call.direction, call.to, call._from, call.to_formatted) == (
        "queued", "outbound-api", CALLEE, number, "(415) 555-0197")
    assert call.start_time is None and call.duration is None and call.price is None
    server.call(manual_clock.advance, 10)
    done = client.calls(call.sid).fetch()
    assert (done.status, done.duration) == ("completed", "1")  # one <Say>: a second
    assert done.price == "-0.01400" and done.start_time is not None and done.end_time is not None
    [sms] = [m for m in client.messages.list() if m.direction == "outbound-call"]
    digits = client.calls.create(to=CALLEE, from_=number, twiml=say("x"), send_digits="1234w#")
    server.call(manual_clock.advance, 10)
    transcript = requests.get(f"{server.base_url}/_emulator/v1/calls/{digits.sid}", timeout=10).json()["transcript"]
    assert transcript[0] == {"verb": "SendDigits", "digits": "1234w#"}  # accepted, and seen: not dropped
    assert (sms.to, sms.from_, sms.body) == (CALLEE, number, "Your code is 4242")  # to the called party


def test_a_call_with_a_url_fetches_it_signed_with_the_outbound_parameters(server, manual_clock, client, account,
                                                                          number):
    with Receiver(routes={"/voice": (200, say("hello"), "text/xml")}) as app:
        call = client.calls.create(to=CALLEE, from_=number, url=app.url("/voice?lang=en"), method="GET")
        server.call(manual_clock.advance, 10)  # dialed, rang, answered (the fetch), ended
        hook = app.wait_for(1)[0]
    assert hook.method == "GET"
    params = hook.query
    assert (params["CallSid"], params["Direction"], params["From"], params["To"], params["CallStatus"]) == (
        call.sid, "outbound-api", number, CALLEE, "in-progress")
    assert (params["Caller"], params["Called"], params["AccountSid"]) == (number, CALLEE, account[0])
    assert RequestValidator(account[1]).validate(hook.url, {}, hook.headers["X-Twilio-Signature"])
    assert client.calls(call.sid).fetch().status == "completed"


def test_status_callbacks_for_the_requested_events_in_order(server, client, account, number):
    with Receiver() as app:
        call = client.calls.create(to=CALLEE, from_=number, twiml=say("hi"), status_callback=app.url("/status"),
                                   status_callback_event=["initiated", "ringing", "answered", "completed"])
        got = app.wait_for(4)
        only_final = client.calls.create(to=CALLEE, from_=number, twiml=say("hi"), status_callback=app.url("/final"))
        app.wait_until(lambda rs: any(r.url.endswith("/final") for r in rs))
    forms = [{k: v[0] for k, v in r.form.items()} for r in got]
    assert [(f["CallStatus"], f["SequenceNumber"]) for f in forms] == [
        ("initiated", "0"), ("ringing", "1"), ("in-progress", "2"), ("completed", "3")]
    last = forms[-1]
    assert (last["CallDuration"], last["Duration"], last["SipResponseCode"]) == ("1", "1", "200")
    assert last["CallbackSource"] == "call-progress-events" and last["Timestamp"].endswith("+0000")
    assert (last["CallSid"], last["Direction"], last["From"], last["To"]) == (call.sid, "outbound-api", number,
                                                                              CALLEE)
    assert "CallDuration" not in forms[1]
    validator = RequestValidator(account[1])
    assert all(validator.validate(r.url, {k: v[0] for k, v in r.form.items()}, r.headers["X-Twilio-Signature"])
               for r in got)
    finals = [r.form["CallStatus"] for r in app.requests if r.url.endswith("/final")]
    assert finals == [["completed"]] and only_final.sid  # no events asked: only completed


@pytest.mark.parametrize("behaviour,status,sip", [("busy", "busy", "486"), ("no-answer", "no-answer", "487"),
                                                  ("failed", "failed", "404")])
def test_the_called_handset_may_not_answer(server, manual_clock, client, number, behaviour, status, sip):
    handset = "+14155550198"
    server.call(manual_clock.declare_handset, handset, call_behaviour=behaviour)
    try:
        with Receiver() as app:
            call = client.calls.create(to=handset, from_=number, twiml=say("never heard"), timeout=30,
                                       status_callback=app.url("/s"))
            server.call(manual_clock.advance, 29)
            if behaviour == "no-answer":
                assert client.calls(call.sid).fetch().status == "ringing"  # rings for its Timeout
            server.call(manual_clock.advance, 2)
            server.call(manual_clock.drain)
            got = app.wait_for(1)[0]
    finally:
        server.call(manual_clock.declare_handset, handset, call_behaviour="answer")
    done = client.calls(call.sid).fetch()
    assert (done.status, done.duration, done.price) == (status, "0", None)
    assert (got.form["CallStatus"], got.form["SipResponseCode"]) == ([status], [sip])


def test_cancel_complete_and_redirect(server, manual_clock, client, number):
    ringing = client.calls.create(to=CALLEE, from_=number, twiml=say("x"))
    server.call(manual_clock.advance, 0.0025)  # initiated, ringing
    assert client.calls(ringing.sid).fetch().status == "ringing"
    assert client.calls(ringing.sid).update(status="canceled").status == "canceled"
    long = client.calls.create(to=CALLEE, from_=number, twiml=say("hold on", pause=120))
    with pytest.raises(TwilioRestException) as exc:  # not in progress yet
        client.calls(long.sid).update(twiml=say("too early"))
    assert (exc.value.status, exc.value.code) == (400, 21220)
    server.call(manual_clock.advance, 1)
    assert client.calls(long.sid).fetch().status == "in-progress"
    with pytest.raises(TwilioRestException) as exc:
        client.calls(long.sid).delete()
    assert exc.value.code == 20009
    client.calls(long.sid).update(twiml=say("redirected"))
    server.call(manual_clock.advance, 5)
    transcript = requests.get(f"{server.base_url}/_emulator/v1/calls/{long.sid}", timeout=10).json()["transcript"]
    assert [t.get("text") for t in transcript if t["verb"] == "Say"] == ["hold on", "redirected"]
    assert client.calls(long.sid).fetch().status == "completed"
    other = client.calls.create(to=CALLEE, from_=number, twiml=say("hang up on me", pause=300))
    server.call(manual_clock.advance, 1)
    assert client.calls(other.sid).update(status="completed").status == "completed"
    assert client.calls(long.sid).delete() is True
    with pytest.raises(TwilioRestException) as exc:
        client.calls(long.sid).fetch()
    assert exc.value.status == 404


def test_list_and_filters(server, manual_clock, client, number):
    first = client.calls.create(to=CALLEE, from_=number, twiml=say("a"))
    second = client.calls.create(to="+14155550199", from_=number, twiml=say("b"))
    assert [c.sid for c in client.calls.list()] == [second.sid, first.sid]  # newest first
    assert [c.sid for c in client.calls.list(to=CALLEE)] == [first.sid]
    assert [c.sid for c in client.calls.list(status="queued")] == [second.sid, first.sid]
    server.call(manual_clock.advance, 10)
    assert client.calls.list(status="queued") == []
    assert {c.sid for c in client.calls.list(status="completed")} == {first.sid, second.sid}


def test_an_application_drives_the_call(server, manual_clock, client, number):
    with Receiver(routes={"/app-voice": (200, say("from the app"), "text/xml")}) as web:
        app = client.applications.create(voice_url=web.url("/app-voice"), status_callback=web.url("/app-status"))
        call = client.calls.create(to=CALLEE, from_=number, application_sid=app.sid,
                                   url=web.url("/ignored"))  # with ApplicationSid, the request's Url is ignored
        server.call(manual_clock.advance, 10)
        web.wait_until(lambda rs: any(r.url.endswith("/app-status") for r in rs))
        assert web.paths() == ["/app-voice", "/app-status"]
    assert client.calls(call.sid).fetch().status == "completed"


def test_an_inbound_call_is_a_call_resource_too(server, client, number):
    with Receiver(routes={"/voice": (200, say("welcome"), "text/xml")}) as web:
        client.incoming_phone_numbers(client.incoming_phone_numbers.list(phone_number=number)[0].sid).update(
            voice_url=web.url("/voice"))
        placed = requests.post(f"{server.base_url}/_emulator/v1/calls", json={"From": CALLEE, "To": number,
                                                                                "wait": True}, timeout=30).json()
    call = client.calls(placed["sid"]).fetch()
    assert (call.direction, call._from, call.to, call.status) == ("inbound", CALLEE, number, "completed")


@pytest.mark.parametrize("fields,status,code", [
    ({"from_": "+14155550100", "twiml": "<Response/>"}, 400, 21201),  # no To (the SDK needs one: sent empty)
    ({"to": CALLEE, "from_": "", "twiml": "<Response/>"}, 400, 21213),
    ({"to": CALLEE}, 400, 21200),
    ({"to": CALLEE, "url": "ftp://x.example/voice"}, 400, 21205),
    ({"to": "+1415", "twiml": "<Response/>"}, 400, 21211),
    ({"to": CALLEE, "twiml": "<Response/>", "from_": "+14155550999"}, 400, 21210),
    ({"to": CALLEE, "application_sid": "AP" + "0" * 32}, 400, 21218),
    ({"to": CALLEE, "twiml": "<Response/>", "record": True}, 400, 21200),  # not emulated: said so
    ({"to": CALLEE, "twiml": "<Response/>", "timeout": 601}, 400, 21200),
    ({"to": CALLEE, "twiml": "<Response/>", "status_callback_event": ["exploded"]}, 400, 21200),
])
def test_errors(client, number, fields, status, code):
    args = {"to": "", "from_": number, **fields}
    with pytest.raises(TwilioRestException) as exc:
        client.calls.create(**args)
    assert (exc.value.status, exc.value.code) == (status, code), exc.value.msg
    assert client.calls.list() == []


def test_calls_through_the_async_client(server, account, number):
    async def run():
        c = twilio_emulator.async_client(server.base_url, *account)
        try:
            call = await c.calls.create_async(to=CALLEE, from_=number, twiml=say("async"))
            return call.sid, [x.sid for x in await c.calls.list_async()]
        finally:
            await c.http_client.close()
    sid, listed = asyncio.run(run())
    assert listed == [sid]
