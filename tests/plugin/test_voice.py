"""Voice from a test: a phone calls the app's number and does what its script says as the app's TwiML listens;
the test reads what the phone heard, and a handset declared with a call_script answers the app's call."""
from __future__ import annotations

from tests.support.receiver import Receiver

MENU = ('<Response><Gather numDigits="1" action="/menu"><Say>Press 1 for opening hours.</Say></Gather>'
        '<Say>Goodbye.</Say></Response>')
HOURS = "<Response><Say>We open at nine.</Say></Response>"


def test_a_phone_calls_the_app_and_presses_a_key(twilio_emulator):
    with Receiver(routes={"/voice": (200, MENU, "text/xml"), "/menu": (200, HOURS, "text/xml")}) as app:
        shop = twilio_emulator.add_number(voice_url=app.url("/voice"))
        caller = twilio_emulator.phone("+14155550411")
        pressed = caller.call(shop, script=[{"wait": 1}, {"press": "1"}])
        assert pressed.status == "completed"
        assert pressed.heard() == ["Press 1 for opening hours.", "We open at nine."]
        silent = caller.call(shop)  # no script: the gather times out and the next verb runs
        assert silent.heard() == ["Press 1 for opening hours.", "Goodbye."]
        assert app.paths() == ["/voice", "/menu", "/voice"]


def test_a_declared_handset_answers_the_apps_call_with_its_script(twilio_emulator, twilio_client):
    twilio_emulator.set_handset("+14155550412", call_script=[{"press": "1"}])
    with Receiver(routes={"/call": (200, MENU, "text/xml"), "/menu": (200, HOURS, "text/xml")}) as app:
        shop = twilio_emulator.add_number()
        twilio_client.calls.create(to="+14155550412", from_=shop, url=app.url("/call"))
        pressed = app.wait_for(2)[1]
    assert (pressed.param("Digits"), pressed.param("To")) == ("1", "+14155550412")


def test_a_live_call_listens_and_presses_as_the_test_goes(twilio_emulator):
    with Receiver(routes={"/voice": (200, MENU, "text/xml"), "/menu": (200, HOURS, "text/xml")}) as app:
        shop = twilio_emulator.add_number(voice_url=app.url("/voice"))
        call = twilio_emulator.phone("+14155550413").call(shop, live=True)
        assert call.listen() == ["Press 1 for opening hours."]
        call.press("1")
        ended = call.end()
    assert ended.heard() == ["Press 1 for opening hours.", "We open at nine."] and ended.status == "completed"
