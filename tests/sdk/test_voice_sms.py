"""Voice <Sms> (seed "TwiML Voice: <Sms>"): a simulated incoming call runs the number's voice TwiML, built
with the official SDK's VoiceResponse; <Sms> defaults, action and statusCallback behave as the seed says."""
from __future__ import annotations

import requests
from twilio.request_validator import RequestValidator
from twilio.twiml.voice_response import VoiceResponse

from tests.support.numbers import configure
from tests.support.receiver import Receiver

CALLER = "+14155550155"
XML = "text/xml"


def voice(build) -> tuple[int, str, str]:
    response = VoiceResponse()
    build(response)
    return 200, str(response), XML


def call(server, **fields) -> dict:
    answer = requests.post(f"{server.base_url}/_emulator/v1/calls", json={"wait": True, **fields}, timeout=30)
    assert answer.status_code == 201, answer.text
    return answer.json()


def test_sms_defaults_to_the_caller_from_the_called_number_and_the_call_goes_on(server, client, account, number):
    def build(r):
        r.say("Hello")
        r.sms("Your code is 1234")
        r.pause(length=2)
        r.say("Goodbye")

    with Receiver(routes={"/voice": voice(build)}) as app:
        configure(client, number, voice_url=app.url("/voice"))
        data = call(server, From=CALLER, To=number)
        request = app.wait_for(1)[0]
    form = {k: v[0] for k, v in request.form.items()}
    assert (form["CallSid"], form["From"], form["To"], form["AccountSid"]) == (data["sid"], CALLER, number, account[0])
    assert (form["CallStatus"], form["Direction"], form["ApiVersion"]) == ("ringing", "inbound", "2010-04-01")
    assert (form["Caller"], form["Called"]) == (CALLER, number)
    assert RequestValidator(account[1]).validate(request.url, form, request.headers["X-Twilio-Signature"])
    assert data["sid"].startswith("CA") and data["status"] == "completed"
    assert [step["verb"] for step in data["transcript"]] == ["Say", "Sms", "Pause", "Say"]
    [message] = data["outcome"]["messages"]
    assert (message["to"], message["from"], message["body"], message["direction"]) == (
        CALLER, number, "Your code is 1234", "outbound-call")
    assert server.call(server.emulator.wait_for_message, message["sid"], "delivered").status == "delivered"
    assert client.messages(message["sid"]).fetch().direction == "outbound-call"
    fetched = requests.get(f"{server.base_url}/_emulator/v1/calls/{data['sid']}", timeout=10).json()
    assert fetched["transcript"] == data["transcript"]


def test_sms_action_gets_smssid_and_status_and_its_twiml_continues_the_call(server, client, account, number):
    def first(r):
        r.sms("Here is the link", action="/after-sms?x=1")
        r.say("unreachable")

    def after(r):
        r.say("Text sent")
        r.hangup()

    with Receiver(routes={"/voice": voice(first), "/after-sms": voice(after)}) as app:
        configure(client, number, voice_url=app.url("/voice"))
        data = call(server, From=CALLER, To=number)
        got = app.wait_for(2)
    action = got[1]
    form = {k: v[0] for k, v in action.form.items()}
    [message] = data["outcome"]["messages"]
    assert action.url == app.url("/after-sms?x=1") and action.method == "POST"
    assert (form["SmsSid"], form["SmsStatus"], form["CallSid"]) == (message["sid"], "sending", data["sid"])
    assert form["CallStatus"] == "in-progress"
    assert RequestValidator(account[1]).validate(action.url, form, action.headers["X-Twilio-Signature"])
    assert [(s["verb"], s.get("text")) for s in data["transcript"]] == [
        ("Sms", None), ("Say", "Text sent"), ("Hangup", None)]


def test_sms_with_invalid_attributes_reports_invalid_to_its_action(server, client, number):
    with Receiver(routes={"/voice": voice(lambda r: r.sms("x", to="not-a-number", action="/done")),
                          "/done": (200, "<Response/>", XML)}) as app:
        configure(client, number, voice_url=app.url("/voice"))
        data = call(server, From=CALLER, To=number)
        action = app.wait_for(2)[1]
    assert action.form["SmsStatus"] == ["invalid"] and action.form["SmsSid"] == [""]
    assert data["outcome"]["messages"] == [] and [a["error_code"] for a in data["outcome"]["alerts"]] == [14101]


def test_sms_status_callback_gets_one_request_sent_or_failed(server, client, account, number):
    failing = "+14155550156"
    server.call(server.emulator.declare_handset, failing, behaviour="failed", error_code=30008)

    def build(r):
        r.sms("ok", status_callback="/sms-status")
        r.sms("doomed", to=failing, status_callback="/sms-status")

    with Receiver(routes={"/voice": voice(build)}) as app:
        configure(client, number, voice_url=app.url("/voice"))
        data = call(server, From=CALLER, To=number)
        got = app.wait_for(3)
        server.call(server.emulator.drain)
        assert len(app.requests) == 3  # one each, not one per status
    sids = {m["body"]: m["sid"] for m in data["outcome"]["messages"]}
    by_sid = {r.form["SmsSid"][0]: r for r in got[1:]}
    assert by_sid[sids["ok"]].form["SmsStatus"] == ["sent"]
    assert by_sid[sids["doomed"]].form["SmsStatus"] == ["failed"]
    r = by_sid[sids["ok"]]
    assert RequestValidator(account[1]).validate(r.url, {k: v[0] for k, v in r.form.items()},
                                                 r.headers["X-Twilio-Signature"])


def test_voice_verbs_not_emulated_are_recorded_and_unknown_ones_warned(server, client, number):
    document = "<Response><Enqueue>support</Enqueue><Dance/><Sms>after</Sms></Response>"
    with Receiver(routes={"/voice": (200, document, XML)}) as app:
        configure(client, number, voice_url=app.url("/voice"))
        data = call(server, From=CALLER, To=number)
    assert data["transcript"][0] == {"verb": "Enqueue", "emulated": False}
    assert [a["error_code"] for a in data["outcome"]["alerts"]] == [12200]
    assert [m["body"] for m in data["outcome"]["messages"]] == ["after"]


def test_python_api_and_bad_calls(server, client, number):
    with Receiver(routes={"/voice": voice(lambda r: r.sms("hi"))}) as app:
        configure(client, number, voice_url=app.url("/voice"))
        outcome = server.call(server.emulator.place_call, CALLER, number)
    assert outcome.call.status == "completed" and [m.body for m in outcome.messages] == ["hi"]
    assert server.call(server.emulator.call_transcript, outcome.call.sid).transcript[0]["verb"] == "Sms"
    unknown = requests.post(f"{server.base_url}/_emulator/v1/calls", json={"From": CALLER, "To": "+14155550000"},
                            timeout=10)
    assert unknown.status_code == 404
    missing = requests.post(f"{server.base_url}/_emulator/v1/calls", json={"To": number}, timeout=10)
    assert missing.status_code == 400 and "From" in missing.json()["error"]
    assert requests.get(f"{server.base_url}/_emulator/v1/calls/CA123", timeout=10).status_code == 404
